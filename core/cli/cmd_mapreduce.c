/* cmd_mapreduce.c — `quarry map` and `quarry reduce`: the two ends of the
 * Hadoop Streaming contract (docs/scale.md).
 *
 * Both are written in Lua (scripts/quarry/cmd/map.lua and reduce.lua, on
 * scripts/quarry/mapreduce.lua) and run as `quarry run` runs a command
 * written in Lua; here are only their options. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* The words the Lua command gets: the script, one word of its own, then
 * the parameters "NAME=VALUE"; NULL when out of memory. */
static const char **command_words(const cli_opts *o, const char *word) {
  const char **words = calloc((size_t)o->nparams + 2, sizeof *words);
  if (!words) return NULL;
  words[0] = o->args[0];
  words[1] = word;
  for (int i = 0; i < o->nparams; i++) words[i + 2] = o->params[i];
  return words;
}

/* Runs the Lua command NAME with words; no corpus is opened (the documents
 * come on standard input). */
static int run_command(const char *name, const char *script, cli_opts *o, const char *word,
                       const char *format) {
  const char **words = command_words(o, word);
  if (!words) return cli_fail(name, EXIT_DATA, "out of memory");
  o->script_args = words;
  o->nscript_args = o->nparams + 2;
  int code = cli_run_command(name, script, o, o->nargs, format);
  free(words);
  return code;
}

/* The common start of both commands: help, and one script. Returns -1 to
 * go on, else the exit code. */
static int check_args(const char *name, cli_opts *o) {
  if (o->help) {
    cli_usage(stdout, name);
    return EXIT_OK;
  }
  if (o->nargs == 1) return -1;
  cli_fail(name, EXIT_USAGE, o->nargs ? "one script only (usage: quarry %s SCRIPT [options])"
                                      : "no script given (usage: quarry %s SCRIPT [options])",
           name);
  return EXIT_USAGE;
}

int cmd_map(int argc, char **argv) {
  cli_opts o;
  if (cli_parse("map", argc, argv, 2, "gazetteer param output max-memory", &o) < 0)
    return EXIT_USAGE;
  int code = check_args("map", &o);
  if (code < 0)
    code = run_command("map", "scripts/quarry/cmd/map.lua", &o, o.gazetteer ? o.gazetteer : "",
                       "table");
  cli_opts_free(&o);
  return code;
}

static int known_format(const char *f) {
  static const char *const formats[] = {"table", "csv", "json", "jsonl", "md", "markdown", "html",
                                        NULL};
  for (const char *const *p = formats; *p; p++)
    if (strcmp(*p, f) == 0) return 1;
  return 0;
}

/* --partial is reduce's alone: taken out of argv before the common parser
 * sees it. */
int cmd_reduce(int argc, char **argv) {
  int partial = 0, n = 0;
  char **args = calloc((size_t)argc + 1, sizeof *args);
  if (!args) return cli_fail("reduce", EXIT_DATA, "out of memory");
  for (int i = 0; i < argc; i++) {
    if (i >= 2 && strcmp(argv[i], "--partial") == 0) partial = 1;
    else args[n++] = argv[i];
  }
  cli_opts o;
  if (cli_parse("reduce", n, args, 2, "format param output max-memory", &o) < 0) {
    free(args);
    return EXIT_USAGE;
  }
  int code = check_args("reduce", &o);
  if (code >= 0) {
    /* help or a usage error */
  } else if (partial && o.format) {
    code = cli_fail("reduce", EXIT_USAGE,
                    "--partial writes KEY<TAB>PARTIAL lines: it takes no --format");
  } else if (o.format && !known_format(o.format)) {
    code = cli_fail("reduce", EXIT_USAGE,
                    "unknown format '%s' (expected one of: table csv json jsonl md markdown html)",
                    o.format);
  } else {
    code = run_command("reduce", "scripts/quarry/cmd/reduce.lua", &o, partial ? "partial" : "",
                       o.format ? o.format : "table");
  }
  cli_opts_free(&o);
  free(args);
  return code;
}
