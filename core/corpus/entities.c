/* corpus/entities.c — the entities of a corpus's mentions, numbered
 * (quarry/entities.h): the gazetteer's entries, then one entity per name
 * guessed.
 *
 * A guessed name is told by the folded forms of the words of the mention
 * that names it in full, punctuation (a joining hyphen) left out: the key
 * that joins "Kim Jong-un" and "Kim Jong Un" inside one text joins them
 * across texts too. Its id is the words of the first such mention in the
 * corpus, read from the text once, when the name is new.
 *
 * One pass over the mentions: a guess takes the entity of the mention that
 * names it in full when that one came before it in the pass, else its key
 * is interned. Each (entity, type) met becomes a typed entity, chained from
 * its entity: an entity has at most QR_GT_COUNT of them, so a walk of the
 * chain is the lookup. Documents added later extend the table from where it
 * stopped (a text's mentions all come after the mentions of the texts
 * before it); a new match or annotation makes it again. */
#include <stdlib.h>
#include <string.h>

#include "corpus_impl.h"
#include "quarry/entities.h"
#include "quarry/gazetteer.h"

struct qr_entities {
  const qr_gazetteer *g;
  size_t nknown;           /* entries of g when made */
  uint64_t gen;            /* c->ments_gen when made */
  /* guessed entity j: its key is string j of keys, its id string name[j] of ids */
  qr_lexicon *keys, *ids;
  uint32_t *name;
  uint32_t *first_key;     /* its first typed entity (a key), chained by key_next */
  uint8_t *type;           /* the type most of its mentions have */
  size_t nguess, guess_cap;
  uint32_t *by_id;         /* per string of ids: the first entity with it */
  size_t by_id_cap;
  /* key f, the typed entity nknown + f: (entity j, type) */
  uint32_t *key_entity, *key_next, *key_count;
  uint8_t *key_type;
  size_t nkeys, keys_cap;
  /* per mention: its typed entity */
  uint32_t *typed;
  size_t nments, ments_cap;
  qr_buf scratch;          /* a name's key, then its words */
};

void qr_entities_free(qr_entities *es) {
  if (!es) return;
  qr_lexicon_free(es->keys);
  qr_lexicon_free(es->ids);
  free(es->name);
  free(es->by_id);
  free(es->first_key);
  free(es->type);
  free(es->key_entity);
  free(es->key_next);
  free(es->key_count);
  free(es->key_type);
  free(es->typed);
  qr_buf_free(&es->scratch);
  free(es);
}

/* Makes room for one more element in each of the n arrays ps (elements of
 * sizes sz), which share the capacity *cap. */
static qr_status grow_together(void **ps[], const size_t sz[], size_t n, size_t *cap,
                               size_t need) {
  if (need <= *cap) return QR_OK;
  size_t c = *cap ? 2 * *cap : 16;
  for (size_t i = 0; i < n; i++) {
    void *a = realloc(*ps[i], c * sz[i]);
    if (!a) return QR_ENOMEM;   /* (those grown keep their contents; *cap stays) */
    *ps[i] = a;
  }
  *cap = c;
  return QR_OK;
}

/* The key of (guessed entity j, type), made when new. */
static qr_status key_of(qr_entities *es, uint32_t j, int type, uint32_t *out) {
  uint32_t prev = UINT32_MAX;
  for (uint32_t f = es->first_key[j]; f != UINT32_MAX; prev = f, f = es->key_next[f])
    if (es->key_type[f] == type) {
      *out = f;
      return QR_OK;
    }
  size_t f = es->nkeys;
  if (f + es->nknown >= QR_LEX_NONE) return QR_ELIMIT;
  void **ps[] = {(void **)&es->key_entity, (void **)&es->key_next, (void **)&es->key_count,
                 (void **)&es->key_type};
  const size_t sz[] = {sizeof *es->key_entity, sizeof *es->key_next, sizeof *es->key_count,
                       sizeof *es->key_type};
  if (grow_together(ps, sz, 4, &es->keys_cap, f + 1)) return QR_ENOMEM;
  es->key_entity[f] = j;
  es->key_next[f] = UINT32_MAX;
  es->key_count[f] = 0;
  es->key_type[f] = (uint8_t)type;
  if (prev == UINT32_MAX) es->first_key[j] = (uint32_t)f;
  else es->key_next[prev] = (uint32_t)f;
  es->nkeys++;
  *out = (uint32_t)f;
  return QR_OK;
}

/* The guessed entity named in full by mention full, made when new. */
static qr_status entity_of(const qr_corpus *c, qr_entities *es, size_t full, uint32_t *j) {
  const qr_mentions *m = &c->ments;
  qr_buf *b = &es->scratch;
  qr_buf_reset(b);
  for (size_t i = m->tok_first[full]; i < (size_t)m->tok_first[full] + m->tok_count[full]; i++)
    if (c->toks.kind[i] != QR_TOK_PUNCT && c->toks.kind[i] != QR_TOK_ELLIPSIS &&
        qr_buf_append(b, &c->fold[i], sizeof *c->fold))
      return QR_ENOMEM;
  size_t before = qr_lexicon_size(es->keys);
  qr_status rc = qr_lexicon_intern(es->keys, b->data ? b->data : "", b->len, j);
  if (rc || qr_lexicon_size(es->keys) == before) return rc;
  /* a new name: its id, and room for its numbers */
  void **ps[] = {(void **)&es->first_key, (void **)&es->type, (void **)&es->name};
  const size_t sz[] = {sizeof *es->first_key, sizeof *es->type, sizeof *es->name};
  uint32_t id;
  size_t nids = qr_lexicon_size(es->ids);
  qr_buf_reset(b);
  if (grow_together(ps, sz, 3, &es->guess_cap, *j + 1) || qr_corpus_mention_id(c, full, b) ||
      qr_lexicon_intern(es->ids, b->data ? b->data : "", b->len, &id) ||
      qr_grow((void **)&es->by_id, &es->by_id_cap, (size_t)id + 1, sizeof *es->by_id))
    return QR_ENOMEM;   /* (the key stays interned, unnumbered: the table is dropped) */
  if (qr_lexicon_size(es->ids) > nids) es->by_id[id] = *j;   /* (else an id met before) */
  es->name[*j] = id;
  es->first_key[*j] = UINT32_MAX;
  es->nguess = *j + 1;
  return QR_OK;
}

