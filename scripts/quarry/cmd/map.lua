-- quarry map — the mapper of a map/reduce script (docs/scale.md): JSON
-- Lines documents on standard input, KEY<TAB>PARTIAL lines on standard
-- output, the partials of a key combined with the script's merge once per
-- batch. Run by `quarry map SCRIPT [--gazetteer G] [--param K=V]...`, with
-- the script, the gazetteer ("" for none) and the parameters as arguments.
local script, gazetteer = ...
local mapreduce = require "quarry.mapreduce"

-- records per batch (tests make it small, to cross batches with few lines)
mapreduce.batch_records = math.tointeger(tonumber(os.getenv("QUARRY_MAP_BATCH") or "")) or
                          mapreduce.batch_records
local r = mapreduce.command(script, { select(3, ...) })
local g = gazetteer ~= "" and quarry.gazetteer(gazetteer) or nil
local write = mapreduce.output()

mapreduce.each_batch(io.stdin, "stdin", g, function(corpus)
  local partials, emit = mapreduce.combiner(r)
  local map = r.map
  for doc in corpus:docs() do map(doc, emit) end
  mapreduce.write_partials(partials, write)
end)
