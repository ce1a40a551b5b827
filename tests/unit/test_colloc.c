/* test_colloc.c — collocations, dispersion and entity co-occurrence on tiny
 * corpora whose every count and measure is worked out by hand in the
 * comments (the arithmetic shown), compared to 1e-9 relative. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/corpus.h"
#include "quarry/query.h"
#include "quarry/stats.h"
#include "unit.h"

#define CHECK_NUM(u, got, want)                                                             \
  do {                                                                                      \
    double g_ = (got), w_ = (want);                                                         \
    if (!(fabs(g_ - w_) <= 1e-9 * fmax(1, fabs(w_))))                                       \
      unit_fail((u), __FILE__, __LINE__, "%s = %.17g, expected %.17g", #got, g_, w_);      \
  } while (0)

/* A corpus of the documents ("d1", "d2" ...), matched with the gazetteer
 * text gaz when not NULL (the gazetteer is returned in *g). */
static qr_corpus *corpus_of(unit *u, const char *const *docs, const char *gaz,
                            qr_gazetteer **g) {
  qr_corpus *c = qr_corpus_new();
  qr_error err = {0};
  for (int i = 0; docs[i]; i++) {
    char id[16];
    snprintf(id, sizeof id, "d%d", i + 1);
    CHECK_INT(u, qr_corpus_add_text(c, id, docs[i], strlen(docs[i]), &err), QR_OK);
  }
  if (gaz) {
    *g = qr_gazetteer_new();
    CHECK_INT(u, qr_gazetteer_load_tsv(*g, gaz, strlen(gaz), "gaz", &err), QR_OK);
    CHECK_INT(u, qr_corpus_match(c, *g, &err), QR_OK);
  }
  return c;
}

/* The hits of a phrase of folded words ("north korea"). */
static qr_hit *phrase(unit *u, qr_corpus *c, const char *words, size_t *n) {
  uint32_t ids[8];
  size_t k = 0;
  const char *p = words;
  while (*p && k < 8) {
    size_t len = strcspn(p, " ");
    ids[k++] = qr_lexicon_find(qr_corpus_lexicon(c), p, len);
    p += len + (p[len] == ' ');
  }
  qr_hit *hits;
  CHECK_INT(u, qr_find_phrase(c, ids, k, 0, 0, &hits, n), QR_OK);
  return hits;
}

/* The row of collocate name, or NULL. */
static const qr_colloc_row *row_of(const qr_colloc_row *rows, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(rows[i].name, name) == 0) return &rows[i];
  return NULL;
}

/* Checks every measure of a against the values worked out by hand. */
static void check_measures(unit *u, const qr_assoc *a, double o, double e, double mi,
                           double mi3, double t, double z, double ll, double dice,
                           double logdice, double log_ratio) {
  CHECK_NUM(u, a->observed, o);
  CHECK_NUM(u, a->expected, e);
  CHECK_NUM(u, a->mi, mi);
  CHECK_NUM(u, a->mi3, mi3);
  CHECK_NUM(u, a->t, t);
  CHECK_NUM(u, a->z, z);
  CHECK_NUM(u, a->ll, ll);
  CHECK_NUM(u, a->dice, dice);
  CHECK_NUM(u, a->logdice, logdice);
  CHECK_NUM(u, a->log_ratio, log_ratio);
}

/* ---- collocations ----------------------------------------------------------------- */

/* Four sentences, 18 words (the periods are punctuation, not counted):
 *   d1: the cat sat on the mat . | a cat ran .
 *   d2: the dog sat . | the cat and the dog sat .
 * "the" 5 times, "sat" 3, "cat" 3. */
static const char *const cats[] = {
  "The cat sat on the mat. A cat ran.",
  "The dog sat. The cat and the dog sat.",
  NULL,
};

