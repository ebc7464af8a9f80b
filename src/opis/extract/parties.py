"""Authors, signatories and recipients.

Who wrote to whom is read from fixed places on the sheet: the addressee block of the
heading ("Товарищу СТАЛИНУ И.В.", "Т. т. Маленкову, Малику, Пальгунову", "To Comrade
Filippov", "MEMORANDUM FOR THE PRESIDENT"), a telegram's destination line ("Москва, ЦК
КПСС", "ПЕКИН, СОВПОСОЛУ тов. РОЩИНУ"), the signature after the running text ("Г. Пушкин
/Г.Пушкин/", "(signed) J. F. Dulles", "ФИЛИППОВ") and, for documents that speak for a
body or a person named in their heading, that heading: a protocol extract or minutes are
the deciding body's, a TASS statement is TASS's, a diary or speech is its author's, a
diplomatic note is the sender's named in its opening formula.

Without any of these, weaker places are read, each as an archivist would: the Soviet
diplomat a record of conversation says held the talk, the body whose letterhead stands
above an unsigned справка, the agency of a news item's dateline. Positions alone
("Секретарь Коллегии"), cities ("From Moscow to Beijing") and posts in a FROM: field
("Amembassy MOSCOW") are never parties; an office is recorded only where no one holding
it is named.
"""

from __future__ import annotations

import re

from opis.extract.lines import Layout, Line, despace, is_folio, is_prose, layout, value, words
from opis.extract.people import Party, body, organisation, resolve, split_addressees
from opis.extract.place import place_name
from opis.model import Value

ADDRESSEE = re.compile(
    r"^\s*\**(?P<lead>(?:(?:Председателю|Министру|Секретарю|Первому секретарю)[^\n]*?)?"
    r"(?:[Тт]оварищу|[Тт]оварищам|Тов\.|Т\.\s*т\.|Тт\.|[Гг]осподину|[Гг]-ну|To Comrades?|To:|TO:|To|TO(?=\s+THE\s))\s+)(?P<names>.+?)\s*\**$")
# "Москва, ЦК КПСС." / "ПЕКИН, СОВПОСОЛУ тов. РОЩИНУ" / "Москва, МИД СССР, тов. ГРОМЫКО А.А."
DESTINATION = re.compile(r"^\s*(?P<place>[А-ЯЁA-Z](?: [А-ЯЁA-Z]){3,}|[А-ЯЁA-Z][а-яёa-zА-ЯЁA-Z\-]+)"
                         r"(?:\s*[,.]|\s+[—–])\s*(?P<rest>.{2,120}?)\.?\s*$")
# a person named inside a line by a title: "для передачи тов. Мао Цзэдуну"
TITLED = re.compile(r"(?:товарищу|товарищам|тов\.|т\.\s*т\.|т\.)\s*(?P<name>[А-ЯЁ][^,;]*?)\s*(?:[,;]|$)",
                    re.I)
# "MEMORANDUM FOR THE PRESIDENT", "REPORT TO THE SECRETARY OF STATE ON ..."
FOR_LINE = re.compile(r"^\s*(?:MEMORANDUM|REPORT|LETTER|NOTE|MESSAGE)\b[^\n]*?\b(?:FOR|TO)\s+(?P<names>.+?)"
                      r"(?:\s+(?:ON|ABOUT|CONCERNING|REGARDING)\s+.*)?\s*$", re.I)
# "Message from President Kennedy to Chairman Khrushchev"
FROM_TO = re.compile(r"^\s*(?:\w+\s+){0,3}?from\s+(?P<a>.+?)\s+to\s+(?P<r>.+?)\s*$", re.I)
FROM_LINE = re.compile(r"^\s*(?:From|FROM|От)\s*:\s*(?P<names>.+?)\s*$")
TITLES_EN = re.compile(r"^(?:President|Chairman|Premier|Secretary|Ambassador|Comrade|Mr\.|General)\s+",
                       re.I)
# the marks a copy puts where the signature was: "(signed)", "/s/", "(подпись)", "sgd."
SIGNED_MARK = (r"\((?:signed|sgd\.?)\)|/(?:s|signed)/|\[signed\]|\bsgd\.|\bSigned:|"
               r"\((?:подпись|подп\.)\)|/(?:подпись|подп\.)/|\[подпись\]")
# a signature: initials and surname, a name in capitals, first name and surname
SIGNATURE = re.compile(
    r"^\s*(?:" + SIGNED_MARK + r")?\s*(?P<sig>"
    r"(?:[A-ZА-ЯЁ][a-zа-яё]?\.\s*){1,3}[A-ZА-ЯЁ][\w\-]+|"        # Г. Пушкин, W. Gomułka, Дж. Кеннеди
    r"[A-ZА-ЯЁ][a-zа-яё\w]+\s+(?:[A-ZА-ЯЁ]\.\s*){1,2}|"           # Пушкин Г.
    r"[A-ZА-ЯЁ][a-zа-яё\w\-]+(?:\s+[A-Z]\.)?\s+[A-ZА-ЯЁ][a-zа-яё\w\-]+|"  # Dean Rusk, Мао Цзэдун
    r"[A-Z][a-z][\w\-]*(?:\s+(?:[A-Z]\.|[A-Z][a-z][\w\-']*)){2,3}|"  # John Foster Dulles, John F. Kennedy Jr
    r"[A-ZА-ЯЁ][A-ZА-ЯЁ\-]{3,}|"                                   # ФИЛИППОВ, HARRIMAN
    r"[A-ZА-ЯЁ][A-ZА-ЯЁ\-]{1,}(?:\s+[A-ZА-ЯЁ][A-ZА-ЯЁ\-]{1,}){1,2}|"    # КИМ ИР СЕН
    r"[А-ЯЁ][а-яё]{1,3}(?:\s+[А-ЯЁ][а-яё]{1,4}){2}"                 # Ким Ир Сен, Пак Хон Ен
    r")\s*(?:/[^/]*/)?\s*\.?\s*$")
# a word without vowels in capitals is an abbreviation (ЦК, СССР): "СЕКРЕТАРЬ ЦК" and
# "ПОСОЛ СССР В КНР" are positions, not names
_ABBR = re.compile(r"\b[БВГДЖЗЙКЛМНПРСТФХЦЧШЩ]{2,}\b|\b(?:USSR|USA|CPSU)\b")
# a position title and the name on one line: "Министр иностранных дел СССР В. Молотов"
TRAILING_SIGNATURE = re.compile(r"\s(?P<sig>(?:[A-ZА-ЯЁ]\.\s*){1,2}[A-ZА-ЯЁ][a-zа-яё\-]+|"
                                r"[А-ЯЁ][а-яё\-]+\s+[А-ЯЁ]\.\s*[А-ЯЁ]\.)\s*(?:/[^/]*/)?\s*\.?\s*$")
SIGNED_FULL = re.compile(r"^\s*(?:" + SIGNED_MARK + r")\s*(?P<sig>.+?)\s*$|"
                         r"^\s*[/(]\s*(?P<sig2>(?:[A-ZА-ЯЁ][a-zа-яё]?\.\s*){1,3}[A-ZА-ЯЁ][\w\-]+)\s*[/)]\s*$", re.I)
