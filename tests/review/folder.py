"""A folder of transcriptions to ingest and change, for the review tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from opis.ingest.build import build_record
from opis.ingest.runner import ingest_paths


def beside_seed(tmp_path: Path, seed: Path, store, name: str, text: str) -> tuple[str, str, Path, Path]:
    """`text` saved as `name` beside a copy of `seed`, in a folder of their own (so the
    file can change), both ingested: (its record id, the seed's, the file, the folder)."""
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / name
    path.write_text(text, encoding="utf-8")
    shutil.copy(seed, folder / seed.name)
    assert ingest_paths([folder], store).count("added") == 2
    return (build_record(path, folder, enrich=False).id, build_record(folder / seed.name, folder, enrich=False).id,
            path, folder)
