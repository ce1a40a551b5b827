/* valueset.c — the value of a comparison, turned into the set of what passes.
 *
 * A value is matched once per lexicon entry (or per gazetteer entry, type or
 * token kind), never per token: `[lower="sanction.*"]` becomes the set of
 * form ids whose folded form matches, and the search tests a token with one
 * bit. A literal value (no special character, or %l) is a hash lookup; an
 * expression is compiled once with PCRE2 (UTF-8, whole string, JIT when the
 * machine has it) and run over the strings, after a cheap check of its
 * literal prefix where it has one, so that `sanction.*` runs the engine on a
 * handful of strings instead of every entry. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "query/pattern_impl.h"
#include "quarry/entities.h"
#include "quarry/gazetteer.h"
#include "quarry/stats.h"
#include "quarry/utf8.h"

static const char META[] = "\\.^$|?*+()[]{}";

int qr_value_is_literal(const char *value, size_t n, unsigned flags) {
  if (flags & QR_VAL_LITERAL) return 1;
  for (size_t i = 0; i < n; i++)
    if (value[i] && strchr(META, value[i])) return 0;
  return 1;
}

/* Whether value is an expression that only a literal string matches: plain
 * characters and escaped punctuation (Mr\. , U\.S\.); *out gets the string. */
static int escaped_literal(const char *value, size_t n, unsigned flags, qr_buf *out) {
  if (flags & (QR_VAL_LITERAL | QR_VAL_DIACRITICS)) return 0;
  qr_buf_reset(out);
  for (size_t i = 0; i < n; i++) {
    char ch = value[i];
    if (ch == '\\') {
      if (i + 1 == n || !strchr(META, value[i + 1])) return 0;   /* \d, \w ...: classes */
      ch = value[++i];
    } else if (ch && strchr(META, ch)) {
      return 0;
    }
    if (qr_buf_putc(out, ch)) return 0;
  }
  return 1;
}

qr_status qr_value_regex(const char *value, size_t n, unsigned flags, pcre2_code **re,
                         int *literal, qr_error *err) {
  *re = NULL;
  *literal = 0;
  if (qr_value_is_literal(value, n, flags) && !(flags & (QR_VAL_CASELESS | QR_VAL_DIACRITICS))) {
    *literal = 1;
    return QR_OK;
  }
  /* whole-string matches, as CQP's values; invalid UTF-8 in a subject (a
   * token that had some) fails to match instead of stopping the search */
  uint32_t opt = PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_ENDANCHORED |
                 PCRE2_MATCH_INVALID_UTF;
  if (flags & QR_VAL_CASELESS) opt |= PCRE2_CASELESS;
  if (flags & QR_VAL_LITERAL) opt |= PCRE2_LITERAL;
  int code;
  PCRE2_SIZE at;
  pcre2_code *r = pcre2_compile((PCRE2_SPTR)value, n, opt, &code, &at, NULL);
  if (!r) {
    if (code == PCRE2_ERROR_NOMEMORY) return qr_error_set(err, QR_ENOMEM, "out of memory");
    PCRE2_UCHAR msg[160];
    pcre2_get_error_message(code, msg, sizeof msg);
    return qr_error_set(err, QR_EDATA, "bad regular expression at character %zu of the value: %s",
                        (size_t)at + 1, (const char *)msg);
  }
  pcre2_jit_compile(r, PCRE2_JIT_COMPLETE);   /* without JIT, the interpreter runs */
  *re = r;
  return QR_OK;
}

pcre2_match_context *qr_value_limits(void) {
  pcre2_match_context *mc = pcre2_match_context_create(NULL);
  if (!mc) return NULL;
  /* an expression such as (.*)*x backtracks exponentially: a limit turns
   * that into an error naming the string, instead of a search that never
   * ends (the strings are words: honest expressions take few steps) */
  pcre2_set_match_limit(mc, QR_VALUE_MATCH_LIMIT);
  pcre2_set_depth_limit(mc, QR_VALUE_MATCH_LIMIT / 10);
  return mc;
}