DRAFTED = re.compile(r"^\s*(?:Drafted(?:\s+by)?|Recorded\s+by|Запись\s+составил\w*|Записал\w*)\s*:?\s*(?P<sig>.*?)\s*$",
                     re.I)
# the office-symbol form of an American drafting line: "EUR/SOV:TWSimons, Jr."
OFFICE_SYMBOL = re.compile(r"^(?:[A-Z]{1,6}(?:/[A-Z]{1,6})*:)?(?P<ini>[A-Z]{1,3})(?P<sur>[A-Z][a-z][\w\-']+)(?:,?\s*(?:Jr|Sr)\.?)?$")
# a position alone ("Секретарь Коллегии", "Secretary of the Board") does not sign
POSITION = re.compile(r"^\s*(?:секретар\w*|председател\w*|заведующ\w*|посол|посла|министр\w*|заместител\w*|"
                      r"начальник\w*|советник\w*|консул\w*|член\w*|помощник\w*|референт\w*|"
                      r"secretary|ambassador|minister|chairman|director|counsel+or|president|chargé)\b", re.I)
# a FROM: field that names a post or an office, not the person who wrote
POST = re.compile(r"embassy|amembassy|consulate|amconsul|legation|mission|department|ministry|"
                  r"посольств|консульств|министерств|миссия", re.I)
# a news agency's dateline: "Москва, 7 июня 1955 г. (ТАСС)."
DATELINE_AGENCY = re.compile(r"^\s*[А-ЯЁA-Z][\w\-]+,\s*[^\n]{4,40}?\((?P<agency>ТАСС|TASS|Синьхуа|Xinhua|Reuters|Tanjug|Танюг|"
                             r"[A-ZА-ЯЁ]{2,6})\)")
# "The Korean Central News Agency is authorized to state": the agency speaks in its own name
AGENCY_SAYS = re.compile(r"\s(?:is|are)\s+authori[sz]ed\s+to\s+(?:state|declare)|\sуполномочен[оа]?\s+заявить")
# "ЗАЯВЛЕНИЕ ПРЕСС-СЕКРЕТАРЯ ПРАВИТЕЛЬСТВА ПНР", "STATEMENT OF THE FOREIGN MINISTER": a
# statement headed by an office, whose holder the text names
OFFICE_STATEMENT = re.compile(r"^\s*(?:ЗАЯВЛЕНИЕ|Заявление)\s+(?P<office>[А-ЯЁа-яё\-]+)\s+[^\n]{2,80}$")
# a British document: "Foreign Office", "His Majesty's Government"
BRITISH = re.compile(r"Foreign\s+Office|F\.O\.|(?:His|Her)\s+Majesty's|Whitehall|Downing\s+Street")
# a person named inside a multi-line address block after the office: "Comrade L. I. Brezhnev"
ADDRESS_PERSON = re.compile(r"^\s*(?:Comrade|Mr\.|Mrs\.|Herr|Monsieur|M\.|Sir|[Тт]оварищу|тов\.)\s+(?P<n>[A-ZА-ЯЁ].+?)\s*[,.]?\s*$")
# what follows a signature but is not one: copy notes, certification, distribution
NOT_SIGNATURE = re.compile(r"верно|экз|разослано|distribution|copy|copies|отп\.|в дело|cleared|"
                           r"approved|attachment|приложение|перевод", re.I)
TASS = re.compile(r"\b(?:Опровержение|Сообщение|Заявление)\s+ТАСС|"
                  r"TASS\s+(?:statement|refutation|denial)|"
                  r"(?:Refutation|Statement|Denial)\s+(?:by|of|from)\s+TASS", re.I)
TASS_SAYS = re.compile(r"ТАСС\s+уполномочен\w*\s+заявить|TASS\s+is\s+authori[sz]ed\s+to\s+state")
# the body that decided or met: "заседания Бюро Президиума ЦК от ...", "из решения ..."
DECIDING = re.compile(r"(?:заседани[яе]|решени[яе]|постановлени[яе]|(?:meeting|session|sitting)\s+of\s+the)\s+"
                      r"(?P<body>[^\n]+?)(?=\s+от\s|\s+of\s+\d|,|\s*\d|\s*$)", re.I)
BODY_HEAD = re.compile(r"Выписка|ВЫПИСКА|ПРОТОКОЛ|Протокол|ПОСТАНОВЛЕНИЕ|РЕШЕНИЕ|Extract|EXTRACT|MINUTES|Minutes|"
                       r"ЗАПИСЬ ЗАСЕДАНИЯ|СТЕНОГРАММА ЗАСЕДАНИЯ|"
                       r"MEMORANDUM OF DISCUSSION|Memorandum of Discussion|RECORD OF (?:THE )?MEETING OF|"
                       r"Record of (?:the )?Meeting of")
# a heading word that the deciding body's name completes on the next line
DECISION_WORD = re.compile(r"^\s*(?:ПОСТАНОВЛЕНИЕ|РЕШЕНИЕ|ПРОТОКОЛ(?:\s*№\s*\S+)?|ПРОТОКОЛЬНАЯ ЗАПИСЬ|ВЫПИСКА|"
                           r"(?:ЗАПИСЬ|СТЕНОГРАММА|ПРОТОКОЛ)\s+ЗАСЕДАНИЯ)\s*$")
# heading words after which the next line completes the heading, not an address
HEADING_WORD = re.compile(r"^\s*(?:ПОСТАНОВЛЕНИЕ|РЕШЕНИЕ|ПРОТОКОЛ|ПРОТОКОЛЬНАЯ ЗАПИСЬ|ВЫПИСКА|ЗАПИСЬ БЕСЕДЫ|"
                          r"ИЗ ДНЕВНИКА|СПРАВКА|ЗАЯВЛЕНИЕ|СТЕНОГРАММА|ДОКЛАДНАЯ ЗАПИСКА)\b")
# a diplomatic note's opening: sender, formula, addressee
NOTE = re.compile(r"^\s*(?P<a>[^\n]{5,160}?)\s+(?:свидетельствует\s+свое\s+уважение|presents\s+its\s+compliments\s+to)\s+"
                  r"(?P<r>[^\n]+?)(?:\s+и\s|\s+and\s|$)", re.I)
