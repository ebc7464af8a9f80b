"""People, organisations and places: the authority file, name normalisation, NER, linking.

- `authority`: `load_authority`, `default_authority`, `lookup`, `Authority.link` → `Link`
- `names`: `nominative`, `split_addressees`, `initials_of`, `clean`
- `ner`: `recognize(doc)` → `Mention`s on the reading layer
- `suspects`: `find_suspects(doc)` → OCR `Suspect`s with suggestions
- `search_expand`: `expand_latin("Kim Il Sung")` → Cyrillic forms
- `evaluate`: `evaluate_entities(gold, root)` and `entities_report` for `opis eval`
"""
