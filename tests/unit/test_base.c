/* test_base.c — table-driven tests of the plumbing: JSON reading and
 * writing, the lexicon, UTF-8 decoding and case folding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "quarry/json.h"
#include "quarry/lexicon.h"
#include "quarry/utf8.h"
#include "unit.h"

static void json_parse_cases(unit *u) {
  static const struct {
    const char *text;
    const char *error;   /* NULL: must parse */
  } cases[] = {
    {"{}", NULL},
    {" [1, -2.5e3, \"x\", true, false, null, {\"a\": []}] ", NULL},
    {"\"\\u00e9\\n\\\"\"", NULL},
    {"0", NULL},
    {"", "column 1: unexpected end of input"},
    {"{\"a\" 1}", "column 6: expected ':'"},
    {"{\"a\": 1,}", "column 9: expected a string key"},
    {"[1 2]", "column 4: expected ',' or ']'"},
    {"01", "column 2: unexpected data after the value"},
    {"1.", "column 3: bad number"},
    {"\"a\tb\"", "column 3: control character in string"},
    {"\"\\x\"", "column 2: bad escape in string"},
    {"\"\\u12\"", "column 2: bad \\u escape"},
    {"\"abc", "column 5: unterminated string"},
    {"\"\xC3\x28\"", "column 2: invalid UTF-8 in string"},
    {"nul", "column 1: unexpected character"},
    {"[] []", "column 4: unexpected data after the value"},
    {NULL, NULL}};
  qr_json js = {0};
  for (int i = 0; cases[i].text; i++) {
    unit_case(u, "json parse: %s", cases[i].text);
    qr_error err = {0};
    qr_status rc = qr_json_parse(&js, cases[i].text, strlen(cases[i].text), &err);
    if (cases[i].error) {
      CHECK_INT(u, rc, QR_EDATA);
      CHECK_STR(u, err.msg, cases[i].error);
    } else {
      CHECK_INT(u, rc, QR_OK);
    }
  }
  unit_case(u, "json parse: depth is limited");
  char deep[1200];
  memset(deep, '[', 600);
  memset(deep + 600, ']', 600);
  qr_error err = {0};
  CHECK_INT(u, qr_json_parse(&js, deep, sizeof deep, &err), QR_EDATA);
  CHECK(u, strstr(err.msg, "nested too deep") != NULL);
  unit_case(u, "json: nodes, sizes and unescaped strings");
  const char *doc = "{\"k\": [1, \"a\\u00e9\\ud83d\\ude00\"], \"z\": null}";
  CHECK_INT(u, qr_json_parse(&js, doc, strlen(doc), NULL), QR_OK);
  CHECK_INT(u, js.nodes[0].type, QR_JSON_OBJECT);
  CHECK_INT(u, js.nodes[0].size, 2);
  CHECK(u, qr_json_key_is(&js, 1, doc, "k"));
  CHECK_INT(u, js.nodes[2].size, 2);
  CHECK_INT(u, js.nodes[2].skip, 5);   /* the array's subtree: nodes 2..4 */
  qr_buf b = {0};
  qr_json_string(&js, 4, doc, &b);
  CHECK_STR(u, b.data, "a\xC3\xA9\xF0\x9F\x98\x80");
  qr_buf_free(&b);
  qr_json_free(&js);
  /* the first fuzzing pass: {"":[]} in a JSON Lines gazetteer printed stray
   * heap bytes as the unknown key (a new buffer that nothing was appended
   * to was left unterminated; under ASan malloc fills it with 0xbe) */
  unit_case(u, "json: an empty string unescaped into a new buffer is \"\"");
  const char *empty_key = "{\"\":[]}";
  CHECK_INT(u, qr_json_parse(&js, empty_key, strlen(empty_key), NULL), QR_OK);
  CHECK_INT(u, qr_json_string(&js, 1, empty_key, &b), QR_OK);
  CHECK(u, b.data != NULL);
  CHECK_STR(u, b.data, "");
  qr_buf_free(&b);
  qr_json_free(&js);
  unit_case(u, "buf: a buffer is a string once it has memory");
  CHECK_INT(u, qr_buf_reserve(&b, 100), QR_OK);
  CHECK_STR(u, b.data, "");
  qr_buf_free(&b);
}

static void json_write_cases(unit *u) {
  static const struct { const char *in; size_t n; const char *out; } cases[] = {
    {"plain", 5, "\"plain\""},
    {"q\"b\\s/", 6, "\"q\\\"b\\\\s/\""},
    {"\n\r\t\b\f\x01\x1f", 7, "\"\\n\\r\\t\\b\\f\\u0001\\u001f\""},
    {"caf\xC3\xA9", 5, "\"caf\xC3\xA9\""},
    {"bad\xFF\xC3", 5, "\"bad\xEF\xBF\xBD\xEF\xBF\xBD\""},
    {"nul\0x", 5, "\"nul\\u0000x\""},
    {NULL, 0, NULL}};
  qr_buf b = {0};
  for (int i = 0; cases[i].in; i++) {
    unit_case(u, "json string %d", i + 1);
    qr_buf_reset(&b);
    CHECK_INT(u, qr_json_put_string(&b, cases[i].in, cases[i].n), QR_OK);
    CHECK_STR(u, b.data, cases[i].out);
  }
  qr_buf_free(&b);
}

