/* test_compiled.c — compiled gazetteers are untrusted input: every damaged
 * file, even one whose checksums were made to fit (as anyone can), loads
 * with an error or works, and never crashes or hangs the loader, the
 * accessors, the matcher or g:add. The sweep below damages a small compiled
 * gazetteer at every byte, and every section whole, and uses what loads;
 * under `make sanitize` any read outside the file is a failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookup/gazetteer_impl.h"
#include "quarry/corpus.h"
#include "quarry/gazetteer.h"
#include "unit.h"

/* Every feature the file format stores: aliases, attributes, case
 * policies, a stop entry, a removed entry, people for the short-name pass,
 * a name with a hyphen and one with an initial (variant spellings). */
static const char gaz_text[] =
  "kim\tPERSON\tKim Jong Un\tKim Jong-un | Kim\tborn=1984\n"
  "putin\tPERSON\tVladimir Putin\tPutin\trole=president | country=ru\n"
  "nk\tGPE\tNorth Korea\tDPRK | N. Korea\n"
  "us\tGPE\tUnited States\tU.S. | US\n"
  "wh\tORG\tWhite House\n"
  "gone\tORG\tGone Away\n"
  "stop\tSTOP\tNorth Korea Times\n";

static const char text[] =
  "Kim Jong-un met Vladimir Putin in North Korea. Kim said the U.S. and the "
  "White House had no say; Putin agreed. The North Korea Times wrote nothing.";

static const char *const more_names[] = {"Pyongyang", "P'yŏngyang"};

/* The compiled bytes of the test gazetteer, malloc'ed. */
static char *compiled(size_t *len) {
  qr_gazetteer *g = qr_gazetteer_new();
  qr_error err;
  char *data = NULL;
  FILE *fp = tmpfile();
  if (g && fp && qr_gazetteer_load_tsv(g, gaz_text, sizeof gaz_text - 1, "t.tsv", &err) == QR_OK &&
      qr_gazetteer_remove(g, "gone") == QR_OK && qr_gazetteer_write(g, fp, &err) == QR_OK) {
    long n = ftell(fp);
    data = malloc((size_t)n);
    rewind(fp);
    if (data && fread(data, 1, (size_t)n, fp) != (size_t)n) {
      free(data);
      data = NULL;
    }
    *len = (size_t)n;
  }
  if (fp) fclose(fp);
  qr_gazetteer_free(g);
  return data;
}

/* The corpus of the text, matched with each gazetteer in turn (made once:
 * a corpus's segmenter takes a millisecond to make). */
static qr_corpus *corpus;

/* Uses everything a loaded gazetteer offers, and when change is set adds
 * an entry and removes one; returns the number of mentions it finds in the
 * text (or -1 when matching failed). */
static long use(qr_gazetteer *g, int change) {
  size_t n = qr_gazetteer_size(g), sum = 0;
  for (size_t e = 0; e < n; e++) {
    sum += strlen(qr_gazetteer_id(g, e)) + strlen(qr_gazetteer_type(g, e));
    if (!qr_gazetteer_live(g, e)) continue;
    for (size_t k = 0; k < qr_gazetteer_nnames(g, e); k++) sum += strlen(qr_gazetteer_name(g, e, k));
    for (size_t k = 0; k < qr_gazetteer_nattrs(g, e); k++) {
      const char *key, *value;
      qr_gazetteer_attr(g, e, k, &key, &value);
      sum += strlen(key) + strlen(value);
    }
    qr_gazetteer_find(g, qr_gazetteer_id(g, e));
  }
  qr_error err;
  qr_gazetteer_verify(g, &err);
  long found = -1;
  qr_corpus_set_guess(corpus, 0);   /* the gazetteer's own mentions */
  if (qr_corpus_match(corpus, g, &err) == QR_OK) {
    qr_doc d;
    qr_corpus_doc(corpus, 0, &d);
    found = (long)d.ment_count;
  }
  qr_corpus_match(corpus, NULL, &err);
  if (change) {
    /* a change thaws the arrays, and compiles into the trie read from the file */
    qr_gazetteer_add(g, "pyongyang", "GPE", more_names, 2, NULL, 0, QR_CASE_AUTO, &err);
    qr_gazetteer_remove(g, "nk");
  }
  return found + (long)(sum & 0);
}

/* Loads data[0, len) into an empty gazetteer and uses it; counts the loads
 * refused and accepted. With deep set, also changes what loaded, and loads
 * data into a gazetteer with entries (each costs a segmenter: a
 * millisecond). */
static void load_both(const char *data, size_t len, int deep, size_t *refused,
                      size_t *accepted) {
  qr_error err;
  qr_gazetteer *g = qr_gazetteer_new();
  if (qr_gazetteer_load_compiled(g, data, len, "damaged.qgaz", &err) == QR_OK) {
    use(g, deep);
    ++*accepted;
  } else {
    ++*refused;
  }
  qr_gazetteer_free(g);
  if (!deep) return;
  g = qr_gazetteer_new();
  static const char one[] = "x\tGPE\tXanadu\n";
  qr_gazetteer_load_tsv(g, one, sizeof one - 1, "one.tsv", &err);
  if (qr_gazetteer_load_compiled(g, data, len, "damaged.qgaz", &err) == QR_OK) use(g, 1);
  qr_gazetteer_free(g);
}

