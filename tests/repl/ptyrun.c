/* ptyrun.c — drives programs through a pseudo-terminal, as a person at a
 * keyboard would, for the REPL's tests (the .session files of tests/repl;
 * their format is in tests/repl/README.md). Prints one TAP line per case.
 *
 * usage: ptyrun FILE.session...
 * Environment: ROOT (the repository: corpus/ is linked into each case's
 * directory), PATH (where `quarry` is), PTYRUN_TIMEOUT (seconds a wait may
 * take; 10 by default, since sanitizer builds are slow), PTYRUN_SHOW (set:
 * print every case's screen, not only a failed one's). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- growing text ------------------------------------------------------- */

typedef struct text {
  char *s;
  size_t n, cap;
} text;

static void text_add(text *t, const char *s, size_t n) {
  if (t->n + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->n + n + 1) cap *= 2;
    char *p = realloc(t->s, cap);
    if (!p) {
      fprintf(stderr, "ptyrun: out of memory\n");
      exit(2);
    }
    t->s = p;
    t->cap = cap;
  }
  memcpy(t->s + t->n, s, n);
  t->n += n;
  t->s[t->n] = '\0';
}

static void text_printf(text *t, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > 0) text_add(t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* ---- the program under test ------------------------------------------- */

typedef struct prog {
  pid_t pid;
  int fd;          /* the terminal's master side */
  text screen;     /* everything it wrote, without terminal controls */
  text raw;        /* everything it wrote, as it wrote it */
  size_t mark;     /* where the next wait looks from */
  int esc;         /* inside an escape sequence: 1 after ESC, 2 inside CSI */
  int status;      /* its exit status once it ended, else -1 */
} prog;

static double timeout_s = 10;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keeps what a person would read: escape sequences, carriage returns,
 * backspaces and bells are dropped. */
static void take_output(prog *p, const char *buf, size_t n) {
  text_add(&p->raw, buf, n);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)buf[i];
    if (p->esc == 1) {
      p->esc = c == '[' ? 2 : 0;
      continue;
    }
    if (p->esc == 2) {
      if (c >= 0x40 && c <= 0x7E) p->esc = 0;
      continue;
    }
    if (c == 0x1B) {
      p->esc = 1;
      continue;
    }
    if (c == '\r' || c == '\b' || c == '\a') continue;
    text_add(&p->screen, (const char *)&c, 1);
  }
}

/* Reads what is there, waiting at most ms, and notes the exit. Returns 1
 * when it read something, 0 when nothing came, -1 when the program has
 * ended and nothing more can come. */
static int pump(prog *p, int ms) {
  struct pollfd pfd = {p->fd, POLLIN, 0};
  int r = poll(&pfd, 1, ms);
  if (r > 0) {
    char buf[4096];
    ssize_t n = read(p->fd, buf, sizeof buf);
    if (n > 0) {
      take_output(p, buf, (size_t)n);
      return 1;
    }
    /* EIO: the other side is closed, the program has ended */
  }
  if (p->status < 0) {
    int st;
    if (waitpid(p->pid, &st, WNOHANG) == p->pid)
      p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    else if (r > 0)
      usleep(10000);   /* readable but nothing read: not yet reaped */
  }
  return p->status >= 0 && r != 0 ? -1 : 0;
}

