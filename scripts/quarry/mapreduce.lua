-- mapreduce.lua — reports written as map → merge → finish, and the three
-- ways to run them: in one process over a corpus (`quarry run`), and as the
-- two ends of a pipe, `quarry map` and `quarry reduce`, that Hadoop
-- Streaming, Spark's RDD.pipe or Dask (scripts/dask/quarry_dask.py) run on
-- shards. docs/scale.md is the user's side of it.
--
-- The one rule the paths share: every partial crosses JSON, and keys go
-- in the byte order of their escaped text (what `LC_ALL=C sort` gives the
-- reducer), so that one run and any sharding give the same bytes.
local core = require "quarry.core"
local report = require "quarry.report"

local json_encode, json_decode = core.json_encode, core.json_decode
local concat, sort = table.concat, table.sort
local format = string.format

local mapreduce = {}

-- A batch of `quarry map` ends at whichever comes first: so many records,
-- or so many bytes of them (a longer record is a batch alone), so that an
-- endless standard input runs in bounded memory.
mapreduce.batch_records = 2000
mapreduce.batch_bytes = 64 << 20

local function fail(fmt, ...)
  error(format(fmt, ...), 0)
end

---------------------------------------------------------------------------
-- Keys on the wire: a key is the text before the line's first tab, so a
-- tab, a line break or any byte below 0x20 in it is escaped (\t, \n, \r,
-- \xHH), and a backslash is doubled. No escaped key holds a byte below the
-- tab's, so sorting whole lines sorts keys.

local ESCAPES = { ["\\"] = "\\\\", ["\t"] = "\\t", ["\n"] = "\\n", ["\r"] = "\\r" }

function mapreduce.escape_key(key)
  return (key:gsub("[%z\1-\31\\]", function(c)
    return ESCAPES[c] or format("\\x%02x", c:byte())
  end))
end

local UNESCAPES = { ["\\"] = "\\", t = "\t", n = "\n", r = "\r" }

