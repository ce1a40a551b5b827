-- timeline.lua — the dated events of the corpus in time order: each date
-- the articles write ("June 18-19", "18-19 June", "in March", "July 2000",
-- "since 2006", "1950-53", "on Tuesday", "last week") with its sentence.
-- A date without a year and a weekday are resolved against the article's
-- date: the document's `date` metadata, else the date parameter; without
-- either they stay as written and sort last (docs/news-pack.md).
local timeline = require "lib.timeline"

local rows, open = timeline.rows(corpus, params.date)
report.table(rows, { title = "Timeline", max_width = params.width })
if open > 0 then
  print(string.format("%d of %d dates name only a weekday or a relative time: give the articles' "
                      .. "date (--param date=YYYY-MM-DD, or a date field in a JSON Lines corpus) to place them",
                      open, #rows))
end
