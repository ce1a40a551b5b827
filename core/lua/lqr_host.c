/* lqr_host.c — what the runner of script packs needs and a pack must never
 * reach: the budget and stop controls, the file guard, and a few file-system
 * calls (listing a folder, realpath, a temporary folder).
 *
 * They live in one table in the registry, "quarry.host", not in a module: a
 * pack's environment has no debug library and no require of C modules, so
 * nothing in it can find the table (Redis keeps its sandbox's controls out of
 * the script's reach the same way). Host Lua code takes it with
 * debug.getregistry()["quarry.host"]. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/embedded.h"
#include "lua/lqr.h"
#include "quarry/lua.h"

#define HOST_KEY "quarry.host"
#define GUARD_KEY "quarry.fileguard"

/* Every C function of the API that opens a file by name asks here first.
 * With a guard installed (a function of the path that raises to refuse), it
 * is called; without one (any run that is not a pack's), all paths pass. */
void lqr_check_read(lua_State *L, const char *path) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, GUARD_KEY) != LUA_TFUNCTION) {
    lua_pop(L, 1);
    return;
  }
  lua_pushstring(L, path);
  lua_call(L, 1, 0);
}

/* host.set_guard(f or nil) */
static int host_set_guard(lua_State *L) {
  if (!lua_isnil(L, 1)) luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_settop(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, GUARD_KEY);
  return 0;
}

/* host.set_budget(instructions): 0 = none */
static int host_set_budget(lua_State *L) {
  qr_lua_set_budget(L, (long long)luaL_checkinteger(L, 1));
  return 0;
}

/* host.budget_used() -> instructions spent of the budget */
static int host_budget_used(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)qr_lua_budget_used(L));
  return 1;
}

/* host.stopped() -> "interrupted" | "timeout" | "budget" | nil;
 * host.clear_stop() once the code that was told to stop has unwound. */
static int host_stopped(lua_State *L) {
  static const char *const why[] = {NULL, "interrupted", "timeout", "budget"};
  int s = qr_lua_stopped(L);
  if (s > 0 && s <= QR_LUA_STOP_BUDGET) lua_pushstring(L, why[s]);
  else lua_pushnil(L);
  return 1;
}

static int host_clear_stop(lua_State *L) {
  qr_lua_clear_stop(L);
  return 0;
}

/* host.run_limited(steps, memory, f, ...) -> true, f's results... | false,
 * message, reason: calls f under a budget of steps instructions and with at
 * most memory more bytes of Lua heap (0: no limit of that kind), then lifts
 * both and clears any stop, all in C: once a state must stop, any Lua
 * instruction raises, so no Lua code could clean up after it. reason is
 * "budget", "memory", "interrupted", "timeout" or "error". */
