-- candidates_test.lua — corpus:candidates: rows, options, and the rules on
-- the sample corpus (the C unit test test_candidates.c has the rules one by
-- one).
local T = require "testlib"
local q = require "quarry"

-- the sample corpus with a gazetteer that knows only two of its names
local small = q.gazetteer()
small:add("vladimir-putin", "PERSON", { "Vladimir Putin", "Putin" })
small:add("north-korea", "GPE", { "North Korea" })
local c = q.open("corpus/", { gazetteer = small, quiet = true })

T.test("rows: text, count, docs, example, start, stop, context", function()
  local rows = c:candidates{ top = 3 }
  T.eq(rows.columns, { "text", "count", "docs", "example", "start", "stop", "context" })
  T.eq(#rows, 3)
  local r = rows[1]
  T.eq({ r.text, r.count, r.docs }, { "Kim Jong-un", 12, 5 })
  T.eq(r.example, "01-putin-visits-north-korea-amid-military-ties.txt")
  T.eq(c:doc(r.example).text:sub(r.start, r.stop), "Kim Jong-un")
  T.eq(r.context, "… of relations with North Korea under Kim Jong-un's regime.")
  T.eq(r.acronym, false)
  T.eq({ rows[2].text, rows[3].text, rows[3].acronym }, { "North Korean", "U.S.", true })
end)

T.test("ranked by count, then documents; min_count 2 by default", function()
  local rows = c:candidates()
  for i = 2, #rows do
    local a, b = rows[i - 1], rows[i]
    assert(a.count > b.count or (a.count == b.count and a.docs >= b.docs), b.text)
  end
  for _, r in ipairs(rows) do assert(r.count >= 2, r.text) end
  assert(#c:candidates{ min_count = 1 } > #rows)
end)

T.test("known names, sentence case and title-case headlines are left out", function()
  local texts = {}
  for _, r in ipairs(c:candidates{ min_count = 1, single = true }) do texts[r.text] = r end
  for _, name in ipairs({ "Vladimir Putin", "Putin", "North Korea", "The", "This", "In",
                         "Amid Growing Military Ties", "Tuesday", "June" }) do
    T.eq(texts[name], nil, name)
  end
  -- a title right before a person's name is no name: "Foreign Minister" Sergei Lavrov
  local full = q.open("corpus/", { quiet = true })
  for _, r in ipairs(full:candidates{ min_count = 1 }) do
    assert(r.text ~= "Foreign Minister" and r.text ~= "Deputy Prime Minister", r.text)
  end
  T.eq(#full:candidates(), 0)   -- corpus/gazetteer.tsv knows every name seen twice
end)

T.test("single words only when asked, not at a sentence start", function()
  local function has(rows, text)
    for _, r in ipairs(rows) do if r.text == text then return true end end
    return false
  end
  assert(not has(c:candidates(), "Pyongyang"))
  assert(has(c:candidates{ single = true }, "Pyongyang"))
  assert(not has(c:candidates{ single = true }, "Accompanying"))
end)

T.test("a name added to the gazetteer is known at once", function()
  local g = q.gazetteer()
  g:add("north-korea", "GPE", { "North Korea" })
  local k = q.open("corpus/", { gazetteer = g, quiet = true })
  T.eq(k:candidates{ top = 1 }[1].text, "Kim Jong-un")
  g:add("kim-jong-un", "PERSON", { "Kim Jong Un" })   -- no set_gazetteer: mentions are stale
  assert(k:candidates{ top = 1 }[1].text ~= "Kim Jong-un")
end)

T.test("max_tokens and top", function()
  local bare = q.open("corpus/", { gazetteer = false, quiet = true })
  for _, r in ipairs(bare:candidates{ max_tokens = 2, min_count = 1 }) do
    local words = select(2, r.text:gsub("[^%s%-]+", ""))
    assert(words <= 2, r.text)
  end
  T.eq(#bare:candidates{ top = 2 }, 2)
  T.eq(bare:candidates{ top = 1 }[1].text, "North Korea")
end)

T.test("bad options", function()
  T.raises(function() c:candidates{ min_count = 0 } end, "option 'min_count' to 'candidates' must be at least 1")
  T.raises(function() c:candidates{ top = "ten" } end, "option 'top' to 'candidates' must be an integer")
  T.raises(function() c:candidates{ max_tokens = 0 } end, "option 'max_tokens' to 'candidates' must be at least 1")
  T.raises(function() c:candidates{ min = 2 } end, "unknown option 'min' to 'candidates'")
  T.raises(function() c:candidates(5) end, "bad argument #1 to 'candidates'")
end)
