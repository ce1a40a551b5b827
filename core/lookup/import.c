/* import.c — gazetteers in other formats: JSON Lines (one entry per line,
 * as an object) and the GeoNames dump (the tab-separated files of
 * download.geonames.org, e.g. cities15000.txt). Both stage their entries in
 * a batch (batch.c): a file with an error anywhere adds nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"
#include "lookup/batch.h"
#include "quarry/json.h"
#include "quarry/lexicon.h"
#include "quarry/utf8.h"

qr_status qr_gaz_check_text(const char *text, size_t len, const char *name, qr_error *err) {
  if (qr_utf16_likely(text, len))
    return qr_error_set(err, QR_EDATA, "%s: UTF-16 text, not UTF-8 (iconv -f UTF-16 -t UTF-8 "
                        "converts it)", name);
  size_t bad;
  const char *nul = memchr(text, '\0', len);
  int invalid = qr_utf8_check(text, len, &bad) != 0;
  if (!nul && !invalid) return QR_OK;
  /* the first of the two, by line and column */
  size_t at = nul && (!invalid || (size_t)(nul - text) < bad) ? (size_t)(nul - text) : bad;
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < at; i++)
    if (text[i] == '\n') line++, line_start = i + 1;
  if (at != bad || !invalid)
    return qr_error_set(err, QR_EDATA, "%s:%zu:%zu: NUL byte: this looks like a binary file, not "
                        "UTF-8 text", name, line, at - line_start + 1);
  return qr_error_set(err, QR_EDATA, "%s:%zu: invalid UTF-8 at column %zu", name, line,
                      at - line_start + 1);
}

qr_status qr_gaz_copy_text(const char *text, size_t len, const char *name, char **copy,
                           qr_error *err) {
  qr_status rc = qr_gaz_check_text(text, len, name, err);
  if (rc) return rc;
  if (!(*copy = malloc(len + 1))) return qr_error_set(err, QR_ENOMEM, "%s: out of memory", name);
  memcpy(*copy, text, len);
  (*copy)[len] = '\0';
  return QR_OK;
}

/* The next line of text from *pos, without its line break (and CR); NULL at
 * the end. */
static const char *next_line(const char *text, size_t len, size_t *pos, size_t *n) {
  if (*pos >= len) return NULL;
  const char *s = text + *pos;
  const char *nl = memchr(s, '\n', len - *pos);
  size_t l = nl ? (size_t)(nl - s) : len - *pos;
  *pos += l + (nl != NULL);
  if (l && s[l - 1] == '\r') l--;
  *n = l;
  return s;
}

/* ---- JSON Lines --------------------------------------------------------------- */

/* The strings of one JSON entry, unescaped into an owned buffer: offsets
 * first, pointers made once the buffer no longer moves. */
typedef struct jentry {
  qr_buf buf;
  size_t *off;               /* id, type, names..., key, value, ... */
  size_t n, cap;
  const char **ptr;
  size_t ptr_cap;
} jentry;

static qr_status jput(jentry *je, const qr_json *js, size_t node, const char *s) {
  if (qr_grow((void **)&je->off, &je->cap, je->n + 1, sizeof *je->off)) return QR_ENOMEM;
  je->off[je->n++] = je->buf.len;
  const qr_json_node *v = &js->nodes[node];
  qr_status rc = v->type == QR_JSON_STRING ? qr_json_string(js, node, s, &je->buf)
                                           : qr_buf_append(&je->buf, s + v->start, v->end - v->start);
  return rc ? rc : qr_buf_putc(&je->buf, '\0');
}

/* Reads one line's object: {"id", "type", "name", "aliases" or "names",
 * "attrs", "case"} and stages it. */
