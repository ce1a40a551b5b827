/* index.c — a corpus written to one file and mapped back in place.
 *
 * The file is the corpus's own arrays written back to back after a header
 * that says where each one is (quarry/index.h describes what is checked
 * when). Mapping it back points the corpus's arrays into the mapping: no
 * parsing, no copying of what grows with tokens, so that opening costs what
 * the documents and the distinct words cost, not what the text costs.
 *
 * Each section's checksum is the hash of its 1 MiB blocks in order, so that
 * a section written in pieces (the texts, document by document) and one
 * read back whole hash alike. */
#define _GNU_SOURCE   /* fallocate */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus/corpus_impl.h"
#include "quarry/file.h"

#define MAGIC "QRIDX\r\n\x1a"
#define FORMAT_VERSION 1u
#define BYTE_ORDER_MARK 0x01020304u
#define BLOCK (1u << 20)

/* The sections, in file order: first those that grow with documents and
 * distinct words (checked at every open), then those that grow with tokens
 * (checked by qr_index_verify). */
enum {
  S_INFO, S_SOURCES, S_DOCS, S_STRINGS, S_META_OFF, S_WARN_OFF, S_SKIP_OFF, S_ROOT_OFF,
  S_LEX_BYTES, S_LEX_OFF, S_LEX_LEN, S_LEX_SLOTS,
  S_DID_BYTES, S_DID_OFF, S_DID_LEN, S_DID_SLOTS,
  S_FOLD_OF, S_POST_START,
  S_TEXT, S_TOK_START, S_TOK_LEN, S_TOK_KIND, S_TOK_FLAGS, S_TOK_SPLIT, S_FORM, S_FOLD,
  S_SENT_FIRST, S_SENT_COUNT, S_SENT_FLAGS,
  S_MENT_FIRST, S_MENT_COUNT, S_MENT_ENTRY, S_MENT_FLAGS, S_MENT_CFIRST, S_MENT_CCOUNT, S_CANDS,
  S_POST_POS,
  NSECT,
  S_FIRST_BULK = S_TEXT
};

static const char *const section_name[NSECT] = {
  "info", "sources", "documents", "strings", "metadata", "warnings", "skipped files", "roots",
  "lexicon", "lexicon offsets", "lexicon lengths", "lexicon table",
  "document ids", "document id offsets", "document id lengths", "document id table",
  "folds", "postings table",
  "texts", "token starts", "token lengths", "token kinds", "token flags", "token splits",
  "forms", "folded forms", "sentence starts", "sentence lengths", "sentence flags",
  "mention starts", "mention lengths", "mention entries", "mention flags",
  "mention candidates", "mention candidate counts", "candidates", "postings"};

/* The counts that size the sections. */
enum {
  C_DOCS, C_STRINGS, C_META, C_WARN, C_SKIP, C_ROOTS, C_SRCS, C_INFO,
  C_LEX, C_LEX_BYTES, C_LEX_SLOTS, C_DID, C_DID_BYTES, C_DID_SLOTS,
  C_TEXT, C_TOKENS, C_SENTS, C_MENTS, C_CANDS,
  NCOUNT
};

typedef struct header {
  char magic[8];
  uint32_t version, byte_order;
  uint64_t file_size;
  uint64_t gazetteer_print, segmenter_print;
  uint64_t count[NCOUNT];
  uint64_t offset[NSECT], bytes[NSECT], hash[NSECT];
  uint64_t header_hash;      /* of the header before this field */
} header;

/* A document as the file holds it. */
typedef struct disk_doc {
  uint64_t id_off, source_off, text_off, len, source_line, title_start, title_len;
  uint64_t tok_first, tok_count, sent_first, sent_count, ment_first, ment_count;
  uint64_t meta_first, meta_count;
} disk_doc;

typedef struct disk_src {
  uint64_t path_off, size;
  int64_t mtime_ns;
} disk_src;

/* ---- checksums ------------------------------------------------------------ */

/* The checksum of n bytes: the hash of each 1 MiB block, combined in
 * order; drop: p is a file's mapping, whose pages are let go once hashed. */
static uint64_t checksum(const char *p, uint64_t n, int drop) {
  uint64_t h = 0;
  for (uint64_t a = 0; a < n; a += BLOCK) {
    size_t k = n - a < BLOCK ? (size_t)(n - a) : BLOCK;
    h = (h ^ qr_hash_bytes(p + a, k)) * 0x9E3779B97F4A7C15ULL;
    if (drop) qr_pages_drop(p + a, k);
  }
  return h;
}

/* ---- writing ---------------------------------------------------------------- */

/* The file is planned first (every section as pieces of memory at known
 * places), then written by several threads at once, each hashing the 1 MiB
 * blocks it writes; the blocks' hashes are combined in order afterwards.
 * The file is sized first, so the zeros between sections are never
 * written. An index build's token-sized sections are in its scratch file
 * already: they are hashed there, the scratch file becomes the index
 * (settle), and only the other sections are written. */

typedef struct piece {
  const char *p;
  uint64_t at;               /* its offset in its section */
  size_t n;
  int release;               /* once written: 0 kept, 1 let go (a mapped input), 2 freed
                              * (the scratch file of a spilled corpus) */
} piece;

typedef struct plan_section {
  piece *pieces;
  size_t npieces, cap;
  uint64_t *block_hash;      /* per 1 MiB block of the section */
  int settled;               /* in the file already (a scratch file made the index): hashed only */
  int hashed;                /* block_hash and the header's hash are done */
} plan_section;

typedef struct writer {
  header *h;
  qr_corpus *c;
  int mapped_input;          /* the pieces being put are a mapped input's */
  uint64_t at;               /* the file's size so far */
  plan_section sec[NSECT];
  int cur;                   /* the section being planned, or -1 */
  int failed;                /* out of memory while planning */
} writer;

static void put(writer *w, const void *p, size_t n) {
  if (w->failed || n == 0 || w->cur < 0) return;
  plan_section *ps = &w->sec[w->cur];
  if (qr_grow((void **)&ps->pieces, &ps->cap, ps->npieces + 1, sizeof *ps->pieces)) {
    w->failed = 1;
    return;
  }
  int release = qr_corpus_spilled(w->c, p) ? 2 : w->mapped_input;
  ps->pieces[ps->npieces++] = (piece){p, w->at - w->h->offset[w->cur], n, release};
  w->at += n;
}

static void end_section(writer *w) {
  if (w->cur < 0) return;
  w->h->bytes[w->cur] = w->at - w->h->offset[w->cur];
  w->cur = -1;
}

/* The sections an index build's scratch file holds, in its order: they
 * start on a block of the file, where the scratch file's blocks can be
 * moved to (qr_corpus_spill_settle). Every index is laid out so, settled or
 * copied, so that both are the same file. */
static const int settled_section[] = {S_TEXT, S_TOK_START, S_TOK_LEN, S_TOK_KIND, S_TOK_FLAGS,
                                      S_TOK_SPLIT, S_FORM, S_FOLD, S_SENT_FIRST,
                                      S_SENT_COUNT, S_SENT_FLAGS, S_POST_POS};
enum { NSETTLED = sizeof settled_section / sizeof *settled_section };

static int settles(int s) {
  for (int k = 0; k < NSETTLED; k++)
    if (settled_section[k] == s) return 1;
  return 0;
}

static void begin_section(writer *w, int s) {
  end_section(w);
  /* zeros between sections: never written */
  uint64_t align = settles(s) ? SETTLE_ALIGN : 8;
  w->at = (w->at + align - 1) & ~(align - 1);
  w->h->offset[s] = w->at;
  w->cur = s;
}

static void section(writer *w, int s, const void *p, size_t n) {
  begin_section(w, s);
  put(w, p, n);
  end_section(w);
}

