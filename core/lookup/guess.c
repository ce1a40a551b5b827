/* guess.c — names the gazetteer lacks, found by their shape and typed by
 * the words around them; docs/gazetteer.md, "Names it has never seen", has
 * the rules and their confidences, in the order type_run applies them.
 *
 * A candidate is a run of capitalised words where the gazetteer found
 * nothing: "Andrei Lankov", "Institute for National Security Strategy"
 * (connectors inside, after a word of a class), "Shin Won-sik" (a hyphen
 * joins the halves). Titles at its head are the evidence of a person and
 * stay out of the name; so does "The". The word classes come as form flags
 * (namewords.c), so that this pass reads flags and word ids only.
 *
 * Then the text speaks for itself: a name met again takes its strongest
 * guess's type; a word alone that is the last (or else the first) word of
 * a person named in full in the same text is that person. In a line
 * written as a title, where every word has a capital, only names the text
 * gives elsewhere count. What is left without evidence is no guess.
 *
 * A document may be a whole book, and the guessing runs by default, in
 * every scan: it goes over the tokens once, 64 at a time (what a token and
 * its neighbours tell is taken then, on bits), then over the starts of
 * runs, then over the candidates only, each name numbered once (a hash map
 * keyed by its words' ids) so that what is counted per name is an array.
 * Its tables grow with the names, not the text; its per-token marks are
 * bits; what it needs from one text to the next stays in the caller's
 * qr_guesses. A corpus's guesses go straight among its mentions
 * (put_guesses). */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "lookup/gazetteer_impl.h"
#include "quarry/scratch.h"

const char *qr_guess_type_name(int type) {
  static const char *const names[QR_GT_COUNT] = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"};
  return type >= 0 && type < QR_GT_COUNT ? names[type] : "?";
}

/* Makes room in q for more guesses. */
static qr_status reserve_guesses(qr_guesses *q, size_t more) {
  if (q->cap - q->n >= more) return QR_OK;
  size_t cap = q->cap ? q->cap : 32;
  while (cap - q->n < more) cap *= 2;
  void *p;
#define GROW(field)                                                      \
  if (!(p = realloc(q->field, cap * sizeof *q->field))) return QR_ENOMEM; \
  q->field = p;
  GROW(tok_first) GROW(tok_count) GROW(type) GROW(conf) GROW(same)
#undef GROW
  q->cap = cap;
  return QR_OK;
}

/* Appends a guess to q, which has room for it (reserve_guesses). */
static void push_guess(qr_guesses *q, size_t first, size_t count, int type, int conf,
                       size_t same) {
  q->tok_first[q->n] = (uint32_t)first;
  q->tok_count[q->n] = (uint32_t)count;
  q->type[q->n] = (uint8_t)type;
  q->conf[q->n] = (uint8_t)conf;
  q->same[q->n] = (uint32_t)same;
  q->n++;
}

/* ---- a set of word ids ------------------------------------------------------- */

/* The sets and maps below grow with what they hold, not with the text:
 * a book has millions of capitalised words but some thousands of names,
 * and tables that small stay in the cache (sized by the words, they missed
 * it on every probe, and most of the pass went to faulting their pages). */

/* The slot of a 64-bit key in a table of 2^bits slots (the high bits of a
 * multiplicative hash: word ids are small and dense). */
