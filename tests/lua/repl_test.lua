-- repl_test.lua — the REPL's printer, completion, help and history text,
-- run inside the REPL itself (tests/run feeds it to `quarry repl` as a
-- script), where quarry.repl and quarry.term are loaded. What needs a
-- terminal (keys, prompts, Ctrl-C) is tested in tests/repl/*.session.
package.path = "tests/lua/?.lua;" .. package.path
local T = require "testlib"
local repl = require "quarry.repl"
local c = quarry.open("corpus")

local function lines(s)
  local out = {}
  for l in (s .. "\n"):gmatch("(.-)\n") do out[#out + 1] = l end
  return out
end

T.test("show: plain values as Lua writes them; strings as they are at the top", function()
  T.eq(repl.show(42), "42")
  T.eq(repl.show(1.5), "1.5")
  T.eq(repl.show(nil), "nil")
  T.eq(repl.show("a\tb"), "a\tb")
  T.eq(repl.show(true), "true")
end)

T.test("show: tables nested, keys sorted, strings quoted, cycles marked", function()
  T.eq(repl.show({ 1, 2, { a = 1, b = "x\ty" }, n = 3 }), '{1, 2, {a = 1, b = "x\\ty"}, n = 3}')
  local t = {}
  t.self = t
  T.eq(repl.show(t), "{self = <cycle>}")
  T.eq(repl.show({ [true] = 1, ["not id"] = 2 }), '{["not id"] = 2, [true] = 1}')
  T.eq(repl.show({ a = { b = { c = { d = { e = 1 } } } } }), "{a = {b = {c = {d = {…}}}}}")
end)

T.test("show: a long list fills lines and says how many are left out", function()
  local t = {}
  for i = 1, 250 do t[i] = i end
  local shown = lines(repl.show(t))
  T.eq(shown[1], "{")
  T.eq(shown[#shown], "}")
  T.eq(shown[#shown - 1]:match("… 150 more,$") ~= nil, true, "the last line: " .. shown[#shown - 1])
  for i = 2, #shown - 1 do
    T.eq(utf8.len(shown[i]) <= 80, true, "line " .. i .. " fits")
  end
end)

T.test("show: quarry objects print their summary", function()
  T.eq(repl.show(c), "<corpus corpus: 5 docs, 3,012 tokens, 368 entities>")
  T.eq(repl.show(c:doc(1):tokens()[1]), "<token Vladimir word 1-8>")
end)

T.test("show: rows print as a table, numbers right-aligned, at most a screenful", function()
  local shown = lines(repl.show(c:freq{}))
  T.eq(shown[1]:match("^form%s+count%s+docs$") ~= nil, true, shown[1])
  T.eq(shown[3]:match("^the%s+118%s+5$") ~= nil, true, shown[3])
  T.eq(shown[#shown]:match("^… %d+ more rows$") ~= nil, true, shown[#shown])
  local _, screen_lines = require("quarry.term").size()
  T.eq(#shown <= screen_lines, true, #shown .. " lines")
end)

T.test("show: rows with columns and other named fields (c:freq's tokens) are rows", function()
  local rows = { columns = { "form", "count" }, tokens = 2, { form = "a", count = 1 },
                 { form = "b", count = 1 } }
  T.eq(lines(repl.show(rows)), { "form  count", "────  ─────", "a         1", "b         1" })
  -- without columns, a named field makes it a record like any other
  T.eq(repl.show({ { a = 1 }, n = 1 }), "{{a = 1}, n = 1}")
end)

T.test("show: long cells are cut with … so that a row fits the screen", function()
  local rows = { { text = string.rep("word ", 60), n = 1 } }
  local shown = lines(repl.show(rows))
  for _, l in ipairs(shown) do T.eq(utf8.len(l) <= 80, true, l) end
  T.eq(shown[3]:find("…", 1, true) ~= nil, true, shown[3])
end)

T.test("show: the format chosen with :format applies to rows", function()
  repl.session.format = "csv"
  local ok, text = pcall(repl.show, c:freq{ top = 2 })
  repl.session.format = "table"
  T.eq(ok, true)
  T.eq(text, "form,count,docs\r\nthe,118,5\r\nin,75,5\r")
end)

T.test("show: c:kwic prints as a concordance, lined up on the match, a screenful", function()
  local width = require("quarry.core").width
  local columns, screen_lines = require("quarry.term").size()
  T.eq(columns, 80, "not a terminal: 80 columns")
  local shown = lines(repl.show(c:kwic("Putin", { width = 6 })))
  T.eq(#shown <= screen_lines, true, #shown .. " lines")
  T.eq(shown[#shown]:match("^… %d+ more rows$") ~= nil, true, shown[#shown])
  local at
  for i = 1, #shown - 1 do
    local l = shown[i]
    T.eq(width(l) <= columns, true, l)
    local col = width(l:sub(1, (l:find("Putin", 1, true) or 0) - 1))
    at = at or col
    T.eq(col, at, "the match's column in: " .. l)
  end
  -- the words next to the match stay; the document id keeps its end. By
  -- hand: document column 13 (a sixth of 80): "…" and the id's last 12;
  -- match column 5; context 80 - 15 - 5 - 4 = 56: left 28 (20 spaces and
  -- the headline's first word), right 28: "Visits North Korea Amid
  -- Growing Military" cut inside "Growing": the whole words and "…"
  T.eq(shown[1], "…ary-ties.txt                      Vladimir  Putin  Visits North Korea Amid …")
end)

T.test("show: a concordance in another format is rows", function()
  repl.session.format = "csv"
  local ok, text = pcall(repl.show, c:kwic("Kim Jong Un", { width = 2, limit = 1 }))
  repl.session.format = "table"
  T.eq(ok, true)
  T.eq(text, "doc,left,match,right\r\n" ..
       "02-putins-rare-visit-signals-strengthened-ties.txt,Korean leader,Kim Jong Un,lauded the\r")
end)

local function complete(line)
  local at, list = repl.complete(line)
  return at, list
end

-- Completion cases: the text before the cursor, where the replaced text
-- starts, and the candidates.
local completions = {
  { "x = quar", 5, { "quarry" } },
  { "whi", 1, { "while" } },
  { "quarry.rep", 1, { "quarry.report" } },
  { "quarry.report.f", 1, { "quarry.report.finish", "quarry.report.formats" } },
  { "quarry.json.", 1, { "quarry.json.decode", "quarry.json.encode" } },
  { ":he", 2, { "help" } },
  { ":format c", 9, { "csv" } },
  { ":help corpus:fr", 7, { "corpus:freq" } },
  { 'c2 = quarry.open("corp', 19, { "corpus/" } },
  { "nosuchthing.x", 1, {} },
}
for _, case in ipairs(completions) do
  T.test("complete: " .. case[1], function()
    local at, list = complete(case[1])
    T.eq({ at, list }, { case[2], case[3] })
  end)
end

T.test("complete: methods of quarry objects after :", function()
  _G.c = c
  local at, list = complete("print(c:fr")
  T.eq(at, 7)
  T.eq(list, { "c:freq" })
  _G.d = c:doc(1)
  local _, methods = complete("d:")
  for _, m in ipairs({ "d:entities", "d:freq", "d:kwic", "d:sentences", "d:tokens" }) do
    local found = false
    for _, x in ipairs(methods) do found = found or x == m end
    T.eq(found, true, m)
  end
  for _, x in ipairs(methods) do T.eq(x ~= "d:id", true, "a field is no method") end
  local _, fields = complete("d.ti")
  T.eq(fields, { "d.title" })
end)

T.test("complete: the fields quarry objects list are those the API reference names", function()
  local api = require("quarry.core").embedded("docs/lua-api.md")
  local samples = { document = c:doc(1), sentence = c:doc(1):sentences()[1],
                    token = c:doc(1):tokens()[1] }
  for kind, obj in pairs(samples) do
    local listed = {}
    for _, k in ipairs(getmetatable(obj).fields) do
      listed[k] = true
      T.eq(pcall(function() return obj[k] end), true, kind .. "." .. k .. " reads")
    end
    local documented = api:match("\n### " .. kind .. " fields: ([^\n]+)")
    T.eq(documented ~= nil, true, kind .. " fields in the docs")
    for k in documented:gmatch("[%a_]+") do T.eq(listed[k], true, kind .. "." .. k .. " listed") end
    for k in api:gmatch("\n### " .. kind .. ":([%a_]+)") do
      T.eq(listed[k] or getmetatable(obj).methods[k] ~= nil, true, kind .. ":" .. k .. " listed")
    end
  end
end)

T.test("complete: file names inside a directory", function()
  local _, inside = complete('quarry.open("corpus/01')
  T.eq(#inside, 1)
  T.eq(inside[1]:match("^corpus/01%-.*%.txt$") ~= nil, true, inside[1])
end)

T.test("complete: nothing for what it cannot know, and no call is made", function()
  local called = false
  _G.f = function() called = true return {} end
  local _, list = complete("f().")
  T.eq(list, {})
  T.eq(called, false)
end)

T.test("compile: an expression first, then statements; <eof> means more to come", function()
  local f = repl.compile("1 + 1", "=stdin")
  T.eq(f(), 2)
  local g = repl.compile("x_test = 5", "=stdin")
  T.eq(type(g), "function")
  local h, why = repl.compile("for i = 1, 2 do", "=stdin")
  T.eq({ h, why }, { nil, "incomplete" })
  local _, err = repl.compile("1 +* 2", "=stdin")
  T.eq(err:find("unexpected symbol", 1, true) ~= nil, true, err)
end)

T.test("help: from the API reference, by name, by object, by word", function()
  local text = repl.help("quarry.open")
  T.eq(text:match("^quarry%.open%(paths") ~= nil, true, text:sub(1, 40))
  _G.c = c
  local via_c = repl.help("c:freq")
  T.eq(via_c:match("^corpus:freq") ~= nil, true, via_c:sub(1, 40))
  local none, err = repl.help("nosuchname")
  T.eq(none, nil)
  T.eq(err, "no help on 'nosuchname' (:help lists the topics)")
  T.eq(repl.help():find(":time CODE", 1, true) ~= nil, true)
end)

T.test("history: one entry per line, escaped; each kept once, the latest", function()
  local h = repl.history_text
  local entry = "for i = 1, 2 do\n  print('a\\\\b')\nend"
  T.eq(h.unescape(h.escape(entry)), entry)
  T.eq(h.escape(entry):find("\n", 1, true), nil)
  T.eq(h.dedupe({ "a", "b", "a", "c" }), { "b", "a", "c" })
  local many = {}
  for i = 1, 1500 do many[i] = "x" .. i end
  local kept = h.dedupe(many)
  T.eq(#kept, 1000)
  T.eq(kept[1], "x501")
end)
