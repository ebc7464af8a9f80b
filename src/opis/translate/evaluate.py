"""Alignment scores against gold paragraph pairs (`tests/gold/parallel/alignment.jsonl`).

Each gold line names an original, its translation and the paragraph pairs a person made.
A paragraph (of either text) counts as aligned correctly when the aligner gives it exactly
the partners the gold gives it (none, for a translator's note); the score is the share of
paragraphs aligned correctly. Whole pairs are scored too (precision and recall of exact
pairs), as the stricter number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from rich.table import Table

from opis.translate.align import Pair, align


@dataclass(slots=True)
class DocScore:
    file: str
    paragraphs: int
    correct: int
    gold_pairs: int
    found_pairs: int
    exact_pairs: int


def _as_pairs(raw: Iterable[Any]) -> list[Pair]:
    return [(tuple(a), tuple(b)) for a, b in raw]


def partners(pairs: Iterable[Pair]) -> dict[tuple[str, int], tuple[tuple[int, ...], tuple[int, ...]]]:
    """Each paragraph ("o", i) or ("t", j) -> the pair it belongs to."""
    out: dict[tuple[str, int], tuple[tuple[int, ...], tuple[int, ...]]] = {}
    for a, b in pairs:
        for i in a:
            out[("o", i)] = (a, b)
        for j in b:
            out[("t", j)] = (a, b)
    return out


def score(gold: list[Pair], found: list[Pair], file: str = "") -> DocScore:
    g, f = partners(gold), partners(found)
    correct = sum(1 for k, v in g.items() if f.get(k) == v)
    exact = len(set(gold) & set(found))
    return DocScore(file, len(g), correct, len(gold), len(found), exact)


def original_text(path: Path) -> str:
    """The reading text of the original, as ingest makes it (markup read, folios out)."""
    from opis.read.document import document_from_text

    from opis.ingest.sources import read_source

    return document_from_text(read_source(path).text).reading.text


def evaluate_alignment(gold_path: Path, root: Path) -> list[DocScore]:
    from opis.ingest.sources import read_source

    scores = []
    for line in Path(gold_path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        orig = original_text(root / item["file"])
        trans = read_source(root / item["translation"]).text
        scores.append(score(_as_pairs(item["pairs"]), align(orig, trans), item["file"]))
    return scores


def alignment_report(gold_path: Path, root: Path) -> tuple[list[Table], dict[str, Any]]:
    scores = evaluate_alignment(gold_path, root)
    table = Table(title="Paragraph alignment")
    for col in ("document", "paragraphs", "correct", "accuracy", "exact pairs"):
        table.add_column(col, justify="left" if col == "document" else "right")
    for s in scores:
        table.add_row(Path(s.file).name, str(s.paragraphs), str(s.correct),
                      f"{s.correct / s.paragraphs:.3f}" if s.paragraphs else "-",
                      f"{s.exact_pairs}/{s.gold_pairs}")
    paras = sum(s.paragraphs for s in scores)
    correct = sum(s.correct for s in scores)
    gold_pairs = sum(s.gold_pairs for s in scores)
    found_pairs = sum(s.found_pairs for s in scores)
    exact = sum(s.exact_pairs for s in scores)
    accuracy = correct / paras if paras else 0.0
    table.add_row("all", str(paras), str(correct), f"{accuracy:.3f}", f"{exact}/{gold_pairs}", style="bold")
    data = {
        "kind": "alignment",
        "documents": len(scores),
        "paragraphs": paras,
        "correct": correct,
        "accuracy": round(accuracy, 4),
        "pairs": {"gold": gold_pairs, "found": found_pairs, "exact": exact,
                  "precision": round(exact / found_pairs, 4) if found_pairs else 0.0,
                  "recall": round(exact / gold_pairs, 4) if gold_pairs else 0.0},
        "files": [{"file": s.file, "paragraphs": s.paragraphs, "correct": s.correct,
                   "exact_pairs": s.exact_pairs, "gold_pairs": s.gold_pairs} for s in scores],
    }
    return [table], data