static size_t slot_of(uint64_t key, unsigned bits) {
  return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

/* Grows the array *p of *n elements of elem bytes to hold index i, by
 * doubling from first, the new elements' bytes set to fill. */
static qr_status grow_to(void **p, size_t *n, size_t i, size_t elem, size_t first, int fill) {
  if (i < *n) return QR_OK;
  size_t m = *n ? *n : first;
  while (m <= i) m *= 2;
  char *q = realloc(*p, m * elem);
  if (!q) return QR_ENOMEM;
  memset(q + *n * elem, fill, (m - *n) * elem);
  *p = q;
  *n = m;
  return QR_OK;
}

/* Three sets of word ids (WS_*) as bitmaps over the ids, grown to the
 * highest, the three words of 64 ids side by side: a word's three bits
 * are in one cache line. Bits are set without a branch, at every token
 * for the small words; the sets are emptied by going over the text's ids
 * again, or whole when that costs less (see qr_gazetteer_guess). */
typedef struct wordsets {
  uint64_t *w;   /* w[WS_SETS * (id / 64) + WS_*] */
  size_t nw;     /* words of 64 ids */
} wordsets;
enum {
  WS_SMALL,    /* words the text writes in small letters */
  WS_INSIDE,   /* words it writes with a capital inside a sentence */
  WS_ALONE,    /* words that are a run of their own, inside a sentence */
  WS_SETS
};

static int ws_has(const wordsets *s, int set, uint32_t id) {
  return id / 64 < s->nw && (s->w[WS_SETS * (id / 64) + (size_t)set] >> (id % 64) & 1);
}

/* Grows s to hold id. */
static qr_status ws_reach(wordsets *s, uint32_t id) {
  if (id / 64 < s->nw) return QR_OK;
  size_t m = s->nw ? s->nw : 64;
  while (m <= id / 64) m *= 2;
  uint64_t *w = realloc(s->w, WS_SETS * m * sizeof *w);
  if (!w) return QR_ENOMEM;
  memset(w + WS_SETS * s->nw, 0, WS_SETS * (m - s->nw) * sizeof *w);
  s->w = w;
  s->nw = m;
  return QR_OK;
}

/* ws_reach for a loop that keeps s's words and their count in locals
 * (*w, *nw): they are read again when s grows. */
static inline qr_status ws_cover(wordsets *s, uint32_t id, uint64_t *restrict *w, size_t *nw) {
  if (__builtin_expect(id / 64 < *nw, 1)) return QR_OK;
  if (ws_reach(s, id)) return QR_ENOMEM;
  *w = s->w;
  *nw = s->nw;
  return QR_OK;
}

/* Empties s of the ids of a text of n tokens. */
static void ws_clear(wordsets *s, const uint32_t *ids, size_t n) {
  if (!s->nw) return;   /* (never grown: out of memory at the first id) */
  if (s->nw <= n / 8) {
    memset(s->w, 0, WS_SETS * s->nw * sizeof *s->w);
    return;
  }
  for (size_t i = 0; i < n; i++)
    if (ids[i] / 64 < s->nw) memset(s->w + WS_SETS * (size_t)(ids[i] / 64), 0, WS_SETS * sizeof *s->w);
}

/* A map from word ids to candidates, made as a word set is: an array over the
 * ids, grown to the highest, with the list of the ids it holds (a probe
 * of a hash map per candidate cost more than the rest of their pass). */
typedef struct idmap {
  uint32_t *v;       /* per id: a value, or UINT32_MAX */
  size_t n;
  uint32_t *held;    /* the ids with a value */
  size_t nheld, held_cap;
} idmap;

static uint32_t idmap_get(const idmap *m, uint32_t id) { return id < m->n ? m->v[id] : UINT32_MAX; }

/* Makes room in m for the ids below bound, and more of them held: then
 * idmap_set needs no check. */
static qr_status idmap_reserve(idmap *m, size_t bound, size_t more) {
  if (bound && grow_to((void **)&m->v, &m->n, bound - 1, sizeof *m->v, 1024, 0xFF)) return QR_ENOMEM;
  return qr_grow((void **)&m->held, &m->held_cap, m->nheld + more, sizeof *m->held);
}

/* Puts val under id, with room reserved for it (idmap_reserve). */
static void idmap_set(idmap *m, uint32_t id, uint32_t val) {
  if (m->v[id] == UINT32_MAX) m->held[m->nheld++] = id;
  m->v[id] = val;
}

static void idmap_clear(idmap *m) {
  for (size_t i = 0; i < m->nheld; i++) m->v[m->held[i]] = UINT32_MAX;
  m->nheld = 0;
}

static void idmap_free(idmap *m) {
  free(m->v);
  free(m->held);
  memset(m, 0, sizeof *m);
}

/* What a guess keeps from one text to the next: fresh pages for each text
 * would be zeroed by the kernel every time. */
struct qr_guess_scratch {
  uint64_t *marks;     /* three bits per token: text.title, text.known, text.soft */
  size_t marks_cap;
  uint32_t *pos;       /* the capitalised words' tokens */
  size_t pos_cap;
  wordsets words;      /* per word id: WS_* */
  idmap last, first;   /* per word id: a candidate (see qr_gazetteer_guess) */
};

void qr_guesses_free(qr_guesses *q) {
  free(q->tok_first);
  free(q->tok_count);
  free(q->type);
  free(q->conf);
  free(q->same);
  free(q->drop);
  if (q->scratch) {
    free(q->scratch->marks);
    free(q->scratch->pos);
    free(q->scratch->words.w);
    idmap_free(&q->scratch->last);
    idmap_free(&q->scratch->first);
    free(q->scratch);
  }
  memset(q, 0, sizeof *q);
}

/* ---- a map from name keys to numbers --------------------------------------------- */

typedef struct keyslot {
  uint64_t key;
  uint32_t val;   /* UINT32_MAX: empty (no value is that big) */
} keyslot;

typedef struct keymap {
  keyslot *slot;   /* (a key beside its value: one cache line a probe) */
  unsigned bits;
  size_t n;
} keymap;

static void keymap_free(keymap *m) {
  free(m->slot);
  memset(m, 0, sizeof *m);
}

/* The slot of key: its own, or the empty one where it would go. */
static size_t keymap_slot(const keymap *m, uint64_t key) {
  size_t mask = ((size_t)1 << m->bits) - 1, i = slot_of(key, m->bits);
  while (m->slot[i].val != UINT32_MAX && m->slot[i].key != key) i = (i + 1) & mask;
  return i;
}

/* The value under key, or UINT32_MAX. */
static uint32_t keymap_get(const keymap *m, uint64_t key) {
  return m->slot ? m->slot[keymap_slot(m, key)].val : UINT32_MAX;
}

/* Sizes the empty map m for about n keys, so that it is not grown again
 * and again on the way there (it still grows if more come). */
static qr_status keymap_presize(keymap *m, size_t n) {
  unsigned bits = 6;
  while (((size_t)1 << bits) < 2 * n && bits < 30) bits++;
  if (!(m->slot = malloc(((size_t)1 << bits) * sizeof *m->slot))) return QR_ENOMEM;
  m->bits = bits;
  for (size_t j = 0; j < (size_t)1 << bits; j++) m->slot[j].val = UINT32_MAX;
  return QR_OK;
}

static qr_status keymap_put(keymap *m, uint64_t key, uint32_t val) {
  size_t i = m->slot ? keymap_slot(m, key) : 0;
  if (!m->slot || (m->slot[i].val == UINT32_MAX && 2 * (m->n + 1) > (size_t)1 << m->bits)) {
    keymap old = *m;
    m->bits = old.slot ? old.bits + 1 : 6;
    size_t slots = (size_t)1 << m->bits;
    if (!(m->slot = malloc(slots * sizeof *m->slot))) {
      *m = old;
      return QR_ENOMEM;
    }
    for (size_t j = 0; j < slots; j++) m->slot[j].val = UINT32_MAX;
    for (size_t j = 0; old.slot && j < (size_t)1 << old.bits; j++)
      if (old.slot[j].val != UINT32_MAX) m->slot[keymap_slot(m, old.slot[j].key)] = old.slot[j];
    keymap_free(&old);
    i = keymap_slot(m, key);
  }
  m->n += m->slot[i].val == UINT32_MAX;
  m->slot[i].key = key;
  m->slot[i].val = val;
  return QR_OK;
}

/* ---- the text ----------------------------------------------------------------- */

typedef struct text {
  const qr_tokkey *keys;
  const uint32_t *ids;
  size_t n;
  /* bitmaps of the tokens: */
  uint64_t *title;    /* on a line written as a title */
  uint64_t *known;    /* inside a mention of the gazetteer */
  uint64_t *soft;     /* ... that a name of the text may take in (see below) */
  const qr_mentions *m;   /* the gazetteer's mentions, from m0, in text order */
  size_t m0, base;
  wordsets *words;    /* what the text does with each word (WS_*) */
} text;

static uint32_t flags_at(const text *t, size_t i) { return i < t->n ? t->keys[i].flags : 0; }

/* The mention of the gazetteer that starts at token i + 1 (the last one, if
 * several do), or 0: asked at a few tokens only, so a search, not a
 * per-token array. */
static uint32_t starts_at(const text *t, size_t i) {
  size_t lo = t->m0, hi = t->m->n, at = t->base + i;
  while (lo < hi) {   /* the first mention starting after i */
    size_t mid = lo + (hi - lo) / 2;
    if (t->m->tok_first[mid] <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo > t->m0 && t->m->tok_first[lo - 1] == at ? (uint32_t)lo : 0;
}
static int class_at(const text *t, size_t i) { return (int)QR_KF_CLASS(flags_at(t, i)); }

static int bit_at(const uint64_t *bits, size_t i) { return (int)(bits[i / 64] >> (i % 64) & 1); }
static void bits_set(uint64_t *bits, size_t a, size_t b) {
  for (size_t i = a; i < b; i++) bits[i / 64] |= 1ULL << (i % 64);
}

/* Is token i in a mention of the gazetteer that stands (not a soft one)? */
static int known_at(const text *t, size_t i) {
  return i < t->n && bit_at(t->known, i) && !bit_at(t->soft, i);
}

/* Is token i a capitalised word outside the gazetteer's mentions? */
static int name_word(const text *t, size_t i) {
  return i < t->n && !known_at(t, i) && (flags_at(t, i) & QR_KF_NAMEWORD);
}

static int starts_sentence(const text *t, size_t i) {
  return (flags_at(t, i) & (QR_KF_BARRIER | QR_KF_LINE_START)) != 0;
}

/* ... or the first word after an opening quote or bracket there */
static int opens_sentence(const text *t, size_t i) {
  const uint32_t letters = QR_KF_SMALL | QR_KF_LOWER | QR_KF_CAPS | QR_KF_NAMEWORD;
  return starts_sentence(t, i) ||
         (i > 0 && starts_sentence(t, i - 1) && !(flags_at(t, i - 1) & letters));
}

/* The end of the run of name words from token a: words, hyphens joining
 * two halves (the second may be small: Won-sik), connectors between two
 * words (of, for, von) after a word of a class. */
static size_t run_end(const text *t, size_t a) {
  size_t b = a + 1;
  for (;;) {
    if (b >= t->n || known_at(t, b) || (flags_at(t, b) & QR_KF_BARRIER)) break;
    /* no name runs from a line into a title's, or out of one */
    if ((flags_at(t, b) & QR_KF_LINE_START) && (bit_at(t->title, b) || bit_at(t->title, b - 1))) break;
    uint32_t f = flags_at(t, b);
    if (f & QR_KF_NAMEWORD) {
      b++;
    } else if ((f & QR_KF_SKIP) && b + 1 < t->n && !known_at(t, b + 1) &&
               (flags_at(t, b + 1) & (QR_KF_LOWER | QR_KF_CAPS)) &&
               !(flags_at(t, b + 1) & QR_KF_BARRIER)) {
      b += 2;
    } else if ((f & QR_KF_CONNECT) && name_word(t, b + 1) && class_at(t, b - 1) != QR_WC_NONE &&
               !(flags_at(t, b + 1) & QR_KF_BARRIER)) {
      /* only after a word of a class: "University of Seoul", "Secretary of
       * State", not "Andrei Lankov of Kookmin University" */
      b += 2;
    } else {
      break;
    }
  }
  return b;
}

/* How many words [a, b) has, the halves of a hyphenated word counting as
 * one. */
static size_t words_in(const text *t, size_t a, size_t b) {
  size_t w = 0;
  for (size_t i = a; i < b; i++)
    w += !(flags_at(t, i) & QR_KF_SKIP) && (i == a || !(flags_at(t, i - 1) & QR_KF_SKIP));
  return w;
}

/* words_in, and whether a connector ("of", "von") is among [a, b), in one
 * pass. */
static size_t span_words(const text *t, size_t a, size_t b, int *connected) {
  size_t w = 0;
  uint32_t before = a > 0 ? flags_at(t, a - 1) : 0, any = 0;
  for (size_t i = a; i < b; i++) {
    uint32_t f = flags_at(t, i);
    w += !(f & QR_KF_SKIP) && (i == a || !(before & QR_KF_SKIP));
    any |= f;
    before = f;
  }
  *connected = (any & QR_KF_CONNECT) != 0;
  return w;
}

/* Is there a title at most three tokens after b, past a comma and small
 * words ("Andrei Lankov, a professor at ...")? */
static int title_after(const text *t, size_t b) {
  for (size_t i = b; i < b + 4 && i < t->n; i++) {
    uint32_t f = flags_at(t, i);
    if (i > b && (f & QR_KF_BARRIER)) return 0;
    if (QR_KF_CLASS(f) == QR_WC_TITLE) return i > b;   /* (after a comma or "a") */
    if (f & QR_KF_NAMEWORD) return 0;
  }
  return 0;
}

/* One candidate, its span and what it is. */
typedef struct cand {
  uint32_t a, b;
  uint32_t takes;    /* the mention of the gazetteer it takes in + 1, or 0 */
  int8_t type;       /* QR_GT_*, or -1: none yet */
  int8_t conf;       /* (at most 100) */
  uint8_t marks;     /* C_* */
  uint8_t words;     /* how many (words_in, at most 255) */
  /* its first and last tokens' word ids: what the passes over the
   * candidates read of the text is kept here, read while the text's keys
   * are in the cache (a book's are not, by the time those passes run) */
  uint32_t first_id, last_id;
} cand;

/* candidates ahead whose words are asked for (see qr_gazetteer_guess) */
#define GUESS_AHEAD 16

/* a cand's marks */
enum {
  C_TITLE = 1,     /* in a line written as a title, where every word has a capital */
  C_OWN_KEY = 2,   /* its key is the key of its own words (name_key of [a, b)) */
  /* its first token: */
  C_STARTS = 4,    /* starts a sentence (starts_sentence) */
  C_OPENS = 8,     /* ... or opens one (opens_sentence) */
  C_GIVEN = 16     /* a given name (QR_KF_GIVEN) */
};

/* What c keeps of the text once [a, b) is its span of w words (see
 * cand). */
static void cand_span(const text *t, cand *c, size_t w) {
  c->words = (uint8_t)(w < 255 ? w : 255);
  c->first_id = t->ids[c->a];
  c->last_id = t->ids[c->b - 1];
  c->marks &= (uint8_t)~(C_STARTS | C_OPENS | C_GIVEN);
  c->marks |= (uint8_t)((starts_sentence(t, c->a) ? C_STARTS : 0) |
                        (opens_sentence(t, c->a) ? C_OPENS : 0) |
                        (flags_at(t, c->a) & QR_KF_GIVEN ? C_GIVEN : 0));
}

/* Types the run [a, b) of so many words, connected or not (span_words),
 * by its words and neighbours (see the top). */
static void type_run(const text *t, cand *c, int titled, size_t words, int connected) {
  size_t a = c->a, b = c->b;
  int last = class_at(t, b - 1), first = class_at(t, a);
  static const int by_class[] = {-1, -1, QR_GT_ORG, QR_GT_FAC, QR_GT_LOC, QR_GT_GPE, QR_GT_EVENT, -1};
  int given = (flags_at(t, a) & QR_KF_GIVEN) && !connected;
  /* a small word after it: the name is a modifier ("the Muslim community",
   * "investment in Rover is") */
  int modifier = b < t->n && (flags_at(t, b) & QR_KF_SMALL) && !(flags_at(t, b) & QR_KF_BARRIER);
  c->type = -1;
  if (flags_at(t, b - 1) & QR_KF_LAW) return;   /* "Data Protection Act" */
  if (given && words == 2) {
    /* "Carl Court", "John Post": a given name and one more word */
    c->type = QR_GT_PERSON;
    c->conf = titled ? 90 : 70;
  } else if (words >= 2 && by_class[last] >= 0) {
    c->type = by_class[last];
    c->conf = 80;
  } else if (connected && by_class[first] >= 0) {
    c->type = by_class[first];
    c->conf = 75;
  } else if (titled || (words >= 2 && title_after(t, b))) {
    c->type = QR_GT_PERSON;
    c->conf = titled ? 90 : 75;
  } else if (given && words >= 2 && words <= 4) {
    c->type = QR_GT_PERSON;
    c->conf = 70;
  } else if (words >= 2 && words <= 3 && !connected && a > 0 && (flags_at(t, a - 1) & QR_KF_BY) &&
             (b == t->n || (flags_at(t, b) & QR_KF_LINE_START))) {
    c->type = QR_GT_PERSON;   /* a byline: "by Faruk Imamovic" */
    c->conf = 70;
  } else if (words >= 2 && words <= 4 && !connected && (flags_at(t, b) & QR_KF_SPEECH)) {
    c->type = QR_GT_PERSON;   /* "Yuri Ushakov said" */
    c->conf = 65;
  } else if (words >= 2 && words <= 3 && !connected && ws_has(t->words, WS_ALONE, t->ids[b - 1])) {
    c->type = QR_GT_PERSON;   /* "Vladimir Putin" ... "Putin": a surname alone */
    c->conf = 60;
  } else if (a > 0 && (flags_at(t, a - 1) & QR_KF_DET) && !modifier) {
    c->type = QR_GT_ORG;
    c->conf = 55;
  }
}

/* The key of a name: its words' ids, hyphens left out, hashed. */
static uint64_t name_key(const text *t, size_t a, size_t b) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = a; i < b; i++) {
    if (flags_at(t, i) & QR_KF_SKIP) continue;
    h = (h ^ t->ids[i]) * 1099511628211ULL;
  }
  return h;
}

/* The number of the name key in names, a new one if it has none: a new
 * name's count is 0, its best and full guesses none. */
static qr_status name_number(keymap *names, uint64_t key, size_t *n, size_t *cap,
                             uint32_t **count, uint32_t **best, uint32_t **full, uint32_t *out) {
  uint32_t v = keymap_get(names, key);
  if (v != UINT32_MAX) {
    *out = v;
    return QR_OK;
  }
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 64;
    uint32_t *p;
    if (!(p = realloc(*count, c * sizeof *p))) return QR_ENOMEM;
    *count = p;
    if (!(p = realloc(*best, c * sizeof *p))) return QR_ENOMEM;
    *best = p;
    if (!(p = realloc(*full, c * sizeof *p))) return QR_ENOMEM;
    *full = p;
    *cap = c;
  }
  qr_status rc = keymap_put(names, key, (uint32_t)*n);
  if (rc) return rc;
  (*count)[*n] = 0;
  (*best)[*n] = (*full)[*n] = UINT32_MAX;
  *out = (uint32_t)(*n)++;
  return QR_OK;
}

