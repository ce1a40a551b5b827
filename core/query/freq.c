/* freq.c — frequency lists by attribute, with document frequencies, and
 * word shapes.
 *
 * One pass over the ids of the tokens in scope: a count and a "last
 * document seen" per id, side by side in one array sized to the id space,
 * give frequency and document frequency together; then the ids counted are
 * gathered and sorted. Strings are looked at only to order equal counts,
 * and then mostly through an 8-byte prefix held in the row being sorted. */
#include <stdlib.h>
#include <string.h>

#include "quarry/entities.h"
#include "quarry/query.h"
#include "quarry/stats.h"
#include "quarry/utf8.h"

/* ---- word shapes ---------------------------------------------------------- */

qr_status qr_shape(const char *s, size_t n, qr_buf *out) {
  const unsigned char *p = (const unsigned char *)s;
  char last[4];
  int last_len = 0, run = 0;
  for (size_t i = 0; i < n;) {
    int32_t cp;
    int len = qr_utf8_decode(p + i, n - i, &cp);
    char m[4];
    int mlen = 1;
    if (cp < 0) m[0] = s[i];   /* an invalid byte is kept as it is */
    else if (cp >= 'a' && cp <= 'z') m[0] = 'x';   /* ASCII first: most tokens are */
    else if (cp >= 'A' && cp <= 'Z') m[0] = 'X';
    else if (cp >= '0' && cp <= '9') m[0] = 'd';
    else if (cp < 0x80) m[0] = (char)cp;
    else {
      switch (qr_char_class(cp)) {
      case QR_CC_UPPER: m[0] = 'X'; break;
      case QR_CC_LOWER:
      case QR_CC_LETTER: m[0] = 'x'; break;
      case QR_CC_DIGIT: m[0] = 'd'; break;
      case QR_CC_MARK: mlen = 0; break;   /* part of the letter before it */
      default:
        memcpy(m, s + i, (size_t)len);
        mlen = len;
      }
    }
    i += (size_t)len;
    if (!mlen) continue;
    if (mlen == last_len && memcmp(m, last, (size_t)mlen) == 0) {
      if (++run > 4) continue;
    } else {
      memcpy(last, m, (size_t)mlen);
      last_len = mlen;
      run = 1;
    }
    if (qr_buf_append(out, m, (size_t)mlen)) return QR_ENOMEM;
  }
  return QR_OK;
}

/* ---- scopes -------------------------------------------------------------- */

static int hits_sorted(const qr_hit *h, size_t n) {
  for (size_t i = 1; i < n; i++)
    if (h[i].first < h[i - 1].first) return 0;
  return 1;
}

static int cmp_hits(const void *a, const void *b) {
  const qr_hit *x = a, *y = b;
  return (x->first > y->first) - (x->first < y->first);
}

/* Is document d in the sorted list docs (NULL: every document)? *j walks
 * the list forward, for callers asking about documents in order. */
static int doc_in(const uint32_t *docs, size_t n, size_t *j, uint32_t d) {
  if (!docs) return 1;
  while (*j < n && docs[*j] < d) (*j)++;
  return *j < n && docs[*j] == d;
}

