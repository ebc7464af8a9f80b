"""Scans: page images read by OCR (Tesseract), PDF text layers, and HTR tools' output
(PAGE XML, ALTO), turned into the same `Record` a transcription becomes, plus `Page`s that
tie each stretch of text to a rectangle of its page image.

- `ocr`: an image → `PageText` with word and line zones (pytesseract `image_to_data`);
- `pdf`: a PDF's pages → its own text layer when it is good, else rendered and OCR'd;
- `htr`: PAGE XML and ALTO → `PageText`, regions in reading order;
- `pages`: `PageText`s → the record's text, `Page`s, `pb` spans, low-confidence suspects;
- `store`: the `pages` table (migration 0003): page rows and page images by sha256.
"""
