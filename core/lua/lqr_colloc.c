/* lqr_colloc.c — the corpus methods collocates, dispersion and
 * cooccurrences: options checked, the node turned into matches, the work
 * done in C (core/query/colloc.c, dispersion.c, cooc.c) and the results
 * returned as plain tables. docs/statistics.md and docs/lua-api.md
 * document them. */
#include <stdlib.h>
#include <string.h>

#include "lua/lqr.h"
#include "quarry/entities.h"
#include "quarry/stats.h"

static const char *const within_names[] = {"s", "p", "d", NULL};
static const char *const by_names[] = {"lower", "word", "ent", "id", NULL};
static const char *const part_names[] = {"doc", NULL};

/* The option `kind` at opts (lqr_opt_kinds); absent: words. */
static uint32_t opt_kinds(lua_State *L, int opts, const char *fn) {
  uint32_t mask = lqr_opt_kinds(L, opts, fn, NULL);
  return mask ? mask : 1u << QR_TOK_WORD;
}

/* The options table at idx, made an empty table when absent; raises when
 * it is something else or has an option not in names. */
static void check_opts(lua_State *L, int idx, const char *fn, const char *const *names) {
  lqr_check_options(L, idx, fn, names);
  if (lua_isnoneornil(L, idx)) {
    lua_newtable(L);
    lua_replace(L, idx);
  }
}

