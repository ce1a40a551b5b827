/* lookup/batch.h — entries staged from a file, added all or none. Internal
 * to core/lookup. */
#ifndef QUARRY_LOOKUP_BATCH_H
#define QUARRY_LOOKUP_BATCH_H

#include "lookup/gazetteer_impl.h"

typedef struct qr_gaz_item {
  size_t line;
  size_t ref;              /* into refs: id, type, names, then key, value ... */
  size_t nnames, nattrs;
  qr_case_policy policy;
  double rank;             /* higher first where names are shared (see commit) */
} qr_gaz_item;

typedef struct qr_gaz_batch {
  const qr_gazetteer *g;   /* checked against (borrowed) */
  const char *name;        /* the file, for errors (borrowed) */
  qr_gaz_item *items;
  size_t nitems, items_cap;
  uint64_t *refs;          /* offsets of strings in the arena */
  size_t nrefs, refs_cap;
  qr_buf arena;
  qr_lexicon *ids;         /* ids of this batch -> their line */
  size_t *id_line, id_line_cap;
  size_t nnames, nattrs;   /* staged in all, for the gazetteer's limits */
} qr_gaz_batch;

void qr_gaz_batch_init(qr_gaz_batch *b, const qr_gazetteer *g, const char *name);
void qr_gaz_batch_free(qr_gaz_batch *b);

/* Checks an entry read at line (its id new to the gazetteer and the batch,
 * then as qr_gazetteer_add checks) and stages a copy of it. Errors say
 * "name:line: ...". */
qr_status qr_gaz_batch_add(qr_gaz_batch *b, size_t line, const char *id, const char *type,
                           const char *const *names, size_t nnames, const char *const *attrs,
                           size_t nattrs, qr_case_policy policy, qr_error *err);

/* Sets the rank of the entry staged last (0 by default). */
void qr_gaz_batch_rank(qr_gaz_batch *b, double rank);

/* Adds every staged entry to g (which the batch was checked against), by
 * rank, highest first, and in file order within a rank: entries that share
 * a name are its candidates in that order, so the first is the likeliest
 * (GeoNames ranks places by population: London is London, England). */
qr_status qr_gaz_batch_commit(qr_gaz_batch *b, qr_gazetteer *g, qr_error *err);

#endif
