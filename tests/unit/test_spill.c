/* test_spill.c — an index build's token arrays in a scratch file
 * (core/corpus/spill.c, quarry/scratch.h): a corpus annotated into one holds
 * the same tokens, sentences, ids and postings as one annotated in memory,
 * on one thread or two, after its pages are let go, and when the room
 * guessed is too small (it moves to memory); texts unescaped from JSON
 * Lines go to a file of their own; the file leaves nothing in its
 * directory; a scratch file that cannot be made says why; settled, the
 * scratch file holds the arrays at the places asked, zeros between, and on
 * a file system that moves no blocks nothing changes. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "corpus/corpus_impl.h"
#include "quarry/scratch.h"
#include "unit.h"

/* Entries in dir other than . and .. */
static int entries(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  if (!d) return -1;
  for (struct dirent *e; (e = readdir(d));)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
  closedir(d);
  return n;
}

/* Texts with some of everything: sentences, contractions, numbers, a word
 * met often (long postings) and many met once. */
static char *make_text(size_t k) {
  size_t cap = 4096, n = 0;
  char *t = malloc(cap);
  for (size_t i = 0; i < 40 + k * 7; i++) {
    char s[160];
    int m = snprintf(s, sizeof s, "The %zu-th report didn't say why word%zu came; Dr. Smith said %s. ",
                     i, (i * 2654435761u + k) % 997, i % 3 ? "no" : "\"yes\"");
    if (n + (size_t)m + 1 > cap) t = realloc(t, cap *= 2);
    memcpy(t + n, s, (size_t)m);
    n += (size_t)m;
  }
  t[n] = '\0';
  return t;
}

#define NDOCS 9

static qr_corpus *build(const char *dir, int spill, size_t jobs, uint64_t room, char **texts) {
  qr_corpus *c = qr_corpus_new();
  qr_error err = {0};
  qr_corpus_set_jobs(c, jobs);
  if (spill && qr_corpus_spill(c, dir, room, &err) != QR_OK) {
    fprintf(stderr, "spill: %s\n", err.msg);
    qr_corpus_free(c);
    return NULL;
  }
  for (int i = 0; i < NDOCS; i++) {
    char id[16];
    snprintf(id, sizeof id, "d%d", i);
    if (qr_corpus_add_text(c, id, texts[i], strlen(texts[i]), &err) != QR_OK) {
      fprintf(stderr, "add: %s\n", err.msg);
      qr_corpus_free(c);
      return NULL;
    }
  }
  return c;
}

/* 1 if a and b hold the same annotations and postings. */
static int same(unit *u, const qr_corpus *a, qr_corpus *b) {
  size_t n = a->toks.n, ns = a->sents.n;
  CHECK_INT(u, b->toks.n, n);
  CHECK_INT(u, b->sents.n, ns);
  if (b->toks.n != n || b->sents.n != ns) return 0;
  int ok = memcmp(a->toks.start, b->toks.start, n * 4) == 0 &&
           memcmp(a->toks.len, b->toks.len, n * 4) == 0 &&
           memcmp(a->toks.kind, b->toks.kind, n) == 0 &&
           memcmp(a->toks.flags, b->toks.flags, n) == 0 &&
           memcmp(a->toks.split, b->toks.split, n) == 0 &&
           memcmp(a->form, b->form, n * 4) == 0 && memcmp(a->fold, b->fold, n * 4) == 0 &&
           memcmp(a->sents.first, b->sents.first, ns * 4) == 0 &&
           memcmp(a->sents.count, b->sents.count, ns * 4) == 0 &&
           memcmp(a->sents.flags, b->sents.flags, ns) == 0;
  CHECK(u, ok);
  const uint32_t *pa, *pb;
  size_t na, nb;
  qr_corpus *ma = (qr_corpus *)a;
  if (qr_corpus_postings(ma, 0, &pa, &na) || qr_corpus_postings(b, 0, &pb, &nb)) return 0;
  size_t nlex = qr_lexicon_size(a->lex);
  CHECK_INT(u, qr_lexicon_size(b->lex), nlex);
  int posts = memcmp(a->post_start, b->post_start, (nlex + 1) * 4) == 0 &&
              memcmp(a->post_pos, b->post_pos, n * 4) == 0;
  CHECK(u, posts);
  return ok && posts;
}

