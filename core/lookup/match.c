/* match.c — finding a gazetteer's names in the tokens of a text.
 *
 * At each token, the trie is walked twice, with the folded keys and with the
 * exact ones (acronyms such as US are matched in capitals only). A name may
 * match only where its accept record allows: a one-word name written with a
 * capital never matches an all-small token ("china", "may"), and a short
 * acronym does not match inside a sentence written in capitals ("LET US
 * PRAY"), unless it has its dots. Stop entries (type STOP) take part like
 * any other and then make no mention, so the names they cover exactly are
 * not found there. Leftmost-longest matching keeps the longest match at the
 * leftmost token and goes on after it; overlapping matching keeps them all.
 *
 * Short names: after a person is named in full (two words or more), a later
 * capitalised word equal to the last word of that name (the surname), or
 * else to its first (Kim of Kim Jong Un, Vladimir of Vladimir Putin), is a
 * mention of that person; when several people named before fit, the mention
 * is ambiguous and lists them. At a sentence's start, where everything has a
 * capital, a word the text also writes in small letters is left alone; a
 * given name never is one, and reaches only a few pages past the person's
 * last mention. This pass runs over each text's mentions
 * after the dictionary's, and may replace a one-word dictionary mention of a
 * person (the gazetteer's "Kim") by what the text itself says. */
#include <stdlib.h>
#include <string.h>

#include "lookup/gazetteer_impl.h"

/* ---- mentions -------------------------------------------------------------- */

/* Makes room for need mentions at least (doubling). */
static qr_status grow_mentions_to(qr_mentions *m, size_t need) {
  if (need <= m->cap) return QR_OK;
  size_t cap = m->cap ? m->cap * 2 : 64;
  while (cap < need) cap *= 2;
  void *p;
#define GROW(field)                                                       \
  if (!(p = realloc(m->field, cap * sizeof *m->field))) return QR_ENOMEM; \
  m->field = p;
  GROW(tok_first) GROW(tok_count) GROW(entry) GROW(flags) GROW(cand_first) GROW(cand_count)
#undef GROW
  m->cap = cap;
  return QR_OK;
}

static qr_status grow_mentions(qr_mentions *m) { return grow_mentions_to(m, m->n + 1); }

/* Appends a mention; with more than one candidate, an ambiguous one. */
static qr_status push_mention(qr_mentions *m, size_t first, size_t count, const uint32_t *cands,
                              size_t ncands, int flags) {
  if (grow_mentions(m)) return QR_ENOMEM;
  size_t k = m->n;
  m->tok_first[k] = (uint32_t)first;
  m->tok_count[k] = (uint32_t)count;
  m->entry[k] = cands[0];
  m->cand_first[k] = (uint32_t)m->ncands;
  m->cand_count[k] = 0;
  if (ncands > 1) {
    if (qr_grow((void **)&m->cands, &m->cands_cap, m->ncands + ncands, sizeof *m->cands))
      return QR_ENOMEM;
    memcpy(m->cands + m->ncands, cands, ncands * sizeof *cands);
    m->ncands += ncands;
    m->cand_count[k] = (uint32_t)ncands;
    flags |= QR_MF_AMBIGUOUS;
  }
  m->flags[k] = (uint8_t)flags;
  m->n++;
  return QR_OK;
}

qr_status qr_mentions_reserve(qr_mentions *m, size_t extra, size_t extra_cands) {
  while (m->cap - m->n < extra)
    if (grow_mentions_to(m, m->n + extra)) return QR_ENOMEM;
  if (extra_cands &&
      qr_grow((void **)&m->cands, &m->cands_cap, m->ncands + extra_cands, sizeof *m->cands))
    return QR_ENOMEM;
  return QR_OK;
}

qr_status qr_mentions_append(qr_mentions *dst, const qr_mentions *src, size_t first, size_t n,
                             size_t tok_from, size_t tok_to) {
  size_t ncand = 0;
  for (size_t k = first; k < first + n; k++) ncand += src->cand_count[k];
  if (qr_mentions_reserve(dst, n, ncand)) return QR_ENOMEM;
  for (size_t k = first; k < first + n; k++) {
    size_t y = dst->n++;
    dst->tok_first[y] = (uint32_t)(src->tok_first[k] - tok_from + tok_to);
    dst->tok_count[y] = src->tok_count[k];
    dst->entry[y] = src->entry[k];
    dst->flags[y] = src->flags[k];
    /* (a guess keeps its confidence there) */
    dst->cand_first[y] = src->flags[k] & QR_MF_GUESS ? src->cand_first[k] : (uint32_t)dst->ncands;
    dst->cand_count[y] = src->cand_count[k];
    if (src->cand_count[k]) {   /* (cands may be NULL when no mention is ambiguous) */
      memcpy(dst->cands + dst->ncands, src->cands + src->cand_first[k],
             src->cand_count[k] * sizeof *dst->cands);
      dst->ncands += src->cand_count[k];
    }
  }
  return QR_OK;
}

void qr_mentions_reset(qr_mentions *m) {
  m->n = 0;
  m->ncands = 0;
}

