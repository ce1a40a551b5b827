/* pattern.c — building a token pattern and compiling it for the search.
 *
 * The builder keeps the tree (nodes); qr_pattern_finish turns it into
 *   - elements: per token test, the set of form ids (or gazetteer entries, for
 *     a test on a mention) that pass, computed once with whole-set operations
 *     so the search tests a token with one bit;
 *   - a program for a Pike VM (search.c): token steps, splits, jumps, label
 *     saves, boundary assertions, with repetitions written out;
 *   - the plan: the element the search starts from (the one with the fewest
 *     positions in the index, among those at a fixed distance from a match's
 *     start), and whether the pattern is a fixed run of single tokens, which
 *     the search matches without the VM. */
#include <stdlib.h>
#include <string.h>

#include "query/pattern_impl.h"
#include "quarry/entities.h"
#include "quarry/gazetteer.h"
#include "quarry/stats.h"

qr_pattern *qr_pattern_new(qr_corpus *c) {
  qr_pattern *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->c = c;
  p->root = p->doc = -1;
  p->anchor = p->require = -1;
  return p;
}

static void node_free(pnode *n) {
  free(n->items);
  free(n->bits.w);
  free(n->key);
  free(n->literal);
  pcre2_code_free(n->re);
}

void qr_pattern_free(qr_pattern *p) {
  if (!p) return;
  for (size_t i = 0; i < p->nnodes; i++) node_free(&p->nodes[i]);
  free(p->nodes);
  for (size_t i = 0; i < p->nlabels; i++) free(p->labels[i]);
  free(p->labels);
  for (size_t i = 0; i < p->nelems; i++) {
    if (p->elems[i].cand.w != p->elems[i].set.w) free(p->elems[i].cand.w);
    free(p->elems[i].set.w);
  }
  free(p->elems);
  free(p->prog);
  free(p->fixed_elem);
  free(p->fixed_label);
  free(p);
}

static int nomem(qr_error *err) {
  qr_error_set(err, QR_ENOMEM, "out of memory");
  return -1;
}

/* A new node; -1 when out of memory. */
static int new_node(qr_pattern *p, pnode_kind kind, qr_error *err) {
  if (p->finished) {
    qr_error_set(err, QR_EARG, "the pattern is finished");
    return -1;
  }
  if (qr_grow((void **)&p->nodes, &p->nodes_cap, p->nnodes + 1, sizeof *p->nodes))
    return nomem(err);
  pnode *n = &p->nodes[p->nnodes];
  memset(n, 0, sizeof *n);
  n->kind = kind;
  n->a = n->b = n->elem = -1;
  return (int)p->nnodes++;
}

/* Takes node i as a child of a node of kind want ("test" or "part"). */
static int take(qr_pattern *p, int i, int test, qr_error *err) {
  if (i < 0 || (size_t)i >= p->nnodes || p->nodes[i].used) {
    qr_error_set(err, QR_EARG, "bad node %d", i);
    return -1;
  }
  int is_test = p->nodes[i].kind <= PN_NOT;
  if (is_test != test) {
    qr_error_set(err, QR_EARG, "node %d is not a %s", i, test ? "test" : "sequence part");
    return -1;
  }
  p->nodes[i].used = 1;
  return i;
}

/* Gives node back (a caller's refused it) and fails with msg. */
static int refuse(qr_pattern *p, int node, const char *msg, qr_error *err) {
  p->nodes[node].used = 0;
  qr_error_set(err, QR_EDATA, "%s", msg);
  return -1;
}

/* ---- tests ---------------------------------------------------------------------- */

static void bits_not(qr_bits *b) {
  size_t nw = qr_bits_words(b->n);
  for (size_t k = 0; k < nw; k++) b->w[k] = ~b->w[k];
  if (b->n & 63) b->w[nw - 1] &= (1ull << (b->n & 63)) - 1;
}

