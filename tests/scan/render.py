"""Typewritten-looking pages rendered here, never copied scans: text set in DejaVu Sans
Mono, then slightly rotated, blurred, speckled and stained, as an old carbon copy looks."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
DPI = 300
A4 = (int(8.27 * DPI), int(11.69 * DPI))

# A memorandum written for these tests (the people are real, the text is ours).
MEMO_PAGES = [
    """СЕКРЕТНО
Экз. № 2

ЦК КПСС

ЗАПИСКА

О беседе с послом КНДР в СССР

14 марта 1957 года

Посол КНДР Ли Сан Чо посетил Министерство
иностранных дел и передал просьбу правительства
республики о помощи в восстановлении
промышленных предприятий Пхеньяна.

Посол сообщил, что товарищ Ким Ир Сен
рассчитывает обсудить этот вопрос во время
предстоящей поездки делегации в Москву.
По его словам, первоочередной задачей
остается строительство жилых домов и
ремонт железных дорог.""",
    """- 2 -

Я ответил послу, что его просьба будет
доложена руководству и рассмотрена в
установленном порядке.

Посол также спросил, сможет ли товарищ
Микоян принять делегацию в начале апреля.
Я обещал выяснить этот вопрос и сообщить
ответ через посольство.

В беседе присутствовал советник
посольства Пак Ден Сик.""",
    """- 3 -

Считаю целесообразным поручить
Госплану СССР подготовить предложения
по существу просьбы корейских друзей.

Заместитель министра иностранных дел СССР

Н. Федоренко""",
]


def memo_text() -> str:
    return "\n\n".join(MEMO_PAGES)


def render_page(text: str, seed: int = 0, angle: float = 0.6, size: int = 42) -> Image.Image:
    """One degraded page; `seed` makes the noise repeatable."""
    rnd = random.Random(seed)
    page = Image.new("L", A4, 250)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), size)
    y = 260
    for line in text.split("\n"):
        x = 300
        for ch in line:  # uneven strike, as a worn ribbon gives
            draw.text((x, y + rnd.choice((0, 0, 1))), ch, font=font, fill=rnd.randint(20, 70))
            x += font.getlength(ch)
        y += int(size * 1.9)
    # stains: a few pale blotches
    stain = Image.new("L", A4, 0)
    sd = ImageDraw.Draw(stain)
    for _ in range(3):
        cx, cy, r = rnd.randint(0, A4[0]), rnd.randint(0, A4[1]), rnd.randint(80, 220)
        sd.ellipse((cx - r, cy - r, cx + r, cy + r), fill=45)
    stain = stain.filter(ImageFilter.GaussianBlur(40))
    page = Image.eval(Image.merge("L", [page]), lambda v: v)
    page = Image.composite(Image.new("L", A4, 200), page, stain.point(lambda v: v * 2))
    page = page.rotate(angle if seed % 2 == 0 else -angle, resample=Image.BICUBIC, fillcolor=250)
    page = page.filter(ImageFilter.GaussianBlur(1.1))
    # speckle
    px = page.load()
    for _ in range(4000):
        px[rnd.randrange(A4[0]), rnd.randrange(A4[1])] = rnd.choice((30, 120, 255))
    return page


def memo_images() -> list[Image.Image]:
    return [render_page(t, seed=i) for i, t in enumerate(MEMO_PAGES)]


def image_pdf(images: list[Image.Image]) -> bytes:
    """A PDF holding only images (no text layer), as a scanner makes."""
    buf = io.BytesIO()
    rgb = [im.convert("RGB") for im in images]
    rgb[0].save(buf, "PDF", resolution=DPI, save_all=True, append_images=rgb[1:])
    return buf.getvalue()


def image_bytes(image: Image.Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt)
    return buf.getvalue()
