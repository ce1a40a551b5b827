/* parallel.c — annotating documents on several threads, with the result
 * of one thread, byte for byte.
 *
 * The documents waiting for annotation are cut into spans on block
 * boundaries (qr_text_block_end: the blocks one thread tokenizes and splits
 * one at a time, so a long document splits into the same sentences either
 * way) and grouped into batches of about BATCH_BYTES, and the batches into
 * rounds. A round goes through four steps:
 *   1. each thread takes the next batch and annotates it into a scratch
 *      corpus of its own, with its own lexicon (in parallel);
 *   2. in batch order, the strings a batch added to its thread's lexicon
 *      are interned into the corpus's, each followed by its fold, and
 *      mapped: a thread's batch interns its new strings in the order the
 *      batch meets them, and every string the batch met before is mapped
 *      already, so the corpus's lexicon grows in the order one thread would
 *      grow it, and every id (and all that ids number: frequency lists, the
 *      index file) comes out the same. Each batch's place in the arrays
 *      follows (one thread);
 *   3. threads copy batches into their places, ids mapped (in parallel; in
 *      an index build one at a time, since writes to one file wait for
 *      each other in the kernel);
 *   4. the main thread, in document order: documents' ranges, warnings,
 *      entity mentions, progress.
 * The rounds are a pipeline: steps 2-4 of round r run while the other
 * threads annotate round r + 1, so that no core waits for the merge. Each
 * thread keeps two sets of arrays, one per round in flight, and the rounds
 * take turns between them: no array is read while it grows, and round r + 2
 * is annotated only once round r is merged and its set is free. Step 2
 * reads a batch's new strings from a copy made with its set, since the
 * thread's lexicon may be growing with the next round meanwhile. A round is
 * merged only after the one before it. A thread's lexicon (with its cache
 * of forms, sized for one core's cache) and its map live as long as the
 * corpus, so that each distinct form is mapped once. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "corpus/corpus_impl.h"

#define MAX_THREADS 64
#define BATCH_BYTES (512u << 10)
#define SPAN_BYTES (1u << 20)
/* past a span's end, what finding it may have mapped: a large folio */
#define PROBED ((size_t)2 << 20)
/* A round's bytes per thread: the scratch arrays hold two rounds' tokens,
 * not the load's (in an index build, whose arrays go to a scratch file
 * round by round, they are what it holds in memory); the smaller, the less
 * the last round's merge waits */
#define ROUND_BYTES ((size_t)2 << 20)

/* A piece of a document: text[a, e) of document doc, and, once annotated,
 * its tokens and sentences in its thread's scratch corpus. */
typedef struct span {
  size_t doc, a, e;
  size_t wtok0, ntok, nsent; /* its tokens and sentences in its thread's scratch */
  size_t cut_at;             /* where a run was cut, or SIZE_MAX */
  int matched;               /* a whole document matched by its thread: mentions m0, nment */
  size_t m0, nment;
} span;

typedef struct batch {
  size_t first, n;           /* its spans */
  size_t bytes;
  int worker;                /* the thread that annotated it */
  size_t tok0, sent0;        /* where its tokens and sentences start in that scratch */
  uint32_t lex0, lex1;       /* the ids its annotation added to that thread's lexicon */
  size_t nmerge;             /* its spans that are merged (fewer after a failure) */
  size_t round;              /* its round: its set of arrays is round % 2 */
  size_t fresh0;             /* its new strings, from here in its set's fresh */
  size_t dst_tok, dst_sent;  /* where its tokens and sentences go in the corpus */
  qr_status rc;
} batch;

/* One round's arrays of a thread, parked while the thread annotates the
 * other round (swap_arrays: the names are its scratch corpus's), and the
 * strings the round's batches added to the thread's lexicon (log_fresh). */
typedef struct round_arrays {
  qr_tokens toks;
  qr_sentences sents;
  qr_mentions ments;
  uint32_t *form, *fold;
  size_t ids_cap;
  qr_buf fresh;
} round_arrays;

/* A thread's scratch corpus (its lexicon, cache of forms, folds), its two
 * sets of arrays, and the map of its lexicon ids to the corpus's. */
struct qr_annotator {
  qr_corpus *w;
  round_arrays set[2];
  uint32_t *map;
  size_t nmap;
  uint32_t *stage;   /* STAGE ids mapped, on their way to a scratch file (or NULL) */
};

/* ids mapped at a time into a thread's stage (1 MiB): each is one pwrite,
 * and the page cache takes a write in folios as large as the write (64 KiB
 * stages: 0.46 s of a build's 1.9 s on one core in the kernel, 1 MiB: 0.40 s) */
#define STAGE ((size_t)1 << 18)

/* A round's batches. */
typedef struct job {
  qr_corpus *c;
  span *spans;
  batch *batches;
  size_t nbatches;
} job;

/* Trades the arrays of w for those parked in r. */
static void swap_arrays(qr_corpus *w, round_arrays *r) {
  round_arrays t = {w->toks, w->sents, w->ments, w->form, w->fold, w->ids_cap, {0}};
  w->toks = r->toks;
  w->sents = r->sents;
  w->ments = r->ments;
  w->form = r->form;
  w->fold = r->fold;
  w->ids_cap = r->ids_cap;
  r->toks = t.toks;
  r->sents = t.sents;
  r->ments = t.ments;
  r->form = t.form;
  r->fold = t.fold;
  r->ids_cap = t.ids_cap;
}

/* The strings of w's lexicon ids [lex0, lex1) onto fresh, each as its
 * length (4 bytes), the id of its fold in w (4 bytes; UNKNOWN when w never
 * folded it) and its bytes. */
static qr_status log_fresh(const qr_corpus *w, uint32_t lex0, uint32_t lex1, qr_buf *fresh) {
  for (uint32_t k = lex0; k < lex1; k++) {
    size_t n;
    const char *str = qr_lexicon_str(w->lex, k, &n);
    uint32_t head[2] = {(uint32_t)n, k < w->fold_cap ? w->fold_of[k] : UNKNOWN};
    if (qr_buf_append(fresh, head, sizeof head) || qr_buf_append(fresh, str, n)) return QR_ENOMEM;
  }
  return QR_OK;
}