/* The bits of the tokens on lines written as titles, from the matcher's
 * caps (the matcher tells titles as this pass would: three capitalised
 * words or more, small words only where titles keep them, one sentence
 * at most), 64 tokens at a time. */
static void title_bits(const uint8_t *caps, size_t n, uint64_t *title) {
  size_t i = 0;
#if defined(__SSE2__)
  /* each byte's QR_CAPS_TITLE bit shifted to its top, where movemask reads */
  for (; i + 64 <= n; i += 64) {
    uint64_t w = 0;
    for (int k = 0; k < 4; k++) {
      __m128i v = _mm_loadu_si128((const __m128i *)(caps + i + 16 * k));
      w |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(v, 6)) << (16 * k);
    }
    title[i / 64] = w;
  }
#endif
  for (; i < n; i++) title[i / 64] |= (uint64_t)((caps[i] & QR_CAPS_TITLE) != 0) << (i % 64);
}

/* Is the run of name words that may start at token i one that the runs
 * drop at once, a run of one word, a title, "The" or a common word with
 * no name of the gazetteer after it? Most sentences' first words are,
 * and are not looked at again. */
static int dropped_at_once(const text *t, size_t i) {
  uint32_t f = t->keys[i].flags, next = flags_at(t, i + 1);
  int single = known_at(t, i + 1) || (next & QR_KF_BARRIER) ||
               !(next & (QR_KF_NAMEWORD | QR_KF_SKIP | QR_KF_CONNECT));
  return single && (QR_KF_CLASS(f) == QR_WC_TITLE || (f & (QR_KF_SKIP | QR_KF_DET | QR_KF_CONNECT)) ||
                    ((f & (QR_KF_COMMON | QR_KF_GIVEN)) == QR_KF_COMMON && !bit_at(t->known, i + 1)));
}

