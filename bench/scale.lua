-- bench/scale.lua — quarry on one core and on every core: a corpus load
-- (tokenize, split, intern, look up), an index made and opened. Wall time
-- (quarry.clock: os.clock would add up the threads' times), best of ROUNDS
-- runs taken in turn, the file system synced before each index is made (what
-- earlier runs left to write back would be timed too).
--
--   quarry run bench/scale.lua -- TEXT DOCS GAZETTEER OUT [ROUNDS]
-- TEXT: one big document; DOCS: the same text as many documents (a folder);
-- GAZETTEER: the 1,000,000 people; OUT: a folder for the index files.
local text, docs, gaz, out, rounds = ...
rounds = tonumber(rounds) or 3
local clock = quarry.clock
local cores = 2

local function best(f)
  local b = math.huge
  for _ = 1, rounds do
    local t = f()
    if t < b then b = t end
  end
  return b
end

local function open_time(path, jobs, g)
  return best(function()
    local t = clock()
    local c = quarry.open(path, { quiet = true, jobs = jobs, gazetteer = g or false })
    t = clock() - t
    c:close()
    collectgarbage()
    return t
  end)
end

local function report(what, mb, one, all)
  print(string.format("%-44s %7.2f s %7.1f MB/s   %d cores: %6.2f s %7.1f MB/s  %.2fx",
                      what, one, mb / one, cores, all, mb / all, one / all))
end

local stats = quarry.open(text, { quiet = true, gazetteer = false }):stats()
local mb = stats.bytes / 1e6

report("tokenize + split + intern (one document)", mb, open_time(text, 1), open_time(text, cores))
local g = quarry.gazetteer(gaz)
report("... + look up 1M people (100 documents)", mb, open_time(docs, 1, g), open_time(docs, cores, g))

local function index_time(jobs)
  local path = string.format("%s/english100-%d.qidx", out, jobs)
  return best(function()
    os.remove(path)
    os.execute("sync")
    local t = clock()
    quarry.index(text, path, { jobs = jobs, gazetteer = false })
    return clock() - t
  end), path
end
local one, path = index_time(1)
local all = index_time(cores)
report("quarry index (one document, no gazetteer)", mb, one, all)
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
