-- kwic: a concordance of a query, sorted as asked.
local common = require "lib.common"
local node, label = common.node(params, "kwic")
local opts = { width = params.width }
if params.sort ~= "none" then opts.sort = params.sort end
-- without a sort the search stops at the limit; a sorted concordance
-- sorts every match, then shows the first ones
if params.sort == "none" and params.limit > 0 then opts.limit = params.limit end
local rows = corpus:kwic(node, opts)
local shown = common.first(rows, params.limit)
shown.columns = { "doc", "left", "match", "right" }
report.table(shown, {
  title = string.format("Concordance of %s: %d%s", label, #shown,
                        #rows > #shown and string.format(" of %d matches", #rows) or
                          (#shown == 1 and " match" or " matches")),
  align = { left = "right" },
  max_width = 60,
})
