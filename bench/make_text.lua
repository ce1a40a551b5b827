-- bench/make_text.lua — about 100 MB of real English for the scan benchmark,
-- the same bytes on every machine: the Gutenberg books, then the BBC News
-- texts over and over until the size is reached (whole articles only).
--
--   quarry run bench/make_text.lua -- BOOKS.txt BBC.jsonl OUT.txt [MEGABYTES]
--
-- The output is written to OUT.txt.tmp and renamed into place, so a run
-- stopped half way never leaves a short file that looks finished.
local books, bbc, out, megabytes = ...
assert(books and bbc and out, "usage: make_text.lua BOOKS.txt BBC.jsonl OUT.txt [MEGABYTES]")
local want = (tonumber(megabytes) or 100) * 1e6

local articles = {}
for line in io.lines(bbc) do
  local a = quarry.json.decode(line)
  articles[#articles + 1] = a.text .. "\n\n"
end

local f = assert(io.open(out .. ".tmp", "wb"))
local size = 0
for chunk in assert(io.open(books, "rb")):lines(1 << 20) do
  f:write(chunk)
  size = size + #chunk
end
f:write("\n\n")
size = size + 2
while size < want do
  for _, text in ipairs(articles) do
    if size >= want then break end
    f:write(text)
    size = size + #text
  end
end
assert(f:close())
assert(os.rename(out .. ".tmp", out))
