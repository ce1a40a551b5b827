/* quarry/luapat.h — Lua 5.4's string patterns, on a matcher that can be
 * stopped.
 *
 * The semantics are Lua 5.4's exactly (classes, sets, the four repetitions,
 * anchors, captures and position captures, back-references, %b, %f, the
 * limits and the messages of malformed patterns, which are found lazily, at
 * the point the matcher reaches them, as Lua finds them). What differs is
 * that the matcher counts its steps (one per character test and one per
 * attempt, so backtracking is counted) and calls a tick function every
 * QR_LUAPAT_TICK steps: a non-zero answer stops the match at once. A pattern
 * that backtracks for ever inside one call (find(".-.-.-.-b") on a long
 * subject) can then be stopped by an instruction budget, Ctrl-C or a timeout.
 *
 * No allocation and no global state: everything lives in the caller's
 * qr_luapat, with fixed capture arrays. The subject and the pattern are
 * borrowed and must outlive the calls that use them. The core knows
 * nothing of Lua; core/lua/lqr_strlib.c makes string.find and its kin of
 * it. */
#ifndef QUARRY_LUAPAT_H
#define QUARRY_LUAPAT_H

#include <stddef.h>

#define QR_LUAPAT_MAXCAPTURES 32   /* LUA_MAXCAPTURES */
#define QR_LUAPAT_MAXDEPTH 200     /* nested attempts before "pattern too complex" */
#define QR_LUAPAT_TICK 65536       /* steps between two calls of the tick */

/* The length of a capture that is still open, or of a position capture. */
#define QR_LUAPAT_CAP_UNFINISHED (-1)
#define QR_LUAPAT_CAP_POSITION (-2)

/* Why a call gave no match: QR_LUAPAT_OK means there was none. */
typedef enum qr_luapat_status {
  QR_LUAPAT_OK = 0,
  QR_LUAPAT_STOPPED,    /* the tick asked to stop */
  QR_LUAPAT_EESCAPE,    /* malformed pattern (ends with '%') */
  QR_LUAPAT_ESET,       /* malformed pattern (missing ']') */
  QR_LUAPAT_EBALANCE,   /* malformed pattern (missing arguments to '%b') */
  QR_LUAPAT_EFRONTIER,  /* missing '[' after '%f' in pattern */
  QR_LUAPAT_EINDEX,     /* invalid capture index %N (N in index) */
  QR_LUAPAT_ECLOSE,     /* invalid pattern capture (a ')' with nothing open) */
  QR_LUAPAT_EMANY,      /* too many captures */
  QR_LUAPAT_EDEPTH      /* pattern too complex */
} qr_luapat_status;

typedef struct qr_luapat_capture {
  const char *init;   /* where it starts in the subject */
  ptrdiff_t len;      /* its length, or QR_LUAPAT_CAP_* */
} qr_luapat_capture;

/* The state of a match: set up by qr_luapat_init, then read after a call.
 * After a match, level captures are in capture[] (a capture whose len is
 * QR_LUAPAT_CAP_UNFINISHED was never closed, which Lua reports when it
 * gives the captures back). */
typedef struct qr_luapat {
  const char *src, *src_end;   /* the subject */
  const char *pat, *pat_end;   /* the pattern (without an anchoring '^') */
  int level;                   /* captures made */
  qr_luapat_capture capture[QR_LUAPAT_MAXCAPTURES];
  qr_luapat_status status;     /* why the last call gave no match */
  int index;                   /* for QR_LUAPAT_EINDEX: the index as written */
  int depth;                   /* nested attempts left */
  unsigned countdown;          /* steps to the next tick */
  unsigned period;             /* what countdown counted down from */
  unsigned long long steps;    /* steps counted before that */
  int (*tick)(void *ud);       /* NULL: never stops */
  void *ud;
} qr_luapat;

/* Prepares m to match pattern p[0, lp) in subject s[0, ls). An anchoring
 * '^' is the caller's business (string.find strips it and tries one
 * position; string.gmatch takes it as a plain character, as Lua does).
 * tick (may be NULL) is called with ud every QR_LUAPAT_TICK steps. */
void qr_luapat_init(qr_luapat *m, const char *s, size_t ls, const char *p, size_t lp,
                    int (*tick)(void *ud), void *ud);

/* Tries the pattern at subject offset pos only; returns the offset where the
 * match ends, or -1 (then m->status says whether that was an error or a
 * stop). */
ptrdiff_t qr_luapat_match(qr_luapat *m, size_t pos);

/* Tries the pattern at from, from + 1, ... up to the end of the subject
 * (at from only when anchor), and returns the end of the first match, its
 * start in *start; or -1 as above. A match that is empty and starts at
 * not_empty (the end of the previous match of string.gsub and gmatch, or
 * -1) does not count: the search goes on past it. */
ptrdiff_t qr_luapat_find(qr_luapat *m, size_t from, int anchor, ptrdiff_t not_empty,
                         size_t *start);

/* Searches for the pattern as plain text from subject offset from (the
 * plain mode of string.find): returns the offset of the first occurrence,
 * or -1 (m->status says whether it was stopped). Charges a step per byte
 * compared, so that a search for a long needle in a long subject can be
 * stopped too. */
ptrdiff_t qr_luapat_find_plain(qr_luapat *m, size_t from);

/* Steps counted so far (the precise count, between two ticks too). */
unsigned long long qr_luapat_steps(const qr_luapat *m);

/* The message of an error status, Lua's words ("malformed pattern (missing
 * ']')"); written into buf when it needs the capture index. NULL for
 * QR_LUAPAT_OK and QR_LUAPAT_STOPPED. */
const char *qr_luapat_message(const qr_luapat *m, char *buf, size_t size);

/* Whether p[0, lp) has none of the characters that make a pattern (so that
 * string.find may search for it as plain text). */
int qr_luapat_is_plain(const char *p, size_t lp);

#endif
