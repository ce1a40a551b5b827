/* fuzz_text.c — fuzz target: the tokenizer and the sentence splitter with
 * the default segmenter (its abbreviations, starters and learned sentence
 * model, so the model pass runs), the writers over their result (CoNLL-U,
 * tokenized text, span text, the splitter's explanation; the CoNLL-U read
 * back by the training reader), and the UTF-8 helpers the tokenizer's
 * users call on the same bytes (folding, marks, display width). The input
 * is any text.
 *
 * Besides what ASan and UBSan catch, it checks the contracts of text.h:
 * tokens lie inside the text, in order and without overlap; a
 * contraction's split point falls inside its token; sentences are
 * non-empty and cover the tokens from the first one asked for, back to
 * back. */
#include "fuzz.h"
#include "quarry/text.h"
#include "quarry/utf8.h"

/* Built once and only read afterwards (a segmenter is read-only in use). */
static qr_segmenter *seg;

static void free_seg(void) {
  qr_segmenter_free(seg);
  seg = NULL;
}

static void check_tokens(const qr_tokens *t, size_t len) {
  size_t end = 0;
  for (size_t i = 0; i < t->n; i++) {
    FUZZ_CHECK(t->len[i] > 0);
    FUZZ_CHECK(t->start[i] >= end);
    FUZZ_CHECK((size_t)t->start[i] + t->len[i] <= len);
    FUZZ_CHECK(t->kind[i] >= QR_TOK_WORD && t->kind[i] < QR_TOK_KIND_MAX);
    FUZZ_CHECK(t->split[i] < t->len[i]);
    end = (size_t)t->start[i] + t->len[i];
  }
}

/* What reading the CoNLL-U written back gives: documents and sentences. */
typedef struct readback {
  size_t docs, sents;
} readback;

static qr_status count_doc(void *arg, const char *text, size_t len, const size_t *starts,
                           size_t nstarts) {
  readback *rb = arg;
  FUZZ_CHECK(len == 0 || memchr(text, '\0', len) == NULL);
  for (size_t k = 0; k < nstarts; k++) FUZZ_CHECK(starts[k] <= len);
  rb->docs++;
  rb->sents += nstarts;
  return QR_OK;
}

/* The sentences of s cover tokens [first, t->n) back to back. */
static void check_sentences(const qr_sentences *s, const qr_tokens *t, size_t first) {
  size_t next = first;
  for (size_t k = 0; k < s->n; k++) {
    FUZZ_CHECK(s->first[k] == next);
    FUZZ_CHECK(s->count[k] > 0);
    next = (size_t)s->first[k] + s->count[k];
  }
  FUZZ_CHECK(next == (first < t->n ? t->n : first));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!seg) {
    seg = qr_segmenter_new();
    if (!seg) abort();
    atexit(free_seg);
  }
  char *text = fuzz_copy(data, size);
  qr_tokens t = {0};
  qr_sentences s = {0}, tail = {0};
  qr_buf out = {0};

  FUZZ_CHECK(qr_tokenize(seg, text, size, &t) == QR_OK);
  check_tokens(&t, size);
  FUZZ_CHECK(qr_split_sentences(seg, text, size, &t, 0, &s) == QR_OK);
  check_sentences(&s, &t, 0);
  /* from a token in the middle, as a corpus splits a text it has
   * tokenized in blocks */
  size_t mid = t.n / 2;
  FUZZ_CHECK(qr_split_sentences(seg, text, size, &t, mid, &tail) == QR_OK);
  check_sentences(&tail, &t, mid);

  size_t sent_no = 1;
  FUZZ_CHECK(qr_write_conllu(&out, text, size, &t, &s, 0, s.n, "fuzz-", &sent_no, 1) == QR_OK);
  FUZZ_CHECK(sent_no == 1 + s.n);
  FUZZ_CHECK(out.len == 0 || (out.data[out.len] == '\0' && strlen(out.data) == out.len));
  /* what the writer writes, the training reader reads: one document of
   * as many sentences */
  readback rb = {0, 0};
  FUZZ_CHECK(qr_conllu_documents(out.data, out.len, "written", count_doc, &rb, NULL) == QR_OK);
  FUZZ_CHECK(rb.docs == (s.n > 0) && rb.sents == s.n);
  qr_buf_reset(&out);
  FUZZ_CHECK(qr_write_tokenized(&out, text, &t, &s, 0, s.n) == QR_OK);
  for (size_t k = 0; k < s.n; k++)
    FUZZ_CHECK(qr_write_span_text(&out, text, &t, s.first[k], s.first[k] + s.count[k]) == QR_OK);
  qr_buf_reset(&out);
  FUZZ_CHECK(qr_split_explain(seg, text, size, &t, 0, &out) == QR_OK);

  /* the UTF-8 helpers never fail on bad bytes: they copy them through */
  qr_buf_reset(&out);
  FUZZ_CHECK(qr_utf8_fold(text, size, &out) == QR_OK);
  qr_buf marks = {0};
  FUZZ_CHECK(qr_utf8_strip_marks(out.data ? out.data : "", out.len, &marks) == QR_OK);
  size_t fit;
  qr_utf8_width(text, size, 40, &fit);
  FUZZ_CHECK(fit <= size);
  size_t first_bad;
  qr_utf8_check(text, size, &first_bad);
  FUZZ_CHECK(first_bad <= size);

  qr_buf_free(&marks);
  qr_buf_free(&out);
  qr_sentences_free(&tail);
  qr_sentences_free(&s);
  qr_tokens_free(&t);
  free(text);
  return 0;
}
