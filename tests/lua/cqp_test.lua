-- cqp_test.lua — tests for scripts/quarry/cqp.lua (quarry.cqp), the query
-- language's parser: the exact tree of every construct, every error with
-- its message and position, the caret rendering, the limits (nesting,
-- length) and a loop of bad input that must never raise.
--
-- Positions are byte columns counted by hand; the comment above a query
-- marks the columns that matter.
local T = require "testlib"
local cqp = require "quarry.cqp"

---------------------------------------------------------------------------
-- Builders for expected trees (positions first, as in the query)

local function cmp(attr, op, value, pos, vpos, flags)
  return { type = "cmp", attr = attr, op = op, value = value, flags = flags or "", pos = pos, vpos = vpos }
end
local function tok(pos, expr) return { type = "token", expr = expr, pos = pos } end
-- a bare value "v" at pos: a token whose condition is word = v
local function bare(pos, value, flags) return tok(pos, cmp("word", "=", value, pos, pos, flags)) end
local function seq(pos, items) return { type = "seq", items = items, pos = pos } end
local function alt(pos, items) return { type = "alt", items = items, pos = pos } end
local function rep(pos, min, max, item) return { type = "repeat", min = min, max = max, item = item, pos = pos } end
local function label(pos, name, item) return { type = "label", name = name, item = item, pos = pos } end
local function struct(pos, name, open) return { type = "struct", name = name, open = open, pos = pos } end
local function AND(pos, items) return { type = "and", items = items, pos = pos } end
local function OR(pos, items) return { type = "or", items = items, pos = pos } end
local function NOT(pos, item) return { type = "not", item = item, pos = pos } end
local function query(src, body, within, doc)
  return { type = "query", body = body, within = within, doc = doc, src = src }
end

