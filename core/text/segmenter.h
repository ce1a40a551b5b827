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
  /* fused forms (gonna = gon + na): the lower-cased form packed into an
   * integer (qr_pack_lower), and the length of its first part */
  uint64_t fused_key[32];
  uint8_t fused_split[32];
  int nfused;
};

/* Up to 8 bytes, lower-cased (ASCII), packed into an integer. */
uint64_t qr_pack_lower(const unsigned char *s, size_t n);

/* Is the word s[0, n) a frequent sentence starter? */
int qr_segmenter_is_starter(const qr_segmenter *seg, const char *s, size_t n);

#endif
