/* test_luapat.c — the budgeted Lua-pattern matcher of the core
 * (core/base/luapat.c), without Lua: matches and their captures, the
 * statuses of malformed patterns, the limits, and the tick that stops a
 * runaway match. (tests/unit/test_strlib.c compares the Lua functions made
 * of it with Lua's own on many thousands of calls.) */
#include <stdio.h>
#include <string.h>

#include "quarry/luapat.h"
#include "unit.h"

/* A match case: the first match of p in s from offset 0 gives [start, end)
 * (-1: none), and the captures, written "text" or "@pos" and joined by
 * '|'. */
typedef struct match_case {
  const char *s, *p;
  int anchor;
  ptrdiff_t start, end;
  const char *caps;
} match_case;

static const match_case matches[] = {
  {"hello world", "o w", 0, 4, 7, ""},
  {"hello world", "l+", 0, 2, 4, ""},
  {"hello world", "l-o", 0, 2, 5, ""},
  {"hello world", "x*", 0, 0, 0, ""},
  {"hello world", "wor$", 0, -1, -1, ""},
  {"hello world", "rld$", 0, 8, 11, ""},
  {"hello world", "world", 1, -1, -1, ""},
  {"hello", "(h)(e)", 0, 0, 2, "h|e"},
  {"hello", "()ll()", 0, 2, 4, "@3|@5"},
  {"key = val", "(%w+)%s*=%s*(%w+)", 0, 0, 9, "key|val"},
  {"f(a(b)c)d", "%b()", 0, 1, 8, ""},
  {"THE (quick) fox", "%f[%a]%a+", 0, 0, 3, ""},
  {"THE (quick) fox", "%f[%l]%a+", 0, 5, 10, ""},
  {"abab", "(ab)%1", 0, 0, 4, "ab"},
  {"a]b", "[]]", 0, 1, 2, ""},
  {"a-b", "[%a-]+", 0, 0, 3, ""},
  {"x9y", "[^%a]", 0, 1, 2, ""},
  {"\xe9t\xe9", "%a+", 0, 1, 2, ""},   /* the C locale: bytes over 127 are not letters */
  {"abc", "a?b?c?d?", 0, 0, 3, ""},
  {"abc", "(a", 0, 0, 1, "!"},          /* matches, with the capture never closed */
};

static void capstr(const qr_luapat *m, char *out, size_t size) {
  size_t k = 0;
  out[0] = '\0';
  for (int i = 0; i < m->level && k + 1 < size; i++) {
    if (i) out[k++] = '|';
    const qr_luapat_capture *c = &m->capture[i];
    int n;
    if (c->len == QR_LUAPAT_CAP_POSITION)
      n = snprintf(out + k, size - k, "@%td", c->init - m->src + 1);
    else if (c->len == QR_LUAPAT_CAP_UNFINISHED) n = snprintf(out + k, size - k, "!");
    else n = snprintf(out + k, size - k, "%.*s", (int)c->len, c->init);
    if (n > 0) k += (size_t)n;
    if (k >= size) k = size - 1;
  }
  out[k] = '\0';
}

static void test_matches(unit *u) {
  for (size_t i = 0; i < sizeof matches / sizeof *matches; i++) {
    const match_case *t = &matches[i];
    unit_case(u, "match \"%s\" in \"%s\"", t->p, t->s);
    qr_luapat m;
    qr_luapat_init(&m, t->s, strlen(t->s), t->p, strlen(t->p), NULL, NULL);
    size_t start = 0;
    ptrdiff_t end = qr_luapat_find(&m, 0, t->anchor, -1, &start);
    CHECK_INT(u, m.status, QR_LUAPAT_OK);
    CHECK_INT(u, end, t->end);
    if (end >= 0) {
      CHECK_INT(u, start, t->start);
      char caps[200];
      capstr(&m, caps, sizeof caps);
      CHECK_STR(u, caps, t->caps);
    }
  }
}

typedef struct error_case {
  const char *s, *p;
  qr_luapat_status status;
  const char *message;
} error_case;

