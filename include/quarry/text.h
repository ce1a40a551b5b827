/* quarry/text.h — tokenizer and sentence splitter.
 *
 * Tokens follow the UD English conventions, so that the output can be scored
 * against UD gold data:
 *  - possessives and clitics are tokens of their own, marked QR_TF_CLITIC
 *    (Russia’s → Russia + ’s; I'm → I + 'm); a clitic with its host is one
 *    surface token (a CoNLL-U multiword token);
 *  - n't contractions and a few fused forms stay one token that knows where it
 *    splits (don't = do + n't, cannot = can + not, gonna = gon + na);
 *  - hyphenated compounds and ranges split at the hyphen (Jong - un, 18 - 19),
 *    except after bound prefixes (re-elect, non-avian, e-mail);
 *  - abbreviations keep their dots (U.S., a.m., Mr.) and numbers their
 *    separators (7,000; 3.5; 10:30).
 *
 * Offsets are 0-based byte offsets into the text given to the tokenizer; a
 * token is text[start, start + len). Invalid UTF-8 bytes become symbol tokens
 * flagged QR_TF_BAD_UTF8 and never shift offsets. */
#ifndef QUARRY_TEXT_H
#define QUARRY_TEXT_H

#include "quarry/base.h"

typedef enum qr_token_kind {
  QR_TOK_WORD = 1,
  QR_TOK_NUMBER,
  QR_TOK_PUNCT,
  QR_TOK_SYMBOL,
  QR_TOK_URL,
  QR_TOK_EMAIL,
  QR_TOK_HASHTAG,   /* #word */
  QR_TOK_MENTION,   /* @user */
  QR_TOK_EMOJI,     /* pictographs and text emoticons such as :-) */
  QR_TOK_ELLIPSIS,  /* a run of periods or of "…" ("...", "....", "..", "…"), a terminator;
                     * ". . ." written with spaces stays three periods, as UD writes it */
  QR_TOK_KIND_MAX
} qr_token_kind;

/* Token flags. */
enum {
  QR_TF_SPACE_BEFORE = 1 << 0,   /* white space precedes the token */
  QR_TF_NEWLINE_BEFORE = 1 << 1, /* a line break precedes it */
  QR_TF_PARA_BEFORE = 1 << 2,    /* a blank line precedes it (a new paragraph) */
  QR_TF_CLITIC = 1 << 3,         /* attached to the previous token: one surface token */
  QR_TF_ABBREV = 1 << 4,         /* a word ending in a period that is part of it */
  QR_TF_BAD_UTF8 = 1 << 5,       /* holds invalid UTF-8 */
  QR_TF_TERMINAL = 1 << 6        /* a sentence terminator (. ! ? … and their runs) */
};

/* The tokens of a text, as parallel arrays (struct of arrays). The struct owns
 * the arrays; qr_tokens_free releases them. split[i] is 0, or the byte length
 * of the first part of a contraction (2 for "don't" = "do" + "n't"). */
typedef struct qr_tokens {
  uint32_t *start, *len;
  uint8_t *kind, *flags, *split;
  size_t n, cap;
} qr_tokens;

void qr_tokens_reset(qr_tokens *t);   /* n = 0, keeps memory */
void qr_tokens_free(qr_tokens *t);
/* Makes room for extra more tokens in every array. */
qr_status qr_tokens_reserve(qr_tokens *t, size_t extra);
/* Copies tokens [from, from + n) of src over [at, at + n) of dst (which has
 * room: qr_tokens_reserve), every array, past the caches (qr_copy_stream);
 * n stays as it was. */
void qr_tokens_copy(qr_tokens *dst, size_t at, const qr_tokens *src, size_t from, size_t n);

/* Sentences as token ranges [first, first + count) into a qr_tokens. */
typedef struct qr_sentences {
  uint32_t *first, *count;
  uint8_t *flags;            /* QR_SF_* */
  size_t n, cap;
} qr_sentences;

enum {
  QR_SF_PARA_START = 1 << 0,   /* the sentence starts a paragraph */
  QR_SF_HEADLINE = 1 << 1      /* a line of its own without terminal punctuation */
};

void qr_sentences_reset(qr_sentences *s);
void qr_sentences_free(qr_sentences *s);
qr_status qr_sentences_reserve(qr_sentences *s, size_t extra);

/* A segmenter holds what tokenizing and splitting need besides the text: the
 * abbreviation lexicon and the list of frequent sentence starters. It is
 * read-only while in use, so one segmenter can serve many threads. */
typedef struct qr_segmenter qr_segmenter;

/* Abbreviation classes, as written in the lexicon files (see
 * docs/segmentation.md): a title (Mr., Gen.) almost never ends a sentence; a
 * plain abbreviation (Inc., U.S.) may; a final one (etc.) usually does. */
