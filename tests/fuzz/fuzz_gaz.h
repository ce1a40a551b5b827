/* fuzz_gaz.h — what the two gazetteer targets (fuzz_gazetteer.c,
 * fuzz_compiled.c) do with a gazetteer once it is loaded: read every entry
 * through the accessors of gazetteer.h, and match it against a fixed text
 * and against a text made of its own names (so that the trie and the
 * matcher run on the fuzzed names, not only on the fixed text's words),
 * checking the mentions against the contracts of gazetteer.h. */
#ifndef QUARRY_FUZZ_GAZ_H
#define QUARRY_FUZZ_GAZ_H

#include "fuzz.h"
#include "quarry/gazetteer.h"

/* Names, titles, acronyms, possessives, hyphens and a line break inside a
 * name: the shapes the matcher normalises (docs/gazetteer.md). */
static const char fuzz_gaz_text[] =
    "Vladimir Putin arrived in Pyongyang on Tuesday. North Korean leader Kim Jong-un "
    "met him; Putin's visit, the U.S. said, worried Seoul and the US State Department.\n\n"
    "Mr. Kim Jong Un and Sergey Lavrov spoke in Moscow. Later, Kim and Putin signed a "
    "pact. NORTH KOREA AND RUSSIA SIGN PACT IN PYONGYANG\nThe Kremlin said Vladimir\n"
    "Putin would return. May said in May that the E.U. and NATO objected.";

/* The most names put into the text of names. */
#define FUZZ_GAZ_NAMES 200

/* Reads every entry. strict: the gazetteer was built by the loaders, so
 * that each id finds its entry (a compiled file that passes its checks may
 * still be nonsense that finds nothing, but must not crash). */
static void fuzz_gaz_walk(const qr_gazetteer *g, int strict) {
  size_t n = qr_gazetteer_size(g), live = 0;
  for (size_t e = 0; e < n; e++) {
    if (!qr_gazetteer_live(g, e)) continue;
    live++;
    const char *id = qr_gazetteer_id(g, e), *type = qr_gazetteer_type(g, e);
    FUZZ_CHECK(id != NULL && type != NULL);
    FUZZ_CHECK(strlen(id) + strlen(type) < SIZE_MAX);   /* reads both to their NUL */
    if (strict) FUZZ_CHECK(qr_gazetteer_find(g, id) == (long)e);
    size_t nn = qr_gazetteer_nnames(g, e);
    FUZZ_CHECK(nn > 0);
    for (size_t k = 0; k < nn; k++) {
      const char *name = qr_gazetteer_name(g, e, k);
      FUZZ_CHECK(name != NULL && strlen(name) < SIZE_MAX);
    }
    FUZZ_CHECK(qr_gazetteer_name(g, e, nn) == NULL);
    for (size_t k = 0, na = qr_gazetteer_nattrs(g, e); k < na; k++) {
      const char *key, *value;
      qr_gazetteer_attr(g, e, k, &key, &value);
      FUZZ_CHECK(key != NULL && value != NULL && strlen(key) + strlen(value) < SIZE_MAX);
    }
    FUZZ_CHECK(qr_gazetteer_case(g, e) <= QR_CASE_EXACT);
  }
  FUZZ_CHECK(live == qr_gazetteer_count(g));
  FUZZ_CHECK(qr_gazetteer_memory(g) > 0);
}

/* The mentions of one match over toks: inside the tokens, of entries that
 * exist, with candidates inside the candidates; without overlapping, in
 * order and apart. */
static void fuzz_gaz_check_mentions(const qr_gazetteer *g, const qr_mentions *m,
                                    const qr_tokens *toks, int overlapping) {
  size_t end = 0;
  for (size_t k = 0; k < m->n; k++) {
    FUZZ_CHECK(m->tok_count[k] > 0);
    FUZZ_CHECK((size_t)m->tok_first[k] + m->tok_count[k] <= toks->n);
    FUZZ_CHECK(m->entry[k] < qr_gazetteer_size(g));
    FUZZ_CHECK((size_t)m->cand_first[k] + m->cand_count[k] <= m->ncands);
    for (size_t c = 0; c < m->cand_count[k]; c++)
      FUZZ_CHECK(m->cands[m->cand_first[k] + c] < qr_gazetteer_size(g));
    if (!overlapping) {
      FUZZ_CHECK(m->tok_first[k] >= end);
      end = (size_t)m->tok_first[k] + m->tok_count[k];
    }
  }
}

/* Tokenizes text[0, len) (an exact-size heap block) with seg and matches g
 * over it three ways: leftmost-longest with aliases, every name
 * (overlapping), and people only without aliases. */
static void fuzz_gaz_match_text(const qr_gazetteer *g, const qr_segmenter *seg,
                                const char *text, size_t len) {
  static const char *const person[] = {"PERSON"};
  qr_match_opts opts[3] = {{0, NULL, 0, 1, NULL}, {1, NULL, 0, 0, NULL}, {0, person, 1, 0, NULL}};
  qr_tokens toks = {0};
  FUZZ_CHECK(qr_tokenize(seg, text, len, &toks) == QR_OK);
  /* the first way leaves the caps in a block of the caller's, of the
   * tokens' exact size */
  uint8_t *caps = malloc(toks.n ? toks.n : 1);
  FUZZ_CHECK(caps != NULL);
  opts[0].caps = caps;
  for (int k = 0; k < 3; k++) {
    qr_mentions m = {0};
    FUZZ_CHECK(qr_gazetteer_match(g, text, &toks, 0, toks.n, &opts[k], &m) == QR_OK);
    fuzz_gaz_check_mentions(g, &m, &toks, opts[k].overlapping);
    qr_mentions_free(&m);
  }
  free(caps);
  qr_tokens_free(&toks);
}

/* Matches g against the fixed text, then against a text of its first
 * FUZZ_GAZ_NAMES names ("name, name. name\n..."), each copied to a heap
 * block of its exact size. */
static void fuzz_gaz_match(const qr_gazetteer *g, const qr_segmenter *seg) {
  char *fixed = fuzz_copy((const uint8_t *)fuzz_gaz_text, sizeof fuzz_gaz_text - 1);
  fuzz_gaz_match_text(g, seg, fixed, sizeof fuzz_gaz_text - 1);
  free(fixed);
  static const char *const seps[] = {", ", ". ", "\n", " and ", "'s "};
  qr_buf names = {0};
  size_t used = 0;
  for (size_t e = 0; e < qr_gazetteer_size(g) && used < FUZZ_GAZ_NAMES; e++) {
    if (!qr_gazetteer_live(g, e)) continue;
    for (size_t k = 0, nn = qr_gazetteer_nnames(g, e); k < nn && used < FUZZ_GAZ_NAMES; k++) {
      FUZZ_CHECK(qr_buf_puts(&names, qr_gazetteer_name(g, e, k)) == QR_OK);
      FUZZ_CHECK(qr_buf_puts(&names, seps[used % 5]) == QR_OK);
      used++;
    }
  }
  if (names.len) {
    char *text = fuzz_copy((const uint8_t *)names.data, names.len);
    fuzz_gaz_match_text(g, seg, text, names.len);
    free(text);
  }
  qr_buf_free(&names);
}

#endif
