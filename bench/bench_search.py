"""Search latency (p50/p95) at several archive sizes against a bare full-text query.

    python bench/bench_search.py --sizes 10000 100000 [--backend sqlite|postgresql]
                                 [--seed 1] [--out docs/benchmarks.md]

Data: documents from `bench/corpus.py` (`generate(n, seed)`) are read by the markup
reader and saved with `Store.save_record`, so paragraphs are split and indexed by the
store's own code (lemmas, forms, transliterations, the backend's full-text structures).
Extraction and NER are skipped on purpose: they do not touch the search index, and the
point here is search latency, not ingest. A document gets a date and doc type drawn from
the seed, and one in twenty is restricted, so visibility is really filtered. Documents
are added until the archive holds at least SIZE paragraphs.

Built SQLite databases are cached under `bench/out/` keyed by size and seed (a database
is reused only if its build finished). PostgreSQL runs copy the cached SQLite rows into a
scratch database on the server named by $OPIS_TEST_PG (or a throwaway local cluster).

Baseline, on the same paragraphs in the same database:
  * SQLite: a bare FTS5 table (`unicode61`) over the raw paragraph texts, queried with the
    query's words as typed (AND), top 20 by bm25;
  * PostgreSQL: a GIN index on `to_tsvector('simple', text)`, `plainto_tsquery('simple')`,
    top 20 by ts_rank.
Ours: `opis.search.engine.search(store, query, limit=20)` end to end (one hit per
document, totals, visibility, best-paragraph snippets), relevance order.

A second, informative baseline on SQLite ("bare per document"): a bare FTS5 table with one
row per document over its raw paragraph texts, same query and top 20. It does the work
our semantics asks for (both words anywhere in the document) with nothing else (no
lemmas, totals, visibility or snippets), so it shows what our engine adds on top of FTS5.
The acceptance ratio stays the one against the per-paragraph baseline above.

Queries: a fixed list of one- and two-word queries drawn from the corpus vocabulary at
three frequencies (rare, medium, common), as inflected forms taken from the text.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402

from opis.model import PUBLIC, RESTRICTED, Record, Value  # noqa: E402
from opis.read.document import document_from_text  # noqa: E402
from opis.search import lemmas as lx  # noqa: E402
from opis.store.repository import Store  # noqa: E402

DOC_TYPES = {"telegram": "ciphered_telegram", "memo": "memorandum",
             "protocol_extract": "decision", "conversation": "conversation"}
BARE = "bare_fts"
BARE_DOC = "bare_doc_fts"  # one row per document, raw texts
PAGE = 20
REPEAT = 5  # timed runs of each query after one warm-up run
# the throwaway PostgreSQL cluster's settings (a server given by $OPIS_TEST_PG should have
# the like; docs/benchmarks.md says why): memory for a 1M database of 3.3 GB, where the
# default 128 MB of shared buffers keeps little of it cached, and no JIT compilation
PG_SETTINGS = {"shared_buffers": "2GB", "work_mem": "64MB", "maintenance_work_mem": "512MB",
               "effective_cache_size": "8GB", "jit": "off", "max_wal_size": "4GB"}


# --- building the data -----------------------------------------------------------------

def _record(name: str, text: str, rng: random.Random) -> Record:
    doc = document_from_text(text, language="ru")
    kind = name.split("_", 1)[1].removesuffix(".txt")
    date = f"{rng.randint(1945, 1991)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    doc.values += [Value("date", {"iso": date, "precision": "day"}, method="bench"),
                   Value("doc_type", DOC_TYPES[kind], method="bench")]
    return Record(name, text.encode("utf-8"), "utf-8", "markdown", text, documents=[doc],
                  visibility=RESTRICTED if rng.random() < 0.05 else PUBLIC, collection="bench")


def _fast_sqlite(dbapi_conn, _record) -> None:
    """Bulk loading only: a crash may lose the cache, which is rebuilt anyway."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    cur.close()


def sqlite_path(size: int, seed: int) -> Path:
    return OUT / f"search_{size}_seed{seed}.db"


