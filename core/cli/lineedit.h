/* cli/lineedit.h — the REPL's line editor: the one seam over libedit.
 *
 * Nothing else in quarry includes libedit's headers, so that another line
 * editor (or none) would change this pair of files only. Internal to the
 * CLI. */
#ifndef QUARRY_CLI_LINEEDIT_H
#define QUARRY_CLI_LINEEDIT_H

#include <stddef.h>

typedef struct qr_lineedit qr_lineedit;

/* What completes the word before the cursor: given the line and the
 * cursor's byte offset, sets *start to the offset where the replaced text
 * begins and returns n candidates (each replaces line[*start, cursor)) in
 * *items, malloc'ed, strings and array alike, which the editor frees.
 * Returns 0, or -1 when there is nothing to offer. */
typedef int (*qr_complete_fn)(void *ud, const char *line, size_t cursor, size_t *start,
                              char ***items, size_t *n);

/* Opens the editor on the terminal (stdin, stdout); complete may be NULL.
 * NULL when libedit cannot start. */
qr_lineedit *qr_lineedit_open(const char *prog, qr_complete_fn complete, void *ud);
void qr_lineedit_close(qr_lineedit *le);

/* Shows prompt and reads one line (without its newline) into a malloc'ed
 * string the caller frees. NULL at the end of input (Ctrl-D on an empty
 * line). Ctrl-C at the prompt ends the line too, with *interrupted set: the
 * caller drops it. While the line is edited Ctrl-C is a key, not a signal.
 * Text between two \1 bytes in the prompt (colour codes) takes no room on
 * the screen. */
char *qr_lineedit_read(qr_lineedit *le, const char *prompt, int *interrupted);

/* Adds an entry to the history that the arrow keys walk through (the file
 * it is kept in is the caller's business). */
void qr_lineedit_remember(qr_lineedit *le, const char *entry);

/* The terminal's size; 80 x 24 when it cannot say. */
void qr_terminal_size(int *columns, int *lines);

#endif
