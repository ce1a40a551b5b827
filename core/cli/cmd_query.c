/* cmd_query.c — `quarry query PATTERN CORPUS...`: the query language from
 * the command line.
 *
 * Its options are its own (an optional value after --count, modes that
 * exclude each other), so it parses them here; the work is a Lua script
 * over the API (scripts/quarry/cmd/query.lua), run as the other commands
 * written in Lua are (cli_run_command), with the corpus open. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/lineedit.h"

/* The width of a concordance line when --width is not given: the
 * terminal's, when the output is one; else $COLUMNS; else 100, wide enough
 * for a file read later. */
static int default_width(const char *output) {
  int columns, lines;
  if ((!output || strcmp(output, "-") == 0) && isatty(STDOUT_FILENO)) {
    qr_terminal_size(&columns, &lines);
    return columns;
  }
  const char *env = getenv("COLUMNS");
  char *end;
  long n = env ? strtol(env, &end, 10) : 0;
  if (env && *env && !*end && n >= 20 && n <= 10000) return (int)n;
  return 100;
}

/* A whole number in [min, max] from s, or -1. */
static long number(const char *s, long min, long max) {
  char *end;
  errno = 0;
  long n = strtol(s, &end, 10);
  if (end == s || *end || errno || n < min || n > max) return -1;
  return n;
}

/* Could a is the BY of --count (word, lower, doc, a label, label.word)
 * rather than a corpus path? A name that is also a file or directory is
 * taken as a path: --count=BY says it without doubt. */
static int looks_like_by(const char *a) {
  if (!((a[0] >= 'a' && a[0] <= 'z') || (a[0] >= 'A' && a[0] <= 'Z') || a[0] == '_')) return 0;
  int dots = 0;
  for (const char *p = a; *p; p++) {
    int word = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
               *p == '_';
    if (*p == '.' && p > a && p[1] && !dots) dots++;
    else if (!word) return 0;
  }
  struct stat st;
  return stat(a, &st) != 0;
}

/* Is s one of the space-separated names in list? */
static int one_of(const char *s, const char *list) {
  size_t n = strlen(s);
  for (const char *p = list; (p = strstr(p, s)) != NULL; p += n)
    if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 1;
  return 0;
}

typedef struct query_args {
  const char *mode;      /* list, kwic, count, freq */
  const char *by;        /* --count BY, --freq ATTR; "" when none */
  long limit;            /* 0: all */
  long width;            /* the concordance's line width; 0: the default */
  const char *within;    /* "" when none */
} query_args;

static const char *const formats = "table tsv csv json jsonl md markdown";

static int set_mode(query_args *q, const char *mode) {
  if (strcmp(q->mode, "list") != 0 && strcmp(q->mode, mode) != 0)
    return cli_fail("query", EXIT_USAGE, "--%s and --%s exclude each other", q->mode, mode);
  q->mode = mode;
  return 0;
}

/* Parses argv[2..] into o (format, output, gazetteer, strict, and the
 * positional arguments: the pattern, then the corpus) and q; prints a usage
 * error and returns EXIT_USAGE, or returns 0. */
static int parse(int argc, char **argv, cli_opts *o, query_args *q) {
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || strcmp(a, "-") == 0) {
      o->args[o->nargs++] = a;
      continue;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      o->help = 1;
      continue;
    }
    /* --name=value or --name value (-o value) */
    const char *name = a[1] == '-' ? a + 2 : a + 1;
    const char *eq = strchr(name, '=');
    size_t kl = eq ? (size_t)(eq - name) : strlen(name);
    const char *val = eq ? eq + 1 : NULL;
