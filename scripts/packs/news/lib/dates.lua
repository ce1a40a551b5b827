-- lib/dates.lua — dates in news text: the query patterns that find them
-- (corpus:query does the finding), the parsing of a matched span into a
-- value, and the resolution of a date without a year, or of a weekday,
-- against the date an article was written.
local common = require "lib.common"

local D = {}

D.months = { "january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december" }
D.month_index = {}
for i, m in ipairs(D.months) do D.month_index[m] = i; D.month_index[m:sub(1, 3)] = i end
D.month_index.sept = 9
D.weekdays = { "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday" }
D.weekday_index = {}
for i, w in ipairs(D.weekdays) do D.weekday_index[w] = i end
D.month_names = { "January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December" }

-- Pieces of queries (the query language of docs/query.md).
local MONTH = '[lower="' .. table.concat(D.months, "|") .. '|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"]'
local MONTH_FULL = '[lower="' .. table.concat(D.months, "|") .. '"]'
local DAY = '[word="0?[1-9]|[12][0-9]|3[01]"]'
local DASH = '[word="-|–|—"]'
local YEAR = '[word="1[5-9][0-9][0-9]|20[0-9][0-9]"]'
local WEEKDAY = '[lower="' .. table.concat(D.weekdays, "|") .. '"]'
D.query = { MONTH = MONTH, DAY = DAY, DASH = DASH, YEAR = YEAR, WEEKDAY = WEEKDAY }
-- a day or a range of days, with its month
D.query.DAYS = '(' .. MONTH .. ' ' .. DAY .. ' (' .. DASH .. ' ' .. DAY .. ')? | '
  .. DAY .. ' (' .. DASH .. ' ' .. DAY .. ')? ' .. MONTH .. ')'
D.query.DAYS_RANGE = '(' .. MONTH .. ' ' .. DAY .. ' ' .. DASH .. ' ' .. DAY .. ' | '
  .. DAY .. ' ' .. DASH .. ' ' .. DAY .. ' ' .. MONTH .. ')'
D.query.MONTH_FULL = MONTH_FULL
D.query.WEEKDAYS = '(' .. WEEKDAY .. ' ([lower="and|to|or"] ' .. WEEKDAY .. ')?)'
D.query.DATE = '(' .. D.query.DAYS .. ' | ' .. D.query.WEEKDAYS .. ' | ' .. MONTH_FULL .. ' ' .. YEAR .. ')'

-- The patterns of the timeline, most specific first; a span found by an
-- earlier pattern hides the later ones that overlap it.
D.patterns = {
  D.query.DAYS .. ' ([word=","]? ' .. YEAR .. ')?',
  MONTH_FULL .. ' ' .. YEAR,
  '[lower="in|since|by|until|from|during|of|before|after|early|late|mid|last|next|this"] '
    .. MONTH_FULL .. ' ([lower="of"] [lower="last|next|this"] [lower="year"])?',
  MONTH_FULL .. ' [lower="trip|visit|summit|meeting|talks|election|message|attack"]',
  YEAR .. ' (' .. DASH .. ' [word="[0-9]{2}|[0-9]{4}"])?',
  D.query.WEEKDAYS,
  '[lower="last|next|this|earlier|later"] ([lower="this|last|next"])? [lower="week|month|year"]',
}

