/* fuzz_gazetteer.c — fuzz target: the three text formats of gazetteers,
 * TSV, JSON Lines and GeoNames (qr_gazetteer_load_tsv, _jsonl, _geonames,
 * from memory), each given the whole input in turn, into one gazetteer;
 * then every entry read back and the gazetteer matched against a fixed
 * text and a text of its own names (fuzz_gaz.h).
 *
 * Checked besides the sanitizers: a load that fails adds nothing (the
 * loaders are all or nothing) and says why in a terminated message; every
 * id finds its own entry. */
#include "fuzz_gaz.h"

/* For tokenizing the texts matched against (read-only in use). */
static qr_segmenter *seg;

static void free_seg(void) {
  qr_segmenter_free(seg);
  seg = NULL;
}

typedef qr_status (*loader)(qr_gazetteer *, const char *, size_t, const char *, qr_error *);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!seg) {
    seg = qr_segmenter_new();
    if (!seg) abort();
    atexit(free_seg);
  }
  static const loader load[3] = {qr_gazetteer_load_tsv, qr_gazetteer_load_jsonl,
                                 qr_gazetteer_load_geonames};
  static const char *const name[3] = {"fuzz.tsv", "fuzz.jsonl", "fuzz.txt"};
  char *text = fuzz_copy(data, size);
  qr_gazetteer *g = qr_gazetteer_new();
  if (!g) abort();
  for (int f = 0; f < 3; f++) {
    size_t before = qr_gazetteer_size(g);
    qr_error err;
    qr_error_clear(&err);
    qr_status rc = load[f](g, text, size, name[f], &err);
    if (rc != QR_OK) {
      FUZZ_CHECK(rc != QR_ENOMEM);
      FUZZ_CHECK(err.status == rc && strlen(err.msg) > 0 && strlen(err.msg) < sizeof err.msg);
      FUZZ_CHECK(qr_gazetteer_size(g) == before);   /* all or nothing */
    }
  }
  fuzz_gaz_walk(g, 1);
  fuzz_gaz_match(g, seg);
  qr_gazetteer_free(g);
  free(text);
  return 0;
}
