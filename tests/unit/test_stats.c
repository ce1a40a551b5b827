/* test_stats.c — the statistics of core/query (stats.h): word shapes,
 * subcorpora, frequency lists by attribute, n-grams and keyness, on tiny
 * corpora whose every count is worked out by hand here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/corpus.h"
#include "quarry/stats.h"
#include "unit.h"

/* ---- helpers ---------------------------------------------------------------- */

/* A corpus of the given documents, "d1", "d2" ... */
static qr_corpus *corpus_of(unit *u, const char *const *docs) {
  qr_corpus *c = qr_corpus_new();
  qr_error err = {0};
  for (int i = 0; docs[i]; i++) {
    char id[16];
    snprintf(id, sizeof id, "d%d", i + 1);
    CHECK_INT(u, qr_corpus_add_text(c, id, docs[i], strlen(docs[i]), &err), QR_OK);
  }
  return c;
}

/* ---- word shapes ---------------------------------------------------------- */

static void test_shape(unit *u) {
  static const char *const cases[][2] = {
    {"Putin", "Xxxxx"},        /* X then a run of four x: not cut */
    {"Washington", "Xxxxx"},   /* a run of nine x cut to four */
    {"U.S.", "X.X."},
    {"2019", "dddd"},
    {"20190", "dddd"},
    {"1,000,000", "d,ddd,ddd"},
    {"NATO", "XXXX"},
    {"McDonald's", "XxXxxxx'x"},
    {"don't", "xxx'x"},
    {"Ünïcode", "Xxxxx"},      /* non-ASCII letters by their case */
    {"e\xcc\x81t\xc3\xa9", "xxx"},   /* a combining mark belongs to its letter */
    {"\xe5\x8c\x97\xe4\xba\xac", "xx"},   /* letters without case: x */
    {"\xe2\x80\x94", "\xe2\x80\x94"},     /* an em dash is kept */
    {"......", "...."},
    {"a\xff" "b", "x\xff" "x"},   /* an invalid byte is kept */
    {"", ""},
  };
  unit_case(u, "qr_shape maps case, digits and other characters, and cuts runs at 4");
  qr_buf b = {0};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    qr_buf_reset(&b);
    CHECK_INT(u, qr_shape(cases[i][0], strlen(cases[i][0]), &b), QR_OK);
    CHECK_STR(u, b.data ? b.data : "", cases[i][1]);
  }
  /* appends */
  qr_buf_reset(&b);
  qr_buf_puts(&b, "<");
  qr_shape("Ab", 2, &b);
  CHECK_STR(u, b.data, "<Xx");
  qr_buf_free(&b);
}

/* ---- subcorpora ------------------------------------------------------------- */

static void test_subcorpus(unit *u) {
  unit_case(u, "subcorpora: normalize, complement, tokens");
  uint32_t d[] = {4, 1, 4, 0, 2, 1};
  size_t n = 6;
  qr_subcorpus_normalize(d, &n);
  CHECK_INT(u, n, 4);
  CHECK_INT(u, d[0], 0);
  CHECK_INT(u, d[1], 1);
  CHECK_INT(u, d[2], 2);
  CHECK_INT(u, d[3], 4);
  uint32_t out[8];
  size_t k = qr_subcorpus_complement(7, d, n, out);
  CHECK_INT(u, k, 3);
  CHECK_INT(u, out[0], 3);
  CHECK_INT(u, out[1], 5);
  CHECK_INT(u, out[2], 6);
  CHECK_INT(u, qr_subcorpus_complement(3, NULL, 0, out), 3);

  static const char *const docs[] = {"One two three.", "Four five.", "Six.", NULL};
  qr_corpus *c = corpus_of(u, docs);
  uint32_t s[] = {0, 2};
  CHECK_INT(u, qr_subcorpus_tokens(c, s, 2), 6);   /* 4 + 2 */
  CHECK_INT(u, qr_subcorpus_tokens(c, NULL, 0), 9);
  CHECK_INT(u, qr_subcorpus_tokens(c, s, 0), 0);
  qr_corpus_free(c);
}

