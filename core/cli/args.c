/* args.c — option parsing and output files for the commands. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_fail(const char *cmd, int code, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "quarry%s%s: ", cmd ? " " : "", cmd ? cmd : "");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return code;
}

/* Is name in the space-separated list allowed? */
static int allows(const char *allowed, const char *name) {
  size_t n = strlen(name);
  for (const char *p = allowed; (p = strstr(p, name)) != NULL; p += n)
    if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return 1;
  return 0;
}

/* Parses a size such as 512M or 2G into bytes; -1 when malformed. */
static long long parse_size(const char *s) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno || v < 0) return -1;
  double mult = 1;
  switch (*end) {
  case 'k': case 'K': mult = 1024.0; end++; break;
  case 'm': case 'M': mult = 1024.0 * 1024; end++; break;
  case 'g': case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
  case '\0': break;
  default: return -1;
  }
  if (*end == 'B' || *end == 'b') end++;
  if (*end) return -1;
  return (long long)(v * mult);
}

static int parse(const char *cmd, int argc, char **argv, int first, const char *allowed,
                 cli_opts *o);

int cli_parse(const char *cmd, int argc, char **argv, int first, const char *allowed,
              cli_opts *o) {
  int rc = parse(cmd, argc, argv, first, allowed, o);
  if (rc < 0) cli_opts_free(o);   /* on a usage error the caller gets nothing to free */
  return rc;
}

static int parse(const char *cmd, int argc, char **argv, int first, const char *allowed,
                 cli_opts *o) {
  memset(o, 0, sizeof *o);
  o->margin = -1;
  o->max_steps = -1;
  o->args = calloc((size_t)argc + 1, sizeof *o->args);
  o->params = calloc((size_t)argc + 1, sizeof *o->params);
  if (!o->args || !o->params) return cli_fail(cmd, -1, "out of memory"), -1;
  for (int i = first; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      o->script_args = (const char **)argv + i + 1;
      o->nscript_args = argc - i - 1;
      break;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      o->help = 1;
      continue;
    }
    if (a[0] != '-' || strcmp(a, "-") == 0) {
      o->args[o->nargs++] = a;
      continue;
    }
    /* --name=value, --name value, -o value */
    const char *name = a + (a[1] == '-' ? 2 : 1);
    const char *eq = strchr(name, '=');
    char key[64];
    size_t kl = eq ? (size_t)(eq - name) : strlen(name);
    if (kl >= sizeof key) kl = sizeof key - 1;
    memcpy(key, name, kl);
    key[kl] = '\0';
    if (strcmp(key, "o") == 0) strcpy(key, "output");
    if (a[1] != '-' && strcmp(key, "output") != 0) {
      cli_fail(cmd, -1, "unknown option '%s' (see quarry %s --help)", a, cmd);
      return -1;
    }
    if (!allows(allowed, key)) {
      cli_fail(cmd, -1, "unknown option '%s' (see quarry %s --help)", a, cmd);
      return -1;
    }
    if (strcmp(key, "learn-abbreviations") == 0 || strcmp(key, "single") == 0 ||
        strcmp(key, "strict") == 0 || strcmp(key, "quiet") == 0 || strcmp(key, "check") == 0 ||
        strcmp(key, "known-only") == 0) {
      if (eq) {   /* a flag takes no value */
        cli_fail(cmd, -1, "option '--%s' takes no value", key);
        return -1;
      }
      if (key[0] == 'l') o->learn = 1;
      else if (strcmp(key, "single") == 0) o->single = 1;
      else if (strcmp(key, "quiet") == 0) o->quiet = 1;
      else if (strcmp(key, "check") == 0) o->check = 1;
      else if (strcmp(key, "known-only") == 0) o->known_only = 1;
      else o->strict = 1;
      continue;
    }
    const char *val = eq ? eq + 1 : NULL;
    if (!val) {
      if (i + 1 >= argc) {
        cli_fail(cmd, -1, "option '%s' needs a value", a);
        return -1;
      }
      val = argv[++i];
    }
    if (strcmp(key, "format") == 0) o->format = val;
    else if (strcmp(key, "output") == 0) o->output = val;
    else if (strcmp(key, "gazetteer") == 0) o->gazetteer = val;
    else if (strcmp(key, "abbreviations") == 0) o->abbrevs = val;
    else if (strcmp(key, "model") == 0) o->model = val;
    else if (strcmp(key, "allow") == 0) o->allow = val;
    else if (strcmp(key, "param") == 0) {
      if (!strchr(val, '=')) {
        cli_fail(cmd, -1, "bad --param '%s' (expected NAME=VALUE)", val);
        return -1;
      }
      o->params[o->nparams++] = val;
    } else if (strcmp(key, "max-steps") == 0) {
      char *end;
      errno = 0;
      double v = strtod(val, &end);   /* 1e9 is fine */
      if (end == val || *end || errno || v < 0 || v > 9e18) {
        cli_fail(cmd, -1, "bad --max-steps '%s' (a number of instructions, 0 for no limit)", val);
        return -1;
      }
      o->max_steps = (long long)v;
    }
    else if (strcmp(key, "margin") == 0) {
      char *end;
      o->margin = strtod(val, &end);
      if (end == val || *end || o->margin < 0) {
        cli_fail(cmd, -1, "bad margin '%s' (a number, 0 or more)", val);
        return -1;
      }
    } else if (strcmp(key, "min-count") == 0) {
      char *end;
      long mcount = strtol(val, &end, 10);
      if (end == val || *end || mcount < 1 || mcount > 1000) {
        cli_fail(cmd, -1, "bad --min-count '%s' (1 to 1000)", val);
        return -1;
      }
      o->min_count = (int)mcount;
    } else if (strcmp(key, "top") == 0) {
      char *end;
      errno = 0;
      long t = strtol(val, &end, 10);
      if (end == val || *end || errno || t < 1) {
        cli_fail(cmd, -1, "bad --top '%s' (a number, 1 or more)", val);
        return -1;
      }
      o->top = t;
    } else if (strcmp(key, "jobs") == 0) {
      char *end;
      long e = strtol(val, &end, 10);
      if (end == val || *end || e < 1 || e > 64) {
        cli_fail(cmd, -1, "bad number of jobs '%s' (1 to 64)", val);
        return -1;
      }
      o->jobs = (int)e;
    } else if (strcmp(key, "epochs") == 0) {
      char *end;
      long e = strtol(val, &end, 10);
      if (end == val || *end || e < 1 || e > 1000) {
        cli_fail(cmd, -1, "bad number of epochs '%s' (1 to 1000)", val);
        return -1;
      }
      o->epochs = (int)e;
    }
    else if (strcmp(key, "max-memory") == 0) {
      o->max_memory = parse_size(val);
      if (o->max_memory <= 0) {
        cli_fail(cmd, -1, "bad size '%s' for --max-memory (e.g. 512M, 4G)", val);
        return -1;
      }
    } else if (strcmp(key, "timeout") == 0) {
      char *end;
      o->timeout = strtod(val, &end);
      if (end == val || *end || o->timeout <= 0) {
        cli_fail(cmd, -1, "bad number of seconds '%s' for --timeout", val);
        return -1;
      }
    }
  }
  return 0;
}

