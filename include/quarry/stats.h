/* quarry/stats.h — the analysis toolbox: subcorpora, frequency lists by
 * attribute, n-grams, keyness (this section), and collocations and
 * dispersion (the section below). docs/statistics.md gives every measure
 * with its formula.
 *
 * Everything here works on the corpus's integer arrays (lexicon ids, token
 * kinds, sentences, mentions) and makes no strings until a caller asks for
 * a row's text. A subcorpus is a sorted list of distinct document indices;
 * functions that take one take `const uint32_t *docs, size_t ndocs`, with
 * docs NULL meaning the whole corpus. */
#ifndef QUARRY_STATS_H
#define QUARRY_STATS_H

#include "quarry/corpus.h"
#include "quarry/query.h"

/* ---- word shapes ------------------------------------------------------------ */

/* Appends the word shape of s[0, n) to out: each character mapped (an
 * upper- or title-case letter to X, any other letter to x, a decimal digit
 * to d, a combining mark dropped as part of its letter, anything else kept
 * as it is, invalid bytes too), then every run of one mapped character
 * longer than 4 cut to 4: "Putin" -> "Xxxxx", "Washington" -> "Xxxxx",
 * "U.S." -> "X.X.", "2019" -> "dddd", "1,000,000" -> "d,ddd,ddd". The
 * one definition of `shape` for frequency lists and the query language. */
qr_status qr_shape(const char *s, size_t n, qr_buf *out);

/* ---- subcorpora ----------------------------------------------------------------- */

/* Sorts docs[0, *n) and drops repeated indices, in place: the form every
 * function here expects. */
void qr_subcorpus_normalize(uint32_t *docs, size_t *n);

/* The documents of the corpus (ndocs of them) not in docs[0, n) (sorted),
 * written to out (room for ndocs - n at least); returns their number. */
size_t qr_subcorpus_complement(size_t ndocs, const uint32_t *docs, size_t n, uint32_t *out);

/* The number of tokens (of every kind) in the documents docs[0, n) of c
 * (docs NULL: the whole corpus). */
size_t qr_subcorpus_tokens(const qr_corpus *c, const uint32_t *docs, size_t n);

/* The value of metadata key `key` of document d, decoded: a JSON string
 * unescaped, any other JSON value as its text (2019, true, null, [1,2]).
 * Appends it to out and sets *found (0 when the document has no such key;
 * out is then unchanged). QR_EDATA for a malformed JSON value (metadata
 * read from a file is checked at load, so only a broken corpus has one). */
qr_status qr_doc_meta_value(const qr_corpus *c, size_t d, const char *key, qr_buf *out,
                            int *found);

/* ==== collocations, dispersion, entity co-occurrence ==========================
 * (colloc.c, dispersion.c, cooc.c; docs/statistics.md gives the formulas) */

/* ---- association measures ----------------------------------------------------- */

/* How much more often two things occur together than chance would have it,
 * from four counts: O times together, f_n and f_c the frequencies of the
 * node and the collocate, W the room the node gives (the total size of its
 * windows; for entities, the units naming a), N the size of the corpus (in
 * tokens of the counted kinds; for entities, in units). E = f_c W / N. */
typedef struct qr_assoc {
  double observed, expected;
  double mi;          /* Church & Hanks: log2(O / E) */
  double mi3;         /* Daille: log2(O^3 / E) */
  double t;           /* Church et al.: (O - E) / sqrt(O) */
  double z;           /* Berry-Rogghe: (O - E) / sqrt(E (1 - f_c / N)); 0 when that is 0 */
  double ll;          /* Dunning's G2 on the 2x2 table, negative when O < E */
  double dice;        /* 2 O / (f_n + f_c) */
  double logdice;     /* Rychly: 14 + log2(dice) */
  double log_ratio;   /* Hardie: log2((O / W) / ((f_c - O) / (N - W))), a 0 taken as 0.5 */
} qr_assoc;

/* The measures, in the order of the columns of the rows. */
typedef enum qr_assoc_measure {
  QR_ASSOC_OBSERVED, QR_ASSOC_EXPECTED, QR_ASSOC_MI, QR_ASSOC_MI3, QR_ASSOC_T, QR_ASSOC_Z,
  QR_ASSOC_LL, QR_ASSOC_DICE, QR_ASSOC_LOGDICE, QR_ASSOC_LOG_RATIO, QR_ASSOC_NMEASURES
} qr_assoc_measure;

void qr_assoc_compute(double o, double f_n, double f_c, double w, double n, qr_assoc *out);
double qr_assoc_value(const qr_assoc *a, qr_assoc_measure m);
/* "observed", "expected", "mi", "mi3", "t", "z", "ll", "dice", "logdice",
 * "log_ratio" (static strings); NULL for a number out of range. */
const char *qr_assoc_measure_name(qr_assoc_measure m);
/* The measure of that name, or -1. */
int qr_assoc_measure_from_name(const char *name);

/* The tokens whose kind is in kinds (bits 1 << QR_TOK_*) in the documents
 * docs[0, ndocs) (docs NULL: the whole corpus): N of the measures. */
size_t qr_stats_tokens(const qr_corpus *c, uint32_t kinds, const uint32_t *docs, size_t ndocs);

/* The stretches of text co-occurrence is counted in. A paragraph is a run
 * of sentences from one marked QR_SF_PARA_START (or its document's first)
 * to the next. */
