/* tokenizer.c — one pass over the bytes of a text, UD English conventions.
 *
 * The text is cut into chunks at white space; each chunk is then split the way
 * a careful reader would: special whole forms first (URLs, e-mail addresses,
 * @mentions, #hashtags, emoticons), then opening punctuation from the front,
 * closing punctuation from the back (keeping the period of an abbreviation),
 * and finally the core is cut at its infixes (hyphens, slashes, clitics,
 * stray punctuation). ASCII takes a table-driven fast path; only bytes >= 0x80
 * are decoded and classified through utf8proc. */
#include <stdlib.h>
#include <string.h>

#include "quarry/text.h"
#include "quarry/utf8.h"
#include "text/bytemask.h"
#include "text/segmenter.h"

/* ASCII byte classes. */
enum {
  B_SPACE = 1, B_NL, B_UPPER, B_LOWER, B_DIGIT, B_PUNCT, B_SYMBOL, B_HIGH, B_CTRL
};

static const uint8_t ascii_class[128] = {
  /* controls */
  B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL,
  B_CTRL, B_SPACE, B_NL, B_NL, B_NL, B_SPACE, B_CTRL, B_CTRL,
  B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL,
  B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL, B_CTRL,
  /*  ! " # $ % & ' */
  B_SPACE, B_PUNCT, B_PUNCT, B_PUNCT, B_SYMBOL, B_PUNCT, B_PUNCT, B_PUNCT,
  /* ( ) * + , - . / */
  B_PUNCT, B_PUNCT, B_PUNCT, B_SYMBOL, B_PUNCT, B_PUNCT, B_PUNCT, B_PUNCT,
  B_DIGIT, B_DIGIT, B_DIGIT, B_DIGIT, B_DIGIT, B_DIGIT, B_DIGIT, B_DIGIT,
  /* 8 9 : ; < = > ? */
  B_DIGIT, B_DIGIT, B_PUNCT, B_PUNCT, B_SYMBOL, B_SYMBOL, B_SYMBOL, B_PUNCT,
  /* @ A-O */
  B_PUNCT, B_UPPER, B_UPPER, B_UPPER, B_UPPER, B_UPPER, B_UPPER, B_UPPER,
  B_UPPER, B_UPPER, B_UPPER, B_UPPER, B_UPPER, B_UPPER, B_UPPER, B_UPPER,
  /* P-Z [ \ ] ^ _ */
  B_UPPER, B_UPPER, B_UPPER, B_UPPER, B_UPPER, B_UPPER, B_UPPER, B_UPPER,
  B_UPPER, B_UPPER, B_UPPER, B_PUNCT, B_PUNCT, B_PUNCT, B_SYMBOL, B_PUNCT,
  /* ` a-o */
  B_SYMBOL, B_LOWER, B_LOWER, B_LOWER, B_LOWER, B_LOWER, B_LOWER, B_LOWER,
  B_LOWER, B_LOWER, B_LOWER, B_LOWER, B_LOWER, B_LOWER, B_LOWER, B_LOWER,
  /* p-z { | } ~ DEL */
  B_LOWER, B_LOWER, B_LOWER, B_LOWER, B_LOWER, B_LOWER, B_LOWER, B_LOWER,
  B_LOWER, B_LOWER, B_LOWER, B_PUNCT, B_SYMBOL, B_PUNCT, B_SYMBOL, B_CTRL,
};

/* A decoded character: its code point, byte length and class. */
typedef struct ch {
  int32_t cp;
  int len;
  qr_cclass cls;
} ch;

typedef struct tokctx {
  const qr_segmenter *seg;
  const unsigned char *s;
  size_t n;
  qr_tokens *out;
  uint8_t flags;     /* white-space flags for the next token */
  qr_status rc;
  unsigned has;      /* what the chunk being split holds (HAS_*): the special
                      * forms that cannot be in it are not looked for */
} tokctx;

/* The byte kinds of a chunk that its special forms need. */
enum {
  HAS_DOT = 1 << 0,      /* . : URLs, hosts, abbreviations */
  HAS_COLON = 1 << 1,    /* : : URL schemes, emoticons */
  HAS_AT = 1 << 2,       /* @ : e-mail addresses */
  HAS_APOS = 1 << 3,     /* ' and the last byte of ’ : clitics */
  HAS_EMO = 1 << 4,      /* ; = < ^ : emoticons (with the colon) */
  HAS_DIGIT = 1 << 5,    /* phone numbers */
  HAS_HIGH = 1 << 6      /* bytes >= 0x80: possibly invalid UTF-8 */
};

/* The HAS_* kind of each byte: a table, so that a chunk's kinds take a load
 * and an or per byte, not a chain of compares. */
#define HI HAS_HIGH
#define HI4 HI, HI, HI, HI
#define HI16 HI4, HI4, HI4, HI4
static const uint8_t has_of[256] = {
  ['0'] = HAS_DIGIT, ['1'] = HAS_DIGIT, ['2'] = HAS_DIGIT, ['3'] = HAS_DIGIT,
  ['4'] = HAS_DIGIT, ['5'] = HAS_DIGIT, ['6'] = HAS_DIGIT, ['7'] = HAS_DIGIT,
  ['8'] = HAS_DIGIT, ['9'] = HAS_DIGIT, ['.'] = HAS_DOT, [':'] = HAS_COLON | HAS_EMO,
  ['@'] = HAS_AT, ['\''] = HAS_APOS, [';'] = HAS_EMO, ['='] = HAS_EMO, ['<'] = HAS_EMO,
  ['^'] = HAS_EMO,
  /* 0x80 to 0xFF; 0x99 ends ’ */
  [0x80] = HI16, HI4, HI4, HI, /* 0x99 */ HI | HAS_APOS, HI, HI, HI, HI, HI, HI,
  /* 0xA0 */ HI16, HI16, HI16, HI16, HI16, HI16};
#undef HI16
#undef HI4
#undef HI

static unsigned chunk_has(const unsigned char *s, size_t a, size_t b) {
  unsigned has = 0;
  for (size_t i = a; i < b; i++) has |= has_of[s[i]];
  return has;
}

/* The character class of each ASCII byte class (a table, not a switch: the
 * switch's jump is an indirect branch that mispredicts at every change). */
static const uint8_t cclass_of[] = {
  [0] = QR_CC_CONTROL, [B_SPACE] = QR_CC_SPACE, [B_NL] = QR_CC_NEWLINE,
  [B_UPPER] = QR_CC_UPPER, [B_LOWER] = QR_CC_LOWER, [B_DIGIT] = QR_CC_DIGIT,
  [B_PUNCT] = QR_CC_PUNCT, [B_SYMBOL] = QR_CC_SYMBOL, [B_HIGH] = QR_CC_CONTROL,
  [B_CTRL] = QR_CC_CONTROL};

static ch char_at(const unsigned char *s, size_t n, size_t i) {
  ch c;
  unsigned b = s[i];
  if (b < 0x80) {
    c.cp = (int32_t)b;
    c.len = 1;
    c.cls = (qr_cclass)cclass_of[ascii_class[b]];
    return c;
  }
  c.len = qr_utf8_decode(s + i, n - i, &c.cp);
  c.cls = qr_char_class(c.cp);
  return c;
}

/* The character that ends at byte e (exclusive): walks back over continuation
 * bytes, at most three, and accepts the decode only if it spans exactly. */
static ch char_before(const unsigned char *s, size_t lo, size_t e) {
  size_t b = e - 1;
  int k = 0;
  while (b > lo && k < 3 && (s[b] & 0xC0) == 0x80) { b--; k++; }
  ch c = char_at(s, e, b);
  if (b + (size_t)c.len != e) return char_at(s, e, e - 1);   /* a stray byte */
  return c;
}

static int is_alpha(qr_cclass c) {
  return c == QR_CC_UPPER || c == QR_CC_LOWER || c == QR_CC_LETTER || c == QR_CC_MARK;
}
static int is_alnum(qr_cclass c) { return is_alpha(c) || c == QR_CC_DIGIT; }
static int is_apos(int32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x02BC; }
static int is_hyphen(int32_t cp) { return cp == '-' || cp == 0x2010 || cp == 0x2011; }
static int is_dash(int32_t cp) { return cp == 0x2012 || cp == 0x2013 || cp == 0x2014 || cp == 0x2015; }
static int lower_ascii(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Case-insensitive ASCII comparison of s[0,n) with the NUL-terminated lit. */
static int eq_nocase(const unsigned char *s, size_t n, const char *lit) {
  size_t i = 0;
  for (; i < n && lit[i]; i++)
    if (lower_ascii(s[i]) != lit[i]) return 0;
  return i == n && lit[i] == '\0';
}

static int starts_nocase(const unsigned char *s, size_t n, const char *lit) {
  size_t i = 0;
  for (; lit[i]; i++)
    if (i >= n || lower_ascii(s[i]) != lit[i]) return 0;
  return 1;
}

/* ---- emitting ---------------------------------------------------------- */

/* Grows the token arrays for one more token (the slow half of emit). */
static int grow_tokens(tokctx *t) {
  qr_tokens *o = t->out;
  size_t cap = o->cap;
  if (qr_grow((void **)&o->start, &cap, o->n + 1, sizeof *o->start) ||
      qr_grow((void **)&o->len, &o->cap, o->n + 1, sizeof *o->len)) {
    t->rc = QR_ENOMEM;
    return 0;
  }
  /* the remaining arrays follow the capacity of the first two */
  void *k = realloc(o->kind, o->cap), *f = realloc(o->flags, o->cap);
  if (k) o->kind = k;
  if (f) o->flags = f;
  void *sp = (k && f) ? realloc(o->split, o->cap) : NULL;
  if (sp) o->split = sp;
  if (!k || !f || !sp) {
    o->cap = o->n;   /* keep the invariant: every array holds cap elements */
    t->rc = QR_ENOMEM;
    return 0;
  }
  return 1;
}

/* Is the terminator text[start, start + len) (two bytes or more) an ellipsis:
 * periods only, or "…" only? */
static int ellipsis_form(const unsigned char *s, size_t len) {
  if (s[0] == '.') {
    for (size_t i = 1; i < len; i++)
      if (s[i] != '.') return 0;
    return 1;
  }
  if (len % 3) return 0;
  for (size_t i = 0; i < len; i += 3)
    if (s[i] != 0xE2 || s[i + 1] != 0x80 || s[i + 2] != 0xA6) return 0;
  return 1;
}

static inline void emit(tokctx *t, size_t start, size_t len, int kind, int flags, size_t split) {
  if (t->rc || len == 0) return;
  /* every terminator comes here: the ellipses get their kind in one place */
  if (kind == QR_TOK_PUNCT && len >= 2 && (flags & QR_TF_TERMINAL) &&
      ellipsis_form(t->s + start, len))
    kind = QR_TOK_ELLIPSIS;
  qr_tokens *o = t->out;
  if (o->n == o->cap && !grow_tokens(t)) return;
  size_t k = o->n++;
  o->start[k] = (uint32_t)start;
  o->len[k] = (uint32_t)len;
  o->kind[k] = (uint8_t)kind;
  o->flags[k] = (uint8_t)(flags | t->flags);
  o->split[k] = (uint8_t)(split < 256 ? split : 0);
  t->flags = 0;
}

/* The kind of a word-like piece: number when it starts with a digit and has
 * no letters other than an ordinal or plural suffix (1990s, 20th, 3rd). */
static int piece_kind(const unsigned char *s, size_t a, size_t b) {
  if ((s[a] | 0x20) >= 'a' && (s[a] | 0x20) <= 'z') return QR_TOK_WORD;   /* it has a letter */
  size_t i = a, letters = 0, digits = 0, first_letter = b;
  int first_digit = s[a] >= '0' && s[a] <= '9';
  if (s[a] == '.' && a + 1 < b && s[a + 1] >= '0' && s[a + 1] <= '9') first_digit = 1;
  while (i < b) {
    ch c = char_at(s, b, i);
    if (c.cls == QR_CC_DIGIT) digits++;
    else if (is_alpha(c.cls) || c.cls == QR_CC_NUMBER) {
      if (!letters) first_letter = i;
      letters++;
    }
    i += (size_t)c.len;
  }
  if (!letters && !digits) {
    ch c = char_at(s, b, a);
    if (c.cls == QR_CC_BAD || c.cls == QR_CC_SYMBOL || c.cls == QR_CC_CONTROL) return QR_TOK_SYMBOL;
    if (c.cls == QR_CC_EMOJI || c.cls == QR_CC_JOINER) return QR_TOK_EMOJI;
    return QR_TOK_PUNCT;
  }
  if (first_digit && !letters) return QR_TOK_NUMBER;
  if (first_digit && letters) {
    size_t tail = b - first_letter;
    const unsigned char *t = s + first_letter;
    if (eq_nocase(t, tail, "s") || eq_nocase(t, tail, "st") || eq_nocase(t, tail, "nd") ||
        eq_nocase(t, tail, "rd") || eq_nocase(t, tail, "th"))
      return QR_TOK_NUMBER;
  }
  return QR_TOK_WORD;
}

static void emit_piece(tokctx *t, size_t a, size_t b, int flags, size_t split) {
  if (b <= a) return;
  int kind = piece_kind(t->s, a, b);
  for (size_t i = a; (t->has & HAS_HIGH) && i < b; i++) {
    if (t->s[i] >= 0x80) {   /* flag invalid UTF-8 so that users can find it */
      ch c = char_at(t->s, b, i);
      if (c.cls == QR_CC_BAD) { flags |= QR_TF_BAD_UTF8; break; }
      i += (size_t)c.len - 1;
    }
  }
  if (kind == QR_TOK_WORD && b - a > 1 && t->s[b - 1] == '.') flags |= QR_TF_ABBREV;
  emit(t, a, b - a, kind, flags, split);
}

static int is_decoration(int32_t cp) {
  return cp == '-' || cp == '=' || cp == '_' || cp == '+' || cp == '*' || cp == '~' || cp == '#';
}

/* The length of two curly single quotes at i (’’ or ‘’ written for a double
 * quote, which UD keeps as one token), or 0. */
static size_t quote_pair(const unsigned char *s, size_t i, size_t b) {
  return i + 5 < b && s[i] == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0x98 || s[i + 2] == 0x99) &&
                 s[i + 3] == 0xE2 && s[i + 4] == 0x80 && (s[i + 5] == 0x98 || s[i + 5] == 0x99)
             ? 6
             : 0;
}

