"""Ingesting a PAGE/ALTO file again notices that its page image changed: the record keeps
the name and sha256 of each image it was read with, its fingerprint covers them, so a
replaced, added or removed image makes a new version (old image bytes stay stored), while
an unchanged pair, and every other kind of file, stays "unchanged" without any work."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from opis.ingest.runner import ADDED, FACSIMILE, FAILED, UNCHANGED, UPDATED, _stored, ingest_paths
from opis.ingest.scans import read_scan
from opis.model import content_hash, record_id
from opis.review.service import history
from opis.scan.htr import ALTO, PAGE
from opis.store.schema import originals, records
from opis.translate.pairing import source_fingerprint
from opis.web.iiif import iiif_router
from tests.ingest.htr_folder import HTR_TEXT, by_name, htr_file, image_file, images, run
from tests.scan.render import image_bytes, image_pdf, render_page

RID = record_id("default", "p1.xml")
_BETTER: list[bytes] = []


def better_scan() -> bytes:
    """Another scan of the same page (other noise, a JPEG), as a rescan gives."""
    if not _BETTER:
        _BETTER.append(image_bytes(render_page(HTR_TEXT, seed=8).convert("RGB"), "JPEG"))
    return _BETTER[0]


def stored_bytes(store, sha256: str) -> bytes | None:
    with store.engine.connect() as conn:
        data = conn.execute(select(originals.c.bytes).where(originals.c.sha256 == sha256)).scalar()
    return None if data is None else bytes(data)


def updated_at(store, rid: str = RID):
    with store.engine.connect() as conn:
        return conn.execute(select(records.c.updated_at).where(records.c.id == rid)).scalar_one()


def served_image(store, rid: str = RID) -> tuple[bytes, str]:
    """The first page's image as the IIIF image route serves it to a reader (the route
    answers only under the suffix of the image's own type)."""
    app = FastAPI()
    app.include_router(iiif_router(lambda: store))
    client = TestClient(app)
    for ext in ("png", "jpg"):
        r = client.get(f"/iiif/{rid}/0/full/max/0/default.{ext}")
        if r.status_code == 200:
            return r.content, r.headers["content-type"]
    raise AssertionError(f"no image served for {rid}")


@pytest.mark.parametrize("kind", [PAGE, ALTO])
def test_a_replaced_page_image_makes_a_new_version_and_the_old_bytes_stay(tmp_path, store, kind):
    xml = htr_file(tmp_path, "p1.xml", "p1.png", kind)
    old = image_file(tmp_path, "p1.png").read_bytes()
    first, _ = run(tmp_path, store)
    assert by_name(first)["p1.xml"].status == ADDED
    record = store.get_record(RID)
    assert record.metadata["page_images"] == [{"file": "p1.png", "sha256": content_hash(old)}]
    versions, events, saved = store.versions(RID), len(history(store, RID)), updated_at(store)

    (tmp_path / "p1.png").write_bytes(better_scan())  # a better scan, same name
    second, _ = run(tmp_path, store)
    outcomes = by_name(second)
    assert (outcomes["p1.xml"].status, outcomes["p1.png"].status) == (UPDATED, FACSIMILE)
    assert outcomes["p1.xml"].warnings == []
    assert store.count_records() == 1
    new_sha = content_hash(better_scan())
    assert images(store, RID) == [better_scan()]
    served, media = served_image(store)
    assert content_hash(served) == new_sha and media == "image/jpeg"
    record = store.get_record(RID)
    assert record.metadata["page_images"] == [{"file": "p1.png", "sha256": new_sha}]
    assert record.text == HTR_TEXT and record.sha256 == content_hash(xml.read_bytes())
    pbs = [s for s in record.documents[0].diplomatic.spans if s.kind == "pb"]
    assert [s.attrs.get("facs") for s in pbs] == [new_sha]
    # a new version: saved again, its history says with which image; the old image is kept
    assert updated_at(store) > saved
    trail = history(store, RID)
    assert len(trail) == events + 1 and trail[-1]["action"] == "update"
    assert [e["new"]["page_images"][0]["sha256"] for e in trail[-2:]] == [content_hash(old), new_sha]
    assert stored_bytes(store, content_hash(old)) == old
    # the HTR file's bytes did not change: its list of source versions did not either
    assert store.versions(RID) == versions

    third, _ = run(tmp_path, store)
    assert (by_name(third)["p1.xml"].status, len(history(store, RID))) == (UNCHANGED, events + 1)


