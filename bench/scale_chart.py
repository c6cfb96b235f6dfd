"""The growth chart: each figure of bench/scale.py against the number of passages, log-log, as SVG.

One small panel per figure, both axes logarithmic with a grid line per power of ten (and
at 2 and 5 within a decade when the range is narrow), a dotted line of slope 1 from the
smallest corpus for reference (a cost that grows in proportion to the corpus), so a
figure that is flat, proportional or worse shows at a glance.  Plain SVG, no plotting
library (the same approach as bench/chart.py).  Redraw from a results file:

    .venv/bin/python bench/scale_chart.py bench/results/scale-latest.json bench/growth.svg
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Figure = tuple[str, str, Callable[[dict[str, Any]], Any]]
"""A figure of a result row: its name, its unit and how to read it from the row."""

FIGURES: tuple[Figure, ...] = (
    ("ingest wall time", "s", lambda r: r["ingest"]["seconds"]),
    ("ingest peak RSS (tree)", "MiB", lambda r: r["ingest"]["peak_rss_mib"]),
    ("index on disk per passage", "KB", lambda r: round(r["disk"]["bytes_per_passage"] / 1000, 1)),
    ("ready after start", "s", lambda r: r["service"]["ready_s"]),
    ("service RSS after load", "MiB", lambda r: r["service"]["rss_mib"]),
    ("sequential /ask p50, new questions", "ms", lambda r: r["service"]["seq_p50_ms"]),
    ("throughput, 8 clients, new questions", "req/s", lambda r: r["service"]["rps"]),
    ("held-out Hit@1", "", lambda r: round(r["quality"]["hit@1"], 3)),
)
"""What the growth bench reports for every size, in the table and the chart."""

CAPTION = "passages indexed; both axes logarithmic; dotted: what grows in proportion to the corpus"
COLS, PANEL_W, PANEL_H, PAD_L, PAD_B, PAD_T = 4, 250, 200, 52, 36, 28


def _ticks(low: float, high: float) -> list[float]:
    """Tick values on a log axis from ``low`` to ``high``: powers of ten, with 2 and 5 if few decades."""
    steps = (1.0, 2.0, 5.0) if math.log10(high / low) < 2.5 else (1.0,)
    ticks = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        ticks += [s * 10**exponent for s in steps if low <= s * 10**exponent <= high]
    return ticks or [low, high]


def _label(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def _value(value: float) -> str:
    """A point's label: whole numbers from 100 up, else three significant digits."""
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


def _bounds(values: Sequence[float]) -> tuple[float, float]:
    """A log range around the values, at least a factor of 4 wide, with a margin on both sides."""
    low, high = min(values), max(values)
    centre = math.sqrt(low * high)
    if high / low < 4:
        low, high = centre / 2, centre * 2
    return low / 1.15, high * 1.15


def _line(x1: float, y1: float, x2: float, y2: float, style: str = 'stroke="#eee"') -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style}/>'


def _text(x: float, y: float, text: str, style: str = 'text-anchor="middle"') -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" {style}>{text}</text>'


def panel(title: str, xs: list[float], ys: list[float], x0: float, y0: float) -> list[str]:
    """One log-log panel at (x0, y0): the figure's points joined, a slope-1 reference, ticks."""
    width, height = PANEL_W - PAD_L - 12, PANEL_H - PAD_B - PAD_T
    left, top, bottom = x0 + PAD_L, y0 + PAD_T, y0 + PAD_T + height
    xlow, xhigh = _bounds(xs)
    ylow, yhigh = _bounds(ys)

    def px(v: float) -> float:
        return left + (math.log10(v) - math.log10(xlow)) / math.log10(xhigh / xlow) * width

    def py(v: float) -> float:
        return bottom - (math.log10(v) - math.log10(ylow)) / math.log10(yhigh / ylow) * height

    out = [
        _text(left + width / 2, y0 + 16, title, 'text-anchor="middle" font-weight="bold"'),
        f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="#444"/>',
    ]
    for t in _ticks(xlow, xhigh):
        out += [_line(px(t), top, px(t), bottom), _text(px(t), bottom + 14, _label(t))]
    for t in _ticks(ylow, yhigh):
        out += [
            _line(left, py(t), left + width, py(t)),
            _text(left - 4, py(t) + 4, _label(t), 'text-anchor="end"'),
        ]
    # slope 1 from the first point, clipped to the panel: what growing with the corpus looks like
    x_end = min(xhigh, xs[0] * yhigh / ys[0])
    if x_end > xs[0]:
        y_end = ys[0] * x_end / xs[0]
        out.append(_line(px(xs[0]), py(ys[0]), px(x_end), py(y_end), 'stroke="#999" stroke-dasharray="3,3"'))
    points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys, strict=True))
    out.append(f'<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="{points}"/>')
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="#1f77b4"/>')
        anchor = "end" if i == len(xs) - 1 else "start"  # the last label stays inside the panel
        out.append(
            _text(
                px(x) + (-5 if anchor == "end" else 5),
                py(y) - 7,
                _value(y),
                f'fill="#1f77b4" text-anchor="{anchor}"',
            )
        )
    return out


def svg(rows: list[dict[str, Any]], figures: Sequence[Figure]) -> str:
    """Every figure that has a positive value at each size, one panel each, four to a row."""
    ordered = sorted((r for r in rows if "service" in r), key=lambda r: r["disk"]["passages"])
    xs = [float(r["disk"]["passages"]) for r in ordered]
    drawable = []
    for name, unit, get in figures:
        ys = [get(r) for r in ordered]
        if all(isinstance(y, int | float) and y > 0 for y in ys):
            drawable.append((f"{name}, {unit}" if unit else name, [float(y) for y in ys]))
    rows_n = max(1, math.ceil(len(drawable) / COLS))
    width, height = COLS * PANEL_W, rows_n * PANEL_H + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="10">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        _text(width / 2, height - 12, CAPTION, 'text-anchor="middle" font-size="12"'),
    ]
    for i, (title, ys) in enumerate(drawable):
        parts += panel(title, xs, ys, (i % COLS) * PANEL_W, (i // COLS) * PANEL_H)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_chart(rows: list[dict[str, Any]], target: Path, figures: Sequence[Figure] = FIGURES) -> None:
    """Draw the chart when at least two sizes were measured whole (a single point is no growth)."""
    if sum(1 for r in rows if "service" in r) < 2:
        return
    target.write_text(svg(rows, figures), encoding="utf-8")


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    write_chart(json.loads(source.read_text())["rows"], target)


if __name__ == "__main__":
    main()