def build_sqlite(size: int, seed: int, log: Callable[[str], None] = print) -> Path:
    """The cached database of at least `size` paragraphs, built if missing."""
    path = sqlite_path(size, seed)
    done = path.with_suffix(".done")
    if path.exists() and done.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"), done):
        p.unlink(missing_ok=True)
    from sqlalchemy import event

    store = Store.open(path)
    store.engine.dispose()
    event.listen(store.engine, "connect", _fast_sqlite)
    rng = random.Random(seed)
    n_par = n_doc = 0
    start = time.perf_counter()
    for name, text in generate(10**9, seed):
        record = _record(name, text, rng)
        store.save_record(record)
        n_doc += 1
        n_par += len(lx.paragraphs(record.documents[0].reading.text))
        if n_doc % 5000 == 0:
            log(f"  {n_doc} documents, {n_par} paragraphs, {time.perf_counter() - start:.0f} s")
        if n_par >= size:
            break
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {BARE} USING fts5(text, content='paragraphs', "
            f"content_rowid='id', tokenize='unicode61')")
        conn.exec_driver_sql(f"INSERT INTO {BARE}({BARE}) VALUES ('rebuild')")
        conn.exec_driver_sql("ANALYZE")
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    done.write_text(f"{n_doc} documents, {n_par} paragraphs\n")
    log(f"built {path.name}: {n_doc} documents, {n_par} paragraphs in {time.perf_counter() - start:.0f} s")
    return path


@contextmanager
def postgres_copy(sqlite_db: Path) -> Iterator[Store]:
    """A scratch PostgreSQL database holding the rows of the cached SQLite build."""
    from sqlalchemy import insert, select, text

    from opis.store.scratch import scratch_database
    from opis.store.schema import metadata

    server = os.environ.get("OPIS_TEST_PG")
    pg = None
    if not server:
        sys.path.insert(0, str(HERE.parent))
        from tests.support.pgserver import PgServer

        pg = PgServer()
        server = pg.start(PG_SETTINGS)
    try:
        with scratch_database(server, prefix="opis_bench") as url:
            src = Store.open(sqlite_db)
            dst = open_store(url)
            with src.engine.connect() as sconn, dst.engine.begin() as dconn:
                for table in metadata.sorted_tables:
                    keys = [c.key for c in table.c]
                    rows = sconn.execute(select(table))
                    while chunk := rows.fetchmany(5000):
                        dconn.execute(insert(table), [dict(zip(keys, r)) for r in chunk])
                    if "id" in table.c and table.c.id.autoincrement is True:
                        dconn.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"coalesce(max(id), 1)) FROM {table.name}"))
                # rows copied past the store leave their documents stale: write the
                # per-document full-text rows as a save would
                dst.backend.sync(dconn)
                dconn.exec_driver_sql(
                    "CREATE INDEX bare_gin ON paragraphs USING gin (to_tsvector('simple', text))")
            with dst.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
            src.close()
            try:
                yield dst
            finally:
                dst.close()
    finally:
        if pg is not None:
            pg.stop()


# --- queries -----------------------------------------------------------------------------

def pick_queries(seed: int, sample_docs: int = 2000) -> list[str]:
    """Deterministic one- and two-word queries: inflected Cyrillic words of the corpus at
    three paragraph frequencies (rare, medium, common)."""
    freq: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for _, text in generate(sample_docs, seed):
        for start, end in lx.paragraphs(text):
            seen = set()
            for tok in lx.words(text[start:end]):
                w = tok.surface
                if len(w) >= 4 and lx.has_cyrillic(w) and "-" not in w and w not in seen:
                    seen.add(w)
                    surface.setdefault(w, text[start:end][tok.start:tok.end])
            freq.update(seen)
    ranked = [w for w, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))]
    third = len(ranked) // 3
    tiers = {"common": ranked[:30], "medium": ranked[third : third + 30], "rare": ranked[-30:]}
    rng = random.Random(seed)
    one = {t: rng.sample(ws, 3) for t, ws in tiers.items()}
    queries = [surface[w] for t in ("rare", "medium", "common") for w in one[t]]
    for a, b in (("rare", "common"), ("medium", "medium"), ("common", "common"),
                 ("medium", "common"), ("rare", "medium"), ("common", "rare")):
        x, y = rng.choice(tiers[a]), rng.choice([w for w in tiers[b] if w not in one[a]])
        queries.append(f"{surface[x]} {surface[y]}")
    return queries


