#!/usr/bin/env python3
"""Run copydesk over a corpus of articles and report what each rule flags.

Prints, per rule, the number of findings and their rate per 1,000 articles, and (with --samples)
random findings with their context, for reviewing a rule's precision before it ships.

    cargo build --release
    python3 ../shared/corpus/expand.py reuters-financial-2006-2013 /tmp/corpus-reuters
    python3 scripts/corpus-report.py /tmp/corpus-reuters --samples 30 --rule News.Redundancy

The corpus under ../shared/corpus is copyrighted: read it and measure on it, never copy it into
the project.
"""

import argparse
import collections
import json
import os
import random
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="corpus directories or files")
    parser.add_argument("--binary", default="target/release/copydesk")
    parser.add_argument("--samples", type=int, default=0, help="random findings to show per rule")
    parser.add_argument("--rule", action="append", default=[], help="only these rules (repeatable)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    command = [args.binary, "check", "--format", "json", "--fail-level", "error"]
    for rule in args.rule:
        command += ["--select", rule]
    run = subprocess.run(command + args.paths, capture_output=True, text=True)
    if run.returncode == 2:
        sys.stderr.write(run.stderr)
        sys.exit(2)
    report = json.loads(run.stdout)
    files = report["summary"]["files"]
    by_rule = collections.defaultdict(list)
    for d in report["diagnostics"]:
        by_rule[d["rule"]].append(d)

    print(f"{files} articles; summary {report['summary']}")
    print(f"{'rule':36} {'level':10} {'findings':>8} {'per 1k':>7}")
    for rule in sorted(by_rule, key=lambda r: -len(by_rule[r])):
        found = by_rule[rule]
        print(f"{rule:36} {found[0]['severity']:10} {len(found):8} {1000 * len(found) / max(files, 1):7.2f}")

    if args.samples:
        rng = random.Random(args.seed)
        for rule in sorted(by_rule):
            found = by_rule[rule]
            picked = found if len(found) <= args.samples else rng.sample(found, args.samples)
            print(f"\n== {rule}: {len(picked)} of {len(found)}")
            for d in sorted(picked, key=lambda d: (d["path"], d["start"])):
                with open(d["path"], "rb") as f:
                    data = f.read()
                before = data[max(0, d["start"] - 60):d["start"]].decode("utf-8", "replace")
                hit = data[d["start"]:d["end"]].decode("utf-8", "replace")
                after = data[d["end"]:d["end"] + 40].decode("utf-8", "replace")
                context = f"{before}[[{hit}]]{after}".replace("\n", " ")
                print(f"  {os.path.basename(d['path'])[-24:]:24} {context}")


if __name__ == "__main__":
    main()