static void write_lexicon(writer *w, int first, const qr_lexicon *lx, uint64_t *counts) {
  qr_lexicon_parts p;
  qr_lexicon_get_parts(lx, &p);
  section(w, first, p.bytes, p.nbytes);
  section(w, first + 1, p.off, p.n * sizeof *p.off);
  section(w, first + 2, p.len, p.n * sizeof *p.len);
  section(w, first + 3, p.slots, p.nslots * sizeof *p.slots);
  counts[0] = p.n;
  counts[1] = p.nbytes;
  counts[2] = p.nslots;
}

/* The records of the documents and sources, made for the file (owned by the
 * caller, alive until it is written). */
typedef struct records {
  disk_doc *docs;
  disk_src *srcs;
} records;

static void plan_body(writer *w, qr_corpus *c, const char *gazetteer, records *rec) {
  header *h = w->h;
  uint64_t *cn = h->count;
  /* info: the version that wrote it and the gazetteer used */
  begin_section(w, S_INFO);
  put(w, QR_VERSION, sizeof QR_VERSION);
  put(w, gazetteer, strlen(gazetteer) + 1);
  end_section(w);
  cn[C_INFO] = h->bytes[S_INFO];
  rec->srcs = malloc((c->nsrcs ? c->nsrcs : 1) * sizeof *rec->srcs);
  rec->docs = malloc((c->ndocs ? c->ndocs : 1) * sizeof *rec->docs);
  if (!rec->srcs || !rec->docs) {
    w->failed = 1;
    return;
  }
  for (size_t i = 0; i < c->nsrcs; i++)
    rec->srcs[i] = (disk_src){c->srcs[i].path_off, c->srcs[i].size, c->srcs[i].mtime_ns};
  section(w, S_SOURCES, rec->srcs, c->nsrcs * sizeof *rec->srcs);
  cn[C_SRCS] = c->nsrcs;
  uint64_t text_off = 0;
  for (size_t i = 0; i < c->ndocs; i++) {
    const docrec *r = &c->docs[i];
    rec->docs[i] = (disk_doc){r->id_off, r->source_off, text_off, r->len, r->source_line,
                              r->title_start, r->title_len, r->tok_first, r->tok_count,
                              r->sent_first, r->sent_count, r->ment_first, r->ment_count,
                              r->meta_first, r->meta_count};
    text_off += r->len;
  }
  section(w, S_DOCS, rec->docs, c->ndocs * sizeof *rec->docs);
  cn[C_DOCS] = c->ndocs;
  section(w, S_STRINGS, c->strings.data, c->strings.len);
  cn[C_STRINGS] = c->strings.len;
  section(w, S_META_OFF, c->meta_off, c->nmeta * sizeof *c->meta_off);
  cn[C_META] = c->nmeta;
  section(w, S_WARN_OFF, c->warn_off, c->nwarn * sizeof *c->warn_off);
  cn[C_WARN] = c->nwarn;
  section(w, S_SKIP_OFF, c->skip_off, 2 * c->nskip * sizeof *c->skip_off);
  cn[C_SKIP] = c->nskip;
  section(w, S_ROOT_OFF, c->root_off, c->nroots * sizeof *c->root_off);
  cn[C_ROOTS] = c->nroots;
  write_lexicon(w, S_LEX_BYTES, c->lex, cn + C_LEX);
  write_lexicon(w, S_DID_BYTES, c->docids, cn + C_DID);
  size_t nlex = qr_lexicon_size(c->lex);
  section(w, S_FOLD_OF, c->fold_of, nlex * sizeof *c->fold_of);
  section(w, S_POST_START, c->post_start, (nlex + 1) * sizeof *c->post_start);
  begin_section(w, S_TEXT);
  for (size_t i = 0; i < c->ndocs; i++) {
    w->mapped_input = c->spill && c->docs[i].mapped;
    put(w, c->docs[i].text, c->docs[i].len);
  }
  w->mapped_input = 0;
  end_section(w);
  cn[C_TEXT] = text_off;
  size_t nt = c->toks.n, ns = c->sents.n, nm = c->ments.n;
  section(w, S_TOK_START, c->toks.start, nt * 4);
  section(w, S_TOK_LEN, c->toks.len, nt * 4);
  section(w, S_TOK_KIND, c->toks.kind, nt);
  section(w, S_TOK_FLAGS, c->toks.flags, nt);
  section(w, S_TOK_SPLIT, c->toks.split, nt);
  section(w, S_FORM, c->form, nt * 4);
  section(w, S_FOLD, c->fold, nt * 4);
  cn[C_TOKENS] = nt;
  section(w, S_SENT_FIRST, c->sents.first, ns * 4);
  section(w, S_SENT_COUNT, c->sents.count, ns * 4);
  section(w, S_SENT_FLAGS, c->sents.flags, ns);
  cn[C_SENTS] = ns;
  section(w, S_MENT_FIRST, c->ments.tok_first, nm * 4);
  section(w, S_MENT_COUNT, c->ments.tok_count, nm * 4);
  section(w, S_MENT_ENTRY, c->ments.entry, nm * 4);
  section(w, S_MENT_FLAGS, c->ments.flags, nm);
  section(w, S_MENT_CFIRST, c->ments.cand_first, nm * 4);
  section(w, S_MENT_CCOUNT, c->ments.cand_count, nm * 4);
  section(w, S_CANDS, c->ments.cands, c->ments.ncands * 4);
  cn[C_MENTS] = nm;
  cn[C_CANDS] = c->ments.ncands;
  section(w, S_POST_POS, c->post_pos, nt * 4);
}

/* A unit of writing: UNIT_BLOCKS blocks of a section. */
#define UNIT_BLOCKS 8
typedef struct emit_job {
  writer *w;
  int fd;
  qr_progress_fn progress;   /* drawn by the thread that called emit, or NULL */
  void *progress_ud;
  pthread_t caller;
  uint64_t total;            /* the bytes of the sections */
  atomic_uint_fast64_t written;
  size_t nunits;
  int *unit_sec;
  uint64_t *unit_at;
  atomic_size_t next;
  atomic_int error;          /* an errno, or 0 */
  int hash_only;             /* the sections are in the file already */
  char *map;                 /* the file, mapped: gathered into it and hashed there */
} emit_job;

/* The bytes of section s at [at, at + n) from its pieces: a pointer into
 * one piece, or gathered into buf. */
static const char *gather(const plan_section *ps, uint64_t at, size_t n, char *buf) {
  size_t lo = 0, hi = ps->npieces;
  while (hi - lo > 1) {   /* the last piece starting at or before at */
    size_t mid = (lo + hi) / 2;
    if (ps->pieces[mid].at <= at) lo = mid;
    else hi = mid;
  }
  const piece *pc = &ps->pieces[lo];
  if (at + n <= pc->at + pc->n) return pc->p + (at - pc->at);
  for (size_t got = 0; got < n; pc++) {
    uint64_t from = at + got - pc->at;
    size_t k = pc->n - from < n - got ? (size_t)(pc->n - from) : n - got;
    memcpy(buf + got, pc->p + from, k);
    got += k;
  }
  return buf;
}

/* Lets go of what the pieces of section s at [at, at + n) came from, where
 * they say so: written, they are not read again. keep: only hashed (they
 * are the index's, or copies of it), their pages are let go (and the
 * scratch file's page cache), nothing more. */
static void release_sources(qr_corpus *c, const plan_section *ps, uint64_t at, size_t n,
                            int keep) {
  size_t lo = 0, hi = ps->npieces;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (ps->pieces[mid].at <= at) lo = mid;
    else hi = mid;
  }
  for (size_t k = lo; k < ps->npieces && ps->pieces[k].at < at + n; k++) {
    const piece *pc = &ps->pieces[k];
    if (!pc->release) continue;
    uint64_t a = at > pc->at ? at : pc->at, e = at + n < pc->at + pc->n ? at + n : pc->at + pc->n;
    if (e <= a) continue;
    const char *src = pc->p + (a - pc->at);
    if (pc->release == 2 && !keep) qr_corpus_spill_discard(c, src, (size_t)(e - a));
    else qr_pages_drop(src, (size_t)(e - a));
    /* hashed where they are: they are about to be moved (settle), and each
     * move drops the page cache above it on one thread; dropped here,
     * on every thread that hashes, the moves find little left */
    if (keep) qr_corpus_spill_uncache(c, src, (size_t)(e - a));
  }
}