/* Brackets, quotes and separators are tokens of their own even when repeated. */
static int stands_alone(int32_t cp) {
  switch (cp) {
  case '(': case ')': case '[': case ']': case '{': case '}': case '"': case ',': case ';':
  case ':': case 0x201C: case 0x201D: case 0x2018: case 0x2019: case 0x00AB: case 0x00BB:
    return 1;
  default:
    return 0;
  }
}

/* The end of the first punctuation or symbol token of [a, b): a run of
 * periods (an ellipsis), a run of . ! ? ("?!", "!."), a run of line-drawing
 * characters ("----==", "____") and a run of one repeated character ("$$$",
 * ">>") each stay one token; brackets, quotes, commas and anything else are
 * single. *kind and *flags get the token's kind and flags. */
static size_t punct_token_end(const unsigned char *s, size_t a, size_t b, int *kind, int *flags) {
  ch c = char_at(s, b, a);
  size_t e = a + (size_t)c.len;
  *flags = 0;
  *kind = QR_TOK_PUNCT;
  if (quote_pair(s, a, b)) {
    e = a + 6;
  } else if (c.cp == '.' && e < b && s[e] == '.') {
    while (e < b && s[e] == '.') e++;
    *flags = QR_TF_TERMINAL;
  } else if (c.cp == '.' || c.cp == '!' || c.cp == '?') {
    while (e < b && (s[e] == '!' || s[e] == '?' || (s[e] == '.' && !(e + 1 < b && s[e + 1] == '.'))))
      e++;
    *flags = QR_TF_TERMINAL;
  } else if (c.cp == 0x2026) {
    *flags = QR_TF_TERMINAL;
  } else if (is_decoration(c.cp) && e < b && is_decoration(s[e])) {
    while (e < b && is_decoration(s[e])) e++;
  } else if (c.cls == QR_CC_EMOJI) {
    /* an emoji with its modifiers, joiners and ZWJ-joined successors */
    while (e < b) {
      ch d = char_at(s, b, e);
      if (d.cls == QR_CC_JOINER) {
        e += (size_t)d.len;
        if (d.cp == 0x200D && e < b) {
          ch f = char_at(s, b, e);
          if (f.cls == QR_CC_EMOJI) e += (size_t)f.len;
        }
      } else if (c.cp >= 0x1F1E6 && c.cp <= 0x1F1FF && d.cp >= 0x1F1E6 && d.cp <= 0x1F1FF &&
                 e - a == 4) {
        e += (size_t)d.len;   /* a regional-indicator pair: a flag */
      } else {
        break;
      }
    }
    *kind = QR_TOK_EMOJI;
  } else {
    if (!stands_alone(c.cp) && c.cls != QR_CC_BAD) {
      while (e < b) {   /* the same character repeated: "$$$", ">>", "''" */
        ch d = char_at(s, b, e);
        if (d.cp != c.cp) break;
        e += (size_t)d.len;
      }
    }
    if (c.cls == QR_CC_JOINER) *kind = QR_TOK_EMOJI;
    else if (c.cls != QR_CC_PUNCT) {
      *kind = QR_TOK_SYMBOL;
      if (c.cls == QR_CC_BAD) *flags = QR_TF_BAD_UTF8;
    }
  }
  return e;
}

/* Emits the punctuation and symbols of [a, b) as tokens. */
static size_t match_emoticon(const unsigned char *s, size_t a, size_t b, int whole);

static void emit_punct_run(tokctx *t, size_t a, size_t b) {
  while (a < b && !t->rc) {
    unsigned c0 = t->s[a];
    size_t m;
    if ((c0 == ':' || c0 == ';' || c0 == '=' || c0 == '<' || c0 == '^') &&
        (m = match_emoticon(t->s, a, b, 0)) > 0) {
      emit(t, a, m, QR_TOK_EMOJI, 0, 0);
      a += m;
      continue;
    }
    int kind, flags;
    size_t e = punct_token_end(t->s, a, b, &kind, &flags);
    emit(t, a, e - a, kind, flags, 0);
    a = e;
  }
}

/* ---- special forms ----------------------------------------------------- */

static const char *const tlds[] = {
  "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "uk", "us",
  "ca", "au", "de", "fr", "ru", "kr", "kp", "jp", "cn", "in", "it", "es", "nl", "se", "no",
  "ch", "be", "at", "pl", "br", "mx", "tv", "me", "ly", "eu", "ai", "app", "dev", "html",
  "htm", "php", "asp", "aspx", NULL};

static const char *const extensions[] = {
  "txt", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "csv", "tsv", "json", "xml", "jpg",
  "jpeg", "png", "gif", "svg", "mp3", "mp4", "avi", "mov", "wav", "zip", "gz", "tar", "exe",
  "dll", "js", "py", "c", "h", "lua", "sh", "rb", "java", "md", "rtf", "odt", "dat", "log",
  "ini", "cfg", "bak", "tmp", "DOC", "PDF", "TXT", "XLS", NULL};

static int is_extension(const unsigned char *s, size_t n) {
  for (int i = 0; extensions[i]; i++)
    if (strlen(extensions[i]) == n && memcmp(s, extensions[i], n) == 0) return 1;
  return 0;
}

int qr_is_file_name(const char *s, size_t n) {
  size_t dot = n;
  while (dot > 0 && s[dot - 1] != '.') dot--;
  return dot > 1 && dot < n && is_extension((const unsigned char *)s + dot, n - dot);
}

static int is_tld(const unsigned char *s, size_t n) {
  for (int i = 0; tlds[i]; i++)
    if (eq_nocase(s, n, tlds[i])) return 1;
  return 0;
}

/* Characters that end a URL or address when they close the chunk. */
static int url_trailer(const unsigned char *s, size_t a, size_t e, size_t *tl) {
  ch c = char_before(s, a, e);
  *tl = (size_t)c.len;
  switch (c.cp) {
  case '.': case ',': case ';': case ':': case '!': case '?': case '"': case '\'':
  case ')': case ']': case '}': case '>': case 0x201D: case 0x2019: case 0x00BB:
    return 1;
  default:
    return 0;
  }
}

/* Trims trailing punctuation from a URL [a, e), keeping a ')' that closes a
 * '(' inside it (Wikipedia links). */
static size_t trim_url(const unsigned char *s, size_t a, size_t e) {
  size_t tl;
  while (e > a && url_trailer(s, a, e, &tl)) {
    if (s[e - 1] == ')') {
      int open = 0;
      for (size_t i = a; i < e; i++) open += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
      if (open >= 0) break;
    }
    e -= tl;
  }
  return e;
}

static int is_url_char(unsigned char c) {
  return c > 0x20 && c != '<' && c != '>' && c != '"' && c < 0x7F;
}

/* A host name: labels of letters, digits and hyphens joined by dots, ending
 * in a known top-level domain, with at least one label of two letters or
 * more before it (so that "U.S." is not a host). Returns its end or 0. */
static size_t scan_host(const unsigned char *s, size_t a, size_t b) {
  size_t i = a, last_label = a, labels = 0, long_label = 0;
  while (i < b) {
    size_t ls = i;
    while (i < b && (ascii_class[s[i] & 0x7F] == B_LOWER || ascii_class[s[i] & 0x7F] == B_UPPER ||
                     ascii_class[s[i] & 0x7F] == B_DIGIT || s[i] == '-') && s[i] < 0x80)
      i++;
    if (i == ls) return 0;
    labels++;
    if (i - ls >= 2 && labels > 0) long_label += 1;
    last_label = ls;
    if (i < b && s[i] == '.' && i + 1 < b && s[i + 1] < 0x80 &&
        ascii_class[s[i + 1]] != B_PUNCT && ascii_class[s[i + 1]] != B_SPACE) {
      i++;
      continue;
    }
    break;
  }
  if (labels < 2 || long_label < 2) return 0;
  if (!is_tld(s + last_label, i - last_label)) return 0;
  /* a domain written in title case after a small letter is a sentence's
   * start after a missing space: "streak.In spite", "done.It was" */
  if (i - last_label >= 2 && ascii_class[s[last_label]] == B_UPPER &&
      ascii_class[s[last_label - 2]] == B_LOWER) {
    size_t k = last_label + 1;
    while (k < i && ascii_class[s[k]] == B_LOWER) k++;
    if (k == i) return 0;
  }
  return i;
}

/* URL at a: a scheme, "www.", or a bare host name with a known TLD. */
static size_t match_url(const unsigned char *s, size_t a, size_t b) {
  size_t n = b - a, e;
  if (starts_nocase(s + a, n, "http://") || starts_nocase(s + a, n, "https://") ||
      starts_nocase(s + a, n, "ftp://") || starts_nocase(s + a, n, "www.") ||
      starts_nocase(s + a, n, "mailto:") || starts_nocase(s + a, n, "file://")) {
    e = a;
    while (e < b && is_url_char(s[e])) e++;
    e = trim_url(s, a, e);
    return e > a + 7 || (e > a + 4 && starts_nocase(s + a, n, "www.")) ? e : 0;
  }
  size_t h = scan_host(s, a, b);
  if (!h) return 0;
  e = h;
  if (e < b && (s[e] == '/' || s[e] == ':')) {
    while (e < b && is_url_char(s[e])) e++;
  }
  return trim_url(s, a, e);
}

