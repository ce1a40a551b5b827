/* candidates.c — names the gazetteer does not know yet: capitalised runs of
 * words and all-capital acronyms, counted and ranked.
 *
 * One pass over the sentences of every document. A run is a maximal stretch
 * of capitalised words within a sentence, held together by the glue names
 * contain: hyphens joining words ("Thomas - Greenfield", and the lower-case
 * half of a hyphenated given name after the first word, "Kim Jong - un")
 * and at most two connector words (CONNECTORS below; "the" only after
 * another one: "Palace of the Sun"). Glue never starts or ends a run. A
 * possessive ends one, as it ends a gazetteer match ("Russia 's Far East"
 * is Russia and Far East). Tokens of a gazetteer mention end a run too: a
 * known name is no candidate, and what is left around it is judged on its
 * own; except that one or two words ending in a word that ends a kind of
 * name (the gazetteer's word classes) right after it are the end of a name
 * that takes it in ("Sea of Japan" + "Fleet"), and that such a word alone
 * after a possessive is no name ("Marrow's Group").
 *
 * Capitals that say nothing are left out: the first word of a sentence (or
 * after an opening quote or a colon) when it is a frequent sentence starter
 * or written in lower case elsewhere in the corpus ("The", "After"; an
 * all-capital word stays); honorifics before two words or more ("Dr.
 * Andrei Lankov"); headlines in title case. Of what remains, a run of two
 * words or more and a single acronym of 2 to 6 capital letters (NATO, U.N.)
 * are candidates; a single word only when asked (single), and only if it
 * was seen away from a sentence start and is no day or month name. Runs
 * longer than max_tokens words are lists or title-case lines, not names,
 * and a run seen right before a person's name is a title ("Foreign
 * Minister" Sergey Lavrov), never a candidate.
 *
 * Occurrences are grouped by their words' keys, normalised as the
 * gazetteer normalises names (core/lookup/trie.c): case folded, dots of
 * acronyms dropped, apostrophes unified; hyphens are not keys, so "Jong-un"
 * = "Jong Un". Keys are interned once per lexicon id, and a sequence of
 * keys is the hash key of a candidate: no string is made per token. A
 * sequence the gazetteer would match as a whole (entries added since the
 * corpus was matched) is left out at the end. */
#include <stdlib.h>
#include <string.h>

#include "quarry/query.h"
#include "quarry/utf8.h"

/* Lower-case words that may stand inside a name, between capitalised words:
 * "Sea of Japan", "Institute for ... Strategy", "Ponce de León", "van der",
 * "Bashar al-Assad", "Osama bin Laden". "and" is not one: "Russia and
 * China" is two names far more often than one. */
static const char *const CONNECTORS[] = {
  "of", "for", "de", "du", "des", "del", "della", "da", "di", "der", "den",
  "van", "von", "la", "le", "al", "el", "bin", "ibn", "bint", NULL,
};

/* Honorifics and ranks before a name, with or without their period: not
 * part of it. Place prefixes (St., Mt.) are not among them: St. Petersburg
 * is a name. */
static const char *const HONORIFICS[] = {
  "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Sir", "Dame", "Rev", "Gen", "Col", "Lt", "Capt",
  "Sgt", "Maj", "Adm", "Sen", "Rep", "Gov", NULL,
};

/* Day and month names are capitalised but name no entity: never a
 * candidate on their own. */
static const char *const DATE_WORDS[] = {
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
  "January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December", NULL,
};

