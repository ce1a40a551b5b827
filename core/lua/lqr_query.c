/* lqr_query.c — the query language's C side in Lua: compiled Patterns and
 * the Matches they find.
 *
 * scripts/quarry/query.lua parses a query (scripts/quarry/cqp.lua) and calls
 * quarry.core.compile(corpus, tree), which builds the qr_pattern node by
 * node; an error there (a bad regular expression, a test mixing token and
 * mention attributes) comes back as nil, message, column, for the Lua side
 * to print with a caret under the column. quarry.core.search(pattern, opts)
 * runs the search and gives a Matches object: the hits stay C arrays, and a
 * row table is made only for the matches a caller looks at. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/lqr.h"
#include "quarry/pattern.h"

#define LQR_PATTERN "quarry.pattern"
#define LQR_MATCHES "quarry.matches"

typedef struct lqr_pattern {
  qr_pattern *p;
} lqr_pattern;

/* uservalues: 1 the corpus, 2 the list of label names */
typedef struct lqr_matches {
  lqr_corpus *box;
  qr_matches m;
} lqr_matches;

/* ---- compiling a syntax tree ------------------------------------------------------- */

typedef struct build {
  lua_State *L;
  qr_pattern *p;
  qr_error err;
  lua_Integer pos;   /* the column of the node at fault */
} build;

static int fail(build *b, int node_idx, const char *msg) {
  lua_getfield(b->L, node_idx, "pos");
  b->pos = lua_tointeger(b->L, -1);
  lua_pop(b->L, 1);
  if (msg) qr_error_set(&b->err, QR_EDATA, "%s", msg);
  return -1;
}

/* The string field k of the table at idx ("" when absent). */
static const char *field_string(lua_State *L, int idx, const char *k, size_t *n) {
  lua_getfield(L, idx, k);
  const char *s = lua_tolstring(L, -1, n);
  lua_pop(L, 1);   /* the tree keeps the string alive */
  if (!s) {
    *n = 0;
    return "";
  }
  return s;
}

static int build_node(build *b, int idx, int depth);

/* The items of the list field "items" of the node at idx, built. */
static int build_list(build *b, int idx, int depth, int test) {
  lua_State *L = b->L;
  lua_getfield(L, idx, "items");
  int items = lua_gettop(L);
  if (!lua_istable(L, items)) {
    lua_pop(L, 1);
    return fail(b, idx, "a list node without items");
  }
  size_t n = lua_rawlen(L, items);
  if (n == 0) {
    lua_pop(L, 1);
    return fail(b, idx, "an empty list");
  }
  int *ids = lua_newuserdatauv(L, n * sizeof *ids, 0);   /* freed with the stack */
  const char *type = field_string(L, idx, "type", &(size_t){0});
  for (size_t k = 0; k < n; k++) {
    lua_rawgeti(L, items, (lua_Integer)k + 1);
    ids[k] = build_node(b, lua_gettop(L), depth + 1);
    lua_pop(L, 1);
    if (ids[k] < 0) {
      lua_pop(L, 2);
      return -1;
    }
  }
  int r;
  if (test) {   /* and, or: left to right */
    int and = strcmp(type, "and") == 0;
    r = ids[0];
    for (size_t k = 1; k < n && r >= 0; k++)
      r = and ? qr_pattern_and(b->p, r, ids[k], &b->err) : qr_pattern_or(b->p, r, ids[k], &b->err);
  } else {
    r = strcmp(type, "alt") == 0 ? qr_pattern_alt(b->p, ids, n, &b->err)
                                 : qr_pattern_seq(b->p, ids, n, &b->err);
  }
  lua_pop(L, 2);
  return r < 0 ? fail(b, idx, NULL) : r;
}

