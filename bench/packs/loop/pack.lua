-- A pack for bench/packs.lua: one report that is all Lua (a loop over every
-- token), the case where the sandbox's instruction budget costs the most.
name = "loop"
version = "1.0.0"
description = "a Lua loop over every token of the corpus"
license = "MIT"
authors = { "quarry developers" }
api = 1
reports = {
  tokens = { file = "tokens.lua", description = "counts tokens longer than 3 bytes, in Lua" },
}
