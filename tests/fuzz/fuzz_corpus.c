/* fuzz_corpus.c — fuzz target: a corpus read from JSON Lines
 * (qr_corpus_add_jsonl: one object per line, "id" and "text", the other
 * fields kept as metadata), each document tokenized, split and interned as
 * it is added; the whole input added once more as a plain text document
 * (qr_corpus_add_text); then a fixed gazetteer matched over the corpus
 * (qr_corpus_match, the path quarry.open takes, with its keys cached per
 * form), everything read back, and the names the gazetteer lacks listed
 * (qr_find_candidates, single words too), which reads the mentions and the
 * tokens around them.
 *
 * Checked besides the sanitizers: every document's ranges lie inside the
 * corpus's arrays, its title inside its text; each metadata value is a
 * JSON text (qr_corpus_meta says so); mentions lie inside the tokens; each
 * candidate lies inside the tokens, has words, and is seen at least once
 * in at least one document. */
#include "fuzz.h"
#include "quarry/corpus.h"
#include "quarry/json.h"
#include "quarry/query.h"

/* Matched over every corpus; built once, only read afterwards. */
static qr_gazetteer *gaz;

static void free_gaz(void) {
  qr_gazetteer_free(gaz);
  gaz = NULL;
}

static const char gaz_tsv[] =
    "vladimir-putin\tPERSON\tVladimir Putin\tPutin | Vladimir V. Putin\n"
    "kim-jong-un\tPERSON\tKim Jong Un\tKim Jong-un | Kim\n"
    "north-korea\tGPE\tNorth Korea\tDPRK | N. Korea\n"
    "united-states\tGPE\tUnited States\tU.S. | US | USA\n"
    "may\tSTOP\tMay\n"
    "theresa-may\tPERSON\tTheresa May\tMay\n"
    "nato\tORG\tNATO\t\tcase=exact\n";

static void check_doc(const qr_corpus *c, size_t i) {
  qr_doc d;
  qr_corpus_doc(c, i, &d);
  FUZZ_CHECK(d.id != NULL && strlen(d.id) > 0 && d.source != NULL);
  FUZZ_CHECK(qr_corpus_find(c, d.id) == (long)i);
  FUZZ_CHECK(d.title_start + d.title_len <= d.len);
  FUZZ_CHECK(d.len == 0 || memchr(d.text, '\0', d.len) == NULL);
  FUZZ_CHECK(d.tok_first + d.tok_count <= qr_corpus_tokens(c)->n);
  FUZZ_CHECK(d.sent_first + d.sent_count <= qr_corpus_sentences(c)->n);
  FUZZ_CHECK(d.ment_first + d.ment_count <= qr_corpus_mentions(c)->n);
  const qr_tokens *t = qr_corpus_tokens(c);
  for (size_t k = d.tok_first; k < d.tok_first + d.tok_count; k++)
    FUZZ_CHECK((size_t)t->start[k] + t->len[k] <= d.len);
  for (size_t k = d.meta_first; k < d.meta_first + d.meta_count; k++) {
    const char *key, *value;
    qr_corpus_meta(c, k, &key, &value);
    qr_json js = {0};
    FUZZ_CHECK(qr_json_parse(&js, value, strlen(value), NULL) == QR_OK && strlen(key) < SIZE_MAX);
    qr_json_free(&js);
  }
  const qr_mentions *m = qr_corpus_mentions(c);
  for (size_t k = d.ment_first; k < d.ment_first + d.ment_count; k++) {
    FUZZ_CHECK(m->tok_first[k] >= d.tok_first);
    FUZZ_CHECK((size_t)m->tok_first[k] + m->tok_count[k] <= d.tok_first + d.tok_count);
    if (!(m->flags[k] & QR_MF_GUESS)) {
      FUZZ_CHECK(m->entry[k] < qr_gazetteer_size(gaz));
      continue;
    }
    /* a guessed name: a type, a confidence, and its full name a guess of
     * the same document that names itself */
    size_t full = qr_mention_guess_full(m, k);
    FUZZ_CHECK(full >= d.ment_first && full < d.ment_first + d.ment_count);
    FUZZ_CHECK((m->flags[full] & QR_MF_GUESS) && qr_mention_guess_full(m, full) == full);
    FUZZ_CHECK(qr_mention_guess_type(m, k) < QR_GT_COUNT && m->cand_count[k] == 0 &&
               m->cand_first[k] <= 100);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!gaz) {
    gaz = qr_gazetteer_new();
    if (!gaz || qr_gazetteer_load_tsv(gaz, gaz_tsv, sizeof gaz_tsv - 1, "fuzz.tsv", NULL))
      abort();
    atexit(free_gaz);
  }
  char *in = fuzz_copy(data, size);
  qr_corpus *c = qr_corpus_new();
  if (!c) abort();
  qr_error err;
  qr_error_clear(&err);
  qr_status rc = qr_corpus_add_jsonl(c, "fuzz.jsonl", in, size, &err);
  if (rc) FUZZ_CHECK(rc != QR_ENOMEM && err.status == rc && strlen(err.msg) > 0);
  qr_error_clear(&err);
  rc = qr_corpus_add_text(c, "fuzz-raw-input", in, size, &err);
  if (rc) FUZZ_CHECK(rc != QR_ENOMEM && err.status == rc && strlen(err.msg) > 0);
  free(in);   /* the corpus keeps copies */
  FUZZ_CHECK(qr_corpus_match(c, gaz, NULL) == QR_OK);
  for (size_t i = 0; i < qr_corpus_ndocs(c); i++) check_doc(c, i);
  for (size_t k = 0; k < qr_corpus_nwarnings(c); k++)
    FUZZ_CHECK(strlen(qr_corpus_warning(c, k)) > 0);
  qr_cand_opts co = {1, 0, 1, 0};
  qr_cand_row *rows = NULL;
  size_t nrows = 0;
  FUZZ_CHECK(qr_find_candidates(c, &co, &rows, &nrows) == QR_OK);
  for (size_t r = 0; r < nrows; r++) {
    FUZZ_CHECK(rows[r].ntok > 0 && rows[r].first + rows[r].ntok <= qr_corpus_tokens(c)->n);
    FUZZ_CHECK(rows[r].words > 0 && rows[r].docs > 0 && rows[r].count >= rows[r].docs);
  }
  free(rows);
  qr_corpus_free(c);
  return 0;
}
