/* subcorpus.c — subcorpora: sorted lists of document indices, and the
 * document metadata they are chosen by.
 *
 * A subcorpus is only a list of documents: every statistic walks the token
 * ranges of those documents, so choosing one costs nothing per token. */
#include <stdlib.h>
#include <string.h>

#include "quarry/json.h"
#include "quarry/stats.h"

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

void qr_subcorpus_normalize(uint32_t *docs, size_t *n) {
  size_t m = *n;
  int sorted = 1;
  for (size_t i = 1; i < m && sorted; i++) sorted = docs[i - 1] < docs[i];
  if (sorted) return;
  qsort(docs, m, sizeof *docs, cmp_u32);
  size_t k = 0;
  for (size_t i = 0; i < m; i++)
    if (k == 0 || docs[k - 1] != docs[i]) docs[k++] = docs[i];
  *n = k;
}

size_t qr_subcorpus_complement(size_t ndocs, const uint32_t *docs, size_t n, uint32_t *out) {
  size_t k = 0, j = 0;
  for (size_t d = 0; d < ndocs; d++) {
    while (j < n && docs[j] < d) j++;
    if (j < n && docs[j] == d) continue;
    out[k++] = (uint32_t)d;
  }
  return k;
}

size_t qr_subcorpus_tokens(const qr_corpus *c, const uint32_t *docs, size_t n) {
  if (!docs) return qr_corpus_tokens(c)->n;
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    qr_doc d;
    qr_corpus_doc(c, docs[i], &d);
    total += d.tok_count;
  }
  return total;
}

qr_status qr_doc_meta_value(const qr_corpus *c, size_t d, const char *key, qr_buf *out,
                            int *found) {
  qr_doc doc;
  qr_corpus_doc(c, d, &doc);
  *found = 0;
  for (size_t k = doc.meta_first; k < doc.meta_first + doc.meta_count; k++) {
    const char *name, *json;
    qr_corpus_meta(c, k, &name, &json);
    if (strcmp(name, key) != 0) continue;
    size_t len = strlen(json);
    /* the common case, a string without escapes, needs no parse */
    if (len >= 2 && json[0] == '"' && json[len - 1] == '"' && !memchr(json, '\\', len)) {
      if (qr_buf_append(out, json + 1, len - 2)) return QR_ENOMEM;
      *found = 1;
      return QR_OK;
    }
    if (json[0] != '"') {   /* numbers, true, false, null, arrays, objects: as written */
      if (qr_buf_append(out, json, len)) return QR_ENOMEM;
      *found = 1;
      return QR_OK;
    }
    qr_json js = {0};
    qr_status rc = qr_json_parse(&js, json, len, NULL);
    if (!rc) rc = js.n && js.nodes[0].type == QR_JSON_STRING ? qr_json_string(&js, 0, json, out)
                                                             : QR_EDATA;
    qr_json_free(&js);
    if (!rc) *found = 1;
    return rc;
  }
  return QR_OK;
}
