/* fuzz_json.c — fuzz target: the JSON reader (qr_json_parse), every string
 * node unescaped (qr_json_string), and the string writer
 * (qr_json_put_string) on the input itself.
 *
 * Checked besides the sanitizers: the nodes of a text that parses lie
 * inside it and each subtree ends inside the array after its node; an
 * unescaped string is valid UTF-8 (a lone surrogate becomes U+FFFD); what
 * the writer writes parses again as one string, which reads back as the
 * input when the input was valid UTF-8. */
#include "fuzz.h"
#include "quarry/json.h"
#include "quarry/utf8.h"

static void check_nodes(const qr_json *js, const char *s, size_t len) {
  FUZZ_CHECK(js->n > 0);
  qr_buf str = {0};
  for (size_t i = 0; i < js->n; i++) {
    const qr_json_node *nd = &js->nodes[i];
    FUZZ_CHECK(nd->type <= QR_JSON_OBJECT);
    FUZZ_CHECK(nd->start <= nd->end && nd->end <= len);
    FUZZ_CHECK(nd->skip > i && nd->skip <= js->n);
    if (nd->type == QR_JSON_OBJECT) FUZZ_CHECK(nd->skip >= i + 1 + 2 * (size_t)nd->size);
    if (nd->type == QR_JSON_ARRAY) FUZZ_CHECK(nd->skip >= i + 1 + (size_t)nd->size);
    if (nd->type != QR_JSON_STRING) continue;
    qr_buf_reset(&str);
    FUZZ_CHECK(qr_json_string(js, i, s, &str) == QR_OK);
    size_t bad;
    FUZZ_CHECK(qr_utf8_check(str.data ? str.data : "", str.len, &bad) == 0);
    FUZZ_CHECK(str.len <= nd->end - nd->start);   /* unescaping never lengthens */
    (void)qr_json_key_is(js, i, s, "id");
  }
  qr_buf_free(&str);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = fuzz_copy(data, size);
  qr_json js = {0};
  qr_error err;
  qr_error_clear(&err);
  if (qr_json_parse(&js, s, size, &err) == QR_OK) {
    check_nodes(&js, s, size);
  } else {
    FUZZ_CHECK(err.status == QR_EDATA && strncmp(err.msg, "column ", 7) == 0);
  }

  /* the writer: always valid JSON, one string, the input again */
  qr_buf out = {0}, back = {0};
  FUZZ_CHECK(qr_json_put_string(&out, s, size) == QR_OK);
  char *w = fuzz_copy((const uint8_t *)out.data, out.len);
  qr_json again = {0};
  FUZZ_CHECK(qr_json_parse(&again, w, out.len, NULL) == QR_OK);
  FUZZ_CHECK(again.n == 1 && again.nodes[0].type == QR_JSON_STRING);
  FUZZ_CHECK(qr_json_string(&again, 0, w, &back) == QR_OK);
  size_t bad;
  if (qr_utf8_check(s, size, &bad) == 0)
    FUZZ_CHECK(back.len == size && (size == 0 || memcmp(back.data, s, size) == 0));

  qr_json_free(&again);
  free(w);
  qr_buf_free(&back);
  qr_buf_free(&out);
  qr_json_free(&js);
  free(s);
  return 0;
}
