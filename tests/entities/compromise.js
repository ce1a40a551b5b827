// tests/entities/compromise.js — the peer of `make eval`'s entity scores:
// compromise (npm) finds people, places and organisations in each .txt file
// of a directory; written as entscore's system JSON Lines (doc, start, stop
// in code points, text, type, id = the text), without the trailing
// punctuation and possessive that compromise keeps in a match.
//
//   node tests/entities/compromise.js DIR > peer.jsonl   (NODE_PATH: where compromise is)
const fs = require('fs');
const path = require('path');
const nlp = require('compromise');

const dir = process.argv[2];
const kinds = [['people', 'PERSON'], ['places', 'GPE'], ['organizations', 'ORG']];
for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
  const text = fs.readFileSync(path.join(dir, name), 'utf8');
  const doc = nlp(text);
  for (const [method, type] of kinds) {
    for (const m of doc[method]().json({ offset: true })) {
      // compromise's offsets count UTF-16 units; entscore wants code points
      const start = Array.from(text.slice(0, m.offset.start)).length;
      const surface = text.slice(m.offset.start, m.offset.start + m.offset.length)
        .replace(/[\s.,;:!?'"’”)]+$/u, '').replace(/['’]s$/u, '');
      const stop = start + Array.from(surface).length;
      process.stdout.write(JSON.stringify({ doc: name, start, stop, text: surface, type, id: surface }) + '\n');
    }
  }
}
