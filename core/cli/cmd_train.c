/* cmd_train.c — `quarry train-segmenter`: learn a sentence-boundary model
 * from gold CoNLL-U files, so that users can train on their own data. */
#include <string.h>

#include "cli/cli.h"
#include "quarry/file.h"
#include "quarry/text.h"

static qr_status add_document(void *arg, const char *text, size_t len, const size_t *starts,
                              size_t nstarts) {
  return qr_sentmodel_trainer_add(arg, text, len, starts, nstarts);
}

int cmd_train_segmenter(int argc, char **argv) {
  cli_opts o;
  if (cli_parse("train-segmenter", argc, argv, 2, "output epochs min-count margin abbreviations",
                &o) < 0)
    return EXIT_USAGE;
  if (o.help) {
    cli_opts_free(&o);
    cli_usage(stdout, "train-segmenter");
    return EXIT_OK;
  }
  int code = EXIT_OK;
  if (o.nargs < 1 || !o.output) {
    cli_opts_free(&o);
    return cli_fail("train-segmenter", EXIT_USAGE,
                    "usage: quarry train-segmenter FILE.conllu... -o MODEL");
  }
  int epochs = o.epochs > 0 ? o.epochs : 10;
  qr_error err = {0};
  /* the rules of a segmenter without a model: the model learns on top of them */
  qr_segmenter *seg = qr_segmenter_new();
  qr_sentmodel_trainer *tr = NULL;
  qr_buf model = {0}, comment = {0};
  cli_output out = {0};
  if (!seg) {
    code = cli_fail("train-segmenter", EXIT_DATA, "out of memory");
    goto done;
  }
  qr_segmenter_set_model(seg, NULL);
  if (o.abbrevs && cli_load_abbrevs(seg, o.abbrevs, &err)) {
    code = cli_fail("train-segmenter", EXIT_DATA, "%s", err.msg);
    goto done;
  }
  tr = qr_sentmodel_trainer_new(seg);
  if (!tr) {
    code = cli_fail("train-segmenter", EXIT_DATA, "out of memory");
    goto done;
  }
  qr_buf_puts(&comment, "trained by quarry train-segmenter on");
  for (int f = 0; f < o.nargs; f++) {
    qr_file in;
    if (qr_file_open(&in, o.args[f], &err)) {
      code = cli_fail("train-segmenter", EXIT_DATA, "%s", err.msg);
      goto done;
    }
    qr_status rc = qr_conllu_documents(in.data, in.len, o.args[f], add_document, tr, &err);
    qr_file_close(&in);
    if (rc) {
      code = cli_fail("train-segmenter", EXIT_DATA, "%s", err.msg);
      goto done;
    }
    const char *base = strrchr(o.args[f], '/');
    qr_buf_printf(&comment, " %s", base ? base + 1 : o.args[f]);
  }
  qr_train_report rep;
  if (qr_sentmodel_trainer_train(tr, epochs, o.min_count > 0 ? o.min_count : 1,
                                 o.margin >= 0 ? o.margin : 2.0, comment.data, &model, &rep,
                                 &err)) {
    code = cli_fail("train-segmenter", EXIT_DATA, "%s", err.msg);
    goto done;
  }
  if (cli_output_open(&out, o.output, &err) < 0) {
    code = cli_fail("train-segmenter", EXIT_DATA, "%s", err.msg);
    goto done;
  }
  if (cli_flush(&out, &model) < 0 || cli_output_commit(&out, &err) < 0) {
    if (out.fp) cli_output_abort(&out);
    code = cli_fail("train-segmenter", EXIT_DATA, "%s", err.msg[0] ? err.msg : "cannot write");
    goto done;
  }
  fprintf(stderr,
          "quarry train-segmenter: %zu documents, %zu gaps, %zu candidates (%zu boundaries, "
          "%zu gold starts inside a token)\n"
          "  rules alone: %.2f%% of candidates right; model: %.2f%% in the last epoch\n"
          "  %zu weights written to %s\n",
          rep.texts, rep.gaps, rep.candidates, rep.boundaries, rep.unreachable,
          100 * rep.rules_accuracy, 100 * rep.accuracy, rep.features, o.output);
done:
  qr_sentmodel_trainer_free(tr);
  qr_segmenter_free(seg);
  qr_buf_free(&model);
  qr_buf_free(&comment);
  cli_opts_free(&o);
  return code;
}
