/* tsv.c — reading gazetteers in the TSV format of docs/gazetteer.md. Each
 * line is checked as it is read and staged in a batch (batch.c), which adds
 * the entries only once the whole file has been read without an error. */
#include <stdlib.h>
#include <string.h>

#include "lookup/batch.h"
#include "quarry/utf8.h"

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

/* Reads one entry line (its fields split in place) and stages it. */
static qr_status read_line(qr_gaz_batch *b, char *s, size_t line, qr_error *err) {
  const char *name = b->name;
  char *f[6];
  size_t tabs = count_char(s, '\t');
  size_t nf = split(s, '\t', f, 5);
  if (nf < 3 || nf > 5)
    return qr_error_set(err, QR_EDATA,
                        nf < 3 ? "%s:%zu: expected at least 3 TAB-separated fields (id, type, name),"
                                 " found %zu"
                               : "%s:%zu: expected at most 5 TAB-separated fields, found %zu",
                        name, line, nf > 5 ? tabs + 1 : nf);
  char *id = trim(f[0]), *type = trim(f[1]);
  size_t nalias = nf >= 4 && *trim(f[3]) ? count_char(f[3], '|') + 1 : 0;
  size_t na = nf == 5 && *trim(f[4]) ? count_char(f[4], ';') + 1 : 0;
  /* the pointers of names and attributes, in one allocation */
  char **names = malloc((nalias + 1 + 3 * na + 1) * sizeof *names);
  if (!names) return qr_error_set(err, QR_ENOMEM, "out of memory");
  char **attrs = names + nalias + 1, **kv = attrs + 2 * na;
  size_t nnames = 0, nattrs = 0;
  qr_case_policy policy = QR_CASE_AUTO;
  qr_status rc = QR_OK;
  names[nnames++] = trim(f[2]);
  if (nalias) {
    split(trim(f[3]), '|', names + 1, nalias);
    for (size_t k = 0; k < nalias && rc == QR_OK; k++) {
      names[1 + k] = trim(names[1 + k]);
      if (!*names[1 + k])
        rc = qr_error_set(err, QR_EDATA, "%s:%zu: empty alias (alias %zu of '%s')", name, line,
                          k + 1, id);
    }
    nnames += nalias;
  }
  if (rc == QR_OK && na) {
    split(trim(f[4]), ';', kv, na);
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
        if (strcmp(val, "fold") == 0) policy = QR_CASE_FOLD;
        else if (strcmp(val, "exact") == 0) policy = QR_CASE_EXACT;
        else if (strcmp(val, "auto") == 0) policy = QR_CASE_AUTO;
        else
          rc = qr_error_set(err, QR_EDATA, "%s:%zu: unknown case '%s' (expected fold, exact or "
                            "auto)", name, line, val);
        continue;
      }
      attrs[2 * nattrs] = key;
      attrs[2 * nattrs + 1] = val;
      nattrs++;
    }
  }
  if (rc == QR_OK)
    rc = qr_gaz_batch_add(b, line, id, type, (const char *const *)names, nnames,
                          (const char *const *)attrs, nattrs, policy, err);
  free(names);
  return rc;
}

qr_status qr_gazetteer_load_tsv(qr_gazetteer *g, const char *text, size_t len,
                                const char *name, qr_error *err) {
  char *copy;
  qr_status rc0 = qr_gaz_copy_text(text, len, name, &copy, err);
  if (rc0) return rc0;
  qr_gaz_batch b;
  qr_gaz_batch_init(&b, g, name);
  qr_status rc = QR_OK;
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
    rc = read_line(&b, s, line, err);
  }
  if (rc == QR_OK) rc = qr_gaz_batch_commit(&b, g, err);
  qr_gaz_batch_free(&b);
  free(copy);
  return rc;
}
