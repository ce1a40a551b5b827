/* utf8.c — decoding, classes and folding; the only file that calls utf8proc. */
#include <string.h>
#include <utf8proc.h>

#include "quarry/utf8.h"

int qr_utf8_decode(const unsigned char *s, size_t n, int32_t *cp) {
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = (int32_t)c;
    return 1;
  }
  int len;
  int32_t v, min;
  if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; min = 0x10000; }
  else { *cp = QR_UTF8_BAD; return 1; }
  if ((size_t)len > n) { *cp = QR_UTF8_BAD; return 1; }
  for (int i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) { *cp = QR_UTF8_BAD; return 1; }
    v = (v << 6) | (s[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    *cp = QR_UTF8_BAD;
    return 1;
  }
  *cp = v;
  return len;
}

int qr_utf8_encode(int32_t cp, char *out) {
  unsigned char *o = (unsigned char *)out;
  if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | (cp >> 18));
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

int qr_utf16_likely(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) return 1;
  /* the first 256 bytes (or all): NULs at nearly every even position and at
   * none of the odd ones, or the other way round */
  size_t m = (n < 256 ? n : 256) & ~(size_t)1, even = 0, odd = 0;
  if (m < 4) return 0;
  for (size_t i = 0; i < m; i += 2) {
    even += u[i] == 0;
    odd += u[i + 1] == 0;
  }
  size_t half = m / 2;
  return (odd * 10 >= half * 9 && even == 0) || (even * 10 >= half * 9 && odd == 0);
}

size_t qr_utf8_check(const char *s, size_t n, size_t *first) {
  const unsigned char *u = (const unsigned char *)s;
  size_t bad = 0, i = 0;
  *first = n;
  while (i < n) {
    /* ASCII, most of English text, eight bytes at a time */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, u + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (u[i] < 0x80) { i++; continue; }
    int32_t cp;
    int k = qr_utf8_decode(u + i, n - i, &cp);
    if (cp == QR_UTF8_BAD) {
      if (!bad) *first = i;
      bad++;
    }
    i += (size_t)k;
  }
  return bad;
}

static int is_emoji(int32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) ||  /* pictographs, emoticons, transport, flags */
         (cp >= 0x2600 && cp <= 0x27BF) ||    /* miscellaneous symbols, dingbats */
         (cp >= 0x2B00 && cp <= 0x2BFF) ||    /* arrows and stars used as emoji */
         cp == 0x231A || cp == 0x231B || cp == 0x2328 || cp == 0x23CF ||
         (cp >= 0x23E9 && cp <= 0x23FA) || cp == 0x3030 || cp == 0x303D;
}

qr_cclass qr_char_class(int32_t cp) {
  if (cp < 0) return QR_CC_BAD;
  if (cp == '\n' || cp == 0x2028 || cp == 0x2029 || cp == 0x85 || cp == '\v' || cp == '\f')
    return QR_CC_NEWLINE;
  /* dashes, quotes, bullets and the ellipsis: frequent in English text, all
   * punctuation, and cheaper to know than to look up */
  if (cp >= 0x2010 && cp <= 0x2027) return QR_CC_PUNCT;
  if (cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0020 && cp <= 0xE007F))
    return QR_CC_JOINER;
  if (cp >= 0x1F3FB && cp <= 0x1F3FF) return QR_CC_JOINER;   /* skin-tone modifiers */
  if (is_emoji(cp)) return QR_CC_EMOJI;
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LT: return QR_CC_UPPER;
  case UTF8PROC_CATEGORY_LL: return QR_CC_LOWER;
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO: return QR_CC_LETTER;
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME: return QR_CC_MARK;
  case UTF8PROC_CATEGORY_ND: return QR_CC_DIGIT;
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO: return QR_CC_NUMBER;
  case UTF8PROC_CATEGORY_PC:
  case UTF8PROC_CATEGORY_PD:
  case UTF8PROC_CATEGORY_PS:
  case UTF8PROC_CATEGORY_PE:
  case UTF8PROC_CATEGORY_PI:
  case UTF8PROC_CATEGORY_PF:
  case UTF8PROC_CATEGORY_PO: return QR_CC_PUNCT;
  case UTF8PROC_CATEGORY_SM:
  case UTF8PROC_CATEGORY_SC:
  case UTF8PROC_CATEGORY_SK:
  case UTF8PROC_CATEGORY_SO: return QR_CC_SYMBOL;
  case UTF8PROC_CATEGORY_ZS: return QR_CC_SPACE;
  case UTF8PROC_CATEGORY_ZL:
  case UTF8PROC_CATEGORY_ZP: return QR_CC_NEWLINE;
  case UTF8PROC_CATEGORY_CC:
    return (cp == '\t' || cp == '\r' || cp == ' ') ? QR_CC_SPACE : QR_CC_CONTROL;
  case UTF8PROC_CATEGORY_CF:
    return cp == 0xFEFF ? QR_CC_SPACE : QR_CC_CONTROL;  /* a stray BOM is a space */
  default: return QR_CC_CONTROL;
  }
}

