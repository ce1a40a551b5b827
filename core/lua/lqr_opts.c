/* lqr_opts.c — options tables, checked the same way by every function of
 * the API.
 *
 * A misspelt option silently ignored gives a result that looks right and is
 * not (c:freq{n = 2} lists everything), so every function that takes an
 * options table first checks its keys against the names it knows, and reads
 * each value through a typed getter that refuses a wrong type or a value out
 * of range. Every message names the option and the function, in one shape:
 *   unknown option 'n' to 'freq' (known: kind, fold, top, min, type, doc)
 *   option 'top' to 'freq' must be an integer (got string)
 * The options table may be absent (nil or none): the getters then return
 * their defaults. */
#include <stdio.h>
#include <string.h>

#include "lua/lqr.h"

/* Pushes the known names as "a, b, c" (for the messages). */
static void push_names(lua_State *L, const char *const *names) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 0; names[i]; i++) {
    if (i) luaL_addstring(&b, ", ");
    luaL_addstring(&b, names[i]);
  }
  luaL_pushresult(&b);
}

/* The value's kind for a message: "string", "2.5" for a number that is not
 * the integer asked for. */
static const char *got(lua_State *L, int vidx, int want_integer) {
  if (want_integer && lua_type(L, vidx) == LUA_TNUMBER) {
    luaL_tolstring(L, vidx, NULL);   /* a copy: the value itself is not converted */
    return lua_tostring(L, -1);
  }
  return luaL_typename(L, vidx);
}

int lqr_opt_type_error(lua_State *L, int vidx, const char *fn, const char *name,
                       const char *expected) {
  vidx = lua_absindex(L, vidx);
  return luaL_error(L, "option '%s' to '%s' must be %s (got %s)", name, fn, expected,
                    got(L, vidx, strstr(expected, "integer") != NULL));
}

/* Raises unless idx holds a table, nil or nothing: a bad argument, as
 * luaL_checktype says it ("bad argument #2 to 'open' (table expected, got
 * number)"), idx being the argument's position. An options table inside
 * another is type-checked by its caller, which knows its name. */
static void check_table(lua_State *L, int idx) {
  int t = lua_type(L, idx);
  if (t != LUA_TTABLE && t != LUA_TNIL && t != LUA_TNONE) luaL_typeerror(L, idx, "table");
}

void lqr_check_options(lua_State *L, int idx, const char *fn, const char *const *names) {
  idx = lua_absindex(L, idx);
  check_table(L, idx);
  if (!lua_istable(L, idx)) return;
  luaL_checkstack(L, 4, "checking options");
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);   /* pops the value; the key stays for lua_next */
    if (lua_type(L, -1) == LUA_TSTRING) {
      const char *k = lua_tostring(L, -1);
      int known = 0;
      for (int i = 0; names[i] && !known; i++) known = strcmp(k, names[i]) == 0;
      if (known) continue;
      push_names(L, names);
      luaL_error(L, "unknown option '%s' to '%s' (known: %s)", k, fn, lua_tostring(L, -1));
    }
    /* {5} or {[true] = 1}: options have names, and a positional value is
     * most likely an argument put inside the table by mistake */
    luaL_tolstring(L, -1, NULL);
    push_names(L, names);
    luaL_error(L, "unknown option [%s] to '%s' (options are named: %s)", lua_tostring(L, -2), fn,
               lua_tostring(L, -1));
  }
}

/* Pushes the value of the option (nil when the table is absent) and
 * returns its type. */
static int get(lua_State *L, int idx, const char *name) {
  check_table(L, idx);
  if (!lua_istable(L, idx)) {
    lua_pushnil(L);
    return LUA_TNIL;
  }
  return lua_getfield(L, idx, name);
}

lua_Integer lqr_opt_integer(lua_State *L, int idx, const char *fn, const char *name,
                            lua_Integer def, lua_Integer min, lua_Integer max) {
  idx = lua_absindex(L, idx);
  if (get(L, idx, name) == LUA_TNIL) {
    lua_pop(L, 1);
    return def;
  }
  int ok = 0;
  /* 5.0 is 5 (numbers computed in Lua easily end up floats), "5" is not */
  lua_Integer v = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : 0;
  if (!ok) lqr_opt_type_error(L, -1, fn, name, "an integer");
  if (v < min) luaL_error(L, "option '%s' to '%s' must be at least %I (got %I)", name, fn, min, v);
  if (v > max) luaL_error(L, "option '%s' to '%s' must be at most %I (got %I)", name, fn, max, v);
  lua_pop(L, 1);
  return v;
}

