/* corpus/corpus_impl.h — the inside of a qr_corpus, shared by corpus.c (loading
 * and annotating) and index.c (writing it to an index file and mapping one
 * back). Internal to core/corpus. */
#ifndef QUARRY_CORPUS_IMPL_H
#define QUARRY_CORPUS_IMPL_H

#include "quarry/corpus.h"
#include "quarry/file.h"
#include "quarry/index.h"
#include "quarry/scratch.h"

#define UNKNOWN (QR_LEX_NONE - 1)

typedef struct docrec {
  uint64_t id_off, source_off;   /* into strings */
  const char *text;
  size_t len, source_line;
  size_t title_start, title_len;
  size_t tok_first, tok_count, sent_first, sent_count, ment_first, ment_count;
  size_t meta_first, meta_count;
  int cut_warned;          /* a run cut was warned of (parallel.c) */
  size_t from;             /* 1 + its index in c->reuse when its annotations came from
                            * there (qr_corpus_reuse), else 0 */
  int mapped;              /* text is a file's, mapped read-only: its pages can be let go */
  uint64_t text_at;        /* where its text starts in the texts of the corpus's documents */
} docrec;

/* A file read: its absolute path (into strings), size and time of change
 * when it was read. */
typedef struct srcrec {
  uint64_t path_off, size;
  int64_t mtime_ns;
} srcrec;

struct qr_corpus {
  qr_segmenter *own_seg;   /* the default segmenter, owned */
  const qr_segmenter *seg; /* the one in use: own_seg, or a caller's */
  docrec *docs;
  size_t ndocs, docs_cap;
  qr_lexicon *docids;      /* document ids; the id of document i is string i */
  qr_buf strings;          /* ids, sources, metadata, NUL-terminated */

  qr_file *files;          /* mapped inputs, kept until the corpus is freed */
  size_t nfiles, files_cap;
  char **owned;            /* texts the corpus allocated (JSON Lines, added text) */
  size_t nowned, owned_cap;

  qr_tokens toks;
  uint32_t *form, *fold;   /* per token */
  size_t ids_cap;
  qr_sentences sents;
  qr_mentions ments;
  uint64_t ments_gen;      /* bumped when the mentions are made anew (not when extended) */
  struct qr_entities *ents;   /* their entities, numbered on first use (entities.c), or NULL */
  qr_lexicon *lex;
  uint32_t *fold_of;       /* per lexicon id: the id of its folded form, or UNKNOWN */
  size_t fold_cap;
  struct formslot *forms;  /* the cache in front of lex (see intern_tokens), or NULL */

  uint64_t *meta_off;      /* key offset; the JSON value follows the key's NUL */
  size_t nmeta, meta_cap;
  uint64_t *warn_off;
  size_t nwarn, warn_cap;
  uint64_t *skip_off;      /* per skipped file: its path's offset, then its reason's */
  size_t nskip, skip_cap;

  /* the gazetteer and, per lexicon id, its keys (cached for its version) */
  const qr_gazetteer *gaz;
  uint64_t gaz_version;
  qr_tokkey *gkeys;
  size_t gkeys_n, gkeys_cap;
  qr_tokkey *match_keys;   /* the keys of the document being matched (reused) */
  size_t match_keys_cap;
  uint8_t *match_caps;     /* what the matcher found of its lines (qr_match_opts.caps) */
  size_t match_caps_cap;
  int no_guess;            /* qr_corpus_set_guess(c, 0): the gazetteer's names only */
  qr_guesses guesses;      /* working memory of match_doc */
  qr_mentions guess_tmp;

  /* postings: the tokens of fold id f are post_pos[post_start[f] .. post_start[f+1]) */
  uint32_t *post_start, *post_pos;
  size_t post_tokens;      /* how many tokens the postings cover; rebuilt when stale */
  size_t post_nlex;        /* ... and how many lexicon ids */
  size_t max_tokens;       /* QR_CORPUS_MAX_TOKENS, or less (qr_corpus_limit_tokens) */
  qr_progress_fn progress; /* qr_corpus_set_progress, or NULL */
  void *progress_ud;
  uint64_t progress_done, progress_total;   /* bytes of the load under way */
  uint64_t progress_annotated;               /* ... annotated (on several threads) */

  qr_buf scratch;

  /* the files read (for an index's staleness check) and the paths given */
  struct srcrec *srcs;
  size_t nsrcs, srcs_cap;
  uint64_t *root_off;      /* into strings: absolute paths */
  size_t nroots, roots_cap;

  /* A corpus mapped from an index file (index.c): its arrays point into the
   * mapping, which it owns, until a change makes it copy them (thaw). */
  qr_file mapped;
  int frozen;              /* the arrays above are the mapping's, not malloc'ed */
  qr_index_info info;      /* what the index says of its making (info.path NULL: none) */
  const char **info_roots; /* arrays of info (owned) */
  qr_index_source *info_sources;
  char *index_path;        /* owned copy of info.path */
  uint64_t index_gaz_print;   /* the gazetteer print the stored mentions have */

