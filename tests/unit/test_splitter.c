/* test_splitter.c — the sentence splitter against tests/data/sentences.cases,
 * the paragraph and headline marks it sets, and the gaps its model pass
 * looks at. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/text.h"
#include "text/segmenter.h"
#include "text/sentmodel.h"
#include "unit.h"

static void run_case(unit *u, const qr_segmenter *seg, const char *name, const char *text,
                     size_t len, const char *want) {
  unit_case(u, "sentences: %s", name);
  qr_tokens t = {0};
  qr_sentences s = {0};
  qr_buf got = {0};
  CHECK_INT(u, qr_tokenize(seg, text, len, &t), QR_OK);
  CHECK_INT(u, qr_split_sentences(seg, text, len, &t, 0, &s), QR_OK);
  for (size_t k = 0; k < s.n; k++) {
    qr_write_span_text(&got, text, &t, s.first[k], s.first[k] + s.count[k]);
    qr_buf_putc(&got, '\n');
  }
  CHECK_STR(u, got.data ? got.data : "", want);
  qr_tokens_free(&t);
  qr_sentences_free(&s);
  qr_buf_free(&got);
}

static void run_file(unit *u, const qr_segmenter *seg, const char *path) {
  char *data = unit_slurp(path, NULL);
  unit_case(u, "read %s", path);
  if (!CHECK(u, data != NULL)) return;
  qr_buf name = {0}, text = {0}, want = {0};
  int part = 0;   /* 0 before a case, 1 in its text, 2 in its sentences */
  char *line = data;
  while (line) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    int eof = !nl;
    if (strncmp(line, "### ", 4) == 0 || eof) {
      if (eof && part == 2 && *line) {
        qr_buf_puts(&want, line);
        qr_buf_putc(&want, '\n');
      }
      if (part == 2) {
        /* the text's last line break is not part of it */
        if (text.len && text.data[text.len - 1] == '\n') text.data[--text.len] = '\0';
        run_case(u, seg, name.data, text.data ? text.data : "", text.len,
                 want.data ? want.data : "");
      }
      qr_buf_reset(&name);
      qr_buf_reset(&text);
      qr_buf_reset(&want);
      qr_buf_puts(&name, line + (eof ? 0 : 4));
      part = 1;
    } else if (part == 1 && strcmp(line, "---") == 0) {
      part = 2;
    } else if (part == 1) {
      if (strcmp(line, "\\") != 0) qr_buf_puts(&text, line);
      qr_buf_putc(&text, '\n');
    } else if (part == 2 && *line) {
      qr_buf_puts(&want, line);
      qr_buf_putc(&want, '\n');
    }
    line = nl ? nl + 1 : NULL;
  }
  qr_buf_free(&name);
  qr_buf_free(&text);
  qr_buf_free(&want);
  free(data);
}

static void marks(unit *u, const qr_segmenter *seg) {
  const char text[] = "A Headline\n\nFirst one. Second one.\nThird";
  qr_tokens t = {0};
  qr_sentences s = {0};
  qr_tokenize(seg, text, sizeof text - 1, &t);
  qr_split_sentences(seg, text, sizeof text - 1, &t, 0, &s);
  unit_case(u, "paragraph and headline marks");
  CHECK_INT(u, s.n, 4);
  if (s.n == 4) {
    CHECK(u, (s.flags[0] & QR_SF_PARA_START) && (s.flags[0] & QR_SF_HEADLINE));
    CHECK(u, (s.flags[1] & QR_SF_PARA_START) && !(s.flags[1] & QR_SF_HEADLINE));
    CHECK(u, !(s.flags[2] & QR_SF_PARA_START));
    CHECK(u, s.flags[3] & QR_SF_HEADLINE);
  }
  unit_case(u, "an empty text has no sentence");
  qr_tokens_reset(&t);
  qr_sentences_reset(&s);
  qr_tokenize(seg, " \n\n ", 4, &t);
  qr_split_sentences(seg, " \n\n ", 4, &t, 0, &s);
  CHECK_INT(u, t.n, 0);
  CHECK_INT(u, s.n, 0);
  qr_tokens_free(&t);
  qr_sentences_free(&s);
}

/* Texts made of pieces drawn at random (a fixed seed): words of every case,
 * numbers, abbreviations, the quotes, brackets, dashes and marks the model's
 * filter looks at, joined by spaces, line breaks, blank lines or nothing. */
