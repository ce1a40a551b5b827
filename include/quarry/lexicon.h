/* quarry/lexicon.h — interning of strings to dense integer ids.
 *
 * Every distinct string is stored once; counting, matching and queries work
 * on the ids and make strings only for output. Ids are 0, 1, 2 ... in the
 * order strings were first interned. */
#ifndef QUARRY_LEXICON_H
#define QUARRY_LEXICON_H

#include "quarry/base.h"

#define QR_LEX_NONE UINT32_MAX

typedef struct qr_lexicon qr_lexicon;

/* Returns NULL when out of memory. The lexicon owns its strings. */
qr_lexicon *qr_lexicon_new(void);
void qr_lexicon_free(qr_lexicon *lx);

/* Interns s[0, n) and stores its id in *id. */
qr_status qr_lexicon_intern(qr_lexicon *lx, const char *s, size_t n, uint32_t *id);
/* The same, for a caller that has the string's hash already: hash must be
 * qr_hash_bytes(s, n). */
qr_status qr_lexicon_intern_hashed(qr_lexicon *lx, const char *s, size_t n, uint64_t hash,
                                   uint32_t *id);
/* Asks for the table slot of a string with this hash (qr_hash_bytes) to be
 * brought into the cache: a hint for a caller about to intern many. */
void qr_lexicon_prefetch(const qr_lexicon *lx, uint64_t hash);
/* The next steps of the same hint, once that slot has had time to arrive:
 * when the slot holds a string with this hash, asks for its length and
 * offset and returns its id (only a likely one: the strings are not
 * compared), else QR_LEX_NONE; then, given that id, asks for its bytes. A
 * caller interning a batch takes each step for the whole batch before the
 * next, so that the cache misses of a batch overlap instead of following
 * one another. */
uint32_t qr_lexicon_prefetch_entry(const qr_lexicon *lx, uint64_t hash);
void qr_lexicon_prefetch_str(const qr_lexicon *lx, uint32_t id);
/* The id of s[0, n), or QR_LEX_NONE. */
uint32_t qr_lexicon_find(const qr_lexicon *lx, const char *s, size_t n);
/* The string of id (NUL-terminated; borrowed, valid until the lexicon is freed
 * or grows); *len gets its length when len is not NULL. */
const char *qr_lexicon_str(const qr_lexicon *lx, uint32_t id, size_t *len);
size_t qr_lexicon_size(const qr_lexicon *lx);
/* Forgets every id from n on (an undo of the strings interned last). */
qr_status qr_lexicon_truncate(qr_lexicon *lx, size_t n);
/* Bytes of memory held. */
size_t qr_lexicon_memory(const qr_lexicon *lx);

/* The arrays of a lexicon, for writing it to a file and reading it back in
 * place (see qr_lexicon_view): strings back to back (NUL-terminated), per id
 * its offset and length, and the hash table (a power of two slots, at most
 * half full, each the high half of a string's hash shifted up 32 bits and
 * its id, or all ones when empty). */
typedef struct qr_lexicon_parts {
  const char *bytes;
  size_t nbytes;
  const uint64_t *off;
  const uint32_t *len;
  size_t n;
  const uint64_t *slots;
  size_t nslots;
} qr_lexicon_parts;

/* Borrowed pointers to the arrays of lx, valid until it changes. */
void qr_lexicon_get_parts(const qr_lexicon *lx, qr_lexicon_parts *p);
/* What is wrong with p as a lexicon's arrays read from a file, or NULL when
 * nothing is: every string inside the bytes, the bytes NUL-terminated, every slot
 * empty or naming a string, as many slots used as there are strings (so
 * that at least half the table is empty and every probe ends). Reads every
 * offset and slot once, in order. *nomem is set when the check itself ran
 * out of memory (it allocates nothing today). */
const char *qr_lexicon_parts_problem(const qr_lexicon_parts *p, int *nomem);
/* A lexicon that reads the arrays of p in place (a mapped file) without
 * copying them; they must outlive it. Interning a new string copies them
 * first. NULL when out of memory or when qr_lexicon_parts_problem finds a
 * problem. */
qr_lexicon *qr_lexicon_view(const qr_lexicon_parts *p);
/* Makes a view's lexicon own copies of its arrays. */
qr_status qr_lexicon_thaw(qr_lexicon *lx);

#endif
