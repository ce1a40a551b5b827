-- quarry.sandbox — the environment a script pack runs in (docs/packs.md).
--
-- A pack gets an _ENV built for it, not the state's globals with holes
-- punched in: the safe part of the standard library (copies of its tables,
-- so a pack that changes string.format changes only its own), the quarry
-- API, and file access as far as its permissions go. What it must never
-- reach — io and os as they are, debug, package, require of C modules,
-- load of binary chunks, string.dump, the real string metatable — is simply
-- not there. The limits that no environment can give (memory, instructions,
-- and stopping inside a long C call) are the runner's: host.run_limited and
-- the budgeted string matcher (core/lua/lqr_budget.c, lqr_strlib.c).
--
-- This file keeps what it needs of the real libraries in locals, at load
-- time, before any pack code has run.

local host = debug.getregistry()["quarry.host"]
local raw_getmetatable = debug.getmetatable
local getinfo, traceback = debug.getinfo, debug.traceback
local io_open, io_lines = io.open, io.lines
local real_load, real_setmetatable, real_getmetatable = load, setmetatable, getmetatable
local pairs, ipairs, type, error, select, tostring = pairs, ipairs, type, error, select, tostring
local format = string.format

local sandbox = {}

sandbox.permissions = {
  read = "read files outside the corpus and the pack",
  write = "write, rename and remove files",
  exec = "run programs (os.execute, io.popen) and read the environment",
}

local function copy(t, except)
  local c = {}
  for k, v in pairs(t) do
    if not (except and except[k]) then c[k] = v end
  end
  return c
end

