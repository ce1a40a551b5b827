/* file.c — mapping input files read-only, reading stdin, listing directories. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quarry/file.h"

static qr_status read_all(int fd, qr_file *f, const char *path, qr_error *err) {
  size_t cap = 0, len = 0;
  char *buf = NULL;
  for (;;) {
    if (qr_grow((void **)&buf, &cap, len + 65536, 1)) {
      free(buf);
      return qr_error_set(err, QR_ENOMEM, "%s: out of memory", path);
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      free(buf);
      return qr_error_set(err, QR_EIO, "%s: %s", path, strerror(e));
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  f->owned = buf;
  f->data = buf;
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
  if (S_ISREG(st.st_mode)) {
    if (st.st_size > 0) {
      void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m == MAP_FAILED) {
        rc = qr_error_set(err, QR_EIO, "%s: cannot map: %s", path, strerror(errno));
      } else {
        f->map = m;
        f->maplen = (size_t)st.st_size;
        f->data = m;
        f->len = (size_t)st.st_size;
      }
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
 * end, so the order is that of the full paths whatever the walk order. */
static qr_status walk(const char *dir, const char *suffix, qr_pathlist *out, qr_error *err,
                      int depth) {
  if (depth > 64) return qr_error_set(err, QR_EIO, "%s: directories nested too deep", dir);
  DIR *d = opendir(dir);
  if (!d) return qr_error_set(err, QR_EIO, "%s: %s", dir, strerror(errno));
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
    if (lstat(path.data, &st) != 0) {
      rc = qr_error_set(err, QR_EIO, "%s: %s", path.data, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
      rc = walk(path.data, suffix, out, err, depth + 1);
    } else if (ends_with(e->d_name, suffix)) {
      /* regular files, and symlinks to files (followed when opened) */
      if (S_ISLNK(st.st_mode) && qr_path_is_dir(path.data) != 0) continue;
      if (qr_pathlist_add(out, path.data)) rc = qr_error_set(err, QR_ENOMEM, "out of memory");
    }
  }
  if (rc == QR_OK && errno) rc = qr_error_set(err, QR_EIO, "%s: %s", dir, strerror(errno));
  qr_buf_free(&path);
  closedir(d);
  return rc;
}

qr_status qr_dir_list(const char *dir, const char *suffix, qr_pathlist *out, qr_error *err) {
  size_t first = out->n;
  qr_status rc = walk(dir, suffix, out, err, 0);
  if (rc == QR_OK && out->n - first > 1)
    qsort(out->paths + first, out->n - first, sizeof *out->paths, cmp_paths);
  return rc;
}