static void test_collocates(unit *u) {
  unit_case(u, "collocates of a word, +-2 within the sentence: counts and every measure");
  qr_corpus *c = corpus_of(u, cats, NULL, NULL);
  size_t nhits;
  qr_hit *hits = phrase(u, c, "cat", &nhits);
  CHECK_INT(u, nhits, 3);
  qr_colloc_opts o = {.left = 2, .right = 2, .sort = QR_ASSOC_OBSERVED};
  qr_colloc_row *rows;
  size_t n;
  qr_colloc_totals tot;
  CHECK_INT(u, qr_collocates(c, hits, nhits, &o, &rows, &n, &tot), QR_OK);
  /* the windows: "[The] cat [sat on]" (3), "[A] cat [ran]" (2: the
   * sentence ends), "[The] cat [and the]" (3): W = 8, f_n = 3, N = 18 */
  CHECK_INT(u, tot.f_node, 3);
  CHECK_INT(u, tot.window, 8);
  CHECK_INT(u, tot.tokens, 18);
  /* the: O = 3, and, a, on, ran, sat: 1 each; by O, then name */
  CHECK_INT(u, n, 6);
  static const char *const order[] = {"the", "a", "and", "on", "ran", "sat"};
  for (size_t i = 0; i < n && i < 6; i++) CHECK_STR(u, rows[i].name, order[i]);
  const qr_colloc_row *the = row_of(rows, n, "the");
  CHECK_INT(u, the->f_coll, 5);
  /* "the": O = 3, f_n = 3, f_c = 5, W = 8, N = 18
   *   E = f_c W / N = 5 * 8 / 18 = 2.2222222222222223
   *   MI = log2(O / E) = log2(3 / 2.2222) = log2(1.35) = 0.43295940727610605
   *   MI3 = log2(O^3 / E) = log2(27 / 2.2222) = log2(12.15) = 3.602884408718418
   *   t = (O - E) / sqrt(O) = 0.7777777777777777 / 1.7320508075688772 = 0.4490502093697089
   *   z = (O - E) / sqrt(E (1 - f_c / N)) = 0.7777777777777777 / sqrt(2.2222 * 13 / 18)
   *     = 0.7777777777777777 / 1.2668615834434866 = 0.6139406135149204
   *   G2: cells O11 = 3, O12 = W - O = 5, O21 = f_c - O = 2, O22 = N - W - f_c + O = 8;
   *     rows 8, 10, columns 5, 13; E11 = 8 * 5 / 18 = 2.2222, E12 = 8 * 13 / 18 = 5.7778,
   *     E21 = 10 * 5 / 18 = 2.7778, E22 = 10 * 13 / 18 = 7.2222;
   *     G2 = 2 (3 ln(3 / 2.2222) + 5 ln(5 / 5.7778) + 2 ln(2 / 2.7778) + 8 ln(8 / 7.2222))
   *        = 2 (0.9003 - 0.7228 - 0.6570 + 0.8182) = 0.6772605846294999 (O > E: positive)
   *   Dice = 2 O / (f_n + f_c) = 6 / 8 = 0.75; logDice = 14 + log2(0.75) = 13.584962500721156
   *   log ratio = log2((O / W) / ((f_c - O) / (N - W))) = log2((3 / 8) / (2 / 10))
   *             = log2(1.875) = 0.9068905956085185 */
  check_measures(u, &the->m, 3, 2.2222222222222223, 0.43295940727610605, 3.602884408718418,
                 0.4490502093697089, 0.6139406135149204, 0.6772605846294999, 0.75,
                 13.584962500721156, 0.9068905956085185);
  const qr_colloc_row *sat = row_of(rows, n, "sat");
  CHECK_INT(u, sat->f_coll, 3);
  /* "sat": O = 1, f_c = 3: E = 3 * 8 / 18 = 1.3333333333333333
   *   MI = MI3 = log2(1 / 1.3333) = log2(0.75) = -0.4150374992788438
   *   t = (1 - 1.3333) / 1 = -0.33333333333333326
   *   z = -0.3333 / sqrt(1.3333 * 15 / 18) = -0.3333 / 1.0540925533894598 = -0.31622776601683783
   *   G2: cells 1, 7, 2, 8; rows 8, 10; columns 3, 15; expected 1.3333, 6.6667, 1.6667,
   *     8.3333; 2 (1 ln(0.75) + 7 ln(1.05) + 2 ln(1.2) + 8 ln(0.96))
   *     = 2 (-0.2877 + 0.3415 + 0.3646 - 0.3266) = 0.1838324683202226, negative as O < E
   *   Dice = 2 / 6 = 0.3333; logDice = 14 + log2(1 / 3) = 12.415037499278844
   *   log ratio = log2((1 / 8) / (2 / 10)) = log2(0.625) = -0.6780719051126377 */
  check_measures(u, &sat->m, 1, 1.3333333333333333, -0.4150374992788438, -0.4150374992788438,
                 -0.33333333333333326, -0.31622776601683783, -0.1838324683202226,
                 0.3333333333333333, 12.415037499278844, -0.6780719051126377);
  free(rows);

  unit_case(u, "collocates: min, min_freq, sort and top");
  o.min = 2;
  CHECK_INT(u, qr_collocates(c, hits, nhits, &o, &rows, &n, &tot), QR_OK);
  CHECK_INT(u, n, 1);
  CHECK_STR(u, rows[0].name, "the");
  free(rows);
  o.min = 1;
  o.min_freq = 3;   /* the (5) and sat (3) */
  o.sort = QR_ASSOC_MI;
  CHECK_INT(u, qr_collocates(c, hits, nhits, &o, &rows, &n, &tot), QR_OK);
  CHECK_INT(u, n, 2);
  if (n == 2) {
    CHECK_STR(u, rows[0].name, "the");   /* MI 0.43 before -0.42 */
    CHECK_STR(u, rows[1].name, "sat");
  }
  free(rows);
  o.min_freq = 0;
  o.sort = QR_ASSOC_LOGDICE;   /* a, and, on, ran: 2 / (3 + 1) = 0.5; sat 0.33; the 0.75 */
  o.top = 3;
  CHECK_INT(u, qr_collocates(c, hits, nhits, &o, &rows, &n, &tot), QR_OK);
  CHECK_INT(u, n, 3);
  if (n == 3) {
    CHECK_STR(u, rows[0].name, "the");
    CHECK_STR(u, rows[1].name, "a");
    CHECK_STR(u, rows[2].name, "and");
  }
  free(rows);

  unit_case(u, "collocates within the document: windows run across sentences");
  qr_colloc_opts od = {.left = 2, .right = 2, .within = QR_UNIT_DOC, .sort = QR_ASSOC_OBSERVED};
  CHECK_INT(u, qr_collocates(c, hits, nhits, &od, &rows, &n, &tot), QR_OK);
  /* "[The] cat [sat on]" (3: the document starts), "[the mat] . [A] cat
   * [ran]" is "[mat . A] cat [ran]" (3: the period is passed over, the
   * document ends), "[sat] . [The] cat [and the]" (4): W = 10 */
  CHECK_INT(u, tot.window, 10);
  CHECK_INT(u, row_of(rows, n, "the")->m.observed, 3);   /* 1 + 0 + 2 */
  CHECK_INT(u, row_of(rows, n, "mat")->m.observed, 1);
  CHECK_INT(u, row_of(rows, n, "sat")->m.observed, 2);   /* after cat 1, before cat 3 */
  CHECK_INT(u, row_of(rows, n, "a")->m.observed, 1);
  free(rows);
  free(hits);
  qr_corpus_free(c);
}