/* n more bytes written: the bar moves (drawn by one thread only). */
static void written(emit_job *j, size_t n) {
  uint64_t done = atomic_fetch_add(&j->written, n) + n;
  if (j->progress && pthread_equal(pthread_self(), j->caller))
    j->progress(j->progress_ud, done, j->total, j->w->c->ndocs);
}

static void *emit_units(void *p) {
  emit_job *j = p;
  char *buf = malloc((size_t)UNIT_BLOCKS * BLOCK);
  if (!buf) {
    atomic_store(&j->error, ENOMEM);
    return NULL;
  }
  for (;;) {
    size_t u = atomic_fetch_add(&j->next, 1);
    if (u >= j->nunits || atomic_load(&j->error)) break;
    int s = j->unit_sec[u];
    plan_section *ps = &j->w->sec[s];
    uint64_t at = j->unit_at[u], size = j->w->h->bytes[s];
    size_t n = size - at < (uint64_t)UNIT_BLOCKS * BLOCK ? (size_t)(size - at)
                                                          : (size_t)UNIT_BLOCKS * BLOCK;
    off_t where = (off_t)(j->w->h->offset[s] + at);
    int hash = !ps->hashed;
    if (j->hash_only && !ps->settled) {
      /* a section written after the settling, hashed now, on every thread:
       * what is left after the blocks are moved is writing only */
      const char *data = gather(ps, at, n, buf);
      for (size_t k = 0; k < n; k += BLOCK)
        ps->block_hash[(at + k) / BLOCK] = qr_hash_bytes(data + k, n - k < BLOCK ? n - k : BLOCK);
      continue;
    }
    if (j->map) {   /* gathered straight into the file, hashed there */
      char *dst = j->map + where;
      /* disk first (see emit), a unit at a time: the scratch file of a
       * spilled corpus frees its disk as the index takes it */
      if (fallocate(j->fd, 0, where, (off_t)n) != 0) {
        atomic_store(&j->error, errno);
        break;
      }
      const char *src = gather(ps, at, n, dst);
      if (src != dst) memcpy(dst, src, n);
      for (size_t k = 0; hash && k < n; k += BLOCK)
        ps->block_hash[(at + k) / BLOCK] = qr_hash_bytes(dst + k, n - k < BLOCK ? n - k : BLOCK);
      /* done with these pages: out of this process's memory (they stay in
       * the page cache, to be written back; a shared file mapping keeps
       * what was written) */
      qr_pages_drop(dst, n);
      release_sources(j->w->c, ps, at, n, 0);
      written(j, n);
      continue;
    }
    const char *data = gather(ps, at, n, buf);
    for (size_t k = 0; hash && k < n; k += BLOCK)
      ps->block_hash[(at + k) / BLOCK] = qr_hash_bytes(data + k, n - k < BLOCK ? n - k : BLOCK);
    if (j->hash_only) {
      /* read: out of this process's memory, from a piece or from several
       * (the texts of small documents, gathered) */
      release_sources(j->w->c, ps, at, n, 1);
      /* and the scratch file's copy of the texts, hashed where they came
       * from, out of the page cache: the last move opens room before them,
       * and a move drops the page cache above it on one thread (100 MB of
       * texts kept it 7 ms, every other thread waiting) */
      if (s == S_TEXT) qr_corpus_spill_uncache_texts(j->w->c, at, n);
      written(j, n);
      continue;
    }
    for (size_t done = 0; done < n;) {
      ssize_t r = pwrite(j->fd, data + done, n - done, where + (off_t)done);
      if (r <= 0) {
        atomic_store(&j->error, r < 0 ? errno : EIO);
        break;
      }
      done += (size_t)r;
    }
    release_sources(j->w->c, ps, at, n, 0);
    written(j, n);
  }
  free(buf);
  return NULL;
}

/* How emit writes the sections of a plan. */
enum {
  EMIT_ALL,        /* every section, into a file sized and mapped here */
  EMIT_SETTLED,    /* the settled ones: hashed where they are */
  EMIT_REST        /* the others, with pwrite, into a file sized already */
};

/* 1 if emit writes (or hashes) section ps when told how: the settled ones
 * are hashed with the others, which are written after the settling. */
static int emits(int how, const plan_section *ps) {
  return how == EMIT_ALL || (how == EMIT_SETTLED ? ps->settled || !ps->hashed : !ps->settled);
}

/* Writes the planned sections to fd and hashes them, on up to jobs threads,
 * as `how` says: through a mapping of the file when it can be mapped, else
 * with pwrite (writers of one file wait for each other in the kernel, but
 * hash while they wait); 0, or an errno. *done: the bytes done before, then
 * after (for the progress bar). */
static int emit(writer *w, int fd, size_t jobs, int how, uint64_t *done,
                qr_progress_fn progress, void *progress_ud) {
  size_t nunits = 0;
  uint64_t total = 0;
  for (int s = 0; s < NSECT; s++) {
    total += w->h->bytes[s];
    if (!emits(how, &w->sec[s])) continue;
    nunits += (w->h->bytes[s] + (uint64_t)UNIT_BLOCKS * BLOCK - 1) / ((uint64_t)UNIT_BLOCKS * BLOCK);
  }
  emit_job j = {.w = w, .fd = fd, .progress = progress, .progress_ud = progress_ud,
                .caller = pthread_self(), .total = total, .hash_only = how == EMIT_SETTLED,
                .unit_sec = malloc((nunits ? nunits : 1) * sizeof(int)),
                .unit_at = malloc((nunits ? nunits : 1) * sizeof(uint64_t))};
  atomic_init(&j.written, *done);
  atomic_init(&j.next, 0);
  atomic_init(&j.error, 0);
  int e = 0, hashing = 0;
  if (!j.unit_sec || !j.unit_at) e = ENOMEM;
  for (int s = 0; s < NSECT && !e; s++) {
    if (!emits(how, &w->sec[s])) continue;
    uint64_t size = w->h->bytes[s];
    if (!w->sec[s].hashed) {
      /* (written again where a settling failed: the bytes are the same) */
      hashing = 1;
      free(w->sec[s].block_hash);
      w->sec[s].block_hash = malloc((size / BLOCK + 1) * sizeof(uint64_t));
      if (!w->sec[s].block_hash) e = ENOMEM;
    }
    for (uint64_t at = 0; at < size && !e; at += (uint64_t)UNIT_BLOCKS * BLOCK) {
      j.unit_sec[j.nunits] = s;
      j.unit_at[j.nunits++] = at;
    }
  }
  if (!e && how == EMIT_ALL && ftruncate(fd, (off_t)w->at) != 0) e = errno;
  /* disk first: a write into a mapped page with no disk under it is a
   * SIGBUS when the disk is full, not an error; each unit is given its disk
   * before it is written (where the space cannot be given in advance, the
   * file is written with pwrite) */
  int given = 0;
  if (!e && how == EMIT_ALL && w->at) {
    given = fallocate(fd, 0, 0, (off_t)sizeof(header)) == 0;
    if (!given && errno != EOPNOTSUPP && errno != ENOSYS) e = errno;
  }
  if (!e && given) {
    void *m = mmap(NULL, (size_t)w->at, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m != MAP_FAILED) j.map = m;
  }
  if (!e) {
    pthread_t tid[16];
    size_t started = 0;
    /* writing only (pwrite): one thread, the others would wait for it */
    if (!hashing && !j.map) jobs = 1;
    for (size_t i = 1; i < jobs && i < 16; i++) {
      if (pthread_create(&tid[i], NULL, emit_units, &j) != 0) break;
      started = i;
    }
    emit_units(&j);
    for (size_t i = 1; i <= started; i++) pthread_join(tid[i], NULL);
    /* the bar's end, whichever thread wrote the last unit */
    *done = atomic_load(&j.written);
    if (progress) progress(progress_ud, *done, total, w->c->ndocs);
    e = atomic_load(&j.error);
  }
  if (j.map && munmap(j.map, (size_t)w->at) != 0 && !e) e = errno;
  for (int s = 0; s < NSECT && !e; s++) {
    if (!emits(how, &w->sec[s]) || w->sec[s].hashed) continue;
    uint64_t h = 0;
    for (uint64_t k = 0; k < (w->h->bytes[s] + BLOCK - 1) / BLOCK; k++)
      h = (h ^ w->sec[s].block_hash[k]) * 0x9E3779B97F4A7C15ULL;
    w->h->hash[s] = h;
    w->sec[s].hashed = 1;
  }
  free(j.unit_sec);
  free(j.unit_at);
  return e;
}

