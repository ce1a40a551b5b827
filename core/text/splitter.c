/* splitter.c — sentence boundaries from rules over the token stream.
 *
 * A boundary falls before a token when:
 *  - a blank line precedes it (a new paragraph);
 *  - a line break precedes it and line breaks end sentences in this text:
 *    always when lines are paragraphs (news, web text: some line is long),
 *    and in hard-wrapped text (books: all lines short) only after a short
 *    line, such as a heading or the last line of a paragraph;
 *  - it follows a terminator (. ! ? … or a run of them), with any closing
 *    quotes and brackets that belong to the sentence, and it looks like the
 *    start of a sentence (see starts_sentence);
 *  - it follows an abbreviation that may end a sentence (etc., U.S.) and is a
 *    frequent sentence starter ("...in the U.S. He said"). */
#include <stdlib.h>
#include <string.h>

#include "quarry/utf8.h"
#include "text/segmenter.h"

typedef struct splitctx {
  const qr_segmenter *seg;
  const unsigned char *s;
  size_t n;
  const qr_tokens *t;
  int wrapped;        /* hard-wrapped text: line breaks are mostly spaces */
  size_t wrap_width;  /* the longest line, in bytes */
} splitctx;

static int32_t first_cp(const splitctx *c, size_t i, qr_cclass *cls) {
  int32_t cp;
  size_t st = c->t->start[i];
  qr_utf8_decode(c->s + st, c->n - st, &cp);
  *cls = qr_char_class(cp);
  return cp;
}

static int is_opening(int32_t cp) {
  return cp == '"' || cp == '\'' || cp == '(' || cp == '[' || cp == '{' || cp == 0x201C ||
         cp == 0x2018 || cp == 0x00AB || cp == '`' || cp == 0x00BF || cp == 0x00A1 || cp == '*' ||
         cp == '-' || cp == 0x2013 || cp == 0x2014;
}

/* Closing characters that stay with the sentence before them. */
static int is_closing(int32_t cp) {
  return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '}' || cp == 0x201D ||
         cp == 0x2019 || cp == 0x00BB || cp == 0x203A;
}

static int tok_is(const splitctx *c, size_t i, const char *lit) {
  size_t n = strlen(lit);
  return c->t->len[i] == n && memcmp(c->s + c->t->start[i], lit, n) == 0;
}

/* Does token i look like the first token of a sentence? strict: only a
 * frequent sentence starter, a number-free capitalised function word, or an
 * opening quote before one (used after abbreviations and initials). */
static int starts_sentence(const splitctx *c, size_t i, int strict) {
  const qr_tokens *t = c->t;
  qr_cclass cls;
  int32_t cp = first_cp(c, i, &cls);
  if (t->flags[i] & QR_TF_CLITIC) return 0;
  if (strict) {
    size_t k = i;
    if (is_opening(cp) && k + 1 < t->n) k++;   /* "He ... */
    return qr_segmenter_is_starter(c->seg, (const char *)c->s + t->start[k], t->len[k]);
  }
  if (cls == QR_CC_UPPER || cls == QR_CC_DIGIT || cls == QR_CC_LETTER) return 1;
  if (cls == QR_CC_LOWER) return 0;
  if (is_opening(cp)) {
    if (i + 1 >= t->n) return 1;
    qr_cclass c2;
    first_cp(c, i + 1, &c2);
    return c2 != QR_CC_LOWER;
  }
  /* symbols, emoji, bullets: a new sentence unless it is punctuation that
   * continues one (a comma, a closing bracket) */
  return !(cp == ',' || cp == ';' || cp == ':' || cp == ')' || cp == ']' || cp == '%' ||
           cp == '.' || cp == '!' || cp == '?');
}

/* Is the token a sentence terminator: . ! ? … or a run of them? */
static int is_terminal(const splitctx *c, size_t i) {
  return (c->t->flags[i] & QR_TF_TERMINAL) != 0;
}

/* The length of the line that ends just before byte offset pos (a line break
 * lies between them), white space excluded. */
static size_t prev_line_length(const splitctx *c, size_t pos) {
  size_t e = pos;
  while (e > 0 && c->s[e - 1] != '\n') e--;    /* back to the break */
  if (e == 0) return 0;
  e--;                                          /* the line ends here */
  while (e > 0 && (c->s[e - 1] == ' ' || c->s[e - 1] == '\t' || c->s[e - 1] == '\r')) e--;
  size_t b = e;
  while (b > 0 && c->s[b - 1] != '\n') b--;
  return e - b;
}

/* Hard-wrapped text has no long line and several lines of similar length. */
static void measure_lines(splitctx *c) {
  size_t longest = 0, full = 0, lines = 0, i = 0;
  while (i < c->n) {
    const unsigned char *nl = memchr(c->s + i, '\n', c->n - i);
    size_t e = nl ? (size_t)(nl - c->s) : c->n;
    size_t l = e - i;
    if (l > longest) longest = l;
    if (l >= 50) full++;
    if (l > 0) lines++;
    i = e + 1;
  }
  c->wrap_width = longest;
  c->wrapped = longest <= 100 && full >= 2 && full * 3 >= lines;
}

/* Does a line break before token i end the sentence? */
static int newline_breaks(const splitctx *c, size_t i) {
  if (!c->wrapped) return 1;
  size_t prev = prev_line_length(c, c->t->start[i]);
  qr_cclass cls;
  int32_t cp = first_cp(c, i, &cls);
  if (cls == QR_CC_LOWER) return 0;
  (void)cp;
  return prev * 10 < c->wrap_width * 6;
}

