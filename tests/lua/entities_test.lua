-- entities_test.lua — the entities of a corpus (quarry/entities.h): the names
-- the gazetteer lacks, guessed in several documents, are entities that the
-- queries and statistics by entity count, pair and find, as they do the
-- gazetteer's entries.
local T = require "testlib"
local q = require "quarry"

local h = q.gazetteer()
h:add("ru", "GPE", "Russia")
h:add("unsc", "ORG", "Security Council")

-- "Andrei Lankov" in two documents (and "Lankov" for him), "Kim Jong-un" and
-- "Kim Jong Un" in two, "Chosun Ilbo" an organisation in one document and a
-- person in another (each document types its guesses from its own words).
local texts = {
  "Analyst Andrei Lankov said Russia would talk. Lankov smiled. He read it in the Chosun Ilbo.",
  "Kim Jong-un met analyst Andrei Lankov in Russia. Chosun Ilbo said it was fine.",
  "Kim Jong Un said Russia was near. Russia agreed.",
}
local lines = {}
for i, text in ipairs(texts) do lines[i] = string.format('{"id": "d%d", "text": %q}', i, text) end
local path = T.tmpfile(table.concat(lines, "\n") .. "\n", "docs.jsonl")
local c = q.open(path, { gazetteer = h, quiet = true })

local function count_of(rows, key, value)
  for _, r in ipairs(rows) do if r[key] == value then return r end end
end

T.test("a guessed name is one entity across documents, with its mentions' id", function()
  local ids = {}
  for _, m in ipairs(c:entities()) do
    if not m.known then ids[m.text] = m.id end
  end
  T.eq(ids["Andrei Lankov"], "Andrei Lankov")
  T.eq(ids["Lankov"], "Andrei Lankov")
  -- the spellings a text would join are joined across texts: the first one is the id
  T.eq(ids["Kim Jong-un"], "Kim Jong-un")
  T.eq(ids["Kim Jong Un"], "Kim Jong-un")
  local e = c:entity("Andrei Lankov")
  T.eq({ e.id, e.name, e.type, e.known }, { "Andrei Lankov", "Andrei Lankov", "PERSON", false })
  T.eq(c:entity("ru").known, true)
  T.eq(c:entity(c:entity("Kim Jong-un").number).id, "Kim Jong-un")
  T.eq(c:entity("Kim Jong Un"), nil)   -- (a spelling, not the id)
  T.eq(c:entity("nobody"), nil)
  T.eq(c:entity(0), nil)
end)