double lqr_opt_number(lua_State *L, int idx, const char *fn, const char *name, double def,
                      double min, double max) {
  idx = lua_absindex(L, idx);
  if (get(L, idx, name) == LUA_TNIL) {
    lua_pop(L, 1);
    return def;
  }
  if (lua_type(L, -1) != LUA_TNUMBER) lqr_opt_type_error(L, -1, fn, name, "a number");
  double v = (double)lua_tonumber(L, -1);
  /* written so that nan fails both; %g: "at least 0 (got -1)", not 0.0 */
  char lim[32], val[32];
  if (!(v >= min) || !(v <= max)) {
    snprintf(lim, sizeof lim, "%.14g", v >= min ? max : min);
    snprintf(val, sizeof val, "%.14g", v);
    luaL_error(L, "option '%s' to '%s' must be at %s %s (got %s)", name, fn,
               v >= min ? "most" : "least", lim, val);
  }
  lua_pop(L, 1);
  return v;
}

int lqr_opt_boolean(lua_State *L, int idx, const char *fn, const char *name, int def) {
  idx = lua_absindex(L, idx);
  int t = get(L, idx, name);
  int v = def;
  if (t == LUA_TBOOLEAN) v = lua_toboolean(L, -1);
  else if (t != LUA_TNIL) lqr_opt_type_error(L, -1, fn, name, "a boolean");
  lua_pop(L, 1);
  return v;
}

const char *lqr_opt_string(lua_State *L, int idx, const char *fn, const char *name,
                           const char *def) {
  idx = lua_absindex(L, idx);
  int t = get(L, idx, name);
  const char *v = def;
  if (t == LUA_TSTRING) v = lua_tostring(L, -1);   /* the table keeps it alive */
  else if (t != LUA_TNIL) lqr_opt_type_error(L, -1, fn, name, "a string");
  lua_pop(L, 1);
  return v;
}

int lqr_opt_enum(lua_State *L, int idx, const char *fn, const char *name, int def,
                 const char *const *choices) {
  idx = lua_absindex(L, idx);
  int t = get(L, idx, name);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return def;
  }
  if (t == LUA_TSTRING) {
    const char *s = lua_tostring(L, -1);
    for (int i = 0; choices[i]; i++)
      if (strcmp(s, choices[i]) == 0) {
        lua_pop(L, 1);
        return i;
      }
  }
  push_names(L, choices);
  lua_pushfstring(L, "one of %s", lua_tostring(L, -1));
  if (t == LUA_TSTRING)
    return luaL_error(L, "option '%s' to '%s' must be %s (got '%s')", name, fn,
                      lua_tostring(L, -1), lua_tostring(L, -3));
  return lqr_opt_type_error(L, -3, fn, name, lua_tostring(L, -1));
}

uint32_t lqr_opt_kinds(lua_State *L, int t, const char *fn, int *entity) {
  if (entity) *entity = 0;
  lua_getfield(L, t, "kind");
  int v = lua_gettop(L);
  uint32_t mask = 0;
  if (lua_type(L, v) == LUA_TSTRING) {
    const char *k = lua_tostring(L, v);
    int kind = qr_token_kind_from_name(k);
    if (strcmp(k, "all") == 0) mask = ~0u;
    else if (entity && strcmp(k, "entity") == 0) *entity = 1;
    else if (kind) mask = 1u << kind;
    else
      luaL_error(L, "option 'kind' to '%s': bad kind '%s' (expected word, number, punct, symbol, "
                 "url, email, hashtag, mention, emoji, ellipsis, all%s)", fn, k,
                 entity ? " or entity" : "");
  } else if (lua_type(L, v) == LUA_TTABLE) {
    lua_Integer n = (lua_Integer)lua_rawlen(L, v);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, v, i);
      const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
      int kind = k ? qr_token_kind_from_name(k) : 0;
      if (!kind)
        luaL_error(L, "option 'kind' to '%s': bad kind '%s' in the list", fn,
                   k ? k : luaL_typename(L, -1));
      mask |= 1u << kind;
      lua_pop(L, 1);
    }
    if (!mask) luaL_error(L, "option 'kind' to '%s' is an empty list", fn);
  } else if (!lua_isnil(L, v)) {
    lqr_opt_type_error(L, v, fn, "kind", "a kind or a list of kinds");
  }
  lua_pop(L, 1);
  return mask;
}