static int host_run_limited(lua_State *L) {
  lua_Integer steps = luaL_checkinteger(L, 1);
  lua_Integer memory = luaL_checkinteger(L, 2);
  luaL_checktype(L, 3, LUA_TFUNCTION);
  lqr_heap *h = lqr_heap_of(L);
  if (!h) return luaL_error(L, "not a state quarry made");
  int nargs = lua_gettop(L) - 3;
  size_t old_limit = h->limit;
  if (memory > 0) {
    size_t cap = h->used + (size_t)memory;
    if (!old_limit || cap < old_limit) h->limit = cap;
  }
  int capped = h->limit != old_limit;
  /* a budget already running (a script's --max-steps) goes on after f, less
   * what f spent; f gets no more than what is left of it */
  int outer_on = h->budget_on;
  long long outer_left = h->budget, outer_total = h->budget_total;
  long long inner = steps > 0 ? (long long)steps : 0;
  int by_outer = outer_on && (inner == 0 || inner > outer_left);
  if (by_outer) inner = outer_left > 0 ? outer_left : 1;
  qr_lua_set_budget(L, inner);
  int st = qr_lua_pcall(L, nargs, LUA_MULTRET);
  int why = qr_lua_stopped(L);
  long long used = qr_lua_budget_used(L);
  qr_lua_set_budget(L, 0);
  qr_lua_clear_stop(L);
  h->limit = old_limit;
  if (outer_on) {
    /* when what was left of the outer budget ran out, the stop is the
     * outer code's: f's error is a plain one, and the outer stops next */
    if (why == QR_LUA_STOP_BUDGET && by_outer) why = 0;
    h->budget_on = 1;
    h->budget = outer_left - used;
    h->budget_total = outer_total;
    if (h->budget <= 0) qr_lua_stop(L, QR_LUA_STOP_BUDGET);
    else lqr_budget_rearm(L);
  }
  if (st == LUA_OK) {
    lua_pushboolean(L, 1);
    lua_replace(L, 1);
    lua_remove(L, 2);   /* the memory argument; results follow true */
    return lua_gettop(L);
  }
  static const char *const reasons[] = {"error", "interrupted", "timeout", "budget"};
  const char *reason = why > 0 && why <= QR_LUA_STOP_BUDGET ? reasons[why]
                     : st == LUA_ERRMEM && capped ? "memory" : "error";
  luaL_pushfail(L);
  lua_insert(L, -2);   /* false, message */
  lua_pushstring(L, reason);
  return 3;
}

/* host.memory_limit([bytes]) -> the limit before (0 = none); sets it when
 * given. */
static int host_memory_limit(lua_State *L) {
  lqr_heap *h = lqr_heap_of(L);
  if (!h) return luaL_error(L, "not a state quarry made");
  lua_pushinteger(L, (lua_Integer)h->limit);
  if (!lua_isnoneornil(L, 1)) {
    lua_Integer n = luaL_checkinteger(L, 1);
    h->limit = n > 0 ? (size_t)n : 0;
  }
  return 1;
}

/* host.memory() -> bytes of Lua heap in use */
static int host_memory(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)qr_lua_memory(L, NULL));
  return 1;
}

/* The failure of a call on path: nil and "path: the system's reason". */
static int path_failure(lua_State *L, const char *path) {
  int e = errno;
  luaL_pushfail(L);
  lua_pushfstring(L, "%s: %s", path, strerror(e));
  return 2;
}

static const char *type_name(mode_t m) {
  if (S_ISREG(m)) return "file";
  if (S_ISDIR(m)) return "directory";
  if (S_ISLNK(m)) return "link";
  return "other";
}

/* host.kind(path) -> "file" | "directory" | "link" | "other", or nil and a
 * message (lstat: a link is not followed). */
static int host_kind(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  struct stat st;
  if (lstat(path, &st) != 0) return path_failure(L, path);
  lua_pushstring(L, type_name(st.st_mode));
  return 1;
}

static void close_dir(void *d) { closedir(d); }

/* host.list(dir) -> sorted list of {name = ..., kind = ...} (no . and ..),
 * or nil and a message. */
static int host_list(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  DIR *d = opendir(path);
  if (!d) return path_failure(L, path);
  /* the DIR must be closed if a push below raises: keep it in a guard */
  void **slot = lqr_guard(L, close_dir);
  *slot = d;
  lua_newtable(L);
  lua_Integer n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    lua_createtable(L, 0, 2);
    lua_pushstring(L, e->d_name);
    lua_setfield(L, -2, "name");
    lua_pushfstring(L, "%s/%s", path, e->d_name);
    struct stat st;
    lua_pushstring(L, lstat(lua_tostring(L, -1), &st) == 0 ? type_name(st.st_mode) : "other");
    lua_setfield(L, -3, "kind");
    lua_pop(L, 1);
    lua_rawseti(L, -2, ++n);
  }
  *slot = NULL;
  closedir(d);
  /* sorted by name, so listings are the same on every machine */
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "sort");
  lua_pushvalue(L, -3);
  luaL_loadstring(L, "local a, b = ... return a.name < b.name");
  lua_call(L, 2, 0);
  lua_pop(L, 1);
  return 1;
}

