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
#include "text/bytemask.h"
#include "text/segmenter.h"
#include "text/sentmodel.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define MAX_MARKS 256

typedef struct splitctx {
  const qr_segmenter *seg;
  const unsigned char *s;
  size_t n;
  const qr_tokens *t;
  int wrapped;        /* hard-wrapped text: line breaks are mostly spaces */
  size_t wrap_width;  /* the longest line, in bytes */
} splitctx;

/* The tokens that may mark a list's item (find_marks, for inline_lists): in
 * local, then (past MAX_MARKS) in a malloc'ed array; when that fails,
 * overflow says so and every token is looked at. Apart from splitctx, which
 * the rules' loop reads at every token. */
typedef struct marklist {
  size_t *marks, local[MAX_MARKS];
  size_t nmarks, marks_cap;
  int overflow;
} marklist;

static inline int32_t first_cp(const splitctx *c, size_t i, qr_cclass *cls) {
  size_t st = c->t->start[i];
  unsigned b = c->s[st];
  if (b < 0x80) {   /* ASCII: no need to ask utf8proc */
    *cls = b >= 'A' && b <= 'Z' ? QR_CC_UPPER : b >= 'a' && b <= 'z' ? QR_CC_LOWER
           : b >= '0' && b <= '9' ? QR_CC_DIGIT : QR_CC_PUNCT;
    return (int32_t)b;
  }
  int32_t cp;
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

/* Is token i the n bytes at lit? TOK_IS for a string literal. */
static inline int tok_eq(const splitctx *c, size_t i, const char *lit, size_t n) {
  return c->t->len[i] == n && memcmp(c->s + c->t->start[i], lit, n) == 0;
}
#define TOK_IS(c, i, lit) tok_eq((c), (i), "" lit, sizeof(lit) - 1)

static int tok_is(const splitctx *c, size_t i, const char *lit) {
  return tok_eq(c, i, lit, strlen(lit));
}

/* Is token i the mark of a postscript: P.S., PS, PPS, P.P.S. (and the
 * dotted forms in small letters)? Both treebanks agree on what a postscript
 * does to sentences (EWT and GUM train: a sentence starts at the mark 11
 * times in 11, and it goes on after the mark 12 times in 13): "Cheers, Chris |
 * P.S. I am moving back", "Rob | PS -- There is a happy hour". */
static int postscript_at(const splitctx *c, size_t i) {
  const unsigned char *s = c->s + c->t->start[i];
  size_t n = c->t->len[i];
  if (n < 2 || n > 6 || (s[0] != 'P' && s[0] != 'p') || c->t->kind[i] != QR_TOK_WORD) return 0;
  if (s[0] == 'P' && (TOK_IS(c, i, "PS") || TOK_IS(c, i, "PPS"))) return 1;
  return TOK_IS(c, i, "P.S.") || TOK_IS(c, i, "P.S") || TOK_IS(c, i, "P.P.S.") ||
         TOK_IS(c, i, "P.P.S") || TOK_IS(c, i, "p.s.") || TOK_IS(c, i, "p.p.s.");
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
  /* a link after a terminator is a sentence of its own (EWT and GUM train:
   * 24 times in 26) */
  if (t->kind[i] == QR_TOK_URL) return 1;
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

/* Is kind k punctuation: a mark, or an ellipsis (a kind of its own for the
 * user, a mark like any other to the rules)? */
static inline int mark_kind(unsigned k) { return k == QR_TOK_PUNCT || k == QR_TOK_ELLIPSIS; }

/* Hard-wrapped text (a book, a mail, a text file cut at 45 to 100 columns)
 * has most of its lines about as long as its wrap width, which is the length
 * 90% of its lines do not pass: a few longer lines (a URL, a table row) do
 * not make it unwrapped. The line lengths go into a histogram (longer than
 * 127 bytes: one bucket), which is all the pass needs. */
static void measure_lines(splitctx *c) {
  unsigned hist[129] = {0};
  size_t lines = 0, from = 0, i = 0;
  /* lines of books are short: a look at 16 bytes at a time for their line
   * breaks costs less than a call to find each one */
#define LINE_ENDS_AT(e)                      \
  do {                                       \
    size_t l_ = (e) - from;                  \
    if (l_ > 0) {                            \
      hist[l_ < 128 ? l_ : 128]++;           \
      lines++;                               \
    }                                        \
    from = (e) + 1;                          \
  } while (0)
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  for (; i + 16 <= c->n; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(c->s + i));
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
    for (; m; m &= m - 1) LINE_ENDS_AT(i + (size_t)__builtin_ctz(m));
  }
#endif
  for (; i < c->n; i++)
    if (c->s[i] == '\n') LINE_ENDS_AT(i);
  if (from < c->n) LINE_ENDS_AT(c->n);   /* the last line, without a line break */
#undef LINE_ENDS_AT
  size_t width = 0, below = 0;
  while (width < 128 && (below + hist[width]) * 10 < lines * 9) below += hist[width++];
  size_t full = 0;
  for (size_t l = width * 6 / 10; l <= 128; l++) full += hist[l];
  c->wrap_width = width;
  c->wrapped = width >= 20 && width <= 100 && full >= 2 && full * 2 >= lines;
}

/* Is s[a, e), a line, a row of a table laid out with white space: two
 * columns' gaps at least (a tab, or two spaces or more between words, not
 * after a sentence's end: "end.  Next" is no gap)? "Ann     34    Paris" */
static int table_row(const unsigned char *s, size_t a, size_t e) {
  /* most lines have neither two spaces together nor a tab: eight bytes at
   * a time (a step of seven, so that a pair across two loads is seen) */
  const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  int any = 0;
  size_t q = a;
  for (; q + 8 <= e && !any; q += 7) {
    uint64_t v;
    memcpy(&v, s + q, 8);
    uint64_t sp = v ^ (ones * ' '), tab = v ^ (ones * '\t');
    uint64_t zs = (sp - ones) & ~sp & highs, zt = (tab - ones) & ~tab & highs;
    any = (zs & (zs >> 8)) || zt;
  }
  for (; q + 1 < e && !any; q++) any = s[q] == '\t' || (s[q] == ' ' && s[q + 1] == ' ');
  if (!any) return 0;
  size_t gaps = 0;
  for (size_t k = a + 1; k + 1 < e; k++) {
    if (s[k] != '\t' && !(s[k] == ' ' && s[k + 1] == ' ')) continue;
    size_t g = k;
    while (g < e && (s[g] == ' ' || s[g] == '\t')) g++;
    unsigned char b = s[k - 1];
    if (g < e && b != ' ' && b != '\t' && b != '.' && b != '!' && b != '?' && b != ':' && b != ';')
      gaps++;
    k = g;
  }
  return gaps >= 2;
}

/* Does a line break before token i end the sentence? The line before it
 * starts at byte from, and is prev bytes long from its first token to its
 * last. */
static int newline_breaks(const splitctx *c, size_t i, size_t from, size_t prev) {
  qr_cclass cls;
  first_cp(c, i, &cls);
  if (cls == QR_CC_LOWER && !(c->t->flags[i - 1] & QR_TF_TERMINAL)) return 0;
  if (!c->wrapped) return 1;
  if (cls == QR_CC_LOWER) return 0;
  /* a line that ends in a link, before a capital: the link ended the
   * sentence ("See the report at http://a.org/r.pdf | The figures ...")
   * whatever the line's length (a link is not cut where a line wraps) */
  if (c->t->kind[i - 1] == QR_TOK_URL) return 1;
  if (prev * 10 < c->wrap_width * 6) return 1;
  /* after a row of a table, each a sentence (the header's line, and each
   * row after it, ends with its row) */
  return table_row(c->s, from, from + prev);
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

/* Is s[0, n) ASCII letters only? */
static int letters_only(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')) return 0;
  return 1;
}

/* Is token j the a.m. or p.m. of a time ("5:30 P.M.", "9 a.m.")? */
static int clock_suffix(const splitctx *c, size_t j) {
  const qr_tokens *t = c->t;
  if (j == 0 || t->len[j] != 4 || t->kind[j - 1] != QR_TOK_NUMBER) return 0;
  const unsigned char *w = c->s + t->start[j];
  return ((w[0] | 0x20) == 'a' || (w[0] | 0x20) == 'p') && w[1] == '.' && (w[2] | 0x20) == 'm' &&
         w[3] == '.';
}

/* After terminal token j (and its closers up to k-1), does a sentence start at
 * token k? GAP_YES or GAP_NO, or GAP_NEVER where the rules are sure that the
 * sentence goes on and the model must not add a boundary. */
static int boundary_after(const splitctx *c, size_t j, size_t k) {
  const qr_tokens *t = c->t;
  /* a postscript goes on after its mark: "P.S. | I am", "PS. | Love the" */
  if ((c->s[t->start[j]] | 0x20) == 'p' ? postscript_at(c, j)
      : j > 0 && TOK_IS(c, j, ".") && !(t->flags[j] & QR_TF_SPACE_BEFORE) && postscript_at(c, j - 1))
    return GAP_NEVER;
  /* a verb of saying goes with the quotation before it: “Why?” Betty asked;
   * Hundreds of millions? thought Chalmers. */
  unsigned char k0 = c->s[t->start[k]];
  if (k0 >= 'a' && k0 <= 'z' &&
      qr_segmenter_is_speech_verb(c->seg, (const char *)c->s + t->start[k], t->len[k]))
    return GAP_NEVER;
  /* ... and so do a name and a verb of saying after a question or an
   * exclamation: “Why?” Betty asked the coachman. A quoted sentence closed
   * by a period has ended, and what follows it too: "We lost it." Mona said
   * she had tried (EWT and GUM: 7 times in 7; after ? or !, the
   * attribution goes on 15 times in 18) */
  if (k > j + 1 && k + 1 < t->n && !(t->flags[k + 1] & QR_TF_NEWLINE_BEFORE) &&
      !TOK_IS(c, j, ".")) {
    qr_cclass cls;
    int32_t q = first_cp(c, k - 1, &cls);
    if ((q == 0x201D || q == '"' || q == 0x2019 || q == '\'') &&
        qr_segmenter_is_speech_verb(c->seg, (const char *)c->s + t->start[k + 1], t->len[k + 1]))
      return GAP_NEVER;
  }
  if (t->kind[j] == QR_TOK_WORD && (t->flags[j] & QR_TF_ABBREV)) {
    size_t st = t->start[j], len = t->len[j];
    int cls = qr_segmenter_abbrev(c->seg, (const char *)c->s + st, len);
    if (cls == QR_ABBR_TITLE) return GAP_NO;
    if (cls == QR_ABBR_NUMBER && t->kind[k] == QR_TOK_NUMBER) return GAP_NO;
    /* a word of letters the lexicon lacks kept its period for what follows
     * it (a number, a bracket, a small word: the tokenizer's
     * unknown_abbrev): an abbreviation inside its sentence, "9th Cir. 1999" */
    if (!cls && len >= 3 && letters_only(c->s + st, len - 1)) return GAP_NO;
    /* after a time's a.m. or p.m., a title and its name: "... ended at 5:30
     * P.M. | Mr. Smith left" (in UD a capital after a time starts a
     * sentence 169 times in 187; "at 5 p.m. Friday" goes on) */
    if (clock_suffix(c, j) && (t->flags[k] & QR_TF_ABBREV) &&
        qr_segmenter_abbrev(c->seg, (const char *)c->s + t->start[k], t->len[k]) == QR_ABBR_TITLE)
      return GAP_YES;
    /* after etc., as after a period, any capital: "... Skype rings, etc.
     * Anything that ..." (UD: 28 times in 29) */
    return starts_sentence(c, k, cls != QR_ABBR_FINAL) ? GAP_YES : GAP_NO;
  }
  if (TOK_IS(c, j, "...") || TOK_IS(c, j, "\xE2\x80\xA6")) {
    /* an ellipsis after a sentence's end opens the next one, on the same
     * line: "You've all won! ... Now comes the hard part" (EWT train: 5 times
     * in 7) */
    if (k == j + 1 && j > 0 && is_terminal(c, j - 1) && (t->flags[j] & QR_TF_SPACE_BEFORE) &&
        !(t->flags[k] & QR_TF_NEWLINE_BEFORE))
      return GAP_NO;
    qr_cclass cls;
    first_cp(c, k, &cls);
    return cls == QR_CC_UPPER && starts_sentence(c, k, 0) ? GAP_YES : GAP_NO;
  }
  return starts_sentence(c, k, 0) ? GAP_YES : GAP_NO;
}

/* How many tokens from k stay with the sentence that the terminator before
 * them ends: a closing quote or bracket, a further terminator, or a footnote
 * marker ("...in 1971. [1] Fillmore"), an emoticon; 0 when token k starts
 * something new. */
static size_t absorbs(const splitctx *c, size_t k) {
  const qr_tokens *t = c->t;
  if (t->flags[k] & QR_TF_NEWLINE_BEFORE) return 0;
  int attached = !(t->flags[k] & QR_TF_SPACE_BEFORE);
  if (is_terminal(c, k)) return attached;
  /* an emoticon or emoji after the terminator closes the sentence too:
   * "See you soon! :)" */
  if (t->kind[k] == QR_TOK_EMOJI) return 1;
  qr_cclass cls;
  int32_t cp = first_cp(c, k, &cls);
  if (cp == '[') {
    /* [...] or […], the mark of words left out of a quotation, ends the
     * sentence it follows: it never starts one */
    if (k + 2 < t->n && (TOK_IS(c, k + 1, "...") || TOK_IS(c, k + 1, "\xE2\x80\xA6")) &&
        TOK_IS(c, k + 2, "]") && !(t->flags[k + 1] & QR_TF_SPACE_BEFORE) &&
        !(t->flags[k + 2] & QR_TF_SPACE_BEFORE))
      return 3;
    /* [1], [2, 3], [4-6]: numbers, commas and dashes up to a ]; or an
     * editor's note in small words: [citation needed], [better source
     * needed] */
    int words = k + 1 < t->n && t->kind[k + 1] == QR_TOK_WORD;
    for (size_t j = k + 1; j < t->n && j < k + 8; j++) {
      if (t->flags[j] & QR_TF_NEWLINE_BEFORE) return 0;
      int32_t cj = first_cp(c, j, &cls);
      if (cj == ']') return j > k + 1 ? j - k + 1 : 0;
      if (words ? t->kind[j] != QR_TOK_WORD || cls != QR_CC_LOWER
                : t->kind[j] != QR_TOK_NUMBER && cj != ',' && cj != '-' && cj != 0x2013)
        return 0;
    }
    return 0;
  }
  /* one character, or two closing single quotes written for a double (’’) */
  int one = t->len[k] <= 3 || (t->len[k] == 6 && cp == 0x2019);
  return is_closing(cp) && one && (attached || cp == 0x201D || cp == ')');
}

#define NONE ((size_t)-1)

/* Is token i a dash that can break off an utterance (-- --- — –)? A single
 * hyphen joins compounds and ranges, and is left out. */
static int is_dash(const splitctx *c, size_t i) {
  unsigned char c0 = c->s[c->t->start[i]];
  if (c0 != '-' && c0 != 0xE2) return 0;   /* most punctuation */
  return TOK_IS(c, i, "--") || TOK_IS(c, i, "---") || TOK_IS(c, i, "\xE2\x80\x94") ||
         TOK_IS(c, i, "\xE2\x80\x93");
}

/* Is token i made of * = _ - ~ # + only (or of those and |, or a lone >,
 * when table is set: the borders of a table drawn in text, "|-----+--->")?
 * Returns its length, or 0. */
static size_t drawn_at(const splitctx *c, size_t i, int table) {
  const unsigned char *s = c->s + c->t->start[i];
  size_t n = c->t->len[i];
  if (!mark_kind(c->t->kind[i]) && c->t->kind[i] != QR_TOK_SYMBOL) return 0;
  for (size_t k = 0; k < n; k++)
    if (!(s[k] == '*' || s[k] == '=' || s[k] == '_' || s[k] == '-' || s[k] == '~' ||
          s[k] == '#' || s[k] == '+' || (table && s[k] == '|')))
      return table && n == 1 && s[0] == '>';   /* a border's corner, not >> */
  return n;
}

/* Is token i a ruler: eight bytes or more of * = _ - ~ # + (a mail's
 * signature line, a separator drawn inside a paragraph)? A run of
 * underscores under sixteen is more often a blank to fill in ("I will
 * attend _______"), and one that starts with + a grade ("A ++++++++"). */
static int ruler_at(const splitctx *c, size_t i) {
  size_t n = drawn_at(c, i, 0);
  unsigned char c0 = c->s[c->t->start[i]];
  return c0 != '+' && (n >= 16 || (n >= 8 && c0 != '_'));
}

/* Is the ruler at token r one of a pair that wraps a few words on its line,
 * "********** NOTE **********": another ruler within four tokens on the
 * same side (dir -1 or +1), no line break between? */
static int ruler_pair(const splitctx *c, size_t r, int dir, size_t first) {
  const qr_tokens *t = c->t;
  for (size_t k = 1; k <= 4; k++) {
    size_t j = dir > 0 ? r + k : r - k;
    if (dir > 0 ? j >= t->n : r < first + k) return 0;
    if (t->flags[dir > 0 ? j : j + 1] & QR_TF_NEWLINE_BEFORE) return 0;
    if (ruler_at(c, j)) return 1;
  }
  return 0;
}

/* A ruler inside a paragraph is a sentence of its own (EWT train: 33 times
 * in 40 for those of eight bytes or more; GUM has none): a boundary at the
 * gap before token i when i is a ruler or follows one. Not when the ruler
 * wraps words ("*** update ***") or the token beside it is drawn too (a
 * table's border, "------- -----"). Only where no terminator ends the
 * sentence before the gap: after one, the treebanks disagree (EWT train
 * starts a sentence at the ruler 11 times in 11, EWT dev 0 times in 3), and
 * the ruler stays where the terminator's rules put it. */
static int ruler_gap(const splitctx *c, size_t i, size_t first) {
  if (ruler_at(c, i - 1))
    return !drawn_at(c, i, 1) && !ruler_pair(c, i - 1, +1, first);
  return ruler_at(c, i) && !drawn_at(c, i - 1, 1) && !ruler_pair(c, i, -1, first);
}

/* Is token i a number of one or two digits (a list item's number)? */
static int small_number(const splitctx *c, size_t i) {
  const unsigned char *s = c->s + c->t->start[i];
  size_t n = c->t->len[i];
  return c->t->kind[i] == QR_TOK_NUMBER && n <= 2 && s[0] >= '0' && s[0] <= '9' &&
         (n == 1 || (s[1] >= '0' && s[1] <= '9'));
}

/* Is token i a section's number: 2.1, 4.1.3 (groups of one or two digits)? */
static int section_number(const splitctx *c, size_t i) {
  const unsigned char *s = c->s + c->t->start[i];
  size_t n = c->t->len[i], run = 0, dots = 0;
  if (c->t->kind[i] != QR_TOK_NUMBER || n > 11) return 0;
  for (size_t k = 0; k < n; k++) {
    if (s[k] >= '0' && s[k] <= '9') {
      if (++run > 2) return 0;
    } else if (s[k] == '.' && run > 0) {
      run = 0;
      dots++;
    } else {
      return 0;
    }
  }
  return run > 0 && dots >= 1;
}

/* Is the terminator at token j the period of an inline list item's number,
 * "... the LOI. 3. I expect ..."? The number follows a boundary of the
 * rules (or, for the first item, a colon) and the period is attached to it;
 * the item's sentence starts at the number, not after its period (UD EWT
 * and GUM agree, 57 times in 60). gaps[k] is the gap before token first + k.
 * Sets the gap before the number of a first item after a colon. */
static int list_item(const splitctx *c, size_t j, uint8_t *restrict gaps, size_t first, size_t k) {
  const qr_tokens *t = c->t;
  if (j < first + 1 || !TOK_IS(c, j, ".") || (t->flags[j] & QR_TF_SPACE_BEFORE)) return 0;
  size_t num = j - 1;
  int small = small_number(c, num);
  /* a section's number heading its line: "2.1. Institutional Structure" */
  if (!small && !section_number(c, num)) return 0;
  if (num == first) return 1;
  int d = GAP_DECISION(gaps[num - first]);
  if (d == GAP_HARD || (d == GAP_YES && small)) return 1;
  if (!small) return 0;
  /* "the following: 1. In Section ..." starts a sentence at the number;
   * "two claims: 1. that ..." goes on, but not after the period either */
  if (TOK_IS(c, num - 1, ":") && TOK_IS(c, num, "1")) {
    qr_cclass cls;
    first_cp(c, k, &cls);
    if (cls == QR_CC_UPPER) gaps[num - first] = GAP(GAP_YES, WHY_LIST);
    return 1;
  }
  return 0;
}

/* Is token k a weekday: six to nine letters ending in "day", one of seven? */
static int weekday_at(const splitctx *c, size_t k) {
  static const char *const days[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                     "Saturday", "Sunday", NULL};
  const unsigned char *w = c->s + c->t->start[k];
  size_t n = c->t->len[k];
  if (n < 6 || n > 9 || w[0] < 'F' || w[0] > 'W' || memcmp(w + n - 3, "day", 3) != 0) return 0;
  for (int d = 0; days[d]; d++)
    if (tok_is(c, k, days[d])) return 1;
  return 0;
}

/* Is token k a month's name, in full or abbreviated (Sept.)? */
static int month_at(const splitctx *c, size_t k) {
  static const char *const months[] = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.",
    "Sep.", "Sept.", "Oct.", "Nov.", "Dec.", NULL};
  unsigned char c0 = c->s[c->t->start[k]];
  size_t n = c->t->len[k];
  if (n < 3 || n > 9 || c0 < 'A' || c0 > 'S' || !strchr("JFMASOND", c0)) return 0;
  for (int m = 0; months[m]; m++)
    if (months[m][0] == (char)c0 && tok_is(c, k, months[m])) return 1;
  return 0;
}

/* Words after which a date goes on the sentence ("on Tuesday, May 7, 2015"). */
static int date_goes_on(const splitctx *c, size_t i) {
  static const char *const words[] = {"on", "by", "of", "from", "to", "until", "till", "since",
                                      "before", "after", "through", "thru", "and", "or", "at",
                                      "for", "dated", "is", "was", "be", "the", "this", "next",
                                      "last", "every", "each", NULL};
  for (int k = 0; words[k]; k++)
    if (tok_is(c, i, words[k])) return 1;
  return 0;
}

/* Is token i a word that may be part of a name: a capital, then small
 * letters or a period ("Sharon", "J.", "Mr.")? */
static int name_word(const splitctx *c, size_t i) {
  const unsigned char *s = c->s + c->t->start[i];
  return c->t->kind[i] == QR_TOK_WORD && s[0] >= 'A' && s[0] <= 'Z' &&
         (c->t->len[i] == 1 || (s[1] >= 'a' && s[1] <= 'z') || s[1] == '.');
}

/* Does a name that signs a letter start at token i: name words not
 * followed by a terminator or a comma on their line ("Thanks, Sharon I
 * think", "Thanks, Kim X33098", but not "Thanks, Kim." nor "Thank you,
 * Madam Speaker.")? */
static int signature_at(const splitctx *c, size_t i) {
  const qr_tokens *t = c->t;
  size_t k = i + 1;
  while (k < t->n && k < i + 4 && !(t->flags[k] & QR_TF_NEWLINE_BEFORE) && name_word(c, k)) k++;
  if (k >= t->n || (t->flags[k] & QR_TF_NEWLINE_BEFORE)) return 1;
  return !is_terminal(c, k) && !TOK_IS(c, k, ",");
}

/* Is the gap before token i, after a comma, the end of a greeting ("Hi
 * Mary, | I need") or of a closing ("Thanks, | Sharon")? start is the
 * first token of the sentence the comma is in; the greeting or closing is
 * all of it (a line of its own before the lines of a mail were joined).
 * Returns QR_LETTER_OPENING, QR_LETTER_CLOSING or 0. */
static int letter_line(const splitctx *c, size_t i, size_t start) {
  const qr_tokens *t = c->t;
  size_t comma = i - 1;
  if (comma <= start || comma - start > 4 || !TOK_IS(c, comma, ",")) return 0;
  qr_cclass cls;
  first_cp(c, i, &cls);
  if (cls != QR_CC_UPPER) return 0;
  const char *s = (const char *)c->s;
  if (qr_segmenter_letter_phrase(c->seg, s + t->start[start], t->len[start]) == QR_LETTER_OPENING) {
    /* "Hi Mary, | As you know"; a greeting alone before a sentence
     * starter other than I: "Hi, | Yes storage is ..." (EWT train and dev:
     * 3 times in 3), but "Hi, I want to ..." (2 in 2) */
    if (comma - start >= 2) return QR_LETTER_OPENING;
    if (!TOK_IS(c, i, "I") && qr_segmenter_is_starter(c->seg, s + t->start[i], t->len[i]))
      return QR_LETTER_OPENING;
  }
  /* the closing's words, one space between them */
  char phrase[48];
  size_t n = 0;
  for (size_t k = start; k < comma; k++) {
    if (n + t->len[k] + 1 > sizeof phrase) return 0;
    if (k > start) phrase[n++] = ' ';
    memcpy(phrase + n, s + t->start[k], t->len[k]);
    n += t->len[k];
  }
  /* "Thanks, I know you are busy" goes on */
  if (qr_segmenter_letter_phrase(c->seg, phrase, n) == QR_LETTER_CLOSING &&
      !qr_segmenter_is_starter(c->seg, s + t->start[i], t->len[i]) && signature_at(c, i))
    return QR_LETTER_CLOSING;
  return 0;
}

/* Does something new start at token i, after the name that signs a mail:
 * a sentence starter, a small word, a quotation, a rule of dashes or
 * underscores ("Thanks, Sharon | I think", "Regards, Bob | << File >>")?
 * Not a capitalised word, which may go on the name, nor a telephone number
 * or an address, which go with it. */
static int after_signature(const splitctx *c, size_t i) {
  const qr_tokens *t = c->t;
  if (i >= t->n || (t->flags[i] & QR_TF_NEWLINE_BEFORE)) return 0;   /* a line break decides */
  const unsigned char *s = c->s + t->start[i];
  switch (t->kind[i]) {
  case QR_TOK_NUMBER:
  case QR_TOK_URL:
  case QR_TOK_EMAIL:
    return 0;
  case QR_TOK_WORD:
    return (s[0] >= 'a' && s[0] <= 'z') ||
           qr_segmenter_is_starter(c->seg, (const char *)s, t->len[i]);
  default:
    return s[0] == '"' || s[0] == '<' || s[0] == '_' || s[0] == '-' || s[0] == '*' ||
           s[0] == '=';
  }
}

/* The first token after the name that signs a mail, when the name (one or
 * two words) starts at token sign after a closing; NONE when that is not
 * clear ("Thanks, Kay Peggy Banczak is ..."). */
static size_t signature_end(const splitctx *c, size_t sign) {
  for (size_t k = sign; k < sign + 2 && k < c->t->n && name_word(c, k); k++) {
    if (k > sign && (c->t->flags[k] & QR_TF_NEWLINE_BEFORE)) break;
    if (after_signature(c, k + 1)) return k + 1;
  }
  return NONE;
}

/* Is token i a word that names a figure or a table before its number? */
static int caption_label(const splitctx *c, size_t i) {
  static const char *const labels[] = {"Figure", "Fig.", "Table", "Map", "Chart", "Plate",
                                       "Exhibit", "Diagram", "Graph", "Illustration", NULL};
  unsigned char c0 = c->s[c->t->start[i]];
  if (c0 < 'C' || c0 > 'T') return 0;
  for (int k = 0; labels[k]; k++)
    if (tok_is(c, i, labels[k])) return 1;
  return 0;
}

/* Is the number of token i a figure's: 3, 1.3, 24.7? */
static int figure_number(const splitctx *c, size_t i) {
  const unsigned char *s = c->s + c->t->start[i];
  size_t n = c->t->len[i], k = 0, dots = 0;
  if (c->t->kind[i] != QR_TOK_NUMBER || n > 6) return 0;
  for (; k < n; k++) {
    if (s[k] == '.' && k > 0 && k + 1 < n && !dots) dots++;
    else if (s[k] < '0' || s[k] > '9') return 0;
  }
  return 1;
}

/* Is token i the label of a picture's credit line: "Image: NASA"? */
static int credit_line(const splitctx *c, size_t i) {
  return (TOK_IS(c, i, "Image") || TOK_IS(c, i, "Photo") || TOK_IS(c, i, "Credit")) &&
         i + 1 < c->t->n && TOK_IS(c, i + 1, ":");
}

/* What the rules remember between gaps for the boundaries below. */
typedef struct rulestate {
  size_t start;     /* the first token of the current sentence */
  size_t pending;   /* a boundary found ahead: the gap before this token, or NONE */
  int pending_why;  /* and its reason */
} rulestate;

/* Is token i the mark a bare PS may have after it: PS: PS, PS - PS -- */
static int postscript_mark(const splitctx *c, size_t i) {
  unsigned char c0 = c->s[c->t->start[i]];
  return ((c0 == ':' || c0 == ',' || c0 == '-') && c->t->len[i] == 1) || is_dash(c, i);
}

/* A postscript at the gap before token i, a word where no terminator stands
 * before it: GAP_YES where a dotted mark starts a sentence at i ("Cheers,
 * Chris | P.S. I am"), GAP_NEVER after a mark and the colon, comma or dash
 * after it ("PS - | Were you"), else GAP_NO. A bare PS is a mark only with a
 * colon, a comma or a dash after it ("Sony PS Vita" is none). A mark starts
 * a sentence only after something other than a small word ("Oh and PS, I
 * try" goes on); for a bare PS, that gap (behind i) is set here. */
static int postscript(const splitctx *c, size_t i, uint8_t *restrict gaps, size_t first,
                      rulestate *st) {
  const qr_tokens *t = c->t;
  qr_cclass cls;
  if (t->flags[i] & QR_TF_ABBREV) {   /* a dotted mark after a word */
    if (!postscript_at(c, i)) return GAP_NO;
    first_cp(c, i - 1, &cls);
    return cls == QR_CC_LOWER && t->kind[i - 1] == QR_TOK_WORD ? GAP_NO : GAP_YES;
  }
  size_t ps = i - 2;   /* a mark, then a colon, a comma or a dash, then a capital */
  if (i < first + 2 || (unsigned)(c->s[t->start[i]] - 'A') >= 26u || !postscript_mark(c, i - 1) ||
      !postscript_at(c, ps))
    return GAP_NO;
  if (!memchr(c->s + t->start[ps], '.', t->len[ps]) && ps > first &&
      !mark_kind(t->kind[ps - 1]) && GAP_DECISION(gaps[ps - first]) == GAP_NO &&
      !(t->flags[ps] & QR_TF_NEWLINE_BEFORE) && ps > st->start) {
    first_cp(c, ps - 1, &cls);
    if (cls != QR_CC_LOWER || t->kind[ps - 1] != QR_TOK_WORD) {
      gaps[ps - first] = GAP(GAP_YES, WHY_LETTER);
      st->start = ps;
    }
  }
  return GAP_NEVER;
}

/* Is the gap before token i, after a comma or dash, the end of a mail's
 * greeting by name alone, a line of its own at the start of a paragraph:
 * "Vince, | As I mentioned", "John - | I was looking" (EWT train: 28 of 30
 * before a starter)? start is the first token of the sentence; one to three
 * name words ("Sue and Jeff") that are no sentence starter ("Yeah, I
 * know"). Not after a colon, where a speaker's name in a transcript is
 * as likely ("Prince Hermes: Now after ..."; GUM train 4 of 7).
 *
 * Right after the time stamp of a mail's header (stamped), the greeting
 * needs no line of its own: "... 10:44 AM Carol - | I think", "Jeff - |
 * instead of", "Carol: | I have attempted" (EWT train: after a dash 10
 * times in 10, after a colon before a starter 9 in 9), and before a colon
 * it may be a word that starts sentences ("All: | It is my"). A comma there
 * decides nothing (13 boundaries in 29: "Sara, trading is ..."), and is
 * left to the other rules. */
static int vocative_line(const splitctx *c, size_t i, size_t start, int stamped) {
  const qr_tokens *t = c->t;
  size_t mark = i - 1;
  if (mark <= start || mark - start > 3) return 0;
  int dash = TOK_IS(c, mark, "-") || is_dash(c, mark);
  int any_next = 0;   /* the word after the mark may be any word */
  int any_name = 0;   /* ... and the name a starter: "08:02 PM All: | It is" */
  if (stamped && (dash || TOK_IS(c, mark, ":"))) {
    any_next = dash;
    any_name = !dash;
  } else {
    /* at the start of a paragraph, or of a line where lines are paragraphs
     * (not inside a hard-wrapped one) */
    if (!(start == 0 || (t->flags[start] & QR_TF_PARA_BEFORE) ||
          ((t->flags[start] & QR_TF_NEWLINE_BEFORE) && !c->wrapped)))
      return 0;
    /* after a single hyphen only before I: "John - I was looking", but not
     * "Sophie Scholl - The Final Days", a title */
    if (TOK_IS(c, mark, "-") ? !TOK_IS(c, i, "I") : !TOK_IS(c, mark, ",") && !is_dash(c, mark))
      return 0;
  }
  if (t->kind[i] != QR_TOK_WORD) return 0;
  const char *s = (const char *)c->s;
  if (!(any_next || qr_segmenter_is_starter(c->seg, s + t->start[i], t->len[i])) ||
      (!any_name && qr_segmenter_is_starter(c->seg, s + t->start[start], t->len[start])) ||
      postscript_at(c, start))   /* "P.S. Tom, Please ..." is one sentence */
    return 0;
  for (size_t k = start; k < mark; k++)
    if (!name_word(c, k) && !(k > start && (TOK_IS(c, k, "and") || TOK_IS(c, k, "&"))))
      return 0;
  /* an address with a title belongs to a speech: "Mr. President, I need
   * to catch my breath" */
  if (qr_segmenter_abbrev(c->seg, s + t->start[start], t->len[start]) == QR_ABBR_TITLE ||
      TOK_IS(c, start, "Madam"))
    return 0;
  /* the labels of a mail's header are no names: "Subject: What is ..." */
  return !(TOK_IS(c, start, "Subject") || TOK_IS(c, start, "Re") || TOK_IS(c, start, "From") ||
           TOK_IS(c, start, "To") || TOK_IS(c, start, "Date") || TOK_IS(c, start, "Sent") ||
           TOK_IS(c, start, "Cc") || TOK_IS(c, start, "Note"));
}

/* Is token i a file name, or the closing >> or ) of one: "<< Sam.doc >>",
 * "(See attached file: API.pdf)"? */
static int file_ends_at(const splitctx *c, size_t i, size_t first) {
  const qr_tokens *t = c->t;
  if ((TOK_IS(c, i, ">>") || TOK_IS(c, i, ")")) && i > first) i--;
  return !mark_kind(t->kind[i]) &&
         qr_is_file_name((const char *)c->s + t->start[i], t->len[i]);
}

/* A list of attached files, joined on one line: "- Unleaded.pdf - Crude.pdf
 * - Heating.pdf", "<< A.doc >> - B.xls". EWT makes each item a sentence:
 * one starts at the hyphen after a file name (train 24 times in 26, dev 7
 * in 7; GUM has none). */
static int file_list_item(const splitctx *c, size_t i, size_t first) {
  return TOK_IS(c, i, "-") && i + 1 < c->t->n && file_ends_at(c, i - 1, first);
}

/* Does a news agency's dateline end before token i, "TEHRAN (AFP) - | An
 * international contest", "Boulder, CO, Feb. 23 (UPI) -- | Ever since"? The
 * agency is a capitalised word in brackets after the place (and date) that
 * open the sentence, then a dash. UD EWT starts the report's first sentence
 * after the dash (train 3 times in 3, dev 1 in 1); GUM has no such
 * datelines. */
static int agency_dateline(const splitctx *c, size_t i, size_t start) {
  const qr_tokens *t = c->t;
  if (i < start + 5 || i - 5 - start > 8 || !(TOK_IS(c, i - 1, "-") || is_dash(c, i - 1)) ||
      !TOK_IS(c, i - 2, ")") || !TOK_IS(c, i - 4, "(") || t->kind[i - 3] != QR_TOK_WORD)
    return 0;
  const unsigned char *a = c->s + t->start[i - 3];
  return a[0] >= 'A' && a[0] <= 'Z' && t->len[i - 3] <= 8 && !(t->flags[i] & QR_TF_NEWLINE_BEFORE);
}

static int capital_at(const splitctx *c, size_t i);

/* Does a source's credit in brackets, opening a line or following a
 * sentence's end, end before token i: "(New Scientist Space) | NASA is
 * looking ...", "... in Gaza. (BBC) | The group ..."? One to three
 * capitalised words in the brackets, a capital after them (UD EWT train and
 * dev: 4 times in 4; GUM has none). */
static int source_credit(const splitctx *c, size_t i, size_t start) {
  const qr_tokens *t = c->t;
  if (i < start + 3 || i - start > 5 || !TOK_IS(c, start, "(") || !TOK_IS(c, i - 1, ")") ||
      (t->flags[i] & QR_TF_NEWLINE_BEFORE))
    return 0;
  if (start > 0 && !(t->flags[start] & QR_TF_NEWLINE_BEFORE) && !is_terminal(c, start - 1))
    return 0;
  for (size_t k = start + 1; k < i - 1; k++)
    if (t->kind[k] != QR_TOK_WORD || !capital_at(c, k)) return 0;
  return 1;
}

/* Can after_mark or postscript find anything at the gap before token i, a
 * word after a punctuation mark? From the lengths alone: a comma near the
 * sentence's start (a greeting, a closing), a dash (two or three bytes), a
 * colon after a label of five or six letters (Image:, Photo:, Credit:), a
 * mark after PS or PPS. Most marks of running text are none of these, and
 * their text is not read. */
static inline int mark_may_matter(const qr_tokens *t, size_t i, const rulestate *st) {
  uint32_t ml = t->len[i - 1];
  return (i - 1 - st->start <= 4) | (ml == 2) | (ml == 3) |
         ((ml == 1) & (i >= 2) && (t->len[i - 2] - 5u <= 1u || t->len[i - 2] - 2u <= 1u));
}

/* Did the current sentence start right after a mail header's time stamp? */
static int stamped_start(const uint8_t *gaps, size_t first, const rulestate *st) {
  return st->start > first && GAP_WHY(gaps[st->start - first]) == WHY_STAMP;
}

/* A boundary the rules find where no terminator stands, at the gap before
 * token i after a punctuation mark (i > first): the reason (WHY_DASH,
 * WHY_LETTER), or 0. May also set a boundary behind (the start of a credit
 * line: "... at the expo | Image: Nick") or ahead (after the name that
 * signs a mail). */
static int after_mark(const splitctx *c, size_t i, uint8_t *restrict gaps, size_t first,
                      rulestate *st) {
  const qr_tokens *t = c->t;
  /* all of them want a capitalised word (ASCII) after the mark, but a
   * greeting after a mail's header ("Jeff - instead of ...") */
  unsigned char r0 = c->s[t->start[i]];
  if (r0 < 'A' || r0 > 'Z')
    return stamped_start(gaps, first, st) && vocative_line(c, i, st->start, 1) ? WHY_LETTER : 0;
  if (TOK_IS(c, i - 1, ":")) {
    /* a credit line after a caption without a period: "... at the expo |
     * Image: Nick Moreau." */
    size_t label = i - 2;
    if (i >= first + 3 && label > st->start && credit_line(c, label) &&
        t->kind[label - 1] == QR_TOK_WORD && !date_goes_on(c, label - 1)) {
      gaps[label - first] = GAP(GAP_YES, WHY_CAPTION);
      st->start = label;
      return 0;
    }
  }
  if (agency_dateline(c, i, st->start) || source_credit(c, i, st->start)) return WHY_DATE;
  int letter = letter_line(c, i, st->start);
  if (letter == QR_LETTER_CLOSING) {
    st->pending = signature_end(c, i);
    st->pending_why = WHY_LETTER;
  }
  if (letter || vocative_line(c, i, st->start, stamped_start(gaps, first, st))) return WHY_LETTER;
  /* speech broken off by a dash, then a new start: "Uh, she can — She
   * can't open em." Not before "I", which as often resumes the broken
   * sentence ("I think -- I -- I don't know"); not after a dash that opens
   * the sentence. */
  if (is_dash(c, i - 1) && i - 1 > first && GAP_DECISION(gaps[i - 1 - first]) != GAP_YES &&
      GAP_DECISION(gaps[i - 1 - first]) != GAP_HARD && !TOK_IS(c, i, "I") &&
      qr_segmenter_is_starter(c->seg, (const char *)c->s + t->start[i], t->len[i]))
    return WHY_DASH;
  return 0;
}

/* Does a capitalised word (ASCII) start at token i? */
static int capital_at(const splitctx *c, size_t i) {
  if (i >= c->t->n) return 0;
  unsigned char r0 = c->s[c->t->start[i]];
  return r0 >= 'A' && r0 <= 'Z';
}

/* At a sentence start i: a caption's label and number make a sentence of
 * their own before its text ("Figure 1.3 | This map shows ..."). */
static void caption(const splitctx *c, size_t i, rulestate *st) {
  if (i + 2 < c->t->n && caption_label(c, i) && figure_number(c, i + 1) &&
      !(c->t->flags[i + 2] & QR_TF_NEWLINE_BEFORE) && capital_at(c, i + 2)) {
    st->pending = i + 2;
    st->pending_why = WHY_CAPTION;
  }
}

/* A dateline, found at its year (token y, a four-digit number, so that the
 * rules look back only at years): "... tells Wikinews about ants | Tuesday,
 * September 1, 2015 | Formica fusca ...". A full date with its weekday after
 * a headline's last word (or closing quote) starts a sentence; a date that
 * starts a sentence ends it before a capital. */
static void dateline(const splitctx *c, size_t y, uint8_t *restrict gaps, size_t first,
                     rulestate *st) {
  const qr_tokens *t = c->t;
  const unsigned char *s = c->s + t->start[y];
  if (y < first + 3 || (s[0] != '1' && s[0] != '2') || !TOK_IS(c, y - 1, ",") ||
      !small_number(c, y - 2) || !month_at(c, y - 3))
    return;
  size_t ds = y - 3;   /* where the date starts */
  int weekday = ds >= first + 2 && TOK_IS(c, ds - 1, ",") && weekday_at(c, ds - 2);
  if (weekday) ds -= 2;
  if (st->start > ds) return;   /* a boundary inside the date */
  int d = ds == first ? GAP_HARD : GAP_DECISION(gaps[ds - first]);
  if (weekday && d == GAP_NO) {
    qr_cclass cls;
    int32_t l = first_cp(c, ds - 1, &cls);
    if (t->kind[ds - 1] == QR_TOK_WORD ? !date_goes_on(c, ds - 1) : is_closing(l)) {
      gaps[ds - first] = GAP(GAP_YES, WHY_DATE);
      st->start = ds;
      d = GAP_YES;
    }
  }
  if ((d == GAP_YES || d == GAP_HARD) && y + 1 < t->n &&
      !(t->flags[y + 1] & QR_TF_NEWLINE_BEFORE) && capital_at(c, y + 1)) {
    st->pending = y + 1;
    st->pending_why = WHY_DATE;
  }
}

/* Is token i a number of `groups` groups of one to four digits joined by
 * sep (08/16/2000: three joined by /)? A time may have one group more than
 * asked for, its seconds (07:17, 03:14:14). */
static int digit_groups(const splitctx *c, size_t i, char sep, int groups) {
  const unsigned char *s = c->s + c->t->start[i];
  size_t n = c->t->len[i], run = 0;
  int seen = 1;
  if (c->t->kind[i] != QR_TOK_NUMBER) return 0;
  for (size_t k = 0; k < n; k++) {
    if (s[k] >= '0' && s[k] <= '9') {
      if (++run > 4) return 0;
    } else if (s[k] == (unsigned char)sep && run > 0) {
      run = 0;
      seen++;
    } else {
      return 0;
    }
  }
  return run > 0 && (seen == groups || (sep == ':' && seen == groups + 1));
}

/* Is token i a small word (a-z first) and no address? */
static int small_word(const splitctx *c, size_t i) {
  unsigned char c0 = c->s[c->t->start[i]];
  return c->t->kind[i] == QR_TOK_WORD && c0 >= 'a' && c0 <= 'z';
}

/* A mail header's time stamp, found at its time (token i): a date, the
 * time, AM or PM, after the sender's name or address: "Kay Mann 04/26/2001
 * 07:17 AM". It was a line of the header, and UD EWT makes it a sentence
 * of its own: one starts after it whatever comes next (EWT train: 147
 * times in 147; dev: 21 in 21), "... 11:36 AM | have you heard". (One
 * starts at its date too, 133 times in 135 after a name or an address; the
 * model finds those, and a rule for them lost 0.1 point in `make cv`.) The
 * sender may have "on" or "at" after it ("jo@x.com on 01/25/2002 03:13:58
 * PM", "Posted by Hidden Nook at 3/9/2005 ..."); a sentence's own date and
 * time ("we met on 08/08/2000 11:36 AM in the lobby") is no stamp. */
static void time_stamp(const splitctx *c, size_t i, size_t first, rulestate *st) {
  const qr_tokens *t = c->t;
  if (i <= first + 1 || i + 2 >= t->n || (t->flags[i + 2] & QR_TF_NEWLINE_BEFORE) ||
      !digit_groups(c, i, ':', 2) || !digit_groups(c, i - 1, '/', 3))
    return;
  const unsigned char *m = c->s + t->start[i + 1];
  if (t->len[i + 1] != 2 || !(m[0] == 'A' || m[0] == 'P' || m[0] == 'a' || m[0] == 'p') ||
      (m[1] | 0x20) != 'm')
    return;
  if (small_word(c, i - 2) && (i - 2 == first || small_word(c, i - 3))) return;
  st->pending = i + 2;
  st->pending_why = WHY_STAMP;
}

/* Why the rules would end a sentence after terminator j. */
static int why_of(const splitctx *c, size_t j) {
  const qr_tokens *t = c->t;
  const char *s = (const char *)c->s + t->start[j];
  size_t n = t->len[j];
  if (t->flags[j] & QR_TF_ABBREV) {
    switch (qr_segmenter_abbrev(c->seg, s, n)) {
    case QR_ABBR_TITLE: return WHY_TITLE;
    case QR_ABBR_NUMBER: return WHY_NUMABBR;
    case QR_ABBR_PLAIN:
    case QR_ABBR_FINAL: return WHY_ABBR;
    default: break;
    }
    if (n == 2 && s[0] >= 'A' && s[0] <= 'Z') return WHY_INITIAL;
    return WHY_ACRONYM;
  }
  if (n >= 3 && (s[0] == '.' || (unsigned char)s[0] == 0xE2)) return WHY_ELLIPSIS;
  int question = 0, exclaim = 0;   /* a terminator is short: no call to find them */
  for (size_t k = 0; k < n; k++) {
    question |= s[k] == '?';
    exclaim |= s[k] == '!';
  }
  if (question) return WHY_QUESTION;
  if (exclaim) return WHY_EXCLAIM;
  return WHY_PERIOD;
}

/* Is token j quiet: a plain word (white space before it at most: no line
 * break, no period of its own) after a word or a number (not after a mark,
 * nor a link, which may have stood alone: see WHY_LINK)? With nothing
 * ended before it, the rules see no boundary there and have nothing to note
 * (its gap stays 0, GAP(GAP_NO, WHY_NONE)). Most tokens of prose are quiet. */
static int quiet(const qr_tokens *t, size_t j) {
  return t->kind[j] == QR_TOK_WORD && (t->flags[j] & ~QR_TF_SPACE_BEFORE) == 0 &&
         (t->kind[j - 1] == QR_TOK_WORD || t->kind[j - 1] == QR_TOK_NUMBER);
}

/* The first token from j on (j > 0) that is not quiet, or limit: sixteen
 * tokens at a time where SSE2 is there. */
static size_t skip_quiet(const qr_tokens *t, size_t j, size_t limit) {
#if defined(__SSE2__)
  const __m128i word = _mm_set1_epi8(QR_TOK_WORD), number = _mm_set1_epi8(QR_TOK_NUMBER);
  const __m128i other_flags = _mm_set1_epi8((char)(uint8_t)~QR_TF_SPACE_BEFORE);
  while (j + 16 <= limit) {
    __m128i k = _mm_loadu_si128((const __m128i *)(const void *)(t->kind + j));
    __m128i kp = _mm_loadu_si128((const __m128i *)(const void *)(t->kind + j - 1));
    __m128i f = _mm_loadu_si128((const __m128i *)(const void *)(t->flags + j));
    __m128i after = _mm_or_si128(_mm_cmpeq_epi8(kp, word), _mm_cmpeq_epi8(kp, number));
    __m128i ok = _mm_and_si128(after, _mm_cmpeq_epi8(k, word));
    ok = _mm_and_si128(ok, _mm_cmpeq_epi8(_mm_and_si128(f, other_flags), _mm_setzero_si128()));
    unsigned busy = ~(unsigned)_mm_movemask_epi8(ok) & 0xFFFF;
    if (busy) return j + (size_t)__builtin_ctz(busy);
    j += 16;
  }
#endif
  while (j < limit && quiet(t, j)) j++;
  return j;
}

/* Did the link before token i stand alone: a sentence starts with it, a
 * whole address (a scheme or www.), and small words follow (not "and",
 * "or")? "... tight? http://a.org/ try couch surfing": EWT train and dev, 6
 * times in 6 ("and" goes on). A site's bare name is a name, often a
 * sentence's subject: "OneStat.com compiled the figures". (After a link
 * and a capital, the model decides.) */
static int link_alone(const splitctx *c, size_t i, const rulestate *st) {
  if (st->start != i - 1 || c->t->kind[i] != QR_TOK_WORD) return 0;
  const unsigned char *u = c->s + c->t->start[i - 1];
  size_t n = c->t->len[i - 1];
  int whole = (n > 4 && (u[0] | 0x20) == 'w' && (u[1] | 0x20) == 'w' && (u[2] | 0x20) == 'w' &&
               u[3] == '.') ||
              memchr(u, ':', n < 8 ? n : 8) != NULL;
  unsigned char b = c->s[c->t->start[i]];
  return whole && b >= 'a' && b <= 'z' && !TOK_IS(c, i, "and") && !TOK_IS(c, i, "or");
}

/* The commonest tokens that skip_quiet stops at, where the rules have
 * nothing to do either, with nothing ended before and nothing but white
 * space before token i (not a line break): a mark after a word or a number
 * ("word ,"), a word after a mark that mark_may_matter turns down. Neither
 * can be a ruler's gap (a ruler has eight bytes or more), nor a list of
 * links or of files (which wants a hyphen). The loop below would leave the
 * gap 0 and note nothing; this only gets there sooner. */
static inline int busy_for_nothing(const splitctx *c, size_t i, unsigned pk, unsigned rk,
                                   const rulestate *st) {
  const qr_tokens *t = c->t;
  if (mark_kind(rk))
    return (pk == QR_TOK_WORD || pk == QR_TOK_NUMBER) && t->len[i] < 8 &&
           !(t->len[i] == 1 && c->s[t->start[i]] == '-');
  return rk == QR_TOK_WORD && mark_kind(pk) && t->len[i - 1] < 8 &&
         !mark_may_matter(t, i, st);
}

/* ---- inline lists ---------------------------------------------------------------------- */

/* Are the three bytes at w a bullet: • ‣ ⁃ ▪ ◦ (E2 80 A2, E2 80 A3, E2 81 83,
 * E2 96 AA, E2 97 A6)? */
static int is_bullet(const unsigned char *w) {
  if (w[0] != 0xE2) return 0;
  unsigned v = (unsigned)w[1] << 8 | w[2];
  return v == 0x80A2 || v == 0x80A3 || v == 0x8183 || v == 0x96AA || v == 0x97A6;
}

/* A list's marker at token i: a small number or a small letter closed by
 * ".", ")" or ".)" attached to it, or a bullet (• ◦ ‣ ⁃ ▪), standing
 * after white space, before an item's first word (not "and", "or", "to":
 * "figures 1) and 2)" is no list). Returns its number (a = 1, a bullet 0)
 * and sets *end to the item's first token and *style to what tells the
 * markers of one list apart (the closer, or a bullet); -1 when none. */
static long list_marker(const splitctx *c, size_t i, size_t *end, int *style) {
  const qr_tokens *t = c->t;
  size_t n = t->len[i], k = i + 1;
  /* (most tokens are none: two bytes at most, or three for a bullet) */
  if (n > 3 || !(t->flags[i] & (QR_TF_SPACE_BEFORE | QR_TF_NEWLINE_BEFORE))) return -1;
  const unsigned char *w = c->s + t->start[i];
  if (n == 3 ? w[0] != 0xE2 : n == 2 ? t->kind[i] != QR_TOK_NUMBER
                                     : !((w[0] >= 'a' && w[0] <= 'z') || (w[0] >= '0' && w[0] <= '9')))
    return -1;
  long v;
  if (n == 3 && is_bullet(w)) {
    v = 0;
    *style = 0;
  } else {
    if (small_number(c, i)) v = n == 1 ? w[0] - '0' : (w[0] - '0') * 10 + (w[1] - '0');
    else if (n == 1 && w[0] >= 'a' && w[0] <= 'z' && t->kind[i] == QR_TOK_WORD) v = w[0] - 'a' + 1;
    else return -1;
    /* the closer, attached: . ) or .) */
    *style = 0;
    while (k < t->n && k < i + 3 && !(t->flags[k] & (QR_TF_SPACE_BEFORE | QR_TF_NEWLINE_BEFORE)) &&
           (TOK_IS(c, k, ".") || TOK_IS(c, k, ")"))) {
      *style = *style * 4 + (c->s[t->start[k]] == '.' ? 1 : 2);
      k++;
    }
    if (!*style) return -1;   /* a number or a letter without a closer */
    *style += 64 * (w[0] >= 'a');   /* letters and numbers are two lists */
  }
  if (k >= t->n || !(t->flags[k] & QR_TF_SPACE_BEFORE) || (t->flags[k] & QR_TF_NEWLINE_BEFORE))
    return -1;
  if (t->kind[k] != QR_TOK_WORD && t->kind[k] != QR_TOK_NUMBER) return -1;
  if (TOK_IS(c, k, "and") || TOK_IS(c, k, "or") || TOK_IS(c, k, "to")) return -1;
  *end = k;
  return v;
}

/* A list being read: its markers' first tokens and their items' first
 * tokens (past 64 items, the last slot takes each new one), the number
 * (or letter) it waits for next, its style (list_marker), and whether a
 * boundary stands inside its items. */
typedef struct listrun {
  size_t at[64], item[64];
  size_t n;
  long want;
  int style;
  int ended;
} listrun;

/* May a list of this style run on past a sentence's end? A closer ")" or a
 * bullet ends nothing, so items of several sentences are still one list
 * ("nights 1) what island ... in Fiji. A way ... ride 2) I would ..."); a
 * closer "." ends sentences itself ("I scored 1. Then he scored 2.") and
 * its lists stay inside one. */
static int runs_past_boundaries(int style) { return (style & 63) == 0 || (style & 3) == 2; }

/* Does the first item of a list whose items end, marker at a, item from
 * token k, run on from what comes before it: after a colon ("in order: 1)
 * It is not normal"), or written as a sentence after an opening that needs
 * it ("These are 1) Assassinate ...")? Both treebanks keep such a one
 * whole; one in small letters after words ("for four nights 1) what
 * island ...") starts at its marker. */
static int introduced(const splitctx *c, size_t a, size_t k, size_t first) {
  if (a > first + 1 && TOK_IS(c, a - 1, ":")) return 1;
  qr_cclass cls;
  first_cp(c, k, &cls);
  return cls == QR_CC_UPPER;
}

/* Lists written inline ("Demands: 1) a ceasefire 2) talks", "a. apples b.
 * pears", "• water • food"): where markers of one style count on from 1
 * (or a) at least twice in a row, or bullets come twice, each item is a
 * sentence that starts at its marker, and nothing splits it before its
 * first word. A list of another style inside an item ("2) ... with an a)
 * resort ... 3) ...") leaves the outer one counting. Not a list of
 * clauses inside a sentence, which both treebanks keep whole: one whose
 * items are joined by "and" or "or" ("that 1) ... and 2) ...", "either a)
 * ... or b) ..."). A list whose items the rules end already may keep its
 * first item with what comes before it (introduced); its other markers
 * start sentences. gaps[k] is the gap before token first + k. */
static void inline_lists(const splitctx *c, const marklist *ml, uint8_t *restrict gaps,
                         size_t first) {
  const qr_tokens *t = c->t;
  listrun runs[2];   /* the list being read, and one it is nested in */
  listrun *cur = &runs[0], *outer = NULL;
  cur->n = 0;
  size_t m = 0, all = (size_t)ml->overflow, last = first;
  for (size_t i = first + 1; i < t->n; i++) {
    if (!all) {   /* the next token noted */
      while (m < ml->nmarks && ml->marks[m] < i) m++;
      if (m == ml->nmarks) break;
      i = ml->marks[m];
    }
    /* a boundary between two markers ends a list that cannot run past
     * one, and marks one that can; so does an item that ends in "and" or
     * "or" (checked at the next marker) */
    for (size_t k = last + 1; cur->n && k <= i; k++) {
      int d = GAP_DECISION(gaps[k - first]);
      if (d != GAP_HARD && d != GAP_YES) continue;
      if (d == GAP_HARD || !runs_past_boundaries(cur->style)) {
        cur->n = 0;
        outer = NULL;
      } else {
        cur->ended = 1;
        if (outer) outer->ended = 1;
      }
    }
    if (cur->n && i > first + 1 && (TOK_IS(c, i - 1, "and") || TOK_IS(c, i - 1, "or"))) {
      cur->n = 0;
      outer = NULL;
      continue;
    }
    last = i;
    size_t end;
    int st;
    long v = list_marker(c, i, &end, &st);
    if (v < 0) continue;
    if (outer && st == outer->style && (v == 0 || v == outer->want)) {
      *cur = *outer;   /* back in the outer list: the inner one is done */
      outer = NULL;
    }
    if (!(cur->n && st == cur->style && (v == 0 || v == cur->want))) {
      /* a list may start here: its first marker counts from 1 */
      if (v > 1) continue;
      if (cur->n && st != cur->style && !outer) {   /* inside an item of cur */
        outer = cur;
        cur = cur == &runs[0] ? &runs[1] : &runs[0];
      }
      cur->n = 0;
      cur->style = st;
      cur->ended = 0;
    }
    if (cur->n < 64) cur->n++;
    cur->at[cur->n - 1] = i;
    cur->item[cur->n - 1] = end;
    cur->want = v + 1;
    if (cur->n < 2) continue;
    /* two or more: each item from its marker (the first one's too, now,
     * but after a colon in a list whose items end) */
    for (size_t r = cur->n == 2 ? 0 : cur->n - 1; r < cur->n; r++) {
      size_t a = cur->at[r];
      if (r == 0 && cur->ended && introduced(c, a, cur->item[0], first)) continue;
      if (GAP_DECISION(gaps[a - first]) != GAP_HARD) gaps[a - first] = GAP(GAP_YES, WHY_LIST);
      for (size_t k = a + 1; k <= cur->item[r]; k++) gaps[k - first] = GAP(GAP_NEVER, WHY_LIST);
    }
    i = end - 1;
    last = i;
  }
}

/* Notes the tokens that may mark a list's item: a small number or letter
 * before an attached . or ), a bullet (three bytes, E2 ...). Only marks
 * (punctuation or symbols) are looked at closely: 16 kinds at a time. */
static void note_mark(marklist *c, size_t i);

static void find_marks(const splitctx *c, marklist *ml, size_t first) {
  const qr_tokens *t = c->t;
  size_t i = first + 1;
  while (i < t->n) {
#if defined(__SSE2__)
    /* a mark after a number, a mark after a one-byte word, or a mark of
     * three bytes: most marks (a comma or a period after a word) are none */
    const __m128i punct = _mm_set1_epi8(QR_TOK_PUNCT), symbol = _mm_set1_epi8(QR_TOK_SYMBOL);
    const __m128i number = _mm_set1_epi8(QR_TOK_NUMBER), word = _mm_set1_epi8(QR_TOK_WORD);
    const __m128i one = _mm_set1_epi32(1), three = _mm_set1_epi32(3);
    while (i + 16 <= t->n) {
      __m128i k = _mm_loadu_si128((const __m128i *)(const void *)(t->kind + i));
      __m128i kp = _mm_loadu_si128((const __m128i *)(const void *)(t->kind + i - 1));
      __m128i mark = _mm_or_si128(_mm_cmpeq_epi8(k, punct), _mm_cmpeq_epi8(k, symbol));
      if (!_mm_movemask_epi8(mark)) {
        i += 16;
        continue;
      }
      const __m128i *lp = (const __m128i *)(const void *)(t->len + i - 1);
      const __m128i *lc = (const __m128i *)(const void *)(t->len + i);
      __m128i p1 = _mm_packs_epi16(
          _mm_packs_epi32(_mm_cmpeq_epi32(_mm_loadu_si128(lp), one),
                          _mm_cmpeq_epi32(_mm_loadu_si128(lp + 1), one)),
          _mm_packs_epi32(_mm_cmpeq_epi32(_mm_loadu_si128(lp + 2), one),
                          _mm_cmpeq_epi32(_mm_loadu_si128(lp + 3), one)));
      __m128i c3 = _mm_packs_epi16(
          _mm_packs_epi32(_mm_cmpeq_epi32(_mm_loadu_si128(lc), three),
                          _mm_cmpeq_epi32(_mm_loadu_si128(lc + 1), three)),
          _mm_packs_epi32(_mm_cmpeq_epi32(_mm_loadu_si128(lc + 2), three),
                          _mm_cmpeq_epi32(_mm_loadu_si128(lc + 3), three)));
      __m128i why = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(kp, number), c3),
                                 _mm_and_si128(_mm_cmpeq_epi8(kp, word), p1));
      unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(mark, why));
      if (m) {
        i += (size_t)__builtin_ctz(m);
        break;
      }
      i += 16;
    }
    if (i >= t->n) break;
