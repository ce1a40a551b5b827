/* colloc.c — collocations: what occurs near a node more often than chance
 * would put it there, and the association measures that say how much more.
 *
 * The node is a list of hits (a word, a phrase, an entity's mentions, a
 * query's matches). Around each hit, a window of tokens of the counted kinds
 * is read to the left of its first token and to the right of its last one,
 * stopping at the ends of its sentence (paragraph, document). Collocates are
 * counted per lexicon id in a dense array sized to the lexicon, and only
 * the ids touched are visited afterwards, so that the work is proportional
 * to the windows, not to the corpus. A collocate's corpus frequency comes
 * from the postings index (its length is the count), never from a pass over
 * the corpus. docs/statistics.md, "Collocations", gives every definition. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/entities.h"
#include "quarry/stats.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- association measures ---------------------------------------------------- */

static const char *const measure_names[QR_ASSOC_NMEASURES] = {
  "observed", "expected", "mi", "mi3", "t", "z", "ll", "dice", "logdice", "log_ratio",
};

const char *qr_assoc_measure_name(qr_assoc_measure m) {
  return (unsigned)m < QR_ASSOC_NMEASURES ? measure_names[m] : NULL;
}

int qr_assoc_measure_from_name(const char *name) {
  for (int m = 0; m < QR_ASSOC_NMEASURES; m++)
    if (strcmp(name, measure_names[m]) == 0) return m;
  return -1;
}

double qr_assoc_value(const qr_assoc *a, qr_assoc_measure m) {
  switch (m) {
  case QR_ASSOC_OBSERVED: return a->observed;
  case QR_ASSOC_EXPECTED: return a->expected;
  case QR_ASSOC_MI: return a->mi;
  case QR_ASSOC_MI3: return a->mi3;
  case QR_ASSOC_T: return a->t;
  case QR_ASSOC_Z: return a->z;
  case QR_ASSOC_LL: return a->ll;
  case QR_ASSOC_DICE: return a->dice;
  case QR_ASSOC_LOGDICE: return a->logdice;
  case QR_ASSOC_LOG_RATIO: return a->log_ratio;
  default: return 0;
  }
}

/* o ln(o / e), the term of G2, 0 for an empty cell */
static double g2_term(double o, double e) { return o > 0 && e > 0 ? o * log(o / e) : 0; }

void qr_assoc_compute(double o, double f_n, double f_c, double w, double n, qr_assoc *a) {
  memset(a, 0, sizeof *a);
  a->observed = o;
  if (n <= 0) return;
  double e = f_c * w / n;
  a->expected = e;
  if (o > 0 && e > 0) {
    a->mi = log2(o / e);
    a->mi3 = log2(o * o * o / e);
  }
  if (o > 0) a->t = (o - e) / sqrt(o);
  /* Berry-Rogghe: the binomial deviation of W draws with p = f_c / N; no
   * deviation at all (the collocate is every token) gives 0, not 0 / 0 */
  double var = e * (1 - f_c / n);
  a->z = var > 0 ? (o - e) / sqrt(var) : 0;
  /* Dunning's G2 on the 2x2 table: in a window or not, the collocate or
   * not. Overlapping windows can count a token twice, so a cell can come
   * out below 0 at the edges (O > f_c, W > N): such a cell is taken as 0
   * and the margins are the sums of the cells as taken. */
  double c11 = o, c12 = w - o, c21 = f_c - o, c22 = n - w - f_c + o;
  if (c12 < 0) c12 = 0;
  if (c21 < 0) c21 = 0;
  if (c22 < 0) c22 = 0;
  double r1 = c11 + c12, r2 = c21 + c22, k1 = c11 + c21, k2 = c12 + c22, t = r1 + r2;
  if (t > 0) {
    double g2 = 2 * (g2_term(c11, r1 * k1 / t) + g2_term(c12, r1 * k2 / t) +
                     g2_term(c21, r2 * k1 / t) + g2_term(c22, r2 * k2 / t));
    if (g2 < 0) g2 = 0;   /* rounding, when o is e */
    a->ll = o < e ? -g2 : g2;
  }
  if (f_n + f_c > 0) a->dice = 2 * o / (f_n + f_c);
  if (a->dice > 0) a->logdice = 14 + log2(a->dice);
  /* Hardie's log ratio: O per window token against the collocate's count
   * per token outside the windows; a count of 0 there is taken as 0.5 */
  double out = f_c - o, rest = n - w;
  if (out <= 0) out = 0.5;
  if (rest <= 0) rest = 0.5;
  if (o > 0 && w > 0) a->log_ratio = log2((o / w) / (out / rest));
}

