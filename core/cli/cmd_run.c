/* cmd_run.c — `quarry run` and the commands written in Lua (`entities`,
 * `candidates`).
 *
 * main only sets up; the script runs under lua_pcall with a traceback
 * handler. Ctrl-C and --timeout work as in lua.c: the signal handler only
 * sets a hook, and the hook raises the error inside Lua, where the script's
 * state unwinds cleanly. The report is written to a temporary file that is
 * renamed over -o FILE only when the script succeeds. */
#include <errno.h>
#include <lauxlib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "quarry/lua.h"

/* The one piece of global state: the state a signal handler must reach. */
static lua_State *volatile running_L = NULL;

/* The stop is sticky (lqr_budget.c): a script that catches "interrupted"
 * with pcall gets it again at its next instruction, and the budgeted string
 * functions stop inside their loops too. */
static void on_signal(int sig) {
  signal(sig, SIG_DFL);   /* a second Ctrl-C kills the process outright */
  if (running_L) qr_lua_stop(running_L, sig == SIGALRM ? QR_LUA_STOP_TIMEOUT : QR_LUA_STOP_INTERRUPT);
}

/* report.setup's write function: appends to the output file. */
static int write_output(lua_State *L) {
  FILE *fp = lua_touserdata(L, lua_upvalueindex(1));
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  if (fwrite(s, 1, n, fp) != n) return luaL_error(L, "cannot write the output: %s", strerror(errno));
  return 0;
}

typedef struct run_args {
  const char *cmd;
  const char *script;      /* a file, or an embedded chunk when embedded is set */
  int embedded;
  const cli_opts *o;
  int first_path;          /* corpus paths are o->args[first_path ..] */
  FILE *out;
  const char *format;
  int exit_code;           /* what the script gave os.exit, or 0 */
  int script_started;      /* errors before it are the input's, not the script's */
} run_args;

int cli_push_globals(lua_State *L) {
  luaL_checkversion(L);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "quarry");
  lua_call(L, 1, 1);
  lua_setglobal(L, "quarry");
  lua_getglobal(L, "require");
  lua_pushliteral(L, "quarry.report");
  lua_call(L, 1, 1);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "report");
  return lua_gettop(L);
}

/* A script that returns a table with a map function is a map/reduce report
 * (docs/scale.md): it runs over the corpus in one process, as `quarry map |
 * sort | quarry reduce` would over its shards. The script's result is on
 * top, the traceback handler at msgh. Returns 0, or -1 when the run must
 * end with a->exit_code (a usage error, or os.exit). */
