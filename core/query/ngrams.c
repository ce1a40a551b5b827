/* ngrams.c — n-grams and skip-grams, counted over id tuples.
 *
 * The tokens of the scope are cut into runs: a run ends at a sentence's end
 * (or a document's, when n-grams may cross sentences) and at every token of
 * a kind not taking part, which is not bridged. Each run gives its n-grams
 * (and, with skip = k, every choice of n positions in order whose gaps add
 * up to at most k). An n-gram is a tuple of item ids (lexicon ids, kinds or
 * shape ids), counted in an open-addressing hash table of tuples; its
 * strings are looked at only to order equal counts, through the rank of
 * each item id in byte order.
 *
 * The table is the cost: a few million distinct bigrams in a 20 M-token
 * corpus do not fit in any cache, so n-grams are hashed in batches and
 * their slots fetched before they are looked at. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "quarry/stats.h"

/* ---- the table of tuples ------------------------------------------------------ */

/* Open addressing with the entries in the slots themselves: a slot is the n
 * item ids, then count, documents and last document + 1 (stride n + 3
 * words; count 0: empty), so that a lookup reads one place. At most half
 * the slots are used. */
typedef struct table {
  uint32_t *slots;
  size_t mask, used;
  unsigned n, stride;
} table;

/* Zeroed memory for a table of `size` bytes. A large table is read at
 * random, a few bytes per 4 KiB page: it is put on huge pages where the
 * system gives them, so that finding a slot does not also miss the TLB. */
static void *table_alloc(size_t size) {
  const size_t huge = (size_t)2 << 20;
  if (size < 2 * huge) return calloc(size, 1);
  size = (size + huge - 1) / huge * huge;
  void *p = aligned_alloc(huge, size);
  if (!p) return NULL;
#ifdef MADV_HUGEPAGE
  madvise(p, size, MADV_HUGEPAGE);   /* a hint: without it, small pages */
#endif
  memset(p, 0, size);
  return p;
}

static uint64_t hash_ids(const uint32_t *ids, unsigned n) {
  uint64_t h = qr_hash_seed(n * 4);
  for (unsigned j = 0; j < n; j++) h = qr_hash_step(h, ids[j]);
  return qr_hash_mix(h);
}

static qr_status table_init(table *t, unsigned n) {
  memset(t, 0, sizeof *t);
  t->n = n;
  t->stride = n + 3;
  t->mask = 1023;
  t->slots = table_alloc((t->mask + 1) * t->stride * sizeof *t->slots);
  return t->slots ? QR_OK : QR_ENOMEM;
}

static void table_free(table *t) { free(t->slots); }

/* Doubles the slots and puts every entry back. */
static qr_status table_grow(table *t) {
  size_t mask = t->mask * 2 + 1, w = t->stride;
  uint32_t *slots = table_alloc((mask + 1) * w * sizeof *slots);
  if (!slots) return QR_ENOMEM;
  for (size_t k = 0; k <= t->mask; k++) {
    const uint32_t *e = &t->slots[k * w];
    if (!e[t->n]) continue;
    size_t i = hash_ids(e, t->n) & mask;
    while (slots[i * w + t->n]) i = (i + 1) & mask;
    memcpy(&slots[i * w], e, w * sizeof *e);
  }
  free(t->slots);
  t->slots = slots;
  t->mask = mask;
  return QR_OK;
}

/* Counts the tuple ids (hash h) once more, in document doc1 - 1. */
static qr_status table_add(table *t, const uint32_t *ids, uint64_t h, uint32_t doc1) {
  unsigned n = t->n;
  for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
    uint32_t *e = &t->slots[i * t->stride];
    if (!e[n]) {   /* a new n-gram */
      memcpy(e, ids, n * sizeof *ids);
      e[n] = 1;
      e[n + 1] = 1;
      e[n + 2] = doc1;
      return ++t->used * 2 > t->mask + 1 ? table_grow(t) : QR_OK;
    }
    unsigned j = 0;
    while (j < n && e[j] == ids[j]) j++;
    if (j < n) continue;
    e[n]++;
    e[n + 1] += e[n + 2] != doc1;
    e[n + 2] = doc1;
    return QR_OK;
  }
}

