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

/* ---- scopes: what part of the corpus a statistic counts ------------------------- */

/* Documents (sorted, distinct; docs NULL: all), and optionally the token
 * ranges of a query's matches (hits non-NULL: only tokens inside them; in
 * corpus order, as a search gives them, though any order is taken). */
typedef struct qr_scope {
  const uint32_t *docs;
  size_t ndocs;
  const qr_hit *hits;
  size_t nhits;
} qr_scope;

/* A stretch of tokens [first, first + count) inside document doc. */
typedef struct qr_span {
  uint32_t first, count, doc;
} qr_span;

/* The stretches a scope covers, in corpus order, none crossing a document:
 * its documents whole, or the union of its hits (overlapping and touching
 * hits merged) cut at document ends and kept when their document is in
 * docs. *spans is malloc'ed; the caller frees it. */
qr_status qr_scope_spans(const qr_corpus *c, const qr_scope *s, qr_span **spans, size_t *n);

/* The tokens of the kinds (bits 1 << QR_TOK_*; 0: words) in the scope (with
 * hits: in their union). */
qr_status qr_scope_tokens(const qr_corpus *c, const qr_scope *s, uint32_t kinds, uint64_t *n);

/* ---- frequency lists by attribute ----------------------------------------------- */

/* What a frequency list, an n-gram or a keyness item counts: a token's form
 * as written, its folded form, its kind, its word shape (qr_shape of the
 * form), or an entity mention's type or entry. ent and id count mentions,
 * not tokens. */
typedef enum qr_by {
  QR_BY_WORD, QR_BY_LOWER, QR_BY_KIND, QR_BY_SHAPE, QR_BY_ENT, QR_BY_ID, QR_BY_COUNT
} qr_by;

/* map[form] becomes the id in names of the shape of form id `form` of c
 * (callers keep QR_LEX_NONE in map for the forms not shaped yet, and shape
 * each form once); tmp is scratch space. */
qr_status qr_shape_map(const qr_corpus *c, uint32_t form, uint32_t *map, qr_lexicon *names,
                       qr_buf *tmp);

/* "word", "lower", "kind", "shape", "ent", "id"; and back (-1: unknown). */
const char *qr_by_name(qr_by by);
int qr_by_from_name(const char *name);

typedef struct qr_count_opts {
  qr_by by;
  uint32_t kinds;       /* bits 1 << QR_TOK_*: the tokens counted (and N); 0: words, or
                         * every kind for QR_BY_KIND */
  const char *type;     /* ent, id: only mentions of entries of this type (NULL: all) */
  uint64_t min_count;   /* leave out rows counted fewer times */
  size_t top;           /* keep the first top rows; 0 = all */
  qr_scope scope;
} qr_count_opts;

/* A frequency list: rows (most frequent first, ties in byte order of their
 * string, row.sort), N (the tokens of the counted kinds in the scope: the
 * base of per-million figures) and the number of distinct items before min
 * and top. Owns rows and the strings of shapes and types; qr_freq_list_free. */
typedef struct qr_freq_list {
  qr_freq_row *rows;
  size_t n, distinct;
  uint64_t tokens;
  qr_lexicon *names;    /* shape, ent: the strings (row.key is an id here), else NULL */
} qr_freq_list;

/* One pass over the token ids (or mentions) of the scope: counts and
 * document frequencies per id in arrays sized to the id space, then the
 * distinct ids sorted (a top-k heap when top is small). Keys: lexicon ids
 * (word, lower), token kinds (kind), ids of out->names (shape, ent) and
 * entities (id: quarry/entities.h, the gazetteer's entries and the guessed
 * names; typed entities when o->type is set). */
qr_status qr_freq_by(qr_corpus *c, const qr_count_opts *o, qr_freq_list *out);
void qr_freq_list_free(qr_freq_list *l);

/* Ranking the rows of a list: by count, descending, then by what equal
 * counts are ordered by: an 8-byte prefix of it (compared as an unsigned
 * number: big-endian bytes of a string, or ranks), then tie(a, b) on the
 * rows' tie pointers (NULL: none), then key. */
