#!/usr/bin/env python3
"""Precision and recall per type of system mentions against the gold ones
(`make eval`): the same spans as ../shared/eval/entities/entscore (exact
span and type; NORP left out), counted by type.

usage: types.py GOLD.jsonl GOLD_TEXT_DIR SYSTEM.jsonl CORPUS_DIR

SYSTEM.jsonl: quarry's mentions, start and stop in bytes (from 1, stop
included), with their text; documents are matched by content."""
import collections, hashlib, json, os, sys


def main(gold_path, gold_dir, sys_path, corpus_dir):
    by_hash = {}
    for name in os.listdir(gold_dir):
        if name.endswith(".txt"):
            by_hash[hashlib.sha256(open(os.path.join(gold_dir, name), "rb").read()).hexdigest()] = name
    texts, doc_of = {}, {}
    for root, _, files in os.walk(corpus_dir):
        for f in files:
            p = os.path.join(root, f)
            b = open(p, "rb").read()
            h = hashlib.sha256(b).hexdigest()
            if h in by_hash:
                for key in (os.path.relpath(p, corpus_dir), p, f):
                    doc_of[key] = by_hash[h]
                texts[by_hash[h]] = b
    gold = set()
    for line in open(gold_path, encoding="utf-8"):
        g = json.loads(line)
        if g["type"] != "NORP":
            gold.add((g["doc"], g["start"], g["end"], g["type"]))
    system = set()
    for line in open(sys_path, encoding="utf-8"):
        s = json.loads(line)
        doc = doc_of.get(s["doc"])
        if doc is None or s["type"] == "NORP":
            continue
        b = texts[doc]
        start = len(b[: s["start"] - 1].decode("utf-8", "replace"))
        end = start + len(b[s["start"] - 1 : s["stop"]].decode("utf-8", "replace"))
        system.add((doc, start, end, s["type"]))
    types = sorted({t for *_, t in gold | system})
    print(f"{'type':10} {'gold':>5} {'system':>7} {'right':>6} {'precision':>10} {'recall':>7}")
    for t in types:
        g = {x for x in gold if x[3] == t}
        s = {x for x in system if x[3] == t}
        c = len(g & s)
        p = 100 * c / len(s) if s else 0.0
        r = 100 * c / len(g) if g else 0.0
        print(f"{t:10} {len(g):5} {len(s):7} {c:6} {p:10.2f} {r:7.2f}")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
