/* quarry/file.h — read-only access to input files and directory listing.
 *
 * Input is never modified: files are memory-mapped read-only (or, for pipes
 * and stdin, read into a buffer owned by the qr_file). */
#ifndef QUARRY_FILE_H
#define QUARRY_FILE_H

#include "quarry/base.h"

/* The bytes of one input. data is valid until qr_file_close; it is never
 * NUL-terminated (use len). An empty file has len 0 and a non-NULL data. */
typedef struct qr_file {
  const char *data;
  size_t len;
  void *map;      /* the mmap'ed region, or NULL */
  size_t maplen;
  char *owned;    /* a malloc'ed copy (stdin, pipes), or NULL */
} qr_file;

/* Opens path ("-" is standard input). On error, fills err with
 * "path: reason" and leaves f empty. */
qr_status qr_file_open(qr_file *f, const char *path, qr_error *err);
void qr_file_close(qr_file *f);

/* A sorted list of paths, owned by the list. */
typedef struct qr_pathlist {
  char **paths;
  size_t n, cap;
} qr_pathlist;

/* Appends to out every regular file below dir (recursively, following no
 * symlinked directories) whose name ends with suffix, in byte order of their
 * paths. Hidden files and directories (names starting with '.') are skipped.
 * The paths are dir joined with the relative path. */
qr_status qr_dir_list(const char *dir, const char *suffix, qr_pathlist *out, qr_error *err);
qr_status qr_pathlist_add(qr_pathlist *l, const char *path);
void qr_pathlist_free(qr_pathlist *l);

/* 1 if path names a directory, 0 if anything else, -1 if it cannot be stat'ed. */
int qr_path_is_dir(const char *path);

#endif