/* The pass over the tokens, once the lines written as titles and the
 * gazetteer's mentions are marked: the words the text writes small, those
 * it writes with a capital inside a sentence, and those that stand alone
 * there (surnames, mostly), and the tokens where a run of name words may
 * start (pos, *npos: a name word, but not one right after another inside
 * a sentence, which the run from that one takes in). It goes 64 tokens at
 * a time: every token sets its small bit, and its bits among the
 * capitalised words, the sentences' first words and the hyphens, without
 * a branch; what a capitalised word's neighbours tell is then worked out
 * for the 64 at once, on those bits. */
static qr_status scan_text(const text *t, uint32_t *restrict pos, size_t *npos) {
  /* (everything the loop reads and writes is in locals, restrict: its
   * stores to the bitmap would otherwise make the compiler load the
   * arrays' addresses and sizes again at every token) */
  const qr_tokkey *restrict keys = t->keys;
  const uint32_t *restrict ids = t->ids;
  wordsets *ws = t->words;
  uint64_t *restrict sw = ws->w;
  size_t snw = ws->nw;
  size_t n = t->n, np = 0;
  uint64_t name_before = 0, skip_before = 0;   /* the bits of the token before the 64 */
  for (size_t b0 = 0; b0 < n; b0 += 64) {
    size_t e = b0 + 64 < n ? b0 + 64 : n;
    uint64_t caps = 0, starts = 0, skips = 0;
    size_t b = b0;
#if defined(__SSE2__)
    /* four tokens' flags at a time, out of their keys (12 bytes apart:
     * the third of the three words) */
    const __m128i nameword = _mm_set1_epi32(QR_KF_NAMEWORD), small = _mm_set1_epi32(QR_KF_SMALL),
                  skip = _mm_set1_epi32(QR_KF_SKIP), zero = _mm_setzero_si128(),
                  start = _mm_set1_epi32(QR_KF_BARRIER | QR_KF_LINE_START);
    for (; b + 4 <= e; b += 4) {
      const float *k = (const float *)(const void *)&keys[b];
      __m128 two = _mm_shuffle_ps(_mm_loadu_ps(k), _mm_loadu_ps(k + 4), _MM_SHUFFLE(1, 1, 2, 2));
      __m128i f = _mm_castps_si128(_mm_shuffle_ps(two, _mm_loadu_ps(k + 8), _MM_SHUFFLE(3, 0, 2, 0)));
#define QR_LANES_WITH(bits) \
  (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(_mm_and_si128(f, bits), bits)))
      unsigned sm = QR_LANES_WITH(small);
      caps |= (uint64_t)QR_LANES_WITH(nameword) << (b - b0);
      skips |= (uint64_t)QR_LANES_WITH(skip) << (b - b0);
#undef QR_LANES_WITH
      starts |= (uint64_t)(~(unsigned)_mm_movemask_ps(_mm_castsi128_ps(
                               _mm_cmpeq_epi32(_mm_and_si128(f, start), zero))) & 15)
                << (b - b0);
      uint32_t i0 = ids[b], i1 = ids[b + 1], i2 = ids[b + 2], i3 = ids[b + 3];
      /* (the ids ORed: at least the highest of them) */
      if (ws_cover(ws, i0 | i1 | i2 | i3, &sw, &snw)) return QR_ENOMEM;
      sw[WS_SETS * (size_t)(i0 / 64) + WS_SMALL] |= (uint64_t)(sm & 1) << (i0 % 64);
      sw[WS_SETS * (size_t)(i1 / 64) + WS_SMALL] |= (uint64_t)(sm >> 1 & 1) << (i1 % 64);
      sw[WS_SETS * (size_t)(i2 / 64) + WS_SMALL] |= (uint64_t)(sm >> 2 & 1) << (i2 % 64);
      sw[WS_SETS * (size_t)(i3 / 64) + WS_SMALL] |= (uint64_t)(sm >> 3) << (i3 % 64);
    }
#endif
    for (; b < e; b++) {
      uint32_t f = keys[b].flags, id = ids[b];
      if (ws_cover(ws, id, &sw, &snw)) return QR_ENOMEM;
      sw[WS_SETS * (size_t)(id / 64) + WS_SMALL] |= (uint64_t)((f & QR_KF_SMALL) != 0) << (id % 64);
      caps |= (uint64_t)((f & QR_KF_NAMEWORD) != 0) << (b - b0);
      starts |= (uint64_t)((f & (QR_KF_BARRIER | QR_KF_LINE_START)) != 0) << (b - b0);
      skips |= (uint64_t)(f & QR_KF_SKIP) << (b - b0);
    }
    /* the same of the token after the 64 */
    size_t w = b0 / 64;
    uint64_t name_after = e < n && name_word(t, e), skip_after = (flags_at(t, e) & QR_KF_SKIP) != 0;
    uint64_t names = caps & ~(t->known[w] & ~t->soft[w]);   /* (name_word) */
    uint64_t after_name = names << 1 | name_before, after_skip = skips << 1 | skip_before;
    uint64_t before_name = names >> 1 | name_after << 63, before_skip = skips >> 1 | skip_after << 63;
    if (e - b0 < 64) {   /* (the text's last tokens: nothing after them) */
      before_name &= ~(~0ULL << (e - b0 - 1));
      before_skip &= ~(~0ULL << (e - b0 - 1));
    }
    uint64_t inside = caps & ~starts & ~after_skip;
    uint64_t alone = names & ~starts & ~after_name & ~after_skip & ~t->title[w] & ~before_name &
                     ~before_skip;
    uint64_t runs = names & ~(after_name & ~starts);
    for (; inside; inside &= inside - 1) {
      uint32_t id = ids[b0 + (size_t)__builtin_ctzll(inside)];
      sw[WS_SETS * (size_t)(id / 64) + WS_INSIDE] |= 1ULL << (id % 64);
    }
    for (; alone; alone &= alone - 1) {
      uint32_t id = ids[b0 + (size_t)__builtin_ctzll(alone)];
      sw[WS_SETS * (size_t)(id / 64) + WS_ALONE] |= 1ULL << (id % 64);
    }
    for (; runs; runs &= runs - 1) {
      size_t i = b0 + (size_t)__builtin_ctzll(runs);
      pos[np] = (uint32_t)i;
      np += !dropped_at_once(t, i);
    }
    name_before = names >> 63;
    skip_before = skips >> 63;
  }
  *npos = np;
  return QR_OK;
}

/* Mention from of m, copied to its place to (its candidates stay where
 * they are). */
static void move_mention(qr_mentions *m, size_t to, size_t from) {
  m->tok_first[to] = m->tok_first[from];
  m->tok_count[to] = m->tok_count[from];
  m->entry[to] = m->entry[from];
  m->flags[to] = m->flags[from];
  m->cand_first[to] = m->cand_first[from];
  m->cand_count[to] = m->cand_count[from];
}

/* Puts the guesses (the candidates with a type, in text order; full: per
 * name, the first that names it in full, as the index it gets) straight
 * among the mentions m[m0, m->n), as qr_mentions_add_guesses would put
 * them there: the mentions move back to their places, and the guesses
 * fill the places between. */
