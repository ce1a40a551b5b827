/* trie.c — names compiled into a trie over token keys.
 *
 * A token's key is its normalised form interned in the gazetteer's own
 * lexicon: dots dropped from abbreviations and acronyms (U.S. = US, St. =
 * St), apostrophes unified, and case folded — or, for exact-case names, kept
 * as written behind a \1 prefix. The trie's edges live in one open-addressing
 * hash table keyed by (node, key), so a step costs one probe. A node where
 * names end keeps a list of accept records: the entries named there, and
 * when their names may match (see ACC_* in gazetteer_impl.h). The matching
 * itself is in match.c. */
#include <stdlib.h>
#include <string.h>

#include "lookup/gazetteer_impl.h"
#include "quarry/utf8.h"

/* Is the token a hyphen that joins two words ("Jong-un")? */
static inline int joining_hyphen(const char *text, const qr_tokens *t, size_t i) {
  if (t->kind[i] != QR_TOK_PUNCT || i == 0 || i + 1 >= t->n) return 0;
  const char *s = text + t->start[i];
  size_t n = t->len[i];
  int hyphen = (n == 1 && s[0] == '-') ||
               (n == 3 && (memcmp(s, "\xE2\x80\x90", 3) == 0 || memcmp(s, "\xE2\x80\x91", 3) == 0));
  return hyphen && !(t->flags[i] & QR_TF_SPACE_BEFORE) &&
         !(t->flags[i + 1] & QR_TF_SPACE_BEFORE);
}

/* Writes the form of s[0, n) without the dots of an abbreviation or dotted
 * acronym and with apostrophes unified into out (reset first); *dotted says
 * whether dots were dropped. */
static qr_status strip_form(const char *s, size_t n, int kind, qr_buf *out, int *dotted_out) {
  qr_buf_reset(out);
  int dotted = 0;
  if (kind == QR_TOK_WORD && n > 1) {
    dotted = 1;   /* letters and dots only, ending or separated by dots */
    int has_dot = 0;
    for (size_t i = 0; i < n; i++) {
      if (s[i] == '.') has_dot = 1;
      else if ((unsigned char)s[i] < 0x80 && !((s[i] >= 'a' && s[i] <= 'z') ||
                                               (s[i] >= 'A' && s[i] <= 'Z')))
        dotted = 0;
    }
    dotted &= has_dot;
  }
  *dotted_out = dotted;
  if (!dotted && !memchr(s, 0xE2, n)) return qr_buf_append(out, s, n);   /* nothing to change */
  size_t i = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (dotted && c == '.') { i++; continue; }
    if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
        (unsigned char)s[i + 2] == 0x99) {   /* ’ */
      if (qr_buf_putc(out, '\'')) return QR_ENOMEM;
      i += 3;
      continue;
    }
    if (qr_buf_putc(out, (char)c)) return QR_ENOMEM;
    i++;
  }
  if (out->len == 0 && qr_buf_append(out, s, n)) return QR_ENOMEM;   /* "." stays "." */
  return QR_OK;
}

/* Is a letter's byte at s[i]: ASCII letters and any byte of a multi-byte
 * character (folded text: the letters of other scripts)? */
static inline int letter_byte(const char *s, size_t i) {
  unsigned char c = (unsigned char)s[i];
  return (c >= 'a' && c <= 'z') || c >= 0x80;
}

/* Does a folded form have a diacritic to drop or an apostrophe inside a
 * word ("ch'oe")? Most forms are plain ASCII without one. */
static int needs_plain(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80 || (c == '\'' && i > 0 && i + 1 < n && letter_byte(s, i - 1) &&
                      letter_byte(s, i + 1)))
      return 1;
  }
  return 0;
}

/* Appends to b the plain spelling of the folded form at b->data[at, at + n):
 * without diacritics (Sŏn = Son, Tô Lâm = To Lam) and without apostrophes
 * inside a word, as romanisations write them or leave them out (P'yŏngyang
 * = Pyongyang, Ch'oe = Choe). Names and text are keyed alike, so either
 * spelling finds the other. */