/* ---- counting --------------------------------------------------------------------- */

#define BATCH 32

/* What a pass needs: the options, the item of each token, the table, and
 * a batch of tuples waiting for their slots to arrive. */
typedef struct pass {
  const qr_corpus *c;
  const qr_ngram_opts *o;
  const uint32_t *ids;        /* word, lower: the token's lexicon id */
  const uint8_t *kind;
  const qr_sentences *sents;
  uint32_t *map;              /* shape: form -> shape id */
  qr_lexicon *names;
  qr_buf tmp;
  uint32_t *item;             /* the items of the run being read */
  size_t item_cap;
  table t;
  uint32_t batch[BATCH][QR_NGRAM_MAX];
  uint64_t hash[BATCH];
  uint32_t bdoc[BATCH];
  size_t nbatch;
  uint64_t total;
} pass;

/* Counts the batch, whose slots emit asked for. */
static qr_status flush(pass *p) {
  for (size_t k = 0; k < p->nbatch; k++) {
    qr_status rc = table_add(&p->t, p->batch[k], p->hash[k], p->bdoc[k]);
    if (rc) return rc;
  }
  p->nbatch = 0;
  return QR_OK;
}

/* Queues one n-gram: its slot is asked for now and read at the flush. */
static qr_status emit(pass *p, const uint32_t *ids, uint32_t doc1) {
  unsigned n = p->o->n;
  uint32_t *b = p->batch[p->nbatch];
  memcpy(b, ids, n * sizeof *ids);
  uint64_t h = hash_ids(b, n);
  __builtin_prefetch(&p->t.slots[(h & p->t.mask) * p->t.stride]);
  p->hash[p->nbatch] = h;
  p->bdoc[p->nbatch++] = doc1;
  p->total++;
  return p->nbatch == BATCH ? flush(p) : QR_OK;
}

/* The item of token i. */
static qr_status item_of(pass *p, size_t i, uint32_t *out) {
  switch (p->o->by) {
  case QR_BY_KIND: *out = p->kind[i]; return QR_OK;
  case QR_BY_SHAPE: {
    uint32_t f = qr_corpus_forms(p->c)[i];
    if (p->map[f] == QR_LEX_NONE) {
      qr_status rc = qr_shape_map(p->c, f, p->map, p->names, &p->tmp);
      if (rc) return rc;
    }
    *out = p->map[f];
    return QR_OK;
  }
  default: *out = p->ids[i]; return QR_OK;
  }
}

/* The skip-grams from position pos (item j, already `used` tokens
 * skipped) of a run whose items are it[0, len) (tokens a ...): every choice
 * of the next positions with gaps adding up to at most skip. */
static qr_status skips(pass *p, const uint32_t *it, size_t len, size_t a, size_t from,
                       uint32_t d1, size_t pos, unsigned j, unsigned used, uint32_t *ids) {
  ids[j] = it[pos];
  if (j + 1 == p->o->n) return a + pos >= from ? emit(p, ids, d1) : QR_OK;
  for (unsigned g = 0; used + g <= p->o->skip && pos + 1 + g < len; g++) {
    qr_status rc = skips(p, it, len, a, from, d1, pos + 1 + g, j + 1, used + g, ids);
    if (rc) return rc;
  }
  return QR_OK;
}

/* The n-grams of run [a, b) (tokens of the kinds, in one sentence or
 * document) of document doc, whose last token is at or past from (the
 * n-grams ending before it were counted with an earlier hit). */