/* What a lexicon id (a token form) is, computed on first use. */
enum {
  CL_DONE = 1 << 0,
  CL_CAP = 1 << 1,        /* a word whose first letter is upper- or title-case */
  CL_LOWER = 1 << 2,      /* a word whose first letter is lower-case */
  CL_ALLCAPS = 1 << 3,    /* two letters or more, every one a capital */
  CL_ACRONYM = 1 << 4,    /* 2 to 6 capital letters and maybe dots, not a Roman numeral */
  CL_CONNECTOR = 1 << 5,  /* one of CONNECTORS */
  CL_THE = 1 << 6,        /* "the": a connector only after another one */
  CL_HYPHEN = 1 << 7,     /* - or U+2010 / U+2011 */
  CL_STARTER = 1 << 8,    /* a frequent sentence starter (the segmenter's list) */
  CL_OPENER = 1 << 9,     /* an opening quote or a colon: a new start follows */
  CL_QUOTE = 1 << 10,     /* " : opening when a space precedes it */
  CL_DATE = 1 << 11,      /* a day or month name (DATE_WORDS) */
  CL_HONORIFIC = 1 << 12, /* Mr, Dr. ... (HONORIFICS) */
  CL_WRITTEN = 1 << 13,   /* the id is the form of a word token (set by the first pass) */
  CL_CLASSWORD = 1 << 14, /* it ends a kind of name ("Fleet", "Group", "River": the
                           * gazetteer's word classes, QR_WC_ORG to QR_WC_EVENT) */
  CL_POSSESSIVE = 1 << 15 /* 's, ’s, ' after a word */
};

/* One distinct sequence. */
typedef struct cand {
  uint32_t key_at, nkeys;   /* its keys: pool[key_at .. key_at + nkeys) */
  uint32_t first, ntok;     /* its first occurrence */
  uint32_t words, docs, last_doc;
  uint64_t count;
  uint8_t acronym;
  uint8_t eligible;   /* an occurrence made it a candidate (a single word may not be) */
  uint8_t title;      /* seen right before a person's name: a title, not a name */
} cand;

/* The state of one search. Every array is owned here and freed by
 * scan_free; none grows per token but by doubling. */
typedef struct scan {
  const qr_corpus *c;
  const qr_tokens *t;
  const uint32_t *forms, *folds;
  const qr_lexicon *lx;
  const qr_segmenter *seg;
  const qr_gazetteer *g;   /* the corpus's, or NULL */
  const qr_cand_opts *o;
  size_t max_words;
  uint16_t *cls;      /* per lexicon id: CL_* */
  uint32_t *norm;     /* per lexicon id: its key in keys, or QR_LEX_NONE until made */
  qr_lexicon *keys;   /* normalised word keys */
  qr_buf scratch;
  cand *cands;
  size_t ncands, cands_cap;
  uint32_t *slots;    /* hash table: a candidate index + 1, 0 when empty */
  size_t nslots;
  uint32_t *pool;     /* the keys of every candidate, back to back */
  size_t npool, pool_cap;
  uint32_t *run;      /* the keys of the run being counted */
  size_t run_cap;
} scan;

static void scan_free(scan *s) {
  free(s->cls);
  free(s->norm);
  qr_lexicon_free(s->keys);
  qr_buf_free(&s->scratch);
  free(s->cands);
  free(s->slots);
  free(s->pool);
  free(s->run);
}

/* ---- classes and keys of lexicon ids -------------------------------------- */

static int in_list(const char *const *list, const char *w, size_t n) {
  for (const char *const *p = list; *p; p++)
    if (strlen(*p) == n && memcmp(*p, w, n) == 0) return 1;
  return 0;
}

/* The letter classes of a word: CL_CAP or CL_LOWER by its first letter,
 * CL_ALLCAPS and CL_ACRONYM by all of them. */
static uint16_t word_class(const char *w, size_t n) {
  uint16_t f = 0;
  size_t letters = 0, upper = 0, roman = 0;
  int only_letters_dots = 1, first = 1;
  for (size_t i = 0; i < n;) {
    int32_t cp;
    i += (size_t)qr_utf8_decode((const unsigned char *)w + i, n - i, &cp);
    qr_cclass cc = qr_char_class(cp);
    if (cc == QR_CC_UPPER || cc == QR_CC_LOWER || cc == QR_CC_LETTER) {
      if (first) f |= cc == QR_CC_UPPER ? CL_CAP : cc == QR_CC_LOWER ? CL_LOWER : 0;
      first = 0;
      letters++;
      upper += cc == QR_CC_UPPER;
      roman += cp == 'I' || cp == 'V' || cp == 'X';
    } else if (cc != QR_CC_MARK && cp != '.') {
      only_letters_dots = 0;
    }
  }
  if (letters >= 2 && upper == letters) {
    f |= CL_ALLCAPS;
    /* II, IV, XI are Roman numerals ("World War II"), not acronyms */
    if (only_letters_dots && letters <= 6 && roman < letters) f |= CL_ACRONYM;
  }
  return f;
}

