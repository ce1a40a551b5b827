/* segmenter.c — the data the tokenizer and splitter consult: abbreviations
 * (with their class) and frequent sentence starters, loaded from the data
 * files embedded in the binary (core/text/data/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"
#include "text/segmenter.h"
#include "text/sentmodel.h"

uint64_t qr_pack_lower(const unsigned char *s, size_t n) {
  /* OR-ing 0x20 lower-cases letters; other bytes may change too, but never
   * into a letter, and the packed forms compared with are letters only */
  uint64_t v = 0;
  if (n > 8) n = 8;
  memcpy(&v, s, n);
  uint64_t mask = n == 8 ? ~0ULL : ((1ULL << (8 * n)) - 1);
  return v | (0x2020202020202020ULL & mask);
}

/* The fused forms of English that UD writes as two words. */
static void add_fused(qr_segmenter *seg) {
  static const struct { const char *form; unsigned char split; } fused[] = {
    {"cannot", 3}, {"gonna", 3}, {"wanna", 3}, {"gotta", 3}, {"outta", 3}, {"gimme", 3},
    {"lemme", 3}, {"dunno", 2}, {"hafta", 3}, {"kinda", 4}, {"sorta", 4}, {"dont", 2},
    {"didnt", 3}, {"doesnt", 4}, {"isnt", 2}, {"wasnt", 3}, {"cant", 2}, {"wont", 2},
    {"havent", 4}, {"hasnt", 3}, {"couldnt", 5}, {"wouldnt", 5}, {"shouldnt", 6},
    {"arent", 3}, {"werent", 4}, {"lotta", 3}};
  for (size_t i = 0; i < sizeof fused / sizeof *fused; i++) {
    uint64_t key = qr_pack_lower((const unsigned char *)fused[i].form, strlen(fused[i].form));
    unsigned slot = qr_fused_slot(key);
    while (seg->fused_key[slot]) slot = (slot + 1) & 63;
    seg->fused_key[slot] = key;
    seg->fused_split[slot] = fused[i].split;
    size_t n = strlen(fused[i].form);
    qr_filter_add(seg->fused_filter,
                  qr_filter_key(n, (unsigned char)fused[i].form[n - 1],
                                (unsigned char)fused[i].form[n - 2]));
  }
}

qr_segmenter *qr_segmenter_new_empty(void) {
  qr_segmenter *seg = calloc(1, sizeof *seg);
  if (!seg) return NULL;
  seg->abbrevs = qr_lexicon_new();
  seg->starters = qr_lexicon_new();
  seg->speech = qr_lexicon_new();
  seg->openings = qr_lexicon_new();
  seg->closings = qr_lexicon_new();
  seg->common = qr_lexicon_new();
  if (!seg->abbrevs || !seg->starters || !seg->speech || !seg->openings || !seg->closings ||
      !seg->common) {
    qr_segmenter_free(seg);
    return NULL;
  }
  return seg;
}

/* Loads the word list of an embedded data file into lx, one word per line. */
static qr_status load_words(qr_lexicon *lx, const char *text, size_t len) {
  size_t i = 0;
  while (i < len) {
    size_t e = i;
    while (e < len && text[e] != '\n') e++;
    size_t a = i, b = e;
    while (a < b && (text[a] == ' ' || text[a] == '\t')) a++;
    while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r')) b--;
    uint32_t id;
    if (b > a && text[a] != '#' && qr_lexicon_intern(lx, text + a, b - a, &id)) return QR_ENOMEM;
    i = e + 1;
  }
  return QR_OK;
}

