/* cooc.c — entity co-occurrence: pairs of entities named in the same
 * sentence, paragraph or document, with the association measures of
 * collocations computed on units instead of tokens (docs/statistics.md,
 * "Entity co-occurrence").
 *
 * One walk over the units of the (sub)corpus and their mentions, in corpus
 * order. The entities are the corpus's (quarry/entities.h: the gazetteer's
 * entries and the guessed names). A first pass over the mentions in scope
 * ranks the entities they name by id and by name, so that the sorts after
 * compare numbers: a unit's entities by id, the rows by name. The distinct
 * entities of a unit are found with a stamp per entity (the last unit that
 * named it), which also gives each entity's unit count; the pairs of a unit
 * go into a hash table keyed by the ranks of the two ids, at most
 * QR_COOC_MAX_PAIRS of them. */
#include <stdlib.h>
#include <string.h>

#include "quarry/entities.h"
#include "quarry/stats.h"

/* One pair: the entities (a's id before b's in byte order), the units that
 * name both, and the documents those units are in. */
typedef struct pair {
  uint64_t key;          /* a << 32 | b; UINT64_MAX for an empty slot */
  uint32_t count, docs, last_doc;
} pair;

typedef struct pairs {
  pair *slot;
  size_t cap, n;         /* cap a power of two, at most half full */
  size_t max;            /* the most pairs */
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

/* The slot of key, made (zeroed) when new; NULL when out of memory or
 * past p->max pairs (*rc says which). */
static pair *pairs_get(pairs *p, uint64_t key, qr_status *rc) {
  size_t j = mix(key) & (p->cap - 1);
  while (p->slot[j].key != UINT64_MAX && p->slot[j].key != key) j = (j + 1) & (p->cap - 1);
  if (p->slot[j].key == key) return &p->slot[j];
  if (p->n >= p->max) {
    *rc = QR_ELIMIT;
    return NULL;
  }
  if (2 * (p->n + 1) > p->cap) {
    pairs bigger;
    if (pairs_init(&bigger, 2 * p->cap)) {
      *rc = QR_ENOMEM;
      return NULL;
    }
    for (size_t i = 0; i < p->cap; i++) {
      if (p->slot[i].key == UINT64_MAX) continue;
      size_t to = mix(p->slot[i].key) & (bigger.cap - 1);
      while (bigger.slot[to].key != UINT64_MAX) to = (to + 1) & (bigger.cap - 1);
      bigger.slot[to] = p->slot[i];
    }
    free(p->slot);
    p->slot = bigger.slot;
    p->cap = bigger.cap;
    j = mix(key) & (p->cap - 1);   /* (its place in the bigger table) */
    while (p->slot[j].key != UINT64_MAX) j = (j + 1) & (p->cap - 1);
  }
  p->slot[j].key = key;
  p->slot[j].count = p->slot[j].docs = 0;
  p->slot[j].last_doc = UINT32_MAX;
  p->n++;
  return &p->slot[j];
}

/* The work space of one call. */
typedef struct work {
  const qr_entities *es;   /* NULL: no gazetteer, no mentions */
  uint32_t *stamp;       /* per entity: the last unit that named it */
  uint32_t *units;       /* per entity: the units that name it (f_a) */
  uint32_t *ents;        /* the distinct entities of the unit at hand */
  size_t nents, cap;
  /* the entities named in scope: by_rank[r] is the r-th in byte order of
   * ids (ties by number), id_rank its inverse (per entity, UINT32_MAX when
   * not named); name_rank the place of each in byte order of names */
  uint32_t *by_rank, *id_rank, *name_rank;
  size_t nnamed;
  pairs p;
} work;

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Sorts the unit's entities by the ranks of their ids and puts the ranks
 * in their place: a unit names few (an insertion sort), but a document
 * can name thousands. */
static void sort_ents(work *w) {
  for (size_t i = 0; i < w->nents; i++) w->ents[i] = w->id_rank[w->ents[i]];
  if (w->nents > 16) {
    qsort(w->ents, w->nents, sizeof *w->ents, cmp_u32);
    return;
  }
  for (size_t i = 1; i < w->nents; i++) {
    uint32_t r = w->ents[i];
    size_t j = i;
    for (; j > 0 && w->ents[j - 1] > r; j--) w->ents[j] = w->ents[j - 1];
    w->ents[j] = r;
  }
}

/* Ends a unit: counts its pairs. */
static qr_status close_unit(work *w, uint32_t doc) {
  sort_ents(w);
  for (size_t i = 0; i < w->nents; i++)
    for (size_t j = i + 1; j < w->nents; j++) {
      qr_status rc;
      pair *p = pairs_get(&w->p, (uint64_t)w->ents[i] << 32 | w->ents[j], &rc);
      if (!p) return rc;
      p->count++;
      if (p->last_doc != doc) {
        p->last_doc = doc;
        p->docs++;
      }
    }
  w->nents = 0;
  return QR_OK;
}

/* Adds entity e to the unit numbered unit. */
static qr_status add_entity(work *w, uint32_t e, uint32_t unit) {
  if (w->stamp[e] == unit) return QR_OK;
  w->stamp[e] = unit;
  w->units[e]++;
  if (qr_grow((void **)&w->ents, &w->cap, w->nents + 1, sizeof *w->ents)) return QR_ENOMEM;
  w->ents[w->nents++] = e;
  return QR_OK;
}

/* The entity of mention k when o counts it, else UINT32_MAX. */
static uint32_t counted(const work *w, const qr_cooc_opts *o, size_t k) {
  uint32_t t = qr_entities_typed_of(w->es, k);   /* (the mention's own type is tested) */
  if (t >= qr_entities_ntyped(w->es) ||
      (o->type && strcmp(qr_entities_typed_type(w->es, t), o->type) != 0))
    return UINT32_MAX;
  return qr_entities_typed_entity(w->es, t);
}

/* Walks the units of document d, numbering them from *unit on. */
static qr_status walk_doc(const qr_corpus *c, const qr_cooc_opts *o, work *w, uint32_t d,
                          uint32_t *unit) {
  qr_doc doc;
  qr_corpus_doc(c, d, &doc);
  const qr_sentences *s = qr_corpus_sentences(c);
  const qr_mentions *m = qr_corpus_mentions(c);
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
    for (; w->es && k < k1 && m->tok_first[k] < end; k++) {
      uint32_t e = counted(w, o, k);
      qr_status rc = e == UINT32_MAX ? QR_OK : add_entity(w, e, *unit);
      if (rc) return rc;
    }
    qr_status rc = close_unit(w, d);
    if (rc) return rc;
    (*unit)++;
    si = se;
  }
  return QR_OK;
}

