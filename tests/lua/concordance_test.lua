-- concordance_test.lua — report.concordance, the concordance the REPL and
-- `quarry query --kwic` print. Every expected line is worked out by hand in
-- the comment above it, from the layout rules in report.lua: the line is
-- `width` columns; the document column (shown from 60 columns up) is as wide
-- as the widest id, at most a sixth of the line; the match column as wide as
-- the widest match, at most a third of what is left; two spaces between
-- columns; what remains is shared by the left context (right-aligned) and
-- the right one, the left getting the smaller half. Run with `quarry run`.
package.path = "tests/lua/?.lua;" .. package.path
local T = require "testlib"
local report = require "quarry.report"
local core = require "quarry.core"

local function lines(text)
  local out = {}
  for l in text:gmatch("([^\n]*)\n") do out[#out + 1] = l end
  return out
end
local sp = string.rep

T.test("40 columns: no document column, contexts cut between words", function()
  local rows = {
    { doc = "d1", left = "the quick brown fox", match = "jumps", right = "over the lazy dog" },
    { doc = "d2", left = "", match = "runs", right = "away" },
  }
  -- 40 < 60: no document column. match column 5 (jumps); context 40 - 5 - 4
  -- = 31: left 15, right 16.
  -- left: 19 columns > 15; its last 13 ("ick brown fox") begin inside a
  -- word, dropped: "… brown fox" (11), padded by 4.
  -- right: 17 > 16; its first 14 ("over the lazy ") end before a cut word,
  -- dropped: "over the lazy …".
  -- row 2: an empty left context is 15 spaces; "runs" centred in 5: 0
  -- before, 1 after; then 2 + "away".
  T.eq(lines(report.concordance(rows, { width = 40 })), {
    "    … brown fox  jumps  over the lazy …",
    sp(" ", 15) .. "  runs   away",
  })
end)

T.test("200 columns: the document column, nothing cut", function()
  local rows = {
    { doc = "01-a.txt", left = "the leader", match = "Kim Jong Un", right = "said so" },
    { doc = "02-bb.txt", left = "", match = "Putin", right = "" },
  }
  -- document column 9 (02-bb.txt; a sixth of 200 is 33); left 200 - 9 - 2 =
  -- 189; match column 11; context 189 - 11 - 4 = 174: left 87, right 87.
  -- row 1: "01-a.txt" + 1 space, 2, 77 spaces + "the leader", 2, the match, 2.
  -- row 2: "02-bb.txt", 2, 87 spaces, 2, "Putin" centred in 11 (3 before),
  -- nothing after it (trailing spaces are trimmed).
  local got = lines(report.concordance(rows, { width = 200 }))
  T.eq(got, {
    "01-a.txt   " .. sp(" ", 77) .. "the leader  Kim Jong Un  said so",
    "02-bb.txt  " .. sp(" ", 87) .. "     Putin",
  })
  -- the match starts in the same column on both lines
  T.eq(got[1]:find("Kim", 1, true), 9 + 2 + 87 + 2 + 1)
  T.eq(got[2]:find("Putin", 1, true), 9 + 2 + 87 + 2 + 3 + 1)
end)

T.test("wide characters line up by display columns", function()
  local rows = {
    { left = "ロシアのプーチン大統領は", match = "北朝鮮", right = "を訪問した" },
    { left = "金正恩", match = "Putin", right = "" },
  }
  -- match column 6 (北朝鮮, three wide characters); context 40 - 6 - 4 = 30:
  -- left 15, right 15.
  -- row 1 left: 24 columns > 15, no spaces to cut at: the last 14 columns
  -- (7 characters) after "…": "…ーチン大統領は" (15). right: 10, whole.
  -- row 2 left: "金正恩" (6) after 9 spaces; "Putin" (5) in 6: 0 before.
  local got = lines(report.concordance(rows, { width = 40 }))
  T.eq(got, {
    "…ーチン大統領は  北朝鮮  を訪問した",
    sp(" ", 9) .. "金正恩  Putin",
  })
  if core and core.width then
    -- both matches start 17 columns in
    T.eq(core.width(got[1]:sub(1, got[1]:find("北", 1, true) - 1)), 17)
    T.eq(core.width(got[2]:sub(1, got[2]:find("Putin", 1, true) - 1)), 17)
  end
end)

T.test("a very long match is cut at its end, to a third of the line", function()
  local long = ("word "):rep(20):gsub(" $", "")
  local rows = { { doc = "x", left = "a b", match = long, right = "c d" } }
  -- doc = false: no document column. match column: a third of 60, 20;
  -- context 60 - 20 - 4 = 36: left 18, right 18.
  -- match: its first 18 columns end inside a word: "word word word …" (16),
  -- centred in 20: 2 before, 2 after.
  T.eq(lines(report.concordance(rows, { width = 60, doc = false })), {
    sp(" ", 15) .. "a b" .. "  " .. "  word word word …  " .. "  " .. "c d",
  })
end)

T.test("a long document id is cut from its left", function()
  local rows = { { doc = "01-putin-visits-north-korea.txt", left = "a", match = "b", right = "c" } }
  -- 60 columns: document column min(31, 10) = 10: "…" and the last 9
  -- ("korea.txt"). Left 60 - 12 = 48; match 1; context 48 - 1 - 4 = 43:
  -- left 21, right 22.
  T.eq(lines(report.concordance(rows, { width = 60 })), {
    "…korea.txt  " .. sp(" ", 20) .. "a  b  c",
  })
end)

T.test("a limit, the rows left out, no rows", function()
  local rows = {
    { left = "a", match = "x", right = "b" },
    { left = "c", match = "x", right = "d" },
    { left = "e", match = "x", right = "f" },
  }
  -- 40 columns: match 1; context 35: left 17, right 18
  T.eq(lines(report.concordance(rows, { width = 40, limit = 1 })), {
    sp(" ", 16) .. "a  x  b",
    "… 2 more rows",
  })
  T.eq(report.concordance({}, { width = 40 }), "(no rows)\n")
end)

T.test("the rows of c:kwic, in the default 80 columns, fit", function()
  local c = quarry.open("corpus", { quiet = true })
  local rows = c:kwic("Kim Jong Un", { width = 8 })
  local got = lines(report.concordance(rows))
  T.eq(#got, #rows)
  local at
  for _, l in ipairs(got) do
    T.eq(core.width(l) <= 80, true, l)
    local col = core.width(l:sub(1, l:find("Kim Jong Un", 1, true) - 1))
    at = at or col
    T.eq(col, at, "the match's column in " .. l)
  end
end)