/* Step 1: batch bt on thread id, into its set of arrays for bt's round. */
static void annotate_batch(job *j, batch *bt, int id) {
  struct qr_annotator *an = &j->c->annotators[id];
  round_arrays *r = &an->set[bt->round % 2];
  qr_corpus *w = an->w;
  swap_arrays(w, r);
  /* room for a token a byte: the arrays grown at once, not doubled batch
   * after batch (each move of a large array interrupts the other threads
   * to flush their TLBs); pages never written cost nothing (a failure here
   * is no failure: the arrays grow as they fill) */
  if (!qr_tokens_reserve(&w->toks, bt->bytes)) (void)qr_corpus_ids_room(w, w->toks.n + bt->bytes);
  bt->worker = id;
  bt->tok0 = w->toks.n;
  bt->sent0 = w->sents.n;
  bt->lex0 = (uint32_t)qr_lexicon_size(w->lex);
  bt->nmerge = bt->n;
  bt->rc = QR_OK;
  for (size_t k = bt->first; k < bt->first + bt->n; k++) {
    span *sp = &j->spans[k];
    const docrec *d = &j->c->docs[sp->doc];
    size_t t0 = w->toks.n, s0 = w->sents.n;
    sp->cut_at = SIZE_MAX;
    sp->matched = 0;
    sp->wtok0 = t0;
    if (!bt->rc) {
      bt->rc = qr_corpus_annotate_span(w, d->text, d->len, sp->a, sp->e, &sp->cut_at);
      if (bt->rc) bt->nmerge = k - bt->first;   /* the spans before it are whole */
    }
    sp->ntok = w->toks.n - t0;
    sp->nsent = w->sents.n - s0;
    /* a whole document's mentions, here too (the matcher looks back over
     * the document: one in spans is matched whole when merged) */
    if (!bt->rc && w->gaz && sp->a == 0 && sp->e == d->len) {
      docrec whole = {.text = d->text, .len = d->len, .tok_first = t0, .tok_count = sp->ntok};
      bt->rc = qr_corpus_match_doc(w, &whole);
      if (bt->rc) bt->nmerge = k - bt->first;
      sp->matched = 1;
      sp->m0 = whole.ment_first;
      sp->nment = whole.ment_count;
    }
  }
  bt->lex1 = (uint32_t)qr_lexicon_size(w->lex);
  swap_arrays(w, r);
  bt->fresh0 = r->fresh.len;
  if (log_fresh(w, bt->lex0, bt->lex1, &r->fresh)) {
    bt->rc = QR_ENOMEM;   /* (its new strings are not read: nothing of it is merged) */
    bt->nmerge = 0;
  }
}

/* Step 3 of a spilled corpus: the merged spans' nt tokens and ns sentences
 * into the scratch file with qr_corpus_spill_copy (no page zeroed first),
 * ids and sentence starts mapped through thread id's stage. */
static int copy_spilled(job *j, const batch *bt, int id, size_t nt, size_t ns) {
  qr_corpus *c = j->c;
  struct qr_annotator *me = &c->annotators[id];
  const struct qr_annotator *an = &c->annotators[bt->worker];
  const round_arrays *w = &an->set[bt->round % 2];
  if (!me->stage && !(me->stage = malloc(STAGE * sizeof *me->stage))) return 0;
  size_t s0 = bt->tok0, d0 = bt->dst_tok;
  const qr_tokens *t = &w->toks;
  qr_corpus_spill_copy(c, c->toks.start + d0, t->start + s0, nt * 4);
  qr_corpus_spill_copy(c, c->toks.len + d0, t->len + s0, nt * 4);
  qr_corpus_spill_copy(c, c->toks.kind + d0, t->kind + s0, nt);
  qr_corpus_spill_copy(c, c->toks.flags + d0, t->flags + s0, nt);
  qr_corpus_spill_copy(c, c->toks.split + d0, t->split + s0, nt);
  for (size_t a = 0; a < nt; a += STAGE) {
    size_t n = nt - a < STAGE ? nt - a : STAGE;
    for (size_t i = 0; i < n; i++) me->stage[i] = an->map[w->form[s0 + a + i]];
    qr_corpus_spill_copy(c, c->form + d0 + a, me->stage, n * 4);
    for (size_t i = 0; i < n; i++) me->stage[i] = an->map[w->fold[s0 + a + i]];
    qr_corpus_spill_copy(c, c->fold + d0 + a, me->stage, n * 4);
  }
  for (size_t a = 0; a < ns; a += STAGE) {
    size_t n = ns - a < STAGE ? ns - a : STAGE;
    for (size_t k = 0; k < n; k++)
      me->stage[k] = (uint32_t)(w->sents.first[bt->sent0 + a + k] - s0 + d0);
    qr_corpus_spill_copy(c, c->sents.first + bt->dst_sent + a, me->stage, n * 4);
  }
  qr_corpus_spill_copy(c, c->sents.count + bt->dst_sent, w->sents.count + bt->sent0, ns * 4);
  qr_corpus_spill_copy(c, c->sents.flags + bt->dst_sent, w->sents.flags + bt->sent0, ns);
  /* and the spans' texts, while they are in memory (their pages are let
   * go with the round's: finish_round) */
  for (size_t k = bt->first; k < bt->first + bt->nmerge; k++) {
    const span *sp = &j->spans[k];
    qr_corpus_spill_put_text(c, &c->docs[sp->doc], sp->a, sp->e, 0);
  }
  return 1;
}

/* dst[i] = map[src[i]] for n ids, past the caches as qr_copy_stream
 * copies: the corpus's arrays are not read again in the load, and a store
 * into a line not in the cache reads it from memory first (with the
 * copies, 345 -> 304 ms of the 2 threads' time loading 100 MB with
 * 1,000,000 names). */
static void map_ids(uint32_t *dst, const uint32_t *src, const uint32_t *map, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  for (; i < n && ((uintptr_t)(dst + i) & 15); i++) dst[i] = map[src[i]];
  for (; i + 4 <= n; i += 4)
    _mm_stream_si128((__m128i *)(void *)(dst + i),
                     _mm_set_epi32((int)map[src[i + 3]], (int)map[src[i + 2]],
                                   (int)map[src[i + 1]], (int)map[src[i]]));
  _mm_sfence();
#endif
  for (; i < n; i++) dst[i] = map[src[i]];
}

/* Step 3: the merged spans of batch bt into their places, ids mapped, on
 * thread `thread` (its stage is annotators[thread]'s). */
static void copy_batch(job *j, const batch *bt, int thread) {
  qr_corpus *c = j->c;
  const struct qr_annotator *an = &c->annotators[bt->worker];
  const round_arrays *w = &an->set[bt->round % 2];
  size_t nt = 0, ns = 0;
  for (size_t k = bt->first; k < bt->first + bt->nmerge; k++) {
    nt += j->spans[k].ntok;
    ns += j->spans[k].nsent;
  }
  if (c->spill && copy_spilled(j, bt, thread, nt, ns)) return;
  size_t s0 = bt->tok0, d0 = bt->dst_tok;
  qr_tokens_copy(&c->toks, d0, &w->toks, s0, nt);
  /* a fold is a string of the thread's lexicon too, mapped as the forms
   * are (not through fold_of[form], a load that waits for the first) */
  map_ids(c->form + d0, w->form + s0, an->map, nt);
  map_ids(c->fold + d0, w->fold + s0, an->map, nt);
  for (size_t k = 0; k < ns; k++) {
    c->sents.first[bt->dst_sent + k] = (uint32_t)(w->sents.first[bt->sent0 + k] - s0 + d0);
    c->sents.count[bt->dst_sent + k] = w->sents.count[bt->sent0 + k];
    c->sents.flags[bt->dst_sent + k] = w->sents.flags[bt->sent0 + k];
  }
}

