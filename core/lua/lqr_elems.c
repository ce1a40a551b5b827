/* lqr_elems.c — Documents, Sentences, Tokens, mentions, and the Views that
 * hold sequences of them.
 *
 * A View supports #view, view[i] and iteration (for x in view do), because
 * it is callable: the generic for calls it with the previous element, which
 * knows its position. Iterating tokens reuses one Token object, advanced in
 * place, so that a loop over every token of a corpus allocates nothing per
 * token; view[i] and t:copy() give a Token that stays put.
 *
 * Offsets given to Lua are 1-based and inclusive, relative to the document:
 * doc.text:sub(t.start, t.stop) is the token's text. */
#include <stdlib.h>
#include <string.h>

#include "lua/lqr.h"

typedef struct elem {
  lqr_corpus *box;
  size_t index;   /* corpus-wide index of the document, sentence or token */
  size_t pos;     /* 1-based position in the view that yielded it, or 0 */
  size_t doc;     /* the document it belongs to */
} elem;

static const char *const meta_names[] = {LQR_DOC, LQR_SENT, LQR_TOKEN, NULL};

/* ---- shared helpers ------------------------------------------------------- */

/* Methods written in Lua (scripts/quarry/init.lua) live in the "methods"
 * table of an element's metatable; keys the C __index does not know are
 * looked up there. */
static int lua_method(lua_State *L, const char *tname, const char *k) {
  luaL_getmetatable(L, tname);
  lua_getfield(L, -1, "methods");
  if (!lua_istable(L, -1)) return 0;
  lua_getfield(L, -1, k);
  return 1;
}

