/* text/segmenter.h — the inside of a qr_segmenter, shared by the tokenizer
 * and the sentence splitter. Internal to core/text. */
#ifndef QUARRY_TEXT_SEGMENTER_H
#define QUARRY_TEXT_SEGMENTER_H

#include "quarry/lexicon.h"
#include "quarry/text.h"

struct qr_segmenter {
  qr_lexicon *abbrevs;       /* abbreviations with their final period */
  uint8_t *abbrev_class;     /* per abbreviation id: a qr_abbrev_class */
  size_t abbrev_cap;
  qr_lexicon *starters;      /* frequent sentence starters, as written */
  qr_lexicon *speech;        /* verbs of saying, lower case */
  qr_lexicon *openings;      /* greetings that open a letter (dear, hi), lower case */
  qr_lexicon *closings;      /* closings of a letter (thanks, best regards), lower case */
  /* fused forms (gonna = gon + na): the lower-cased form packed into an
   * integer (qr_pack_lower), and the length of its first part */
  uint64_t fused_key[64];    /* a hash set: slot qr_fused_slot(key), probing on */
  uint8_t fused_split[64];
  qr_sentmodel *model;       /* the learned boundary model, or NULL (owned) */
};

/* The rules' view of every gap of toks from first on (see sentmodel.h):
 * gaps[k] is for the gap before token first + k; gaps has toks->n - first
 * bytes. */
void qr_split_rules(const qr_segmenter *seg, const char *text, size_t len, const qr_tokens *toks,
                    size_t first, uint8_t *gaps);

/* Up to 8 bytes, lower-cased (ASCII), packed into an integer. */
uint64_t qr_pack_lower(const unsigned char *s, size_t n);

/* The first slot to probe for a packed fused form. */
static inline unsigned qr_fused_slot(uint64_t key) {
  return (unsigned)((key * 0x9E3779B97F4A7C15ULL) >> 58);
}

/* Is the word s[0, n) a frequent sentence starter? */
int qr_segmenter_is_starter(const qr_segmenter *seg, const char *s, size_t n);
/* Is it a verb of saying (as written, lower case)? */
int qr_segmenter_is_speech_verb(const qr_segmenter *seg, const char *s, size_t n);
/* Is the phrase s[0, n) (words separated by one space) a greeting that opens
 * a letter (QR_LETTER_OPENING) or a closing (QR_LETTER_CLOSING), 0 if
 * neither? The case of the first letter does not matter. */
enum { QR_LETTER_OPENING = 1, QR_LETTER_CLOSING = 2 };
int qr_segmenter_letter_phrase(const qr_segmenter *seg, const char *s, size_t n);

#endif