/* host.realpath(path) -> the absolute path with no link, . or .., or nil
 * and a message */
static int host_realpath(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char buf[PATH_MAX];
  if (!realpath(path, buf)) return path_failure(L, path);
  lua_pushstring(L, buf);
  return 1;
}

/* host.mkdtemp(prefix) -> a new folder prefixXXXXXX (mode 0700), or nil
 * and a message */
static int host_mkdtemp(lua_State *L) {
  const char *prefix = luaL_checkstring(L, 1);
  luaL_Buffer b;
  char *p = luaL_buffinitsize(L, &b, strlen(prefix) + 7);
  memcpy(p, prefix, strlen(prefix));
  memcpy(p + strlen(prefix), "XXXXXX", 7);
  if (!mkdtemp(p)) {
    luaL_pushfail(L);
    lua_pushfstring(L, "cannot make a folder %sXXXXXX: %s", prefix, strerror(errno));
    return 2;
  }
  lua_pushstring(L, p);
  return 1;
}

/* host.mkdir(path [, mode]) -> true, or nil and a message (an existing
 * folder is fine) */
static int host_mkdir(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  mode_t mode = (mode_t)luaL_optinteger(L, 2, 0777);
  struct stat st;
  if (mkdir(path, mode) != 0 && !(errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
    luaL_pushfail(L);
    lua_pushfstring(L, "cannot make the folder %s: %s", path, strerror(errno));
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* host.rename_new(from, to) -> true, or nil and a message: renames only when
 * `to` does not exist (renameat2 RENAME_NOREPLACE would be exact; a folder
 * rename onto an existing non-empty folder fails anyway, and we check first
 * for an empty one). */
static int host_rename_new(lua_State *L) {
  const char *from = luaL_checkstring(L, 1), *to = luaL_checkstring(L, 2);
  struct stat st;
  if (lstat(to, &st) == 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s already exists", to);
    return 2;
  }
  if (rename(from, to) != 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "cannot rename %s to %s: %s", from, to, strerror(errno));
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* host.seal_strings(safe): strings index `safe` for their methods from now
 * on, and getmetatable("") is false, so a pack can neither reach the real
 * string table (string.dump) through ("").dump nor change the methods host
 * code calls. */
static int host_seal_strings(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushliteral(L, "");
  if (!lua_getmetatable(L, -1)) return luaL_error(L, "strings have no metatable");
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  return 0;
}

/* host.embedded(prefix) -> sorted list of the names of the files compiled
 * into the binary that start with prefix ("scripts/packs/") */
static int host_embedded(lua_State *L) {
  size_t n;
  const char *prefix = luaL_checklstring(L, 1, &n);
  lua_newtable(L);
  lua_Integer k = 0;
  for (const qr_embedded_file *f = qr_embedded_files; f->name; f++)
    if (strncmp(f->name, prefix, n) == 0) {
      lua_pushstring(L, f->name);
      lua_rawseti(L, -2, ++k);
    }
  return 1;
}

static const luaL_Reg host_funcs[] = {
  {"embedded", host_embedded},
  {"set_guard", host_set_guard},
  {"set_budget", host_set_budget},
  {"budget_used", host_budget_used},
  {"stopped", host_stopped},
  {"clear_stop", host_clear_stop},
  {"run_limited", host_run_limited},
  {"memory_limit", host_memory_limit},
  {"memory", host_memory},
  {"kind", host_kind},
  {"list", host_list},
  {"realpath", host_realpath},
  {"mkdtemp", host_mkdtemp},
  {"mkdir", host_mkdir},
  {"rename_new", host_rename_new},
  {"seal_strings", host_seal_strings},
  {NULL, NULL}
};

void lqr_open_host(lua_State *L) {
  luaL_newlib(L, host_funcs);
  lua_setfield(L, LUA_REGISTRYINDEX, HOST_KEY);
}
