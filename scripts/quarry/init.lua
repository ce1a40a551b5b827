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

-- quarry.cooccurrences(corpus, {type = T, min = 1}): pairs of entities named
-- in the same sentence, with how many sentences and documents they share.
function quarry.cooccurrences(corpus, opts)
  opts = opts or {}
  local min = opts.min or 1
  local pairs_seen, rows = {}, { columns = { "a", "b", "sentences", "docs" } }
  for doc in corpus:docs() do
    local by_sentence = {}
    for e in doc:entities() do
      if not opts.type or e.type == opts.type then
        local s = by_sentence[e.sentence]
        if not s then s = {}; by_sentence[e.sentence] = s end
        s[e.id] = e.name
      end
    end
    local in_doc = {}
    for _, names in pairs(by_sentence) do
      local ids = {}
      for id in pairs(names) do ids[#ids + 1] = id end
      table.sort(ids)
      for i = 1, #ids do
        for j = i + 1, #ids do
          local key = ids[i] .. "\0" .. ids[j]
          local p = pairs_seen[key]
          if not p then
            p = { a = names[ids[i]], b = names[ids[j]], a_id = ids[i], b_id = ids[j],
                  sentences = 0, docs = 0 }
            pairs_seen[key] = p
          end
          p.sentences = p.sentences + 1
          if not in_doc[key] then in_doc[key] = true; p.docs = p.docs + 1 end
        end
      end
    end
  end
  for _, p in pairs(pairs_seen) do
    if p.sentences >= min then rows[#rows + 1] = p end
  end
  table.sort(rows, function(x, y)
    if x.sentences ~= y.sentences then return x.sentences > y.sentences end
    if x.a ~= y.a then return x.a < y.a end
    return x.b < y.b
  end)
  if opts.top and #rows > opts.top then
    for i = #rows, opts.top + 1, -1 do rows[i] = nil end
  end
  return rows
end

return quarry