static qr_status plain_form(qr_buf *b, size_t at, size_t n) {
  size_t start = b->len;
  /* the form is read from b while its plain spelling is appended to b, so
   * room for the longest is reserved first: a code point of two bytes or
   * more decomposes into at most 8 of at most 4 bytes (16 bytes a byte),
   * and ASCII stays as it is */
  if (n > SIZE_MAX / 32 || qr_buf_reserve(b, 16 * n + 8) ||
      qr_utf8_strip_marks(b->data + at, n, b))
    return QR_ENOMEM;
  /* the apostrophes, in place: between two letters of the stripped form */
  size_t w = start;
  for (size_t r = start; r < b->len; r++) {
    if (b->data[r] == '\'' && r > start && r + 1 < b->len && letter_byte(b->data, r - 1) &&
        letter_byte(b->data, r + 1))
      continue;
    b->data[w++] = b->data[r];
  }
  if (w == start) return QR_OK;   /* nothing left: keep what there was */
  b->len = w;
  b->data[w] = '\0';
  return QR_OK;
}

/* The QR_KF_* form flags of s[0, n): where its capitals and small letters
 * are. */
static uint32_t form_flags(const char *s, size_t n, int dotted) {
  const unsigned char *u = (const unsigned char *)s;
  size_t upper = 0, lower = 0, i = 0;
  int first = -1;   /* the class of the first letter: 1 capital, 0 small */
  while (i < n) {
    int32_t cp;
    int k = qr_utf8_decode(u + i, n - i, &cp);
    qr_cclass cls = qr_char_class(cp);
    if (cls == QR_CC_UPPER) {
      upper++;
      if (first < 0 && i == 0) first = 1;
    } else if (cls == QR_CC_LOWER) {
      lower++;
      if (first < 0 && i == 0) first = 0;
    }
    i += (size_t)k;
  }
  uint32_t f = 0;
  if (first == 0) f |= QR_KF_SMALL;
  if (lower) f |= QR_KF_LOWER;
  if (upper >= 2 && !lower) f |= QR_KF_CAPS;
  if (dotted) f |= QR_KF_DOTTED;
  /* (not a plural acronym: "DVDs", "MPs") */
  if (first == 1 && lower && !(upper >= 2 && lower == 1 && s[n - 1] == 's'))
    f |= QR_KF_NAMEWORD;   /* form_keys takes it off weekdays and months */
  if (n >= 6 && memcmp(s + n - 3, "ing", 3) == 0) f |= QR_KF_ING;
  return f;
}

/* Is s[0, n) one of the words of the NULL-terminated list? */
static int word_in(const char *const *words, const char *s, size_t n) {
  for (int k = 0; words[k]; k++)
    if (strlen(words[k]) == n && memcmp(words[k], s, n) == 0) return 1;
  return 0;
}

/* Is the folded form a weekday or a month (no QR_KF_NAMEWORD)? */
static int calendar_word(const char *s, size_t n) {
  static const char *const words[] = {
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
      "february", "march", "april", "may", "june", "july", "august", "september", "october",
      "november", "december", NULL};
  if (n < 3 || n > 9) return 0;
  return word_in(words, s, n);
}

/* Is the form a small word that titles leave small: articles, short
 * conjunctions and prepositions (the words most style guides write small in
 * a title)? */
static int minor_word(const char *s, size_t n) {
  static const char *const words[] = {
      "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in",
      "of", "off", "on", "per", "to", "up", "via", "vs", "vs.", "with", "from", "into", "onto",
      "over", "amid", "than", "upon", "after", "before", "about", "against", NULL};
  if (n > 7) return 0;
  return word_in(words, s, n);
}

/* Looks up (or, when intern is set, adds) the fold and exact keys of a form
 * and its flags, with the word classes of words when it is not NULL. */
