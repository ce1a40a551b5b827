/* usage.c — the help text of every command. */
#include <string.h>

#include "cli/cli.h"

typedef struct usage {
  const char *cmd;
  const char *text;
} usage;

static const char overview[] =
  "quarry — a corpus-analysis workbench\n"
  "\n"
  "usage: quarry COMMAND [ARGS] [--help]\n"
  "       quarry              (the REPL, on corpus/ when there is one)\n"
  "\n"
  "commands:\n"
  "  repl [CORPUS...]          the interactive REPL (the corpus is open as `c`)\n"
  "  run SCRIPT [CORPUS...]    run a Lua script (the corpus is open as `corpus`)\n"
  "  tokens [FILE...|-]        tokenize and split into sentences\n"
  "  entities CORPUS...        list the gazetteer's entities found in a corpus\n"
  "  gazetteer compile|stats   compile gazetteers into one file; what they hold\n"
  "  candidates CORPUS...      list capitalised names the gazetteer does not know\n"
  "  train-segmenter FILE...   learn sentence boundaries from gold CoNLL-U\n"
  "  version                   print the version\n"
  "  help [COMMAND]            this text, or the help of a command\n"
  "\n"
  "-o FILE, wherever a command takes it: a file is replaced whole, and only\n"
  "when the command succeeds (the old one keeps its place until then, and its\n"
  "mode after); a symbolic link is followed and stays a link; a device, a FIFO\n"
  "(which waits for its reader) or /dev/stdout is written in place; a\n"
  "directory is an error. README.md, \"Files quarry writes\", has the details.\n"
  "\n"
  "CORPUS, wherever a command takes it: directories of *.txt files, text\n"
  "files, .jsonl files. A file of a directory (or one of several paths) that\n"
  "cannot be read as text (binary, not UTF-8, a broken link, unreadable) is\n"
  "skipped with a warning naming it and why; --strict makes it an error. A\n"
  "single file named alone that cannot be read is always an error.\n"
  "\n"
  "exit status: 0 ok, 1 data or script error, 2 usage error.\n"
  "Documentation: README.md and docs/ (docs/lua-api.md for scripts).\n";

