/* test_limits.c — the documented limits (docs/limits.md) are checked: an
 * input that would pass one is refused with QR_ELIMIT and a message naming
 * it, and leaves what it was added to as it was. The real limits are 32-bit
 * counts, out of reach of a test; the objects' limits are lowered here to
 * reach them with small inputs, through the same checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookup/gazetteer_impl.h"
#include "quarry/corpus.h"
#include "quarry/gazetteer.h"
#include "unit.h"

static void gazetteer_limits(unit *u) {
  static const struct {
    size_t limit;
    const char *tsv, *what;
  } cases[] = {
    {3, "a\tGPE\tAlpha\nb\tGPE\tBeta\nc\tGPE\tGamma\n", "3 entries"},
    {4, "a\tGPE\tAlpha\tA1 | A2\nb\tGPE\tBeta\tB1 | B2\n", "4 names"},
    {8, "a\tGPE\tAl\t\ta=1; b=2; c=3; d=4; e=5; f=6; g=7; h=8; i=9\n", "8 attributes"},
    {0, NULL, NULL}};
  for (int i = 0; cases[i].tsv; i++) {
    unit_case(u, "a gazetteer past %s: refused, naming the limit, unchanged", cases[i].what);
    qr_gazetteer *g = qr_gazetteer_new();
    qr_error err = {0};
    g->limit = cases[i].limit;
    static const char one[] = "x\tORG\tXanadu Corp\n";
    CHECK_INT(u, qr_gazetteer_load_tsv(g, one, sizeof one - 1, "one.tsv", &err), QR_OK);
    size_t n = qr_gazetteer_size(g);
    CHECK_INT(u, qr_gazetteer_load_tsv(g, cases[i].tsv, strlen(cases[i].tsv), "big.tsv", &err),
              QR_ELIMIT);
    CHECK(u, strstr(err.msg, "big.tsv:") != NULL);
    CHECK(u, strstr(err.msg, cases[i].what) != NULL);
    if (!strstr(err.msg, cases[i].what)) unit_fail(u, __FILE__, __LINE__, "message: %s", err.msg);
    CHECK_INT(u, qr_gazetteer_size(g), n);
    CHECK_INT(u, qr_gazetteer_find(g, "a"), -1);
    qr_gazetteer_free(g);
  }
  unit_case(u, "g:add past the names limit: refused, the entry unchanged");
  qr_gazetteer *g = qr_gazetteer_new();
  qr_error err = {0};
  g->limit = 3;
  static const char *const two[] = {"Xanadu", "Xanadu Corp"};
  static const char *const more[] = {"Xan", "X Corp"};
  CHECK_INT(u, qr_gazetteer_add(g, "x", "ORG", two, 2, NULL, 0, QR_CASE_AUTO, &err), QR_OK);
  CHECK_INT(u, qr_gazetteer_add(g, "x", "ORG", more, 2, NULL, 0, QR_CASE_AUTO, &err), QR_ELIMIT);
  CHECK_STR(u, err.msg, "the gazetteer is full: it holds at most 3 names");
  CHECK_INT(u, qr_gazetteer_nnames(g, 0), 2);
  qr_gazetteer_free(g);
}

static void corpus_limits(unit *u) {
  unit_case(u, "a document that would take a corpus past its tokens: refused, the corpus kept");
  qr_corpus *c = qr_corpus_new();
  qr_error err = {0};
  qr_corpus_limit_tokens(c, 12);
  static const char a[] = "One two three. Four five.";        /* 7 tokens */
  static const char b[] = "Six seven eight nine ten eleven.";  /* 7 more: 14 */
  CHECK_INT(u, qr_corpus_add_text(c, "a", a, sizeof a - 1, &err), QR_OK);
  CHECK_INT(u, qr_corpus_add_text(c, "b", b, sizeof b - 1, &err), QR_ELIMIT);
  CHECK_STR(u, err.msg, "b: the corpus would pass 12 tokens, the most it holds; open the rest as "
            "another corpus");
  CHECK_INT(u, qr_corpus_ndocs(c), 1);
  CHECK_INT(u, qr_corpus_tokens(c)->n, 7);
  CHECK_INT(u, qr_corpus_sentences(c)->n, 2);
  CHECK_INT(u, qr_corpus_find(c, "b"), -1);
  /* the corpus goes on: a document that fits is added after */
  static const char d[] = "Six seven.";
  CHECK_INT(u, qr_corpus_add_text(c, "d", d, sizeof d - 1, &err), QR_OK);
  CHECK_INT(u, qr_corpus_tokens(c)->n, 10);
  unit_case(u, "a corpus limit is only lowered");
  qr_corpus_limit_tokens(c, QR_CORPUS_MAX_TOKENS);
  CHECK_INT(u, qr_corpus_add_text(c, "e", b, sizeof b - 1, &err), QR_ELIMIT);
  qr_corpus_free(c);
}

int main(void) {
  unit u = {0};
  gazetteer_limits(&u);
  corpus_limits(&u);
  return unit_finish(&u);
}
