/* trie.c — names compiled into a trie over token keys, and matching.
 *
 * A token's key is its normalised form interned in the gazetteer's own
 * lexicon: dots dropped from abbreviations and acronyms (U.S. = US, St. =
 * St), apostrophes unified, and case folded — or, for exact-case names, kept
 * as written behind a \1 prefix. The trie's edges live in one open-addressing
 * hash table keyed by (node, key), so a step costs one probe. */
#include <stdlib.h>
#include <string.h>

#include "lookup/gazetteer_impl.h"
#include "quarry/utf8.h"

/* Is the token a hyphen that joins two words ("Jong-un")? */
static int joining_hyphen(const char *text, const qr_tokens *t, size_t i) {
  if (t->kind[i] != QR_TOK_PUNCT || i == 0 || i + 1 >= t->n) return 0;
  const char *s = text + t->start[i];
  size_t n = t->len[i];
  int hyphen = (n == 1 && s[0] == '-') ||
               (n == 3 && (memcmp(s, "\xE2\x80\x90", 3) == 0 || memcmp(s, "\xE2\x80\x91", 3) == 0));
  return hyphen && !(t->flags[i] & QR_TF_SPACE_BEFORE) &&
         !(t->flags[i + 1] & QR_TF_SPACE_BEFORE);
}

/* Writes the form of s[0, n) without the dots of an abbreviation or dotted
 * acronym and with apostrophes unified into out (reset first). */
