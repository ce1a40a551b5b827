-- skipped_test.lua — quarry.open skips the files it cannot read as text (a
-- binary file, a text not in UTF-8, a broken link, a link loop, a FIFO) in a
-- directory or among several paths, names them, and raises with strict.
local T = require "testlib"
local q = require "quarry"

-- a directory of its own for each test, inside testlib's temporary one
local root = T.tmpfile("", "root"):match("^(.*)/[^/]*$")
local ndirs = 0
local function newdir()
  ndirs = ndirs + 1
  local d = string.format("%s/d%d", root, ndirs)
  assert(os.execute("mkdir -p '" .. d .. "'"))
  return d
end
local function write(path, bytes)
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
  return path
end
local function sh(cmd) assert(os.execute(cmd), cmd) end

-- two good files and one of each kind of bad one
local function bad_dir()
  local d = newdir()
  write(d .. "/a.txt", "Kim Jong Un met Putin.\n")
  write(d .. "/c.txt", "Putin left Moscow.\n")
  write(d .. "/b1.txt", "abc\ndef\0ghi")
  write(d .. "/b2.txt", string.rep("\255", 400))
  sh("ln -s gone.txt '" .. d .. "/b3.txt'")
  sh("ln -s b4.txt '" .. d .. "/b4.txt'")
  sh("mkfifo '" .. d .. "/b5.txt'")
  -- a writer that gives up after 10 s: should quarry ever open the FIFO,
  -- the test fails instead of hanging
  sh("timeout 10 sh -c ': > \"" .. d .. "/b5.txt\"' &")
  return d
end

