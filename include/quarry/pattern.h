/* quarry/pattern.h — token patterns: the compiled form of the query language
 * (docs/query.md) and the search that finds their matches in a corpus.
 *
 * A pattern is built against one corpus, node by node, from the syntax tree
 * the Lua parser makes (scripts/quarry/cqp.lua); a C caller can build one the
 * same way. Every value is matched once per lexicon entry (or gazetteer entry,
 * type, token kind), never per token: a token test becomes a set of form ids,
 * and the search reads the corpus's integer arrays and its inverted index.
 *
 * Node functions return a node number (>= 0), or -1 with err filled; the
 * caller knows where in the query the node came from and reports it there.
 * Nodes are consumed by the node that takes them: each is used once. */
#ifndef QUARRY_PATTERN_H
#define QUARRY_PATTERN_H

#include "quarry/corpus.h"
#include "quarry/query.h"

typedef struct qr_pattern qr_pattern;

/* What a comparison looks at. The first four are token attributes, the next
 * two an entity mention's, the last a document's metadata (key given). */
typedef enum qr_attr {
  QR_ATTR_WORD,    /* the form as written */
  QR_ATTR_LOWER,   /* the folded form */
  QR_ATTR_KIND,    /* word, number, punct ... (qr_token_kind_name) */
  QR_ATTR_SHAPE,   /* the word shape of the form (Xxxx, X.X., dddd) */
  QR_ATTR_ENT,     /* the type of a mention's entry (PERSON, GPE ...) */
  QR_ATTR_ID,      /* the id of a mention's entry */
  QR_ATTR_DOC      /* document metadata: id, title, file, or a metadata key */
} qr_attr;

/* Flags of a comparison's value. A value is a regular expression (PCRE2, UTF-8)
 * that must match the whole string, unless it has no special character or
 * QR_VAL_LITERAL is set. */
enum {
  QR_VAL_CASELESS = 1,     /* %c */
  QR_VAL_LITERAL = 2,      /* %l */
  QR_VAL_DIACRITICS = 4    /* %d: accents and other marks ignored */
};

/* The structures a pattern can name: sentences, paragraphs, documents. */
typedef enum qr_struct { QR_STRUCT_S, QR_STRUCT_P, QR_STRUCT_D, QR_STRUCT_NONE } qr_struct;

/* Matching strategies, as CQP's: for each start, the shortest match; then of
 * matches ending at the same token only the one starting first is kept
 * (standard, the default); or every start's shortest or longest match. */
typedef enum qr_strategy { QR_MATCH_STANDARD, QR_MATCH_SHORTEST, QR_MATCH_LONGEST } qr_strategy;

/* Limits: the most steps a pattern compiles to (repetitions expanded), and the
 * most tokens a match spans without `within` (CQP's HardBoundary). */
#define QR_PATTERN_MAX_STEPS 100000
#define QR_PATTERN_HARD_BOUNDARY 500

/* A new, empty pattern for corpus c (borrowed: it must outlive the pattern,
 * and must not change while the pattern is used). NULL when out of memory. */
qr_pattern *qr_pattern_new(qr_corpus *c);
void qr_pattern_free(qr_pattern *p);

/* ---- token and mention tests ---------------------------------------------- */

/* A comparison: attr (key, for QR_ATTR_DOC) equal to value[0, n), or not equal
 * when negate. Errors: a bad regular expression (err says where in the value),
 * a value that matches nothing is not an error. */
int qr_pattern_cmp(qr_pattern *p, qr_attr attr, const char *key, int negate, const char *value,
                   size_t n, unsigned flags, qr_error *err);
int qr_pattern_and(qr_pattern *p, int a, int b, qr_error *err);
int qr_pattern_or(qr_pattern *p, int a, int b, qr_error *err);
int qr_pattern_not(qr_pattern *p, int a, qr_error *err);

/* ---- the sequence ------------------------------------------------------------ */

/* One token that passes test (-1: any token). A test on ent or id matches a
 * whole entity mention instead (starting there, all its tokens); a test that
 * mixes mention and token attributes is an error. */
int qr_pattern_token(qr_pattern *p, int test, qr_error *err);
/* A zero-width boundary: the start (open) or end of a structure. */
int qr_pattern_boundary(qr_pattern *p, qr_struct s, int open, qr_error *err);
/* Sequences and alternatives of n nodes (consumed). */
int qr_pattern_seq(qr_pattern *p, const int *items, size_t n, qr_error *err);
int qr_pattern_alt(qr_pattern *p, const int *items, size_t n, qr_error *err);
/* item repeated min..max times (max < 0: no maximum). */
int qr_pattern_repeat(qr_pattern *p, int item, long min, long max, qr_error *err);
/* A capture: the tokens item matched get the label name. */
int qr_pattern_label(qr_pattern *p, int item, const char *name, qr_error *err);

/* Ends the building: root is the whole sequence, within the structure a match
 * must stay inside (QR_STRUCT_NONE: a document, and at most
 * QR_PATTERN_HARD_BOUNDARY tokens), doc a document test (-1: none) made of
 * QR_ATTR_DOC comparisons. Errors: a pattern that can match no tokens at all
 * (an empty match), one too large. */
qr_status qr_pattern_finish(qr_pattern *p, int root, qr_struct within, int doc, qr_error *err);

/* The labels, in the order they were given (captures are in this order). */
size_t qr_pattern_nlabels(const qr_pattern *p);
const char *qr_pattern_label_name(const qr_pattern *p, size_t k);

/* ---- the search --------------------------------------------------------------- */

typedef struct qr_search_opts {
  size_t limit;               /* stop after this many matches (0: all) */
  const uint32_t *docs;       /* only these documents, sorted (NULL: all) */
  size_t ndocs;
  qr_strategy strategy;
} qr_search_opts;

/* The matches of a search, in corpus order: match k is tokens [first[k],
 * first[k] + count[k]), and label j of it tokens [cap[k*ncap + j].first, ...)
 * (count 0 and first UINT32_MAX when the label matched nothing). Owned by the
 * struct; qr_matches_free releases them. */
typedef struct qr_matches {
  qr_hit *hits;
  qr_hit *cap;
  size_t n, ncap, cap_n;   /* cap_n: allocated hits */
} qr_matches;

void qr_matches_free(qr_matches *m);

/* Finds the matches of finished pattern p. */
qr_status qr_pattern_search(const qr_pattern *p, const qr_search_opts *o, qr_matches *out,
                            qr_error *err);

#endif