int qr_value_test(const pcre2_code *re, pcre2_match_data *md, pcre2_match_context *mc,
                  const char *lit, size_t litn, const char *s, size_t n) {
  if (!re) return n == litn && memcmp(s, lit, n) == 0;
  int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, mc);
  if (rc >= 0) return 1;
  return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
         rc == PCRE2_ERROR_HEAPLIMIT ? -1 : 0;
}

/* The error of an expression that took too many steps on s. */
static qr_status too_costly(qr_error *err, const char *s, size_t n) {
  return qr_error_set(err, QR_ELIMIT, "the regular expression takes too many steps on '%.*s' "
                      "(more than %d): simplify it", (int)(n > 40 ? 40 : n), s,
                      QR_VALUE_MATCH_LIMIT);
}

/* A value ready to test strings with: the compiled expression (NULL for a
 * literal), its match data and its step limit. */
typedef struct matcher {
  pcre2_code *re;
  pcre2_match_data *md;
  pcre2_match_context *mc;
} matcher;

static void matcher_close(matcher *m) {
  pcre2_match_context_free(m->mc);
  pcre2_match_data_free(m->md);
  pcre2_code_free(m->re);
  memset(m, 0, sizeof *m);
}

static qr_status matcher_open(matcher *m, const char *value, size_t n, unsigned flags,
                              qr_error *err) {
  int literal;
  memset(m, 0, sizeof *m);
  qr_status rc = qr_value_regex(value, n, flags, &m->re, &literal, err);
  if (rc || !m->re) return rc;
  m->md = pcre2_match_data_create_from_pattern(m->re, NULL);
  m->mc = qr_value_limits();
  if (!m->md || !m->mc) {
    matcher_close(m);
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  }
  return QR_OK;
}

/* Tests s[0, n) against value (m open on it): 1, 0, or an error in *rc. */
static int matcher_test(const matcher *m, const char *value, size_t vn, const char *s, size_t n,
                        qr_status *rc, qr_error *err) {
  int hit = qr_value_test(m->re, m->md, m->mc, value, vn, s, n);
  if (hit >= 0) return hit;
  *rc = too_costly(err, s, n);
  return 0;
}

/* The literal prefix every match of an expression starts with (for a cheap
 * check before running it), or 0 when there is none to trust: alternatives
 * anywhere, escapes, and a last character that a quantifier makes optional. */
static size_t literal_prefix(const char *v, size_t n, unsigned flags) {
  if (flags & (QR_VAL_CASELESS | QR_VAL_DIACRITICS | QR_VAL_LITERAL)) return 0;
  if (memchr(v, '|', n)) return 0;
  size_t k = 0;
  while (k < n && !strchr(META, v[k])) k++;
  if (k < n && strchr("?*{", v[k])) {   /* x? x* x{0,..} : x may be absent */
    if (k == 0) return 0;
    k--;
    while (k > 0 && ((unsigned char)v[k] & 0xC0) == 0x80) k--;   /* a whole character */
  }
  return k;
}

/* Strips marks (accents) for %d; returns s itself when it cannot. *own is
 * what to free. */
static const char *strip_marks(const char *s, size_t n, size_t *out_n, char **own) {
  utf8proc_uint8_t *dst = NULL;
  utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst,
                                      UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK);
  *own = (char *)dst;
  if (len < 0) {
    *out_n = n;
    return s;
  }
  *out_n = (size_t)len;
  return (const char *)dst;
}

static qr_status bits_new(qr_bits *b, size_t n) {
  b->n = n;
  b->w = calloc(qr_bits_words(n) ? qr_bits_words(n) : 1, sizeof *b->w);
  return b->w ? QR_OK : QR_ENOMEM;
}

/* Runs the value over strings 0..count-1 given by get(), setting the bits of
 * those that match in *hits. */