/* ---- the counted tokens ----------------------------------------------------------- */

/* Tokens whose kind is in kinds, in kind[a, b). This is N of every call,
 * a pass over a byte per token that must cost next to nothing beside the
 * windows (2 ms for 20 M tokens, not 10): with SSE2, 16 kinds at a time are
 * compared with each kind asked for, the matches counted in byte lanes
 * that are summed every 255 blocks, before they can overflow. */
static size_t count_kinds(const uint8_t *kind, size_t a, size_t b, uint32_t kinds) {
  size_t n = 0, i = a;
#if defined(__SSE2__)
  __m128i want[QR_TOK_KIND_MAX];
  int nwant = 0;
  for (int k = 1; k < QR_TOK_KIND_MAX; k++)
    if (kinds & (1u << k)) want[nwant++] = _mm_set1_epi8((char)k);
  const __m128i zero = _mm_setzero_si128();
  while (b - i >= 16) {
    size_t blocks = (b - i) / 16 > 255 ? 255 : (b - i) / 16;
    __m128i acc = zero;
    for (size_t j = 0; j < blocks; j++, i += 16) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(kind + i)), hit = zero;
      for (int w = 0; w < nwant; w++) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, want[w]));
      acc = _mm_sub_epi8(acc, hit);   /* a match is -1 */
    }
    uint64_t sums[2];
    _mm_storeu_si128((__m128i *)(void *)sums, _mm_sad_epu8(acc, zero));
    n += sums[0] + sums[1];
  }
#endif
  for (; i < b; i++) n += (kinds >> kind[i]) & 1;
  return n;
}

size_t qr_stats_tokens(const qr_corpus *c, uint32_t kinds, const uint32_t *docs,
                             size_t ndocs) {
  const qr_tokens *tk = qr_corpus_tokens(c);
  uint32_t all = 0;
  for (int k = 1; k < QR_TOK_KIND_MAX; k++) all |= 1u << k;
  if (!docs) return (kinds & all) == all ? tk->n : count_kinds(tk->kind, 0, tk->n, kinds);
  size_t n = 0;
  for (size_t i = 0; i < ndocs; i++) {
    qr_doc d;
    qr_corpus_doc(c, docs[i], &d);
    n += (kinds & all) == all ? d.tok_count
                              : count_kinds(tk->kind, d.tok_first, d.tok_first + d.tok_count,
                                            kinds);
  }
  return n;
}

static int has_doc(const uint32_t *docs, size_t ndocs, size_t d) {
  if (!docs) return 1;
  size_t lo = 0, hi = ndocs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (docs[mid] < d) lo = mid + 1;
    else hi = mid;
  }
  return lo < ndocs && docs[lo] == d;
}

/* The sentence holding token t: the last k with first[k] <= t. Hits come
 * in corpus order, so the search gallops forward from the sentence of the
 * hit before (*hint), touching a few cache lines where a binary search over
 * the whole array would miss the cache at each of its last steps; it starts
 * from 0 when the hits go backwards. */
static size_t sentence_of(const qr_sentences *s, size_t t, size_t *hint) {
  size_t lo = *hint < s->n && s->first[*hint] <= t ? *hint : 0, step = 1, hi = lo + 1;
  while (hi < s->n && s->first[hi] <= t) {   /* first[lo] <= t < first[hi] when it stops */
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > s->n) hi = s->n;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->first[mid] <= t) lo = mid;
    else hi = mid;
  }
  *hint = lo;
  return lo;
}

/* The token range [*lo, *hi) of the unit (sentence, paragraph or document)
 * holding token t of document doc. */
static void unit_bounds(const qr_corpus *c, qr_unit unit, size_t t, const qr_doc *doc,
                        size_t *hint, size_t *lo, size_t *hi) {
  if (unit == QR_UNIT_DOC) {
    *lo = doc->tok_first;
    *hi = doc->tok_first + doc->tok_count;
    return;
  }
  const qr_sentences *s = qr_corpus_sentences(c);
  size_t k = sentence_of(s, t, hint), k0 = k, k1 = k + 1;
  if (unit == QR_UNIT_PARAGRAPH) {
    size_t s_end = doc->sent_first + doc->sent_count;
    while (k0 > doc->sent_first && !(s->flags[k0] & QR_SF_PARA_START)) k0--;
    while (k1 < s_end && !(s->flags[k1] & QR_SF_PARA_START)) k1++;
  }
  *lo = s->first[k0];
  *hi = s->first[k1 - 1] + s->count[k1 - 1];
}

