"""A record as one TEI P5 file: header from the metadata, body from the diplomatic layer.

The body is the diplomatic text itself: every character of the diplomatic layer is a
character of the body (line breaks get an `<lb/>` after them), and everything that is
not transcribed text — editor's notes, gaps, OCR corrections, page breaks, line breaks —
sits in elements that `tei_import` skips when it counts characters. That is what lets
the importer find every mark's offsets again.

Marks become elements by a fixed plan: paragraphs first, then the transcriber's marks,
then names and dates, then OCR suspicions. Phrase-level marks stay inside paragraphs
(clipped to the paragraph when they run over the white space around it). A mark that
would cross one already placed cannot nest and is dropped (it stays in the stand-off
data and in the original, which the file carries base64-encoded in `notesStmt`), so the
XML is always well formed and the same record always gives the same bytes. Characters
XML cannot carry become U+FFFD, one for one.
"""

from __future__ import annotations

import base64
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Iterable

from lxml import etree

from opis.export.citations import source_info
from opis.export.record_json import record_title
from opis.model import DIPLOMATIC, PUBLIC, RESTRICTED, Document, Record

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"

LANGUAGE_NAMES = {"ru": "Russian", "en": "English", "de": "German", "fr": "French",
                  "zh": "Chinese", "ko": "Korean", "pl": "Polish", "hu": "Hungarian",
                  "ro": "Romanian", "bg": "Bulgarian", "cs": "Czech"}
# record metadata keys that name the archival location, in msIdentifier order
ARCHIVE_KEYS = ("fond", "opis", "delo", "list")
PARTY_FIELDS = (("author", "sent"), ("signatory", "sent"), ("recipient", "received"),
                ("distribution", "received"))
MENTION_TAGS = {"PER": "persName", "ORG": "orgName", "LOC": "placeName"}
MENTION_LISTS = {"PER": ("listPerson", "person", "persName", "per"),
                 "ORG": ("listOrg", "org", "orgName", "org"),
                 "LOC": ("listPlace", "place", "placeName", "loc")}
SUSPECT_FIELD = "ocr_suspect"  # a Value field some callers use
SUSPECT_KIND = "ocr_suspect"  # the span kind the suspects step writes
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
XML_SPACE = " \t\r\n"

# nesting plan: lower groups are placed first and win over later ones
GROUP_PARAGRAPH, GROUP_EDITORIAL, GROUP_NAMES, GROUP_SUSPECT = range(4)
_KIND_RANK = {"p": 0, "folio": 1, "hand": 2, "hi": 3, "add": 4, "del": 5, "unclear": 6,
              "date": 7, "mention": 8, "suspect": 9}


# characters XML 1.0 cannot carry (C0 controls but tab/newline/return, lone surrogates,
# U+FFFE/U+FFFF); a transcription may hold a few, which ingest lets through
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(s: str) -> str:
    """`s` with each character XML cannot carry replaced by U+FFFD, one for one, so that
    offsets counted in the TEI body still match the diplomatic layer."""
    return _NOT_XML.sub("\ufffd", s)


def t(name: str) -> str:
    return T + name


def sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, t(name), {k: xml_safe(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = xml_safe(text)
    return el


# --- identifiers ---------------------------------------------------------------------

def id_base(record: Record) -> str:
    """Every xml:id of a record's TEI starts with this, so that the TEI of many records can
    share one XML document (an OAI-PMH page) without clashing ids."""
    return f"r{record.id}-"


def doc_xml_id(base: str, doc: Document) -> str:
    return f"{base}doc-{doc.seq}"


def authority_xml_id(base: str, prefix: str, authority_id: str) -> str:
    """An NCName for an authority id: the id with anything unsafe replaced, prefixed by
    its list ("per-", "org-", "loc-") so a person and a body never share an id."""
    return f"{base}{prefix}-" + re.sub(r"[^A-Za-z0-9_.-]", "_", authority_id)


def is_suspect(kind: str, attrs: dict[str, Any] | None = None) -> bool:
    k = kind.lower()
    return "suspect" in k or k.startswith("ocr") or bool((attrs or {}).get("suspect"))


def suggestions_of(value: Any) -> tuple[str, ...]:
    """The corrections proposed for an OCR suspect: span attrs or Value value, as the
    suspects step writes them ({"suggestions": [...]}) or as one suggestion."""
    if isinstance(value, dict):
        many = value.get("suggestions")
        if isinstance(many, (list, tuple)):
            return tuple(str(x) for x in many if isinstance(x, str) and x)
        for key in ("suggestion", "correction", "corr", "suggested"):
            if isinstance(value.get(key), str) and value[key]:
                return (value[key],)
        return ()
    return (value,) if isinstance(value, str) and value else ()


# --- marks and their nesting -----------------------------------------------------------

@dataclass(slots=True)
class Mark:
    start: int
    end: int
    kind: str  # p, folio, hand, hi, add, del, unclear, other:<kind>, gap, note, point:<kind>,
    #            mention, date, suspect
    group: int
    attrs: dict[str, Any] = field(default_factory=dict)
    order: int = 0
    children: list["Mark"] = field(default_factory=list)

    @property
    def point(self) -> bool:
        return self.start == self.end

    @property
    def key(self) -> tuple[int, int, int, int]:
        return (self.start, 0 if self.point else 1, -(self.end - self.start),
                _KIND_RANK.get(self.kind.split(":")[0], 20) * 10000 + self.order)


def _insert(node: Mark, m: Mark) -> bool:
    """Place `m` under `node` if it nests with everything there; False if it crosses."""
    if m.point:
        for c in node.children:
            if not c.point and c.start < m.start < c.end:
                return _insert(c, m)
        node.children.append(m)
        return True
    inside: list[Mark] = []
    for c in node.children:
        if c.point:
            if m.start < c.start < m.end:
                inside.append(c)
            continue
        if c.start <= m.start and m.end <= c.end:
            return _insert(c, m)
        if m.start <= c.start and c.end <= m.end:
            inside.append(c)
        elif c.start < m.end and m.start < c.end:
            return False  # crosses c
    for c in inside:
        node.children.remove(c)
    m.children.extend(inside)
    node.children.append(m)
    return True


def _sort(node: Mark) -> None:
    node.children.sort(key=lambda c: c.key)
    for c in node.children:
        _sort(c)


def nest(length: int, marks: Iterable[Mark]) -> Mark:
    """A tree of the marks that can nest, placed group by group in a fixed order."""
    root = Mark(0, length, "root", -1)
    for m in sorted(marks, key=lambda m: (m.group, m.key)):
        if 0 <= m.start <= m.end <= length:
            _insert(root, m)
    _sort(root)
    return root


def paragraph_marks(text: str, folio: list[tuple[int, int]]) -> list[Mark]:
    """One `p` per blank-line separated chunk; a chunk that is one folio line alone is
    left outside any paragraph (it becomes a page break with its forme work)."""
    out = []
    pos = 0
    chunks = []
    for m in PARAGRAPH_BREAK.finditer(text):
        chunks.append((pos, m.start()))
        pos = m.end()
    chunks.append((pos, len(text)))
    folio_set = set(folio)
    for s, e in chunks:
        # only XML white space may stay outside <p>: not NBSP, form feed and the like
        while s < e and text[s] in XML_SPACE:
            s += 1
        while e > s and text[e - 1] in XML_SPACE:
            e -= 1
        if e > s and (s, e) not in folio_set:
            out.append(Mark(s, e, "p", GROUP_PARAGRAPH, order=len(out)))
    return out


def _to_diplomatic(doc: Document, layer: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    if start is None or end is None:
        return None
    if layer == DIPLOMATIC:
        return start, end
    try:
        lay = doc.layer(layer)
    except KeyError:
        return None
    while lay.parent is not None and lay.name != DIPLOMATIC:
        start, end = lay.to_parent.span_to_parent(start, end)
        lay = doc.layer(lay.parent)
    return (start, end) if lay.name == DIPLOMATIC else None


def document_marks(doc: Document) -> list[Mark]:
    dip = doc.diplomatic
    marks: list[Mark] = []
    folio = [(s.start, s.end) for s in dip.spans if s.kind == "folio"]
    marks.extend(paragraph_marks(dip.text, folio))
    for i, sp in enumerate(dip.spans):
        if is_suspect(sp.kind, sp.attrs):
            marks.append(Mark(sp.start, sp.end, "suspect", GROUP_SUSPECT,
                              {"corr": suggestions_of(sp.attrs), "cert": cert_of(sp.attrs.get("confidence"))}, order=i))
        elif sp.kind in ("gap", "note", "pb") and sp.start == sp.end:
            marks.append(Mark(sp.start, sp.end, sp.kind, GROUP_EDITORIAL, dict(sp.attrs), order=i))
        elif sp.start == sp.end:
            marks.append(Mark(sp.start, sp.end, "point:" + sp.kind, GROUP_EDITORIAL, order=i))
        elif sp.kind in ("folio", "hand", "hi", "add", "del", "unclear"):
            marks.append(Mark(sp.start, sp.end, sp.kind, GROUP_EDITORIAL, dict(sp.attrs), order=i))
        else:
            marks.append(Mark(sp.start, sp.end, "other:" + sp.kind, GROUP_EDITORIAL, order=i))
    for i, sp in enumerate(doc.reading.spans):
        if is_suspect(sp.kind, sp.attrs):
            at = _to_diplomatic(doc, doc.reading.name, sp.start, sp.end)
            if at:
                marks.append(Mark(*at, "suspect", GROUP_SUSPECT, {"corr": suggestions_of(sp.attrs),
                                                                  "cert": cert_of(sp.attrs.get("confidence"))},
                                  order=1000 + i))
    for m in doc.mentions:
        at = _to_diplomatic(doc, m.layer, m.start, m.end)
        if at and at[1] > at[0]:
            marks.append(Mark(*at, "mention", GROUP_NAMES, {"mention": m}))
    date = doc.first("date")
    if date is not None and isinstance(date.value, dict) and date.value.get("iso"):
        at = _to_diplomatic(doc, date.layer, date.start, date.end)
        if at and at[1] > at[0]:
            marks.append(Mark(*at, "date", GROUP_NAMES, {"when": date.value["iso"]}))
    for i, v in enumerate(doc.all(SUSPECT_FIELD)):
        at = _to_diplomatic(doc, v.layer, v.start, v.end)
        if at and at[1] > at[0]:
            marks.append(Mark(*at, "suspect", GROUP_SUSPECT, {"corr": suggestions_of(v.value)},
                              order=2000 + i))
    marks = inside_paragraphs(marks)
    # names and suggestions are ordered by all the TEI shows of them (after clipping), so
    # that ties nest the same way whatever order they are stored in
    for kind, content in (("mention", _mention_key), ("suspect", lambda m: (*m.attrs["corr"], m.attrs.get("cert") or ""))):
        same = sorted((m for m in marks if m.kind == kind), key=lambda m: (m.start, m.end, *content(m)))
        for i, m in enumerate(same):
            m.order = i
    return marks


def _mention_key(mark: Mark) -> tuple[str, ...]:
    m = mark.attrs["mention"]
    return (m.type, m.name, m.authority_id or "", m.name_en or "", cert_of(m.confidence) or "")


def cert_of(confidence: Any) -> str | None:
    """A machine's confidence as TEI `@cert` (a probability); full confidence says nothing."""
    if isinstance(confidence, (int, float)) and not isinstance(confidence, bool) and 0 <= confidence < 1:
        return repr(float(confidence))
    return None


def inside_paragraphs(marks: list[Mark]) -> list[Mark]:
    """Keep phrase-level marks inside paragraphs, where TEI allows them: a mark that runs
    over the white space around one paragraph is clipped to it (only white space lies
    outside paragraphs), one outside every paragraph is kept only inside a folio line of
    its own, and one over several paragraphs is dropped. Points may stand anywhere."""
    paras = [m for m in marks if m.kind == "p"]
    folios = [m for m in marks if m.kind == "folio"
              and not any(p.start <= m.start and m.end <= p.end for p in paras)]
    out = []
    for m in marks:
        if m.kind in ("p", "folio") or m.point:
            out.append(m)
            continue
        over = [p for p in paras if p.start < m.end and m.start < p.end]
        if len(over) == 1:
            m.start, m.end = max(m.start, over[0].start), min(m.end, over[0].end)
            out.append(m)
        elif not over and any(f.start <= m.start and m.end <= f.end for f in folios):
            out.append(m)
    return out


# --- rendering the tree ----------------------------------------------------------------

def _append_text(el: etree._Element, text: str, line_breaks: bool) -> None:
    if not text:
        return
    text = xml_safe(text)
    pieces = text.split("\n") if line_breaks else [text]
    for i, piece in enumerate(pieces):
        chunk = piece + ("\n" if i < len(pieces) - 1 else "")
        if chunk:
            if len(el):
                el[-1].tail = (el[-1].tail or "") + chunk
            else:
                el.text = (el.text or "") + chunk
        if i < len(pieces) - 1:
            etree.SubElement(el, t("lb"))


def _open(parent: etree._Element, m: Mark, registry: "Authorities") -> tuple[etree._Element, etree._Element]:
    """(the element placed in `parent`, the element the mark's text goes into)."""
    kind, a = m.kind, m.attrs
    if kind == "p":
        el = sub(parent, "p")
    elif kind == "folio":
        sub(parent, "pb", n=str(a.get("n", "")))
        el = sub(parent, "fw", type="folio")
    elif kind == "hand":
        el = sub(parent, "seg", type="handwritten")
    elif kind == "hi":
        el = sub(parent, "hi", rend=str(a.get("rend", "bold")))
    elif kind == "add":
        el = sub(parent, "add", place=str(a.get("place", "inline")))
    elif kind == "del":
        el = sub(parent, "del", rend="strikethrough")
    elif kind == "unclear":
        el = sub(parent, "unclear")
    elif kind == "gap":
        el = sub(parent, "gap", reason="illegible")
        if a.get("text"):
            sub(el, "desc", str(a["text"]))
    elif kind == "note":
        el = sub(parent, "note", str(a.get("text", "")), type="editorial")
    elif kind == "pb":  # a page of a scan: its image is kept by content hash
        el = sub(parent, "pb", n=str(a.get("n", "")) or None,
                 facs=f"urn:sha256:{a['facs']}" if a.get("facs") else None)
    elif kind.startswith("point:"):
        el = sub(parent, "anchor", type=kind.split(":", 1)[1])
    elif kind.startswith("other:"):
        el = sub(parent, "seg", type=kind.split(":", 1)[1])
    elif kind == "mention":
        mention = a["mention"]
        tag = MENTION_TAGS.get(mention.type, "name")
        el = sub(parent, tag, key=mention.name, ref=registry.ref(mention.type, mention.authority_id),
                 type=None if tag != "name" else mention.type, cert=cert_of(mention.confidence))
    elif kind == "date":
        el = sub(parent, "date", when=str(a["when"]))
    elif kind == "suspect":
        if not a["corr"]:  # nothing to propose: the word is only marked as doubtful
            el = sub(parent, "sic", cert=a.get("cert"))
            return el, el
        el = sub(parent, "choice")
        inner = sub(el, "sic", cert=a.get("cert"))
        return el, inner
    else:  # pragma: no cover - every kind is handled above
        raise ValueError(kind)
    return el, el


def _render(el: etree._Element, node: Mark, text: str, registry: "Authorities", in_p: bool) -> None:
    pos = node.start
    for c in node.children:
        _append_text(el, text[pos:c.start], in_p)
        outer, inner = _open(el, c, registry)
        if not c.point:
            _render(inner, c, text, registry, in_p or c.kind == "p")
        if c.kind == "suspect":
            for suggestion in c.attrs["corr"]:
                sub(outer, "corr", suggestion)
        pos = max(pos, c.end)
    _append_text(el, text[pos:node.end], in_p)


def document_tree(doc: Document) -> Mark:
    return nest(len(doc.diplomatic.text), document_marks(doc))


def placed_mentions(tree: Mark) -> list[Any]:
    """The mentions that made it into the body, in document order."""
    out = []
    for c in tree.children:
        if c.kind == "mention":
            out.append(c.attrs["mention"])
        out.extend(placed_mentions(c))
    return out


def document_div(parent: etree._Element, doc: Document, registry: "Authorities",
                 tree: Mark | None = None) -> etree._Element:
    div = sub(parent, "div", type="document", n=str(doc.seq))
    div.set(XML_ID, doc_xml_id(registry.base, doc))
    if doc.language:
        div.set(XML_LANG, doc.language)
    _render(div, tree or document_tree(doc), doc.diplomatic.text, registry, False)
    return div


# --- authorities (standOff) ---------------------------------------------------------------

class Authorities:
    """The people, bodies and places with authority ids, listed once in `standOff`; inline
    names and correspondents point at them with `ref`."""

    def __init__(self, base: str = "") -> None:
        self.base = base
        self.entries: dict[tuple[str, str], dict[str, str | None]] = {}

    def add(self, mtype: str, authority_id: str | None, name: str, name_en: str | None) -> None:
        if not authority_id or mtype not in MENTION_LISTS:
            return
        entry = self.entries.setdefault((mtype, authority_id), {"name": name, "name_en": None})
        if entry["name_en"] is None and name_en:
            entry["name_en"] = name_en

    def ref(self, mtype: str, authority_id: str | None) -> str | None:
        if not authority_id or (mtype, authority_id) not in self.entries:
            return None
        return "#" + authority_xml_id(self.base, MENTION_LISTS[mtype][3], authority_id)

    def to_xml(self, parent: etree._Element) -> None:
        if not self.entries:
            return
        standoff = sub(parent, "standOff")
        for mtype in ("PER", "ORG", "LOC"):
            items = sorted((aid, e) for (mt, aid), e in self.entries.items() if mt == mtype)
            if not items:
                continue
            list_tag, item_tag, name_tag, prefix = MENTION_LISTS[mtype]
            lst = sub(standoff, list_tag)
            for aid, e in items:
                item = sub(lst, item_tag)
                item.set(XML_ID, authority_xml_id(self.base, prefix, aid))
                n = sub(item, name_tag, e["name"])
                n.set(XML_LANG, "ru")
                if e["name_en"]:
                    n = sub(item, name_tag, e["name_en"])
                    n.set(XML_LANG, "en")
                sub(item, "idno", aid, type="authority")
                wikidata = _wikidata(aid)
                if wikidata:
                    sub(item, "idno", wikidata, type="wikidata")


def _wikidata(authority_id: str) -> str | None:
    """The Wikidata id the authority file gives for an entry, when it gives one."""
    try:
        from opis.entities.authority import lookup
    except ModuleNotFoundError:  # the authority file is optional for exports
        return None
    entry = lookup(authority_id)
    return entry.wikidata if entry is not None and entry.wikidata else None


def _party_type(field_name: str, value: dict[str, Any]) -> str:
    return "ORG" if value.get("kind") == "body" else "PER"


def collect_authorities(record: Record, trees: list[Mark]) -> Authorities:
    """Authorities of the parties and of the names placed in the body (a name dropped for
    crossing other marks is not listed, so the file says nothing it does not show)."""
    reg = Authorities(id_base(record))
    for doc, tree in zip(record.documents, trees):
        for field_name, _ in PARTY_FIELDS:
            for v in doc.all(field_name):
                if isinstance(v.value, dict):
                    reg.add(_party_type(field_name, v.value), v.value.get("authority_id"),
                            str(v.value.get("name", "")), v.value.get("name_en"))
        for m in placed_mentions(tree):
            reg.add(m.type, m.authority_id, m.name, m.name_en)
    return reg


# --- the header ----------------------------------------------------------------------------

def _text_value(doc: Document, field_name: str) -> str | None:
    v = doc.first(field_name)
    return v.value if v is not None and isinstance(v.value, str) and v.value else None


def _corresp_desc(parent: etree._Element, doc: Document, reg: Authorities) -> None:
    actions: dict[str, list[tuple[str, dict[str, Any]]]] = {"sent": [], "received": []}
    for field_name, action in PARTY_FIELDS:
        for v in doc.all(field_name):
            if isinstance(v.value, dict) and v.value.get("name"):
                actions[action].append((field_name, v.value))
    date = doc.first("date")
    when = date.value.get("iso") if date is not None and isinstance(date.value, dict) else None
    place = doc.first("place")
    place_v = place.value if place is not None and isinstance(place.value, dict) and place.value.get("name") else None
    if not (actions["sent"] or actions["received"] or when or place_v):
        return
    cd = sub(parent, "correspDesc", corresp="#" + doc_xml_id(reg.base, doc))
    for action in ("sent", "received"):
        parties = actions[action]
        if not parties and not (action == "sent" and (when or place_v)):
            continue
        ca = sub(cd, "correspAction", type=action)
        for field_name, value in parties:
            mtype = _party_type(field_name, value)
            tag = "orgName" if mtype == "ORG" else "persName"
            sub(ca, tag, str(value.get("name_en") or value["name"]), role=field_name,
                key=str(value["name"]), ref=reg.ref(mtype, value.get("authority_id")))
        if action == "sent" and place_v:
            sub(ca, "placeName", str(place_v.get("name_en") or place_v["name"]), key=str(place_v["name"]))
        if action == "sent" and when:
            sub(ca, "date", date.as_written or None, when=str(when))


def _text_class(parent: etree._Element, doc: Document, base: str) -> None:
    terms = [(scheme, _text_value(doc, scheme)) for scheme in ("doc_type", "classification")]
    terms = [(s, v) for s, v in terms if v]
    if not terms:
        return
    tc = sub(parent, "textClass", corresp="#" + doc_xml_id(base, doc))
    for scheme, term in terms:
        kw = sub(tc, "keywords", scheme=f"#{base}{scheme}")
        sub(kw, "term", term)


def _ms_item(parent: etree._Element, doc: Document, base: str) -> None:
    item = sub(parent, "msItem", n=str(doc.seq), corresp="#" + doc_xml_id(base, doc))
    sub(item, "locus", f"{doc.source_start}-{doc.source_end}", scheme="#characters",
        **{"from": str(doc.source_start), "to": str(doc.source_end)})
    for lang in ("en", "ru"):
        title = _text_value(doc, f"title_{lang}")
        if title:
            sub(item, "title", title).set(XML_LANG, lang)
    for v in doc.all("registry_number"):
        if isinstance(v.value, str) and v.value:
            sub(item, "idno", v.value, type="registry")
    # always present: an msItem must say something besides its locus
    if doc.language:
        sub(item, "textLang", LANGUAGE_NAMES.get(doc.language, doc.language), mainLang=doc.language)
    else:
        sub(item, "textLang", "unknown")


def _original_note(parent: etree._Element, record: Record) -> None:
    note = sub(parent, "note", type="original")
    note.text = "\n"
    sub(note, "idno", record.source_name, type="filename").tail = "\n"
    sub(note, "idno", record.encoding, type="encoding").tail = "\n"
    sub(note, "idno", record.format, type="format").tail = "\n"
    sub(note, "idno", record.sha256, type="sha256").tail = "\n"
    b64 = base64.b64encode(record.original).decode("ascii")
    sub(note, "seg", "\n" + "\n".join(textwrap.wrap(b64, 76)) + "\n", type="base64").tail = "\n"


# The words of `availability/p`; `tei_import` reads a public record under embargo by the first.
EMBARGOED_PUBLIC = "Under embargo until "
EMBARGOED_RESTRICTED = "Restricted record, also under embargo until "
PUBLIC_RECORD, RESTRICTED_RECORD = "Public record.", "Restricted record."


def _availability(parent: etree._Element, record: Record) -> None:
    """Who may read the record: free, restricted, or restricted until its embargo ends
    (a date to come; one that has passed is mentioned, the record being free). The date is
    `date[@type="embargo"]`, and the words say whether the record is public behind it."""
    from opis.access.policy import today

    until = record.embargo_until
    embargoed = bool(until and until > today())
    free = record.visibility == PUBLIC and not embargoed
    av = sub(parent, "availability", status="free" if free else "restricted")
    p = sub(av, "p", PUBLIC_RECORD if record.visibility == PUBLIC and not embargoed else
            RESTRICTED_RECORD if not embargoed else None)
    if until:
        if embargoed and record.visibility == PUBLIC:
            p.text = EMBARGOED_PUBLIC
        elif embargoed:
            p.text = EMBARGOED_RESTRICTED
        else:
            p.text = (p.text or "") + " The embargo ended on "
        sub(p, "date", until, when=until, type="embargo").tail = "."


def _header(tei: etree._Element, record: Record, reg: Authorities) -> None:
    meta = record.metadata
    info = source_info(record)
    header = sub(tei, "teiHeader")
    fd = sub(header, "fileDesc")
    ts = sub(fd, "titleStmt")
    sub(ts, "title", record_title(record))
    ps = sub(fd, "publicationStmt")
    sub(ps, "publisher", "opis")
    sub(ps, "idno", record.id, type="opis")
    _availability(ps, record)
    ns = sub(fd, "notesStmt")
    for key in ("summary", "citation", "credits"):
        if meta.get(key):
            sub(ns, "note", str(meta[key]), type=key)
    _original_note(ns, record)
    sd = sub(fd, "sourceDesc")
    if meta.get("title") or meta.get("url") or meta.get("date"):
        bibl = sub(sd, "bibl", type="published")
        if meta.get("title"):
            sub(bibl, "title", str(meta["title"]))
        when = meta.get("date")
        if isinstance(when, dict) and when.get("iso"):
            sub(bibl, "date", str(meta.get("date_as_written") or when["iso"]), when=str(when["iso"]))
        if meta.get("url"):
            sub(bibl, "ptr", target=str(meta["url"]))
    ms = sub(sd, "msDesc")
    ident = sub(ms, "msIdentifier")
    if info.archive:
        sub(ident, "repository", info.archive)
    sub(ident, "collection", record.collection, type="opis")
    if info.collection:
        sub(ident, "collection", info.collection, type="archive")
    for key in ARCHIVE_KEYS:
        if meta.get(key) not in (None, ""):
            sub(ident, "idno", str(meta[key]), type=key)
    if not any(meta.get(k) not in (None, "") for k in ARCHIVE_KEYS):
        sub(ident, "idno", record.source_name, type="filename")
    if record.documents:
        contents = sub(ms, "msContents")
        for doc in record.documents:
            _ms_item(contents, doc, reg.base)
    ed = sub(header, "encodingDesc")
    cls = sub(ed, "classDecl")
    for scheme, label in (("doc_type", "Document type"), ("classification", "Security classification")):
        tax = sub(cls, "taxonomy")
        tax.set(XML_ID, reg.base + scheme)
        sub(tax, "desc", label)
    pd = sub(header, "profileDesc")
    langs = sorted({d.language for d in record.documents if d.language})
    if langs:
        lu = sub(pd, "langUsage")
        for lang in langs:
            sub(lu, "language", LANGUAGE_NAMES.get(lang, lang), ident=lang)
    for doc in record.documents:
        _corresp_desc(pd, doc, reg)
    for doc in record.documents:
        _text_class(pd, doc, reg.base)
    if not len(pd):
        header.remove(pd)
    etree.indent(header, space=" ")


def record_to_tei(record: Record) -> etree._Element:
    """The `<TEI>` element of a record (one `div` per document)."""
    tei = etree.Element(t("TEI"), nsmap={None: TEI_NS})
    trees = [document_tree(doc) for doc in record.documents]
    reg = collect_authorities(record, trees)
    _header(tei, record, reg)
    header = tei[0]
    header.tail = "\n"
    reg.to_xml(tei)
    if len(tei) > 1:
        tei[1].text = "\n"
        etree.indent(tei[1], space=" ")
        tei[1].tail = "\n"
    text = sub(tei, "text")
    text.tail = "\n"
    body = sub(text, "body")
    from opis.translate.tei import translation_divs

    for doc, tree in zip(record.documents, trees):
        document_div(body, doc, reg, tree).tail = "\n"
        translation_divs(body, doc, doc_xml_id(reg.base, doc))
    body.text = "\n"
    text.text = "\n"
    body.tail = "\n"
    tei.text = "\n"
    return tei


def tei_bytes(record: Record) -> bytes:
    """The TEI file of a record, UTF-8 with an XML declaration."""
    return etree.tostring(record_to_tei(record), xml_declaration=True, encoding="UTF-8") + b"\n"


def tei_file_name(record: Record) -> str:
    """`<record id>.xml`: ids are stable and safe as file names, source names are not."""
    return f"{record.id}.xml"


def export_tei(store: Any, out_dir: Any, include_restricted: bool = False) -> list[Any]:
    """One TEI file per record of `store` in `out_dir`; returns the paths written."""
    from pathlib import Path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    closed = _collection_access(store)
    paths = []
    for record in store.iter_records(include_restricted=include_restricted):
        path = out / tei_file_name(record)
        path.write_bytes(tei_bytes(_with_collection_access(record, closed.get(record.collection))))
        paths.append(path)
    return paths


def _collection_access(store: Any) -> dict[str, tuple[str, str | None]]:
    """Collection name -> (visibility, embargo date), for collections with settings."""
    from sqlalchemy import select

    from opis.store.schema import collections

    with store.engine.connect() as conn:
        return {n: (v, e) for n, v, e in conn.execute(
            select(collections.c.name, collections.c.visibility, collections.c.embargo_until))}


def _with_collection_access(record: Record, access: tuple[str, str | None] | None) -> Record:
    """The record as its TEI should describe it: restricted when its collection is, under
    the later of its own and its collection's embargo (the stored record is unchanged)."""
    if access is None:
        return record
    from dataclasses import replace

    visibility, until = access
    return replace(record, visibility=RESTRICTED if RESTRICTED in (visibility, record.visibility) else PUBLIC,
                   embargo_until=max((d for d in (until, record.embargo_until) if d), default=None))

