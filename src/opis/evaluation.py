"""`opis eval`: score extraction against a gold file, whichever kind it is.

A metadata gold file (lines with `doc_type`, `date`, …) gives per-field accuracy; an
entity gold file (lines with `persons`, `organizations`, `places`) gives precision,
recall and F1 per type for opis and, on the same texts, for raw natasha; an alignment
gold file (lines with `pairs`) gives the share of paragraphs aligned correctly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.table import Table


def gold_kind(gold_path: Path) -> str:
    for line in Path(gold_path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            first = json.loads(line)
            if "pairs" in first:
                return "alignment"
            return "entities" if "persons" in first else "metadata"
    raise ValueError(f"{gold_path}: the gold file is empty")


def run_evaluation(gold_path: Path, root: Path) -> tuple[list[Table], dict[str, Any]]:
    """Rich tables to print and the same numbers as JSON."""
    kind = gold_kind(gold_path)
    if kind == "alignment":
        from opis.translate.evaluate import alignment_report

        return alignment_report(gold_path, root)
    if kind == "entities":
        from opis.entities.evaluate import entities_report

        return entities_report(gold_path, root)
    from opis.extract.evaluate import evaluate_metadata, metadata_table

    scores = evaluate_metadata(gold_path, root)
    data = {"kind": "metadata", "fields": {s.field: {"correct": s.correct, "total": s.total,
                                                     "accuracy": round(s.accuracy, 4)} for s in scores}}
    return [metadata_table(scores)], data