void lqr_push_span(lua_State *L, const qr_corpus *c, const qr_doc *d, size_t t0, size_t t1) {
  const qr_tokens *t = qr_corpus_tokens(c);
  /* most spans are their text as it is: tokens apart by one space or none
   * (a concordance builds three spans a row) */
  int as_is = t1 > t0;
  for (size_t i = t0 + 1; as_is && i < t1; i++) {
    size_t gap = t->start[i] - (t->start[i - 1] + t->len[i - 1]);
    as_is = (t->flags[i] & QR_TF_SPACE_BEFORE) ? gap == 1 && d->text[t->start[i] - 1] == ' '
                                               : gap == 0;
  }
  if (as_is) {
    size_t from = t->start[t0], to = t->start[t1 - 1] + t->len[t1 - 1];
    lua_pushlstring(L, d->text + from, to - from);
    return;
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (size_t i = t0; i < t1; i++) {
    if (i > t0 && (t->flags[i] & QR_TF_SPACE_BEFORE)) luaL_addchar(&b, ' ');
    luaL_addlstring(&b, d->text + t->start[i], t->len[i]);
  }
  luaL_pushresult(&b);
}

static elem *check_elem(lua_State *L, int arg, const char *tname) {
  elem *e = luaL_checkudata(L, arg, tname);
  if (!e->box->c) luaL_error(L, "the corpus is closed");
  return e;
}

void lqr_push_elem(lua_State *L, lqr_what what, lqr_corpus *box, int corpus_idx, size_t index,
                   size_t pos) {
  corpus_idx = lua_absindex(L, corpus_idx);
  elem *e = lua_newuserdatauv(L, sizeof *e, 1);
  e->box = box;
  e->index = index;
  e->pos = pos;
  const qr_corpus *c = box->c;
  e->doc = what == W_DOCS ? index
         : what == W_SENTS ? qr_corpus_doc_of_token(c, qr_corpus_sentences(c)->first[index])
                           : qr_corpus_doc_of_token(c, index);
  luaL_setmetatable(L, meta_names[what]);
  /* the user value keeps the corpus alive: it is the corpus itself, or the
   * corpus of the object at corpus_idx */
  if (luaL_testudata(L, corpus_idx, LQR_CORPUS)) lua_pushvalue(L, corpus_idx);
  else lua_getiuservalue(L, corpus_idx, 1);
  lua_setiuservalue(L, -2, 1);
}

void lqr_push_mention(lua_State *L, qr_corpus *c, size_t k) {
  const qr_mentions *m = qr_corpus_mentions(c);
  const qr_gazetteer *g = qr_corpus_gazetteer(c);
  const qr_tokens *t = qr_corpus_tokens(c);
  size_t first = m->tok_first[k], last = first + m->tok_count[k] - 1;
  size_t d = qr_corpus_doc_of_token(c, first);
  qr_doc doc;
  qr_corpus_doc(c, d, &doc);
  lua_createtable(L, 0, 16);
  int guess = (m->flags[k] & QR_MF_GUESS) != 0;
  if (!guess) {
    lqr_set_entry_fields(L, g, m->entry[k]);
  } else {   /* a name the gazetteer lacks: its entity's id (the words naming it in
              * full, first in the corpus) is its id and name */
    const qr_entities *es;
    if (qr_corpus_entities(c, &es)) luaL_error(L, "out of memory");
    lua_pushstring(L, qr_entities_id(es, qr_entities_of(es, k)));
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "id");
    lua_setfield(L, -2, "name");
    lua_pushstring(L, qr_corpus_mention_type(c, k));
    lua_setfield(L, -2, "type");
    lua_pushnumber(L, qr_mention_guess_conf(m, k) / 100.0);
    lua_setfield(L, -2, "confidence");
  }
  lua_pushboolean(L, !guess);
  lua_setfield(L, -2, "known");
  lqr_push_span(L, c, &doc, first, last + 1);
  lua_setfield(L, -2, "text");
  lqr_set_token_span(L, t, first, last + 1);
  lua_pushstring(L, doc.id);
  lua_setfield(L, -2, "doc");
  lua_pushinteger(L, (lua_Integer)(qr_corpus_sentence_of_token(c, first) - doc.sent_first + 1));
  lua_setfield(L, -2, "sentence");
  if (!guess) {
    lqr_set_mention_flags(L, g, m, k);
  } else {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "ambiguous");
    lua_pushboolean(L, (m->flags[k] & QR_MF_ALIAS) != 0);
    lua_setfield(L, -2, "alias");
    lua_createtable(L, 1, 0);   /* its one candidate: itself */
    lua_getfield(L, -2, "id");
    lua_rawseti(L, -2, 1);
    lua_setfield(L, -2, "candidates");
  }
  lua_pushinteger(L, (lua_Integer)k + 1);
  lua_setfield(L, -2, "index");
  /* corpus-wide token indices, as a query's matches have them, so that
   * mentions and matches combine without byte offsets */
  lua_pushinteger(L, (lua_Integer)first + 1);
  lua_setfield(L, -2, "first");
  lua_pushinteger(L, (lua_Integer)last + 1);
  lua_setfield(L, -2, "last");
}

/* ---- views ------------------------------------------------------------------- */

static int view_gc(lua_State *L) {
  lqr_view *v = luaL_checkudata(L, 1, LQR_VIEW);
  free(v->idx);
  v->idx = NULL;
  return 0;
}

lqr_view *lqr_push_view(lua_State *L, lqr_what what, lqr_corpus *box, int corpus_idx,
                        size_t first, size_t count) {
  corpus_idx = lua_absindex(L, corpus_idx);
  lqr_view *v = lua_newuserdatauv(L, sizeof *v, 1);
  v->box = box;
  v->what = what;
  v->first = first;
  v->count = count;
  v->idx = NULL;
  luaL_setmetatable(L, LQR_VIEW);
  if (luaL_testudata(L, corpus_idx, LQR_CORPUS)) lua_pushvalue(L, corpus_idx);
  else lua_getiuservalue(L, corpus_idx, 1);
  lua_setiuservalue(L, -2, 1);
  return v;
}

static lqr_view *check_view(lua_State *L, int arg) {
  lqr_view *v = luaL_checkudata(L, arg, LQR_VIEW);
  if (!v->box->c) luaL_error(L, "the corpus is closed");
  return v;
}

/* The corpus-wide index of the element at 1-based position pos. */
static size_t view_at(const lqr_view *v, size_t pos) {
  return v->idx ? v->idx[pos - 1] : v->first + pos - 1;
}