static void test_meta(unit *u) {
  unit_case(u, "qr_doc_meta_value decodes JSON strings and keeps other values as text");
  static const char jsonl[] =
    "{\"id\":\"a\",\"text\":\"x\",\"source\":\"bbc\",\"year\":2019}\n"
    "{\"id\":\"b\",\"text\":\"y\",\"source\":\"b\\u0062c \\\"x\\\"\",\"tags\":[1, 2],\"ok\":true}\n";
  qr_corpus *c = qr_corpus_new();
  qr_error err = {0};
  CHECK_INT(u, qr_corpus_add_jsonl(c, "t.jsonl", jsonl, sizeof jsonl - 1, &err), QR_OK);
  qr_buf b = {0};
  int found;
  CHECK_INT(u, qr_doc_meta_value(c, 0, "source", &b, &found), QR_OK);
  CHECK_INT(u, found, 1);
  CHECK_STR(u, b.data, "bbc");
  qr_buf_reset(&b);
  qr_doc_meta_value(c, 0, "year", &b, &found);
  CHECK_STR(u, b.data, "2019");
  qr_buf_reset(&b);
  qr_doc_meta_value(c, 1, "source", &b, &found);
  CHECK_STR(u, b.data, "bbc \"x\"");
  qr_buf_reset(&b);
  qr_doc_meta_value(c, 1, "ok", &b, &found);
  CHECK_STR(u, b.data, "true");
  qr_buf_reset(&b);
  qr_doc_meta_value(c, 1, "year", &b, &found);
  CHECK_INT(u, found, 0);
  CHECK_INT(u, b.len, 0);
  qr_buf_free(&b);
  qr_corpus_free(c);
}

/* ---- frequency lists ------------------------------------------------------------ */

/* The corpus of the frequency, n-gram and keyness cases, token by token:
 *   d1: The cat sat on the mat . | The cat ran .          (2 sentences, 11 tokens, 9 words)
 *   d2: A dog sat on the cat , and the dog ran .          (1 sentence, 12 tokens, 10 words)
 *   d3: The dog and the cat sat .                          (1 sentence, 7 tokens, 6 words)
 * 30 tokens, 25 words. */
static const char *const animals[] = {"The cat sat on the mat. The cat ran.",
                                      "A dog sat on the cat, and the dog ran.",
                                      "The dog and the cat sat.", NULL};

/* Renders a frequency list as "string=count/docs ..." */
static void render_freq(const qr_freq_list *l, qr_buf *out) {
  qr_buf_reset(out);
  qr_buf_puts(out, "");
  for (size_t i = 0; i < l->n; i++)
    qr_buf_printf(out, "%s%s=%llu/%u", i ? " " : "", l->rows[i].sort,
                  (unsigned long long)l->rows[i].count, (unsigned)l->rows[i].docs);
}

static void check_freq(unit *u, qr_corpus *c, const qr_count_opts *o, const char *want,
                       uint64_t tokens) {
  qr_freq_list l;
  qr_buf b = {0};
  CHECK_INT(u, qr_freq_by(c, o, &l), QR_OK);
  render_freq(&l, &b);
  CHECK_STR(u, b.data, want);
  CHECK_INT(u, l.tokens, tokens);
  qr_freq_list_free(&l);
  qr_buf_free(&b);
}

