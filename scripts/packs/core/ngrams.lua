-- ngrams: the most frequent sequences of n words (or shapes, or kinds).
local rows = corpus:ngrams {
  n = params.n, by = params.by, skip = params.skip, within = params.within,
  min = params.min, top = params.top > 0 and params.top or nil,
}
report.table(rows, {
  title = string.format("%d-grams by %s%s: %d shown of %d counted", params.n, params.by,
                        params.skip > 0 and string.format(" (up to %d skipped)", params.skip) or "",
                        #rows, rows.total or 0),
  columns = { "ngram", "count", "docs", "per_million" },
  chart = { type = "bar", label = "ngram", value = "count", limit = 25 },
})