/* An index build's scratch file made the index, where it can be (its
 * arrays' blocks moved into place, not copied: qr_corpus_spill_settle):
 * the settled sections are hashed where they are, the scratch file is put
 * in place of o's temporary file, and the other sections are written into
 * it. Nothing done when it cannot be; *e: an errno. */
static qr_status settle(writer *w, qr_outfile *o, int *e, uint64_t *done,
                        qr_progress_fn progress, void *progress_ud, qr_error *err) {
  qr_corpus *c = w->c;
  int sfd = qr_corpus_spill_fd(c);
  if (sfd < 0 || !qr_outfile_can_adopt(o, sfd)) return QR_OK;
  uint64_t at[NSETTLED];
  for (int k = 0; k < NSETTLED; k++) {
    at[k] = w->h->offset[settled_section[k]];
    w->sec[settled_section[k]].settled = 1;
  }
  *e = emit(w, sfd, c->jobs, EMIT_SETTLED, done, progress, progress_ud);
  int settled_fd;
  qr_status rc = *e ? QR_OK : qr_corpus_spill_settle(c, at, &settled_fd, err);
  if (rc == QR_EARG) {   /* nothing moved: copied instead */
    for (int k = 0; k < NSETTLED; k++) w->sec[settled_section[k]].settled = 0;
    *done = 0;
    return QR_OK;
  }
  if (rc || *e) return rc;
  if ((rc = qr_outfile_adopt(o, settled_fd, err))) return rc;
  /* (a file cut at its size already, its postings' end, is not cut again:
   * the file system would read its last block back to zero its tail) */
  struct stat st;
  if (fstat(settled_fd, &st) != 0 ||
      (st.st_size != (off_t)w->at && ftruncate(settled_fd, (off_t)w->at) != 0))
    *e = errno;
  else
    *e = emit(w, settled_fd, c->jobs, EMIT_REST, done, progress, progress_ud);
  return QR_OK;
}

/* qr_index_write, with a progress bar of the bytes written (or NULL). */
static qr_status index_write(qr_corpus *c, const char *path, const char *gazetteer,
                             qr_progress_fn progress, void *progress_ud, qr_error *err);

qr_status qr_index_write(qr_corpus *c, const char *path, const char *gazetteer, qr_error *err) {
  return index_write(c, path, gazetteer, NULL, NULL, err);
}

static qr_status index_write(qr_corpus *c, const char *path, const char *gazetteer,
                             qr_progress_fn progress, void *progress_ud, qr_error *err) {
  if (!gazetteer) gazetteer = "";
  /* the inverted index goes in the file: built now if it is not yet */
  const uint32_t *pos;
  size_t npos;
  qr_status prc = qr_corpus_postings(c, 0, &pos, &npos);
  if (prc && qr_corpus_spill_error(c)) return qr_error_set(err, prc, "%s", qr_corpus_spill_error(c));
  if (prc) return qr_error_set(err, QR_ENOMEM, "out of memory");
  qr_buf gaz = {0};
  /* (a gazetteer built in keeps its name: it is no file) */
  if (*gazetteer && !qr_gazetteer_is_builtin(gazetteer) && qr_corpus_abspath(gazetteer, &gaz))
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  header h;
  memset(&h, 0, sizeof h);
  memcpy(h.magic, MAGIC, 8);
  h.version = FORMAT_VERSION;
  h.byte_order = BYTE_ORDER_MARK;
  h.gazetteer_print = qr_corpus_mentions_print(c, c->gaz);
  h.segmenter_print = qr_segmenter_fingerprint(c->seg);
  writer w;
  memset(&w, 0, sizeof w);
  w.h = &h;
  w.c = c;
  w.at = sizeof h;
  w.cur = -1;
  records rec = {NULL, NULL};
  plan_body(&w, c, gaz.len ? gaz.data : qr_gazetteer_is_builtin(gazetteer) ? gazetteer : "", &rec);
  h.file_size = w.at;
  /* a device or a FIFO is refused before it is opened (a FIFO would wait
   * for a reader first) */
  struct stat st;
  if (!w.failed && stat(path, &st) == 0 && !S_ISREG(st.st_mode)) w.failed = 2;
  qr_outfile o;
  qr_status rc = w.failed == 1 ? qr_error_set(err, QR_ENOMEM, "out of memory")
                 : w.failed  ? qr_error_set(err, QR_EIO, "%s: an index is written to a regular "
                                            "file (it is mapped when it is opened)", path)
                             : qr_outfile_open(&o, path, 0, err);
  if (!rc && (fstat(fileno(o.fp), &st) != 0 || !S_ISREG(st.st_mode))) {
    qr_outfile_abort(&o);
    rc = qr_error_set(err, QR_EIO, "%s: an index is written to a regular file (it is mapped "
                      "when it is opened)", path);
  }
  if (!rc) {
    /* the sections, then the header that checks them */
    int e = 0;
    uint64_t done = 0;
    rc = settle(&w, &o, &e, &done, progress, progress_ud, err);
    if (!rc && !e && !w.sec[S_TOK_START].settled)
      e = emit(&w, fileno(o.fp), c->jobs, EMIT_ALL, &done, progress, progress_ud);
    if (!rc && !e) {
      h.header_hash = qr_hash_bytes(&h, offsetof(header, header_hash));
      if (pwrite(fileno(o.fp), &h, sizeof h, 0) != (ssize_t)sizeof h) e = errno ? errno : EIO;
    }
    if (rc) {
      qr_outfile_abort(&o);
    } else if (e) {
      qr_outfile_abort(&o);
      rc = qr_error_set(err, e == ENOMEM ? QR_ENOMEM : QR_EIO, "%s: %s", path, strerror(e));
    } else {
      rc = qr_outfile_commit(&o, err);
    }
  }
  for (int s = 0; s < NSECT; s++) {
    free(w.sec[s].pieces);
    free(w.sec[s].block_hash);
  }
  free(rec.docs);
  free(rec.srcs);
  qr_buf_free(&gaz);
  return rc;
}

/* ---- opening ---------------------------------------------------------------- */

int qr_index_is_index(const char *path) {
  char m[8];
  struct stat st;   /* a FIFO would wait for a writer: only regular files are indexes */
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  FILE *fp = fopen(path, "rb");
  if (!fp) return 0;
  int yes = fread(m, 1, 8, fp) == 8 && memcmp(m, MAGIC, 8) == 0;
  fclose(fp);
  return yes;
}

static qr_status damaged(qr_error *err, const char *path, const char *what) {
  return qr_error_set(err, QR_EDATA, "%s: a damaged index (%s); make it again with quarry index",
                      path, what);
}

/* The header against the file: every section inside it, in order,
 * aligned, and of the size its counts say. */
