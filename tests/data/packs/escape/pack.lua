-- A pack whose every report tries to escape the sandbox: tests/lua/sandbox_test.lua
-- runs each and checks the message it is stopped with.
name = "escape"
version = "1.0.0"
description = "Escape attempts, one per report"
license = "MIT"
authors = { "quarry developers" }
api = 1
reports = {
  read_passwd = { file = "reports/read_passwd.lua", description = "reads /etc/passwd with io.open" },
  lines_passwd = { file = "reports/lines_passwd.lua", description = "reads /etc/passwd with io.lines" },
  open_passwd = { file = "reports/open_passwd.lua", description = "opens /etc/passwd as a corpus" },
  open_etc = { file = "reports/open_etc.lua", description = "opens /etc as a corpus, by a relative path out of the corpus" },
  gazetteer_passwd = { file = "reports/gazetteer_passwd.lua", description = "loads /etc/passwd as a gazetteer" },
  gazetteer_load = { file = "reports/gazetteer_load.lua", description = "loads /etc/passwd into a gazetteer by its method" },
  abbreviations = { file = "reports/abbreviations.lua", description = "loads /etc/passwd as abbreviations" },
  corpus_gazetteer = { file = "reports/corpus_gazetteer.lua", description = "opens the corpus with /etc/passwd as its gazetteer" },
  write_file = { file = "reports/write_file.lua", description = "writes a file" },
  remove_file = { file = "reports/remove_file.lua", description = "removes a file" },
  execute = { file = "reports/execute.lua", description = "runs a program with os.execute" },
  popen = { file = "reports/popen.lua", description = "runs a program with io.popen" },
  getenv = { file = "reports/getenv.lua", description = "reads the environment" },
  require_c = { file = "reports/require_c.lua", description = "requires a C module" },
  require_lpeg = { file = "reports/require_lpeg.lua", description = "requires LPeg" },
  require_io = { file = "reports/require_io.lua", description = "requires the io library by name" },
  package_loaded = { file = "reports/package_loaded.lua", description = "reaches the real globals through package.loaded" },
  debug_upvalue = { file = "reports/debug_upvalue.lua", description = "reaches an upvalue of a quarry function through debug" },
  debug_registry = { file = "reports/debug_registry.lua", description = "reaches the registry through debug" },
  string_meta = { file = "reports/string_meta.lua", description = "reaches the real string table through the string metatable" },
  string_dump_method = { file = "reports/string_dump_method.lua", description = "finds string.dump as a method of strings" },
  string_dump = { file = "reports/string_dump.lua", description = "dumps a function to bytecode" },
  load_bytecode = { file = "reports/load_bytecode.lua", description = "loads a binary chunk" },
  load_mode_b = { file = "reports/load_mode_b.lua", description = "loads with mode b" },
  load_env = { file = "reports/load_env.lua", description = "loads a chunk that reaches for debug" },
  corpus_methods = { file = "reports/corpus_methods.lua", description = "changes the corpus's methods shared with quarry's own code" },
  gc_stop = { file = "reports/gc_stop.lua", description = "stops the garbage collector" },
  endless = { file = "reports/endless.lua", description = "loops for ever" },
  endless_pcall = { file = "reports/endless_pcall.lua", description = "loops for ever, catching the budget error" },
  endless_coroutine = { file = "reports/endless_coroutine.lua", description = "loops for ever inside a coroutine" },
  big_string = { file = "reports/big_string.lua", description = "makes a 10 GB string" },
  big_string_1g = { file = "reports/big_string_1g.lua", description = "makes a 1 GB string" },
  big_table = { file = "reports/big_table.lua", description = "grows a table without end" },
  big_concat = { file = "reports/big_concat.lua", description = "doubles a string without end" },
  deep_recursion = { file = "reports/deep_recursion.lua", description = "recurses without end" },
  c_recursion = { file = "reports/c_recursion.lua", description = "recurses through a metamethod (the C stack)" },
  find_backtrack = { file = "reports/find_backtrack.lua", description = "backtracks for ever inside one string.find" },
  gsub_backtrack = { file = "reports/gsub_backtrack.lua", description = "backtracks for ever inside one gsub" },
}
