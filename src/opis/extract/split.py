"""Split the body of a record into the documents it holds.

A file often holds several documents: a protocol extract, the press statement it approved
and the memo that proposed it. Where one ends and the next begins is marked on the paper
by cues an archivist reads: a new letterhead, a new "Выписка из протокола", a newspaper
publication line, a new heading, classification or addressee block after an archive folio
number or after a signature and date that closed the previous document.

Strong cues (letterhead, protocol extract, publication line, document heading) start a new
document whenever the current one already has running text; weak cues (classification,
addressee) also need the current one to look closed (a folio number, a signature or a
date line just before). The new document takes the folio and page-number lines that stand
before its cue; what follows a signature (distribution list, copy notes) stays with it.
"""

from __future__ import annotations

import re

from opis.extract.classification import classification_line
from opis.extract.dates import find_dates
from opis.extract.lines import PUBLICATION, Line, is_folio, is_prose, split_lines

# letterheads are printed in capitals (the party slogan is the exception)
LETTERHEAD = re.compile(
    r"^\s*(?:Пролетарии всех стран|\**ЦЕНТРАЛЬНЫЙ КОМИТЕТ|МИНИСТЕРСТВО ИНОСТРАННЫХ ДЕЛ|"
    r"ПОСОЛЬСТВО СССР|DEPARTMENT OF STATE|THE WHITE HOUSE|THE SECRETARY OF STATE|"
    r"EMBASSY OF THE)")
PROTOCOL_HEAD = re.compile(
    r"^\s*\**(?:Выписка из протокола|ВЫПИСКА ИЗ ПРОТОКОЛА|ПРОТОКОЛ\s*№|ПОСТАНОВЛЕНИЕ\b|"
    r"Extract from (?:the )?(?:Protocol|Minutes)|EXTRACT FROM (?:THE )?(?:PROTOCOL|MINUTES))")
HEADING = re.compile(
    r"^\s*\**(?:ШИФРТЕЛЕГРАММА|ШИФРОТЕЛЕГРАММА|ТЕЛЕГРАММА|ЗАПИСЬ БЕСЕДЫ|ДОКЛАДНАЯ ЗАПИСКА|"
    r"СПРАВКА|ДНЕВНИК|СООБЩЕНИЕ ТАСС|ЗАЯВЛЕНИЕ ТАСС|ОПРОВЕРЖЕНИЕ ТАСС|ПИСЬМО|"
    r"MEMORANDUM OF CONVERSATION|MEMORANDUM FOR|TELEGRAM|CABLE|INCOMING TELEGRAM|"
    r"OUTGOING TELEGRAM|NOTE FROM|LETTER FROM|MESSAGE FROM|Message from|НОТА|ПОСЛАНИЕ|"
    r"ШИФРОВКА|STATEMENT BY|STATEMENT OF|ЗАЯВЛЕНИЕ)\b")
ADDRESSEE = re.compile(
    r"^\s*\**(?:Товарищу|Товарищам|Тов\.|Т\.\s*т\.|To Comrade|To:|TO:|"
    r"Москва,\s*ЦК|В ЦК КПСС|ЦК КПСС\.?\s*$)")
SEPARATOR = re.compile(r"^\s*(?:(?:\*\s*){3,}|-{3,}|={3,}|_{3,})\s*$")
# what ends a document after its signature: distribution list, typist's copy note
CLOSING_NOTE = re.compile(r"^\s*(?:Разослано|Отп\.\s*\d|Distribution|Copies\s+to)", re.I)
SIGNATURE = re.compile(
    r"^\s*(?:\(signed\)|/s/|[A-ZА-ЯЁ]\.\s*(?:[A-ZА-ЯЁ]\.\s*)?[A-ZА-ЯЁ][a-zа-яё]+|"
    r"[А-ЯЁ][А-ЯЁ ]{6,})\b")


def _strong(line: str) -> bool:
    return bool(LETTERHEAD.match(line) or PROTOCOL_HEAD.match(line)
                or PUBLICATION.match(line) or HEADING.match(line))


def _weak(line: str) -> bool:
    # a sentence that opens with "Тов. ..." is running text, not an addressee block
    return not is_prose(line) and bool(classification_line(line) or ADDRESSEE.match(line))


# marks above a heading that belong to the document below: a draft's label, a page mark
DRAFT = re.compile(r"^\s*(?:Проект|ПРОЕКТ|DRAFT|Draft|Копия|КОПИЯ|Copy|\[Page \d+\]|\[Стр\. \d+\]|"
                   r"Tab\s+[A-Z]|TAB\s+[A-Z]|Attachment(?:\s+\d+)?|Enclosure(?:\s+\d+)?|"
                   r"Приложение(?:\s*№?\s*\d+)?)\s*$")


def _header_like(line: str) -> bool:
    """Lines that may stand above a cue and belong to the new document."""
    s = line.strip()
    return is_folio(s) or _weak(s) or bool(LETTERHEAD.match(s)) or bool(DRAFT.match(s))


def _closing(lines: list[Line]) -> bool:
    """Do the last lines of a segment look like the end of a document? Only what follows
    its running text counts: the heading's own date line does not close it."""
    prose = [k for k, ln in enumerate(lines) if is_prose(ln.text)]
    after = lines[prose[-1] + 1:] if prose else lines
    tail = [ln for ln in after if not ln.blank][-6:]
    for ln in tail:
        s = ln.stripped
        if is_prose(s):
            continue
        if find_dates(s) or SIGNATURE.match(s) or CLOSING_NOTE.search(s):
            return True
    return False


def split_documents(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the documents in `text`, in order, without gaps."""
    lines = split_lines(text)
    starts = [0]  # line numbers where documents start
    seg_start = 0
    i = 0
    while i < len(lines):
        s = lines[i].text
        if lines[i].blank or not (_strong(s) or _weak(s) or SEPARATOR.match(s)):
            i += 1
            continue
        if SEPARATOR.match(s):
            # a row of stars between two texts; at the very end it only closes the last one
            if any(is_prose(ln.text) for ln in lines[seg_start:i]) and \
                    any(is_prose(ln.text) for ln in lines[i + 1:]):
                starts.append(i + 1)
                seg_start = i + 1
            i += 1
            continue
        # back up over folio numbers, classification and addressee lines above the cue
        j = i
        saw_folio = False
        while j - 1 > seg_start and (lines[j - 1].blank or _header_like(lines[j - 1].text)):
            j -= 1
            saw_folio = saw_folio or is_folio(lines[j].text) or bool(DRAFT.match(lines[j].text))
        before = lines[seg_start:j]
        has_prose = any(is_prose(ln.text) for ln in before)
        # a weak cue with no running text after it (a stamp at the foot of the last page)
        # belongs to the document above
        text_follows = _strong(s) or any(is_prose(ln.text) for ln in lines[i + 1:])
        if has_prose and text_follows and (_strong(s) or saw_folio or _closing(before)):
            while lines[j].blank:  # blank lines stay with the previous document
                j += 1
            starts.append(j)
            seg_start = j
            # skip the rest of this header block
            i += 1
            while i < len(lines) and not is_prose(lines[i].text) and not _strong(lines[i].text):
                i += 1
            continue
        i += 1
    spans: list[tuple[int, int]] = []
    for k, ln_no in enumerate(starts):
        start = 0 if k == 0 else lines[ln_no].start
        end = len(text) if k + 1 == len(starts) else lines[starts[k + 1]].start
        spans.append((start, end))
    return [sp for sp in spans if sp[1] > sp[0] or len(spans) == 1]