static qr_status count_run(pass *p, size_t a, size_t b, uint32_t doc, size_t from) {
  unsigned n = p->o->n, k = p->o->skip;
  if (b - a < n) return QR_OK;
  if (qr_grow((void **)&p->item, &p->item_cap, b - a, sizeof *p->item)) return QR_ENOMEM;
  uint32_t *it = p->item;
  for (size_t i = a; i < b; i++) {
    qr_status rc = item_of(p, i, &it[i - a]);
    if (rc) return rc;
  }
  size_t len = b - a;
  uint32_t d1 = doc + 1, ids[QR_NGRAM_MAX];
  if (k == 0) {
    for (size_t s = 0; s + n <= len; s++) {
      if (a + s + n - 1 < from) continue;
      qr_status rc = emit(p, &it[s], d1);
      if (rc) return rc;
    }
    return QR_OK;
  }
  for (size_t s = 0; s + n <= len; s++) {
    qr_status rc = skips(p, it, len, a, from, d1, s, 0, 0, ids);
    if (rc) return rc;
  }
  return QR_OK;
}

/* The runs of tokens [a, b) of document doc: cut at sentence ends (unless
 * n-grams cross them) and at tokens of the kinds not taking part. */
static qr_status count_stretch(pass *p, size_t a, size_t b, uint32_t doc, size_t from) {
  uint32_t kinds = p->o->kinds;
  size_t s = p->o->cross_sentences ? 0 : qr_corpus_sentence_of_token(p->c, a);
  while (a < b) {
    size_t end = b;
    if (!p->o->cross_sentences) {
      while (s < p->sents->n && p->sents->first[s] + p->sents->count[s] <= a) s++;
      if (s < p->sents->n && p->sents->first[s] + p->sents->count[s] < end)
        end = p->sents->first[s] + p->sents->count[s];
    }
    size_t i = a;
    while (i < end) {
      while (i < end && !((kinds >> p->kind[i]) & 1u)) i++;
      size_t r = i;
      while (i < end && ((kinds >> p->kind[i]) & 1u)) i++;
      if (i > r) {
        qr_status rc = count_run(p, r, i, doc, from);
        if (rc) return rc;
      }
    }
    a = end;
  }
  return QR_OK;
}

static int cmp_hits(const void *x, const void *y) {
  const qr_hit *a = x, *b = y;
  return (a->first > b->first) - (a->first < b->first);
}

/* The n-grams inside the hits: each hit's tokens (in a document of the
 * scope) are a stretch; an n-gram in two overlapping hits counts once,
 * with the first hit holding it (the hits are taken by their first token,
 * so an earlier hit holds an n-gram exactly when its end is past the
 * n-gram's last token). */
static qr_status count_hits(pass *p) {
  const qr_scope *sc = &p->o->scope;
  qr_hit *h = malloc((sc->nhits ? sc->nhits : 1) * sizeof *h);
  if (!h) return QR_ENOMEM;
  memcpy(h, sc->hits, sc->nhits * sizeof *h);
  qsort(h, sc->nhits, sizeof *h, cmp_hits);
  size_t ntok = qr_corpus_tokens(p->c)->n, reach = 0;
  qr_status rc = QR_OK;
  for (size_t k = 0; k < sc->nhits && !rc; k++) {
    size_t a = h[k].first, b = (size_t)h[k].first + h[k].count;
    if (b > ntok) b = ntok;
    size_t from = reach;
    if (b > reach) reach = b;
    while (a < b && !rc) {   /* (a hit should not cross documents; cut it if it does) */
      size_t d = qr_corpus_doc_of_token(p->c, a);
      qr_doc doc;
      qr_corpus_doc(p->c, d, &doc);
      size_t e = doc.tok_first + doc.tok_count < b ? doc.tok_first + doc.tok_count : b;
      int in = !sc->docs;
      if (sc->docs) {
        size_t lo = 0, hi = sc->ndocs;
        while (lo < hi) {
          size_t mid = lo + (hi - lo) / 2;
          if (sc->docs[mid] < d) lo = mid + 1;
          else hi = mid;
        }
        in = lo < sc->ndocs && sc->docs[lo] == d;
      }
      if (in) rc = count_stretch(p, a, e, (uint32_t)d, from);
      a = e;
    }
  }
  free(h);
  return rc;
}

