/* buf.c — growable byte buffers and arrays. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quarry/base.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

qr_status qr_grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return QR_OK;
  size_t ncap = *cap ? *cap : 16;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2) return QR_ENOMEM;
    ncap *= 2;
  }
  if (ncap > SIZE_MAX / elem) return QR_ENOMEM;
  void *np = realloc(*p, ncap * elem);
  if (!np) return QR_ENOMEM;
  *p = np;
  *cap = ncap;
  return QR_OK;
}

void *qr_zalloc(size_t n, size_t elem) {
  if (elem && n > SIZE_MAX / elem) return NULL;
  size_t bytes = n * elem;
  if (bytes == 0) bytes = 1;
  void *p = malloc(bytes);
  if (!p) return NULL;
#if defined(__GNUC__)
  /* a compiler makes malloc and memset of zeros one calloc, whose pages
   * stay unwritten: this says p may hold anything by now */
  __asm__ volatile("" : : "r"(p) : "memory");
#endif
  memset(p, 0, bytes);
  return p;
}

void qr_copy_stream(void *dst, const void *src, size_t n) {
  if (!n) return;   /* (an empty array may be NULL) */
#if defined(__SSE2__)
  char *d = dst;
  const char *s = src;
  /* streaming stores want 16-byte aligned destinations: the head by memcpy */
  size_t head = (16 - ((uintptr_t)d & 15)) & 15;
  if (head > n) head = n;
  memcpy(d, s, head);
  d += head, s += head, n -= head;
  for (; n >= 64; n -= 64, d += 64, s += 64) {
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
    __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(s + 32));
    __m128i e = _mm_loadu_si128((const __m128i *)(const void *)(s + 48));
    _mm_stream_si128((__m128i *)(void *)d, a);
    _mm_stream_si128((__m128i *)(void *)(d + 16), b);
    _mm_stream_si128((__m128i *)(void *)(d + 32), c);
    _mm_stream_si128((__m128i *)(void *)(d + 48), e);
  }
  memcpy(d, s, n);
  _mm_sfence();
#else
  memcpy(dst, src, n);
#endif
}

qr_status qr_buf_reserve(qr_buf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len - 1) return QR_ENOMEM;
  if (qr_grow((void **)&b->data, &b->cap, b->len + extra + 1, 1)) return QR_ENOMEM;
  /* a new buffer is a string too: data is NUL-terminated once it exists, so
   * that a caller who appends nothing (an empty JSON string) still holds "" */
  b->data[b->len] = '\0';
  return QR_OK;
}

qr_status qr_buf_append(qr_buf *b, const void *p, size_t n) {
  if (qr_buf_reserve(b, n)) return QR_ENOMEM;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return QR_OK;
}

qr_status qr_buf_putc(qr_buf *b, char c) {
  if (b->len + 1 >= b->cap && qr_buf_reserve(b, 1)) return QR_ENOMEM;
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
  return QR_OK;
}

qr_status qr_buf_puts(qr_buf *b, const char *s) { return qr_buf_append(b, s, strlen(s)); }

qr_status qr_buf_printf(qr_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return QR_EARG;
  if (qr_buf_reserve(b, (size_t)n)) return QR_ENOMEM;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return QR_OK;
}

void qr_buf_reset(qr_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

void qr_buf_free(qr_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
