/* lqr_gazetteer.c — the Gazetteer object: build, extend and query entity
 * lists from Lua. */
#include <stdlib.h>
#include <string.h>

#include "lua/lqr.h"
#include "quarry/file.h"
#include "quarry/utf8.h"

lqr_gazetteer *lqr_checkgaz(lua_State *L, int arg) {
  lqr_gazetteer *b = luaL_checkudata(L, arg, LQR_GAZ);
  if (!b->g) luaL_error(L, "the gazetteer is closed");
  return b;
}

static int gaz_gc(lua_State *L) {
  lqr_gazetteer *b = luaL_checkudata(L, 1, LQR_GAZ);
  qr_gazetteer_free(b->g);
  b->g = NULL;
  return 0;
}

/* quarry.gazetteer([path]) -> a Gazetteer, empty or read from a TSV file */
int lqr_gazetteer_new(lua_State *L) {
  const char *path = luaL_optstring(L, 1, NULL);
  if (path && !qr_gazetteer_is_builtin(path)) lqr_check_read(L, path);
  lqr_gazetteer *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->g = NULL;
  luaL_setmetatable(L, LQR_GAZ);
  b->g = qr_gazetteer_new();
  if (!b->g) return luaL_error(L, "out of memory");
  if (path) {
    qr_error err = {0};
    if (qr_gazetteer_load_file(b->g, path, &err)) return lqr_error(L, &err);
  }
  return 1;
}

static int gaz_load(lua_State *L) {
  lqr_gazetteer *b = lqr_checkgaz(L, 1);
  const char *path = luaL_checkstring(L, 2);
  if (!qr_gazetteer_is_builtin(path)) lqr_check_read(L, path);
  qr_error err = {0};
  if (qr_gazetteer_load_file(b->g, path, &err)) return lqr_error(L, &err);
  lua_settop(L, 1);
  return 1;
}

/* The ids of the candidates of mention k (one: its entry) as a list. */
static void push_candidates(lua_State *L, const qr_gazetteer *g, const qr_mentions *m,
                            size_t k) {
  size_t cc = m->cand_count[k];
  lua_createtable(L, (int)(cc ? cc : 1), 0);
  for (size_t c = 0; c < (cc ? cc : 1); c++) {
    lua_pushstring(L, qr_gazetteer_id(g, cc ? m->cands[m->cand_first[k] + c] : m->entry[k]));
    lua_rawseti(L, -2, (lua_Integer)c + 1);
  }
}

void lqr_set_mention_flags(lua_State *L, const qr_gazetteer *g, const qr_mentions *m,
                           size_t k) {
  lua_pushboolean(L, (m->flags[k] & QR_MF_AMBIGUOUS) != 0);
  lua_setfield(L, -2, "ambiguous");
  lua_pushboolean(L, (m->flags[k] & QR_MF_ALIAS) != 0);
  lua_setfield(L, -2, "alias");
  if (m->flags[k] & QR_MF_CAPPED) {   /* only when true: the common case adds no field */
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "capped");
  }
  push_candidates(L, g, m, k);
  lua_setfield(L, -2, "candidates");
}

void lqr_set_entry_fields(lua_State *L, const qr_gazetteer *g, size_t e) {
  lua_pushstring(L, qr_gazetteer_id(g, e));
  lua_setfield(L, -2, "id");
  lua_pushstring(L, qr_gazetteer_type(g, e));
  lua_setfield(L, -2, "type");
  lua_pushstring(L, qr_gazetteer_name(g, e, 0));
  lua_setfield(L, -2, "name");
}

void lqr_push_entry(lua_State *L, const qr_gazetteer *g, size_t e) {
  lua_createtable(L, 0, 6);
  lqr_set_entry_fields(L, g, e);
  size_t nn = qr_gazetteer_nnames(g, e);
  lua_createtable(L, (int)nn, 0);
  for (size_t k = 0; k < nn; k++) {
    lua_pushstring(L, qr_gazetteer_name(g, e, k));
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "names");
  size_t na = qr_gazetteer_nattrs(g, e);
  lua_createtable(L, 0, (int)na);
  for (size_t k = 0; k < na; k++) {
    const char *key, *val;
    qr_gazetteer_attr(g, e, k, &key, &val);
    lua_pushstring(L, val);
    lua_setfield(L, -2, key);
  }
  lua_setfield(L, -2, "attrs");
  static const char *const policies[] = {"auto", "fold", "exact"};
  lua_pushstring(L, policies[qr_gazetteer_case(g, e)]);
  lua_setfield(L, -2, "case");
}

