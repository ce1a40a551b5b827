-- quarry reduce — the reducer of a map/reduce script (docs/scale.md):
-- KEY<TAB>PARTIAL lines on standard input, sorted by key (LC_ALL=C sort),
-- the partials of each key merged with the script's merge, then finished
-- into the report's rows; or, with --partial, written again as KEY<TAB>
-- PARTIAL lines, for a next reducer. Run by `quarry reduce SCRIPT`, with
-- the script, "partial" or "", and the parameters as arguments.
local script, mode = ...
local mapreduce = require "quarry.mapreduce"

local r = mapreduce.command(script, { select(3, ...) })

if mode == "partial" then
  local write = mapreduce.output()
  mapreduce.reduce_lines(r, io.stdin, "stdin", function(key, value)
    mapreduce.write_partials({ [key] = value }, write)
  end)
else
  local add, rows = mapreduce.finisher(r)
  mapreduce.reduce_lines(r, io.stdin, "stdin", add)
  mapreduce.report(r, rows())
end
