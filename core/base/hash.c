/* hash.c — a fast 64-bit hash for interning short strings.
 *
 * Reads eight bytes at a time and mixes with multiply-xorshift steps; the tail
 * (its bytes little-endian in one word) is read with overlapping loads inside
 * the key, so that no byte past it is ever touched and no loop runs per byte. */
#include <string.h>

#include "quarry/base.h"

uint64_t qr_hash_bytes(const void *p, size_t n) {
  const unsigned char *s = p;
  uint64_t h = qr_hash_seed(n);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = qr_hash_step(h, w);
    h ^= h >> 29;
    s += 8;
    n -= 8;
  }
  uint64_t w = 0;
  if (n >= 4) {   /* two four-byte loads that overlap cover 4 to 7 bytes */
    uint32_t lo, hi;
    memcpy(&lo, s, 4);
    memcpy(&hi, s + n - 4, 4);
    w = (uint64_t)lo | (uint64_t)hi << (8 * (n - 4));
  } else if (n) {   /* the first, middle and last bytes cover 1 to 3 */
    w = (uint64_t)s[0] | (uint64_t)s[n / 2] << (8 * (n / 2)) | (uint64_t)s[n - 1] << (8 * (n - 1));
  }
  return qr_hash_mix(qr_hash_step(h, w));
}