qr_status qr_scope_spans(const qr_corpus *c, const qr_scope *s, qr_span **spans, size_t *n) {
  *spans = NULL;
  *n = 0;
  size_t nd = qr_corpus_ndocs(c), cap = 0, m = 0;
  qr_span *out = NULL;
  if (!s->hits) {
    size_t k = s->docs ? s->ndocs : nd;
    out = malloc((k ? k : 1) * sizeof *out);
    if (!out) return QR_ENOMEM;
    for (size_t i = 0; i < k; i++) {
      qr_doc d;
      uint32_t di = s->docs ? s->docs[i] : (uint32_t)i;
      qr_corpus_doc(c, di, &d);
      if (!d.tok_count) continue;
      out[m].first = (uint32_t)d.tok_first;
      out[m].count = (uint32_t)d.tok_count;
      out[m++].doc = di;
    }
    *spans = out;
    *n = m;
    return QR_OK;
  }
  const qr_hit *h = s->hits;
  qr_hit *sorted = NULL;
  if (!hits_sorted(h, s->nhits)) {   /* merging wants them in order */
    sorted = malloc(s->nhits * sizeof *sorted);
    if (!sorted) return QR_ENOMEM;
    memcpy(sorted, h, s->nhits * sizeof *sorted);
    qsort(sorted, s->nhits, sizeof *sorted, cmp_hits);
    h = sorted;
  }
  size_t ntok = qr_corpus_tokens(c)->n, j = 0;
  for (size_t i = 0; i < s->nhits;) {
    /* the union of the hits that overlap or touch this one */
    uint64_t a = h[i].first, b = a + h[i].count;
    for (i++; i < s->nhits && h[i].first <= b; i++)
      if ((uint64_t)h[i].first + h[i].count > b) b = (uint64_t)h[i].first + h[i].count;
    if (b > ntok) b = ntok;
    while (a < b) {   /* cut at document ends */
      size_t di = qr_corpus_doc_of_token(c, a);
      qr_doc d;
      qr_corpus_doc(c, di, &d);
      uint64_t e = d.tok_first + d.tok_count < b ? d.tok_first + d.tok_count : b;
      if (doc_in(s->docs, s->ndocs, &j, (uint32_t)di)) {
        if (qr_grow((void **)&out, &cap, m + 1, sizeof *out)) {
          free(out);
          free(sorted);
          return QR_ENOMEM;
        }
        out[m].first = (uint32_t)a;
        out[m].count = (uint32_t)(e - a);
        out[m++].doc = (uint32_t)di;
      }
      a = e;
    }
  }
  free(sorted);
  *spans = out;
  *n = m;
  return QR_OK;
}

/* ---- ranking rows ------------------------------------------------------------ */

/* Does x come before y? */
static inline int before(const qr_rank_row *x, const qr_rank_row *y,
                         int (*tie)(const void *, const void *)) {
  if (x->count != y->count) return x->count > y->count;
  if (x->prefix != y->prefix) return x->prefix < y->prefix;
  int d = tie ? tie(x->tie, y->tie) : 0;
  return d ? d < 0 : x->key < y->key;
}

static void swap_rows(qr_rank_row *a, qr_rank_row *b) {
  qr_rank_row t = *a;
  *a = *b;
  *b = t;
}

/* Sift down in a heap whose root is the row that comes last. */
static void sift(qr_rank_row *h, size_t n, size_t i, int (*tie)(const void *, const void *)) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, w = i;
    if (l < n && before(&h[w], &h[l], tie)) w = l;
    if (r < n && before(&h[w], &h[r], tie)) w = r;
    if (w == i) return;
    swap_rows(&h[i], &h[w]);
    i = w;
  }
}

static void heap_sort(qr_rank_row *r, size_t n, int (*tie)(const void *, const void *)) {
  for (size_t i = n / 2; i-- > 0;) sift(r, n, i, tie);
  for (size_t e = n; e > 1; e--) {
    swap_rows(&r[0], &r[e - 1]);
    sift(r, e - 1, 0, tie);
  }
}

/* Introsort with the comparison inlined (qsort's call per comparison costs
 * more than the comparison): quicksort with Hoare's partition around the
 * middle row, insertion sort for short runs, heapsort past a depth limit. */
static void sort_rows(qr_rank_row *r, size_t n, int depth, int (*tie)(const void *, const void *)) {
  while (n > 16) {
    if (depth-- == 0) {
      heap_sort(r, n, tie);
      return;
    }
    qr_rank_row p = r[n / 2];
    size_t i = 0, j = n - 1;
    for (;;) {
      while (before(&r[i], &p, tie)) i++;
      while (before(&p, &r[j], tie)) j--;
      if (i >= j) break;
      swap_rows(&r[i++], &r[j--]);
    }
    /* [0, j] and [j + 1, n): recurse into the smaller, loop on the larger */
    size_t left = j + 1;
    if (left < n - left) {
      sort_rows(r, left, depth, tie);
      r += left;
      n -= left;
    } else {
      sort_rows(r + left, n - left, depth, tie);
      n = left;
    }
  }
  for (size_t i = 1; i < n; i++)
    for (size_t k = i; k > 0 && before(&r[k], &r[k - 1], tie); k--) swap_rows(&r[k], &r[k - 1]);
}

