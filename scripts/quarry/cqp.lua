-- cqp.lua — the query language (CQP-flavoured token patterns): parses a
-- query into the syntax tree that the C matcher compiles, and says where a
-- bad query goes wrong.
--
--   local cqp = require "quarry.cqp"
--   local ast, err = cqp.parse('a:[ent="PERSON"] [lower="said"] within s')
--   if not ast then print(cqp.format_error(src, err)) end
--
-- docs/query-grammar.md is the grammar and the tree; this file follows it.
-- The parser is one LPeg grammar. LPeg 1.0 has no labelled failures, so a
-- pattern that has committed (an opening '[' must be closed) ends in fail(),
-- a match-time capture that raises a Failure table; parse() catches it and
-- returns it as nil, err. Because every construct commits on its first
-- character, the match never backtracks over an opening bracket or a
-- finished element, and the bookkeeping kept in the per-parse state table
-- (open brackets, nesting depth, labels seen, lists being built) is exact.
--
-- Nesting is limited to 100 levels, counted as the parse goes: LPeg's
-- backtrack stack (400 entries) must never overflow, and the C compiler
-- walks the tree recursively. The grammar's rules are the query, the
-- sequence and the conditions (one rule for tokens, one for documents);
-- everything else is inlined, so that one level of nesting costs two stack
-- entries (197 levels would fit).
local lpeg = require "lpeg"

local P, R, S, V = lpeg.P, lpeg.R, lpeg.S, lpeg.V
local C, Cc, Cp, Ct, Cmt, Carg = lpeg.C, lpeg.Cc, lpeg.Cp, lpeg.Ct, lpeg.Cmt, lpeg.Carg
local format, concat = string.format, table.concat
local error, getmetatable, setmetatable, pcall, select, tonumber, type =
      error, getmetatable, setmetatable, pcall, select, tonumber, type

local cqp = {}

local MAX_DEPTH = 100       -- levels of '(' and '!'
local MAX_BYTES = 100000    -- length of a query
local MAX_COUNT = 1000      -- largest number in a repetition {m,n}

-- Attribute names in a token condition, with their synonyms.
local ATTRIBUTES = {
  word = "word", lower = "lower", kind = "kind", shape = "shape",
  ent = "ent", type = "ent", id = "id",
}
local KNOWN_ATTRIBUTES = "word, lower, kind, shape, ent, id"

-- Structure names, in tags and after 'within', with their synonyms.
local REGIONS = {
  s = "s", sentence = "s", p = "p", paragraph = "p", d = "d", text = "d", doc = "d",
}

local FLAGS = { c = true, l = true, d = true }

---------------------------------------------------------------------------
-- Positions, as people read them

-- A query is multi-line when a line break comes before its last word (a
-- line break at the end does not count).
local function multiline(s)
  local nl = s:find("\n", 1, true)
  if not nl then return false end
  local j = #s
  while j > nl and s:find("^[ \t\r\n]", j) do j = j - 1 end
  return j > nl
end

-- Line number, byte offset of that line's start, and column in characters
-- (a UTF-8 continuation byte does not start one) of byte position pos.
local function locate(s, pos)
  local line, start = 1, 1
  local i = s:find("\n", 1, true)
  while i and i < pos do
    line, start = line + 1, i + 1
    i = s:find("\n", i + 1, true)
  end
  local before = s:sub(start, pos - 1)
  local _, continuation = before:gsub("[\128-\191]", "")
  return line, start, #before - continuation + 1
end

-- "column 7", or "line 2, column 7" for a query written on several lines.
local function where(s, pos)
  local line, _, col = locate(s, pos)
  if multiline(s) then return format("line %d, column %d", line, col) end
  return format("column %d", col)
end

-- The character at byte i, quoted, for "unexpected ..." messages; a control
-- character or a byte that starts no UTF-8 character is named by its code.
local function show(s, i)
  if i > #s then return "the end of the query" end
  local b = s:byte(i)
  if b < 32 or b == 127 then return format("character 0x%02X", b) end
  if b < 128 then return "'" .. s:sub(i, i) .. "'" end
  local ch = s:match("^[\194-\244][\128-\191]+", i)
  if ch and utf8.len(ch) == 1 then return "'" .. ch .. "'" end
  return format("byte 0x%02X", b)
