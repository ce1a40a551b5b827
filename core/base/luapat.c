/* luapat.c — Lua 5.4's string patterns on a backtracking matcher that counts
 * its steps and can be stopped (quarry/luapat.h).
 *
 * The matcher walks the pattern one item at a time and recurses only where
 * Lua's does (a capture opening or closing, '?', and each length a '*', '+'
 * or '-' tries), so the depth limit, the results and the point at which a
 * malformed pattern is found are Lua's. Errors and stops do not jump: they
 * set m->status and make every level give up on the spot, each recursive
 * call site checking the status when it gets no match. */
#include "quarry/luapat.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define ESC '%'

static int uc(char c) { return (unsigned char)c; }

/* Records an error (the first one wins: a stop is never overwritten). */
static const char *fail(qr_luapat *m, qr_luapat_status st) {
  if (m->status == QR_LUAPAT_OK) m->status = st;
  return NULL;
}

/* The countdown reached zero: account for the steps and ask the tick.
 * Once stopped, the countdown stays at 1, so that every later step fails
 * at once and the matcher unwinds without further work. */
static int tick_now(qr_luapat *m) {
  m->steps += m->period;
  m->countdown = m->period = QR_LUAPAT_TICK;
  if (m->status != QR_LUAPAT_STOPPED && !(m->tick && m->tick(m->ud))) return 0;
  m->status = QR_LUAPAT_STOPPED;
  m->countdown = m->period = 1;
  return 1;
}

/* Charges one step; non-zero when the match must stop. */
static inline int charge(qr_luapat *m) { return --m->countdown == 0 && tick_now(m); }

/* Charges n steps (a back-reference compares n bytes at once). */
static int charge_n(qr_luapat *m, size_t n) {
  while (n >= m->countdown) {
    n -= m->countdown;
    m->countdown = 1;
    if (charge(m)) return 1;
  }
  m->countdown -= (unsigned)n;
  return 0;
}

/* Whether byte c is in class cl (the letter after '%'): the C library's
 * classification, as Lua uses it (and %z, the NUL byte, which Lua 5.4 keeps
 * when built with LUA_COMPAT_5_3); an upper-case letter is the complement;
 * any other character stands for itself. */
static int in_class(int c, int cl) {
  int r;
  switch (cl) {
  case 'a': case 'A': r = isalpha(c); break;
  case 'c': case 'C': r = iscntrl(c); break;
  case 'd': case 'D': r = isdigit(c); break;
  case 'g': case 'G': r = isgraph(c); break;
  case 'l': case 'L': r = islower(c); break;
  case 'p': case 'P': r = ispunct(c); break;
  case 's': case 'S': r = isspace(c); break;
  case 'u': case 'U': r = isupper(c); break;
  case 'w': case 'W': r = isalnum(c); break;
  case 'x': case 'X': r = isxdigit(c); break;
  case 'z': case 'Z': r = c == 0; break;   /* Lua 5.1's class, which Debian's 5.4 keeps */
  default: return cl == c;
  }
  r = r != 0;
  return cl >= 'a' ? r : !r;
}

/* Whether c is in the set from '[' at p to its ']' at close. The first
 * character (after a '^') is always a member, ']' included; "x-y" is a
 * range unless the '-' is last. */
static int in_set(int c, const char *p, const char *close) {
  int yes = 1;
  if (p[1] == '^') {
    yes = 0;
    p++;
  }
  while (++p < close) {
    if (*p == ESC) {
      p++;
      if (in_class(c, uc(*p))) return yes;
    } else if (p[1] == '-' && p + 2 < close) {
      if (uc(p[0]) <= c && c <= uc(p[2])) return yes;
      p += 2;
    } else if (uc(*p) == c) {
      return yes;
    }
  }
  return !yes;
}

/* The end of the single-character item at p (a character, '.', a %class or
 * a set), or NULL with the error of a malformed one. */
static const char *item_end(qr_luapat *m, const char *p) {
  const char *end = m->pat_end;
  switch (*p++) {
  case ESC:
    if (p == end) return fail(m, QR_LUAPAT_EESCAPE);
    return p + 1;
  case '[':
    if (p < end && *p == '^') p++;
    do {   /* the first member may be ']' */
      if (p == end) return fail(m, QR_LUAPAT_ESET);
      if (*p++ == ESC && p < end) p++;
    } while (p == end || *p != ']');
    return p + 1;
  default: return p;
  }
}

/* Whether the item p..ep matches the character at s (none at the end). */
static inline int single(qr_luapat *m, const char *s, const char *p, const char *ep) {
  if (charge(m) || s >= m->src_end) return 0;
  int c = uc(*s);
  switch (*p) {
  case '.': return 1;
  case ESC: return in_class(c, uc(p[1]));
  case '[': return in_set(c, p, ep - 1);
  default: return uc(*p) == c;
  }
}

static const char *do_match(qr_luapat *m, const char *s, const char *p);

