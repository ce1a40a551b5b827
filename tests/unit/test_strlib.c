/* test_strlib.c — quarry's string.find, match, gmatch and gsub
 * (core/lua/lqr_strlib.c) against Lua 5.4's own, and their stop.
 *
 * A differential test: a plain luaL_newstate() keeps the original string
 * library, a quarry state (qr_lua_newstate) has ours, and the same calls run
 * in both; their results (each value with its type) and their error
 * messages must be the same, byte for byte. The calls are a hand list of
 * tricky ones and tens of thousands generated ones: subjects over a small
 * alphabet with bytes over 127 and NUL, patterns from a grammar of pattern
 * pieces (with malformed ones among them), every init and replacement kind.
 * Then the stop: a pattern that backtracks for ever ends within a second by
 * the instruction budget, and by an interrupt from a timer signal. */
#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "quarry/lua.h"
#include "unit.h"

/* The driver, loaded in both states: call(kind, s, p, init, repl, max)
 * runs one call under pcall and gives back everything it produced as one
 * string. repl is a string, or the number of one of the replacements below
 * (functions of every kind of result, a table). */
static const char driver[] =
    "local function ser(...)\n"
    "  local t = {}\n"
    "  for i = 1, select('#', ...) do\n"
    "    local v = select(i, ...)\n"
    "    t[i] = math.type(v) or type(v)\n"
    "    if type(v) ~= 'table' and type(v) ~= 'function' then t[i] = t[i] .. ':' .. tostring(v) end\n"
    "  end\n"
    "  return table.concat(t, '|')\n"
    "end\n"
    "local repls = {\n"
    "  function(...) return '<' .. ser(...) .. '>' end,\n"
    "  function(a) if #tostring(a) % 2 == 0 then return false end return '{' .. a .. '}' end,\n"
    "  function() return nil end,\n"
    "  function(a, b) return b or 7 end,\n"
    "  function(a) if a == 'b' then return {} end return 'z' end,\n"
    "  {a = 'A', b = false, c = 2, ab = 'AB', [1] = 'one', [''] = 'E', bc = {}},\n"
    "}\n"
    "return function(kind, s, p, init, r, max)\n"
    "  if type(r) == 'number' then r = repls[r] end\n"
    "  if kind == 'find' then return ser(pcall(string.find, s, p, init))\n"
    "  elseif kind == 'plain' then return ser(pcall(string.find, s, p, init, true))\n"
    "  elseif kind == 'match' then return ser(pcall(string.match, s, p, init))\n"
    "  elseif kind == 'gsub' then return ser(pcall(string.gsub, s, p, r, max))\n"
    "  elseif kind == 'method' then return ser(pcall(function() return s:gsub(p, r, max) end))\n"
    "  else\n"
    "    local out = {}\n"
    "    local ok, err = pcall(function()\n"
    "      local it = string.gmatch(s, p, init)\n"
    "      for _ = 1, 60 do\n"
    "        local v = table.pack(it())\n"
    "        if v.n == 0 then break end\n"
    "        out[#out + 1] = ser(table.unpack(v, 1, v.n))\n"
    "      end\n"
    "      out[#out + 1] = ser(it())\n"
    "    end)\n"
    "    return table.concat(out, ' ; ') .. (ok and '' or ' ! ' .. err)\n"
    "  end\n"
    "end\n";

static lua_State *orig, *ours;

static int load_driver(lua_State *L) {
  if (luaL_loadbuffer(L, driver, sizeof driver - 1, "=driver") != LUA_OK ||
      lua_pcall(L, 0, 1, 0) != LUA_OK)
    return 0;
  lua_setfield(L, LUA_REGISTRYINDEX, "strlib_driver");
  return 1;
}

/* One call: the arguments (s and p with their lengths; init, max: a
 * LUA_MININTEGER means absent; repl: a string, or NULL and repl_no). */
typedef struct call {
  const char *kind;
  const char *s;
  size_t ls;
  const char *p;
  size_t lp;
  lua_Integer init;
  const char *repl;
  int repl_no;
  lua_Integer max;
} call;

