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
  opts_idx = lua_absindex(L, opts_idx);
  corpus_idx = lua_absindex(L, corpus_idx);
  if (!lua_istable(L, opts_idx)) return 0;
  lua_getfield(L, opts_idx, "subcorpus");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  lqr_subcorpus *s = luaL_testudata(L, -1, LQR_SUBCORPUS);
  if (!s)
    return luaL_error(L, "option 'subcorpus' must be a subcorpus, made by corpus:subcorpus "
                      "(got %s)", luaL_typename(L, -1));
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
      lqr_corpus_of(L, box);   /* (the function may have closed it) */
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
    lua_getfield(L, 2, "corpus");
    lua_getiuservalue(L, 1, 1);
    if (!lua_rawequal(L, -1, -2)) return luaL_argerror(L, 2, "a document of another corpus");
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

/* ---- options ------------------------------------------------------------------ */

/* An integer option at least min (def when absent). The messages keep the
 * words c:freq has always used ("option 'top' must be an integer"). */
static lua_Integer int_opt(lua_State *L, int t, const char *fn, const char *name,
                           lua_Integer def, lua_Integer min) {
  lua_getfield(L, t, name);
  lua_Integer v = def;
  if (!lua_isnil(L, -1)) {
    int ok;
    v = lua_tointegerx(L, -1, &ok);
    if (!ok || lua_type(L, -1) != LUA_TNUMBER)
      luaL_error(L, "%s: option '%s' must be an integer (got %s)", fn, name,
                 luaL_typename(L, -1));
    if (v < min) luaL_error(L, "%s: option '%s' must be at least %d", fn, name, (int)min);
  }
  lua_pop(L, 1);
  return v;
}

/* The `by` option: an attribute (def when absent); tokens_only leaves out
 * ent and id (which come last in qr_by). */
static int by_opt(lua_State *L, int t, const char *fn, int def, int tokens_only) {
  static const char *const all[] = {"word", "lower", "kind", "shape", "ent", "id", NULL};
  static const char *const tokens[] = {"word", "lower", "kind", "shape", NULL};
  return lqr_opt_enum(L, t, fn, "by", def, tokens_only ? tokens : all);
}

/* The documents of the `doc` and `subcorpus` options together: fills
 * scope->docs (a userdata pushed on the stack, or the subcorpus's own
 * list) and returns 1, or returns 0 when neither is given. */
static int docs_opt(lua_State *L, int t, int corpus_idx, const char *fn, qr_scope *scope) {
  const qr_corpus *c = ((lqr_corpus *)lua_touserdata(L, corpus_idx))->c;
  const uint32_t *sub = NULL;
  size_t nsub = 0;
  int has_sub = lqr_opt_subcorpus(L, t, corpus_idx, &sub, &nsub);
  lua_getfield(L, t, "doc");
  long d = -1;
  if (lua_type(L, -1) == LUA_TNUMBER) {
    lua_Integer i = lua_tointeger(L, -1);
    if (!lua_isinteger(L, -1) || i < 1 || (size_t)i > qr_corpus_ndocs(c))
      luaL_error(L, "option 'doc': no document %s", luaL_tolstring(L, -1, NULL));
    d = (long)i - 1;
  } else if (lua_type(L, -1) == LUA_TSTRING) {
    d = qr_corpus_find(c, lua_tostring(L, -1));
    if (d < 0) luaL_error(L, "option 'doc': no document '%s'", lua_tostring(L, -1));
  } else if (!lua_isnil(L, -1)) {
    luaL_error(L, "%s: option 'doc' must be a document index or id (got %s)", fn,
               luaL_typename(L, -1));
  }
  lua_pop(L, 1);
  if (d < 0) {
    scope->docs = sub;
    scope->ndocs = nsub;
    return has_sub;
  }
  uint32_t *one = lua_newuserdatauv(L, sizeof *one, 0);
  *one = (uint32_t)d;
  int in = !has_sub;
  for (size_t i = 0; i < nsub && !in; i++) in = sub[i] == (uint32_t)d;
  scope->docs = one;
  scope->ndocs = in ? 1 : 0;   /* a document outside the subcorpus: nothing */
  return 1;
}

