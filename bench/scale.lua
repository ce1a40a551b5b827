-- bench/scale.lua — quarry on one core and on every core: a corpus load
-- (tokenize, split, intern, look up), an index made and opened. Wall time
-- (quarry.clock: os.clock would add up the threads' times), best of ROUNDS
-- runs, one core and every core taken in turn (the ratio of the medians
-- printed beside the best's), the file system synced before each index is
-- made (what earlier runs left to write back would be timed too).
--
--   quarry run bench/scale.lua -- TEXT DOCS GAZETTEER OUT [ROUNDS]
-- TEXT: one big document; DOCS: the same text as many documents (a folder);
-- GAZETTEER: the 1,000,000 people; OUT: a folder for the index files.
local text, docs, gaz, out, rounds = ...
-- Nine rounds by default: a run on both cores is slowed by whatever else
-- the machine runs, where a run on one core has the other to spare, and an
-- index run writes 600 MB, whose writing back the kernel does on whichever
-- core is free; the more runs, the likelier a quiet moment among them.
rounds = tonumber(rounds) or 9
local clock = quarry.clock
local cores = 2

-- The best of n runs of f(1) and of f(cores), the two taken in turn: a
-- machine shared with others is slower for a while, and a ratio of runs
-- made minutes apart measures that as much as the cores.
-- The medians come along, for the report: how far the best is from the
-- usual.
local function median(t)
  table.sort(t)
  local n = #t
  return n % 2 == 1 and t[(n + 1) // 2] or (t[n // 2] + t[n // 2 + 1]) / 2
end

local function best_pair(f, n)
  local ones, alls = {}, {}
  for i = 1, n do
    ones[i] = f(1)
    alls[i] = f(cores)
  end
  local one, all = math.min(table.unpack(ones)), math.min(table.unpack(alls))
  return one, all, median(ones) / median(alls)
end

local function open_time(path, g)
  return best_pair(function(jobs)
    local t = clock()
    local c = quarry.open(path, { quiet = true, jobs = jobs, gazetteer = g or false })
    t = clock() - t
    c:close()
    collectgarbage()
    return t
  end, rounds)
end

local function report(what, mb, one, all, med)
  print(string.format("%-44s %7.2f s %7.1f MB/s   %d cores: %6.2f s %7.1f MB/s  %.3fx (medians: %.3fx)",
                      what, one, mb / one, cores, all, mb / all, one / all, med))
end

local stats = quarry.open(text, { quiet = true, gazetteer = false }):stats()
local mb = stats.bytes / 1e6

report("tokenize + split + intern (one document)", mb, open_time(text))
local g = quarry.gazetteer(gaz)
report("... + look up 1M people (100 documents)", mb, open_time(docs, g))

local path = out .. "/english100.qidx"
local one, all, med = best_pair(function(jobs)
  os.remove(path)
  os.execute("sync")
  local t = clock()
  quarry.index(text, path, { jobs = jobs, gazetteer = false })
  return clock() - t
end, rounds)
report("quarry index (one document, no gazetteer)", mb, one, all, med)
local f = io.open(path, "rb")
local size = f:seek("end")
f:close()
local opened = math.huge
for _ = 1, 5 do
  local t = clock()
  local c = quarry.open(path, { quiet = true })
  t = clock() - t
  if t < opened then opened = t end
  c:close()
end
print(string.format("%-44s %7.1f ms  (an index of %.0f MB)", "open the index", opened * 1e3, size / 1e6))
-- for bench/run: the best index time on every core
local tf = io.open(out .. "/index-seconds", "w")
tf:write(string.format("%.3f %.3f\n", one, all))
tf:close()
