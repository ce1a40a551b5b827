/* keyness.c — what is key in one part of a corpus against another, or
 * against another corpus: log-likelihood, chi-squared, log ratio and %DIFF
 * with their p-values.
 *
 * Both sides are frequency lists (qr_freq_by, one pass each); their items
 * are matched by key when both come from one corpus and one id space, and
 * by string otherwise; then each item gets the measures of its 2x2 table.
 * docs/statistics.md gives every formula. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/stats.h"

/* o ln(o / e), with 0 ln 0 = 0 (the limit). */
static double xlogx(double o, double e) { return o > 0 && e > 0 ? o * log(o / e) : 0; }

/* The chance of a chi-squared value of at least x with one degree of
 * freedom: the square root of such a value is a standard normal's |z|. */
static double p_chi2_1(double x) { return x > 0 ? erfc(sqrt(x / 2)) : 1; }

void qr_keyness_compute(double a, double b, double n1, double n2, qr_keyness_measures *m) {
  memset(m, 0, sizeof *m);
  m->per_million_target = n1 > 0 ? a * 1e6 / n1 : 0;
  m->per_million_ref = n2 > 0 ? b * 1e6 / n2 : 0;
  m->p_ll = m->p_chi2 = 1;
  if (!(n1 > 0) || !(n2 > 0)) return;   /* an empty side: nothing to compare */
  double c = n1 - a, d = n2 - b, n = n1 + n2, r1 = a + b, r2 = c + d;
  double ll = 2 * (xlogx(a, n1 * r1 / n) + xlogx(b, n2 * r1 / n) + xlogx(c, n1 * r2 / n) +
                   xlogx(d, n2 * r2 / n));
  m->ll = ll > 0 ? ll : 0;   /* (a proportional table gives 0, give or take rounding) */
  double den = r1 * r2 * n1 * n2;
  m->chi2 = den > 0 ? n * (a * d - b * c) * (a * d - b * c) / den : 0;
  m->log_ratio = log2(((a > 0 ? a : 0.5) / n1) / ((b > 0 ? b : 0.5) / n2));
  m->pct_diff = b > 0 ? 100 * (a / n1 - b / n2) / (b / n2) : a > 0 ? INFINITY : 0;
  m->p_ll = p_chi2_1(m->ll);
  m->p_chi2 = p_chi2_1(m->chi2);
  m->direction = a * n2 > b * n1 ? 1 : a * n2 < b * n1 ? -1 : 0;
}

static const char *const sort_names[] = {"ll", "chi2", "log_ratio", "pct_diff", "f_target",
                                         "f_ref"};

const char *qr_keyness_sort_name(qr_keyness_sort s) {
  return s < QR_KEY_NSORTS ? sort_names[s] : NULL;
}

int qr_keyness_sort_from_name(const char *name) {
  for (int i = 0; i < QR_KEY_NSORTS; i++)
    if (strcmp(sort_names[i], name) == 0) return i;
  return -1;
}

void qr_keyness_list_free(qr_keyness_list *l) {
  free(l->rows);
  qr_freq_list_free(&l->target);
  qr_freq_list_free(&l->ref);
  qr_lexicon_free(l->join);
  memset(l, 0, sizeof *l);
}

/* A row with the value it is sorted by. */
typedef struct krow {
  double v;
  qr_keyness_row r;
} krow;

static int cmp_krow(const void *x, const void *y) {
  const krow *a = x, *b = y;
  if (a->v != b->v) return a->v > b->v ? -1 : 1;
  if (a->r.f_target != b->r.f_target) return a->r.f_target > b->r.f_target ? -1 : 1;
  return strcmp(a->r.item, b->r.item);
}

static double sort_value(const qr_keyness_row *r, qr_keyness_sort s) {
  switch (s) {
  case QR_KEY_CHI2: return r->m.chi2;
  case QR_KEY_LOG_RATIO: return r->m.log_ratio;
  case QR_KEY_PCT_DIFF: return r->m.pct_diff;
  case QR_KEY_F_TARGET: return (double)r->f_target;
  case QR_KEY_F_REF: return (double)r->f_ref;
  default: return r->m.ll;
  }
}

/* Matches the reference's rows to the target's: pair[j] is the target
 * row of reference row j, or SIZE_MAX. By key when both lists are of one
 * corpus and their keys of one id space, else by string. */