static qr_status read_json_entry(qr_gaz_batch *b, const char *s, size_t n, size_t line,
                                 qr_json *js, jentry *je, qr_error *err) {
  const char *name = b->name;
  qr_error jerr;
  if (qr_json_parse(js, s, n, &jerr))
    return qr_error_set(err, jerr.status, "%s:%zu: %s", name, line, jerr.msg);
  if (js->nodes[0].type != QR_JSON_OBJECT)
    return qr_error_set(err, QR_EDATA, "%s:%zu: expected a JSON object", name, line);
  long id = -1, type = -1, nm = -1, aliases = -1, attrs = -1, cs = -1;
  for (size_t m = 0, i = 1; m < js->nodes[0].size; m++) {
    size_t key = i, val = i + 1;
    i = js->nodes[val].skip;
    if (qr_json_key_is(js, key, s, "id")) id = (long)val;
    else if (qr_json_key_is(js, key, s, "type")) type = (long)val;
    else if (qr_json_key_is(js, key, s, "name")) nm = (long)val;
    else if (qr_json_key_is(js, key, s, "aliases") || qr_json_key_is(js, key, s, "names"))
      aliases = (long)val;
    else if (qr_json_key_is(js, key, s, "attrs")) attrs = (long)val;
    else if (qr_json_key_is(js, key, s, "case")) cs = (long)val;
    else {
      qr_buf k = {0};
      qr_status rc = qr_json_string(js, key, s, &k);
      rc = rc ? rc : qr_error_set(err, QR_EDATA, "%s:%zu: unknown field \"%s\" (expected id, "
                                  "type, name, aliases, attrs, case)", name, line,
                                  k.data ? k.data : "");
      qr_buf_free(&k);
      return rc;
    }
  }
  const qr_json_node *nd = js->nodes;
  if (id < 0 || (nd[id].type != QR_JSON_STRING && nd[id].type != QR_JSON_NUMBER))
    return qr_error_set(err, QR_EDATA, "%s:%zu: \"id\" must be a string or a number", name, line);
  if (type < 0 || nd[type].type != QR_JSON_STRING)
    return qr_error_set(err, QR_EDATA, "%s:%zu: \"type\" must be a string", name, line);
  if (nm >= 0 && nd[nm].type != QR_JSON_STRING)
    return qr_error_set(err, QR_EDATA, "%s:%zu: \"name\" must be a string", name, line);
  if (aliases >= 0 && nd[aliases].type != QR_JSON_ARRAY)
    return qr_error_set(err, QR_EDATA, "%s:%zu: \"aliases\" must be an array of strings", name,
                        line);
  if (attrs >= 0 && nd[attrs].type != QR_JSON_OBJECT)
    return qr_error_set(err, QR_EDATA, "%s:%zu: \"attrs\" must be an object", name, line);
  qr_case_policy policy = QR_CASE_AUTO;
  if (cs >= 0) {
    if (qr_json_key_is(js, (size_t)cs, s, "fold")) policy = QR_CASE_FOLD;
    else if (qr_json_key_is(js, (size_t)cs, s, "exact")) policy = QR_CASE_EXACT;
    else if (!qr_json_key_is(js, (size_t)cs, s, "auto") || nd[cs].type != QR_JSON_STRING)
      return qr_error_set(err, QR_EDATA, "%s:%zu: \"case\" must be \"fold\", \"exact\" or \"auto\"",
                          name, line);
  }
  qr_buf_reset(&je->buf);
  je->n = 0;
  qr_status rc = jput(je, js, (size_t)id, s);
  if (!rc) rc = jput(je, js, (size_t)type, s);
  size_t nnames = 0, nattrs = 0;
  if (!rc && nm >= 0) rc = jput(je, js, (size_t)nm, s), nnames++;
  if (!rc && aliases >= 0) {
    for (size_t k = 0, i = (size_t)aliases + 1; !rc && k < nd[aliases].size; k++) {
      if (nd[i].type != QR_JSON_STRING)
        return qr_error_set(err, QR_EDATA, "%s:%zu: \"aliases\" must be an array of strings",
                            name, line);
      rc = jput(je, js, i, s);
      nnames++;
      i = nd[i].skip;
    }
  }
  if (!rc && attrs >= 0) {
    for (size_t k = 0, i = (size_t)attrs + 1; !rc && k < nd[attrs].size; k++) {
      size_t key = i, val = i + 1;
      i = nd[val].skip;
      if (nd[val].type == QR_JSON_OBJECT || nd[val].type == QR_JSON_ARRAY)
        return qr_error_set(err, QR_EDATA, "%s:%zu: attribute values must be strings or numbers",
                            name, line);
      rc = jput(je, js, key, s);
      if (!rc) rc = jput(je, js, val, s);
      nattrs++;
    }
  }
  if (!rc && qr_grow((void **)&je->ptr, &je->ptr_cap, je->n + 1, sizeof *je->ptr)) rc = QR_ENOMEM;
  if (rc) return qr_error_set(err, rc, "out of memory");
  for (size_t k = 0; k < je->n; k++) je->ptr[k] = je->buf.data + je->off[k];
  if (nnames == 0)
    return qr_error_set(err, QR_EDATA, "%s:%zu: entry '%s' has no \"name\"", name, line,
                        je->ptr[0]);
  return qr_gaz_batch_add(b, line, je->ptr[0], je->ptr[1], je->ptr + 2, nnames,
                          je->ptr + 2 + nnames, nattrs, policy, err);
}