def test_an_unchanged_pair_is_skipped_before_it_is_read_again(tmp_path, store):
    xml = htr_file(tmp_path, "p1.xml", "p1.png")
    image_file(tmp_path, "p1.png")
    run(tmp_path, store)
    saved, events = updated_at(store), len(history(store, RID))
    # what the store holds is what the files alone give, so the runner skips before any
    # reading of the XML, OCR or enrichment
    known = _stored(store, RID)[0]
    assert known == source_fingerprint(read_scan(xml, tmp_path))
    assert content_hash((tmp_path / "p1.png").read_bytes()) in known
    again, _ = run(tmp_path, store)
    assert (again.count(UNCHANGED), again.count(FACSIMILE), again.count(UPDATED)) == (1, 1, 0)
    assert (updated_at(store), len(history(store, RID))) == (saved, events)


def test_a_removed_image_updates_the_record_without_facsimile_and_says_so(tmp_path, store):
    htr_file(tmp_path, "p1.xml", "p1.png")
    old = image_file(tmp_path, "p1.png").read_bytes()
    run(tmp_path, store)

    (tmp_path / "p1.png").unlink()
    summary, seen = run(tmp_path, store)
    outcome = by_name(summary)["p1.xml"]
    assert outcome.status == UPDATED and [n for n, _, _ in seen] == ["p1.xml"]
    assert len(outcome.warnings) == 1 and outcome.warnings[0].startswith("p1.png, the page image of the version stored")
    assert images(store, RID) == [b""]
    record = store.get_record(RID)
    assert record.metadata["page_images"] == [{"file": "p1.png", "sha256": None}]
    assert record.text == HTR_TEXT
    assert stored_bytes(store, content_hash(old)) == old  # nothing stored is lost
    # said once: the next ingest finds nothing new
    summary, _ = run(tmp_path, store)
    assert by_name(summary)["p1.xml"].status == UNCHANGED and by_name(summary)["p1.xml"].warnings == []

    image_file(tmp_path, "p1.png")  # put back: the facsimile comes back
    summary, _ = run(tmp_path, store)
    assert by_name(summary)["p1.xml"].status == UPDATED and by_name(summary)["p1.xml"].warnings == []
    assert images(store, RID) == [old]
    assert store.get_record(RID).warnings == []


def test_an_image_added_after_the_htr_file_updates_the_record(tmp_path, store):
    htr_file(tmp_path, "p1.xml", "p1.png")
    first, _ = run(tmp_path, store)
    assert by_name(first)["p1.xml"].status == ADDED and by_name(first)["p1.xml"].warnings == []
    assert images(store, RID) == [b""]
    assert run(tmp_path, store)[0].count(UNCHANGED) == 1

    new = image_file(tmp_path, "p1.png").read_bytes()
    summary, _ = run(tmp_path, store)
    assert (by_name(summary)["p1.xml"].status, by_name(summary)["p1.png"].status) == (UPDATED, FACSIMILE)
    assert images(store, RID) == [new]


