-- growth_test.lua — no quadratic paths: each case does the same work on an
-- input of size n and of size 8n and checks that the time grows by less than
-- 20 times (a linear path grows 8 times, n log n about 10, a quadratic one
-- 64). This is a test of how work grows, not of speed: the times are CPU
-- times (os.clock), the best of two runs, and an 8n run under 50 ms passes
-- whatever its ratio (too short to tell growth from noise). Sizes are set so
-- that n takes a few milliseconds here; `make sanitize` runs it too, slower
-- but alike in growth.
local T = require "testlib"
local q = require "quarry"

local LIMIT, FLOOR = 20, 0.05

local function best_of_two(run)
  local best = math.huge
  for _ = 1, 2 do
    collectgarbage()
    local t = os.clock()
    run()
    t = os.clock() - t
    if t < best then best = t end
  end
  return best
end

-- setup(n) returns a function that does the work for size n.
local function grows_linearly(name, n, setup)
  T.test(name, function()
    local small, big = setup(n), setup(8 * n)
    local t1, t8 = best_of_two(small), best_of_two(big)
    print(string.format("# n = %d: %.1f ms, 8n: %.1f ms (%.1fx)", n, t1 * 1000, t8 * 1000,
                        t8 / math.max(t1, 1e-6)))
    if t8 >= FLOOR and t8 > LIMIT * t1 then
      error(string.format("8 times the input took %.1f times as long", t8 / t1))
    end
  end)
end

local function file(bytes, suffix) return T.tmpfile(bytes, "f" .. suffix) end

local function lines(n, fmt)
  local t = {}
  for i = 1, n do t[i] = fmt:gsub("%%d", tostring(i)) end
  return table.concat(t)
end

-- ---- gazetteers ----------------------------------------------------------

-- before: 20,000 entries 0.57 s, 160,000 36 s (each new record walked the
-- name's list twice)
grows_linearly("entries that share one name load in linear time", 10000, function(n)
  local path = file(lines(n, "p%d\tPERSON\tJohn Smith\n"), ".tsv")
  return function() q.gazetteer(path) end
end)

-- before: every name compared with every earlier name of the entry
grows_linearly("one entry with many names loads in linear time", 10000, function(n)
  local names = {}
  for i = 1, n do names[i] = "Name" .. i end
  local path = file("p\tPERSON\tJohn\t" .. table.concat(names, " | ") .. "\n", ".tsv")
  return function() q.gazetteer(path) end
end)

-- before: each add to an existing entry, and each remove, visited every node
grows_linearly("names added to existing entries one by one", 2000, function(n)
  return function()
    local g = q.gazetteer()
    for i = 1, n do g:add("p" .. i, "PERSON", { "Person Number" .. i }) end
    for i = 1, n do g:add("p" .. i, "PERSON", { "P. Number" .. i }) end
  end
end)

grows_linearly("entries removed one by one", 2000, function(n)
  return function()
    local g = q.gazetteer()
    for i = 1, n do g:add("p" .. i, "PERSON", { "Person Number" .. i }) end
    for i = 1, n do g:remove("p" .. i) end
  end
end)

-- ---- matching --------------------------------------------------------------

-- before: each mention walked the 1,000 entries of its name
grows_linearly("a name that 1,000 entries share, mentioned often", 2000, function(n)
  local g = q.gazetteer()
  for i = 1, 1000 do g:add("p" .. i, "PERSON", { "John Smith" }) end
  local path = file(("John Smith spoke. "):rep(n), ".txt")
  return function() q.open(path, { gazetteer = g, quiet = true }):entities() end
end)

-- before: each person named in full walked the surname's chain of people
local function name_of(i)
  local s = ""
  repeat
    s = s .. string.char(97 + i % 26)
    i = i // 26
  until i == 0
  return "Jo" .. s
end
grows_linearly("people who share a surname, in one text", 2000, function(n)
  local g, text = q.gazetteer(), {}
  for i = 1, n do
    g:add("p" .. i, "PERSON", { name_of(i) .. " Smith" })
    text[i] = name_of(i) .. " Smith met Smith."
  end
  local path = file(table.concat(text, " "), ".txt")
  return function() q.open(path, { gazetteer = g, quiet = true }) end
end)

grows_linearly("many documents that name one entity", 5000, function(n)
  local path = file(lines(n, '{"id":"d%d","text":"Kim Jong Un met him."}\n'), ".jsonl")
  local g = q.gazetteer()
  g:add("kim", "PERSON", { "Kim Jong Un" })
  return function()
    local c = q.open(path, { gazetteer = g, quiet = true })
    c:kwic({ entity = "kim" })
    c:entities()
    c:freq{ kind = "entity" }
  end
end)

-- ---- text --------------------------------------------------------------------

grows_linearly("one sentence of many words", 20000, function(n)
  local path = file(lines(n, "word%d and "), ".txt")
  return function() q.open(path, { gazetteer = false, quiet = true }) end
end)

grows_linearly("one token repeated", 50000, function(n)
  local path = file(("the "):rep(n), ".txt")
  return function()
    local c = q.open(path, { gazetteer = false, quiet = true })
    c:freq{}
    c:kwic("the", { limit = 10 })
  end
end)

grows_linearly("a sentence of capitalised words, for candidates", 10000, function(n)
  local path = file(lines(n, "Alpha%d ") .. ".", ".txt")
  return function() q.open(path, { gazetteer = false, quiet = true }):candidates() end
end)

grows_linearly("brackets nested deep", 50000, function(n)
  local path = file(("("):rep(n) .. "x" .. (")"):rep(n), ".txt")
  return function() q.open(path, { gazetteer = false, quiet = true }) end
end)

grows_linearly("a storm of punctuation", 50000, function(n)
  local path = file(("!?.,;"):rep(n // 5), ".txt")
  return function() q.open(path, { gazetteer = false, quiet = true }) end
end)
