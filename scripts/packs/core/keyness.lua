-- keyness: the words markedly more (or less) frequent in a target part of
-- the corpus than in the rest of it.
local common = require "lib.common"
local target, label = common.target(corpus, params)
local rows = corpus:keyness(target, nil, { by = params.by, min = params.min, sort = params.measure })
local keep
if params.direction ~= "both" then
  keep = function(r) return r.direction == params.direction end
end
local shown = common.first(rows, params.top, keep)
shown.columns = { "item", "f_target", "f_ref", "per_million_target", "per_million_ref",
                  params.measure, "p_ll", "direction" }
if params.measure == "f_target" or params.measure == "f_ref" or params.measure == "ll" then
  shown.columns[6] = "ll"
end
report.table(shown, {
  title = string.format("Keywords of %s (%d documents, %d tokens) against the rest (%d tokens), by %s",
                        label, #target, rows.tokens_target or 0, rows.tokens_ref or 0, params.measure),
  chart = { type = "bar", label = "item", value = shown.columns[6], limit = 25 },
})
