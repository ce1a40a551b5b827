/* learn.c — learning a corpus's own abbreviations (Punkt's idea: a type
 * that is nearly always followed by a period is an abbreviation), so that
 * "Fig." or "Rep." of a specialised corpus stop ending sentences.
 *
 * For every short word type (case folded) we count c1, the times it is
 * followed by a period, and c0, the times it is not; p is the rate of
 * periods after words in the whole text. The score is
 *
 *   LL * exp(-letters) * exp(-c0) * (0.5 + cs / c1)
 *
 * where LL = 2 (c1 ln(0.99 / p) + c0 ln(0.01 / (1 - p))) is the log
 * likelihood ratio of "followed by a period 99% of the time" against the
 * overall rate, and cs counts the periods followed by a small word or a
 * number (an abbreviation's mark; after a sentence's end comes a capital).
 * Long words, words seen without a period, and words never followed by a
 * small word score low or not at all. Dotted acronyms and single letters
 * are left out: the tokenizer knows them by their shape. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/lexicon.h"
#include "text/segmenter.h"

typedef struct counts {
  qr_lexicon *types;     /* folded word + "." */
  uint32_t *c1, *c0;
  uint32_t *c_small;     /* with a period, then a small word or a number */
  size_t cap;
  uint64_t words, periods;
} counts;

static int is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.';
}

/* Counts a word token s[0, n) (without a final period) seen with or without
 * a period after it. Only words of letters and inner periods count. */
static qr_status count_word(counts *k, const char *s, size_t n, int with, int then_small) {
  if (n == 0 || n > 12) return QR_OK;
  char buf[16];
  int letters = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!is_word_byte(c)) return QR_OK;
    letters += c != '.';
    buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  if (!letters || s[0] == '.') return QR_OK;
  buf[n] = '.';
  k->words++;
  k->periods += with != 0;
  uint32_t id;
  size_t before = qr_lexicon_size(k->types);
  if (qr_lexicon_intern(k->types, buf, n + 1, &id)) return QR_ENOMEM;
  if (qr_lexicon_size(k->types) > before) {
    size_t c1 = k->cap, c2 = k->cap, c3 = k->cap;
    if (qr_grow((void **)&k->c1, &c1, (size_t)id + 1, sizeof *k->c1) ||
        qr_grow((void **)&k->c0, &c2, (size_t)id + 1, sizeof *k->c0) ||
        qr_grow((void **)&k->c_small, &c3, (size_t)id + 1, sizeof *k->c_small))
      return QR_ENOMEM;
    k->cap = c1 < c2 ? (c1 < c3 ? c1 : c3) : (c2 < c3 ? c2 : c3);
    k->c1[id] = k->c0[id] = k->c_small[id] = 0;
  }
  if (with) k->c1[id]++;
  else k->c0[id]++;
  if (with && then_small) k->c_small[id]++;
  return QR_OK;
}