static void test_freq(unit *u) {
  qr_corpus *c = corpus_of(u, animals);
  qr_count_opts o;
  memset(&o, 0, sizeof o);

  unit_case(u, "freq by lower: counts, document frequencies, ties in byte order");
  /* the: d1 The the The, d2 the the, d3 The the = 7 in 3 documents; cat 2+1+1;
   * sat 1+1+1; dog 0+2+1; on, ran, and in two; mat, a in one. 7+4+3+3+2+2+2+1+1 = 25 */
  o.by = QR_BY_LOWER;
  check_freq(u, c, &o, "the=7/3 cat=4/3 dog=3/2 sat=3/3 and=2/2 on=2/2 ran=2/2 a=1/1 mat=1/1", 25);
  o.min_count = 3;
  o.top = 2;
  check_freq(u, c, &o, "the=7/3 cat=4/3", 25);
  o.top = 0;
  check_freq(u, c, &o, "the=7/3 cat=4/3 dog=3/2 sat=3/3", 25);
  o.min_count = 0;

  unit_case(u, "freq by word, kind and shape");
  o.by = QR_BY_WORD;   /* The (d1 2, d3 1) and the (d1 1, d2 2, d3 1) apart */
  o.top = 5;
  check_freq(u, c, &o, "cat=4/3 the=4/3 The=3/2 dog=3/2 sat=3/3", 25);
  o.top = 0;
  o.by = QR_BY_KIND;   /* every kind by default: the 5 punctuation tokens too */
  check_freq(u, c, &o, "word=25/3 punct=5/3", 30);
  o.by = QR_BY_SHAPE;  /* 19 lower-case words of three letters, The x3, on x2, A */
  check_freq(u, c, &o, "xxx=19/3 Xxx=3/2 xx=2/2 X=1/1", 25);
  o.kinds = 1u << QR_TOK_PUNCT;
  check_freq(u, c, &o, ".=4/3 ,=1/1", 5);
  o.kinds = 0;

  unit_case(u, "freq in a subcorpus, and inside hits");
  uint32_t d13[] = {0, 2};
  o.by = QR_BY_LOWER;
  o.scope.docs = d13;
  o.scope.ndocs = 2;
  o.top = 3;
  check_freq(u, c, &o, "the=5/2 cat=3/2 sat=2/2", 15);
  /* tokens 0-3 (The cat sat on) and 2-5 (sat on the mat) of d1: their union,
   * 0-5, counted once; and d3's first two (tokens 23, 24: The dog) */
  qr_hit hits[] = {{0, 4}, {2, 4}, {23, 2}};
  o.scope.docs = NULL;
  o.scope.hits = hits;
  o.scope.nhits = 3;
  o.top = 0;
  check_freq(u, c, &o, "the=3/2 cat=1/1 dog=1/1 mat=1/1 on=1/1 sat=1/1", 8);
  o.scope.docs = d13 + 1;   /* and only those in d3 */
  o.scope.ndocs = 1;
  check_freq(u, c, &o, "dog=1/1 the=1/1", 2);
  qr_corpus_free(c);
}

static void test_freq_entities(unit *u) {
  unit_case(u, "freq by ent and id count mentions");
  static const char gaz[] = "kim\tPERSON\tKim Jong Un\tKim\n"
                            "putin\tPERSON\tVladimir Putin\tPutin\n"
                            "russia\tGPE\tRussia\n";
  static const char *const docs[] = {"Putin met Kim Jong Un in Russia.", "Kim and Putin.",
                                     NULL};
  qr_error err = {0};
  qr_gazetteer *g = qr_gazetteer_new();
  CHECK_INT(u, qr_gazetteer_load_tsv(g, gaz, sizeof gaz - 1, "g.tsv", &err), QR_OK);
  qr_corpus *c = corpus_of(u, docs);
  CHECK_INT(u, qr_corpus_match(c, g, &err), QR_OK);
  qr_count_opts o;
  memset(&o, 0, sizeof o);
  o.by = QR_BY_ID;   /* putin twice (d1, d2), kim twice, russia once; N: 7 + 3 words */
  check_freq(u, c, &o, "kim=2/2 putin=2/2 russia=1/1", 10);
  o.by = QR_BY_ENT;
  check_freq(u, c, &o, "PERSON=4/2 GPE=1/1", 10);
  o.type = "GPE";
  check_freq(u, c, &o, "GPE=1/1", 10);
  /* a mention counts inside hits only when it lies wholly inside one: Kim
   * Jong Un is tokens 2-4 */
  qr_hit part[] = {{0, 4}};
  o.type = NULL;
  o.by = QR_BY_ID;
  o.scope.hits = part;
  o.scope.nhits = 1;
  check_freq(u, c, &o, "putin=1/1", 4);
  qr_corpus_free(c);
  qr_gazetteer_free(g);
}