static uint16_t class_of(scan *s, size_t i) {
  uint32_t id = s->forms[i];
  if (s->cls[id] & CL_DONE) return s->cls[id];
  const char *w = qr_lexicon_str(s->lx, id, NULL);
  size_t n = s->t->len[i];
  uint16_t f = CL_DONE;
  int kind = s->t->kind[i];
  /* a form is always tokenized as the same kind; whether a " opens a
   * quote is the token's, and is asked at use */
  if (kind == QR_TOK_WORD) {
    f |= word_class(w, n);
    if (n == 3 && memcmp(w, "the", 3) == 0) f |= CL_THE;
    else if (in_list(CONNECTORS, w, n)) f |= CL_CONNECTOR;
    if (in_list(DATE_WORDS, w, n)) f |= CL_DATE;
    if (in_list(HONORIFICS, w, n > 1 && w[n - 1] == '.' ? n - 1 : n)) f |= CL_HONORIFIC;
    if (qr_segmenter_is_starter(s->seg, w, n)) f |= CL_STARTER;
    uint32_t fold, exact, form = 0;
    if (s->g && qr_gazetteer_form_keys(s->g, w, n, QR_TOK_WORD, &s->scratch, &fold, &exact, &form) == QR_OK &&
        QR_KF_CLASS(form) >= QR_WC_ORG && QR_KF_CLASS(form) <= QR_WC_EVENT)
      f |= CL_CLASSWORD;
    if ((n == 2 && (memcmp(w, "'s", 2) == 0 || memcmp(w, "'S", 2) == 0)) ||
        (n == 4 && memcmp(w, "\xE2\x80\x99s", 4) == 0))
      f |= CL_POSSESSIVE;
  } else if (kind == QR_TOK_PUNCT) {
    if ((n == 1 && w[0] == '\'') || (n == 3 && memcmp(w, "\xE2\x80\x99", 3) == 0)) f |= CL_POSSESSIVE;
    if ((n == 1 && w[0] == '-') ||
        (n == 3 && (memcmp(w, "\xE2\x80\x90", 3) == 0 || memcmp(w, "\xE2\x80\x91", 3) == 0)))
      f |= CL_HYPHEN;
    if ((n == 1 && w[0] == ':') || (n == 2 && memcmp(w, "\xC2\xAB", 2) == 0) ||
        (n == 3 && (memcmp(w, "\xE2\x80\x9C", 3) == 0 || memcmp(w, "\xE2\x80\x98", 3) == 0)))
      f |= CL_OPENER;
    if (n == 1 && w[0] == '"') f |= CL_QUOTE;
  }
  s->cls[id] = (uint16_t)(f | (s->cls[id] & CL_WRITTEN));
  return s->cls[id];
}

/* The key of token i: its form with the dots of a dotted acronym dropped
 * (U.S. = US, as the gazetteer's keys), case-folded. */
static qr_status key_of(scan *s, size_t i, uint32_t *key) {
  uint32_t id = s->forms[i];
  if (s->norm[id] != QR_LEX_NONE) {
    *key = s->norm[id];
    return QR_OK;
  }
  size_t n;
  const char *w = qr_lexicon_str(s->lx, id, &n);
  char stripped[64];
  size_t m = 0;
  int dotted = memchr(w, '.', n) != NULL && n < sizeof stripped;
  for (size_t k = 0; dotted && k < n; k++) {
    unsigned char ch = (unsigned char)w[k];
    if (ch == '.') continue;
    if (ch < 0x80 && !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) dotted = 0;
    stripped[m++] = (char)ch;
  }
  if (dotted && m > 0) {
    w = stripped;
    n = m;
  }
  qr_buf_reset(&s->scratch);
  qr_status rc = qr_utf8_fold(w, n, &s->scratch);
  if (!rc) rc = qr_lexicon_intern(s->keys, s->scratch.data ? s->scratch.data : "", s->scratch.len,
                                  &s->norm[id]);
  if (rc) return rc;
  *key = s->norm[id];
  return QR_OK;
}