/* The `matches` option (a Matches object, or anything c:query takes): its
 * hits in scope->hits. The Matches object stays on the stack, keeping them
 * alive. */
static void matches_opt(lua_State *L, int t, int corpus_idx, qr_scope *scope) {
  lua_getfield(L, t, "matches");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  scope->hits = lqr_tomatches(L, corpus_idx, -1, &scope->nhits);
}

/* Pushes the rows of a frequency list. legacy: the columns c:freq had
 * before `by` (form / id, type, name; count; docs), else the attribute's
 * column, count, docs and per_million. */
static void push_freq_rows(lua_State *L, qr_corpus *c, const qr_count_opts *o,
                           const qr_freq_list *l, int by, int legacy) {
  static const char *const form_cols[] = {"form", "count", "docs", NULL};
  static const char *const ent_cols[] = {"id", "type", "name", "count", "docs", NULL};
  static const char *const id_cols[] = {"id", "type", "name", "count", "docs", "per_million",
                                        NULL};
  const char *cols[] = {qr_by_name(by), "count", "docs", "per_million", NULL};
  lqr_new_rows(L, (int)l->n, legacy ? (by == QR_BY_ID ? ent_cols : form_cols)
                            : by == QR_BY_ID ? id_cols : cols);
  if (!legacy) {   /* (the first form's rows stay as they were: columns only) */
    lua_pushinteger(L, (lua_Integer)l->tokens);
    lua_setfield(L, -2, "tokens");
  }
  /* by id: a row's key is an entity (a typed one with a type): made by qr_freq_by */
  const qr_entities *es = NULL;
  if (by == QR_BY_ID && qr_corpus_entities(c, &es)) luaL_error(L, "out of memory");
  const char *col = legacy ? "form" : qr_by_name(by);
  for (size_t i = 0; i < l->n; i++) {
    const qr_freq_row *r = &l->rows[i];
    lua_createtable(L, 0, 6);
    if (by == QR_BY_ID) {
      lqr_set_entity_fields(L, es, o->type ? qr_entities_typed_entity(es, r->key) : r->key,
                            o->type);
    } else {
      lua_pushstring(L, r->sort);
      lua_setfield(L, -2, col);
    }
    lua_pushinteger(L, (lua_Integer)r->count);
    lua_setfield(L, -2, "count");
    lua_pushinteger(L, (lua_Integer)r->docs);
    lua_setfield(L, -2, "docs");
    if (!legacy) {
      lua_pushnumber(L, l->tokens ? (double)r->count * 1e6 / (double)l->tokens : 0.0);
      lua_setfield(L, -2, "per_million");
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static void release_list(void *p) {
  qr_freq_list_free(p);
  free(p);
}

/* c:freq{by =, kind =, fold =, top =, min =, type =, doc =, subcorpus =, matches =} */
static int corpus_freq(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  if (lua_isnoneornil(L, 2)) {
    lua_settop(L, 1);
    lua_newtable(L);
  }
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  static const char *const names[] = {"by", "kind", "fold", "top", "min", "type", "doc",
                                      "subcorpus", "matches", NULL};
  lqr_check_options(L, 2, "freq", names);
  qr_count_opts o;
  memset(&o, 0, sizeof o);
  int entity;
  o.kinds = lqr_opt_kinds(L, 2, "freq", &entity);
  int by = by_opt(L, 2, "freq", -1, 0);
  int legacy = by < 0;
  lua_getfield(L, 2, "fold");
  int has_fold = !lua_isnil(L, -1);
  lua_pop(L, 1);
  int fold = lqr_opt_boolean(L, 2, "freq", "fold", 1);
  o.type = lqr_opt_string(L, 2, "freq", "type", NULL);
  if (!legacy && has_fold)
    return luaL_error(L, "freq: option 'fold' goes with the first form of c:freq; with 'by', "
                      "say by = \"word\" or by = \"lower\"");
  if (!legacy && entity)
    return luaL_error(L, "freq: kind = \"entity\" goes with the first form of c:freq; with "
                      "'by', say by = \"id\" or by = \"ent\"");
  if (!legacy && o.type && by != QR_BY_ENT && by != QR_BY_ID)
    return luaL_error(L, "freq: option 'type' goes with by = \"ent\" or by = \"id\"");
  if (legacy) by = entity || o.type ? QR_BY_ID : has_fold && !fold ? QR_BY_WORD : QR_BY_LOWER;
  if (by == QR_BY_ID || by == QR_BY_ENT) o.kinds = entity ? 0 : o.kinds;
  o.by = (qr_by)by;
  o.top = (size_t)int_opt(L, 2, "freq", "top", 0, 0);
  o.min_count = (uint64_t)int_opt(L, 2, "freq", "min", 1, 1);
  docs_opt(L, 2, 1, "freq", &o.scope);
  matches_opt(L, 2, 1, &o.scope);
  qr_corpus *c = box->c;
  void **guard = lqr_guard(L, release_list);
  int gi = lua_gettop(L);
  qr_freq_list *l = calloc(1, sizeof *l);
  if (!l) return luaL_error(L, "freq: %s", qr_status_string(QR_ENOMEM));
  *guard = l;
  qr_status rc = qr_freq_by(c, &o, l);
  if (rc) return luaL_error(L, "freq: %s", qr_status_string(rc));
  push_freq_rows(L, c, &o, l, by, legacy);
  lua_remove(L, gi);
  return 1;
}

/* ---- n-grams ------------------------------------------------------------------- */

static void release_ngrams(void *p) {
  qr_ngram_list_free(p);
  free(p);
}

/* c:ngrams{n = 2, by = "lower", skip = 0, within = "s", kind = "word", min = 1,
 * top =, subcorpus =, matches =} -> rows {ngram, count, docs, per_million} */
static int corpus_ngrams(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  lua_settop(L, 2);
  static const char *const names[] = {"n", "by", "skip", "within", "kind", "min", "top",
                                      "subcorpus", "matches", NULL};
  lqr_check_options(L, 2, "ngrams", names);
  if (lua_isnil(L, 2)) {
    lua_newtable(L);
    lua_replace(L, 2);
  }
  qr_ngram_opts o;
  memset(&o, 0, sizeof o);
  o.n = (unsigned)lqr_opt_integer(L, 2, "ngrams", "n", 2, 1, QR_NGRAM_MAX);
  o.skip = (unsigned)lqr_opt_integer(L, 2, "ngrams", "skip", 0, 0, QR_SKIP_MAX);
  o.by = (qr_by)by_opt(L, 2, "ngrams", QR_BY_LOWER, 1);
  static const char *const within[] = {"s", "d", NULL};
  o.cross_sentences = lqr_opt_enum(L, 2, "ngrams", "within", 0, within);
  o.kinds = lqr_opt_kinds(L, 2, "ngrams", NULL);
  o.min_count = (uint64_t)lqr_opt_integer(L, 2, "ngrams", "min", 1, 1, LUA_MAXINTEGER);
  o.top = (size_t)lqr_opt_integer(L, 2, "ngrams", "top", 0, 0, LUA_MAXINTEGER);
  lqr_opt_subcorpus(L, 2, 1, &o.scope.docs, &o.scope.ndocs);
  matches_opt(L, 2, 1, &o.scope);
  const qr_corpus *c = box->c;
  void **guard = lqr_guard(L, release_ngrams);
  int gi = lua_gettop(L);
  qr_ngram_list *l = calloc(1, sizeof *l);
  if (!l) return luaL_error(L, "ngrams: %s", qr_status_string(QR_ENOMEM));
  *guard = l;
  qr_status rc = qr_ngrams(c, &o, l);
  if (rc) return luaL_error(L, "ngrams: %s", qr_status_string(rc));
  static const char *const cols[] = {"ngram", "count", "docs", "per_million", NULL};
  lqr_new_rows(L, (int)l->n, cols);
  lua_pushinteger(L, (lua_Integer)l->tokens);
  lua_setfield(L, -2, "tokens");
  lua_pushinteger(L, (lua_Integer)l->total);
  lua_setfield(L, -2, "total");
  luaL_Buffer b;
  for (size_t i = 0; i < l->n; i++) {
    const qr_ngram_row *r = &l->rows[i];
    lua_createtable(L, 0, 4);
    luaL_buffinit(L, &b);
    for (unsigned j = 0; j < l->len; j++) {
      if (j) luaL_addchar(&b, ' ');
      luaL_addstring(&b, qr_ngram_item(c, l, r->ids[j]));
    }
    luaL_pushresult(&b);
    lua_setfield(L, -2, "ngram");
    lua_pushinteger(L, (lua_Integer)r->count);
    lua_setfield(L, -2, "count");
    lua_pushinteger(L, (lua_Integer)r->docs);
    lua_setfield(L, -2, "docs");
    lua_pushnumber(L, l->tokens ? (double)r->count * 1e6 / (double)l->tokens : 0.0);
    lua_setfield(L, -2, "per_million");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_remove(L, gi);
  return 1;
}

/* ---- keyness -------------------------------------------------------------------- */

static void release_keyness(void *p) {
  qr_keyness_list_free(p);
  free(p);
}

/* The documents of both sorted lists a and b (b NULL: every document),
 * pushed as a scratch array; returns it and sets *n. */
static uint32_t *push_intersection(lua_State *L, const uint32_t *a, size_t na,
                                   const uint32_t *b, size_t nb, size_t *n) {
  uint32_t *out = push_scratch(L, na);
  size_t k = 0;
  for (size_t i = 0, j = 0; i < na; i++) {
    if (b) {
      while (j < nb && b[j] < a[i]) j++;
      if (j == nb || b[j] != a[i]) continue;
    }
    out[k++] = a[i];
  }
  *n = k;
  return out;
}

/* The Subcorpus at idx as a scope within the documents sub[0, nsub) (sub
 * NULL: all); pushes a scratch array. */
static void sub_scope(lua_State *L, int idx, const uint32_t *sub, size_t nsub, qr_scope *s) {
  lqr_subcorpus *x = lua_touserdata(L, idx);
  memset(s, 0, sizeof *s);
  s->docs = push_intersection(L, x->docs, x->n, sub, nsub, &s->ndocs);
}

/* c:keyness(target, reference, {by = "lower", kind =, type =, min = 1, top =,
 * sort = "ll", subcorpus =}): target a Subcorpus of c (nil: all of c, when
 * reference is another corpus); reference a Subcorpus of c, another
 * Corpus, or nil (the rest of c, or of the subcorpus option). */
static int corpus_keyness(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  lua_settop(L, 4);
  static const char *const names[] = {"by", "kind", "type", "min", "top", "sort", "subcorpus",
                                      NULL};
  lqr_check_options(L, 4, "keyness", names);
  if (lua_isnil(L, 4)) {
    lua_newtable(L);
    lua_replace(L, 4);
  }
  lqr_subcorpus *ts = luaL_testudata(L, 2, LQR_SUBCORPUS);
  lqr_subcorpus *rs = luaL_testudata(L, 3, LQR_SUBCORPUS);
  lqr_corpus *rbox = luaL_testudata(L, 3, LQR_CORPUS);
  if (!ts && !lua_isnil(L, 2))
    return luaL_argerror(L, 2, lua_pushfstring(L, "a subcorpus expected, got %s",
                                                luaL_typename(L, 2)));
  if (!rs && !rbox && !lua_isnil(L, 3))
    return luaL_argerror(L, 3, lua_pushfstring(L, "a subcorpus, a corpus or nil expected, got %s",
                                                luaL_typename(L, 3)));
  if (ts && ts->box != box) return luaL_argerror(L, 2, "a subcorpus of another corpus");
  if (rs && rs->box != box) return luaL_argerror(L, 3, "a subcorpus of another corpus");
  if (!ts && !rbox)
    return luaL_argerror(L, 2, "a subcorpus expected (the whole corpus is compared only with "
                               "another corpus)");
  if (rbox) lqr_corpus_of(L, rbox);
  qr_keyness_opts o;
  memset(&o, 0, sizeof o);
  o.by = (qr_by)by_opt(L, 4, "keyness", QR_BY_LOWER, 0);
  o.kinds = lqr_opt_kinds(L, 4, "keyness", NULL);
  o.type = lqr_opt_string(L, 4, "keyness", "type", NULL);
  if (o.type && o.by != QR_BY_ENT && o.by != QR_BY_ID)
    return luaL_error(L, "keyness: option 'type' goes with by = \"ent\" or by = \"id\"");
  o.min_count = (uint64_t)lqr_opt_integer(L, 4, "keyness", "min", 1, 1, LUA_MAXINTEGER);
  o.top = (size_t)lqr_opt_integer(L, 4, "keyness", "top", 0, 0, LUA_MAXINTEGER);
  static const char *const sorts[] = {"ll", "chi2", "log_ratio", "pct_diff", "f_target",
                                      "f_ref", NULL};
  o.sort = (qr_keyness_sort)lqr_opt_enum(L, 4, "keyness", "sort", QR_KEY_LL, sorts);
  const uint32_t *sub = NULL;
  size_t nsub = 0;
  lqr_opt_subcorpus(L, 4, 1, &sub, &nsub);
  /* the scopes, as scratch arrays on the stack */
  qr_scope target, ref;
  memset(&target, 0, sizeof target);
  memset(&ref, 0, sizeof ref);
  if (ts) sub_scope(L, 2, sub, nsub, &target);
  else {
    target.docs = sub;
    target.ndocs = nsub;
  }
  if (rs) {
    sub_scope(L, 3, sub, nsub, &ref);
  } else if (!rbox) {   /* the rest: the complement of the target within the subcorpus */
    size_t nd = qr_corpus_ndocs(box->c), k;
    uint32_t *rest = push_scratch(L, nd);
    k = qr_subcorpus_complement(nd, target.docs, target.ndocs, rest);
    ref.docs = push_intersection(L, rest, k, sub, nsub, &ref.ndocs);
  }
  qr_corpus *rc = rbox ? rbox->c : box->c;
  void **guard = lqr_guard(L, release_keyness);
  int gi = lua_gettop(L);
  qr_keyness_list *l = calloc(1, sizeof *l);
  if (!l) return luaL_error(L, "keyness: %s", qr_status_string(QR_ENOMEM));
  *guard = l;
  qr_status st = qr_keyness(box->c, &target, rc, &ref, &o, l);
  if (st) return luaL_error(L, "keyness: %s", qr_status_string(st));
  static const char *const cols[] = {"item", "f_target", "f_ref", "per_million_target",
                                     "per_million_ref", "ll", "chi2", "log_ratio", "pct_diff",
                                     "p_ll", "p_chi2", "direction", NULL};
  lqr_new_rows(L, (int)l->n, cols);
  lua_pushinteger(L, (lua_Integer)l->tokens_target);
  lua_setfield(L, -2, "tokens_target");
  lua_pushinteger(L, (lua_Integer)l->tokens_ref);
  lua_setfield(L, -2, "tokens_ref");
  for (size_t i = 0; i < l->n; i++) {
    const qr_keyness_row *r = &l->rows[i];
    lua_createtable(L, 0, 12);
    lua_pushstring(L, r->item);
    lua_setfield(L, -2, "item");
    lua_pushinteger(L, (lua_Integer)r->f_target);
    lua_setfield(L, -2, "f_target");
    lua_pushinteger(L, (lua_Integer)r->f_ref);
    lua_setfield(L, -2, "f_ref");
    static const char *const fields[] = {"per_million_target", "per_million_ref", "ll", "chi2",
                                         "log_ratio", "pct_diff", "p_ll", "p_chi2"};
    const double v[] = {r->m.per_million_target, r->m.per_million_ref, r->m.ll, r->m.chi2,
                        r->m.log_ratio, r->m.pct_diff, r->m.p_ll, r->m.p_chi2};
    for (int f = 0; f < 8; f++) {
      lua_pushnumber(L, v[f]);
      lua_setfield(L, -2, fields[f]);
    }
    lua_pushstring(L, r->m.direction > 0 ? "+" : r->m.direction < 0 ? "-" : "=");
    lua_setfield(L, -2, "direction");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_remove(L, gi);
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
  {"freq", corpus_freq},
  {"ngrams", corpus_ngrams},
  {"keyness", corpus_keyness},
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
