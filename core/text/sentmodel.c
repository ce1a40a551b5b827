/* sentmodel.c — the learned sentence-boundary model: features of a gap,
 * scoring, the model's text form, and training (an averaged perceptron).
 *
 * Features are hashed to 64 bits from a template number and the hash of
 * their value, so scoring builds no strings; training keeps each feature's
 * readable name beside its hash, and the model file has both, so a person
 * can see what was learned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/segmenter.h"
#include "text/sentmodel.h"
#include "quarry/lexicon.h"
#include "quarry/utf8.h"

#define NONE ((size_t)-1)

/* ---- features ------------------------------------------------------------- */

enum {
  F_BIAS = 1, F_RULE, F_LW, F_RW, F_LS, F_RS, F_L2S, F_R2S, F_LW_RS, F_LS_RW, F_LS_RS,
  F_L2S_LS_RS, F_LS_RS_R2S, F_R2W, F_SPACE, F_TW, F_RULE_RS, F_STARTER, F_LLEN, F_KINDS,
  F_SINCE, F_UNTIL, F_SINCE_UNTIL, F_UNTIL_RS, F_PARA, F_PARA_RULE, F_L2W, F_LW_RW, F_RW_R2S, F_L2W_LW, F_R2S_R3S
};

static const char *const template_names[] = {
  "", "bias", "rule", "L.w", "R.w", "L.s", "R.s", "L2.s", "R2.s", "L.w|R.s", "L.s|R.w",
  "L.s|R.s", "L2.s|L.s|R.s", "L.s|R.s|R2.s", "R2.w", "space", "T.w", "rule|R.s", "R.starter",
  "L.len", "kinds", "since", "until", "since|until", "until|R.s", "para", "para|rule", "L2.w", "L.w|R.w", "R.w|R2.s", "L2.w|L.w", "R.s|R2.s|R3.s"};

static const char *const why_names[WHY_MAX] = {
  "none", "period", "question", "exclaim", "ellipsis", "abbr", "title", "numabbr", "initial",
  "acronym", "softline", "dash", "list", "link", "date", "letter", "caption", "ruler", "stamp"};

/* A token's kind as the model knows it: an ellipsis is the mark it was
 * when the model was trained (its features would change otherwise). */
static int model_kind(int kind) { return kind == QR_TOK_ELLIPSIS ? QR_TOK_PUNCT : kind; }

