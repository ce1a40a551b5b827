/* test_pattern.c — the C side of the query language: patterns built node by
 * node, searched in a small corpus, the matches rendered as "first+count"
 * lists; and the builder's errors. (The language itself is tested from Lua:
 * tests/lua/cqp_test.lua, tests/lua/pattern_test.lua.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/corpus.h"
#include "quarry/pattern.h"
#include "unit.h"

/* tokens:  0 Kim 1 Jong 2 Un 3 said 4 that 5 Putin 6 said 7 it 8 . |
 *          9 Putin 10 and 11 Kim 12 met 13 in 14 Pyongyang 15 . */
static const char text[] = "Kim Jong Un said that Putin said it. Putin and Kim met in Pyongyang.";

static qr_corpus *corpus(void) {
  qr_corpus *c = qr_corpus_new();
  qr_gazetteer *g = qr_gazetteer_new();
  const char *kim[] = {"Kim Jong Un"}, *putin[] = {"Putin"}, *pyo[] = {"Pyongyang"};
  qr_gazetteer_add(g, "kim", "PERSON", kim, 1, NULL, 0, QR_CASE_AUTO, NULL);
  qr_gazetteer_add(g, "putin", "PERSON", putin, 1, NULL, 0, QR_CASE_AUTO, NULL);
  qr_gazetteer_add(g, "pyongyang", "GPE", pyo, 1, NULL, 0, QR_CASE_AUTO, NULL);
  qr_corpus_add_text(c, "d1", text, strlen(text), NULL);
  qr_corpus_match(c, g, NULL);
  return c;   /* the gazetteer is freed by the caller: see done() */
}

static void done(qr_corpus *c) {
  qr_gazetteer *g = (qr_gazetteer *)qr_corpus_gazetteer(c);
  qr_corpus_free(c);
  qr_gazetteer_free(g);
}

/* "first+count first+count ..." of a search; captures as first+count/a:f+c */
static void render(const qr_pattern *p, qr_strategy st, char *out, size_t cap) {
  qr_matches m;
  qr_search_opts o = {0, NULL, 0, st};
  out[0] = 0;
  if (qr_pattern_search(p, &o, &m, NULL)) {
    snprintf(out, cap, "error");
    return;
  }
  size_t len = 0;
  for (size_t k = 0; k < m.n && len < cap; k++) {
    len += (size_t)snprintf(out + len, cap - len, "%s%u+%u", k ? " " : "", m.hits[k].first,
                            m.hits[k].count);
    for (size_t j = 0; j < m.ncap && len < cap; j++) {
      const qr_hit *h = &m.cap[k * m.ncap + j];
      if (h->first != UINT32_MAX)
        len += (size_t)snprintf(out + len, cap - len, "/%s:%u+%u", qr_pattern_label_name(p, j),
                                h->first, h->count);
    }
  }
  qr_matches_free(&m);
}

static int word(qr_pattern *p, qr_attr a, const char *v) {
  int t = qr_pattern_cmp(p, a, NULL, 0, v, strlen(v), 0, NULL);
  return qr_pattern_token(p, t, NULL);
}