/* Collects the strings of the list (or single string) at idx onto the stack
 * and returns how many; raises naming what when an element is no string. */
static int push_strings(lua_State *L, int idx, const char *what) {
  if (lua_type(L, idx) == LUA_TSTRING) {
    lua_pushvalue(L, idx);
    return 1;
  }
  if (lua_type(L, idx) != LUA_TTABLE) luaL_error(L, "%s must be a string or a list of strings", what);
  int n = (int)lua_rawlen(L, idx);
  luaL_checkstack(L, n + 4, "too many names");
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, idx, i);
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "%s must be strings", what);
  }
  return n;
}

/* g:add(id, type, names [, attrs]) or g:add{id=, type=, names=, attrs=} */
static int gaz_add(lua_State *L) {
  lqr_gazetteer *b = lqr_checkgaz(L, 1);
  if (lua_istable(L, 2)) {
    lua_settop(L, 2);
    static const char *const fields[] = {"id", "type", "names", "name", "attrs", NULL};
    lqr_check_options(L, 2, "add", fields);
    /* the fields' types are checked here, where their names are known */
    if (!lqr_opt_string(L, 2, "add", "id", NULL)) luaL_error(L, "add: the field 'id' is missing");
    if (!lqr_opt_string(L, 2, "add", "type", NULL))
      luaL_error(L, "add: the field 'type' is missing");
    lua_getfield(L, 2, "id");
    lua_getfield(L, 2, "type");
    lua_getfield(L, 2, "names");
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_getfield(L, 2, "name");
    }
    if (lua_type(L, -1) != LUA_TSTRING && !lua_istable(L, -1))
      lqr_opt_type_error(L, -1, "add", "names", "a name or a list of names");
    if (lua_getfield(L, 2, "attrs") != LUA_TNIL && !lua_istable(L, -1))
      lqr_opt_type_error(L, -1, "add", "attrs", "a table");
    lua_remove(L, 2);   /* now: g, id, type, names, attrs */
  }
  const char *id = luaL_checkstring(L, 2);
  const char *type = luaL_checkstring(L, 3);
  if (lua_isnoneornil(L, 4)) luaL_argerror(L, 4, "expected a name or a list of names");
  if (!lua_isnoneornil(L, 5)) luaL_checktype(L, 5, LUA_TTABLE);
  lua_settop(L, 5);
  qr_case_policy policy = QR_CASE_AUTO;
  /* attributes: string keys with string (or number) values, copied as
   * key, value, key, value ... into a list; "case" is the case policy */
  int nattrs = 0;
  lua_newtable(L);
  int list = lua_gettop(L);
  if (!lua_isnil(L, 5)) {
    lua_pushnil(L);
    while (lua_next(L, 5)) {
      if (lua_type(L, -2) != LUA_TSTRING || !lua_isstring(L, -1))
        return luaL_error(L, "attributes must map names to strings");
      const char *k = lua_tostring(L, -2);
      const char *v = lua_tostring(L, -1);   /* converts the value, not the key */
      if (strcmp(k, "case") == 0) {
        if (strcmp(v, "fold") == 0) policy = QR_CASE_FOLD;
        else if (strcmp(v, "exact") == 0) policy = QR_CASE_EXACT;
        else if (strcmp(v, "auto") != 0)
          return luaL_error(L, "bad case '%s' (expected fold, exact or auto)", v);
      } else {
        lua_pushvalue(L, -2);
        lua_rawseti(L, list, 2 * nattrs + 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, list, 2 * nattrs + 2);
        nattrs++;
      }
      lua_pop(L, 1);   /* the value; the key stays for lua_next */
    }
  }
  int name_base = lua_gettop(L) + 1;
  int nnames = push_strings(L, 4, "names");
  /* the strings stay alive on the stack and in the list; the arrays of
   * pointers come from a userdata, so nothing leaks if anything raises */
  const char **ptrs = lua_newuserdatauv(L, sizeof *ptrs * (size_t)(2 * nattrs + nnames + 1), 0);
  const char **attrs = ptrs;
  for (int k = 0; k < 2 * nattrs; k++) {
    lua_rawgeti(L, list, k + 1);
    ptrs[k] = lua_tostring(L, -1);   /* anchored by the list */
    lua_pop(L, 1);
  }
  const char **names = ptrs + 2 * nattrs;
  for (int k = 0; k < nnames; k++) names[k] = lua_tostring(L, name_base + k);
  qr_error err = {0};
  if (qr_gazetteer_add(b->g, id, type, names, (size_t)nnames, attrs, (size_t)nattrs, policy,
                       &err))
    return lqr_error(L, &err);
  lua_settop(L, 1);
  return 1;
}

