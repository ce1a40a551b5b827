/* test_parallel.c — annotation on threads in a pipeline of rounds
 * (core/corpus/parallel.c): with batches of a document or so, many rounds
 * go through with two in flight (one annotated while the one before is
 * merged), on 1, 2 and 3 threads, in memory and in a scratch file, and give
 * the corpus one thread gives in memory, document by document: every token,
 * sentence, lexicon id (in its order), mention and posting. A load that
 * fails half-way (the token limit) leaves a corpus whose later documents
 * are annotated right, strings first met in the rounds that failed among
 * them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus/corpus_impl.h"
#include "unit.h"

#define NDOCS 80

/* JSON Lines of NDOCS documents: each brings words of its own (first met
 * there, met again later), repeats some of those before it, and names
 * people of the gazetteer; one in ten is long (several blocks' worth of
 * batches), one is empty. */
static char *make_jsonl(size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *t = malloc(cap);
  for (int d = 0; d < NDOCS; d++) {
    char line[8192];
    int m = snprintf(line, sizeof line, "{\"id\": \"d%d\", \"text\": \"", d);
    int reps = d == 17 ? 0 : d % 10 == 3 ? 40 : 2;
    for (int r = 0; r < reps; r++)
      m += snprintf(line + m, sizeof line - (size_t)m,
                    "Doc %d said new%d and old%d twice. Dr. Smith met Kim Jong Un; Putin "
                    "didn't (word%d, %d.5%%). ",
                    d, d * 7 + r % 3, (d * 13 + r) % (d + 1), (d * 31 + r) % 97, r);
    m += snprintf(line + m, sizeof line - (size_t)m, "\"}\n");
    if (n + (size_t)m + 1 > cap) t = realloc(t, cap *= 2);
    memcpy(t + n, line, (size_t)m);
    n += (size_t)m;
  }
  t[n] = '\0';
  *len = n;
  return t;
}

static qr_gazetteer *make_gazetteer(void) {
  qr_gazetteer *g = qr_gazetteer_new();
  qr_error err = {0};
  static const char *const kim[] = {"Kim Jong Un"}, *const putin[] = {"Vladimir Putin", "Putin"},
                           *const smith[] = {"Dr. Smith", "Smith"};
  if (qr_gazetteer_add(g, "kim", "PERSON", kim, 1, NULL, 0, QR_CASE_AUTO, &err) ||
      qr_gazetteer_add(g, "putin", "PERSON", putin, 2, NULL, 0, QR_CASE_AUTO, &err) ||
      qr_gazetteer_add(g, "smith", "PERSON", smith, 2, NULL, 0, QR_CASE_AUTO, &err)) {
    fprintf(stderr, "gazetteer: %s\n", err.msg);
    exit(2);
  }
  return g;
}

/* A corpus of data on jobs threads (spilled into dir when dir is not NULL),
 * with batches of batch bytes (0: the default). */
static qr_corpus *load(const char *data, size_t len, size_t jobs, const char *dir, size_t batch,
                       const qr_gazetteer *g) {
  qr_corpus *c = qr_corpus_new();
  qr_error err = {0};
  qr_corpus_set_jobs(c, jobs);
  c->batch_bytes = batch;
  qr_corpus_keep_gazetteer(c, g);
  if ((dir && qr_corpus_spill(c, dir, len, &err)) ||
      qr_corpus_add_jsonl(c, "docs.jsonl", data, len, &err)) {
    fprintf(stderr, "load: %s\n", err.msg);
    qr_corpus_free(c);
    return NULL;
  }
  return c;
}