static void set_number(lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

static void set_integer(lua_State *L, const char *k, uint64_t v) {
  lua_pushinteger(L, (lua_Integer)v);
  lua_setfield(L, -2, k);
}

/* Sets the measures after O and E (mi ... log_ratio) on the table on top. */
static void set_measures(lua_State *L, const qr_assoc *m) {
  set_number(L, "expected", m->expected);
  for (int k = QR_ASSOC_MI; k < QR_ASSOC_NMEASURES; k++)
    set_number(L, qr_assoc_measure_name((qr_assoc_measure)k), qr_assoc_value(m, (qr_assoc_measure)k));
}

/* The option `sort`: a measure's name. */
static qr_assoc_measure opt_sort(lua_State *L, int opts, const char *fn, qr_assoc_measure def) {
  static const char *const names[QR_ASSOC_NMEASURES + 1] = {
    "observed", "expected", "mi", "mi3", "t", "z", "ll", "dice", "logdice", "log_ratio", NULL,
  };
  return (qr_assoc_measure)lqr_opt_enum(L, opts, fn, "sort", (int)def, names);
}

/* ---- c:collocates ------------------------------------------------------------------- */

/* A side of the option `window` given as a table: an integer >= 0, or 0
 * when absent. */
static uint32_t window_side(lua_State *L, int w, const char *side) {
  lua_getfield(L, w, side);
  lua_Integer n = 0;
  if (!lua_isnil(L, -1)) {
    int ok;
    n = lua_tointegerx(L, -1, &ok);
    if (!ok || lua_type(L, -1) != LUA_TNUMBER || n < 0 || n > 1000000)
      luaL_error(L, "option 'window' to 'collocates': %s must be an integer from 0 to 1000000 "
                 "(got %s)", side, luaL_tolstring(L, -1, NULL));
  }
  lua_pop(L, 1);
  return (uint32_t)n;
}

/* The option `window`: a number of tokens each side, or {left =, right =}. */
static void opt_window(lua_State *L, int opts, uint32_t *left, uint32_t *right) {
  lua_getfield(L, opts, "window");
  int w = lua_gettop(L);
  if (lua_istable(L, w)) {
    lua_pushnil(L);
    while (lua_next(L, w)) {
      lua_pop(L, 1);   /* pops the value */
      const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
      if (!k || (strcmp(k, "left") != 0 && strcmp(k, "right") != 0))
        luaL_error(L, "unknown key '%s' in option 'window' to 'collocates' (known: left, right)",
                   luaL_tolstring(L, -1, NULL));
    }
    *left = window_side(L, w, "left");
    *right = window_side(L, w, "right");
  } else {
    if (!lua_isnil(L, w) && lua_type(L, w) != LUA_TNUMBER)
      lqr_opt_type_error(L, w, "collocates", "window", "an integer or {left =, right =}");
    *left = *right = (uint32_t)lqr_opt_integer(L, opts, "collocates", "window", 3, 0, 1000000);
  }
  lua_pop(L, 1);
}

/* c:collocates(node, {window = 3 | {left =, right =}, within = "s", by = "lower",
 *   kind = "word", min = 2, min_freq = 1, sort = "logdice", top = 0, subcorpus = S})
 * -> rows collocate, observed, expected, f_node, f_collocate, mi ... log_ratio */
static int corpus_collocates(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  static const char *const names[] = {"window", "within", "by", "kind", "min", "min_freq",
                                      "sort", "top", "subcorpus", NULL};
  lua_settop(L, 3);
  check_opts(L, 3, "collocates", names);
  qr_colloc_opts o;
  memset(&o, 0, sizeof o);
  opt_window(L, 3, &o.left, &o.right);
  o.within = (qr_unit)lqr_opt_enum(L, 3, "collocates", "within", 0, within_names);
  o.by = (qr_colloc_by)lqr_opt_enum(L, 3, "collocates", "by", 0, by_names);
  o.kinds = opt_kinds(L, 3, "collocates");
  o.min = (uint64_t)lqr_opt_integer(L, 3, "collocates", "min", 2, 1, LUA_MAXINTEGER);
  o.min_freq = (uint64_t)lqr_opt_integer(L, 3, "collocates", "min_freq", 1, 1, LUA_MAXINTEGER);
  o.sort = opt_sort(L, 3, "collocates", QR_ASSOC_LOGDICE);
  o.top = (size_t)lqr_opt_integer(L, 3, "collocates", "top", 0, 0, LUA_MAXINTEGER);
  lqr_opt_subcorpus(L, 3, 1, &o.docs, &o.ndocs);
  if (lua_isnoneornil(L, 2)) luaL_argerror(L, 2, "a node expected (a word, phrase, query, "
                                                 "{entity = id} or matches)");
  size_t nhits;
  const qr_hit *hits = lqr_tomatches(L, 1, 2, &nhits);   /* kept alive at 2 */
  qr_corpus *c = lqr_corpus_of(L, box);
  void **guard = lqr_guard(L, NULL);
  int gi = lua_gettop(L);
  qr_colloc_row *rows;
  size_t n;
  qr_colloc_totals tot;
  qr_status rc = qr_collocates(c, hits, nhits, &o, &rows, &n, &tot);
  if (rc) return luaL_error(L, "collocates: %s", qr_status_string(rc));
  *guard = rows;
  static const char *const cols[] = {"collocate", "observed", "expected", "f_node",
                                     "f_collocate", "mi", "mi3", "t", "z", "ll", "dice",
                                     "logdice", "log_ratio", NULL};
  lqr_new_rows(L, (int)n, cols);
  set_integer(L, "f_node", tot.f_node);
  set_integer(L, "window", tot.window);
  set_integer(L, "tokens", tot.tokens);
  const qr_entities *es = NULL;   /* (made by qr_collocates when by id) */
  if (o.by == QR_COLLOC_ID && qr_corpus_entities(c, &es)) return luaL_error(L, "out of memory");
  for (size_t i = 0; i < n; i++) {
    lua_createtable(L, 0, 16);
    lua_pushstring(L, rows[i].name);
    lua_setfield(L, -2, "collocate");
    if (es) lqr_set_entity_fields(L, es, rows[i].key, NULL);   /* an entity: id, name, type */
    set_integer(L, "observed", (uint64_t)rows[i].m.observed);
    set_integer(L, "f_node", tot.f_node);
    set_integer(L, "f_collocate", rows[i].f_coll);
    set_measures(L, &rows[i].m);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_remove(L, gi);
  return 1;
}

/* ---- c:dispersion --------------------------------------------------------------------- */

static void free_dispersion(void *p) {
  qr_dispersion_free(p);
  free(p);
}

/* Sets field k to v, or leaves it nil when the measures are undefined. */
static void set_defined(lua_State *L, const char *k, int defined, double v) {
  if (defined) set_number(L, k, v);
}

/* c:dispersion(node, {parts = "doc", kind = "word", subcorpus = S}) -> {count, tokens, range,
 *   juilland_d, dp, dp_norm, parts = rows doc, tokens, count, per_million,
 *   positions = rows doc, first, relative} */
static int corpus_dispersion(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  static const char *const names[] = {"parts", "kind", "subcorpus", NULL};
  lua_settop(L, 3);
  check_opts(L, 3, "dispersion", names);
  lqr_opt_enum(L, 3, "dispersion", "parts", 0, part_names);
  qr_disp_opts o;
  memset(&o, 0, sizeof o);
  o.kinds = opt_kinds(L, 3, "dispersion");
  lqr_opt_subcorpus(L, 3, 1, &o.docs, &o.ndocs);
  if (lua_isnoneornil(L, 2)) luaL_argerror(L, 2, "a node expected (a word, phrase, query, "
                                                 "{entity = id} or matches)");
  size_t nhits;
  const qr_hit *hits = lqr_tomatches(L, 1, 2, &nhits);
  qr_corpus *c = lqr_corpus_of(L, box);
  void **guard = lqr_guard(L, free_dispersion);
  int gi = lua_gettop(L);
  qr_dispersion *d = malloc(sizeof *d);
  if (!d) return luaL_error(L, "dispersion: %s", qr_status_string(QR_ENOMEM));
  memset(d, 0, sizeof *d);
  *guard = d;
  qr_status rc = qr_dispersion_compute(c, hits, nhits, &o, d);
  if (rc) return luaL_error(L, "dispersion: %s", qr_status_string(rc));
  lua_createtable(L, 0, 9);
  set_integer(L, "count", d->count);
  set_integer(L, "tokens", d->tokens);
  set_defined(L, "juilland_d", d->defined, d->juilland_d);
  set_defined(L, "dp", d->defined, d->dp);
  set_defined(L, "dp_norm", d->defined, d->dp_norm);
  static const char *const part_cols[] = {"doc", "tokens", "count", "per_million", NULL};
  lqr_new_rows(L, (int)d->nparts, part_cols);
  size_t range = 0;
  for (size_t i = 0; i < d->nparts; i++) {
    const qr_disp_part *p = &d->parts[i];
    qr_doc doc;
    qr_corpus_doc(c, p->doc, &doc);
    lua_createtable(L, 0, 4);
    lua_pushstring(L, doc.id);
    lua_setfield(L, -2, "doc");
    set_integer(L, "tokens", p->tokens);
    set_integer(L, "count", p->count);
    set_number(L, "per_million", p->tokens ? (double)p->count * 1e6 / (double)p->tokens : 0);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
    range += p->count > 0;
  }
  lua_setfield(L, -2, "parts");
  set_integer(L, "range", range);
  static const char *const pos_cols[] = {"doc", "first", "relative", NULL};
  lqr_new_rows(L, (int)d->npos, pos_cols);
  for (size_t i = 0; i < d->npos; i++) {
    qr_doc doc;
    qr_corpus_doc(c, d->pos[i].doc, &doc);
    lua_createtable(L, 0, 3);
    lua_pushstring(L, doc.id);
    lua_setfield(L, -2, "doc");
    set_integer(L, "first", (uint64_t)d->pos[i].first + 1);
    set_number(L, "relative", d->pos[i].relative);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "positions");
  lua_remove(L, gi);
  return 1;
}

/* ---- c:cooccurrences ---------------------------------------------------------------------- */

/* c:cooccurrences{type =, within = "s", min = 1, top = 0, sort = "observed", subcorpus = S}
 * -> rows a, b, a_id, b_id, sentences | paragraphs | docs, docs, units, f_a, f_b,
 *   expected, mi ... log_ratio */
static int corpus_cooccurrences(lua_State *L) {
  lqr_corpus *box = lqr_checkcorpus(L, 1);
  static const char *const names[] = {"type", "within", "min", "top", "sort", "subcorpus",
                                      NULL};
  lua_settop(L, 2);
  check_opts(L, 2, "cooccurrences", names);
  qr_cooc_opts o;
  memset(&o, 0, sizeof o);
  o.type = lqr_opt_string(L, 2, "cooccurrences", "type", NULL);
  o.within = (qr_unit)lqr_opt_enum(L, 2, "cooccurrences", "within", 0, within_names);
  o.min = (uint64_t)lqr_opt_integer(L, 2, "cooccurrences", "min", 1, 1, LUA_MAXINTEGER);
  o.top = (size_t)lqr_opt_integer(L, 2, "cooccurrences", "top", 0, 0, LUA_MAXINTEGER);
  o.sort = opt_sort(L, 2, "cooccurrences", QR_ASSOC_OBSERVED);
  lqr_opt_subcorpus(L, 2, 1, &o.docs, &o.ndocs);
  qr_corpus *c = lqr_corpus_of(L, box);
  void **guard = lqr_guard(L, NULL);
  int gi = lua_gettop(L);
  qr_cooc_row *rows;
  size_t n;
  uint64_t units;
  qr_status rc = qr_cooccurrences(c, &o, &rows, &n, &units);
  if (rc == QR_ELIMIT)
    return luaL_error(L, "cooccurrences: more than %d pairs of entities, the most counted: a "
                      "unit names too many entities (count within a smaller one, within = "
                      "\"s\", or of one type)", (int)QR_COOC_MAX_PAIRS);
  if (rc) return luaL_error(L, "cooccurrences: %s", qr_status_string(rc));
  *guard = rows;
  /* the count is named after the unit; in documents it is the docs column */
  static const char *const count_names[] = {"sentences", "paragraphs", "docs"};
  static const char *const cols_s[] = {"a", "b", "sentences", "docs", NULL};
  static const char *const cols_p[] = {"a", "b", "paragraphs", "docs", NULL};
  static const char *const cols_d[] = {"a", "b", "docs", NULL};
  static const char *const *const cols[] = {cols_s, cols_p, cols_d};
  lqr_new_rows(L, (int)n, cols[o.within]);
  set_integer(L, "units", units);
  for (size_t i = 0; i < n; i++) {
    const qr_cooc_row *r = &rows[i];
    lua_createtable(L, 0, 18);
    lua_pushstring(L, r->a_name);
    lua_setfield(L, -2, "a");
    lua_pushstring(L, r->b_name);
    lua_setfield(L, -2, "b");
    lua_pushstring(L, r->a_id);
    lua_setfield(L, -2, "a_id");
    lua_pushstring(L, r->b_id);
    lua_setfield(L, -2, "b_id");
    set_integer(L, "docs", r->docs);
    set_integer(L, count_names[o.within], r->count);
    set_integer(L, "units", units);
    set_integer(L, "f_a", r->f_a);
    set_integer(L, "f_b", r->f_b);
    set_measures(L, &r->m);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_remove(L, gi);
  return 1;
}

static const luaL_Reg colloc_methods[] = {
  {"collocates", corpus_collocates},
  {"dispersion", corpus_dispersion},
  {"cooccurrences", corpus_cooccurrences},
  {NULL, NULL},
};

void lqr_open_colloc(lua_State *L) {
  luaL_getmetatable(L, LQR_CORPUS);
  lua_getfield(L, -1, "__index");   /* the Corpus's method table */
  luaL_setfuncs(L, colloc_methods, 0);
  lua_pop(L, 2);
  /* quarry.cooccurrences(corpus, opts) is the same function, so that its
   * errors name the caller's line, not a Lua wrapper's */
  lua_pushcfunction(L, corpus_cooccurrences);
  lua_setfield(L, -2, "cooccurrences");
}
