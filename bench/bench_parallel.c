/* bench_parallel.c — tokenize + split on one thread and on several.
 *
 * usage: bench_parallel FILE [THREADS [ROUNDS]]
 * Reads FILE into memory, cuts it into the blocks `quarry tokens` and a
 * corpus load use (qr_text_block_end), then times, best of ROUNDS (default
 * 3) by the wall clock, the tokenizer and sentence splitter over every block
 * on one thread, then on THREADS (default 2) threads that take the next
 * block each (the way core/corpus/parallel.c shares spans), and prints MB/s
 * and the ratio. The token and sentence counts of both must agree. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quarry/file.h"
#include "quarry/text.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct shared {
  const qr_segmenter *seg;
  const char *text;
  const size_t *ends;        /* block k is [ends[k - 1] or 0, ends[k]) */
  size_t nblocks;
  atomic_size_t next;
} shared;

typedef struct worker {
  shared *sh;
  size_t tokens, sentences;
  int failed;
} worker;

static void *work(void *p) {
  worker *w = p;
  shared *sh = w->sh;
  qr_tokens t = {0};
  qr_sentences st = {0};
  for (;;) {
    size_t k = atomic_fetch_add(&sh->next, 1);
    if (k >= sh->nblocks) break;
    size_t a = k ? sh->ends[k - 1] : 0, e = sh->ends[k];
    qr_tokens_reset(&t);
    qr_sentences_reset(&st);
    if (qr_tokenize(sh->seg, sh->text + a, e - a, &t) ||
        qr_split_sentences(sh->seg, sh->text + a, e - a, &t, 0, &st)) {
      w->failed = 1;
      break;
    }
    w->tokens += t.n;
    w->sentences += st.n;
  }
  qr_tokens_free(&t);
  qr_sentences_free(&st);
  return NULL;
}

/* One timed pass on n threads; returns seconds, or -1. */
static double pass(shared *sh, int n, size_t *tokens, size_t *sentences) {
  worker w[64];
  pthread_t tid[64];
  atomic_store(&sh->next, 0);
  double t0 = now();
  for (int i = 0; i < n; i++) {
    w[i] = (worker){sh, 0, 0, 0};
    if (i && pthread_create(&tid[i], NULL, work, &w[i]) != 0) return -1;
  }
  work(&w[0]);
  for (int i = 1; i < n; i++) pthread_join(tid[i], NULL);
  double t = now() - t0;
  *tokens = *sentences = 0;
  for (int i = 0; i < n; i++) {
    if (w[i].failed) return -1;
    *tokens += w[i].tokens;
    *sentences += w[i].sentences;
  }
  return t;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_parallel FILE [THREADS [ROUNDS]]\n");
    return 2;
  }
  int threads = argc > 2 ? atoi(argv[2]) : 2, rounds = argc > 3 ? atoi(argv[3]) : 3;
  if (threads < 1 || threads > 64) threads = 2;
  qr_file f;
  qr_error err;
  if (qr_file_open(&f, argv[1], &err)) {
    fprintf(stderr, "bench_parallel: %s\n", err.msg);
    return 1;
  }
  /* copy into memory, so that page faults are not timed */
  char *text = malloc(f.len + 1);
  size_t n = f.len, nblocks = 0;
  size_t *ends = malloc((n / QR_TEXT_BLOCK + 2) * sizeof *ends);
  if (!text || !ends) return 1;
  memcpy(text, f.data, n);
  qr_file_close(&f);
  for (size_t a = 0; a < n;) a = ends[nblocks++] = qr_text_block_end(text, n, a);
  qr_segmenter *seg = qr_segmenter_new();
  shared sh = {seg, text, ends, nblocks, 0};
  double best[2] = {1e30, 1e30};
  size_t tok[2], sent[2];
  for (int r = 0; r < rounds; r++)
    for (int k = 0; k < 2; k++) {
      double t = pass(&sh, k ? threads : 1, &tok[k], &sent[k]);
      if (t < 0) {
        fprintf(stderr, "bench_parallel: tokenizing failed\n");
        return 1;
      }
      if (t < best[k]) best[k] = t;
    }
  if (tok[0] != tok[1] || sent[0] != sent[1]) {
    fprintf(stderr, "bench_parallel: %zu tokens and %zu sentences on one thread, %zu and %zu on "
            "%d\n", tok[0], sent[0], tok[1], sent[1], threads);
    return 1;
  }
  double mb = (double)n / 1e6;
  printf("%-34s %8.1f MB/s  (%zu blocks, %zu tokens, %zu sentences)\n",
         "tokenize + split, 1 thread", mb / best[0], nblocks, tok[0], sent[0]);
  printf("%-34s %8.1f MB/s  %.2fx one thread  (target >= 1.8x on 2 cores)\n",
         threads == 2 ? "tokenize + split, 2 threads" : "tokenize + split, N threads",
         mb / best[1], best[0] / best[1]);
  qr_segmenter_free(seg);
  free(ends);
  free(text);
  return 0;
}
