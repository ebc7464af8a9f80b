"""Latin-script names in a search query → the Cyrillic forms to search for.

A reader types `Mikoyan`, `Kim Il Sung` or `Filippov`; the archive is in Russian. The
authority knows the English form, the transliterations and the Russian spellings of each
entry, so the search engine can OR them in. Only confident matches expand: an unknown
word expands to nothing, so ordinary English words never pull in names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from opis.entities.authority import Authority, default_authority
from opis.entities.normalize import compact, key

MAX_FORMS = 8


def _entries_for(words: str, auth: Authority):
    k = key(words)
    if not k or not re.search(r"[a-z]", k):
        return [], None
    hits = auth.index.get(k) or auth.index.get(compact(words)) or []
    if hits:
        return [h.entry for h in hits], k
    # one spelling away (Kruschev, Vyshinski): single long words only, strict threshold
    if " " not in k and len(k) >= 6:
        link = auth.link(words, type=None)
        if link is not None and link.method == "authority.fuzzy" and link.score >= 0.75:
            return [link.entry], k
    return [], None


@lru_cache(maxsize=4096)
def _expand_cached(words: str, auth_id: int) -> tuple[str, ...]:
    auth = default_authority()
    entries, k = _entries_for(words, auth)
    out: list[str] = []
    for e in entries:
        forms = e.cyrillic_forms()
        # the pseudonym or variant the query spelled goes first ("Filippov" -> "Филиппов")
        spelled = [f for f in forms if k and _translit_key(f) == k]
        for f in spelled + forms:
            if f not in out:
                out.append(f)
    return tuple(out[: MAX_FORMS * max(1, len(entries))])


def _translit_key(form: str) -> str:
    import iuliia

    return key(iuliia.WIKIPEDIA.translate(form))


def expand_latin(query_words: str, authority: Authority | None = None) -> list[str]:
    """Cyrillic forms for a Latin-script name or phrase; [] when the authority does not
    know it. `Mikoyan` -> ["Микоян"], `Filippov` -> ["Филиппов", "Сталин", ...]."""
    if authority is not None:
        entries, k = _entries_for(query_words, authority)
        out: list[str] = []
        for e in entries:
            for f in e.cyrillic_forms():
                if f not in out:
                    out.append(f)
        return out
    return list(_expand_cached(query_words.strip().lower(), id(default_authority())))
