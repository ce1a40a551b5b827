/* test_opts.c — the options checker of the Lua binding (core/lua/lqr_opts.c):
 * each getter and lqr_check_options on one options table, through a bare
 * Lua state. Each case: a Lua expression for the options, the call, and
 * the value it must give or the message it must raise. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <string.h>

#include "lua/lqr.h"
#include "unit.h"

static const char *const names[] = {"n", "x", "s", NULL};
static const char *const choices[] = {"left1", "right1", "match", NULL};

/* what(opts): the call named by the upvalue, on the options at 1; pushes
 * what it gives, as a string */
static int call(lua_State *L) {
  const char *what = lua_tostring(L, lua_upvalueindex(1));
  if (strcmp(what, "check") == 0) {
    lqr_check_options(L, 1, "f", names);
    lua_pushliteral(L, "ok");
  } else if (strcmp(what, "integer") == 0) {
    lua_pushinteger(L, lqr_opt_integer(L, 1, "f", "n", 7, 1, 10));
  } else if (strcmp(what, "number") == 0) {
    lua_pushnumber(L, (lua_Number)lqr_opt_number(L, 1, "f", "x", 0.5, 0, 1));
  } else if (strcmp(what, "boolean") == 0) {
    lua_pushstring(L, lqr_opt_boolean(L, 1, "f", "x", 1) ? "true" : "false");
  } else if (strcmp(what, "string") == 0) {
    lua_pushstring(L, lqr_opt_string(L, 1, "f", "s", "none"));
  } else {
    lua_pushinteger(L, lqr_opt_enum(L, 1, "f", "s", -1, choices));
  }
  luaL_tolstring(L, -1, NULL);
  return 1;
}

typedef struct opt_case {
  const char *opts;   /* a Lua expression */
  const char *what;
  const char *want;   /* the result, or the message ("!" + its text, "~" + its start) */
} opt_case;

static const opt_case cases[] = {
  {"nil", "check", "ok"},
  {"{n = 1, x = 2}", "check", "ok"},
  {"{y = 1}", "check", "!unknown option 'y' to 'f' (known: n, x, s)"},
  {"{5}", "check", "!unknown option [1] to 'f' (options are named: n, x, s)"},
  {"5", "check", "!bad argument #1 to '?' (table expected, got number)"},
  {"{}", "integer", "7"},
  {"nil", "integer", "7"},
  {"{n = 3}", "integer", "3"},
  {"{n = 3.0}", "integer", "3"},
  {"{n = '3'}", "integer", "!option 'n' to 'f' must be an integer (got string)"},
  {"{n = 2.5}", "integer", "!option 'n' to 'f' must be an integer (got 2.5)"},
  {"{n = 0}", "integer", "!option 'n' to 'f' must be at least 1 (got 0)"},
  {"{n = 11}", "integer", "!option 'n' to 'f' must be at most 10 (got 11)"},
  {"{}", "number", "0.5"},
  {"{x = 1}", "number", "1.0"},
  {"{x = 'a'}", "number", "!option 'x' to 'f' must be a number (got string)"},
  {"{x = -1}", "number", "!option 'x' to 'f' must be at least 0 (got -1)"},
  {"{x = 1.5}", "number", "!option 'x' to 'f' must be at most 1 (got 1.5)"},
  {"{x = math.huge}", "number", "!option 'x' to 'f' must be at most 1 (got inf)"},
  /* nan is refused (its spelling, nan or -nan, is the C library's) */
  {"{x = 0/0}", "number", "~option 'x' to 'f' must be at least 0 (got "},
  {"{}", "boolean", "true"},
  {"{x = false}", "boolean", "false"},
  {"{x = 0}", "boolean", "!option 'x' to 'f' must be a boolean (got number)"},
  {"{}", "string", "none"},
  {"{s = 'a'}", "string", "a"},
  {"{s = 1}", "string", "!option 's' to 'f' must be a string (got number)"},
  {"{}", "enum", "-1"},
  {"{s = 'match'}", "enum", "2"},
  {"{s = 'left'}", "enum", "!option 's' to 'f' must be one of left1, right1, match (got 'left')"},
  {"{s = true}", "enum", "!option 's' to 'f' must be one of left1, right1, match (got boolean)"},
};

int main(void) {
  unit u = {0};
  lua_State *L = luaL_newstate();
  if (!L) return 1;
  luaL_openlibs(L);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const opt_case *c = &cases[i];
    unit_case(&u, "%s(%s)", c->what, c->opts);
    lua_settop(L, 0);
    lua_pushstring(L, c->what);
    lua_pushcclosure(L, call, 1);
    lua_pushfstring(L, "return %s", c->opts);
    if (luaL_dostring(L, lua_tostring(L, -1)) != LUA_OK) {
      unit_fail(&u, __FILE__, __LINE__, "bad case: %s", lua_tostring(L, -1));
      continue;
    }
    lua_remove(L, 2);   /* the chunk's text; now: call, opts */
    int st = lua_pcall(L, 1, 1, 0);
    const char *got = lua_tostring(L, -1);
    if (c->want[0] == '!') {
      CHECK(&u, st != LUA_OK);
      CHECK_STR(&u, got, c->want + 1);
    } else if (c->want[0] == '~') {
      CHECK(&u, st != LUA_OK);
      CHECK(&u, got && strncmp(got, c->want + 1, strlen(c->want + 1)) == 0);
    } else {
      CHECK(&u, st == LUA_OK);
      CHECK_STR(&u, got, c->want);
    }
  }
  lua_close(L);
  return unit_finish(&u);
}
