#!/usr/bin/env python3
"""Summarise a run-all.sh JSON lines file: median images/s per engine and ratios to deit4j.

With several rounds each cell shows the median, then [min-max, n=rounds].

Lines whose `mfu` is null get one computed against the GEMM peak that deit4j's own lines imply
(images_per_s * gflops_per_image / mfu, or an explicit `peak_gflops`), per dtype and thread count,
so every engine is held against the same measured peak. Standard library only.
Usage: python3 bench/peers/summarize.py FILE.jsonl [--markdown]
"""

import json
import statistics
import sys
from collections import defaultdict

ENGINES = ["deit4j", "onnxruntime", "pytorch-1.13+timm"]


def load(path):
    rows = []
    with open(path) as f:
        for raw in f:
            raw = raw.strip()
            if raw.startswith("{"):
                try:
                    rows.append(json.loads(raw))
                except json.JSONDecodeError:
                    pass  # a line cut by an interrupted run
    return rows


def engine_of(r):
    e = r.get("engine", "deit4j")
    return "deit4j" if e.startswith("deit4j") else e


def peaks(rows):
    """GEMM peak GFLOP/s per (dtype, threads), from deit4j's lines."""
    found = defaultdict(list)
    for r in rows:
        if engine_of(r) != "deit4j":
            continue
        key = (r.get("dtype"), r.get("threads"))
        if r.get("peak_gflops"):
            found[key].append(r["peak_gflops"])
        elif r.get("mfu") and r.get("achieved_gflops"):
            found[key].append(r["achieved_gflops"] / r["mfu"])
    return {k: statistics.median(v) for k, v in found.items()}


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    rows = load(argv[0])
    md = "--markdown" in argv
    peak = peaks(rows)
    groups = defaultdict(lambda: defaultdict(list))
    for r in rows:
        bench = r.get("mode") or ("train" if "teacher" in r else "infer")
        key = (bench, r["model"], r["batch"], r.get("dtype"), r.get("threads"))
        mfu = r.get("mfu")
        p = peak.get((r.get("dtype"), r.get("threads")))
        if mfu is None and p and r.get("gflops_per_image"):
            # training: over the student's share of the step, as deit4j's ThroughputRow
            ms = r.get("student_ms_per_batch") or r["ms_per_batch"]
            mfu = r["gflops_per_image"] * r["batch"] * 1e3 / ms / p
        groups[key][engine_of(r)].append((r["images_per_s"], mfu))
    present = [e for e in ENGINES if any(e in g for g in groups.values())]
    head = ["mode", "model", "batch", "dtype"] + [f"{e} img/s (mfu)" for e in present]
    head += [f"deit4j/{e}" for e in present if e != "deit4j"] if "deit4j" in present else []
    out = [head]
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2], str(k[3]))):
        g = groups[key]
        med = {e: statistics.median(v[0] for v in g[e]) for e in g}
        cells = list(map(str, key[:4]))
        for e in present:
            if e not in g:
                cells.append("-")
                continue
            mfus = [v[1] for v in g[e] if v[1] is not None]
            mfu = f" ({100 * statistics.median(mfus):.0f}%)" if mfus else ""
            ips = [v[0] for v in g[e]]
            # several rounds: show their spread, the honest error bar of a shared machine
            n = f" [{min(ips):.2f}-{max(ips):.2f}, n={len(ips)}]" if len(ips) > 1 else ""
            cells.append(f"{med[e]:.2f}{mfu}{n}")
        if "deit4j" in present:
            for e in present:
                if e != "deit4j":
                    ok = "deit4j" in med and e in med
                    cells.append(f"{med['deit4j'] / med[e]:.2f}x" if ok else "-")
        out.append(cells)
    if md:
        print("| " + " | ".join(out[0]) + " |")
        print("|" + "---|" * len(out[0]))
        for c in out[1:]:
            print("| " + " | ".join(c) + " |")
    else:
        widths = [max(len(row[i]) for row in out) for i in range(len(out[0]))]
        for row in out:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    if peak:
        print("GEMM peak from deit4j's lines: " + ", ".join(
            f"{d}/{t} threads {p:.1f} GFLOP/s" for (d, t), p in sorted(peak.items(), key=str)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
