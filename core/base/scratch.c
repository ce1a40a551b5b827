/* scratch.c — scratch files mapped shared, for arrays built larger than
 * memory (quarry/scratch.h). */
#define _GNU_SOURCE   /* O_TMPFILE, fallocate */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quarry/scratch.h"

static size_t page_size(void) {
  long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? (size_t)p : 4096;
}

qr_status qr_scratch_open(qr_scratch *s, const char *dir, size_t size, qr_error *err) {
  memset(s, 0, sizeof *s);
  s->fd = -1;
  if (!(s->dir = strdup(dir))) return qr_error_set(err, QR_ENOMEM, "out of memory");
  size_t ps = page_size();
  size = (size + ps - 1) / ps * ps;
  if (!size) size = ps;
  int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  s->unnamed = fd >= 0;
  for (int tries = 0; fd < 0 && tries < 100; tries++) {
    /* no O_TMPFILE here: a named file, unlinked at once */
    char name[4200];
    snprintf(name, sizeof name, "%s/.quarry-scratch-%ld-%d", dir, (long)getpid(), tries);
    fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) unlink(name);
    else if (errno != EEXIST) break;
  }
  if (fd < 0) {
    int e = errno;
    qr_status rc = qr_error_set(err, QR_EIO, "%s: cannot make a scratch file: %s", dir, strerror(e));
    qr_scratch_close(s);
    return rc;
  }
  s->fd = fd;
  if (ftruncate(fd, (off_t)size) != 0) {
    int e = errno;
    qr_scratch_close(s);
    return qr_error_set(err, QR_EIO, "%s: cannot make a scratch file of %zu bytes: %s", dir, size,
                        strerror(e));
  }
  void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) {
    int e = errno;
    qr_scratch_close(s);
    return qr_error_set(err, e == ENOMEM ? QR_ENOMEM : QR_EIO,
                        "%s: cannot map a scratch file of %zu bytes: %s", dir, size, strerror(e));
  }
  s->base = m;
  s->size = size;
  return QR_OK;
}

int qr_scratch_holds(const qr_scratch *s, const void *p) {
  return s && s->base && (const char *)p >= s->base && (const char *)p < s->base + s->size;
}

qr_status qr_scratch_allocate(qr_scratch *s, const void *p, size_t n, qr_error *err) {
  if (!n) return QR_OK;
  off_t at = (off_t)((const char *)p - s->base);
  if (fallocate(s->fd, 0, at, (off_t)n) == 0) return QR_OK;
  int e = errno;
  if (e == EOPNOTSUPP || e == ENOSYS) {
    /* a file system without fallocate: zeros written give the disk */
    static const char zeros[65536];
    for (size_t done = 0; done < n;) {
      size_t k = n - done < sizeof zeros ? n - done : sizeof zeros;
      ssize_t w = pwrite(s->fd, zeros, k, at + (off_t)done);
      if (w <= 0) {
        e = w < 0 ? errno : EIO;
        goto fail;
      }
      done += (size_t)w;
    }
    return QR_OK;
  }
fail:
  return qr_error_set(err, QR_EIO, "%s: scratch file: %s", s->dir,
                      e == ENOSPC ? "no space left on the disk" : strerror(e));
}

void qr_scratch_write_back(const qr_scratch *s, const void *p, size_t n) {
  size_t ps = page_size();
  /* from the page p is in (a range written after the one before it
   * completes that page) to the last page completed */
  uintptr_t lo = (uintptr_t)p & ~(uintptr_t)(ps - 1);
  uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(ps - 1);
  /* asynchronous: the kernel's flusher threads write while the caller
   * goes on; a page written again later is written back again */
  if (hi > lo)
    sync_file_range(s->fd, (off_t)(lo - (uintptr_t)s->base), (off_t)(hi - lo),
                    SYNC_FILE_RANGE_WRITE);
}

void qr_scratch_discard(qr_scratch *s, const void *p, size_t n) {
  size_t ps = page_size();
  uintptr_t lo = ((uintptr_t)p + ps - 1) & ~(uintptr_t)(ps - 1);
  uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(ps - 1);
  if (hi <= lo) return;
  /* out of memory first (dirty pages need not be written back), then off
   * the disk; a file system that cannot punch holes keeps the disk */
  if (madvise((void *)lo, hi - lo, MADV_REMOVE) == 0) return;
  madvise((void *)lo, hi - lo, MADV_DONTNEED);
  fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)(lo - (uintptr_t)s->base),
            (off_t)(hi - lo));
}

void qr_pages_drop(const void *p, size_t n) {
  size_t ps = page_size();
  uintptr_t lo = ((uintptr_t)p + ps - 1) & ~(uintptr_t)(ps - 1);
  uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(ps - 1);
  if (hi > lo) madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23   /* (Linux 5.14; older headers) */
#endif

void qr_pages_populate(void *p, size_t n) {
  size_t ps = page_size();
  uintptr_t lo = (uintptr_t)p & ~(uintptr_t)(ps - 1);
  uintptr_t hi = ((uintptr_t)p + n + ps - 1) & ~(uintptr_t)(ps - 1);
  /* an older kernel says EINVAL: the pages are faulted as they are written */
  if (hi > lo) madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
}

void qr_scratch_close(qr_scratch *s) {
  if (s->base) munmap(s->base, s->size);
  if (s->fd >= 0) close(s->fd);
  free(s->dir);
  memset(s, 0, sizeof *s);
  s->fd = -1;
}