int qr_utf8_char_width(int32_t cp) {
  if (cp < 0) return 1;   /* an invalid byte shows as one replacement mark */
  int w = utf8proc_charwidth(cp);
  return w < 0 ? 0 : w;
}

size_t qr_utf8_width(const char *s, size_t n, size_t max, size_t *fit) {
  const unsigned char *u = (const unsigned char *)s;
  size_t w = 0, i = 0, fits = 0;
  while (i < n) {
    int32_t cp;
    int k = qr_utf8_decode(u + i, n - i, &cp);
    w += (size_t)qr_utf8_char_width(cp);
    i += (size_t)k;
    if (w <= max) fits = i;
  }
  if (fit) *fit = fits;
  return w;
}

int32_t qr_utf8_lower(int32_t cp) { return cp < 0 ? cp : utf8proc_tolower(cp); }
int32_t qr_utf8_upper(int32_t cp) { return cp < 0 ? cp : utf8proc_toupper(cp); }

/* Letters with a mark that Unicode does not decompose: their plain
 * spelling (folded text only: small letters). */
static const char *plain_letter(int32_t cp) {
  switch (cp) {
  case 0x0142: return "l";    /* ł */
  case 0x0111: return "d";    /* đ */
  case 0x00F8: return "o";    /* ø */
  case 0x0131: return "i";    /* ı */
  case 0x00E6: return "ae";   /* æ */
  case 0x0153: return "oe";   /* œ */
  case 0x00F0: return "d";    /* ð */
  case 0x0127: return "h";    /* ħ */
  default: return NULL;
  }
}

qr_status qr_utf8_strip_marks(const char *s, size_t n, qr_buf *out) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    size_t j = i;   /* ASCII has no marks: the run of it at once */
    while (j < n && u[j] < 0x80) j++;
    if (j > i && qr_buf_append(out, s + i, j - i)) return QR_ENOMEM;
    if ((i = j) >= n) break;
    int32_t cp;
    int k = qr_utf8_decode(u + i, n - i, &cp);
    utf8proc_int32_t dst[8];
    int last = 0;
    utf8proc_ssize_t m =
        cp == QR_UTF8_BAD ? -1 : utf8proc_decompose_char(cp, dst, 8, UTF8PROC_DECOMPOSE, &last);
    const char *plain = cp == QR_UTF8_BAD ? NULL : plain_letter(cp);
    if (plain) {
      if (qr_buf_puts(out, plain)) return QR_ENOMEM;
    } else if (m < 0 || m > 8) {   /* an invalid byte: copied through */
      if (qr_buf_append(out, s + i, (size_t)k)) return QR_ENOMEM;
    } else {
      for (utf8proc_ssize_t d = 0; d < m; d++) {
        utf8proc_category_t cat = utf8proc_category(dst[d]);
        if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
            cat == UTF8PROC_CATEGORY_ME)
          continue;
        char enc[4];
        int el = qr_utf8_encode(dst[d], enc);
        if (qr_buf_append(out, enc, (size_t)el)) return QR_ENOMEM;
      }
    }
    i += (size_t)k;
  }
  return QR_OK;
}

qr_status qr_utf8_fold(const char *s, size_t n, qr_buf *out) {
  const unsigned char *u = (const unsigned char *)s;
  if (qr_buf_reserve(out, n)) return QR_ENOMEM;
  size_t i = 0;
  while (i < n) {
    unsigned c = u[i];
    if (c < 0x80) {   /* ASCII fast path: the run of it at once, into reserved room */
      size_t j = i;
      while (j < n && u[j] < 0x80) j++;
      /* (folding before may have taken more room than its input) */
      if (qr_buf_reserve(out, j - i)) return QR_ENOMEM;
      char *o = out->data + out->len;
      for (size_t k = i; k < j; k++) o[k - i] = (char)(u[k] + 32 * ((unsigned)u[k] - 'A' < 26u));
      out->len += j - i;
      out->data[out->len] = '\0';
      i = j;
      continue;
    }
    int32_t cp;
    int k = qr_utf8_decode(u + i, n - i, &cp);
    if (cp == QR_UTF8_BAD) {
      if (qr_buf_putc(out, (char)c)) return QR_ENOMEM;
      i++;
      continue;
    }
    if (cp == 0x2019 || cp == 0x02BC) {
      if (qr_buf_putc(out, '\'')) return QR_ENOMEM;
      i += (size_t)k;
      continue;
    }
    utf8proc_int32_t dst[8];
    int last = 0;
    utf8proc_ssize_t m = utf8proc_decompose_char(cp, dst, 8, UTF8PROC_CASEFOLD, &last);
    if (m < 0 || m > 8) {   /* cannot happen for valid code points; copy through */
      if (qr_buf_append(out, s + i, (size_t)k)) return QR_ENOMEM;
    } else {
      for (utf8proc_ssize_t j = 0; j < m; j++) {
        char enc[4];
        int el = qr_utf8_encode(dst[j], enc);
        if (qr_buf_append(out, enc, (size_t)el)) return QR_ENOMEM;
      }
    }
    i += (size_t)k;
  }
  return QR_OK;
}