#endif
    /* the text is read last, for the few that pass the arrays' tests */
    unsigned rk = t->kind[i], pk = t->kind[i - 1];
    if (rk == QR_TOK_PUNCT || rk == QR_TOK_SYMBOL) {
      uint32_t n = t->len[i], np = t->len[i - 1];
      if (n == 1 && !(t->flags[i] & QR_TF_SPACE_BEFORE) &&
          ((pk == QR_TOK_NUMBER && np <= 2) ||
           (pk == QR_TOK_WORD && np == 1 && c->s[t->start[i - 1]] >= 'a'))) {
        unsigned ch = c->s[t->start[i]];
        if (ch == ')' || ch == '.') note_mark(ml, i - 1);
      } else if (n == 3 && c->s[t->start[i]] == 0xE2 && is_bullet(c->s + t->start[i])) {
        note_mark(ml, i);
      }
    }
    i++;
  }
}

/* Notes token i as a possible list marker (see splitctx). */
static void note_mark(marklist *c, size_t i) {
  if (c->overflow) return;
  if (!c->marks) {
    c->marks = c->local;
    c->marks_cap = MAX_MARKS;
  }
  if (c->nmarks == c->marks_cap) {
    size_t cap = 2 * c->marks_cap;
    size_t *m = c->marks == c->local ? malloc(cap * sizeof *m) : realloc(c->marks, cap * sizeof *m);
    if (!m) {
      c->overflow = 1;
      return;
    }
    if (c->marks == c->local) memcpy(m, c->local, sizeof c->local);
    c->marks = m;
    c->marks_cap = cap;
  }
  c->marks[c->nmarks++] = i;
}

