/* lqr_strlib.c — string.find, string.match, string.gmatch and string.gsub
 * on quarry's own pattern matcher (core/base/luapat.c), which a budget can
 * stop.
 *
 * Lua's own matcher runs a whole backtracking search inside one C call,
 * where no hook fires: ("a"):rep(2e5):find(".-.-.-.-b") could not be
 * stopped by Ctrl-C, --timeout or a pack's instruction budget. These four
 * functions behave as Lua 5.4's do, argument for argument and message for
 * message (tests/unit/test_strlib.c runs both side by side), and their
 * matcher asks lqr_budget_tick every QR_LUAPAT_TICK steps whether the state
 * must stop. */
#include <ctype.h>
#include <lualib.h>
#include <string.h>

#include "lua/lqr.h"
#include "quarry/luapat.h"

/* The matcher's tick: charges the steps to the state's budget. */
static int tick(void *ud) { return lqr_budget_tick(ud, QR_LUAPAT_TICK); }

/* Raises the error of a match that failed for a reason, not for want of a
 * match: the budget's error for a stop, else the pattern's message. */
static int raise_stop(lua_State *L, const qr_luapat *m) {
  if (m->status == QR_LUAPAT_STOPPED) return lqr_budget_raise(L);
  char buf[64];
  return luaL_error(L, "%s", qr_luapat_message(m, buf, sizeof buf));
}

/* A 1-based, possibly negative position as a 1-based index from 1 up
 * (Lua's rule for init: 0 and positions before the start are 1). */
static size_t posrelat(lua_Integer pos, size_t len) {
  if (pos > 0) return (size_t)pos;
  if (pos == 0 || pos < -(lua_Integer)len) return 1;
  return len + (size_t)pos + 1;
}

/* Capture i of the match [s, e) as *cap and its length; a position capture
 * is pushed as an integer instead (length QR_LUAPAT_CAP_POSITION). With no
 * captures, capture 0 is the whole match. Raises as Lua does for an index
 * the pattern has not got, or a capture never closed. */
static ptrdiff_t get_capture(lua_State *L, const qr_luapat *m, int i, size_t s, size_t e,
                             const char **cap) {
  if (i >= m->level) {
    if (i != 0) luaL_error(L, "invalid capture index %%%d", i + 1);
    *cap = m->src + s;
    return (ptrdiff_t)(e - s);
  }
  ptrdiff_t len = m->capture[i].len;
  *cap = m->capture[i].init;
  if (len == QR_LUAPAT_CAP_UNFINISHED) luaL_error(L, "unfinished capture");
  else if (len == QR_LUAPAT_CAP_POSITION) lua_pushinteger(L, m->capture[i].init - m->src + 1);
  return len;
}

static void push_capture(lua_State *L, const qr_luapat *m, int i, size_t s, size_t e) {
  const char *cap;
  ptrdiff_t len = get_capture(L, m, i, s, e, &cap);
  if (len != QR_LUAPAT_CAP_POSITION) lua_pushlstring(L, cap, (size_t)len);
}

/* Pushes the captures (the whole match when whole and there are none);
 * returns how many. */
static int push_captures(lua_State *L, const qr_luapat *m, size_t s, size_t e, int whole) {
  int n = m->level == 0 && whole ? 1 : m->level;
  luaL_checkstack(L, n, "too many captures");
  for (int i = 0; i < n; i++) push_capture(L, m, i, s, e);
  return n;
}

/* find and match: the same search, two ways of giving it back. */
static int find_aux(lua_State *L, int find) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = posrelat(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) {   /* starts after the end: nothing to find */
    luaL_pushfail(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || qr_luapat_is_plain(p, lp))) {
    qr_luapat m;
    qr_luapat_init(&m, s, ls, p, lp, tick, L);
    ptrdiff_t at = qr_luapat_find_plain(&m, init);
    if (at >= 0) {
      lua_pushinteger(L, at + 1);
      lua_pushinteger(L, at + (lua_Integer)lp);
      return 2;
    }
    if (m.status) return raise_stop(L, &m);
  } else {
    int anchor = lp > 0 && *p == '^';
    if (anchor) p++, lp--;
    qr_luapat m;
    qr_luapat_init(&m, s, ls, p, lp, tick, L);
    size_t start;
    ptrdiff_t e = qr_luapat_find(&m, init, anchor, -1, &start);
    if (e >= 0) {
      if (!find) return push_captures(L, &m, start, (size_t)e, 1);
      lua_pushinteger(L, (lua_Integer)start + 1);
      lua_pushinteger(L, e);
      return push_captures(L, &m, 0, 0, 0) + 2;
    }
    if (m.status) return raise_stop(L, &m);
  }
  luaL_pushfail(L);
  return 1;
}

static int str_find(lua_State *L) { return find_aux(L, 1); }
static int str_match(lua_State *L) { return find_aux(L, 0); }

/* The iterator of gmatch: its upvalues are the subject, the pattern (which
 * keep the strings the matcher points into alive) and this state. */
