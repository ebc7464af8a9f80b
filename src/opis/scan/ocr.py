"""Tesseract OCR of one page image, keeping every word's box and confidence.

The language is Tesseract's (`rus`, `eng`, `rus+eng`); "auto" reads with `rus+eng` and,
when the result is mostly Latin script, reads again with `eng` alone and keeps the reading
Tesseract is surer of.
"""

from __future__ import annotations

import os

from PIL import Image

from opis.scan.text import PageText, TextBuilder

DEFAULT_LANGUAGE = "auto"
_ISO = {"rus": "ru", "eng": "en"}


def ocr_language(collection: str = "default") -> str:
    """Per collection from $OPIS_OCR_LANG ("rus+eng" for all, or "letters=eng,default=auto")."""
    setting = os.environ.get("OPIS_OCR_LANG", "").strip()
    if not setting:
        return DEFAULT_LANGUAGE
    if "=" not in setting:
        return setting
    pairs = dict(p.split("=", 1) for p in setting.split(",") if "=" in p)
    return pairs.get(collection, pairs.get("default", DEFAULT_LANGUAGE)).strip()


def prepare(image: Image.Image) -> Image.Image:
    """Grey scale with isolated specks removed (a 3x3 median), which scanner dust and
    worn carbon copies leave and Tesseract reads as full stops and commas."""
    from PIL import ImageFilter

    if image.mode not in ("L", "RGB"):
        image = image.convert("L" if image.mode in ("1", "I", "I;16", "F", "LA") else "RGB")
    return image.convert("L").filter(ImageFilter.MedianFilter(3))


def ocr_image(image: Image.Image, language: str = DEFAULT_LANGUAGE) -> PageText:
    if language == "auto":
        first = _ocr(image, "rus+eng")
        from opis.ingest.build import script_language

        if script_language(first.text) == "en":
            second = _ocr(image, "eng")
            if (second.mean_confidence() or 0) > (first.mean_confidence() or 0):
                return second
        return first
    return _ocr(image, language)


def _ocr(image: Image.Image, language: str) -> PageText:
    import pytesseract

    image = prepare(image)
    data = pytesseract.image_to_data(image, lang=language, output_type=pytesseract.Output.DICT)
    out = TextBuilder()
    block = None
    for i, level in enumerate(data["level"]):
        key_block = (data["block_num"][i], data["par_num"][i])
        box = (data["left"][i], data["top"][i], data["width"][i], data["height"][i])
        if level == 4:
            if key_block != block:
                out.new_block()
                block = key_block
            out.new_line(box)
        elif level == 5 and data["text"][i].strip():
            conf = float(data["conf"][i])
            out.word(data["text"][i], box, conf / 100 if conf >= 0 else None)
    text = out.text()
    from opis.ingest.build import script_language

    lang = script_language(text)
    return PageText(text, image.width, image.height, "tesseract", out.zones,
                    language=lang or _ISO.get(language))
