-- corpus_test.lua — quarry.open, documents, sentences, tokens and mentions.
local T = require "testlib"
local q = require "quarry"

local tmpdir = os.tmpname()
os.remove(tmpdir)
assert(os.execute("mkdir -p " .. tmpdir))

local function write(name, bytes)
  local path = tmpdir .. "/" .. name
  local dir = path:match("^(.*)/[^/]*$")
  os.execute("mkdir -p '" .. dir .. "'")
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
  return path
end

local c = q.open("corpus/", { quiet = true })

T.test("a directory opens every .txt below it, in sorted order", function()
  T.eq(#c, 5)
  local ids = {}
  for d in c:docs() do ids[#ids + 1] = d.id end
  T.eq(ids[1], "01-putin-visits-north-korea-amid-military-ties.txt")
  T.eq(ids[5], "05-putin-arrives-in-north-korea-for-landmark-visit.txt")
  for i = 2, #ids do assert(ids[i - 1] < ids[i], "not sorted") end
end)

T.test("documents have an id, a title, their text and an index", function()
  local d = c:doc(1)
  T.eq(d.title, "Vladimir Putin Visits North Korea Amid Growing Military Ties")
  T.eq(d.index, 1)
  T.eq(#d.text, 2940)
  T.eq(c:doc("01-putin-visits-north-korea-amid-military-ties.txt").index, 1)
  T.eq(c:doc(6), nil)
  T.eq(c:doc("no-such-doc"), nil)
  T.eq(tostring(d), "<document 01-putin-visits-north-korea-amid-military-ties.txt: " ..
                    "24 sentences, 497 tokens, 53 entities>")
end)

T.test("the corpus summarises itself", function()
  T.eq(tostring(c), "<corpus corpus/: 5 docs, 3,012 tokens, 368 entities>")
  local s = c:stats()
  T.eq(s.docs, 5)
  T.eq(s.tokens, 3012)
  T.eq(s.sentences, 125)
  T.eq(s.entities, 368)
  T.eq(s.bytes, 2940 + 3711 + 5011 + 2267 + 3804)
end)

T.test("every token's offsets give its text back", function()
  local n = 0
  for d in c:docs() do
    local text = d.text
    for t in d:tokens() do
      if text:sub(t.start, t.stop) ~= t.text then
        error(string.format("%s: token %d %q at %d-%d", d.id, t.index, t.text, t.start, t.stop))
      end
      n = n + 1
    end
  end
  T.eq(n, 3012)
end)

T.test("tokens know their kind, fold, parts, clitics and spacing", function()
  local d = c:doc(1)
  local toks = d:tokens()
  -- "Putin's visit to North Korea raises concerns in the West" (line 3)
  local found
  for t in toks do
    if t.text == "'s" and not found then found = t:copy() end
  end
  T.eq(found.clitic, true)
  T.eq(found.kind, "word")
  local host = toks[found.index - 1]
  T.eq(host.text, "Putin")
  T.eq(host.space_after, false)
  T.eq(host.fold, "putin")
  T.eq(toks[1].sentence, 1)
  local w = q.tokenize("They don't")[2]
  T.eq(w.parts, { "do", "n't" })
end)

T.test("the token yielded by a loop is reused; copy() keeps one", function()
  local d = c:doc(2)
  local first, kept
  for t in d:tokens() do
    if not first then first = t; kept = t:copy() end
  end
  T.eq(kept.index, 1)
  T.eq(first.index, #d:tokens())   -- the loop's token moved on
  T.eq(d:tokens()[1].text, kept.text)
end)

T.test("sentences have text, offsets, tokens and marks", function()
  local d = c:doc(1)
  local s = d:sentences()
  T.eq(s[1].text, "Vladimir Putin Visits North Korea Amid Growing Military Ties")
  T.eq(s[1].headline, true)
  T.eq(s[1].paragraph_start, true)
  T.eq(s[1].start, 1)
  T.eq(#s[1], 9)
  T.eq(#s[1]:tokens(), 9)
  T.eq(s[2].text, "Putin's visit to North Korea raises concerns in the West")
  local n = 0
  for sent in d:sentences() do n = n + 1; T.eq(sent.index, n) end
  T.eq(n, 24)
  T.eq(tostring(s[3]), "<sentence by Faruk Imamovic>")
end)

T.test("mentions carry id, type, name, text, offsets and sentence", function()
  local d = c:doc(1)
  local e = d:entities()[1]
  T.eq(e.id, "vladimir-putin")
  T.eq(e.type, "PERSON")
  T.eq(e.name, "Vladimir Putin")
  T.eq(e.text, "Vladimir Putin")
  T.eq({ e.start, e.stop, e.sentence, e.doc }, { 1, 14, 1, d.id })
  T.eq(e.ambiguous, false)
  for m in c:entities() do
    local text = c:doc(m.doc).text:sub(m.start, m.stop):gsub("%s+", " ")
    if text ~= m.text then error(m.doc .. ": " .. m.text .. " ~= " .. text) end
  end
end)

T.test("entities can be filtered by type and found per sentence", function()
  local people = c:entities{ type = "PERSON" }
  T.eq(#people, 93)
  for m in people do assert(m.type == "PERSON") end
  T.eq(people[1].text, "Vladimir Putin")
  local s = c:doc(1):sentences()[2]
  local names = {}
  for m in s:entities() do names[#names + 1] = m.text end
  T.eq(names, { "Putin", "North Korea", "West" })
end)

T.test("views list their elements and columns", function()
  local d = c:doc(3)
  T.eq(#d:entities():list(), d:entities()[#d:entities()].index - d:entities()[1].index + 1)
  T.eq(d:entities().columns, { "doc", "start", "stop", "text", "type", "id" })
  T.eq(tostring(d:tokens()), "<tokens: 879>")
end)

T.test("single files, lists of paths and JSON Lines", function()
  local one = q.open("corpus/04-putin-arrives-in-north-korea-kremlin-announces.txt",
                     { gazetteer = false })
  T.eq(#one, 1)
  T.eq(one:doc(1).id, "corpus/04-putin-arrives-in-north-korea-kremlin-announces.txt")
  T.eq(#one:entities(), 0)
  local path = write("docs.jsonl",
    '{"id": "a", "text": "Putin met Kim.\\nThey talked.", "source": "TASS", "n": 2}\n' ..
    '\n' ..
    '{"id": 7, "text": "Second \\u00e9l\\u00e8ve.", "title": "Deuxi\\u00e8me", "tags": [1, {"x": null}]}\n')
  local j = q.open(path)
  T.eq(#j, 2)
  T.eq(j:doc(1).id, "a")
  T.eq(j:doc(1).title, "Putin met Kim.")
  T.eq(j:doc(1).meta, { source = "TASS", n = 2 })
  T.eq(#j:doc(1):sentences(), 2)
  T.eq(j:doc(2).id, "7")
  T.eq(j:doc(2).text, "Second élève.")
  T.eq(j:doc(2).title, "Deuxième")
  T.eq(j:doc(2).meta.tags, { 1, {} })
  local both = q.open({ "corpus/", path }, { quiet = true })
  T.eq(#both, 7)
  T.eq(both:name(), "corpus/ (+1)")
end)

T.test("a BOM is skipped and CRLF line ends are fine", function()
  local path = write("bom/crlf.txt", "\xEF\xBB\xBFTitle here\r\n\r\nOne. Two.\r\n")
  local b = q.open(tmpdir .. "/bom")
  local d = b:doc(1)
  T.eq(d.title, "Title here")
  T.eq(#d:sentences(), 3)
  T.eq(d:tokens()[1].start, 4)
  T.eq(d:sentences()[1].paragraph_start and d:sentences()[2].paragraph_start, true)
  os.remove(path)
end)

T.test("empty files are empty documents", function()
  write("empty/e.txt", "")
  local e = q.open(tmpdir .. "/empty")
  T.eq(#e, 1)
  T.eq(#e:doc(1):tokens(), 0)
  T.eq(#e:doc(1):sentences(), 0)
  T.eq(e:doc(1).title, "")
end)

T.test("bad input: a clear error naming the file and position", function()
  T.raises(function() q.open("no/such/dir") end, "no/such/dir: No such file or directory")
  write("bin/b.txt", "abc\ndef\0ghi")
  T.raises(function() q.open(tmpdir .. "/bin") end,
           "b.txt:2:4: NUL byte: this looks like a binary file, not UTF-8 text")
  local bad = write("bad.jsonl", '{"id": "a", "text": "ok"}\n{"id": "b", "text": "x",}\n')
  T.raises(function() q.open(bad) end, "bad.jsonl:2: column 25: expected a string key")
  local notext = write("notext.jsonl", '{"id": "a"}\n')
  T.raises(function() q.open(notext) end, 'notext.jsonl:1: no "text" field')
  local nulkey = write("nulkey.jsonl", '{"id": "a", "text": "x", "\\u0000k": 1}\n')
  T.raises(function() q.open(nulkey) end, "nulkey.jsonl:1: a field name contains a NUL")
  local dup = write("dup.jsonl", '{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n')
  T.raises(function() q.open(dup) end, "dup.jsonl:2: duplicate document id 'a'")
  T.raises(function() q.open(42) end, "bad argument #1 to 'open'")
  T.raises(function() q.open({}) end, "the list of paths is empty")
  os.execute("mkdir -p '" .. tmpdir .. "/nothing/sub'")
  T.raises(function() q.open(tmpdir .. "/nothing") end,
           "nothing: no .txt files in this directory or below it")
end)

T.test("bad options name the option, not a stack slot", function()
  local dir = tmpdir .. "/empty"
  T.raises(function() q.open(dir, { gazetteer = 5 }) end,
           "option 'gazetteer' to 'open' must be a file name, a gazetteer or false (got number)")
  T.raises(function() q.open(dir, { gazetteer = true }) end, "true is not a gazetteer")
  T.raises(function() q.open(dir, { segmenter = "en" }) end,
           "option 'segmenter' to 'open' must be a segmenter (got string)")
end)

T.test("invalid UTF-8 is kept, warned about with its position, and never shifts offsets", function()
  write("latin1/l.txt", "Caf\xE9 society.\nNext line \xFF here.")
  local l = q.open(tmpdir .. "/latin1", { quiet = true })
  local w = l:warnings()
  T.eq(#w, 1)
  assert(w[1]:find("l.txt:1:4: invalid UTF-8 (2 invalid sequence(s) in the file)", 1, true), w[1])
  local toks = l:doc(1):tokens()
  T.eq(toks[1].text, "Caf\xE9")
  T.eq(toks[#toks - 1].text, "here")
  T.eq({ toks[#toks - 1].start, toks[#toks - 1].stop }, { 27, 30 })
end)

T.test("a closed corpus refuses politely; <close> closes", function()
  local d
  do
    local k <close> = q.open("corpus/01-putin-visits-north-korea-amid-military-ties.txt")
    d = k:doc(1)
    T.eq(#k, 1)
  end
  T.raises(function() return d.title end, "the corpus is closed")
  local k = q.open("corpus/", { quiet = true })
  local toks = k:doc(1):tokens()
  k:close()
  k:close()   -- twice is fine
  T.raises(function() return #toks end, "the corpus is closed")
  T.raises(function() return k:freq() end, "the corpus is closed")
  T.eq(tostring(k), "<corpus corpus/ (closed)>")
end)

T.test("a long document is split a block at a time, as quarry tokens splits it", function()
  -- 1.2 MB of a book wrapped at 60 columns, then paragraphs of two long
  -- lines, the first without final punctuation. The whole text reads as
  -- hard-wrapped (the long lines are under a tenth of all), where a line
  -- break after a long line is a space; its last block (the cut falls after
  -- a blank line past 1 MB) does not, and there the second line starts a
  -- sentence of its own.
  local wrapped = {}
  local line = ("word "):rep(11) .. "words"
  for i = 1, 4500 do
    wrapped[#wrapped + 1] = table.concat({ line, line, line, line, "The end of paragraph " .. i .. "." }, "\n")
  end
  local long = {}
  for i = 1, 700 do
    long[#long + 1] = ("Long line " .. i .. " "):rep(20) .. "without a stop\n" ..
                      "Second line " .. i .. " " .. ("goes on "):rep(30) .. "to its end."
  end
  local text = table.concat(wrapped, "\n\n") .. "\n\n" .. table.concat(long, "\n\n") .. "\n"
  assert(#text > 1.5 * 1048576, "the text must span two blocks")
  local path = write("long/book.txt", text)
  local k = q.open(path)
  local second = 0
  for s in k:doc(1):sentences() do
    if s.text:find("^Second line") then second = second + 1 end
  end
  T.eq(second, 700)
  -- and quarry tokens finds the same sentences
  local p = io.popen((os.getenv("QUARRY") or "./quarry") .. " tokens '" .. path .. "'")
  local n = 0
  for _ in p:lines() do n = n + 1 end
  p:close()
  T.eq(n, #k:doc(1):sentences())
  k:close()
end)

T.test("forms that share their first 8 or 16 bytes, or a length, are counted apart", function()
  -- the interning cache keys a form of up to 16 bytes by its bytes and a
  -- longer one by its hash: near misses of each kind, repeated so that the
  -- second of each pair is looked up while the first is in the cache
  local forms = { "abcdefgh", "abcdefgi", "abcdefgh1", "abcdefgh2", "abcdefghijklmnop",
                  "abcdefghijklmnoq", "abcdefghijklmnopq", "abcdefghijklmnopr",
                  "internationalisation", "internationalization", "a", "ab", "abc", "abcd" }
  local words = {}
  for round = 1, 3 do
    for i, f in ipairs(forms) do
      for _ = 1, i do words[#words + 1] = f end
    end
    words[#words + 1] = round < 3 and "." or ""
  end
  -- and more forms of one length with the same first 8 bytes than the
  -- cache has slots, so that some of them must meet in a slot
  local az = "abcdefghijklmnopqrstuvwxyz"
  local function suffix(i)
    local a, b, c = i % 26, (i // 26) % 26, i // 676
    return az:sub(a + 1, a + 1) .. az:sub(b + 1, b + 1) .. az:sub(c + 1, c + 1)
  end
  for _ = 1, 2 do
    for i = 0, 17575, 1 do words[#words + 1] = "qwertyui" .. suffix(i) end
  end
  local k = q.open(write("near-forms.txt", table.concat(words, " ")), { gazetteer = false })
  local got = {}
  for _, r in ipairs(k:freq{ fold = false }) do got[r.form] = r.count end
  for i, f in ipairs(forms) do T.eq(got[f], 3 * i, f) end
  for i = 0, 17575 do T.eq(got["qwertyui" .. suffix(i)], 2, suffix(i)) end
  k:close()
end)

os.execute("rm -rf '" .. tmpdir .. "'")
