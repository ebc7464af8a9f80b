"""A PDF that carries a good text layer is read from it, not OCR'd."""

from __future__ import annotations

from opis.ingest.build import build_record
from opis.scan.pdf import good_text_layer

LINES = ["Memorandum of conversation with the Ambassador", "of the Korean Republic, dated March 14, 1957."]


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF written by hand: Helvetica text, no image."""
    ops = ["BT", "/F1 14 Tf", "72 720 Td", "18 TL"]
    for line in lines:
        ops.append("(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_text_layer_is_used_with_boxes(tmp_path):
    path = tmp_path / "typed.pdf"
    path.write_bytes(text_pdf(LINES))
    record = build_record(path, enrich=False)
    page = record.pages[0]
    assert page.method == "pdf-text"
    assert record.text == "\n".join(LINES)
    word = next(z for z in page.words() if record.text[z.start:z.end] == "Ambassador")
    # 72 pt from the left at 300 dpi is 300 px; the first line's baseline is 72 pt from the top
    assert 300 < word.x < page.width and 250 < word.y < 330


def test_junk_text_layers_are_not_good():
    assert not good_text_layer("")
    assert not good_text_layer("\ufffd" * 200 + "abc" * 20)
    assert good_text_layer(" ".join(LINES))