end

-- The character just before byte i, skipping white space (what an error
-- follows), and its position. The helpers here scan from i, never from the
-- start with an anchor at the end: such a Lua pattern is quadratic.
local function previous(s, i)
  local j = i - 1
  while j >= 1 and s:find("^[ \t\r\n]", j) do j = j - 1 end
  return j >= 1 and s:sub(j, j) or "", j
end

-- The run of characters of class set (a Lua pattern class) that ends at
-- byte j.
local function word_before(s, j, set)
  local k = j
  while k >= 1 and s:find("^" .. set, k) do k = k - 1 end
  return s:sub(k + 1, j)
end

-- A name or number as a message quotes it: long ones are cut.
local function clip(w)
  if #w <= 40 then return w end
  return w:sub(1, 40):gsub("[\192-\255][\128-\191]*$", "") .. "…"
end

---------------------------------------------------------------------------
-- Failures

-- The metatable that tells a query's error from a bug in this file.
local Failure = {}

local function throw(pos, msg)
  error(setmetatable({ pos = pos, msg = msg }, Failure), 0)
end

-- An error found at the end of the input is shown right after the last
-- thing written, not after trailing white space (often a line break).
local function at(s, i)
  if s:find("[^ \t\r\n]", i) then return i end
  local _, j = previous(s, i)
  return j + 1
end

-- A pattern that never matches: reaching it means the query is wrong here.
-- msg is a string or a function(s, i, state) that returns one.
local function fail(msg)
  return Cmt(Carg(1), function(s, i, st)
    throw(at(s, i), type(msg) == "function" and msg(s, i, st) or msg)
  end)
end

---------------------------------------------------------------------------
-- Lexical pieces

local sp = S" \t\r\n"^0
local alpha = R("az", "AZ") + "_"
local alnum = alpha + R"09"
local ident = alpha * alnum^0
local name = alpha * (alnum + S".-")^0    -- an attribute as written, doc.KEY included
local quantifier_start = S"?*+{"

-- A word where a token pattern was expected: the commonest mistake is a
-- value left unquoted.
local function unexpected_word(s, i)
  local w = s:match("^[%a_][%w_]*", i)
  if not w then return nil end
  return format("unexpected word '%s' (a value to match is quoted: \"%s\")", clip(w), clip(w))
end

