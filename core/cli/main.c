/* main.c — the quarry binary: dispatches to a command.
 *
 * As in lua.c, main only sets up and calls the real main under lua_pcall
 * with a traceback handler, so that no error, not even one at start-up,
 * escapes as a crash. */
#include <signal.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli/cli.h"

typedef struct command {
  const char *name;
  int (*fn)(int argc, char **argv);
} command;

static const command commands[] = {
  {"run", cmd_run},
  {"pack", cmd_pack},
  {"repl", cmd_repl},
  {"tokens", cmd_tokens},
  {"entities", cmd_entities},
  {"gazetteer", cmd_gazetteer},
  {"candidates", cmd_candidates},
  {"query", cmd_query},
  {"index", cmd_index},
  {"map", cmd_map},
  {"reduce", cmd_reduce},
  {"train-segmenter", cmd_train_segmenter},
  {"version", cmd_version},
  {"help", cmd_help},
  {NULL, NULL},
};

static int wants_help(int argc, char **argv) {
  for (int i = 2; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
  return 0;
}

int cmd_version(int argc, char **argv) {
  if (wants_help(argc, argv)) return cli_usage(stdout, "version"), EXIT_OK;
  if (argc > 2) return cli_fail("version", EXIT_USAGE, "takes no arguments");
  printf("quarry %s (Lua API %d)\n", QR_VERSION, QR_API_VERSION);
  return EXIT_OK;
}

int cmd_help(int argc, char **argv) {
  if (wants_help(argc, argv)) return cli_usage(stdout, "help"), EXIT_OK;
  const char *topic = argc > 2 ? argv[2] : NULL;
  if (cli_usage(stdout, topic) < 0)
    return cli_fail("help", EXIT_USAGE, "no command '%s' (see quarry help)", topic);
  return EXIT_OK;
}

int main(int argc, char **argv) {
  /* a file written past the size the shell allows (ulimit -f) is an error
   * with the file's name (EFBIG), not a signal that kills the process
   * half-way through */
  signal(SIGXFSZ, SIG_IGN);
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
  /* Blocks of 1 MiB and more are always mapped on their own. glibc's
   * threshold starts at 128 KiB and rises to the size of each mapped block
   * freed, up to 32 MiB: once a corpus is closed, the next one's arrays of
   * a few MB (a thread's round of tokens, its lexicon, the fresh strings)
   * come from the heaps, where realloc copies them and a thread's heap
   * lets pages go as it shrinks, to fault them in again. The second and
   * later 2-core opens of 100 MB with 1,000,000 names in one process took
   * 1.15-1.23 s where the first took 1.10 s (136 ms more system time each);
   * with the threshold fixed, 1.07-1.15 s, every one. */
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  if (argc < 2) {
    static char repl[] = "repl";
    char *args[] = {argv[0], repl, NULL};
    return cmd_repl(2, args);
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) return cmd_help(1, argv);
  if (strcmp(name, "--version") == 0) return cmd_version(argc, argv);
  for (const command *c = commands; c->name; c++)
    if (strcmp(c->name, name) == 0) return c->fn(argc, argv);
  cli_fail(NULL, EXIT_USAGE, "unknown command '%s'", name);
  fprintf(stderr, "Run 'quarry help' for the list of commands.\n");
  return EXIT_USAGE;
}
