-- dispersion: how evenly a node is spread over the documents, with a
-- dispersion plot of where each match falls.
local common = require "lib.common"
local node, label = common.node(params, "dispersion")
local d = corpus:dispersion(node)
report.table({ { count = d.count, range = d.range, parts = #d.parts, tokens = d.tokens,
                 juilland_d = d.juilland_d, dp = d.dp, dp_norm = d.dp_norm } }, {
  title = "Dispersion of " .. label,
  columns = { "count", "range", "parts", "tokens", "juilland_d", "dp", "dp_norm" },
})
local docs = {}
for _, p in ipairs(d.parts) do docs[#docs + 1] = p.doc end
report.table(d.positions, {
  title = string.format("Where %s occurs (0: a document's start, 1: its end)", label),
  columns = { "doc", "first", "relative" },
  limit = params.limit > 0 and params.limit or nil,
  chart = { type = "dispersion", row = "doc", position = "relative", rows = docs, limit = 60 },
})
report.table(d.parts, {
  title = string.format("%s per document", label),
  columns = { "doc", "tokens", "count", "per_million" },
  chart = { type = "bar", label = "doc", value = "per_million", limit = 40 },
})