static void push_view_elem(lua_State *L, lqr_view *v, int vidx, size_t pos) {
  size_t index = view_at(v, pos);
  if (v->what == W_MENTIONS) lqr_push_mention(L, v->box->c, index);
  else lqr_push_elem(L, v->what, v->box, vidx, index, pos);
}

static int view_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_view(L, 1)->count);
  return 1;
}

static const char *const view_kinds[] = {"documents", "sentences", "tokens", "entities"};

static int view_tostring(lua_State *L) {
  lqr_view *v = luaL_checkudata(L, 1, LQR_VIEW);
  lua_pushfstring(L, "<%s: %d>", view_kinds[v->what], (int)v->count);
  return 1;
}

static const char *const mention_cols[] = {"doc", "start", "stop", "text", "type", "id", NULL};
static const char *const token_cols[] = {"index", "text", "kind", "start", "stop", NULL};
static const char *const sent_cols[] = {"index", "start", "stop", "text", NULL};
static const char *const doc_cols[] = {"index", "id", "title", NULL};

/* view:list() -> the elements in a plain table */
static int view_list(lua_State *L) {
  lqr_view *v = check_view(L, 1);
  lua_createtable(L, (int)v->count, 0);
  for (size_t p = 1; p <= v->count; p++) {
    push_view_elem(L, v, 1, p);
    lua_rawseti(L, -2, (lua_Integer)p);
  }
  return 1;
}

static int view_index(lua_State *L) {
  lqr_view *v = check_view(L, 1);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    lua_Integer i = lua_tointeger(L, 2);
    if (i < 1 || (size_t)i > v->count) return 0;
    push_view_elem(L, v, 1, (size_t)i);
    return 1;
  }
  const char *k = lua_tostring(L, 2);
  if (!k) return 0;
  if (strcmp(k, "columns") == 0) {
    static const char *const *cols[] = {doc_cols, sent_cols, token_cols, mention_cols};
    const char *const *c = cols[v->what];
    lua_newtable(L);
    for (int i = 0; c[i]; i++) {
      lua_pushstring(L, c[i]);
      lua_rawseti(L, -2, i + 1);
    }
    return 1;
  }
  if (strcmp(k, "list") == 0) {
    lua_pushcfunction(L, view_list);
    return 1;
  }
  return 0;
}

