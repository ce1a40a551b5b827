-- quarry query — the query language from the command line (docs/query.md).
-- Run by `quarry query PATTERN CORPUS...` (core/cli/cmd_query.c) with the
-- corpus open as `corpus`. Its arguments: the pattern; the mode (list, kwic,
-- count or freq); what to count by, or the attribute of the frequency list
-- ("" for none); the format; the limit (0: none); the concordance's width in
-- columns; within (s, p, d or "").
local pattern, mode, by, format, limit, width, within = ...
limit = math.tointeger(tonumber(limit))
width = math.tointeger(tonumber(width))
local search = { limit = limit ~= 0 and limit or nil, within = within ~= "" and within or nil }

-- The output's own writer, for what is text rather than a table (TSV, the
-- count, the concordance): report.setup hands back the writer it replaces.
local host = report.setup { format = "table" }
report.setup(host)
local write = host.write

-- Runs an API call; an error (a pattern that cannot be read, a label the
-- pattern lacks) is the user's, so it is raised without the script's
-- position or the method's name: "column 18: unknown attribute ...", with
-- the pattern and the caret on the lines below.
local function run(f, ...)
  local ok, res = pcall(f, ...)
  if ok then return res end
  local msg = tostring(res):gsub("^[^\n]-:%d+: ", ""):gsub("^%a+: ", "", 1)
    :gsub("^option 'by' to 'count'", "--count")
  error(msg, 0)
end

-- TSV: a header, then one line per row; tabs and line breaks inside a
-- field become spaces, so that every line has as many fields as the header.
local function field(v)
  if v == nil then return "" end
  if math.type(v) == "float" then return string.format("%.14g", v) end
  return (tostring(v):gsub("[\t\r\n]", " "))
end

local function output(rows, columns)
  if format == "table" and #rows == 0 then return end   -- a header alone says nothing
  if format ~= "tsv" then
    report.table(rows, { columns = columns })
    return
  end
  local lines = { table.concat(columns, "\t") }
  for i, r in ipairs(rows) do
    local fields = {}
    for k, c in ipairs(columns) do fields[k] = field(r[c]) end
    lines[i + 1] = table.concat(fields, "\t")
  end
  write(table.concat(lines, "\n") .. "\n")
end

-- an empty answer is an answer, not an error: say so where a person looks
local function none(n)
  if n == 0 then io.stderr:write("quarry query: no matches\n") end
end

if mode == "count" and by == "" then
  -- the total alone, whatever the format: a number is valid in all of them
  write(string.format("%d\n", run(corpus.count, corpus, pattern, search)))
elseif mode == "count" then
  search.by = by
  local rows = run(corpus.count, corpus, pattern, search)
  none(#rows)
  output(rows, { "value", "count" })
elseif mode == "freq" then
  local m = run(corpus.query, corpus, pattern, search)
  none(#m)
  local rows = run(corpus.freq, corpus, { by = by, matches = m, kind = "all" })
  output(rows, rows.columns)
elseif mode == "kwic" then
  -- in a concordance, enough tokens of context to fill the line (it cuts
  -- them); as rows, c:kwic's five, whatever the terminal
  search.width = format == "table" and math.max(5, (width + 9) // 10) or 5
  local rows = run(corpus.kwic, corpus, pattern, search)
  none(#rows)
  if format == "table" then
    if #rows > 0 then write(report.concordance(rows, { width = width })) end
  else
    output(rows, { "doc", "sentence", "first", "last", "left", "match", "right" })
  end
else
  local m = run(corpus.query, corpus, pattern, search)
  none(#m)
  local rows = {}
  for i = 1, #m do rows[i] = m[i] end
  output(rows, { "doc", "sentence", "first", "last", "text" })
end