int qr_pattern_cmp(qr_pattern *p, qr_attr attr, const char *key, int negate, const char *value,
                   size_t n, unsigned flags, qr_error *err) {
  static const pnode_kind kind_of[] = {PN_FORMS, PN_FORMS, PN_KINDS, PN_FORMS,
                                       PN_ENTRIES, PN_ENTRIES, PN_DOC};
  if ((unsigned)attr > QR_ATTR_DOC) {
    qr_error_set(err, QR_EARG, "bad attribute");
    return -1;
  }
  int i = new_node(p, kind_of[attr], err);
  if (i < 0) return -1;
  pnode *nd = &p->nodes[i];
  qr_status rc = QR_OK;
  switch (nd->kind) {
  case PN_FORMS:
    rc = qr_value_forms(p, attr, value, n, flags, &nd->bits, err);
    if (!rc && negate) bits_not(&nd->bits);
    nd->level = LVL_TOKEN;
    break;
  case PN_KINDS:
    rc = qr_value_kinds(value, n, flags, &nd->mask, err);
    if (negate) nd->mask = ~nd->mask;
    nd->level = LVL_TOKEN | LVL_KIND;
    break;
  case PN_ENTRIES:
    rc = qr_value_entries(p, attr, value, n, flags, &nd->bits, err);
    if (!rc && negate) bits_not(&nd->bits);
    nd->level = LVL_MENTION;
    break;
  default: {   /* PN_DOC */
    int lit;
    nd->level = LVL_DOC;
    nd->negate = negate;
    nd->key = strdup(key ? key : "");
    if (!nd->key) return nomem(err);
    rc = qr_value_regex(value, n, flags & ~QR_VAL_DIACRITICS, &nd->re, &lit, err);
    if (!rc && lit) {
      nd->literal = malloc(n + 1);
      if (!nd->literal) return nomem(err);
      memcpy(nd->literal, value, n);
      nd->literal[n] = 0;
      nd->literal_len = n;
    }
  }
  }
  if (rc) {
    node_free(nd);
    memset(nd, 0, sizeof *nd);
    p->nnodes--;
    return -1;
  }
  return i;
}

static int logic(qr_pattern *p, pnode_kind kind, int a, int b, qr_error *err) {
  if (take(p, a, 1, err) < 0) return -1;
  if (kind != PN_NOT && take(p, b, 1, err) < 0) {
    p->nodes[a].used = 0;
    return -1;
  }
  int i = new_node(p, kind, err);
  if (i < 0) return -1;
  p->nodes[i].a = a;
  p->nodes[i].b = kind == PN_NOT ? -1 : b;
  p->nodes[i].level = p->nodes[a].level | (kind == PN_NOT ? 0 : p->nodes[b].level);
  return i;
}

int qr_pattern_and(qr_pattern *p, int a, int b, qr_error *err) { return logic(p, PN_AND, a, b, err); }
int qr_pattern_or(qr_pattern *p, int a, int b, qr_error *err) { return logic(p, PN_OR, a, b, err); }
int qr_pattern_not(qr_pattern *p, int a, qr_error *err) { return logic(p, PN_NOT, a, -1, err); }

/* ---- the sequence ---------------------------------------------------------------- */

int qr_pattern_token(qr_pattern *p, int test, qr_error *err) {
  if (test >= 0) {
    if (take(p, test, 1, err) < 0) return -1;
    int lv = p->nodes[test].level;
    if ((lv & LVL_TOKEN) && (lv & LVL_MENTION))
      return refuse(p, test, "a token pattern tests either a token (word, lower, kind, shape) "
                    "or an entity mention (ent, id), not both", err);
    if (lv & LVL_DOC)
      return refuse(p, test, "document attributes go after '::', not in a token pattern", err);
  }
  int i = new_node(p, PN_TOKEN, err);
  if (i < 0) return -1;
  p->nodes[i].a = test;
  return i;
}

