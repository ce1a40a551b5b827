/* quarry/file.h — read-only access to input files, directory listing, and
 * the one way quarry writes a file.
 *
 * Input is never modified: files are memory-mapped read-only (or, for pipes
 * and stdin, read into a buffer owned by the qr_file). Output goes through
 * qr_outfile: a regular file is replaced whole or not at all. */
#ifndef QUARRY_FILE_H
#define QUARRY_FILE_H

#include <stdio.h>

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

/* Appends to out every file below dir (recursively, following no
 * symlinked directories) whose name ends with suffix, in byte order of their
 * paths. Hidden files and directories (names starting with '.') are left
 * out. The paths are dir joined with the relative path. Entries that are not
 * regular files are listed too (a FIFO, a broken link, a link loop, a file
 * gone since the directory was read): whoever opens them decides. A
 * subdirectory that cannot be read is an error. */
qr_status qr_dir_list(const char *dir, const char *suffix, qr_pathlist *out, qr_error *err);
/* The same, but a subdirectory below dir that cannot be read is passed to
 * skip(ud, path, reason) and the walk goes on (dir itself must be read). */
typedef void qr_dir_skip_fn(void *ud, const char *path, const char *reason);
qr_status qr_dir_list_skip(const char *dir, const char *suffix, qr_pathlist *out,
                           qr_dir_skip_fn *skip, void *ud, qr_error *err);
qr_status qr_pathlist_add(qr_pathlist *l, const char *path);
void qr_pathlist_free(qr_pathlist *l);

/* 1 if path names a directory, 0 if anything else, -1 if it cannot be stat'ed. */
int qr_path_is_dir(const char *path);

/* ---- writing ---------------------------------------------------------------
 *
 * Every file quarry writes goes through qr_outfile, so that what a path
 * names decides how it is written:
 *   - a regular file, or a path that does not exist yet, is replaced whole:
 *     the bytes go to a temporary file in the same directory, which is
 *     fsync'ed, renamed over the path and the directory fsync'ed; a reader
 *     sees the old file or the new one, never a part. The new file keeps the
 *     old one's mode (and owner, when allowed); a new one gets 0666 & ~umask.
 *     The temporary file has no name at all where the system allows it
 *     (O_TMPFILE: a killed run leaves nothing) and is otherwise named
 *     ".NAME.quarry-XXXXXX": hidden, so that no corpus reads it, and created
 *     with O_EXCL under a fresh random name, so that one left by a killed run
 *     is never reused. Such leftovers are left alone, never cleaned up: a
 *     stale one cannot be told from another run's live one.
 *   - a symbolic link is followed, every level, and the file it ends at is
 *     replaced as above, beside itself: the link stays a link. A link to
 *     nothing creates the file it points to (as `echo > link` does).
 *   - a character or block device, a FIFO or a socket is opened and written
 *     in place, never truncated nor replaced (a FIFO waits for a reader,
 *     as `cat > fifo` does); /dev/stdout, /dev/stderr, /dev/fd/N and
 *     /proc/self/fd/N write to the descriptor the process already has.
 *   - a directory is an error.
 * Setting QUARRY_TMPFILE=named in the environment turns off O_TMPFILE (for
 * tests of the named path). */
enum {
  QR_OUT_PRIVATE = 1,   /* a new file is the user's alone (0600) */
  QR_OUT_NOWAIT = 2     /* a FIFO with no reader fails (no_reader set) */
};

typedef struct qr_outfile {
  FILE *fp;          /* write here; owned, closed by commit or abort */
  char *path;        /* the path as given */
  char *target;      /* what will be replaced: path with its links followed */
  char *dir;         /* target's directory ("." when it has none) */
  char *tmp;         /* the temporary file's name in dir, or NULL */
  int dirfd;         /* dir, open while a file is replaced; else -1 */
  int replace;       /* 1: commit renames a temporary file over target */
  int unnamed;       /* the temporary file is an O_TMPFILE, named at commit */
  int keep_owner;    /* the replaced file's owner is given back */
  unsigned mode;     /* the mode to give the new file, when keep_mode */
  int keep_mode;
  long uid, gid;
  int no_reader;     /* set when QR_OUT_NOWAIT met a FIFO with no reader */
} qr_outfile;

/* Opens path for writing as described above (flags: QR_OUT_*). On error
 * fills err with a message naming the path (and, for a link, where it
 * leads), leaves nothing behind and o->fp NULL. */
qr_status qr_outfile_open(qr_outfile *o, const char *path, unsigned flags, qr_error *err);
/* Flushes, syncs and puts the file in place; closes o->fp whatever happens.
 * On error the old file (if any) is untouched and the temporary removed. */
qr_status qr_outfile_commit(qr_outfile *o, qr_error *err);
/* 1 if o's temporary file can be swapped for fd (qr_outfile_adopt): o
 * replaces a file through an unnamed temporary file, and fd is an unnamed
 * file (O_TMPFILE) on the same file system. */
int qr_outfile_can_adopt(const qr_outfile *o, int fd);
/* Swaps o's temporary file for fd's file (duplicated: the caller keeps fd),
 * given the temporary file's mode: what was written to o is dropped, and
 * commit puts fd's file in place. A writer that built its file elsewhere
 * (an index in its scratch file) need not copy it. */
qr_status qr_outfile_adopt(qr_outfile *o, int fd, qr_error *err);
/* Closes o->fp and removes the temporary file; safe on a closed qr_outfile. */
void qr_outfile_abort(qr_outfile *o);
/* Writes len bytes of data to path as one qr_outfile. */
qr_status qr_outfile_save(const char *path, const void *data, size_t len, unsigned flags,
                          qr_error *err);

#endif