/* The tokens, sentences, keys and mentions of g:match, owned by a guard
 * (see lqr_guard). */
typedef struct work {
  qr_tokens t;
  qr_sentences s;
  qr_tokkey *keys;
  uint8_t *caps;      /* what the matcher found of the lines (qr_match_opts.caps) */
  qr_mentions m;
  qr_buf scratch;
  qr_guesses q;       /* names the gazetteer lacks */
  uint32_t *ids;      /* per token: its folded form's id in lex */
  qr_lexicon *lex;
} work;

static void free_work(void *p) {
  work *w = p;
  qr_tokens_free(&w->t);
  qr_sentences_free(&w->s);
  free(w->keys);
  free(w->caps);
  qr_mentions_free(&w->m);
  qr_buf_free(&w->scratch);
  qr_guesses_free(&w->q);
  free(w->ids);
  qr_lexicon_free(w->lex);
  free(w);
}

/* Guesses the names of text that w's mentions leave out (qr_gazetteer_guess),
 * the words told apart by their folded forms. With only some types kept
 * (filtered), the mentions are not all the gazetteer's: a guess that takes
 * one in, or overlaps one, goes. */
static qr_status guess_names(const qr_gazetteer *g, const char *text, work *w, int filtered) {
  size_t n = w->t.n;
  if (!n) return QR_OK;
  if (!(w->ids = malloc(n * sizeof *w->ids)) || !(w->lex = qr_lexicon_new())) return QR_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    w->scratch.len = 0;
    if (qr_utf8_fold(text + w->t.start[i], w->t.len[i], &w->scratch) ||
        qr_lexicon_intern(w->lex, w->scratch.data, w->scratch.len, &w->ids[i]))
      return QR_ENOMEM;
  }
  qr_mentions tmp = {0};
  qr_status rc = qr_gazetteer_guess(w->keys, w->ids, w->caps, n, 0, g, &w->m, 0, &w->q);
  if (!rc && filtered) {
    qr_guesses *q = &w->q;
    uint32_t *to = malloc((q->n ? q->n : 1) * sizeof *to);   /* old index -> new, or none */
    if (!to) return QR_ENOMEM;
    size_t kept = 0;
    for (size_t x = 0; x < q->n; x++) {
      int overlaps = 0;
      for (size_t k = 0; k < w->m.n && !overlaps; k++)
        overlaps = w->m.tok_first[k] < q->tok_first[x] + q->tok_count[x] &&
                   q->tok_first[x] < w->m.tok_first[k] + w->m.tok_count[k];
      to[x] = overlaps ? UINT32_MAX : (uint32_t)kept++;
    }
    for (size_t x = 0; x < q->n; x++) {
      if (to[x] == UINT32_MAX) continue;
      size_t y = to[x];
      q->tok_first[y] = q->tok_first[x];
      q->tok_count[y] = q->tok_count[x];
      q->type[y] = q->type[x];
      q->conf[y] = q->conf[x];
      /* (a guess whose full name went names itself in full) */
      q->same[y] = to[q->same[x]] == UINT32_MAX ? (uint32_t)y : to[q->same[x]];
    }
    free(to);
    q->n = kept;
    q->ndrop = 0;
  }
  if (!rc) rc = qr_mentions_add_guesses(&w->m, 0, &w->q, &tmp);
  qr_mentions_free(&tmp);
  return rc;
}

