/* spill.c — an index build's token-sized arrays in a scratch file.
 *
 * quarry index holds what grows with documents and distinct words in
 * memory, and what grows with tokens (the token and sentence arrays, the
 * postings) in a scratch file beside the index, mapped shared: each array
 * gets room for as many tokens as the corpus has bytes (a token is a byte
 * at least), the file is sparse, and disk is given a step ahead of the
 * writing. Documents are annotated in rounds (parallel.c, on one thread
 * too), into scratch corpora in memory, and each round is written into the
 * file with pwrite (qr_corpus_spill_copy), which spares the kernel reading
 * (zeroing) each page before it is written. The pages of a round are let go
 * once it is written (qr_corpus_drop_pages), and so are those of the input
 * texts: the process holds the lexicon and what it is working on, and the
 * kernel's page cache the rest. The round's pages start being written back
 * at once (qr_scratch_write_back), while the next rounds are annotated:
 * what ends the build (the blocks moved, the sync) has little left to
 * write.
 *
 * The scratch file then becomes the index (qr_corpus_spill_settle): its
 * first region holds the documents' texts, one after the other as the
 * index holds them (each round writes its spans' texts there:
 * qr_corpus_spill_put_text), and the blocks of the texts, the arrays and
 * the postings are moved by the file system into the places the index gives
 * them (ext4 and XFS move blocks with FALLOC_FL_COLLAPSE_RANGE and
 * _INSERT_RANGE, without copying a byte); the rest of the index is written
 * around them. Where blocks cannot be moved (tmpfs, btrfs, another file
 * system than the index's, a scratch file with no O_TMPFILE: tried when the
 * file is made, and the texts are then not written there), the index is
 * copied from the scratch file instead, whose disk is freed behind the copy;
 * the file is the same, byte for byte. Texts unescaped from JSON Lines have
 * a scratch file of their own (the annotation reads them there), which no
 * move disturbs.
 *
 * Nothing is lost when the guess of room is wrong (a file that grew since
 * it was listed): the arrays are copied into memory (qr_corpus_unspill)
 * and the build goes on as a plain one. */
#define _GNU_SOURCE   /* fallocate */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus/corpus_impl.h"

/* disk is given to the arrays this many elements at a time */
#define GIVE_STEP ((size_t)1 << 20)

struct qr_spill {
  qr_scratch file;               /* the documents' texts, the arrays, then the postings */
  qr_scratch texts;              /* the texts: a file of their own, which settling leaves be */
  size_t tok_cap, sent_cap;      /* room for so many */
  size_t tok_given, sent_given;  /* ... of which so many have disk under them */
  uint32_t *post;                /* room for tok_cap postings */
  char *text;                    /* room for texts unescaped from JSON Lines, or NULL */
  size_t text_cap, text_used, text_given;
  qr_error err;                  /* why the scratch file failed (a full disk) */
  int settled;                   /* its blocks moved: the arrays are no longer where they were */
  int trimmed;                   /* cut right after the postings (qr_corpus_spill_postings) */
  int keeps_texts;               /* the texts are written at the file's start (it can settle) */
  atomic_uint_fast64_t text_put; /* ... so many bytes of them */
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

/* 1 if the file system of fd moves blocks (FALLOC_FL_COLLAPSE_RANGE), as
 * settling wants: tried on the first block of the empty file of size
 * bytes, which is then given its size back; -1 when it cannot be. */
static int moves_blocks(int fd, size_t size) {
  if (size < 2 * SETTLE_ALIGN || fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, SETTLE_ALIGN) != 0)
    return 0;
  return ftruncate(fd, (off_t)size) == 0 ? 1 : -1;
}

