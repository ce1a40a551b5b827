-- wordlist: the frequency list of the corpus, by word (folded or as
-- written), word shape, token kind, entity type or entity.
local by = params.by
if by == "word" and params.fold then by = "lower" end
local rows = corpus:freq { by = by, min = params.min, top = params.top > 0 and params.top or nil }
local item = by == "id" and "name" or by
local out = { columns = { "rank", item, "count", "docs", "per_million" } }
if by == "id" then out.columns = { "rank", "name", "id", "type", "count", "docs", "per_million" } end
for i, r in ipairs(rows) do
  local row = { rank = i }
  for k, v in pairs(r) do row[k] = v end
  out[i] = row
end
report.table(out, {
  title = string.format("Word list by %s: %d items, %d tokens", by, #out, rows.tokens or 0),
  chart = { type = "bar", label = item, value = "count", limit = 25 },
})
