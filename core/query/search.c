/* search.c — finding the matches of a finished pattern.
 *
 * The starts: when an element sits at a fixed distance from a match's start
 * and the index knows few enough positions for it (its form set's postings,
 * or the mentions of its entries), those positions, less the distance, are
 * the only starts tried; else every token of the documents searched.
 *
 * From a start, a fixed run of single tokens is checked token by token; any
 * other pattern runs on a Pike VM: the threads of the program advance one
 * token at a time together, so a start costs at most (tokens × steps) and
 * the first position where a thread reaches the end is the shortest match
 * (captures come from the thread of highest priority there). A step over a
 * mention moves its thread to the mention's end: the thread waits, carried
 * along, until the others get there.
 *
 * Then CQP's standard strategy: of matches ending at the same token, only
 * the first is kept. A match never leaves its region: the sentence,
 * paragraph or document of `within`, else the document and at most
 * QR_PATTERN_HARD_BOUNDARY tokens. */
#include <stdlib.h>
#include <string.h>

#include "query/pattern_impl.h"
#include "quarry/entities.h"

/* ---- structure ----------------------------------------------------------------- */

typedef struct search {
  const qr_pattern *p;
  const qr_corpus *c;
  const qr_sentences *sents;
  const qr_mentions *ments;
  const qr_entities *ents;   /* the mentions' typed entities, which mention sets hold */
  const uint32_t *forms;
  qr_doc doc;            /* the document of the current start */
  size_t doc_index;
  size_t doc_end;        /* one past its last token */
  /* the VM */
  uint32_t *cur_pc, *cur_until, *next_pc, *next_until;
  uint32_t *cur_caps, *next_caps;   /* nslots per thread */
  size_t ncur, nnext, cap_cur, cap_next;
  uint32_t *seen;                   /* per pc: the stamp of the list it was last added to */
  uint32_t stamp;                   /* this list's: one per position of a run */
  int nomem;
  uint32_t *stack;                  /* the closure's work: pcs and restores */
  uint32_t *caps;                   /* the closure's working captures */
  size_t nslots, nprog;
  /* the result */
  uint32_t *match_caps;
  qr_matches *out;
  size_t out_cap, capc;
  /* the standard strategy: ends of the matches kept that a later start can reach */
  uint32_t *ends;
  size_t nends, ends_cap;
  size_t sent;           /* the sentence of the last start: starts only grow */
  struct anchor_iter *req_it;   /* the positions of the required token */
  uint32_t req_pos;
} search;

/* The sentence holding token t. */
static size_t sentence_of(const search *s, size_t t) {
  return qr_corpus_sentence_of_token(s->c, t);
}

/* The same for a start: starts come in corpus order, so the sentence is
 * looked for from the last one on, a few steps instead of a binary search. */
static size_t sentence_of_start(search *s, size_t t) {
  size_t k = s->sent;
  if (k >= s->sents->n || s->sents->first[k] > t) k = sentence_of(s, t);
  for (int step = 0; k + 1 < s->sents->n && s->sents->first[k + 1] <= t; step++, k++)
    if (step == 16) {   /* far: search */
      k = sentence_of(s, t);
      break;
    }
  s->sent = k;
  return k;
}

static size_t sent_end(const search *s, size_t k) {
  return (size_t)s->sents->first[k] + s->sents->count[k];
}

/* Does a paragraph start at sentence k of the current document? */
static int para_starts(const search *s, size_t k) {
  return k == s->doc.sent_first || (s->sents->flags[k] & QR_SF_PARA_START);
}

/* Is there a boundary of st (open: a start; else an end) before token t? */
static int boundary(const search *s, qr_struct st, int open, size_t t) {
  size_t d0 = s->doc.tok_first;
  if (st == QR_STRUCT_D) return open ? t == d0 : t == s->doc_end;
  if (open) {
    if (t >= s->doc_end) return 0;
    size_t k = sentence_of(s, t);
    if (s->sents->first[k] != t) return 0;
    return st == QR_STRUCT_S || para_starts(s, k);
  }
  if (t <= d0) return 0;
  size_t k = sentence_of(s, t - 1);
  if (sent_end(s, k) != t) return 0;
  size_t sent_last = s->doc.sent_first + s->doc.sent_count;
  return st == QR_STRUCT_S || k + 1 >= sent_last || para_starts(s, k + 1);
}

