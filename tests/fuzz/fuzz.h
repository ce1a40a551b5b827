/* fuzz.h — what the fuzz targets share: libFuzzer's entry point, declared
 * here so that -Wmissing-prototypes holds (tests/fuzz/replay.c calls the
 * same function from a plain main), the exact-size copy every target hands
 * to the code under test, and a check that aborts, so that a broken
 * contract is a crash to libFuzzer and a failure to the replay. */
#ifndef QUARRY_FUZZ_H
#define QUARRY_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A heap copy of exactly size bytes, so that a read one byte past the input
 * is a heap-buffer-overflow that ASan reports (a mapped file is rounded up
 * to a page, which hides it). The caller frees it. */
static inline char *fuzz_copy(const uint8_t *data, size_t size) {
  char *p = malloc(size);
  if (!p && size == 0) p = malloc(1);   /* a libc whose malloc(0) is NULL */
  if (!p) abort();
  if (size) memcpy(p, data, size);
  return p;
}

/* QUARRY_FUZZ_SEALED=FILE: the resealed copy a target loads, written out so
 * that the CLI can reproduce a crash with the very bytes (README.md). */
static inline void fuzz_write_sealed(const char *bytes, size_t size) {
  const char *sealed = getenv("QUARRY_FUZZ_SEALED");
  FILE *out = sealed ? fopen(sealed, "wb") : NULL;
  if (!out) return;
  fwrite(bytes, 1, size, out);
  fclose(out);
}

/* Aborts (a crash the fuzzer saves) when a documented property fails. */
#define FUZZ_CHECK(cond)                                                        \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
      abort();                                                                  \
    }                                                                           \
  } while (0)

#endif
