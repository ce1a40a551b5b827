/* test_tokenizer.c — the tokenizer against tests/data/tokenizer.cases, and
 * its invariants: offsets in bounds, in order, never overlapping, every
 * non-space byte in exactly one token, whatever the input (random bytes and
 * invalid UTF-8 included). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/text.h"
#include "text/segmenter.h"
#include "unit.h"

/* Renders tokens as the cases write them: surface{word|word} for multiword
 * tokens. */
static void render(const char *text, const qr_tokens *t, qr_buf *out) {
  qr_buf_reset(out);
  for (size_t i = 0; i < t->n;) {
    size_t j = i + 1;
    while (j < t->n && (t->flags[j] & QR_TF_CLITIC)) j++;
    if (i) qr_buf_putc(out, ' ');
    size_t end = t->start[j - 1] + t->len[j - 1];
    qr_buf_append(out, text + t->start[i], end - t->start[i]);
    if (j > i + 1 || t->split[i]) {
      qr_buf_putc(out, '{');
      for (size_t k = i; k < j; k++) {
        if (k > i) qr_buf_putc(out, '|');
        if (t->split[k]) {
          qr_buf_append(out, text + t->start[k], t->split[k]);
          qr_buf_putc(out, '|');
          qr_buf_append(out, text + t->start[k] + t->split[k], t->len[k] - t->split[k]);
        } else {
          qr_buf_append(out, text + t->start[k], t->len[k]);
        }
      }
      qr_buf_putc(out, '}');
    }
    i = j;
  }
  if (!out->data) qr_buf_puts(out, "");
}

/* Undoes the \n and \t escapes of a case's input. */
static void unescape(const char *s, size_t n, qr_buf *out) {
  qr_buf_reset(out);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 'n' || s[i + 1] == 't')) {
      qr_buf_putc(out, s[i + 1] == 'n' ? '\n' : '\t');
      i++;
    } else {
      qr_buf_putc(out, s[i]);
    }
  }
  if (!out->data) qr_buf_puts(out, "");
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The invariants every tokenization must keep. */
static void check_invariants(unit *u, const char *text, size_t len, const qr_tokens *t) {
  size_t prev_end = 0;
  for (size_t i = 0; i < t->n; i++) {
    if (t->len[i] == 0) unit_fail(u, __FILE__, __LINE__, "token %zu is empty", i);
    if (t->start[i] < prev_end) unit_fail(u, __FILE__, __LINE__, "token %zu overlaps", i);
    if ((size_t)t->start[i] + t->len[i] > len)
      unit_fail(u, __FILE__, __LINE__, "token %zu ends past the text", i);
    if (t->split[i] >= t->len[i] && t->split[i])
      unit_fail(u, __FILE__, __LINE__, "token %zu splits past its end", i);
    if (t->kind[i] < QR_TOK_WORD || t->kind[i] >= QR_TOK_KIND_MAX)
      unit_fail(u, __FILE__, __LINE__, "token %zu has kind %d", i, t->kind[i]);
    /* only white space (ASCII here) lies between tokens */
    for (size_t b = prev_end; b < t->start[i]; b++)
      if (!is_space((unsigned char)text[b]) && (unsigned char)text[b] < 0x80)
        unit_fail(u, __FILE__, __LINE__, "byte %zu (%02x) is in no token", b,
                  (unsigned char)text[b]);
    prev_end = t->start[i] + t->len[i];
  }
  for (size_t b = prev_end; b < len; b++)
    if (!is_space((unsigned char)text[b]) && (unsigned char)text[b] < 0x80)
      unit_fail(u, __FILE__, __LINE__, "trailing byte %zu is in no token", b);
}

static void run_cases(unit *u, const qr_segmenter *seg, const char *path) {
  size_t n;
  char *data = unit_slurp(path, &n);
  unit_case(u, "read %s", path);
  if (!CHECK(u, data != NULL)) return;
  qr_tokens t = {0};
  qr_buf input = {0}, got = {0};
  int lineno = 0;
  for (char *line = data; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    lineno++;
    char *arrow = strstr(line, " => ");
    if (line[0] != '#' && line[0] && arrow) {
      unescape(line, (size_t)(arrow - line), &input);
      unit_case(u, "%s:%d: %s", path, lineno, line);
      qr_tokens_reset(&t);
      CHECK_INT(u, qr_tokenize(seg, input.data, input.len, &t), QR_OK);
      render(input.data, &t, &got);
      CHECK_STR(u, got.data, arrow + 4);
      check_invariants(u, input.data, input.len, &t);
    } else if (line[0] && line[0] != '#') {
      unit_case(u, "%s:%d: well-formed", path, lineno);
      unit_fail(u, __FILE__, __LINE__, "no ' => ' in the line");
    }
    line = nl ? nl + 1 : NULL;
  }
  qr_tokens_free(&t);
  qr_buf_free(&input);
  qr_buf_free(&got);
  free(data);
}

