/* conllu.c — writing tokens and sentences as CoNLL-U and as tokenized text.
 *
 * CoNLL-U is what ../shared/eval/segscore and every UD tool read. A surface
 * token made of several syntactic words (don't = do + n't; Russia’s = Russia
 * + ’s) becomes a multiword-token line "3-4" followed by its word lines. */
#include <stdint.h>
#include <string.h>

#include "quarry/text.h"
#include "quarry/utf8.h"

/* The writers reserve room for a whole line (or sentence) first, then write
 * into it with the put_* helpers below, which take and return the write
 * position: a check and a length update per line, not per field. A byte of
 * a form takes at most 3 bytes (an invalid one becomes U+FFFD). */
#define CLEAN_MAX(n) (3 * (n))

/* Does the word x (bytes read little-endian) hold a byte that is no
 * printable ASCII (below 0x20 or from 0x80 up)? The subtraction borrows
 * into a byte above only from a byte below 0x20, which answers yes anyway. */
static inline uint64_t unprintable8(uint64_t x) {
  return (x | ((x - 0x2020202020202020ULL) & ~x)) & 0x8080808080808080ULL;
}

/* Copies a token of up to 16 bytes of printable ASCII (most of them are) to
 * d with loads and stores of whole words that overlap, and no loop: returns
 * 0 when it is longer or holds another byte, having written nothing. No
 * byte outside s[0, n) or d[0, n) is touched. */
static inline int put_plain16(char *d, const char *s, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t a, b;
    memcpy(&a, s, 8);
    memcpy(&b, s + n - 8, 8);
    if (unprintable8(a) | unprintable8(b)) return 0;
    memcpy(d, &a, 8);
    memcpy(d + n - 8, &b, 8);
    return 1;
  }
  if (n >= 4 && n < 8) {
    uint32_t a, b;
    memcpy(&a, s, 4);
    memcpy(&b, s + n - 4, 4);
    if (unprintable8((uint64_t)a << 32 | b)) return 0;
    memcpy(d, &a, 4);
    memcpy(d + n - 4, &b, 4);
    return 1;
  }
  if (n >= 1 && n < 4) {   /* the first, middle and last bytes cover them all */
    unsigned char a = (unsigned char)s[0], m = (unsigned char)s[n / 2], z = (unsigned char)s[n - 1];
    if (unprintable8((uint64_t)a | (uint64_t)m << 8 | (uint64_t)z << 16 | 0x2020202020000000ULL))
      return 0;
    d[0] = (char)a, d[n / 2] = (char)m, d[n - 1] = (char)z;
    return 1;
  }
  return 0;
}

/* Writes s[0, n) at d with invalid UTF-8 bytes replaced by U+FFFD and tabs
 * or line breaks (which CoNLL-U cannot hold in a field) by spaces. */
static char *put_clean(char *d, const char *s, size_t n) {
  if (put_plain16(d, s, n)) return d + n;
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    size_t run = i;   /* printable ASCII, the common case, is copied as it is */
    while (run < n && u[run] >= 0x20 && u[run] < 0x80) run++;
    memcpy(d, s + i, run - i);
    d += run - i;
    i = run;
    if (i >= n) break;
    if (u[i] < 0x80) {   /* a control byte */
      *d++ = ' ';
      i++;
      continue;
    }
    int32_t cp;
    size_t k = (size_t)qr_utf8_decode(u + i, n - i, &cp);
    if (cp == QR_UTF8_BAD) {
      memcpy(d, "\xEF\xBF\xBD", 3);
      d += 3;
    } else {
      memcpy(d, s + i, k);
      d += k;
    }
    i += k;
  }
  return d;
}

static char *put_lit(char *d, const char *lit, size_t n) {
  memcpy(d, lit, n);
  return d + n;
}
#define PUT_LIT(d, lit) put_lit((d), "" lit, sizeof(lit) - 1)

/* A decimal number (at most 20 digits); printf is too slow for one per
 * token. Most are a token's place in its sentence, under 100. */