qr_segmenter *qr_segmenter_new(void) {
  qr_segmenter *seg = qr_segmenter_new_empty();
  if (!seg) return NULL;
  add_fused(seg);
  const qr_embedded_file *ab = qr_embedded_find("core/text/data/abbrev-en.txt");
  const qr_embedded_file *st = qr_embedded_find("core/text/data/starters-en.txt");
  const qr_embedded_file *md = qr_embedded_find("core/text/data/sentences-en.model");
  const qr_embedded_file *sv = qr_embedded_find("core/text/data/speech-verbs-en.txt");
  const qr_embedded_file *op = qr_embedded_find("core/text/data/openings-en.txt");
  const qr_embedded_file *cl = qr_embedded_find("core/text/data/closings-en.txt");
  /* (the list an import of place names is kept clean with: the same words) */
  const qr_embedded_file *cw = qr_embedded_find("core/lookup/data/stop-forms-en.txt");
  if ((ab && qr_segmenter_load_abbrevs(seg, ab->data, ab->len, ab->name, NULL)) ||
      (st && load_words(seg->starters, st->data, st->len)) ||
      (sv && load_words(seg->speech, sv->data, sv->len)) ||
      (op && load_words(seg->openings, op->data, op->len)) ||
      (cl && load_words(seg->closings, cl->data, cl->len)) ||
      (cw && load_words(seg->common, cw->data, cw->len)) ||
      (md && qr_sentmodel_load(&seg->model, md->data, md->len, md->name, NULL))) {
    qr_segmenter_free(seg);
    return NULL;
  }
  return seg;
}

void qr_segmenter_free(qr_segmenter *seg) {
  if (!seg) return;
  qr_lexicon_free(seg->abbrevs);
  qr_lexicon_free(seg->starters);
  qr_lexicon_free(seg->speech);
  qr_lexicon_free(seg->openings);
  qr_lexicon_free(seg->closings);
  qr_lexicon_free(seg->common);
  qr_sentmodel_free(seg->model);
  free(seg->abbrev_class);
  free(seg);
}

/* An abbreviation's filter key: its length, first letter and the letter
 * before its period. */
static unsigned abbrev_key(const char *s, size_t len) {
  return qr_filter_key(len, (unsigned char)s[0], (unsigned char)s[len - 2]);
}

/* Adds an abbreviation; exact: it does not match in small letters. */
static qr_status add_abbrev(qr_segmenter *seg, const char *abbr, size_t len, qr_abbrev_class cls,
                            int exact) {
  if (len < 2 || abbr[len - 1] != '.' || cls < QR_ABBR_PLAIN || cls > QR_ABBR_FINAL)
    return QR_EARG;
  for (size_t i = 0; i < len; i++)
    if (abbr[i] == ' ' || abbr[i] == '\t' || abbr[i] == '\n') return QR_EARG;
  uint32_t id;
  qr_status rc = qr_lexicon_intern(seg->abbrevs, abbr, len, &id);
  if (rc) return rc;
  if (qr_grow((void **)&seg->abbrev_class, &seg->abbrev_cap, (size_t)id + 1, 1)) return QR_ENOMEM;
  seg->abbrev_class[id] = (uint8_t)(cls | (exact ? QR_ABBR_EXACT : 0));
  qr_filter_add(seg->abbrev_filter, abbrev_key(abbr, len));
  return QR_OK;
}

qr_status qr_segmenter_add_abbrev(qr_segmenter *seg, const char *abbr, size_t len,
                                  qr_abbrev_class cls) {
  return add_abbrev(seg, abbr, len, cls, 0);
}

size_t qr_segmenter_nabbrevs(const qr_segmenter *seg) { return qr_lexicon_size(seg->abbrevs); }

/* The strings of a lexicon, in id order, into a running hash. */
static uint64_t hash_lexicon(uint64_t h, const qr_lexicon *lx) {
  qr_lexicon_parts p;
  qr_lexicon_get_parts(lx, &p);
  h = qr_hash_step(h, p.n);
  return qr_hash_step(h, qr_hash_bytes(p.bytes, p.nbytes));
}

