/* lqr_columns.c — the corpus's token arrays handed to Lua in chunks of
 * integers, for loops that must run near the speed of C.
 *
 *   for first, n, kind, lower in c:columns{"kind", "lower"} do
 *     for i = 1, n do if kind[i] == quarry.kinds.word then ... end end
 *   end
 *
 * A Token object per token costs a userdata access and a string per field;
 * here the C side fills a few plain tables with integers (lexicon ids, kind
 * codes, document and sentence numbers), a chunk at a time, and reuses them,
 * so the Lua loop reads table slots and allocates nothing. */
#include <string.h>

#include "lua/lqr.h"
#include "quarry/entities.h"

enum { COL_WORD, COL_LOWER, COL_KIND, COL_DOC, COL_SENTENCE, COL_ENTITY, COL_SPACE, NCOLS };
static const char *const col_names[] = {"word", "lower", "kind", "doc", "sentence", "entity",
                                        "space", NULL};

#define MAX_COLS 8
#define CHUNK_DEFAULT 4096

/* The iteration's state, a userdata kept as the iterator's first upvalue;
 * the column tables follow as upvalues 3 .. 2 + ncols (2 is the corpus). */
typedef struct cols_state {
  lqr_corpus *box;
  int col[MAX_COLS];
  int ncols;
  size_t chunk;
  size_t next;              /* the next token */
  size_t end;               /* one past the last token of the current range */
  const uint32_t *docs;     /* documents to walk (NULL: all, as one range) */
  size_t ndocs, doc_at;     /* the next document of docs */
  size_t sent, ment, doc;   /* cursors: sentence, mention, document of next */
  size_t doc_end;           /* one past the last token of document doc */
  uint32_t one_doc;         /* the document of the doc option */
} cols_state;

/* Moves the document cursor to the document holding token at. */
static void doc_to(cols_state *st, const qr_corpus *c, size_t at) {
  while (at >= st->doc_end && st->doc + 1 < qr_corpus_ndocs(c)) {
    qr_doc d;
    qr_corpus_doc(c, ++st->doc, &d);
    st->doc_end = d.tok_first + d.tok_count;
  }
}

/* Moves to the next document range of a subset; 0 when there is none. */
static int next_range(cols_state *st, const qr_corpus *c) {
  while (st->doc_at < st->ndocs) {
    qr_doc d;
    qr_corpus_doc(c, st->docs[st->doc_at++], &d);
    if (!d.tok_count) continue;
    st->next = d.tok_first;
    st->end = d.tok_first + d.tok_count;
    st->doc = st->docs[st->doc_at - 1];
    st->doc_end = st->end;
    st->sent = d.sent_first;
    st->ment = d.ment_first;
    return 1;
  }
  return 0;
}

static int cols_next(lua_State *L) {
  cols_state *st = lua_touserdata(L, lua_upvalueindex(1));
  const qr_corpus *c = st->box->c;
  if (!c) return luaL_error(L, "the corpus is closed");
  if (st->next >= st->end && !(st->docs && next_range(st, c))) return 0;
  size_t first = st->next, n = st->end - first < st->chunk ? st->end - first : st->chunk;
  const qr_tokens *t = qr_corpus_tokens(c);
  const qr_sentences *s = qr_corpus_sentences(c);
  const qr_mentions *m = qr_corpus_mentions(c);
  const qr_entities *es = NULL;   /* the mentions' entities, when a column asks */
  for (int k = 0; k < st->ncols && !es; k++)
    if (st->col[k] == COL_ENTITY && qr_corpus_entities(st->box->c, &es))
      return luaL_error(L, "out of memory");
  lua_pushinteger(L, (lua_Integer)first + 1);
  lua_pushinteger(L, (lua_Integer)n);
  for (int k = 0; k < st->ncols; k++) {
    lua_pushvalue(L, lua_upvalueindex(3 + k));
    int tab = lua_gettop(L);
    const uint32_t *ids = st->col[k] == COL_WORD ? qr_corpus_forms(c) : qr_corpus_folds(c);
    size_t sent = st->sent, ment = st->ment;
    cols_state at_doc = *st;   /* the document cursor, moved by this column only */
    for (size_t i = 0; i < n; i++) {
      size_t at = first + i;
      lua_Integer v;
      switch (st->col[k]) {
      case COL_WORD:
      case COL_LOWER: v = (lua_Integer)ids[at]; break;
      case COL_KIND: v = t->kind[at]; break;
      case COL_SPACE: v = (t->flags[at] & QR_TF_SPACE_BEFORE) != 0; break;
      case COL_DOC:
        doc_to(&at_doc, c, at);
        v = (lua_Integer)at_doc.doc + 1;
        break;
      case COL_SENTENCE:
        while (sent + 1 < s->n && s->first[sent + 1] <= at) sent++;
        v = (lua_Integer)sent + 1;
        break;
      default:   /* COL_ENTITY: the entity of the mention holding the token (from 1:
                  * c:entity(n) tells which), or 0 */
        while (ment < m->n && (size_t)m->tok_first[ment] + m->tok_count[ment] <= at) ment++;
        v = ment < m->n && m->tok_first[ment] <= at ? (lua_Integer)qr_entities_of(es, ment) + 1
                                                    : 0;
      }
      lua_pushinteger(L, v);
      lua_rawseti(L, tab, (lua_Integer)i + 1);
    }
  }
  /* cursors not read by any column still follow the tokens */
  st->next = first + n;
  if (st->next < st->end) doc_to(st, c, st->next);
  while (st->sent + 1 < s->n && s->first[st->sent + 1] <= st->next) st->sent++;
  while (st->ment < m->n && (size_t)m->tok_first[st->ment] + m->tok_count[st->ment] <= st->next)
    st->ment++;
  return 2 + st->ncols;
}