static uint64_t mix(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

static uint64_t combine(uint64_t a, uint64_t b) { return mix(a * 0x9e3779b97f4a7c15ULL + b + 1); }

/* A token's lower-cased form (ASCII folded, at most 24 bytes) and its shape:
 * X for a capital, x for a small letter, d for a digit, other characters as
 * they are, each run written once ("Putin" Xx, "09/16/99" d/d/d, "U.S." X.X.). */
typedef struct tokview {
  char word[25];
  char shape[13];
  size_t wlen, slen;
  uint64_t wh, sh;
} tokview;

/* The shape character of each ASCII byte: X, x, d, or the byte itself. */
static const char ascii_shape[128] = {
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
  26, 27, 28, 29, 30, 31, ' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+', ',', '-',
  '.', '/', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', ':', ';', '<', '=', '>', '?', '@',
  'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X',
  'X', 'X', 'X', 'X', 'X', 'X', 'X', '[', '\\', ']', '^', '_', '`', 'x', 'x', 'x', 'x', 'x', 'x',
  'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
  'x', '{', '|', '}', '~', 127};

static void view_token(const qr_gap *g, size_t i, tokview *v) {
  const qr_tokens *t = g->toks;
  if (i == NONE || i < g->first || i >= t->n) {
    const char *edge = i == NONE || i < g->first ? "^" : "$";
    memcpy(v->word, edge, 2);
    memcpy(v->shape, edge, 2);
    v->wlen = v->slen = 1;
  } else {
    const unsigned char *s = (const unsigned char *)g->text + t->start[i];
    size_t n = t->len[i];
    v->wlen = n < 24 ? n : 24;
    for (size_t k = 0; k < v->wlen; k++)   /* ASCII capitals down, without a branch */
      v->word[k] = (char)(s[k] + 32 * ((unsigned)s[k] - 'A' < 26u));
    v->word[v->wlen] = '\0';
    /* each run of a kind of character written once: a store per character,
     * and the length moves on only at a change */
    size_t slen = 0;
    char last = 0;
    for (size_t k = 0; k < n && slen < 12;) {
      char c;
      if (s[k] < 0x80) {
        c = ascii_shape[s[k]];
        k++;
      } else {
        int32_t cp;
        k += (size_t)qr_utf8_decode(s + k, n - k, &cp);
        qr_cclass cl = qr_char_class(cp);
        c = cl == QR_CC_UPPER ? 'X' : cl == QR_CC_LOWER || cl == QR_CC_LETTER ? 'x'
            : cl == QR_CC_DIGIT ? 'd' : 'u';
      }
      v->shape[slen] = c;
      slen += c != last;
      last = c;
    }
    v->slen = slen;
    v->shape[slen] = '\0';
  }
  v->wh = qr_hash_bytes(v->word, v->wlen);
  v->sh = qr_hash_bytes(v->shape, v->slen);
}

void qr_gap_distances(const uint8_t *gaps, size_t n, uint8_t *since, uint8_t *until) {
  /* since: the tokens between the previous boundary and this gap, whatever
   * the rules decide here (else it would only repeat their decision) */
  unsigned run = 0;
  for (size_t k = 0; k < n; k++) {
    since[k] = (uint8_t)(run < 255 ? run : 255);
    int d = GAP_DECISION(gaps[k]);
    if (k == 0 || d == GAP_YES || d == GAP_HARD) run = 0;
    run++;
  }
  run = 0;
  for (size_t k = n; k-- > 0;) {
    run++;
    until[k] = (uint8_t)(run < 255 ? run : 255);
    int d = GAP_DECISION(gaps[k]);
    if (d == GAP_YES || d == GAP_HARD) run = 0;
  }
}

void qr_gap_paragraphs(const qr_tokens *toks, size_t first, const uint8_t *gaps, uint8_t *terms) {
  size_t n = toks->n - first, a = 0;
  while (a < n) {
    size_t b = a + 1;
    while (b < n && GAP_DECISION(gaps[b]) != GAP_HARD) b++;
    unsigned count = 0;
    for (size_t k = a; k < b; k++) count += (toks->flags[first + k] & QR_TF_TERMINAL) != 0;
    for (size_t k = a; k < b; k++) terms[k] = (uint8_t)(count < 255 ? count : 255);
    a = b;
  }
}

/* Lengths in tokens, in buckets: 0, 1, 2, 3-4, 5-8, 9-16, 17-32, 33+. */
static int bucket(unsigned n) {
  if (n < 3) return (int)n;
  if (n <= 4) return 3;
  if (n <= 8) return 4;
  if (n <= 16) return 5;
  if (n <= 32) return 6;
  return 7;
}

/* Is the token a quote, a bracket or a dash (punctuation of dialogue and
 * asides, where the training data teaches little)? */
static int quote_or_dash(const char *s, size_t n) {
  unsigned char c = (unsigned char)s[0];
  if (c == '"' || c == '\'' || c == '(' || c == ')' || c == '[' || c == ']' || c == '-' ||
      c == '_')
    return 1;
  return n >= 3 && c == 0xE2 && (unsigned char)s[1] == 0x80 &&
         ((unsigned char)s[2] >= 0x93 && (unsigned char)s[2] <= 0x9D);   /* – — ‘ ’ “ ” */
}

/* Is token i a small number, as after a label: "Figure 2", "Explorer 6",
 * "Table 1.3" (one or two digits, then at most a period and two more)? */
static int label_number(const char *text, const qr_tokens *t, size_t i) {
  const char *s = text + t->start[i];
  size_t n = t->len[i], k = 0;
  if (t->kind[i] != QR_TOK_NUMBER) return 0;
  while (k < n && k < 3 && s[k] >= '0' && s[k] <= '9') k++;
  if (k == 0 || k > 2) return 0;
  if (k == n) return 1;
  if (s[k] != '.' || n - k - 1 > 2 || n - k - 1 == 0) return 0;
  for (k++; k < n; k++)
    if (s[k] < '0' || s[k] > '9') return 0;
  return 1;
}

/* The gaps the model is asked about: where the training data shows the rules
 * going wrong (a small word after a terminator, mail headers and
 * signatures, lists and tables) and it has seen enough to judge. Elsewhere
 * the rules decide alone, which also keeps the model off most gaps of plain
 * prose. */
int qr_gap_is_candidate(const qr_gap *g) {
  const qr_tokens *t = g->toks;
  size_t i = g->i;
  int why = GAP_WHY(g->rule);
  /* the model only adds boundaries: removing the rules' own gained nothing
   * on held-out data */
  if (GAP_DECISION(g->rule) != GAP_NO) return 0;
  /* a line break inside a hard-wrapped paragraph: none in the training data;
   * the number of a list item: the rules know it starts the item */
  if (why == WHY_SOFTLINE || why == WHY_LIST) return 0;
  const char *rs = g->text + t->start[i], *ls = g->text + t->start[i - 1];
  unsigned char r0 = (unsigned char)rs[0], l0 = (unsigned char)ls[0];
  int r_small = r0 >= 'a' && r0 <= 'z';
  /* the common case first: a small word, nothing ended before it */
  if (r_small && why == WHY_NONE) return 0;
  int r_cap = (r0 >= 'A' && r0 <= 'Z') || (r0 >= '0' && r0 <= '9') || r0 >= 0x80;
  if (why != WHY_NONE) {
    /* a title before a name, a numbering abbreviation before a number: the
     * lexicon's class decides (Mr. Smith, No. 5) */
    if (why == WHY_TITLE || (why == WHY_NUMABBR && r0 >= '0' && r0 <= '9')) return 0;
    /* after a quoted sentence, a small word continues it (“Go!” she said);
     * after an ellipsis, a small word mostly does too (EWT: 135 times in
     * 155) and the model learns too little to find the rest */
    if (r_small && ((g->term != NONE && g->term != i - 1) || why == WHY_ELLIPSIS)) return 0;
    return 1;
  }
  switch (model_kind(t->kind[i - 1])) {
  case QR_TOK_WORD:
    /* before a capital; after a small word ("the Kremlin") only just before
     * the rules' next boundary, where a signature or a line may end. Not
     * far from both boundaries: in EWT train a sentence ends there 72
     * times in 6,328, which the model found no better than chance (make cv
     * 90.82 without them, 90.79 with), and in prose those gaps were half
     * of all candidates. After a capitalised word, far from both only in a
     * paragraph of few terminators (at most 3: headers, signatures, lists);
     * in prose such gaps are inside names ("Old Marley"): EWT train has 135
     * boundaries in 3,975 of them, which the model did not find (make cv
     * 90.93 with them, 90.91 without), and they were 43% of the candidates
     * in books. Not between a label and its number ("Figure 2", "Internet
     * Explorer 6"). */
    if (label_number(g->text, t, i)) return 0;
    return r_cap && (g->until <= 4 || (!(l0 >= 'a' && l0 <= 'z') && g->para_terms <= 3));
  case QR_TOK_PUNCT:
    /* after a comma, a sentence only ends before a closing line without
     * final punctuation ("Thank you, Jana"), not before "..., Kim Jong Il." */
    if (t->len[i - 1] == 1 && l0 == ',') {
      size_t last = i + g->until - 1;
      return g->until <= 4 && last < t->n &&
             !(t->flags[last] & (QR_TF_TERMINAL | QR_TF_ABBREV)) &&
             !(t->len[last] == 1 && g->text[t->start[last]] == ':');
    }
    /* a colon: whether the text after it is a sentence of its own is a
     * matter of convention (EWT splits 129 times in 348 before a capital,
     * GUM 15 in 225), which the model cannot learn from one treebank */
    if (l0 == ':' || quote_or_dash(ls, t->len[i - 1])) return 0;
    return r_cap;
  default:   /* numbers, URLs, addresses, symbols: mail headers, lists */
    return r_cap;
  }
}

typedef struct fset {
  uint64_t *f;
  size_t n;
  qr_buf *names;
} fset;

static void add_name(qr_buf *names, int tmpl, const char *name, size_t nlen) {
  qr_buf_puts(names, template_names[tmpl]);
  qr_buf_putc(names, '=');
  qr_buf_append(names, name, nlen);
  qr_buf_putc(names, '\0');
}

static inline void add(fset *fs, int tmpl, uint64_t value, const char *name, size_t nlen) {
  if (fs->n >= QR_MAX_FEATURES) return;
  fs->f[fs->n++] = combine((uint64_t)tmpl, value) | 1;   /* never 0: 0 marks an empty slot */
  if (fs->names) add_name(fs->names, tmpl, name, nlen);
}

/* add() for a value made of parts joined by |, hashed in order */
static inline void add2(fset *fs, int tmpl, uint64_t a, uint64_t b, const char *na, const char *nb) {
  char name[80];
  int n = fs->names ? snprintf(name, sizeof name, "%s|%s", na, nb) : 0;
  add(fs, tmpl, combine(a, b), name, n > 0 ? (size_t)n : 0);
}

static inline void add3(fset *fs, int tmpl, uint64_t a, uint64_t b, uint64_t c, const char *na,
                 const char *nb, const char *nc) {
  char name[80];
  int n = fs->names ? snprintf(name, sizeof name, "%s|%s|%s", na, nb, nc) : 0;
  add(fs, tmpl, combine(combine(a, b), c), name, n > 0 ? (size_t)n : 0);
}

size_t qr_gap_features(const qr_gap *g, uint64_t *f, qr_buf *names) {
  const qr_tokens *t = g->toks;
  size_t i = g->i;
  fset fs = {f, 0, names};
  tokview L2, L, R, R2, R3;
  view_token(g, i >= g->first + 2 ? i - 2 : NONE, &L2);
  view_token(g, i - 1, &L);
  view_token(g, i, &R);
  view_token(g, i + 1, &R2);
  view_token(g, i + 2, &R3);
  int decision = GAP_DECISION(g->rule), why = GAP_WHY(g->rule);
  /* the rules' view as a number; its name is made only when names are wanted */
  uint64_t rh = mix((uint64_t)(why * 4 + decision) + 0x51);
  char rule[24] = "";
  int rl = 0;
  if (names)
    rl = snprintf(rule, sizeof rule, "%s:%s", why_names[why], decision == GAP_YES ? "yes" : "no");

  add(&fs, F_BIAS, 0, "", 0);
  add(&fs, F_RULE, rh, rule, (size_t)rl);
  add(&fs, F_LW, L.wh, L.word, L.wlen);
  add(&fs, F_RW, R.wh, R.word, R.wlen);
  add(&fs, F_LS, L.sh, L.shape, L.slen);
  add(&fs, F_RS, R.sh, R.shape, R.slen);
  add(&fs, F_L2S, L2.sh, L2.shape, L2.slen);
  add(&fs, F_R2S, R2.sh, R2.shape, R2.slen);
  add2(&fs, F_LW_RS, L.wh, R.sh, L.word, R.shape);
  add2(&fs, F_LS_RW, L.sh, R.wh, L.shape, R.word);
  add2(&fs, F_LS_RS, L.sh, R.sh, L.shape, R.shape);
  add3(&fs, F_L2S_LS_RS, L2.sh, L.sh, R.sh, L2.shape, L.shape, R.shape);
  add3(&fs, F_LS_RS_R2S, L.sh, R.sh, R2.sh, L.shape, R.shape, R2.shape);
  add(&fs, F_R2W, R2.wh, R2.word, R2.wlen);
  /* the word before the punctuation: "Eng ." (an abbreviation) or "there ." */
  add(&fs, F_L2W, L2.wh, L2.word, L2.wlen);
  add2(&fs, F_LW_RW, L.wh, R.wh, L.word, R.word);
  add2(&fs, F_RW_R2S, R.wh, R2.sh, R.word, R2.shape);
  add2(&fs, F_L2W_LW, L2.wh, L.wh, L2.word, L.word);
  add3(&fs, F_R2S_R3S, R.sh, R2.sh, R3.sh, R.shape, R2.shape, R3.shape);
  int space = (t->flags[i] & QR_TF_SPACE_BEFORE) ? 1 : 0;
  int nl = (t->flags[i] & QR_TF_NEWLINE_BEFORE) ? 1 : 0;
  const char *sp_name = nl ? "newline" : space ? "space" : "none";
  add(&fs, F_SPACE, (uint64_t)(space + 2 * nl), sp_name, strlen(sp_name));
  if (g->term != NONE && g->term != i - 1) {
    tokview T;
    view_token(g, g->term, &T);
    add(&fs, F_TW, T.wh, T.word, T.wlen);
  }
  add2(&fs, F_RULE_RS, rh, R.sh, rule, R.shape);
  int starter = qr_segmenter_is_starter(g->seg, g->text + t->start[i], t->len[i]);
  add2(&fs, F_STARTER, (uint64_t)starter, rh, starter ? "yes" : "no", rule);
  if (L.wlen > 1 && L.word[L.wlen - 1] == '.') {
    static const char *const lens[] = {"0", "1", "2", "3", "4", "5"};
    size_t ll = L.wlen > 5 ? 5 : L.wlen;
    add(&fs, F_LLEN, (uint64_t)ll, lens[ll], 1);
  }
  int lkind = model_kind(t->kind[i - 1]), rkind = model_kind(t->kind[i]);
  const char *lk = qr_token_kind_name(lkind), *rk = qr_token_kind_name(rkind);
  add2(&fs, F_KINDS, (uint64_t)lkind, (uint64_t)rkind, lk, rk);
  /* where the gap lies between the rules' boundaries */
  static const char *const bnames[] = {"0", "1", "2", "3-4", "5-8", "9-16", "17-32", "33+"};
  int bs = bucket(g->since), bu = bucket(g->until);
  add(&fs, F_SINCE, (uint64_t)bs, bnames[bs], strlen(bnames[bs]));
  add(&fs, F_UNTIL, (uint64_t)bu, bnames[bu], strlen(bnames[bu]));
  add2(&fs, F_SINCE_UNTIL, (uint64_t)bs, (uint64_t)bu, bnames[bs], bnames[bu]);
  add2(&fs, F_UNTIL_RS, (uint64_t)bu, R.sh, bnames[bu], R.shape);
  /* the paragraph: how many terminators it has (none: a heading, a list,
   * a signature; many: prose) */
  static const char *const pnames[] = {"0", "1", "2-3", "4+"};
  int pt = g->para_terms == 0 ? 0 : g->para_terms == 1 ? 1 : g->para_terms <= 3 ? 2 : 3;
  add(&fs, F_PARA, (uint64_t)pt, pnames[pt], strlen(pnames[pt]));
  add2(&fs, F_PARA_RULE, (uint64_t)pt, rh, pnames[pt], rule);
  return fs.n;
}

/* ---- the model ------------------------------------------------------------- */

int qr_sentmodel_decide(const qr_sentmodel *m, const uint64_t *f, size_t n) {
  return qr_sentmodel_score(m, f, n) > m->margin;
}

/* The weight of feature f, 0 when the model has none. Keys sit at or after
 * their home slot (linear probing, no wrap-around: the table has spare
 * slots at its end), and the table is at most a quarter full, so the key is
 * nearly always in one of the first two slots: both are read without a
 * branch, and the loop after them runs for one feature in twenty or so. */
static inline float weight_of(const qr_sentmodel *m, uint64_t f) {
  const qr_weight *e = &m->table[f & (m->slots - 1)];
  uint64_t k0 = e[0].key, k1 = e[1].key;
  /* the weights' bits, kept where the key matches (at most one does): masks,
   * not a conditional, which the compiler would turn into branches */
  uint32_t w0, w1;
  memcpy(&w0, &e[0].w, sizeof w0);
  memcpy(&w1, &e[1].w, sizeof w1);
  uint32_t bits = (w0 & (uint32_t)-(uint32_t)(k0 == f)) | (w1 & (uint32_t)-(uint32_t)(k1 == f));
  unsigned go_on = (unsigned)(k0 != f) + (unsigned)(k1 != f) + (unsigned)(k0 != 0) + (unsigned)(k1 != 0);
  if (go_on == 4) {   /* neither slot holds f, and neither ends the probe: rare */
    for (e += 2; e->key; e++)
      if (e->key == f) return e->w;
    return 0.0f;
  }
  float w;
  memcpy(&w, &bits, sizeof w);
  return w;
}

float qr_sentmodel_score(const qr_sentmodel *m, const uint64_t *f, size_t n) {
  size_t mask = m->slots - 1;
  /* ask for every slot first, so that the cache misses overlap */
  for (size_t k = 0; k < n; k++) __builtin_prefetch(&m->table[f[k] & mask]);
  float score = 0;
  for (size_t k = 0; k < n; k++) score += weight_of(m, f[k]);
  return score;
}

void qr_sentmodel_free(qr_sentmodel *m) {
  if (!m) return;
  free(m->table);
  free(m);
}

size_t qr_sentmodel_size(const qr_sentmodel *m) { return m ? m->n : 0; }

void qr_segmenter_set_model(qr_segmenter *seg, qr_sentmodel *m) {
  if (seg->model != m) qr_sentmodel_free(seg->model);
  seg->model = m;
}

/* Slots past the last home slot, so that probing never wraps around. */
#define SPARE_SLOTS 64

/* Builds the model's table from the weights (a later one for the same key
 * wins) with a quarter of its slots used, so that weight_of nearly always
 * finds a key in its first two slots. Keys probe forward from their home
 * slot; the last spare slot always stays empty, so that every probe ends.
 * Returns 0 when out of memory. */
static int build_table(qr_sentmodel *m, const qr_weight *w, size_t n) {
  size_t slots = 64;
  while (slots < 4 * n) slots *= 2;
  for (;;) {
    qr_weight *t = calloc(slots + SPARE_SLOTS, sizeof *t);
    if (!t) return 0;
    size_t count = 0, k = 0;
    for (; k < n; k++) {
      size_t s = (size_t)(w[k].key & (slots - 1));
      while (t[s].key && t[s].key != w[k].key) s++;
      if (s >= slots + SPARE_SLOTS - 1) break;   /* a run into the last slot: grow */
      count += !t[s].key;
      t[s] = w[k];
    }
    if (k == n) {
      m->table = t;
      m->slots = slots;
      m->n = count;
      return 1;
    }
    free(t);
    slots *= 2;
  }
}


/* A weight as the trainer writes it ("-1.2521"): digits with a point, read
 * by hand as an integer over a power of ten, which IEEE division rounds
 * exactly as strtod rounds the decimal (both give the double nearest the
 * same rational), at a fraction of its cost. Anything else (an exponent,
 * too many digits) goes to strtod. */
static double parse_weight(const char *s, char **end) {
  static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15};
  const char *p = s;
  int neg = *p == '-';
  p += neg;
  uint64_t m = 0;
  int digits = 0, decimals = -1;
  for (;; p++) {
    if (*p >= '0' && *p <= '9') {
      m = m * 10 + (uint64_t)(*p - '0');
      digits++;
      if (decimals >= 0) decimals++;
    } else if (*p == '.' && decimals < 0) {
      decimals = 0;
    } else {
      break;
    }
  }
  if (digits == 0 || digits > 15 || (*p != '\t' && *p != '\0'))
    return strtod(s, end);
  *end = (char *)p;
  double v = (double)m / pow10[decimals > 0 ? decimals : 0];
  return neg ? -v : v;
}