static size_t match_email(const unsigned char *s, size_t a, size_t b) {
  size_t i = a;
  while (i < b && s[i] < 0x80 &&
         (ascii_class[s[i]] == B_LOWER || ascii_class[s[i]] == B_UPPER ||
          ascii_class[s[i]] == B_DIGIT || s[i] == '.' || s[i] == '_' || s[i] == '%' ||
          s[i] == '+' || s[i] == '-'))
    i++;
  if (i == a || i >= b || s[i] != '@' || s[a] == '.') return 0;
  size_t h = scan_host(s, i + 1, b);
  if (!h) {   /* any dotted host is fine after an @ */
    size_t j = i + 1, dots = 0;
    while (j < b && s[j] < 0x80 &&
           (ascii_class[s[j]] == B_LOWER || ascii_class[s[j]] == B_UPPER ||
            ascii_class[s[j]] == B_DIGIT || s[j] == '-' || (s[j] == '.' && j + 1 < b &&
                                                             s[j + 1] != '.')))
      dots += s[j++] == '.';
    while (j > i + 1 && s[j - 1] == '.') j--, dots--;
    if (!dots || j <= i + 3) return 0;
    h = j;
  }
  return h;
}

static const char *const emoticons[] = {
  ":-)", ":-(", ":-D", ":-P", ":-p", ";-)", ":-/", ":-O", ":-o", ":'(", ":')", ":-|",
  ":)", ":(", ":D", ":P", ":p", ";)", ":/", ":O", ":o", ":|", ":]", ":[", "=)", "=(",
  ";D", ":*", "<3", "</3", "^_^", "^^", "-_-", "o_O", "O_o", "T_T", ">:(", "XD", "xD", NULL};

/* An emoticon at exactly [a, b) or at the start of [a, b) followed by a
 * non-letter. Letters-only forms (XD) must fill the chunk. */
static size_t match_emoticon(const unsigned char *s, size_t a, size_t b, int whole) {
  for (int i = 0; emoticons[i]; i++) {
    size_t m = strlen(emoticons[i]);
    if (m > b - a || memcmp(s + a, emoticons[i], m) != 0) continue;
    int alpha_start = ascii_class[(unsigned char)emoticons[i][0]] == B_UPPER ||
                      ascii_class[(unsigned char)emoticons[i][0]] == B_LOWER;
    if (a + m == b) return m;
    if (whole || alpha_start) continue;
    ch next = char_at(s, b, a + m);
    if (!is_alnum(next.cls)) return m;
  }
  return 0;
}

/* An emoticon that ends exactly at b, preceded by a letter or the chunk
 * start (so "word:)" splits as word + :)). */
static size_t match_emoticon_end(const unsigned char *s, size_t a, size_t b) {
  /* cheap test first: every such emoticon starts with one of :;=<^ within
   * its last four bytes and ends with an ASCII mark */
  if (b - a < 2 || s[b - 1] >= 0x80 || ascii_class[s[b - 1]] == B_LOWER) return 0;
  int opener = 0;
  for (size_t k = b - 1; k > a && k + 5 > b; k--)
    opener |= s[k - 1] == ':' || s[k - 1] == ';' || s[k - 1] == '=' || s[k - 1] == '<' ||
              s[k - 1] == '^';
  if (!opener) return 0;
  for (int i = 0; emoticons[i]; i++) {
    size_t m = strlen(emoticons[i]);
    if (m > b - a || memcmp(s + b - m, emoticons[i], m) != 0) continue;
    if (ascii_class[(unsigned char)emoticons[i][0]] == B_UPPER ||
        ascii_class[(unsigned char)emoticons[i][0]] == B_LOWER)
      continue;
    if (emoticons[i][0] != ':' && emoticons[i][0] != ';' && emoticons[i][0] != '<' &&
        emoticons[i][0] != '^' && emoticons[i][0] != '=')
      continue;
    if (b - m == a) return m;
    ch prev = char_before(s, a, b - m);
    if (is_alpha(prev.cls)) return m;
  }
  return 0;
}

/* Words written with a slash that UD keeps whole (b/c, w/o, w/). */
static size_t match_slash_word(const unsigned char *s, size_t a, size_t b) {
  static const char *const words[] = {"b/c", "w/o", "w/", "a/c", "n/a", "s/he", "i/o", NULL};
  if (b - a < 2 || (s[a + 1] != '/' && (b - a < 3 || s[a + 2] != '/'))) return 0;
  for (int i = 0; words[i]; i++) {
    size_t m = strlen(words[i]);
    if (b - a >= m && starts_nocase(s + a, m, words[i]) &&
        (a + m == b || !is_alnum(char_at(s, b, a + m).cls)))
      return m;
  }
  return 0;
}

/* ---- prefixes and suffixes --------------------------------------------- */

/* Opening characters split from the front of a chunk. */
static int is_prefix_char(int32_t cp) {
  switch (cp) {
  case '(': case '[': case '{': case '<': case '"': case '\'': case '`': case '*':
  case '$': case '#': case '@': case '-': case '/': case ',': case ';': case ':': case '!':
  case '?': case '&': case '+': case '=': case '~': case '%': case '.': case '|': case '^':
  case 0x201C: case 0x2018: case 0x201E: case 0x00AB: case 0x2039: case 0x00BF: case 0x00A1:
  case 0x00A3: case 0x20AC: case 0x00A5: case 0x20A9: case 0x20BD: case 0x00A9: case 0x00AE:
  case 0x2022: case 0x00B7: case 0x2026: case 0x201D: case 0x2019: case 0x00BB:
    return 1;
  default:
    return is_dash(cp);
  }
}

/* Closing characters split from the back of a chunk. */
static int is_suffix_char(int32_t cp) {
  switch (cp) {
  case ')': case ']': case '}': case '>': case '"': case '\'': case ',': case ';': case ':':
  case '!': case '?': case '.': case '%': case '*': case '`': case '-': case '/': case '|':
  case '+': case '&': case '=': case '~': case '#': case '@': case '$':
  case 0x201D: case 0x2019: case 0x201C: case 0x2018: case 0x00BB: case 0x203A: case 0x2026:
  case 0x00A2: case 0x00B0: case 0x2122: case 0x00AE: case 0x00A9: case 0x20AC: case 0x00A3:
    return 1;
  default:
    return is_dash(cp);
  }
}

/* Words that keep an apostrophe at their start ('em, '90s) or their end
 * (goin', ol'). */
static int apostrophe_initial_word(const unsigned char *s, size_t a, size_t b) {
  size_t n = b - a;
  static const char *const words[] = {"em", "til", "tis", "twas", "cause", "n", "bout", NULL};
  for (int i = 0; words[i]; i++)
    if (eq_nocase(s + a, n, words[i])) return 1;
  /* '90s, '08 */
  return n >= 2 && s[a] >= '0' && s[a] <= '9' && s[a + 1] >= '0' && s[a + 1] <= '9' &&
         (n == 2 || (n == 3 && (s[a + 2] == 's' || s[a + 2] == 'S')));
}

/* Does [a, e) — a core whose last character is a period — keep that period?
 * Yes for abbreviations of the lexicon, dotted acronyms (U.S., a.m., Ph.D.),
 * and single capital letters (initials). The check looks at the last piece
 * after a hyphen or slash, so that "ex-Gov." keeps its period too. */
/* The class of the abbreviation s[0, n) (with its period), trying the word
 * as written, with its first letter's case flipped ("Corp." for "corp."; not
 * for entries the lexicon marks exact: "ill." is no "Ill.") and, for an
 * all-capital word, in title case ("LTD." for "Ltd.", "LA." for "La."). */
static int abbrev_class(const qr_segmenter *seg, const unsigned char *s, size_t n) {
  int cls = qr_segmenter_abbrev(seg, (const char *)s, n);
  if (cls || n > 32) return cls;
  char tmp[33];
  memcpy(tmp, s, n);
  int c0 = (unsigned char)tmp[0];
  if (c0 >= 'a' && c0 <= 'z') {
    tmp[0] = (char)(c0 - 32);
    cls = qr_segmenter_abbrev_recased(seg, tmp, n);
    return cls == QR_ABBR_PLAIN ? cls : 0;   /* "jan." yes; "mr." is rare enough */
  }
  int caps = 1;
  for (size_t i = 1; i + 1 < n; i++) caps &= !(tmp[i] >= 'a' && tmp[i] <= 'z');
  if (caps && n > 2) {
    for (size_t i = 1; i + 1 < n; i++)
      if (tmp[i] >= 'A' && tmp[i] <= 'Z') tmp[i] = (char)(tmp[i] + 32);
    return qr_segmenter_abbrev(seg, tmp, n);
  }
  return 0;
}

/* From s[j], a run of short words in title case, each with its period and
 * one space after it ("R. Civ. P. 12", "Br. 7"): the end of the run (where
 * what follows it starts), or j when there is none. */
static size_t abbrev_run(const unsigned char *s, size_t len, size_t j) {
  for (int k = 0; k < 4; k++) {
    if (j >= len || !(s[j] >= 'A' && s[j] <= 'Z')) return j;
    size_t e = j + 1;
    while (e < len && e < j + 5 && s[e] >= 'a' && s[e] <= 'z') e++;
    if (e + 1 >= len || s[e] != '.' || s[e + 1] != ' ') return j;
    j = e + 2;
  }
  return j;
}

/* Is the word s[p, w), before the period at w that ends its chunk at w + 1,
 * an abbreviation the lexicon lacks? What follows tells: before a number
 * (or a run of such words and a number), an opening bracket or a small
 * letter (after a space), a word of two to six ASCII letters is one
 * ("Approx. 40 km", "9th Cir. 1999", "Civ. P. 12", "Dept. of Labor", "Ch.
 * (iii)"), unless it is a common English word, which ends sentences ("at
 * home. 3 days later"); the sentence splitter still weighs the gap. Before
 * a number, a word in capitals only, or in small letters of four or more,
 * is none (below); a number-class abbreviation written small keeps its
 * period ("issue no. 7"). */