/* ---- the table of distinct sequences -------------------------------------- */

static uint64_t hash_keys(const uint32_t *k, size_t n) { return qr_hash_bytes(k, n * sizeof *k); }

static qr_status rehash(scan *s) {
  size_t ns = s->nslots ? s->nslots * 2 : 1024;
  uint32_t *slots = calloc(ns, sizeof *slots);
  if (!slots) return QR_ENOMEM;
  for (size_t k = 0; k < s->ncands; k++) {
    const cand *x = &s->cands[k];
    size_t j = hash_keys(s->pool + x->key_at, x->nkeys) & (ns - 1);
    while (slots[j]) j = (j + 1) & (ns - 1);
    slots[j] = (uint32_t)k + 1;
  }
  free(s->slots);
  s->slots = slots;
  s->nslots = ns;
  return QR_OK;
}

/* Counts one occurrence: tokens [first, first + ntok) of document doc, whose
 * keys are s->run[0 .. nkeys). */
static qr_status count_run(scan *s, size_t doc, size_t first, size_t ntok, size_t nkeys,
                           size_t words, int acronym, int eligible, int title) {
  if ((s->ncands + 1) * 2 > s->nslots && rehash(s)) return QR_ENOMEM;
  size_t mask = s->nslots - 1, j = hash_keys(s->run, nkeys) & mask;
  cand *x = NULL;
  for (; s->slots[j]; j = (j + 1) & mask) {
    cand *y = &s->cands[s->slots[j] - 1];
    if (y->nkeys == nkeys && memcmp(s->pool + y->key_at, s->run, nkeys * sizeof *s->run) == 0) {
      x = y;
      break;
    }
  }
  if (!x) {
    if (s->npool + nkeys > UINT32_MAX || s->ncands >= UINT32_MAX - 1) return QR_ELIMIT;
    if (qr_grow((void **)&s->cands, &s->cands_cap, s->ncands + 1, sizeof *s->cands) ||
        qr_grow((void **)&s->pool, &s->pool_cap, s->npool + nkeys, sizeof *s->pool))
      return QR_ENOMEM;
    memcpy(s->pool + s->npool, s->run, nkeys * sizeof *s->run);
    x = &s->cands[s->ncands];
    memset(x, 0, sizeof *x);
    x->key_at = (uint32_t)s->npool;
    x->nkeys = (uint32_t)nkeys;
    x->first = (uint32_t)first;
    x->ntok = (uint32_t)ntok;
    x->words = (uint32_t)words;
    x->last_doc = UINT32_MAX;
    x->acronym = (uint8_t)acronym;
    s->npool += nkeys;
    s->slots[j] = (uint32_t)++s->ncands;
  }
  x->count++;
  if (x->last_doc != doc) {
    x->last_doc = (uint32_t)doc;
    x->docs++;
  }
  x->eligible |= (uint8_t)eligible;
  x->title |= (uint8_t)title;
  return QR_OK;
}

/* ---- runs ----------------------------------------------------------------- */

/* Mentions of one document, for asking whether a token is inside one. */
typedef struct ments {
  const qr_mentions *m;
  size_t k, end;   /* the next mention that may cover a token, and the end of the doc's */
  size_t start;    /* the doc's first */
} ments;

/* Is token i inside a mention of the gazetteer (a guessed name is what
 * candidates are made of: not one)? Tokens are asked in increasing order,
 * except that a lookahead may ask further tokens first: it passes advance
 * = 0. */
static int covered(ments *mt, size_t i, int advance) {
  size_t k = mt->k;
  while (k < mt->end && mt->m->tok_first[k] + mt->m->tok_count[k] <= i) k++;
  if (advance) mt->k = k;
  return k < mt->end && mt->m->tok_first[k] <= i && !(mt->m->flags[k] & QR_MF_GUESS);
}

/* Is the gap before token i one a name may run across (no paragraph
 * break)? */