/* The spans of a round's batches. */
static size_t round_spans(const job *j) {
  size_t n = 0;
  for (size_t b = 0; b < j->nbatches; b++) n += j->batches[b].n;
  return n;
}

/* The scratch corpora, made once per corpus. */
static qr_status make_annotators(qr_corpus *c, size_t n) {
  if (c->nannotators >= n) return QR_OK;
  struct qr_annotator *a = realloc(c->annotators, n * sizeof *a);
  if (!a) return QR_ENOMEM;
  c->annotators = a;
  for (; c->nannotators < n; c->nannotators++) {
    /* (segmenting with the corpus's: a default one of its own would be
     * loaded for nothing, on one thread, before any annotation) */
    qr_corpus *w = qr_corpus_new_scratch(c->seg);
    if (!w) return QR_ENOMEM;
    a[c->nannotators] = (struct qr_annotator){.w = w};
  }
  return QR_OK;
}

/* The threads' arrays, freed (a load is done with them; the next one
 * grows them again). */
/* A thread's two sets of arrays, freed. */
static void free_sets(struct qr_annotator *an) {
  for (int k = 0; k < 2; k++) {
    round_arrays *r = &an->set[k];
    qr_tokens_free(&r->toks);
    qr_sentences_free(&r->sents);
    qr_mentions_free(&r->ments);
    free(r->form);
    free(r->fold);
    r->form = r->fold = NULL;
    r->ids_cap = 0;
    qr_buf_free(&r->fresh);
  }
}

static void free_arrays(qr_corpus *c) {
  for (size_t i = 0; i < c->nannotators; i++) free_sets(&c->annotators[i]);
}

void qr_corpus_free_annotators(qr_corpus *c) {
  free_arrays(c);
  for (size_t i = 0; i < c->nannotators; i++) {
    qr_corpus_free(c->annotators[i].w);
    free(c->annotators[i].map);
    free(c->annotators[i].stage);
  }
  free(c->annotators);
  c->annotators = NULL;
  c->nannotators = 0;
}

/* The spans of documents [first, c->ndocs), and their batches. */
static qr_status plan(qr_corpus *c, size_t first, span **spans, size_t *nspans, batch **batches,
                      size_t *nbatches) {
  size_t ns = 0, cap = 0, nb = 0, bcap = 0, bytes = 0;
  span *sp = NULL;
  batch *bt = NULL;
  for (size_t i = first; i < c->ndocs; i++) {
    const docrec *d = &c->docs[i];
    size_t a = 0;
    do {
      /* up to SPAN_BYTES, ending on a block boundary (at least one block) */
      size_t e = a;
      do e = qr_text_block_end(d->text, d->len, e);
      while (e < d->len && e - a < SPAN_BYTES);
      /* an index build: the pages read to find where blocks end go at once
       * (a fault maps the whole of a large folio of the page cache: a few
       * bytes read at each block's end had 87 of 100 MB of text mapped) */
      if (c->spill && d->mapped)
        qr_pages_drop(d->text + a, (d->len - e < PROBED ? d->len : e + PROBED) - a);
      if (qr_grow((void **)&sp, &cap, ns + 1, sizeof *sp)) goto nomem;
      sp[ns++] = (span){.doc = i, .a = a, .e = e, .cut_at = SIZE_MAX};
      if (bytes == 0) {
        if (qr_grow((void **)&bt, &bcap, nb + 1, sizeof *bt)) goto nomem;
        bt[nb++] = (batch){.first = ns - 1, .rc = QR_OK};
      }
      bt[nb - 1].n++;
      bytes += e - a + 1;   /* + 1: empty documents weigh something */
      bt[nb - 1].bytes = bytes;
      if (bytes >= (c->batch_bytes ? c->batch_bytes : BATCH_BYTES)) bytes = 0;
      a = e;
    } while (a < d->len);
  }
  *spans = sp;
  *nspans = ns;
  *batches = bt;
  *nbatches = nb;
  return QR_OK;
nomem:
  free(sp);
  free(bt);
  return QR_ENOMEM;
}

/* Strings interned at a time by map_fresh: their slots are asked for
 * together, so that their cache misses (most are new strings) overlap. */
#define MAP_GROUP 32

/* The strings of thread an's lexicon ids [lex0, lex1), read from fresh
 * (log_fresh), interned into the corpus's lexicon in that order, mapped,
 * and their folds recorded. The thread interned each string's fold right
 * after it when new, so the corpus's lexicon grows as one thread's would;
 * a fold is mapped once all of the batch is (it may come later in it). A
 * string the thread never folded is folded here, at once, as one thread
 * would. */
static qr_status map_fresh(qr_corpus *c, struct qr_annotator *an, uint32_t lex0, uint32_t lex1,
                           const char *fresh) {
  uint64_t hash[MAP_GROUP];
  const char *str[MAP_GROUP];
  uint32_t len[MAP_GROUP], tfold[MAP_GROUP];
  const char *rest = fresh;
  for (uint32_t k0 = lex0; k0 < lex1; k0 += MAP_GROUP) {
    uint32_t g = lex1 - k0 < MAP_GROUP ? lex1 - k0 : MAP_GROUP;
    for (uint32_t i = 0; i < g; i++) {
      uint32_t head[2];
      memcpy(head, rest, sizeof head);
      len[i] = head[0];
      tfold[i] = head[1];
      str[i] = rest + sizeof head;
      rest = str[i] + len[i];
      hash[i] = qr_hash_bytes(str[i], len[i]);
      qr_lexicon_prefetch(c->lex, hash[i]);
    }
    for (uint32_t i = 0; i < g; i++) {
      uint32_t id, fold;
      qr_status rc = qr_lexicon_intern_hashed(c->lex, str[i], len[i], hash[i], &id);
      if (!rc && tfold[i] == UNKNOWN) rc = qr_corpus_fold_id(c, id, &fold);
      if (rc) return rc;
      an->map[k0 + i] = id;
    }
  }
  rest = fresh;
  for (uint32_t k = lex0; k < lex1; k++) {
    uint32_t head[2];
    memcpy(head, rest, sizeof head);
    rest += sizeof head + head[0];
    if (head[1] != UNKNOWN && qr_corpus_set_fold(c, an->map[k], an->map[head[1]])) return QR_ENOMEM;
  }
  return QR_OK;
}