/* The match options at idx (a table or nil): {overlapping = bool, types =
 * {"PERSON", ...} or "PERSON", aliases = bool}. The type names stay on the
 * stack, anchored by a table pushed here. */
static void check_match_opts(lua_State *L, int idx, qr_match_opts *o, const char ***types) {
  memset(o, 0, sizeof *o);
  static const char *const known[] = {"overlapping", "types", "aliases", "guess", NULL};
  lqr_check_options(L, idx, "match", known);
  o->overlapping = lqr_opt_boolean(L, idx, "match", "overlapping", 0);
  o->aliases = lqr_opt_boolean(L, idx, "match", "aliases", 1);
  lua_newtable(L);   /* anchors the type names */
  if (lua_isnoneornil(L, idx)) return;
  lua_getfield(L, idx, "types");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  if (lua_type(L, -1) == LUA_TSTRING) {   /* one type */
    lua_createtable(L, 1, 0);
    lua_insert(L, -2);
    lua_rawseti(L, -2, 1);
  }
  if (!lua_istable(L, -1)) lqr_opt_type_error(L, -1, "match", "types", "a type name or a list");
  size_t n = lua_rawlen(L, -1);
  const char **names = lua_newuserdatauv(L, (n ? n : 1) * sizeof *names, 1);
  lua_pushvalue(L, -2);
  lua_setiuservalue(L, -2, 1);   /* the list keeps the strings alive */
  for (size_t k = 0; k < n; k++) {
    lua_rawgeti(L, -2, (lua_Integer)k + 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "option 'types' to 'match' must be a list of type names (got a %s in it)",
                 luaL_typename(L, -1));
    names[k] = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  lua_rawseti(L, -3, 1);   /* the userdata into the anchor */
  lua_pop(L, 1);           /* the list */
  o->types = names;
  o->ntypes = n;
  *types = names;
}

/* Pushes mention k of m as a table (see docs/lua-api.md). */
static void push_match(lua_State *L, const qr_gazetteer *g, const char *text, const work *w,
                       size_t k, size_t sentence) {
  const qr_mentions *m = &w->m;
  size_t first = m->tok_first[k], last = first + m->tok_count[k] - 1;
  uint32_t e = m->entry[k];
  lua_createtable(L, 0, 10);
  lqr_set_entry_fields(L, g, e);
  size_t s0 = w->t.start[first], s1 = w->t.start[last] + w->t.len[last];
  lua_pushlstring(L, text + s0, s1 - s0);
  lua_setfield(L, -2, "text");
  lqr_set_token_span(L, &w->t, first, last + 1);
  lua_pushinteger(L, (lua_Integer)sentence);
  lua_setfield(L, -2, "sentence");
  lqr_set_mention_flags(L, g, m, k);
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "known");
}

/* The text of tokens [first, first + count) of w. */
static void push_span_text(lua_State *L, const char *text, const work *w, size_t first,
                           size_t count) {
  size_t last = first + count - 1;
  size_t s0 = w->t.start[first], s1 = w->t.start[last] + w->t.len[last];
  lua_pushlstring(L, text + s0, s1 - s0);
}

/* Pushes guess k of w's mentions as a table: a mention that no entry
 * names, known = false, its id the words of the guess that names it in
 * full. */
static void push_guess(lua_State *L, const char *text, const work *w, size_t k, size_t sentence) {
  const qr_mentions *m = &w->m;
  size_t first = m->tok_first[k], full = qr_mention_guess_full(m, k);
  lua_createtable(L, 0, 10);
  push_span_text(L, text, w, m->tok_first[full], m->tok_count[full]);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "id");
  lua_setfield(L, -2, "name");
  lua_pushstring(L, qr_guess_type_name(qr_mention_guess_type(m, k)));
  lua_setfield(L, -2, "type");
  push_span_text(L, text, w, first, m->tok_count[k]);
  lua_setfield(L, -2, "text");
  lqr_set_token_span(L, &w->t, first, first + m->tok_count[k]);
  lua_pushinteger(L, (lua_Integer)sentence);
  lua_setfield(L, -2, "sentence");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "known");
  lua_pushnumber(L, qr_mention_guess_conf(m, k) / 100.0);
  lua_setfield(L, -2, "confidence");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "ambiguous");
  lua_pushboolean(L, (m->flags[k] & QR_MF_ALIAS) != 0);
  lua_setfield(L, -2, "alias");
}