int qr_pattern_boundary(qr_pattern *p, qr_struct s, int open, qr_error *err) {
  if ((unsigned)s >= QR_STRUCT_NONE) {
    qr_error_set(err, QR_EARG, "bad structure");
    return -1;
  }
  int i = new_node(p, PN_BOUND, err);
  if (i < 0) return -1;
  p->nodes[i].st = s;
  p->nodes[i].open = open != 0;
  return i;
}

static int list_node(qr_pattern *p, pnode_kind kind, const int *items, size_t n, qr_error *err) {
  if (n == 0) {
    qr_error_set(err, QR_EARG, "an empty sequence");
    return -1;
  }
  for (size_t k = 0; k < n; k++)
    if (take(p, items[k], 0, err) < 0) {
      while (k--) p->nodes[items[k]].used = 0;
      return -1;
    }
  int *copy = malloc(n * sizeof *copy);
  int i = copy ? new_node(p, kind, err) : nomem(err);
  if (i < 0) {
    free(copy);
    for (size_t k = 0; k < n; k++) p->nodes[items[k]].used = 0;
    return -1;
  }
  memcpy(copy, items, n * sizeof *copy);
  p->nodes[i].items = copy;
  p->nodes[i].nitems = n;
  return i;
}

int qr_pattern_seq(qr_pattern *p, const int *items, size_t n, qr_error *err) {
  return list_node(p, PN_SEQ, items, n, err);
}
int qr_pattern_alt(qr_pattern *p, const int *items, size_t n, qr_error *err) {
  return list_node(p, PN_ALT, items, n, err);
}

int qr_pattern_repeat(qr_pattern *p, int item, long min, long max, qr_error *err) {
  if (min < 0 || (max >= 0 && max < min)) {
    qr_error_set(err, QR_EDATA, "bad repetition {%ld,%ld}", min, max);
    return -1;
  }
  if (take(p, item, 0, err) < 0) return -1;
  if (p->nodes[item].kind == PN_BOUND)
    return refuse(p, item, "a structure boundary cannot be repeated", err);
  int i = new_node(p, PN_REPEAT, err);
  if (i < 0) return -1;
  p->nodes[i].a = item;
  p->nodes[i].min = min;
  p->nodes[i].max = max;
  return i;
}

int qr_pattern_label(qr_pattern *p, int item, const char *name, qr_error *err) {
  for (size_t k = 0; k < p->nlabels; k++)
    if (strcmp(p->labels[k], name) == 0) {
      qr_error_set(err, QR_EDATA, "the label '%s' is used twice", name);
      return -1;
    }
  if (take(p, item, 0, err) < 0) return -1;
  char *copy = strdup(name);
  if (!copy ||
      qr_grow((void **)&p->labels, &p->labels_cap, p->nlabels + 1, sizeof *p->labels)) {
    free(copy);
    p->nodes[item].used = 0;
    return nomem(err);
  }
  int i = new_node(p, PN_LABEL, err);
  if (i < 0) {
    free(copy);
    p->nodes[item].used = 0;
    return -1;
  }
  p->labels[p->nlabels] = copy;
  p->nodes[i].a = item;
  p->nodes[i].label = p->nlabels++;
  return i;
}

size_t qr_pattern_nlabels(const qr_pattern *p) { return p->nlabels; }
const char *qr_pattern_label_name(const qr_pattern *p, size_t k) {
  return k < p->nlabels ? p->labels[k] : NULL;
}

/* ---- evaluating tests -------------------------------------------------------------- */

int qr_pattern_eval_token(const qr_pattern *p, int test, size_t t) {
  const pnode *n = &p->nodes[test];
  switch (n->kind) {
  case PN_FORMS: return qr_bits_has(&n->bits, qr_corpus_forms(p->c)[t]);
  case PN_KINDS: return (n->mask >> qr_corpus_tokens(p->c)->kind[t]) & 1;
  case PN_AND: return qr_pattern_eval_token(p, n->a, t) && qr_pattern_eval_token(p, n->b, t);
  case PN_OR: return qr_pattern_eval_token(p, n->a, t) || qr_pattern_eval_token(p, n->b, t);
  case PN_NOT: return !qr_pattern_eval_token(p, n->a, t);
  default: return 0;
  }
}

