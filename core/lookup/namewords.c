/* namewords.c — what a word tells of the name next to it: a title before a
 * person ("President", "analyst"), the last word of an organisation's or a
 * place's name ("University", "River"), a common given name ("John"), a common English word ("But"). The classes
 * come from core/lookup/data/name-words-en.txt (written by hand), the given
 * names from given-names-en.txt (the US Census) and the common words from
 * stop-forms-en.txt (both made by `make world`); all are compiled into the
 * binary. A gazetteer owns one table, read when it is
 * made; the matcher sees the classes as form flags (QR_KF_*), cached per
 * distinct form like the rest of a form's keys. */
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"
#include "lookup/gazetteer_impl.h"

struct qr_namewords {
  qr_lexicon *words;   /* folded forms */
  uint32_t *flags;     /* per word: QR_KF_GIVEN and the class bits */
  size_t cap;
};

void qr_namewords_free(qr_namewords *w) {
  if (!w) return;
  qr_lexicon_free(w->words);
  free(w->flags);
  free(w);
}

/* ORs flags into the word s[0, n). */
static qr_status add_word(qr_namewords *w, const char *s, size_t n, uint32_t flags) {
  uint32_t id;
  size_t before = qr_lexicon_size(w->words);
  if (qr_lexicon_intern(w->words, s, n, &id)) return QR_ENOMEM;
  if (qr_grow((void **)&w->flags, &w->cap, (size_t)id + 1, sizeof *w->flags)) return QR_ENOMEM;
  if (id >= before) w->flags[id] = 0;
  w->flags[id] |= flags;
  return QR_OK;
}

/* The class of a name of name-words-en.txt, as flag bits. */
static uint32_t class_bits(const char *s, size_t n) {
  static const char *const names[] = {"", "title", "org", "fac", "loc", "gpe", "event", NULL};
  if (n == 7 && memcmp(s, "connect", 7) == 0) return QR_KF_CONNECT;
  if (n == 2 && memcmp(s, "by", 2) == 0) return QR_KF_BY;
  if (n == 3 && memcmp(s, "law", 3) == 0) return QR_KF_LAW;
  for (int k = 1; names[k]; k++)
    if (strlen(names[k]) == n && memcmp(names[k], s, n) == 0)
      return (uint32_t)(k << QR_KF_CLASS_SHIFT);
  if (n == 3 && memcmp(s, "det", 3) == 0) return QR_KF_DET;
  return 0;
}

/* Reads the lines of an embedded list: "word" (given names) or
 * "word<TAB>class"; # starts a comment. */
static qr_status read_list(qr_namewords *w, const char *name, uint32_t given) {
  const qr_embedded_file *f = qr_embedded_find(name);
  for (const char *p = f ? f->data : ""; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    const char *tab = memchr(p, '\t', n);
    if (n && *p != '#') {
      size_t wn = tab ? (size_t)(tab - p) : n;
      uint32_t flags = tab ? class_bits(tab + 1, n - wn - 1) : given;
      if (flags && add_word(w, p, wn, flags)) return QR_ENOMEM;
    }
    p += n + (nl != NULL);
  }
  return QR_OK;
}

qr_namewords *qr_namewords_new(void) {
  qr_namewords *w = calloc(1, sizeof *w);
  if (!w || !(w->words = qr_lexicon_new()) ||
      read_list(w, "core/lookup/data/name-words-en.txt", 0) ||
      read_list(w, "core/lookup/data/given-names-en.txt", QR_KF_GIVEN) ||
      read_list(w, "core/lookup/data/stop-forms-en.txt", QR_KF_COMMON) ||
      read_list(w, "core/text/data/speech-verbs-en.txt", QR_KF_SPEECH)) {
    qr_namewords_free(w);
    return NULL;
  }
  return w;
}

uint32_t qr_namewords_flags(const qr_namewords *w, const char *fold, size_t n) {
  if (!w) return 0;
  uint32_t id = qr_lexicon_find(w->words, fold, n);
  return id == QR_LEX_NONE ? 0 : w->flags[id];
}
