-- Counts the word tokens, and those of each document, with a Lua loop over
-- the columns.
local words, per_doc = 0, {}
local word = quarry.kinds.word
for _, n, kinds, docs in corpus:columns { "kind", "doc" } do
  for i = 1, n do
    if kinds[i] == word then
      words = words + 1
      per_doc[docs[i]] = (per_doc[docs[i]] or 0) + 1
    end
  end
end
report.table({ { words = words, docs = #per_doc } })