/* A document's value for key: its id, title, file, or a metadata value
 * decoded as subcorpora decode it (qr_doc_meta_value): a JSON string
 * unescaped, other JSON values as written. NULL when it has none. */
static const char *doc_value(const qr_corpus *c, size_t index, const qr_doc *d, const char *key,
                             size_t *n, qr_buf *scratch) {
  if (strcmp(key, "id") == 0) {
    *n = strlen(d->id);
    return d->id;
  }
  if (strcmp(key, "title") == 0) {
    *n = d->title_len;
    return d->text + d->title_start;
  }
  if (strcmp(key, "file") == 0) {
    *n = strlen(d->source);
    return d->source;
  }
  int found = 0;
  if (qr_doc_meta_value(c, index, key, scratch, &found) || !found) return NULL;
  *n = scratch->len;
  return scratch->data ? scratch->data : "";
}

int qr_pattern_eval_doc(const qr_pattern *p, int test, size_t d, pcre2_match_data *md,
                        pcre2_match_context *mc) {
  const pnode *n = &p->nodes[test];
  int a, b;
  switch (n->kind) {
  case PN_DOC: {
    qr_doc doc;
    qr_corpus_doc(p->c, d, &doc);
    qr_buf scratch = {0};
    size_t len = 0;
    const char *v = doc_value(p->c, d, &doc, n->key, &len, &scratch);
    int hit = v ? qr_value_test(n->re, md, mc, n->literal, n->literal_len, v, len) : 0;
    qr_buf_free(&scratch);
    return hit < 0 ? -1 : n->negate ? !hit : hit;
  }
  case PN_AND:
  case PN_OR:
    a = qr_pattern_eval_doc(p, n->a, d, md, mc);
    if (a < 0 || (n->kind == PN_AND ? !a : a)) return a;
    return qr_pattern_eval_doc(p, n->b, d, md, mc);
  case PN_NOT:
    b = qr_pattern_eval_doc(p, n->a, d, md, mc);
    return b < 0 ? -1 : !b;
  default: return 0;
  }
}

/* ---- finishing: elements ------------------------------------------------------------- */

/* The set of a test made only of sets (forms, or entries), by whole-set
 * operations; out->w NULL when the test has a kind in it. */
static qr_status fold_sets(const qr_pattern *p, int test, size_t nbits, qr_bits *out) {
  const pnode *n = &p->nodes[test];
  out->w = NULL;
  out->n = nbits;
  if (n->level & LVL_KIND) return QR_OK;
  size_t nw = qr_bits_words(nbits);
  if (n->kind == PN_FORMS || n->kind == PN_ENTRIES) {
    out->w = calloc(nw ? nw : 1, sizeof *out->w);
    if (!out->w) return QR_ENOMEM;
    memcpy(out->w, n->bits.w, qr_bits_words(n->bits.n) * sizeof *out->w);
    return QR_OK;
  }
  qr_bits a, b = {0};
  if (fold_sets(p, n->a, nbits, &a)) return QR_ENOMEM;
  if (n->kind == PN_NOT) {
    bits_not(&a);
    *out = a;
    return QR_OK;
  }
  if (fold_sets(p, n->b, nbits, &b)) {
    free(a.w);
    return QR_ENOMEM;
  }
  for (size_t k = 0; k < nw; k++) a.w[k] = n->kind == PN_AND ? a.w[k] & b.w[k] : a.w[k] | b.w[k];
  free(b.w);
  *out = a;
  return QR_OK;
}

/* A set of forms holding every form that can pass test (for the index), or
 * w NULL when nothing narrower than all forms is known. */
