/* dispersion.c — how evenly a node is spread over the documents of a corpus:
 * counts per document, Juilland's D, Gries' DP and its normalised form, and
 * the relative position of each hit in its document (what a dispersion plot
 * draws). docs/statistics.md, "Dispersion", gives the formulas.
 *
 * One pass over the parts (their sizes in tokens of the counted kinds) and
 * one over the hits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/stats.h"

void qr_dispersion_free(qr_dispersion *d) {
  free(d->parts);
  free(d->pos);
  d->parts = NULL;
  d->pos = NULL;
  d->nparts = d->npos = 0;
}

/* D and DP from the parts' counts and sizes; leaves them undefined (0)
 * with fewer than two parts that have tokens, or no hit in them. */
static void measures(qr_dispersion *d) {
  size_t n = 0;
  double sum = 0, total = 0, count = 0;
  for (size_t i = 0; i < d->nparts; i++) {
    if (!d->parts[i].tokens) continue;   /* no relative frequency, no share */
    n++;
    sum += (double)d->parts[i].count / (double)d->parts[i].tokens;
    total += (double)d->parts[i].tokens;
    count += (double)d->parts[i].count;
  }
  d->defined = n >= 2 && count > 0;
  if (!d->defined) return;
  /* Juilland: the population standard deviation of the relative
   * frequencies against their mean, scaled by sqrt(n - 1) */
  double mean = sum / (double)n, ss = 0;
  for (size_t i = 0; i < d->nparts; i++) {
    if (!d->parts[i].tokens) continue;
    double x = (double)d->parts[i].count / (double)d->parts[i].tokens - mean;
    ss += x * x;
  }
  double sd = sqrt(ss / (double)n);
  d->juilland_d = 1 - sd / mean / sqrt((double)n - 1);
  /* Gries: half the distance between the hits' shares and the parts' */
  double dp = 0, min_s = 1;
  for (size_t i = 0; i < d->nparts; i++) {
    if (!d->parts[i].tokens) continue;
    double s = (double)d->parts[i].tokens / total, v = (double)d->parts[i].count / count;
    dp += fabs(v - s);
    if (s < min_s) min_s = s;
  }
  d->dp = dp / 2;
  d->dp_norm = d->dp / (1 - min_s);
}

static qr_status dispersion(const qr_corpus *c, const qr_hit *hits, size_t nhits,
                            const qr_disp_opts *o, qr_dispersion *d) {
  size_t ndocs = qr_corpus_ndocs(c);
  size_t np = o->docs ? o->ndocs : ndocs;
  d->parts = calloc(np ? np : 1, sizeof *d->parts);
  d->pos = malloc((nhits ? nhits : 1) * sizeof *d->pos);
  if (!d->parts || !d->pos) return QR_ENOMEM;
  d->nparts = np;
  uint32_t kinds = o->kinds ? o->kinds : 1u << QR_TOK_WORD;
  for (size_t i = 0; i < np; i++) {
    uint32_t doc = o->docs ? o->docs[i] : (uint32_t)i;
    d->parts[i].doc = doc;
    d->parts[i].tokens = qr_stats_tokens(c, kinds, &doc, 1);
    d->tokens += d->parts[i].tokens;
  }
  size_t ntok = qr_corpus_tokens(c)->n;
  for (size_t h = 0; h < nhits; h++) {
    if (hits[h].first >= ntok) continue;
    size_t doc = qr_corpus_doc_of_token(c, hits[h].first);
    size_t lo = 0, hi = np;   /* the part of the document: parts are in document order */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (d->parts[mid].doc < doc) lo = mid + 1;
      else hi = mid;
    }
    if (lo == np || d->parts[lo].doc != doc) continue;   /* outside the subcorpus */
    size_t part = lo;
    qr_doc dd;
    qr_corpus_doc(c, doc, &dd);
    d->parts[part].count++;
    d->count++;
    qr_disp_pos *p = &d->pos[d->npos++];
    p->doc = (uint32_t)doc;
    p->first = hits[h].first;
    p->relative = dd.tok_count > 1 ? (double)(hits[h].first - dd.tok_first) /
                                         (double)(dd.tok_count - 1)
                                   : 0;
  }
  measures(d);
  return QR_OK;
}

qr_status qr_dispersion_compute(const qr_corpus *c, const qr_hit *hits, size_t nhits,
                                const qr_disp_opts *o, qr_dispersion *d) {
  memset(d, 0, sizeof *d);
  qr_status rc = dispersion(c, hits, nhits, o, d);
  if (rc) qr_dispersion_free(d);
  return rc;
}
