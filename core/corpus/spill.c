/* spill.c — an index build's token-sized arrays in a scratch file.
 *
 * quarry index holds what grows with documents and distinct words in
 * memory, and what grows with tokens (the token and sentence arrays, the
 * postings) in a scratch file beside the index, mapped shared: each array
 * gets room for as many tokens as the corpus has bytes (a token is a byte
 * at least), the file is sparse, and disk is given a step ahead of the
 * writing. The pages written are let go as soon as a document, or a round
 * of documents on several threads, is done with them (qr_corpus_drop_pages),
 * and so are the pages of the input texts: the process holds the lexicon
 * and what it is working on, and the kernel's page cache the rest, written
 * back as memory runs short. The index is then copied from the scratch
 * file, whose disk is freed behind the copy.
 *
 * Nothing is lost when the guess of room is wrong (a file that grew since
 * it was listed): the arrays are copied into memory (qr_corpus_unspill)
 * and the build goes on as a plain one. */
#include <stdlib.h>
#include <string.h>

#include "corpus/corpus_impl.h"

/* disk is given to the arrays this many elements at a time */
#define GIVE_STEP ((size_t)1 << 20)
/* let go of pages once this many tokens have piled up */
#define DROP_STEP ((size_t)1 << 18)

struct qr_spill {
  qr_scratch file;
  size_t tok_cap, sent_cap;      /* room for so many */
  size_t tok_given, sent_given;  /* ... of which so many have disk under them */
  size_t tok_dropped, sent_dropped;   /* let go below these (the sequential path) */
  uint32_t *post;                /* room for tok_cap postings */
  char *text;                    /* room for texts unescaped from JSON Lines */
  size_t text_cap, text_used, text_given;
  qr_error err;                  /* why the scratch file failed (a full disk) */
};

/* The token-sized arrays and sentence-sized arrays of c, with their element
 * sizes. */
typedef struct spilled {
  void **p;
  size_t elem;
  int per_sentence;
} spilled;

enum { NSPILLED = 10 };

static void spilled_arrays(qr_corpus *c, spilled *a) {
  spilled t[NSPILLED] = {
    {(void **)&c->toks.start, 4, 0}, {(void **)&c->toks.len, 4, 0},
    {(void **)&c->toks.kind, 1, 0},  {(void **)&c->toks.flags, 1, 0},
    {(void **)&c->toks.split, 1, 0}, {(void **)&c->form, 4, 0},
    {(void **)&c->fold, 4, 0},       {(void **)&c->sents.first, 4, 1},
    {(void **)&c->sents.count, 4, 1}, {(void **)&c->sents.flags, 1, 1}};
  memcpy(a, t, sizeof t);
}

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

qr_status qr_corpus_spill(qr_corpus *c, const char *dir, uint64_t text_bytes, qr_error *err) {
  if (c->spill || c->frozen || c->toks.n || c->sents.n)
    return qr_error_set(err, QR_EARG, "a corpus spills before its first token");
  size_t room = (size_t)text_bytes + 4096;   /* + a margin for the last block's reservation */
  if (room > c->max_tokens + (size_t)4096) room = c->max_tokens + 4096;
  struct qr_spill *s = calloc(1, sizeof *s);
  if (!s) return qr_error_set(err, QR_ENOMEM, "out of memory");
  s->tok_cap = s->sent_cap = room;
  spilled a[NSPILLED];
  spilled_arrays(c, a);
  size_t total = round_up(room * 4, 4096) + round_up(room, 4096);   /* postings, texts */
  for (int k = 0; k < NSPILLED; k++) total += round_up(room * a[k].elem, 4096);
  qr_status rc = qr_scratch_open(&s->file, dir, total, err);
  if (rc) {
    free(s);
    return rc;
  }
  /* the (empty) arrays of memory go; the file's take their place */
  qr_tokens_free(&c->toks);
  qr_sentences_free(&c->sents);
  free(c->form);
  free(c->fold);
  char *at = s->file.base;
  for (int k = 0; k < NSPILLED; k++) {
    *a[k].p = at;
    at += round_up(room * a[k].elem, 4096);
  }
  s->post = (uint32_t *)(void *)at;
  at += round_up(room * 4, 4096);
  s->text = at;
  s->text_cap = room;
  c->toks.cap = c->ids_cap = room;
  c->sents.cap = room;
  c->spill = s;
  return QR_OK;
}