void qr_mentions_free(qr_mentions *m) {
  free(m->tok_first);
  free(m->tok_count);
  free(m->entry);
  free(m->flags);
  free(m->cand_first);
  free(m->cand_count);
  free(m->cands);
  memset(m, 0, sizeof *m);
}

/* ---- the matcher ------------------------------------------------------------- */

#define MAX_CANDS QR_MAX_CANDIDATES   /* entries kept for one span; see QR_MF_CAPPED */

typedef struct matcher {
  const qr_gazetteer *g;
  const qr_tokkey *keys;
  size_t n;
  const uint8_t *type_ok;   /* per type id: keep it (NULL: every type) */
  uint8_t *caps;            /* per token: inside a sentence in capitals */
  uint32_t person;          /* the type id of PERSON, or QR_LEX_NONE */
  uint32_t gpe, loc;        /* the type ids of places (GPE, LOC), or QR_LEX_NONE */
} matcher;

/* Does a longer name go on at token j, after a person's one-word name: a
 * capitalised word in the same sentence, not in one written in capitals,
 * and no weekday or month ("Kim | Clijsters", "Jean-Pierre | Jeunet", but
 * not "Kim | said" nor "Lavrov | Monday")? Then the one word is part of a
 * name the gazetteer does not know, and not that person. */
static int name_goes_on(const matcher *mt, size_t j) {
  if (j >= mt->n) return 0;
  uint32_t f = mt->keys[j].flags;
  return (f & (QR_KF_BARRIER | QR_KF_SKIP | QR_KF_NAMEWORD)) == QR_KF_NAMEWORD && !mt->caps[j];
}

/* Does a name come before token i: a capitalised word right before it in
 * the same sentence, which is not the sentence's first word (everything has
 * a capital there: "Visiting Pyongyang") and no weekday or month? */
static int name_came_before(const matcher *mt, size_t i) {
  if (i == 0 || i >= mt->n) return 0;
  uint32_t here = mt->keys[i].flags, f = mt->keys[i - 1].flags;
  return !(here & (QR_KF_BARRIER | QR_KF_SKIP)) &&
         (f & (QR_KF_BARRIER | QR_KF_SKIP | QR_KF_NAMEWORD)) == QR_KF_NAMEWORD && !mt->caps[i];
}

/* How many words the span of len tokens at token i has, words joined by a
 * hyphen counting as one (Jean-Pierre). */
static size_t span_words(const matcher *mt, size_t i, size_t len) {
  size_t words = 0;
  for (size_t j = i; j < i + len; j++)
    words += !(mt->keys[j].flags & QR_KF_SKIP) && (j == i || !(mt->keys[j - 1].flags & QR_KF_SKIP));
  return words;
}

/* What a sentence's capitals say (matcher.caps, per token):
 * QR_CAPS_SENTENCE, written in capitals: two all-capital words or more,
 * none with a small letter ("LET US PRAY"); QR_CAPS_TITLE, a title: a line
 * of its own with three capitalised words or more, and small words only
 * where titles keep them ("Putin and Kim Sign Pact in Pyongyang"). */
enum { CAPS_SENTENCE = QR_CAPS_SENTENCE, TITLE_SENTENCE = QR_CAPS_TITLE };

/* Marks the tokens of sentences written in capitals and of lines written
 * as titles, where a capital says little about a word. */
static void mark_caps(matcher *mt) {
  size_t a = 0;
  while (a < mt->n) {
    size_t b = a + 1;
    while (b < mt->n && !(mt->keys[b].flags & QR_KF_BARRIER)) b++;
    size_t caps = 0, lower = 0;
    for (size_t i = a; i < b; i++) {
      uint32_t f = mt->keys[i].flags;
      caps += (f & QR_KF_CAPS) != 0;
      lower += (f & QR_KF_LOWER) != 0;
    }
    memset(mt->caps + a, caps >= 2 && !lower ? CAPS_SENTENCE : 0, b - a);
    a = b;
  }
  /* a title is a whole line, whether or not a sentence ends with it (a
   * heading has no full stop: the sentence after it starts on the next
   * line); a sentence of names amid others ("Kim Clijsters and Justine
   * Henin.") is not one */
  for (a = 0; a < mt->n;) {
    size_t b = a + 1;
    while (b < mt->n && !(mt->keys[b].flags & QR_KF_LINE_START)) b++;
    size_t capitalised = 0, small = 0;
    for (size_t i = a; i < b; i++) {
      uint32_t f = mt->keys[i].flags;
      capitalised += (f & (QR_KF_SMALL | QR_KF_LOWER)) == QR_KF_LOWER;
      small += (f & (QR_KF_SMALL | QR_KF_MINOR)) == QR_KF_SMALL;
      small += i > a && (f & QR_KF_BARRIER);   /* a line of sentences is no title */
    }
    if ((mt->keys[a].flags & QR_KF_LINE_START) && capitalised >= 3 && !small)
      for (size_t i = a; i < b; i++) mt->caps[i] |= TITLE_SENTENCE;
    a = b;
  }
}

