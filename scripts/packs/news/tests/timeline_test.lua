-- timeline_test.lua — the timeline and network reports on the pack's test
-- corpus: a full date, a year, weekdays placed by the date parameter.

local function timeline(params)
  local rows = run_report("timeline", "tests/corpus", params)[1].rows
  local got = {}
  for i, r in ipairs(rows) do got[i] = r.date .. " " .. r.written end
  return got, rows
end

test("dates in time order; weekdays open without the articles' date", function()
  local got = timeline()
  -- "in May" (01) has no year: it sorts after the dates that have one
  eq(got, { "2029 2029", "2031-05-12 12 May 2031", "--05 May", " Monday", " Wednesday", " Tuesday" },
     "the timeline")
end)

test("with the articles' date, the weekdays fall on days", function()
  local got, rows = timeline({ date = "2031-05-14" })
  eq(got, { "2029 2029", "2031-05 May", "2031-05-12 Monday", "2031-05-12 12 May 2031",
            "2031-05-13 Tuesday", "2031-05-14 Wednesday" }, "the timeline")
  eq(rows[3].when, "Monday (May 12, 2031)", "as a reader sees it")
  eq(rows[1].event, "The talks began on 12 May 2031 and the dam opened in 2029.", "the sentence")
end)

test("a date that is not YYYY-MM-DD is refused", function()
  local ok_, err = pcall(run_report, "timeline", "tests/corpus", { date = "May 14" })
  ok(not ok_ and tostring(err):find("YYYY%-MM%-DD"), "the error: " .. tostring(err))
end)

test("network: who is named with whom, with a network chart", function()
  local t = run_report("network", "tests/corpus", { min = 1, type = "PERSON" })[1]
  eq(t.options.chart, { type = "network", source = "a", target = "b", weight = "sentences" }, "chart")
  eq(#t.rows, 0, "no two people in one sentence")
  local g = run_report("network", "tests/corpus", { min = 1 })[1].rows
  eq(g[1].a .. "+" .. g[1].b, "Anna Berg+Valdoria", "the strongest pair")
end)

test("brief: all its tables on the test corpus", function()
  local t = run_report("brief", "tests/corpus")
  local titles = {}
  for i, x in ipairs(t) do titles[i] = x.title end
  eq(titles, { "Documents", "Entities named most", "Who is named with whom (sentences naming both)",
               "Quotes and who said them", "Numbers compared across sources", "Timeline" }, "tables")
  eq(#t[4].rows, 8, "quotes")
end)