/* Numbers mentions [es->nments, m->n). */
static qr_status extend(const qr_corpus *c, qr_entities *es) {
  const qr_mentions *m = &c->ments;
  if (qr_grow((void **)&es->typed, &es->ments_cap, m->n, sizeof *es->typed)) return QR_ENOMEM;
  for (size_t k = es->nments; k < m->n; k++) {
    if (!(m->flags[k] & QR_MF_GUESS)) {
      es->typed[k] = m->entry[k];
      continue;
    }
    size_t full = qr_mention_guess_full(m, k);
    if (full >= m->n || !(m->flags[full] & QR_MF_GUESS)) full = k;   /* (never, but an index
                                                                       * is read from disk) */
    uint32_t j;
    if (full < k) {   /* named in full before */
      j = es->key_entity[es->typed[full] - es->nknown];
    } else {
      qr_status rc = entity_of(c, es, full, &j);
      if (rc) return rc;
    }
    uint32_t f;
    qr_status rc = key_of(es, j, qr_mention_guess_type(m, k), &f);
    if (rc) return rc;
    es->key_count[f]++;
    es->typed[k] = (uint32_t)(es->nknown + f);
  }
  es->nments = m->n;
  /* each guessed entity's type: its most mentioned (the first on a tie) */
  for (size_t j = 0; j < es->nguess; j++) {
    uint32_t best = es->first_key[j];
    for (uint32_t f = best; f != UINT32_MAX; f = es->key_next[f])
      if (es->key_count[f] > es->key_count[best]) best = f;
    es->type[j] = best == UINT32_MAX ? 0 : es->key_type[best];
  }
  return QR_OK;
}

qr_status qr_corpus_entities(qr_corpus *c, const qr_entities **out) {
  qr_entities *es = c->ents;
  size_t nknown = c->gaz ? qr_gazetteer_size(c->gaz) : 0;
  if (es && (es->gen != c->ments_gen || es->g != c->gaz || es->nknown != nknown ||
             es->nments > c->ments.n)) {
    qr_entities_free(es);
    es = c->ents = NULL;
  }
  if (!es) {
    es = calloc(1, sizeof *es);
    if (!es || !(es->keys = qr_lexicon_new()) || !(es->ids = qr_lexicon_new())) {
      qr_entities_free(es);
      return QR_ENOMEM;
    }
    es->g = c->gaz;
    es->nknown = nknown;
    es->gen = c->ments_gen;
    c->ents = es;
  }
  if (es->nments < c->ments.n) {
    qr_status rc = extend(c, es);
    if (rc) {   /* half numbered: made again next time */
      qr_entities_free(es);
      c->ents = NULL;
      return rc;
    }
  }
  *out = es;
  return QR_OK;
}

size_t qr_entities_count(const qr_entities *es) { return es->nknown + es->nguess; }
size_t qr_entities_known(const qr_entities *es) { return es->nknown; }
size_t qr_entities_ntyped(const qr_entities *es) { return es->nknown + es->nkeys; }
uint32_t qr_entities_typed_of(const qr_entities *es, size_t k) { return es->typed[k]; }

uint32_t qr_entities_typed_entity(const qr_entities *es, uint32_t t) {
  return t < es->nknown ? t : (uint32_t)(es->nknown + es->key_entity[t - es->nknown]);
}

uint32_t qr_entities_of(const qr_entities *es, size_t k) {
  return qr_entities_typed_entity(es, es->typed[k]);
}

long qr_entities_find(const qr_entities *es, const char *id) {
  long e = es->g ? qr_gazetteer_find(es->g, id) : -1;
  if (e >= 0 && (size_t)e < es->nknown) return e;
  uint32_t k = qr_lexicon_find(es->ids, id, strlen(id));
  return k == QR_LEX_NONE ? -1 : (long)(es->nknown + es->by_id[k]);
}

const char *qr_entities_id(const qr_entities *es, uint32_t e) {
  if (e < es->nknown) return qr_gazetteer_id(es->g, e);
  return qr_lexicon_str(es->ids, es->name[e - es->nknown], NULL);
}

const char *qr_entities_name(const qr_entities *es, uint32_t e) {
  if (e < es->nknown) return qr_gazetteer_name(es->g, e, 0);
  return qr_lexicon_str(es->ids, es->name[e - es->nknown], NULL);
}

const char *qr_entities_type(const qr_entities *es, uint32_t e) {
  if (e < es->nknown) return qr_gazetteer_type(es->g, e);
  return qr_guess_type_name(es->type[e - es->nknown]);
}

const char *qr_entities_typed_type(const qr_entities *es, uint32_t t) {
  if (t < es->nknown) return qr_gazetteer_type(es->g, t);
  return qr_guess_type_name(es->key_type[t - es->nknown]);
}
