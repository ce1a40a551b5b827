/* fuzz_index.c — fuzz target: corpus indexes (qr_index_open_bytes), whose
 * bytes come from a file anyone may hand over. An index that opens with
 * QR_INDEX_VERIFY must be safe to read whole: every document, its id,
 * title, source and metadata, every token's text, form and fold, every
 * sentence and mention inside its document, every posting under its fold.
 * Then a document is added (which copies the arrays out of the file) and
 * the corpus annotated again, and read again.
 *
 * As in fuzz_compiled.c, the harness writes the right file size, section
 * checksums and header hash into its copy first (qr_index_reseal), so that
 * mutations reach the checks behind them; QUARRY_FUZZ_SEALED=FILE writes
 * the copy as loaded, for the CLI to reproduce. */
#include "fuzz.h"
#include "corpus/corpus_impl.h"
#include "quarry/index.h"

/* Reads everything the corpus holds; the documented ranges must hold. */
static void walk(qr_corpus *c) {
  const qr_tokens *t = qr_corpus_tokens(c);
  const qr_sentences *s = qr_corpus_sentences(c);
  const qr_mentions *m = qr_corpus_mentions(c);
  const uint32_t *form = qr_corpus_forms(c), *fold = qr_corpus_folds(c);
  const qr_lexicon *lex = qr_corpus_lexicon(c);
  size_t nlex = qr_lexicon_size(lex);
  volatile size_t sink = 0;
  for (size_t i = 0; i < qr_corpus_ndocs(c); i++) {
    qr_doc d;
    qr_corpus_doc(c, i, &d);
    FUZZ_CHECK(qr_corpus_find(c, d.id) == (long)i);
    sink += strlen(d.id) + strlen(d.source);
    FUZZ_CHECK(d.title_start + d.title_len <= d.len);
    for (size_t k = d.tok_first; k < d.tok_first + d.tok_count; k++) {
      FUZZ_CHECK(t->start[k] + (size_t)t->len[k] <= d.len && t->split[k] <= t->len[k]);
      if (t->len[k]) sink += (unsigned char)d.text[t->start[k] + t->len[k] - 1];
      FUZZ_CHECK(form[k] < nlex && fold[k] < nlex);
      sink += strlen(qr_lexicon_str(lex, form[k], NULL));
      FUZZ_CHECK(qr_corpus_fold_of(c, form[k]) < nlex);
      FUZZ_CHECK(qr_corpus_doc_of_token(c, k) == i || d.tok_count == 0);
    }
    for (size_t k = d.sent_first; k < d.sent_first + d.sent_count; k++)
      FUZZ_CHECK(s->first[k] >= d.tok_first &&
                 s->first[k] + (size_t)s->count[k] <= d.tok_first + d.tok_count);
    for (size_t k = d.ment_first; k < d.ment_first + d.ment_count; k++) {
      FUZZ_CHECK(m->tok_first[k] >= d.tok_first &&
                 m->tok_first[k] + (size_t)m->tok_count[k] <= d.tok_first + d.tok_count);
      for (size_t j = 0; j < m->cand_count[k]; j++) sink += m->cands[m->cand_first[k] + j];
    }
    for (size_t k = d.meta_first; k < d.meta_first + d.meta_count; k++) {
      const char *key, *value;
      qr_corpus_meta(c, k, &key, &value);
      sink += strlen(key) + strlen(value);
    }
  }
  for (size_t k = 0; k < qr_corpus_nwarnings(c); k++) sink += strlen(qr_corpus_warning(c, k));
  for (size_t k = 0; k < qr_corpus_nskipped(c); k++) {
    const char *why, *p = qr_corpus_skipped(c, k, &why);
    sink += strlen(p) + strlen(why);
  }
  for (uint32_t f = 0; f < nlex && f < 4096; f++) {
    const uint32_t *pos;
    size_t n;
    FUZZ_CHECK(qr_corpus_postings(c, f, &pos, &n) == QR_OK);
    for (size_t k = 0; k < n; k++) FUZZ_CHECK(pos[k] < t->n && fold[pos[k]] == f);
  }
  (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *bytes = fuzz_copy(data, size);
  qr_index_reseal(bytes, size);
  fuzz_write_sealed(bytes, size);
  qr_corpus *c = NULL;
  qr_error err;
  qr_error_clear(&err);
  qr_status rc = qr_index_open_bytes(bytes, size, "fuzz.qidx", QR_INDEX_VERIFY, &c, &err);
  free(bytes);
  if (rc) {
    FUZZ_CHECK(rc != QR_ENOMEM && c == NULL);
    FUZZ_CHECK(err.status == rc && strlen(err.msg) > 0 && strlen(err.msg) < sizeof err.msg);
    return 0;
  }
  walk(c);
  /* a change copies the arrays out of the file first */
  static const char more[] = "Kim Jong Un met Vladimir Putin in Pyongyang.";
  qr_error_clear(&err);
  if (qr_corpus_add_text(c, "fuzz-added-document", more, sizeof more - 1, &err) == QR_OK)
    walk(c);
  qr_error_clear(&err);
  if (qr_corpus_reannotate(c, &err) == QR_OK) walk(c);
  qr_corpus_free(c);
  return 0;
}
