/* cli/cli.h — what the commands of the quarry binary share. Internal. */
#ifndef QUARRY_CLI_H
#define QUARRY_CLI_H

#include <stdio.h>

#include "quarry/base.h"
#include "quarry/file.h"
#include "quarry/text.h"

/* Exit codes, as documented in `quarry help`. */
enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2 };

/* Parsed command-line options common to the commands. */
typedef struct cli_opts {
  const char *format;     /* --format */
  const char *output;     /* -o FILE */
  const char *gazetteer;  /* --gazetteer FILE */
  const char *abbrevs;    /* --abbreviations FILE */
  const char **args;      /* positional arguments */
  int nargs;
  const char **script_args;   /* after "--" */
  int nscript_args;
  int help;
  int learn;              /* --learn-abbreviations */
  long long max_memory;   /* --max-memory, bytes; 0 = default */
  double timeout;         /* --timeout, seconds; 0 = none */
  int epochs;             /* --epochs */
  int min_count;          /* --min-count */
  long top;               /* --top; 0 when not given */
  int single;             /* --single */
  int strict;             /* --strict: a corpus file that cannot be read is an error */
  int quiet;              /* --quiet: no progress bar while the corpus loads */
  int check;              /* --check: quarry index checks an index instead of making one */
  int known_only;         /* --known-only: the gazetteer's names, none guessed */
  int jobs;               /* --jobs N: threads that annotate; 0 = one per processor */
  double margin;          /* --margin; -1 when not given */
  const char *model;      /* --model FILE, or "none" */
  const char **params;    /* --param K=V, each as given (a pack's parameters) */
  int nparams;
  const char *allow;      /* --allow read,write,exec: permissions the user grants a pack */
  long long max_steps;    /* --max-steps: instruction budget; 0 = none, -1 = not given */
} cli_opts;

/* Parses argv[first..argc) into o; allowed is the list of long options the
 * command accepts ("format", "output", ...). On a usage error prints it to
 * stderr (naming the command) and returns -1. o->args points into a static
 * array the caller frees with cli_opts_free. */
int cli_parse(const char *cmd, int argc, char **argv, int first, const char *allowed,
              cli_opts *o);
void cli_opts_free(cli_opts *o);

/* Prints "quarry CMD: message" to stderr and returns code. */
/* --abbreviations FILE or @SET[,@SET...] into seg (cmd_tokens.c). */
qr_status cli_load_abbrevs(qr_segmenter *seg, const char *spec, qr_error *err);
int cli_fail(const char *cmd, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* An output destination: stdout, or -o FILE written through qr_outfile (see
 * quarry/file.h): a regular file is replaced only when the command succeeds,
 * so that a failed run never leaves a partial file; a device, a FIFO or
 * /dev/stdout is written in place; a link is followed. */
typedef struct cli_output {
  FILE *fp;          /* stdout, or file.fp */
  int to_file;       /* file is in use */
  qr_outfile file;
} cli_output;

/* Opens path (NULL or "-": stdout). Says on stderr when it waits for a
 * FIFO's reader. On error fills err (naming the path) and returns -1. */
int cli_output_open(cli_output *out, const char *path, qr_error *err);
/* Flushes and puts the file in place; on failure the old file stays. */
int cli_output_commit(cli_output *out, qr_error *err);
/* Removes the temporary file (when there is one) and closes. */
void cli_output_abort(cli_output *out);

/* Writes b's contents to out and empties b; returns 0 or -1 on a write error. */
int cli_flush(cli_output *out, qr_buf *b);

/* Sets the globals every Lua session of the CLI has, `quarry` and `report`
 * (under lua_pcall: a failed require raises); leaves the report module on
 * the stack and returns its index. */
typedef struct lua_State lua_State;
int cli_push_globals(lua_State *L);

/* Runs the embedded script (scripts/quarry/cmd/NAME.lua) of a command
 * written in Lua, as `quarry run` runs a script: the corpus
 * o->args[first_path..] open as `corpus`, o->script_args as its arguments,
 * report_format the report's format, -o o->output; returns an exit code. */
int cli_run_command(const char *cmd, const char *script, const cli_opts *o, int first_path,
                    const char *report_format);

/* The commands. Each returns an exit code. */
int cmd_tokens(int argc, char **argv);
int cmd_entities(int argc, char **argv);
int cmd_gazetteer(int argc, char **argv);
int cmd_candidates(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_train_segmenter(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_reduce(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_repl(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* Prints the help of a command (or the overview when cmd is NULL) to fp;
 * returns 0, or -1 when there is no such command. */
int cli_usage(FILE *fp, const char *cmd);

#endif
