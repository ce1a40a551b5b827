/* fuzz_luapat.c — fuzz target: quarry's string.find, match, gmatch and gsub
 * (core/lua/lqr_strlib.c on core/base/luapat.c) against Lua 5.4's own.
 *
 * The input is a call: byte 0 picks the function and the replacement,
 * byte 1 the init (-8 to 7, or none), bytes 2 and 3 the lengths of the
 * subject and of the replacement string, then the subject, the
 * replacement, and the pattern (the rest). The call runs first in a quarry
 * state with a small instruction budget (300,000 steps), so that a pattern
 * that backtracks for ever ends; when it ends within the budget, it runs in
 * a plain Lua state too, and the two must give the same values and the same
 * messages.
 * A difference aborts, with both printed. */
#include <lauxlib.h>
#include <lualib.h>

#include "fuzz.h"
#include "quarry/lua.h"

static lua_State *ours, *orig;

static void close_states(void) {
  qr_lua_close(ours);
  lua_close(orig);
  ours = orig = NULL;
}

/* run(fn, s, p, init, r): everything the call gives, as one string. */
static const char driver[] =
    "local function ser(ok, ...)\n"
    "  local t = { tostring(ok) }\n"
    "  for i = 1, select('#', ...) do\n"
    "    local v = select(i, ...)\n"
    "    t[#t + 1] = (math.type(v) or type(v)) .. ':' .. tostring(v)\n"
    "  end\n"
    "  return table.concat(t, '|')\n"
    "end\n"
    "local repls = {\n"
    "  function(...) return table.concat({ ... }, ',') end,\n"
    "  function(a) if #a % 3 == 0 then return false end return a .. a end,\n"
    "  { a = 'A', b = 1, ab = false, [''] = '-' },\n"
    "}\n"
    "return function(fn, s, p, init, r)\n"
    "  if fn == 'gmatch' then\n"
    "    local out = {}\n"
    "    local ok, err = pcall(function()\n"
    "      local it = string.gmatch(s, p, init)\n"
    "      for _ = 1, 40 do\n"
    "        local v = table.pack(it())\n"
    "        if v.n == 0 then break end\n"
    "        out[#out + 1] = ser(true, table.unpack(v, 1, v.n))\n"
    "      end\n"
    "    end)\n"
    "    return table.concat(out, ';') .. (ok and '' or '!' .. err)\n"
    "  end\n"
    "  if type(r) == 'number' then r = repls[r] end\n"
    "  if fn == 'plain' then return ser(pcall(string.find, s, p, init, true)) end\n"
    "  if fn == 'gsub' then return ser(pcall(string.gsub, s, p, r, init)) end\n"
    "  return ser(pcall(string[fn], s, p, init))\n"
    "end\n";

static void setup(lua_State *L) {
  FUZZ_CHECK(L != NULL);
  FUZZ_CHECK(luaL_loadbuffer(L, driver, sizeof driver - 1, "=fuzz_luapat") == LUA_OK);
  FUZZ_CHECK(lua_pcall(L, 0, 1, 0) == LUA_OK);
  lua_setfield(L, LUA_REGISTRYINDEX, "fuzz_luapat");
}

/* Runs the call in L; returns the result string (on L's stack). */
static const char *run(lua_State *L, const char *fn, const char *s, size_t ls, const char *p,
                       size_t lp, int init, const char *r, size_t lr, int repl_no) {
  lua_getfield(L, LUA_REGISTRYINDEX, "fuzz_luapat");
  lua_pushstring(L, fn);
  lua_pushlstring(L, s, ls);
  lua_pushlstring(L, p, lp);
  if (init == 8) lua_pushnil(L);
  else lua_pushinteger(L, init);
  if (repl_no) lua_pushinteger(L, repl_no);
  else lua_pushlstring(L, r, lr);
  if (lua_pcall(L, 5, 1, 0) != LUA_OK) return NULL;   /* the budget's stop */
  return lua_tostring(L, -1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ours) {
    ours = qr_lua_newstate(NULL);
    orig = luaL_newstate();
    FUZZ_CHECK(orig != NULL);
    luaL_openlibs(orig);
    setup(ours);
    setup(orig);
    atexit(close_states);
  }
  if (size < 4) return 0;
  static const char *const fns[] = {"find", "match", "gmatch", "gsub", "plain"};
  const char *fn = fns[data[0] % 5];
  int repl_no = data[0] / 5 % 4;   /* 0: the replacement string */
  int init = (int)(data[1] % 17) - 8;   /* 8: none */
  char *in = fuzz_copy(data + 4, size - 4);
  size_t rest = size - 4;
  size_t ls = data[2] <= rest ? data[2] : rest;
  size_t lr = data[3] <= rest - ls ? data[3] : rest - ls;
  const char *s = in, *r = in + ls, *p = in + ls + lr;
  size_t lp = rest - ls - lr;

  qr_lua_set_budget(ours, 300000);
  int top = lua_gettop(ours);
  const char *a = run(ours, fn, s, ls, p, lp, init, r, lr, repl_no);
  if (a) {   /* within the budget: Lua's own must agree */
    int top2 = lua_gettop(orig);
    const char *b = run(orig, fn, s, ls, p, lp, init, r, lr, repl_no);
    if (!b || strcmp(a, b) != 0) {
      fprintf(stderr, "fuzz_luapat: %s differs\n  quarry: %s\n  lua:    %s\n", fn, a,
              b ? b : "(error)");
      abort();
    }
    lua_settop(orig, top2);
  } else {
    FUZZ_CHECK(qr_lua_stopped(ours) == QR_LUA_STOP_BUDGET);
  }
  lua_settop(ours, top);
  qr_lua_clear_stop(ours);
  qr_lua_set_budget(ours, 0);
  free(in);
  return 0;
}
