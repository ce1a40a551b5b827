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
