/* bench_strlib.c — speed of quarry's string.find, match, gmatch and gsub
 * (the budgeted matcher, core/lua/lqr_strlib.c) against Lua 5.4's own on
 * the same text: bench/strlib.lua runs in a plain Lua state and in a quarry
 * state, and each call's two times and their ratio are printed; then the
 * same in a plain state given quarry's four functions (lqr_open_strlib),
 * which sets the matcher apart from what else differs between the states
 * (quarry's counting allocator, a larger heap for the collector to walk).
 *
 *   build/release/bench/bench_strlib [TEXT [MB]]
 *
 * TEXT defaults to build/bench/books.txt (bench/run unpacks it), of which
 * the first MB megabytes (default 4) are used. Run from the top of the
 * repository. */
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/lqr.h"
#include "quarry/lua.h"

/* Runs bench/strlib.lua on text in L; leaves its rows on the stack. */
static int run(lua_State *L, const char *text, size_t n) {
  if (luaL_loadfile(L, "bench/strlib.lua") != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
    fprintf(stderr, "bench_strlib: %s\n", lua_tostring(L, -1));
    return 0;
  }
  lua_pushlstring(L, text, n);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    fprintf(stderr, "bench_strlib: %s\n", lua_tostring(L, -1));
    return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "build/bench/books.txt";
  double mb = argc > 2 ? atof(argv[2]) : 4;
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 1;
  }
  size_t want = (size_t)(mb * 1e6);
  char *text = malloc(want + 1);
  size_t n = text ? fread(text, 1, want, f) : 0;
  fclose(f);
  lua_State *orig = luaL_newstate();
  lua_State *ours = qr_lua_newstate(NULL);
  lua_State *plain = luaL_newstate();
  if (!text || !orig || !ours || !plain) return 1;
  luaL_openlibs(orig);
  luaL_openlibs(plain);
  lqr_open_strlib(plain);
  if (!run(orig, text, n) || !run(ours, text, n) || !run(plain, text, n)) return 1;
  printf("%-40s %9s %9s %6s %9s %6s\n", "call", "lua ms", "quarry", "ratio",
         "plain+ours", "ratio");
  double sum_lua = 0, sum_ours = 0, sum_plain = 0;
  int rows = (int)lua_rawlen(orig, -1), bad = 0;
  for (int i = 1; i <= rows; i++) {
    lua_rawgeti(orig, -1, i);
    lua_rawgeti(ours, -1, i);
    lua_rawgeti(orig, -1, 1);
    lua_rawgeti(orig, -2, 2);
    lua_rawgeti(orig, -3, 3);
    lua_rawgeti(ours, -1, 2);
    lua_rawgeti(ours, -2, 3);
    lua_rawgeti(plain, -1, i);
    lua_rawgeti(plain, -1, 2);
    double a = lua_tonumber(orig, -2), b = lua_tonumber(ours, -2), c = lua_tonumber(plain, -1);
    int same = lua_tointeger(orig, -1) == lua_tointeger(ours, -1);
    printf("%-40s %9.1f %9.1f %5.2fx %9.1f %5.2fx%s\n", lua_tostring(orig, -3), a, b,
           a > 0 ? b / a : 0, c, a > 0 ? c / a : 0, same ? "" : "   RESULTS DIFFER");
    bad += !same;
    sum_lua += a;
    sum_ours += b;
    sum_plain += c;
    lua_pop(orig, 4);
    lua_pop(ours, 3);
    lua_pop(plain, 2);
  }
  printf("%-40s %9.1f %9.1f %5.2fx %9.1f %5.2fx\n", "all", sum_lua, sum_ours,
         sum_ours / sum_lua, sum_plain, sum_plain / sum_lua);
  lua_close(orig);
  lua_close(plain);
  qr_lua_close(ours);
  free(text);
  return bad ? 1 : 0;
}
