-- bench/split_text.lua — cuts a text into documents of about SIZE bytes,
-- each ending at a blank line, as files DIR/0001.txt ... (the bench's many
-- documents made of its one big one), or, when DIR ends with .jsonl, as the
-- records {"id": "0001", "text": ...} of that one JSON Lines file.
--
--   quarry run bench/split_text.lua -- TEXT DIR [SIZE]
local text, dir, size = ...
size = tonumber(size) or 1000000
local f = assert(io.open(text, "rb"))
local s = f:read("a")
f:close()
local jsonl = dir:sub(-6) == ".jsonl"
local lines
if jsonl then lines = assert(io.open(dir, "wb"))
else assert(os.execute("mkdir -p '" .. dir .. "'")) end
local a, n = 1, 0
while a <= #s do
  local cut = s:find("\n\n", a + size, true)
  local e = cut and cut + 1 or #s
  n = n + 1
  if jsonl then
    -- (invalid UTF-8 as U+FFFD: JSON text is UTF-8)
    local t = s:sub(a, e):gsub("[\x80-\xff]+", function(run)
      return utf8.len(run) and run or "\u{FFFD}"
    end)
    lines:write(quarry.json.encode({ id = string.format("%04d", n), text = t }), "\n")
  else
    local out = assert(io.open(string.format("%s/%04d.txt", dir, n), "wb"))
    out:write(s:sub(a, e))
    out:close()
  end
  a = e + 1
end
if lines then lines:close() end
print(string.format("%s: %d documents", dir, n))
