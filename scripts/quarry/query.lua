-- quarry.query — the corpus methods of the query language: c:query,
-- c:count and c:kwic (docs/query.md teaches the language, docs/lua-api.md
-- lists the methods).
--
-- A query is parsed here (quarry.cqp, LPeg), compiled in C against the
-- corpus (quarry.core.compile: every value matched once per lexicon entry)
-- and searched in C (quarry.core.search). Two shorthands stay from before
-- the language: a plain phrase ("North Korea", matched without regard to
-- case, with * and ? as wildcards inside a word, as AntConc's), and
-- {entity = id}.
local core = require "quarry.core"

-- The parser's grammar is built on first use (a script that never queries
-- does not pay its 200 KB and its millisecond).
local cqp = setmetatable({}, { __index = function(t, k)
  local m = require "quarry.cqp"
  setmetatable(t, { __index = m })
  return m[k]
end })

local M = {}

-- The characters a regular expression gives a meaning to.
local function escape(s) return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?%{%}|\\]", "\\%0")) end

-- A phrase as a syntax tree: each word a literal on lower (or word, with
-- case = true); a word with * or ? a wildcard on lower.
local function phrase_tree(corpus, phrase, case)
  local items = {}
  for word in phrase:gmatch("%S+") do
    if word:find("[*?]") then
      -- a run of * is one * (".*.*" would only make the engine backtrack)
      local re = escape(word:gsub("%*+", "*")):gsub("\\%*", ".*"):gsub("\\%?", ".")
      items[#items + 1] = { type = "token", pos = 1,
        expr = { type = "cmp", attr = "lower", op = "=", value = re, flags = "c", pos = 1 } }
    else
      local seg = corpus:segmenter()
      for _, t in ipairs(seg and seg:tokenize(word) or core.tokenize(word)) do
        items[#items + 1] = { type = "token", pos = 1,
          expr = { type = "cmp", attr = case and "word" or "lower", op = "=", value = t.text,
                   flags = "l", pos = 1 } }
      end
    end
  end
  if #items == 0 then return nil, "the phrase has no words" end
  return { type = "query", body = { type = "seq", items = items, pos = 1 }, src = phrase }
end

-- Compiles q (a query, a phrase or {entity = id}) for corpus; raises with
-- the column and a caret for a bad query. level: the caller's, for error().
function M.compile(corpus, q, opts, fn, level)
  level = level or 2
  local tree, err
  if type(q) == "table" then
    local id = q.entity
    if type(id) ~= "string" then
      error(string.format("bad argument #1 to '%s' (expected a query, a phrase or {entity = id})",
                          fn), level)
    end
    -- an entry of the gazetteer, or a name guessed in the corpus
    if not corpus:entity(id) then
      error(string.format("%s: no entity '%s' in the corpus (its gazetteer or the names "
                          .. "guessed)", fn, id), level)
    end
    tree = { type = "query", src = id, body = { type = "seq", pos = 1, items = {
      { type = "token", pos = 1,
        expr = { type = "cmp", attr = "id", op = "=", value = id, flags = "l", pos = 1 } } } } }
  elseif type(q) == "string" then
    if cqp.is_query(q) then
      tree, err = cqp.parse(q)
      if not tree then error(fn .. ": " .. cqp.format_error(q, err), level) end
    else
      tree, err = phrase_tree(corpus, q, opts and opts.case)
      if not tree then error(string.format("bad argument #1 to '%s' (%s)", fn, err), level) end
    end
  else
    error(string.format("bad argument #1 to '%s' (expected a query, a phrase or {entity = id}, "
                        .. "got %s)", fn, type(q)), level)
  end
  if opts and opts.within ~= nil then
    local w = opts.within
    local names = { s = "s", p = "p", d = "d", sentence = "s", paragraph = "p", doc = "d",
                    text = "d" }
    if type(w) ~= "string" or not names[w] then
      error(string.format("option 'within' to '%s' must be s, p or d (got %s)", fn,
                          tostring(w)), level)
    end
    tree.within = tree.within or names[w]
  end
  local pattern, msg, pos = core.compile(corpus, tree)
  if not pattern then
    if type(q) == "string" and cqp.is_query(q) and pos and pos > 0 then
      msg = cqp.format_error(q, { msg = msg, pos = pos })
    end
    error(fn .. ": " .. msg, level)
  end
  return pattern
end