/* One past the last token a match starting at t may reach. */
static size_t region_end(search *s, size_t t) {
  switch (s->p->within) {
  case QR_STRUCT_S: return sent_end(s, sentence_of_start(s, t));
  case QR_STRUCT_P: {
    size_t k = sentence_of_start(s, t), last = s->doc.sent_first + s->doc.sent_count;
    while (k + 1 < last && !para_starts(s, k + 1)) k++;
    return sent_end(s, k);
  }
  case QR_STRUCT_D: return s->doc_end;
  default: {
    size_t e = t + QR_PATTERN_HARD_BOUNDARY;
    return e < s->doc_end ? e : s->doc_end;
  }
  }
}

/* The mention starting at token t, or -1 (binary search: mentions are in
 * corpus order). */
static long mention_at(const search *s, size_t t) {
  const qr_mentions *m = s->ments;
  size_t lo = s->doc.ment_first, hi = s->doc.ment_first + s->doc.ment_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (m->tok_first[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < s->doc.ment_first + s->doc.ment_count && m->tok_first[lo] == t ? (long)lo : -1;
}

static int token_passes(const search *s, const pelem *e, size_t t) {
  if (e->set.w) return qr_bits_has(&e->set, s->forms[t]);
  if (e->test >= 0) return qr_pattern_eval_token(s->p, e->test, t);
  return 1;
}

/* The width of the mention element e matches at t, or 0. */
static size_t mention_passes(const search *s, const pelem *e, size_t t) {
  long k = mention_at(s, t);
  if (k < 0) return 0;
  const qr_mentions *m = s->ments;
  int ok = !e->set.w || qr_bits_has(&e->set, qr_entities_typed_of(s->ents, (size_t)k));
  for (uint32_t j = 0; !ok && j < m->cand_count[k]; j++)   /* any reading of an ambiguous name */
    ok = qr_bits_has(&e->set, m->cands[m->cand_first[k] + j]);
  return ok ? m->tok_count[k] : 0;
}

/* ---- the VM ---------------------------------------------------------------------- */

/* Appends a thread to the next list, growing it (a list holds each ready pc
 * once, but threads waiting inside mentions can be more). */
static void push_next(search *s, uint32_t pc, uint32_t until, const uint32_t *caps) {
  if (s->nnext == s->cap_next) {
    size_t cap = 2 * s->cap_next, slots = s->nslots ? s->nslots : 1;
    uint32_t *a = realloc(s->next_pc, cap * sizeof *a);
    if (a) s->next_pc = a;
    uint32_t *b = a ? realloc(s->next_until, cap * sizeof *b) : NULL;
    if (b) s->next_until = b;
    uint32_t *c = b ? realloc(s->next_caps, cap * slots * sizeof *c) : NULL;
    if (!c) {
      s->nomem = 1;
      return;
    }
    s->next_caps = c;
    s->cap_next = cap;
  }
  s->next_pc[s->nnext] = pc;
  s->next_until[s->nnext] = until;
  memcpy(s->next_caps + s->nnext * s->nslots, caps, s->nslots * sizeof *caps);
  s->nnext++;
}

/* A new stamp for the list of the next position. */
static void next_stamp(search *s) {
  if (++s->stamp == 0) {   /* wrapped: forget every mark */
    memset(s->seen, 0, s->nprog * sizeof *s->seen);
    s->stamp = 1;
  }
}

/* Adds pc's closure at position t to the next list, with captures caps. The
 * stack holds pcs, and restores (slot | 1 << 31, then the old value). */
static void add_thread(search *s, uint32_t pc0, size_t t, const uint32_t *caps) {
  const pinst *prog = s->p->prog;
  memcpy(s->caps, caps, s->nslots * sizeof *caps);
  size_t sp = 0;
  s->stack[sp++] = pc0;
  while (sp) {
    uint32_t pc = s->stack[--sp];
    if (pc & 0x80000000u) {   /* a restore */
      s->caps[pc & 0x7fffffffu] = s->stack[--sp];
      continue;
    }
    if (s->seen[pc] == s->stamp) continue;
    s->seen[pc] = s->stamp;
    const pinst *in = &prog[pc];
    switch (in->op) {
    case OP_JMP: s->stack[sp++] = (uint32_t)in->x; break;
    case OP_SPLIT:
      s->stack[sp++] = (uint32_t)in->y;
      s->stack[sp++] = (uint32_t)in->x;   /* on top: tried first */
      break;
    case OP_SAVE:
      s->stack[sp++] = s->caps[in->x];
      s->stack[sp++] = (uint32_t)in->x | 0x80000000u;
      s->caps[in->x] = (uint32_t)t;
      s->stack[sp++] = pc + 1;
      break;
    case OP_ASSERT:
      if (boundary(s, (qr_struct)in->st, in->open, t)) s->stack[sp++] = pc + 1;
      break;
    default:   /* a token, a mention, the end: a thread */
      push_next(s, pc, (uint32_t)t, s->caps);
    }
  }
}

static void swap_lists(search *s) {
  uint32_t *a = s->cur_pc, *b = s->cur_until, *c = s->cur_caps;
  size_t cap = s->cap_cur;
  s->cap_cur = s->cap_next;
  s->cap_next = cap;
  s->cur_pc = s->next_pc;
  s->cur_until = s->next_until;
  s->cur_caps = s->next_caps;
  s->next_pc = a;
  s->next_until = b;
  s->next_caps = c;
  s->ncur = s->nnext;
  s->nnext = 0;
}

/* Runs the VM from start; returns the end of the match (one past its last
 * token) and fills s->match_caps, or 0 when there is none. */
static size_t run_vm(search *s, size_t start, size_t end, qr_strategy strategy) {
  const pinst *prog = s->p->prog;
  size_t found = 0;
  for (size_t k = 0; k < s->nslots; k++) s->caps[k] = UINT32_MAX;
  uint32_t *init = s->match_caps;   /* all unset, as s->caps now */
  memcpy(init, s->caps, s->nslots * sizeof *init);
  s->nnext = 0;
  next_stamp(s);
  add_thread(s, 0, start, init);
  swap_lists(s);
  for (size_t t = start; s->ncur; t++) {
    /* threads at the end: the highest-priority one is the match at t */
    for (size_t i = 0; i < s->ncur; i++) {
      if (prog[s->cur_pc[i]].op != OP_MATCH || s->cur_until[i] != t) continue;
      found = t;
      memcpy(s->match_caps, s->cur_caps + i * s->nslots, s->nslots * sizeof *s->match_caps);
      if (strategy != QR_MATCH_LONGEST) return found;
      break;   /* longest: the others go on */
    }
    if (t >= end || s->nomem) break;
    s->nnext = 0;
    next_stamp(s);
    for (size_t i = 0; i < s->ncur; i++) {
      uint32_t pc = s->cur_pc[i], until = s->cur_until[i];
      const uint32_t *caps = s->cur_caps + i * s->nslots;
      if (until > t) {   /* inside a mention: carried along */
        if (until == t + 1) add_thread(s, pc, t + 1, caps);
        else push_next(s, pc, until, caps);
        continue;
      }
      const pinst *in = &prog[pc];
      if (in->op == OP_TOK) {
        if (token_passes(s, &s->p->elems[in->x], t)) add_thread(s, pc + 1, t + 1, caps);
      } else if (in->op == OP_MENT) {
        size_t w = mention_passes(s, &s->p->elems[in->x], t);
        if (!w || t + w > end) continue;
        if (w == 1) add_thread(s, pc + 1, t + 1, caps);
        else push_next(s, pc + 1, (uint32_t)(t + w), caps);
      }
    }
    swap_lists(s);
  }
  return found;
}

/* The fixed run of single tokens from start: its end, or 0. */
static size_t run_fixed(search *s, size_t start, size_t end) {
  const qr_pattern *p = s->p;
  if (start + p->fixed_len > end) return 0;
  for (size_t k = 0; k < p->fixed_len; k++) {
    int e = p->fixed_elem[k];
    if (e >= 0 && !token_passes(s, &p->elems[e], start + k)) return 0;
  }
  for (size_t k = 0; k < s->nslots; k++) s->match_caps[k] = UINT32_MAX;
  for (size_t k = 0; k < p->fixed_len; k++)
    if (p->fixed_label[k] >= 0) {
      s->match_caps[2 * p->fixed_label[k]] = (uint32_t)(start + k);
      s->match_caps[2 * p->fixed_label[k] + 1] = (uint32_t)(start + k + 1);
    }
  return start + p->fixed_len;
}

/* ---- results ------------------------------------------------------------------- */

void qr_matches_free(qr_matches *m) {
  free(m->hits);
  free(m->cap);
  memset(m, 0, sizeof *m);
}

static qr_status keep(search *s, size_t start, size_t end, qr_strategy strategy) {
  if (strategy == QR_MATCH_STANDARD && !s->p->fixed) {
    /* of matches ending at the same token, the first (the longest) stays;
     * a fixed run has one length, so two of its matches never end together */
    size_t k = 0;
    for (size_t i = 0; i < s->nends; i++)
      if (s->ends[i] > start) s->ends[k++] = s->ends[i];   /* ends a later start can share */
    s->nends = k;
    for (size_t i = 0; i < s->nends; i++)
      if (s->ends[i] == end) return QR_OK;
    if (qr_grow((void **)&s->ends, &s->ends_cap, s->nends + 1, sizeof *s->ends)) return QR_ENOMEM;
    s->ends[s->nends++] = (uint32_t)end;
  }
  qr_matches *m = s->out;
  if (qr_grow((void **)&m->hits, &s->out_cap, m->n + 1, sizeof *m->hits)) return QR_ENOMEM;
  m->hits[m->n].first = (uint32_t)start;
  m->hits[m->n].count = (uint32_t)(end - start);
  if (m->ncap) {
    if (qr_grow((void **)&m->cap, &s->capc, (m->n + 1) * m->ncap, sizeof *m->cap))
      return QR_ENOMEM;
    for (size_t j = 0; j < m->ncap; j++) {
      uint32_t a = s->match_caps[2 * j], b = s->match_caps[2 * j + 1];
      qr_hit *h = &m->cap[m->n * m->ncap + j];
      int set = a != UINT32_MAX && b != UINT32_MAX && b >= a;
      h->first = set ? a : UINT32_MAX;
      h->count = set ? b - a : 0;
    }
  }
  m->n++;
  m->cap_n = s->out_cap;
  return QR_OK;
}

/* ---- the starts ----------------------------------------------------------------- */

/* The positions of the anchor element in corpus order, read as the search
 * goes (so that a limit stops the reading too): the mentions of its entries,
 * or the postings of the folded forms of its forms, merged with a heap when
 * there are several, each position checked against the form set. */
typedef struct cursor {
  const uint32_t *at, *end;
} cursor;

typedef struct anchor_iter anchor_iter;
struct anchor_iter {
  const qr_bits *set;
  const uint32_t *forms;
  const qr_mentions *ments;   /* a mention anchor: the next mention is k */
  const qr_entities *ents;
  size_t k;
  cursor *heap;               /* a min-heap of the postings lists by their next position */
  size_t nheap;
};

static void heap_down(anchor_iter *it, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < it->nheap && *it->heap[l].at < *it->heap[m].at) m = l;
    if (r < it->nheap && *it->heap[r].at < *it->heap[m].at) m = r;
    if (m == i) return;
    cursor tmp = it->heap[i];
    it->heap[i] = it->heap[m];
    it->heap[m] = tmp;
    i = m;
  }
}