static int joined(const qr_tokens *t, size_t i) { return !(t->flags[i] & QR_TF_PARA_BEFORE); }

/* A hyphen with no space on either side. */
static int joining_hyphen(scan *s, size_t i, size_t end) {
  return (class_of(s, i) & CL_HYPHEN) && i + 1 < end &&
         !(s->t->flags[i] & (QR_TF_SPACE_BEFORE | QR_TF_NEWLINE_BEFORE)) &&
         !(s->t->flags[i + 1] & (QR_TF_SPACE_BEFORE | QR_TF_NEWLINE_BEFORE));
}

/* Does a mention of a PERSON entry start at token i? */
static int person_at(const scan *s, const ments *mt, size_t i) {
  if (!s->g) return 0;
  for (size_t k = mt->k; k < mt->end && mt->m->tok_first[k] <= i; k++)
    if (mt->m->tok_first[k] == i)
      return mt->m->flags[k] & QR_MF_GUESS
                 ? qr_mention_guess_type(mt->m, k) == QR_GT_PERSON
                 : strcmp(qr_gazetteer_type(s->g, mt->m->entry[k]), "PERSON") == 0;
  return 0;
}

/* The end of the glue and next word that extend a run ending before token
 * at, with `capwords` capitalised words so far; 0 when the run ends there.
 * Glue: at most two connectors (the second may be "the") and hyphens
 * joining words. */
static size_t extend(scan *s, ments *mt, size_t at, size_t end, size_t capwords) {
  size_t i = at, connectors = 0;
  int after_hyphen = 0;
  while (i < end && i - at < 5 && joined(s->t, i) && !covered(mt, i, 0)) {
    uint16_t f = class_of(s, i);
    /* a guessed person starts a name of their own: what comes before is a
     * title ("Foreign Minister" Choe Son Hui), kept apart */
    if (s->t->kind[i] == QR_TOK_WORD && (f & CL_CAP)) return person_at(s, mt, i) ? 0 : i + 1;
    /* the lower-case half of a hyphenated given name: Kim Jong-un, Moon
     * Jae-in; not "Pyongyang-based", whose first half starts the run */
    if (after_hyphen && connectors == 0 && (f & CL_LOWER) && !(f & (CL_CONNECTOR | CL_THE)) &&
        capwords >= 2 && i == at + 1)
      return i + 1;
    if (joining_hyphen(s, i, end)) {
      after_hyphen = 1;
    } else if ((f & CL_CONNECTOR) || ((f & CL_THE) && connectors == 1)) {
      if (++connectors > 2) return 0;
      after_hyphen = 0;
    } else {
      return 0;
    }
    i++;
  }
  return 0;
}

/* Is sentence [t0, t1) a headline in title case, whose capitals say
 * nothing? Headlines whose words of four letters or more are at least
 * three quarters capitalised ("Putin Visits North Korea Amid Growing
 * Ties") are. */
static int title_case(scan *s, size_t t0, size_t t1) {
  size_t long_words = 0, caps = 0;
  for (size_t i = t0; i < t1; i++) {
    if (s->t->kind[i] != QR_TOK_WORD || s->t->len[i] < 4) continue;
    long_words++;
    caps += (class_of(s, i) & CL_CAP) != 0;
  }
  return long_words >= 2 && caps * 4 >= long_words * 3;
}

/* Is token i, at a sentence start, only in sentence case: a frequent
 * starter, or a word written in lower case elsewhere (an all-capital word
 * never is)? */
static int sentence_case(scan *s, size_t i) {
  uint16_t f = class_of(s, i);
  return !(f & CL_ALLCAPS) && ((f & CL_STARTER) || (s->cls[s->folds[i]] & CL_WRITTEN));
}

/* Counts the run [a, b) of document doc; initial says whether token a
 * starts a sentence, title whether a person's name follows it. */
