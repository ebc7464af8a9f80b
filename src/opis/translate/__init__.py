"""Translations as parallel texts: a translation is a layer `translation:<lang>` of the
document it translates, with its paragraphs aligned to the reading layer's.

- `layers`: making, finding and describing translation layers; the editor's API
  (add a translation, replace an alignment).
- `align`: paragraph alignment by length and shared anchors (numbers, dates, names).
- `pairing`: translations found at ingest (a `name.en.txt` beside `name.txt`, or a
  published record holding the original followed by its translation).
- `machine`: machine translation plug-ins (Argos Translate, LibreTranslate over HTTP).
- `view`, `tei`, `evaluate`: the side-by-side page, TEI output, alignment scores.
"""
