/* lqr_progress.c — the progress bar of quarry.open{progress = true}.
 *
 * Drawn on standard error when it is a terminal, and never otherwise (a log
 * or a pipe gets no carriage returns). It waits half a second before the
 * first drawing, so that a small corpus, which loads at once, shows nothing,
 * then redraws at most ten times a second: percent, bytes, rate, time left
 * and documents. The line is erased when the load ends, so that what comes
 * next (a warning, the report) starts clean. QUARRY_PROGRESS_DELAY=SECONDS
 * changes the wait (the tests set 0). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "lua/lqr.h"

/* the phases, compared by address */
static const char reading[] = "reading", writing[] = "writing";

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int lqr_progress_start(lqr_progress *p) {
  p->drawn = 0;
  p->last_done = 0;
  p->what = reading;
  if (!isatty(STDERR_FILENO)) return 0;
  const char *d = getenv("QUARRY_PROGRESS_DELAY");
  p->delay = d && *d ? atof(d) : 0.5;
  p->start = now();
  p->last = 0;
  return 1;
}

/* "12.3 MB" */
static void size_text(char *out, size_t n, double bytes) {
  if (bytes >= 1e9) snprintf(out, n, "%.2f GB", bytes / 1e9);
  else if (bytes >= 1e6) snprintf(out, n, "%.1f MB", bytes / 1e6);
  else snprintf(out, n, "%.0f kB", bytes / 1e3);
}

static void draw(lqr_progress *p, const char *what, uint64_t done, uint64_t total, size_t docs) {
  double t = now();
  if (p->what != what) {   /* another phase: its own rate and time left */
    p->what = what;
    p->start = t;
    p->last_done = 0;
  }
  double elapsed = t - p->start;
  if (elapsed < p->delay || (p->drawn && t - p->last < 0.1 && done < total)) return;
  if (p->drawn && done == p->last_done) return;   /* the end, drawn already */
  p->last_done = done;
  p->last = t;
  p->drawn = 1;
  char got[32], all[32], rate[32];
  size_text(got, sizeof got, (double)done);
  size_text(all, sizeof all, (double)total);
  double per_s = elapsed > 0 ? (double)done / elapsed : 0;
  size_text(rate, sizeof rate, per_s);
  if (total > 0) {
    double frac = done >= total ? 1.0 : (double)done / (double)total;
    char bar[21];
    int full = (int)(frac * 20 + 0.5);
    for (int i = 0; i < 20; i++) bar[i] = i < full ? '#' : '.';
    bar[20] = '\0';
    double left = per_s > 0 ? (double)(total - (done < total ? done : total)) / per_s : 0;
    fprintf(stderr, "\rquarry: %s %3.0f%% [%s] %s of %s, %s/s, %.0f s left, %zu docs\033[K", what,
            frac * 100, bar, got, all, rate, left, docs);
  } else {
    fprintf(stderr, "\rquarry: %s %s, %s/s, %zu docs\033[K", what, got, rate, docs);
  }
  fflush(stderr);
}

void lqr_progress_draw(void *ud, uint64_t done, uint64_t total, size_t docs) {
  draw(ud, reading, done, total, docs);
}

void lqr_progress_draw_writing(void *ud, uint64_t done, uint64_t total, size_t docs) {
  draw(ud, writing, done, total, docs);
}

void lqr_progress_end(lqr_progress *p) {
  if (!p->drawn) return;
  fputs("\r\033[K", stderr);
  fflush(stderr);
  p->drawn = 0;
}