# the person a speech, statement or diary is by
HEADING_PERSON = [
    re.compile(r"(?:товарища|тов\.)\s+(?P<p>[А-ЯЁ][А-ЯЁа-яё\-]+(?:\s+[А-ЯЁ]\.\s*[А-ЯЁ]\.)?)"),
    # "ИЗ ДНЕВНИКА / ПОСЛА СССР В ПОЛЬСКОЙ НАРОДНОЙ РЕСПУБЛИКЕ / П.К. ПОНОМАРЕНКО": the name
    # with initials after the office, however long the office is
    re.compile(r"(?i:дневника)\s+[^\n]{0,90}?(?P<p>(?:[А-ЯЁ]\.\s*){1,2}[А-ЯЁ][А-ЯЁа-яё\-]{2,})"),
    re.compile(r"дневника\s+(?:посла\s+СССР\s+в\s+\S+\s+)?(?P<p>(?:[А-ЯЁ]\.\s*){0,2}[А-ЯЁ][А-ЯЁа-яё\-]+(?:\s+[А-ЯЁ]\.\s*[А-ЯЁ]\.)?)",
               re.I),
    re.compile(r"(?:speech|statement|address|remarks)\s+(?:by|for)\s+(?:comrade\s+)?(?P<p>[^,\n]+?)"
               r"(?=\s+(?:AT|ON|IN|TO|BEFORE|CONCERNING)\s|,|\n|$)", re.I),
    re.compile(r"diary\s+of\s+(?P<p>[^,\n]+?)(?=,|\s+\d|\n|$)", re.I),
]
COMPOSED_BY = re.compile(r"(?:Справка|Записка|Информация)\s+составлен[аоы]?\s+(?P<b>[^.\n]+)", re.I)
SENT_HEADINGS = re.compile(r"^\s*(?:ЗАЯВЛЕНИЕ|СТЕНОГРАММА|РЕЧЬ|ВЫСТУПЛЕНИЕ|ИЗ ДНЕВНИКА|Из дневника|SPEECH|STATEMENT|"
                           r"From the diary|Diary|(?:Draft\s+)?(?:Statement|Speech|Remarks|Address)\s+(?:by|for)\b)", re.I)
# the holder of an office named in brackets after it: "the Secretary of State (Mr. Bevin)"
HOLDER = re.compile(r"^\s*\((?:Mr\.?|Mrs\.?|Sir|M\.|Herr)?\s*(?P<n>[A-Z][\w\-']+(?:\s+[A-Z][\w\-']+)?)\)")
# the kind of document an issuing body's letterhead stands above (an unsigned справка)
ISSUED_HEADING = re.compile(r"^\s*(?:СПРАВКА|ИНФОРМАЦИЯ|ОБЗОР|ОТЧЕТ|INFORMATION|BACKGROUND\s+NOTE|Справка|"
                            r"RECORD\s+OF\s+(?:THE\s+)?CONVERSATION|Record\s+of\s+(?:the\s+)?[Cc]onversation)\b")
# a foreign ministry's letterhead that does not name its country
BARE_MINISTRY = re.compile(r"^\s*(?:THE\s+)?(?:MINISTRY\s+OF\s+FOREIGN\s+AFFAIRS|Ministry\s+of\s+Foreign\s+Affairs|"
                           r"МИНИСТЕРСТВО\s+ИНОСТРАННЫХ\s+ДЕЛ|Министерство\s+иностранных\s+дел)\s*$")
TRANSLATED_FROM = re.compile(r"(?:Translated|Translation)\s+from\s+(?:the\s+)?(?P<en>[A-Z][a-z]+)|"
                             r"Перевод\s+с\s+(?P<ru>[а-яё]+)", re.I)
# the foreign ministry of the country whose language a translation was made from, where
# the language names one state only
MINISTRY_OF_LANGUAGE = {"french": "МИД Франции", "французского": "МИД Франции",
                        "hungarian": "МИД ВНР", "венгерского": "МИД ВНР",
                        "mongolian": "МИД МНР", "монгольского": "МИД МНР",
                        "czech": "МИД ЧССР", "чешского": "МИД ЧССР"}


# names in signature and address positions: the authority may trust a surname alone there
SIGNED = {"signature": True}


def _party_value(field: str, party: Party, as_written: str, start: int, end: int,
                 method: str, confidence: float) -> Value:
    return value(field, party.as_value(), as_written, start, end,
                 f"{method}+{party.method}", confidence)


def _parts(text: str, base: int) -> list[tuple[str, int, int]]:
    """Names of an addressee phrase, with their offsets."""
    out = []
    pos = 0
    for part in split_addressees(text):
        i = text.find(part, pos)
        if i < 0:
            i = text.find(part)
        start = base + max(i, 0)
        out.append((part, start, start + len(part)))
        if i >= 0:
            pos = i + len(part)
    return out


def _opening(lay: Layout, n: int = 12) -> list[Line]:
    """The first non-blank lines that are not running text: the heading block."""
    out = []
    for ln in lay.lines:
        if ln.blank:
            continue
        if is_prose(ln.text) or len(out) >= n:
            break
        out.append(ln)
    return out


class _Collector:
    def __init__(self, field: str):
        self.field = field
        self.values: list[Value] = []
        self.seen: set[str] = set()

    def add(self, party: Party | None, as_written: str, start: int, end: int, method: str,
            confidence: float) -> None:
        if party is None or party.name in self.seen:
            return
        self.seen.add(party.name)
        self.values.append(_party_value(self.field, party, as_written, start, end, method, confidence))


def _english(text: str) -> bool:
    return len(re.findall(r"[A-Za-z]", text)) > len(re.findall(r"[А-Яа-яЁё]", text))