static char *put_number(char *d, size_t v) {
  if (v < 10) {
    *d = (char)('0' + v);
    return d + 1;
  }
  if (v < 100) {
    d[0] = (char)('0' + v / 10);
    d[1] = (char)('0' + v % 10);
    return d + 2;
  }
  char tmp[20];
  int k = (int)sizeof tmp;
  do tmp[--k] = (char)('0' + v % 10); while ((v /= 10) > 0);
  return put_lit(d, tmp + k, sizeof tmp - (size_t)k);
}

/* Ends a write begun at out->data + out->len (room reserved) at d. */
static void put_end(qr_buf *out, char *d) {
  out->len = (size_t)(d - out->data);
  out->data[out->len] = '\0';
}

/* The tokens [t0, t1) as text, each after a space where white space was
 * before it (d has room for span_room(toks, t0, t1) bytes). */
static char *put_span(char *d, const char *text, const qr_tokens *toks, size_t t0, size_t t1) {
  for (size_t i = t0; i < t1; i++) {
    if (i > t0 && (toks->flags[i] & QR_TF_SPACE_BEFORE)) *d++ = ' ';
    d = put_clean(d, text + toks->start[i], toks->len[i]);
  }
  return d;
}

/* Room for put_span: each token's bytes cleaned, and a space before it. */
static size_t span_room(const qr_tokens *toks, size_t t0, size_t t1) {
  if (t1 <= t0) return 0;
  size_t bytes = toks->start[t1 - 1] + toks->len[t1 - 1] - toks->start[t0];
  return CLEAN_MAX(bytes) + (t1 - t0);
}

qr_status qr_write_span_text(qr_buf *out, const char *text, const qr_tokens *toks, size_t t0,
                             size_t t1) {
  if (qr_buf_reserve(out, span_room(toks, t0, t1))) return QR_ENOMEM;
  put_end(out, put_span(out->data + out->len, text, toks, t0, t1));
  return QR_OK;
}

#define EMPTY_FIELDS "\t_\t_\t_\t_\t_\t_\t_\t"
#define LINE_ROOM(n) (20 + 2 + 20 + 1 + CLEAN_MAX(n) + sizeof EMPTY_FIELDS + sizeof "SpaceAfter=No\n")

/* A line of the CoNLL-U table: its id (first, or the range first-last of a
 * multiword token when last > first), its form and its MISC field. */
static qr_status table_line(qr_buf *out, size_t first, size_t last, const char *form, size_t n,
                            int no_space) {
  if (qr_buf_reserve(out, LINE_ROOM(n))) return QR_ENOMEM;
  char *d = put_number(out->data + out->len, first);
  if (last > first) {
    *d++ = '-';
    d = put_number(d, last);
  }
  *d++ = '\t';
  d = put_clean(d, form, n);
  d = PUT_LIT(d, EMPTY_FIELDS);
  d = no_space ? PUT_LIT(d, "SpaceAfter=No\n") : PUT_LIT(d, "_\n");
  put_end(out, d);
  return QR_OK;
}

static qr_status word_line(qr_buf *out, size_t id, const char *form, size_t n, int no_space) {
  return table_line(out, id, id, form, n, no_space);
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
    /* the sentence's two comment lines at once */
    size_t plen = prefix ? strlen(prefix) : 0;
    if (qr_buf_reserve(out, 40 + plen + span_room(toks, t0, t1))) return QR_ENOMEM;
    char *d = PUT_LIT(out->data + out->len, "# sent_id = ");
    d = put_lit(d, prefix ? prefix : "", plen);
    d = put_number(d, *sent_no);
    d = PUT_LIT(d, "\n# text = ");
    d = put_span(d, text, toks, t0, t1);
    *d++ = '\n';
    put_end(out, d);
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
        if (table_line(out, id, id + words - 1, form, surf_end - toks->start[i],
                       no_space_after(text, len, toks, j - 1, limit)))
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
    if (qr_buf_reserve(out, span_room(toks, t0, t1) + 1)) return QR_ENOMEM;
    char *d = out->data + out->len;
    for (size_t i = t0; i < t1; i++) {
      if (i > t0) *d++ = ' ';
      d = put_clean(d, text + toks->start[i], toks->len[i]);
    }
    *d++ = '\n';
    put_end(out, d);
  }
  return QR_OK;
}
