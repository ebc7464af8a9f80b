"""Authors, signatories and recipients.

Who wrote to whom is read from fixed places on the sheet: the addressee block of the
heading ("Товарищу СТАЛИНУ И.В.", "Т. т. Маленкову, Малику, Пальгунову", "To Comrade
Filippov"), a telegram's destination line ("Москва, ЦК КПСС"), the signature after the
running text ("Г. Пушкин /Г.Пушкин/", "(signed) J. F. Dulles") and, for documents that
speak for a body, the body itself (a protocol extract is authored by the body that
decided, a TASS statement by TASS).
"""

from __future__ import annotations

import re

from opis.extract.lines import Layout, Line, is_folio, layout, value, words
from opis.extract.people import Party, body, find_body, resolve, split_addressees
from opis.model import Value

ADDRESSEE = re.compile(
    r"^\s*\**(?P<lead>(?:(?:Председателю|Министру|Секретарю|Первому секретарю)[^\n]*?)?"
    r"(?:Товарищу|Товарищам|Тов\.|Т\.\s*т\.|Тт\.|To Comrades?|To:|TO:|To)\s+)(?P<names>.+?)\s*\**$")
# "Москва, ЦК КПСС." -- a telegram's destination: place, then the receiving body
DESTINATION = re.compile(r"^\s*(?P<place>[А-ЯЁA-Z][а-яёa-z]+)\s*,\s*(?P<body>[^,]{2,60}?)\.?\s*$")
FROM_LINE = re.compile(r"^\s*(?:From|FROM|От)\s*:\s*(?P<names>.+?)\s*$")
# a signature: initials and surname, optionally repeated in typed form, or "(signed) ..."
SIGNATURE = re.compile(
    r"^\s*(?:\(signed\)|/s/|\(подпись\))?\s*(?P<sig>(?:[A-ZА-ЯЁ]\.\s*){1,3}[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?|"
    r"[A-ZА-ЯЁ][a-zа-яё]+\s+(?:[A-ZА-ЯЁ]\.\s*){1,2})\s*(?:/[^/]*/)?\s*\.?\s*$")
SIGNED_FULL = re.compile(r"^\s*(?:\(signed\)|/s/|\(подпись\))\s*(?P<sig>.+?)\s*$", re.I)
# what follows a signature but is not one: copy notes, certification, distribution
NOT_SIGNATURE = re.compile(r"верно|экз|разослано|distribution|copy|отп\.|в дело", re.I)
TASS = re.compile(r"\b(?:Опровержение|Сообщение|Заявление)\s+ТАСС|"
                  r"TASS\s+(?:statement|refutation|denial)|"
                  r"(?:Refutation|Statement|Denial)\s+(?:by|of|from)\s+TASS", re.I)
TASS_SAYS = re.compile(r"ТАСС\s+уполномочен\w*\s+заявить|TASS\s+is\s+authori[sz]ed\s+to\s+state")
PROTOCOL_HEAD = re.compile(r"(?:Выписка из протокола|Extract from (?:the )?(?:protocol|minutes))", re.I)


def _party_value(field: str, party: Party, as_written: str, start: int, end: int,
                 method: str, confidence: float) -> Value:
    return value(field, party.as_value(), as_written, start, end,
                 f"{method}+{party.method}", confidence)


def _names_in(line: Line, group: str, m: re.Match[str]) -> list[tuple[str, int, int]]:
    """Split the names of an addressee line and keep the offsets of each."""
    names = m.group(group)
    base = line.start + m.start(group)
    out = []
    pos = 0
    for part in split_addressees(names):
        i = names.find(part, pos)
        if i < 0:
            i = names.find(part)
        start = base + max(i, 0)
        out.append((part, start, start + len(part)))
        if i >= 0:
            pos = i + len(part)
    return out


