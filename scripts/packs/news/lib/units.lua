-- lib/units.lua — every number of the corpus by the noun it counts ("24
-- years", "7,000 containers", "nine months", "50 such missiles"), grouped
-- by that noun across documents: the claims no topic names yet.
local common = require "lib.common"
local dates = require "lib.dates"
local numbers = require "lib.numbers"

local U = {}

local NUMBER_WORDS = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
  .. "thirty|forty|fifty|hundred|thousand|dozens|hundreds|thousands|millions"
local SKIP = "such|more|other|additional|new|further|of|the"
local STOP = "and|or|of|to|the|a|an|in|on|at|for|with|as|by|from|that|this|is|was|were|are|per|percent"

-- rows: counts (the noun), one column per document holding its values, docs
function U.by_unit(corpus)
  local taken = {}
  for _, r in ipairs(dates.find(corpus)) do
    taken[r.doc_index] = taken[r.doc_index] or {}
    table.insert(taken[r.doc_index], r)
  end
  local q = 'v:([kind="number"] | [lower="' .. NUMBER_WORDS .. '"]) ([lower="' .. SKIP ..
            '"] | [shape="Xx+"])? u:[kind="word" & shape="x+" & lower!="' .. STOP .. '"] within s'
  local groups, order = {}, {}
  for m in corpus:query(q) do
    local v = m.captures.v
    local in_date = false
    for _, r in ipairs(taken[m.doc_index] or {}) do
      if v.first >= r.first and v.last <= r.last then in_date = true end
    end
    local n = numbers.parse(v.text)
    if n and not in_date then
      local word = m.captures.u.text:lower()
      local unit = word:gsub("ies$", "y"):gsub("([^s])s$", "%1")
      local g = groups[unit]
      if not g then g = { unit = word, docs = {}, ndocs = 0, cells = {} }; groups[unit] = g; order[#order + 1] = unit end
      if not g.docs[m.doc_index] then g.docs[m.doc_index] = true; g.ndocs = g.ndocs + 1 end
      local cell = g.cells[m.doc_index] or {}
      g.cells[m.doc_index] = cell
      local shown = common.squash(m.text)
      local dup = false
      for _, x in ipairs(cell) do if x == shown then dup = true end end
      if not dup then cell[#cell + 1] = shown end
    end
  end
  local cols = { "counts" }
  for d in corpus:docs() do cols[#cols + 1] = common.doc_short(d) end
  local rows = { columns = cols }
  for _, unit in ipairs(order) do
    local g = groups[unit]
    if g.ndocs >= 2 then
      local row = { counts = g.unit }
      for d in corpus:docs() do
        if g.cells[d.index] then row[common.doc_short(d)] = table.concat(g.cells[d.index], "; ") end
      end
      rows[#rows + 1] = row
    end
  end
  return rows
end

return U
