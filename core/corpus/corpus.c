/* corpus.c — documents, their loading, and their annotation.
 *
 * Each document is annotated as it is added: tokenized and split (appended
 * to the corpus-wide arrays), its tokens interned in the lexicon, and, when a
 * gazetteer is set, its mentions found. Folding is memoised per distinct form
 * (fold_of), so a token costs one hash lookup beyond tokenizing. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quarry/corpus.h"
#include "quarry/file.h"
#include "quarry/json.h"
#include "quarry/utf8.h"

#include "corpus/corpus_impl.h"

/* A corpus segmenting with seg, or with a default segmenter of its own. */
static qr_corpus *corpus_new(const qr_segmenter *seg) {
  qr_corpus *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  if (!seg) seg = c->own_seg = qr_segmenter_new();
  c->seg = seg;
  c->max_tokens = QR_CORPUS_MAX_TOKENS;
  c->jobs = 1;
  c->mapped.data = "";
  c->docids = qr_lexicon_new();
  c->lex = qr_lexicon_new();
  if (!c->seg || !c->docids || !c->lex) {
    qr_corpus_free(c);
    return NULL;
  }
  return c;
}

qr_corpus *qr_corpus_new(void) { return corpus_new(NULL); }

qr_corpus *qr_corpus_new_scratch(const qr_segmenter *seg) { return corpus_new(seg); }

void qr_corpus_limit_tokens(qr_corpus *c, size_t max_tokens) {
  if (max_tokens < c->max_tokens) c->max_tokens = max_tokens;
}

void qr_corpus_free(qr_corpus *c) {
  if (!c) return;
  qr_segmenter_free(c->own_seg);
  qr_lexicon_free(c->docids);
  qr_lexicon_free(c->lex);
  qr_buf_free(&c->scratch);
  qr_entities_free(c->ents);
  for (size_t i = 0; i < c->nfiles; i++) qr_file_close(&c->files[i]);
  free(c->files);
  for (size_t i = 0; i < c->nowned; i++) free(c->owned[i]);
  free(c->owned);
  free(c->docs);
  if (c->spill) {   /* the token-sized arrays are the scratch file's */
    if (qr_corpus_spilled(c, c->post_pos)) c->post_pos = NULL;
    qr_corpus_close_spill(c);
    memset(&c->toks, 0, sizeof c->toks);
    memset(&c->sents, 0, sizeof c->sents);
    c->form = c->fold = NULL;
  }
  if (!c->frozen) {   /* else these are the mapping's */
    qr_buf_free(&c->strings);
    qr_tokens_free(&c->toks);
    free(c->form);
    free(c->fold);
    qr_sentences_free(&c->sents);
    qr_mentions_free(&c->ments);
    free(c->fold_of);
    free(c->meta_off);
    free(c->warn_off);
    free(c->skip_off);
    free(c->post_start);
    free(c->post_pos);
  }
  qr_file_close(&c->mapped);
  free(c->forms);
  free(c->gkeys);
  free(c->match_keys);
  free(c->match_caps);
  qr_guesses_free(&c->guesses);
  qr_mentions_free(&c->guess_tmp);
  free(c->srcs);
  free(c->root_off);
  free(c->reuse_ids);
  free(c->info_roots);
  free(c->info_sources);
  free(c->index_path);
  qr_corpus_free_annotators(c);
  free(c);
}

void qr_corpus_set_jobs(qr_corpus *c, size_t jobs) {
  c->jobs = jobs ? jobs : qr_corpus_jobs_online();
}

/* Documents are annotated on several threads a load's worth at a time;
 * past this many bytes waiting, the ones read so far go first. */
#define PENDING_BYTES ((size_t)256 << 20)

/* 1 if documents are annotated in rounds (parallel.c), a load's worth at a
 * time, not one by one as they are added: on several threads, and in an
 * index build on one too (a round goes into the scratch file with pwrite,
 * where a document annotated into the file's mapping makes the kernel read
 * (zero) each page before it is written: up to half the time of a build). */
static int in_rounds(const qr_corpus *c) { return c->jobs > 1 || c->spill; }

/* Annotates the documents added but not annotated yet (in_rounds). On
 * failure the document that failed and those after it go, as when one
 * thread fails on a document: the corpus keeps those before. */
static qr_status too_big(qr_error *err, const char *where, size_t line, size_t len);

static qr_status annotate_pending(qr_corpus *c, qr_error *err) {
  if (c->nannotated >= c->ndocs) return QR_OK;
  size_t failed;
  qr_status rc = qr_corpus_annotate_parallel(c, c->nannotated, 1, &failed);
  c->pending_bytes = 0;
  if (!rc) {
    c->nannotated = c->ndocs;
    return QR_OK;
  }
  docrec *d = &c->docs[failed];
  const char *where = c->strings.data + (c->strings.data[d->source_off] ? d->source_off : d->id_off);
  if (rc == QR_ELIMIT && d->len <= QR_CORPUS_MAX_DOC_BYTES)
    qr_error_set(err, rc, "%s: the corpus would pass %zu tokens, the most it holds; open the rest "
                 "as another corpus", where, c->max_tokens);
  else if (rc == QR_ELIMIT)
    too_big(err, where, d->source_line, d->len);
  else
    qr_error_set(err, rc, "%s: %s", where, qr_status_string(rc));
  /* the undo: what the merge had begun of it, and the documents after */
  c->toks.n = d->tok_first;
  c->sents.n = d->sent_first;
  if (c->ments.n > d->ment_first) c->ments.ncands = c->ments.cand_first[d->ment_first];
  c->ments.n = d->ment_first;
  if (d->meta_count || d->meta_first < c->nmeta) c->nmeta = d->meta_first;
  qr_lexicon_truncate(c->docids, failed);
  c->ndocs = c->nannotated = failed;
  return rc;
}

/* The end of a public call that added documents: the ones waiting are
 * annotated, also after an error (those read before it stay); the first
 * error is the one returned. */
static qr_status finish_adding(qr_corpus *c, qr_status rc, qr_error *err) {
  qr_error later = {0};
  qr_status a = annotate_pending(c, rc ? &later : err);
  return rc ? rc : a;
}

/* A malloc'ed copy of the n elements of size sz at *p, put in *p (room for
 * one at least); 0 when out of memory (*p unchanged). */
static int own_copy(void *pp, size_t n, size_t sz) {
  void **p = pp;
  void *q = malloc(n ? n * sz : 1);
  if (!q) return 0;
  if (n) memcpy(q, *p, n * sz);
  *p = q;
  return 1;
}

qr_status qr_corpus_thaw(qr_corpus *c) {
  if (!c->frozen) return QR_OK;
  /* copies first, into a scratch struct, so that a failure changes nothing */
  qr_corpus t = *c;
  size_t nt = c->toks.n, ns = c->sents.n, nm = c->ments.n, nlex = c->fold_cap;
  int ok = own_copy(&t.strings.data, c->strings.len, 1) &&
           own_copy(&t.toks.start, nt, 4) && own_copy(&t.toks.len, nt, 4) &&
           own_copy(&t.toks.kind, nt, 1) && own_copy(&t.toks.flags, nt, 1) &&
           own_copy(&t.toks.split, nt, 1) && own_copy(&t.form, nt, 4) &&
           own_copy(&t.fold, nt, 4) && own_copy(&t.sents.first, ns, 4) &&
           own_copy(&t.sents.count, ns, 4) && own_copy(&t.sents.flags, ns, 1) &&
           own_copy(&t.ments.tok_first, nm, 4) && own_copy(&t.ments.tok_count, nm, 4) &&
           own_copy(&t.ments.entry, nm, 4) && own_copy(&t.ments.flags, nm, 1) &&
           own_copy(&t.ments.cand_first, nm, 4) && own_copy(&t.ments.cand_count, nm, 4) &&
           own_copy(&t.ments.cands, c->ments.ncands, 4) && own_copy(&t.fold_of, nlex, 4) &&
           own_copy(&t.meta_off, c->nmeta, 8) && own_copy(&t.warn_off, c->nwarn, 8) &&
           own_copy(&t.skip_off, 2 * c->nskip, 8) &&
           (!c->post_start || (own_copy(&t.post_start, c->post_nlex + 1, 4) &&
                               own_copy(&t.post_pos, c->post_tokens, 4))) &&
           qr_lexicon_thaw(c->lex) == QR_OK && qr_lexicon_thaw(c->docids) == QR_OK;
  if (!ok) {
    /* free what was copied: the pointers of t that differ from c's */
    void *mine[] = {t.strings.data, t.toks.start, t.toks.len, t.toks.kind, t.toks.flags,
                    t.toks.split, t.form, t.fold, t.sents.first, t.sents.count, t.sents.flags,
                    t.ments.tok_first, t.ments.tok_count, t.ments.entry, t.ments.flags,
                    t.ments.cand_first, t.ments.cand_count, t.ments.cands, t.fold_of,
                    t.meta_off, t.warn_off, t.skip_off, t.post_start, t.post_pos};
    void *theirs[] = {c->strings.data, c->toks.start, c->toks.len, c->toks.kind, c->toks.flags,
                      c->toks.split, c->form, c->fold, c->sents.first, c->sents.count,
                      c->sents.flags, c->ments.tok_first, c->ments.tok_count, c->ments.entry,
                      c->ments.flags, c->ments.cand_first, c->ments.cand_count, c->ments.cands,
                      c->fold_of, c->meta_off, c->warn_off, c->skip_off, c->post_start,
                      c->post_pos};
    for (size_t k = 0; k < sizeof mine / sizeof *mine; k++)
      if (mine[k] != theirs[k]) free(mine[k]);
    return QR_ENOMEM;
  }
  t.strings.cap = c->strings.len ? c->strings.len : 1;
  t.toks.cap = nt ? nt : 1;
  t.ids_cap = t.toks.cap;
  t.sents.cap = ns ? ns : 1;
  t.ments.cap = nm ? nm : 1;
  t.ments.cands_cap = c->ments.ncands ? c->ments.ncands : 1;
  t.fold_cap = nlex;
  t.meta_cap = c->nmeta;
  t.warn_cap = c->nwarn;
  t.skip_cap = 2 * c->nskip;
  t.frozen = 0;
  *c = t;
  return QR_OK;
}

