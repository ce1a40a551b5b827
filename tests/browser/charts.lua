-- charts.lua — the report the browser test renders: one table with each
-- kind of chart, from corpus/ (quarry run tests/browser/charts.lua corpus/
-- --format html). The tables are not limited, so that the test can count
-- a chart's marks against its table's rows.
local c = corpus

report.table(c:freq{ by = "lower", top = 12 }, {
  title = "Most frequent words",
  columns = { "lower", "count", "docs" },
  chart = { type = "bar", label = "lower", value = "count" },
})

local k = c:keyness(c:subcorpus{ 1 }, nil, { top = 10, sort = "log_ratio", min = 2 })
report.table(k, {
  title = "Key words of the first article (log ratio)",
  columns = { "item", "f_target", "f_ref", "log_ratio" },
  chart = { type = "bar", label = "item", value = "log_ratio" },
})

local d = c:dispersion({ entity = "kim-jong-un" })
local docs = {}
for _, p in ipairs(d.parts) do docs[#docs + 1] = p.doc end
report.table(d.positions, {
  title = "Kim Jong Un across the articles",
  columns = { "doc", "first", "relative" },
  chart = { type = "dispersion", rows = docs },
})

report.table(c:cooccurrences{ top = 40 }, {
  title = "Who is named with whom",
  columns = { "a", "b", "sentences" },
  chart = { type = "network", source = "a", target = "b", weight = "sentences" },
})