def recipients(lay: Layout, senders: list[Value] | None = None) -> list[Value]:
    """Addressees of the heading, in the order written. `senders` (the authors found) tell
    whose embassy "the Embassy in the Soviet Union" is."""
    sender = next((v.value["name"] for v in senders or [] if v.field == "author"), None)
    out = _Collector("recipient")
    text = lay.text
    head = _opening(lay, 15)
    after = [x for x in lay.lines if not x.blank and (not head or x.start > head[-1].start)][:1]
    if after and ADDRESS_LINE.match(after[0].text):
        head.append(after[0])  # "To the Embassy ..., for Ambassador Liu Xiao:" is long, yet no sentence
    english = _english(text)
    stamps_done = False
    letterhead_seen = False
    consumed: set[int] = set()
    # an English heading with a To: field names its addressee there; a body on a line of
    # its own ("INCOMING TELEGRAM / Department of State") is then the letterhead
    to_field = any(re.match(r"^\s*TO\s*:", x.text, re.I) for x in head)
    for k, ln in enumerate(head):
        s = ln.text
        if re.search(r"Пролетарии всех стран", s):
            letterhead_seen = True
        elif letterhead_seen and re.match(r"^\s*№\s*\S", s):
            letterhead_seen = False  # the registry number closes the letterhead; the address follows
            continue
        # the first line after classification stamps in an American document is a letterhead
        first_content = not stamps_done and not _stamp(s)
        if first_content:
            stamps_done = True
        ft = FROM_TO.match(s)
        if ft and len(words(s)) <= 16:
            for part, a, b in _parts(ft.group("r"), ln.start + ft.start("r")):
                out.add(resolve(TITLES_EN.sub("", part), context=SIGNED) or _own_embassy(part, sender),
                        part, a, b, "rule:heading_to", 0.8)
            continue
        if k in consumed:
            continue
        m = ADDRESSEE.match(s)
        if m and len(words(m.group("names"))) <= 12:
            if re.match(r"the\s", m.group("names"), re.I):
                # "To the General Secretary ... / Comrade L. I. Brezhnev": the office is
                # recorded only when no one is named under it
                held = _office_holder(head, k)
                if held is not None:
                    x, pm = held
                    consumed.update(range(k + 1, head.index(x) + 1))
                    out.add(resolve(pm.group("n"), context=SIGNED, case="datv"), pm.group("n"),
                            x.start + pm.start("n"), x.start + pm.end("n"), "rule:addressee_block", 0.85)
                    continue
            parts = _parts(m.group("names"), ln.start + m.start("names"))
            found = [(resolve(_untitled(part), context=SIGNED, case="datv") or _own_embassy(part, sender)
                      or _english_body(part), part, a, b) for part, a, b in parts]
            named = any(p is not None and p.kind == "person" for p, *_ in found)
            for party, part, a, b in found:
                if len(parts) > 1 and re.fullmatch(r"[A-Za-z\-]+\.?", part) and place_name(part.strip(" .")):
                    continue  # "THE DEPARTMENT OF STATE, WASHINGTON": the city is where, not who
                if named and OFFICE_TITLE.match(part):
                    continue  # "The Minister of Foreign Affairs, Lee Tong-won": the title adds nothing
                out.add(party, part, a, b, "rule:addressee", 0.9)
            continue
        att = ATTENTION.match(s)
        if att:
            name = att.group("n")
            at = ln.start + att.start("n")
            out.add(resolve(name, type="PER", context=SIGNED), name, at, at + len(name), "rule:attention", 0.85)
            continue
        if EXCELLENCY.match(s) and k + 1 < len(head):
            x = head[k + 1]
            pm = ADDRESS_PERSON.match(x.text)
            name = pm.group("n") if pm else x.text.strip()
            party = resolve(name, type="PER", context=SIGNED)
            if party is not None and party.authority_id:
                consumed.add(k + 1)
                a = x.start + x.text.find(name)
                out.add(party, name, a, a + len(name), "rule:excellency", 0.85)
            continue
        if SOVPOSOL.match(s) and k > 0:
            office = _ambassador_in(head[k - 1].text)
            if office is not None:
                a = ln.start + len(s) - len(s.lstrip())
                out.add(office, s.strip(), a, a + len(s.strip()), "rule:sovposol", 0.8)
                continue
        ranked = _ranked_addressee(s)
        if ranked is not None:
            party, a, b = ranked
            out.add(party, s[a:b], ln.start + a, ln.start + b, "rule:addressee_rank", 0.85)
            continue
        f = FOR_LINE.match(s)
        if f:
            names = f.group("names")
            out.add(body(names) or resolve(names, context=SIGNED), names,
                    ln.start + f.start("names"), ln.start + f.end("names"), "rule:memorandum_for", 0.85)
            continue
        d = DESTINATION.match(s)
        if d and place_name(_closed(d.group("place"))) and not _english_date(d.group("rest")):
            _destination(out, ln, d, text)
            continue
        joined = s if k + 1 >= len(head) else s + " " + head[k + 1].text
        whole = body(s) or (body(joined) if s.strip().isupper() else None)
        completes_heading = k > 0 and bool(HEADING_WORD.match(head[k - 1].text))
        if whole is not None and not letterhead_seen and not (english and (first_content or to_field)) \
                and not completes_heading and not (k > 0 and _nominative_line(s) and _nominative_line(head[k - 1].text)):
            out.add(whole, s.strip(), ln.start + len(s) - len(s.lstrip()), ln.end, "rule:addressee_body", 0.8)
            continue
        if re.match(r"^\s*(?:для\s+передачи|for\s+transmission\s+to)", s, re.I):
            for t in TITLED.finditer(s):
                out.add(resolve(t.group("name"), context=SIGNED, case="datv"), t.group("name"),
                        ln.start + t.start("name"), ln.start + t.end("name"), "rule:transmit_to", 0.8)
    return british_offices(out.values, lay)


def british_offices(values: list[Value], lay: Layout) -> list[Value]:
    """Offices named as in a British document ("Foreign Office Minute", "His Majesty's
    Government") read the British way: its "Secretary of State" is the Foreign Secretary."""
    if not BRITISH.search("\n".join(x.text for x in _opening(lay, 15))):
        return values
    return [_british_office(v) for v in values]


# "Attention: Dr. Borisav Jovic, President of the Presidency": the person the address is for
ATTENTION = re.compile(r"^\s*(?:Attention|ATTENTION|Attn\.?|ATTN)\s*:\s*(?P<n>[^,;\n]+?)\s*(?:[,;].*)?$")
# "His Excellency / Mr. Ioan Totu / Minister of Foreign Affairs": the name on the next line
EXCELLENCY = re.compile(r"^\s*(?:His|Her)\s+Excellency\s*,?\s*$|^\s*(?:Его|Ее)\s+Превосходительству\s*$", re.I)
# a title that names no body: "The Minister of Foreign Affairs", "Министру иностранных дел"
OFFICE_TITLE = re.compile(r"^\s*(?:the\s+)?(?:Minister|Secretary|Ambassador|President|Chairman|Premier|"
                          r"Министр\w*|Председател\w*|Посл[уа])\b", re.I)


def _nominative_line(s: str) -> bool:
    """A Russian line that starts with a word in the nominative that cannot be a dative
    ("ЦЕНТРАЛЬНЫЙ КОМИТЕТ", "МОНГОЛЬСКАЯ ... ПАРТИЯ"); abbreviations ("МИД СССР") say
    nothing. Two such lines one under the other ("МОНГОЛЬСКАЯ НАРОДНО-РЕВОЛЮЦИОННАЯ
    ПАРТИЯ / ЦЕНТРАЛЬНЫЙ КОМИТЕТ") are the sender's letterhead, not an address (a
    translated letter may address a body in the nominative on its own)."""
    from opis.extract.people import _morph

    first = re.match(r"\s*([А-ЯЁа-яё\-]+)", s)
    if not first or (first.group(1).isupper() and len(first.group(1)) <= 5):
        return False
    parses = _morph().parse(first.group(1).lower())
    cases = {p.tag.case for p in parses if p.tag.case}
    return "nomn" in cases and "datv" not in cases


# "БЕЛГРАД / СОВПОСОЛУ": the Soviet ambassador in the country of the city above, unnamed
SOVPOSOL = re.compile(r"^\s*СОВПОСОЛУ\s*\.?\s*$", re.I)


def _ambassador_in(city_line: str) -> Party | None:
    """The office "Посол СССР в Югославии" for a destination city ("БЕЛГРАД") whose
    country the authority file knows."""
    from opis.extract.people import _authority

    city = resolve(city_line.strip(" .,"), type="LOC")
    auth = _authority()
    if city is None or not city.authority_id or auth is None:
        return None
    entry = auth.get(city.authority_id)
    code = getattr(entry, "country", "") if entry is not None else ""
    country = next((e for e in auth.entries if e.type == "LOC" and e.kind == "country" and e.country == code), None)
    if not code or code == "SU" or country is None:
        return None
    name = f"Посол СССР в {_locative(country.name)}"
    return Party(name, f"Soviet Ambassador in {country.en}", None, "body", "rule:sovposol")


