-- bench/open.lua — how long quarry.open takes on an index: best of 5, wall
-- time, and one query on it twice: the first touch of its pages (read from
-- the disk: an index just made is not in the page cache, its blocks were
-- moved into place), then again.
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
local query = '[lower="government"] [lower="said"]'
local t = quarry.clock()
local n = c:count(query)
t = quarry.clock() - t
local again = quarry.clock()
c:count(query)
again = quarry.clock() - again
local gb = c:stats().bytes / 1e9
print(string.format("%-44s %7.1f ms   (target <= 50 ms; %d docs, %d tokens)",
                    string.format("open the index of %.0f GB", gb), best * 1e3, #c, c:stats().tokens))
print(string.format("%-44s %7.1f ms   (%d hits, pages read from the file as needed)",
                    "... then a query", t * 1e3, n))
print(string.format("%-44s %7.1f ms", "... the same query again", again * 1e3))