size_t qr_rank_rows(qr_rank_row *r, size_t n, size_t top, int (*tie)(const void *, const void *)) {
  int depth = 2;
  for (size_t m = n; m > 1; m >>= 1) depth += 2;
  if (!top || top >= n / 4) {
    sort_rows(r, n, depth, tie);
    return top && top < n ? top : n;
  }
  /* a heap of the best top rows seen: the others are compared once each
   * and never sorted */
  for (size_t i = top / 2 + 1; i-- > 0;) sift(r, top, i, tie);
  for (size_t i = top; i < n; i++)
    if (before(&r[i], &r[0], tie)) {
      r[0] = r[i];
      sift(r, top, 0, tie);
    }
  sort_rows(r, top, depth, tie);
  return top;
}

uint64_t qr_rank_prefix(const char *s) {
  uint64_t p = 0;
  int i = 0;
  for (; i < 8 && s[i]; i++) p = p << 8 | (unsigned char)s[i];
  return i ? p << (8 * (8 - i)) : 0;
}

static int tie_strings(const void *a, const void *b) { return strcmp(a, b); }

/* Ranks a frequency list's rows: by count, then string. */
static qr_status rank_freq_rows(qr_freq_row *rows, size_t n, size_t top, size_t *kept) {
  qr_rank_row *tmp = malloc((n ? n : 1) * sizeof *tmp);
  if (!tmp) return QR_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    tmp[i].count = rows[i].count;
    tmp[i].prefix = qr_rank_prefix(rows[i].sort);
    tmp[i].tie = rows[i].sort;
    tmp[i].key = rows[i].key;
    tmp[i].docs = rows[i].docs;
  }
  size_t m = qr_rank_rows(tmp, n, top, tie_strings);
  for (size_t i = 0; i < m; i++) {
    rows[i].count = tmp[i].count;
    rows[i].sort = tmp[i].tie;
    rows[i].key = tmp[i].key;
    rows[i].docs = tmp[i].docs;
  }
  free(tmp);
  *kept = m;
  return QR_OK;
}

/* ---- counting ------------------------------------------------------------------ */

/* Every token kind (bit 0 is no kind). */
#define ALL_KINDS ((((uint32_t)1 << QR_TOK_KIND_MAX) - 1) & ~(uint32_t)1)

static const char *const by_names[] = {"word", "lower", "kind", "shape", "ent", "id"};

const char *qr_by_name(qr_by by) { return by < QR_BY_COUNT ? by_names[by] : NULL; }

int qr_by_from_name(const char *name) {
  for (int i = 0; i < QR_BY_COUNT; i++)
    if (strcmp(by_names[i], name) == 0) return i;
  return -1;
}

/* Per id: its count, the documents it occurs in, and the last document it
 * was seen in (+ 1, so that calloc's zero means none), side by side: a
 * token reads and writes one cache line. */
typedef struct cell {
  uint32_t count, docs, last;
} cell;

typedef struct tally {
  cell *c;
  uint32_t *dense;  /* the counts of one large document (see count_ids), else zeros */
  size_t nid;
} tally;

static void tally_free(tally *t) {
  free(t->c);
  free(t->dense);
}

static qr_status tally_new(tally *t, size_t nid) {
  memset(t, 0, sizeof *t);
  t->nid = nid;
  t->c = calloc(nid ? nid : 1, sizeof *t->c);
  return t->c ? QR_OK : QR_ENOMEM;
}

/* Counts id for a token of document doc1 - 1 when in is 1, and does
 * nothing when it is 0, without a branch: words and punctuation mixed
 * would make one unpredictable. */
