/* unit.h — a small harness for the C unit tests of the core.
 *
 * A test program runs named cases; each prints one TAP line ("ok N - name"
 * or "not ok N - name" followed by "# " lines saying what failed), which
 * tests/run counts. Data-driven tests read their cases from tests/data/. */
#ifndef QUARRY_TESTS_UNIT_H
#define QUARRY_TESTS_UNIT_H

#include <stddef.h>

typedef struct unit {
  int cases, failed;
  int in_case, case_failed;
  char name[200];
  char log[2048];
  size_t loglen;
} unit;

/* Starts a case (finishing the one before). */
void unit_case(unit *u, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Records a failure of the current case. */
void unit_fail(unit *u, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Finishes the last case; returns the exit status of the program. */
int unit_finish(unit *u);

/* The contents of a file, malloc'ed and NUL-terminated; NULL on error. */
char *unit_slurp(const char *path, size_t *len);

#define CHECK(u, cond) \
  ((cond) ? 1 : (unit_fail((u), __FILE__, __LINE__, "check failed: %s", #cond), 0))
#define CHECK_INT(u, got, want)                                                      \
  do {                                                                               \
    long long g_ = (long long)(got), w_ = (long long)(want);                         \
    if (g_ != w_) unit_fail((u), __FILE__, __LINE__, "%s = %lld, expected %lld", #got, g_, w_); \
  } while (0)
#define CHECK_STR(u, got, want)                                                      \
  do {                                                                               \
    const char *g_ = (got), *w_ = (want);                                            \
    if (!g_ || strcmp(g_, w_) != 0)                                                  \
      unit_fail((u), __FILE__, __LINE__, "%s\n#   got:      \"%s\"\n#   expected: \"%s\"", #got, \
                g_ ? g_ : "(null)", w_);                                             \
  } while (0)

#endif
