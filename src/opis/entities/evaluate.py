"""Entity evaluation against `tests/gold/entities.jsonl`.

Per document the gold lists the distinct canonical names per type; we compare sets of
distinct names (exact string match) and sum true/false positives over all documents
(micro average). The same texts also go through raw natasha (its spans normalised with
its own `span.normalize(morph_vocab)`, none of our fixes) so the two can be compared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from opis.entities.normalize import key

TYPES = (("PER", "persons"), ("ORG", "organizations"), ("LOC", "places"))


@dataclass
class Score:
    system: str
    type: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> dict[str, Any]:
        return {"system": self.system, "type": self.type, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def _documents(path: Path, root: Path):
    from opis.ingest.build import record_from_source
    from opis.ingest.sources import read_source

    return record_from_source(read_source(path, root)).documents


def _norm(name: str) -> str:
    """Comparison form: ё/е, case and spacing do not count as errors."""
    return key(name)


def _opis_names(doc) -> dict[str, set[str]]:
    from opis.entities.ner import recognize

    out: dict[str, set[str]] = {t: set() for t, _ in TYPES}
    for m in recognize(doc):
        out[m.type].add(m.name)
    return out


def _natasha_names(doc) -> dict[str, set[str]]:
    from opis.entities.ner import natasha_spans

    out: dict[str, set[str]] = {t: set() for t, _ in TYPES}
    for _, _, typ, normal in natasha_spans(doc.reading.text, normalize=True):
        if typ in out:
            out[typ].add(normal)
    return out


def evaluate_entities(gold_path: Path, examples_root: Path, details: list | None = None) -> list[dict[str, Any]]:
    """Rows of precision / recall / F1 per system (opis, natasha) and type (PER, ORG, LOC,
    ALL). `examples_root` is where the gold's `file` paths are resolved (the project root
    for `examples/...`). Pass a list as `details` to get per-document misses."""
    golds = [json.loads(line) for line in Path(gold_path).read_text(encoding="utf-8").splitlines()
             if line.strip()]
    scores = {(s, t): Score(s, t) for s in ("opis", "natasha") for t in ("PER", "ORG", "LOC", "ALL")}
    cache: dict[str, list] = {}
    for gold in golds:
        f = gold["file"]
        if f not in cache:
            cache[f] = _documents(Path(examples_root) / f, Path(examples_root))
        docs = cache[f]
        doc = docs[gold["doc"]] if gold["doc"] < len(docs) else None
        for system, fn in (("opis", _opis_names), ("natasha", _natasha_names)):
            got = fn(doc) if doc is not None else {t: set() for t, _ in TYPES}
            for typ, field in TYPES:
                want = {_norm(n) for n in gold.get(field, [])}
                have = {_norm(n) for n in got[typ]}
                for s in (scores[(system, typ)], scores[(system, "ALL")]):
                    s.tp += len(want & have)
                    s.fp += len(have - want)
                    s.fn += len(want - have)
                if details is not None and system == "opis" and want != have:
                    details.append({"file": f, "doc": gold["doc"], "type": typ,
                                    "missed": sorted(want - have), "extra": sorted(have - want)})
    return [s.row() for s in scores.values()]


def entities_table(rows: list[dict[str, Any]], title: str = "Entities (distinct canonical names per document)") -> Table:
    table = Table(title=title)
    for col in ("system", "type", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(col, justify="left" if col in ("system", "type") else "right")
    for r in rows:
        table.add_row(r["system"], r["type"], f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}",
                      str(r["tp"]), str(r["fp"]), str(r["fn"]))
    return table


def markdown_table(rows: list[dict[str, Any]]) -> str:
    lines = ["| system | type | precision | recall | F1 | tp | fp | fn |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['system']} | {r['type']} | {r['precision']:.3f} | {r['recall']:.3f} | "
                     f"{r['f1']:.3f} | {r['tp']} | {r['fp']} | {r['fn']} |")
    return "\n".join(lines)


def entities_report(gold_path: Path, root: Path) -> tuple[list[Table], dict[str, Any]]:
    """What `opis eval tests/gold/entities.jsonl` prints and returns as JSON."""
    rows = evaluate_entities(gold_path, root)
    return [entities_table(rows)], {"kind": "entities", "rows": rows}
