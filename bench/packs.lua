-- bench/packs.lua — what the pack sandbox costs: reports run through the
-- pack runner with the default instruction budget, beside the same runs with
-- no budget (--max-steps 0). The budget is a count hook, which Lua 5.4 calls
-- on every instruction once any count is set: reports that work in C
-- (queries, statistics) hardly notice, a loop written in Lua pays the most.
-- Median CPU ms of 3 runs (bench/timing.lua).
--
--   quarry run bench/packs.lua -- CORPUS
local pack = require "quarry.pack"
local median = require "bench.timing"
local path = ...
local c = quarry.open(path, { quiet = true, gazetteer = "corpus/gazetteer.tsv" })
report.setup { format = "table", write = function() end }   -- the reports' output is not timed

local cases = {
  { pack.find("core"), "wordlist", { "top=50" } },
  { pack.find("news"), "brief", {} },
  { pack.load_dir("bench/packs/loop"), "tokens", {} },
}
io.stdout:write(string.format("%s: %d tokens\n", path, c:stats().tokens))
io.stdout:write(string.format("%-16s %12s %12s %8s\n", "report", "budget ms", "none ms", "ratio"))
for _, case in ipairs(cases) do
  local p, name, params = case[1], case[2], case[3]
  local with = median(function() pack.run(p, name, c, params, {}) end)
  local without = median(function() pack.run(p, name, c, params, { max_steps = 0 }) end)
  io.stdout:write(string.format("%-16s %12.1f %12.1f %7.2fx\n", p.name .. ":" .. name, with, without,
                      with / without))
end