/* The text form: "# comment" lines, then one line per weight:
 * HASH<TAB>WEIGHT<TAB>NAME, HASH 16 hexadecimal digits. */
qr_status qr_sentmodel_load(qr_sentmodel **out, const char *text, size_t len, const char *name,
                            qr_error *err) {
  *out = NULL;
  size_t lines = 0;
  for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
  qr_sentmodel *m = calloc(1, sizeof *m);
  /* the weights as read, in order; the table is built from them at the end */
  qr_weight *read = malloc((lines + 1) * sizeof *read);
  size_t nread = 0;
  if (!m || !read) {
    free(read);
    qr_sentmodel_free(m);
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  }
  size_t i = 0, lineno = 0;
  int header = 0;
  while (i < len) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - text) : len;
    lineno++;
    const char *line = text + i;
    size_t ll = e - i;
    i = e + 1;
    if (ll == 0) continue;
    if (line[0] == '#') {
      if (lineno == 1 && ll >= 24 && memcmp(line, "# quarry sentence model", 23) == 0) header = 1;
      if (ll > 9 && memcmp(line, "# margin ", 9) == 0) {
        char buf[32];
        size_t take = ll - 9 < sizeof buf - 1 ? ll - 9 : sizeof buf - 1;
        memcpy(buf, line + 9, take);
        buf[take] = '\0';
        char *end;
        double mg = strtod(buf, &end);
        if (end == buf || mg < 0) {
          free(read);
          qr_sentmodel_free(m);
          return qr_error_set(err, QR_EDATA, "%s:%zu: bad margin", name, lineno);
        }
        m->margin = (float)mg;
      }
      continue;
    }
    if (!header) {
      free(read);
      qr_sentmodel_free(m);
      return qr_error_set(err, QR_EDATA, "%s:1: not a quarry sentence model (no header)", name);
    }
    char buf[64];
    size_t take = ll < sizeof buf - 1 ? ll : sizeof buf - 1;
    memcpy(buf, line, take);
    buf[take] = '\0';
    /* 16 hex digits by hand: strtoull was a third of loading a model, which
     * every segmenter does */
    uint64_t key = 0;
    char *end = buf;
    for (; end < buf + 16; end++) {
      unsigned c = (unsigned char)*end, d = c - '0', x = (c | 0x20) - 'a';
      if (d < 10) key = key << 4 | d;
      else if (x < 6) key = key << 4 | (x + 10);
      else break;
    }
    if (end != buf + 16 || *end != '\t' || key == 0) {
      free(read);
      qr_sentmodel_free(m);
      return qr_error_set(err, QR_EDATA, "%s:%zu: expected a 16-digit feature hash", name, lineno);
    }
    char *wend;
    double w = parse_weight(end + 1, &wend);
    if (wend == end + 1 || (*wend != '\t' && *wend != '\0')) {
      free(read);
      qr_sentmodel_free(m);
      return qr_error_set(err, QR_EDATA, "%s:%zu: expected a weight after the hash", name, lineno);
    }
    read[nread].key = key;
    read[nread].w = (float)w;
    nread++;
  }
  int ok = header && build_table(m, read, nread);
  free(read);
  if (!ok) {
    qr_sentmodel_free(m);
    if (!header)
      return qr_error_set(err, QR_EDATA, "%s:1: not a quarry sentence model (no header)", name);
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  }
  *out = m;
  return QR_OK;
}

