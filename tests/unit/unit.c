/* unit.c — the test harness: cases, failures, TAP output. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void end_case(unit *u) {
  if (!u->in_case) return;
  printf("%s %d - %s\n", u->case_failed ? "not ok" : "ok", u->cases, u->name);
  if (u->case_failed) {
    fputs(u->log, stdout);
    u->failed++;
  }
  u->in_case = 0;
}

void unit_case(unit *u, const char *fmt, ...) {
  end_case(u);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(u->name, sizeof u->name, fmt, ap);
  va_end(ap);
  for (char *p = u->name; *p; p++)
    if (*p == '\n' || *p == '\t') *p = ' ';
  u->cases++;
  u->in_case = 1;
  u->case_failed = 0;
  u->log[0] = '\0';
  u->loglen = 0;
}

void unit_fail(unit *u, const char *file, int line, const char *fmt, ...) {
  u->case_failed = 1;
  if (u->loglen + 64 >= sizeof u->log) return;
  int n = snprintf(u->log + u->loglen, sizeof u->log - u->loglen, "# %s:%d: ", file, line);
  if (n > 0) u->loglen += (size_t)n;
  va_list ap;
  va_start(ap, fmt);
  n = vsnprintf(u->log + u->loglen, sizeof u->log - u->loglen, fmt, ap);
  va_end(ap);
  if (n > 0) u->loglen += (size_t)n;
  if (u->loglen >= sizeof u->log - 1) u->loglen = sizeof u->log - 2;
  u->log[u->loglen++] = '\n';
  u->log[u->loglen] = '\0';
}

int unit_finish(unit *u) {
  end_case(u);
  return u->failed ? 1 : 0;
}

char *unit_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (n + 1 == cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (!buf) return NULL;
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}
