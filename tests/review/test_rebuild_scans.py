"""Re-running extraction (or restoring a version) of a PAGE/ALTO record reads it again
beside the page images it was read with, so its facsimile stays."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from opis.access.policy import Viewer
from opis.model import content_hash
from opis.review import service
from opis.scan.htr import ALTO, PAGE
from opis.store.schema import records
from tests.ingest.htr_folder import by_name, htr_file, image_file, images, page_png, run

EDITOR = Viewer("vera", "editor")


@pytest.mark.parametrize("kind", [PAGE, ALTO])
@pytest.mark.parametrize("listed", [True, False], ids=["image list kept", "saved before the list was kept"])
def test_extraction_run_again_keeps_the_page_image(tmp_path, store, kind, listed):
    htr_file(tmp_path, "p1.xml", "p1.png", kind)
    image_file(tmp_path, "p1.png")
    summary, _ = run(tmp_path, store)
    rid = by_name(summary)["p1.xml"].record_id
    assert images(store, rid) == [page_png()]
    if not listed:  # as a record saved before `page_images` was kept in its metadata
        meta = store.get_record(rid).metadata
        meta.pop("page_images")
        with store.engine.begin() as conn:
            conn.execute(update(records).where(records.c.id == rid).values(meta=meta))
        assert "page_images" not in store.get_record(rid).metadata
    (tmp_path / "p1.png").unlink()  # the folder may be gone: the store has the image
    service.rerun_extraction(store, EDITOR, rid)
    assert images(store, rid) == [page_png()]
    assert content_hash(images(store, rid)[0]) == content_hash(page_png())
    assert store.get_record(rid).documents, "the text was read again"
    sha = store.get_record(rid).sha256
    service.restore_version(store, EDITOR, rid, sha)
    assert images(store, rid) == [page_png()]
