-- segmenter_test.lua — Segmenter objects: abbreviations added, loaded and
-- learned; the sentence model on and off; corpora that use them.
local T = require "testlib"
local q = require "quarry"

local function texts(list)
  local out = {}
  for i, s in ipairs(list) do out[i] = s.text end
  return out
end

local tmpfile = T.tmpfile

T.test("an added abbreviation keeps its period and its class decides", function()
  local s = q.segmenter()
  local text = "They met Zrx. Smith today. Then they left."
  T.eq(texts(s:sentences(text)), { "They met Zrx.", "Smith today.", "Then they left." })
  s:add_abbreviation("Zrx.", "title")
  T.eq(texts(s:sentences(text)), { "They met Zrx. Smith today.", "Then they left." })
  T.eq(s:abbreviation("Zrx."), "title")
  T.eq(s:abbreviation("Mr."), "title")
  T.eq(s:abbreviation("etc."), "final")
  T.eq(s:abbreviation("Inc."), "plain")
  T.eq(s:abbreviation("vs."), "title")   -- "Boston vs. Denver": never ends a sentence
  T.eq(s:abbreviation("No."), "number")
  T.eq(s:abbreviation("table."), nil)
  -- the shared default segmenter is untouched
  T.eq(#q.sentences(text), 3)
end)

T.test("a final abbreviation ends its sentence before any capital, a plain one before a starter", function()
  local text = "We sell pens, inks, Zq. Anybody can buy. Pens, Zq. The shop is open."
  local plain, final = q.segmenter(), q.segmenter()
  plain:add_abbreviation("Zq.")
  final:add_abbreviation("Zq.", "final")
  T.eq(texts(plain:sentences(text)), { "We sell pens, inks, Zq. Anybody can buy.", "Pens, Zq.", "The shop is open." })
  T.eq(texts(final:sentences(text)), { "We sell pens, inks, Zq.", "Anybody can buy.", "Pens, Zq.", "The shop is open." })
  T.eq(final:abbreviation("Zq."), "final")
end)

T.test("abbreviations from a file, in the lexicon format", function()
  local path = tmpfile("# mine\nZrx.   title\nQty.   number\n")
  local s = q.segmenter{ abbreviations = path }
  os.remove(path)
  T.eq(s:abbreviation("Qty."), "number")
  T.eq(#s:sentences("Order Qty. 5 now. Done."), 2)
  -- exact: the entry does not match in small letters ("Zrq." is no "zrq.")
  local exact = tmpfile("Zrq.  plain exact\nZrw.\n")
  s = q.segmenter{ abbreviations = exact }
  os.remove(exact)
  local words = {}
  for _, t in ipairs(s:tokenize("the zrq. the zrw. the Zrq.")) do words[#words + 1] = t.text end
  T.eq(words, { "the", "zrq", ".", "the", "zrw.", "the", "Zrq." })
  local bad = tmpfile("Zrx. sometimes\n")
  T.raises(function() q.segmenter{ abbreviations = bad } end, ":1: unknown abbreviation class 'sometimes'")
  os.remove(bad)
  T.raises(function() q.segmenter():add_abbreviation("Zrx") end, "ending with a period")
  T.raises(function() q.segmenter():add_abbreviation("Zrx.", "rank") end, "invalid option 'rank'")
end)

T.test("abbreviations are learned from texts that use them (Punkt's idea)", function()
  local s = q.segmenter()
  local corpus = { "See ep. 4 and ep. 7 on this. The text goes on. Also ep. 9 here.",
                   "Then ep. 10 now. It ends." }
  local learned = s:learn_abbreviations(corpus)
  T.eq(learned.columns, { "abbreviation", "with_period", "without", "score" })
  T.eq(#learned, 1)
  T.eq({ learned[1].abbreviation, learned[1].with_period, learned[1].without }, { "ep.", 4, 0 })
  T.eq(s:abbreviation("ep."), "plain")
  T.eq(#s:sentences(corpus[1]), 3)
end)

T.test("words that merely end sentences are not learned", function()
  local s = q.segmenter()
  local learned = s:learn_abbreviations("I said yes. Mm. Yes. She said mm. Mm. We left. Sure, mm. Fine.")
  T.eq(#learned, 0)
end)

T.test("a corpus can learn its abbreviations when it opens", function()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -p " .. dir))
  local f = assert(io.open(dir .. "/a.txt", "w"))
  f:write("See ep. 4 and ep. 7. The text goes on. Also ep. 9 here. Then ep. Ten now.\n")
  f:close()
  local plain = q.open(dir)
  local c = q.open(dir, { learn_abbreviations = true })
  -- "7." after "ep." reads as a list item's number, "ep." before "Ten" as a sentence's end
  T.eq(#plain:doc(1):sentences(), 5)
  T.eq(#c:doc(1):sentences(), 4)
  T.eq(c:learned_abbreviations()[1].abbreviation, "ep.")
  T.eq(#plain:learned_abbreviations(), 0)
  T.eq(plain:segmenter(), nil)
  T.eq(c:segmenter():abbreviation("ep."), "plain")
  -- a segmenter given to quarry.open is the one used
  local s = q.segmenter()
  s:add_abbreviation("ep.", "plain")
  T.eq(#q.open(dir, { segmenter = s }):doc(1):sentences(), 4)
  os.execute("rm -rf " .. dir)
end)

T.test("the sentence model adds the boundaries rules miss; set_model(false) turns it off", function()
  local text = "thanks for the help. i will call you tomorrow"
  local rules = q.segmenter{ model = false }
  T.eq(#rules:sentences(text), 1)
  T.eq(#q.segmenter():sentences(text), 2)
  local s = q.segmenter()
  s:set_model(false)
  T.eq(#s:sentences(text), 1)
  T.eq(tostring(s):match("rules only") ~= nil, true)
  local bad = tmpfile("not a model\n")
  T.raises(function() s:set_model(bad) end, ":1: not a quarry sentence model")
  os.remove(bad)
end)

T.test("the rules alone: a link after a terminator starts a sentence", function()
  local rules = q.segmenter{ model = false }
  T.eq(texts(rules:sentences("I found this on the web. http://www.example.com/a.html and its index.")),
       { "I found this on the web.", "http://www.example.com/a.html and its index." })
end)

T.test("a closed segmenter refuses politely", function()
  local s = q.segmenter()
  s:close()
  T.raises(function() s:sentences("a") end, "the segmenter is closed")
  T.raises(function() q.open("corpus/", { segmenter = s }) end, "the segmenter is closed")
end)

T.test("the splitter's model decides as quarry tokens --format explain says it does", function()
  -- explain works out the model's inputs (distances to the rules'
  -- boundaries, terminators in the paragraph) for every gap at once, as
  -- training does; the splitter finds them in bit masks. The sentences the
  -- model adds must be the gaps explain reports as "model: split".
  local p = io.popen("cat corpus/*.txt")
  local text = p:read("a")
  p:close()
  text = text .. "\n\nHi Sam, thanks for the note John Smith called Monday he wants the " ..
         "report Please send it to Mary Jones at the office before Friday The meeting " ..
         "is at noon Regards Bob\n\nsee you there Tom said he would come Anyway the plan stands\n" ..
         "\nWe met the whole team on Friday The results were good\n" ..
         "\nThe vote was close. on Monday the board met again.\n" ..
         "\nI will call you tomorrow. thanks again for the help\n"
  local rules = q.segmenter()
  rules:set_model(false)
  local added = {}   -- first words of the sentences the model adds, counted
  for _, s in ipairs(q.segmenter():sentences(text)) do
    local w = s.text:match("^[%w']+")
    if w then added[w] = (added[w] or 0) + 1 end
  end
  for _, s in ipairs(rules:sentences(text)) do
    local w = s.text:match("^[%w']+")
    if w then added[w] = added[w] - 1 end
  end
  local path = tmpfile(text)
  local ex = io.popen((os.getenv("QUARRY") or "./quarry") .. " tokens --format explain '" .. path .. "'")
  local said, n = {}, 0
  for line in ex:lines() do
    local r = line:match(" | ([^\t]+)\t.*model: split")
    if r then
      r = r:match("^[%w']+")
      said[r] = (said[r] or 0) + 1
      n = n + 1
    end
  end
  ex:close()
  os.remove(path)
  assert(n >= 3, "the text should make the model split: " .. n)
  for w, k in pairs(added) do
    if k ~= 0 then T.eq(said[w] or 0, k, w) end
  end
  for w, k in pairs(said) do T.eq(added[w], k, w) end
end)

T.test("built-in sets of domain abbreviations load by name", function()
  local text = "The ruling of the Bankr. Court stands. Then Supp. Smith left."
  local plain = q.segmenter()
  T.eq(#plain:sentences(text), 4)
  local legal = q.segmenter()
  T.eq(legal:load_abbreviations("@legal"), legal)
  T.eq(#legal:sentences(text), 2)
  T.eq(legal:abbreviation("Cir."), "plain")
  T.eq(legal:abbreviation("Para."), "number")
  T.eq(plain:abbreviation("Cir."), nil)
  local both = q.segmenter{ abbreviations = "@scientific,@biomedical" }
  T.eq(both:abbreviation("Eq."), "number")
  T.eq(both:abbreviation("spp."), "plain")
  T.eq(both:abbreviation("Bankr."), nil)
  T.raises(function() q.segmenter():load_abbreviations("@medical") end,
           "unknown abbreviation set '@medical' (known: @biomedical, @legal, @scientific)")
  -- a corpus opened with such a segmenter reads its texts with it
  local path = T.tmpfile(text .. "\n", "ruling.txt")
  T.eq(#q.open(path, { segmenter = legal, gazetteer = false }):doc(1):sentences(), 2)
end)
