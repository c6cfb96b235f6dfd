"""Draw latency against concurrency (p50 and p95) from a ``bench.py`` JSON result, as a small SVG.

.venv/bin/python bench/chart.py bench/results/latest.json bench/latency-vs-concurrency.svg
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

W, H, PAD = 640, 360, 56


def svg(curve: list[dict[str, float]]) -> str:
    xs = [p["clients"] for p in curve]
    top = max(max(p["p95"] for p in curve), 1.0) * 1.1
    right = max(max(p["rps"] for p in curve), 1.0) * 1.1

    def x(i: int) -> float:
        return PAD + i * (W - 2 * PAD) / max(1, len(xs) - 1)

    def y(value: float, scale: float) -> float:
        return H - PAD - value / scale * (H - 2 * PAD)

    def line(key: str, scale: float, colour: str) -> str:
        points = " ".join(f"{x(i):.1f},{y(p[key], scale):.1f}" for i, p in enumerate(curve))
        return f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>',
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="black"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{H - PAD}" stroke="black"/>',
        f'<text x="{W / 2}" y="{H - 16}" text-anchor="middle">clients (new questions)</text>',
        f'<text x="14" y="{H / 2}" transform="rotate(-90 14 {H / 2})" '
        'text-anchor="middle">latency, ms</text>',
        f'<text x="{W - 10}" y="{H / 2}" transform="rotate(90 {W - 10} {H / 2})" text-anchor="middle">'
        "requests/s (grey)</text>",
        line("p50", top, "#1f77b4"),
        line("p95", top, "#d62728"),
        line("rps", right, "#999999"),
        f'<text x="{PAD + 8}" y="{PAD - 8}" fill="#1f77b4">p50</text>',
        f'<text x="{PAD + 48}" y="{PAD - 8}" fill="#d62728">p95</text>',
    ]
    for i, p in enumerate(curve):
        parts.append(f'<text x="{x(i):.1f}" y="{H - PAD + 16}" text-anchor="middle">{p["clients"]}</text>')
        parts.append(
            f'<text x="{x(i):.1f}" y="{y(p["p50"], top) - 6:.1f}" text-anchor="middle">{p["p50"]:.0f}</text>'
        )
    for k in range(5):
        value = top * k / 4
        parts.append(f'<text x="{PAD - 6}" y="{y(value, top) + 4:.1f}" text-anchor="end">{value:.0f}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    curve = json.loads(source.read_text())["curve"]
    target.write_text(svg(curve), encoding="utf-8")


if __name__ == "__main__":
    main()
