/* cmd_tokens.c — `quarry tokens`: tokenize and split files, write CoNLL-U,
 * JSON Lines or tokenized text.
 *
 * Files are processed in blocks of about 1 MB cut at paragraph breaks
 * (qr_text_block_end), so memory stays flat whatever the file size; a cut
 * never falls inside a sentence, because sentences never run across a blank
 * line. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "quarry/corpus.h"
#include "quarry/file.h"
#include "quarry/utf8.h"
#include "quarry/json.h"
#include "quarry/text.h"

enum { FMT_TEXT, FMT_CONLLU, FMT_JSONL, FMT_EXPLAIN };

typedef struct tokjob {
  const qr_segmenter *seg;
  int format;
  const char *doc;     /* file name, for JSON Lines */
  size_t sent_no;      /* sentences written so far */
  size_t base;         /* byte offset of the block in the file */
  qr_tokens toks;
  qr_sentences sents;
  qr_buf out;
} tokjob;

static qr_status write_jsonl(tokjob *j, const char *text, const qr_tokens *t,
                             const qr_sentences *sents, size_t s0, size_t s1) {
  /* tokens from limit on belong to the next document */
  size_t limit = s1 > s0 ? sents->first[s1 - 1] + sents->count[s1 - 1] : 0;
  for (size_t s = s0; s < s1; s++) {
    j->sent_no++;
    size_t t0 = sents->first[s], t1 = t0 + sents->count[s];
    for (size_t i = t0; i < t1; i++) {
      qr_buf *o = &j->out;
      size_t st = j->base + t->start[i];
      int space_after = i + 1 < limit ? (t->flags[i + 1] & QR_TF_SPACE_BEFORE) != 0 : 1;
      if (qr_buf_puts(o, "{\"doc\":") || qr_json_put_string(o, j->doc, strlen(j->doc)) ||
          qr_buf_printf(o, ",\"sent\":%zu,\"i\":%zu,\"text\":", j->sent_no, i - t0 + 1) ||
          qr_json_put_string(o, text + t->start[i], t->len[i]) ||
          qr_buf_printf(o, ",\"kind\":\"%s\",\"start\":%zu,\"stop\":%zu",
                        qr_token_kind_name(t->kind[i]), st + 1, st + t->len[i]))
        return QR_ENOMEM;
      if (t->split[i]) {
        if (qr_buf_puts(o, ",\"parts\":[") ||
            qr_json_put_string(o, text + t->start[i], t->split[i]) || qr_buf_putc(o, ',') ||
            qr_json_put_string(o, text + t->start[i] + t->split[i], t->len[i] - t->split[i]) ||
            qr_buf_putc(o, ']'))
          return QR_ENOMEM;
      }
      if ((t->flags[i] & QR_TF_CLITIC) && qr_buf_puts(o, ",\"clitic\":true")) return QR_ENOMEM;
      if (!space_after && qr_buf_puts(o, ",\"space_after\":false")) return QR_ENOMEM;
      if (qr_buf_puts(o, "}\n")) return QR_ENOMEM;
    }
  }
  return QR_OK;
}

/* Appends sentences [s0, s1) of a text in the job's format (not explain). */
static qr_status write_sentences(tokjob *j, const char *text, size_t len, const qr_tokens *t,
                                 const qr_sentences *sents, size_t s0, size_t s1) {
  switch (j->format) {
  case FMT_CONLLU:
    return qr_write_conllu(&j->out, text, len, t, sents, s0, s1, "", &j->sent_no, 0);
  case FMT_JSONL: return write_jsonl(j, text, t, sents, s0, s1);
  default: return qr_write_tokenized(&j->out, text, t, sents, s0, s1);
  }
}

static qr_status run_block(tokjob *j, const char *text, size_t len) {
  qr_tokens_reset(&j->toks);
  qr_sentences_reset(&j->sents);
  qr_status rc = qr_tokenize(j->seg, text, len, &j->toks);
  if (!rc) rc = qr_split_sentences(j->seg, text, len, &j->toks, 0, &j->sents);
  if (rc) return rc;
  if (j->format == FMT_EXPLAIN) return qr_split_explain(j->seg, text, len, &j->toks, 0, &j->out);
  return write_sentences(j, text, len, &j->toks, &j->sents, 0, j->sents.n);
}

/* A plain-text file (or standard input): refused when it holds a NUL byte
 * (binary data), warned about when it holds invalid UTF-8, then done in
 * blocks. Returns an exit code. */