/* A window counts the counted kinds only, stops at sentence ends, and is
 * read outside the node's match; overlapping windows count a token once
 * per hit. */
static void test_windows(unit *u) {
  unit_case(u, "collocates of a two-word node: the windows lie outside the match");
  static const char *const docs[] = {"a b , north korea c d east. f north korea g.", NULL};
  qr_corpus *c = corpus_of(u, docs, NULL, NULL);
  size_t nhits;
  qr_hit *hits = phrase(u, c, "north korea", &nhits);
  CHECK_INT(u, nhits, 2);
  qr_colloc_opts o = {.left = 2, .right = 2, .sort = QR_ASSOC_OBSERVED};
  qr_colloc_row *rows;
  size_t n;
  qr_colloc_totals tot;
  CHECK_INT(u, qr_collocates(c, hits, nhits, &o, &rows, &n, &tot), QR_OK);
  /* "[a b] , north korea [c d]" (the comma passed over), "[f] north korea
   * [g]": W = 4 + 2; N = 11 words */
  CHECK_INT(u, tot.window, 6);
  CHECK_INT(u, tot.tokens, 11);
  CHECK_INT(u, n, 6);
  CHECK(u, row_of(rows, n, "north") == NULL);
  CHECK(u, row_of(rows, n, "east") == NULL);
  CHECK(u, row_of(rows, n, "b") != NULL && row_of(rows, n, "g") != NULL);
  free(rows);

  unit_case(u, "collocates: every kind counted, then overlapping windows");
  o.kinds = ~0u;
  CHECK_INT(u, qr_collocates(c, hits, nhits, &o, &rows, &n, &tot), QR_OK);
  /* "[b ,] north korea [c d]", "[. f] north korea [g .]": the period
   * ends sentence 1, so only "f" is left of the second: W = 4 + 1 + 2 */
  CHECK_INT(u, tot.window, 7);
  CHECK_INT(u, tot.tokens, 14);
  CHECK_INT(u, row_of(rows, n, ",")->m.observed, 1);
  CHECK_INT(u, row_of(rows, n, ".")->m.observed, 1);
  free(rows);
  free(hits);
  qr_corpus_free(c);

  static const char *const xs[] = {"x x y.", NULL};
  c = corpus_of(u, xs, NULL, NULL);
  hits = phrase(u, c, "x", &nhits);
  qr_colloc_opts o1 = {.left = 1, .right = 1, .sort = QR_ASSOC_OBSERVED};
  CHECK_INT(u, qr_collocates(c, hits, nhits, &o1, &rows, &n, &tot), QR_OK);
  /* x1: "x1 [x2]"; x2: "[x1] x2 [y]": x counts twice (once per hit) though
   * the corpus has 2: O = f_c = 2, W = 3, N = 3 */
  CHECK_INT(u, tot.window, 3);
  const qr_colloc_row *x = row_of(rows, n, "x");
  CHECK(u, x != NULL);
  if (x) {
    CHECK_INT(u, x->m.observed, 2);
    CHECK_INT(u, x->f_coll, 2);
    /* E = 2 * 3 / 3 = 2 = O: MI 0; f_c - O = 0 and N - W = 0 are taken
     * as 0.5 in the log ratio: log2((2 / 3) / (0.5 / 0.5)) = log2(2 / 3) */
    CHECK_NUM(u, x->m.mi, 0);
    CHECK_NUM(u, x->m.z, 0);   /* E (1 - f_c / N) = 2 * (1 / 3) > 0, O - E = 0 */
    CHECK_NUM(u, x->m.log_ratio, -0.5849625007211562);
  }
  free(rows);
  free(hits);
  qr_corpus_free(c);
}