static void random_text(qr_buf *out, uint64_t *state, size_t pieces) {
  static const char *const words[] = {
      "the", "a", "of", "said", "Smith", "John", "Mr.", "U.S.", "I", "It", "The", "NASA",
      "1999", "3.5", "42", "\xC3\xA9t\xC3\xA9", "\xC3\x89mile", "etc.", "e.g.", "re-elect",
      "don't", "Thanks", "Kim", "No.", "Dr.", "A.", "x", "http://a.org", "ok"};
  static const char *const marks[] = {
      ",", ".", "!", "?", ":", ";", "\"", "'", "(", ")", "[", "]", "-", "--", "_",
      "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99",
      "\xE2\x80\x94", "\xE2\x80\xA6", "...", "*", "#", "1."};
  static const char *const seps[] = {" ", " ", " ", " ", "\n", "\n\n", ""};
  qr_buf_reset(out);
  for (size_t k = 0; k < pieces; k++) {
    *state ^= *state << 13, *state ^= *state >> 7, *state ^= *state << 17;
    uint64_t r = *state;
    if (r % 3 == 0)
      qr_buf_puts(out, marks[(r >> 8) % (sizeof marks / sizeof *marks)]);
    else
      qr_buf_puts(out, words[(r >> 8) % (sizeof words / sizeof *words)]);
    qr_buf_puts(out, seps[(r >> 20) % (sizeof seps / sizeof *seps)]);
  }
}

/* The model pass looks only at the gaps qr_model_candidates collects: it
 * must keep every gap qr_gap_is_candidate accepts (else the model is never
 * asked there), and find the same ones whichever token it starts from (the
 * gaps go 16 at a time, the rest one at a time). */
static void model_candidates(unit *u, const qr_segmenter *seg) {
  unit_case(u, "the model pass collects every gap the model may be asked about");
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  qr_buf text = {0};
  qr_tokens t = {0};
  size_t checked = 0, kept = 0, missed = 0, disordered = 0, unlike = 0;
  for (int round = 0; round < 300; round++) {
    random_text(&text, &state, 20 + (size_t)(state % 400));
    qr_tokens_reset(&t);
    if (!CHECK(u, qr_tokenize(seg, text.data, text.len, &t) == QR_OK) || t.n < 2) continue;
    size_t n = t.n;
    uint8_t *gaps = malloc(n), *since = malloc(n), *until = malloc(n);
    uint32_t *cand = malloc(n * sizeof *cand), *again = malloc(n * sizeof *again);
    char *in = calloc(n, 1);
    if (!CHECK(u, gaps && since && until && cand && again && in)) return;
    qr_split_rules(seg, text.data, text.len, &t, 0, gaps);
    qr_gap_distances(gaps, n, since, until);
    size_t nc = qr_model_candidates(text.data, &t, 0, gaps, cand);
    for (size_t c = 0; c < nc; c++) {
      if (cand[c] == 0 || cand[c] >= n || (c && cand[c] <= cand[c - 1])) disordered++;
      else in[cand[c]] = 1;
    }
    for (size_t i = 1; i < n; i++) {
      qr_gap g = {seg, text.data, &t, 0, i, gaps[i], (size_t)-1, since[i], until[i], 0};
      if (!qr_gap_is_candidate(&g)) continue;
      checked++;
      if (in[i]) kept++;
      else missed++;
    }
    /* from token k on: the same gaps, cut at k */
    for (size_t k = 1; k < 18 && k < n; k++) {
      size_t na = qr_model_candidates(text.data, &t, k, gaps + k, again), c = 0;
      while (c < nc && cand[c] <= k) c++;
      if (na != nc - c || (na && memcmp(again, cand + c, na * sizeof *again) != 0)) unlike++;
    }
    free(gaps), free(since), free(until), free(cand), free(again), free(in);
  }
  CHECK_INT(u, disordered, 0);
  CHECK_INT(u, missed, 0);
  CHECK_INT(u, unlike, 0);
  /* the texts must give the model something to look at */
  CHECK(u, checked > 1000 && kept == checked);
  qr_tokens_free(&t);
  qr_buf_free(&text);
}

int main(void) {
  unit u = {0};
  qr_segmenter *seg = qr_segmenter_new();
  run_file(&u, seg, "tests/data/sentences.cases");
  marks(&u, seg);
  model_candidates(&u, seg);
  qr_segmenter_free(seg);
  return unit_finish(&u);
}
