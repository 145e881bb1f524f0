"""Throughput and latency over time, from the load test's timeline.csv, as a PNG.

Usage: plot.py TIMELINE_CSV OUT_PNG TITLE
"""

import csv
import sys

import matplotlib

matplotlib.use("Agg")  # no display: render straight to the file
import matplotlib.pyplot as plt  # noqa: E402

P95_TARGET_MS = 50
P99_TARGET_MS = 100
RPS_TARGET = 1000


def main(timeline_csv, out_png, title):
    with open(timeline_csv, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit(f"{timeline_csv}: no rows to plot")
    t = [int(r["second"]) for r in rows]
    column = lambda name, kind=float: [kind(r[name]) for r in rows]  # noqa: E731

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6.5), sharex=True, constrained_layout=True)
    fig.suptitle(title, fontsize=10)

    top.plot(t, column("requests", int), label="requests/s", color="tab:blue")
    top.plot(t, column("designed429", int), label="designed 429s/s (flood client)", color="tab:orange")
    top.plot(t, column("failures", int), label="unexpected failures/s", color="tab:red")
    top.axhline(RPS_TARGET, color="grey", linestyle=":", label=f"target > {RPS_TARGET} req/s")
    top.set_ylabel("per second")
    top.set_ylim(bottom=0)
    top.legend(loc="lower right", fontsize=8)
    top.grid(alpha=0.3)

    for name, color in (("p50_ms", "tab:green"), ("p95_ms", "tab:purple"), ("p99_ms", "tab:red")):
        bottom.plot(t, column(name), label=name.replace("_ms", ""), color=color)
    bottom.axhline(P95_TARGET_MS, color="tab:purple", linestyle=":", label=f"p95 target {P95_TARGET_MS} ms")
    bottom.axhline(P99_TARGET_MS, color="tab:red", linestyle=":", label=f"p99 target {P99_TARGET_MS} ms")
    # Log scale: the targets (tens of ms) and an overloaded run (seconds) both stay readable.
    bottom.set_yscale("log")
    bottom.set_ylabel("latency, ms (each second's requests)")
    bottom.set_xlabel("seconds since the start")
    bottom.legend(loc="best", fontsize=8)
    bottom.grid(alpha=0.3)

    fig.savefig(out_png, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
