-- wordfreq.lua — how often each word occurs, and in how many documents:
-- a map/reduce report (docs/scale.md). The same script runs in one
-- process and over shards, with the same result byte for byte:
--
--   quarry run scripts/examples/wordfreq.lua CORPUS
--   cat shard*.jsonl | quarry map wordfreq.lua | LC_ALL=C sort | quarry reduce wordfreq.lua
local R = {
  params = { min = 2 },   -- --param min=N: fewer occurrences than N, and the word is left out
  columns = { "word", "count", "docs" },
}

-- Per document: each word (case-folded) once, with its count there and 1
-- document. doc:freq counts in C.
function R.map(doc, emit)
  for _, row in ipairs(doc:freq { kind = "word", fold = true }) do
    emit(row.form, { row.count, 1 })
  end
end

-- Sums, so the order of merging cannot change the result.
function R.merge(a, b)
  return { a[1] + b[1], a[2] + b[2] }
end

function R.finish(word, v)
  if v[1] >= R.params.min then return { word = word, count = v[1], docs = v[2] } end
end

-- Most frequent first; a tie goes by the word, so the order is total.
function R.order(a, b)
  if a.count ~= b.count then return a.count > b.count end
  return a.word < b.word
end

return R
