/* lqr_corpus.c — the Corpus object: quarry.open and its methods.
 *
 * A Corpus userdata holds a box with the qr_corpus. Its user values: 1 the
 * Gazetteer in use, 2 the display name, 3 the Segmenter in use (both kept
 * alive by it; none for the default segmenter), 4 the abbreviations learned
 * when it was opened. Bulk operations (entities, candidates) run in C and
 * return plain tables; the statistics (freq ...) are in lqr_stats.c. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lua/lqr.h"
#include "quarry/entities.h"
#include "quarry/file.h"
#include "quarry/index.h"
#include "quarry/query.h"
#include "quarry/utf8.h"

int lqr_error(lua_State *L, const qr_error *err) {
  return luaL_error(L, "%s", err->msg[0] ? err->msg : qr_status_string(err->status));
}

void lqr_new_rows(lua_State *L, int nrows, const char *const *columns) {
  lua_createtable(L, nrows, 1);
  int n = 0;
  while (columns[n]) n++;
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushstring(L, columns[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "columns");
}

lqr_corpus *lqr_checkcorpus(lua_State *L, int arg) {
  lqr_corpus *box = luaL_checkudata(L, arg, LQR_CORPUS);
  if (!box->c) luaL_error(L, "the corpus is closed");
  return box;
}

qr_corpus *lqr_corpus_of(lua_State *L, lqr_corpus *box) {
  if (!box->c) luaL_error(L, "the corpus is closed");
  return box->c;
}

static int corpus_gc(lua_State *L) {
  lqr_corpus *box = luaL_checkudata(L, 1, LQR_CORPUS);
  qr_corpus_free(box->c);
  box->c = NULL;
  return 0;
}

static size_t count_mentions(const qr_corpus *c) { return qr_corpus_mentions(c)->n; }

/* "3,912": thousands separated, for summaries people read */
static void push_count(lua_State *L, size_t n) {
  char digits[32], out[48];
  int len = snprintf(digits, sizeof digits, "%zu", n), o = 0;
  for (int i = 0; i < len; i++) {
    if (i && (len - i) % 3 == 0) out[o++] = ',';
    out[o++] = digits[i];
  }
  lua_pushlstring(L, out, (size_t)o);
}

static int corpus_tostring(lua_State *L) {
  lqr_corpus *box = luaL_checkudata(L, 1, LQR_CORPUS);
  lua_getiuservalue(L, 1, 2);
  const char *name = lua_tostring(L, -1);
  if (!box->c) {
    lua_pushfstring(L, "<corpus %s (closed)>", name ? name : "?");
    return 1;
  }
  qr_corpus *c = box->c;
  push_count(L, qr_corpus_ndocs(c));
  push_count(L, qr_corpus_tokens(c)->n);
  push_count(L, count_mentions(c));
  lua_pushfstring(L, "<corpus %s: %s docs, %s tokens, %s entities", name ? name : "?",
                  lua_tostring(L, -3), lua_tostring(L, -2), lua_tostring(L, -1));
  size_t skipped = qr_corpus_nskipped(c);
  if (skipped) {
    push_count(L, skipped);
    lua_pushfstring(L, ", %s file%s skipped", lua_tostring(L, -1), skipped == 1 ? "" : "s");
    lua_remove(L, -2);
  }
  lua_pushliteral(L, ">");
  lua_concat(L, skipped ? 3 : 2);
  return 1;
}

static int corpus_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)qr_corpus_ndocs(lqr_checkcorpus(L, 1)->c));
  return 1;
}

static int corpus_docs(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  lqr_push_view(L, W_DOCS, box, 1, 0, qr_corpus_ndocs(box->c));
  return 1;
}

static int corpus_doc(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  size_t n = qr_corpus_ndocs(box->c);
  long i;
  if (lua_type(L, 2) == LUA_TNUMBER) {
    lua_Integer k = luaL_checkinteger(L, 2);
    i = k >= 1 && (size_t)k <= n ? (long)k - 1 : -1;
  } else {
    i = qr_corpus_find(box->c, luaL_checkstring(L, 2));
  }
  if (i < 0) {
    luaL_pushfail(L);
    return 1;
  }
  lqr_push_elem(L, W_DOCS, box, 1, (size_t)i, 0);
  return 1;
}

