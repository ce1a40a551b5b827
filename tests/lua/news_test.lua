-- news_test.lua — the news pack's reports on the sample corpus against the
-- hand-made gold files: tests/data/news-quotes.tsv (every direct quote of the
-- five articles and its speaker) and tests/data/news-claims.tsv (the numbers
-- the articles give about the same things, and whether they agree).
--
-- The reports run as the pack runner runs them: each file of
-- scripts/packs/news with the globals corpus, params (the manifest's
-- defaults), pack (its data files) and report (here a recorder of the
-- tables). Every gold row must be found exactly (offsets, speaker as written,
-- speaker id, cue); precision and recall are printed as TAP comments.
local T = require "testlib"
local quarry = require "quarry"

local PACK = "scripts/packs/news/"
local corpus = quarry.open("corpus/", { quiet = true })

local manifest = {}
assert(loadfile(PACK .. "pack.lua", "t", manifest))()
package.path = PACK .. "?.lua;" .. package.path

-- Runs a report of the pack; returns its tables by title, and in order.
local function run_report(name, overrides)
  local spec = assert(manifest.reports[name], "no report " .. name)
  local params = {}
  for _, p in ipairs(spec.params or {}) do params[p.name] = p.default end
  for k, v in pairs(overrides or {}) do params[k] = v end
  local tables = {}
  local env = setmetatable({
    corpus = corpus, params = params, quarry = quarry,
    pack = {
      name = manifest.name, version = manifest.version,
      read = function(n)
        local f = assert(io.open(PACK .. manifest.data[n])); local s = f:read("a"); f:close(); return s
      end,
      lines = function(n) return io.lines(PACK .. manifest.data[n]) end,
    },
    report = {
      table = function(rows, opts)
        local t = { title = opts and opts.title, rows = rows, chart = opts and opts.chart }
        tables[#tables + 1] = t
        if t.title then tables[t.title] = t end
      end,
    },
    print = function() end,
  }, { __index = _G })
  assert(loadfile(PACK .. spec.file, "t", env))()
  return tables
end

-- The rows of a TSV file after its comments, keyed by its header line.
local function read_tsv(path)
  local rows, header = {}, nil
  for line in io.lines(path) do
    if not line:find("^#") and line ~= "" then
      local fields = {}
      for f in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = f end
      if not header then header = fields
      else
        local row = {}
        for i, h in ipairs(header) do row[h] = fields[i] or "" end
        rows[#rows + 1] = row
      end
    end
  end
  return rows
end

local gold_quotes = read_tsv("tests/data/news-quotes.tsv")
local gold_claims = read_tsv("tests/data/news-claims.tsv")

T.test("the gold quotes are the text between their marks", function()
  T.eq(#gold_quotes, 20, "quotes in the gold file")
  for _, g in ipairs(gold_quotes) do
    local d = assert(corpus:doc(g.doc), g.doc)
    local a, b = tonumber(g.start), tonumber(g.stop)
    T.eq(d.text:sub(a, b), g.quote, g.doc .. ":" .. g.start)
    local before, after = d.text:sub(a - 3, a - 1), d.text:sub(b + 1, b + 3)
    T.eq((before == "“" or before:sub(3) == '"'), true, "an opening mark before " .. g.start)
    T.eq((after == "”" or after:sub(1, 1) == '"'), true, "a closing mark after " .. g.stop)
  end
end)

local quotes = run_report("quotes").Quotes.rows

T.test("quotes: every gold quote is found, with its speaker, id and cue", function()
  local found = {}
  for _, r in ipairs(quotes) do found[r.doc .. ".txt:" .. r.start .. ":" .. r.stop] = r end
  local spans, speakers, ids, cues = 0, 0, 0, 0
  local wrong = {}
  for _, g in ipairs(gold_quotes) do
    local r = found[g.doc .. ":" .. g.start .. ":" .. g.stop]
    if r then
      spans = spans + 1
      if r.speaker == g.speaker then speakers = speakers + 1 end
      if r.speaker_id == g.speaker_id then ids = ids + 1 end
      if r.cue == g.cue then cues = cues + 1 end
      if r.speaker ~= g.speaker or r.speaker_id ~= g.speaker_id or r.cue ~= g.cue then
        wrong[#wrong + 1] = string.format("%s:%s %q: got %s/%s/%s, want %s/%s/%s", g.doc, g.start,
          g.quote:sub(1, 30), r.speaker, r.speaker_id, r.cue, g.speaker, g.speaker_id, g.cue)
      end
    else
      wrong[#wrong + 1] = string.format("%s:%s-%s %q: not found", g.doc, g.start, g.stop, g.quote:sub(1, 30))
    end
  end
  local n = #gold_quotes
  print(string.format("# quotes: %d found of %d gold (recall %.2f), %d rows (precision %.2f)",
                      spans, n, spans / n, #quotes, spans / math.max(1, #quotes)))
  print(string.format("# speakers right %d/%d, ids right %d/%d, cues right %d/%d",
                      speakers, n, ids, n, cues, n))
  T.eq(table.concat(wrong, "\n"), "", "quotes that differ from the gold")
  T.eq(#quotes, n, "quote rows (no quote that is not in the gold)")
end)

T.test("quotes: the speaker parameter keeps one speaker's quotes", function()
  local rows = run_report("quotes", { speaker = "matthew-miller" }).Quotes.rows
  T.eq(#rows, 2, "Matthew Miller's quotes")
  T.eq(rows[1].start, 2518, "the first")
  local tally = run_report("quotes")["Quotes per speaker"]
  T.eq(tally.chart.type, "bar", "a bar chart of the speakers")
  T.eq(tally.rows[1].speaker, "Vladimir Putin", "who is quoted most")
  T.eq(tally.rows[1].quotes, 7, "Putin's quotes")
end)

local claims = run_report("claims")

T.test("claims: every gold claim and verdict, and nothing else", function()
  local got, want = {}, {}
  for _, r in ipairs(claims.Claims.rows) do
    got[#got + 1] = table.concat({ r.topic, r.doc, r.value, r.hedge, r.written }, " | ")
  end
  for _, r in ipairs(claims["Claims side by side (columns: documents)"].rows) do
    got[#got + 1] = table.concat({ r.topic, "*", (r.verdict:match("^[^:]+")), "", "" }, " | ")
  end
  for _, g in ipairs(gold_claims) do
    want[#want + 1] = table.concat({ g.topic, g.doc, g.value, g.hedge, g.written }, " | ")
  end
  table.sort(got); table.sort(want)
  local hits, gi = 0, {}
  for _, x in ipairs(got) do gi[x] = (gi[x] or 0) + 1 end
  for _, x in ipairs(want) do if (gi[x] or 0) > 0 then hits = hits + 1; gi[x] = gi[x] - 1 end end
  print(string.format("# claims: %d of %d gold rows found (recall %.2f), %d rows (precision %.2f)",
                      hits, #want, hits / #want, #got, hits / math.max(1, #got)))
  T.eq(table.concat(got, "\n"), table.concat(want, "\n"), "claims")
end)

T.test("claims: the side-by-side table puts each source's value in its column", function()
  local rows = claims["Claims side by side (columns: documents)"].rows
  T.eq(rows[1].topic, "containers of munitions sent to Russia", "first topic")
  T.eq(rows[1]["02"], "approximately 7,000", "02's figure")
  T.eq(rows[1]["03"], "over 11,000", "03's figure")
  T.eq(rows[1].verdict, "differ: approximately 7,000 vs over 11,000", "the disagreement")
  T.eq(rows[2]["01"], "nearly 25 years", "01's quarter century")
end)

T.test("timeline: dates in time order, weekdays placed by the date given", function()
  local rows = run_report("timeline").Timeline.rows
  T.eq(rows[1].when, "1950–1953", "the earliest")
  T.eq(rows[2].written, "July 2000", "then the first visit")
  local seen = {}
  for _, r in ipairs(rows) do seen[r.doc:sub(1, 2) .. " " .. r.written] = r end
  T.eq(seen["03 September of last year"].when, "September (the year before)", "last year")
  T.eq(seen["04 18-19 June"].when, "June 18–19", "a day range written day first")
  T.eq(seen["01 Tuesday"].date, "", "a weekday without the articles' date stays open")
  local dated = run_report("timeline", { date = "2024-06-19" }).Timeline.rows
  local by = {}
  for _, r in ipairs(dated) do by[r.doc:sub(1, 2) .. " " .. r.written] = r end
  T.eq(by["04 Tuesday"].date, "2024-06-18", "arrived on Tuesday: the day before")
  T.eq(by["02 September"].date, "2023-09", "Kim's September trip: the year before")
  T.eq(by["02 June 18-19"].date, "2024-06-18/19", "the visit")
  T.eq(by["03 January"].date, "2024-01", "a missile fired in January")
  T.raises(function() run_report("timeline", { date = "19 June" }) end, "YYYY-MM-DD")
end)

T.test("network: pairs named in the same sentence, with a network chart", function()
  local t = run_report("network", { type = "PERSON", min = 2 })
  local rows = t[1].rows
  T.eq(rows[1].a .. " + " .. rows[1].b, "Kim Jong Un + Vladimir Putin", "the strongest pair")
  T.eq(rows[1].sentences, 11, "sentences naming both")
  T.eq(t[1].chart.type, "network", "chart")
end)

T.test("brief: documents, entities, pairs, quotes, claims and timeline", function()
  local t = run_report("brief")
  local titles = {}
  for _, x in ipairs(t) do titles[#titles + 1] = x.title end
  T.eq(table.concat(titles, "; "), "Documents; Entities named most; Who is named with whom "
       .. "(sentences naming both); Quotes and who said them; Numbers compared across sources; Timeline",
       "the tables")
  T.eq(#t["Quotes and who said them"].rows, 20, "every quote")
  T.eq(t["Entities named most"].rows[1].entity, "North Korea", "the entity named most")
end)