static qr_status cand_set(const qr_pattern *p, int test, size_t nbits, qr_bits *out) {
  const pnode *n = &p->nodes[test];
  out->w = NULL;
  out->n = nbits;
  if (!(n->level & LVL_KIND)) return fold_sets(p, test, nbits, out);
  if (n->kind != PN_AND && n->kind != PN_OR) return QR_OK;   /* a kind, a not: no set */
  qr_bits a, b;
  if (cand_set(p, n->a, nbits, &a)) return QR_ENOMEM;
  if (cand_set(p, n->b, nbits, &b)) {
    free(a.w);
    return QR_ENOMEM;
  }
  if (!a.w || !b.w) {
    /* and: either side's set still holds every passing form; or: neither does */
    if (n->kind == PN_AND) *out = a.w ? a : b;
    else {
      free(a.w);
      free(b.w);
    }
    return QR_OK;
  }
  for (size_t k = 0; k < qr_bits_words(nbits); k++)
    a.w[k] = n->kind == PN_AND ? a.w[k] & b.w[k] : a.w[k] | b.w[k];
  free(b.w);
  *out = a;
  return QR_OK;
}

static qr_status make_elem(qr_pattern *p, pnode *tok) {
  if (qr_grow((void **)&p->elems, &p->elems_cap, p->nelems + 1, sizeof *p->elems))
    return QR_ENOMEM;
  pelem *e = &p->elems[p->nelems];
  memset(e, 0, sizeof *e);
  e->test = -1;
  if (tok->a >= 0) {
    const pnode *t = &p->nodes[tok->a];
    e->mention = (t->level & LVL_MENTION) != 0;
    /* a mention's set is of typed entities (quarry/entities.h) */
    const qr_entities *es;
    if (e->mention && qr_corpus_entities(p->c, &es)) return QR_ENOMEM;
    size_t nbits = e->mention ? qr_entities_ntyped(es) : qr_lexicon_size(qr_corpus_lexicon(p->c));
    if (fold_sets(p, tok->a, nbits, &e->set)) return QR_ENOMEM;
    if (!e->set.w) {
      e->test = tok->a;
      if (cand_set(p, tok->a, nbits, &e->cand)) return QR_ENOMEM;
    } else {
      e->cand = e->set;
    }
  }
  tok->elem = (int)p->nelems++;
  return QR_OK;
}

/* ---- finishing: the program ------------------------------------------------------------ */

static int emit(qr_pattern *p, int op, int x, int y, qr_error *err) {
  if (p->nprog >= QR_PATTERN_MAX_STEPS) {
    qr_error_set(err, QR_ELIMIT, "the query is too large (more than %d steps once its "
                 "repetitions are written out)", QR_PATTERN_MAX_STEPS);
    return -1;
  }
  if (qr_grow((void **)&p->prog, &p->prog_cap, p->nprog + 1, sizeof *p->prog)) return nomem(err);
  pinst *in = &p->prog[p->nprog];
  memset(in, 0, sizeof *in);
  in->op = (uint8_t)op;
  in->x = x;
  in->y = y;
  return (int)p->nprog++;
}

