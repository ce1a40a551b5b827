/* lqr_text.c — quarry.tokenize and quarry.sentences for any string.
 *
 * One segmenter, made when the module opens, serves every call; it lives
 * in the registry as a userdata whose __gc frees it. */
#include <stdlib.h>
#include <string.h>

#include "lua/lqr.h"
#include "quarry/utf8.h"

#define SEG_KEY "quarry.segmenter"

void lqr_set_token_span(lua_State *L, const qr_tokens *t, size_t t0, size_t t1) {
  lua_pushinteger(L, (lua_Integer)t->start[t0] + 1);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, (lua_Integer)(t->start[t1 - 1] + t->len[t1 - 1]));
  lua_setfield(L, -2, "stop");
}

static int seg_gc(lua_State *L) {
  qr_segmenter **p = lua_touserdata(L, 1);
  qr_segmenter_free(*p);
  *p = NULL;
  return 0;
}

void lqr_open_text(lua_State *L) {
  qr_segmenter **p = lua_newuserdatauv(L, sizeof *p, 0);
  *p = NULL;
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, seg_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  *p = qr_segmenter_new();
  if (!*p) luaL_error(L, "out of memory");
  lua_setfield(L, LUA_REGISTRYINDEX, SEG_KEY);
}

const qr_segmenter *lqr_segmenter(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, SEG_KEY);
  qr_segmenter **p = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!p || !*p) luaL_error(L, "quarry is not initialised");
  return *p;
}

/* The tokens and sentences of one call, owned by a guard. */
typedef struct work {
  qr_tokens t;
  qr_sentences s;
} work;

static void free_work(void *p) {
  work *w = p;
  qr_tokens_free(&w->t);
  qr_sentences_free(&w->s);
  free(w);
}

static work *segment(lua_State *L, const qr_segmenter *seg, const char *text, size_t n,
                     int split) {
  void **guard = lqr_guard(L, free_work);
  work *w = calloc(1, sizeof *w);
  if (!w) luaL_error(L, "out of memory");
  *guard = w;
  qr_status rc = qr_tokenize(seg, text, n, &w->t);
  if (!rc && split) rc = qr_split_sentences(seg, text, n, &w->t, 0, &w->s);
  if (rc) luaL_error(L, "%s", qr_status_string(rc));
  return w;
}

static void push_token(lua_State *L, const char *text, const qr_tokens *t, size_t i) {
  lua_createtable(L, 0, 6);
  lua_pushlstring(L, text + t->start[i], t->len[i]);
  lua_setfield(L, -2, "text");
  lua_pushstring(L, qr_token_kind_name(t->kind[i]));
  lua_setfield(L, -2, "kind");
  lqr_set_token_span(L, t, i, i + 1);
  if (t->split[i]) {
    lua_createtable(L, 2, 0);
    lua_pushlstring(L, text + t->start[i], t->split[i]);
    lua_rawseti(L, -2, 1);
    lua_pushlstring(L, text + t->start[i] + t->split[i], t->len[i] - t->split[i]);
    lua_rawseti(L, -2, 2);
    lua_setfield(L, -2, "parts");
  }
  if (t->flags[i] & QR_TF_CLITIC) {
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "clitic");
  }
  lua_pushboolean(L, i + 1 < t->n ? (t->flags[i + 1] & QR_TF_SPACE_BEFORE) != 0 : 1);
  lua_setfield(L, -2, "space_after");
}

/* core.width(s) -> the columns s takes in a terminal (wide East Asian
 * characters two, combining marks none). */
int lqr_width(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_pushinteger(L, (lua_Integer)qr_utf8_width(s, n, 0, NULL));
  return 1;
}

/* core.clip(s, columns [, from_end]) -> the longest prefix of s (or suffix,
 * with from_end) that fits in the columns, cut between characters. */
int lqr_clip(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_Integer max = luaL_checkinteger(L, 2);
  int from_end = lua_toboolean(L, 3);
  if (max < 0) max = 0;
  size_t fit;
  if (!from_end) {
    qr_utf8_width(s, n, (size_t)max, &fit);
    lua_pushlstring(L, s, fit);
    return 1;
  }
  /* from the end: the first character boundary whose suffix fits */
  size_t total = qr_utf8_width(s, n, 0, NULL), i = 0;
  while (i < n && total > (size_t)max) {
    int32_t cp;
    int k = qr_utf8_decode((const unsigned char *)s + i, n - i, &cp);
    total -= (size_t)qr_utf8_char_width(cp);
    i += (size_t)k;
  }
  lua_pushlstring(L, s + i, n - i);
  return 1;
}

/* quarry.tokenize(text) -> a list of tokens:
 * {text, kind, start, stop, parts?, clitic?, space_after} */
int lqr_tokenize(lua_State *L) { return lqr_tokenize_with(L, lqr_segmenter(L)); }
int lqr_sentences(lua_State *L) { return lqr_sentences_with(L, lqr_segmenter(L)); }

int lqr_tokenize_with(lua_State *L, const qr_segmenter *seg) {
  size_t n;
  const char *text = luaL_checklstring(L, 1, &n);
  work *w = segment(L, seg, text, n, 0);
  lua_createtable(L, (int)w->t.n, 0);
  for (size_t i = 0; i < w->t.n; i++) {
    push_token(L, text, &w->t, i);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* quarry.sentences(text) -> a list of sentences: {text, start, stop, tokens}
 * where text is the sentence as written (line breaks included) and tokens
 * its tokens as quarry.tokenize gives them. */
int lqr_sentences_with(lua_State *L, const qr_segmenter *seg) {
  size_t n;
  const char *text = luaL_checklstring(L, 1, &n);
  work *w = segment(L, seg, text, n, 1);
  lua_createtable(L, (int)w->s.n, 0);
  for (size_t k = 0; k < w->s.n; k++) {
    size_t t0 = w->s.first[k], t1 = t0 + w->s.count[k];
    size_t b0 = w->t.start[t0], b1 = w->t.start[t1 - 1] + w->t.len[t1 - 1];
    lua_createtable(L, 0, 4);
    lua_pushlstring(L, text + b0, b1 - b0);
    lua_setfield(L, -2, "text");
    lqr_set_token_span(L, &w->t, t0, t1);
    lua_createtable(L, (int)(t1 - t0), 0);
    for (size_t i = t0; i < t1; i++) {
      push_token(L, text, &w->t, i);
      lua_rawseti(L, -2, (lua_Integer)(i - t0) + 1);
    }
    lua_setfield(L, -2, "tokens");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}