def _english_body(part: str) -> Party | None:
    """"THE PRESIDENCY OF THE SFRY": an English body the authority knows."""
    if not re.match(r"[A-Za-z]", part) or not re.match(r"(?i)the\s", part.strip()):
        return None
    party = organisation(part)
    return party if party is not None and party.authority_id else None


# the dative of a rank or post first on an address line in capitals: "МАРШАЛУ СОВЕТСКОГО
# СОЮЗА МЕРЕЦКОВУ", "ЧЛЕНУ ВОЕННОГО СОВЕТА ОКРУГА ГЕНЕРАЛ-ПОЛКОВНИКУ ШТЫКОВУ"
_DATIVE_POST = re.compile(r"^\s*(?:[А-ЯЁ\-]+(?:ОМУ|ЕМУ|У|Ю))\s")


def _ranked_addressee(s: str) -> tuple[Party, int, int] | None:
    """An address line that starts with a rank or post in the dative and ends with a
    surname in the dative: the surname, when the authority knows the person."""
    if not (s.strip().isupper() and _DATIVE_POST.match(s)):
        return None
    last = re.search(r"([А-ЯЁ][А-ЯЁ\-]{2,}(?:У|Ю))(?:\s+(?:[А-ЯЁ]\.\s*){1,2})?\s*$", s)
    if not last or last.start() == len(s) - len(s.lstrip()):
        return None
    party = resolve(last.group(1), type="PER", context=SIGNED, case="datv")
    if party is None or not party.authority_id or party.kind != "person":
        return None
    return party, last.start(1), last.end(1)


# an address line closed by a colon, however long
ADDRESS_LINE = re.compile(r"^\s*(?:To|TO)\s+[^.!?]{3,150}:\s*$")
# an English title before a name in an address: "for Ambassador Liu Xiao", "President Kennedy"
_EN_TITLE = re.compile(r"^(?:for\s+)?(?:(?:Vice|Deputy|President|Chairman|Premier|Secretary|Ambassador|Minister|Foreign\s+Minister|"
                       r"Comrade|Mr\.|Mrs\.|General|Marshal)\s+)+(?=[A-Z][a-z])")


EMBASSY_IN = re.compile(r"^\s*(?:the\s+)?Embassy\s+in\s+(?:the\s+)?(?P<c>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)\s*$")


def _own_embassy(part: str, sender: str | None) -> Party | None:
    """"the Embassy in the Soviet Union" addressed by a ministry of the PRC ("МИД КНР")
    is that country's embassy there: "Посольство КНР в СССР"."""
    m = EMBASSY_IN.match(part)
    own = re.search(r"\s([А-ЯЁ]{2,5})$", sender or "")
    if not m or not own:
        return None
    host = resolve(m.group("c"), type="LOC")
    if host is None or not host.authority_id or host.name == own.group(1):
        return None
    name = f"Посольство {own.group(1)} в {_locative(host.name)}"
    return organisation(name) or Party(name, None, None, "body", "rule:own_embassy")


def _locative(place: str) -> str:
    """"Польша" -> "Польше", "Южная Корея" -> "Южной Корее"; abbreviations stay ("СССР")."""
    from opis.extract.people import _morph

    out = []
    for w in place.split():
        if w.isupper():
            out.append(w)
            continue
        p = _morph().parse(w.lower())[0]
        form = p.inflect({"loct"}) if p.tag.POS in ("NOUN", "ADJF") else None
        new = form.word if form else w
        out.append(new[:1].upper() + new[1:])
    return " ".join(out)


def _untitled(part: str) -> str:
    return _EN_TITLE.sub("", part) if re.match(r"[A-Za-z]", part) else part


def _office_holder(head: list[Line], k: int) -> tuple[Line, re.Match[str]] | None:
    """The person named on one of the address lines under an office ("Comrade ...")."""
    for x in head[k + 1:k + 4]:
        pm = ADDRESS_PERSON.match(x.text)
        if pm:
            return x, pm
        if is_prose(x.text) or re.match(r"^\s*(?:Dear|Дорог|Уважаем)", x.text):
            return None
    return None


def _british_office(v: Value) -> Value:
    """In a British document "Secretary of State" addressed by the Foreign Office is the
    Foreign Secretary, not the American Secretary of State."""
    if v.value.get("name") != "Государственный секретарь США":
        return v
    v.value = {"name": "Министр иностранных дел Великобритании", "name_en": "Foreign Secretary",
               "authority_id": None, "kind": "body"}
    v.method = v.method.replace("rule:body", "rule:british_office")
    return v


def _closed(place: str) -> str:
    """A letter-spaced city closed up: "М О С К В А" -> "МОСКВА"."""
    return place.replace(" ", "") if re.fullmatch(r"(?:\w )+\w", place) else place


def _english_date(s: str) -> bool:
    from opis.extract.dates import find_dates

    return bool(find_dates(s))


def _stamp(line: str) -> bool:
    from opis.extract.classification import classification_line

    return bool(classification_line(line)) or bool(re.match(r"^\s*(?:Translated|Перевод|Экз\.|№|No\.)", line))


def _destination(out: _Collector, ln: Line, d: re.Match[str], text: str) -> None:
    """The comma-separated parts after a destination city: bodies and titled persons."""
    rest, base = d.group("rest"), ln.start + d.start("rest")
    pos = 0
    for piece in rest.split(","):
        a = base + pos + len(piece) - len(piece.lstrip())
        pos += len(piece) + 1
        p = piece.strip()
        if not p:
            continue
        found = organisation(p)
        if found is not None:
            out.add(found, p, a, a + len(p), "rule:destination", 0.85)
            continue
        t = TITLED.search(p)
        if t:
            name = t.group("name")
            s = a + t.start("name")
            out.add(resolve(name, context=SIGNED, case="datv"), name, s, s + len(name), "rule:destination", 0.8)


def destination(lay: Layout) -> list[Value]:
    """Where the document was sent: the city of a destination line ("Москва" of "Москва,
    ЦК КПСС", "ПЕКИН" of "ПЕКИН, СОВПОСОЛУ тов. РОЩИНУ"), kept apart from the place of
    writing. Field `destination`, shaped like `place`."""
    from opis.extract.place import place_value

    for ln in _opening(lay, 15):
        d = DESTINATION.match(ln.text)
        if d and (name := place_name(_closed(d.group("place")))) and not _english_date(d.group("rest")):
            a, b = ln.start + d.start("place"), ln.start + d.end("place")
            return [value("destination", place_value(name), d.group("place"), a, b,
                          "rule:destination_line", 0.8)]
    return []