static int start(prog *p, const char *cmd, const char *dir, const char *home) {
  memset(p, 0, sizeof *p);
  p->status = -1;
  struct winsize ws = {24, 80, 0, 0};
  p->pid = forkpty(&p->fd, NULL, NULL, &ws);
  if (p->pid < 0) return -1;
  if (p->pid == 0) {
    if (chdir(dir) != 0) _exit(127);
    setenv("TERM", "xterm", 1);
    setenv("HOME", home, 1);
    char state[4200];
    if (snprintf(state, sizeof state, "%s/state", home) >= (int)sizeof state) _exit(127);
    setenv("XDG_STATE_HOME", state, 1);
    unsetenv("NO_COLOR");
    /* the shell, not a job-control one, leaves the program in its own
     * process group: Ctrl-C would end the shell, and the hang-up that
     * follows the program. Ignored here, the shell stays; a program that
     * wants Ctrl-C installs its own handler, as quarry does. */
    signal(SIGINT, SIG_IGN);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  return 0;
}

/* Waits until the screen shows want after the mark; moves the mark past it. */
static int wait_for(prog *p, const char *want) {
  double end = now() + timeout_s;
  for (;;) {
    char *hit = strstr(p->screen.s ? p->screen.s + p->mark : "", want);
    if (hit) {
      p->mark = (size_t)(hit - p->screen.s) + strlen(want);
      return 0;
    }
    if (now() > end || pump(p, 50) < 0) return -1;
  }
}

/* Waits until the program shows a prompt (its output ends in "> " or in
 * "... ") and has stopped writing: keys typed earlier would reach the
 * terminal in the mode of the code still running, not the line editor's. */
static int wait_prompt(prog *p) {
  double end = now() + timeout_s;
  for (;;) {
    size_t n = p->screen.n;
    const char *s = p->screen.s;
    int shown = n >= 2 && ((strcmp(s + n - 2, "> ") == 0) || (n >= 4 && strcmp(s + n - 4, "... ") == 0));
    if (shown && pump(p, 50) == 0) return 0;   /* and 50 ms of quiet */
    if (now() > end || pump(p, 20) < 0) return -1;
  }
}

static int wait_exit(prog *p) {
  double end = now() + timeout_s;
  while (p->status < 0 && now() < end) pump(p, 50);
  while (pump(p, 20) > 0) {}   /* the last of its output */
  if (p->status < 0) {
    kill(p->pid, SIGKILL);
    waitpid(p->pid, NULL, 0);
    return -1;
  }
  return 0;
}

static void stop(prog *p) {
  if (p->pid > 0 && p->status < 0) {
    kill(p->pid, SIGKILL);
    waitpid(p->pid, NULL, 0);
  }
  if (p->fd > 0) close(p->fd);
  free(p->screen.s);
  free(p->raw.s);
  memset(p, 0, sizeof *p);
}

/* Turns the keys of a > or >> line into bytes: <TAB>, <ENTER>, <UP>,
 * <DOWN>, <LEFT>, <RIGHT>, <ESC>, <C-x> for a control key. */
static void keys(const char *s, text *out) {
  static const struct { const char *name, *bytes; } named[] = {
    {"<TAB>", "\t"}, {"<ENTER>", "\r"}, {"<UP>", "\x1b[A"}, {"<DOWN>", "\x1b[B"},
    {"<RIGHT>", "\x1b[C"}, {"<LEFT>", "\x1b[D"}, {"<ESC>", "\x1b"}, {NULL, NULL}};
  while (*s) {
    int done = 0;
    for (int k = 0; named[k].name && !done; k++) {
      size_t n = strlen(named[k].name);
      if (strncmp(s, named[k].name, n) == 0) {
        text_add(out, named[k].bytes, strlen(named[k].bytes));
        s += n;
        done = 1;
      }
    }
    if (!done && strncmp(s, "<C-", 3) == 0 && s[3] && s[4] == '>') {
      char c = (char)((s[3] | 0x20) - 'a' + 1);
      text_add(out, &c, 1);
      s += 5;
      done = 1;
    }
    if (!done) text_add(out, s++, 1);
  }
}

static void send_keys(prog *p, const char *s, int enter) {
  text bytes = {0};
  keys(s, &bytes);
  if (enter) text_add(&bytes, "\r", 1);
  /* a byte at a time, with the output read between: as fast as a person
   * who types well, and no faster than the line editor reads */
  for (size_t i = 0; i < bytes.n; i++) {
    if (write(p->fd, bytes.s + i, 1) != 1) break;
    pump(p, 0);
    if (bytes.s[i] == '\t' || bytes.s[i] == '\x1b') pump(p, 30);
  }
  free(bytes.s);
}

/* ---- cases ------------------------------------------------------------- */

typedef struct runner {
  int number, failed;
  const char *file;
  char name[256];
  text why;        /* what went wrong in the current case */
  char dir[4096];  /* the case's directory (also its HOME) */
  prog p;
  int have_prog;
  int want_status;
  int line;
  int at_prompt;   /* the last keys ended a line: wait for the next prompt */
} runner;

static int sanitizer_report(const char *s) {
  return s && (strstr(s, "ERROR: AddressSanitizer") || strstr(s, "ERROR: LeakSanitizer") ||
               strstr(s, "runtime error:"));
}

static void fail(runner *r, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  text_printf(&r->why, "# line %d: %s\n", r->line, buf);
}

/* Ends the program of the case, checking how it ended. */
static void finish_prog(runner *r) {
  if (!r->have_prog) return;
  if (wait_exit(&r->p) < 0) fail(r, "the program did not end");
  else if (r->p.status != r->want_status)
    fail(r, "exit status %d, expected %d", r->p.status, r->want_status);
  if (sanitizer_report(r->p.screen.s)) fail(r, "sanitizer report");
  if (r->why.n || getenv("PTYRUN_SHOW")) {
    /* the end of what the screen showed, to see why */
    const char *s = r->p.screen.s ? r->p.screen.s : "";
    size_t n = strlen(s), from = n > 1200 && !getenv("PTYRUN_SHOW") ? n - 1200 : 0;
    text_printf(&r->why, "# the screen ended with:\n");
    for (const char *line = s + from; *line;) {
      const char *nl = strchr(line, '\n');
      size_t len = nl ? (size_t)(nl - line) : strlen(line);
      text_printf(&r->why, "#   %.*s\n", (int)len, line);
      line += len + (nl != NULL);
    }
  }
  stop(&r->p);
  r->have_prog = 0;
  r->want_status = 0;
}

static void begin_case(runner *r, const char *name) {
  size_t n = strlen(name);
  if (n >= sizeof r->name) n = sizeof r->name - 1;
  memcpy(r->name, name, n);
  r->name[n] = '\0';
  r->why.n = 0;
  if (r->why.s) r->why.s[0] = '\0';
  const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  if (snprintf(r->dir, sizeof r->dir, "%s/quarry-pty.XXXXXX", tmp) >= (int)sizeof r->dir ||
      !mkdtemp(r->dir)) {
    fail(r, "cannot make a directory: %s", strerror(errno));
    return;
  }
  const char *root = getenv("ROOT");
  if (root) {
    char src[4200], dst[4200];
    if (snprintf(src, sizeof src, "%s/corpus", root) >= (int)sizeof src ||
        snprintf(dst, sizeof dst, "%s/corpus", r->dir) >= (int)sizeof dst || symlink(src, dst) != 0)
      fail(r, "cannot link corpus: %s", strerror(errno));
  }
}

static void end_case(runner *r) {
  if (!r->name[0]) return;
  finish_prog(r);
  r->number++;
  if (r->why.n) {
    r->failed++;
    printf("not ok %d - %s: %s\n%s", r->number, r->file, r->name, r->why.s);
  } else {
    printf("ok %d - %s: %s\n", r->number, r->file, r->name);
  }
  fflush(stdout);
  char cmd[4200];
  if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir) >= (int)sizeof cmd || system(cmd) != 0) fprintf(stderr, "ptyrun: cannot remove %s\n", r->dir);
  r->name[0] = '\0';
}

