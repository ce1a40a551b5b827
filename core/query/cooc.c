/* cooc.c — entity co-occurrence: pairs of entities named in the same
 * sentence, paragraph or document, with the association measures of
 * collocations computed on units instead of tokens (docs/statistics.md,
 * "Entity co-occurrence").
 *
 * One walk over the units of the (sub)corpus and their mentions, in corpus
 * order. The distinct entities of a unit are found with a stamp per entry
 * (the last unit that named it), which also gives each entity's unit count;
 * the pairs of a unit go into a hash table keyed by the two entry numbers. */
#include <stdlib.h>
#include <string.h>

#include "quarry/stats.h"

/* One pair: the entries (a's id before b's in byte order), the units that
 * name both, and the documents those units are in. */
typedef struct pair {
  uint64_t key;          /* a << 32 | b; UINT64_MAX for an empty slot */
  uint32_t count, docs, last_doc;
} pair;

typedef struct pairs {
  pair *slot;
  size_t cap, n;         /* cap a power of two, at most half full */
} pairs;

static uint64_t mix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return k;
}

static qr_status pairs_init(pairs *p, size_t cap) {
  p->slot = malloc(cap * sizeof *p->slot);
  if (!p->slot) return QR_ENOMEM;
  for (size_t i = 0; i < cap; i++) p->slot[i].key = UINT64_MAX;
  p->cap = cap;
  p->n = 0;
  return QR_OK;
}

/* The slot of key, made (zeroed) when new; NULL when out of memory. */
static pair *pairs_get(pairs *p, uint64_t key) {
  if (2 * (p->n + 1) > p->cap) {
    pairs bigger;
    if (pairs_init(&bigger, 2 * p->cap)) return NULL;
    for (size_t i = 0; i < p->cap; i++) {
      if (p->slot[i].key == UINT64_MAX) continue;
      size_t j = mix(p->slot[i].key) & (bigger.cap - 1);
      while (bigger.slot[j].key != UINT64_MAX) j = (j + 1) & (bigger.cap - 1);
      bigger.slot[j] = p->slot[i];
    }
    bigger.n = p->n;
    free(p->slot);
    *p = bigger;
  }
  size_t j = mix(key) & (p->cap - 1);
  while (p->slot[j].key != UINT64_MAX && p->slot[j].key != key) j = (j + 1) & (p->cap - 1);
  if (p->slot[j].key == UINT64_MAX) {
    p->slot[j].key = key;
    p->slot[j].count = p->slot[j].docs = 0;
    p->slot[j].last_doc = UINT32_MAX;
    p->n++;
  }
  return &p->slot[j];
}

/* The work space of one call. */
typedef struct work {
  const qr_gazetteer *g;
  uint32_t *stamp;       /* per entry: the last unit that named it */
  uint32_t *units;       /* per entry: the units that name it (f_a) */
  uint32_t *ents;        /* the distinct entries of the unit at hand */
  size_t nents, cap;
  pairs p;
} work;

static int cmp_ids(const void *a, const void *b, const qr_gazetteer *g) {
  return strcmp(qr_gazetteer_id(g, *(const uint32_t *)a), qr_gazetteer_id(g, *(const uint32_t *)b));
}

/* Sorts the unit's entries by id (insertion sort: a unit names few). */
static void sort_ents(work *w) {
  for (size_t i = 1; i < w->nents; i++) {
    uint32_t e = w->ents[i];
    size_t j = i;
    while (j > 0 && cmp_ids(&w->ents[j - 1], &e, w->g) > 0) {
      w->ents[j] = w->ents[j - 1];
      j--;
    }
    w->ents[j] = e;
  }
}

/* Ends a unit: counts its pairs. */
static qr_status close_unit(work *w, uint32_t doc) {
  sort_ents(w);
  for (size_t i = 0; i < w->nents; i++)
    for (size_t j = i + 1; j < w->nents; j++) {
      pair *p = pairs_get(&w->p, (uint64_t)w->ents[i] << 32 | w->ents[j]);
      if (!p) return QR_ENOMEM;
      p->count++;
      if (p->last_doc != doc) {
        p->last_doc = doc;
        p->docs++;
      }
    }
  w->nents = 0;
  return QR_OK;
}

/* Adds entry e to the unit numbered unit. */
static qr_status add_entity(work *w, uint32_t e, uint32_t unit) {
  if (w->stamp[e] == unit) return QR_OK;
  w->stamp[e] = unit;
  w->units[e]++;
  if (qr_grow((void **)&w->ents, &w->cap, w->nents + 1, sizeof *w->ents)) return QR_ENOMEM;
  w->ents[w->nents++] = e;
  return QR_OK;
}

