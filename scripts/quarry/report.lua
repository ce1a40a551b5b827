-- report.lua — turns rowsets into text (aligned tables, CSV, JSON, JSON
-- Lines, Markdown, an HTML page with SVG charts) and writes the report of
-- a quarry script.
--
-- A rowset is an array of rows; a row is keyed by column name, or is an
-- array mapped positionally onto the column names. render() is pure; the
-- setup/table/print/finish quartet keeps one output state, because a Lua
-- state runs one report. Plain Lua 5.4 and its standard library, so that
-- the module can be tested, and reused, without quarry's C side; with it,
-- widths are display columns rather than characters.
local report = {}

-- Held here, so that a script that changes a global (`type = nil`) still
-- gets its report written. io.write and io.stderr are the exception: they
-- are looked up at each call (see default_write below).
local concat, sort = table.concat, table.sort
local format, rep, byte, sub = string.format, string.rep, string.byte, string.sub
local mtype, tointeger, floor = math.type, math.tointeger, math.floor
local error, pairs, ipairs, next, pcall, select = error, pairs, ipairs, next, pcall, select
local tostring, type = tostring, type
local utf8_len, utf8_offset = utf8.len, utf8.offset
local chart = require "quarry.chart"

report.formats = { "table", "csv", "json", "jsonl", "md", "html" }

local canonical = {
  table = "table", csv = "csv", json = "json", jsonl = "jsonl",
  md = "md", markdown = "md", html = "html",
}

-- One character, not "...": a cut cell then keeps the column's width.
local ELLIPSIS = "…"
local REPLACEMENT = "\u{FFFD}"

-- Errors deep inside rendering are raised without a position (level 0);
-- the public functions re-raise them at their caller, which is the line a
-- script author can act on.
local function fail(fmt, ...)
  error(format(fmt, ...), 0)
end

-- level is the caller's error level, so that a bad name given to
-- render() or setup() is blamed on the script line that passed it.
local function check_format(name, level)
  local f = canonical[name]
  if not f then
    error(format("unknown format '%s' (expected table, csv, json, jsonl, md or html)",
                 tostring(name)), level + 1)
  end
  return f
end

---------------------------------------------------------------------------
-- Options, checked as the C side checks them (core/lua/lqr_opts.c): a
-- misspelt option silently ignored gives a report that looks right and is
-- not. Every message names the option and the function.

local function check_options(opts, fn, known)
  if opts == nil then return end
  if type(opts) ~= "table" then
    fail("bad options to '%s' (table expected, got %s)", fn, type(opts))
  end
  for k in pairs(opts) do
    local ok = false
    for _, name in ipairs(known) do
      if k == name then ok = true; break end
    end
    if not ok then
      if type(k) == "string" then
        fail("unknown option '%s' to '%s' (known: %s)", k, fn, concat(known, ", "))
      end
      fail("unknown option [%s] to '%s' (options are named: %s)", tostring(k), fn,
           concat(known, ", "))
    end
  end
end

local function opt_type_error(fn, name, expected, v)
  local got = type(v)
  if expected == "an integer" and got == "number" then got = tostring(v) end
  fail("option '%s' to '%s' must be %s (got %s)", name, fn, expected, got)
end

-- An integer option (5.0 is 5: numbers computed in Lua easily end up
-- floats; "5" is not), or def when absent.
local function opt_integer(opts, fn, name, def, min)
  local v = opts and opts[name]
  if v == nil then return def end
  local n = mtype(v) and tointeger(v)
  if not n then opt_type_error(fn, name, "an integer", v) end
  if n < min then fail("option '%s' to '%s' must be at least %d (got %d)", name, fn, min, n) end
  return n
end

local function opt_type(opts, fn, name, luatype, expected)
  local v = opts and opts[name]
  if v ~= nil and type(v) ~= luatype then opt_type_error(fn, name, expected, v) end
  return v
end

local TABLE_OPTIONS = { "columns", "title", "limit", "max_width", "align", "chart" }

---------------------------------------------------------------------------
-- Scalars

-- CSV and JSON have no spelling for nan and inf; callers turn them into
-- an empty field or null.
local function finite(v)
  return v == v and v ~= math.huge and v ~= -math.huge
end