/* c:columns(names [, {size = 4096, doc = D, subcorpus = S}]) -> iterator */
int lqr_corpus_columns(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  static const char *const opts[] = {"size", "doc", "subcorpus", NULL};
  lqr_check_options(L, 3, "columns", opts);
  size_t chunk = (size_t)lqr_opt_integer(L, 3, "columns", "size", CHUNK_DEFAULT, 1, 1 << 24);
  int ncols = (int)lua_rawlen(L, 2);
  if (ncols < 1 || ncols > MAX_COLS)
    return luaL_argerror(L, 2, "give from 1 to 8 column names");
  lua_settop(L, 3);
  cols_state *st = lua_newuserdatauv(L, sizeof *st, 1);   /* 4: upvalue 1 */
  memset(st, 0, sizeof *st);
  st->box = box;
  st->ncols = ncols;
  st->chunk = chunk;
  st->end = qr_corpus_tokens(box->c)->n;
  if (qr_corpus_ndocs(box->c)) {
    qr_doc d0;
    qr_corpus_doc(box->c, 0, &d0);
    st->doc_end = d0.tok_first + d0.tok_count;
  }
  const uint32_t *docs;
  size_t ndocs;
  long d = lqr_opt_doc(L, 3, 1, "columns");
  if (lua_istable(L, 3) && lqr_opt_subcorpus(L, 3, 1, &docs, &ndocs)) {
    if (d >= 0) return luaL_error(L, "columns: give doc or subcorpus, not both");
    /* the subcorpus object stays alive as the state's user value */
    lua_getfield(L, 3, "subcorpus");
    lua_setiuservalue(L, 4, 1);
    st->docs = docs;
    st->ndocs = ndocs;
    st->end = 0;
  } else if (d >= 0) {
    st->one_doc = (uint32_t)d;   /* one document: a list of one, kept in the state */
    st->docs = &st->one_doc;
    st->ndocs = 1;
    st->end = 0;
  }
  lua_pushvalue(L, 1);   /* upvalue 2: the corpus, kept alive */
  for (int k = 0; k < ncols; k++) {
    lua_rawgeti(L, 2, k + 1);
    const char *name = lua_tostring(L, -1);
    int col = -1;
    for (int j = 0; name && col_names[j]; j++)
      if (strcmp(name, col_names[j]) == 0) col = j;
    if (col < 0)
      return luaL_error(L, "columns: unknown column '%s' (word, lower, kind, doc, sentence, "
                        "entity, space)", name ? name : luaL_typename(L, -1));
    lua_pop(L, 1);
    st->col[k] = col;
    lua_createtable(L, (int)(chunk < 65536 ? chunk : 65536), 0);
  }
  lua_pushcclosure(L, cols_next, 2 + ncols);
  return 1;
}