def test_an_image_that_no_longer_reads_is_said_so(tmp_path, store):
    htr_file(tmp_path, "p1.xml", "p1.png")
    image_file(tmp_path, "p1.png")
    run(tmp_path, store)
    (tmp_path / "p1.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"cut short by a failed copy")
    summary, _ = run(tmp_path, store)
    outcomes = by_name(summary)
    assert outcomes["p1.xml"].status == UPDATED
    assert outcomes["p1.xml"].warnings == ["p1.png, the page image it names, does not read as an image; "
                                           "the page is shown without it"]
    assert images(store, RID) == [b""]
    # no longer a facsimile, the image is tried on its own and fails alone
    assert outcomes["p1.png"].status == FAILED


def _drop_image_list(store, rid: str = RID) -> None:
    """Make the stored record look as one stored before records kept their images."""
    with store.engine.begin() as conn:
        meta = conn.execute(select(records.c.meta).where(records.c.id == rid)).scalar_one()
        conn.execute(update(records).where(records.c.id == rid)
                     .values(meta={k: v for k, v in meta.items() if k != "page_images"}))


def test_a_record_stored_before_is_updated_once_to_remember_its_image(tmp_path, store):
    xml = htr_file(tmp_path, "p1.xml", "p1.png")
    image = image_file(tmp_path, "p1.png").read_bytes()
    run(tmp_path, store)
    _drop_image_list(store)
    assert _stored(store, RID)[0] == content_hash(xml.read_bytes())  # as such records stand
    versions = store.versions(RID)

    summary, _ = run(tmp_path, store)
    assert by_name(summary)["p1.xml"].status == UPDATED and by_name(summary)["p1.xml"].warnings == []
    assert store.count_records() == 1 and store.versions(RID) == versions
    assert store.get_record(RID).metadata["page_images"] == [{"file": "p1.png", "sha256": content_hash(image)}]
    assert images(store, RID) == [image]
    assert run(tmp_path, store)[0].count(UNCHANGED) == 1


def test_a_record_stored_before_without_its_image_stays_unchanged(tmp_path, store):
    htr_file(tmp_path, "p1.xml", "p1.png")  # the image was never there
    run(tmp_path, store)
    _drop_image_list(store)
    summary, _ = run(tmp_path, store)
    assert by_name(summary)["p1.xml"].status == UNCHANGED


def test_transcriptions_translations_and_scans_keep_their_fingerprints(tmp_path, store):
    """Nothing else is updated for this: a plain transcription's fingerprint is its bytes'
    hash, a pair's the same string as before, and re-ingesting them changes nothing."""
    a = tmp_path / "a.txt"
    a.write_text("Товарищу Сталину И.В.\n\nМосква, 1 мая 1950 г.\n\nПрошу разрешить выезд делегации.\n",
                 encoding="utf-8")
    b, b_en = tmp_path / "b.txt", tmp_path / "b.en.txt"
    b.write_text("Товарищу Молотову\n\nПрошу рассмотреть проект ответа.\n", encoding="utf-8")
    b_en.write_text("To Comrade Molotov\n\nPlease consider the draft reply.\n", encoding="utf-8")
    lone = tmp_path / "d.png"
    lone.write_bytes(image_bytes(render_page(HTR_TEXT, seed=5), "PNG"))  # read by Tesseract
    first = ingest_paths([tmp_path], store, steps=("metadata",))
    assert (first.count(ADDED), first.count(FAILED)) == (3, 0)

    def known(name: str) -> str | None:
        return _stored(store, record_id("default", name))[0]

    sha = {p.name: content_hash(p.read_bytes()) for p in (a, b, b_en, lone)}
    assert known("a.txt") == sha["a.txt"]
    assert known("b.txt") == f"{sha['b.txt']}+en:{sha['b.en.txt']}"
    assert known("d.png") == sha["d.png"]
    assert "page_images" not in store.get_record(record_id("default", "d.png")).metadata
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(image_pdf([render_page(HTR_TEXT, seed=6)]))
    assert source_fingerprint(read_scan(pdf)) == content_hash(pdf.read_bytes())

    pdf.unlink()
    again = ingest_paths([tmp_path], store, steps=("metadata",))
    assert (again.count(UNCHANGED), again.seen) == (3, 3)


def _image_steps(folder: Path, store, workers: int) -> list:
    """Add, replace, remove and put back a page image, ingesting after each step: what
    the report says and what the record shows."""
    htr_file(folder, "p1.xml", "p1.png")
    image_file(folder, "p1.png")
    seen = []
    for change in (None, lambda: (folder / "p1.png").write_bytes(better_scan()),
                   lambda: (folder / "p1.png").unlink(), lambda: image_file(folder, "p1.png")):
        if change:
            change()
        summary, _ = run(folder, store, workers=workers)
        seen.append((sorted((Path(o.path).name, o.status, tuple(o.warnings)) for o in summary.outcomes),
                     [content_hash(i) for i in images(store, RID)],
                     store.get_record(RID).metadata["page_images"]))
    return seen


def test_two_workers_follow_image_changes_as_one(tmp_path, make_store, make_database_url):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    one = _image_steps(tmp_path / "one", make_store(make_database_url("images-serial")), 1)
    two = _image_steps(tmp_path / "two", make_store(make_database_url("images-parallel")), 2)
    assert one == two
    assert [[s for _, s, _ in outcomes] for outcomes, _, _ in two] == [
        [FACSIMILE, ADDED], [FACSIMILE, UPDATED], [UPDATED], [FACSIMILE, UPDATED]]