def _segments(ln: Line) -> list[tuple[int, str]]:
    """Parts of a closing line that may each be a signature, with their offsets in the
    line: a date typed on the line is blanked out ("12.IV.66      ЩЕРБАКОВ") and wide gaps
    separate co-signatories ("А. Громыко            Ю. Андропов")."""
    from opis.extract.dates import find_dates

    s = ln.text
    for d in find_dates(s):
        s = s[:d.start] + " " * (d.end - d.start) + s[d.end:]
    return [(m.start(), m.group(0)) for m in re.finditer(r"\S+(?:\s{1,2}\S+)*", s)]


def _signature_lines(lay: Layout) -> list[tuple[str, int, int]]:
    """Signatures in the closing block: (line, start, end of the name)."""
    out = []
    for ln in lay.tail[:8]:
        dr = DRAFTED.match(ln.text)
        if dr:
            sig = dr.group("sig")
            if re.search(r"[A-Za-zА-Яа-яЁё]{2,}", sig):
                a = ln.start + dr.start("sig")
                out.append((ln.text.strip(), a, a + len(sig)))
            else:
                out.append(("", ln.start, ln.start))  # the recorder is not known
            continue
        if re.search(r"разослано|distribution", ln.text, re.I):
            break
        if NOT_SIGNATURE.search(ln.text) or is_folio(ln.text):
            continue
        segments = _segments(ln)
        for a, s in segments:
            found = _signature(s)
            if found is not None:
                # the signature as written: the line, or its part when several sign on it
                written = ln.text.strip() if len(segments) == 1 and s.strip() == ln.text.strip() else s.strip()
                out.append((written, ln.start + a + found[0], ln.start + a + found[1]))
    return out


# a military rank before a signature is not part of the name: "Генерал-полковник
# И. Чистяков", "ГЕНЕРАЛ-ПОЛКОВНИК ЧИСТЯКОВ", "Маршал Пэн Дэхуай", "General L. Norstad"
RANK = re.compile(r"^\s*(?:(?:генерал|маршал|адмирал|полковник|подполковник|майор|вице-адмирал|контр-адмирал)"
                  r"(?:-(?:полковник|лейтенант|майор|адмирал))?(?:\s+(?:армии|авиации|флота|Советского\s+Союза))?|"
                  r"(?:Lieutenant\s+|Major\s+|Brigadier\s+)?(?:General|Marshal|Admiral|Colonel))\s+(?=\S)", re.I)


def _signature(s: str) -> tuple[int, int] | None:
    """Offsets of the name if `s` (a closing line or part of one) is a signature; a
    military rank before the name is left out."""
    rank = RANK.match(s)
    if rank and not re.match(r"\s*(?:армии|авиации|флота)\b", s[rank.end():], re.I):
        found = _unranked_signature(s[rank.end():])
        if found is not None:
            return rank.end() + found[0], rank.end() + found[1]
        return None
    return _unranked_signature(s)


def _unranked_signature(s: str) -> tuple[int, int] | None:
    if HEADING_WORD.match(s) or re.match(r"^\s*(?:ШИФР\w*|ТЕЛЕГРАММА|TELEGRAM|CABLE|MEMORANDUM)\s*$", s, re.I):
        return None  # a heading word in capitals is no name
    m = SIGNED_FULL.match(s) or SIGNATURE.match(s)
    if m and m.re is SIGNED_FULL and m.group("sig2"):
        # "/П. Пономаренко/" on a line of its own, under the position
        return m.start("sig2"), m.end("sig2")
    if m and (_ABBR.search(m.group("sig")) or POSITION.match(m.group("sig"))):
        m = None
    if m is None and len(words(s)) <= 10:
        m = TRAILING_SIGNATURE.search(s)
    if m:
        sig = m.group("sig").strip()
        if place_name(sig) and sig.isalpha() and not sig.isupper():
            return None  # a city alone ("Бухарест") closes the document, it does not sign it
        return m.start("sig"), m.start("sig") + len(m.group("sig").rstrip())
    if (body(s) is not None or _signing_body(s)) and not _dative_first(s):
        return len(s) - len(s.lstrip()), len(s.rstrip())
    lone = LONE_NAME.match(s)
    if lone:
        # a surname alone ("Filippov", "Громыко") signs only if it is known to be a person's
        party = resolve(lone.group("sig"), type="PER", context=SIGNED, case="nomn")
        if party is not None and (party.authority_id or party.method == "rule:pseudonym"):
            return lone.start("sig"), lone.end("sig")
    return None


def _dative_first(s: str) -> bool:
    """The line starts with a word that can only be a dative ("МИНИСТЕРСТВУ ..."): an
    address, not a signature."""
    from opis.extract.people import _morph

    first = re.match(r"\s*([А-ЯЁа-яё]{4,})", s)
    if not first:
        return False
    cases = {p.tag.case for p in _morph().parse(first.group(1).lower()) if p.tag.case}
    return cases == {"datv"} or cases == {"datv", "loct"}


def _signing_body(s: str) -> bool:
    """A closing line that is the whole name of a body the authority knows, in the
    nominative ("Президиум ЦК КПЧ"): the body signs. An address in the dative at the foot
    of a note ("МИНИСТЕРСТВУ ИНОСТРАННЫХ ДЕЛ СССР") does not."""
    from opis.extract.people import _morph

    words_ = s.split()
    if not words_ or len(words_) > 6 or not re.match(r"[А-ЯЁ]", words_[0]):
        return False
    first = words_[0].strip(",.")
    if not (first.isupper() and len(first) <= 5):
        cases = {p.tag.case for p in _morph().parse(first.lower()) if p.tag.case}
        if "nomn" not in cases:
            return False
    party = organisation(s)
    return party is not None and party.authority_id is not None and party.kind == "body"


# a capitalised surname alone on a line
LONE_NAME = re.compile(r"^\s*(?P<sig>[A-ZА-ЯЁ][a-zа-яё]{3,}(?:-[A-ZА-ЯЁ][a-zа-яё]+)?)\s*\.?\s*$")


def _heading_body(lay: Layout) -> Value | None:
    """A protocol extract, minutes or decision is authored by the body that met."""
    block = [ln for ln in lay.lines if not ln.blank][:10]
    for i, ln in enumerate(block):
        if not BODY_HEAD.search(despace(ln.text)):
            continue
        for cand in block[i:i + 3]:
            m = DECIDING.search(cand.text)
            if m:
                party = organisation(m.group("body"))
                if party is not None:
                    a, b = cand.start + m.start("body"), cand.start + m.end("body")
                    return _party_value("author", party, lay.text[a:b], a, b, "rule:deciding_body", 0.9)
        if DECISION_WORD.match(despace(ln.text)) and i + 1 < len(block) and re.match(r"\s*[А-ЯЁ]", block[i + 1].text):
            # "ПОСТАНОВЛЕНИЕ / Президиума ЦК КПСС": the body completes the heading
            nxt = block[i + 1]
            # the body, without the date or number that may follow it on its line
            name = re.split(r"\s+(?:от\s+|№\s*)?\d", nxt.text.rstrip())[0].rstrip(" ,.")
            party = body(name, loose=True)
            if party is not None:
                a = nxt.start + len(nxt.text) - len(nxt.text.lstrip())
                return _party_value("author", party, name.strip(), a, a + len(name.strip()), "rule:deciding_body", 0.85)
    return None


