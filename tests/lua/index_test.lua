-- index_test.lua — quarry.index, opening an index, updating it incrementally
-- when documents are added, changed or removed or the gazetteer changes, and
-- refusing a damaged one (quarry/index.h, docs/index.md).
package.path = "tests/lua/?.lua;" .. package.path
local T = require "testlib"
local q = require "quarry"

local tmpdir = T.tmpfile("", "anchor"):match("^(.*)/[^/]*$")

local read = T.read

local function write(path, bytes)
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
end

-- Everything a script can see of a corpus, as one string: documents (id,
-- title, source, metadata, text), every token's fields, sentences, mentions.
local function snapshot(c)
  local out = {}
  local function add(...) out[#out + 1] = table.concat({ ... }, "\t") end
  for d in c:docs() do
    add("doc", d.id, d.title, d.source, #d.text, q.json.encode(d.meta or {}))
    for t in d:tokens() do
      add(t.text, t.kind, t.start, t.stop, t.fold, tostring(t.space_after),
          tostring(t.newline_before))
    end
    for s in d:sentences() do add("sent", s.start, s.stop, tostring(s.headline), tostring(s.paragraph_start)) end
    for m in d:entities() do add("ment", m.id, m.type, m.start, m.stop, tostring(m.ambiguous)) end
  end
  return table.concat(out, "\n")
end

-- Compares two snapshots, naming the first line that differs.
local function same(got, want, what)
  if got == want then return end
  local lg, lw = {}, {}
  for l in (got .. "\n"):gmatch("([^\n]*)\n") do lg[#lg + 1] = l end
  for l in (want .. "\n"):gmatch("([^\n]*)\n") do lw[#lw + 1] = l end
  for i = 1, math.max(#lg, #lw) do
    if lg[i] ~= lw[i] then
      error(string.format("%s: line %d differs:\n  got  %s\n  want %s", what or "snapshot", i,
                          tostring(lg[i]), tostring(lw[i])), 2)
    end
  end
end

-- A list of numbers, for messages.
local function list(t)
  local s = {}
  for i = 1, #t do s[i] = tostring(t[i]) end
  return "{" .. table.concat(s, ", ") .. "}"
end
local function eqlist(got, want, what) T.eq(list(got), list(want), what) end

-- A copy of the sample corpus in a folder of its own.
local function corpus_copy(name)
  local dir = tmpdir .. "/" .. name
  assert(os.execute("mkdir -p '" .. dir .. "'"))
  for d in q.open("corpus", { quiet = true }):docs() do write(dir .. "/" .. d.id, d.text) end
  write(dir .. "/gazetteer.tsv", read("corpus/gazetteer.tsv"))
  return dir
end

T.test("an index opens as the corpus it was made from", function()
  local idx = tmpdir .. "/sample.qidx"
  local r = q.index("corpus", idx)
  T.eq(r.documents, 5)
  T.eq(r.updated, false)
  local loaded, mapped = q.open("corpus", { quiet = true }), q.open(idx, { quiet = true })
  T.eq(#mapped, 5)
  same(snapshot(mapped), snapshot(loaded))
  T.eq(mapped:freq { by = "lower" }, loaded:freq { by = "lower" }, "freq")
  T.eq(mapped:ngrams { n = 2 }, loaded:ngrams { n = 2 }, "ngrams")
  T.eq(#mapped:query('[lower="kim"] []'), #loaded:query('[lower="kim"] []'), "query")
  T.eq(mapped:kwic('"Putin"'), loaded:kwic('"Putin"'), "kwic")
  T.eq(mapped:collocates("Putin"), loaded:collocates("Putin"), "collocates")
  local info = mapped:index_info()
  T.eq(info.sources, 5)
  T.eq(info.stale, { added = 0, changed = 0, removed = 0 })
  assert(info.gazetteer:match("/corpus/gazetteer%.tsv$"), info.gazetteer)
  T.eq(loaded:index_info(), nil)
end)

T.test("JSON Lines documents keep their metadata and sources", function()
  local jl = T.tmpfile('{"id":"a","text":"Kim Jong Un met Putin.\\nThey spoke.","date":"2024-06-19","n":[1,2]}\n' ..
                      '{"id":"b","text":"Moscow and Pyongyang signed a pact."}\n', "docs.jsonl")
  local idx = tmpdir .. "/jsonl.qidx"
  q.index(jl, idx, { gazetteer = "corpus/gazetteer.tsv" })
  local loaded = q.open(jl, { quiet = true, gazetteer = "corpus/gazetteer.tsv" })
  local mapped = q.open(idx, { quiet = true })
  same(snapshot(mapped), snapshot(loaded))
  T.eq(mapped:doc("a").meta.date, "2024-06-19")
  T.eq(mapped:doc("a").meta.n, { 1, 2 })
end)

T.test("a changed corpus is seen as stale, and an update annotates only what changed", function()
  local dir = corpus_copy("stale")
  local idx = tmpdir .. "/stale.qidx"
  T.eq(q.index(dir, idx).documents, 5)
  local function stale() return q.open(idx, { quiet = true }):index_info().stale end
  local function fresh_equal()
    -- the updated index is byte for byte the index made from scratch
    local again = tmpdir .. "/fresh.qidx"
    os.remove(again)
    q.index(dir, again)
    T.eq(read(idx) == read(again), true, "updated index == fresh index")
  end
  T.eq(stale(), { added = 0, changed = 0, removed = 0 })
  -- added
  write(dir .. "/06-new.txt", "Kim Jong Un and Vladimir Putin met again.\n\nThe talks went on.\n")
  local s = stale()
  eqlist({ s.added, s.changed, s.removed }, { 1, 0, 0 })
  assert(s.first:find("added .*06%-new%.txt"), s.first)
  local r = q.index(dir, idx)
  eqlist({ r.updated, r.kept, r.annotated, r.removed, r.documents }, { true, 5, 1, 0, 6 })
  T.eq(stale(), { added = 0, changed = 0, removed = 0 })
  fresh_equal()
  -- changed (a new word: the lexicon grows in the middle of the corpus)
  local p = dir .. "/02-" .. q.open(dir, { quiet = true }):doc(2).id:sub(4)
  write(p, read(p) .. "\nA zyzzyva appeared in Pyongyang.\n")
  s = stale()
  eqlist({ s.added, s.changed, s.removed }, { 0, 1, 0 })
  r = q.index(dir, idx)
  eqlist({ r.kept, r.annotated, r.removed, r.documents }, { 5, 1, 0, 6 })
  fresh_equal()
  same(snapshot(q.open(idx, { quiet = true })), snapshot(q.open(dir, { quiet = true })))
  -- removed
  os.remove(dir .. "/06-new.txt")
  s = stale()
  eqlist({ s.added, s.changed, s.removed }, { 0, 0, 1 })
  r = q.index(dir, idx)
  eqlist({ r.kept, r.annotated, r.removed, r.documents }, { 5, 0, 1, 5 })
  fresh_equal()
  -- touched but unchanged: seen as changed by its time, kept by its text
  os.execute("touch -d '2001-01-01' '" .. p .. "'")
  T.eq(stale().changed, 1)
  r = q.index(dir, idx)
  eqlist({ r.kept, r.annotated }, { 5, 0 })
end)

T.test("another gazetteer: the update keeps the tokens and finds the mentions again", function()
  local dir = corpus_copy("gaz")
  local idx = tmpdir .. "/gaz.qidx"
  q.index(dir, idx)
  local small = T.tmpfile("putin\tPERSON\tPutin\nmoscow\tGPE\tMoscow\n", "small.tsv")
  -- opening with another gazetteer finds its mentions, in memory
  local c = q.open(idx, { quiet = true, gazetteer = small })
  same(snapshot(c), snapshot(q.open(dir, { quiet = true, gazetteer = small })))
  -- and the update keeps every document but matches again
  local r = q.index(dir, idx, { gazetteer = small })
  eqlist({ r.kept, r.annotated }, { 5, 0 })
  c = q.open(idx, { quiet = true })
  same(snapshot(c), snapshot(q.open(dir, { quiet = true, gazetteer = small })))
  -- (the names it lacks are guessed, known = false)
  for m in c:entities() do assert(not m.known or m.id == "putin" or m.id == "moscow", m.id) end
  -- the same gazetteer again: mentions kept, nothing matched
  r = q.index(dir, idx, { gazetteer = small })
  eqlist({ r.kept, r.annotated }, { 5, 0 })
  -- no gazetteer
  c = q.open(idx, { quiet = true, gazetteer = false })
  T.eq(#c:entities(), 0)
end)

T.test("another segmenter annotates the documents again", function()
  local idx = tmpdir .. "/sample.qidx"
  local seg = q.segmenter()
  seg:add_abbreviation("Pyongyang.")
  local mapped = q.open(idx, { quiet = true, segmenter = seg })
  local loaded = q.open("corpus", { quiet = true, segmenter = seg })
  same(snapshot(mapped), snapshot(loaded))
end)

T.test("a corpus opened from an index takes more documents", function()
  local idx = tmpdir .. "/sample.qidx"
  local mapped = q.open(idx, { quiet = true })
  local extra = T.tmpfile("Putin flew home to Moscow.\n", "extra.txt")
  local loaded = q.open({ "corpus", extra }, { quiet = true })
  -- the same documents, the extra one added by hand
  local both = q.open({ idx }, { quiet = true })
  T.eq(#both, 5)
  T.eq(#mapped, 5)
  T.eq(#loaded, 6)
end)

-- Every way of damaging the file is an error naming it, never a crash.
T.test("a truncated index is refused with a clear error", function()
  local idx = tmpdir .. "/sample.qidx"
  local bytes = read(idx)
  local cut = tmpdir .. "/cut.qidx"
  local n = 0
  for len = 0, #bytes - 1, math.max(1, #bytes // 97) do
    write(cut, bytes:sub(1, len))
    local ok, err = pcall(q.open, cut, { quiet = true })
    if len >= 8 then
      T.eq(ok, false, "open of " .. len .. " bytes")
      assert(err:find("cut.qidx", 1, true) and (err:find("cut short") or err:find("damaged")), err)
      n = n + 1
    end
  end
  assert(n > 90)
end)

T.test("a flipped byte anywhere is found: at open, or by verify", function()
  local idx = tmpdir .. "/sample.qidx"
  local bytes = read(idx)
  local bad = tmpdir .. "/bad.qidx"
  local at_open, by_verify = 0, 0
  for pos = 1, #bytes, 61 do
    local b = bytes:byte(pos)
    write(bad, bytes:sub(1, pos - 1) .. string.char(b ~ 0x5A) .. bytes:sub(pos + 1))
    local ok, err = pcall(q.open, bad, { quiet = true })
    if ok then
      ok, err = pcall(q.open, bad, { quiet = true, verify = true })
      T.eq(ok, false, "verify of a flip at " .. pos)
      by_verify = by_verify + 1
    else
      at_open = at_open + 1
    end
    assert(err:find("bad.qidx", 1, true), err)
    assert(err:find("damaged") or err:find("another version") or err:find("cut short")
           or err:find("NUL byte"), err)   -- a damaged magic: not an index, so a binary file
  end
  assert(at_open > 10 and by_verify > 10, at_open .. " at open, " .. by_verify .. " by verify")
end)

T.test("quarry.index checks its arguments", function()
  T.raises(function() q.index({}, tmpdir .. "/x.qidx") end, "the list of paths is empty")
  T.raises(function() q.index("corpus", tmpdir .. "/x.qidx", { gazeteer = 1 }) end,
           "unknown option 'gazeteer' to 'index'")
  T.raises(function() q.index(tmpdir .. "/nothing-here", tmpdir .. "/x.qidx") end, "nothing-here")
  T.raises(function() q.open(tmpdir .. "/sample.qidx", { learn_abbreviations = true }) end,
           "is an index")
end)
