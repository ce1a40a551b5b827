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
 * gives elsewhere count. Every step is linear in the text's tokens (hash
 * maps keyed by a name's word ids), since a document may be a whole book.
 * What is left without evidence is no guess. */
#include <stdlib.h>
#include <string.h>

#include "lookup/gazetteer_impl.h"

const char *qr_guess_type_name(int type) {
  static const char *const names[QR_GT_COUNT] = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"};
  return type >= 0 && type < QR_GT_COUNT ? names[type] : "?";
}

void qr_guesses_free(qr_guesses *q) {
  free(q->tok_first);
  free(q->tok_count);
  free(q->type);
  free(q->conf);
  free(q->same);
  free(q->drop);
  memset(q, 0, sizeof *q);
}

static qr_status push_guess(qr_guesses *q, size_t first, size_t count, int type, int conf,
                            size_t same) {
  if (q->n == q->cap) {
    size_t cap = q->cap ? q->cap * 2 : 32;
    void *p;
#define GROW(field)                                                      \
  if (!(p = realloc(q->field, cap * sizeof *q->field))) return QR_ENOMEM; \
  q->field = p;
    GROW(tok_first) GROW(tok_count) GROW(type) GROW(conf) GROW(same)
#undef GROW
    q->cap = cap;
  }
  q->tok_first[q->n] = (uint32_t)first;
  q->tok_count[q->n] = (uint32_t)count;
  q->type[q->n] = (uint8_t)type;
  q->conf[q->n] = (uint8_t)conf;
  q->same[q->n] = (uint32_t)same;
  q->n++;
  return QR_OK;
}

/* ---- a set of word ids ------------------------------------------------------- */

typedef struct idset {
  uint32_t *slot;   /* id + 1; 0 is empty */
  size_t mask;
} idset;

static qr_status idset_init(idset *s, size_t n) {
  size_t slots = 64;
  while (slots < 2 * n) slots *= 2;
  s->slot = calloc(slots, sizeof *s->slot);
  s->mask = slots - 1;
  return s->slot ? QR_OK : QR_ENOMEM;
}

static size_t idset_at(const idset *s, uint32_t id) {
  size_t i = (size_t)(id * 0x9E3779B1u) & s->mask;
  while (s->slot[i] && s->slot[i] != id + 1) i = (i + 1) & s->mask;
  return i;
}

/* (never more ids than tokens, so a slot is always free) */
static void idset_add(idset *s, uint32_t id) { s->slot[idset_at(s, id)] = id + 1; }

static int idset_has(const idset *s, uint32_t id) { return s->slot[idset_at(s, id)] != 0; }

/* ---- a map from name keys to numbers --------------------------------------------- */

typedef struct keymap {
  uint64_t *key;
  uint32_t *val;
  uint8_t *used;
  size_t mask;
} keymap;

static qr_status keymap_init(keymap *m, size_t n) {
  size_t slots = 64;
  while (slots < 2 * n) slots *= 2;
  m->key = malloc(slots * sizeof *m->key);
  m->val = malloc(slots * sizeof *m->val);
  m->used = calloc(slots, 1);
  m->mask = slots - 1;
  return m->key && m->val && m->used ? QR_OK : QR_ENOMEM;
}

static void keymap_free(keymap *m) {
  free(m->key);
  free(m->val);
  free(m->used);
  memset(m, 0, sizeof *m);
}

/* The slot of key: its own, or the empty one where it would go (never more
 * keys than half the slots). */
static size_t keymap_slot(const keymap *m, uint64_t key) {
  size_t i = (size_t)(key ^ (key >> 29)) & m->mask;
  while (m->used[i] && m->key[i] != key) i = (i + 1) & m->mask;
  return i;
}

/* The value under key, or UINT32_MAX. */
static uint32_t keymap_get(const keymap *m, uint64_t key) {
  size_t i = keymap_slot(m, key);
  return m->used[i] ? m->val[i] : UINT32_MAX;
}

