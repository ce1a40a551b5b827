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

#include <stdio.h>

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
/* Loads entries from JSON Lines: one object per line with "id", "type",
 * "name", and optionally "aliases" (a list of strings), "attrs" (an object
 * of strings or numbers) and "case" ("fold", "exact" or "auto"). All or
 * nothing; errors name the line. */
qr_status qr_gazetteer_load_jsonl(qr_gazetteer *g, const char *text, size_t len,
                                  const char *name, qr_error *err);

/* Loads a GeoNames dump (the tab-separated files of download.geonames.org,
 * such as cities15000.txt): id "geonames:ID", type GPE for places and
 * administrative areas (feature classes P and A) and LOC for the rest, the
 * name, ASCII name and alternate names as names (codes of up to four
 * capitals left out), and country, population, lat, lon and feature code as
 * attributes. All or nothing; errors name the line. */
qr_status qr_gazetteer_load_geonames(qr_gazetteer *g, const char *text, size_t len,
                                     const char *name, qr_error *err);

/* Reads the file at path in the given format ("tsv", "jsonl", "geonames"),
 * or, with format NULL, in the one its name or contents say: a compiled
 * gazetteer (qr_gazetteer_write) is mapped, and into an empty g used in
 * place; .jsonl is JSON Lines; a file whose first entry line has GeoNames'
 * 19 tab-separated fields and a numeric id is GeoNames; anything else TSV. */
qr_status qr_gazetteer_load_file_as(qr_gazetteer *g, const char *path, const char *format,
                                    qr_error *err);
/* ---- compiled gazetteers -------------------------------------------------- */

/* Writes g as a compiled gazetteer to fp (a regular file, written from its
 * start): a file that qr_gazetteer_load_file maps and uses in place. */
qr_status qr_gazetteer_write(const qr_gazetteer *g, FILE *fp, qr_error *err);
/* Loads the compiled gazetteer in data[0, len) (a file's bytes, read by the
 * caller; name is for messages): into an empty g, which then reads its own
 * copy of them in place; into one with entries, whose entries it adds.
 * Every count, offset and table is checked first: damaged or hostile bytes
 * give QR_EDATA, never a crash or a lookup that does not end. */
qr_status qr_gazetteer_load_compiled(qr_gazetteer *g, const void *data, size_t len,
                                     const char *name, qr_error *err);
/* The name of the world gazetteer built into quarry: countries, their
 * nationalities, cities, regions and international organisations (see
 * docs/gazetteer.md). Wherever a gazetteer file is read, this name reads
 * that one; it is also the default of a corpus that has no gazetteer. */
#define QR_WORLD_GAZETTEER "@world"
/* Is path the name of a gazetteer built into quarry (not a file)? */
int qr_gazetteer_is_builtin(const char *path);
/* Does data start like a compiled gazetteer? */
int qr_gazetteer_is_compiled(const char *data, size_t len);
/* Checks the checksum of a gazetteer loaded from a compiled file (QR_OK for
 * one that was not). */
qr_status qr_gazetteer_verify(const qr_gazetteer *g, qr_error *err);
/* 1 when g reads a mapped compiled file in place. */
int qr_gazetteer_is_mapped(const qr_gazetteer *g);

/* qr_gazetteer_load_file_as with the format guessed. */
qr_status qr_gazetteer_load_file(qr_gazetteer *g, const char *path, qr_error *err);

/* Adds an entry, or, when id exists with the same type, adds names to it.
 * names[0] is the preferred name of a new entry. attrs holds nattrs key/value
 * pairs (attrs[2k] = key, attrs[2k+1] = value). All or nothing. */
qr_status qr_gazetteer_add(qr_gazetteer *g, const char *id, const char *type,
                           const char *const *names, size_t nnames, const char *const *attrs,
                           size_t nattrs, qr_case_policy policy, qr_error *err);

/* The type of stop entries ("stop-forms"): their names never make a mention
 * themselves, and where one covers exactly the tokens that another entry's
 * name covers, that name is not found there either ("May" the month against
 * a person called May). A longer name still wins over a stop name. */
#define QR_STOP_TYPE "STOP"

/* Removes the entry with this id (its names stop matching at once); QR_EARG
 * when there is none. */
qr_status qr_gazetteer_remove(qr_gazetteer *g, const char *id);

/* Entries are numbered 0 .. size-1 in the order they were added; a removed
 * entry keeps its number, and qr_gazetteer_live says it is gone. */
size_t qr_gazetteer_size(const qr_gazetteer *g);
int qr_gazetteer_live(const qr_gazetteer *g, size_t entry);
size_t qr_gazetteer_count(const qr_gazetteer *g);   /* entries not removed */
/* The live entry with this id, or -1. */
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
/* A number that is the same for gazetteers with the same live entries (ids,
 * types, names, attributes, case policies, in order) and stop type, under
 * the same rules of matching: an index records it, to know whether its
 * mentions are a gazetteer's. */
