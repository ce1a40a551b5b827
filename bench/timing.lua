-- bench/timing.lua — the one way the Lua benchmarks time a call: one call
-- to warm up (the postings index is built on first use, a query compiled),
-- then n timed calls (3 by default), and the median, in ms of CPU time
-- (os.clock: the machines are shared, and wall time there mostly measures
-- the wait for a core). Returns the median and what the last call returned.
--
--   local median = require "bench.timing"   -- from the top of the repository
local function median(f, n)
  n = n or 3
  local result = f()
  local times = {}
  for i = 1, n do
    local t0 = os.clock()
    result = f()
    times[i] = (os.clock() - t0) * 1000
  end
  table.sort(times)
  return times[(n + 1) // 2], result
end

return median