static qr_status form_keys(qr_lexicon *keys, int intern, const qr_namewords *words, const char *s,
                           size_t n, int kind, qr_buf *scratch, uint32_t *fold, uint32_t *exact,
                           uint32_t *flags) {
  int dotted;
  qr_status rc = strip_form(s, n, kind, scratch, &dotted);
  if (rc) return rc;
  size_t sl = scratch->len;
  if (flags) *flags = form_flags(s, n, dotted);
  /* the exact key (\1 + stripped form) and the folded key are appended after
   * the stripped form; room is reserved first, because both are made from
   * bytes of the same buffer (folding grows a string at most ninefold: one
   * two-byte letter into three three-byte ones) */
  if (sl > SIZE_MAX / 16 || qr_buf_reserve(scratch, sl + 1 + 9 * sl + 16)) return QR_ENOMEM;
  if (qr_buf_putc(scratch, '\1') || qr_buf_append(scratch, scratch->data, sl)) return QR_ENOMEM;
  const char *ex = scratch->data + sl;
  size_t exl = sl + 1;
  size_t fold_at = scratch->len;
  if (qr_utf8_fold(scratch->data, sl, scratch)) return QR_ENOMEM;
  size_t fol = scratch->len - fold_at;
  if (needs_plain(scratch->data + fold_at, fol)) {
    /* the plain spelling goes after the folded one (which it reads) */
    size_t plain_at = scratch->len;
    if ((rc = plain_form(scratch, fold_at, fol))) return rc;
    fold_at = plain_at;
    fol = scratch->len - plain_at;
  }
  const char *fo = scratch->data + fold_at;
  ex = scratch->data + sl;   /* the buffer may have moved */
  if (flags && (*flags & QR_KF_NAMEWORD) && calendar_word(fo, fol))
    *flags &= ~(uint32_t)QR_KF_NAMEWORD;
  if (flags && words) {
    uint32_t wf = qr_namewords_flags(words, fo, fol);
    *flags |= wf;
    /* a title written with a capital: a place before it is still a place */
    if ((*flags & QR_KF_NAMEWORD) && QR_KF_CLASS(wf) == QR_WC_TITLE) *flags |= QR_KF_ROLE;
  }
  if (flags && (*flags & QR_KF_SMALL) && minor_word(s, n)) *flags |= QR_KF_MINOR;
  if (intern) {
    if ((fold && (rc = qr_lexicon_intern(keys, fo, fol, fold))) ||
        (exact && (rc = qr_lexicon_intern(keys, ex, exl, exact))))
      return rc;
  } else {
    if (fold) *fold = qr_lexicon_find(keys, fo, fol);
    if (exact) *exact = qr_lexicon_find(keys, ex, exl);
  }
  return QR_OK;
}

/* Does some name begin with the word of this key? */
static int starts_a_name(const qr_gazetteer *g, uint32_t key) {
  return key != QR_LEX_NONE && qr_gaz_edge(g, 0, key) != NO_ENTRY;
}

qr_status qr_gazetteer_form_keys(const qr_gazetteer *g, const char *s, size_t n, int kind,
                                 qr_buf *scratch, uint32_t *fold, uint32_t *exact,
                                 uint32_t *flags) {
  uint32_t f = QR_LEX_NONE, e = QR_LEX_NONE;
  qr_status rc = form_keys(g->keys, 0, g->words, s, n, kind, scratch, &f, &e, flags);
  if (fold) *fold = f;
  if (exact) *exact = e;
  /* most words of a text begin no name: the matcher is told so here, where
   * the keys are made (once per distinct form in a corpus), not at every
   * token */
  if (rc == QR_OK && flags && !starts_a_name(g, f) && !starts_a_name(g, e))
    *flags |= QR_KF_NOSTART;
  return rc;
}

static inline uint32_t position_flags(const char *text, const qr_tokens *toks, size_t i,
                                     size_t t0) {
  uint32_t f = 0;
  if (i == t0 || (toks->flags[i] & QR_TF_PARA_BEFORE) ||
      (i > 0 && (toks->flags[i - 1] & QR_TF_TERMINAL)))
    f |= QR_KF_BARRIER;
  if (i == t0 || (toks->flags[i] & QR_TF_NEWLINE_BEFORE)) f |= QR_KF_LINE_START;
  /* the kind first: most tokens are no punctuation, and are done here */
  if (toks->kind[i] == QR_TOK_PUNCT && i > t0 && joining_hyphen(text, toks, i)) f |= QR_KF_SKIP;
  return f;
}

uint32_t qr_gazetteer_token_flags(const char *text, const qr_tokens *toks, size_t i, size_t t0) {
  return position_flags(text, toks, i, t0);
}

/* The position flags of token i ORed into its key k. */
static inline void position_key(const char *text, const qr_tokens *toks, size_t i, size_t t0,
                                qr_tokkey *k) {
  k->flags |= position_flags(text, toks, i, t0);
  if (k->flags & QR_KF_SKIP) {
    k->fold = k->exact = QR_LEX_NONE;
    k->flags |= QR_KF_NOSTART;
  }
}

void qr_gazetteer_position_keys(const char *text, const qr_tokens *toks, size_t t0, size_t t1,
                                qr_tokkey *keys) {
  for (size_t i = t0; i < t1; i++) position_key(text, toks, i, t0, &keys[i - t0]);
}