/* The documents of the scope, one by one. */
static uint32_t doc_at(const qr_cooc_opts *o, size_t i) {
  return o->docs ? o->docs[i] : (uint32_t)i;
}

/* An entity and the string it is sorted by. */
typedef struct keyed {
  const char *key;
  uint32_t e;
} keyed;

static int cmp_keyed(const void *a, const void *b) {
  const keyed *x = a, *y = b;
  int r = strcmp(x->key, y->key);
  return r ? r : (x->e > y->e) - (x->e < y->e);   /* (a guessed name's id can be an entry's) */
}

/* Ranks the entities the scope's counted mentions name: by_rank, id_rank
 * and name_rank (see work). */
static qr_status rank_entities(const qr_corpus *c, const qr_cooc_opts *o, work *w, size_t nent) {
  w->id_rank = malloc((nent ? nent : 1) * sizeof *w->id_rank);
  w->name_rank = malloc((nent ? nent : 1) * sizeof *w->name_rank);
  if (!w->id_rank || !w->name_rank) return QR_ENOMEM;
  memset(w->id_rank, 0xFF, (nent ? nent : 1) * sizeof *w->id_rank);
  size_t n = 0, nd = o->docs ? o->ndocs : qr_corpus_ndocs(c);
  for (size_t i = 0; w->es && i < nd; i++) {   /* (id_rank marks the named: 0) */
    qr_doc doc;
    qr_corpus_doc(c, doc_at(o, i), &doc);
    for (size_t k = doc.ment_first; k < doc.ment_first + doc.ment_count; k++) {
      uint32_t e = counted(w, o, k);
      if (e != UINT32_MAX && w->id_rank[e] == UINT32_MAX) {
        w->id_rank[e] = 0;
        n++;
      }
    }
  }
  keyed *ks = malloc((n ? n : 1) * sizeof *ks);
  w->by_rank = malloc((n ? n : 1) * sizeof *w->by_rank);
  if (!ks || !w->by_rank) {
    free(ks);
    return QR_ENOMEM;
  }
  n = 0;
  for (size_t e = 0; e < nent; e++)
    if (w->id_rank[e] != UINT32_MAX) ks[n++] = (keyed){qr_entities_id(w->es, (uint32_t)e), (uint32_t)e};
  qsort(ks, n, sizeof *ks, cmp_keyed);
  for (size_t r = 0; r < n; r++) {
    w->by_rank[r] = ks[r].e;
    w->id_rank[ks[r].e] = (uint32_t)r;
    ks[r].key = qr_entities_name(w->es, ks[r].e);
  }
  qsort(ks, n, sizeof *ks, cmp_keyed);
  for (size_t r = 0; r < n; r++) w->name_rank[ks[r].e] = (uint32_t)r;
  w->nnamed = n;
  free(ks);
  return QR_OK;
}

