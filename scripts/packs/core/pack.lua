-- The core pack: the corpus linguist's toolbox (a word list, n-grams, a
-- concordance, collocates, keywords, dispersion) as reports with
-- parameters, on quarry's query and statistics library.
name = "core"
version = "1.0.0"
description = "The concordancer's toolbox: word list, n-grams, KWIC, collocates, keyness, dispersion"
license = "MIT"
authors = { "quarry developers" }
api = 1
reports = {
  wordlist = {
    file = "wordlist.lua",
    description = "the frequency list: how often each word (or shape, kind, entity) occurs",
    params = {
      { name = "by", type = "choice", default = "word", choices = { "word", "shape", "kind", "ent", "id" },
        help = "what is counted: words, word shapes, token kinds, entity types (ent) or entities (id)" },
      { name = "fold", type = "boolean", default = true, help = "count words case-folded (The = the)" },
      { name = "min", type = "integer", default = 1, help = "leave out items counted fewer times" },
      { name = "top", type = "integer", default = 100, help = "most items shown (0: all)" },
    },
  },
  ngrams = {
    file = "ngrams.lua",
    description = "the most frequent n-grams (and skip-grams) of words",
    params = {
      { name = "n", type = "integer", default = 2, help = "words in an n-gram, 1 to 5" },
      { name = "by", type = "choice", default = "lower", choices = { "lower", "word", "shape", "kind" },
        help = "what an item is: the folded word, the word as written, its shape or its kind" },
      { name = "skip", type = "integer", default = 0, help = "skip-grams: words that may be left out between the items, 0 to 8" },
      { name = "within", type = "choice", default = "s", choices = { "s", "d" },
        help = "an n-gram stays within a sentence (s) or a document (d)" },
      { name = "min", type = "integer", default = 2, help = "leave out n-grams seen fewer times" },
      { name = "top", type = "integer", default = 100, help = "most n-grams shown (0: all)" },
    },
  },
  kwic = {
    file = "kwic.lua",
    description = "a concordance (keyword in context) of a word, phrase or query",
    params = {
      { name = "query", type = "string", default = "", help = "words, a phrase or a query of the query language" },
      { name = "entity", type = "string", default = "", help = "or: an entity of the gazetteer, by id" },
      { name = "width", type = "integer", default = 6, help = "tokens of context on each side" },
      { name = "sort", type = "choice", default = "none", choices = { "none", "left1", "right1", "match" },
        help = "order: as in the corpus, or by the word before, the word after, or the match" },
      { name = "limit", type = "integer", default = 200, help = "most lines shown (0: all)" },
    },
  },
  collocates = {
    file = "collocates.lua",
    description = "the collocates of a node, ranked by an association measure",
    params = {
      { name = "query", type = "string", default = "", help = "the node: words, a phrase or a query" },
      { name = "entity", type = "string", default = "", help = "or: an entity of the gazetteer, by id" },
      { name = "window", type = "integer", default = 5, help = "words on each side of the node" },
      { name = "within", type = "choice", default = "s", choices = { "s", "p", "d" },
        help = "a window stops at the end of the sentence (s), paragraph (p) or document (d)" },
      { name = "measure", type = "choice", default = "logdice",
        choices = { "logdice", "mi", "mi3", "t", "z", "ll", "dice", "log_ratio", "observed" },
        help = "the association measure the collocates are ranked by" },
      { name = "by", type = "choice", default = "lower", choices = { "lower", "word", "ent", "id" },
        help = "a collocate is a folded word, a word as written, an entity type or an entity" },
      { name = "min", type = "integer", default = 2, help = "fewest times a collocate is seen near the node" },
      { name = "top", type = "integer", default = 50, help = "most collocates shown (0: all)" },
    },
  },
  keyness = {
    file = "keyness.lua",
    description = "keywords: what a part of the corpus says markedly more often than the rest",
    params = {
      { name = "meta", type = "string", default = "",
        help = "the target by metadata: KEY=VALUE[|VALUE...][,KEY=VALUE...] (e.g. source=bbc)" },
      { name = "docs", type = "string", default = "",
        help = "the target by document id: a glob, * any text and ? one character (e.g. 'bbc-*')" },
      { name = "measure", type = "choice", default = "ll",
        choices = { "ll", "chi2", "log_ratio", "pct_diff", "f_target", "f_ref" },
        help = "the measure the keywords are ranked by" },
      { name = "direction", type = "choice", default = "+", choices = { "+", "-", "both" },
        help = "keywords of the target (+), of the rest (-), or both" },
      { name = "by", type = "choice", default = "lower", choices = { "lower", "word", "shape", "ent", "id" },
        help = "what an item is, as in the word list" },
      { name = "min", type = "integer", default = 2, help = "fewest occurrences of an item in target and rest together" },
      { name = "top", type = "integer", default = 50, help = "most keywords shown (0: all)" },
    },
  },
  dispersion = {
    file = "dispersion.lua",
    description = "how evenly a node spreads over the documents, with a dispersion plot",
    params = {
      { name = "query", type = "string", default = "", help = "the node: words, a phrase or a query" },
      { name = "entity", type = "string", default = "", help = "or: an entity of the gazetteer, by id" },
      { name = "limit", type = "integer", default = 100, help = "most positions listed (0: all; the plot shows all)" },
    },
  },
}
data = {}
tests = { "tests/core_test.lua" }
permissions = {}
