-- columns_test.lua — c:columns: the token arrays in chunks of integers,
-- checked against the Token objects of the same corpus.
local T = require "testlib"
local q = require "quarry"

local c = q.open("corpus/", { quiet = true, gazetteer = q.gazetteer("corpus/gazetteer.tsv") })

-- every token's fields through the Token objects, in corpus order
local want = {}
for doc in c:docs() do
  for s in doc:sentences() do
    for t in s:tokens() do
      want[#want + 1] = { word = t.text, lower = t.fold, kind = t.kind, doc = doc.index,
                          sentence = s.index, space = t.space_after }
    end
  end
end

T.test("every column, in chunks of every size, agrees with the tokens", function()
  for _, size in ipairs { 1, 7, 4096 } do
    local at, seen = 0, 0
    local sentence_base, last_doc = 0, nil
    for first, n, word, lower, kind, doc in c:columns({ "word", "lower", "kind", "doc" },
                                                      { size = size }) do
      T.eq(first, at + 1)
      assert(n >= 1 and n <= size)
      for i = 1, n do
        local w = want[at + i]
        T.eq({ c:form(word[i]), c:form(lower[i]), q.kinds[kind[i]], doc[i] },
             { w.word, w.lower, w.kind, w.doc })
      end
      at = at + n
      seen = seen + n
    end
    T.eq(seen, #want)
  end
end)

T.test("sentence and entity columns", function()
  local sentences, in_mention = {}, 0
  for first, n, sent, ent in c:columns { "sentence", "entity" } do
    for i = 1, n do
      sentences[sent[i]] = true
      if ent[i] > 0 then in_mention = in_mention + 1 end
    end
  end
  local ns = 0
  for _ in pairs(sentences) do ns = ns + 1 end
  T.eq(ns, c:stats().sentences)
  local m = 0   -- the tokens of every mention
  for x in c:query('[ent=".*"]') do m = m + x.last - x.first + 1 end
  T.eq(in_mention, m)
end)

T.test("one document, a subcorpus", function()
  local d = c:doc(3)
  local n = 0
  for first, cnt, doc in c:columns({ "doc" }, { doc = 3 }) do
    for i = 1, cnt do T.eq(doc[i], 3) end
    n = n + cnt
  end
  T.eq(n, #d:tokens())
  local sub = c:subcorpus { c:doc(2).id, c:doc(4).id }
  local docs = {}
  for first, cnt, doc in c:columns({ "doc" }, { subcorpus = sub }) do
    for i = 1, cnt do docs[doc[i]] = (docs[doc[i]] or 0) + 1 end
  end
  T.eq({ docs[2], docs[4], docs[1] }, { #c:doc(2):tokens(), #c:doc(4):tokens(), nil })
end)

T.test("bad calls", function()
  T.raises(function() c:columns { "lemma" } end, "unknown column 'lemma'")
  T.raises(function() c:columns({ "kind" }, { chunk = 5 }) end, "unknown option 'chunk' to 'columns'")
  T.raises(function() c:columns({}) end, "column names")
  T.raises(function() c:form(-1) end, "no such form id")
end)
