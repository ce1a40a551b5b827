-- bench/load.lua — how fast quarry.open loads, tokenizes, interns and finds
-- entities, and how fast a frequency list and a KWIC are on the result.
local path, gaz = ...
local clock = os.clock
local t0 = clock()
local c = quarry.open(path, { gazetteer = gaz, quiet = true, jobs = 1 })   -- one core (bench/scale.lua has all)
local t1 = clock()
local s = c:stats()
local mb = s.bytes / 1e6
print(string.format("quarry.open             %6.2f s  %7.1f MB/s  (%d docs, %d tokens, %d mentions)",
                    t1 - t0, mb / (t1 - t0), s.docs, s.tokens, s.entities))
local t2 = clock()
local f = c:freq{ kind = "all" }
local t3 = clock()
print(string.format("corpus:freq (all kinds) %6.3f s  %7.1f M tokens/s  (%d forms)",
                    t3 - t2, s.tokens / 1e6 / (t3 - t2), #f))
local t4 = clock()
local k = c:kwic("the government")
local t5 = clock()
print(string.format("corpus:kwic (2 words)   %6.3f s  (%d hits)", t5 - t4, #k))
local n, t6 = 0, clock()
for d in c:docs() do
  for t in d:tokens() do
    if t.kind == "word" then n = n + 1 end
  end
end
local t7 = clock()
print(string.format("a Lua loop over tokens  %6.2f s  %7.1f M tokens/s", t7 - t6,
                    s.tokens / 1e6 / (t7 - t6)))
-- the same count, and a frequency list like corpus:freq's, over columns of
-- integers (c:columns): how near a Lua loop gets to C
local WORD, n2, t8 = quarry.kinds.word, 0, clock()
for _, cnt, kind in c:columns { "kind" } do
  for i = 1, cnt do if kind[i] == WORD then n2 = n2 + 1 end end
end
local t9 = clock()
assert(n2 == n, "the two loops disagree")
print(string.format("a Lua loop over columns %6.2f s  %7.1f M tokens/s", t9 - t8,
                    s.tokens / 1e6 / (t9 - t8)))
local counts, t10 = {}, clock()
for _, cnt, lower in c:columns { "lower" } do
  for i = 1, cnt do
    local id = lower[i] + 1
    counts[id] = (counts[id] or 0) + 1
  end
end
local t11 = clock()
print(string.format("a Lua frequency list    %6.2f s  %7.1f M tokens/s  (%.1fx corpus:freq's time)",
                    t11 - t10, s.tokens / 1e6 / (t11 - t10), (t11 - t10) / (t3 - t2)))
print(string.format("annotation memory       %6.1f MB  (%.0f bytes per token)",
                    s.memory / 1e6, s.memory / s.tokens))
