/* lookup/gazetteer_impl.h — the inside of a qr_gazetteer. Internal to
 * core/lookup. */
#ifndef QUARRY_LOOKUP_GAZETTEER_IMPL_H
#define QUARRY_LOOKUP_GAZETTEER_IMPL_H

#include "quarry/gazetteer.h"
#include "quarry/lexicon.h"

#define NO_ENTRY UINT32_MAX

/* The version of the rules that decide where a name is found (match.c,
 * trie.c's form flags, and the guessing of guess.c with its word lists in
 * core/lookup/data). It goes into a gazetteer's fingerprint, so that an
 * index made under older rules finds its entities again: add one whenever
 * a change finds other mentions in the same text. 2: a one-word place
 * beside another name is none; titles are lines, sentences or not. 3: the
 * names the gazetteer lacks are guessed. 4: a shared name is read by the
 * countries of the text. */
#define QR_MATCH_RULES 4

/* Entry flags. */
enum { EF_REMOVED = 1, EF_STOP = 2 };

/* Accept-record flags: when a name may match. The low eight bits say which
 * of the name's first eight words start with a capital in the gazetteer (all
 * of a person's name, the first word of others): such a word is not found
 * where the text starts it with a small letter ("may" is not May, nor "son
 * to" Son To). Two names of an entry that end at the same node keep the
 * freer flags. */
#define ACC_CAPS_OF(k) ((uint16_t)(1u << (k)))
enum {
  ACC_ACRONYM = 0x100   /* a short acronym matched in capitals: not inside a sentence in
                         * capitals, where capitals say nothing (unless written with dots) */
};

/* Word classes for names the gazetteer lacks (namewords.c): titles, the
 * last words of organisations and places, prepositions before places, and
 * common given names. */
typedef struct qr_namewords qr_namewords;
/* Reads the lists compiled into the binary; NULL when out of memory. */
qr_namewords *qr_namewords_new(void);
void qr_namewords_free(qr_namewords *w);
/* The flags of a folded word: QR_KF_GIVEN, QR_KF_DET and its class bits
 * (QR_KF_CLASS_MASK); 0 for most words, and for w NULL. */
uint32_t qr_namewords_flags(const qr_namewords *w, const char *fold, size_t n);

struct qr_gazetteer {
  qr_segmenter *seg;       /* tokenizes names the way texts are tokenized; made when the
                            * first name is compiled (a mapped file needs none) */
  qr_namewords *words;     /* word classes, for the form flags of texts */
  qr_lexicon *ids;         /* entry ids: the id of entry i is string i */
  qr_lexicon *types;       /* type names */
  qr_buf strings;          /* names and attributes, NUL-terminated, back to back */

  /* per entry */
  uint32_t *type;
  uint8_t *policy;
  uint8_t *eflags;         /* EF_* */
  uint32_t *name_first, *name_count;   /* into name_off */
  uint32_t *attr_first, *attr_count;   /* into attr_off */
  size_t n, cap;

  uint64_t *name_off;      /* offsets into strings */
  size_t nnames, names_cap;
  uint64_t *attr_off;      /* key offset; the value follows the key's NUL */
  size_t nattrs, attrs_cap;

  size_t nremoved;         /* entries removed */
  uint32_t stop_type;      /* the type id of QR_STOP_TYPE, or NO_ENTRY before its first use */

  /* the trie over token keys */
  qr_lexicon *keys;        /* folded keys, and exact keys prefixed with \1 */
  uint32_t *acc_head;      /* per node: its first accept record, or NO_ENTRY */
  size_t nnodes, nodes_cap;
  /* accept records: an entry named at a node (linked per node) */
  uint32_t *acc_tail;      /* per node: its last accept record, or NO_ENTRY, for appending
                            * in constant time; made on the first append (a file has none),
                            * valid for the first ntails nodes */
  size_t ntails, tails_cap;
  uint32_t *acc_entry, *acc_next;
  uint16_t *acc_flags;     /* ACC_* */
  size_t nacc, acc_cap;
  uint64_t *edge_key;      /* hash table: (node << 32 | key) + 1, 0 when empty */
  uint32_t *edge_child;
  size_t nedges, edge_slots;

  size_t limit;            /* the most entries, names, attributes, trie nodes or accept
                            * records: QR_GAZETTEER_LIMIT (tests lower it) */
  uint64_t version;
  qr_tokens work_toks;     /* working memory for compiling names */
  qr_buf work_buf;
  void *map;               /* a compiled file's bytes the arrays point into, or NULL */
  size_t maplen;
  int map_heap;            /* map is a heap copy (freed), not a mapping (unmapped) */
};

/* The hash that places an edge's key in the edge table. */
static inline uint64_t qr_gaz_edge_hash(uint64_t k) {
  k ^= k >> 31;
  k *= 0x9e3779b97f4a7c15ULL;
  k ^= k >> 29;
  return k;
}

/* Maps the compiled gazetteer at path into g, whose arrays must be free
 * (see compiled.c). */
qr_status qr_gaz_map(qr_gazetteer *g, const char *path, qr_error *err);
/* The same for a compiled gazetteer's bytes in memory: g reads a heap copy
 * of them in place. name is for messages. */
qr_status qr_gaz_map_bytes(qr_gazetteer *g, const void *data, size_t len, const char *name,
                           qr_error *err);
/* For tests and fuzzing, which need damaged files that still pass the
 * checksums (anyone can recompute them): where section s of the compiled
 * file data[0, len) is (0 when its header does not say), the number of
 * sections, and the file with its size and both checksums made to fit its
 * bytes. */
int qr_gaz_section(const void *data, size_t len, int s, size_t *off, size_t *bytes);
#define QR_GAZ_NSECTIONS 28
void qr_gaz_reseal(void *data, size_t len);

/* Releases what g->map holds (a mapping or a heap copy). */
void qr_gaz_unmap(qr_gazetteer *g);
/* Copies the arrays of a mapped gazetteer into memory of its own, so that it
 * can change; a gazetteer that is not mapped is left as it is. */
qr_status qr_gaz_thaw(qr_gazetteer *g);

/* Checks an entry as qr_gazetteer_add would, without changing anything. */
qr_status qr_gaz_check(const qr_gazetteer *g, const char *id, const char *type,
                       const char *const *names, size_t nnames, const char *const *attrs,
                       size_t nattrs, qr_error *err);

/* Adds an entry that qr_gaz_check has passed (see qr_gazetteer_add). */
qr_status qr_gaz_add_checked(qr_gazetteer *g, const char *id, const char *type,
                             const char *const *names, size_t nnames, const char *const *attrs,
                             size_t nattrs, qr_case_policy policy, qr_error *err);

/* Does the name have a word in it (a name of punctuation alone is
 * refused)? */
int qr_gaz_name_has_word(const char *name);

/* Checks that a gazetteer file's text is UTF-8 without NUL bytes; an error
 * names the file and the line. */
qr_status qr_gaz_check_text(const char *text, size_t len, const char *name, qr_error *err);
/* The same, then *copy: a NUL-terminated copy of the text that the caller
 * frees. */
qr_status qr_gaz_copy_text(const char *text, size_t len, const char *name, char **copy,
                           qr_error *err);

/* Compiles a name of entry e into the trie. */
qr_status qr_gaz_compile_name(qr_gazetteer *g, size_t e, const char *name, qr_error *err);

/* Takes entry e out of every node that accepts it. */
void qr_gaz_unlink_entry(qr_gazetteer *g, size_t e);

/* The child of node by key, or NO_ENTRY. */
uint32_t qr_gaz_edge(const qr_gazetteer *g, uint32_t node, uint32_t key);

#endif