static qr_status check_header(const header *h, uint64_t size, const char *path, qr_error *err) {
  if (h->version != FORMAT_VERSION || h->byte_order != BYTE_ORDER_MARK)
    return qr_error_set(err, QR_EDATA, "%s: an index of another version of quarry or of another "
                        "kind of machine; make it again with quarry index", path);
  if (h->header_hash != qr_hash_bytes(h, offsetof(header, header_hash)))
    return damaged(err, path, "its header");
  if (h->file_size != size)
    return qr_error_set(err, QR_EDATA, "%s: an index cut short or damaged (%llu bytes, made "
                        "with %llu); make it again with quarry index", path,
                        (unsigned long long)size, (unsigned long long)h->file_size);
  const uint64_t *c = h->count;
  for (int k = 0; k < NCOUNT; k++)
    if (c[k] > size) return damaged(err, path, "its counts");
  if (c[C_TOKENS] > QR_CORPUS_MAX_TOKENS || c[C_LEX] >= QR_LEX_NONE - 1 ||
      c[C_SENTS] > UINT32_MAX || c[C_MENTS] > UINT32_MAX || c[C_CANDS] > UINT32_MAX)
    return damaged(err, path, "its counts");
  uint64_t want[NSECT] = {
    [S_INFO] = c[C_INFO], [S_SOURCES] = c[C_SRCS] * sizeof(disk_src),
    [S_DOCS] = c[C_DOCS] * sizeof(disk_doc), [S_STRINGS] = c[C_STRINGS],
    [S_META_OFF] = 8 * c[C_META], [S_WARN_OFF] = 8 * c[C_WARN], [S_SKIP_OFF] = 16 * c[C_SKIP],
    [S_ROOT_OFF] = 8 * c[C_ROOTS],
    [S_LEX_BYTES] = c[C_LEX_BYTES], [S_LEX_OFF] = 8 * c[C_LEX], [S_LEX_LEN] = 4 * c[C_LEX],
    [S_LEX_SLOTS] = 8 * c[C_LEX_SLOTS],
    [S_DID_BYTES] = c[C_DID_BYTES], [S_DID_OFF] = 8 * c[C_DID], [S_DID_LEN] = 4 * c[C_DID],
    [S_DID_SLOTS] = 8 * c[C_DID_SLOTS],
    [S_FOLD_OF] = 4 * c[C_LEX], [S_POST_START] = 4 * (c[C_LEX] + 1),
    [S_TEXT] = c[C_TEXT], [S_TOK_START] = 4 * c[C_TOKENS], [S_TOK_LEN] = 4 * c[C_TOKENS],
    [S_TOK_KIND] = c[C_TOKENS], [S_TOK_FLAGS] = c[C_TOKENS], [S_TOK_SPLIT] = c[C_TOKENS],
    [S_FORM] = 4 * c[C_TOKENS], [S_FOLD] = 4 * c[C_TOKENS],
    [S_SENT_FIRST] = 4 * c[C_SENTS], [S_SENT_COUNT] = 4 * c[C_SENTS], [S_SENT_FLAGS] = c[C_SENTS],
    [S_MENT_FIRST] = 4 * c[C_MENTS], [S_MENT_COUNT] = 4 * c[C_MENTS],
    [S_MENT_ENTRY] = 4 * c[C_MENTS], [S_MENT_FLAGS] = c[C_MENTS],
    [S_MENT_CFIRST] = 4 * c[C_MENTS], [S_MENT_CCOUNT] = 4 * c[C_MENTS],
    [S_CANDS] = 4 * c[C_CANDS], [S_POST_POS] = 4 * c[C_TOKENS]};
  uint64_t at = sizeof *h;
  for (int s = 0; s < NSECT; s++) {
    if (h->offset[s] % 8 || h->offset[s] < at || h->offset[s] > size ||
        h->bytes[s] > size - h->offset[s] || h->bytes[s] != want[s]) {
      char what[80];
      snprintf(what, sizeof what, "its %s out of place", section_name[s]);
      return damaged(err, path, what);
    }
    at = h->offset[s] + h->bytes[s];
  }
  return QR_OK;
}

/* The padding between sections: zeros, as written (so that no byte of the
 * file goes unchecked). */
static qr_status check_padding(const char *m, const header *h, const char *path, qr_error *err) {
  uint64_t at = sizeof *h;
  for (int s = 0; s <= NSECT; s++) {
    uint64_t next = s < NSECT ? h->offset[s] : h->file_size;
    for (uint64_t k = at; k < next; k++)
      if (m[k]) return damaged(err, path, "a byte between its sections");
    if (s < NSECT) at = h->offset[s] + h->bytes[s];
  }
  return QR_OK;
}

static qr_status check_sums(const char *m, const header *h, int from, int to, const char *path,
                            qr_error *err) {
  for (int s = from; s < to; s++)
    if (checksum(m + h->offset[s], h->bytes[s], s >= S_FIRST_BULK) != h->hash[s]) {
      char what[80];
      snprintf(what, sizeof what, "the checksum of its %s differs", section_name[s]);
      return damaged(err, path, what);
    }
  return QR_OK;
}

#define AT(s) ((void *)(m + h->offset[s]))

static qr_status view_lexicon(const char *m, const header *h, int first, const uint64_t *cn,
                              qr_lexicon **out, const char *path, qr_error *err) {
  qr_lexicon_parts p = {AT(first), cn[1], AT(first + 1), AT(first + 2), cn[0], AT(first + 3),
                        cn[2]};
  int nomem = 0;
  const char *problem = qr_lexicon_parts_problem(&p, &nomem);
  if (problem) {
    char what[120];
    snprintf(what, sizeof what, "its %s: %s", section_name[first], problem);
    return damaged(err, path, what);
  }
  if (!(*out = qr_lexicon_view(&p))) return qr_error_set(err, QR_ENOMEM, "out of memory");
  return QR_OK;
}

/* Every offset into the strings inside them. */
static int offsets_ok(const uint64_t *off, size_t n, uint64_t len) {
  for (size_t i = 0; i < n; i++)
    if (off[i] >= len) return 0;
  return 1;
}

/* The documents: each inside the texts and the arrays, one after another. */
static qr_status load_docs(qr_corpus *c, const char *m, const header *h, const char *path,
                           qr_error *err) {
  const uint64_t *cn = h->count;
  const disk_doc *dd = AT(S_DOCS);
  const char *text = AT(S_TEXT);
  size_t n = (size_t)cn[C_DOCS];
  if (n && !(c->docs = malloc(n * sizeof *c->docs)))
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  c->docs_cap = n;
  uint64_t tok = 0, sent = 0, ment = 0, txt = 0;
  for (size_t i = 0; i < n; i++) {
    const disk_doc *d = &dd[i];
    if (d->id_off >= cn[C_STRINGS] || d->source_off >= cn[C_STRINGS] || d->text_off != txt ||
        d->len > cn[C_TEXT] - txt || d->len > QR_CORPUS_MAX_DOC_BYTES ||
        d->title_start > d->len || d->title_len > d->len - d->title_start ||
        d->tok_first != tok || d->tok_count > cn[C_TOKENS] - tok || d->sent_first != sent ||
        d->sent_count > cn[C_SENTS] - sent || d->ment_first != ment ||
        d->ment_count > cn[C_MENTS] - ment || d->meta_first > cn[C_META] ||
        d->meta_count > cn[C_META] - d->meta_first) {
      char what[80];
      snprintf(what, sizeof what, "document %zu out of place", i + 1);
      return damaged(err, path, what);
    }
    /* document i's id is string i of the document ids */
    size_t idlen;
    const char *id = qr_lexicon_str(c->docids, (uint32_t)i, &idlen);
    if (strcmp(id, c->strings.data + d->id_off) != 0 ||
        qr_lexicon_find(c->docids, id, idlen) != (uint32_t)i)   /* each id once */
      return damaged(err, path, "its document ids");
    c->docs[i] = (docrec){d->id_off, d->source_off, text + d->text_off, d->len, d->source_line,
                          d->title_start, d->title_len, d->tok_first, d->tok_count,
                          d->sent_first, d->sent_count, d->ment_first, d->ment_count,
                          d->meta_first, d->meta_count, 0, 0, 0, d->text_off};
    txt += d->len;
    tok += d->tok_count;
    sent += d->sent_count;
    ment += d->ment_count;
  }
  if (txt != cn[C_TEXT] || tok != cn[C_TOKENS] || sent != cn[C_SENTS] || ment != cn[C_MENTS])
    return damaged(err, path, "its documents do not cover it");
  c->ndocs = n;
  return QR_OK;
}

