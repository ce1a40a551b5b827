/* ud.c — reading gold CoNLL-U (Universal Dependencies) for training: each
 * document's raw text rebuilt, with the offsets where its sentences start. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/text.h"

typedef struct reader {
  qr_buf doc;           /* the document's text so far */
  size_t *starts;       /* its sentence starts */
  size_t nstarts, cap;
  qr_buf sent;          /* the current sentence's text from its tokens */
  qr_buf text_line;     /* its "# text" line, when there is one */
  int has_text, has_tokens, new_par;
  int glued;            /* the last sentence's last token had SpaceAfter=No */
  int last_no_space;    /* the current sentence's last token has it */
  long mwt_end;         /* the last word id covered by a multiword token */
} reader;

static int starts_with(const char *s, size_t n, const char *lit) {
  size_t m = strlen(lit);
  return n >= m && memcmp(s, lit, m) == 0;
}

/* The number written in s[0, n) up to its first byte that is not a digit
 * (0 when it starts with none), saturating. The id field of a token line is
 * not NUL-terminated: it ends at a tab, and the file at the mapping's end,
 * so strtol (which skips leading white space, tabs included) could read on
 * past both. */
static long leading_number(const char *s, size_t n) {
  long v = 0;
  for (size_t i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
    v = v > (LONG_MAX - 9) / 10 ? LONG_MAX : v * 10 + (s[i] - '0');
  return v;
}

/* Ends the current sentence: appends it to the document. */
static qr_status end_sentence(reader *r) {
  if (!r->has_tokens && !r->has_text) return QR_OK;
  const qr_buf *src = r->has_text ? &r->text_line : &r->sent;
  size_t n = src->len;
  while (n && src->data[n - 1] == ' ') n--;
  if (r->doc.len && (r->new_par ? qr_buf_puts(&r->doc, "\n\n")
                                : !r->glued && qr_buf_putc(&r->doc, ' ')))
    return QR_ENOMEM;
  if (qr_grow((void **)&r->starts, &r->cap, r->nstarts + 1, sizeof *r->starts)) return QR_ENOMEM;
  r->starts[r->nstarts++] = r->doc.len;
  if (qr_buf_append(&r->doc, src->data ? src->data : "", n)) return QR_ENOMEM;
  qr_buf_reset(&r->sent);
  qr_buf_reset(&r->text_line);
  r->glued = r->last_no_space;
  r->has_text = r->has_tokens = r->new_par = r->last_no_space = 0;
  r->mwt_end = 0;
  return QR_OK;
}

static qr_status end_document(reader *r,
                              qr_status (*add)(void *, const char *, size_t, const size_t *, size_t),
                              void *arg) {
  qr_status rc = end_sentence(r);
  if (!rc && r->nstarts) rc = add(arg, r->doc.data, r->doc.len, r->starts, r->nstarts);
  qr_buf_reset(&r->doc);
  r->nstarts = 0;
  r->glued = 0;
  return rc;
}

qr_status qr_conllu_documents(const char *data, size_t len, const char *name,
                              qr_status (*add)(void *arg, const char *text, size_t len,
                                               const size_t *starts, size_t nstarts),
                              void *arg, qr_error *err) {
  reader r;
  memset(&r, 0, sizeof r);
  qr_status rc = QR_OK;
  size_t i = 0, lineno = 0;
  while (i < len && rc == QR_OK) {
    const char *nl = memchr(data + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - data) : len;
    const char *line = data + i;
    size_t n = e - i;
    i = e + 1;
    lineno++;
    if (n && line[n - 1] == '\r') n--;
    if (n == 0) {
      rc = end_sentence(&r);
    } else if (line[0] == '#') {
      if (starts_with(line, n, "# newdoc")) {
        rc = end_document(&r, add, arg);
        r.new_par = 0;
      } else if (starts_with(line, n, "# newpar") &&
                 (n == 8 || line[8] == ' ' || line[8] == '=')) {
        r.new_par = r.nstarts > 0;
      } else if (starts_with(line, n, "# text = ")) {
        qr_buf_reset(&r.text_line);
        rc = qr_buf_append(&r.text_line, line + 9, n - 9);
        r.has_text = 1;
      }
    } else {
      /* a token line: ID FORM ... MISC */
      const char *tab = memchr(line, '\t', n);
      if (!tab) {
        rc = qr_error_set(err, QR_EDATA, "%s:%zu: not a CoNLL-U token line", name, lineno);
        break;
      }
      size_t idl = (size_t)(tab - line);
      const char *form = tab + 1;
      const char *ftab = memchr(form, '\t', (size_t)(line + n - form));
      size_t fl = ftab ? (size_t)(ftab - form) : (size_t)(line + n - form);
      int empty_node = memchr(line, '.', idl) != NULL;
      const char *dash = memchr(line, '-', idl);
      long id = leading_number(line, idl);
      if (empty_node) continue;
      if (dash) {
        r.mwt_end = leading_number(dash + 1, (size_t)(line + idl - dash - 1));
      } else if (id <= r.mwt_end) {
        continue;   /* a word of a multiword token already written */
      }
      /* SpaceAfter=No in the last column */
      const char *misc = line + n;
      while (misc > line && misc[-1] != '\t') misc--;
      size_t ml = (size_t)(line + n - misc);
      int no_space = 0;
      for (size_t k = 0; k + 13 <= ml && !no_space; k++)
        no_space = memcmp(misc + k, "SpaceAfter=No", 13) == 0;
      if (qr_buf_append(&r.sent, form, fl) || (!no_space && qr_buf_putc(&r.sent, ' ')))
        rc = QR_ENOMEM;
      r.last_no_space = no_space;
      r.has_tokens = 1;
    }
  }
  if (rc == QR_OK) rc = end_document(&r, add, arg);
  if (rc && err && err->status == QR_OK) qr_error_set(err, rc, "%s: %s", name, qr_status_string(rc));
  qr_buf_free(&r.doc);
  qr_buf_free(&r.sent);
  qr_buf_free(&r.text_line);
  free(r.starts);
  return rc;
}