static int corpus_stats(lua_State *L) {
  qr_corpus *c = lqr_checkcorpus(L, 1)->c;
  size_t bytes = 0;
  for (size_t i = 0; i < qr_corpus_ndocs(c); i++) {
    qr_doc d;
    qr_corpus_doc(c, i, &d);
    bytes += d.len;
  }
  lua_createtable(L, 0, 8);
  lua_pushinteger(L, (lua_Integer)qr_corpus_ndocs(c));
  lua_setfield(L, -2, "docs");
  lua_pushinteger(L, (lua_Integer)qr_corpus_tokens(c)->n);
  lua_setfield(L, -2, "tokens");
  lua_pushinteger(L, (lua_Integer)qr_corpus_sentences(c)->n);
  lua_setfield(L, -2, "sentences");
  lua_pushinteger(L, (lua_Integer)count_mentions(c));
  lua_setfield(L, -2, "entities");
  lua_pushinteger(L, (lua_Integer)qr_lexicon_size(qr_corpus_lexicon(c)));
  lua_setfield(L, -2, "types");
  lua_pushinteger(L, (lua_Integer)bytes);
  lua_setfield(L, -2, "bytes");
  lua_pushinteger(L, (lua_Integer)qr_corpus_memory(c));
  lua_setfield(L, -2, "memory");
  lua_pushinteger(L, (lua_Integer)qr_corpus_nskipped(c));
  lua_setfield(L, -2, "skipped");
  return 1;
}

/* c:skipped() -> the files skipped while loading, {path = ..., reason = ...}
 * each, in load order */
