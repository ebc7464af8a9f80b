from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

TEI_RNG = Path(__file__).resolve().parents[2].parent / "shared" / "schemas" / "tei_all.rng"


@pytest.fixture(scope="session")
def tei_schema_or_none() -> etree.RelaxNG | None:
    return etree.RelaxNG(etree.parse(str(TEI_RNG))) if TEI_RNG.is_file() else None
