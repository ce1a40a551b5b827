/* hash.c — a fast 64-bit hash for interning short strings.
 *
 * Reads eight bytes at a time and mixes with multiply-xorshift steps; the tail
 * is read byte by byte so that no byte past the key is ever touched. */
#include <string.h>

#include "quarry/base.h"

static uint64_t mix(uint64_t h) {
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ULL;
  h ^= h >> 32;
  return h;
}

uint64_t qr_hash_bytes(const void *p, size_t n) {
  const unsigned char *s = p;
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    s += 8;
    n -= 8;
  }
  uint64_t w = 0;
  for (size_t i = 0; i < n; i++) w |= (uint64_t)s[i] << (8 * i);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
  return mix(h);
}