/* ---- by word, by entity, in a subcorpus ----------------------------------------------- */

static const char gaz[] =
  "alpha\tPERSON\tAlpha\n"
  "beta\tPERSON\tBeta\n"
  "gamma\tGPE\tGamma\tGamma City\n";

/* Sentences (s) and paragraphs (blank lines):
 *   d1: [Alpha met Beta.] [Gamma slept.] || [Beta saw Gamma.] [Alpha left.]
 *   d2: [Alpha and Gamma City spoke.] [Beta came.] || [Nobody else.]
 *   d3: [Beta met Gamma and Beta again.] */
static const char *const ents[] = {
  "Alpha met Beta. Gamma slept.\n\nBeta saw Gamma. Alpha left.",
  "Alpha and Gamma City spoke. Beta came.\n\nNobody else.",
  "Beta met Gamma and Beta again.",
  NULL,
};

static void test_by(unit *u) {
  qr_gazetteer *g = NULL;
  qr_corpus *c = corpus_of(u, ents, gaz, &g);
  CHECK_INT(u, qr_corpus_mentions(c)->n, 12);

  unit_case(u, "collocates by entity id and by entity type");
  size_t nhits;
  qr_hit *hits = phrase(u, c, "met", &nhits);
  CHECK_INT(u, nhits, 2);
  qr_colloc_opts o = {.left = 1, .right = 2, .by = QR_COLLOC_ID, .sort = QR_ASSOC_OBSERVED};
  qr_colloc_row *rows;
  size_t n;
  qr_colloc_totals tot;
  CHECK_INT(u, qr_collocates(c, hits, nhits, &o, &rows, &n, &tot), QR_OK);
  /* "[Alpha] met [Beta]" (the sentence ends), "[Beta] met [Gamma and]":
   * beta 2, alpha 1, gamma 1; f_c are mention counts: alpha 3, beta 5 */
  CHECK_INT(u, n, 3);
  CHECK_STR(u, rows[0].name, "beta");
  CHECK_INT(u, rows[0].m.observed, 2);
  CHECK_INT(u, rows[0].f_coll, 5);
  CHECK_INT(u, row_of(rows, n, "alpha")->f_coll, 3);
  CHECK_INT(u, tot.window, 5);
  free(rows);
  o.by = QR_COLLOC_ENT;
  CHECK_INT(u, qr_collocates(c, hits, nhits, &o, &rows, &n, &tot), QR_OK);
  CHECK_INT(u, n, 2);
  CHECK_STR(u, rows[0].name, "PERSON");
  CHECK_INT(u, rows[0].m.observed, 3);
  CHECK_INT(u, rows[0].f_coll, 8);   /* alpha 3 + beta 5 */
  CHECK_STR(u, rows[1].name, "GPE");
  CHECK_INT(u, rows[1].f_coll, 4);
  free(rows);
  free(hits);

  unit_case(u, "collocates by entity: a mention partly in the window counts, one in the node not");
  hits = phrase(u, c, "gamma", &nhits);   /* four Gammas, one inside "Gamma City" */
  qr_colloc_opts og = {.left = 2, .right = 2, .by = QR_COLLOC_ID, .sort = QR_ASSOC_OBSERVED};
  CHECK_INT(u, qr_collocates(c, hits, nhits, &og, &rows, &n, &tot), QR_OK);
  /* "Gamma [slept]", "[Beta saw] Gamma", "[Alpha and] Gamma [City spoke]"
   * ("Gamma City" holds the node: not a collocate), "[Beta met] Gamma [and
   * Beta]" (two mentions of beta, one each) */
  CHECK_INT(u, n, 2);
  CHECK(u, row_of(rows, n, "gamma") == NULL);
  CHECK_INT(u, row_of(rows, n, "beta")->m.observed, 1 + 2);
  CHECK_INT(u, row_of(rows, n, "alpha")->m.observed, 1);
  free(rows);
  free(hits);

  unit_case(u, "collocates by word form, and in a subcorpus");
  hits = phrase(u, c, "beta", &nhits);
  qr_colloc_opts ow = {.left = 1, .right = 0, .by = QR_COLLOC_WORD, .sort = QR_ASSOC_OBSERVED};
  CHECK_INT(u, qr_collocates(c, hits, nhits, &ow, &rows, &n, &tot), QR_OK);
  /* before Beta: met (d1), sentence start (d1), sentence start (d2),
   * sentence start (d3), and (d3) */
  CHECK_INT(u, n, 2);
  CHECK_INT(u, row_of(rows, n, "met")->f_coll, 2);
  free(rows);
  uint32_t sub[] = {2};   /* d3 */
  ow.docs = sub;
  ow.ndocs = 1;
  CHECK_INT(u, qr_collocates(c, hits, nhits, &ow, &rows, &n, &tot), QR_OK);
  CHECK_INT(u, tot.f_node, 2);
  CHECK_INT(u, tot.tokens, 6);
  CHECK_INT(u, n, 1);
  CHECK_STR(u, rows[0].name, "and");
  CHECK_INT(u, rows[0].f_coll, 1);
  free(rows);
  qr_colloc_opts ol = {.left = 2, .right = 2, .sort = QR_ASSOC_OBSERVED, .docs = sub, .ndocs = 1};
  CHECK_INT(u, qr_collocates(c, hits, nhits, &ol, &rows, &n, &tot), QR_OK);
  CHECK_INT(u, row_of(rows, n, "met")->f_coll, 1);   /* the d1 "met" is outside */
  CHECK_INT(u, row_of(rows, n, "gamma")->f_coll, 1);
  free(rows);
  free(hits);
  qr_corpus_free(c);
  qr_gazetteer_free(g);
}