static qr_status strip_form(const char *s, size_t n, int kind, qr_buf *out) {
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

/* Looks up (or, when intern is set, adds) the fold and exact keys of a form. */
static qr_status form_keys(qr_lexicon *keys, int intern, const char *s, size_t n, int kind,
                           qr_buf *scratch, uint32_t *fold, uint32_t *exact) {
  qr_status rc = strip_form(s, n, kind, scratch);
  if (rc) return rc;
  size_t sl = scratch->len;
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
  const char *fo = scratch->data + fold_at;
  size_t fol = scratch->len - fold_at;
  ex = scratch->data + sl;   /* the buffer may have moved */
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

qr_status qr_gazetteer_form_keys(const qr_gazetteer *g, const char *s, size_t n, int kind,
                                 qr_buf *scratch, uint32_t *fold, uint32_t *exact) {
  return form_keys(g->keys, 0, s, n, kind, scratch, fold, exact);
}

uint8_t qr_gazetteer_token_flags(const char *text, const qr_tokens *toks, size_t i, size_t t0) {
  uint8_t f = 0;
  if (i == t0 || (toks->flags[i] & QR_TF_PARA_BEFORE) ||
      (i > 0 && (toks->flags[i - 1] & QR_TF_TERMINAL)))
    f |= QR_KF_BARRIER;
  if (i > t0 && joining_hyphen(text, toks, i)) f |= QR_KF_SKIP;
  return f;
}

qr_status qr_gazetteer_token_key(const qr_gazetteer *g, const char *text, const qr_tokens *toks,
                                 size_t i, qr_buf *scratch, qr_tokkey *key) {
  key->flags = qr_gazetteer_token_flags(text, toks, i, 0);
  if (key->flags & QR_KF_SKIP) {
    key->fold = key->exact = QR_LEX_NONE;
    return QR_OK;
  }
  return qr_gazetteer_form_keys(g, text + toks->start[i], toks->len[i], toks->kind[i], scratch,
                                &key->fold, &key->exact);
}

/* ---- the trie ---------------------------------------------------------- */

static uint64_t edge_hash(uint64_t k) {
  k ^= k >> 31;
  k *= 0x9e3779b97f4a7c15ULL;
  k ^= k >> 29;
  return k;
}

static uint32_t edge_find(const qr_gazetteer *g, uint32_t node, uint32_t key) {
  uint64_t k = (((uint64_t)node << 32) | key) + 1;
  size_t mask = g->edge_slots - 1, i = edge_hash(k) & mask;
  for (;;) {
    uint64_t e = g->edge_key[i];
    if (e == k) return g->edge_child[i];
    if (e == 0) return NO_ENTRY;
    i = (i + 1) & mask;
  }
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
    size_t j = edge_hash(g->edge_key[i]) & (ns - 1);
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
  uint32_t c = edge_find(g, node, key);
  if (c != NO_ENTRY) {
    *child = c;
    return QR_OK;
  }
  if ((g->nedges + 1) * 2 > g->edge_slots && edge_rehash(g)) return QR_ENOMEM;
  if (g->nnodes == g->nodes_cap) {
    size_t c1 = g->nodes_cap, c2 = g->nodes_cap;
    if (qr_grow((void **)&g->accept, &c1, g->nnodes + 1, sizeof *g->accept) ||
        qr_grow((void **)&g->accept_n, &c2, g->nnodes + 1, sizeof *g->accept_n))
      return QR_ENOMEM;
    g->nodes_cap = c1 < c2 ? c1 : c2;
  }
  c = (uint32_t)g->nnodes++;
  g->accept[c] = NO_ENTRY;
  g->accept_n[c] = 0;
  uint64_t k = (((uint64_t)node << 32) | key) + 1;
  size_t mask = g->edge_slots - 1, i = edge_hash(k) & mask;
  while (g->edge_key[i]) i = (i + 1) & mask;
  g->edge_key[i] = k;
  g->edge_child[i] = c;
  g->nedges++;
  *child = c;
  return QR_OK;
}

int qr_gaz_name_words(const qr_gazetteer *g, const char *name) {
  qr_tokens t = {0};
  size_t n = strlen(name);
  if (qr_tokenize(g->seg, name, n, &t)) {
    qr_tokens_free(&t);
    return -1;
  }
  int words = 0;   /* tokens with a letter or digit: punctuation alone is no name */
  for (size_t i = 0; i < t.n; i++) words += t.kind[i] != QR_TOK_PUNCT && t.kind[i] != QR_TOK_SYMBOL;
  qr_tokens_free(&t);
  return words;
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

qr_status qr_gaz_compile_name(qr_gazetteer *g, size_t e, const char *name, qr_error *err) {
  qr_tokens t = {0};
  qr_buf scratch = {0};
  size_t n = strlen(name);
  qr_status rc = qr_tokenize(g->seg, name, n, &t);
  size_t words = 0, last = 0;
  for (size_t i = 0; rc == QR_OK && i < t.n; i++)
    if (!joining_hyphen(name, &t, i)) words++, last = i;
  int exact = g->policy[e] == QR_CASE_EXACT ||
              (g->policy[e] == QR_CASE_AUTO && words == 1 &&
               short_acronym(name + t.start[last], t.len[last]));
  uint32_t node = 0;
  for (size_t i = 0; rc == QR_OK && i < t.n; i++) {
    if (joining_hyphen(name, &t, i)) continue;
    uint32_t fold, ex;
    rc = form_keys(g->keys, 1, name + t.start[i], t.len[i], t.kind[i], &scratch, &fold, &ex);
    if (rc == QR_OK) rc = edge_add(g, node, exact ? ex : fold, &node);
  }
  if (rc == QR_OK && words > 0) {
    if (g->accept[node] == NO_ENTRY) {
      g->accept[node] = (uint32_t)e;
      g->accept_n[node] = 1;
    } else if (g->accept[node] != e && g->accept_n[node] < UINT16_MAX) {
      g->accept_n[node]++;   /* another entry has this name: ambiguous */
    }
  }
  qr_tokens_free(&t);
  qr_buf_free(&scratch);
  if (rc) return qr_error_set(err, rc, "out of memory compiling '%s'", name);
  return QR_OK;
}

/* ---- matching ---------------------------------------------------------- */

/* Walks the trie from token i using the fold keys (exact = 0) or the exact
 * keys (exact = 1); returns the number of tokens of the longest name found
 * (0 if none) and its node in *at. */
static size_t walk(const qr_gazetteer *g, const qr_tokkey *keys, size_t n, size_t i, int exact,
                   uint32_t *at) {
  uint32_t node = 0;
  size_t best = 0;
  for (size_t j = i; j < n; j++) {
    if (j > i && (keys[j].flags & QR_KF_BARRIER)) break;
    if (keys[j].flags & QR_KF_SKIP) {
      if (j == i) break;
      continue;
    }
    uint32_t k = exact ? keys[j].exact : keys[j].fold;
    if (k == QR_LEX_NONE) break;
    node = edge_find(g, node, k);
    if (node == NO_ENTRY) break;
    if (g->accept[node] != NO_ENTRY) {
      best = j + 1 - i;
      *at = node;
    }
  }
  return best;
}

static qr_status push_mention(qr_mentions *m, size_t first, size_t count, uint32_t entry,
                              int flags) {
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    void *p;
#define GROW(field)                                                       \
    if (!(p = realloc(m->field, cap * sizeof *m->field))) return QR_ENOMEM; \
    m->field = p;
    GROW(tok_first) GROW(tok_count) GROW(entry) GROW(flags)
#undef GROW
    m->cap = cap;
  }
  m->tok_first[m->n] = (uint32_t)first;
  m->tok_count[m->n] = (uint32_t)count;
  m->entry[m->n] = entry;
  m->flags[m->n] = (uint8_t)flags;
  m->n++;
  return QR_OK;
}

qr_status qr_gazetteer_match_keys(const qr_gazetteer *g, const qr_tokkey *keys, size_t n,
                                  size_t base, qr_mentions *out) {
  size_t i = 0;
  while (i < n) {
    uint32_t nf = 0, ne = 0;
    size_t lf = walk(g, keys, n, i, 0, &nf);
    size_t le = walk(g, keys, n, i, 1, &ne);
    if (!lf && !le) {
      i++;
      continue;
    }
    uint32_t node = le >= lf ? ne : nf;   /* exact wins a tie */
    size_t len = le >= lf ? le : lf;
    qr_status rc = push_mention(out, base + i, len, g->accept[node],
                                g->accept_n[node] > 1 ? QR_MF_AMBIGUOUS : 0);
    if (rc) return rc;
    i += len;
  }
  return QR_OK;
}

qr_status qr_gazetteer_match(const qr_gazetteer *g, const char *text, const qr_tokens *toks,
                             size_t t0, size_t t1, qr_mentions *out) {
  if (t1 <= t0) return QR_OK;
  qr_tokkey *keys = malloc((t1 - t0) * sizeof *keys);
  qr_buf scratch = {0};
  qr_status rc = keys ? QR_OK : QR_ENOMEM;
  for (size_t i = t0; rc == QR_OK && i < t1; i++) {
    rc = qr_gazetteer_token_key(g, text, toks, i, &scratch, &keys[i - t0]);
    keys[i - t0].flags = qr_gazetteer_token_flags(text, toks, i, t0);
  }
  if (rc == QR_OK) rc = qr_gazetteer_match_keys(g, keys, t1 - t0, t0, out);
  free(keys);
  qr_buf_free(&scratch);
  return rc;
}