-- Parses the text of a date span into a record: kind ("days", "month",
-- "year", "weekday", "relative"), y, m, d, d2, y2, wd, wd2, rel (-1: last
-- year ...), and text. Returns nil for a span that is no date.
function D.parse(text)
  local t = text:lower():gsub("%s+", " ")
  local r = { text = text }
  local wd1, wd2 = t:match("^(%a+) %a+ (%a+)$")
  if wd1 and D.weekday_index[wd1] and D.weekday_index[wd2] then
    r.kind, r.wd, r.wd2 = "weekday", D.weekday_index[wd1], D.weekday_index[wd2]
    return r
  end
  if D.weekday_index[t] then r.kind, r.wd = "weekday", D.weekday_index[t]; return r end
  -- month day[-day][, year] and day[-day] month [year]
  local mon, d1, rest = t:match("^(%a+)%.? (%d+)(.*)$")
  if not (mon and D.month_index[mon]) then
    d1, rest, mon = t:match("^(%d+)(.-) ?(%a+)%.?$")
    if not (mon and D.month_index[mon]) then
      d1, rest, mon = t:match("^(%d+)(.-) ?(%a+)%.? %d%d%d%d$")
    end
  end
  if mon and D.month_index[mon] and tonumber(d1) and tonumber(d1) <= 31 then
    r.kind, r.m, r.d = "days", D.month_index[mon], tonumber(d1)
    local d2 = rest and rest:match("^%s*[-–—]%s*(%d+)")
    if d2 and tonumber(d2) <= 31 then r.d2 = tonumber(d2) end
    r.y = tonumber(t:match("(%d%d%d%d)$"))
    return r
  end
  -- [prep] month [year | of last year]
  local words = {}
  for w in t:gmatch("[%a%d]+") do words[#words + 1] = w end
  for i, w in ipairs(words) do
    if D.month_index[w] and #w > 3 or w == "may" then
      r.kind, r.m = "month", D.month_index[w]
      r.y = tonumber(words[i + 1] or "")
      if t:find("of last year") then r.rel = -1 elseif t:find("of next year") then r.rel = 1 end
      return r
    end
  end
  -- a year or a span of years (1950-53)
  local y, y2 = t:match("^(%d%d%d%d)%s*[-–—]%s*(%d+)$")
  if y then
    y, y2 = tonumber(y), tonumber(y2)
    if y2 < 100 then y2 = y - y % 100 + y2 end
    if y2 > y then r.kind, r.y, r.y2 = "year", y, y2; return r end
  end
  y = t:match("^(%d%d%d%d)$")
  if y then r.kind, r.y = "year", tonumber(y); return r end
  if t:find("week$") or t:find("month$") or t:find("year$") then r.kind = "relative"; return r end
  return nil
end

-- Days since 1970-01-01 of a date (proleptic Gregorian), and back.
local function days(y, m, d)
  if m <= 2 then y, m = y - 1, m + 12 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * (m - 3) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end
local function civil(z)
  z = z + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y, m, d
end
D.days, D.civil = days, civil

-- A reference date "YYYY-MM-DD" as {y, m, d, n (days), wd (1 = Sunday)}, or nil.
function D.reference(s)
  local y, m, d = tostring(s or ""):match("^(%d%d%d%d)-(%d%d)-(%d%d)")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  local n = days(y, m, d)
  return { y = y, m = m, d = d, n = n, wd = (n + 4) % 7 + 1 }
end

-- A reference for a document with no date of its own: its latest day date
-- ("June 18-19" -> June 19), in a year left unknown (computed in 2000, a leap
-- year, and shown only as "the year before" or after); nil when it has none.
function D.relative_reference(records)
  local best
  for _, r in ipairs(records) do
    if r.kind == "days" and not r.y then
      local d = r.d2 or r.d
      if not best or r.m * 100 + d > best.m * 100 + best.d then best = { m = r.m, d = d } end
    end
  end
  if not best then return nil end
  local n = days(2000, best.m, best.d)
  return { y = 2000, m = best.m, d = best.d, n = n, wd = (n + 4) % 7 + 1, relative = true }
end

-- Whether a sentence speaks of the future ("will travel", "is set to
-- visit", "is scheduled", "is expected to") rather than of the past.
function D.future(sentence)
  local s = " " .. sentence:lower() .. " "
  return s:find(" will ") or s:find(" set to ") or s:find(" scheduled ") or
         s:find(" expected to ") or s:find(" plans to ") or
         s:find(" is to ") or s:find(" next ") and true or false
end

-- Resolves a parsed date against a reference date (or nil) in a sentence
-- that speaks of the past or the future. Sets r.iso (what is known of the
-- date, ISO 8601: "2024-06-18", "2024-06-18/19", "2000-07", "1950/1953"),
-- r.when (the same for a reader: "18–19 June 2024"), r.key (a number that
-- orders the timeline) and r.resolved (false when the year or the day had
-- to be left open).
function D.resolve(r, ref, future)
  local function pick_year(m, d)
    -- the year that puts the date on the side of the reference the tense
    -- says, and nearest to it
    if not ref then return nil end
    local y = ref.y
    local n = days(y, m, d or 1)
    if future then
      if n < ref.n - 31 then y = y + 1 end
    else
      if n > ref.n + 1 then y = y - 1 end
    end
    return y
  end
  -- with a relative reference (the article's own latest date, year unknown)
  -- a year is known only as "the story's year" (rel 0) or the one before
  local function relative(y)
    if y and ref and ref.relative then return nil, y - ref.y end
    return y, nil
  end
  local function year_text(y, rel)
    if y then return " " .. y end
    if rel == -1 then return " (the year before)" end
    if rel == 1 then return " (the year after)" end
    return ""
  end
  if r.kind == "days" then
    local y, rel = relative(r.y or pick_year(r.m, r.d))
    if r.y then y, rel = r.y, nil end
    local name = D.month_names[r.m]
    local span = r.d2 and (r.d .. "–" .. r.d2) or tostring(r.d)
    r.when = name .. " " .. span .. (y and ("," .. year_text(y)) or year_text(nil, rel))
    r.iso = string.format("%s-%02d-%02d", y and tostring(y) or "-", r.m, r.d) .. (r.d2 and ("/" .. r.d2) or "")
    r.resolved = y ~= nil
    r.key = ((y or 9999 + (rel or 0)) * 100 + r.m) * 100 + r.d
  elseif r.kind == "month" then
    local y, rel = r.y, r.rel
    if not y and ref then
      if r.rel then y = ref.y + r.rel else y = pick_year(r.m) end
      y, rel = relative(y)
    end
    r.when = D.month_names[r.m] .. year_text(y, rel)
    r.iso = string.format("%s-%02d", y and tostring(y) or "-", r.m)
    r.resolved = y ~= nil
    r.key = ((y or 9999 + (rel or 0)) * 100 + r.m) * 100
  elseif r.kind == "year" then
    r.when = r.y2 and (r.y .. "–" .. r.y2) or tostring(r.y)
    r.iso = r.y2 and (r.y .. "/" .. r.y2) or tostring(r.y)
    r.resolved = true
    r.key = r.y * 10000
  elseif r.kind == "weekday" then
    local name = D.weekdays[r.wd]:gsub("^%l", string.upper)
    local name2 = r.wd2 and D.weekdays[r.wd2]:gsub("^%l", string.upper)
    if ref and not ref.relative then
      local delta = (r.wd - ref.wd) % 7          -- days forward to that weekday
      local n = future and ref.n + delta or ref.n + delta - (delta == 0 and 0 or 7)
      local y, m, d = civil(n)
      local y2, m2, d2 = y, m, d
      if r.wd2 then y2, m2, d2 = civil(n + (r.wd2 - r.wd) % 7) end
      r.iso = string.format("%04d-%02d-%02d", y, m, d) ..
              (r.wd2 and string.format("/%02d", d2) or "")
      local span = r.wd2 and (m2 == m and string.format("%s %d–%d", D.month_names[m], d, d2)
                              or string.format("%s %d – %s %d", D.month_names[m], d, D.month_names[m2], d2))
                   or string.format("%s %d", D.month_names[m], d)
      r.when = name .. (name2 and ("–" .. name2) or "") .. " (" .. span .. ", " .. y2 .. ")"
      r.resolved = true
      r.key = (y * 100 + m) * 100 + d
    else
      r.when = name .. (name2 and ("–" .. name2) or "")
      r.iso = ""
      r.resolved = false
      r.key = 99999999
    end
  else
    r.when, r.iso, r.resolved, r.key = r.text, "", false, 99999999
  end
  return r
end

-- Every date of the corpus: rows {doc_index, start, stop, first, last,
-- sentence, text} of the patterns above, an earlier pattern's span hiding
-- the later ones that overlap it, parsed (D.parse) and in document order.
function D.find(corpus)
  local taken, found = {}, {}
  for _, pattern in ipairs(D.patterns) do
    for m in corpus:query(pattern .. " within s", { strategy = "longest" }) do
      local clash = false
      for _, t in ipairs(taken[m.doc_index] or {}) do
        if m.first <= t.last and m.last >= t.first then clash = true; break end
      end
      if not clash then
        local r = D.parse(m.text)
        if r then
          -- a leading preposition or "the" is context, not part of the date
          local lead = m.text:match("^(%a+%s+)") or ""
          local lw = lead:lower():gsub("%s+", "")
          if r.kind == "month" and not D.month_index[lw] then
            r.text = m.text:sub(#lead + 1)
            m = { doc_index = m.doc_index, start = m.start + #lead, stop = m.stop, first = m.first + 1,
                  last = m.last, sentence = m.sentence, text = r.text }
          end
          r.doc_index, r.start, r.stop, r.first, r.last, r.sentence =
            m.doc_index, m.start, m.stop, m.first, m.last, m.sentence
          taken[m.doc_index] = taken[m.doc_index] or {}
          table.insert(taken[m.doc_index], { first = m.first, last = m.last })
          found[#found + 1] = r
        end
      end
    end
  end
  return common.sort_by(found, "doc_index", "start")
end

return D
