-- html_test.lua — tests for the html format of scripts/quarry/report.lua and
-- its SVG charts (scripts/quarry/chart.lua).
--
-- The fragment of one table is compared whole; the charts are read back by
-- counting their marks and reading their coordinates, which is what the
-- numbers mean (a bar twice as long for a value twice as large), while the
-- browser test (tests/browser/) checks that Chromium draws them.
local T = require "testlib"
local report = require "quarry.report"

-- Runs body with the report captured; gives back what was written.
local function capture(cfg, body)
  local out, notes = {}, {}
  local setup = { write = function(s) out[#out + 1] = s end,
                  note = function(s) notes[#notes + 1] = s end }
  for k, v in pairs(cfg) do setup[k] = v end
  local saved = report.setup(setup)
  local ok, err = pcall(body)
  report.setup(saved)
  if not ok then error(err, 0) end
  return table.concat(out), table.concat(notes)
end

local function count(s, pattern)
  local n = 0
  for _ in s:gmatch(pattern) do n = n + 1 end
  return n
end

-- The numeric attribute name of every element of a class, in order.
local function attrs(svg, class, name)
  local list = {}
  for tag in svg:gmatch('<%a+ class="' .. class .. '"[^>]*>') do
    list[#list + 1] = tonumber(tag:match(" " .. name:gsub("%-", "%%-") .. '="([-%d.]+)"'))
  end
  return list
end

local function words()
  local rows = {
    { form = "the", count = 40 }, { form = "korea", count = 20 },
    { form = "putin", count = 10 }, { form = "visit", count = 5 },
  }
  rows.columns = { "form", "count" }
  return rows
end

---------------------------------------------------------------------------
-- the format

T.test("html is one of the formats", function()
  T.eq(report.formats[#report.formats], "html")
  T.raises(function() report.render({}, "xml") end,
           "unknown format 'xml' (expected table, csv, json, jsonl, md or html)")
end)

T.test("render gives one section: title, table, numbers right-aligned", function()
  T.eq(report.render({ { form = "Putin", count = 42 }, { form = "Kim", count = 0.5 },
                       columns = { "form", "count" } }, "html", { title = "Words" }),
       '<section class="report-table">\n' ..
       "<h2>Words</h2>\n" ..
       "<table>\n" ..
       '<thead><tr><th>form</th><th class="num">count</th></tr></thead>\n' ..
       "<tbody>\n" ..
       '<tr><td>Putin</td><td class="num">42</td></tr>\n' ..
       '<tr><td>Kim</td><td class="num">0.50</td></tr>\n' ..
       "</tbody>\n" ..
       "</table>\n" ..
       "</section>\n")
end)

T.test("html escapes markup, repairs UTF-8 and replaces control characters", function()
  local s = report.render({ { a = [[<b>"Tom" & 'Jerry'</b>]] }, { a = "x\255y\0z\1" } }, "html",
                          { title = "<script>" })
  T.eq(s:find("<b>", 1, true), nil, "raw markup")
  T.eq(s:find("<script>", 1, true), nil, "raw title")
  T.eq(s:find("&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;", 1, true) ~= nil, true)
  T.eq(s:find("<h2>&lt;script&gt;</h2>", 1, true) ~= nil, true)
  T.eq(s:find("<td>x\u{FFFD}y\u{FFFD}z\u{FFFD}</td>", 1, true) ~= nil, true)
  T.eq(utf8.len(s) ~= nil, true, "valid UTF-8")
end)

T.test("a limited table says how many rows are left out", function()
  local s = report.render(words(), "html", { limit = 1 })
  T.eq(count(s, "<tr>"), 2)
  T.eq(s:find('<p class="more">… 3 more rows</p>', 1, true) ~= nil, true)
end)

T.test("a table without columns says so", function()
  T.eq(report.render({}, "html"), '<section class="report-table">\n<p class="note">(no rows)</p>\n</section>\n')
end)

---------------------------------------------------------------------------
-- the page

T.test("the page is written at finish, with prints in order and the first title", function()
  local out = capture({ format = "html" }, function()
    report.print("first <note>")
    report.print("second")
    report.table(words(), { title = "Words" })
    report.print("after")
    report.table(words(), { title = "Again" })
    report.finish()
  end)
  T.eq(out:sub(1, 16), "<!DOCTYPE html>\n")
  T.eq(out:match("<title>(.-)</title>"), "Words")
  T.eq(out:match("<h1>(.-)</h1>"), "Words")
  local pre1 = out:find('<pre class="print">first &lt;note&gt;\nsecond\n</pre>', 1, true)
  local t1 = out:find("<h2>Words</h2>", 1, true)
  local pre2 = out:find('<pre class="print">after\n</pre>', 1, true)
  local t2 = out:find("<h2>Again</h2>", 1, true)
  T.eq(pre1 ~= nil and t1 ~= nil and pre2 ~= nil and t2 ~= nil, true, "all parts present")
  T.eq(pre1 < t1 and t1 < pre2 and pre2 < t2, true, "in order")
  T.eq(out:sub(-8), "</html>\n")
end)

T.test("nothing is written before finish; a title set up names the page", function()
  local before
  local out = capture({ format = "html", title = "My report" }, function()
    report.table(words(), { title = "Words" })
    before = true
  end)
  T.eq(out, "", "before finish")
  out = capture({ format = "html", title = "My report" }, function()
    report.table(words(), { title = "Words" })
    report.finish()
    report.finish()
  end)
  T.eq(out:match("<title>(.-)</title>"), "My report")
  T.eq(count(out, "<!DOCTYPE html>"), 1, "one page")
  out = capture({ format = "html" }, function() report.table(words()); report.finish() end)
  T.eq(out:match("<title>(.-)</title>"), "quarry report")
end)

T.test("the page loads nothing: no script, no link, no external reference", function()
  local out = capture({ format = "html" }, function()
    report.table(words(), { chart = { type = "bar", label = "form", value = "count" } })
    report.finish()
  end)
  T.eq(out:find("<script", 1, true), nil, "script")
  T.eq(out:find("<link", 1, true), nil, "link")
  T.eq(out:find("src=", 1, true), nil, "src")
  T.eq(out:find("href=", 1, true), nil, "href")
  T.eq(out:find("url(", 1, true), nil, "url()")
  -- the one URL is the SVG namespace, which is a name, not a request
  T.eq(count(out, "https?://"), count(out, 'xmlns="http://www.w3.org/2000/svg"'))
  T.eq(out:find("default-src 'none'", 1, true) ~= nil, true, "CSP")
end)

---------------------------------------------------------------------------
-- charts

T.test("a bar chart has a bar per row, as long as its value", function()
  local s = report.render(words(), "html", { chart = { type = "bar", label = "form", value = "count" } })
  local svg = s:match("<svg.-</svg>")
  T.eq(svg ~= nil, true, "an svg")
  local w = attrs(svg, "bar", "width")
  T.eq(#w, 4)
  T.eq(w[1] / w[2], 2.0)
  T.eq(math.abs(w[1] / w[3] - 4) < 0.01, true)
  T.eq(count(svg, '<text class="label"'), 4)
  T.eq(svg:find(">korea</text>", 1, true) ~= nil, true)
  T.eq(svg:find(">40</text>", 1, true) ~= nil, true)
  -- the chart comes before the table
  T.eq(s:find("<svg", 1, true) < s:find("<table>", 1, true), true)
end)

T.test("a bar chart's limit keeps the first rows; the table's limit does not cut the chart", function()
  local svg = report.render(words(), "html",
                            { chart = { type = "bar", label = "form", value = "count", limit = 2 } })
  T.eq(#attrs(svg, "bar", "width"), 2)
  svg = report.render(words(), "html",
                      { limit = 1, chart = { type = "bar", label = "form", value = "count" } })
  T.eq(#attrs(svg, "bar", "width"), 4)
end)

T.test("negative values go left of the zero line", function()
  local rows = { { item = "up", lr = 2 }, { item = "down", lr = -1 }, columns = { "item", "lr" } }
  local svg = report.render(rows, "html", { chart = { type = "bar", label = "item", value = "lr" } })
  local x, w = attrs(svg, "bar", "x"), attrs(svg, "bar", "width")
  local zero = attrs(svg, "axis", "x1")[1]
  T.eq(x[1], zero, "positive starts at zero")
  T.eq(math.abs(x[2] + w[2] - zero) < 0.05, true, "negative ends at zero")
  T.eq(math.abs(w[1] / w[2] - 2) < 0.01, true)
end)

T.test("labels too long are cut with an ellipsis and stay inside the chart", function()
  local rows = { { l = string.rep("long", 40), v = 1 }, columns = { "l", "v" } }
  local svg = report.render(rows, "html", { chart = { type = "bar", label = "l", value = "v" } })
  local shown = svg:match('<text class="label"[^>]*>(.-)</text>')
  T.eq(shown:sub(-3), "…")
  T.eq(utf8.len(shown) * 7 <= 200, true)
  T.eq(svg:find("<title>" .. string.rep("long", 40) .. ": 1</title>", 1, true) ~= nil, true,
       "the whole label in the tooltip")
end)

T.test("a dispersion plot has a strip per row name and a tick per hit", function()
  local rows = {
    { doc = "a.txt", relative = 0 }, { doc = "a.txt", relative = 1 },
    { doc = "b.txt", relative = 0.5 }, columns = { "doc", "relative" },
  }
  local svg = report.render(rows, "html", { chart = { type = "dispersion", rows = { "a.txt", "b.txt", "c.txt" } } })
  T.eq(count(svg, '<rect class="strip"'), 3, "strips, c.txt empty")
  local x = attrs(svg, "hit", "x1")
  T.eq(#x, 3)
  local sx, sw = attrs(svg, "strip", "x")[1], attrs(svg, "strip", "width")[1]
  T.eq(x[1], sx)
  T.eq(x[2], sx + sw)
  T.eq(x[3], sx + sw / 2)
  -- without rows, the strips come in order of first appearance
  svg = report.render(rows, "html", { chart = { type = "dispersion" } })
  T.eq(count(svg, '<rect class="strip"'), 2)
end)

T.test("a dispersion plot of a node in the corpus has a tick per match", function()
  local c = quarry.open("corpus/")
  local d = c:dispersion({ entity = "kim-jong-un" })
  local docs = {}
  for _, p in ipairs(d.parts) do docs[#docs + 1] = p.doc end
  local svg = report.render(d.positions, "html", { chart = { type = "dispersion", rows = docs } })
  T.eq(#attrs(svg, "hit", "x1"), d.count)
  T.eq(count(svg, '<rect class="strip"'), #d.parts)
  c:close()
end)

T.test("a network sums a pair given both ways and sizes edges by weight", function()
  local rows = {
    { a = "Kim", b = "Putin", n = 3 }, { a = "Putin", b = "Kim", n = 1 },
    { a = "Putin", b = "Lavrov", n = 2 }, { a = "Lavrov", b = "Lavrov", n = 9 },
    columns = { "a", "b", "n" },
  }
  local svg = report.render(rows, "html",
                            { chart = { type = "network", source = "a", target = "b", weight = "n" } })
  T.eq(count(svg, '<circle class="node"'), 3)
  local w = attrs(svg, "edge", "stroke-width")
  T.eq(#w, 2, "edges: Kim–Putin (4), Lavrov–Putin (2); no loop")
  T.eq(w, { 1 + 5 * 2 / 4, 6.0 })
  T.eq(svg:find("<title>Kim – Putin: 4</title>", 1, true) ~= nil, true)
  -- the heaviest node first, at the top of the circle
  local cy = attrs(svg, "node", "cy")
  T.eq(cy[1] < cy[2] and cy[1] < cy[3], true)
  -- limit keeps the heaviest nodes and the edges between them
  svg = report.render(rows, "html",
                      { chart = { type = "network", source = "a", target = "b", weight = "n", limit = 2 } })
  T.eq(count(svg, '<circle class="node"'), 2)
  T.eq(#attrs(svg, "edge", "stroke-width"), 1)
end)

T.test("charts are the same bytes every time", function()
  local c = quarry.open("corpus/")
  local rows = c:cooccurrences{ top = 30 }
  local opts = { chart = { type = "network", source = "a", target = "b", weight = "sentences" } }
  local first = report.render(rows, "html", opts)
  T.eq(report.render(c:cooccurrences{ top = 30 }, "html", opts), first)
  c:close()
end)

T.test("nothing to chart is said, not drawn", function()
  local rows = { { form = "x", count = "n/a" }, columns = { "form", "count" } }
  local s = report.render(rows, "html", { chart = { type = "bar", label = "form", value = "count" } })
  T.eq(s:find("<svg", 1, true), nil)
  T.eq(s:find("No values to chart.", 1, true) ~= nil, true)
end)

T.test("other formats ignore the chart but check it", function()
  local opts = { chart = { type = "bar", label = "form", value = "count" } }
  for _, f in ipairs({ "table", "csv", "json", "jsonl", "md" }) do
    T.eq(report.render(words(), f, opts), report.render(words(), f), f)
  end
  T.raises(function() report.render(words(), "table", { chart = { type = "pie" } }) end,
           "option 'chart' to 'render': unknown chart type 'pie' (expected bar, dispersion or network)")
  T.raises(function() report.render(words(), "csv", { chart = { type = "bar", label = "form" } }) end,
           "option 'chart' to 'render': a bar chart needs 'value'")
  T.raises(function() report.render(words(), "table", { chart = { type = "bar", label = "form", value = "n" } }) end,
           "option 'chart' to 'render': column 'n' (the value) is not among the columns")
  T.raises(function() report.render(words(), "table", { chart = { type = "bar", label = "form", value = "count", colour = 1 } }) end,
           "option 'chart' to 'render': unknown key 'colour' for a bar chart")
  T.raises(function() report.render(words(), "table", { chart = "bar" }) end,
           "option 'chart' to 'render' must be a table (got string)")
  T.raises(function() report.render(words(), "table", { chart = { type = "bar", label = "form", value = "count", limit = 0 } }) end,
           "limit must be a positive integer (got 0)")
end)