static int corpus_skipped(lua_State *L) {
  qr_corpus *c = lqr_checkcorpus(L, 1)->c;
  size_t n = qr_corpus_nskipped(c);
  lua_createtable(L, (int)n, 0);
  for (size_t k = 0; k < n; k++) {
    const char *why, *path = qr_corpus_skipped(c, k, &why);
    lua_createtable(L, 0, 2);
    lua_pushstring(L, path);
    lua_setfield(L, -2, "path");
    lua_pushstring(L, why);
    lua_setfield(L, -2, "reason");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

static int corpus_warnings(lua_State *L) {
  qr_corpus *c = lqr_checkcorpus(L, 1)->c;
  size_t n = qr_corpus_nwarnings(c);
  lua_createtable(L, (int)n, 0);
  for (size_t k = 0; k < n; k++) {
    lua_pushstring(L, qr_corpus_warning(c, k));
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

static int corpus_name(lua_State *L) {
  lqr_checkcorpus(L, 1);
  lua_getiuservalue(L, 1, 2);
  return 1;
}

static int corpus_segmenter(lua_State *L) {
  lqr_checkcorpus(L, 1);
  lua_getiuservalue(L, 1, 3);
  return 1;
}

static int corpus_learned(lua_State *L) {
  lqr_checkcorpus(L, 1);
  if (lua_getiuservalue(L, 1, 4) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
  }
  return 1;
}

static int corpus_gazetteer(lua_State *L) {
  lqr_checkcorpus(L, 1);
  lua_getiuservalue(L, 1, 1);
  return 1;
}

/* c:set_gazetteer(g or nil): finds g's entities anew. */
static int corpus_set_gazetteer(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  qr_gazetteer *g = NULL;
  if (!lua_isnoneornil(L, 2)) g = lqr_checkgaz(L, 2)->g;
  qr_error err = {0};
  if (qr_corpus_match(box->c, g, &err)) return lqr_error(L, &err);
  lua_settop(L, 2);
  lua_setiuservalue(L, 1, 1);
  return 0;
}

/* ---- candidates ------------------------------------------------------------- */

/* Pushes the context of tokens [first, last) of document d: up to width
 * tokens each side within its sentence, with "…" where the sentence goes
 * on. */
static void push_context(lua_State *L, const qr_corpus *c, const qr_doc *d, size_t first,
                         size_t last, size_t width) {
  const qr_sentences *s = qr_corpus_sentences(c);
  size_t k = qr_corpus_sentence_of_token(c, first);
  size_t s0 = s->first[k], s1 = s0 + s->count[k];
  if (last > s1) s1 = last;
  size_t l0 = first - s0 > width ? first - width : s0;
  size_t r1 = s1 - last > width ? last + width : s1;
  if (l0 > s0) lua_pushliteral(L, "… ");
  else lua_pushliteral(L, "");
  lqr_push_span(L, c, d, l0, r1);
  if (r1 < s1) lua_pushliteral(L, " …");
  else lua_pushliteral(L, "");
  lua_concat(L, 3);
}

/* The type guessed for tokens [first, last) (a mention with QR_MF_GUESS
 * that spans them exactly), or NULL. */
static const char *guessed_type(const qr_corpus *c, size_t first, size_t last) {
  const qr_mentions *m = qr_corpus_mentions(c);
  size_t lo = 0, hi = m->n;   /* mentions are in token order */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (m->tok_first[mid] < first) lo = mid + 1;
    else hi = mid;
  }
  if (lo < m->n && m->tok_first[lo] == first && m->tok_count[lo] == last - first &&
      (m->flags[lo] & QR_MF_GUESS))
    return qr_corpus_mention_type(c, lo);
  return NULL;
}

/* c:candidates{min_count = 2, top = 0, single = false, max_tokens = 6} */
static int corpus_candidates(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  lua_settop(L, 2);
  static const char *const names[] = {"min_count", "top", "single", "max_tokens", NULL};
  lqr_check_options(L, 2, "candidates", names);
  qr_cand_opts o;
  memset(&o, 0, sizeof o);
  o.min_count = (uint64_t)lqr_opt_integer(L, 2, "candidates", "min_count", 2, 1, LUA_MAXINTEGER);
  o.top = (size_t)lqr_opt_integer(L, 2, "candidates", "top", 0, 0, LUA_MAXINTEGER);
  o.single = lqr_opt_boolean(L, 2, "candidates", "single", 0);
  o.max_tokens = (size_t)lqr_opt_integer(L, 2, "candidates", "max_tokens", QR_CAND_MAX_TOKENS, 1,
                                         LUA_MAXINTEGER);
  qr_corpus *c = box->c;
  void **guard = lqr_guard(L, NULL);
  int buf = lua_gettop(L);
  qr_cand_row *own;
  size_t n;
  qr_status rc = qr_find_candidates(c, &o, &own, &n);
  if (rc) return luaL_error(L, "candidates: %s", qr_status_string(rc));
  *guard = own;
  static const char *const cols[] = {"text", "count", "docs", "example", "start", "stop",
                                     "context", NULL};
  lqr_new_rows(L, (int)n, cols);
  const qr_tokens *t = qr_corpus_tokens(c);
  for (size_t i = 0; i < n; i++) {
    size_t first = own[i].first, last = first + own[i].ntok;
    qr_doc doc;
    qr_corpus_doc(c, qr_corpus_doc_of_token(c, first), &doc);
    lua_createtable(L, 0, 7);
    lqr_push_span(L, c, &doc, first, last);
    lua_setfield(L, -2, "text");
    lua_pushinteger(L, (lua_Integer)own[i].count);
    lua_setfield(L, -2, "count");
    lua_pushinteger(L, (lua_Integer)own[i].docs);
    lua_setfield(L, -2, "docs");
    lua_pushstring(L, doc.id);
    lua_setfield(L, -2, "example");
    lqr_set_token_span(L, t, first, last);
    push_context(L, c, &doc, first, last, 6);
    lua_setfield(L, -2, "context");
    lua_pushboolean(L, own[i].acronym);
    lua_setfield(L, -2, "acronym");
    const char *type = guessed_type(c, first, last);   /* what the names guessed say */
    if (type) {
      lua_pushstring(L, type);
      lua_setfield(L, -2, "type");
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_remove(L, buf);
  return 1;
}

/* ---- entities ---------------------------------------------------------------- */

/* c:entities([{type = T}]) -> a view of the mentions (only type T) */
static int corpus_entities(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  lua_settop(L, 2);
  static const char *const names[] = {"type", NULL};
  lqr_check_options(L, 2, "entities", names);
  const char *type = lqr_opt_string(L, 2, "entities", "type", NULL);
  lqr_view *v = lqr_push_view(L, W_MENTIONS, box, 1, 0, qr_corpus_mentions(box->c)->n);
  lqr_view_keep_type(L, v, type);
  return 1;
}

void lqr_set_entity_fields(lua_State *L, const qr_entities *es, uint32_t e, const char *type) {
  lua_pushstring(L, qr_entities_id(es, e));
  lua_setfield(L, -2, "id");
  lua_pushstring(L, type ? type : qr_entities_type(es, e));
  lua_setfield(L, -2, "type");
  lua_pushstring(L, qr_entities_name(es, e));
  lua_setfield(L, -2, "name");
  lua_pushboolean(L, e < qr_entities_known(es));
  lua_setfield(L, -2, "known");
}

/* c:entity(id | number) -> {id, name, type, known, number} or nil: an entity of
 * the corpus (a gazetteer's entry, or a name guessed), by id or by its number
 * (from 1, as the `entity` column gives it) */
static int corpus_entity(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  qr_corpus *c = lqr_corpus_of(L, box);
  const qr_entities *es;
  if (qr_corpus_entities(c, &es)) return luaL_error(L, "out of memory");
  long e;
  if (lua_type(L, 2) == LUA_TNUMBER) {
    lua_Integer k = luaL_checkinteger(L, 2);
    e = k >= 1 && (lua_Unsigned)k <= qr_entities_count(es) ? (long)(k - 1) : -1;
  } else {
    e = qr_entities_find(es, luaL_checkstring(L, 2));
  }
  if (e < 0) {
    lua_pushnil(L);
    return 1;
  }
  lua_createtable(L, 0, 5);
  lqr_set_entity_fields(L, es, (uint32_t)e, NULL);
  lua_pushinteger(L, (lua_Integer)e + 1);
  lua_setfield(L, -2, "number");
  return 1;
}

/* ---- quarry.open ------------------------------------------------------------- */

/* Checks the paths argument, and asks the file guard (lqr_check_read)
 * about each path. */
static void check_paths(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING) {
    lqr_check_read(L, lua_tostring(L, idx));
    return;
  }
  if (lua_type(L, idx) != LUA_TTABLE)
    luaL_argerror(L, idx, "expected a path or a list of paths");
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  if (n == 0) luaL_argerror(L, idx, "the list of paths is empty");
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, idx, i);
    if (lua_type(L, -1) != LUA_TSTRING) luaL_argerror(L, idx, "every path must be a string");
    lqr_check_read(L, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
}

/* The gazetteer option of quarry.open, at index gi: nil, false, a path or
 * a Gazetteer. */
static void check_gazetteer_option(lua_State *L, int gi) {
  if (!lua_isnil(L, gi) && !lua_isboolean(L, gi) && lua_type(L, gi) != LUA_TSTRING &&
      !luaL_testudata(L, gi, LQR_GAZ))
    lqr_opt_type_error(L, gi, "open", "gazetteer", "a file name, a gazetteer or false");
  if (lua_isboolean(L, gi) && lua_toboolean(L, gi))
    luaL_error(L, "option 'gazetteer' to 'open' must be a file name, a gazetteer or false "
               "(got true: true is not a gazetteer; false is none)");
}

/* Loads the gazetteer file at index gi (a path) in place, as
 * quarry.gazetteer(path) does. */
static void load_gazetteer_at(lua_State *L, int gi) {
  lua_pushcfunction(L, lqr_gazetteer_new);
  lua_pushvalue(L, gi);
  lua_call(L, 1, 1);
  lua_replace(L, gi);
}

/* quarry.open of an index (see quarry/index.h): the corpus userdata at ud
 * gets the mapped corpus; then the segmenter (another one annotates again,
 * in memory), the gazetteer (by default the one the index was made with;
 * another one finds the mentions again, in memory), and a warning when the
 * files it was made from changed since. */
static int open_index(lua_State *L, const char *path, int segi, int ud, int quiet, int verify) {
  lqr_corpus *box = lua_touserdata(L, ud);
  qr_error err = {0};
  if (qr_index_open(path, verify ? QR_INDEX_VERIFY : 0, &box->c, &err)) return lqr_error(L, &err);
  const qr_index_info *info = qr_index_info_of(box->c);
  lua_pushvalue(L, 1);
  if (!lua_isstring(L, -1)) {
    lua_pop(L, 1);
    lua_pushstring(L, path);
  }
  lua_setiuservalue(L, ud, 2);
  if (!lua_isnil(L, segi)) {
    const qr_segmenter *seg = lqr_checkseg(L, segi)->seg;
    qr_corpus_use_segmenter(box->c, seg);
    lua_pushvalue(L, segi);
    lua_setiuservalue(L, ud, 3);
    if (qr_segmenter_fingerprint(seg) != info->segmenter_print) {
      if (!quiet)
        fprintf(stderr, "quarry: warning: %s was made with another segmenter: its documents are "
                "annotated again, in memory (quarry index makes the file again)\n", path);
      if (qr_corpus_reannotate(box->c, &err)) return lqr_error(L, &err);
    }
  }
  if (!quiet) {
    qr_index_staleness st;
    if (qr_index_stale(box->c, &st, &err)) return lqr_error(L, &err);
    if (st.added + st.changed + st.removed)
      fprintf(stderr, "quarry: warning: %s is stale: %zu document file%s added, %zu changed, %zu "
              "removed since it was made (first: %s); quarry index updates it\n", path, st.added,
              st.added == 1 ? "" : "s", st.changed, st.removed, st.first);
  }
  lua_getfield(L, 2, "gazetteer");
  int gi = lua_gettop(L);
  check_gazetteer_option(L, gi);
  if (lua_isnil(L, gi) && info->gazetteer[0]) {
    /* the index's own gazetteer: part of what was opened, so read without
     * asking the file guard (a pack may open an index it was given) */
    if (qr_gazetteer_is_builtin(info->gazetteer) || access(info->gazetteer, R_OK) == 0) {
      lqr_gazetteer *b = lua_newuserdatauv(L, sizeof *b, 0);
      b->g = NULL;
      luaL_setmetatable(L, LQR_GAZ);
      if (!(b->g = qr_gazetteer_new())) return luaL_error(L, "out of memory");
      if (qr_gazetteer_load_file(b->g, info->gazetteer, &err)) return lqr_error(L, &err);
      lua_replace(L, gi);
    } else if (!quiet) {
      fprintf(stderr, "quarry: warning: %s: its gazetteer %s cannot be read (%s): no entities "
              "(give one with --gazetteer, or gazetteer = FILE)\n", path, info->gazetteer,
              strerror(errno));
    }
  }
  if (lua_type(L, gi) == LUA_TSTRING) load_gazetteer_at(L, gi);
  if (!lua_toboolean(L, gi)) {
    if (qr_corpus_match(box->c, NULL, &err)) return lqr_error(L, &err);
  } else {
    int rematched;
    if (qr_index_use_gazetteer(box->c, lqr_checkgaz(L, gi)->g, &rematched, &err))
      return lqr_error(L, &err);
    if (rematched && !quiet && info->gazetteer_print)
      fprintf(stderr, "quarry: warning: %s was made with another gazetteer: its entities are "
              "found again, in memory (quarry index --gazetteer makes the file again)\n", path);
    lua_pushvalue(L, gi);
    lua_setiuservalue(L, ud, 1);
  }
  lua_settop(L, ud);
  return 1;
}

/* quarry.open(path | {paths}, {gazetteer = path | g | false, quiet = bool,
 *   strict = bool, segmenter = s, learn_abbreviations = true | {threshold = x}})
 * The gazetteer defaults to gazetteer.tsv in the first directory given. A
 * file of a directory (or of several paths) that cannot be read is skipped
 * with a warning, or, with strict, raises (see qr_corpus_add_paths). */
int lqr_open(lua_State *L) {
  check_paths(L, 1);
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  else {
    lua_settop(L, 1);
    lua_newtable(L);
  }
  lua_settop(L, 2);
  static const char *const names[] = {"gazetteer", "quiet",    "strict", "segmenter",
                                      "learn_abbreviations", "progress", "verify", "jobs",
                                      "guess",     NULL};
  lqr_check_options(L, 2, "open", names);
  int guess = lqr_opt_boolean(L, 2, "open", "guess", 1);
  int quiet = lqr_opt_boolean(L, 2, "open", "quiet", 0);
  int progress = lqr_opt_boolean(L, 2, "open", "progress", 0);
  int strict = lqr_opt_boolean(L, 2, "open", "strict", 0);
  int verify = lqr_opt_boolean(L, 2, "open", "verify", 0);
  /* 0: every processor; the corpus is the same with any number */
  size_t jobs = (size_t)lqr_opt_integer(L, 2, "open", "jobs", 0, 0, 64);
  lua_getfield(L, 2, "segmenter");
  if (!lua_isnil(L, -1) && !luaL_testudata(L, -1, LQR_SEG))
    return lqr_opt_type_error(L, -1, "open", "segmenter", "a segmenter");
  lua_getfield(L, 2, "learn_abbreviations");
  int learn = lua_toboolean(L, -1);
  double threshold = 0;
  if (lua_istable(L, -1)) {
    static const char *const learn_names[] = {"threshold", NULL};
    lqr_check_options(L, -1, "learn_abbreviations", learn_names);
    threshold = lqr_opt_number(L, -1, "learn_abbreviations", "threshold", 0, 0, HUGE_VAL);
  } else if (!lua_isnil(L, -1) && !lua_isboolean(L, -1)) {
    return lqr_opt_type_error(L, -1, "open", "learn_abbreviations",
                              "a boolean or {threshold = x}");
  }
  lua_pop(L, 1);
  /* learning adds to a segmenter: the caller's, or a new one for this corpus */
  if (learn && lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushcfunction(L, lqr_segmenter_new);
    lua_call(L, 0, 1);
  }
  int segi = lua_gettop(L);
  /* the userdata first, owning nothing; then the corpus */
  lqr_corpus *box = lua_newuserdatauv(L, sizeof *box, 4);
  box->c = NULL;
  luaL_setmetatable(L, LQR_CORPUS);
  int ud = lua_gettop(L);
  int npaths = lua_type(L, 1) == LUA_TSTRING ? 1 : (int)lua_rawlen(L, 1);
  /* one path that is an index: mapped, not loaded */
  if (npaths == 1) {
    lua_type(L, 1) == LUA_TSTRING ? lua_pushvalue(L, 1) : (void)lua_rawgeti(L, 1, 1);
    const char *single = lua_tostring(L, -1);
    lua_pop(L, 1);   /* still held by argument 1 */
    if (qr_index_is_index(single)) {
      if (learn)
        return luaL_error(L, "%s is an index: its documents are split already (learn "
                          "abbreviations from the texts, then quarry index them)", single);
      return open_index(L, single, segi, ud, quiet, verify);
    }
  }
  box->c = qr_corpus_new();
  if (!box->c) return luaL_error(L, "out of memory");
  qr_corpus_set_jobs(box->c, jobs);
  qr_corpus_set_guess(box->c, guess);
  if (!lua_isnil(L, segi)) {
    qr_corpus_use_segmenter(box->c, lqr_checkseg(L, segi)->seg);
    lua_pushvalue(L, segi);
    lua_setiuservalue(L, ud, 3);
  }
  /* the gazetteer, before the documents: each is then matched as it is
   * annotated, on the thread that annotates it (when abbreviations are
   * learnt first, the documents are annotated again: matched then) */
  const char *first_dir = NULL;
  for (int i = 1; i <= npaths && !first_dir; i++) {
    if (lua_type(L, 1) == LUA_TSTRING) lua_pushvalue(L, 1);
    else lua_rawgeti(L, 1, i);
    const char *path = lua_tostring(L, -1);
    if (qr_path_is_dir(path) == 1) first_dir = path;   /* kept by arg 1 */
    lua_pop(L, 1);
  }
  lua_getfield(L, 2, "gazetteer");
  int gi = lua_gettop(L);
  check_gazetteer_option(L, gi);
  if (lua_isnil(L, gi) && first_dir) {
    lua_pushfstring(L, "%s/gazetteer.tsv", first_dir);
    FILE *probe = fopen(lua_tostring(L, -1), "r");
    if (probe) {
      fclose(probe);
      lua_replace(L, gi);
    } else {
      lua_pop(L, 1);
    }
  }
  /* none there: the world gazetteer */
  if (lua_isnil(L, gi)) {
    lua_pushliteral(L, QR_WORLD_GAZETTEER);
    lua_replace(L, gi);
  }
  if (lua_type(L, gi) == LUA_TSTRING) load_gazetteer_at(L, gi);
  if (lua_toboolean(L, gi)) {
    lua_pushvalue(L, gi);
    lua_setiuservalue(L, ud, 1);
  }
  if (lua_toboolean(L, gi) && !learn) {
    qr_error err = {0};
    if (qr_corpus_match(box->c, lqr_checkgaz(L, gi)->g, &err)) return lqr_error(L, &err);
  }
  /* the paths as one list (a userdata: nothing to free if a call raises);
   * the strings stay alive in argument 1 */
  const char **paths = lua_newuserdatauv(L, (size_t)npaths * sizeof *paths, 0);
  for (int i = 1; i <= npaths; i++) {
    if (lua_type(L, 1) == LUA_TSTRING) lua_pushvalue(L, 1);
    else lua_rawgeti(L, 1, i);
    paths[i - 1] = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  qr_error perr = {0};
  lqr_progress bar;
  if (progress && lqr_progress_start(&bar)) qr_corpus_set_progress(box->c, lqr_progress_draw, &bar);
  qr_status added = qr_corpus_add_paths(box->c, paths, (size_t)npaths,
                                        strict ? QR_CORPUS_STRICT : 0, &perr);
  qr_corpus_set_progress(box->c, NULL, NULL);   /* bar lives on this stack only */
  if (progress) lqr_progress_end(&bar);
  if (added) return lqr_error(L, &perr);
  lua_pop(L, 1);   /* the list */
  /* the corpus's name: its first path, and how many more */
  lua_type(L, 1) == LUA_TSTRING ? lua_pushvalue(L, 1) : (void)lua_rawgeti(L, 1, 1);
  if (npaths > 1) {
    lua_pushfstring(L, " (+%d)", npaths - 1);
    lua_concat(L, 2);
  }
  lua_setiuservalue(L, ud, 2);
  if (!quiet) {
    for (size_t k = 0; k < qr_corpus_nwarnings(box->c); k++)
      fprintf(stderr, "quarry: warning: %s\n", qr_corpus_warning(box->c, k));
    size_t skipped = qr_corpus_nskipped(box->c);
    if (skipped)
      fprintf(stderr, "quarry: warning: %zu file%s skipped, %zu document%s read (--strict, or "
              "strict = true in quarry.open, makes this an error)\n", skipped, skipped == 1 ? "" : "s", qr_corpus_ndocs(box->c),
              qr_corpus_ndocs(box->c) == 1 ? "" : "s");
  }
  if (learn) {
    /* learn from every document, then tokenize and split them again */
    lqr_learn(L, lqr_checkseg(L, segi)->seg, ud, threshold);
    if (lua_rawlen(L, -1) > 0) {
      qr_error err = {0};
      if (qr_corpus_reannotate(box->c, &err)) return lqr_error(L, &err);
    }
    lua_setiuservalue(L, ud, 4);
  }
  if (learn && lua_toboolean(L, gi)) {   /* matched now, on the documents annotated again */
    qr_error err = {0};
    if (qr_corpus_match(box->c, lqr_checkgaz(L, gi)->g, &err)) return lqr_error(L, &err);
  }
  lua_settop(L, ud);
  return 1;
}

static const luaL_Reg corpus_methods[] = {
  {"index_info", lqr_corpus_index_info},
  {"docs", corpus_docs},
  {"doc", corpus_doc},
  {"entities", corpus_entities},
  {"entity", corpus_entity},
  {"candidates", corpus_candidates},
  {"stats", corpus_stats},
  {"warnings", corpus_warnings},
  {"skipped", corpus_skipped},
  {"name", corpus_name},
  {"gazetteer", corpus_gazetteer},
  {"segmenter", corpus_segmenter},
  {"learned_abbreviations", corpus_learned},
  {"set_gazetteer", corpus_set_gazetteer},
  {"close", corpus_gc},
  {NULL, NULL},
};

static const luaL_Reg corpus_meta[] = {
  {"__gc", corpus_gc},
  {"__close", corpus_gc},
  {"__len", corpus_len},
  {"__tostring", corpus_tostring},
  {NULL, NULL},
};

void lqr_open_corpus(lua_State *L) {
  luaL_newmetatable(L, LQR_CORPUS);
  luaL_setfuncs(L, corpus_meta, 0);
  luaL_newlib(L, corpus_methods);
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, "quarry.Corpus");
  lua_setfield(L, -2, "__name");
  lua_pop(L, 1);
}
