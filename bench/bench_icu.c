/* bench_icu.c — the peer: ICU's word and sentence break iterators over the
 * same text, read as UTF-8 through UText (so no conversion to UTF-16 is
 * charged to ICU).
 *
 * usage: bench_icu FILE [ROUNDS] — prints MB/s, best of ROUNDS, for word
 * breaks alone and for word + sentence breaks, and the counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Counts the boundaries of one iterator type over the text. */
static long count(UBreakIteratorType type, const char *text, long len, int words_only) {
  UErrorCode err = U_ZERO_ERROR;
  UText *ut = utext_openUTF8(NULL, text, len, &err);
  UBreakIterator *bi = ubrk_open(type, "en", NULL, 0, &err);
  if (U_FAILURE(err)) {
    fprintf(stderr, "bench_icu: %s\n", u_errorName(err));
    exit(1);
  }
  ubrk_setUText(bi, ut, &err);
  long n = 0;
  for (int32_t b = ubrk_first(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
    /* word breaks: count the segments that are words, numbers, kana/ideographs */
    if (!words_only || ubrk_getRuleStatus(bi) != UBRK_WORD_NONE) n++;
  }
  ubrk_close(bi);
  utext_close(ut);
  return n;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_icu FILE [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 2 ? atoi(argv[2]) : 3;
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)len + 1);
  if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) return 1;
  fclose(f);
  /* ICU's UTF-8 UText takes a 32-bit length: measure in pieces under 1 GB,
   * cut at line ends */
  double best_w = 1e30, best_ws = 1e30;
  long words = 0, sents = 0;
  for (int r = 0; r < rounds; r++) {
    double t0 = now();
    words = count(UBRK_WORD, text, len, 1);
    double t1 = now();
    sents = count(UBRK_SENTENCE, text, len, 0);
    double t2 = now();
    if (t1 - t0 < best_w) best_w = t1 - t0;
    if (t2 - t0 < best_ws) best_ws = t2 - t0;
  }
  double mb = (double)len / 1e6;
  printf("%-28s %10.1f %10ld\n", "ICU word breaks", mb / best_w, words);
  printf("%-28s %10.1f %10ld sentences\n", "ICU word + sentence breaks", mb / best_ws, sents);
  free(text);
  return 0;
}
