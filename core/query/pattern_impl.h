/* pattern_impl.h — the inside of a qr_pattern, shared by the files that build
 * it (pattern.c), turn values into sets (valueset.c) and search (search.c). */
#ifndef QUARRY_PATTERN_IMPL_H
#define QUARRY_PATTERN_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "quarry/pattern.h"

/* A set of small integers (lexicon ids, gazetteer entries) as bits. */
typedef struct qr_bits {
  uint64_t *w;
  size_t n;   /* bits */
} qr_bits;

static inline int qr_bits_has(const qr_bits *b, size_t i) {
  return i < b->n && (b->w[i >> 6] >> (i & 63)) & 1;
}
static inline void qr_bits_set(qr_bits *b, size_t i) { b->w[i >> 6] |= 1ull << (i & 63); }
static inline size_t qr_bits_words(size_t n) { return (n + 63) / 64; }

/* Node kinds: tests (leaves and their logic) and sequence parts. */
typedef enum pnode_kind {
  PN_FORMS,     /* a test on the form: .bits over lexicon ids */
  PN_KINDS,     /* a test on the token kind: .mask */
  PN_ENTRIES,   /* a test on the mention's entry: .bits over gazetteer entries */
  PN_DOC,       /* a test on document metadata */
  PN_AND, PN_OR, PN_NOT,
  PN_TOKEN,     /* one token (or mention) passing test .a (-1: any) */
  PN_BOUND,     /* a structure boundary */
  PN_SEQ, PN_ALT,
  PN_REPEAT,
  PN_LABEL
} pnode_kind;

/* What a test looks at, for telling token tests from mention tests. */
enum { LVL_NONE = 0, LVL_TOKEN = 1, LVL_MENTION = 2, LVL_DOC = 4, LVL_KIND = 8 };

typedef struct pnode {
  pnode_kind kind;
  int used;            /* consumed by another node */
  int a, b;            /* children (tests), item (repeat, label), test (token) */
  int *items;          /* seq, alt: owned */
  size_t nitems;
  long min, max;       /* repeat */
  int level;           /* LVL_* bits of a test */
  qr_bits bits;        /* PN_FORMS, PN_ENTRIES: owned */
  uint32_t mask;       /* PN_KINDS: bit per token kind */
  /* PN_DOC: the key, and the value as a literal or a compiled expression */
  char *key;
  char *literal;
  size_t literal_len;
  pcre2_code *re;
  int negate, caseless;
  /* PN_BOUND */
  qr_struct st;
  int open;
  /* PN_LABEL */
  size_t label;
  /* PN_TOKEN: its element (after finish) */
  int elem;
} pnode;

/* A token element of the compiled program: how to test a position. */
typedef struct pelem {
  int mention;         /* tests the mention starting there (else the token) */
  qr_bits set;         /* forms (token) or entries (mention) that pass; w NULL: any */
  int test;            /* a test tree to evaluate per token (kinds mixed in), or -1 */
  qr_bits cand;        /* forms among which every passing token is (for the index), or w NULL */
} pelem;

enum { OP_TOK, OP_MENT, OP_SPLIT, OP_JMP, OP_SAVE, OP_ASSERT, OP_MATCH };

typedef struct pinst {
  uint8_t op, st, open;
  int32_t x, y;
} pinst;

struct qr_pattern {
  qr_corpus *c;
  pnode *nodes;
  size_t nnodes, nodes_cap;
  char **labels;
  size_t nlabels, labels_cap;
  pelem *elems;
  size_t nelems, elems_cap;
  pinst *prog;
  size_t nprog, prog_cap;
  int root, doc;
  qr_struct within;
  int finished;
  /* the fixed-length fast path: a sequence of single tokens (no repetition,
   * no boundary inside, labels only around single tokens) */
  int fixed;
  size_t fixed_len;
  int *fixed_elem;        /* per offset: element, or -1 for any token */
  long *fixed_label;      /* per offset: the label on that token, or -1 */
  /* the element the search starts from, and its offset from a match's start */
  int anchor;
  size_t anchor_off;
  size_t anchor_est;
  /* a token element every match holds somewhere after its start (not at a
   * fixed distance), rare enough that reading its positions beside the
   * starts tells which starts cannot match: -1 when none */
  int require;
  size_t min_width;
  size_t max_width;   /* SIZE_MAX: no bound (a * or + , or a mention) */
};

/* valueset.c: the sets of a comparison's value. */
qr_status qr_value_forms(qr_pattern *p, qr_attr attr, const char *value, size_t n, unsigned flags,
                         qr_bits *out, qr_error *err);
qr_status qr_value_kinds(const char *value, size_t n, unsigned flags, uint32_t *mask,
                         qr_error *err);
qr_status qr_value_entries(qr_pattern *p, qr_attr attr, const char *value, size_t n,
                           unsigned flags, qr_bits *out, qr_error *err);
/* Compiles value as a whole-string expression (or NULL with *literal set for
 * a literal value). */
qr_status qr_value_regex(const char *value, size_t n, unsigned flags, pcre2_code **re,
                         int *literal, qr_error *err);
int qr_value_is_literal(const char *value, size_t n, unsigned flags);
/* The most backtracking steps an expression may take on one string. */
#define QR_VALUE_MATCH_LIMIT 1000000
/* A match context holding that limit (NULL when out of memory). */
pcre2_match_context *qr_value_limits(void);
/* Whether s[0, n) matches re (or equals the literal lit[0, litn]): 1, 0, or
 * -1 when the expression took more steps than the limit of mc. */
int qr_value_test(const pcre2_code *re, pcre2_match_data *md, pcre2_match_context *mc,
                  const char *lit, size_t litn, const char *s, size_t n);

/* pattern.c: the distinct folded forms of the forms in set forms, sorted
 * (what the postings are kept by): *out is malloc'ed; *n is SIZE_MAX (and
 * *out NULL) when there are more than max. */
qr_status qr_pattern_folds(const qr_pattern *p, const qr_bits *forms, size_t max, uint32_t **out,
                           size_t *n);

/* pattern.c: a test tree evaluated at token t (kinds mixed in) */
int qr_pattern_eval_token(const qr_pattern *p, int test, size_t t);
/* 1 or 0, or -1 when an expression took too many steps. */
int qr_pattern_eval_doc(const qr_pattern *p, int test, size_t d, pcre2_match_data *md,
                        pcre2_match_context *mc);

#endif
