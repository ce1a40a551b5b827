-- quotes_test.lua — the quotes report on the pack's test corpus: three
-- invented articles with a speaker named after the quote (`," Berg said`,
-- `," said Reyes`), before it (`Reyes, who described the talks as "..."`),
-- by a pronoun (`he added`) or a role noun (`the foreign minister told`,
-- `The spokesperson said ... and called the figure “...”`), a quote that goes
-- on in the next sentence, a quote across a line break and `according to`.

local function quotes_of(params)
  local tables = run_report("quotes", "tests/corpus", params)
  eq(tables[1].title, "Quotes", "the first table")
  return tables[1].rows, tables[2]
end

local function key(r) return r.doc .. ":" .. r.start end

test("every quote, with its offsets, speaker, id and cue", function()
  local rows = quotes_of()
  local want = {
    { "01-berg-arrives", 144, 161, "Berg", "anna-berg", "said" },
    { "01-berg-arrives", 241, 257, "Tomas Reyes", "tomas-reyes", "described" },
    { "01-berg-arrives", 346, 375, "Tomas Reyes", "tomas-reyes", "added" },
    { "01-berg-arrives", 393, 423, "Tomas Reyes", "tomas-reyes", "added" },
    { "01-berg-arrives", 430, 443, "Reyes", "tomas-reyes", "said" },
    { "02-dam-deal", 114, 131, "Anna Berg", "anna-berg", "told" },
    { "02-dam-deal", 356, 364, "Lena Ortiz", "lena-ortiz", "called" },
    { "03-analysis", 37, 94, "Mara Quist", "mara-quist", "according to" },
  }
  local got = {}
  for i, r in ipairs(rows) do got[i] = { r.doc, r.start, r.stop, r.speaker, r.speaker_id, r.cue } end
  eq(got, want, "quotes")
end)

test("the quote's text is the document's text between the marks, on one line", function()
  local rows = quotes_of()
  local c = open("tests/corpus")
  for _, r in ipairs(rows) do
    local text = c:doc(r.doc .. ".txt").text:sub(r.start, r.stop)
    eq(r.quote, (text:gsub("%s+", " ")), key(r))
  end
  eq(rows[8].quote, "Both sides want a deal before the rains, and both know it,", "across a line break")
end)

test("how each speaker was found", function()
  local rows = quotes_of({ details = true })
  local via = {}
  for i, r in ipairs(rows) do via[i] = r.via end
  eq(via, { "after", "before", "pronoun 'he'", "continued", "after", "title 'minister'",
            "title 'spokesperson'", "after" }, "via")
end)

test("one speaker's quotes, and the tally with a bar chart", function()
  local rows, tally = quotes_of({ speaker = "tomas-reyes" })
  eq(#rows, 4, "Tomas Reyes's quotes")
  eq(tally.rows[1], { speaker = "Tomas Reyes", quotes = 4 }, "the tally")
  eq(tally.options.chart, { type = "bar", label = "speaker", value = "quotes" }, "the chart")
end)

test("min_words leaves out short quotes", function()
  local rows = quotes_of({ min_words = 4 })
  for _, r in ipairs(rows) do ok(r.start ~= 241 and r.start ~= 356, "a short quote left: " .. r.quote) end
  eq(#rows, 6, "quotes of 4 words or more")
end)
