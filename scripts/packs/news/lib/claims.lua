-- lib/claims.lua — numbers and dates about the same things, per source.
--
-- Each topic (data/claims.txt) is a query whose label v: marks the value; the
-- value is read by lib/numbers.lua or lib/dates.lua, and the values of the
-- sources compared: two figures agree when the ranges their hedges give
-- overlap ("nearly a quarter century" and "24 years" do; "approximately
-- 7,000" and "over 11,000" do not), dates and weekdays when they are equal.
local common = require "lib.common"
local numbers = require "lib.numbers"
local dates = require "lib.dates"

local C = {}

-- Reads the topics: {name, kind, queries} from lines "name<TAB>kind<TAB>query";
-- a topic on several lines has several queries (a label cannot be used twice
-- in one query, so "v: before the verb or v: after it" takes two lines).
function C.topics(lines)
  local out, by_name = {}, {}
  for line in lines do
    if line:find("%S") and not line:find("^%s*#") then
      local name, kind, query = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
      if not name then error("claims topics: a line is not topic<TAB>kind<TAB>query: " .. line, 0) end
      query = query:gsub("{(%u+[_%u]*)}", function(k)
        local q = dates.query[k]
        if not q then error("claims topics: unknown pattern {" .. k .. "} in " .. name, 0) end
        return q
      end)
      local t = by_name[name]
      if not t then
        t = { name = name, kind = kind, queries = {} }
        by_name[name] = t
        out[#out + 1] = t
      elseif t.kind ~= kind then
        error("claims topics: topic '" .. name .. "' has two kinds, " .. t.kind .. " and " .. kind, 0)
      end
      t.queries[#t.queries + 1] = query
    end
  end
  return out
end

-- The value of one match of a topic: {value (a string to compare and show),
-- hedge, low, high (figures), comparable (false: a weekday with no date to
-- pin it)} or nil when the text is no value of that kind.
local function value_of(kind, v, u, ref, future)
  if kind == "number" or kind == "years" then
    local n = numbers.parse(v, kind == "years" and (u or "years") or nil)
    if not n then return nil end
    return { value = tostring(math.tointeger(n.value) or n.value), hedge = n.hedge,
             shown = (n.hedge ~= "" and n.hedge .. " " or "") .. numbers.format(n.value)
                     .. (kind == "years" and " years" or ""),
             low = n.low, high = n.high, comparable = true }
  end
  local r = dates.parse(v)
  if not r then return nil end
  dates.resolve(r, ref, future)
  if r.kind == "weekday" and not r.resolved then
    local name = dates.weekdays[r.wd]:gsub("^%l", string.upper)
    local value = name .. (r.wd2 and ("/" .. dates.weekdays[r.wd2]:gsub("^%l", string.upper)) or "")
    -- weekdays compare with weekdays, not with dates
    return { value = value, hedge = "", shown = value, weekday = true,
             comparable = kind == "weekday" }
  end
  return { value = r.iso, hedge = "", shown = r.when, comparable = true }
end

-- Runs every topic over the corpus. Returns the claims (rows topic, doc,
-- value, hedge, shown, text, sentence) and per topic the verdict.
function C.compare(corpus, topics, default_date)
  local claims = {}
  local verdicts = {}
  for ti, topic in ipairs(topics) do
    local found = {}
    local all = {}
    for _, query in ipairs(topic.queries) do
      local ok, matches = pcall(corpus.query, corpus, query .. " within s", { strategy = "longest" })
      if not ok then error("claims topic '" .. topic.name .. "': " .. tostring(matches), 0) end
      for m in matches do all[#all + 1] = m end
    end
    -- a value inside another one's span ("7,000" in "approximately 7,000",
    -- found from the next start) is the same claim
    table.sort(all, function(a, b)
      local va, vb = a.captures.v or a, b.captures.v or b
      if a.doc_index ~= b.doc_index then return a.doc_index < b.doc_index end
      if va.start ~= vb.start then return va.start < vb.start end
      return va.stop > vb.stop
    end)
    local kept, last = {}, nil
    for _, m in ipairs(all) do
      local v = m.captures.v
      if v and not (last and last.doc_index == m.doc_index and v.stop <= last.stop) then
        kept[#kept + 1] = m
        last = { doc_index = m.doc_index, stop = v.stop }
      end
    end
    for _, m in ipairs(kept) do
      local v = m.captures.v
      if v then
        local doc = corpus:doc(m.doc_index)
        local s = doc:sentences()[m.sentence]
        local meta_date = type(doc.meta) == "table" and doc.meta.date or nil
        local ref = dates.reference(meta_date) or dates.reference(default_date)
        local u = m.captures.u and m.captures.u.text
        local val = value_of(topic.kind, v.text, u, ref, dates.future(s.text))
        if val then
          local row = { topic = topic.name, topic_index = ti, doc = doc.id, doc_index = m.doc_index,
                        doc_short = common.doc_short(doc), value = val.value, hedge = val.hedge,
                        shown = val.shown, text = common.squash(v.text .. (u and (" " .. u) or "")),
                        start = v.start, stop = v.stop, sentence = common.squash(s.text),
                        low = val.low, high = val.high, comparable = val.comparable }
          claims[#claims + 1] = row
          found[#found + 1] = row
        end
      end
    end
    -- the verdict: do the comparable values of different documents agree?
    -- Compared once per pair of distinct values (by what is shown), not per
    -- pair of claims: a big corpus repeats the same few values many times.
    local docs, ndocs, differ, pairs_seen = {}, 0, {}, 0
    local distinct, by_shown = {}, {}
    for _, r in ipairs(found) do
      if not docs[r.doc_index] then docs[r.doc_index] = true; ndocs = ndocs + 1 end
      if r.comparable then
        local d = by_shown[r.shown]
        if not d then
          d = { row = r, docs = {}, ndocs = 0, first_doc = r.doc_index }
          by_shown[r.shown] = d
          distinct[#distinct + 1] = d
        end
        if not d.docs[r.doc_index] then d.docs[r.doc_index] = true; d.ndocs = d.ndocs + 1 end
      end
    end
    -- two values "come from different documents" unless both come from one
    -- and the same document only
    local function different_docs(x, y)
      return x.ndocs > 1 or y.ndocs > 1 or x.first_doc ~= y.first_doc
    end
    for _, d in ipairs(distinct) do
      -- the same value given by two documents is a pair that agrees
      if d.ndocs > 1 then pairs_seen = pairs_seen + 1 end
    end
    for i = 1, #distinct do
      for j = i + 1, #distinct do
        local x, y = distinct[i], distinct[j]
        if different_docs(x, y) then
          local a, b = x.row, y.row
          pairs_seen = pairs_seen + 1
          local same
          if a.low and b.low then same = numbers.agree(a, b) else same = a.value == b.value end
          if not same then
            local k = a.shown .. " vs " .. b.shown
            if not differ[k] then differ[#differ + 1] = k; differ[k] = true end
          end
        end
      end
    end
    local verdict
    if ndocs < 2 then verdict = "one source"
    elseif #differ > 0 then verdict = "differ"
    elseif pairs_seen == 0 then verdict = "not comparable"
    else verdict = "agree" end
    verdicts[ti] = { topic = topic.name, verdict = verdict, sources = ndocs,
                     detail = table.concat(differ, "; ") }
  end
  common.sort_by(claims, "topic_index", "doc_index", "start")
  return claims, verdicts
end

-- The side-by-side table: a row per topic, a column per document (its short
-- label), the values that document gives, and the verdict.
function C.side_by_side(corpus, claims, verdicts, all)
  local cols = { "topic" }
  local labels = {}
  for d in corpus:docs() do
    labels[d.index] = common.doc_short(d)
  end
  local used = {}
  for _, c in ipairs(claims) do used[c.doc_index] = true end
  for i = 1, #corpus do if used[i] then cols[#cols + 1] = labels[i] end end
  cols[#cols + 1] = "verdict"
  local rows = { columns = cols }
  local by_topic = {}
  for _, c in ipairs(claims) do
    by_topic[c.topic_index] = by_topic[c.topic_index] or {}
    local cell = by_topic[c.topic_index]
    local key = labels[c.doc_index]
    cell[key] = cell[key] or {}
    local seen = false
    for _, x in ipairs(cell[key]) do if x == c.shown then seen = true end end
    if not seen then table.insert(cell[key], c.shown) end
  end
  for ti, v in ipairs(verdicts) do
    if v.sources >= (all and 1 or 2) then
      local row = { topic = v.topic,
                    verdict = v.verdict .. (v.detail ~= "" and (": " .. v.detail) or "") }
      for key, list in pairs(by_topic[ti] or {}) do row[key] = table.concat(list, "; ") end
      rows[#rows + 1] = row
    end
  end
  return rows
end

return C
