/* text/sentmodel.h — the learned part of sentence splitting, shared by the
 * splitter (which scores gaps) and the trainer (which learns the weights).
 * Internal to core/text.
 *
 * The rules find the boundaries they can and record, at every gap, what
 * they decided and why. Where a model is loaded, an averaged perceptron
 * looks at the candidate gaps the rules left open (a small word after a
 * period, a mail header, a signature ...) and adds the boundaries it is
 * sure of, from features of the tokens around the gap. */
#ifndef QUARRY_TEXT_SENTMODEL_H
#define QUARRY_TEXT_SENTMODEL_H

#include "quarry/text.h"

/* The rules' view of a gap (the gap before token i), one byte per token:
 * the low two bits the decision, the rest the reason. */
enum {
  GAP_NO = 0,       /* the rules see no boundary here */
  GAP_YES = 1,      /* the rules see one */
  GAP_HARD = 2,     /* a certain boundary: a blank line, a line break that ends sentences */
  GAP_NEVER = 3     /* never a boundary: a clitic, a closer that stays with its sentence */
};

enum {
  WHY_NONE = 0,     /* nothing ends here */
  WHY_PERIOD,       /* after . */
  WHY_QUESTION,     /* after ? (or ?! ...) */
  WHY_EXCLAIM,      /* after ! */
  WHY_ELLIPSIS,     /* after ... or … */
  WHY_ABBR,         /* after an abbreviation that may end a sentence */
  WHY_TITLE,        /* after a title (Mr.) */
  WHY_NUMABBR,      /* after No., pp. */
  WHY_INITIAL,      /* after a single capital and a period */
  WHY_ACRONYM,      /* after U.S. and the like */
  WHY_SOFTLINE,     /* a line break the rules read as a space (hard-wrapped text) */
  WHY_DASH,         /* a dash that breaks off an utterance, before a starter */
  WHY_LIST,         /* an inline list's item: after its number ("... 2. The"), at the
                       hyphen before an attached file ("A.pdf | - B.pdf") */
  WHY_LINK,         /* between two links of a list of URLs */
  WHY_DATE,         /* around a dateline ("... ants Tuesday, September 1, 2015") */
  WHY_LETTER,       /* after a greeting or a closing: "Hi Mary, | I need", "Thanks, | Sharon" */
  WHY_CAPTION,      /* around a caption: "Figure 1.3 | This map ...", "... demo | Image: NASA" */
  WHY_RULER,        /* around a ruler drawn in a paragraph: "Sara | ________ | Warning NOTICE" */
  WHY_STAMP,        /* after a mail header's time stamp: "Kay Mann 04/26/2001 07:17 AM | Will" */
  WHY_MAX
};

#define GAP_DECISION(g) ((g) & 3)
#define GAP_WHY(g) ((g) >> 2)
#define GAP(decision, why) ((uint8_t)((decision) | ((why) << 2)))

/* Everything a feature may look at: the text, its tokens, the gap before
 * token i, and the rules' view of that gap and of the terminator before it. */
typedef struct qr_gap {
  const qr_segmenter *seg;
  const char *text;
  const qr_tokens *toks;
  size_t first;        /* the first token of the text */
  size_t i;            /* the gap is before token i */
  uint8_t rule;        /* GAP(decision, why) */
  size_t term;         /* the terminator the rules saw, or (size_t)-1 */
  uint8_t since;       /* tokens since the rules' last boundary (at most 255) */
  uint8_t until;       /* tokens until the rules' next boundary (at most 255) */
  uint8_t para_terms;  /* terminators in the gap's paragraph (at most 255) */
} qr_gap;

/* Fills since[k] and until[k] for the gap before token first + k (see
 * qr_gap) from the rules' gaps, in two linear passes. */
void qr_gap_distances(const uint8_t *gaps, size_t n, uint8_t *since, uint8_t *until);

/* Fills terms[k] with the number of terminators (at most 255) in the
 * paragraph (the stretch between hard gaps) holding token first + k. */
void qr_gap_paragraphs(const qr_tokens *toks, size_t first, const uint8_t *gaps, uint8_t *terms);

#define QR_MAX_FEATURES 32

/* Is the gap a candidate for the model? (Gaps that are not keep the rules'
 * decision; this keeps the model off the many gaps inside plain prose.) */
int qr_gap_is_candidate(const qr_gap *g);

/* Writes the hashed features of the gap into f (at most QR_MAX_FEATURES)
 * and returns how many. When names is not NULL, also appends each
 * feature's readable name followed by a NUL (for training and debugging). */
size_t qr_gap_features(const qr_gap *g, uint64_t *f, qr_buf *names);

/* The model: feature hashes and their weights. */
/* A slot of the model's table: a feature hash (0: empty) and its weight,
 * side by side so that a probe touches one cache line. */
typedef struct qr_weight {
  uint64_t key;
  float w;
} qr_weight;

struct qr_sentmodel {
  qr_weight *table;    /* slots + spare entries (see build_table) */
  size_t slots, n;
  float margin;        /* how far the score must lean to add a boundary */
};

/* The score of a feature set: above 0 leans to a boundary. */
float qr_sentmodel_score(const qr_sentmodel *m, const uint64_t *f, size_t n);
/* Does the model add a boundary at a gap: does its score pass the margin? */
/* A hash of the model's weights and margin (see qr_segmenter_fingerprint). */
uint64_t qr_sentmodel_fingerprint(const qr_sentmodel *m);
int qr_sentmodel_decide(const qr_sentmodel *m, const uint64_t *f, size_t n);

#endif
