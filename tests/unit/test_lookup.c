/* test_lookup.c — the gazetteer and the corpus through their C API:
 * table-driven matching, all-or-nothing loading, corpus loading errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quarry/corpus.h"
#include "quarry/gazetteer.h"
#include "unit.h"

static const char gaz_text[] =
  "# test gazetteer\n"
  "kim\tPERSON\tKim Jong Un\tKim Jong-un | Kim\n"
  "nk\tGPE\tNorth Korea\tDPRK\n"
  "nkn\tNORP\tNorth Korean\n"
  "us\tGPE\tUnited States\tU.S. | US\n"
  "wh\tORG\tWhite House\t\tcountry=us\n";

/* Renders the matches of text as "surface=id ..." */
static void match_text(const qr_gazetteer *g, const qr_segmenter *seg, const char *text,
                       qr_buf *out) {
  qr_tokens t = {0};
  qr_mentions m = {0};
  qr_tokenize(seg, text, strlen(text), &t);
  qr_gazetteer_match(g, text, &t, 0, t.n, NULL, &m);
  qr_buf_reset(out);
  for (size_t k = 0; k < m.n; k++) {
    size_t a = t.start[m.tok_first[k]];
    size_t last = m.tok_first[k] + m.tok_count[k] - 1;
    size_t b = t.start[last] + t.len[last];
    if (k) qr_buf_putc(out, ' ');
    qr_buf_append(out, text + a, b - a);
    qr_buf_putc(out, '=');
    qr_buf_puts(out, qr_gazetteer_id(g, m.entry[k]));
  }
  if (!out->data) qr_buf_puts(out, "");
  qr_tokens_free(&t);
  qr_mentions_free(&m);
}

static void matching(unit *u) {
  qr_gazetteer *g = qr_gazetteer_new();
  qr_segmenter *seg = qr_segmenter_new();
  qr_error err = {0};
  unit_case(u, "load a gazetteer");
  CHECK_INT(u, qr_gazetteer_load_tsv(g, gaz_text, sizeof gaz_text - 1, "t.tsv", &err), QR_OK);
  CHECK_INT(u, qr_gazetteer_size(g), 5);
  CHECK_STR(u, qr_gazetteer_name(g, 0, 1), "Kim Jong-un");
  const char *k, *v;
  qr_gazetteer_attr(g, 4, 0, &k, &v);
  CHECK_STR(u, k, "country");
  CHECK_STR(u, v, "us");
  static const struct { const char *text, *want; } cases[] = {
    {"Kim Jong-un visited the DPRK.", "Kim Jong-un=kim DPRK=nk"},
    {"North Korean and North Korea's", "North Korean=nkn North Korea=nk"},
    {"the US, the U.S. and us", "US=us U.S.=us"},
    {"the WHITE HOUSE", "WHITE HOUSE=wh"},
    {"White\nHouse", "White\nHouse=wh"},
    {"White.\nHouse", ""},
    {"Kimchi", ""},
    {NULL, NULL}};
  qr_buf got = {0};
  for (int i = 0; cases[i].text; i++) {
    unit_case(u, "match: %s", cases[i].text);
    match_text(g, seg, cases[i].text, &got);
    CHECK_STR(u, got.data, cases[i].want);
  }
  unit_case(u, "a file with an error adds nothing");
  static const char bad[] = "a\tGPE\tAlpha\nb\tGPE\tBeta\nc\tGPE\n";
  CHECK_INT(u, qr_gazetteer_load_tsv(g, bad, sizeof bad - 1, "bad.tsv", &err), QR_EDATA);
  CHECK_STR(u, err.msg,
            "bad.tsv:3: expected at least 3 TAB-separated fields (id, type, name), found 2");
  CHECK_INT(u, qr_gazetteer_size(g), 5);
  CHECK_INT(u, qr_gazetteer_find(g, "a"), -1);
  unit_case(u, "an id of the gazetteer is a duplicate in a new file");
  static const char dup[] = "nk\tGPE\tNorth Korea\n";
  CHECK_INT(u, qr_gazetteer_load_tsv(g, dup, sizeof dup - 1, "dup.tsv", &err), QR_EDATA);
  CHECK_STR(u, err.msg, "dup.tsv:1: duplicate id 'nk' (already in the gazetteer)");
  qr_buf_free(&got);
  qr_gazetteer_free(g);
  qr_segmenter_free(seg);
}

/* The keys of a form say when no name begins with it (the matcher passes
 * over such tokens), and say it no more once a name does. */