def _heading_person(lay: Layout, opening: list[Line]) -> Value | None:
    """A speech, statement or diary is by the person its heading names."""
    for i, ln in enumerate(opening):
        if not SENT_HEADINGS.match(ln.text):
            continue
        block = opening[i:i + 4]
        joined = "\n".join(x.text.strip() for x in block)
        for pattern in HEADING_PERSON:
            m = pattern.search(joined) or pattern.search(joined.replace("\n", " "))
            if m:
                name = m.group("p").strip(" .,")
                holder = HOLDER.match(joined[m.end("p"):]) or HOLDER.match(joined.replace("\n", " ")[m.end("p"):])
                if holder:
                    name = holder.group("n")  # "the Secretary of State (Mr. Bevin)": the holder speaks
                party = body(name) or resolve(name, type="PER", context=SIGNED, case="gent")
                if party is not None:
                    start = lay.text.find(name, ln.start)
                    return _party_value("author", party, name, start, start + len(name),
                                        "rule:heading_person", 0.85)
        # a name in capitals closing a Russian heading: "... КНДР НАМ ИРА"
        caps = re.search(r"((?:\b[А-ЯЁ]{2,}\b\s*){1,3})$", block[1].text if len(block) > 1 else "")
        if caps:
            tokens = [t for t in caps.group(1).split() if re.search(r"[АЕЁИОУЫЭЮЯ]", t)]
            if tokens:
                name = " ".join(tokens)
                party = resolve(name, type="PER", context=SIGNED, case="gent")
                if party is not None:
                    start = lay.text.find(name, block[1].start)
                    return _party_value("author", party, name, start, start + len(name),
                                        "rule:heading_person", 0.7)
    return None


def authors(lay: Layout) -> list[Value]:
    """Authors (and signatories) of the document."""
    text = lay.text
    opening = _opening(lay)
    found = _heading_body(lay)
    if found:
        return [found]
    for ln in opening:
        m = TASS.search(ln.text)
        if m and len(words(ln.text)) <= 4:
            return [_tass(ln.start + m.start(), ln.start + m.end(), m.group(0), 0.9)]
    for ln in [x for x in lay.lines if not x.blank][:15]:
        n = NOTE.match(ln.text)
        if n:
            party = organisation(n.group("a"))
            if party:
                a, b = ln.start + n.start("a"), ln.start + n.end("a")
                return [_party_value("author", party, n.group("a"), a, b, "rule:note_formula", 0.85)]
    out = _Collector("author")
    for ln in opening:
        f = FROM_LINE.match(ln.text)
        if f:
            first = re.split(r",|\s{3,}", f.group("names"))[0].strip()
            first = re.sub(r"^[A-Z/]{2,12}\s+[-–]\s+", "", first)  # "INR - Thomas L. Hughes": the office goes
            at = ln.start + ln.text.find(first, f.start("names"))
            if len(first.split()) == 1 and re.match(r"[A-Za-z]", first) or POST.search(first):
                continue  # a cable's or despatch's FROM: is the post, not a person
            out.add(resolve(first, context=SIGNED), first, at, at + len(first), "rule:from", 0.85)
        ft = FROM_TO.match(ln.text)
        if ft and len(words(ln.text)) <= 16:
            a = TITLES_EN.sub("", ft.group("a"))
            out.add(resolve(a, context=SIGNED), ft.group("a"), ln.start + ft.start("a"),
                    ln.start + ft.end("a"), "rule:heading_from", 0.8)
            if not out.values and place_name(ft.group("a").strip()):
                sender = _titled_sender(opening)
                if sender is not None:
                    out.values.append(sender)
    if out.values:
        return out.values
    hp = _heading_person(lay, opening)
    if hp:
        return [hp]
    signed: list[Value] = []
    last_line = None
    for as_written, a, b in _signature_lines(lay):
        if a == b:
            return signed  # "Запись составил [illegible]": the recorder is not known
        line_no = text.count("\n", 0, a)
        if signed and line_no not in (last_line, last_line + 1):
            break  # co-signatories sign side by side or on the lines right below one another
        party = resolve(_drafter(text[a:b]), context=SIGNED, case="nomn")
        if party is None:
            continue
        if party.kind == "body" and any(v.field == "signatory" for v in signed):
            continue  # "Dean Acheson / Secretary of State": the office under a name is a title
        signed.append(_party_value("author", party, text[a:b], a, b, "rule:signature", 0.85))
        if party.kind == "person":
            signed.append(_party_value("signatory", party, as_written, a, b, "rule:signature", 0.85))
        last_line = line_no
    if signed:
        return signed
    talker = _conversation_holder(opening)
    if talker:
        return [talker]
    issued = _issuing_body(opening)
    if issued:
        return [issued]
    c = COMPOSED_BY.search(text)
    if c:
        party = body(c.group("b"), loose=True)
        if party:
            return [_party_value("author", party, c.group("b"), c.start("b"), c.end("b"),
                                 "rule:composed_by", 0.8)]
    m = TASS_SAYS.search(text)
    if m:
        return [_tass(m.start(), m.end(), m.group(0), 0.8)]
    official = _office_statement(lay, opening)
    if official:
        return [official]
    says = _agency_says(text)
    if says:
        return [says]
    for ln in [x for x in lay.lines if not x.blank][:3]:  # the dateline may open the running text
        d = DATELINE_AGENCY.match(ln.text)
        if d:
            # a news item datelined by an agency is the agency's
            a, b = ln.start + d.start("agency"), ln.start + d.end("agency")
            party = body(d.group("agency")) or organisation(d.group("agency"))
            if party is not None:
                return [_party_value("author", party, d.group("agency"), a, b, "rule:agency_dateline", 0.75)]
    return []


# "ЗАПИСЬ БЕСЕДЫ посла СССР в КНР П.Ф. Юдина с Мао Цзэдуном": the diplomat whose talk it is
CONVERSATION_OF = re.compile(r"ЗАПИСЬ\s+БЕСЕДЫ\s+(?:(?:временного\s+)?поверенного\s+в\s+делах|посла|советника|"
                             r"посланника|министра|заместителя\s+министра)\b[^\n]*?\s"
                             r"(?P<p>(?:[А-ЯЁ]\.\s*){1,2}[А-ЯЁ][а-яё\-]+|[А-ЯЁ][а-яё\-]+\s+(?:[А-ЯЁ]\.\s*){1,2})\s+с\s",
                             re.I)


# the head of mission named with his title on a telegram's heading line, set apart from
# the rest: "Cypher/OTP                    Sir F. Roberts"
TITLED_SENDER = re.compile(r"(?:^|\s{3,})(?P<n>(?:Sir|Mr\.?|M\.)\s+(?:[A-Z]\.\s*)*[A-Z][a-z][\w\-']+)\s*$")