qr_status qr_corpus_spill(qr_corpus *c, const char *dir, uint64_t text_bytes, qr_error *err) {
  if (c->spill || c->frozen || c->toks.n || c->sents.n)
    return qr_error_set(err, QR_EARG, "a corpus spills before its first token");
  size_t room = (size_t)text_bytes + 4096;   /* + a margin for the last block's reservation */
  if (room > c->max_tokens + (size_t)4096) room = c->max_tokens + 4096;
  struct qr_spill *s = calloc(1, sizeof *s);
  if (!s) return qr_error_set(err, QR_ENOMEM, "out of memory");
  s->tok_cap = s->sent_cap = room;
  atomic_init(&s->text_put, 0);
  spilled a[NSPILLED];
  spilled_arrays(c, a);
  /* the texts (of as many bytes as the files hold at most), the arrays,
   * the postings */
  size_t total = round_up(room, 4096) + round_up(room * 4, 4096);
  for (int k = 0; k < NSPILLED; k++) total += round_up(room * a[k].elem, 4096);
  qr_status rc = qr_scratch_open(&s->file, dir, total, err);
  int moves = rc ? 0 : moves_blocks(s->file.fd, s->file.size);
  if (moves < 0) {
    rc = qr_error_set(err, QR_EIO, "%s: scratch file: %s", dir, strerror(errno));
    qr_scratch_close(&s->file);
  }
  if (rc) {
    free(s);
    return rc;
  }
  /* the texts are written only where the file can become the index */
  s->keeps_texts = s->file.unnamed && moves;
  /* no file for the texts: they go to memory (qr_corpus_spill_text) */
  qr_error ignored = {0};
  if (qr_scratch_open(&s->texts, dir, room, &ignored) == QR_OK) {
    s->text = s->texts.base;
    s->text_cap = room;
  }
  /* the (empty) arrays of memory go; the file's take their place */
  qr_tokens_free(&c->toks);
  qr_sentences_free(&c->sents);
  free(c->form);
  free(c->fold);
  char *at = s->file.base + round_up(room, 4096);
  for (int k = 0; k < NSPILLED; k++) {
    *a[k].p = at;
    at += round_up(room * a[k].elem, 4096);
  }
  s->post = (uint32_t *)(void *)at;
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
  qr_scratch_close(&c->spill->texts);
  free(c->spill);
  c->spill = NULL;
}