/* Walks the units of document d, numbering them from *unit on. */
static qr_status walk_doc(const qr_corpus *c, const qr_cooc_opts *o, work *w, uint32_t d,
                          uint32_t *unit) {
  qr_doc doc;
  qr_corpus_doc(c, d, &doc);
  const qr_sentences *s = qr_corpus_sentences(c);
  const qr_mentions *m = qr_corpus_mentions(c);
  size_t nent = w->g ? qr_gazetteer_size(w->g) : 0;
  size_t k = doc.ment_first, k1 = doc.ment_first + doc.ment_count;
  size_t s0 = doc.sent_first, s1 = doc.sent_first + doc.sent_count;
  if (o->within == QR_UNIT_DOC) s1 = s0 + 1;   /* one unit: the document, even empty */
  for (size_t si = s0; si < s1;) {
    /* the unit: sentences [si, se), tokens before end */
    size_t se = si + 1;
    if (o->within == QR_UNIT_PARAGRAPH)
      while (se < s1 && !(s->flags[se] & QR_SF_PARA_START)) se++;
    size_t end = o->within == QR_UNIT_DOC ? doc.tok_first + doc.tok_count
                                          : s->first[se - 1] + s->count[se - 1];
    /* a mention belongs to the unit of its first token; mentions of a
     * document are in token order */
    for (; k < k1 && m->tok_first[k] < end; k++) {
      uint32_t e = m->entry[k];
      /* (entities of the gazetteer: a guessed name has no entry) */
      if ((m->flags[k] & QR_MF_GUESS) || e >= nent || (o->type && strcmp(qr_gazetteer_type(w->g, e), o->type) != 0)) continue;
      qr_status rc = add_entity(w, e, *unit);
      if (rc) return rc;
    }
    qr_status rc = close_unit(w, d);
    if (rc) return rc;
    (*unit)++;
    si = se;
  }
  return QR_OK;
}

static int cmp_rows(const void *a, const void *b) {
  const qr_cooc_row *x = a, *y = b;
  if (x->sort_key != y->sort_key) return x->sort_key > y->sort_key ? -1 : 1;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  int r = strcmp(x->a_name, y->a_name);
  if (r) return r;
  r = strcmp(x->b_name, y->b_name);
  if (r) return r;
  return x->a != y->a ? (x->a < y->a ? -1 : 1) : (x->b > y->b) - (x->b < y->b);
}

static qr_status cooccurrences(const qr_corpus *c, const qr_cooc_opts *o, work *w,
                               qr_cooc_row **rows, size_t *nrows, uint64_t *nunits) {
  size_t nent = w->g ? qr_gazetteer_size(w->g) : 0;
  w->stamp = malloc((nent ? nent : 1) * sizeof *w->stamp);
  w->units = calloc(nent ? nent : 1, sizeof *w->units);
  if (!w->stamp || !w->units || pairs_init(&w->p, 64)) return QR_ENOMEM;
  memset(w->stamp, 0xFF, (nent ? nent : 1) * sizeof *w->stamp);
  uint32_t unit = 0;
  size_t nd = o->docs ? o->ndocs : qr_corpus_ndocs(c);
  for (size_t i = 0; i < nd; i++) {
    qr_status rc = walk_doc(c, o, w, o->docs ? o->docs[i] : (uint32_t)i, &unit);
    if (rc) return rc;
  }
  *nunits = unit;
  uint64_t min = o->min ? o->min : 1;
  size_t m = 0;
  for (size_t j = 0; j < w->p.cap; j++)
    m += w->p.slot[j].key != UINT64_MAX && w->p.slot[j].count >= min;
  qr_cooc_row *out = malloc((m ? m : 1) * sizeof *out);
  if (!out) return QR_ENOMEM;
  m = 0;
  for (size_t j = 0; j < w->p.cap; j++) {
    const pair *p = &w->p.slot[j];
    if (p->key == UINT64_MAX || p->count < min) continue;
    qr_cooc_row *r = &out[m++];
    r->a = (uint32_t)(p->key >> 32);
    r->b = (uint32_t)p->key;
    r->a_name = qr_gazetteer_name(w->g, r->a, 0);
    r->b_name = qr_gazetteer_name(w->g, r->b, 0);
    r->count = p->count;
    r->docs = p->docs;
    r->f_a = w->units[r->a];
    r->f_b = w->units[r->b];
    /* the collocation measures with units for tokens: a's units are the
     * "window" b is looked for in (W = f_a) */
    qr_assoc_compute((double)r->count, (double)r->f_a, (double)r->f_b, (double)r->f_a,
                     (double)unit, &r->m);
    r->sort_key = qr_assoc_value(&r->m, o->sort);
  }
  qsort(out, m, sizeof *out, cmp_rows);
  if (o->top && m > o->top) m = o->top;
  *rows = out;
  *nrows = m;
  return QR_OK;
}

qr_status qr_cooccurrences(const qr_corpus *c, const qr_cooc_opts *o, qr_cooc_row **rows,
                           size_t *nrows, uint64_t *nunits) {
  *rows = NULL;
  *nrows = 0;
  *nunits = 0;
  work w;
  memset(&w, 0, sizeof w);
  w.g = qr_corpus_gazetteer(c);   /* none: no pairs, but the units are counted */
  qr_status rc = cooccurrences(c, o, &w, rows, nrows, nunits);
  free(w.stamp);
  free(w.units);
  free(w.ents);
  free(w.p.slot);
  return rc;
}
