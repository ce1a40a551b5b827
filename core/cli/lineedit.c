/* lineedit.c — the REPL's line editor over libedit's native API.
 *
 * The native API (histedit.h), not libedit's readline imitation: it lets a
 * key call a function of ours with the line and the cursor in hand, which
 * is what completion in the middle of a line and a Ctrl-C that only drops
 * the line need. Ctrl-C is made a key while a line is edited (the terminal's
 * isig flag is off in libedit's edit mode), so that no signal races with
 * the editor's own reads; while the caller runs code, the terminal is back
 * in its normal mode and Ctrl-C is the signal the caller handles. */
#include <histedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "cli/lineedit.h"

struct qr_lineedit {
  EditLine *el;
  History *hist;
  const char *prompt;   /* of the line being read */
  int interrupted;
  qr_complete_fn complete;
  void *ud;
};

void qr_terminal_size(int *columns, int *lines) {
  struct winsize ws;
  *columns = 80;
  *lines = 24;
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
    *columns = ws.ws_col;
    *lines = ws.ws_row;
  }
}

static qr_lineedit *of(EditLine *el) {
  void *le = NULL;
  el_get(el, EL_CLIENTDATA, &le);
  return le;
}

static char *prompt_of(EditLine *el) { return (char *)of(el)->prompt; }

/* Ctrl-C while editing: the line ends, and the caller is told to drop it. */
static unsigned char key_interrupt(EditLine *el, int ch) {
  (void)ch;
  of(el)->interrupted = 1;
  return CC_NEWLINE;
}

static void free_items(char **items, size_t n) {
  for (size_t i = 0; i < n; i++) free(items[i]);
  free(items);
}

/* How much of every item the list leaves out: their common start, up to
 * its last '.', ':' or '/' ("c:freq c:fr..." lists as "freq fr..."). */
static size_t shared_path(char **items, size_t n) {
  size_t common = strlen(items[0]);
  for (size_t i = 1; i < n; i++) {
    size_t k = 0;
    while (k < common && items[i][k] == items[0][k]) k++;
    common = k;
  }
  while (common > 0 && !strchr(".:/", items[0][common - 1])) common--;
  return common;
}

/* The candidates in columns under the line, as shells list them. */
static void list_items(EditLine *el, char **items, size_t n) {
  FILE *out = NULL;
  el_get(el, EL_GETFP, 1, &out);
  if (!out) out = stdout;
  size_t skip = shared_path(items, n);
  for (size_t i = 0; i < n; i++) memmove(items[i], items[i] + skip, strlen(items[i] + skip) + 1);
  size_t widest = 0;
  for (size_t i = 0; i < n; i++)
    if (strlen(items[i]) > widest) widest = strlen(items[i]);
  int columns, lines;
  qr_terminal_size(&columns, &lines);
  size_t per_row = (size_t)columns / (widest + 2);
  if (per_row == 0) per_row = 1;
  size_t rows = (n + per_row - 1) / per_row;
  fputc('\n', out);
  for (size_t r = 0; r < rows; r++) {
    for (size_t c = 0; c < per_row; c++) {
      size_t i = c * rows + r;   /* down the columns, as ls does */
      if (i >= n) break;
      if (c + 1 == per_row || i + rows >= n) fputs(items[i], out);   /* the row's last */
      else fprintf(out, "%-*s", (int)(widest + 2), items[i]);
    }
    fputc('\n', out);
  }
  fflush(out);
}

/* Tab: the word before the cursor is replaced by the candidates' longest
 * common start; when that adds nothing and there are several, they are
 * listed. */