typedef enum qr_abbrev_class {
  QR_ABBR_PLAIN = 1,
  QR_ABBR_TITLE,      /* precedes a name: Mr. Dr. Gen. St. */
  QR_ABBR_NUMBER,     /* precedes a number: No. Nos. Art. pp. */
  QR_ABBR_FINAL       /* closes a list or phrase: etc.; a capital after it starts a sentence */
} qr_abbrev_class;

/* Creates a segmenter with the built-in English abbreviations and sentence
 * starters. Returns NULL when out of memory. Free with qr_segmenter_free. */
qr_segmenter *qr_segmenter_new(void);
/* Creates an empty segmenter (no abbreviations at all). */
qr_segmenter *qr_segmenter_new_empty(void);
void qr_segmenter_free(qr_segmenter *seg);

/* Adds one abbreviation, with its final period ("Gen."). */
qr_status qr_segmenter_add_abbrev(qr_segmenter *seg, const char *abbr, size_t len,
                                  qr_abbrev_class cls);
/* Loads abbreviations from text in the lexicon format (one per line:
 * "abbreviation [class]", # comments). name is used in error messages. */
qr_status qr_segmenter_load_abbrevs(qr_segmenter *seg, const char *text, size_t len,
                                    const char *name, qr_error *err);
/* Loads built-in sets of domain abbreviations, named "@legal", "@scientific"
 * or "@biomedical" (core/text/data/abbrev-en-NAME.txt), several separated
 * by commas ("@legal,@biomedical"). An unknown name is an error that lists
 * the sets; the sets loaded before it stay. */
qr_status qr_segmenter_load_abbrev_sets(qr_segmenter *seg, const char *names, qr_error *err);
/* How many abbreviations seg knows, and whether it has a sentence model. */
size_t qr_segmenter_nabbrevs(const qr_segmenter *seg);
/* A number that is the same for segmenters that split text alike: the same
 * abbreviations and classes, starters, word lists and model (an index
 * records it, to know when its annotations are stale). */
uint64_t qr_segmenter_fingerprint(const qr_segmenter *seg);
int qr_segmenter_has_model(const qr_segmenter *seg);
/* Looks up a word with its final period; returns its class or 0. */
int qr_segmenter_abbrev(const qr_segmenter *seg, const char *s, size_t len);
/* One abbreviation learned from texts, and the evidence for it. */
typedef struct qr_learned_abbrev {
  char text[34];          /* with its period, as the lexicon holds it */
  uint32_t with_period;   /* times seen followed by a period */
  uint32_t without;       /* times seen without one */
  double score;
} qr_learned_abbrev;

/* Learns a corpus's own abbreviations (Punkt's idea): short words that, in
 * these texts, are almost always followed by a period. Each text is
 * tokenized with seg; the words scoring at least threshold (0 for the
 * default, 0.3) and not yet known are added to seg as plain abbreviations
 * and, when out is not NULL, appended to *out (malloc'ed, *nout entries;
 * the caller frees it). docs/segmentation.md gives the score. */
qr_status qr_segmenter_learn_abbrevs(qr_segmenter *seg, const char *const *texts,
                                     const size_t *lens, size_t ntexts, double threshold,
                                     qr_learned_abbrev **out, size_t *nout);

/* Adds a frequent sentence starter ("The", "He"): a capitalised word that,
 * after an abbreviation, signals a new sentence. */
qr_status qr_segmenter_add_starter(qr_segmenter *seg, const char *word, size_t len);
/* Is the word s[0, n), as written, a frequent sentence starter? */
int qr_segmenter_is_starter(const qr_segmenter *seg, const char *s, size_t n);

/* Long texts are tokenized and split in blocks of about QR_TEXT_BLOCK
 * bytes. The end of the block of s[0, n) that starts at a: just after a
 * blank line past a + QR_TEXT_BLOCK, else after a line break, else at white
 * space, else 8 blocks on; n when the rest is at most one and a half
 * blocks. */
#define QR_TEXT_BLOCK (1u << 20)
size_t qr_text_block_end(const char *s, size_t n, size_t a);
/* Is the block [a, e) of s[0, n) cut inside a run of 8 blocks without white
 * space? That run is then cut into tokens of at most 8 MB (between two
 * characters): QR_TEXT_LONGEST_TOKEN, the longest token, a documented limit
 * that the callers warn about. */
int qr_text_block_cuts_token(const char *s, size_t n, size_t a, size_t e);
#define QR_TEXT_LONGEST_TOKEN (8 * (size_t)QR_TEXT_BLOCK)

/* Tokenizes text[0, len) and appends the tokens to out. Offsets in out are
 * relative to text. Fails only when out of memory, or with QR_ELIMIT for a text
 * of 4 GiB or more. */
qr_status qr_tokenize(const qr_segmenter *seg, const char *text, size_t len, qr_tokens *out);

