-- collocates: the words found near a node more often than chance would
-- put them there, ranked by an association measure.
local common = require "lib.common"
local node, label = common.node(params, "collocates")
local measure = params.measure
local rows = corpus:collocates(node, {
  window = params.window, within = params.within, by = params.by, min = params.min,
  sort = measure, top = params.top > 0 and params.top or nil,
})
local columns = { "collocate", "observed", "expected", "f_collocate", measure }
for _, m in ipairs({ "logdice", "mi", "t", "ll" }) do
  if m ~= measure then columns[#columns + 1] = m end
end
if measure == "observed" then table.remove(columns, 5) end
report.table(rows, {
  title = string.format("Collocates of %s (%d words each side, by %s): %d, around %d matches",
                        label, params.window, measure, #rows, rows.f_node or 0),
  columns = columns,
  chart = { type = "bar", label = "collocate", value = measure, limit = 25 },
})