void qr_corpus_set_guess(qr_corpus *c, int on) { c->no_guess = !on; }
int qr_corpus_guesses(const qr_corpus *c) { return !c->no_guess; }

uint64_t qr_corpus_mentions_print(const qr_corpus *c, const qr_gazetteer *g) {
  if (!g) return 0;
  uint64_t p = qr_gazetteer_fingerprint(g);
  return c->no_guess ? p : qr_hash_mix(p ^ 0x67756573735f6f6eULL);   /* "guess_on" */
}

const char *qr_corpus_mention_type(const qr_corpus *c, size_t k) {
  const qr_mentions *m = &c->ments;
  if (m->flags[k] & QR_MF_GUESS) return qr_guess_type_name(qr_mention_guess_type(m, k));
  return c->gaz ? qr_gazetteer_type(c->gaz, m->entry[k]) : "";
}

qr_status qr_corpus_mention_id(const qr_corpus *c, size_t k, qr_buf *out) {
  const qr_mentions *m = &c->ments;
  if (!(m->flags[k] & QR_MF_GUESS)) {
    const char *id = c->gaz ? qr_gazetteer_id(c->gaz, m->entry[k]) : "";
    return qr_buf_append(out, id, strlen(id));
  }
  size_t full = qr_mention_guess_full(m, k);
  size_t first = m->tok_first[full], last = first + m->tok_count[full] - 1;
  const docrec *d = &c->docs[qr_corpus_doc_of_token(c, first)];
  const char *s = d->text + c->toks.start[first];
  size_t n = c->toks.start[last] + c->toks.len[last] - c->toks.start[first];
  /* the words, one space between them */
  for (size_t i = 0; i < n; i++) {
    int space = s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t';
    if (space && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\n' || s[i - 1] == '\r' || s[i - 1] == '\t'))
      continue;
    if (qr_buf_putc(out, space ? ' ' : s[i])) return QR_ENOMEM;
  }
  return QR_OK;
}

void qr_corpus_keep_gazetteer(qr_corpus *c, const qr_gazetteer *g) {
  c->gaz = g;
  c->gkeys_n = 0;
}

void qr_corpus_reuse(qr_corpus *c, const qr_corpus *old, int mentions) {
  c->reuse = old;
  c->reuse_mentions = old && mentions;
  free(c->reuse_ids);
  c->reuse_ids = NULL;
  c->reuse_nids = 0;
}

size_t qr_corpus_nreused(const qr_corpus *c) { return c->nreused; }

const qr_segmenter *qr_corpus_segmenter(const qr_corpus *c) { return c->seg; }

void qr_corpus_use_segmenter(qr_corpus *c, const qr_segmenter *seg) {
  c->seg = seg ? seg : c->own_seg;
}
size_t qr_corpus_ndocs(const qr_corpus *c) { return c->ndocs; }
const qr_tokens *qr_corpus_tokens(const qr_corpus *c) { return &c->toks; }
const uint32_t *qr_corpus_forms(const qr_corpus *c) { return c->form; }
const uint32_t *qr_corpus_folds(const qr_corpus *c) { return c->fold; }
const qr_sentences *qr_corpus_sentences(const qr_corpus *c) { return &c->sents; }
const qr_mentions *qr_corpus_mentions(const qr_corpus *c) { return &c->ments; }
const qr_lexicon *qr_corpus_lexicon(const qr_corpus *c) { return c->lex; }
const qr_gazetteer *qr_corpus_gazetteer(const qr_corpus *c) { return c->gaz; }
size_t qr_corpus_nwarnings(const qr_corpus *c) { return c->nwarn; }

const char *qr_corpus_warning(const qr_corpus *c, size_t k) {
  return k < c->nwarn ? c->strings.data + c->warn_off[k] : NULL;
}

size_t qr_corpus_nskipped(const qr_corpus *c) { return c->nskip; }

const char *qr_corpus_skipped(const qr_corpus *c, size_t k, const char **why) {
  if (k >= c->nskip) return NULL;
  if (why) *why = c->strings.data + c->skip_off[2 * k + 1];
  return c->strings.data + c->skip_off[2 * k];
}

void qr_corpus_doc(const qr_corpus *c, size_t i, qr_doc *out) {
  const docrec *d = &c->docs[i];
  out->id = c->strings.data + d->id_off;
  out->text = d->text;
  out->len = d->len;
  out->title_start = d->title_start;
  out->title_len = d->title_len;
  out->source = c->strings.data + d->source_off;
  out->source_line = d->source_line;
  out->tok_first = d->tok_first;
  out->tok_count = d->tok_count;
  out->sent_first = d->sent_first;
  out->sent_count = d->sent_count;
  out->ment_first = d->ment_first;
  out->ment_count = d->ment_count;
  out->meta_first = d->meta_first;
  out->meta_count = d->meta_count;
}

long qr_corpus_find(const qr_corpus *c, const char *id) {
  uint32_t k = qr_lexicon_find(c->docids, id, strlen(id));
  return k == QR_LEX_NONE || k >= c->ndocs ? -1 : (long)k;
}

void qr_corpus_meta(const qr_corpus *c, size_t k, const char **key, const char **json_value) {
  const char *s = c->strings.data + c->meta_off[k];
  *key = s;
  *json_value = s + strlen(s) + 1;
}

size_t qr_corpus_doc_of_token(const qr_corpus *c, size_t t) {
  size_t lo = 0, hi = c->ndocs;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (c->docs[mid].tok_first <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

uint32_t qr_corpus_fold_of(const qr_corpus *c, uint32_t form) {
  if (form >= c->fold_cap || c->fold_of[form] == UNKNOWN) return QR_LEX_NONE;
  return c->fold_of[form];
}

size_t qr_corpus_sentence_of_token(const qr_corpus *c, size_t t) {
  size_t lo = 0, hi = c->sents.n;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (c->sents.first[mid] <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

size_t qr_corpus_memory(const qr_corpus *c) {
  return sizeof *c + c->docs_cap * sizeof *c->docs + qr_lexicon_memory(c->lex) +
         qr_lexicon_memory(c->docids) + c->strings.cap +
         c->toks.cap * (3 * sizeof(uint32_t) + 3) + c->ids_cap * 2 * sizeof(uint32_t) +
         c->sents.cap * (2 * sizeof(uint32_t) + 1) + c->ments.cap * (3 * sizeof(uint32_t) + 1) +
         c->fold_cap * sizeof(uint32_t) + c->gkeys_cap * sizeof *c->gkeys +
         (c->post_start ? (qr_lexicon_size(c->lex) + 1 + c->post_tokens) * sizeof(uint32_t) : 0);
}

/* ---- helpers ------------------------------------------------------------ */

static qr_status put_string(qr_corpus *c, const char *s, size_t n, uint64_t *off) {
  *off = c->strings.len;
  if (qr_buf_append(&c->strings, s, n) || qr_buf_putc(&c->strings, '\0')) return QR_ENOMEM;
  return QR_OK;
}

static void warn_msg(qr_corpus *c, const char *msg) {
  uint64_t off;
  if (qr_grow((void **)&c->warn_off, &c->warn_cap, c->nwarn + 1, sizeof *c->warn_off) ||
      put_string(c, msg, strlen(msg), &off))
    return;   /* a lost warning is better than a failed load */
  c->warn_off[c->nwarn++] = off;
}

static void warn(qr_corpus *c, const char *fmt, const char *a, size_t x, size_t y, size_t z) {
  char msg[600];
  snprintf(msg, sizeof msg, fmt, a, x, y, z);
  warn_msg(c, msg);
}

/* Line and column (1-based, column in bytes) of offset pos in text. */
static void line_col(const char *text, size_t pos, size_t *line, size_t *col) {
  size_t l = 1, ls = 0;
  for (size_t i = 0; i < pos; i++)
    if (text[i] == '\n') l++, ls = i + 1;
  *line = l;
  *col = pos - ls + 1;
}

/* The title: the first non-empty line, trimmed, at most 300 bytes (cut at a
 * character boundary). */
static void find_title(const char *t, size_t n, size_t *start, size_t *len) {
  size_t i = 0;
  if (n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) i = 3;
  for (;;) {
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r')) i++;
    if (i < n && t[i] == '\n') {
      i++;
      continue;
    }
    break;
  }
  size_t e = i;
  while (e < n && t[e] != '\n') e++;
  while (e > i && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\r')) e--;
  if (e - i > 300) {
    e = i + 300;
    while (e > i && ((unsigned char)t[e] & 0xC0) == 0x80) e--;
  }
  *start = i;
  *len = e - i;
}

/* Token forms met lately, in a small table in front of the lexicon. Most
 * tokens are a few frequent words: found here, they cost a multiply and one
 * cache line, where the lexicon's big table would cost a hash, a miss for
 * its slot and another for the string it compares. A slot holds the form's
 * key (below) and length, and the ids of the form and its fold. */
#define FORM_CACHE_BITS 14
#define FORM_CACHE_SLOTS (1u << FORM_CACHE_BITS)   /* 512 KB: stays in the L2 cache */

/* A form the cache knows. A form of up to 16 bytes is its key, in w0 and
 * w1, so that a hit needs no hash and no comparison of strings; for a longer
 * form, w1 holds its hash and the bytes after the first 8 are compared. */
typedef struct formslot {
  uint64_t w0, w1;
  uint32_t len, form, fold;   /* len 0: empty (no token is empty) */
} formslot;

/* The first min(n, 8) bytes of s, little-endian, zeros above them, where
 * s[0, avail) may be read. */
static inline uint64_t load_head(const char *s, size_t n, size_t avail) {
  uint64_t w = 0;
  if (avail >= 8) {
    memcpy(&w, s, 8);
    if (n < 8) w &= (1ULL << (8 * n)) - 1;   /* little-endian: the first n bytes */
  } else {
    for (size_t k = 0; k < n && k < 8; k++) w |= (uint64_t)(unsigned char)s[k] << (8 * k);
  }
  return w;
}

/* The slot of a form of up to 16 bytes: its key words mixed by multiplying,
 * whose high bits depend on every bit of the key. */
static inline size_t short_form_slot(uint64_t w0, uint64_t w1, size_t n) {
  return (size_t)(((w0 ^ (w1 * 0x9e3779b97f4a7c15ULL) ^ n) * 0xd6e8feb86659fd93ULL) >>
                  (64 - FORM_CACHE_BITS));
}

/* Makes fold_of hold lexicon id id (new slots UNKNOWN). */
static qr_status fold_room(qr_corpus *c, uint32_t id) {
  if (id < c->fold_cap) return QR_OK;
  size_t old = c->fold_cap;
  if (qr_grow((void **)&c->fold_of, &c->fold_cap, (size_t)id + 1, sizeof *c->fold_of))
    return QR_ENOMEM;
  for (size_t k = old; k < c->fold_cap; k++) c->fold_of[k] = UNKNOWN;
  return QR_OK;
}

/* The fold id of lexicon id id, made when it is first asked for. */
static qr_status fold_of(qr_corpus *c, uint32_t id, uint32_t *fold) {
  if (fold_room(c, id)) return QR_ENOMEM;
  if (c->fold_of[id] == UNKNOWN) {
    qr_buf_reset(&c->scratch);
    uint32_t fid;
    size_t n;
    const char *s = qr_lexicon_str(c->lex, id, &n);
    /* s may move when the lexicon grows: fold into scratch first */
    if (qr_utf8_fold(s, n, &c->scratch) ||
        qr_lexicon_intern(c->lex, c->scratch.data, c->scratch.len, &fid) || fold_room(c, fid))
      return QR_ENOMEM;
    c->fold_of[id] = fid;
    c->fold_of[fid] = fid;   /* folding is idempotent */
  }
  *fold = c->fold_of[id];
  return QR_OK;
}

/* Interns the tokens [first, n) of a document with text text[0, len): the
 * ids of their forms and folds. A batch of tokens at a time: those the cache
 * holds are done at once; for the others, the lexicon's slots are asked for
 * together, then what a hit reads after its slot, a stage at a time, so that
 * their cache misses overlap, and then they are interned in order (the ids
 * come out as without the cache). A batch of 256 has about 19 misses in
 * English prose: enough to overlap. */
#define INTERN_BATCH 256

static qr_status intern_tokens(qr_corpus *c, const char *text, size_t len, size_t first) {
  qr_tokens *t = &c->toks;
  /* form and fold share the capacity ids_cap, which moves only once both
   * have grown (reallocating at every document, even to the same size,
   * copies the arrays under allocators that always move: quadratic) */
  if (t->n > c->ids_cap) {
    size_t c1 = c->ids_cap, c2 = c->ids_cap;
    if (qr_grow((void **)&c->form, &c1, t->n, sizeof *c->form) ||
        qr_grow((void **)&c->fold, &c2, t->n, sizeof *c->fold))
      return QR_ENOMEM;
    c->ids_cap = c1 < c2 ? c1 : c2;
  }
  /* (written at once: the threads of a build fill their caches side by side) */
  if (!c->forms && !(c->forms = qr_zalloc(FORM_CACHE_SLOTS, sizeof *c->forms))) return QR_ENOMEM;
  uint64_t hash[INTERN_BATCH];
  formslot key[INTERN_BATCH];
  uint32_t missed[INTERN_BATCH], slot[INTERN_BATCH];
  for (size_t b = first; b < t->n; b += INTERN_BATCH) {
    size_t e = t->n - b < INTERN_BATCH ? t->n : b + INTERN_BATCH, nmiss = 0;
    for (size_t i = b; i < e; i++) {
      const char *s = text + t->start[i];
      size_t n = t->len[i], avail = len - t->start[i];
      uint64_t w0 = load_head(s, n, avail), w1, h = 0;
      size_t at;
      if (n <= 16) {
        w1 = n > 8 ? load_head(s + 8, n - 8, avail - 8) : 0;
        at = short_form_slot(w0, w1, n);
      } else {
        h = w1 = qr_hash_bytes(s, n);
        at = (size_t)(h >> 7) & (FORM_CACHE_SLOTS - 1);
      }
      const formslot *f = &c->forms[at];
      if (f->w0 == w0 && f->w1 == w1 && f->len == n &&
          (n <= 16 || memcmp(s + 8, qr_lexicon_str(c->lex, f->form, NULL) + 8, n - 8) == 0)) {
        c->form[i] = f->form;
        c->fold[i] = f->fold;
        continue;
      }
      /* most tokens are shorter than 8 bytes: their head is their key */
      if (n <= 16) h = n < 8 ? qr_hash_short(w0, n) : qr_hash_bytes(s, n);
      qr_lexicon_prefetch(c->lex, h);
      hash[nmiss] = h;
      key[nmiss] = (formslot){w0, w1, (uint32_t)n, 0, 0};
      slot[nmiss] = (uint32_t)at;
      missed[nmiss++] = (uint32_t)(i - b);
    }
    /* the lexicon's slots were asked for above; now, batch-wide, what a
     * hit reads after them: the string's length and offset, then its bytes
     * and its fold (see qr_lexicon_prefetch_entry) */
    uint32_t guess[INTERN_BATCH];
    for (size_t k = 0; k < nmiss; k++) guess[k] = qr_lexicon_prefetch_entry(c->lex, hash[k]);
    for (size_t k = 0; k < nmiss; k++) {
      if (guess[k] == QR_LEX_NONE) continue;
      qr_lexicon_prefetch_str(c->lex, guess[k]);
      if (guess[k] < c->fold_cap) __builtin_prefetch(&c->fold_of[guess[k]]);
    }
    for (size_t k = 0; k < nmiss; k++) {
      size_t i = b + missed[k], n = t->len[i];
      uint32_t id, fold;
      qr_status rc = qr_lexicon_intern_hashed(c->lex, text + t->start[i], n, hash[k], &id);
      if (!rc) rc = fold_of(c, id, &fold);
      if (rc) return rc;
      key[k].form = id;
      key[k].fold = fold;
      c->forms[slot[k]] = key[k];
      c->form[i] = id;
      c->fold[i] = fold;
    }
  }
  return QR_OK;
}

/* ---- reuse (incremental updates of an index) ------------------------------ */

/* tokens imported, or bytes compared, between two lettings go of pages */
#define IMPORT_STEP ((size_t)1 << 20)

/* The document of c->reuse with this id and the same text, or -1. */
static long reusable(const qr_corpus *c, const char *id, const char *text, size_t len) {
  const qr_corpus *o = c->reuse;
  if (!o) return -1;
  long j = qr_corpus_find(o, id);
  if (j < 0) return -1;
  const docrec *od = &o->docs[j];
  if (od->len != len) return -1;
  for (size_t a = 0; a < len; a += IMPORT_STEP) {
    size_t n = len - a < IMPORT_STEP ? len - a : IMPORT_STEP;
    int same = memcmp(od->text + a, text + a, n) == 0;
    if (c->spill) {   /* an index build: both texts' pages go behind the comparison */
      if (o->frozen) qr_pages_drop(od->text + a, n);
      if (c->adding_mapped) qr_pages_drop(text + a, n);
    }
    if (!same) return -1;
  }
  return j;
}

/* Makes room for n more tokens' ids (form and fold share ids_cap, as in
 * intern_tokens). */
qr_status qr_corpus_ids_room(qr_corpus *c, size_t n) {
  if (n <= c->ids_cap) return QR_OK;
  size_t c1 = c->ids_cap, c2 = c->ids_cap;
  if (qr_grow((void **)&c->form, &c1, n, sizeof *c->form) ||
      qr_grow((void **)&c->fold, &c2, n, sizeof *c->fold))
    return QR_ENOMEM;
  c->ids_cap = c1 < c2 ? c1 : c2;
  return QR_OK;
}

/* Appends the annotations of document j of c->reuse as d's: its tokens,
 * their ids mapped to c's lexicon (a form new here is interned, then its
 * fold, when first met: the order annotating interns them in, so that the
 * ids come out as a fresh load's), and its sentences. */
static qr_status import_mentions(qr_corpus *c, docrec *d);
static qr_status match_doc(qr_corpus *c, docrec *d);

static qr_status import_doc(qr_corpus *c, docrec *d, size_t j) {
  const qr_corpus *o = c->reuse;
  const docrec *od = &o->docs[j];
  size_t nt = od->tok_count, ns = od->sent_count, t0 = c->toks.n, s0 = c->sents.n;
  if (!c->reuse_ids) {
    size_t n = qr_lexicon_size(o->lex);
    if (!(c->reuse_ids = malloc((n ? n : 1) * sizeof *c->reuse_ids))) return QR_ENOMEM;
    for (size_t k = 0; k < n; k++) c->reuse_ids[k] = QR_LEX_NONE;
    c->reuse_nids = n;
  }
  if (t0 + nt > c->max_tokens) return QR_ELIMIT;
  qr_status room = qr_corpus_room(c, nt, ns);
  if (room) return room;
  size_t a = od->tok_first;
  /* a step at a time: in an index build, the pages of both corpora are let
   * go behind it (a document may be gigabytes) */
  for (size_t i0 = 0; i0 < nt; i0 += IMPORT_STEP) {
    size_t i1 = nt - i0 < IMPORT_STEP ? nt : i0 + IMPORT_STEP;
    qr_tokens_copy(&c->toks, t0 + i0, &o->toks, a + i0, i1 - i0);
    for (size_t i = i0; i < i1; i++) {
      uint32_t f = o->form[a + i], id = f < c->reuse_nids ? c->reuse_ids[f] : QR_LEX_NONE, fold;
      if (id == QR_LEX_NONE) {
        size_t n;
        const char *str = qr_lexicon_str(o->lex, f, &n);
        if (qr_lexicon_intern(c->lex, str, n, &id) || fold_of(c, id, &fold)) return QR_ENOMEM;
        if (f < c->reuse_nids) c->reuse_ids[f] = id;
      }
      c->form[t0 + i] = id;
      c->fold[t0 + i] = c->fold_of[id];
    }
    if (c->spill) {
      qr_corpus_drop_pages(o, a + i0, a + i1, 0, 0);
      qr_corpus_drop_pages(c, t0 + i0, t0 + i1, 0, 0);
    }
  }
  c->toks.n = t0 + nt;
  for (size_t k = 0; k < ns; k++) {
    c->sents.first[s0 + k] = (uint32_t)(o->sents.first[od->sent_first + k] - a + t0);
    c->sents.count[s0 + k] = o->sents.count[od->sent_first + k];
    c->sents.flags[s0 + k] = o->sents.flags[od->sent_first + k];
    if (c->spill && (k + 1) % IMPORT_STEP == 0) {
      qr_corpus_drop_pages(o, 0, 0, od->sent_first + k + 1 - IMPORT_STEP, od->sent_first + k + 1);
      qr_corpus_drop_pages(c, 0, 0, s0 + k + 1 - IMPORT_STEP, s0 + k + 1);
    }
  }
  c->sents.n = s0 + ns;
  d->tok_count = nt;
  d->sent_count = ns;
  d->from = j + 1;
  if (c->spill) {
    qr_corpus_drop_pages(o, 0, 0, od->sent_first, od->sent_first + ns);
    qr_corpus_drop_pages(c, 0, 0, s0, s0 + ns);
  }
  c->nreused++;
  /* a gazetteer set before: its mentions, kept (the same gazetteer) or found */
  if (c->gaz) return c->reuse_mentions ? import_mentions(c, d) : match_doc(c, d);
  return QR_OK;
}

/* Appends the mentions of d's document in c->reuse (same gazetteer). */
static qr_status import_mentions(qr_corpus *c, docrec *d) {
  const docrec *od = &c->reuse->docs[d->from - 1];
  d->ment_first = c->ments.n;
  d->ment_count = od->ment_count;
  return qr_mentions_append(&c->ments, &c->reuse->ments, od->ment_first, od->ment_count,
                            od->tok_first, d->tok_first);
}

static qr_status match_doc(qr_corpus *c, docrec *d);

/* Tokenizes, splits and interns document d, appending to the arrays, and
 * finds its mentions when a gazetteer is set. */
qr_status qr_corpus_annotate_span(qr_corpus *c, const char *text, size_t len, size_t a,
                                  size_t end, size_t *cut_at) {
  /* token offsets are 32 bits */
  qr_status rc = len > QR_CORPUS_MAX_DOC_BYTES ? QR_ELIMIT : QR_OK;
  /* a block at a time, as `quarry tokens` does (qr_text_block_end): the
   * same sentences, and each block's tokens stay in the cache between the
   * passes over them */
  while (a < end && rc == QR_OK) {
    size_t e = qr_text_block_end(text, len, a), t0 = c->toks.n;
    if (cut_at && *cut_at == SIZE_MAX && qr_text_block_cuts_token(text, len, a, e)) *cut_at = e;
    /* a token is a byte at least: twice the block's bytes is room enough
     * for what the tokenizer and splitter ask for (spilled arrays cannot
     * grow by realloc; a spilled corpus is annotated in rounds, into
     * scratch corpora in memory, but a spilled one here would be safe) */
    if (c->spill && (rc = qr_corpus_room(c, 2 * (e - a) + 64, 2 * (e - a) + 64))) break;
    rc = qr_tokenize(c->seg, text + a, e - a, &c->toks);
    /* past the corpus's tokens (numbered in 32 bits by sentences and
     * mentions): refused before a sentence numbers one */
    if (!rc && c->toks.n > c->max_tokens) rc = QR_ELIMIT;
    if (!rc) rc = qr_split_sentences(c->seg, text + a, e - a, &c->toks, t0, &c->sents);
    for (size_t i = t0; i < c->toks.n; i++) c->toks.start[i] += (uint32_t)a;   /* to the document's offsets */
    if (!rc) rc = intern_tokens(c, text, len, t0);
    a = e;
  }
  return rc;
}

void qr_corpus_warn_cut(qr_corpus *c, const docrec *d, size_t at) {
  /* once per document: where the first cut is */
  size_t line, col;
  line_col(d->text, at, &line, &col);
  warn(c, "%s:%zu:%zu: no white space for more than %zu bytes: the run is cut into tokens "
       "of that size, the longest a token is", c->strings.data + (c->strings.data[d->source_off]
                                                                   ? d->source_off : d->id_off),
       line, col, QR_TEXT_LONGEST_TOKEN);
}

qr_status qr_corpus_match_doc(qr_corpus *c, docrec *d) { return match_doc(c, d); }

qr_status qr_corpus_fold_id(qr_corpus *c, uint32_t id, uint32_t *fold) { return fold_of(c, id, fold); }

qr_status qr_corpus_set_fold(qr_corpus *c, uint32_t id, uint32_t fold) {
  if (fold_room(c, id > fold ? id : fold)) return QR_ENOMEM;
  c->fold_of[id] = fold;
  c->fold_of[fold] = fold;
  return QR_OK;
}

/* Tokenizes, splits and interns document d, appending to the arrays, and
 * finds its mentions when a gazetteer is set. */
static qr_status annotate_doc(qr_corpus *c, docrec *d, int warn_cuts) {
  d->tok_first = c->toks.n;
  d->sent_first = c->sents.n;
  d->ment_first = c->ments.n;
  d->ment_count = 0;   /* without a gazetteer, none (an index's corpus may have had some) */
  size_t cut = SIZE_MAX;
  qr_status rc = qr_corpus_annotate_span(c, d->text, d->len, 0, d->len, warn_cuts ? &cut : NULL);
  if (cut != SIZE_MAX) qr_corpus_warn_cut(c, d, cut);
  d->tok_count = c->toks.n - d->tok_first;
  d->sent_count = c->sents.n - d->sent_first;
  if (!rc && c->gaz) rc = match_doc(c, d);
  return rc;
}

qr_status qr_corpus_reannotate(qr_corpus *c, qr_error *err) {
  if (qr_corpus_thaw(c)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  for (size_t i = 0; i < c->ndocs; i++) c->docs[i].from = 0;   /* annotated here now */
  c->index_gaz_print = 0;   /* an index's mentions are of its tokens, not of these */
  c->post_nlex = SIZE_MAX;  /* the postings are of the old tokens, even in equal numbers */
  qr_tokens_reset(&c->toks);
  qr_sentences_reset(&c->sents);
  qr_mentions_reset(&c->ments);
  c->ments_gen++;
  for (size_t i = 0; i < c->ndocs; i++) {
    size_t failed;
    qr_status rc = in_rounds(c) ? qr_corpus_annotate_parallel(c, 0, 0, &failed)
                                : annotate_doc(c, &c->docs[i], 0);
    if (in_rounds(c)) i = c->ndocs;   /* all at once */
    if (rc) {
      /* the corpus must not be left half-done: it is emptied of annotations */
      qr_tokens_reset(&c->toks);
      qr_sentences_reset(&c->sents);
      qr_mentions_reset(&c->ments);
      for (size_t k = 0; k < c->ndocs; k++) {
        docrec *dk = &c->docs[k];
        dk->tok_first = dk->tok_count = dk->sent_first = dk->sent_count = 0;
        dk->ment_first = dk->ment_count = 0;
      }
      return qr_error_set(err, rc, "annotating the corpus: %s", qr_status_string(rc));
    }
  }
  return QR_OK;
}

static void warn_utf8(qr_corpus *c, const char *where, size_t source_line, const char *text,
                      size_t nbad, size_t bad_at) {
  size_t line, col;
  line_col(text, bad_at, &line, &col);
  if (source_line)
    warn(c, "%s:%zu: %zu invalid UTF-8 sequence(s) in the text, first at byte %zu", where,
         source_line, nbad, bad_at + 1);
  else
    warn(c, "%s:%zu:%zu: invalid UTF-8 (%zu invalid sequence(s) in the file)", where, line, col,
         nbad);
}

static qr_status add_checked(qr_corpus *c, const char *id, const char *text, size_t len,
                             const char *source, size_t source_line, size_t meta_first,
                             size_t meta_count, qr_error *err);

/* The error for a document past QR_CORPUS_MAX_DOC_BYTES. */
static qr_status too_big(qr_error *err, const char *where, size_t line, size_t len) {
  char at[32] = "";
  if (line) snprintf(at, sizeof at, ":%zu", line);
  return qr_error_set(err, QR_ELIMIT, "%s%s: a document of %zu bytes; the most one document holds "
                      "is %zu (4 GiB): split it", where, at, len, QR_CORPUS_MAX_DOC_BYTES);
}

/* Adds one document whose text stays valid for the corpus's lifetime. */
static qr_status add_doc(qr_corpus *c, const char *id, const char *text, size_t len,
                         const char *source, size_t source_line, size_t meta_first,
                         size_t meta_count, qr_error *err) {
  const char *where = source && *source ? source : id;
  if (len > QR_CORPUS_MAX_DOC_BYTES) return too_big(err, where, source_line, len);
  const char *nul = memchr(text, '\0', len);
  if (nul) {
    size_t line, col;
    line_col(text, (size_t)(nul - text), &line, &col);
    if (source_line)
      return qr_error_set(err, QR_EDATA, "%s:%zu: text contains a NUL character", where,
                          source_line);
    return qr_error_set(err, QR_EDATA,
                        "%s:%zu:%zu: NUL byte: this looks like a binary file, not UTF-8 text",
                        where, line, col);
  }
  size_t bad_at, nbad = qr_utf8_check(text, len, &bad_at);
  if (nbad) warn_utf8(c, where, source_line, text, nbad, bad_at);
  return add_checked(c, id, text, len, source, source_line, meta_first, meta_count, err);
}

/* add_doc once the text is known to be one: no NUL byte, invalid UTF-8
 * warned about. */
static qr_status add_checked(qr_corpus *c, const char *id, const char *text, size_t len,
                             const char *source, size_t source_line, size_t meta_first,
                             size_t meta_count, qr_error *err) {
  const char *where = source && *source ? source : id;
  if (len > QR_CORPUS_MAX_DOC_BYTES) return too_big(err, where, source_line, len);
  if (qr_lexicon_find(c->docids, id, strlen(id)) != QR_LEX_NONE) {
    if (source_line)
      return qr_error_set(err, QR_EDATA, "%s:%zu: duplicate document id '%s'", where, source_line,
                          id);
    return qr_error_set(err, QR_EDATA, "%s: duplicate document id '%s'", where, id);
  }
  /* the documents waiting for threads go before one annotated here: the
   * arrays are in document order */
  if (!(in_rounds(c) && reusable(c, id, text, len) < 0) && c->nannotated < c->ndocs) {
    qr_status rc = annotate_pending(c, err);
    if (rc) return rc;
  }
  if (qr_grow((void **)&c->docs, &c->docs_cap, c->ndocs + 1, sizeof *c->docs)) {
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  }
  docrec *d = &c->docs[c->ndocs];
  memset(d, 0, sizeof *d);
  d->text = text;
  if (c->ndocs) d->text_at = d[-1].text_at + d[-1].len;
  d->len = len;
  d->mapped = c->adding_mapped;
  d->source_line = source_line;
  d->meta_first = meta_first;
  d->meta_count = meta_count;
  find_title(text, len, &d->title_start, &d->title_len);
  /* where the document's annotations start: the undo below needs them even
   * when annotating never begins */
  d->tok_first = c->toks.n;
  d->sent_first = c->sents.n;
  d->ment_first = c->ments.n;
  qr_status rc;
  long from = reusable(c, id, text, len);
  int later = in_rounds(c) && from < 0;   /* annotated with others, in a round */
  if (put_string(c, id, strlen(id), &d->id_off) ||
      put_string(c, source ? source : "", source ? strlen(source) : 0, &d->source_off))
    rc = QR_ENOMEM;
  else if (later)
    rc = QR_OK;
  else if (from >= 0)
    rc = import_doc(c, d, (size_t)from);
  else
    rc = annotate_doc(c, d, 1);
  /* an index build's texts go into its scratch file: a kept document's
   * now, the others' as their round is written (parallel.c) */
  if (!rc && from >= 0) qr_corpus_spill_put_text(c, d, 0, d->len, 1);
  c->ndocs++;
  uint32_t did;
  if (!rc) rc = qr_lexicon_intern(c->docids, id, strlen(id), &did);
  if (rc) {
    /* undo: the document and its annotations go, the corpus stays usable */
    int past_tokens = c->toks.n > c->max_tokens;
    c->ndocs--;
    if (d->from) c->nreused--;
    c->toks.n = d->tok_first;
    c->sents.n = d->sent_first;
    c->ments.n = d->ment_first;
    if (later) return qr_error_set(err, rc, "out of memory");
    if (rc == QR_ELIMIT && past_tokens)
      return qr_error_set(err, rc, "%s: the corpus would pass %zu tokens, the most it holds; "
                          "open the rest as another corpus", where, c->max_tokens);
    return qr_error_set(err, rc, "%s: %s", where, qr_status_string(rc));
  }
  if (!later) {
    c->nannotated = c->ndocs;
    return QR_OK;
  }
  c->pending_bytes += len;
  return c->pending_bytes >= PENDING_BYTES ? annotate_pending(c, err) : QR_OK;
}

static qr_status keep_owned(qr_corpus *c, char *p) {
  if (qr_grow((void **)&c->owned, &c->owned_cap, c->nowned + 1, sizeof *c->owned)) {
    free(p);
    return QR_ENOMEM;
  }
  c->owned[c->nowned++] = p;
  return QR_OK;
}

qr_status qr_corpus_add_text(qr_corpus *c, const char *id, const char *text, size_t len,
                             qr_error *err) {
  if (qr_corpus_thaw(c)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  char *copy = malloc(len ? len : 1);
  if (!copy || keep_owned(c, copy)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  if (len) memcpy(copy, text, len);
  return finish_adding(c, add_doc(c, id, copy, len, "", 0, c->nmeta, 0, err), err);
}

/* ---- JSON Lines ---------------------------------------------------------- */

static qr_status add_jsonl_line(qr_corpus *c, const char *path, size_t lineno, const char *s,
                                size_t n, qr_json *js, qr_buf *tmp, qr_error *err) {
  qr_error jerr;
  if (qr_json_parse(js, s, n, &jerr))
    return qr_error_set(err, jerr.status, "%s:%zu: %s", path, lineno, jerr.msg);
  if (js->nodes[0].type != QR_JSON_OBJECT)
    return qr_error_set(err, QR_EDATA, "%s:%zu: expected a JSON object", path, lineno);
  long text_node = -1, id_node = -1;
  size_t meta_first = c->nmeta, i = 1;
  for (uint32_t m = 0; m < js->nodes[0].size; m++) {
    size_t key = i, val = i + 1;
    i = js->nodes[val].skip;
    if (qr_json_key_is(js, key, s, "text")) {
      if (js->nodes[val].type != QR_JSON_STRING)
        return qr_error_set(err, QR_EDATA, "%s:%zu: \"text\" must be a string", path, lineno);
      text_node = (long)val;
      continue;
    }
    if (qr_json_key_is(js, key, s, "id")) {
      if (js->nodes[val].type != QR_JSON_STRING && js->nodes[val].type != QR_JSON_NUMBER)
        return qr_error_set(err, QR_EDATA, "%s:%zu: \"id\" must be a string or a number", path,
                            lineno);
      id_node = (long)val;
      continue;
    }
    /* any other field: metadata, its value kept as JSON text */
    qr_buf_reset(tmp);
    uint64_t off;
    const qr_json_node *v = &js->nodes[val];
    size_t vs = v->start - (v->type == QR_JSON_STRING), ve = v->end + (v->type == QR_JSON_STRING);
    if (qr_json_string(js, key, s, tmp)) return qr_error_set(err, QR_ENOMEM, "out of memory");
    /* a key is kept NUL-terminated, its value after it: a NUL inside would
     * cut the key and shift the value, as one would cut an id */
    if (tmp->len && memchr(tmp->data, '\0', tmp->len))
      return qr_error_set(err, QR_EDATA, "%s:%zu: a field name contains a NUL (\\u0000)", path,
                          lineno);
    if (qr_grow((void **)&c->meta_off, &c->meta_cap, c->nmeta + 1, sizeof *c->meta_off) ||
        put_string(c, tmp->data ? tmp->data : "", tmp->len, &off) ||
        qr_buf_append(&c->strings, s + vs, ve - vs) || qr_buf_putc(&c->strings, '\0'))
      return qr_error_set(err, QR_ENOMEM, "out of memory");
    c->meta_off[c->nmeta++] = off;
  }
  if (text_node < 0)
    return qr_error_set(err, QR_EDATA, "%s:%zu: no \"text\" field", path, lineno);
  qr_buf_reset(tmp);
  if (id_node >= 0) {
    const qr_json_node *v = &js->nodes[id_node];
    if (v->type == QR_JSON_STRING ? qr_json_string(js, (size_t)id_node, s, tmp)
                                  : qr_buf_append(tmp, s + v->start, v->end - v->start))
      return qr_error_set(err, QR_ENOMEM, "out of memory");
    if (tmp->len == 0) return qr_error_set(err, QR_EDATA, "%s:%zu: empty \"id\"", path, lineno);
    if (memchr(tmp->data, '\0', tmp->len))
      return qr_error_set(err, QR_EDATA, "%s:%zu: \"id\" contains a NUL", path, lineno);
  } else if (qr_buf_printf(tmp, "%s:%zu", path, lineno)) {
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  }
  qr_buf text = {0};
  if (qr_json_string(js, (size_t)text_node, s, &text)) {
    qr_buf_free(&text);   /* it may hold what was unescaped before the failure */
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  }
  /* an index build's texts go to its scratch file, not to memory */
  size_t tlen = text.len;
  char *spilled = tlen ? qr_corpus_spill_text(c, tlen) : NULL;
  const char *t;
  if (spilled) {
    memcpy(spilled, text.data, tlen);
    qr_buf_free(&text);
    t = spilled;
  } else {
    if (keep_owned(c, text.data ? text.data : strdup("")))
      return qr_error_set(err, QR_ENOMEM, "out of memory");
    t = c->owned[c->nowned - 1];
  }
  int was = c->adding_mapped;
  c->adding_mapped = spilled != NULL;
  qr_status rc = add_doc(c, tmp->data, t, tlen, path, lineno, meta_first,
                         c->nmeta - meta_first, err);
  c->adding_mapped = was;
  if (spilled) qr_corpus_spill_text_done(c, spilled);   /* until it is annotated */
  return rc;
}

/* The lines of a .jsonl file, or of JSON Lines text from memory: every
 * byte kept is copied (texts, ids, metadata), so data may go after. */
qr_status qr_corpus_add_jsonl(qr_corpus *c, const char *name, const char *data, size_t len,
                              qr_error *err) {
  if (qr_corpus_thaw(c)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  qr_json js = {0};
  qr_buf tmp = {0};
  qr_status rc = QR_OK;
  size_t i = 0, lineno = 0, dropped = 0;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < len && rc == QR_OK) {
    const char *nl = memchr(data + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - data) : len;
    lineno++;
    size_t a = i, b = e;
    while (a < b && (data[a] == ' ' || data[a] == '\t' || data[a] == '\r')) a++;
    while (b > a && (data[b - 1] == ' ' || data[b - 1] == '\t' || data[b - 1] == '\r')) b--;
    if (b > a) rc = add_jsonl_line(c, name, lineno, data + a, b - a, &js, &tmp, err);
    /* an index build reading a file's mapping: the lines read go */
    if (c->spill && c->jsonl_mapped && e + 1 - dropped >= ((size_t)1 << 20)) {
      qr_pages_drop(data + dropped, e + 1 - dropped);
      dropped = e + 1;
    }
    i = e + 1;
    if (c->progress && !in_rounds(c) && (lineno & 1023) == 0)
      c->progress(c->progress_ud, c->progress_done + (i < len ? i : len), c->progress_total,
                  c->ndocs);
  }
  qr_json_free(&js);
  qr_buf_free(&tmp);
  return finish_adding(c, rc, err);
}

/* ---- where documents came from --------------------------------------------- */

qr_status qr_corpus_abspath(const char *path, qr_buf *out) {
  qr_buf_reset(out);
  qr_buf raw = {0};
  qr_status rc = QR_OK;
  if (path[0] != '/') {
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return QR_EIO;
    rc = qr_buf_puts(&raw, cwd);
  }
  if (!rc) rc = qr_buf_putc(&raw, '/');
  if (!rc) rc = qr_buf_append(&raw, path, strlen(path));
  if (!rc) rc = qr_buf_putc(&raw, '\0');
  /* each part between slashes, less the empty ones and "." */
  for (const char *p = raw.data; !rc && *p;) {
    while (*p == '/') p++;
    const char *e = p;
    while (*e && *e != '/') e++;
    if (e > p && !(e - p == 1 && *p == '.'))
      rc = qr_buf_putc(out, '/') ? QR_ENOMEM : qr_buf_append(out, p, (size_t)(e - p));
    p = e;
  }
  if (!rc && out->len == 0) rc = qr_buf_putc(out, '/');
  if (!rc) rc = qr_buf_putc(out, '\0');
  if (!rc) out->len--;
  qr_buf_free(&raw);
  return rc;
}

static qr_status record_root(qr_corpus *c, const char *path) {
  uint64_t off;
  if (qr_corpus_abspath(path, &c->scratch) ||
      put_string(c, c->scratch.data, c->scratch.len, &off) ||
      qr_grow((void **)&c->root_off, &c->roots_cap, c->nroots + 1, sizeof *c->root_off))
    return QR_ENOMEM;
  c->root_off[c->nroots++] = off;
  return QR_OK;
}

/* A file read: its size and time of change as it is read (a change after
 * this shows as a change, never the other way), for an index's staleness. */
static qr_status record_source(qr_corpus *c, const char *path) {
  struct stat st;
  if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return QR_OK;
  uint64_t off;
  if (qr_corpus_abspath(path, &c->scratch) ||
      put_string(c, c->scratch.data, c->scratch.len, &off) ||
      qr_grow((void **)&c->srcs, &c->srcs_cap, c->nsrcs + 1, sizeof *c->srcs))
    return QR_ENOMEM;
  c->srcs[c->nsrcs++] = (srcrec){off, (uint64_t)st.st_size,
                                 (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec};
  return QR_OK;
}

/* ---- files and directories ---------------------------------------------- */

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* One skipped file: recorded, and warned about ("skipped MESSAGE", where
 * the message names the file as an error would). */
static qr_status skip_file(qr_corpus *c, const char *path, const char *why, const char *msg,
                           qr_error *err) {
  uint64_t po, wo;
  if (qr_grow((void **)&c->skip_off, &c->skip_cap, 2 * (c->nskip + 1), sizeof *c->skip_off) ||
      put_string(c, path, strlen(path), &po) || put_string(c, why, strlen(why), &wo))
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  c->skip_off[2 * c->nskip] = po;
  c->skip_off[2 * c->nskip + 1] = wo;
  c->nskip++;
  char w[700];
  snprintf(w, sizeof w, "skipped %s", msg);
  warn_msg(c, w);
  return QR_OK;
}

/* Why the file at path cannot be read, or NULL when it looks readable:
 * what a broken link or a loop is, said as such (open says "No such file"
 * of a link that is there). In a directory (listed), only regular files are
 * read: a FIFO would wait for a writer forever, a device never ends. */
static const char *unreadable(const char *path, int listed, char *buf, size_t n) {
  struct stat st, lst;
  if (stat(path, &st) != 0) {
    int e = errno;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
      if (e == ELOOP) return "a loop of symbolic links";
      char to[512];
      ssize_t k = readlink(path, to, sizeof to - 1);
      if (e == ENOENT && k >= 0) {
        to[k] = '\0';
        snprintf(buf, n, "a broken symbolic link (to %s)", to);
        return buf;
      }
    }
    snprintf(buf, n, "%s", strerror(e));
    return buf;
  }
  if (S_ISDIR(st.st_mode)) return "a directory";
  if (listed && !S_ISREG(st.st_mode))
    return S_ISFIFO(st.st_mode)   ? "not a regular file (a FIFO)"
           : S_ISSOCK(st.st_mode) ? "not a regular file (a socket)"
                                  : "not a regular file (a device)";
  return NULL;
}

/* bytes scanned between two lettings go of pages: each lets go of mapped
 * pages, and so interrupts the other threads scanning to flush their TLBs
 * (a step of 1 MiB: 73 of them in the check of 100 MB on 2 threads) */
#define SCAN_STEP ((size_t)4 << 20)

/* scan_text of data[a, e), a and e where no sequence is under way. */
static const char *scan_range(const char *data, size_t a, size_t e, int drop, size_t *nbad,
                              size_t *first) {
  *nbad = 0;
  *first = e;
  if (!drop) {
    const char *nul = memchr(data + a, '\0', e - a);
    size_t at;
    if (!nul && (*nbad = qr_utf8_check(data + a, e - a, &at))) *first = a + at;
    return nul;
  }
  for (size_t s0 = a, s1; s0 < e; s0 = s1) {
    s1 = e - s0 < SCAN_STEP ? e : s0 + SCAN_STEP;
    while (s1 < e && (unsigned char)data[s1] >= 0x80) s1++;
    const char *nul = memchr(data + s0, '\0', s1 - s0);
    size_t at, bad = nul ? 0 : qr_utf8_check(data + s0, s1 - s0, &at);
    qr_pages_drop(data + s0, s1 - s0);
    if (nul) return nul;
    if (bad && *nbad == 0) *first = s0 + at;
    *nbad += bad;
  }
  return NULL;
}

/* below this, a text is scanned on one thread */
#define SCAN_PARALLEL_BYTES ((size_t)16 << 20)
#define SCAN_THREADS 16

/* Items [0, n) of some work, each done by item(arg, k) on whichever of nt
 * threads (this one and nt - 1 more) comes free first. */
typedef struct items_job {
  void (*item)(void *arg, size_t k);
  void *arg;
  size_t n;
  atomic_size_t next;
} items_job;

static void *take_items(void *p) {
  items_job *j = p;
  for (size_t k; (k = atomic_fetch_add(&j->next, 1)) < j->n;) j->item(j->arg, k);
  return NULL;
}

/* Does item(arg, k) for k in [0, n) on up to nt threads, and waits for
 * them (fewer where threads cannot be made: the others do it all). */
static void on_threads(void (*item)(void *arg, size_t k), void *arg, size_t n, size_t nt) {
  items_job j = {.item = item, .arg = arg, .n = n};
  atomic_init(&j.next, 0);
  pthread_t tid[SCAN_THREADS];
  size_t started = 0;
  for (size_t t = 1; t < nt && t < n && t < SCAN_THREADS; t++) {
    if (pthread_create(&tid[t], NULL, take_items, &j) != 0) break;
    started = t;
  }
  take_items(&j);
  for (size_t t = 1; t <= started; t++) pthread_join(tid[t], NULL);
}

/* A part of scan_text's text, and what was found in it. */
typedef struct scan_part {
  size_t a, e;
  const char *nul;
  size_t nbad, first;
} scan_part;

/* The parts of a text, scanned by threads as they come free. */
typedef struct scan_job {
  const char *data;
  int drop;
  scan_part *part;
} scan_job;

static void scan_one_part(void *p, size_t k) {
  scan_job *j = p;
  scan_part *s = &j->part[k];
  s->nul = scan_range(j->data, s->a, s->e, j->drop, &s->nbad, &s->first);
}

/* parts per thread: a thread slowed (its pages read from the disk, another
 * process on its core) leaves the others less to wait for */
#define SCAN_PARTS_PER_THREAD 4

/* The first NUL byte of data (or NULL) and its invalid UTF-8 sequences
 * (*first: where the first is), on up to jobs threads: a large text is cut
 * into parts before ASCII bytes (where no sequence is under way), so that
 * the count is the count of the whole; it runs before any annotation, on
 * every core that will annotate. drop: data is a file's mapping whose
 * pages go once read (an index build): read a step at a time. */
static const char *scan_text(const char *data, size_t len, int drop, size_t jobs, size_t *nbad,
                             size_t *first) {
  size_t nt = len < SCAN_PARALLEL_BYTES ? 1 : jobs < SCAN_THREADS ? jobs : SCAN_THREADS;
  if (nt <= 1) return scan_range(data, 0, len, drop, nbad, first);
  scan_part part[SCAN_THREADS * SCAN_PARTS_PER_THREAD];
  scan_job j = {.data = data, .drop = drop, .part = part};
  size_t nparts = nt * SCAN_PARTS_PER_THREAD, a = 0;
  for (size_t k = 0; k < nparts; k++) {
    size_t e = k + 1 == nparts ? len : len / nparts * (k + 1);
    while (e < len && (unsigned char)data[e] >= 0x80) e++;
    if (e < a) e = a;
    part[k] = (scan_part){.a = a, .e = e};
    a = e;
  }
  on_threads(scan_one_part, &j, nparts, nt);
  *nbad = 0;
  *first = len;
  for (size_t k = 0; k < nparts; k++) {
    if (part[k].nul) return part[k].nul;   /* the first NUL: what came before it counts no more */
    if (part[k].nbad && *nbad == 0) *first = part[k].first;
    *nbad += part[k].nbad;
  }
  return NULL;
}

/* 1 if data holds a NUL byte; drop: as scan_text. */
static int has_nul(const char *data, size_t len, int drop) {
  if (!drop) return memchr(data, '\0', len) != NULL;
  for (size_t a = 0; a < len; a += IMPORT_STEP) {
    size_t n = len - a < IMPORT_STEP ? len - a : IMPORT_STEP;
    int nul = memchr(data + a, '\0', n) != NULL;
    qr_pages_drop(data + a, n);
    if (nul) return 1;
  }
  return 0;
}

/* Whether the bytes of a file are text a corpus can hold: not when they
 * hold a NUL byte (a binary file, or UTF-16) or when more than one byte in
 * eight starts an invalid UTF-8 sequence (a binary file, or another
 * encoding: a Latin-1 text with its accents here and there stays, with a
 * warning). Fills why (for the skipped list) and msg (the error, naming the
 * path) when not; else *nbad and *bad_at for the warning. drop: as scan_text. */
static int is_text(const char *path, const char *data, size_t len, int drop, size_t jobs,
                   size_t *nbad, size_t *bad_at, char *why, size_t n, char *msg, size_t mn) {
  if (qr_utf16_likely(data, len)) {
    snprintf(why, n, "UTF-16 text, not UTF-8 (iconv -f UTF-16 -t UTF-8 converts it)");
    snprintf(msg, mn, "%s: %s", path, why);
    return 0;
  }
  const char *nul = scan_text(data, len, drop, jobs, nbad, bad_at);
  if (nul) {
    size_t line, col;
    line_col(data, (size_t)(nul - data), &line, &col);
    snprintf(why, n, "NUL byte at line %zu, column %zu: this looks like a binary file, not UTF-8 "
             "text", line, col);
    snprintf(msg, mn, "%s:%zu:%zu: NUL byte: this looks like a binary file, not UTF-8 text", path,
             line, col);
    return 0;
  }
  if (*nbad >= 32 && *nbad > len / 8) {
    snprintf(why, n, "not UTF-8 text (%zu invalid sequences in %zu bytes): a binary file, or "
             "another encoding (iconv converts it)", *nbad, len);
    snprintf(msg, mn, "%.200s: %.480s", path, why);
    return 0;
  }
  return 1;
}

/* A file on its way into a corpus: opened and checked (open_file,
 * check_file: what they find is kept here, nothing of the corpus changes),
 * then added (commit_file), in order. */
typedef struct file_slot {
  const char *path, *id;
  int skippable, listed;
  qr_file f;
  int opened;                /* f is open */
  int fatal;                 /* rc fails the load, skippable or not (out of memory) */
  int checked;               /* check_file ran */
  qr_status rc;              /* not QR_OK: the file fails (skipped, when skippable) */
  char why[600], msg[700];   /* ... why (for the list of skipped files), and the error */
  size_t nbad, bad_at;       /* invalid UTF-8 sequences, and where the first is */
} file_slot;

static void slot_fail(file_slot *s, qr_status rc, const char *why) {
  s->rc = rc;
  if (why != s->why) snprintf(s->why, sizeof s->why, "%s", why);
  snprintf(s->msg, sizeof s->msg, "%s: %s", s->path, s->why);
}

/* Opens a slot's file: a path that cannot be read, a file past the size of
 * one document, fail the slot. */
static void open_file(file_slot *s) {
  const char *bad = s->skippable || s->listed ? unreadable(s->path, s->listed, s->why, sizeof s->why)
                                              : NULL;
  if (bad) {
    slot_fail(s, QR_EIO, bad);
    return;
  }
  qr_error oe = {0};
  qr_status rc = qr_file_open(&s->f, s->path, &oe);
  if (rc) {
    /* "path: reason": the reason alone goes in the list */
    size_t pl = strlen(s->path);
    const char *r = strncmp(oe.msg, s->path, pl) == 0 && oe.msg[pl] == ':' ? oe.msg + pl + 1 : oe.msg;
    while (*r == ' ') r++;
    s->rc = rc;
    s->fatal = rc != QR_EIO;
    snprintf(s->why, sizeof s->why, "%s", r);
    snprintf(s->msg, sizeof s->msg, "%s", oe.msg);
    return;
  }
  s->opened = 1;
  /* a document past the limit is refused before its bytes are read (a
   * JSON Lines file holds many: each is checked as it is read) */
  if (!ends_with(s->path, ".jsonl") && s->f.len > QR_CORPUS_MAX_DOC_BYTES) {
    snprintf(s->why, sizeof s->why, "larger than one document may be (%zu bytes; the most is %zu, "
             "4 GiB): split it", s->f.len, QR_CORPUS_MAX_DOC_BYTES);
    slot_fail(s, QR_ELIMIT, s->why);
  }
}

/* Checks an open slot's bytes, on up to jobs threads; drop: its pages go
 * once read (an index build). JSON Lines is checked for NUL bytes alone
 * here: its texts are checked one by one when unescaped. */
static void check_file(file_slot *s, int drop, size_t jobs) {
  s->checked = 1;
  if (s->rc || !s->opened) return;
  int text = ends_with(s->path, ".jsonl") && !has_nul(s->f.data, s->f.len, drop)
                 ? 1
                 : is_text(s->path, s->f.data, s->f.len, drop, jobs, &s->nbad, &s->bad_at, s->why,
                           sizeof s->why, s->msg, sizeof s->msg);
  if (!text) s->rc = QR_EDATA;
}

/* Adds an opened and checked slot's file to c (one document, or the
 * records of a .jsonl file), or records it as skipped (skippable), or
 * fails the load; the slot's file is c's, or closed. */
static qr_status commit_file(qr_corpus *c, file_slot *s, qr_error *err) {
  if (s->rc) {
    if (s->opened) qr_file_close(&s->f);
    s->opened = 0;
    if (!s->skippable || s->fatal) return qr_error_set(err, s->rc, "%s", s->msg);
    return skip_file(c, s->path, s->why, s->msg, err);
  }
  if (qr_grow((void **)&c->files, &c->files_cap, c->nfiles + 1, sizeof *c->files)) {
    qr_file_close(&s->f);
    s->opened = 0;
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  }
  qr_file *f = &c->files[c->nfiles++];
  *f = s->f;
  s->opened = 0;
  const char *path = s->path;
  if (record_source(c, path)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  qr_status added;
  if (ends_with(path, ".jsonl")) {
    c->jsonl_mapped = f->map != NULL;
    added = qr_corpus_add_jsonl(c, path, f->data, f->len, err);
    c->jsonl_mapped = 0;
  } else {
    if (s->nbad) warn_utf8(c, path, 0, f->data, s->nbad, s->bad_at);
    c->adding_mapped = f->map != NULL;
    added = add_checked(c, s->id, f->data, f->len, path, 0, c->nmeta, 0, err);
    c->adding_mapped = 0;
  }
  c->progress_done += f->len;
  /* in rounds, the bar follows the annotation (parallel.c) */
  if (c->progress && !in_rounds(c) && added == QR_OK)
    c->progress(c->progress_ud, c->progress_done, c->progress_total, c->ndocs);
  return added;
}

/* Adds the file at path (one document, or the records of a .jsonl file).
 * skippable: a file that cannot be read as text is recorded as skipped
 * instead of failing the load; listed: it was found in a directory; strict:
 * what would be skipped is an error (with the same words). */
static qr_status add_file(qr_corpus *c, const char *path, const char *id, int skippable,
                          int listed, qr_error *err) {
  file_slot s = {.path = path, .id = id, .skippable = skippable, .listed = listed};
  open_file(&s);
  check_file(&s, c->spill && s.f.map, c->jobs);
  return commit_file(c, &s, err);
}

/* ---- the files of a directory, checked on every thread ---- */

/* files opened and checked ahead of their turn at a time */
#define SLOTS 64

/* The files of a directory are opened in order, a batch at a time, checked
 * on every thread (a file each; one of 16 MiB or more on every thread, in
 * its turn), then added in order: on one thread, checking a hundred files
 * of 1 MB for NUL bytes and invalid UTF-8 left the other cores idle for
 * 40-50 ms before the annotation began. */
typedef struct slot_job {
  file_slot *slot;
  int drop;                  /* an index build: the pages go once read */
} slot_job;

static void check_slot(void *p, size_t k) {
  slot_job *j = p;
  file_slot *s = &j->slot[k];
  if (!s->rc && s->opened && s->f.len < SCAN_PARALLEL_BYTES) check_file(s, j->drop && s->f.map, 1);
}

static void check_batch(qr_corpus *c, file_slot *slot, size_t n) {
  slot_job j = {.slot = slot, .drop = c->spill != NULL};
  on_threads(check_slot, &j, n, c->jobs);
}

/* Adds files[0, n) of a directory (ids: their paths past root). */
static qr_status add_listed(qr_corpus *c, char **files, size_t n, size_t root, int strict,
                            qr_error *err) {
  if (c->jobs <= 1) {   /* one at a time */
    for (size_t i = 0; i < n; i++) {
      const char *id = files[i] + root;
      while (*id == '/') id++;
      qr_status rc = add_file(c, files[i], id, !strict, 1, err);
      if (rc) return rc;
    }
    return QR_OK;
  }
  file_slot *slot = malloc(SLOTS * sizeof *slot);
  if (!slot) return qr_error_set(err, QR_ENOMEM, "out of memory");
  qr_status rc = QR_OK;
  for (size_t b = 0; b < n && !rc; b += SLOTS) {
    size_t m = n - b < SLOTS ? n - b : SLOTS;
    for (size_t k = 0; k < m; k++) {
      const char *id = files[b + k] + root;
      while (*id == '/') id++;
      slot[k] = (file_slot){.path = files[b + k], .id = id, .skippable = !strict, .listed = 1};
      open_file(&slot[k]);
    }
    check_batch(c, slot, m);
    size_t k = 0;
    for (; k < m && !rc; k++) {
      if (!slot[k].checked) check_file(&slot[k], c->spill && slot[k].f.map, c->jobs);
      rc = commit_file(c, &slot[k], err);
    }
    for (; k < m; k++)   /* (after a failure: opened for nothing) */
      if (slot[k].opened) qr_file_close(&slot[k].f);
  }
  free(slot);
  return rc;
}

void qr_corpus_set_progress(qr_corpus *c, qr_progress_fn fn, void *ud) {
  c->progress = fn;
  c->progress_ud = ud;
}

/* The bytes a load of these paths will read: the sizes of the files named,
 * and of the .txt files below the directories (a walk of its own: cheap
 * beside reading them, and only made when progress is asked for). A path
 * that cannot be listed counts nothing here; the load says why. */
uint64_t qr_corpus_load_size(const char *const *paths, size_t n) {
  uint64_t total = 0;
  struct stat st;
  for (size_t i = 0; i < n; i++) {
    if (qr_path_is_dir(paths[i]) != 1) {
      if (stat(paths[i], &st) == 0 && S_ISREG(st.st_mode)) total += (uint64_t)st.st_size;
      continue;
    }
    qr_pathlist files = {0};
    qr_error ignored = {0};
    if (qr_dir_list(paths[i], ".txt", &files, &ignored) == QR_OK)
      for (size_t k = 0; k < files.n; k++)
        if (stat(files.paths[k], &st) == 0 && S_ISREG(st.st_mode)) total += (uint64_t)st.st_size;
    qr_pathlist_free(&files);
  }
  return total;
}

typedef struct skip_ctx {
  qr_corpus *c;
  qr_status rc;
} skip_ctx;

/* A subdirectory the walk could not read. */
static void skip_dir(void *ud, const char *path, const char *reason) {
  skip_ctx *k = ud;
  char msg[700];
  snprintf(msg, sizeof msg, "%s: %s", path, reason);
  if (!k->rc) k->rc = skip_file(k->c, path, reason, msg, NULL);
}

/* One path of qr_corpus_add_paths; several: it is one of many. */
static qr_status add_one_path(qr_corpus *c, const char *path, int several, int strict,
                              qr_error *err) {
  struct stat st;
  int dir = qr_path_is_dir(path);
  if (dir < 0 && (!several || lstat(path, &st) != 0)) {
    qr_file probe;   /* for the system's own message (no such file ...) */
    qr_status rc = qr_file_open(&probe, path, err);
    qr_file_close(&probe);
    return rc ? rc : qr_error_set(err, QR_EIO, "%s: cannot read", path);
  }
  if (dir <= 0) {   /* a file, or one of several that is there but cannot be read */
    const char *id = path;
    while (id[0] == '.' && id[1] == '/') id += 2;
    return add_file(c, path, id, several && !strict, 0, err);
  }
  qr_pathlist files = {0};
  skip_ctx k = {c, QR_OK};
  size_t skipped = c->nskip;
  qr_status rc = qr_dir_list_skip(path, ".txt", &files, skip_dir, &k, err);
  if (rc == QR_OK && k.rc) rc = qr_error_set(err, k.rc, "out of memory");
  if (rc == QR_OK && strict && c->nskip > skipped) {
    const char *why, *p = qr_corpus_skipped(c, skipped, &why);
    rc = qr_error_set(err, QR_EIO, "%s: %s", p, why);
  }
  if (rc == QR_OK && files.n == 0 && c->nskip == skipped)   /* almost always a wrong path */
    rc = qr_error_set(err, QR_EDATA, "%s: no .txt files in this directory or below it", path);
  size_t root = strlen(path);
  while (root > 1 && path[root - 1] == '/') root--;
  if (rc == QR_OK) rc = add_listed(c, files.paths, files.n, root, strict, err);
  qr_pathlist_free(&files);
  return rc;
}

qr_status qr_corpus_add_paths(qr_corpus *c, const char *const *paths, size_t n, unsigned flags,
                              qr_error *err) {
  if (qr_corpus_thaw(c)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  size_t docs = c->ndocs, skipped = c->nskip;
  int strict = (flags & QR_CORPUS_STRICT) != 0;
  for (size_t i = 0; i < n; i++)
    if (record_root(c, paths[i])) return qr_error_set(err, QR_ENOMEM, "out of memory");
  c->progress_done = c->progress_annotated = 0;
  c->progress_total = c->progress ? qr_corpus_load_size(paths, n) : 0;
  for (size_t i = 0; i < n; i++) {
    qr_status rc = add_one_path(c, paths[i], n > 1, strict, err);
    if (rc) return finish_adding(c, rc, err);
  }
  qr_status annotated = finish_adding(c, QR_OK, err);
  if (annotated) return annotated;
  /* skipped files and files that changed size since the listing: the end
   * is the end */
  if (c->progress) c->progress(c->progress_ud, c->progress_total, c->progress_total, c->ndocs);
  /* nothing read at all is never what was meant */
  if (c->ndocs == docs && c->nskip > skipped) {
    size_t first = c->nwarn - (c->nskip - skipped);   /* the first skip's warning */
    const char *w = qr_corpus_warning(c, first);
    if (w && strncmp(w, "skipped ", 8) == 0) w += 8;
    size_t more = c->nskip - skipped - 1;
    if (!more) return qr_error_set(err, QR_EDATA, "no file could be read: %s", w ? w : "");
    return qr_error_set(err, QR_EDATA, "no file could be read: %s (and %zu more skipped)",
                        w ? w : "", more);
  }
  return QR_OK;
}

qr_status qr_corpus_add_path(qr_corpus *c, const char *path, qr_error *err) {
  return qr_corpus_add_paths(c, &path, 1, 0, err);
}

/* ---- entities ------------------------------------------------------------ */

/* Fills c->gkeys so that it holds the gazetteer keys of every lexicon id
 * (keys of forms depend only on the form). */
static qr_status update_gkeys(qr_corpus *c) {
  size_t n = qr_lexicon_size(c->lex);
  if (c->gaz_version != qr_gazetteer_version(c->gaz)) c->gkeys_n = 0;
  if (c->gkeys_n >= n) return QR_OK;
  if (qr_grow((void **)&c->gkeys, &c->gkeys_cap, n, sizeof *c->gkeys)) return QR_ENOMEM;
  for (size_t id = c->gkeys_n; id < n; id++) {
    size_t len;
    const char *s = qr_lexicon_str(c->lex, (uint32_t)id, &len);
    /* the kind only matters for dots: a form with letters and a final dot is a
     * word (an abbreviation) */
    qr_tokkey *k = &c->gkeys[id];
    qr_status rc = qr_gazetteer_form_keys(c->gaz, s, len, QR_TOK_WORD, &c->scratch, &k->fold,
                                          &k->exact, &k->flags);
    if (rc) return rc;
  }
  c->gkeys_n = n;
  c->gaz_version = qr_gazetteer_version(c->gaz);
  return QR_OK;
}

static qr_status match_doc(qr_corpus *c, docrec *d) {
  qr_status rc = update_gkeys(c);
  if (rc) return rc;
  d->ment_first = c->ments.n;
  size_t n = d->tok_count;
  if (n) {
    /* one buffer for every document: a fresh one per document costs the
     * kernel zeroed pages each time (a big block is mapped anew) */
    if (qr_grow((void **)&c->match_keys, &c->match_keys_cap, n, sizeof *c->match_keys) ||
        qr_grow((void **)&c->match_caps, &c->match_caps_cap, n, 1))
      return QR_ENOMEM;
    /* the keys of a form are cached per lexicon id; the position flags
     * depend on the token's neighbours */
    qr_gazetteer_gather_keys(d->text, &c->toks, d->tok_first, d->tok_first + n, c->gkeys, c->form,
                             c->match_keys);
    qr_match_opts opts = {0, NULL, 0, 1, c->match_caps};   /* (the default, and the caps) */
    rc = qr_gazetteer_match_keys(c->gaz, c->match_keys, n, d->tok_first, &opts, &c->ments);
    /* the names the gazetteer lacks, among them; words told apart by their
     * folded forms */
    if (!rc && !c->no_guess) {
      rc = qr_gazetteer_guess_into(c->match_keys, c->fold + d->tok_first, c->match_caps, n,
                                   d->tok_first, c->gaz, &c->ments, d->ment_first, &c->guesses,
                                   &c->guess_tmp);
    }
  }
  d->ment_count = c->ments.n - d->ment_first;
  if (c->spill) {   /* an index build: done with its tokens and text */
    qr_corpus_drop_pages(c, d->tok_first, d->tok_first + n, 0, 0);
    if (d->mapped) qr_pages_drop(d->text, d->len);
  }
  return rc;
}

qr_status qr_corpus_match(qr_corpus *c, const qr_gazetteer *g, qr_error *err) {
  /* no gazetteer only empties the mentions: nothing is written to them */
  if (g && qr_corpus_thaw(c)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  c->gaz = g;
  c->gkeys_n = 0;
  qr_mentions_reset(&c->ments);
  c->ments_gen++;
  for (size_t i = 0; i < c->ndocs; i++) {
    docrec *d = &c->docs[i];
    if (!g) {
      d->ment_first = d->ment_count = 0;
      continue;
    }
    qr_status rc = d->from && c->reuse_mentions ? import_mentions(c, d) : match_doc(c, d);
    if (rc) {
      c->gaz = NULL;
      qr_mentions_reset(&c->ments);
      for (size_t k = 0; k < c->ndocs; k++) c->docs[k].ment_first = c->docs[k].ment_count = 0;
      return qr_error_set(err, rc, "matching the gazetteer: %s", qr_status_string(rc));
    }
  }
  return QR_OK;
}

/* ---- postings ------------------------------------------------------------ */

qr_status qr_corpus_postings(qr_corpus *c, uint32_t fold, const uint32_t **pos, size_t *n) {
  size_t nlex = qr_lexicon_size(c->lex);
  if (!c->post_start || c->post_tokens != c->toks.n || c->post_nlex != nlex) {
    /* a counting sort of token positions by folded id */
    uint32_t *start = malloc((nlex + 1) * sizeof *start);
    /* an index build's go to its scratch file (qr_corpus_spill) */
    qr_error ignored = {0};
    uint32_t *p = c->spill ? qr_corpus_spill_postings(c, &ignored)
                           : malloc((c->toks.n ? c->toks.n : 1) * sizeof *p);
    if (!start || !p || qr_corpus_sort_postings(c, nlex, start, p)) {
      free(start);
      if (!qr_corpus_spilled(c, p)) free(p);
      return c->spill && !p ? QR_EIO : QR_ENOMEM;
    }
    free(c->post_start);
    if (!qr_corpus_spilled(c, c->post_pos)) free(c->post_pos);
    c->post_start = start;
    c->post_pos = p;
    c->post_tokens = c->toks.n;
    c->post_nlex = nlex;
  }
  if (fold >= nlex) {
    *pos = c->post_pos;
    *n = 0;
    return QR_OK;
  }
  *pos = c->post_pos + c->post_start[fold];
  *n = c->post_start[fold + 1] - c->post_start[fold];
  return QR_OK;
}