static qr_status push(qr_sentences *out, size_t first, size_t count, int flags) {
  if (out->n == out->cap) {
    size_t c1 = out->cap, c2 = out->cap;
    if (qr_grow((void **)&out->first, &c1, out->n + 1, sizeof *out->first) ||
        qr_grow((void **)&out->count, &c2, out->n + 1, sizeof *out->count))
      return QR_ENOMEM;
    size_t c3 = out->cap;
    if (qr_grow((void **)&out->flags, &c3, out->n + 1, 1)) return QR_ENOMEM;
    out->cap = c1;
  }
  out->first[out->n] = (uint32_t)first;
  out->count[out->n] = (uint32_t)count;
  out->flags[out->n] = (uint8_t)flags;
  out->n++;
  return QR_OK;
}

/* After terminal token j (and its closers up to k-1), does a sentence start at
 * token k? */
static int boundary_after(const splitctx *c, size_t j, size_t k) {
  const qr_tokens *t = c->t;
  if (t->kind[j] == QR_TOK_WORD && (t->flags[j] & QR_TF_ABBREV)) {
    size_t st = t->start[j], len = t->len[j];
    int cls = qr_segmenter_abbrev(c->seg, (const char *)c->s + st, len);
    if (cls == QR_ABBR_TITLE) return 0;
    if (cls == QR_ABBR_NUMBER && t->kind[k] == QR_TOK_NUMBER) return 0;
    return starts_sentence(c, k, 1);
  }
  if (tok_is(c, j, "...") || tok_is(c, j, "\xE2\x80\xA6")) {
    qr_cclass cls;
    first_cp(c, k, &cls);
    return cls == QR_CC_UPPER && starts_sentence(c, k, 0);
  }
  return starts_sentence(c, k, 0);
}

/* How many tokens from k stay with the sentence that the terminator before
 * them ends: a closing quote or bracket, a further terminator, or a footnote
 * marker ("...in 1971. [1] Fillmore"); 0 when token k starts something new. */
static size_t absorbs(const splitctx *c, size_t k) {
  const qr_tokens *t = c->t;
  if (t->flags[k] & QR_TF_NEWLINE_BEFORE) return 0;
  int attached = !(t->flags[k] & QR_TF_SPACE_BEFORE);
  if (is_terminal(c, k)) return attached;
  qr_cclass cls;
  int32_t cp = first_cp(c, k, &cls);
  if (cp == '[') {
    /* [1], [2, 3], [4-6]: numbers, commas and dashes up to a ] */
    for (size_t j = k + 1; j < t->n && j < k + 8; j++) {
      if (t->flags[j] & QR_TF_NEWLINE_BEFORE) return 0;
      int32_t cj = first_cp(c, j, &cls);
      if (cj == ']') return j > k + 1 ? j - k + 1 : 0;
      if (t->kind[j] != QR_TOK_NUMBER && cj != ',' && cj != '-' && cj != 0x2013) return 0;
    }
    return 0;
  }
  return is_closing(cp) && t->len[k] <= 3 && (attached || cp == 0x201D || cp == ')');
}

#define NONE ((size_t)-1)

qr_status qr_split_sentences(const qr_segmenter *seg, const char *text, size_t len,
                             const qr_tokens *toks, size_t first, qr_sentences *out) {
  splitctx c = {seg, (const unsigned char *)text, len, toks, 0, 0};
  if (first >= toks->n) return QR_OK;
  measure_lines(&c);
  size_t start = first;
  int sflags = QR_SF_PARA_START;
  /* term: the terminator (or abbreviation) that may end the current sentence,
   * while its closing quotes and brackets are being absorbed */
  size_t term = (is_terminal(&c, first) || (toks->flags[first] & QR_TF_ABBREV)) ? first : NONE;
  for (size_t i = first + 1; i < toks->n; i++) {
    uint8_t f = toks->flags[i];
    if (f & QR_TF_CLITIC) {   /* never splits a surface token */
      term = NONE;
      continue;
    }
    int brk = 0, para = 0;
    if (f & QR_TF_PARA_BEFORE) brk = para = 1;
    else if ((f & QR_TF_NEWLINE_BEFORE) && newline_breaks(&c, i)) brk = 1;
    else if (term != NONE) {
      size_t n = absorbs(&c, i);
      if (n) {
        if (is_terminal(&c, i)) term = i;
        i += n - 1;
        continue;
      }
      brk = boundary_after(&c, term, i);
    }
    if (brk) {
      int hl = term == NONE && (para || (f & QR_TF_NEWLINE_BEFORE));
      qr_status rc = push(out, start, i - start, sflags | (hl ? QR_SF_HEADLINE : 0));
      if (rc) return rc;
      start = i;
      sflags = para ? QR_SF_PARA_START : 0;
    }
    term = (is_terminal(&c, i) || (f & QR_TF_ABBREV)) ? i : NONE;
  }
  int hl = term == NONE && (start == first || (toks->flags[start] & QR_TF_NEWLINE_BEFORE));
  return push(out, start, toks->n - start, sflags | (hl ? QR_SF_HEADLINE : 0));
}

void qr_sentences_reset(qr_sentences *s) { s->n = 0; }

void qr_sentences_free(qr_sentences *s) {
  free(s->first);
  free(s->count);
  free(s->flags);
  memset(s, 0, sizeof *s);
}