void qr_gazetteer_gather_keys(const char *text, const qr_tokens *toks, size_t t0, size_t t1,
                              const qr_tokkey *by_form, const uint32_t *form, qr_tokkey *keys) {
  for (size_t i = t0; i < t1; i++) {
    keys[i - t0] = by_form[form[i]];
    position_key(text, toks, i, t0, &keys[i - t0]);
  }
}

qr_status qr_gazetteer_token_key(const qr_gazetteer *g, const char *text, const qr_tokens *toks,
                                 size_t i, qr_buf *scratch, qr_tokkey *key) {
  uint32_t where = qr_gazetteer_token_flags(text, toks, i, 0);
  if (where & QR_KF_SKIP) {
    key->fold = key->exact = QR_LEX_NONE;
    key->flags = where | QR_KF_NOSTART;
    return QR_OK;
  }
  uint32_t form = 0;
  qr_status rc = qr_gazetteer_form_keys(g, text + toks->start[i], toks->len[i], toks->kind[i],
                                        scratch, &key->fold, &key->exact, &form);
  key->flags = where | form;
  return rc;
}

/* ---- the trie ---------------------------------------------------------- */

uint32_t qr_gaz_edge(const qr_gazetteer *g, uint32_t node, uint32_t key) {
  uint64_t k = (((uint64_t)node << 32) | key) + 1;
  size_t mask = g->edge_slots - 1, i = qr_gaz_edge_hash(k) & mask;
  /* the table always has an empty slot (a compiled file's is checked), so
   * the probe ends there; the bound on its steps is a second guard */
  for (size_t step = 0; step < g->edge_slots; step++) {
    uint64_t e = g->edge_key[i];
    if (e == k) return g->edge_child[i];
    if (e == 0) return NO_ENTRY;
    i = (i + 1) & mask;
  }
  return NO_ENTRY;
}

static qr_status edge_rehash(qr_gazetteer *g) {
  size_t ns = g->edge_slots * 2;
  uint64_t *keys = calloc(ns, sizeof *keys);
  uint32_t *child = malloc(ns * sizeof *child);
  if (!keys || !child) {
    free(keys);
    free(child);
    return QR_ENOMEM;
  }
  for (size_t i = 0; i < g->edge_slots; i++) {
    if (!g->edge_key[i]) continue;
    size_t j = qr_gaz_edge_hash(g->edge_key[i]) & (ns - 1);
    while (keys[j]) j = (j + 1) & (ns - 1);
    keys[j] = g->edge_key[i];
    child[j] = g->edge_child[i];
  }
  free(g->edge_key);
  free(g->edge_child);
  g->edge_key = keys;
  g->edge_child = child;
  g->edge_slots = ns;
  return QR_OK;
}

/* The child of node by key, created when missing. */
static qr_status edge_add(qr_gazetteer *g, uint32_t node, uint32_t key, uint32_t *child) {
  uint32_t c = qr_gaz_edge(g, node, key);
  if (c != NO_ENTRY) {
    *child = c;
    return QR_OK;
  }
  if (g->nnodes >= NO_ENTRY - 1) return QR_ELIMIT;   /* node numbers are 32 bits */
  if ((g->nedges + 1) * 2 > g->edge_slots && edge_rehash(g)) return QR_ENOMEM;
  if (g->nnodes == g->nodes_cap &&
      qr_grow((void **)&g->acc_head, &g->nodes_cap, g->nnodes + 1, sizeof *g->acc_head))
    return QR_ENOMEM;
  c = (uint32_t)g->nnodes++;
  g->acc_head[c] = NO_ENTRY;
  uint64_t k = (((uint64_t)node << 32) | key) + 1;
  size_t mask = g->edge_slots - 1, i = qr_gaz_edge_hash(k) & mask;
  while (g->edge_key[i]) i = (i + 1) & mask;
  g->edge_key[i] = k;
  g->edge_child[i] = c;
  g->nedges++;
  *child = c;
  return QR_OK;
}

/* Makes g->acc_tail cover every node: from the lists when there is none
 * yet (a gazetteer read from a file), NO_ENTRY for nodes made since (they
 * have no records: a record is only appended through here). */
