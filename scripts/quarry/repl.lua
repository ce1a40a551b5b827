-- repl.lua — the REPL of `quarry` (docs/repl.md): lua.c's way of reading
-- and running lines, a printer for results, Tab completion, the : commands
-- and the history file. The terminal and Ctrl-C are C's (quarry.term, in
-- core/cli/cmd_repl.c); everything a user sees is decided here.
local term = require "quarry.term"
local quarry = require "quarry"
local report = require "quarry.report"
local core = require "quarry.core"

local M = {}

-- quarry.report loads on first use; touched here, it becomes a key of the
-- quarry table, which completion can offer
local _ = quarry.report

-- The session's code may change any global (`print = nil`, `io = nil`):
-- what the REPL itself needs is held here, so that it goes on regardless.
local concat, sort, pack = table.concat, table.sort, table.pack
local format = string.format
local pairs, ipairs, next, type, tostring, tonumber = pairs, ipairs, next, type, tostring, tonumber
local pcall, xpcall, load, loadfile = pcall, xpcall, load, loadfile
local getmetatable, rawget = getmetatable, rawget
local math_type, floor, max, min, tointeger = math.type, math.floor, math.max, math.min, math.tointeger
local traceback, getenv = debug.traceback, os.getenv
local stdout, stderr, stdin, open = io.stdout, io.stderr, io.stdin, io.open
local function read_all() return stdin:read("a") end
local function write(...) return stdout:write(...) end
local G = _G

local HISTORY_MAX = 1000
local FORMATS = { table = true, csv = true, json = true, jsonl = true, md = true }

