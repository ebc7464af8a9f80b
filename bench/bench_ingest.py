"""Ingest throughput against raw natasha NER on the same texts, measured in one run.

    python bench/bench_ingest.py --n 1000 [--workers 2] [--out docs/benchmarks.md]
    python bench/bench_ingest.py --memory 10000 100000 [--workers 2] [--skip entities]

Baseline: natasha's Segmenter + NewsNERTagger over each generated document (what any
project would do first). Measured: opis ingest into a fresh SQLite file — with every
enrichment step, without entity recognition, and with N worker processes. Ratios are
documents/s of ours over the baseline's, so they travel between machines.

Memory mode (``--memory N [N ...]``): for each size, the corpus is written once under
``bench/out/`` (deterministic by seed, so the smaller corpus is the first N files of the
larger) and ``opis ingest`` (text output, as a user runs it) runs in a fresh child into a
fresh SQLite file. That run's own memory is measured two ways, never estimated: the peak
of the largest single process (``ru_maxrss`` from ``wait4`` on that child alone, which
covers the workers it waited for), and the peak of the whole process tree, sampled from
``/proc`` every 0.5 s as the sum of each process's proportional set size (PSS: pages the
forked workers share copy-on-write with the parent are split between them, not counted
twice) and, for comparison, the sum of plain RSS. Ingest streams if the peak at the
larger size stays close to the smaller.
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
import threading
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


def _tree(root: int) -> list[int]:
    """`root` and every process descended from it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _memory_kib(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in KiB, (0, 0) once it has gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


class TreeSampler(threading.Thread):
    """Peak summed PSS and RSS of a process tree, sampled every `interval` seconds."""

    def __init__(self, root: int, interval: float = 0.5):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_pss = self.peak_rss = self.peak_procs = self.samples = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            pids = _tree(self.root)
            sizes = [_memory_kib(pid) for pid in pids]
            self.peak_pss = max(self.peak_pss, sum(p for p, _ in sizes))
            self.peak_rss = max(self.peak_rss, sum(r for _, r in sizes))
            self.peak_procs = max(self.peak_procs, len(pids))
            self.samples += 1
            self.stopped.wait(self.interval)


def ensure_corpus(n: int, seed: int) -> Path:
    """bench/out/ingest_corpus_{n}_seed{seed}/, written once (deterministic by seed)."""
    folder = HERE / "out" / f"ingest_corpus_{n}_seed{seed}"
    done = folder.with_suffix(".done")
    if not done.exists():
        write_corpus(folder, n, seed)
        done.write_text(f"{n}\n", encoding="utf-8")
    return folder


def ingest_memory(corpus: Path, workers: int, skip: list[str]) -> dict:
    """One fresh `opis ingest` child: documents/s, its largest process's peak RSS (KiB,
    from wait4) and the sampled peaks of its whole tree (summed PSS and RSS, KiB)."""
    n = sum(1 for _ in corpus.iterdir())
    with tempfile.TemporaryDirectory(dir=HERE / "out") as tmp:
        # the text format, as a user runs it: `--format json` ends with a report of every
        # file, which is as large as the corpus by design and would be measured instead
        cmd = [sys.executable, "-m", "opis", "ingest", str(corpus), "--db", str(Path(tmp) / "bench.db"),
               "--workers", str(workers)]
        for s in skip:
            cmd += ["--skip", s]
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sampler = TreeSampler(child.pid)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        sampler.stopped.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"opis ingest failed ({child.returncode}): {' '.join(cmd)}")
    return {"n": n, "rate": n / elapsed, "seconds": elapsed, "max_process": usage.ru_maxrss,
            "tree_pss": sampler.peak_pss, "tree_rss": sampler.peak_rss, "procs": sampler.peak_procs,
            "samples": sampler.samples, "load": (load_before, os.getloadavg()[0])}


def memory_mode(sizes: list[int], workers: int, skip: list[str], seed: int, out: Path | None) -> None:
    steps = "all steps" if not skip else "no " + ", ".join(skip)
    host = machine()  # the load average before the runs, not after them
    print(f"memory of opis ingest, {workers} workers, {steps}; machine: {host}")
    rows = []
    for n in sizes:
        corpus = ensure_corpus(n, seed)
        r = ingest_memory(corpus, workers, skip)
        rows.append(r)
        print(f"{n:>8} docs  {r['rate']:7.1f} docs/s  {r['seconds']:7.0f} s  "
              f"largest process {r['max_process'] / 1024:5.0f} MiB  "
              f"tree PSS {r['tree_pss'] / 1024:5.0f} MiB  tree RSS {r['tree_rss'] / 1024:5.0f} MiB  "
              f"({r['procs']} processes, {r['samples']} samples, load {r['load'][0]:.1f} -> {r['load'][1]:.1f})",
              flush=True)
    first, last = rows[0], rows[-1]
    ratios = {k: last[k] / first[k] for k in ("max_process", "tree_pss", "tree_rss")}
    print(f"ratio {last['n']}/{first['n']}: largest process {ratios['max_process']:.2f}x, "
          f"tree PSS {ratios['tree_pss']:.2f}x, tree RSS {ratios['tree_rss']:.2f}x "
          f"(documents {last['n'] / first['n']:.0f}x)")
    if out:
        lines = [f"\n### Ingest memory, {workers} workers, {steps} ({time.strftime('%Y-%m-%d')}; {host})\n",
                 "| documents | docs/s | largest process peak | tree peak (PSS) | tree peak (RSS) | load avg start → end |",
                 "| ---: | ---: | ---: | ---: | ---: | --- |"]
        for r in rows:
            lines.append(f"| {r['n']} | {r['rate']:.1f} | {r['max_process'] / 1024:.0f} MiB | "
                         f"{r['tree_pss'] / 1024:.0f} MiB | {r['tree_rss'] / 1024:.0f} MiB | "
                         f"{r['load'][0]:.1f} → {r['load'][1]:.1f} |")
        lines.append(f"\nRatio {last['n']}/{first['n']}: largest process **{ratios['max_process']:.2f}x**, "
                     f"tree PSS **{ratios['tree_pss']:.2f}x**, tree RSS {ratios['tree_rss']:.2f}x.\n")
        with out.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")


def machine() -> str:
    load = ", load average %.1f at start" % os.getloadavg()[0]
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}{load}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, help="append a Markdown table here")
    ap.add_argument("--memory", type=int, nargs="+", metavar="N",
                    help="peak memory mode: one fresh ingest per corpus size, e.g. --memory 10000 100000")
    ap.add_argument("--skip", action="append", default=[], help="with --memory: an enrichment step to skip")
    args = ap.parse_args()
    if args.memory:
        memory_mode(args.memory, args.workers, args.skip, args.seed, args.out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        paths = write_corpus(corpus, args.n, args.seed)
        host = machine()  # the load average before the runs, not after them
        print(f"corpus: {args.n} documents, machine: {host}")
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
        lines = [f"\n### Ingest, {args.n} documents ({time.strftime('%Y-%m-%d')}; {host})\n",
                 "| run | docs/s | vs natasha | peak RSS |", "| --- | ---: | ---: | ---: |"]
        for label, rate, peak, ratio in rows:
            lines.append(f"| {label} | {rate:.1f} | {ratio:.2f}x | {'' if peak is None else f'{peak / 1024:.0f} MiB'} |")
        lines.append(f"\nSpeed-up of {args.workers} workers over 1: **{many / one:.2f}x**.\n")
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