int main(void) {
  unit u = {0};
  size_t len = 0;
  qr_error cerr;
  corpus = qr_corpus_new();
  if (!corpus || qr_corpus_add_text(corpus, "t", text, sizeof text - 1, &cerr)) return 1;
  char *good = compiled(&len);
  unit_case(&u, "a compiled gazetteer loads from memory and matches");
  if (!CHECK(&u, good != NULL)) return unit_finish(&u);
  {
    qr_gazetteer *g = qr_gazetteer_new();
    qr_error err;
    CHECK_INT(&u, qr_gazetteer_load_compiled(g, good, len, "good.qgaz", &err), QR_OK);
    CHECK_INT(&u, qr_gazetteer_count(g), 6);
    CHECK_INT(&u, qr_gazetteer_verify(g, &err), QR_OK);
    CHECK_INT(&u, use(g, 1), 7);
    qr_gazetteer_free(g);
  }

  unit_case(&u, "merged into a gazetteer with entries (leaks nothing under ASan)");
  {
    qr_gazetteer *g = qr_gazetteer_new();
    qr_error err;
    static const char one[] = "x\tGPE\tXanadu\n";
    CHECK_INT(&u, qr_gazetteer_load_tsv(g, one, sizeof one - 1, "one.tsv", &err), QR_OK);
    CHECK_INT(&u, qr_gazetteer_load_compiled(g, good, len, "good.qgaz", &err), QR_OK);
    CHECK_INT(&u, qr_gazetteer_count(g), 7);
    qr_gazetteer_free(g);
  }

  unit_case(&u, "cut short at every length: refused");
  {
    size_t refused = 0;
    for (size_t n = 0; n < len; n++) {
      qr_gazetteer *g = qr_gazetteer_new();
      qr_error err;
      /* an exact-size copy, so that ASan sees a read past its end */
      char *cut = malloc(n ? n : 1);
      memcpy(cut, good, n);
      refused += qr_gazetteer_load_compiled(g, cut, n, "cut.qgaz", &err) == QR_EDATA;
      free(cut);
      qr_gazetteer_free(g);
    }
    CHECK_INT(&u, refused, len);
  }

  /* every byte changed three ways, the checksums then made to fit */
  unit_case(&u, "every byte damaged, checksums recomputed: an error or a gazetteer that works");
  {
    size_t refused = 0, accepted = 0;
    char *bad = malloc(len);
    static const unsigned char how[][2] = {{0, 0x00}, {1, 0xFF}, {2, 0x01}};   /* set, set, xor */
    for (size_t i = 0; i < len; i++) {
      for (size_t k = 0; k < sizeof how / sizeof *how; k++) {
        memcpy(bad, good, len);
        unsigned char b = (unsigned char)bad[i];
        unsigned char nb = how[k][0] == 2 ? (unsigned char)(b ^ how[k][1]) : how[k][1];
        if (nb == b) continue;
        bad[i] = (char)nb;
        qr_gaz_reseal(bad, len);
        /* the deep run (a millisecond each) for one damage in 16 */
        load_both(bad, len, (i * 3 + k) % 16 == 0, &refused, &accepted);
      }
    }
    free(bad);
    printf("# %zu damaged files refused, %zu loaded and used\n", refused, accepted);
    CHECK(&u, refused > 0);
  }

  /* the known hang: a lexicon's slot table zeroed (every slot "used") */
  unit_case(&u, "every section zeroed, filled with ones, or with a counting pattern");
  {
    size_t refused = 0, accepted = 0;
    char *bad = malloc(len);
    for (int s = 0; s < QR_GAZ_NSECTIONS; s++) {
      size_t off, bytes;
      if (!CHECK(&u, qr_gaz_section(good, len, s, &off, &bytes))) continue;
      for (int fill = 0; fill < 3; fill++) {
        memcpy(bad, good, len);
        for (size_t i = 0; i < bytes; i++)
          bad[off + i] = fill == 0 ? 0 : fill == 1 ? (char)0xFF : (char)(i % 4 == 0 ? i / 4 % 7 : 0);
        qr_gaz_reseal(bad, len);
        load_both(bad, len, 1, &refused, &accepted);
      }
    }
    free(bad);
    printf("# %zu refused, %zu loaded and used\n", refused, accepted);
    CHECK(&u, refused > 0);
  }

  unit_case(&u, "a checksum that does not fit is found by verify");
  {
    char *bad = malloc(len);
    size_t off, bytes;
    memcpy(bad, good, len);
    CHECK(&u, qr_gaz_section(good, len, 0, &off, &bytes) && bytes > 0);
    bad[off] ^= 0x20;   /* a letter of a name changes case: still a valid file */
    qr_gazetteer *g = qr_gazetteer_new();
    qr_error err;
    CHECK_INT(&u, qr_gazetteer_load_compiled(g, bad, len, "bad.qgaz", &err), QR_OK);
    CHECK_INT(&u, qr_gazetteer_verify(g, &err), QR_EDATA);
    qr_gazetteer_free(g);
    free(bad);
  }
  free(good);
  qr_corpus_free(corpus);
  return unit_finish(&u);
}