/* May accept record r match the span of len tokens at token i? */
static int record_ok(const matcher *mt, uint32_t r, size_t i, size_t len) {
  const qr_gazetteer *g = mt->g;
  uint32_t e = g->acc_entry[r];
  if (g->eflags[e] & EF_REMOVED) return 0;
  uint16_t f = g->acc_flags[r];
  uint32_t kf = mt->keys[i].flags;
  if ((f & ACC_ACRONYM) && (mt->caps[i] & CAPS_SENTENCE) && !(kf & QR_KF_DOTTED)) return 0;
  if (f & 0xFF) {
    /* the words with a capital in the name must not be small here, but for
     * one after a hyphen (Kim Jong-un for Kim Jong Un) */
    for (size_t j = i, k = 0; j < i + len && k < 8; j++) {
      if (mt->keys[j].flags & QR_KF_SKIP) continue;
      int after_hyphen = j > i && (mt->keys[j - 1].flags & QR_KF_SKIP);
      if ((f & ACC_CAPS_OF(k)) && (mt->keys[j].flags & QR_KF_SMALL) && !after_hyphen) return 0;
      k++;
    }
  }
  /* a stop entry counts whatever the types asked for */
  if (mt->type_ok && !(g->eflags[e] & EF_STOP) && !mt->type_ok[g->type[e]]) return 0;
  /* a person's one-word name (Kim, Miller) before another capitalised word
   * is part of someone else's name: "Kim Clijsters" */
  if (g->type[e] == mt->person && name_goes_on(mt, i + len) && span_words(mt, i, len) == 1)
    return 0;
  /* so is a place's one-word name beside one: "Vladimir Putin", "Paris
   * Hilton", "Kanye West", "Washington Post" are no places; but "Moscow
   * Mayor" still is, and an acronym goes before any name ("U.S. Army") */
  if ((g->type[e] == mt->gpe || g->type[e] == mt->loc) && span_words(mt, i, len) == 1 &&
      !(kf & (QR_KF_CAPS | QR_KF_DOTTED)) &&
      ((name_goes_on(mt, i + len) && !(mt->keys[i + len].flags & QR_KF_ROLE)) ||
       name_came_before(mt, i)))
    return 0;
  return 1;
}

/* Adds the entries node accepts for the span of len tokens at token i to
 * cands (without repeats); returns the new count. When one more would fit
 * than cands holds, sets *capped and stops: a name that thousands of
 * entries share costs a mention MAX_CANDS of them, not thousands. */
static size_t collect(const matcher *mt, uint32_t node, size_t i, size_t len, uint32_t *cands,
                      size_t nc, int *capped) {
  for (uint32_t r = mt->g->acc_head[node]; r != NO_ENTRY; r = mt->g->acc_next[r]) {
    if (!record_ok(mt, r, i, len)) continue;
    uint32_t e = mt->g->acc_entry[r];
    int seen = 0;
    for (size_t k = 0; k < nc; k++) seen |= cands[k] == e;
    if (seen) continue;
    if (nc == MAX_CANDS) {
      *capped = 1;
      break;
    }
    cands[nc++] = e;
  }
  return nc;
}

/* Does node accept any entry for the span of len tokens at token i? */
static int accepts(const matcher *mt, uint32_t node, size_t i, size_t len) {
  for (uint32_t r = mt->g->acc_head[node]; r != NO_ENTRY; r = mt->g->acc_next[r])
    if (record_ok(mt, r, i, len)) return 1;
  return 0;
}

/* Walks the trie from token i with the folded keys (exact = 0) or the exact
 * ones. With spans = NULL, returns the length in tokens of the longest match
 * (0: none) and its node in *at; else also calls spans(arg, len, node) for
 * every match, shortest first. */
static size_t walk(const matcher *mt, size_t i, int exact, uint32_t *at,
                   qr_status (*spans)(void *, size_t, uint32_t), void *arg, qr_status *rc) {
  uint32_t node = 0;
  size_t best = 0;
  for (size_t j = i; j < mt->n; j++) {
    const qr_tokkey *k = &mt->keys[j];
    if (j > i && (k->flags & QR_KF_BARRIER)) break;
    if (k->flags & QR_KF_SKIP) {
      if (j == i) break;
      continue;
    }
    uint32_t key = exact ? k->exact : k->fold;
    if (key == QR_LEX_NONE) break;
    node = qr_gaz_edge(mt->g, node, key);
    if (node == NO_ENTRY) break;
    if (mt->g->acc_head[node] != NO_ENTRY && accepts(mt, node, i, j + 1 - i)) {
      best = j + 1 - i;
      *at = node;
      if (spans && (*rc = spans(arg, best, node))) break;
    }
  }
  return best;
}

/* Is any of the entries a stop entry? */
static int has_stop(const qr_gazetteer *g, const uint32_t *cands, size_t nc) {
  for (size_t k = 0; k < nc; k++)
    if (g->eflags[cands[k]] & EF_STOP) return 1;
  return 0;
}