/* What the index says of its making: its info strings, roots and sources. */
static qr_status load_info(qr_corpus *c, const char *m, const header *h, const char *path,
                           qr_error *err) {
  const uint64_t *cn = h->count;
  const char *info = AT(S_INFO);
  size_t ilen = (size_t)cn[C_INFO];
  const char *version = info, *end = info + ilen;
  const char *nul1 = memchr(info, '\0', ilen);
  const char *gaz = nul1 ? nul1 + 1 : NULL;
  if (!nul1 || gaz >= end || !memchr(gaz, '\0', (size_t)(end - gaz)))
    return damaged(err, path, "its info");
  const uint64_t *roots = AT(S_ROOT_OFF);
  if (!offsets_ok(roots, (size_t)cn[C_ROOTS], cn[C_STRINGS])) return damaged(err, path, "its roots");
  const disk_src *ds = AT(S_SOURCES);
  size_t nr = (size_t)cn[C_ROOTS], ns = (size_t)cn[C_SRCS];
  c->info_roots = malloc((nr ? nr : 1) * sizeof *c->info_roots);
  c->info_sources = malloc((ns ? ns : 1) * sizeof *c->info_sources);
  c->root_off = malloc((nr ? nr : 1) * sizeof *c->root_off);
  c->srcs = malloc((ns ? ns : 1) * sizeof *c->srcs);
  c->index_path = strdup(path);
  if (!c->info_roots || !c->info_sources || !c->root_off || !c->srcs || !c->index_path)
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  for (size_t i = 0; i < nr; i++) {
    c->root_off[i] = roots[i];
    c->info_roots[i] = c->strings.data + roots[i];
  }
  c->nroots = c->roots_cap = nr;
  for (size_t i = 0; i < ns; i++) {
    if (ds[i].path_off >= cn[C_STRINGS]) return damaged(err, path, "its sources");
    c->srcs[i] = (srcrec){ds[i].path_off, ds[i].size, ds[i].mtime_ns};
    c->info_sources[i] = (qr_index_source){c->strings.data + ds[i].path_off, ds[i].size,
                                           ds[i].mtime_ns};
  }
  c->nsrcs = c->srcs_cap = ns;
  c->info = (qr_index_info){c->index_path, version, h->file_size, c->info_roots, nr,
                            c->info_sources, ns, gaz, h->gazetteer_print, h->segmenter_print};
  c->index_gaz_print = h->gazetteer_print;
  return QR_OK;
}

/* Points c's arrays into the mapping m, checking what opening checks. */
static qr_status attach(qr_corpus *c, const char *m, const header *h, const char *path,
                        qr_error *err) {
  const uint64_t *cn = h->count;
  qr_status rc = check_sums(m, h, 0, S_FIRST_BULK, path, err);
  if (rc) return rc;
  /* the strings: NUL-terminated, so that every offset into them ends */
  if (cn[C_STRINGS] && m[h->offset[S_STRINGS] + cn[C_STRINGS] - 1] != '\0')
    return damaged(err, path, "its strings");
  qr_lexicon *lex = NULL, *did = NULL;
  if ((rc = view_lexicon(m, h, S_LEX_BYTES, cn + C_LEX, &lex, path, err))) return rc;
  if ((rc = view_lexicon(m, h, S_DID_BYTES, cn + C_DID, &did, path, err))) {
    qr_lexicon_free(lex);
    return rc;
  }
  qr_lexicon_free(c->lex);
  qr_lexicon_free(c->docids);
  c->lex = lex;
  c->docids = did;
  if (cn[C_DID] != cn[C_DOCS]) return damaged(err, path, "its document ids");
  c->frozen = 1;
  c->strings = (qr_buf){AT(S_STRINGS), (size_t)cn[C_STRINGS], 0};
  c->meta_off = AT(S_META_OFF);
  c->nmeta = (size_t)cn[C_META];
  c->warn_off = AT(S_WARN_OFF);
  c->nwarn = (size_t)cn[C_WARN];
  c->skip_off = AT(S_SKIP_OFF);
  c->nskip = (size_t)cn[C_SKIP];
  /* a metadata entry is a key and its value, both NUL-terminated */
  for (size_t k = 0; k < c->nmeta; k++) {
    uint64_t o = c->meta_off[k];
    const char *nul = o < cn[C_STRINGS] ? memchr(m + h->offset[S_STRINGS] + o, '\0',
                                                 (size_t)(cn[C_STRINGS] - o)) : NULL;
    if (!nul || (uint64_t)(nul - (m + h->offset[S_STRINGS])) + 1 >= cn[C_STRINGS])
      return damaged(err, path, "its metadata");
  }
  if (!offsets_ok(c->warn_off, c->nwarn, cn[C_STRINGS]) ||
      !offsets_ok(c->skip_off, 2 * c->nskip, cn[C_STRINGS]))
    return damaged(err, path, "its warnings");
  size_t nt = (size_t)cn[C_TOKENS], ns = (size_t)cn[C_SENTS], nm = (size_t)cn[C_MENTS];
  c->toks = (qr_tokens){AT(S_TOK_START), AT(S_TOK_LEN), AT(S_TOK_KIND), AT(S_TOK_FLAGS),
                        AT(S_TOK_SPLIT), nt, nt};
  c->form = AT(S_FORM);
  c->fold = AT(S_FOLD);
  c->ids_cap = nt;
  c->sents = (qr_sentences){AT(S_SENT_FIRST), AT(S_SENT_COUNT), AT(S_SENT_FLAGS), ns, ns};
  c->ments.tok_first = AT(S_MENT_FIRST);
  c->ments.tok_count = AT(S_MENT_COUNT);
  c->ments.entry = AT(S_MENT_ENTRY);
  c->ments.flags = AT(S_MENT_FLAGS);
  c->ments.cand_first = AT(S_MENT_CFIRST);
  c->ments.cand_count = AT(S_MENT_CCOUNT);
  c->ments.cands = AT(S_CANDS);
  c->ments.n = c->ments.cap = nm;
  c->ments.ncands = c->ments.cands_cap = (size_t)cn[C_CANDS];
  /* the fold of every lexicon id, a lexicon id; the postings' starts rise
   * to the number of tokens */
  size_t nlex = (size_t)cn[C_LEX];
  c->fold_of = AT(S_FOLD_OF);
  c->fold_cap = nlex;
  for (size_t k = 0; k < nlex; k++)
    if (c->fold_of[k] >= nlex) return damaged(err, path, "its folds");
  c->post_start = AT(S_POST_START);
  c->post_pos = AT(S_POST_POS);
  if (c->post_start[0] != 0 || c->post_start[nlex] != nt) return damaged(err, path, "its postings");
  for (size_t k = 0; k < nlex; k++)
    if (c->post_start[k + 1] < c->post_start[k]) return damaged(err, path, "its postings");
  c->post_tokens = nt;
  c->post_nlex = nlex;
  if ((rc = load_docs(c, m, h, path, err))) return rc;
  return load_info(c, m, h, path, err);
}

