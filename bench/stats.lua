-- bench/stats.lua — the statistics of docs/statistics.md on a large text:
-- frequency lists, n-grams and keyness, each timed in one process with the
-- corpus loaded (bench/run, section "statistics"). Run from the top of the
-- repository (keyness takes corpus/ as its reference).
--
--   quarry run bench/stats.lua -- TEXT
--
-- Prints one line per call: what it is, its rows and the median of 3 runs
-- in ms, after one untimed call. The time is os.clock's: CPU time, which
-- is the wall time of this single-threaded process without the noise of
-- the other processes on a shared machine. It includes making the Lua rows.
local path = ...
assert(path, "usage: stats.lua TEXT")
local clock = os.clock

local t0 = clock()
local c = quarry.open(path, { quiet = true, gazetteer = false })
local st = c:stats()
print(string.format("%-44s %10s tokens, %s documents, loaded in %.0f ms", path, st.tokens,
                    st.docs, (clock() - t0) * 1000))

local time = require "bench.timing"

local function row(what, f)
  local ms, rows = time(f)
  print(string.format("%-44s %10d rows %9.1f ms", what, #rows, ms))
end

row('c:freq{by = "lower"}', function() return c:freq{ by = "lower" } end)
row('c:freq{by = "lower", top = 100}', function() return c:freq{ by = "lower", top = 100 } end)
row('c:freq{by = "shape", top = 100}', function() return c:freq{ by = "shape", top = 100 } end)
row('c:ngrams{n = 2}', function() return c:ngrams{ n = 2 } end)
row('c:ngrams{n = 2, top = 100}', function() return c:ngrams{ n = 2, top = 100 } end)
row('c:ngrams{n = 3, top = 100}', function() return c:ngrams{ n = 3, top = 100 } end)
-- keyness of the whole text against the sample corpus (items matched by string)
local ref = quarry.open("corpus/", { quiet = true, gazetteer = false })
row('c:keyness(nil, corpus/, {top = 100})', function() return c:keyness(nil, ref, { top = 100 }) end)