uint64_t qr_gazetteer_fingerprint(const qr_gazetteer *g);
/* A number that changes whenever entries are added; lets caches know. */
uint64_t qr_gazetteer_version(const qr_gazetteer *g);

/* ---- matching ---------------------------------------------------------- */

/* Mentions found by matching: token ranges and entries. Owned arrays. An
 * ambiguous mention (a name several entries share, or a short name that
 * fits several people named before it) has its candidates in
 * cands[cand_first, cand_first + cand_count), the first of them also in
 * entry; other mentions have cand_count 0. */
typedef struct qr_mentions {
  uint32_t *tok_first, *tok_count;
  uint32_t *entry;
  uint8_t *flags;          /* QR_MF_* */
  uint32_t *cand_first, *cand_count;
  size_t n, cap;
  uint32_t *cands;         /* entries, for the candidates of ambiguous mentions */
  size_t ncands, cands_cap;
} qr_mentions;

enum {
  QR_MF_AMBIGUOUS = 1,   /* more than one entry fits: see the candidates */
  QR_MF_ALIAS = 2,       /* a short name (a surname, a given name) of a person named in
                          * full earlier in the same text */
  QR_MF_CAPPED = 4,      /* more entries fit than QR_MAX_CANDIDATES: the candidates are
                          * the first QR_MAX_CANDIDATES of them */
  QR_MF_GUESS = 8        /* a name the gazetteer lacks (qr_gazetteer_guess): entry is no
                          * entry; see qr_mention_guess_* */
};
/* A guess keeps its type (QR_GT_*) in bits 4-6 of its flags, its confidence
 * (in percent) in cand_first, and in entry how far back the mention that
 * names it in full is in the same text (a negative number, as two's
 * complement, when that one comes after it; 0 for that one itself): its
 * words are the guess's id. All of it moves with the mention, as a text's
 * mentions are copied or appended. */
#define QR_MF_TYPE_SHIFT 4
static inline int qr_mention_guess_type(const qr_mentions *m, size_t k) {
  return (m->flags[k] >> QR_MF_TYPE_SHIFT) & 7;
}
static inline int qr_mention_guess_conf(const qr_mentions *m, size_t k) {
  return (int)m->cand_first[k];
}
static inline size_t qr_mention_guess_full(const qr_mentions *m, size_t k) {
  return (size_t)((int64_t)k - (int32_t)m->entry[k]);
}

/* The most entries a gazetteer holds, and also the most names, attributes,
 * trie nodes and accept records: they are numbered in 32 bits. An add that
 * would pass one fails with QR_ELIMIT, a message naming the limit, and the
 * gazetteer as it was. */
#define QR_GAZETTEER_LIMIT ((size_t)UINT32_MAX - 2)

/* The most candidates a mention keeps: the likeliest first (the entries
 * added first; for short names, the people named last). A name that 10,000
 * entries share costs a mention no more than this many. */
#define QR_MAX_CANDIDATES 64

void qr_mentions_reset(qr_mentions *m);
void qr_mentions_free(qr_mentions *m);
/* Makes room for extra more mentions and extra_cands more candidates. */
qr_status qr_mentions_reserve(qr_mentions *m, size_t extra, size_t extra_cands);
/* Appends mentions [first, first + n) of src to dst, with their candidates,
 * their tokens moved from numbering at tok_from to numbering at tok_to. */
qr_status qr_mentions_append(qr_mentions *dst, const qr_mentions *src, size_t first, size_t n,
                             size_t tok_from, size_t tok_to);

/* The keys of one token, as the matcher sees it. */
typedef struct qr_tokkey {
  uint32_t fold;     /* key of the folded form, or QR_LEX_NONE */
  uint32_t exact;    /* key of the exact form, or QR_LEX_NONE */
  uint32_t flags;    /* QR_KF_* */
} qr_tokkey;