/* Leftmost-longest: the longest match at each token, then on after it. */
static qr_status match_longest(const matcher *mt, size_t base, qr_mentions *out) {
  uint32_t cands[MAX_CANDS];
  size_t i = 0;
  while (i < mt->n) {
    if (mt->keys[i].flags & QR_KF_NOSTART) {   /* most tokens */
      i++;
      continue;
    }
    uint32_t nf = 0, ne = 0;
    size_t lf = walk(mt, i, 0, &nf, NULL, NULL, NULL);
    size_t le = walk(mt, i, 1, &ne, NULL, NULL, NULL);
    if (!lf && !le) {
      i++;
      continue;
    }
    size_t len = le > lf ? le : lf, nc = 0;
    int capped = 0;
    if (le == len) nc = collect(mt, ne, i, len, cands, nc, &capped);   /* exact names first */
    if (lf == len) nc = collect(mt, nf, i, len, cands, nc, &capped);
    if (!has_stop(mt->g, cands, nc)) {
      qr_status rc = push_mention(out, base + i, len, cands, nc, capped ? QR_MF_CAPPED : 0);
      if (rc) return rc;
    }
    i += len;
  }
  return QR_OK;
}

/* Overlapping: every match at every token. */
typedef struct every {
  const matcher *mt;
  size_t i, base;
  qr_mentions *out;
  /* the spans found at token i, by length: stop spans block their length */
  size_t lens[MAX_CANDS];
  uint32_t nodes[MAX_CANDS];
  size_t nspans;
} every;

static qr_status note_span(void *arg, size_t len, uint32_t node) {
  every *ev = arg;
  if (ev->nspans < MAX_CANDS) {
    ev->lens[ev->nspans] = len;
    ev->nodes[ev->nspans] = node;
    ev->nspans++;
  }
  return QR_OK;
}

static qr_status match_every(const matcher *mt, size_t base, qr_mentions *out) {
  uint32_t cands[MAX_CANDS];
  every ev = {mt, 0, base, out, {0}, {0}, 0};
  for (size_t i = 0; i < mt->n; i++) {
    if (mt->keys[i].flags & QR_KF_NOSTART) continue;
    ev.i = i;
    ev.nspans = 0;
    qr_status rc = QR_OK;
    uint32_t at;
    walk(mt, i, 1, &at, note_span, &ev, &rc);
    walk(mt, i, 0, &at, note_span, &ev, &rc);
    if (rc) return rc;
    /* one mention per length, shortest first, its entries from both walks */
    for (size_t len = 1; ev.nspans; len++) {
      size_t nc = 0, left = 0;
      int capped = 0;
      for (size_t s = 0; s < ev.nspans; s++) {
        if (ev.lens[s] == len) nc = collect(mt, ev.nodes[s], i, len, cands, nc, &capped);
        else ev.lens[left] = ev.lens[s], ev.nodes[left] = ev.nodes[s], left++;
      }
      ev.nspans = left;
      if (nc && !has_stop(mt->g, cands, nc) &&
          (rc = push_mention(out, base + i, len, cands, nc, capped ? QR_MF_CAPPED : 0)))
        return rc;
    }
  }
  return QR_OK;
}

/* ---- short names of people named before ---------------------------------------- */

/* Who has been named in full so far: short-name key -> entries, in a small
 * open-addressing table of chains (a text names few people). */
typedef struct scope {
  uint32_t *key, *head;      /* slots: the key (QR_LEX_NONE: empty) and its first link */
  size_t slots, used;
  uint32_t *entry, *next;    /* links */
  size_t nlinks, cap;
} scope;

static void scope_free(scope *s) {
  free(s->key);
  free(s->head);
  free(s->entry);
  free(s->next);
}

static size_t scope_slot(const scope *s, uint32_t key) {
  size_t mask = s->slots - 1, i = (size_t)(key * 0x9E3779B1u) & mask;
  while (s->key[i] != QR_LEX_NONE && s->key[i] != key) i = (i + 1) & mask;
  return i;
}

/* The first link of the entries under key, or NO_ENTRY. */
static uint32_t scope_find(const scope *s, uint32_t key) {
  if (!s->slots) return NO_ENTRY;
  size_t i = scope_slot(s, key);
  return s->key[i] == key ? s->head[i] : NO_ENTRY;
}

