import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from corpus import generate, write_corpus  # noqa: E402

from opis.read.markup import parse_markup  # noqa: E402


def _digest(n, seed):
    h = hashlib.sha256()
    for name, text in generate(n, seed):
        h.update(name.encode() + text.encode())
    return h.hexdigest()


def test_same_seed_same_corpus_other_seed_other_corpus():
    assert _digest(50, 7) == _digest(50, 7)
    assert _digest(50, 7) != _digest(50, 8)


def test_generated_documents_are_well_formed_transcriptions(tmp_path):
    paths = write_corpus(tmp_path, 40, seed=2)
    assert len(paths) == 40 and len({p.name for p in paths}) == 40
    for path in paths:
        parsed = parse_markup(path.read_text(encoding="utf-8"))
        assert parsed.warnings == []
        assert len(parsed.reading.text) > 200