qr_status qr_corpus_unspill(qr_corpus *c) {
  struct qr_spill *s = c->spill;
  if (!s) return QR_OK;
  spilled a[NSPILLED];
  spilled_arrays(c, a);
  void *copy[NSPILLED + 1] = {0};
  int ok = 1;
  for (int k = 0; k < NSPILLED && ok; k++) {
    size_t n = a[k].per_sentence ? c->sents.n : c->toks.n;
    if ((copy[k] = malloc(n ? n * a[k].elem : 1))) memcpy(copy[k], *a[k].p, n * a[k].elem);
    else ok = 0;
  }
  int posts = c->post_pos == s->post;
  if (ok && posts && (copy[NSPILLED] = malloc(c->post_tokens ? c->post_tokens * 4 : 1)))
    memcpy(copy[NSPILLED], c->post_pos, c->post_tokens * 4);
  else if (posts)
    ok = 0;
  if (!ok) {
    for (int k = 0; k <= NSPILLED; k++) free(copy[k]);
    return QR_ENOMEM;
  }
  for (int k = 0; k < NSPILLED; k++) *a[k].p = copy[k];
  if (posts) c->post_pos = copy[NSPILLED];
  c->toks.cap = c->ids_cap = c->toks.n ? c->toks.n : 1;
  c->sents.cap = c->sents.n ? c->sents.n : 1;
  qr_corpus_close_spill(c);
  return QR_OK;
}

void qr_corpus_close_spill(qr_corpus *c) {
  if (!c->spill) return;
  qr_scratch_close(&c->spill->file);
  free(c->spill);
  c->spill = NULL;
}

int qr_corpus_spilled(const qr_corpus *c, const void *p) {
  return c->spill && qr_scratch_holds(&c->spill->file, p);
}

const char *qr_corpus_spill_error(const qr_corpus *c) {
  return c->spill && c->spill->err.msg[0] ? c->spill->err.msg : NULL;
}

/* Gives disk to elements [from, to) of the arrays of one kind. */
static qr_status give(qr_corpus *c, int per_sentence, size_t from, size_t to) {
  spilled a[NSPILLED];
  spilled_arrays(c, a);
  for (int k = 0; k < NSPILLED; k++) {
    if (a[k].per_sentence != per_sentence) continue;
    char *p = *a[k].p;
    qr_status rc = qr_scratch_allocate(&c->spill->file, p + from * a[k].elem,
                                       (to - from) * a[k].elem, &c->spill->err);
    if (rc) return rc;
  }
  return QR_OK;
}

qr_status qr_corpus_room(qr_corpus *c, size_t ntok, size_t nsent) {
  struct qr_spill *s = c->spill;
  if (s && (c->toks.n + ntok > s->tok_cap || c->sents.n + nsent > s->sent_cap) &&
      qr_corpus_unspill(c))
    return QR_ENOMEM;
  if ((s = c->spill)) {
    size_t nt = c->toks.n + ntok, ns = c->sents.n + nsent;
    if (nt > s->tok_given) {
      size_t to = nt > s->tok_given + GIVE_STEP ? nt : s->tok_given + GIVE_STEP;
      if (to > s->tok_cap) to = s->tok_cap;
      if (give(c, 0, s->tok_given, to)) return QR_EIO;
      s->tok_given = to;
    }
    if (ns > s->sent_given) {
      size_t to = ns > s->sent_given + GIVE_STEP ? ns : s->sent_given + GIVE_STEP;
      if (to > s->sent_cap) to = s->sent_cap;
      if (give(c, 1, s->sent_given, to)) return QR_EIO;
      s->sent_given = to;
    }
    return QR_OK;
  }
  if (qr_tokens_reserve(&c->toks, ntok) || qr_corpus_ids_room(c, c->toks.n + ntok) ||
      qr_sentences_reserve(&c->sents, nsent))
    return QR_ENOMEM;
  return QR_OK;
}