static qr_status count_text(counts *k, const qr_segmenter *seg, const char *text, size_t len,
                            qr_tokens *t) {
  qr_tokens_reset(t);
  qr_status rc = qr_tokenize(seg, text, len, t);
  for (size_t i = 0; rc == QR_OK && i < t->n; i++) {
    if (t->kind[i] != QR_TOK_WORD || (t->flags[i] & QR_TF_CLITIC)) continue;
    const char *s = text + t->start[i];
    size_t n = t->len[i];
    /* what follows the period: a small word or a number is the mark of an
     * abbreviation ("e.g. the", "approx. 5"), a capital that of an end */
    size_t after = (t->flags[i] & QR_TF_ABBREV) ? i + 1 : i + 2;
    int then_small = 0;
    if (after < t->n && !(t->flags[after] & QR_TF_NEWLINE_BEFORE)) {
      unsigned char c = (unsigned char)text[t->start[after]];
      then_small = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
    if (t->flags[i] & QR_TF_ABBREV) {   /* the tokenizer kept the period */
      rc = count_word(k, s, n - 1, 1, then_small);
      continue;
    }
    /* a period right after the word, ending the chunk */
    int with = i + 1 < t->n && t->len[i + 1] == 1 && text[t->start[i + 1]] == '.' &&
               !(t->flags[i + 1] & QR_TF_SPACE_BEFORE);
    rc = count_word(k, s, n, with, then_small);
  }
  return rc;
}

static int cmp_learned(const void *a, const void *b) {
  const qr_learned_abbrev *x = a, *y = b;
  return x->score < y->score ? 1 : x->score > y->score ? -1 : strcmp(x->text, y->text);
}

qr_status qr_segmenter_learn_abbrevs(qr_segmenter *seg, const char *const *texts,
                                     const size_t *lens, size_t ntexts, double threshold,
                                     qr_learned_abbrev **out, size_t *nout) {
  if (out) *out = NULL;
  if (nout) *nout = 0;
  if (threshold <= 0) threshold = 0.3;
  counts k;
  memset(&k, 0, sizeof k);
  k.types = qr_lexicon_new();
  qr_tokens t = {0};
  qr_learned_abbrev *found = NULL;
  size_t nfound = 0, capfound = 0;
  qr_status rc = k.types ? QR_OK : QR_ENOMEM;
  for (size_t d = 0; rc == QR_OK && d < ntexts; d++)
    rc = count_text(&k, seg, texts[d], lens[d], &t);
  double p = k.words ? (double)k.periods / (double)k.words : 0;
  for (size_t id = 0; rc == QR_OK && p > 0 && p < 0.99 && id < qr_lexicon_size(k.types); id++) {
    uint32_t c1 = k.c1[id], c0 = k.c0[id], cs = k.c_small[id];
    if (c1 < 2 || cs == 0) continue;   /* never before a small word: a sentence end */
    size_t n;
    const char *w = qr_lexicon_str(k.types, (uint32_t)id, &n);
    if (qr_segmenter_abbrev(seg, w, n)) continue;   /* known already */
    /* the capitalised form may be known (Corp. for corp.) */
    char cap[16];
    memcpy(cap, w, n);
    cap[0] = (char)(cap[0] - 32);
    if (qr_segmenter_abbrev(seg, cap, n)) continue;
    int letters = 0, inner = 0;
    for (size_t i = 0; i + 1 < n; i++) {
      if (w[i] == '.') inner++;
      else letters++;
    }
    /* dotted acronyms (u.s.) and single letters the tokenizer knows by shape */
    if (inner > 0 || letters == 1) continue;
    double ll = 2.0 * (c1 * log(0.99 / p) + c0 * log(0.01 / (1.0 - p)));
    /* the share of small words after it: 1 for a pure abbreviation */
    double score = ll * exp(-(double)letters) * exp(-(double)c0) * (0.5 + (double)cs / c1);
    if (score < threshold) continue;
    if (qr_grow((void **)&found, &capfound, nfound + 1, sizeof *found)) {
      rc = QR_ENOMEM;
      break;
    }
    qr_learned_abbrev *a = &found[nfound++];
    memcpy(a->text, w, n);
    a->text[n] = '\0';
    a->with_period = c1;
    a->without = c0;
    a->score = score;
  }
  if (rc == QR_OK && nfound > 1) qsort(found, nfound, sizeof *found, cmp_learned);
  for (size_t i = 0; rc == QR_OK && i < nfound; i++)
    rc = qr_segmenter_add_abbrev(seg, found[i].text, strlen(found[i].text), QR_ABBR_PLAIN);
  qr_tokens_free(&t);
  qr_lexicon_free(k.types);
  free(k.c1);
  free(k.c0);
  free(k.c_small);
  if (rc == QR_OK && out) {
    *out = found;
    *nout = nfound;
  } else {
    free(found);
  }
  return rc;
}