/* ---- training ------------------------------------------------------------- */

/* Weights smaller than this are left out of the model: on held-out data
 * (EWT cross-validation, GUM train) leaving out those under 0.5 changed no
 * score and kept a third of the weights. */
#define MIN_WEIGHT 0.5

/* How many perceptrons (each from its own shuffles) the trainer averages. */
#ifndef TRAIN_RUNS
#define TRAIN_RUNS 5
#endif

struct qr_sentmodel_trainer {
  const qr_segmenter *seg;
  qr_tokens toks;
  uint64_t *feats;        /* the features of every example, back to back */
  size_t nfeats, feats_cap;
  uint32_t *ex_first;     /* per example: its first feature */
  int8_t *label;          /* +1 boundary, -1 not */
  uint8_t *rule_yes;      /* what the rules said */
  size_t nex, ex_cap;
  qr_lexicon *names;      /* readable names, by first sighting of each hash */
  uint64_t *name_hash;    /* per name id: its hash */
  size_t name_cap;
  qr_train_report rep;
};

qr_sentmodel_trainer *qr_sentmodel_trainer_new(const qr_segmenter *seg) {
  qr_sentmodel_trainer *tr = calloc(1, sizeof *tr);
  if (!tr) return NULL;
  tr->seg = seg;
  tr->names = qr_lexicon_new();
  if (!tr->names) {
    free(tr);
    return NULL;
  }
  return tr;
}