static void lexicon_cases(unit *u) {
  unit_case(u, "lexicon: ids are dense, stable and found again");
  qr_lexicon *lx = qr_lexicon_new();
  char word[32];
  int ok = 1;
  for (int i = 0; i < 100000 && ok; i++) {
    snprintf(word, sizeof word, "w%d", i);
    uint32_t id;
    ok = qr_lexicon_intern(lx, word, strlen(word), &id) == QR_OK && id == (uint32_t)i;
  }
  CHECK(u, ok);
  CHECK_INT(u, qr_lexicon_size(lx), 100000);
  uint32_t again;
  qr_lexicon_intern(lx, "w77", 3, &again);
  CHECK_INT(u, again, 77);
  CHECK_INT(u, qr_lexicon_find(lx, "w99999", 6), 99999);
  CHECK_INT(u, qr_lexicon_find(lx, "nope", 4), QR_LEX_NONE);
  size_t n;
  CHECK_STR(u, qr_lexicon_str(lx, 12345, &n), "w12345");
  CHECK_INT(u, n, 6);
  unit_case(u, "lexicon: the prefetch hint names the string or one whose hash agrees");
  /* a hint that named a wrong id would only cost a wasted fetch, but one
   * that named none for every string would make the staged fetches of
   * corpus interning do nothing: most strings sit in their home slot. The
   * slot keeps only the high half of a hash, so another string with the
   * same high half may be named (it happens once in these 100,000) */
  int wrong = 0, named = 0;
  for (int i = 0; i < 100000; i++) {
    snprintf(word, sizeof word, "w%d", i);
    uint64_t h = qr_hash_bytes(word, strlen(word));
    uint32_t g = qr_lexicon_prefetch_entry(lx, h);
    named += g == (uint32_t)i;
    if (g == QR_LEX_NONE || g == (uint32_t)i) continue;
    size_t gn;
    const char *gs = qr_lexicon_str(lx, g, &gn);
    wrong += qr_hash_bytes(gs, gn) >> 32 != h >> 32;
    qr_lexicon_prefetch_str(lx, g);
  }
  CHECK_INT(u, wrong, 0);
  CHECK(u, named > 50000);
  qr_lexicon_prefetch_str(lx, 100000);   /* past the last id: no read */
  qr_lexicon_prefetch_str(lx, QR_LEX_NONE);
  unit_case(u, "lexicon: empty strings and bytes with NULs");
  uint32_t e, z;
  qr_lexicon_intern(lx, "", 0, &e);
  qr_lexicon_intern(lx, "a\0b", 3, &z);
  CHECK_INT(u, qr_lexicon_find(lx, "", 0), e);
  CHECK_INT(u, qr_lexicon_find(lx, "a\0b", 3), z);
  CHECK(u, qr_lexicon_find(lx, "a", 1) == QR_LEX_NONE);
  qr_lexicon_free(lx);
}

static void hash_cases(unit *u) {
  unit_case(u, "hash: a short key hashed from its word is hashed as from its bytes");
  /* the corpus hashes a token of up to 7 bytes from the word it already
   * holds; the lexicon hashes the bytes: both must agree */
  const char *key = "\xFFquarry";
  int same = 1;
  for (size_t n = 0; n < 8; n++) {
    uint64_t w = 0;
    for (size_t k = 0; k < n; k++) w |= (uint64_t)(unsigned char)key[k] << (8 * k);
    same &= qr_hash_short(w, n) == qr_hash_bytes(key, n);
  }
  CHECK(u, same);
  CHECK(u, qr_hash_bytes("ab", 2) != qr_hash_bytes("ab\0", 3));
}

