#!/usr/bin/env python3
"""quarry_dask.py — runs a quarry map/reduce script over a JSON Lines file
on a Dask cluster (docs/scale.md).

    python3 quarry_dask.py --scheduler tcp://HOST:PORT SCRIPT INPUT.jsonl
                           [--shard-lines N] [--quarry PATH] [--gazetteer G]
                           [--param NAME=VALUE]... [--format F] [-o FILE]

The input is cut into shards of N lines; Dask runs one task per shard, each
`quarry map SCRIPT` on its shard's lines; the partials come back, are sorted
as `LC_ALL=C sort` sorts them (bytes), and `quarry reduce SCRIPT` here
writes the report. Dask does all the distribution: this file only cuts,
submits and sorts. SCRIPT, the gazetteer and quarry itself must be at the
same paths on the workers (as on one machine, or a shared file system).

Needs Python 3 and dask.distributed (Debian: python3-distributed).
"""
import argparse
import subprocess
import sys

from distributed import Client


def map_shard(quarry, script, options, data):
    """A Dask task: `quarry map` over one shard's bytes; returns its output
    and the worker's address (to show where it ran)."""
    from distributed import get_worker

    done = subprocess.run([quarry, "map", script] + options, input=data,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        raise RuntimeError("quarry map exited with status %d: %s"
                           % (done.returncode, done.stderr.decode("utf-8", "replace").strip()))
    return done.stdout, get_worker().address


def shards(path, lines_per_shard):
    """The file's lines, lines_per_shard at a time, as bytes."""
    shard, n = [], 0
    with open(path, "rb") as f:
        for line in f:
            if not line.endswith(b"\n"):
                line += b"\n"
            shard.append(line)
            n += 1
            if n == lines_per_shard:
                yield b"".join(shard)
                shard, n = [], 0
    if shard:
        yield b"".join(shard)


def main():
    ap = argparse.ArgumentParser(description="Run a quarry map/reduce script on Dask.")
    ap.add_argument("script")
    ap.add_argument("input", help="a JSON Lines file, one document a line")
    ap.add_argument("--scheduler", required=True, help="the scheduler's address (tcp://HOST:PORT)")
    ap.add_argument("--shard-lines", type=int, default=1000, help="lines of input per task")
    ap.add_argument("--quarry", default="quarry", help="the quarry binary, on the workers too")
    ap.add_argument("--gazetteer", help="passed to quarry map")
    ap.add_argument("--param", action="append", default=[], help="NAME=VALUE, to map and reduce")
    ap.add_argument("--format", help="passed to quarry reduce")
    ap.add_argument("-o", "--output", help="passed to quarry reduce")
    ap.add_argument("--wait-workers", type=int, default=0,
                    help="wait until this many workers are there before submitting")
    args = ap.parse_args()
    if args.shard_lines < 1:
        ap.error("--shard-lines must be 1 or more")

    params = []
    for p in args.param:
        params += ["--param", p]
    map_options = params + (["--gazetteer", args.gazetteer] if args.gazetteer else [])
    reduce_options = params + (["--format", args.format] if args.format else []) \
        + (["-o", args.output] if args.output else [])

    with Client(args.scheduler, timeout=30) as client:
        if args.wait_workers:
            client.wait_for_workers(args.wait_workers, timeout=60)
        futures = [client.submit(map_shard, args.quarry, args.script, map_options, data,
                                 pure=False)
                   for data in shards(args.input, args.shard_lines)]
        results = client.gather(futures)
    workers = sorted({w for _, w in results})
    print("quarry_dask: %d shards on %d workers: %s" % (len(results), len(workers),
                                                         " ".join(workers)), file=sys.stderr)

    # the shuffle: every line of every shard, in byte order, as LC_ALL=C sort gives them
    lines = [l for out, _ in results for l in out.split(b"\n") if l]
    lines.sort()
    done = subprocess.run([args.quarry, "reduce", args.script] + reduce_options,
                          input=b"".join(l + b"\n" for l in lines), check=False)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
