from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The shared seeds when the checkout sits beside ../shared, else our copies."""
    return SEEDS if SEEDS.is_dir() else EXAMPLES


@pytest.fixture(scope="session")
def seed000(seeds_dir) -> Path:
    return seeds_dir / "000_e7381ea8498c35b3.txt"


@pytest.fixture(scope="session")
def seed001(seeds_dir) -> Path:
    return seeds_dir / "001_a31a19e8a354493c.txt"