static inline void tally_add(tally *t, uint32_t id, uint32_t doc1, uint32_t in) {
  cell *x = &t->c[id];
  uint32_t fresh = (x->last != doc1) & in;
  x->count += in;
  x->docs += fresh;
  x->last ^= (x->last ^ doc1) & (0u - fresh);
}

/* The end of the run of spans from k on that belong to one document. */
static size_t doc_group(const qr_span *sp, size_t nsp, size_t k) {
  size_t e = k + 1;
  while (e < nsp && sp[e].doc == sp[k].doc) e++;
  return e;
}

/* Is the run of spans [k, e) (one document) large enough to be counted
 * in t->dense: more tokens than half the ids, so that a pass over the ids
 * after it costs less than noting the document at each token? Allocates
 * t->dense on first use (out of memory: no, and the other way is taken). */
static int use_dense(tally *t, const qr_span *sp, size_t k, size_t e) {
  size_t size = 0;
  for (size_t g = k; g < e; g++) size += sp[g].count;
  if (size < t->nid / 2) return 0;
  if (!t->dense) t->dense = calloc(t->nid ? t->nid : 1, sizeof *t->dense);
  return t->dense != NULL;
}

/* Adds t->dense (one document's counts) to the cells and clears it. */
static void merge_dense(tally *t) {
  for (size_t id = 0; id < t->nid; id++) {
    uint32_t n = t->dense[id];
    if (!n) continue;
    t->c[id].count += n;
    t->c[id].docs++;
    t->dense[id] = 0;
  }
}

/* Counts ids[i] for the tokens of the spans whose kind is in kinds, and
 * returns how many were counted. A large document is counted in a plain
 * array of counts (4 bytes an id: the hot ids stay in the cache), merged
 * after it; a small one in the cells, noting the document at each token.
 * With every kind, the kind array is not read. */
static uint64_t count_ids(tally *t, const uint32_t *ids, const uint8_t *kind, uint32_t kinds,
                          const qr_span *sp, size_t nsp) {
  uint64_t n = 0;
  int all = (kinds & ALL_KINDS) == ALL_KINDS;
  for (size_t k = 0, e; k < nsp; k = e) {
    e = doc_group(sp, nsp, k);
    uint32_t d1 = sp[k].doc + 1;
    if (use_dense(t, sp, k, e)) {
      uint32_t *cnt = t->dense;
      for (size_t g = k; g < e; g++) {
        size_t i = sp[g].first, end = i + sp[g].count;
        if (all) {
          for (; i < end; i++) cnt[ids[i]]++;
          n += sp[g].count;
        } else {
          for (; i < end; i++) {
            uint32_t in = (kinds >> kind[i]) & 1u;
            cnt[ids[i]] += in;
            n += in;
          }
        }
      }
      merge_dense(t);
      continue;
    }
    for (size_t g = k; g < e; g++)
      for (size_t i = sp[g].first, end = i + sp[g].count; i < end; i++) {
        uint32_t in = all ? 1u : (kinds >> kind[i]) & 1u;
        tally_add(t, ids[i], d1, in);
        n += in;
      }
  }
  return n;
}

/* The tokens of each kind in the spans, per document: four histograms
 * filled in turn, so that runs of one kind (words) do not wait on one
 * counter. Returns the tokens of the kinds in kinds; t (when not NULL)
 * gets the counts and document frequencies of those kinds. */
static uint64_t count_kinds(tally *t, const uint8_t *kind, uint32_t kinds, const qr_span *sp,
                            size_t nsp) {
  uint64_t n = 0;
  for (size_t k = 0, e; k < nsp; k = e) {
    e = doc_group(sp, nsp, k);
    uint64_t h[4][32] = {{0}};
    for (size_t g = k; g < e; g++) {
      size_t i = sp[g].first, end = i + sp[g].count;
      for (; i + 4 <= end; i += 4) {
        h[0][kind[i] & 31]++;
        h[1][kind[i + 1] & 31]++;
        h[2][kind[i + 2] & 31]++;
        h[3][kind[i + 3] & 31]++;
      }
      for (; i < end; i++) h[0][kind[i] & 31]++;
    }
    for (uint32_t x = 1; x < QR_TOK_KIND_MAX; x++) {
      uint64_t c = h[0][x] + h[1][x] + h[2][x] + h[3][x];
      if (!c || !((kinds >> x) & 1u)) continue;
      n += c;
      if (t) {
        t->c[x].count += (uint32_t)c;
        t->c[x].docs++;
      }
    }
  }
  return n;
}

