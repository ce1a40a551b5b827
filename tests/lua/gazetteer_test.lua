-- gazetteer_test.lua — building gazetteers, the matching rules of
-- docs/gazetteer.md, loading errors, and the sample corpus against an
-- independent annotation (tests/data/corpus-mentions.tsv).
local T = require "testlib"
local q = require "quarry"

local tmpfile = T.tmpfile

local g = q.gazetteer()
g:add("kim-jong-un", "PERSON", { "Kim Jong Un", "Kim" })
g:add("north-korea", "GPE", { "North Korea", "DPRK" })
g:add("north-korean", "NORP", "North Korean")
g:add("united-states", "GPE", { "United States", "U.S.", "US" })
g:add("un", "ORG", { "United Nations", "U.N." })
g:add("russia-day", "EVENT", { "Russia's National Day" })
g:add("russia", "GPE", "Russia")
g:add("nsc", "ORG", "National Security Council")
g:add("unsc", "ORG", { "Security Council", "U.N. Security Council" })
g:add("st-petersburg", "GPE", "St. Petersburg")
g:add("china", "GPE", "China")
g:add{ id = "nato", type = "ORG", names = { "NATO" }, attrs = { case = "fold", founded = 1949 } }
g:add("may", "PERSON", { "Theresa May" })

-- Each case: text => the matches as "surface=id" in order.
local cases = {
  { "Kim Jong Un met Kim Jong-un and KIM JONG UN.", "Kim Jong Un=kim-jong-un Kim Jong-un=kim-jong-un KIM JONG UN=kim-jong-un" },
  -- a name written with a capital is not found in small letters
  { "kim jong-un, son to all, met North Korea's north korea", "North Korea=north-korea" },
  { "KIM JONG UN ARRIVES IN NORTH KOREA", "KIM JONG UN=kim-jong-un NORTH KOREA=north-korea" },
  { "Russia’s army and Russia's navy", "Russia=russia Russia=russia" },
  { "North Korea’s leader", "North Korea=north-korea" },
  { "North Korean troops", "North Korean=north-korean" },
  { "celebrating Russia’s National Day", "Russia’s National Day=russia-day" },
  { "the U.S. and the US and the United States", "U.S.=united-states US=united-states United States=united-states" },
  { "let us go with US-led forces", "US=united-states" },
  { "Us and them", "" },
  { "the U.N. Security Council and the National Security Council", "U.N. Security Council=unsc National Security Council=nsc" },
  { "in St. Petersburg and St Petersburg", "St. Petersburg=st-petersburg St Petersburg=st-petersburg" },
  { "Kim Jong\nUn spoke", "Kim Jong\nUn=kim-jong-un" },
  -- no name across a paragraph break: "Kim Jong" is someone the gazetteer
  -- does not know
  { "Kim Jong\n\nUn spoke", "" },
  { "Kim\n\nJong Un spoke", "Kim=kim-jong-un" },
  { "He met Kim. Jong Un left.", "Kim=kim-jong-un" },
  { "Nato and NATO and nato", "Nato=nato NATO=nato nato=nato" },
  { "fine china and China", "China=china" },
  { "in May, Theresa May", "Theresa May=may" },
  { "the DPRK's missiles", "DPRK=north-korea" },
  { "Putinism and Kimchi", "" },
  -- capitals carry no sign in a sentence written in them: "US" there is no
  -- country, unless it has its dots; longer names still match
  { "LET US PRAY FOR NORTH KOREA", "NORTH KOREA=north-korea" },
  { "U.S. TROOPS LEAVE", "U.S.=united-states" },
  { "US troops leave", "US=united-states" },
  -- a one-word name with a capital never matches an all-small word
  { "you may go, Russia", "Russia=russia" },
  { "russia and RUSSIA", "RUSSIA=russia" },
  -- a person's one-word name before another capitalised word is part of
  -- someone else's name; not before a weekday, a month, a possessive, a
  -- small word, or across a sentence's end
  { "Kim Clijsters won. Kim Jong Nam died. Kim said so.", "Kim=kim-jong-un" },
  { "Kim Monday, Kim June and Kim's visit", "Kim=kim-jong-un Kim=kim-jong-un Kim=kim-jong-un" },
  { "He saw Kim. Clijsters won.", "Kim=kim-jong-un" },
  { "KIM ARRIVES IN NORTH KOREA", "KIM=kim-jong-un NORTH KOREA=north-korea" },
  -- so does a place's one-word name: Russia Today is no Russia; but a
  -- title after a place leaves it one (Russia President is)
  { "Russia Today said", "" },
  { "He met Russia President Putin", "Russia=russia" },
}

