-- bench/scan.lua — a corpus read with a big gazetteer: the time to load the
-- gazetteer, and to tokenize, split and look up the whole text, beside the
-- same corpus read with the gazetteer's names only (no names guessed), with
-- no gazetteer (what the look-up itself adds) and with the world gazetteer,
-- the default of a corpus without one. Each
-- is the best of ROUNDS runs (default 2), taken in turn: the machines are
-- shared and noisy.
--
--   quarry run bench/scan.lua -- TEXT GAZETTEER [ROUNDS]
local text, gaz, rounds = ...
rounds = tonumber(rounds) or 2
local clock = os.clock
local t0 = clock()
local g = quarry.gazetteer(gaz)
local load = clock() - t0

local function timed(opts)
  local t = clock()
  local c = quarry.open(text, opts)
  t = clock() - t
  local s = c:stats()
  c = nil
  collectgarbage()
  return t, s
end

local with, known, without, world, s, ks, ws = math.huge, math.huge, math.huge, math.huge
for _ = 1, rounds do
  local t
  t, s = timed({ gazetteer = g, quiet = true, jobs = 1 })
  with = math.min(with, t)
  -- the gazetteer's names only (--known-only): the look-up itself
  t, ks = timed({ gazetteer = g, quiet = true, jobs = 1, guess = false })
  known = math.min(known, t)
  without = math.min(without, (timed({ gazetteer = false, quiet = true, jobs = 1 })))
  -- the default of a corpus without a gazetteer of its own
  t, ws = timed({ quiet = true, jobs = 1 })
  world = math.min(world, t)
end
local mb = s.bytes / 1e6
print(string.format("%-34s %8.1f ms  (%d entries)", "load the gazetteer", load * 1e3, #g))
print(string.format("%-34s %8.2f s  %7.1f MB/s  (%d tokens, %d mentions)",
                    "tokenize + split + look up", with, mb / with, s.tokens, s.entities))
print(string.format("%-34s %8.2f s  %7.1f MB/s  (%d mentions; no names guessed)",
                    "... the gazetteer's names only", known, mb / known, ks.entities))
print(string.format("%-34s %8.2f s  %7.1f MB/s  (the look-up adds %.0f%%, the guessing %.1f%%)",
                    "tokenize + split, no gazetteer", without, mb / without,
                    (known / without - 1) * 100, (with / known - 1) * 100))
-- issue 21's measure: how far the scan's speed (MB/s) falls when names
-- are guessed, against the gazetteer's names only
print(string.format("%-34s %8.1f %%  (target <= 10 %%: %.1f against %.1f MB/s)",
                    "the scan's speed falls, guessing", (1 - known / with) * 100, mb / with, mb / known))
print(string.format("%-34s %8.2f s  %7.1f MB/s  (%d mentions; it adds %.0f%%)",
                    "... with the world gazetteer", world, mb / world, ws.entities,
                    (world / without - 1) * 100))