/* Splits the tokens [first, toks->n) of text into sentences, appended to out
 * (token indices are indices into toks). */
qr_status qr_split_sentences(const qr_segmenter *seg, const char *text, size_t len,
                             const qr_tokens *toks, size_t first, qr_sentences *out);

/* ---- the learned sentence-boundary model --------------------------------- */

/* A model of sentence boundaries learned from gold data: an averaged
 * perceptron that adds the boundaries the rules miss (docs/segmentation.md).
 * The default segmenter carries one trained on UD English-EWT. */
typedef struct qr_sentmodel qr_sentmodel;

/* Reads a model from its text form; name is used in error messages. */
qr_status qr_sentmodel_load(qr_sentmodel **out, const char *text, size_t len, const char *name,
                            qr_error *err);
void qr_sentmodel_free(qr_sentmodel *m);
size_t qr_sentmodel_size(const qr_sentmodel *m);   /* its number of weights */

/* Gives seg a model (seg takes ownership; NULL leaves the rules alone). */
void qr_segmenter_set_model(qr_segmenter *seg, qr_sentmodel *m);

/* Appends, for every gap of toks from first on where the model is asked,
 * a line: the words around the gap, the rules' decision and reason, the
 * model's score and decision, and its strongest features (for people
 * checking a model). Without a model, the rules' decisions only. */
qr_status qr_split_explain(const qr_segmenter *seg, const char *text, size_t len,
                           const qr_tokens *toks, size_t first, qr_buf *out);

/* Learning a model: add texts with the byte offsets where their sentences
 * start (as gold data says), then train. The trainer uses seg's tokenizer and
 * rules (not its model) and borrows seg until it is freed. */
typedef struct qr_sentmodel_trainer qr_sentmodel_trainer;

qr_sentmodel_trainer *qr_sentmodel_trainer_new(const qr_segmenter *seg);
void qr_sentmodel_trainer_free(qr_sentmodel_trainer *tr);
qr_status qr_sentmodel_trainer_add(qr_sentmodel_trainer *tr, const char *text, size_t len,
                                   const size_t *starts, size_t nstarts);

/* What training saw and learned. */
typedef struct qr_train_report {
  size_t texts, gaps, candidates, boundaries;   /* boundaries: gold ones among candidates */
  size_t unreachable;     /* gold starts that fall inside a token of ours */
  double rules_accuracy;  /* of the rules alone on the candidates */
  double accuracy;        /* of the model on the candidates, last epoch, before averaging */
  size_t features;        /* weights written */
} qr_train_report;

/* Trains for epochs passes (averaged perceptron, a fixed shuffle), leaving
 * out features seen fewer than min_count times, and appends the model's text
 * form to out. margin is how far a score must lean for the model to add a
 * boundary. */
qr_status qr_sentmodel_trainer_train(qr_sentmodel_trainer *tr, int epochs, int min_count,
                                     double margin, const char *comment, qr_buf *out,
                                     qr_train_report *report, qr_error *err);

/* Reads gold CoNLL-U and calls add(arg, text, len, starts, nstarts) once per
 * document (# newdoc), with the text rebuilt from the sentences' "# text"
 * lines (or their tokens): sentences joined by a space, paragraphs
 * (# newpar) by a blank line. name is used in error messages. */
qr_status qr_conllu_documents(const char *data, size_t len, const char *name,
                              qr_status (*add)(void *arg, const char *text, size_t len,
                                               const size_t *starts, size_t nstarts),
                              void *arg, qr_error *err);

/* The name of a token kind ("word", "number", ...), and the kind of a name
 * (0 when unknown). */
const char *qr_token_kind_name(int kind);
int qr_token_kind_from_name(const char *name);

/* ---- writing tokens and sentences ------------------------------------- */

/* Appends sentences [s0, s1) of sents as CoNLL-U: "# sent_id", "# text",
 * one line per token (multiword token lines for contractions and clitics,
 * SpaceAfter=No in MISC), a blank line after each sentence. Sentence ids are
 * prefix + a counter that *sent_no holds and advances (prefix may be "").
 * When par_marks is set, "# newpar" precedes a sentence that starts a
 * paragraph. */
qr_status qr_write_conllu(qr_buf *out, const char *text, size_t len, const qr_tokens *toks,
                          const qr_sentences *sents, size_t s0, size_t s1, const char *prefix,
                          size_t *sent_no, int par_marks);

/* Appends one line per sentence, tokens separated by single spaces. */
qr_status qr_write_tokenized(qr_buf *out, const char *text, const qr_tokens *toks,
                             const qr_sentences *sents, size_t s0, size_t s1);

/* Appends the text of tokens [t0, t1) with every run of white space between
 * them collapsed into one space. */
qr_status qr_write_span_text(qr_buf *out, const char *text, const qr_tokens *toks, size_t t0,
                             size_t t1);

#endif
