/* quarry/lexicon.h — interning of strings to dense integer ids.
 *
 * Every distinct string is stored once; counting, matching and queries work
 * on the ids and make strings only for output. Ids are 0, 1, 2 ... in the
 * order strings were first interned. */
#ifndef QUARRY_LEXICON_H
#define QUARRY_LEXICON_H

#include "quarry/base.h"

#define QR_LEX_NONE UINT32_MAX

typedef struct qr_lexicon qr_lexicon;

/* Returns NULL when out of memory. The lexicon owns its strings. */
qr_lexicon *qr_lexicon_new(void);
void qr_lexicon_free(qr_lexicon *lx);

/* Interns s[0, n) and stores its id in *id. */
qr_status qr_lexicon_intern(qr_lexicon *lx, const char *s, size_t n, uint32_t *id);
/* The id of s[0, n), or QR_LEX_NONE. */
uint32_t qr_lexicon_find(const qr_lexicon *lx, const char *s, size_t n);
/* The string of id (NUL-terminated; borrowed, valid until the lexicon is freed
 * or grows); *len gets its length when len is not NULL. */
const char *qr_lexicon_str(const qr_lexicon *lx, uint32_t id, size_t *len);
size_t qr_lexicon_size(const qr_lexicon *lx);
/* Bytes of memory held. */
size_t qr_lexicon_memory(const qr_lexicon *lx);

#endif
