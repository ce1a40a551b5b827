/* lqr_segmenter.c — the Segmenter object: a tokenizer and sentence splitter
 * with its own abbreviations (added, loaded, or learned from texts) and its
 * own sentence model. quarry.tokenize and quarry.sentences use a shared
 * default one; quarry.open(..., {segmenter = s}) makes a corpus use s. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lua/lqr.h"
#include "quarry/file.h"

static int seg_gc(lua_State *L) {
  lqr_segbox *b = luaL_checkudata(L, 1, LQR_SEG);
  qr_segmenter_free(b->seg);
  b->seg = NULL;
  return 0;
}

lqr_segbox *lqr_checkseg(lua_State *L, int arg) {
  lqr_segbox *b = luaL_checkudata(L, arg, LQR_SEG);
  if (!b->seg) luaL_error(L, "the segmenter is closed");
  return b;
}

static const char *const class_names[] = {"plain", "title", "number", "final", NULL};

static int seg_add(lua_State *L) {
  lqr_segbox *b = lqr_checkseg(L, 1);
  size_t n;
  const char *abbr = luaL_checklstring(L, 2, &n);
  int cls = luaL_checkoption(L, 3, "plain", class_names) + 1;
  if (n < 2 || abbr[n - 1] != '.' || strpbrk(abbr, " \t\n"))
    return luaL_argerror(L, 2, "an abbreviation is a word ending with a period");
  if (qr_segmenter_add_abbrev(b->seg, abbr, n, (qr_abbrev_class)cls))
    return luaL_error(L, "out of memory");
  lua_settop(L, 1);
  return 1;
}

static int seg_load(lua_State *L) {
  lqr_segbox *b = lqr_checkseg(L, 1);
  const char *path = luaL_checkstring(L, 2);
  qr_file f;
  qr_error err = {0};
  if (path[0] == '@') {   /* built-in sets: "@legal", "@scientific,@biomedical" */
    if (qr_segmenter_load_abbrev_sets(b->seg, path, &err)) return lqr_error(L, &err);
    lua_settop(L, 1);
    return 1;
  }
  lqr_check_read(L, path);
  if (qr_file_open(&f, path, &err)) return lqr_error(L, &err);
  qr_status rc = qr_segmenter_load_abbrevs(b->seg, f.data, f.len, path, &err);
  qr_file_close(&f);
  if (rc) return lqr_error(L, &err);
  lua_settop(L, 1);
  return 1;
}

static int seg_abbreviation(lua_State *L) {
  lqr_segbox *b = lqr_checkseg(L, 1);
  size_t n;
  const char *w = luaL_checklstring(L, 2, &n);
  int cls = qr_segmenter_abbrev(b->seg, w, n);
  if (!cls) {
    luaL_pushfail(L);
    return 1;
  }
  lua_pushstring(L, class_names[cls - 1]);
  return 1;
}

/* The texts to learn from at idx: a Corpus, a string, or a list of strings;
 * pushes a table holding them (to anchor them) and fills the arrays, which
 * come from userdata. */
static size_t collect_texts(lua_State *L, int idx, const char ***texts, size_t **lens) {
  idx = lua_absindex(L, idx);
  if (luaL_testudata(L, idx, LQR_CORPUS)) {
    qr_corpus *c = lqr_checkcorpus(L, idx)->c;
    size_t n = qr_corpus_ndocs(c);
    *texts = lua_newuserdatauv(L, (n + 1) * sizeof **texts, 0);
    *lens = lua_newuserdatauv(L, (n + 1) * sizeof **lens, 0);
    for (size_t i = 0; i < n; i++) {
      qr_doc d;
      qr_corpus_doc(c, i, &d);
      (*texts)[i] = d.text;
      (*lens)[i] = d.len;
    }
    return n;
  }
  if (lua_type(L, idx) == LUA_TSTRING) {
    *texts = lua_newuserdatauv(L, sizeof **texts, 0);
    *lens = lua_newuserdatauv(L, sizeof **lens, 0);
    (*texts)[0] = lua_tolstring(L, idx, &(*lens)[0]);
    return 1;
  }
  if (lua_type(L, idx) != LUA_TTABLE)
    luaL_argerror(L, idx, "expected a corpus, a string or a list of strings");
  size_t n = lua_rawlen(L, idx);
  *texts = lua_newuserdatauv(L, (n + 1) * sizeof **texts, 0);
  *lens = lua_newuserdatauv(L, (n + 1) * sizeof **lens, 0);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i + 1);
    if (lua_type(L, -1) != LUA_TSTRING) luaL_argerror(L, idx, "every text must be a string");
    (*texts)[i] = lua_tolstring(L, -1, &(*lens)[i]);   /* anchored by the list */
    lua_pop(L, 1);
  }
  return n;
}

