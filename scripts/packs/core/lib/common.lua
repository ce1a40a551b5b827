-- lib/common.lua — what the core pack's reports share: the node of a
-- query-based report, the target of keyness, glob patterns on document ids.
local M = {}

-- The node a report searches for: {entity = ID} when the entity parameter
-- is given, else the query text. A report without either cannot run.
function M.node(params, report_name)
  if params.entity ~= nil and params.entity ~= "" then return { entity = params.entity }, params.entity end
  local q = params.query
  if q == nil or q:match("^%s*$") then
    error(string.format("the %s report needs a query (--param query=WORDS or a query of the " ..
                        "query language) or an entity (--param entity=ID)", report_name), 0)
  end
  return q, q
end

-- A glob ("news-*.txt", "2019-??-*") as an anchored Lua pattern: * is any
-- run of characters, ? one character, everything else itself.
function M.glob(glob)
  local out = { "^" }
  for ch in glob:gmatch(utf8.charpattern) do
    if ch == "*" then out[#out + 1] = ".*"
    elseif ch == "?" then out[#out + 1] = utf8.charpattern
    elseif ch:match("^%p$") then out[#out + 1] = "%" .. ch
    else out[#out + 1] = ch end
  end
  out[#out + 1] = "$"
  return table.concat(out)
end

-- Metadata conditions written on the command line: "source=bbc",
-- "source=bbc|cnn,year=2019" (keys apart by commas; values of one key apart
-- by |, any of them) -> the table corpus:subcorpus takes.
function M.conditions(text)
  local spec, any = {}, false
  for part in text:gmatch("[^,]+") do
    local key, values = part:match("^%s*([^=]-)%s*=%s*(.-)%s*$")
    if not key or key == "" then
      error("bad metadata condition '" .. part .. "' (expected KEY=VALUE, e.g. source=bbc)", 0)
    end
    local list = {}
    for v in values:gmatch("[^|]+") do list[#list + 1] = v end
    spec[key] = #list == 1 and list[1] or list
    any = true
  end
  return any and spec or nil
end

-- The target subcorpus of keyness: the documents whose metadata meet the
-- conditions of params.meta and whose id fits the glob params.docs (either
-- may be empty, not both), and a line describing it.
function M.target(corpus, params)
  local cond = M.conditions(params.meta or "")
  local glob = params.docs ~= "" and params.docs or nil
  if not cond and not glob then
    error("the keyness report needs a target: --param meta=KEY=VALUE (documents by their " ..
          "metadata) or --param docs=GLOB (documents by id, e.g. 'bbc-*')", 0)
  end
  local s = cond and corpus:subcorpus(cond) or nil
  if glob then
    local pattern = M.glob(glob)
    local ids = {}
    if s then
      for _, id in ipairs(s:docs()) do
        if id:match(pattern) then ids[#ids + 1] = id end
      end
    else
      for d in corpus:docs() do
        if d.id:match(pattern) then ids[#ids + 1] = d.id end
      end
    end
    s = corpus:subcorpus(ids)
  end
  local what = {}
  if params.meta ~= "" then what[#what + 1] = params.meta end
  if glob then what[#what + 1] = "ids " .. glob end
  local label = table.concat(what, ", ")
  if #s == 0 then error("no document of the corpus is in the target (" .. label .. ")", 0) end
  if #s:complement() == 0 then
    error("every document of the corpus is in the target (" .. label .. "): nothing is left to compare with", 0)
  end
  return s, label
end

-- The first n rows of rows that keep(row) accepts, with rows' columns.
function M.first(rows, n, keep)
  local out = { columns = rows.columns }
  for _, r in ipairs(rows) do
    if n > 0 and #out >= n then break end
    if not keep or keep(r) then out[#out + 1] = r end
  end
  return out
end

return M
