/* lqr_index.c — indexes from Lua: quarry.index (make or update one, as
 * quarry index does) and c:index_info() (what an opened index says of its
 * making, and whether its files changed since). */
#include <string.h>
#include <unistd.h>

#include "lua/lqr.h"
#include "quarry/file.h"
#include "quarry/index.h"

/* quarry.index(paths, out, {gazetteer = FILE | g | false, strict, progress, jobs, guess})
 * -> {documents, tokens, updated, kept, annotated, removed, previous} */
int lqr_index(lua_State *L) {
  int multi = lua_type(L, 1) == LUA_TTABLE;
  if (!multi) luaL_checkstring(L, 1);
  const char *out = luaL_checkstring(L, 2);
  if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
  else {
    lua_settop(L, 2);
    lua_newtable(L);
  }
  lua_settop(L, 3);
  static const char *const names[] = {"gazetteer", "strict", "progress", "jobs", "guess", NULL};
  lqr_check_options(L, 3, "index", names);
  int strict = lqr_opt_boolean(L, 3, "index", "strict", 0);
  int guess = lqr_opt_boolean(L, 3, "index", "guess", 1);
  int progress = lqr_opt_boolean(L, 3, "index", "progress", 0);
  size_t jobs = (size_t)lqr_opt_integer(L, 3, "index", "jobs", 0, 0, 64);
  int npaths = multi ? (int)lua_rawlen(L, 1) : 1;
  if (npaths == 0) return luaL_argerror(L, 1, "the list of paths is empty");
  const char **paths = lua_newuserdatauv(L, (size_t)npaths * sizeof *paths, 0);
  for (int i = 1; i <= npaths; i++) {
    if (multi) lua_rawgeti(L, 1, i);
    else lua_pushvalue(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) return luaL_argerror(L, 1, "every path must be a string");
    paths[i - 1] = lua_tostring(L, -1);
    lqr_check_read(L, paths[i - 1]);
    lua_pop(L, 1);
  }
  lua_getfield(L, 3, "gazetteer");
  int gi = lua_gettop(L);
  const char *gpath = NULL;
  if (lua_isnil(L, gi)) {
    /* as quarry.open: gazetteer.tsv in the first directory given, if any */
    for (int i = 0; i < npaths; i++) {
      if (qr_path_is_dir(paths[i]) != 1) continue;
      lua_pushfstring(L, "%s/gazetteer.tsv", paths[i]);
      if (access(lua_tostring(L, -1), R_OK) == 0) lua_replace(L, gi);
      else lua_pop(L, 1);
      break;
    }
    /* none there: the world gazetteer */
    if (lua_isnil(L, gi)) {
      lua_pushliteral(L, QR_WORLD_GAZETTEER);
      lua_replace(L, gi);
    }
  }
  if (lua_type(L, gi) == LUA_TSTRING) {
    gpath = lua_tostring(L, gi);
    lua_pushcfunction(L, lqr_gazetteer_new);
    lua_pushvalue(L, gi);
    lua_call(L, 1, 1);
  } else if (!lua_isnil(L, gi) && !(lua_isboolean(L, gi) && !lua_toboolean(L, gi)) &&
             !luaL_testudata(L, gi, LQR_GAZ)) {
    return lqr_opt_type_error(L, gi, "index", "gazetteer", "a file name, a gazetteer or false");
  } else {
    lua_pushvalue(L, gi);
  }
  const qr_gazetteer *g = lua_toboolean(L, -1) ? lqr_checkgaz(L, -1)->g : NULL;
  lqr_progress bar;
  int drawing = progress && lqr_progress_start(&bar);
  qr_index_job job = {paths, (size_t)npaths, strict ? QR_CORPUS_STRICT : 0, out, g, gpath,
                      drawing ? lqr_progress_draw : NULL, drawing ? &bar : NULL, jobs,
                      drawing ? lqr_progress_draw_writing : NULL, !guess};
  qr_index_report r;
  qr_error err = {0};
  qr_status rc = qr_index_make(&job, &r, NULL, &err);
  if (drawing) lqr_progress_end(&bar);
  if (rc) return lqr_error(L, &err);
  lua_createtable(L, 0, 7);
  lua_pushinteger(L, (lua_Integer)r.documents);
  lua_setfield(L, -2, "documents");
  lua_pushinteger(L, (lua_Integer)r.tokens);
  lua_setfield(L, -2, "tokens");
  lua_pushboolean(L, r.updated);
  lua_setfield(L, -2, "updated");
  lua_pushinteger(L, (lua_Integer)r.kept);
  lua_setfield(L, -2, "kept");
  lua_pushinteger(L, (lua_Integer)r.annotated);
  lua_setfield(L, -2, "annotated");
  lua_pushinteger(L, (lua_Integer)r.removed);
  lua_setfield(L, -2, "removed");
  if (r.previous[0]) {
    lua_pushstring(L, r.previous);
    lua_setfield(L, -2, "previous");
  }
  return 1;
}

/* c:index_info() -> nil, or {path, version, bytes, gazetteer, sources, roots,
 * stale = {added, changed, removed, first}} */
int lqr_corpus_index_info(lua_State *L) {
  qr_corpus *c = lqr_checkcorpus(L, 1)->c;
  const qr_index_info *info = qr_index_info_of(c);
  if (!info) {
    lua_pushnil(L);
    return 1;
  }
  qr_index_staleness st;
  qr_error err = {0};
  if (qr_index_stale(c, &st, &err)) return lqr_error(L, &err);
  lua_createtable(L, 0, 7);
  lua_pushstring(L, info->path);
  lua_setfield(L, -2, "path");
  lua_pushstring(L, info->version);
  lua_setfield(L, -2, "version");
  lua_pushinteger(L, (lua_Integer)info->file_size);
  lua_setfield(L, -2, "bytes");
  if (info->gazetteer[0]) {
    lua_pushstring(L, info->gazetteer);
    lua_setfield(L, -2, "gazetteer");
  }
  lua_createtable(L, (int)info->nroots, 0);
  for (size_t i = 0; i < info->nroots; i++) {
    lua_pushstring(L, info->roots[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "roots");
  lua_pushinteger(L, (lua_Integer)info->nsources);
  lua_setfield(L, -2, "sources");
  lua_createtable(L, 0, 4);
  lua_pushinteger(L, (lua_Integer)st.added);
  lua_setfield(L, -2, "added");
  lua_pushinteger(L, (lua_Integer)st.changed);
  lua_setfield(L, -2, "changed");
  lua_pushinteger(L, (lua_Integer)st.removed);
  lua_setfield(L, -2, "removed");
  if (st.first) {
    lua_pushstring(L, st.first);
    lua_setfield(L, -2, "first");
  }
  lua_setfield(L, -2, "stale");
  return 1;
}