-- Runs cases of gazetteer gz: each text's matches as "surface=id" in order
-- (the gazetteer's names only: guess = false).
local function match_cases(what, gz, list)
  for _, case in ipairs(list) do
    T.test(what .. ": " .. case[1]:gsub("\n", "\\n"), function()
      local got = {}
      for _, m in ipairs(gz:match(case[1], { guess = false })) do got[#got + 1] = m.text .. "=" .. m.id end
      T.eq(table.concat(got, " "), case[2])
    end)
  end
end
match_cases("match", g, cases)

-- Diacritics and the apostrophes inside a word are ignored, both ways:
-- romanisations write them or leave them out.
-- A gazetteer of rows { id, type, name }.
local function gazetteer_of(rows)
  local gz = q.gazetteer()
  for _, r in ipairs(rows) do gz:add(r[1], r[2], r[3]) end
  return gz
end

local plain = gazetteer_of{
  { "choe-son-hui", "PERSON", "Choe Son Hui" }, { "pyongyang", "GPE", "P'yŏngyang" },
  { "to-lam", "PERSON", "Tô Lâm" }, { "lodz", "GPE", "Łódź" },
  { "obrien", "PERSON", "Conan O'Brien" }, { "cafe", "ORG", "Café Central" },
  { "seoul", "GPE", "서울" },
}
plain:add{ id = "resume", type = "PRODUCT", names = { "Résumé Pro" }, attrs = { case = "exact" } }
local plain_cases = {
  { "Ch'oe Sŏn-hŭi and Choe Son-hui flew to Pyongyang and P’yŏngyang",
    "Ch'oe Sŏn-hŭi=choe-son-hui Choe Son-hui=choe-son-hui Pyongyang=pyongyang P’yŏngyang=pyongyang" },
  { "To Lam, TÔ LÂM and Tô Lâm in Lodz and ŁÓDŹ", "To Lam=to-lam TÔ LÂM=to-lam Tô Lâm=to-lam Lodz=lodz ŁÓDŹ=lodz" },
  -- decomposed (NFD) text: the letter and its mark as two code points
  { "Cafe\u{301} Central and Cafe Central", "Cafe\u{301} Central=cafe Cafe Central=cafe" },
  { "Conan OBrien, Conan O’Brien and Conan O'Brien's show", "Conan OBrien=obrien Conan O’Brien=obrien Conan O'Brien=obrien" },
  -- an apostrophe that is no part of a word stays a token of its own
  { "Choe Son Hui's trip and Choe Son Hui' s", "Choe Son Hui=choe-son-hui Choe Son Hui=choe-son-hui" },
  -- case=exact keeps the marks too
  { "Resume Pro and Résumé Pro", "Résumé Pro=resume" },
  -- a script whose letters decompose into more letters (Hangul) still matches itself
  { "서울 and 서", "서울=seoul" },
  -- the letters themselves still count
  { "Tolam, Lod and Choe Sun Hui", "" },
}
match_cases("match without diacritics", plain, plain_cases)

local spelled = gazetteer_of{
  { "kim-jong-un", "PERSON", "Kim Jong-un" }, { "john-q-smith", "PERSON", "John Q. Smith" },
  { "north-korea", "GPE", "N. Korea" }, { "saint-denis", "GPE", "Saint-Denis" },
}
local spelled_cases = {
  -- a person's hyphen-joined words also written as one
  { "Kim Jongun, KIM JONGUN, Kim Jong-un and Kim Jong un",
    "Kim Jongun=kim-jong-un KIM JONGUN=kim-jong-un Kim Jong-un=kim-jong-un Kim Jong un=kim-jong-un" },
  -- a place's initial written against its word, as headlines do
  { "N.Korea's envoy in N. Korea", "N.Korea=north-korea N. Korea=north-korea" },
  -- but not a person's middle initial, nor a place's hyphen
  { "John Q.Smith met John Q. Smith in Saintdenis and Saint-Denis", "John Q. Smith=john-q-smith Saint-Denis=saint-denis" },
  -- the one-word spelling is still a word of its own: no part of it matches
  { "Kim Jong and Jongunn", "" },
}
match_cases("other spellings of a name", spelled, spelled_cases)

T.test("a short name before another capitalised word is someone else", function()
  local h = q.gazetteer()
  h:add("putin", "PERSON", "Vladimir Putin")
  local got = {}
  for _, m in ipairs(h:match("Vladimir Putin spoke. Vladimir Smith and Putin Street. Putin said.",
                             { guess = false })) do
    got[#got + 1] = m.text .. "@" .. m.start
  end
  T.eq(table.concat(got, " "), "Vladimir Putin@1 Putin@56")
end)

T.test("in a title, a one-word name before a capitalised word is still the person", function()
  local h = q.gazetteer()
  h:add("putin", "PERSON", { "Vladimir Putin", "Putin" })
  h:add("kim", "PERSON", { "Kim Jong Un", "Kim" })
  local got = {}
  local text = "Putin and Kim Sign Pact in Pyongyang\nKim Hails Putin As Dearest Friend\n\n" ..
               "Kim Clijsters met fans. Putin Street is long. Then Kim Said Nothing.\n"
  for _, m in ipairs(h:match(text, { guess = false })) do got[#got + 1] = m.text .. "@" .. m.start end
  -- the title lines: every name; the prose: none (a small word makes a
  -- sentence no title, and so does sharing its line with another)
  T.eq(table.concat(got, " "), "Putin@1 Kim@11 Kim@38 Putin@48")
end)

T.test("g:match gives rows whose columns start with where and what", function()
  local rows = g:match("Kim Jong Un met the DPRK.")
  T.eq({ rows.columns[1], rows.columns[3], rows.columns[5] }, { "start", "text", "id" })
  T.eq(report.render(rows, "csv"):match("^[^\r\n]*"), "start,stop,text,type,id,sentence,known,confidence,ambiguous,alias,candidates")
end)

T.test("mentions from g:match carry offsets into the string", function()
  local text = "Yes, Kim Jong-un's visit."
  local m = g:match(text)[1]
  T.eq({ m.start, m.stop, m.type, m.name }, { 6, 16, "PERSON", "Kim Jong Un" })
  T.eq(text:sub(m.start, m.stop), "Kim Jong-un")
end)

T.test("entries keep their names, attributes and case policy", function()
  T.eq(#g, 13)
  local e = g:entry("nato")
  T.eq(e.names, { "NATO" })
  T.eq(e.attrs, { founded = "1949" })
  T.eq(e.case, "fold")
  T.eq(g:entry("nope"), nil)
  T.eq(#g:entries{ type = "GPE" }, 5)
  T.eq(tostring(g), "<gazetteer: 13 entries>")
end)

T.test("adding names to an existing id extends it", function()
  local h = q.gazetteer()
  h:add("putin", "PERSON", "Vladimir Putin")
  h:add("putin", "PERSON", { "Putin", "Vladimir Putin" })
  T.eq(h:entry("putin").names, { "Vladimir Putin", "Putin" })
  T.eq(#h:match("Putin and Vladimir Putin"), 2)
  T.raises(function() h:add("putin", "ORG", "Putin Inc") end,
           "id 'putin' already exists with type PERSON")
end)

T.test("a name shared by two entries is marked ambiguous", function()
  local h = q.gazetteer()
  h:add("kim-jong-un", "PERSON", { "Kim Jong Un", "Kim" })
  h:add("kim-yo-jong", "PERSON", { "Kim Yo Jong", "Kim" })
  local m = h:match("Kim said")[1]
  T.eq(m.ambiguous, true)
  T.eq(h:match("Kim Yo Jong said")[1].ambiguous, false)
end)

T.test("short names: a person named in full is found again by surname or given name", function()
  local h = q.gazetteer()
  h:add("vladimir-putin", "PERSON", "Vladimir Putin")
  h:add("kim-jong-un", "PERSON", { "Kim Jong Un", "Kim" })
  h:add("kim-hong-kyun", "PERSON", "Kim Hong-kyun")
  h:add("un", "ORG", { "United Nations", "UN" })
  local function show(text)
    local got = {}
    for _, m in ipairs(h:match(text)) do
      got[#got + 1] = m.text .. "=" .. table.concat(m.candidates, "/") .. (m.alias and "*" or "")
    end
    return table.concat(got, " ")
  end
  -- before the full name, a surname is nobody; after it, the person
  T.eq(show("Putin left. Vladimir Putin arrived. Putin spoke, and Vladimir smiled."),
       "Vladimir Putin=vladimir-putin Putin=vladimir-putin* Vladimir=vladimir-putin*")
  -- the gazetteer's own short name, while only one Kim is in scope
  T.eq(show("Kim Jong Un came. Kim spoke."), "Kim Jong Un=kim-jong-un Kim=kim-jong-un")
  -- two people named Kim: the bare Kim is ambiguous, the latest named first
  T.eq(show("Kim Jong Un met Kim Hong-kyun. Kim spoke."),
       "Kim Jong Un=kim-jong-un Kim Hong-kyun=kim-hong-kyun Kim=kim-hong-kyun/kim-jong-un*")
  local m = h:match("Kim Jong Un met Kim Hong-kyun. Kim spoke.")[3]
  T.eq({ m.ambiguous, m.alias, m.id }, { true, true, "kim-hong-kyun" })
  -- "UN" in capitals is no short name of Kim Jong Un, nor is a small word
  T.eq(show("Kim Jong Un spoke to the UN. un"), "Kim Jong Un=kim-jong-un UN=un")
  -- and the pass can be turned off
  T.eq(#h:match("Vladimir Putin. Putin.", { aliases = false }), 1)
end)

T.test("stop entries: a form that must never match", function()
  local h = q.gazetteer()
  h:add("theresa-may", "PERSON", { "Theresa May", "May" })
  h:add("may-month", "STOP", "May")
  h:add("china", "GPE", "China")
  h:add("china-porcelain", "STOP", "fine china", { case = "fold" })
  local function show(text)
    local got = {}
    for _, m in ipairs(h:match(text)) do got[#got + 1] = m.text .. "=" .. m.id end
    return table.concat(got, " ")
  end
  T.eq(show("In May 2024 she left."), "")
  T.eq(show("In May, Theresa May resigned."), "Theresa May=theresa-may")
  -- a stop form covers only its own tokens: the longer name wins
  T.eq(show("They sold fine china in China."), "China=china")
  -- after the full name, the short name is hers again (the text says so)
  T.eq(show("Theresa May spoke. May said no."), "Theresa May=theresa-may May=theresa-may")
  T.eq(#h:match("May said", { overlapping = true }), 0)
end)

T.test("overlapping matches and type filters", function()
  local h = q.gazetteer()
  h:add("north-korean", "NORP", "North Korean")
  h:add("korean", "NORP", "Korean")
  h:add("kpa", "ORG", "Korean People's Army")
  local function show(ms)
    local got = {}
    for _, m in ipairs(ms) do got[#got + 1] = m.text .. "=" .. m.id end
    return table.concat(got, " ")
  end
  local text = "The North Korean People's Army"
  -- leftmost first: the match at "North" hides the one at "Korean"
  T.eq(show(h:match(text)), "North Korean=north-korean")
  T.eq(show(h:match(text, { overlapping = true })),
       "North Korean=north-korean Korean=korean Korean People's Army=kpa")
  -- a type filter acts before the longest match is chosen
  T.eq(show(h:match(text, { types = "ORG" })), "Korean People's Army=kpa")
  T.eq(show(h:match(text, { types = { "ORG", "NORP" } })), "North Korean=north-korean")
  T.raises(function() h:match(text, { types = 5 }) end, "option 'types' to 'match' must be a type name or a list (got number)")
end)

T.test("remove, lookup and the sentence of a mention", function()
  local h = q.gazetteer()
  h:add("china", "GPE", "China")
  h:add("north-korea", "GPE", { "North Korea", "DPRK" })
  T.eq(#h:lookup("DPRK"), 1)
  T.eq(h:lookup("DPRK")[1].id, "north-korea")
  T.eq(h:lookup("north korea")[1].id, "north-korea")
  T.eq(#h:lookup("North"), 0)
  T.eq(#h:lookup("nobody"), 0)
  T.eq(h:remove("china"), true)
  T.eq({ h:remove("china") }, { nil, "no entry 'china'" })
  T.eq(#h, 1)
  T.eq(h:entry("china"), nil)
  T.eq(#h:match("China"), 0)
  h:add("china", "GPE", "PRC")
  T.eq(h:match("PRC")[1].id, "china")
  T.eq(#h:match("China"), 0)
  local ms = h:match("Rain. The DPRK spoke. Then PRC did.")
  T.eq({ ms[1].sentence, ms[2].sentence }, { 2, 3 })
end)

T.test("bad entries are refused whole", function()
  local h = q.gazetteer()
  T.raises(function() h:add("has space", "PERSON", "X") end, "bad id 'has space'")
  T.raises(function() h:add("", "PERSON", "X") end, "empty id")
  T.raises(function() h:add("x", "person", "X") end, "bad type 'person'")
  T.raises(function() h:add("x", "PERSON", { "X", "" }) end, "empty name for 'x'")
  T.raises(function() h:add("x", "PERSON", "---") end, "name '---' of 'x' has no word in it")
  T.raises(function() h:add("x", "PERSON", "X", { case = "loud" }) end, "bad case 'loud'")
  T.raises(function() h:add("x", "PERSON") end, "bad argument #3 to 'add' (expected a name or a list of names)")
  T.eq(#h, 0)
end)

local function load_error(text)
  local path = tmpfile(text)
  local ok, err = pcall(q.gazetteer, path)
  os.remove(path)
  assert(not ok, "the gazetteer loaded")
  return (err:gsub("^.-:(%d+):", "LINE %1:"))
end

T.test("gazetteer files: errors name the line, and nothing is half-loaded", function()
  T.eq(load_error("# header\na\tPERSON\n"),
       "LINE 2: expected at least 3 TAB-separated fields (id, type, name), found 2")
  T.eq(load_error("a\tGPE\tA\n\nb\tGPE\tB\na\tGPE\tA again\n"),
       "LINE 4: duplicate id 'a' (first defined at line 1)")
  T.eq(load_error("a\tgpe\tA\n"), "LINE 1: bad type 'gpe' (expected upper-case letters, digits, _)")
  T.eq(load_error("a\tGPE\tA\tB | | C\n"), "LINE 1: empty alias (alias 2 of 'a')")
  T.eq(load_error("a\tGPE\tA\t\tkey\n"), "LINE 1: attribute 'key' is not key=value")
  T.eq(load_error("a\tGPE\tA\t\tcase=loud\n"),
       "LINE 1: unknown case 'loud' (expected fold, exact or auto)")
  T.eq(load_error("a\tGPE\tA\tB\tx=1\textra\n"), "LINE 1: expected at most 5 TAB-separated fields, found 6")
  T.eq(load_error("ok\tGPE\tOk\nb\tGPE\t\xFF\n"), "LINE 2: invalid UTF-8 at column 7")
  T.eq(load_error("a\tGPE\t...\n"), "LINE 1: name '...' of 'a' has no word in it")
  local h = q.gazetteer()
  local path = tmpfile("a\tGPE\tAlpha\nb\tGPE\tBeta\nc\tbad\tC\n")
  T.raises(function() h:load(path) end, ":3: bad type 'bad'")
  T.eq(#h, 0)
  os.remove(path)
end)

T.test("JSON Lines gazetteers: entries as objects, errors by line, all or nothing", function()
  local path = tmpfile('{"id": "dprk", "type": "GPE", "name": "North Korea", "aliases": ["DPRK", "N. Korea"],' ..
                       ' "attrs": {"wikidata": "Q423", "founded": 1948}}\n\n' ..
                       '{"id": 42, "type": "ORG", "name": "KCNA", "case": "fold"}\n', "g.jsonl")
  local h = q.gazetteer(path)
  os.remove(path)
  T.eq(#h, 2)
  T.eq(h:entry("dprk").names, { "North Korea", "DPRK", "N. Korea" })
  T.eq(h:entry("dprk").attrs, { wikidata = "Q423", founded = "1948" })
  T.eq(h:entry("42").case, "fold")
  T.eq(h:match("kcna said")[1].id, "42")
  local function jsonl_error(text)
    local p = tmpfile(text, "g.jsonl")
    local ok, err = pcall(q.gazetteer, p)
    os.remove(p)
    assert(not ok, "the gazetteer loaded")
    return (err:gsub("^.-:(%d+):", "LINE %1:"))
  end
  T.eq(jsonl_error('{"id": "a", "type": "GPE", "name": "A"}\n{"id": "b", "type": "GPE",}\n'),
       "LINE 2: column 27: expected a string key")
  T.eq(jsonl_error('{"id": "a", "name": "A"}\n'), 'LINE 1: "type" must be a string')
  T.eq(jsonl_error('{"id": "a", "type": "GPE"}\n'), "LINE 1: entry 'a' has no \"name\"")
  T.eq(jsonl_error('{"id": "a", "type": "GPE", "name": "A", "aliases": "B"}\n'),
       'LINE 1: "aliases" must be an array of strings')
  T.eq(jsonl_error('{"id": "a", "type": "GPE", "name": "A", "colour": "red"}\n'),
       'LINE 1: unknown field "colour" (expected id, type, name, aliases, attrs, case)')
  T.eq(jsonl_error('{"id": "a", "type": "GPE", "name": "A"}\n{"id": "a", "type": "GPE", "name": "B"}\n'),
       "LINE 2: duplicate id 'a' (first defined at line 1)")
  T.eq(jsonl_error('[1, 2]\n'), "LINE 1: expected a JSON object")
end)

T.test("GeoNames dumps: places with their alternate names, the most populous first", function()
  local function row(id, name, ascii, alt, class, code, cc, pop)
    local f = { id, name, ascii, alt, "51.5", "-0.12", class, code, cc, "", "", "", "", "", pop,
                "", "", "Europe/London", "2024-01-01" }
    return table.concat(f, "\t") .. "\n"
  end
  local path = tmpfile(
    row("6058560", "London", "London", "LON,London Ontario,Londres", "P", "PPL", "CA", "346765") ..
    row("2643743", "London", "London", "LON,Londinium,Londres,\xEF\xBF\xBD\xC2\xB7", "P", "PPLC",
        "GB", "8961989") ..
    row("2635167", "United Kingdom", "United Kingdom", "UK,Britain", "A", "PCLI", "GB", "66488991") ..
    row("2634895", "Thames", "Thames", "River Thames", "H", "STM", "GB", "0"))
  local h = q.gazetteer(path)
  os.remove(path)
  T.eq(#h, 4)
  local london = h:entry("geonames:2643743")
  T.eq({ london.type, london.attrs.country, london.attrs.population, london.attrs.feature },
       { "GPE", "GB", "8961989", "PPLC" })
  -- codes ("LON") and names without a word are left out
  T.eq(london.names, { "London", "Londinium", "Londres" })
  T.eq(h:entry("geonames:2634895").type, "LOC")
  local m = h:match("From London.")[1]
  T.eq({ m.id, m.ambiguous }, { "geonames:2643743", true })
  T.eq(m.candidates, { "geonames:2643743", "geonames:6058560" })
  -- the text decides: a country named nearby (GB, the place's attribute)
  m = h:match("From London to Britain.")[1]
  T.eq({ m.id, m.ambiguous }, { "geonames:2643743", false })
  local bad = tmpfile(row("1", "Aa", "Aa", "", "P", "PPL", "XX", "5") .. "2\tBb\tBb\n")
  T.raises(function() q.gazetteer():load(bad) end, ":2: expected the 19 tab-separated fields")
  os.remove(bad)
end)

T.test("GeoNames dumps come clean: no common words, no small-letter or two-letter names", function()
  local function row(id, name, ascii, alt, pop)
    local f = { id, name, ascii, alt, "0", "0", "P", "PPL", "XX", "", "", "", "", "", pop,
                "", "", "Etc/UTC", "2024-01-01" }
    return table.concat(f, "\t") .. "\n"
  end
  local path = tmpfile(
    row("1", "But", "But", "Butte", "20000") ..          -- a common word: no place at all
    row("2", "Sincé", "Since", "Sincelejo", "30000") ..   -- the same without its mark
    row("3", "Bonn", "Bonn", "bn,Bonna,Ea,march,Boennsch", "300000") ..
    row("4", "Perth", "Perth", "part,Peairt", "50000"))
  local h = q.gazetteer(path)
  os.remove(path)
  T.eq(#h, 2)
  T.eq(h:entry("geonames:1"), nil)
  T.eq(h:entry("geonames:2"), nil)
  -- small-letter names, common words and two letters are left out
  T.eq(h:entry("geonames:3").names, { "Bonn", "Bonna", "Boennsch" })
  T.eq(h:entry("geonames:4").names, { "Perth", "Peairt" })
  local got = {}
  for _, m in ipairs(h:match("But Since then, part of the bn went to Bonna EA in March, then Perth.")) do
    got[#got + 1] = m.text
  end
  T.eq(table.concat(got, " "), "Bonna Perth")
end)

T.test("the world gazetteer: @world, the default of a corpus without one", function()
  local w = q.gazetteer("@world")
  T.eq(w:entry("country:KP").name, "North Korea")
  T.eq(w:entry("country:KP").attrs.capital, "Pyongyang")
  T.eq(w:entry("norp:KP").type, "NORP")
  T.eq(w:entry("un").type, "ORG")
  T.eq(w:entry("east-asia").type, "LOC")
  local got = {}
  local text = "North Korean state media said the DPRK and Russia met in Pyongyang and Moscow, "
    .. "as Americans and the EU watched. Vladimir Putin flew on; Since March, Nice people left."
  for _, m in ipairs(w:match(text)) do got[#got + 1] = m.text .. "=" .. m.type end
  T.eq(table.concat(got, " "), "North Korean=NORP DPRK=GPE Russia=GPE Pyongyang=GPE Moscow=GPE "
    .. "Americans=NORP EU=ORG")
  -- added to another gazetteer
  local g2 = q.gazetteer()
  g2:add("putin", "PERSON", { "Vladimir Putin", "Putin" })
  g2:load("@world")
  T.eq(#g2, #w + 1)
  -- a corpus with no gazetteer of its own gets it; false means none
  local path = tmpfile("Officials in Seoul and Washington spoke.\n", "a.txt")
  local c = q.open(path, { quiet = true })
  local ids = {}
  for m in c:entities() do ids[#ids + 1] = m.id end
  T.eq(ids, { "geonames:1835848", "geonames:4140963" })
  T.eq(c:gazetteer():entry("country:US").name, "United States")
  T.eq(q.open(path, { quiet = true, gazetteer = false }):gazetteer(), nil)
  os.remove(path)
end)

T.test("a heading is a title, whether or not a sentence ends with it", function()
  local h = q.gazetteer()
  h:add("ukraine", "GPE", "Ukraine")
  h:add("russia", "GPE", "Russia")
  local got = {}
  local text = "Weapons Sent to Russia for Ukraine Conflict\nOfficials said so. "
    .. "They saw the Ukraine Conflict Monitor."
  for _, m in ipairs(h:match(text, { guess = false })) do got[#got + 1] = m.text end
  -- in the heading, Ukraine; in the sentence, part of another name
  T.eq(table.concat(got, " "), "Russia Ukraine")
end)

-- Names the gazetteer lacks: each text's guesses as "text=TYPE" (known =
-- false), or "text=TYPE>id" when the id is another mention's words.
local function guesses(gz, text)
  local got = {}
  for _, m in ipairs(gz:match(text)) do
    if not m.known then
      assert(m.confidence > 0 and m.confidence <= 1, "confidence " .. tostring(m.confidence))
      got[#got + 1] = m.text .. "=" .. m.type .. (m.id ~= m.text and ">" .. m.id or "")
    end
  end
  return table.concat(got, " ")
end

T.test("names it has never seen: typed by their words and the words around them", function()
  local h = q.gazetteer()
  h:add("ru", "GPE", "Russia")
  h:add("kremlin", "ORG", "Kremlin")
  h:add("unsc", "ORG", "Security Council")
  h:add("g7", "ORG", "G7")
  local cases = {
    -- a title before, or a comma and a title after: a person, the title left out
    { "Defense Minister Shin Won-sik spoke.", "Shin Won-sik=PERSON" },
    { "It was, said analyst Andrei Lankov, bad.", "Andrei Lankov=PERSON" },
    { "We met Andrei Lankov, a professor, there.", "Andrei Lankov=PERSON" },
    { "It was Deputy Secretary of State Kurt Campbell.", "Kurt Campbell=PERSON" },
    -- a common given name and a word or three
    { "Then John Kirby and Carl Court came.", "John Kirby=PERSON Carl Court=PERSON" },
    -- the last word of an organisation, a place, an event; a connector inside
    { "He teaches at Kookmin University and the Institute for National Security Strategy.",
      "Kookmin University=ORG Institute for National Security Strategy=ORG" },
    { "They crossed the Yalu river near Sinuiju Airport.", "Yalu river=LOC Sinuiju Airport=FAC" },
    { "It was World War II.", "World War II=EVENT" },
    -- "the" and no small word after it: an organisation
    { "It told the Rodong Sinmun. The Muslim community met.", "Rodong Sinmun=ORG" },
    -- a name the gazetteer knows at the end of a longer one, and an event of one
    { "The National Security Council and the G7 summit.", "National Security Council=ORG G7 summit=EVENT" },
    -- short forms: a surname, before or after the full name, shares its id
    { "Lankov left. Analyst Andrei Lankov said so. Lankov smiled.",
      "Lankov=PERSON>Andrei Lankov Andrei Lankov=PERSON Lankov=PERSON>Andrei Lankov" },
    { "Kim Jong-un met Kim Jong Un.", "Kim Jong-un=PERSON Kim Jong Un=PERSON>Kim Jong-un" },
    -- no evidence, a law, a common word, a sentence's first word: nothing
    { "Aurus Senat cars and the Data Protection Act.", "" },
    { "After Talks, We Left. Today ended.", "" },
    -- in a title line, only names the text gives elsewhere
    { "Andrei Lankov Visits Russia Amid Growing Ties\nAnalyst Andrei Lankov went.",
      "Andrei Lankov=PERSON Andrei Lankov=PERSON" },
  }
  for _, case in ipairs(cases) do T.eq(guesses(h, case[1]), case[2], case[1]) end
  -- guess = false: the gazetteer's names only
  T.eq(#h:match("Analyst Andrei Lankov spoke in Russia.", { guess = false }), 1)
end)

-- A corpus puts its guesses straight among its mentions (and, when a guess
-- takes a mention in, as a match does): the same as the gazetteer's match
-- of each document's text, in documents after others.
T.test("a corpus guesses what a match of each document guesses", function()
  local h = q.gazetteer()
  h:add("ru", "GPE", "Russia")
  h:add("unsc", "ORG", "Security Council")
  h:add("g7", "ORG", "G7")
  local texts = {
    "Analyst Andrei Lankov said Russia would talk. Lankov smiled. Then Carl Court came.",
    -- a guess takes the gazetteer's Security Council in; an event of G7
    "The National Security Council met. It was World War II. The G7 summit ended.",
    "Lankov left. Analyst Andrei Lankov said so in Russia. Lankov smiled.",
    "Andrei Lankov Visits Russia Amid Growing Ties\nAnalyst Andrei Lankov went.",
  }
  local lines = {}
  for i, text in ipairs(texts) do
    lines[i] = string.format('{"id": "d%d", "text": %q}', i, text):gsub("\\\n", "\\n")
  end
  local c = q.open(tmpfile(table.concat(lines, "\n") .. "\n", "docs.jsonl"), { gazetteer = h, quiet = true })
  local function rows(list)
    local out = {}
    for _, m in ipairs(list) do
      out[#out + 1] = table.concat({ m.text, m.type, m.id, tostring(m.known), tostring(m.confidence),
                                     tostring(m.alias) }, "|")
    end
    return table.concat(out, " ")
  end
  T.eq(#c, #texts)
  local guessed = 0
  for i, text in ipairs(texts) do
    local d = c:doc(i)
    T.eq(d.text, text, "document " .. i)
    local got = {}
    for m in d:entities() do
      got[#got + 1] = m
      guessed = guessed + (m.known and 0 or 1)
    end
    T.eq(rows(got), rows(h:match(text)), text)
  end
  assert(guessed >= 10, "guesses: " .. guessed)
end)

T.test("a name several entries share is read by the text around it", function()
  local w = q.gazetteer("@world")
  local function read(text)
    local out = {}
    for _, m in ipairs(w:match(text, { guess = false })) do
      out[#out + 1] = m.text .. "=" .. m.id .. (m.ambiguous and "?" or "")
    end
    return table.concat(out, " ")
  end
  -- no evidence: ambiguous, the most populous first
  T.eq(read("Officials in Birmingham said so."), "Birmingham=geonames:2655603?")
  local m = w:match("Officials in Birmingham said so.")[1]
  T.eq(m.candidates[1], "geonames:2655603")
  T.eq(#m.candidates > 1, true)
  -- the country and its people named in the text, or beside the name
  T.eq(read("In the United States, the mayor of Birmingham and American officials met."),
       "United States=country:US Birmingham=geonames:4049979 American=norp:US")
  T.eq(read("Britain's Birmingham grew."), "Britain=country:GB Birmingham=geonames:2655603")
  T.eq(read("Brits in Johannesburg, South Africa: Brits grew."),
       "Brits=geonames:1015621 Johannesburg=geonames:993800 South Africa=country:ZA Brits=geonames:1015621")
end)

-- A corpus guesses every document with the same working memory (the
-- sets of words a text writes small, writes alone, writes with a capital):
-- what one document leaves there must be gone before the next. Each case:
-- a document that puts a word in a set, then one whose guesses would change
-- if the word were still there; short and long first documents empty the
-- sets in their two ways (going over the text again, or zeroing them).
T.test("a document's guesses do not depend on the document before it", function()
  local function guessed(paths)
    local got = {}
    for m in q.open(paths, { quiet = true, jobs = 1 }):entities() do
      if not m.known then got[#got + 1] = m.text .. "=" .. m.type end
    end
    return table.concat(got, " ")
  end
  local filler = string.rep("The rain fell on the old town and the river rose again. ", 60)
  local after = {
    -- "blenkins" written small: a sentence's first word the text writes
    -- small is no part of a name
    { "The blenkins were here.\n", "Blenkins Smithfield said the plan would work.\n",
      "Blenkins Smithfield=PERSON" },
    -- "Kessler" alone inside a sentence: a surname, so that "Zed Kessler" is a person
    { "They met Kessler there.\n", "We saw Zed Kessler arrive.\n", "" },
  }
  for _, case in ipairs(after) do
    local second = T.tmpfile(case[2], "second.txt")
    T.eq(guessed(second), case[3], case[2])
    for _, first in ipairs({ case[1], filler .. case[1] }) do
      T.eq(guessed({ T.tmpfile(first, "first.txt"), second }), case[3], first:sub(-40))
    end
  end
  -- (and together in one text, the words do count)
  T.eq(guessed(T.tmpfile("The blenkins were here. Blenkins Smithfield said the plan would work.\n")), "")
  T.eq(guessed(T.tmpfile("They met Kessler there. We saw Zed Kessler arrive.\n")),
       "Kessler=PERSON Zed Kessler=PERSON")
end)

T.test("a corpus keeps its guesses: every thread, an index, --known-only", function()
  local text = "Analyst Andrei Lankov of Kookmin University spoke. Lankov left for Moscow.\n"
  local path = tmpfile(text, "a.txt")
  local one = q.open(path, { quiet = true, jobs = 1 })
  local ms = one:entities()
  local got = {}
  for m in ms do got[#got + 1] = m.text .. "=" .. m.type .. "=" .. tostring(m.known) .. "=" .. m.id end
  T.eq(table.concat(got, " "), "Andrei Lankov=PERSON=false=Andrei Lankov Kookmin University=ORG=false=Kookmin University "
    .. "Lankov=PERSON=false=Andrei Lankov Moscow=GPE=true=geonames:524901")
  T.eq(#q.open(path, { quiet = true, guess = false }):entities(), 1)
  -- counted by type
  local by = {}
  for _, r in ipairs(one:freq { by = "ent" }) do by[r.ent] = r.count end
  T.eq({ by.PERSON, by.ORG, by.GPE }, { 2, 1, 1 })
  -- an index keeps them, and what it was made with
  local idx = tmpfile("", "g.qidx")
  os.remove(idx)
  q.index(path, idx)
  local mapped = q.open(idx, { quiet = true })
  local again = {}
  for m in mapped:entities() do again[#again + 1] = m.text .. "=" .. m.type .. "=" .. tostring(m.known) .. "=" .. m.id end
  T.eq(table.concat(again, " "), table.concat(got, " "))
  q.index(path, idx, { guess = false })
  T.eq(#q.open(idx, { quiet = true }):entities(), 1)
  os.remove(idx)
  os.remove(path)
end)

T.test("a gazetteer file with CRLF, a BOM, comments and empty optional fields", function()
  local path = tmpfile("\xEF\xBB\xBF# comment\r\na\tGPE\tAlpha\t\tkind=city\r\n\r\nb\tORG\tBeta\t\r\n")
  local h = q.gazetteer(path)
  os.remove(path)
  T.eq(#h, 2)
  T.eq(h:entry("a").attrs, { kind = "city" })
  T.eq(h:entry("b").names, { "Beta" })
end)

T.test("a corpus uses corpus/gazetteer.tsv, or another, or none", function()
  local c = q.open("corpus/", { quiet = true, guess = false })
  T.eq(#c:entities(), 368)
  local none = q.open("corpus/", { gazetteer = false, quiet = true })
  T.eq(none:gazetteer(), nil)
  T.eq(#none:entities(), 0)
  local h = q.gazetteer()
  h:add("pyongyang", "GPE", "Pyongyang")
  local mine = q.open("corpus/", { gazetteer = h, quiet = true, guess = false })
  T.eq(#mine:entities(), 22)
  h:add("moscow", "GPE", "Moscow")
  mine:set_gazetteer(h)
  T.eq(#mine:entities(), 37)
  mine:set_gazetteer(nil)
  T.eq(#mine:entities(), 0)
end)

-- The sample corpus against an annotation made by reading the articles.
T.test("the sample corpus: every mention of the independent annotation, and no other", function()
  local want, total = {}, 0
  local f = assert(io.open("tests/data/corpus-mentions.tsv"))
  f:read("l")   -- the header
  for line in f:lines() do
    local file, surface, id, typ, n = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t(%d+)$")
    assert(file, "bad line: " .. line)
    want[table.concat({ file, surface, id, typ }, "|")] = tonumber(n)
    total = total + tonumber(n)
  end
  f:close()
  local got = {}
  local c = q.open("corpus/", { quiet = true, guess = false })   -- the gazetteer's own
  for m in c:entities() do
    local k = table.concat({ m.doc, m.text, m.id, m.type }, "|")
    got[k] = (got[k] or 0) + 1
  end
  local diffs = {}
  for k, n in pairs(want) do
    if got[k] ~= n then diffs[#diffs + 1] = k .. ": want " .. n .. ", got " .. tostring(got[k]) end
  end
  for k, n in pairs(got) do
    if not want[k] then diffs[#diffs + 1] = k .. ": unexpected " .. n end
  end
  table.sort(diffs)
  T.eq(table.concat(diffs, "\n"), "")
  T.eq(#c:entities(), total)
end)

-- a name that more entries share than a mention keeps: the first 64, and
-- the mention says it was capped (before, silently cut)
T.test("a name of 100 entries: 64 candidates, capped", function()
  local g = q.gazetteer()
  for i = 1, 100 do g:add("smith-" .. i, "PERSON", { "John Smith" }) end
  local m = g:match("John Smith spoke.")[1]
  T.eq(#m.candidates, q.max_candidates, "candidates")
  T.eq(m.candidates[1], "smith-1", "first candidate")
  T.eq(m.candidates[64], "smith-64", "last candidate")
  T.eq(m.capped, true, "capped")
  T.eq(m.ambiguous, true, "ambiguous")
  local few = q.gazetteer()
  for i = 1, 64 do few:add("smith-" .. i, "PERSON", { "John Smith" }) end
  T.eq(few:match("John Smith spoke.")[1].capped, nil, "64 entries: not capped")
end)

T.test("the short name of 70 people named before: capped at 64, the latest first", function()
  local g, text = q.gazetteer(), {}
  local function given(i) return "Jo" .. string.char(96 + (i - 1) % 26 + 1) .. string.char(96 + (i - 1) // 26 + 1) end
  for i = 1, 70 do
    g:add("p" .. i, "PERSON", { given(i) .. " Smith" })
    text[#text + 1] = given(i) .. " Smith came."
  end
  text[#text + 1] = "Then Smith spoke."
  local ms = g:match(table.concat(text, " "))
  local last = ms[#ms]
  T.eq(last.text, "Smith", "the short name")
  T.eq(#last.candidates, 64, "candidates")
  T.eq(last.candidates[1], "p70", "latest named first")
  T.eq(last.capped, true, "capped")
end)