static qr_status put_guesses(qr_mentions *m, size_t m0, const cand *cands, size_t nc,
                             const uint32_t *nid, uint32_t *full, size_t base) {
  size_t nk = m->n - m0, ng = 0;
  /* where each of the text's mentions goes: after the guesses that start
   * before it */
  uint32_t *to = malloc((nk ? nk : 1) * sizeof *to);
  if (!to) return QR_ENOMEM;
  size_t y = m0, k = m0;
  for (size_t x = 0; x < nc; x++) {
    if (cands[x].type < 0) continue;
    for (; k < m->n && m->tok_first[k] <= base + cands[x].a; k++) to[k - m0] = (uint32_t)y++;
    if ((cands[x].marks & C_OWN_KEY) && full[nid[x]] == UINT32_MAX) full[nid[x]] = (uint32_t)y;
    y++;
    ng++;
  }
  for (; k < m->n; k++) to[k - m0] = (uint32_t)y++;
  if (qr_mentions_reserve(m, ng, 0)) {
    free(to);
    return QR_ENOMEM;
  }
  for (size_t j = nk; j-- > 0;) move_mention(m, to[j], m0 + j);
  y = m0;
  k = 0;
  for (size_t x = 0; x < nc; x++) {
    const cand *c = &cands[x];
    if (c->type < 0) continue;
    for (; k < nk && to[k] == y; k++) y++;
    uint32_t same = full[nid[x]] == UINT32_MAX ? (uint32_t)y : full[nid[x]];
    m->tok_first[y] = (uint32_t)(base + c->a);
    m->tok_count[y] = c->b - c->a;
    m->entry[y] = (uint32_t)(int32_t)((int64_t)y - (int64_t)same);
    m->flags[y] = (uint8_t)(QR_MF_GUESS | ((unsigned)c->type << QR_MF_TYPE_SHIFT) |
                            (same != y ? QR_MF_ALIAS : 0));
    m->cand_first[y] = (uint32_t)c->conf;
    m->cand_count[y] = 0;
    y++;
  }
  m->n += ng;
  free(to);
  return QR_OK;
}

/* One step of the passes that match words alone to people named in full
 * (see qr_gazetteer_guess): candidate x, a person, is remembered by its
 * last and first words (returns 1); or, a word alone, *y gets the person
 * remembered under that word, by the last word first, or UINT32_MAX. The
 * maps' entries of candidate ahead (UINT32_MAX: none), a few steps on,
 * are asked for: the maps are over the word ids, far apart. */
static int alias_step(idmap *last, idmap *first, const cand *cands, uint32_t x, uint32_t ahead,
                      uint32_t *y) {
  if (ahead != UINT32_MAX) {
    const cand *q = &cands[ahead];
    if (q->first_id < last->n) __builtin_prefetch(&last->v[q->first_id]);
    if (q->first_id < first->n) __builtin_prefetch(&first->v[q->first_id]);
    if (q->last_id < last->n) __builtin_prefetch(&last->v[q->last_id]);
  }
  const cand *p = &cands[x];
  if (p->words >= 2) {
    idmap_set(last, p->last_id, x);
    idmap_set(first, p->first_id, x);
    return 1;
  }
  *y = idmap_get(last, p->first_id);
  if (*y == UINT32_MAX) *y = idmap_get(first, p->first_id);
  return 0;
}

/* qr_gazetteer_guess, and with into, qr_gazetteer_guess_into (known is
 * into, then). */