static void keymap_put(keymap *m, uint64_t key, uint32_t val) {
  size_t i = keymap_slot(m, key);
  m->used[i] = 1;
  m->key[i] = key;
  m->val[i] = val;
}

/* ---- the text ----------------------------------------------------------------- */

typedef struct text {
  const qr_tokkey *keys;
  const uint32_t *ids;
  size_t n;
  uint8_t *title;     /* per token: on a line written as a title */
  uint8_t *known;     /* per token: 1 inside a mention of the gazetteer */
  uint32_t *starts;   /* per token: the mention of the gazetteer that starts there + 1, or 0 */
  idset alone;        /* words that are a run of their own, inside a sentence */
  idset small;        /* words the text writes in small letters */
  idset inside;       /* words it writes with a capital inside a sentence */
} text;

static uint32_t flags_at(const text *t, size_t i) { return i < t->n ? t->keys[i].flags : 0; }
static int class_at(const text *t, size_t i) { return (int)QR_KF_CLASS(flags_at(t, i)); }

/* Is token i a capitalised word outside the gazetteer's mentions? */
static int name_word(const text *t, size_t i) {
  return i < t->n && t->known[i] != 1 && (flags_at(t, i) & QR_KF_NAMEWORD);
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
    if (b >= t->n || t->known[b] == 1 || (flags_at(t, b) & QR_KF_BARRIER)) break;
    /* no name runs from a line into a title's, or out of one */
    if ((flags_at(t, b) & QR_KF_LINE_START) && (t->title[b] || t->title[b - 1])) break;
    uint32_t f = flags_at(t, b);
    if (f & QR_KF_NAMEWORD) {
      b++;
    } else if ((f & QR_KF_SKIP) && b + 1 < t->n && t->known[b + 1] != 1 &&
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
  size_t a, b;
  int type;      /* QR_GT_*, or -1: none yet */
  int conf;
  size_t takes;  /* the mention of the gazetteer it takes in + 1, or 0 */
  int in_title;  /* in a line written as a title, where every word has a capital */
} cand;

/* Types the run [a, b) by its words and neighbours (see the top). */
static void type_run(const text *t, cand *c, int titled) {
  size_t a = c->a, b = c->b, words = words_in(t, a, b);
  int last = class_at(t, b - 1), first = class_at(t, a);
  int connected = 0;
  for (size_t i = a; i < b; i++) connected |= (flags_at(t, i) & QR_KF_CONNECT) != 0;
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
  } else if (words >= 2 && words <= 3 && !connected && idset_has(&t->alone, t->ids[b - 1])) {
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

qr_status qr_gazetteer_guess(const qr_tokkey *keys, const uint32_t *ids, size_t n, size_t base,
                             const qr_gazetteer *g, const qr_mentions *known, size_t m0,
                             qr_guesses *out) {
  if (n == 0) return QR_OK;
  text t = {keys, ids, n, calloc(n, 1), calloc(n, 1), calloc(n, sizeof *t.starts),
            {0},  {0}, {0}};
  /* a candidate starts at a capitalised word: room for that many (most
   * words have none) */
  size_t nwords = 0;
  for (size_t i = 0; i < n; i++) nwords += (keys[i].flags & QR_KF_NAMEWORD) != 0;
  cand *cands = malloc((nwords + 1) * sizeof *cands);
  uint64_t *key = malloc((nwords + 1) * sizeof *key);
  idset caps = {0};
  qr_status rc = t.title && t.known && t.starts && cands && key ? QR_OK : QR_ENOMEM;
  if (!rc) rc = idset_init(&caps, nwords);
  if (!rc) rc = idset_init(&t.small, nwords);
  if (!rc) rc = idset_init(&t.inside, nwords);
  if (!rc) rc = idset_init(&t.alone, nwords);
  if (rc) goto done;
  /* the lines written as titles (as the matcher tells them: three
   * capitalised words or more, small words only where titles keep them, one
   * sentence at most) */
  for (size_t a = 0; a < n;) {
    size_t b = a + 1, capitalised = 0, small = 0;
    while (b < n && !(keys[b].flags & QR_KF_LINE_START)) b++;
    for (size_t i = a; i < b; i++) {
      uint32_t f = keys[i].flags;
      capitalised += (f & (QR_KF_SMALL | QR_KF_LOWER)) == QR_KF_LOWER;
      small += (f & (QR_KF_SMALL | QR_KF_MINOR)) == QR_KF_SMALL || (i > a && (f & QR_KF_BARRIER));
    }
    if ((keys[a].flags & QR_KF_LINE_START) && capitalised >= 3 && !small) memset(t.title + a, 1, b - a);
    a = b;
  }
  /* the gazetteer's mentions; in a title, a place's one word is soft (2):
   * it may be the start of a name the text gives in full elsewhere, as
   * "Vladimir" of "Vladimir Putin Visits ..." */
  for (size_t k = m0; k < known->n; k++) {
    size_t f = known->tok_first[k] - base;
    if (f < n) t.starts[f] = (uint32_t)(k + 1);
    const char *ty = qr_gazetteer_type(g, known->entry[k]);
    int soft = f < n && t.title[f] && known->tok_count[k] == 1 && !(known->flags[k] & QR_MF_GUESS) &&
               (strcmp(ty, "GPE") == 0 || strcmp(ty, "LOC") == 0);
    for (size_t i = f; i < f + known->tok_count[k] && i < n; i++) t.known[i] = soft ? 2 : 1;
  }
  /* the words that stand alone inside a sentence: surnames, mostly */
  for (size_t i = 0; i < n; i++)
    if (name_word(&t, i) && !t.title[i] && !starts_sentence(&t, i) && !name_word(&t, i + 1) &&
        !(i > 0 && (name_word(&t, i - 1) || (flags_at(&t, i - 1) & QR_KF_SKIP))) &&
        !(flags_at(&t, i + 1) & QR_KF_SKIP))
      idset_add(&t.alone, ids[i]);
  /* which capitalised words the text also writes small, and which it
   * writes with a capital inside a sentence (the small ones asked of the
   * few capitalised words only: most words are small) */
  for (size_t i = 0; i < n; i++) {
    uint32_t f = keys[i].flags;
    if (!(f & QR_KF_NAMEWORD)) continue;
    idset_add(&caps, ids[i]);
    if (!starts_sentence(&t, i) && !(i > 0 && (flags_at(&t, i - 1) & QR_KF_SKIP)))
      idset_add(&t.inside, ids[i]);
  }
  /* (most tokens are small words: asked of a bitmap of the capitalised
   * words' ids when the ids are few enough, else of the set) */
  uint32_t top = 0;
  for (size_t i = 0; i < n; i++)
    if ((keys[i].flags & QR_KF_NAMEWORD) && ids[i] > top) top = ids[i];
  uint64_t *bits = (size_t)top < 64 * (size_t)n ? calloc((size_t)top / 64 + 1, 8) : NULL;
  if (bits)
    for (size_t i = 0; i < n; i++)
      if (keys[i].flags & QR_KF_NAMEWORD) bits[ids[i] / 64] |= 1ULL << (ids[i] % 64);
  for (size_t i = 0; i < n; i++) {
    if (!(keys[i].flags & QR_KF_SMALL)) continue;
    uint32_t id = ids[i];
    int cap = bits ? id <= top && (bits[id / 64] >> (id % 64) & 1) : idset_has(&caps, id);
    if (cap) idset_add(&t.small, id);
  }
  free(bits);

  /* 1. runs, typed by their own evidence */
  size_t nc = 0;
  for (size_t i = 0; i < n;) {
    if (!name_word(&t, i)) {
      i++;
      continue;
    }
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
         (idset_has(&t.small, ids[a]) && !idset_has(&t.inside, ids[a]))))
      a++;
    while (a < b && (flags_at(&t, a) & (QR_KF_SKIP | QR_KF_CONNECT))) a++;
    while (b > a && (flags_at(&t, b - 1) & (QR_KF_SKIP | QR_KF_CONNECT))) b--;
    if (a >= b) continue;
    cand c = {a, b, -1, 0, 0, t.title[a]};
    /* a name of the gazetteer right after it, of an organisation, a
     * building or an event, is the end of a longer one: "National" +
     * "Security Council" */
    size_t k = b < n ? t.starts[b] : 0;
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
    if (c.type < 0 && !c.in_title) {
      /* "the Kumsusan guesthouse", "the Yalu river": a name and a small
       * word of its class */
      int next = class_at(&t, b);
      if (b == i && b < n && !t.known[b] && (flags_at(&t, b) & QR_KF_SMALL) &&
          !(flags_at(&t, b) & QR_KF_BARRIER) && next >= QR_WC_FAC && next <= QR_WC_GPE) {
        c.b = b + 1;
        i = c.b;
      }
      type_run(&t, &c, titled);
      /* "World War II" */
      if (c.type == QR_GT_EVENT && c.b == i && c.b < n && !t.known[c.b] &&
          (flags_at(&t, c.b) & QR_KF_CAPS) && !(flags_at(&t, c.b) & QR_KF_BARRIER))
        i = ++c.b;
    }
    cands[nc] = c;
    key[nc] = name_key(&t, a, b);
    nc++;
  }

  /* an organisation of the gazetteer and a small word of an event is that
   * event: "the G7 summit", "a NATO summit"; put among the others in token
   * order */
  {
    size_t nev = 0;
    cand *ev = malloc((known->n - m0 + 1) * sizeof *ev);
    cand *merged = malloc((nc + known->n - m0 + 1) * sizeof *merged);
    uint64_t *mkey = malloc((nc + known->n - m0 + 1) * sizeof *mkey);
    if (!ev || !merged || !mkey) {
      free(ev);
      free(merged);
      free(mkey);
      rc = QR_ENOMEM;
      goto done;
    }
    for (size_t k = m0; k < known->n; k++) {
      size_t f = known->tok_first[k] - base, e = f + known->tok_count[k];
      if (e >= n || (flags_at(&t, e) & QR_KF_BARRIER) || !(flags_at(&t, e) & QR_KF_SMALL) ||
          class_at(&t, e) != QR_WC_EVENT || (known->flags[k] & QR_MF_GUESS) ||
          strcmp(qr_gazetteer_type(g, known->entry[k]), "ORG") != 0)
        continue;
      cand one = {f, e + 1, QR_GT_EVENT, 70, k + 1, 0};
      ev[nev++] = one;
    }
    size_t x = 0, y = 0, z = 0;
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
    free(ev);
    free(cands);
    free(key);
    cands = merged;
    key = mkey;
    nc = z;
  }

  keymap named = {0}, count = {0}, best = {0}, last = {0}, first = {0}, full = {0};
  if ((rc = keymap_init(&named, nc)) || (rc = keymap_init(&count, nc)) ||
      (rc = keymap_init(&best, nc)) || (rc = keymap_init(&last, nc)) ||
      (rc = keymap_init(&first, nc)) || (rc = keymap_init(&full, nc)))
    goto maps_done;

  /* a run in a title is a name the text gives elsewhere, or words, each
   * of which may still be someone's short name */
  for (size_t x = 0; x < nc; x++)
    if (!cands[x].in_title && cands[x].type >= 0) keymap_put(&named, key[x], 1);
  size_t nt = 0;
  for (size_t x = 0; x < nc; x++) nt += cands[x].in_title ? cands[x].b - cands[x].a : 1;
  cand *all = malloc((nt ? nt : 1) * sizeof *all);
  uint64_t *all_key = malloc((nt ? nt : 1) * sizeof *all_key);
  if (!all || !all_key) {
    free(all);
    free(all_key);
    rc = QR_ENOMEM;
    goto maps_done;
  }
  size_t na = 0;
  for (size_t x = 0; x < nc; x++) {
    if (!cands[x].in_title || keymap_get(&named, key[x]) != UINT32_MAX) {
      all[na] = cands[x];
      for (size_t j = cands[x].a; j < cands[x].b; j++)
        if (t.known[j] == 2) all[na].takes = t.starts[j];
      all_key[na++] = key[x];
      continue;
    }
    /* its longest parts (of six tokens at most) that the text names
     * elsewhere ("Vladimir Putin" of "Vladimir Putin Visits"), the other
     * words one by one */
    for (size_t i = cands[x].a; i < cands[x].b;) {
      if (!(flags_at(&t, i) & QR_KF_NAMEWORD)) {
        i++;
        continue;
      }
      size_t end = i + 1;
      for (size_t j = cands[x].b < i + 6 ? cands[x].b : i + 6; j > i + 1 && end == i + 1; j--)
        if (keymap_get(&named, name_key(&t, i, j)) != UINT32_MAX) end = j;
      /* a place's soft word goes into the name that takes it, else stays */
      size_t takes = 0;
      for (size_t j = i; j < end; j++)
        if (t.known[j] == 2) takes = t.starts[j];
      if (!(end == i + 1 && takes)) {
        cand part = {i, end, -1, 0, takes, 1};
        all[na] = part;
        all_key[na++] = name_key(&t, i, end);
      }
      i = end;
    }
  }
  free(cands);
  free(key);
  cands = all;
  key = all_key;
  nc = na;
  if (nc > named.mask / 2) {   /* (the maps are sized for the cands: a title split may add) */
    keymap_free(&count);
    keymap_free(&best);
    keymap_free(&last);
    keymap_free(&first);
    keymap_free(&full);
    if ((rc = keymap_init(&count, nc)) || (rc = keymap_init(&best, nc)) ||
        (rc = keymap_init(&last, nc)) || (rc = keymap_init(&first, nc)) ||
        (rc = keymap_init(&full, nc)))
      goto maps_done;
  }

  /* a sentence's first word before the surname of someone the text names
   * more often otherwise is no given name: "Accompanying Putin" after
   * "Vladimir Putin" (last: per last word, the name of two words or more
   * the text gives most often) */
  for (size_t x = 0; x < nc; x++) {
    uint32_t c = keymap_get(&count, key[x]);
    keymap_put(&count, key[x], c == UINT32_MAX ? 1 : c + 1);
  }
  for (size_t x = 0; x < nc; x++) {
    if (cands[x].b - cands[x].a < 2) continue;
    uint64_t lw = ids[cands[x].b - 1];
    uint32_t y = keymap_get(&last, lw);
    if (y == UINT32_MAX || keymap_get(&count, key[x]) > keymap_get(&count, key[y]))
      keymap_put(&last, lw, (uint32_t)x);
  }
  for (size_t x = 0; x < nc; x++) {
    cand *c = &cands[x];
    if (c->b - c->a != 2 || !opens_sentence(&t, c->a) || (flags_at(&t, c->a) & QR_KF_GIVEN) ||
        c->takes)
      continue;
    uint32_t y = keymap_get(&last, ids[c->b - 1]);
    if (y == UINT32_MAX || y == x || ids[cands[y].a] == ids[c->a] ||
        keymap_get(&count, key[y]) <= keymap_get(&count, key[x]))
      continue;
    c->a++;
    key[x] = name_key(&t, c->a, c->b);
    type_run(&t, c, 0);
  }

  /* 2. the text speaks for itself: a name met again takes its strongest
   * guess's type */
  for (size_t x = 0; x < nc; x++) {
    if (cands[x].type < 0) continue;
    uint32_t y = keymap_get(&best, key[x]);
    if (y == UINT32_MAX || cands[y].conf < cands[x].conf) keymap_put(&best, key[x], (uint32_t)x);
  }
  for (size_t x = 0; x < nc; x++) {
    uint32_t y = keymap_get(&best, key[x]);
    if (y != UINT32_MAX && (cands[x].type < 0 || cands[x].conf < cands[y].conf)) {
      cands[x].type = cands[y].type;
      cands[x].conf = cands[y].conf;
    }
  }
  /* ... and a word alone (without evidence, or with little, or a title and
   * a surname: "President Putin") may be the last word, else the first, of
   * a person it names in full: the one nearest before it, else after it */
  size_t *alias = malloc((nc ? nc : 1) * sizeof *alias);
  if (!alias) {
    rc = QR_ENOMEM;
    goto maps_done;
  }
  for (size_t x = 0; x < nc; x++) alias[x] = SIZE_MAX;
  for (int backward = 0; backward < 2; backward++) {
    /* per word id: the person named in full nearest so far, by the last
     * word (last) and the first (first) */
    keymap_free(&last);
    keymap_free(&first);
    if ((rc = keymap_init(&last, nc)) || (rc = keymap_init(&first, nc))) break;
    for (size_t s = 0; s < nc; s++) {
      size_t x = backward ? nc - 1 - s : s;
      const cand *p = &cands[x];
      size_t w = words_in(&t, p->a, p->b);
      if (p->type == QR_GT_PERSON && w >= 2) {
        keymap_put(&last, ids[p->b - 1], (uint32_t)x);
        keymap_put(&first, ids[p->a], (uint32_t)x);
        continue;
      }
      if (w != 1 || alias[x] != SIZE_MAX) continue;
      uint32_t y = keymap_get(&last, ids[p->a]);
      if (y == UINT32_MAX) y = keymap_get(&first, ids[p->a]);
      if (y != UINT32_MAX) alias[x] = y;
    }
  }
  for (size_t x = 0; x < nc && !rc; x++) {
    cand *c = &cands[x];
    if (alias[x] == SIZE_MAX ||
        (c->type >= 0 && c->conf > 55 && c->type != QR_GT_PERSON))
      continue;
    /* a sentence's first word the text also writes small is the word */
    if (starts_sentence(&t, c->a) && idset_has(&t.small, ids[c->a])) continue;
    size_t y = alias[x];
    if (c->type != QR_GT_PERSON || c->conf < cands[y].conf) c->conf = cands[y].conf;
    c->type = QR_GT_PERSON;
    key[x] = key[y];
  }
  free(alias);
  if (rc) goto maps_done;

  /* 3. out, in text order, each with the first guess that names it in
   * full (its own words are its id) */
  size_t *at = malloc((nc ? nc : 1) * sizeof *at);
  if (!at) {
    rc = QR_ENOMEM;
    goto maps_done;
  }
  for (size_t x = 0, k = out->n; x < nc; x++) at[x] = cands[x].type >= 0 ? k++ : SIZE_MAX;
  for (size_t x = 0; x < nc; x++) {
    uint64_t own = name_key(&t, cands[x].a, cands[x].b);
    if (at[x] != SIZE_MAX && own == key[x] && keymap_get(&full, own) == UINT32_MAX)
      keymap_put(&full, own, (uint32_t)at[x]);
  }
  for (size_t x = 0; x < nc && rc == QR_OK; x++) {
    const cand *c = &cands[x];
    if (c->type < 0) continue;
    uint32_t same = keymap_get(&full, key[x]);
    rc = push_guess(out, base + c->a, c->b - c->a, c->type, c->conf,
                    same == UINT32_MAX ? at[x] : same);
    if (rc == QR_OK && c->takes) {
      if (qr_grow((void **)&out->drop, &out->drop_cap, out->ndrop + 1, sizeof *out->drop))
        rc = QR_ENOMEM;
      else
        out->drop[out->ndrop++] = (uint32_t)(c->takes - 1);
    }
  }
  free(at);

maps_done:
  keymap_free(&named);
  keymap_free(&count);
  keymap_free(&best);
  keymap_free(&last);
  keymap_free(&first);
  keymap_free(&full);
done:
  free(caps.slot);
  free(t.title);
  free(t.known);
  free(t.starts);
  free(t.alone.slot);
  free(t.small.slot);
  free(t.inside.slot);
  free(cands);
  free(key);
  return rc;
}

qr_status qr_mentions_add_guesses(qr_mentions *m, size_t m0, const qr_guesses *q,
                                  qr_mentions *tmp) {
  if (q->n == 0 && q->ndrop == 0) return QR_OK;
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
