/* lqr_stats.c — the statistics of the analysis toolbox as corpus methods:
 * c:subcorpus and the Subcorpus object, c:freq, c:ngrams, c:keyness.
 *
 * The counting runs in C (core/query: subcorpus.c, freq.c, ngrams.c,
 * keyness.c) over lexicon ids; this file checks the options, turns a
 * subcorpus or a query's matches into the document lists and token ranges
 * the core takes, and builds the rows. docs/statistics.md describes every
 * function and measure. */
#include <stdlib.h>
#include <string.h>

#include "lua/lqr.h"
#include "quarry/stats.h"

#define LQR_SUBCORPUS "quarry.Subcorpus"

/* ---- subcorpora -------------------------------------------------------------- */

/* A Subcorpus: the sorted document indices, in the userdata itself (nothing
 * to free). Its user value is the corpus, which it keeps alive. */
typedef struct lqr_subcorpus {
  lqr_corpus *box;
  size_t n;
  uint32_t docs[];
} lqr_subcorpus;

static lqr_subcorpus *check_sub(lua_State *L, int arg) {
  lqr_subcorpus *s = luaL_checkudata(L, arg, LQR_SUBCORPUS);
  lqr_corpus_of(L, s->box);   /* raises once the corpus is closed */
  return s;
}

/* Pushes a new Subcorpus of the corpus at corpus_idx with docs[0, n)
 * (sorted, distinct) and returns it. */
static lqr_subcorpus *push_sub(lua_State *L, int corpus_idx, const uint32_t *docs, size_t n) {
  corpus_idx = lua_absindex(L, corpus_idx);
  lqr_corpus *box = luaL_testudata(L, corpus_idx, LQR_CORPUS);
  if (!box) {   /* a subcorpus: its corpus is its user value */
    box = ((lqr_subcorpus *)lua_touserdata(L, corpus_idx))->box;
    lua_getiuservalue(L, corpus_idx, 1);
  } else {
    lua_pushvalue(L, corpus_idx);
  }
  lqr_subcorpus *s = lua_newuserdatauv(L, sizeof *s + (n ? n : 1) * sizeof *docs, 1);
  s->box = box;
  s->n = n;
  if (n) memcpy(s->docs, docs, n * sizeof *docs);
  luaL_setmetatable(L, LQR_SUBCORPUS);
  lua_rotate(L, -2, 1);   /* the corpus on top */
  lua_setiuservalue(L, -2, 1);
  return s;
}

int lqr_opt_subcorpus(lua_State *L, int opts_idx, int corpus_idx, const uint32_t **docs,
                      size_t *n) {
  if (!lua_istable(L, opts_idx)) return 0;
  lua_getfield(L, opts_idx, "subcorpus");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  lqr_subcorpus *s = luaL_testudata(L, -1, LQR_SUBCORPUS);
  if (!s)
    return luaL_error(L, "option 'subcorpus' must be a subcorpus (made by c:subcorpus) (got %s)",
                      luaL_typename(L, -1));
  if (s->box != lua_touserdata(L, corpus_idx))
    return luaL_error(L, "option 'subcorpus': a subcorpus of another corpus");
  lqr_corpus_of(L, s->box);
  *docs = s->docs;
  *n = s->n;
  lua_pop(L, 1);   /* the options table keeps it alive */
  return 1;
}

/* A scratch array of n document indices, in a userdata pushed on the stack
 * (freed by the collector whatever raises). */
static uint32_t *push_scratch(lua_State *L, size_t n) {
  return lua_newuserdatauv(L, (n ? n : 1) * sizeof(uint32_t), 0);
}

/* The document that the list item on top names: an id or a 1-based index. */
static uint32_t list_doc(lua_State *L, const qr_corpus *c) {
  size_t nd = qr_corpus_ndocs(c);
  if (lua_type(L, -1) == LUA_TNUMBER) {
    int ok;
    lua_Integer i = lua_tointegerx(L, -1, &ok);
    if (!ok || i < 1 || (size_t)i > nd)
      luaL_error(L, "subcorpus: no document %s", luaL_tolstring(L, -1, NULL));
    return (uint32_t)(i - 1);
  }
  if (lua_type(L, -1) != LUA_TSTRING)
    luaL_error(L, "subcorpus: a list item must be a document id or index (got %s)",
               luaL_typename(L, -1));
  long d = qr_corpus_find(c, lua_tostring(L, -1));
  if (d < 0) luaL_error(L, "subcorpus: no document '%s'", lua_tostring(L, -1));
  return (uint32_t)d;
}

static void release_buf(void *p) {
  qr_buf_free(p);
  free(p);
}

/* The documents whose metadata meet every condition of the table at t
 * (key = value or key = {values}); writes them to out and returns how many.
 * The conditions become sets of strings first (a number given as 2019 is
 * the string "2019"), so each document costs one lookup per condition. */
