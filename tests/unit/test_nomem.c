/* test_nomem.c — every allocation failed in turn, as SQLite and Lua test.
 *
 * The program is linked with malloc, calloc, realloc, strdup and strndup
 * wrapped (-Wl,--wrap=..., see the Makefile), so that every allocation of
 * the core, and of the Lua states it makes (their allocator calls realloc),
 * passes through the counter below. A scenario runs first with nothing
 * failing, to learn its result and how many allocations it makes; then
 * again with allocation 1 failing, then 2, and so on until a run makes
 * fewer allocations than the number to fail. Each run must end cleanly:
 * with an error (out of memory), or with the very result of the first run
 * (a failure that was worked around), never a crash or a different result.
 * Under `make sanitize`, LeakSanitizer checks at exit that no run leaked.
 * QUARRY_NOMEM_AT=N runs only with allocation N failing and prints where it
 * was made (for finding what a failure here points at). QUARRY_NOMEM_STRIDE=K
 * fails every K-th allocation only: `make test` samples with K = 7, and
 * `make sanitize` (CI) sweeps them all, under ASan.
 *
 * Two scenarios: the C core (a gazetteer loaded, compiled and loaded back;
 * a corpus of a directory and a JSON Lines file opened, annotated and
 * matched; a frequency list, a phrase, an entity's mentions, candidates),
 * and the same through Lua (quarry.open, a gazetteer changed, kwic,
 * freq, candidates, co-occurrences, documents, sentences and tokens walked,
 * matching, JSON, reports rendered as a table and as CSV). */
#define _GNU_SOURCE
#include <execinfo.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quarry/corpus.h"
#include "quarry/gazetteer.h"
#include "quarry/lua.h"
#include "quarry/query.h"
#include "unit.h"

/* ---- the failing allocator ---------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

/* The test's own state (the program's, not the library's). */
static long allocs;     /* allocations since the run began */
static long fail_at;    /* the one to fail (1-based); 0: none */
static int persist;     /* fail every allocation from fail_at on, not that one alone */
static long failed;     /* how many were failed in this run */
static int paused;      /* the test's own bookkeeping: never failed, not counted */
static int trace;       /* QUARRY_NOMEM_AT=N: print where allocation N is made */

static int fail_now(void) {
  if (paused) return 0;
  ++allocs;
  if (fail_at == 0 || allocs < fail_at || (allocs > fail_at && !persist)) return 0;
  failed++;
  if (trace && allocs == fail_at) {
    void *frames[32];
    int n = backtrace(frames, 32);
    fprintf(stderr, "allocation %ld fails here:\n", fail_at);
    backtrace_symbols_fd(frames, n, 2);
  }
  return 1;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return fail_now() ? NULL : __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) {
  if (n == 0) return __real_realloc(p, n);   /* a free, not an allocation */
  return fail_now() ? NULL : __real_realloc(p, n);
}
char *__wrap_strdup(const char *s) { return fail_now() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return fail_now() ? NULL : __real_strndup(s, n); }

/* ---- the inputs ------------------------------------------------------------ */

static const char gaz_tsv[] =
  "putin\tPERSON\tVladimir Putin\tPutin | Vladimir Vladimirovich Putin\trole=president\n"
  "kim\tPERSON\tKim Jong Un\tKim Jong-un | Kim\n"
  "nk\tGPE\tNorth Korea\tDPRK | N. Korea\n"
  "ru\tGPE\tRussia\tRussian Federation\n"
  "us\tGPE\tUnited States\tU.S. | US\n"
  "stop\tSTOP\tNorth Korea Times\n";

static const char doc_a[] =
  "Putin Visits North Korea\n\n"
  "Vladimir Putin arrived in Pyongyang on Tuesday. Kim Jong-un met him at the airport. "
  "Putin said Russia and the DPRK would stand together; the U.S. objected.\n";
static const char doc_b[] =
  "Talks End\n\nKim and Putin signed a pact. The North Korea Times called it historic. "
  "Observers in Seoul and Washington were less sure.\n";
static const char docs_jsonl[] =
  "{\"id\": \"j1\", \"text\": \"Russia's envoy met Kim Jong Un.\", \"source\": \"wire\"}\n"
  "{\"id\": \"j2\", \"text\": \"The US and North Korea spoke. Putin did not.\"}\n";