/* The rules, gap by gap: gaps[k] is their view of the gap before token
 * first + k (gaps[0] is unused). */
void qr_split_rules(const qr_segmenter *seg, const char *text, size_t len, const qr_tokens *toks,
                    size_t first, uint8_t *restrict gaps) {
  splitctx c = {seg, (const unsigned char *)text, len, toks, 0, 0};
  measure_lines(&c);
  /* term: the terminator (or abbreviation) that may end the current sentence,
   * while its closing quotes and brackets are being absorbed */
  size_t term = (is_terminal(&c, first) || (toks->flags[first] & QR_TF_ABBREV)) ? first : NONE;
  /* where the current line starts (after its line break; indentation
   * counts in its length) */
  size_t line_off = toks->start[first];
  while (line_off > 0 && c.s[line_off - 1] != '\n') line_off--;
  /* quiet tokens are skipped: their gaps are 0 from here */
  memset(gaps, 0, toks->n - first);
  gaps[0] = GAP(GAP_HARD, WHY_NONE);
  rulestate st = {first, NONE, 0};
  /* the kinds of the tokens around the gap: most gaps are decided by them
   * and the flags, without a look at the text */
  unsigned lk = toks->kind[first];
  if (toks->kind[first] == QR_TOK_WORD && first + 1 < toks->n &&
      toks->kind[first + 1] == QR_TOK_NUMBER)
    caption(&c, first, &st);
  for (size_t i = first + 1; i < toks->n; i++) {
    if (term == NONE) {   /* over the quiet tokens, up to a boundary found ahead */
      size_t j = skip_quiet(toks, i, st.pending >= i && st.pending < toks->n ? st.pending : toks->n);
      if (j > i) {
        lk = QR_TOK_WORD;
        i = j;
        if (i >= toks->n) break;
      }
    }
    uint8_t f = toks->flags[i];
    uint8_t *g = &gaps[i - first];
    unsigned rk = toks->kind[i], pk = lk;
    lk = rk;
    if (term == NONE && (f & ~QR_TF_SPACE_BEFORE) == 0 && i != st.pending &&
        busy_for_nothing(&c, i, pk, rk, &st))
      continue;   /* its gap stays 0 and nothing is noted */
    size_t prev_line = 0, prev_from = line_off;
    if (f & QR_TF_NEWLINE_BEFORE) {
      size_t end = toks->start[i - 1] + toks->len[i - 1];
      prev_line = end > line_off ? end - line_off : 0;
      line_off = toks->start[i];   /* back over the new line's indentation */
      while (line_off > 0 && c.s[line_off - 1] != '\n') line_off--;
    }
    if (f & QR_TF_CLITIC) {   /* never splits a surface token */
      *g = GAP(GAP_NEVER, WHY_NONE);
      term = NONE;
      continue;
    }
    int why = term != NONE ? why_of(&c, term) : WHY_NONE;
    if ((f & QR_TF_PARA_BEFORE) ||
        ((f & QR_TF_NEWLINE_BEFORE) && newline_breaks(&c, i, prev_from, prev_line))) {
      *g = GAP(GAP_HARD, why);
    } else if (term != NONE) {
      size_t n = absorbs(&c, i);
      if (n) {
        for (size_t k = 0; k < n && i + k < toks->n; k++) gaps[i + k - first] = GAP(GAP_NEVER, why);
        if (is_terminal(&c, i)) term = i;
        i += n - 1;
        lk = toks->kind[i];
        continue;
      }
      if (term == i - 1 && list_item(&c, term, gaps, first, i))
        *g = GAP(GAP_NO, WHY_LIST);
      else
        *g = GAP(boundary_after(&c, term, i), why);
    } else {
      /* no terminator before the gap: a boundary found ahead, a list of
       * links, or a capital after a mark (see after_mark) */
      int u = 0, ps = GAP_NO;
      if ((f & QR_TF_ABBREV) && !(f & QR_TF_NEWLINE_BEFORE))   /* P.S. */
        ps = postscript(&c, i, gaps, first, &st);
      if (ps != GAP_NO) {
        u = WHY_LETTER;
      } else if (i == st.pending) {
        u = st.pending_why;
      } else if (pk == QR_TOK_URL && (rk == QR_TOK_URL || link_alone(&c, i, &st))) {
        u = WHY_LINK;
      } else if (((((mark_kind(pk)) | (pk == QR_TOK_SYMBOL)) & (toks->len[i - 1] >= 8)) |
                  (((mark_kind(rk)) | (rk == QR_TOK_SYMBOL)) & (toks->len[i] >= 8))) &&
                 ruler_gap(&c, i, first)) {   /* a ruler has eight bytes or more */
        u = WHY_RULER;
      } else if (rk == QR_TOK_PUNCT && file_list_item(&c, i, first)) {
        u = WHY_LIST;
      } else if (mark_kind(pk) && rk == QR_TOK_WORD && mark_may_matter(toks, i, &st)) {
        /* PS or PPS before the mark: two or three bytes, the first a P */
        if (!(f & QR_TF_NEWLINE_BEFORE) && i >= first + 2 && toks->len[i - 2] - 2u <= 1u &&
            (c.s[toks->start[i - 2]] | 0x20) == 'p')
          ps = postscript(&c, i, gaps, first, &st);
        if (ps == GAP_NO) u = after_mark(&c, i, gaps, first, &st);
      }
      if (ps == GAP_NEVER)
        *g = GAP(GAP_NEVER, WHY_NONE);
      else
        *g = u ? GAP(GAP_YES, u) : GAP(GAP_NO, (f & QR_TF_NEWLINE_BEFORE) ? WHY_SOFTLINE : WHY_NONE);
    }
    int d = GAP_DECISION(*g);
    if (d == GAP_YES || d == GAP_HARD) {
      st.start = i;
      if (rk == QR_TOK_WORD && i + 1 < toks->n && toks->kind[i + 1] == QR_TOK_NUMBER)
        caption(&c, i, &st);
    }
    if (rk == QR_TOK_NUMBER && toks->len[i] == 4) dateline(&c, i, gaps, first, &st);
    if (rk == QR_TOK_NUMBER && toks->len[i] - 4u <= 4u &&
        c.s[toks->start[i] + toks->len[i] - 3] == ':')   /* 07:17, 03:14:14 */
      time_stamp(&c, i, first, &st);
    term = (is_terminal(&c, i) || (f & QR_TF_ABBREV)) ? i : NONE;
  }
  marklist ml;   /* (field by field: local, 2 KB, is written only as marks are noted) */
  ml.marks = NULL;
  ml.nmarks = ml.marks_cap = 0;
  ml.overflow = 0;
  find_marks(&c, &ml, first);
  inline_lists(&c, &ml, gaps, first);
  if (ml.marks != ml.local) free(ml.marks);
}

