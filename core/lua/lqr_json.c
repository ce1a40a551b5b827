/* lqr_json.c — quarry.json.encode / decode between Lua values and JSON.
 *
 * Encoding: a table with keys 1..n and nothing else is an array (an empty
 * table is []), any other an object with its keys sorted, so output is
 * deterministic. Decoding: null becomes nil. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/lqr.h"
#include "quarry/json.h"

/* ---- decoding -------------------------------------------------------------- */

static size_t push_node(lua_State *L, const qr_json *js, size_t i, const char *s, qr_buf *tmp) {
  const qr_json_node *nd = &js->nodes[i];
  switch (nd->type) {
  case QR_JSON_NULL: lua_pushnil(L); return i + 1;
  case QR_JSON_TRUE: lua_pushboolean(L, 1); return i + 1;
  case QR_JSON_FALSE: lua_pushboolean(L, 0); return i + 1;
  case QR_JSON_NUMBER: {
    lua_pushlstring(L, s + nd->start, nd->end - nd->start);
    /* integers stay integers; anything else becomes a float */
    if (!lua_stringtonumber(L, lua_tostring(L, -1))) lua_pushnumber(L, 0);
    lua_remove(L, -2);
    return i + 1;
  }
  case QR_JSON_STRING:
    qr_buf_reset(tmp);
    if (qr_json_string(js, i, s, tmp)) luaL_error(L, "out of memory");
    lua_pushlstring(L, tmp->data ? tmp->data : "", tmp->len);
    return i + 1;
  case QR_JSON_ARRAY: {
    luaL_checkstack(L, 4, "JSON nested too deep");
    lua_createtable(L, (int)nd->size, 0);
    size_t k = i + 1;
    for (uint32_t m = 0; m < nd->size; m++) {
      k = push_node(L, js, k, s, tmp);
      lua_rawseti(L, -2, (lua_Integer)m + 1);
    }
    return k;
  }
  default: {
    luaL_checkstack(L, 4, "JSON nested too deep");
    lua_createtable(L, 0, (int)nd->size);
    size_t k = i + 1;
    for (uint32_t m = 0; m < nd->size; m++) {
      k = push_node(L, js, k, s, tmp);   /* the key */
      k = push_node(L, js, k, s, tmp);   /* the value */
      lua_rawset(L, -3);
    }
    return k;
  }
  }
}

typedef struct jwork {
  qr_json js;
  qr_buf tmp;
} jwork;

static void free_jwork(void *p) {
  jwork *w = p;
  qr_json_free(&w->js);
  qr_buf_free(&w->tmp);
  free(w);
}

void lqr_push_json(lua_State *L, const char *s, size_t n, const char *what) {
  void **guard = lqr_guard(L, free_jwork);
  jwork *w = calloc(1, sizeof *w);
  if (!w) luaL_error(L, "out of memory");
  *guard = w;
  qr_error err = {0};
  if (qr_json_parse(&w->js, s, n, &err)) luaL_error(L, "%s: bad JSON: %s", what, err.msg);
  push_node(L, &w->js, 0, s, &w->tmp);
  lua_remove(L, -2);   /* the guard; collected later */
}

/* quarry.json.decode(s) -> value (raises on malformed JSON, naming the column) */
int lqr_json_decode(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lqr_push_json(L, s, n, "json.decode");
  return 1;
}

/* ---- encoding -------------------------------------------------------------- */

/* The output goes to a qr_buf owned by a guard, not a luaL_Buffer: encoding
 * pushes keys and values freely, which a luaL_Buffer does not allow, and the
 * guard frees the buffer if anything raises. */

static void put(lua_State *L, qr_buf *b, const char *s, size_t n) {
  if (qr_buf_append(b, s, n)) luaL_error(L, "json.encode: out of memory");
}

static void encode(lua_State *L, qr_buf *b, int idx, int depth, int seen);

static int is_array(lua_State *L, int idx, lua_Integer *n) {
  *n = (lua_Integer)lua_rawlen(L, idx);
  lua_Integer count = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > *n) {
      lua_pop(L, 1);
      return 0;
    }
    count++;
  }
  return count == *n;
}