/* g:match(text [, options]) -> the mentions in text, as tables */
static int gaz_match(lua_State *L) {
  lqr_gazetteer *b = lqr_checkgaz(L, 1);
  size_t n;
  const char *text = luaL_checklstring(L, 2, &n);
  qr_match_opts opts;
  const char **types = NULL;
  check_match_opts(L, 3, &opts, &types);
  const qr_segmenter *seg = lqr_segmenter(L);
  void **guard = lqr_guard(L, free_work);
  work *w = calloc(1, sizeof *w);
  if (!w) return luaL_error(L, "out of memory");
  *guard = w;
  qr_status rc = qr_tokenize(seg, text, n, &w->t);
  if (!rc) rc = qr_split_sentences(seg, text, n, &w->t, 0, &w->s);
  if (!rc && w->t.n &&
      (!(w->keys = malloc(w->t.n * sizeof *w->keys)) || !(w->caps = malloc(w->t.n))))
    rc = QR_ENOMEM;
  for (size_t i = 0; rc == QR_OK && i < w->t.n; i++)
    rc = qr_gazetteer_token_key(b->g, text, &w->t, i, &w->scratch, &w->keys[i]);
  /* names run across line breaks, as in a corpus: the barriers are those of
   * qr_gazetteer_token_flags (paragraphs, terminators), not the sentences */
  opts.caps = w->caps;
  if (!rc) rc = qr_gazetteer_match_keys(b->g, w->keys, w->t.n, 0, &opts, &w->m);
  /* names the gazetteer lacks: not among overlapping matches, and of the
   * types asked for */
  int guess = lqr_opt_boolean(L, 3, "match", "guess", 1) && !opts.overlapping;
  if (!rc && guess) rc = guess_names(b->g, text, w, opts.types != NULL);
  if (rc) return luaL_error(L, "match: %s", qr_status_string(rc));
  /* rows, whose columns put what a reader looks at first (report.table,
   * the REPL) */
  static const char *const columns[] = {"start", "stop", "text", "type", "id", "sentence",
                                        "known", "confidence", "ambiguous", "alias",
                                        "candidates", NULL};
  lqr_new_rows(L, (int)w->m.n, columns);
  size_t sent = 0;
  lua_Integer row = 0;
  for (size_t k = 0; k < w->m.n; k++) {
    while (sent + 1 < w->s.n && w->s.first[sent + 1] <= w->m.tok_first[k]) sent++;
    if (!(w->m.flags[k] & QR_MF_GUESS)) {
      push_match(L, b->g, text, w, k, sent + 1);
    } else {
      int keep = !opts.types;
      for (size_t y = 0; !keep && y < opts.ntypes; y++)
        keep = strcmp(opts.types[y], qr_guess_type_name(qr_mention_guess_type(&w->m, k))) == 0;
      if (!keep) continue;
      push_guess(L, text, w, k, sent + 1);
    }
    lua_rawseti(L, -2, ++row);
  }
  return 1;
}

/* g:lookup(name) -> the entries this name (the whole string) refers to, a
 * list, empty when none. A lookup is a question, not text: a name is found
 * in small letters too ("north korea"), but acronyms only in capitals. */
