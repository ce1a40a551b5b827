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

int main(void) {
  unit u = {0};
  test_shape(&u);
  test_subcorpus(&u);
  test_meta(&u);
  return unit_finish(&u);
}
