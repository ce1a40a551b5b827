/* lqr_module.c — luaopen_quarry_core: the C module behind require "quarry".
 *
 * The friendly API (scripts/quarry/init.lua) is written in Lua on top of
 * these primitives. */
#include <stdlib.h>
#include <time.h>

#include "base/embedded.h"
#include "lua/lqr.h"
#include "quarry/gazetteer.h"
#include "quarry/lua.h"

typedef struct guard {
  void *p;   /* first, so that the userdata's address is the slot's */
  void (*release)(void *);
} guard;

static int guard_gc(lua_State *L) {
  guard *g = lua_touserdata(L, 1);
  if (g->p) (g->release ? g->release : free)(g->p);
  g->p = NULL;
  return 0;
}

void **lqr_guard(lua_State *L, void (*release)(void *)) {
  guard *g = lua_newuserdatauv(L, sizeof *g, 0);
  g->p = NULL;
  g->release = release;
  if (luaL_newmetatable(L, "quarry.guard")) {
    lua_pushcfunction(L, guard_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return &g->p;
}

/* quarry.core.embedded(name) -> the text of a file compiled into the binary
 * (docs/lua-api.md, scripts/...), or nil. */
static int core_embedded(lua_State *L) {
  const qr_embedded_file *f = qr_embedded_find(luaL_checkstring(L, 1));
  if (!f) {
    luaL_pushfail(L);
    return 1;
  }
  lua_pushlstring(L, f->data, f->len);
  return 1;
}

/* quarry.core.memory() -> bytes of Lua heap in use, and the peak */
static int core_memory(lua_State *L) {
  size_t peak;
  size_t used = qr_lua_memory(L, &peak);
  lua_pushinteger(L, (lua_Integer)used);
  lua_pushinteger(L, (lua_Integer)peak);
  return 2;
}

/* quarry.clock() -> seconds on a monotonic clock: wall time, for timing
 * work on several threads (os.clock adds up every thread's time) */
static int core_clock(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
  return 1;
}

/* quarry.core.methods(name) -> the table of Lua-written methods of the C
 * objects named name ("quarry.Document" ...): their __index looks there for
 * keys it does not know. */
static int core_methods(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  if (luaL_getmetatable(L, name) != LUA_TTABLE) return luaL_argerror(L, 1, "no such object type");
  lua_getfield(L, -1, "methods");
  if (!lua_istable(L, -1)) return luaL_argerror(L, 1, "this object type has no method table");
  return 1;
}

static const luaL_Reg core_funcs[] = {
  {"methods", core_methods},
  {"open", lqr_open},
  {"index", lqr_index},
  {"gazetteer", lqr_gazetteer_new},
  {"segmenter", lqr_segmenter_new},
  {"tokenize", lqr_tokenize},
  {"sentences", lqr_sentences},
  {"width", lqr_width},
  {"clip", lqr_clip},
  {"json_encode", lqr_json_encode},
  {"json_decode", lqr_json_decode},
  {"read_jsonl", lqr_read_jsonl},
  {"embedded", core_embedded},
  {"memory", core_memory},
  {"clock", core_clock},
  {NULL, NULL},
};

int luaopen_quarry_core(lua_State *L) {
  lqr_open_corpus(L);
  lqr_open_stats(L);
  lqr_open_elems(L);
  lqr_open_gazetteer(L);
  lqr_open_text(L);
  lqr_open_segmenter(L);
  luaL_newlib(L, core_funcs);
  lqr_open_query(L);   /* adds compile and search to the module */
  lqr_open_colloc(L);   /* corpus methods, and cooccurrences in the module */
  lua_pushliteral(L, QR_VERSION);
  lua_setfield(L, -2, "version");
  lua_pushinteger(L, QR_API_VERSION);
  lua_setfield(L, -2, "api_version");
  lua_pushinteger(L, QR_MAX_CANDIDATES);
  lua_setfield(L, -2, "max_candidates");
  lua_pushliteral(L, LQR_DOC);
  lua_setfield(L, -2, "DOCUMENT");
  lua_pushliteral(L, LQR_SENT);
  lua_setfield(L, -2, "SENTENCE");
  lua_pushliteral(L, LQR_TOKEN);
  lua_setfield(L, -2, "TOKEN");
  return 1;
}
