/* quarry/base.h — status codes, error reports and growable buffers shared by
 * every module of the core.
 *
 * Memory rule: a function that can fail returns a qr_status and, when given a
 * qr_error, fills it with a message naming the file and position at fault.
 * Out of memory is a result (QR_ENOMEM), never an exit. */
#ifndef QUARRY_BASE_H
#define QUARRY_BASE_H

#include <stddef.h>
#include <stdint.h>

#define QR_VERSION "0.1.0"
#define QR_API_VERSION 1

typedef enum qr_status {
  QR_OK = 0,
  QR_ENOMEM,   /* an allocation failed */
  QR_EIO,      /* a file could not be read or written */
  QR_EDATA,    /* the input is malformed (the message says where) */
  QR_EARG,     /* the caller passed something unusable */
  QR_ELIMIT    /* a size limit was exceeded (e.g. a document over 4 GiB) */
} qr_status;

/* An error report: the status and a message, truncated to fit. Filled by the
 * function that failed; a NULL qr_error pointer means "status only". */
typedef struct qr_error {
  qr_status status;
  char msg[512];
} qr_error;

/* Fills err (when not NULL) with a printf-style message; returns st so that
 * callers can write `return qr_error_set(err, QR_EDATA, "...")`. */
qr_status qr_error_set(qr_error *err, qr_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Clears err to QR_OK and an empty message. */
void qr_error_clear(qr_error *err);

/* A short name for a status ("out of memory", "bad data", ...). */
const char *qr_status_string(qr_status st);

/* A growable byte buffer. The buffer owns data; qr_buf_free releases it.
 * data is always NUL-terminated when non-NULL (the NUL is not counted in len). */
typedef struct qr_buf {
  char *data;
  size_t len, cap;
} qr_buf;

qr_status qr_buf_reserve(qr_buf *b, size_t extra);
qr_status qr_buf_append(qr_buf *b, const void *p, size_t n);
qr_status qr_buf_putc(qr_buf *b, char c);
qr_status qr_buf_puts(qr_buf *b, const char *s);
qr_status qr_buf_printf(qr_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void qr_buf_reset(qr_buf *b);   /* len = 0, keeps the memory */
void qr_buf_free(qr_buf *b);    /* releases the memory, leaves an empty buffer */

/* Grows the array *p of elements of size elem so that it holds at least need
 * elements, doubling its capacity *cap. *p keeps its contents; on failure it is
 * left untouched and QR_ENOMEM is returned. */
qr_status qr_grow(void **p, size_t *cap, size_t need, size_t elem);

/* n zeroed elements of size elem, like calloc, but with every page written
 * at once: calloc leaves a large block's pages unmapped, each read first
 * as the shared page of zeros and copied at its first write, and each such
 * copy interrupts every other core running the process to flush its TLB.
 * For a table read before it is written (a cache, counts) that threads use
 * while others of the process run. NULL when out of memory. */
void *qr_zalloc(size_t n, size_t elem);

/* Copies n bytes from src to dst (not overlapping) past the caches: a
 * large copy whose destination is not read again soon (a round's tokens
 * into a corpus's arrays) writes memory without reading each line of the
 * destination first, and leaves the caches to the threads' own work. Ends
 * with a store fence, so that the bytes are seen by other threads once a
 * lock or an atomic says the copy is done. memcpy where SSE2 is missing. */
void qr_copy_stream(void *dst, const void *src, size_t n);

/* A 64-bit hash of n bytes (not cryptographic; fast on short keys). */
uint64_t qr_hash_bytes(const void *p, size_t n);

/* The steps of qr_hash_bytes, here so that a caller that already holds a
 * short key in a register can hash it inline with the same result. */
static inline uint64_t qr_hash_seed(size_t n) {
  return 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
}
static inline uint64_t qr_hash_step(uint64_t h, uint64_t w) {
  return (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
}
static inline uint64_t qr_hash_mix(uint64_t h) {
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ULL;
  h ^= h >> 32;
  return h;
}

/* qr_hash_bytes of a key of n < 8 bytes, given as w: its bytes little-endian,
 * zeros above them. */
static inline uint64_t qr_hash_short(uint64_t w, size_t n) {
  return qr_hash_mix(qr_hash_step(qr_hash_seed(n), w));
}

#endif
