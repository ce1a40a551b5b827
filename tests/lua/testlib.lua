-- testlib.lua — a tiny harness for the Lua API tests.
--
-- Each test prints "ok N - name" or "not ok N - name" followed by the error
-- indented with "# " (the TAP convention); tests/run counts those lines.
-- A test file that dies outside a test counts as one failure.
local T = {}
local count = 0

local function describe(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

-- Runs fn as one named test; an error inside fails it and the next test runs.
function T.test(name, fn)
  count = count + 1
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    print(string.format("ok %d - %s", count, name))
  else
    print(string.format("not ok %d - %s", count, name))
    for line in tostring(err):gmatch("[^\n]+") do print("# " .. line) end
  end
end

-- Deep equality for plain values and tables.
function T.same(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do if not T.same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

function T.eq(got, want, what)
  if not T.same(got, want) then
    error(string.format("%s: expected %s, got %s", what or "value", describe(want),
                        describe(got)), 2)
  end
end

-- Asserts that fn raises an error whose message contains pattern (plain).
function T.raises(fn, pattern)
  local ok, err = pcall(fn)
  if ok then error("expected an error matching '" .. pattern .. "'", 2) end
  if not tostring(err):find(pattern, 1, true) then
    error(string.format("error %q does not contain %q", tostring(err), pattern), 2)
  end
  return err
end

-- The bytes of the file at path.
function T.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- Writes bytes to a new temporary file and returns its path; name, if
-- given, ends the file's name (a suffix such as ".jsonl" matters to
-- quarry). The files live in one directory per test file, removed when the
-- Lua state closes, so that a test that fails half-way leaves nothing behind.
local tmpdir, ntmp = nil, 0
function T.tmpfile(bytes, name)
  if not tmpdir then
    tmpdir = os.tmpname()
    os.remove(tmpdir)
    assert(os.execute("mkdir -p '" .. tmpdir .. "'"))
    T.tmp_cleanup = setmetatable({}, { __gc = function() os.execute("rm -rf '" .. tmpdir .. "'") end })
  end
  ntmp = ntmp + 1
  local path = string.format("%s/%d-%s", tmpdir, ntmp, name or "file")
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
  return path
end

return T
