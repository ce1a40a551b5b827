/* bench_text.c — how fast quarry tokenizes and splits, beside a floor.
 *
 * usage: bench_text FILE [ROUNDS]
 * Reads FILE into memory, then times, best of ROUNDS (default 3):
 *   - a plain split at ASCII white space (the floor any tokenizer pays),
 *   - quarry's tokenizer alone,
 *   - quarry's tokenizer and sentence splitter,
 *   - the splitter alone on tokens made beforehand, with and without the
 *     sentence model, and tokenizer and splitter without the model,
 * over the text in blocks of 1 MB cut at paragraph breaks, as `quarry tokens`
 * does, and prints MB/s with the ratio to the floor. */
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

/* Counts the white-space separated words: the least a tokenizer must do. */
static size_t whitespace_split(const char *s, size_t n) {
  size_t words = 0;
  int in_word = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    int space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    words += !space && !in_word;
    in_word = !space;
  }
  return words;
}

static size_t run_quarry(const qr_segmenter *seg, const char *s, size_t n, int split,
                         qr_tokens *t, qr_sentences *st) {
  size_t tokens = 0;
  for (size_t a = 0; a < n;) {
    size_t e = qr_text_block_end(s, n, a);
    qr_tokens_reset(t);
    qr_sentences_reset(st);
    if (qr_tokenize(seg, s + a, e - a, t) != QR_OK) return 0;
    if (split && qr_split_sentences(seg, s + a, e - a, t, 0, st) != QR_OK) return 0;
    tokens += t->n;
    a = e;
  }
  return tokens;
}

/* Splits pre-tokenized blocks: the cost of sentence splitting alone. */
static size_t split_only(const qr_segmenter *seg, const char *s, size_t n, qr_tokens *blocks,
                         size_t nblocks, const size_t *starts, qr_sentences *st) {
  size_t sentences = 0;
  for (size_t b = 0; b < nblocks; b++) {
    size_t a = starts[b], e = b + 1 < nblocks ? starts[b + 1] : n;
    qr_sentences_reset(st);
    if (qr_split_sentences(seg, s + a, e - a, &blocks[b], 0, st) != QR_OK) return 0;
    sentences += st->n;
  }
  return sentences;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_text FILE [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 2 ? atoi(argv[2]) : 3;
  qr_file f;
  qr_error err;
  if (qr_file_open(&f, argv[1], &err)) {
    fprintf(stderr, "bench_text: %s\n", err.msg);
    return 1;
  }
  /* copy into memory, so that page faults are not timed */
  char *text = malloc(f.len + 1);
  if (!text) return 1;
  memcpy(text, f.data, f.len);
  size_t n = f.len;
  qr_file_close(&f);
  qr_segmenter *seg = qr_segmenter_new();
  qr_tokens t = {0};
  qr_sentences st = {0};
  double best[3] = {1e30, 1e30, 1e30};
  size_t counts[3] = {0, 0, 0};
  for (int r = 0; r < rounds; r++) {
    double t0 = now();
    counts[0] = whitespace_split(text, n);
    double t1 = now();
    counts[1] = run_quarry(seg, text, n, 0, &t, &st);
    double t2 = now();
    counts[2] = run_quarry(seg, text, n, 1, &t, &st);
    double t3 = now();
    if (t1 - t0 < best[0]) best[0] = t1 - t0;
    if (t2 - t1 < best[1]) best[1] = t2 - t1;
    if (t3 - t2 < best[2]) best[2] = t3 - t2;
  }
  /* splitting alone, with and without the model, on tokens made once */
  size_t nblocks = 0, *starts = malloc((n / (1u << 20) + 2) * sizeof *starts);
  qr_tokens *blocks = calloc(n / (1u << 20) + 2, sizeof *blocks);
  for (size_t a = 0; a < n; nblocks++) {
    size_t e = qr_text_block_end(text, n, a);
    starts[nblocks] = a;
    qr_tokenize(seg, text + a, e - a, &blocks[nblocks]);
    a = e;
  }
  qr_segmenter *rules = qr_segmenter_new();
  qr_segmenter_set_model(rules, NULL);
  double best_split = 1e30, best_rules = 1e30, best_both_rules = 1e30;
  size_t sents = 0, sents_rules = 0;
  for (int r = 0; r < rounds; r++) {
    double t0 = now();
    sents = split_only(seg, text, n, blocks, nblocks, starts, &st);
    double t1 = now();
    sents_rules = split_only(rules, text, n, blocks, nblocks, starts, &st);
    double t2 = now();
    run_quarry(rules, text, n, 1, &t, &st);   /* tokenize + split without the model */
    double t3 = now();
    if (t1 - t0 < best_split) best_split = t1 - t0;
    if (t2 - t1 < best_rules) best_rules = t2 - t1;
    if (t3 - t2 < best_both_rules) best_both_rules = t3 - t2;
  }
  for (size_t b = 0; b < nblocks; b++) qr_tokens_free(&blocks[b]);
  free(blocks);
  free(starts);
  qr_segmenter_free(rules);
  double mb = (double)n / 1e6;
  static const char *const names[] = {"whitespace split (floor)", "quarry tokenize",
                                      "quarry tokenize + split"};
  printf("%-28s %10s %10s %12s\n", "", "MB/s", "tokens", "vs floor");
  for (int k = 0; k < 3; k++)
    printf("%-28s %10.1f %10zu %11.2fx\n", names[k], mb / best[k], counts[k],
           best[0] / best[k]);
  printf("%-28s %10.1f %10zu sentences\n", "  split alone (rules)", mb / best_rules, sents_rules);
  printf("%-28s %10.1f %10zu sentences\n", "  tokenize + split (rules)", mb / best_both_rules,
         sents_rules);
  printf("%-28s %10.1f %10zu sentences\n", "  split alone (rules + model)", mb / best_split, sents);
  /* where a megabyte's time goes, stage by stage, beside what the issue's
   * 300 MB/s allows: the budget a faster design has to meet */
  double ms = 1e3 / mb, tok = best[1] * ms, rules_ms = best_rules * ms,
         model = (best_split - best_rules) * ms;
  printf("per MB: tokenize %.2f ms + rules %.2f ms + model %.2f ms = %.2f ms"
         " (measured together: %.2f ms; 300 MB/s allows %.2f ms)\n",
         tok, rules_ms, model, tok + rules_ms + model, best[2] * ms, 1e3 / 300);
  qr_tokens_free(&t);
  qr_sentences_free(&st);
  qr_segmenter_free(seg);
  free(text);
  return 0;
}