static qr_status match_rows(const qr_corpus *tc, const qr_corpus *rc, qr_by by,
                            qr_keyness_list *l, size_t *pair) {
  const qr_freq_list *A = &l->target, *B = &l->ref;
  if (tc == rc && by != QR_BY_SHAPE && by != QR_BY_ENT) {
    size_t nid = 0;
    for (size_t i = 0; i < A->n; i++)
      if (A->rows[i].key >= nid) nid = (size_t)A->rows[i].key + 1;
    size_t *at = malloc((nid ? nid : 1) * sizeof *at);
    if (!at) return QR_ENOMEM;
    for (size_t k = 0; k < nid; k++) at[k] = SIZE_MAX;
    for (size_t i = 0; i < A->n; i++) at[A->rows[i].key] = i;
    for (size_t j = 0; j < B->n; j++) pair[j] = B->rows[j].key < nid ? at[B->rows[j].key] : SIZE_MAX;
    free(at);
    return QR_OK;
  }
  if (!(l->join = qr_lexicon_new())) return QR_ENOMEM;
  for (size_t i = 0; i < A->n; i++) {   /* the strings of a list are distinct: id i */
    uint32_t id;
    if (qr_lexicon_intern(l->join, A->rows[i].sort, strlen(A->rows[i].sort), &id))
      return QR_ENOMEM;
  }
  for (size_t j = 0; j < B->n; j++) {
    uint32_t id = qr_lexicon_find(l->join, B->rows[j].sort, strlen(B->rows[j].sort));
    pair[j] = id == QR_LEX_NONE ? SIZE_MAX : id;
  }
  return QR_OK;
}

qr_status qr_keyness(qr_corpus *tc, const qr_scope *target, qr_corpus *rc,
                     const qr_scope *ref, const qr_keyness_opts *o, qr_keyness_list *out) {
  memset(out, 0, sizeof *out);
  if (o->by >= QR_BY_COUNT || o->sort >= QR_KEY_NSORTS) return QR_EARG;
  qr_count_opts co;
  memset(&co, 0, sizeof co);
  co.by = o->by;
  co.kinds = o->kinds;
  co.type = o->type;
  co.scope = *target;
  qr_status rc_ = qr_freq_by(tc, &co, &out->target);
  co.scope = *ref;
  if (!rc_) rc_ = qr_freq_by(rc, &co, &out->ref);
  if (rc_) {
    qr_keyness_list_free(out);
    return rc_;
  }
  const qr_freq_list *A = &out->target, *B = &out->ref;
  out->tokens_target = A->tokens;
  out->tokens_ref = B->tokens;
  size_t *pair = malloc((B->n ? B->n : 1) * sizeof *pair);
  size_t *fb = calloc(A->n ? A->n : 1, sizeof *fb);   /* f_ref of each target row + 1 */
  krow *k = malloc((A->n + B->n ? A->n + B->n : 1) * sizeof *k);
  rc_ = pair && fb && k ? match_rows(tc, rc, o->by, out, pair) : QR_ENOMEM;
  size_t m = 0;
  if (!rc_) {
    for (size_t j = 0; j < B->n; j++)
      if (pair[j] != SIZE_MAX) fb[pair[j]] = j + 1;
    double n1 = (double)A->tokens, n2 = (double)B->tokens;
    for (size_t i = 0; i < A->n + B->n; i++) {
      qr_keyness_row *r = &k[m].r;
      if (i < A->n) {   /* a target item, with its reference frequency if any */
        r->item = A->rows[i].sort;
        r->key = A->rows[i].key;
        r->f_target = A->rows[i].count;
        r->f_ref = fb[i] ? B->rows[fb[i] - 1].count : 0;
      } else {          /* a reference item the target lacks */
        size_t j = i - A->n;
        if (pair[j] != SIZE_MAX) continue;
        r->item = B->rows[j].sort;
        r->key = QR_LEX_NONE;
        r->f_target = 0;
        r->f_ref = B->rows[j].count;
      }
      if (r->f_target + r->f_ref < o->min_count) continue;
      qr_keyness_compute((double)r->f_target, (double)r->f_ref, n1, n2, &r->m);
      k[m].v = sort_value(r, o->sort);
      m++;
    }
    out->distinct = m;
    qsort(k, m, sizeof *k, cmp_krow);
    if (o->top && m > o->top) m = o->top;
    out->rows = malloc((m ? m : 1) * sizeof *out->rows);
    if (!out->rows) rc_ = QR_ENOMEM;
  }
  for (size_t i = 0; !rc_ && i < m; i++) out->rows[i] = k[i].r;
  out->n = rc_ ? 0 : m;
  free(pair);
  free(fb);
  free(k);
  if (rc_) qr_keyness_list_free(out);
  return rc_;
}
