"""Ingest throughput against raw natasha NER on the same texts, measured in one run.

    python bench/bench_ingest.py --n 1000 [--workers 2] [--out docs/benchmarks.md]

Baseline: natasha's Segmenter + NewsNERTagger over each generated document (what any
project would do first). Measured: opis ingest into a fresh SQLite file — with every
enrichment step, without entity recognition, and with N worker processes. Ratios are
documents/s of ours over the baseline's, so they travel between machines.
"""

from __future__ import annotations

import os

# the same BLAS threading as `opis` sets for itself, so baseline and ours compare fairly
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402


def natasha_baseline(paths: list[Path]) -> float:
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    segmenter, tagger = Segmenter(), NewsNERTagger(NewsEmbedding())
    texts = [p.read_text(encoding="utf-8") for p in paths]
    start = time.perf_counter()
    for text in texts:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)
    return len(texts) / (time.perf_counter() - start)


def opis_ingest(corpus: Path, workers: int, skip: list[str]) -> tuple[float, int]:
    """Documents per second and peak RSS (KiB) of `opis ingest` in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        cmd = [sys.executable, "-m", "opis", "ingest", str(corpus), "--db", str(db),
               "--workers", str(workers), "--format", "json"]
        for s in skip:
            cmd += ["--skip", s]
        n = sum(1 for _ in corpus.iterdir())
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return n / elapsed, max(peak, before)


def machine() -> str:
    load = ", load average %.1f at start" % os.getloadavg()[0]
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}{load}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, help="append a Markdown table here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        paths = write_corpus(corpus, args.n, args.seed)
        print(f"corpus: {args.n} documents, machine: {machine()}")
        base = natasha_baseline(paths)
        print(f"baseline natasha NER: {base:8.1f} docs/s")
        rows = [("natasha NER alone (baseline)", base, None, 1.0)]
        for label, workers, skip in (
            ("opis ingest, all steps, 1 worker", 1, []),
            ("opis ingest, no NER, 1 worker", 1, ["entities"]),
            (f"opis ingest, all steps, {args.workers} workers", args.workers, []),
        ):
            rate, peak = opis_ingest(corpus, workers, skip)
            rows.append((label, rate, peak, rate / base))
            print(f"{label:40s} {rate:8.1f} docs/s  ratio {rate / base:5.2f}x  peak RSS {peak / 1024:.0f} MiB")
        one = rows[1][1]
        many = rows[3][1]
        print(f"speed-up {args.workers} workers vs 1: {many / one:.2f}x")
    if args.out:
        lines = [f"\n### Ingest, {args.n} documents ({time.strftime('%Y-%m-%d')}; {machine()})\n",
                 "| run | docs/s | vs natasha | peak RSS |", "| --- | ---: | ---: | ---: |"]
        for label, rate, peak, ratio in rows:
            lines.append(f"| {label} | {rate:.1f} | {ratio:.2f}x | {'' if peak is None else f'{peak / 1024:.0f} MiB'} |")
        lines.append(f"\nSpeed-up of {args.workers} workers over 1: **{many / one:.2f}x**.\n")
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
