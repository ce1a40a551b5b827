-- lib/quotes.lua — direct quotes and who said them.
--
-- Quote marks, speech verbs, pronouns and role nouns are found with
-- corpus:query (in C, over the lexicon), the speakers among the gazetteer's
-- mentions (doc:entities()); the rules below only compare their positions.
-- Positions are byte offsets in the document (start, stop) and corpus-wide
-- token numbers (first, last), as matches and mentions both carry them.
local common = require "lib.common"

local Q = {}

-- Pairs the quote marks of one document. “ opens and ” closes; a straight "
-- opens when no quote is open and closes one that is. A quote still open at a
-- blank line ends with its paragraph (the convention for quotes that run over
-- several paragraphs), and an opener met while a quote is open ends the open
-- one just before it. Returns {open = mark, close = mark or nil, start, stop},
-- start and stop being the quote's text inside its marks.
local function pair_marks(text, marks)
  local quotes, open = {}, nil
  local function finish(close, stop)
    while stop > open.stop and text:sub(stop, stop):find("%s") do stop = stop - 1 end
    if stop > open.stop then
      quotes[#quotes + 1] = { open = open, close = close, start = open.stop + 1, stop = stop }
    end
    open = nil
  end
  for _, m in ipairs(marks) do
    if open then
      local gap = text:sub(open.stop + 1, m.start - 1)
      local para = gap:find("\n[ \t\r]*\n")
      if para then finish(nil, open.stop + para - 1) end
    end
    local opener
    if m.text == "“" then opener = true
    elseif m.text == "”" then opener = false
    else opener = (open == nil) end
    if opener then
      if open then finish(nil, m.start - 1) end
      open = m
    elseif open then
      finish(m, m.start - 1)
    end
  end
  if open then
    local para = text:find("\n[ \t\r]*\n", open.stop + 1)
    finish(nil, para and para - 1 or #text)
  end
  return quotes
end

-- Groups the matches of a query by document index, in document order.
local function by_doc(matches)
  local out = {}
  for m in matches do
    local list = out[m.doc_index]
    if not list then list = {}; out[m.doc_index] = list end
    list[#list + 1] = { start = m.start, stop = m.stop, first = m.first, last = m.last,
                        sentence = m.sentence, text = m.text }
  end
  return out
end

-- True when the text between two positions holds only white space and
-- commas (a quote's closing mark and the name after it: `,” Campbell said`).
local function near(text, from, to)
  if to < from then return true end
  return not text:sub(from, to):find("[^%s,]")
end

-- The speaker of a candidate: a person mention is itself; a pronoun or a role
-- noun ("the spokesperson") refers back to the last person named before it
-- outside quotes, a body noun ("the ministry") to the last organisation.
local function resolve(ctx, cand)
  if cand.kind ~= "pronoun" and cand.kind ~= "title" then return cand.mention end
  local want = cand.class == "body" and "ORG" or "PERSON"
  local best
  for _, m in ipairs(ctx.mentions) do
    if m.start >= cand.start then break end
    if m.type == want and not ctx.in_quote(m.start) then best = m end
  end
  return best
end

-- The row fields for a speaker found as cand, with the verb as the cue.
local function speaker_of(ctx, cand, verb, how)
  local m = resolve(ctx, cand)
  if not m then
    return { speaker = "", speaker_id = "", cue = verb and verb.text or "",
             via = how .. " " .. cand.text .. " (no antecedent)" }
  end
  -- a plural role noun ("officials said") names people the article does not
  if cand.kind == "title" and cand.plural then
    return { speaker = cand.text, speaker_id = "", cue = verb and verb.text or "", via = "title (plural)" }
  end
  local via = how
  if cand.kind == "pronoun" or cand.kind == "title" then via = cand.kind .. " '" .. cand.text .. "'" end
  local name, id = m.text, m.id
  -- a nationality heading a noun ("Russian officials") is a group, not the nation
  if m.type == "NORP" then
    local noun = ctx.text:match("^%s+(%l[%w-]*)", m.stop + 1)
    if noun then name = name .. " " .. noun; id = "" end
  end
  return { speaker = common.squash(name), speaker_id = id or "",
           cue = verb and verb.text or "", via = via }
end

-- The candidate right after a speech verb: `said Campbell`, `said the
-- spokesperson` (a role noun may have its article before it).
local function after_verb(ctx, v)
  for _, cand in ipairs(ctx.cands) do
    if cand.first > v.last and cand.first <= v.last + 3 and cand.sentence == v.sentence then
      local gap = ctx.text:sub(v.stop + 1, cand.start - 1)
      if gap:find("^%s*$") or gap:find("^%s+%a+%s+$") then return cand end
    end
  end
  return nil
end

-- `“…,” Campbell said` / `“…,” said Campbell` / `“…,” he added` / `“…”,
-- according to the Kremlin`: a speaker and a speech verb right after the
-- closing mark, in its sentence.
local function after_quote(ctx, q)
  local c = q.close
  if not c then return nil end
  local text = ctx.text
  -- a quote that ends with a full stop ended its sentence: what follows is
  -- the next sentence, not its attribution
  if text:sub(q.start, q.stop):find("%.%s*$") then return nil end
  local acc = text:match("^[%s,]*according to%s+()", c.stop + 1)
  if acc then
    for _, cand in ipairs(ctx.cands) do
      if cand.start >= acc and cand.start <= acc + 4 and cand.kind ~= "pronoun" then
        return speaker_of(ctx, cand, { text = "according to" }, "after")
      end
      if cand.start > acc + 4 then break end
    end
  end
  for _, v in ipairs(ctx.verbs) do
    if v.first > c.first and v.first <= c.first + 6 and v.sentence == c.sentence
       and not ctx.in_quote(v.start) then
      -- speaker then verb
      for _, cand in ipairs(ctx.cands) do
        if cand.first > c.first and cand.last < v.first and near(text, cand.stop + 1, v.start - 1)
           and (near(text, c.stop + 1, cand.start - 1) or
                cand.kind == "title" and text:sub(c.stop + 1, cand.start - 1):find("^[%s,]*[%l%s]*$")
                and cand.first <= c.first + 4) then
          return speaker_of(ctx, cand, v, "after")
        end
      end
      -- verb then speaker
      local cand = near(text, c.stop + 1, v.start - 1) and after_verb(ctx, v)
      return cand and speaker_of(ctx, cand, v, "after") or nil
    end
  end
  return nil
end

-- The speaker of a speech verb in the quote's sentence. The nearest person,
-- pronoun or role noun before the verb is its subject; failing those, the
-- first other mention of the sentence before it (`Moscow ... praised`, `The
-- U.S. State Department indicated`); a passive verb takes the agent after
-- "by" (`described by Russian officials as`).
local function subject_of(ctx, v, sentence)
  local text = ctx.text
  local agent = text:match("^%s+by%s+()", v.stop + 1)
  if agent then
    local stop = text:find("%s+as%s", agent) or text:find("[,“”\"]", agent)
    local span = stop and text:sub(agent, stop - 1) or ""
    if span ~= "" and #span < 80 then
      local clean = span:gsub("^[Tt]he%s+", "")
      for _, m in ipairs(ctx.mentions) do
        if m.start >= agent and m.stop <= agent + #span - 1 then
          if text:sub(m.start, agent + #span - 1) == clean or m.text == clean then
            return speaker_of(ctx, { kind = "mention", mention = m, text = m.text }, v, "passive")
          end
        end
      end
      return { speaker = common.squash(clean), speaker_id = "", cue = v.text, via = "passive" }
    end
  end
  local best
  for _, cand in ipairs(ctx.cands) do
    if cand.last < v.first and cand.sentence == sentence and cand.kind ~= "mention" then
      best = cand
    end
  end
  if best then return speaker_of(ctx, best, v, "before") end
  for _, cand in ipairs(ctx.cands) do
    if cand.sentence == sentence and cand.last < v.first then
      return speaker_of(ctx, cand, v, "subject")
    end
  end
  return nil
end

-- The speech verb of a quote that has no speaker right after it: the nearest
-- one before the quote in its opening sentence, else one after it in its
-- closing sentence whose speaker stands right next to it (`, the Kremlin
-- said`). Verbs inside quotes do not count.
local function before_quote(ctx, q)
  local o, best = q.open, nil
  for _, v in ipairs(ctx.verbs) do
    if v.sentence == o.sentence and v.last < o.first and not ctx.in_quote(v.start) then best = v end
  end
  if best then return subject_of(ctx, best, o.sentence) end
  local c = q.close
  if not c then return nil end
  for _, v in ipairs(ctx.verbs) do
    if v.sentence == c.sentence and v.first > c.first and not ctx.in_quote(v.start) then
      local cand = after_verb(ctx, v)
      for _, x in ipairs(ctx.cands) do
        if x.sentence == v.sentence and x.first > c.first and x.last < v.first and
           near(ctx.text, x.stop + 1, v.start - 1) then
          cand = x
        end
      end
      if cand then return speaker_of(ctx, cand, v, "after") end
    end
  end
  return nil
end

-- A quote that stands as a sentence of its own right after an attributed
-- quote of the same paragraph goes on with the same speaker (`“…,” he added.
-- “No one will be left without it.”`).
local function continued(ctx, prev, q)
  if not prev or prev.who.speaker == "" or not prev.q.close then return nil end
  local gap = ctx.text:sub(prev.q.close.stop + 1, q.open.start - 1)
  if gap:find("\n[ \t\r]*\n") or #gap > 200 then return nil end
  -- this quote opens its sentence: nothing but white space before it there
  local s = ctx.sentence_start(q.open.sentence)
  if not s or ctx.text:sub(s, q.open.start - 1):find("%S") then return nil end
  return { speaker = prev.who.speaker, speaker_id = prev.who.speaker_id, cue = prev.who.cue,
           via = "continued" }
end

-- Finds the quotes of a corpus (or of one document, opts.doc, an index) and
-- their speakers. opts.verbs: list of speech-verb forms; opts.titles: map of
-- role noun -> "person" | "body"; opts.min_words: shortest quote kept.
-- Returns rows: doc, start, stop, quote, speaker, speaker_id, cue, via,
-- sentence (doc-relative index of the opening mark's sentence).
function Q.find(corpus, opts)
  opts = opts or {}
  local qopts = opts.doc and { doc = opts.doc } or nil
  local marks = by_doc(corpus:query('[word="“|”|\\""]', qopts))
  local verbs = by_doc(corpus:query('[lower="' .. common.alternation(opts.verbs or { "said" }) .. '"]', qopts))
  local pronouns = by_doc(corpus:query('[lower="he|she"]', qopts))
  local title_words = {}
  for w in pairs(opts.titles or {}) do title_words[#title_words + 1] = w end
  table.sort(title_words)
  local titles = #title_words > 0 and
    by_doc(corpus:query('[lower="(' .. common.alternation(title_words) .. ')s?"]', qopts)) or {}
  local rows = { columns = { "doc", "start", "stop", "quote", "speaker", "speaker_id", "cue", "via" } }
  local min_words = opts.min_words or 1
  for doc_index, doc_marks in pairs(marks) do
    local doc = corpus:doc(doc_index)
    local text = doc.text
    local quotes = pair_marks(text, doc_marks)
    local spans = {}
    for i, q in ipairs(quotes) do spans[i] = { q.open.start, q.close and q.close.stop or q.stop } end
    local function in_quote(pos)
      for _, s in ipairs(spans) do
        if pos >= s[1] and pos <= s[2] then return true end
        if s[1] > pos then break end
      end
      return false
    end
    local mentions = doc:entities():list()
    -- candidates for a speaker, outside quotes, in token order
    local cands = {}
    local starts = {}
    for _, m in ipairs(mentions) do
      starts[m.first] = true
      if not in_quote(m.start) then
        cands[#cands + 1] = { kind = m.type == "PERSON" and "person" or "mention", mention = m,
                              first = m.first, last = m.last, start = m.start, stop = m.stop,
                              sentence = m.sentence, text = m.text }
      end
    end
    local function inside_mention(p)
      for _, m in ipairs(mentions) do
        if p.first >= m.first and p.last <= m.last then return true end
      end
      return false
    end
    for _, p in ipairs(pronouns[doc_index] or {}) do
      if not in_quote(p.start) then
        cands[#cands + 1] = { kind = "pronoun", first = p.first, last = p.last, start = p.start,
                              stop = p.stop, sentence = p.sentence, text = p.text }
      end
    end
    for _, t in ipairs(titles[doc_index] or {}) do
      -- a role noun inside a name ("State Department") or right before one
      -- ("spokesperson Matthew Miller") is part of that name, not a speaker
      if not in_quote(t.start) and not inside_mention(t) and not starts[t.last + 1] then
        local word = t.text:lower()
        local class, plural = opts.titles[word], false
        if not class then class, plural = opts.titles[(word:gsub("s$", ""))], true end
        cands[#cands + 1] = { kind = "title", class = class, plural = plural, first = t.first, last = t.last,
                              start = t.start, stop = t.stop, sentence = t.sentence, text = t.text }
      end
    end
    table.sort(cands, function(a, b) return a.first < b.first end)
    local sentences = doc:sentences()
    local ctx = { text = text, mentions = mentions, cands = cands, in_quote = in_quote,
                  verbs = verbs[doc_index] or {},
                  sentence_start = function(i) local x = sentences[i]; return x and x.start end }
    local prev   -- the last quote, with its speaker
    for _, q in ipairs(quotes) do
      local quote = common.squash(text:sub(q.start, q.stop))
      local words = select(2, quote:gsub("[%w’']+", ""))
      if words >= min_words then
        local who = after_quote(ctx, q) or before_quote(ctx, q)
                    or continued(ctx, prev, q)
                    or { speaker = "", speaker_id = "", cue = "", via = "" }
        prev = { q = q, who = who }
        rows[#rows + 1] = { doc = doc.id, doc_index = doc_index, start = q.start, stop = q.stop,
                            quote = quote, speaker = who.speaker, speaker_id = who.speaker_id,
                            cue = who.cue, via = who.via, sentence = q.open.sentence,
                            closed = q.close ~= nil }
      end
    end
  end
  return common.sort_by(rows, "doc_index", "start")
end

Q.pair_marks = pair_marks
return Q