#define IS(s) (kl == strlen(s) && strncmp(name, s, kl) == 0)
    int flag = IS("kwic") || IS("strict") || IS("quiet");
    int optional = IS("count");
    int known = flag || optional || IS("freq") || IS("format") || IS("output") ||
                (a[1] != '-' && IS("o")) || IS("limit") || IS("width") || IS("within") ||
                IS("gazetteer");
    if (!known || (a[1] != '-' && !IS("o")))
      return cli_fail("query", EXIT_USAGE, "unknown option '%s' (see quarry query --help)", a);
    if (flag && val) return cli_fail("query", EXIT_USAGE, "option '--%.*s' takes no value", (int)kl, name);
    if (optional) {
      if (!val && i + 1 < argc && looks_like_by(argv[i + 1])) val = argv[++i];
      if (set_mode(q, "count")) return EXIT_USAGE;
      q->by = val ? val : "";
      if (val && !*val) return cli_fail("query", EXIT_USAGE, "--count= needs what to count by");
      continue;
    }
    if (IS("kwic")) {
      if (set_mode(q, "kwic")) return EXIT_USAGE;
      continue;
    }
    if (IS("strict") || IS("quiet")) {
      if (IS("strict")) o->strict = 1;
      else o->quiet = 1;
      continue;
    }
    if (!val) {
      if (i + 1 >= argc) return cli_fail("query", EXIT_USAGE, "option '%s' needs a value", a);
      val = argv[++i];
    }
    if (IS("freq")) {
      if (set_mode(q, "freq")) return EXIT_USAGE;
      /* the attributes of c:freq's `by` (qr_by_from_name) */
      if (!one_of(val, "word lower kind shape ent id"))
        return cli_fail("query", EXIT_USAGE,
                        "bad --freq '%s' (word, lower, kind, shape, ent or id)", val);
      q->by = val;
    } else if (IS("format")) {
      o->format = val;
    } else if (IS("output") || IS("o")) {
      o->output = val;
    } else if (IS("gazetteer")) {
      o->gazetteer = val;
    } else if (IS("limit")) {
      if ((q->limit = number(val, 1, 1L << 40)) < 0)
        return cli_fail("query", EXIT_USAGE, "bad --limit '%s' (a number, 1 or more)", val);
    } else if (IS("width")) {
      if ((q->width = number(val, 20, 10000)) < 0)
        return cli_fail("query", EXIT_USAGE, "bad --width '%s' (a number of columns, 20 to 10000)",
                        val);
    } else if (IS("within")) {
      if (strcmp(val, "s") != 0 && strcmp(val, "p") != 0 && strcmp(val, "d") != 0)
        return cli_fail("query", EXIT_USAGE, "bad --within '%s' (s, p or d)", val);
      q->within = val;
    }
#undef IS
  }
  return 0;
}

int cmd_query(int argc, char **argv) {
  cli_opts o;
  memset(&o, 0, sizeof o);
  o.args = calloc((size_t)argc + 1, sizeof *o.args);
  if (!o.args) return cli_fail("query", EXIT_DATA, "out of memory");
  query_args q = {"list", "", 0, 0, ""};
  int code = parse(argc, argv, &o, &q);
  if (code) {
    free(o.args);
    return code;
  }
  if (o.help) {
    free(o.args);
    cli_usage(stdout, "query");
    return EXIT_OK;
  }
  if (o.nargs < 1) {
    code = cli_fail("query", EXIT_USAGE, "no pattern given (usage: quarry query PATTERN CORPUS...)");
  } else if (o.nargs < 2) {
    code = cli_fail("query", EXIT_USAGE, "no corpus given (usage: quarry query PATTERN CORPUS...)");
  } else if (o.format && !one_of(o.format, formats)) {
    code = cli_fail("query", EXIT_USAGE, "unknown format '%s' (expected one of: %s)", o.format,
                    formats);
  } else if (q.width && strcmp(q.mode, "kwic") != 0) {
    code = cli_fail("query", EXIT_USAGE, "--width goes with --kwic (the concordance's width)");
  } else {
    /* the script's arguments: pattern, mode, by, format, limit, width,
     * within; the corpus is the positional arguments after the pattern */
    const char *fmt = o.format ? o.format : "table";
    if (strcmp(fmt, "markdown") == 0) fmt = "md";
    char limit[24], width[24];
    snprintf(limit, sizeof limit, "%ld", q.limit);
    snprintf(width, sizeof width, "%ld", q.width ? q.width : (long)default_width(o.output));
    const char *script_args[7] = {o.args[0], q.mode, q.by, fmt, limit, width, q.within};
    o.script_args = script_args;
    o.nscript_args = 7;
    /* TSV and the total of --count are written by the script, through the
     * report's table format (its writer, not its layout): json would add
     * an empty list at the end */
    int text = strcmp(fmt, "tsv") == 0 || (strcmp(q.mode, "count") == 0 && !*q.by);
    code = cli_run_command("query", "scripts/quarry/cmd/query.lua", &o, 1, text ? "table" : fmt);
  }
  free(o.args);
  return code;
}