static qr_status cover_tails(qr_gazetteer *g) {
  if (g->ntails == g->nnodes && g->acc_tail) return QR_OK;
  int fresh = g->acc_tail == NULL;
  if (qr_grow((void **)&g->acc_tail, &g->tails_cap, g->nnodes, sizeof *g->acc_tail))
    return QR_ENOMEM;
  if (fresh) {
    for (size_t v = 0; v < g->nnodes; v++) {
      uint32_t last = NO_ENTRY;
      for (uint32_t r = g->acc_head[v]; r != NO_ENTRY; r = g->acc_next[r]) last = r;
      g->acc_tail[v] = last;
    }
  } else {
    for (size_t v = g->ntails; v < g->nnodes; v++) g->acc_tail[v] = NO_ENTRY;
  }
  g->ntails = g->nnodes;
  return QR_OK;
}

/* Records that node names entry e (once per entry and node). The names of
 * an entry are compiled one after another (qr_gaz_add_checked, after
 * unlinking the entry's old records), so a record of e at this node, if
 * there is one, is the node's last: appending and the check for a repeat
 * take constant time, however many entries share the name. */
static qr_status accept_add(qr_gazetteer *g, uint32_t node, size_t e, uint16_t flags) {
  if (cover_tails(g)) return QR_ENOMEM;
  uint32_t last = g->acc_tail[node];
  if (last != NO_ENTRY && g->acc_entry[last] == e) {
    g->acc_flags[last] &= flags;   /* two names of e end here: the freer one counts */
    return QR_OK;
  }
  if (g->nacc >= NO_ENTRY - 1) return QR_ELIMIT;   /* record numbers are 32 bits */
  if (g->nacc == g->acc_cap) {
    size_t c1 = g->acc_cap, c2 = g->acc_cap, c3 = g->acc_cap;
    if (qr_grow((void **)&g->acc_entry, &c1, g->nacc + 1, sizeof *g->acc_entry) ||
        qr_grow((void **)&g->acc_next, &c2, g->nacc + 1, sizeof *g->acc_next) ||
        qr_grow((void **)&g->acc_flags, &c3, g->nacc + 1, sizeof *g->acc_flags))
      return QR_ENOMEM;
    g->acc_cap = c1 < c2 ? (c1 < c3 ? c1 : c3) : (c2 < c3 ? c2 : c3);
  }
  uint32_t r = (uint32_t)g->nacc++;
  g->acc_entry[r] = (uint32_t)e;
  g->acc_flags[r] = flags;
  /* appended at the end of the node's list, so that the entries of an
   * ambiguous name come in the order they were added */
  g->acc_next[r] = NO_ENTRY;
  if (last == NO_ENTRY) g->acc_head[node] = r;
  else g->acc_next[last] = r;
  g->acc_tail[node] = r;
  return QR_OK;
}

static qr_status variant_spelling(const qr_gazetteer *g, size_t e, const char *name,
                                  const qr_tokens *t, qr_buf *out);

/* Takes e's record out of node's list, if it has one there. */
static void unlink_at(qr_gazetteer *g, uint32_t node, size_t e) {
  uint32_t *link = &g->acc_head[node], last = NO_ENTRY;
  while (*link != NO_ENTRY) {
    if (g->acc_entry[*link] == e) {
      *link = g->acc_next[*link];
    } else {
      last = *link;
      link = &g->acc_next[*link];
    }
  }
  if (node < g->ntails) g->acc_tail[node] = last;
}

/* The nodes where a spelling of a name ends, by its folded keys and by its
 * exact ones (whichever the entry's case policy made its record with), into
 * ends[0, 2); NO_ENTRY where no path is. Looks keys up without adding any. */
static qr_status spelling_ends(qr_gazetteer *g, const char *name, uint32_t ends[2]) {
  qr_tokens t = g->work_toks;
  qr_buf scratch = g->work_buf;
  qr_tokens_reset(&t);
  qr_status rc = qr_tokenize(g->seg, name, strlen(name), &t);
  for (int exact = 0; exact < 2; exact++) {
    uint32_t node = rc == QR_OK ? 0 : NO_ENTRY;
    size_t words = 0;
    for (size_t i = 0; node != NO_ENTRY && i < t.n; i++) {
      if (joining_hyphen(name, &t, i)) continue;
      uint32_t key;
      rc = form_keys(g->keys, 0, NULL, name + t.start[i], t.len[i], t.kind[i], &scratch,
                     exact ? NULL : &key, exact ? &key : NULL, NULL);
      node = rc || key == QR_LEX_NONE ? NO_ENTRY : qr_gaz_edge(g, node, key);
      words++;
    }
    ends[exact] = words ? node : NO_ENTRY;
  }
  g->work_toks = t;
  g->work_buf = scratch;
  return rc;
}