static const error_case errors[] = {
  {"abc", "%", QR_LUAPAT_EESCAPE, "malformed pattern (ends with '%')"},
  {"abc", "[a", QR_LUAPAT_ESET, "malformed pattern (missing ']')"},
  {"abc", "[a%]", QR_LUAPAT_ESET, "malformed pattern (missing ']')"},
  {"abc", "a%b", QR_LUAPAT_EBALANCE, "malformed pattern (missing arguments to '%b')"},
  {"abc", "%f", QR_LUAPAT_EFRONTIER, "missing '[' after '%f' in pattern"},
  {"abc", "%fa", QR_LUAPAT_EFRONTIER, "missing '[' after '%f' in pattern"},
  {"abc", "(a)%2", QR_LUAPAT_EINDEX, "invalid capture index %2"},
  {"abc", "(a%1)", QR_LUAPAT_EINDEX, "invalid capture index %1"},
  {"abc", "%0", QR_LUAPAT_EINDEX, "invalid capture index %0"},
  {"abc", "a)", QR_LUAPAT_ECLOSE, "invalid pattern capture"},
  {"abc", "()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()",
   QR_LUAPAT_EMANY, "too many captures"},
};

static void test_errors(unit *u) {
  for (size_t i = 0; i < sizeof errors / sizeof *errors; i++) {
    const error_case *t = &errors[i];
    unit_case(u, "error: \"%s\"", t->p);
    qr_luapat m;
    qr_luapat_init(&m, t->s, strlen(t->s), t->p, strlen(t->p), NULL, NULL);
    CHECK_INT(u, qr_luapat_find(&m, 0, 0, -1, NULL), -1);
    CHECK_INT(u, m.status, t->status);
    char buf[64];
    CHECK_STR(u, qr_luapat_message(&m, buf, sizeof buf), t->message);
  }

  unit_case(u, "errors are found where the matcher gets to them, as in Lua");
  {
    qr_luapat m;
    qr_luapat_init(&m, "abc", 3, "x[", 2, NULL, NULL);   /* no 'x': the '[' is never read */
    CHECK_INT(u, qr_luapat_find(&m, 0, 0, -1, NULL), -1);
    CHECK_INT(u, m.status, QR_LUAPAT_OK);
    qr_luapat_init(&m, "axc", 3, "x[", 2, NULL, NULL);
    CHECK_INT(u, qr_luapat_find(&m, 0, 0, -1, NULL), -1);
    CHECK_INT(u, m.status, QR_LUAPAT_ESET);
  }

  unit_case(u, "depth: 200 nested attempts match, 201 are too complex");
  {
    char p[600], s[300];
    size_t n = 0;
    memset(s, 'a', sizeof s);
    for (int i = 0; i < 199; i++) p[n++] = 'a', p[n++] = '?';   /* each 'a' found nests */
    qr_luapat m;
    qr_luapat_init(&m, s, sizeof s, p, n, NULL, NULL);
    CHECK_INT(u, qr_luapat_find(&m, 0, 1, -1, NULL), 199);
    p[n++] = 'a', p[n++] = '?';
    qr_luapat_init(&m, s, sizeof s, p, n, NULL, NULL);
    CHECK_INT(u, qr_luapat_find(&m, 0, 1, -1, NULL), -1);
    CHECK_INT(u, m.status, QR_LUAPAT_EDEPTH);
  }

  unit_case(u, "32 captures are allowed");
  {
    char p[100] = "";
    for (int i = 0; i < 32; i++) strcat(p, "()");
    qr_luapat m;
    qr_luapat_init(&m, "x", 1, p, strlen(p), NULL, NULL);
    CHECK_INT(u, qr_luapat_find(&m, 0, 0, -1, NULL), 0);
    CHECK_INT(u, m.level, 32);
  }
}

/* The tick: counts its calls and says stop at the limit'th. */
typedef struct ticker {
  int calls, limit;
} ticker;

static int tick(void *ud) {
  ticker *t = ud;
  return ++t->calls >= t->limit;
}

/* Searches with m from offset from, in a subject where the pattern has no
 * match; returns why the search ended. */
static qr_luapat_status no_match(unit *u, qr_luapat *m, size_t from) {
  CHECK_INT(u, qr_luapat_find(m, from, 0, -1, NULL), -1);
  return m->status;
}