/* Checks and attaches the bytes of c->mapped, an index named path. */
static qr_status attach_file(qr_corpus *c, const char *path, unsigned flags, qr_error *err) {
  const char *m = c->mapped.data;
  uint64_t size = c->mapped.len;
  const header *h = (const header *)(const void *)m;
  if (size < sizeof *h)
    return qr_error_set(err, QR_EDATA, "%s: an index cut short (%llu bytes); make it again with "
                        "quarry index", path, (unsigned long long)size);
  if (memcmp(h->magic, MAGIC, 8) != 0)
    return qr_error_set(err, QR_EDATA, "%s: not a quarry index", path);
  qr_status rc = check_header(h, size, path, err);
  if (!rc) rc = check_padding(m, h, path, err);
  if (!rc) rc = attach(c, m, h, path, err);
  if (!rc && (flags & QR_INDEX_VERIFY)) rc = qr_index_verify(c, err);
  return rc;
}

qr_status qr_index_open(const char *path, unsigned flags, qr_corpus **out, qr_error *err) {
  *out = NULL;
  qr_corpus *c = qr_corpus_new();
  if (!c) return qr_error_set(err, QR_ENOMEM, "out of memory");
  /* mapped (a pipe's bytes are read into memory), and owned by c from now */
  qr_status rc = qr_file_open(&c->mapped, path, err);
  if (!rc) rc = attach_file(c, path, flags, err);
  if (rc) {
    qr_corpus_free(c);   /* unmaps */
    return rc;
  }
  /* most work reads the mapping from start to end: say so */
  if (c->mapped.map) madvise(c->mapped.map, c->mapped.maplen, MADV_WILLNEED);
  *out = c;
  return QR_OK;
}

qr_status qr_index_open_bytes(const void *data, size_t len, const char *name, unsigned flags,
                              qr_corpus **out, qr_error *err) {
  *out = NULL;
  qr_corpus *c = qr_corpus_new();
  /* an exact-size copy: malloc's alignment suits the 8-byte sections */
  char *copy = c ? malloc(len ? len : 1) : NULL;
  if (!copy) {
    qr_corpus_free(c);
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  }
  if (len) memcpy(copy, data, len);
  c->mapped.owned = copy;
  c->mapped.data = copy;
  c->mapped.len = len;
  qr_status rc = attach_file(c, name, flags, err);
  if (rc) {
    qr_corpus_free(c);
    return rc;
  }
  *out = c;
  return QR_OK;
}

void qr_index_reseal(void *data, size_t len) {
  header h;
  if (len < sizeof h) return;
  memcpy(&h, data, sizeof h);
  h.file_size = len;
  for (int s = 0; s < NSECT; s++)
    if (h.offset[s] <= len && h.bytes[s] <= len - h.offset[s])
      h.hash[s] = checksum((const char *)data + h.offset[s], h.bytes[s], 0);
  h.header_hash = qr_hash_bytes(&h, offsetof(header, header_hash));
  memcpy(data, &h, sizeof h);
}

const qr_index_info *qr_index_info_of(const qr_corpus *c) { return c->info.path ? &c->info : NULL; }

/* ---- verifying ------------------------------------------------------------------ */

/* Lets go of the pages of the sections that grow with tokens: read once to
 * be checked, they stay in the page cache, not in the process (the index
 * of a corpus larger than memory is checked too). */
static void drop_bulk(const char *m, const header *h) {
  qr_pages_drop(m + h->offset[S_FIRST_BULK], (size_t)(h->file_size - h->offset[S_FIRST_BULK]));
}

/* how many tokens or postings are checked between two drop_bulk */
#define VERIFY_STEP ((size_t)1 << 20)

qr_status qr_index_verify(const qr_corpus *c, qr_error *err) {
  if (!c->info.path || !c->frozen) return QR_OK;
  const char *m = c->mapped.data, *path = c->info.path;
  const header *h = (const header *)(const void *)m;
  qr_status rc = check_sums(m, h, S_FIRST_BULK, NSECT, path, err);
  drop_bulk(m, h);
  if (rc) return rc;
  /* the contents, whoever wrote them: ids inside the lexicon, tokens inside
   * their text, ranges inside their arrays */
  size_t nlex = qr_lexicon_size(c->lex), nt = c->toks.n;
  for (size_t i = 0; i < c->ndocs; i++) {
    const docrec *d = &c->docs[i];
    for (size_t t = d->tok_first; t < d->tok_first + d->tok_count; t++)
      if ((t % VERIFY_STEP == 0 && (drop_bulk(m, h), 0)) || c->toks.start[t] > d->len || c->toks.len[t] > d->len - c->toks.start[t] ||
          c->toks.split[t] > c->toks.len[t] || c->toks.kind[t] == 0 ||
          c->toks.kind[t] >= QR_TOK_KIND_MAX || c->form[t] >= nlex || c->fold[t] >= nlex)
        return damaged(err, path, "its tokens");
    for (size_t s = d->sent_first; s < d->sent_first + d->sent_count; s++)
      if (c->sents.first[s] < d->tok_first || c->sents.count[s] > d->tok_count ||
          c->sents.first[s] - d->tok_first > d->tok_count - c->sents.count[s])
        return damaged(err, path, "its sentences");
    for (size_t k = d->ment_first; k < d->ment_first + d->ment_count; k++) {
      const qr_mentions *mm = &c->ments;
      if (mm->tok_first[k] < d->tok_first || mm->tok_count[k] > d->tok_count ||
          mm->tok_first[k] - d->tok_first > d->tok_count - mm->tok_count[k])
        return damaged(err, path, "its mentions");
      if (!(mm->flags[k] & QR_MF_GUESS)) {
        if (mm->cand_first[k] > mm->ncands || mm->cand_count[k] > mm->ncands - mm->cand_first[k])
          return damaged(err, path, "its mentions");
        continue;
      }
      /* a guessed name: a type, a confidence, and its full name a guess of
       * the same document that names itself */
      size_t full = qr_mention_guess_full(mm, k);
      if (mm->cand_count[k] || mm->cand_first[k] > 100 ||
          qr_mention_guess_type(mm, k) >= QR_GT_COUNT || full < d->ment_first ||
          full >= d->ment_first + d->ment_count || !(mm->flags[full] & QR_MF_GUESS) ||
          qr_mention_guess_full(mm, full) != full)
        return damaged(err, path, "its mentions");
    }
  }
  /* the postings: each token once, under its fold */
  for (size_t f = 0; f < nlex; f++)
    for (uint32_t k = c->post_start[f]; k < c->post_start[f + 1]; k++)
      if ((k % VERIFY_STEP == 0 && (drop_bulk(m, h), 0)) || c->post_pos[k] >= nt ||
          c->fold[c->post_pos[k]] != f)
        return damaged(err, path, "its postings");
  drop_bulk(m, h);
  return QR_OK;
}

/* ---- the gazetteer ------------------------------------------------------------------ */

qr_status qr_index_use_gazetteer(qr_corpus *c, const qr_gazetteer *g, int *rematched,
                                 qr_error *err) {
  *rematched = 0;
  /* the same gazetteer, with names guessed or not as the index was made:
   * the mentions are its, their entries its entries */
  int same = 0;
  if (g && c->index_gaz_print) {
    for (int guess = 1; guess >= 0 && !same; guess--) {
      qr_corpus_set_guess(c, guess);
      same = qr_corpus_mentions_print(c, g) == c->index_gaz_print;
    }
    if (!same) qr_corpus_set_guess(c, 1);
  }
  if (same) {
    size_t ne = qr_gazetteer_size(g);
    const qr_mentions *m = &c->ments;
    int ok = 1;
    for (size_t k = 0; k < m->n && ok; k++) {
      if (!(m->flags[k] & QR_MF_GUESS)) {
        ok = m->entry[k] < ne;
        continue;
      }
      /* a guess (checked when the index was opened: its full name a guess of
       * the same document) */
      ok = 1;
    }
    for (size_t k = 0; k < m->ncands && ok; k++) ok = m->cands[k] < ne;
    if (ok) {
      qr_corpus_keep_gazetteer(c, g);
      return QR_OK;
    }
  }
  *rematched = 1;
  return qr_corpus_match(c, g, err);
}

