/* fuzz_compiled.c — fuzz target: compiled gazetteers
 * (qr_gazetteer_load_compiled), whose bytes are untrusted (packs ship
 * them). The input is loaded two ways: into an empty gazetteer, which then
 * reads its own copy in place, and into one with an entry, which adds the
 * file's entries to its own (the merge). Each gazetteer that loads has its
 * checksum verified (qr_gazetteer_verify), every entry read back and is
 * matched against a fixed text and a text of its own names (fuzz_gaz.h);
 * the in-place one is then changed (an entry added, which copies its
 * arrays out of the file, and one removed) and matched again.
 *
 * The header carries a hash of itself, which almost every mutation of the
 * header would break, leaving the counts and offsets behind it unexplored.
 * Anyone can recompute a hash, so a hostile file carries a right one: the
 * target gives its copy the right file size and checksums before loading it
 * (qr_gaz_reseal, the library's own, so the layout is written once). A crash
 * found this way is replayed as it is (the replay resealing it too); for
 * the CLI, QUARRY_FUZZ_SEALED=FILE writes the copy as loaded (README.md). */
#include "fuzz_gaz.h"
#include "lookup/gazetteer_impl.h"

static qr_segmenter *seg;

static void free_seg(void) {
  qr_segmenter_free(seg);
  seg = NULL;
}

/* A failed load says why, in a terminated message. */
static void check_error(qr_status rc, const qr_error *err) {
  FUZZ_CHECK(rc != QR_ENOMEM);
  FUZZ_CHECK(err->status == rc && strlen(err->msg) > 0 && strlen(err->msg) < sizeof err->msg);
}

/* Verifies, reads and matches a gazetteer that loaded. */
static void use(const qr_gazetteer *g) {
  qr_error err;
  qr_error_clear(&err);
  qr_status rc = qr_gazetteer_verify(g, &err);
  if (rc) check_error(rc, &err);
  fuzz_gaz_walk(g, 0);
  fuzz_gaz_match(g, seg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!seg) {
    seg = qr_segmenter_new();
    if (!seg) abort();
    atexit(free_seg);
  }
  char *bytes = fuzz_copy(data, size);
  qr_gaz_reseal(bytes, size);
  fuzz_write_sealed(bytes, size);
  qr_error err;

  /* in place */
  qr_gazetteer *g = qr_gazetteer_new();
  if (!g) abort();
  qr_error_clear(&err);
  qr_status rc = qr_gazetteer_load_compiled(g, bytes, size, "fuzz.qgaz", &err);
  if (rc) {
    check_error(rc, &err);
    FUZZ_CHECK(qr_gazetteer_size(g) == 0);
  } else {
    use(g);
    /* a change copies the arrays out of the file first */
    static const char *const names[] = {"Fuzz Added", "Added"};
    qr_error_clear(&err);
    rc = qr_gazetteer_add(g, "fuzz-added", "PERSON", names, 2, NULL, 0, QR_CASE_AUTO, &err);
    if (rc) check_error(rc, &err);
    for (size_t e = 0; e < qr_gazetteer_size(g); e++) {
      if (!qr_gazetteer_live(g, e)) continue;
      long found = qr_gazetteer_find(g, qr_gazetteer_id(g, e));
      if (found >= 0) FUZZ_CHECK(qr_gazetteer_remove(g, qr_gazetteer_id(g, e)) == QR_OK);
      break;
    }
    fuzz_gaz_walk(g, 0);
    fuzz_gaz_match(g, seg);
  }
  qr_gazetteer_free(g);

  /* merged into a gazetteer with an entry of its own: all or nothing */
  g = qr_gazetteer_new();
  if (!g) abort();
  static const char anchor[] = "fuzz-anchor\tPERSON\tAnchor Person\tAnchor\n";
  FUZZ_CHECK(qr_gazetteer_load_tsv(g, anchor, sizeof anchor - 1, "anchor.tsv", NULL) == QR_OK);
  qr_error_clear(&err);
  rc = qr_gazetteer_load_compiled(g, bytes, size, "fuzz.qgaz", &err);
  if (rc) {
    check_error(rc, &err);
    FUZZ_CHECK(qr_gazetteer_size(g) == 1);
  } else {
    fuzz_gaz_walk(g, 1);   /* the entries were added one by one: ids find them */
    fuzz_gaz_match(g, seg);
  }
  qr_gazetteer_free(g);
  free(bytes);
  return 0;
}