static int build_cmp(build *b, int idx) {
  static const char *const attrs[] = {"word", "lower", "kind", "shape", "ent", "id", NULL};
  lua_State *L = b->L;
  size_t an, vn, fn, on;
  const char *attr = field_string(L, idx, "attr", &an);
  const char *value = field_string(L, idx, "value", &vn);
  const char *flags = field_string(L, idx, "flags", &fn);
  const char *op = field_string(L, idx, "op", &on);
  int a = -1;
  const char *key = NULL;
  for (int k = 0; attrs[k]; k++)
    if (strcmp(attr, attrs[k]) == 0) a = k;
  if (strncmp(attr, "doc.", 4) == 0) {
    a = QR_ATTR_DOC;
    key = attr + 4;
  }
  if (a < 0) return fail(b, idx, "unknown attribute");
  unsigned f = 0;
  for (size_t k = 0; k < fn; k++)
    f |= flags[k] == 'c' ? QR_VAL_CASELESS : flags[k] == 'l' ? QR_VAL_LITERAL
       : flags[k] == 'd' ? QR_VAL_DIACRITICS : 0;
  int r = qr_pattern_cmp(b->p, (qr_attr)a, key, strcmp(op, "!=") == 0, value, vn, f, &b->err);
  if (r < 0) {
    /* a bad value is reported at the value */
    lua_getfield(L, idx, "vpos");
    b->pos = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
    lua_pop(L, 1);
    /* at the character of a bad expression: the value starts after its quote */
    size_t at;
    if (b->pos && sscanf(b->err.msg, "bad regular expression at character %zu", &at) == 1)
      b->pos += (lua_Integer)at;
    if (!b->pos) fail(b, idx, NULL);
  }
  return r;
}

static int build_node(build *b, int idx, int depth) {
  lua_State *L = b->L;
  if (depth > 400 || !lua_checkstack(L, 8)) return fail(b, idx, "the query is nested too deeply");
  if (!lua_istable(L, idx)) {
    qr_error_set(&b->err, QR_EDATA, "a node of the tree is not a table");
    b->pos = 0;
    return -1;
  }
  size_t tn;
  const char *type = field_string(L, idx, "type", &tn);
  int r;
  if (strcmp(type, "cmp") == 0) return build_cmp(b, idx);
  if (strcmp(type, "and") == 0 || strcmp(type, "or") == 0) return build_list(b, idx, depth, 1);
  if (strcmp(type, "seq") == 0 || strcmp(type, "alt") == 0) return build_list(b, idx, depth, 0);
  if (strcmp(type, "not") == 0 || strcmp(type, "token") == 0 || strcmp(type, "repeat") == 0 ||
      strcmp(type, "label") == 0) {
    int is_token = type[0] == 't';
    lua_getfield(L, idx, is_token ? "expr" : "item");
    int child = -1;
    if (!lua_isnil(L, -1)) child = build_node(b, lua_gettop(L), depth + 1);
    else if (!is_token) child = fail(b, idx, "a node without its item");
    lua_pop(L, 1);
    if (child < 0 && !(is_token && b->err.status == QR_OK)) return -1;
    switch (type[0]) {
    case 'n': r = qr_pattern_not(b->p, child, &b->err); break;
    case 't': r = qr_pattern_token(b->p, child, &b->err); break;
    case 'r': {
      lua_getfield(L, idx, "min");
      lua_getfield(L, idx, "max");
      long min = (long)lua_tointeger(L, -2);
      long max = lua_isnil(L, -1) ? -1 : (long)lua_tointeger(L, -1);
      lua_pop(L, 2);
      r = qr_pattern_repeat(b->p, child, min, max, &b->err);
      break;
    }
    default: {
      size_t n;
      r = qr_pattern_label(b->p, child, field_string(L, idx, "name", &n), &b->err);
    }
    }
    return r < 0 ? fail(b, idx, NULL) : r;
  }
  if (strcmp(type, "struct") == 0) {
    size_t n;
    const char *name = field_string(L, idx, "name", &n);
    qr_struct st = name[0] == 's' ? QR_STRUCT_S : name[0] == 'p' ? QR_STRUCT_P : QR_STRUCT_D;
    lua_getfield(L, idx, "open");
    int open = lua_toboolean(L, -1);
    lua_pop(L, 1);
    r = qr_pattern_boundary(b->p, st, open, &b->err);
    return r < 0 ? fail(b, idx, NULL) : r;
  }
  return fail(b, idx, "an unknown node in the tree");
}

static int pattern_gc(lua_State *L) {
  lqr_pattern *lp = luaL_checkudata(L, 1, LQR_PATTERN);
  qr_pattern_free(lp->p);
  lp->p = NULL;
  return 0;
}