static size_t by_meta(lua_State *L, int t, const qr_corpus *c, uint32_t *out) {
  t = lua_absindex(L, t);
  lua_newtable(L);   /* key -> set of wanted values */
  int sets = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_type(L, -2) != LUA_TSTRING)
      luaL_error(L, "subcorpus: a condition's key must be a metadata key (got %s)",
                 luaL_typename(L, -2));
    lua_newtable(L);
    int set = lua_gettop(L), v = set - 1;
    lua_Integer nv = lua_istable(L, v) ? (lua_Integer)lua_rawlen(L, v) : 1;
    if (lua_istable(L, v) && nv == 0)
      luaL_error(L, "subcorpus: the list of values of '%s' is empty", lua_tostring(L, -3));
    for (lua_Integer i = 1; i <= nv; i++) {
      if (lua_istable(L, v)) lua_rawgeti(L, v, i);
      else lua_pushvalue(L, v);
      int ty = lua_type(L, -1);
      if (ty != LUA_TSTRING && ty != LUA_TNUMBER && ty != LUA_TBOOLEAN)
        luaL_error(L, "subcorpus: the value of '%s' must be a string, number or boolean, or a "
                   "list of them (got %s)", lua_tostring(L, set - 2), luaL_typename(L, -1));
      luaL_tolstring(L, -1, NULL);
      lua_pushboolean(L, 1);
      lua_rawset(L, set);
      lua_pop(L, 1);
    }
    lua_pushvalue(L, -3);   /* the key */
    lua_insert(L, -2);
    lua_rawset(L, sets);
    lua_pop(L, 1);   /* the value; the key stays for lua_next */
  }
  void **slot = lqr_guard(L, release_buf);
  qr_buf *buf = calloc(1, sizeof *buf);
  if (!buf) luaL_error(L, "subcorpus: out of memory");
  *slot = buf;
  size_t k = 0, nd = qr_corpus_ndocs(c);
  for (size_t d = 0; d < nd; d++) {
    int all = 1;
    lua_pushnil(L);
    while (all && lua_next(L, sets)) {
      int found;
      qr_buf_reset(buf);
      qr_status rc = qr_doc_meta_value(c, d, lua_tostring(L, -2), buf, &found);
      if (rc) luaL_error(L, "subcorpus: %s", qr_status_string(rc));
      if (found) {
        lua_pushlstring(L, buf->data ? buf->data : "", buf->len);
        all = lua_rawget(L, -2) != LUA_TNIL;
        lua_pop(L, 1);
      } else {
        all = 0;
      }
      lua_pop(L, 1);   /* the set */
    }
    if (!all) lua_pop(L, 1);   /* the key lua_next left */
    else out[k++] = (uint32_t)d;
  }
  lua_pop(L, 2);   /* the guard (freed by the collector) and the sets */
  return k;
}

/* c:subcorpus(spec) -> Subcorpus. spec: metadata conditions {key = value
 * or {values}}, a list of document ids or indices, a function(doc) ->
 * boolean, or a Subcorpus of this corpus (returned as it is). */
static int corpus_subcorpus(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  const qr_corpus *c = box->c;
  lua_settop(L, 2);
  lqr_subcorpus *given = luaL_testudata(L, 2, LQR_SUBCORPUS);
  if (given) {
    if (given->box != box) return luaL_argerror(L, 2, "a subcorpus of another corpus");
    return 1;
  }
  size_t nd = qr_corpus_ndocs(c), k = 0;
  uint32_t *docs = push_scratch(L, nd);
  if (lua_isfunction(L, 2)) {
    for (size_t d = 0; d < nd; d++) {
      lua_pushvalue(L, 2);
      lqr_push_elem(L, W_DOCS, box, 1, d, 0);
      lua_call(L, 1, 1);
      if (lua_toboolean(L, -1)) docs[k++] = (uint32_t)d;
      lua_pop(L, 1);
    }
  } else if (lua_istable(L, 2)) {
    lua_Integer len = (lua_Integer)lua_rawlen(L, 2);
    lua_pushnil(L);
    int empty = !lua_next(L, 2);
    if (!empty) lua_pop(L, 2);
    if (empty) {
      k = 0;   /* an empty list: no documents (not "no conditions") */
    } else if (len > 0) {
      /* a list: every key must be one of 1..len */
      lua_pushnil(L);
      while (lua_next(L, 2)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > len)
          return luaL_argerror(L, 2, "a list of documents and metadata conditions mixed");
      }
      lua_pop(L, 1);
      /* a list may name more documents than the corpus has (repeats): grow */
      if ((size_t)len > nd) docs = push_scratch(L, (size_t)len);
      for (lua_Integer i = 1; i <= len; i++) {
        lua_rawgeti(L, 2, i);
        docs[k++] = list_doc(L, c);
        lua_pop(L, 1);
      }
    } else {
      k = by_meta(L, 2, c, docs);
    }
  } else {
    return luaL_argerror(L, 2, "expected metadata conditions, a list of documents or a function");
  }
  qr_subcorpus_normalize(docs, &k);
  push_sub(L, 1, docs, k);
  return 1;
}