#define ABSENT LUA_MININTEGER

/* Runs c in L; the result string is left on the stack. */
static const char *run(lua_State *L, const call *c) {
  lua_getfield(L, LUA_REGISTRYINDEX, "strlib_driver");
  lua_pushstring(L, c->kind);
  lua_pushlstring(L, c->s, c->ls);
  lua_pushlstring(L, c->p, c->lp);
  if (c->init == ABSENT) lua_pushnil(L);
  else lua_pushinteger(L, c->init);
  if (c->repl) lua_pushstring(L, c->repl);
  else lua_pushinteger(L, c->repl_no);
  if (c->max == ABSENT) lua_pushnil(L);
  else lua_pushinteger(L, c->max);
  if (lua_pcall(L, 6, 1, 0) != LUA_OK) return lua_tostring(L, -1);
  return lua_tostring(L, -1);
}

/* A printable form of a byte string, for failure reports. */
static void show(char *out, size_t size, const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n && k + 5 < size; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 32 && c < 127 && c != '\\') out[k++] = (char)c;
    else k += (size_t)snprintf(out + k, size - k, "\\%u", c);
  }
  out[k] = '\0';
}

/* What the calls gave in Lua: errors, misses, matches (for the report of
 * how much the generated calls cover). */
static int outcomes[3];

/* Runs c in both states; reports a difference (up to a few per case). */
static int compare(unit *u, const call *c, int *reported) {
  int top1 = lua_gettop(orig), top2 = lua_gettop(ours);
  const char *a = run(orig, c), *b = run(ours, c);
  int same = a && b && strcmp(a, b) == 0;
  if (a) {
    if (strncmp(a, "boolean:false", 13) == 0 || strstr(a, " ! ")) outcomes[0]++;
    else if (strcmp(a, "boolean:true|nil:nil") == 0 || strcmp(a, "") == 0) outcomes[1]++;
    else outcomes[2]++;
  }
  if (!same && (*reported)++ < 4) {
    char s[200], p[200];
    show(s, sizeof s, c->s, c->ls);
    show(p, sizeof p, c->p, c->lp);
    unit_fail(u, __FILE__, __LINE__, "%s(\"%s\", \"%s\", init %lld, repl %s/%d, max %lld)\n#   lua:    %.300s\n#   quarry: %.300s",
              c->kind, s, p, (long long)c->init, c->repl ? c->repl : "-", c->repl_no,
              (long long)c->max, a ? a : "(null)", b ? b : "(null)");
  }
  lua_settop(orig, top1);
  lua_settop(ours, top2);
  return same;
}

/* ---- the hand list ------------------------------------------------------ */

typedef struct hand {
  const char *kind, *s, *p;
  lua_Integer init;
  const char *repl;
  int repl_no;
} hand;