static const usage usages[] = {
  {"repl",
   "usage: quarry repl [CORPUS...] [--gazetteer FILE] [--max-memory SIZE]\n"
   "       quarry\n"
   "\n"
   "An interactive Lua session over a corpus: the CORPUS paths (or corpus/ in\n"
   "the current directory, when there is one) are open as `c`. A line that is\n"
   "an expression prints its value; an unfinished statement goes on over the\n"
   "next lines; Tab completes; Ctrl-C stops what runs (or drops the line being\n"
   "typed); Ctrl-D or :quit ends. :help lists the REPL's commands and the API.\n"
   "History is kept in $XDG_STATE_HOME/quarry/history (~/.quarry_history when\n"
   "XDG_STATE_HOME is not set).\n"
   "\n"
   "When standard input is not a terminal, it is read and run as one script,\n"
   "without prompts: `quarry < session.lua`.\n"
   "\n"
   "options:\n"
   "  --gazetteer FILE    entities to look up (default: gazetteer.tsv in the\n"
   "                      corpus directory, when there is one)\n"
   "  --max-memory SIZE   the most Lua heap the session may use (default 4G)\n"
   "  --strict            a file of the corpus that cannot be read is an error\n"
   "                      (by default it is skipped with a warning)\n"
   "\n"
   "docs/repl.md has the whole story.\n"},
  {"run",
   "usage: quarry run SCRIPT [CORPUS...] [options] [-- ARGS...]\n"
   "\n"
   "Runs the Lua script SCRIPT. When CORPUS paths are given (directories of\n"
   "*.txt files, text files, or .jsonl files with one document per line) they\n"
   "are opened as one corpus, available to the script as the global `corpus`;\n"
   "a file among them that cannot be read is skipped with a warning (see\n"
   "--strict).\n"
   "The script gets ARGS in the table `arg` (arg[0] is the script) and the\n"
   "globals `quarry` and `report`.\n"
   "\n"
   "options:\n"
   "  --gazetteer FILE    entities to look up (default: gazetteer.tsv in the\n"
   "                      corpus directory, when there is one)\n"
   "  --format FORMAT     how report.table() and print write: table (default),\n"
   "                      csv, json, jsonl, md\n"
   "  -o, --output FILE   write the report to FILE (replaced whole, only when\n"
   "                      the script succeeds; see quarry help)\n"
   "  --max-memory SIZE   stop the script when its Lua heap exceeds SIZE\n"
   "                      (e.g. 512M, 4G; default 4G)\n"
   "  --timeout SECONDS   stop the script after SECONDS\n"
   "  --strict            a file of the corpus that cannot be read is an error\n"
   "                      (by default it is skipped with a warning)\n"
   "\n"
   "A script error prints file:line and a traceback and exits 1.\n"},
  {"tokens",
   "usage: quarry tokens [FILE...|-] [--format text|conllu|jsonl|explain] [-o FILE]\n"
   "\n"
   "Tokenizes the files (standard input when none or '-') and splits them into\n"
   "sentences, following the UD English conventions. A .jsonl file holds one\n"
   "document per line (\"id\" and \"text\"), as quarry.open reads it. Invalid\n"
   "UTF-8 is reported and written as U+FFFD; a file with NUL bytes (binary) is\n"
   "refused.\n"
   "\n"
   "formats:\n"
   "  text     one sentence per line, tokens separated by spaces (default)\n"
   "  conllu   CoNLL-U with # sent_id, # text, multiword tokens, SpaceAfter=No\n"
   "  jsonl    one JSON object per token: doc, sent, i, text, kind, start, stop\n"
   "           (1-based inclusive byte offsets), parts, clitic, space_after\n"
   "  explain  one line per gap the rules or the model weigh: the words around\n"
   "           it, the rules' decision and why, the model's score and decision,\n"
   "           and the features that weigh most\n"
   "\n"
   "options:\n"
   "  --abbreviations FILE   more abbreviations (docs/segmentation.md)\n"
   "  --learn-abbreviations  first learn the abbreviations of these files (words\n"
   "                         nearly always followed by a period; listed on stderr)\n"
   "  --model FILE|none      the sentence-boundary model (default: the built-in one,\n"
   "                         trained on UD English-EWT; none: the rules alone)\n"
   "  -o, --output FILE      write to FILE instead of standard output\n"},
  {"train-segmenter",
   "usage: quarry train-segmenter FILE.conllu... -o MODEL [options]\n"
   "\n"
   "Learns where sentences end from gold CoNLL-U files (their # text lines, or\n"
   "their tokens, and # newpar / # newdoc marks give the raw text), and writes\n"
   "a model that `quarry tokens --model MODEL` uses: an averaged perceptron that\n"
   "adds the sentence boundaries the rules miss. The model file is text, one\n"
   "weight per line with its feature's name.\n"
   "\n"
   "options:\n"
   "  --epochs N             passes over the data (default 10)\n"
   "  --min-count N          leave out features seen fewer times (default 1)\n"
   "  --margin X             how far the model must lean to add a boundary the\n"
   "                         rules do not see (default 2)\n"
   "  --abbreviations FILE   more abbreviations for the tokenizer and the rules\n"},
  {"entities",
   "usage: quarry entities CORPUS... [--gazetteer FILE] [--format table|jsonl|tsv] [-o FILE]\n"
   "\n"
   "Lists every mention of a gazetteer entry in the corpus, in document order.\n"
   "The gazetteer defaults to gazetteer.tsv in the (first) corpus directory.\n"
   "\n"
   "formats:\n"
   "  table   an aligned table (default)\n"
   "  tsv     doc, start, stop, text, type, id separated by tabs, with a header\n"
   "  jsonl   one JSON object per mention: doc, start, stop, text, type, id\n"
   "          (start and stop are 1-based inclusive byte offsets)\n"
   "\n"
   "options:\n"
   "  --gazetteer FILE    entities to look up\n"
   "  -o, --output FILE   write to FILE (replaced whole, only on success)\n"
   "  --strict            a file of the corpus that cannot be read is an error\n"
   "                      (by default it is skipped with a warning)\n"},
  {"gazetteer",
   "usage: quarry gazetteer compile IN... -o FILE [--format tsv|jsonl|geonames]\n"
   "       quarry gazetteer stats FILE... [--format table|jsonl]\n"
   "\n"
   "compile reads gazetteers (TSV, JSON Lines, a GeoNames dump or compiled ones;\n"
   "the format is guessed from each file unless --format says it) into one and\n"
   "writes it compiled: a file that quarry maps and uses in place, so that it\n"
   "loads in milliseconds whatever its size. Give it wherever a gazetteer goes\n"
   "(--gazetteer FILE, quarry.open(path, {gazetteer = FILE})).\n"
   "\n"
   "stats prints, for each gazetteer, its entries, names and types, the memory\n"
   "it takes (in all and per entry), how long it took to load, and, for a\n"
   "compiled one, whether its checksum is right (exit status 1 if not).\n"
   "\n"
   "The formats are described in docs/gazetteer.md.\n"},
  {"candidates",
   "usage: quarry candidates CORPUS... [--gazetteer FILE] [--format table|jsonl|tsv]\n"
   "                         [--min-count N] [--top N] [--single] [-o FILE]\n"
   "\n"
   "Lists the capitalised multi-word names (Korean Central News Agency, Kim\n"
   "Jong-un) and all-capital acronyms (NATO, U.N.) of the corpus that the\n"
   "gazetteer does not know, most frequent first, then by the number of\n"
   "documents, with their first occurrence in context, so that you can add\n"
   "them to the gazetteer. Left out: known names, the first word of a sentence\n"
   "when it is only sentence case (The, After), titles right before a person's\n"
   "name (Foreign Minister), day and month names, title-case headlines. The\n"
   "gazetteer defaults to gazetteer.tsv in the (first) corpus directory;\n"
   "without one, every capitalised name is a candidate. docs/gazetteer.md\n"
   "tells the rules.\n"
   "\n"
   "options:\n"
   "  --min-count N   leave out names seen fewer than N times (default 2)\n"
   "  --top N         list at most N names\n"
   "  --single        also list single capitalised words seen away from the\n"
   "                  start of a sentence (Lankov, Rason)\n"
   "  --strict        a file of the corpus that cannot be read is an error\n"
   "                  (by default it is skipped with a warning)\n"
   "\n"
   "formats:\n"
   "  table   an aligned table: text, count, docs, context, example (default)\n"
   "  jsonl   one JSON object per name: text, count, docs, example (the\n"
   "          document of the first occurrence), start, stop (1-based inclusive\n"
   "          byte offsets in it), context\n"
   "  tsv     gazetteer lines to paste after review: id, a type guessed from\n"
   "          the last word followed by ? (ORG?, FAC?) or ? alone, the name, no\n"
   "          aliases, count=N;docs=N. A gazetteer refuses a type with ?, so\n"
   "          every line must be reviewed before it loads.\n"},
  {"version", "usage: quarry version\n\nPrints the version of quarry and of its Lua API.\n"},
  {"help", "usage: quarry help [COMMAND]\n\nPrints the overview, or the help of COMMAND.\n"},
  {NULL, NULL},
};

int cli_usage(FILE *fp, const char *cmd) {
  if (!cmd) {
    fputs(overview, fp);
    return 0;
  }
  for (const usage *u = usages; u->cmd; u++)
    if (strcmp(u->cmd, cmd) == 0) {
      fputs(u->text, fp);
      return 0;
    }
  return -1;
}