/* ---- positions of a fold in a subcorpus -------------------------------------------- */

/* The first index of pos[lo, hi) holding a value >= v (pos is sorted). */
static size_t lower_bound(const uint32_t *pos, size_t lo, size_t hi, uint32_t v) {
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pos[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* The token ranges of a subcorpus's documents, in corpus order, for
 * counting postings inside them. */
typedef struct ranges {
  uint32_t *lo, *hi;
  size_t n;
} ranges;

static qr_status ranges_of(const qr_corpus *c, const uint32_t *docs, size_t ndocs, ranges *r) {
  r->n = docs ? ndocs : 0;
  r->lo = malloc((r->n ? r->n : 1) * sizeof *r->lo);
  r->hi = malloc((r->n ? r->n : 1) * sizeof *r->hi);
  if (!r->lo || !r->hi) return QR_ENOMEM;
  for (size_t i = 0; i < r->n; i++) {
    qr_doc d;
    qr_corpus_doc(c, docs[i], &d);
    r->lo[i] = (uint32_t)d.tok_first;
    r->hi[i] = (uint32_t)(d.tok_first + d.tok_count);
  }
  return QR_OK;
}

/* How many of the sorted positions pos[0, n) lie in the ranges: the
 * cheaper of a binary search per position (few positions) and two per
 * range (few ranges). */
static size_t count_in_ranges(const uint32_t *pos, size_t n, const ranges *r) {
  size_t m = 0;
  if (n < r->n) {
    for (size_t i = 0; i < n; i++) {
      size_t k = lower_bound(r->hi, 0, r->n, pos[i] + 1);   /* first range ending past it */
      m += k < r->n && r->lo[k] <= pos[i];
    }
  } else {
    size_t at = 0;
    for (size_t k = 0; k < r->n && at < n; k++) {
      at = lower_bound(pos, at, n, r->lo[k]);
      size_t end = lower_bound(pos, at, n, r->hi[k]);
      m += end - at;
      at = end;
    }
  }
  return m;
}

/* ---- counting the windows ------------------------------------------------------------ */

/* The work space of one call: counts per key (a dense array sized to the
 * keys' space) and the keys touched, in the order first seen. */
typedef struct tally {
  uint32_t *count;
  uint32_t *touched;
  size_t ntouched, cap;
} tally;

static qr_status tally_add(tally *t, uint32_t key) {
  if (t->count[key]++ == 0) {
    if (qr_grow((void **)&t->touched, &t->cap, t->ntouched + 1, sizeof *t->touched))
      return QR_ENOMEM;
    t->touched[t->ntouched++] = key;
  }
  return QR_OK;
}

/* What the window reading needs, gathered once. */
typedef struct reader {
  const qr_corpus *c;
  const qr_colloc_opts *o;
  const uint8_t *kind;
  const uint32_t *ids;        /* folds or forms (by lower or word) */
  const qr_mentions *m;
  const qr_entities *es;      /* by ent or id: the mentions' entities (NULL: no gazetteer) */
  uint32_t kinds;
  uint32_t *type_of;          /* by ent: a small number per typed entity's type, filled as met */
  const char **types;         /* ... and the type of each number */
  size_t ntypes;
  size_t sent_hint;           /* the sentence of the hit before */
} reader;

/* The key of typed entity t's type (by ent): types are interned by the
 * gazetteer, so equal types are mostly one pointer. */
static uint32_t type_key(reader *r, uint32_t t) {
  if (r->type_of[t] != UINT32_MAX) return r->type_of[t];
  const char *ty = qr_entities_typed_type(r->es, t);
  size_t k = 0;
  while (k < r->ntypes && r->types[k] != ty && strcmp(r->types[k], ty) != 0) k++;
  if (k == r->ntypes) r->types[r->ntypes++] = ty;
  r->type_of[t] = (uint32_t)k;
  return (uint32_t)k;
}

/* Mention k's key (by ent: its type's; by id: its entity), or UINT32_MAX. */
static uint32_t mention_key(reader *r, size_t k) {
  uint32_t t = qr_entities_typed_of(r->es, k);
  if (t >= qr_entities_ntyped(r->es)) return UINT32_MAX;
  return r->o->by == QR_COLLOC_ENT ? type_key(r, t) : qr_entities_typed_entity(r->es, t);
}

/* Counts the entity mentions of document doc that overlap the window
 * [a, b) but not the node [first, last]: one per mention, however many of
 * its tokens the window holds. */
static qr_status count_mentions(reader *r, tally *t, const qr_doc *doc, size_t a, size_t b,
                                size_t first, size_t last) {
  const qr_mentions *m = r->m;
  size_t k0 = doc->ment_first, k1 = doc->ment_first + doc->ment_count;
  /* mentions of a document are in token order and do not overlap: the
   * first one that can reach a is just before the first starting at a */
  size_t k = lower_bound(m->tok_first, k0, k1, (uint32_t)a);
  if (k > k0) k--;
  for (; k < k1 && m->tok_first[k] < b; k++) {
    size_t mf = m->tok_first[k], ml = mf + m->tok_count[k];   /* [mf, ml) */
    if (ml <= a || (mf <= last && ml > first)) continue;
    uint32_t key = r->es ? mention_key(r, k) : UINT32_MAX;
    if (key == UINT32_MAX) continue;
    qr_status rc = tally_add(t, key);
    if (rc) return rc;
  }
  return QR_OK;
}

/* Reads the windows of one hit; adds the window's size to *w. */
static qr_status read_windows(reader *r, tally *t, const qr_hit *h, const qr_doc *doc,
                              uint64_t *w) {
  const qr_colloc_opts *o = r->o;
  size_t first = h->first, last = h->first + h->count - 1;
  if (last >= doc->tok_first + doc->tok_count) last = doc->tok_first + doc->tok_count - 1;
  size_t lo, hi, lo2, hi2;
  unit_bounds(r->c, o->within, first, doc, &r->sent_hint, &lo, &hi);
  if (last != first) unit_bounds(r->c, o->within, last, doc, &r->sent_hint, &lo2, &hi2);
  else hi2 = hi;
  int words = o->by == QR_COLLOC_LOWER || o->by == QR_COLLOC_WORD;
  size_t i = first, k = 0;
  while (k < o->left && i > lo) {
    i--;
    if (!(r->kinds & (1u << r->kind[i]))) continue;
    k++;
    if (words && tally_add(t, r->ids[i])) return QR_ENOMEM;
  }
  size_t a = i;
  *w += k;
  i = last + 1;
  k = 0;
  while (k < o->right && i < hi2) {
    if (r->kinds & (1u << r->kind[i])) {
      k++;
      if (words && tally_add(t, r->ids[i])) return QR_ENOMEM;
    }
    i++;
  }
  *w += k;
  if (!words) return count_mentions(r, t, doc, a, i, first, last);
  return QR_OK;
}

/* ---- corpus frequencies of the collocates ----------------------------------------------- */

/* f_c of every touched key counted at least min times, into freq[key]. */
static qr_status collocate_freqs(qr_corpus *c, reader *r, const tally *t, const ranges *sub,
                                 uint64_t min, uint64_t *freq) {
  const qr_colloc_opts *o = r->o;
  if (o->by == QR_COLLOC_ENT || o->by == QR_COLLOC_ID) {
    /* mentions are few next to tokens: one pass over those of the subcorpus */
    size_t nd = o->docs ? o->ndocs : qr_corpus_ndocs(c);
    for (size_t i = 0; i < nd; i++) {
      qr_doc d;
      qr_corpus_doc(c, o->docs ? o->docs[i] : i, &d);
      for (size_t k = d.ment_first; k < d.ment_first + d.ment_count; k++) {
        uint32_t key = r->es ? mention_key(r, k) : UINT32_MAX;
        if (key != UINT32_MAX && t->count[key]) freq[key]++;
      }
    }
    return QR_OK;
  }
  const uint32_t *forms = qr_corpus_forms(c);
  if (o->by == QR_COLLOC_WORD) {
    /* the postings of frequent folds ("the", "of") add up to much of the
     * corpus, read in an order that misses the cache at every position:
     * past a quarter of the tokens in scope, one pass over them is cheaper */
    size_t total = 0, scope = 0;
    for (size_t j = 0; j < t->ntouched; j++) {
      if (t->count[t->touched[j]] < min) continue;
      const uint32_t *pos;
      size_t n;
      qr_status rc = qr_corpus_postings(c, qr_corpus_fold_of(c, t->touched[j]), &pos, &n);
      if (rc) return rc;
      total += n;   /* a fold of several forms counted for each: an estimate */
    }
    for (size_t k = 0; k < sub->n; k++) scope += sub->hi[k] - sub->lo[k];
    if (!o->docs) scope = qr_corpus_tokens(c)->n;
    if (total > scope / 4) {
      /* the forms wanted as bits, which stay in the cache where their
       * counts would not */
      size_t nlex = qr_lexicon_size(qr_corpus_lexicon(c));
      uint64_t *want = calloc(nlex / 64 + 1, sizeof *want);
      if (!want) return QR_ENOMEM;
      for (size_t j = 0; j < t->ntouched; j++)
        if (t->count[t->touched[j]] >= min) want[t->touched[j] / 64] |= 1ull << (t->touched[j] % 64);
      for (size_t k = 0; k < (o->docs ? sub->n : 1); k++) {
        size_t a = o->docs ? sub->lo[k] : 0, b = o->docs ? sub->hi[k] : scope;
        for (size_t i = a; i < b; i++) {   /* without a branch: half the tokens are wanted */
          uint32_t f = forms[i];
          freq[f] += want[f / 64] >> (f % 64) & 1;
        }
      }
      free(want);
      return QR_OK;
    }
  }
  for (size_t j = 0; j < t->ntouched; j++) {
    uint32_t key = t->touched[j];
    if (t->count[key] < min || freq[key]) continue;
    uint32_t fold = o->by == QR_COLLOC_LOWER ? key : qr_corpus_fold_of(c, key);
    const uint32_t *pos;
    size_t n;
    qr_status rc = qr_corpus_postings(c, fold, &pos, &n);
    if (rc) return rc;
    if (o->by == QR_COLLOC_LOWER) {
      freq[key] = o->docs ? count_in_ranges(pos, n, sub) : n;
      continue;
    }
    /* by word: the forms of this fold's postings, every touched form of the
     * fold counted in one pass (a form that turns up with no count is not
     * touched: its count stays out of freq) */
    size_t at = 0, k = 0;
    while (at < n) {
      size_t end = n;
      if (o->docs) {   /* the next stretch of positions inside a range */
        while (k < sub->n && sub->hi[k] <= pos[at]) k++;
        if (k == sub->n) break;
        at = lower_bound(pos, at, n, sub->lo[k]);
        end = lower_bound(pos, at, n, sub->hi[k]);
        k++;
      }
      for (; at < end; at++) {
        uint32_t f = forms[pos[at]];
        if (t->count[f] >= min) freq[f]++;
      }
    }
  }
  return QR_OK;
}

/* ---- rows ------------------------------------------------------------------------------------- */

static int cmp_rows(const void *a, const void *b) {
  const qr_colloc_row *x = a, *y = b;
  if (x->sort_key != y->sort_key) return x->sort_key > y->sort_key ? -1 : 1;
  if (x->m.observed != y->m.observed) return x->m.observed > y->m.observed ? -1 : 1;
  return strcmp(x->name, y->name);
}

static const char *key_name(const qr_corpus *c, const reader *r, uint32_t key) {
  switch (r->o->by) {
  case QR_COLLOC_ENT: return r->types[key];
  case QR_COLLOC_ID: return qr_entities_id(r->es, key);
  default: return qr_lexicon_str(qr_corpus_lexicon(c), key, NULL);
  }
}

/* Everything one call holds, freed in one place. */
typedef struct work {
  tally t;
  uint64_t *freq;
  uint32_t *type_of;
  const char **types;
  ranges sub;
} work;

static void work_free(work *w) {
  free(w->t.count);
  free(w->t.touched);
  free(w->freq);
  free(w->type_of);
  free(w->types);
  free(w->sub.lo);
  free(w->sub.hi);
}

static qr_status collocates(qr_corpus *c, const qr_hit *hits, size_t nhits,
                            const qr_colloc_opts *o, work *wk, qr_colloc_row **rows,
                            size_t *nrows, qr_colloc_totals *tot) {
  int ents = o->by == QR_COLLOC_ENT || o->by == QR_COLLOC_ID;
  const qr_entities *es = NULL;
  if (ents && qr_corpus_gazetteer(c) && qr_corpus_entities(c, &es)) return QR_ENOMEM;
  /* (typed entities: as many as entities and types, at least) */
  size_t nkeys = ents ? (es ? qr_entities_ntyped(es) : 0) : qr_lexicon_size(qr_corpus_lexicon(c));
  reader r = {c, o, qr_corpus_tokens(c)->kind, NULL, qr_corpus_mentions(c), es,
              o->kinds ? o->kinds : 1u << QR_TOK_WORD, NULL, NULL, 0, 0};
  r.ids = o->by == QR_COLLOC_WORD ? qr_corpus_forms(c) : qr_corpus_folds(c);
  wk->t.count = calloc(nkeys ? nkeys : 1, sizeof *wk->t.count);
  wk->freq = calloc(nkeys ? nkeys : 1, sizeof *wk->freq);
  if (!wk->t.count || !wk->freq) return QR_ENOMEM;
  if (o->by == QR_COLLOC_ENT) {
    wk->type_of = malloc((nkeys ? nkeys : 1) * sizeof *wk->type_of);
    wk->types = malloc((nkeys ? nkeys : 1) * sizeof *wk->types);
    if (!wk->type_of || !wk->types) return QR_ENOMEM;
    memset(wk->type_of, 0xFF, (nkeys ? nkeys : 1) * sizeof *wk->type_of);
    r.type_of = wk->type_of;
    r.types = wk->types;
  }
  if (ranges_of(c, o->docs, o->ndocs, &wk->sub)) return QR_ENOMEM;
  tot->f_node = tot->window = 0;
  tot->tokens = qr_stats_tokens(c, r.kinds, o->docs, o->ndocs);
  size_t ntok = qr_corpus_tokens(c)->n;
  for (size_t h = 0; h < nhits; h++) {
#if defined(__GNUC__)
    if (h + 8 < nhits && hits[h + 8].first < ntok) {
      /* the windows of a hit further on are asked for now: each hit's
       * tokens are a cache miss away from the last one's */
      __builtin_prefetch(r.kind + hits[h + 8].first);
      __builtin_prefetch(r.ids + hits[h + 8].first);
    }
#endif
    if (hits[h].count == 0 || (size_t)hits[h].first + hits[h].count > ntok) continue;
    size_t d = qr_corpus_doc_of_token(c, hits[h].first);
    if (!has_doc(o->docs, o->ndocs, d)) continue;
    qr_doc doc;
    qr_corpus_doc(c, d, &doc);
    tot->f_node++;
    qr_status rc = read_windows(&r, &wk->t, &hits[h], &doc, &tot->window);
    if (rc) return rc;
  }
  uint64_t min = o->min ? o->min : 1;
  qr_status rc = collocate_freqs(c, &r, &wk->t, &wk->sub, min, wk->freq);
  if (rc) return rc;
  size_t m = 0;
  for (size_t j = 0; j < wk->t.ntouched; j++) {
    uint32_t key = wk->t.touched[j];
    m += wk->t.count[key] >= min && wk->freq[key] >= o->min_freq;
  }
  qr_colloc_row *out = malloc((m ? m : 1) * sizeof *out);
  if (!out) return QR_ENOMEM;
  m = 0;
  for (size_t j = 0; j < wk->t.ntouched; j++) {
    uint32_t key = wk->t.touched[j];
    if (wk->t.count[key] < min || wk->freq[key] < o->min_freq) continue;
    qr_colloc_row *row = &out[m++];
    row->key = key;
    row->name = key_name(c, &r, key);
    row->f_coll = wk->freq[key];
    qr_assoc_compute((double)wk->t.count[key], (double)tot->f_node, (double)wk->freq[key],
                     (double)tot->window, (double)tot->tokens, &row->m);
    row->sort_key = qr_assoc_value(&row->m, o->sort);
  }
  qsort(out, m, sizeof *out, cmp_rows);
  if (o->top && m > o->top) m = o->top;
  *rows = out;
  *nrows = m;
  return QR_OK;
}

qr_status qr_collocates(qr_corpus *c, const qr_hit *hits, size_t nhits, const qr_colloc_opts *o,
                        qr_colloc_row **rows, size_t *nrows, qr_colloc_totals *tot) {
  *rows = NULL;
  *nrows = 0;
  work wk;
  memset(&wk, 0, sizeof wk);
  qr_status rc = collocates(c, hits, nhits, o, &wk, rows, nrows, tot);
  work_free(&wk);
  return rc;
}