void qr_sentmodel_trainer_free(qr_sentmodel_trainer *tr) {
  if (!tr) return;
  qr_tokens_free(&tr->toks);
  free(tr->feats);
  free(tr->ex_first);
  free(tr->label);
  free(tr->rule_yes);
  qr_lexicon_free(tr->names);
  free(tr->name_hash);
  free(tr);
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

qr_status qr_sentmodel_trainer_add(qr_sentmodel_trainer *tr, const char *text, size_t len,
                                   const size_t *starts, size_t nstarts) {
  qr_tokens_reset(&tr->toks);
  qr_status rc = qr_tokenize(tr->seg, text, len, &tr->toks);
  if (rc) return rc;
  size_t n = tr->toks.n;
  tr->rep.texts++;
  if (n < 2) return QR_OK;
  size_t *gold = malloc(nstarts * sizeof *gold + 1);
  uint8_t *gaps = malloc(n);
  qr_buf names = {0};
  if (!gold || !gaps) {
    free(gold);
    free(gaps);
    return QR_ENOMEM;
  }
  memcpy(gold, starts, nstarts * sizeof *gold);
  qsort(gold, nstarts, sizeof *gold, cmp_size);
  qr_split_rules(tr->seg, text, len, &tr->toks, 0, gaps);
  uint8_t *since = malloc(3 * n);
  if (!since) {
    free(gold);
    free(gaps);
    return QR_ENOMEM;
  }
  uint8_t *until = since + n, *para = since + 2 * n;
  qr_gap_distances(gaps, n, since, until);
  qr_gap_paragraphs(&tr->toks, 0, gaps, para);
  /* gold starts that are no token start of ours cannot be learned */
  size_t k = 0;
  for (size_t g = 0; g < nstarts; g++) {
    while (k < n && tr->toks.start[k] < gold[g]) k++;
    if (k >= n || tr->toks.start[k] != gold[g]) tr->rep.unreachable++;
  }
  qr_gap gp = {tr->seg, text, &tr->toks, 0, 0, 0, NONE, 0, 0, 0};
  size_t gi = 0;
  uint64_t f[QR_MAX_FEATURES];
  for (size_t i = 1; i < n && rc == QR_OK; i++) {
    tr->rep.gaps++;
    int d = GAP_DECISION(gaps[i]);
    if (d != GAP_NO && d != GAP_YES) continue;
    gp.i = i;
    gp.rule = gaps[i];
    gp.term = NONE;
    gp.since = since[i];
    gp.until = until[i];
    gp.para_terms = para[i];
    if (GAP_WHY(gp.rule)) {   /* the terminator before the absorbed closers */
      size_t j = i - 1;
      while (j > 0 && GAP_DECISION(gaps[j]) == GAP_NEVER && GAP_WHY(gaps[j])) j--;
      if ((tr->toks.flags[j] & QR_TF_TERMINAL) || (tr->toks.flags[j] & QR_TF_ABBREV)) gp.term = j;
    }
    if (!qr_gap_is_candidate(&gp)) continue;
    while (gi < nstarts && gold[gi] < tr->toks.start[i]) gi++;
    int yes = gi < nstarts && gold[gi] == tr->toks.start[i];
    qr_buf_reset(&names);
    size_t nf = qr_gap_features(&gp, f, &names);
    if (qr_grow((void **)&tr->feats, &tr->feats_cap, tr->nfeats + nf, sizeof *tr->feats)) {
      rc = QR_ENOMEM;
      break;
    }
    if (tr->nex == tr->ex_cap) {
      size_t cap = tr->ex_cap ? 2 * tr->ex_cap : 4096;
      void *a = realloc(tr->ex_first, (cap + 1) * sizeof *tr->ex_first);
      if (a) tr->ex_first = a;
      void *b = a ? realloc(tr->label, cap) : NULL;
      if (b) tr->label = b;
      void *c = b ? realloc(tr->rule_yes, cap) : NULL;
      if (c) tr->rule_yes = c;
      if (!c) {
        rc = QR_ENOMEM;
        break;
      }
      tr->ex_cap = cap;
    }
    /* remember each feature's name the first time its hash is seen */
    const char *nm = names.data;
    for (size_t q = 0; q < nf; q++) {
      size_t nl = strlen(nm);
      size_t before = qr_lexicon_size(tr->names);
      uint32_t id;
      if (qr_lexicon_intern(tr->names, nm, nl, &id) ||
          qr_grow((void **)&tr->name_hash, &tr->name_cap, (size_t)id + 1, sizeof *tr->name_hash)) {
        rc = QR_ENOMEM;
        break;
      }
      if (qr_lexicon_size(tr->names) > before) tr->name_hash[id] = f[q];
      nm += nl + 1;
    }
    tr->ex_first[tr->nex] = (uint32_t)tr->nfeats;
    memcpy(tr->feats + tr->nfeats, f, nf * sizeof *f);
    tr->nfeats += nf;
    tr->label[tr->nex] = yes ? 1 : -1;
    tr->rule_yes[tr->nex] = d == GAP_YES;
    tr->nex++;
    tr->ex_first[tr->nex] = (uint32_t)tr->nfeats;
    tr->rep.candidates++;
    tr->rep.boundaries += yes;
  }
  qr_buf_free(&names);
  free(gold);
  free(gaps);
  free(since);
  return rc;
}

/* The weights being learned: a hash table from feature to its index. */
typedef struct wtable {
  uint64_t *keys;
  double *w, *u;        /* weight, and the sum of updates weighted by time */
  size_t slots, n;
} wtable;

static size_t wslot(wtable *t, uint64_t key) {
  size_t s = (size_t)(key & (t->slots - 1));
  while (t->keys[s] && t->keys[s] != key) s = (s + 1) & (t->slots - 1);
  if (!t->keys[s]) {
    t->keys[s] = key;
    t->n++;
  }
  return s;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* One perceptron, from its own shuffles of the examples (run picks the
 * seed): adds its averaged weights to sum and returns how many examples its
 * last epoch got right. t's weights are its working memory. */
static size_t train_run(const qr_sentmodel_trainer *tr, wtable *t, const uint32_t *slot_of,
                        size_t *order, int epochs, int run, double *sum) {
  memset(t->w, 0, t->slots * sizeof *t->w);
  memset(t->u, 0, t->slots * sizeof *t->u);
  for (size_t e = 0; e < tr->nex; e++) order[e] = e;
  uint64_t seed = 0x2545F4914F6CDD1DULL + 0x9E3779B97F4A7C15ULL * (uint64_t)run;
  double c = 1;
  size_t right = 0;
  for (int ep = 0; ep < epochs; ep++) {
    for (size_t e = tr->nex; e > 1; e--) {   /* Fisher-Yates with a fixed seed */
      seed ^= seed << 13;
      seed ^= seed >> 7;
      seed ^= seed << 17;
      size_t j = (size_t)(seed % e), tmp = order[e - 1];
      order[e - 1] = order[j];
      order[j] = tmp;
    }
    right = 0;
    for (size_t q = 0; q < tr->nex; q++) {
      size_t e = order[q];
      double score = 0;
      for (size_t k = tr->ex_first[e]; k < tr->ex_first[e + 1]; k++)
        if (slot_of[k] != UINT32_MAX) score += t->w[slot_of[k]];
      int y = tr->label[e];
      if ((score > 0 ? 1 : -1) == y) {
        right++;
      } else {
        for (size_t k = tr->ex_first[e]; k < tr->ex_first[e + 1]; k++) {
          if (slot_of[k] == UINT32_MAX) continue;
          t->w[slot_of[k]] += y;
          t->u[slot_of[k]] += c * y;
        }
      }
      c++;
    }
  }
  for (size_t s = 0; s < t->slots; s++) sum[s] += t->w[s] - t->u[s] / c;
  return right;
}

qr_status qr_sentmodel_trainer_train(qr_sentmodel_trainer *tr, int epochs, int min_count,
                                     double margin, const char *comment, qr_buf *out,
                                     qr_train_report *report, qr_error *err) {
  if (tr->nex == 0) return qr_error_set(err, QR_EDATA, "no training examples");
  size_t distinct = qr_lexicon_size(tr->names);
  wtable t = {0};
  t.slots = 1024;
  while (t.slots < 2 * distinct + 2) t.slots *= 2;
  t.keys = calloc(t.slots, sizeof *t.keys);
  t.w = calloc(t.slots, sizeof *t.w);
  t.u = calloc(t.slots, sizeof *t.u);
  size_t *order = malloc(tr->nex * sizeof *order);
  uint32_t *slot_of = malloc(tr->nfeats * sizeof *slot_of + 1);
  uint32_t *seen = calloc(t.slots, sizeof *seen);
  double *sum = calloc(t.slots, sizeof *sum);
  uint64_t *keys = NULL;
  uint32_t *name_at = NULL;
  qr_status rc = t.keys && t.w && t.u && order && slot_of && seen && sum ? QR_OK : QR_ENOMEM;
  size_t rules_right = 0, right = 0, nk = 0;
  if (rc == QR_OK) {
    for (size_t k = 0; k < tr->nfeats; k++) slot_of[k] = (uint32_t)wslot(&t, tr->feats[k]);
    /* features seen fewer than min_count times are left out: one sighting
     * teaches noise */
    for (size_t k = 0; k < tr->nfeats; k++) seen[slot_of[k]]++;
    for (size_t k = 0; k < tr->nfeats; k++)
      if (seen[slot_of[k]] < (uint32_t)min_count) slot_of[k] = UINT32_MAX;
    for (size_t e = 0; e < tr->nex; e++)
      rules_right += (tr->rule_yes[e] ? 1 : -1) == tr->label[e];
    /* several perceptrons, each from its own shuffles, and the mean of their
     * averaged weights: one shuffle's luck moved held-out scores by a few
     * tenths of a point */
    for (int run = 0; run < TRAIN_RUNS; run++)
      right = train_run(tr, &t, slot_of, order, epochs, run, sum);
    for (size_t s = 0; s < t.slots; s++) t.w[s] = sum[s] / TRAIN_RUNS;
  }
  /* the mean weights, written in hash order so that the file is stable */
  if (rc == QR_OK && !(keys = malloc((t.n ? t.n : 1) * sizeof *keys))) rc = QR_ENOMEM;
  for (size_t s = 0; rc == QR_OK && s < t.slots; s++) {
    if (!t.keys[s]) continue;
    if (t.w[s] > -MIN_WEIGHT && t.w[s] < MIN_WEIGHT) continue;   /* too small to matter */
    keys[nk++] = t.keys[s];
  }
  if (rc == QR_OK) qsort(keys, nk, sizeof *keys, cmp_u64);
  /* the name of each hash */
  if (rc == QR_OK) {
    name_at = malloc((t.slots ? t.slots : 1) * sizeof *name_at);
    if (!name_at) rc = QR_ENOMEM;
    else {
      memset(name_at, 0xFF, t.slots * sizeof *name_at);
      for (size_t id = 0; id < distinct; id++) {
        size_t s = (size_t)(tr->name_hash[id] & (t.slots - 1));
        while (t.keys[s] && t.keys[s] != tr->name_hash[id]) s = (s + 1) & (t.slots - 1);
        if (t.keys[s] == tr->name_hash[id] && name_at[s] == UINT32_MAX) name_at[s] = (uint32_t)id;
      }
    }
  }
  if (rc == QR_OK) {
    rc = qr_buf_puts(out, "# quarry sentence model 1\n");
    if (!rc && comment) rc = qr_buf_printf(out, "# %s\n", comment);
    if (!rc)
      rc = qr_buf_printf(out, "# %zu candidate gaps (%zu boundaries) from %zu texts; %d epochs; "
                         "features seen at least %d times\n",
                         tr->nex, tr->rep.boundaries, tr->rep.texts, epochs, min_count);
    /* the margin: how sure the model must be to add a boundary */
    if (!rc) rc = qr_buf_printf(out, "# margin %.2f\n", margin);
    for (size_t k = 0; !rc && k < nk; k++) {
      size_t s = (size_t)(keys[k] & (t.slots - 1));
      while (t.keys[s] != keys[k]) s = (s + 1) & (t.slots - 1);
      double avg = t.w[s];
      const char *nm = name_at[s] != UINT32_MAX ? qr_lexicon_str(tr->names, name_at[s], NULL) : "?";
      rc = qr_buf_printf(out, "%016llx\t%.4f\t", (unsigned long long)keys[k], avg);
      /* names are single-line: tabs and line breaks in them become spaces */
      for (const char *p = nm; !rc && *p; p++)
        rc = qr_buf_putc(out, *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
      if (!rc) rc = qr_buf_putc(out, '\n');
    }
  }
  tr->rep.rules_accuracy = (double)rules_right / (double)tr->nex;
  tr->rep.accuracy = (double)right / (double)tr->nex;
  tr->rep.features = nk;
  if (report) *report = tr->rep;
  free(name_at);
  free(keys);
  free(t.keys);
  free(t.w);
  free(t.u);
  free(order);
  free(slot_of);
  free(seen);
  free(sum);
  if (rc) return qr_error_set(err, rc, "training: %s", qr_status_string(rc));
  return QR_OK;
}

uint64_t qr_sentmodel_fingerprint(const qr_sentmodel *m) {
  uint64_t h = qr_hash_bytes(&m->margin, sizeof m->margin) ^ m->n;
  for (size_t k = 0; k < m->slots + SPARE_SLOTS; k++) {
    if (!m->table[k].key) continue;
    h = qr_hash_step(h, m->table[k].key ^ (uint64_t)k << 40);
    h = qr_hash_step(h, qr_hash_bytes(&m->table[k].w, sizeof m->table[k].w));
  }
  return qr_hash_mix(h);
}