static int cmp_keys(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void encode_table(lua_State *L, qr_buf *b, int idx, int depth, int seen) {
  lua_pushvalue(L, idx);
  if (lua_rawget(L, seen) != LUA_TNIL) luaL_error(L, "json.encode: a table contains itself");
  lua_pop(L, 1);
  lua_pushvalue(L, idx);
  lua_pushboolean(L, 1);
  lua_rawset(L, seen);
  lua_Integer n;
  if (is_array(L, idx, &n)) {
    put(L, b, "[", 1);
    for (lua_Integer i = 1; i <= n; i++) {
      if (i > 1) put(L, b, ",", 1);
      lua_rawgeti(L, idx, i);
      encode(L, b, lua_gettop(L), depth + 1, seen);
      lua_pop(L, 1);
    }
    put(L, b, "]", 1);
  } else {
    /* an object: its keys (strings, or integers written as strings) sorted */
    lua_newtable(L);
    int keys = lua_gettop(L);
    lua_Integer nk = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      lua_pop(L, 1);
      int t = lua_type(L, -1);
      if (t != LUA_TSTRING && !lua_isinteger(L, -1))
        luaL_error(L, "json.encode: object keys must be strings (got a %s)", lua_typename(L, t));
      lua_pushvalue(L, -1);
      lua_rawseti(L, keys, ++nk);
    }
    const char **order = lua_newuserdatauv(L, (size_t)(nk ? nk : 1) * sizeof *order, 0);
    for (lua_Integer k = 1; k <= nk; k++) {
      lua_rawgeti(L, keys, k);
      if (lua_isinteger(L, -1)) {   /* its string form, anchored in a second slot */
        lua_pushvalue(L, -1);
        lua_tostring(L, -1);
        lua_rawseti(L, keys, nk + k);
        lua_rawgeti(L, keys, nk + k);
        lua_remove(L, -2);
      } else {
        lua_pushnil(L);
        lua_rawseti(L, keys, nk + k);
      }
      order[k - 1] = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
    qsort(order, (size_t)nk, sizeof *order, cmp_keys);
    put(L, b, "{", 1);
    for (lua_Integer k = 0; k < nk; k++) {
      if (k) put(L, b, ",", 1);
      if (qr_json_put_string(b, order[k], strlen(order[k])))
        luaL_error(L, "json.encode: out of memory");
      put(L, b, ":", 1);
      lua_getfield(L, idx, order[k]);
      if (lua_isnil(L, -1)) {   /* the key was an integer */
        lua_pop(L, 1);
        lua_rawgeti(L, idx, (lua_Integer)strtoll(order[k], NULL, 10));
      }
      encode(L, b, lua_gettop(L), depth + 1, seen);
      lua_pop(L, 1);
    }
    put(L, b, "}", 1);
    lua_pop(L, 2);   /* order, keys */
  }
  lua_pushvalue(L, idx);
  lua_pushnil(L);
  lua_rawset(L, seen);
}

static void encode(lua_State *L, qr_buf *b, int idx, int depth, int seen) {
  if (depth > 200) luaL_error(L, "json.encode: nested too deep");
  luaL_checkstack(L, 8, "json.encode: nested too deep");
  switch (lua_type(L, idx)) {
  case LUA_TNIL: put(L, b, "null", 4); break;
  case LUA_TBOOLEAN:
    if (lua_toboolean(L, idx)) put(L, b, "true", 4);
    else put(L, b, "false", 5);
    break;
  case LUA_TNUMBER: {
    char num[64];
    if (lua_isinteger(L, idx)) {
      snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, idx));
    } else {
      double d = lua_tonumber(L, idx);
      if (isnan(d) || isinf(d)) {
        put(L, b, "null", 4);
        break;
      }
      snprintf(num, sizeof num, "%.17g", d);
      if (!strpbrk(num, ".eEn")) strcat(num, ".0");
    }
    put(L, b, num, strlen(num));
    break;
  }
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    if (qr_json_put_string(b, s, n)) luaL_error(L, "json.encode: out of memory");
    break;
  }
  case LUA_TTABLE: encode_table(L, b, idx, depth, seen); break;
  default:
    luaL_error(L, "json.encode: cannot encode a %s", luaL_typename(L, idx));
  }
}

static void free_buf(void *p) {
  qr_buf_free(p);
  free(p);
}

/* quarry.json.encode(value) -> string */
int lqr_json_encode(lua_State *L) {
  luaL_checkany(L, 1);
  lua_settop(L, 1);
  lua_newtable(L);   /* 2: the tables being encoded, to catch cycles */
  void **guard = lqr_guard(L, free_buf);
  qr_buf *b = calloc(1, sizeof *b);
  if (!b) return luaL_error(L, "out of memory");
  *guard = b;
  encode(L, b, 1, 0, 2);
  lua_pushlstring(L, b->data ? b->data : "", b->len);
  return 1;
}