/* Takes e out of the nodes where its names (and their variant spellings)
 * end: a walk of the trie per name, not a pass over every node, so that
 * adding names to thousands of entries one by one stays linear. Returns
 * QR_ENOMEM when a name could not be walked. */
static qr_status unlink_by_names(qr_gazetteer *g, size_t e) {
  if (!g->seg && !(g->seg = qr_segmenter_new())) return QR_ENOMEM;
  qr_buf other = {0};
  qr_status rc = QR_OK;
  for (size_t k = 0; rc == QR_OK && k < g->name_count[e]; k++) {
    const char *name = qr_gazetteer_name(g, e, k);
    for (int v = 0; rc == QR_OK && v < 2; v++) {
      uint32_t ends[2];
      if (v == 1) {
        /* the variant is made from the name's tokens, which the walk of
         * the name left in work_toks */
        rc = variant_spelling(g, e, name, &g->work_toks, &other);
        if (rc || other.len == 0) break;
      }
      rc = spelling_ends(g, v ? other.data : name, ends);
      for (int x = 0; rc == QR_OK && x < 2; x++)
        if (ends[x] != NO_ENTRY) unlink_at(g, ends[x], e);
    }
  }
  qr_buf_free(&other);
  return rc;
}

void qr_gaz_unlink_entry(qr_gazetteer *g, size_t e) {
  if (unlink_by_names(g, e) == QR_OK) return;
  /* out of memory on the way: every node, which needs none */
  for (size_t node = 0; node < g->nnodes; node++) unlink_at(g, (uint32_t)node, e);
}

int qr_gaz_name_has_word(const char *name) {
  /* a token is a word (not punctuation or a symbol) when it holds a letter,
   * a mark, a digit, a numeral, an emoji or a joiner: so a name has a word
   * when it holds such a character, which is quicker to see than to
   * tokenize */
  const unsigned char *s = (const unsigned char *)name;
  size_t n = strlen(name), i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      if ((unsigned)(s[i] | 0x20) - 'a' < 26u || (unsigned)s[i] - '0' < 10u) return 1;
      i++;
      continue;
    }
    int32_t cp;
    i += (size_t)qr_utf8_decode(s + i, n - i, &cp);
    switch (qr_char_class(cp)) {
    case QR_CC_UPPER: case QR_CC_LOWER: case QR_CC_LETTER: case QR_CC_MARK: case QR_CC_DIGIT:
    case QR_CC_NUMBER: case QR_CC_EMOJI: case QR_CC_JOINER:
      return 1;
    default:
      break;
    }
  }
  return 0;
}

/* Is a single-token name short enough to be matched in capitals only
 * (US, UN, G7), under the automatic case policy? */
static int short_acronym(const char *s, size_t n) {
  size_t letters = 0, chars = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '.') continue;
    if (c >= 'A' && c <= 'Z') letters++;
    else if (!(c >= '0' && c <= '9')) return 0;
    chars++;
  }
  return letters >= 1 && chars <= 3;
}

/* Does the token start with a capital letter? */
static int capitalised(const char *s, size_t n) {
  int32_t cp;
  qr_utf8_decode((const unsigned char *)s, n, &cp);
  return qr_char_class(cp) == QR_CC_UPPER;
}

/* Is token i of the name an initial (one capital letter and a period) that
 * white space alone parts from a capitalised word after it ("N. Korea")? */
static int initial_before_word(const char *name, const qr_tokens *t, size_t i) {
  const char *s = name + t->start[i];
  return t->len[i] == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] == '.' && i + 1 < t->n &&
         t->kind[i + 1] == QR_TOK_WORD && (t->flags[i + 1] & QR_TF_SPACE_BEFORE) &&
         !(t->flags[i + 1] & QR_TF_NEWLINE_BEFORE) &&
         capitalised(name + t->start[i + 1], t->len[i + 1]);
}

/* Writes into out (reset first) the other spelling of a name that texts use
 * and that no key of its own can reach, or leaves out empty: a person's
 * words joined by a hyphen also written as one word (Kim Jong-un = Kim
 * Jongun, Choe Son-hui = Choe Sonhui), and any other name's initial also
 * written against the word after it, as headlines do (N. Korea =
 * N.Korea). Middle initials of people are left alone: "John Q.Smith" is a
 * typing slip, and a million names would each pay a path for it. t holds
 * the name's tokens. */
