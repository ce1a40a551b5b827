-- claims.lua — the numbers and dates each article gives about the same
-- things (data/claims.txt names the topics: containers of munitions, years
-- since the last visit, the dates of the visit ...), side by side per
-- source, with where the sources disagree; then every claim with the
-- sentence it comes from; then, optionally, every number of the corpus by
-- the noun it counts, for the topics no one listed yet.
local common = require "lib.common"
local claims = require "lib.claims"
local units = require "lib.units"

local topics = claims.topics(pack.lines("claims"))
local found, verdicts = claims.compare(corpus, topics, "")
report.table(claims.side_by_side(corpus, found, verdicts, params.all),
             { title = "Claims side by side (columns: documents)", max_width = 50 })
local rows = { columns = { "topic", "doc", "value", "hedge", "written", "sentence" } }
for _, c in ipairs(found) do
  rows[#rows + 1] = { topic = c.topic, doc = c.doc_short, value = c.value, hedge = c.hedge,
                      written = c.text, sentence = c.sentence }
end
report.table(rows, { title = "Claims", max_width = 60 })
if params.units then
  report.table(units.by_unit(corpus), { title = "Numbers by what they count (in two sources or more)",
                                        max_width = 50 })
end
