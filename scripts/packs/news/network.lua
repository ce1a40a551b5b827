-- network.lua — who is named with whom: pairs of entities named in the same
-- sentence (or paragraph, or document), from corpus:cooccurrences (counted
-- in C), strongest first, with logDice as the measure of association.
local opts = { within = params.within, min = params.min, top = params.top }
if params.type ~= "all" then opts.type = params.type end
local unit = ({ s = "sentences", p = "paragraphs", d = "docs" })[params.within]
local rows = { columns = { "a", "b", unit, "docs", "logdice" } }
for _, r in ipairs(corpus:cooccurrences(opts)) do
  -- with within = "d" the count of units is the count of documents
  rows[#rows + 1] = { a = r.a, b = r.b, [unit] = r[unit], docs = r.docs, logdice = r.logdice }
end
report.table(rows, { title = "Who is named with whom (" .. unit .. " naming both)",
                     chart = { type = "network", source = "a", target = "b", weight = unit } })
