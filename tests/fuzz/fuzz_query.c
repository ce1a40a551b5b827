/* fuzz_query.c — fuzz target: the query language, from the text of a query
 * to its matches. The input is a query; it goes through the LPeg parser
 * (scripts/quarry/cqp.lua), the compiler (quarry.core.compile: PCRE2 on the
 * lexicon, the builder, repetitions written out) and the search (the index,
 * the fixed-run path and the Pike VM), on the sample corpus with its
 * gazetteer, under every matching strategy; then c:count and c:kwic; and
 * on the sample corpus with the world gazetteer, whose mentions are mostly
 * names it guessed (entities numbered apart: quarry/entities.h).
 *
 * A bad query must be a Lua error with a message, never a crash. Checked
 * besides the sanitizers (in Lua, raised as "FUZZ:" errors that abort):
 * matches come in corpus order, each inside one document and the corpus,
 * its captures inside it; the standard strategy's count is at most the
 * shortest's; count equals #matches; kwic has a row per match. */
#include <lauxlib.h>
#include <lualib.h>

#include "fuzz.h"
#include "quarry/lua.h"

/* One state for every input: opening the corpus is the slow part. */
static lua_State *state;

static void close_state(void) {
  qr_lua_close(state);
  state = NULL;
}

static const char setup[] =
    "local quarry = require 'quarry'\n"
    "local c = quarry.open('corpus/', { quiet = true,\n"
    "  gazetteer = quarry.gazetteer('corpus/gazetteer.tsv') })\n"
    "local w = quarry.open('corpus/', { quiet = true, gazetteer = '@world' })\n"
    "local ntok = c:stats().tokens\n"
    "local function check(m, cc)\n"
    "  cc = cc or c\n"
    "  local last = 0\n"
    "  for i = 1, #m do\n"
    "    local r = m[i]\n"
    "    if r.first < last or r.first > r.last or r.last > ntok then error('FUZZ: order') end\n"
    "    if cc:doc(r.doc).index ~= r.doc_index then error('FUZZ: doc') end\n"
    "    for _, cap in pairs(r.captures or {}) do\n"
    "      if cap.first < r.first or cap.last > r.last then error('FUZZ: capture') end\n"
    "    end\n"
    "    last = r.first\n"
    "  end\n"
    "end\n"
    "return function(q)\n"
    "  local ok, m = pcall(c.query, c, q)\n"
    "  if not ok then\n"
    /* a bad query's message quotes the query, whatever it holds ("FUZZ:"
     * too: the fuzzer learns the harness's strings), so only its type is
     * checked; the checks below raise outside this pcall */
    "    if type(m) ~= 'string' then error(m) end\n"
    "    return\n"
    "  end\n"
    "  check(m)\n"
    "  local short = c:query(q, { strategy = 'shortest' })\n"
    "  check(short)\n"
    "  check(c:query(q, { strategy = 'longest', limit = 50 }))\n"
    "  if #m > #short then error('FUZZ: standard > shortest') end\n"
    "  if c:count(q) ~= #m then error('FUZZ: count') end\n"
    "  if #c:kwic(q, { limit = 20 }) ~= math.min(#m, 20) then error('FUZZ: kwic') end\n"
    "  local mw = w:query(q)\n"
    "  check(mw, w)\n"
    "  if w:count(q) ~= #mw then error('FUZZ: count (world)') end\n"
    "end\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!state) {
    state = qr_lua_newstate(NULL);
    FUZZ_CHECK(state != NULL);
    atexit(close_state);
    FUZZ_CHECK(luaL_loadbuffer(state, setup, sizeof setup - 1, "=fuzz_query") == LUA_OK);
    if (lua_pcall(state, 0, 1, 0) != LUA_OK) {
      fprintf(stderr, "fuzz_query: %s\n", lua_tostring(state, -1));
      abort();
    }
    lua_setfield(state, LUA_REGISTRYINDEX, "fuzz_query");
  }
  char *q = fuzz_copy(data, size);
  lua_getfield(state, LUA_REGISTRYINDEX, "fuzz_query");
  lua_pushlstring(state, q, size);
  free(q);
  if (lua_pcall(state, 1, 0, 0) != LUA_OK) {
    fprintf(stderr, "fuzz_query: %s\n", lua_tostring(state, -1));
    abort();
  }
  lua_gc(state, LUA_GCCOLLECT);
  return 0;
}
