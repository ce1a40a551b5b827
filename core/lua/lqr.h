/* lua/lqr.h — what the files of the Lua binding share. Internal. */
#ifndef QUARRY_LUA_LQR_H
#define QUARRY_LUA_LQR_H

#include <lauxlib.h>
#include <lua.h>
#include <signal.h>

#include "quarry/corpus.h"
#include "quarry/entities.h"
#include "quarry/gazetteer.h"
#include "quarry/query.h"

#define LQR_CORPUS "quarry.Corpus"
#define LQR_DOC "quarry.Document"
#define LQR_SENT "quarry.Sentence"
#define LQR_TOKEN "quarry.Token"
#define LQR_VIEW "quarry.View"
#define LQR_GAZ "quarry.Gazetteer"
#define LQR_SEG "quarry.Segmenter"

/* The box a Corpus userdata holds. c is NULL once the corpus is closed;
 * every object made from it checks that before use. */
typedef struct lqr_corpus {
  qr_corpus *c;
} lqr_corpus;

typedef struct lqr_gazetteer {
  qr_gazetteer *g;
} lqr_gazetteer;

typedef struct lqr_segbox {
  qr_segmenter *seg;
} lqr_segbox;

/* What a view (a sequence of documents, sentences, tokens or mentions)
 * ranges over. */
typedef enum lqr_what { W_DOCS, W_SENTS, W_TOKENS, W_MENTIONS } lqr_what;

/* Document, Sentence and Token userdata: an index into the corpus arrays,
 * plus the position within the view that made them (for iteration). The
 * corpus userdata is their user value, which keeps it alive. */
typedef struct lqr_elem {
  lqr_corpus *box;
  size_t index;
  size_t pos;     /* 1-based position in the iterating view, 0 if none */
} lqr_elem;

/* A View: count elements from first (contiguous) or listed in idx. */
typedef struct lqr_view {
  lqr_corpus *box;
  lqr_what what;
  size_t first, count;
  uint32_t *idx;   /* owned; NULL for a contiguous range */
} lqr_view;

/* lqr_state.c: the bookkeeping of a state quarry made, kept with its
 * allocator (so that it is one pointer away from any lua_State). */
typedef struct lqr_heap {
  size_t used, peak, limit;      /* bytes of Lua heap; limit 0 = none */
  long long budget;              /* instructions left, when budget_on */
  long long budget_total;        /* the budget as set */
  int budget_on;
  volatile sig_atomic_t stop;    /* 0, or why the state must stop (QR_LUA_STOP_*) */
  volatile sig_atomic_t once;    /* the stop ends with its first error (the REPL's) */
} lqr_heap;
/* The heap of a state quarry made; NULL for another state. */
lqr_heap *lqr_heap_of(lua_State *L);

/* lqr_budget.c: for C loops that run long inside one call (the budgeted
 * string matcher): charges steps to the instruction budget and reports
 * whether the state must stop (budget spent, Ctrl-C, timeout): 0 = go on.
 * It never raises; the caller cleans up, then calls lqr_budget_raise. */
int lqr_budget_tick(lua_State *L, long long steps);
int lqr_budget_raise(lua_State *L);
/* Sets the hook again after the heap's budget fields were changed by hand
 * (lqr_host.c gives a script's budget back after a pack ran). */
void lqr_budget_rearm(lua_State *L);

/* lqr_host.c: the runner's table in the registry ("quarry.host"), and the
 * check every C function that opens a file by name makes first: it raises
 * when a pack's guard refuses the path. */
void lqr_open_host(lua_State *L);
void lqr_check_read(lua_State *L, const char *path);

/* lqr_progress.c: the progress bar of a load (quarry.open{progress =
 * true}); its state lives with the caller. start returns 0 when standard
 * error is no terminal (then nothing is drawn: do not install draw). */
typedef struct lqr_progress {
  double start, last, delay;
  uint64_t last_done;
  int drawn;
  const char *what;        /* "reading", "writing": a new one starts the rate anew */
} lqr_progress;
int lqr_progress_start(lqr_progress *p);
void lqr_progress_draw(void *ud, uint64_t done, uint64_t total, size_t docs);
/* The same bar for the writing of a file (an index): bytes written. */
void lqr_progress_draw_writing(void *ud, uint64_t done, uint64_t total, size_t docs);
void lqr_progress_end(lqr_progress *p);