/* ---- dispersion --------------------------------------------------------------------- */

/* Three documents of 10, 5 and 15 words, with 2, 1 and 0 x. */
static const char *const spread[] = {
  "x one two three x one two three four five.",
  "one two three x four.",
  "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen.",
  NULL,
};

static void test_dispersion(unit *u) {
  unit_case(u, "dispersion over three documents: counts, positions, D, DP");
  qr_corpus *c = corpus_of(u, spread, NULL, NULL);
  size_t nhits;
  qr_hit *hits = phrase(u, c, "x", &nhits);
  qr_disp_opts o = {0};
  qr_dispersion d;
  CHECK_INT(u, qr_dispersion_compute(c, hits, nhits, &o, &d), QR_OK);
  CHECK_INT(u, d.nparts, 3);
  CHECK_INT(u, d.count, 3);
  CHECK_INT(u, d.tokens, 30);
  CHECK_INT(u, d.parts[0].tokens, 10);
  CHECK_INT(u, d.parts[1].count, 1);
  CHECK_INT(u, d.parts[2].count, 0);
  CHECK(u, d.defined);
  /* relative frequencies 2 / 10 = 0.2, 1 / 5 = 0.2, 0 / 15 = 0; mean
   * 0.4 / 3 = 0.13333; deviations 0.06667, 0.06667, -0.13333; population
   * sd = sqrt((0.004444 + 0.004444 + 0.017778) / 3) = sqrt(0.0088889) =
   * 0.0942809; sd / mean = 0.7071068; D = 1 - 0.7071068 / sqrt(3 - 1) = 0.5 */
  CHECK_NUM(u, d.juilland_d, 0.5);
  /* s = 10 / 30, 5 / 30, 15 / 30; v = 2 / 3, 1 / 3, 0;
   * DP = (|2/3 - 1/3| + |1/3 - 1/6| + |0 - 1/2|) / 2 = (1/3 + 1/6 + 1/2) / 2 = 0.5;
   * DP_norm = 0.5 / (1 - 1/6) = 0.6 */
  CHECK_NUM(u, d.dp, 0.5);
  CHECK_NUM(u, d.dp_norm, 0.6);
  /* positions: tokens 0 and 4 of d1's 11 (0 / 10, 4 / 10), token 3 of d2's 6 (3 / 5) */
  CHECK_INT(u, d.npos, 3);
  CHECK_NUM(u, d.pos[0].relative, 0);
  CHECK_NUM(u, d.pos[1].relative, 0.4);
  CHECK_NUM(u, d.pos[2].relative, 0.6);
  CHECK_INT(u, d.pos[2].doc, 1);
  CHECK_INT(u, d.pos[2].first, 11 + 3);
  qr_dispersion_free(&d);

  unit_case(u, "dispersion in a subcorpus of two documents, and of one");
  uint32_t two[] = {0, 2};
  o.docs = two;
  o.ndocs = 2;
  CHECK_INT(u, qr_dispersion_compute(c, hits, nhits, &o, &d), QR_OK);
  CHECK_INT(u, d.count, 2);
  CHECK_INT(u, d.npos, 2);
  /* rates 0.2 and 0: mean 0.1, sd 0.1: D = 1 - (0.1 / 0.1) / sqrt(1) = 0;
   * s = 0.4, 0.6, v = 1, 0: DP = (0.6 + 0.6) / 2 = 0.6, DP_norm = 0.6 / (1 - 0.4) = 1 */
  CHECK_NUM(u, d.juilland_d, 0);
  CHECK_NUM(u, d.dp, 0.6);
  CHECK_NUM(u, d.dp_norm, 1);
  qr_dispersion_free(&d);
  uint32_t one[] = {1};
  o.docs = one;
  o.ndocs = 1;
  CHECK_INT(u, qr_dispersion_compute(c, hits, nhits, &o, &d), QR_OK);
  CHECK_INT(u, d.count, 1);
  CHECK(u, !d.defined);
  qr_dispersion_free(&d);
  free(hits);
  qr_corpus_free(c);
}

