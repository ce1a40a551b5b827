/* test_candidates.c — qr_find_candidates, table-driven: each case is a few
 * documents, a gazetteer, options and the rows expected, written as
 * "text=count/docs" in rank order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/corpus.h"
#include "quarry/query.h"
#include "unit.h"

static const char gaz_text[] =
  "putin\tPERSON\tVladimir Putin\tPutin\n"
  "kcna\tORG\tKorean Central News Agency\tKCNA\n"
  "russia\tGPE\tRussia\n"
  "pyongyang\tGPE\tPyongyang\n";

typedef struct cand_case {
  const char *name;
  const char *docs[4];   /* NULL-terminated */
  int gazetteer;         /* match gaz_text first */
  qr_cand_opts opts;
  const char *want;
} cand_case;

/* Renders the candidates of c as "text=count/docs; ..." into out. */
static qr_status render(const qr_corpus *c, const qr_cand_opts *o, qr_buf *out) {
  qr_cand_row *rows;
  size_t n;
  qr_status rc = qr_find_candidates(c, o, &rows, &n);
  if (rc) return rc;
  qr_buf_reset(out);
  qr_buf_puts(out, "");
  for (size_t k = 0; k < n; k++) {
    qr_doc d;
    qr_corpus_doc(c, qr_corpus_doc_of_token(c, rows[k].first), &d);
    if (k) qr_buf_puts(out, "; ");
    qr_write_span_text(out, d.text, qr_corpus_tokens(c), rows[k].first,
                       rows[k].first + rows[k].ntok);
    qr_buf_printf(out, "=%llu/%u", (unsigned long long)rows[k].count, (unsigned)rows[k].docs);
  }
  free(rows);
  return QR_OK;
}

/* A corpus of the case's documents ("d1", "d2" ...), matched with g when
 * given. */
static qr_corpus *corpus_of(unit *u, const char *const *docs, const qr_gazetteer *g) {
  qr_corpus *c = qr_corpus_new();
  qr_error err = {0};
  for (int i = 0; docs[i]; i++) {
    char id[16];
    snprintf(id, sizeof id, "d%d", i + 1);
    CHECK_INT(u, qr_corpus_add_text(c, id, docs[i], strlen(docs[i]), &err), QR_OK);
  }
  if (g) CHECK_INT(u, qr_corpus_match(c, g, &err), QR_OK);
  return c;
}

static const cand_case cases[] = {
  {"a capitalised run, counted with its documents",
   {"He met Ri Son Gwon in the city. Ri Son Gwon left.", "Officials saw Ri Son Gwon there.", NULL},
   0, {1, 0, 0, 0}, "Ri Son Gwon=3/2"},
  {"connectors inside a run, not at its ends",
   {"Ships crossed the Sea of Japan. The ships of Rason met Ri Son of the ministry at the Bank "
    "of the West.", NULL},
   0, {1, 0, 0, 0}, "Bank of the West=1/1; Ri Son=1/1; Sea of Japan=1/1"},
  {"\"the\" is a connector only after another one",
   {"Reporters from Kaesong the Ministry said so.", NULL},
   0, {1, 0, 1, 0}, "Kaesong=1/1; Ministry=1/1"},
  {"hyphens join words, and the lower-case half of a given name",
   {"He met Kim Jong-un and Kim Jong Un, then Linda Thomas-Greenfield. The Pyongyang-based "
    "Rodong Sinmun wrote.", NULL},
   0, {1, 0, 0, 0}, "Kim Jong-un=2/1; Linda Thomas-Greenfield=1/1; Rodong Sinmun=1/1"},
  {"acronyms of 2 to 6 letters, with and without dots",
   {"NATO said the U.N. and the UN and KCNA agreed; ABCDEFG did not, nor did WWII or II.", NULL},
   0, {1, 0, 0, 0}, "U.N.=2/1; KCNA=1/1; NATO=1/1; WWII=1/1"},
  {"a single word at a sentence start is only sentence case",
   {"Lankov spoke first. Then Lankov left. After Lankov, nobody spoke.", NULL},
   0, {1, 0, 0, 0}, ""},
  {"single words when asked, if seen off a sentence start",
   {"Lankov spoke first. Then Lankov left. Kaesong was quiet. The Kremlin said so on Tuesday.",
    NULL},
   0, {1, 0, 1, 0}, "Lankov=2/1; Kremlin=1/1"},
  {"a sentence-case first word is dropped from a run",
   {"The Rodong Sinmun wrote. After Rodong Sinmun spoke, Russian Railways replied.", NULL},
   0, {1, 0, 0, 0}, "Rodong Sinmun=2/1; Russian Railways=1/1"},
  {"known names are no candidates and split runs; titles before a person, known or guessed, are left out",
   {"The Korean Central News Agency said Foreign Minister Choe Son Hui met Deputy Premier "
    "Putin in Pyongyang Grand Hall.", NULL},
   1, {1, 0, 0, 0}, "Choe Son Hui=1/1; Pyongyang Grand Hall=1/1"},
  {"possessives and honorifics are no part of a name",
   {"Russia's Far East met Dr. Andrei Lankovsky and Mr Blair.", NULL},
   0, {1, 0, 0, 0}, "Andrei Lankovsky=1/1; Far East=1/1; Mr Blair=1/1"},
  {"capitals are Unicode letters",
   {"Guests visited the Élysée Palace and Łódź Fabryka, then Élysée Palace again.", NULL},
   0, {1, 0, 0, 0}, "Élysée Palace=2/1; Łódź Fabryka=1/1"},
  {"ranked by count, then documents, then text; min_count 2 by default in use",
   {"Beta Bank and Alpha Bank and Zeta Bank met Alpha Bank. Gamma Bank too.",
    "Beta Bank and Zeta Bank and Delta Bank.", NULL},
   0, {2, 0, 0, 0}, "Beta Bank=2/2; Zeta Bank=2/2; Alpha Bank=2/1"},
  {"top keeps the first rows",
   {"Beta Bank and Alpha Bank and Zeta Bank met Alpha Bank.", "Beta Bank and Zeta Bank.", NULL},
   0, {1, 1, 0, 0}, "Beta Bank=2/2"},
  {"runs longer than max_tokens are left out",
   {"Visitors saw Alpha Beta Gamma Delta Epsilon Zeta Eta there and Alpha Beta.", NULL},
   0, {1, 0, 0, 0}, "Alpha Beta=1/1"},
  {"... unless max_tokens allows them",
   {"Visitors saw Alpha Beta Gamma Delta Epsilon Zeta Eta there and Alpha Beta.", NULL},
   0, {1, 0, 0, 7}, "Alpha Beta=1/1; Alpha Beta Gamma Delta Epsilon Zeta Eta=1/1"},
  {"a title-case headline says nothing",
   {"Putin Visits Strategic Missile Forces Amid Growing Ties\n\nThe visit was short.", NULL},
   1, {1, 0, 0, 0}, ""},
  {NULL, {NULL}, 0, {0, 0, 0, 0}, NULL},
};