/* Step 2: the batches' new strings into the corpus's lexicon, in batch
 * order, and their places in the arrays. Stops at the first batch that
 * failed or would pass the corpus's tokens; *nok gets the batches to copy
 * (the last of them maybe in part: its nmerge). */
static qr_status map_batches(qr_corpus *c, job *j, size_t *nok, size_t *tok_end,
                             size_t *sent_end) {
  size_t tok = c->toks.n, sent = c->sents.n;
  qr_status rc = QR_OK;
  size_t b = 0;
  for (; b < j->nbatches && !rc; b++) {
    batch *bt = &j->batches[b];
    struct qr_annotator *an = &c->annotators[bt->worker];
    /* a batch that failed before its first span: its new strings may not
     * all be there, and nothing of it is merged */
    uint32_t lex1 = bt->nmerge == 0 && bt->rc ? bt->lex0 : bt->lex1;
    const char *fresh = an->set[bt->round % 2].fresh.data + bt->fresh0;
    if (bt->lex1 > an->nmap) {
      uint32_t *m = realloc(an->map, bt->lex1 * sizeof *m);
      if (!m) {
        bt->nmerge = 0;
        rc = QR_ENOMEM;
        break;
      }
      an->map = m;
      an->nmap = bt->lex1;
    }
    rc = map_fresh(c, an, bt->lex0, lex1, fresh);
    if (rc) {
      bt->nmerge = 0;
      break;
    }
    bt->dst_tok = tok;
    bt->dst_sent = sent;
    for (size_t k = bt->first; k < bt->first + bt->nmerge; k++) {
      if (tok + j->spans[k].ntok > c->max_tokens) {
        bt->nmerge = k - bt->first;
        rc = QR_ELIMIT;
        break;
      }
      tok += j->spans[k].ntok;
      sent += j->spans[k].nsent;
    }
    if (!rc) rc = bt->rc;
  }
  *nok = b;   /* batches [0, b) are copied; the last of them up to its nmerge */
  *tok_end = tok;
  *sent_end = sent;
  return rc;
}

/* Where document d's annotations start: here. */
static void begin_doc(qr_corpus *c, docrec *d) {
  d->tok_first = c->toks.n;
  d->sent_first = c->sents.n;
  d->ment_first = c->ments.n;
  d->tok_count = d->sent_count = d->ment_count = 0;
  d->cut_warned = 0;
}

/* Step 4: documents' ranges, cut warnings, mentions, in order; *failed
 * gets the document of the first span not merged. */
static qr_status finish_docs(qr_corpus *c, job *j, size_t nok, int warn_cuts, size_t *failed) {
  for (size_t b = 0; b < nok; b++) {
    const batch *bt = &j->batches[b];
    for (size_t k = bt->first; k < bt->first + bt->nmerge; k++) {
      const span *sp = &j->spans[k];
      docrec *d = &c->docs[sp->doc];
      if (sp->a == 0) begin_doc(c, d);
      c->toks.n += sp->ntok;
      c->sents.n += sp->nsent;
      d->tok_count += sp->ntok;
      d->sent_count += sp->nsent;
      if (warn_cuts && sp->cut_at != SIZE_MAX && !d->cut_warned) {
        qr_corpus_warn_cut(c, d, sp->cut_at);
        d->cut_warned = 1;
      }
      *failed = sp->doc + 1;
      qr_status rc = QR_OK;
      if (sp->matched) {
        d->ment_first = c->ments.n;
        d->ment_count = sp->nment;
        const qr_mentions *from = &c->annotators[bt->worker].set[bt->round % 2].ments;
        rc = qr_mentions_append(&c->ments, from, sp->m0, sp->nment, sp->wtok0, d->tok_first);
      } else if (sp->e == d->len && c->gaz) {
        rc = qr_corpus_match_doc(c, d);
      }
      if (rc) {
        *failed = sp->doc;
        return rc;
      }
    }
    if (bt->nmerge < bt->n) {
      /* the span that was not merged: its document goes, begun or not */
      const span *sp = &j->spans[bt->first + bt->nmerge];
      if (sp->a == 0) begin_doc(c, &c->docs[sp->doc]);
      *failed = sp->doc;
      return QR_ELIMIT;   /* the caller has the real status */
    }
  }
  return QR_OK;
}

/* ---- postings ------------------------------------------------------------------ */

/* A counting sort of token positions by fold on several threads. Each
 * thread counts the folds of its share of the tokens (phase 1), and the
 * counts become each fold's place. Then the positions are placed a window
 * of folds at a time (phase 2), each window's folds cut into one part per
 * thread holding as many postings as the others: every thread reads every
 * token and writes only its own part's. So no two threads write the same
 * page or cache line (the postings of a rare fold fill a line or two: cut
 * by tokens instead, each thread wrote a few of them into the same lines,
 * which went back and forth between the cores), the threads' shares weigh
 * the same whatever part of the text their folds were first met in, and no
 * thread waits for another between windows: each goes on with its part of
 * the next window. Reading all tokens on every thread costs little next to
 * the writes: the folds are read in order, eight at a time (post_block). A
 * part's tokens are taken a step at a time, by its
 * owner from the front and, once another thread is done with its own part,
 * by that thread from the back, placing its positions from each fold's
 * last places down: where the two meet, every position is in its place, so
 * that a thread slowed by what the parts do not weigh (another process on
 * its core, its pages slow to come) leaves the other less to wait for. In
 * an index build (spilled), each part's pages are let go once placed, and
 * so are those of the folds read, by the last part past them: the
 * postings' pages are never all in memory at once. */
typedef struct post_job {
  const qr_corpus *c;
  const uint32_t *fold;
  size_t n, nt;
  uint32_t **count;          /* phase 1: per thread, per fold */
  const uint32_t *start;     /* per fold, its first place; start[nlex]: n */
  uint32_t *next;            /* phase 2: per fold, its next place (its part's owner only) */
  uint32_t *prev;            /* ... and one past its last free place (its part's helper only) */
  uint32_t *pos;
  const size_t *win;         /* window w: folds [win[w], win[w + 1]) */
  size_t nwin, step, nsteps; /* tokens are taken a step at a time */
  int help_only;             /* (tests: c->post_help_only) */
  atomic_uint *passed;       /* per window and step of tokens, the parts past it */
  atomic_uint_fast64_t *steps; /* per window and part: its steps not taken, [front, back) */
  atomic_uint *left;         /* per window and part: its steps not placed yet */
  atomic_uint *helped;       /* per window and part: a helper took it */
  int drop;                  /* spilled: let go of pages as they are done with */
  atomic_size_t thread;      /* the next thread's number */
} post_job;

