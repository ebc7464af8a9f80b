"""PDF pages: the PDF's own text layer when it is good, otherwise the page rendered and
read by Tesseract. A text layer is good when it holds enough letters and few characters
that the font could not map to Unicode (which is what a bad embedded OCR looks like)."""

from __future__ import annotations

from PIL import Image

from opis.scan.images import RENDER_DPI
from opis.scan.ocr import ocr_image
from opis.scan.text import PageText, TextBuilder

MIN_LETTERS = 40


def good_text_layer(text: str) -> bool:
    letters = sum(1 for c in text if c.isalpha())
    junk = sum(1 for c in text if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or (ord(c) < 32 and c not in "\r\n\t"))
    return letters >= MIN_LETTERS and junk <= letters * 0.02


def read_pdf(data: bytes, language: str) -> list[tuple[Image.Image, PageText]]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    out = []
    try:
        scale = RENDER_DPI / 72
        for page in pdf:
            image = page.render(scale=scale).to_pil()
            textpage = page.get_textpage()
            raw = textpage.get_text_range()
            if good_text_layer(raw):
                out.append((image, _text_layer(textpage, raw, page.get_height(), scale, image)))
            else:
                out.append((image, ocr_image(image, language)))
    finally:
        pdf.close()
    return out


def _text_layer(textpage, raw: str, page_height: float, scale: float, image: Image.Image) -> PageText:
    """The text layer as words and lines, with boxes from pdfium's character boxes (PDF
    points, origin bottom left) turned into pixels of the rendered image."""
    n = textpage.count_chars()
    boxes_ok = n == len(raw)
    out = TextBuilder()

    def box_of(i: int, j: int) -> tuple[int, int, int, int] | None:
        if not boxes_ok:
            return None
        ls, bs, rs, ts = zip(*(textpage.get_charbox(k) for k in range(i, j)))
        x0, x1 = min(ls) * scale, max(rs) * scale
        y0, y1 = (page_height - max(ts)) * scale, (page_height - min(bs)) * scale
        return int(x0), int(y0), max(1, int(x1 - x0)), max(1, int(y1 - y0))

    pos = 0
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        start = raw.find(line, pos) if line else pos
        if not line.strip():
            out.new_block()
            pos = start + len(line) + 1
            continue
        words = []
        i = 0
        while i < len(line):
            if line[i].isspace():
                i += 1
                continue
            j = i
            while j < len(line) and not line[j].isspace():
                j += 1
            words.append((start + i, start + j))
            i = j
        lb = box_of(words[0][0], words[-1][1]) if words else None
        out.new_line(lb)
        for a, b in words:
            out.word(raw[a:b], box_of(a, b))
        pos = start + len(line) + 1
    text = out.text()
    from opis.ingest.build import script_language

    return PageText(text, image.width, image.height, "pdf-text", out.zones, language=script_language(text))