int lqr_learn(lua_State *L, qr_segmenter *seg, int texts_idx, double threshold) {
  const char **texts;
  size_t *lens;
  size_t n = collect_texts(L, texts_idx, &texts, &lens);
  void **guard = lqr_guard(L, NULL);
  qr_learned_abbrev *learned = NULL;
  size_t nl = 0;
  qr_status rc = qr_segmenter_learn_abbrevs(seg, texts, lens, n, threshold, &learned, &nl);
  *guard = learned;
  if (rc) return luaL_error(L, "learning abbreviations: %s", qr_status_string(rc));
  static const char *const cols[] = {"abbreviation", "with_period", "without", "score", NULL};
  lqr_new_rows(L, (int)nl, cols);
  for (size_t k = 0; k < nl; k++) {
    lua_createtable(L, 0, 4);
    lua_pushstring(L, learned[k].text);
    lua_setfield(L, -2, "abbreviation");
    lua_pushinteger(L, learned[k].with_period);
    lua_setfield(L, -2, "with_period");
    lua_pushinteger(L, learned[k].without);
    lua_setfield(L, -2, "without");
    lua_pushnumber(L, learned[k].score);
    lua_setfield(L, -2, "score");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

/* seg:learn_abbreviations(corpus | text | {texts} [, {threshold = 0.3}]) */
static int seg_learn(lua_State *L) {
  lqr_segbox *b = lqr_checkseg(L, 1);
  luaL_checkany(L, 2);
  lua_settop(L, 3);
  static const char *const names[] = {"threshold", NULL};
  lqr_check_options(L, 3, "learn_abbreviations", names);
  double threshold = lqr_opt_number(L, 3, "learn_abbreviations", "threshold", 0, 0, HUGE_VAL);
  return lqr_learn(L, b->seg, 2, threshold);
}

/* seg:set_model(path | false): the sentence model (false: the rules alone) */
static int seg_set_model(lua_State *L) {
  lqr_segbox *b = lqr_checkseg(L, 1);
  if (!lua_toboolean(L, 2)) {
    qr_segmenter_set_model(b->seg, NULL);
    lua_settop(L, 1);
    return 1;
  }
  const char *path = luaL_checkstring(L, 2);
  qr_file f;
  qr_error err = {0};
  qr_sentmodel *m = NULL;
  lqr_check_read(L, path);
  if (qr_file_open(&f, path, &err)) return lqr_error(L, &err);
  qr_status rc = qr_sentmodel_load(&m, f.data, f.len, path, &err);
  qr_file_close(&f);
  if (rc) return lqr_error(L, &err);
  qr_segmenter_set_model(b->seg, m);
  lua_settop(L, 1);
  return 1;
}

static int seg_tokenize(lua_State *L) {
  lqr_segbox *b = lqr_checkseg(L, 1);
  lua_remove(L, 1);
  return lqr_tokenize_with(L, b->seg);
}

static int seg_sentences(lua_State *L) {
  lqr_segbox *b = lqr_checkseg(L, 1);
  lua_remove(L, 1);
  return lqr_sentences_with(L, b->seg);
}

static int seg_tostring(lua_State *L) {
  lqr_segbox *b = luaL_checkudata(L, 1, LQR_SEG);
  if (!b->seg) lua_pushliteral(L, "<segmenter (closed)>");
  else lua_pushfstring(L, "<segmenter: %d abbreviations, %s>", (int)qr_segmenter_nabbrevs(b->seg),
                       qr_segmenter_has_model(b->seg) ? "with a sentence model" : "rules only");
  return 1;
}

/* quarry.segmenter([{abbreviations = path | {abbr, ...}, model = path | false}]) */
int lqr_segmenter_new(lua_State *L) {
  if (!lua_isnoneornil(L, 1)) luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  static const char *const names[] = {"abbreviations", "model", NULL};
  lqr_check_options(L, 1, "segmenter", names);
  lqr_segbox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->seg = NULL;
  luaL_setmetatable(L, LQR_SEG);
  int ud = lua_gettop(L);
  b->seg = qr_segmenter_new();
  if (!b->seg) return luaL_error(L, "out of memory");
  if (lua_istable(L, 1)) {
    lua_getfield(L, 1, "abbreviations");
    if (lua_type(L, -1) == LUA_TSTRING) {
      lua_pushcfunction(L, seg_load);
      lua_pushvalue(L, ud);
      lua_pushvalue(L, -3);
      lua_call(L, 2, 0);
    } else if (lua_istable(L, -1)) {
      for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, -1); i++) {
        lua_pushcfunction(L, seg_add);
        lua_pushvalue(L, ud);
        lua_rawgeti(L, -3, i);
        lua_call(L, 2, 0);
      }
    } else if (!lua_isnil(L, -1)) {
      return lqr_opt_type_error(L, -1, "segmenter", "abbreviations", "a path or a list");
    }
    lua_pop(L, 1);
    lua_getfield(L, 1, "model");
    if (lua_type(L, -1) != LUA_TSTRING && !lua_isnil(L, -1) &&
        !(lua_isboolean(L, -1) && !lua_toboolean(L, -1)))
      return lqr_opt_type_error(L, -1, "segmenter", "model", "a path or false");
    if (!lua_isnil(L, -1)) {
      lua_pushcfunction(L, seg_set_model);
      lua_pushvalue(L, ud);
      lua_pushvalue(L, -3);
      lua_call(L, 2, 0);
    }
    lua_pop(L, 1);
  }
  lua_settop(L, ud);
  return 1;
}

static const luaL_Reg seg_methods[] = {
  {"add_abbreviation", seg_add},
  {"load_abbreviations", seg_load},
  {"learn_abbreviations", seg_learn},
  {"abbreviation", seg_abbreviation},
  {"set_model", seg_set_model},
  {"tokenize", seg_tokenize},
  {"sentences", seg_sentences},
  {"close", seg_gc},
  {NULL, NULL},
};

static const luaL_Reg seg_meta[] = {
  {"__gc", seg_gc},
  {"__close", seg_gc},
  {"__tostring", seg_tostring},
  {NULL, NULL},
};

void lqr_open_segmenter(lua_State *L) {
  luaL_newmetatable(L, LQR_SEG);
  luaL_setfuncs(L, seg_meta, 0);
  luaL_newlib(L, seg_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}
