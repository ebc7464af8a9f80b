from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def auth():
    from opis.entities.authority import default_authority

    return default_authority()


@pytest.fixture(scope="session")
def natasha_loaded():
    """Load natasha's models once for the whole session (about a second)."""
    from opis.entities.ner import natasha_models

    return natasha_models()


@pytest.fixture(scope="session")
def seed_docs(natasha_loaded):
    """The seeds read the way ingest reads them (published-record header dropped, split)."""
    from opis.ingest.build import record_from_source
    from opis.ingest.sources import read_source

    out = {}
    for name in ("000_e7381ea8498c35b3.txt", "001_a31a19e8a354493c.txt"):
        out[name[:3]] = record_from_source(read_source(ROOT / "examples" / name)).documents
    return out
