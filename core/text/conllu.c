/* conllu.c — writing tokens and sentences as CoNLL-U and as tokenized text.
 *
 * CoNLL-U is what ../shared/eval/segscore and every UD tool read. A surface
 * token made of several syntactic words (don't = do + n't; Russia’s = Russia
 * + ’s) becomes a multiword-token line "3-4" followed by its word lines. */
#include <string.h>

#include "quarry/text.h"
#include "quarry/utf8.h"

/* Appends s[0, n) with invalid UTF-8 bytes replaced by U+FFFD and tabs or
 * line breaks (which CoNLL-U cannot hold in a field) by spaces. */
static qr_status put_clean(qr_buf *out, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  if (out->len + n < out->cap) {   /* the common case: printable ASCII, room enough */
    char *d = out->data + out->len;
    size_t k = 0;
    while (k < n && u[k] >= 0x20 && u[k] < 0x80) d[k] = (char)u[k], k++;
    out->len += k;
    out->data[out->len] = '\0';
    if (k == n) return QR_OK;
    i = k;
  }
  while (i < n) {
    size_t run = i;
    while (run < n && u[run] >= 0x20 && u[run] < 0x80) run++;
    if (run > i && qr_buf_append(out, s + i, run - i)) return QR_ENOMEM;
    i = run;
    if (i >= n) break;
    if (u[i] < 0x80) {
      if (qr_buf_putc(out, ' ')) return QR_ENOMEM;
      i++;
      continue;
    }
    int32_t cp;
    int k = qr_utf8_decode(u + i, n - i, &cp);
    if (cp == QR_UTF8_BAD ? qr_buf_append(out, "\xEF\xBF\xBD", 3)
                          : qr_buf_append(out, s + i, (size_t)k))
      return QR_ENOMEM;
    i += (size_t)k;
  }
  return QR_OK;
}

qr_status qr_write_span_text(qr_buf *out, const char *text, const qr_tokens *toks, size_t t0,
                             size_t t1) {
  for (size_t i = t0; i < t1; i++) {
    if (i > t0 && (toks->flags[i] & QR_TF_SPACE_BEFORE) && qr_buf_putc(out, ' ')) return QR_ENOMEM;
    if (put_clean(out, text + toks->start[i], toks->len[i])) return QR_ENOMEM;
  }
  return QR_OK;
}

/* Appends a decimal number and a tab; printf is too slow for one per token. */
static qr_status put_id(qr_buf *out, size_t id) {
  char tmp[24];
  int k = (int)sizeof tmp;
  tmp[--k] = '\t';
  do tmp[--k] = (char)('0' + id % 10); while ((id /= 10) > 0);
  return qr_buf_append(out, tmp + k, sizeof tmp - (size_t)k);
}

static qr_status word_line(qr_buf *out, size_t id, const char *form, size_t n, int no_space) {
  if (put_id(out, id) || put_clean(out, form, n) ||
      qr_buf_puts(out, "\t_\t_\t_\t_\t_\t_\t_\t") ||
      qr_buf_puts(out, no_space ? "SpaceAfter=No\n" : "_\n"))
    return QR_ENOMEM;
  return QR_OK;
}

/* Is there no white space between token i and the token after it? Tokens
 * from limit on belong to another text (the next document of a corpus). */
static int no_space_after(const char *text, size_t len, const qr_tokens *toks, size_t i,
                          size_t limit) {
  size_t end = toks->start[i] + toks->len[i];
  if (i + 1 < limit) return !(toks->flags[i + 1] & QR_TF_SPACE_BEFORE);
  return end < len && text[end] != ' ' && text[end] != '\n' && text[end] != '\t' &&
         text[end] != '\r';
}

qr_status qr_write_conllu(qr_buf *out, const char *text, size_t len, const qr_tokens *toks,
                          const qr_sentences *sents, size_t s0, size_t s1, const char *prefix,
                          size_t *sent_no, int par_marks) {
  size_t limit = s1 > s0 ? sents->first[s1 - 1] + sents->count[s1 - 1] : 0;
  for (size_t s = s0; s < s1; s++) {
    size_t t0 = sents->first[s], t1 = t0 + sents->count[s];
    ++*sent_no;
    if (par_marks && (sents->flags[s] & QR_SF_PARA_START) &&
        qr_buf_printf(out, "# newpar\n"))
      return QR_ENOMEM;
    if (qr_buf_printf(out, "# sent_id = %s%zu\n# text = ", prefix ? prefix : "", *sent_no) ||
        qr_write_span_text(out, text, toks, t0, t1) || qr_buf_putc(out, '\n'))
      return QR_ENOMEM;
    size_t id = 1;
    for (size_t i = t0; i < t1;) {
      /* a host and the clitics attached to it form one surface token */
      size_t j = i + 1;
      while (j < t1 && (toks->flags[j] & QR_TF_CLITIC)) j++;
      const char *form = text + toks->start[i];
      if (j > i + 1 || toks->split[i]) {
        size_t words = 0;
        for (size_t k = i; k < j; k++) words += toks->split[k] ? 2 : 1;
        size_t surf_end = toks->start[j - 1] + toks->len[j - 1];
        if (qr_buf_printf(out, "%zu-%zu\t", id, id + words - 1) ||
            put_clean(out, form, surf_end - toks->start[i]) ||
            qr_buf_puts(out, "\t_\t_\t_\t_\t_\t_\t_\t") ||
            qr_buf_puts(out, no_space_after(text, len, toks, j - 1, limit) ? "SpaceAfter=No\n" : "_\n"))
          return QR_ENOMEM;
        for (size_t k = i; k < j; k++) {
          const char *f = text + toks->start[k];
          size_t sp = toks->split[k];
          if (sp) {
            if (word_line(out, id++, f, sp, 0) ||
                word_line(out, id++, f + sp, toks->len[k] - sp, 0))
              return QR_ENOMEM;
          } else if (word_line(out, id++, f, toks->len[k], 0)) {
            return QR_ENOMEM;
          }
        }
      } else if (word_line(out, id++, form, toks->len[i], no_space_after(text, len, toks, i, limit))) {
        return QR_ENOMEM;
      }
      i = j;
    }
    if (qr_buf_putc(out, '\n')) return QR_ENOMEM;
  }
  return QR_OK;
}

qr_status qr_write_tokenized(qr_buf *out, const char *text, const qr_tokens *toks,
                             const qr_sentences *sents, size_t s0, size_t s1) {
  for (size_t s = s0; s < s1; s++) {
    size_t t0 = sents->first[s], t1 = t0 + sents->count[s];
    /* room for the whole sentence at once: its bytes and the spaces */
    size_t need = t1 - t0 + 1;
    if (t1 > t0) need += toks->start[t1 - 1] + toks->len[t1 - 1] - toks->start[t0];
    if (qr_buf_reserve(out, need)) return QR_ENOMEM;
    for (size_t i = t0; i < t1; i++) {
      if (i > t0 && qr_buf_putc(out, ' ')) return QR_ENOMEM;
      if (put_clean(out, text + toks->start[i], toks->len[i])) return QR_ENOMEM;
    }
    if (qr_buf_putc(out, '\n')) return QR_ENOMEM;
  }
  return QR_OK;
}