-- The string library a pack sees: no dump (a function's bytecode is a way
-- back to binary chunks), and the matching functions are the budgeted ones
-- (the state's string table has them since it was made).
local safe_string = copy(string, { dump = true })

-- Strings find their methods in a copy no pack can reach, once any pack has
-- been set up in this state (host.seal_strings). Host code never calls
-- ("").dump, so sealing for the rest of the run costs nothing.
local sealed = false
local function seal_strings()
  if not sealed then
    host.seal_strings(copy(safe_string))
    sealed = true
  end
end

-- "file:line:" of the innermost Lua function below the C function that asked
-- (the pack's call of quarry.open or io.open), for the guard's messages.
local function pack_position()
  for level = 3, 20 do
    local info = getinfo(level, "Sl")
    if not info then break end
    if info.what ~= "C" and info.currentline and info.currentline > 0 then
      return info.short_src .. ":" .. info.currentline .. ": "
    end
  end
  return ""
end

local function under(path, root)
  return path == root or path:sub(1, #root + 1) == root .. "/"
end

-- The real path of a file that may not exist yet: its folder's real path
-- and its name.
local function resolve(path)
  local real = host.realpath(path)
  if real then return real end
  local dir, name = path:match("^(.*)/([^/]+)$")
  if not dir then dir, name = ".", path end
  local rdir = host.realpath(dir == "" and "/" or dir)
  return rdir and (rdir .. "/" .. name)
end

-- A guard (the function every C reader of the API calls with a path, and
-- io.open here): it lets through paths inside one of roots (real paths),
-- and raises for the rest, naming the pack, the path and the permission
-- that would allow it.
function sandbox.guard(who, roots, anywhere)
  local real_roots = {}
  for _, r in ipairs(roots) do
    local real = host.realpath(r)
    if real then real_roots[#real_roots + 1] = real end
  end
  return function(path)
    if anywhere then return end
    local real = type(path) == "string" and resolve(path)
    if real then
      for _, r in ipairs(real_roots) do
        if under(real, r) then return end
      end
    end
    error(pack_position() .. format("%s may not read %s: it is outside the corpus and the pack "
      .. "(the pack does not ask for the 'read' permission)", who, tostring(path)), 0)
  end
end

local function refuse(who, what, perm)
  return function()
    error(format("%s may not %s (the pack does not ask for the '%s' permission)", who, what, perm), 2)
  end
end

-- sandbox.env(cfg) -> a new environment. cfg:
--   who         "pack news" — for messages
--   perms       set of granted permissions {read = true, ...}
--   guard       the read guard (sandbox.guard)
--   quarry      the quarry table the pack sees; report, the report table
--   print       what print does (report.print)
--   find_module function(name) -> source text, chunk name; or nil
--   globals     more globals (corpus, params, pack ...)
function sandbox.env(cfg)
  seal_strings()
  local who, perms, guard = cfg.who, cfg.perms or {}, cfg.guard
  local env = {}
  for _, k in ipairs { "assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal",
                       "rawget", "rawlen", "rawset", "select", "tonumber", "tostring", "type",
                       "xpcall", "_VERSION" } do
    env[k] = _G[k]
  end
  env.string = copy(safe_string)
  env.table = copy(table)
  env.math = copy(math)
  env.utf8 = copy(utf8)
  env.coroutine = copy(coroutine)
  env.os = { time = os.time, clock = os.clock, date = os.date, difftime = os.difftime }
  -- of debug, tracebacks only (for xpcall's handler): the rest reaches
  -- locals, upvalues, metatables and the registry
  env.debug = { traceback = traceback }
  env._G = env
  env.print = cfg.print

  -- collectgarbage, without stopping the collector (the memory cap would
  -- then be reached by garbage)
  env.collectgarbage = function(opt, ...)
    if opt == "stop" then error("collectgarbage('stop') is not available in a pack", 2) end
    return collectgarbage(opt, ...)
  end

  -- Metatables: a pack sees and changes only those it set itself; the API's
  -- objects and strings keep theirs to themselves (their methods tables are
  -- shared with quarry's own code).
  local own = real_setmetatable({}, { __mode = "k" })
  env.setmetatable = function(t, mt)
    if type(t) == "table" then
      local cur = raw_getmetatable(t)
      if cur ~= nil and not own[cur] then
        error("cannot change the metatable of a table quarry made", 2)
      end
    end
    if type(mt) == "table" then own[mt] = true end
    return real_setmetatable(t, mt)
  end
  env.getmetatable = function(v)
    local mt = raw_getmetatable(v)
    if mt ~= nil and own[mt] then return real_getmetatable(v) end
    return nil
  end

  -- load: text only, and in this environment unless given another one
  env.load = function(chunk, name, mode, e)
    if mode ~= nil and mode ~= "t" then
      if type(mode) ~= "string" then error("bad argument #3 to 'load' (string expected)", 2) end
      if not mode:find("t", 1, true) then
        return nil, "binary chunks cannot be loaded in a pack (mode 't' only)"
      end
    end
    if e == nil then e = env end
    return real_load(chunk, name, "t", e)
  end

  -- require: the pack's own Lua files and quarry, nothing else
  local loaded = {}
  env.require = function(name)
    if type(name) ~= "string" then
      error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2)
    end
    if loaded[name] ~= nil then return loaded[name] end
    if name == "quarry" then return cfg.quarry end
    if name == "quarry.report" then return cfg.report end
    local text, chunkname
    if cfg.find_module then text, chunkname = cfg.find_module(name) end
    if not text then
      error(format("module '%s' not found: %s can require its own Lua files and quarry, "
        .. "not C modules nor the system's Lua modules", name, who), 2)
    end
    local f, err = real_load(text, chunkname, "t", env)
    if not f then error(err, 0) end
    local v = f(name, chunkname)
    if v == nil then v = true end
    loaded[name] = v
    return v
  end

  -- files: reading inside the corpus and the pack (anywhere with 'read');
  -- writing only with 'write'
  local function open(path, mode)
    mode = mode or "r"
    if type(path) ~= "string" then error("bad argument #1 to 'open' (string expected)", 2) end
    if type(mode) ~= "string" then error("bad argument #2 to 'open' (string expected)", 2) end
    local writes = not mode:match("^rb?$")
    if writes and not perms.write then
      error(format("%s may not write %s (the pack does not ask for the 'write' permission)",
        who, path), 2)
    end
    if not writes then guard(path) end
    return io_open(path, mode)
  end
  env.io = {
    open = open,
    lines = function(path, ...)
      if path == nil then error("io.lines needs a file name in a pack", 2) end
      guard(path)
      return io_lines(path, ...)
    end,
  }
  if perms.write then
    env.os.remove, env.os.rename, env.os.tmpname = os.remove, os.rename, os.tmpname
  else
    env.os.remove = refuse(who, "remove files", "write")
    env.os.rename = refuse(who, "rename files", "write")
  end
  if perms.exec then
    env.os.execute, env.io.popen, env.os.getenv = os.execute, io.popen, os.getenv
  else
    env.os.execute = refuse(who, "run programs", "exec")
    env.io.popen = refuse(who, "run programs", "exec")
    env.os.getenv = refuse(who, "read the environment", "exec")
  end

  env.quarry = cfg.quarry
  env.report = cfg.report
  for k, v in pairs(cfg.globals or {}) do env[k] = v end
  return env
end

-- The quarry table a pack sees: the API's functions (the C readers among
-- them ask the guard), not the module table itself, which quarry's own code
-- keeps using.
function sandbox.quarry_api(quarry, report)
  local api = {}
  for _, k in ipairs { "version", "api_version", "max_candidates", "kinds", "open", "gazetteer",
                       "segmenter", "tokenize", "sentences", "cooccurrences" } do
    api[k] = quarry[k]
  end
  api.json = copy(quarry.json)
  api.report = report
  return api
end

-- The report table a pack sees: writing tables and text; not setup or
-- finish, which belong to the runner.
function sandbox.report_api(report)
  local r = {}
  for _, k in ipairs { "table", "print", "render", "concordance", "key_order" } do
    r[k] = report[k]
  end
  r.formats = copy(report.formats)
  return r
end

return sandbox
