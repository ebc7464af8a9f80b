"""Ingest keeps per-file outcomes only when asked: a large corpus costs counts, not a list."""

from __future__ import annotations

from opis.ingest.runner import ingest_paths


def test_without_keep_all_only_failures_and_warnings_are_kept(tmp_path, store):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"doc_{i}.txt").write_text(f"Секретно\n\nЗаписка номер {i} о поставках.\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "broken.txt").write_text("Текст с <sup>незакрытой вставкой.\n", encoding="utf-8")
    summary = ingest_paths([folder], store, steps=(), keep_all=False)
    assert (summary.count("added"), summary.count("failed"), summary.seen) == (6, 1, 7)
    kept = {o.path.rsplit("/", 1)[-1]: o for o in summary.outcomes}
    assert set(kept) == {"empty.txt", "broken.txt"} and kept["broken.txt"].warnings
    again = ingest_paths([folder], store, steps=())  # keep_all by default: every file
    assert again.count("unchanged") == 6 and len(again.outcomes) == 7
