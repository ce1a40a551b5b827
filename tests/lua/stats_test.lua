-- stats_test.lua — subcorpora, frequency lists by attribute, n-grams and
-- keyness (docs/statistics.md).
local T = require "testlib"
local q = require "quarry"

local c = q.open("corpus/", { quiet = true })

-- A JSON Lines corpus with a "source" field, in a temporary file.
local jsonl = T.tmpfile(table.concat({
  '{"id":"a","text":"The cat sat. The cat ran.","source":"bbc","year":2019}',
  '{"id":"b","text":"A dog sat on the cat.","source":"cnn","year":2020}',
  '{"id":"c","text":"The dog ran and the dog sat.","source":"b\\u0062c"}',
  '{"id":"d","text":"Cats and dogs.","source":"fox","year":2019}',
}, "\n") .. "\n", "news.jsonl")
local j = q.open(jsonl, { quiet = true })

-- ---- subcorpora --------------------------------------------------------------

T.test("subcorpus by metadata: one value, a list of values, numbers, several keys", function()
  T.eq(j:subcorpus{ source = "bbc" }:docs(), { "a", "c" })   -- "b\u0062c" decodes to bbc
  T.eq(j:subcorpus{ source = { "bbc", "cnn" } }:docs(), { "a", "b", "c" })
  T.eq(j:subcorpus{ year = 2019 }:docs(), { "a", "d" })
  T.eq(j:subcorpus{ year = "2019", source = "fox" }:docs(), { "d" })
  T.eq(j:subcorpus{ source = "nobody" }:docs(), {})
  T.eq(#j:subcorpus{ source = "bbc" }, 2)
end)

T.test("subcorpus by a list of ids and indices, and by a function", function()
  local s = j:subcorpus{ "d", 1, "a", 3 }
  T.eq(s:docs(), { "a", "c", "d" })   -- corpus order, each once
  T.eq(s:indices(), { 1, 3, 4 })
  T.eq(j:subcorpus(function(doc) return doc.text:find("dog ") ~= nil end):docs(), { "b", "c" })
  T.eq(#j:subcorpus{}, 0)   -- an empty list: no documents
  T.eq(j:subcorpus(s), s)   -- a subcorpus is returned as it is
end)

T.test("a subcorpus counts its tokens, has a complement and prints itself", function()
  local s = j:subcorpus{ "a", "d" }
  local n = 0
  for _, id in ipairs({ "a", "d" }) do n = n + #j:doc(id):tokens() end
  T.eq(s:tokens(), n)
  T.eq(s:complement():docs(), { "b", "c" })
  T.eq(s:complement():complement():docs(), { "a", "d" })
  T.eq(tostring(s), string.format("<subcorpus: 2 of 4 documents, %d tokens>", n))
  T.eq(s:contains("a"), true)
  T.eq(s:contains(2), false)
  T.eq(s:contains(j:doc(4)), true)
  T.eq(s:corpus(), j)
end)

T.test("subcorpus rejects what it cannot use", function()
  T.raises(function() j:subcorpus{ "a", "zzz" } end, "subcorpus: no document 'zzz'")
  T.raises(function() j:subcorpus{ 9 } end, "subcorpus: no document 9")
  T.raises(function() j:subcorpus{ 1, source = "bbc" } end, "documents and metadata conditions mixed")
  T.raises(function() j:subcorpus{ source = {} } end, "the list of values of 'source' is empty")
  T.raises(function() j:subcorpus{ source = { {} } } end, "must be a string, number or boolean")
  T.raises(function() j:subcorpus(42) end, "expected metadata conditions, a list of documents or a function")
  T.raises(function() j:subcorpus(c:subcorpus{ 1 }) end, "a subcorpus of another corpus")
end)
