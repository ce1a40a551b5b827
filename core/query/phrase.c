/* phrase.c — finding phrases and entities in the corpus.
 *
 * A phrase starts from the postings of its rarest word (CWB's lesson: start
 * from the rarest term and read tokens at positions directly), then checks
 * the other words at their offsets. A phrase never runs across documents. */
#include <stdlib.h>

#include "quarry/entities.h"
#include "quarry/query.h"

static qr_status push_hit(qr_hit **hits, size_t *n, size_t *cap, size_t first, size_t count) {
  if (qr_grow((void **)hits, cap, *n + 1, sizeof **hits)) return QR_ENOMEM;
  (*hits)[*n].first = (uint32_t)first;
  (*hits)[*n].count = (uint32_t)count;
  (*n)++;
  return QR_OK;
}

qr_status qr_find_phrase(qr_corpus *c, const uint32_t *ids, size_t nids, int exact, size_t limit,
                         qr_hit **hits, size_t *nhits) {
  *hits = NULL;
  *nhits = 0;
  if (nids == 0) return QR_OK;
  for (size_t k = 0; k < nids; k++)
    if (ids[k] == QR_LEX_NONE) return QR_OK;   /* a word the corpus lacks */
  const uint32_t *seq = exact ? qr_corpus_forms(c) : qr_corpus_folds(c);
  const qr_tokens *t = qr_corpus_tokens(c);
  /* the rarest word; postings are by folded form, so an exact-case word is
   * looked up through its folded form and checked against the form */
  size_t best = 0, best_n = SIZE_MAX;
  const uint32_t *best_pos = NULL;
  for (size_t k = 0; k < nids; k++) {
    uint32_t f = exact ? qr_corpus_fold_of(c, ids[k]) : ids[k];
    const uint32_t *pos;
    size_t n;
    qr_status rc = qr_corpus_postings(c, f, &pos, &n);
    if (rc) return rc;
    if (n < best_n) {
      best = k;
      best_n = n;
      best_pos = pos;
    }
  }
  size_t cap = 0;
  for (size_t p = 0; p < best_n; p++) {
    size_t at = best_pos[p];
    if (at < best) continue;
    size_t i = at - best;
    if (i + nids > t->n) continue;
    size_t k = 0;
    while (k < nids && seq[i + k] == ids[k]) k++;
    if (k < nids) continue;
    if (nids > 1 && qr_corpus_doc_of_token(c, i) != qr_corpus_doc_of_token(c, i + nids - 1))
      continue;
    if (push_hit(hits, nhits, &cap, i, nids)) return QR_ENOMEM;
    if (limit && *nhits >= limit) break;
  }
  return QR_OK;
}

qr_status qr_find_entity(qr_corpus *c, uint32_t e, size_t limit, qr_hit **hits, size_t *nhits) {
  *hits = NULL;
  *nhits = 0;
  size_t cap = 0;
  const qr_mentions *m = qr_corpus_mentions(c);
  const qr_entities *es;
  if (qr_corpus_entities(c, &es)) return QR_ENOMEM;
  for (size_t k = 0; k < m->n; k++) {
    if (qr_entities_of(es, k) != e) continue;
    if (push_hit(hits, nhits, &cap, m->tok_first[k], m->tok_count[k])) return QR_ENOMEM;
    if (limit && *nhits >= limit) break;
  }
  return QR_OK;
}
