/* test_splitter.c — the sentence splitter against tests/data/sentences.cases,
 * and the paragraph and headline marks it sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/text.h"
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

int main(void) {
  unit u = {0};
  qr_segmenter *seg = qr_segmenter_new();
  run_file(&u, seg, "tests/data/sentences.cases");
  marks(&u, seg);
  qr_segmenter_free(seg);
  return unit_finish(&u);
}
