-- bench/query.lua — quarry's side of the race against CWB/CQP (bench/cqp/run,
-- issue 18): the queries of bench/cqp/queries.tsv, then the collocates of
-- "government", 1,000 KWIC lines of [word="the"] and the frequency list of
-- folded forms, in one process with the corpus loaded.
--
--   quarry run bench/query.lua -- TEXT [QUERIES.tsv [OUTDIR]]
--
-- Prints TAB-separated lines: "tokens" and "sentences" with the corpus's
-- counts, then one line per row: its key (the query as written, or
-- collocates, kwic, freq), its hits and the median of 3 runs in ms. With
-- OUTDIR, the collocates and the frequency list are also written there
-- (quarry-collocates.tsv, quarry-freq.tsv: form TAB count), for
-- bench/cqp/run to compare with CQP's, form by form. Each
-- call is made once before it is timed, as CQP's indexes are warm too. The
-- time is os.clock's (CPU time; the process is single-threaded, so it is
-- its wall time too, without the noise of the other processes on the
-- machine).
local path, queries, outdir = ...
assert(path, "usage: query.lua TEXT [QUERIES.tsv [OUTDIR]]")
queries = queries or "bench/cqp/queries.tsv"

local c = quarry.open(path, { quiet = true, gazetteer = false })
local st = c:stats()
print("tokens\t" .. st.tokens)
print("sentences\t" .. st.sentences)

-- The median time of three calls of f (after one untimed call), in ms, and
-- what the last call returned.
local time = require "bench.timing"

local function row(key, hits, ms)
  io.write(string.format("%s\t%s\t%.2f\n", key, hits, ms))
  io.flush()
end

-- rows[i][col] TAB rows[i][count] for each row, into OUTDIR/name
local function save(name, rows, col, count)
  if not outdir then return end
  local f = assert(io.open(outdir .. "/" .. name, "wb"))
  for _, r in ipairs(rows) do f:write(r[col], "\t", r[count], "\n") end
  assert(f:close())
end

if not c.query then
  io.stderr:write("bench/query.lua: this quarry has no corpus:query yet; only the CQP side runs\n")
  return
end

for line in io.lines(queries) do
  local q = line:match("^[%d.]+\t(.+)$")
  if q then
    local ms, m = time(function() return c:query(q) end)
    row(q, #m, ms)
  end
end

-- collocates of "government" in a window of 3 each side, by folded form, as
-- CQP's six group commands count them: across sentences (within the
-- document), every kind of token (punctuation too), every collocate (min = 1).
-- The hits are the co-occurrences counted (CQP: the sum of its groups' counts).
local colloc = { window = 3, by = "lower", within = "d", kind = "all", min = 1 }
if c.collocates then
  local ms, rows = time(function() return c:collocates("government", colloc) end)
  local n = 0
  for _, r in ipairs(rows) do n = n + r.observed end
  row("collocates", n, ms)
  save("quarry-collocates.tsv", rows, "collocate", "observed")
end

local ms, rows = time(function() return c:kwic('[word="the"]', { limit = 1000, width = 5 }) end)
row("kwic", #rows, ms)

-- every kind of token, as cwb-scan-corpus counts them
ms, rows = time(function() return c:freq { by = "lower", kind = "all" } end)
row("freq", #rows, ms)
save("quarry-freq.tsv", rows, "lower", "count")
