-- bench/cqp/vrt.lua — a corpus as quarry tokenizes it, written as a CWB
-- "vertical" file for cwb-encode: one token per line (word TAB lower, lower
-- being quarry's folded form), <text id="..."> around each document and <s>
-- around each sentence.
--
--   quarry run bench/cqp/vrt.lua -- TEXT OUT.vrt
--
-- The output goes to OUT.vrt.tmp, renamed into place when complete. Encode it
-- with cwb-encode -x: in that mode the encoder turns &lt; &gt; &amp; &quot;
-- &apos; back into characters, and a line starting with "<" would be taken
-- for a tag, so each field escapes & < > here (only tokens that hold one pay
-- for the gsub). cwb-encode refuses invalid UTF-8 outright, where quarry
-- keeps the bytes as they are: such bytes become U+FFFD here, and the count of
-- tokens changed is printed so that a hit-count difference can be traced.
-- (cwb-encode also composes each line to NFC, which quarry does not do: a
-- token written decomposed is stored composed. bench/cqp/check shows both.)
local path, out = ...
assert(path and out, "usage: vrt.lua TEXT OUT.vrt")

local entity = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" }

-- s with each byte that does not start a valid UTF-8 sequence replaced by
-- U+FFFD, as cwb-encode would refuse it.
local function valid(s)
  local parts, i = {}, 1
  while i <= #s do
    local n, bad = utf8.len(s, i)
    if n then parts[#parts + 1] = s:sub(i); break end
    parts[#parts + 1] = s:sub(i, bad - 1) .. "\u{FFFD}"
    i = bad + 1
  end
  return table.concat(parts)
end

-- A field as cwb-encode -x reads it back: entities for & < >.
local function escape(s)
  if s:find("[&<>]") then s = s:gsub("[&<>]", entity) end
  return s
end

local c = quarry.open(path, { quiet = true, gazetteer = false })
local f = assert(io.open(out .. ".tmp", "wb"))
local buf, n, tokens, sentences, fixed = {}, 0, 0, 0, 0
for d in c:docs() do
  f:write('<text id="', (tostring(d.id):gsub('[&<>"]', entity)), '">\n')
  for s in d:sentences() do
    n = n + 1; buf[n] = "<s>"
    for t in s:tokens() do
      local w, l = t.text, t.fold
      if not (utf8.len(w) and utf8.len(l)) then
        w, l, fixed = valid(w), valid(l), fixed + 1
      end
      n = n + 1; buf[n] = escape(w) .. "\t" .. escape(l)
    end
    n = n + 1; buf[n] = "</s>"
    tokens, sentences = tokens + #s, sentences + 1
    if n >= 8192 then
      f:write(table.concat(buf, "\n", 1, n), "\n")
      n = 0
    end
  end
  if n > 0 then f:write(table.concat(buf, "\n", 1, n), "\n"); n = 0 end
  f:write("</text>\n")
end
assert(f:close())
assert(os.rename(out .. ".tmp", out))
io.write(string.format("%s: %d tokens, %d sentences, %d tokens with invalid UTF-8 replaced\n",
  out, tokens, sentences, fixed))