/* ---- staleness ----------------------------------------------------------------------- */

/* A source by its path, for sorting and searching. */
typedef struct src_key {
  const char *path;
  size_t index;
} src_key;

static int by_path(const void *a, const void *b) {
  return strcmp(((const src_key *)a)->path, ((const src_key *)b)->path);
}

typedef struct stale_ctx {
  qr_corpus *c;
  const src_key *keys;     /* the sources sorted by path */
  uint8_t *seen;
  qr_index_staleness *out;
  qr_buf *abs, *first;
} stale_ctx;

/* The index of the source with this absolute path, or -1. */
static long find_source(const stale_ctx *k, const char *p) {
  src_key key = {p, 0};
  const src_key *hit = bsearch(&key, k->keys, k->c->nsrcs, sizeof key, by_path);
  return hit ? (long)hit->index : -1;
}

static void note(stale_ctx *k, const char *what, const char *p) {
  if (k->first->len == 0) qr_buf_printf(k->first, "%s %s", what, p);
}

/* One file that a load of the roots would read now. */
static qr_status compare_file(stale_ctx *k, const char *p) {
  if (qr_corpus_abspath(p, k->abs)) return QR_ENOMEM;
  long s = find_source(k, k->abs->data);
  struct stat st;
  if (s < 0) {
    /* a file skipped when the index was made is no news */
    for (size_t i = 0; i < k->c->nskip; i++) {
      qr_buf sk = {0};
      int same = qr_corpus_abspath(qr_corpus_skipped(k->c, i, NULL), &sk) == QR_OK &&
                 strcmp(sk.data, k->abs->data) == 0;
      qr_buf_free(&sk);
      if (same) return QR_OK;
    }
    k->out->added++;
    note(k, "added", p);
    return QR_OK;
  }
  k->seen[s] = 1;
  const srcrec *r = &k->c->srcs[s];
  if (stat(p, &st) != 0 || (uint64_t)st.st_size != r->size ||
      (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec != r->mtime_ns) {
    k->out->changed++;
    note(k, "changed", p);
  }
  return QR_OK;
}

static void ignore_skip(void *ud, const char *path, const char *reason) {
  (void)ud, (void)path, (void)reason;
}

qr_status qr_index_stale(qr_corpus *c, qr_index_staleness *out, qr_error *err) {
  memset(out, 0, sizeof *out);
  src_key *keys = malloc((c->nsrcs ? c->nsrcs : 1) * sizeof *keys);
  uint8_t *seen = calloc(c->nsrcs ? c->nsrcs : 1, 1);
  qr_buf abs = {0};
  qr_buf_reset(&c->scratch);
  if (!keys || !seen) {
    free(keys);
    free(seen);
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < c->nsrcs; i++) keys[i] = (src_key){c->strings.data + c->srcs[i].path_off, i};
  qsort(keys, c->nsrcs, sizeof *keys, by_path);
  stale_ctx k = {c, keys, seen, out, &abs, &c->scratch};
  qr_status rc = QR_OK;
  for (size_t r = 0; r < c->nroots && !rc; r++) {
    const char *root = c->strings.data + c->root_off[r];
    int dir = qr_path_is_dir(root);
    if (dir < 0) continue;   /* gone: its files count as removed below */
    if (dir == 0) {
      rc = compare_file(&k, root);
      continue;
    }
    qr_pathlist files = {0};
    qr_error ignored = {0};
    if (qr_dir_list_skip(root, ".txt", &files, ignore_skip, NULL, &ignored) == QR_OK)
      for (size_t i = 0; i < files.n && !rc; i++) rc = compare_file(&k, files.paths[i]);
    qr_pathlist_free(&files);
  }
  for (size_t i = 0; i < c->nsrcs && !rc; i++)
    if (!seen[i]) {
      out->removed++;
      note(&k, "removed", c->strings.data + c->srcs[i].path_off);
    }
  free(keys);
  free(seen);
  qr_buf_free(&abs);
  if (rc) return qr_error_set(err, rc, "out of memory");
  out->first = c->scratch.len ? c->scratch.data : NULL;
  return QR_OK;
}

/* ---- making and updating --------------------------------------------------------- */

qr_status qr_index_make(const qr_index_job *job, qr_index_report *r, qr_corpus **corpus,
                        qr_error *err) {
  memset(r, 0, sizeof *r);
  if (corpus) *corpus = NULL;
  /* a file at out that is no index is someone's data (a mistyped name, a
   * corpus file itself): never replaced by an index */
  struct stat st;
  if (stat(job->out, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      !qr_index_is_index(job->out))
    return qr_error_set(err, QR_EDATA, "%s: exists and is not a quarry index: it is left as it "
                        "is (remove it, or give the index another name)", job->out);
  qr_corpus *old = NULL, *c = qr_corpus_new();
  if (!c) return qr_error_set(err, QR_ENOMEM, "out of memory");
  qr_corpus_set_jobs(c, job->jobs);
  qr_corpus_set_guess(c, !job->no_guess);
  if (qr_index_is_index(job->out)) {
    /* checked whole: what it holds is copied on */
    qr_error oe = {0};
    if (qr_index_open(job->out, QR_INDEX_VERIFY, &old, &oe))
      snprintf(r->previous, sizeof r->previous, "%s", oe.msg);
  }
  if (old && old->info.segmenter_print == qr_segmenter_fingerprint(c->seg)) {
    /* annotations are reused only from a segmenter that splits alike */
    r->updated = 1;
    qr_corpus_reuse(c, old, job->g && old->info.gazetteer_print &&
                            old->info.gazetteer_print == qr_corpus_mentions_print(c, job->g));
  } else if (old) {
    snprintf(r->previous, sizeof r->previous, "%s was made with another segmenter", job->out);
  }
  /* what grows with tokens goes to a scratch file beside the index, not
   * to memory (spill.c); where one cannot be made, to memory */
  qr_buf dir = {0};
  const char *slash = strrchr(job->out, '/');
  qr_error ignored = {0};
  if (qr_buf_append(&dir, slash ? job->out : ".", slash ? (size_t)(slash - job->out) + 1 : 1) ||
      qr_corpus_spill(c, dir.data, qr_corpus_load_size(job->paths, job->npaths), &ignored)) {}
  qr_buf_free(&dir);
  /* the gazetteer first: each document is matched as it is annotated, on
   * its thread (or its mentions kept, when it is kept) */
  qr_status rc = job->g ? qr_corpus_match(c, job->g, err) : QR_OK;
  qr_corpus_set_progress(c, job->progress, job->progress_ud);
  if (!rc) rc = qr_corpus_add_paths(c, job->paths, job->npaths, job->flags, err);
  qr_corpus_set_progress(c, NULL, NULL);
  if (!rc) rc = index_write(c, job->out, job->gazetteer, job->write_progress, job->progress_ud, err);
  /* a full disk under the scratch file says so, not what it made fail */
  if (rc && qr_corpus_spill_error(c)) qr_error_set(err, QR_EIO, "%s", qr_corpus_spill_error(c));
  if (!rc) {
    r->documents = c->ndocs;
    r->tokens = c->toks.n;
    r->kept = c->nreused;
    r->annotated = c->ndocs - c->nreused;
    for (size_t i = 0; r->updated && i < old->ndocs; i++)
      if (qr_corpus_find(c, old->strings.data + old->docs[i].id_off) < 0) r->removed++;
  }
  qr_corpus_reuse(c, NULL, 0);
  qr_corpus_free(old);
  qr_corpus_free(c);
  /* the caller's corpus is the index as written (the one made had its
   * token arrays in the scratch file, freed behind the writing) */
  if (!rc && corpus) rc = qr_index_open(job->out, 0, corpus, err);
  return rc;
}