int qr_corpus_spilled(const qr_corpus *c, const void *p) {
  return c->spill && (qr_scratch_holds(&c->spill->file, p) || qr_scratch_holds(&c->spill->texts, p));
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

void qr_corpus_spill_written(const qr_corpus *c, const void *p, size_t n) {
  qr_pages_drop(p, n);
  if (c->spill && qr_scratch_holds(&c->spill->file, p)) qr_scratch_write_back(&c->spill->file, p, n);
}

void qr_corpus_drop_pages(const qr_corpus *c, size_t t0, size_t t1, size_t s0, size_t s1) {
  if (!c->spill && !c->frozen) return;   /* malloc'ed pages would be zeroed */
  spilled a[NSPILLED];
  spilled_arrays((qr_corpus *)c, a);   /* (only read) */
  for (int k = 0; k < NSPILLED; k++) {
    size_t from = a[k].per_sentence ? s0 : t0, to = a[k].per_sentence ? s1 : t1;
    if (to > from) qr_corpus_spill_written(c, (char *)*a[k].p + from * a[k].elem, (to - from) * a[k].elem);
  }
}

void qr_corpus_spill_copy(qr_corpus *c, void *dst, const void *src, size_t n) {
  struct qr_spill *s = c->spill;
  if (s && n && qr_scratch_holds(&s->file, dst)) {
    off_t at = (off_t)((char *)dst - s->file.base);
    size_t done = 0;
    while (done < n) {
      ssize_t w = pwrite(s->file.fd, (const char *)src + done, n - done, at + (off_t)done);
      if (w <= 0) break;
      done += (size_t)w;
    }
    /* the disk is given (qr_corpus_room): a write through the mapping is
     * safe where pwrite failed */
    if (done < n) memcpy((char *)dst + done, (const char *)src + done, n - done);
    return;
  }
  if (n) memcpy(dst, src, n);
}

#define PUT_STEP ((size_t)1 << 20)

void qr_corpus_spill_put_text(qr_corpus *c, const docrec *d, size_t a, size_t e, int drop) {
  struct qr_spill *s = c->spill;
  /* past the room (a file grown since it was listed), the texts are not
   * all there, and the index is copied */
  if (!s || !s->keeps_texts || e <= a || d->text_at + d->len > s->tok_cap) return;
  off_t at = (off_t)(d->text_at + a);
  size_t n = e - a, done = 0;
  while (done < n) {
    /* a step at a time: a text that is a file's mapping has the pages read
     * let go behind (a kept document's text is written whole) */
    size_t step = n - done < PUT_STEP ? n - done : PUT_STEP;
    ssize_t w = pwrite(s->file.fd, d->text + a + done, step, at + (off_t)done);
    if (w <= 0) return;   /* (a full disk: the texts are not all there) */
    if (drop && d->mapped) qr_pages_drop(d->text + a + done, (size_t)w);
    done += (size_t)w;
  }
  atomic_fetch_add(&s->text_put, n);
  qr_scratch_write_back(&s->file, s->file.base + at, n);
}

/* The bytes of c's texts. */
static uint64_t text_bytes(const qr_corpus *c) {
  return c->ndocs ? c->docs[c->ndocs - 1].text_at + c->docs[c->ndocs - 1].len : 0;
}

uint32_t *qr_corpus_spill_postings(qr_corpus *c, qr_error *err) {
  struct qr_spill *s = c->spill;
  if (!s || c->toks.n > s->tok_cap || s->settled) return NULL;
  if (qr_scratch_allocate(&s->file, s->post, c->toks.n * 4, &s->err)) {
    qr_error_set(err, QR_EIO, "%s", s->err.msg);
    return NULL;
  }
  /* the file that can become the index is cut where the index will end,
   * the postings' last byte, before they are written: cut once settled
   * (after the hashing let the page cache go, the moves dropped it, or the
   * writing back began), the file system read the last block back from
   * the disk (or waited for its writing) to zero its tail, up to 8 ms on
   * one thread */
  if (s->keeps_texts && !s->trimmed &&
      ftruncate(s->file.fd, (off_t)((char *)s->post - s->file.base) + (off_t)c->toks.n * 4) == 0)
    s->trimmed = 1;
  return s->post;
}

char *qr_corpus_spill_text(qr_corpus *c, size_t len) {
  struct qr_spill *s = c->spill;
  if (!s || !s->text || len > s->text_cap - s->text_used) return NULL;
  size_t end = s->text_used + len;
  if (end > s->text_given) {
    size_t to = end > s->text_given + (GIVE_STEP << 2) ? end : s->text_given + (GIVE_STEP << 2);
    if (to > s->text_cap) to = s->text_cap;
    qr_error ignored = {0};   /* no disk: the text goes to memory instead */
    if (qr_scratch_allocate(&s->texts, s->text + s->text_given, to - s->text_given, &ignored))
      return NULL;
    s->text_given = to;
  }
  char *p = s->text + s->text_used;
  s->text_used = end;
  return p;
}

void qr_corpus_spill_text_done(qr_corpus *c, const char *text) {
  struct qr_spill *s = c->spill;
  if (!s || !s->text || text < s->text || text > s->text + s->text_used) return;
  /* from the first page of this text to the last page written whole: a
   * text shares its first page with the one before, done with already,
   * which a drop of its own bytes would keep */
  size_t from = (size_t)(text - s->text) & ~(size_t)4095, to = s->text_used & ~(size_t)4095;
  if (to > from) qr_pages_drop(s->text + from, to - from);
}

void qr_corpus_spill_discard(qr_corpus *c, const void *p, size_t n) {
  if (!c->spill) return;
  qr_scratch_discard(qr_scratch_holds(&c->spill->texts, p) ? &c->spill->texts : &c->spill->file, p, n);
}

void qr_corpus_spill_uncache(const qr_corpus *c, const void *p, size_t n) {
  const struct qr_spill *s = c->spill;
  if (!s || !qr_scratch_holds(&s->file, p)) return;
  posix_fadvise(s->file.fd, (off_t)((const char *)p - s->file.base), (off_t)n, POSIX_FADV_DONTNEED);
}

void qr_corpus_spill_uncache_texts(const qr_corpus *c, uint64_t at, size_t n) {
  const struct qr_spill *s = c->spill;
  if (s && s->keeps_texts && n) posix_fadvise(s->file.fd, (off_t)at, (off_t)n, POSIX_FADV_DONTNEED);
}

/* ---- settling: the scratch file becomes the index ------------------------- */

/* Moves the file's bytes at [at, EOF) by delta (> 0: a hole of zeros
 * opened at at; < 0: [at, at - delta) cut out). Both are block moves of the
 * file system (ext4, XFS): nothing is copied. */
static int shift(int fd, uint64_t at, int64_t delta) {
  if (delta == 0) return 0;
  if (delta > 0) return fallocate(fd, FALLOC_FL_INSERT_RANGE, (off_t)at, (off_t)delta);
  return fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, (off_t)at, (off_t)-delta);
}