-- A quoted value. Inside it a backslash escapes the next character for the
-- purpose of finding the closing quote and is kept (values are regular
-- expressions), except before the quote itself. Captures the position of
-- the opening quote and the value.
local function read_value(s, i)
  local open = i - 1
  local q = s:byte(open)
  local stop = q == 34 and '[\\"\n\r]' or "[\\'\n\r]"
  local parts, j = {}, i
  while true do
    local k = s:find(stop, j)
    if not k then
      throw(open, format("unterminated string: expected a closing %s", q == 34 and "'\"'" or "\"'\""))
    end
    local c = s:byte(k)
    if c == q then
      parts[#parts + 1] = s:sub(j, k - 1)
      return k + 1, open, concat(parts)
    elseif c ~= 92 then   -- a line break
      throw(open, "unterminated string: a value must end on the line where it starts")
    end
    local nx = s:byte(k + 1)
    if nx == q then
      parts[#parts + 1] = s:sub(j, k - 1) .. string.char(q)
    elseif nx == 10 or nx == 13 then
      throw(open, "unterminated string: a value must end on the line where it starts")
    elseif not nx then
      throw(open, format("unterminated string: expected a closing %s", q == 34 and "'\"'" or "\"'\""))
    else
      parts[#parts + 1] = s:sub(j, k + 1)
    end
    j = k + 2
  end
end
local value = Cmt(S"\"'", read_value)

-- %c, %l, %d and their combinations, after a value; captures them as written.
local function read_flags(s, i)
  local w = s:match("^[%w_]*", i)
  if w == "" then throw(i, "expected flags after '%' (c: ignore case, l: literal, d: ignore diacritics)") end
  local seen = {}
  for k = 1, #w do
    local f = w:sub(k, k)
    if not FLAGS[f] then
      throw(i + k - 1, format("unknown flag '%s' (known: c ignore case, l literal, d ignore diacritics)", f))
    end
    if seen[f] then throw(i + k - 1, format("flag '%s' is given twice", f)) end
    seen[f] = true
  end
  return i + #w, w
end
local flags = sp * Cmt(P"%", read_flags) + Cc("")

local function expected_value(s, i)
  local prev, j = previous(s, i)
  local op = (prev == "=" and s:sub(j - 1, j) == "!=") and "!=" or "="
  return format("expected a quoted value after '%s' (\"...\" or '...')", op)
end
local quoted = (value + fail(expected_value)) * flags

---------------------------------------------------------------------------
-- Nesting: '(' opens a level and so does each '!'. Open brackets are kept
-- on a stack in the state (for "to close the '(' at column N"), with the
-- number of levels each one holds: a '(' after '!!' holds three.

local function opener(ch, kind)
  return Cmt(P(ch) * Carg(1), function(_, i, st)
    local pos = i - 1
    local levels = kind == "token" and 0 or kind == "bool" and st.chain + 1 or 1
    if st.depth + levels > MAX_DEPTH then
      throw(pos, format("groups nested too deeply (more than %d levels)", MAX_DEPTH))
    end
    st.depth, st.chain = st.depth + levels, 0
    local n = #st.opens + 1
    st.opens[n], st.levels[n] = pos, levels
    return i, pos
  end)
end

local function closer(ch)
  return Cmt(P(ch) * Carg(1), function(_, i, st)
    local n = #st.opens
    st.depth = st.depth - st.levels[n]
    st.opens[n], st.levels[n] = nil, nil
    return i
  end)
end

local function unclosed(ch, open)
  return function(s, i, st)
    return format("expected '%s' to close the '%s' at %s", ch, open, where(s, st.opens[#st.opens]))
  end
end

-- After a condition, another one means a missing '&' or '|'.
local function condition_close(ch, open)
  local generic = unclosed(ch, open)
  return closer(ch) + fail(function(s, i, st)
    if s:find("^[%a_!(]", i) then return "expected '&' or '|' between two conditions" end
    return generic(s, i, st)
  end)
end

-- A run of '!' before a condition. The run is reset where a condition
-- starts, and each '!' counts one level on top of the open brackets.
local reset_chain = Cmt(Carg(1), function(_, i, st) st.chain = 0; return i end)
local bang = Cmt(P"!" * -P"=" * Carg(1), function(_, i, st)
  st.chain = st.chain + 1
  if st.depth + st.chain > MAX_DEPTH then
    throw(i - 1, format("'!' nested too deeply (more than %d levels)", MAX_DEPTH))
  end
  return i, i - 1
end)

---------------------------------------------------------------------------
-- Tree builders. Each node is built by a match-time capture as soon as its
-- text has matched: LPeg evaluates nested captures recursively and refuses
-- more than 200 levels of them, and a node built at once is one value to
-- the captures around it, however deep it is.

local function node(patt, build)
  return Cmt(patt, function(_, i, ...) return i, build(...) end)
end

-- The elements of a sequence and the operands of a condition are added to
-- a list in the state as each one is matched, rather than left as values:
-- LPeg holds at most 32,767 values of match-time captures at once, and a
-- query of 100,000 bytes can have 50,000 elements. begin opens a list,
-- add(patt) appends patt's captures to it, finish(build) closes it and
-- captures build(list).
local begin = Cmt(Carg(1), function(_, i, st)
  st.lists[#st.lists + 1] = {}
  return i
end)

local function add(patt)
  return Cmt(patt * Carg(1), function(_, i, ...)
    local n = select("#", ...)
    local st = select(n, ...)
    local list = st.lists[#st.lists]
    for k = 1, n - 1 do list[#list + 1] = (select(k, ...)) end
    return i
  end)
end

local function finish(build)
  return Cmt(Carg(1), function(_, i, st)
    local n = #st.lists
    local list = st.lists[n]
    st.lists[n] = nil
    return i, build(list)
  end)
end

local function mk_cmp(pos, attr, op, vpos, val, fl)
  return { type = "cmp", attr = attr, op = op, value = val, flags = fl, pos = pos, vpos = vpos }
end

local function mk_not(bangs, item)
  for k = #bangs, 1, -1 do item = { type = "not", item = item, pos = bangs[k] } end
  return item
end

-- t = { pos1, operand1, op, pos2, operand2, ... } in the order written;
-- '&' binds tighter than '|'. An and/or is placed where its first operand's
-- text starts.
local function mk_bool(t)
  local ors, ands, at_pos = {}, { t[2] }, t[1]
  local function close()
    ors[#ors + 1] = #ands == 1 and ands[1] or { type = "and", items = ands, pos = at_pos }
  end
  for k = 3, #t, 3 do
    if t[k] == "&" then
      ands[#ands + 1] = t[k + 2]
    else
      close()
      ands, at_pos = { t[k + 2] }, t[k + 1]
    end
  end
  close()
  if #ors == 1 then return ors[1] end
  return { type = "or", items = ors, pos = t[1] }
end

-- Brackets around an and/or belong to it; a single operand keeps its own
-- position.
local function mk_paren(pos, n)
  if n.type == "and" or n.type == "or" then n.pos = pos end
  return n
end

local function mk_token(pos, expr)
  return { type = "token", expr = expr, pos = pos }
end

local function mk_bare(vpos, val, fl)
  return { type = "token", pos = vpos,
           expr = { type = "cmp", attr = "word", op = "=", value = val, flags = fl, pos = vpos, vpos = vpos } }
end

local function mk_struct(pos, open, nm)
  return { type = "struct", name = nm, open = open, pos = pos }
end

-- A group of one structure tag is that tag (mk_group), so the rules on
-- tags are checked here too. Like every builder, these run as the query is
-- read, so their errors come in order with the others.
local function mk_repeat(pos, item, qpos, min, max)
  if qpos == nil then return item end
  if item.type == "struct" then throw(qpos, "a structure tag cannot be repeated") end
  return { type = "repeat", min = min, max = max or nil, item = item, pos = pos }
end

local function mk_label(pos, nm, item)
  if item.type == "struct" then throw(item.pos, "a label cannot be put on a structure tag") end
  return { type = "label", name = nm, item = item, pos = pos }
end

local function mk_seq(pos, items)
  return { type = "seq", items = items, pos = pos }
end

-- t = { pos1, element1, pos2, element2, BAR, pos3, element3, ... }: the
-- elements and '|' in the order written, each element after the position
-- where its text starts (a seq starts there).
local BAR = {}
local function mk_alt(t)
  local alts, items, at_pos = {}, {}, t[1]
  local k = 1
  while k <= #t do
    if t[k] == BAR then
      alts[#alts + 1] = mk_seq(at_pos, items)
      items, at_pos = {}, t[k + 1]
      k = k + 1
    else
      items[#items + 1] = t[k + 1]
      k = k + 2
    end
  end
  alts[#alts + 1] = mk_seq(at_pos, items)
  if #alts == 1 then return alts[1] end
  return { type = "alt", items = alts, pos = t[1] }
end

-- A group of one element is that element; a longer one is its seq or alt,
-- placed at its '('.
local function mk_group(pos, inner)
  if inner.type == "seq" and #inner.items == 1 then return inner.items[1] end
  inner.pos = pos
  return inner
end

-- body is always a seq; the tail is (key, value) pairs.
local function mk_query(body, k1, v1, k2, v2)
  if body.type ~= "seq" then body = mk_seq(body.pos, { body }) end
  local q = { type = "query", body = body }
  if k1 then q[k1] = v1 end
  if k2 then q[k2] = v2 end
  return q
end

---------------------------------------------------------------------------
-- Conditions: inside [ ] over token attributes, after :: over doc.KEY.
--
-- A required piece is guarded, (#start + fail) * piece, rather than written
-- piece + fail: the choice then ends before the piece is matched, and a
-- nested piece holds no backtrack entry. And and or are one loop, sorted
-- out by mk_bool, for the same reason: each level of brackets costs two
-- entries (the call of the rule and its loop).

local op = C(P"!=" + "=") + fail(function(s, i)
  local _, j = previous(s, i)
  return format("expected '=' or '!=' after '%s'", clip(word_before(s, j, "[%w_.%-]")))
end)

local token_attr = Cmt(C(name), function(_, i, nm)
  local a = ATTRIBUTES[nm]
  if not a then throw(i - #nm, format("unknown attribute '%s' (known: %s)", clip(nm), KNOWN_ATTRIBUTES)) end
  return i, i - #nm, a
end)

local doc_attr = Cmt(C(name), function(_, i, nm)
  local key = nm:match("^doc%.([%a_][%w_.%-]*)$")
  if not key then
    throw(i - #nm, format("expected doc.KEY in the document constraint, such as doc.source, not '%s'",
                          clip(nm)))
  end
  return i, i - #nm, "doc." .. key
end)

-- The conditions over one kind of leaf; rule names the grammar rule that
-- holds them (the one recursive entry).
local function conditions(attr, rule, example)
  local leaf = node(attr * sp * op * sp * quoted, mk_cmp)
  local function missing(s, i)
    local prev, j = previous(s, i)
    if prev == ":" and s:sub(j - 1, j) == "::" then prev = "::" end
    if prev == "[" then return format("expected a condition such as %s, or ']', after '['", example) end
    if prev == "&" or prev == "|" or prev == "!" or prev == "(" or prev == "::" then
      return format("expected a condition such as %s after '%s'", example, prev)
    end
    return format("expected a condition such as %s", example)
  end
  local paren = node(opener("(", "bool") * sp * V(rule) * sp * condition_close(")", "("), mk_paren)
  local operand = add(Cp() * node(reset_chain * Ct((bang * sp)^0) * (#(P"(" + alpha) + fail(missing))
                                  * (paren + leaf), mk_not))
  return begin * operand * (sp * add(C(S"&|")) * sp * operand)^0 * finish(mk_bool)
end

---------------------------------------------------------------------------
-- Sequences

-- What stands where an element was expected but none starts.
local function no_element(s, i)
  local prev = previous(s, i)
  local w = s:match("^[%a_][%w_]*", i)
  if w == "within" then return "expected a token pattern, a group or a structure tag before 'within'" end
  local word = unexpected_word(s, i)
  if word then return word end
  if s:find("^[?*+{]", i) then return format("'%s' has nothing to repeat", s:sub(i, i)) end
  if s:sub(i, i) == ")" and prev == "(" then
    return "empty group: expected a token pattern, a group or a structure tag"
  end
  if prev == "|" then return "expected a token pattern, a group or a structure tag after '|'" end
  return "expected a token pattern, a group or a structure tag"
end

local token = node(opener("[", "token") * sp * (closer("]") + V"TokenOr" * sp * condition_close("]", "[")),
                   mk_token)

local bare = node(value * flags, mk_bare)

local group_close = closer(")") + fail(function(s, i, st)
  return unexpected_word(s, i) or unclosed(")", "(")(s, i, st)
end)
local group = node(opener("(", "seq") * sp * V"Alt" * sp * group_close, mk_group)

local region_name = Cmt(C(ident), function(_, i, nm)
  local r = REGIONS[nm]
  if not r then throw(i - #nm, format("unknown structure '%s' (known: s, p, d)", clip(nm))) end
  return i, r
end)

local struct = node(Cp() * "<" * (P"/" * Cc(false) + Cc(true))
                    * (region_name + fail(function(s, i)
                        return format("expected s, p or d after '%s'", s:sub(i - 1, i - 1) == "/" and "</" or "<")
                      end))
                    * (P">" + fail(function(s, i)
                        local open = i - 1
                        while s:byte(open) ~= 60 do open = open - 1 end   -- the '<' before the name
                        return format("expected '>' to close the '<' at %s", where(s, open))
                      end)),
                    mk_struct)
local struct_element = struct * (sp * #quantifier_start * fail("a structure tag cannot be repeated"))^-1

-- {m}, {m,}, {,n}, {m,n}: captures min and max (false when unbounded).
-- Read piece by piece: one Lua pattern with two optional runs of digits
-- would backtrack quadratically over a long number.
local function read_braces(s, i)
  local open, j = i - 1, i
  local function skip() j = s:match("^[ \t\r\n]*()", j) end
  skip()
  local p1, m = j, s:match("^%d*", j)
  j = j + #m
  skip()
  local comma = s:sub(j, j) == ","
  if comma then j = j + 1; skip() end
  local p2, n = j, s:match("^%d*", j)
  j = j + #n
  skip()
  if s:sub(j, j) ~= "}" or (m == "" and n == "") or (not comma and n ~= "") then
    throw(open, "expected a repetition {m}, {m,}, {,n} or {m,n} after '{'")
  end
  local function number(digits, pos)
    if #digits:gsub("^0+", "") > 4 or tonumber(digits) > MAX_COUNT then
      throw(pos, format("repetition count %s is too large (at most %d)", clip(digits), MAX_COUNT))
    end
    return tonumber(digits)
  end
  local min = m == "" and 0 or number(m, p1)
  local max
  if not comma then max = min
  elseif n == "" then max = false
  else max = number(n, p2) end
  if max and min > max then
    throw(open, format("bad repetition {%d,%d}: the minimum is larger than the maximum", min, max))
  end
  return j + 1, min, max
end

local quantifier = P"?" * Cc(0, 1) + P"*" * Cc(0, false) + P"+" * Cc(1, false) + Cmt(P"{", read_braces)
local second_quantifier = (sp * #quantifier_start
  * fail("two repetition operators in a row (to repeat a repetition, group it: (...))"))^-1

local quantified = node(Cp() * (token + bare + group) * (sp * Cp() * quantifier)^-1, mk_repeat)
                   * second_quantifier

local label = Cmt(C(ident) * ":" * -P":" * Carg(1), function(s, i, nm, st)
  local pos = i - #nm - 1
  local first = st.labels[nm]
  if first then throw(pos, format("label '%s' is already used at %s", clip(nm), where(s, first))) end
  st.labels[nm] = pos
  return i, pos, nm
end)
local labelled = node(label * sp
                      * (#P"<" * fail("a label cannot be put on a structure tag")
                         + #S"[(\"'"
                         + fail(function(s, i)
                             local _, colon = previous(s, i)
                             local nm = word_before(s, colon - 1, "[%w_]")
                             return format("expected a token pattern or a group after the label '%s:'", clip(nm))
                           end))
                      * quantified,
                      mk_label)

-- Each element adds the position where its text starts, then itself.
local element_start = S"[(\"'<" + ident * ":" * -P":"
local element = add(Cp() * (labelled + struct_element + quantified))
local required_element = (#element_start + fail(no_element)) * element

---------------------------------------------------------------------------
-- The query

local within = P"within" * -alnum * sp
               * Cmt(Carg(1), function(_, i, st) st.within = true; return i end)
               * Cc("within")
               * (region_name + fail("expected s, p or d after 'within'"))
local docs = P"::" * Cmt(Carg(1), function(_, i, st) st.doc = true; return i end)
             * Cc("doc") * sp * V"DocOr"
local tail = (sp * within * (sp * docs)^-1 + sp * docs * (sp * within)^-1)^-1

local function leftover(s, i, st)
  local c = s:sub(i, i)
  if c == ")" or c == "]" then return format("unmatched '%s'", c) end
  if previous(s, i) == ";" then
    return format("unexpected %s after ';' (expected the end of the query)", show(s, i))
  end
  if s:find("^within%f[^%w_]", i) and st.within then return "'within' is given twice" end
  if s:find("^::", i) and st.doc then return "'::' is given twice" end
  local word = unexpected_word(s, i)
  if word then return word end
  if st.within or st.doc then
    return format("unexpected %s (expected the end of the query)", show(s, i))
  end
  return format("unexpected %s (expected a token pattern, '|', 'within', '::' or the end of the query)",
                show(s, i))
end

local grammar = P{ "Query",
  Query = (sp * V"Alt" * tail * sp * (P";" * sp)^-1 * (-P(1) + fail(leftover))) / mk_query,
  -- elements and '|' in one loop (see conditions())
  Alt = begin * required_element * (sp * (element + add(P"|" * Cc(BAR)) * sp * required_element))^0
        * finish(mk_alt),
  TokenOr = conditions(token_attr, "TokenOr", 'lower="value"'),
  DocOr = conditions(doc_attr, "DocOr", 'doc.source="value"'),
}

---------------------------------------------------------------------------
-- The API

-- Parses a query. Returns its tree (docs/query-grammar.md), or nil and
-- { msg =, pos = } for a query that is wrong, whatever it holds; raises only
-- when src is not a string.
function cqp.parse(src)
  if type(src) ~= "string" then
    error(format("bad argument #1 to 'parse' (string expected, got %s)", type(src)), 2)
  end
  if #src > MAX_BYTES then
    return nil, { msg = format("query too long (%d bytes; at most %d)", #src, MAX_BYTES), pos = MAX_BYTES + 1 }
  end
  -- nothing but white space and perhaps ';' (one pattern for it would be quadratic)
  local first = src:match("^[ \t\r\n]*()")
  if src:byte(first) == 59 then first = src:match("^[ \t\r\n]*()", first + 1) end
  if first > #src then return nil, { msg = "empty query", pos = 1 } end
  local state = { depth = 0, chain = 0, opens = {}, levels = {}, labels = {}, lists = {} }
  local ok, tree = pcall(lpeg.match, grammar, src, 1, state)
  if not ok then
    if getmetatable(tree) == Failure then return nil, { msg = tree.msg, pos = tree.pos } end
    error(tree, 0)   -- a bug here, not a bad query
  end
  tree.src = src
  return tree
end

-- True when src is written in the query language; false for a phrase such
-- as `North Korea` or `Korea*`, which callers match as words.
function cqp.is_query(src)
  if type(src) ~= "string" then return false end
  if src:find("[%[\"'<(]") or src:find("::", 1, true) then return true end
  -- 'within' and a structure, after something: `Korea within s`
  for nm in src:gmatch("[^ \t\r\n][ \t\r\n]+within[ \t\r\n]+([%a_][%w_]*)") do
    if REGIONS[nm] then return true end
  end
  return false
end

-- Up to this many characters of a long line are shown around the caret.
local WINDOW = 100

-- The error as people read it: where, what, the line of the query and a
-- caret under the place. Columns count characters; a tab before the place
-- is kept in the caret's indentation so that the two line up.
function cqp.format_error(src, err)
  local pos = math.max(1, math.min(math.tointeger(err.pos) or 1, #src + 1))
  local line, start, col = locate(src, pos)
  local stop = src:find("\n", start, true)
  local text = src:sub(start, (stop or #src + 1) - 1):gsub("\r$", "")
  local head = multiline(src) and format("line %d, column %d: %s", line, col, tostring(err.msg))
                               or format("column %d: %s", col, tostring(err.msg))
  -- the line as characters, counted as locate counts them (continuation
  -- bytes belong to the character before), control characters shown as '?'
  local chars = {}
  for ch in text:gmatch("[\0-\127\192-\255][\128-\191]*") do
    if ch ~= "\t" and (ch:byte() < 32 or ch == "\127") then ch = "?" end
    chars[#chars + 1] = ch
  end
  local first, last, prefix, suffix = 1, #chars, "", ""
  if #chars > WINDOW then
    first = math.max(1, math.min(col - WINDOW // 2, #chars - WINDOW + 1))
    last = math.min(#chars, first + WINDOW - 1)
    if first > 1 then prefix = "…" end
    if last < #chars then suffix = "…" end
  end
  local indent = { prefix ~= "" and " " or "" }
  for k = first, col - 1 do indent[#indent + 1] = chars[k] == "\t" and "\t" or " " end
  return head .. "\n" .. prefix .. concat(chars, "", first, last) .. suffix .. "\n" .. concat(indent) .. "^"
end

return cqp