typedef struct gmatch_state {
  qr_luapat m;
  size_t pos;       /* where the next search starts */
  ptrdiff_t last;   /* the end of the last match, or -1 */
} gmatch_state;

static int gmatch_next(lua_State *L) {
  gmatch_state *g = lua_touserdata(L, lua_upvalueindex(3));
  g->m.ud = L;   /* the iterator may run in another coroutine */
  size_t start;
  ptrdiff_t e = qr_luapat_find(&g->m, g->pos, 0, g->last, &start);
  if (e >= 0) {
    g->pos = (size_t)e;
    g->last = e;
    return push_captures(L, &g->m, start, (size_t)e, 1);
  }
  if (g->m.status) return raise_stop(L, &g->m);
  return 0;
}

/* gmatch(s, p [, init]): a '^' in p is a plain character, as in Lua 5.4. */
static int str_gmatch(lua_State *L) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = posrelat(luaL_optinteger(L, 3, 1), ls) - 1;
  lua_settop(L, 2);
  gmatch_state *g = lua_newuserdatauv(L, sizeof *g, 0);
  qr_luapat_init(&g->m, s, ls, p, lp, tick, L);
  g->pos = init > ls ? ls + 1 : init;   /* past the end: the search finds nothing */
  g->last = -1;
  lua_pushcclosure(L, gmatch_next, 3);
  return 1;
}

/* Appends the replacement string (argument 3) for the match [s, e), with
 * %0-%9 and %% in it. */
static void add_string(lua_State *L, luaL_Buffer *b, const qr_luapat *m, size_t s, size_t e) {
  size_t l;
  const char *r = lua_tolstring(L, 3, &l);
  const char *end = r + l, *p;
  while ((p = memchr(r, '%', (size_t)(end - r))) != NULL) {
    luaL_addlstring(b, r, (size_t)(p - r));
    p++;
    int c = p < end ? (unsigned char)*p : 0;
    if (c == '%') {
      luaL_addchar(b, '%');
    } else if (c == '0') {
      luaL_addlstring(b, m->src + s, e - s);
    } else if (isdigit(c)) {
      const char *cap;
      ptrdiff_t len = get_capture(L, m, c - '1', s, e, &cap);
      if (len == QR_LUAPAT_CAP_POSITION) luaL_addvalue(b);   /* the pushed integer */
      else luaL_addlstring(b, cap, (size_t)len);
    } else {
      luaL_error(L, "invalid use of '%c' in replacement string", '%');
    }
    r = p + 1;
  }
  luaL_addlstring(b, r, (size_t)(end - r));
}

/* Appends what replaces the match [s, e) by the kind tr of argument 3;
 * returns whether the text changed (a false or nil from a table or a
 * function keeps the match). */
static int add_value(lua_State *L, luaL_Buffer *b, const qr_luapat *m, size_t s, size_t e,
                     int tr) {
  switch (tr) {
  case LUA_TFUNCTION: {
    lua_pushvalue(L, 3);
    int n = push_captures(L, m, s, e, 1);
    lua_call(L, n, 1);
    break;
  }
  case LUA_TTABLE:
    push_capture(L, m, 0, s, e);
    lua_gettable(L, 3);
    break;
  default:
    add_string(L, b, m, s, e);
    return 1;
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, m->src + s, e - s);
    return 0;
  }
  if (!lua_isstring(L, -1))
    return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  luaL_addvalue(b);
  return 1;
}

/* gsub(s, p, repl [, n]): each search starts where the last match ended;
 * an empty match right there does not count (Lua 5.4's rule). */
static int str_gsub(lua_State *L) {
  size_t ls, lp;
  const char *src = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  int tr = lua_type(L, 3);
  lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
  luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION ||
                          tr == LUA_TTABLE, 3, "string/function/table");
  int anchor = lp > 0 && *p == '^';
  if (anchor) p++, lp--;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  qr_luapat m;
  qr_luapat_init(&m, src, ls, p, lp, tick, L);
  lua_Integer n = 0;
  int changed = 0;
  size_t pos = 0;
  ptrdiff_t last = -1;
  while (n < max) {
    size_t start;
    ptrdiff_t e = qr_luapat_find(&m, pos, anchor, last, &start);
    if (e < 0) {
      if (m.status) return raise_stop(L, &m);
      break;
    }
    luaL_addlstring(&b, src + pos, start - pos);
    n++;
    changed |= add_value(L, &b, &m, start, (size_t)e, tr);
    pos = (size_t)e;
    last = e;
    if (anchor) break;
  }
  if (!changed) {
    lua_pushvalue(L, 1);
  } else {
    luaL_addlstring(&b, src + pos, ls - pos);
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n);
  return 2;
}

static const luaL_Reg funcs[] = {
  {"find", str_find},
  {"match", str_match},
  {"gmatch", str_gmatch},
  {"gsub", str_gsub},
  {NULL, NULL},
};

void lqr_open_strlib(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  if (lua_getfield(L, -1, LUA_STRLIBNAME) == LUA_TTABLE) luaL_setfuncs(L, funcs, 0);
  lua_pop(L, 2);   /* the string table and package.loaded */
}
