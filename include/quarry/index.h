/* quarry/index.h — a corpus saved as one file and mapped back in place.
 *
 * An index holds everything a loaded corpus holds: the documents' texts,
 * ids, titles and metadata, the annotation arrays (tokens, their forms and
 * folds, sentences, entity mentions), the lexicon, the inverted index of
 * folded forms, and what it was made from: the paths read (with each file's
 * size and time of change), the gazetteer (path and fingerprint) and the
 * segmenter's fingerprint. Opening one maps the file and points the corpus's
 * arrays into the mapping: nothing is parsed, copied or annotated, so a
 * large corpus opens in milliseconds and pages in as it is used (a corpus
 * larger than memory works). A change to an opened index's corpus (adding a
 * document, matching another gazetteer) first copies its arrays.
 *
 * The file is a header (magic, format version, byte order, the file's size,
 * the place, size and checksum of every section, and a checksum of the
 * header itself), then the sections, each aligned to 8 bytes. Opening checks
 * the header, every section's place and size, and the checksums and contents
 * of the sections whose size grows with documents or distinct words (the
 * document table, strings, lexicons, the fold table, the index's start
 * table): a file cut short, written by another version or damaged there is
 * an error naming it. The sections that grow with tokens (texts, tokens,
 * sentences, mentions, postings) are checked by qr_index_verify (quarry
 * index --check; quarry.open{verify = true}), which reads every byte.
 * Numbers are in the writing machine's byte order. */
#ifndef QUARRY_INDEX_H
#define QUARRY_INDEX_H

#include "quarry/base.h"
#include "quarry/corpus.h"


/* A file a corpus was read from, as the index recorded it. */
typedef struct qr_index_source {
  const char *path;        /* absolute */
  uint64_t size;
  int64_t mtime_ns;        /* time of last change, in nanoseconds */
} qr_index_source;

/* What an index says of its making (borrowed from the corpus). */
typedef struct qr_index_info {
  const char *path;        /* the index file */
  const char *version;     /* the quarry that wrote it */
  uint64_t file_size;
  const char *const *roots;   /* the paths given to quarry index, absolute */
  size_t nroots;
  const qr_index_source *sources;
  size_t nsources;
  const char *gazetteer;   /* the gazetteer's file (absolute), or "" for none */
  uint64_t gazetteer_print, segmenter_print;
} qr_index_info;

/* Does the file at path start like an index? */
int qr_index_is_index(const char *path);

/* Writes c to path as an index (through a temporary file renamed into
 * place: an existing index stays whole until the new one is complete).
 * gazetteer names the file c's mentions were found with (NULL or "" for
 * none). Builds c's postings when it has none yet. */
qr_status qr_index_write(qr_corpus *c, const char *path, const char *gazetteer,
                         qr_error *err);

enum { QR_INDEX_VERIFY = 1 };   /* qr_index_open: check every byte (qr_index_verify) */

/* Maps the index at path into a new corpus (*out, freed with
 * qr_corpus_free). Its mentions are kept but it has no gazetteer object: the
 * caller loads one and hands it over with qr_index_use_gazetteer. */
qr_status qr_index_open(const char *path, unsigned flags, qr_corpus **out, qr_error *err);

/* The same for the bytes of an index in memory (copied), named name in
 * messages. */
qr_status qr_index_open_bytes(const void *data, size_t len, const char *name, unsigned flags,
                              qr_corpus **out, qr_error *err);

/* The index c was opened from, or NULL. */
const qr_index_info *qr_index_info_of(const qr_corpus *c);

/* Checks every section's checksum and the contents of the token-sized ones
 * (every id inside the lexicon, every token inside its text, every range
 * inside its array). QR_OK for a corpus not opened from an index. */
qr_status qr_index_verify(const qr_corpus *c, qr_error *err);

/* Gives c (opened from an index) the gazetteer g (borrowed, as
 * qr_corpus_match). When g is the one the index was made with (the same
 * fingerprint), its mentions are kept and *rematched is 0; else they are
 * found again with g (in memory; the file is unchanged) and *rematched is 1. */
qr_status qr_index_use_gazetteer(qr_corpus *c, const qr_gazetteer *g, int *rematched,
                                 qr_error *err);

/* How the files an index was made from differ from it now: the .txt files
 * below its directories and its files, listed again and compared by size
 * and time of change. first names the first difference found ("added
 * a.txt"), for messages; borrowed from the corpus until the next call. */
typedef struct qr_index_staleness {
  size_t added, changed, removed;
  const char *first;
} qr_index_staleness;
qr_status qr_index_stale(qr_corpus *c, qr_index_staleness *out, qr_error *err);

/* An incremental update: while c loads (qr_corpus_add_paths), a document
 * whose id and text are those of a document of old takes its annotations
 * from there instead of being annotated again; with mentions, its mentions
 * too (old was matched with the gazetteer c will be matched with). old is
 * borrowed and must outlive the load and the next qr_corpus_match. */
void qr_corpus_reuse(qr_corpus *c, const qr_corpus *old, int mentions);
/* How many documents came from the reused corpus. */
size_t qr_corpus_nreused(const qr_corpus *c);

/* Makes or updates the index at out from the corpus at paths: what quarry
 * index does. When out is an index already (checked whole), a document
 * whose id and text are unchanged keeps its annotations (qr_corpus_reuse),
 * with its mentions when the gazetteer is the same; a damaged one is made
 * again whole (r->previous says why). g (borrowed; NULL for none) finds the
 * entities; gazetteer is its file, recorded in the index. */
typedef struct qr_index_job {
  const char *const *paths;
  size_t npaths;
  unsigned flags;          /* QR_CORPUS_STRICT */
  const char *out;
  const qr_gazetteer *g;
  const char *gazetteer;
  qr_progress_fn progress; /* of the load, or NULL */
  void *progress_ud;
  size_t jobs;             /* threads that annotate (qr_corpus_set_jobs; 0: one per processor) */
  qr_progress_fn write_progress;   /* of the writing (bytes of the file), or NULL;
                                    * given progress_ud too */
  int no_guess;            /* 1: the gazetteer's names only (qr_corpus_set_guess) */
} qr_index_job;

typedef struct qr_index_report {
  size_t documents, tokens;
  int updated;             /* an earlier index was there and used */
  size_t kept, annotated, removed;   /* documents, when updated */
  char previous[512];      /* why an earlier index at out was not used, or "" */
} qr_index_report;

/* On success, *corpus (when not NULL) gets the corpus written (for its
 * warnings; freed by the caller). */
qr_status qr_index_make(const qr_index_job *job, qr_index_report *r, qr_corpus **corpus,
                        qr_error *err);

#endif
