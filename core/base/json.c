/* json.c — strict JSON reading into a flat node array, and string writing. */
#include <stdlib.h>
#include <string.h>

#include "quarry/json.h"
#include "quarry/utf8.h"

typedef struct jparser {
  const unsigned char *s;
  size_t n, i;
  qr_json *js;
  qr_error *err;
} jparser;

static qr_status fail(jparser *p, const char *what) {
  return qr_error_set(p->err, QR_EDATA, "column %zu: %s", p->i + 1, what);
}

static void skip_ws(jparser *p) {
  while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                         p->s[p->i] == '\r'))
    p->i++;
}

static qr_status add_node(jparser *p, int type, size_t *idx) {
  qr_json *js = p->js;
  if (qr_grow((void **)&js->nodes, &js->cap, js->n + 1, sizeof *js->nodes))
    return qr_error_set(p->err, QR_ENOMEM, "out of memory");
  qr_json_node *nd = &js->nodes[js->n];
  memset(nd, 0, sizeof *nd);
  nd->type = (uint8_t)type;
  nd->start = (uint32_t)p->i;
  *idx = js->n++;
  return QR_OK;
}

static int hexval(unsigned c) {
  if (c >= '0' && c <= '9') return (int)(c - '0');
  if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return (int)(c - 'A' + 10);
  return -1;
}

static qr_status parse_string(jparser *p) {
  size_t idx;
  p->i++;   /* the opening quote */
  qr_status rc = add_node(p, QR_JSON_STRING, &idx);
  if (rc) return rc;
  while (p->i < p->n) {
    unsigned c = p->s[p->i];
    if (c == '"') {
      p->js->nodes[idx].end = (uint32_t)p->i;
      p->js->nodes[idx].skip = (uint32_t)p->js->n;
      p->i++;
      return QR_OK;
    }
    if (c < 0x20) return fail(p, "control character in string");
    if (c == '\\') {
      if (p->i + 1 >= p->n) break;
      unsigned e = p->s[p->i + 1];
      if (e == 'u') {
        for (int k = 0; k < 4; k++)
          if (p->i + 2 + (size_t)k >= p->n || hexval(p->s[p->i + 2 + (size_t)k]) < 0)
            return fail(p, "bad \\u escape");
        p->i += 6;
        continue;
      }
      if (!strchr("\"\\/bfnrt", (int)e) || e == 0) return fail(p, "bad escape in string");
      p->i += 2;
      continue;
    }
    if (c >= 0x80) {
      int32_t cp;
      int k = qr_utf8_decode(p->s + p->i, p->n - p->i, &cp);
      if (cp == QR_UTF8_BAD) return fail(p, "invalid UTF-8 in string");
      p->i += (size_t)k;
      continue;
    }
    p->i++;
  }
  return fail(p, "unterminated string");
}

static qr_status parse_number(jparser *p) {
  size_t idx, i = p->i;
  qr_status rc = add_node(p, QR_JSON_NUMBER, &idx);
  if (rc) return rc;
  const unsigned char *s = p->s;
  if (i < p->n && s[i] == '-') i++;
  if (i < p->n && s[i] == '0') i++;
  else if (i < p->n && s[i] >= '1' && s[i] <= '9') while (i < p->n && s[i] >= '0' && s[i] <= '9') i++;
  else return fail(p, "bad number");
  if (i < p->n && s[i] == '.') {
    i++;
    if (!(i < p->n && s[i] >= '0' && s[i] <= '9')) { p->i = i; return fail(p, "bad number"); }
    while (i < p->n && s[i] >= '0' && s[i] <= '9') i++;
  }
  if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < p->n && (s[i] == '+' || s[i] == '-')) i++;
    if (!(i < p->n && s[i] >= '0' && s[i] <= '9')) { p->i = i; return fail(p, "bad number"); }
    while (i < p->n && s[i] >= '0' && s[i] <= '9') i++;
  }
  p->i = i;
  p->js->nodes[idx].end = (uint32_t)i;
  p->js->nodes[idx].skip = (uint32_t)p->js->n;
  return QR_OK;
}

static qr_status parse_value(jparser *p, int depth);

static qr_status parse_literal(jparser *p, const char *lit, int type) {
  size_t m = strlen(lit), idx;
  if (p->n - p->i < m || memcmp(p->s + p->i, lit, m) != 0) return fail(p, "unexpected character");
  qr_status rc = add_node(p, type, &idx);
  if (rc) return rc;
  p->i += m;
  p->js->nodes[idx].end = (uint32_t)p->i;
  p->js->nodes[idx].skip = (uint32_t)p->js->n;
  return QR_OK;
}

