/* quarry/query.h — whole-corpus operations: frequency lists and phrase
 * search (the basis of keyword-in-context views). They work on lexicon ids
 * and make no strings. */
#ifndef QUARRY_QUERY_H
#define QUARRY_QUERY_H

#include "quarry/corpus.h"

typedef struct qr_freq_opts {
  uint32_t kinds;       /* bit (1 << QR_TOK_*) per token kind counted; 0 = words only */
  int fold;             /* count folded forms (The = the) */
  uint64_t min_count;   /* leave out rows counted fewer times */
  size_t top;           /* keep the first top rows; 0 = all */
  const char *type;     /* entity frequencies: only entries of this type (NULL = all) */
  size_t doc_first, doc_count;   /* only these documents; doc_count 0 = all */
} qr_freq_opts;

/* One row of a frequency list: a lexicon id (forms) or an entry index
 * (entities), how often it occurs and in how many documents. */
typedef struct qr_freq_row {
  uint32_t key;
  uint32_t docs;
  uint64_t count;
  const char *sort;     /* the string rows with equal counts are ordered by */
} qr_freq_row;

/* Frequencies of token forms, most frequent first, ties in byte order of the
 * form. *rows is malloc'ed; the caller frees it. */
qr_status qr_freq_forms(const qr_corpus *c, const qr_freq_opts *o, qr_freq_row **rows,
                        size_t *n);

/* Frequencies of gazetteer entries among the corpus's mentions, most
 * frequent first, ties by entry id. */
qr_status qr_freq_entities(const qr_corpus *c, const qr_freq_opts *o, qr_freq_row **rows,
                           size_t *n);

/* A stretch of tokens: [first, first + count), corpus-wide indices. */
typedef struct qr_hit {
  uint32_t first, count;
} qr_hit;

/* Finds every occurrence of a phrase given as lexicon ids of folded forms
 * (exact = 0) or of forms (exact = 1), in corpus order, at most limit of them
 * (0 = all). Starts from the rarest word of the phrase. *hits is malloc'ed. */
qr_status qr_find_phrase(qr_corpus *c, const uint32_t *ids, size_t nids, int exact, size_t limit,
                         qr_hit **hits, size_t *nhits);

/* The mentions of entry, as hits, in corpus order. */
qr_status qr_find_entity(const qr_corpus *c, uint32_t entry, size_t limit, qr_hit **hits,
                         size_t *nhits);

#endif