typedef const char *(*string_of)(const void *ctx, size_t i, size_t *n);

static qr_status scan_strings(const char *value, size_t vn, unsigned flags, const void *ctx,
                              string_of get, size_t count, qr_bits *hits, qr_error *err) {
  char *own_value = NULL;
  if (flags & QR_VAL_DIACRITICS) value = strip_marks(value, vn, &vn, &own_value);
  matcher m;
  qr_status rc = matcher_open(&m, value, vn, flags, err);
  size_t pre = m.re ? literal_prefix(value, vn, flags) : 0;
  for (size_t i = 0; !rc && i < count; i++) {
    size_t n;
    const char *s = get(ctx, i, &n);
    if (!s) continue;
    if (pre && (n < pre || memcmp(s, value, pre) != 0)) continue;
    char *own = NULL;
    if (flags & QR_VAL_DIACRITICS) s = strip_marks(s, n, &n, &own);
    if (matcher_test(&m, value, vn, s, n, &rc, err)) qr_bits_set(hits, i);
    free(own);
  }
  matcher_close(&m);
  free(own_value);
  return rc;
}

static const char *lexicon_string(const void *ctx, size_t i, size_t *n) {
  return qr_lexicon_str(ctx, (uint32_t)i, n);
}

/* The folded forms only: a lower value is matched against those. */
typedef struct fold_ctx {
  const qr_corpus *c;
  const qr_lexicon *lx;
} fold_ctx;

static const char *fold_string(const void *ctx, size_t i, size_t *n) {
  const fold_ctx *f = ctx;
  if (qr_corpus_fold_of(f->c, (uint32_t)i) != i) return NULL;
  return qr_lexicon_str(f->lx, (uint32_t)i, n);
}

