-- pattern_test.lua — the query language on the sample corpus: c:query,
-- c:count, c:kwic. The cases are data (a query, how many matches, the first
-- one's text); the counts are checked against plain loops over the tokens
-- where a loop is short enough to trust by reading it.
local T = require "testlib"
local q = require "quarry"

local c = q.open("corpus/", { quiet = true, gazetteer = q.gazetteer("corpus/gazetteer.tsv"),
                              guess = false })

-- { query, matches, text of the first match }
local CASES = {
  { '[lower="said"]', 1, "said" },
  { '"said"', 1, "said" },                                  -- a bare value is word=
  { '[word="Said"]', 0 },
  { '[word="SAID"%c]', 1, "said" },                         -- %c: ignore case
  { '[lower="missile.*"]', 10, "missiles" },                -- a regular expression, whole string
  { '[lower="missil"]', 0 },                                -- ... never a substring
  { '[lower="u\\.s\\."]', 6, "U.S." },                      -- escaped dots: a literal
  { '[lower="u.s."%l]', 6, "U.S." },                        -- %l: literal
  { '[lower!="the" & kind="word"]', 2548, "Vladimir" },
  { '[kind="number"]', 23, "18" },
  { '[shape="dddd"]', 5, "2000" },
  { '[shape="Xx+"] [shape="Xx+"]', 250, "Vladimir Putin" },
  { '[ent="PERSON"]', 93, "Vladimir Putin" },               -- a mention: all its tokens
  { '[ent="GPE|LOC"]', 198, "North Korea" },
  { '[ent!="PERSON"]', 275, "North Korea" },                -- a mention of another type
  { '[id="vladimir-putin"]', 49, "Vladimir Putin" },
  { '<s> [kind="word"]', 122, "Vladimir" },
  { '[kind="punct"] </s>', 112, "." },
  { '<p> []', 31, "Vladimir" },
  { '[] </d>', 5, "Putin" },
  { '[lower="the"] [] [lower="of"]', 17, "the readiness of" },
  { '[ent="PERSON"] [lower="said|says|told"] within s', 1, "Campbell said" },
  { 'a:[ent="GPE"] [lower="and"] b:[ent="GPE"]', 17, "Moscow and Pyongyang" },
  { '([kind="word" & shape="Xx+"]){2,4}', 250, "Vladimir Putin" },
  { '[lower="north"] [lower="korea"]?', 67, "North" },        -- standard: shortest per start
  { '[lower="putin"] | [lower="kim"]', 69, "Putin" },
  { '[lower="summit"] :: doc.id="01.*"', 0 },
  { '[lower="summit"] :: doc.id!="01.*"', 3, "summit" },
  { '[id="kim-jong-un"] []* [lower="missile.*"] within s', 2,
    "Kim toured several munitions factories, showcasing an arsenal brimming with ballistic missiles" },
  { 'North Korea', 57, "North Korea" },                      -- a phrase: words, any case
  { 'korea*', 71, "Korea" },                                 -- a wildcard in a phrase
  { "korea" .. string.rep("*", 80), 71, "Korea" },           -- a run of * is one *
}

T.test("the cases: counts and first matches", function()
  for _, case in ipairs(CASES) do
    local m = c:query(case[1])
    T.eq(case[1] .. " -> " .. #m, case[1] .. " -> " .. case[2])
    if case[3] then T.eq(case[1] .. " -> " .. m[1].text, case[1] .. " -> " .. case[3]) end
  end
end)

-- The tokens of the corpus in order, with their document and sentence.
local toks = {}
for doc in c:docs() do
  for s in doc:sentences() do
    for t in s:tokens() do
      toks[#toks + 1] = { fold = t.fold, text = t.text, kind = t.kind, doc = doc.index,
                          sent = s.index }
    end
  end
end

T.test("counts agree with loops over the tokens", function()
  local said, the_x_of, north_korea, sent_start_word = 0, 0, 0, 0
  for i, t in ipairs(toks) do
    if t.fold == "said" then said = said + 1 end
    local n2 = toks[i + 2]
    if t.fold == "the" and n2 and n2.fold == "of" and n2.doc == t.doc then
      the_x_of = the_x_of + 1
    end
    local n1 = toks[i + 1]
    if t.fold == "north" and n1 and n1.fold == "korea" and n1.doc == t.doc then
      north_korea = north_korea + 1
    end
    local p = toks[i - 1]
    if t.kind == "word" and (not p or p.sent ~= t.sent or p.doc ~= t.doc) then
      sent_start_word = sent_start_word + 1
    end
  end
  T.eq(#c:query('[lower="said"]'), said)
  T.eq(#c:query('[lower="the"] [] [lower="of"]'), the_x_of)
  T.eq(#c:query('[lower="north"] [lower="korea"]'), north_korea)
  T.eq(#c:query('<s> [kind="word"]'), sent_start_word)
  local persons = 0
  for e in c:entities() do if e.type == "PERSON" then persons = persons + 1 end end
  T.eq(#c:query('[ent="PERSON"]'), persons)
end)

T.test("a gap within the sentence: the nearest end, one match per end", function()
  -- by hand: every "the" followed in its sentence by "of"; of matches
  -- ending at the same "of", only the first start stays (CQP's standard)
  local want, ends = 0, {}
  for i, t in ipairs(toks) do
    if t.fold == "the" then
      for j = i + 1, #toks do
        local u = toks[j]
        if u.doc ~= t.doc or u.sent ~= t.sent then break end
        if u.fold == "of" then
          if not ends[j] then ends[j] = true; want = want + 1 end
          break
        end
      end
    end
  end
  T.eq(#c:query('[lower="the"] []* [lower="of"] within s'), want)
  -- shortest: every start keeps its match
  local starts = 0
  for i, t in ipairs(toks) do
    if t.fold == "the" then
      for j = i + 1, #toks do
        local u = toks[j]
        if u.doc ~= t.doc or u.sent ~= t.sent then break end
        if u.fold == "of" then starts = starts + 1; break end
      end
    end
  end
  T.eq(#c:query('[lower="the"] []* [lower="of"] within s', { strategy = "shortest" }), starts)
  assert(starts > want)
end)

T.test("matches: fields, captures, iteration, list", function()
  local m = c:query('a:[ent="GPE"] [lower="and"] b:[ent="GPE"]')
  local r = m[1]
  T.eq({ r.doc, r.text, r.last - r.first + 1 }, { "01-putin-visits-north-korea-amid-military-ties.txt",
                                                 "Moscow and Pyongyang", 3 })
  T.eq({ r.captures.a.text, r.captures.b.text }, { "Moscow", "Pyongyang" })
  T.eq(c:doc(r.doc).text:sub(r.start, r.stop), "Moscow and Pyongyang")
  T.eq(r.captures.b.first, r.last)
  local n = 0
  for x in m do n = n + 1; assert(x.captures.a and x.captures.b) end
  T.eq(n, #m)
  T.eq(#m:list(), #m)
  T.eq(tostring(m), "<matches: 17>")
  T.eq(m[0], nil)
  T.eq(m[#m + 1], nil)
end)

T.test("options: limit, doc, subcorpus, within, strategy", function()
  T.eq(#c:query('[kind="word"]', { limit = 10 }), 10)
  local d2 = c:doc(2).id
  for x in c:query('[lower="putin"]', { doc = 2 }) do T.eq(x.doc, d2) end
  local sub = c:subcorpus { c:doc(1).id, c:doc(3).id }
  for x in c:query('[lower="korea"]', { subcorpus = sub }) do
    assert(x.doc == c:doc(1).id or x.doc == c:doc(3).id, x.doc)
  end
  T.eq(#c:query('[lower="korea"]', { doc = 2, subcorpus = sub }), 0)
  T.eq(#c:query('[lower="the"] []* [lower="of"]', { within = "s" }),
       #c:query('[lower="the"] []* [lower="of"] within s'))
  T.eq(c:query('[lower="north"] [lower="korea"]?', { strategy = "longest" })[1].text, "North Korea")
  T.raises(function() c:query("[]", { window = 2 }) end, "unknown option 'window' to 'query'")
  T.raises(function() c:query("[]", { limit = "x" }) end, "option 'limit' to 'query' must be")
  T.raises(function() c:query("[]", { strategy = "greedy" }) end, "option 'strategy' to 'query'")
  T.raises(function() c:query("[]", { within = "x" }) end, "option 'within' to 'query'")
end)

T.test("count: a total, or rows by word, lower, doc or a label", function()
  T.eq(c:count('[ent="PERSON"]'), 93)
  local rows = c:count('[lower="north"] [lower="korea.*"]', { by = "word" })
  T.eq(rows.columns, { "value", "count" })
  T.eq(rows[1].value, "North Korea")
  local total = 0
  for _, r in ipairs(rows) do total = total + r.count end
  T.eq(total, c:count('[lower="north"] [lower="korea.*"]'))
  local by_b = c:count('[ent="GPE"] [lower="and"] b:[ent="GPE"]', { by = "b" })
  T.eq(by_b[1].value .. "=" .. by_b[1].count, "North Korea=7")
  local docs = c:count('[lower="putin"]', { by = "doc" })
  T.eq(#docs, 5)
  T.raises(function() c:count("[]", { by = "zz" }) end, "neither word, lower, doc nor a label")
  T.raises(function() c:count("[]", { n = 2 }) end, "unknown option 'n' to 'count'")
end)

T.test("kwic: the shorthands give the same rows as their queries", function()
  local function same(a, b)
    T.eq(#a, #b)
    for i = 1, #a do T.eq({ a[i].left, a[i].match, a[i].right }, { b[i].left, b[i].match, b[i].right }) end
  end
  same(c:kwic("North Korea"), c:kwic('[lower="north"] [lower="korea"]'))
  same(c:kwic({ entity = "kim-jong-un" }), c:kwic('[id="kim-jong-un"]'))
  same(c:kwic("North Korea", { case = true }), c:kwic('"North" "Korea"'))
  local rows = c:kwic('[lower="korea"]', { width = 2, sort = "left1", limit = 5 })
  T.eq(#rows, 5)
  for i = 2, #rows do
    local a, b = rows[i - 1].left:match("(%S+)$"):lower(), rows[i].left:match("(%S+)$"):lower()
    assert(a <= b, a .. " > " .. b)
  end
  T.raises(function() c:kwic("x", { window = 2 }) end, "unknown option 'window' to 'kwic'")
  T.raises(function() c:kwic("x", { sort = "left9" }) end, "option 'sort' to 'kwic'")
end)

-- { query, column, words of the message }
local BAD = {
  { '[word="Putin"', 14, "expected ']' to close the '[' at column 1" },
  { '[lemma="x"]', 2, "unknown attribute 'lemma'" },
  { '[word="a(b"]', 11, "bad regular expression" },
  { '[]{3,1}', 3, "minimum is larger than the maximum" },
  { '[word="x" & ent="PERSON"]', 1, "not both" },
  { '[]?', 1, "empty" },
  { '[word="(.*.*)*x"]', 7, "takes too many steps on" },   -- exponential backtracking, stopped
  { string.rep("(", 10000) .. "[]" .. string.rep(")", 10000), 101, "nested too deeply" },
}

T.test("bad queries: a message, the column and a caret", function()
  for _, case in ipairs(BAD) do
    local ok, err = pcall(c.query, c, case[1])
    assert(not ok, case[1])
    assert(err:find(case[3], 1, true), err)
    assert(err:find("column " .. case[2] .. ":", 1, true), case[1]:sub(1, 40) .. ": " .. err)
    local caret = err:match("\n( *)%^")
    -- a long query is shown as a window around the column: its caret moves
    if #case[1] < 60 then T.eq(case[1]:sub(1, 20) .. " ^" .. tostring(caret and #caret + 1), case[1]:sub(1, 20) .. " ^" .. case[2]) end
  end
end)

T.test("mentions carry first and last token, as matches do", function()
  local seen = 0
  local by_first = {}
  for x in c:query('[ent=".*"]') do by_first[x.first] = x end
  for e in c:entities() do
    local x = by_first[e.first]
    T.eq({ e.text, e.last }, { x.text, x.last })
    seen = seen + 1
  end
  T.eq(seen, #c:query('[ent=".*"]'))
end)

-- A small corpus worked out by hand: two documents with metadata, the
-- first in two paragraphs, accents, numbers.
local small = q.open(T.tmpfile(table.concat({
  '{"id": "a", "source": "bbc", "text": "Café au lait. The café opened in 1999.\\n\\nA new café opened."}',
  '{"id": "b", "source": "cnn", "text": "CAFE prices rose 3 percent. Prices rose again."}',
}, "\n") .. "\n", "small.jsonl"), { quiet = true })

-- { query, the matches' texts joined with " | " }
local SMALL = {
  { '[lower="cafe"%d]', "Café | café | café | CAFE" },           -- %d: marks ignored
  { '[lower="cafe"]', "CAFE" },
  { '[word="café"%c]', "Café | café | café" },
  { '[kind="number"]', "1999 | 3" },
  { '[lower="prices"] [lower="rose"] [kind="number"]?', "prices rose | Prices rose" },
  { '[lower="rose"] []{,1} [lower="percent"]', "rose 3 percent" },
  { '[lower="rose"] []{1,} [lower="again"]', "rose 3 percent. Prices rose again" },  -- no within
  { '[lower="rose"] []{1,} [lower="again"] within s', "" },       -- "rose again": nothing between
  { '[lower="rose"] []{0,} [lower="again"]', "rose 3 percent. Prices rose again" },  -- one end
  { '[lower="rose"] []{0,} [lower="again"] within s', "rose again" },
  { '[lower="rose"] []+ [lower="percent"|lower="again"]', "rose 3 percent" },
  { '<p> []', "Café | A | CAFE" },                                -- paragraph starts
  { '[] </p>', ". | . | ." },                                       -- paragraph ends
  { '[lower="café"] []* [lower="opened"] within p', "Café au lait. The café opened | café opened" },
  { '[lower="café"] []* [lower="new"] within p', "" },          -- "new" is in the next paragraph
  { '[lower="café"] []* [lower="new"] within d', "Café au lait. The café opened in 1999. A new" },
  { '[lower="café"] []* [lower="new"] within s', "" },
  { '[lower="prices"] :: doc.source="cnn"', "prices | Prices" },
  { '[lower="prices"] :: doc.source="bbc"', "" },
  { '[lower="prices"] :: doc.source!="bbc" & doc.id="b"', "prices | Prices" },
  { '[lower="prices"] :: doc.nokey="x"', "" },
  { '[lower="prices"] :: doc.nokey!="x"', "prices | Prices" },
}

T.test("a small corpus worked out by hand", function()
  for _, case in ipairs(SMALL) do
    local texts = {}
    for x in small:query(case[1]) do texts[#texts + 1] = x.text end
    T.eq(case[1] .. " => " .. table.concat(texts, " | "), case[1] .. " => " .. case[2])
  end
end)

T.test("a closed corpus: its matches refuse politely", function()
  local d = q.open("corpus/", { quiet = true })
  local m = d:query('[lower="the"]')
  d:close()
  T.raises(function() return #m end, "closed")
end)
