#!/usr/bin/env python3
"""Measure copydesk's accuracy: findings per rule on edited copy, recall on mined errors, and
what it finds in the uncorrected versions of stories Reuters later corrected.

    cargo build --release
    python3 scripts/accuracy.py            # expands the corpora into /tmp on first use

Prints markdown tables that docs/accuracy.md records. The corpora under ../shared/corpus are
copyrighted news for internal evaluation: this script reads them in place and writes only into
the work directory (default /tmp/copydesk-accuracy); nothing of them enters the project.
"""

import argparse
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus"))


def set_corpus(path):
    """Points the script at the corpus directory, or stops with an error that names it."""
    global CORPUS
    CORPUS = os.path.abspath(path)
    if not os.path.isfile(os.path.join(CORPUS, "expand.py")):
        sys.exit(f"error: no corpus at {CORPUS}: the evaluation corpora live in ../shared/corpus beside "
                 "the project on the team's machines; pass --corpus DIR to use another copy")


def expand(name, work):
    out = os.path.join(work, name)
    if not os.path.isdir(out):
        if name == "bbc-news-2004-2005":
            os.makedirs(out)
            for section in ("business", "entertainment", "politics", "sport", "tech"):
                src = os.path.join(CORPUS, name, section)
                os.makedirs(os.path.join(out, section))
                for f in os.listdir(src):
                    with open(os.path.join(src, f), "rb") as a, open(os.path.join(out, section, f), "wb") as b:
                        b.write(a.read())
        else:
            subprocess.run([sys.executable, os.path.join(CORPUS, "expand.py"), name, out], check=True,
                           stdout=subprocess.DEVNULL)
    return out


def lint(binary, paths, extra=()):
    run = subprocess.run([binary, "check", "--format", "json", "--fail-level", "error", *extra, *paths],
                         capture_output=True, text=True)
    if run.returncode == 2:
        sys.exit(run.stderr)
    return json.loads(run.stdout)


def per_rule(report):
    counts = collections.Counter(d["rule"] for d in report["diagnostics"])
    levels = {d["rule"]: d["severity"] for d in report["diagnostics"]}
    return counts, levels


def char_to_byte(text, offset):
    return len(text[:offset].encode("utf-8"))


def mined(binary, dirs):
    """Recall on the mined error candidates: does a finding cover the candidate's match?"""
    rows = [json.loads(line) for line in open(os.path.join(CORPUS, "mined-error-candidates", "candidates.jsonl"))]
    files = {}
    for r in rows:
        if r["corpus"] == "bbc-news-2004-2005":
            _, section, number = r["id"].split("-")
            path = os.path.join(dirs["bbc-news-2004-2005"], section, number + ".txt")
            shift = 0
        else:
            path = os.path.join(dirs[r["corpus"]], r["id"] + ".txt")
            with open(path, encoding="utf-8") as f:
                head = f.read().split("\n\n", 1)[0]
            shift = len(head) + 2
        files.setdefault(path, []).append((r, shift))
    report = lint(binary, sorted(files))
    by_path = collections.defaultdict(list)
    for d in report["diagnostics"]:
        by_path[d["path"]].append(d)
    table = collections.defaultdict(lambda: [0, 0])
    missed = []
    for path, items in files.items():
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for r, shift in items:
            start = char_to_byte(text, r["offset"] + shift)
            end = start + len(r["match"].encode("utf-8"))
            hit = any(d["start"] < end and start < d["end"] for d in by_path[path])
            key = (r["type"], "likely error" if r.get("likely_error", r["type"] != "doubled_word") else "unverified")
            table[key][0] += hit
            table[key][1] += 1
            if not hit:
                missed.append((r["type"], r["match"], r.get("likely_error")))
    print("\n## Recall on mined error candidates\n")
    print("| type | candidates | found by copydesk |")
    print("|---|---:|---:|")
    for (kind, likely), (hit, total) in sorted(table.items()):
        print(f"| {kind} ({likely}) | {total} | {hit} |")
    misses = collections.Counter(m[1] for m in missed)
    print("\nNot found (most common):", ", ".join(f"`{m}` x{n}" for m, n in misses.most_common(25)))


