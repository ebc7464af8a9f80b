"""English titles before a name and Latin names written without their accents."""

from opis.entities.authority import default_authority
from opis.entities.names import clean


def test_english_titles_are_not_part_of_the_name():
    assert clean("Ambassador Kim Hyun-chul") == "Kim Hyun-chul"
    assert clean("His Excellency Mr. Ioan Totu") == "Ioan Totu"
    assert clean("Marshal Peng Dehuai") == "Peng Dehuai"


def test_title_before_a_name_links_to_the_person():
    link = default_authority().link("Ambassador Kim Hyun-chul", type="PER")
    assert link is not None and link.entry.name == "Ким Хён Чхоль"


def test_name_written_without_accents_links():
    auth = default_authority()
    # the entry is "Károly Grósz"; typed or OCR'd papers drop the accents
    assert auth.link("Karoly Grosz", type="PER").entry.name == "Грос"
    assert auth.link("Grosz", type="PER").entry.name == "Грос"
    assert auth.link("Peter Varkonyi", type="PER").entry.name == "Варкони"
