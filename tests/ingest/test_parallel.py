"""Parallel ingest stores exactly what a single process stores."""

from pathlib import Path

from opis.ingest.runner import ingest_paths
from opis.store.repository import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _snapshot(store: Store) -> dict:
    out = {}
    for record in store.iter_records(include_restricted=True):
        out[record.id] = (
            record.sha256,
            [(d.reading.text, sorted((v.field, repr(v.value)) for v in d.values),
              sorted((m.start, m.end, m.name) for m in d.mentions),
              sorted((s.start, s.end, s.kind) for s in d.reading.spans)) for d in record.documents],
        )
    return out


def test_two_workers_store_the_same_records_as_one(make_store, make_database_url):
    one, two = make_store(make_database_url("serial")), make_store(make_database_url("parallel"))
    first = ingest_paths([EXAMPLES], one, workers=1)
    second = ingest_paths([EXAMPLES], two, workers=2)
    assert first.count("failed") == second.count("failed") == 0, [o.message for o in second.failed]
    assert first.count("added") == second.count("added") > 30
    assert _snapshot(one) == _snapshot(two)
