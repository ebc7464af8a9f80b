"""The acceptance path of the foundation, through the real `opis` command."""

import json
import os
import subprocess
import sys

import pytest


def opis(*args, db: str, check=True):
    """Run the real command on the database `db` (a URL of the backend under test)."""
    env = dict(os.environ, OPIS_DB=db, COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "opis", *args], capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"opis {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def seeded_db(make_database_url, seeds_dir):
    db = make_database_url("cli")
    opis("ingest", str(seeds_dir), db=db)
    return db


def test_ingesting_the_seeds_twice_leaves_two_records(seeded_db, seeds_dir):
    proc = opis("ingest", str(seeds_dir), "--format", "json", db=seeded_db)
    summary = json.loads(proc.stdout)
    assert summary["unchanged"] == 2 and summary["added"] == 0 and summary["failed"] == 0
    proc = opis("ingest", str(seeds_dir), db=seeded_db)
    assert "0 added, 0 updated, 2 unchanged, 0 failed" in proc.stdout
    from opis.store.repository import Store

    with Store.open(seeded_db) as store:
        assert store.count_records() == 2


@pytest.mark.parametrize("query", ["Ким Ир Сен", "Ким Ир Сена"])
def test_search_finds_kim_il_sung_in_any_case(seeded_db, query):
    hits = json.loads(opis("search", query, "--format", "json", db=seeded_db).stdout)["hits"]
    assert any(h["source_name"] == "001_a31a19e8a354493c.txt" for h in hits)


def test_search_by_lemma_finds_refutation(seeded_db):
    hits = json.loads(opis("search", "опровержение", "--format", "json", db=seeded_db).stdout)["hits"]
    assert [h["source_name"] for h in hits] == ["000_e7381ea8498c35b3.txt"] * len(hits) and hits
    assert any(seg[1] for h in hits for seg in h["snippet"])


def test_search_results_name_the_record_and_mark_the_snippet(seeded_db):
    hits = json.loads(opis("search", "Пальгунову", "--format", "json", db=seeded_db).stdout)["hits"]
    hit = hits[0]
    assert hit["record_id"] and hit["title"] and hit["source_name"]
    matched = [text for text, is_match in hit["snippet"] if is_match]
    assert any("Пальгунов" in m for m in matched)
    text = opis("search", "Пальгунову", db=seeded_db).stdout
    assert "Пальгунов" in text