static int run_mapreduce(lua_State *L, run_args *a, int msgh) {
  const cli_opts *o = a->o;
  int is_mr = 0;
  if (lua_istable(L, -1)) {
    is_mr = lua_getfield(L, -1, "map") == LUA_TFUNCTION;
    lua_pop(L, 1);   /* the field */
  }
  if (!is_mr) {
    if (o->nparams == 0) return 0;
    fprintf(stderr, "quarry %s: --param goes with a pack's report (quarry run PACK:REPORT) or a "
            "map/reduce script, not with a script\n", a->cmd);
    a->exit_code = EXIT_USAGE;
    return -1;
  }
  if (o->nargs <= a->first_path) {
    fprintf(stderr, "quarry %s: %s is a map/reduce script: it runs over a corpus (quarry run %s "
            "CORPUS...)\n", a->cmd, a->script, a->script);
    a->exit_code = EXIT_USAGE;
    return -1;
  }
  lua_getglobal(L, "require");
  lua_pushliteral(L, "quarry.mapreduce");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "run");
  lua_pushvalue(L, -3);   /* the script's table */
  lua_pushstring(L, a->script);
  lua_createtable(L, o->nparams, 0);
  for (int i = 0; i < o->nparams; i++) {
    lua_pushstring(L, o->params[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_getglobal(L, "corpus");
  int st = lua_pcall(L, 4, 0, msgh);
  if (st != LUA_OK && !qr_lua_exit_code(L, -1, &a->exit_code)) return lua_error(L);
  return 0;
}

/* The real main of a run, called under lua_pcall. */
static int run_main(lua_State *L) {
  run_args *a = lua_touserdata(L, 1);
  const cli_opts *o = a->o;
  /* globals: quarry, report, arg */
  int report = cli_push_globals(L);
  lua_createtable(L, o->nscript_args, 1);
  lua_pushstring(L, a->script);
  lua_rawseti(L, -2, 0);
  for (int i = 0; i < o->nscript_args; i++) {
    lua_pushstring(L, o->script_args[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setglobal(L, "arg");
  /* report.setup{format = F, write = <to the output>} and print through it */
  lua_getfield(L, report, "setup");
  lua_createtable(L, 0, 2);
  lua_pushstring(L, a->format);
  lua_setfield(L, -2, "format");
  lua_pushlightuserdata(L, a->out);
  lua_pushcclosure(L, write_output, 1);
  lua_setfield(L, -2, "write");
  lua_call(L, 1, 0);
  lua_getfield(L, report, "print");
  lua_setglobal(L, "print");
  qr_lua_trap_exit(L);
  /* the corpus, when paths were given */
  int npaths = o->nargs - a->first_path;
  if (npaths > 0) {
    lua_getglobal(L, "quarry");
    lua_getfield(L, -1, "open");
    lua_createtable(L, npaths, 0);
    for (int i = 0; i < npaths; i++) {
      lua_pushstring(L, o->args[a->first_path + i]);
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
    if (o->known_only) {
      lua_pushboolean(L, 0);
      lua_setfield(L, -2, "guess");
    }
    lua_pushboolean(L, !o->quiet);   /* drawn only on a terminal */
    lua_setfield(L, -2, "progress");
    if (o->jobs) {   /* else every processor */
      lua_pushinteger(L, o->jobs);
      lua_setfield(L, -2, "jobs");
    }
    lua_call(L, 2, 1);
    lua_setglobal(L, "corpus");
    lua_pop(L, 1);
  }
  /* modules next to the script can be required: its directory goes first
   * on package.path */
  if (!a->embedded) {
    const char *slash = strrchr(a->script, '/');
    lua_getglobal(L, "package");
    if (slash) lua_pushlstring(L, a->script, (size_t)(slash - a->script));
    else lua_pushliteral(L, ".");
    lua_getfield(L, -2, "path");
    lua_pushfstring(L, "%s/?.lua;%s", lua_tostring(L, -2), lua_tostring(L, -1));
    lua_setfield(L, -4, "path");
    lua_pop(L, 3);
  }
  /* the script, with the script arguments as its ... */
  int st = a->embedded ? qr_lua_load_embedded(L, a->script)
                       : luaL_loadfilex(L, a->script, "t");
  if (st != LUA_OK) return lua_error(L);
  for (int i = 0; i < o->nscript_args; i++) lua_pushstring(L, o->script_args[i]);
  a->script_started = 1;
  /* os.exit(code) unwinds to here: the report is finished all the same */
  lua_pushcfunction(L, qr_lua_traceback);
  lua_insert(L, -2 - o->nscript_args);
  st = lua_pcall(L, o->nscript_args, 1, -2 - o->nscript_args);
  if (st != LUA_OK && !qr_lua_exit_code(L, -1, &a->exit_code)) return lua_error(L);
  if (st == LUA_OK && !a->embedded && run_mapreduce(L, a, lua_gettop(L) - 1) < 0) return 0;
  lua_getfield(L, report, "finish");
  lua_call(L, 0, 0);
  return 0;
}

/* Runs a script with the options of `quarry run`; returns an exit code. */
static int run_lua(run_args *a) {
  const cli_opts *o = a->o;
  qr_lua_limits limits = {0};
  limits.max_memory = o->max_memory > 0 ? (size_t)o->max_memory : (size_t)4 << 30;
  lua_State *L = qr_lua_newstate(&limits);
  if (!L) return cli_fail(a->cmd, EXIT_DATA, "cannot create a Lua state (out of memory)");
  qr_error err = {0};
  cli_output out;
  if (cli_output_open(&out, o->output, &err) < 0) {
    qr_lua_close(L);
    return cli_fail(a->cmd, EXIT_DATA, "%s", err.msg);
  }
  a->out = out.fp;
  /* a plain script has no instruction budget unless asked; a pack's runner
   * sets its own around the pack (scripts/quarry/pack.lua) */
  if (o->max_steps > 0 && !a->embedded) qr_lua_set_budget(L, o->max_steps);
  running_L = L;
  signal(SIGINT, on_signal);
  if (o->timeout > 0) {
    signal(SIGALRM, on_signal);
    alarm((unsigned)(o->timeout < 1 ? 1 : o->timeout + 0.5));
  }
  lua_pushcfunction(L, run_main);
  lua_pushlightuserdata(L, a);
  int st = qr_lua_pcall(L, 1, 0);
  alarm(0);
  signal(SIGINT, SIG_DFL);
  signal(SIGALRM, SIG_DFL);
  running_L = NULL;
  qr_lua_set_budget(L, 0);
  qr_lua_clear_stop(L);
  int code = EXIT_OK;
  if (st != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fflush(stdout);
    /* a command written in Lua, and the loading of the corpus before a
     * script starts, report errors in the input, not quarry's insides: no
     * traceback there */
    int len = msg ? (int)strlen(msg) : 0;
    const char *tb = msg && (a->embedded || !a->script_started)
                         ? strstr(msg, "\nstack traceback:") : NULL;
    if (tb) len = (int)(tb - msg);
    fprintf(stderr, "quarry %s: %.*s\n", a->cmd, len, msg ? msg : "(error object is not a string)");
    cli_output_abort(&out);
    code = EXIT_DATA;
  } else if (a->exit_code != 0) {
    /* os.exit with a failure code: the script says its report is no good */
    fflush(stdout);
    cli_output_abort(&out);
    code = a->exit_code;
  } else if (cli_output_commit(&out, &err) < 0) {
    code = cli_fail(a->cmd, EXIT_DATA, "%s", err.msg);
  }
  qr_lua_close(L);
  return code;
}

int cli_run_command(const char *cmd, const char *script, const cli_opts *o, int first_path,
                    const char *report_format) {
  run_args a = {cmd, script, 1, o, first_path, NULL, report_format, 0, 0};
  return run_lua(&a);
}

static int check_format(const char *cmd, const char *fmt, const char *allowed) {
  size_t n = strlen(fmt);
  for (const char *p = allowed; (p = strstr(p, fmt)) != NULL; p += n)
    if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 0;
  cli_fail(cmd, EXIT_USAGE, "unknown format '%s' (expected one of: %s)", fmt, allowed);
  return -1;
}

/* Is name a pack, or a pack's report ("news", "news:quotes")? The same
 * rule as pack names in scripts/quarry/pack.lua. */
static int looks_like_pack(const char *name) {
  /* a pack's folder and a report: DIR:REPORT, DIR holding pack.lua */
  const char *colon = strrchr(name, ':');
  if (colon && strchr(name, '/')) {
    char manifest[4096];
    int n = snprintf(manifest, sizeof manifest, "%.*s/pack.lua", (int)(colon - name), name);
    return n > 0 && (size_t)n < sizeof manifest && access(manifest, R_OK) == 0;
  }
  const char *p = name;
  if (!(*p >= 'a' && *p <= 'z')) return 0;
  int colons = 0;
  for (; *p; p++) {
    if (*p == ':') {
      if (colons++ || p[1] == '\0') return 0;
    } else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                 *p == '-')) {
      return 0;
    }
  }
  return 1;
}

/* Runs scripts/quarry/cmd/pack.lua with the words in lead (the subcommand
 * and its arguments) followed by the options that concern packs, as
 * "--name=value" words; the corpus is o->args[first_path..]. */
static int run_pack_script(const char *cmd, cli_opts *o, int first_path, const char **lead,
                           int nlead, const char *fmt) {
  int ncorpus = o->nargs > first_path ? o->nargs - first_path : 0;
  int n = nlead + o->nparams + 3 + ncorpus;
  const char **words = calloc((size_t)n, sizeof *words);
  char *allow = o->allow ? malloc(strlen(o->allow) + sizeof "--allow=") : NULL;
  /* the corpus's paths, as --corpus=PATH words: the pack may read there */
  size_t need = 0;
  for (int i = 0; i < ncorpus; i++) need += strlen(o->args[first_path + i]) + sizeof "--corpus=";
  char *corpus = ncorpus ? malloc(need) : NULL;
  if (!words || (o->allow && !allow) || (ncorpus && !corpus)) {
    free(words);
    free(allow);
    free(corpus);
    return cli_fail(cmd, EXIT_DATA, "out of memory");
  }
  int k = 0;
  for (int i = 0; i < nlead; i++) words[k++] = lead[i];
  for (int i = 0, at = 0; i < ncorpus; i++) {
    words[k++] = corpus + at;
    at += sprintf(corpus + at, "--corpus=%s", o->args[first_path + i]) + 1;
  }
  char steps[48], memory[48];
  if (o->max_steps >= 0) {
    snprintf(steps, sizeof steps, "--max-steps=%lld", o->max_steps);
    words[k++] = steps;
  }
  if (o->max_memory > 0) {
    snprintf(memory, sizeof memory, "--max-memory=%lld", o->max_memory);
    words[k++] = memory;
  }
  if (allow) {
    sprintf(allow, "--allow=%s", o->allow);
    words[k++] = allow;
  }
  for (int i = 0; i < o->nparams; i++) words[k++] = o->params[i];
  o->script_args = words;
  o->nscript_args = k;
  int code = cli_run_command(cmd, "scripts/quarry/cmd/pack.lua", o, first_path, fmt);
  free(allow);
  free(corpus);
  free(words);
  return code;
}

#define RUN_FORMATS "table csv json jsonl md markdown html"

int cmd_run(int argc, char **argv) {
  cli_opts o;
  if (cli_parse("run", argc, argv, 2,
                "format output gazetteer max-memory max-steps timeout strict param allow quiet jobs "
                "known-only", &o) < 0)
    return EXIT_USAGE;
  if (o.help) {
    cli_opts_free(&o);
    cli_usage(stdout, "run");
    return EXIT_OK;
  }
  int code;
  /* a script is a file; a name that is no file (nor a folder) may be a pack */
  struct stat st;
  errno = 0;
  int is_file = o.nargs >= 1 && access(o.args[0], R_OK) == 0 &&
                !(stat(o.args[0], &st) == 0 && S_ISDIR(st.st_mode));
  int why = errno;
  if (o.nargs < 1) {
    code = cli_fail("run", EXIT_USAGE,
                    "no script given (usage: quarry run SCRIPT|PACK:REPORT [CORPUS...])");
  } else if (o.format && check_format("run", o.format, RUN_FORMATS) < 0) {
    code = EXIT_USAGE;
  } else if (!is_file && looks_like_pack(o.args[0])) {
    /* a pack's report: the runner checks the pack, its parameters and the
     * permissions, then runs the report in its sandbox */
    const char *lead[2] = {"run", o.args[0]};
    code = run_pack_script("run", &o, 1, lead, 2, o.format ? o.format : "table");
  } else if (!is_file) {
    code = cli_fail("run", EXIT_DATA, "%s: %s", o.args[0],
                    why ? strerror(why) : "a folder, not a script (a pack's report is DIR:REPORT)");
  } else if (o.allow) {
    /* --param may go with a map/reduce script: run_mapreduce checks it */
    code = cli_fail("run", EXIT_USAGE, "--allow goes with a pack's report (quarry run "
                    "PACK:REPORT), not with a script");
  } else {
    run_args a = {"run", o.args[0], 0, &o, 1, NULL, o.format ? o.format : "table", 0, 0};
    code = run_lua(&a);
  }
  cli_opts_free(&o);
  return code;
}

/* quarry pack list | info NAME | install PATH | remove NAME | new NAME [DIR]
 * | test NAME: written in Lua (scripts/quarry/cmd/pack.lua, on
 * scripts/quarry/pack.lua). */
int cmd_pack(int argc, char **argv) {
  cli_opts o;
  if (cli_parse("pack", argc, argv, 2, "format output allow max-memory max-steps timeout", &o) < 0)
    return EXIT_USAGE;
  if (o.help || o.nargs < 1) {
    int help = o.help;
    cli_opts_free(&o);
    if (!help) {
      cli_fail("pack", EXIT_USAGE, "no subcommand given (list, info, install, remove, new, test)");
      cli_usage(stderr, "pack");
      return EXIT_USAGE;
    }
    cli_usage(stdout, "pack");
    return EXIT_OK;
  }
  int code;
  if (o.format && check_format("pack", o.format, RUN_FORMATS) < 0) {
    code = EXIT_USAGE;
  } else {
    /* every positional word goes to the script; no corpus is opened here */
    code = run_pack_script("pack", &o, o.nargs, o.args, o.nargs, o.format ? o.format : "table");
  }
  cli_opts_free(&o);
  return code;
}

int cmd_entities(int argc, char **argv) {
  cli_opts o;
  if (cli_parse("entities", argc, argv, 2, "format output gazetteer strict quiet jobs known-only",
                &o) < 0)
    return EXIT_USAGE;
  if (o.help) {
    cli_opts_free(&o);
    cli_usage(stdout, "entities");
    return EXIT_OK;
  }
  int code;
  if (o.nargs < 1) {
    code = cli_fail("entities", EXIT_USAGE, "no corpus given (usage: quarry entities CORPUS...)");
  } else if (o.format && check_format("entities", o.format, "table jsonl tsv") < 0) {
    code = EXIT_USAGE;
  } else {
    /* the command is a Lua script over the API; --format tsv is its own, the
     * others are the report's */
    const char *fmt = o.format ? o.format : "table";
    static const char *fmt_arg[1];
    fmt_arg[0] = fmt;
    o.script_args = fmt_arg;
    o.nscript_args = 1;
    run_args a = {"entities", "scripts/quarry/cmd/entities.lua", 1, &o, 0, NULL,
                  strcmp(fmt, "tsv") == 0 ? "table" : fmt, 0, 0};
    code = run_lua(&a);
  }
  cli_opts_free(&o);
  return code;
}

int cmd_candidates(int argc, char **argv) {
  cli_opts o;
  if (cli_parse("candidates", argc, argv, 2,
                "format output gazetteer min-count top single strict quiet", &o) < 0)
    return EXIT_USAGE;
  if (o.help) {
    cli_opts_free(&o);
    cli_usage(stdout, "candidates");
    return EXIT_OK;
  }
  int code;
  if (o.nargs < 1) {
    code = cli_fail("candidates", EXIT_USAGE,
                    "no corpus given (usage: quarry candidates CORPUS...)");
  } else if (o.format && check_format("candidates", o.format, "table jsonl tsv") < 0) {
    code = EXIT_USAGE;
  } else {
    /* a Lua script over corpus:candidates; its arguments are the format,
     * the minimum count, the number of rows and "single" */
    const char *fmt = o.format ? o.format : "table";
    char min_count[24], top[24];
    snprintf(min_count, sizeof min_count, "%d", o.min_count ? o.min_count : 2);
    snprintf(top, sizeof top, "%ld", o.top);
    const char *script_args[4] = {fmt, min_count, top, o.single ? "single" : ""};
    o.script_args = script_args;
    o.nscript_args = 4;
    run_args a = {"candidates", "scripts/quarry/cmd/candidates.lua", 1, &o, 0, NULL,
                  strcmp(fmt, "tsv") == 0 ? "table" : fmt, 0, 0};
    code = run_lua(&a);
  }
  cli_opts_free(&o);
  return code;
}