qr_status qr_gazetteer_load_jsonl(qr_gazetteer *g, const char *text, size_t len,
                                  const char *name, qr_error *err) {
  qr_status rc = qr_gaz_check_text(text, len, name, err);
  if (rc) return rc;
  qr_gaz_batch b;
  qr_gaz_batch_init(&b, g, name);
  qr_json js = {0};
  jentry je = {0};
  size_t pos = 0, line = 0, n;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) pos = 3;
  const char *s;
  while (rc == QR_OK && (s = next_line(text, len, &pos, &n)) != NULL) {
    line++;
    size_t a = 0;
    while (a < n && (s[a] == ' ' || s[a] == '\t')) a++;
    if (a == n) continue;
    rc = read_json_entry(&b, s + a, n - a, line, &js, &je, err);
  }
  if (rc == QR_OK) rc = qr_gaz_batch_commit(&b, g, err);
  qr_json_free(&js);
  qr_buf_free(&je.buf);
  free(je.off);
  free(je.ptr);
  qr_gaz_batch_free(&b);
  return rc;
}

/* ---- GeoNames ------------------------------------------------------------------ */

enum { GN_ID, GN_NAME, GN_ASCII, GN_ALT, GN_LAT, GN_LON, GN_CLASS, GN_CODE, GN_COUNTRY,
       GN_POP = 14, GN_FIELDS = 19 };

/* Is an alternate name worth matching: it has a letter, and it is no code
 * (three capitals or fewer: IATA and ICAO codes, which would match words in
 * capitals far more often than the city)? */
static int useful_name(const char *s) {
  size_t letters = 0, caps = 0, n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
    if (*p >= 0x80 || (unsigned)(*p | 0x20) - 'a' < 26u) letters++;
    caps += *p >= 'A' && *p <= 'Z';
  }
  return letters > 0 && !(caps == n && n <= 4);
}

/* How many characters s has (its bytes that start one). */
static size_t characters(const char *s) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) n += (*p & 0xC0) != 0x80;
  return n;
}

/* Is the name written in small letters only ("bn", "part", "moskva"): a
 * form some language writes, never to be found in an English text's small
 * words (a name with a capital is not found in small letters anyway). */
static int lower_case_name(const char *s) {
  const unsigned char *u = (const unsigned char *)s;
  size_t n = strlen(s), i = 0, lower = 0;
  while (i < n) {
    int32_t cp;
    int k = qr_utf8_decode(u + i, n - i, &cp);
    qr_cclass cls = qr_char_class(cp);
    if (cls == QR_CC_UPPER) return 0;
    lower += cls == QR_CC_LOWER;
    i += (size_t)(k > 0 ? k : 1);
  }
  return lower > 0;
}

/* The stop-forms (core/lookup/data/stop-forms-en.txt, made by `make
 * world`): the common English words, folded, that a one-word place name
 * must not be ("But", "Since", "March", "Split"). */
static qr_status load_stop_forms(qr_lexicon **out) {
  const qr_embedded_file *f = qr_embedded_find("core/lookup/data/stop-forms-en.txt");
  *out = qr_lexicon_new();
  if (!*out) return QR_ENOMEM;
  for (const char *p = f ? f->data : ""; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    uint32_t id;
    if (n && *p != '#' && qr_lexicon_intern(*out, p, n, &id)) return QR_ENOMEM;
    p += n + (nl != NULL);
  }
  return QR_OK;
}

/* Is the name one word that is a stop-form, whatever its case or marks
 * (the matcher ignores both: "Sincé" is found in "Since")? */
static int stop_form(const qr_lexicon *stop, const char *s, qr_buf *scratch) {
  if (strpbrk(s, " -")) return 0;
  scratch->len = 0;
  if (qr_utf8_fold(s, strlen(s), scratch)) return 0;
  size_t folded = scratch->len;
  /* the folded form is read from scratch while the plain one is appended:
   * room for the longest first (a byte decomposes into 16 at most) */
  if (folded > SIZE_MAX / 32 || qr_buf_reserve(scratch, 16 * folded + 8) ||
      qr_utf8_strip_marks(scratch->data, folded, scratch))
    return 0;
  return qr_lexicon_find(stop, scratch->data + folded, scratch->len - folded) != QR_LEX_NONE;
}

/* Reads one line of the dump (its fields split in place) and stages it.
 * A place whose name is a common word is left out ("But", a town of
 * Romania); so are alternate names that are common words or written in
 * small letters only. */