static qr_status take_run(scan *s, size_t doc, size_t a, size_t b, int initial, int title) {
  /* a sentence-case first word is no part of a name: drop it, and the glue
   * after it */
  if (initial && sentence_case(s, a)) {
    a++;
    while (a < b && !(s->t->kind[a] == QR_TOK_WORD && (class_of(s, a) & CL_CAP))) a++;
    if (a == b) return QR_OK;
    initial = 0;
  }
  /* honorifics are no part of a name ("Dr. Andrei Lankov"), but one
   * before a single word stays: "Mr Blair" says more than "Blair", whose
   * count would mix in every other Blair */
  size_t h = a, after = 0;
  while (h < b && (class_of(s, h) & CL_HONORIFIC)) h++;
  if (h == b) return QR_OK;
  for (size_t i = h; i < b; i++) after += !(class_of(s, i) & CL_HYPHEN);
  if (h > a && after >= 2) {
    a = h;
    initial = 0;
  }
  size_t words = 0, nkeys = 0;
  if (qr_grow((void **)&s->run, &s->run_cap, b - a, sizeof *s->run)) return QR_ENOMEM;
  for (size_t i = a; i < b; i++) {
    uint16_t f = class_of(s, i);
    if (f & CL_HYPHEN) continue;   /* only joining hyphens are inside a run */
    qr_status rc = key_of(s, i, &s->run[nkeys++]);
    if (rc) return rc;
    words++;
  }
  if (words > s->max_words) return QR_OK;
  int acronym = b - a == 1 && (class_of(s, a) & CL_ACRONYM);
  int eligible = words >= 2 || acronym;
  if (words == 1 && !acronym) {
    /* a single word: the rows show it only when asked for, and only when
     * it was seen away from a sentence start; "I", "Tuesday" never */
    size_t n;
    qr_lexicon_str(s->lx, s->forms[a], &n);
    eligible = s->o->single && !initial && n > 1 && !(class_of(s, a) & (CL_STARTER | CL_DATE));
  }
  return count_run(s, doc, a, b - a, nkeys, words, acronym, eligible, title);
}

/* Does token i open a new start inside a sentence (“ ‘ « : or a " after a
 * space)? */
static int opener(scan *s, size_t i) {
  uint16_t f = class_of(s, i);
  return (f & CL_OPENER) || ((f & CL_QUOTE) && (s->t->flags[i] & QR_TF_SPACE_BEFORE));
}

/* The mention of the gazetteer that ends right before token i, in the
 * same sentence and with nothing between (a space at most), or SIZE_MAX. */
static size_t known_before(const scan *s, const ments *mt, size_t t0, size_t i) {
  if (i == t0 || !joined(s->t, i) || (s->t->flags[i] & QR_TF_NEWLINE_BEFORE)) return SIZE_MAX;
  for (size_t k = mt->k; k-- > mt->start;) {
    size_t e = mt->m->tok_first[k] + mt->m->tok_count[k];
    if (e < i) break;
    if (e == i && mt->m->tok_first[k] >= t0 && !(mt->m->flags[k] & QR_MF_GUESS)) return k;
  }
  return SIZE_MAX;
}

/* Is the run [a, b) one word that ends a kind of name ("Group", "Fleet")? */
static int class_word_alone(scan *s, size_t a, size_t b) {
  return b == a + 1 && (class_of(s, a) & CL_CLASSWORD);
}

