/* batch.c — entries read from a file, checked whole before any is added.
 *
 * Every reader (TSV, JSON Lines, GeoNames) stages its entries here with the
 * line they came from; the batch checks each as it comes (so that an error
 * names its line) and adds them all at the end, so that a file with an
 * error anywhere adds nothing at all. Strings are copied into one arena
 * that the batch owns. */
#include <stdlib.h>
#include <string.h>

#include "lookup/batch.h"

void qr_gaz_batch_init(qr_gaz_batch *b, const qr_gazetteer *g, const char *name) {
  memset(b, 0, sizeof *b);
  b->g = g;
  b->name = name;
}

void qr_gaz_batch_free(qr_gaz_batch *b) {
  free(b->items);
  free(b->refs);
  qr_buf_free(&b->arena);
  qr_lexicon_free(b->ids);
  free(b->id_line);
  memset(b, 0, sizeof *b);
}

/* Copies s into the arena; its offset in *off. */
static qr_status keep(qr_gaz_batch *b, const char *s, uint64_t *off) {
  *off = b->arena.len;
  return qr_buf_append(&b->arena, s, strlen(s) + 1);
}

qr_status qr_gaz_batch_add(qr_gaz_batch *b, size_t line, const char *id, const char *type,
                           const char *const *names, size_t nnames, const char *const *attrs,
                           size_t nattrs, qr_case_policy policy, qr_error *err) {
  if (!b->ids && !(b->ids = qr_lexicon_new()))
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  /* the checks qr_gazetteer_add makes, but with file:line, and ids unique
   * in the file too */
  if (qr_gazetteer_find(b->g, id) >= 0)
    return qr_error_set(err, QR_EDATA, "%s:%zu: duplicate id '%s' (already in the gazetteer)",
                        b->name, line, id);
  uint32_t sid;
  size_t before = qr_lexicon_size(b->ids);
  if (qr_lexicon_intern(b->ids, id, strlen(id), &sid) ||
      qr_grow((void **)&b->id_line, &b->id_line_cap, (size_t)sid + 1, sizeof *b->id_line))
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  if (qr_lexicon_size(b->ids) == before)
    return qr_error_set(err, QR_EDATA, "%s:%zu: duplicate id '%s' (first defined at line %zu)",
                        b->name, line, id, b->id_line[sid]);
  b->id_line[sid] = line;
  qr_error e2;
  if (qr_gaz_check(b->g, id, type, names, nnames, attrs, nattrs, &e2))
    return qr_error_set(err, e2.status, "%s:%zu: %s", b->name, line, e2.msg);
  /* the gazetteer's limits, for the whole file: checked here, so that a
   * file past one adds nothing (every entry of a batch is new) */
  const char *full = b->g->n + b->nitems + 1 > b->g->limit                ? "entries"
                     : b->g->nnames + b->nnames + nnames > b->g->limit    ? "names"
                     : b->g->nattrs + b->nattrs + nattrs > b->g->limit    ? "attributes"
                                                                          : NULL;
  if (full)
    return qr_error_set(err, QR_ELIMIT, "%s:%zu: the gazetteer is full: it holds at most %zu %s",
                        b->name, line, b->g->limit, full);
  /* staged: the strings into the arena, their offsets into refs */
  if (qr_grow((void **)&b->items, &b->items_cap, b->nitems + 1, sizeof *b->items) ||
      qr_grow((void **)&b->refs, &b->refs_cap, b->nrefs + 2 + nnames + 2 * nattrs,
              sizeof *b->refs))
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  qr_gaz_item *it = &b->items[b->nitems];
  it->line = line;
  it->policy = policy;
  it->ref = b->nrefs;
  it->nnames = nnames;
  it->nattrs = nattrs;
  it->rank = 0;
  qr_status rc = keep(b, id, &b->refs[b->nrefs]);
  if (!rc) rc = keep(b, type, &b->refs[b->nrefs + 1]);
  for (size_t k = 0; !rc && k < nnames; k++) rc = keep(b, names[k], &b->refs[b->nrefs + 2 + k]);
  for (size_t k = 0; !rc && k < 2 * nattrs; k++)
    rc = keep(b, attrs[k], &b->refs[b->nrefs + 2 + nnames + k]);
  if (rc) return qr_error_set(err, QR_ENOMEM, "out of memory");
  b->nrefs += 2 + nnames + 2 * nattrs;
  b->nitems++;
  b->nnames += nnames;
  b->nattrs += nattrs;
  return QR_OK;
}

void qr_gaz_batch_rank(qr_gaz_batch *b, double rank) {
  if (b->nitems) b->items[b->nitems - 1].rank = rank;
}

static int by_rank(const void *x, const void *y) {
  const qr_gaz_item *a = x, *b = y;
  if (a->rank != b->rank) return a->rank > b->rank ? -1 : 1;
  return a->line < b->line ? -1 : a->line > b->line;
}

qr_status qr_gaz_batch_commit(qr_gaz_batch *b, qr_gazetteer *g, qr_error *err) {
  const char *ptrs[64];
  const char **many = NULL;
  qr_status rc = QR_OK;
  int ranked = 0;
  for (size_t i = 0; i < b->nitems; i++) ranked |= b->items[i].rank != 0;
  if (ranked) qsort(b->items, b->nitems, sizeof *b->items, by_rank);
  for (size_t i = 0; rc == QR_OK && i < b->nitems; i++) {
    const qr_gaz_item *it = &b->items[i];
    size_t nstr = 2 + it->nnames + 2 * it->nattrs;
    const char **p = ptrs;
    if (nstr > sizeof ptrs / sizeof *ptrs) {
      free(many);
      if (!(many = malloc(nstr * sizeof *many))) {
        rc = qr_error_set(err, QR_ENOMEM, "out of memory");
        break;
      }
      p = many;
    }
    for (size_t k = 0; k < nstr; k++) p[k] = b->arena.data + b->refs[it->ref + k];
    qr_error e2;
    /* checked when staged: added without a second check */
    rc = qr_gaz_add_checked(g, p[0], p[1], p + 2, it->nnames, p + 2 + it->nnames, it->nattrs,
                            it->policy, &e2);
    if (rc) qr_error_set(err, rc, "%s:%zu: %s", b->name, it->line, e2.msg);
  }
  free(many);
  return rc;
}