/* lqr_corpus.c */
lqr_corpus *lqr_checkcorpus(lua_State *L, int arg);   /* raises if closed */
qr_corpus *lqr_corpus_of(lua_State *L, lqr_corpus *box);
void lqr_open_corpus(lua_State *L);
int lqr_open(lua_State *L);
/* lqr_index.c: quarry.index and c:index_info() */
int lqr_index(lua_State *L);
int lqr_corpus_index_info(lua_State *L);

/* lqr_elems.c */
void lqr_open_elems(lua_State *L);
/* Pushes a new element userdata for index; corpus_idx is the stack index of
 * the corpus userdata (or of any object whose user value is it). */
void lqr_push_elem(lua_State *L, lqr_what what, lqr_corpus *box, int corpus_idx, size_t index,
                   size_t pos);
/* Pushes a view of a contiguous range and returns it; a caller may then
 * give it an index list (v->idx = malloc'ed array, owned by the view). */
lqr_view *lqr_push_view(lua_State *L, lqr_what what, lqr_corpus *box, int corpus_idx,
                        size_t first, size_t count);
/* Pushes mention k of the corpus as a plain table. */
void lqr_push_mention(lua_State *L, qr_corpus *c, size_t k);
/* Sets start and stop on the table on top: the 1-based inclusive byte
 * span of tokens [t0, t1) of t (the one convention of every span quarry
 * reports). */
void lqr_set_token_span(lua_State *L, const qr_tokens *t, size_t t0, size_t t1);
/* Pushes the text of tokens [t0, t1) of document d with white space runs
 * collapsed to single spaces. */
void lqr_push_span(lua_State *L, const qr_corpus *c, const qr_doc *d, size_t t0, size_t t1);

/* lqr_gazetteer.c */
void lqr_open_gazetteer(lua_State *L);
int lqr_gazetteer_new(lua_State *L);
lqr_gazetteer *lqr_checkgaz(lua_State *L, int arg);
/* Sets the fields ambiguous, alias and candidates of mention k of m on the
 * table on top. */
void lqr_set_mention_flags(lua_State *L, const qr_gazetteer *g, const qr_mentions *m,
                           size_t k);
/* Sets the fields id, type and name of entry e on the table on top. */
void lqr_set_entry_fields(lua_State *L, const qr_gazetteer *g, size_t e);
/* The same fields (id, type, name) and known, of entity e of a corpus
 * (quarry/entities.h); type, when not NULL, stands for e's own. */
void lqr_set_entity_fields(lua_State *L, const qr_entities *es, uint32_t e, const char *type);
/* Pushes a table describing entry e of g (id, type, name, names, attrs). */
void lqr_push_entry(lua_State *L, const qr_gazetteer *g, size_t e);

/* lqr_segmenter.c */
void lqr_open_segmenter(lua_State *L);
int lqr_segmenter_new(lua_State *L);
lqr_segbox *lqr_checkseg(lua_State *L, int arg);
/* Learns abbreviations into seg from the texts at texts_idx (a Corpus, a
 * string or a list of strings); pushes the rows of what was learned. */
int lqr_learn(lua_State *L, qr_segmenter *seg, int texts_idx, double threshold);

/* lqr_text.c */
int lqr_tokenize_with(lua_State *L, const qr_segmenter *seg);
int lqr_sentences_with(lua_State *L, const qr_segmenter *seg);
void lqr_open_text(lua_State *L);
/* The segmenter shared by the state (borrowed). */
const qr_segmenter *lqr_segmenter(lua_State *L);
int lqr_tokenize(lua_State *L);
int lqr_width(lua_State *L);
int lqr_clip(lua_State *L);
int lqr_sentences(lua_State *L);

/* lqr_jsonl.c: quarry.core.read_jsonl(text, name [, gazetteer]), a corpus
 * of JSON Lines text in memory (the batches of `quarry map`) */
int lqr_read_jsonl(lua_State *L);

/* lqr_json.c */
int lqr_json_encode(lua_State *L);
int lqr_json_decode(lua_State *L);
/* Pushes the Lua value of the JSON text s[0, n); raises on malformed JSON. */
void lqr_push_json(lua_State *L, const char *s, size_t n, const char *what);

/* Pushes a "rowset": a new table with the given columns in its columns field. */
void lqr_new_rows(lua_State *L, int nrows, const char *const *columns);

/* Pushes a guard: a userdata whose __gc releases the pointer stored in the
 * returned slot with release (free when NULL). C results are put there
 * before Lua tables are built from them, so that a memory error while
 * building leaks nothing. */
void **lqr_guard(lua_State *L, void (*release)(void *));

/* Raises a Lua error for a qr_error (the message, or the status name). */
int lqr_error(lua_State *L, const qr_error *err);