static qr_status scan_sentence(scan *s, ments *mt, size_t doc, size_t t0, size_t t1) {
  const qr_tokens *t = s->t;
  int seen = 0;   /* a word or number has been seen: a capital now is no sentence start */
  for (size_t i = t0; i < t1;) {
    int is_covered = covered(mt, i, 1);
    if (t->kind[i] != QR_TOK_WORD || !(class_of(s, i) & CL_CAP) || is_covered) {
      if (t->kind[i] != QR_TOK_PUNCT && t->kind[i] != QR_TOK_SYMBOL &&
          t->kind[i] != QR_TOK_ELLIPSIS)
        seen = 1;
      i++;
      continue;
    }
    int initial = !seen || (i > t0 && opener(s, i - 1));
    /* a first word that is only sentence case will be dropped: it does not
     * count as a word of the name ("The Pyongyang-based") */
    size_t b = i + 1, capwords = initial && sentence_case(s, i) ? 0 : 1, next;
    while ((next = extend(s, mt, b, t1, capwords)) != 0) {
      capwords += (class_of(s, next - 1) & CL_CAP) != 0;
      b = next;
    }
    /* a run of one or two words that ends a kind of name right after a
     * name of the gazetteer is the end of a longer one the gazetteer lacks:
     * "Sea of Japan" + "Fleet", "Seoul" + "National University"; the
     * candidate takes the known name in (and is left out at the end if the
     * gazetteer knows it whole). A longer run is a name of its own after a
     * modifier: "US" + "Pew Research Center" */
    size_t a = i, k = initial ? SIZE_MAX : known_before(s, mt, t0, i), words = 0;
    for (size_t j = i; j < b && k != SIZE_MAX; j++) words += !(class_of(s, j) & CL_HYPHEN);
    if (k != SIZE_MAX && words <= 2 && (class_of(s, b - 1) & CL_CLASSWORD)) a = mt->m->tok_first[k];
    /* one such word alone after a possessive is no name: "Marrow's Group"
     * is Marrow's group, not "Group" */
    int fragment = a == i && i > t0 && (class_of(s, i - 1) & CL_POSSESSIVE) &&
                   (s->t->flags[i - 1] & QR_TF_CLITIC) && class_word_alone(s, i, b);
    qr_status rc = fragment ? QR_OK : take_run(s, doc, a, b, initial, b < t1 && person_at(s, mt, b));
    if (rc) return rc;
    seen = 1;
    i = b;
  }
  return QR_OK;
}

/* ---- results -------------------------------------------------------------- */

/* Would the gazetteer match tokens [first, first + n) as one name? */
static qr_status known_name(const qr_gazetteer *g, const qr_corpus *c, size_t first, size_t n,
                            qr_tokkey **keys, size_t *keys_cap, qr_buf *scratch, qr_mentions *m,
                            int *known) {
  *known = 0;
  if (!g) return QR_OK;
  qr_doc d;
  qr_corpus_doc(c, qr_corpus_doc_of_token(c, first), &d);
  const qr_tokens *t = qr_corpus_tokens(c);
  if (qr_grow((void **)keys, keys_cap, n, sizeof **keys)) return QR_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    size_t k = first + i;
    qr_status rc = qr_gazetteer_form_keys(g, d.text + t->start[k], t->len[k], t->kind[k], scratch,
                                          &(*keys)[i].fold, &(*keys)[i].exact, &(*keys)[i].flags);
    if (rc) return rc;
  }
  qr_gazetteer_position_keys(d.text, t, first, first + n, *keys);
  qr_mentions_reset(m);
  qr_match_opts plain = {0, NULL, 0, 0, NULL};   /* the dictionary alone: no short names */
  qr_status rc = qr_gazetteer_match_keys(g, *keys, n, 0, &plain, m);
  if (rc) return rc;
  *known = m->n == 1 && m->tok_first[0] == 0 && m->tok_count[0] == n;
  return QR_OK;
}

/* Ranks rows: count, then documents, then keys in byte order word by word. */
typedef struct ranked {
  const cand *x;
  const scan *s;
} ranked;

static int cmp_ranked(const void *pa, const void *pb) {
  const ranked *a = pa, *b = pb;
  if (a->x->count != b->x->count) return a->x->count > b->x->count ? -1 : 1;
  if (a->x->docs != b->x->docs) return a->x->docs > b->x->docs ? -1 : 1;
  const scan *s = a->s;
  size_t n = a->x->nkeys < b->x->nkeys ? a->x->nkeys : b->x->nkeys;
  for (size_t k = 0; k < n; k++) {
    int r = strcmp(qr_lexicon_str(s->keys, s->pool[a->x->key_at + k], NULL),
                   qr_lexicon_str(s->keys, s->pool[b->x->key_at + k], NULL));
    if (r) return r;
  }
  if (a->x->nkeys != b->x->nkeys) return a->x->nkeys < b->x->nkeys ? -1 : 1;
  return a->x->first < b->x->first ? -1 : a->x->first > b->x->first;
}

