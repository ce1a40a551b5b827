-- bench/colloc.lua — how fast collocations, dispersion and entity
-- co-occurrence are on a large text (bench/run gives it english100.txt,
-- about 20 M tokens, and the sample corpus's gazetteer).
--
--   quarry run bench/colloc.lua -- TEXT [GAZETTEER]
--
-- Each figure is the median of 5 calls after one call that warms up (the
-- postings index is built on the first use, and the node's query compiled);
-- CPU time (os.clock), as the machine is shared.
local path, gaz = ...
local c = quarry.open(path, { gazetteer = gaz or false, quiet = true })
local s = c:stats()
print(string.format("corpus: %d tokens, %d sentences, %d mentions", s.tokens, s.sentences,
                    s.entities))

local timing = require "bench.timing"
local function median(fn) return timing(fn, 5) end

local function line(what, ms, note)
  print(string.format("%-52s %8.2f ms  %s", what, ms, note or ""))
end

local node = c:query("government")
local ms, rows = median(function() return c:collocates(node, { window = 3 }) end)
line('c:collocates(matches of "government", {window = 3})', ms,
     string.format("(%d hits, %d collocates, W = %d)", rows.f_node, #rows, rows.window))
ms = median(function() return c:collocates("government", { window = 3 }) end)
line('c:collocates("government", {window = 3})', ms, "(with the search)")
ms, rows = median(function() return c:collocates(node, { window = 3, by = "word" }) end)
line('... {window = 3, by = "word"}', ms, string.format("(%d collocates)", #rows))
ms, rows = median(function() return c:collocates(node, { window = 3, within = "d", min = 1 }) end)
line('... {window = 3, within = "d", min = 1}', ms, string.format("(%d collocates)", #rows))
local the = c:query("the")
ms, rows = median(function() return c:collocates(the, { window = 3 }) end)
line('c:collocates(matches of "the", {window = 3})', ms,
     string.format("(%d hits, %d collocates)", rows.f_node, #rows))
local d
ms, d = median(function() return c:dispersion(node) end)
line('c:dispersion(matches of "government")', ms,
     string.format("(%d parts, D = %s, DP = %s)", #d.parts, tostring(d.juilland_d), tostring(d.dp)))
if gaz then
  -- the corpus's entities (the gazetteer's and the guessed names) are numbered
  -- the first time a query by entity asks: a pass over the mentions, once
  local t0 = os.clock()
  c:entity("")
  local first = (os.clock() - t0) * 1000
  local guessed = 0
  for _, r in ipairs(c:freq{ by = "id" }) do guessed = guessed + (r.known and 0 or 1) end
  line("the entities numbered, on first use", first,
       string.format("(%d mentions; %d guessed entities)", s.entities, guessed))
  ms, rows = median(function() return c:freq{ by = "id" } end)
  line('c:freq{by = "id"}', ms, string.format("(%d entities)", #rows))
  -- (the text is one document of 100 books: its 20,000 entities would make
  -- 200 million pairs, past QR_COOC_MAX_PAIRS; in it, one type)
  for _, opts in ipairs({ { within = "s" }, { within = "p" }, { within = "d", type = "GPE" } }) do
    ms, rows = median(function() return c:cooccurrences(opts) end)
    line(string.format('c:cooccurrences{within = "%s"%s}', opts.within,
                       opts.type and string.format(', type = "%s"', opts.type) or ""), ms,
         string.format("(%d pairs in %d units)", #rows, rows.units))
  end
  ms = median(function() return c:cooccurrences{ within = "s", top = 10 } end)
  line('c:cooccurrences{within = "s", top = 10}', ms, "(the C part: few rows to make)")
end
