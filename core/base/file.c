/* file.c — mapping input files read-only, reading stdin, listing directories,
 * and writing output files whole (qr_outfile). */
#define _GNU_SOURCE   /* O_TMPFILE, linkat's AT_SYMLINK_FOLLOW, F_DUPFD_CLOEXEC */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "quarry/file.h"

/* Reads fd to its end into memory of f's own. Nothing is allocated for an
 * empty input (a corpus of 100,000 empty files holds no buffers), and the
 * buffer is cut to what was read. */
static qr_status read_all(int fd, qr_file *f, const char *path, qr_error *err) {
  size_t cap = 0, len = 0;
  char *buf = NULL, first[4096];
  for (;;) {
    char *to = buf ? buf + len : first;
    size_t room = buf ? cap - len : sizeof first;
    ssize_t n = read(fd, to, room);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      free(buf);
      return qr_error_set(err, QR_EIO, "%s: %s", path, strerror(e));
    }
    if (n == 0) break;
    if (!buf) {   /* the first bytes: from here on, a buffer of its own */
      if (qr_grow((void **)&buf, &cap, (size_t)n + 65536, 1)) {
        return qr_error_set(err, QR_ENOMEM, "%s: out of memory", path);
      }
      memcpy(buf, first, (size_t)n);
    }
    len += (size_t)n;
    if (cap - len < 4096 && qr_grow((void **)&buf, &cap, len + 65536, 1)) {
      free(buf);
      return qr_error_set(err, QR_ENOMEM, "%s: out of memory", path);
    }
  }
  if (buf && cap > len + 65536) {   /* give back what a big read left over */
    char *shrunk = realloc(buf, len);
    if (shrunk) buf = shrunk;
  }
  f->owned = buf;
  f->data = buf ? buf : "";
  f->len = len;
  return QR_OK;
}

qr_status qr_file_open(qr_file *f, const char *path, qr_error *err) {
  memset(f, 0, sizeof *f);
  f->data = "";
  if (strcmp(path, "-") == 0) return read_all(0, f, "<stdin>", err);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return qr_error_set(err, QR_EIO, "%s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return qr_error_set(err, QR_EIO, "%s: %s", path, strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return qr_error_set(err, QR_EIO, "%s: is a directory", path);
  }
  qr_status rc = QR_OK;
  if (S_ISREG(st.st_mode) && st.st_size == 0) {
    /* empty, or made as it is read (/proc, /sys say 0 bytes and have
     * more): read to the end, which costs an empty file one read */
    rc = read_all(fd, f, path, err);
  } else if (S_ISREG(st.st_mode)) {
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
      rc = qr_error_set(err, QR_EIO, "%s: cannot map: %s", path, strerror(errno));
    } else {
      f->map = m;
      f->maplen = (size_t)st.st_size;
      f->data = m;
      f->len = (size_t)st.st_size;
    }
  } else {
    rc = read_all(fd, f, path, err);   /* a pipe or a device */
  }
  close(fd);
  return rc;
}

void qr_file_close(qr_file *f) {
  if (f->map) munmap(f->map, f->maplen);
  free(f->owned);
  memset(f, 0, sizeof *f);
  f->data = "";
}

qr_status qr_pathlist_add(qr_pathlist *l, const char *path) {
  char *p = strdup(path);
  if (!p || qr_grow((void **)&l->paths, &l->cap, l->n + 1, sizeof *l->paths)) {
    free(p);
    return QR_ENOMEM;
  }
  l->paths[l->n++] = p;
  return QR_OK;
}

void qr_pathlist_free(qr_pathlist *l) {
  for (size_t i = 0; i < l->n; i++) free(l->paths[i]);
  free(l->paths);
  memset(l, 0, sizeof *l);
}

int qr_path_is_dir(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return -1;
  return S_ISDIR(st.st_mode) ? 1 : 0;
}

static int cmp_paths(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Walks dir depth-first; files are collected unsorted and sorted once at the
 * end, so the order is that of the full paths whatever the walk order.
 * Every entry whose name ends with suffix is listed unless it is a directory
 * or a link to one, even one that cannot be stat'ed (a broken link, a loop,
 * a file gone since readdir) or is no regular file: the reader, opening it,
 * says what is wrong with it, in the order of the list. */
