/* lexicon.c — string interning with open addressing.
 *
 * Strings live back to back, NUL-terminated, in one growable byte array and
 * are found through a table probed linearly and kept at most half full. A
 * slot holds an id and the high half of its string's hash, so that a probe
 * passes over other strings without reading them (with a million strings,
 * each such read is a cache miss) and growing never rehashes a string. */
#include <stdlib.h>
#include <string.h>

#include "quarry/lexicon.h"

struct qr_lexicon {
  char *bytes;
  size_t nbytes, capbytes;
  uint64_t *off;      /* per id: offset into bytes */
  uint32_t *len;      /* per id: length */
  size_t n, cap;
  uint64_t *slots;    /* the hash table: hash << 32 | id, or EMPTY */
  size_t nslots;      /* a power of two */
  int borrowed;       /* the arrays are someone else's (a view): copied before a change */
};

#define EMPTY UINT64_MAX
#define SLOT_ID(v) ((uint32_t)(v))
#define SLOT_HASH(v) ((uint32_t)((v) >> 32))

qr_lexicon *qr_lexicon_new(void) {
  qr_lexicon *lx = calloc(1, sizeof *lx);
  if (!lx) return NULL;
  lx->nslots = 64;
  lx->slots = malloc(lx->nslots * sizeof *lx->slots);
  if (!lx->slots) {
    free(lx);
    return NULL;
  }
  memset(lx->slots, 0xFF, lx->nslots * sizeof *lx->slots);
  return lx;
}

void qr_lexicon_free(qr_lexicon *lx) {
  if (!lx) return;
  if (lx->borrowed) {
    free(lx);
    return;
  }
  free(lx->bytes);
  free(lx->off);
  free(lx->len);
  free(lx->slots);
  free(lx);
}

/* The slot of s[0, n): the one holding it, or the empty one where it would
 * go. The table is never full (a view's was checked), so a probe ends; the
 * bound on the steps is a second guard, not the first. */
static size_t probe(const qr_lexicon *lx, const char *s, size_t n, uint32_t h) {
  size_t mask = lx->nslots - 1, i = h & mask;
  for (size_t step = 0; step < lx->nslots; step++) {
    uint64_t v = lx->slots[i];
    if (v == EMPTY) return i;
    if (SLOT_HASH(v) == h) {
      uint32_t id = SLOT_ID(v);
      if (lx->len[id] == n && memcmp(lx->bytes + lx->off[id], s, n) == 0) return i;
    }
    i = (i + 1) & mask;
  }
  return i;   /* not reached with a valid table */
}

static qr_status rehash(qr_lexicon *lx) {
  size_t ns = lx->nslots * 2;
  uint64_t *slots = malloc(ns * sizeof *slots);
  if (!slots) return QR_ENOMEM;
  memset(slots, 0xFF, ns * sizeof *slots);
  for (size_t k = 0; k < lx->nslots; k++) {
    uint64_t v = lx->slots[k];
    if (v == EMPTY) continue;
    size_t i = SLOT_HASH(v) & (ns - 1);
    while (slots[i] != EMPTY) i = (i + 1) & (ns - 1);
    slots[i] = v;
  }
  free(lx->slots);
  lx->slots = slots;
  lx->nslots = ns;
  return QR_OK;
}

void qr_lexicon_prefetch(const qr_lexicon *lx, uint64_t hash) {
  __builtin_prefetch(&lx->slots[(uint32_t)(hash >> 32) & (lx->nslots - 1)]);
}

uint32_t qr_lexicon_prefetch_entry(const qr_lexicon *lx, uint64_t hash) {
  uint32_t h = (uint32_t)(hash >> 32);
  uint64_t v = lx->slots[h & (lx->nslots - 1)];
  if (v == EMPTY || SLOT_HASH(v) != h) return QR_LEX_NONE;
  __builtin_prefetch(&lx->len[SLOT_ID(v)]);
  __builtin_prefetch(&lx->off[SLOT_ID(v)]);
  return SLOT_ID(v);
}