/* ---- ranking ------------------------------------------------------------------------- */

/* Ranks: a row's tie points at its ranks after the first two, led by how
 * many there are. */
static int tie_ranks(const void *x, const void *y) {
  const uint32_t *a = x, *b = y;
  for (uint32_t j = 1; j <= a[0]; j++)
    if (a[j] != b[j]) return a[j] < b[j] ? -1 : 1;
  return 0;
}

static int tie_strings(const void *a, const void *b) { return strcmp(a, b); }

/* The rank of each item id seen in the kept entries, in byte order of its
 * string: rank[id] (UINT32_MAX for ids not seen). */
static qr_status item_ranks(const qr_corpus *c, const qr_ngram_list *l, const table *t,
                            size_t nid, uint32_t *rank) {
  size_t m = 0;
  memset(rank, 0xFF, nid * sizeof *rank);
  for (size_t e = 0; e <= t->mask; e++)
    for (unsigned j = 0; j < t->n && t->slots[e * t->stride + t->n]; j++) {
      uint32_t id = t->slots[e * t->stride + j];
      if (rank[id] == UINT32_MAX) {
        rank[id] = 0;
        m++;
      }
    }
  qr_rank_row *r = malloc((m ? m : 1) * sizeof *r);
  if (!r) return QR_ENOMEM;
  m = 0;
  for (size_t id = 0; id < nid; id++) {
    if (rank[id] == UINT32_MAX) continue;
    const char *s = qr_ngram_item(c, l, (uint32_t)id);
    r[m].count = 0;
    r[m].prefix = qr_rank_prefix(s);
    r[m].tie = s;
    r[m].key = (uint32_t)id;
    r[m++].docs = 0;
  }
  qr_rank_rows(r, m, 0, tie_strings);
  for (size_t i = 0; i < m; i++) rank[r[i].key] = (uint32_t)i;
  free(r);
  return QR_OK;
}

/* The rows of the entries counted at least min_count times, ranked by
 * count, then item by item by the ranks of their strings (the first two in
 * the prefix, the others through the tie), cut to top. */
static qr_status make_rows(const qr_corpus *c, qr_ngram_list *l, const table *t, size_t nid,
                           uint64_t min_count, size_t top) {
  unsigned n = t->n;
  uint32_t *rank = malloc((nid ? nid : 1) * sizeof *rank);
  qr_rank_row *r = malloc((t->used ? t->used : 1) * sizeof *r);
  uint32_t *tail = malloc((t->used ? t->used : 1) * QR_NGRAM_MAX * sizeof *tail);
  qr_status rc = rank && r && tail ? item_ranks(c, l, t, nid, rank) : QR_ENOMEM;
  size_t m = 0;
  for (size_t e = 0; !rc && e <= t->mask; e++) {
    const uint32_t *x = &t->slots[e * t->stride];
    if (!x[n] || x[n] < min_count) continue;
    r[m].count = x[n];
    r[m].docs = x[n + 1];
    r[m].key = (uint32_t)e;
    r[m].prefix = (uint64_t)rank[x[0]] << 32 | (n > 1 ? rank[x[1]] : 0);
    uint32_t *tl = &tail[m * QR_NGRAM_MAX];
    tl[0] = n > 2 ? n - 2 : 0;
    for (unsigned j = 2; j < n; j++) tl[j - 1] = rank[x[j]];
    r[m++].tie = tl;
  }
  if (!rc) {
    m = qr_rank_rows(r, m, top, tie_ranks);
    l->rows = malloc((m ? m : 1) * sizeof *l->rows);
    if (!l->rows) rc = QR_ENOMEM;
  }
  for (size_t i = 0; !rc && i < m; i++) {
    const uint32_t *x = &t->slots[(size_t)r[i].key * t->stride];
    qr_ngram_row *row = &l->rows[i];
    memset(row->ids, 0, sizeof row->ids);
    memcpy(row->ids, x, n * sizeof *x);
    row->count = r[i].count;
    row->docs = r[i].docs;
  }
  if (!rc) l->n = m;
  free(rank);
  free(r);
  free(tail);
  return rc;
}

