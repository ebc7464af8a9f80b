"""A PAGE XML or ALTO file and the page image it names, side by side in a batch, make one
record: the HTR text with the image as its facsimile. The image is accounted for in the
report; when the HTR file makes no record the image is read by OCR on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from opis.ingest.runner import ADDED, FACSIMILE, FAILED, UNCHANGED, ingest_paths
from opis.ingest.sources import count_source_paths, iter_batch, iter_source_paths
from opis.model import record_id
from opis.scan.htr import ALTO, PAGE, image_names
from tests.ingest.htr_folder import HTR_TEXT, by_name, htr_file, image_file, images, run
from tests.scan.htr_pages import ALTO_XML, PAGE_XML


@pytest.mark.parametrize("kind", [PAGE, ALTO])
def test_an_htr_file_and_its_image_make_one_record_and_the_image_is_reported(tmp_path, store, kind):
    htr_file(tmp_path, "p1.xml", "p1.png", kind)
    image = image_file(tmp_path, "p1.png")
    summary, seen = run(tmp_path, store)

    assert store.count_records() == 1
    rid = record_id("default", "p1.xml")
    record = store.get_record(rid)
    assert record.format == kind and record.text == HTR_TEXT
    assert images(store, rid) == [image.read_bytes()]

    outcomes = by_name(summary)
    assert outcomes["p1.xml"].status == ADDED
    assert (outcomes["p1.png"].status, outcomes["p1.png"].record_id) == (FACSIMILE, rid)
    assert outcomes["p1.png"].message == "facsimile of p1.xml"
    assert summary.to_json()["facsimile"] == 1
    assert {"path": str(image), "status": FACSIMILE, "record_id": rid,
            "message": "facsimile of p1.xml", "warnings": []} in summary.to_json()["files"]
    assert summary.line() == ("1 added, 0 updated, 0 unchanged, 0 failed, "
                              "1 page image kept as facsimile of HTR records")
    # the progress bar counts the image too, and its total is what was processed
    assert seen == [("p1.png", 1, 2), ("p1.xml", 2, 2)]
    assert count_source_paths([tmp_path]) == 2


def test_the_image_is_accounted_for_in_the_json_report_of_the_command(tmp_path, store_url):
    import json
    import os
    import subprocess
    import sys

    htr_file(tmp_path, "p1.xml", "p1.png")
    image_file(tmp_path, "p1.png")
    proc = subprocess.run([sys.executable, "-m", "opis", "ingest", str(tmp_path), "--format", "json",
                           "--skip", "entities"], capture_output=True, text=True,
                          env=dict(os.environ, OPIS_DB=store_url))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["added"], report["facsimile"], report["failed"]) == (1, 1, 0)
    image = next(f for f in report["files"] if f["path"].endswith("p1.png"))
    assert image["status"] == "facsimile" and image["message"] == "facsimile of p1.xml"


def _mixed_folder(folder: Path) -> None:
    """A good pair, a broken HTR file with its image, an HTR file whose image is missing,
    and a lone scan."""
    htr_file(folder, "a.xml", "a.png")
    image_file(folder, "a.png")
    (folder / "b.xml").write_text(PAGE_XML.replace("folio_12.png", "b.png")[:1400], encoding="utf-8")
    image_file(folder, "b.png")
    htr_file(folder, "c.xml", "c.png", ALTO)
    image_file(folder, "d.png")


def _snapshot(summary, store) -> tuple:
    outcomes = sorted((Path(o.path).name, o.status, o.record_id, o.message.replace(str(o.path), ""))
                      for o in summary.outcomes)
    records = sorted((r.source_name, r.format, r.text, images(store, r.id))
                     for r in store.iter_records(include_restricted=True))
    return outcomes, records


def test_two_workers_pair_images_exactly_as_one(tmp_path, make_store, make_database_url):
    _mixed_folder(tmp_path)
    one, two = make_store(make_database_url("serial")), make_store(make_database_url("parallel"))
    first, seen_one = run(tmp_path, one, workers=1)
    second, seen_two = run(tmp_path, two, workers=2)
    assert _snapshot(first, one) == _snapshot(second, two)
    assert seen_one == seen_two
    assert [i for _, i, _ in seen_two] == [1, 2, 3, 4, 5, 6]
    assert {total for _, _, total in seen_two} == {6}
    assert (second.count(ADDED), second.count(FACSIMILE), second.count(FAILED)) == (4, 1, 1)
    assert by_name(second)["a.png"].status == FACSIMILE


def test_a_broken_htr_file_loses_no_image_and_the_batch_goes_on(tmp_path, store):
    broken = tmp_path / "b.xml"
    broken.write_text(PAGE_XML.replace("folio_12.png", "b.png")[:1400], encoding="utf-8")
    image_file(tmp_path, "b.png")
    htr_file(tmp_path, "c.xml", "c.png")  # after the broken one, and ingested
    # its head names the image, so the batch lists the image as a facsimile at first
    assert image_names(broken) == ["b.png"]
    assert [b.facsimile_of for b in iter_batch([tmp_path]) if b.path.name == "b.png"] == [(broken,)]

    summary, seen = run(tmp_path, store)
    outcomes = by_name(summary)
    assert outcomes["b.xml"].status == FAILED
    message = outcomes["b.xml"].message
    assert message.startswith(f"{broken}: is not well-formed XML") and "\n" not in message
    alone = store.get_record(record_id("default", "b.png"))
    assert outcomes["b.png"].status == ADDED and alone.format == "scan"
    assert "Молотову" in alone.text  # read by OCR from the image
    assert outcomes["c.xml"].status == ADDED
    assert store.count_records() == 2
    assert [i for _, i, _ in seen] == [1, 2, 3] and seen[-1][2] == 3


def test_an_htr_file_without_text_leaves_its_image_to_ocr(tmp_path, store):
    layout_only = PAGE_XML.replace("folio_12.png", "p1.png")
    for word in ("Товарищу Молотову", "Товарищу", "Молотову", "Прошу рассмотреть проект ответа.",
                 "Москва, 3 мая 1952 г."):
        layout_only = layout_only.replace(f"<Unicode>{word}</Unicode>", "<Unicode></Unicode>")
    (tmp_path / "p1.xml").write_text(layout_only, encoding="utf-8")
    image_file(tmp_path, "p1.png")
    summary, _ = run(tmp_path, store)
    outcomes = by_name(summary)
    assert outcomes["p1.xml"].status == FAILED and "holds no transcribed text" in outcomes["p1.xml"].message
    assert outcomes["p1.png"].status == ADDED
    assert store.get_record(record_id("default", "p1.png")).format == "scan"


def test_an_htr_file_whose_image_is_not_in_the_folder_works_as_before(tmp_path, store):
    htr_file(tmp_path, "p1.xml", "p1.png")
    image_file(tmp_path, "other.png")  # an image no HTR file names is a scan of its own
    summary, seen = run(tmp_path, store)
    assert [(n, o.status) for n, o in sorted(by_name(summary).items())] == [("other.png", ADDED), ("p1.xml", ADDED)]
    record = store.get_record(record_id("default", "p1.xml"))
    assert record.text == HTR_TEXT and images(store, record.id) == [b""]
    assert store.get_record(record_id("default", "other.png")).format == "scan"
    assert seen[-1][1:] == (2, 2)


def test_reingest_changes_nothing(tmp_path, store):
    htr_file(tmp_path, "p1.xml", "p1.png")
    image_file(tmp_path, "p1.png")
    run(tmp_path, store)
    before = [(r.id, r.sha256, r.text, store.versions(r.id), images(store, r.id)) for r in store.iter_records()]
    summary, seen = run(tmp_path, store)
    assert (summary.count(ADDED), summary.count(UNCHANGED), summary.count(FACSIMILE)) == (0, 1, 1)
    assert [(r.id, r.sha256, r.text, store.versions(r.id), images(store, r.id)) for r in store.iter_records()] == before
    assert seen[-1][1:] == (2, 2)


def test_an_image_stored_alone_earlier_is_left_and_said_so(tmp_path, store):
    image = image_file(tmp_path, "p1.png")
    ingest_paths([image], store, steps=("metadata",))  # before it had an HTR file beside it
    alone = record_id("default", "p1.png")
    htr_file(tmp_path, "p1.xml", "p1.png")
    summary = ingest_paths([image, tmp_path / "p1.xml"], store, steps=("metadata",))
    outcome = by_name(summary)["p1.png"]
    assert outcome.status == FACSIMILE
    assert outcome.warnings and alone in outcome.warnings[0]
    assert store.get_record(alone).format == "scan"  # left as it was
    assert store.count_records() == 2


def test_only_images_in_the_same_folder_and_batch_are_paired(tmp_path):
    (tmp_path / "xml").mkdir()
    (tmp_path / "img").mkdir()
    htr_file(tmp_path / "xml", "p1.xml", "p1.png")
    image_file(tmp_path / "img", "p1.png")
    assert all(not b.facsimile_of for b in iter_batch([tmp_path]))
    # named one by one, the pair in one folder is still a pair; either alone is not
    htr_file(tmp_path / "img", "p1.xml", "p1.png")
    pair = [tmp_path / "img" / "p1.png", tmp_path / "img" / "p1.xml"]
    assert [b.facsimile_of for b in iter_batch(pair)] == [(pair[1],), ()]
    assert [b.facsimile_of for b in iter_batch(pair[:1])] == [()]
    # the older listing still gives (file, root) pairs of every file
    assert [p.name for p, _ in iter_source_paths([tmp_path / "img"])] == ["p1.png", "p1.xml"]


def test_image_names_are_read_from_the_head_only(tmp_path):
    truncated = tmp_path / "t.xml"
    truncated.write_text(ALTO_XML.replace("folio_12.png", "C:\\scans\\t.png")[:900], encoding="utf-8")
    assert image_names(truncated) == ["C:\\scans\\t.png"]
    early = tmp_path / "e.xml"
    early.write_text(PAGE_XML[:200], encoding="utf-8")
    assert image_names(early) == []
    tei = tmp_path / "tei.xml"
    tei.write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'><facsimile><graphic url='p.png'/></facsimile></TEI>")
    assert image_names(tei) == []