typedef enum qr_unit { QR_UNIT_SENTENCE, QR_UNIT_PARAGRAPH, QR_UNIT_DOC } qr_unit;

/* ---- collocations ------------------------------------------------------------------- */

/* What a collocate is: a folded form, a form as written, the type of an
 * entity mention, or the entity itself (gazetteer entry). */
typedef enum qr_colloc_by { QR_COLLOC_LOWER, QR_COLLOC_WORD, QR_COLLOC_ENT, QR_COLLOC_ID } qr_colloc_by;

typedef struct qr_colloc_opts {
  uint32_t left, right;     /* window: tokens of the counted kinds before the node's first
                             * token and after its last one */
  qr_unit within;           /* a window stops at the ends of this unit */
  qr_colloc_by by;
  uint32_t kinds;           /* bits 1 << QR_TOK_*: the tokens that fill windows, are
                             * collocates and make N; 0 = words */
  uint64_t min;             /* least O (0 counts as 1) */
  uint64_t min_freq;        /* least f_c */
  qr_assoc_measure sort;    /* rows by this measure, descending, then by O, then name */
  size_t top;               /* the first top rows; 0 = all */
  const uint32_t *docs;     /* subcorpus (sorted document indices); NULL = all */
  size_t ndocs;
} qr_colloc_opts;

typedef struct qr_colloc_row {
  uint32_t key;             /* lexicon id (lower, word) or gazetteer entry (id); for ent,
                             * a number of the type */
  const char *name;         /* the collocate: borrowed from the lexicon or gazetteer */
  uint64_t f_coll;          /* f_c */
  qr_assoc m;
  double sort_key;
} qr_colloc_row;

/* What every row shares: f_n (hits in the subcorpus), W and N. */
typedef struct qr_colloc_totals {
  uint64_t f_node, window, tokens;
} qr_colloc_totals;

/* The collocates of the node hits[0, nhits) (in any order; a hit outside the
 * subcorpus is left out). Each hit's windows are read once: a token in the
 * windows of two hits counts for each. An entity collocate counts once per
 * hit when any of its tokens is in a window and none is in the hit. f_c
 * comes from the postings index (built on first use, hence c is not const).
 * *rows is malloc'ed; the caller frees it. */
qr_status qr_collocates(qr_corpus *c, const qr_hit *hits, size_t nhits, const qr_colloc_opts *o,
                        qr_colloc_row **rows, size_t *nrows, qr_colloc_totals *tot);

/* ---- dispersion -------------------------------------------------------------------- */

typedef struct qr_disp_opts {
  uint32_t kinds;           /* the tokens a part's size counts; 0 = words */
  const uint32_t *docs;     /* subcorpus; NULL = all */
  size_t ndocs;
} qr_disp_opts;

typedef struct qr_disp_part {
  uint32_t doc;
  uint64_t tokens, count;
} qr_disp_part;

typedef struct qr_disp_pos {
  uint32_t doc, first;      /* the hit's document and first token */
  double relative;          /* its token's place in the document, 0 (first) to 1 (last) */
} qr_disp_pos;

/* Parts are the documents (of the subcorpus), every one, in order. D and DP
 * are over the parts with tokens; with fewer than two of them, or no hit,
 * defined is 0 and they are 0. Owns parts and pos: qr_dispersion_free. */
typedef struct qr_dispersion {
  qr_disp_part *parts;
  size_t nparts;
  qr_disp_pos *pos;         /* the hits in the parts, in the order given */
  size_t npos;
  uint64_t count, tokens;
  int defined;
  double juilland_d, dp, dp_norm;
} qr_dispersion;

qr_status qr_dispersion_compute(const qr_corpus *c, const qr_hit *hits, size_t nhits,
                                const qr_disp_opts *o, qr_dispersion *d);
void qr_dispersion_free(qr_dispersion *d);

/* ---- entity co-occurrence -------------------------------------------------------------- */

typedef struct qr_cooc_opts {
  qr_unit within;
  const char *type;         /* only entities of this type; NULL = all */
  uint64_t min;             /* least O (0 counts as 1) */
  qr_assoc_measure sort;    /* QR_ASSOC_OBSERVED: by O, then a's name, then b's */
  size_t top;
  const uint32_t *docs;     /* subcorpus; NULL = all */
  size_t ndocs;
} qr_cooc_opts;

/* A pair named in one unit: a's id is before b's in byte order. The
 * measures take N = units, f_n = W = f_a, f_c = f_b. */
typedef struct qr_cooc_row {
  uint32_t a, b;            /* gazetteer entries */
  const char *a_name, *b_name;   /* preferred names, borrowed from the gazetteer */
  uint64_t count;           /* O: units naming both */
  uint64_t docs;            /* documents holding such a unit */
  uint64_t f_a, f_b;        /* units naming each */
  qr_assoc m;
  double sort_key;
} qr_cooc_row;

/* The pairs of entities named in the same unit, counted once per unit
 * whatever the number of mentions; a mention belongs to the unit of its
 * first token. *nunits gets N. *rows is malloc'ed; the caller frees it. */
qr_status qr_cooccurrences(const qr_corpus *c, const qr_cooc_opts *o, qr_cooc_row **rows,
                           size_t *nrows, uint64_t *nunits);

#endif
