/* cmd_repl.c — `quarry repl [CORPUS...]` and `quarry` alone: the REPL.
 *
 * C does what needs the terminal and signals; scripts/quarry/repl.lua does
 * the rest (lua.c's way of reading and running a line, printing, completion,
 * the : commands, the history file) through the small module quarry.term
 * defined here:
 *
 *   term.interactive, term.color     stdin is a terminal; colours are wanted
 *   term.read(prompt)                a line; nil at the end; false, text on Ctrl-C
 *   term.remember(entry)             into the arrow keys' history
 *   term.size()                      columns, lines
 *   term.now()                       a monotonic clock, in seconds
 *   term.listdir(path)               the names in a directory (dirs end in /)
 *   term.mkdir(path)                 a directory and its parents
 *   term.save(path, text, private)   a file written whole or not at all
 *   term.set_completer(fn)           fn(line before the cursor) -> start, list
 *   term.exit_code(err)              the code of an os.exit request, or nil
 *
 * Ctrl-C while code runs works as in lua.c: the handler only sets a hook,
 * and the hook raises "interrupted" inside Lua, where the code unwinds to
 * the REPL's pcall with the session intact. The handler then falls back to
 * the default action, so that a second Ctrl-C still ends a program stuck in
 * C; each prompt re-arms it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/lineedit.h"
#include "quarry/lua.h"

/* The one piece of global state: the state the signal handler must reach. */
static lua_State *volatile repl_L = NULL;

/* One error, not a sticky stop (lqr_budget.c): the REPL's own Lua code runs
 * on after it. It also stops string.find and its kin inside their loops. */
static void on_interrupt(int sig) {
  signal(sig, SIG_DFL);
  if (repl_L) qr_lua_interrupt_once(repl_L);
}

/* What the term functions share: the line editor and the completer. */
typedef struct term {
  qr_lineedit *le;   /* NULL until the first read, and when not interactive */
  lua_State *L;
  int completer;     /* a registry reference, or LUA_NOREF */
} term;

#define TERM "quarry.term"

static term *check_term(lua_State *L) {
  return *(term **)luaL_checkudata(L, lua_upvalueindex(1), TERM);
}

static int term_gc(lua_State *L) {
  term **box = luaL_checkudata(L, 1, TERM);
  if (*box) {
    qr_lineedit_close((*box)->le);
    free(*box);
    *box = NULL;
  }
  return 0;
}

/* The line editor asks the Lua completer; a completer that fails offers
 * nothing rather than breaking the line being typed. */
static int complete(void *ud, const char *line, size_t cursor, size_t *start, char ***items,
                    size_t *n) {
  term *t = ud;
  lua_State *L = t->L;
  if (t->completer == LUA_NOREF || !lua_checkstack(L, 4)) return -1;
  int top = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, t->completer);
  lua_pushlstring(L, line, cursor);
  if (lua_pcall(L, 1, 2, 0) != LUA_OK || !lua_isinteger(L, -2) || !lua_istable(L, -1)) {
    lua_settop(L, top);
    return -1;
  }
  lua_Integer s = lua_tointeger(L, -2);
  size_t count = lua_rawlen(L, -1);
  *items = count ? calloc(count, sizeof **items) : NULL;
  if (s < 1 || (size_t)s > cursor + 1 || (count && !*items)) {
    free(*items);
    lua_settop(L, top);
    return -1;
  }
  size_t kept = 0;
  for (size_t i = 1; i <= count; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i);
    const char *item = lua_tostring(L, -1);
    if (item && (((*items)[kept] = strdup(item)) != NULL)) kept++;
    lua_pop(L, 1);
  }
  lua_settop(L, top);
  *start = (size_t)s - 1;
  *n = kept;
  return 0;
}

/* The line editor, started on first use. */
static qr_lineedit *editor(term *t) {
  if (!t->le) t->le = qr_lineedit_open("quarry", complete, t);
  return t->le;
}

/* term.read(prompt) -> line, or nil at the end of input, or false and the
 * text typed so far when Ctrl-C dropped the line. */
static int term_read(lua_State *L) {
  term *t = check_term(L);
  const char *prompt = luaL_checkstring(L, 1);
  /* an interrupt that came after the code it was meant for ended is void */
  if (repl_L) {
    qr_lua_clear_stop(L);
    signal(SIGINT, on_interrupt);
  }
  fflush(stdout);
  if (!editor(t)) return luaL_error(L, "cannot start the line editor");
  int interrupted = 0;
  char *line = qr_lineedit_read(t->le, prompt, &interrupted);
  int n = 1;
  if (interrupted) {
    lua_pushboolean(L, 0);
    lua_pushstring(L, line ? line : "");
    n = 2;
  } else if (line) {
    lua_pushstring(L, line);
  } else {
    lua_pushnil(L);
  }
  free(line);
  return n;
}