/* quarry.core.compile(corpus, tree) -> Pattern, or nil, message, column */
static int core_compile(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  lqr_pattern *lp = lua_newuserdatauv(L, sizeof *lp, 2);   /* 3 */
  lp->p = NULL;
  luaL_setmetatable(L, LQR_PATTERN);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, 3, 1);
  lp->p = qr_pattern_new(box->c);
  if (!lp->p) return luaL_error(L, "not enough memory");
  build b = {L, lp->p, {0}, 0};
  lua_getfield(L, 2, "body");
  int root = build_node(&b, 4, 0);
  lua_pop(L, 1);
  int doc = -1;
  if (root >= 0) {
    lua_getfield(L, 2, "doc");
    if (!lua_isnil(L, -1)) doc = build_node(&b, lua_gettop(L), 0);
    lua_pop(L, 1);
  }
  qr_struct within = QR_STRUCT_NONE;
  size_t wn;
  const char *w = field_string(L, 2, "within", &wn);
  if (wn) within = w[0] == 's' ? QR_STRUCT_S : w[0] == 'p' ? QR_STRUCT_P : QR_STRUCT_D;
  if (root >= 0 && (doc >= 0 || lua_getfield(L, 2, "doc") == LUA_TNIL) &&
      qr_pattern_finish(lp->p, root, within, doc, &b.err) == QR_OK) {
    lua_settop(L, 3);
    /* the label names, for the matches */
    size_t n = qr_pattern_nlabels(lp->p);
    lua_createtable(L, (int)n, 0);
    for (size_t k = 0; k < n; k++) {
      lua_pushstring(L, qr_pattern_label_name(lp->p, k));
      lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setiuservalue(L, 3, 2);
    return 1;
  }
  if (b.err.status == QR_ENOMEM) return luaL_error(L, "not enough memory");
  if (!b.pos) b.pos = 1;   /* the whole query is at fault (an empty match, its size) */
  luaL_pushfail(L);
  lua_pushstring(L, b.err.msg[0] ? b.err.msg : "bad query");
  lua_pushinteger(L, b.pos);
  return 3;
}

/* ---- Matches --------------------------------------------------------------------- */

static int matches_gc(lua_State *L) {
  lqr_matches *mm = luaL_checkudata(L, 1, LQR_MATCHES);
  qr_matches_free(&mm->m);
  return 0;
}

static lqr_matches *check_matches(lua_State *L, int idx) {
  lqr_matches *mm = luaL_checkudata(L, idx, LQR_MATCHES);
  if (!mm->box->c) luaL_error(L, "the corpus is closed");
  return mm;
}

const qr_hit *lqr_checkmatches(lua_State *L, int idx, size_t *n) {
  lqr_matches *mm = check_matches(L, idx);
  *n = mm->m.n;
  return mm->m.hits;
}


/* quarry.core.search(pattern, corpus, opts, fn) -> Matches: fn names the
 * calling function in messages; opts may hold other options of the caller,
 * already checked by it. */
static int core_search(lua_State *L) {
  lqr_pattern *lp = luaL_checkudata(L, 1, LQR_PATTERN);
  lqr_corpus *box = lqr_checkcorpus(L, 2);
  const char *fn = luaL_optstring(L, 4, "query");
  if (!lp->p) return luaL_error(L, "the pattern is closed");
  static const char *const strategies[] = {"standard", "shortest", "longest", NULL};
  qr_search_opts o;
  memset(&o, 0, sizeof o);
  o.limit = (size_t)lqr_opt_integer(L, 3, fn, "limit", 0, 0, LUA_MAXINTEGER);
  o.strategy = (qr_strategy)lqr_opt_enum(L, 3, fn, "strategy", 0, strategies);
  const uint32_t *docs = NULL;
  size_t ndocs = 0;
  uint32_t one;
  if (lua_istable(L, 3) && lqr_opt_subcorpus(L, 3, 2, &docs, &ndocs)) {
    o.docs = docs;
    o.ndocs = ndocs;
  }
  long d = lqr_opt_doc(L, 3, 2, fn);
  if (d >= 0) {
    /* one document, within the subcorpus when there is one */
    int in = !docs;
    for (size_t k = 0; k < ndocs; k++) in |= docs[k] == (uint32_t)d;
    one = (uint32_t)d;
    o.docs = &one;
    o.ndocs = in ? 1 : 0;
  }
  lqr_matches *mm = lua_newuserdatauv(L, sizeof *mm, 2);
  memset(mm, 0, sizeof *mm);
  mm->box = box;
  luaL_setmetatable(L, LQR_MATCHES);
  lua_pushvalue(L, 2);
  lua_setiuservalue(L, -2, 1);
  lua_getiuservalue(L, 1, 2);
  lua_setiuservalue(L, -2, 2);
  qr_error err = {0};
  if (qr_pattern_search(lp->p, &o, &mm->m, &err)) return lqr_error(L, &err);
  return 1;
}