static void start_hint(unit *u) {
  qr_gazetteer *g = qr_gazetteer_new();
  qr_buf scratch = {0};
  qr_error err = {0};
  qr_gazetteer_load_tsv(g, gaz_text, sizeof gaz_text - 1, "t.tsv", &err);
  uint32_t fold, exact;
  uint32_t flags;
  unit_case(u, "keys: a word that begins a name has no QR_KF_NOSTART");
  CHECK_INT(u, qr_gazetteer_form_keys(g, "North", 5, QR_TOK_WORD, &scratch, &fold, &exact, &flags),
            QR_OK);
  CHECK_INT(u, flags & QR_KF_NOSTART, 0);
  unit_case(u, "keys: a word of the gazetteer inside names only has QR_KF_NOSTART");
  qr_gazetteer_form_keys(g, "Korea", 5, QR_TOK_WORD, &scratch, &fold, &exact, &flags);
  CHECK(u, fold != QR_LEX_NONE);
  CHECK_INT(u, flags & QR_KF_NOSTART, QR_KF_NOSTART);
  unit_case(u, "keys: an acronym known only in capitals begins a name in capitals");
  qr_gazetteer_form_keys(g, "US", 2, QR_TOK_WORD, &scratch, &fold, &exact, &flags);
  CHECK_INT(u, flags & QR_KF_NOSTART, 0);
  unit_case(u, "keys: after an add, the word begins a name");
  const char *names[] = {"Korea Times"};
  CHECK_INT(u, qr_gazetteer_add(g, "kt", "ORG", names, 1, NULL, 0, QR_CASE_AUTO, &err), QR_OK);
  qr_gazetteer_form_keys(g, "Korea", 5, QR_TOK_WORD, &scratch, &fold, &exact, &flags);
  CHECK_INT(u, flags & QR_KF_NOSTART, 0);
  qr_buf_free(&scratch);
  qr_gazetteer_free(g);
}

static void corpus_loading(unit *u) {
  char dir[] = "/tmp/quarry-test-XXXXXX";
  unit_case(u, "corpus: a directory, in sorted order, with mentions");
  if (!CHECK(u, mkdtemp(dir) != NULL)) return;
  char path[256];
  snprintf(path, sizeof path, "%s/b.txt", dir);
  FILE *f = fopen(path, "w");
  fputs("The DPRK.\n", f);
  fclose(f);
  snprintf(path, sizeof path, "%s/a.txt", dir);
  f = fopen(path, "w");
  fputs("Kim Jong Un met the U.S. envoy. Kim left.\n", f);
  fclose(f);
  qr_corpus *c = qr_corpus_new();
  qr_gazetteer *g = qr_gazetteer_new();
  qr_error err = {0};
  qr_gazetteer_load_tsv(g, gaz_text, sizeof gaz_text - 1, "t.tsv", &err);
  CHECK_INT(u, qr_corpus_add_path(c, dir, &err), QR_OK);
  CHECK_INT(u, qr_corpus_match(c, g, &err), QR_OK);
  CHECK_INT(u, qr_corpus_ndocs(c), 2);
  qr_doc d;
  qr_corpus_doc(c, 0, &d);
  CHECK_STR(u, d.id, "a.txt");
  CHECK_INT(u, d.sent_count, 2);
  CHECK_INT(u, d.ment_count, 3);
  CHECK_INT(u, qr_corpus_mentions(c)->n, 4);
  CHECK_INT(u, qr_corpus_find(c, "b.txt"), 1);
  unit_case(u, "corpus: tokens know their forms and folded forms");
  const qr_lexicon *lx = qr_corpus_lexicon(c);
  CHECK_STR(u, qr_lexicon_str(lx, qr_corpus_forms(c)[0], NULL), "Kim");
  CHECK_STR(u, qr_lexicon_str(lx, qr_corpus_folds(c)[0], NULL), "kim");
  const uint32_t *pos;
  size_t n;
  CHECK_INT(u, qr_corpus_postings(c, qr_corpus_folds(c)[0], &pos, &n), QR_OK);
  CHECK_INT(u, n, 2);
  unit_case(u, "corpus: matched again after the gazetteer grows, a new name is found");
  const char *names[] = {"the DPRK."};
  qr_corpus_doc(c, 1, &d);
  CHECK_INT(u, d.ment_count, 1);
  CHECK_INT(u, qr_gazetteer_add(g, "dprk-sentence", "MISC", names, 1, NULL, 0, QR_CASE_AUTO,
                                &err), QR_OK);
  CHECK_INT(u, qr_corpus_match(c, g, &err), QR_OK);
  qr_corpus_doc(c, 1, &d);
  CHECK_INT(u, d.ment_count, 1);
  CHECK_STR(u, qr_gazetteer_id(g, qr_corpus_mentions(c)->entry[d.ment_first]), "dprk-sentence");
  unit_case(u, "corpus: a failed add leaves the corpus as it was");
  snprintf(path, sizeof path, "%s/c.jsonl", dir);
  f = fopen(path, "w");
  fputs("{\"id\": \"x\", \"text\": \"fine\"}\n{\"id\": \"a.txt\", \"text\": \"dup\"}\n", f);
  fclose(f);
  CHECK_INT(u, qr_corpus_add_path(c, path, &err), QR_EDATA);
  CHECK(u, strstr(err.msg, "c.jsonl:2: duplicate document id 'a.txt'") != NULL);
  /* the first record was added; the second refused; nothing is half-added */
  CHECK_INT(u, qr_corpus_ndocs(c), 3);
  qr_corpus_doc(c, 2, &d);
  CHECK_INT(u, d.tok_first + d.tok_count, qr_corpus_tokens(c)->n);
  unit_case(u, "corpus: a missing path names itself");
  CHECK_INT(u, qr_corpus_add_path(c, "/no/such/place", &err), QR_EIO);
  CHECK_STR(u, err.msg, "/no/such/place: No such file or directory");
  qr_corpus_free(c);
  qr_gazetteer_free(g);
  snprintf(path, sizeof path, "rm -rf '%s'", dir);
  if (system(path) != 0) unit_fail(u, __FILE__, __LINE__, "cannot clean up %s", dir);
}

int main(void) {
  unit u = {0};
  matching(&u);
  start_hint(&u);
  corpus_loading(&u);
  return unit_finish(&u);
}
