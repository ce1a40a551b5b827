/* lqr_state.c — creating the Lua state quarry runs scripts in.
 *
 * The allocator counts the heap and refuses to grow it past a limit, so a
 * script that eats memory gets Lua's "not enough memory" error (which it can
 * neither loop past nor crash on) instead of taking the machine down. */
#include <lualib.h>
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"
#include "lua/lqr.h"
#include "quarry/lua.h"

int luaopen_lpeg(lua_State *L);   /* from the static LPeg library */

typedef lqr_heap heap;

static void *heap_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  heap *h = ud;
  size_t old = ptr ? osize : 0;   /* with ptr NULL, osize is a type tag */
  if (nsize == 0) {
    free(ptr);
    h->used -= old;
    return NULL;
  }
  if (h->limit && nsize > old && h->used - old + nsize > h->limit) return NULL;
  void *p = realloc(ptr, nsize);
  if (!p) return NULL;
  h->used = h->used - old + nsize;
  if (h->used > h->peak) h->peak = h->used;
  return p;
}

lqr_heap *lqr_heap_of(lua_State *L) {
  void *ud;
  return lua_getallocf(L, &ud) == heap_alloc ? ud : NULL;
}

size_t qr_lua_memory(lua_State *L, size_t *peak) {
  heap *h = lqr_heap_of(L);
  if (!h) {   /* a state quarry did not make */
    if (peak) *peak = 0;
    return 0;
  }
  if (peak) *peak = h->peak;
  return h->used;
}

#define EXIT_REQUEST "quarry.ExitRequest"

/* os.exit([code]) in a script: true or none is 0, false is 1. */
static int script_exit(lua_State *L) {
  int code;
  if (lua_isnoneornil(L, 1) || lua_isboolean(L, 1)) code = lua_isnone(L, 1) || lua_toboolean(L, 1) ? 0 : 1;
  else code = (int)luaL_checkinteger(L, 1);
  int *box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = code;
  luaL_setmetatable(L, EXIT_REQUEST);
  return lua_error(L);
}

void qr_lua_trap_exit(lua_State *L) {
  luaL_newmetatable(L, EXIT_REQUEST);
  lua_pop(L, 1);
  lua_getglobal(L, "os");
  if (lua_istable(L, -1)) {
    lua_pushcfunction(L, script_exit);
    lua_setfield(L, -2, "exit");
  }
  lua_pop(L, 1);
}

int qr_lua_exit_code(lua_State *L, int idx, int *code) {
  const int *box = luaL_testudata(L, idx, EXIT_REQUEST);
  if (!box) return 0;
  *code = *box;
  return 1;
}

int qr_lua_traceback(lua_State *L) {
  int code;
  if (qr_lua_exit_code(L, 1, &code)) return 1;   /* not an error: no traceback */
  const char *msg = lua_tostring(L, 1);
  if (msg && strstr(msg, "\nstack traceback:")) return 1;   /* rethrown: it has one */
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

int qr_lua_pcall(lua_State *L, int nargs, int nresults) {
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, qr_lua_traceback);
  lua_insert(L, base);
  int st = lua_pcall(L, nargs, nresults, base);
  lua_remove(L, base);
  return st;
}

int qr_lua_load_embedded(lua_State *L, const char *name) {
  const qr_embedded_file *f = qr_embedded_find(name);
  if (!f) return LUA_ERRFILE;
  /* the chunk name is the source path, so tracebacks point into the repo */
  lua_pushfstring(L, "@%s", name);
  int st = luaL_loadbufferx(L, f->data, f->len, lua_tostring(L, -1), "t");
  lua_remove(L, -2);
  return st;
}

/* A package searcher for quarry's own Lua modules: "quarry" is
 * scripts/quarry/init.lua, "quarry.x" is scripts/quarry/x.lua. With
 * QUARRY_SCRIPTS set to a directory, files there win over the embedded ones
 * (for working on the library without rebuilding). */
static int search_embedded(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  if (strcmp(name, "quarry") != 0 && strncmp(name, "quarry.", 7) != 0) {
    lua_pushfstring(L, "no embedded module '%s'", name);
    return 1;
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "scripts/");
  for (const char *p = name; *p; p++) luaL_addchar(&b, *p == '.' ? '/' : *p);
  luaL_addstring(&b, strcmp(name, "quarry") == 0 ? "/init.lua" : ".lua");
  luaL_pushresult(&b);
  const char *path = lua_tostring(L, -1);
  const char *dev = getenv("QUARRY_SCRIPTS");
  if (dev && *dev) {
    lua_pushfstring(L, "%s/%s", dev, path + strlen("scripts/"));
    const char *file = lua_tostring(L, -1);
    if (luaL_loadfilex(L, file, "t") == LUA_OK) {
      lua_pushstring(L, file);
      return 2;
    }
    lua_pop(L, 2);   /* the error and the file name; fall back to the binary */
  }
  int st = qr_lua_load_embedded(L, path);
  if (st == LUA_ERRFILE) {
    lua_pushfstring(L, "no embedded file '%s'", path);
    return 1;
  }
  if (st != LUA_OK) return lua_error(L);
  lua_pushvalue(L, -2);   /* the path, as the loader's second argument */
  return 2;
}

/* Runs in protected mode: opens the libraries and installs the searcher. */
static int init_state(lua_State *L) {
  luaL_openlibs(L);
  lqr_open_strlib(L);
  luaL_requiref(L, "lpeg", luaopen_lpeg, 0);
  luaL_requiref(L, "quarry.core", luaopen_quarry_core, 0);
  lua_pop(L, 2);
  lqr_open_host(L);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "searchers");
  /* insert our searcher second, after package.preload */
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
  for (lua_Integer i = n; i >= 2; i--) {
    lua_rawgeti(L, -1, i);
    lua_rawseti(L, -2, i + 1);
  }
  lua_pushcfunction(L, search_embedded);
  lua_rawseti(L, -2, 2);
  lua_pop(L, 2);
  return 0;
}

lua_State *qr_lua_newstate(const qr_lua_limits *limits) {
  heap *h = calloc(1, sizeof *h);
  if (!h) return NULL;
  h->limit = limits ? limits->max_memory : 0;
  lua_State *L = lua_newstate(heap_alloc, h);
  if (!L) {
    free(h);
    return NULL;
  }
  lua_pushcfunction(L, init_state);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    qr_lua_close(L);
    return NULL;
  }
  return L;
}

void qr_lua_close(lua_State *L) {
  if (!L) return;
  void *ud;
  lua_getallocf(L, &ud);
  lua_close(L);
  free(ud);
}