T.test("freq by id counts guessed entities beside the gazetteer's", function()
  local rows = c:freq{ by = "id" }
  local l = count_of(rows, "id", "Andrei Lankov")
  T.eq({ l.count, l.docs, l.type, l.known }, { 3, 2, "PERSON", false })
  local k = count_of(rows, "id", "Kim Jong-un")
  T.eq({ k.count, k.docs }, { 2, 2 })
  local r = count_of(rows, "id", "ru")
  T.eq({ r.count, r.docs, r.known }, { 4, 3, true })
  -- one entity of two types: counted once by id, by its mentions' types with a type
  local ch = count_of(rows, "id", "Chosun Ilbo")
  T.eq({ ch.count, ch.docs }, { 2, 2 })
  local orgs = c:freq{ by = "id", type = "ORG" }
  T.eq(#orgs, 1)
  T.eq({ orgs[1].id, orgs[1].type, orgs[1].count }, { "Chosun Ilbo", "ORG", 1 })
  local people = c:freq{ by = "id", type = "PERSON" }
  T.eq(count_of(people, "id", "Chosun Ilbo").count, 1)
  T.eq(count_of(people, "id", "Andrei Lankov").count, 3)
  -- the old form, kind = "entity", is the same list
  T.eq(count_of(c:freq{ kind = "entity" }, "id", "Andrei Lankov").count, 3)
end)

T.test("ent= and id= find guessed names, and combine on the mention's own type", function()
  T.eq(#c:query('[id="Andrei Lankov"]'), 3)
  T.eq(#c:query('[id="Andrei.*"]'), 3)
  T.eq(#c:query('[id="Kim Jong-un"]'), 2)
  T.eq(#c:query('[id="Chosun Ilbo"]'), 2)
  T.eq(#c:query('[id="Chosun Ilbo" & ent="ORG"]'), 1)
  T.eq(#c:query('[id="Chosun Ilbo" & ent="PERSON"]'), 1)
  T.eq(#c:query('[id="Chosun Ilbo" & ent="GPE"]'), 0)
  -- PERSON: Andrei Lankov ×3, Kim Jong-un ×2, Chosun Ilbo once
  T.eq(#c:query('[ent="PERSON"]'), 6)
  T.eq(#c:query('[ent="PERSON"] [lower="said"]'), 3)
  T.eq(#c:query('[ent!="PERSON"]'), #c:entities() - 6)
  T.eq(#c:query{ entity = "Andrei Lankov" }, 3)
  T.eq(#c:kwic{ entity = "Kim Jong-un" }, 2)
  T.raises(function() c:query{ entity = "Nobody Here" } end, "no entity 'Nobody Here' in the corpus")
end)

T.test("co-occurrences and collocates pair guessed entities", function()
  local rows = c:cooccurrences{ within = "d" }
  local function pair(a, b)
    for _, r in ipairs(rows) do
      if (r.a_id == a and r.b_id == b) or (r.a_id == b and r.b_id == a) then return r end
    end
  end
  local lr = pair("Andrei Lankov", "ru")
  T.eq({ lr.docs, lr.f_a + lr.f_b }, { 2, 2 + 3 })
  T.eq(pair("Kim Jong-un", "ru").docs, 2)
  T.eq(pair("Andrei Lankov", "Kim Jong-un").docs, 1)
  -- a type keeps the mentions of that type: Chosun Ilbo is a person in d2 only
  local people = c:cooccurrences{ within = "d", type = "PERSON" }
  T.eq(#people, 3)   -- Lankov-Kim, Lankov-Chosun, Kim-Chosun, all in d2
  local by_id = c:collocates("said", { by = "id", window = 3, min = 1 })
  local lk = count_of(by_id, "collocate", "Andrei Lankov")
  T.eq({ lk.observed, lk.type, lk.known }, { 1, "PERSON", false })
  local by_ent = c:collocates("said", { by = "ent", window = 3, min = 1 })
  assert(count_of(by_ent, "collocate", "PERSON").observed >= 3)
end)

T.test("the entity column numbers guessed names as c:entity reads them", function()
  local seen = {}
  for first, n, ent in c:columns{ "entity" } do
    for i = 1, n do
      if ent[i] > 0 then seen[c:entity(ent[i]).id] = true end
    end
  end
  assert(seen["Andrei Lankov"] and seen["Kim Jong-un"] and seen["ru"] and seen["Chosun Ilbo"])
end)

T.test("keyness by id compares guessed entities", function()
  local k = c:keyness(c:subcorpus{ 1, 2 }, nil, { by = "id" })
  local l = count_of(k, "item", "Andrei Lankov")
  T.eq({ l.f_target, l.f_ref }, { 3, 0 })
end)

T.test("an index keeps what makes the entities; guess = false has none", function()
  local idx = T.tmpfile("", "docs.qidx")
  q.index(path, idx, { gazetteer = h })
  local ci = q.open(idx, { gazetteer = h, quiet = true })
  local function flat(rows)
    local out = {}
    for _, r in ipairs(rows) do out[#out + 1] = r.id .. "/" .. r.count .. "/" .. tostring(r.known) end
    return table.concat(out, " ")
  end
  T.eq(flat(ci:freq{ by = "id" }), flat(c:freq{ by = "id" }))
  local known = q.open(path, { gazetteer = h, quiet = true, guess = false })
  T.eq(flat(known:freq{ by = "id" }), "ru/4/true")
  T.eq(#known:query('[id="Andrei Lankov"]'), 0)
end)

T.test("a new gazetteer makes the entities again", function()
  local c2 = q.open(path, { gazetteer = h, quiet = true })
  T.eq(#c2:query('[id="Andrei Lankov"]'), 3)
  local h2 = q.gazetteer()
  h2:add("lankov", "PERSON", "Andrei Lankov")
  h2:add("ru", "GPE", "Russia")
  c2:set_gazetteer(h2)
  T.eq(c2:entity("Andrei Lankov"), nil)
  T.eq(c2:entity("lankov").known, true)
  T.eq(count_of(c2:freq{ by = "id" }, "id", "lankov").known, true)
end)