static qr_status variant_spelling(const qr_gazetteer *g, size_t e, const char *name,
                                  const qr_tokens *t, qr_buf *out) {
  qr_buf_reset(out);
  int person = strcmp(qr_gazetteer_type(g, e), "PERSON") == 0, changed = 0;
  for (size_t i = 0; i < t->n; i++)
    changed |= person ? joining_hyphen(name, t, i) : initial_before_word(name, t, i);
  if (!changed) return QR_OK;
  size_t from = 0;   /* name[from, ...) is still to be copied */
  for (size_t i = 0; i < t->n; i++) {
    size_t a = t->start[i], b = a + t->len[i];
    if (person && joining_hyphen(name, t, i)) {
      if (qr_buf_append(out, name + from, a - from)) return QR_ENOMEM;
      from = b;
    } else if (!person && initial_before_word(name, t, i)) {
      if (qr_buf_append(out, name + from, b - from)) return QR_ENOMEM;
      from = t->start[i + 1];
    }
  }
  return qr_buf_append(out, name + from, strlen(name) - from);
}

/* Compiles one spelling of entry e's name into the trie; the name's tokens
 * are left in g->work_toks. */
static qr_status compile_spelling(qr_gazetteer *g, size_t e, const char *name, qr_error *err) {
  /* the gazetteer's working memory, reused from name to name */
  qr_tokens t = g->work_toks;
  qr_buf scratch = g->work_buf;
  qr_tokens_reset(&t);
  size_t n = strlen(name);
  if (!g->seg && !(g->seg = qr_segmenter_new()))
    return qr_error_set(err, QR_ENOMEM, "out of memory compiling '%s'", name);
  qr_status rc = qr_tokenize(g->seg, name, n, &t);
  size_t words = 0, last = 0;
  for (size_t i = 0; rc == QR_OK && i < t.n; i++)
    if (!joining_hyphen(name, &t, i)) words++, last = i;
  const char *w = words ? name + t.start[last] : name;
  size_t wl = words ? t.len[last] : 0;
  int acronym = words == 1 && short_acronym(w, wl);
  int exact = g->policy[e] == QR_CASE_EXACT || (g->policy[e] == QR_CASE_AUTO && acronym);
  uint16_t flags = 0;
  if (exact && acronym) flags |= ACC_ACRONYM;
  if (!exact && g->policy[e] == QR_CASE_AUTO) {
    /* which words have a capital: every word of a person's name counts (Tommy
     * Said is not "Tommy said"), the first word of other names (the Korean
     * Peninsula is also "the Korean peninsula") */
    size_t limit = strcmp(qr_gazetteer_type(g, e), "PERSON") == 0 ? 8 : 1;
    for (size_t i = 0, k = 0; i < t.n && k < limit; i++) {
      if (joining_hyphen(name, &t, i)) continue;
      if (capitalised(name + t.start[i], t.len[i])) flags |= ACC_CAPS_OF(k);
      k++;
    }
  }
  uint32_t node = 0;
  for (size_t i = 0; rc == QR_OK && i < t.n; i++) {
    if (joining_hyphen(name, &t, i)) continue;
    uint32_t key;   /* only the key the name uses is interned */
    rc = form_keys(g->keys, 1, NULL, name + t.start[i], t.len[i], t.kind[i], &scratch,
                   exact ? NULL : &key, exact ? &key : NULL, NULL);
    if (rc == QR_OK) rc = edge_add(g, node, key, &node);
  }
  if (rc == QR_OK && words > 0) rc = accept_add(g, node, e, flags);
  g->work_toks = t;
  g->work_buf = scratch;
  if (rc) return qr_error_set(err, rc, "%s compiling '%s'", qr_status_string(rc), name);
  return QR_OK;
}

qr_status qr_gaz_compile_name(qr_gazetteer *g, size_t e, const char *name, qr_error *err) {
  qr_status rc = compile_spelling(g, e, name, err);
  if (rc) return rc;
  qr_buf other = {0};   /* the variant, when the name has one (kept NUL-terminated) */
  rc = variant_spelling(g, e, name, &g->work_toks, &other);
  if (rc) rc = qr_error_set(err, rc, "out of memory compiling '%s'", name);
  else if (other.len) rc = compile_spelling(g, e, other.data, err);
  qr_buf_free(&other);
  return rc;
}
