-- overview.lua — the main report: what a corpus holds, who and what it
-- names, who is named with whom, and how the most mentioned person appears.
--
--   quarry run scripts/reports/overview.lua corpus/ [--format md] [-- TOP]
--
-- TOP (default 15) bounds the longer tables.
local c = corpus
if not c then
  error("no corpus: run as `quarry run scripts/reports/overview.lua CORPUS`", 0)
end
local top = tonumber(arg[1] or "") or 15

local stats = c:stats()
print(string.format("%s — %d documents, %d sentences, %d tokens, %d entity mentions",
                    c:name(), stats.docs, stats.sentences, stats.tokens, stats.entities))

-- Per document: size and how many entities it names.
local docs = { columns = { "doc", "title", "sentences", "tokens", "entities", "distinct" } }
for d in c:docs() do
  local distinct, n = {}, 0
  for e in d:entities() do
    if not distinct[e.id] then distinct[e.id] = true; n = n + 1 end
  end
  docs[#docs + 1] = { doc = d.id, title = d.title, sentences = #d:sentences(),
                      tokens = #d:tokens(), entities = #d:entities(), distinct = n }
end
report.table(docs, { title = "Documents" })

if not c:gazetteer() then
  print("(no gazetteer: entities, co-occurrences and the keyword view are left out)")
  return
end

-- Entities across the corpus: mentions and in how many documents.
report.table(c:freq{ kind = "entity", top = top },
             { title = "Entities, by mentions (docs = document frequency)" })

-- Per type: how many distinct entities and mentions.
local by_type, types = {}, { columns = { "type", "entities", "mentions" } }
for _, row in ipairs(c:freq{ kind = "entity" }) do
  local t = by_type[row.type]
  if not t then
    t = { type = row.type, entities = 0, mentions = 0 }
    by_type[row.type] = t
    types[#types + 1] = t
  end
  t.entities = t.entities + 1
  t.mentions = t.mentions + row.count
end
table.sort(types, function(a, b) return a.mentions > b.mentions end)
report.table(types, { title = "Entity types" })

-- Who is named with whom: pairs of entities in the same sentence.
report.table(quarry.cooccurrences(c, { min = 2, top = top }),
             { title = "Named in the same sentence (at least twice)" })

-- The most mentioned person, in context.
local person = c:freq{ kind = "entity", type = "PERSON", top = 1 }[1]
if person then
  report.table(c:kwic({ entity = person.id }, { width = 6, limit = top }),
               { title = string.format("%s in context (%d mentions, first %d)",
                                       person.name, person.count, math.min(top, person.count)),
                 columns = { "doc", "left", "match", "right" }, align = { left = "right" } })
end