/* The terminator the rules saw before the gap at token i: back over the
 * closers they absorbed. */
static size_t terminator_before(const qr_tokens *t, const uint8_t *gaps, size_t first, size_t i) {
  size_t j = i - 1;
  while (j > first && GAP_DECISION(gaps[j - first]) == GAP_NEVER && GAP_WHY(gaps[j - first]))
    j--;
  if ((t->flags[j] & QR_TF_TERMINAL) || (t->flags[j] & QR_TF_ABBREV)) return j;
  return NONE;
}

/* The rules' decisions as bit masks, one bit per gap (bit k: the gap before
 * token first + k): where a sentence ends (GAP_YES, GAP_HARD), where a
 * paragraph ends (GAP_HARD), and which tokens are terminators. The model's
 * questions (how far is the last boundary, the next one, how many
 * terminators has this paragraph) are then a count of zeros or a popcount
 * instead of a walk over the gaps, and the sentences are found 64 gaps at a
 * time. */
typedef struct gapmasks {
  uint64_t *brk, *hard, *term;
  size_t nwords;
} gapmasks;

static qr_status gapmasks_fill(gapmasks *m, const uint8_t *gaps, const qr_tokens *toks,
                               size_t first, size_t n) {
  size_t nwords = (n + 63) / 64;
  uint64_t *all = calloc(3 * nwords, sizeof *all);
  if (!all) return QR_ENOMEM;
  m->nwords = nwords;
  m->brk = all;
  m->hard = all + m->nwords;
  m->term = all + 2 * m->nwords;
  const uint8_t *flags = toks->flags + first;
  size_t k = 0;
#if defined(__SSE2__)
  const __m128i three = _mm_set1_epi8(3), one = _mm_set1_epi8(1), two = _mm_set1_epi8(2);
  const __m128i terminal = _mm_set1_epi8((char)QR_TF_TERMINAL);
  for (; k + 16 <= n; k += 16) {
    __m128i d = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)(gaps + k)), three);
    __m128i f = _mm_loadu_si128((const __m128i *)(const void *)(flags + k));
    __m128i hard = _mm_cmpeq_epi8(d, two);
    uint64_t brk = (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(hard, _mm_cmpeq_epi8(d, one)));
    uint64_t hb = (uint64_t)(unsigned)_mm_movemask_epi8(hard);
    uint64_t tb = (uint64_t)(unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_and_si128(f, terminal), terminal));
    m->brk[k >> 6] |= brk << (k & 63);
    m->hard[k >> 6] |= hb << (k & 63);
    m->term[k >> 6] |= tb << (k & 63);
  }