/* A directory of its own, made once: two .txt documents and a .jsonl file. */
static char dir[64];

static int write_file(const char *name, const char *text) {
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  int ok = fputs(text, f) >= 0;
  return fclose(f) == 0 && ok ? 0 : -1;
}

static int make_inputs(void) {
  snprintf(dir, sizeof dir, "%s/quarry-nomem.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(dir)) return -1;
  char docs[96];
  snprintf(docs, sizeof docs, "%s/docs", dir);
  if (mkdir(docs, 0700) != 0) return -1;
  return write_file("docs/a.txt", doc_a) || write_file("docs/b.txt", doc_b) ||
         write_file("news.jsonl", docs_jsonl) || write_file("gaz.tsv", gaz_tsv);
}

static void remove_inputs(void) {
  static const char *const names[] = {"docs/a.txt", "docs/b.txt", "docs", "news.jsonl",
                                      "gaz.tsv", NULL};
  char path[128];
  for (int k = 0; names[k]; k++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[k]);
    remove(path);
  }
  rmdir(dir);
}

/* ---- the C scenario ----------------------------------------------------------- */

/* Runs the core's part; on success writes what it found into out (a digest
 * that the reference run and every successful run must agree on) and
 * returns QR_OK; else the first error. */
static qr_status core_run(qr_buf *out) {
  qr_error err;
  qr_status rc = QR_OK;
  qr_gazetteer *g = qr_gazetteer_new(), *g2 = NULL;
  qr_corpus *c = NULL;
  FILE *fp = NULL;
  char *bytes = NULL;
  qr_freq_row *rows = NULL, *erows = NULL;
  qr_hit *hits = NULL, *ehits = NULL;
  qr_cand_row *cands = NULL;
  size_t nrows = 0, nerows = 0, nhits = 0, nehits = 0, ncands = 0;
  if (!g) return QR_ENOMEM;
  rc = qr_gazetteer_load_tsv(g, gaz_tsv, sizeof gaz_tsv - 1, "gaz.tsv", &err);
  /* written as a compiled file and read back: the gazetteer the corpus uses */
  if (!rc && !(fp = tmpfile())) rc = QR_EIO;
  if (!rc) rc = qr_gazetteer_write(g, fp, &err);
  long size = !rc ? ftell(fp) : 0;
  if (!rc && (size <= 0 || !(bytes = malloc((size_t)size)))) rc = size <= 0 ? QR_EIO : QR_ENOMEM;
  if (!rc) {
    rewind(fp);
    if (fread(bytes, 1, (size_t)size, fp) != (size_t)size) rc = QR_EIO;
  }
  if (!rc && !(g2 = qr_gazetteer_new())) rc = QR_ENOMEM;
  if (!rc) rc = qr_gazetteer_load_compiled(g2, bytes, (size_t)size, "gaz.qgaz", &err);
  /* a change to the loaded file's gazetteer copies it (thaws) */
  static const char *const pyongyang[] = {"Pyongyang"};
  if (!rc) rc = qr_gazetteer_add(g2, "pyongyang", "GPE", pyongyang, 1, NULL, 0, QR_CASE_AUTO, &err);
  char path[128];
  if (!rc && !(c = qr_corpus_new())) rc = QR_ENOMEM;
  snprintf(path, sizeof path, "%s/docs", dir);
  if (!rc) rc = qr_corpus_add_path(c, path, &err);
  snprintf(path, sizeof path, "%s/news.jsonl", dir);
  if (!rc) rc = qr_corpus_add_path(c, path, &err);
  if (!rc) rc = qr_corpus_match(c, g2, &err);
  qr_freq_opts fo = {0};
  fo.fold = 1;
  if (!rc) rc = qr_freq_forms(c, &fo, &rows, &nrows);
  qr_freq_opts eo = {0};
  if (!rc) rc = qr_freq_entities(c, &eo, &erows, &nerows);
  /* a phrase: "north korea" by the lexicon ids of its folded words */
  uint32_t ids[2] = {QR_LEX_NONE, QR_LEX_NONE};
  if (!rc) {
    const qr_tokens *t = qr_corpus_tokens(c);
    const uint32_t *fold = qr_corpus_folds(c);
    for (size_t i = 0; i + 1 < t->n && ids[0] == QR_LEX_NONE; i++) {
      qr_doc d;
      qr_corpus_doc(c, qr_corpus_doc_of_token(c, i), &d);
      if (t->len[i] == 5 && memcmp(d.text + t->start[i], "North", 5) == 0) {
        ids[0] = fold[i];
        ids[1] = fold[i + 1];
      }
    }
    rc = qr_find_phrase(c, ids, 2, 0, 0, &hits, &nhits);
  }
  if (!rc) rc = qr_find_entity(c, (uint32_t)qr_gazetteer_find(g2, "putin"), 0, &ehits, &nehits);
  qr_cand_opts co = {0};
  if (!rc) rc = qr_find_candidates(c, &co, &cands, &ncands);
  paused = 1;   /* the digest is the test's, not the core's */
  if (!rc) {
    qr_buf_reset(out);
    const qr_mentions *m = qr_corpus_mentions(c);
    qr_buf_printf(out, "docs %zu tokens %zu mentions %zu forms %zu entities %zu", qr_corpus_ndocs(c),
                  qr_corpus_tokens(c)->n, m->n, nrows, nerows);
    for (size_t k = 0; k < m->n; k++)
      qr_buf_printf(out, " %u+%u=%s", m->tok_first[k], m->tok_count[k],
                    qr_gazetteer_id(g2, m->entry[k]));
    qr_buf_printf(out, " | north korea %zu putin %zu candidates %zu", nhits, nehits, ncands);
    if (nrows) qr_buf_printf(out, " top %u x%llu", rows[0].key, (unsigned long long)rows[0].count);
  }
  paused = 0;
  free(rows);
  free(erows);
  free(hits);
  free(ehits);
  free(cands);
  qr_corpus_free(c);
  free(bytes);
  if (fp) fclose(fp);
  qr_gazetteer_free(g2);
  qr_gazetteer_free(g);
  return rc;
}