/* A deterministic generator for the robustness sweep (xorshift). */
static unsigned long long next_rand(unsigned long long *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void random_inputs(unit *u, const qr_segmenter *seg) {
  static const char *const pieces[] = {
    "a", "Z", "'", "\xE2\x80\x99", "s", "n't", ".", "..", "-", "--", " ", "\n", "\n\n", "http://",
    "www.", "@", "#", "1", "9", ",", ":", "/", "(", ")", "\"", "\xF0\x9F\x91\x8D", "\xEF\xB8\x8F",
    "\xFF", "\xC3", "\xE2\x80", "U.S.", "Mr.", "e-mail", "\xCC\x81", "\x00", "\t", "$", "%", ":)"};
  unsigned long long seed = 0x9E3779B97F4A7C15ULL;
  qr_tokens t = {0};
  qr_sentences s = {0};
  qr_buf text = {0};
  unit_case(u, "random inputs never break the invariants");
  for (int round = 0; round < 3000; round++) {
    qr_buf_reset(&text);
    int len = (int)(next_rand(&seed) % 40);
    for (int k = 0; k < len; k++) {
      const char *p = pieces[next_rand(&seed) % (sizeof pieces / sizeof *pieces)];
      qr_buf_append(&text, p, p[0] ? strlen(p) : 1);
    }
    if (!text.data) qr_buf_puts(&text, "");
    qr_tokens_reset(&t);
    qr_sentences_reset(&s);
    if (qr_tokenize(seg, text.data, text.len, &t) != QR_OK ||
        qr_split_sentences(seg, text.data, text.len, &t, 0, &s) != QR_OK) {
      unit_fail(u, __FILE__, __LINE__, "round %d failed", round);
      break;
    }
    check_invariants(u, text.data, text.len, &t);
    size_t covered = 0;
    for (size_t k = 0; k < s.n; k++) {
      if (s.first[k] != covered) unit_fail(u, __FILE__, __LINE__, "sentences leave a gap");
      covered = s.first[k] + s.count[k];
    }
    if (covered != t.n) unit_fail(u, __FILE__, __LINE__, "sentences miss tokens (round %d)", round);
    if (u->case_failed) break;
  }
  qr_tokens_free(&t);
  qr_sentences_free(&s);
  qr_buf_free(&text);
}

/* The fast path (byte masks over 4 KB windows) must give exactly the tokens
 * of the general rules: random text of words, tails, quotes, clitics,
 * abbreviations, fused forms, white space of every kind (runs longer than
 * a mask word too) and stray bytes, long enough to cross windows, and with
 * chunks longer than the 64 bytes a mask view holds. */
static void fast_path_matches_general(unit *u, const qr_segmenter *seg) {
  static const char *const pieces[] = {
    "word", "Word", "a", "I", "XD", "xD", "gonna", "cannot", "dont", "Don't", "it's", "it\xE2\x80\x99s",
    "students'", "O'Brien", "well-known", "re-elect", "UN-led", "yes--no", "a\xE2\x80\x94" "b", "Mr.",
    "U.S.", "etc.", "J.", "No.", "word.", "word,", "word;", "word:", "word!", "word?", "word.\"",
    "\"Word", "\xE2\x80\x9CWord,\xE2\x80\x9D", "(word)", "[1]", "...", "word...", "7,000", "3.5",
    "1990s", "42", "5pm", "http://x.org/a.", "a@b.com", "#tag", "@me", ":)", ";-)",
    "\xF0\x9F\x91\x8D", "caf\xC3\xA9", "\xC3", "\xFF", "\x01", "\x7F", "\x00", "\xC2\xA0",
    "\xE2\x80\xA8", " ", " ", " ", " ", "  ", "\t", "\r\n", "\n", "\n", "\n\n", " \n \n ", "\v", "\f",
    /* words in quotes and brackets, and what they must not take */
    "\xE2\x80\x98word\xE2\x80\x99", "\xE2\x80\x9CWord.\xE2\x80\x9D", "word?\xE2\x80\x9D", "(I)", "[word]",
    "\"XD", "\xE2\x80\x9CxD", "word:\xE2\x80\x9D", "word;\"", "students\xE2\x80\x99", "Mr.\xE2\x80\x9D",
    "(J.)", "\xE2\x80\x9CU.S.\xE2\x80\x9D", "word!\xE2\x80\x99", "(word", "word)", "\"Gonna,\"", "wink;)", "(xD",
    /* white space longer than a mask word, with one line break, and two */
    "                                    \n                                    ",
    "\n                                                                  \n "};
  unsigned long long seed = 0xD1B54A32D192ED03ULL;
  qr_tokens fast = {0}, slow = {0};
  qr_buf text = {0};
  unit_case(u, "the fast path gives the general rules' tokens");
  for (int round = 0; round < 600 && !u->case_failed; round++) {
    qr_buf_reset(&text);
    size_t want = (size_t)(next_rand(&seed) % (round % 3 == 0 ? 20000 : 600));
    /* the first 64 rounds: a regular text shifted byte by byte, so that
     * every kind of byte falls on the end of a window and of a mask word */
    if (round < 64) {
      static const char *const line[] = {"word ", "it's  ", "Hi, ", "\n", "x\n\n"};
      for (int k = 0; k < round; k++) qr_buf_putc(&text, 'a');
      for (int k = 0; text.len < 9000; k++) qr_buf_puts(&text, line[k % 7 < 5 ? 0 : k % 5]);
    }
    while (text.len < want) {
      const char *p = pieces[next_rand(&seed) % (sizeof pieces / sizeof *pieces)];
      if (next_rand(&seed) % 97 == 0) {   /* now and then a chunk longer than a view */
        size_t n = 60 + next_rand(&seed) % 5000;
        for (size_t k = 0; k < n; k++) qr_buf_putc(&text, (char)('a' + k % 26));
      }
      qr_buf_append(&text, p, p[0] ? strlen(p) : 1);
    }
    if (!text.data) qr_buf_puts(&text, "");
    qr_tokens_reset(&fast);
    qr_tokens_reset(&slow);
    CHECK_INT(u, qr_tokenize(seg, text.data, text.len, &fast), QR_OK);
    CHECK_INT(u, qr_tokenize_general(seg, text.data, text.len, &slow), QR_OK);
    if (fast.n != slow.n) {
      unit_fail(u, __FILE__, __LINE__, "round %d: %zu tokens, the general rules %zu", round,
                fast.n, slow.n);
      break;
    }
    for (size_t k = 0; k < fast.n; k++) {
      if (fast.start[k] != slow.start[k] || fast.len[k] != slow.len[k] ||
          fast.kind[k] != slow.kind[k] || fast.flags[k] != slow.flags[k] ||
          fast.split[k] != slow.split[k]) {
        unit_fail(u, __FILE__, __LINE__,
                  "round %d, token %zu at %u: fast %u+%u kind %u flags %u split %u, "
                  "general %u+%u kind %u flags %u split %u", round, k, slow.start[k],
                  fast.start[k], fast.len[k], fast.kind[k], fast.flags[k], fast.split[k],
                  slow.start[k], slow.len[k], slow.kind[k], slow.flags[k], slow.split[k]);
        break;
      }
    }
  }
  qr_tokens_free(&fast);
  qr_tokens_free(&slow);
  qr_buf_free(&text);
}

/* Invalid bytes stay where they are: a run of them is a symbol token, a
 * stray one inside a word stays in the word (a Latin-1 "caf\xE9"); both are
 * flagged, and the offsets after them are right. */
static void invalid_utf8(unit *u, const qr_segmenter *seg) {
  unit_case(u, "invalid UTF-8 keeps offsets");
  const char text[] = "ab \xFF\xFE cd\xC3 ef";
  qr_tokens t = {0};
  CHECK_INT(u, qr_tokenize(seg, text, sizeof text - 1, &t), QR_OK);
  CHECK_INT(u, t.n, 4);
  if (t.n == 4) {
    CHECK_INT(u, t.start[1], 3);
    CHECK_INT(u, t.len[1], 2);
    CHECK_INT(u, t.kind[1], QR_TOK_SYMBOL);
    CHECK(u, t.flags[1] & QR_TF_BAD_UTF8);
    CHECK_INT(u, t.start[2], 6);
    CHECK_INT(u, t.len[2], 3);
    CHECK_INT(u, t.kind[2], QR_TOK_WORD);
    CHECK(u, t.flags[2] & QR_TF_BAD_UTF8);
    CHECK(u, !(t.flags[3] & QR_TF_BAD_UTF8));
    CHECK_INT(u, t.start[3], 10);
  }
  qr_tokens_free(&t);
}

static void kinds(unit *u, const qr_segmenter *seg) {
  static const struct { const char *text; const char *kinds; } cases[] = {
    {"word 7,000 , $ http://x.org a@b.com #tag @me \xF0\x9F\x98\x80 :)",
     "word number punct symbol url email hashtag mention emoji emoji"},
    {"20th 1990s 3.5", "number number number"},
    /* ellipses of every form are their own kind; a period, a run of
     * other terminators and the spaced form (three periods) are marks */
    {"so... well.... ok.. no\xE2\x80\xA6 yes . . . go. why?!", "word ellipsis word ellipsis word "
     "ellipsis word ellipsis word punct punct punct word punct word punct"},
    {NULL, NULL}};
  qr_tokens t = {0};
  qr_buf got = {0};
  for (int i = 0; cases[i].text; i++) {
    unit_case(u, "kinds of: %s", cases[i].text);
    qr_tokens_reset(&t);
    qr_buf_reset(&got);
    qr_tokenize(seg, cases[i].text, strlen(cases[i].text), &t);
    for (size_t k = 0; k < t.n; k++) {
      if (k) qr_buf_putc(&got, ' ');
      qr_buf_puts(&got, qr_token_kind_name(t.kind[k]));
    }
    CHECK_STR(u, got.data ? got.data : "", cases[i].kinds);
  }
  qr_tokens_free(&t);
  qr_buf_free(&got);
}

/* Abbreviations added at run time, and the lexicon file format's errors. */
static void abbreviations(unit *u) {
  qr_segmenter *seg = qr_segmenter_new();
  qr_tokens t = {0};
  unit_case(u, "an added abbreviation keeps its period");
  qr_tokenize(seg, "Ref Sgt. X", 10, &t);
  CHECK_INT(u, t.n, 3);
  qr_tokens_reset(&t);
  qr_tokenize(seg, "the Zrx. Y", 10, &t);
  CHECK_INT(u, t.n, 4);
  CHECK_INT(u, qr_segmenter_add_abbrev(seg, "Zrx.", 4, QR_ABBR_TITLE), QR_OK);
  qr_tokens_reset(&t);
  qr_tokenize(seg, "the Zrx. Y", 10, &t);
  CHECK_INT(u, t.n, 3);
  unit_case(u, "lexicon errors name the line");
  qr_error err = {0};
  const char bad[] = "Abc. title\nXyz. sometimes\n";
  CHECK_INT(u, qr_segmenter_load_abbrevs(seg, bad, sizeof bad - 1, "my.txt", &err), QR_EDATA);
  CHECK_STR(u, err.msg,
            "my.txt:2: unknown abbreviation class 'sometimes' (expected plain, title, number or "
            "final, then optionally exact)");
  const char inexact[] = "Abc. title exactly\n";
  CHECK_INT(u, qr_segmenter_load_abbrevs(seg, inexact, sizeof inexact - 1, "my.txt", &err),
            QR_EDATA);
  CHECK_STR(u, err.msg,
            "my.txt:1: unknown abbreviation class 'title exactly' (expected plain, title, number "
            "or final, then optionally exact)");
  const char nodot[] = "# comment\nAbc\n";
  CHECK_INT(u, qr_segmenter_load_abbrevs(seg, nodot, sizeof nodot - 1, "x", &err), QR_EDATA);
  CHECK_STR(u, err.msg, "x:2: abbreviation 'Abc' must end with a period");
  qr_tokens_free(&t);
  qr_segmenter_free(seg);
}

int main(void) {
  unit u = {0};
  qr_segmenter *seg = qr_segmenter_new();
  run_cases(&u, seg, "tests/data/tokenizer.cases");
  random_inputs(&u, seg);
  fast_path_matches_general(&u, seg);
  invalid_utf8(&u, seg);
  kinds(&u, seg);
  abbreviations(&u);
  qr_segmenter_free(seg);
  return unit_finish(&u);
}
