/* cmd_gazetteer.c — `quarry gazetteer compile|stats`: gazetteers as files.
 *
 *   quarry gazetteer compile IN... -o FILE [--format tsv|jsonl|geonames]
 *   quarry gazetteer stats FILE... [--format table|jsonl]
 *
 * compile reads any number of gazetteers (in any format quarry reads, the
 * compiled one included) into one and writes it compiled: a file that loads
 * in milliseconds (see core/lookup/compiled.c). stats says what a gazetteer
 * holds and the memory it takes per entry, and checks a compiled file's
 * checksum. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "quarry/gazetteer.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compile(const cli_opts *o) {
  if (o->nargs < 2)
    return cli_fail("gazetteer compile", EXIT_USAGE, "no input given (usage: quarry gazetteer "
                    "compile IN... -o FILE)");
  if (!o->output)
    return cli_fail("gazetteer compile", EXIT_USAGE, "-o FILE is needed: a compiled gazetteer "
                    "is a file to map, not a stream");
  qr_gazetteer *g = qr_gazetteer_new();
  if (!g) return cli_fail("gazetteer compile", EXIT_DATA, "out of memory");
  qr_error err = {0};
  int code = EXIT_OK;
  double t0 = now();
  for (int i = 1; i < o->nargs && code == EXIT_OK; i++)
    if (qr_gazetteer_load_file_as(g, o->args[i], o->format, &err))
      code = cli_fail("gazetteer compile", err.status == QR_EARG ? EXIT_USAGE : EXIT_DATA, "%s",
                      err.msg);
  double t1 = now();
  cli_output out = {0};
  if (code == EXIT_OK && cli_output_open(&out, o->output, &err) < 0)
    code = cli_fail("gazetteer compile", EXIT_DATA, "%s", err.msg);
  else if (code == EXIT_OK) {
    if (qr_gazetteer_write(g, out.fp, &err)) {
      cli_output_abort(&out);
      code = cli_fail("gazetteer compile", EXIT_DATA, "%s: %s", o->output, err.msg);
    } else if (cli_output_commit(&out, &err) < 0) {
      code = cli_fail("gazetteer compile", EXIT_DATA, "%s", err.msg);
    }
  }
  if (code == EXIT_OK)
    fprintf(stderr, "quarry gazetteer compile: %zu entries read in %.2f s, written to %s\n",
            qr_gazetteer_count(g), t1 - t0, o->output);
  qr_gazetteer_free(g);
  return code;
}

static int stats(const cli_opts *o) {
  if (o->nargs < 2)
    return cli_fail("gazetteer stats", EXIT_USAGE, "no gazetteer given (usage: quarry gazetteer "
                    "stats FILE...)");
  int jsonl = o->format && strcmp(o->format, "jsonl") == 0;
  if (o->format && !jsonl && strcmp(o->format, "table") != 0)
    return cli_fail("gazetteer stats", EXIT_USAGE, "unknown format '%s' (expected table or jsonl)",
                    o->format);
  if (!jsonl)
    printf("%-32s %10s %10s %8s %12s %10s %10s %9s\n", "file", "entries", "names", "types",
           "memory", "per entry", "load", "checksum");
  int code = EXIT_OK;
  for (int i = 1; i < o->nargs && code == EXIT_OK; i++) {
    qr_gazetteer *g = qr_gazetteer_new();
    qr_error err = {0};
    if (!g) return cli_fail("gazetteer stats", EXIT_DATA, "out of memory");
    double t0 = now();
    if (qr_gazetteer_load_file(g, o->args[i], &err)) {
      code = cli_fail("gazetteer stats", EXIT_DATA, "%s", err.msg);
      qr_gazetteer_free(g);
      break;
    }
    double t1 = now();
    const char *check = "-";
    if (qr_gazetteer_is_mapped(g)) {
      check = qr_gazetteer_verify(g, &err) ? "damaged" : "ok";
      if (strcmp(check, "ok") != 0) code = EXIT_DATA;
    }
    size_t n = qr_gazetteer_count(g), names = 0, mem = qr_gazetteer_memory(g);
    size_t ntypes = 0;
    for (size_t e = 0; e < qr_gazetteer_size(g); e++) {
      if (!qr_gazetteer_live(g, e)) continue;
      names += qr_gazetteer_nnames(g, e);
    }
    {
      /* distinct types: few, so a short list does */
      const char *seen[64];
      for (size_t e = 0; e < qr_gazetteer_size(g); e++) {
        if (!qr_gazetteer_live(g, e)) continue;
        const char *t = qr_gazetteer_type(g, e);
        size_t k = 0;
        while (k < ntypes && k < 64 && strcmp(seen[k], t) != 0) k++;
        if (k == ntypes) {
          if (ntypes < 64) seen[ntypes] = t;
          ntypes++;
        }
      }
    }
    double per = n ? (double)mem / (double)n : 0;
    if (jsonl)
      printf("{\"file\":\"%s\",\"entries\":%zu,\"names\":%zu,\"types\":%zu,\"memory\":%zu,"
             "\"bytes_per_entry\":%.1f,\"load_ms\":%.2f,\"compiled\":%s,\"checksum\":\"%s\"}\n",
             o->args[i], n, names, ntypes, mem, per, (t1 - t0) * 1e3,
             qr_gazetteer_is_mapped(g) ? "true" : "false", check);
    else
      printf("%-32s %10zu %10zu %8zu %9.1f MB %8.1f B %7.1f ms %9s\n", o->args[i], n, names,
             ntypes, (double)mem / 1e6, per, (t1 - t0) * 1e3, check);
    if (strcmp(check, "damaged") == 0)
      cli_fail("gazetteer stats", EXIT_DATA, "%s: %s", o->args[i], err.msg);
    qr_gazetteer_free(g);
  }
  return code;
}

int cmd_gazetteer(int argc, char **argv) {
  cli_opts o;
  if (cli_parse("gazetteer", argc, argv, 2, "format output", &o) < 0) return EXIT_USAGE;
  int code;
  const char *sub = o.nargs ? o.args[0] : NULL;
  if (o.help) {
    cli_usage(stdout, "gazetteer");
    code = EXIT_OK;
  } else if (!sub) {
    code = cli_fail("gazetteer", EXIT_USAGE, "no subcommand (usage: quarry gazetteer "
                    "compile|stats ...)");
  } else if (strcmp(sub, "compile") == 0) {
    code = compile(&o);
  } else if (strcmp(sub, "stats") == 0) {
    code = stats(&o);
  } else {
    code = cli_fail("gazetteer", EXIT_USAGE, "unknown subcommand '%s' (expected compile or stats)",
                    sub);
  }
  cli_opts_free(&o);
  return code;
}