-- The session: what survives from one line to the next (and a restart of
-- the loop after an interrupt that landed in the REPL's own code).
local session = {
  started = false,
  format = "table",
  last = nil,          -- the last result (also the global _)
  has_last = false,
  trace = nil,         -- the traceback of the last error
  history = {},        -- entries, oldest first
  history_path = nil,
  history_warned = false,
  empty_interrupts = 0,
  script_done = false,
}

---------------------------------------------------------------------------
-- Printing values

local width = core.width

local function screen()
  local columns, lines = term.size()
  return columns, lines
end

local function is_identifier(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil and not M.keywords[k]
end

-- A string as Lua would read it back, on one line.
local quote_escapes = { ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t", ['"'] = '\\"', ["\\"] = "\\\\" }
local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return quote_escapes[c] or format("\\%03d", c:byte())
  end) .. '"'
end

-- Keys in the order the report's JSON writes them, the same every time.
local key_before = report.key_order

local function scalar(v)
  local t = type(v)
  if t == "string" then return quote(v) end
  if t == "table" then return nil end
  return tostring(v)
end

local MAX_ITEMS = 100    -- per table, in the nested printer
local MAX_DEPTH = 4

-- The nested printer: a table on one line when it fits, else one field per
-- line; tables deeper than MAX_DEPTH are {…}, a table inside itself is
-- <cycle>. Tables with a __tostring print through it.
local function nested(v, indent, depth, path, room)
  local s = scalar(v)
  if s then return s end
  local mt = getmetatable(v)
  if mt and mt.__tostring then return tostring(v) end
  if path[v] then return "<cycle>" end
  if next(v) == nil then return "{}" end
  if depth > MAX_DEPTH then return "{…}" end
  path[v] = true
  local n = #v
  local keys = {}
  for k in pairs(v) do
    if not (math_type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  sort(keys, key_before)
  local items, shown = {}, 0
  for i = 1, n do
    if shown == MAX_ITEMS then break end
    items[#items + 1] = nested(v[i], indent .. "  ", depth + 1, path, room - 2)
    shown = shown + 1
  end
  for _, k in ipairs(keys) do
    if shown == MAX_ITEMS then break end
    local name = is_identifier(k) and k or "[" .. (scalar(k) or tostring(k)) .. "]"
    items[#items + 1] = name .. " = " .. nested(v[k], indent .. "  ", depth + 1, path, room - 2)
    shown = shown + 1
  end
  local more = n + #keys - shown
  if more > 0 then items[#items + 1] = format("… %d more", more) end
  path[v] = nil
  local flat = "{" .. concat(items, ", ") .. "}"
  if width(flat) <= room and not flat:find("\n", 1, true) then return flat end
  local lines, line, short = {}, nil, #keys == 0
  for _, item in ipairs(items) do
    if item:find("\n", 1, true) or width(item) > 24 then short = false end
  end
  if short then
    -- a list of short values fills the lines, as a paragraph does
    for _, item in ipairs(items) do
      local piece = item .. ","
      if line and width(line) + 1 + width(piece) > room - #indent - 2 then
        lines[#lines + 1] = line
        line = nil
      end
      line = line and (line .. " " .. piece) or piece
    end
    lines[#lines + 1] = line
    return "{\n" .. indent .. "  " .. concat(lines, "\n" .. indent .. "  ") .. "\n" .. indent .. "}"
  end
  return "{\n" .. indent .. "  " .. concat(items, ",\n" .. indent .. "  ") .. "\n" .. indent .. "}"
end

-- Is v a list of rows: a view, a table with columns, or a sequence (and
-- nothing else) of tables that are records or arrays of plain values? The
-- rows the API returns name their columns, and may carry more named fields
-- beside them (c:freq's total of tokens): those are no reason to print
-- them otherwise.
local function is_rowset(v)
  local t = type(v)
  if t == "userdata" then
    local ok, cols = pcall(function() return v.columns end)
    return ok and type(cols) == "table" and #v > 0
  end
  if t ~= "table" or getmetatable(v) then return false end
  local n = #v
  if n == 0 then return false end
  local named = type(rawget(v, "columns")) == "table"
  for k in pairs(v) do
    if not (math_type(k) == "integer" and k >= 1 and k <= n) and not (named and type(k) == "string")
    then
      return false
    end
  end
  for i = 1, min(n, 50) do
    local row = v[i]
    if type(row) ~= "table" or getmetatable(row) or next(row) == nil then return false end
    for _, x in pairs(row) do
      if type(x) == "table" and getmetatable(x) == nil and next(x) ~= nil and #x == 0 then
        return false   -- a record inside: the nested printer shows it better
      end
    end
  end
  return true
end

-- Is the rowset v a concordance (the rows of c:kwic): columns left, match
-- and right, or, without columns, a first row with those three strings?
local function is_concordance(v)
  local ok, cols = pcall(function() return v.columns end)
  if ok and type(cols) == "table" then
    local has = {}
    for _, c in ipairs(cols) do has[c] = true end
    return has.left and has.match and has.right or false
  end
  local row = v[1]
  return type(row) == "table" and type(row.left) == "string" and type(row.match) == "string"
    and type(row.right) == "string"
end

-- A rowset as the current format writes it; in a table, no wider than the
-- screen and no longer than a screenful. A concordance prints as one:
-- the keyword in a column of its own, its contexts filling the screen's
-- width (report.concordance).
local function render_rows(v, fmt, whole)
  if fmt ~= "table" then return report.render(v, fmt) end
  local columns, lines = screen()
  if is_concordance(v) then
    return report.concordance(v, { width = max(columns, 20),
                                   limit = (not whole) and max(5, lines - 4) or nil })
  end
  local opts = { limit = (not whole) and max(5, lines - 6) or nil, max_width = 40 }
  while true do
    local text = report.render(v, "table", opts)
    local widest = 0
    for line in text:gmatch("[^\n]+") do
      local w = width(line)
      if w > widest then widest = w end
    end
    if whole or widest <= columns or opts.max_width <= 8 then return text end
    opts.max_width = max(8, floor(opts.max_width * columns / widest))
  end
end

-- The text the REPL prints for a value.
function M.show(v, whole)
  local fmt = session.format
  if is_rowset(v) then return (render_rows(v, fmt, whole):gsub("\n$", "")) end
  if type(v) == "string" then return v end
  if type(v) == "table" and (fmt == "json" or fmt == "jsonl") then
    local ok, text = pcall(quarry.json.encode, v)
    if ok then return text end
  end
  local columns = screen()
  return nested(v, "", 1, {}, columns)
end

-- Several plain values share a line, as in lua.c; tables get lines of
-- their own.
local function print_results(r)
  local parts, plain = {}, true
  for i = 2, r.n do
    local ok, text = pcall(M.show, r[i])
    parts[#parts + 1] = ok and text or ("<cannot print: " .. tostring(text) .. ">")
    if type(r[i]) == "table" or type(r[i]) == "userdata" then plain = false end
  end
  write(concat(parts, plain and "\t" or "\n"), "\n")
end

---------------------------------------------------------------------------
-- Running code, as lua.c does

M.keywords = {}
for w in ([[and break do else elseif end false for function goto if in local nil not or
           repeat return then true until while]]):gmatch("%a+") do M.keywords[w] = true end

local function on_error(e)
  if term.exit_code(e) then return e end
  local msg = tostring(e)
  if type(e) ~= "string" then
    local mt = getmetatable(e)
    msg = mt and mt.__tostring and tostring(e) or format("(error object is a %s value)", type(e))
  end
  -- the frames below the user's code are the REPL's own: left out
  local trace = traceback(msg, 2)
  local cut = trace:find("\n\t%[C%]: in function 'xpcall'")
  session.trace = cut and trace:sub(1, cut - 1) or trace
  return msg
end

-- A line is tried as an expression first (so that `c:freq{top=5}` prints),
-- then as statements. nil and "incomplete" when the code stops short (the
-- message ends in <eof>), so that the next line goes on with it.
local function compile(src, name)
  local f, expr_err = load("return " .. src, name, "t")
  if f then return f end
  local g, err = load(src, name, "t")
  if g then return g end
  if err:find("<eof>$") then return nil, "incomplete" end
  -- "1 +* 2" is no statement at its first word: what is wrong with it as
  -- an expression says more
  if err:find("unexpected symbol near", 1, true) and not expr_err:find("<eof>$")
     and src:match("^%s*[%w_\"'{(%-#]") and not src:match("^%s*[%a_][%w_]*%s*[=,]") then
    return nil, expr_err
  end
  return nil, err
end

local function color(code, text)
  if not term.color then return text end
  -- \1 around the codes: they take no room on the screen (lineedit.h)
  return "\1\27[" .. code .. "m\1" .. text .. "\1\27[0m\1"
end

local function report_error(msg)
  stderr:write(term.color and ("\27[31m" .. msg .. "\27[0m") or msg, "\n")
end

-- Runs f and prints its results; returns false when it raised.
local function run(f, quiet)
  local r = pack(xpcall(f, on_error))
  if not r[1] then
    local code = term.exit_code(r[2])
    if code then return true, code end
    report_error(r[2])
    return false
  end
  if r.n > 1 and not quiet then
    session.last, session.has_last = r[2], true
    G._ = r[2]
    print_results(r)
  end
  return true
end

---------------------------------------------------------------------------
-- The history file

local function history_path()
  local state = getenv("XDG_STATE_HOME")
  if state and state ~= "" then return state .. "/quarry/history", state .. "/quarry" end
  local home = getenv("HOME")
  if home and home ~= "" then return home .. "/.quarry_history" end
  return nil
end

-- One entry per line: a backslash and a line break inside an entry are
-- written \\ and \n.
local function escape(entry) return (entry:gsub("\\", "\\\\"):gsub("\n", "\\n")) end
local function unescape(line)
  return (line:gsub("\\(.)", function(c) return c == "n" and "\n" or c end))
end

-- Keeps each entry once, at its latest place, and the latest HISTORY_MAX.
local function dedupe(list)
  local seen, kept = {}, {}
  for i = #list, 1, -1 do
    local e = list[i]
    if not seen[e] then
      seen[e] = true
      kept[#kept + 1] = e
    end
    if #kept == HISTORY_MAX then break end
  end
  local out = {}
  for i = #kept, 1, -1 do out[#out + 1] = kept[i] end
  return out
end

-- The entries of the history file, or nil when there is none.
local function read_history(path)
  local f = path and open(path, "r")
  if not f then return nil end
  local list = {}
  for line in f:lines() do
    if line ~= "" then list[#list + 1] = unescape(line) end
  end
  f:close()
  return list
end

local function load_history()
  local path, dir = history_path()
  session.history_path, session.history_dir = path, dir
  session.history = dedupe(read_history(path) or {})
  for _, e in ipairs(session.history) do term.remember(e) end
end

-- Written whole after each entry by term.save, as every file quarry writes
-- (a temporary file in the same directory, synced and renamed over the old
-- one; a link to the history stays a link): a crash loses nothing, and a
-- reader never sees half a file.
local function save_history()
  local path = session.history_path
  if not path then return end
  if session.history_dir then term.mkdir(session.history_dir) end
  local lines = {}
  for i, e in ipairs(session.history) do lines[i] = escape(e) .. "\n" end
  local ok, err = term.save(path, concat(lines), true)   -- the user's alone
  if not ok then
    if not session.history_warned then
      session.history_warned = true
      stderr:write("quarry: history not saved: ", tostring(err or "write error"), "\n")
    end
  end
end

local function remember(entry)
  if entry:match("^%s*$") or entry:match("^ ") then return end   -- a leading space: private
  -- read again first: another session may have added to the file since
  local list = read_history(session.history_path) or session.history
  list[#list + 1] = entry
  session.history = dedupe(list)
  term.remember(entry)
  save_history()
end

---------------------------------------------------------------------------
-- :help, from docs/lua-api.md (the same source as the docs)

local help_index

-- Sections of the API reference: one per ### heading, found by the names
-- in the heading (quarry.open, corpus:freq, token fields ...).
local function load_help()
  if help_index then return help_index end
  help_index = { sections = {}, names = {} }
  local text = core.embedded("docs/lua-api.md") or ""
  local current, chapter
  for line in (text .. "\n"):gmatch("(.-)\n") do
    if line:match("^## ") then
      chapter = line:sub(4)
      current = nil
    elseif line:match("^### ") then
      current = { heading = line:sub(5), chapter = chapter, lines = {} }
      help_index.sections[#help_index.sections + 1] = current
      for name in current.heading:gmatch("[%a_][%w_]*[%.:][%a_][%w_%.]*[%w_]") do
        help_index.names[name] = help_index.names[name] or current
      end
    elseif current and not line:match("^```") then
      current.lines[#current.lines + 1] = line
    end
  end
  return help_index
end

local commands   -- below

local function help_overview()
  local idx = load_help()
  local out = {
    "REPL commands:",
  }
  for _, c in ipairs(commands.order) do
    out[#out + 1] = format("  %-22s %s", ":" .. c .. (commands[c].args or ""), commands[c].about)
  end
  out[#out + 1] = ""
  out[#out + 1] = "Keys: Tab completes, Ctrl-C stops what runs or drops the line, Ctrl-D quits."
  out[#out + 1] = "_ is the last result. The API (:help NAME for one, e.g. :help c:freq):"
  local by_chapter, chapters = {}, {}
  for _, s in ipairs(idx.sections) do
    local ch = s.chapter or ""
    if not by_chapter[ch] then
      by_chapter[ch] = {}
      chapters[#chapters + 1] = ch
    end
    local name = s.heading:match("^[%a_#][%w_%.:]*") or s.heading
    by_chapter[ch][#by_chapter[ch] + 1] = name
  end
  local columns = screen()
  for _, ch in ipairs(chapters) do
    local line = "  " .. ch .. ":"
    for _, name in ipairs(by_chapter[ch]) do
      if #line + 1 + #name > columns - 1 then
        out[#out + 1] = line
        line = "    " .. name
      else
        line = line .. " " .. name
      end
    end
    out[#out + 1] = line
  end
  return concat(out, "\n")
end

-- "c:freq" names the corpus method when c is a corpus: the object's type
-- is the name its metatable gives (quarry.Corpus -> corpus).
local function help_name(name)
  local obj, sep, member = name:match("^([%a_][%w_]*)([%.:])([%a_][%w_]*)$")
  if obj and obj ~= "quarry" and obj ~= "report" then
    local v = G[obj]
    local mt = v ~= nil and getmetatable(v)
    local tname = type(mt) == "table" and rawget(mt, "__name")
    if type(tname) == "string" then
      local kind = tname:match("^quarry%.(%a+)$")
      if kind then return kind:lower() .. ":" .. member, kind:lower() .. "." .. member end
    end
  end
  return name
end

local function help(topic)
  if not topic or topic == "" then return help_overview() end
  if topic:sub(1, 1) == ":" then
    local c = commands[topic:sub(2)]
    if c then return ":" .. topic:sub(2) .. (c.args or "") .. "  " .. c.about end
  end
  local idx = load_help()
  local a, b = help_name(topic)
  local found = idx.names[a] or (b and idx.names[b]) or idx.names[topic]
  local matches = {}
  if found then
    matches[1] = found
  else
    local needle = topic:lower():gsub("^%a+[%.:]", "")
    for _, s in ipairs(idx.sections) do
      local h = s.heading:lower()
      if h:find(needle, 1, true) then matches[#matches + 1] = s end
    end
  end
  if #matches == 0 then return nil, format("no help on '%s' (:help lists the topics)", topic) end
  if #matches > 3 then
    local heads = {}
    for _, s in ipairs(matches) do heads[#heads + 1] = "  " .. s.heading end
    return format("%d sections mention '%s':\n%s", #matches, topic, concat(heads, "\n"))
  end
  local out = {}
  for _, s in ipairs(matches) do
    out[#out + 1] = s.heading .. "\n" .. (concat(s.lines, "\n"):gsub("^\n+", ""):gsub("\n+$", ""))
  end
  return concat(out, "\n\n")
end

---------------------------------------------------------------------------
-- The : commands

-- The text :save writes: rows in the current format, whole; other values
-- as JSON in the json formats, else as the printer shows them.
local function saved_text(v)
  local fmt = session.format
  if is_rowset(v) then return render_rows(v, fmt, true) end
  if fmt == "json" or fmt == "jsonl" then return quarry.json.encode(v) .. "\n" end
  return M.show(v, true) .. "\n"
end

commands = {
  order = { "help", "load", "time", "format", "save", "history", "trace", "quit" },
  help = { args = " [NAME]", about = "this list, or the API reference of NAME",
    run = function(arg)
      local text, err = help(arg)
      if not text then report_error(err) else write(text, "\n") end
    end },
  load = { args = " FILE", about = "run a Lua file in this session",
    run = function(arg)
      if arg == "" then return report_error(":load needs a file name") end
      local f, err = loadfile(arg, "t")
      if not f then return report_error(err) end
      return run(f, true)
    end },
  time = { args = " CODE", about = "run CODE and say how long it took",
    run = function(arg)
      if arg == "" then return report_error(":time needs code to run") end
      local f, err = compile(arg, "=stdin")
      if not f then return report_error(err == "incomplete" and "incomplete code" or err) end
      local t0 = term.now()
      local ok, code = run(f)
      local dt = term.now() - t0
      write(format("time: %s\n", dt < 1 and format("%.1f ms", dt * 1e3) or format("%.2f s", dt)))
      return ok, code
    end },
  format = { args = " [FORMAT]", about = "how results print: table, csv, json, jsonl, md",
    run = function(arg)
      if arg == "" then return write("format: ", session.format, "\n") end
      local f = arg == "markdown" and "md" or arg
      if not FORMATS[f] then
        return report_error(format("unknown format '%s' (expected table, csv, json, jsonl or md)", arg))
      end
      session.format = f
    end },
  save = { args = " FILE", about = "write the last result to FILE in the current format",
    run = function(arg)
      if arg == "" then return report_error(":save needs a file name") end
      if not session.has_last then return report_error("nothing to save: no result yet") end
      local ok, text = pcall(saved_text, session.last)
      if not ok then return report_error("cannot save: " .. tostring(text)) end
      local done, err = term.save(arg, text)
      if not done then return report_error("cannot save: " .. tostring(err)) end
      local v = session.last
      local what = is_rowset(v) and format("%d rows", #v) or type(v)
      write(format("saved %s to %s (%s)\n", what, arg, session.format))
    end },
  history = { args = " [N]", about = "the last N entries of the history (20)",
    run = function(arg)
      local n = tonumber(arg) or 20
      local list = session.history
      for i = max(1, #list - n + 1), #list do
        write(format("%5d  %s\n", i, (list[i]:gsub("\n", "\n       "))))
      end
    end },
  trace = { about = "the traceback of the last error",
    run = function()
      write(session.trace or "no error yet", "\n")
    end },
  quit = { about = "end the session (Ctrl-D does too)",
    run = function() return true, 0, true end },
}
commands.q, commands.exit = commands.quit, commands.quit

-- Runs a : line; returns quit, code.
local function command(line)
  local name, arg = line:match("^%s*:(%S*)%s*(.-)%s*$")
  local c = commands[name]
  if not c or name == "order" then
    report_error(format("unknown command ':%s' (:help lists them)", name))
    return false
  end
  local _, code, quit = c.run(arg)
  if quit then return true, code or 0 end
  if code then return true, code end   -- os.exit in :load or :time
  return false
end

---------------------------------------------------------------------------
-- Completion

local function sorted_unique(list)
  sort(list)
  local out = {}
  for i, s in ipairs(list) do
    if s ~= list[i - 1] then out[#out + 1] = s end
  end
  return out
end

-- The names v answers to: its keys, those of its __index tables, and the
-- fields and methods quarry's objects list in their metatables.
local function members(v, methods_only)
  local names, seen = {}, {}
  local function add(k, value)
    if type(k) == "string" and not seen[k] and k:match("^[%a_][%w_]*$") then
      if methods_only and value ~= nil and type(value) ~= "function" then return end
      seen[k] = true
      names[#names + 1] = k
    end
  end
  local t, guard = v, 0
  while t ~= nil and guard < 10 do
    guard = guard + 1
    if type(t) == "table" then
      for k, value in pairs(t) do add(k, value) end
    end
    local mt = getmetatable(t)
    if type(mt) ~= "table" then break end
    if type(rawget(mt, "fields")) == "table" then
      for _, k in ipairs(rawget(mt, "fields")) do
        local ok, value = pcall(function() return v[k] end)
        add(k, ok and value or nil)
      end
    end
    if type(rawget(mt, "methods")) == "table" then
      for k, value in pairs(rawget(mt, "methods")) do add(k, value) end
    end
    local index = rawget(mt, "__index")
    t = type(index) == "table" and index or nil
  end
  return names
end

-- The value a dotted path names, without running anything but the
-- getters of quarry's own objects.
local function resolve(path)
  local v = G
  for name in path:gmatch("[^%.:]+") do
    if type(v) == "table" then
      local got = rawget(v, name)
      if got == nil then
        local ok, value = pcall(function() return v[name] end)
        got = ok and value or nil
      end
      v = got
    elseif type(v) == "userdata" then
      local mt = getmetatable(v)
      local tname = type(mt) == "table" and rawget(mt, "__name")
      if not (type(tname) == "string" and tname:match("^quarry%.")) then return nil end
      local ok, value = pcall(function() return v[name] end)
      v = ok and value or nil
    else
      return nil
    end
    if v == nil then return nil end
  end
  return v
end

local function complete_files(partial)
  local dir, base = partial:match("^(.*/)([^/]*)$")
  if not dir then dir, base = "", partial end
  local names = term.listdir(dir == "" and "." or dir)
  if not names then return {} end
  local out = {}
  for _, n in ipairs(names) do
    if n:sub(1, #base) == base and (base:sub(1, 1) == "." or n:sub(1, 1) ~= ".") then
      out[#out + 1] = dir .. n
    end
  end
  return out
end

local function with_prefix(list, prefix, decorate)
  local out = {}
  for _, s in ipairs(list) do
    if s:sub(1, #prefix) == prefix and (prefix:sub(1, 1) == "_" or s:sub(1, 2) ~= "__") then
      out[#out + 1] = decorate and decorate(s) or s
    end
  end
  return sorted_unique(out)
end

-- Where an unclosed string starts in line, or nil.
local function open_string(line)
  local i, quote_char, start = 1, nil, nil
  while i <= #line do
    local ch = line:sub(i, i)
    if quote_char then
      if ch == "\\" then i = i + 1
      elseif ch == quote_char then quote_char = nil end
    elseif ch == '"' or ch == "'" then
      quote_char, start = ch, i
    elseif line:sub(i, i + 1) == "--" then
      return nil
    end
    i = i + 1
  end
  return quote_char and start or nil
end

-- line: the text before the cursor. Returns where the replaced text
-- starts (1-based) and the candidates that replace it.
function M.complete(line)
  -- : commands and their arguments
  local cmd_at, cmd, rest = line:match("^()%s*:(%S*)(.*)$")
  if cmd_at then
    if rest == "" then
      local names = {}
      for _, c in ipairs(commands.order) do names[#names + 1] = c end
      local at = line:find(":", 1, true)
      return at + 1, with_prefix(names, cmd)
    end
    local arg_at = #line - #rest + (rest:match("^%s*()") or 1)
    local arg = line:sub(arg_at)
    if cmd == "load" or cmd == "save" then return arg_at, complete_files(arg) end
    if cmd == "format" then return arg_at, with_prefix({ "table", "csv", "json", "jsonl", "md" }, arg) end
    if cmd == "help" then
      local names = {}
      for name in pairs(load_help().names) do names[#names + 1] = name end
      return arg_at, with_prefix(names, arg)
    end
    return arg_at, {}
  end
  -- file names inside a string
  local q = open_string(line)
  if q then return q + 1, complete_files(line:sub(q + 1)) end
  -- a name, a field or a method at the end of an expression
  local expr_at = line:match("()[%w_%.:]*$")
  local expr = line:sub(expr_at)
  local path, sep, partial = expr:match("^(.*)([%.:])([%w_]*)$")
  if not path then
    local names = members(G)
    for k in pairs(M.keywords) do names[#names + 1] = k end
    return expr_at, with_prefix(names, expr)
  end
  if path == "" or path:find("[%.:][%.:]") or path:find(":") then return expr_at, {} end
  local v = resolve(path)
  if v == nil then return expr_at, {} end
  return expr_at, with_prefix(members(v, sep == ":"), partial,
                              function(s) return path .. sep .. s end)
end

---------------------------------------------------------------------------
-- The loop

-- 3,012 / 995K / 20.5M: a prompt has little room
local function compact(n)
  if n >= 1e6 then return format("%.1fM", n / 1e6) end
  if n >= 1e5 then return format("%.0fK", n / 1e3) end
  local s = tostring(tointeger(n) or n)
  return (s:reverse():gsub("(%d%d%d)(%d)", "%1,%2"):reverse())
end

local function corpus_of_c()
  local c = rawget(G, "c")
  local mt = c ~= nil and getmetatable(c)
  if type(mt) == "table" and rawget(mt, "__name") == "quarry.Corpus" then return c end
end

function M.prompt()
  local c = corpus_of_c()
  if not c then return color("1;36", "quarry") .. "> " end
  local ok, stats = pcall(c.stats, c)
  local name = c:name()
  if not ok then return color("1;36", name) .. "> " end
  return color("1;36", format("%s (%s docs, %s tokens)", name, compact(stats.docs),
                              compact(stats.tokens))) .. "> "
end

local function banner()
  local c = corpus_of_c()
  local what = c and format("c is %s", tostring(c)) or "no corpus open (quarry.open(path) opens one)"
  write(format("quarry %s (%s): %s.\n:help for help, Tab completes, Ctrl-D quits.\n",
                  quarry.version or "", _VERSION, what))
end

-- Reads one entry: a : command, or code that compiles (over as many lines
-- as it takes). Returns the text and the function (nil for a command), or
-- false when Ctrl-C dropped it, or nil at the end of input.
local function read_entry()
  local line, typed = term.read(M.prompt())
  if line == nil then return nil end
  if line == false then
    if typed:match("^%s*$") then
      session.empty_interrupts = session.empty_interrupts + 1
      if session.empty_interrupts >= 2 then
        write("(to quit, press Ctrl-D or type :quit)\n")
        session.empty_interrupts = 0
      end
    else
      session.empty_interrupts = 0
    end
    return false
  end
  session.empty_interrupts = 0
  if line:match("^%s*:") then return line, nil end
  if line:match("^%s*$") then return line, nil end
  local src = line
  while true do
    local f, err = compile(src, "=stdin")
    if f then return src, f end
    if err ~= "incomplete" then
      remember(src)
      report_error(err)
      return false
    end
    local more, _ = term.read(color("2", "...") .. " ")
    if more == nil then return nil end
    if more == false then return false end
    src = src .. "\n" .. more
  end
end

-- A script from standard input (not a terminal): no prompts, no printing
-- of values; an error ends it with status 1.
local function run_script()
  if session.script_done then return 1 end
  session.script_done = true
  local src = read_all() or ""
  src = src:gsub("^#![^\n]*", "")
  local f, err = load(src, "=stdin", "t")
  if not f then
    stderr:write("quarry: ", err, "\n")
    return 1
  end
  local ok, e = xpcall(f, on_error)
  if ok then return 0 end
  local code = term.exit_code(e)
  if code then return code end
  stderr:write("quarry: ", session.trace or tostring(e), "\n")
  return 1
end

-- The session; returns the exit status. C calls it again (with the session
-- as it was) when something escapes it, such as an interrupt that lands in
-- the REPL's own code.
function M.run()
  if not term.interactive then return run_script() end
  if not session.started then
    session.started = true
    load_history()
    term.set_completer(function(line)
      local ok, at, list = pcall(M.complete, line)
      if ok then return at, list end
      return 1, {}
    end)
    banner()
  end
  while true do
    local src, f = read_entry()
    if src == nil then
      write("\n")
      return 0
    end
    if src then
      remember(src)
      if f then
        local _, code = run(f)
        if code then return code end
      elseif src:match("^%s*:") then
        local quit, code = command(src)
        if quit then return code end
      end
    end
  end
end

-- For the tests (tests/lua/repl_test.lua), which run inside the REPL.
M.compile, M.help = compile, help
M.history_text = { escape = escape, unescape = unescape, dedupe = dedupe }
M.session = session

return M
