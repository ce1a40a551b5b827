-- text_test.lua — quarry.tokenize and quarry.sentences on any string, and
-- quarry.json.
local T = require "testlib"
local q = require "quarry"

T.test("tokenize gives text, kind, offsets, parts and spacing", function()
  local toks = q.tokenize("Russia's army didn't go.")
  local texts = {}
  for i, t in ipairs(toks) do texts[i] = t.text end
  T.eq(texts, { "Russia", "'s", "army", "didn't", "go", "." })
  T.eq(toks[2].clitic, true)
  T.eq(toks[1].space_after, false)
  T.eq(toks[4].parts, { "did", "n't" })
  T.eq({ toks[4].start, toks[4].stop }, { 15, 20 })
  T.eq(toks[6].kind, "punct")
  T.eq(#q.tokenize(""), 0)
end)

T.test("ellipses are a kind of their own, and queries find them", function()
  local kinds = {}
  for i, t in ipairs(q.tokenize("Wait... then \u{2026} go. . . now")) do kinds[i] = t.kind end
  T.eq(kinds, { "word", "ellipsis", "word", "ellipsis", "word", "punct", "punct", "punct", "word" })
  local path = T.tmpfile("We waited... and waited.... Then it came.\n", "a.txt")
  local c = q.open(path, { quiet = true, gazetteer = false })
  local rows = c:freq{ kind = "ellipsis" }
  T.eq({ rows[1].form, rows[2].form }, { "...", "...." })
  T.eq(c:count('[kind="ellipsis"]'), 2)
  c:close()
end)

T.test("sentences gives text, offsets and tokens", function()
  local text = "He left. She stayed in the U.S. He said so."
  local s = q.sentences(text)
  T.eq(#s, 3)
  T.eq(s[2].text, "She stayed in the U.S.")
  T.eq(text:sub(s[2].start, s[2].stop), s[2].text)
  T.eq(#s[3].tokens, 4)
  T.eq(s[3].tokens[1].text, "He")
  T.raises(function() q.sentences() end, "bad argument #1 to 'sentences'")
end)

T.test("json encodes values deterministically", function()
  T.eq(q.json.encode({ b = 1, a = { true, false }, c = "x\"\n" }),
       '{"a":[true,false],"b":1,"c":"x\\"\\n"}')
  T.eq(q.json.encode({}), "[]")
  T.eq(q.json.encode(1.5), "1.5")
  T.eq(q.json.encode(3), "3")
  T.eq(q.json.encode(0 / 0), "null")
  T.eq(q.json.encode("\xFF"), '"\xEF\xBF\xBD"')
  T.eq(q.json.encode({ [1] = "a", [3] = "c" }), '{"1":"a","3":"c"}')
  local t = {}
  t.self = t
  T.raises(function() q.json.encode(t) end, "a table contains itself")
  T.raises(function() q.json.encode(print) end, "cannot encode a function")
end)

T.test("json decodes, and names the column of an error", function()
  T.eq(q.json.decode('{"a": [1, 2.5, "x", null, true], "b": {}}'), { a = { 1, 2.5, "x", nil, true }, b = {} })
  T.eq(math.type(q.json.decode("3")), "integer")
  T.eq(q.json.decode('"\\u00e9\\ud83d\\ude00"'), "é😀")
  T.raises(function() q.json.decode('{"a": }') end, "column 7: unexpected character")
  T.raises(function() q.json.decode('[1, 2') end, "expected ',' or ']'")
  T.raises(function() q.json.decode('"\xFF"') end, "invalid UTF-8 in string")
end)

T.test("the module describes itself", function()
  T.eq(type(q.version), "string")
  T.eq(q.api_version, 1)
  T.eq(type(q.report.table), "function")
end)

T.test("LPeg is built in: require 'lpeg' needs no search path", function()
  local lpeg = require "lpeg"
  local number = lpeg.C(lpeg.R("09")^1) / tonumber
  local list = lpeg.Ct(number * ("," * number)^0)
  T.eq(list:match("18,19,2024"), { 18, 19, 2024 })
  T.eq(package.loaded.lpeg, lpeg)
end)
