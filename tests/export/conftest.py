from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
TEI_RNG = ROOT.parent / "shared" / "schemas" / "tei_all.rng"


@pytest.fixture(scope="session")
def tei_schema() -> etree.RelaxNG:
    """tei_all compiled once per session (it takes seconds)."""
    if not TEI_RNG.is_file():
        pytest.skip(f"{TEI_RNG} is not there")
    return etree.RelaxNG(etree.parse(str(TEI_RNG)))
