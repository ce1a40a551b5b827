-- quarry entities — every mention of a gazetteer entry in the corpus, in
-- document order. Run by `quarry entities CORPUS...`, with the corpus open as
-- `corpus` and the output format as the first argument.
local format = ...

if not corpus:gazetteer() then
  error("no gazetteer (--gazetteer none): give --gazetteer FILE, put gazetteer.tsv in the corpus "
    .. "directory, or leave both out for the world gazetteer", 0)
end

local columns = { "doc", "start", "stop", "text", "type", "id" }
local mentions = corpus:entities()

if format == "tsv" then
  -- tab-separated values: tabs and line breaks inside fields become spaces
  local function clean(v) return (tostring(v):gsub("[\t\r\n]", " ")) end
  print(table.concat(columns, "\t"))
  for m in mentions do
    print(clean(m.doc), m.start, m.stop, clean(m.text), m.type, clean(m.id))
  end
else
  report.table(mentions, { columns = columns })
end

-- a name more entries share than a mention keeps: say so, once
local capped = 0
for m in mentions do
  if m.capped then capped = capped + 1 end
end
if capped > 0 then
  io.stderr:write(string.format("quarry entities: warning: %d mention%s fit more than %d entries; "
    .. "each keeps the first %d as its candidates (docs/gazetteer.md, Limits)\n", capped,
    capped == 1 and "" or "s", quarry.max_candidates, quarry.max_candidates))
end