static unsigned char key_complete(EditLine *el, int ch) {
  (void)ch;
  qr_lineedit *le = of(el);
  if (!le->complete) return CC_REFRESH_BEEP;
  const LineInfo *li = el_line(el);
  size_t cursor = (size_t)(li->cursor - li->buffer);
  char *line = malloc(cursor + 1);
  if (!line) return CC_REFRESH_BEEP;
  memcpy(line, li->buffer, cursor);
  line[cursor] = '\0';
  size_t start = cursor, n = 0;
  char **items = NULL;
  int rc = le->complete(le->ud, line, cursor, &start, &items, &n);
  if (rc != 0 || n == 0 || start > cursor) {
    free(line);
    if (rc == 0) free_items(items, n);
    return CC_REFRESH_BEEP;
  }
  size_t common = strlen(items[0]);
  for (size_t i = 1; i < n; i++) {
    size_t k = 0;
    while (k < common && items[i][k] == items[0][k]) k++;
    common = k;
  }
  const char *typed = line + start;
  size_t ntyped = cursor - start;
  unsigned char result = CC_REFRESH;
  if (common > ntyped || (common == ntyped && memcmp(items[0], typed, ntyped) != 0)) {
    char *ins = malloc(common + 1);
    if (ins) {
      memcpy(ins, items[0], common);
      ins[common] = '\0';
      if (ntyped) el_deletestr(el, (int)ntyped);
      if (common) el_insertstr(el, ins);
      free(ins);
    }
  } else if (n > 1) {
    list_items(el, items, n);
    result = CC_REDISPLAY;
  } else {
    result = CC_NORM;   /* the word is complete already */
  }
  free_items(items, n);
  free(line);
  return result;
}

qr_lineedit *qr_lineedit_open(const char *prog, qr_complete_fn complete, void *ud) {
  qr_lineedit *le = calloc(1, sizeof *le);
  if (!le) return NULL;
  le->complete = complete;
  le->ud = ud;
  le->prompt = "";
  le->el = el_init(prog, stdin, stdout, stderr);
  le->hist = history_init();
  if (!le->el || !le->hist) {
    qr_lineedit_close(le);
    return NULL;
  }
  HistEvent ev;
  history(le->hist, &ev, H_SETSIZE, 1000);
  history(le->hist, &ev, H_SETUNIQUE, 1);
  el_set(le->el, EL_CLIENTDATA, le);
  el_set(le->el, EL_EDITOR, "emacs");
  el_set(le->el, EL_SIGNAL, 1);   /* window size changes, suspend and resume */
  el_set(le->el, EL_PROMPT_ESC, prompt_of, '\1');
  el_set(le->el, EL_HIST, history, le->hist);
  /* the wide form keeps the names as given; the narrow one copies them and
   * never frees the copies */
  el_wset(le->el, EL_ADDFN, L"quarry-complete", L"complete the word before the cursor",
          key_complete);
  el_set(le->el, EL_BIND, "^I", "quarry-complete", NULL);
  el_wset(le->el, EL_ADDFN, L"quarry-interrupt", L"drop the line", key_interrupt);
  el_set(le->el, EL_BIND, "^C", "quarry-interrupt", NULL);
  el_set(le->el, EL_SETTY, "-d", "-isig", NULL);
  el_source(le->el, NULL);   /* the user's ~/.editrc, as every libedit program */
  return le;
}

void qr_lineedit_close(qr_lineedit *le) {
  if (!le) return;
  if (le->el) el_end(le->el);
  if (le->hist) history_end(le->hist);
  free(le);
}

char *qr_lineedit_read(qr_lineedit *le, const char *prompt, int *interrupted) {
  le->prompt = prompt;
  le->interrupted = 0;
  int count = 0;
  const char *got = el_gets(le->el, &count);
  *interrupted = le->interrupted;
  if (!got || count <= 0) {
    if (le->interrupted) return strdup("");
    return NULL;
  }
  size_t n = strlen(got);
  if (n && got[n - 1] == '\n') n--;
  char *line = malloc(n + 1);
  if (!line) return NULL;
  memcpy(line, got, n);
  line[n] = '\0';
  return line;
}

void qr_lineedit_remember(qr_lineedit *le, const char *entry) {
  HistEvent ev;
  history(le->hist, &ev, H_ENTER, entry);
}