#endif
  for (; k < n; k++) {
    unsigned d = GAP_DECISION(gaps[k]);
    uint64_t bit = 1ULL << (k & 63);
    if (d == GAP_YES || d == GAP_HARD) m->brk[k >> 6] |= bit;
    if (d == GAP_HARD) m->hard[k >> 6] |= bit;
    if (flags[k] & QR_TF_TERMINAL) m->term[k >> 6] |= bit;
  }
  /* the text's first token starts a sentence and a paragraph */
  m->brk[0] |= 1;
  m->hard[0] |= 1;
  return QR_OK;
}

/* The last bit set in m at or before bit p; bit 0 must be set. */
static inline size_t prev_set(const uint64_t *m, size_t p) {
  size_t w = p >> 6;
  uint64_t x = m[w] & (~0ULL >> (63 - (p & 63)));
  while (!x) x = m[--w];
  return w * 64 + 63 - (size_t)__builtin_clzll(x);
}

/* The bits of m set in [a, b), at most 255. */
static unsigned count_upto255(const uint64_t *m, size_t a, size_t b) {
  unsigned n = 0;
  while (a < b && n < 255) {
    size_t w = a >> 6, lo = a & 63, hi = (b - (w << 6)) < 64 ? b - (w << 6) : 64;
    uint64_t x = m[w] >> lo;
    if (hi - lo < 64) x &= (1ULL << (hi - lo)) - 1;
    n += (unsigned)__builtin_popcountll(x);
    a = (w << 6) + hi;
  }
  return n < 255 ? n : 255;
}