/* Puts e first under key, whether or not it is there already. */
static qr_status scope_link(scope *s, uint32_t key, uint32_t e) {
  if ((s->used + 1) * 2 > s->slots) {   /* grow the table, keeping the chains */
    size_t ns = s->slots ? s->slots * 2 : 16;
    uint32_t *k = malloc(ns * sizeof *k), *h = malloc(ns * sizeof *h);
    if (!k || !h) {
      free(k);
      free(h);
      return QR_ENOMEM;
    }
    memset(k, 0xFF, ns * sizeof *k);
    scope bigger = {k, h, ns, 0, NULL, NULL, 0, 0};
    for (size_t i = 0; i < s->slots; i++) {
      if (s->key[i] == QR_LEX_NONE) continue;
      size_t j = scope_slot(&bigger, s->key[i]);
      k[j] = s->key[i];
      h[j] = s->head[i];
      bigger.used++;
    }
    free(s->key);
    free(s->head);
    s->key = k;
    s->head = h;
    s->slots = ns;
  }
  size_t cap = s->cap;
  if (qr_grow((void **)&s->entry, &cap, s->nlinks + 1, sizeof *s->entry)) return QR_ENOMEM;
  cap = s->cap;
  if (qr_grow((void **)&s->next, &cap, s->nlinks + 1, sizeof *s->next)) return QR_ENOMEM;
  s->cap = cap;
  size_t i = scope_slot(s, key);
  if (s->key[i] == QR_LEX_NONE) {
    s->key[i] = key;
    s->head[i] = NO_ENTRY;
    s->used++;
  }
  uint32_t l = (uint32_t)s->nlinks++;
  s->entry[l] = e;
  s->next[l] = s->head[i];
  s->head[i] = l;
  return QR_OK;
}

/* Puts e under key unless it is there: for keys with few entries (a
 * repeat is looked for along the key's chain). */
static qr_status scope_add(scope *s, uint32_t key, uint32_t e) {
  for (uint32_t l = scope_find(s, key); l != NO_ENTRY; l = s->next[l])
    if (s->entry[l] == e) return QR_OK;
  return scope_link(s, key, e);
}

/* A set of (key, entry) pairs, so that a surname that thousands of people
 * named in one text share is not walked for a repeat at each of them. */
typedef struct pairset {
  uint64_t *slot;            /* key << 32 | entry, or UINT64_MAX when empty */
  size_t slots, used;
} pairset;

/* Adds (key, e) to p; *added says whether it was new. */
static qr_status pairset_add(pairset *p, uint32_t key, uint32_t e, int *added) {
  uint64_t v = (uint64_t)key << 32 | e;
  if ((p->used + 1) * 2 > p->slots) {
    size_t ns = p->slots ? p->slots * 2 : 64;
    uint64_t *t = malloc(ns * sizeof *t);
    if (!t) return QR_ENOMEM;
    memset(t, 0xFF, ns * sizeof *t);
    for (size_t i = 0; i < p->slots; i++) {
      if (p->slot[i] == UINT64_MAX) continue;
      size_t j = qr_gaz_edge_hash(p->slot[i]) & (ns - 1);
      while (t[j] != UINT64_MAX) j = (j + 1) & (ns - 1);
      t[j] = p->slot[i];
    }
    free(p->slot);
    p->slot = t;
    p->slots = ns;
  }
  size_t j = qr_gaz_edge_hash(v) & (p->slots - 1);
  while (p->slot[j] != UINT64_MAX && p->slot[j] != v) j = (j + 1) & (p->slots - 1);
  *added = p->slot[j] == UINT64_MAX;
  if (*added) {
    p->slot[j] = v;
    p->used++;
  }
  return QR_OK;
}

/* Puts e under key in s once, p remembering the pairs put. */
static qr_status scope_add_once(scope *s, pairset *p, uint32_t key, uint32_t e) {
  int added;
  qr_status rc = pairset_add(p, key, e, &added);
  return rc || !added ? rc : scope_link(s, key, e);
}

/* Keeps one value under key: the latest (for the last mention of each person). */
static qr_status scope_set(scope *s, uint32_t key, uint32_t value) {
  uint32_t l = scope_find(s, key);
  if (l != NO_ENTRY) {
    s->entry[l] = value;
    return QR_OK;
  }
  return scope_add(s, key, value);
}

/* The entries under key in s, into cands (latest named first); *capped is
 * set when there are more than cands holds. */
static size_t scope_entries(const scope *s, uint32_t key, uint32_t *cands, int *capped) {
  size_t nc = 0;
  uint32_t l = scope_find(s, key);
  for (; l != NO_ENTRY && nc < MAX_CANDS; l = s->next[l]) cands[nc++] = s->entry[l];
  *capped = l != NO_ENTRY;
  return nc;
}

/* How far (in tokens) after a person's last mention a given name alone
 * still names them: a long article's length. */
#define GIVEN_NAME_REACH 2000

/* Could token i be a short name: a word with a capital first (or in
 * capitals, in a sentence in capitals)? */
static int name_like(const matcher *mt, size_t i) {
  uint32_t f = mt->keys[i].flags;
  if (f & (QR_KF_SMALL | QR_KF_SKIP)) return 0;
  if (f & QR_KF_CAPS) return (mt->caps[i] & CAPS_SENTENCE) != 0;
  return (f & QR_KF_LOWER) != 0;
}

/* The bits of the filter of name words in resolve_short_names (8 KB). */
#define NAME_FILTER_BITS 65536u

/* Rewrites out[m0, out->n), the mentions of this text, with the short names
 * of the people named in full before them. */