/* %bxy at s: the end of the balanced run, or NULL. p points at x. */
static const char *balance(qr_luapat *m, const char *s, const char *p) {
  if (p >= m->pat_end - 1) return fail(m, QR_LUAPAT_EBALANCE);
  if (s >= m->src_end || *s != *p) return NULL;
  char open = p[0], close = p[1];
  int depth = 1;
  while (++s < m->src_end) {
    if (charge(m)) return NULL;
    if (*s == close) {
      if (--depth == 0) return s + 1;
    } else if (*s == open) {
      depth++;
    }
  }
  return NULL;
}

/* %1-%9 at s: the end of a copy of the capture there, or NULL. digit is
 * the character after '%'. */
static const char *backref(qr_luapat *m, const char *s, int digit) {
  int k = digit - '1';
  if (k < 0 || k >= m->level || m->capture[k].len == QR_LUAPAT_CAP_UNFINISHED) {
    m->index = k + 1;
    return fail(m, QR_LUAPAT_EINDEX);
  }
  size_t len = (size_t)m->capture[k].len;   /* a position capture: huge, never fits */
  if ((size_t)(m->src_end - s) < len) return NULL;
  if (charge_n(m, len)) return NULL;
  return memcmp(m->capture[k].init, s, len) == 0 ? s + len : NULL;
}

/* Opens a capture at s (len: QR_LUAPAT_CAP_UNFINISHED or _POSITION) and
 * matches the rest; the capture is dropped again when that fails. */
static const char *open_capture(qr_luapat *m, const char *s, const char *p, ptrdiff_t len) {
  if (m->level >= QR_LUAPAT_MAXCAPTURES) return fail(m, QR_LUAPAT_EMANY);
  m->capture[m->level].init = s;
  m->capture[m->level].len = len;
  m->level++;
  const char *r = do_match(m, s, p);
  if (!r) m->level--;
  return r;
}

/* Closes the innermost open capture at s and matches the rest; reopens it
 * when that fails. */
static const char *close_capture(qr_luapat *m, const char *s, const char *p) {
  int k = m->level - 1;
  while (k >= 0 && m->capture[k].len != QR_LUAPAT_CAP_UNFINISHED) k--;
  if (k < 0) return fail(m, QR_LUAPAT_ECLOSE);
  m->capture[k].len = s - m->capture[k].init;
  const char *r = do_match(m, s, p);
  if (!r) m->capture[k].len = QR_LUAPAT_CAP_UNFINISHED;
  return r;
}

/* item* (or item+ after its first character): the longest run first, then
 * shorter ones, each followed by the rest of the pattern at ep + 1. */
static const char *expand_max(qr_luapat *m, const char *s, const char *p, const char *ep) {
  ptrdiff_t n = 0;
  while (single(m, s + n, p, ep)) n++;
  for (; n >= 0; n--) {
    const char *r = do_match(m, s + n, ep + 1);
    if (r || m->status) return r;
  }
  return NULL;
}

/* item-: the shortest run first, one more character at a time. */
static const char *expand_min(qr_luapat *m, const char *s, const char *p, const char *ep) {
  for (;;) {
    const char *r = do_match(m, s, ep + 1);
    if (r || m->status) return r;
    if (!single(m, s, p, ep)) return NULL;
    s++;
  }
}

/* Matches the pattern from p at subject position s: the end of the match,
 * or NULL (with m->status set on an error or a stop). Plain items advance
 * in the loop; only captures, '?' and the repetitions recurse, which is
 * what the depth limit counts. */
static const char *do_match(qr_luapat *m, const char *s, const char *p) {
  if (m->depth-- == 0) {
    m->depth++;
    return fail(m, QR_LUAPAT_EDEPTH);
  }
  if (charge(m)) s = NULL;
  while (s && p != m->pat_end) {
    const char *ep;
    switch (*p) {
    case '(':
      if (p + 1 < m->pat_end && p[1] == ')') s = open_capture(m, s, p + 2, QR_LUAPAT_CAP_POSITION);
      else s = open_capture(m, s, p + 1, QR_LUAPAT_CAP_UNFINISHED);
      goto done;
    case ')': s = close_capture(m, s, p + 1); goto done;
    case '$':
      if (p + 1 != m->pat_end) goto item;
      if (s != m->src_end) s = NULL;
      goto done;
    case ESC:
      if (p + 1 == m->pat_end) goto item;   /* the error of a trailing '%' */
      switch (p[1]) {
      case 'b':
        s = balance(m, s, p + 2);
        p += 4;
        continue;
      case 'f': {
        p += 2;
        if (p == m->pat_end || *p != '[') {
          s = fail(m, QR_LUAPAT_EFRONTIER);
          goto done;
        }
        ep = item_end(m, p);
        if (!ep) {
          s = NULL;
          goto done;
        }
        int before = s == m->src ? 0 : uc(s[-1]);
        int here = s < m->src_end ? uc(*s) : 0;   /* Lua reads the string's NUL */
        if (in_set(before, p, ep - 1) || !in_set(here, p, ep - 1)) s = NULL;
        p = ep;
        continue;
      }
      case '0': case '1': case '2': case '3': case '4':
      case '5': case '6': case '7': case '8': case '9':
        s = backref(m, s, uc(p[1]));
        p += 2;
        continue;
      default: goto item;
      }
    default:
    item:
      ep = item_end(m, p);
      if (!ep) {
        s = NULL;
        goto done;
      }
      {
        int rep = ep < m->pat_end ? *ep : 0;
        if (!single(m, s, p, ep)) {
          if (rep == '*' || rep == '?' || rep == '-') p = ep + 1;   /* zero times */
          else s = NULL;
          continue;
        }
        switch (rep) {
        case '?': {
          const char *r = do_match(m, s + 1, ep + 1);
          if (r || m->status) {
            s = r;
            goto done;
          }
          p = ep + 1;   /* without it */
          continue;
        }
        case '+': s = expand_max(m, s + 1, p, ep); goto done;
        case '*': s = expand_max(m, s, p, ep); goto done;
        case '-': s = expand_min(m, s, p, ep); goto done;
        default:
          s++;
          p = ep;
          continue;
        }
      }
    }
  }
done:
  m->depth++;
  return s;
}