static const hand hands[] = {
  {"find", "hello world", "o w", ABSENT, NULL, 0},
  {"find", "hello world", "l+", ABSENT, NULL, 0},
  {"find", "hello", "", 10, NULL, 0},
  {"find", "hello", "", 6, NULL, 0},
  {"find", "hello", "", 7, NULL, 0},
  {"find", "hello", "l", -2, NULL, 0},
  {"find", "hello", "l", -100, NULL, 0},
  {"find", "hello", "l", 0, NULL, 0},
  {"plain", "a.b", ".", ABSENT, NULL, 0},
  {"plain", "a.b", "", 4, NULL, 0},
  {"plain", "a.b", "", 5, NULL, 0},
  {"find", "a+b", "+", ABSENT, NULL, 0},
  {"find", "a)b", ")", ABSENT, NULL, 0},
  {"match", "a)b", ")", ABSENT, NULL, 0},
  {"match", "key = value", "(%w+)%s*=%s*(%w+)", ABSENT, NULL, 0},
  {"match", "hello", "()ll()", ABSENT, NULL, 0},
  {"find", "hello", "()ll()", ABSENT, NULL, 0},
  {"match", "THE (quick) fox", "%((%a+)%)", ABSENT, NULL, 0},
  {"match", "f(a(b)c)d", "%b()", ABSENT, NULL, 0},
  {"match", "f(a(b)c", "%b()", ABSENT, NULL, 0},
  {"match", "abc", "%b", ABSENT, NULL, 0},
  {"match", "abc", "%ba", ABSENT, NULL, 0},
  {"match", "THE quick", "%f[%a]%a+", ABSENT, NULL, 0},
  {"match", "THE quick", "%f[%l]%a+", ABSENT, NULL, 0},
  {"match", "quick", "%f[%z]", ABSENT, NULL, 0},
  {"match", "quick", "%f[%Z]", ABSENT, NULL, 0},
  {"match", "quick", "%fx", ABSENT, NULL, 0},
  {"match", "quick", "%f", ABSENT, NULL, 0},
  {"match", "a]b", "[]]", ABSENT, NULL, 0},
  {"match", "a^b", "[^^]+", ABSENT, NULL, 0},
  {"match", "a-b", "[a-]+", ABSENT, NULL, 0},
  {"match", "a-b", "[%a-]+", ABSENT, NULL, 0},
  {"match", "a-b", "[b-a]+", ABSENT, NULL, 0},
  {"match", "abc", "[a", ABSENT, NULL, 0},
  {"match", "abc", "[a%", ABSENT, NULL, 0},
  {"match", "abc", "[a%]", ABSENT, NULL, 0},
  {"match", "abc", "[]", ABSENT, NULL, 0},
  {"match", "abc", "[^]", ABSENT, NULL, 0},
  {"match", "abc", "%", ABSENT, NULL, 0},
  {"match", "abc", "x%", ABSENT, NULL, 0},
  {"match", "abc", "a%", ABSENT, NULL, 0},
  {"match", "abc", "(a", ABSENT, NULL, 0},
  {"match", "abc", "a)", ABSENT, NULL, 0},
  {"match", "abc", "(a)%2", ABSENT, NULL, 0},
  {"match", "abc", "(a%1)", ABSENT, NULL, 0},
  {"match", "abc", "()%1", ABSENT, NULL, 0},
  {"match", "abab", "(ab)%1", ABSENT, NULL, 0},
  {"match", "abc", "%0", ABSENT, NULL, 0},
  {"match", "a$b", "a$b", ABSENT, NULL, 0},
  {"match", "ab", "b$", ABSENT, NULL, 0},
  {"match", "ab", "^b", ABSENT, NULL, 0},
  {"match", "ab", "^", ABSENT, NULL, 0},
  {"match", "ab", "$", ABSENT, NULL, 0},
  {"match", "ab", "^$", ABSENT, NULL, 0},
  {"match", "", "^$", ABSENT, NULL, 0},
  {"match", "aaa", "a-b", ABSENT, NULL, 0},
  {"match", "aaab", "a-b", ABSENT, NULL, 0},
  {"match", "aaab", "a*?", ABSENT, NULL, 0},
  {"match", "\xe9t\xe9", "%a+", ABSENT, NULL, 0},
  {"match", "\xe9t\xe9", "[\xe0-\xef]+", ABSENT, NULL, 0},
  {"match", "x\ty\v", "%s+", ABSENT, NULL, 0},
  {"match", "a.b", "%.", ABSENT, NULL, 0},
  {"match", "a.b", "%W", ABSENT, NULL, 0},
  {"match", "abc", "%z", ABSENT, NULL, 0},
  {"match", "a_1", "[%w_]+", ABSENT, NULL, 0},
  {"match", "0x1F", "%x+$", ABSENT, NULL, 0},
  {"match", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
   "a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?"
   "a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?"
   "a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?"
   "a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?"
   "a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?",
   ABSENT, NULL, 0},
  {"match", "abc", "((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))", ABSENT, NULL, 0},
  {"match", "abc", "(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))", ABSENT, NULL, 0},
  {"match", "abc", "()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()()", ABSENT, NULL, 0},
  {"gmatch", "hello world from Lua", "%a+", ABSENT, NULL, 0},
  {"gmatch", "k=v, x=y", "(%w+)=(%w+)", ABSENT, NULL, 0},
  {"gmatch", "abc", "", ABSENT, NULL, 0},
  {"gmatch", "abc", "b*", ABSENT, NULL, 0},
  {"gmatch", "abc", "^a", ABSENT, NULL, 0},
  {"gmatch", "^a^a", "^a", ABSENT, NULL, 0},
  {"gmatch", "abcabc", "a", 2, NULL, 0},
  {"gmatch", "abcabc", "a", -3, NULL, 0},
  {"gmatch", "abcabc", "", 7, NULL, 0},
  {"gmatch", "abcabc", "", 8, NULL, 0},
  {"gmatch", "abc", "()", ABSENT, NULL, 0},
  {"gmatch", "abc", "%f[%w]", ABSENT, NULL, 0},
  {"gmatch", "abc", "[", ABSENT, NULL, 0},
  {"gsub", "hello world", "o", ABSENT, "0", 0},
  {"gsub", "hello world", "(o)", ABSENT, "[%1%1]", 0},
  {"gsub", "hello world", "o", ABSENT, "%0%0", 0},
  {"gsub", "hello world", "o", ABSENT, "%1", 0},
  {"gsub", "hello world", "o", ABSENT, "%2", 0},
  {"gsub", "hello world", "o", ABSENT, "100%%", 0},
  {"gsub", "hello world", "o", ABSENT, "100%", 0},
  {"gsub", "hello world", "o", ABSENT, "%a", 0},
  {"gsub", "hello world", "()o", ABSENT, "%1", 0},
  {"gsub", "hello world", "(o", ABSENT, "%1", 0},
  {"gsub", "hello world", "", ABSENT, "-", 0},
  {"gsub", "hello world", "l*", ABSENT, "-", 0},
  {"gsub", "hello world", "^h", ABSENT, "H", 0},
  {"gsub", "hello world", "^x", ABSENT, "H", 0},
  {"gsub", "hello world", "^", ABSENT, ">", 0},
  {"gsub", "hello world", "$", ABSENT, "<", 0},
  {"gsub", "hello world", "%w+", ABSENT, NULL, 1},
  {"gsub", "hello world", "%w+", ABSENT, NULL, 2},
  {"gsub", "hello world", "%w+", ABSENT, NULL, 3},
  {"gsub", "hello world", "(%w)(%w)", ABSENT, NULL, 4},
  {"gsub", "a b c", "%a", ABSENT, NULL, 5},
  {"gsub", "a b c ab bc", "%a+", ABSENT, NULL, 6},
  {"gsub", "a b c ab", "()%a+", ABSENT, NULL, 6},
  {"gsub", "a b c", "%a", ABSENT, NULL, 9},
  {"method", "a b c", "%a", ABSENT, NULL, 9},
  {"method", "a b c", "%a", ABSENT, "x", 0},
};