# --- timing ------------------------------------------------------------------------------

def timings(runners: dict[str, Callable[[str], object]], queries: list[str]) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per run, per runner and number of words. The runners take turns on
    each query, so a busy machine slows them alike and the ratio stays fair."""
    out = {name: {"1 word": [], "2 words": []} for name in runners}
    for q in queries:
        key = "1 word" if len(q.split()) == 1 else "2 words"
        for run in runners.values():
            run(q)  # warm-up: caches, query plans
        for name, run in runners.items():
            out[name][q] = []
        for _ in range(REPEAT):
            for name, run in runners.items():
                t = time.perf_counter()
                run(q)
                out[name][key].append((time.perf_counter() - t) * 1000)
                out[name][q].append(out[name][key][-1])
    return out


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def fts5_runner(store: Store, table: str) -> Callable[[str], object]:
    """A bare FTS5 query on `table`: the query's words as typed (AND), top 20 by bm25."""
    sql = f"SELECT rowid, rank FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT {PAGE}"
    raw = store.engine.raw_connection()

    def run(q: str) -> object:
        expr = " ".join('"' + w.replace('"', "") + '"' for w in q.split())
        return raw.cursor().execute(sql, (expr,)).fetchall()

    return run


def bare_runner(store: Store) -> Callable[[str], object]:
    if store.engine.dialect.name == "sqlite":
        return fts5_runner(store, BARE)
    sql = ("SELECT id, ts_rank(to_tsvector('simple', text), q) AS r FROM paragraphs, "
           "plainto_tsquery('simple', %s) q WHERE to_tsvector('simple', text) @@ q "
           f"ORDER BY r DESC LIMIT {PAGE}")
    raw = store.engine.raw_connection()

    def run_pg(q: str) -> object:
        cur = raw.cursor()
        cur.execute(sql, (q,))
        return cur.fetchall()

    return run_pg


def ensure_bare_doc(store: Store) -> None:
    """The per-document bare table in a cached SQLite database (built once, ~1 min at 1M)."""
    with store.engine.begin() as conn:
        if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = ?", (BARE_DOC,)).first():
            return
        start = time.perf_counter()
        conn.exec_driver_sql(f"CREATE VIRTUAL TABLE {BARE_DOC} USING fts5(text, content='', tokenize='unicode61')")
        conn.exec_driver_sql(
            f"INSERT INTO {BARE_DOC}(rowid, text) SELECT document_id, group_concat(text, ' ') "
            "FROM (SELECT document_id, text FROM paragraphs ORDER BY document_id, seq) GROUP BY document_id")
        print(f"  {BARE_DOC} built in {time.perf_counter() - start:.0f} s")


def ours_runner(store: Store) -> Callable[[str], object]:
    from opis.search.engine import search

    return lambda q: search(store, q, limit=PAGE)


def open_store(url_or_path) -> Store:
    """A store with the backend's current full-text layout: a cached database built with
    an older SQLite layout is rebuilt once (what a migration would do)."""
    store = Store.open(url_or_path)
    with store.engine.begin() as conn:
        store.backend.prepare(conn)
        if not getattr(store.backend, "keyed_by_document", True):
            start = time.perf_counter()
            store.backend.rebuild(conn)
            print(f"  full-text table rebuilt in {time.perf_counter() - start:.0f} s")
    return store


def machine(store: Store | None = None) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    db = f"SQLite {__import__('sqlite3').sqlite_version}"
    if store is not None and store.engine.dialect.name == "postgresql":
        with store.engine.connect() as conn:
            db = "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar().split()[0]
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {db}, {platform.system()}"


def load() -> float:
    """The 1-minute load average (other processes share the machine)."""
    return os.getloadavg()[0]


