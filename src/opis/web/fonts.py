"""Copy the DejaVu Serif files (and their licence) from Debian's fonts-dejavu-core into
the package's static/fonts, so the archive can ship them to readers without any CDN.

DejaVu's licence (Bitstream Vera terms plus public-domain changes) allows redistribution,
also bundled with software. Run once at setup: `python -m opis.web.fonts`. Without the
copy, `/fonts/...` is served from the system folder, and without either the pages fall back
to the local font stack (Georgia, DejaVu Serif, Noto Serif, serif).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

SYSTEM = Path("/usr/share/fonts/truetype/dejavu")
LICENSE = Path("/usr/share/doc/fonts-dejavu-core/copyright")
TARGET = Path(__file__).parent / "static" / "fonts"
FILES = ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf")


def install_fonts(source: Path = SYSTEM, target: Path = TARGET) -> list[Path]:
    """Copy the fonts that exist (with the licence); returns the files copied."""
    found = [source / name for name in FILES if (source / name).is_file()]
    if not found:
        return []
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for f in found:
        shutil.copy2(f, target / f.name)
        copied.append(target / f.name)
    if LICENSE.is_file():
        shutil.copy2(LICENSE, target / "LICENSE-DejaVu.txt")
    return copied


if __name__ == "__main__":
    done = install_fonts()
    print(f"copied {len(done)} font file(s) to {TARGET}" if done else
          f"no DejaVu Serif in {SYSTEM}: install fonts-dejavu-core; pages use local fonts meanwhile")
    sys.exit(0)