static qr_status guess_text(const qr_tokkey *keys, const uint32_t *ids, const uint8_t *caps,
                            size_t n, size_t base, const qr_gazetteer *g,
                            const qr_mentions *known, qr_mentions *into, size_t m0,
                            qr_guesses *out, qr_mentions *tmp) {
  if (n == 0) return QR_OK;
  if (!out->scratch && !(out->scratch = calloc(1, sizeof *out->scratch))) return QR_ENOMEM;
  struct qr_guess_scratch *sc = out->scratch;
  size_t nw = n / 64 + 1;
  if (qr_grow((void **)&sc->marks, &sc->marks_cap, 3 * nw, sizeof *sc->marks) ||
      qr_grow((void **)&sc->pos, &sc->pos_cap, n + 1, sizeof *sc->pos))
    return QR_ENOMEM;
  memset(sc->marks, 0, 3 * nw * sizeof *sc->marks);
  text t = {keys, ids, n, sc->marks, sc->marks + nw, sc->marks + 2 * nw, known, m0, base,
            &sc->words};
  cand *cands = NULL;
  uint64_t *key = NULL;
  /* the arrays of the candidates have room for what the titles add (see
   * below): cap in all, and the first shift left unused */
  size_t cap = 0, shift = 0, room = 0;
  uint32_t *pos = sc->pos;
  size_t npos = 0;
  title_bits(caps, n, t.title);
  /* the gazetteer's mentions; in a title, a place's one word is soft: it
   * may be the start of a name the text gives in full elsewhere, as
   * "Vladimir" of "Vladimir Putin Visits ..." */
  int has_soft = 0;   /* (most texts have no soft word) */
  for (size_t km = m0; km < known->n; km++) {
    size_t f = known->tok_first[km] - base;
    int soft = 0;
    if (bit_at(t.title, f) && known->tok_count[km] == 1 && !(known->flags[km] & QR_MF_GUESS)) {
      const char *ty = qr_gazetteer_type(g, known->entry[km]);
      soft = strcmp(ty, "GPE") == 0 || strcmp(ty, "LOC") == 0;
    }
    size_t e = f + known->tok_count[km] < n ? f + known->tok_count[km] : n;
    bits_set(t.known, f, e);
    if (soft) bits_set(t.soft, f, e);
    has_soft |= soft;
  }
  qr_status rc = scan_text(&t, pos, &npos);
  if (!rc) {
    /* a candidate starts at a capitalised word: room for that many, and
     * for a part of a title per word of a title (see below) */
    for (size_t w = 0; w < nw; w++) room += (size_t)__builtin_popcountll(t.title[w]);
    cap = npos + 1 + room;
    cands = malloc(cap * sizeof *cands);
    key = malloc(cap * sizeof *key);
    if (!cands || !key) rc = QR_ENOMEM;
    /* a book's are megabytes, mapped at once rather than a fault a page
     * as the runs write them */
    if (!rc && cap * sizeof *cands >= ((size_t)1 << 20)) {
      qr_pages_populate(cands, cap * sizeof *cands);
      qr_pages_populate(key, cap * sizeof *key);
    }
  }
  if (rc) goto done;

  /* 1. runs, typed by their own evidence */
  size_t nc = 0;
  for (size_t p = 0, i = 0; p < npos; p++) {
    /* a book's keys and ids are far out of the cache by now: the words a
     * few candidates ahead are asked for while this one is made */
    if (p + GUESS_AHEAD < npos) {
      size_t ahead = pos[p + GUESS_AHEAD];
      __builtin_prefetch(&keys[ahead > 0 ? ahead - 1 : 0]);
      __builtin_prefetch(&keys[ahead + 4 < n ? ahead + 4 : n - 1]);
      __builtin_prefetch(&ids[ahead]);
    }
    if (pos[p] < i) continue;   /* (every run start is a name word: see scan_text) */
    i = pos[p];
    size_t a = i, b = run_end(&t, i);
    i = b;
    /* titles and "The" at the head are no part of the name */
    int titled = a > 0 && class_at(&t, a - 1) == QR_WC_TITLE;
    while (a < b && (class_at(&t, a) == QR_WC_TITLE || (flags_at(&t, a) & (QR_KF_SKIP | QR_KF_DET)))) {
      titled |= class_at(&t, a) == QR_WC_TITLE;
      /* a title's own name goes with it: "Secretary of State Kurt Campbell" */
      if (class_at(&t, a) == QR_WC_TITLE && (flags_at(&t, a + 1) & QR_KF_CONNECT) && a + 3 < b)
        a += 2;
      a++;
    }
    /* a sentence's first word: a common word, or one the text writes small
     * and never with a capital inside a sentence, is no part of a name */
    if (a < b && opens_sentence(&t, a) && !(flags_at(&t, a) & QR_KF_GIVEN) &&
        ((flags_at(&t, a) & (QR_KF_COMMON | QR_KF_ING)) ||
         (ws_has(t.words, WS_SMALL, ids[a]) && !ws_has(t.words, WS_INSIDE, ids[a]))))
      a++;
    while (a < b && (flags_at(&t, a) & (QR_KF_SKIP | QR_KF_CONNECT))) a++;
    while (b > a && (flags_at(&t, b - 1) & (QR_KF_SKIP | QR_KF_CONNECT))) b--;
    if (a >= b) continue;
    cand c = {(uint32_t)a, (uint32_t)b, 0, -1, 0, (uint8_t)(bit_at(t.title, a) ? C_TITLE : 0), 0, 0, 0};
    /* a name of the gazetteer right after it, of an organisation, a
     * building or an event, is the end of a longer one: "National" +
     * "Security Council" */
    size_t k = b < n && bit_at(t.known, b) ? starts_at(&t, b) : 0;
    if (k && b == i && !(flags_at(&t, b) & (QR_KF_BARRIER | QR_KF_LINE_START))) {
      const char *ty = qr_gazetteer_type(g, known->entry[k - 1]);
      int as = strcmp(ty, "ORG") == 0 ? QR_GT_ORG : strcmp(ty, "FAC") == 0 ? QR_GT_FAC
               : strcmp(ty, "EVENT") == 0 ? QR_GT_EVENT : -1;
      if (as >= 0 && !(known->flags[k - 1] & QR_MF_ALIAS)) {
        c.b = b + known->tok_count[k - 1];
        c.type = as;
        c.conf = 70;
        c.takes = k;
        i = c.b;
      }
    }
    /* a common word alone is the word ("We", "Today", "the official No
     * campaign") */
    if (c.type < 0 && a + 1 == b && (flags_at(&t, a) & QR_KF_COMMON) &&
        !(flags_at(&t, a) & QR_KF_GIVEN))
      continue;
    size_t words = SIZE_MAX;   /* (of [c.a, c.b), once counted) */
    if (c.type < 0 && !(c.marks & C_TITLE)) {
      /* "the Kumsusan guesthouse", "the Yalu river": a name and a small
       * word of its class */
      int next = class_at(&t, b);
      if (b == i && b < n && !bit_at(t.known, b) && (flags_at(&t, b) & QR_KF_SMALL) &&
          !(flags_at(&t, b) & QR_KF_BARRIER) && next >= QR_WC_FAC && next <= QR_WC_GPE) {
        c.b = b + 1;
        i = c.b;
      }
      int connected;
      words = span_words(&t, c.a, c.b, &connected);
      type_run(&t, &c, titled, words, connected);
      /* "World War II" */
      if (c.type == QR_GT_EVENT && c.b == i && c.b < n && !bit_at(t.known, c.b) &&
          (flags_at(&t, c.b) & QR_KF_CAPS) && !(flags_at(&t, c.b) & QR_KF_BARRIER))
        i = ++c.b, words = SIZE_MAX;
    }
    key[nc] = name_key(&t, a, b);
    /* (a run that took words in after b keeps the key of [a, b)) */
    if (c.b == b || name_key(&t, c.a, c.b) == key[nc]) c.marks |= C_OWN_KEY;
    cand_span(&t, &c, words != SIZE_MAX ? words : words_in(&t, c.a, c.b));
    cands[nc] = c;
    nc++;
  }

  /* an organisation of the gazetteer and a small word of an event is that
   * event: "the G7 summit", "a NATO summit"; put among the others in token
   * order */
  {
    size_t nev = 0, ev_cap = 0;
    cand *ev = NULL;
    for (size_t k = m0; k < known->n && !rc; k++) {
      size_t f = known->tok_first[k] - base, e = f + known->tok_count[k];
      if (e >= n || (flags_at(&t, e) & QR_KF_BARRIER) || !(flags_at(&t, e) & QR_KF_SMALL) ||
          class_at(&t, e) != QR_WC_EVENT || (known->flags[k] & QR_MF_GUESS) ||
          strcmp(qr_gazetteer_type(g, known->entry[k]), "ORG") != 0)
        continue;
      cand one = {(uint32_t)f, (uint32_t)e + 1, (uint32_t)k + 1, QR_GT_EVENT, 70, C_OWN_KEY, 0, 0, 0};
      cand_span(&t, &one, words_in(&t, one.a, one.b));
      if (qr_grow((void **)&ev, &ev_cap, nev + 1, sizeof *ev)) rc = QR_ENOMEM;
      else ev[nev++] = one;
    }
    cand *merged = nev ? malloc((nc + nev + room) * sizeof *merged) : NULL;
    uint64_t *mkey = nev ? malloc((nc + nev + room) * sizeof *mkey) : NULL;
    if (!rc && nev && (!merged || !mkey)) rc = QR_ENOMEM;
    if (rc || !nev) {   /* (none, most often: nothing to move) */
      free(ev);
      free(merged);
      free(mkey);
      if (rc) goto done;
      nev = 0;
    }
    size_t x = 0, y = 0, z = 0;
    if (!nev) x = z = nc;
    while (x < nc || y < nev) {
      if (y < nev && (x == nc || ev[y].a < cands[x].a)) {
        merged[z] = ev[y];
        mkey[z++] = name_key(&t, ev[y].a, ev[y].b);
        y++;
      } else {
        merged[z] = cands[x];
        mkey[z++] = key[x++];
      }
    }
    if (nev) {
      free(ev);
      free(cands);
      free(key);
      cands = merged;
      key = mkey;
      nc = z;
      cap = nc + room;
    }
  }

  keymap names = {0};
  idmap *last = &sc->last, *first = &sc->first;
  uint32_t *nid = NULL, *count = NULL, *best = NULL, *full = NULL;
  uint8_t *named = NULL;
  size_t nnames = 0, names_cap = 0;

  /* every candidate's name numbered (names: name key -> number); per
   * name, how often the text gives it, its strongest guess, and the guess
   * that names it in full first */
  if (!(nid = malloc(cap * sizeof *nid))) rc = QR_ENOMEM;
  if (!rc) rc = keymap_presize(&names, nc / 8);
  for (size_t x = 0; x < nc && !rc; x++) {
    /* (the map outgrows the cache: the slot of a key ahead is asked for) */
    if (x + GUESS_AHEAD < nc && names.slot)
      __builtin_prefetch(&names.slot[slot_of(key[x + GUESS_AHEAD], names.bits)]);
    rc = name_number(&names, key[x], &nnames, &names_cap, &count, &best, &full, &nid[x]);
  }
  if (rc) goto maps_done;

  /* a run in a title is a name the text gives elsewhere (named: the
   * names of the guesses out of titles), or words, each of which may
   * still be someone's short name; its parts are written from the back of
   * the candidates, grown to room for them all (a run never splits into
   * more parts than its tokens, so none is overwritten before it is read),
   * and most texts have no title at all */
  size_t nt = 0, ntitled = 0;
  for (size_t x = 0; x < nc; x++) {
    nt += cands[x].marks & C_TITLE ? cands[x].b - cands[x].a : 1;
    ntitled += (cands[x].marks & C_TITLE) != 0;
  }
  size_t nnamed = nnames;
  if (ntitled) {
    if (!(named = calloc(nnamed ? nnamed : 1, 1))) rc = QR_ENOMEM;
    for (size_t x = 0; x < nc && !rc; x++)
      if (!(cands[x].marks & C_TITLE) && cands[x].type >= 0) named[nid[x]] = 1;
  }
  if (!rc && nt > cap) {   /* (not when the room is enough, as it always is) */
    cand *more = realloc(cands, nt * sizeof *cands);
    if (more) cands = more;
    uint64_t *more_keys = more ? realloc(key, nt * sizeof *key) : NULL;
    if (more_keys) key = more_keys;
    uint32_t *more_nid = more_keys ? realloc(nid, nt * sizeof *nid) : NULL;
    if (more_nid) nid = more_nid;
    if (!more || !more_keys || !more_nid) rc = QR_ENOMEM;
  }
  if (rc) goto maps_done;
  cand *part = NULL;
  uint64_t *part_key = NULL;
  size_t part_cap = 0, back = nt;
  for (size_t x = nc; x-- > 0 && !rc && (ntitled || has_soft);) {
    cand c = cands[x];
    uint64_t kx = key[x];
    if (!(c.marks & C_TITLE) || named[nid[x]]) {
      for (size_t j = c.a; j < c.b && has_soft; j++)
        if (bit_at(t.soft, j)) c.takes = starts_at(&t, j);
      uint32_t nx = nid[x];
      cands[--back] = c;
      key[back] = kx;
      nid[back] = nx;
      continue;
    }
    /* its longest parts (of six tokens at most) that the text names
     * elsewhere ("Vladimir Putin" of "Vladimir Putin Visits"), the other
     * words one by one */
    size_t np = 0;
    uint64_t *grown = NULL;
    if (qr_grow((void **)&part, &part_cap, c.b - c.a, sizeof *part) ||
        !(grown = realloc(part_key, part_cap * sizeof *part_key))) {
      rc = QR_ENOMEM;
      break;
    }
    part_key = grown;
    for (size_t i = c.a; i < c.b;) {
      if (!(flags_at(&t, i) & QR_KF_NAMEWORD)) {
        i++;
        continue;
      }
      size_t end = i + 1;
      for (size_t j = c.b < i + 6 ? c.b : i + 6; j > i + 1 && end == i + 1; j--) {
        uint32_t v = keymap_get(&names, name_key(&t, i, j));
        if (v < nnamed && named[v]) end = j;
      }
      /* a place's soft word goes into the name that takes it, else stays */
      size_t takes = 0;
      for (size_t j = i; j < end; j++)
        if (bit_at(t.soft, j)) takes = starts_at(&t, j);
      if (!(end == i + 1 && takes)) {
        cand one = {(uint32_t)i, (uint32_t)end, (uint32_t)takes, -1, 0, C_TITLE | C_OWN_KEY, 0, 0, 0};
        cand_span(&t, &one, words_in(&t, one.a, one.b));
        part[np] = one;
        part_key[np++] = name_key(&t, i, end);
      }
      i = end;
    }
    while (np-- > 0) {
      cands[--back] = part[np];
      key[back] = part_key[np];
      nid[back] = UINT32_MAX;   /* (numbered below) */
    }
  }
  free(part);
  free(part_key);
  if (rc) goto maps_done;
  if (ntitled || has_soft) {
    /* (they stay where they were written, at the back) */
    nc = nt - back;
    shift = back;
    cands += shift;
    key += shift;
    nid += shift;
  }
  for (size_t x = 0; x < nc && !rc; x++) {
    if (nid[x] == UINT32_MAX)
      rc = name_number(&names, key[x], &nnames, &names_cap, &count, &best, &full, &nid[x]);
    if (!rc) count[nid[x]]++;
  }
  if (rc) goto maps_done;

  /* a sentence's first word before the surname of someone the text names
   * more often otherwise is no given name: "Accompanying Putin" after
   * "Vladimir Putin" (last: per last word, the name of two words or more
   * the text gives most often) */
  if (idmap_reserve(last, t.words->nw * 64, nc)) rc = QR_ENOMEM;   /* (see the word sets) */
  for (size_t x = 0; x < nc && !rc; x++) {
    if (cands[x].b - cands[x].a < 2) continue;
    uint32_t lw = cands[x].last_id;
    uint32_t y = idmap_get(last, lw);
    if (y == UINT32_MAX || count[nid[x]] > count[nid[y]]) idmap_set(last, lw, (uint32_t)x);
  }
  /* (and, as each is settled, the strongest guess of its name: see 2.) */
  for (size_t x = 0; x < nc && !rc; x++) {
    cand *c = &cands[x];
    uint32_t y = c->b - c->a != 2 || !(c->marks & C_OPENS) || (c->marks & C_GIVEN) || c->takes
                     ? UINT32_MAX
                     : idmap_get(last, c->last_id);
    if (y != UINT32_MAX && y != x && cands[y].first_id != c->first_id &&
        count[nid[y]] > count[nid[x]]) {
      c->a++;
      key[x] = name_key(&t, c->a, c->b);
      c->marks |= C_OWN_KEY;
      int connected;
      size_t words = span_words(&t, c->a, c->b, &connected);
      cand_span(&t, c, words);
      /* (a name first met here has no count: it never wins above) */
      size_t before = nnames;
      rc = name_number(&names, key[x], &nnames, &names_cap, &count, &best, &full, &nid[x]);
      if (!rc && nnames > before) count[nid[x]] = UINT32_MAX;
      type_run(&t, c, 0, words, connected);
    }
    if (!rc && c->type >= 0) {
      /* (the guess itself: its type and confidence, not where it is, that
       * a book's candidates are not read again at random) */
      uint32_t b = best[nid[x]];
      if (b == UINT32_MAX || (int)(b & 0xFF) < c->conf)
        best[nid[x]] = (uint32_t)c->type << 8 | (uint32_t)(uint8_t)c->conf;
    }
  }
  if (rc) goto maps_done;

  /* 2. the text speaks for itself: a name met again takes its strongest
   * guess's type (best, above) */
  /* ... and a word alone (without evidence, or with little, or a title and
   * a surname: "President Putin") may be the last word, else the first, of
   * a person it names in full: the one nearest before it, else after it
   * (over the candidates that matter here only: people named in full, and
   * words alone, in seq as their types are settled; alias[j]: the person
   * of seq[j], if one is found) */
  uint32_t *seq = malloc((nc ? nc : 1) * sizeof *seq);
  uint32_t *alias = malloc((nc ? nc : 1) * sizeof *alias);
  if (!seq || !alias) {
    free(seq);
    free(alias);
    rc = QR_ENOMEM;
    goto maps_done;
  }
  size_t ns = 0;
  for (size_t x = 0; x < nc; x++) {
    cand *p = &cands[x];
    uint32_t y = best[nid[x]];
    if (y != UINT32_MAX && (p->type < 0 || p->conf < (int)(y & 0xFF))) {
      p->type = (int8_t)(y >> 8);
      p->conf = (int8_t)(y & 0xFF);
    }
    if (p->words == 1 || (p->type == QR_GT_PERSON && p->words >= 2)) {
      alias[ns] = UINT32_MAX;
      seq[ns++] = (uint32_t)x;
    }
  }
  /* per word id: the person named in full nearest so far, by the last
   * word (last) and the first (first); before the word alone, then after
   * it, for those that found none before (later: where they are in seq,
   * and the people's) */
  uint32_t *later = malloc((ns ? ns : 1) * sizeof *later);
  size_t nl = 0;
  if (!later) rc = QR_ENOMEM;
  idmap_clear(last);
  idmap_clear(first);
  /* (every word id of the text is below the word sets' reach) */
  if (!rc && (idmap_reserve(last, t.words->nw * 64, ns) || idmap_reserve(first, t.words->nw * 64, ns)))
    rc = QR_ENOMEM;
  for (size_t j = 0; j < ns && !rc; j++) {
    uint32_t y;
    if (alias_step(last, first, cands, seq[j], j + GUESS_AHEAD < ns ? seq[j + GUESS_AHEAD] : UINT32_MAX, &y)) {
      later[nl++] = (uint32_t)j;   /* (a person) */
    } else {
      alias[j] = y;
      if (y == UINT32_MAX) later[nl++] = (uint32_t)j;
    }
  }
  idmap_clear(last);
  idmap_clear(first);
  for (size_t s = nl; s-- > 0 && !rc;) {
    size_t j = later[s];
    uint32_t y;
    if (!alias_step(last, first, cands, seq[j], s >= GUESS_AHEAD ? seq[later[s - GUESS_AHEAD]] : UINT32_MAX, &y))
      alias[j] = y;
  }
  free(later);
  for (size_t j = 0; j < ns && !rc; j++) {
    if (alias[j] == UINT32_MAX) continue;
    size_t x = seq[j], y = alias[j];
    cand *c = &cands[x];
    if (c->type >= 0 && c->conf > 55 && c->type != QR_GT_PERSON) continue;
    /* a sentence's first word the text also writes small is the word */
    if ((c->marks & C_STARTS) && ws_has(t.words, WS_SMALL, c->first_id)) continue;
    if (c->type != QR_GT_PERSON || c->conf < cands[y].conf) c->conf = cands[y].conf;
    c->type = QR_GT_PERSON;
    /* (its own key, when it has it, is its words': they are not read
     * again, far out of the cache in a book) */
    if (key[x] != key[y]) c->marks &= (uint8_t)~C_OWN_KEY;
    key[x] = key[y];
    nid[x] = nid[y];
  }
  free(seq);
  free(alias);
  if (rc) goto maps_done;

  /* 3. out, in text order, each with the first guess that names it in
   * full (its own words are its id): straight among the mentions, unless
   * a guess takes one in */
  int takes = 0;
  for (size_t x = 0; x < nc && into; x++) takes |= cands[x].type >= 0 && cands[x].takes;
  if (into && !takes) {
    rc = put_guesses(into, m0, cands, nc, nid, full, base);
    goto maps_done;
  }
  size_t k = out->n;
  for (size_t x = 0; x < nc; x++) {
    if (cands[x].type < 0) continue;
    if ((cands[x].marks & C_OWN_KEY) && full[nid[x]] == UINT32_MAX) full[nid[x]] = (uint32_t)k;
    k++;
  }
  rc = reserve_guesses(out, k - out->n);
  for (size_t x = 0; x < nc && rc == QR_OK; x++) {
    const cand *c = &cands[x];
    if (c->type < 0) continue;
    uint32_t same = full[nid[x]];
    push_guess(out, base + c->a, c->b - c->a, c->type, c->conf, same == UINT32_MAX ? out->n : same);
    if (c->takes) {
      if (qr_grow((void **)&out->drop, &out->drop_cap, out->ndrop + 1, sizeof *out->drop))
        rc = QR_ENOMEM;
      else
        out->drop[out->ndrop++] = (uint32_t)(c->takes - 1);
    }
  }

  if (!rc && into) rc = qr_mentions_add_guesses(into, m0, out, tmp);

maps_done:
  free(named);
  keymap_free(&names);
  idmap_clear(last);
  idmap_clear(first);
  free(nid ? nid - shift : NULL);
  free(count);
  free(best);
  free(full);
done:
  ws_clear(t.words, ids, n);
  free(cands ? cands - shift : NULL);
  free(key ? key - shift : NULL);
  return rc;
}