/* The position of the previous element of an iteration over v. */
static size_t prev_pos(lua_State *L, lqr_view *v, int arg) {
  if (lua_isnoneornil(L, arg)) return 0;
  if (v->what != W_MENTIONS) {
    elem *e = lua_touserdata(L, arg);
    if (!e || !luaL_testudata(L, arg, meta_names[v->what]))
      luaL_error(L, "bad iteration over a view");
    return e->pos;
  }
  lua_getfield(L, arg, "index");   /* a mention: its corpus-wide number */
  lua_Integer k = lua_tointeger(L, -1) - 1;
  lua_pop(L, 1);
  if (!v->idx) return (size_t)k - v->first + 1;
  size_t lo = 0, hi = v->count;   /* the position of k in the sorted list */
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (v->idx[mid] < (size_t)k) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

void lqr_view_keep_type(lua_State *L, lqr_view *v, const char *type) {
  if (!type) return;
  const qr_corpus *c = lqr_corpus_of(L, v->box);
  const qr_gazetteer *g = qr_corpus_gazetteer(c);
  size_t n = 0;
  for (size_t p = 1; p <= v->count; p++)
    n += g && strcmp(qr_corpus_mention_type(c, view_at(v, p)), type) == 0;
  /* the view owns the list (view_gc frees it), so a raise leaks nothing */
  uint32_t *idx = malloc((n ? n : 1) * sizeof *idx);
  if (!idx) luaL_error(L, "entities: out of memory");
  n = 0;
  for (size_t p = 1; p <= v->count; p++) {
    size_t k = view_at(v, p);
    if (g && strcmp(qr_corpus_mention_type(c, k), type) == 0) idx[n++] = (uint32_t)k;
  }
  free(v->idx);
  v->idx = idx;
  v->count = n;
}

/* view(_, prev) -> the next element: what makes `for x in view do` work. */
static int view_call(lua_State *L) {
  lqr_view *v = check_view(L, 1);
  size_t pos = prev_pos(L, v, 3) + 1;
  if (pos > v->count) return 0;
  if (v->what == W_TOKENS && !lua_isnoneornil(L, 3)) {
    /* advance the token in place: no allocation per token */
    elem *e = lua_touserdata(L, 3);
    e->index = view_at(v, pos);
    e->pos = pos;
    const qr_corpus *c = v->box->c;
    qr_doc d;
    qr_corpus_doc(c, e->doc, &d);
    if (e->index >= d.tok_first + d.tok_count || e->index < d.tok_first)
      e->doc = qr_corpus_doc_of_token(c, e->index);
    lua_pushvalue(L, 3);
    return 1;
  }
  push_view_elem(L, v, 1, pos);
  return 1;
}

static const luaL_Reg view_meta[] = {
  {"__gc", view_gc},
  {"__len", view_len},
  {"__index", view_index},
  {"__call", view_call},
  {"__tostring", view_tostring},
  {NULL, NULL},
};

/* ---- documents ------------------------------------------------------------------ */

static void get_doc(lua_State *L, elem *e, qr_doc *d) {
  qr_corpus_doc(lqr_corpus_of(L, e->box), e->doc, d);
}

/* A view of the document's sentences, tokens or mentions. */
static int doc_view(lua_State *L, lqr_what what) {
  elem *e = check_elem(L, 1, LQR_DOC);
  qr_doc d;
  get_doc(L, e, &d);
  size_t first = what == W_SENTS ? d.sent_first : what == W_TOKENS ? d.tok_first : d.ment_first;
  size_t count = what == W_SENTS ? d.sent_count : what == W_TOKENS ? d.tok_count : d.ment_count;
  lqr_push_view(L, what, e->box, 1, first, count);
  return 1;
}

static int doc_sentences(lua_State *L) { return doc_view(L, W_SENTS); }
static int doc_tokens(lua_State *L) { return doc_view(L, W_TOKENS); }

/* doc:entities([{type = T}]), as corpus:entities */
static int doc_entities(lua_State *L) {
  check_elem(L, 1, LQR_DOC);
  lua_settop(L, 2);
  static const char *const names[] = {"type", NULL};
  lqr_check_options(L, 2, "entities", names);
  const char *type = lqr_opt_string(L, 2, "entities", "type", NULL);
  doc_view(L, W_MENTIONS);
  lqr_view_keep_type(L, lua_touserdata(L, -1), type);
  return 1;
}

static void push_meta(lua_State *L, const qr_corpus *c, const qr_doc *d) {
  lua_createtable(L, 0, (int)d->meta_count);
  for (size_t k = d->meta_first; k < d->meta_first + d->meta_count; k++) {
    const char *key, *json;
    qr_corpus_meta(c, k, &key, &json);
    lqr_push_json(L, json, strlen(json), key);
    lua_setfield(L, -2, key);
  }
}

static int doc_index(lua_State *L) {
  elem *e = check_elem(L, 1, LQR_DOC);
  const char *k = luaL_checkstring(L, 2);
  qr_corpus *c = e->box->c;
  qr_doc d;
  qr_corpus_doc(c, e->doc, &d);
  if (strcmp(k, "id") == 0) lua_pushstring(L, d.id);
  else if (strcmp(k, "text") == 0) lua_pushlstring(L, d.text, d.len);
  else if (strcmp(k, "title") == 0) {
    lua_getfield(L, 1, "meta");   /* a "title" field of a JSON Lines record wins */
    lua_getfield(L, -1, "title");
    if (lua_type(L, -1) != LUA_TSTRING) lua_pushlstring(L, d.text + d.title_start, d.title_len);
  } else if (strcmp(k, "index") == 0) lua_pushinteger(L, (lua_Integer)e->doc + 1);
  else if (strcmp(k, "meta") == 0) push_meta(L, c, &d);
  else if (strcmp(k, "source") == 0) lua_pushstring(L, d.source);
  else if (strcmp(k, "sentences") == 0) lua_pushcfunction(L, doc_sentences);
  else if (strcmp(k, "tokens") == 0) lua_pushcfunction(L, doc_tokens);
  else if (strcmp(k, "entities") == 0) lua_pushcfunction(L, doc_entities);
  else if (strcmp(k, "corpus") == 0) lua_getiuservalue(L, 1, 1);
  else return lua_method(L, LQR_DOC, k);
  return 1;
}

static int doc_tostring(lua_State *L) {
  elem *e = luaL_checkudata(L, 1, LQR_DOC);
  if (!e->box->c) {
    lua_pushliteral(L, "<document (corpus closed)>");
    return 1;
  }
  qr_doc d;
  qr_corpus_doc(e->box->c, e->doc, &d);
  lua_pushfstring(L, "<document %s: %d sentences, %d tokens, %d entities>", d.id,
                  (int)d.sent_count, (int)d.tok_count, (int)d.ment_count);
  return 1;
}

static int elem_eq(lua_State *L) {
  elem *a = lua_touserdata(L, 1), *b = lua_touserdata(L, 2);
  lua_pushboolean(L, a && b && a->box == b->box && a->index == b->index);
  return 1;
}

/* ---- sentences ------------------------------------------------------------------- */

static int sent_tokens(lua_State *L) {
  elem *e = check_elem(L, 1, LQR_SENT);
  const qr_sentences *s = qr_corpus_sentences(e->box->c);
  lqr_push_view(L, W_TOKENS, e->box, 1, s->first[e->index], s->count[e->index]);
  return 1;
}

/* sentence:entities([{type = T}]), as corpus:entities */
static int sent_entities(lua_State *L) {
  elem *e = check_elem(L, 1, LQR_SENT);
  lua_settop(L, 2);
  static const char *const names[] = {"type", NULL};
  lqr_check_options(L, 2, "entities", names);
  const char *type = lqr_opt_string(L, 2, "entities", "type", NULL);
  const qr_corpus *c = e->box->c;
  const qr_sentences *s = qr_corpus_sentences(c);
  const qr_mentions *m = qr_corpus_mentions(c);
  qr_doc d;
  qr_corpus_doc(c, e->doc, &d);
  size_t t0 = s->first[e->index], t1 = t0 + s->count[e->index];
  size_t a = d.ment_first, b = d.ment_first + d.ment_count;
  while (a < b && m->tok_first[a] < t0) a++;
  size_t z = a;
  while (z < b && m->tok_first[z] < t1) z++;
  lqr_view *v = lqr_push_view(L, W_MENTIONS, e->box, 1, a, z - a);
  lqr_view_keep_type(L, v, type);
  return 1;
}

static int sent_index(lua_State *L) {
  elem *e = check_elem(L, 1, LQR_SENT);
  const char *k = luaL_checkstring(L, 2);
  const qr_corpus *c = e->box->c;
  const qr_sentences *s = qr_corpus_sentences(c);
  const qr_tokens *t = qr_corpus_tokens(c);
  qr_doc d;
  qr_corpus_doc(c, e->doc, &d);
  size_t t0 = s->first[e->index], t1 = t0 + s->count[e->index];
  if (strcmp(k, "text") == 0) lqr_push_span(L, c, &d, t0, t1);
  else if (strcmp(k, "start") == 0) lua_pushinteger(L, (lua_Integer)t->start[t0] + 1);
  else if (strcmp(k, "stop") == 0)
    lua_pushinteger(L, (lua_Integer)(t->start[t1 - 1] + t->len[t1 - 1]));
  else if (strcmp(k, "index") == 0) lua_pushinteger(L, (lua_Integer)(e->index - d.sent_first) + 1);
  else if (strcmp(k, "paragraph_start") == 0)
    lua_pushboolean(L, (s->flags[e->index] & QR_SF_PARA_START) != 0);
  else if (strcmp(k, "headline") == 0)
    lua_pushboolean(L, (s->flags[e->index] & QR_SF_HEADLINE) != 0);
  else if (strcmp(k, "doc") == 0) lqr_push_elem(L, W_DOCS, e->box, 1, e->doc, 0);
  else if (strcmp(k, "tokens") == 0) lua_pushcfunction(L, sent_tokens);
  else if (strcmp(k, "entities") == 0) lua_pushcfunction(L, sent_entities);
  else return lua_method(L, LQR_SENT, k);
  return 1;
}

static int sent_len(lua_State *L) {
  elem *e = check_elem(L, 1, LQR_SENT);
  lua_pushinteger(L, (lua_Integer)qr_corpus_sentences(e->box->c)->count[e->index]);
  return 1;
}

static int sent_tostring(lua_State *L) {
  elem *e = luaL_checkudata(L, 1, LQR_SENT);
  if (!e->box->c) {
    lua_pushliteral(L, "<sentence (corpus closed)>");
    return 1;
  }
  const qr_corpus *c = e->box->c;
  const qr_sentences *s = qr_corpus_sentences(c);
  qr_doc d;
  qr_corpus_doc(c, e->doc, &d);
  lua_pushliteral(L, "<sentence ");
  lqr_push_span(L, c, &d, s->first[e->index], s->first[e->index] + s->count[e->index]);
  lua_pushliteral(L, ">");
  lua_concat(L, 3);
  return 1;
}

/* ---- tokens ------------------------------------------------------------------------ */

static int tok_copy(lua_State *L) {
  elem *e = check_elem(L, 1, LQR_TOKEN);
  lqr_push_elem(L, W_TOKENS, e->box, 1, e->index, 0);
  return 1;
}

static int tok_index(lua_State *L) {
  elem *e = check_elem(L, 1, LQR_TOKEN);
  size_t kl;
  const char *k = luaL_checklstring(L, 2, &kl);
  const qr_corpus *c = e->box->c;
  const qr_tokens *t = qr_corpus_tokens(c);
  size_t i = e->index;
  qr_doc d;
  qr_corpus_doc(c, e->doc, &d);
  switch (k[0]) {
  case 't':
    if (strcmp(k, "text") == 0) {
      lua_pushlstring(L, d.text + t->start[i], t->len[i]);
      return 1;
    }
    break;
  case 'k':
    if (strcmp(k, "kind") == 0) {
      lua_pushstring(L, qr_token_kind_name(t->kind[i]));
      return 1;
    }
    break;
  case 's':
    if (strcmp(k, "start") == 0) {
      lua_pushinteger(L, (lua_Integer)t->start[i] + 1);
      return 1;
    }
    if (strcmp(k, "stop") == 0) {
      lua_pushinteger(L, (lua_Integer)(t->start[i] + t->len[i]));
      return 1;
    }
    if (strcmp(k, "space_after") == 0) {
      int sp = i + 1 < d.tok_first + d.tok_count ? (t->flags[i + 1] & QR_TF_SPACE_BEFORE) != 0
                                                 : 1;
      lua_pushboolean(L, sp);
      return 1;
    }
    if (strcmp(k, "sentence") == 0) {
      lua_pushinteger(L, (lua_Integer)(qr_corpus_sentence_of_token(c, i) - d.sent_first + 1));
      return 1;
    }
    break;
  case 'i':
    if (strcmp(k, "index") == 0) {
      lua_pushinteger(L, (lua_Integer)(i - d.tok_first) + 1);
      return 1;
    }
    break;
  case 'f':
    if (strcmp(k, "fold") == 0) {
      size_t n;
      const char *s = qr_lexicon_str(qr_corpus_lexicon(c), qr_corpus_folds(c)[i], &n);
      lua_pushlstring(L, s, n);
      return 1;
    }
    break;
  case 'p':
    if (strcmp(k, "parts") == 0) {
      if (!t->split[i]) return 0;
      lua_createtable(L, 2, 0);
      lua_pushlstring(L, d.text + t->start[i], t->split[i]);
      lua_rawseti(L, -2, 1);
      lua_pushlstring(L, d.text + t->start[i] + t->split[i], t->len[i] - t->split[i]);
      lua_rawseti(L, -2, 2);
      return 1;
    }
    break;
  case 'c':
    if (strcmp(k, "clitic") == 0) {
      lua_pushboolean(L, (t->flags[i] & QR_TF_CLITIC) != 0);
      return 1;
    }
    if (strcmp(k, "copy") == 0) {
      lua_pushcfunction(L, tok_copy);
      return 1;
    }
    break;
  case 'd':
    if (strcmp(k, "doc") == 0) {
      lqr_push_elem(L, W_DOCS, e->box, 1, e->doc, 0);
      return 1;
    }
    break;
  case 'n':
    if (strcmp(k, "newline_before") == 0) {
      lua_pushboolean(L, (t->flags[i] & QR_TF_NEWLINE_BEFORE) != 0);
      return 1;
    }
    break;
  default:
    break;
  }
  return lua_method(L, LQR_TOKEN, k);
}

static int tok_tostring(lua_State *L) {
  elem *e = luaL_checkudata(L, 1, LQR_TOKEN);
  if (!e->box->c) {
    lua_pushliteral(L, "<token (corpus closed)>");
    return 1;
  }
  const qr_tokens *t = qr_corpus_tokens(e->box->c);
  qr_doc d;
  qr_corpus_doc(e->box->c, e->doc, &d);
  lua_pushliteral(L, "<token ");
  lua_pushlstring(L, d.text + t->start[e->index], t->len[e->index]);
  lua_pushfstring(L, " %s %d-%d>", qr_token_kind_name(t->kind[e->index]),
                  (int)t->start[e->index] + 1, (int)(t->start[e->index] + t->len[e->index]));
  lua_concat(L, 3);
  return 1;
}

/* ---- registration ------------------------------------------------------------------ */

/* The keys each C __index answers, listed in the metatable as "fields" so
 * that the REPL can complete them and :help can name them (a test checks
 * that every one answers). */
static const char *const doc_fields[] = {"id", "text", "title", "index", "meta", "source",
                                         "sentences", "tokens", "entities", "corpus", NULL};
static const char *const sent_fields[] = {"text", "start", "stop", "index", "paragraph_start",
                                          "headline", "doc", "tokens", "entities", NULL};
static const char *const token_fields[] = {"text", "kind", "start", "stop", "space_after",
                                           "sentence", "index", "fold", "parts", "clitic",
                                           "copy", "doc", "newline_before", NULL};
static const char *const view_fields[] = {"columns", "list", NULL};

static void set_fields(lua_State *L, const char *const *fields) {
  lua_newtable(L);
  for (int i = 0; fields[i]; i++) {
    lua_pushstring(L, fields[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "fields");
}

static void new_meta(lua_State *L, const char *name, lua_CFunction index, lua_CFunction tostr,
                     lua_CFunction len, const char *const *fields) {
  luaL_newmetatable(L, name);
  set_fields(L, fields);
  lua_newtable(L);
  lua_setfield(L, -2, "methods");
  lua_pushcfunction(L, index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, tostr);
  lua_setfield(L, -2, "__tostring");
  lua_pushcfunction(L, elem_eq);
  lua_setfield(L, -2, "__eq");
  if (len) {
    lua_pushcfunction(L, len);
    lua_setfield(L, -2, "__len");
  }
  lua_pop(L, 1);
}

void lqr_open_elems(lua_State *L) {
  luaL_newmetatable(L, LQR_VIEW);
  luaL_setfuncs(L, view_meta, 0);
  set_fields(L, view_fields);
  lua_pop(L, 1);
  new_meta(L, LQR_DOC, doc_index, doc_tostring, NULL, doc_fields);
  new_meta(L, LQR_SENT, sent_index, sent_tostring, sent_len, sent_fields);
  new_meta(L, LQR_TOKEN, tok_index, tok_tostring, NULL, token_fields);
}
