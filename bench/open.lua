-- bench/open.lua — how long quarry.open takes on an index: best of 5, wall
-- time, and one query on it (the first touch of its pages).
--
--   quarry run bench/open.lua -- INDEX
local path = ...
local best = math.huge
local c
for _ = 1, 5 do
  local t = quarry.clock()
  c = quarry.open(path, { quiet = true })
  t = quarry.clock() - t
  if t < best then best = t end
end
local t = quarry.clock()
local n = c:count('[lower="government"] [lower="said"]')
t = quarry.clock() - t
local gb = c:stats().bytes / 1e9
print(string.format("%-44s %7.1f ms   (target <= 50 ms; %d docs, %d tokens)",
                    string.format("open the index of %.0f GB", gb), best * 1e3, #c, c:stats().tokens))
print(string.format("%-44s %7.1f ms   (%d hits, pages read from the file as needed)",
                    "... then a query", t * 1e3, n))
