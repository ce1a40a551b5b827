-- lib/timeline.lua — the rows of the timeline: every date of the corpus
-- (lib/dates.lua finds them with queries), resolved against its article's
-- date (the document's `date` metadata, else the date given), with the
-- sentence it dates, in time order.
local common = require "lib.common"
local dates = require "lib.dates"

local T = {}

-- rows: when, date (ISO 8601 as far as known), doc, written, event; and the
-- number of dates left open (a weekday or "last week" with no article date)
function T.rows(corpus, default_date)
  if default_date ~= "" and not dates.reference(default_date) then
    error("the date must be written YYYY-MM-DD (got '" .. default_date .. "')", 0)
  end
  local rows = { columns = { "when", "date", "doc", "written", "event" } }
  local open = 0
  local sentences = {}
  local found = dates.find(corpus)
  local per_doc = {}
  for _, r in ipairs(found) do
    per_doc[r.doc_index] = per_doc[r.doc_index] or {}
    table.insert(per_doc[r.doc_index], r)
  end
  local relative = {}
  for i, list in pairs(per_doc) do relative[i] = dates.relative_reference(list) end
  for _, r in ipairs(found) do
    local doc = corpus:doc(r.doc_index)
    sentences[r.doc_index] = sentences[r.doc_index] or doc:sentences()
    local s = sentences[r.doc_index][r.sentence]
    local meta_date = type(doc.meta) == "table" and doc.meta.date or nil
    local ref = dates.reference(meta_date) or dates.reference(default_date) or relative[r.doc_index]
    dates.resolve(r, ref, dates.future(s.text))
    if r.key >= 99999999 then open = open + 1 end
    rows[#rows + 1] = { when = r.when, date = r.iso, doc = common.doc_label(doc.id),
                        doc_short = common.doc_short(doc), written = common.squash(r.text),
                        event = common.squash(s.text), key = r.key,
                        doc_index = r.doc_index, start = r.start, stop = r.stop,
                        resolved = r.resolved }
  end
  common.sort_by(rows, "key", "doc_index", "start")
  return rows, open
end

return T