static int tokens_of_text(tokjob *j, cli_output *out, const char *path, int many) {
  qr_error err = {0};
  qr_file in;
  if (qr_file_open(&in, path, &err)) return cli_fail("tokens", EXIT_DATA, "%s", err.msg);
  j->doc = strcmp(path, "-") == 0 ? "<stdin>" : path;
  int code = EXIT_OK;
  if (qr_utf16_likely(in.data, in.len)) {
    qr_file_close(&in);
    return cli_fail("tokens", EXIT_DATA, "%s: UTF-16 text, not UTF-8 (iconv -f UTF-16 -t UTF-8 "
                    "converts it)", j->doc);
  }
  const char *nul = in.len ? memchr(in.data, '\0', in.len) : NULL;
  size_t bad_at, nbad = qr_utf8_check(in.data, in.len, &bad_at);
  if (nul || nbad) {
    size_t at = nul ? (size_t)(nul - in.data) : bad_at, line = 1, col = 1;
    for (size_t k = 0; k < at; k++) {
      if (in.data[k] == '\n') line++, col = 1;
      else col++;
    }
    if (nul)
      code = cli_fail("tokens", EXIT_DATA,
                      "%s:%zu:%zu: NUL byte: this looks like a binary file, not UTF-8 text",
                      j->doc, line, col);
    else
      fprintf(stderr, "quarry tokens: %s:%zu:%zu: invalid UTF-8 (%zu invalid sequence(s) in the "
              "file; written as U+FFFD)\n", j->doc, line, col, nbad);
  }
  if (code == EXIT_OK && j->format == FMT_CONLLU && many &&
      qr_buf_printf(&j->out, "# newdoc id = %s\n", j->doc))
    code = cli_fail("tokens", EXIT_DATA, "out of memory");
  int warned = 0;
  for (size_t a = 0; a < in.len && code == EXIT_OK;) {
    size_t e = qr_text_block_end(in.data, in.len, a);
    if (!warned && qr_text_block_cuts_token(in.data, in.len, a, e)) {
      size_t line = 1, col = 1;
      for (size_t k = 0; k < e; k++) {
        if (in.data[k] == '\n') line++, col = 1;
        else col++;
      }
      fprintf(stderr, "quarry tokens: %s:%zu:%zu: no white space for more than %zu bytes: the run "
              "is cut into tokens of that size, the longest a token is\n", j->doc, line, col,
              QR_TEXT_LONGEST_TOKEN);
      warned = 1;
    }
    j->base = a;
    qr_status rc = run_block(j, in.data + a, e - a);
    if (rc) code = cli_fail("tokens", EXIT_DATA, "%s: %s", j->doc, qr_status_string(rc));
    else if (cli_flush(out, &j->out) < 0) code = cli_fail("tokens", EXIT_DATA, "cannot write output");
    a = e;
  }
  qr_file_close(&in);
  return code;
}

/* A JSON Lines file: the text of each record is a document of its own
 * (loaded as quarry.open loads it, so the records are checked the same way
 * and the tokens made once). Returns an exit code. */
