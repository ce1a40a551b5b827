/* text/bytemask.h — the classes of many bytes at once, as bit masks.
 * Internal to core/text.
 *
 * The tokenizer's fast path asks, at every token, "where does this run of
 * letters end?" and "where is the next white space?". Answering from bit
 * masks (one bit per byte, found with a count of trailing zeros) costs the
 * same for a word of two letters as for one of twenty, and takes no branch
 * per byte: most of the time that a byte-at-a-time loop loses is in
 * mispredicted branches at word ends. */
#ifndef QUARRY_TEXT_BYTEMASK_H
#define QUARRY_TEXT_BYTEMASK_H

#include <stddef.h>
#include <stdint.h>

/* Bit k of word w of each mask describes byte 64 * w + k of the span. */
typedef struct qr_bytemasks {
  uint64_t *sep;      /* the white space of running text: ' ' \t \r \n */
  uint64_t *nl;       /* \n */
  uint64_t *letter;   /* A-Z a-z */
  uint64_t *digit;    /* 0-9 */
  uint64_t *odd;      /* what the fast path leaves to the general one: other
                       * control bytes, DEL, and every byte >= 0x80 but those
                       * of the dashes and quotes of running text (– — ‘ ’ “ ”) */
  uint64_t *tail;     /* what may end a word as a token of its own: , ; : ! ? . */
  uint64_t *odd_end;  /* . D !: a word that ends in one may be no plain word
                       * (an abbreviation, an initial, the emoticon XD, a name
                       * with its "!": Yahoo!) */
} qr_bytemasks;

/* Fills words [0, nwords) of each mask from s[0, n). Bytes past n (when
 * n < 64 * nwords) read as spaces, so that a run ends where the text does. */
void qr_bytemasks_fill(const unsigned char *s, size_t n, size_t nwords, const qr_bytemasks *m);

/* The first bit at or after bit p that is set in m (of nwords words), or
 * 64 * nwords when there is none. */
static inline size_t qr_next_set(const uint64_t *m, size_t nwords, size_t p) {
  size_t w = p >> 6;
  if (w >= nwords) return nwords * 64;
  uint64_t x = m[w] & (~0ULL << (p & 63));
  while (!x) {
    if (++w == nwords) return nwords * 64;
    x = m[w];
  }
  return w * 64 + (size_t)__builtin_ctzll(x);
}

/* The same for the first bit that is clear. */
static inline size_t qr_next_clear(const uint64_t *m, size_t nwords, size_t p) {
  size_t w = p >> 6;
  if (w >= nwords) return nwords * 64;
  uint64_t x = ~m[w] & (~0ULL << (p & 63));
  while (!x) {
    if (++w == nwords) return nwords * 64;
    x = ~m[w];
  }
  return w * 64 + (size_t)__builtin_ctzll(x);
}

/* How many bits of m are set in [a, b): 0, 1, or 2 for two or more (all a
 * caller needs to tell a line break from a blank line, without a popcount
 * instruction, which x86-64's baseline lacks). */
static inline int qr_bits_upto2(const uint64_t *m, size_t a, size_t b) {
  int n = 0;
  while (a < b && n < 2) {
    size_t w = a >> 6, lo = a & 63, hi = (b - (w << 6)) < 64 ? b - (w << 6) : 64;
    uint64_t x = m[w] >> lo;
    if (hi - lo < 64) x &= (1ULL << (hi - lo)) - 1;
    if (x) n += (x & (x - 1)) ? 2 : 1;
    a = (w << 6) + hi;
  }
  return n > 2 ? 2 : n;
}

/* Is any bit of m set in [a, b)? */
static inline int qr_any_bits(const uint64_t *m, size_t a, size_t b) {
  while (a < b) {
    size_t w = a >> 6, lo = a & 63, hi = (b - (w << 6)) < 64 ? b - (w << 6) : 64;
    uint64_t x = m[w] >> lo;
    if (hi - lo < 64) x &= (1ULL << (hi - lo)) - 1;
    if (x) return 1;
    a = (w << 6) + hi;
  }
  return 0;
}

#endif