static qr_status anchor_open(search *s, int elem, anchor_iter *it) {
  const qr_pattern *p = s->p;
  const pelem *e = &p->elems[elem];
  memset(it, 0, sizeof *it);
  it->set = &e->cand;
  it->forms = s->forms;
  if (e->mention) {
    it->ments = s->ments;
    it->ents = s->ents;
    return QR_OK;
  }
  uint32_t *folds;
  size_t n;
  if (qr_pattern_folds(p, &e->cand, SIZE_MAX, &folds, &n)) return QR_ENOMEM;
  it->heap = malloc((n ? n : 1) * sizeof *it->heap);
  if (!it->heap) {
    free(folds);
    return QR_ENOMEM;
  }
  for (size_t k = 0; k < n; k++) {
    const uint32_t *pp;
    size_t pn;
    if (qr_corpus_postings(p->c, folds[k], &pp, &pn)) {
      free(folds);
      return QR_ENOMEM;
    }
    if (!pn) continue;
    it->heap[it->nheap].at = pp;
    it->heap[it->nheap].end = pp + pn;
    it->nheap++;
  }
  free(folds);
  for (size_t i = it->nheap; i-- > 0;) heap_down(it, i);
  return QR_OK;
}

/* The next position of the anchor, or UINT32_MAX. */
static uint32_t anchor_next(anchor_iter *it) {
  if (it->ments) {
    const qr_mentions *m = it->ments;
    while (it->k < m->n) {
      size_t k = it->k++;
      if (qr_bits_has(it->set, qr_entities_typed_of(it->ents, k))) return m->tok_first[k];
    }
    return UINT32_MAX;
  }
  while (it->nheap) {
    cursor *top = &it->heap[0];
    /* the form of a position some way ahead is asked for now: the positions
     * are far apart, and each read of the form would otherwise wait */
    if (top->at + 16 < top->end) __builtin_prefetch(&it->forms[top->at[16]]);
    uint32_t pos = *top->at++;
    if (top->at == top->end) it->heap[0] = it->heap[--it->nheap];
    if (it->nheap > 1) heap_down(it, 0);
    if (qr_bits_has(it->set, it->forms[pos])) return pos;
  }
  return UINT32_MAX;
}

