/* bytemask.c — byte classes as bit masks, 64 bytes at a time: with SSE2
 * where the compiler has it (every x86-64), else from a table. */
#include <string.h>

#include "text/bytemask.h"

#if defined(__SSE2__)
#include <emmintrin.h>

/* The seven masks of 64 bytes, in the order of qr_bytemasks. */
static void classify64(const unsigned char *s, uint64_t out[7]) {
  uint64_t sep = 0, nl = 0, letter = 0, digit = 0, odd = 0, tail = 0, odd_end = 0;
  for (int k = 0; k < 4; k++) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * k));
    __m128i is_nl = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
    __m128i is_tab_cr = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
    __m128i is_sep = _mm_or_si128(_mm_or_si128(is_nl, is_tab_cr),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
    /* signed compares: bytes >= 0x80 are negative, so never letters or
     * digits, and always "below 0x20" */
    __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i is_letter = _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
                                      _mm_cmplt_epi8(folded, _mm_set1_epi8('z' + 1)));
    __m128i is_digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                     _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i low_or_high = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
    __m128i is_odd = _mm_or_si128(_mm_andnot_si128(_mm_or_si128(is_nl, is_tab_cr), low_or_high),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
    __m128i is_period = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
    __m128i is_tail = _mm_or_si128(
        _mm_or_si128(_mm_or_si128(is_period, _mm_cmpeq_epi8(v, _mm_set1_epi8(','))),
                     _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(';')),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8(':')))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('!')), _mm_cmpeq_epi8(v, _mm_set1_epi8('?'))));
    __m128i is_odd_end = _mm_or_si128(_mm_or_si128(is_period, _mm_cmpeq_epi8(v, _mm_set1_epi8('D'))),
                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('!')));
    int shift = 16 * k;
    sep |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_sep) << shift;
    nl |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_nl) << shift;
    letter |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_letter) << shift;
    digit |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_digit) << shift;
    odd |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_odd) << shift;
    tail |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_tail) << shift;
    odd_end |= (uint64_t)(uint16_t)_mm_movemask_epi8(is_odd_end) << shift;
  }
  out[0] = sep, out[1] = nl, out[2] = letter, out[3] = digit, out[4] = odd;
  out[5] = tail, out[6] = odd_end;
}

#else

static void classify64(const unsigned char *s, uint64_t out[7]) {
  memset(out, 0, 7 * sizeof *out);
  for (int k = 0; k < 64; k++) {
    unsigned c = s[k];
    uint64_t bit = 1ULL << k;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') out[0] |= bit;
    if (c == '\n') out[1] |= bit;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') out[2] |= bit;
    if (c >= '0' && c <= '9') out[3] |= bit;
    if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c >= 0x7F) out[4] |= bit;
    if (c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '.') out[5] |= bit;
    if (c == '.' || c == 'D' || c == '!') out[6] |= bit;
  }
}

#endif

/* Is the byte at i part of a dash or quote of running text (E2 80 then 93,
 * 94, 98, 99, 9C or 9D)? Such characters are punctuation, never white space,
 * so a chunk holding them ends where its ASCII white space is; bytes before
 * lo are not looked at. */
static int common_punct_at(const unsigned char *s, size_t lo, size_t n, size_t i) {
  for (size_t k = 0; k < 3; k++) {
    if (i < lo + k) break;
    size_t a = i - k;
    if (a + 2 < n && s[a] == 0xE2 && s[a + 1] == 0x80) {
      unsigned c = s[a + 2];
      if (c == 0x93 || c == 0x94 || c == 0x98 || c == 0x99 || c == 0x9C || c == 0x9D) return 1;
    }
  }
  return 0;
}

void qr_bytemasks_fill(const unsigned char *s, size_t n, size_t nwords, const qr_bytemasks *m) {
  for (size_t w = 0; w < nwords; w++) {
    uint64_t out[7];
    if (64 * w + 64 <= n) {
      classify64(s + 64 * w, out);
    } else {   /* the end of the text: the rest reads as spaces */
      unsigned char tail[64];
      size_t have = n > 64 * w ? n - 64 * w : 0;
      memset(tail, ' ', sizeof tail);
      if (have) memcpy(tail, s + 64 * w, have);
      classify64(tail, out);
    }
    m->sep[w] = out[0];
    m->nl[w] = out[1];
    m->letter[w] = out[2];
    m->digit[w] = out[3];
    m->tail[w] = out[5];
    m->odd_end[w] = out[6];
    /* odd bytes are rare (and come one character at a time): those of the
     * common dashes and quotes are taken back one by one */
    uint64_t odd = out[4], x = odd;
    while (x) {
      unsigned bit = (unsigned)__builtin_ctzll(x);
      x &= x - 1;
      if (common_punct_at(s, 0, n, 64 * w + bit)) odd &= ~(1ULL << bit);
    }
    m->odd[w] = odd;
  }
}