static qr_status walk(const char *dir, const char *suffix, qr_pathlist *out, qr_dir_skip_fn *skip,
                      void *ud, qr_error *err, int depth) {
  if (depth > 64)
    return qr_error_set(err, QR_ELIMIT, "%s: directories nested more than 64 deep, the most a "
                        "corpus directory may have", dir);
  DIR *d = opendir(dir);
  if (!d) {
    int e = errno;
    if (depth > 0 && skip) {   /* a subdirectory that cannot be read */
      skip(ud, dir, strerror(e));
      return QR_OK;
    }
    return qr_error_set(err, QR_EIO, "%s: %s", dir, strerror(e));
  }
  qr_status rc = QR_OK;
  qr_buf path = {0};
  struct dirent *e;
  while (rc == QR_OK && (errno = 0, e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    qr_buf_reset(&path);
    size_t dl = strlen(dir);
    if (qr_buf_append(&path, dir, dl) ||
        (dl && dir[dl - 1] != '/' && qr_buf_putc(&path, '/')) ||
        qr_buf_puts(&path, e->d_name)) {
      rc = qr_error_set(err, QR_ENOMEM, "%s: out of memory", dir);
      break;
    }
    struct stat st;
    int known = lstat(path.data, &st) == 0;
    if (known && S_ISDIR(st.st_mode)) {
      rc = walk(path.data, suffix, out, skip, ud, err, depth + 1);
    } else if (ends_with(e->d_name, suffix)) {
      /* symlinked directories are not followed */
      if (known && S_ISLNK(st.st_mode) && qr_path_is_dir(path.data) == 1) continue;
      if (qr_pathlist_add(out, path.data)) rc = qr_error_set(err, QR_ENOMEM, "out of memory");
    }
  }
  if (rc == QR_OK && errno) rc = qr_error_set(err, QR_EIO, "%s: %s", dir, strerror(errno));
  qr_buf_free(&path);
  closedir(d);
  return rc;
}

qr_status qr_dir_list_skip(const char *dir, const char *suffix, qr_pathlist *out,
                           qr_dir_skip_fn *skip, void *ud, qr_error *err) {
  size_t first = out->n;
  qr_status rc = walk(dir, suffix, out, skip, ud, err, 0);
  if (rc == QR_OK && out->n - first > 1)
    qsort(out->paths + first, out->n - first, sizeof *out->paths, cmp_paths);
  return rc;
}

qr_status qr_dir_list(const char *dir, const char *suffix, qr_pathlist *out, qr_error *err) {
  return qr_dir_list_skip(dir, suffix, out, NULL, NULL, err);
}

/* ---- writing ---------------------------------------------------------------- */

/* The descriptor a path names by itself (/dev/stdout, /dev/fd/N,
 * /proc/self/fd/N, /proc/<our pid>/fd/N), or -1. Writing there must reach
 * the descriptor the process already holds, at its offset: opening the
 * /proc link anew would start at offset 0 of a file the shell opened, and
 * replacing it would replace that file. */
static int fd_path(const char *p) {
  static const char *const std[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
  for (int i = 0; i < 3; i++)
    if (strcmp(p, std[i]) == 0) return i;
  const char *rest = NULL;
  char *end;
  if (strncmp(p, "/dev/fd/", 8) == 0) rest = p + 8;
  else if (strncmp(p, "/proc/self/fd/", 14) == 0) rest = p + 14;
  else if (strncmp(p, "/proc/thread-self/fd/", 21) == 0) rest = p + 21;
  else if (strncmp(p, "/proc/", 6) == 0 && p[6] >= '0' && p[6] <= '9') {
    long pid = strtol(p + 6, &end, 10);
    if (pid == (long)getpid() && strncmp(end, "/fd/", 4) == 0) rest = end + 4;
  }
  if (!rest || *rest < '0' || *rest > '9') return -1;
  errno = 0;
  long n = strtol(rest, &end, 10);
  return *end || errno || n > INT_MAX ? -1 : (int)n;
}

/* The target of the symbolic link p (malloc'd, joined to p's directory when
 * relative), or NULL with errno set. */
static char *follow_link(const char *p) {
  size_t cap = 256;
  char *buf = NULL;
  ssize_t n;
  for (;;) {
    char *nb = realloc(buf, cap);
    if (!nb) {
      free(buf);
      errno = ENOMEM;
      return NULL;
    }
    buf = nb;
    n = readlink(p, buf, cap);
    if (n < 0) {
      free(buf);
      return NULL;
    }
    if ((size_t)n < cap) break;
    cap *= 2;
  }
  buf[n] = '\0';
  const char *slash = strrchr(p, '/');
  if (buf[0] == '/' || !slash) return buf;
  size_t dl = (size_t)(slash - p) + 1;
  char *joined = malloc(dl + (size_t)n + 1);
  if (joined) {
    memcpy(joined, p, dl);
    memcpy(joined + dl, buf, (size_t)n + 1);
  } else {
    errno = ENOMEM;
  }
  free(buf);
  return joined;
}

/* Fills err with "PATH: what: reason", or "PATH (a link to TARGET): ..." when
 * links were followed. */
static qr_status out_fail(const qr_outfile *o, qr_error *err, const char *what, int e) {
  const char *p = o->path ? o->path : "?";
  const char *reason = e ? strerror(e) : "";
  const char *sep = *what && e ? ": " : "";
  if (o->target && strcmp(o->target, p) != 0)
    return qr_error_set(err, e == ENOMEM ? QR_ENOMEM : QR_EIO, "%s (a link to %s): %s%s%s", p,
                        o->target, what, sep, reason);
  return qr_error_set(err, e == ENOMEM ? QR_ENOMEM : QR_EIO, "%s: %s%s%s", p, what, sep, reason);
}

/* A fresh name for a temporary file beside base: ".BASE.quarry-XXXXXX",
 * hidden (no corpus reads it), recognisable, and random, so that a name a
 * killed run left behind is never met again but by chance (then O_EXCL or
 * linkat refuses it and another is drawn). */
static void temp_name(char *out, size_t n, const char *base, unsigned attempt) {
  static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char r[6];
  if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
    /* no random bytes: the clock, the process and the caller's attempt
     * number (no counter of the library's own: it keeps no global state) */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed[3] = {(uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec, (uint64_t)getpid(), attempt};
    uint64_t h = qr_hash_bytes(seed, sizeof seed);
    memcpy(r, &h, sizeof r);
  }
  char x[7];
  for (int i = 0; i < 6; i++) x[i] = digits[r[i] % (sizeof digits - 1)];
  x[6] = '\0';
  /* a name stays under NAME_MAX (255) however long base is */
  snprintf(out, n, ".%.200s.quarry-%s", base, x);
}

static const char *base_of(const char *target) {
  const char *slash = strrchr(target, '/');
  return slash ? slash + 1 : target;
}

/* o writes through fd from now on (closed on failure, what saying why). */
static qr_status take_fd(qr_outfile *o, int fd, const char *what, qr_error *err) {
  if ((o->fp = fdopen(fd, "w"))) return QR_OK;
  int e = errno;
  close(fd);
  return out_fail(o, err, what, e);
}

/* Writes in place: a device, a FIFO, a socket. */
static qr_status open_in_place(qr_outfile *o, const struct stat *st, unsigned flags,
                               qr_error *err) {
  int fd;
  if (S_ISSOCK(st->st_mode)) {
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(o->target) >= sizeof sa.sun_path)
      return out_fail(o, err, "a socket whose path is too long to connect to", 0);
    strcpy(sa.sun_path, o->target);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
      int e = errno;
      close(fd);
      return out_fail(o, err, "cannot connect to the socket", e);
    }
  } else if (S_ISFIFO(st->st_mode)) {
    /* without a reader, a blocking open waits for one (as `cat > fifo`
     * does); the caller may first want to know, or not to wait */
    fd = open(o->target, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 && errno == ENXIO) {
      if (flags & QR_OUT_NOWAIT) {
        o->no_reader = 1;
        return out_fail(o, err, "a FIFO with no reader", 0);
      }
      fd = open(o->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    } else if (fd >= 0) {
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    }
  } else {
    fd = open(o->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
  }
  if (fd < 0) return out_fail(o, err, "cannot open", errno);
  return take_fd(o, fd, "cannot open", err);
}

/* A temporary file in o->dir for the new contents of o->target. */
static qr_status open_replacement(qr_outfile *o, unsigned flags, qr_error *err) {
  const char *slash = strrchr(o->target, '/');
  const char *base = base_of(o->target);
  if (!*base)
    return out_fail(o, err, *o->target ? "not a file name (it ends with '/')" : "no file name", 0);
  o->dir = slash == o->target ? strdup("/")
           : slash           ? strndup(o->target, (size_t)(slash - o->target))
                             : strdup(".");
  if (!o->dir) return out_fail(o, err, "", ENOMEM);
  o->dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (o->dirfd < 0) {
    char what[600];
    snprintf(what, sizeof what, "cannot write in directory %s", o->dir);
    return out_fail(o, err, what, errno);
  }
  /* the user's mode applies at once to a new file; a replaced file's mode
   * is given at commit, and until then the bytes are the owner's alone */
  mode_t mode = o->keep_mode || (flags & QR_OUT_PRIVATE) ? 0600 : 0666;
  int fd = -1;
  const char *named_only = getenv("QUARRY_TMPFILE");
  if (!(named_only && strcmp(named_only, "named") == 0) && access("/proc/self/fd", X_OK) == 0) {
    /* read and write: a writer may map the file (an index is written so) */
    fd = openat(o->dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
    if (fd >= 0) o->unnamed = 1;
  }
  char name[256];
  for (int tries = 0; fd < 0 && tries < 100; tries++) {
    temp_name(name, sizeof name, base, (unsigned)tries);
    fd = openat(o->dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    char what[600];
    snprintf(what, sizeof what, "cannot create a file in %s", o->dir);
    return out_fail(o, err, what, errno);
  }
  if (!o->unnamed && !(o->tmp = strdup(name))) {
    unlinkat(o->dirfd, name, 0);
    close(fd);
    return out_fail(o, err, "", ENOMEM);
  }
  o->replace = 1;
  return take_fd(o, fd, "", err);
}

qr_status qr_outfile_open(qr_outfile *o, const char *path, unsigned flags, qr_error *err) {
  memset(o, 0, sizeof *o);
  o->dirfd = -1;
  qr_status rc = QR_OK;
  if (!(o->path = strdup(path)) || !(o->target = strdup(path))) {
    rc = out_fail(o, err, "", ENOMEM);
    goto out;
  }
  /* follow the links, every level, to the file that will be written */
  struct stat st;
  int exists = 0;
  for (int depth = 0;; depth++) {
    int fd = fd_path(o->target);
    if (fd >= 0) {
      int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
      if (dup < 0) {
        rc = out_fail(o, err, "", errno);
      } else if (!(o->fp = fdopen(dup, "w"))) {
        rc = out_fail(o, err, "", errno);
        close(dup);
      }
      goto out;
    }
    if (lstat(o->target, &st) != 0) {
      if (errno != ENOENT) {
        rc = out_fail(o, err, "", errno);
        goto out;
      }
      break;   /* a new file (or, at the end of a link, the file it names) */
    }
    if (!S_ISLNK(st.st_mode)) {
      exists = 1;
      break;
    }
    if (depth == 40) {
      rc = out_fail(o, err, "", ELOOP);
      goto out;
    }
    char *next = follow_link(o->target);
    if (!next) {
      rc = out_fail(o, err, "", errno);
      goto out;
    }
    free(o->target);
    o->target = next;
  }
  if (exists && S_ISDIR(st.st_mode)) {
    rc = out_fail(o, err, "is a directory", 0);
  } else if (exists && !S_ISREG(st.st_mode)) {
    rc = open_in_place(o, &st, flags, err);
  } else {
    if (exists) {
      o->keep_mode = 1;
      o->mode = st.st_mode & 07777;
      o->keep_owner = st.st_uid != geteuid() || st.st_gid != getegid();
      o->uid = (long)st.st_uid;
      o->gid = (long)st.st_gid;
    }
    rc = open_replacement(o, flags, err);
  }
out:
  if (rc) {
    int no_reader = o->no_reader;
    qr_outfile_abort(o);
    o->no_reader = no_reader;
  }
  return rc;
}

/* Gives the unnamed temporary file a name in o->dir, so that it can be
 * renamed over the target. */
static int link_unnamed(qr_outfile *o) {
  char proc[64], name[256];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fileno(o->fp));
  for (int tries = 0; tries < 100; tries++) {
    temp_name(name, sizeof name, base_of(o->target), (unsigned)tries);
    if (linkat(AT_FDCWD, proc, o->dirfd, name, AT_SYMLINK_FOLLOW) == 0) {
      if (!(o->tmp = strdup(name))) {
        unlinkat(o->dirfd, name, 0);
        errno = ENOMEM;
        return -1;
      }
      return 0;
    }
    if (errno != EEXIST) return -1;
  }
  return -1;
}

int qr_outfile_can_adopt(const qr_outfile *o, int fd) {
  struct stat mine, theirs;
  return o->fp && o->replace && o->unnamed && fstat(fileno(o->fp), &mine) == 0 &&
         fstat(fd, &theirs) == 0 && S_ISREG(theirs.st_mode) && theirs.st_nlink == 0 &&
         mine.st_dev == theirs.st_dev;
}

qr_status qr_outfile_adopt(qr_outfile *o, int fd, qr_error *err) {
  if (!qr_outfile_can_adopt(o, fd))
    return qr_error_set(err, QR_EARG, "%s: cannot take another file", o->path);
  struct stat mine;
  int copy = -1;
  FILE *fp = NULL;
  /* the mode the temporary file was given (the user's umask, or private) */
  if (fstat(fileno(o->fp), &mine) != 0 || fchmod(fd, mine.st_mode & 07777) != 0 ||
      (copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0 || !(fp = fdopen(copy, "w"))) {
    int e = errno;
    if (copy >= 0) close(copy);
    return out_fail(o, err, "cannot write", e);
  }
  fclose(o->fp);   /* unnamed: it goes */
  o->fp = fp;
  return QR_OK;
}

qr_status qr_outfile_commit(qr_outfile *o, qr_error *err) {
  if (!o->fp) return qr_error_set(err, QR_EARG, "%s: not open", o->path ? o->path : "output");
  qr_status rc = QR_OK;
  int fd = fileno(o->fp);
  if (fflush(o->fp) != 0 || ferror(o->fp)) rc = out_fail(o, err, "cannot write", errno);
  if (o->replace) {
    if (!rc && fsync(fd) != 0) rc = out_fail(o, err, "cannot write", errno);
    /* the replaced file's owner and mode (chown first: it clears set-id bits) */
    if (!rc && o->keep_owner && fchown(fd, (uid_t)o->uid, (gid_t)o->gid) != 0) {
      /* not allowed: the file becomes ours, as with any editor */
    }
    if (!rc && o->keep_mode && fchmod(fd, (mode_t)o->mode) != 0)
      rc = out_fail(o, err, "cannot set the mode", errno);
    if (!rc && o->unnamed && link_unnamed(o) != 0) {
      char what[600];
      snprintf(what, sizeof what, "cannot create a file in %s", o->dir);
      rc = out_fail(o, err, what, errno);
    }
  } else {
    struct stat st;
    if (!rc && fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) &&
        fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
      rc = out_fail(o, err, "cannot write", errno);
  }
  if (fclose(o->fp) != 0 && !rc) rc = out_fail(o, err, "cannot write", errno);
  o->fp = NULL;
  if (o->replace && !rc) {
    if (renameat(o->dirfd, o->tmp, o->dirfd, base_of(o->target)) != 0) {
      rc = out_fail(o, err, "cannot replace", errno);
    } else {
      free(o->tmp);   /* in place: nothing to remove */
      o->tmp = NULL;
      if (fsync(o->dirfd) != 0 && errno != EINVAL)
        rc = out_fail(o, err, "written, but its directory cannot be synced", errno);
    }
  }
  qr_outfile_abort(o);
  return rc;
}

void qr_outfile_abort(qr_outfile *o) {
  if (o->fp) fclose(o->fp);
  if (o->tmp && o->dirfd >= 0) unlinkat(o->dirfd, o->tmp, 0);
  if (o->dirfd >= 0) close(o->dirfd);
  free(o->path);
  free(o->target);
  free(o->dir);
  free(o->tmp);
  memset(o, 0, sizeof *o);
  o->dirfd = -1;
}

qr_status qr_outfile_save(const char *path, const void *data, size_t len, unsigned flags,
                          qr_error *err) {
  qr_outfile o;
  qr_status rc = qr_outfile_open(&o, path, flags, err);
  if (rc) return rc;
  if (len && fwrite(data, 1, len, o.fp) != len) {
    int e = errno;
    rc = out_fail(&o, err, "cannot write", e);
    qr_outfile_abort(&o);
    return rc;
  }
  return qr_outfile_commit(&o, err);
}
