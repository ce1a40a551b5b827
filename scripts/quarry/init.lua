-- quarry — the Lua API: require "quarry".
--
-- The C module quarry.core does the work (corpus, tokens, gazetteer, freq,
-- kwic); this file gathers it into one table and adds the conveniences that
-- are easier to write in Lua than in C. docs/lua-api.md documents all of it.
local core = require "quarry.core"
require "quarry.query"   -- the corpus methods query, count and kwic

local quarry = {
  version = core.version,
  api_version = core.api_version,
  max_candidates = core.max_candidates,
  kinds = core.kinds,
  open = core.open,
  index = core.index,
  clock = core.clock,
  gazetteer = core.gazetteer,
  segmenter = core.segmenter,
  tokenize = core.tokenize,
  sentences = core.sentences,
  json = { encode = core.json_encode, decode = core.json_decode },
}

-- The report module loads on first use, so that scripts that never print a
-- table do not pay for it.
setmetatable(quarry, {
  __index = function(t, k)
    if k == "report" then
      local r = require "quarry.report"
      rawset(t, "report", r)
      return r
    end
  end,
})

-- Methods added to the C objects (their metatables look up unknown keys in
-- these tables).
local doc_methods = core.methods(core.DOCUMENT)

-- doc:freq{...}: the frequency list of one document (same options as
-- corpus:freq).
function doc_methods.freq(doc, opts)
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  o.doc = doc.index
  return doc.corpus:freq(o)
end

-- doc:kwic(phrase, opts): keyword in context within one document.
function doc_methods.kwic(doc, query, opts)
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  o.doc = doc.index
  return doc.corpus:kwic(query, o)
end

-- quarry.cooccurrences(corpus, opts): pairs of entities named in the same
-- sentence, paragraph or document, with association measures; the same
-- function as corpus:cooccurrences (core/lua/lqr_colloc.c, docs/statistics.md).
quarry.cooccurrences = core.cooccurrences

return quarry