int qr_corpus_spill_fd(const qr_corpus *c) {
  struct qr_spill *s = c->spill;
  return s && s->keeps_texts && !s->settled && c->toks.n && c->post_pos == s->post &&
                 qr_scratch_holds(&s->file, c->toks.start) &&
                 atomic_load(&s->text_put) == text_bytes(c)
             ? s->file.fd
             : -1;
}

qr_status qr_corpus_spill_settle(qr_corpus *c, const uint64_t *at, int *fd, qr_error *err) {
  struct qr_spill *s = c->spill;
  *fd = -1;
  if (qr_corpus_spill_fd(c) < 0) return QR_EARG;
  spilled a[NSPILLED];
  spilled_arrays(c, a);
  /* each region's place in the scratch file, its bytes, where it goes: the
   * texts, the arrays, the postings */
  enum { NREGIONS = NSPILLED + 2 };
  uint64_t from[NREGIONS], used[NREGIONS];
  from[0] = 0;
  used[0] = text_bytes(c);
  for (int k = 0; k < NSPILLED; k++) {
    if (!qr_scratch_holds(&s->file, *a[k].p)) return QR_EARG;
    from[k + 1] = (uint64_t)((char *)*a[k].p - s->file.base);
    used[k + 1] = (a[k].per_sentence ? c->sents.n : c->toks.n) * a[k].elem;
  }
  from[NREGIONS - 1] = (uint64_t)((char *)s->post - s->file.base);
  used[NREGIONS - 1] = c->toks.n * 4;
  for (int k = 0; k < NREGIONS; k++)
    if (at[k] % SETTLE_ALIGN || from[k] % SETTLE_ALIGN ||
        (k && at[k] < at[k - 1] + round_up(used[k - 1], SETTLE_ALIGN)))
      return QR_EARG;
  /* what a region's last block holds past its end (tokens undone) goes:
   * the file's bytes between sections are zeros */
  for (int k = 0; k < NREGIONS - s->trimmed; k++) {   /* (a trimmed file ends at the postings') */
    uint64_t end = round_up(used[k], SETTLE_ALIGN);
    char *p = s->file.base + from[k];
    if (end > used[k] && qr_scratch_allocate(&s->file, p + used[k], end - used[k], &s->err))
      return qr_error_set(err, QR_EIO, "%s", s->err.msg);
    memset(p + used[k], 0, end - used[k]);
  }
  /* the room past the postings goes, then the gaps are closed (or opened)
   * from the last region to the first: a move never shifts what is below
   * it. A move writes back all above it first (the file system wants it on
   * disk before it moves blocks): little, the rounds having started that
   * writing (qr_corpus_drop_pages), and what an fsync would write anyway */
  int e = 0;
  if (!s->trimmed &&
      ftruncate(s->file.fd, (off_t)(from[NREGIONS - 1] + round_up(used[NREGIONS - 1], SETTLE_ALIGN))))
    e = errno;
  for (int k = NREGIONS - 1; k > 0 && !e; k--) {
    uint64_t end = from[k - 1] + round_up(used[k - 1], SETTLE_ALIGN);
    int64_t delta = (int64_t)(at[k] - at[k - 1]) - (int64_t)(from[k] - from[k - 1]);
    if (shift(s->file.fd, end, delta)) e = errno;
    else if (delta) s->settled = 1;
  }
  if (!e && shift(s->file.fd, 0, (int64_t)at[0] - (int64_t)from[0])) e = errno;
  if (!e) {
    s->settled = 1;
    *fd = s->file.fd;
    return QR_OK;
  }
  /* the first move failed: nothing moved, and the arrays are as they were
   * (this file system moves no blocks: the index is copied instead) */
  if (!s->settled && (e == EOPNOTSUPP || e == EINVAL || e == ENOSYS)) return QR_EARG;
  return qr_error_set(err, QR_EIO, "%s: scratch file: %s", s->file.dir, strerror(e));
}