static qr_status read_geoname(qr_gaz_batch *b, char *s, size_t line, char ***names,
                              size_t *names_cap, const qr_lexicon *stop, qr_buf *scratch,
                              qr_error *err) {
  char *f[GN_FIELDS];
  size_t nf = 0;
  for (char *p = s; nf < GN_FIELDS; nf++) {
    f[nf] = p;
    char *t = strchr(p, '\t');
    if (!t) {
      nf++;
      break;
    }
    *t = '\0';
    p = t + 1;
  }
  if (nf < GN_POP + 1)
    return qr_error_set(err, QR_EDATA, "%s:%zu: expected the %d tab-separated fields of a GeoNames "
                        "dump, found %zu", b->name, line, GN_FIELDS, nf);
  if (!*f[GN_ID] || strspn(f[GN_ID], "0123456789") != strlen(f[GN_ID]))
    return qr_error_set(err, QR_EDATA, "%s:%zu: the geonameid '%s' is not a number", b->name,
                        line, f[GN_ID]);
  char id[40];
  snprintf(id, sizeof id, "geonames:%s", f[GN_ID]);
  /* places (class P) and countries, states, regions (A) are GPE; the rest
   * (mountains, rivers, seas ...) LOC */
  const char *type = f[GN_CLASS][0] == 'P' || f[GN_CLASS][0] == 'A' ? "GPE" : "LOC";
  /* the name, then the ASCII name and the alternate names (comma-separated)
   * that are useful and new */
  size_t nalt = 1;
  for (const char *p = f[GN_ALT]; *p; p++) nalt += *p == ',';
  if (qr_grow((void **)names, names_cap, nalt + 2, sizeof **names))
    return qr_error_set(err, QR_ENOMEM, "out of memory");
  char **nm = *names;
  size_t nn = 0;
  if (!useful_name(f[GN_NAME]))
    return qr_error_set(err, QR_EDATA, "%s:%zu: the name '%s' has no letter", b->name, line,
                        f[GN_NAME]);
  if (stop_form(stop, f[GN_NAME], scratch)) return QR_OK;
  nm[nn++] = f[GN_NAME];
  if (strcmp(f[GN_ASCII], f[GN_NAME]) != 0 && useful_name(f[GN_ASCII]) &&
      !stop_form(stop, f[GN_ASCII], scratch))
    nm[nn++] = f[GN_ASCII];
  for (char *p = f[GN_ALT]; *p;) {
    char *c = strchr(p, ',');
    if (c) *c = '\0';
    /* (two characters are a code or a fragment: "Ea" for Tripoli) */
    int skip = !useful_name(p) || lower_case_name(p) || stop_form(stop, p, scratch) ||
               characters(p) <= 2;
    for (size_t k = 0; !skip && k < nn; k++) skip = strcmp(nm[k], p) == 0;
    /* the dump has names of punctuation and replacement marks: left out */
    if (!skip) skip = !qr_gaz_name_has_word(p);
    if (!skip) nm[nn++] = p;
    if (!c) break;
    p = c + 1;
  }
  const char *attrs[] = {"country", f[GN_COUNTRY], "population", f[GN_POP], "lat", f[GN_LAT],
                         "lon", f[GN_LON], "feature", f[GN_CODE]};
  qr_status rc = qr_gaz_batch_add(b, line, id, type, (const char *const *)nm, nn, attrs, 5,
                                  QR_CASE_AUTO, err);
  if (rc == QR_OK) qr_gaz_batch_rank(b, strtod(f[GN_POP], NULL));
  return rc;
}

qr_status qr_gazetteer_load_geonames(qr_gazetteer *g, const char *text, size_t len,
                                     const char *name, qr_error *err) {
  char *copy;
  qr_status rc = qr_gaz_copy_text(text, len, name, &copy, err);
  if (rc) return rc;
  qr_gaz_batch b;
  qr_gaz_batch_init(&b, g, name);
  char **names = NULL;
  size_t names_cap = 0, pos = 0, line = 0, n;
  const char *s;
  qr_lexicon *stop = NULL;
  qr_buf scratch = {0};
  if (load_stop_forms(&stop)) rc = qr_error_set(err, QR_ENOMEM, "%s: out of memory", name);
  while (rc == QR_OK && (s = next_line(copy, len, &pos, &n)) != NULL) {
    line++;
    char *l = copy + (s - copy);
    l[n] = '\0';
    if (!*l || *l == '#') continue;
    rc = read_geoname(&b, l, line, &names, &names_cap, stop, &scratch, err);
  }
  if (rc == QR_OK) rc = qr_gaz_batch_commit(&b, g, err);
  qr_lexicon_free(stop);
  qr_buf_free(&scratch);
  free(names);
  qr_gaz_batch_free(&b);
  free(copy);
  return rc;
}