/* ---- the Lua scenario ------------------------------------------------------------ */

static const char lua_script[] =
  "local dir = ...\n"
  "local quarry = require 'quarry'\n"
  "local report = require 'quarry.report'\n"
  "local g = quarry.gazetteer(dir .. '/gaz.tsv')\n"
  "g:add('seoul', 'GPE', { 'Seoul' })\n"
  "g:remove('us')\n"
  "local c = quarry.open({ dir .. '/docs', dir .. '/news.jsonl' }, { gazetteer = g, quiet = true })\n"
  "local out = {}\n"
  "local previous = report.setup{ format = 'table', write = function(s) out[#out + 1] = s end }\n"
  "report.table(c:kwic('Putin', { width = 3 }), { columns = { 'left', 'match', 'right' } })\n"
  "report.table(c:kwic({ entity = 'kim' }))\n"
  "report.table(c:freq{ top = 5 })\n"
  "report.table(c:freq{ type = 'PERSON' })\n"
  "report.table(c:candidates{ single = true })\n"
  "report.table(c:query('a:[ent=\"PERSON\"] []{0,2} [lower=\"met|visit.*\"] within s'):list())\n"
  "report.table(c:kwic('[word=\"Putin\"] | [id=\"kim\"]', { sort = 'left1', width = 2 }))\n"
  "local w = 0\n"
  "for _, k, kind in c:columns{ 'kind' } do for i = 1, k do w = w + kind[i] end end\n"
  "report.table(c:collocates('Putin', { window = 2, min = 1 }))\n"
  "report.table(quarry.cooccurrences(c, { min = 1 }))\n"
  "local n, words = 0, 0\n"
  "for m in c:entities() do n = n + 1 end\n"
  "for d in c:docs() do\n"
  "  for s in d:sentences() do\n"
  "    for t in s:tokens() do if t.kind == 'word' then words = words + 1 end end\n"
  "  end\n"
  "end\n"
  "report.print('mentions', n, 'words', words, w, #c:doc(1):sentences(), tostring(c))\n"
  "report.table(g:match('Kim Jong Un met Putin in Seoul.'))\n"
  "report.table(g:entries{ type = 'GPE' })\n"
  "report.print(#quarry.tokenize(\"Russia's army didn't go.\"), #quarry.sentences('Mr. Kim left. He went.'))\n"
  "report.print(quarry.json.encode(quarry.json.decode('{\"a\": [1, 2.5, \"x\"]}')))\n"
  "report.print(report.render(c:freq{ top = 3 }, 'csv'))\n"
  "report.finish()\n"
  "report.setup(previous)\n"
  "return table.concat(out)\n";

