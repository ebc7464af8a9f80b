"""Paragraph alignment: anchors across scripts, the steps, and the gold pairs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from opis.translate.align import align, align_texts, anchors, is_note
from opis.translate.evaluate import evaluate_alignment, score

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "gold" / "parallel" / "alignment.jsonl"


def test_numbers_and_dates_are_the_same_in_both_languages():
    ru = anchors("Записка от 3.XI.1952 г. и телеграмма от 5 марта 1953 года, экз. № 12.")
    en = anchors("The note of 3 November 1952 and the telegram of March 5, 1953, copy No. 12.")
    assert {"3", "1952", "m11", "5", "m3", "1953", "12"} <= ru.numbers
    assert {"3", "1952", "m11", "5", "m3", "1953", "12"} <= en.numbers


def test_may_is_a_month_but_a_word_starting_with_ma_is_not():
    assert "m5" in anchors("Москва, 9 мая 1945 г.").numbers
    assert not {n for n in anchors("Вчера мама и Малик приехали.").numbers if n.startswith("m")}


def test_names_meet_through_transliteration_and_the_authority():
    ru = anchors("Вчера товарищ Микоян принял посла в Пхеньяне.")
    en = anchors("Yesterday Comrade Mikoyan received the ambassador in Pyongyang.")
    assert "miko" in ru.names & en.names
    assert "pyon" in ru.names & en.names  # Пхеньян is Pyongyang only by the authority file


def test_a_split_paragraph_and_a_note_are_aligned():
    ru = ["Секретно", "Товарищу Молотову В.М.",
          "Сегодня, 5 марта 1953 года, посол Чарлз Болен передал ноту. Нота касается 11 пунктов. "
          "Болен просил ответить до 20 марта.",
          "Посол Зарубин"]
    en = ["Secret", "To Comrade V.M. Molotov",
          "Today, 5 March 1953, Ambassador Charles Bohlen handed over a note. The note concerns 11 points.",
          "Bohlen asked for a reply by 20 March.",
          "[Translator's note: the note itself is not in this file.]",
          "Ambassador Zarubin"]
    assert is_note(en[4]) and not is_note(en[2])
    assert align_texts(ru, en) == [((0,), (0,)), ((1,), (1,)), ((2,), (2, 3)), ((), (4,)), ((3,), (5,))]


def test_a_paragraph_split_around_a_note_keeps_both_halves():
    ru = ["Нота от 12 мая 1960 года.", "Самолет сбит 1 мая 1960 года в районе Свердловска. Летчик Пауэрс задержан.",
          "Министерство отклоняет утверждения Посольства."]
    en = ["Note of 12 May 1960.", "The aircraft was shot down on 1 May 1960 in the Sverdlovsk area.",
          "(Translator's note: spelled Powers in American papers.)", "The pilot Powers has been detained.",
          "The Ministry rejects the assertions of the Embassy."]
    got = align_texts(ru, en)
    assert got == [((0,), (0,)), ((1,), (1, 3)), ((), (2,)), ((2,), (4,))]


def test_empty_sides():
    assert align("", "One.\n\nTwo.") == [((), (0,)), ((), (1,))]
    assert align("Один.", "") == [((0,), ())]


def test_score_counts_paragraphs_with_exactly_their_gold_partners():
    gold = [((0,), (0,)), ((1,), (1, 2))]
    assert score(gold, gold).correct == 5
    wrong = score(gold, [((0,), (0,)), ((1,), (1,)), ((), (2,))])
    assert wrong.correct == 2 and wrong.paragraphs == 5 and wrong.exact_pairs == 1


def test_gold_pairs_are_aligned_at_least_95_percent():
    scores = evaluate_alignment(GOLD, ROOT)
    assert len(scores) >= 6
    total = sum(s.paragraphs for s in scores)
    correct = sum(s.correct for s in scores)
    assert correct / total >= 0.95, [(s.file, s.correct, s.paragraphs) for s in scores]


def test_gold_has_split_merged_and_unpaired_paragraphs():
    shapes = set()
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        for a, b in json.loads(line)["pairs"]:
            shapes.add((len(a), len(b)))
    assert {(1, 1), (1, 2), (2, 1), (0, 1)} <= shapes


def test_opis_eval_prints_alignment_scores():
    proc = subprocess.run([sys.executable, "-m", "opis", "eval", str(GOLD), "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["kind"] == "alignment" and data["documents"] >= 6
    assert data["accuracy"] >= 0.95
