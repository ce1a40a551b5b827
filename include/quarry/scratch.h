/* scratch.h — a scratch file for arrays larger than memory should hold
 * while they are built (an index's tokens, on a corpus of many gigabytes).
 *
 * The file is mapped shared: pages written and then let go (qr_pages_drop)
 * leave the process for the page cache, which the kernel writes back and
 * frees when memory runs short, so that the process holds what it is
 * working on, not everything it has made. The file has no name (or loses it
 * at once): it goes when it is closed, or when the process dies.
 *
 * A write to a page of a mapped file that has no disk under it kills the
 * process (SIGBUS) when the disk is full, so the space is given first
 * (qr_scratch_allocate), where a full disk is an error with a message. */
#ifndef QUARRY_SCRATCH_H
#define QUARRY_SCRATCH_H

#include <stddef.h>
#include <stdint.h>

#include "quarry/base.h"

typedef struct qr_scratch {
  int fd;            /* -1 when closed */
  char *base;        /* the mapping of the whole file */
  size_t size;
  char *dir;         /* where it is (for messages) */
  int unnamed;       /* an O_TMPFILE: it can be given a name (linkat) */
} qr_scratch;

/* Makes a scratch file of size bytes in directory dir and maps it: sparse,
 * so that it takes no disk until qr_scratch_allocate. */
qr_status qr_scratch_open(qr_scratch *s, const char *dir, size_t size, qr_error *err);
/* Gives disk to the bytes [p, p + n) of the mapping, before they are
 * written: QR_EIO with "no space left" in err when the disk is full. */
qr_status qr_scratch_allocate(qr_scratch *s, const void *p, size_t n, qr_error *err);
/* Frees the disk of the whole pages in [p, p + n): their bytes are gone
 * (they read as zeros). */
void qr_scratch_discard(qr_scratch *s, const void *p, size_t n);
/* Starts writing the pages of [p, p + n) back to the disk, and returns
 * without waiting: bytes that are final, written after those before p (the
 * page p is in is written back, not the one p + n ends in). A file written back as it
 * is made has little left to write when it is synced, or when its blocks
 * are moved (the file system writes a range back before it moves it). */
void qr_scratch_write_back(const qr_scratch *s, const void *p, size_t n);
/* 1 if p is inside the mapping. */
int qr_scratch_holds(const qr_scratch *s, const void *p);
void qr_scratch_close(qr_scratch *s);

/* Lets go of the whole pages in [p, p + n) of a file mapping (a scratch
 * file, an input mapped read-only): out of this process's memory, their
 * bytes kept by the file and read back from it when touched again. Never
 * for malloc'ed memory, whose pages it would zero. */
void qr_pages_drop(const void *p, size_t n);
/* Maps the pages of [p, p + n) for writing, in one call (where the kernel
 * can: Linux 5.14 and later), instead of one fault per page as they are
 * first written: of a scratch file's mapping (whose disk is given
 * already), or of a big block of memory. */
void qr_pages_populate(void *p, size_t n);

#endif