/* ---- generated calls ---------------------------------------------------- */

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(unsigned n) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (unsigned)(rng_state >> 33) % n;
}

static const char subject_chars[] = "aaabbbcc()%.-[] AZ19\n\xe9\x80";   /* and NUL */

static size_t gen_subject(char *out) {
  size_t n = rnd(4) == 0 ? 0 : rnd(15);
  for (size_t i = 0; i < n; i++) {
    unsigned k = rnd(sizeof subject_chars);   /* the last one is the NUL */
    out[i] = subject_chars[k];
  }
  return n;
}

typedef struct pbuf {
  char b[160];
  size_t n;
  int open, caps, reps;
} pbuf;

static void put(pbuf *p, const char *s) {
  size_t l = strlen(s);
  if (p->n + l < sizeof p->b) {
    memcpy(p->b + p->n, s, l);
    p->n += l;
  }
}
static void putc1(pbuf *p, char c) {
  if (p->n + 1 < sizeof p->b) p->b[p->n++] = c;
}

/* One single-character item: a character, '.', a %class or a set. */
static void gen_single(pbuf *p) {
  static const char *const classes[] = {"%a", "%d", "%s", "%w", "%l", "%u", "%p", "%c", "%g",
                                        "%x", "%A", "%S", "%W", "%D", "%.", "%%", "%(", "%]",
                                        "%-", "%z"};
  static const char lits[] = "aabbc -()Z1\xe9";
  switch (rnd(6)) {
  case 0: putc1(p, '.'); break;
  case 1: put(p, classes[rnd(sizeof classes / sizeof *classes)]); break;
  case 2: {
    putc1(p, '[');
    if (rnd(3) == 0) putc1(p, '^');
    if (rnd(6) == 0) putc1(p, ']');
    int n = 1 + (int)rnd(3);
    for (int i = 0; i < n; i++) {
      switch (rnd(4)) {
      case 0: put(p, rnd(2) ? "a-b" : "\x80-\xff"); break;
      case 1: put(p, classes[rnd(sizeof classes / sizeof *classes)]); break;
      default: putc1(p, lits[rnd(sizeof lits - 1)]); break;
      }
    }
    if (rnd(5) == 0) putc1(p, '-');
    putc1(p, ']');
    break;
  }
  default: putc1(p, lits[rnd(sizeof lits - 1)]); break;
  }
}