def test_malformed_query_is_a_clear_message(seeded_db):
    proc = opis("search", '"Ким Ир', db=seeded_db, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "quote" in proc.stderr.lower()


def test_show_gives_layers_and_metadata(seeded_db):
    hits = json.loads(opis("search", "Мухитдинов", "--format", "json", db=seeded_db).stdout)["hits"]
    record = json.loads(opis("show", hits[0]["record_id"], "--format", "json", db=seeded_db).stdout)
    reading = record["documents"][0]["layers"]["reading"]["text"]
    assert "указаниями о необходимости" in reading and "~~" not in reading
    hits = json.loads(opis("search", "Пальгунову", "--format", "json", db=seeded_db).stdout)["hits"]
    record = json.loads(opis("show", hits[0]["record_id"], "--format", "json", db=seeded_db).stdout)
    assert record["metadata"]["original_language"] == "Russian"
    assert "Wilson Center Digital Archive" in record["metadata"]["citation"]


def test_bad_files_fail_alone_and_the_rest_is_stored(tmp_path, store_url):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 64
    (folder / "scan.txt").write_bytes(png)
    (folder / "letter_cp1251.txt").write_bytes("Товарищу Молотову В.М.\n\nПрошу рассмотреть проект ответа.".encode("cp1251"))
    (folder / "note_koi8.txt").write_bytes("Справка о переговорах в Пхеньяне.\n\nСекретно.".encode("koi8_r"))
    db = store_url
    proc = opis("ingest", str(folder), db=db, check=False)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 2, proc.stderr
    assert any("empty.txt" in e and "empty" in e for e in errors)
    assert any("scan.txt" in e and "PNG" in e for e in errors)
    assert "2 added, 0 updated, 0 unchanged, 2 failed" in proc.stdout
    hits = json.loads(opis("search", "Молотову", "--format", "json", db=db).stdout)["hits"]
    assert hits and hits[0]["source_name"] == "letter_cp1251.txt"
    record = json.loads(opis("show", hits[0]["record_id"], "--format", "json", db=db).stdout)
    assert record["encoding"] == "cp1251"
    assert "Товарищу Молотову" in record["documents"][0]["layers"]["diplomatic"]["text"]
    hits = json.loads(opis("search", "Пхеньян", "--format", "json", db=db).stdout)["hits"]
    record = json.loads(opis("show", hits[0]["record_id"], "--format", "json", db=db).stdout)
    assert record["encoding"] == "koi8-r"


def test_a_changed_file_updates_its_record_and_keeps_its_id(tmp_path, store_url):
    path = tmp_path / "memo.txt"
    path.write_text("Товарищу Сталину И.В.\n\nПервая редакция.", encoding="utf-8")
    db = store_url
    first = json.loads(opis("ingest", str(path), "--format", "json", db=db).stdout)
    path.write_text("Товарищу Сталину И.В.\n\nВторая редакция.", encoding="utf-8")
    second = json.loads(opis("ingest", str(path), "--format", "json", db=db).stdout)
    assert first["files"][0]["status"] == "added" and second["files"][0]["status"] == "updated"
    assert first["files"][0]["record_id"] == second["files"][0]["record_id"]
    assert json.loads(opis("search", "редакция", "--format", "json", db=db).stdout)["total"] == 1


def test_export_import_moves_an_archive_without_loss(seeded_db, make_database_url, tmp_path):
    first = tmp_path / "first.jsonl"
    opis("export", str(first), "--format", "jsonl", db=seeded_db)
    target = make_database_url("cli-import")
    proc = opis("import", str(first), db=target)
    assert "2 added" in proc.stdout
    second = tmp_path / "second.jsonl"
    opis("export", str(second), "--format", "jsonl", db=target)
    assert first.read_bytes() == second.read_bytes() and first.stat().st_size > 0
    tei = tmp_path / "tei"
    opis("export", str(tei), "--format", "tei", db=seeded_db)
    assert len(list(tei.glob("*.xml"))) == 2


def test_import_of_a_foreign_file_is_one_clear_line(seeded_db, tmp_path):
    bad = tmp_path / "not-tei.xml"
    bad.write_text("<html><body>hello</body></html>", encoding="utf-8")
    proc = opis("import", str(bad), db=seeded_db, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "not-tei.xml" in proc.stderr and proc.stderr.strip().count("\n") == 0


@pytest.mark.parametrize("query", ["Mikoyan", "Kim Il Sung", "Malenkov"])
def test_latin_script_names_find_cyrillic_documents(seeded_db, query):
    hits = json.loads(opis("search", query, "--format", "json", db=seeded_db).stdout)["hits"]
    expected = "000_e7381ea8498c35b3.txt" if query == "Malenkov" else "001_a31a19e8a354493c.txt"
    assert expected in [h["source_name"] for h in hits]


def test_eval_prints_person_f1_above_raw_natasha(tmp_path):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.run([sys.executable, "-m", "opis", "eval", "tests/gold/entities.jsonl",
                           "--format", "json"], capture_output=True, text=True, cwd=root)
    assert proc.returncode == 0, proc.stderr
    rows = {(r["system"], r["type"]): r for r in json.loads(proc.stdout)["rows"]}
    assert rows[("opis", "PER")]["f1"] > rows[("natasha", "PER")]["f1"]
    table = subprocess.run([sys.executable, "-m", "opis", "eval", "tests/gold/entities.jsonl"],
                           capture_output=True, text=True, cwd=root, env=dict(os.environ, COLUMNS="200")).stdout
    f1 = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.replace("┃", "│").split("│") if c.strip()]
        if len(cells) >= 5 and cells[1] == "PER":
            f1[cells[0]] = float(cells[4])
    assert f1["opis"] > f1["natasha"], table


def test_ingest_says_in_words_which_page_images_went_with_their_htr_files(tmp_path, store_url):
    """The text report counts every file listed: an image kept as the facsimile of the
    PAGE file that names it is said so, not left out of the sums."""
    import os
    import subprocess
    import sys

    from tests.ingest.test_htr_facsimiles import htr_file, image_file

    htr_file(tmp_path, "p1.xml", "p1.png")
    image_file(tmp_path, "p1.png")
    proc = subprocess.run([sys.executable, "-m", "opis", "ingest", str(tmp_path), "--skip", "entities"],
                          capture_output=True, text=True, env=dict(os.environ, OPIS_DB=store_url, COLUMNS="200"))
    assert proc.returncode == 0, proc.stderr
    assert "1 added, 0 updated, 0 unchanged, 0 failed, 1 page image kept as facsimile of HTR records" in proc.stdout
