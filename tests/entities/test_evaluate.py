"""Entity evaluation: counting, and the gold seeds scored end to end."""

import json
from pathlib import Path

from opis.entities.evaluate import Score, entities_report, evaluate_entities

ROOT = Path(__file__).resolve().parents[2]


def test_score_arithmetic():
    s = Score("opis", "PER", tp=8, fp=2, fn=2)
    assert s.precision == 0.8 and s.recall == 0.8 and abs(s.f1 - 0.8) < 1e-9
    assert Score("x", "ORG").f1 == 0.0


def test_seed_gold_scored_against_natasha(tmp_path, natasha_loaded):
    gold = tmp_path / "seeds.jsonl"
    lines = [l for l in (ROOT / "tests/gold/entities.jsonl").read_text(encoding="utf-8").splitlines()
             if '"examples/00' in l]
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = evaluate_entities(gold, ROOT)
    by = {(r["system"], r["type"]): r for r in rows}
    assert set(by) >= {("opis", "PER"), ("natasha", "ALL")}
    assert by[("opis", "PER")]["f1"] == 1.0  # the seed persons are the acceptance target
    assert by[("opis", "ALL")]["f1"] > by[("natasha", "ALL")]["f1"]
    tables, data = entities_report(gold, ROOT)
    assert data["kind"] == "entities" and tables
    json.dumps(data)


def test_missing_document_counts_as_misses(tmp_path, natasha_loaded):
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"file": "examples/001_a31a19e8a354493c.txt", "doc": 5,
                                "persons": ["Микоян"], "organizations": [], "places": []}) + "\n",
                    encoding="utf-8")
    rows = {(r["system"], r["type"]): r for r in evaluate_entities(gold, ROOT)}
    assert rows[("opis", "PER")]["fn"] == 1 and rows[("opis", "PER")]["tp"] == 0


def test_heldout_documents(natasha_loaded):
    """Five documents written for the entities stage after its rules were in place
    (tests/entities/heldout); see docs/quality.md for the first-run numbers."""
    here = Path(__file__).resolve().parent
    rows = {(r["system"], r["type"]): r
            for r in evaluate_entities(here / "heldout_entities.jsonl", here / "heldout")}
    assert rows[("opis", "ALL")]["f1"] >= 0.9
    assert rows[("opis", "ALL")]["f1"] > rows[("natasha", "ALL")]["f1"] + 0.3
