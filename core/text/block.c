/* block.c — where to cut a long text into blocks for tokenizing and
 * splitting.
 *
 * A text of many megabytes is tokenized and split a block of about 1 MB at
 * a time: the token arrays of a block stay in the cache between the passes
 * over them (tokens, rules, model, interning), where a whole book's would
 * be read back from memory by each. The cut falls after a blank line,
 * which no sentence runs across, so the blocks' sentences are the text's;
 * `quarry tokens` and quarry.open cut at the same places and so agree. */
#include "quarry/text.h"

size_t qr_text_block_end(const char *s, size_t n, size_t a) {
  if (n - a <= QR_TEXT_BLOCK + QR_TEXT_BLOCK / 2) return n;
  size_t limit = a + 8 * (size_t)QR_TEXT_BLOCK < n ? a + 8 * (size_t)QR_TEXT_BLOCK : n;
  /* after a blank line (a line of white space counts) */
  for (size_t i = a + QR_TEXT_BLOCK; i + 1 < limit; i++)
    if (s[i] == '\n') {
      size_t j = i + 1;
      while (j < limit && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) j++;
      if (j < limit && s[j] == '\n') return j + 1;
    }
  /* else after any line break, else at white space, else where it must */
  for (size_t i = a + QR_TEXT_BLOCK; i < limit; i++)
    if (s[i] == '\n') return i + 1;
  for (size_t i = a + QR_TEXT_BLOCK; i < limit; i++)
    if (s[i] == ' ' || s[i] == '\t') return i + 1;
  /* 8 MB without white space (the longest token): cut, but between two
   * characters, never inside one (a cut inside would make two invalid
   * halves of a valid character) */
  size_t cut = limit;
  while (cut < n && cut > limit - 3 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
  return cut;
}

int qr_text_block_cuts_token(const char *s, size_t n, size_t a, size_t e) {
  return e < n && e - a > 7 * (size_t)QR_TEXT_BLOCK && s[e - 1] != '\n' && s[e - 1] != ' ' &&
         s[e - 1] != '\t';
}