  /* qr_corpus_reuse: an earlier corpus whose documents, when the same text
   * comes again under the same id, give their annotations instead of being
   * annotated again (borrowed) */
  const qr_corpus *reuse;
  int reuse_mentions;      /* ... and their mentions too (same gazetteer) */
  uint32_t *reuse_ids;     /* per lexicon id of reuse: its id here, or QR_LEX_NONE */
  size_t reuse_nids;
  size_t nreused;          /* documents that came from reuse */

  /* annotation on several threads (parallel.c): documents from nannotated
   * on are added but not annotated yet; each public call that adds
   * documents annotates them before it returns */
  size_t jobs;             /* threads (1: annotate each document as it is added) */
  size_t nannotated;
  size_t pending_bytes;
  struct qr_annotator *annotators;   /* a scratch corpus per thread (owned) */
  size_t nannotators;

  /* an index build's token-sized arrays in a scratch file (spill.c), or NULL */
  struct qr_spill *spill;
  int adding_mapped;       /* the text being added is a file's mapping (add_file) */
  int jsonl_mapped;        /* the JSON Lines being read are a file's mapping (add_file) */
  size_t post_window;      /* postings placed per window of folds (0: as qr_corpus_sort_postings
                            * decides; tests set it) */
  size_t post_step;        /* tokens of a step of the postings' placing (0: POST_STEP; tests) */
  int post_help_only;      /* tests: the postings' second thread places no part of its own,
                            * it only helps (every part is placed from both ends) */
  size_t batch_bytes;      /* bytes of a batch annotated on threads, a round being one batch
                            * per thread (0: as parallel.c decides; tests set it) */
};

/* Tokenizes, splits and interns text[a, end) of a document text[0, len)
 * (a and end on block boundaries, qr_text_block_end), appending to c's
 * arrays with offsets into the whole text. *cut_at (when cut_at is not
 * NULL and it is SIZE_MAX) gets where the first run without white space was
 * cut. */
qr_status qr_corpus_annotate_span(qr_corpus *c, const char *text, size_t len, size_t a,
                                  size_t end, size_t *cut_at);
/* The warning for a run cut at byte at of d. */
void qr_corpus_warn_cut(qr_corpus *c, const docrec *d, size_t at);
/* The mentions of d (appended), with c's gazetteer. */
qr_status qr_corpus_match_doc(qr_corpus *c, docrec *d);
/* The id of the folded form of lexicon id id, interned when new. */
qr_status qr_corpus_fold_id(qr_corpus *c, uint32_t id, uint32_t *fold);
/* Records fold as the id of id's folded form (known to be so). */
qr_status qr_corpus_set_fold(qr_corpus *c, uint32_t id, uint32_t fold);

/* A scratch corpus that segments with seg (a thread's, in parallel.c),
 * loading no segmenter of its own; seg outlives it. */
qr_corpus *qr_corpus_new_scratch(const qr_segmenter *seg);
/* Makes room for n tokens' form and fold ids. */
qr_status qr_corpus_ids_room(qr_corpus *c, size_t n);
/* Annotates documents [first, c->ndocs) on c->jobs threads, with the result
 * of one; on failure *failed is the document that failed (those before it
 * are annotated, it and those after are not). */
qr_status qr_corpus_annotate_parallel(qr_corpus *c, size_t first, int warn_cuts,
                                      size_t *failed);
void qr_corpus_free_annotators(qr_corpus *c);
/* The postings of c's tokens by fold (nlex folds): start[f] .. start[f + 1]
 * the places in pos of fold f's positions, in order; on c->jobs threads. */
qr_status qr_corpus_sort_postings(const qr_corpus *c, size_t nlex, uint32_t *start, uint32_t *pos);
/* The number of processors online. */
size_t qr_corpus_jobs_online(void);

/* The bytes a load of these paths will read (qr_corpus_add_paths). */
uint64_t qr_corpus_load_size(const char *const *paths, size_t n);

/* ---- spill.c: an index build's token-sized arrays in a scratch file ---- */

/* Puts c's token and sentence arrays in a scratch file in dir, with room for
 * text_bytes of text: before the first token. */
qr_status qr_corpus_spill(qr_corpus *c, const char *dir, uint64_t text_bytes, qr_error *err);
/* Copies the arrays back into memory and closes the scratch file. */
qr_status qr_corpus_unspill(qr_corpus *c);
/* Closes the scratch file (the arrays in it go: only when done with them). */
void qr_corpus_close_spill(qr_corpus *c);
/* Makes room for ntok more tokens and nsent more sentences: in memory, or
 * in the scratch file (with disk given; QR_EIO when it cannot be:
 * qr_corpus_spill_error says why). */
qr_status qr_corpus_room(qr_corpus *c, size_t ntok, size_t nsent);
/* Lets go of the pages of [p, p + n) of a file mapping; those of a
 * corpus's scratch file, final, start being written back (so that the
 * settling and the sync that end an index build have little left to
 * write). */
