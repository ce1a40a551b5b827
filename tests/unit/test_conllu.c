/* test_conllu.c — the CoNLL-U and tokenized-text writers.
 *
 * The writers copy a token's bytes with whole-word loads and stores when it
 * is short printable ASCII, and byte by byte otherwise. Either way a FORM
 * must be the token's bytes with control bytes (tabs, line breaks) written
 * as spaces and invalid UTF-8 as U+FFFD. Here every length from 1 to 40 is
 * written, with bytes of every kind at every place, and compared with a
 * byte-by-byte cleaner written out below as the specification. Each text is
 * allocated to its exact size, so that a sanitizer build sees a read past
 * its end. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "quarry/text.h"
#include "quarry/utf8.h"
#include "unit.h"

static unsigned long long next_rand(unsigned long long *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* The specification: what a FORM holds for the bytes s[0, n). */
static void clean_reference(qr_buf *out, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    if (u[i] < 0x20) {
      qr_buf_putc(out, ' ');
      i++;
    } else if (u[i] < 0x80) {
      qr_buf_putc(out, (char)u[i]);
      i++;
    } else {
      int32_t cp;
      int k = qr_utf8_decode(u + i, n - i, &cp);
      if (cp == QR_UTF8_BAD) qr_buf_append(out, "\xEF\xBF\xBD", 3);
      else qr_buf_append(out, s + i, (size_t)k);
      i += (size_t)k;
    }
  }
}

static void forms_are_cleaned(unit *u) {
  /* pieces of every kind: printable ASCII, DEL, control bytes, valid UTF-8
   * of two, three and four bytes, and invalid bytes */
  static const char *const pieces[] = {
    "a", "Z", "7", ".", "'", "~", "\x7F", "\x01", "\t", "\x1F", "\xC3\xA9", "\xE2\x80\x9C",
    "\xF0\x9F\x91\x8D", "\xFF", "\xC3", "\x80", "\xE2\x80"};
  unsigned long long seed = 0x9E3779B97F4A7C15ULL;
  qr_buf out = {0}, want = {0}, line = {0};
  unit_case(u, "CoNLL-U forms and tokenized text: bytes cleaned the same at every length");
  for (int round = 0; round < 4000 && !u->case_failed; round++) {
    size_t n = 1 + (size_t)round % 40;
    char *text = malloc(n);
    if (!text) break;
    /* mostly printable (the fast copy), now and then anything */
    int mixed = round % 3 == 0;
    for (size_t k = 0; k < n;) {
      const char *p = mixed ? pieces[next_rand(&seed) % (sizeof pieces / sizeof *pieces)]
                            : pieces[next_rand(&seed) % 6];
      size_t pl = strlen(p);
      if (pl > n - k) pl = n - k;
      memcpy(text + k, p, pl);
      k += pl;
    }
    /* one token of the whole text, one sentence of it */
    uint32_t start = 0, len = (uint32_t)n, first = 0, count = 1;
    uint8_t kind = QR_TOK_WORD, flags = 0, split = 0, sflags = 0;
    qr_tokens toks = {&start, &len, &kind, &flags, &split, 1, 1};
    qr_sentences sents = {&first, &count, &sflags, 1, 1};
    qr_buf_reset(&want);
    clean_reference(&want, text, n);
    qr_buf_reset(&out);
    size_t sent_no = 0;
    CHECK_INT(u, qr_write_conllu(&out, text, n, &toks, &sents, 0, 1, "d", &sent_no, 0), QR_OK);
    qr_buf_reset(&line);
    qr_buf_printf(&line, "# sent_id = d1\n# text = %s\n1\t%s\t_\t_\t_\t_\t_\t_\t_\t_\n\n",
                  want.data ? want.data : "", want.data ? want.data : "");
    if (!out.data || strcmp(out.data, line.data) != 0)
      unit_fail(u, __FILE__, __LINE__, "round %d (%zu bytes): CoNLL-U\n#   got:      %s#   expected: %s",
                round, n, out.data ? out.data : "(null)", line.data);
    qr_buf_reset(&out);
    CHECK_INT(u, qr_write_tokenized(&out, text, &toks, &sents, 0, 1), QR_OK);
    qr_buf_reset(&line);
    qr_buf_printf(&line, "%s\n", want.data ? want.data : "");
    if (!out.data || strcmp(out.data, line.data) != 0)
      unit_fail(u, __FILE__, __LINE__, "round %d (%zu bytes): tokenized text differs", round, n);
    free(text);
  }
  qr_buf_free(&out);
  qr_buf_free(&want);
  qr_buf_free(&line);
}

