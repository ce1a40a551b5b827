/* fuzz_conllu.c — fuzz target: the readers of `quarry train-segmenter`'s
 * inputs and output, each given the whole input:
 *  - gold CoNLL-U (qr_conllu_documents), each document it rebuilds fed to
 *    a sentence-model trainer as the command does, one epoch trained, and
 *    the model it writes read back (qr_sentmodel_load must take it);
 *  - a sentence model's text form (qr_sentmodel_load); a model that loads
 *    is given to a segmenter, which splits a fixed text and the input;
 *  - an abbreviation lexicon (qr_segmenter_load_abbrevs, the command's
 *    --abbreviations); a segmenter that loads it learns the input's own
 *    abbreviations too (qr_segmenter_learn_abbrevs) and splits the same
 *    two texts.
 *
 * Checked besides the sanitizers: a document's sentence starts are in
 * order and inside its text; a failed read says why. */
#include "fuzz.h"
#include "quarry/text.h"

/* The rules without a model, as train-segmenter learns on top of them. */
static qr_segmenter *rules;

static void free_rules(void) {
  qr_segmenter_free(rules);
  rules = NULL;
}

static const char fixed_text[] =
    "Mr. Kim met Putin in the U.S. He left at 10 a.m. on Jan. 5. \"Why?\" she asked. "
    "It cost $3.5 bn. (See p. 4.) The end\n\nA Headline\nNo. 7 is next... Then it rained!";

static qr_status add_document(void *arg, const char *text, size_t len, const size_t *starts,
                              size_t nstarts) {
  FUZZ_CHECK(nstarts > 0 && text != NULL);
  for (size_t k = 0; k < nstarts; k++) {
    FUZZ_CHECK(starts[k] <= len);
    if (k) FUZZ_CHECK(starts[k] >= starts[k - 1]);
  }
  /* the trainer gets an exact-size copy, as a mapped file's text would be */
  char *copy = fuzz_copy((const uint8_t *)text, len);
  qr_status rc = qr_sentmodel_trainer_add(arg, copy, len, starts, nstarts);
  free(copy);
  return rc;
}

/* Tokenizes and splits text[0, len) with seg. */
static void split(const qr_segmenter *seg, const char *text, size_t len) {
  qr_tokens t = {0};
  qr_sentences s = {0};
  FUZZ_CHECK(qr_tokenize(seg, text, len, &t) == QR_OK);
  FUZZ_CHECK(qr_split_sentences(seg, text, len, &t, 0, &s) == QR_OK);
  qr_sentences_free(&s);
  qr_tokens_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!rules) {
    rules = qr_segmenter_new();
    if (!rules) abort();
    qr_segmenter_set_model(rules, NULL);
    atexit(free_rules);
  }
  char *in = fuzz_copy(data, size);
  qr_error err;

  /* CoNLL-U, into a trainer */
  qr_sentmodel_trainer *tr = qr_sentmodel_trainer_new(rules);
  if (!tr) abort();
  qr_error_clear(&err);
  qr_status rc = qr_conllu_documents(in, size, "fuzz.conllu", add_document, tr, &err);
  if (rc) {
    FUZZ_CHECK(rc != QR_ENOMEM && err.status == rc && strlen(err.msg) > 0);
  } else {
    qr_buf model = {0};
    qr_train_report rep;
    qr_error_clear(&err);
    rc = qr_sentmodel_trainer_train(tr, 1, 1, 2.0, "fuzz", &model, &rep, &err);
    FUZZ_CHECK(rc == QR_OK || (rc != QR_ENOMEM && strlen(err.msg) > 0));
    if (rc == QR_OK) {
      char *text = fuzz_copy((const uint8_t *)model.data, model.len);
      qr_sentmodel *m = NULL;
      FUZZ_CHECK(qr_sentmodel_load(&m, text, model.len, "trained", NULL) == QR_OK);
      qr_sentmodel_free(m);
      free(text);
    }
    qr_buf_free(&model);
  }
  qr_sentmodel_trainer_free(tr);

  /* a sentence model, put to work */
  qr_sentmodel *m = NULL;
  qr_error_clear(&err);
  rc = qr_sentmodel_load(&m, in, size, "fuzz.model", &err);
  if (rc) {
    FUZZ_CHECK(m == NULL && rc != QR_ENOMEM && err.status == rc && strlen(err.msg) > 0);
  } else {
    qr_segmenter *seg = qr_segmenter_new_empty();
    if (!seg) abort();
    qr_segmenter_set_model(seg, m);   /* seg owns it now */
    char *fixed = fuzz_copy((const uint8_t *)fixed_text, sizeof fixed_text - 1);
    split(seg, fixed, sizeof fixed_text - 1);
    split(seg, in, size);
    free(fixed);
    qr_segmenter_free(seg);
  }

  /* an abbreviation lexicon, put to work */
  qr_segmenter *seg = qr_segmenter_new_empty();
  if (!seg) abort();
  qr_error_clear(&err);
  rc = qr_segmenter_load_abbrevs(seg, in, size, "fuzz.txt", &err);
  if (rc) {
    FUZZ_CHECK(rc != QR_ENOMEM && err.status == rc && strlen(err.msg) > 0);
  } else {
    const char *texts[1] = {in};
    size_t lens[1] = {size}, nlearned = 0;
    qr_learned_abbrev *learned = NULL;
    FUZZ_CHECK(qr_segmenter_learn_abbrevs(seg, texts, lens, 1, 0, &learned, &nlearned) == QR_OK);
    for (size_t k = 0; k < nlearned; k++) {
      size_t n = strnlen(learned[k].text, sizeof learned[k].text);
      FUZZ_CHECK(n >= 2 && n < sizeof learned[k].text && learned[k].text[n - 1] == '.');
      FUZZ_CHECK(qr_segmenter_abbrev(seg, learned[k].text, n) != 0);
    }
    free(learned);
    char *fixed = fuzz_copy((const uint8_t *)fixed_text, sizeof fixed_text - 1);
    split(seg, fixed, sizeof fixed_text - 1);
    split(seg, in, size);
    free(fixed);
  }
  qr_segmenter_free(seg);
  free(in);
  return 0;
}
