/* freq.c — frequency lists over lexicon ids, with document frequencies.
 *
 * One pass over the tokens of the selected documents: a count and a
 * "last document seen" per id give frequency and document frequency
 * together; then the non-zero ids are gathered and sorted. */
#include <stdlib.h>
#include <string.h>

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

static int cmp_rows(const void *a, const void *b) {
  const qr_freq_row *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return strcmp(x->sort, y->sort);
}

/* Counts per id, and per id the documents it occurs in: "last" holds the
 * last document an id was seen in, so one pass gives both. */
typedef struct tally {
  uint64_t *count;
  uint32_t *docs, *last;
  size_t n;
} tally;

static void tally_free(tally *t) {
  free(t->count);
  free(t->docs);
  free(t->last);
}

static qr_status tally_new(tally *t, size_t n) {
  size_t m = n ? n : 1;
  t->n = n;
  t->count = calloc(m, sizeof *t->count);
  t->docs = calloc(m, sizeof *t->docs);
  t->last = malloc(m * sizeof *t->last);
  if (!t->count || !t->docs || !t->last) {
    tally_free(t);
    return QR_ENOMEM;
  }
  memset(t->last, 0xFF, m * sizeof *t->last);
  return QR_OK;
}

static void tally_add(tally *t, uint32_t id, size_t doc) {
  t->count[id]++;
  if (t->last[id] != doc) {
    t->last[id] = (uint32_t)doc;
    t->docs[id]++;
  }
}

/* The rows of the ids counted at least min times, sorted, cut to top;
 * name(ctx, id) gives the string equal counts are ordered by. Frees t. */
static qr_status tally_rows(tally *t, const qr_freq_opts *o,
                            const char *(*name)(const void *, uint32_t), const void *ctx,
                            qr_freq_row **rows, size_t *nrows) {
  size_t m = 0;
  for (size_t id = 0; id < t->n; id++) m += t->count[id] && t->count[id] >= o->min_count;
  qr_freq_row *out = malloc((m ? m : 1) * sizeof *out);
  if (!out) {
    tally_free(t);
    return QR_ENOMEM;
  }
  m = 0;
  for (size_t id = 0; id < t->n; id++) {
    if (!t->count[id] || t->count[id] < o->min_count) continue;
    out[m].key = (uint32_t)id;
    out[m].count = t->count[id];
    out[m].docs = t->docs[id];
    out[m].sort = name(ctx, (uint32_t)id);
    m++;
  }
  tally_free(t);
  qsort(out, m, sizeof *out, cmp_rows);
  if (o->top && m > o->top) m = o->top;
  *rows = out;
  *nrows = m;
  return QR_OK;
}

static void doc_range(const qr_corpus *c, const qr_freq_opts *o, size_t *d0, size_t *d1) {
  size_t nd = qr_corpus_ndocs(c);
  *d0 = o->doc_first < nd ? o->doc_first : nd;
  *d1 = o->doc_count ? *d0 + o->doc_count : nd;
  if (*d1 > nd) *d1 = nd;
}

static const char *form_name(const void *lx, uint32_t id) {
  return qr_lexicon_str(lx, id, NULL);
}

static const char *entry_name(const void *g, uint32_t id) { return qr_gazetteer_id(g, id); }

qr_status qr_freq_forms(const qr_corpus *c, const qr_freq_opts *o, qr_freq_row **rows,
                        size_t *n) {
  const qr_lexicon *lx = qr_corpus_lexicon(c);
  tally t;
  if (tally_new(&t, qr_lexicon_size(lx))) return QR_ENOMEM;
  uint32_t kinds = o->kinds ? o->kinds : 1u << QR_TOK_WORD;
  const qr_tokens *tk = qr_corpus_tokens(c);
  const uint32_t *ids = o->fold ? qr_corpus_folds(c) : qr_corpus_forms(c);
  size_t d0, d1;
  doc_range(c, o, &d0, &d1);
  for (size_t d = d0; d < d1; d++) {
    qr_doc doc;
    qr_corpus_doc(c, d, &doc);
    for (size_t i = doc.tok_first; i < doc.tok_first + doc.tok_count; i++)
      if (kinds & (1u << tk->kind[i])) tally_add(&t, ids[i], d);
  }
  return tally_rows(&t, o, form_name, lx, rows, n);
}

qr_status qr_freq_entities(const qr_corpus *c, const qr_freq_opts *o, qr_freq_row **rows,
                           size_t *n) {
  const qr_gazetteer *g = qr_corpus_gazetteer(c);
  tally t;
  if (tally_new(&t, g ? qr_gazetteer_size(g) : 0)) return QR_ENOMEM;
  const qr_mentions *m = qr_corpus_mentions(c);
  size_t d0, d1;
  doc_range(c, o, &d0, &d1);
  for (size_t d = d0; d < d1 && g; d++) {
    qr_doc doc;
    qr_corpus_doc(c, d, &doc);
    for (size_t k = doc.ment_first; k < doc.ment_first + doc.ment_count; k++) {
      uint32_t e = m->entry[k];
      if (e >= t.n || (o->type && strcmp(qr_gazetteer_type(g, e), o->type) != 0)) continue;
      tally_add(&t, e, d);
    }
  }
  return tally_rows(&t, o, entry_name, g, rows, n);
}