static qr_status resolve_short_names(const matcher *mt, size_t base, qr_mentions *out, size_t m0) {
  const qr_gazetteer *g = mt->g;
  uint32_t person = qr_lexicon_find(g->types, "PERSON", 6);
  if (person == QR_LEX_NONE || out->n == m0) return QR_OK;
  scope last = {0}, first = {0}, small = {0}, seen = {0}, names = {0};
  pairset last_pairs = {0}, first_pairs = {0};   /* what last and first hold */
  qr_mentions res = {0};
  uint32_t cands[MAX_CANDS];
  qr_status rc = QR_OK;
  size_t m = m0, m1 = out->n;
  /* the words a short name can be: the first and last of the people named
   * in full. None (most texts of a big gazetteer): nothing to resolve. */
  for (size_t k = m0; k < m1 && rc == QR_OK; k++) {
    if ((out->flags[k] & QR_MF_AMBIGUOUS) || g->type[out->entry[k]] != person) continue;
    size_t i0 = out->tok_first[k] - base, w0 = NO_ENTRY, w1 = NO_ENTRY;
    for (size_t j = i0; j < i0 + out->tok_count[k]; j++) {
      if (mt->keys[j].flags & QR_KF_SKIP || mt->keys[j].fold == QR_LEX_NONE) continue;
      if (w0 == NO_ENTRY) w0 = j;
      w1 = j;
    }
    if (w0 != w1) {
      rc = scope_add(&names, mt->keys[w0].fold, 0);
      if (rc == QR_OK) rc = scope_add(&names, mt->keys[w1].fold, 0);
    }
  }
  if (names.used == 0 || rc != QR_OK) {
    scope_free(&names);
    return rc;
  }
  /* one pass over the text for the tokens that matter below: the words of
   * those names that the text also writes in small letters (at a sentence's
   * start, a capital says nothing, and such a word there, "Young people
   * ...", is the word, not the person Young), and the tokens that may be a
   * short name (most tokens are neither, and are not visited again) */
  uint32_t *maybe = NULL;   /* grown as needed: a few tokens in a hundred */
  size_t nmaybe = 0, maybe_cap = 0;
  /* a bit per word of those names (by its id, modulo 2^16), so that the
   * pass below turns down nearly every token of the text with one load,
   * not a probe of the names' table per word */
  uint64_t *filter = calloc(NAME_FILTER_BITS / 64, sizeof *filter);
  if (!filter) rc = QR_ENOMEM;
  for (size_t k = 0; filter && k < names.slots; k++)
    if (names.key[k] != QR_LEX_NONE) {
      uint32_t b = names.key[k] & (NAME_FILTER_BITS - 1);
      filter[b >> 6] |= 1ULL << (b & 63);
    }
  for (size_t i = 0; i < mt->n && rc == QR_OK; i++) {
    uint32_t fold = mt->keys[i].fold, b = fold & (NAME_FILTER_BITS - 1);
    if (!((filter[b >> 6] >> (b & 63)) & 1)) continue;
    int is_small = (mt->keys[i].flags & QR_KF_SMALL) != 0;
    if (fold == QR_LEX_NONE || !(is_small || name_like(mt, i)) ||
        scope_find(&names, fold) == NO_ENTRY)
      continue;
    if (is_small) rc = scope_add(&small, fold, 0);
    else if ((rc = qr_grow((void **)&maybe, &maybe_cap, nmaybe + 1, sizeof *maybe)) == QR_OK)
      maybe[nmaybe++] = (uint32_t)i;
  }
  free(filter);
  /* the mentions and the possible short names, in the text's order; the
   * tokens inside a mention are passed over with it */
  size_t next_maybe = 0;
  for (size_t i = 0; rc == QR_OK;) {
    while (next_maybe < nmaybe && maybe[next_maybe] < i) next_maybe++;
    size_t mention_at = m < m1 ? out->tok_first[m] - base : SIZE_MAX;
    size_t maybe_at = next_maybe < nmaybe ? maybe[next_maybe] : SIZE_MAX;
    if (mention_at == SIZE_MAX && maybe_at == SIZE_MAX) break;
    i = mention_at < maybe_at ? mention_at : maybe_at;
    size_t at = base + i;
    int covered = i == mention_at;
    size_t span = covered ? out->tok_count[m] : 1;
    uint32_t e = covered ? out->entry[m] : NO_ENTRY;
    int one_person = covered && span == 1 && !(out->flags[m] & QR_MF_AMBIGUOUS) &&
                     g->type[e] == person;
    size_t nc = 0;
    int capped = 0;
    uint32_t fold = mt->keys[i].fold;
    /* at a sentence's start, or anywhere in a title, a capital says little */
    int opener = (mt->keys[i].flags & QR_KF_BARRIER) || (mt->caps[i] & TITLE_SENTENCE);
    int common = fold != QR_LEX_NONE && scope_find(&small, fold) != NO_ENTRY;
    /* "Kim Clijsters" after Kim Jong Un: the word is part of another name */
    if ((!covered || one_person) && name_like(mt, i) && fold != QR_LEX_NONE &&
        !(opener && common) && !name_goes_on(mt, i + 1)) {
      nc = scope_entries(&last, fold, cands, &capped);
      /* a given name (Vladimir, Kim) is riskier: not a word the text also
       * writes in small letters, and only near the person's last mention */
      if (!nc && !common) {
        nc = scope_entries(&first, fold, cands, &capped);
        size_t kept = 0;
        for (size_t k = 0; k < nc; k++) {
          uint32_t l = scope_find(&seen, cands[k]);
          if (l != NO_ENTRY && i - seen.entry[l] <= GIVEN_NAME_REACH) cands[kept++] = cands[k];
        }
        nc = kept;
      }
    }
    if (nc && !(one_person && nc == 1 && cands[0] == e)) {
      rc = push_mention(&res, at, 1, cands, nc, QR_MF_ALIAS | (capped ? QR_MF_CAPPED : 0));
      if (rc == QR_OK && nc == 1) rc = scope_set(&seen, cands[0], (uint32_t)i);
    } else if (covered) {
      /* kept as it is (its candidates copied along) */
      size_t cf = out->cand_first[m], cc = out->cand_count[m];
      rc = cc ? push_mention(&res, at, span, out->cands + cf, cc, out->flags[m])
              : push_mention(&res, at, span, &e, 1, out->flags[m]);
      /* a person named in full: the words of the name enter the scope */
      if (rc == QR_OK && !(out->flags[m] & QR_MF_AMBIGUOUS) && g->type[e] == person) {
        size_t w0 = NO_ENTRY, w1 = NO_ENTRY, words = 0;
        for (size_t j = i; j < i + span; j++) {
          if (mt->keys[j].flags & QR_KF_SKIP || mt->keys[j].fold == QR_LEX_NONE) continue;
          if (w0 == NO_ENTRY) w0 = j;
          w1 = j;
          words++;
        }
        if (words >= 2) {
          rc = scope_add_once(&last, &last_pairs, mt->keys[w1].fold, e);
          if (rc == QR_OK) rc = scope_add_once(&first, &first_pairs, mt->keys[w0].fold, e);
        }
        if (rc == QR_OK) rc = scope_set(&seen, e, (uint32_t)i);
      }
    }
    if (covered) m++;
    i += span;
  }
  /* the text's mentions, replaced by the resolved ones */
  if (rc == QR_OK) {
    out->n = m0;
    for (size_t k = 0; k < res.n && rc == QR_OK; k++) {
      size_t cc = res.cand_count[k];
      rc = push_mention(out, res.tok_first[k], res.tok_count[k],
                        cc ? res.cands + res.cand_first[k] : &res.entry[k], cc ? cc : 1,
                        res.flags[k] & ~QR_MF_AMBIGUOUS);
    }
  }
  qr_mentions_free(&res);
  free(maybe);
  scope_free(&names);
  scope_free(&last);
  scope_free(&first);
  scope_free(&small);
  scope_free(&seen);
  free(last_pairs.slot);
  free(first_pairs.slot);
  return rc;
}