/* lqr_opts.c — options tables (nil or absent at idx: no options). Every
 * error names the option and the function fn, e.g. "unknown option 'n' to
 * 'freq' (known: kind, fold, ...)", "option 'top' to 'freq' must be an
 * integer (got string)". */
/* Raises for a key of the table at idx not in names (NULL-terminated); a
 * non-string key is an error too. A value at idx that is neither nil nor a
 * table is a bad argument #idx (idx is the argument's position). */
void lqr_check_options(lua_State *L, int idx, const char *fn, const char *const *names);
/* Typed getters: an absent option gives def; a wrong type or a value out of
 * [min, max] raises. An integer may be given as a float with an integral
 * value (5.0), never as a string. */
lua_Integer lqr_opt_integer(lua_State *L, int idx, const char *fn, const char *name,
                            lua_Integer def, lua_Integer min, lua_Integer max);
double lqr_opt_number(lua_State *L, int idx, const char *fn, const char *name, double def,
                      double min, double max);
int lqr_opt_boolean(lua_State *L, int idx, const char *fn, const char *name, int def);
/* The string is borrowed from the options table (valid while it lives). */
const char *lqr_opt_string(lua_State *L, int idx, const char *fn, const char *name,
                           const char *def);
/* The index in choices (NULL-terminated) of the option's string. */
int lqr_opt_enum(lua_State *L, int idx, const char *fn, const char *name, int def,
                 const char *const *choices);
/* The `kind` option of the table at idx: a token kind's name, a list of
 * them, "all", or (when entity is not NULL, which it then sets) "entity".
 * Bits 1 << QR_TOK_*; 0 when absent. */
uint32_t lqr_opt_kinds(lua_State *L, int idx, const char *fn, int *entity);
/* Raises "option 'name' to 'fn' must be <expected> (got <type>)" for the
 * value at vidx, for options of other types (a gazetteer, a list). */
int lqr_opt_type_error(lua_State *L, int vidx, const char *fn, const char *name,
                       const char *expected);

/* lqr_elems.c: keeps, in view v of mentions, those of entity type type
 * (all when type is NULL); raises when out of memory. */
void lqr_view_keep_type(lua_State *L, lqr_view *v, const char *type);

/* lqr_stats.c: the statistics (c:subcorpus, c:freq, c:ngrams, c:keyness) */
void lqr_open_stats(lua_State *L);
/* The `subcorpus` option of the options table at opts_idx (absent: the whole
 * corpus): fills *docs (sorted document indices; borrowed from the object)
 * and *n, returns 1; returns 0 when the option is absent. Raises on a wrong
 * type or another corpus's subcorpus. */
int lqr_opt_subcorpus(lua_State *L, int opts_idx, int corpus_idx, const uint32_t **docs,
                      size_t *n);

/* lqr_colloc.c: adds the corpus methods collocates, dispersion and
 * cooccurrences, and cooccurrences to the module table on top of the stack. */
void lqr_open_colloc(lua_State *L);

/* lqr_query.c: compiled query patterns and their Matches (scripts/quarry/
 * query.lua makes the corpus methods query, count and kwic of them). */
/* Adds quarry.core.compile and quarry.core.search to the module table on
 * top of the stack, and the metatables of patterns and matches. */
void lqr_open_query(lua_State *L);
/* The matches at idx (raises unless a Matches object): corpus-wide token
 * ranges [first, first + count) in corpus order. Borrowed: valid while the
 * object lives. */
const qr_hit *lqr_checkmatches(lua_State *L, int idx, size_t *n);
/* Turns the node argument at idx (anything c:query takes: a query, a phrase,
 * {entity = id}, Matches) into a Matches object that replaces it on the
 * stack, and returns its hits. corpus_idx is the corpus. */
const qr_hit *lqr_tomatches(lua_State *L, int corpus_idx, int idx, size_t *n);
/* The `doc` option (a document index or id) of the options table at
 * opts_idx as a 0-based document index, or -1 when absent; raises for a
 * document the corpus at corpus_idx does not have. */
long lqr_opt_doc(lua_State *L, int opts_idx, int corpus_idx, const char *fn);

/* lqr_columns.c: c:columns(names [, opts]), the token arrays in chunks */
int lqr_corpus_columns(lua_State *L);

/* lqr_strlib.c: replaces find, match, gmatch and gsub in the state's string
 * table (the string metatable's __index) with the same functions on
 * quarry's matcher, which the budget, Ctrl-C and --timeout can stop. */
void lqr_open_strlib(lua_State *L);

#endif
