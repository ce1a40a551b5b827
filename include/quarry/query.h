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
qr_status qr_freq_forms(qr_corpus *c, const qr_freq_opts *o, qr_freq_row **rows,
                        size_t *n);

/* Frequencies of entities (quarry/entities.h: the gazetteer's entries and
 * the guessed names) among the corpus's mentions, most frequent first, ties
 * by id; a row's key is the entity's number. */
qr_status qr_freq_entities(qr_corpus *c, const qr_freq_opts *o, qr_freq_row **rows,
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

/* The mentions of entity e (quarry/entities.h), as hits, in corpus order. */
qr_status qr_find_entity(qr_corpus *c, uint32_t e, size_t limit, qr_hit **hits,
                         size_t *nhits);

/* ---- candidates: names the gazetteer does not know --------------------- */

typedef struct qr_cand_opts {
  uint64_t min_count;   /* leave out sequences seen fewer times (0 counts as 1) */
  size_t top;           /* keep the first top rows; 0 = all */
  int single;           /* also single capitalised words seen off a sentence start */
  size_t max_tokens;    /* longest run kept, in words; 0 = QR_CAND_MAX_TOKENS */
} qr_cand_opts;

#define QR_CAND_MAX_TOKENS 6

/* One candidate: a distinct sequence (its words normalised as the gazetteer
 * normalises them: case folded, dots of acronyms dropped, hyphens between
 * words ignored), how often and in how many documents it occurs, and its
 * first occurrence, tokens [first, first + ntok) of the corpus. */
typedef struct qr_cand_row {
  uint32_t first, ntok;
  uint32_t docs;
  uint32_t words;       /* words in it (hyphens and possessive clitics not counted) */
  uint64_t count;
  int acronym;          /* a single all-capital acronym (NATO, U.N.) */
} qr_cand_row;

/* Finds capitalised multi-word sequences and all-capital acronyms that are
 * not names of the corpus's gazetteer: what is found, what is left out and
 * why is told in candidates.c and docs/gazetteer.md. Rows are ranked by
 * count, then documents, then the normalised words in byte order. Works on
 * the token arrays and lexicon ids; makes no strings. *rows is malloc'ed;
 * the caller frees it. */
qr_status qr_find_candidates(const qr_corpus *c, const qr_cand_opts *o, qr_cand_row **rows,
                             size_t *n);

#endif
