-- manifest_test.lua — every manifest, however wrong, loads or fails with a
-- message naming pack.lua (never an internal error such as "attempt to
-- index a nil value" from the checker itself): random manifests built from
-- right and wrong values of every field, then the cases worth naming.
local T = require "testlib"
local pack = require "quarry.pack"

local dir = T.tmpfile("", "x"):gsub("/[^/]*$", "") .. "/p"
assert(os.execute("mkdir -p '" .. dir .. "/lib'"))
local function write(name, text)
  local f = assert(io.open(dir .. "/" .. name, "w"))
  f:write(text)
  f:close()
end
write("r.lua", "print(1)")
write("data.txt", "x")

-- for each field, values that are right and values that are wrong
local choices = {
  name = { '"p"', '"P"', '"p q"', "1", "{}", '""', '"' .. ("a"):rep(70) .. '"' },
  version = { '"1.0.0"', '"1.0"', '"1.0.0-beta.1"', "1", '"v1"' },
  description = { '"d"', '""', '"a\\nb"', "{}" },
  license = { '"MIT"', '""', "false" },
  authors = { '{"a"}', '"a"', "{}", "{1}", "3" },
  api = { "1", "2", "0", '"1"', "1.5", "-1" },
  reports = {
    '{ r = { file = "r.lua", description = "d" } }',
    '{ r = { file = "missing.lua", description = "d" } }',
    '{ r = { file = "../r.lua", description = "d" } }',
    '{ r = { file = "/etc/passwd", description = "d" } }',
    '{ R = { file = "r.lua", description = "d" } }',
    '{ r = "r.lua" }', "{}", '{ r = { file = "r.lua" } }',
    '{ r = { file = "r.lua", description = "d", params = { { name = "n", type = "integer", default = "x" } } } }',
    '{ r = { file = "r.lua", description = "d", params = { { name = "n", type = "float" } } } }',
    '{ r = { file = "r.lua", description = "d", params = { { name = "c", type = "choice" } } } }',
    '{ r = { file = "r.lua", description = "d", params = { { name = "n", type = "string" }, { name = "n", type = "string" } } } }',
    '{ r = { file = "r.lua", description = "d", params = { n = { type = "string" } } } }',
    '{ r = { file = "r.lua", description = "d", params = { "n" } } }',
  },
  data = { "nil", '{ d = "data.txt" }', '{ d = "nothing.txt" }', '{ "data.txt" }', '"data.txt"', '{ d = 3 }' },
  tests = { "nil", '{ "r.lua" }', '{ "none.lua" }', '{ 3 }', '"r.lua"' },
  permissions = { "nil", "{}", '{ "read" }', '{ "fly" }', '"read"', "{ 1 }" },
  extra = { "nil", 'homepage = "h"', 'colour = "red"', "x = nil", "print = 1" },
}
local fields = { "name", "version", "description", "license", "authors", "api", "reports", "data",
                 "tests", "permissions" }

T.test("600 random manifests load or fail naming pack.lua", function()
  math.randomseed(19)
  local loaded, failed = 0, 0
  for i = 1, 600 do
    local lines = {}
    for _, f in ipairs(fields) do
      if math.random() < 0.9 then
        local opts = choices[f]
        -- the first choice of each field is right: mostly right manifests,
        -- with one or two things wrong, reach the deeper checks
        local v = math.random() < 0.7 and opts[1] or opts[math.random(#opts)]
        lines[#lines + 1] = f .. " = " .. v
      end
    end
    local extra = choices.extra[math.random(#choices.extra)]
    if extra ~= "nil" then lines[#lines + 1] = extra end
    write("pack.lua", table.concat(lines, "\n"))
    local ok, err = pcall(pack.load_dir, dir)
    if ok then
      loaded = loaded + 1
    else
      failed = failed + 1
      assert(type(err) == "string", "manifest " .. i .. ": the error is a " .. type(err))
      assert(err:find(dir .. "/pack.lua", 1, true),
             "manifest " .. i .. ": the error does not name pack.lua: " .. err .. "\n" .. table.concat(lines, "\n"))
      assert(not err:find("attempt to", 1, true) or err:find("pack.lua:%d+: attempt"),
             "manifest " .. i .. ": an internal error: " .. err .. "\n" .. table.concat(lines, "\n"))
    end
  end
  assert(loaded > 5 and failed > 300, "loaded " .. loaded .. ", failed " .. failed)
end)

T.test("a parameter value is converted to its type or refused", function()
  write("pack.lua", [[
name = "p" version = "1.0.0" description = "d" license = "MIT" authors = { "a" } api = 1
reports = { r = { file = "r.lua", description = "d", params = {
  { name = "n", type = "integer", default = 3 },
  { name = "x", type = "number" },
  { name = "b", type = "boolean", default = false },
  { name = "c", type = "choice", choices = { "one", "two" }, default = "one" },
  { name = "s", type = "string" } } } }]])
  local p = pack.load_dir(dir)
  T.eq(pack.params(p, "r", {}), { n = 3, b = false, c = "one" }, "the defaults")
  T.eq(pack.params(p, "r", { "n=12", "x=2.5", "b=yes", "c=two", "s=a=b" }),
       { n = 12, x = 2.5, b = true, c = "two", s = "a=b" }, "given")
  T.raises(function() pack.params(p, "r", { "n=1.5" }) end, "parameter n must be an integer (got '1.5')")
  T.raises(function() pack.params(p, "r", { "x=nan" }) end, "parameter x must be a number (got 'nan')")
  T.raises(function() pack.params(p, "r", { "b=maybe" }) end, "parameter b must be true or false")
  T.raises(function() pack.params(p, "r", { "c=three" }) end, "parameter c must be one of one, two")
  T.raises(function() pack.params(p, "r", { "z=1" }) end, "p:r has no parameter 'z' (it has n, x, b, c, s)")
end)