/* ---- n-grams -------------------------------------------------------------------- */

static void render_ngrams(const qr_corpus *c, const qr_ngram_list *l, qr_buf *out) {
  qr_buf_reset(out);
  qr_buf_puts(out, "");
  for (size_t i = 0; i < l->n; i++) {
    if (i) qr_buf_puts(out, "; ");
    for (unsigned j = 0; j < l->len; j++)
      qr_buf_printf(out, "%s%s", j ? " " : "", qr_ngram_item(c, l, l->rows[i].ids[j]));
    qr_buf_printf(out, "=%llu/%u", (unsigned long long)l->rows[i].count, (unsigned)l->rows[i].docs);
  }
}

/* Checks the rows, and the n-grams counted in all. */
static void check_ngrams(unit *u, const qr_corpus *c, const qr_ngram_opts *o, const char *want,
                         uint64_t total) {
  qr_ngram_list l;
  qr_buf b = {0};
  CHECK_INT(u, qr_ngrams(c, o, &l), QR_OK);
  render_ngrams(c, &l, &b);
  if (want) CHECK_STR(u, b.data, want);
  CHECK_INT(u, l.total, total);
  qr_ngram_list_free(&l);
  qr_buf_free(&b);
}

static void test_ngrams(unit *u) {
  qr_corpus *c = corpus_of(u, animals);
  qr_ngram_opts o;
  memset(&o, 0, sizeof o);
  o.n = 2;
  o.by = QR_BY_LOWER;

  unit_case(u, "bigrams stay in runs of words: punctuation and sentence ends cut them");
  /* d1: the cat, cat sat, sat on, on the, the mat | the cat, cat ran     7
   * d2: a dog, dog sat, sat on, on the, the cat | and the, the dog, dog ran   8
   * d3: the dog, dog and, and the, the cat, cat sat                      5 */
  check_ngrams(u, c, &o,
               "the cat=4/3; and the=2/2; cat sat=2/2; on the=2/2; sat on=2/2; the dog=2/2; "
               "a dog=1/1; cat ran=1/1; dog and=1/1; dog ran=1/1; dog sat=1/1; the mat=1/1",
               20);
  o.min_count = 2;
  o.top = 3;
  check_ngrams(u, c, &o, "the cat=4/3; and the=2/2; cat sat=2/2", 20);
  o.min_count = 0;
  o.top = 0;

  unit_case(u, "n-grams of every kind, within the sentence or across it");
  uint32_t d1[] = {0};
  o.scope.docs = d1;
  o.scope.ndocs = 1;
  o.kinds = ~0u;   /* d1: the cat, cat sat, sat on, on the, the mat, mat . | the cat, cat ran, ran . */
  check_ngrams(u, c, &o,
               "the cat=2/1; cat ran=1/1; cat sat=1/1; mat .=1/1; on the=1/1; ran .=1/1; "
               "sat on=1/1; the mat=1/1",
               9);
  o.cross_sentences = 1;   /* and ". the" across the sentence end */
  check_ngrams(u, c, &o,
               "the cat=2/1; . the=1/1; cat ran=1/1; cat sat=1/1; mat .=1/1; on the=1/1; "
               "ran .=1/1; sat on=1/1; the mat=1/1",
               10);
  o.cross_sentences = 0;
  o.kinds = 0;

  unit_case(u, "trigrams, unigrams and skip-grams");
  o.n = 3;   /* d1: the cat sat, cat sat on, sat on the, on the mat; the cat ran */
  check_ngrams(u, c, &o,
               "cat sat on=1/1; on the mat=1/1; sat on the=1/1; the cat ran=1/1; the cat sat=1/1",
               5);
  o.n = 1;
  check_ngrams(u, c, &o, "the=3/1; cat=2/1; mat=1/1; on=1/1; ran=1/1; sat=1/1", 9);
  uint32_t d3[] = {2};
  o.scope.docs = d3;
  o.n = 2;
  o.skip = 1;   /* the dog and the cat sat: positions (0,1) (0,2) (1,2) (1,3) (2,3) (2,4)
                 * (3,4) (3,5) (4,5): 5 + 4 */
  check_ngrams(u, c, &o,
               "and cat=1/1; and the=1/1; cat sat=1/1; dog and=1/1; dog the=1/1; the and=1/1; "
               "the cat=1/1; the dog=1/1; the sat=1/1",
               9);
  o.scope.docs = d1;
  o.n = 3;
  o.skip = 2;   /* d1's first run has 6 words: from p0, two of the next min(4, 5 - p0)
                 * positions: C(4,2) + C(4,2) + C(3,2) + C(2,2) = 6 + 6 + 3 + 1 = 16;
                 * its second (3 words) one: 1 */
  check_ngrams(u, c, &o, NULL, 17);
  o.skip = 0;

  unit_case(u, "n-grams inside hits count once where hits overlap");
  /* hits 0-3 (The cat sat on) and 2-5 (sat on the mat): the cat, cat sat, sat on;
   * then on the, the mat (sat on is the first hit's) */
  qr_hit hits[] = {{2, 4}, {0, 4}};
  o.scope.docs = NULL;
  o.scope.hits = hits;
  o.scope.nhits = 2;
  o.n = 2;
  check_ngrams(u, c, &o, "cat sat=1/1; on the=1/1; sat on=1/1; the cat=1/1; the mat=1/1", 5);
  o.scope.hits = NULL;

  unit_case(u, "n-grams by shape and kind; bad options");
  o.by = QR_BY_SHAPE;
  o.scope.docs = d1;
  o.scope.ndocs = 1;
  /* The cat sat on the mat | The cat ran: Xxx xxx, xxx xxx, xxx xx, xx xxx, xxx xxx |
   * Xxx xxx, xxx xxx */
  check_ngrams(u, c, &o, "xxx xxx=3/1; Xxx xxx=2/1; xx xxx=1/1; xxx xx=1/1", 7);
  o.by = QR_BY_ID;
  qr_ngram_list l;
  CHECK_INT(u, qr_ngrams(c, &o, &l), QR_EARG);
  o.by = QR_BY_LOWER;
  o.n = 6;
  CHECK_INT(u, qr_ngrams(c, &o, &l), QR_EARG);
  o.n = 2;
  o.skip = QR_SKIP_MAX + 1;
  CHECK_INT(u, qr_ngrams(c, &o, &l), QR_EARG);
  qr_corpus_free(c);
}