/* One piece: an item with a repetition, a capture, a back-reference, %b
 * or %f. */
static void gen_piece(pbuf *p, int depth) {
  switch (rnd(12)) {
  case 0:
    if (depth < 3) {
      putc1(p, '(');
      p->caps++;
      int n = (int)rnd(3);
      for (int i = 0; i < n; i++) gen_piece(p, depth + 1);
      putc1(p, ')');
      break;
    }
    /* fall through */
  case 1: put(p, "()"); p->caps++; break;
  case 2: {
    char r[3] = {'%', (char)('1' + rnd(p->caps + 1 < 4 ? p->caps + 1 : 4)), 0};
    put(p, r);
    break;
  }
  case 3: {
    static const char *const bals[] = {"%b()", "%bab", "%baa", "%b[]"};
    put(p, bals[rnd(4)]);
    break;
  }
  case 4: {
    put(p, "%f");
    pbuf q = {{0}, 0, 0, 0, 0};
    do {
      q.n = 0;
      gen_single(&q);
    } while (q.b[0] != '[' && rnd(4));
    if (p->n + q.n < sizeof p->b) {
      memcpy(p->b + p->n, q.b, q.n);
      p->n += q.n;
    }
    break;
  }
  default: {
    gen_single(p);
    unsigned r = rnd(10);
    if (p->reps < 3 && r < 5) {
      putc1(p, "*+-?-"[r]);
      if (r != 3) p->reps++;
    }
    break;
  }
  }
}

static size_t gen_pattern(char *out) {
  pbuf p = {{0}, 0, 0, 0, 0};
  if (rnd(5) == 0) putc1(&p, '^');
  int n = (int)rnd(5);
  for (int i = 0; i < n; i++) gen_piece(&p, 0);
  if (rnd(5) == 0) putc1(&p, '$');
  if (rnd(8) == 0 && p.n > 0) p.n = rnd((unsigned)p.n);   /* cut: often malformed */
  if (rnd(12) == 0) {   /* a stray special character */
    static const char stray[] = "()[]%$^*+-?.";
    size_t at = p.n ? rnd((unsigned)p.n + 1) : 0;
    memmove(p.b + at + 1, p.b + at, p.n - at);
    p.b[at] = stray[rnd(sizeof stray - 1)];
    p.n++;
  }
  memcpy(out, p.b, p.n);
  return p.n;
}

static void gen_call(call *c, char *s, char *p, char *r) {
  static const char *const kinds[] = {"find", "find", "match", "match", "gmatch", "gsub", "gsub",
                                      "plain"};
  static const char *const repls[] = {"x", "%0", "<%1>", "%2%1", "%%", "%", "[%3]", "%z", ""};
  c->kind = kinds[rnd(8)];
  c->s = s;
  c->ls = gen_subject(s);
  c->p = p;
  c->lp = gen_pattern(p);
  c->init = ABSENT;
  if (rnd(3) == 0) c->init = (lua_Integer)rnd(22) - 10;
  c->repl = NULL;
  c->repl_no = 0;
  if (rnd(2)) {
    strcpy(r, repls[rnd(sizeof repls / sizeof *repls)]);
    c->repl = r;
  } else {
    c->repl_no = 1 + (int)rnd(6);
  }
  c->max = rnd(5) == 0 ? (lua_Integer)rnd(4) - 1 : ABSENT;
}

