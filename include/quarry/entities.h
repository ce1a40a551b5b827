/* quarry/entities.h — the entities a corpus's mentions name, numbered, for
 * the queries and statistics that count or look up by entity.
 *
 * The numbers: the gazetteer's entries first, [0, n) in its own order (a
 * mention of entry e is entity e); then the names it lacks that were
 * guessed (QR_MF_GUESS), one entity per id (qr_corpus_mention_id: the words
 * of the mention that names it in full), numbered n, n + 1 ... in the order
 * of their first mention. "Andrei Lankov" guessed in three documents is one
 * entity, counted, paired and found as one.
 *
 * A guess is typed per document, from that document's evidence, so one
 * guessed entity can have two types ("Rodong Sinmun" an organisation here, a
 * person there). A test on the type (`ent=`, `type =`) looks at the
 * mention's own type; the entity's type, shown beside its id, is the type
 * most of its mentions have (on a tie, the first met). Hence a second
 * numbering, of *typed* entities: an entry is its own typed entity, and a
 * guessed entity has one per type its mentions have. A query's set of
 * mentions is a set of typed entities, so that a test on the id and one on
 * the type combine.
 *
 * The table is made on first use from the mentions (one pass) and made
 * again when they change; a corpus read from an index makes it the same
 * way. It is the corpus's: borrowed, valid until its mentions change. */
#ifndef QUARRY_ENTITIES_H
#define QUARRY_ENTITIES_H

#include "quarry/corpus.h"

typedef struct qr_entities qr_entities;

/* The table of c's entities (made now if its mentions changed since). */
qr_status qr_corpus_entities(qr_corpus *c, const qr_entities **out);

/* How many entities: the gazetteer's size plus the guessed ones. */
size_t qr_entities_count(const qr_entities *es);
/* How many of them are the gazetteer's (the first ones). */
size_t qr_entities_known(const qr_entities *es);
/* Mention k's entity. */
uint32_t qr_entities_of(const qr_entities *es, size_t k);
/* Entity e's id, preferred name and type (borrowed). A guessed entity's
 * name is its id. */
const char *qr_entities_id(const qr_entities *es, uint32_t e);
const char *qr_entities_name(const qr_entities *es, uint32_t e);
const char *qr_entities_type(const qr_entities *es, uint32_t e);

/* The entity of this id: the gazetteer's entry, else the guessed name's;
 * -1 when none has it. */
long qr_entities_find(const qr_entities *es, const char *id);

/* Typed entities: how many; mention k's; typed entity t's entity and type. */
size_t qr_entities_ntyped(const qr_entities *es);
uint32_t qr_entities_typed_of(const qr_entities *es, size_t k);
uint32_t qr_entities_typed_entity(const qr_entities *es, uint32_t t);
const char *qr_entities_typed_type(const qr_entities *es, uint32_t t);

#endif