static void table(unit *u) {
  qr_gazetteer *g = qr_gazetteer_new();
  qr_error err = {0};
  CHECK_INT(u, qr_gazetteer_load_tsv(g, gaz_text, sizeof gaz_text - 1, "t.tsv", &err), QR_OK);
  qr_buf got = {0};
  for (const cand_case *k = cases; k->name; k++) {
    unit_case(u, "candidates: %s", k->name);
    qr_corpus *c = corpus_of(u, k->docs, k->gazetteer ? g : NULL);
    CHECK_INT(u, render(c, &k->opts, &got), QR_OK);
    CHECK_STR(u, got.data, k->want);
    qr_corpus_free(c);
  }
  qr_buf_free(&got);
  qr_gazetteer_free(g);
}

/* A name added to the gazetteer after the corpus was matched is known all
 * the same: the corpus's mentions are stale, the gazetteer is not. */
static void added_later(unit *u) {
  unit_case(u, "candidates: a sequence the gazetteer would match is left out");
  qr_gazetteer *g = qr_gazetteer_new();
  qr_error err = {0};
  qr_gazetteer_load_tsv(g, gaz_text, sizeof gaz_text - 1, "t.tsv", &err);
  static const char *const docs[] = {"Readers wrote to Rodong Sinmun and Minju Joson.", NULL};
  qr_corpus *c = corpus_of(u, docs, g);
  qr_cand_opts o = {1, 0, 0, 0};
  qr_buf got = {0};
  CHECK_INT(u, render(c, &o, &got), QR_OK);
  CHECK_STR(u, got.data, "Minju Joson=1/1; Rodong Sinmun=1/1");
  const char *names[] = {"Rodong Sinmun"};
  CHECK_INT(u, qr_gazetteer_add(g, "rodong", "ORG", names, 1, NULL, 0, QR_CASE_AUTO, &err), QR_OK);
  CHECK_INT(u, render(c, &o, &got), QR_OK);
  CHECK_STR(u, got.data, "Minju Joson=1/1");
  unit_case(u, "candidates: the first occurrence is the example");
  qr_cand_row *rows;
  size_t n;
  CHECK_INT(u, qr_find_candidates(c, &o, &rows, &n), QR_OK);
  CHECK_INT(u, n, 1);
  if (n == 1) {
    CHECK_INT(u, qr_corpus_tokens(c)->start[rows[0].first], 35);   /* "Minju" */
    CHECK_INT(u, rows[0].ntok, 2);
    CHECK_INT(u, rows[0].words, 2);
    CHECK_INT(u, rows[0].acronym, 0);
  }
  free(rows);
  qr_buf_free(&got);
  qr_corpus_free(c);
  qr_gazetteer_free(g);
}

int main(void) {
  unit u = {0};
  table(&u);
  added_later(&u);
  return unit_finish(&u);
}