/* ---- names several entries share: chosen by the text ------------------------ */

/* The country an entry belongs to, its two letters as a number below
 * 26 * 26 (ISO 3166: "GB", "US"), or -1: its attribute country, or iso2 for
 * a country itself (the world gazetteer's and GeoNames' attributes). */
static int entry_country(const qr_gazetteer *g, uint32_t e) {
  size_t na = qr_gazetteer_nattrs(g, e);
  for (size_t k = 0; k < na; k++) {
    const char *key, *val;
    qr_gazetteer_attr(g, e, k, &key, &val);
    if ((strcmp(key, "country") == 0 || strcmp(key, "iso2") == 0) && val[0] >= 'A' &&
        val[0] <= 'Z' && val[1] >= 'A' && val[1] <= 'Z' && !val[2])
      return (val[0] - 'A') * 26 + (val[1] - 'A');
  }
  return -1;
}

/* Are mentions j and k (j before k) side by side: next to each other, or
 * with one small word between ("Japan's Foreign Ministry", "the Ministry
 * of Japan")? */
static int side_by_side(const matcher *mt, const qr_mentions *m, size_t base, size_t j,
                        size_t k) {
  size_t end = m->tok_first[j] + m->tok_count[j] - base, at = m->tok_first[k] - base;
  if (at == end) return !(mt->keys[at].flags & QR_KF_BARRIER);
  return at == end + 1 && (mt->keys[end].flags & QR_KF_SMALL) &&
         !(mt->keys[end].flags & QR_KF_BARRIER) && !(mt->keys[at].flags & QR_KF_BARRIER);
}

/* A name several entries share is read by the text around it: each
 * candidate scores the mentions of the text that belong to its country (a
 * place of it, the country itself, its nationality), and ten more for one
 * right beside it ("Japan's Foreign Ministry"). The best one, alone at the
 * top, is the mention's entry and it is no longer ambiguous; otherwise the
 * candidates are ranked by their scores, the likeliest first as before
 * among equals, and it stays ambiguous. */