-- The key of escaped text s; nil and a message when s is not one.
function mapreduce.unescape_key(s)
  if not s:find("[%z\1-\31\\]") then return s end
  if s:find("[%z\1-\31]") then return nil, "a control character in the key (it must be escaped)" end
  local out, i = {}, 1
  while true do
    local b = s:find("\\", i, true)
    if not b then break end
    out[#out + 1] = s:sub(i, b - 1)
    local c = s:sub(b + 1, b + 1)
    if UNESCAPES[c] then
      out[#out + 1] = UNESCAPES[c]
      i = b + 2
    elseif c == "x" and s:find("^%x%x", b + 2) then
      out[#out + 1] = string.char(tonumber(s:sub(b + 2, b + 3), 16))
      i = b + 4
    else
      return nil, format("bad escape '\\%s' in the key (known: \\\\ \\t \\n \\r \\xHH)", c)
    end
  end
  out[#out + 1] = s:sub(i)
  return concat(out)
end

---------------------------------------------------------------------------
-- The script: a table { map, merge, finish, columns, order, params }.

local FIELDS = { map = "function", merge = "function", finish = "function", order = "function",
                 columns = "table", params = "table" }

-- Checks the table a script returned; where names the script in messages.
function mapreduce.check(r, where)
  if type(r) ~= "table" or type(r.map) ~= "function" then
    fail("%s: a map/reduce script returns a table with map and merge functions "
         .. "(docs/scale.md)", where)
  end
  for k, v in pairs(r) do
    local want = FIELDS[k]
    if not want then
      fail("%s: unknown field '%s' in the script's table (known: columns, finish, map, merge, "
           .. "order, params)", where, tostring(k))
    end
    if type(v) ~= want then fail("%s: field '%s' must be a %s (got %s)", where, k, want, type(v)) end
  end
  if not r.merge then fail("%s: the script's table has no merge function", where) end
  for name, v in pairs(r.params or {}) do
    local t = math.type(v) or type(v)
    if type(name) ~= "string" or not (t == "integer" or t == "float" or t == "string"
                                       or t == "boolean") then
      fail("%s: params: each is name = default value (a number, string or boolean)", where)
    end
  end
  return r
end

-- Sets r.params from words "name=value" (--param), each converted to the
-- type of the default it replaces.
function mapreduce.set_params(r, words, where)
  local params = r.params or {}
  r.params = params
  for _, w in ipairs(words or {}) do
    local k, v = w:match("^([^=]+)=(.*)$")
    local old = params[k]
    if old == nil then
      local names = {}
      for name in pairs(params) do names[#names + 1] = name end
      sort(names)
      fail("%s has no parameter '%s' (%s)", where, tostring(k),
           #names > 0 and "it has " .. concat(names, ", ") or "it has none")
    end
    local t, val = math.type(old) or type(old), nil
    if t == "integer" then val = math.tointeger(tonumber(v))
    elseif t == "float" then val = tonumber(v)
    elseif t == "boolean" then
      local s = v:lower()
      if s == "true" or s == "yes" or s == "1" or s == "on" then val = true
      elseif s == "false" or s == "no" or s == "0" or s == "off" then val = false end
    else val = v end
    if val == nil then
      fail("%s: parameter %s must be %s (got '%s')", where, k,
           ({ integer = "an integer", float = "a number", boolean = "true or false" })[t], v)
    end
    params[k] = val
  end
  return r
end

-- Loads the script at path (its directory first on package.path, as under
-- `quarry run`) and sets its parameters.
function mapreduce.load(path, words)
  local dir = path:match("^(.*)/[^/]*$") or "."
  package.path = dir .. "/?.lua;" .. package.path
  local chunk, err = loadfile(path, "t")
  if not chunk then error(err, 0) end
  local r = chunk()
  return mapreduce.set_params(mapreduce.check(r, path), words, path)
end

---------------------------------------------------------------------------
-- map: partials combined per key as they are emitted

local EMITTABLE = { number = true, string = true, boolean = true, table = true }

-- A new combiner for script r: returns the table of partials by key and
-- the emit function that fills it.
function mapreduce.combiner(r)
  local acc, merge = {}, r.merge
  local function emit(key, partial)
    if type(key) ~= "string" then
      error(format("bad argument #1 to 'emit' (the key must be a string, got %s)", type(key)), 2)
    end
    if not EMITTABLE[type(partial)] then
      error(format("bad argument #2 to 'emit' (a number, string, boolean or table, got %s)",
                   type(partial)), 2)
    end
    local old = acc[key]
    if old == nil then
      acc[key] = partial
    else
      local v = merge(old, partial)
      if v == nil then error("merge returned nil (it returns the merged value)", 0) end
      acc[key] = v
    end
  end
  return acc, emit
end

-- The keys of acc as {escaped, key} pairs in the order reduce sees them.
local function ordered(acc)
  local list = {}
  for k in pairs(acc) do list[#list + 1] = { mapreduce.escape_key(k), k } end
  sort(list, function(a, b) return a[1] < b[1] end)
  return list
end

-- The partial's JSON; an error naming the key when it has none.
local function encode(key, v)
  local ok, text = pcall(json_encode, v)
  if not ok then fail("the partial of key '%s' is not JSON: %s", key, text) end
  return text
end

-- Writes acc as KEY<TAB>PARTIAL lines, in key order, through write.
function mapreduce.write_partials(acc, write)
  local list = ordered(acc)
  local buf = {}
  for i, e in ipairs(list) do
    buf[#buf + 1] = e[1] .. "\t" .. encode(e[2], acc[e[2]]) .. "\n"
    if #buf >= 512 or i == #list then
      write(concat(buf))
      buf = {}
    end
  end
end

---------------------------------------------------------------------------
-- finish: rows, in key order, then in the script's order

local function finish_row(r, key, value)
  if not r.finish then return { key = key, value = value } end
  local row = r.finish(key, value)
  if row ~= nil and type(row) ~= "table" then
    fail("finish must return a row (a table) or nil (got %s for key '%s')", type(row), key)
  end
  return row
end

-- A finisher for script r: add(key, value) in key order; rows() the rows.
function mapreduce.finisher(r)
  local rows = {}
  local function add(key, value)
    local row = finish_row(r, key, value)
    if row then rows[#rows + 1] = row end
  end
  local function result()
    if r.order then sort(rows, r.order) end
    rows.columns = r.columns
    return rows
  end
  return add, result
end

-- Writes the rows as the report (--format).
function mapreduce.report(r, rows)
  report.table(rows, { columns = r.columns or (not r.finish and { "key", "value" }) or nil })
end

---------------------------------------------------------------------------
-- One process: the whole corpus through the same steps as map | sort |
-- reduce, each partial through JSON as it would cross the pipe.

function mapreduce.rows(r, corpus)
  local acc, emit = mapreduce.combiner(r)
  local map = r.map
  for doc in corpus:docs() do map(doc, emit) end
  local add, result = mapreduce.finisher(r)
  for _, e in ipairs(ordered(acc)) do add(e[2], json_decode(encode(e[2], acc[e[2]]))) end
  return result()
end

---------------------------------------------------------------------------
-- `quarry map`: JSON Lines records from f in batches, each a corpus.
--
-- The line numbers of a batch's corpus start at 1 again, so a record
-- without an id gets its default one ("stdin:LINE", LINE in the whole
-- input) written in: the object's first field, which an "id" of its own
-- later in the record replaces. An error names the line in the whole
-- input; its message is the record's own, read again unchanged.

-- msg with its leading "name:K:" made "name:(K + first - 1):".
local function relined(msg, name, first)
  local pat = "^" .. name:gsub("%p", "%%%0") .. ":(%d+):"
  return (tostring(msg):gsub(pat, function(k) return name .. ":" .. (first + tonumber(k) - 1) .. ":" end, 1))
end

local function read_batch_corpus(lines, first, name, gazetteer)
  local parts = {}
  for i, line in ipairs(lines) do
    local lead, rest = line:match("^([ \t]*){(.*)$")
    if lead then
      parts[i] = format('%s{"id":"%s:%d",%s', lead, name, first + i - 1, rest)
    else
      parts[i] = line
    end
  end
  local ok, c = pcall(core.read_jsonl, concat(parts, "\n"), name, gazetteer)
  if ok then return c end
  local at = tonumber(tostring(c):match("^" .. name:gsub("%p", "%%%0") .. ":(%d+):"))
  if not at or not lines[at] then error(c, 0) end
  local ok2, msg = pcall(core.read_jsonl, lines[at], name, gazetteer)
  if ok2 then error(relined(c, name, first), 0) end   -- not expected: it fails alone too
  error(relined(msg, name, first + at - 1), 0)
end

-- Calls fn(corpus) for each batch of the records of file f.
function mapreduce.each_batch(f, name, gazetteer, fn)
  local lines, bytes, first, lineno = {}, 0, 1, 0
  local function flush()
    if #lines == 0 then return end
    local c = read_batch_corpus(lines, first, name, gazetteer)
    for _, w in ipairs(c:warnings()) do
      io.stderr:write("quarry: warning: ", relined(w, name, first), "\n")
    end
    fn(c)
    c:close()
    lines, bytes, first = {}, 0, lineno + 1
  end
  for line in f:lines("l") do
    lineno = lineno + 1
    if lineno == 1 then line = line:gsub("^\xEF\xBB\xBF", "") end
    lines[#lines + 1] = line
    bytes = bytes + #line
    if #lines >= mapreduce.batch_records or bytes >= mapreduce.batch_bytes then flush() end
  end
  flush()
end

---------------------------------------------------------------------------
-- `quarry reduce`: KEY<TAB>PARTIAL lines sorted by key; calls
-- add(key, merged value) once per key, in order.

function mapreduce.reduce_lines(r, f, name, add)
  local merge = r.merge
  local lineno, prev, key, value = 0, nil, nil, nil
  for line in f:lines("l") do
    lineno = lineno + 1
    local tab = line:find("\t", 1, true)
    if not tab then fail("%s:%d: no tab: a line is KEY<TAB>PARTIAL, as quarry map writes", name, lineno) end
    local escaped = line:sub(1, tab - 1)
    if prev and escaped < prev then
      fail("%s:%d: key '%s' comes after '%s': the input must be sorted by key "
           .. "(LC_ALL=C sort)", name, lineno, escaped, prev)
    end
    local ok, v = pcall(json_decode, line:sub(tab + 1))
    if not ok then fail("%s:%d: the partial is not JSON: %s", name, lineno, v) end
    if v == nil then fail("%s:%d: the partial is null", name, lineno) end
    if escaped == prev then
      value = merge(value, v)
      if value == nil then error("merge returned nil (it returns the merged value)", 0) end
    else
      if prev then add(key, value) end
      local k, why = mapreduce.unescape_key(escaped)
      if not k then fail("%s:%d: %s", name, lineno, why) end
      prev, key, value = escaped, k, v
    end
  end
  if prev then add(key, value) end
end

---------------------------------------------------------------------------
-- The commands

-- What `quarry map` and `quarry reduce` share: print goes to standard
-- error (standard output is the stream of partials or the report), then
-- the script at path is loaded with its parameters (words "name=value").
function mapreduce.command(path, words)
  _G.print = function(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
    io.stderr:write(concat(parts, "\t"), "\n")
  end
  return mapreduce.load(path, words)
end

-- The function that writes to the command's output (standard output, or
-- -o FILE), as the report writes: the stream of partials goes there.
function mapreduce.output()
  local settings = report.setup()
  report.setup(settings)
  return settings.write
end

-- `quarry run SCRIPT CORPUS` of a script that returned the table r: the
-- report over corpus in one process.
function mapreduce.run(r, path, words, corpus)
  mapreduce.set_params(mapreduce.check(r, path), words, path)
  mapreduce.report(r, mapreduce.rows(r, corpus))
end

return mapreduce