qr_status qr_gazetteer_guess(const qr_tokkey *keys, const uint32_t *ids, const uint8_t *caps,
                             size_t n, size_t base, const qr_gazetteer *g,
                             const qr_mentions *known, size_t m0, qr_guesses *out) {
  return guess_text(keys, ids, caps, n, base, g, known, NULL, m0, out, NULL);
}

qr_status qr_gazetteer_guess_into(const qr_tokkey *keys, const uint32_t *ids,
                                  const uint8_t *caps, size_t n, size_t base,
                                  const qr_gazetteer *g, qr_mentions *m, size_t m0,
                                  qr_guesses *scratch, qr_mentions *tmp) {
  scratch->n = scratch->ndrop = 0;
  return guess_text(keys, ids, caps, n, base, g, m, m, m0, scratch, tmp);
}

/* qr_mentions_add_guesses when the guesses take in no mention: the text's
 * mentions and the guesses merged in place, from the back, so that every
 * mention is written once (a book has hundreds of thousands of guesses,
 * and a few of the gazetteer's mentions). */
static qr_status merge_guesses(qr_mentions *m, size_t m0, const qr_guesses *q) {
  if (qr_mentions_reserve(m, q->n, 0)) return QR_ENOMEM;
  /* where each guess lands: after the mentions that start before it or
   * where it starts */
  uint32_t *at = malloc(q->n * sizeof *at);
  if (!at) return QR_ENOMEM;
  for (size_t x = 0, k = m0; x < q->n; x++) {
    while (k < m->n && m->tok_first[k] <= q->tok_first[x]) k++;
    at[x] = (uint32_t)(x + k);
  }
  size_t k = m->n, x = q->n, y = m->n + q->n;
  while (x > 0) {
    y--;
    if (k > m0 && m->tok_first[k - 1] > q->tok_first[x - 1]) {
      move_mention(m, y, --k);
      continue;
    }
    x--;
    m->tok_first[y] = q->tok_first[x];
    m->tok_count[y] = q->tok_count[x];
    m->entry[y] = (uint32_t)(int32_t)((int64_t)at[x] - (int64_t)at[q->same[x]]);
    m->flags[y] = (uint8_t)(QR_MF_GUESS | (q->type[x] << QR_MF_TYPE_SHIFT) |
                            (q->same[x] != x ? QR_MF_ALIAS : 0));
    m->cand_first[y] = q->conf[x];
    m->cand_count[y] = 0;
  }
  m->n += q->n;
  free(at);
  return QR_OK;
}

