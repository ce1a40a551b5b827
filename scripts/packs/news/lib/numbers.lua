-- lib/numbers.lua — the value of a number as news writes it: figures
-- ("7,000", "24"), words ("nine", "a quarter", "dozens"), ordinals
-- ("second"), a unit of time that scales it ("century"), and the hedge in
-- front of it ("approximately", "over", "nearly", "less than"), which makes
-- the claim a range rather than a point.
local N = {}

local words = {
  a = 1, an = 1, one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7,
  eight = 8, nine = 9, ten = 10, eleven = 11, twelve = 12, thirteen = 13, fourteen = 14,
  fifteen = 15, sixteen = 16, seventeen = 17, eighteen = 18, nineteen = 19, twenty = 20,
  thirty = 30, forty = 40, fifty = 50, hundred = 100, thousand = 1000, dozen = 12,
  half = 0.5, quarter = 0.25,
}
local ordinals = { first = 1, second = 2, third = 3, fourth = 4, fifth = 5, sixth = 6,
                   seventh = 7, eighth = 8, ninth = 9, tenth = 10 }
N.ordinals = ordinals
-- a unit of time in years
local unit_years = { year = 1, years = 1, decade = 10, decades = 10, century = 100, centuries = 100 }

-- Hedges: the range a hedged value n stands for.
local hedges = {
  { "more than", function(n) return n, n * 1.5, false end },
  { "less than", function(n) return 0, n, false end },
  { "fewer than", function(n) return 0, n, false end },
  { "at least", function(n) return n, n * 1.5 end },
  { "at most", function(n) return 0, n end },
  { "up to", function(n) return 0, n end },
  { "approximately", function(n) return n * 0.9, n * 1.1 end },
  { "roughly", function(n) return n * 0.9, n * 1.1 end },
  { "around", function(n) return n * 0.9, n * 1.1 end },
  { "about", function(n) return n * 0.9, n * 1.1 end },
  { "some", function(n) return n * 0.9, n * 1.1 end },
  { "almost", function(n) return n * 0.9, n end },
  { "nearly", function(n) return n * 0.9, n end },
  { "over", function(n) return n, n * 1.5 end },
  { "under", function(n) return 0, n end },
}

-- Parses "approximately 7,000", "over 11,000", "24", "nearly a quarter",
-- "dozens", "second"; unit (optional) scales years ("century" = 100).
-- Returns {value, low, high, hedge, ordinal} or nil.
function N.parse(text, unit)
  local t = " " .. text:lower():gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "") .. " "
  local hedge, range = "", nil
  for _, h in ipairs(hedges) do
    local a, b = t:find(" " .. h[1] .. " ", 1, true)
    if a == 1 then hedge, range = h[1], h[2]; t = t:sub(b); break end
  end
  t = t:gsub("^ ", ""):gsub(" $", "")
  local value, ordinal
  local fig = t:match("^(%d[%d,]*%.?%d*)$")
  if fig then
    value = tonumber((fig:gsub(",", "")))
  elseif ordinals[t] then
    value, ordinal = ordinals[t], true
  elseif t == "dozens" then
    value, hedge, range = 24, "dozens", function() return 24, 99 end
  elseif t == "hundreds" then
    value, hedge, range = 200, "hundreds", function() return 200, 999 end
  else
    local v
    for w in t:gmatch("%a+") do
      local x = words[w]
      if not x then return nil end
      if v and x >= 100 then v = v * x
      elseif v and x < 1 then v = x          -- "a quarter": the fraction counts
      else v = (v or 0) + x end
    end
    value = v
  end
  if not value then return nil end
  local scale = unit and unit_years[unit:lower()] or 1
  value = value * scale
  local low, high = value, value
  if range then low, high = range(value) end
  return { value = value, low = low, high = high, hedge = hedge, ordinal = ordinal }
end

-- Whether two parsed values can be the same fact: their ranges overlap.
function N.agree(a, b)
  return a.low <= b.high and b.low <= a.high
end

-- A number as a reader wants it: integral values without ".0", with the
-- thousands grouped ("11,000").
function N.format(v)
  if v == math.floor(v) then
    local s = tostring(math.floor(v))
    local out = s:reverse():gsub("(%d%d%d)", "%1,"):reverse()
    return (out:gsub("^,", ""))
  end
  return string.format("%g", v)
end

return N
