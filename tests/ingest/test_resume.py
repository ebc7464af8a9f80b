"""A killed ingest leaves whole records only, and running it again completes the archive."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from corpus import write_corpus  # noqa: E402

from opis.store.repository import Store  # noqa: E402
from opis.store.schema import documents, layers, originals, paragraphs, records  # noqa: E402

N = 5000


def _count(db: str) -> int:
    try:
        with Store.open(db) as store:
            return store.count_records(include_restricted=True)
    except Exception:  # busy with the ingest's own first transaction
        return 0


def _ingest(corpus: Path, db: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "opis", "ingest", str(corpus), "--db", db, "--workers", "2",
         "--skip", "entities", "--skip", "metadata", "--format", "json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.slow
def test_kill_half_way_then_resume_gives_every_record_once_and_whole(tmp_path, store_url):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, N, seed=11)
    db = store_url
    proc = _ingest(corpus, db)
    deadline = time.time() + 600
    while _count(db) < N // 3 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.5)
    assert proc.poll() is None, "ingest finished before it could be killed; make the corpus larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = _count(db)
    assert 0 < stored < N
    proc = _ingest(corpus, db)
    assert proc.wait(timeout=900) == 0, proc.stderr.read()
    with Store.open(db) as store, store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(records)).scalar() == N
        assert conn.execute(select(func.count(func.distinct(records.c.source_name)))).scalar() == N
        # every record has its original bytes, a document, both layers and paragraphs
        assert conn.execute(select(func.count()).select_from(
            records.join(originals, originals.c.sha256 == records.c.sha256))).scalar() == N
        docs_per_record = dict(conn.execute(
            select(documents.c.record_id, func.count()).group_by(documents.c.record_id)).all())
        assert len(docs_per_record) == N
        layer_counts = conn.execute(
            select(layers.c.document_id, func.count()).group_by(layers.c.document_id)).all()
        assert len(layer_counts) == sum(docs_per_record.values())
        assert all(n >= 2 for _, n in layer_counts)
        para_docs = conn.execute(select(func.count(func.distinct(paragraphs.c.document_id)))).scalar()
        assert para_docs == sum(docs_per_record.values())