T.test("a directory's bad files are skipped, named and counted; the good ones are read", function()
  local d = bad_dir()
  local c = q.open(d, { quiet = true, gazetteer = false })
  T.eq(#c, 2)
  T.eq(c:doc(1).id, "a.txt")
  T.eq(c:doc(2).id, "c.txt")
  local s = c:skipped()
  T.eq(#s, 5)
  T.eq(c:stats().skipped, 5)
  T.eq(s[1], { path = d .. "/b1.txt",
               reason = "NUL byte at line 2, column 4: this looks like a binary file, not UTF-8 text" })
  T.eq(s[2].path, d .. "/b2.txt")
  T.eq(s[2].reason, "not UTF-8 text (400 invalid sequences in 400 bytes): a binary file, or " ..
                    "another encoding (iconv converts it)")
  T.eq(s[3], { path = d .. "/b3.txt", reason = "a broken symbolic link (to gone.txt)" })
  T.eq(s[4], { path = d .. "/b4.txt", reason = "a loop of symbolic links" })
  T.eq(s[5], { path = d .. "/b5.txt", reason = "not a regular file (a FIFO)" })
  local w = c:warnings()
  T.eq(#w, 5)
  T.eq(w[1], "skipped " .. d .. "/b1.txt:2:4: NUL byte: this looks like a binary file, not UTF-8 text")
  T.eq(w[3], "skipped " .. d .. "/b3.txt: a broken symbolic link (to gone.txt)")
  assert(tostring(c):find(", 5 files skipped>$"), tostring(c))
end)

T.test("strict = true: the first bad file raises, named", function()
  local d = bad_dir()
  T.raises(function() q.open(d, { strict = true, gazetteer = false }) end,
           d .. "/b1.txt:2:4: NUL byte: this looks like a binary file, not UTF-8 text")
  os.remove(d .. "/b1.txt")
  T.raises(function() q.open(d, { strict = true, gazetteer = false }) end,
           d .. "/b2.txt: not UTF-8 text (400 invalid sequences in 400 bytes)")
  os.remove(d .. "/b2.txt")
  T.raises(function() q.open(d, { strict = true, gazetteer = false }) end,
           d .. "/b3.txt: a broken symbolic link (to gone.txt)")
  os.remove(d .. "/b3.txt")
  T.raises(function() q.open(d, { strict = true, gazetteer = false }) end,
           d .. "/b4.txt: a loop of symbolic links")
  os.remove(d .. "/b4.txt")
  T.raises(function() q.open(d, { strict = true, gazetteer = false }) end,
           d .. "/b5.txt: not a regular file (a FIFO)")
  os.remove(d .. "/b5.txt")
  T.eq(#q.open(d, { strict = true, gazetteer = false }), 2)
end)

T.test("checked on threads, a batch of files at a time: read, skipped and warned of as on one", function()
  -- 150 files, past a batch of 64: bad ones in the first batch and later,
  -- a file with a few invalid bytes to warn of
  local d = newdir()
  for i = 1, 150 do
    local text = string.format("File %d: Kim Jong Un met Putin on day %d.\n", i, i)
    if i == 5 or i == 70 then text = "abc\ndef\0ghi" end
    if i == 99 then text = "Un caf\233 \224 Moscou.\n" end
    if i == 120 then text = string.rep("\255", 400) end
    write(string.format("%s/f%03d.txt", d, i), text)
  end
  local function seen(c)
    local ids = {}
    for doc in c:docs() do ids[#ids + 1] = doc.id end
    return { ids = ids, skipped = c:skipped(), warnings = c:warnings() }
  end
  local one = seen(q.open(d, { quiet = true, gazetteer = false, jobs = 1 }))
  T.eq(#one.ids, 147)
  T.eq(#one.skipped, 3)
  T.eq(#one.warnings, 4)
  T.eq(one.skipped[2].path, d .. "/f070.txt")
  for _, j in ipairs { 2, 3, 8 } do
    T.eq(seen(q.open(d, { quiet = true, gazetteer = false, jobs = j })), one, j .. " threads")
    -- strict: the first bad file raises, the files after it never read
    T.raises(function() q.open(d, { strict = true, gazetteer = false, jobs = j }) end,
             d .. "/f005.txt:2:4: NUL byte")
  end
  os.remove(d .. "/f005.txt")
  for _, j in ipairs { 1, 2 } do
    T.raises(function() q.open(d, { strict = true, gazetteer = false, jobs = j }) end,
             d .. "/f070.txt:2:4: NUL byte")
  end
  -- an index build checks them the same way (its pages let go as read)
  local idx = d .. "/../files.qidx"
  os.remove(d .. "/f070.txt")
  os.remove(d .. "/f120.txt")
  q.index(d, idx, { jobs = 2, gazetteer = false })
  T.eq(#q.open(idx), 147)
end)

T.test("a clean corpus skips nothing and says nothing of it", function()
  local c = q.open("corpus/", { quiet = true })
  T.eq(#c:skipped(), 0)
  T.eq(c:stats().skipped, 0)
  T.eq(tostring(c), "<corpus corpus/: 5 docs, 3,012 tokens, 368 entities>")
end)

T.test("a text with a few invalid bytes is read with a warning, strict or not", function()
  local d = newdir()
  write(d .. "/l.txt", "Un caf\233 \224 Moscou.\n")
  local c = q.open(d, { strict = true, quiet = true, gazetteer = false })
  T.eq(#c, 1)
  T.eq(#c:skipped(), 0)
  T.eq(c:warnings()[1], d .. "/l.txt:1:7: invalid UTF-8 (2 invalid sequence(s) in the file)")
end)

T.test("one of several paths that cannot be read is skipped; alone, it raises", function()
  local d = newdir()
  local good = write(d .. "/good.txt", "Putin left Moscow.\n")
  local bin = write(d .. "/bin.dat", "x\0y")
  local c = q.open({ good, bin }, { quiet = true, gazetteer = false })
  T.eq(#c, 1)
  T.eq(c:skipped()[1].path, bin)
  T.raises(function() q.open({ good, bin }, { strict = true, gazetteer = false }) end,
           bin .. ":1:2: NUL byte")
  T.raises(function() q.open(bin, { gazetteer = false }) end, bin .. ":1:2: NUL byte")
  T.raises(function() q.open({ bin }, { gazetteer = false }) end, bin .. ":1:2: NUL byte")
  -- a binary .jsonl file is skipped the same way
  local binl = write(d .. "/bin.jsonl", '{"id": "a", "text": "x"}\n\0\1\2')
  c = q.open({ good, binl }, { quiet = true, gazetteer = false })
  T.eq(#c, 1)
  T.eq(c:skipped()[1], { path = binl, reason = "NUL byte at line 2, column 1: this looks like " ..
                                              "a binary file, not UTF-8 text" })
  T.raises(function() q.open(binl, { gazetteer = false }) end, binl .. ":2:1: NUL byte")
  -- a path that is not there is a mistake, not a bad file
  T.raises(function() q.open({ good, d .. "/nope.txt" }, { gazetteer = false }) end,
           d .. "/nope.txt: No such file or directory")
end)

T.test("nothing read at all is an error, not an empty corpus", function()
  local d = newdir()
  write(d .. "/b.txt", "x\0")
  sh("ln -s gone.txt '" .. d .. "/c.txt'")
  T.raises(function() q.open(d, { gazetteer = false }) end,
           "no file could be read: " .. d .. "/b.txt:1:2: NUL byte: this looks like a binary " ..
           "file, not UTF-8 text (and 1 more skipped)")
end)