void qr_corpus_drop_pages(const qr_corpus *c, size_t t0, size_t t1, size_t s0, size_t s1) {
  if (!c->spill && !c->frozen) return;   /* malloc'ed pages would be zeroed */
  spilled a[NSPILLED];
  spilled_arrays((qr_corpus *)c, a);   /* (only read) */
  for (int k = 0; k < NSPILLED; k++) {
    size_t from = a[k].per_sentence ? s0 : t0, to = a[k].per_sentence ? s1 : t1;
    if (to > from) qr_pages_drop((char *)*a[k].p + from * a[k].elem, (to - from) * a[k].elem);
  }
}

void qr_corpus_spill_drop_step(qr_corpus *c, const char *text, size_t *from, size_t to,
                               int mapped) {
  struct qr_spill *s = c->spill;
  if (!s) return;
  if (c->toks.n < s->tok_dropped) s->tok_dropped = c->toks.n;   /* an undo went back */
  if (c->sents.n < s->sent_dropped) s->sent_dropped = c->sents.n;
  if (c->toks.n - s->tok_dropped < DROP_STEP && to - *from < (DROP_STEP << 3)) return;
  qr_corpus_drop_pages(c, s->tok_dropped, c->toks.n, s->sent_dropped, c->sents.n);
  s->tok_dropped = c->toks.n;
  s->sent_dropped = c->sents.n;
  if (mapped && to > *from) qr_pages_drop(text + *from, to - *from);
  *from = to;
}

uint32_t *qr_corpus_spill_postings(qr_corpus *c, qr_error *err) {
  struct qr_spill *s = c->spill;
  if (!s || c->toks.n > s->tok_cap) return NULL;
  if (qr_scratch_allocate(&s->file, s->post, c->toks.n * 4, &s->err)) {
    qr_error_set(err, QR_EIO, "%s", s->err.msg);
    return NULL;
  }
  return s->post;
}

char *qr_corpus_spill_text(qr_corpus *c, size_t len) {
  struct qr_spill *s = c->spill;
  if (!s || len > s->text_cap - s->text_used) return NULL;
  size_t end = s->text_used + len;
  if (end > s->text_given) {
    size_t to = end > s->text_given + (GIVE_STEP << 2) ? end : s->text_given + (GIVE_STEP << 2);
    if (to > s->text_cap) to = s->text_cap;
    qr_error ignored = {0};   /* no disk: the text goes to memory instead */
    if (qr_scratch_allocate(&s->file, s->text + s->text_given, to - s->text_given, &ignored))
      return NULL;
    s->text_given = to;
  }
  char *p = s->text + s->text_used;
  s->text_used = end;
  return p;
}

void qr_corpus_spill_text_done(qr_corpus *c, const char *text) {
  struct qr_spill *s = c->spill;
  if (!s || text < s->text || text > s->text + s->text_used) return;
  /* from the first page of this text to the last page written whole: a
   * text shares its first page with the one before, done with already,
   * which a drop of its own bytes would keep */
  size_t from = (size_t)(text - s->text) & ~(size_t)4095, to = s->text_used & ~(size_t)4095;
  if (to > from) qr_pages_drop(s->text + from, to - from);
}

void qr_corpus_spill_discard(qr_corpus *c, const void *p, size_t n) {
  if (c->spill) qr_scratch_discard(&c->spill->file, p, n);
}
