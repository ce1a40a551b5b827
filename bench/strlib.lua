-- bench/strlib.lua — the workload of the string-pattern benchmark
-- (bench/bench_strlib.c runs it in a plain Lua state, with Lua's own
-- string library, and in a quarry state, with the budgeted matcher of
-- core/lua/lqr_strlib.c, and prints the ratio).
--
-- Returns a function of a text that times each call (median of 3 after a
-- warm-up, ms of CPU time, bench/timing.lua's way) and returns rows of
-- { name, ms, result }; the results must agree between the two states.
local function median(f)
  local result = f()
  local times = {}
  for i = 1, 3 do
    local t0 = os.clock()
    result = f()
    times[i] = (os.clock() - t0) * 1000
  end
  table.sort(times)
  return times[2], result
end

local cases = {
  { "gmatch('%a+'): words", function(t)
      local n = 0
      for _ in t:gmatch("%a+") do n = n + 1 end
      return n
    end },
  { "gsub('%s+', ' ')", function(t) return select(2, t:gsub("%s+", " ")) end },
  { "gsub('(%w+)', '<%1>')", function(t) return #t:gsub("(%w+)", "<%1>") end },
  { "gsub('%w+', table)", function(t)
      local map = { the = "THE", of = "OF", ["and"] = "AND" }
      return select(2, t:gsub("%w+", map))
    end },
  { "lines: match('^%s*(.-)%s*$')", function(t)
      local n = 0
      for line in t:gmatch("[^\n]+") do n = n + #line:match("^%s*(.-)%s*$") end
      return n
    end },
  { "gmatch('%f[%a]the%f[%A]')", function(t)
      local n = 0
      for _ in t:gmatch("%f[%a]the%f[%A]") do n = n + 1 end
      return n
    end },
  { "find('%d%d%d%d%-%d%d%-%d%d') (a miss)", function(t)
      return t:find("%d%d%d%d%-%d%d%-%d%d") or 0
    end },
  { "find('[Xx]enophobi[ac]') (a miss)", function(t) return t:find("[Xx]enophobi[ac]") or 0 end },
  { "find('the zebras', 1, true) (a miss)", function(t) return t:find("the zebras", 1, true) or 0 end },
}

return function(text)
  local rows = {}
  for _, c in ipairs(cases) do
    local ms, result = median(function() return c[2](text) end)
    rows[#rows + 1] = { c[1], ms, result }
  end
  return rows
end
