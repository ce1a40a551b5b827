/* replay.c — runs a fuzz target's LLVMFuzzerTestOneInput on saved inputs,
 * without libFuzzer, so that the normal build (gcc, and the ASan + UBSan
 * build of make sanitize) replays every seed and regression case:
 *
 *   replay_text FILE-OR-DIR...
 *
 * A directory stands for the files in it (not below it; hidden files and
 * README.md left out), in byte order of their names. Each input is read
 * into a heap block of its exact size. Prints one line per argument and
 * exits 0; a crash or a sanitizer report ends the run there (the target
 * aborts), a file that cannot be read exits 2. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  for (;;) {
    if (!buf) abort();
    n += fread(buf + n, 1, cap - n, fp);
    if (n < cap) break;
    buf = realloc(buf, cap *= 2);
  }
  int bad = ferror(fp);
  fclose(fp);
  if (bad) {
    free(buf);
    fprintf(stderr, "replay: %s: read error\n", path);
    return -1;
  }
  uint8_t *exact = malloc(n ? n : 1);   /* exact size: an over-read is caught */
  if (!exact) abort();
  if (n) memcpy(exact, buf, n);
  free(buf);
  LLVMFuzzerTestOneInput(exact, n);
  free(exact);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every file of dir; returns how many, or -1. */
static long run_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0) continue;
    if (n == cap && !(names = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names)))
      abort();
    if (!(names[n++] = strdup(e->d_name))) abort();
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  long ran = 0;
  for (size_t k = 0; k < n; k++) {
    size_t len = strlen(dir) + strlen(names[k]) + 2;
    char *path = malloc(len);
    if (!path) abort();
    snprintf(path, len, "%s/%s", dir, names[k]);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
      if (run_file(path) < 0) ran = -1;
      else if (ran >= 0) ran++;
    }
    free(path);
    free(names[k]);
  }
  free(names);
  return ran;
}

int main(int argc, char **argv) {
  int status = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    long ran;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) ran = run_dir(argv[i]);
    else ran = run_file(argv[i]) < 0 ? -1 : 1;
    if (ran < 0) status = 2;
    else printf("%s: %ld input%s replayed\n", argv[i], ran, ran == 1 ? "" : "s");
  }
  return status;
}