/* The edition of the tokenizer's and the splitter's rules: the print of a
 * segmenter covers its data and this number, so that an index made by rules
 * that cut text otherwise is stale, not mixed with texts cut by these. Add
 * one whenever a change to the rules changes what they make of some text
 * (2: 2026-12-07, abbreviations the lexicon lacks, shortened addresses,
 * names with "!", dates with a month's name, inline lists; 3: 2026-12-07,
 * lists over several sentences, an ellipsis opening a sentence, a name and
 * a verb of saying after a quoted sentence's period, links standing alone,
 * and more). */
#define RULES_EDITION 3

uint64_t qr_segmenter_fingerprint(const qr_segmenter *seg) {
  uint64_t h = qr_hash_seed(1);
  h = qr_hash_step(h, RULES_EDITION);
  h = hash_lexicon(h, seg->abbrevs);
  if (seg->abbrev_class)
    h = qr_hash_step(h, qr_hash_bytes(seg->abbrev_class, qr_lexicon_size(seg->abbrevs)));
  h = hash_lexicon(h, seg->starters);
  h = hash_lexicon(h, seg->speech);
  h = hash_lexicon(h, seg->openings);
  h = hash_lexicon(h, seg->closings);
  h = hash_lexicon(h, seg->common);
  h = qr_hash_step(h, qr_hash_bytes(seg->fused_key, sizeof seg->fused_key));
  h = qr_hash_step(h, qr_hash_bytes(seg->fused_split, sizeof seg->fused_split));
  h = qr_hash_step(h, seg->model ? qr_sentmodel_fingerprint(seg->model) : 0);
  return qr_hash_mix(h);
}
int qr_segmenter_has_model(const qr_segmenter *seg) { return seg->model != NULL; }

/* The lexicon's byte for s[0, len): its class and QR_ABBR_EXACT, or 0. */
static int abbrev_entry(const qr_segmenter *seg, const char *s, size_t len) {
  if (!seg || len < 2 || !qr_filter_has(seg->abbrev_filter, abbrev_key(s, len))) return 0;
  uint32_t id = qr_lexicon_find(seg->abbrevs, s, len);
  return id == QR_LEX_NONE ? 0 : seg->abbrev_class[id];
}

int qr_segmenter_abbrev(const qr_segmenter *seg, const char *s, size_t len) {
  return abbrev_entry(seg, s, len) & ~QR_ABBR_EXACT;
}