/* Moves s to the document holding token t (t at or after the current one). */
static void enter_doc(search *s, size_t t) {
  if (t < s->doc_end && t >= s->doc.tok_first) return;
  s->doc_index = qr_corpus_doc_of_token(s->c, t);
  qr_corpus_doc(s->c, s->doc_index, &s->doc);
  s->doc_end = s->doc.tok_first + s->doc.tok_count;
}

static qr_status try_start(search *s, size_t start, const qr_search_opts *o, int *done) {
  size_t end = region_end(s, start);
  if (s->p->require >= 0) {
    /* no position of the required token in [start, end): no match here */
    size_t reach = s->p->max_width == SIZE_MAX ? end : start + s->p->max_width;
    while (s->req_pos < start) s->req_pos = anchor_next(s->req_it);
    if (s->req_pos >= end || s->req_pos >= reach) return QR_OK;
  }
  size_t got = s->p->fixed ? run_fixed(s, start, end) : run_vm(s, start, end, o->strategy);
  if (s->nomem) return QR_ENOMEM;
  if (!got) return QR_OK;
  if (keep(s, start, got, o->strategy)) return QR_ENOMEM;
  if (o->limit && s->out->n >= o->limit) *done = 1;
  return QR_OK;
}

qr_status qr_pattern_search(const qr_pattern *p, const qr_search_opts *o, qr_matches *out,
                            qr_error *err) {
  static const qr_search_opts defaults = {0};
  if (!o) o = &defaults;
  memset(out, 0, sizeof *out);
  if (!p->finished) return qr_error_set(err, QR_EARG, "the pattern is not finished");
  search s;
  memset(&s, 0, sizeof s);
  s.p = p;
  s.c = p->c;
  s.sents = qr_corpus_sentences(p->c);
  s.ments = qr_corpus_mentions(p->c);
  for (size_t i = 0; i < p->nelems && !s.ents; i++)   /* (a pattern of words needs none) */
    if (p->elems[i].mention && qr_corpus_entities(p->c, &s.ents))
      return qr_error_set(err, QR_ENOMEM, "out of memory");
  s.forms = qr_corpus_forms(p->c);
  s.out = out;
  s.nslots = 2 * p->nlabels;
  s.nprog = p->nprog;
  out->ncap = p->nlabels;
  size_t ndocs = qr_corpus_ndocs(p->c), ntok = qr_corpus_tokens(p->c)->n;
  size_t slots = s.nslots ? s.nslots : 1;
  /* a thread list holds each pc at most once, plus threads waiting in mentions
   * (at most one per pc and end): 2 × the program is room enough */
  size_t cap = 2 * p->nprog + 2;
  s.cap_cur = s.cap_next = cap;
  uint8_t *docmask = malloc(ndocs ? ndocs : 1);
  s.cur_pc = malloc(cap * sizeof *s.cur_pc);
  s.cur_until = malloc(cap * sizeof *s.cur_until);
  s.next_pc = malloc(cap * sizeof *s.next_pc);
  s.next_until = malloc(cap * sizeof *s.next_until);
  s.cur_caps = malloc(cap * slots * sizeof *s.cur_caps);
  s.next_caps = malloc(cap * slots * sizeof *s.next_caps);
  s.seen = calloc(p->nprog, sizeof *s.seen);
  s.stack = malloc((3 * p->nprog + 3) * sizeof *s.stack);
  s.caps = malloc(slots * sizeof *s.caps);
  s.match_caps = malloc(slots * sizeof *s.match_caps);
  qr_status rc = QR_OK;
  pcre2_match_data *md = NULL;
  pcre2_match_context *mc = NULL;
  int costly = 0;
  if (!docmask || !s.cur_pc || !s.cur_until || !s.next_pc || !s.next_until || !s.cur_caps ||
      !s.next_caps || !s.seen || !s.stack || !s.caps || !s.match_caps)
    rc = QR_ENOMEM;
  /* the documents searched */
  if (!rc) {
    memset(docmask, o->docs ? 0 : 1, ndocs);
    for (size_t k = 0; o->docs && k < o->ndocs; k++)
      if (o->docs[k] < ndocs) docmask[o->docs[k]] = 1;
    if (p->doc >= 0) {
      md = pcre2_match_data_create(4, NULL);
      mc = qr_value_limits();
      if (!md || !mc) rc = QR_ENOMEM;
      for (size_t d = 0; !rc && d < ndocs; d++) {
        if (!docmask[d]) continue;
        int in = qr_pattern_eval_doc(p, p->doc, d, md, mc);
        if (in < 0) costly = 1;
        docmask[d] = in > 0;
      }
    }
  }
  int done = 0;
  s.doc_end = 0;
  anchor_iter req = {0};
  if (!rc && p->require >= 0) {
    rc = anchor_open(&s, p->require, &req);
    s.req_it = &req;
  }
  if (!rc && ntok && p->anchor >= 0 && p->anchor_est <= ntok / 4) {
    anchor_iter it;
    rc = anchor_open(&s, p->anchor, &it);
    size_t last = SIZE_MAX;
    for (uint32_t pos; !rc && !done && (pos = anchor_next(&it)) != UINT32_MAX;) {
      if (pos < p->anchor_off) continue;
      size_t start = pos - p->anchor_off;
      if (start == last) continue;
      last = start;
      enter_doc(&s, start);
      if (!docmask[s.doc_index] || start + p->min_width > s.doc_end) continue;
      rc = try_start(&s, start, o, &done);
    }
    free(it.heap);
  } else if (!rc && ntok) {
    for (size_t d = 0; !rc && !done && d < ndocs; d++) {
      if (!docmask[d]) continue;
      s.doc_index = d;
      qr_corpus_doc(s.c, d, &s.doc);
      s.doc_end = s.doc.tok_first + s.doc.tok_count;
      for (size_t t = s.doc.tok_first; !rc && !done && t + p->min_width <= s.doc_end; t++)
        rc = try_start(&s, t, o, &done);
    }
  }
  free(req.heap);
  pcre2_match_context_free(mc);
  pcre2_match_data_free(md);
  free(docmask);
  free(s.cur_pc);
  free(s.cur_until);
  free(s.next_pc);
  free(s.next_until);
  free(s.cur_caps);
  free(s.next_caps);
  free(s.seen);
  free(s.stack);
  free(s.caps);
  free(s.match_caps);
  free(s.ends);
  if (costly && !rc) {
    qr_matches_free(out);
    return qr_error_set(err, QR_ELIMIT, "a document test's regular expression takes too many "
                        "steps (more than %d): simplify it", QR_VALUE_MATCH_LIMIT);
  }
  if (rc) {
    qr_matches_free(out);
    return qr_error_set(err, rc, "%s", qr_status_string(rc));
  }
  return QR_OK;
}