/* tokens read between two drops of their pages (a thread's share of a
 * corpus of billions of tokens is hundreds of megabytes), and taken at a
 * time from a part's steps */
#define POST_STEP ((size_t)1 << 20)

/* places of a window of folds: 8M at least (32 MB); on threads, 256M (1 GB)
 * at least, or all of them (qr_corpus_sort_postings) */
#define POST_WINDOW_MIN ((size_t)8 << 20)
#define POST_WINDOW_THREADS ((size_t)256 << 20)

/* The first fold of part k (of nt) of the folds [lo, hi): the fold whose
 * place is nearest k nt-ths of the window's postings. */
static size_t post_part(const uint32_t *start, size_t lo, size_t hi, size_t k, size_t nt) {
  if (k == 0) return lo;
  if (k >= nt) return hi;
  uint64_t want = start[lo] + (uint64_t)(start[hi] - start[lo]) * k / nt;
  size_t a = lo, b = hi;   /* the first fold placed at want or after */
  while (a < b) {
    size_t m = a + (b - a) / 2;
    if (start[m] < want) a = m + 1;
    else b = m;
  }
  if (a > lo && want - start[a - 1] < start[a] - want) a--;
  return a;
}

/* Takes the next step of a part from its front (its owner) or its back
 * (its helper); SIZE_MAX when none is left. */
static size_t post_take(atomic_uint_fast64_t *steps, int back) {
  uint_fast64_t v = atomic_load(steps);
  for (;;) {
    uint_fast64_t front = v >> 32, end = v & 0xFFFFFFFFu;
    if (front >= end) return SIZE_MAX;
    uint_fast64_t want = back ? (front << 32) | (end - 1) : ((front + 1) << 32) | end;
    if (atomic_compare_exchange_weak(steps, &v, want)) return (size_t)(back ? end - 1 : front);
  }
}

/* The tokens of fold[i, i + 8) whose folds are in [lo, lo + width), as
 * bits (bit r: token i + r). A part is a thread's share of a window (a
 * quarter of the postings on one thread; on threads, all of them up to 1
 * GB), so that whether a token is a part's is a coin of one in two to
 * eight: tested token by token, a branch mispredicted that often, and the
 * sort of english100 took 0.33 s on one thread (0.24 s with the blocks)
 * and 0.18 s on two in quarters (0.13 s). */
static unsigned post_block(const uint32_t *fold, size_t i, uint32_t lo, uint32_t width) {
#if defined(__SSE2__)
  /* (f - lo) < width, unsigned: compared signed with the top bits flipped */
  const __m128i flip = _mm_set1_epi32((int)0x80000000u);
  const __m128i low = _mm_set1_epi32((int)lo), top = _mm_set1_epi32((int)(width ^ 0x80000000u));
  __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(fold + i));
  __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(fold + i + 4));
  a = _mm_xor_si128(_mm_sub_epi32(a, low), flip);
  b = _mm_xor_si128(_mm_sub_epi32(b, low), flip);
  unsigned ma = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmplt_epi32(a, top)));
  unsigned mb = (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmplt_epi32(b, top)));
  return ma | mb << 4;
#else
  unsigned m = 0;
  for (unsigned r = 0; r < 8; r++) m |= (unsigned)(fold[i + r] - lo < width) << r;
  return m;
#endif
}

/* Places the positions of step k's tokens whose folds are part u = [a, b)
 * of window w: forward through next (its owner), or backward through prev
 * (its helper, from the part's last places down). The last step placed
 * lets go of the part's pages; the last part past a step, of its folds'. */
static void post_step(post_job *j, size_t w, size_t u, size_t a, size_t b, size_t k, int back) {
  uint32_t *pos = j->pos, lo = (uint32_t)a, width = (uint32_t)(b - a);
  const uint32_t *fold = j->fold;
  size_t s0 = k * j->step, s1 = j->n - s0 < j->step ? j->n : s0 + j->step;
  size_t e8 = s0 + (s1 - s0) / 8 * 8;   /* [s0, e8) in blocks of eight */
  if (width && !back) {
    uint32_t *next = j->next;
    for (size_t i = s0; i < e8; i += 8)
      for (unsigned m = post_block(fold, i, lo, width); m; m &= m - 1) {
        size_t t = i + (size_t)__builtin_ctz(m);
        pos[next[fold[t]]++] = (uint32_t)t;
      }
    for (size_t i = e8; i < s1; i++) {
      uint32_t f = fold[i];
      if (f - lo < width) pos[next[f]++] = (uint32_t)i;
    }
  } else if (width) {
    uint32_t *prev = j->prev;
    for (size_t i = s1; i-- > e8;) {
      uint32_t f = fold[i];
      if (f - lo < width) pos[--prev[f]] = (uint32_t)i;
    }
    for (size_t i = e8; i > s0;) {
      i -= 8;
      for (unsigned m = post_block(fold, i, lo, width); m; m &= ~(1u << (31 - __builtin_clz(m)))) {
        size_t t = i + (size_t)(31 - __builtin_clz(m));
        pos[--prev[fold[t]]] = (uint32_t)t;
      }
    }
  }
  if (!j->drop) return;
  /* the folds' pages, once every part is past them; or at once where a
   * part's owner is two steps behind or more (the pages it reads again come
   * back from the page cache): a thread ahead kept every page it read until
   * the other came by, up to the whole array of folds */
  int drop = atomic_fetch_add(&j->passed[w * j->nsteps + k], 1) + 1 == j->nt;
  for (size_t v = 0; !drop && v < j->nt; v++) {
    uint_fast64_t x = atomic_load(&j->steps[w * j->nt + v]), front = x >> 32;
    drop = front < (x & 0xFFFFFFFFu) && front + 2 <= k;
  }
  if (drop) qr_pages_drop(j->fold + s0, (s1 - s0) * sizeof *j->fold);
  if (atomic_fetch_sub(&j->left[w * j->nt + u], 1) == 1)
    qr_corpus_spill_written(j->c, pos + j->start[a], (size_t)(j->start[b] - j->start[a]) * sizeof *pos);
}