/* The reasons after which qr_gap_is_candidate never asks the model: a line
 * break read as a space, a title before a name, a list item's number. */
#define MODEL_SILENT_WHYS ((1u << WHY_SOFTLINE) | (1u << WHY_TITLE) | (1u << WHY_LIST))

/* Is c (a token's first byte) one of the ASCII quotes, brackets, dashes and
 * the colon after which qr_gap_is_candidate turns down a gap with nothing
 * ended before it? (Its quotes and dashes beyond ASCII are left to it.) */
static inline unsigned ascii_quote_mark(unsigned c) {
  const uint64_t lo = (1ULL << '"') | (1ULL << '\'') | (1ULL << '(') | (1ULL << ')') |
                      (1ULL << '-') | (1ULL << ':');
  const uint64_t hi = (1ULL << ('[' - 64)) | (1ULL << (']' - 64)) | (1ULL << ('_' - 64));
  uint64_t m = c < 64 ? lo : hi;
  return (c < 128) & (unsigned)(m >> (c & 63)) & 1u;
}

/* Might the model be asked about the gap before token i? r0 and p0 are the
 * first bytes of tokens i and i - 1, prev_punct whether i - 1 is
 * punctuation. Where nothing ended before the gap, qr_gap_is_candidate
 * wants a capital, a digit or a non-ASCII letter after it, or a comma before
 * it, and no quote, bracket, dash or colon before it: the rest (a small word,
 * punctuation after a word, a capital after a quote: most gaps) never reach
 * the model. After a line break read as a space, a title or a list's
 * number, it is never asked. */
