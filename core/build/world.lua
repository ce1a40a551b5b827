-- core/build/world.lua — makes the data of quarry's default gazetteer
-- (`make world`; docs/gazetteer.md, "The world gazetteer"):
--
--   core/lookup/data/world.tsv          countries, nationalities, cities,
--                                       regions, organisations
--   core/lookup/data/stop-forms-en.txt  words a one-word place name must not be
--   core/lookup/data/given-names-en.txt common given names
--
--   quarry run core/build/world.lua -- ISO3166.json COUNTRIES.json GEONAMES \
--       CENSUS_DIR BOOKS.txt EXTRA.tsv OUTDIR NODE_MODULES
--
-- ISO3166.json: Debian's iso-codes (/usr/share/iso-codes/json/iso_3166-1.json);
-- COUNTRIES.json: the npm package world-countries (countries.json);
-- GEONAMES: cities15000.txt; CENSUS_DIR: the US Census 1990 name lists;
-- BOOKS.txt: plain English text, for the word frequencies (Project
-- Gutenberg's books in ../shared/bench); EXTRA.tsv: core/build/world-extra.tsv;
-- NODE_MODULES: where npm put world-countries and spdx-license-list (the
-- licence texts, copied into OUTDIR/licences).
-- The same inputs give the same files, byte for byte.
local iso_path, wc_path, geo_path, census_dir, books_path, extra_path, out, npm = ...
assert(npm, "usage: world.lua ISO3166.json COUNTRIES.json GEONAMES CENSUS_DIR BOOKS.txt "
  .. "EXTRA.tsv OUTDIR NODE_MODULES")

-- A city enters with this many people or more, or as a capital.
local MIN_POPULATION = 100000
-- The stop-forms: of the words most frequent in BOOKS (this many, counted
-- case-folded), those written in small letters at least this often.
local STOP_TOP, STOP_SMALL_SHARE = 5000, 0.5
-- A given name is common from this share of people (percent, in either list).
local GIVEN_SHARE = 0.005

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function write_lines(path, header, lines)
  local f = assert(io.open(path, "wb"))
  f:write(header)
  for _, l in ipairs(lines) do f:write(l, "\n") end
  f:close()
end

-- ---- the forms a name is compared by ------------------------------------------

-- A name's words in small letters (ASCII: enough for English words), one
-- space between them, as the matcher compares words (which also ignores
-- diacritics: two spellings that differ only there stay, harmlessly).
local function plain(s)
  return (s:lower():gsub("[%s%-]+", " "))
end

local function words_of(s)
  local n = 0
  for _, tok in ipairs(quarry.tokenize(s)) do
    if tok.kind ~= "punct" then n = n + 1 end
  end
  return n
end

-- ---- given names -------------------------------------------------------------

local given, given_seen = {}, {}
for _, list in ipairs { "male", "female" } do
  for line in io.lines(census_dir .. "/census1990.dist." .. list .. ".first") do
    local name, share = line:match("^(%S+)%s+([%d.]+)")
    if name and tonumber(share) >= GIVEN_SHARE and not given_seen[name:lower()] then
      given_seen[name:lower()] = true
      given[#given + 1] = name:lower()
    end
  end
end
table.sort(given)

-- ---- stop-forms ---------------------------------------------------------------

local books = quarry.open(books_path, { quiet = true, gazetteer = false })
local exact = {}
for _, r in ipairs(books:freq { fold = false }) do exact[r.form] = r.count end
local stop_forms, is_stop = {}, {}
for _, r in ipairs(books:freq { top = STOP_TOP }) do
  local small = exact[r.form] or 0
  if r.form:match("^%l[%l']*$") and small >= STOP_SMALL_SHARE * r.count then
    stop_forms[#stop_forms + 1] = r.form
    is_stop[r.form] = true
  end
end
books:close()
-- the calendar, always written with a capital
for w in ("monday tuesday wednesday thursday friday saturday sunday january february "
          .. "march april may june july august september october november december"):gmatch("%S+") do
  if not is_stop[w] then
    stop_forms[#stop_forms + 1] = w
    is_stop[w] = true
  end
end
table.sort(stop_forms)

-- Can the name be mistaken for a common word? One word equal to a
-- stop-form, unless written as a short acronym in capitals (US, not us:
-- the matcher finds those in capitals only).
local function word_like(name)
  if words_of(name) ~= 1 then return false end
  if name:match("^%u%u?%u?$") then return false end
  return is_stop[plain(name)] == true
end

-- ---- entries --------------------------------------------------------------------

local entries, by_id = {}, {}

local function entry(id, type, attrs)
  local e = by_id[id]
  if not e then
    e = { id = id, type = type, names = {}, seen = {}, attrs = attrs or {} }
    by_id[id] = e
    entries[#entries + 1] = e
  end
  return e
end

-- Adds a name to e unless it is there already (compared as the matcher
-- does), has no letter, holds a character the TSV format cannot, or is a
-- lower-case name (never matched against small words: see docs).
local function add_name(e, name, check_words)
  if not name then return end
  name = name:gsub("^%s+", ""):gsub("%s+$", ""):gsub("%s+", " ")
  if name == "" or name:find("[\t|(),;]") or not name:find("%a") and not name:find("[\128-\255]") then
    return
  end
  if name:find("%l") and not name:find("%u") and not name:find("[\128-\255]") then return end
  if check_words and word_like(name) then return end
  local key = plain(name)
  if e.seen[key] then return end
  e.seen[key] = true
  e.names[#e.names + 1] = name
end

-- ISO codes of two or three capitals are left out of the names (KP, PRK):
-- the matcher would find every "KP" of a text.
local function code(s) return s:match("^%u%u%u?$") ~= nil end

-- countries: world-countries, with iso-codes' names
local iso = {}
for _, c in ipairs(quarry.json.decode(read(iso_path))["3166-1"]) do iso[c.alpha_2] = c end
local countries = quarry.json.decode(read(wc_path))
-- independent countries first, the largest first: a demonym two share
-- (American, of the United States and of its outlying islands) is the
-- first one's
table.sort(countries, function(a, b)
  if (a.independent == true) ~= (b.independent == true) then return a.independent == true end
  if a.area ~= b.area then return a.area > b.area end
  return a.cca2 < b.cca2
end)
local norp_of = {}   -- demonym -> entry (two countries may share one: Congolese)
for _, c in ipairs(countries) do
  local i = iso[c.cca2] or {}
  local attrs = { iso2 = c.cca2, iso3 = c.cca3, region = c.region ~= "" and c.region or nil,
                  subregion = c.subregion ~= "" and c.subregion or nil,
                  capital = c.capital and c.capital[1] or nil }
  local e = entry("country:" .. c.cca2, "GPE", attrs)
  add_name(e, c.name.common)
  add_name(e, i.common_name)
  add_name(e, i.name)
  add_name(e, c.name.official)
  add_name(e, i.official_name)
  for _, s in ipairs(c.altSpellings or {}) do
    if not code(s) then add_name(e, s) end
  end
  local natives = {}
  for lang in pairs(c.name.native or {}) do natives[#natives + 1] = lang end
  table.sort(natives)
  for _, lang in ipairs(natives) do
    add_name(e, c.name.native[lang].common)
    add_name(e, c.name.native[lang].official)
  end
  local d = c.demonyms and c.demonyms.eng
  if d and d.m and d.m ~= "" then
    local n = norp_of[d.m]
    if not n then
      n = entry("norp:" .. c.cca2, "NORP", { country = c.cca2 })
      norp_of[d.m] = n
      add_name(n, d.m)
      add_name(n, d.f)
      -- the people: Russians, Israelis (not British, Chinese, Swiss)
      if d.m:match("[nia]$") then add_name(n, d.m .. "s") end
    end
  end
end

-- the hand-written part: new entries, and names for those above
for line in io.lines(extra_path) do
  if not line:match("^#") and line:match("%S") then
    local id, type, name, aliases, attrs = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t?([^\t]*)\t?([^\t]*)$")
    assert(id, "world-extra.tsv: a line without id, type and name: " .. line)
    local kv = {}
    for k, v in attrs:gmatch("([%w_]+)=([^;]*)") do kv[k] = v end
    local e = by_id[id]
    if e then
      assert(e.type == type, "world-extra.tsv: " .. id .. " is a " .. e.type)
    elseif id:match("^country:") then
      error("world-extra.tsv: no country " .. id)
    else
      if id:match("^norp:%u%u$") and not kv.country then kv.country = id:sub(6) end
      e = entry(id, type, kv)
    end
    add_name(e, name)
    for a in aliases:gmatch("[^|]+") do add_name(e, a) end
  end
end

-- cities: the most populous first (the likelier candidate of a shared name)
local cities = {}
for line in io.lines(geo_path) do
  local f = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = field end
  local population = tonumber(f[15]) or 0
  -- towns and cities (PPL), seats of government (PPLA..., PPLC, PPLG), not
  -- farms, quarters or abandoned places (PPLF, PPLX, PPLQ ...)
  local town = f[8] and (f[8] == "PPL" or f[8]:match("^PPLA%d?$") or f[8] == "PPLC" or f[8] == "PPLG")
  if #f >= 19 and f[7] == "P" and town and (population >= MIN_POPULATION or f[8] == "PPLC") then
    cities[#cities + 1] = { id = f[1], name = f[2], ascii = f[3], alternates = f[4],
                            feature = f[8], country = f[9], population = population }
  end
end
table.sort(cities, function(a, b)
  if a.population ~= b.population then return a.population > b.population end
  return tonumber(a.id) < tonumber(b.id)
end)
-- Latin letters only (the names an English text writes), no codes
local function latin(s)
  for _, cp in utf8.codes(s) do
    if cp >= 0x250 and not (cp >= 0x1E00 and cp <= 0x1EFF) and cp ~= 0x2019 then return false end
  end
  return true
end
for _, c in ipairs(cities) do
  local e = entry("geonames:" .. c.id, "GPE", { country = c.country, population = c.population,
                                                  feature = c.feature })
  add_name(e, c.name, true)
  add_name(e, c.ascii, true)
  for a in c.alternates:gmatch("[^,]+") do
    -- (two letters are a code or a fragment: "Ea" for Tripoli)
    if latin(a) and not a:match("^%u+$") and utf8.len(a) > 2 then add_name(e, a, true) end
  end
end

-- ---- the files ----------------------------------------------------------------

local function attr_string(attrs)
  local keys = {}
  for k in pairs(attrs) do keys[#keys + 1] = k end
  table.sort(keys)
  local t = {}
  for _, k in ipairs(keys) do
    t[#t + 1] = k .. "=" .. tostring(attrs[k]):gsub("[;\t]", " ")
  end
  return table.concat(t, ";")
end

-- an entry whose every name was left out (a common word, a list with
-- commas) is no entry
local kept = {}
for _, e in ipairs(entries) do
  if e.names[1] then kept[#kept + 1] = e end
end
entries = kept
local lines = {}
for _, e in ipairs(entries) do
  local aliases = table.concat(e.names, " | ", 2)
  lines[#lines + 1] = table.concat({ e.id, e.type, e.names[1], aliases, attr_string(e.attrs) }, "\t")
end
local counts = {}
for _, e in ipairs(entries) do counts[e.type] = (counts[e.type] or 0) + 1 end
write_lines(out .. "/world.tsv", string.format(
  "# quarry's world gazetteer, made by core/build/world.lua (`make world`): do not edit.\n"
  .. "# Sources and their licences: core/lookup/data/SOURCES.md. %d entries: %d GPE, %d NORP, "
  .. "%d LOC, %d ORG.\n", #entries, counts.GPE or 0, counts.NORP or 0, counts.LOC or 0,
  counts.ORG or 0), lines)
write_lines(out .. "/stop-forms-en.txt",
  "# Words a one-word place name of an import must not be (\"But\", \"March\", \"Split\"):\n"
  .. "# the " .. STOP_TOP .. " most frequent words of Project Gutenberg's books that are written in\n"
  .. "# small letters at least half the time, and the days and months. Made by\n"
  .. "# core/build/world.lua (`make world`): do not edit.\n", stop_forms)
write_lines(out .. "/given-names-en.txt",
  "# Given names of at least " .. GIVEN_SHARE .. "% of men or of women in the US Census 1990, in\n"
  .. "# small letters. Made by core/build/world.lua (`make world`): do not edit.\n", given)
io.stderr:write(string.format("world.lua: %d entries, %d stop-forms, %d given names\n", #entries,
  #stop_forms, #given))

-- ---- the sources' licences, beside the data ----------------------------------

local function spdx(id)
  return quarry.json.decode(read(npm .. "/spdx-license-list/licenses/" .. id .. ".json")).licenseText
end
local licences = {
  ["ODbL-1.0.txt"] = read(npm .. "/world-countries/LICENSE"),
  ["CC-BY-4.0.txt"] = spdx("CC-BY-4.0"),
  ["LGPL-2.1.txt"] = spdx("LGPL-2.1-or-later"),
}
os.execute("mkdir -p '" .. out .. "/licences'")
for name, text in pairs(licences) do
  local f = assert(io.open(out .. "/licences/" .. name, "wb"))
  f:write(text, text:sub(-1) == "\n" and "" or "\n")
  f:close()
end