typedef struct qr_rank_row {
  uint64_t count, prefix;
  const void *tie;
  uint32_t key, docs;
} qr_rank_row;

/* Puts the first top rows (0: all) of r[0, n) in order at its front and
 * returns their number. An introsort with the comparison inlined; a heap
 * of the best top rows when top is small. */
size_t qr_rank_rows(qr_rank_row *r, size_t n, size_t top, int (*tie)(const void *, const void *));
/* The prefix of a string: its first 8 bytes, big-endian, zeros after. */
uint64_t qr_rank_prefix(const char *s);

/* ---- n-grams and skip-grams ------------------------------------------------------- */

#define QR_NGRAM_MAX 5    /* the longest n-gram */
#define QR_SKIP_MAX 8     /* the most tokens a skip-gram skips */

typedef struct qr_ngram_opts {
  unsigned n;           /* items in an n-gram, 1 .. QR_NGRAM_MAX */
  unsigned skip;        /* k-skip-n-grams: up to skip tokens left out in all, between
                         * the items (0 .. QR_SKIP_MAX) */
  qr_by by;             /* word, lower, kind or shape (token attributes only) */
  int cross_sentences;  /* 0: an n-gram stays in its sentence; 1: in its document */
  uint32_t kinds;       /* bits 1 << QR_TOK_*: the tokens that take part; a token of
                         * another kind ends the run (it is not bridged); 0 = words */
  uint64_t min_count;
  size_t top;
  qr_scope scope;       /* with hits: only n-grams lying wholly inside one hit */
} qr_ngram_opts;

/* One distinct n-gram: its items (keys in the id space of `by`, as in
 * qr_freq_list), how often and in how many documents it occurs. */
typedef struct qr_ngram_row {
  uint32_t ids[QR_NGRAM_MAX];
  uint32_t docs;
  uint64_t count;
} qr_ngram_row;

/* The n-grams of a corpus, most frequent first, ties item by item in byte
 * order; total: the n-grams counted (occurrences), tokens: the tokens of
 * the kinds in the scope (the base of per-million figures). Owns rows and
 * the shapes' strings; qr_ngram_list_free. */
typedef struct qr_ngram_list {
  qr_ngram_row *rows;
  size_t n, distinct;
  unsigned len;         /* items per row */
  uint64_t total, tokens;
  qr_by by;
  qr_lexicon *names;    /* shape: the strings of the keys */
} qr_ngram_list;

/* Counts the n-grams in runs of tokens of the kinds (within a sentence or
 * a document) in a hash table of id tuples; makes no strings. An n-gram of
 * a skip-gram is counted once per choice of positions. QR_EARG for n or
 * skip out of range or `by` not a token attribute. */
qr_status qr_ngrams(const qr_corpus *c, const qr_ngram_opts *o, qr_ngram_list *out);
void qr_ngram_list_free(qr_ngram_list *l);
/* The string of an item of a row of l (borrowed). */
const char *qr_ngram_item(const qr_corpus *c, const qr_ngram_list *l, uint32_t id);

/* ---- keyness -------------------------------------------------------------------- */

/* The measures of one item, from a = its frequency in the target, b in the
 * reference, and n1, n2 the sizes of the two (tokens of the counted kinds):
 * the 2x2 table a, b / n1 - a, n2 - b. docs/statistics.md gives the
 * formulas. */
typedef struct qr_keyness_measures {
  double per_million_target, per_million_ref;
  double ll;          /* G2 on the 2x2 table (Dunning), >= 0 */
  double chi2;        /* Pearson's chi-squared on the 2x2 table, no Yates correction */
  double log_ratio;   /* Hardie: log2((a / n1) / (b / n2)), a 0 taken as 0.5 */
  double pct_diff;    /* Gabrielatos & Marchi: 100 (a / n1 - b / n2) / (b / n2); +inf if b = 0 */
  double p_ll, p_chi2;   /* erfc(sqrt(x / 2)): chi-squared, 1 degree of freedom */
  int direction;      /* +1: more frequent (relatively) in the target, -1: less, 0: same */
} qr_keyness_measures;