static int term_remember(lua_State *L) {
  term *t = check_term(L);
  const char *entry = luaL_checkstring(L, 1);
  if (editor(t)) qr_lineedit_remember(t->le, entry);
  return 0;
}

static int term_size(lua_State *L) {
  int columns, lines;
  qr_terminal_size(&columns, &lines);
  lua_pushinteger(L, columns);
  lua_pushinteger(L, lines);
  return 2;
}

static int term_now(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
  return 1;
}

/* term.listdir(path) -> the names in the directory, sorted, directories
 * with a final "/"; or nil and a message. */
static int term_listdir(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  DIR *d = opendir(*path ? path : ".");
  if (!d) return luaL_fileresult(L, 0, path);
  lua_newtable(L);
  lua_Integer n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    const char *full = lua_pushfstring(L, "%s%s%s", path,
                                       *path && path[strlen(path) - 1] != '/' ? "/" : "",
                                       e->d_name);
    struct stat st;
    int dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
    lua_pop(L, 1);
    lua_pushfstring(L, "%s%s", e->d_name, dir ? "/" : "");
    lua_rawseti(L, -2, ++n);
  }
  closedir(d);
  /* table.sort as it was when the module opened: the session may have
   * changed the global since */
  lua_getfield(L, LUA_REGISTRYINDEX, TERM ".sort");
  lua_pushvalue(L, -2);
  lua_call(L, 1, 0);
  return 1;
}

/* term.mkdir(path) -> true, or nil and a message: the directory and its
 * parents (for the history file's place). */
static int term_mkdir(lua_State *L) {
  size_t n;
  const char *path = luaL_checklstring(L, 1, &n);
  char *p = malloc(n + 1);
  if (!p) return luaL_error(L, "out of memory");
  memcpy(p, path, n + 1);
  int ok = 1;
  for (size_t i = 1; i <= n && ok; i++) {
    if (p[i] != '/' && p[i] != '\0') continue;
    char c = p[i];
    p[i] = '\0';
    struct stat st;
    if (stat(p, &st) != 0 && mkdir(p, 0700) != 0) ok = 0;
    p[i] = c;
  }
  free(p);
  return luaL_fileresult(L, ok, path);
}

/* term.save(path, text [, private]) -> true, or nil and a message: text
 * written through qr_outfile (quarry/file.h), so that a reader never sees
 * half of it, a link stays a link and a device or FIFO is written in place
 * (a FIFO with no reader is an error here: the session must not hang on
 * it); a new private file (the history) is the user's alone (mode 0600). */
