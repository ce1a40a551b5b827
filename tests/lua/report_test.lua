-- report_test.lua — tests for scripts/quarry/report.lua (quarry.report).
--
-- Every test compares the whole rendered text with an exact expected
-- string: the formats are consumed by other programs and by diffs, so a
-- stray space or a missing CR is a real bug.
local T = require "testlib"
local report = require "quarry.report"

local RULE = "─"

local function rule(n) return string.rep(RULE, n) end

-- Runs body with the report pointed at tables instead of the terminal;
-- body gets two functions giving what was written and what was noted so
-- far. The previous setup is put back even when body fails: under `quarry
-- run`, print is report.print, and the harness's "ok" lines must not end
-- up in a capture.
local function in_report(fmt, body)
  local out, notes = {}, {}
  local saved = report.setup {
    format = fmt,
    write = function(s) out[#out + 1] = s end,
    note = function(s) notes[#notes + 1] = s end,
  }
  local ok, err = pcall(body, function() return table.concat(out) end,
                        function() return table.concat(notes) end)
  report.setup(saved)
  if not ok then error(err, 0) end
end

local function forms()
  local rows = {
    { form = "Putin", count = 42 },
    { form = "Pjöngjang", count = 7 },
  }
  rows.columns = { "form", "count" }
  return rows
end

---------------------------------------------------------------------------
-- table format

T.test("formats lists the six formats in order", function()
  T.eq(report.formats, { "table", "csv", "json", "jsonl", "md", "html" })
end)

-- The header of a numeric column is right-aligned too, so that it sits
-- over the digits it names.
T.test("table aligns columns and right-aligns numbers with their header", function()
  T.eq(report.render(forms(), "table"),
       "form       count\n" ..
       rule(9) .. "  " .. rule(5) .. "\n" ..
       "Putin         42\n" ..
       "Pjöngjang      7\n")
end)

T.test("table counts width in UTF-8 characters, not bytes", function()
  -- "Pjöngjang" is 10 bytes but 9 characters: the column is 9 wide.
  local rows = { { "Pjöngjang" }, { "Kyiv" }, columns = { "city" } }
  T.eq(report.render(rows, "table"),
       "city\n" .. rule(9) .. "\nPjöngjang\nKyiv\n")
end)

-- utf8.len fails on such text; bytes are the only width left to count.
T.test("table falls back to byte length for invalid UTF-8", function()
  local rows = { { "a\xffb" }, columns = { "x" } }
  T.eq(report.render(rows, "table"), "x\n" .. rule(3) .. "\na\xffb\n")
  T.eq(report.render(rows, "table", { max_width = 2 }), "x\n" .. rule(2) .. "\na…\n")
end)

-- The cut cell is exactly max_width wide, ellipsis included.
T.test("table cuts long cells with an ellipsis at max_width", function()
  local rows = { { "abcdefghij" }, { "abcde" }, columns = { "s" } }
  T.eq(report.render(rows, "table", { max_width = 5 }),
       "s\n" .. rule(5) .. "\nabcd…\nabcde\n")
end)

-- Cutting bytes would split "ä" and leave a broken sequence behind.
T.test("table cuts by characters, not bytes", function()
  local rows = { { "ääääää" }, columns = { "s" } }
  T.eq(report.render(rows, "table", { max_width = 4 }),
       "s\n" .. rule(4) .. "\näää…\n")
end)

-- A terminal gives a CJK character two columns and a combining accent
-- none: counting characters would push the next column out of line.
T.test("table aligns wide and combining characters by display columns", function()
  local rows = { { "北京", 1 }, { "e\u{301}te", 22 }, { "abcd", 3 }, columns = { "s", "n" } }
  T.eq(report.render(rows, "table"),
       "s      n\n" .. rule(4) .. "  " .. rule(2) .. "\n北京   1\ne\u{301}te   22\nabcd   3\n")
end)

T.test("table cuts wide characters whole, within max_width", function()
  local rows = { { "北京北京北京" }, columns = { "s" } }
  -- five columns: two wide characters (4) and the ellipsis (1)
  T.eq(report.render(rows, "table", { max_width = 5 }), "s\n" .. rule(5) .. "\n北京…\n")
  -- six columns: the third wide character would need seven
  T.eq(report.render(rows, "table", { max_width = 6 }), "s\n" .. rule(5) .. "\n北京…\n")
end)

T.test("table cuts at 40 characters by default", function()
  local long = string.rep("x", 45)
  local rows = { { long }, columns = { "s" } }
  T.eq(report.render(rows, "table"),
       "s\n" .. rule(40) .. "\n" .. string.rep("x", 39) .. "…\n")
end)

-- "\r\n" is one break, so it becomes one space, not two.
T.test("table shows line breaks and tabs inside cells as spaces", function()
  local rows = { { "a\nb\r\nc\td\re" }, columns = { "s" } }
  T.eq(report.render(rows, "table"), "s\n" .. rule(9) .. "\na b c d e\n")
end)

-- The last column is padded like the others; the padding must not stay.
T.test("table leaves no trailing spaces at line ends", function()
  local rows = { { "longer text", "x" }, { "y", "" }, columns = { "a", "b" } }
  T.eq(report.render(rows, "table"),
       "a            b\n" ..
       rule(11) .. "  " .. rule(1) .. "\n" ..
       "longer text  x\n" ..
       "y\n")
end)

-- A column of floats and integers is numeric: all right-aligned.
T.test("table shows floats with two decimals and nan/inf by name", function()
  local rows = { { 1 / 3 }, { 2.0 }, { 10 }, { 0 / 0 }, { math.huge }, { -math.huge },
                 columns = { "v" } }
  T.eq(report.render(rows, "table"),
       "   v\n" .. rule(4) .. "\n0.33\n2.00\n  10\n nan\n inf\n-inf\n")
end)

T.test("table shows nil as empty and booleans as true/false", function()
  local rows = { { name = "a", ok = true }, { name = "b" }, { name = "c", ok = false } }
  rows.columns = { "name", "ok" }
  T.eq(report.render(rows, "table"),
       "name  ok\n" .. rule(4) .. "  " .. rule(5) .. "\n" ..
       "a     true\nb\nc     false\n")
end)

-- Keys come out sorted whatever order pairs() gives them in.
T.test("table shows nested tables as compact JSON", function()
  local rows = { { k = "x", v = { 1, 2, { z = "q", a = true } } } }
  T.eq(report.render(rows, "table"),
       "k  v\n" .. rule(1) .. "  " .. rule(24) .. "\n" ..
       'x  [1,2,{"a":true,"z":"q"}]\n')
end)

T.test("table prints the title on the line above the header", function()
  local rows = { { n = 1 } }
  T.eq(report.render(rows, "table", { title = "Counts" }),
       "Counts\nn\n" .. rule(1) .. "\n1\n")
end)

-- A numeric string is still a string; a nil does not spoil a column.
T.test("a column is numeric only when every non-nil value is a number", function()
  local rows = { { v = 1 }, { v = "2" }, { v = 300 } }
  T.eq(report.render(rows, "table"), "v\n" .. rule(3) .. "\n1\n2\n300\n")
  local holes = { { v = 1 }, { }, { v = 300 } }
  holes.columns = { "v" }
  T.eq(report.render(holes, "table"), "  v\n" .. rule(3) .. "\n  1\n\n300\n")
end)

-- Query results are often empty; the columns still say what was asked.
T.test("an empty rowset renders as the header only", function()
  local rows = { columns = { "form", "count" } }
  T.eq(report.render(rows, "table"), "form  count\n" .. rule(4) .. "  " .. rule(5) .. "\n")
end)

T.test("a rowset without columns prints (no rows)", function()
  T.eq(report.render({}, "table"), "(no rows)\n")
  T.eq(report.render({}, "table", { title = "Empty" }), "Empty\n(no rows)\n")
end)

-- No note when the limit hides nothing; singular for a single row.
T.test("limit shows the first rows and counts the rest", function()
  local rows = { { n = 1 }, { n = 2 }, { n = 3 }, { n = 4 } }
  T.eq(report.render(rows, "table", { limit = 2 }),
       "n\n" .. rule(1) .. "\n1\n2\n… 2 more rows\n")
  T.eq(report.render(rows, "table", { limit = 3 }),
       "n\n" .. rule(1) .. "\n1\n2\n3\n… 1 more row\n")
  T.eq(report.render(rows, "table", { limit = 10 }),
       "n\n" .. rule(1) .. "\n1\n2\n3\n4\n")
end)

T.test("render defaults to the table format", function()
  T.eq(report.render({ { a = 1 } }), "a\n" .. rule(1) .. "\n1\n")
end)

---------------------------------------------------------------------------
-- columns

-- Keys missing from a row come out as empty fields.
T.test("without column names, columns are the sorted union of the keys", function()
  local rows = { { zeta = 1, alpha = "a" }, { mid = true } }
  T.eq(report.render(rows, "csv"),
       "alpha,mid,zeta\r\na,,1\r\n,true,\r\n")
end)

T.test("the rowset's columns field sets the order", function()
  local rows = { { zeta = 1, alpha = "a" }, columns = { "zeta", "alpha" } }
  T.eq(report.render(rows, "csv"), "zeta,alpha\r\n1,a\r\n")
end)

-- Columns not named are left out.
T.test("opts.columns wins over the rowset's columns and can select", function()
  local rows = { { zeta = 1, alpha = "a", mid = 2 }, columns = { "zeta", "alpha" } }
  T.eq(report.render(rows, "csv", { columns = { "mid", "alpha" } }), "mid,alpha\r\n2,a\r\n")
end)

-- This is the shape quarry's C functions find cheapest to build.
T.test("array rows map positionally onto rows.columns", function()
  local rows = { { "Putin", 42 }, { "Kyiv", 7 }, columns = { "form", "count" } }
  T.eq(report.render(rows, "json"),
       '[\n  {"form":"Putin","count":42},\n  {"form":"Kyiv","count":7}\n]\n')
end)

-- #row may be 0 here; positions must not depend on the length operator.
T.test("array rows with a hole keep their positions", function()
  local rows = { { nil, 5 }, columns = { "a", "b" } }
  T.eq(report.render(rows, "jsonl"), '{"a":null,"b":5}\n')
end)

-- quarry's views build rows on demand behind __len and __index; a proxy
-- table with the same metamethods stands in for one here.
T.test("rowsets and rows may be proxies answering # and [i]", function()
  local names = { "Putin", "Kyiv", "Minsk" }
  local view = setmetatable({}, {
    __len = function() return #names end,
    __index = function(_, k)
      if k == "columns" then return { "i", "form" } end
      if names[k] then
        return setmetatable({}, { __index = { i = k, form = names[k] } })
      end
    end,
  })
  T.eq(report.render(view, "csv", { limit = 2 }), "i,form\r\n1,Putin\r\n2,Kyiv\r\n")
end)

---------------------------------------------------------------------------
-- csv

T.test("csv writes a header and CRLF line endings", function()
  T.eq(report.render(forms(), "csv"), "form,count\r\nPutin,42\r\nPjöngjang,7\r\n")
end)

-- A line break inside a quoted field stays as it is (RFC 4180 allows it).
T.test("csv quotes fields with commas, quotes, line breaks or edge spaces", function()
  local rows = { { 'a,b' }, { 'say "hi"' }, { "two\nlines" }, { "cr\rhere" },
                 { " lead" }, { "trail " }, { "in side" }, columns = { "s" } }
  T.eq(report.render(rows, "csv"),
       's\r\n"a,b"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\rhere"\r\n' ..
       '" lead"\r\n"trail "\r\nin side\r\n')
end)

T.test("csv quotes header names that need it", function()
  local rows = { { 1 }, columns = { "a,b" } }
  T.eq(report.render(rows, "csv"), '"a,b"\r\n1\r\n')
end)

-- CSV has no spelling for nan or inf; an empty field is the usual gap.
T.test("csv keeps full float precision and empties nan, inf and nil", function()
  local rows = { { 1 / 3, 0.1, 1e300, 0 / 0, math.huge, nil, 3 } }
  rows.columns = { "a", "b", "c", "d", "e", "f", "g" }
  T.eq(report.render(rows, "csv"),
       "a,b,c,d,e,f,g\r\n0.33333333333333,0.1,1e+300,,,,3\r\n")
end)

-- JSON text holds commas and quotes, so it is always quoted and doubled.
T.test("csv writes nested tables as quoted compact JSON", function()
  local rows = { { { 1, 2 } }, { { b = "x" } }, columns = { "t" } }
  T.eq(report.render(rows, "csv"), 't\r\n"[1,2]"\r\n"{""b"":""x""}"\r\n')
end)

T.test("csv of an empty rowset is the header line only", function()
  T.eq(report.render({ columns = { "a", "b" } }, "csv"), "a,b\r\n")
end)

T.test("csv applies limit silently", function()
  local rows = { { n = 1 }, { n = 2 }, { n = 3 } }
  T.eq(report.render(rows, "csv", { limit = 1 }), "n\r\n1\r\n")
end)

---------------------------------------------------------------------------
-- json and jsonl

T.test("json is pretty-printed with one row per line, keys in column order", function()
  T.eq(report.render(forms(), "json"),
       '[\n  {"form":"Putin","count":42},\n  {"form":"Pjöngjang","count":7}\n]\n')
end)

-- Control characters without a short escape get \u00XX, lowercase hex.
T.test("json escapes quotes, backslashes and control characters", function()
  local rows = { { 'q"b\\n\nr\rt\tb\bf\f\1\31\0' }, columns = { "s" } }
  T.eq(report.render(rows, "jsonl"),
       '{"s":"q\\"b\\\\n\\nr\\rt\\tb\\bf\\f\\u0001\\u001f\\u0000"}\n')
end)

-- One U+FFFD per bad byte; an encoded surrogate is invalid UTF-8 as well.
T.test("json keeps valid UTF-8 and replaces invalid bytes with U+FFFD", function()
  local rows = { { "Pjöngjang", "a\xffb", "\xe2\x82", "\xed\xa0\x80" } }
  rows.columns = { "ok", "bad", "cut", "surrogate" }
  T.eq(report.render(rows, "jsonl"),
       '{"ok":"Pjöngjang","bad":"a\u{FFFD}b","cut":"\u{FFFD}\u{FFFD}",' ..
       '"surrogate":"\u{FFFD}\u{FFFD}\u{FFFD}"}\n')
end)

T.test("json column names are escaped and repaired too", function()
  local rows = { { 1 }, columns = { 'a"\xff' } }
  T.eq(report.render(rows, "jsonl"), '{"a\\"\u{FFFD}":1}\n')
end)

-- Every column is present in every object, so a nil becomes null.
T.test("json writes nil, nan and inf as null, floats with %.14g", function()
  local rows = { { 0.1, 1 / 3, 0 / 0, -math.huge, nil, true, 2.0, -7 } }
  rows.columns = { "a", "b", "c", "d", "e", "f", "g", "h" }
  T.eq(report.render(rows, "jsonl"),
       '{"a":0.1,"b":0.33333333333333,"c":null,"d":null,"e":null,' ..
       '"f":true,"g":2,"h":-7}\n')
end)

-- A table with a hole is not a sequence, so it becomes an object.
T.test("json embeds nested tables as arrays or objects with sorted keys", function()
  local rows = { { {}, { 1, "two", { 3 } }, { b = 1, a = { c = false } },
                   { [1] = "x", [3] = "y" } } }
  rows.columns = { "empty", "seq", "obj", "sparse" }
  T.eq(report.render(rows, "jsonl"),
       '{"empty":[],"seq":[1,"two",[3]],"obj":{"a":{"c":false},"b":1},' ..
       '"sparse":{"1":"x","3":"y"}}\n')
end)

T.test("a table that contains itself raises an error", function()
  local t = { 1 }
  t[2] = t
  T.raises(function() report.render({ { t } , columns = { "t" } }, "json") end,
           "cannot encode a table that contains itself")
  T.raises(function() report.render({ { t }, columns = { "t" } }, "table") end,
           "cannot encode a table that contains itself")
end)

-- Only the tables on the current path count as "itself".
T.test("a table shared by two cells is not a cycle", function()
  local shared = { 1 }
  local rows = { { { shared, shared } }, columns = { "t" } }
  T.eq(report.render(rows, "jsonl"), '{"t":[[1],[1]]}\n')
end)

T.test("empty rowsets: json is [] and jsonl is nothing", function()
  T.eq(report.render({ columns = { "a" } }, "json"), "[]\n")
  T.eq(report.render({}, "json"), "[]\n")
  T.eq(report.render({ columns = { "a" } }, "jsonl"), "")
end)

T.test("jsonl writes one compact object per row", function()
  T.eq(report.render(forms(), "jsonl"),
       '{"form":"Putin","count":42}\n{"form":"Pjöngjang","count":7}\n')
end)

---------------------------------------------------------------------------
-- md

T.test("md writes a GitHub table with numeric columns right-aligned", function()
  T.eq(report.render(forms(), "md"),
       "| form | count |\n|---|--:|\n| Putin | 42 |\n| Pjöngjang | 7 |\n")
end)

-- "markdown" is an alias of "md".
T.test("md escapes pipes, turns line breaks into <br>, prints the title", function()
  local rows = { { "a|b", "x\ny\r\nz", 1.5 }, columns = { "s", "t", "f" } }
  T.eq(report.render(rows, "markdown", { title = "Odd cells" }),
       "### Odd cells\n\n| s | t | f |\n|---|---|--:|\n" ..
       "| a\\|b | x<br>y<br>z | 1.50 |\n")
end)

-- GitHub would otherwise take the note for one more row of the table.
T.test("md limit puts the note after a blank line, outside the table", function()
  local rows = { { n = 1 }, { n = 2 }, { n = 3 } }
  T.eq(report.render(rows, "md", { limit = 1 }),
       "| n |\n|--:|\n| 1 |\n\n… 2 more rows\n")
end)

T.test("md of an empty rowset is the header only", function()
  T.eq(report.render({ columns = { "a", "b" } }, "md"), "| a | b |\n|---|---|\n")
end)

---------------------------------------------------------------------------
-- errors

T.test("an unknown format raises an error naming the formats", function()
  T.raises(function() report.render({}, "xml") end,
           "unknown format 'xml' (expected table, csv, json, jsonl, md or html)")
end)

-- A script author needs the line of their script, not one in report.lua.
T.test("errors point at the caller's line", function()
  local ok, err = pcall(function()
    report.render({}, "yaml")  -- the line the message must name
  end)
  T.eq(ok, false)
  T.eq(err:match("^[^:]*report_test%.lua:%d+: ") ~= nil, true, "position in " .. err)
  local ok2, err2 = pcall(function()
    report.render({ 5 }, "csv")
  end)
  T.eq(ok2, false)
  T.eq(err2:match("report_test%.lua:%d+: row 1 is a number, not a table$") ~= nil, true,
       "position in " .. err2)
end)

T.test("bad options are reported", function()
  T.raises(function() report.render({ { a = 1 } }, "table", { max_width = 0 }) end,
           "option 'max_width' to 'render' must be at least 1 (got 0)")
  T.raises(function() report.render({ { a = 1 } }, "table", { limit = -1 }) end,
           "option 'limit' to 'render' must be at least 0 (got -1)")
  T.raises(function() report.setup { format = "tsv" } end, "unknown format 'tsv'")
end)

---------------------------------------------------------------------------
-- the report: setup, table, print, finish

-- Consecutive print lines stay together; a table gets a blank line on
-- either side of it.
T.test("table format separates tables and text with blank lines", function()
  in_report("table", function(out)
    report.print("Top forms:", 2)
    report.table({ { n = 1 } })
    report.table({ { n = 22 } })
    report.print("done")
    report.print("bye")
    report.finish()
    T.eq(out(),
         "Top forms:\t2\n" ..
         "\nn\n" .. rule(1) .. "\n1\n" ..
         "\n n\n" .. rule(2) .. "\n22\n" ..
         "\ndone\nbye\n")
  end)
end)

T.test("md format prints text into the report like the table format", function()
  in_report("md", function(out, notes)
    report.table({ { n = 1 } }, { title = "One" })
    report.print("after", nil, true)
    T.eq(out(), "### One\n\n| n |\n|--:|\n| 1 |\n\nafter\tnil\ttrue\n")
    T.eq(notes(), "")
  end)
end)

-- Prose in the middle of CSV would break any reader, hence note.
T.test("csv format writes several tables as CSV blocks and prints to note", function()
  in_report("csv", function(out, notes)
    report.table({ { a = 1 } }, { title = "ignored in csv" })
    report.print("a remark")
    report.table({ { b = "x,y" } })
    report.finish()
    T.eq(out(), "a\r\n1\r\n\r\nb\r\n\"x,y\"\r\n")
    T.eq(notes(), "a remark\n")
  end)
end)

T.test("jsonl format writes the rows of every table and prints to note", function()
  in_report("jsonl", function(out, notes)
    report.table(forms())
    report.print("note", 1)
    report.table({ { x = true } })
    T.eq(out(), '{"form":"Putin","count":42}\n{"form":"Pjöngjang","count":7}\n{"x":true}\n')
    T.eq(notes(), "note\t1\n")
  end)
end)

-- With a single table the title is not needed, so the output is the
-- same array that render() gives.
T.test("json format buffers one table until finish and writes an array", function()
  in_report("json", function(out, notes)
    report.table(forms(), { title = "Forms" })
    report.print("progress")
    T.eq(out(), "", "before finish")
    report.finish()
    T.eq(out(), '[\n  {"form":"Putin","count":42},\n  {"form":"Pjöngjang","count":7}\n]\n')
    T.eq(notes(), "progress\n")
  end)
end)

-- Untitled tables are named by position; a repeated title gets " (2)".
T.test("json format writes several tables as an object keyed by title", function()
  in_report("json", function(out)
    report.table({ { n = 1 }, { n = 2 } }, { title = "Counts" })
    report.table({ { s = "x" } })
    report.table({ columns = { "a" } }, { title = "Counts" })
    report.finish()
    T.eq(out(),
         '{\n' ..
         '  "Counts": [\n    {"n":1},\n    {"n":2}\n  ],\n' ..
         '  "table2": [\n    {"s":"x"}\n  ],\n' ..
         '  "Counts (2)": []\n' ..
         '}\n')
  end)
end)

T.test("json format with no tables writes []", function()
  in_report("json", function(out)
    report.finish()
    T.eq(out(), "[]\n")
  end)
end)

-- A host may call finish after the script already did.
T.test("finish is safe to call twice and starts afresh", function()
  in_report("json", function(out)
    report.table({ { n = 1 } })
    report.finish()
    report.finish()
    T.eq(out(), '[\n  {"n":1}\n]\n')
    report.table({ { n = 2 } })
    report.finish()
    T.eq(out(), '[\n  {"n":1}\n]\n[\n  {"n":2}\n]\n')
  end)
end)

-- Scripts reuse and mutate row tables; the report shows them as they were.
T.test("json format snapshots rows when report.table is called", function()
  in_report("json", function(out)
    local rows = { { n = 1 } }
    report.table(rows)
    rows[1].n = 99
    report.finish()
    T.eq(out(), '[\n  {"n":1}\n]\n')
  end)
end)

T.test("report.table applies limit and columns options", function()
  in_report("table", function(out)
    report.table({ { a = 1, b = "x" }, { a = 2, b = "y" } }, { columns = { "b" }, limit = 1 })
    T.eq(out(), "b\n" .. rule(1) .. "\nx\n… 1 more row\n")
  end)
end)

-- Restoring must bring back the writer itself, not only the format name.
T.test("setup returns the configuration it replaced, ready to restore", function()
  in_report("csv", function(out)
    local inner = {}
    local saved = report.setup { format = "md", write = function(s) inner[#inner + 1] = s end }
    T.eq(saved.format, "csv")
    report.table({ { n = 1 } })
    report.setup(saved)
    report.table({ { n = 2 } })
    T.eq(table.concat(inner), "| n |\n|--:|\n| 1 |\n")
    T.eq(out(), "n\r\n2\r\n")
  end)
end)

-- A concordance's left context is right-aligned and keeps its end when cut.
T.test("align right keeps the end of a cut text cell", function()
  local rows = { columns = { "left", "match" },
                 { left = "a long left context", match = "X" },
                 { left = "short", match = "Y" } }
  T.eq(report.render(rows, "table", { align = { left = "right" }, max_width = 10 }),
       "      left  match\n" .. rule(10) .. "  " .. rule(5) ..
       "\n…t context  X\n     short  Y\n")
end)

T.test("align applies to markdown and rejects unknown alignments", function()
  local rows = { columns = { "a" }, { a = "x" } }
  T.eq(report.render(rows, "md", { align = { a = "right" } }), "| a |\n|--:|\n| x |\n")
  T.raises(function() report.render(rows, "table", { align = { a = "middle" } }) end,
           "bad alignment 'middle' for column 'a'")
end)