qr_status qr_value_forms(qr_pattern *p, qr_attr attr, const char *value, size_t n, unsigned flags,
                         qr_bits *out, qr_error *err) {
  const qr_corpus *c = p->c;
  const qr_lexicon *lx = qr_corpus_lexicon(c);
  size_t nlex = qr_lexicon_size(lx);
  int literal = qr_value_is_literal(value, n, flags) && !(flags & QR_VAL_DIACRITICS);
  qr_buf plain = {0};
  if (!literal && attr != QR_ATTR_SHAPE && escaped_literal(value, n, flags, &plain)) {
    /* Mr\. is the string Mr. : a lookup, not a scan of the lexicon */
    qr_status rc = qr_value_forms(p, attr, plain.data ? plain.data : "", plain.len,
                                  flags | QR_VAL_LITERAL, out, err);
    qr_buf_free(&plain);
    return rc;
  }
  qr_buf_free(&plain);
  if (bits_new(out, nlex)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  if (attr == QR_ATTR_WORD && literal && !(flags & QR_VAL_CASELESS)) {
    uint32_t id = qr_lexicon_find(lx, value, n);
    if (id != QR_LEX_NONE) qr_bits_set(out, id);
    return QR_OK;
  }
  qr_bits folds = {0};
  qr_status rc = QR_OK;
  if (literal && (attr == QR_ATTR_LOWER || attr == QR_ATTR_WORD)) {
    /* a literal lower value, or a caseless word: every form with that fold */
    qr_buf f = {0};
    if (qr_utf8_fold(value, n, &f)) return qr_error_set(err, QR_ENOMEM, "out of memory");
    uint32_t fid = qr_lexicon_find(lx, f.data ? f.data : "", f.len);
    qr_buf_free(&f);
    if (fid == QR_LEX_NONE) return QR_OK;
    for (size_t i = 0; i < nlex; i++)
      if (qr_corpus_fold_of(c, (uint32_t)i) == fid) qr_bits_set(out, i);
    return QR_OK;
  }
  if (attr == QR_ATTR_WORD) return scan_strings(value, n, flags, lx, lexicon_string, nlex, out, err);
  if (attr == QR_ATTR_LOWER) {
    if (bits_new(&folds, nlex)) return qr_error_set(err, QR_ENOMEM, "out of memory");
    fold_ctx fc = {c, lx};
    rc = scan_strings(value, n, flags, &fc, fold_string, nlex, &folds, err);
    if (!rc)
      for (size_t i = 0; i < nlex; i++) {
        uint32_t f = qr_corpus_fold_of(c, (uint32_t)i);
        if (f != QR_LEX_NONE && qr_bits_has(&folds, f)) qr_bits_set(out, i);
      }
    free(folds.w);
    return rc;
  }
  /* shape: the shape of every form, matched as a string */
  qr_buf shape = {0};
  matcher m;
  rc = matcher_open(&m, value, n, flags, err);
  for (size_t i = 0; !rc && i < nlex; i++) {
    size_t len;
    const char *s = qr_lexicon_str(lx, (uint32_t)i, &len);
    qr_buf_reset(&shape);
    if (qr_shape(s, len, &shape)) rc = qr_error_set(err, QR_ENOMEM, "out of memory");
    else if (matcher_test(&m, value, n, shape.data ? shape.data : "", shape.len, &rc, err))
      qr_bits_set(out, i);
  }
  qr_buf_free(&shape);
  matcher_close(&m);
  return rc;
}

qr_status qr_value_kinds(const char *value, size_t n, unsigned flags, uint32_t *mask,
                         qr_error *err) {
  matcher m;
  qr_status rc = matcher_open(&m, value, n, flags, err);
  *mask = 0;
  for (int k = 1; !rc && k < QR_TOK_KIND_MAX; k++) {
    const char *name = qr_token_kind_name(k);
    if (matcher_test(&m, value, n, name, strlen(name), &rc, err)) *mask |= 1u << k;
  }
  matcher_close(&m);
  return rc;
}

/* A mention set's strings: its typed entities' types (ent) or ids (id). */
typedef struct entry_ctx {
  const qr_entities *es;
  qr_attr attr;
} entry_ctx;

static const char *entry_string(const void *ctx, size_t i, size_t *n) {
  const entry_ctx *e = ctx;
  const char *s = e->attr == QR_ATTR_ENT
                      ? qr_entities_typed_type(e->es, (uint32_t)i)
                      : qr_entities_id(e->es, qr_entities_typed_entity(e->es, (uint32_t)i));
  if (s) *n = strlen(s);
  return s;
}

qr_status qr_value_entries(qr_pattern *p, qr_attr attr, const char *value, size_t n,
                           unsigned flags, qr_bits *out, qr_error *err) {
  const qr_entities *es;
  if (qr_corpus_entities(p->c, &es)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  size_t count = qr_entities_ntyped(es);
  if (bits_new(out, count)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  if (!count) return QR_OK;
  if (attr == QR_ATTR_ID && qr_value_is_literal(value, n, flags) &&
      !(flags & (QR_VAL_CASELESS | QR_VAL_DIACRITICS))) {
    /* one id: the gazetteer's entry of that id, and the guessed names' (few
     * next to a gazetteer's entries) of that id, under each type.
     * Ids hold no NUL: a value with one names nothing */
    if (memchr(value, 0, n)) return QR_OK;
    char *id = strndup(value, n);
    if (!id) return qr_error_set(err, QR_ENOMEM, "out of memory");
    const qr_gazetteer *g = qr_corpus_gazetteer(p->c);
    long e = g ? qr_gazetteer_find(g, id) : -1;
    if (e >= 0 && (size_t)e < qr_entities_known(es)) qr_bits_set(out, (size_t)e);
    for (size_t t = qr_entities_known(es); t < count; t++)
      if (strcmp(qr_entities_id(es, qr_entities_typed_entity(es, (uint32_t)t)), id) == 0)
        qr_bits_set(out, t);
    free(id);
    return QR_OK;
  }
  entry_ctx ec = {es, attr};
  return scan_strings(value, n, flags, &ec, entry_string, count, out, err);
}
