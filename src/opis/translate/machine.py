"""Machine translation plug-ins: Argos Translate (offline, when a language model is
installed) and any LibreTranslate-compatible HTTP service.

A backend translates a list of paragraphs. `translate_document` sends the reading
layer's paragraphs one by one and joins the results, so translation paragraph n is the
translation of original paragraph n and the alignment is exact by construction. The layer
is labelled `method: machine` with the engine's name, which the web page, citations and
TEI repeat. With no backend available opis says why, in one sentence, and carries on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, Sequence

from opis.model import Document, Record
from opis.translate.align import paragraph_spans
from opis.translate.layers import MACHINE, make_layer, set_layer, store_alignment

_BLANK = re.compile(r"\n[ \t]*\n\s*")
EMPTY = "[no translation]"


class Unavailable(Exception):
    """No machine translation can be made; the message says why and what would help."""


class Backend(Protocol):
    name: str

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]: ...


@dataclass
class ArgosBackend:
    """Argos Translate with an installed model for the language pair; opis never
    downloads models (install one with `argospm install translate-ru_en`)."""

    name: str = "Argos Translate"

    @staticmethod
    def check(source: str, target: str) -> None:
        """Raise Unavailable unless Argos Translate and a model for the pair are installed."""
        try:
            from argostranslate import translate as argos  # type: ignore[import-not-found]
        except ImportError:
            raise Unavailable("Argos Translate is not installed (pip install argostranslate, then install "
                              f"a {source}→{target} model with argospm)") from None
        langs = {lang.code: lang for lang in argos.get_installed_languages()}
        if source not in langs or target not in langs or langs[source].get_translation(langs[target]) is None:
            raise Unavailable(f"Argos Translate is installed but has no {source}→{target} model "
                              f"(argospm install translate-{source}_{target}); opis does not download models")

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.check(source, target)
        from argostranslate import translate as argos  # type: ignore[import-not-found]

        return [argos.translate(t, source, target) for t in texts]


@dataclass
class LibreTranslateBackend:
    """A LibreTranslate-compatible service: POST /translate with q, source, target,
    format (and api_key if given) answering {"translatedText": ...}."""

    url: str
    api_key: str | None = None
    timeout: float = 60.0

    @property
    def name(self) -> str:
        return f"LibreTranslate ({self.url.rstrip('/')})"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        import httpx

        endpoint = self.url.rstrip("/") + "/translate"
        out = []
        try:
            with httpx.Client(timeout=self.timeout) as client:
                for text in texts:
                    body = {"q": text, "source": source, "target": target, "format": "text"}
                    if self.api_key:
                        body["api_key"] = self.api_key
                    r = client.post(endpoint, json=body)
                    if r.status_code != 200:
                        detail = ""
                        try:
                            detail = str(r.json().get("error", ""))
                        except ValueError:
                            pass
                        raise Unavailable(f"the translation service at {self.url} answered {r.status_code}"
                                          + (f": {detail}" if detail else ""))
                    try:
                        out.append(str(r.json()["translatedText"]))
                    except (ValueError, KeyError, TypeError):
                        raise Unavailable(f"the service at {self.url} did not answer like LibreTranslate "
                                          "(no translatedText)") from None
        except httpx.HTTPError as exc:
            raise Unavailable(f"the translation service at {self.url} cannot be reached ({exc})") from None
        return out


def choose_backend(url: str | None = None, source: str = "ru", target: str = "en",
                   api_key: str | None = None) -> Backend:
    """The HTTP service when a URL is given, else Argos Translate when it can translate
    the pair; raises Unavailable saying why neither can."""
    if url:
        return LibreTranslateBackend(url, api_key)
    try:
        ArgosBackend.check(source, target)
    except Unavailable as exc:
        raise Unavailable(f"no machine translation is available: {exc}; or give the URL of a "
                          "LibreTranslate-compatible service (--url)") from None
    return ArgosBackend()


def _one_paragraph(text: str) -> str:
    text = _BLANK.sub("\n", text.strip())
    return text or EMPTY


def translate_document(doc: Document, backend: Backend, target: str = "en",
                       source: str | None = None) -> bool:
    """Give `doc` a machine translation into `target`, paragraph by paragraph; False when
    there is nothing to translate (already in the target language, or no text)."""
    source = source or doc.language or "ru"
    if source == target:
        return False
    spans = paragraph_spans(doc.reading.text)
    if not spans:
        return False
    done = backend.translate([doc.reading.text[s:e] for s, e in spans], source, target)
    if len(done) != len(spans):
        raise Unavailable(f"{backend.name} gave {len(done)} paragraphs for {len(spans)}")
    text = "\n\n".join(_one_paragraph(t) for t in done) + "\n"
    layer = set_layer(doc, make_layer(text, target, method=MACHINE, engine=backend.name, source="machine"))
    store_alignment(doc, layer, [((i,), (i,)) for i in range(len(spans))], origin=MACHINE,
                    method="machine:per-paragraph")
    return True


def translate_record(record: Record, backend: Backend, target: str = "en", replace: bool = False) -> int:
    """Machine-translate the documents of a record that have no translation into `target`
    (or every one, with `replace`: a human translation is never replaced); returns how
    many were translated."""
    from opis.translate.layers import is_machine, translation

    n = 0
    for doc in record.documents:
        existing = translation(doc, target)
        if existing is not None and (not replace or not is_machine(existing)):
            continue
        n += translate_document(doc, backend, target)
    return n