/* Token numbers past 9 and 99, a multiword token and a sentence prefix. */
static void numbers_and_multiword_tokens(unit *u) {
  qr_segmenter *seg = qr_segmenter_new();
  qr_tokens t = {0};
  qr_buf text = {0}, out = {0};
  for (int k = 0; k < 120; k++) qr_buf_puts(&text, "w ");
  qr_buf_puts(&text, "don't");
  unit_case(u, "CoNLL-U ids past 9 and 99, and a multiword token's range");
  CHECK_INT(u, qr_tokenize(seg, text.data, text.len, &t), QR_OK);
  uint32_t first = 0, count = (uint32_t)t.n;
  uint8_t sflags = 0;
  qr_sentences one = {&first, &count, &sflags, 1, 1};
  size_t sent_no = 41;
  CHECK_INT(u, qr_write_conllu(&out, text.data, text.len, &t, &one, 0, 1, "doc-", &sent_no, 0),
            QR_OK);
  CHECK(u, out.data && strncmp(out.data, "# sent_id = doc-42\n", 19) == 0);
  CHECK(u, out.data && strstr(out.data, "\n9\tw\t") && strstr(out.data, "\n10\tw\t") &&
               strstr(out.data, "\n99\tw\t") && strstr(out.data, "\n100\tw\t") &&
               strstr(out.data, "\n120\tw\t"));
  CHECK(u, out.data && strstr(out.data, "\n121-122\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n121\tdo\t") &&
               strstr(out.data, "\n122\tn't\t"));
  qr_tokens_free(&t);
  qr_buf_free(&text);
  qr_buf_free(&out);
  qr_segmenter_free(seg);
}

/* Counts the documents qr_conllu_documents hands over. */
static qr_status count_doc(void *arg, const char *text, size_t len, const size_t *starts,
                           size_t nstarts) {
  (void)text, (void)len, (void)starts, (void)nstarts;
  ++*(size_t *)arg;
  return QR_OK;
}

/* The first fuzzing pass: a token line of a tab and 4,095 zeros, the whole
 * of a one-page file, made strtol read past the end of the mapping (it skips
 * the tab as white space and reads digits to the first byte that is not
 * one). Here the page is followed by one that cannot be read, so that a read
 * past the end is a crash, with or without a sanitizer. */
static void ids_read_inside_their_field(unit *u) {
  static const char *const lines[] = {"\t", "1-", "12", "1.", "-"};
  static const char *const shown[] = {"TAB", "1-", "12", "1.", "-"};
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED || mprotect(map + page, page, PROT_NONE) != 0) {
    unit_case(u, "CoNLL-U: a page with a guard page after it");
    unit_fail(u, __FILE__, __LINE__, "cannot map two pages");
    return;
  }
  for (size_t k = 0; k < sizeof lines / sizeof *lines; k++) {
    unit_case(u, "CoNLL-U: a file that is one token line \"%s000…\" up to a page's end", shown[k]);
    size_t docs = 0;
    memset(map, '0', page);
    memcpy(map, lines[k], strlen(lines[k]));
    qr_error err = {0};
    qr_status rc = qr_conllu_documents(map, page, "one-page.conllu", count_doc, &docs, &err);
    CHECK(u, rc == QR_OK || rc == QR_EDATA);
  }
  munmap(map, 2 * page);
}

int main(void) {
  unit u = {0};
  forms_are_cleaned(&u);
  numbers_and_multiword_tokens(&u);
  ids_read_inside_their_field(&u);
  return unit_finish(&u);
}
