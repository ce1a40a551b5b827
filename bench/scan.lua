-- bench/scan.lua — a corpus read with a big gazetteer: the time to load the
-- gazetteer, and to tokenize, split and look up the whole text.
--
--   quarry run bench/scan.lua -- TEXT GAZETTEER
local text, gaz = ...
local clock = os.clock
local t0 = clock()
local g = quarry.gazetteer(gaz)
local t1 = clock()
local c = quarry.open(text, { gazetteer = g, quiet = true })
local t2 = clock()
local s = c:stats()
local mb = s.bytes / 1e6
print(string.format("%-34s %8.1f ms  (%d entries)", "load the gazetteer", (t1 - t0) * 1e3, #g))
print(string.format("%-34s %8.2f s  %7.1f MB/s  (%d tokens, %d mentions)",
                    "tokenize + split + look up", t2 - t1, mb / (t2 - t1), s.tokens, s.entities))