static qr_status link_by_context(const matcher *mt, size_t base, qr_mentions *out, size_t m0) {
  const qr_gazetteer *g = mt->g;
  int any = 0;
  for (size_t k = m0; k < out->n && !any; k++) any = out->cand_count[k] > 1;
  if (!any) return QR_OK;
  uint32_t *count = calloc(26 * 26, sizeof *count);
  int *land = malloc((out->n - m0) * sizeof *land);
  if (!count || !land) {
    free(count);
    free(land);
    return QR_ENOMEM;
  }
  for (size_t k = m0; k < out->n; k++) {
    land[k - m0] = out->cand_count[k] > 1 ? -1 : entry_country(g, out->entry[k]);
    if (land[k - m0] >= 0) count[land[k - m0]]++;
  }
  for (size_t k = m0; k < out->n; k++) {
    size_t nc = out->cand_count[k];
    if (nc < 2) continue;
    uint32_t *cands = out->cands + out->cand_first[k];
    long score[MAX_CANDS];
    for (size_t c = 0; c < nc; c++) {
      int land_c = entry_country(g, cands[c]);
      score[c] = land_c >= 0 ? (long)count[land_c] : 0;
      if (land_c >= 0 && k > m0 && land[k - 1 - m0] == land_c && side_by_side(mt, out, base, k - 1, k))
        score[c] += 10;
      if (land_c >= 0 && k + 1 < out->n && land[k + 1 - m0] == land_c &&
          side_by_side(mt, out, base, k, k + 1))
        score[c] += 10;
    }
    /* ranked, stably (insertion sort: a few candidates) */
    for (size_t i = 1; i < nc; i++) {
      long s = score[i];
      uint32_t e = cands[i];
      size_t j = i;
      for (; j > 0 && score[j - 1] < s; j--) {
        score[j] = score[j - 1];
        cands[j] = cands[j - 1];
      }
      score[j] = s;
      cands[j] = e;
    }
    out->entry[k] = cands[0];
    if (score[0] > score[1]) {   /* the text decides */
      out->cand_count[k] = 0;
      out->flags[k] = (uint8_t)(out->flags[k] & ~(QR_MF_AMBIGUOUS | QR_MF_CAPPED));
    }
  }
  free(count);
  free(land);
  return QR_OK;
}

/* ---- entry points ---------------------------------------------------------- */

qr_status qr_gazetteer_match_keys(const qr_gazetteer *g, const qr_tokkey *keys, size_t n,
                                  size_t base, const qr_match_opts *opts, qr_mentions *out) {
  if (n == 0) return QR_OK;
  matcher mt = {g,
                keys,
                n,
                NULL,
                opts && opts->caps ? opts->caps : malloc(n),
                qr_lexicon_find(g->types, "PERSON", 6),
                qr_lexicon_find(g->types, "GPE", 3),
                qr_lexicon_find(g->types, "LOC", 3)};
  uint8_t *type_ok = NULL;
  qr_status rc = mt.caps ? QR_OK : QR_ENOMEM;
  if (rc == QR_OK && opts && opts->types) {
    size_t nt = qr_lexicon_size(g->types);
    type_ok = calloc(nt ? nt : 1, 1);
    if (!type_ok) rc = QR_ENOMEM;
    for (size_t k = 0; type_ok && k < opts->ntypes; k++) {
      uint32_t t = qr_lexicon_find(g->types, opts->types[k], strlen(opts->types[k]));
      if (t != QR_LEX_NONE) type_ok[t] = 1;
    }
    mt.type_ok = type_ok;
  }
  if (rc == QR_OK) {
    mark_caps(&mt);
    size_t m0 = out->n;
    if (opts && opts->overlapping) {
      rc = match_every(&mt, base, out);
    } else {
      rc = match_longest(&mt, base, out);
      if (rc == QR_OK && (!opts || opts->aliases)) rc = resolve_short_names(&mt, base, out, m0);
      if (rc == QR_OK) rc = link_by_context(&mt, base, out, m0);
    }
  }
  free(type_ok);
  if (!(opts && opts->caps)) free(mt.caps);
  return rc;
}

qr_status qr_gazetteer_match(const qr_gazetteer *g, const char *text, const qr_tokens *toks,
                             size_t t0, size_t t1, const qr_match_opts *opts, qr_mentions *out) {
  if (t1 <= t0) return QR_OK;
  qr_tokkey *keys = malloc((t1 - t0) * sizeof *keys);
  qr_buf scratch = {0};
  qr_status rc = keys ? QR_OK : QR_ENOMEM;
  for (size_t i = t0; rc == QR_OK && i < t1; i++) {
    qr_tokkey *k = &keys[i - t0];
    rc = qr_gazetteer_form_keys(g, text + toks->start[i], toks->len[i], toks->kind[i], &scratch,
                                &k->fold, &k->exact, &k->flags);
  }
  /* the text starts at t0: a barrier there */
  if (rc == QR_OK) qr_gazetteer_position_keys(text, toks, t0, t1, keys);
  if (rc == QR_OK) rc = qr_gazetteer_match_keys(g, keys, t1 - t0, t0, opts, out);
  free(keys);
  qr_buf_free(&scratch);
  return rc;
}