/* ---- the entry point ------------------------------------------------------------------ */

void qr_ngram_list_free(qr_ngram_list *l) {
  free(l->rows);
  qr_lexicon_free(l->names);
  memset(l, 0, sizeof *l);
}

const char *qr_ngram_item(const qr_corpus *c, const qr_ngram_list *l, uint32_t id) {
  switch (l->by) {
  case QR_BY_KIND: return qr_token_kind_name((int)id);
  case QR_BY_SHAPE: return qr_lexicon_str(l->names, id, NULL);
  default: return qr_lexicon_str(qr_corpus_lexicon(c), id, NULL);
  }
}

qr_status qr_ngrams(const qr_corpus *c, const qr_ngram_opts *o, qr_ngram_list *out) {
  memset(out, 0, sizeof *out);
  if (o->n < 1 || o->n > QR_NGRAM_MAX || o->skip > QR_SKIP_MAX ||
      (o->by != QR_BY_WORD && o->by != QR_BY_LOWER && o->by != QR_BY_KIND &&
       o->by != QR_BY_SHAPE))
    return QR_EARG;
  qr_ngram_opts oo = *o;
  if (!oo.kinds) oo.kinds = 1u << QR_TOK_WORD;
  out->len = o->n;
  out->by = o->by;
  qr_status rc = qr_scope_tokens(c, &oo.scope, oo.kinds, &out->tokens);
  if (rc) return rc;
  const qr_lexicon *lx = qr_corpus_lexicon(c);
  pass p;
  memset(&p, 0, sizeof p);
  p.c = c;
  p.o = &oo;
  p.ids = o->by == QR_BY_WORD ? qr_corpus_forms(c) : qr_corpus_folds(c);
  p.kind = qr_corpus_tokens(c)->kind;
  p.sents = qr_corpus_sentences(c);
  if (o->by == QR_BY_SHAPE) {
    size_t nlex = qr_lexicon_size(lx);
    out->names = p.names = qr_lexicon_new();
    p.map = malloc((nlex ? nlex : 1) * sizeof *p.map);
    if (!p.names || !p.map) rc = QR_ENOMEM;
    else memset(p.map, 0xFF, nlex * sizeof *p.map);
  }
  if (!rc) rc = table_init(&p.t, o->n);
  if (!rc && oo.scope.hits) {
    rc = count_hits(&p);
  } else if (!rc) {
    qr_span *sp = NULL;
    size_t nsp = 0;
    rc = qr_scope_spans(c, &oo.scope, &sp, &nsp);
    for (size_t k = 0; !rc && k < nsp; k++)
      rc = count_stretch(&p, sp[k].first, (size_t)sp[k].first + sp[k].count, sp[k].doc, 0);
    free(sp);
  }
  if (!rc) rc = flush(&p);
  out->total = p.total;
  out->distinct = p.t.used;
  size_t nid = o->by == QR_BY_KIND ? QR_TOK_KIND_MAX
             : o->by == QR_BY_SHAPE ? qr_lexicon_size(p.names) : qr_lexicon_size(lx);
  if (!rc) rc = make_rows(c, out, &p.t, nid, o->min_count, o->top);
  table_free(&p.t);
  free(p.map);
  free(p.item);
  qr_buf_free(&p.tmp);
  if (rc) qr_ngram_list_free(out);
  return rc;
}
