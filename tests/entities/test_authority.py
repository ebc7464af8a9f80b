"""The authority file: loading, validation, linking."""

from pathlib import Path

import pytest

from opis.entities.authority import AuthorityError, default_authority, load_authority, lookup


@pytest.fixture(scope="module")
def auth():
    return default_authority()


def test_counts_cover_the_brief(auth):
    counts = auth.counts()
    assert counts["PER"] >= 500
    assert counts["ORG"] >= 60
    assert counts["LOC"] >= 60


def test_ids_are_unique_and_entries_complete(auth):
    ids = [e.id for e in auth.entries]
    assert len(ids) == len(set(ids))
    for e in auth.entries:
        assert e.name and e.en
        if e.type == "PER":
            assert e.heading


@pytest.mark.parametrize("name", ["Сталин", "Микоян", "Ким Ир Сен", "Нам Ир", "Пак Ир У", "Мао Цзэдун",
                                  "Чжоу Эньлай", "Пушкин", "Малик", "Пальгунов", "Ачесон", "Берия",
                                  "Ульбрихт", "Гомулка", "Ракоши", "Тито", "Хо Ши Мин", "Ли Сын Ман"])
def test_key_people_are_present(auth, name):
    assert any(e.name == name and e.type == "PER" for e in auth.entries)


@pytest.mark.parametrize("name", ["ЦК КПСС", "ЦК ВКП(б)", "МИД СССР", "ТПК", "ЦК ТПК", "КПК", "ЦК КПК", "СЕПГ",
                                  "ПОРП", "ВПТ", "КПЧ", "ООН", "Генеральная Ассамблея ООН", "ТАСС",
                                  "Известия", "Правда", "Франс Пресс", "Синьхуа", "Рейтер"])
def test_key_bodies_are_present(auth, name):
    assert any(e.name == name and e.type == "ORG" for e in auth.entries)


def test_stalin_record(auth):
    e = lookup("stalin-iosif")
    assert e is not None and e.wikidata == "Q855" and e.initials == "И. В."
    assert "Филиппов" in e.pseudonyms and "Фын Си" in e.pseudonyms
    assert e.to_json()["en"] == "Joseph Stalin"


@pytest.mark.parametrize("written,expected", [
    ("Маленкову", "malenkov-georgy"),
    ("Товарищу СТАЛИНУ И.В.", "stalin-iosif"),
    ("Филиппов", "stalin-iosif"),
    ("To Comrade Filippov", "stalin-iosif"),
    ("Фын Си", "stalin-iosif"),
    ("Ким Ир Сена", "kim-il-sung"),
    ("Чжоу Энь-лай", "zhou-enlai"),
    ("Хрущёв", "khrushchev-nikita"),
    ("Mikoyan", "mikoyan-anastas"),
    ("Kim Il Sung", "kim-il-sung"),
    ("Malenkov", "malenkov-georgy"),
    ("Дина Ачесона", "acheson-dean"),
    ("Ир У", "pak-il-u"),
])
def test_link_people(auth, written, expected):
    link = auth.link(written)
    assert link is not None and link.entry.id == expected
    assert 0 < link.score <= 1


@pytest.mark.parametrize("written,type,expected", [
    ("Центральному Комитету КПСС", "ORG", "cc-cpsu"),
    ("Генеральной Ассамблеи ООН", "ORG", "un-general-assembly"),
    ("компартии Китая", "ORG", "ccp"),
    ("Нью-Йорке", "LOC", "new-york"),
    ("Москве", "LOC", "moscow"),
    ("Паньшынчжоня", "LOC", "panmunjom"),
])
def test_link_bodies_and_places(auth, written, type, expected):
    link = auth.link(written, type=type)
    assert link is not None and link.entry.id == expected


def test_garbled_signature_needs_context(auth):
    assert auth.link("Мимозн") is None
    link = auth.link("А. Мимозн", context={"signature": True})
    assert link is not None and link.entry.id == "mikoyan-anastas"
    assert link.method == "authority.fuzzy_context" and link.score < 0.9
    # initials that disagree do not rescue the garble
    assert auth.link("Б. Мимозн") is None or auth.link("Б. Мимозн").entry.id != "mikoyan-anastas"


def test_homonyms_prefer_matching_initials(auth):
    assert auth.link("Ф. Кастро").entry.id == "castro-fidel"
    assert auth.link("Р. Кастро").entry.id == "castro-raul"
    assert auth.link("Кузнецов", context={"initials": "А. А."}).entry.id == "kuznetsov-alexei"


def test_type_filter(auth):
    assert auth.link("Москва", type="PER") is None
    assert auth.link("Москва", type="LOC").entry.type == "LOC"


def test_user_file_merges(tmp_path: Path):
    f = tmp_path / "mine.toml"
    f.write_text('[[person]]\nid = "ivanov-test"\nname = "Тестов"\nheading = "Тестов Иван"\nen = "Ivan Testov"\n',
                 encoding="utf-8")
    auth = load_authority([f])
    assert auth.get("ivanov-test").name == "Тестов"
    assert auth.link("Тестову").entry.id == "ivanov-test"
    assert auth.get("stalin-iosif") is not None


def test_env_var_names_user_files(tmp_path: Path, monkeypatch):
    d = tmp_path / "auth"
    d.mkdir()
    (d / "a.toml").write_text('[[place]]\nid = "zz-town"\nname = "Зэтаун"\nen = "Zetown"\n', encoding="utf-8")
    monkeypatch.setenv("OPIS_AUTHORITY", str(d))
    assert load_authority().get("zz-town") is not None


@pytest.mark.parametrize("body,message", [
    ('[[person]]\nid = "stalin-iosif"\nname = "X"\nheading = "X"\nen = "X"\n', "already defined"),
    ('[[person]]\nid = "no-en"\nname = "X"\nheading = "X"\n', "'en'"),
    ('[[person]]\nid = "bad-year"\nname = "X"\nheading = "X"\nen = "X"\nborn = "1900"\n', "'born'"),
    ('[[person]]\nid = "odd"\nname = "X"\nheading = "X"\nen = "X"\ncolour = "red"\n', "unknown key"),
    ('[[people]]\nid = "x"\n', "unknown table"),
    ('[[person]\nid = ', "not valid TOML"),
])
def test_validation_names_file_and_entry(tmp_path: Path, body, message):
    f = tmp_path / "bad.toml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(AuthorityError) as err:
        load_authority([f])
    assert str(f) in str(err.value) and message in str(err.value)