void qr_luapat_init(qr_luapat *m, const char *s, size_t ls, const char *p, size_t lp,
                    int (*tick)(void *ud), void *ud) {
  m->src = s;
  m->src_end = s + ls;
  m->pat = p;
  m->pat_end = p + lp;
  m->level = 0;
  m->status = QR_LUAPAT_OK;
  m->index = 0;
  m->depth = QR_LUAPAT_MAXDEPTH;
  m->countdown = m->period = QR_LUAPAT_TICK;
  m->steps = 0;
  m->tick = tick;
  m->ud = ud;
}

ptrdiff_t qr_luapat_find(qr_luapat *m, size_t from, int anchor, ptrdiff_t not_empty,
                         size_t *start) {
  m->status = QR_LUAPAT_OK;
  if (from > (size_t)(m->src_end - m->src)) return -1;
  const char *s = m->src + from;
  do {
    m->level = 0;
    m->depth = QR_LUAPAT_MAXDEPTH;
    const char *e = do_match(m, s, m->pat);
    if (m->status) return -1;
    if (e && e - m->src != not_empty) {
      if (start) *start = (size_t)(s - m->src);
      return e - m->src;
    }
  } while (!anchor && s++ < m->src_end);
  return -1;
}

ptrdiff_t qr_luapat_find_plain(qr_luapat *m, size_t from) {
  m->status = QR_LUAPAT_OK;
  size_t ls = (size_t)(m->src_end - m->src), lp = (size_t)(m->pat_end - m->pat);
  if (from > ls || lp > ls - from) return -1;
  if (lp == 0) return (ptrdiff_t)from;
  const char *s = m->src + from, *last = m->src_end - lp;   /* the last place it can start */
  while (s <= last) {
    const char *hit = memchr(s, m->pat[0], (size_t)(last - s) + 1);
    if (!hit) return -1;
    if (charge_n(m, (size_t)(hit - s) + lp)) return -1;
    if (memcmp(hit + 1, m->pat + 1, lp - 1) == 0) return hit - m->src;
    s = hit + 1;
  }
  return -1;
}

ptrdiff_t qr_luapat_match(qr_luapat *m, size_t pos) {
  return qr_luapat_find(m, pos, 1, -1, NULL);
}

unsigned long long qr_luapat_steps(const qr_luapat *m) {
  return m->steps + (m->period - m->countdown);
}

const char *qr_luapat_message(const qr_luapat *m, char *buf, size_t size) {
  switch (m->status) {
  case QR_LUAPAT_EESCAPE: return "malformed pattern (ends with '%')";
  case QR_LUAPAT_ESET: return "malformed pattern (missing ']')";
  case QR_LUAPAT_EBALANCE: return "malformed pattern (missing arguments to '%b')";
  case QR_LUAPAT_EFRONTIER: return "missing '[' after '%f' in pattern";
  case QR_LUAPAT_EINDEX:
    snprintf(buf, size, "invalid capture index %%%d", m->index);
    return buf;
  case QR_LUAPAT_ECLOSE: return "invalid pattern capture";
  case QR_LUAPAT_EMANY: return "too many captures";
  case QR_LUAPAT_EDEPTH: return "pattern too complex";
  default: return NULL;
  }
}

int qr_luapat_is_plain(const char *p, size_t lp) {
  for (size_t i = 0; i < lp; i++) {
    switch (p[i]) {
    case '^': case '$': case '*': case '+': case '?':
    case '.': case '(': case '[': case '%': case '-': return 0;
    default: break;
    }
  }
  return 1;
}