/* Loads and calls the script with the directory (in protected mode: both
 * may run out of memory, and only a protected call may raise). */
static int call_script(lua_State *L) {
  if (luaL_loadbufferx(L, lua_script, sizeof lua_script - 1, "=nomem", "t") != LUA_OK)
    return lua_error(L);
  lua_pushstring(L, dir);
  lua_call(L, 1, 1);
  return 1;
}

static int lua_run(qr_buf *out) {
  lua_State *L = qr_lua_newstate(NULL);
  if (!L) return -1;
  lua_pushcfunction(L, call_script);   /* a light C function: no allocation */
  int st = qr_lua_pcall(L, 0, 1);
  paused = 1;
  qr_buf_reset(out);
  size_t n;
  const char *s = lua_tolstring(L, -1, &n);
  if (s) qr_buf_append(out, s, n);
  paused = 0;
  qr_lua_close(L);
  return st == LUA_OK ? 0 : 1;
}

/* ---- the sweep ------------------------------------------------------------------- */

typedef int (*scenario)(qr_buf *out);

static int core_scenario(qr_buf *out) { return core_run(out) == QR_OK ? 0 : 1; }

/* Runs sc with allocation N failing for every N until a run makes fewer
 * allocations than N; checks each against the reference run. */
static void sweep(unit *u, const char *name, scenario sc, int from_on) {
  qr_buf want = {0}, got = {0};
  fail_at = 0;
  allocs = 0;
  unit_case(u, "%s: the run with nothing failing", name);
  int ref = sc(&want);
  long total = allocs;
  if (ref != 0 || !want.data) {
    unit_fail(u, __FILE__, __LINE__, "reference run failed: %s", want.data ? want.data : "");
    qr_buf_free(&want);
    return;
  }
  const char *every_k = getenv("QUARRY_NOMEM_STRIDE");
  unit_case(u, "%s: allocation 1, %s... %ld failed in turn%s", name,
            every_k && atol(every_k) > 1 ? "then every few, " : "2, ", total,
            from_on ? ", and every one after it" : "");
  persist = from_on;
  long errors = 0, worked_around = 0, wrong = 0;
  const char *at = getenv("QUARRY_NOMEM_AT"), *every = getenv("QUARRY_NOMEM_STRIDE");
  long only = at ? atol(at) : 0, stride = every && atol(every) > 1 ? atol(every) : 1;
  trace = only > 0;
  for (long n = only > 0 ? only : 1;; n += stride) {
    fail_at = n;
    allocs = 0;
    failed = 0;
    int r = sc(&got);
    if (allocs < n) break;   /* nothing left to fail: the sweep is done */
    if (only > 0) {   /* one allocation, traced: say what happened */
      fprintf(stderr, "%s, allocation %ld failed: %s\n%s\n", name, n,
              r == 0 ? "the run succeeded" : "the run failed", got.data ? got.data : "");
      break;
    }
    if (r == 0) {
      worked_around++;
      if (!got.data || strcmp(got.data, want.data) != 0) {
        if (wrong++ < 5)
          unit_fail(u, __FILE__, __LINE__, "allocation %ld failed: a different result\n#   %s", n,
                    got.data ? got.data : "(none)");
      }
    } else {
      errors++;
    }
  }
  fail_at = 0;
  persist = 0;
  printf("# %s%s: %ld allocations; failing each: %ld runs ended with an error, %ld worked "
         "around it\n", name, from_on ? " (and all after)" : "", total, errors, worked_around);
  CHECK(u, errors > 0);
  qr_buf_free(&want);
  qr_buf_free(&got);
}

int main(void) {
  unit u = {0};
  if (make_inputs() != 0) {
    unit_case(&u, "the inputs");
    unit_fail(&u, __FILE__, __LINE__, "cannot write the inputs in %s", dir);
    return unit_finish(&u);
  }
  /* one allocation failing: the code must go on or give up cleanly; every
   * allocation from one on failing: Lua's emergency collection cannot save
   * it, and the clean-up runs out of memory too */
  sweep(&u, "core", core_scenario, 0);
  sweep(&u, "lua", lua_run, 0);
  sweep(&u, "core", core_scenario, 1);
  sweep(&u, "lua", lua_run, 1);
  remove_inputs();
  return unit_finish(&u);
}