static void *post_worker(void *p) {
  post_job *j = p;
  size_t t = atomic_fetch_add(&j->thread, 1);
  if (!j->start) {   /* phase 1: the folds of this thread's share counted */
    size_t a = j->n * t / j->nt, e = j->n * (t + 1) / j->nt;
    uint32_t *count = j->count[t];
    for (size_t s0 = a; s0 < e; s0 += j->step) {
      size_t s1 = e - s0 < j->step ? e : s0 + j->step;
      for (size_t i = s0; i < s1; i++) count[j->fold[i]]++;
      if (j->drop) qr_pages_drop(j->fold + s0, (s1 - s0) * sizeof *j->fold);
    }
    return NULL;
  }
  for (size_t w = 0; w < j->nwin; w++) {
    size_t lo = j->win[w], hi = j->win[w + 1], nt = j->nt;
    size_t a = post_part(j->start, lo, hi, t, nt), b = post_part(j->start, lo, hi, t + 1, nt);
    /* this thread's part's pages of the scratch file mapped at once: the
     * threads' faults one page at a time, while they scatter, wait on each
     * other in the kernel (2 threads, english100: the sort's median 244 ->
     * 223 ms). Not on one thread, whose faults wait on nothing: mapping the
     * part first made it slower there (321 -> 357 ms) */
    if (j->drop && nt > 1 && b > a)
      qr_pages_populate(j->pos + j->start[a], (size_t)(j->start[b] - j->start[a]) * 4);
    for (size_t k; !(j->help_only && t == 1) &&
                   (k = post_take(&j->steps[w * nt + t], 0)) != SIZE_MAX;)
      post_step(j, w, t, a, b, k, 0);
    /* then the steps left of the part (with folds) with the most, from its
     * back: a part's cost is not its postings' alone (a thread slowed by
     * another process, or by the writing back, left the other waiting) */
    size_t u, ua = 0, ub = 0;
    unsigned no;
    do {
      u = SIZE_MAX;
      uint_fast64_t most = 0;
      for (size_t v = 0; v < nt; v++) {
        uint_fast64_t x = atomic_load(&j->steps[w * nt + v]), front = x >> 32, end = x & 0xFFFFFFFFu;
        size_t va = post_part(j->start, lo, hi, v, nt), vb = post_part(j->start, lo, hi, v + 1, nt);
        if (front < end && end - front > most && vb > va && !atomic_load(&j->helped[w * nt + v]))
          most = end - front, u = v, ua = va, ub = vb;
      }
      no = 0;
    } while (u != SIZE_MAX && !atomic_compare_exchange_strong(&j->helped[w * nt + u], &no, 1));
    if (u == SIZE_MAX) continue;
    for (size_t f = ua; f < ub; f++) j->prev[f] = j->start[f + 1];
    for (size_t k; (k = post_take(&j->steps[w * nt + u], 1)) != SIZE_MAX;)
      post_step(j, w, u, ua, ub, k, 1);
  }
  return NULL;
}

/* Runs post_worker on nt threads (this one too). */
static void post_phase(post_job *j) {
  atomic_store(&j->thread, 0);
  pthread_t tid[MAX_THREADS];
  size_t started = 0;
  for (size_t i = 1; i < j->nt; i++) {
    if (pthread_create(&tid[i], NULL, post_worker, j) != 0) break;
    started = i;
  }
  /* this thread's share, and those of threads that could not start */
  for (size_t k = started + 1; k <= j->nt; k++) post_worker(j);
  for (size_t i = 1; i <= started; i++) pthread_join(tid[i], NULL);
}

/* The end of the window of folds starting at lo: as many folds as fill
 * window places (one at least). */
static size_t post_window_end(const uint32_t *start, size_t nlex, size_t lo, size_t window) {
  size_t hi = lo + 1;
  while (hi < nlex && start[hi + 1] - start[lo] <= window) hi++;
  return hi;
}

qr_status qr_corpus_sort_postings(const qr_corpus *c, size_t nlex, uint32_t *start, uint32_t *pos) {
  size_t n = c->toks.n, nt = c->jobs < MAX_THREADS ? c->jobs : MAX_THREADS;
  if (nt < 1 || n < ((size_t)1 << 20)) nt = 1;   /* threads for a million tokens or more */
  size_t step = c->post_step ? c->post_step : POST_STEP;
  post_job j = {.c = c, .fold = c->fold, .n = n, .nt = nt, .pos = pos, .drop = c->spill != NULL,
                .step = step, .nsteps = (n + step - 1) / step, .help_only = c->post_help_only,
                .count = calloc(nt, sizeof(uint32_t *))};
  /* windows of folds whose postings fill a quarter of them, 8M at least
   * (in memory, one window: all). On threads, one window up to 256M places
   * (1 GB), and windows of a quarter past it: each thread reads every fold
   * once a window (a part's tokens are anywhere), so that a window more is
   * a pass more over the folds on every thread (english100 on 2 threads,
   * medians of 5: three windows 133 ms, two 110 ms, one 81 ms; the peak 92,
   * 91 and 131 MB) */
  size_t window = n / 4 > POST_WINDOW_MIN ? n / 4 : POST_WINDOW_MIN;
  if (nt > 1 && n <= POST_WINDOW_THREADS) window = n;
  else if (nt > 1 && window < POST_WINDOW_THREADS) window = POST_WINDOW_THREADS;
  if (!c->spill) window = SIZE_MAX;
  if (c->post_window) window = c->post_window;
  size_t *win = NULL, nwin = 0;
  qr_status rc = j.count ? QR_OK : QR_ENOMEM;
  for (size_t t = 0; t < nt && !rc; t++)
    if (!(j.count[t] = qr_zalloc(nlex ? nlex : 1, sizeof(uint32_t)))) rc = QR_ENOMEM;
  if (!rc) {
    post_phase(&j);
    /* each fold's place; the first thread's counts become the next places */
    start[0] = 0;
    for (size_t f = 0; f < nlex; f++) {
      uint32_t count = 0;
      for (size_t t = 0; t < nt; t++) count += j.count[t][f];
      start[f + 1] = start[f] + count;
      j.count[0][f] = start[f];
    }
    for (size_t lo = 0; lo < nlex; lo = post_window_end(start, nlex, lo, window)) nwin++;
    size_t npassed = nwin * j.nsteps, nparts = nwin * nt;
    win = malloc((nwin + 1) * sizeof *win);
    j.passed = malloc((npassed ? npassed : 1) * sizeof *j.passed);
    j.steps = malloc((nparts ? nparts : 1) * sizeof *j.steps);
    j.left = malloc((nparts ? nparts : 1) * sizeof *j.left);
    j.helped = malloc((nparts ? nparts : 1) * sizeof *j.helped);
    j.prev = malloc((nlex ? nlex : 1) * sizeof *j.prev);
    if (!win || !j.passed || !j.steps || !j.left || !j.helped || !j.prev) rc = QR_ENOMEM;
    for (size_t k = 0; !rc && k < npassed; k++) atomic_init(&j.passed[k], 0);
    for (size_t k = 0; !rc && k < nparts; k++) {
      atomic_init(&j.steps[k], (uint_fast64_t)j.nsteps);   /* front 0, back nsteps */
      atomic_init(&j.left[k], (unsigned)j.nsteps);
      atomic_init(&j.helped[k], 0);
    }
    for (size_t w = 0; !rc && w <= nwin; w++)
      win[w] = w == 0 ? 0 : post_window_end(start, nlex, win[w - 1], window);
    j.win = win;
    j.nwin = nwin;
    j.start = start;
    j.next = j.count[0];
    if (!rc) post_phase(&j);
  }
  for (size_t t = 0; j.count && t < nt; t++) free(j.count[t]);
  free(j.count);
  free((void *)j.passed);
  free((void *)j.steps);
  free((void *)j.left);
  free((void *)j.helped);
  free(j.prev);
  free(win);
  return rc;
}