-- Raises for an option not in names.
local function check_options(opts, fn, names, level)
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    error(string.format("bad argument #2 to '%s' (table expected, got %s)", fn, type(opts)),
          level + 1)
  end
  for k in pairs(opts) do
    if not names[k] then
      local known = {}
      for n in pairs(names) do known[#known + 1] = n end
      table.sort(known)
      error(string.format("unknown option '%s' to '%s' (known: %s)", tostring(k), fn,
                          table.concat(known, ", ")), level + 1)
    end
  end
  return opts
end

local function set(list)
  local s = {}
  for _, k in ipairs(list) do s[k] = true end
  return s
end

local SEARCH = { "limit", "strategy", "subcorpus", "doc", "within", "case" }
local QUERY_OPTS = set(SEARCH)
local COUNT_OPTS = set { "by", table.unpack(SEARCH) }
local KWIC_OPTS = set { "width", "sort", table.unpack(SEARCH) }

local methods = core.methods(core.CORPUS)

-- The matches of q for method fn; errors are reported at the method's
-- caller (the user's line).
local function matches_of(corpus, q, opts, fn)
  if type(q) == "userdata" and tostring(q):match("^<matches") then return q end
  return core.search(M.compile(corpus, q, opts, fn, 4), corpus, opts, fn)
end

-- c:query(q [, opts]) -> Matches
function methods.query(corpus, q, opts)
  opts = check_options(opts, "query", QUERY_OPTS, 2)
  return matches_of(corpus, q, opts, "query")
end

-- Orders count rows: most frequent first, ties in byte order.
local function by_count(a, b)
  if a.count ~= b.count then return a.count > b.count end
  return a.value < b.value
end

-- c:count(q [, {by = attribute or label}]) -> an integer, or rows value, count
function methods.count(corpus, q, opts)
  opts = check_options(opts, "count", COUNT_OPTS, 2)
  local by = opts.by
  local m = matches_of(corpus, q, opts, "count")
  if by == nil then return #m end
  if type(by) ~= "string" then
    error(string.format("option 'by' to 'count' must be a string (got %s)", type(by)), 2)
  end
  -- "word", "lower", "doc", a label, or "label.word" / "label.lower"
  local label, what = by:match("^([%w_]+)%.(%a+)$")
  if not label then
    if by == "word" or by == "lower" or by == "doc" then what = by else label, what = by, "word" end
  end
  local index = 0
  if label then
    local labels = core.labels(m)
    for i, name in ipairs(labels) do if name == label then index = i end end
    if index == 0 then
      error(string.format("option 'by' to 'count': '%s' is neither word, lower, doc nor a label "
                          .. "of the query", by), 2)
    end
  end
  if what ~= "word" and what ~= "lower" and (what ~= "doc" or label) then
    error(string.format("option 'by' to 'count': bad attribute '%s' (word, lower or doc)", what), 2)
  end
  local rows = core.count_by(m, what, index)
  table.sort(rows, by_count)
  return rows
end

-- The words of a context next to the match, folded, for sorting.
local function left_key(r) return (r.left:match("(%S+)%s*$") or ""):lower() end
local function right_key(r) return (r.right:match("^%s*(%S+)") or ""):lower() end

-- c:kwic(q [, {width = 5, sort = "left1" | "right1" | "match", limit, ...}]) -> rows
function methods.kwic(corpus, q, opts)
  opts = check_options(opts, "kwic", KWIC_OPTS, 2)
  local width = opts.width
  if width == nil then width = 5 end
  if math.type(width) ~= "integer" or width < 0 then
    error(string.format("option 'width' to 'kwic' must be an integer of at least 0 (got %s)",
                        tostring(width)), 2)
  end
  local sort = opts.sort
  if sort ~= nil and sort ~= "left1" and sort ~= "right1" and sort ~= "match" then
    error(string.format("option 'sort' to 'kwic' must be left1, right1 or match (got %s)",
                        tostring(sort)), 2)
  end
  local rows = core.kwic(matches_of(corpus, q, opts, "kwic"), width)
  if sort then
    local key = sort == "left1" and left_key or sort == "right1" and right_key
      or function(r) return r.match:lower() end
    for i, r in ipairs(rows) do r._key, r._i = key(r), i end
    table.sort(rows, function(a, b)
      if a._key ~= b._key then return a._key < b._key end
      return a._i < b._i
    end)
    for _, r in ipairs(rows) do r._key, r._i = nil, nil end
  end
  return rows
end

return M