void qr_lexicon_prefetch_str(const qr_lexicon *lx, uint32_t id) {
  if (id < lx->n) __builtin_prefetch(lx->bytes + lx->off[id]);
}

uint32_t qr_lexicon_find(const qr_lexicon *lx, const char *s, size_t n) {
  uint32_t h = (uint32_t)(qr_hash_bytes(s, n) >> 32);
  uint64_t v = lx->slots[probe(lx, s, n, h)];
  return v == EMPTY ? QR_LEX_NONE : SLOT_ID(v);
}

qr_status qr_lexicon_intern(qr_lexicon *lx, const char *s, size_t n, uint32_t *id) {
  return qr_lexicon_intern_hashed(lx, s, n, qr_hash_bytes(s, n), id);
}

qr_status qr_lexicon_intern_hashed(qr_lexicon *lx, const char *s, size_t n, uint64_t hash,
                                   uint32_t *id) {
  uint32_t h = (uint32_t)(hash >> 32);
  size_t i = probe(lx, s, n, h);
  if (lx->slots[i] != EMPTY) {
    *id = SLOT_ID(lx->slots[i]);
    return QR_OK;
  }
  if (lx->borrowed && qr_lexicon_thaw(lx)) return QR_ENOMEM;
  if (n > UINT32_MAX - 1 || lx->n >= QR_LEX_NONE - 1) return QR_ELIMIT;
  if ((lx->n + 1) * 2 > lx->nslots) {   /* keep the table at most half full */
    if (rehash(lx)) return QR_ENOMEM;
    i = probe(lx, s, n, h);
  }
  if (lx->n == lx->cap) {
    size_t c1 = lx->cap, c2 = lx->cap;
    if (qr_grow((void **)&lx->off, &c1, lx->n + 1, sizeof *lx->off) ||
        qr_grow((void **)&lx->len, &c2, lx->n + 1, sizeof *lx->len))
      return QR_ENOMEM;
    lx->cap = c1 < c2 ? c1 : c2;
  }
  if (qr_grow((void **)&lx->bytes, &lx->capbytes, lx->nbytes + n + 1, 1)) return QR_ENOMEM;
  memcpy(lx->bytes + lx->nbytes, s, n);
  lx->bytes[lx->nbytes + n] = '\0';
  uint32_t nid = (uint32_t)lx->n;
  lx->off[nid] = lx->nbytes;
  lx->len[nid] = (uint32_t)n;
  lx->nbytes += n + 1;
  lx->n++;
  lx->slots[i] = (uint64_t)h << 32 | nid;
  *id = nid;
  return QR_OK;
}

const char *qr_lexicon_str(const qr_lexicon *lx, uint32_t id, size_t *len) {
  if (id >= lx->n) {
    if (len) *len = 0;
    return "";
  }
  if (len) *len = lx->len[id];
  return lx->bytes + lx->off[id];
}

size_t qr_lexicon_size(const qr_lexicon *lx) { return lx->n; }

qr_status qr_lexicon_truncate(qr_lexicon *lx, size_t n) {
  if (n >= lx->n) return QR_OK;
  if (lx->borrowed && qr_lexicon_thaw(lx)) return QR_ENOMEM;
  /* the table again from the strings kept: slots of later ids would break
   * the probes that pass over them if merely emptied */
  memset(lx->slots, 0xFF, lx->nslots * sizeof *lx->slots);
  for (size_t id = 0; id < n; id++) {
    uint32_t h = (uint32_t)(qr_hash_bytes(lx->bytes + lx->off[id], lx->len[id]) >> 32);
    size_t i = h & (lx->nslots - 1);
    while (lx->slots[i] != EMPTY) i = (i + 1) & (lx->nslots - 1);
    lx->slots[i] = (uint64_t)h << 32 | id;
  }
  lx->nbytes = lx->off[n];
  lx->n = n;
  return QR_OK;
}

void qr_lexicon_get_parts(const qr_lexicon *lx, qr_lexicon_parts *p) {
  p->bytes = lx->bytes;
  p->nbytes = lx->nbytes;
  p->off = lx->off;
  p->len = lx->len;
  p->n = lx->n;
  p->slots = lx->slots;
  p->nslots = lx->nslots;
}