qr_status qr_shape_map(const qr_corpus *c, uint32_t form, uint32_t *map, qr_lexicon *names,
                       qr_buf *tmp) {
  size_t len;
  const char *s = qr_lexicon_str(qr_corpus_lexicon(c), form, &len);
  qr_buf_reset(tmp);
  qr_status rc = qr_shape(s, len, tmp);
  return rc ? rc : qr_lexicon_intern(names, tmp->data ? tmp->data : "", tmp->len, &map[form]);
}

qr_status qr_scope_tokens(const qr_corpus *c, const qr_scope *s, uint32_t kinds, uint64_t *n) {
  qr_span *sp;
  size_t nsp;
  qr_status rc = qr_scope_spans(c, s, &sp, &nsp);
  if (rc) return rc;
  *n = count_kinds(NULL, qr_corpus_tokens(c)->kind, kinds ? kinds : 1u << QR_TOK_WORD, sp, nsp);
  free(sp);
  return QR_OK;
}

/* Counts the shapes of the forms of the tokens of the kinds: map[form]
 * is the id in names of the form's shape, made on the form's first sight
 * (QR_LEX_NONE until then), so that a form is shaped once whatever its
 * count, and in the same pass. */
static qr_status count_shapes(const qr_corpus *c, tally *t, uint32_t *map, qr_lexicon *names,
                              uint32_t kinds, const qr_span *sp, size_t nsp, uint64_t *ntok) {
  const uint32_t *forms = qr_corpus_forms(c);
  const uint8_t *kind = qr_corpus_tokens(c)->kind;
  qr_buf b = {0};
  qr_status rc = QR_OK;
  uint64_t n = 0;
  for (size_t k = 0, e; k < nsp && !rc; k = e) {
    e = doc_group(sp, nsp, k);
    uint32_t d1 = sp[k].doc + 1;
    int dense = use_dense(t, sp, k, e);
    for (size_t g = k; g < e && !rc; g++)
      for (size_t i = sp[g].first, end = i + sp[g].count; i < end; i++) {
        uint32_t f = forms[i];
        if (map[f] == QR_LEX_NONE && (rc = qr_shape_map(c, f, map, names, &b)))
          break;   /* (a form of a kind not counted is shaped too) */
        uint32_t in = (kinds >> kind[i]) & 1u;
        if (dense) t->dense[map[f]] += in;
        else tally_add(t, map[f], d1, in);
        n += in;
      }
    if (dense) merge_dense(t);
  }
  qr_buf_free(&b);
  *ntok = n;
  return rc;
}

/* Counts the mentions lying wholly inside the spans, by entity (id) or by
 * the id in names of the mention's type (ent); type (when set) keeps the
 * mentions of one type, and then counts by typed entity (the mentions of
 * a guessed name that have that type). A guessed name counts as an entity
 * of its own (quarry/entities.h). */