/* Pushes the row of match k. */
static void push_match(lua_State *L, lqr_matches *mm, int midx, size_t k) {
  const qr_corpus *c = mm->box->c;
  const qr_hit *h = &mm->m.hits[k];
  size_t first = h->first, last = first + h->count;
  size_t d = qr_corpus_doc_of_token(c, first);
  qr_doc doc;
  qr_corpus_doc(c, d, &doc);
  const qr_tokens *t = qr_corpus_tokens(c);
  lua_createtable(L, 0, 10);
  lua_pushstring(L, doc.id);
  lua_setfield(L, -2, "doc");
  lua_pushinteger(L, (lua_Integer)d + 1);
  lua_setfield(L, -2, "doc_index");
  lua_pushinteger(L, (lua_Integer)(qr_corpus_sentence_of_token(c, first) - doc.sent_first + 1));
  lua_setfield(L, -2, "sentence");
  lua_pushinteger(L, (lua_Integer)first + 1);
  lua_setfield(L, -2, "first");
  lua_pushinteger(L, (lua_Integer)last);
  lua_setfield(L, -2, "last");
  lqr_set_token_span(L, t, first, last);
  lqr_push_span(L, c, &doc, first, last);
  lua_setfield(L, -2, "text");
  if (mm->m.ncap) {
    lua_getiuservalue(L, midx, 2);   /* the label names */
    lua_createtable(L, 0, (int)mm->m.ncap);
    for (size_t j = 0; j < mm->m.ncap; j++) {
      const qr_hit *cp = &mm->m.cap[k * mm->m.ncap + j];
      if (cp->first == UINT32_MAX) continue;
      lua_rawgeti(L, -2, (lua_Integer)j + 1);
      lua_createtable(L, 0, 5);
      lua_pushinteger(L, (lua_Integer)cp->first + 1);
      lua_setfield(L, -2, "first");
      lua_pushinteger(L, (lua_Integer)cp->first + cp->count);
      lua_setfield(L, -2, "last");
      if (cp->count) {
        lqr_set_token_span(L, t, cp->first, cp->first + cp->count);
        lqr_push_span(L, c, &doc, cp->first, cp->first + cp->count);
      } else {
        lua_pushliteral(L, "");
      }
      lua_setfield(L, -2, "text");
      lua_rawset(L, -3);
    }
    lua_setfield(L, -3, "captures");
    lua_pop(L, 1);
  }
}

static int matches_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_matches(L, 1)->m.n);
  return 1;
}

static int matches_tostring(lua_State *L) {
  lqr_matches *mm = luaL_checkudata(L, 1, LQR_MATCHES);
  lua_pushfstring(L, "<matches: %d>", (int)mm->m.n);
  return 1;
}

