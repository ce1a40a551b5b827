/* lqr_budget.c — stopping a running state: the instruction budget of a
 * sandboxed run, Ctrl-C and --timeout.
 *
 * All three end in one count hook that raises an error inside Lua, where the
 * code unwinds cleanly (lua.c's way with Ctrl-C). The hook is sticky: once a
 * state must stop, it raises again every instruction, so a script that
 * catches the error with pcall cannot run on. Long loops in C that run inside
 * one call (the string matcher of lqr_strlib.c) ask lqr_budget_tick instead,
 * since no hook fires there. */
#include <lauxlib.h>

#include "lua/lqr.h"
#include "quarry/lua.h"

/* How many instructions pass between two checks of the budget: small enough
 * that a stop comes within microseconds, large enough to cost nothing. */
#define HOOK_EVERY 1000

/* Raises the error of why the state stops, at the position of the Lua
 * function at level (0 in a hook: the function it interrupted; 1 in a C
 * function: its caller). */
static void arm(lua_State *L, const lqr_heap *h);

static int stop_error(lua_State *L, lqr_heap *h, int level) {
  int why = h->stop;
  if (h->once) {   /* a REPL's Ctrl-C: this error, then the session goes on */
    h->stop = 0;
    h->once = 0;
    arm(L, h);
  }
  luaL_where(L, level);
  switch (why) {
  case QR_LUA_STOP_TIMEOUT: lua_pushliteral(L, "timed out (--timeout)"); break;
  case QR_LUA_STOP_BUDGET:
    lua_pushfstring(L, "stopped: the instruction budget of %I is spent (--max-steps changes it)",
                    (lua_Integer)h->budget_total);
    break;
  default: lua_pushliteral(L, "interrupted"); break;
  }
  lua_concat(L, 2);
  return lua_error(L);
}

static void budget_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lqr_heap *h = lqr_heap_of(L);
  if (!h) return;
  if (!h->stop && h->budget_on) {
    h->budget -= HOOK_EVERY;
    if (h->budget <= 0) qr_lua_stop(L, QR_LUA_STOP_BUDGET);
  }
  if (h->stop) stop_error(L, h, 0);
}

/* A state that must stop raises at its next Lua instruction: a count hook of
 * 1, not a call hook, so that C code (the traceback handler, the runner's
 * cleanup in lqr_host.c) runs to its end while the Lua code unwinds. */
#define STOP_MASK LUA_MASKCOUNT

static void arm(lua_State *L, const lqr_heap *h) {
  if (h->stop) lua_sethook(L, budget_hook, STOP_MASK, 1);
  else if (h->budget_on) lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
  else lua_sethook(L, NULL, 0, 0);
}

void qr_lua_set_budget(lua_State *L, long long instructions) {
  lqr_heap *h = lqr_heap_of(L);
  if (!h) return;
  h->budget_on = instructions > 0;
  h->budget = h->budget_total = instructions > 0 ? instructions : 0;
  arm(L, h);
}

long long qr_lua_budget_used(lua_State *L) {
  const lqr_heap *h = lqr_heap_of(L);
  if (!h || !h->budget_on) return 0;
  long long used = h->budget_total - h->budget;
  return used > h->budget_total ? h->budget_total : used;
}

/* Called from signal handlers: only a store and lua_sethook, which the
 * manual says is safe there. */
void qr_lua_stop(lua_State *L, int why) {
  lqr_heap *h = lqr_heap_of(L);
  if (!h) return;
  if (!h->stop) h->stop = why;
  lua_sethook(L, budget_hook, STOP_MASK, 1);
}

void qr_lua_interrupt_once(lua_State *L) {
  lqr_heap *h = lqr_heap_of(L);
  if (!h) return;
  if (!h->stop) {
    h->once = 1;
    h->stop = QR_LUA_STOP_INTERRUPT;
  }
  lua_sethook(L, budget_hook, STOP_MASK, 1);
}

int qr_lua_stopped(lua_State *L) {
  const lqr_heap *h = lqr_heap_of(L);
  return h ? h->stop : 0;
}

void qr_lua_clear_stop(lua_State *L) {
  lqr_heap *h = lqr_heap_of(L);
  if (!h) return;
  h->stop = 0;
  h->once = 0;
  if (h->budget_on && h->budget <= 0) h->budget_on = 0;   /* spent: the run is over */
  arm(L, h);
}

void lqr_budget_rearm(lua_State *L) {
  const lqr_heap *h = lqr_heap_of(L);
  if (h) arm(L, h);
}

int lqr_budget_tick(lua_State *L, long long steps) {
  lqr_heap *h = lqr_heap_of(L);
  if (!h) return 0;
  if (!h->stop && h->budget_on) {
    h->budget -= steps;
    if (h->budget <= 0) qr_lua_stop(L, QR_LUA_STOP_BUDGET);
  }
  return h->stop != 0;
}

int lqr_budget_raise(lua_State *L) {
  lqr_heap *h = lqr_heap_of(L);
  if (!h || !h->stop) return luaL_error(L, "interrupted");
  return stop_error(L, h, 1);
}
