-- quarry candidates — capitalised names and acronyms that the gazetteer does
-- not know, most frequent first, to grow it. Run by `quarry candidates
-- CORPUS...`, with the corpus open as `corpus` and, as arguments, the output
-- format, the minimum count, the number of rows (0: all) and "single" or "".
local format, min_count, top, single = ...

local rows = corpus:candidates {
  min_count = math.tointeger(tonumber(min_count)),
  top = math.tointeger(tonumber(top)),
  single = single == "single",
}

-- an empty list is an answer, not an error; say so where a person looks
if #rows == 0 then
  io.stderr:write(min_count == "1" and "quarry candidates: no candidates\n"
    or string.format("quarry candidates: no candidates seen at least %s times (try --min-count 1)\n",
                     min_count))
end

if format ~= "tsv" then
  local columns = { "text", "count", "docs", "example", "start", "stop", "context" }
  if format == "table" then columns = { "text", "count", "docs", "context", "example" } end
  report.table(rows, { columns = columns, max_width = 60 })
  return
end

-- Gazetteer lines (docs/gazetteer.md): id, type, name, no aliases, and the
-- counts as attributes. The type is a guess followed by "?" (the one the
-- corpus guessed for the name, else one from its last word), or "?" alone:
-- the loader refuses "?", so no line is used unreviewed.
local TYPE_OF_LAST_WORD = {
  ORG = "Agency Army Assembly Association Bank Bureau Center Centre College Command "
     .. "Commission Committee Company Corporation Council Court Department Force Forces "
     .. "Foundation Group Guard Institute Ministry Navy News Office Organisation "
     .. "Organization Parliament Party Post Service Times University",
  FAC = "Airport Base Bridge Building Cathedral Church Cosmodrome Guesthouse Hall Hospital "
     .. "Hotel Mausoleum Palace Port Square Stadium Station Street Tower",
  LOC = "Bay Coast Desert Gulf Island Islands Lake Mountain Mountains Ocean Peninsula River "
     .. "Sea Strait Valley Zone",
  GPE = "City County District Krai Oblast Province Region Republic",
  EVENT = "Conference Day Festival Forum Games Olympics Summit War",
  LAW = "Accord Act Agreement Charter Convention Law Treaty",
}
local type_of = {}
for type, words in pairs(TYPE_OF_LAST_WORD) do
  for w in words:gmatch("%S+") do type_of[w] = type end
end

local function guess(r)
  if r.type then return r.type .. "?" end   -- the type guessed in the corpus (docs/gazetteer.md)
  if r.acronym then return "ORG?" end
  local last = r.text:match("([^%s%-]+)$")
  return (type_of[last] and type_of[last] .. "?") or "?"
end

-- "Kim Jong-un" -> "kim-jong-un", "U.N." -> "un": ASCII letters lowered,
-- dots and apostrophes dropped, anything else between words a hyphen;
-- other letters are kept as they are. Unique in the output and against the
-- gazetteer's ids.
local gaz, used = corpus:gazetteer(), {}
local function slug(text)
  local s = text:lower():gsub("’", ""):gsub("[%.']", ""):gsub("[%s%p]+", "-")
  s = s:gsub("^%-+", ""):gsub("%-+$", "")
  if s == "" then s = "candidate" end
  local id, k = s, 1
  while used[id] or (gaz and gaz:entry(id)) do
    k = k + 1
    id = s .. "-" .. k
  end
  used[id] = true
  return id
end

print("# quarry candidates: review every line (a type ending in ? is a guess, ? alone none)")
print("# id\ttype\tname\taliases\tattributes")
for _, r in ipairs(rows) do
  print(slug(r.text), guess(r), r.text, "", string.format("count=%d;docs=%d", r.count, r.docs))
end