def _titled_sender(opening: list[Line]) -> Value | None:
    """A telegram sent "FROM MOSCOW TO FOREIGN OFFICE" is by the ambassador its heading
    names with his title, when the authority knows him."""
    for ln in opening:
        m = TITLED_SENDER.search(ln.text)
        if not m:
            continue
        party = resolve(m.group("n"), type="PER", context=SIGNED)
        if party is not None and party.authority_id:
            a, b = ln.start + m.start("n"), ln.start + m.end("n")
            return _party_value("author", party, m.group("n"), a, b, "rule:titled_sender", 0.75)
    return None


def _agency_says(text: str) -> Value | None:
    """"... The Korean Central News Agency is authorized to state": the body named right
    before the formula (the longest run of words before it that names a known body)."""
    m = AGENCY_SAYS.search(text[:3000])
    if not m:
        return None
    before = text[max(0, m.start() - 120):m.start()]
    words_before = list(re.finditer(r"[\w\-']+", before))
    for n in range(min(7, len(words_before)), 0, -1):
        a = max(0, m.start() - 120) + words_before[-n].start()
        phrase = text[a:m.start()]
        party = organisation(phrase)
        if party is not None and party.authority_id:
            return _party_value("author", party, phrase, a, m.start(), "rule:agency_says", 0.8)
    return None


def _office_statement(lay: Layout, opening: list[Line]) -> Value | None:
    """A statement headed by an office in the genitive ("ЗАЯВЛЕНИЕ ПРЕСС-СЕКРЕТАРЯ
    ПРАВИТЕЛЬСТВА ПНР") is by the person the text names in that office ("Пресс-секретарь
    правительства ПНР Ежи Урбан"), when the authority knows him."""
    from opis.extract.people import _morph

    for ln in opening:
        m = OFFICE_STATEMENT.match(despace(ln.text))
        if not m:
            continue
        office = _morph().parse(m.group("office").lower())[0].normal_form
        found = re.search(rf"(?i:{re.escape(office)})\b[^.\n]{{0,60}}?\s(?P<n>[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё\-]+)",
                          lay.text[ln.end:ln.end + 2000])
        if not found:
            return None
        party = resolve(found.group("n"), type="PER", case="nomn")
        if party is None or not party.authority_id:
            return None
        a = ln.end + found.start("n")
        return _party_value("author", party, found.group("n"), a, a + len(found.group("n")),
                            "rule:office_statement", 0.75)
    return None


def _conversation_holder(opening: list[Line]) -> Value | None:
    """An unsigned record of conversation whose heading names the Soviet diplomat who held
    it is by that diplomat, as a record from his diary would be."""
    joined = " ".join(ln.text.strip() for ln in opening[:8])
    m = CONVERSATION_OF.search(joined)
    if not m:
        return None
    name = m.group("p")
    party = resolve(name, type="PER", context=SIGNED, case="gent")
    if party is None:
        return None
    for ln in opening:
        i = ln.text.find(name)
        if i >= 0:
            return _party_value("author", party, name, ln.start + i, ln.start + i + len(name), "rule:conversation_of", 0.7)
    return _party_value("author", party, name, None, None, "rule:conversation_of", 0.7)


def _drafter(sig: str) -> str:
    """The name in an American drafting line's office-symbol form: "EUR/SOV:TWSimons, Jr."
    -> "T. W. Simons"; other signatures are returned as written."""
    m = OFFICE_SYMBOL.match(sig.strip())
    if not m:
        return sig
    return " ".join(f"{c}." for c in m.group("ini")) + " " + m.group("sur")


def _issuing_body(opening: list[Line]) -> Value | None:
    """An unsigned справка or information note is by the body whose name stands above its
    heading word, as a letterhead ("Международный отдел ЦК КПСС / СПРАВКА")."""
    for i, ln in enumerate(opening):
        if not ISSUED_HEADING.match(ln.text):
            continue
        for above in reversed(opening[max(0, i - 3):i]):
            if _stamp(above.text) or ADDRESSEE.match(above.text):
                continue
            party = _translated_ministry(opening) if BARE_MINISTRY.match(above.text) else organisation(above.text)
            if party is not None:
                a = above.start + len(above.text) - len(above.text.lstrip())
                return _party_value("author", party, above.stripped, a, above.end, "rule:letterhead", 0.75)
        return None
    return None


def _translated_ministry(opening: list[Line]) -> Party | None:
    """"Translated from the French" over a bare "MINISTRY OF FOREIGN AFFAIRS" letterhead:
    the French foreign ministry."""
    for ln in opening:
        m = TRANSLATED_FROM.search(ln.text)
        if m:
            name = MINISTRY_OF_LANGUAGE.get((m.group("en") or m.group("ru") or "").lower())
            return organisation(name) if name else None
    return None


def _tass(start: int, end: int, as_written: str, confidence: float) -> Value:
    return _party_value("author", body("ТАСС"), as_written, start, end, "rule:tass", confidence)


def note_recipient(lay: Layout) -> list[Value]:
    """The addressee named in a diplomatic note's opening formula."""
    for ln in [x for x in lay.lines if not x.blank][:15]:
        n = NOTE.match(ln.text)
        if n:
            r = n.group("r")
            party = body(r) or body(" ".join(r.split()[:8]))
            if party:
                a = ln.start + n.start("r")
                return [_party_value("recipient", party, r, a, a + len(r), "rule:note_formula", 0.8)]
    return []


# a letter's greeting that names its addressee: "Dear Comrade Khrushchev,", "Уважаемый
# господин Президент!", "Дорогой товарищ Гомулка!"
SALUTATION = re.compile(r"^\s*(?:Dear|My\s+dear|Дорог(?:ой|ая)|(?:Глубоко)?[Уу]важаем(?:ый|ая))\s+"
                        r"(?P<title>Comrade|Mr\.?|Mrs\.?|Madam|Sir|товарищ|господин|госпожа)\s+"
                        r"(?P<n>[A-ZА-ЯЁ][\w\-]+(?:\s+[A-ZА-ЯЁ][\w\-]+){0,2})\s*[,:!]\s*$")


def salutation_recipient(lay: Layout) -> list[Value]:
    """Without an address block, a letter's greeting names whom it is written to: the
    person, or the office where the greeting names one ("Dear Mr. President")."""
    for ln in [x for x in lay.lines if not x.blank][:15]:
        m = SALUTATION.match(ln.text)
        if not m:
            continue
        name = m.group("n")
        party = body(name) if name.split()[0].lower() in ("president", "secretary", "президент") else None
        if party is None and not re.match(r"(?:Chairman|Председател|Министр|Minister|Ambassador|Посол)", name):
            party = resolve(name, type="PER", context=SIGNED, case="nomn")
            if party is not None and party.authority_id is None:
                party = None  # only a person the authority knows: a greeting may use a first name
        if party is None:
            return []
        a, b = ln.start + m.start("n"), ln.start + m.end("n")
        return [_party_value("recipient", party, name, a, b, "rule:salutation", 0.7)]
    return []


def extract_parties(text: str) -> list[Value]:
    lay = layout(text)
    rec = recipients(lay) or note_recipient(lay)
    return authors(lay) + rec