/* ---- the stop ------------------------------------------------------------ */

static lua_State *alarm_state;
static void on_alarm(int sig) {
  (void)sig;
  qr_lua_stop(alarm_state, QR_LUA_STOP_INTERRUPT);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs code in ours; the error message (or "ok"), and the seconds taken. */
static const char *run_code(const char *code, double *secs) {
  double t0 = now();
  const char *msg = "ok";
  if (luaL_dostring(ours, code) != LUA_OK) msg = lua_tostring(ours, -1);
  *secs = now() - t0;
  return msg ? msg : "(no message)";
}

static void test_stop(unit *u) {
  static const char *const runaway[] = {
    "return (\"a\"):rep(2e5):find(\".-.-.-.-b\")",
    "return (\"a\"):rep(2e5):match(\"(.-)(.-)(.-)(.-)b\")",
    "return (\"a\"):rep(2e5):gsub(\".-.-.-.-b\", \"x\")",
    "for x in (\"a\"):rep(2e5):gmatch(\".-.-.-.-b\") do end",
    "return (\"a\"):rep(1e6):find((\"a\"):rep(1e5) .. \"b\", 1, true)",
    "return (\"a\"):rep(3e4):find(\"(.*)%1%1b\")",
  };
  for (size_t i = 0; i < sizeof runaway / sizeof *runaway; i++) {
    unit_case(u, "stop: the budget ends %s", runaway[i]);
    double secs;
    qr_lua_set_budget(ours, 10000000);
    const char *msg = run_code(runaway[i], &secs);
    CHECK(u, strstr(msg, "instruction budget of 10000000 is spent") != NULL);
    if (!strstr(msg, "budget")) unit_fail(u, __FILE__, __LINE__, "message: %s", msg);
    CHECK(u, secs < 1.0);
    CHECK_INT(u, qr_lua_stopped(ours), QR_LUA_STOP_BUDGET);
    lua_settop(ours, 0);
    qr_lua_clear_stop(ours);
    qr_lua_set_budget(ours, 0);
  }

  unit_case(u, "stop: pcall cannot catch the budget's stop for good");
  {
    double secs;
    qr_lua_set_budget(ours, 5000000);
    const char *msg = run_code("for i = 1, 3 do pcall(string.find, (\"a\"):rep(2e5), \".-.-.-.-b\") end "
                               "return 'ran on'",
                               &secs);
    CHECK(u, strstr(msg, "instruction budget") != NULL);
    CHECK(u, secs < 1.0);
    lua_settop(ours, 0);
    qr_lua_clear_stop(ours);
    qr_lua_set_budget(ours, 0);
  }

  unit_case(u, "stop: an interrupt from a timer signal ends find(\".-.-.-.-b\")");
  {
    alarm_state = ours;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, &old);
    struct itimerval it = {{0, 0}, {0, 100000}};   /* 0.1 s */
    setitimer(ITIMER_REAL, &it, NULL);
    double secs;
    const char *msg = run_code("return (\"a\"):rep(2e5):find(\".-.-.-.-b\")", &secs);
    CHECK(u, strstr(msg, "interrupted") != NULL);
    CHECK(u, secs < 1.0);
    CHECK_INT(u, qr_lua_stopped(ours), QR_LUA_STOP_INTERRUPT);
    sigaction(SIGALRM, &old, NULL);
    lua_settop(ours, 0);
    qr_lua_clear_stop(ours);
  }

  unit_case(u, "stop: the state works again after clear_stop");
  {
    double secs;
    const char *msg = run_code("local a, b = ('xaab'):find('a-b') assert(a == 2 and b == 4)", &secs);
    CHECK_STR(u, msg, "ok");
    lua_settop(ours, 0);
  }

  unit_case(u, "stop: a budget that suffices changes nothing");
  {
    double secs;
    qr_lua_set_budget(ours, 100000000);
    const char *msg = run_code("assert(select('#', ('a'):rep(300):find('.-.-b')) == 1)", &secs);
    CHECK_STR(u, msg, "ok");
    CHECK(u, qr_lua_budget_used(ours) > 65536);   /* the matcher's steps were charged */
    lua_settop(ours, 0);
    qr_lua_set_budget(ours, 0);
  }
}