int qr_segmenter_common_word(const qr_segmenter *seg, const char *s, size_t len) {
  char low[24];
  if (!seg || len == 0 || len > sizeof low) return 0;
  for (size_t i = 0; i < len; i++)
    low[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
  return qr_lexicon_find(seg->common, low, len) != QR_LEX_NONE;
}

int qr_segmenter_abbrev_recased(const qr_segmenter *seg, const char *s, size_t len) {
  int e = abbrev_entry(seg, s, len);
  return e & QR_ABBR_EXACT ? 0 : e;
}

qr_status qr_segmenter_add_starter(qr_segmenter *seg, const char *word, size_t len) {
  uint32_t id;
  return qr_lexicon_intern(seg->starters, word, len, &id);
}

int qr_segmenter_is_starter(const qr_segmenter *seg, const char *s, size_t n) {
  return seg && qr_lexicon_find(seg->starters, s, n) != QR_LEX_NONE;
}

int qr_segmenter_is_speech_verb(const qr_segmenter *seg, const char *s, size_t n) {
  return seg && qr_lexicon_find(seg->speech, s, n) != QR_LEX_NONE;
}

int qr_segmenter_letter_phrase(const qr_segmenter *seg, const char *s, size_t n) {
  char low[48];
  if (!seg || n == 0 || n > sizeof low) return 0;
  memcpy(low, s, n);
  if (low[0] >= 'A' && low[0] <= 'Z') low[0] = (char)(low[0] + 32);
  if (qr_lexicon_find(seg->openings, low, n) != QR_LEX_NONE) return QR_LETTER_OPENING;
  if (qr_lexicon_find(seg->closings, low, n) != QR_LEX_NONE) return QR_LETTER_CLOSING;
  return 0;
}

#define SET_PREFIX "core/text/data/abbrev-en-"

qr_status qr_segmenter_load_abbrev_sets(qr_segmenter *seg, const char *names, qr_error *err) {
  const char *p = names;
  for (;;) {
    const char *e = strchr(p, ',');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char path[96];
    const qr_embedded_file *f = NULL;
    if (n > 1 && n < 48 && p[0] == '@') {
      snprintf(path, sizeof path, SET_PREFIX "%.*s.txt", (int)(n - 1), p + 1);
      f = qr_embedded_find(path);
    }
    if (!f) {   /* the names there are, for the message */
      char known[160] = "";
      size_t k = 0, pre = strlen(SET_PREFIX);
      for (const qr_embedded_file *x = qr_embedded_files; x->name && k + 40 < sizeof known; x++)
        if (strncmp(x->name, SET_PREFIX, pre) == 0)
          k += (size_t)snprintf(known + k, sizeof known - k, "%s@%.*s", k ? ", " : "",
                                (int)(strlen(x->name) - pre - 4), x->name + pre);
      return qr_error_set(err, QR_EARG, "unknown abbreviation set '%.*s' (known: %s)", (int)n, p,
                          known);
    }
    qr_status rc = qr_segmenter_load_abbrevs(seg, f->data, f->len, f->name, err);
    if (rc) return rc;
    if (!e) return QR_OK;
    p = e + 1;
  }
}

/* The lexicon format: "abbreviation [class] [exact]" per line, where class
 * is plain (the default), title, number or final, and exact says that the
 * entry does not match in small letters; # starts a comment. */
qr_status qr_segmenter_load_abbrevs(qr_segmenter *seg, const char *text, size_t len,
                                    const char *name, qr_error *err) {
  size_t i = 0, line = 0;
  while (i < len) {
    size_t e = i;
    while (e < len && text[e] != '\n') e++;
    line++;
    size_t a = i, b = e;
    for (size_t k = a; k < b; k++)
      if (text[k] == '#') { b = k; break; }
    while (a < b && (text[a] == ' ' || text[a] == '\t')) a++;
    while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r')) b--;
    if (b > a) {
      size_t w = a;
      while (w < b && text[w] != ' ' && text[w] != '\t') w++;
      size_t c = w;
      while (c < b && (text[c] == ' ' || text[c] == '\t')) c++;
      qr_abbrev_class cls = QR_ABBR_PLAIN;
      int exact = 0;
      if (b - c >= 5 && memcmp(text + b - 5, "exact", 5) == 0 &&
          (b - c == 5 || text[b - 6] == ' ' || text[b - 6] == '\t')) {
        exact = 1;
        b -= 5;
        while (b > c && (text[b - 1] == ' ' || text[b - 1] == '\t')) b--;
      }
      if (c < b) {
        size_t cl = b - c;
        if (cl == 5 && memcmp(text + c, "plain", 5) == 0) cls = QR_ABBR_PLAIN;
        else if (cl == 5 && memcmp(text + c, "title", 5) == 0) cls = QR_ABBR_TITLE;
        else if (cl == 6 && memcmp(text + c, "number", 6) == 0) cls = QR_ABBR_NUMBER;
        else if (cl == 5 && memcmp(text + c, "final", 5) == 0) cls = QR_ABBR_FINAL;
        else
          return qr_error_set(err, QR_EDATA, "%s:%zu: unknown abbreviation class '%.*s' "
                              "(expected plain, title, number or final, then optionally exact)",
                              name, line, (int)cl,
                              text + c);
      }
      if (text[w - 1] != '.')
        return qr_error_set(err, QR_EDATA, "%s:%zu: abbreviation '%.*s' must end with a period",
                            name, line, (int)(w - a), text + a);
      qr_status rc = add_abbrev(seg, text + a, w - a, cls, exact);
      if (rc) return qr_error_set(err, rc, "%s:%zu: cannot add abbreviation", name, line);
    }
    i = e + 1;
  }
  return QR_OK;
}