static int unknown_abbrev(const qr_segmenter *seg, const unsigned char *s, size_t len, size_t p,
                          size_t w, size_t b) {
  size_t j = b;
  while (j < len && (s[j] == ' ' || s[j] == '\t')) j++;
  if (j == b || j >= len) return 0;
  /* a run of abbreviations before a number reads as one: "Fed. R. Civ. P.
   * 12(b)", "Def. Br. 7" (each of its words is asked in turn) */
  if (s[j] >= 'A' && s[j] <= 'Z') {
    size_t r = abbrev_run(s, len, j);
    if (r == j || !(r < len && s[r] >= '0' && s[r] <= '9')) return 0;
    j = r;
  }
  int number = (s[j] >= '0' && s[j] <= '9') || s[j] == '#';
  int small = s[j] >= 'a' && s[j] <= 'z';
  if (!number && !small && s[j] != '(') return 0;
  if (number) {   /* a list's number ("the draft. 1. The fee", "2) ...") starts a sentence */
    size_t k = j + (s[j] == '#');
    while (k < len && k < j + 3 && s[k] >= '0' && s[k] <= '9') k++;
    if (k + 1 < len && (s[k] == '.' || s[k] == ')') &&
        (s[k + 1] == ' ' || s[k + 1] == '\t' || s[k + 1] == '\n'))
      return 0;
  }
  /* a bracket before a capital opens a sentence of its own ("(See attached ...") */
  if (s[j] == '(' && j + 1 < len && s[j + 1] >= 'A' && s[j + 1] <= 'Z' &&
      !(j + 2 < len && s[j + 2] == ')'))
    return 0;
  size_t n = w - p;
  if (n < 2 || n > 6) return 0;
  int title = s[p] >= 'A' && s[p] <= 'Z';
  for (size_t i = p; i < w; i++) {
    int low = s[i] >= 'a' && s[i] <= 'z';
    if (!low && !(s[i] >= 'A' && s[i] <= 'Z')) return 0;
    title &= i == p || low;
  }
  /* before a small letter, informal text ends sentences with any word ("my
   * cats. they"): only a short word with a capital is taken ("Dept. of") */
  if (small && !(title && n <= 5)) return 0;
  if (number && s[p] >= 'a' && s[p] <= 'z') {   /* no. 7: No. is of the number class */
    char up[8];
    memcpy(up, s + p, n + 1);
    up[0] = (char)(up[0] - 32);
    if (qr_segmenter_abbrev_recased(seg, up, n + 1) == QR_ABBR_NUMBER) return 1;
    /* before a number, a word in small letters of four or more ends its
     * sentence ("learns chess. 1542 Leonardo": EWT and GUM, about 130
     * times, against 2 abbreviations the lexicon lacks, "approx. 40");
     * a shorter one is taken ("ep. 4", "ch. 2"), and so are a numeral of a
     * citation ("Juvenal, Sat., xiii. 4") and a word before a number and a
     * comma ("stat. 1, c. 18": in UD, never a sentence's end); a common
     * one is not (below: "the war. 1944") */
    if (n > 3 && strspn((const char *)s + p, "ivxlcdm") < n) {
      size_t k = j;
      while (k < len && s[k] >= '0' && s[k] <= '9') k++;
      if (k >= len || s[k] != ',') return 0;
    }
  } else if (number && !title) {
    /* ... and a word in capitals only is a name or a numeral ("the USA.
     * 1999 was", "Phillip II. 1575"); a title-case word is taken: "Approx.
     * 40 km", "9th Cir. 1999" */
    return 0;
  }
  /* a common word, or one with an ending ("cats", "aimed") */
  const char *wd = (const char *)s + p;
  int ends_s = wd[n - 1] == 's' || wd[n - 1] == 'S';
  int ends_ed = n > 3 && (wd[n - 2] | 0x20) == 'e' && (wd[n - 1] | 0x20) == 'd';
  return !qr_segmenter_common_word(seg, wd, n) &&
         !(ends_s && qr_segmenter_common_word(seg, wd, n - 1)) &&
         !(ends_ed && (qr_segmenter_common_word(seg, wd, n - 2) ||
                       qr_segmenter_common_word(seg, wd, n - 1)));
}

/* Is s[a, e), ending in "!", a name that holds its "!" (a brand: "Yahoo!
 * and AOL", "at Jeopardy! tonight")? A word of three letters or more with a
 * capital and small letters only, inside a sentence (a word, a number or a
 * comma before it on its line) and before a small word (not "i"): where an
 * exclamation would end its sentence and the next would start with a
 * capital. Shouted words ("WOW! grey") are no names. */
static int name_with_bang(const unsigned char *s, size_t len, size_t a, size_t e) {
  if (e - a < 4 || s[e - 1] != '!' || !(s[a] >= 'A' && s[a] <= 'Z')) return 0;
  for (size_t i = a + 1; i + 1 < e; i++)
    if (!(s[i] >= 'a' && s[i] <= 'z')) return 0;
  size_t j = e;
  while (j < len && (s[j] == ' ' || s[j] == '\t')) j++;
  if (j == e || j + 1 >= len || !(s[j] >= 'a' && s[j] <= 'z')) return 0;
  if (s[j] == 'i' && !(s[j + 1] >= 'a' && s[j + 1] <= 'z')) return 0;   /* "... Yahoo! i" */
  size_t k = a;
  while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t')) k--;
  if (k == a || k == 0) return 0;
  unsigned char p = s[k - 1];
  return (p >= 'a' && p <= 'z') || (p >= 'A' && p <= 'Z') || (p >= '0' && p <= '9') || p == ',';
}

/* Does [a, e) — a core whose last character is a period — keep that period?
 * Yes for abbreviations of the lexicon, dotted acronyms (U.S., a.m., Ph.D.),
 * and single capital letters (initials). An abbreviation of the number class
 * (No., pp., c.) keeps it only before a number. The check looks at the last
 * piece after a hyphen or slash, so that "ex-Gov." keeps its period too. b is
 * the end of the chunk: what follows it is the next chunk. */
static int keeps_period(const tokctx *t, size_t a, size_t e, size_t b) {
  const unsigned char *s = t->s;
  size_t w = e - 1;   /* the period */
  size_t p = w;
  while (p > a && !is_hyphen(s[p - 1]) && s[p - 1] != '/' && s[p - 1] != '(') p--;
  if (p == w) return 0;
  size_t n = e - p;
  int cls = abbrev_class(t->seg, s + p, n);
  if (cls == QR_ABBR_NUMBER) {
    if (e != b) return 0;   /* "No.," : the period ends something else */
    size_t j = b;
    while (j < t->n && (s[j] == ' ' || s[j] == '\t')) j++;
    return j < t->n && ((s[j] >= '0' && s[j] <= '9') || s[j] == '#');
  }
  if (cls) return 1;
  if (e == b && unknown_abbrev(t->seg, s, t->n, p, w, b)) return 1;
  /* a single letter: an initial (J.); a small one right after a bracket
   * abbreviates a word of a biography: (b. 1950), (d. 1990), (m. 1949) */
  ch c = char_at(s, w, p);
  if (p + (size_t)c.len == w && (c.cls == QR_CC_UPPER)) return 1;
  if (p + 1 == w && p == a && a > 0 && s[a - 1] == '(' && s[p] >= 'a' && s[p] <= 'z') return 1;
  /* dotted acronym: letters in groups of one to four joined by periods */
  size_t i = p, groups = 0, glen = 0;
  while (i < w) {
    ch d = char_at(s, w, i);
    if (is_alpha(d.cls)) {
      glen++;
      if (glen > 4) return 0;
    } else if (d.cp == '.') {
      if (glen == 0) return 0;
      groups++;
      glen = 0;
    } else {
      return 0;
    }
    i += (size_t)d.len;
  }
  return groups >= 1 && glen >= 1;
}

/* ---- the core of a chunk ----------------------------------------------- */

static const char *const bound_prefixes[] = {
  "non", "e", "re", "anti", "co", "mid", "pre", "pro", "cross", "post", "semi", "ex", "sub",
  "multi", "counter", "mini", "socio", "psycho", "intra", "inter", "micro", "super", "neo",
  "un", "de", "bi", "tri", "quasi", "pseudo", "ultra", "hyper", "macro", "meta", "infra",
  "trans", "over", "under", "mis", "dis", "out", "self-", NULL};

static int in_list(const unsigned char *s, size_t n, const char *const *list) {
  if (n == 0) return 0;
  unsigned c0 = (unsigned)lower_ascii(s[0]);
  for (int i = 0; list[i]; i++)   /* the first letter rules out nearly every entry */
    if ((unsigned char)list[i][0] == c0 && eq_nocase(s, n, list[i])) return 1;
  return 0;
}

/* Is s[a, e), before a hyphen, a bound prefix (re-elect, non-profit)? Not
 * when it is two capitals: an acronym (UN-led, EU-wide). */
static int bound_prefix(const unsigned char *s, size_t a, size_t e) {
  int acronym = e - a == 2 && s[a] >= 'A' && s[a] <= 'Z' && s[a + 1] >= 'A' && s[a + 1] <= 'Z';
  return !acronym && in_list(s + a, e - a, bound_prefixes);
}

static size_t digits_at(const unsigned char *s, size_t i, size_t b) {
  size_t j = i;
  while (j < b && s[j] >= '0' && s[j] <= '9') j++;
  return j - i;
}

/* A phone number or extension: digit groups 3-3-4 or 1..3-4 (713-853-3989,
 * 646-8420, 3-5213). */
static size_t match_phone(const unsigned char *s, size_t a, size_t b) {
  /* a trunk prefix before a full number: 1-800-991-9019 */
  if (b - a == 14 && s[a] == '1' && s[a + 1] == '-')
    return match_phone(s, a + 2, b) == 12 ? 14 : 0;
  size_t g1 = digits_at(s, a, b);
  if (g1 < 1 || g1 > 3 || a + g1 >= b || s[a + g1] != '-') return 0;
  size_t g2 = digits_at(s, a + g1 + 1, b);
  if (g2 == 4 && a + g1 + 5 == b) return g1 + 5;   /* 646-8420, extension 3-5213 */
  if (g1 != 3) return 0;
  if (g2 != 3 || a + 7 >= b || s[a + 7] != '-') return 0;
  size_t g3 = digits_at(s, a + 8, b);
  return g3 == 4 && a + 12 == b ? 12 : 0;
}