static void step(runner *r, char *line) {
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
  if (strncmp(line, "### ", 4) == 0) {
    end_case(r);
    begin_case(r, line + 4);
    return;
  }
  if (n == 0 || line[0] == '#') return;
  if (!r->name[0]) {
    fprintf(stderr, "ptyrun: %s:%d: a step before the first ### case\n", r->file, r->line);
    exit(2);
  }
  if (r->why.n) return;   /* the case failed already: skip the rest */
  if (strncmp(line, "$ ", 2) == 0) {
    finish_prog(r);
    if (r->why.n) return;
    if (start(&r->p, line + 2, r->dir, r->dir) < 0) {
      fail(r, "cannot start: %s", strerror(errno));
      return;
    }
    r->have_prog = 1;
    r->at_prompt = 1;
  } else if (strncmp(line, ">! ", 3) == 0) {
    /* keys for the code that runs (Ctrl-C): no prompt to wait for */
    if (r->have_prog) send_keys(&r->p, line + 3, 0);
  } else if (line[0] == '>') {
    int enter = line[1] != '>';
    const char *k = line + (enter ? 1 : 2);
    if (*k == ' ') k++;
    if (!r->have_prog) {
      fail(r, "no program to type into");
    } else if (r->at_prompt && wait_prompt(&r->p) < 0) {
      fail(r, "no prompt came");
    } else {
      send_keys(&r->p, k, enter);
      /* Enter (the line's, or an <ENTER> key at the end of the keys), or
       * Ctrl-C (which drops the line), brings a new prompt: the next keys
       * wait for it (a Ctrl-D typed while the line before still runs would
       * reach the terminal in its cooked mode, as an end of file the line
       * editor never reads) */
      size_t kn = strlen(k);
      r->at_prompt = enter || (kn >= 5 && strcmp(k + kn - 5, "<C-c>") == 0) ||
                     (kn >= 7 && strcmp(k + kn - 7, "<ENTER>") == 0);
    }
  } else if (strncmp(line, "< ", 2) == 0) {
    if (!r->have_prog) fail(r, "no program to wait for");
    else if (wait_for(&r->p, line + 2) < 0) fail(r, "waited in vain for: %s", line + 2);
  } else if (strncmp(line, "!< ", 3) == 0) {
    /* nothing since the mark may show it, once the output has settled */
    if (r->have_prog) {
      while (pump(&r->p, 300) > 0) {}
      const char *s = r->p.screen.s ? r->p.screen.s + r->p.mark : "";
      if (strstr(s, line + 3)) fail(r, "the screen shows: %s", line + 3);
    }
  } else if (strncmp(line, "<raw ", 5) == 0 || strncmp(line, "!<raw ", 6) == 0) {
    /* the bytes as written, escape sequences and all (\e is ESC) */
    int absent = line[0] == '!';
    const char *want = line + (absent ? 6 : 5);
    text bytes = {0};
    for (const char *q = want; *q; q++) {
      if (q[0] == '\\' && q[1] == 'e') {
        text_add(&bytes, "\x1b", 1);
        q++;
      } else {
        text_add(&bytes, q, 1);
      }
    }
    if (r->have_prog) while (pump(&r->p, 300) > 0) {}
    const char *raw = r->p.raw.s ? r->p.raw.s : "";
    int found = bytes.s && strstr(raw, bytes.s) != NULL;
    if (found == absent) fail(r, absent ? "the output has: %s" : "the output lacks: %s", want);
    free(bytes.s);
  } else if (strncmp(line, "~ ", 2) == 0) {
    double end = now() + atof(line + 2);
    while (now() < end && r->have_prog) pump(&r->p, 20);
  } else if (strncmp(line, "? ", 2) == 0) {
    r->want_status = atoi(line + 2);
  } else {
    fprintf(stderr, "ptyrun: %s:%d: cannot read: %s\n", r->file, r->line, line);
    exit(2);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ptyrun FILE.session...\n");
    return 2;
  }
  if (getenv("PTYRUN_TIMEOUT")) timeout_s = atof(getenv("PTYRUN_TIMEOUT"));
  signal(SIGPIPE, SIG_IGN);
  runner r;
  memset(&r, 0, sizeof r);
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "r");
    if (!f) {
      fprintf(stderr, "ptyrun: %s: %s\n", argv[i], strerror(errno));
      return 2;
    }
    r.file = argv[i];
    r.line = 0;
    char buf[4096];
    while (fgets(buf, sizeof buf, f)) {
      r.line++;
      step(&r, buf);
    }
    end_case(&r);
    fclose(f);
  }
  free(r.why.s);
  return r.failed ? 1 : 0;
}
