/* tsv.c — reading gazetteers in the TSV format of docs/gazetteer.md.
 *
 * Two passes: the first parses and checks every line, the second adds the
 * entries; so a file with an error anywhere adds nothing at all. */
#include <stdlib.h>
#include <string.h>

#include "lookup/gazetteer_impl.h"
#include "quarry/utf8.h"

typedef struct staged {
  char *id, *type;
  char **names;     /* into the line copy */
  size_t nnames;
  char **attrs;     /* key, value, key, value ... */
  size_t nattrs;
  qr_case_policy policy;
  size_t line;
} staged;

static char *trim(char *s) {
  while (*s == ' ') s++;
  size_t n = strlen(s);
  while (n && s[n - 1] == ' ') s[--n] = '\0';
  return s;
}

/* Splits s in place at sep; returns the number of fields (at most max). */
static size_t split(char *s, char sep, char **out, size_t max) {
  size_t n = 0;
  for (;;) {
    if (n == max) return max + 1;
    out[n++] = s;
    char *p = strchr(s, sep);
    if (!p) return n;
    *p = '\0';
    s = p + 1;
  }
}

static size_t count_char(const char *s, char c) {
  size_t n = 0;
  for (; *s; s++) n += *s == c;
  return n;
}

static void free_staged(staged *st, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(st[i].names);
    free(st[i].attrs);
  }
  free(st);
}

