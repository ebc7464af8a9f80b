"""What every reader of a page (OCR, PDF text layer, PAGE, ALTO) hands on: the page's text
and the zones of its image that the text was read from, offsets relative to that text."""

from __future__ import annotations

from dataclasses import dataclass, field

from opis.model import Zone


@dataclass(slots=True)
class PageText:
    text: str
    width: int
    height: int
    method: str
    zones: list[Zone] = field(default_factory=list)
    language: str | None = None
    image_name: str | None = None  # the image a PAGE/ALTO file names

    def mean_confidence(self) -> float | None:
        confs = [z.conf for z in self.zones if z.kind == "word" and z.conf is not None]
        return sum(confs) / len(confs) if confs else None


class TextBuilder:
    """Appends words, lines and blocks, recording each one's offsets as it goes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.zones: list[Zone] = []
        self._line_start: int | None = None
        self._line_box: tuple[int, int, int, int] | None = None
        self._pending = ""

    def _put(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def new_block(self) -> None:
        self.end_line()
        if self.length:
            self._pending = "\n\n"

    def new_line(self, box: tuple[int, int, int, int] | None = None) -> None:
        self.end_line()
        if self.length and not self._pending:
            self._pending = "\n"
        self._line_box = box

    def word(self, text: str, box: tuple[int, int, int, int] | None, conf: float | None = None) -> None:
        text = " ".join(text.split())
        if not text:
            return
        if self._line_start is None:
            self._put(self._pending)
            self._pending = ""
            self._line_start = self.length
        else:
            self._put(" ")
        start = self.length
        self._put(text)
        if box is not None:
            self.zones.append(Zone(start, self.length, *box, kind="word", conf=conf))

    def end_line(self) -> None:
        if self._line_start is not None and self._line_box is not None:
            self.zones.append(Zone(self._line_start, self.length, *self._line_box, kind="line"))
        self._line_start = None
        self._line_box = None

    def text(self) -> str:
        self.end_line()
        return "".join(self.parts)


def bbox(points: list[tuple[float, float]]) -> tuple[int, int, int, int]:
    """The upright rectangle (x, y, w, h) around a polygon."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x, y = int(min(xs)), int(min(ys))
    return x, y, max(1, int(max(xs)) - x), max(1, int(max(ys)) - y)
