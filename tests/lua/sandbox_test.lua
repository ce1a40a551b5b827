-- sandbox_test.lua — a script pack cannot escape its sandbox (docs/packs.md).
--
-- tests/data/packs/escape holds one report per escape attempt; each must
-- stop with the message given here, and the run after it must find the
-- corpus and quarry as they were. The budget and the memory cap are small
-- here so that the endless cases end fast.
local T = require "testlib"
local pack = require "quarry.pack"
local quarry = require "quarry"

local p = pack.load_dir("tests/data/packs/escape")
local c = quarry.open("corpus/", { quiet = true })
local limits = { max_steps = 20000000, max_memory = 64 << 20, roots = { "corpus/" } }

local function run(name, opts)
  local o = {}
  for k, v in pairs(limits) do o[k] = v end
  for k, v in pairs(opts or {}) do o[k] = v end
  return pack.run(p, name, c, {}, o)
end

local READ = "may not read /etc/passwd: it is outside the corpus and the pack"
local expected = {
  read_passwd = READ,
  lines_passwd = READ,
  open_passwd = READ,
  open_etc = "may not read corpus/../../../../../../../../etc",
  gazetteer_passwd = READ,
  gazetteer_load = READ,
  abbreviations = READ,
  corpus_gazetteer = READ,
  write_file = "pack escape may not write escape-was-here (the pack does not ask for the 'write' permission)",
  remove_file = "pack escape may not remove files",
  execute = "pack escape may not run programs (the pack does not ask for the 'exec' permission)",
  popen = "pack escape may not run programs",
  getenv = "pack escape may not read the environment",
  require_c = "module 'quarry.core' not found: pack escape can require its own Lua files and quarry",
  require_lpeg = "module 'lpeg' not found",
  require_io = "module 'io' not found",
  package_loaded = "attempt to index a nil value (global 'package')",
  debug_registry = "attempt to call a nil value (field 'getregistry')",
  debug_upvalue = "attempt to call a nil value (field 'getupvalue')",
  string_meta = "attempt to index a nil value",
  string_dump_method = "attempt to call a nil value (field 'dump')",
  string_dump = "attempt to call a nil value (field 'dump')",
  load_bytecode = "attempt to load a binary chunk (mode is 't')",
  load_mode_b = "binary chunks cannot be loaded in a pack",
  load_env = "attempt to call a nil value (field 'getregistry')",
  corpus_methods = "attempt to index a nil value",
  gc_stop = "collectgarbage('stop') is not available in a pack",
  endless = "pack escape stopped: it ran past its budget of 20000000 instructions",
  endless_pcall = "pack escape stopped: it ran past its budget",
  endless_coroutine = "pack escape stopped: it ran past its budget",
  big_string = "resulting string too large",   -- Lua's own limit, 2 GB
  big_string_1g = "pack escape stopped: it used more than its 64 MiB of memory",
  big_table = "pack escape stopped: it used more than its 64 MiB of memory",
  big_concat = "pack escape stopped: it used more than its 64 MiB of memory",
  deep_recursion = "stack overflow",
  c_recursion = "stack overflow",
  find_backtrack = "pack escape stopped: it ran past its budget",
  gsub_backtrack = "pack escape stopped: it ran past its budget",
}

