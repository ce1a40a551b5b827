-- chart.lua — the static SVG charts of the html report format: a bar
-- chart, a dispersion plot and a network, drawn from a rowset's columns.
--
-- The charts are drawn here, once, as text: the page needs no script and
-- no network, and the same rows give the same bytes (every coordinate is
-- written with one decimal, every order is total). Text widths are
-- estimated from display columns (tools.width), which is enough to keep
-- labels inside the picture: a label too long for its room is cut with …
-- rather than left to overflow.
local chart = {}

local concat, sort = table.concat, table.sort
local format = string.format
local floor, max, min, sqrt = math.floor, math.max, math.min, math.sqrt
local cos, sin, pi = math.cos, math.sin, math.pi
local error, ipairs, pairs, tostring, type = error, ipairs, pairs, tostring, type
local mtype, tointeger = math.type, math.tointeger

-- Pixels per display column of the 12px sans-serif the charts use: an
-- average letter is about 6.5px wide; 7 errs on the side of room.
local CHAR = 7
local FONT = 'font-family="sans-serif" font-size="12"'
local INK, MARK, PALE, LINE = "#333333", "#4a78a8", "#e8edf3", "#9aa9ba"

local function fail(fmt, ...)
  error(format(fmt, ...), 0)
end

local function n1(v)
  return format("%.1f", v)
end

---------------------------------------------------------------------------
-- The option: checked for every format, so that a chart that could not be
-- drawn is found by a run in the terminal too, not only in the page.

local SPECS = {
  bar = { required = { "label", "value" }, optional = { "limit", "title" } },
  dispersion = { required = {}, optional = { "row", "position", "rows", "max", "limit", "title" } },
  network = { required = { "source", "target" }, optional = { "weight", "limit", "title" } },
}
local COLUMN_KEYS = { label = true, value = true, row = true, position = true,
                      source = true, target = true, weight = true }

-- Returns the spec with its defaults filled in; raises naming the key.
function chart.check(spec, columns, fn)
  if type(spec) ~= "table" then
    fail("option 'chart' to '%s' must be a table (got %s)", fn, type(spec))
  end
  local kind = spec.type
  local known = SPECS[kind]
  if not known then
    fail("option 'chart' to '%s': unknown chart type '%s' (expected bar, dispersion or network)",
         fn, tostring(kind))
  end
  local allowed = { type = true }
  for _, k in ipairs(known.required) do allowed[k] = true end
  for _, k in ipairs(known.optional) do allowed[k] = true end
  for k in pairs(spec) do
    if not allowed[k] then
      fail("option 'chart' to '%s': unknown key '%s' for a %s chart", fn, tostring(k), kind)
    end
  end
  for _, k in ipairs(known.required) do
    if spec[k] == nil then fail("option 'chart' to '%s': a %s chart needs '%s'", fn, kind, k) end
  end
  local out = {}
  for k, v in pairs(spec) do out[k] = v end
  if kind == "dispersion" then
    out.row = out.row or "doc"
    out.position = out.position or "relative"
  end
  local present = {}
  for _, c in ipairs(columns) do present[c] = true end
  for k in pairs(COLUMN_KEYS) do
    local c = out[k]
    if c ~= nil and not present[c] then
      fail("option 'chart' to '%s': column '%s' (the %s) is not among the columns",
           fn, tostring(c), k)
    end
  end
  if out.limit ~= nil then
    local n = mtype(out.limit) and tointeger(out.limit)
    if not n or n < 1 then
      fail("option 'chart' to '%s': limit must be a positive integer (got %s)", fn, tostring(out.limit))
    end
    out.limit = n
  end
  if out.max ~= nil and (type(out.max) ~= "number" or not (out.max > 0) or out.max == math.huge) then
    fail("option 'chart' to '%s': max must be a positive number (got %s)", fn, tostring(out.max))
  end
  if out.rows ~= nil and type(out.rows) ~= "table" then
    fail("option 'chart' to '%s': rows must be a list of row names (got %s)", fn, type(out.rows))
  end
  if out.title ~= nil and type(out.title) ~= "string" then
    fail("option 'chart' to '%s': title must be a string (got %s)", fn, type(out.title))
  end
  return out
end

---------------------------------------------------------------------------
-- Shared pieces

local function finite_number(v)
  return type(v) == "number" and v == v and v ~= math.huge and v ~= -math.huge