static void test_budget(unit *u) {
  static char subject[200000];
  memset(subject, 'a', sizeof subject);

  unit_case(u, "a runaway match stops at the tick's word");
  {
    ticker t = {0, 10};
    qr_luapat m;
    qr_luapat_init(&m, subject, sizeof subject, ".-.-.-.-b", 9, tick, &t);
    CHECK_INT(u, no_match(u, &m, 0), QR_LUAPAT_STOPPED);
    CHECK_INT(u, t.calls, 10);
    CHECK(u, qr_luapat_steps(&m) >= 10ULL * QR_LUAPAT_TICK);
    CHECK(u, qr_luapat_steps(&m) < 11ULL * QR_LUAPAT_TICK);
    char buf[64];
    CHECK(u, qr_luapat_message(&m, buf, sizeof buf) == NULL);
  }

  unit_case(u, "steps: every character test and every attempt counts");
  {
    qr_luapat m;
    qr_luapat_init(&m, "aaab", 4, "a*b", 3, NULL, NULL);
    CHECK_INT(u, qr_luapat_find(&m, 0, 0, -1, NULL), 4);
    /* an attempt, a test of the first 'a' (is the item there at all?), the
     * run: four tests (the fourth fails), an attempt of the rest, a test
     * of 'b' */
    CHECK_INT(u, qr_luapat_steps(&m), 8);
  }

  unit_case(u, "only a match that reaches the tick is stopped, and asks it again next time");
  {
    ticker t = {0, 1};
    qr_luapat m;
    qr_luapat_init(&m, subject, 100, "a-b", 3, tick, &t);   /* ~5,000 steps */
    CHECK_INT(u, no_match(u, &m, 0), QR_LUAPAT_OK);
    CHECK_INT(u, t.calls, 0);
    qr_luapat_init(&m, subject, 1000, "a-b", 3, tick, &t);   /* ~500,000 steps */
    CHECK_INT(u, no_match(u, &m, 0), QR_LUAPAT_STOPPED);
    CHECK_INT(u, t.calls, 1);
    t.limit = 1000000;   /* the tick now lets it run: its first step asks */
    CHECK_INT(u, no_match(u, &m, 990), QR_LUAPAT_OK);
    CHECK_INT(u, t.calls, 2);
  }

  unit_case(u, "back-references charge the bytes they compare");
  {
    ticker t = {0, 3};
    qr_luapat m;
    qr_luapat_init(&m, subject, 30000, "(.*)%1%1b", 9, tick, &t);
    CHECK_INT(u, no_match(u, &m, 0), QR_LUAPAT_STOPPED);
  }

  unit_case(u, "the plain search: found, not found, stopped");
  {
    qr_luapat m;
    qr_luapat_init(&m, "a.b.c", 5, ".c", 2, NULL, NULL);
    CHECK_INT(u, qr_luapat_find_plain(&m, 0), 3);
    CHECK_INT(u, qr_luapat_find_plain(&m, 4), -1);
    qr_luapat_init(&m, "a.b.c", 5, "", 0, NULL, NULL);
    CHECK_INT(u, qr_luapat_find_plain(&m, 5), 5);
    CHECK_INT(u, qr_luapat_find_plain(&m, 6), -1);
    static char needle[20001];
    memset(needle, 'a', sizeof needle);
    needle[sizeof needle - 1] = 'b';
    ticker t = {0, 5};
    qr_luapat_init(&m, subject, sizeof subject, needle, sizeof needle, tick, &t);
    CHECK_INT(u, qr_luapat_find_plain(&m, 0), -1);
    CHECK_INT(u, m.status, QR_LUAPAT_STOPPED);
  }

  unit_case(u, "is_plain: the specials of Lua, and nothing else");
  {
    CHECK(u, qr_luapat_is_plain("a b)]{}", 7));
    CHECK(u, qr_luapat_is_plain("a\0b", 3));
    const char *specials = "^$*+?.([%-";
    for (const char *c = specials; *c; c++) CHECK(u, !qr_luapat_is_plain(c, 1));
    CHECK(u, !qr_luapat_is_plain("a\0.", 3));
  }
}

int main(void) {
  unit u = {0};
  test_matches(&u);
  test_errors(&u);
  test_budget(&u);
  return unit_finish(&u);
}
