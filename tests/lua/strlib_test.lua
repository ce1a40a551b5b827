-- strlib_test.lua — string.find, match, gmatch and gsub in a quarry state,
-- which run on quarry's budgeted matcher (core/lua/lqr_strlib.c): the
-- behaviours the Lua 5.4 manual documents, each checked against the value
-- the manual gives. (tests/unit/test_strlib.c compares them with Lua's own
-- on many thousands of calls, and tests the stop by the budget and by an
-- interrupt, which needs C to set up.) Run with `quarry run`.
package.path = "tests/lua/?.lua;" .. package.path
local T = require "testlib"
local eq = T.eq

local function pack(...) return table.pack(...) end
local function raises(f, want)
  local ok, err = pcall(f)
  assert(not ok, "no error")
  if not tostring(err):find(want, 1, true) then
    error(string.format("expected an error with %q, got %q", want, tostring(err)), 2)
  end
end

T.test("the string table and the string metatable share the functions", function()
  eq(getmetatable("").__index, string)
  eq(("abc"):find("b"), 2)
  eq(string.find("abc", "b"), 2)
end)

T.test("find: positions, captures, init and plain", function()
  eq(pack(("hello world"):find("o w")), pack(5, 7))
  eq(pack(("hello world"):find("(o)(r)")), pack(8, 9, "o", "r"))
  eq(pack(("hello"):find("l", -2)), pack(4, 4))
  eq(pack(("hello"):find("l", -100)), pack(3, 3))
  eq(pack(("hello"):find("", 6)), pack(6, 5))
  eq(pack(("hello"):find("", 7)), pack(nil))
  eq(pack(("a.b"):find(".", 1, true)), pack(2, 2))
  eq(pack(("a+b"):find("+")), pack(2, 2))   -- a '+' with nothing before it is itself
end)

T.test("match: captures, position captures, anchors", function()
  eq(pack(("key = value"):match("(%w+)%s*=%s*(%w+)")), pack("key", "value"))
  eq(pack(("hello"):match("()ll()")), pack(3, 5))
  eq(("hello"):match("^h.l"), "hel")
  eq(("hello"):match("^e"), nil)
  eq(("hello"):match("lo$"), "lo")
  eq(("a$b"):match("a$b"), "a$b")   -- '$' is special only at the end
  eq(("hello"):match(".-l"), "hel")
  eq(("hello"):match(".*l"), "hell")
end)

T.test("match: sets, classes, %b, %f and back-references", function()
  eq(("THE (quick) fox"):match("%((%a+)%)"), "quick")
  eq(("f(a(b)c)d"):match("%b()"), "(a(b)c)")
  eq(("THE (quick) fox"):match("%f[%l]%a+"), "quick")
  eq(("a]b"):match("[]]"), "]")
  eq(("x-y"):match("[%a-]+"), "x-y")
  eq(("x9y"):match("[^%a]"), "9")
  eq(("abab"):match("(ab)%1"), "ab")
  eq((" \t\n"):match("%s+"), " \t\n")
  eq(("\xe9t\xe9"):match("%a+"), "t")   -- the C locale: bytes over 127 are not letters
end)

T.test("gmatch: every match, init, empty matches, '^' as a plain character", function()
  local words = {}
  for w in ("hello world from Lua"):gmatch("%a+") do words[#words + 1] = w end
  eq(words, { "hello", "world", "from", "Lua" })
  local kv = {}
  for k, v in ("a=1, b=2"):gmatch("(%w+)=(%w+)") do kv[k] = v end
  eq(kv, { a = "1", b = "2" })
  local seen = {}
  for m in ("abc"):gmatch("b*") do seen[#seen + 1] = m end
  eq(seen, { "", "b", "" })   -- no empty match right where the last one ended (5.4)
  local from3 = {}
  for m in ("abcabc"):gmatch("a", 3) do from3[#from3 + 1] = m end
  eq(#from3, 1)
  local hats = {}
  for m in ("^a^a"):gmatch("^a") do hats[#hats + 1] = m end
  eq(hats, { "^a", "^a" })
end)

T.test("gsub: strings with %0-%9 and %%, tables, functions, max n", function()
  eq(pack(("hello world"):gsub("o", "0")), pack("hell0 w0rld", 2))
  eq(pack(("hello world"):gsub("(%w+)", "<%1>")), pack("<hello> <world>", 2))
  eq(pack(("hello world"):gsub("%w+", "%0 %0", 1)), pack("hello hello world", 1))
  eq(pack(("abc"):gsub("", "-")), pack("-a-b-c-", 4))
  eq(pack(("hello"):gsub("l", "100%%")), pack("he100%100%o", 2))
  eq(pack(("$name is $age"):gsub("%$(%w+)", { name = "Ann", age = 7 })), pack("Ann is 7", 2))
  eq(pack(("$name $x"):gsub("%$(%w+)", { name = "Ann" })), pack("Ann $x", 2))
  eq(pack(("4 + 5"):gsub("%d", function(d) return d * 2 end)), pack("8 + 10", 2))
  eq(pack(("abc"):gsub("%w", function() end)), pack("abc", 3))
  eq(pack(("hello"):gsub("^h", "H")), pack("Hello", 1))
  eq(pack(("hello"):gsub("l", "L", 0)), pack("hello", 0))
  eq(pack(("hello"):gsub("()l", "%1")), pack("he34o", 2))
end)

T.test("errors: the messages of Lua 5.4", function()
  raises(function() ("abc"):find("%") end, "malformed pattern (ends with '%')")
  raises(function() ("abc"):find("[a") end, "malformed pattern (missing ']')")
  raises(function() ("abc"):find("%b") end, "malformed pattern (missing arguments to '%b')")
  raises(function() ("abc"):find("%fa") end, "missing '[' after '%f' in pattern")
  raises(function() ("abc"):find("(a)%2") end, "invalid capture index %2")
  raises(function() ("abc"):match("a)") end, "invalid pattern capture")
  raises(function() ("abc"):match("(a") end, "unfinished capture")
  raises(function() ("abc"):find(("()"):rep(33)) end, "too many captures")
  raises(function() ("a"):rep(300):find(("a?"):rep(300)) end, "pattern too complex")
  raises(function() ("abc"):gsub("a", "%2") end, "invalid capture index %2")
  raises(function() ("abc"):gsub("a", "%x") end, "invalid use of '%' in replacement string")
  raises(function() ("abc"):gsub("a", { a = {} }) end, "invalid replacement value (a table)")
  raises(function() ("abc"):gsub("a") end, "string/function/table expected, got no value")
end)

T.test("a long subject is matched whole (no limit but the budget's)", function()
  local s = ("ab"):rep(100000)
  eq(select(2, s:gsub("ab", "")), 100000)
  eq(#s:match("^(.*)$"), 200000)
end)
