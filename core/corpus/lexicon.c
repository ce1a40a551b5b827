/* lexicon.c — string interning with open addressing.
 *
 * Strings live back to back, NUL-terminated, in one growable byte array and
 * are found through a table of ids probed linearly; the table is kept at most
 * half full. Each id keeps its hash so that growing never rehashes strings. */
#include <stdlib.h>
#include <string.h>

#include "quarry/lexicon.h"

struct qr_lexicon {
  char *bytes;
  size_t nbytes, capbytes;
  uint64_t *off;      /* per id: offset into bytes */
  uint32_t *len;      /* per id: length */
  uint32_t *hash;     /* per id: low 32 bits of the hash */
  size_t n, cap;
  uint32_t *slots;    /* the hash table: ids, or QR_LEX_NONE */
  size_t nslots;      /* a power of two */
};

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
  free(lx->bytes);
  free(lx->off);
  free(lx->len);
  free(lx->hash);
  free(lx->slots);
  free(lx);
}

static size_t probe(const qr_lexicon *lx, const char *s, size_t n, uint32_t h) {
  size_t mask = lx->nslots - 1, i = h & mask;
  for (;;) {
    uint32_t id = lx->slots[i];
    if (id == QR_LEX_NONE) return i;
    if (lx->hash[id] == h && lx->len[id] == n && memcmp(lx->bytes + lx->off[id], s, n) == 0)
      return i;
    i = (i + 1) & mask;
  }
}

static qr_status rehash(qr_lexicon *lx) {
  size_t ns = lx->nslots * 2;
  uint32_t *slots = malloc(ns * sizeof *slots);
  if (!slots) return QR_ENOMEM;
  memset(slots, 0xFF, ns * sizeof *slots);
  for (size_t id = 0; id < lx->n; id++) {
    size_t i = lx->hash[id] & (ns - 1);
    while (slots[i] != QR_LEX_NONE) i = (i + 1) & (ns - 1);
    slots[i] = (uint32_t)id;
  }
  free(lx->slots);
  lx->slots = slots;
  lx->nslots = ns;
  return QR_OK;
}

uint32_t qr_lexicon_find(const qr_lexicon *lx, const char *s, size_t n) {
  uint32_t h = (uint32_t)qr_hash_bytes(s, n);
  return lx->slots[probe(lx, s, n, h)];
}

qr_status qr_lexicon_intern(qr_lexicon *lx, const char *s, size_t n, uint32_t *id) {
  uint32_t h = (uint32_t)qr_hash_bytes(s, n);
  size_t i = probe(lx, s, n, h);
  if (lx->slots[i] != QR_LEX_NONE) {
    *id = lx->slots[i];
    return QR_OK;
  }
  if (n > UINT32_MAX - 1 || lx->n >= QR_LEX_NONE - 1) return QR_ELIMIT;
  if ((lx->n + 1) * 2 > lx->nslots) {   /* keep the table at most half full */
    if (rehash(lx)) return QR_ENOMEM;
    i = probe(lx, s, n, h);
  }
  if (lx->n == lx->cap) {
    size_t c1 = lx->cap, c2 = lx->cap, c3 = lx->cap;
    if (qr_grow((void **)&lx->off, &c1, lx->n + 1, sizeof *lx->off) ||
        qr_grow((void **)&lx->len, &c2, lx->n + 1, sizeof *lx->len) ||
        qr_grow((void **)&lx->hash, &c3, lx->n + 1, sizeof *lx->hash))
      return QR_ENOMEM;
    lx->cap = c1 < c2 ? (c1 < c3 ? c1 : c3) : (c2 < c3 ? c2 : c3);
  }
  if (qr_grow((void **)&lx->bytes, &lx->capbytes, lx->nbytes + n + 1, 1)) return QR_ENOMEM;
  memcpy(lx->bytes + lx->nbytes, s, n);
  lx->bytes[lx->nbytes + n] = '\0';
  uint32_t nid = (uint32_t)lx->n;
  lx->off[nid] = lx->nbytes;
  lx->len[nid] = (uint32_t)n;
  lx->hash[nid] = h;
  lx->nbytes += n + 1;
  lx->n++;
  lx->slots[i] = nid;
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

size_t qr_lexicon_memory(const qr_lexicon *lx) {
  return sizeof *lx + lx->capbytes + lx->cap * (sizeof *lx->off + sizeof *lx->len +
                                                 sizeof *lx->hash) +
         lx->nslots * sizeof *lx->slots;
}