static int gaz_lookup(lua_State *L) {
  lqr_gazetteer *b = lqr_checkgaz(L, 1);
  size_t n;
  const char *text = luaL_checklstring(L, 2, &n);
  qr_match_opts opts = {1, NULL, 0, 0, NULL};   /* every match, to see the whole string's */
  void **guard = lqr_guard(L, free_work);
  work *w = calloc(1, sizeof *w);
  if (!w) return luaL_error(L, "out of memory");
  *guard = w;
  qr_status rc = qr_tokenize(lqr_segmenter(L), text, n, &w->t);
  if (!rc && w->t.n && !(w->keys = malloc(w->t.n * sizeof *w->keys))) rc = QR_ENOMEM;
  for (size_t i = 0; rc == QR_OK && i < w->t.n; i++) {
    rc = qr_gazetteer_token_key(b->g, text, &w->t, i, &w->scratch, &w->keys[i]);
    w->keys[i].flags &= ~(uint32_t)(QR_KF_SMALL | QR_KF_BARRIER);
  }
  if (!rc && w->t.n) w->keys[0].flags |= QR_KF_BARRIER;
  if (!rc) rc = qr_gazetteer_match_keys(b->g, w->keys, w->t.n, 0, &opts, &w->m);
  if (rc) return luaL_error(L, "lookup: %s", qr_status_string(rc));
  lua_newtable(L);
  lua_Integer out = 0;
  for (size_t k = 0; k < w->m.n; k++) {
    if (w->m.tok_first[k] != 0 || w->m.tok_count[k] != w->t.n) continue;
    size_t cc = w->m.cand_count[k];
    for (size_t c = 0; c < (cc ? cc : 1); c++) {
      lqr_push_entry(L, b->g, cc ? w->m.cands[w->m.cand_first[k] + c] : w->m.entry[k]);
      lua_rawseti(L, -2, ++out);
    }
  }
  return 1;
}

/* g:remove(id) -> true, or nil and a message when there is no such entry */
static int gaz_remove(lua_State *L) {
  lqr_gazetteer *b = lqr_checkgaz(L, 1);
  const char *id = luaL_checkstring(L, 2);
  if (qr_gazetteer_remove(b->g, id) != QR_OK) {
    luaL_pushfail(L);
    lua_pushfstring(L, "no entry '%s'", id);
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* g:entries([{type = T}]) -> a list of entry tables */
static int gaz_entries(lua_State *L) {
  lqr_gazetteer *b = lqr_checkgaz(L, 1);
  lua_settop(L, 2);
  static const char *const names[] = {"type", NULL};
  lqr_check_options(L, 2, "entries", names);
  const char *type = lqr_opt_string(L, 2, "entries", "type", NULL);
  lua_newtable(L);
  lua_Integer k = 0;
  for (size_t e = 0; e < qr_gazetteer_size(b->g); e++) {
    if (!qr_gazetteer_live(b->g, e)) continue;
    if (type && strcmp(type, qr_gazetteer_type(b->g, e)) != 0) continue;
    lqr_push_entry(L, b->g, e);
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

/* g:entry(id) -> the entry table, or nil */
static int gaz_entry(lua_State *L) {
  lqr_gazetteer *b = lqr_checkgaz(L, 1);
  long e = qr_gazetteer_find(b->g, luaL_checkstring(L, 2));
  if (e < 0) {
    luaL_pushfail(L);
    return 1;
  }
  lqr_push_entry(L, b->g, (size_t)e);
  return 1;
}

static int gaz_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)qr_gazetteer_count(lqr_checkgaz(L, 1)->g));
  return 1;
}

static int gaz_tostring(lua_State *L) {
  lqr_gazetteer *b = luaL_checkudata(L, 1, LQR_GAZ);
  if (!b->g) lua_pushliteral(L, "<gazetteer (closed)>");
  else lua_pushfstring(L, "<gazetteer: %d entries>", (int)qr_gazetteer_count(b->g));
  return 1;
}

static const luaL_Reg gaz_methods[] = {
  {"add", gaz_add},
  {"load", gaz_load},
  {"match", gaz_match},
  {"lookup", gaz_lookup},
  {"remove", gaz_remove},
  {"entries", gaz_entries},
  {"entry", gaz_entry},
  {"close", gaz_gc},
  {NULL, NULL},
};

static const luaL_Reg gaz_meta[] = {
  {"__gc", gaz_gc},
  {"__close", gaz_gc},
  {"__len", gaz_len},
  {"__tostring", gaz_tostring},
  {NULL, NULL},
};

void lqr_open_gazetteer(lua_State *L) {
  luaL_newmetatable(L, LQR_GAZ);
  luaL_setfuncs(L, gaz_meta, 0);
  luaL_newlib(L, gaz_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}