void qr_keyness_compute(double a, double b, double n1, double n2, qr_keyness_measures *out);

/* What the rows are sorted by (descending; then f_target descending, then
 * the item in byte order). */
typedef enum qr_keyness_sort {
  QR_KEY_LL, QR_KEY_CHI2, QR_KEY_LOG_RATIO, QR_KEY_PCT_DIFF, QR_KEY_F_TARGET, QR_KEY_F_REF,
  QR_KEY_NSORTS
} qr_keyness_sort;

/* "ll", "chi2", "log_ratio", "pct_diff", "f_target", "f_ref"; and back (-1). */
const char *qr_keyness_sort_name(qr_keyness_sort s);
int qr_keyness_sort_from_name(const char *name);

typedef struct qr_keyness_opts {
  qr_by by;
  uint32_t kinds;       /* as for qr_freq_by (also the sizes n1, n2); 0 = words */
  const char *type;     /* ent, id: one entity type */
  uint64_t min_count;   /* least a + b */
  size_t top;
  qr_keyness_sort sort;
} qr_keyness_opts;

typedef struct qr_keyness_row {
  const char *item;     /* borrowed from the corpora, or the list's strings */
  uint32_t key;         /* the item's key in the target corpus's id space, or QR_LEX_NONE
                         * when it is not in the target */
  uint64_t f_target, f_ref;
  qr_keyness_measures m;
} qr_keyness_row;

/* Owns its rows and the frequency lists their strings come from. */
typedef struct qr_keyness_list {
  qr_keyness_row *rows;
  size_t n, distinct;
  uint64_t tokens_target, tokens_ref;   /* n1, n2 */
  qr_freq_list target, ref;
  qr_lexicon *join;     /* the items by string, when they were matched so */
} qr_keyness_list;

/* Keyness of the items of scope target of corpus tc against scope ref of
 * corpus rc (which may be tc: then items are matched by key, else by their
 * strings). Every item of either appears, at least min_count times in all. */
qr_status qr_keyness(qr_corpus *tc, const qr_scope *target, qr_corpus *rc,
                     const qr_scope *ref, const qr_keyness_opts *o, qr_keyness_list *out);
void qr_keyness_list_free(qr_keyness_list *l);

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
  uint32_t key;             /* lexicon id (lower, word) or entity (id: quarry/entities.h);
                             * for ent, a number of the type */
  const char *name;         /* the collocate: borrowed from the lexicon or the entities */
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
  size_t max_pairs;         /* the most distinct pairs counted (QR_ELIMIT past it); 0 =
                             * QR_COOC_MAX_PAIRS */
} qr_cooc_opts;

/* A pair named in one unit: a's id is before b's in byte order. The
 * measures take N = units, f_n = W = f_a, f_c = f_b. */
typedef struct qr_cooc_row {
  uint32_t a, b;            /* entities (quarry/entities.h) */
  const char *a_name, *b_name;   /* preferred names, borrowed from the corpus's entities */
  const char *a_id, *b_id;       /* ids, the same */
  uint64_t count;           /* O: units naming both */
  uint64_t docs;            /* documents holding such a unit */
  uint64_t f_a, f_b;        /* units naming each */
  qr_assoc m;
  double sort_key;
} qr_cooc_row;

/* The pairs of entities named in the same unit, counted once per unit
 * whatever the number of mentions; a mention belongs to the unit of its
 * first token. *nunits gets N. *rows is malloc'ed; the caller frees it. */
qr_status qr_cooccurrences(qr_corpus *c, const qr_cooc_opts *o, qr_cooc_row **rows,
                           size_t *nrows, uint64_t *nunits);
/* The most distinct pairs a call counts unless told fewer: past it,
 * QR_ELIMIT (a unit that names n entities makes n (n - 1) / 2 pairs; the
 * pairs' table then holds about 800 MB). */
#define QR_COOC_MAX_PAIRS ((size_t)1 << 24)

#endif