size_t qr_corpus_jobs_online(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (size_t)n : 1;
}

/* ---- the pipeline ---------------------------------------------------------------- */

/* The rounds of one call, and where each stands. Everything below `mu` is
 * read and written under it; the tasks themselves run outside it. */
typedef struct pipeline {
  qr_corpus *c;
  span *spans;
  batch *batches;
  size_t *rounds;            /* round k: batches [rounds[k], rounds[k + 1]) */
  size_t nrounds;
  size_t nw;                 /* threads */
  int warn_cuts;
  size_t failed;             /* the document that failed (steps 2 and 4, in turn) */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t next;               /* the next batch to annotate */
  size_t *left;              /* per round: its batches not annotated yet */
  size_t m;                  /* the round being merged (those before it are) */
  int stage;                 /* of round m: a merge_stage */
  size_t nok;                /* its batches to copy (step 2) */
  size_t copy_next, copy_left;
  int copying;               /* copies running */
  qr_status map_rc;          /* what step 2 met: the round is copied up to it, then stops */
  int stop;                  /* no task taken after this */
  qr_status rc;
} pipeline;

enum merge_stage { WAITING, MAPPING, COPYING, FINISHING };
enum task_kind { NO_TASK, ANNOTATE, MAP, COPY, FINISH };

typedef struct task {
  int kind;
  size_t n;                  /* the batch (annotate, copy) or the round (map, finish) */
} task;

static job round_job(const pipeline *pl, size_t k) {
  size_t b0 = pl->rounds[k];
  return (job){pl->c, pl->spans, pl->batches + b0, pl->rounds[k + 1] - b0};
}

/* Under the lock: thread id's next task. The merge of the oldest round
 * first, so that its set of arrays is free again soon; step 4 only on the
 * main thread (warnings and progress call back). */
static task pick(pipeline *pl, int id) {
  task t = {NO_TASK, 0};
  if (pl->stop || pl->m >= pl->nrounds) return t;
  size_t m = pl->m;
  if (pl->stage == WAITING && pl->left[m] == 0) {
    pl->stage = MAPPING;
    return (task){MAP, m};
  }
  if (pl->stage == COPYING) {
    if (pl->copy_next < pl->nok && !(pl->c->spill && pl->copying)) {
      pl->copying++;
      return (task){COPY, pl->rounds[m] + pl->copy_next++};
    }
    if (pl->copy_left == 0 && id == 0) {
      pl->stage = FINISHING;
      return (task){FINISH, m};
    }
  }
  /* rounds m and m + 1 in flight */
  size_t upto = pl->rounds[m + 2 < pl->nrounds ? m + 2 : pl->nrounds];
  if (pl->next < upto) t = (task){ANNOTATE, pl->next++};
  return t;
}

/* The threads' arrays of set k, emptied for a round. */
static void reset_set(pipeline *pl, size_t k) {
  for (size_t i = 0; i < pl->nw; i++) {
    round_arrays *r = &pl->c->annotators[i].set[k];
    qr_tokens_reset(&r->toks);
    qr_sentences_reset(&r->sents);
    qr_mentions_reset(&r->ments);
    qr_buf_reset(&r->fresh);
  }
}

/* Step 2 of round m; *room_failed when the arrays have no room for it (then
 * nothing of it is merged). */
static qr_status map_round(pipeline *pl, size_t m, size_t *nok, int *room_failed) {
  qr_corpus *c = pl->c;
  job j = round_job(pl, m);
  size_t tok_end, sent_end;
  qr_status rc = map_batches(c, &j, nok, &tok_end, &sent_end);
  qr_status room = qr_corpus_room(c, tok_end - c->toks.n, sent_end - c->sents.n);
  *room_failed = room != QR_OK;
  if (room) {
    const span *sp = &pl->spans[j.batches[0].first];
    if (sp->a == 0) begin_doc(c, &c->docs[sp->doc]);
    pl->failed = sp->doc;   /* (read by the main thread after the join) */
    *nok = 0;
    return room;
  }
  return rc;
}

/* Step 4 of round m, on the main thread, and what follows it: the round's
 * pages let go of (an index build), progress, its set emptied for round m + 2. */
static qr_status finish_round(pipeline *pl, size_t m, size_t nok, qr_status map_rc) {
  qr_corpus *c = pl->c;
  job j = round_job(pl, m);
  size_t tok0 = c->toks.n, sent0 = c->sents.n;
  qr_status fin = finish_docs(c, &j, nok, pl->warn_cuts, &pl->failed);
  qr_status rc = map_rc ? map_rc : fin;
  if (c->spill) {
    /* an index build: the round's arrays and texts are done with; the
     * texts a document at a time, not a span at a time: each call that
     * lets go of mapped pages interrupts every other thread to flush its
     * TLB (a call per span of 1 MB: 97 of them for 100 MB of text) */
    qr_corpus_drop_pages(c, tok0, c->toks.n, sent0, c->sents.n);
    size_t k0 = j.batches[0].first, k1 = k0 + round_spans(&j);
    for (size_t k = k0; k < k1;) {
      const span *sp = &pl->spans[k];
      size_t e = sp->e;
      for (k++; k < k1 && pl->spans[k].doc == sp->doc && pl->spans[k].a == e; k++) e = pl->spans[k].e;
      const docrec *d = &c->docs[sp->doc];
      if (d->mapped) qr_pages_drop(d->text + sp->a, e - sp->a);
    }
  }
  if (c->progress && !rc) {
    for (size_t b = 0; b < j.nbatches; b++) c->progress_annotated += j.batches[b].bytes;
    uint64_t done = c->progress_annotated < c->progress_total ? c->progress_annotated
                                                               : c->progress_total;
    c->progress(c->progress_ud, done, c->progress_total, pl->failed);
  }
  reset_set(pl, m % 2);
  return rc;
}