/* A row as sorted: the measure, the count, the ranks of the two names. */
typedef struct sorted {
  double key;
  uint64_t count;
  uint32_t a, b;      /* name ranks */
  size_t row;
} sorted;

static int cmp_sorted(const void *pa, const void *pb) {
  const sorted *x = pa, *y = pb;
  if (x->key != y->key) return x->key > y->key ? -1 : 1;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  if (x->a != y->a) return x->a < y->a ? -1 : 1;
  return (x->b > y->b) - (x->b < y->b);
}

static qr_status cooccurrences(const qr_corpus *c, const qr_cooc_opts *o, work *w,
                               qr_cooc_row **rows, size_t *nrows, uint64_t *nunits) {
  size_t nent = w->es ? qr_entities_count(w->es) : 0;
  qr_status rc = rank_entities(c, o, w, nent);
  if (rc) return rc;
  w->stamp = malloc((nent ? nent : 1) * sizeof *w->stamp);
  w->units = calloc(nent ? nent : 1, sizeof *w->units);
  if (!w->stamp || !w->units || pairs_init(&w->p, 64)) return QR_ENOMEM;
  w->p.max = o->max_pairs ? o->max_pairs : QR_COOC_MAX_PAIRS;
  memset(w->stamp, 0xFF, (nent ? nent : 1) * sizeof *w->stamp);
  uint32_t unit = 0;
  size_t nd = o->docs ? o->ndocs : qr_corpus_ndocs(c);
  for (size_t i = 0; i < nd; i++)
    if ((rc = walk_doc(c, o, w, doc_at(o, i), &unit))) return rc;
  *nunits = unit;
  uint64_t min = o->min ? o->min : 1;
  size_t m = 0;
  for (size_t j = 0; j < w->p.cap; j++)
    m += w->p.slot[j].key != UINT64_MAX && w->p.slot[j].count >= min;
  qr_cooc_row *all = malloc((m ? m : 1) * sizeof *all);
  sorted *order = malloc((m ? m : 1) * sizeof *order);
  if (!all || !order) {
    free(all);
    free(order);
    return QR_ENOMEM;
  }
  m = 0;
  for (size_t j = 0; j < w->p.cap; j++) {
    const pair *p = &w->p.slot[j];
    if (p->key == UINT64_MAX || p->count < min) continue;
    qr_cooc_row *r = &all[m];
    r->a = w->by_rank[p->key >> 32];
    r->b = w->by_rank[(uint32_t)p->key];
    r->a_name = qr_entities_name(w->es, r->a);
    r->b_name = qr_entities_name(w->es, r->b);
    r->a_id = qr_entities_id(w->es, r->a);
    r->b_id = qr_entities_id(w->es, r->b);
    r->count = p->count;
    r->docs = p->docs;
    r->f_a = w->units[r->a];
    r->f_b = w->units[r->b];
    /* the collocation measures with units for tokens: a's units are the
     * "window" b is looked for in (W = f_a) */
    qr_assoc_compute((double)r->count, (double)r->f_a, (double)r->f_b, (double)r->f_a,
                     (double)unit, &r->m);
    r->sort_key = qr_assoc_value(&r->m, o->sort);
    order[m] = (sorted){r->sort_key, r->count, w->name_rank[r->a], w->name_rank[r->b], m};
    m++;
  }
  /* most first; ties by the count, then a's name, then b's (each name's
   * rank breaks its own ties by number) */
  qsort(order, m, sizeof *order, cmp_sorted);
  if (o->top && m > o->top) m = o->top;
  qr_cooc_row *out = malloc((m ? m : 1) * sizeof *out);
  if (out)
    for (size_t i = 0; i < m; i++) out[i] = all[order[i].row];
  free(all);
  free(order);
  if (!out) return QR_ENOMEM;
  *rows = out;
  *nrows = m;
  return QR_OK;
}

qr_status qr_cooccurrences(qr_corpus *c, const qr_cooc_opts *o, qr_cooc_row **rows,
                           size_t *nrows, uint64_t *nunits) {
  *rows = NULL;
  *nrows = 0;
  *nunits = 0;
  work w;
  memset(&w, 0, sizeof w);
  /* no gazetteer: no pairs, but the units are counted */
  qr_status rc = qr_corpus_gazetteer(c) ? qr_corpus_entities(c, &w.es) : QR_OK;
  if (!rc) rc = cooccurrences(c, o, &w, rows, nrows, nunits);
  free(w.stamp);
  free(w.units);
  free(w.ents);
  free(w.by_rank);
  free(w.id_rank);
  free(w.name_rank);
  free(w.p.slot);
  return rc;
}