static qr_status parse_container(jparser *p, int depth, int is_obj) {
  size_t idx;
  qr_status rc = add_node(p, is_obj ? QR_JSON_OBJECT : QR_JSON_ARRAY, &idx);
  if (rc) return rc;
  unsigned close = is_obj ? '}' : ']';
  uint32_t count = 0;
  p->i++;
  skip_ws(p);
  if (p->i < p->n && p->s[p->i] == close) {
    p->i++;
  } else {
    for (;;) {
      skip_ws(p);
      if (is_obj) {
        if (p->i >= p->n || p->s[p->i] != '"') return fail(p, "expected a string key");
        if ((rc = parse_string(p))) return rc;
        skip_ws(p);
        if (p->i >= p->n || p->s[p->i] != ':') return fail(p, "expected ':'");
        p->i++;
        skip_ws(p);
      }
      if ((rc = parse_value(p, depth + 1))) return rc;
      count++;
      skip_ws(p);
      if (p->i < p->n && p->s[p->i] == ',') { p->i++; continue; }
      if (p->i < p->n && p->s[p->i] == close) { p->i++; break; }
      return fail(p, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
  qr_json_node *nd = &p->js->nodes[idx];
  nd->end = (uint32_t)p->i;
  nd->size = count;
  nd->skip = (uint32_t)p->js->n;
  return QR_OK;
}

static qr_status parse_value(jparser *p, int depth) {
  if (depth > 512) return fail(p, "nested too deep");
  skip_ws(p);
  if (p->i >= p->n) return fail(p, "unexpected end of input");
  switch (p->s[p->i]) {
  case '{': return parse_container(p, depth, 1);
  case '[': return parse_container(p, depth, 0);
  case '"': return parse_string(p);
  case 't': return parse_literal(p, "true", QR_JSON_TRUE);
  case 'f': return parse_literal(p, "false", QR_JSON_FALSE);
  case 'n': return parse_literal(p, "null", QR_JSON_NULL);
  default:
    if (p->s[p->i] == '-' || (p->s[p->i] >= '0' && p->s[p->i] <= '9')) return parse_number(p);
    return fail(p, "unexpected character");
  }
}

qr_status qr_json_parse(qr_json *js, const char *s, size_t len, qr_error *err) {
  js->n = 0;
  if (len >= UINT32_MAX) return qr_error_set(err, QR_ELIMIT, "JSON text too large");
  jparser p = {(const unsigned char *)s, len, 0, js, err};
  qr_status rc = parse_value(&p, 0);
  if (rc) return rc;
  skip_ws(&p);
  if (p.i != len) return fail(&p, "unexpected data after the value");
  return QR_OK;
}

void qr_json_free(qr_json *js) {
  free(js->nodes);
  memset(js, 0, sizeof *js);
}

static unsigned hex4(const char *s) {
  unsigned v = 0;
  for (int k = 0; k < 4; k++) v = v * 16 + (unsigned)hexval((unsigned char)s[k]);
  return v;
}

qr_status qr_json_string(const qr_json *js, size_t i, const char *s, qr_buf *out) {
  const qr_json_node *nd = &js->nodes[i];
  size_t a = nd->start, b = nd->end;
  if (qr_buf_reserve(out, b - a)) return QR_ENOMEM;
  while (a < b) {
    const char *bs = memchr(s + a, '\\', b - a);
    size_t run = bs ? (size_t)(bs - (s + a)) : b - a;
    if (qr_buf_append(out, s + a, run)) return QR_ENOMEM;
    a += run;
    if (a >= b) break;
    char e = s[a + 1];
    char c;
    switch (e) {
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u': {
      unsigned cp = hex4(s + a + 2);
      a += 6;
      if (cp >= 0xD800 && cp <= 0xDBFF && a + 6 <= b && s[a] == '\\' && s[a + 1] == 'u') {
        unsigned lo = hex4(s + a + 2);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          a += 6;
        }
      }
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;   /* a lone surrogate */
      char enc[4];
      int el = qr_utf8_encode((int32_t)cp, enc);
      if (qr_buf_append(out, enc, (size_t)el)) return QR_ENOMEM;
      continue;
    }
    default: c = e; break;
    }
    if (qr_buf_putc(out, c)) return QR_ENOMEM;
    a += 2;
  }
  return QR_OK;
}

int qr_json_key_is(const qr_json *js, size_t i, const char *s, const char *key) {
  const qr_json_node *nd = &js->nodes[i];
  size_t n = strlen(key);
  return nd->type == QR_JSON_STRING && nd->end - nd->start == n &&
         memcmp(s + nd->start, key, n) == 0;
}

qr_status qr_json_put_string(qr_buf *out, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *u = (const unsigned char *)s;
  if (qr_buf_reserve(out, n + 2) || qr_buf_putc(out, '"')) return QR_ENOMEM;
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\') run++;
    if (run > i && qr_buf_append(out, s + i, run - i)) return QR_ENOMEM;
    i = run;
    if (i >= n) break;
    unsigned c = u[i];
    if (c >= 0x80) {
      int32_t cp;
      int k = qr_utf8_decode(u + i, n - i, &cp);
      if (cp == QR_UTF8_BAD) {
        if (qr_buf_append(out, "\xEF\xBF\xBD", 3)) return QR_ENOMEM;
      } else if (qr_buf_append(out, s + i, (size_t)k)) {
        return QR_ENOMEM;
      }
      i += (size_t)k;
      continue;
    }
    char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
    size_t el = 2;
    switch (c) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    default:
      esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
      esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
      el = 6;
    }
    if (qr_buf_append(out, esc, el)) return QR_ENOMEM;
    i++;
  }
  return qr_buf_putc(out, '"');
}