static void utf8_cases(unit *u) {
  static const struct { const char *in; int len; int32_t cp; } dec[] = {
    {"A", 1, 'A'}, {"\xC3\xA9", 2, 0xE9}, {"\xE2\x80\x99", 3, 0x2019},
    {"\xF0\x9F\x98\x80", 4, 0x1F600}, {"\xC0\xAF", 1, QR_UTF8_BAD},   /* overlong */
    {"\xED\xA0\x80", 1, QR_UTF8_BAD},                                /* surrogate */
    {"\xF4\x90\x80\x80", 1, QR_UTF8_BAD},                            /* past U+10FFFF */
    {"\xE2\x80", 1, QR_UTF8_BAD}, {"\x80", 1, QR_UTF8_BAD}, {NULL, 0, 0}};
  for (int i = 0; dec[i].in; i++) {
    unit_case(u, "utf8 decode %d", i + 1);
    int32_t cp;
    int len = qr_utf8_decode((const unsigned char *)dec[i].in, strlen(dec[i].in), &cp);
    CHECK_INT(u, len, dec[i].len);
    CHECK_INT(u, cp, dec[i].cp);
  }
  static const struct { const char *in, *out; } fold[] = {
    {"North KOREA", "north korea"}, {"Pjöngjang ÖL", "pjöngjang öl"}, {"STRASSE Straße", "strasse strasse"},
    {"Russia’s", "russia's"}, {"ÉCOLE", "école"}, {"Ким", "ким"}, {"bad\xFF" "byte", "bad\xFF" "byte"},
    {NULL, NULL}};
  qr_buf b = {0};
  for (int i = 0; fold[i].in; i++) {
    unit_case(u, "fold: %s", fold[i].in);
    qr_buf_reset(&b);
    CHECK_INT(u, qr_utf8_fold(fold[i].in, strlen(fold[i].in), &b), QR_OK);
    CHECK_STR(u, b.data, fold[i].out);
  }
  qr_buf_free(&b);
  unit_case(u, "utf8 check counts invalid sequences");
  size_t first;
  CHECK_INT(u, qr_utf8_check("ok\xFF\xFEok\xC3", 7, &first), 3);
  CHECK_INT(u, first, 2);
  CHECK_INT(u, qr_utf8_check("fine", 4, &first), 0);
  CHECK_INT(u, first, 4);
}

/* qr_zalloc's pages are in memory when it returns (written): calloc's of
 * a large block are not, and each is copied from the page of zeros at its
 * first write, interrupting the process's other threads. mincore says
 * which pages of a range are resident. */
static void zalloc_cases(unit *u) {
  unit_case(u, "zalloc: zeroed, and every page of a large block written at once");
  size_t n = (size_t)4 << 20;
  unsigned char *p = qr_zalloc(n, 1);
  CHECK(u, p != NULL);
  if (!p) return;
  /* (asked before any byte is read: a read maps the page of zeros, which
   * mincore counts as resident too) */
  size_t ps = (size_t)sysconf(_SC_PAGESIZE);
  uintptr_t lo = ((uintptr_t)p + ps - 1) & ~(uintptr_t)(ps - 1);
  uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(ps - 1);
  size_t npages = (hi - lo) / ps, resident = 0;
  unsigned char *vec = malloc(npages);
  if (vec && mincore((void *)lo, hi - lo, vec) == 0)
    for (size_t k = 0; k < npages; k++) resident += vec[k] & 1;
  CHECK_INT(u, resident, npages);
  free(vec);
  size_t zero = 1;
  for (size_t i = 0; i < n; i += 4093) zero &= p[i] == 0;
  CHECK(u, zero && p[n - 1] == 0);
  free(p);
  unit_case(u, "zalloc: a count too large for memory is NULL, zero elements are not");
  CHECK(u, qr_zalloc(SIZE_MAX / 2, 4) == NULL);
  void *z = qr_zalloc(0, 8);
  CHECK(u, z != NULL);
  free(z);
}

/* qr_copy_stream copies every byte and no other, whatever the two
 * pointers' alignments and the length: a head before the destination's
 * first 16-byte boundary, blocks of 64, and a tail. */
static void copy_stream_cases(unit *u) {
  enum { MAX = 300, PAD = 32 };
  unsigned char src[MAX + PAD], dst[MAX + 2 * PAD];
  for (size_t i = 0; i < sizeof src; i++) src[i] = (unsigned char)(i * 131 + 7);
  for (size_t so = 0; so < 16; so += 5) {
    for (size_t dof = 0; dof < 17; dof++) {
      unit_case(u, "copy_stream: source at +%zu, destination at +%zu, 0 to %d bytes", so, dof,
                MAX);
      size_t bad = 0;
      for (size_t n = 0; n <= MAX; n++) {
        memset(dst, 0xEE, sizeof dst);
        qr_copy_stream(dst + PAD + dof, src + so, n);
        for (size_t i = 0; i < sizeof dst; i++) {
          int inside = i >= PAD + dof && i < PAD + dof + n;
          bad += dst[i] != (inside ? src[so + i - PAD - dof] : 0xEE);
        }
      }
      CHECK_INT(u, bad, 0);
    }
  }
  /* (an empty array may be NULL: memcpy's pointers may not, which UBSan
   * checks in make sanitize) */
  unit_case(u, "copy_stream: 0 bytes copied touch nothing, NULL pointers included");
  unsigned char keep = 0x5A;
  qr_copy_stream(NULL, NULL, 0);
  qr_copy_stream(&keep, src, 0);
  CHECK_INT(u, keep, 0x5A);
}

int main(void) {
  unit u = {0};
  zalloc_cases(&u);
  copy_stream_cases(&u);
  json_parse_cases(&u);
  json_write_cases(&u);
  lexicon_cases(&u);
  hash_cases(&u);
  utf8_cases(&u);
  return unit_finish(&u);
}