/* Thread id's loop: tasks until every round is merged or one failed. */
static void run_pipeline(pipeline *pl, int id) {
  pthread_mutex_lock(&pl->mu);
  while (!pl->stop && pl->m < pl->nrounds) {
    task t = pick(pl, id);
    if (t.kind == NO_TASK) {
      pthread_cond_wait(&pl->cv, &pl->mu);
      continue;
    }
    size_t nok = pl->nok;
    qr_status map_rc = pl->map_rc;
    pthread_mutex_unlock(&pl->mu);
    qr_status rc = QR_OK;
    int room_failed = 0;
    if (t.kind == ANNOTATE) {
      batch *bt = &pl->batches[t.n];
      job j = round_job(pl, bt->round);
      annotate_batch(&j, bt, id);
    } else if (t.kind == MAP) {
      rc = map_round(pl, t.n, &nok, &room_failed);
    } else if (t.kind == COPY) {
      job j = round_job(pl, pl->batches[t.n].round);
      copy_batch(&j, &pl->batches[t.n], id);
    } else {
      rc = finish_round(pl, t.n, nok, map_rc);
    }
    pthread_mutex_lock(&pl->mu);
    if (t.kind == ANNOTATE) {
      pl->left[pl->batches[t.n].round]--;
    } else if (t.kind == MAP && room_failed) {
      pl->rc = rc;
      pl->stop = 1;
    } else if (t.kind == MAP) {
      pl->stage = COPYING;
      pl->map_rc = rc;
      pl->nok = nok;
      pl->copy_next = 0;
      pl->copy_left = nok;
    } else if (t.kind == COPY) {
      pl->copy_left--;
      pl->copying--;
    } else if (rc) {
      pl->rc = rc;
      pl->stop = 1;
    } else {
      pl->m++;
      pl->stage = WAITING;
    }
    pthread_cond_broadcast(&pl->cv);
  }
  int merged = !pl->stop && pl->m >= pl->nrounds;
  pthread_mutex_unlock(&pl->mu);
  /* every round merged: no thread reads this one's arrays again, and each
   * frees its own (the pages go back on every core, not one after the
   * other on the main thread while the others wait) */
  if (merged) free_sets(&pl->c->annotators[id]);
}

typedef struct helper_arg {
  pipeline *pl;
  int id;
} helper_arg;

static void *pipeline_helper(void *p) {
  helper_arg *a = p;
  run_pipeline(a->pl, a->id);
  return NULL;
}

/* The rounds of batches[0, nbatches): per_round bytes each, and a quarter
 * of that in the last two rounds' worth. The last round's merge is the one
 * no annotation runs beside (in an index build its copies go one at a
 * time): the smaller it is, the less the other threads wait at the end. */
static qr_status plan_rounds(batch *batches, size_t nbatches, size_t per_round, size_t **rounds,
                             size_t *nrounds) {
  size_t *r = malloc((nbatches + 1) * sizeof *r), n = 0, left = 0;
  if (!r) return QR_ENOMEM;
  for (size_t b = 0; b < nbatches; b++) left += batches[b].bytes;
  for (size_t b = 0; b < nbatches;) {
    size_t bytes = 0, want = left < 2 * per_round ? per_round / 4 : per_round;
    r[n] = b;
    for (; b < nbatches && (b == r[n] || bytes < want); b++) {
      bytes += batches[b].bytes;
      batches[b].round = n;
    }
    left -= bytes;
    n++;
  }
  r[n] = nbatches;
  *rounds = r;
  *nrounds = n;
  return QR_OK;
}

qr_status qr_corpus_annotate_parallel(qr_corpus *c, size_t first, int warn_cuts,
                                      size_t *failed) {
  *failed = first;
  if (first >= c->ndocs) return QR_OK;
  size_t nw = c->jobs < MAX_THREADS ? c->jobs : MAX_THREADS;
  span *spans;
  batch *batches;
  size_t nspans, nbatches, nrounds = 0, *rounds = NULL, *left = NULL;
  qr_status rc = plan(c, first, &spans, &nspans, &batches, &nbatches);
  if (rc) return rc;
  if (nw > nbatches) nw = nbatches;
  if (nw < 1) nw = 1;
  if (!c->spill) {
    /* the corpus's arrays in memory: room for the tokens the text will
     * likely make (a token every four bytes; English prose has one every
     * five), so that they are not moved as they double, round after round
     * (each move of a large array interrupts the other threads to flush
     * their TLBs); past it they grow as before, and pages never written
     * cost nothing (a failure here is no failure) */
    size_t bytes = 0;
    for (size_t b = 0; b < nbatches; b++) bytes += batches[b].bytes;
    (void)qr_corpus_room(c, bytes / 4, bytes / 64);
  }
  if ((rc = make_annotators(c, nw))) goto done;
  size_t round_bytes = c->batch_bytes ? c->batch_bytes : ROUND_BYTES;
  if ((rc = plan_rounds(batches, nbatches, round_bytes * nw, &rounds, &nrounds))) goto done;
  if (!(left = malloc(nrounds * sizeof *left))) {
    rc = QR_ENOMEM;
    goto done;
  }
  for (size_t k = 0; k < nrounds; k++) left[k] = rounds[k + 1] - rounds[k];
  for (size_t i = 0; i < nw; i++) {
    qr_corpus *w = c->annotators[i].w;
    w->seg = c->seg;   /* the corpus's, read by every thread */
    if (w->gaz != c->gaz) qr_corpus_keep_gazetteer(w, c->gaz);
    w->no_guess = c->no_guess;
  }
  pipeline pl = {.c = c, .spans = spans, .batches = batches, .rounds = rounds,
                 .nrounds = nrounds, .nw = nw, .warn_cuts = warn_cuts, .left = left,
                 .stage = WAITING, .rc = QR_OK, .map_rc = QR_OK, .failed = first};
  reset_set(&pl, 0);
  reset_set(&pl, 1);
  if (pthread_mutex_init(&pl.mu, NULL)) {
    rc = QR_ENOMEM;
    goto done;
  }
  if (pthread_cond_init(&pl.cv, NULL)) {
    pthread_mutex_destroy(&pl.mu);
    rc = QR_ENOMEM;
    goto done;
  }
  pthread_t tid[MAX_THREADS];
  helper_arg args[MAX_THREADS];
  size_t started = 0;
  for (size_t i = 1; i < nw; i++) {
    args[i].pl = &pl;
    args[i].id = (int)i;
    if (pthread_create(&tid[i], NULL, pipeline_helper, &args[i]) != 0) break;   /* fewer threads */
    started = i;
  }
  run_pipeline(&pl, 0);
  for (size_t i = 1; i <= started; i++) pthread_join(tid[i], NULL);
  pthread_cond_destroy(&pl.cv);
  pthread_mutex_destroy(&pl.mu);
  rc = pl.rc;
  *failed = pl.failed;
done:
  /* after a failure, the threads' lexicons hold strings never mapped (the
   * rest of the round, the next one): the next call starts afresh */
  if (rc) qr_corpus_free_annotators(c);
  else free_arrays(c);   /* (done with: an index build writes next, in that memory) */
  free(left);
  free(rounds);
  free(spans);
  free(batches);
  return rc;
}
