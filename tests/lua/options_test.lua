-- options_test.lua — every function that takes an options table refuses an
-- unknown option and a wrong type, with a message naming the option and the
-- function (core/lua/lqr_opts.c, and report.lua's checker). One row per
-- case: the call, and the message it must raise. Run with `quarry run`.
package.path = "tests/lua/?.lua;" .. package.path
local T = require "testlib"
local q = require "quarry"
local report = require "quarry.report"

local c = q.open("corpus", { quiet = true })
local d = c:doc(1)
local s = d:sentences()[1]
local g = q.gazetteer()
local seg = q.segmenter()
local rows = { { a = 1 } }
local kwic = { { doc = "a", left = "x", match = "y", right = "z" } }

local cases = {
  -- quarry.open
  { function() q.open("corpus", { gazeteer = false }) end,
    "unknown option 'gazeteer' to 'open' (known: gazetteer, quiet, strict, segmenter, learn_abbreviations, progress, verify, jobs, guess)" },
  { function() q.open("corpus", { quiet = "yes" }) end,
    "option 'quiet' to 'open' must be a boolean (got string)" },
  { function() q.open("corpus", { strict = 1 }) end,
    "option 'strict' to 'open' must be a boolean (got number)" },
  { function() q.open("corpus", { gazetteer = 5 }) end,
    "option 'gazetteer' to 'open' must be a file name, a gazetteer or false (got number)" },
  { function() q.open("corpus", { segmenter = "en" }) end,
    "option 'segmenter' to 'open' must be a segmenter (got string)" },
  { function() q.open("corpus", { learn_abbreviations = 3 }) end,
    "option 'learn_abbreviations' to 'open' must be a boolean or {threshold = x} (got number)" },
  { function() q.open("corpus", { learn_abbreviations = { treshold = 1 } }) end,
    "unknown option 'treshold' to 'learn_abbreviations' (known: threshold)" },
  { function() q.open("corpus", { learn_abbreviations = { threshold = "high" } }) end,
    "option 'threshold' to 'learn_abbreviations' must be a number (got string)" },
  { function() q.open("corpus", { "corpus" }) end,
    "unknown option [1] to 'open' (options are named: gazetteer, quiet, strict, segmenter, learn_abbreviations, progress, verify, jobs, guess)" },
  -- quarry.segmenter and seg:learn_abbreviations
  { function() q.segmenter{ abbreviation = {} } end,
    "unknown option 'abbreviation' to 'segmenter' (known: abbreviations, model)" },
  { function() q.segmenter{ abbreviations = 5 } end,
    "option 'abbreviations' to 'segmenter' must be a path or a list (got number)" },
  { function() q.segmenter{ model = true } end,
    "option 'model' to 'segmenter' must be a path or false (got boolean)" },
  { function() seg:learn_abbreviations("x", { min = 2 }) end,
    "unknown option 'min' to 'learn_abbreviations' (known: threshold)" },
  { function() seg:learn_abbreviations("x", { threshold = "0.3" }) end,
    "option 'threshold' to 'learn_abbreviations' must be a number (got string)" },
  { function() seg:learn_abbreviations("x", { threshold = -1 }) end,
    "option 'threshold' to 'learn_abbreviations' must be at least 0 (got -1)" },
  -- corpus:candidates
  { function() c:candidates{ min = 2 } end,
    "unknown option 'min' to 'candidates' (known: min_count, top, single, max_tokens)" },
  { function() c:candidates{ top = "ten" } end,
    "option 'top' to 'candidates' must be an integer (got string)" },
  { function() c:candidates{ top = 2.5 } end,
    "option 'top' to 'candidates' must be an integer (got 2.5)" },
  { function() c:candidates{ single = 1 } end,
    "option 'single' to 'candidates' must be a boolean (got number)" },
  { function() c:candidates{ min_count = 0 } end,
    "option 'min_count' to 'candidates' must be at least 1 (got 0)" },
  -- corpus:entities, document:entities, sentence:entities
  { function() c:entities{ types = "PERSON" } end,
    "unknown option 'types' to 'entities' (known: type)" },
  { function() c:entities{ type = { "PERSON" } } end,
    "option 'type' to 'entities' must be a string (got table)" },
  { function() d:entities{ kind = "PERSON" } end,
    "unknown option 'kind' to 'entities' (known: type)" },
  { function() d:entities{ type = 1 } end,
    "option 'type' to 'entities' must be a string (got number)" },
  { function() s:entities{ typ = "PERSON" } end,
    "unknown option 'typ' to 'entities' (known: type)" },
  { function() s:entities{ type = true } end,
    "option 'type' to 'entities' must be a string (got boolean)" },
  -- gazetteer:match, :entries, :add{}
  { function() g:match("text", { overlap = true }) end,
    "unknown option 'overlap' to 'match' (known: overlapping, types, aliases, guess)" },
  { function() g:match("text", { overlapping = "yes" }) end,
    "option 'overlapping' to 'match' must be a boolean (got string)" },
  { function() g:match("text", { aliases = 0 }) end,
    "option 'aliases' to 'match' must be a boolean (got number)" },
  { function() g:match("text", { types = 5 }) end,
    "option 'types' to 'match' must be a type name or a list (got number)" },
  { function() g:entries{ types = "GPE" } end,
    "unknown option 'types' to 'entries' (known: type)" },
  { function() g:entries{ type = 5 } end,
    "option 'type' to 'entries' must be a string (got number)" },
  { function() g:add{ id = "x", type = "GPE", names = "X", attributes = {} } end,
    "unknown option 'attributes' to 'add' (known: id, type, names, name, attrs)" },
  { function() g:add{ id = 5, type = "GPE", names = "X" } end,
    "option 'id' to 'add' must be a string (got number)" },
  { function() g:add{ id = "x", type = "GPE", names = "X", attrs = "a=b" } end,
    "option 'attrs' to 'add' must be a table (got string)" },
  -- report
  { function() report.render(rows, "table", { width = 10 }) end,
    "unknown option 'width' to 'render' (known: columns, title, limit, max_width, align, chart)" },
  { function() report.render(rows, "table", { limit = "5" }) end,
    "option 'limit' to 'render' must be an integer (got string)" },
  { function() report.render(rows, "table", { columns = "a" }) end,
    "option 'columns' to 'render' must be a list of column names (got string)" },
  { function() report.render(rows, "table", { align = "right" }) end,
    "option 'align' to 'render' must be a table ({column = \"right\"}) (got string)" },
  { function() report.table(rows, { maxwidth = 10 }) end,
    "unknown option 'maxwidth' to 'table' (known: columns, title, limit, max_width, align, chart)" },
  { function() report.table(rows, { max_width = 2.5 }) end,
    "option 'max_width' to 'table' must be an integer (got 2.5)" },
  { function() report.table(rows, { title = {} }) end,
    "option 'title' to 'table' must be a string (got table)" },
  { function() report.setup{ fmt = "csv" } end,
    "unknown option 'fmt' to 'setup' (known: format, write, note, title)" },
  { function() report.setup{ write = "stdout" } end,
    "option 'write' to 'setup' must be a function (got string)" },
  { function() report.setup{ format = 5 } end,
    "option 'format' to 'setup' must be a format name (got number)" },
  { function() report.concordance(kwic, { columns = 80 }) end,
    "unknown option 'columns' to 'concordance' (known: width, limit, doc)" },
  { function() report.concordance(kwic, { width = "80" }) end,
    "option 'width' to 'concordance' must be an integer (got string)" },
  { function() report.concordance(kwic, { width = 10 }) end,
    "option 'width' to 'concordance' must be at least 20 (got 10)" },
  { function() report.concordance(kwic, { doc = "no" }) end,
    "option 'doc' to 'concordance' must be a boolean (got string)" },
}

for i, case in ipairs(cases) do
  local call, want = case[1], case[2]
  T.test(string.format("case %d: %s", i, want:match("^[^(]*")), function()
    local ok, err = pcall(call)
    T.eq(ok, false, "raised")
    -- the message, after the position of the caller ("options_test.lua:N: ")
    T.eq(tostring(err):gsub("^[^:]*:%d+: ", ""), want)
  end)
end

T.test("the error is raised at the caller's line", function()
  local _, err = pcall(function() c:candidates{ mn = 1 } end)
  T.eq(err:match("^[^:]*options_test%.lua:%d+: ") ~= nil, true, err)
  _, err = pcall(function() report.render(rows, "table", { mn = 1 }) end)
  T.eq(err:match("^[^:]*options_test%.lua:%d+: ") ~= nil, true, err)
end)

T.test("no options, nil options, an empty table: all the defaults", function()
  T.eq(#c:entities(), #c:entities(nil))
  T.eq(#c:entities(), #c:entities{})
  T.eq(#g:entries(), #g:entries{})
  T.eq(#c:candidates(), #c:candidates{})
end)

T.test("an integer may be a float with an integral value, never a string", function()
  local bare = q.open("corpus", { gazetteer = false, quiet = true })
  T.eq(#bare:candidates{ top = 2.0 }, 2)
  T.eq(report.render(rows, "csv", { limit = 1.0 }), "a\r\n1\r\n")
end)

T.test("options that are not a table are a bad argument", function()
  T.raises(function() c:candidates(5) end, "bad argument #1 to 'candidates' (table expected, got number)")
  T.raises(function() c:entities("PERSON") end, "bad argument #1 to 'entities' (table expected, got string)")
  T.raises(function() report.render(rows, "table", 5) end,
           "bad options to 'render' (table expected, got number)")
end)

T.test("type filters of the entities views", function()
  local people = 0
  for m in c:entities() do if m.type == "PERSON" then people = people + 1 end end
  T.eq(#c:entities{ type = "PERSON" }, people)
  local in_doc = 0
  for m in d:entities() do if m.type == "PERSON" then in_doc = in_doc + 1 end end
  T.eq(#d:entities{ type = "PERSON" }, in_doc)
  for m in d:entities{ type = "PERSON" } do T.eq(m.type, "PERSON") end
  local in_sentences = 0
  for x in d:sentences() do in_sentences = in_sentences + #x:entities{ type = "PERSON" } end
  T.eq(in_sentences, in_doc)
  T.eq(#d:entities{ type = "NO-SUCH-TYPE" }, 0)
end)

T.test("quarry.open's progress option is a boolean, and draws nothing when standard error is no terminal", function()
  T.raises(function() q.open("corpus", { progress = "yes" }) end,
           "option 'progress' to 'open'")
  local c = q.open("corpus", { progress = true })
  T.eq(#c, 5, "the corpus, loaded with a progress bar asked for")
end)