static qr_status compile(qr_pattern *p, int i, qr_error *err) {
  pnode *n = &p->nodes[i];
  switch (n->kind) {
  case PN_TOKEN: {
    if (n->elem < 0 && make_elem(p, n)) return qr_error_set(err, QR_ENOMEM, "out of memory");
    int mention = p->elems[n->elem].mention;
    return emit(p, mention ? OP_MENT : OP_TOK, n->elem, 0, err) < 0 ? err->status : QR_OK;
  }
  case PN_BOUND: {
    int k = emit(p, OP_ASSERT, 0, 0, err);
    if (k < 0) return err->status;
    p->prog[k].st = (uint8_t)n->st;
    p->prog[k].open = (uint8_t)n->open;
    return QR_OK;
  }
  case PN_SEQ:
    for (size_t k = 0; k < n->nitems; k++)
      if (compile(p, n->items[k], err)) return err->status;
    return QR_OK;
  case PN_ALT: {
    /* split L1, next; L1: a1; jmp end; next: split L2, next' ... ; an */
    int *jumps = malloc(n->nitems * sizeof *jumps);
    if (!jumps) return qr_error_set(err, QR_ENOMEM, "out of memory");
    size_t nj = 0;
    qr_status rc = QR_OK;
    for (size_t k = 0; k < n->nitems && !rc; k++) {
      int split = -1;
      if (k + 1 < n->nitems && (split = emit(p, OP_SPLIT, 0, 0, err)) < 0) rc = err->status;
      if (!rc && split >= 0) p->prog[split].x = (int32_t)p->nprog;
      if (!rc) rc = compile(p, n->items[k], err);
      if (!rc && k + 1 < n->nitems) {
        int j = emit(p, OP_JMP, 0, 0, err);
        if (j < 0) rc = err->status;
        else jumps[nj++] = j;
      }
      if (!rc && split >= 0) p->prog[split].y = (int32_t)p->nprog;
    }
    for (size_t k = 0; !rc && k < nj; k++) p->prog[jumps[k]].x = (int32_t)p->nprog;
    free(jumps);
    return rc;
  }
  case PN_REPEAT: {
    for (long k = 0; k < n->min; k++)
      if (compile(p, n->a, err)) return err->status;
    if (n->max < 0) {   /* L: split body, out; body: item; jmp L */
      int split = emit(p, OP_SPLIT, 0, 0, err);
      if (split < 0) return err->status;
      p->prog[split].x = (int32_t)p->nprog;
      if (compile(p, n->a, err)) return err->status;
      if (emit(p, OP_JMP, split, 0, err) < 0) return err->status;
      p->prog[split].y = (int32_t)p->nprog;
      return QR_OK;
    }
    /* optional copies, each inside the previous: split a, end; a: item; split ... */
    long extra = n->max - n->min;
    int *splits = extra ? malloc((size_t)extra * sizeof *splits) : NULL;
    if (extra && !splits) return qr_error_set(err, QR_ENOMEM, "out of memory");
    qr_status rc = QR_OK;
    for (long k = 0; k < extra && !rc; k++) {
      int s = emit(p, OP_SPLIT, 0, 0, err);
      if (s < 0) {
        rc = err->status;
        break;
      }
      splits[k] = s;
      p->prog[s].x = (int32_t)p->nprog;
      rc = compile(p, n->a, err);
    }
    for (long k = 0; !rc && k < extra; k++) p->prog[splits[k]].y = (int32_t)p->nprog;
    free(splits);
    return rc;
  }
  case PN_LABEL:
    if (emit(p, OP_SAVE, (int)(2 * n->label), 0, err) < 0) return err->status;
    if (compile(p, n->a, err)) return err->status;
    return emit(p, OP_SAVE, (int)(2 * n->label + 1), 0, err) < 0 ? err->status : QR_OK;
  default:
    return qr_error_set(err, QR_EARG, "a test where a sequence part was expected");
  }
}

/* The fewest tokens a node matches (a mention counts one). */
static size_t min_width(const qr_pattern *p, int i) {
  const pnode *n = &p->nodes[i];
  size_t w = 0;
  switch (n->kind) {
  case PN_TOKEN: return 1;
  case PN_SEQ:
    for (size_t k = 0; k < n->nitems; k++) w += min_width(p, n->items[k]);
    return w;
  case PN_ALT:
    w = SIZE_MAX;
    for (size_t k = 0; k < n->nitems; k++) {
      size_t m = min_width(p, n->items[k]);
      if (m < w) w = m;
    }
    return w;
  case PN_REPEAT: {
    size_t m = min_width(p, n->a);
    return n->min && m > SIZE_MAX / (size_t)n->min ? SIZE_MAX : m * (size_t)n->min;
  }
  case PN_LABEL: return min_width(p, n->a);
  default: return 0;
  }
}

