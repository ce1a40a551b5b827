-- quarry pack list | info | install | remove | new | test, and quarry run
-- PACK[:REPORT]: the command line over scripts/quarry/pack.lua.
--
-- core/cli/cmd_run.c passes the subcommand and its words first, then the
-- options as "--name=value" words (--corpus=PATH for each corpus path,
-- --allow, --max-steps, --max-memory) and the --param words "k=v". The
-- corpus, when there is one, is the global `corpus`.
local pack = require "quarry.pack"

local words, opts, params, corpus_paths = {}, {}, {}, {}
for _, w in ipairs { ... } do
  local k, v = w:match("^%-%-([%w-]+)=(.*)$")
  if k == "corpus" then corpus_paths[#corpus_paths + 1] = v
  elseif k then opts[k:gsub("-", "_")] = v
  elseif #words >= 2 and words[1] == "run" and w:find("=") then params[#params + 1] = w
  else words[#words + 1] = w end
end

local function usage(msg)
  io.stderr:write("quarry pack: ", msg, " (see quarry pack --help)\n")
  os.exit(2)
end

local function param_text(d)
  local s = d.name .. " (" .. (d.type == "choice" and table.concat(d.choices, "|") or d.type)
  if d.default ~= nil then s = s .. ", default " .. tostring(d.default) end
  return s .. ")" .. (d.help and ": " .. d.help or "")
end

local function reports_rows(p)
  local rows = {}
  for name, r in pairs(p.manifest.reports) do
    local ps = {}
    for _, d in ipairs(r.params) do ps[#ps + 1] = param_text(d) end
    rows[#rows + 1] = { report = p.name .. ":" .. name, description = r.description,
                        params = table.concat(ps, "; ") }
  end
  table.sort(rows, function(a, b) return a.report < b.report end)
  return rows
end

local commands = {}

function commands.run()
  local spec = words[2]
  local name, rname = spec:match("^(.-):([^:/]*)$")
  if not name then name, rname = spec, "" end
  local p = pack.find(name)
  if rname == "" then
    report.table(reports_rows(p), { title = p.name .. " " .. p.version .. " — " .. p.manifest.description,
                                    columns = { "report", "description", "params" }, max_width = 70 })
    return
  end
  if not corpus then
    usage(string.format("no corpus given (usage: quarry run %s CORPUS...)", spec))
  end
  pack.run(p, rname, corpus, params, { allow = opts.allow, max_steps = opts.max_steps,
                                       max_memory = opts.max_memory, roots = corpus_paths })
end

function commands.list()
  report.table(pack.list(), { columns = { "name", "version", "where", "permissions", "reports",
                                          "description" } })
end

function commands.info()
  local p = pack.find(words[2] or usage("info needs a pack name"))
  local m = p.manifest
  local fields = {
    { field = "name", value = m.name }, { field = "version", value = m.version },
    { field = "description", value = m.description }, { field = "license", value = m.license },
    { field = "authors", value = table.concat(m.authors, ", ") },
    { field = "api", value = tostring(m.api) },
    { field = "where", value = p.where .. ": " .. (p.source.dir or p.source.builtin) },
    { field = "permissions", value = #m.permissions > 0 and table.concat(m.permissions, ", ") or "none" },
    { field = "tests", value = table.concat(m.tests, ", ") },
  }
  local data = {}
  for k, v in pairs(m.data) do data[#data + 1] = k .. " = " .. v end
  table.sort(data)
  fields[#fields + 1] = { field = "data", value = table.concat(data, ", ") }
  report.table(fields, { columns = { "field", "value" }, max_width = 80 })
  report.table(reports_rows(p), { title = "Reports", columns = { "report", "description", "params" },
                                  max_width = 70 })
end

function commands.install()
  local p = pack.install(words[2] or usage("install needs a pack folder or tarball"),
                         { allow = opts.allow })
  io.stderr:write(string.format("installed %s %s in %s\n", p.name, p.version, p.source.dir))
end

function commands.remove()
  local dir = pack.remove(words[2] or usage("remove needs a pack name"))
  io.stderr:write("removed " .. dir .. "\n")
end

commands["new"] = function()
  local dir = pack.new(words[2] or usage("new needs a pack name"), words[3])
  io.stderr:write("made " .. dir .. ": edit its pack.lua and top.lua, then quarry pack test "
    .. dir .. "\n")
end

function commands.test()
  local p = pack.find(words[2] or usage("test needs a pack name or folder"))
  local passed, failed = pack.test(p, { allow = opts.allow, max_steps = opts.max_steps,
                                        max_memory = opts.max_memory,
                                        out = function(line) print(line) end })
  if passed + failed == 0 then
    io.stderr:write("quarry pack: pack ", p.name, " has no tests (its manifest's tests list is empty)\n")
  end
  print(string.format("%d passed, %d failed", passed, failed))
  if failed > 0 or passed == 0 then os.exit(1) end
end

local sub = words[1]
local f = commands[sub]
if not f then usage("unknown subcommand '" .. tostring(sub) .. "' (list, info, install, remove, new, test)") end
f()
