-- core_test.lua — the core pack's reports on tests/corpus/towns.jsonl: six
-- short articles, three about a harbour (source "north") and three about
-- a market (source "south"), small enough that every count below was
-- made by hand from the text.
local CORPUS = "tests/corpus/towns.jsonl"

local function column(rows, name)
  local out = {}
  for i, r in ipairs(rows) do out[i] = r[name] end
  return out
end

local function fails(fn, text)
  local good, err = pcall(fn)
  ok(not good, "expected an error")
  ok(tostring(err):find(text, 1, true), "error '" .. tostring(err) .. "' lacks '" .. text .. "'")
end

test("wordlist: folded words, most frequent first", function()
  local t = run_report("wordlist", CORPUS, { top = 3 })
  eq(#t, 1)
  eq(t[1].columns, { "rank", "lower", "count", "docs", "per_million" })
  eq(column(t[1].rows, "lower"), { "the", "harbour", "market" })
  eq(column(t[1].rows, "count"), { 19, 6, 5 })
  eq(column(t[1].rows, "docs"), { 6, 3, 3 })
  eq(column(t[1].rows, "rank"), { 1, 2, 3 })
end)

test("wordlist: fold=false keeps The apart from the; min leaves rare words out", function()
  local t = run_report("wordlist", CORPUS, { fold = false, top = 2 })
  eq(column(t[1].rows, "word"), { "the", "The" })
  eq(column(t[1].rows, "count"), { 12, 7 })
  t = run_report("wordlist", CORPUS, { min = 4, top = 0 })
  eq(column(t[1].rows, "count"), { 19, 6, 5, 4, 4, 4 })
end)

test("ngrams: bigrams within sentences", function()
  local t = run_report("ngrams", CORPUS, { top = 2 })
  eq(column(t[1].rows, "ngram"), { "the harbour", "the market" })
  eq(column(t[1].rows, "count"), { 5, 4 })
  -- min is 2 by default: no trigram of this corpus occurs twice
  t = run_report("ngrams", CORPUS, { n = 3 })
  eq(#t[1].rows, 0)
  t = run_report("ngrams", CORPUS, { n = 3, min = 1, top = 0 })
  local found
  for _, r in ipairs(t[1].rows) do if r.ngram == "the harbour master" then found = r end end
  ok(found, "the harbour master is a trigram")
  eq(found.count, 1)
end)

test("kwic: every match, in corpus order, cut at the limit", function()
  local t = run_report("kwic", CORPUS, { query = "harbour", limit = 0 })
  eq(#t[1].rows, 6)
  eq(column(t[1].rows, "doc"), { "harbour-1", "harbour-1", "harbour-2", "harbour-2", "harbour-3", "harbour-3" })
  eq(t[1].rows[1].right, "opened at dawn. The fishing")
  t = run_report("kwic", CORPUS, { query = "harbour master", limit = 1 })
  eq(#t[1].rows, 1)
  eq(t[1].rows[1].match, "harbour master")
  fails(function() run_report("kwic", CORPUS, {}) end, "the kwic report needs a query")
end)

test("kwic: sorted by the word after the match", function()
  local t = run_report("kwic", CORPUS, { query = "market", sort = "right1", limit = 0 })
  local after = {}
  for i, r in ipairs(t[1].rows) do after[i] = r.right:match("^(%S+)") end
  -- "The market sold", "at the market rose", "to the market.", "The market
  -- was", "A new market hall"
  eq(after, { ".", "hall", "rose", "sold", "was" })
end)

test("collocates: the neighbours of harbour", function()
  local t = run_report("collocates", CORPUS, { query = "harbour", window = 3 })
  local master
  for _, r in ipairs(t[1].rows) do if r.collocate == "master" then master = r end end
  ok(master, "master is a collocate")
  eq(master.observed, 2)
  eq(master.f_collocate, 2)
  eq(t[1].columns[5], "logdice")
  t = run_report("collocates", CORPUS, { query = "harbour", window = 3, measure = "mi" })
  eq(t[1].columns[5], "mi")
  for i = 2, #t[1].rows do ok(t[1].rows[i - 1].mi >= t[1].rows[i].mi, "sorted by mi") end
end)

test("keyness: the north's articles against the south's, by metadata or by id", function()
  local t = run_report("keyness", CORPUS, { meta = "source=north", top = 3 })
  eq(column(t[1].rows, "item"), { "harbour", "boats", "fishing" })
  eq(column(t[1].rows, "f_target"), { 6, 4, 4 })
  eq(column(t[1].rows, "f_ref"), { 0, 0, 0 })
  local byid = run_report("keyness", CORPUS, { docs = "harbour-?", top = 3 })
  eq(byid[1].rows, t[1].rows)
  t = run_report("keyness", CORPUS, { docs = "market-*", measure = "log_ratio", top = 1 })
  eq(t[1].rows[1].item, "market")
  t = run_report("keyness", CORPUS, { meta = "source=north", direction = "-", top = 0 })
  for _, r in ipairs(t[1].rows) do eq(r.direction, "-") end
  eq(t[1].rows[1].item, "market")
end)

test("keyness: a target must have documents and leave some out", function()
  fails(function() run_report("keyness", CORPUS, {}) end, "the keyness report needs a target")
  fails(function() run_report("keyness", CORPUS, { docs = "nothing-*" }) end,
        "no document of the corpus is in the target")
  fails(function() run_report("keyness", CORPUS, { docs = "*" }) end,
        "every document of the corpus is in the target")
  fails(function() run_report("keyness", CORPUS, { meta = "north" }) end, "bad metadata condition 'north'")
end)

test("dispersion: the measures, every position, the parts", function()
  local t = run_report("dispersion", CORPUS, { query = "the" })
  eq(#t, 3)
  eq(t[1].rows[1].count, 19)
  eq(t[1].rows[1].range, 6)
  eq(t[1].rows[1].parts, 6)
  eq(#t[2].rows, 19, "every position, whatever the table's limit")
  eq(t[2].rows[1].doc, "harbour-1")
  eq(t[2].rows[1].relative, 0.0)
  eq(column(t[3].rows, "count"), { 4, 4, 3, 4, 2, 2 })
  t = run_report("dispersion", CORPUS, { query = "harbour" })
  eq(t[1].rows[1].range, 3)
  eq(column(t[3].rows, "count"), { 2, 2, 2, 0, 0, 0 })
end)