local names = {}
for name in pairs(p.manifest.reports) do names[#names + 1] = name end
table.sort(names)

T.test("every escape report has an expected message, and every message a report", function()
  for _, name in ipairs(names) do assert(expected[name], "no expected message for " .. name) end
  for name in pairs(expected) do assert(p.manifest.reports[name], "no report " .. name) end
end)

for _, name in ipairs(names) do
  T.test("escape stopped: " .. p.manifest.reports[name].description, function()
    local t0 = os.clock()
    T.raises(function() run(name) end, expected[name])
    -- stopped soon, whatever it tried
    assert(os.clock() - t0 < 20, name .. " took " .. (os.clock() - t0) .. " s to stop")
    -- and nothing of quarry changed: the corpus still answers
    T.eq(c:count("Putin"), 49, "the corpus after " .. name)
  end)
end

T.test("nothing was written or run", function()
  T.eq(io.open("escape-was-here"), nil, "a file an escape would have made")
  T.eq(io.open("corpus/gazetteer.tsv") ~= nil, true, "the gazetteer is still there")
end)

-- Writes a pack of one report r (its code) in a new folder; returns it loaded.
local function make_pack(name, manifest_extra, code)
  local dir = T.tmpfile("", name):gsub("/[^/]*$", "") .. "/" .. name
  assert(os.execute("mkdir -p '" .. dir .. "'"))
  local f = assert(io.open(dir .. "/pack.lua", "w"))
  f:write('name = "', name, '" version = "1.0.0" description = "a test pack" license = "MIT" ',
          'authors = {"x"} api = 1 reports = { r = { file = "r.lua", description = "x" } } ',
          manifest_extra)
  f:close()
  f = assert(io.open(dir .. "/r.lua", "w"))
  f:write(code)
  f:close()
  return pack.load_dir(dir)
end

T.test("a permission the pack asks for must be granted, and then only it", function()
  local rp = make_pack("reader", 'permissions = { "read" }',
                       'assert(#io.open("/etc/passwd"):read("l") > 0) os.execute("true")')
  T.raises(function() pack.run(rp, "r", c, {}, limits) end,
           "pack reader asks for permission to read (read files outside the corpus and the pack); "
           .. "run it with --allow read to agree")
  -- granted: it reads, and still may not run programs
  T.raises(function() pack.run(rp, "r", c, {}, { allow = "read", roots = { "corpus/" } }) end,
           "pack reader may not run programs")
  T.raises(function() pack.run(rp, "r", c, {}, { allow = "fly" }) end,
           "unknown permission 'fly' in --allow")
end)

T.test("a pack cannot change what quarry's own code calls", function()
  -- the pack's tables are its own copies
  local mp = make_pack("mischief", "", 'string.format = nil table.concat = nil quarry.open = nil '
                       .. 'report.table = nil math.floor = nil')
  pack.run(mp, "r", c, {}, limits)
  T.eq(type(string.format), "function", "string.format")
  T.eq(type(table.concat), "function", "table.concat")
  T.eq(type(quarry.open), "function", "quarry.open")
  T.eq(type(report.table), "function", "report.table")
  T.eq(("%d"):format(3), "3", "the string methods")
end)

T.test("debug.traceback is there, for xpcall's handler", function()
  local tp = make_pack("tracer", "", 'local ok, tb = xpcall(error, debug.traceback, "boom") '
                       .. 'assert(not ok and tb:find("boom") and tb:find("stack traceback"))')
  pack.run(tp, "r", c, {}, limits)
end)

T.test("inside the corpus and the pack, files can be read", function()
  local rp = make_pack("inside", 'data = { words = "r.lua" }',
    'local n = 0 for _ in io.lines("corpus/gazetteer.tsv") do n = n + 1 end assert(n > 200, n) '
    .. 'assert(io.open("corpus/01-putin-visits-north-korea-amid-military-ties.txt"):read("l"):find("Putin")) '
    .. 'assert(pack.read("words"):find("io.lines", 1, true)) '
    .. 'assert(#quarry.open("corpus/", { quiet = true }) == 5) '
    .. 'assert(#quarry.gazetteer("corpus/gazetteer.tsv") > 200)')
  pack.run(rp, "r", c, {}, limits)
end)

T.test("pack.lines gives a data file's lines, the last one with or without its newline", function()
  for i, text in ipairs { "one\ntwo\n", "one\r\ntwo" } do
    local dir = T.tmpfile("", "lines"):gsub("/[^/]*$", "") .. "/lines" .. i
    assert(os.execute("mkdir -p '" .. dir .. "'"))
    local f = assert(io.open(dir .. "/w.txt", "wb"))
    f:write(text)
    f:close()
    f = assert(io.open(dir .. "/pack.lua", "w"))
    f:write('name = "lines" version = "1.0.0" description = "d" license = "MIT" authors = {"x"} ',
            'api = 1 data = { w = "w.txt" } reports = { r = { file = "r.lua", description = "x" } }')
    f:close()
    f = assert(io.open(dir .. "/r.lua", "w"))
    f:write('local got = {} for l in pack.lines("w") do got[#got + 1] = l end ',
            'assert(#got == 2 and got[1] == "one" and got[2] == "two", table.concat(got, "|"))')
    f:close()
    pack.run(pack.load_dir(dir), "r", c, {}, limits)
  end
end)
