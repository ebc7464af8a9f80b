"""Per-field accuracy of metadata extraction against `tests/gold/metadata.jsonl`.

Each gold line is one document of one file; the file is read, split and extracted as
`opis extract` would, and each field is compared the way a cataloguer would judge it:
dates by value and precision, people and bodies by canonical name (as a set),
distribution lists as sets of (name, copies). A document the splitter did not produce
counts as wrong on every field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

FIELDS = ["date", "doc_type", "language", "authors", "recipients", "classification",
          "registry_numbers", "copies_made", "distribution"]


@dataclass(slots=True)
class FieldScore:
    field: str
    correct: int = 0
    total: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def _predicted(summary: dict[str, Any] | None, name: str) -> Any:
    if summary is None:
        return None
    if name == "date":
        d = summary["date"]
        return {"value": d["value"], "precision": d["precision"]} if d else None
    if name == "classification":
        c = summary["classification"]
        return c["value"] if c else None
    if name in ("authors", "recipients"):
        return sorted({p["name"] for p in summary[name]})
    if name == "registry_numbers":
        return sorted(set(summary[name]))
    if name == "distribution":
        return sorted({(d["name"], d["copies"]) for d in summary[name]}, key=str)
    return summary[name]


def _expected(gold: dict[str, Any], name: str) -> Any:
    v = gold.get(name)
    if name in ("authors", "recipients"):
        return sorted(set(v or []))
    if name == "registry_numbers":
        return sorted(set(v or []))
    if name == "distribution":
        return sorted({(d["name"], d.get("copies")) for d in (v or [])}, key=str)
    if name == "date" and v:
        return {"value": v["value"], "precision": v["precision"]}
    return v


def evaluate_metadata(gold_path: Path, root: Path) -> list[FieldScore]:
    """Accuracy of each field over the gold documents (files resolved against `root`)."""
    from opis.extract.pipeline import extract_file

    golds = [json.loads(line) for line in Path(gold_path).read_text(encoding="utf-8").splitlines()
             if line.strip()]
    cache: dict[str, list[dict[str, Any]]] = {}
    scores = {name: FieldScore(name) for name in FIELDS}
    for gold in golds:
        if gold["file"] not in cache:
            cache[gold["file"]] = extract_file(Path(root) / gold["file"])
        docs = cache[gold["file"]]
        summary = docs[gold["doc"]] if gold["doc"] < len(docs) else None
        for name in FIELDS:
            s = scores[name]
            s.total += 1
            exp, got = _expected(gold, name), _predicted(summary, name)
            if exp == got:
                s.correct += 1
            else:
                s.errors.append({"file": gold["file"], "doc": gold["doc"],
                                 "expected": exp, "got": got})
    return list(scores.values())


def metadata_table(scores: list[FieldScore], title: str = "Metadata extraction") -> Table:
    """A rich table of the scores (field, correct/total, accuracy)."""
    table = Table(title=title)
    table.add_column("field")
    table.add_column("correct", justify="right")
    table.add_column("total", justify="right")
    table.add_column("accuracy", justify="right")
    for s in scores:
        table.add_row(s.field, str(s.correct), str(s.total), f"{s.accuracy:.2f}")
    return table


def markdown_table(scores: list[FieldScore]) -> str:
    """The same table as Markdown, for docs/quality.md."""
    rows = ["| field | correct | total | accuracy |", "| --- | ---: | ---: | ---: |"]
    rows += [f"| {s.field} | {s.correct} | {s.total} | {s.accuracy:.2f} |" for s in scores]
    return "\n".join(rows)