enum { NREGIONS = 12 };

/* What a spilled corpus settles, in its order, with its bytes: the texts
 * (texts, all bytes bytes of them, one after the other), the arrays, the
 * postings. */
static int settled_regions(const qr_corpus *c, char **texts, uint64_t bytes, const void **p,
                           uint64_t *n) {
  size_t nt = c->toks.n, ns = c->sents.n;
  char *all = malloc(bytes + 1);
  for (uint64_t i = 0, at = 0; i < NDOCS; at += strlen(texts[i++]))
    memcpy(all + at, texts[i], strlen(texts[i]));
  const void *a[NREGIONS] = {all, c->toks.start, c->toks.len, c->toks.kind, c->toks.flags,
                             c->toks.split, c->form, c->fold, c->sents.first, c->sents.count,
                             c->sents.flags, c->post_pos};
  uint64_t b[NREGIONS] = {bytes, nt * 4, nt * 4, nt, nt, nt, nt * 4, nt * 4, ns * 4, ns * 4, ns,
                          nt * 4};
  memcpy(p, a, sizeof a);
  memcpy(n, b, sizeof b);
  return NREGIONS;
}

/* Settles a spilled corpus built in dir (two blocks of head room, three
 * between the sentence flags and the postings) and checks the file: the
 * texts and each array at its place, zeros everywhere else, cut right
 * after the postings' last byte (where qr_corpus_spill_postings cut it,
 * before they were written). 0 when dir's file system moves no blocks
 * (then the arrays are checked unchanged). */
static int check_settle(unit *u, const char *dir, size_t jobs, const qr_corpus *plain,
                        char **texts, uint64_t bytes) {
  qr_corpus *c = build(dir, 1, jobs, bytes, texts);
  CHECK(u, c != NULL);
  if (!c) return 0;
  const uint32_t *pos;
  size_t npos;
  CHECK_INT(u, qr_corpus_postings(c, 0, &pos, &npos), QR_OK);
  const void *arr[NREGIONS];
  uint64_t n[NREGIONS], at[NREGIONS];
  int k = settled_regions(c, texts, bytes, arr, n);
  char *want[NREGIONS];
  for (int i = 0; i < k; i++) {
    want[i] = malloc(n[i] + 1);
    memcpy(want[i], arr[i], n[i]);
    at[i] = i ? at[i - 1] + (n[i - 1] + 4095) / 4096 * 4096 + (i == k - 1 ? 3 * 4096 : 0) : 8192;
  }
  free((void *)arr[0]);
  arr[0] = NULL;
  /* bytes past an array's end (tokens undone) are not the index's */
  memset((char *)c->toks.start + n[0], 0xAB, 64);
  int fd = -1, moved = 0, before = qr_corpus_spill_fd(c);
  qr_error err = {0};
  uint64_t bad[NREGIONS];
  memcpy(bad, at, sizeof at);
  bad[4] += 8;   /* not on a block */
  CHECK_INT(u, qr_corpus_spill_settle(c, bad, &fd, &err), QR_EARG);
  qr_status rc = qr_corpus_spill_settle(c, at, &fd, &err);
  if (rc == QR_OK) {
    moved = 1;
    CHECK(u, fd >= 0);
    uint64_t size = at[k - 1] + n[k - 1];
    CHECK_INT(u, (long long)lseek(fd, 0, SEEK_END), (long long)size);
    char *file = malloc(size);
    CHECK(u, pread(fd, file, size, 0) == (ssize_t)size);
    uint64_t from = 0;
    int zeros = 1;
    for (int i = 0; i <= k; i++) {
      uint64_t to = i < k ? at[i] : size;
      for (uint64_t b = from; b < to; b++) zeros &= file[b] == 0;
      if (i < k) {
        CHECK(u, memcmp(file + at[i], want[i], n[i]) == 0);
        from = at[i] + n[i];
      }
    }
    CHECK(u, zeros);
    free(file);
    CHECK_INT(u, qr_corpus_spill_fd(c), -1);   /* settled once */
  } else {
    /* no block moves here: nothing changed */
    CHECK_INT(u, rc, QR_EARG);
    CHECK_INT(u, fd, -1);
    CHECK_INT(u, qr_corpus_spill_fd(c), before);   /* (-1 without O_TMPFILE) */
    for (int i = 1; i < k; i++) CHECK(u, memcmp(arr[i], want[i], n[i]) == 0);
    memset((char *)c->toks.start + n[0], 0, 64);
    same(u, plain, c);
  }
  for (int i = 0; i < k; i++) free(want[i]);
  qr_corpus_free(c);
  return moved;
}