-- A readable dump, for failure messages: T.eq shows tables as addresses.
local function dump(v, indent)
  indent = indent or ""
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" then return tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    if type(a) == type(b) then return a < b end
    return type(a) == "number"
  end)
  local out = {}
  for _, k in ipairs(keys) do
    out[#out + 1] = indent .. "  " .. tostring(k) .. " = " .. dump(v[k], indent .. "  ")
  end
  return "{\n" .. table.concat(out, ",\n") .. "\n" .. indent .. "}"
end

-- A query as a failure message quotes it: long ones are cut.
local function quote(src)
  if #src > 80 then return string.format("%q... (%d bytes)", src:sub(1, 80), #src) end
  return string.format("%q", src)
end

local function parses(src, want)
  local got, err = cqp.parse(src)
  if not got then error(string.format("%s: column %d: %s", quote(src), err.pos, err.msg), 2) end
  if not T.same(got, want) then
    error(string.format("%s:\nexpected %s\ngot %s", quote(src), dump(want), dump(got)), 2)
  end
end

local function fails(src, pos, msg)
  local got, err = cqp.parse(src)
  if got then error(string.format("%s: expected an error, got a tree", quote(src)), 2) end
  if err.msg ~= msg or err.pos ~= pos then
    error(string.format("%s:\nexpected %d: %s\ngot      %d: %s", quote(src), pos, msg, err.pos, err.msg), 2)
  end
end

---------------------------------------------------------------------------
-- The issue's example queries, whole

T.test("issue 18's examples: tokens, repetitions, alternatives in a value", function()
  --        1      7       16 18   24   30
  local q = '[word="Putin"] []{0,3} [lower="said|says|stated"]'
  parses(q, query(q, seq(1, {
    tok(1, cmp("word", "=", "Putin", 2, 7)),
    rep(16, 0, 3, tok(16)),
    tok(24, cmp("lower", "=", "said|says|stated", 25, 31)),
  })))
  --      1 2   6       16 17   23      31
  q = '[ent="PERSON"] [lower="said"] within s'
  parses(q, query(q, seq(1, {
    tok(1, cmp("ent", "=", "PERSON", 2, 6)),
    tok(16, cmp("lower", "=", "said", 17, 23)),
  }), "s"))
end)

T.test("issue 18's examples: labels, a quantified group, within", function()
  --    1 3     8     15      22    29 31    36
  local q = 'a:[ent="GPE"] [lower="and"] b:[ent="GPE"]'
  parses(q, query(q, seq(1, {
    label(1, "a", tok(3, cmp("ent", "=", "GPE", 4, 8))),
    tok(15, cmp("lower", "=", "and", 16, 22)),
    label(29, "b", tok(31, cmp("ent", "=", "GPE", 32, 36))),
  })))
  --    12        13  17    23
  q = '([kind="word" & shape="Xx+"]){2,4}'
  parses(q, query(q, seq(1, {
    rep(1, 2, 4, tok(2, AND(3, { cmp("kind", "=", "word", 3, 8), cmp("shape", "=", "Xx+", 17, 23) }))),
  })))
  --    12  5           20 22 24      31
  q = '[id="kim-jong-un"] []* [lower="missile.*"] within s'
  parses(q, query(q, seq(1, {
    tok(1, cmp("id", "=", "kim-jong-un", 2, 5)),
    rep(20, 0, nil, tok(20)),
    tok(24, cmp("lower", "=", "missile.*", 25, 31)),
  }), "s"))
end)

T.test("issue 18's examples: bare words, structures, a document constraint, flags", function()
  local q = '"North" "Korea"'
  parses(q, query(q, seq(1, { bare(1, "North"), bare(9, "Korea") })))
  --    1   5     12         22
  q = '<s> [lower="the"] [] </s>'
  parses(q, query(q, seq(1, {
    struct(1, "s", true), tok(5, cmp("lower", "=", "the", 6, 12)), tok(19), struct(22, "s", false),
  })))
  --    12      8           25         36     44      54
  q = '[lower="sanction.*"] :: doc.source="bbc" & doc.year!="2019"'
  parses(q, query(q, seq(1, { tok(1, cmp("lower", "=", "sanction.*", 2, 8)) }), nil,
    AND(25, { cmp("doc.source", "=", "bbc", 25, 36), cmp("doc.year", "!=", "2019", 44, 54) })))
  --    12    7          20          31      38
  q = [=[[word="korea"%c]   "said"%c   [lower="u\.s\."%l]]=]
  parses(q, query(q, seq(1, {
    tok(1, cmp("word", "=", "korea", 2, 7, "c")),
    bare(20, "said", "c"),
    tok(31, cmp("lower", "=", [[u\.s\.]], 32, 38, "l")),
  })))
end)

---------------------------------------------------------------------------
-- Sequences

T.test("any token, with and without spaces inside; a query of one element is a seq", function()
  parses("[]", query("[]", seq(1, { tok(1) })))
  parses("[ \t ]", query("[ \t ]", seq(1, { tok(1) })))
  parses("  []  ", query("  []  ", seq(3, { tok(3) })))
end)

T.test("repetitions: ? * + {m} {m,} {,n} {m,n}, with optional spaces", function()
  local function one(q, min, max)
    parses(q, query(q, seq(1, { rep(1, min, max, tok(1)) })))
  end
  one("[]?", 0, 1); one("[]*", 0, nil); one("[]+", 1, nil)
  one("[]{3}", 3, 3); one("[]{3,}", 3, nil); one("[]{,3}", 0, 3); one("[]{2,5}", 2, 5)
  one("[] *", 0, nil); one("[]{ 2 , 5 }", 2, 5); one("[]{0}", 0, 0); one("[]{007}", 7, 7)
  one("[]{1000}", 1000, 1000); one("[]{0,1000}", 0, 1000)
  parses('"a"+', query('"a"+', seq(1, { rep(1, 1, nil, bare(1, "a")) })))
end)

T.test("labels: on a token, a bare value, a group; a label covers the repetition", function()
  --                   12345678
  parses("a:[]+", query("a:[]+", seq(1, { label(1, "a", rep(3, 1, nil, tok(3))) })))
  parses('_x9: "v"', query('_x9: "v"', seq(1, { label(1, "_x9", bare(6, "v")) })))
  local q = 'g:("a" "b")'
  parses(q, query(q, seq(1, { label(1, "g", seq(3, { bare(4, "a"), bare(8, "b") })) })))
  -- a label inside a repeated group stays inside
  q = '(a:[])*'
  parses(q, query(q, seq(1, { rep(1, 0, nil, label(2, "a", tok(4))) })))
end)

T.test("groups: one element is itself; longer ones are a seq or an alt at the '('", function()
  parses('((("a")))', query('((("a")))', seq(1, { bare(4, "a") })))
  parses('(("a"))*', query('(("a"))*', seq(1, { rep(1, 0, nil, bare(3, "a")) })))
  --         1 2   6  9  1213 15  19  2325 27
  local q = '("a" "b"){2} | x:("c" | "d")+'
  parses(q, query(q, seq(1, { alt(1, {
    seq(1, { rep(1, 2, 2, seq(1, { bare(2, "a"), bare(6, "b") })) }),
    seq(16, { label(16, "x", rep(18, 1, nil, alt(18, { seq(19, { bare(19, "c") }), seq(25, { bare(25, "d") }) }))) }),
  }) })))
  -- a group of groups
  q = '(("a" "b") "c")'
  parses(q, query(q, seq(1, { seq(1, { seq(2, { bare(3, "a"), bare(7, "b") }), bare(12, "c") }) })))
end)

T.test("alternation binds looser than juxtaposition; the top is always a seq", function()
  --         1   5   9 11  15
  local q = '"a" "b" | "c" | "d" "e"'
  parses(q, query(q, seq(1, { alt(1, {
    seq(1, { bare(1, "a"), bare(5, "b") }),
    seq(11, { bare(11, "c") }),
    seq(17, { bare(17, "d"), bare(21, "e") }),
  }) })))
  q = '<s>|</s>'
  parses(q, query(q, seq(1, { alt(1, { seq(1, { struct(1, "s", true) }), seq(5, { struct(5, "s", false) }) }) })))
end)

T.test("structure tags and their synonyms", function()
  local q = "<s></s><p></p><d></d><text></text><doc></doc><sentence></paragraph>"
  parses(q, query(q, seq(1, {
    struct(1, "s", true), struct(4, "s", false), struct(8, "p", true), struct(11, "p", false),
    struct(15, "d", true), struct(18, "d", false), struct(22, "d", true), struct(28, "d", false),
    struct(35, "d", true), struct(40, "d", false), struct(46, "s", true), struct(56, "p", false),
  })))
end)

T.test("within and its synonyms, the document constraint, in either order, and ';'", function()
  for _, case in ipairs{ { "s", "s" }, { "sentence", "s" }, { "p", "p" }, { "paragraph", "p" },
                         { "d", "d" }, { "text", "d" }, { "doc", "d" } } do
    local q = "[] within " .. case[1]
    parses(q, query(q, seq(1, { tok(1) }), case[2]))
  end
  parses("[]within s;", query("[]within s;", seq(1, { tok(1) }), "s"))
  --      1   5 7     14
  local q = '[] :: doc.id="x" within p ;'
  parses(q, query(q, seq(1, { tok(1) }), "p", cmp("doc.id", "=", "x", 7, 14)))
  q = '[] within d :: doc.id="x";'
  parses(q, query(q, seq(1, { tok(1) }), "d", cmp("doc.id", "=", "x", 16, 23)))
  -- a label named like a keyword is still a label
  q = 'within:[] within s'
  parses(q, query(q, seq(1, { label(1, "within", tok(8)) }), "s"))
end)

T.test("document keys with dots, dashes and digits; flags; and/or/not over them", function()
  --            7                    28
  local q = '[]::doc.a.b-c_9="x"%c | !doc.title!="y"'
  parses(q, query(q, seq(1, { tok(1) }), nil, OR(5, {
    cmp("doc.a.b-c_9", "=", "x", 5, 17, "c"),
    NOT(25, cmp("doc.title", "!=", "y", 26, 37)),
  })))
end)

---------------------------------------------------------------------------
-- Conditions

T.test("'!' binds tighter than '&', '&' tighter than '|'; brackets belong to an and/or", function()
  --         1 3          14           26           37 39           51
  local q = '[!word="a" & lower="b" | kind="c" & !(shape="d" | id="e")]'
  parses(q, query(q, seq(1, { tok(1, OR(2, {
    AND(2, { NOT(2, cmp("word", "=", "a", 3, 8)), cmp("lower", "=", "b", 14, 20) }),
    AND(26, { cmp("kind", "=", "c", 26, 31),
              NOT(37, OR(38, { cmp("shape", "=", "d", 39, 45), cmp("id", "=", "e", 51, 54) })) }),
  })) })))
  -- one operand in brackets keeps its position; the and starts at the '('
  q = '[(word="a") & kind="b"]'
  parses(q, query(q, seq(1, { tok(1, AND(2, { cmp("word", "=", "a", 3, 8), cmp("kind", "=", "b", 15, 20) })) })))
  q = '[(word="a" | kind="b")]'
  parses(q, query(q, seq(1, { tok(1, OR(2, { cmp("word", "=", "a", 3, 8), cmp("kind", "=", "b", 14, 19) })) })))
  -- and/or are flat; brackets make a new level
  q = '[word="a"&word="b"&word="c"]'
  parses(q, query(q, seq(1, { tok(1, AND(2, {
    cmp("word", "=", "a", 2, 7), cmp("word", "=", "b", 11, 16), cmp("word", "=", "c", 20, 25) })) })))
  q = '[!!word="a"]'
  parses(q, query(q, seq(1, { tok(1, NOT(2, NOT(3, cmp("word", "=", "a", 4, 9)))) })))
end)

T.test("every attribute, 'type' as ent, '=' and '!=' with spaces", function()
  for _, a in ipairs{ "word", "lower", "kind", "shape", "ent", "id" } do
    local q = "[" .. a .. ' != "v"]'
    parses(q, query(q, seq(1, { tok(1, cmp(a, "!=", "v", 2, #a + 6)) })))
  end
  parses('[type="GPE"]', query('[type="GPE"]', seq(1, { tok(1, cmp("ent", "=", "GPE", 2, 7)) })))
end)

T.test("values: quotes, escapes kept for the regular expression, UTF-8, empty", function()
  local function value(q, want, flags)
    local t = assert(cqp.parse(q))
    T.eq(t.body.items[1].expr.value, want, q)
    T.eq(t.body.items[1].expr.flags, flags or "", q)
  end
  value([["a\"b"]], 'a"b')
  value([['it\'s']], "it's")
  value([['say "hi"']], 'say "hi"')
  value([["say 'hi'"]], "say 'hi'")
  value([["Mr\."]], [[Mr\.]])
  value([["a\\"]], [[a\\]])
  value([["\'"]], [[\']])
  value([['\"']], [[\"]])
  value([["a\\\"b"]], [[a\\"b]])
  value([[""]], "")
  value([["Sör|Pjöngjang"]], "Sör|Pjöngjang")
  value([["x"%cd]], "x", "cd")
  value([["x"%dlc]], "x", "dlc")
  value([["x" %c]], "x", "c")
  value("[word='a.*'%l]", "a.*", "l")
end)

T.test("white space: tabs, line breaks, CRLF between tokens", function()
  local q = '\t[word = "a"]\r\n\n  "b" ;\n'
  parses(q, query(q, seq(2, { tok(2, cmp("word", "=", "a", 3, 10)), bare(19, "b") })))
end)

---------------------------------------------------------------------------
-- Errors: message and position

-- Each case: the query, the byte position of the error, its message.
local ERRORS = {
  -- brackets and groups
  { '[word="x"', 10, "expected ']' to close the '[' at column 1" },
  { '[word="x"   ', 10, "expected ']' to close the '[' at column 1" },
  { '[word="a" lower="b"]', 11, "expected '&' or '|' between two conditions" },
  { '[(word="a"]', 11, "expected ')' to close the '(' at column 2" },
  { '[(word="a" kind="b")]', 12, "expected '&' or '|' between two conditions" },
  { '("a" "b"', 9, "expected ')' to close the '(' at column 1" },
  { '("a" "b" ]', 10, "expected ')' to close the '(' at column 1" },
  { '("a" b)', 6, "unexpected word 'b' (a value to match is quoted: \"b\")" },
  { '()', 2, "empty group: expected a token pattern, a group or a structure tag" },
  { '[word="a"] ]', 12, "unmatched ']'" },
  { '"a")', 4, "unmatched ')'" },
  { '<s', 3, "expected '>' to close the '<' at column 1" },
  { '<>', 2, "expected s, p or d after '<'" },
  { '</ s>', 3, "expected s, p or d after '</'" },
  { '<x>', 2, "unknown structure 'x' (known: s, p, d)" },
  -- elements, labels, repetitions
  { "", 1, "empty query" },
  { " \n\t ", 1, "empty query" },
  { " ; ", 1, "empty query" },
  { "North Korea", 1, "unexpected word 'North' (a value to match is quoted: \"North\")" },
  { '"a" Korea', 5, "unexpected word 'Korea' (a value to match is quoted: \"Korea\")" },
  { "within s", 1, "expected a token pattern, a group or a structure tag before 'within'" },
  { '"a" |', 6, "expected a token pattern, a group or a structure tag after '|'" },
  { '"a" | | "b"', 7, "expected a token pattern, a group or a structure tag after '|'" },
  { "*[]", 1, "'*' has nothing to repeat" },
  { "{2}", 1, "'{' has nothing to repeat" },
  { "!", 1, "expected a token pattern, a group or a structure tag" },
  { '"a" & "b"', 5, "unexpected '&' (expected a token pattern, '|', 'within', '::' or the end of the query)" },
  { "a:[] a:[]", 6, "label 'a' is already used at column 1" },
  { "a:(b:[] a:[])", 9, "label 'a' is already used at column 1" },
  { "a:<s>", 3, "a label cannot be put on a structure tag" },
  { "a:", 3, "expected a token pattern or a group after the label 'a:'" },
  { "a: b:[]", 4, "expected a token pattern or a group after the label 'a:'" },
  { "<s>*", 4, "a structure tag cannot be repeated" },
  { "</s> {2}", 6, "a structure tag cannot be repeated" },
  { "(<s>)*", 6, "a structure tag cannot be repeated" },
  { "((</p>)) +", 10, "a structure tag cannot be repeated" },
  { "a:(<s>)", 4, "a label cannot be put on a structure tag" },
  { "(<s>)**", 6, "a structure tag cannot be repeated" },
  { "[]**", 4, "two repetition operators in a row (to repeat a repetition, group it: (...))" },
  { "[]{2}?", 6, "two repetition operators in a row (to repeat a repetition, group it: (...))" },
  { "[]{3,1}", 3, "bad repetition {3,1}: the minimum is larger than the maximum" },
  { "[]{1001}", 4, "repetition count 1001 is too large (at most 1000)" },
  { "[]{2,99999999999999999999}", 6,
    "repetition count 99999999999999999999 is too large (at most 1000)" },
  { "[]{}", 3, "expected a repetition {m}, {m,}, {,n} or {m,n} after '{'" },
  { "[]{,}", 3, "expected a repetition {m}, {m,}, {,n} or {m,n} after '{'" },
  { "[]{1 2}", 3, "expected a repetition {m}, {m,}, {,n} or {m,n} after '{'" },
  { "[]{-1}", 3, "expected a repetition {m}, {m,}, {,n} or {m,n} after '{'" },
  { "[]{2", 3, "expected a repetition {m}, {m,}, {,n} or {m,n} after '{'" },
  -- conditions, attributes, values, flags
  { '[lemma="x"]', 2, "unknown attribute 'lemma' (known: word, lower, kind, shape, ent, id)" },
  { '[word="a" & Word="b"]', 13, "unknown attribute 'Word' (known: word, lower, kind, shape, ent, id)" },
  { '[doc.source="x"]', 2, "unknown attribute 'doc.source' (known: word, lower, kind, shape, ent, id)" },
  { "[word]", 6, "expected '=' or '!=' after 'word'" },
  { '[word == "a"]', 8, "expected a quoted value after '=' (\"...\" or '...')" },
  { "[word=x]", 7, "expected a quoted value after '=' (\"...\" or '...')" },
  { "[word !=]", 9, "expected a quoted value after '!=' (\"...\" or '...')" },
  { '[word ! = "a"]', 7, "expected '=' or '!=' after 'word'" },
  { "[&]", 2, "expected a condition such as lower=\"value\", or ']', after '['" },
  { "[", 2, "expected a condition such as lower=\"value\", or ']', after '['" },
  { '[word="a" &]', 12, "expected a condition such as lower=\"value\" after '&'" },
  { '[word="a" | ]', 13, "expected a condition such as lower=\"value\" after '|'" },
  { "[!]", 3, "expected a condition such as lower=\"value\" after '!'" },
  { "[()]", 3, "expected a condition such as lower=\"value\" after '('" },
  { '[word="abc', 7, "unterminated string: expected a closing '\"'" },
  { "[word='abc", 7, "unterminated string: expected a closing \"'\"" },
  { '"abc\\', 1, "unterminated string: expected a closing '\"'" },
  { '"abc\\"', 1, "unterminated string: expected a closing '\"'" },
  { '"ab\nc"', 1, "unterminated string: a value must end on the line where it starts" },
  { '"ab\\\nc"', 1, "unterminated string: a value must end on the line where it starts" },
  { '"ab\r\n"', 1, "unterminated string: a value must end on the line where it starts" },
  { '"x"%', 5, "expected flags after '%' (c: ignore case, l: literal, d: ignore diacritics)" },
  { '"x"%q', 5, "unknown flag 'q' (known: c ignore case, l literal, d ignore diacritics)" },
  { '"x"%cC', 6, "unknown flag 'C' (known: c ignore case, l literal, d ignore diacritics)" },
  { '"x"%cdc', 7, "flag 'c' is given twice" },
  -- within, the document constraint, the end
  { "[] within", 10, "expected s, p or d after 'within'" },
  { "[] within x", 11, "unknown structure 'x' (known: s, p, d)" },
  { "[] within s within p", 13, "'within' is given twice" },
  { '[] :: doc.a="b" :: doc.c="d"', 17, "'::' is given twice" },
  { '[] :: doc.a="b" within s :: doc.c="d"', 26, "'::' is given twice" },
  { "[] within s []", 13, "unexpected '[' (expected the end of the query)" },
  { "[] within s |", 13, "unexpected '|' (expected the end of the query)" },
  { "[] ::", 6, "expected a condition such as doc.source=\"value\" after '::'" },
  { '[] :: source="x"', 7, "expected doc.KEY in the document constraint, such as doc.source, not 'source'" },
  { '[] :: doc.="x"', 7, "expected doc.KEY in the document constraint, such as doc.source, not 'doc.'" },
  { '[] :: doc.a', 12, "expected '=' or '!=' after 'doc.a'" },
  { '[] :: doc.a="x" [b]', 17, "unexpected '[' (expected the end of the query)" },
  { "[];;", 4, "unexpected ';' after ';' (expected the end of the query)" },
  { "[] ; []", 6, "unexpected '[' after ';' (expected the end of the query)" },
  { "[] \1", 4, "unexpected character 0x01 (expected a token pattern, '|', 'within', '::' or the end of the query)" },
  { "[] \255", 4, "unexpected byte 0xFF (expected a token pattern, '|', 'within', '::' or the end of the query)" },
  { "[] €", 4, "unexpected '€' (expected a token pattern, '|', 'within', '::' or the end of the query)" },
}

T.test("errors: every case of the table, message and position", function()
  local wrong = {}
  for _, case in ipairs(ERRORS) do
    local ok, err = pcall(fails, case[1], case[2], case[3])
    if not ok then wrong[#wrong + 1] = err end
  end
  if #wrong > 0 then error(#wrong .. " of " .. #ERRORS .. " cases:\n" .. table.concat(wrong, "\n"), 0) end
end)

T.test("errors name a long word cut, and are found in linear time", function()
  local long = string.rep("x", 50000)
  fails(long, 1, "unexpected word '" .. string.rep("x", 40) .. "…' (a value to match is quoted: \""
                 .. string.rep("x", 40) .. "…\")")
  fails("[] :: doc." .. long, 7 + 4 + 50000, "expected '=' or '!=' after 'doc." .. string.rep("x", 36) .. "…'")
  fails("[]{" .. string.rep("9", 90000) .. "}", 4,
        "repetition count " .. string.rep("9", 40) .. "… is too large (at most 1000)")
  fails("[]{" .. string.rep("9", 90000), 3, "expected a repetition {m}, {m,}, {,n} or {m,n} after '{'")
  fails(string.rep("a", 50000) .. ":", 50002, "expected a token pattern or a group after the label '"
        .. string.rep("a", 40) .. "…:'")
  local t0 = os.clock()
  fails(string.rep(" ", 90000) .. "[", 90002, "expected a condition such as lower=\"value\", or ']', after '['")
  fails(string.rep("\n", 90000), 1, "empty query")
  assert(os.clock() - t0 < 1, "quadratic somewhere")
end)

---------------------------------------------------------------------------
-- Positions as people read them

-- The three lines format_error gives for the error of src.
local function renders(src, head, line, caret)
  local tree, err = cqp.parse(src)
  assert(not tree, quote(src))
  T.eq(cqp.format_error(src, err), head .. "\n" .. line .. "\n" .. caret, quote(src))
  return err
end

T.test("format_error: the column, the query and a caret under the place", function()
  renders('[word="x" lower="y"]',
          "column 11: expected '&' or '|' between two conditions",
          '[word="x" lower="y"]',
          "          ^")
  -- at the end: right after the last character
  renders('[word="x"  ',
          "column 10: expected ']' to close the '[' at column 1",
          '[word="x"  ',
          "         ^")
  renders("", "column 1: empty query", "", "^")
end)

T.test("format_error: characters, not bytes, before the caret; tabs kept", function()
  local src = '"Pjöngjang" "Sör" [lemma="x"]'
  local err = renders(src,
                      "column 20: unknown attribute 'lemma' (known: word, lower, kind, shape, ent, id)",
                      src,
                      string.rep(" ", 19) .. "^")
  T.eq(err.pos, 22)   -- a byte position
  src = '\t"a"\t[bad="x"]'
  renders(src,
          "column 7: unknown attribute 'bad' (known: word, lower, kind, shape, ent, id)",
          src,
          "\t   \t ^")
end)

T.test("format_error: a multi-line query gives the line and shows that line", function()
  local err = renders('[word="a"]\n  [lower="b" &\n   kind="c"\n',
                      "line 3, column 12: expected ']' to close the '[' at line 2, column 3",
                      '   kind="c"',
                      "           ^")
  T.eq(err.msg, "expected ']' to close the '[' at line 2, column 3")
  -- CRLF: the CR is not shown
  renders('"a"\r\n"b" c\r\n',
          "line 2, column 5: unexpected word 'c' (a value to match is quoted: \"c\")",
          '"b" c',
          "    ^")
  -- a line break at the end does not make a query multi-line
  renders('[x="a"]\n',
          "column 2: unknown attribute 'x' (known: word, lower, kind, shape, ent, id)",
          '[x="a"]',
          " ^")
end)

T.test("format_error: a long line is shown around the place; control characters as '?'", function()
  local src = string.rep("[] ", 100) .. "[bad=\"x\"] " .. string.rep("[] ", 100)
  local _, err = cqp.parse(src)
  local text = cqp.format_error(src, err)
  local head, line, caret = text:match("^(.-)\n(.-)\n(.-)$")
  T.eq(head, "column 302: unknown attribute 'bad' (known: word, lower, kind, shape, ent, id)")
  T.eq(utf8.len(line), 102)   -- 100 characters and an ellipsis at each end
  assert(line:find("^…") and line:find("…$"), line)
  T.eq(#caret, 52)            -- under the 'b' of "bad"
  T.eq(line:sub(utf8.offset(line, 52), utf8.offset(line, 55) - 1), "bad")
  renders('"a"\1 x',
          "column 4: unexpected character 0x01 (expected a token pattern, '|', 'within', '::' or the end of the query)",
          '"a"? x',
          "   ^")
end)

---------------------------------------------------------------------------
-- Limits

local r = string.rep

T.test("nesting: 100 levels parse, the 101st opening is an error at its position", function()
  local groups = r("(", 100) .. '"a"' .. r(")", 100)
  local t = assert(cqp.parse(groups))
  T.eq(t.body.items[1], bare(101, "a"))   -- groups of one element fold away
  fails(r("(", 101) .. '"a"' .. r(")", 101), 101, "groups nested too deeply (more than 100 levels)")
  -- groups of two elements, after an element and in alternatives: the worst case for LPeg's stack
  local deep = r('"a" | "b" ("c" | ', 100) .. '"d"' .. r(")", 100)
  t = assert(cqp.parse(deep))
  local alts, n = 0, t.body
  while n.type ~= "token" do
    if n.type == "alt" then alts = alts + 1 end
    n = n.items[#n.items]
  end
  T.eq(alts, 1 + 100)   -- the top one and one per group
  fails(r('"a" | "b" ("c" | ', 101) .. '"d"' .. r(")", 101), 1 + 17 * 100 + 10,
        "groups nested too deeply (more than 100 levels)")
  -- conditions
  assert(cqp.parse("[" .. r("(", 100) .. 'word="a"' .. r(")", 100) .. "]"))
  fails("[" .. r("(", 101) .. 'word="a"' .. r(")", 101) .. "]", 102, "groups nested too deeply (more than 100 levels)")
  assert(cqp.parse("[" .. r('word="a" | word="b" & !(', 50) .. 'word="a"' .. r(")", 50) .. "]"))
  assert(cqp.parse("[" .. r("!", 100) .. 'word="a"]'))
  fails("[" .. r("!", 101) .. 'word="a"]', 102, "'!' nested too deeply (more than 100 levels)")
  fails("[" .. r("!(", 50) .. '!word="a"' .. r(")", 50) .. "]", 102, "'!' nested too deeply (more than 100 levels)")
  fails("[" .. r("!(", 50) .. '(word="a"' .. r(")", 51) .. "]", 102, "groups nested too deeply (more than 100 levels)")
  -- groups and conditions add up
  fails(r("(", 60) .. "[" .. r("(", 41) .. 'word="a"', 62 + 40, "groups nested too deeply (more than 100 levels)")
  assert(cqp.parse(r("(", 60) .. "[" .. r("(", 40) .. 'word="a"' .. r(")", 40) .. "]" .. r(")", 60)))
  -- the document constraint
  assert(cqp.parse('[] :: ' .. r('doc.a="b" | doc.a="b" & !(', 50) .. 'doc.a="x"' .. r(")", 50)))
  fails('[] :: ' .. r("(", 101) .. 'doc.a="x"', 7 + 100, "groups nested too deeply (more than 100 levels)")
  -- closed levels do not count
  assert(cqp.parse(r('(("a") [(word="x")]) ', 200)))
end)

T.test("nesting: 10,000 deep is a clean error, never LPeg's or Lua's", function()
  fails(r("(", 10000), 101, "groups nested too deeply (more than 100 levels)")
  fails(r("(", 10000) .. "[]" .. r(")", 10000), 101, "groups nested too deeply (more than 100 levels)")
  fails("[" .. r("!", 10000), 102, "'!' nested too deeply (more than 100 levels)")
  fails("[" .. r("(", 10000), 102, "groups nested too deeply (more than 100 levels)")
  fails("[" .. r("!(", 5000), 102, "'!' nested too deeply (more than 100 levels)")
  fails("[] ::" .. r("(", 10000), 106, "groups nested too deeply (more than 100 levels)")
  local labels = {}
  for k = 1, 10000 do labels[k] = "l" .. k .. ":(" end
  local src = table.concat(labels)
  fails(src, #table.concat(labels, "", 1, 101), "groups nested too deeply (more than 100 levels)")
end)

T.test("length: 100,000 bytes parse; more is refused", function()
  local q = r("[]", 50000)
  local t = assert(cqp.parse(q))
  T.eq(#t.body.items, 50000)
  q = r('"a"|', 24999) .. '"b"'   -- 25,000 alternatives
  t = assert(cqp.parse(q))
  T.eq(#t.body.items[1].items, 25000)
  q = "[" .. r('word="a"&', 11110) .. 'word="b"]'
  t = assert(cqp.parse(q))
  T.eq(#t.body.items[1].expr.items, 11111)
  fails(r(" ", 100001), 100001, "query too long (100001 bytes; at most 100000)")
  fails(r("[]", 60000), 100001, "query too long (120000 bytes; at most 100000)")
end)

T.test("parse raises only for a query that is not a string", function()
  T.raises(function() cqp.parse(nil) end, "bad argument #1 to 'parse' (string expected, got nil)")
  T.raises(function() cqp.parse(42) end, "bad argument #1 to 'parse' (string expected, got number)")
end)

---------------------------------------------------------------------------
-- is_query

T.test("is_query: the query language or a plain phrase", function()
  for _, q in ipairs{ '[word="a"]', '"North" "Korea"', "'a'", "<s>", "(x)", '[] :: doc.a="b"',
                      ":: x", "Korea within s", "a b within sentence", "North Korea\twithin\ndoc",
                      "[", "a:[]" } do
    T.eq(cqp.is_query(q), true, q)
  end
  for _, q in ipairs{ "North Korea", "Korea*", "Kim Jong-un", "", "   ", "within s", "life within limits",
                      "withins", "a within", "a:b", "Putin|Trump", "{2}", "a & b" } do
    T.eq(cqp.is_query(q), false, q)
  end
  T.eq(cqp.is_query(nil), false)
end)

---------------------------------------------------------------------------
-- Never raise

-- The invariants of a tree: every node where the grammar says it starts.
local function check_tree(src, n, path)
  path = path or "body"
  assert(type(n) == "table" and type(n.type) == "string", path)
  if n.type == "query" then
    T.eq(n.src, src)
    check_tree(src, n.body, "body")
    if n.doc then check_tree(src, n.doc, "doc") end
    assert(n.within == nil or n.within == "s" or n.within == "p" or n.within == "d", path)
    assert(n.body.type == "seq", path)
    return
  end
  assert(math.type(n.pos) == "integer" and n.pos >= 1 and n.pos <= #src, path .. ": pos")
  local c = src:sub(n.pos, n.pos)
  if n.type == "seq" or n.type == "alt" then
    assert(#n.items >= 1, path)
    for k, item in ipairs(n.items) do
      if n.type == "alt" then assert(item.type == "seq", path) end
      check_tree(src, item, path .. "." .. k)
    end
  elseif n.type == "token" then
    assert(c == "[" or c == '"' or c == "'", path .. ": token at " .. c)
    if n.expr then check_tree(src, n.expr, path .. ".expr") end
  elseif n.type == "struct" then
    assert(c == "<", path)
  elseif n.type == "label" then
    T.eq(src:sub(n.pos, n.pos + #n.name), n.name .. ":", path)
    check_tree(src, n.item, path .. ".item")
  elseif n.type == "repeat" then
    assert(n.min <= (n.max or n.min) and n.max ~= 0 or n.min == 0, path)
    check_tree(src, n.item, path .. ".item")
  elseif n.type == "and" or n.type == "or" then
    assert(#n.items >= 2, path)
    for k, item in ipairs(n.items) do check_tree(src, item, path .. "." .. k) end
  elseif n.type == "not" then
    assert(c == "!", path)
    check_tree(src, n.item, path .. ".item")
  elseif n.type == "cmp" then
    local q = src:sub(n.vpos, n.vpos)
    assert(q == '"' or q == "'", path .. ": vpos")
    assert(n.pos == n.vpos or src:find("^[%a_]", n.pos), path .. ": pos")
    assert(n.flags:find("^[cld]*$"), path .. ": flags")
  else
    error(path .. ": unknown node " .. n.type)
  end
end

-- The tree without positions, to compare two spellings of one query.
local function shape(n)
  if type(n) ~= "table" then return n end
  local out = {}
  for k, v in pairs(n) do
    if k ~= "pos" and k ~= "vpos" and k ~= "src" then out[k] = shape(v) end
  end
  return out
end

-- Writes a tree back as a query, with every bracket spelled out; nil when
-- a value cannot be written back ('\"' read from '...' has no spelling in
-- "...", and the other way round).
local unparse
local function value_text(v)
  for _, quote in ipairs{ '"', "'" } do
    local text = quote .. v:gsub(quote, "\\" .. quote) .. quote
    local t = cqp.parse("[word=" .. text .. "]")
    if t and t.body.items[1].expr.value == v then return text end
  end
end
local function condition(n)
  if n.type == "cmp" then
    local text = value_text(n.value)
    if not text then return nil end
    return n.attr .. n.op .. text .. (n.flags ~= "" and "%" .. n.flags or "")
  elseif n.type == "not" then
    local inner = condition(n.item)
    if not inner then return nil end
    return (n.item.type == "cmp" or n.item.type == "not") and "!" .. inner or "!(" .. inner .. ")"
  end
  local parts = {}
  for k, item in ipairs(n.items) do
    local inner = condition(item)
    if not inner then return nil end
    parts[k] = (item.type == "and" or item.type == "or") and "(" .. inner .. ")" or inner
  end
  return table.concat(parts, n.type == "and" and " & " or " | ")
end
function unparse(n, top)
  if n.type == "query" then
    local body = unparse(n.body, true)
    local doc = n.doc and condition(n.doc)
    if not body or (n.doc and not doc) then return nil end
    return body .. (n.within and " within " .. n.within or "") .. (doc and " :: " .. doc or "")
  elseif n.type == "seq" or n.type == "alt" then
    local parts = {}
    for k, item in ipairs(n.items) do
      parts[k] = unparse(item, n.type == "alt")   -- an alternative needs no brackets
      if not parts[k] then return nil end
    end
    local text = table.concat(parts, n.type == "seq" and " " or " | ")
    return top and text or "(" .. text .. ")"
  elseif n.type == "token" then
    if not n.expr then return "[]" end
    local inner = condition(n.expr)
    return inner and "[" .. inner .. "]"
  elseif n.type == "struct" then
    return "<" .. (n.open and "" or "/") .. n.name .. ">"
  elseif n.type == "label" then
    local inner = unparse(n.item)
    if inner and n.item.type == "label" then inner = "(" .. inner .. ")" end
    return inner and n.name .. ":" .. inner
  elseif n.type == "repeat" then
    local inner = unparse(n.item)
    if not inner then return nil end
    if n.item.type == "label" or n.item.type == "repeat" then inner = "(" .. inner .. ")" end
    return inner .. "{" .. n.min .. "," .. (n.max or "") .. "}"
  end
end

-- The tree of a query and that of the query written back agree.
local function round_trip(tree)
  local text = unparse(tree)
  if not text then return end
  local again, err = cqp.parse(text)
  if not again then error(string.format("%s written back as %s: %s", quote(tree.src), quote(text), err.msg), 3) end
  if not T.same(shape(again), shape(tree)) then
    error(string.format("%s written back as %s reads differently", quote(tree.src), quote(text)), 3)
  end
end

local function never_raises(src)
  local ok, tree, err = pcall(cqp.parse, src)
  if not ok then error(string.format("parse raised on %s: %s", quote(src), tostring(tree)), 2) end
  if tree then
    check_tree(src, tree)
    round_trip(tree)
    return true
  end
  assert(type(err.msg) == "string" and err.msg ~= "" and not err.msg:find("\n"), src)
  assert(math.type(err.pos) == "integer" and err.pos >= 1 and err.pos <= #src + 1,
         string.format("%s: error position %s", quote(src), tostring(err.pos)))
  local ok2, text = pcall(cqp.format_error, src, err)
  if not ok2 then error(string.format("format_error raised on %s: %s", quote(src), text), 2) end
  return false
end

local EXAMPLES = {
  '[word="Putin"] []{0,3} [lower="said|says|stated"]',
  '[ent="PERSON"] [lower="said"] within s',
  'a:[ent="GPE"] [lower="and"] b:[ent="GPE"]',
  '([kind="word" & shape="Xx+"]){2,4}',
  '[id="kim-jong-un"] []* [lower="missile.*"] within s',
  '"North" "Korea"',
  '<s> [lower="the"] [] </s>',
  '[lower="sanction.*"] :: doc.source="bbc" & doc.year!="2019"',
  [=[[word="korea"%c]   "said"%c   [lower="u\.s\."%l]]=],
  [=[x:("a\"b" 'c\'d' | <p> [!(type!="X"%cd | id='y') & shape="\\"]+ </p>){,3} :: !(doc.a-b="1" | doc.c="2") within text;]=],
}

T.test("every prefix of every example parses or fails cleanly", function()
  local good = 0
  for _, q in ipairs(EXAMPLES) do
    assert(never_raises(q), q)
    for n = 0, #q - 1 do
      if never_raises(q:sub(1, n)) then good = good + 1 end
    end
  end
  assert(good > 10, "some prefixes are queries")
end)

T.test("random bytes and random pieces of the language never raise (fixed seed)", function()
  math.randomseed(18)
  for _ = 1, 2000 do
    local t = {}
    for k = 1, math.random(0, 40) do t[k] = string.char(math.random(0, 255)) end
    never_raises(table.concat(t))
  end
  local pieces = { "[", "]", "(", ")", "<", ">", "</", "{", "}", "{2,3}", "{3,1}", ",", "|", "&", "!",
                   "!=", "=", "?", "*", "+", ":", "::", ";", "%c", "%", '"', "'", '"a"', "'b'", '"\\"',
                   "\\", " ", "\n", "\t", "word", "lower", "ent", "type", "doc.", "doc.x", "within",
                   "s", "p", "text", "a:", "b:", "x", "é", "\0", "\r\n" }
  local parsed = 0
  for _ = 1, 5000 do
    local t = {}
    for k = 1, math.random(1, 25) do t[k] = pieces[math.random(#pieces)] end
    if never_raises(table.concat(t)) then parsed = parsed + 1 end
  end
  assert(parsed > 0, "some random pieces make a query")
end)

T.test("random deep mixtures near the limit never raise", function()
  math.randomseed(100)
  local openers = { "(", "[(", "[!", "[!(", "a:(", '"x" (', "[] | (" }
  for _ = 1, 300 do
    local t = {}
    for k = 1, math.random(90, 130) do t[k] = openers[math.random(#openers)] end
    never_raises(table.concat(t))
  end
end)

-- Random queries from the grammar, spelled with random white space.
local function generator(random)
  local function pick(t) return t[random(#t)] end
  local function ws() return pick{ "", " ", "  ", "\t", "\n " } end
  local function value()
    local v = pick{ '"a"', "'b'", '"x.*"', [["a\"b"]], [['it\'s']], '"Sör"', '""', [["\\."]], [["Mr\."]] }
    if random(4) == 1 then v = v .. pick{ "%c", "%l", "%d", "%cd", "%lc" } end
    return v
  end
  local function condition(depth, doc)
    local r = random(depth > 4 and 2 or 5)
    if r <= 2 then
      local attr = doc and pick{ "doc.source", "doc.a-b.c", "doc.year" }
                       or pick{ "word", "lower", "kind", "shape", "ent", "type", "id" }
      return attr .. ws() .. pick{ "=", "!=" } .. ws() .. value()
    elseif r == 3 then
      return "!" .. ws() .. condition(depth + 1, doc)
    elseif r == 4 then
      return condition(depth + 1, doc) .. ws() .. "&" .. ws() .. condition(depth + 1, doc)
    end
    return "(" .. ws() .. condition(depth + 1, doc) .. ws() .. "|" .. ws() .. condition(depth + 1, doc) .. ws() .. ")"
  end
  local labels = 0
  local sequence
  -- an element, and whether it is a structure tag (or a group of only one)
  local function element(depth)
    local r = random(depth > 3 and 4 or 7)
    local e
    if r == 1 then return pick{ "<s>", "</s>", "<p>", "</d>", "<text>" }, true end
    if r == 2 then e = "[" .. ws() .. "]"
    elseif r == 3 then e = "[" .. ws() .. condition(0) .. ws() .. "]"
    elseif r == 4 then e = value()
    else
      local inner, tag = sequence(depth + 1)
      e = "(" .. ws() .. inner .. ws() .. ")"
      if tag then return e, true end
    end
    if random(3) == 1 then
      e = e .. ws() .. pick{ "?", "*", "+", "{2}", "{1,3}", "{2,}", "{,4}", "{ 0 , 1 }" }
    end
    if random(4) == 1 then
      labels = labels + 1
      e = "l" .. labels .. ":" .. ws() .. e
    end
    return e
  end
  function sequence(depth)
    local parts, tag = {}, nil
    for k = 1, random(depth > 3 and 2 or 4) do parts[k], tag = element(depth) end
    local text = table.concat(parts, " ")
    if random(4) == 1 then return text .. ws() .. "|" .. ws() .. sequence(depth + 1), false end
    return text, #parts == 1 and tag
  end
  return function()
    labels = 0
    local q = ws() .. (sequence(0))
    if random(3) == 1 then q = q .. " within " .. pick{ "s", "p", "d", "text", "doc", "sentence", "paragraph" } end
    if random(3) == 1 then q = q .. ws() .. "::" .. ws() .. condition(0, true) end
    if random(4) == 1 then q = q .. ws() .. ";" end
    return q .. ws()
  end
end

T.test("random queries from the grammar parse, read the same written back, and their mutations never raise", function()
  math.randomseed(2024)
  local random = math.random
  local generate = generator(random)
  local pieces = { "[", "]", "(", ")", "|", "&", "!", "*", "{", ",", "}", '"', "'", "\\", ":", "::",
                   "<", ">", "x", "within", " ", "\n", "%" }
  local broken = 0
  for _ = 1, 400 do
    local src = generate()
    local tree, err = cqp.parse(src)
    if not tree then error(string.format("%s: column %d: %s", quote(src), err.pos, err.msg)) end
    assert(never_raises(src))
    for _ = 1, 5 do
      local i = random(#src)
      local mutant
      local how = random(3)
      if how == 1 then mutant = src:sub(1, i - 1) .. src:sub(i + random(0, 3))
      elseif how == 2 then mutant = src:sub(1, i - 1) .. pieces[random(#pieces)] .. src:sub(i)
      else mutant = src:sub(1, i - 1) .. pieces[random(#pieces)] .. src:sub(i + 1) end
      if not never_raises(mutant) then broken = broken + 1 end
    end
  end
  assert(broken > 400, "most mutants are errors")
end)

---------------------------------------------------------------------------
-- The grammar page

T.test("docs/query-grammar.md: its queries parse, its error is rendered as shown", function()
  local f = assert(io.open("docs/query-grammar.md"))
  local page = f:read("a")
  f:close()
  local n = 0
  for block in page:gmatch("\n```cqp\n(.-)\n```\n") do
    for line in block:gmatch("[^\n]+") do
      local tree, err = cqp.parse(line)
      if not tree then error(cqp.format_error(line, err)) end
      n = n + 1
    end
  end
  assert(n >= 10, "only " .. n .. " queries on the page")
  local errors = 0
  for block in page:gmatch("\n```error\n(.-)\n```\n") do
    local src, shown = block:match("^([^\n]*)\n(.*)$")
    local _, err = cqp.parse(src)
    T.eq(cqp.format_error(src, err), shown, src)
    errors = errors + 1
  end
  T.eq(errors, 1)
end)

T.test("format_error takes the compiler's errors, even at a position out of range", function()
  local src = '[word="a("]'
  T.eq(cqp.format_error(src, { msg = "bad regular expression", pos = 7 }),
       "column 7: bad regular expression\n" .. src .. "\n      ^")
  T.eq(cqp.format_error(src, { msg = "m", pos = 0 }), "column 1: m\n" .. src .. "\n^")
  T.eq(cqp.format_error(src, { msg = "m", pos = 99 }), "column 12: m\n" .. src .. "\n           ^")
end)