end

local function text_of(v)
  if v == nil then return "" end
  if type(v) == "number" and mtype(v) == "integer" then return format("%d", v) end
  return tostring(v)
end

-- A label cut to at most px pixels, and its width in pixels.
local function fit_label(t, s, px)
  local cols = floor(px / CHAR)
  s = s:gsub("[\r\n\t]", " ")
  if t.width(s) > cols then s = t.clip(s, max(cols - 1, 1)) .. "…" end
  return s, t.width(s) * CHAR
end

local function open_svg(kind, w, h, label)
  return format('<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-%s" ' ..
                'viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">',
                kind, w, h, w, h, label)
end

---------------------------------------------------------------------------
-- Bar chart: one horizontal bar per row (at most limit, in row order), from
-- a zero line, so that negative values (a log ratio) go left of it.

local BAR_W, BAR_ROW, BAR_H, BAR_PAD = 640, 20, 14, 8

local function bar(spec, rows, t)
  local items = {}
  local limit = spec.limit or 25
  for r = 1, rows.n do
    if #items >= limit then break end
    local v = rows.get(r, spec.value)
    if finite_number(v) then
      items[#items + 1] = { label = text_of(rows.get(r, spec.label)), value = v,
                            text = t.number(v) }
    end
  end
  if #items == 0 then return nil end
  local lo, hi, labelw, valuew = 0, 0, 0, 0
  for _, it in ipairs(items) do
    lo, hi = min(lo, it.value), max(hi, it.value)
    it.shown, it.px = fit_label(t, it.label, 200)
    labelw = max(labelw, it.px)
    valuew = max(valuew, t.width(it.text) * CHAR)
  end
  local x0 = labelw + 2 * BAR_PAD
  -- room for the value text on the side(s) bars can grow to
  local left = x0 + (lo < 0 and valuew + BAR_PAD or 0)
  local right = BAR_W - BAR_PAD - (hi > 0 and valuew + BAR_PAD or 0)
  local span = hi - lo
  if span == 0 then span = 1 end
  local scale = (right - left) / span
  local zero = left - lo * scale
  local h = BAR_PAD * 2 + #items * BAR_ROW
  local out = { open_svg("bar", BAR_W, h, t.esc(spec.title or ("bar chart of " .. spec.value))) }
  out[#out + 1] = format('<line class="axis" x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s"/>',
                         n1(zero), BAR_PAD, n1(zero), h - BAR_PAD, LINE)
  for i, it in ipairs(items) do
    local y = BAR_PAD + (i - 1) * BAR_ROW
    local ymid = y + BAR_ROW / 2
    local xa, xb = zero, zero + it.value * scale
    if xb < xa then xa, xb = xb, xa end
    out[#out + 1] = format('<text class="label" x="%d" y="%s" text-anchor="end" ' ..
                           'dominant-baseline="middle" fill="%s" %s>%s</text>',
                           labelw + BAR_PAD, n1(ymid), INK, FONT, t.esc(it.shown))
    out[#out + 1] = format('<rect class="bar" x="%s" y="%s" width="%s" height="%d" fill="%s">' ..
                           '<title>%s: %s</title></rect>',
                           n1(xa), n1(y + (BAR_ROW - BAR_H) / 2), n1(max(xb - xa, 0.5)), BAR_H,
                           MARK, t.esc(it.label), t.esc(it.text))
    local vx, anchor = xb + 4, "start"
    if it.value < 0 then vx, anchor = xa - 4, "end" end
    out[#out + 1] = format('<text class="value" x="%s" y="%s" text-anchor="%s" ' ..
                           'dominant-baseline="middle" fill="%s" %s>%s</text>',
                           n1(vx), n1(ymid), anchor, INK, FONT, t.esc(it.text))
  end
  out[#out + 1] = "</svg>"
  return concat(out, "\n")
end

---------------------------------------------------------------------------
-- Dispersion plot: one strip per row name (a document, or a node), a tick
-- at each position, from 0 at the left to max (1 by default: the relative
-- positions of corpus:dispersion) at the right. `rows` gives the strips and
-- their order, so that parts without a hit still show, empty; without it
-- the strips come in order of first appearance.

local DISP_W, DISP_ROW, DISP_STRIP, DISP_PAD, DISP_AXIS = 640, 24, 16, 8, 20

local function dispersion(spec, rows, t)
  local scale_max = spec.max or 1
  local strips, by_name = {}, {}
  local function strip(name)
    local s = by_name[name]
    if not s then
      s = { name = name, hits = {} }
      by_name[name] = s
      strips[#strips + 1] = s
    end
    return s
  end
  if spec.rows then
    for _, name in ipairs(spec.rows) do strip(text_of(name)) end
  end
  for r = 1, rows.n do
    local p = rows.get(r, spec.position)
    if finite_number(p) then
      local name = text_of(rows.get(r, spec.row))
      if not spec.rows or by_name[name] then
        local s = strip(name)
        s.hits[#s.hits + 1] = min(max(p / scale_max, 0), 1)
      end
    end
  end
  local limit = spec.limit or 40
  while #strips > limit do strips[#strips] = nil end
  if #strips == 0 then return nil end
  local labelw, countw = 0, 0
  for _, s in ipairs(strips) do
    s.shown, s.px = fit_label(t, s.name, 220)
    labelw = max(labelw, s.px)
    s.count = format("%d", #s.hits)
    countw = max(countw, #s.count * CHAR)
    sort(s.hits)
  end
  local x0 = labelw + 2 * DISP_PAD
  local x1 = DISP_W - 2 * DISP_PAD - countw
  local h = DISP_PAD + #strips * DISP_ROW + DISP_AXIS + DISP_PAD
  local out = { open_svg("dispersion", DISP_W, h,
                         t.esc(spec.title or ("dispersion plot of " .. spec.position))) }
  for i, s in ipairs(strips) do
    local y = DISP_PAD + (i - 1) * DISP_ROW
    local ys = y + (DISP_ROW - DISP_STRIP) / 2
    out[#out + 1] = format('<text class="label" x="%d" y="%s" text-anchor="end" ' ..
                           'dominant-baseline="middle" fill="%s" %s>%s</text>',
                           labelw + DISP_PAD, n1(y + DISP_ROW / 2), INK, FONT, t.esc(s.shown))
    out[#out + 1] = format('<rect class="strip" x="%d" y="%s" width="%d" height="%d" fill="%s">' ..
                           '<title>%s: %s</title></rect>',
                           x0, n1(ys), x1 - x0, DISP_STRIP, PALE, t.esc(s.name), s.count)
    for _, p in ipairs(s.hits) do
      local x = x0 + p * (x1 - x0)
      out[#out + 1] = format('<line class="hit" x1="%s" y1="%s" x2="%s" y2="%s" ' ..
                             'stroke="%s" stroke-width="1.5"/>',
                             n1(x), n1(ys), n1(x), n1(ys + DISP_STRIP), MARK)
    end
    out[#out + 1] = format('<text class="count" x="%d" y="%s" text-anchor="start" ' ..
                           'dominant-baseline="middle" fill="%s" %s>%s</text>',
                           x1 + DISP_PAD, n1(y + DISP_ROW / 2), INK, FONT, s.count)
  end
  local ya = DISP_PAD + #strips * DISP_ROW
  for q = 0, 4 do
    local x = x0 + q / 4 * (x1 - x0)
    local anchor = q == 0 and "start" or (q == 4 and "end" or "middle")
    out[#out + 1] = format('<line class="tick" x1="%s" y1="%d" x2="%s" y2="%d" stroke="%s"/>',
                           n1(x), ya, n1(x), ya + 4, LINE)
    out[#out + 1] = format('<text class="axis-label" x="%s" y="%d" text-anchor="%s" fill="%s" ' ..
                           '%s>%d%%</text>', n1(x), ya + 16, anchor, INK, FONT, q * 25)
  end
  out[#out + 1] = "</svg>"
  return concat(out, "\n")
end

---------------------------------------------------------------------------
-- Network: the nodes on a circle, heaviest first from the top, clockwise;
-- an edge per pair (rows naming the same pair either way are summed), as
-- wide as its weight; a node as large as its weighted degree. At most
-- limit nodes (30): the heaviest, and the edges between them.

local NET_W, NET_H, NET_R, NET_LABEL = 720, 560, 200, 150

local function network(spec, rows, t)
  local nodes, by_name, edges, by_pair = {}, {}, {}, {}
  local function node(name)
    local n = by_name[name]
    if not n then
      n = { name = name, degree = 0 }
      by_name[name] = n
      nodes[#nodes + 1] = n
    end
    return n
  end
  for r = 1, rows.n do
    local a, b = rows.get(r, spec.source), rows.get(r, spec.target)
    local w = spec.weight and rows.get(r, spec.weight) or 1
    if a ~= nil and b ~= nil and finite_number(w) and w > 0 then
      a, b = text_of(a), text_of(b)
      if a ~= b then
        if b < a then a, b = b, a end
        local key = a .. "\0" .. b
        local e = by_pair[key]
        if not e then
          e = { a = node(a), b = node(b), weight = 0 }
          by_pair[key] = e
          edges[#edges + 1] = e
        end
        e.weight = e.weight + w
        e.a.degree = e.a.degree + w
        e.b.degree = e.b.degree + w
      end
    end
  end
  if #nodes == 0 then return nil end
  sort(nodes, function(x, y)
    if x.degree ~= y.degree then return x.degree > y.degree end
    return x.name < y.name
  end)
  local limit = spec.limit or 30
  while #nodes > limit do
    by_name[nodes[#nodes].name] = nil
    nodes[#nodes] = nil
  end
  local kept, maxw = {}, 0
  for _, e in ipairs(edges) do
    if by_name[e.a.name] and by_name[e.b.name] then
      kept[#kept + 1] = e
      maxw = max(maxw, e.weight)
    end
  end
  -- light edges first, so that the heavy ones are drawn over them
  sort(kept, function(x, y)
    if x.weight ~= y.weight then return x.weight < y.weight end
    if x.a.name ~= y.a.name then return x.a.name < y.a.name end
    return x.b.name < y.b.name
  end)
  local maxd = nodes[1].degree
  local cx, cy = NET_W / 2, NET_H / 2
  for i, n in ipairs(nodes) do
    local angle = -pi / 2 + 2 * pi * (i - 1) / #nodes
    n.x, n.y = cx + NET_R * cos(angle), cy + NET_R * sin(angle)
    n.r = 4 + 8 * sqrt(n.degree / maxd)
    -- the label just outside its node, away from the centre; one above or
    -- below the circle stands a half line further off
    local c = cos(angle)
    n.anchor = c > 0.2 and "start" or (c < -0.2 and "end" or "middle")
    local off = n.r + 6 + (n.anchor == "middle" and 4 or 0)
    n.lx, n.ly = n.x + off * c, n.y + off * sin(angle)
    n.shown = fit_label(t, n.name, NET_LABEL - 14)
  end
  local out = { open_svg("network", NET_W, NET_H, t.esc(spec.title or
    ("network of " .. spec.source .. " and " .. spec.target))) }
  for _, e in ipairs(kept) do
    out[#out + 1] = format('<line class="edge" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" ' ..
                           'stroke-opacity="0.7" stroke-width="%s"><title>%s – %s: %s</title></line>',
                           n1(e.a.x), n1(e.a.y), n1(e.b.x), n1(e.b.y), LINE,
                           n1(1 + 5 * e.weight / maxw), t.esc(e.a.name), t.esc(e.b.name),
                           t.esc(t.number(e.weight)))
  end
  for _, n in ipairs(nodes) do
    out[#out + 1] = format('<circle class="node" cx="%s" cy="%s" r="%s" fill="%s">' ..
                           '<title>%s: %s</title></circle>',
                           n1(n.x), n1(n.y), n1(n.r), MARK, t.esc(n.name),
                           t.esc(t.number(n.degree)))
  end
  for _, n in ipairs(nodes) do
    out[#out + 1] = format('<text class="label" x="%s" y="%s" text-anchor="%s" ' ..
                           'dominant-baseline="middle" fill="%s" %s>%s</text>',
                           n1(n.lx), n1(n.ly), n.anchor, INK, FONT, t.esc(n.shown))
  end
  out[#out + 1] = "</svg>"
  return concat(out, "\n")
end

local drawers = { bar = bar, dispersion = dispersion, network = network }

-- The chart of a checked spec as SVG text, or nil when no row gives it
-- anything to draw. rows = { n = row count, get = function(r, column) };
-- t = { esc = text to HTML, width = display columns of a string,
-- clip = first columns of a string, number = a number as shown }.
function chart.svg(spec, rows, t)
  return drawers[spec.type](spec, rows, t)
end

return chart
