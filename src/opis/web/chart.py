"""Documents per year as bar geometry for an inline SVG drawn by the template."""

from __future__ import annotations

from typing import Any


def year_bars(counts: list[tuple[int, int]], width: int = 640, height: int = 140,
              pad_bottom: int = 22, pad_top: int = 16) -> dict[str, Any]:
    """Bars (x, y, w, h) scaled to the largest year; labels every few years so they fit."""
    if not counts:
        return {"width": width, "height": height, "bars": [], "max": 0}
    top = max(n for _, n in counts) or 1
    slot = width / len(counts)
    bar_w = max(2.0, slot * 0.72)
    plot_h = height - pad_bottom - pad_top
    every = 1
    while slot * every < 34:
        every += 1
    bars = []
    for i, (year, n) in enumerate(counts):
        h = round(plot_h * n / top, 1) if n else 0
        x = round(i * slot + (slot - bar_w) / 2, 1)
        bars.append({
            "year": year, "count": n, "x": x, "w": round(bar_w, 1), "h": h,
            "y": round(pad_top + plot_h - h, 1),
            "cx": round(x + bar_w / 2, 1),
            "label": (i % every == 0) or i == len(counts) - 1 and every == 1,
        })
    return {"width": width, "height": height, "bars": bars, "max": top,
            "base": height - pad_bottom, "label_y": height - 6}