enum {
  /* where the token is (qr_gazetteer_token_flags) */
  QR_KF_SKIP = 1,      /* a hyphen between two words: passed over inside a name */
  QR_KF_BARRIER = 2,   /* no name runs across the gap before this token */
  /* what the form is (qr_gazetteer_form_keys) */
  QR_KF_SMALL = 4,     /* it starts with a small letter ("china", "may") */
  QR_KF_CAPS = 8,      /* two letters or more, all capitals ("NORTH", "US") */
  QR_KF_LOWER = 16,    /* it has a small letter somewhere ("Putin", "iPhone") */
  QR_KF_DOTTED = 32,   /* an acronym written with dots ("U.S.") */
  /* a hint (qr_gazetteer_form_keys): no name of the gazetteer begins with
   * this form, so the matcher passes over it without a look; 0 means look */
  QR_KF_NOSTART = 64,
  /* what the form is, again: a capital first and a small letter after it,
   * and no weekday or month ("Clijsters", not "'s", "US" nor "Monday"): a
   * word that may go on a name */
  QR_KF_NAMEWORD = 128,
  /* what the form is: a small word that a title in capitals leaves small
   * ("and", "of", "in" in "Putin and Kim Sign Pact in Pyongyang") */
  QR_KF_MINOR = 256,
  /* where the token is: first on its line (or in the text) */
  QR_KF_LINE_START = 512,
  /* what the form is: a capitalised title or role that goes with a name
   * ("President", "Mayor", "Minister"): "Moscow Mayor" is still Moscow */
  QR_KF_ROLE = 1024,
  /* what the form is, for names the gazetteer lacks (guess.c): a common
   * given name ("John", "Kim"), whatever its case */
  QR_KF_GIVEN = 2048,
  /* ... and "the", which goes before an organisation, seldom a person */
  QR_KF_DET = 32768,
  /* ... a common English word (the stop-forms): "After", "But", "Then" at a
   * sentence's start are no names */
  QR_KF_COMMON = 1 << 16,
  /* ... a small word inside a name: "of", "for" (University of Seoul), "von",
   * "bin" */
  QR_KF_CONNECT = 1 << 17,
  /* ... a verb of saying ("said", "told"): a person says more than a place */
  QR_KF_SPEECH = 1 << 18,
  /* ... "by", before a byline's name */
  QR_KF_BY = 1 << 19,
  /* ... a word of six letters or more ending in "ing" ("Accompanying"): at
   * a sentence's start, a verb more than a given name */
  QR_KF_ING = 1 << 20,
  /* ... the last word of a law or a treaty ("Act", "Treaty"), which names
   * no entity */
  QR_KF_LAW = 1 << 21
};
/* ... and the word's class (QR_WC_*), in bits 12-14 of the flags. */
#define QR_KF_CLASS_SHIFT 12
#define QR_KF_CLASS_MASK 0x7000
enum {
  QR_WC_NONE = 0,
  QR_WC_TITLE,   /* before a person's name: "President", "analyst", "Mr" */
  QR_WC_ORG,     /* last word of an organisation: "University", "Agency" */
  QR_WC_FAC,     /* last word of a building or a work: "Palace", "Airport" */
  QR_WC_LOC,     /* last word of a natural place: "River", "Peninsula" */
  QR_WC_GPE,     /* last word of a political place: "Province", "City" */
  QR_WC_EVENT    /* last word of an event: "War", "Summit", "Day" */
};
#define QR_KF_CLASS(flags) (((flags) & QR_KF_CLASS_MASK) >> QR_KF_CLASS_SHIFT)

#define QR_KF_FORM                                                                      \
  (QR_KF_SMALL | QR_KF_CAPS | QR_KF_LOWER | QR_KF_DOTTED | QR_KF_NAMEWORD | QR_KF_MINOR | \
   QR_KF_ROLE | QR_KF_GIVEN | QR_KF_DET | QR_KF_CLASS_MASK | QR_KF_COMMON | QR_KF_CONNECT | \
   QR_KF_SPEECH | QR_KF_BY | QR_KF_ING | QR_KF_LAW)

/* The position flags (QR_KF_SKIP, QR_KF_BARRIER, QR_KF_LINE_START) of token i of toks over
 * text, where t0 is the first token of the text being matched (a barrier).
 * A barrier is set at a paragraph start and after a sentence terminator. */
uint32_t qr_gazetteer_token_flags(const char *text, const qr_tokens *toks, size_t i, size_t t0);

/* The same for tokens [t0, t1) at once: ORs the position flags into
 * keys[0, t1 - t0) and clears the keys of the tokens passed over. */
void qr_gazetteer_position_keys(const char *text, const qr_tokens *toks, size_t t0, size_t t1,
                                qr_tokkey *keys);

/* qr_gazetteer_position_keys with keys[k] first set to by_form[form[t0 + k]]
 * (a corpus's keys, cached per form id): the keys of a text in one pass. */
void qr_gazetteer_gather_keys(const char *text, const qr_tokens *toks, size_t t0, size_t t1,
                              const qr_tokkey *by_form, const uint32_t *form, qr_tokkey *keys);

/* Computes the keys and all the flags of token i of toks over text.
 * scratch is working memory owned by the caller. */
qr_status qr_gazetteer_token_key(const qr_gazetteer *g, const char *text, const qr_tokens *toks,
                                 size_t i, qr_buf *scratch, qr_tokkey *key);

/* The keys of a token text alone (fold and exact) and its form flags
 * (with QR_KF_NOSTART), for callers that cache them per distinct form;
 * they hold until the gazetteer changes (qr_gazetteer_version). */