def measure(store: Store, queries: list[str]) -> list[tuple]:
    """Rows (words, ours p50, ours p95, bare p50, bare p95, bare-per-document p95 or None)."""
    runners = {"ours": ours_runner(store), "bare": bare_runner(store)}
    if store.engine.dialect.name == "sqlite":
        ensure_bare_doc(store)
        runners["bare_doc"] = fts5_runner(store, BARE_DOC)
    got = timings(runners, queries)
    ours, bare, doc = got["ours"], got["bare"], got.get("bare_doc")
    for q in queries:  # per query, for the text of docs/benchmarks.md
        line = f"  {q:28s} ours median {statistics.median(ours[q]):7.1f} ms, bare {statistics.median(bare[q]):7.1f} ms"
        print(line + (f", bare per document {statistics.median(doc[q]):7.1f} ms" if doc else ""))
    rows = []
    for key in ("1 word", "2 words", "all"):
        keys = ("1 word", "2 words") if key == "all" else (key,)
        o, b = [t for k in keys for t in ours[k]], [t for k in keys for t in bare[k]]
        d = [t for k in keys for t in doc[k]] if doc else None
        rows.append((key, pct(o, 50), pct(o, 95), pct(b, 50), pct(b, 95), pct(d, 95) if d else None))
    return rows


def count_paragraphs(store: Store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        return (conn.exec_driver_sql("SELECT count(*) FROM paragraphs").scalar(),
                conn.exec_driver_sql("SELECT count(*) FROM documents").scalar())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--build-only", action="store_true", help="build the cached databases and stop")
    ap.add_argument("--out", type=Path, help="append a Markdown table here")
    args = ap.parse_args()
    queries = pick_queries(args.seed)
    print(f"machine: {machine()}\nqueries ({len(queries)}): {', '.join(queries)}")
    results = []
    described = machine()
    for size in args.sizes:
        db = build_sqlite(size, args.seed)
        if args.build_only:
            continue
        if args.backend == "sqlite":
            store = open_store(db)
            before = load()
            rows = measure(store, queries)
            loads = (before, load())
            n_par, n_doc = count_paragraphs(store)
            store.close()
        else:
            with postgres_copy(db) as store:
                described = machine(store)
                before = load()
                rows = measure(store, queries)
                loads = (before, load())
                n_par, n_doc = count_paragraphs(store)
        results.append((size, n_par, n_doc, rows, loads))
        print(f"\n{args.backend}, {n_par} paragraphs in {n_doc} documents, "
              f"load average {loads[0]:.1f} before, {loads[1]:.1f} after")
        print(f"{'words':8s} {'ours p50':>9s} {'ours p95':>9s} {'bare p50':>9s} {'bare p95':>9s} {'p95 ratio':>9s}"
              f" {'doc p95':>9s} {'vs doc':>9s}")
        for key, op50, op95, bp50, bp95, dp95 in rows:
            extra = f" {dp95:9.1f} {op95 / dp95:8.2f}x" if dp95 else ""
            print(f"{key:8s} {op50:9.1f} {op95:9.1f} {bp50:9.1f} {bp95:9.1f} {op95 / bp95:8.2f}x" + extra)
    if args.out and results:
        bare = "bare FTS5 (unicode61)" if args.backend == "sqlite" else "bare tsvector ('simple', GIN)"
        lines = [f"\n### Search, {args.backend} ({time.strftime('%Y-%m-%d')}; {described})\n",
                 f"Milliseconds per query, {len(queries)} queries x {REPEAT} runs after a warm-up; "
                 f"baseline: {bare}, top {PAGE}; ours: `search()` end to end, {PAGE} hits.\n",
                 "| paragraphs | documents | words | ours p50 | ours p95 | bare p50 | bare p95 | p95 ours/bare "
                 "| bare per document p95 | p95 ours/per document | load avg |",
                 "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for size, n_par, n_doc, rows, loads in results:
            for key, op50, op95, bp50, bp95, dp95 in rows:
                doc = f"{dp95:.1f} | {op95 / dp95:.2f}x" if dp95 else " | "
                lines.append(f"| {n_par} | {n_doc} | {key} | {op50:.1f} | {op95:.1f} | {bp50:.1f} | "
                             f"{bp95:.1f} | {op95 / bp95:.2f}x | {doc} | {loads[0]:.1f}–{loads[1]:.1f} |")
        lines.append(f"\nQueries: {', '.join(queries)}.\n")
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