static int ascii_letter(unsigned c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

/* Is [a, b) a date with the month's short name between hyphens: a day of
 * one or two digits, Jan to Dec (or Sept), a year of two digits
 * (12-Mar-19, 1-Sept-04)? English-EWT writes it as one token. (GUM splits
 * the form with a four-digit year, "8 - May - 2006", which stays split.) */
static int month_date(const unsigned char *s, size_t a, size_t b) {
  static const char months[] = "jan feb mar apr may jun jul aug sep oct nov dec ";
  size_t d = digits_at(s, a, b);
  if (d < 1 || d > 2 || a + d >= b || s[a + d] != '-') return 0;
  size_t m = a + d + 1, e = m;
  while (e < b && ascii_letter(s[e])) e++;
  if (e - m < 3 || e - m > 4 || e >= b || s[e] != '-') return 0;
  char mon[5] = {0};
  for (size_t i = 0; i < 3; i++) mon[i] = (char)lower_ascii(s[m + i]);
  const char *hit = strstr(months, mon);
  if (!hit || (hit - months) % 4 != 0) return 0;
  if (e - m == 4 && !(hit == months + 32 && lower_ascii(s[m + 3]) == 't')) return 0;   /* Sept */
  size_t y = digits_at(s, e + 1, b);
  return y == 2 && e + 1 + y == b;
}

/* A date written with slashes: d/d/d, or m/d with a day from 10 to 31. */
static int slash_date(const unsigned char *s, size_t a, size_t b) {
  size_t i = a, groups = 0, last = 0, first = 0;
  while (i < b) {
    size_t d = digits_at(s, i, b);
    if (d == 0 || d > 4) return 0;
    unsigned v = 0;
    for (size_t k = 0; k < d; k++) v = v * 10 + (unsigned)(s[i + k] - '0');
    if (groups == 0) first = v;
    last = v;
    groups++;
    i += d;
    if (i < b) {
      if (s[i] != '/') return 0;
      i++;
    }
  }
  if (groups == 3) return 1;
  return groups == 2 && first >= 1 && first <= 12 && last >= 10 && last <= 31;
}

/* Clitics split from the end of a word: 's 'm 're 've 'll 'd and n't. */
static size_t clitic_len(const unsigned char *s, size_t a, size_t e, int *is_nt) {
  *is_nt = 0;
  /* every clitic holds an apostrophe (' or the 0x99 of ’) in its last 4 bytes */
  int apos = 0;
  for (size_t k = e; k > a && k + 5 > e; k--) apos |= s[k - 1] == '\'' || s[k - 1] == 0x99;
  if (!apos) return 0;
  static const char *const clitics[] = {"s", "m", "re", "ve", "ll", "d", NULL};
  for (int i = 0; clitics[i]; i++) {
    size_t m = strlen(clitics[i]);
    for (int form = 0; form < 2; form++) {
      size_t alen = form ? 3 : 1;   /* ' or ’ */
      if (e - a < m + alen + 1) continue;
      size_t p = e - m - alen;
      if (form ? !(s[p] == 0xE2 && s[p + 1] == 0x80 && s[p + 2] == 0x99) : s[p] != '\'')
        continue;
      if (!eq_nocase(s + p + alen, m, clitics[i])) continue;
      return m + alen;
    }
  }
  /* n't: the n belongs to the clitic (do + n't, ca + n't) */
  for (int form = 0; form < 2; form++) {
    size_t alen = form ? 3 : 1;
    if (e - a < alen + 3) continue;
    size_t p = e - 1 - alen;   /* the apostrophe */
    if (lower_ascii(s[e - 1]) != 't') continue;
    if (form ? !(s[p] == 0xE2 && s[p + 1] == 0x80 && s[p + 2] == 0x99) : s[p] != '\'') continue;
    if (lower_ascii(s[p - 1]) != 'n') continue;
    *is_nt = 1;
    return alen + 2;
  }
  return 0;
}

/* Fused forms that UD writes as two words (gonna = gon + na): the length of
 * the first part, or 0. The segmenter keeps them as 64-bit integers of their
 * lower-cased bytes, so the check is a few integer compares per word. */
static size_t fused_split(const qr_segmenter *seg, const unsigned char *s, size_t n) {
  /* the filter first: most words leave here, on a branch that is nearly
   * always taken the same way */
  if (!seg || n < 2 ||
      !qr_filter_has(seg->fused_filter, qr_filter_key(n, s[n - 1], s[n - 2])) || n < 4 || n > 8)
    return 0;
  uint64_t w = qr_pack_lower(s, n);
  for (unsigned slot = qr_fused_slot(w); seg->fused_key[slot]; slot = (slot + 1) & 63)
    if (seg->fused_key[slot] == w) return seg->fused_split[slot];
  return 0;
}

/* Units that UD splits from a number written against them (375mm, 5pm). */
static const char *const units[] = {
  "m", "mm", "cm", "km", "k", "kg", "mg", "ml", "b", "bn", "mb", "gb", "kb", "tb", "am", "pm",
  "ft", "x", "hz", "khz", "mhz", "ghz", "hr", "hrs", "min", "mins", "sec", "secs", "day", "days",
  "yr", "yrs", "lb", "lbs", "oz", "mph", "kph", "percent", "f", "c", "t", "p", "o", "hh", "sq",
  "minutes", "hours", "persons", "people", "kw", "mw", "w", "v", "g", NULL};

/* Emits the word piece [a, b): splits a clitic or n't off its end, or marks a
 * fused form. */
static void emit_word(tokctx *t, size_t a, size_t b) {
  const unsigned char *s = t->s;
  if (b <= a) return;
  int is_nt;
  size_t cl = (t->has & HAS_APOS) ? clitic_len(s, a, b, &is_nt) : (is_nt = 0);
  if (cl && is_nt) {
    size_t host = b - cl - a;
    /* "n't" alone, or a host that is no word: just a token */
    emit_piece(t, a, b, 0, host ? host : 0);
    return;
  }
  if (cl) {
    size_t p = b - cl;
    ch prev = char_before(s, a, p);
    /* the host is a word (whose own end may be a clitic too: I'd've), or
     * an abbreviation or acronym with its period (the U.N.'s vote) */
    if (is_alnum(prev.cls)) {
      emit_word(t, a, p);
      emit(t, p, cl, QR_TOK_WORD, QR_TF_CLITIC, 0);
      return;
    }
    if (prev.cp == '.' && p - a >= 2 && keeps_period(t, a, p, p)) {
      emit_piece(t, a, p, 0, 0);
      emit(t, p, cl, QR_TOK_WORD, QR_TF_CLITIC, 0);
      return;
    }
  }
  if (s[a] >= '0' && s[a] <= '9') {
    /* a number glued to a unit splits (375mm, 8gb, 5pm), and so does a time
     * from am or pm in any case (7:30PM, 11AM); ordinals and decades (20th,
     * 1990s) and item letters (4a) do not */
    size_t i = a;
    while (i < b && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ',' ||
                     (s[i] == ':' && i > a && i + 1 < b && s[i + 1] >= '0' && s[i + 1] <= '9')))
      i++;
    size_t j = i;
    while (j < b && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z'))) j++;
    int clock = eq_nocase(s + i, b - i, "am") || eq_nocase(s + i, b - i, "pm");
    if (i > a && j == b && i < b && s[i - 1] >= '0' && s[i - 1] <= '9' &&
        (clock || (in_list(s + i, b - i, units) && (s[i] >= 'a' || b - i == 1)))) {
      emit_piece(t, a, i, 0, 0);
      emit_piece(t, i, b, 0, 0);
      return;
    }
  }
  size_t fs = fused_split(t->seg, s + a, b - a);
  emit_piece(t, a, b, 0, fs);
}

/* Splits the core [a, b) of a chunk at its infixes. */
static void split_core(tokctx *t, size_t a, size_t b) {
  const unsigned char *s = t->s;
  size_t ps = a, p = a;
  size_t ph = (t->has & HAS_DIGIT) ? match_phone(s, a, b) : 0;
  if (ph) {
    emit(t, a, ph, QR_TOK_NUMBER, 0, 0);
    return;
  }
  if ((t->has & HAS_DIGIT) && month_date(s, a, b)) {
    emit(t, a, b - a, QR_TOK_NUMBER, 0, 0);
    return;
  }
  while (p < b && !t->rc) {
    ch c = char_at(s, b, p);
    if (is_alnum(c.cls) || c.cls == QR_CC_JOINER || c.cls == QR_CC_NUMBER || c.cls == QR_CC_BAD) {
      p += (size_t)c.len;   /* a stray byte stays in its word (caf\xE9) */
      continue;
    }
    size_t nx = p + (size_t)c.len;
    ch prev = p > ps ? char_before(s, ps, p) : (ch){0, 0, QR_CC_SPACE};
    ch next = nx < b ? char_at(s, b, nx) : (ch){0, 0, QR_CC_SPACE};
    int between_alnum = p > ps && is_alnum(prev.cls) && nx < b && is_alnum(next.cls);
    int between_digits = p > ps && prev.cls == QR_CC_DIGIT && next.cls == QR_CC_DIGIT;

    if ((c.cp == '-' || c.cp == '+') && p == a && next.cls == QR_CC_DIGIT) {
      p = nx;   /* the sign of -5, +1 */
      continue;
    }
    if (is_apos(c.cp) && p == ps && p == a && is_alnum(next.cls)) {
      p = nx;   /* '90s, 'em: the tokenizer only lets such words through */
      continue;
    }
    if (is_apos(c.cp) && nx == b && p > ps && is_alpha(prev.cls)) {
      p = nx;   /* goin': the suffix rules left this apostrophe in the word */
      continue;
    }
    if (is_hyphen(c.cp) && nx == b && p > ps && is_alpha(prev.cls)) {
      p = nx;   /* a cut-off word: "w- we", "pre- and post-war" */
      continue;
    }
    if (c.cp == '(' && p > ps && is_alpha(prev.cls) && b - p == 3 && s[p + 1] == 's' &&
        s[p + 2] == ')') {
      p = b;    /* friend(s) */
      continue;
    }
    if (is_hyphen(c.cp) && between_alnum) {
      if (bound_prefix(s, ps, p)) {
        p = nx;
        continue;
      }
      emit_word(t, ps, p);
      emit(t, p, (size_t)c.len, QR_TOK_PUNCT, 0, 0);
      ps = p = nx;
      continue;
    }
    if (c.cp == '/' && between_alnum) {
      /* dates stay whole; find the extent of the digit/slash run (no date
       * is longer than 10 bytes, so the scan stops there: linear time on a
       * megabyte of 1/1/1/...) */
      size_t e = p;
      while (e < b && e - ps <= 10 && ((s[e] >= '0' && s[e] <= '9') || s[e] == '/')) e++;
      /* (e past the slash: a word already 10 bytes long before it is no
       * date, and taking it for one would not move p: a hang, found by
       * fuzzing, on 3888/887/87/7) */
      if (e > nx && between_digits && (ps == a || !is_alpha(char_before(s, a, ps).cls)) &&
          slash_date(s, ps, e) && (e == b || !is_alnum(char_at(s, b, e).cls))) {
        p = e;
        continue;
      }
      emit_word(t, ps, p);
      emit(t, p, 1, QR_TOK_PUNCT, 0, 0);
      ps = p = nx;
      continue;
    }
    if ((c.cp == ',' || c.cp == ':') && between_digits) {
      p = nx;   /* 7,000 and 10:30 */
      continue;
    }
    if (c.cp == '.') {
      if (nx < b && s[nx] == '.') {   /* an ellipsis inside: word...word */
        size_t e = nx;
        while (e < b && s[e] == '.') e++;
        size_t m;
        if (e < b && s[e] == '@' && (m = match_email(s, ps, b)) > e) {
          /* an address a mailing list's archive shortened: julie...@bellsouth.net */
          emit(t, ps, m - ps, QR_TOK_EMAIL, 0, 0);
          ps = p = m;
          continue;
        }
        emit_word(t, ps, p);
        emit(t, p, e - p, QR_TOK_PUNCT, QR_TF_TERMINAL, 0);
        ps = p = e;
        continue;
      }
      /* word.word: a missing space, unless the right side is a domain or a
       * file extension (Amazon.com, notes.txt); a capitalised word is no
       * domain (streak.In spite), nor is a lone I (junk.I called) */
      if (p - ps >= 3 && p - ps <= 64 && prev.cls == QR_CC_LOWER && is_alpha(next.cls)) {
        size_t e = nx;
        while (e < b && e - nx <= 64 && is_alpha(char_at(s, b, e).cls))
          e += (size_t)char_at(s, b, e).len;
        int lower_after = 0, all_alpha = 1;
        for (size_t k = nx + (size_t)next.len; k < e; k++) lower_after |= s[k] >= 'a' && s[k] <= 'z';
        for (size_t k = ps; k < p; k++) all_alpha &= s[k] >= 'a' && s[k] <= 'z';
        int lone_i = e - nx == 1 && (s[nx] == 'I' || s[nx] == 'i');
        int title = next.cls == QR_CC_UPPER && lower_after;
        /* (a clitic may follow the word: "quality.You'll also") */
        size_t ce = e;
        if (title && ce < b && is_apos(char_at(s, b, ce).cp)) {
          ce += (size_t)char_at(s, b, ce).len;
          while (ce < b && s[ce] >= 'a' && s[ce] <= 'z') ce++;
        }
        if ((e == b || ce == b) && all_alpha && (e - nx >= 2 || lone_i) &&
            (lower_after || next.cls == QR_CC_UPPER || lone_i) &&
            (title || lone_i || (!is_tld(s + nx, e - nx) && !is_extension(s + nx, e - nx)))) {
          emit_word(t, ps, p);
          emit(t, p, 1, QR_TOK_PUNCT, QR_TF_TERMINAL, 0);
          ps = p = nx;
          continue;
        }
      }
      p = nx;   /* 3.5, U.S, file.txt */
      continue;
    }
    if (is_apos(c.cp) || c.cp == '&' || c.cp == '_' || c.cp == '@' || c.cp == '+' ||
        c.cp == '#' || c.cp == '=' || c.cp == 0x00B7 || c.cp == '%') {
      if (p > ps && nx < b && !(is_apos(c.cp) && !is_alnum(next.cls))) {
        p = nx;   /* O'Brien, AT&T, snake_case, C++ */
        continue;
      }
    }
    /* anything else splits: the run of such characters is punctuation */
    emit_word(t, ps, p);
    size_t e = nx;
    while (e < b) {
      ch d = char_at(s, b, e);
      if (is_alnum(d.cls) || d.cls == QR_CC_NUMBER) break;
      if (is_apos(d.cp) || d.cp == '.' || d.cp == '\'') break;
      e += (size_t)d.len;
    }
    emit_punct_run(t, p, e);
    ps = p = e;
  }
  emit_word(t, ps, b);
}

/* ---- chunks ------------------------------------------------------------ */

/* A list marker: "3." or "12." alone at the start of a line ("3. Conclusions")
 * is one token, and no sentence ends after it. */
static int list_marker(tokctx *t, size_t a, size_t b) {
  const unsigned char *s = t->s;
  size_t d = digits_at(s, a, b);
  if (d < 1 || d > 2 || a + d + 1 != b || s[a + d] != '.') return 0;
  size_t k = a;
  while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t')) k--;
  if (k > 0 && s[k - 1] != '\n') return 0;
  emit(t, a, b - a, QR_TOK_NUMBER, 0, 0);
  return 1;
}

/* The quotes and dashes of running text, by their UTF-8 bytes (E2 80 xx). */
enum { U_LSQUO = 0x98, U_RSQUO = 0x99, U_LDQUO = 0x9C, U_RDQUO = 0x9D, U_NDASH = 0x93,
       U_MDASH = 0x94 };

static size_t gen_punct(const unsigned char *s, size_t i, size_t b, unsigned c3) {
  return i + 2 < b && s[i] == 0xE2 && s[i + 1] == 0x80 && s[i + 2] == c3 ? 3 : 0;
}

/* The length of an opening quote or bracket at i, or 0. */
static size_t opener_at(const unsigned char *s, size_t i, size_t b) {
  if (s[i] == '"' || s[i] == '(' || s[i] == '[') return 1;
  size_t n = gen_punct(s, i, b, U_LDQUO);
  return n ? n : gen_punct(s, i, b, U_LSQUO);
}

/* The length of a closing mark at i (punctuation, a closing quote or
 * bracket), or 0. */
static size_t closer_at(const unsigned char *s, size_t i, size_t b) {
  switch (s[i]) {
  case ',': case ';': case ':': case '!': case '?': case '.': case '"': case '\'': case ')':
  case ']':
    return 1;
  default: break;
  }
  size_t n = gen_punct(s, i, b, U_RDQUO);
  return n ? n : gen_punct(s, i, b, U_RSQUO);
}

/* The length of what may join two words inside a core at i: an apostrophe
 * (don't, O'Brien), a hyphen or a run of them (well-known, yes--no), a dash. */
static size_t joiner_at(const unsigned char *s, size_t i, size_t b) {
  if (s[i] == '\'') return 1;
  if (s[i] == '-') {
    size_t j = i + 1;
    while (j < b && s[j] == '-') j++;
    return j - i;
  }
  size_t n = gen_punct(s, i, b, U_RSQUO);
  if (!n) n = gen_punct(s, i, b, U_MDASH);
  return n ? n : gen_punct(s, i, b, U_NDASH);
}

/* The common shape of a chunk the fast path leaves: opening quotes or
 * brackets, a core of ASCII words joined by apostrophes, hyphens or dashes,
 * and closing punctuation ("Well, / don't / well-known. / word,” ...).
 * Such a chunk needs none of the special forms (URLs, e-mail, emoticons ...)
 * and no search for where its core begins and ends: the openers are tokens,
 * the core goes to split_core and the closers to emit_punct_run, as in
 * tokenize_chunk, which this path spares the general search. Returns 0,
 * having emitted nothing, when the chunk has another shape or a case the
 * shape does not settle (an abbreviation's period, a possessive apostrophe,
 * an emoticon's colon). */
static int plain_compound(tokctx *t, size_t a, size_t b) {
  const unsigned char *s = t->s;
  size_t i = a, n;
  while (i < b && (n = opener_at(s, i, b)) > 0) i += n;
  size_t core = i;
  if (i >= b || !ascii_letter(s[i])) return 0;
  size_t joins = 0, join_at = 0, join_len = 0;   /* the joiners, and where the first is */
  while (i < b) {
    if (ascii_letter(s[i])) {
      i++;
    } else if ((n = joiner_at(s, i, b)) > 0 && i + n < b && ascii_letter(s[i + n])) {
      if (!joins++) join_at = i, join_len = n;
      i += n;
    } else {
      break;
    }
  }
  size_t core_end = i;
  if (core_end == b && core_end - core == 2 && s[core + 1] == 'D' && (s[core] | 0x20) == 'x')
    return 0;   /* XD after an opening quote: an emoticon */
  while (i < b && (n = closer_at(s, i, b)) > 0) {
    unsigned c = s[i];
    if (c == '.' && i + 1 < b && s[i + 1] == '.') return 0;      /* an ellipsis */
    if ((c == ':' || c == ';') && i + 1 < b) return 0;          /* :) and the like */
    if ((c == '\'' || (c == 0xE2 && s[i + 2] == U_RSQUO)) && i == core_end)
      return 0;   /* an apostrophe after a word: a possessive (students') */
    i += n;
  }
  if (i != b) return 0;
  if (core_end < b && s[core_end] == '.' && keeps_period(t, core, core_end + 1, b)) return 0;
  if (core == a && core_end + 1 == b && s[core_end] == '!' && name_with_bang(s, t->n, a, b))
    return 0;   /* Yahoo! */
  for (i = a; i < core; i += n) {
    n = quote_pair(s, i, core);
    if (!n) n = opener_at(s, i, b);
    emit(t, i, n, QR_TOK_PUNCT, 0, 0);
  }
  /* the core, as split_core splits these shapes: words apart at a hyphen
   * (unless after a bound prefix), a run of hyphens or a dash; whole with an
   * apostrophe (the word's clitics are emit_word's); with more than one
   * joiner (mother-in-law), split_core itself */
  unsigned j0 = joins ? s[join_at] : 0;
  if (joins > 1) {
    split_core(t, core, core_end);
  } else if (!joins || j0 == '\'' || (j0 == 0xE2 && s[join_at + 2] == U_RSQUO) ||
             (j0 == '-' && join_len == 1 && bound_prefix(s, core, join_at))) {
    emit_word(t, core, core_end);
  } else {
    emit_word(t, core, join_at);
    emit(t, join_at, join_len, QR_TOK_PUNCT, 0, 0);
    emit_word(t, join_at + join_len, core_end);
  }
  /* the closers, as emit_punct_run makes them: a run of . ! ? is one
   * terminator, a run of ' one mark, every other closer a mark of its own */
  for (i = core_end; i < b; i += n) {
    unsigned c = s[i];
    if ((n = quote_pair(s, i, b)) > 0) {
      emit(t, i, n, QR_TOK_PUNCT, 0, 0);
      continue;
    }
    n = closer_at(s, i, b);
    if (c == '.' || c == '!' || c == '?' || c == '\'') {
      while (i + n < b && (c == '\'' ? s[i + n] == '\''
                                      : s[i + n] == '.' || s[i + n] == '!' || s[i + n] == '?'))
        n++;
      emit(t, i, n, QR_TOK_PUNCT, c == '\'' ? 0 : QR_TF_TERMINAL, 0);
    } else {
      emit(t, i, n, QR_TOK_PUNCT, 0, 0);
    }
  }
  return 1;
}

/* The numero sign written with a letter: "N°" or "Nº" (a degree sign or a
 * masculine ordinal after N), one word, and with its period before a
 * number ("N°. 7", an abbreviation of the number class) or a period of its
 * own. */
static int numero(tokctx *t, size_t a, size_t b) {
  const unsigned char *s = t->s;
  if (b - a < 3 || b - a > 4 || (s[a] | 0x20) != 'n' || s[a + 1] != 0xC2 ||
      (s[a + 2] != 0xB0 && s[a + 2] != 0xBA))
    return 0;
  size_t e = a + 3;
  if (e == b) {
    emit(t, a, 3, QR_TOK_WORD, 0, 0);
    return 1;
  }
  if (s[e] != '.') return 0;
  size_t j = b;
  while (j < t->n && (s[j] == ' ' || s[j] == '\t')) j++;
  if (j > b && j < t->n && ((s[j] >= '0' && s[j] <= '9') || s[j] == '#')) {
    emit(t, a, 4, QR_TOK_WORD, QR_TF_ABBREV, 0);
  } else {
    emit(t, a, 3, QR_TOK_WORD, 0, 0);
    emit(t, e, 1, QR_TOK_PUNCT, QR_TF_TERMINAL, 0);
  }
  return 1;
}

static void tokenize_chunk(tokctx *t, size_t a, size_t b) {
  const unsigned char *s = t->s;
  t->has = chunk_has(s, a, b);
  if (plain_compound(t, a, b) || list_marker(t, a, b) || numero(t, a, b)) return;
  while (a < b && !t->rc) {
    size_t m;
    unsigned c0 = s[a];
    /* special whole forms at the front */
    if (c0 < 0x80 && (ascii_class[c0] == B_LOWER || ascii_class[c0] == B_UPPER ||
                      ascii_class[c0] == B_DIGIT)) {
      if ((t->has & (HAS_DOT | HAS_COLON)) && (m = match_url(s, a, b)) > a) {
        emit(t, a, m - a, QR_TOK_URL, 0, 0);
        a = m;
        continue;
      }
      if ((t->has & HAS_AT) && (m = match_email(s, a, b)) > a) {
        emit(t, a, m - a, QR_TOK_EMAIL, 0, 0);
        a = m;
        continue;
      }
    }
    if (c0 == ':' || c0 == ';' || c0 == '=' || c0 == '<' || c0 == '^' || c0 == '>' ||
        c0 == '-' || ((c0 == 'X' || c0 == 'x' || c0 == 'o' || c0 == 'O' || c0 == 'T') &&
                      b - a <= 3)) {
      if ((m = match_emoticon(s, a, b, c0 == 'X' || c0 == 'x' || c0 == 'o' || c0 == 'O' ||
                                           c0 == 'T')) > 0) {
        emit(t, a, m, QR_TOK_EMOJI, 0, 0);
        a += m;
        continue;
      }
    }
    if ((c0 == '@' || c0 == '#') && a + 1 < b) {
      ch c1 = char_at(s, b, a + 1);
      if (is_alpha(c1.cls) || (c0 == '@' && c1.cls == QR_CC_DIGIT) || c1.cp == '_') {
        size_t e = a + 1;
        while (e < b) {
          ch d = char_at(s, b, e);
          if (!is_alnum(d.cls) && d.cp != '_') break;
          e += (size_t)d.len;
        }
        emit(t, a, e - a, c0 == '@' ? QR_TOK_MENTION : QR_TOK_HASHTAG, 0, 0);
        a = e;
        continue;
      }
    }
    /* opening punctuation */
    ch c = char_at(s, b, a);
    if (is_prefix_char(c.cp) || c.cls == QR_CC_EMOJI ||
        c.cls == QR_CC_CONTROL || (c.cls == QR_CC_PUNCT && a + (size_t)c.len < b &&
                                   !is_apos(c.cp))) {
      if (c.cp == '\'' || c.cp == 0x2019) {
        size_t e = a + (size_t)c.len, w = e;
        while (w < b && is_alnum(char_at(s, b, w).cls)) w += (size_t)char_at(s, b, w).len;
        if (w > e && apostrophe_initial_word(s, e, w)) goto core;
      }
      if (c.cp == '.' && a + 1 < b && s[a + 1] >= '0' && s[a + 1] <= '9') goto core;   /* .5 */
      if ((c.cp == '-' || c.cp == '+') && a + 1 < b && s[a + 1] >= '0' && s[a + 1] <= '9') {
        /* a sign: -5 and +1 stay whole */
        goto core;
      }
      int kind, flags;
      size_t e = punct_token_end(s, a, b, &kind, &flags);
      emit(t, a, e - a, kind, flags, 0);
      a = e;
      continue;
    }
  core:;
    if ((m = match_slash_word(s, a, b)) > 0) {
      emit(t, a, m, QR_TOK_WORD, 0, 0);
      a += m;
      continue;
    }
    /* closing punctuation, peeled from the back */
    size_t e = b;
    while (e > a) {
      if ((t->has & HAS_EMO) && (m = match_emoticon_end(s, a, e)) > 0 && e - m > a) {
        e -= m;
        continue;
      }
      ch d = char_before(s, a, e);
      if (!is_suffix_char(d.cp) && d.cls != QR_CC_EMOJI && d.cls != QR_CC_JOINER &&
          !(d.cls == QR_CC_PUNCT && !is_apos(d.cp)))
        break;
      if (d.cp == '!' && e == b && name_with_bang(s, t->n, a, e)) {   /* Yahoo! */
        emit(t, a, e - a, QR_TOK_WORD, 0, 0);
        return;
      }
      if (d.cp == ')' && e - a >= 4 && s[e - 2] == 's' && s[e - 3] == '(' &&
          is_alpha(char_before(s, a, e - 3).cls))
        break;   /* friend(s) */
      if (d.cp == '.') {
        if (e - a >= 2 && s[e - 2] == '.') {
          /* "Inc.." is an abbreviation and a period; a longer run is an
           * ellipsis, all of it */
          if (e - a >= 3 && s[e - 3] != '.' && keeps_period(t, a, e - 1, e - 1)) {
            e--;
            break;
          }
          while (e > a && s[e - 1] == '.') e--;
          continue;
        }
        if (e - a >= 2 && keeps_period(t, a, e, b)) break;
      }
      if (is_apos(d.cp) && e - (size_t)d.len > a) {
        /* a final apostrophe after a word: goin' keeps it; students' is a
         * plural possessive, an attached clitic like 's */
        size_t p = e - (size_t)d.len, w = p;
        while (w > a && p - w <= 64 && is_alpha(char_before(s, a, w).cls))
          w -= (size_t)char_before(s, a, w).len;
        /* two of them close a quotation ("plain''"): no clitic */
        if (e < b && is_apos(char_at(s, b, e).cp)) w = p;
        if (w == a && p - a >= 3 && lower_ascii(s[p - 1]) == 'n' && lower_ascii(s[p - 2]) == 'i')
          break;
        if (w == a && p > a && lower_ascii(s[p - 1]) == 's') {
          split_core(t, a, p);
          emit(t, p, (size_t)d.len, QR_TOK_PUNCT, QR_TF_CLITIC, 0);
          emit_punct_run(t, e, b);
          return;
        }
      }
      if (d.cp == '-' && e - a >= 2 && is_alpha(char_before(s, a, e - 1).cls) && e == b) {
        /* a dangling hyphen (pre- and post-war): UD keeps "pre-" whole */
        size_t w = e - 1;
        while (w > a && e - w <= 64 && is_alpha(char_before(s, a, w).cls))
          w -= (size_t)char_before(s, a, w).len;
        if (w == a) break;
      }
      e -= (size_t)d.len;
    }
    if (e > a) split_core(t, a, e);
    emit_punct_run(t, e, b);
    return;
  }
}

/* ---- the main loop ------------------------------------------------------ */

/* Notes k line breaks in the white space before the next token. */
static void note_newlines(tokctx *t, int *newlines, int k) {
  *newlines += k;
  t->flags |= QR_TF_SPACE_BEFORE | QR_TF_NEWLINE_BEFORE;
  if (*newlines >= 2) t->flags |= QR_TF_PARA_BEFORE;
}

/* One step of the general loop, which takes any text: one white-space
 * character at i, or the chunk that starts there (up to the next white space
 * of any kind, Unicode's included). Returns where the step ends. */
static size_t general_step(tokctx *t, size_t i, int *newlines) {
  const unsigned char *s = t->s;
  size_t len = t->n;
  unsigned c = s[i];
  if (c < 0x80) {
    int k = ascii_class[c];
    if (k == B_SPACE || (k == B_CTRL && c != 0x7F && c < 0x20 && c != 0)) {
      t->flags |= QR_TF_SPACE_BEFORE;
      return i + 1;
    }
    if (k == B_NL) {
      note_newlines(t, newlines, 1);
      return i + 1;
    }
  } else {
    ch d = char_at(s, len, i);
    if (d.cls == QR_CC_SPACE || d.cls == QR_CC_NEWLINE) {
      t->flags |= QR_TF_SPACE_BEFORE;
      if (d.cls == QR_CC_NEWLINE) note_newlines(t, newlines, d.cp == 0x2029 ? 2 : 1);
      return i + (size_t)d.len;
    }
  }
  size_t j = i;
  while (j < len) {
    unsigned b = s[j];
    if (b < 0x80) {
      int k = ascii_class[b];
      if (k == B_SPACE || k == B_NL || (k == B_CTRL && b < 0x20 && b != 0)) break;
      j++;
    } else {
      ch d = char_at(s, len, j);
      if (d.cls == QR_CC_SPACE || d.cls == QR_CC_NEWLINE) break;
      j += (size_t)d.len;
    }
  }
  *newlines = 0;
  tokenize_chunk(t, i, j);
  return j;
}

/* Makes room for extra more tokens at once, so that the fast path below
 * stores tokens without a check per token. */
static qr_status reserve_tokens(qr_tokens *o, size_t extra) {
  if (o->cap - o->n >= extra) return QR_OK;
  size_t need = o->n + extra, cap = o->cap;
  if (qr_grow((void **)&o->start, &cap, need, sizeof *o->start)) return QR_ENOMEM;
  cap = o->cap;
  if (qr_grow((void **)&o->len, &cap, need, sizeof *o->len)) return QR_ENOMEM;
  /* the byte arrays follow; cap only moves once all five have room */
  void *k = realloc(o->kind, cap), *f = k ? realloc(o->flags, cap) : NULL;
  if (k) o->kind = k;
  if (f) o->flags = f;
  void *sp = f ? realloc(o->split, cap) : NULL;
  if (sp) o->split = sp;
  if (!sp) return QR_ENOMEM;
  o->cap = cap;
  return QR_OK;
}

/* The token arrays as the fast path writes them: plain pointers held in
 * registers (stores through t->out would make the compiler reload them after
 * every byte store) and the flags waiting for the next token. */
typedef struct tokwriter {
  uint32_t *start, *len;
  uint8_t *kind, *flags, *split;
  size_t n;
  uint8_t pending;
} tokwriter;

static void writer_load(tokwriter *w, const tokctx *t) {
  qr_tokens *o = t->out;
  *w = (tokwriter){o->start, o->len, o->kind, o->flags, o->split, o->n, t->flags};
}

static void writer_store(const tokwriter *w, tokctx *t) {
  t->out->n = w->n;
  t->flags = w->pending;
}

/* Stores a token without a capacity check (reserve_tokens made room); the
 * first token after white space takes its flags. */
static inline void put_token(tokwriter *w, size_t start, size_t len, int kind, int flags,
                             size_t split) {
  size_t k = w->n++;
  w->start[k] = (uint32_t)start;
  w->len[k] = (uint32_t)len;
  w->kind[k] = (uint8_t)kind;
  w->flags[k] = (uint8_t)(flags | w->pending);
  w->split[k] = (uint8_t)split;
  w->pending = 0;
}

/* The fast path works through a window of the text with its byte masks.
 * Its chunks (runs of bytes other than ASCII white space) are found for the
 * whole window at once, and so is most of what decides them: which chunks
 * are plain (a word, a word and its tail, a number) and the line breaks
 * before each, from sums and shifts of whole mask words. What is left per
 * chunk is a few loads and stores, with no loop-carried wait on the chunk
 * before. */
#define WIN_WORDS 64   /* 4 KB: the masks stay in the L1 cache */
#define WIN_CHUNKS (WIN_WORDS * 32 + 1)

typedef struct window {
  size_t base, nwords;   /* text[base, base + 64 * nwords) (past the end: spaces) */
  /* one word more than the window holds, all white space, so that a view
   * (below) can always read the word after its own */
  uint64_t sep[WIN_WORDS + 1], nl[WIN_WORDS + 1], letter[WIN_WORDS + 1], digit[WIN_WORDS + 1],
      odd[WIN_WORDS + 1], tail[WIN_WORDS + 1], odd_end[WIN_WORDS + 1];
  /* Derived: start (a chunk's first byte); plain (the white space right
   * after a plain chunk); word_tail (the last byte of a word with a tail);
   * nl_before and para_before (a chunk's first byte, after white space
   * with one line break or more, and with two or more). The byte before
   * the window counts as white space. */
  uint64_t start[WIN_WORDS + 1], plain[WIN_WORDS + 1], word_tail[WIN_WORDS + 1],
      nl_before[WIN_WORDS + 1], para_before[WIN_WORDS + 1];
  /* chunk k is [cs[k], ce[k]) (offsets in the window; one that reaches the
   * window's end ends there); the chunks before cursor are behind */
  uint16_t cs[WIN_CHUNKS], ce[WIN_CHUNKS];
  size_t nchunks, cursor;
} window;

/* a + b + *carry, with the carry out in *carry: sums over a whole window's
 * masks, word by word */
static inline uint64_t add_carry(uint64_t a, uint64_t b, unsigned *carry) {
  uint64_t s = a + b, r = s + *carry;
  *carry = (s < a) | (r < s);
  return r;
}

static inline int bit_at(const uint64_t *m, size_t p) { return (int)((m[p >> 6] >> (p & 63)) & 1); }

/* Appends the offsets of the bits of x (word w of a mask) to out. */
static inline size_t flatten_bits(uint64_t x, size_t w, uint16_t *out, size_t n) {
  for (; x; x &= x - 1) out[n++] = (uint16_t)(64 * w + (size_t)__builtin_ctzll(x));
  return n;
}

/* The last bit set in m at or before bit p, or SIZE_MAX. */
static size_t last_set_upto(const uint64_t *m, size_t p) {
  size_t w = p >> 6;
  uint64_t x = m[w] & (~0ULL >> (63 - (p & 63)));
  while (!x) {
    if (w == 0) return (size_t)-1;
    x = m[--w];
  }
  return w * 64 + 63 - (size_t)__builtin_clzll(x);
}

static void window_fill(window *w, const qr_segmenter *seg, const unsigned char *s, size_t len,
                        size_t base) {
  size_t rest = len - base;
  w->base = base;
  w->nwords = rest >= 64 * WIN_WORDS ? WIN_WORDS : (rest + 63) / 64;
  qr_bytemasks m = {w->sep, w->nl, w->letter, w->digit, w->odd, w->tail, w->odd_end};
  qr_bytemasks_fill(s + base, rest, w->nwords, &m);
  size_t x = w->nwords;
  w->sep[x] = ~0ULL;
  w->nl[x] = w->letter[x] = w->digit[x] = w->odd[x] = w->tail[x] = w->odd_end[x] = 0;
  size_t ns = 0, ne = 0;
  uint64_t sep_in = 1, letter_in = 0;   /* the top bits of the word before */
  unsigned c_word = 0, c_num = 0, c_first = 0, c_nl = 0, c_para = 0;
  for (size_t k = 0; k <= x; k++) {
    uint64_t sep = w->sep[k], nl = w->nl[k], before = (sep << 1) | sep_in;
    uint64_t start = ~sep & before;   /* a chunk's first byte */
    uint64_t after = sep & ~before;   /* the white space right after a chunk */
    uint64_t next_sep = k < x ? w->sep[k + 1] & 1 : 1;
    uint64_t last = ~sep & ((sep >> 1) | (next_sep << 63));   /* a chunk's last byte */
    /* a tail: a chunk's last byte, after a letter */
    uint64_t tail = last & w->tail[k] & ((w->letter[k] << 1) | letter_in);
    /* A chunk of letters (and a tail) or of digits: adding its first bit to
     * the run of such bytes from it carries through the whole chunk into
     * the white space after it; in any other chunk the carry stops inside. */
    uint64_t word = w->letter[k] | tail;
    uint64_t plain = (add_carry(word, start, &c_word) | add_carry(w->digit[k], start, &c_num)) & after;
    /* The line breaks of the white space before a chunk: adding a line
     * break's bit to the run of white space that holds it carries into the
     * chunk's first byte. For two or more, the same with each run's first
     * line break left out (found by adding the run's first bit to the run's
     * other white space: the carry stops at the first line break). */
    uint64_t first_nl = add_carry(sep & ~nl, after, &c_first) & nl;
    w->nl_before[k] = add_carry(sep, nl, &c_nl) & start;
    w->para_before[k] = add_carry(sep, nl & ~first_nl, &c_para) & start;
    w->start[k] = start;
    w->plain[k] = plain;
    w->word_tail[k] = tail;
    if (k < x) ns = flatten_bits(start, k, w->cs, ns);
    ne = flatten_bits(after, k, w->ce, ne);
    sep_in = sep >> 63;
    letter_in = w->letter[k] >> 63;
  }
  /* A word with a period that an abbreviation or an initial keeps, and the
   * emoticon XD, are no plain words: tokenize_chunk takes them. */
  for (size_t k = 0; k < x; k++) {
    uint64_t sep = w->sep[k], next_sep = w->sep[k + 1] & 1;
    uint64_t ends = w->odd_end[k] & ~sep & ((sep >> 1) | (next_sep << 63));
    for (; ends; ends &= ends - 1) {
      size_t e = 64 * k + (size_t)__builtin_ctzll(ends) + 1;   /* the white space after */
      if (!bit_at(w->plain, e)) continue;
      size_t q = last_set_upto(w->start, e - 1), n = e - q;
      const unsigned char *c = s + base + q;
      int no = c[n - 1] == '.' ? n == 2 || (n < 64 && abbrev_class(seg, c, n)) ||
                                     unknown_abbrev(seg, s, len, base + q, base + e - 1, base + e)
                 : c[n - 1] == '!' ? name_with_bang(s, len, base + q, base + e)
                                   : n == 2 && (c[0] | 0x20) == 'x';
      if (no) w->plain[e >> 6] &= ~(1ULL << (e & 63));
    }
  }
  w->nchunks = ns;
  w->cursor = 0;
}

/* The 64 bits of m from bit p on (p within the window). */
static inline uint64_t view(const uint64_t *m, size_t p) {
  size_t k = p >> 6;
  unsigned off = p & 63;
  return (m[k] >> off) | ((m[k + 1] << 1) << (63 - off));
}

/* Why the fast path stopped. */
enum { FAST_WINDOW_END, FAST_REFILL, FAST_GENERAL };

/* The flags of a word's tail (, ; : ! ? .) as a token. */
static const uint8_t tail_flags[128] = {
  ['!'] = QR_TF_TERMINAL, ['?'] = QR_TF_TERMINAL, ['.'] = QR_TF_TERMINAL,
};

/* How many line breaks (0, 1, or 2 for two or more) the white space
 * [a, b) of the window holds. */
static int gap_newlines(const window *w, size_t a, size_t b) {
  if (a >= b) return 0;
  if (b - a >= 64) return qr_bits_upto2(w->nl, a, b);
  uint64_t x = view(w->nl, a) & ((1ULL << (b - a)) - 1);
  return (x != 0) + ((x & (x - 1)) != 0);
}

/* Notes white space [a, b) of the window before the next token: its flags
 * go to the token, its line breaks to *nls (the count since the last chunk,
 * which may have begun before the fast path did). */
static void note_gap(const window *w, size_t a, size_t b, int *nls, uint8_t *pending) {
  int brk = gap_newlines(w, a, b);
  *nls += brk;
  *pending |= (uint8_t)((b > a ? QR_TF_SPACE_BEFORE : 0) | (brk ? QR_TF_NEWLINE_BEFORE : 0) |
                        (brk && *nls >= 2 ? QR_TF_PARA_BEFORE : 0));
}

/* Tokenizes from i on while the text is plain: white space of ' ', tab, CR
 * and LF, and chunks of ASCII without control bytes. Plain chunks (a word,
 * a word with one final , ; : ! ? or a period that is no abbreviation's, a
 * number) are stored here; other chunks go to tokenize_chunk, with the same
 * result as in the general loop. Returns where it stopped and *why.
 *
 * The branches are the ones whose outcome is nearly always the same; the
 * rest is loads of what window_fill worked out, because a mispredicted
 * branch per word would cost more than all the other work on it. */
static size_t fast_run(tokctx *t, window *w, size_t i, int *newlines, int *why) {
  const unsigned char *s = t->s;
  size_t base = w->base, nw = w->nwords, end = 64 * nw, p = i - base;
  /* every byte makes at most one token, and a chunk that ends in the window
   * starts there; one more slot for the speculative store below */
  if (reserve_tokens(t->out, end - p + 2)) {
    t->rc = QR_ENOMEM;
    *why = FAST_WINDOW_END;
    return base + end;
  }
  tokwriter o;
  writer_load(&o, t);
  int nls = *newlines;
  *why = FAST_WINDOW_END;
  size_t stop = base + end;
  /* a chunk that reaches the window's end may go on past it */
  size_t lim = base + end < t->n ? end : end + 1;
  size_t next_odd = qr_next_set(w->odd, nw, p);   /* the run stops at its chunk */
  size_t k = w->cursor, nc = w->nchunks;
  while (k < nc && w->ce[k] <= p) k++;
  size_t g = p;   /* the end of the chunk before */
  for (size_t k0 = k; k < nc; k++) {
    size_t q = w->cs[k], e = w->ce[k];
    if (k > k0) {
      /* the white space before, with the line breaks window_fill counted
       * (in nls too: the general loop goes on counting if the run stops) */
      int nl1 = bit_at(w->nl_before, q), nl2 = bit_at(w->para_before, q);
      nls = nl1 + nl2;
      o.pending |= (uint8_t)(QR_TF_SPACE_BEFORE | nl1 * QR_TF_NEWLINE_BEFORE | nl2 * QR_TF_PARA_BEFORE);
    } else {
      /* the first chunk: the white space before it may have begun before i,
       * and i may be inside the window's chunk (after a character the
       * general loop took), which the rest of it then follows */
      if (q < p) q = p;
      note_gap(w, p, q, &nls, &o.pending);
    }
    size_t a = base + q, b = base + e, n = e - q;
    g = e;
    if (bit_at(w->plain, e) & (n < 64) & (e < lim) & (q == w->cs[k])) {   /* a plain chunk */
      unsigned has_tail = (unsigned)bit_at(w->word_tail, e - 1);
      size_t len = n - has_tail;
      int kind = (unsigned)s[a] - '0' < 10u ? QR_TOK_NUMBER : QR_TOK_WORD;
      /* the filter rules out nearly every word, without a branch on the
       * word's length (a one-letter word keys on its letter twice); a
       * number it lets by is no fused form either */
      size_t split = 0;
      if (qr_filter_has(t->seg->fused_filter,
                        qr_filter_key(len, s[a + len - 1], s[a + len - 1 - (len > 1)])))
        split = fused_split(t->seg, s + a, len);
      put_token(&o, a, len, kind, 0, split);
      /* the tail goes in the next slot whether or not there is one; the
       * count moves past it only when there is */
      o.start[o.n] = (uint32_t)(b - 1);
      o.len[o.n] = 1;
      o.kind[o.n] = QR_TOK_PUNCT;
      o.flags[o.n] = tail_flags[s[b - 1] & 0x7F];
      o.split[o.n] = 0;
      o.n += has_tail;
    } else {
      if (next_odd < e || e >= lim) {
        /* a chunk that is not plain ASCII, or that goes on past the window */
        *why = next_odd < e ? FAST_GENERAL : FAST_REFILL;
        stop = base + q;
        break;
      }
      /* anything else takes the full rules */
      writer_store(&o, t);
      *newlines = nls;
      tokenize_chunk(t, a, b);
      writer_load(&o, t);
      if (t->rc) break;
    }
    nls = 0;
  }
  w->cursor = k;
  if (k == nc && !t->rc) note_gap(w, g, end, &nls, &o.pending);   /* on to the window's end */
  writer_store(&o, t);
  *newlines = nls;
  return stop;
}

qr_status qr_tokenize(const qr_segmenter *seg, const char *text, size_t len, qr_tokens *out) {
  if (len >= UINT32_MAX) return QR_ELIMIT;
  tokctx t = {seg, (const unsigned char *)text, len, out, 0, QR_OK, 0};
  size_t i = 0;
  int newlines = 0;
  /* a UTF-8 byte-order mark at the start is not text */
  if (len >= 3 && t.s[0] == 0xEF && t.s[1] == 0xBB && t.s[2] == 0xBF) i = 3;
  window w;
  w.base = w.nwords = 0;
  while (i < len && !t.rc) {
    if (i >= w.base + 64 * w.nwords) window_fill(&w, seg, t.s, len, i);
    int why;
    size_t next = fast_run(&t, &w, i, &newlines, &why);
    if (why == FAST_REFILL && next > w.base) {
      window_fill(&w, seg, t.s, len, next);   /* start the window at the long chunk */
      i = next;
      continue;
    }
    i = why == FAST_WINDOW_END ? next : general_step(&t, next, &newlines);
  }
  return t.rc;
}

qr_status qr_tokenize_general(const qr_segmenter *seg, const char *text, size_t len,
                              qr_tokens *out) {
  if (len >= UINT32_MAX) return QR_ELIMIT;
  tokctx t = {seg, (const unsigned char *)text, len, out, 0, QR_OK, 0};
  size_t i = 0;
  int newlines = 0;
  if (len >= 3 && t.s[0] == 0xEF && t.s[1] == 0xBB && t.s[2] == 0xBF) i = 3;
  while (i < len && !t.rc) i = general_step(&t, i, &newlines);
  return t.rc;
}

void qr_tokens_reset(qr_tokens *t) { t->n = 0; }

qr_status qr_tokens_reserve(qr_tokens *t, size_t extra) { return reserve_tokens(t, extra); }

void qr_tokens_copy(qr_tokens *dst, size_t at, const qr_tokens *src, size_t from, size_t n) {
  /* past the caches: a corpus's arrays are filled a round or a document at
   * a time, and not read again until the corpus is queried */
  qr_copy_stream(dst->start + at, src->start + from, n * sizeof *dst->start);
  qr_copy_stream(dst->len + at, src->len + from, n * sizeof *dst->len);
  qr_copy_stream(dst->kind + at, src->kind + from, n);
  qr_copy_stream(dst->flags + at, src->flags + from, n);
  qr_copy_stream(dst->split + at, src->split + from, n);
}

void qr_tokens_free(qr_tokens *t) {
  free(t->start);
  free(t->len);
  free(t->kind);
  free(t->flags);
  free(t->split);
  memset(t, 0, sizeof *t);
}

static const char *const kind_names[QR_TOK_KIND_MAX] = {
  "?", "word", "number", "punct", "symbol", "url", "email", "hashtag", "mention", "emoji",
  "ellipsis"};

const char *qr_token_kind_name(int kind) {
  return kind > 0 && kind < QR_TOK_KIND_MAX ? kind_names[kind] : "?";
}

int qr_token_kind_from_name(const char *name) {
  for (int k = 1; k < QR_TOK_KIND_MAX; k++)
    if (strcmp(name, kind_names[k]) == 0) return k;
  return 0;
}
