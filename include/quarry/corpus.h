/* quarry/corpus.h — a set of documents and their annotations.
 *
 * A document has an id (its path relative to the corpus root, or the id field
 * of a JSON Lines record), a title (its first non-empty line), metadata and
 * its UTF-8 text. Files are memory-mapped read-only and never modified.
 *
 * Annotations are flat arrays over the whole corpus (struct of arrays):
 * tokens, sentences and entity mentions, with each document owning a
 * contiguous range of each. Token offsets are relative to their document's
 * text. Every token carries the lexicon ids of its form and of its folded
 * form, so that counting and queries work on integers. */
#ifndef QUARRY_CORPUS_H
#define QUARRY_CORPUS_H

#include "quarry/base.h"
#include "quarry/gazetteer.h"
#include "quarry/lexicon.h"
#include "quarry/text.h"

typedef struct qr_corpus qr_corpus;

/* A read-only view of one document. All pointers are borrowed and valid
 * until the corpus is freed. */
typedef struct qr_doc {
  const char *id;          /* NUL-terminated */
  const char *text;        /* not NUL-terminated: use len */
  size_t len;
  size_t title_start, title_len;   /* the title, a span of text */
  const char *source;      /* the file it was read from ("" for added text) */
  size_t source_line;      /* the line of a JSON Lines record, else 0 */
  size_t tok_first, tok_count;     /* ranges of the corpus arrays */
  size_t sent_first, sent_count;
  size_t ment_first, ment_count;
  size_t meta_first, meta_count;
} qr_doc;

/* The limits of a corpus (docs/reliability.md): a document is at most
 * QR_CORPUS_MAX_DOC_BYTES (its token offsets are 32 bits), a corpus at most
 * QR_CORPUS_MAX_TOKENS tokens (sentences and mentions number them in 32
 * bits). A document past one is refused with QR_ELIMIT and a message naming
 * the limit (a file of a directory is skipped, as a file that is not text
 * is), and the corpus keeps what it had. */
#define QR_CORPUS_MAX_DOC_BYTES ((size_t)UINT32_MAX - 1)
#define QR_CORPUS_MAX_TOKENS ((size_t)UINT32_MAX - 1)

/* Creates an empty corpus with the default English segmenter. NULL when out
 * of memory. */
qr_corpus *qr_corpus_new(void);
/* Lowers the most tokens c takes (QR_CORPUS_MAX_TOKENS; a larger number
 * changes nothing): a budget for a corpus that must stay small, refused as
 * the limit is. */
void qr_corpus_limit_tokens(qr_corpus *c, size_t max_tokens);
void qr_corpus_free(qr_corpus *c);

/* Annotates the documents of each load on this many threads (0: one per
 * processor; the default is 1). The documents are cut into spans on the
 * blocks one thread annotates one at a time, and the threads' results are
 * merged in order, so that the corpus is the same, to every lexicon id, as
 * one thread's. */
void qr_corpus_set_jobs(qr_corpus *c, size_t jobs);

/* The segmenter in use (borrowed). */
const qr_segmenter *qr_corpus_segmenter(const qr_corpus *c);
/* Uses seg (borrowed: the caller keeps it alive while the corpus lives) for
 * documents added from now on and for qr_corpus_reannotate; NULL goes back to
 * the corpus's own default segmenter. */
void qr_corpus_use_segmenter(qr_corpus *c, const qr_segmenter *seg);
/* Tokenizes, splits and matches every document again, with the segmenter in
 * use now (after abbreviations were added or learned). On failure the
 * documents stay but have no annotations. */
qr_status qr_corpus_reannotate(qr_corpus *c, qr_error *err);

/* Adds documents from path: a directory (every file ending in .txt below it,
 * recursively, in sorted order), a .jsonl file (one JSON object per line with
 * "id" and "text"; other fields become metadata), or any other file (one
 * document). Each document is tokenized and split as it is added. Invalid
 * UTF-8 inside a text is kept (never shifting offsets) and reported by
 * qr_corpus_warnings. A file that is not UTF-8 text (a NUL byte, or invalid
 * UTF-8 in more than one byte in eight: binary, or another encoding) or
 * cannot be read is an error naming it when it is path itself; found in a
 * directory, it is skipped (see qr_corpus_add_paths). */
qr_status qr_corpus_add_path(qr_corpus *c, const char *path, qr_error *err);

/* Adds documents from n paths as qr_corpus_add_path does each, as one load.
 * A file that cannot be read as text — binary or not UTF-8 (as above), a
 * broken symbolic link, a link loop, not a regular file (a FIFO in a
 * directory), unreadable, gone since its directory was read — is skipped
 * when it was found in a directory or is one of several paths: it is
 * recorded (qr_corpus_skipped), a warning "skipped PATH: why" is added, and
 * the load goes on. A subdirectory that cannot be read is skipped the same
 * way. It is an error all the same when nothing at all could be read, and
 * always with QR_CORPUS_STRICT. A path that does not exist is an error, and
 * so is a single path that cannot be read (the caller asked for it). On an
 * error the documents added before it stay. */
enum { QR_CORPUS_STRICT = 1 };