static void searches(unit *u) {
  qr_corpus *c = corpus();
  char got[512];

  unit_case(u, "one literal word: the index gives its positions");
  qr_pattern *p = qr_pattern_new(c);
  int w = word(p, QR_ATTR_LOWER, "said");
  CHECK_INT(u, qr_pattern_finish(p, w, QR_STRUCT_NONE, -1, NULL), QR_OK);
  render(p, QR_MATCH_STANDARD, got, sizeof got);
  CHECK_STR(u, got, "3+1 6+1");
  qr_pattern_free(p);

  unit_case(u, "a gap of 0 to 2 tokens, shortest per start, labels");
  p = qr_pattern_new(c);
  int a = qr_pattern_label(p, word(p, QR_ATTR_WORD, "Putin"), "who", NULL);
  int gap = qr_pattern_repeat(p, qr_pattern_token(p, -1, NULL), 0, 2, NULL);
  int s = word(p, QR_ATTR_LOWER, "said|met");
  int items[] = {a, gap, s};
  int seq = qr_pattern_seq(p, items, 3, NULL);
  CHECK_INT(u, qr_pattern_finish(p, seq, QR_STRUCT_NONE, -1, NULL), QR_OK);
  render(p, QR_MATCH_STANDARD, got, sizeof got);
  CHECK_STR(u, got, "5+2/who:5+1 9+4/who:9+1");
  qr_pattern_free(p);

  unit_case(u, "within s: a match does not cross the sentence's end");
  p = qr_pattern_new(c);
  int x = word(p, QR_ATTR_LOWER, "said");
  int any = qr_pattern_repeat(p, qr_pattern_token(p, -1, NULL), 0, -1, NULL);
  int y = word(p, QR_ATTR_WORD, "Kim|it");
  int it[] = {x, any, y};
  seq = qr_pattern_seq(p, it, 3, NULL);
  CHECK_INT(u, qr_pattern_finish(p, seq, QR_STRUCT_S, -1, NULL), QR_OK);
  render(p, QR_MATCH_STANDARD, got, sizeof got);
  /* from "said"(3) the shortest reaches "it"(7); from "said"(6) too: same
   * end, so the standard strategy keeps the first only */
  CHECK_STR(u, got, "3+5");
  render(p, QR_MATCH_SHORTEST, got, sizeof got);
  CHECK_STR(u, got, "3+5 6+2");
  qr_pattern_free(p);

  unit_case(u, "a mention test matches the whole mention");
  p = qr_pattern_new(c);
  int per = qr_pattern_cmp(p, QR_ATTR_ENT, NULL, 0, "PERSON", 6, 0, NULL);
  int who = qr_pattern_label(p, qr_pattern_token(p, per, NULL), "who", NULL);
  int said = word(p, QR_ATTR_LOWER, "said");
  int ps[] = {who, said};
  seq = qr_pattern_seq(p, ps, 2, NULL);
  CHECK_INT(u, qr_pattern_finish(p, seq, QR_STRUCT_S, -1, NULL), QR_OK);
  render(p, QR_MATCH_STANDARD, got, sizeof got);
  CHECK_STR(u, got, "0+4/who:0+3 5+2/who:5+1");
  qr_pattern_free(p);

  unit_case(u, "boundaries: <s> at a sentence's start, </s> after its last token");
  p = qr_pattern_new(c);
  int open = qr_pattern_boundary(p, QR_STRUCT_S, 1, NULL);
  int first = word(p, QR_ATTR_KIND, "word");
  int bs[] = {open, first};
  seq = qr_pattern_seq(p, bs, 2, NULL);
  CHECK_INT(u, qr_pattern_finish(p, seq, QR_STRUCT_NONE, -1, NULL), QR_OK);
  render(p, QR_MATCH_STANDARD, got, sizeof got);
  CHECK_STR(u, got, "0+1 9+1");
  qr_pattern_free(p);
  p = qr_pattern_new(c);
  int punct = word(p, QR_ATTR_KIND, "punct");
  int close = qr_pattern_boundary(p, QR_STRUCT_D, 0, NULL);
  int pc[] = {punct, close};
  seq = qr_pattern_seq(p, pc, 2, NULL);
  CHECK_INT(u, qr_pattern_finish(p, seq, QR_STRUCT_NONE, -1, NULL), QR_OK);
  render(p, QR_MATCH_STANDARD, got, sizeof got);
  CHECK_STR(u, got, "15+1");
  qr_pattern_free(p);

  unit_case(u, "longest: every start's longest match");
  p = qr_pattern_new(c);
  int cap_word = qr_pattern_repeat(p, word(p, QR_ATTR_SHAPE, "Xx+"), 1, -1, NULL);
  CHECK_INT(u, qr_pattern_finish(p, cap_word, QR_STRUCT_S, -1, NULL), QR_OK);
  render(p, QR_MATCH_LONGEST, got, sizeof got);
  CHECK_STR(u, got, "0+3 1+2 2+1 5+1 9+1 11+1 14+1");
  render(p, QR_MATCH_STANDARD, got, sizeof got);
  CHECK_STR(u, got, "0+1 1+1 2+1 5+1 9+1 11+1 14+1");
  qr_pattern_free(p);
  done(c);
}

static void errors(unit *u) {
  qr_corpus *c = corpus();
  qr_error err = {0};

  unit_case(u, "a bad regular expression names its character");
  qr_pattern *p = qr_pattern_new(c);
  CHECK_INT(u, qr_pattern_cmp(p, QR_ATTR_WORD, NULL, 0, "a(b", 3, 0, &err), -1);
  CHECK(u, strstr(err.msg, "bad regular expression at character 4") != NULL);

  unit_case(u, "token and mention attributes do not mix");
  int a = qr_pattern_cmp(p, QR_ATTR_WORD, NULL, 0, "Kim", 3, 0, NULL);
  int b = qr_pattern_cmp(p, QR_ATTR_ENT, NULL, 0, "PERSON", 6, 0, NULL);
  int ab = qr_pattern_and(p, a, b, NULL);
  CHECK_INT(u, qr_pattern_token(p, ab, &err), -1);
  CHECK(u, strstr(err.msg, "not both") != NULL);
  qr_pattern_free(p);

  unit_case(u, "a pattern that can match nothing at all is refused");
  p = qr_pattern_new(c);
  int opt = qr_pattern_repeat(p, qr_pattern_token(p, -1, NULL), 0, 3, NULL);
  CHECK_INT(u, qr_pattern_finish(p, opt, QR_STRUCT_NONE, -1, &err), QR_EDATA);
  CHECK(u, strstr(err.msg, "empty") != NULL);
  qr_pattern_free(p);

  unit_case(u, "a repetition too large to write out is refused");
  p = qr_pattern_new(c);
  int r1 = qr_pattern_repeat(p, qr_pattern_token(p, -1, NULL), 1, 1000, NULL);
  int r2 = qr_pattern_repeat(p, r1, 1, 1000, NULL);
  CHECK_INT(u, qr_pattern_finish(p, r2, QR_STRUCT_NONE, -1, &err), QR_ELIMIT);
  CHECK(u, strstr(err.msg, "too large") != NULL);
  qr_pattern_free(p);

  unit_case(u, "a label given twice, a node used twice");
  p = qr_pattern_new(c);
  int t1 = qr_pattern_label(p, qr_pattern_token(p, -1, NULL), "a", NULL);
  CHECK_INT(u, qr_pattern_label(p, qr_pattern_token(p, -1, NULL), "a", &err), -1);
  CHECK(u, strstr(err.msg, "twice") != NULL);
  int both[] = {t1, t1};
  CHECK_INT(u, qr_pattern_seq(p, both, 2, &err), -1);
  qr_pattern_free(p);
  done(c);
}

int main(void) {
  unit u = {0};
  searches(&u);
  errors(&u);
  return unit_finish(&u);
}