qr_status qr_gazetteer_form_keys(const qr_gazetteer *g, const char *s, size_t n, int kind,
                                 qr_buf *scratch, uint32_t *fold, uint32_t *exact,
                                 uint32_t *flags);

/* How to match. */
typedef struct qr_match_opts {
  /* 0: leftmost-longest, non-overlapping mentions (the default); 1: every
   * name found at every token, nested and overlapping ones too */
  int overlapping;
  /* the entry types to keep (NULL: all), chosen before the longest match
   * is: a longer name of another type does not hide one of these */
  const char *const *types;
  size_t ntypes;
  /* 1: short names of people named in full before (non-overlapping mode
   * only; see docs/gazetteer.md) */
  int aliases;
  /* NULL, or room for a byte per token, where the matcher leaves what it
   * found of the sentences and lines (QR_CAPS_*): qr_gazetteer_guess
   * reads them */
  uint8_t *caps;
} qr_match_opts;
enum {
  QR_CAPS_SENTENCE = 1,   /* in a sentence written in capitals ("LET US PRAY") */
  QR_CAPS_TITLE = 2       /* on a line written as a title ("Putin and Kim Sign Pact") */
};

/* Finds the mentions in keys[0, n) and appends them to out with token
 * indices offset by base. opts may be NULL: leftmost-longest, every type,
 * with aliases. */
qr_status qr_gazetteer_match_keys(const qr_gazetteer *g, const qr_tokkey *keys, size_t n,
                                  size_t base, const qr_match_opts *opts, qr_mentions *out);

/* Tokenizes nothing: matches the tokens [t0, t1) of text directly. */
qr_status qr_gazetteer_match(const qr_gazetteer *g, const char *text, const qr_tokens *toks,
                             size_t t0, size_t t1, const qr_match_opts *opts, qr_mentions *out);

/* ---- names the gazetteer lacks (guess.c) ---------------------------------- */

/* Names found by their shape and the words around them, where no name of
 * the gazetteer is: capitalised runs typed by evidence (a title before a
 * person, a given name, the last word of an organisation or a place, "the"
 * before an organisation, "in" before a place), and the same name again in
 * the text. Owned arrays; tokens offset by base as mentions are. */
typedef struct qr_guesses {
  uint32_t *tok_first, *tok_count;
  uint8_t *type;       /* QR_GT_* */
  uint8_t *conf;       /* how sure, in percent */
  uint32_t *same;      /* the guess that names it in full, first in the text (itself for
                        * that one): its words are the name's id, shared by its
                        * repetitions and its short forms ("Lankov" after "Andrei
                        * Lankov") */
  size_t n, cap;
  /* mentions of known that a guess takes in and replaces ("National" +
   * "Security Council": the National Security Council), by their index */
  uint32_t *drop;
  size_t ndrop, drop_cap;
  /* scratch kept from one text to the next (guess.c) */
  struct qr_guess_scratch *scratch;
} qr_guesses;
enum { QR_GT_PERSON, QR_GT_ORG, QR_GT_GPE, QR_GT_LOC, QR_GT_FAC, QR_GT_EVENT, QR_GT_COUNT };
/* The type's name: "PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT". */
const char *qr_guess_type_name(int type);
void qr_guesses_free(qr_guesses *q);
/* Guesses the names in keys[0, n) that the mentions known[m0, known->n)
 * (from qr_gazetteer_match_keys on the same keys and base) leave out, and
 * appends them to out in text order. ids[i] tells token i's word apart,
 * whatever its case: equal ids, the same word. caps are the bytes that
 * match left in its options' caps. */
qr_status qr_gazetteer_guess(const qr_tokkey *keys, const uint32_t *ids, const uint8_t *caps,
                             size_t n, size_t base, const qr_gazetteer *g,
                             const qr_mentions *known, size_t m0, qr_guesses *out);
/* qr_gazetteer_guess, then qr_mentions_add_guesses, in one go: the guesses
 * go straight among the mentions m[m0, m->n) that qr_gazetteer_match_keys
 * found in the same keys. scratch and tmp are working memory the caller
 * owns (scratch's guesses are not kept). */
qr_status qr_gazetteer_guess_into(const qr_tokkey *keys, const uint32_t *ids,
                                  const uint8_t *caps, size_t n, size_t base,
                                  const qr_gazetteer *g, qr_mentions *m, size_t m0,
                                  qr_guesses *scratch, qr_mentions *tmp);
/* Puts the guesses q among the mentions m[m0, m->n) of the same text, in
 * text order (QR_MF_GUESS), leaving out the mentions q takes in; tmp is
 * working memory the caller owns. */
qr_status qr_mentions_add_guesses(qr_mentions *m, size_t m0, const qr_guesses *q,
                                  qr_mentions *tmp);

#endif
