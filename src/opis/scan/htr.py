"""The output of HTR and OCR tools: PAGE XML (Transkribus, eScriptorium) and ALTO.

Both describe regions (PAGE `TextRegion`, ALTO `TextBlock`) holding lines holding words,
with coordinates in pixels of the page image and an optional reading order. Regions are
read in that order (document order when there is none); lines become lines and regions
paragraphs, so one page gives the same text whichever of the two formats it came in.
Any namespace version is accepted: elements are matched by local name.
"""

from __future__ import annotations

from lxml import etree

from opis.scan.text import PageText, TextBuilder, bbox

PAGE, ALTO = "page-xml", "alto"


class HTRError(ValueError):
    pass


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el, name: str) -> list:
    return [c for c in el if _local(c) == name]


def _descendants(el, name: str) -> list:
    return [c for c in el.iter() if _local(c) == name]


def sniff(data: bytes) -> str | None:
    """PAGE or ALTO by the root element, None for anything else."""
    head = data[:4096]
    if b"<PcGts" in head:
        return PAGE
    if b"<alto" in head or b":alto" in head:
        return ALTO
    return None


def image_names(path) -> list[str]:
    """The page images an HTR file names (PAGE `imageFilename`, ALTO
    `sourceImageInformation/fileName`), read from the head of the file only: parsing stops
    where the page content begins, so a huge file costs no more than a small one. Empty
    for other XML and for files broken before the names; a file broken later is caught
    when it is read (`read_htr`). `path` may also be an open binary file (the bytes
    already read, in a `BytesIO`)."""
    names: list[str] = []
    kind = None
    try:
        for event, el in etree.iterparse(path if hasattr(path, "read") else str(path), events=("start", "end"),
                                         resolve_entities=False, no_network=True):
            name = _local(el)
            if kind is None:
                kind = {"PcGts": PAGE, "alto": ALTO}.get(name)
                if kind is None:
                    return []
            elif kind == PAGE and event == "start" and name == "Page":
                if el.get("imageFilename"):
                    names.append(el.get("imageFilename"))
                break  # PAGE holds one Page; the regions follow
            elif kind == ALTO and event == "start" and name == "Layout":
                break
            elif kind == ALTO and event == "end" and name == "fileName" and (el.text or "").strip():
                names.append(el.text.strip())
    except (etree.XMLSyntaxError, OSError):
        pass
    return names


def _parse(data: bytes):
    try:
        return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise HTRError(f"is not well-formed XML ({exc.msg})") from exc


def read_htr(data: bytes) -> list[PageText]:
    kind = sniff(data)
    if kind == PAGE:
        return read_page_xml(data)
    if kind == ALTO:
        return read_alto(data)
    raise HTRError("is XML but neither PAGE nor ALTO")


# --- PAGE ----------------------------------------------------------------------------------

def _points(el) -> tuple[int, int, int, int] | None:
    coords = _children(el, "Coords")
    if not coords:
        return None
    pts = coords[0].get("points")
    if pts:
        pairs = [tuple(float(v) for v in p.split(",")) for p in pts.split()]
        return bbox(pairs) if pairs else None
    pts = [(float(p.get("x")), float(p.get("y"))) for p in _children(coords[0], "Point")]
    return bbox(pts) if pts else None


def _unicode(el) -> str | None:
    for eq in _children(el, "TextEquiv"):
        u = _children(eq, "Unicode")
        if u and u[0].text is not None:
            return u[0].text
    return None


def _ordered(container, regions: dict, ref_tag: str, ref_attr: str, index_attr: str | None) -> list[str]:
    """Region ids in reading order, nested groups flattened."""
    out: list[str] = []
    items = []
    for n, child in enumerate(container):
        name = _local(child)
        key = int(child.get(index_attr, n)) if index_attr and child.get(index_attr) else n
        items.append((key, child, name))
    for _, child, name in sorted(items, key=lambda t: t[0]):
        if name.startswith(ref_tag):
            ref = child.get(ref_attr)
            if ref in regions:
                out.append(ref)
            out.extend(_ordered(child, regions, ref_tag, ref_attr, index_attr))
        elif "Group" in name:
            ref = child.get(ref_attr)
            if ref in regions:
                out.append(ref)
            out.extend(_ordered(child, regions, ref_tag, ref_attr, index_attr))
    return out