/* 1 if a and b hold the same documents, annotations, lexicon and postings. */
static int same(unit *u, qr_corpus *a, qr_corpus *b) {
  size_t n = a->toks.n, ns = a->sents.n, nm = a->ments.n;
  CHECK_INT(u, b->ndocs, a->ndocs);
  CHECK_INT(u, b->toks.n, n);
  CHECK_INT(u, b->sents.n, ns);
  CHECK_INT(u, b->ments.n, nm);
  if (b->ndocs != a->ndocs || b->toks.n != n || b->sents.n != ns || b->ments.n != nm) return 0;
  int docs = 1;
  for (size_t i = 0; i < a->ndocs; i++) {
    const docrec *x = &a->docs[i], *y = &b->docs[i];
    docs &= x->tok_first == y->tok_first && x->tok_count == y->tok_count &&
            x->sent_first == y->sent_first && x->sent_count == y->sent_count &&
            x->ment_first == y->ment_first && x->ment_count == y->ment_count;
  }
  CHECK(u, docs);
  int arrays = memcmp(a->toks.start, b->toks.start, n * 4) == 0 &&
               memcmp(a->toks.len, b->toks.len, n * 4) == 0 &&
               memcmp(a->toks.kind, b->toks.kind, n) == 0 &&
               memcmp(a->toks.flags, b->toks.flags, n) == 0 &&
               memcmp(a->form, b->form, n * 4) == 0 && memcmp(a->fold, b->fold, n * 4) == 0 &&
               memcmp(a->sents.first, b->sents.first, ns * 4) == 0 &&
               memcmp(a->sents.count, b->sents.count, ns * 4) == 0;
  CHECK(u, arrays);
  /* (no gazetteer: no arrays, which memcmp may not be given) */
  int ments = nm == 0 || (memcmp(a->ments.tok_first, b->ments.tok_first, nm * 4) == 0 &&
                          memcmp(a->ments.tok_count, b->ments.tok_count, nm * 4) == 0 &&
                          memcmp(a->ments.entry, b->ments.entry, nm * 4) == 0);
  CHECK(u, ments);
  size_t nlex = qr_lexicon_size(a->lex);
  CHECK_INT(u, qr_lexicon_size(b->lex), nlex);
  int lex = qr_lexicon_size(b->lex) == nlex;
  for (uint32_t id = 0; lex && id < nlex; id++)
    lex = strcmp(qr_lexicon_str(a->lex, id, NULL), qr_lexicon_str(b->lex, id, NULL)) == 0;
  CHECK(u, lex);
  const uint32_t *pa, *pb;
  size_t na, nb;
  if (qr_corpus_postings(a, 0, &pa, &na) || qr_corpus_postings(b, 0, &pb, &nb)) return 0;
  int posts = memcmp(a->post_start, b->post_start, (nlex + 1) * 4) == 0 &&
              memcmp(a->post_pos, b->post_pos, n * 4) == 0;
  CHECK(u, posts);
  return docs && arrays && ments && lex && posts;
}

/* 1 if every token of c is interned as its text, and its fold is the fold
 * of its form. */
static int ids_right(unit *u, const qr_corpus *c) {
  int ok = 1;
  for (size_t d = 0; d < c->ndocs; d++) {
    const docrec *r = &c->docs[d];
    for (size_t i = r->tok_first; ok && i < r->tok_first + r->tok_count; i++) {
      size_t n;
      ok = c->form[i] < qr_lexicon_size(c->lex);
      const char *s = ok ? qr_lexicon_str(c->lex, c->form[i], &n) : "";
      ok = ok && n == c->toks.len[i] && memcmp(s, r->text + c->toks.start[i], n) == 0 &&
           c->fold[i] == c->fold_of[c->form[i]];
    }
  }
  CHECK(u, ok);
  return ok;
}

/* 1 if c's postings hold every token once, under its fold, in text order. */
static int postings_right(unit *u, qr_corpus *c) {
  const uint32_t *pos;
  size_t npos;
  if (qr_corpus_postings(c, 0, &pos, &npos) != QR_OK) return 0;
  size_t nlex = qr_lexicon_size(c->lex);
  int ok = c->post_start[0] == 0 && c->post_start[nlex] == c->toks.n;
  for (size_t f = 0; ok && f < nlex; f++)
    for (uint32_t k = c->post_start[f]; ok && k < c->post_start[f + 1]; k++)
      ok = c->post_pos[k] < c->toks.n && c->fold[c->post_pos[k]] == f &&
           (k == c->post_start[f] || c->post_pos[k - 1] < c->post_pos[k]);
  CHECK(u, ok);
  return ok;
}