void cli_opts_free(cli_opts *o) {
  free(o->args);
  free(o->params);
  o->args = NULL;
  o->params = NULL;
}

int cli_output_open(cli_output *out, const char *path, qr_error *err) {
  memset(out, 0, sizeof *out);
  if (!path || strcmp(path, "-") == 0) {
    out->fp = stdout;
    return 0;
  }
  /* a FIFO with no reader yet: say why nothing happens, then wait as
   * `cat > fifo` does */
  if (qr_outfile_open(&out->file, path, QR_OUT_NOWAIT, err) != QR_OK) {
    if (!out->file.no_reader) return -1;
    fprintf(stderr, "quarry: %s is a FIFO with no reader: waiting for one (Ctrl-C stops)\n",
            path);
    if (qr_outfile_open(&out->file, path, 0, err) != QR_OK) return -1;
  }
  out->fp = out->file.fp;
  out->to_file = 1;
  return 0;
}

int cli_output_commit(cli_output *out, qr_error *err) {
  int rc = 0;
  if (!out->to_file) {
    if (fflush(stdout) != 0) {
      qr_error_set(err, QR_EIO, "<stdout>: %s", strerror(errno));
      rc = -1;
    }
  } else if (qr_outfile_commit(&out->file, err) != QR_OK) {
    rc = -1;
  }
  memset(out, 0, sizeof *out);
  return rc;
}

void cli_output_abort(cli_output *out) {
  if (out->to_file) qr_outfile_abort(&out->file);
  else if (out->fp) fflush(out->fp);
  memset(out, 0, sizeof *out);
}

int cli_flush(cli_output *out, qr_buf *b) {
  if (b->len && fwrite(b->data, 1, b->len, out->fp) != b->len) return -1;
  qr_buf_reset(b);
  return 0;
}