static int sub_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_sub(L, 1)->n);
  return 1;
}

/* s:docs() -> the ids of its documents, in corpus order */
static int sub_docs(lua_State *L) {
  lqr_subcorpus *s = check_sub(L, 1);
  const qr_corpus *c = s->box->c;
  lua_createtable(L, (int)s->n, 0);
  for (size_t i = 0; i < s->n; i++) {
    qr_doc d;
    qr_corpus_doc(c, s->docs[i], &d);
    lua_pushstring(L, d.id);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* s:indices() -> the 1-based indices of its documents, in corpus order */
static int sub_indices(lua_State *L) {
  lqr_subcorpus *s = check_sub(L, 1);
  lua_createtable(L, (int)s->n, 0);
  for (size_t i = 0; i < s->n; i++) {
    lua_pushinteger(L, (lua_Integer)s->docs[i] + 1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* s:tokens() -> the number of tokens (of every kind) in its documents */
static int sub_tokens(lua_State *L) {
  lqr_subcorpus *s = check_sub(L, 1);
  lua_pushinteger(L, (lua_Integer)qr_subcorpus_tokens(s->box->c, s->docs, s->n));
  return 1;
}

/* s:complement() -> the documents of the corpus not in s */
static int sub_complement(lua_State *L) {
  lqr_subcorpus *s = check_sub(L, 1);
  size_t nd = qr_corpus_ndocs(s->box->c);
  uint32_t *docs = push_scratch(L, nd - s->n);
  size_t k = qr_subcorpus_complement(nd, s->docs, s->n, docs);
  push_sub(L, 1, docs, k);
  return 1;
}

/* s:corpus() -> the corpus it is part of */
static int sub_corpus(lua_State *L) {
  check_sub(L, 1);
  lua_getiuservalue(L, 1, 1);
  return 1;
}

/* s:contains(doc) -> is the document (an id, an index or a Document) in s? */
static int sub_contains(lua_State *L) {
  lqr_subcorpus *s = check_sub(L, 1);
  const qr_corpus *c = s->box->c;
  long d;
  if (lua_type(L, 2) == LUA_TNUMBER) {
    lua_Integer i = luaL_checkinteger(L, 2);
    d = i >= 1 && (size_t)i <= qr_corpus_ndocs(c) ? (long)i - 1 : -1;
  } else if (lua_type(L, 2) == LUA_TSTRING) {
    d = qr_corpus_find(c, lua_tostring(L, 2));
  } else {
    luaL_checkudata(L, 2, LQR_DOC);
    lua_getfield(L, 2, "index");
    d = (long)lua_tointeger(L, -1) - 1;
  }
  size_t lo = 0, hi = s->n;
  while (lo < hi) {   /* the docs are sorted */
    size_t mid = lo + (hi - lo) / 2;
    if ((long)s->docs[mid] < d) lo = mid + 1;
    else hi = mid;
  }
  lua_pushboolean(L, d >= 0 && lo < s->n && (long)s->docs[lo] == d);
  return 1;
}

static int sub_tostring(lua_State *L) {
  lqr_subcorpus *s = luaL_checkudata(L, 1, LQR_SUBCORPUS);
  if (!s->box->c) {
    lua_pushliteral(L, "<subcorpus (corpus closed)>");
    return 1;
  }
  size_t nd = qr_corpus_ndocs(s->box->c), nt = qr_subcorpus_tokens(s->box->c, s->docs, s->n);
  lua_pushfstring(L, "<subcorpus: %I of %I documents, %I tokens>", (lua_Integer)s->n,
                  (lua_Integer)nd, (lua_Integer)nt);
  return 1;
}

static const luaL_Reg sub_methods[] = {
  {"docs", sub_docs},
  {"indices", sub_indices},
  {"tokens", sub_tokens},
  {"complement", sub_complement},
  {"corpus", sub_corpus},
  {"contains", sub_contains},
  {NULL, NULL},
};

static const luaL_Reg sub_meta[] = {
  {"__len", sub_len},
  {"__tostring", sub_tostring},
  {NULL, NULL},
};

static const luaL_Reg stats_methods[] = {
  {"subcorpus", corpus_subcorpus},
  {NULL, NULL},
};

void lqr_open_stats(lua_State *L) {
  luaL_newmetatable(L, LQR_SUBCORPUS);
  luaL_setfuncs(L, sub_meta, 0);
  luaL_newlib(L, sub_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  /* the corpus methods: added to the Corpus metatable's method table */
  luaL_getmetatable(L, LQR_CORPUS);
  lua_getfield(L, -1, "__index");
  luaL_setfuncs(L, stats_methods, 0);
  lua_pop(L, 2);
}