void qr_corpus_spill_written(const qr_corpus *c, const void *p, size_t n);
/* Lets go of the pages of tokens [t0, t1) and sentences [s0, s1) of a
 * corpus whose arrays are a file's (spilled, or mapped from an index), as
 * qr_corpus_spill_written does. */
void qr_corpus_drop_pages(const qr_corpus *c, size_t t0, size_t t1, size_t s0, size_t s1);
/* 1 if p is in c's scratch file. */
int qr_corpus_spilled(const qr_corpus *c, const void *p);
/* Why the scratch file failed, or NULL. */
const char *qr_corpus_spill_error(const qr_corpus *c);
/* Copies n bytes from src to dst: with pwrite where dst is in c's scratch
 * file (disk given), which fills the page cache without zeroing each page
 * first as a write through the mapping does (the kernel reads a page of the
 * file, zeros for a new one, before a write to it); memcpy elsewhere. */
void qr_corpus_spill_copy(qr_corpus *c, void *dst, const void *src, size_t n);
/* Writes the bytes [a, e) of document d's text into the scratch file, at
 * their place in the index's texts, where the scratch file can become the
 * index (the texts are then settled with the arrays); safe on several
 * threads, for spans of text that do not overlap. drop: the pages of a
 * mapped text are let go as they are written (else the caller does). */
void qr_corpus_spill_put_text(qr_corpus *c, const docrec *d, size_t a, size_t e, int drop);
/* Room for c's postings in the scratch file (disk given), or NULL (not
 * spilled; or no disk, err set). A file that can become the index is cut
 * right after them. */
uint32_t *qr_corpus_spill_postings(qr_corpus *c, qr_error *err);
/* Room for a text of len bytes in the scratch file (disk given), or NULL
 * (not spilled, no room left, no disk): the texts an index build unescapes
 * from JSON Lines go there, their pages let go as the files' are. */
char *qr_corpus_spill_text(qr_corpus *c, size_t len);
/* Lets go of the pages of the texts written there, from text's on (once it
 * is checked and added). */
void qr_corpus_spill_text_done(qr_corpus *c, const char *text);
/* Frees the memory and disk of the whole pages of [p, p + n) in the
 * scratch file (copied into the index: their bytes are not needed again). */
void qr_corpus_spill_discard(qr_corpus *c, const void *p, size_t n);
/* Lets the page cache go of p[0, n) of the scratch file where it is written
 * back (what is not yet stays): read for the last time. */
void qr_corpus_spill_uncache(const qr_corpus *c, const void *p, size_t n);
/* The scratch file's copy of the texts at [at, at + n) out of the page
 * cache (the texts hashed are read where they came from: an input's
 * mapping). */
void qr_corpus_spill_uncache_texts(const qr_corpus *c, uint64_t at, size_t n);
/* The places of the arrays settled in a file are multiples of this. */
#define SETTLE_ALIGN 4096u
/* Makes the scratch file the index's file without copying it: the blocks of
 * the documents' texts (one after the other, as qr_corpus_spill_put_text
 * wrote them), of the arrays (token starts to sentence flags, in that
 * order) and of the postings are moved to the offsets at[0..11], multiples
 * of SETTLE_ALIGN, zeros between them, the file cut after the postings'
 * last block (or their last byte, where qr_corpus_spill_postings cut it); *fd gets the file (c's until it is closed). Every other byte
 * of the file is the caller's to write; c's arrays are then unreadable
 * (their blocks have moved). QR_EARG when it cannot be done and nothing
 * changed (not spilled, no tokens, a file system that moves no blocks);
 * QR_EIO, err set, when a move failed part way. */
qr_status qr_corpus_spill_settle(qr_corpus *c, const uint64_t *at, int *fd, qr_error *err);
/* The scratch file that qr_corpus_spill_settle can make c's index, or -1
 * (not spilled, no tokens, the arrays moved to memory, a file that cannot
 * be given a name or whose blocks cannot move, texts not all written). */
int qr_corpus_spill_fd(const qr_corpus *c);

/* Makes the arrays of a corpus mapped from an index its own (copies), so
 * that they can change. A no-op for any other corpus. */
qr_status qr_corpus_thaw(qr_corpus *c);

/* Lets c remember g as the gazetteer its mentions came from, without
 * matching again (the mentions of an index made with g). */
void qr_corpus_keep_gazetteer(qr_corpus *c, const qr_gazetteer *g);

/* Writes the right file size, section checksums and header hash into the
 * index bytes data[0, len) (for the fuzz target: a hostile file carries
 * right ones, so mutations must get past them to reach the checks behind). */
void qr_index_reseal(void *data, size_t len);

/* Makes path absolute and plain ("./", "//" and "/." go; ".." stays):
 * how sources and roots are recorded and compared. Into out. */
qr_status qr_corpus_abspath(const char *path, qr_buf *out);

/* entities.c */
void qr_entities_free(struct qr_entities *es);

#endif
