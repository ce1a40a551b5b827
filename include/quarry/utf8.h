/* quarry/utf8.h — UTF-8 decoding, character classes and case folding.
 *
 * Invalid bytes are never an error here: each invalid byte decodes as one
 * code point QR_UTF8_BAD of length 1, so offsets never shift. */
#ifndef QUARRY_UTF8_H
#define QUARRY_UTF8_H

#include "quarry/base.h"

#define QR_UTF8_BAD (-1)

/* Decodes the code point at s (n > 0 bytes available) into *cp and returns its
 * length in bytes (1..4). Overlong forms, surrogates and values past U+10FFFF
 * are invalid. */
int qr_utf8_decode(const unsigned char *s, size_t n, int32_t *cp);

/* Writes cp as UTF-8 into out (4 bytes of room) and returns the length. */
int qr_utf8_encode(int32_t cp, char *out);

/* Counts the invalid sequences in s; *first gets the offset of the first one
 * (or n when there is none). */
size_t qr_utf8_check(const char *s, size_t n, size_t *first);

/* Do the bytes s[0, n) look like UTF-16 (which quarry does not read): a
 * byte-order mark (FF FE or FE FF), or a start where every other byte is a
 * NUL (ASCII text in UTF-16, without a mark)? For an error that says what
 * the file is and how to convert it, rather than "a binary file". */
int qr_utf16_likely(const char *s, size_t n);

/* Character classes, as the tokenizer sees them. */
typedef enum qr_cclass {
  QR_CC_SPACE = 0,   /* horizontal white space */
  QR_CC_NEWLINE,     /* LF, and the Unicode line/paragraph separators */
  QR_CC_UPPER,       /* upper- and title-case letters */
  QR_CC_LOWER,       /* lower-case letters */
  QR_CC_LETTER,      /* other letters (CJK, Arabic, ...) and modifier letters */
  QR_CC_MARK,        /* combining marks: part of the letter before them */
  QR_CC_DIGIT,       /* decimal digits */
  QR_CC_NUMBER,      /* other numerals (Roman numeral signs, fractions ...) */
  QR_CC_PUNCT,       /* punctuation */
  QR_CC_SYMBOL,      /* math, currency, other symbols */
  QR_CC_EMOJI,       /* pictographs and their modifiers */
  QR_CC_JOINER,      /* ZWJ, variation selectors: glue, part of a neighbour */
  QR_CC_CONTROL,     /* other control and format characters */
  QR_CC_BAD          /* an invalid byte */
} qr_cclass;

qr_cclass qr_char_class(int32_t cp);

/* Appends the case-folded form of s to out: full Unicode case folding (via
 * utf8proc), with the apostrophe variants (U+2019, U+02BC) folded to '. Invalid
 * bytes are copied through unchanged. */
qr_status qr_utf8_fold(const char *s, size_t n, qr_buf *out);

/* Appends s to out without its diacritics: each letter decomposed (NFD) and
 * its combining marks dropped ("Sŏn" -> "Son", "Lâm" -> "Lam"), and the
 * letters that carry their mark inside (ł đ ø ı, and æ œ as two letters)
 * spelt with plain ones. Meant for text folded first (qr_utf8_fold); other
 * bytes, invalid ones too, are copied through. */
qr_status qr_utf8_strip_marks(const char *s, size_t n, qr_buf *out);

/* Display width in a terminal: 0 for combining marks and controls, 2 for
 * wide (East Asian) characters and most emoji, 1 otherwise (an invalid byte
 * counts 1: it shows as U+FFFD). */
int qr_utf8_char_width(int32_t cp);
/* The display width of s[0, n); *fit (when not NULL) gets the byte length
 * of the longest prefix whose width is at most max. */
size_t qr_utf8_width(const char *s, size_t n, size_t max, size_t *fit);

/* Lower-cases one code point (simple mapping). */
int32_t qr_utf8_lower(int32_t cp);
int32_t qr_utf8_upper(int32_t cp);

#endif