static inline unsigned may_ask(uint8_t rule, unsigned r0, unsigned p0, unsigned prev_punct) {
  unsigned why = GAP_WHY(rule);
  unsigned small = r0 - 'a' < 26u;
  unsigned cap = (r0 - 'A' < 26u) | (r0 - '0' < 10u) | (r0 >= 0x80);
  unsigned plain = ((cap | (p0 == ',')) & !small) & !(prev_punct & ascii_quote_mark(p0));
  unsigned some = why != WHY_NONE;
  unsigned open = (some & ~(MODEL_SILENT_WHYS >> why)) | ((some ^ 1u) & plain);
  return (GAP_DECISION(rule) == GAP_NO) & open & 1u;
}

#if defined(__SSE2__)
/* may_ask for the 16 gaps before tokens i to i + 15, as a bit mask. */
static unsigned may_ask16(const uint8_t *rules, const unsigned char *r0s, const uint8_t *pkind) {
  const __m128i zero = _mm_setzero_si128();
  __m128i rule = _mm_loadu_si128((const __m128i *)(const void *)rules);
  __m128i r0 = _mm_loadu_si128((const __m128i *)(const void *)(r0s + 1));
  __m128i p0 = _mm_loadu_si128((const __m128i *)(const void *)r0s);
  __m128i pk = _mm_loadu_si128((const __m128i *)(const void *)pkind);
  /* x - lo <= span, unsigned: the byte is in [lo, lo + span] */
#define IN_RANGE(x, lo, span)                                                       \
  _mm_cmpeq_epi8(_mm_min_epu8(_mm_sub_epi8((x), _mm_set1_epi8((char)(lo))),         \
                              _mm_set1_epi8((char)(span))),                         \
                 _mm_sub_epi8((x), _mm_set1_epi8((char)(lo))))
#define IS(x, c) _mm_cmpeq_epi8((x), _mm_set1_epi8((char)(c)))
  __m128i small = IN_RANGE(r0, 'a', 25);
  __m128i cap = _mm_or_si128(_mm_or_si128(IN_RANGE(r0, 'A', 25), IN_RANGE(r0, '0', 9)),
                             _mm_cmplt_epi8(r0, zero));
  __m128i quote = _mm_or_si128(_mm_or_si128(_mm_or_si128(IS(p0, '"'), IS(p0, '\'')),
                                            _mm_or_si128(IS(p0, '('), IS(p0, ')'))),
                               _mm_or_si128(_mm_or_si128(IS(p0, '-'), IS(p0, ':')),
                                            _mm_or_si128(_mm_or_si128(IS(p0, '['), IS(p0, ']')),
                                                         IS(p0, '_'))));
  __m128i muted = _mm_and_si128(_mm_or_si128(IS(pk, QR_TOK_PUNCT), IS(pk, QR_TOK_ELLIPSIS)), quote);
  __m128i plain = _mm_andnot_si128(_mm_or_si128(small, muted), _mm_or_si128(cap, IS(p0, ',')));
  /* the reason: the rule byte's upper six bits */
  __m128i why = _mm_and_si128(_mm_srli_epi16(rule, 2), _mm_set1_epi8(0x3F));
  __m128i none = _mm_cmpeq_epi8(why, zero);
  __m128i silent = _mm_or_si128(_mm_or_si128(IS(why, WHY_SOFTLINE), IS(why, WHY_TITLE)),
                                IS(why, WHY_LIST));
  __m128i open = _mm_or_si128(_mm_andnot_si128(_mm_or_si128(none, silent), _mm_set1_epi8(-1)),
                              _mm_and_si128(none, plain));
  __m128i no = _mm_cmpeq_epi8(_mm_and_si128(rule, _mm_set1_epi8(3)), _mm_set1_epi8(GAP_NO));
#undef IN_RANGE
#undef IS
  return (unsigned)_mm_movemask_epi8(_mm_and_si128(open, no));
}
#endif

