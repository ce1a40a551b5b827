-- stats_test.lua — subcorpora, frequency lists by attribute, n-grams and
-- keyness (docs/statistics.md).
local T = require "testlib"
local q = require "quarry"

local c = q.open("corpus/", { quiet = true })

-- A JSON Lines corpus with a "source" field, in a temporary file.
local jsonl = T.tmpfile(table.concat({
  '{"id":"a","text":"The cat sat. The cat ran.","source":"bbc","year":2019}',
  '{"id":"b","text":"A dog sat on the cat.","source":"cnn","year":2020}',
  '{"id":"c","text":"The dog ran and the dog sat.","source":"b\\u0062c"}',
  '{"id":"d","text":"Cats and dogs.","source":"fox","year":2019}',
}, "\n") .. "\n", "news.jsonl")
local j = q.open(jsonl, { quiet = true })

-- ---- subcorpora --------------------------------------------------------------

T.test("subcorpus by metadata: one value, a list of values, numbers, several keys", function()
  T.eq(j:subcorpus{ source = "bbc" }:docs(), { "a", "c" })   -- "b\u0062c" decodes to bbc
  T.eq(j:subcorpus{ source = { "bbc", "cnn" } }:docs(), { "a", "b", "c" })
  T.eq(j:subcorpus{ year = 2019 }:docs(), { "a", "d" })
  T.eq(j:subcorpus{ year = "2019", source = "fox" }:docs(), { "d" })
  T.eq(j:subcorpus{ source = "nobody" }:docs(), {})
  T.eq(#j:subcorpus{ source = "bbc" }, 2)
end)

T.test("subcorpus by a list of ids and indices, and by a function", function()
  local s = j:subcorpus{ "d", 1, "a", 3 }
  T.eq(s:docs(), { "a", "c", "d" })   -- corpus order, each once
  T.eq(s:indices(), { 1, 3, 4 })
  T.eq(j:subcorpus(function(doc) return doc.text:find("dog ") ~= nil end):docs(), { "b", "c" })
  T.eq(#j:subcorpus{}, 0)   -- an empty list: no documents
  T.eq(j:subcorpus(s), s)   -- a subcorpus is returned as it is
end)

T.test("a subcorpus counts its tokens, has a complement and prints itself", function()
  local s = j:subcorpus{ "a", "d" }
  local n = 0
  for _, id in ipairs({ "a", "d" }) do n = n + #j:doc(id):tokens() end
  T.eq(s:tokens(), n)
  T.eq(s:complement():docs(), { "b", "c" })
  T.eq(s:complement():complement():docs(), { "a", "d" })
  T.eq(tostring(s), string.format("<subcorpus: 2 of 4 documents, %d tokens>", n))
  T.eq(s:contains("a"), true)
  T.eq(s:contains(2), false)
  T.eq(s:contains(j:doc(4)), true)
  T.eq(s:corpus(), j)
  T.raises(function() s:contains(c:doc(1)) end, "a document of another corpus")
end)

T.test("subcorpus rejects what it cannot use", function()
  T.raises(function() j:subcorpus{ "a", "zzz" } end, "subcorpus: no document 'zzz'")
  T.raises(function() j:subcorpus{ 9 } end, "subcorpus: no document 9")
  T.raises(function() j:subcorpus{ 1, source = "bbc" } end, "documents and metadata conditions mixed")
  T.raises(function() j:subcorpus{ source = {} } end, "the list of values of 'source' is empty")
  T.raises(function() j:subcorpus{ source = { {} } } end, "must be a string, number or boolean")
  T.raises(function() j:subcorpus(42) end, "expected metadata conditions, a list of documents or a function")
  T.raises(function() j:subcorpus(c:subcorpus{ 1 }) end, "a subcorpus of another corpus")
end)

T.test("options that take a subcorpus refuse anything else", function()
  T.raises(function() j:freq{ by = "lower", subcorpus = { "a" } } end,
           "option 'subcorpus' must be a subcorpus, made by corpus:subcorpus (got table)")
  T.raises(function() j:freq{ by = "lower", subcorpus = c:subcorpus{ 1 } } end,
           "option 'subcorpus': a subcorpus of another corpus")
  T.raises(function() j:ngrams{ subcorpus = "a" } end, "option 'subcorpus' must be a subcorpus")
end)

-- ---- frequency lists ------------------------------------------------------------

-- The words of the JSON Lines corpus, by hand (22 words, 27 tokens):
--   a: The cat sat . The cat ran .      b: A dog sat on the cat .
--   c: The dog ran and the dog sat .    d: Cats and dogs .
-- the 2+1+2 = 5 (3 docs), cat 2+1 (2), dog 1+2 (2), sat 1+1+1 (3), ran 1+1 (2),
-- and 1+1 (2), a, on, cats, dogs 1 each.

T.test("freq by lower: columns, counts, document frequency, per million", function()
  local rows = j:freq{ by = "lower" }
  T.eq(rows.columns, { "lower", "count", "docs", "per_million" })
  T.eq(rows.tokens, 22)
  local got = {}
  for i, r in ipairs(rows) do got[i] = string.format("%s=%d/%d", r.lower, r.count, r.docs) end
  T.eq(table.concat(got, " "),
       "the=5/3 cat=3/2 dog=3/2 sat=3/3 and=2/2 ran=2/2 a=1/1 cats=1/1 dogs=1/1 on=1/1")
  T.eq(rows[1].per_million, 5 * 1e6 / 22)
end)

T.test("freq: min, top and a subcorpus", function()
  local rows = j:freq{ by = "lower", min = 3 }
  T.eq(#rows, 4)
  for _, r in ipairs(rows) do assert(r.count >= 3) end
  T.eq(#j:freq{ by = "lower", top = 2 }, 2)
  T.eq(j:freq{ by = "lower", min = 3, top = 2 }[2].lower, "cat")
  -- a and c (source bbc): the 4/2, cat 2/1, dog 2/1, ran 2/2, sat 2/2, and 1/1; 13 words
  local s = j:subcorpus{ source = "bbc" }
  local sub = j:freq{ by = "lower", subcorpus = s }
  T.eq(sub.tokens, 13)
  T.eq(sub[1], { lower = "the", count = 4, docs = 2, per_million = 4 * 1e6 / 13 })
  T.eq({ sub[2].lower, sub[3].lower, sub[4].lower, sub[5].lower }, { "cat", "dog", "ran", "sat" })
  -- doc within the subcorpus, and outside it (nothing)
  -- (c: dog 2 and the 2, in byte order)
  T.eq(j:freq{ by = "lower", subcorpus = s, doc = "c" }[1], { lower = "dog", count = 2, docs = 1,
                                                             per_million = 2 * 1e6 / 7 })
  T.eq(#j:freq{ by = "lower", subcorpus = s, doc = "b" }, 0)
end)

T.test("freq by word, kind and shape", function()
  local w = j:freq{ by = "word", top = 3 }
  T.eq({ w[1].word, w[1].count }, { "The", 3 })   -- The (3) and the (2) apart; T before c
  T.eq({ w[2].word, w[3].word }, { "cat", "dog" })
  local k = j:freq{ by = "kind" }
  T.eq(k.columns[1], "kind")
  T.eq({ k[1].kind, k[1].count, k[2].kind, k[2].count }, { "word", 22, "punct", 5 })
  T.eq(k.tokens, 27)
  local sh = j:freq{ by = "shape" }
  T.eq(sh[1].shape, "xxx")   -- a: cat sat cat ran; b: dog sat the cat; c: dog ran and the dog sat; d: and
  T.eq(sh[1].count, 15)
  T.eq(j:freq{ by = "shape", kind = "punct" }[1], { shape = ".", count = 5, docs = 4,
                                                     per_million = 1e6 })
end)

T.test("freq counts only the tokens inside matches", function()
  -- the cat: twice in a, once in b
  local rows = j:freq{ by = "lower", matches = '[lower="the"] [lower="cat"]' }
  T.eq(rows.tokens, 6)
  T.eq({ rows[1].lower, rows[1].count, rows[2].lower, rows[2].count }, { "cat", 3, "the", 3 })
  local m = j:query('"dog"')
  T.eq(j:freq{ by = "lower", matches = m }[1], { lower = "dog", count = 3, docs = 2,
                                                 per_million = 1e6 })
end)

T.test("freq checks its options", function()
  T.raises(function() j:freq{ n = 2 } end, "unknown option 'n' to 'freq'")
  T.raises(function() j:freq{ by = "lemma" } end,
           "option 'by' to 'freq' must be one of word, lower, kind, shape, ent, id (got 'lemma')")
  T.raises(function() j:freq{ by = 1 } end, "option 'by' to 'freq' must be one of")
  T.raises(function() j:freq{ by = "lower", fold = false } end, "option 'fold' goes with")
  T.raises(function() j:freq{ by = "lower", type = "PERSON" } end, "option 'type' goes with")
  T.raises(function() j:freq{ by = "lower", kind = "entity" } end, "kind = \"entity\" goes with")
  T.raises(function() j:freq{ by = "lower", kind = 3 } end,
           "option 'kind' to 'freq' must be a kind or a list of kinds (got number)")
  T.raises(function() j:freq{ by = "lower", kind = { "word", "verb" } } end,
           "option 'kind' to 'freq': bad kind 'verb' in the list")
  T.raises(function() j:freq{ by = "lower", fold = 1 } end, "option 'fold' to 'freq' must be a boolean")
  T.raises(function() j:freq{ by = "lower", top = "x" } end, "option 'top' must be an integer")
end)

-- The sample corpus against a plain count in Lua over every token.
T.test("freq and ngrams on the sample corpus agree with a count over doc:tokens()", function()
  local count, docs, words = {}, {}, 0
  local bigrams, bdocs, nbig = {}, {}, 0
  for doc in c:docs() do
    local prev, prev_sentence
    for t in doc:tokens() do
      if t.kind == "word" then
        local w = t.fold
        words = words + 1
        count[w] = (count[w] or 0) + 1
        docs[w] = docs[w] or {}
        docs[w][doc.index] = true
        if prev and prev_sentence == t.sentence then
          local b = prev .. " " .. w
          bigrams[b] = (bigrams[b] or 0) + 1
          bdocs[b] = bdocs[b] or {}
          bdocs[b][doc.index] = true
          nbig = nbig + 1
        end
        prev, prev_sentence = w, t.sentence
      else
        prev = nil   -- another kind ends the run
      end
    end
  end
  local function ndocs(set) local n = 0 for _ in pairs(set) do n = n + 1 end return n end
  local rows = c:freq{ by = "lower" }
  T.eq(rows.tokens, words)
  local seen = 0
  for _, r in ipairs(rows) do
    T.eq({ r.count, r.docs }, { count[r.lower], ndocs(docs[r.lower]) }, r.lower)
    T.eq(r.per_million, r.count * 1e6 / words)
    seen = seen + 1
  end
  local distinct = 0
  for _ in pairs(count) do distinct = distinct + 1 end
  T.eq(seen, distinct)
  local ng = c:ngrams{ n = 2 }
  T.eq(ng.total, nbig)
  T.eq(ng.tokens, words)
  local nb = 0
  for _, r in ipairs(ng) do
    T.eq({ r.count, r.docs }, { bigrams[r.ngram], ndocs(bdocs[r.ngram]) }, r.ngram)
    nb = nb + 1
  end
  local distinct_b = 0
  for _ in pairs(bigrams) do distinct_b = distinct_b + 1 end
  T.eq(nb, distinct_b)
  -- the order: count, then byte order
  for i = 2, #rows do
    assert(rows[i - 1].count > rows[i].count or
           (rows[i - 1].count == rows[i].count and rows[i - 1].lower < rows[i].lower))
  end
end)

-- ---- n-grams ---------------------------------------------------------------------

T.test("ngrams: bigrams by default, in runs of words within sentences", function()
  -- a: the cat, cat sat | the cat, cat ran (4); b: a dog, dog sat, sat on, on the, the cat
  -- (5); c: the dog, dog ran, ran and, and the, the dog, dog sat (6); d: cats and, and dogs (2)
  local rows = j:ngrams()
  T.eq(rows.columns, { "ngram", "count", "docs", "per_million" })
  T.eq(rows.total, 17)
  T.eq(rows.tokens, 22)
  T.eq(rows[1], { ngram = "the cat", count = 3, docs = 2, per_million = 3 * 1e6 / 22 })
  T.eq({ rows[2].ngram, rows[2].count, rows[3].ngram, rows[3].count }, { "dog sat", 2, "the dog", 2 })
  T.eq(#j:ngrams{ min = 2 }, 3)
  T.eq(#j:ngrams{ top = 1 }, 1)
end)

T.test("ngrams: n, skip, within, kind, subcorpus and matches", function()
  -- 12 trigrams, each once: the first in byte order
  local tri = j:ngrams{ n = 3 }
  T.eq(tri.total, 12)
  T.eq(tri[1], { ngram = "a dog sat", count = 1, docs = 1, per_million = 1e6 / 22 })
  T.eq(j:ngrams{ n = 1 }.total, 22)
  -- d: cats and dogs: with one skip, cats and, cats dogs, and dogs
  local d = j:subcorpus{ "d" }
  local sk = j:ngrams{ skip = 1, subcorpus = d }
  T.eq(sk.total, 3)
  T.eq(sk[2].ngram, "cats and")
  -- every kind, across sentences: a: the cat, cat sat, sat ., . the, the cat, cat ran, ran .
  local a = j:subcorpus{ "a" }
  T.eq(j:ngrams{ kind = "all", subcorpus = a }.total, 6)
  T.eq(j:ngrams{ kind = "all", within = "d", subcorpus = a }.total, 7)
  T.eq(j:ngrams{ kind = { "word", "punct" }, within = "d", subcorpus = a }[1].ngram, "the cat")
  -- inside the matches of a query: "sat" and the token after it
  local m = j:ngrams{ matches = '"sat" []' }
  T.eq(m.total, 1)   -- sat on (b); a's and c's "sat ." are cut by the full stop
  T.eq(m[1].ngram, "sat on")
  T.eq(j:ngrams{ by = "shape", top = 1 }[1].ngram, "xxx xxx")
  T.eq(j:ngrams{ by = "word", top = 1 }[1].ngram, "The cat")
end)

T.test("ngrams checks its options", function()
  T.raises(function() j:ngrams{ size = 2 } end, "unknown option 'size' to 'ngrams'")
  T.raises(function() j:ngrams{ n = 6 } end, "option 'n' to 'ngrams' must be at most 5")
  T.raises(function() j:ngrams{ n = 0 } end, "option 'n' to 'ngrams' must be at least 1")
  T.raises(function() j:ngrams{ n = "2" } end, "option 'n' to 'ngrams' must be an integer")
  T.raises(function() j:ngrams{ skip = 9 } end, "option 'skip' to 'ngrams' must be at most 8")
  T.raises(function() j:ngrams{ within = "p" } end, "option 'within' to 'ngrams' must be one of")
  T.raises(function() j:ngrams{ by = "id" } end,
           "option 'by' to 'ngrams' must be one of word, lower, kind, shape (got 'id')")
  T.raises(function() j:ngrams{ kind = "verb" } end, "option 'kind' to 'ngrams': bad kind 'verb'")
  T.raises(function() j:ngrams(3) end, "bad argument")
end)

-- ---- keyness ------------------------------------------------------------------------

-- G2 and chi-squared of the 2x2 table a, b / n1 - a, n2 - b, written out
-- again here to check the C against.
local function g2(a, b, n1, n2)
  local n, r1, r2 = n1 + n2, a + b, n1 + n2 - a - b
  local function t(o, e) return o > 0 and o * math.log(o / e) or 0 end
  return 2 * (t(a, n1 * r1 / n) + t(b, n2 * r1 / n) + t(n1 - a, n1 * r2 / n) + t(n2 - b, n2 * r2 / n))
end

local function near(got, want, what)
  if math.abs(got - want) > 1e-9 * math.abs(want) then
    error(string.format("%s: %.17g, expected %.17g", what or "value", got, want), 2)
  end
end

T.test("keyness of a subcorpus against the rest", function()
  -- target a, c (13 words): the 4, cat 2, dog 2, sat 2, ran 2, and 1;
  -- the rest b, d (9 words): the 1, cat 1, dog 1, sat 1, a 1, on 1, cats 1, and 1, dogs 1
  local k = j:keyness(j:subcorpus{ source = "bbc" }, nil, { sort = "f_target" })
  T.eq(k.columns, { "item", "f_target", "f_ref", "per_million_target", "per_million_ref", "ll",
                    "chi2", "log_ratio", "pct_diff", "p_ll", "p_chi2", "direction" })
  T.eq({ k.tokens_target, k.tokens_ref }, { 13, 9 })
  T.eq(#k, 10)
  local the = k[1]
  T.eq({ the.item, the.f_target, the.f_ref, the.direction }, { "the", 4, 1, "+" })
  near(the.ll, g2(4, 1, 13, 9), "ll")
  -- chi2 = N (ad - bc)^2 / ((a+b)(c+d)(a+c)(b+d)) = 22 (4 x 8 - 1 x 9)^2 / (5 x 17 x 13 x 9)
  near(the.chi2, 22 * (4 * 8 - 1 * 9) ^ 2 / (5 * 17 * 13 * 9), "chi2")
  near(the.log_ratio, math.log((4 / 13) / (1 / 9), 2), "log_ratio")
  near(the.pct_diff, 100 * (4 / 13 - 1 / 9) / (1 / 9), "pct_diff")
  near(the.per_million_target, 4 * 1e6 / 13, "per million")
  -- ran: 2 against 0: %DIFF infinite, the log ratio with 0.5 for the zero
  local ran
  for _, r in ipairs(k) do if r.item == "ran" then ran = r end end
  T.eq(ran.pct_diff, math.huge)
  near(ran.log_ratio, math.log((2 / 13) / (0.5 / 9), 2), "log_ratio of ran")
  -- the last rows: items the target lacks, direction "-"
  T.eq({ k[#k].f_target, k[#k].direction, k[#k].pct_diff }, { 0, "-", -100 })
end)

T.test("keyness: sorted by the measure, min and top, p-values", function()
  local s = j:subcorpus{ source = "bbc" }
  local k = j:keyness(s, nil, {})
  for i = 2, #k do assert(k[i - 1].ll >= k[i].ll) end
  for _, r in ipairs(k) do near(r.p_ll, 1 - (r.ll > 0 and (1 - r.p_ll) or 0), "p") end
  local lr = j:keyness(s, nil, { sort = "log_ratio" })
  for i = 2, #lr do assert(lr[i - 1].log_ratio >= lr[i].log_ratio) end
  T.eq(#j:keyness(s, nil, { min = 3 }), 4)   -- the 5, cat 3, dog 3, sat 3
  T.eq(#j:keyness(s, nil, { top = 2 }), 2)
  -- the complement within the subcorpus option: a (the 2, cat 2, sat, ran) against c (the 2,
  -- dog 2, ran, and, sat); f_ref 2 for the and dog, then f_target: the first
  local k2 = j:keyness(j:subcorpus{ "a" }, nil, { subcorpus = s, sort = "f_ref" })
  T.eq({ k2.tokens_target, k2.tokens_ref }, { 6, 7 })
  T.eq({ k2[1].item, k2[1].f_ref, k2[2].item, k2[2].f_ref, k2[2].f_target }, { "the", 2, "dog", 2, 0 })
end)

T.test("keyness against a subcorpus, and against another corpus", function()
  local k = j:keyness(j:subcorpus{ "a" }, j:subcorpus{ "d" }, { sort = "f_target", top = 1 })
  T.eq({ k[1].item, k[1].f_target, k[1].f_ref }, { "cat", 2, 0 })
  -- the whole JSON Lines corpus against the sample corpus: strings matched
  local x = j:keyness(nil, c, { sort = "f_target", top = 1 })
  T.eq({ x.tokens_target, x.tokens_ref }, { 22, c:freq{ by = "lower" }.tokens })
  T.eq({ x[1].item, x[1].f_target, x[1].f_ref }, { "the", 5, 118 })
  T.eq(j:keyness(j:subcorpus{ "a" }, c, { top = 1, sort = "f_target" })[1].f_target, 2)
  T.eq(j:keyness(j:subcorpus{ "a" }, j, { sort = "f_ref", top = 1 })[1].f_ref, 5)
end)

T.test("keyness checks its arguments and options", function()
  local s = j:subcorpus{ "a" }
  T.raises(function() j:keyness(nil, nil) end, "the whole corpus is compared only with another")
  T.raises(function() j:keyness(s, 5) end, "a subcorpus, a corpus or nil expected")
  T.raises(function() j:keyness(c:subcorpus{ 1 }, nil) end, "a subcorpus of another corpus")
  T.raises(function() j:keyness(s, nil, { sort = "mi" }) end, "option 'sort' to 'keyness' must be one of")
  T.raises(function() j:keyness(s, nil, { window = 3 }) end, "unknown option 'window' to 'keyness'")
  T.raises(function() j:keyness(s, nil, { min = 0 }) end, "option 'min' to 'keyness' must be at least 1")
  T.raises(function() j:keyness(s, nil, { type = "PERSON" }) end, "option 'type' goes with")
end)

-- ---- the examples of docs/statistics.md -----------------------------------------------

-- (the examples of the sections on subcorpora, frequency lists, n-grams and
-- keyness: the other sections' are in their own tests)
T.test("every example of docs/statistics.md prints what the page says", function()
  local f = assert(io.open("docs/statistics.md"))
  local doc = f:read("a")
  f:close()
  local mine = { Subcorpora = true, ["Frequency lists"] = true, ["N-grams"] = true, Keyness = true }
  local n, pos = 0, 1
  while true do
    local s, e, code = doc:find("\n```lua\n(.-)\n```\n", pos)
    if not s then break end
    local section = doc:sub(1, s):match(".*\n## ([^\n]+)")
    if not mine[section] then
      pos = e
      goto continue
    end
    local next_lua = doc:find("\n```lua\n", e) or #doc + 1
    local o1, _, want = doc:find("\n?```output\n(.-)```\n", e)
    local out = {}
    local env = setmetatable({ quarry = q, print = function(...)
      local t = table.pack(...)
      for i = 1, t.n do t[i] = tostring(t[i]) end
      out[#out + 1] = table.concat(t, "\t") .. "\n"
    end }, { __index = _G })
    assert(load(code, "example", "t", env))()
    if o1 and o1 < next_lua then T.eq(table.concat(out), want, code) end
    n = n + 1
    pos = e
    ::continue::
  end
  assert(n >= 4, "only " .. n .. " examples")
end)