static int term_save(lua_State *L) {
  size_t n;
  const char *path = luaL_checkstring(L, 1);
  const char *text = luaL_checklstring(L, 2, &n);
  unsigned flags = QR_OUT_NOWAIT | (lua_toboolean(L, 3) ? QR_OUT_PRIVATE : 0);
  qr_error err = {0};
  if (qr_outfile_save(path, text, n, flags, &err) != QR_OK) {
    luaL_pushfail(L);
    lua_pushstring(L, err.msg);
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

static int term_set_completer(lua_State *L) {
  term *t = check_term(L);
  if (!lua_isnil(L, 1)) luaL_checktype(L, 1, LUA_TFUNCTION);
  luaL_unref(L, LUA_REGISTRYINDEX, t->completer);
  lua_settop(L, 1);
  t->completer = lua_isnil(L, 1) ? LUA_NOREF : luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

static int term_exit_code(lua_State *L) {
  int code;
  if (qr_lua_exit_code(L, 1, &code)) lua_pushinteger(L, code);
  else lua_pushnil(L);
  return 1;
}

static const luaL_Reg term_funcs[] = {
  {"read", term_read},
  {"remember", term_remember},
  {"size", term_size},
  {"now", term_now},
  {"listdir", term_listdir},
  {"mkdir", term_mkdir},
  {"save", term_save},
  {"set_completer", term_set_completer},
  {"exit_code", term_exit_code},
  {NULL, NULL},
};

static int luaopen_quarry_term(lua_State *L) {
  term **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  if (luaL_newmetatable(L, TERM)) {
    lua_pushcfunction(L, term_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "sort");
  lua_setfield(L, LUA_REGISTRYINDEX, TERM ".sort");
  lua_pop(L, 1);
  term *t = calloc(1, sizeof *t);
  if (!t) return luaL_error(L, "out of memory");
  t->L = L;
  t->completer = LUA_NOREF;
  *box = t;
  luaL_newlibtable(L, term_funcs);
  lua_pushvalue(L, -2);   /* the box is every function's upvalue: it owns t */
  luaL_setfuncs(L, term_funcs, 1);
  int interactive = isatty(STDIN_FILENO);
  const char *no_color = getenv("NO_COLOR");
  lua_pushboolean(L, interactive);
  lua_setfield(L, -2, "interactive");
  lua_pushboolean(L, interactive && isatty(STDOUT_FILENO) && !(no_color && *no_color));
  lua_setfield(L, -2, "color");
  return 1;
}

typedef struct repl_args {
  const cli_opts *o;
  int code;
} repl_args;

/* Opens the corpus of the command line, or corpus/ here when there is one,
 * as the global c; returns its name, or "" without a corpus. */
static void open_corpus(lua_State *L, const cli_opts *o) {
  int implicit = o->nargs == 0;
  struct stat st;
  if (implicit && !(stat("corpus", &st) == 0 && S_ISDIR(st.st_mode))) return;
  lua_getglobal(L, "quarry");
  lua_getfield(L, -1, "open");
  lua_createtable(L, implicit ? 1 : o->nargs, 0);
  for (int i = 0; i < (implicit ? 1 : o->nargs); i++) {
    lua_pushstring(L, implicit ? "corpus" : o->args[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_createtable(L, 0, 2);
  if (o->gazetteer) {   /* --gazetteer none: no gazetteer, not even the world's */
    if (strcmp(o->gazetteer, "none") == 0) lua_pushboolean(L, 0);
    else lua_pushstring(L, o->gazetteer);
    lua_setfield(L, -2, "gazetteer");
  }
  lua_pushboolean(L, o->strict);
  lua_setfield(L, -2, "strict");
  lua_pushboolean(L, !o->quiet);   /* the progress bar, drawn only on a terminal */
  lua_setfield(L, -2, "progress");
  if (o->jobs) {   /* else every processor */
    lua_pushinteger(L, o->jobs);
    lua_setfield(L, -2, "jobs");
  }
  if (implicit) {
    /* corpus/ was not asked for: if it cannot be read, say so and go on */
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
      fprintf(stderr, "quarry repl: corpus/ not opened: %s\n", lua_tostring(L, -1));
      lua_pop(L, 2);
      return;
    }
  } else {
    lua_call(L, 2, 1);
  }
  lua_setglobal(L, "c");
  lua_pop(L, 1);
}

static int is_interrupt(lua_State *L, int idx) {
  const char *msg = lua_tostring(L, idx);
  return msg && strstr(msg, "interrupted") != NULL;
}

/* The real main of the REPL, under lua_pcall. */
static int repl_main(lua_State *L) {
  repl_args *a = lua_touserdata(L, 1);
  cli_push_globals(L);
  lua_pop(L, 1);
  luaL_requiref(L, "quarry.term", luaopen_quarry_term, 0);
  lua_pop(L, 1);
  qr_lua_trap_exit(L);
  open_corpus(L, a->o);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "quarry.repl");
  lua_call(L, 1, 1);
  int repl = lua_gettop(L);
  /* the session survives anything its own Lua code meets: an interrupt
   * that lands between two lines of it, or a bug, starts the loop again
   * with the state as it was */
  for (int failures = 0;;) {
    lua_getfield(L, repl, "run");
    if (lua_pcall(L, 0, 1, 0) == LUA_OK) {
      a->code = (int)lua_tointeger(L, -1);
      return 0;
    }
    if (is_interrupt(L, -1)) {
      fputs("interrupted\n", stderr);
    } else {
      fprintf(stderr, "quarry repl: %s\n", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
      if (++failures > 20) return lua_error(L);
    }
    lua_pop(L, 1);
  }
}

int cmd_repl(int argc, char **argv) {
  cli_opts o;
  if (cli_parse("repl", argc, argv, 2, "gazetteer max-memory strict quiet jobs", &o) < 0) return EXIT_USAGE;
  if (o.help) {
    cli_opts_free(&o);
    cli_usage(stdout, "repl");
    return EXIT_OK;
  }
  qr_lua_limits limits = {0};
  limits.max_memory = o.max_memory > 0 ? (size_t)o.max_memory : (size_t)4 << 30;
  lua_State *L = qr_lua_newstate(&limits);
  if (!L) {
    cli_opts_free(&o);
    return cli_fail("repl", EXIT_DATA, "cannot create a Lua state (out of memory)");
  }
  repl_args a = {&o, EXIT_OK};
  repl_L = L;
  lua_pushcfunction(L, repl_main);
  lua_pushlightuserdata(L, &a);
  int st = qr_lua_pcall(L, 1, 0);
  signal(SIGINT, SIG_DFL);
  repl_L = NULL;
  int code = a.code;
  if (st != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    const char *tb = msg ? strstr(msg, "\nstack traceback:") : NULL;
    fprintf(stderr, "quarry repl: %.*s\n", tb ? (int)(tb - msg) : (int)strlen(msg ? msg : ""),
            msg ? msg : "(error object is not a string)");
    code = EXIT_DATA;
  }
  qr_lua_close(L);
  cli_opts_free(&o);
  return code;
}
