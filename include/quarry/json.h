/* quarry/json.h — a strict JSON (RFC 8259) reader and string writer.
 *
 * The reader turns one JSON text into a flat array of nodes in document order;
 * each node knows where its subtree ends, so walking needs no recursion and
 * parsing allocates one array. Strings stay raw spans of the input until
 * qr_json_string unescapes them. */
#ifndef QUARRY_JSON_H
#define QUARRY_JSON_H

#include "quarry/base.h"

typedef enum qr_json_type {
  QR_JSON_NULL = 0, QR_JSON_FALSE, QR_JSON_TRUE, QR_JSON_NUMBER, QR_JSON_STRING,
  QR_JSON_ARRAY, QR_JSON_OBJECT
} qr_json_type;

typedef struct qr_json_node {
  uint8_t type;
  uint32_t start, end;   /* bytes of the value (strings: inside the quotes) */
  uint32_t size;         /* arrays: elements; objects: members (key + value) */
  uint32_t skip;         /* index of the node after this subtree */
} qr_json_node;

/* The nodes of one JSON text; owned, released with qr_json_free. For an
 * object, its members follow it as key node, value node, key node ... */
typedef struct qr_json {
  qr_json_node *nodes;
  size_t n, cap;
} qr_json;

/* Parses s[0, len) as exactly one JSON value (white space around it allowed).
 * On error, err says "column N: what" (1-based byte column). Depth is limited
 * to 512. Texts of 4 GiB or more are refused. */
qr_status qr_json_parse(qr_json *js, const char *s, size_t len, qr_error *err);
void qr_json_free(qr_json *js);

/* Appends the unescaped contents of string node i to out. */
qr_status qr_json_string(const qr_json *js, size_t i, const char *s, qr_buf *out);
/* Is string node i equal to the NUL-terminated key (no escapes in it)? */
int qr_json_key_is(const qr_json *js, size_t i, const char *s, const char *key);

/* Appends s[0, n) to out as a JSON string with quotes. Invalid UTF-8 bytes are
 * written as U+FFFD, so the output is always valid JSON. */
qr_status qr_json_put_string(qr_buf *out, const char *s, size_t n);

#endif
