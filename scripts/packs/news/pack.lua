-- The news pack: a brief of a news corpus (entities, who appears with whom,
-- quotes and their speakers, numbers compared across sources, a timeline).
name = "news"
version = "1.0.0"
description = "A brief of a news corpus: entities, network, quotes, claims, timeline"
license = "MIT"
authors = { "quarry developers" }
api = 1
reports = {
  brief = {
    file = "brief.lua",
    description = "entities, top pairs, quotes, disagreements and the timeline in one report",
    params = {
      { name = "top", type = "integer", default = 12, help = "rows of the entity and pair tables" },
      { name = "date", type = "string", default = "",
        help = "the articles' date (YYYY-MM-DD) for documents without a date field" },
      { name = "width", type = "integer", default = 60, help = "widest cell of the tables" },
    },
  },
  quotes = {
    file = "quotes.lua",
    description = "every direct quote with its speaker and speech verb",
    params = {
      { name = "min_words", type = "integer", default = 1, help = "shortest quote kept, in words" },
      { name = "speaker", type = "string", default = "", help = "only this speaker (an id or a name)" },
      { name = "details", type = "boolean", default = false, help = "add how each speaker was found" },
      { name = "width", type = "integer", default = 70, help = "widest cell of the table" },
    },
  },
  claims = {
    file = "claims.lua",
    description = "the numbers and dates each article gives about the same things, side by side",
    params = {
      { name = "all", type = "boolean", default = false, help = "list topics that one source alone gives too" },
      { name = "units", type = "boolean", default = true, help = "also compare every number by the noun it counts" },
    },
  },
  timeline = {
    file = "timeline.lua",
    description = "dated events in time order, with their sentences",
    params = {
      { name = "date", type = "string", default = "",
        help = "the articles' date (YYYY-MM-DD) for documents without a date field" },
      { name = "width", type = "integer", default = 90, help = "widest cell of the table" },
    },
  },
  network = {
    file = "network.lua",
    description = "who is named with whom: entity pairs in the same sentence",
    params = {
      { name = "type", type = "choice", default = "all",
        choices = { "all", "PERSON", "GPE", "ORG", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW" },
        help = "entities of this type only" },
      { name = "within", type = "choice", default = "s", choices = { "s", "p", "d" },
        help = "a pair shares a sentence (s), paragraph (p) or document (d)" },
      { name = "min", type = "integer", default = 2, help = "fewest shared units" },
      { name = "top", type = "integer", default = 30, help = "most pairs shown" },
    },
  },
}
data = {
  speech_verbs = "data/speech_verbs.txt",
  titles = "data/titles.txt",
  claims = "data/claims.txt",
}
tests = { "tests/quotes_test.lua", "tests/claims_test.lua", "tests/timeline_test.lua" }
permissions = {}