int main(void) {
  unit u = {0};
  char dir[] = "/tmp/quarry-parallel-XXXXXX";
  if (!mkdtemp(dir)) return 2;
  size_t len;
  char *data = make_jsonl(&len);
  qr_gazetteer *g = make_gazetteer();
  qr_corpus *one = load(data, len, 1, NULL, 0, g);
  if (!one) return 2;
  CHECK(&u, one->ments.n > 100);   /* (the mentions are compared too) */

  for (int spilled = 0; spilled <= 1; spilled++) {
    for (size_t jobs = 1; jobs <= 3; jobs++) {
      if (!spilled && jobs == 1) continue;   /* (one document at a time, not in rounds) */
      unit_case(&u, "%s, %zu thread(s), a batch a document: what one thread gives",
                spilled ? "spilled" : "in memory", jobs);
      qr_corpus *c = load(data, len, jobs, spilled ? dir : NULL, 256, g);
      CHECK(&u, c != NULL);
      if (!c) continue;
      CHECK_INT(&u, c->spill != NULL, spilled);
      same(&u, one, c);
      qr_corpus_free(c);
    }
  }

  /* The load stops at a document past the token limit while the rounds
   * after it are annotated; the documents after it, added again, repeat
   * words first met there. */
  const char *rest = data;
  for (int k = 0; k < 20; k++) rest = strchr(rest, '\n') + 1;
  static const char head[] = "{\"id\": \"huge\", \"text\": \"", tail[] = "\"}\n";
  size_t words = one->toks.n * 3, at = (size_t)(rest - data);
  char *stopped = malloc(len + sizeof head + sizeof tail + words * 5);
  memcpy(stopped, data, at);
  size_t n = at;
  memcpy(stopped + n, head, sizeof head - 1);
  n += sizeof head - 1;
  for (size_t k = 0; k < words; k++, n += 5) memcpy(stopped + n, "word ", 5);
  memcpy(stopped + n, tail, sizeof tail - 1);
  n += sizeof tail - 1;
  memcpy(stopped + n, rest, len - at);
  n += len - at;
  for (size_t jobs = 2; jobs <= 3; jobs++) {
    unit_case(&u, "%zu threads, a load stopped by the token limit: the documents after it right",
              jobs);
    qr_corpus *c = qr_corpus_new();
    qr_error err = {0};
    qr_corpus_set_jobs(c, jobs);
    c->batch_bytes = 256;
    qr_corpus_keep_gazetteer(c, g);
    qr_corpus_limit_tokens(c, one->toks.n + 1000);
    CHECK_INT(&u, qr_corpus_add_jsonl(c, "stopped.jsonl", stopped, n, &err), QR_ELIMIT);
    CHECK_INT(&u, c->ndocs, 20);
    ids_right(&u, c);
    CHECK_INT(&u, qr_corpus_add_jsonl(c, "rest.jsonl", rest, len - at, &err), QR_OK);
    CHECK_INT(&u, c->ndocs, NDOCS);
    CHECK_INT(&u, c->toks.n, one->toks.n);
    ids_right(&u, c);
    qr_corpus_free(c);
  }
  free(stopped);

  /* Postings of a million tokens and more are sorted on threads, each
   * window of folds cut into one part per thread of as many postings, and
   * a thread done with its part helps with another's from its back:
   * "the" alone is a third of the tokens, more than a window of 100,000
   * postings (a thread's part of such a window is empty), and words first
   * met late (high fold ids) lie in the text's last part. In a scratch file
   * (an index build), the pages of each part and of the folds read are let
   * go as the threads are done with them. */
  {
    size_t cap = (size_t)12 << 20, tn = 0;
    char *big = malloc(cap);
    for (size_t i = 0; tn + 64 < cap && i < 1300000; i++) {
      int m = i % 3 == 0 ? snprintf(big + tn, 64, "the ")
              : i % 3 == 1 ? snprintf(big + tn, 64, "w%zu ", i / 40)
                           : snprintf(big + tn, 64, "x%zu ", i * 7919 % 1000);
      tn += (size_t)m;
    }
    qr_corpus *ref = qr_corpus_new();
    qr_error err = {0};
    CHECK_INT(&u, qr_corpus_add_text(ref, "big", big, tn, &err), QR_OK);
    CHECK(&u, ref->toks.n >= ((size_t)1 << 20));
    postings_right(&u, ref);
    for (int spilled = 0; spilled <= 1; spilled++) {
      for (size_t jobs = 2; jobs <= 3; jobs++) {
        for (size_t window = 0; window <= 100000; window += 100000) {
          unit_case(&u, "%zu threads, %s, %s: postings of a million tokens, those of one", jobs,
                    spilled ? "spilled" : "in memory",
                    window ? "windows of 100,000 postings" : "one window");
          qr_corpus *c = qr_corpus_new();
          qr_corpus_set_jobs(c, jobs);
          if (spilled) CHECK_INT(&u, qr_corpus_spill(c, dir, tn, &err), QR_OK);
          c->post_window = window;
          /* steps of 9,999 tokens, the second thread only helping: every
           * part placed from both ends, its owner's and its helper's steps
           * meeting somewhere (a thread with no part of its own: its part
           * is placed by a helper alone, from its back); a step is read in
           * blocks of eight tokens, and 9,999 leaves a few over at each
           * step's end, read one at a time, forward and backward */
          c->post_step = 9999;
          c->post_help_only = 1;
          CHECK_INT(&u, qr_corpus_add_text(c, "big", big, tn, &err), QR_OK);
          CHECK_INT(&u, c->spill != NULL, spilled);
          if (postings_right(&u, c)) same(&u, ref, c);
          qr_corpus_free(c);
        }
      }
    }
    qr_corpus_free(ref);
    free(big);
  }

  qr_corpus_free(one);
  qr_gazetteer_free(g);
  free(data);
  rmdir(dir);
  return unit_finish(&u);
}