/* ---- entity co-occurrence ----------------------------------------------------------------- */

static const qr_cooc_row *pair_of(const qr_cooc_row *rows, size_t n, const char *a,
                                  const char *b) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(rows[i].a_name, a) == 0 && strcmp(rows[i].b_name, b) == 0) return &rows[i];
  return NULL;
}

static void test_cooc(unit *u) {
  qr_gazetteer *g = NULL;
  qr_corpus *c = corpus_of(u, ents, gaz, &g);
  qr_cooc_row *rows;
  size_t n;
  uint64_t units;

  unit_case(u, "co-occurrence in sentences");
  qr_cooc_opts o = {.within = QR_UNIT_SENTENCE};
  CHECK_INT(u, qr_cooccurrences(c, &o, &rows, &n, &units), QR_OK);
  /* 8 sentences; alpha in s1, s4, s5 (3); beta in s1, s3, s6, s8 (4: twice
   * in s8, once counted); gamma in s2, s3, s5, s8 (4). Pairs: beta-gamma
   * s3, s8 (2, in 2 documents); alpha-beta s1; alpha-gamma s5 */
  CHECK_INT(u, units, 8);
  CHECK_INT(u, n, 3);
  CHECK_STR(u, rows[0].a_name, "Beta");
  CHECK_STR(u, rows[0].b_name, "Gamma");
  CHECK_INT(u, rows[0].count, 2);
  CHECK_INT(u, rows[0].docs, 2);
  CHECK_STR(u, rows[1].b_name, "Beta");    /* 1 each: by a's name, then b's */
  CHECK_STR(u, rows[2].b_name, "Gamma");
  const qr_cooc_row *ab = pair_of(rows, n, "Alpha", "Beta");
  CHECK_INT(u, ab->f_a, 3);
  CHECK_INT(u, ab->f_b, 4);
  /* alpha-beta: O = 1, N = 8, f_a = 3, f_b = 4: E = f_a f_b / N = 12 / 8 = 1.5
   *   MI = MI3 = log2(1 / 1.5) = -0.5849625007211563
   *   t = (1 - 1.5) / 1 = -0.5
   *   z = -0.5 / sqrt(1.5 (1 - 4 / 8)) = -0.5 / 0.8660254037844386 = -0.5773502691896258
   *   G2: cells 1, f_a - O = 2, f_b - O = 3, N - f_a - f_b + O = 2; rows 3, 5;
   *     columns 4, 4; expected 1.5, 1.5, 2.5, 2.5;
   *     2 (1 ln(1 / 1.5) + 2 ln(2 / 1.5) + 3 ln(3 / 2.5) + 2 ln(2 / 2.5))
   *     = 2 (-0.4055 + 0.5754 + 0.5470 - 0.4463) = 0.5411532090976832, negative: O < E
   *   Dice = 2 / 7 = 0.2857142857142857; logDice = 14 + log2(2 / 7) = 12.192645077942396
   *   log ratio = log2((1 / 3) / (3 / 5)) = log2(0.5556) = -0.84799690655495 */
  check_measures(u, &ab->m, 1, 1.5, -0.5849625007211563, -0.5849625007211563, -0.5,
                 -0.5773502691896258, -0.5411532090976832, 0.2857142857142857,
                 12.192645077942396, -0.84799690655495);
  free(rows);

  unit_case(u, "co-occurrence in paragraphs");
  o.within = QR_UNIT_PARAGRAPH;
  CHECK_INT(u, qr_cooccurrences(c, &o, &rows, &n, &units), QR_OK);
  /* 5 paragraphs: {A B G} {B G A} {A G B} {} {B G}: beta-gamma 4 (3
   * documents), alpha-beta 3, alpha-gamma 3 (2 documents each) */
  CHECK_INT(u, units, 5);
  CHECK_INT(u, n, 3);
  const qr_cooc_row *bg = pair_of(rows, n, "Beta", "Gamma");
  CHECK_INT(u, bg->count, 4);
  CHECK_INT(u, bg->docs, 3);
  CHECK_INT(u, pair_of(rows, n, "Alpha", "Gamma")->count, 3);
  /* beta-gamma: O = 4, f_a = f_b = 4, N = 5: E = 16 / 5 = 3.2
   *   MI = log2(4 / 3.2) = log2(1.25) = 0.32192809488736235
   *   MI3 = log2(64 / 3.2) = log2(20) = 4.321928094887363
   *   t = 0.8 / 2 = 0.4; z = 0.8 / sqrt(3.2 (1 - 4 / 5)) = 0.8 / 0.8 = 1
   *   G2: cells 4, 0, 0, 1; rows 4, 1; columns 4, 1; expected 3.2, 0.8, 0.8, 0.2;
   *     2 (4 ln(4 / 3.2) + 1 ln(1 / 0.2)) = 2 (0.8926 + 1.6094) = 5.004024235381879
   *   Dice = 8 / 8 = 1; logDice = 14
   *   log ratio: f_b - O = 0 taken as 0.5: log2((4 / 4) / (0.5 / 1)) = 1 */
  check_measures(u, &bg->m, 4, 3.2, 0.32192809488736235, 4.321928094887363, 0.4, 1,
                 5.004024235381879, 1, 14, 1);
  free(rows);

  unit_case(u, "co-occurrence in documents, by type, with min, sort and a subcorpus");
  o.within = QR_UNIT_DOC;
  CHECK_INT(u, qr_cooccurrences(c, &o, &rows, &n, &units), QR_OK);
  CHECK_INT(u, units, 3);
  CHECK_INT(u, pair_of(rows, n, "Beta", "Gamma")->count, 3);
  CHECK_INT(u, pair_of(rows, n, "Alpha", "Beta")->count, 2);
  free(rows);
  /* three pairs in all: a limit of two is passed, with nothing returned;
   * a limit of three is not */
  o.max_pairs = 2;
  CHECK_INT(u, qr_cooccurrences(c, &o, &rows, &n, &units), QR_ELIMIT);
  CHECK(u, rows == NULL && n == 0);
  o.max_pairs = 3;
  CHECK_INT(u, qr_cooccurrences(c, &o, &rows, &n, &units), QR_OK);
  CHECK_INT(u, n, 3);
  free(rows);
  qr_cooc_opts ot = {.within = QR_UNIT_SENTENCE, .type = "PERSON"};
  CHECK_INT(u, qr_cooccurrences(c, &ot, &rows, &n, &units), QR_OK);
  CHECK_INT(u, n, 1);
  CHECK_STR(u, rows[0].a_name, "Alpha");
  CHECK_INT(u, rows[0].f_b, 4);
  free(rows);
  qr_cooc_opts om = {.within = QR_UNIT_SENTENCE, .min = 2};
  CHECK_INT(u, qr_cooccurrences(c, &om, &rows, &n, &units), QR_OK);
  CHECK_INT(u, n, 1);
  free(rows);
  /* by MI: beta-gamma (E = 4 * 4 / 8 = 2, MI 0) before alpha-gamma and
   * alpha-beta (E = 1.5, MI -0.58) */
  qr_cooc_opts os = {.within = QR_UNIT_SENTENCE, .sort = QR_ASSOC_MI, .top = 1};
  CHECK_INT(u, qr_cooccurrences(c, &os, &rows, &n, &units), QR_OK);
  CHECK_INT(u, n, 1);
  CHECK_STR(u, rows[0].a_name, "Beta");
  free(rows);
  uint32_t sub[] = {0, 2};
  qr_cooc_opts osub = {.within = QR_UNIT_SENTENCE, .docs = sub, .ndocs = 2};
  CHECK_INT(u, qr_cooccurrences(c, &osub, &rows, &n, &units), QR_OK);
  CHECK_INT(u, units, 5);   /* 4 + 1 */
  CHECK_INT(u, n, 2);
  CHECK_INT(u, pair_of(rows, n, "Beta", "Gamma")->f_a, 3);   /* s1, s3, s8 */
  free(rows);
  qr_corpus_free(c);
  qr_gazetteer_free(g);

  unit_case(u, "co-occurrence without a gazetteer: units, no pairs");
  c = corpus_of(u, ents, NULL, NULL);
  CHECK_INT(u, qr_cooccurrences(c, &o, &rows, &n, &units), QR_OK);
  CHECK_INT(u, units, 3);
  CHECK_INT(u, n, 0);
  free(rows);
  qr_corpus_free(c);
}

int main(void) {
  unit u = {0};
  test_collocates(&u);
  test_windows(&u);
  test_by(&u);
  test_dispersion(&u);
  test_cooc(&u);
  return unit_finish(&u);
}