qr_status qr_gazetteer_load_tsv(qr_gazetteer *g, const char *text, size_t len,
                                const char *name, qr_error *err) {
  size_t bad;
  if (qr_utf8_check(text, len, &bad)) {
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < bad; i++)
      if (text[i] == '\n') line++, line_start = i + 1;
    return qr_error_set(err, QR_EDATA, "%s:%zu: invalid UTF-8 at column %zu", name, line,
                        bad - line_start + 1);
  }
  if (memchr(text, '\0', len))
    return qr_error_set(err, QR_EDATA, "%s: contains NUL bytes; not a text file", name);
  char *copy = malloc(len + 1);
  if (!copy) return qr_error_set(err, QR_ENOMEM, "%s: out of memory", name);
  memcpy(copy, text, len);
  copy[len] = '\0';
  staged *st = NULL;
  size_t nst = 0, capst = 0;
  qr_lexicon *seen = qr_lexicon_new();   /* ids of this file -> their line */
  size_t *seen_line = NULL, seen_cap = 0;
  qr_status rc = seen ? QR_OK : qr_error_set(err, QR_ENOMEM, "out of memory");
  char *p = copy;
  if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;   /* a BOM */
  size_t line = 0;
  while (rc == QR_OK && p && *p) {
    line++;
    char *nl = strchr(p, '\n');
    if (nl) *nl = '\0';
    char *next = nl ? nl + 1 : NULL;
    size_t l = strlen(p);
    if (l && p[l - 1] == '\r') p[--l] = '\0';
    char *s = p;
    p = next;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s || *s == '#') continue;
    char *f[6];
    size_t tabs = count_char(s, '\t');
    size_t nf = split(s, '\t', f, 5);
    if (nf < 3 || nf > 5) {
      rc = qr_error_set(err, QR_EDATA,
                        nf < 3 ? "%s:%zu: expected at least 3 TAB-separated fields (id, type, name),"
                                 " found %zu"
                               : "%s:%zu: expected at most 5 TAB-separated fields, found %zu",
                        name, line, nf > 5 ? tabs + 1 : nf);
      break;
    }
    if (qr_grow((void **)&st, &capst, nst + 1, sizeof *st)) {
      rc = qr_error_set(err, QR_ENOMEM, "out of memory");
      break;
    }
    staged *e = &st[nst++];
    memset(e, 0, sizeof *e);
    e->line = line;
    e->id = trim(f[0]);
    e->type = trim(f[1]);
    size_t nalias = nf >= 4 && *trim(f[3]) ? count_char(f[3], '|') + 1 : 0;
    e->names = malloc((nalias + 1) * sizeof *e->names);
    if (!e->names) {
      rc = qr_error_set(err, QR_ENOMEM, "out of memory");
      break;
    }
    e->names[e->nnames++] = trim(f[2]);
    if (nalias) {
      char **al = e->names + 1;
      split(trim(f[3]), '|', al, nalias);
      for (size_t k = 0; k < nalias; k++) {
        al[k] = trim(al[k]);
        if (!*al[k]) {
          rc = qr_error_set(err, QR_EDATA, "%s:%zu: empty alias (alias %zu of '%s')", name, line,
                            k + 1, e->id);
          break;
        }
      }
      e->nnames += nalias;
    }
    if (rc == QR_OK && nf == 5 && *trim(f[4])) {
      char *a = trim(f[4]);
      size_t na = count_char(a, ';') + 1;
      char **kv = malloc(na * sizeof *kv);
      e->attrs = malloc(2 * na * sizeof *e->attrs);
      if (!kv || !e->attrs) {
        free(kv);
        rc = qr_error_set(err, QR_ENOMEM, "out of memory");
        break;
      }
      split(a, ';', kv, na);
      for (size_t k = 0; k < na && rc == QR_OK; k++) {
        char *item = trim(kv[k]);
        if (!*item) continue;   /* a trailing ; */
        char *eq = strchr(item, '=');
        if (!eq) {
          rc = qr_error_set(err, QR_EDATA, "%s:%zu: attribute '%s' is not key=value", name, line,
                            item);
          break;
        }
        *eq = '\0';
        char *key = trim(item), *val = trim(eq + 1);
        if (strcmp(key, "case") == 0) {
          if (strcmp(val, "fold") == 0) e->policy = QR_CASE_FOLD;
          else if (strcmp(val, "exact") == 0) e->policy = QR_CASE_EXACT;
          else if (strcmp(val, "auto") == 0) e->policy = QR_CASE_AUTO;
          else
            rc = qr_error_set(err, QR_EDATA, "%s:%zu: unknown case '%s' (expected fold, exact or "
                              "auto)", name, line, val);
          continue;
        }
        e->attrs[2 * e->nattrs] = key;
        e->attrs[2 * e->nattrs + 1] = val;
        e->nattrs++;
      }
      free(kv);
    }
    if (rc) break;
    /* the same checks qr_gazetteer_add makes, but with file:line */
    qr_error e2;
    if (qr_gazetteer_find(g, e->id) >= 0) {
      rc = qr_error_set(err, QR_EDATA, "%s:%zu: duplicate id '%s' (already in the gazetteer)",
                        name, line, e->id);
      break;
    }
    uint32_t sid;
    size_t before = qr_lexicon_size(seen);
    if (qr_lexicon_intern(seen, e->id, strlen(e->id), &sid) ||
        qr_grow((void **)&seen_line, &seen_cap, (size_t)sid + 1, sizeof *seen_line)) {
      rc = qr_error_set(err, QR_ENOMEM, "out of memory");
      break;
    }
    if (qr_lexicon_size(seen) == before) {
      rc = qr_error_set(err, QR_EDATA, "%s:%zu: duplicate id '%s' (first defined at line %zu)",
                        name, line, e->id, seen_line[sid]);
      break;
    }
    seen_line[sid] = line;
    if (qr_gaz_check(g, e->id, e->type, (const char *const *)e->names, e->nnames,
                     (const char *const *)e->attrs, e->nattrs, &e2)) {
      rc = qr_error_set(err, e2.status, "%s:%zu: %s", name, line, e2.msg);
      break;
    }
  }
  for (size_t i = 0; rc == QR_OK && i < nst; i++) {
    qr_error e2;
    rc = qr_gazetteer_add(g, st[i].id, st[i].type, (const char *const *)st[i].names,
                          st[i].nnames, (const char *const *)st[i].attrs, st[i].nattrs,
                          st[i].policy, &e2);
    if (rc) qr_error_set(err, rc, "%s:%zu: %s", name, st[i].line, e2.msg);
  }
  free_staged(st, nst);
  free(seen_line);
  qr_lexicon_free(seen);
  free(copy);
  return rc;
}