def corrections(binary):
    """Which findings in an uncorrected story are gone once Reuters corrected it, by kind of correction."""
    base = os.path.join(CORPUS, "reuters-corrections-eval", "pairs")
    pairs = sorted(os.listdir(base))
    categories = {}
    with open(os.path.join(ROOT, "scripts", "correction-categories.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            pair, category, present = line.rstrip("\n").split("\t")
            categories[pair] = (category, present == "yes")
    found = {}
    for version in ("uncorrected", "corrected"):
        paths = [os.path.join(base, p, version + ".txt") for p in pairs]
        by_path = collections.defaultdict(list)
        for d in lint(binary, paths)["diagnostics"]:
            if d["severity"] in ("error", "warning"):
                by_path[d["path"]].append(d)
        for p, path in zip(pairs, paths):
            with open(path, encoding="utf-8") as f:
                data = f.read().encode("utf-8")
            found[p, version] = [(d["rule"], data[d["start"]:d["end"]].decode("utf-8", "replace")) for d in by_path[path]]
    print("\n## Correction pairs\n")
    table = collections.defaultdict(lambda: [0, 0, 0])
    gone = []
    for p in pairs:
        category, present = categories[p]
        before = found[p, "uncorrected"]
        after = collections.Counter(found[p, "corrected"])
        row = table[category]
        row[0] += 1
        row[1] += present
        for item in before:
            if after[item]:
                after[item] -= 1
            else:
                gone.append((p, category, *item))
                row[2] += 1
    print("| correction | pairs | error in the uncorrected text | warnings gone after correction |")
    print("|---|---:|---:|---:|")
    for category, (n, present, g) in sorted(table.items(), key=lambda kv: -kv[1][0]):
        print(f"| {category} | {n} | {present} | {g} |")
    print("\nWarnings present before the correction and gone after it (read each against the correction note):\n")
    for p, category, rule, written in gone:
        print(f"- pair {p} ({category}): {rule} on `{written[:60]}`")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "copydesk"))
    parser.add_argument("--work", default="/tmp/copydesk-accuracy")
    parser.add_argument("--corpus", default=CORPUS, help="the shared corpus directory (default: %(default)s)")
    args = parser.parse_args()
    set_corpus(args.corpus)
    if not os.path.isfile(args.binary):
        sys.exit(f"error: no copydesk binary at {args.binary}: run `cargo build --release` first")
    os.makedirs(args.work, exist_ok=True)
    names = ["reuters-financial-2006-2013", "bbc-news-2004-2005", "reuters-21578"]
    dirs = {name: expand(name, args.work) for name in names}

    print("## Findings per rule on edited copy\n")
    reports = {name: lint(args.binary, [dirs[name]]) for name in names[:2]}
    counts = {name: per_rule(r) for name, r in reports.items()}
    files = {name: r["summary"]["files"] for name, r in reports.items()}
    rules = sorted(set().union(*(c[0] for c in counts.values())))
    levels = {}
    for c in counts.values():
        levels.update(c[1])
    print("| rule | level | Reuters | per 1k | BBC | per 1k |")
    print("|---|---|---:|---:|---:|---:|")
    for rule in sorted(rules, key=lambda r: (-sum(c[0][r] for c in counts.values()), r)):
        cells = []
        for name in names[:2]:
            n = counts[name][0][rule]
            cells += [str(n), f"{1000 * n / files[name]:.1f}"]
        print(f"| `{rule}` | {levels[rule]} | " + " | ".join(cells) + " |")
    for name in names[:2]:
        s = reports[name]["summary"]
        print(f"\n{name}: {files[name]} articles; {s['errors'] + s['warnings']} findings at warning level or "
              f"above ({(s['errors'] + s['warnings']) / files[name]:.3f} per article), {s['suggestions']} suggestions.")

    mined(args.binary, dirs)
    corrections(args.binary)


if __name__ == "__main__":
    main()