static qr_status count_mentions(const qr_corpus *c, const qr_count_opts *o, const qr_span *sp,
                                size_t nsp, const qr_entities *es, qr_lexicon *names, tally *t) {
  const qr_mentions *m = qr_corpus_mentions(c);
  size_t nt = qr_entities_ntyped(es);
  /* per typed entity: its key (its entity, or its type's id), or NONE when
   * left out, worked out on first sight */
  uint32_t *key = malloc((nt ? nt : 1) * sizeof *key);
  uint8_t *seen = calloc(nt ? nt : 1, 1);
  if (!key || !seen) {
    free(key);
    free(seen);
    return QR_ENOMEM;
  }
  qr_status rc = QR_OK;
  for (size_t k = 0; k < nsp && !rc; k++) {
    qr_doc d;
    qr_corpus_doc(c, sp[k].doc, &d);
    size_t a = sp[k].first, b = a + sp[k].count;
    /* mentions are in token order: skip to the first starting in the span */
    size_t lo = d.ment_first, hi = d.ment_first + d.ment_count;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (m->tok_first[mid] < a) lo = mid + 1;
      else hi = mid;
    }
    for (size_t x = lo; x < d.ment_first + d.ment_count && m->tok_first[x] < b; x++) {
      if (m->tok_first[x] + m->tok_count[x] > b) continue;
      uint32_t te = qr_entities_typed_of(es, x);
      if (te >= nt) continue;
      if (!seen[te]) {
        seen[te] = 1;
        const char *type = qr_entities_typed_type(es, te);
        if (o->type && strcmp(type, o->type) != 0) key[te] = QR_LEX_NONE;
        else if (o->by == QR_BY_ID) key[te] = o->type ? te : qr_entities_typed_entity(es, te);
        else rc = qr_lexicon_intern(names, type, strlen(type), &key[te]);
        if (rc) break;
      }
      if (key[te] != QR_LEX_NONE) tally_add(t, key[te], sp[k].doc + 1, 1);
    }
  }
  free(key);
  free(seen);
  return rc;
}

void qr_freq_list_free(qr_freq_list *l) {
  free(l->rows);
  qr_lexicon_free(l->names);
  memset(l, 0, sizeof *l);
}

/* The string of key k of a list by `by` (borrowed). */
static const char *key_name(const qr_corpus *c, qr_by by, const qr_entities *es,
                            const qr_lexicon *names, uint32_t k) {
  switch (by) {
  case QR_BY_WORD:
  case QR_BY_LOWER: return qr_lexicon_str(qr_corpus_lexicon(c), k, NULL);
  case QR_BY_KIND: return qr_token_kind_name((int)k);
  case QR_BY_ID: return qr_entities_id(es, qr_entities_typed_entity(es, k));
  default: return qr_lexicon_str(names, k, NULL);
  }
}

/* Counts into t as o says; sets *ntok. */
static qr_status count_by(const qr_corpus *c, const qr_count_opts *o, uint32_t kinds,
                          const qr_span *sp, size_t nsp, const qr_entities *es, tally *t,
                          qr_lexicon *names, uint64_t *ntok) {
  const qr_tokens *tk = qr_corpus_tokens(c);
  switch (o->by) {
  case QR_BY_WORD:
    *ntok = count_ids(t, qr_corpus_forms(c), tk->kind, kinds, sp, nsp);
    return QR_OK;
  case QR_BY_LOWER:
    *ntok = count_ids(t, qr_corpus_folds(c), tk->kind, kinds, sp, nsp);
    return QR_OK;
  case QR_BY_KIND:
    *ntok = count_kinds(t, tk->kind, kinds, sp, nsp);
    return QR_OK;
  case QR_BY_SHAPE: {
    uint32_t *map = malloc((t->nid ? t->nid : 1) * sizeof *map);
    if (!map) return QR_ENOMEM;
    memset(map, 0xFF, t->nid * sizeof *map);
    qr_status rc = count_shapes(c, t, map, names, kinds, sp, nsp, ntok);
    free(map);
    return rc;
  }
  default:
    *ntok = count_kinds(NULL, tk->kind, kinds, sp, nsp);
    return es ? count_mentions(c, o, sp, nsp, es, names, t) : QR_OK;
  }
}