-- "display" is for people (table, md): two decimals; "exact" is for
-- programs (csv, json): 14 significant digits, enough for any statistic
-- while hiding binary noise such as 0.1 + 0.2 = 0.30000000000000004.
local function number_text(v, style)
  if mtype(v) == "integer" then return format("%d", v) end
  if not finite(v) then
    if style == "exact" then return nil end
    if v ~= v then return "nan" end
    return v > 0 and "inf" or "-inf"
  end
  return format(style == "display" and "%.2f" or "%.14g", v)
end

-- utf8.len is strict (no surrogates, no overlong forms), so whatever it
-- accepts is safe to put in JSON as is.
-- Each invalid byte becomes one U+FFFD: simpler than the WHATWG "maximal
-- subpart" rule and still always valid, which is all JSON readers need.
local function repair_utf8(s)
  if utf8_len(s) then return s end
  local parts, i = {}, 1
  while true do
    local n, bad = utf8_len(s, i)
    if n then
      parts[#parts + 1] = s:sub(i)
      break
    end
    parts[#parts + 1] = s:sub(i, bad - 1)
    parts[#parts + 1] = REPLACEMENT
    i = bad + 1
  end
  return concat(parts)
end

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r",
  ["\t"] = "\\t", ["\b"] = "\\b", ["\f"] = "\\f",
}
-- RFC 8259 forbids raw control characters in strings; the ones without a
-- short escape get \u00XX.
for b = 0, 31 do
  local c = string.char(b)
  escapes[c] = escapes[c] or format("\\u%04x", b)
end

local function json_string(s)
  return '"' .. (repair_utf8(s):gsub('[\0-\31"\\]', escapes)) .. '"'
end

---------------------------------------------------------------------------
-- JSON values

-- Numbers sort before strings, strings before the rest, so that mixed
-- key sets still come out in the same order every run.
local type_rank = { number = 1, string = 2 }

local function key_before(a, b)
  local ra, rb = type_rank[type(a)] or 3, type_rank[type(b)] or 3
  if ra ~= rb then return ra < rb end
  if ra == 3 then return tostring(a) < tostring(b) end
  return a < b
end
report.key_order = key_before

-- JSON keys are strings; numbers are spelt as in values so that a key and
-- a value from the same number read alike. Tables as keys have no stable
-- text, hence the error.
local function key_text(k)
  local t = type(k)
  if t == "string" then return k end
  if t == "number" then return number_text(k, "exact") or tostring(k) end
  if t == "boolean" then return tostring(k) end
  fail("cannot encode a %s as a JSON object key", t)
end

local encode

-- A sequence is exactly the keys 1..n; anything else is an object. The
-- empty table has to be one of the two, and rowsets make [] more likely.
local function is_sequence(t)
  local count, max = 0, 0
  for k in pairs(t) do
    if mtype(k) ~= "integer" or k < 1 then return false end
    count = count + 1
    if k > max then max = k end
  end
  return count == max
end

-- Text is gathered in out and concatenated once, as repeated .. over a
-- growing string would be quadratic on large nested cells.
local function encode_table(t, out, path)
  if path[t] then fail("cannot encode a table that contains itself") end
  path[t] = true
  if is_sequence(t) then
    out[#out + 1] = "["
    for i = 1, #t do
      if i > 1 then out[#out + 1] = "," end
      encode(t[i], out, path)
    end
    out[#out + 1] = "]"
  else
    local keys = {}
    for k in pairs(t) do keys[#keys + 1] = { text = key_text(k), key = k } end
    sort(keys, function(a, b) return a.text < b.text end)
    out[#out + 1] = "{"
    for i, k in ipairs(keys) do
      if i > 1 then out[#out + 1] = "," end
      out[#out + 1] = json_string(k.text)
      out[#out + 1] = ":"
      encode(t[k.key], out, path)
    end
    out[#out + 1] = "}"
  end
  -- Only the tables on the current path count: a table shared by two
  -- cells is not a cycle.
  path[t] = nil
end

encode = function(v, out, path)
  local t = type(v)
  if v == nil then
    out[#out + 1] = "null"
  elseif t == "boolean" then
    out[#out + 1] = tostring(v)
  elseif t == "number" then
    out[#out + 1] = number_text(v, "exact") or "null"
  elseif t == "string" then
    out[#out + 1] = json_string(v)
  elseif t == "table" then
    encode_table(v, out, path)
  else
    out[#out + 1] = json_string(tostring(v))
  end
end

local function json_value(v)
  local out = {}
  encode(v, out, {})
  return concat(out)
end

-- The text of one cell for the text formats; nil means "empty".
-- Nested tables show as compact JSON rather than "table: 0x…", which
-- would differ from run to run.
local function cell_text(v, style)
  local t = type(v)
  if v == nil then return "" end
  if t == "number" then return number_text(v, style) or "" end
  if t == "string" then return v end
  if t == "table" then return json_value(v) end
  return tostring(v)
end

---------------------------------------------------------------------------
-- Rowsets

-- Without names, the union of keys is sorted: pairs() order varies
-- between runs and reports must be reproducible.
local function resolve_columns(rows, opts)
  local cols = opts.columns or rows.columns
  if cols ~= nil then
    if type(cols) ~= "table" then
      fail("columns must be an array of names, got a %s", type(cols))
    end
    return cols
  end
  local seen, list = {}, {}
  for _, row in ipairs(rows) do
    if type(row) == "table" then
      for k in pairs(row) do
        if not seen[k] then
          seen[k] = true
          list[#list + 1] = k
        end
      end
    end
  end
  sort(list, key_before)
  return list
end

-- A row with integer keys only is an array row. An empty row is looked up
-- by name, so that proxy rows served by __index still work.
local function is_positional(row)
  if next(row) == nil then return false end
  for k in pairs(row) do
    if mtype(k) ~= "integer" then return false end
  end
  return true
end

-- Everything the formats share: the columns, and the shown rows as
-- arrays of values in column order (with holes for nil).
-- Userdata is accepted for rowsets and rows alike: quarry's views (and the
-- tokens in them) answer #, [i] and .columns through metamethods.
local function prepare(rows, opts, fn)
  local kind = type(rows)
  if kind ~= "table" and kind ~= "userdata" then
    fail("bad rowset (table expected, got %s)", kind)
  end
  check_options(opts, fn, TABLE_OPTIONS)
  opts = opts or {}
  opt_type(opts, fn, "columns", "table", "a list of column names")
  opt_type(opts, fn, "align", "table", "a table ({column = \"right\"})")
  if opts.title ~= nil and type(opts.title) ~= "string" and type(opts.title) ~= "number" then
    opt_type_error(fn, "title", "a string", opts.title)
  end
  local cols = resolve_columns(rows, opts)
  local total = #rows
  local limit = opt_integer(opts, fn, "limit", nil, 0)
  local shown = limit and math.min(limit, total) or total
  local data = {}
  for r = 1, shown do
    local row = rows[r]
    local rkind = type(row)
    if rkind ~= "table" and rkind ~= "userdata" then
      fail("row %d is a %s, not a table", r, rkind)
    end
    local positional = rkind == "table" and is_positional(row)
    local values = {}
    for i, c in ipairs(cols) do
      if positional and type(c) ~= "number" then
        values[i] = row[i]
      else
        values[i] = row[c]
      end
    end
    data[r] = values
  end
  local set = {
    columns = cols, data = data, more = total - shown, opts = opts,
    max_width = opt_integer(opts, fn, "max_width", 40, 1),
  }
  if opts.chart ~= nil then set.chart = chart.check(opts.chart, cols, fn) end
  -- A chart reads every row, not only the shown ones: a table limited to
  -- its first lines still plots all the hits.
  local index = {}
  for i, c in ipairs(cols) do index[c] = i end
  set.all = {
    n = total,
    get = function(r, c)
      local row = rows[r]
      if type(row) ~= "table" and type(row) ~= "userdata" then return nil end
      if type(row) == "table" and type(c) ~= "number" and is_positional(row) then
        return row[index[c]]
      end
      return row[c]
    end,
  }
  return set
end

-- Only the shown rows decide, since alignment is about what is on screen.
-- A column of nils alone stays left-aligned.
local function numeric_columns(set)
  local numeric = {}
  for i = 1, #set.columns do
    local any, all = false, true
    for _, values in ipairs(set.data) do
      local v = values[i]
      if v ~= nil then
        any = true
        if type(v) ~= "number" then all = false; break end
      end
    end
    numeric[i] = any and all
  end
  return numeric
end

local function more_line(n)
  return format("%s %d more %s", ELLIPSIS, n, n == 1 and "row" or "rows")
end

---------------------------------------------------------------------------
-- Formats

-- Display columns, as a terminal shows them (a CJK character takes two, a
-- combining accent none), when quarry's C side is there; characters when
-- the module runs on a plain Lua.
local has_core, core = pcall(require, "quarry.core")
if not (has_core and type(core) == "table" and core.width) then core = nil end

local width, clip
if core then
  width, clip = core.width, core.clip
else
  width = function(s) return utf8_len(s) or #s end
  clip = function(s, max, from_end)
    if not utf8_len(s) then return from_end and s:sub(#s - max + 1) or s:sub(1, max) end
    local n = utf8_len(s)
    if n <= max then return s end
    if from_end then return s:sub(utf8_offset(s, n - max + 1)) end
    return s:sub(1, utf8_offset(s, max + 1) - 1)
  end
end

-- Line breaks would tear the grid apart, so cells are flattened first
-- and cut second, which makes max_width the width actually shown.
local function fit(s, max)
  s = s:gsub("\r\n", " "):gsub("[\r\n\t]", " ")
  if width(s) <= max then return s end
  return clip(s, max - 1) .. ELLIPSIS
end

-- A right-aligned text column (the left context of a concordance) keeps
-- its end, the part next to what it is aligned against.
local function fit_tail(s, max)
  s = s:gsub("\r\n", " "):gsub("[\r\n\t]", " ")
  if width(s) <= max then return s end
  return ELLIPSIS .. clip(s, max - 1, true)
end

-- Per column: true when it is right-aligned, because it is numeric or
-- because opts.align says so ({left = "right"}).
local function right_aligned(set)
  local right = numeric_columns(set)
  local align = set.opts.align
  for i, c in ipairs(set.columns) do
    local a = align and align[c]
    if a == "right" then right[i] = true
    elseif a == "left" then right[i] = false
    elseif a ~= nil then fail("bad alignment '%s' for column '%s' (expected left or right)",
                              tostring(a), tostring(c)) end
  end
  return right
end

local function pad(s, w, right)
  local gap = rep(" ", w - width(s))
  if right then return gap .. s end
  return s .. gap
end

-- s without its trailing spaces. Not gsub(" +$", ""): that tries the
-- pattern at every space of a run, so a wide table's padding took time
-- quadratic in the width of a line.
local function trim_right(s)
  local e = #s
  while e > 0 and byte(s, e) == 32 do e = e - 1 end
  return sub(s, 1, e)
end

local function render_table(set)
  local lines = {}
  if set.opts.title ~= nil then lines[1] = tostring(set.opts.title) end
  local cols = set.columns
  if #cols == 0 then
    lines[#lines + 1] = "(no rows)"
    return concat(lines, "\n") .. "\n"
  end
  local numeric = right_aligned(set)
  local header, widths, cells = {}, {}, {}
  for i, c in ipairs(cols) do
    header[i] = fit(tostring(c), set.max_width)
    widths[i] = width(header[i])
  end
  for r, values in ipairs(set.data) do
    local row = {}
    for i = 1, #cols do
      local v = values[i]
      local cut = (numeric[i] and type(v) ~= "number") and fit_tail or fit
      row[i] = cut(cell_text(v, "display"), set.max_width)
      if width(row[i]) > widths[i] then widths[i] = width(row[i]) end
    end
    cells[r] = row
  end
  -- Padding the last column and then trimming keeps the code uniform and
  -- still leaves no trailing spaces for diffs to trip on.
  local function line(texts)
    local padded = {}
    for i, s in ipairs(texts) do padded[i] = pad(s, widths[i], numeric[i]) end
    return trim_right(concat(padded, "  "))
  end
  lines[#lines + 1] = line(header)
  local rules = {}
  for i, w in ipairs(widths) do rules[i] = rep("─", w) end
  lines[#lines + 1] = concat(rules, "  ")
  for _, row in ipairs(cells) do lines[#lines + 1] = line(row) end
  if set.more > 0 then lines[#lines + 1] = more_line(set.more) end
  return concat(lines, "\n") .. "\n"
end

local function md_cell(s)
  return (s:gsub("|", "\\|"):gsub("\r\n", "<br>"):gsub("[\r\n]", "<br>"))
end

local function render_md(set)
  local lines = {}
  if set.opts.title ~= nil then
    lines[1] = "### " .. tostring(set.opts.title)
    lines[2] = ""
  end
  local cols = set.columns
  if #cols == 0 then
    lines[#lines + 1] = "(no rows)"
    return concat(lines, "\n") .. "\n"
  end
  local numeric = right_aligned(set)
  local header, align = {}, {}
  for i, c in ipairs(cols) do
    header[i] = md_cell(tostring(c))
    align[i] = numeric[i] and "--:" or "---"
  end
  lines[#lines + 1] = "| " .. concat(header, " | ") .. " |"
  lines[#lines + 1] = "|" .. concat(align, "|") .. "|"
  for _, values in ipairs(set.data) do
    local row = {}
    for i = 1, #cols do row[i] = md_cell(cell_text(values[i], "display")) end
    lines[#lines + 1] = "| " .. concat(row, " | ") .. " |"
  end
  -- Without the blank line GitHub would read the note as one more row.
  if set.more > 0 then
    lines[#lines + 1] = ""
    lines[#lines + 1] = more_line(set.more)
  end
  return concat(lines, "\n") .. "\n"
end

-- Edge spaces are quoted because spreadsheet importers trim them.
local function csv_field(s)
  if s:find('[,"\r\n]') or s:find("^[ \t]") or s:find("[ \t]$") then
    return '"' .. s:gsub('"', '""') .. '"'
  end
  return s
end

-- A rowset without columns has no header to write, so its CSV is empty.
local function render_csv(set)
  local cols = set.columns
  if #cols == 0 then return "" end
  local lines, header = {}, {}
  for i, c in ipairs(cols) do header[i] = csv_field(tostring(c)) end
  lines[1] = concat(header, ",")
  for _, values in ipairs(set.data) do
    local row = {}
    for i = 1, #cols do row[i] = csv_field(cell_text(values[i], "exact")) end
    lines[#lines + 1] = concat(row, ",")
  end
  return concat(lines, "\r\n") .. "\r\n"
end

-- One compact object per row, keys in column order and every column
-- present (null for nil), so that all objects of a table have one shape.
local function json_rows(set)
  local keys = {}
  for i, c in ipairs(set.columns) do keys[i] = json_string(key_text(c)) .. ":" end
  local objects = {}
  for r, values in ipairs(set.data) do
    local out = { "{" }
    for i = 1, #keys do
      if i > 1 then out[#out + 1] = "," end
      out[#out + 1] = keys[i]
      encode(values[i], out, {})
    end
    out[#out + 1] = "}"
    objects[r] = concat(out)
  end
  return objects
end

-- One row per line: readable, and diffs of two reports stay row-sized.
local function json_array(objects, indent)
  if #objects == 0 then return "[]" end
  local inner = indent .. "  "
  return "[\n" .. inner .. concat(objects, ",\n" .. inner) .. "\n" .. indent .. "]"
end

local function render_jsonl(set)
  local objects = json_rows(set)
  if #objects == 0 then return "" end
  return concat(objects, "\n") .. "\n"
end

-- Text for HTML, in an element or an attribute: invalid UTF-8 repaired as
-- for JSON, the control characters HTML forbids shown as U+FFFD, and the
-- five characters that could end an element or an attribute escaped.
local html_escapes = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
                       ['"'] = "&quot;", ["'"] = "&#39;" }
local function html_text(s)
  s = repair_utf8(s):gsub("[\0-\8\11\12\14-\31\127]", REPLACEMENT)
  return (s:gsub("[&<>\"']", html_escapes))
end

local chart_tools = {
  esc = html_text, width = width, clip = clip,
  number = function(v) return number_text(v, "display") end,
}

-- One section per table: its title as a heading, its chart (when it asked
-- for one and a row gives it something to draw), then the table itself.
-- report.render(rows, "html") gives this fragment; the page around the
-- sections is written by report.finish.
local function render_html(set)
  local out = { '<section class="report-table">' }
  if set.opts.title ~= nil then
    out[#out + 1] = "<h2>" .. html_text(tostring(set.opts.title)) .. "</h2>"
  end
  if set.chart then
    local svg = chart.svg(set.chart, set.all, chart_tools)
    if svg then
      out[#out + 1] = '<figure class="chart">\n' .. svg .. "\n</figure>"
    else
      out[#out + 1] = '<p class="note">No values to chart.</p>'
    end
  end
  local cols = set.columns
  if #cols == 0 then
    out[#out + 1] = '<p class="note">(no rows)</p>'
  else
    local numeric = right_aligned(set)
    local cells = {}
    for i, c in ipairs(cols) do
      cells[i] = (numeric[i] and '<th class="num">' or "<th>") .. html_text(tostring(c)) .. "</th>"
    end
    out[#out + 1] = "<table>\n<thead><tr>" .. concat(cells) .. "</tr></thead>\n<tbody>"
    for _, values in ipairs(set.data) do
      for i = 1, #cols do
        cells[i] = (numeric[i] and '<td class="num">' or "<td>") ..
                   html_text(cell_text(values[i], "display")) .. "</td>"
      end
      out[#out + 1] = "<tr>" .. concat(cells) .. "</tr>"
    end
    out[#out + 1] = "</tbody>\n</table>"
    if set.more > 0 then
      out[#out + 1] = '<p class="more">' .. html_text(more_line(set.more)) .. "</p>"
    end
  end
  out[#out + 1] = "</section>"
  return concat(out, "\n") .. "\n"
end

-- The page: self-contained (no script, no font, no request of any kind:
-- the Content-Security-Policy says so to the browser too), readable
-- printed or on a phone.
local PAGE_STYLE = [[
body { font-family: sans-serif; color: #222; margin: 2em auto; max-width: 60em; padding: 0 1em; }
h1 { font-size: 1.5em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccd; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { padding: 0.2em 0.6em; text-align: left; vertical-align: top; white-space: pre-wrap; }
th { border-bottom: 2px solid #889; }
tbody tr:nth-child(even) { background: #f3f5f8; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
figure.chart { margin: 0.5em 0; }
svg.chart { max-width: 100%; height: auto; }
pre.print { background: #f6f6f6; padding: 0.6em; white-space: pre-wrap; }
p.more, p.note { color: #666; font-size: 0.9em; }
]]

local function html_page(title, parts)
  return concat({
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="quarry">',
    "<title>" .. html_text(title) .. "</title>",
    "<style>\n" .. PAGE_STYLE .. "</style>",
    "</head>",
    "<body>",
    "<h1>" .. html_text(title) .. "</h1>",
    concat(parts),
    "</body>",
    "</html>",
    "",
  }, "\n")
end

local renderers = {
  table = render_table,
  md = render_md,
  csv = render_csv,
  json = function(set) return json_array(json_rows(set), "") .. "\n" end,
  jsonl = render_jsonl,
  html = render_html,
}

-- Re-raises an error from inside the module at the caller of the public
-- function (level 3: past rethrow and the public function itself).
local function rethrow(ok, ...)
  if not ok then error((...), 3) end
  return ...
end

function report.render(rows, fmt, opts)
  local f = check_format(fmt == nil and "table" or fmt, 2)
  -- Not a tail call: rethrow's level counts this function's frame.
  local text = rethrow(pcall(function() return renderers[f](prepare(rows, opts, "render")) end))
  return text
end

---------------------------------------------------------------------------
-- Concordances

-- The narrowest line a concordance is laid out in: below it the contexts
-- would be a word or two, and a table says more.
local CONC_MIN_WIDTH = 20
-- Below this width the document column is left out: the contexts need the
-- room more than a reader needs to know where each line comes from.
local CONC_DOC_MIN_WIDTH = 60
local GAP = "  "

local function flat(v)
  if v == nil then return "" end
  return (tostring(v):gsub("\r\n", " "):gsub("[\r\n\t]", " "))
end

-- A context cut to max columns at its far end, between words when it can
-- ("… leader", not "…rean leader"; "the …" when the cut falls between two
-- words); text without spaces (Chinese, Japanese) is cut between
-- characters.
local function cut_right(s, max)
  if width(s) <= max then return s end
  local kept = clip(s, max - 2)   -- room for " …"
  if s:sub(#kept + 1, #kept + 1) == " " and kept:find("%S") then
    return kept .. " " .. ELLIPSIS
  end
  local words = kept:match("^(.*%s)%S*$")
  if words and words:find("%S") then return words .. ELLIPSIS end
  return clip(s, max - 1) .. ELLIPSIS
end

local function cut_left(s, max)
  if width(s) <= max then return s end
  local kept = clip(s, max - 2, true)
  if s:sub(#s - #kept, #s - #kept) == " " and kept:find("%S") then
    return ELLIPSIS .. " " .. kept
  end
  local words = kept:match("^%S*(%s.*)$")
  if words and words:find("%S") then return ELLIPSIS .. words end
  return ELLIPSIS .. clip(s, max - 1, true)
end

-- One line per row, the keyword lined up in a column of its own: the left
-- context right-aligned against it and cut at its far (left) end, the right
-- context cut at its right end, so that the words next to the keyword are
-- the ones that stay. The keyword column is as wide as the widest match, up
-- to a third of the line (a longer match is cut at its end); each match is
-- centred in it. The document column, first, is cut from its left (ids
-- differ at their ends) and left out when the line is narrow.
local function render_concordance(rows, opts)
  local kind = type(rows)
  if kind ~= "table" and kind ~= "userdata" then
    fail("bad rowset (table expected, got %s)", kind)
  end
  check_options(opts, "concordance", { "width", "limit", "doc" })
  local total_width = opt_integer(opts, "concordance", "width", 80, CONC_MIN_WIDTH)
  local limit = opt_integer(opts, "concordance", "limit", nil, 0)
  local want_doc = opt_type(opts, "concordance", "doc", "boolean", "a boolean")
  local total = #rows
  local shown = limit and math.min(limit, total) or total
  local data, widest_doc, widest_match = {}, 0, 0
  for r = 1, shown do
    local row = rows[r]
    if type(row) ~= "table" and type(row) ~= "userdata" then
      fail("row %d is a %s, not a table", r, type(row))
    end
    local d = { doc = flat(row.doc), left = flat(row.left), match = flat(row.match),
                right = flat(row.right) }
    widest_doc = math.max(widest_doc, width(d.doc))
    widest_match = math.max(widest_match, width(d.match))
    data[r] = d
  end
  local avail, docw = total_width, 0
  if want_doc ~= false and widest_doc > 0 and total_width >= CONC_DOC_MIN_WIDTH then
    docw = math.min(widest_doc, floor(total_width / 6))
    avail = avail - docw - #GAP
  end
  local matchw = math.max(1, math.min(widest_match, floor(avail / 3)))
  local context = avail - matchw - 2 * #GAP
  local leftw = floor(context / 2)
  local rightw = context - leftw
  local lines = {}
  for r, d in ipairs(data) do
    local m = cut_right(d.match, matchw)
    local room = matchw - width(m)
    local before = floor(room / 2)
    local parts = {}
    if docw > 0 then parts[#parts + 1] = pad(fit_tail(d.doc, docw), docw) .. GAP end
    parts[#parts + 1] = pad(cut_left(d.left, leftw), leftw, true)
    parts[#parts + 1] = GAP .. rep(" ", before) .. m .. rep(" ", room - before) .. GAP
    parts[#parts + 1] = cut_right(d.right, rightw)
    lines[r] = trim_right(concat(parts))
  end
  if total - shown > 0 then lines[#lines + 1] = more_line(total - shown) end
  if #lines == 0 then return "(no rows)\n" end
  return concat(lines, "\n") .. "\n"
end

function report.concordance(rows, opts)
  local text = rethrow(pcall(render_concordance, rows, opts))
  return text
end

---------------------------------------------------------------------------
-- The report being written

local current, write, note, page_title
local last       -- nil, "table" or "text": what went through write last
local buffered   -- json: { {title=..., objects=...}, ... }; html: { {title=..., html=...}
                 -- or {text=...}, ... } in the order written
local open       -- true until finish() has run for what was written

-- io.write and io.stderr are looked up at each call, so that a script or
-- a test harness replacing them after setup is still honoured.
local function default_write(s) io.write(s) end
local function default_note(s) io.stderr:write(s) end

local function reset()
  last, buffered, open = nil, {}, true
end

-- setup replaces the whole configuration: fields left out fall back to
-- their defaults rather than to what an earlier setup said. It returns the
-- configuration it replaced, because under `quarry run` the host's write
-- function is reachable no other way, and a script (or a test) that
-- redirects the report for a while must be able to put it back.
function report.setup(cfg)
  rethrow(pcall(function()
    check_options(cfg, "setup", { "format", "write", "note", "title" })
    opt_type(cfg, "setup", "format", "string", "a format name")
    opt_type(cfg, "setup", "title", "string", "a string")
    opt_type(cfg, "setup", "write", "function", "a function")
    opt_type(cfg, "setup", "note", "function", "a function")
  end))
  cfg = cfg or {}
  local f = check_format(cfg.format or "table", 2)
  local previous = { format = current, write = write, note = note, title = page_title }
  current = f
  write = cfg.write or default_write
  note = cfg.note or default_note
  page_title = cfg.title
  reset()
  return previous
end

report.setup()

function report.table(rows, opts)
  open = true
  -- Rows are encoded now, not at finish: errors then point at this call,
  -- and later changes to the rows do not leak into the report.
  -- json and html are one document each, written whole by finish.
  if current == "json" or current == "html" then
    local entry = rethrow(pcall(function()
      local set = prepare(rows, opts, "table")
      if current == "json" then return { title = set.opts.title, objects = json_rows(set) } end
      return { title = set.opts.title, html = render_html(set) }
    end))
    buffered[#buffered + 1] = entry
    return
  end
  local text = rethrow(pcall(function() return renderers[current](prepare(rows, opts, "table")) end))
  if current == "table" or current == "md" then
    if last then write("\n") end
    last = "table"
  elseif current == "csv" then
    -- Several tables make several CSV blocks, one empty line apart.
    if last then write("\r\n") end
    last = "table"
  end
  write(text)
end

function report.print(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  local text = concat(parts, "\t") .. "\n"
  -- Structured formats must stay parseable, so prose goes to the side;
  -- a page has room for it, in order with the tables.
  if current == "html" then
    buffered[#buffered + 1] = { text = text }
    open = true
    return
  end
  if current == "table" or current == "md" then
    if last == "table" then write("\n") end
    last = "text"
    write(text)
  else
    note(text)
  end
end

-- Several json tables become one object keyed by title; repeated titles
-- get " (2)", " (3)"… so that no table silently replaces another.
local function json_document(tables)
  if #tables == 1 then return json_array(tables[1].objects, "") .. "\n" end
  if #tables == 0 then return "[]\n" end
  local used, members = {}, {}
  for i, t in ipairs(tables) do
    local base = t.title ~= nil and tostring(t.title) or ("table" .. i)
    local key, k = base, 1
    while used[key] do
      k = k + 1
      key = format("%s (%d)", base, k)
    end
    used[key] = true
    members[i] = "  " .. json_string(key) .. ": " .. json_array(t.objects, "  ")
  end
  return "{\n" .. concat(members, ",\n") .. "\n}\n"
end

-- The page of an html report: the title set up, else the first table's;
-- consecutive prints share one <pre>.
local function html_document(entries, title)
  if title == nil then
    for _, e in ipairs(entries) do
      if e.title ~= nil then title = tostring(e.title); break end
    end
  end
  local parts, text = {}, nil
  local function flush()
    if text then
      parts[#parts + 1] = '<pre class="print">' .. html_text(concat(text)) .. "</pre>\n"
      text = nil
    end
  end
  for _, e in ipairs(entries) do
    if e.text then
      text = text or {}
      text[#text + 1] = e.text
    else
      flush()
      parts[#parts + 1] = e.html
    end
  end
  flush()
  return html_page(title or "quarry report", parts)
end

-- finish closes the report: a second call has nothing left to write, and
-- tables after it start a new report (a new JSON document).
function report.finish()
  if not open then return end
  local tables = buffered
  local was = current
  reset()
  open = false
  if was == "json" then write(json_document(tables)) end
  if was == "html" then write(html_document(tables, page_title)) end
end

return report
