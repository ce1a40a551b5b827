-- lib/common.lua — small helpers the news reports share: word lists from the
-- pack's data files, query alternations, white space, document labels.
local M = {}

-- A set (and the list, in file order) of the first field of each line of an
-- iterator over lines, skipping blank lines and # comments; the second
-- field, when there is one, is the set's value.
function M.word_set(lines)
  local set, list = {}, {}
  for line in lines do
    if line:find("%S") and not line:find("^%s*#") then
      local word, value = line:match("^%s*([^\t]-)%s*\t%s*(.-)%s*$")
      word = word or line:match("^%s*(.-)%s*$")
      if not set[word] then list[#list + 1] = word end
      set[word] = value or true
    end
  end
  return set, list
end

-- A regular expression matching any of the words (for lower="..." in a query):
-- letters and digits go as they are, anything else is escaped.
function M.alternation(words)
  local out = {}
  for i, w in ipairs(words) do
    out[i] = (w:gsub("[^%w%s]", "\\%0"))
  end
  return table.concat(out, "|")
end

-- Runs of white space as one space, trimmed: quotes and sentences that cross
-- line breaks read on one line.
function M.squash(s)
  return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

-- The label of a document in tables: its id without the .txt ending.
function M.doc_label(id)
  return (tostring(id):gsub("%.txt$", ""))
end

-- A short label for wide side-by-side tables: the leading number of the id
-- ("01-putin-visits..." -> "01"), else the document's index.
function M.doc_short(doc)
  return tostring(doc.id):match("^(%d+)[-_ .]") or ("#" .. doc.index)
end

-- Text cut to at most n characters (UTF-8 aware), with … when cut.
function M.cut(s, n)
  if utf8.len(s) == nil or utf8.len(s) <= n then return s end
  return s:sub(1, utf8.offset(s, n) - 1) .. "…"
end

-- Sorts rows by several keys, each a field name, "-field" for descending.
function M.sort_by(rows, ...)
  local keys = { ... }
  table.sort(rows, function(a, b)
    for _, k in ipairs(keys) do
      local desc = k:sub(1, 1) == "-"
      local f = desc and k:sub(2) or k
      local x, y = a[f], b[f]
      if x ~= y then
        if x == nil then return false end
        if y == nil then return true end
        if desc then return x > y end
        return x < y
      end
    end
    return false
  end)
  return rows
end

return M