static qr_status make_rows(scan *s, qr_cand_row **rows, size_t *nrows) {
  uint64_t min = s->o->min_count ? s->o->min_count : 1;
  ranked *r = malloc((s->ncands ? s->ncands : 1) * sizeof *r);
  if (!r) return QR_ENOMEM;
  const qr_gazetteer *g = qr_corpus_gazetteer(s->c);
  qr_tokkey *keys = NULL;
  size_t keys_cap = 0, m = 0;
  qr_buf scratch = {0};
  qr_mentions found = {0};
  qr_status rc = QR_OK;
  for (size_t k = 0; k < s->ncands && !rc; k++) {
    const cand *x = &s->cands[k];
    if (x->count < min || !x->eligible || x->title) continue;
    int known;
    rc = known_name(g, s->c, x->first, x->ntok, &keys, &keys_cap, &scratch, &found, &known);
    if (!rc && !known) r[m++] = (ranked){x, s};
  }
  free(keys);
  qr_buf_free(&scratch);
  qr_mentions_free(&found);
  if (rc) {
    free(r);
    return rc;
  }
  qsort(r, m, sizeof *r, cmp_ranked);
  if (s->o->top && m > s->o->top) m = s->o->top;
  qr_cand_row *out = malloc((m ? m : 1) * sizeof *out);
  if (!out) {
    free(r);
    return QR_ENOMEM;
  }
  for (size_t k = 0; k < m; k++) {
    const cand *x = r[k].x;
    out[k] = (qr_cand_row){x->first, x->ntok, x->docs, x->words, x->count, x->acronym};
  }
  free(r);
  *rows = out;
  *nrows = m;
  return QR_OK;
}

qr_status qr_find_candidates(const qr_corpus *c, const qr_cand_opts *o, qr_cand_row **rows,
                             size_t *n) {
  *rows = NULL;
  *n = 0;
  scan s;
  memset(&s, 0, sizeof s);
  s.c = c;
  s.t = qr_corpus_tokens(c);
  s.forms = qr_corpus_forms(c);
  s.folds = qr_corpus_folds(c);
  s.lx = qr_corpus_lexicon(c);
  s.seg = qr_corpus_segmenter(c);
  s.g = qr_corpus_gazetteer(c);
  s.o = o;
  s.max_words = o->max_tokens ? o->max_tokens : QR_CAND_MAX_TOKENS;
  size_t nlex = qr_lexicon_size(s.lx);
  s.cls = calloc(nlex ? nlex : 1, sizeof *s.cls);
  s.norm = malloc((nlex ? nlex : 1) * sizeof *s.norm);
  s.keys = qr_lexicon_new();
  if (!s.cls || !s.norm || !s.keys) {
    scan_free(&s);
    return QR_ENOMEM;
  }
  memset(s.norm, 0xFF, (nlex ? nlex : 1) * sizeof *s.norm);   /* QR_LEX_NONE */
  /* which ids are written as words: "the" is, so "The" at a sentence start
   * is sentence case; "russian" is not, so "Russian" is a name */
  for (size_t i = 0; i < s.t->n; i++)
    if (s.t->kind[i] == QR_TOK_WORD) s.cls[s.forms[i]] |= CL_WRITTEN;
  const qr_sentences *sents = qr_corpus_sentences(c);
  qr_status rc = QR_OK;
  for (size_t d = 0; d < qr_corpus_ndocs(c) && !rc; d++) {
    qr_doc doc;
    qr_corpus_doc(c, d, &doc);
    ments mt = {qr_corpus_mentions(c), doc.ment_first, doc.ment_first + doc.ment_count,
                doc.ment_first};
    for (size_t k = doc.sent_first; k < doc.sent_first + doc.sent_count && !rc; k++) {
      size_t t0 = sents->first[k], t1 = t0 + sents->count[k];
      if ((sents->flags[k] & QR_SF_HEADLINE) && title_case(&s, t0, t1)) continue;
      rc = scan_sentence(&s, &mt, d, t0, t1);
    }
  }
  if (!rc) rc = make_rows(&s, rows, n);
  scan_free(&s);
  return rc;
}
