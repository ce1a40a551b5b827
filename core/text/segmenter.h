/* text/segmenter.h — the inside of a qr_segmenter, shared by the tokenizer
 * and the sentence splitter. Internal to core/text. */
#ifndef QUARRY_TEXT_SEGMENTER_H
#define QUARRY_TEXT_SEGMENTER_H

#include "quarry/lexicon.h"
#include "quarry/text.h"

#define QR_FILTER_WORDS (1u << 14 >> 6)   /* 16384 bits */

struct qr_segmenter {
  qr_lexicon *abbrevs;       /* abbreviations with their final period */
  uint8_t *abbrev_class;     /* per abbreviation id: a qr_abbrev_class, | QR_ABBR_EXACT */
  size_t abbrev_cap;
  qr_lexicon *starters;      /* frequent sentence starters, as written */
  qr_lexicon *speech;        /* verbs of saying, lower case */
  qr_lexicon *openings;      /* greetings that open a letter (dear, hi), lower case */
  qr_lexicon *closings;      /* closings of a letter (thanks, best regards), lower case */
  qr_lexicon *common;        /* common English words written small (the stop-forms of
                              * core/lookup/data): an unknown "Word." before a number is an
                              * abbreviation unless it is one of them */
  /* fused forms (gonna = gon + na): the lower-cased form packed into an
   * integer (qr_pack_lower), and the length of its first part */
  uint64_t fused_key[64];    /* a hash set: slot qr_fused_slot(key), probing on */
  uint8_t fused_split[64];
  /* Filters that answer "certainly not" for most words without a lookup
   * (the tokenizer asks at every word): a bit per key qr_filter_key, set
   * for every fused form (from its length and last two letters) and every
   * abbreviation (from its length, first letter and last letter). Keys are
   * blind to ASCII case, so the case variants that the tokenizer tries
   * ("Corp." for "corp.") share the bit of the entry. */
  uint64_t fused_filter[QR_FILTER_WORDS];
  uint64_t abbrev_filter[QR_FILTER_WORDS];
  qr_sentmodel *model;       /* the learned boundary model, or NULL (owned) */
};

/* An abbreviation of the lexicon that does not match in small letters:
 * "Ill." is not "ill.", which ends "he was ill." (the lexicon file's
 * "exact"). */
#define QR_ABBR_EXACT 0x80

/* The class of abbreviation s[0, len), the capitalised form of a word
 * written in small letters ("Corp." for "corp."): as qr_segmenter_abbrev,
 * but 0 for an entry marked exact. */
int qr_segmenter_abbrev_recased(const qr_segmenter *seg, const char *s, size_t len);

/* Is s[0, len) (ASCII letters, any case) a common English word? */
int qr_segmenter_common_word(const qr_segmenter *seg, const char *s, size_t len);

/* Does s[0, n) end in a file's extension after a name: "Sam3102.doc",
 * "API.pdf" (the tokenizer's list of extensions)? */
int qr_is_file_name(const char *s, size_t n);

/* The rules' view of every gap of toks from first on (see sentmodel.h):
 * gaps[k] is for the gap before token first + k; gaps has toks->n - first
 * bytes. */
void qr_split_rules(const qr_segmenter *seg, const char *text, size_t len, const qr_tokens *toks,
                    size_t first, uint8_t *gaps);

/* The gaps of toks after first that the splitter's model pass looks at,
 * as token indices in increasing order into cand (room for toks->n - first):
 * every gap qr_gap_is_candidate (sentmodel.h) accepts is among them, with
 * few others, found without a branch per token. Returns how many. gaps is as
 * qr_split_rules fills it. */
size_t qr_model_candidates(const char *text, const qr_tokens *toks, size_t first,
                           const uint8_t *gaps, uint32_t *cand);

/* Up to 8 bytes, lower-cased (ASCII), packed into an integer. */
uint64_t qr_pack_lower(const unsigned char *s, size_t n);

/* The first slot to probe for a packed fused form. */
static inline unsigned qr_fused_slot(uint64_t key) {
  return (unsigned)((key * 0x9E3779B97F4A7C15ULL) >> 58);
}

/* The key of a word for the filters: its length (modulo 16) and two of its
 * bytes, each by its low five bits (the same for a letter in either case). */
static inline unsigned qr_filter_key(size_t n, unsigned x, unsigned y) {
  return (unsigned)((n & 15) << 10 | (x & 31) << 5 | (y & 31));
}

static inline int qr_filter_has(const uint64_t *filter, unsigned key) {
  return (int)((filter[key >> 6] >> (key & 63)) & 1);
}

static inline void qr_filter_add(uint64_t *filter, unsigned key) {
  filter[key >> 6] |= 1ULL << (key & 63);
}

/* The tokenizer without its fast path: every chunk goes through the general
 * rules. It gives the same tokens as qr_tokenize, only slower; the tests
 * compare the two on random text. */
qr_status qr_tokenize_general(const qr_segmenter *seg, const char *text, size_t len,
                              qr_tokens *out);

/* Is it a verb of saying (as written, lower case)? */
int qr_segmenter_is_speech_verb(const qr_segmenter *seg, const char *s, size_t n);
/* Is the phrase s[0, n) (words separated by one space) a greeting that opens
 * a letter (QR_LETTER_OPENING) or a closing (QR_LETTER_CLOSING), 0 if
 * neither? The case of the first letter does not matter. */
enum { QR_LETTER_OPENING = 1, QR_LETTER_CLOSING = 2 };
int qr_segmenter_letter_phrase(const qr_segmenter *seg, const char *s, size_t n);

#endif