/* Progress of the loads of qr_corpus_add_paths: fn is called after each file,
 * and every 1024 records of a JSON Lines file, with the bytes read so far
 * and in all (the sizes of every file the paths name, listed first) and the
 * documents so far; once more at the end with done equal to total. NULL (the
 * default) for none. fn must not fail: it only reports. */
typedef void (*qr_progress_fn)(void *ud, uint64_t done, uint64_t total, size_t docs);
void qr_corpus_set_progress(qr_corpus *c, qr_progress_fn fn, void *ud);
qr_status qr_corpus_add_paths(qr_corpus *c, const char *const *paths, size_t n, unsigned flags,
                              qr_error *err);

/* Adds one document from memory; the corpus copies text. */
qr_status qr_corpus_add_text(qr_corpus *c, const char *id, const char *text, size_t len,
                             qr_error *err);

/* Adds the documents of JSON Lines text data[0, len), read as a .jsonl file
 * is by qr_corpus_add_path; name stands for the file (in default ids
 * "name:line", sources and messages). The corpus copies what it keeps. On
 * a bad line, the documents of the lines before it stay. */
qr_status qr_corpus_add_jsonl(qr_corpus *c, const char *name, const char *data, size_t len,
                              qr_error *err);

/* Finds the mentions of g's entries in every document, replacing earlier
 * mentions. g is borrowed: the corpus remembers it (qr_corpus_gazetteer)
 * until the next call, and the caller keeps it alive that long. NULL
 * clears the mentions. */
qr_status qr_corpus_match(qr_corpus *c, const qr_gazetteer *g, qr_error *err);
const qr_gazetteer *qr_corpus_gazetteer(const qr_corpus *c);
/* With on (the default), the names the gazetteer lacks are found too
 * (qr_gazetteer_guess): mentions with QR_MF_GUESS among the others; off,
 * the gazetteer's only. Takes effect at the next match or load. */
void qr_corpus_set_guess(qr_corpus *c, int on);
int qr_corpus_guesses(const qr_corpus *c);
/* What an index records of the mentions it stores: the gazetteer's
 * fingerprint, and whether names were guessed (g NULL: none). */
uint64_t qr_corpus_mentions_print(const qr_corpus *c, const qr_gazetteer *g);
/* Mention k's type and whether the gazetteer knows it (a guess does not). */
const char *qr_corpus_mention_type(const qr_corpus *c, size_t k);
/* Appends mention k's id to out: its entry's id, or for a guess the words
 * of the mention that names it in full (white space made single spaces). */
qr_status qr_corpus_mention_id(const qr_corpus *c, size_t k, qr_buf *out);

size_t qr_corpus_ndocs(const qr_corpus *c);
void qr_corpus_doc(const qr_corpus *c, size_t i, qr_doc *out);
/* The index of the document with this id, or -1. */
long qr_corpus_find(const qr_corpus *c, const char *id);
/* The document holding token t (binary search). */
size_t qr_corpus_doc_of_token(const qr_corpus *c, size_t t);

/* The annotation arrays (borrowed, read-only). Token offsets are relative to
 * the text of the token's document. */
const qr_tokens *qr_corpus_tokens(const qr_corpus *c);
const uint32_t *qr_corpus_forms(const qr_corpus *c);   /* lexicon id of each token's form */
const uint32_t *qr_corpus_folds(const qr_corpus *c);   /* ... of its folded form */
const qr_sentences *qr_corpus_sentences(const qr_corpus *c);
const qr_mentions *qr_corpus_mentions(const qr_corpus *c);
const qr_lexicon *qr_corpus_lexicon(const qr_corpus *c);
/* The lexicon id of the folded form of form id `form` (QR_LEX_NONE when the
 * id is not a form of this corpus). */
uint32_t qr_corpus_fold_of(const qr_corpus *c, uint32_t form);
/* The sentence holding token t (binary search). */
size_t qr_corpus_sentence_of_token(const qr_corpus *c, size_t t);

/* Metadata of a document: entry k of its meta range. Values are JSON texts
 * (strings keep their quotes), so any JSON value survives. */
void qr_corpus_meta(const qr_corpus *c, size_t k, const char **key, const char **json_value);

/* Warnings collected while loading (invalid UTF-8, skipped files ...), one
 * message each. */
size_t qr_corpus_nwarnings(const qr_corpus *c);
const char *qr_corpus_warning(const qr_corpus *c, size_t k);

/* Files skipped while loading (see qr_corpus_add_paths), in load order:
 * the path of file k, and, in *why (when not NULL), why it was skipped
 * ("a broken symbolic link (to x.txt)"). Borrowed, valid until the corpus
 * is freed; NULL when k is out of range. */
size_t qr_corpus_nskipped(const qr_corpus *c);
const char *qr_corpus_skipped(const qr_corpus *c, size_t k, const char **why);

/* Positions of every token with folded-form id `fold`, in corpus order; the
 * index is built on first use. Returns the count and sets *pos. */
qr_status qr_corpus_postings(qr_corpus *c, uint32_t fold, const uint32_t **pos, size_t *n);

/* Bytes of memory held by the annotations (the texts themselves excluded). */
size_t qr_corpus_memory(const qr_corpus *c);

#endif
