/* lqr_jsonl.c — quarry.core.read_jsonl: a corpus from JSON Lines text held
 * in memory.
 *
 * `quarry map` reads its documents from standard input, which has no path
 * quarry.open could take, and may never end: scripts/quarry/mapreduce.lua
 * reads it in batches and makes each batch a corpus of its own here, as
 * quarry.open makes one of a .jsonl file (the same records, ids, metadata
 * and messages). */
#include "lua/lqr.h"

/* quarry.core.read_jsonl(text, name [, gazetteer]) -> Corpus: the records
 * of text, one JSON object a line; name stands for the file in default ids
 * ("name:line") and in messages. A bad line raises "name:line: why". The
 * gazetteer (a Gazetteer) finds its entities in the documents. */
int lqr_read_jsonl(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  luaL_checkstring(L, 2);
  int gi = 0;
  if (!lua_isnoneornil(L, 3)) {
    lqr_checkgaz(L, 3);
    gi = 3;
  }
  /* the userdata first, owning nothing; then the corpus (STYLE.md, 6) */
  lqr_corpus *box = lua_newuserdatauv(L, sizeof *box, 4);
  box->c = NULL;
  luaL_setmetatable(L, LQR_CORPUS);
  int ud = lua_gettop(L);
  box->c = qr_corpus_new();
  if (!box->c) return luaL_error(L, "out of memory");
  qr_error err = {0};
  if (qr_corpus_add_jsonl(box->c, lua_tostring(L, 2), text, len, &err)) return lqr_error(L, &err);
  lua_pushvalue(L, 2);
  lua_setiuservalue(L, ud, 2);   /* the corpus's name */
  if (gi) {
    if (qr_corpus_match(box->c, lqr_checkgaz(L, gi)->g, &err)) return lqr_error(L, &err);
    lua_pushvalue(L, gi);
    lua_setiuservalue(L, ud, 1);   /* keeps the gazetteer alive */
  }
  lua_settop(L, ud);
  return 1;
}