/* The most tokens a node matches, or SIZE_MAX (a mention has no fixed width). */
static size_t max_width(const qr_pattern *p, int i) {
  const pnode *n = &p->nodes[i];
  size_t w = 0;
  switch (n->kind) {
  case PN_TOKEN: return p->elems[n->elem].mention ? SIZE_MAX : 1;
  case PN_SEQ:
    for (size_t k = 0; k < n->nitems; k++) {
      size_t m = max_width(p, n->items[k]);
      if (m == SIZE_MAX || w + m >= QR_PATTERN_HARD_BOUNDARY * 8) return SIZE_MAX;
      w += m;
    }
    return w;
  case PN_ALT:
    for (size_t k = 0; k < n->nitems; k++) {
      size_t m = max_width(p, n->items[k]);
      if (m > w) w = m;
    }
    return w;
  case PN_REPEAT: {
    size_t m = max_width(p, n->a);
    if (n->max < 0 || m == SIZE_MAX) return m == 0 ? 0 : SIZE_MAX;
    return m * (size_t)n->max >= QR_PATTERN_HARD_BOUNDARY * 8 ? SIZE_MAX : m * (size_t)n->max;
  }
  case PN_LABEL: return max_width(p, n->a);
  default: return 0;
  }
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

qr_status qr_pattern_folds(const qr_pattern *p, const qr_bits *forms, size_t max, uint32_t **out,
                           size_t *n) {
  *out = NULL;
  *n = 0;
  size_t cap = 0, nw = qr_bits_words(forms->n);
  uint32_t *f = NULL;
  for (size_t k = 0; k < nw; k++)
    for (uint64_t w = forms->w[k]; w; w &= w - 1) {
      uint32_t fold = qr_corpus_fold_of(p->c, (uint32_t)(k * 64 + (size_t)__builtin_ctzll(w)));
      if (fold == QR_LEX_NONE || (*n && f[*n - 1] == fold)) continue;
      if (*n == max) {   /* more forms than the caller wants to read lists of */
        free(f);
        *n = SIZE_MAX;
        return QR_OK;
      }
      if (qr_grow((void **)&f, &cap, *n + 1, sizeof *f)) {
        free(f);
        *n = 0;
        return QR_ENOMEM;
      }
      f[(*n)++] = fold;
    }
  /* forms of one fold need not be neighbours in id order */
  if (*n > 1) qsort(f, *n, sizeof *f, cmp_u32);
  size_t k = 0;
  for (size_t i = 0; i < *n; i++)
    if (!k || f[k - 1] != f[i]) f[k++] = f[i];
  *n = k;
  *out = f;
  return QR_OK;
}

/* How many positions the index gives for element e (SIZE_MAX: no narrower
 * set than every token, or too broad a one to read lists of). */
static size_t estimate(qr_pattern *p, const pelem *e) {
  if (!e->cand.w) return SIZE_MAX;
  size_t total = 0;
  if (e->mention) {
    const qr_mentions *m = qr_corpus_mentions(p->c);
    const qr_entities *es;
    if (qr_corpus_entities(p->c, &es)) return SIZE_MAX;
    for (size_t k = 0; k < m->n; k++) total += qr_bits_has(&e->cand, qr_entities_typed_of(es, k));
    return total;
  }
  uint32_t *folds;
  size_t n;
  if (qr_pattern_folds(p, &e->cand, 4096, &folds, &n) || n == SIZE_MAX) return SIZE_MAX;
  for (size_t k = 0; k < n; k++) {
    const uint32_t *pos;
    size_t pn;
    if (qr_corpus_postings(p->c, folds[k], &pos, &pn)) {
      free(folds);
      return SIZE_MAX;
    }
    total += pn;
  }
  free(folds);
  return total;
}

/* The plan: the fixed-length fast path and the anchor element. */
static qr_status plan(qr_pattern *p) {
  const pnode *root = &p->nodes[p->root];
  const int *items = root->kind == PN_SEQ ? root->items : &p->root;
  size_t nitems = root->kind == PN_SEQ ? root->nitems : 1;
  size_t off = 0, best = SIZE_MAX;
  int fixed = 1;
  p->fixed_elem = malloc((nitems ? nitems : 1) * sizeof *p->fixed_elem);
  p->fixed_label = malloc((nitems ? nitems : 1) * sizeof *p->fixed_label);
  if (!p->fixed_elem || !p->fixed_label) return QR_ENOMEM;
  for (size_t k = 0; k < nitems; k++) {
    const pnode *n = &p->nodes[items[k]];
    long label = -1;
    if (n->kind == PN_LABEL) {
      label = (long)n->label;
      n = &p->nodes[n->a];
    }
    while (n->kind == PN_REPEAT && n->min == 1 && n->max == 1) n = &p->nodes[n->a];
    int first_of_repeat = 0;
    if (n->kind == PN_REPEAT && n->min >= 1 && p->nodes[n->a].kind == PN_TOKEN) {
      n = &p->nodes[n->a];
      first_of_repeat = 1;
    }
    if (n->kind == PN_BOUND && label < 0) {
      fixed = 0;   /* boundaries are checked by the VM */
      continue;
    }
    if (n->kind != PN_TOKEN) break;
    const pelem *e = &p->elems[n->elem];
    size_t est = estimate(p, e);
    if (est < best) {
      best = est;
      p->anchor = n->elem;
      p->anchor_off = off;
    }
    if (e->mention || first_of_repeat) break;
    if (fixed) {
      p->fixed_elem[off] = e->set.w || e->test >= 0 ? n->elem : -1;
      p->fixed_label[off] = label;
      p->fixed_len = off + 1;
    }
    off++;
    if (k + 1 == nitems && fixed && p->fixed_len == nitems) p->fixed = 1;
  }
  p->anchor_est = best;
  /* the rarest token that every match holds after its start: a top-level
   * part that is a token, a labelled token or a token repeated at least once */
  size_t req_best = qr_corpus_tokens(p->c)->n / 4;
  for (size_t k = 1; k < nitems; k++) {
    const pnode *n = &p->nodes[items[k]];
    if (n->kind == PN_LABEL) n = &p->nodes[n->a];
    while (n->kind == PN_REPEAT && n->min >= 1) n = &p->nodes[n->a];
    if (n->kind != PN_TOKEN || n->elem == p->anchor || p->elems[n->elem].mention) continue;
    size_t est = estimate(p, &p->elems[n->elem]);
    if (est < req_best) {
      req_best = est;
      p->require = n->elem;
    }
  }
  return QR_OK;
}

qr_status qr_pattern_finish(qr_pattern *p, int root, qr_struct within, int doc, qr_error *err) {
  if (p->finished) return qr_error_set(err, QR_EARG, "the pattern is finished already");
  if (take(p, root, 0, err) < 0) return err->status;
  if (doc >= 0) {
    if (take(p, doc, 1, err) < 0) return err->status;
    if (p->nodes[doc].level & ~LVL_DOC)
      return qr_error_set(err, QR_EDATA, "only document attributes (doc.KEY) go after '::'");
  }
  if ((unsigned)within > QR_STRUCT_NONE) return qr_error_set(err, QR_EARG, "bad structure");
  for (size_t i = 0; i < p->nnodes; i++)
    if (!p->nodes[i].used && (int)i != root && (int)i != doc)
      return qr_error_set(err, QR_EARG, "node %zu is not part of the pattern", i);
  p->root = root;
  p->doc = doc;
  p->within = within;
  p->min_width = min_width(p, root);
  if (p->min_width == 0)
    return qr_error_set(err, QR_EDATA, "the query can match an empty stretch of text: give it "
                        "at least one token that must be there");
  if (compile(p, root, err)) return err->status;
  if (emit(p, OP_MATCH, 0, 0, err) < 0) return err->status;
  p->max_width = max_width(p, root);   /* after compile: the elements exist */
  if (plan(p)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  p->finished = 1;
  return QR_OK;
}