int main(void) {
  unit u = {0};
  char dir[] = "/tmp/quarry-spill-XXXXXX";
  if (!mkdtemp(dir)) return 2;
  char *texts[NDOCS];
  uint64_t bytes = 0;
  for (int i = 0; i < NDOCS; i++) {
    texts[i] = make_text((size_t)i * 40);
    bytes += strlen(texts[i]);
  }
  qr_corpus *plain = build(dir, 0, 1, 0, texts);
  if (!plain) return 2;

  for (size_t jobs = 1; jobs <= 2; jobs++) {
    unit_case(&u, "spilled on %zu thread(s): the arrays and postings of memory's", jobs);
    qr_corpus *c = build(dir, 1, jobs, bytes, texts);
    CHECK(&u, c != NULL);
    if (!c) continue;
    CHECK(&u, c->spill != NULL);
    CHECK(&u, qr_corpus_spilled(c, c->toks.start));
    c->post_window = 7;   /* many windows of folds, each placed apart */
    same(&u, plain, c);
    CHECK(&u, qr_corpus_spilled(c, c->post_pos));
    CHECK_INT(&u, entries(dir), 0);   /* the scratch file has no name */

    unit_case(&u, "spilled on %zu thread(s): pages let go are read back the same", jobs);
    qr_corpus_drop_pages(c, 0, c->toks.n, 0, c->sents.n);
    qr_pages_drop(c->post_pos, c->toks.n * 4);
    same(&u, plain, c);
    qr_corpus_free(c);
    CHECK_INT(&u, entries(dir), 0);
  }

  /* the room runs out in a round's merge (an index build annotates in rounds
   * on one thread too) */
  static const struct { size_t jobs; uint64_t room; } tight[] = {{1, 100}, {2, 2000}};
  for (size_t k = 0; k < sizeof tight / sizeof *tight; k++) {
    unit_case(&u, "room guessed too small on %zu thread(s): the arrays move to memory, the same",
              tight[k].jobs);
    qr_corpus *small = build(dir, 1, tight[k].jobs, tight[k].room, texts);
    CHECK(&u, small != NULL);
    if (small) {
      CHECK(&u, small->spill == NULL);
      same(&u, plain, small);
      qr_corpus_free(small);
    }
  }

  /* room for the tokens but not for the texts (a file that grew since it
   * was listed): the scratch file cannot become the index, which is copied */
  for (size_t jobs = 1; jobs <= 2; jobs++) {
    unit_case(&u, "texts past the room on %zu thread(s): not settled, the same annotations", jobs);
    qr_corpus *c = build(dir, 1, jobs, bytes / 2, texts);
    CHECK(&u, c != NULL);
    if (!c) continue;
    CHECK(&u, c->spill != NULL);
    const uint32_t *pos;
    size_t npos;
    CHECK_INT(&u, qr_corpus_postings(c, 0, &pos, &npos), QR_OK);
    CHECK_INT(&u, qr_corpus_spill_fd(c), -1);
    uint64_t at[NREGIONS] = {0};
    int fd = 0;
    qr_error err = {0};
    CHECK_INT(&u, qr_corpus_spill_settle(c, at, &fd, &err), QR_EARG);
    same(&u, plain, c);
    qr_corpus_free(c);
  }

  unit_case(&u, "JSON Lines in a spilled corpus: texts in the scratch file, the same annotations");
  {
    static const char jl[] =
        "{\"id\": \"j1\", \"text\": \"Kim Jong Un met Putin.\\nThey didn't say why.\"}\n"
        "{\"id\": \"j2\", \"text\": \"Dr. Smith said \\\"yes\\\" twice.\", \"n\": 2}\n";
    qr_corpus *a = qr_corpus_new(), *b = qr_corpus_new();
    qr_error e1 = {0}, e2 = {0};
    CHECK_INT(&u, qr_corpus_spill(b, dir, sizeof jl, &e2), QR_OK);
    CHECK_INT(&u, qr_corpus_add_jsonl(a, "m.jsonl", jl, sizeof jl - 1, &e1), QR_OK);
    CHECK_INT(&u, qr_corpus_add_jsonl(b, "m.jsonl", jl, sizeof jl - 1, &e2), QR_OK);
    CHECK_INT(&u, qr_corpus_ndocs(b), 2);
    for (size_t i = 0; i < qr_corpus_ndocs(a) && i < qr_corpus_ndocs(b); i++) {
      qr_doc da, db;
      qr_corpus_doc(a, i, &da);
      qr_corpus_doc(b, i, &db);
      CHECK(&u, qr_corpus_spilled(b, db.text) && !qr_corpus_spilled(a, da.text));
      CHECK(&u, da.len == db.len && memcmp(da.text, db.text, da.len) == 0);
    }
    same(&u, a, b);
    qr_corpus_free(a);
    qr_corpus_free(b);
  }

  for (size_t jobs = 1; jobs <= 2; jobs++) {
    unit_case(&u, "settled on %zu thread(s): the arrays at their places, zeros between", jobs);
    int moved = check_settle(&u, dir, jobs, plain, texts, bytes);
    printf("   (%s: %s)\n", dir, moved ? "blocks moved" : "this file system moves no blocks");
    CHECK_INT(&u, entries(dir), 0);
  }
  /* tmpfs moves no blocks (no FALLOC_FL_COLLAPSE_RANGE): the index is copied */
  char shm[] = "/dev/shm/quarry-spill-XXXXXX";
  if (mkdtemp(shm)) {
    unit_case(&u, "settled on a file system that moves no blocks: nothing changes");
    CHECK_INT(&u, check_settle(&u, shm, 2, plain, texts, bytes), 0);
    CHECK_INT(&u, entries(shm), 0);
    rmdir(shm);
  } else {
    printf("   (no tmpfs at /dev/shm: %s; the case of no block moves is not run)\n", strerror(errno));
  }

  unit_case(&u, "a scratch file that cannot be made: an error naming the directory");
  qr_scratch s;
  qr_error err = {0};
  char missing[300];
  snprintf(missing, sizeof missing, "%s/no/such", dir);
  CHECK_INT(&u, qr_scratch_open(&s, missing, 4096, &err), QR_EIO);
  CHECK(&u, strstr(err.msg, missing) != NULL && strstr(err.msg, "scratch file") != NULL);
  /* larger than the process may write: refused, not a signal */
  struct rlimit old, lim;
  getrlimit(RLIMIT_FSIZE, &old);
  lim = old;
  lim.rlim_cur = 1 << 20;
  void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
  setrlimit(RLIMIT_FSIZE, &lim);
  memset(&err, 0, sizeof err);
  CHECK_INT(&u, qr_scratch_open(&s, dir, (size_t)64 << 20, &err), QR_EIO);
  CHECK(&u, strstr(err.msg, "cannot make a scratch file of") != NULL);
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, was);
  CHECK_INT(&u, entries(dir), 0);

  unit_case(&u, "a scratch file: given disk, written, dropped, read back; discarded reads zeros");
  memset(&err, 0, sizeof err);
  CHECK_INT(&u, qr_scratch_open(&s, dir, (size_t)1 << 20, &err), QR_OK);
  CHECK(&u, qr_scratch_holds(&s, s.base) && !qr_scratch_holds(&s, s.base + s.size));
  CHECK_INT(&u, qr_scratch_allocate(&s, s.base, s.size, &err), QR_OK);
  memset(s.base, 'q', s.size);
  qr_pages_drop(s.base, s.size);
  CHECK(&u, s.base[0] == 'q' && s.base[s.size - 1] == 'q');
  qr_scratch_discard(&s, s.base, 8192);
  CHECK(&u, s.base[0] == 0 && s.base[8191] == 0 && s.base[8192] == 'q');
  qr_scratch_close(&s);
  CHECK_INT(&u, entries(dir), 0);

  qr_corpus_free(plain);
  for (int i = 0; i < NDOCS; i++) free(texts[i]);
  rmdir(dir);
  return unit_finish(&u);
}