int main(void) {
  unit u = {0};
  orig = luaL_newstate();
  luaL_openlibs(orig);
  ours = qr_lua_newstate(NULL);
  unit_case(&u, "two states with the driver");
  if (!orig || !ours || !load_driver(orig) || !load_driver(ours)) {
    unit_fail(&u, __FILE__, __LINE__, "cannot set up the states");
    return unit_finish(&u);
  }

  unit_case(&u, "the hand list: %zu calls agree with Lua 5.4's", sizeof hands / sizeof *hands);
  {
    int reported = 0;
    for (size_t i = 0; i < sizeof hands / sizeof *hands; i++) {
      const hand *h = &hands[i];
      call c = {h->kind, h->s, strlen(h->s), h->p, strlen(h->p), h->init, h->repl, h->repl_no, ABSENT};
      compare(&u, &c, &reported);
      if (strcmp(h->kind, "gsub") == 0)
        for (lua_Integer max = -1; max <= 2; max++) {
          c.max = max;
          compare(&u, &c, &reported);
        }
    }
  }

  unit_case(&u, "with NUL bytes in the subject, the pattern and the replacement");
  {
    int reported = 0;
    static const struct { const char *kind, *s; size_t ls; const char *p; size_t lp; } nul[] = {
      {"find", "a\0b", 3, "\0", 1},
      {"find", "a\0b", 3, "%z", 2},
      {"find", "a\0b", 3, "[\0]", 3},
      {"find", "a\0b", 3, "[^\0]+", 5},
      {"match", "a\0b", 3, "%c", 2},
      {"match", "a\0b", 3, "(.)\0(.)", 7},
      {"plain", "a\0b\0c", 5, "b\0", 2},
      {"find", "a\0b\0c", 5, "b\0c", 3},
      {"find", "a\0b\0c", 5, "b\0.", 3},
      {"match", "a\0b", 3, "%f[\0]", 5},
      {"match", "a\0b", 3, "%f[%z]", 6},
      {"match", "ab", 2, "%f[\0]", 5},
      {"gmatch", "\0\0a\0", 4, "\0*", 2},
      {"gsub", "a\0b", 3, "\0", 1},
      {"match", "(\0)", 3, "%b\0)", 4},
      {"match", "\0x\0", 3, "%b\0\0", 4},
      {"match", "a", 1, "%b\0\0", 4},
    };
    for (size_t i = 0; i < sizeof nul / sizeof *nul; i++) {
      call c = {nul[i].kind, nul[i].s, nul[i].ls, nul[i].p, nul[i].lp, ABSENT, "<\0>", 0, ABSENT};
      compare(&u, &c, &reported);
    }
  }

  enum { GENERATED = 60000 };
  unit_case(&u, "%d generated calls agree with Lua 5.4's", GENERATED);
  {
    int reported = 0, differ = 0;
    char s[64], p[200], r[16];
    memset(outcomes, 0, sizeof outcomes);
    for (int i = 0; i < GENERATED; i++) {
      call c;
      gen_call(&c, s, p, r);
      if (!compare(&u, &c, &reported)) differ++;
    }
    CHECK_INT(&u, differ, 0);
    printf("# generated calls: %d raised an error, %d found nothing, %d found something\n",
           outcomes[0], outcomes[1], outcomes[2]);
  }

  test_stop(&u);
  lua_close(orig);
  qr_lua_close(ours);
  return unit_finish(&u);
}
