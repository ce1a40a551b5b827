/* quarry/lua.h — the Lua binding: the only public header that includes lua.h.
 *
 * quarry's Lua API (docs/lua-api.md) is the C module "quarry.core" plus the
 * Lua standard library in scripts/quarry/, embedded in the binary. */
#ifndef QUARRY_LUA_H
#define QUARRY_LUA_H

#include <lua.h>

#include "quarry/base.h"

/* Limits a state enforces on the scripts it runs. */
typedef struct qr_lua_limits {
  size_t max_memory;   /* bytes of Lua heap; 0 = no limit */
} qr_lua_limits;

/* Creates a state with the standard libraries, LPeg (require "lpeg"), and a
 * searcher that finds quarry's embedded Lua modules (require "quarry",
 * "quarry.report", ...). Returns NULL when out of memory. Close it with
 * qr_lua_close, which also frees the allocator's bookkeeping. */
lua_State *qr_lua_newstate(const qr_lua_limits *limits);
void qr_lua_close(lua_State *L);

/* Why a state must stop (qr_lua_stop). */
enum {
  QR_LUA_STOP_INTERRUPT = 1,   /* Ctrl-C */
  QR_LUA_STOP_TIMEOUT,         /* --timeout */
  QR_LUA_STOP_BUDGET           /* the instruction budget is spent */
};

/* Gives the state a budget of Lua instructions (0 or less: none). When it is
 * spent the running code stops with an error that says so, and so do the
 * long loops in C that charge it (string.find and its kin); a pcall cannot
 * catch it for good, since the error comes back at the next instruction
 * until qr_lua_clear_stop. */
void qr_lua_set_budget(lua_State *L, long long instructions);
long long qr_lua_budget_used(lua_State *L);

/* Asks the running code to stop, with the error of why ("interrupted",
 * "timed out"). Safe to call from a signal handler. The request stays until
 * qr_lua_clear_stop, which a caller makes once the code has unwound; a
 * spent budget is then off. qr_lua_stopped gives the reason, or 0. */
void qr_lua_stop(lua_State *L, int why);
/* The REPL's Ctrl-C: one "interrupted" error, raised at the next instruction
 * or inside a budgeted C loop, and then the state runs on. Signal-safe. */
void qr_lua_interrupt_once(lua_State *L);
int qr_lua_stopped(lua_State *L);
void qr_lua_clear_stop(lua_State *L);

/* Bytes of Lua heap in use, and the peak. */
size_t qr_lua_memory(lua_State *L, size_t *peak);

/* Opens the C module (the table on the stack afterwards). */
int luaopen_quarry_core(lua_State *L);

/* A message handler for lua_pcall: adds a traceback to string errors, and
 * turns other error values into strings through __tostring. An exit request
 * (qr_lua_exit_code) passes through unchanged. */
int qr_lua_traceback(lua_State *L);

/* Replaces os.exit with a function that ends the script by unwinding, like
 * an error, with an exit request for its code (so that the caller can still
 * write the script's report; the real os.exit would end the process without
 * it). */
void qr_lua_trap_exit(lua_State *L);

/* When the value at idx is an exit request: 1, with its code in *code. */
int qr_lua_exit_code(lua_State *L, int idx, int *code);

/* Calls the function on the stack (with nargs arguments under it) through
 * qr_lua_traceback; returns the lua_pcall status, with the message (and
 * traceback) on the stack on error. */
int qr_lua_pcall(lua_State *L, int nargs, int nresults);

/* Loads the embedded chunk name ("scripts/quarry/report.lua") onto the
 * stack; returns a lua_load status or LUA_ERRFILE when there is none. */
int qr_lua_load_embedded(lua_State *L, const char *name);

#endif
