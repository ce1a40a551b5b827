-- query_test.lua — frequency lists, keyword in context, co-occurrences.
local T = require "testlib"
local q = require "quarry"

local c = q.open("corpus/", { quiet = true })

T.test("freq counts folded words with document frequencies", function()
  local rows = c:freq{ top = 3 }
  T.eq(rows.columns, { "form", "count", "docs" })
  T.eq(rows[1], { form = "the", count = 118, docs = 5 })
  T.eq(#rows, 3)
  T.eq(c:freq{ fold = false, top = 1 }[1].form, "the")
  local ties = c:freq{ min = 49 }
  T.eq({ ties[#ties - 1].form, ties[#ties].form }, { "'s", "putin" })   -- equal counts: byte order
end)

T.test("freq by kind, with a minimum, for one document", function()
  for _, r in ipairs(c:freq{ kind = "number" }) do assert(r.form:match("%d"), r.form) end
  T.eq(c:freq{ kind = "punct", top = 1 }[1].form, ",")
  local all = c:freq{ kind = "all" }
  local words = c:freq{ kind = { "word" } }
  assert(#all > #words)
  for _, r in ipairs(c:freq{ min = 40 }) do assert(r.count >= 40) end
  local one = c:freq{ doc = 4, top = 1 }
  T.eq(one[1].docs, 1)
  local sum = 0
  for _, r in ipairs(c:doc(4):freq{ kind = "all", fold = false }) do sum = sum + r.count end
  T.eq(sum, #c:doc(4):tokens())
end)

T.test("freq of entities, by type", function()
  local rows = c:freq{ kind = "entity", top = 2 }
  T.eq(rows.columns, { "id", "type", "name", "count", "docs" })
  T.eq(rows[1], { id = "north-korea", type = "GPE", name = "North Korea", count = 58, docs = 5,
               known = true })
  local people = c:freq{ type = "PERSON" }
  T.eq(people[1].name, "Vladimir Putin")
  T.eq(people[1].count, 49)
  for _, r in ipairs(people) do T.eq(r.type, "PERSON") end
end)

T.test("freq rejects bad options", function()
  T.raises(function() c:freq{ kind = "verb" } end, "bad kind 'verb'")
  T.raises(function() c:freq{ top = "ten" } end, "option 'top' must be an integer")
  T.raises(function() c:freq{ min = 0 } end, "option 'min' must be at least 1")
  T.raises(function() c:freq{ doc = 99 } end, "option 'doc': no document 99")
  T.raises(function() c:freq(5) end, "bad argument #1 to 'freq'")
end)

T.test("kwic finds a phrase, folded, with contexts", function()
  local rows = c:kwic("kim jong un", { width = 3 })
  T.eq(rows.columns, { "doc", "left", "match", "right" })
  T.eq(#rows, 7)   -- "Kim Jong Un" as written; "Kim Jong-un" is three words and a hyphen
  T.eq(rows[1].match, "Kim Jong Un")
  T.eq(rows[1].left, "North Korean leader")
  T.eq(rows[1].right, "lauded the strengthening")
  local d = c:doc(rows[1].doc)
  T.eq(d.text:sub(rows[1].start, rows[1].stop), "Kim Jong Un")
  T.eq(#c:kwic("Kim Jong Un", { case = true }), 7)
  T.eq(#c:kwic("KIM JONG UN", { case = true }), 0)
  T.eq(#c:kwic("Kim Jong-un"), 5)
end)

T.test("kwic with a limit, within a document, and for an entity", function()
  T.eq(#c:kwic("Putin", { limit = 4 }), 4)
  local in3 = c:doc(3):kwic("Putin")
  for _, r in ipairs(in3) do T.eq(r.doc, c:doc(3).id) end
  local all = c:kwic({ entity = "kim-jong-un" })
  T.eq(#all, 18)
  T.eq(all[1].match, "Kim Jong-un")
  T.eq(#c:kwic("no such phrase anywhere"), 0)
  T.raises(function() c:kwic({ entity = "nobody" }) end, "no entity 'nobody'")
  T.raises(function() c:kwic("   ") end, "the phrase has no words")
  T.raises(function() c:kwic(nil) end, "bad argument #1 to 'kwic'")
end)

T.test("co-occurrences: pairs named in one sentence", function()
  local rows = q.cooccurrences(c, { min = 2, top = 3 })
  T.eq(rows.columns, { "a", "b", "sentences", "docs" })
  T.eq({ rows[1].a, rows[1].b, rows[1].sentences, rows[1].docs }, { "North Korea", "Russia", 28, 5 })
  local people = q.cooccurrences(c, { type = "PERSON" })
  T.eq({ people[1].a, people[1].b }, { "Kim Jong Un", "Vladimir Putin" })
end)
