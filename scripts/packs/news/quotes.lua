-- quotes.lua — every direct quote of the corpus with its speaker.
--
-- A quote is the text between “ and ” (or a pair of "), across line breaks,
-- whole sentences and phrases inside a sentence alike. Its speaker is named
-- next to a speech verb before or after it, or is a pronoun or role noun ("he
-- added", "the spokesperson said") referring back to the last person named;
-- speaker_id is the gazetteer's id. docs/news-pack.md gives the rules.
local common = require "lib.common"
local quotes = require "lib.quotes"

local verbs = select(2, common.word_set(pack.lines("speech_verbs")))
local titles = common.word_set(pack.lines("titles"))
local rows = quotes.find(corpus, { verbs = verbs, titles = titles, min_words = params.min_words })

local out = { columns = { "doc", "start", "stop", "quote", "speaker", "speaker_id", "cue" } }
if params.details then out.columns[#out.columns + 1] = "via" end
local speakers, count = {}, {}
for _, r in ipairs(rows) do
  if params.speaker == "" or r.speaker_id == params.speaker or r.speaker == params.speaker then
    out[#out + 1] = { doc = common.doc_label(r.doc), start = r.start, stop = r.stop,
                      quote = r.quote, speaker = r.speaker, speaker_id = r.speaker_id,
                      cue = r.cue, via = r.via }
    local key = r.speaker_id ~= "" and r.speaker_id or r.speaker
    if key ~= "" then
      if not count[key] then speakers[#speakers + 1] = key; count[key] = 0 end
      count[key] = count[key] + 1
    end
  end
end
report.table(out, { title = "Quotes", max_width = params.width })

-- the tally names a speaker by the gazetteer's preferred name where it can
local gaz = corpus:gazetteer()
local tally = { columns = { "speaker", "quotes" } }
for _, k in ipairs(speakers) do
  local e = gaz and gaz:entry(k)
  tally[#tally + 1] = { speaker = e and e.name or k, quotes = count[k] }
end
common.sort_by(tally, "-quotes", "speaker")
report.table(tally, { title = "Quotes per speaker",
                      chart = { type = "bar", label = "speaker", value = "quotes" } })