qr_status qr_mentions_add_guesses(qr_mentions *m, size_t m0, const qr_guesses *q,
                                  qr_mentions *tmp) {
  if (q->n == 0 && q->ndrop == 0) return QR_OK;
  if (q->ndrop == 0) return merge_guesses(m, m0, q);
  qr_mentions_reset(tmp);
  size_t nk = m->n - m0;
  if (qr_mentions_reserve(tmp, nk + q->n, 0)) return QR_ENOMEM;
  /* where each guess lands, to link it to its full name */
  size_t *at = malloc((q->n ? q->n : 1) * sizeof *at);
  if (!at) return QR_ENOMEM;
  /* the mentions taken in, marked */
  uint8_t *taken = calloc(nk ? nk : 1, 1);
  if (!taken) {
    free(at);
    return QR_ENOMEM;
  }
  for (size_t d = 0; d < q->ndrop; d++)
    if (q->drop[d] >= m0 && q->drop[d] < m->n) taken[q->drop[d] - m0] = 1;
  qr_status rc = QR_OK;
  size_t k = m0, x = 0;
  while (rc == QR_OK && (k < m->n || x < q->n)) {
    if (x < q->n && (k == m->n || q->tok_first[x] < m->tok_first[k])) {
      size_t y = tmp->n++;
      at[x] = y;
      tmp->tok_first[y] = q->tok_first[x];
      tmp->tok_count[y] = q->tok_count[x];
      tmp->entry[y] = 0;
      tmp->flags[y] = (uint8_t)(QR_MF_GUESS | (q->type[x] << QR_MF_TYPE_SHIFT) |
                                (q->same[x] != x ? QR_MF_ALIAS : 0));
      tmp->cand_first[y] = q->conf[x];
      tmp->cand_count[y] = 0;
      x++;
      continue;
    }
    if (!taken[k - m0]) rc = qr_mentions_append(tmp, m, k, 1, 0, 0);
    k++;
  }
  free(taken);
  for (size_t g = 0; g < q->n; g++)
    tmp->entry[at[g]] = (uint32_t)(int32_t)((int64_t)at[g] - (int64_t)at[q->same[g]]);
  free(at);
  if (rc) return rc;
  /* the candidates of the text's mentions go too, to be copied back */
  size_t c0 = m->ncands;
  for (size_t j = m0; j < m->n; j++)
    if (m->cand_count[j] && !(m->flags[j] & QR_MF_GUESS) && m->cand_first[j] < c0)
      c0 = m->cand_first[j];
  m->n = m0;
  m->ncands = c0;
  return qr_mentions_append(m, tmp, 0, tmp->n, 0, 0);
}
