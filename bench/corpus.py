"""Write N archival-style documents for benchmarks, deterministic by seed.

The documents imitate the transcriptions opis reads (telegrams, memoranda, protocol
extracts, records of conversation) from templates and a vocabulary of our own, with the
same editorial markup (insertions, strike-outs, folio lines), so that ingest, extraction
and search see realistic text. Same seed, same files, byte for byte.

    python bench/corpus.py OUT_DIR --n 5000 --seed 1
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# (nominative, dative, initials, genitive) — figures of the period, in plausible roles
_PEOPLE = [
    ("Молотов", "В.М."), ("Маленков", "Г.М."), ("Хрущев", "Н.С."), ("Микоян", "А.И."),
    ("Булганин", "Н.А."), ("Громыко", "А.А."), ("Суслов", "М.А."), ("Пономарев", "Б.Н."),
    ("Каганович", "Л.М."), ("Ворошилов", "К.Е."), ("Первухин", "М.Г."), ("Сабуров", "М.З."),
    ("Зорин", "В.А."), ("Малик", "Я.А."), ("Пузанов", "А.М."), ("Юдин", "П.Ф."),
    ("Кузнецов", "В.В."), ("Семенов", "В.С."), ("Федоренко", "Н.Т."), ("Вышинский", "А.Я."),
]


def _declined(surname: str, initials: str) -> tuple[str, str, str, str]:
    if surname.endswith("ий"):
        return surname, surname[:-2] + "ому", initials, surname[:-2] + "ого"
    if surname.endswith(("о", "ко")):
        return surname, surname, initials, surname
    return surname, surname + "у", initials, surname + "а"


PEOPLE = [_declined(s, i) for s, i in _PEOPLE]
FOREIGN = ["Ким Ир Сен", "Нам Ир", "Чжоу Эньлай", "Мао Цзэдун", "Ульбрихт", "Гомулка", "Ракоши",
           "Готвальд", "Хо Ши Мин", "Цеденбал", "Тито", "Димитров", "Ачесон", "Даллес"]
# (nominative, genitive)
PLACES = [("Пхеньян", "Пхеньяна"), ("Пекин", "Пекина"), ("Берлин", "Берлина"), ("Варшава", "Варшавы"),
          ("Будапешт", "Будапешта"), ("Прага", "Праги"), ("Бухарест", "Бухареста"), ("София", "Софии"),
          ("Ханой", "Ханоя"), ("Улан-Батор", "Улан-Батора"), ("Белград", "Белграда"),
          ("Нью-Йорк", "Нью-Йорка"), ("Женева", "Женевы"), ("Вена", "Вены")]
BODIES = ["ЦК КПСС", "МИД СССР", "Совет Министров СССР", "Президиум ЦК КПСС"]
TOPICS = [
    "экономической помощи", "поставок оборудования", "торгового соглашения",
    "восстановления промышленности", "подготовки совещания", "вопроса о перемирии",
    "обмена делегациями", "строительства электростанции", "кредитного соглашения",
    "положения в партии", "культурного сотрудничества", "пограничного вопроса",
]
CLASSIFICATIONS = ["Сов. секретно", "Секретно", "НЕ СЕКРЕТНО", "Для служебного пользования",
                   "Совершенно секретно", "Особая папка"]
SENTENCES = [
    "В ходе беседы {foreign} подробно остановился на вопросе {topic}.",
    "Мы сообщили, что ЦК КПСС внимательно рассмотрит просьбу о {topic_prep}.",
    "{foreign} заявил, что руководство полностью согласно с предложениями советской стороны.",
    "Было отмечено, что решение вопроса {topic} имеет большое значение для народного хозяйства.",
    "По мнению посольства, необходимо ускорить рассмотрение вопроса {topic}.",
    "{foreign} просил передать благодарность Советскому правительству за оказанную помощь.",
    "Советская сторона выразила готовность направить группу специалистов.",
    "Затем обсуждались вопросы {topic}, при этом были высказаны <sup>отдельные</sup> замечания.",
    "Стороны договорились продолжить обмен мнениями в ближайшее время.",
    "Считаем целесообразным ~~немедленно~~ дать согласие на предложение друзей.",
    "Из {place_gen} сообщили о ходе выполнения прежних договоренностей.",
    "Прошу рассмотреть и дать указания.",
]
TOPIC_PREP = ["экономической помощи", "поставках оборудования", "торговом соглашении",
              "восстановлении промышленности", "подготовке совещания", "перемирии"]


def _date(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(1945, 1991), rng.randint(1, 12), rng.randint(1, 28)


def _paragraphs(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        k = rng.randint(2, 5)
        out.append(" ".join(
            rng.choice(SENTENCES).format(
                foreign=rng.choice(FOREIGN), topic=rng.choice(TOPICS),
                topic_prep=rng.choice(TOPIC_PREP), place_gen=rng.choice(PLACES)[1])
            for _ in range(k)))
    return out


def telegram(rng: random.Random) -> str:
    y, m, d = _date(rng)
    author = rng.choice(PEOPLE)
    place = rng.choice(PLACES)[1]
    body = "\n\n".join(_paragraphs(rng, rng.randint(3, 8)))
    return (f"{rng.randint(1, 300)}\n\n{rng.choice(CLASSIFICATIONS)}\n\nШИФРТЕЛЕГРАММА\n\n"
            f"Из {place}\n\nМосква, {rng.choice(BODIES)}\n\n{body}\n\n"
            f"{author[2][:2]} {author[0]}\n\n{d} {MONTHS_GEN[m - 1]} {y} г.\n\n"
            f"N {rng.randint(100, 9999)}\n")


def memo(rng: random.Random) -> str:
    y, m, d = _date(rng)
    author, addressee = rng.sample(PEOPLE, 2)
    copies = rng.sample(PEOPLE, rng.randint(2, 6))
    body = "\n\n".join(_paragraphs(rng, rng.randint(2, 6)))
    dist = "\n".join(f"товарищу {p[1]}" + (f" /{rng.randint(2, 3)}экз/" if rng.random() < 0.3 else "")
                     for p in copies)
    return (f"№ {rng.randint(1, 200)}, {rng.choice(ROMAN)}\n\n{rng.choice(CLASSIFICATIONS)}\n\n"
            f"Товарищу {addressee[1].upper()} {addressee[2]}\n\n{body}\n\n"
            f"{author[2][:2]} {author[0]} /{author[2][:2]}{author[0]}/\n\n"
            f"{d} \" {MONTHS_GEN[m - 1]} {y} года\n№ {rng.randint(1, 999)}/{rng.choice(['пк', 'гс', 'вш'])}\n\n"
            f"Разослано:\n{dist}\nв дело\n\nОтп. {rng.randint(3, 30)} экз.\n")


def protocol_extract(rng: random.Random) -> str:
    y, m, d = _date(rng)
    recipients = rng.sample(PEOPLE, rng.randint(1, 4))
    item = rng.randint(1, 60)
    body = "\n\n".join(_paragraphs(rng, rng.randint(1, 3)))
    return (f"Пролетарии всех стран, соединитесь!\n\nЦЕНТРАЛЬНЫЙ КОМИТЕТ КПСС\n\n"
            f"№ П{rng.randint(1, 99)}/{item}\n\n"
            f"Т. т. {', '.join(p[1] for p in recipients)}\n\n"
            f"{d}.{ROMAN[m - 1]}.{y} г.\n\n"
            f"Выписка из протокола № {rng.randint(1, 200)} заседания Президиума ЦК от "
            f"{d} {MONTHS_GEN[m - 1]} {y} г.\n\n{item}.- О вопросе {rng.choice(TOPICS)}.\n\n{body}\n\n"
            f"СЕКРЕТАРЬ ЦК\n")


def conversation(rng: random.Random) -> str:
    y, m, d = _date(rng)
    author = rng.choice(PEOPLE)
    foreign = rng.choice(FOREIGN)
    body = "\n\n".join(_paragraphs(rng, rng.randint(4, 10)))
    return (f"{rng.choice(CLASSIFICATIONS)}\n\nИЗ ДНЕВНИКА {author[3].upper()} {author[2]}\n\n"
            f"ЗАПИСЬ БЕСЕДЫ\nСобеседник: {foreign}\n\n{d} {MONTHS_GEN[m - 1]} {y} года\n\n{body}\n\n"
            f"{author[2]} {author[0]}\n")


KINDS = [telegram, memo, protocol_extract, conversation]


def generate(n: int, seed: int = 1):
    """Yield (file name, text) for n documents; the same seed gives the same corpus."""
    rng = random.Random(seed)
    for i in range(n):
        kind = KINDS[rng.randrange(len(KINDS))]
        yield f"{i:06d}_{kind.__name__}.txt", kind(rng)


def write_corpus(out: Path, n: int, seed: int = 1) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate(n, seed):
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = write_corpus(args.out, args.n, args.seed)
    print(f"wrote {len(paths)} documents to {args.out}")


if __name__ == "__main__":
    main()