const char *qr_lexicon_parts_problem(const qr_lexicon_parts *p, int *nomem) {
  *nomem = 0;
  if (p->nslots == 0 || (p->nslots & (p->nslots - 1)) || p->n > p->nslots / 2)
    return "a table of the wrong shape";
  if (p->n >= QR_LEX_NONE) return "too many strings";
  /* every string inside the bytes, and the bytes ending in a NUL, so that
   * a caller's strlen ends inside them too (where the length says, unless
   * the file lies; its strings' own bytes are not read here, which keeps
   * the check to the tables) */
  if (p->n && (p->nbytes == 0 || p->bytes[p->nbytes - 1] != '\0'))
    return "strings that do not end";
  /* branch-free, so that the loops run at the speed of memory (a million
   * strings: a few milliseconds), bad ones found at the end */
  uint64_t bad = 0;
  for (size_t id = 0; id < p->n; id++) {
    uint64_t off = p->off[id], len = p->len[id];
    bad |= (uint64_t)(off >= p->nbytes) | (uint64_t)(off + len >= p->nbytes) |
           (uint64_t)(off + len < off);
  }
  if (bad) return "a string outside its bytes";
  /* every slot empty or naming a string, and as many named as there are
   * strings: then at least half the table is empty, so that every probe
   * meets an empty slot and ends. (A string named twice, or in the wrong
   * slot, is not found, which is harmless; checking for it would cost a
   * random access per string.) */
  size_t used = 0;
  for (size_t i = 0; i < p->nslots; i++) {
    uint64_t v = p->slots[i], full = v != EMPTY;
    used += full;
    bad |= full & (uint64_t)(SLOT_ID(v) >= p->n);
  }
  if (bad) return "a bad slot";
  if (used != p->n) return "strings missing from the table";
  return NULL;
}

qr_lexicon *qr_lexicon_view(const qr_lexicon_parts *p) {
  int nomem;
  if (qr_lexicon_parts_problem(p, &nomem)) return NULL;
  qr_lexicon *lx = calloc(1, sizeof *lx);
  if (!lx) return NULL;
  lx->bytes = (char *)p->bytes;   /* never written while borrowed */
  lx->nbytes = lx->capbytes = p->nbytes;
  lx->off = (uint64_t *)p->off;
  lx->len = (uint32_t *)p->len;
  lx->n = lx->cap = p->n;
  lx->slots = (uint64_t *)p->slots;
  lx->nslots = p->nslots;
  lx->borrowed = 1;
  return lx;
}

/* Copies n elements of size sz into a new array (at least one element). */
static void *copy_array(const void *src, size_t n, size_t sz) {
  void *p = malloc((n ? n : 1) * sz);
  if (p && n) memcpy(p, src, n * sz);
  return p;
}

qr_status qr_lexicon_thaw(qr_lexicon *lx) {
  if (!lx->borrowed) return QR_OK;
  char *bytes = copy_array(lx->bytes, lx->nbytes, 1);
  uint64_t *off = copy_array(lx->off, lx->n, sizeof *off);
  uint32_t *len = copy_array(lx->len, lx->n, sizeof *len);
  uint64_t *slots = copy_array(lx->slots, lx->nslots, sizeof *slots);
  if (!bytes || !off || !len || !slots) {
    free(bytes);
    free(off);
    free(len);
    free(slots);
    return QR_ENOMEM;
  }
  lx->bytes = bytes;
  lx->off = off;
  lx->len = len;
  lx->slots = slots;
  lx->capbytes = lx->nbytes ? lx->nbytes : 1;
  lx->cap = lx->n ? lx->n : 1;
  lx->borrowed = 0;
  return QR_OK;
}

size_t qr_lexicon_memory(const qr_lexicon *lx) {
  return sizeof *lx + lx->capbytes + lx->cap * (sizeof *lx->off + sizeof *lx->len) +
         lx->nslots * sizeof *lx->slots;
}
