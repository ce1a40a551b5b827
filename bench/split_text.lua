-- bench/split_text.lua — cuts a text into documents of about SIZE bytes,
-- each ending at a blank line, as files DIR/0001.txt ... (the bench's many
-- documents made of its one big one).
--
--   quarry run bench/split_text.lua -- TEXT DIR [SIZE]
local text, dir, size = ...
size = tonumber(size) or 1000000
local f = assert(io.open(text, "rb"))
local s = f:read("a")
f:close()
assert(os.execute("mkdir -p '" .. dir .. "'"))
local a, n = 1, 0
while a <= #s do
  local cut = s:find("\n\n", a + size, true)
  local e = cut and cut + 1 or #s
  n = n + 1
  local out = assert(io.open(string.format("%s/%04d.txt", dir, n), "wb"))
  out:write(s:sub(a, e))
  out:close()
  a = e + 1
end
print(string.format("%s: %d documents", dir, n))