/* ---- keyness -------------------------------------------------------------------- */

/* |got - want| <= 1e-9 |want| */
#define CHECK_NEAR(u, got, want)                                                           \
  do {                                                                                     \
    double g_ = (got), w_ = (want);                                                        \
    if (!(fabs(g_ - w_) <= 1e-9 * fabs(w_)))                                                \
      unit_fail((u), __FILE__, __LINE__, "%s = %.17g, expected %.17g", #got, g_, w_);      \
  } while (0)

static void test_keyness_measures(unit *u) {
  unit_case(u, "keyness measures of a 2x2 table worked out by hand");
  /* a = 10 in a target of n1 = 40 tokens, b = 20 in a reference of n2 = 960:
   *
   *               target  reference
   *     item      a = 10     b = 20     30
   *     other     c = 30     d = 940   970
   *                   40        960   1000 = N
   *
   * Expected counts (row total x column total / N):
   *   Ea = 40 x 30 / 1000 = 1.2      Eb = 960 x 30 / 1000 = 28.8
   *   Ec = 40 x 970 / 1000 = 38.8    Ed = 960 x 970 / 1000 = 931.2
   * G2 = 2 sum O ln(O / E):
   *   10 ln(10 / 1.2)    = 10 x  2.1202635362 =  21.2026353620
   *   20 ln(20 / 28.8)   = 20 x -0.3646431136 =  -7.2928622718
   *   30 ln(30 / 38.8)   = 30 x -0.2572228650 =  -7.7166859490
   *   940 ln(940 / 931.2) = 940 x 0.0094057983 =  8.8414503897
   *   sum 15.0345375309, G2 = 30.0690750618
   * chi2 = N (ad - bc)^2 / ((a+b)(c+d)(a+c)(b+d))
   *      = 1000 x (9400 - 600)^2 / (30 x 970 x 40 x 960)
   *      = 77,440,000,000 / 1,117,440,000 = 69.3012600229
   * log ratio = log2((10 / 40) / (20 / 960)) = log2(0.25 / 0.0208333) = log2(12) = 3.5849625007
   * %DIFF = 100 (0.25 - 0.0208333) / 0.0208333 = 100 x 11 = 1100
   * per million: 10 / 40 x 1e6 = 250000; 20 / 960 x 1e6 = 20833.333...
   * p = erfc(sqrt(x / 2)): p_ll = erfc(3.8774) = 4.169271685e-08, p_chi2 = 8.451557928e-17 */
  qr_keyness_measures m;
  qr_keyness_compute(10, 20, 40, 960, &m);
  CHECK_NEAR(u, m.ll, 30.06907506178831);
  CHECK_NEAR(u, m.chi2, 69.3012600229095);
  CHECK_NEAR(u, m.log_ratio, 3.584962500721156);
  CHECK_NEAR(u, m.pct_diff, 1100.0);
  CHECK_NEAR(u, m.per_million_target, 250000.0);
  CHECK_NEAR(u, m.per_million_ref, 20000000.0 / 960);
  CHECK_NEAR(u, m.p_ll, 4.169271685401021e-08);
  CHECK_NEAR(u, m.p_chi2, 8.451557927882267e-17);
  CHECK_INT(u, m.direction, 1);

  /* a = 0 of n1 = 100, b = 5 of n2 = 200 (N = 300):
   *   Ea = 100 x 5 / 300 = 1.6667 (0 ln 0 = 0)   Eb = 200 x 5 / 300 = 3.3333
   *   Ec = 100 x 295 / 300 = 98.3333             Ed = 200 x 295 / 300 = 196.6667
   *   5 ln(5 / 3.3333) = 2.0273255405; 100 ln(100 / 98.3333) = 1.6807118316;
   *   195 ln(195 / 196.6667) = -1.6595844852; G2 = 2 x 2.0484528869 = 4.0969057739
   *   chi2 = 300 x (0 x 195 - 5 x 100)^2 / (5 x 295 x 100 x 200) = 75,000,000 / 29,500,000
   *        = 2.5423728814
   *   log ratio: a taken as 0.5: log2((0.5 / 100) / (5 / 200)) = log2(0.2) = -2.3219280949
   *   %DIFF = 100 (0 - 0.025) / 0.025 = -100 */
  qr_keyness_compute(0, 5, 100, 200, &m);
  CHECK_NEAR(u, m.ll, 4.09690577387352);
  CHECK_NEAR(u, m.chi2, 2.542372881355932);
  CHECK_NEAR(u, m.log_ratio, -2.3219280948873626);
  CHECK_NEAR(u, m.pct_diff, -100.0);
  CHECK_INT(u, m.direction, -1);
  /* b = 0: %DIFF is infinite, log ratio takes b as 0.5: log2((3 / 100) / (0.5 / 200)) =
   * log2(12) */
  qr_keyness_compute(3, 0, 100, 200, &m);
  CHECK(u, isinf(m.pct_diff) && m.pct_diff > 0);
  CHECK_NEAR(u, m.log_ratio, 3.584962500721156);
  /* the same relative frequency: nothing key */
  qr_keyness_compute(2, 4, 100, 200, &m);
  CHECK(u, m.ll == 0 && m.chi2 == 0 && m.log_ratio == 0 && m.pct_diff == 0);
  CHECK(u, m.p_ll == 1 && m.p_chi2 == 1 && m.direction == 0);
}

static void test_keyness(unit *u) {
  test_keyness_measures(u);
  unit_case(u, "keyness of a subcorpus against the rest, and against another corpus");
  qr_corpus *c = corpus_of(u, animals);
  uint32_t t[] = {0}, r[] = {1, 2};
  qr_scope target = {t, 1, NULL, 0}, ref = {r, 2, NULL, 0};
  qr_keyness_opts o;
  memset(&o, 0, sizeof o);
  o.by = QR_BY_LOWER;
  o.sort = QR_KEY_F_TARGET;
  qr_keyness_list l;
  /* d1 (9 words): the 3, cat 2, sat on mat ran 1; d2 + d3 (16 words): the 4,
   * dog 3, cat 2, sat 2, and 2, on a ran 1. Every item of either side. */
  CHECK_INT(u, qr_keyness(c, &target, c, &ref, &o, &l), QR_OK);
  CHECK_INT(u, l.tokens_target, 9);
  CHECK_INT(u, l.tokens_ref, 16);
  CHECK_INT(u, l.n, 9);
  qr_buf b = {0};
  qr_buf_puts(&b, "");
  for (size_t i = 0; i < l.n; i++)
    qr_buf_printf(&b, "%s%s=%llu/%llu%c", i ? " " : "", l.rows[i].item,
                  (unsigned long long)l.rows[i].f_target, (unsigned long long)l.rows[i].f_ref,
                  l.rows[i].m.direction > 0 ? '+' : l.rows[i].m.direction < 0 ? '-' : '=');
  /* by f_target, then f_target again (equal), then byte order; mat: 1/9 against 0 */
  CHECK_STR(u, b.data, "the=3/4+ cat=2/2+ mat=1/0+ on=1/1+ ran=1/1+ sat=1/2- a=0/1- and=0/2- dog=0/3-");
  /* mat: the measures of its own table */
  qr_keyness_measures m;
  qr_keyness_compute(1, 0, 9, 16, &m);
  CHECK_NEAR(u, l.rows[2].m.ll, m.ll);
  CHECK(u, isinf(l.rows[2].m.pct_diff));
  qr_keyness_list_free(&l);

  o.sort = QR_KEY_LL;
  o.min_count = 3;   /* a + b >= 3: the, cat, sat, dog */
  o.top = 2;
  CHECK_INT(u, qr_keyness(c, &target, c, &ref, &o, &l), QR_OK);
  CHECK_INT(u, l.n, 2);
  CHECK_INT(u, l.distinct, 4);
  CHECK(u, l.n == 2 && l.rows[0].m.ll >= l.rows[1].m.ll);
  CHECK_STR(u, l.rows[0].item, "dog");   /* 0 of 9 against 3 of 16 */
  qr_keyness_list_free(&l);

  /* another corpus (cats 1, sat 2, the 1, cat 1): items matched by their strings */
  static const char *const other[] = {"Cats sat. The cat sat.", NULL};
  qr_corpus *c2 = corpus_of(u, other);
  qr_scope all = {NULL, 0, NULL, 0};
  o.min_count = 0;
  o.top = 0;
  o.sort = QR_KEY_F_REF;
  CHECK_INT(u, qr_keyness(c, &all, c2, &all, &o, &l), QR_OK);
  CHECK_INT(u, l.tokens_target, 25);
  CHECK_INT(u, l.tokens_ref, 5);
  CHECK_STR(u, l.rows[0].item, "sat");
  CHECK_INT(u, l.rows[0].f_target, 3);
  CHECK_INT(u, l.rows[0].f_ref, 2);
  /* f_ref 1: the (7 in the target), cat (4), cats (0) */
  CHECK_STR(u, l.rows[1].item, "the");
  CHECK_STR(u, l.rows[2].item, "cat");
  CHECK_INT(u, l.rows[2].f_target, 4);
  CHECK_INT(u, l.rows[2].f_ref, 1);
  CHECK_STR(u, l.rows[3].item, "cats");
  CHECK_INT(u, l.rows[3].f_target, 0);
  qr_keyness_list_free(&l);
  qr_buf_free(&b);
  qr_corpus_free(c2);
  qr_corpus_free(c);
}

int main(void) {
  unit u = {0};
  test_shape(&u);
  test_subcorpus(&u);
  test_meta(&u);
  test_freq(&u);
  test_freq_entities(&u);
  test_ngrams(&u);
  test_keyness(&u);
  return unit_finish(&u);
}