def recipients(lay: Layout) -> list[Value]:
    """Addressees of the heading, in the order written."""
    out: list[Value] = []
    seen: set[str] = set()
    for ln in lay.head[:15]:
        s = ln.text
        m = ADDRESSEE.match(s)
        if m and len(words(m.group("names"))) <= 12:
            for part, a, b in _names_in(ln, "names", m):
                party = resolve(part, type=None, context=lay.text)
                if party and party.name not in seen:
                    seen.add(party.name)
                    out.append(_party_value("recipient", party, part, a, b, "rule:addressee", 0.9))
            continue
        whole = body(s)
        if whole is not None and not out and ln is lay.head[0]:
            # a body alone at the very top is where the telegram goes
            out.append(_party_value("recipient", whole, ln.stripped, ln.start, ln.end,
                                    "rule:destination", 0.8))
            seen.add(whole.name)
            continue
        d = DESTINATION.match(s)
        if d:
            found = body(d.group("body"))
            if found and found.name not in seen:
                seen.add(found.name)
                a, b = ln.start + d.start("body"), ln.start + d.end("body")
                out.append(_party_value("recipient", found, d.group("body"), a, b,
                                        "rule:destination", 0.85))
    return out


def destination_place(lay: Layout) -> tuple[str, int, int] | None:
    """The place of a destination line ("Москва" of "Москва, ЦК КПСС")."""
    for ln in lay.head[:15]:
        d = DESTINATION.match(ln.text)
        if d and body(d.group("body")):
            return d.group("place"), ln.start + d.start("place"), ln.start + d.end("place")
    return None


def _signature_lines(lay: Layout) -> list[tuple[str, int, int]]:
    """Signatures in the closing block: (as written, start, end)."""
    out = []
    for ln in lay.tail[:8]:
        s = ln.text
        if NOT_SIGNATURE.search(s) or is_folio(s):
            if re.search(r"разослано|distribution", s, re.I):
                break
            continue
        m = SIGNED_FULL.match(s) or SIGNATURE.match(s)
        if m:
            sig = m.group("sig")
            out.append((s.strip(), ln.start + m.start("sig"), ln.start + m.end("sig")))
            continue
        whole = body(s)
        if whole is not None:
            out.append((s.strip(), ln.start + len(s) - len(s.lstrip()), ln.end))
    return out


def authors(lay: Layout) -> list[Value]:
    """Authors (and signatories) of the document."""
    text = lay.text
    out: list[Value] = []
    opening = [ln for ln in lay.lines if not ln.blank][:15]
    # a protocol extract speaks for the body that decided
    for ln in opening:
        p = PROTOCOL_HEAD.search(ln.text)
        if p:
            hit = find_body(ln.text[p.end():])
            if hit:
                party, a, b = hit
                off = ln.start + p.end()
                full = _full_body(party, text)
                return [_party_value("author", full, text[off + a: off + b], off + a, off + b,
                                     "rule:protocol_body", 0.9)]
    # a TASS statement is TASS's: its heading says so
    for ln in opening:
        m = TASS.search(ln.text)
        if m and len(words(ln.text)) <= 4:
            return [_tass(ln.start + m.start(), ln.start + m.end(), m.group(0), 0.9)]
    for ln in lay.head[:15]:
        f = FROM_LINE.match(ln.text)
        if f:
            for part, a, b in _names_in(ln, "names", f):
                party = resolve(part, context=text)
                if party:
                    out.append(_party_value("author", party, part, a, b, "rule:from", 0.85))
    if out:
        return out
    for as_written, a, b in _signature_lines(lay):
        party = resolve(text[a:b], context=text)
        if party is None:
            continue
        out.append(_party_value("author", party, text[a:b], a, b, "rule:signature", 0.85))
        if party.kind == "person":
            out.append(_party_value("signatory", party, as_written, a, b, "rule:signature", 0.85))
        break
    if not out:
        m = TASS_SAYS.search(text)
        if m:
            out.append(_tass(m.start(), m.end(), m.group(0), 0.8))
    return out


def _tass(start: int, end: int, as_written: str, confidence: float) -> Value:
    return _party_value("author", body("ТАСС"), as_written, start, end, "rule:tass", confidence)


def _full_body(party: Party, text: str) -> Party:
    """"Бюро Президиума ЦК" in a heading is the CPSU's body: prefer the full form the
    document itself signs with."""
    signed = [p for p, _, _ in _all_bodies(text)]
    for p in signed:
        if p.name.startswith(party.name) and len(p.name) > len(party.name):
            return p
    return party


def _all_bodies(text: str):
    pos = 0
    while True:
        hit = find_body(text[pos:])
        if not hit:
            return
        party, a, b = hit
        yield party, pos + a, pos + b
        pos += b


def extract_parties(text: str) -> list[Value]:
    lay = layout(text)
    return authors(lay) + recipients(lay)
