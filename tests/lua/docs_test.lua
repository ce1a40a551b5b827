-- docs_test.lua — every Lua example in docs/lua-api.md and README.md runs,
-- and prints what `quarry run` would print for it: what the page says it prints (the ```output block after it, or
-- after the text that follows it, when there is one).
local T = require "testlib"

-- The examples of a page: a ```lua block, and the next ```output block when
-- it comes before the next ```lua block.
local function examples_of(path)
  local f = assert(io.open(path))
  local doc = f:read("a")
  f:close()
  local found, pos = {}, 1
  while true do
    local s, e, code = doc:find("\n```lua\n(.-)\n```\n", pos)
    if not s then break end
    local heading = doc:sub(1, s):match(".*\n#+ ([^\n]+)") or path
    local next_lua = doc:find("\n```lua\n", e) or #doc + 1
    local o1, _, out = doc:find("\n?```output\n(.-)```\n", e)
    if not o1 or o1 > next_lua then out = nil end
    found[#found + 1] = { code = code, output = out, heading = path .. ": " .. heading }
    pos = e
  end
  return found
end

local examples = examples_of("docs/lua-api.md")
local readme = examples_of("README.md")

T.test("the reference and the README have examples", function()
  assert(#examples >= 25, "only " .. #examples .. " examples in docs/lua-api.md")
  assert(#readme >= 2, "only " .. #readme .. " examples in README.md")
end)
for _, ex in ipairs(readme) do examples[#examples + 1] = ex end

-- the query language's tutorial: every example runs as the page shows it
local query_page = examples_of("docs/query.md")
T.test("the query language's page has examples", function()
  assert(#query_page >= 10, "only " .. #query_page .. " examples in docs/query.md")
end)
for _, ex in ipairs(query_page) do examples[#examples + 1] = ex end

for i, ex in ipairs(examples) do
  T.test(string.format("example %d (%s)", i, ex.heading), function()
    local buf = {}
    local function write(...)
      for _, s in ipairs({ ... }) do buf[#buf + 1] = tostring(s) end
    end
    -- print is report.print, as under `quarry run`, so that the spacing
    -- between printed lines and tables is what a user sees
    local env = setmetatable({
      print = function(...) report.print(...) end,
      io = setmetatable({ write = write }, { __index = io }),
    }, { __index = _G })
    local saved = report.setup { format = "table", write = write }
    local chunk = assert(load(ex.code, "=example " .. i, "t", env))
    local ok, err = pcall(chunk)
    report.finish()
    report.setup(saved)
    assert(ok, err)
    if ex.output then T.eq(table.concat(buf), ex.output, "output") end
  end)
end
