-- quarry.pack — script packs: finding, checking, running, installing and
-- testing them (docs/packs.md). The command line is scripts/quarry/cmd/pack.lua.
--
-- A pack is a folder with a manifest, pack.lua, loaded as data in an empty
-- environment (the way LuaRocks reads a rockspec), with a small budget, so
-- that a manifest can neither reach anything nor run for long. Every error
-- names the pack and the field; nothing is changed on disk before
-- everything has been checked.

local quarry = require "quarry"
local sandbox = require "quarry.sandbox"
local host = debug.getregistry()["quarry.host"]
local core = require "quarry.core"

local pack = {}

pack.DEFAULT_STEPS = 10000000000     -- instructions of a report (--max-steps)
pack.DEFAULT_MEMORY = 1 << 30        -- bytes of Lua heap (--max-memory)
local MANIFEST_STEPS = 1000000
local MANIFEST_MEMORY = 16 << 20

local NAME = "^[a-z][a-z0-9_-]*$"
local SEMVER = "^%d+%.%d+%.%d+$"
local SEMVER_PRE = "^%d+%.%d+%.%d+[-+][0-9A-Za-z.+-]+$"

local function fail(fmt, ...) error(string.format(fmt, ...), 0) end

local function read_file(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local s, rerr = f:read("a")
  f:close()
  if not s then return nil, path .. ": " .. tostring(rerr) end
  return s
end

-- A relative path inside a pack: no leading /, no .. part, no empty part.
local function safe_relative(p)
  if type(p) ~= "string" or p == "" or p:sub(1, 1) == "/" then return false end
  for part in (p .. "/"):gmatch("([^/]*)/") do
    if part == "" or part == ".." or part == "." then return false end
  end
  return true
end

---------------------------------------------------------------------------
-- Sources: where a pack's files come from (a folder, or the binary)

-- A folder's files are read only when their real path is inside the
-- folder: a pack found by path or in QUARRY_PATH is not checked for links
-- as an installed one is, and its data/x.txt -> /etc/passwd must not be a
-- way for pack.read, require or a report file to read outside.
local function dir_source(dir)
  local real_dir
  return {
    dir = dir,
    label = dir,
    read = function(rel)
      local path = dir .. "/" .. rel
      real_dir = real_dir or host.realpath(dir)
      local real, err = host.realpath(path)
      if not real then return nil, err end
      if not real_dir or real:sub(1, #real_dir + 1) ~= real_dir .. "/" then
        return nil, path .. ": leads outside the pack (a link?)"
      end
      return read_file(path)
    end,
    path = function(rel) return dir .. "/" .. rel end,
  }
end

local function embedded_source(prefix)
  return {
    label = "built in (" .. prefix .. ")",
    builtin = prefix,
    read = function(rel)
      local s = core.embedded(prefix .. rel)
      if not s then return nil, prefix .. rel .. ": no such file" end
      return s
    end,
    path = function(rel) return prefix .. rel end,
  }
end

---------------------------------------------------------------------------
-- The manifest

local KNOWN = { name = true, version = true, description = true, license = true, authors = true,
                api = true, reports = true, data = true, tests = true, permissions = true,
                homepage = true }
local PARAM_TYPES = { string = true, integer = true, number = true, boolean = true, choice = true }

-- Converts a parameter's text (from --param) or a default to its type; nil
-- and a message when it does not fit.
local function param_value(p, v)
  local t = p.type
  if t == "string" then
    if type(v) == "string" then return v end
    return nil, "a string"
  elseif t == "integer" then
    local n = math.tointeger(type(v) == "string" and tonumber(v) or v)
    if n then return n end
    return nil, "an integer"
  elseif t == "number" then
    local n = type(v) == "string" and tonumber(v) or (type(v) == "number" and v)
    if n and n == n then return n end
    return nil, "a number"
  elseif t == "boolean" then
    if type(v) == "boolean" then return v end
    local s = type(v) == "string" and v:lower()
    if s == "true" or s == "yes" or s == "1" or s == "on" then return true end
    if s == "false" or s == "no" or s == "0" or s == "off" then return false end
    return nil, "true or false"
  else   -- choice
    for _, c in ipairs(p.choices) do
      if v == c then return v end
    end
    return nil, "one of " .. table.concat(p.choices, ", ")
  end
end

local function param_value_kind(p)
  local _, want = param_value(p, {})
  return want
end

local function check_params(where, params)
  if params == nil then return {} end
  if type(params) ~= "table" then fail("%s: params must be a list of tables", where) end
  local seen = {}
  for i, p in ipairs(params) do
    local at = string.format("%s: params[%d]", where, i)
    if type(p) ~= "table" then fail("%s must be a table {name = ..., type = ...}", at) end
    if type(p.name) ~= "string" or not p.name:match("^[%a_][%w_]*$") then
      fail("%s: name must be a word (letters, digits, _)", at)
    end
    at = string.format("%s: parameter '%s'", where, p.name)
    if seen[p.name] then fail("%s is declared twice", at) end
    seen[p.name] = true
    if not PARAM_TYPES[p.type] then
      fail("%s: type must be string, integer, number, boolean or choice (got %s)", at,
        tostring(p.type))
    end
    if p.type == "choice" then
      if type(p.choices) ~= "table" or #p.choices == 0 then
        fail("%s: a choice needs choices = {...}", at)
      end
      for _, c in ipairs(p.choices) do
        if type(c) ~= "string" then fail("%s: every choice must be a string", at) end
      end
    end
    if p.help ~= nil and type(p.help) ~= "string" then fail("%s: help must be a string", at) end
    if p.default ~= nil then
      -- a default is a value of the type, not text to convert ("3" is no
      -- integer default)
      local v, want = param_value(p, p.default)
      if want or (p.type ~= "string" and p.type ~= "choice" and type(p.default) == "string") then
        fail("%s: the default must be %s (got %s %s)", at, want or param_value_kind(p),
          type(p.default), tostring(p.default))
      end
      p.default = v
    end
  end
  if #params ~= (function() local n = 0 for _ in pairs(params) do n = n + 1 end return n end)() then
    fail("%s: params must be a list (no named keys)", where)
  end
  return params
end

-- Checks a loaded manifest m of the pack from source; fills in defaults.
local function check_manifest(m, source, file)
  local function need(field, want, ok)
    if not ok then fail("%s: %s must be %s (got %s)", file, field, want, tostring(m[field])) end
  end
  for k in pairs(m) do
    if not KNOWN[k] then
      local names = {}
      for n in pairs(KNOWN) do names[#names + 1] = n end
      table.sort(names)
      fail("%s: unknown field '%s' (the fields are %s)", file, tostring(k), table.concat(names, ", "))
    end
  end
  need("name", "a name of lower-case letters, digits, - and _",
    type(m.name) == "string" and m.name:match(NAME) and #m.name <= 64)
  need("version", "a semantic version such as 1.0.0",
    type(m.version) == "string" and (m.version:match(SEMVER) or m.version:match(SEMVER_PRE)))
  need("description", "a one-line string", type(m.description) == "string" and m.description ~= ""
    and not m.description:find("\n"))
  need("license", "a string such as MIT", type(m.license) == "string" and m.license ~= "")
  if type(m.authors) == "string" then m.authors = { m.authors } end
  need("authors", "a list of names", type(m.authors) == "table" and #m.authors > 0)
  need("api", "the quarry API version the pack needs (an integer)",
    math.type(m.api) == "integer" or (type(m.api) == "number" and math.tointeger(m.api)))
  m.api = math.tointeger(m.api)
  if m.api > quarry.api_version or m.api < 1 then
    fail("%s: the pack needs quarry API version %d, and this quarry %s has API version %d",
      file, m.api, quarry.version, quarry.api_version)
  end
  -- reports
  need("reports", "a table of reports", type(m.reports) == "table" and next(m.reports) ~= nil)
  for name, r in pairs(m.reports) do
    local where = string.format("%s: report '%s'", file, tostring(name))
    if type(name) ~= "string" or not name:match(NAME) then
      fail("%s: a report name must be lower-case letters, digits, - and _", where)
    end
    if type(r) ~= "table" then fail("%s must be a table {file = ..., description = ...}", where) end
    if not safe_relative(r.file) or not r.file:match("%.lua$") then
      fail("%s: file must be a relative path to a .lua file inside the pack", where)
    end
    local ok, err = source.read(r.file)
    if not ok then fail("%s: its file %s cannot be read (%s)", where, r.file, err) end
    if type(r.description) ~= "string" or r.description == "" then
      fail("%s: description must be a one-line string", where)
    end
    r.params = check_params(where, r.params)
  end
  -- data, tests, permissions
  -- a file the manifest names: a path inside the pack that can be read
  local function check_file(what, rel)
    if not safe_relative(rel) then
      fail("%s: %s must be a relative path inside the pack (got %s)", file, what, tostring(rel))
    end
    local ok, err = source.read(rel)
    if not ok then fail("%s: %s %s cannot be read (%s)", file, what, rel, err) end
  end
  m.data = m.data or {}
  need("data", "a table of named files", type(m.data) == "table")
  for k, v in pairs(m.data) do
    if type(k) ~= "string" then fail("%s: data must be named files, name = path", file) end
    check_file("data file", v)
  end
  m.tests = m.tests or {}
  need("tests", "a list of files", type(m.tests) == "table")
  for _, t in ipairs(m.tests) do check_file("test file", t) end
  m.permissions = m.permissions or {}
  need("permissions", "a list of read, write, exec", type(m.permissions) == "table")
  for _, p in ipairs(m.permissions) do
    if not sandbox.permissions[p] then
      fail("%s: unknown permission '%s' (read, write or exec)", file, tostring(p))
    end
  end
  return m
end

-- Loads the manifest of the pack in source: a P table, or raises.
local function load_pack(source, where)
  local file = source.path("pack.lua")
  local text, err = source.read("pack.lua")
  if not text then fail("%s is not a pack: %s", source.label, err or "no pack.lua") end
  local m = {}
  local chunk, lerr = load(text, "@" .. file, "t", m)
  if not chunk then fail("%s", lerr) end
  local ok, rerr, why = host.run_limited(MANIFEST_STEPS, MANIFEST_MEMORY, chunk)
  if not ok then
    if why == "budget" then fail("%s: the manifest runs too long (it is data: fields, no loops)", file) end
    if why == "memory" then fail("%s: the manifest takes too much memory", file) end
    fail("%s", (tostring(rerr):gsub("\nstack traceback:.*", "")))
  end
  check_manifest(m, source, file)
  return { name = m.name, version = m.version, manifest = m, source = source, where = where,
           file = file }
end
pack.load = load_pack

function pack.load_dir(dir)
  return load_pack(dir_source(dir), "path")
end

---------------------------------------------------------------------------
-- Where packs are found

function pack.user_dir()
  local data = os.getenv("XDG_DATA_HOME")
  if not data or data == "" then
    local home = os.getenv("HOME")
    if not home or home == "" then return nil end
    data = home .. "/.local/share"
  end
  return data .. "/quarry/packs"
end

-- The places to look, in order: each {dir = ..., where = ...} or
-- {builtin = true}.
local function places()
  local list = {}
  for dir in (os.getenv("QUARRY_PATH") or ""):gmatch("[^:]+") do
    list[#list + 1] = { dir = dir, where = "QUARRY_PATH" }
  end
  local user = pack.user_dir()
  if user then list[#list + 1] = { dir = user, where = "installed" } end
  local dev = os.getenv("QUARRY_SCRIPTS")
  if dev and dev ~= "" then list[#list + 1] = { dir = dev .. "/packs", where = "built in" }
  else list[#list + 1] = { builtin = true, where = "built in" } end
  return list
end

local function builtin_names()
  local names, seen = {}, {}
  for _, f in ipairs(host.embedded("scripts/packs/")) do
    local n = f:match("^scripts/packs/([^/]+)/pack%.lua$")
    if n and not seen[n] then seen[n] = true; names[#names + 1] = n end
  end
  return names
end

local function candidates_in(place)
  if place.builtin then
    local out = {}
    for _, n in ipairs(builtin_names()) do
      out[#out + 1] = { name = n, source = embedded_source("scripts/packs/" .. n .. "/") }
    end
    return out
  end
  local entries = host.list(place.dir)
  local out = {}
  for _, e in ipairs(entries or {}) do
    if e.name:match(NAME) and (e.kind == "directory" or e.kind == "link") then
      out[#out + 1] = { name = e.name, source = dir_source(place.dir .. "/" .. e.name) }
    end
  end
  return out
end

-- pack.find(name) -> P, or raises "no pack named ...". A folder path (with
-- a /) is loaded as it is.
function pack.find(name)
  if name:find("/") then return pack.load_dir(name) end
  for _, place in ipairs(places()) do
    for _, c in ipairs(candidates_in(place)) do
      if c.name == name then
        local p = load_pack(c.source, place.where)
        if p.name ~= name then
          fail("%s: the folder is named %s but its manifest says %s", p.file, name, p.name)
        end
        return p
      end
    end
  end
  fail("no pack named '%s' (quarry pack list shows the packs found)", name)
end

-- pack.list() -> rows {name, version, where, reports, permissions,
-- description, shadowed} of every pack found; a broken manifest is a row
-- with its error instead of failing the list.
function pack.list()
  local rows, seen = {}, {}
  for _, place in ipairs(places()) do
    for _, c in ipairs(candidates_in(place)) do
      local ok, p = pcall(load_pack, c.source, place.where)
      local row = { name = c.name, where = place.where, path = c.source.dir or c.source.builtin }
      if ok then
        local reports = {}
        for r in pairs(p.manifest.reports) do reports[#reports + 1] = r end
        table.sort(reports)
        row.version = p.version
        row.description = p.manifest.description
        row.reports = table.concat(reports, " ")
        row.permissions = table.concat(p.manifest.permissions, ",")
      else
        row.description = "broken: " .. tostring(p)
      end
      if seen[c.name] then row.description = "(hidden by the one above) " .. (row.description or "") end
      seen[c.name] = true
      rows[#rows + 1] = row
    end
  end
  return rows
end

---------------------------------------------------------------------------
-- Permissions the user agreed to

local ALLOW_FILE = ".quarry-allow"

-- The permissions granted: --allow words, plus, for an installed pack, those
-- agreed to at install.
local function granted(p, allow)
  local set = {}
  for w in (allow or ""):gmatch("[^,%s]+") do
    if not sandbox.permissions[w] then
      fail("unknown permission '%s' in --allow (read, write or exec)", w)
    end
    set[w] = true
  end
  if p.where == "installed" and p.source.dir then
    local s = read_file(p.source.dir .. "/" .. ALLOW_FILE)
    for w in (s or ""):gmatch("%a+") do set[w] = true end
  end
  return set
end

-- Raises unless every permission the pack asks for is granted.
local function check_granted(p, set, verb)
  local missing = {}
  for _, w in ipairs(p.manifest.permissions) do
    if not set[w] then missing[#missing + 1] = w end
  end
  if #missing > 0 then
    local why = {}
    for _, w in ipairs(missing) do why[#why + 1] = w .. " (" .. sandbox.permissions[w] .. ")" end
    fail("pack %s asks for permission to %s; %s with --allow %s to agree", p.name,
      table.concat(why, "; "), verb, table.concat(missing, ","))
  end
  -- only what the pack asks for is ever granted
  local out = {}
  for _, w in ipairs(p.manifest.permissions) do out[w] = true end
  return out
end

---------------------------------------------------------------------------
-- Parameters

-- pack.params(P, report, words) -> the parameter values: each word
-- "name=value" converted to its declared type, then the defaults.
function pack.params(p, rname, words)
  local r = p.manifest.reports[rname]
  local decl, values = {}, {}
  for _, d in ipairs(r.params) do decl[d.name] = d end
  for _, w in ipairs(words or {}) do
    local k, v = w:match("^([^=]+)=(.*)$")
    local d = decl[k]
    if not d then
      local names = {}
      for _, x in ipairs(r.params) do names[#names + 1] = x.name end
      fail("%s:%s has no parameter '%s' (%s)", p.name, rname, tostring(k),
        #names > 0 and "it has " .. table.concat(names, ", ") or "it has none")
    end
    local val, want = param_value(d, v)
    if want then fail("%s:%s: parameter %s must be %s (got '%s')", p.name, rname, k, want, v) end
    values[k] = val
  end
  for _, d in ipairs(r.params) do
    if values[d.name] == nil then values[d.name] = d.default end
  end
  return values
end

---------------------------------------------------------------------------
-- Running a report in the sandbox

-- The module finder of a pack: "lib.x" is lib/x.lua in the pack.
local function module_finder(p)
  return function(name)
    if not name:match("^[%w_]+[%w_.]*$") then return nil end
    local rel = name:gsub("%.", "/") .. ".lua"
    local text = p.source.read(rel)
    if text then return text, "@" .. p.source.path(rel) end
  end
end

-- The `pack` global of a report: its name, version and data files.
local function pack_global(p)
  local data = p.manifest.data
  local function data_text(name)
    local rel = data[name]
    if not rel then
      local names = {}
      for k in pairs(data) do names[#names + 1] = k end
      table.sort(names)
      error(string.format("pack %s has no data file named '%s' (%s)", p.name, tostring(name),
        #names > 0 and "it has " .. table.concat(names, ", ") or "it has none"), 3)
    end
    return assert(p.source.read(rel))
  end
  return {
    name = p.name,
    version = p.version,
    read = function(name) return data_text(name) end,
    lines = function(name)
      local text = data_text(name)
      if text ~= "" and text:sub(-1) ~= "\n" then text = text .. "\n" end
      return text:gmatch("([^\r\n]*)\r?\n")
    end,
  }
end

-- Builds the sandbox of pack p: cfg.corpus (or nil), cfg.params,
-- cfg.perms, cfg.roots (paths readable besides the pack's), cfg.extra
-- (more globals). Returns the environment and the guard.
local function make_env(p, cfg)
  local report = require "quarry.report"
  local who = "pack " .. p.name
  local roots = {}
  for _, r in ipairs(cfg.roots or {}) do roots[#roots + 1] = r end
  if p.source.dir then roots[#roots + 1] = p.source.dir end
  local guard = sandbox.guard(who, roots, cfg.perms.read)
  local rep = sandbox.report_api(report)
  local globals = { corpus = cfg.corpus, params = cfg.params, pack = pack_global(p) }
  for k, v in pairs(cfg.extra or {}) do globals[k] = v end
  local env = sandbox.env {
    who = who, perms = cfg.perms, guard = guard,
    quarry = sandbox.quarry_api(quarry, rep), report = rep,
    print = report.print,
    find_module = module_finder(p),
    globals = globals,
  }
  return env, guard
end

-- Runs f(...) in the sandbox's limits, with the guard on; raises a clean
-- message when it fails or is stopped.
local function run_guarded(p, guard, limits, f, ...)
  host.set_guard(guard)
  local res = table.pack(host.run_limited(limits.steps, limits.memory, f, ...))
  host.set_guard(nil)
  if res[1] then return table.unpack(res, 2, res.n) end
  local msg, why = res[2], res[3]
  if why == "budget" then
    fail("pack %s stopped: it ran past its budget of %d instructions (--max-steps N changes it; 0 is no limit)",
      p.name, limits.steps)
  elseif why == "memory" then
    fail("pack %s stopped: it used more than its %d MiB of memory (--max-memory changes it)",
      p.name, limits.memory >> 20)
  elseif why == "interrupted" or why == "timeout" then
    fail("pack %s stopped: %s", p.name, why == "timeout" and "timed out (--timeout)" or "interrupted")
  end
  error(msg, 0)
end

-- Limits from the runner's options.
local function limits_of(opts)
  local steps = opts.max_steps and math.tointeger(tonumber(opts.max_steps)) or pack.DEFAULT_STEPS
  local memory = opts.max_memory and math.tointeger(tonumber(opts.max_memory)) or pack.DEFAULT_MEMORY
  return { steps = steps, memory = memory }
end
pack.limits = limits_of

local function load_chunk(p, rel, env)
  local text, err = p.source.read(rel)
  if not text then fail("pack %s: %s", p.name, err) end
  local chunk, lerr = load(text, "@" .. p.source.path(rel), "t", env)
  if not chunk then error(lerr, 0) end
  return chunk
end

-- pack.run(P, report, corpus, words, opts): runs a report of P on corpus
-- with the parameters words ("k=v"); opts: allow, max_steps, max_memory,
-- roots (the corpus's paths).
function pack.run(p, rname, corpus, words, opts)
  opts = opts or {}
  local r = p.manifest.reports[rname]
  if not r then
    local names = {}
    for n in pairs(p.manifest.reports) do names[#names + 1] = n end
    table.sort(names)
    fail("pack %s has no report '%s' (its reports: %s)", p.name, rname, table.concat(names, ", "))
  end
  local perms = check_granted(p, granted(p, opts.allow), "run it")
  local params = pack.params(p, rname, words)
  local env, guard = make_env(p, { corpus = corpus, params = params, perms = perms,
                                   roots = opts.roots })
  local chunk = load_chunk(p, r.file, env)
  return run_guarded(p, guard, limits_of(opts), chunk, corpus, params)
end

---------------------------------------------------------------------------
-- Tests of a pack: quarry pack test NAME

local function deep_equal(a, b, seen)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  seen = seen or {}
  if seen[a] == b then return true end
  seen[a] = b
  for k, v in pairs(a) do
    if not deep_equal(v, b[k], seen) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" then return tostring(v) end
  local ok, s = pcall(quarry.json.encode, v)
  return ok and s or tostring(v)
end

-- Materializes a built-in pack into a temporary folder (its test corpus
-- must be files for quarry.open); returns the folder and a cleanup.
local function materialize(p)
  local base = os.getenv("TMPDIR")
  if not base or base == "" then base = "/tmp" end
  local tmp = assert(host.mkdtemp(base .. "/quarry-pack-"))
  local made, dirs = {}, {}
  local prefix = p.source.builtin
  for _, name in ipairs(host.embedded(prefix)) do
    local rel = name:sub(#prefix + 1)
    local path = tmp
    for part in rel:gmatch("([^/]+)/") do
      path = path .. "/" .. part
      if not dirs[path] then assert(host.mkdir(path, 448)); dirs[path] = true; table.insert(made, 1, path) end
    end
    local f = assert(io.open(tmp .. "/" .. rel, "wb"))
    f:write(core.embedded(name))
    f:close()
    table.insert(made, 1, tmp .. "/" .. rel)
  end
  return tmp, function()
    -- files first, then folders deepest first: `made` is in reverse order
    table.sort(made, function(a, b) return #a > #b end)
    for _, path in ipairs(made) do os.remove(path) end
    os.remove(tmp)
  end
end

-- pack.test(P, opts) -> passed, failed; writes one line per test through
-- opts.out (a function of a line).
function pack.test(p, opts)
  opts = opts or {}
  local out = opts.out or print
  local perms = check_granted(p, granted(p, opts.allow), "test it")
  local cleanup
  if p.source.builtin then
    local dir
    dir, cleanup = materialize(p)
    p = load_pack(dir_source(dir), p.where)
  end
  local dir = p.source.dir
  local passed, failed = 0, 0
  local ok, err = pcall(function()
    for _, file in ipairs(p.manifest.tests) do
      local tests = {}
      local function run_report(rname, corpus_path, params)
        local r = p.manifest.reports[rname]
        if not r then error("no report '" .. tostring(rname) .. "' in pack " .. p.name, 2) end
        local c = quarry.open(dir .. "/" .. corpus_path, { quiet = true })
        local words = {}
        for k, v in pairs(params or {}) do words[#words + 1] = k .. "=" .. tostring(v) end
        local values = pack.params(p, rname, words)
        local tables = {}
        -- capture what the report writes: the tables, not text
        local env = make_env(p, { corpus = c, params = values, perms = perms, roots = { dir } })
        local rep = env.report
        rep.table = function(rows, o)
          local rows_copy = {}
          for i = 1, #rows do rows_copy[i] = rows[i] end
          tables[#tables + 1] = { title = o and o.title, rows = rows_copy,
                                  columns = o and o.columns or rows.columns, options = o }
        end
        rep.print = function() end
        env.print = rep.print
        local chunk = load_chunk(p, r.file, env)
        chunk(c, values)
        return tables
      end
      local extra = {
        test = function(name, fn) tests[#tests + 1] = { name = name, fn = fn } end,
        eq = function(got, want, msg)
          if not deep_equal(got, want) then
            error((msg and msg .. ": " or "") .. "expected " .. show(want) .. ", got " .. show(got), 2)
          end
        end,
        ok = function(cond, msg)
          if not cond then error(msg or "check failed", 2) end
          return cond
        end,
        run_report = run_report,
        open = function(path, o) return quarry.open(dir .. "/" .. path, o) end,
      }
      local env, guard = make_env(p, { perms = perms, roots = { dir }, extra = extra })
      local chunk = load_chunk(p, file, env)
      run_guarded(p, guard, limits_of(opts), chunk)
      for _, t in ipairs(tests) do
        local tok, terr = pcall(run_guarded, p, guard, limits_of(opts), t.fn)
        if tok then
          passed = passed + 1
          out("ok    " .. file .. ": " .. t.name)
        else
          failed = failed + 1
          local msg = tostring(terr):gsub("\nstack traceback:.*", "")
          out("FAIL  " .. file .. ": " .. t.name .. "\n      " .. msg:gsub("\n", "\n      "))
        end
      end
    end
  end)
  if cleanup then cleanup() end
  if not ok then error(err, 0) end
  return passed, failed
end

---------------------------------------------------------------------------
-- Install, remove, new

-- Every file and folder below dir (relative paths), refusing links and
-- special files.
local function walk(dir, rel, files)
  files = files or {}
  local entries = assert(host.list(dir .. (rel and "/" .. rel or "")))
  for _, e in ipairs(entries) do
    local r = rel and rel .. "/" .. e.name or e.name
    if e.kind == "directory" then
      files[#files + 1] = { rel = r, dir = true }
      walk(dir, r, files)
    elseif e.kind == "file" then
      files[#files + 1] = { rel = r }
    else
      fail("%s/%s is a %s: a pack holds only files and folders", dir, r,
        e.kind == "link" and "symbolic link" or "special file")
    end
  end
  return files
end

local function remove_tree(dir)
  local ok, files = pcall(walk, dir)
  if ok then
    table.sort(files, function(a, b) return #a.rel > #b.rel end)
    for _, f in ipairs(files) do os.remove(dir .. "/" .. f.rel) end
  end
  os.remove(dir)
end

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function is_tarball(path)
  return path:match("%.tar$") or path:match("%.tar%.gz$") or path:match("%.tgz$")
      or path:match("%.tar%.xz$") or path:match("%.tar%.bz2$") or path:match("%.tar%.zst$")
end

-- pack.install(path, opts) -> P (installed). path is a pack folder or a
-- tarball of one (pack.lua at its top or in its one folder). Nothing is
-- installed until everything checks: the files are copied into a hidden
-- folder beside the packs, which is renamed into place at the end.
function pack.install(path, opts)
  opts = opts or {}
  local user = pack.user_dir()
  if not user then fail("cannot install: neither XDG_DATA_HOME nor HOME is set") end
  local kind, kerr = host.kind(path)
  if not kind then fail("%s", kerr) end
  -- the packs folder and its parents
  local acc = ""
  for part in user:gmatch("[^/]+") do
    acc = acc .. "/" .. part
    local ok, err = host.mkdir(acc)
    if not ok then fail("%s", err) end
  end
  local work = assert(host.mkdtemp(user .. "/.install-"))
  local ok, result = pcall(function()
    local src
    if kind == "directory" or (kind == "link" and host.kind(path .. "/.") == "directory") then
      src = path
    elseif kind == "file" and is_tarball(path) then
      local unpack_dir = work .. "/unpacked"
      assert(host.mkdir(unpack_dir, 448))
      local cmd = "tar -xf " .. shell_quote(path) .. " -C " .. shell_quote(unpack_dir)
        .. " --no-same-owner --no-same-permissions 2>&1"
      local proc = assert(io.popen(cmd))
      local msg = proc:read("a")
      local okx = proc:close()
      if not okx then fail("%s: cannot unpack: %s", path, (msg:gsub("%s+$", ""))) end
      src = unpack_dir
      if not host.kind(src .. "/pack.lua") then
        local top = assert(host.list(src))
        if #top == 1 and top[1].kind == "directory" then src = src .. "/" .. top[1].name end
      end
    else
      fail("%s is neither a pack folder nor a tarball (.tar, .tar.gz, .tgz, .tar.xz, .tar.bz2)", path)
    end
    local files = walk(src)
    for _, f in ipairs(files) do
      if f.rel == ALLOW_FILE then fail("%s/%s: a pack may not ship this file", src, ALLOW_FILE) end
    end
    local p = pack.load_dir(src)
    local perms = check_granted(p, granted({ manifest = p.manifest }, opts.allow), "install it")
    -- clashes: an installed pack, or one found elsewhere under the name
    local final = user .. "/" .. p.name
    if host.kind(final) then
      fail("pack %s is already installed (%s); quarry pack remove %s first", p.name, final, p.name)
    end
    for _, place in ipairs(places()) do
      if place.where ~= "installed" then
        for _, c in ipairs(candidates_in(place)) do
          if c.name == p.name then
            fail("a pack named %s is already found %s (%s): choose another name", p.name,
              place.where, c.source.dir or c.source.builtin)
          end
        end
      end
    end
    -- copy
    local stage = work .. "/pack"
    assert(host.mkdir(stage, 493))
    for _, f in ipairs(files) do
      if f.dir then
        local okm, err = host.mkdir(stage .. "/" .. f.rel, 493)
        if not okm then fail("%s", err) end
      else
        local data, err = read_file(src .. "/" .. f.rel)
        if not data then fail("%s", err) end
        local out, oerr = io.open(stage .. "/" .. f.rel, "wb")
        if not out then fail("%s", oerr) end
        local wok, werr = out:write(data)
        out:close()
        if not wok then fail("%s/%s: %s", stage, f.rel, werr) end
      end
    end
    local granted_list = {}
    for w in pairs(perms) do granted_list[#granted_list + 1] = w end
    table.sort(granted_list)
    if #granted_list > 0 then
      local out = assert(io.open(stage .. "/" .. ALLOW_FILE, "wb"))
      out:write(table.concat(granted_list, "\n"), "\n")
      out:close()
    end
    -- check the copy as it will be found, then put it in place
    pack.load_dir(stage)
    local okr, rerr = host.rename_new(stage, final)
    if not okr then fail("%s", rerr) end
    return p
  end)
  remove_tree(work)
  if not ok then error(result, 0) end
  return pack.find(result.name)
end

-- pack.remove(name) -> the removed pack's folder. Only installed packs can
-- be removed: the folder is first renamed out of the way (so that the pack
-- is gone at once, whole), then deleted.
function pack.remove(name)
  local user = pack.user_dir()
  local dir = user and user .. "/" .. name
  if not name:match(NAME) or not dir or host.kind(dir) ~= "directory" then
    for _, place in ipairs(places()) do
      if place.where ~= "installed" then
        for _, c in ipairs(candidates_in(place)) do
          if c.name == name then
            fail("pack %s is not installed but found %s (%s): quarry removes only the packs it installed",
              name, place.where, c.source.dir or c.source.builtin)
          end
        end
      end
    end
    fail("no installed pack named '%s'", name)
  end
  local trash = assert(host.mkdtemp(user .. "/.remove-"))
  local okr, err = os.rename(dir, trash .. "/" .. name)
  if not okr then
    os.remove(trash)
    fail("cannot remove %s: %s", dir, err)
  end
  remove_tree(trash)
  return dir
end

local SKELETON = {
  ["pack.lua"] = [[
-- The manifest of the pack %s (docs/packs.md): data only.
name = "%s"
version = "0.1.0"
description = "What this pack tells about a corpus, in one line"
license = "MIT"
authors = { "Your Name" }
api = %d
reports = {
  top = {
    file = "top.lua",
    description = "the most frequent words of the corpus",
    params = {
      { name = "top", type = "integer", default = 10, help = "how many words" },
      { name = "fold", type = "boolean", default = true, help = "ignore case" },
    },
  },
}
tests = { "tests/top_test.lua" }
permissions = {}
]],
  ["top.lua"] = [[
-- top: the most frequent words of the corpus. `corpus` and `params` are
-- globals (and the chunk's ...); report.table writes in the user's format.
local rows = corpus:freq { kind = "word", fold = params.fold, top = params.top }
report.table(rows, { title = "Top words", columns = { "form", "count", "docs" },
                     chart = { type = "bar", label = "form", value = "count" } })
]],
  ["tests/top_test.lua"] = [[
-- Tests of the pack, run by `quarry pack test %s` on the corpus in
-- tests/corpus.
test("the most frequent word comes first", function()
  local tables = run_report("top", "tests/corpus", { top = 2 })
  eq(#tables, 1)
  eq(tables[1].rows[1].form, "the")
  eq(tables[1].rows[1].count, 3)
  eq(#tables[1].rows, 2)
end)

test("case is folded unless asked", function()
  local tables = run_report("top", "tests/corpus", { fold = false, top = 50 })
  local forms = {}
  for _, r in ipairs(tables[1].rows) do forms[r.form] = r.count end
  eq(forms.The, 2)
  eq(forms.the, 1)
end)
]],
  ["tests/corpus/a.txt"] = "The cat sat on the mat.\nThe dog did not.\n",
}

-- pack.new(name, parent) -> the folder made: a working skeleton (a report,
-- its test, a small corpus), written whole or not at all.
function pack.new(name, parent)
  if type(name) ~= "string" or not name:match(NAME) then
    fail("bad pack name '%s' (lower-case letters, digits, - and _, starting with a letter)", tostring(name))
  end
  parent = parent or "."
  local final = parent .. "/" .. name
  if host.kind(final) then fail("%s already exists", final) end
  local work, err = host.mkdtemp(parent .. "/.quarry-new-")
  if not work then fail("%s", err) end
  local stage = work .. "/" .. name
  local ok, perr = pcall(function()
    for _, d in ipairs { "", "/tests", "/tests/corpus" } do assert(host.mkdir(stage .. d, 493)) end
    for rel, text in pairs(SKELETON) do
      local f = assert(io.open(stage .. "/" .. rel, "wb"))
      f:write((text:gsub("%%s", name):gsub("%%d", tostring(quarry.api_version))))
      f:close()
    end
    pack.load_dir(stage)
    local okr, rerr = host.rename_new(stage, final)
    if not okr then fail("%s", rerr) end
  end)
  remove_tree(work)
  if not ok then error(perr, 0) end
  return final
end

return pack