static int tokens_of_jsonl(tokjob *j, cli_output *out, const char *path) {
  qr_error err = {0};
  qr_corpus *c = qr_corpus_new();
  if (!c) return cli_fail("tokens", EXIT_DATA, "out of memory");
  qr_corpus_use_segmenter(c, j->seg);
  int code = EXIT_OK;
  if (qr_corpus_add_path(c, path, &err)) code = cli_fail("tokens", EXIT_DATA, "%s", err.msg);
  for (size_t k = 0; code == EXIT_OK && k < qr_corpus_nwarnings(c); k++)
    fprintf(stderr, "quarry tokens: %s\n", qr_corpus_warning(c, k));
  for (size_t d = 0; code == EXIT_OK && d < qr_corpus_ndocs(c); d++) {
    qr_doc doc;
    qr_corpus_doc(c, d, &doc);
    j->doc = doc.id;
    j->base = 0;
    qr_status rc;
    if (j->format == FMT_EXPLAIN) {
      rc = run_block(j, doc.text, doc.len);
    } else {
      rc = j->format == FMT_CONLLU ? qr_buf_printf(&j->out, "# newdoc id = %s\n", doc.id) : QR_OK;
      if (!rc)
        rc = write_sentences(j, doc.text, doc.len, qr_corpus_tokens(c), qr_corpus_sentences(c),
                             doc.sent_first, doc.sent_first + doc.sent_count);
    }
    if (rc) code = cli_fail("tokens", EXIT_DATA, "%s: %s", doc.id, qr_status_string(rc));
    else if (cli_flush(out, &j->out) < 0) code = cli_fail("tokens", EXIT_DATA, "cannot write output");
  }
  qr_corpus_free(c);
  return code;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* --abbreviations: a file in the lexicon format, or built-in sets named
 * with @ ("@legal,@biomedical"). */
qr_status cli_load_abbrevs(qr_segmenter *seg, const char *spec, qr_error *err) {
  if (spec[0] == '@') return qr_segmenter_load_abbrev_sets(seg, spec, err);
  qr_file af;
  qr_status rc = qr_file_open(&af, spec, err);
  if (!rc) rc = qr_segmenter_load_abbrevs(seg, af.data, af.len, spec, err);
  qr_file_close(&af);   /* (also after a failed open, which leaves it empty) */
  return rc;
}

/* --learn-abbreviations: a first pass over every input learns the
 * abbreviations of these texts (reported on standard error). Standard input
 * cannot be read twice, so it is refused here. */
static qr_status learn_first(qr_segmenter *seg, const char **files, int nfiles, qr_error *err) {
  qr_file *in = calloc((size_t)nfiles, sizeof *in);
  const char **texts = calloc((size_t)nfiles, sizeof *texts);
  size_t *lens = calloc((size_t)nfiles, sizeof *lens);
  qr_status rc = in && texts && lens ? QR_OK : qr_error_set(err, QR_ENOMEM, "out of memory");
  int opened = 0;
  for (int f = 0; rc == QR_OK && f < nfiles; f++) {
    if (strcmp(files[f], "-") == 0) {
      rc = qr_error_set(err, QR_EARG, "--learn-abbreviations needs files, not standard input");
      break;
    }
    rc = qr_file_open(&in[f], files[f], err);
    if (rc) break;
    opened++;
    texts[f] = in[f].data;
    lens[f] = in[f].len;
  }
  qr_learned_abbrev *learned = NULL;
  size_t n = 0;
  if (rc == QR_OK) {
    rc = qr_segmenter_learn_abbrevs(seg, texts, lens, (size_t)nfiles, 0, &learned, &n);
    if (rc) qr_error_set(err, rc, "learning abbreviations: %s", qr_status_string(rc));
  }
  if (rc == QR_OK) {
    fprintf(stderr, "quarry tokens: learned %zu abbreviation%s", n, n == 1 ? "" : "s");
    for (size_t k = 0; k < n; k++)
      fprintf(stderr, "%s %s (%u/%u)", k ? "," : ":", learned[k].text, learned[k].with_period,
              learned[k].with_period + learned[k].without);
    fputc('\n', stderr);
  }
  free(learned);
  for (int f = 0; f < opened; f++) qr_file_close(&in[f]);
  free(in);
  free(texts);
  free(lens);
  return rc;
}

int cmd_tokens(int argc, char **argv) {
  cli_opts o;
  if (cli_parse("tokens", argc, argv, 2,
                "format output abbreviations model learn-abbreviations", &o) < 0)
    return EXIT_USAGE;
  if (o.help) {
    cli_opts_free(&o);
    cli_usage(stdout, "tokens");
    return EXIT_OK;
  }
  int format = FMT_TEXT;
  if (o.format) {
    if (strcmp(o.format, "conllu") == 0) format = FMT_CONLLU;
    else if (strcmp(o.format, "jsonl") == 0) format = FMT_JSONL;
    else if (strcmp(o.format, "text") == 0) format = FMT_TEXT;
    else if (strcmp(o.format, "explain") == 0) format = FMT_EXPLAIN;
    else {
      cli_opts_free(&o);
      return cli_fail("tokens", EXIT_USAGE, "unknown format '%s' (expected text, conllu, jsonl or explain)",
                      o.format);
    }
  }
  static const char *stdin_only[] = {"-"};
  const char **files = o.nargs ? o.args : stdin_only;
  int nfiles = o.nargs ? o.nargs : 1;

  int code = EXIT_OK;
  qr_error err = {0};
  tokjob j;
  memset(&j, 0, sizeof j);
  j.format = format;
  qr_segmenter *seg = qr_segmenter_new();
  cli_output out = {0};
  if (!seg) {
    code = cli_fail("tokens", EXIT_DATA, "out of memory");
    goto done;
  }
  if (o.abbrevs && cli_load_abbrevs(seg, o.abbrevs, &err)) {
    code = cli_fail("tokens", EXIT_DATA, "%s", err.msg);
    goto done;
  }
  if (o.model && strcmp(o.model, "none") == 0) {
    qr_segmenter_set_model(seg, NULL);
  } else if (o.model) {
    qr_file mf;
    qr_sentmodel *m = NULL;
    if (qr_file_open(&mf, o.model, &err) ||
        qr_sentmodel_load(&m, mf.data, mf.len, o.model, &err)) {
      qr_file_close(&mf);
      code = cli_fail("tokens", EXIT_DATA, "%s", err.msg);
      goto done;
    }
    qr_file_close(&mf);
    qr_segmenter_set_model(seg, m);
  }
  if (o.learn && learn_first(seg, files, nfiles, &err) != QR_OK) {
    code = cli_fail("tokens", EXIT_DATA, "%s", err.msg);
    goto done;
  }
  j.seg = seg;
  if (cli_output_open(&out, o.output, &err) < 0) {
    code = cli_fail("tokens", EXIT_DATA, "%s", err.msg);
    goto done;
  }
  for (int f = 0; f < nfiles && code == EXIT_OK; f++)
    code = ends_with(files[f], ".jsonl") ? tokens_of_jsonl(&j, &out, files[f])
                                         : tokens_of_text(&j, &out, files[f], nfiles > 1);
  if (code == EXIT_OK) {
    if (cli_output_commit(&out, &err) < 0) code = cli_fail("tokens", EXIT_DATA, "%s", err.msg);
  } else {
    cli_output_abort(&out);
  }
done:
  qr_tokens_free(&j.toks);
  qr_sentences_free(&j.sents);
  qr_buf_free(&j.out);
  qr_segmenter_free(seg);
  cli_opts_free(&o);
  return code;
}
