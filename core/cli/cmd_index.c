/* cmd_index.c — quarry index: a corpus written to an index file, made again
 * only where its documents changed; and quarry index --check.
 *
 * When -o names an index already, it is an update: the index is opened
 * (and checked whole, since what it holds is copied on), and each document
 * whose id and text are unchanged takes its annotations from it instead of
 * being annotated again; with the same gazetteer, its mentions too. The
 * new index is written beside the old one and renamed over it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "lua/lqr.h"
#include "quarry/corpus.h"
#include "quarry/index.h"

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The gazetteer: --gazetteer FILE, none with --gazetteer none, else
 * gazetteer.tsv in the first directory given, else the world gazetteer
 * (as quarry.open does).
 * *path gets the file used (malloc'ed), or NULL. */
static int load_gazetteer(const cli_opts *o, qr_gazetteer **out, char **path) {
  *out = NULL;
  *path = NULL;
  const char *p = o->gazetteer;
  if (p && strcmp(p, "none") == 0) return 0;
  char probe[4096];
  if (!p) {
    for (int i = 0; i < o->nargs && !p; i++) {
      if (qr_path_is_dir(o->args[i]) != 1) continue;
      snprintf(probe, sizeof probe, "%s/gazetteer.tsv", o->args[i]);
      FILE *f = fopen(probe, "r");
      if (f) {
        fclose(f);
        p = probe;
      }
      break;   /* the first directory only */
    }
  }
  if (!p) p = QR_WORLD_GAZETTEER;   /* none there */
  qr_gazetteer *g = qr_gazetteer_new();
  qr_error err = {0};
  if (!g) return cli_fail("index", EXIT_DATA, "out of memory"), -1;
  if (qr_gazetteer_load_file(g, p, &err)) {
    qr_gazetteer_free(g);
    return cli_fail("index", EXIT_DATA, "%s", err.msg), -1;
  }
  *out = g;
  *path = strdup(p);
  return 0;
}

/* quarry index --check NAME.qidx: every byte, and whether it is stale. */
static int check_index(const char *path) {
  qr_corpus *c = NULL;
  qr_error err = {0};
  double t0 = seconds();
  if (qr_index_open(path, QR_INDEX_VERIFY, &c, &err))
    return cli_fail("index", EXIT_DATA, "%s", err.msg);
  double took = seconds() - t0;
  const qr_index_info *info = qr_index_info_of(c);
  qr_index_staleness st;
  int code = EXIT_OK;
  if (qr_index_stale(c, &st, &err)) {
    code = cli_fail("index", EXIT_DATA, "%s", err.msg);
  } else {
    printf("%s: a sound index of %zu documents, %zu tokens, %llu bytes (made by quarry %s; "
           "checked in %.2f s)\n", path, qr_corpus_ndocs(c), qr_corpus_tokens(c)->n,
           (unsigned long long)info->file_size, info->version, took);
    if (st.added + st.changed + st.removed)
      printf("%s: stale: %zu added, %zu changed, %zu removed since it was made (first: %s); "
             "quarry index updates it\n", path, st.added, st.changed, st.removed, st.first);
    else
      printf("%s: up to date with its %zu source file%s\n", path, info->nsources,
             info->nsources == 1 ? "" : "s");
  }
  qr_corpus_free(c);
  return code;
}

static int make_index(cli_opts *o) {
  qr_gazetteer *g = NULL;
  char *gpath = NULL;
  if (load_gazetteer(o, &g, &gpath) < 0) return EXIT_DATA;
  double t0 = seconds();
  lqr_progress bar;
  int progress = !o->quiet && lqr_progress_start(&bar);
  qr_index_job job = {(const char *const *)o->args, (size_t)o->nargs,
                      o->strict ? QR_CORPUS_STRICT : 0, o->output, g, gpath,
                      progress ? lqr_progress_draw : NULL, progress ? &bar : NULL,
                      (size_t)o->jobs, progress ? lqr_progress_draw_writing : NULL, o->known_only};
  qr_index_report r;
  qr_corpus *c = NULL;
  qr_error err = {0};
  /* the index is opened again only for its warnings, when they are shown */
  qr_status rc = qr_index_make(&job, &r, o->quiet ? NULL : &c, &err);
  if (progress) lqr_progress_end(&bar);
  int code = EXIT_OK;
  if (!o->quiet && r.previous[0])
    fprintf(stderr, "quarry index: warning: %s; made again whole\n", r.previous);
  if (rc) {
    code = cli_fail("index", EXIT_DATA, "%s", err.msg);
  } else if (!o->quiet) {
    for (size_t k = 0; k < qr_corpus_nwarnings(c); k++)
      fprintf(stderr, "quarry index: warning: %s\n", qr_corpus_warning(c, k));
    fprintf(stderr, "quarry index: %s: %zu documents, %zu tokens", o->output, r.documents,
            r.tokens);
    if (r.updated)
      fprintf(stderr, " (%zu kept, %zu annotated, %zu removed)", r.kept, r.annotated, r.removed);
    fprintf(stderr, " in %.2f s\n", seconds() - t0);
  }
  qr_corpus_free(c);
  qr_gazetteer_free(g);
  free(gpath);
  return code;
}

int cmd_index(int argc, char **argv) {
  cli_opts o;
  if (cli_parse("index", argc, argv, 2, "output gazetteer strict quiet check jobs known-only", &o) <
      0)
    return EXIT_USAGE;
  int code;
  if (o.help) {
    cli_usage(stdout, "index");
    code = EXIT_OK;
  } else if (o.check) {
    code = o.nargs == 1 && !o.output
               ? check_index(o.args[0])
               : cli_fail("index", EXIT_USAGE, "--check takes one index and nothing else "
                          "(usage: quarry index --check NAME.qidx)");
  } else if (o.nargs < 1) {
    code = cli_fail("index", EXIT_USAGE, "no corpus given (usage: quarry index CORPUS... -o "
                    "NAME.qidx)");
  } else if (!o.output || strcmp(o.output, "-") == 0) {
    code = cli_fail("index", EXIT_USAGE, "an index is a file: give it with -o NAME.qidx");
  } else {
    code = make_index(&o);
  }
  cli_opts_free(&o);
  return code;
}