def _in_order(all_regions: list, order: list[str]) -> list:
    by_id = {r.get("id") or r.get("ID"): r for r in all_regions}
    seen = [by_id[i] for i in dict.fromkeys(order) if i in by_id]
    return seen + [r for r in all_regions if r not in seen]


def read_page_xml(data: bytes) -> list[PageText]:
    root = _parse(data)
    out = []
    for page in _descendants(root, "Page"):
        regions = _descendants(page, "TextRegion")
        order: list[str] = []
        for ro in _children(page, "ReadingOrder"):
            order = _ordered(ro, {r.get("id"): r for r in regions}, "RegionRef", "regionRef", "index")
        # nested regions are read inside their parent
        top = [r for r in regions if _local(r.getparent()) != "TextRegion"]
        b = TextBuilder()
        for region in _in_order(top, order):
            b.new_block()
            for line in _descendants(region, "TextLine"):
                b.new_line(_points(line))
                words = _children(line, "Word")
                line_text = _unicode(line)
                word_texts = [(w, _unicode(w) or "") for w in words]
                if words and (line_text is None or " ".join(line_text.split()) == " ".join(t for _, t in word_texts if t.strip())):
                    for w, t in word_texts:
                        conf = _conf(w)
                        b.word(t, _points(w), conf)
                elif line_text:
                    for t in line_text.split():
                        b.word(t, None)
        text = b.text()
        out.append(PageText(text, int(page.get("imageWidth", 0)), int(page.get("imageHeight", 0)),
                            PAGE, b.zones, image_name=page.get("imageFilename")))
    if not out:
        raise HTRError("is PAGE XML without a Page element")
    return out


def _conf(el) -> float | None:
    for eq in _children(el, "TextEquiv"):
        if eq.get("conf") is not None:
            return float(eq.get("conf"))
    return None


# --- ALTO ----------------------------------------------------------------------------------

def _alto_box(el) -> tuple[int, int, int, int] | None:
    try:
        return (int(float(el.get("HPOS"))), int(float(el.get("VPOS"))),
                max(1, int(float(el.get("WIDTH")))), max(1, int(float(el.get("HEIGHT")))))
    except (TypeError, ValueError):
        return None


def read_alto(data: bytes) -> list[PageText]:
    root = _parse(data)
    unit = next((m.text for m in _descendants(root, "MeasurementUnit")), "pixel") or "pixel"
    if unit.strip() != "pixel":
        raise HTRError(f"is ALTO measured in {unit.strip()}, not pixels; export it in pixels")
    image_name = next((f.text for f in _descendants(root, "fileName")), None)
    order: list[str] = []
    for ro in _descendants(root, "ReadingOrder"):
        blocks_by_id = {b.get("ID"): b for b in _descendants(root, "TextBlock")}
        order = _ordered(ro, blocks_by_id, "ElementRef", "REF", None)
    out = []
    for page in _descendants(root, "Page"):
        blocks = [bl for bl in _descendants(page, "TextBlock")]
        b = TextBuilder()
        for block in _in_order(blocks, order):
            b.new_block()
            for line in _children(block, "TextLine"):
                b.new_line(_alto_box(line))
                for item in line:
                    if _local(item) == "String":
                        wc = item.get("WC")
                        b.word(item.get("CONTENT", ""), _alto_box(item), float(wc) if wc else None)
        text = b.text()
        out.append(PageText(text, int(float(page.get("WIDTH", 0))), int(float(page.get("HEIGHT", 0))),
                            ALTO, b.zones, image_name=image_name))
    if not out:
        raise HTRError("is ALTO without a Page element")
    return out
