-- claims_test.lua — the claims report on the pack's test corpus: 01 says
-- "about 3,000 containers of munitions", 02 "nearly 5,000" (they differ);
-- 01 "first visit ... in 10 years", 02 "the first in a decade" (they agree).

test("the sources side by side, and where they disagree", function()
  local t = run_report("claims", "tests/corpus", { units = false })
  local side = t[1].rows
  eq(#side, 2, "topics given by two sources")
  eq(side[1].topic, "containers of munitions sent to Russia", "first topic")
  eq({ side[1]["01"], side[1]["02"] }, { "about 3,000", "nearly 5,000" }, "the figures")
  eq(side[1].verdict, "differ: about 3,000 vs nearly 5,000", "verdict")
  eq({ side[2]["01"], side[2]["02"], side[2].verdict }, { "10 years", "10 years", "agree" },
     "a decade is 10 years")
end)

test("every claim with its value, hedge and words", function()
  local rows = run_report("claims", "tests/corpus", { units = false })[2].rows
  local got = {}
  for i, r in ipairs(rows) do got[i] = table.concat({ r.doc, r.value, r.hedge, r.written }, "|") end
  eq(got, { "01|3000|about|about 3,000", "02|5000|nearly|nearly 5,000", "01|10||10 years",
            "02|10||a decade", "01|Monday||Monday" }, "claims")
end)

test("all lists the topics one source alone gives", function()
  local side = run_report("claims", "tests/corpus", { all = true, units = false })[1].rows
  eq(side[3].topic, "day of arrival", "a third topic")
  eq(side[3].verdict, "one source", "its verdict")
end)

test("numbers grouped by the noun they count", function()
  local units = run_report("claims", "tests/corpus")[3].rows
  eq(#units, 1, "one noun counted in two sources")
  eq({ units[1].counts, units[1]["01"], units[1]["02"] },
     { "containers", "3,000 containers", "5,000 containers" }, "containers")
end)