qr_status qr_freq_by(qr_corpus *c, const qr_count_opts *o, qr_freq_list *out) {
  memset(out, 0, sizeof *out);
  if (o->by >= QR_BY_COUNT) return QR_EARG;
  uint32_t kinds = o->kinds ? o->kinds : o->by == QR_BY_KIND ? ALL_KINDS : 1u << QR_TOK_WORD;
  int by_mention = o->by == QR_BY_ID || o->by == QR_BY_ENT;
  const qr_entities *es = NULL;
  if (by_mention && qr_corpus_gazetteer(c) && qr_corpus_entities(c, &es)) return QR_ENOMEM;
  qr_span *sp;
  size_t nsp;
  qr_status rc = qr_scope_spans(c, &o->scope, &sp, &nsp);
  if (rc) return rc;
  /* the id space: typed entities (entities and types are at most as many),
   * kinds, or lexicon ids (shapes are at most as many as forms) */
  size_t nid = by_mention ? (es ? qr_entities_ntyped(es) : 0)
             : o->by == QR_BY_KIND ? QR_TOK_KIND_MAX
                                   : qr_lexicon_size(qr_corpus_lexicon(c));
  tally t;
  rc = tally_new(&t, nid);
  if (!rc && (o->by == QR_BY_SHAPE || o->by == QR_BY_ENT) && !(out->names = qr_lexicon_new()))
    rc = QR_ENOMEM;
  if (!rc) rc = count_by(c, o, kinds, sp, nsp, es, &t, out->names, &out->tokens);
  free(sp);
  size_t m = 0;
  for (size_t id = 0; !rc && id < nid; id++) m += t.c[id].count > 0;
  qr_freq_row *rows = rc ? NULL : malloc((m ? m : 1) * sizeof *rows);
  if (!rc && !rows) rc = QR_ENOMEM;
  if (rc) {
    tally_free(&t);
    qr_freq_list_free(out);
    return rc;
  }
  out->distinct = m;
  m = 0;
  for (size_t id = 0; id < nid; id++) {
    if (!t.c[id].count || t.c[id].count < o->min_count) continue;
    rows[m].key = (uint32_t)id;
    rows[m].count = t.c[id].count;
    rows[m].docs = t.c[id].docs;
    rows[m++].sort = key_name(c, o->by, es, out->names, (uint32_t)id);
  }
  tally_free(&t);
  out->rows = rows;
  rc = rank_freq_rows(rows, m, o->top, &out->n);
  if (rc) qr_freq_list_free(out);
  return rc;
}

/* ---- the first API: forms and entities ------------------------------------- */

/* The documents of a qr_freq_opts as a list (NULL: all); *own is what to
 * free. */
static qr_status legacy_docs(const qr_corpus *c, const qr_freq_opts *o, qr_scope *s,
                             uint32_t **own) {
  size_t nd = qr_corpus_ndocs(c);
  memset(s, 0, sizeof *s);
  *own = NULL;
  if (!o->doc_count) return QR_OK;
  size_t d0 = o->doc_first < nd ? o->doc_first : nd;
  size_t d1 = d0 + o->doc_count < nd ? d0 + o->doc_count : nd;
  uint32_t *d = malloc((d1 - d0 ? d1 - d0 : 1) * sizeof *d);
  if (!d) return QR_ENOMEM;
  for (size_t i = d0; i < d1; i++) d[i - d0] = (uint32_t)i;
  s->docs = *own = d;
  s->ndocs = d1 - d0;
  return QR_OK;
}

static qr_status legacy(qr_corpus *c, const qr_freq_opts *o, qr_by by,
                        qr_freq_row **rows, size_t *n) {
  qr_count_opts co;
  memset(&co, 0, sizeof co);
  co.by = by;
  co.kinds = o->kinds;
  co.type = o->type;
  co.min_count = o->min_count;
  co.top = o->top;
  uint32_t *own;
  qr_status rc = legacy_docs(c, o, &co.scope, &own);
  if (rc) return rc;
  qr_freq_list l;
  rc = qr_freq_by(c, &co, &l);
  free(own);
  if (rc) return rc;
  *rows = l.rows;   /* their strings are the lexicon's or the gazetteer's */
  *n = l.n;
  return QR_OK;
}

qr_status qr_freq_forms(qr_corpus *c, const qr_freq_opts *o, qr_freq_row **rows,
                        size_t *n) {
  return legacy(c, o, o->fold ? QR_BY_LOWER : QR_BY_WORD, rows, n);
}

qr_status qr_freq_entities(qr_corpus *c, const qr_freq_opts *o, qr_freq_row **rows,
                           size_t *n) {
  return legacy(c, o, QR_BY_ID, rows, n);
}