/* m:list() -> the rows in a plain table */
static int matches_list(lua_State *L) {
  lqr_matches *mm = check_matches(L, 1);
  static const char *const cols[] = {"doc", "sentence", "first", "last", "text", NULL};
  lqr_new_rows(L, (int)mm->m.n, cols);
  for (size_t k = 0; k < mm->m.n; k++) {
    push_match(L, mm, 1, k);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

/* m:hits() -> a list of {first, last} (1-based corpus-wide token indices) */
static int matches_spans(lua_State *L) {
  lqr_matches *mm = check_matches(L, 1);
  lua_createtable(L, (int)mm->m.n, 0);
  for (size_t k = 0; k < mm->m.n; k++) {
    lua_createtable(L, 2, 0);
    lua_pushinteger(L, (lua_Integer)mm->m.hits[k].first + 1);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer)mm->m.hits[k].first + mm->m.hits[k].count);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

static int matches_index(lua_State *L) {
  lqr_matches *mm = check_matches(L, 1);
  if (lua_isinteger(L, 2)) {
    lua_Integer i = lua_tointeger(L, 2);
    if (i < 1 || (size_t)i > mm->m.n) return 0;
    push_match(L, mm, 1, (size_t)i - 1);
    return 1;
  }
  const char *k = lua_tostring(L, 2);
  if (k && strcmp(k, "list") == 0) lua_pushcfunction(L, matches_list);
  else if (k && strcmp(k, "spans") == 0) lua_pushcfunction(L, matches_spans);
  else if (k && strcmp(k, "columns") == 0) {
    lua_createtable(L, 5, 0);
    static const char *const cols[] = {"doc", "sentence", "first", "last", "text"};
    for (int j = 0; j < 5; j++) {
      lua_pushstring(L, cols[j]);
      lua_rawseti(L, -2, j + 1);
    }
  } else lua_pushnil(L);
  return 1;
}

/* m(_, prev) -> the next row: `for x in m do`; the position rides in the
 * row's hidden field so no state is kept in the object. */
static int matches_call(lua_State *L) {
  lqr_matches *mm = check_matches(L, 1);
  lua_Integer next = 1;
  if (lua_istable(L, 3)) {
    lua_getfield(L, 3, "index");
    next = lua_tointeger(L, -1) + 1;
    lua_pop(L, 1);
  }
  if (next < 1 || (size_t)next > mm->m.n) return 0;
  push_match(L, mm, 1, (size_t)next - 1);
  lua_pushinteger(L, next);
  lua_setfield(L, -2, "index");
  return 1;
}

const qr_hit *lqr_tomatches(lua_State *L, int corpus_idx, int idx, size_t *n) {
  corpus_idx = lua_absindex(L, corpus_idx);
  idx = lua_absindex(L, idx);
  if (!luaL_testudata(L, idx, LQR_MATCHES)) {
    lua_getfield(L, corpus_idx, "query");   /* the corpus's method (scripts/quarry/query.lua) */
    if (lua_isnil(L, -1)) luaL_error(L, "queries need require \"quarry\"");
    lua_pushvalue(L, corpus_idx);
    lua_pushvalue(L, idx);
    lua_call(L, 2, 1);
    lua_replace(L, idx);
  }
  return lqr_checkmatches(L, idx, n);
}

long lqr_opt_doc(lua_State *L, int opts_idx, int corpus_idx, const char *fn) {
  if (!lua_istable(L, opts_idx)) return -1;
  qr_corpus *c = lqr_checkcorpus(L, corpus_idx)->c;
  lua_getfield(L, opts_idx, "doc");
  long d = -1;
  if (lua_type(L, -1) == LUA_TNUMBER) {
    lua_Integer i = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
    if (i < 1 || (size_t)i > qr_corpus_ndocs(c))
      luaL_error(L, "option 'doc' to '%s': no document %s", fn, luaL_tolstring(L, -1, NULL));
    d = (long)i - 1;
  } else if (lua_type(L, -1) == LUA_TSTRING) {
    d = qr_corpus_find(c, lua_tostring(L, -1));
    if (d < 0) luaL_error(L, "option 'doc' to '%s': no document '%s'", fn, lua_tostring(L, -1));
  } else if (!lua_isnil(L, -1)) {
    lqr_opt_type_error(L, -1, fn, "doc", "a document index or id");
  }
  lua_pop(L, 1);
  return d;
}


/* quarry.core.kwic(matches, width) -> rows doc, left, match, right (and
 * first, last, start, stop, sentence): up to width tokens each side, within
 * the match's document. Rows come in corpus order, so the document and the
 * sentence are found from the last row's on; the field names are upvalues,
 * pushed instead of interned again for every row. */
enum { K_DOC = 1, K_LEFT, K_MATCH, K_RIGHT, K_START, K_STOP, K_FIRST, K_LAST, K_SENTENCE, K_N };
static const char *const kwic_keys[] = {NULL, "doc", "left", "match", "right", "start", "stop",
                                        "first", "last", "sentence"};

/* Pushes field name key (an upvalue) of the row on top, for the value pushed
 * next and lua_rawset(L, -3). */
#define KEY(L, key) lua_pushvalue((L), lua_upvalueindex(key))

static int core_kwic(lua_State *L) {
  lqr_matches *mm = check_matches(L, 1);
  lua_Integer width = luaL_checkinteger(L, 2);
  const qr_corpus *c = mm->box->c;
  const qr_tokens *t = qr_corpus_tokens(c);
  const qr_sentences *sents = qr_corpus_sentences(c);
  static const char *const cols[] = {"doc", "left", "match", "right", NULL};
  lqr_new_rows(L, (int)mm->m.n, cols);
  size_t d = SIZE_MAX, t0 = 0, t1 = 0, sent = 0;
  qr_doc doc;
  memset(&doc, 0, sizeof doc);
  for (size_t k = 0; k < mm->m.n; k++) {
    size_t first = mm->m.hits[k].first, last = first + mm->m.hits[k].count;
    if (d == SIZE_MAX || first >= t1) {
      d = qr_corpus_doc_of_token(c, first);
      qr_corpus_doc(c, d, &doc);
      t0 = doc.tok_first;
      t1 = doc.tok_first + doc.tok_count;
      sent = qr_corpus_sentence_of_token(c, first);
    }
    while (sent + 1 < sents->n && sents->first[sent + 1] <= first) sent++;
    size_t l0 = first - t0 > (size_t)width ? first - (size_t)width : t0;
    size_t r1 = t1 - last > (size_t)width ? last + (size_t)width : t1;
    lua_createtable(L, 0, K_N - 1);
    KEY(L, K_DOC);
    lua_pushstring(L, doc.id);
    lua_rawset(L, -3);
    KEY(L, K_LEFT);
    lqr_push_span(L, c, &doc, l0, first);
    lua_rawset(L, -3);
    KEY(L, K_MATCH);
    lqr_push_span(L, c, &doc, first, last);
    lua_rawset(L, -3);
    KEY(L, K_RIGHT);
    lqr_push_span(L, c, &doc, last, r1);
    lua_rawset(L, -3);
    KEY(L, K_START);
    lua_pushinteger(L, (lua_Integer)t->start[first] + 1);
    lua_rawset(L, -3);
    KEY(L, K_STOP);
    lua_pushinteger(L, (lua_Integer)(t->start[last - 1] + t->len[last - 1]));
    lua_rawset(L, -3);
    KEY(L, K_FIRST);
    lua_pushinteger(L, (lua_Integer)first + 1);
    lua_rawset(L, -3);
    KEY(L, K_LAST);
    lua_pushinteger(L, (lua_Integer)last);
    lua_rawset(L, -3);
    KEY(L, K_SENTENCE);
    lua_pushinteger(L, (lua_Integer)(sent - doc.sent_first + 1));
    lua_rawset(L, -3);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

/* Appends the forms (or folded forms) of tokens [t0, t1) to b, with spaces. */
static void add_forms(luaL_Buffer *b, const qr_corpus *c, const uint32_t *ids, size_t t0,
                      size_t t1) {
  const qr_lexicon *lx = qr_corpus_lexicon(c);
  for (size_t i = t0; i < t1; i++) {
    size_t n;
    const char *s = qr_lexicon_str(lx, ids[i], &n);
    if (i > t0) luaL_addchar(b, ' ');
    luaL_addlstring(b, s, n);
  }
}

/* quarry.core.count_by(matches, what, label) -> rows value, count, most
 * frequent first, ties in byte order: what is "word", "lower" or "doc";
 * label (an index, or 0 for the whole match) the part counted. */
static int core_count_by(lua_State *L) {
  lqr_matches *mm = check_matches(L, 1);
  static const char *const whats[] = {"word", "lower", "doc", NULL};
  int what = luaL_checkoption(L, 2, NULL, whats);
  lua_Integer label = luaL_optinteger(L, 3, 0);
  if (label < 0 || (size_t)label > mm->m.ncap) return luaL_argerror(L, 3, "no such label");
  const qr_corpus *c = mm->box->c;
  const uint32_t *ids = what == 1 ? qr_corpus_folds(c) : qr_corpus_forms(c);
  lua_settop(L, 3);
  lua_newtable(L);   /* 4: value -> count */
  for (size_t k = 0; k < mm->m.n; k++) {
    const qr_hit *h = label ? &mm->m.cap[k * mm->m.ncap + (size_t)label - 1] : &mm->m.hits[k];
    if (h->first == UINT32_MAX) continue;   /* the label matched nothing here */
    if (what == 2) {
      qr_doc doc;
      qr_corpus_doc(c, qr_corpus_doc_of_token(c, h->first), &doc);
      lua_pushstring(L, doc.id);
    } else {
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      add_forms(&b, c, ids, h->first, (size_t)h->first + h->count);
      luaL_pushresult(&b);
    }
    lua_pushvalue(L, -1);
    lua_rawget(L, 4);
    lua_Integer n = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_pushinteger(L, n + 1);
    lua_rawset(L, 4);
  }
  static const char *const cols[] = {"value", "count", NULL};
  lqr_new_rows(L, 0, cols);   /* 5 */
  lua_Integer r = 0;
  lua_pushnil(L);
  while (lua_next(L, 4)) {
    lua_createtable(L, 0, 2);
    lua_insert(L, -2);
    lua_setfield(L, -2, "count");
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "value");
    lua_rawseti(L, 5, ++r);
  }
  return 1;   /* ordered by the Lua side */
}

/* c:form(id) -> the string of lexicon id id (a word or lower column's value) */
static int corpus_form(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  lua_Integer id = luaL_checkinteger(L, 2);
  const qr_lexicon *lx = qr_corpus_lexicon(box->c);
  if (id < 0 || (size_t)id >= qr_lexicon_size(lx)) return luaL_argerror(L, 2, "no such form id");
  size_t n;
  const char *str = qr_lexicon_str(lx, (uint32_t)id, &n);
  lua_pushlstring(L, str, n);
  return 1;
}

/* quarry.core.labels(matches) -> the label names of its query, in order */
static int core_labels(lua_State *L) {
  check_matches(L, 1);
  lua_getiuservalue(L, 1, 2);
  return 1;
}

static const luaL_Reg matches_meta[] = {
  {"__gc", matches_gc},
  {"__len", matches_len},
  {"__index", matches_index},
  {"__call", matches_call},
  {"__tostring", matches_tostring},
  {NULL, NULL},
};

static const luaL_Reg query_funcs[] = {
  {"compile", core_compile},
  {"search", core_search},
  {"count_by", core_count_by},
  {"labels", core_labels},
  {NULL, NULL},
};

void lqr_open_query(lua_State *L) {
  luaL_newmetatable(L, LQR_PATTERN);
  lua_pushcfunction(L, pattern_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushliteral(L, "quarry.Pattern");
  lua_setfield(L, -2, "__name");
  lua_pop(L, 1);
  luaL_newmetatable(L, LQR_MATCHES);
  luaL_setfuncs(L, matches_meta, 0);
  lua_pushliteral(L, "quarry.Matches");
  lua_setfield(L, -2, "__name");
  lua_pop(L, 1);
  /* the corpus's methods written in Lua (query, count, kwic) go into its
   * method table, reachable as quarry.core.methods(quarry.core.CORPUS) */
  luaL_getmetatable(L, LQR_CORPUS);
  lua_getfield(L, -1, "__index");
  lua_pushcfunction(L, lqr_corpus_columns);
  lua_setfield(L, -2, "columns");
  lua_pushcfunction(L, corpus_form);
  lua_setfield(L, -2, "form");
  lua_setfield(L, -2, "methods");
  lua_pop(L, 1);
  /* quarry.kinds: token kind codes (the kind column) and their names */
  lua_createtable(L, QR_TOK_KIND_MAX, QR_TOK_KIND_MAX);
  for (int k = 1; k < QR_TOK_KIND_MAX; k++) {
    lua_pushstring(L, qr_token_kind_name(k));
    lua_pushinteger(L, k);
    lua_setfield(L, -3, qr_token_kind_name(k));
    lua_rawseti(L, -2, k);
  }
  lua_setfield(L, -2, "kinds");
  /* the module table is on top: add the functions to it */
  luaL_setfuncs(L, query_funcs, 0);
  for (int k = 1; k < K_N; k++) lua_pushstring(L, kwic_keys[k]);
  lua_pushcclosure(L, core_kwic, K_N - 1);
  lua_setfield(L, -2, "kwic");
  lua_pushliteral(L, LQR_CORPUS);
  lua_setfield(L, -2, "CORPUS");
}
