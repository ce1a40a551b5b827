-- colloc_test.lua — c:collocates, c:dispersion, c:cooccurrences and
-- quarry.cooccurrences: the API, the options, the forms a node takes, and
-- the sample corpus's figures against independent counts written here as
-- plain loops over doc:tokens() and doc:entities().
local T = require "testlib"
local q = require "quarry"

local c = q.open("corpus/", { quiet = true, guess = false })

local function close(a, b) return math.abs(a - b) <= 1e-9 * math.max(1, math.abs(b)) end

-- The words of every document: {fold, sentence} per word token, in order,
-- and the count of every fold among all tokens.
local words, folds, nwords = {}, {}, 0
for d in c:docs() do
  local list = {}
  for t in d:tokens() do
    folds[t.fold] = (folds[t.fold] or 0) + 1
    if t.kind == "word" then list[#list + 1] = { fold = t.fold, sentence = t.sentence } end
  end
  words[#words + 1] = list
  nwords = nwords + #list
end

-- The collocates of a word by an independent count: up to w words each side
-- within the sentence, every node occurrence counted.
local function count_collocates(node, w, docs)
  local obs, window, f_node, n = {}, 0, 0, 0
  for i, list in ipairs(words) do
    if not docs or docs[i] then
      n = n + #list
      for k, x in ipairs(list) do
        if x.fold == node then
          f_node = f_node + 1
          for _, dir in ipairs({ -1, 1 }) do
            local j, taken = k + dir, 0
            while taken < w and list[j] and list[j].sentence == x.sentence do
              obs[list[j].fold] = (obs[list[j].fold] or 0) + 1
              taken = taken + 1
              j = j + dir
            end
            window = window + taken
          end
        end
      end
    end
  end
  return obs, window, f_node, n
end

T.test("collocates: rows, columns and the totals", function()
  local rows = c:collocates("putin")
  T.eq(rows.columns, { "collocate", "observed", "expected", "f_node", "f_collocate", "mi", "mi3",
                       "t", "z", "ll", "dice", "logdice", "log_ratio" })
  T.eq(rows.f_node, 49)
  T.eq(rows.tokens, nwords)
  assert(#rows > 10)
  for i, r in ipairs(rows) do
    assert(r.observed >= 2, "min defaults to 2")
    T.eq(r.f_node, 49)
    if i > 1 then assert(rows[i - 1].logdice >= r.logdice, "sorted by logdice") end
    for _, k in ipairs(rows.columns) do assert(r[k] ~= nil, k) end
  end
end)

T.test("collocates of a word on the sample corpus, against an independent count", function()
  local obs, window, f_node, n = count_collocates("putin", 3)
  local rows = c:collocates("putin", { window = 3, min = 1 })
  T.eq({ rows.f_node, rows.window, rows.tokens }, { f_node, window, n })
  local seen = 0
  for _, r in ipairs(rows) do
    seen = seen + 1
    T.eq(r.observed, obs[r.collocate], r.collocate)
    T.eq(r.f_collocate, folds[r.collocate], r.collocate)
    local e = r.f_collocate * window / n
    assert(close(r.expected, e), r.collocate)
    assert(close(r.mi, math.log(r.observed / e, 2)), r.collocate)
    assert(close(r.t, (r.observed - e) / math.sqrt(r.observed)), r.collocate)
    assert(close(r.logdice, 14 + math.log(2 * r.observed / (f_node + r.f_collocate), 2)))
  end
  local distinct = 0
  for _ in pairs(obs) do distinct = distinct + 1 end
  T.eq(seen, distinct)
end)

T.test("collocates: window, top, min, min_freq and sort", function()
  local rows = c:collocates("putin", { window = { left = 1, right = 0 }, min = 1 })
  local obs = {}
  for _, list in ipairs(words) do
    for k, x in ipairs(list) do
      local p = list[k - 1]
      if x.fold == "putin" and p and p.sentence == x.sentence then obs[p.fold] = (obs[p.fold] or 0) + 1 end
    end
  end
  for _, r in ipairs(rows) do T.eq(r.observed, obs[r.collocate], r.collocate) end
  T.eq(rows[1].collocate, "vladimir")
  T.eq(#c:collocates("putin", { top = 3 }), 3)
  for _, r in ipairs(c:collocates("putin", { min = 5 })) do assert(r.observed >= 5) end
  for _, r in ipairs(c:collocates("putin", { min_freq = 20 })) do assert(r.f_collocate >= 20) end
  local by_mi = c:collocates("putin", { sort = "mi" })
  for i = 2, #by_mi do assert(by_mi[i - 1].mi >= by_mi[i].mi) end
  local by_o = c:collocates("putin", { sort = "observed", top = 1 })
  T.eq(by_o[1].collocate, "'s")   -- Putin's
  T.eq(#c:collocates("putin", { window = 0 }), 0)
end)

T.test("collocates: what a node can be", function()
  local word = c:collocates("missile", { min = 1 })
  local query = c:collocates('[lower="missile"]', { min = 1 })
  local matches = c:collocates(c:query("missile"), { min = 1 })
  T.eq(query, word)
  T.eq(matches, word)
  local phrase = c:collocates("North Korea", { window = 1, min = 1, sort = "observed" })
  T.eq(phrase.f_node, #c:query("North Korea"))
  for _, r in ipairs(phrase) do assert(r.collocate ~= "korea" or r.observed < phrase.f_node) end
  local kim = c:collocates({ entity = "kim-jong-un" }, { min = 1 })
  T.eq(kim.f_node, 18)
  local none = c:collocates("no such word anywhere")
  T.eq({ #none, none.f_node, none.window }, { 0, 0, 0 })
end)

T.test("collocates by entity, by type, by word form, and within the document", function()
  local ids = c:collocates("Putin", { by = "id", window = 5, min = 2 })
  assert(#ids > 0)
  for _, r in ipairs(ids) do
    assert(c:gazetteer():entry(r.collocate), r.collocate)
    T.eq(r.name, c:gazetteer():entry(r.collocate).name)
    assert(r.type)
  end
  local types = c:collocates("Putin", { by = "ent", window = 5, min = 1 })
  for _, r in ipairs(types) do assert(r.collocate:match("^%u+$"), r.collocate) end
  local forms = c:collocates("putin", { by = "word", window = 1, min = 1 })
  local vladimir
  for _, r in ipairs(forms) do if r.collocate == "Vladimir" then vladimir = r end end
  assert(vladimir, "Vladimir as written")
  local in_doc = c:collocates("putin", { within = "d", min = 1 })
  local in_s = c:collocates("putin", { within = "s", min = 1 })
  assert(in_doc.window > in_s.window)
  assert(c:collocates("putin", { within = "p", min = 1 }).window >= in_s.window)
end)

T.test("collocates in a subcorpus", function()
  local s = c:subcorpus{ 1, 2 }
  local obs, window, f_node, n = count_collocates("putin", 3, { true, true })
  local rows = c:collocates("putin", { subcorpus = s, min = 1 })
  T.eq({ rows.f_node, rows.window, rows.tokens }, { f_node, window, n })
  for _, r in ipairs(rows) do T.eq(r.observed, obs[r.collocate], r.collocate) end
  local rest = c:collocates("putin", { subcorpus = s:complement(), min = 1 })
  T.eq(rows.f_node + rest.f_node, 49)
end)

T.test("collocates: options are checked", function()
  T.raises(function() c:collocates("putin", { windw = 3 }) end,
           "unknown option 'windw' to 'collocates'")
  T.raises(function() c:collocates("putin", { window = "3" }) end,
           "option 'window' to 'collocates' must be an integer or {left =, right =} (got string)")
  T.raises(function() c:collocates("putin", { window = -1 }) end, "option 'window' to 'collocates'")
  T.raises(function() c:collocates("putin", { window = { lft = 2 } }) end,
           "unknown key 'lft' in option 'window' to 'collocates'")
  T.raises(function() c:collocates("putin", { window = { left = "a" } }) end,
           "option 'window' to 'collocates': left must be an integer")
  T.raises(function() c:collocates("putin", { within = "x" }) end,
           "option 'within' to 'collocates' must be one of s, p, d")
  T.raises(function() c:collocates("putin", { by = "pos" }) end, "option 'by' to 'collocates'")
  T.raises(function() c:collocates("putin", { sort = "pmi" }) end, "option 'sort' to 'collocates'")
  T.raises(function() c:collocates("putin", { kind = "verb" }) end, "bad kind 'verb'")
  T.raises(function() c:collocates("putin", { min = 0 }) end,
           "option 'min' to 'collocates' must be at least 1")
  T.raises(function() c:collocates("putin", { top = "all" }) end, "option 'top' to 'collocates'")
  T.raises(function() c:collocates("putin", { subcorpus = {} }) end, "option 'subcorpus'")
  T.raises(function() c:collocates("putin", 3) end, "bad argument #2 to 'collocates'")
  T.raises(function() c:collocates() end, "bad argument #1 to 'collocates'")
  T.raises(function() c:collocates("[lower=") end, "column 8")
end)

-- ---- dispersion ---------------------------------------------------------------------

T.test("dispersion on the sample corpus, against an independent count", function()
  local d = c:dispersion("putin")
  local counts, sizes, total, count = {}, {}, 0, 0
  for i, list in ipairs(words) do
    counts[i], sizes[i] = 0, #list
    for _, x in ipairs(list) do if x.fold == "putin" then counts[i] = counts[i] + 1 end end
    total, count = total + #list, count + counts[i]
  end
  T.eq({ d.count, d.tokens, d.range, #d.parts, #d.positions }, { count, total, 5, 5, count })
  T.eq(d.parts.columns, { "doc", "tokens", "count", "per_million" })
  T.eq(d.positions.columns, { "doc", "first", "relative" })
  local mean, rel = 0, {}
  for i, p in ipairs(d.parts) do
    T.eq({ p.doc, p.tokens, p.count }, { c:doc(i).id, sizes[i], counts[i] })
    assert(close(p.per_million, counts[i] / sizes[i] * 1e6))
    rel[i] = counts[i] / sizes[i]
    mean = mean + rel[i] / 5
  end
  local ss, dp, min_s = 0, 0, 1
  for i = 1, 5 do
    ss = ss + (rel[i] - mean) ^ 2
    dp = dp + math.abs(counts[i] / count - sizes[i] / total)
    min_s = math.min(min_s, sizes[i] / total)
  end
  assert(close(d.juilland_d, 1 - math.sqrt(ss / 5) / mean / math.sqrt(4)))
  assert(close(d.dp, dp / 2))
  assert(close(d.dp_norm, dp / 2 / (1 - min_s)))
  local m = c:query("putin")
  for i, p in ipairs(d.positions) do
    T.eq({ p.doc, p.first }, { m[i].doc, m[i].first })
    assert(p.relative >= 0 and p.relative <= 1)
  end
end)

T.test("dispersion in a subcorpus, and with one part", function()
  local d = c:dispersion({ entity = "kim-jong-un" }, { subcorpus = c:subcorpus{ 1, 2, 3 } })
  T.eq(#d.parts, 3)
  assert(d.juilland_d and d.dp)
  local one = c:dispersion("putin", { subcorpus = c:subcorpus{ 2 } })
  T.eq({ #one.parts, one.juilland_d, one.dp, one.dp_norm }, { 1, nil, nil, nil })
  T.eq(one.count, one.parts[1].count)
  local none = c:dispersion("no such word anywhere")
  T.eq({ none.count, none.range, none.juilland_d }, { 0, 0, nil })
  T.raises(function() c:dispersion("putin", { parts = "s" }) end,
           "option 'parts' to 'dispersion' must be one of doc")
  T.raises(function() c:dispersion("putin", { window = 3 }) end,
           "unknown option 'window' to 'dispersion'")
  T.raises(function() c:dispersion() end, "bad argument #1 to 'dispersion'")
end)

-- ---- entity co-occurrence -------------------------------------------------------------

-- Pairs of entities by an independent count: per unit ("s", "p" or "d"),
-- the distinct entities, each pair once; with the units naming each.
local function count_pairs(within)
  local pairs_seen, units_of, units = {}, {}, 0
  for d in c:docs() do
    local unit_of_sentence, u = {}, 0
    for s in d:sentences() do
      if within == "s" or (within == "p" and (s.paragraph_start or s.index == 1)) then u = u + 1 end
      unit_of_sentence[s.index] = within == "d" and 1 or u
    end
    if within == "d" then u = 1 end
    local named = {}
    for e in d:entities() do
      local k = unit_of_sentence[e.sentence]
      named[k] = named[k] or {}
      named[k][e.id] = true
    end
    for k = 1, u do
      local ids = {}
      for id in pairs(named[k] or {}) do
        ids[#ids + 1] = id
        units_of[id] = (units_of[id] or 0) + 1
      end
      table.sort(ids)
      for i = 1, #ids do
        for j = i + 1, #ids do
          local key = ids[i] .. " " .. ids[j]
          pairs_seen[key] = pairs_seen[key] or { count = 0, docs = {} }
          pairs_seen[key].count = pairs_seen[key].count + 1
          pairs_seen[key].docs[d.id] = true
        end
      end
    end
    units = units + u
  end
  return pairs_seen, units_of, units
end

T.test("co-occurrences in sentences, paragraphs and documents, against an independent count", function()
  for _, within in ipairs({ "s", "p", "d" }) do
    local want, units_of, units = count_pairs(within)
    local rows = c:cooccurrences{ within = within }
    local count_col = ({ s = "sentences", p = "paragraphs", d = "docs" })[within]
    T.eq(rows.units, units)
    local n = 0
    for _ in pairs(want) do n = n + 1 end
    T.eq(#rows, n, within)
    for i, r in ipairs(rows) do
      local w = want[r.a_id .. " " .. r.b_id]
      assert(w, r.a_id .. " " .. r.b_id)
      local docs = 0
      for _ in pairs(w.docs) do docs = docs + 1 end
      T.eq({ r[count_col], r.docs, r.f_a, r.f_b, r.units },
           { w.count, within == "d" and w.count or docs, units_of[r.a_id], units_of[r.b_id], units })
      local e = r.f_a * r.f_b / units
      assert(close(r.expected, e))
      assert(close(r.mi, math.log(r[count_col] / e, 2)))
      assert(r.a_id < r.b_id)
      if i > 1 then assert(rows[i - 1][count_col] >= r[count_col]) end
    end
  end
end)

T.test("co-occurrences: the rows of today, the columns, and quarry.cooccurrences", function()
  local rows = q.cooccurrences(c, { min = 2, top = 3 })
  T.eq(rows.columns, { "a", "b", "sentences", "docs" })
  T.eq({ rows[1].a, rows[1].b, rows[1].a_id, rows[1].b_id, rows[1].sentences, rows[1].docs },
       { "North Korea", "Russia", "north-korea", "russia", 28, 5 })
  T.eq(q.cooccurrences(c, { min = 2, top = 3 }), c:cooccurrences{ min = 2, top = 3 })
  T.eq(c:cooccurrences{ within = "p" }.columns, { "a", "b", "paragraphs", "docs" })
  T.eq(c:cooccurrences{ within = "d" }.columns, { "a", "b", "docs" })
  for _, r in ipairs(q.cooccurrences(c, { type = "PERSON" })) do
    T.eq({ c:gazetteer():entry(r.a_id).type, c:gazetteer():entry(r.b_id).type }, { "PERSON", "PERSON" })
  end
  local by_ll = c:cooccurrences{ sort = "ll", top = 5 }
  for i = 2, #by_ll do assert(by_ll[i - 1].ll >= by_ll[i].ll) end
  local sub = c:cooccurrences{ subcorpus = c:subcorpus{ 1 } }
  local doc1 = 0
  for _ in c:doc(1):sentences() do doc1 = doc1 + 1 end
  T.eq(sub.units, doc1)
  T.raises(function() q.cooccurrences(c, { min_count = 1 }) end,
           "unknown option 'min_count' to 'cooccurrences'")
  T.raises(function() c:cooccurrences{ within = "x" } end,
           "option 'within' to 'cooccurrences' must be one of s, p, d")
  T.raises(function() c:cooccurrences{ type = 3 } end, "option 'type' to 'cooccurrences'")
  T.raises(function() c:cooccurrences{ min = 0 } end, "option 'min' to 'cooccurrences'")
  T.raises(function() c:cooccurrences(5) end, "bad argument #1 to 'cooccurrences'")
end)

T.test("co-occurrences without a gazetteer", function()
  local bare = q.open("corpus/", { quiet = true, gazetteer = false })
  local rows = bare:cooccurrences()
  T.eq(#rows, 0)
  T.eq(rows.units, c:stats().sentences)
end)

-- ---- the examples of docs/statistics.md ------------------------------------------------

T.test("the examples of docs/statistics.md's last three sections print what they show", function()
  local f = assert(io.open("docs/statistics.md"))
  local page = f:read("a"):match("\n## Collocations\n.*")
  f:close()
  local n = 0
  for code, want in page:gmatch("\n```lua\n(.-)\n```\n```output\n(.-)```\n") do
    n = n + 1
    local out = {}
    local saved = report.setup { format = "table", write = function(s) out[#out + 1] = s end }
    local env = setmetatable({ print = report.print }, { __index = _G })
    local ok, err = pcall(assert(load(code, "=statistics.md example " .. n, "t", env)))
    report.finish()
    report.setup(saved)
    assert(ok, err)
    T.eq(table.concat(out), want, "example " .. n)
  end
  T.eq(n, 3)
end)