/* The gaps (token indices i > first) that may_ask keeps. Whether a token
 * starts with a small letter follows no pattern a branch predictor could
 * learn, so there is no branch per token: 16 gaps at a time where SSE2 is
 * there (their first bytes gathered first), one at a time after them. */
size_t qr_model_candidates(const char *text, const qr_tokens *toks, size_t first,
                           const uint8_t *gaps, uint32_t *cand) {
  const unsigned char *s = (const unsigned char *)text;
  size_t ncand = 0, i = first + 1;
#if defined(__SSE2__)
  unsigned char r0s[17];
  for (; i + 16 <= toks->n; i += 16) {
    for (size_t k = 0; k < 17; k++) r0s[k] = s[toks->start[i - 1 + k]];
    unsigned m = may_ask16(gaps + (i - first), r0s, toks->kind + i - 1);
    for (; m; m &= m - 1) cand[ncand++] = (uint32_t)(i + (size_t)__builtin_ctz(m));
  }
#endif
  for (; i < toks->n; i++) {
    cand[ncand] = (uint32_t)i;
    ncand += may_ask(gaps[i - first], s[toks->start[i]], s[toks->start[i - 1]],
                     mark_kind(toks->kind[i - 1]));
  }
  return ncand;
}

/* The model's pass: it decides the candidate gaps the rules left open,
 * adding boundaries to gaps and to m->brk. Distances and paragraph counts
 * come from the rules' decisions alone (the masks are theirs), as in
 * training, where qr_gap_distances and qr_gap_paragraphs work them out for
 * every gap at once; the two must agree (tests/lua/segmenter_test.lua
 * checks the splitter against `quarry tokens --format explain`). */
static qr_status model_pass(const qr_segmenter *seg, const qr_sentmodel *model, const char *text,
                            const qr_tokens *toks, size_t first, uint8_t *gaps, gapmasks *m) {
  size_t n = toks->n - first;
  uint32_t *cand = malloc(n * sizeof *cand);
  if (!cand) return QR_ENOMEM;
  size_t ncand = qr_model_candidates(text, toks, first, gaps, cand);
  qr_gap g = {seg, text, toks, first, 0, 0, NONE, 0, 0, 0};
  uint64_t feats[QR_MAX_FEATURES];
  size_t para_end = 0, nyes = 0;   /* para_end: where the counted paragraph ends */
  unsigned para_terms = 0;
  /* the rules' boundaries around the candidate: brk_prev the last at or
   * before it, brk_next the first after it. The candidates come in order
   * and m->brk does not change in the loop, so both move forward only: a
   * long stretch without a boundary is read once, not once per candidate
   * in it (a storm of punctuation was quadratic) */
  size_t brk_prev = 0, brk_next = 0;
  for (size_t c = 0; c < ncand; c++) {
    size_t i = cand[c], k = i - first;
    uint8_t rule = gaps[k];
    if (k >= brk_next) {
      brk_prev = prev_set(m->brk, k);   /* gap 0 is hard: always found */
      brk_next = qr_next_set(m->brk, m->nwords, k + 1);
    }
    size_t until = (brk_next < n ? brk_next : n) - k;
    /* a capital after a small word, not just before the next boundary
     * ("the Kremlin"): the commonest gap left, which qr_gap_is_candidate
     * turns down; turned down here before the work below */
    if (GAP_WHY(rule) == WHY_NONE && until > 4 && toks->kind[i - 1] == QR_TOK_WORD &&
        (unsigned)(unsigned char)text[toks->start[i - 1]] - 'a' < 26u)
      continue;
    g.i = i;
    g.rule = rule;
    g.term = GAP_WHY(rule) ? terminator_before(toks, gaps, first, i) : NONE;
    g.until = (uint8_t)(until < 255 ? until : 255);
    /* qr_gap_is_candidate reads the paragraph's count (once per paragraph
     * that has a gap here), not the distance back: most gaps are turned
     * down before that is worked out */
    if (k >= para_end) {   /* once per paragraph that has a candidate */
      size_t ps = prev_set(m->hard, k);
      para_end = qr_next_set(m->hard, m->nwords, k + 1);
      if (para_end > n) para_end = n;
      para_terms = count_upto255(m->term, ps, para_end);
    }
    g.para_terms = (uint8_t)para_terms;
    if (!qr_gap_is_candidate(&g)) continue;
    size_t since = k - brk_prev;
    g.since = (uint8_t)(since < 255 ? since : 255);
    size_t nf = qr_gap_features(&g, feats, NULL);
    if (qr_sentmodel_decide(model, feats, nf)) {
      gaps[k] = GAP(GAP_YES, GAP_WHY(rule));
      cand[nyes++] = (uint32_t)k;   /* behind c: read already */
    }
  }
  for (size_t y = 0; y < nyes; y++) m->brk[cand[y] >> 6] |= 1ULL << (cand[y] & 63);
  free(cand);
  return QR_OK;
}

qr_status qr_split_sentences(const qr_segmenter *seg, const char *text, size_t len,
                             const qr_tokens *toks, size_t first, qr_sentences *out) {
  if (first >= toks->n) return QR_OK;
  size_t n = toks->n - first;
  uint8_t *gaps = malloc(n);
  if (!gaps) return QR_ENOMEM;
  qr_split_rules(seg, text, len, toks, first, gaps);
  gapmasks m = {0};
  qr_status rc = gapmasks_fill(&m, gaps, toks, first, n);
  const qr_sentmodel *model = seg ? seg->model : NULL;
  if (rc == QR_OK && model) rc = model_pass(seg, model, text, toks, first, gaps, &m);
  /* the sentences: from one boundary to the next (bit 0, the hard gap
   * before the first token, is passed over: it starts the first sentence) */
  size_t start = first, k = 0;
  while (rc == QR_OK && start < toks->n) {
    k = qr_next_set(m.brk, m.nwords, k + 1);
    size_t i = k < n ? first + k : toks->n, last = i - 1;
    int flags = (start == first || (toks->flags[start] & QR_TF_PARA_BEFORE)) ? QR_SF_PARA_START : 0;
    /* a headline: a whole line without final punctuation */
    int line_start = start == first || (toks->flags[start] & QR_TF_NEWLINE_BEFORE);
    int line_end = i == toks->n || (toks->flags[i] & QR_TF_NEWLINE_BEFORE);
    if (line_start && line_end && !(toks->flags[last] & QR_TF_TERMINAL) &&
        !(toks->flags[last] & QR_TF_ABBREV))
      flags |= QR_SF_HEADLINE;
    rc = push(out, start, i - start, flags);
    start = i;
  }
  free(m.brk);
  free(gaps);
  return rc;
}

/* Appends the text of token i, at most 24 bytes. */
static qr_status put_token(qr_buf *out, const char *text, const qr_tokens *t, size_t i) {
  size_t n = t->len[i] < 24 ? t->len[i] : 24;
  return qr_buf_append(out, text + t->start[i], n);
}

static const char *const why_text[WHY_MAX] = {
  "-", "period", "question", "exclaim", "ellipsis", "abbr", "title", "numabbr", "initial",
  "acronym", "softline", "dash", "list", "link", "date", "letter", "caption", "ruler", "stamp"};

qr_status qr_split_explain(const qr_segmenter *seg, const char *text, size_t len,
                           const qr_tokens *toks, size_t first, qr_buf *out) {
  if (first >= toks->n) return QR_OK;
  size_t n = toks->n - first;
  uint8_t *gaps = malloc(4 * n);
  if (!gaps) return QR_ENOMEM;
  uint8_t *since = gaps + n, *until = gaps + 2 * n, *para = gaps + 3 * n;
  qr_split_rules(seg, text, len, toks, first, gaps);
  qr_gap_distances(gaps, n, since, until);
  qr_gap_paragraphs(toks, first, gaps, para);
  const qr_sentmodel *model = seg ? seg->model : NULL;
  qr_gap g = {seg, text, toks, first, 0, 0, NONE, 0, 0, 0};
  uint64_t feats[QR_MAX_FEATURES];
  qr_buf names = {0};
  qr_status rc = QR_OK;
  for (size_t i = first + 1; i < toks->n && rc == QR_OK; i++) {
    int d = GAP_DECISION(gaps[i - first]);
    if (d != GAP_NO && d != GAP_YES) continue;
    g.i = i;
    g.rule = gaps[i - first];
    g.term = GAP_WHY(g.rule) ? terminator_before(toks, gaps, first, i) : NONE;
    g.since = since[i - first];
    g.until = until[i - first];
    g.para_terms = para[i - first];
    int cand = model && qr_gap_is_candidate(&g);
    if (!cand && d == GAP_NO) continue;
    if (i >= first + 2 && (rc = put_token(out, text, toks, i - 2))) break;
    if (qr_buf_putc(out, ' ') || put_token(out, text, toks, i - 1) ||
        qr_buf_puts(out, " | ") || put_token(out, text, toks, i) ||
        qr_buf_printf(out, "\trules: %s (%s)", d == GAP_YES ? "split" : "join",
                      why_text[GAP_WHY(g.rule)])) {
      rc = QR_ENOMEM;
      break;
    }
    if (cand) {
      qr_buf_reset(&names);
      size_t nf = qr_gap_features(&g, feats, &names);
      float score = qr_sentmodel_score(model, feats, nf);
      int yes = qr_sentmodel_decide(model, feats, nf);
      rc = qr_buf_printf(out, "\tmodel: %s (score %+.2f)", yes ? "split" : "join", score);
      /* the three features that weigh most, either way */
      const char *nm = names.data;
      float w[QR_MAX_FEATURES];
      const char *fn[QR_MAX_FEATURES];
      for (size_t k = 0; k < nf; k++) {
        fn[k] = nm;
        w[k] = qr_sentmodel_score(model, &feats[k], 1);
        nm += strlen(nm) + 1;
      }
      for (int top = 0; top < 3 && rc == QR_OK; top++) {
        size_t best = nf;
        for (size_t k = 0; k < nf; k++)
          if (fn[k] && (best == nf || (w[k] < 0 ? -w[k] : w[k]) > (w[best] < 0 ? -w[best] : w[best])))
            best = k;
        if (best == nf || w[best] == 0) break;
        rc = qr_buf_printf(out, "%s%s %+.2f", top ? ", " : "  [", fn[best], w[best]);
        fn[best] = NULL;
        if (rc == QR_OK && (top == 2)) rc = qr_buf_putc(out, ']');
      }
    }
    if (rc == QR_OK) rc = qr_buf_putc(out, '\n');
  }
  qr_buf_free(&names);
  free(gaps);
  return rc;
}

void qr_sentences_reset(qr_sentences *s) { s->n = 0; }

qr_status qr_sentences_reserve(qr_sentences *s, size_t extra) {
  if (s->cap - s->n >= extra) return QR_OK;
  size_t need = s->n + extra, c1 = s->cap, c2 = s->cap, c3 = s->cap;
  if (qr_grow((void **)&s->first, &c1, need, sizeof *s->first) ||
      qr_grow((void **)&s->count, &c2, need, sizeof *s->count) ||
      qr_grow((void **)&s->flags, &c3, need, 1))
    return QR_ENOMEM;
  /* the three grow alike from the same capacity; the least is safe */
  s->cap = c1 < c2 ? (c1 < c3 ? c1 : c3) : (c2 < c3 ? c2 : c3);
  return QR_OK;
}

void qr_sentences_free(qr_sentences *s) {
  free(s->first);
  free(s->count);
  free(s->flags);
  memset(s, 0, sizeof *s);
}
