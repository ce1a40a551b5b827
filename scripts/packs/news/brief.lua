-- brief.lua — a brief of a news corpus in one report: its documents, the
-- entities it names most, who is named with whom, every quote with its
-- speaker, the numbers the sources give about the same things (and where
-- they disagree), and the timeline. Each part is also a report of its own
-- (network, quotes, claims, timeline) with more columns and parameters.
local common = require "lib.common"
local quotes = require "lib.quotes"
local claims = require "lib.claims"
local timeline = require "lib.timeline"

local width = params.width
local stats = corpus:stats()
print(string.format("%d documents, %d sentences, %d tokens, %d entity mentions",
                    stats.docs, stats.sentences, stats.tokens, stats.entities))

local docs = { columns = { "doc", "title", "sentences", "quotes" } }
local qrows = quotes.find(corpus, { verbs = select(2, common.word_set(pack.lines("speech_verbs"))),
                                    titles = common.word_set(pack.lines("titles")) })
local per_doc = {}
for _, q in ipairs(qrows) do per_doc[q.doc_index] = (per_doc[q.doc_index] or 0) + 1 end
for d in corpus:docs() do
  docs[#docs + 1] = { doc = common.doc_short(d), title = d.title, sentences = #d:sentences(),
                      quotes = per_doc[d.index] or 0 }
end
report.table(docs, { title = "Documents", max_width = width })

if corpus:gazetteer() then
  local ents = { columns = { "entity", "type", "mentions", "docs" } }
  for _, r in ipairs(corpus:freq{ kind = "entity", top = params.top }) do
    ents[#ents + 1] = { entity = r.name, type = r.type, mentions = r.count, docs = r.docs }
  end
  report.table(ents, { title = "Entities named most",
                       chart = { type = "bar", label = "entity", value = "mentions" } })

  local pairs_ = { columns = { "a", "b", "sentences", "docs" } }
  for _, r in ipairs(corpus:cooccurrences{ min = 2, top = params.top }) do
    pairs_[#pairs_ + 1] = { a = r.a, b = r.b, sentences = r.sentences, docs = r.docs }
  end
  report.table(pairs_, { title = "Who is named with whom (sentences naming both)",
                         chart = { type = "network", source = "a", target = "b", weight = "sentences" } })
else
  print("(no gazetteer: no entities, network or speaker ids)")
end

local qt = { columns = { "doc", "speaker", "cue", "quote" } }
for _, q in ipairs(qrows) do
  qt[#qt + 1] = { doc = common.doc_short(corpus:doc(q.doc_index)),
                  speaker = q.speaker ~= "" and q.speaker or "(none)", cue = q.cue,
                  quote = q.quote }
end
report.table(qt, { title = "Quotes and who said them", max_width = width })

local topics = claims.topics(pack.lines("claims"))
local found, verdicts = claims.compare(corpus, topics, params.date)
report.table(claims.side_by_side(corpus, found, verdicts, false),
             { title = "Numbers compared across sources", max_width = width })

local trows, open = timeline.rows(corpus, params.date)
local tt = { columns = { "when", "doc", "event" } }
for _, r in ipairs(trows) do
  tt[#tt + 1] = { when = r.when, doc = r.doc_short, event = r.event }
end
report.table(tt, { title = "Timeline", max_width = width })
if open > 0 then
  print(string.format("(%d dates that name only a weekday or a relative time sort last; "
                      .. "--param date=YYYY-MM-DD gives the articles' date)", open))
end
