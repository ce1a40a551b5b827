/* quarry/gazetteer.h — entries with ids, types and names, and matching them
 * over tokens.
 *
 * Names are tokenized with the same tokenizer as the text and compiled into a
 * trie over normalised token keys (case folded, apostrophes unified, dots of
 * acronyms dropped, hyphens between words ignored), so that matching costs
 * one table lookup per token. The format of gazetteer files is described in
 * docs/gazetteer.md. */
#ifndef QUARRY_GAZETTEER_H
#define QUARRY_GAZETTEER_H

#include "quarry/base.h"
#include "quarry/text.h"

typedef struct qr_gazetteer qr_gazetteer;

/* Case policies of an entry. */
typedef enum qr_case_policy {
  QR_CASE_AUTO = 0,   /* fold, except single short all-capital names (US, UN, G7) */
  QR_CASE_FOLD,       /* always fold */
  QR_CASE_EXACT       /* never fold */
} qr_case_policy;

/* Returns NULL when out of memory. */
qr_gazetteer *qr_gazetteer_new(void);
void qr_gazetteer_free(qr_gazetteer *g);

/* Loads entries from text in the TSV format; name is the file name used in
 * error messages ("name:line: ..."). All or nothing: on any error, no entry of
 * the text is added. */
qr_status qr_gazetteer_load_tsv(qr_gazetteer *g, const char *text, size_t len,
                                const char *name, qr_error *err);
/* Reads the file at path and loads it as TSV. */
qr_status qr_gazetteer_load_file(qr_gazetteer *g, const char *path, qr_error *err);

/* Adds an entry, or, when id exists with the same type, adds names to it.
 * names[0] is the preferred name of a new entry. attrs holds nattrs key/value
 * pairs (attrs[2k] = key, attrs[2k+1] = value). All or nothing. */
qr_status qr_gazetteer_add(qr_gazetteer *g, const char *id, const char *type,
                           const char *const *names, size_t nnames, const char *const *attrs,
                           size_t nattrs, qr_case_policy policy, qr_error *err);

/* Entries are numbered 0 .. size-1 in the order they were added. */
size_t qr_gazetteer_size(const qr_gazetteer *g);
/* The entry with this id, or -1. */
long qr_gazetteer_find(const qr_gazetteer *g, const char *id);
/* Borrowed strings, valid until the gazetteer changes or is freed. */
const char *qr_gazetteer_id(const qr_gazetteer *g, size_t entry);
const char *qr_gazetteer_type(const qr_gazetteer *g, size_t entry);
size_t qr_gazetteer_nnames(const qr_gazetteer *g, size_t entry);
const char *qr_gazetteer_name(const qr_gazetteer *g, size_t entry, size_t k);  /* 0: preferred */
size_t qr_gazetteer_nattrs(const qr_gazetteer *g, size_t entry);
void qr_gazetteer_attr(const qr_gazetteer *g, size_t entry, size_t k, const char **key,
                       const char **value);
qr_case_policy qr_gazetteer_case(const qr_gazetteer *g, size_t entry);
/* Bytes of memory held. */
size_t qr_gazetteer_memory(const qr_gazetteer *g);
/* A number that changes whenever entries are added; lets caches know. */
uint64_t qr_gazetteer_version(const qr_gazetteer *g);

/* ---- matching ---------------------------------------------------------- */

/* Mentions found by matching: token ranges and entries. Owned arrays. */
typedef struct qr_mentions {
  uint32_t *tok_first, *tok_count;
  uint32_t *entry;
  uint8_t *flags;     /* QR_MF_* */
  size_t n, cap;
} qr_mentions;

enum { QR_MF_AMBIGUOUS = 1 };   /* the name belongs to several entries */

void qr_mentions_reset(qr_mentions *m);
void qr_mentions_free(qr_mentions *m);

/* The keys of one token, as the matcher sees it. */
typedef struct qr_tokkey {
  uint32_t fold;     /* key of the folded form, or QR_LEX_NONE */
  uint32_t exact;    /* key of the exact form, or QR_LEX_NONE */
  uint8_t flags;     /* QR_KF_* */
} qr_tokkey;

enum {
  QR_KF_SKIP = 1,      /* a hyphen between two words: passed over inside a name */
  QR_KF_BARRIER = 2    /* no name runs across the gap before this token */
};

/* The QR_KF_* flags of token i of toks over text, where t0 is the first token
 * of the text being matched (a barrier). */
uint8_t qr_gazetteer_token_flags(const char *text, const qr_tokens *toks, size_t i, size_t t0);

/* Computes the keys of token i of toks over text. scratch is working memory
 * owned by the caller. The barrier flag is set when the token starts a
 * paragraph or follows a sentence terminator. */
qr_status qr_gazetteer_token_key(const qr_gazetteer *g, const char *text, const qr_tokens *toks,
                                 size_t i, qr_buf *scratch, qr_tokkey *key);

/* The keys of a token text alone (fold and exact), for callers that cache
 * them per distinct form. */
qr_status qr_gazetteer_form_keys(const qr_gazetteer *g, const char *s, size_t n, int kind,
                                 qr_buf *scratch, uint32_t *fold, uint32_t *exact);

/* Finds the leftmost-longest non-overlapping mentions in keys[0, n) and
 * appends them to out with token indices offset by base. */
qr_status qr_gazetteer_match_keys(const qr_gazetteer *g, const qr_tokkey *keys, size_t n,
                                  size_t base, qr_mentions *out);

/* Tokenizes nothing: matches the tokens [t0, t1) of text directly. */
qr_status qr_gazetteer_match(const qr_gazetteer *g, const char *text, const qr_tokens *toks,
                             size_t t0, size_t t1, qr_mentions *out);

#endif
