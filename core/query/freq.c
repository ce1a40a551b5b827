/* freq.c — frequency lists over lexicon ids, with document frequencies.
 *
 * One pass over the tokens of the selected documents: a count and a
 * "last document seen" per id give frequency and document frequency
 * together; then the non-zero ids are gathered and sorted. */
#include <stdlib.h>
#include <string.h>

#include "quarry/query.h"

static int cmp_rows(const void *a, const void *b) {
  const qr_freq_row *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return strcmp(x->sort, y->sort);
}

/* Sorts, cuts to top and hands the rows to the caller. */
static qr_status finish(qr_freq_row *rows, size_t n, const qr_freq_opts *o, qr_freq_row **out,
                        size_t *nout) {
  qsort(rows, n, sizeof *rows, cmp_rows);
  if (o->top && n > o->top) n = o->top;
  *out = rows;
  *nout = n;
  return QR_OK;
}

static void doc_range(const qr_corpus *c, const qr_freq_opts *o, size_t *d0, size_t *d1) {
  size_t nd = qr_corpus_ndocs(c);
  *d0 = o->doc_first < nd ? o->doc_first : nd;
  *d1 = o->doc_count ? *d0 + o->doc_count : nd;
  if (*d1 > nd) *d1 = nd;
}

qr_status qr_freq_forms(const qr_corpus *c, const qr_freq_opts *o, qr_freq_row **rows,
                        size_t *n) {
  const qr_lexicon *lx = qr_corpus_lexicon(c);
  size_t nlex = qr_lexicon_size(lx);
  uint64_t *count = calloc(nlex ? nlex : 1, sizeof *count);
  uint32_t *docs = calloc(nlex ? nlex : 1, sizeof *docs);
  uint32_t *last = malloc((nlex ? nlex : 1) * sizeof *last);
  if (!count || !docs || !last) {
    free(count);
    free(docs);
    free(last);
    return QR_ENOMEM;
  }
  memset(last, 0xFF, (nlex ? nlex : 1) * sizeof *last);
  uint32_t kinds = o->kinds ? o->kinds : 1u << QR_TOK_WORD;
  const qr_tokens *t = qr_corpus_tokens(c);
  const uint32_t *ids = o->fold ? qr_corpus_folds(c) : qr_corpus_forms(c);
  size_t d0, d1;
  doc_range(c, o, &d0, &d1);
  for (size_t d = d0; d < d1; d++) {
    qr_doc doc;
    qr_corpus_doc(c, d, &doc);
    for (size_t i = doc.tok_first; i < doc.tok_first + doc.tok_count; i++) {
      if (!(kinds & (1u << t->kind[i]))) continue;
      uint32_t id = ids[i];
      count[id]++;
      if (last[id] != d) {
        last[id] = (uint32_t)d;
        docs[id]++;
      }
    }
  }
  size_t m = 0;
  for (size_t id = 0; id < nlex; id++) m += count[id] && count[id] >= o->min_count;
  qr_freq_row *out = malloc((m ? m : 1) * sizeof *out);
  if (!out) {
    free(count);
    free(docs);
    free(last);
    return QR_ENOMEM;
  }
  m = 0;
  for (size_t id = 0; id < nlex; id++) {
    if (!count[id] || count[id] < o->min_count) continue;
    out[m].key = (uint32_t)id;
    out[m].count = count[id];
    out[m].docs = docs[id];
    out[m].sort = qr_lexicon_str(lx, (uint32_t)id, NULL);
    m++;
  }
  free(count);
  free(docs);
  free(last);
  return finish(out, m, o, rows, n);
}

qr_status qr_freq_entities(const qr_corpus *c, const qr_freq_opts *o, qr_freq_row **rows,
                           size_t *n) {
  const qr_gazetteer *g = qr_corpus_gazetteer(c);
  size_t ne = g ? qr_gazetteer_size(g) : 0;
  uint64_t *count = calloc(ne ? ne : 1, sizeof *count);
  uint32_t *docs = calloc(ne ? ne : 1, sizeof *docs);
  uint32_t *last = malloc((ne ? ne : 1) * sizeof *last);
  if (!count || !docs || !last) {
    free(count);
    free(docs);
    free(last);
    return QR_ENOMEM;
  }
  memset(last, 0xFF, (ne ? ne : 1) * sizeof *last);
  const qr_mentions *m = qr_corpus_mentions(c);
  size_t d0, d1;
  doc_range(c, o, &d0, &d1);
  for (size_t d = d0; d < d1 && g; d++) {
    qr_doc doc;
    qr_corpus_doc(c, d, &doc);
    for (size_t k = doc.ment_first; k < doc.ment_first + doc.ment_count; k++) {
      uint32_t e = m->entry[k];
      if (e >= ne) continue;
      if (o->type && strcmp(qr_gazetteer_type(g, e), o->type) != 0) continue;
      count[e]++;
      if (last[e] != d) {
        last[e] = (uint32_t)d;
        docs[e]++;
      }
    }
  }
  size_t k = 0;
  for (size_t e = 0; e < ne; e++) k += count[e] && count[e] >= o->min_count;
  qr_freq_row *out = malloc((k ? k : 1) * sizeof *out);
  if (!out) {
    free(count);
    free(docs);
    free(last);
    return QR_ENOMEM;
  }
  k = 0;
  for (size_t e = 0; e < ne; e++) {
    if (!count[e] || count[e] < o->min_count) continue;
    out[k].key = (uint32_t)e;
    out[k].count = count[e];
    out[k].docs = docs[e];
    out[k].sort = qr_gazetteer_id(g, e);
    k++;
  }
  free(count);
  free(docs);
  free(last);
  return finish(out, k, o, rows, n);
}
