-- parallel_test.lua — annotating on several threads (quarry.open{jobs = N},
-- quarry index --jobs N) gives the corpus one thread gives, to every
-- lexicon id and byte of the index (core/corpus/parallel.c).
package.path = "tests/lua/?.lua;" .. package.path
local T = require "testlib"
local q = require "quarry"

local read = T.read

-- Everything numbered by lexicon ids shows here: forms by id, in id order.
local function snapshot(c)
  local out = {}
  for d in c:docs() do
    out[#out + 1] = d.id .. "\t" .. #d.text
    for t in d:tokens() do out[#out + 1] = t.text .. "\t" .. t.start .. "\t" .. t.fold .. "\t" .. t.kind end
    for s in d:sentences() do out[#out + 1] = "s\t" .. s.start .. "\t" .. s.stop end
    for m in d:entities() do out[#out + 1] = "m\t" .. m.id .. "\t" .. m.start end
  end
  for id = 0, 4000 do
    local ok, form = pcall(c.form, c, id)
    if not ok then break end
    out[#out + 1] = form
  end
  return table.concat(out, "\n")
end

local function same(a, b, what)
  if a == b then return end
  local i = 1
  while a:sub(i, i) == b:sub(i, i) do i = i + 1 end
  error(string.format("%s: differs at byte %d: %q vs %q", what, i, a:sub(i - 20, i + 40),
                      b:sub(i - 20, i + 40)), 2)
end

-- The first 300 BBC articles, a long document (several spans of 1 MiB, one
-- with a run past the longest token), empty documents.
local bbc = {}
for line in io.lines("../shared/bench/bbc-news.jsonl") do
  bbc[#bbc + 1] = line
  if #bbc == 300 then break end
end
local bbc_path = T.tmpfile(table.concat(bbc, "\n") .. "\n", "bbc.jsonl")
local long = {}
for i = 1, 30000 do long[#long + 1] = "Kim Jong Un met Vladimir Putin in Pyongyang on day " .. i .. ".\n" end
long[15000] = string.rep("x", 9 << 20) .. "\n"   -- past the longest token: cut, with a warning
local dir = T.tmpfile("", "anchor"):match("^(.*)/[^/]*$") .. "/mixed"
os.execute("mkdir -p '" .. dir .. "'")
local function write(path, bytes)
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
end
write(dir .. "/a-long.txt", table.concat(long))
write(dir .. "/b-empty.txt", "")
write(dir .. "/c-short.txt", "Putin, Kim and Lavrov.\n")
write(dir .. "/d-empty.txt", "")
write(dir .. "/gazetteer.tsv", read("corpus/gazetteer.tsv"))

for _, case in ipairs { { "the sample corpus", "corpus" }, { "300 BBC articles", bbc_path },
                        { "a long document, empty ones and a cut run", dir } } do
  T.test(case[1] .. ": 2, 3 and 8 threads give what 1 gives", function()
    local one = q.open(case[2], { quiet = true, jobs = 1, gazetteer = "corpus/gazetteer.tsv" })
    local want = snapshot(one)
    for _, j in ipairs { 2, 3, 8 } do
      local c = q.open(case[2], { quiet = true, jobs = j, gazetteer = "corpus/gazetteer.tsv" })
      same(snapshot(c), want, j .. " threads")
      T.eq(c:warnings(), one:warnings(), "warnings")
      T.eq(c:freq { by = "lower" }, one:freq { by = "lower" }, "freq")
    end
  end)
end

T.test("the cut run is warned of once, at its place", function()
  local c = q.open(dir, { quiet = true, jobs = 2 })
  local w = c:warnings()
  T.eq(#w, 1)
  assert(w[1]:find("a%-long%.txt:15000:") and w[1]:find("no white space"), w[1])
end)

T.test("an index made on 2 threads is the index made on 1, byte for byte", function()
  local a, b = dir .. "/../one.qidx", dir .. "/../two.qidx"
  q.index(bbc_path, a, { jobs = 1, gazetteer = "corpus/gazetteer.tsv" })
  q.index(bbc_path, b, { jobs = 2, gazetteer = "corpus/gazetteer.tsv" })
  T.eq(read(a) == read(b), true, "same bytes")
end)

T.test("a corpus annotated again on threads is the one annotated once", function()
  local seg = q.segmenter()
  seg:add_abbreviation("Pyongyang.")
  local c = q.open(dir, { quiet = true, jobs = 2, learn_abbreviations = true, segmenter = seg })
  local one = q.open(dir, { quiet = true, jobs = 1, learn_abbreviations = true, segmenter = seg })
  same(snapshot(c), snapshot(one), "reannotated")
end)

T.test("a large text is checked for NUL and invalid UTF-8 on threads as on one", function()
  -- past 16 MiB a text is scanned in parts, one per thread, each cut where
  -- no sequence is under way: lines of two-byte letters put the cuts
  -- inside sequences, where a part cut there would find two invalid ones
  local body = string.rep(string.rep("\xC3\xA9", 40) .. "\n", 260000)
  local bad = T.tmpfile("Caf\xE9 one.\n" .. body .. "Late \xFF byte.\n", "big-latin.txt")
  local nul = T.tmpfile(body .. "x\0y\n" .. body .. "z\0\n", "big-nul.txt")
  local one = q.open(bad, { quiet = true, jobs = 1, gazetteer = false })
  local want = one:warnings()
  T.eq(#want, 1)
  assert(want[1]:find("big-latin.txt:1:4: invalid UTF-8 (2 invalid sequence(s) in the file)", 1, true), want[1])
  for _, j in ipairs { 2, 3, 8 } do
    T.eq(q.open(bad, { quiet = true, jobs = j, gazetteer = false }):warnings(), want, j .. " threads")
  end
  local _, e1 = pcall(q.open, nul, { quiet = true, jobs = 1, gazetteer = false })
  assert(e1:find("big-nul.txt:260001:2: NUL byte", 1, true), e1)
  for _, j in ipairs { 2, 3, 8 } do
    local _, e = pcall(q.open, nul, { quiet = true, jobs = j, gazetteer = false })
    T.eq(e, e1, j .. " threads")
    -- an index build reads the text a step at a time, its pages let go
    local _, ie = pcall(q.index, nul, dir .. "/../nul.qidx", { jobs = j, gazetteer = false })
    assert(ie:find("big-nul.txt:260001:2: NUL byte", 1, true), ie)
  end
end)

T.test("jobs is checked", function()
  T.raises(function() q.open("corpus", { jobs = -1 }) end, "option 'jobs' to 'open' must be at least 0")
  T.raises(function() q.open("corpus", { jobs = "all" }) end, "option 'jobs' to 'open' must be an integer")
end)
