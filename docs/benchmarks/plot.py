#!/usr/bin/env python3
"""Draws a sitting's throughput and p99 per system as an SVG, with python3's standard library only.

    docs/benchmarks/plot.py [docs/benchmarks/sitting.csv [docs/benchmarks/sitting.svg]]

The CSV has the columns system, connections, orders_per_s, p99_ms (empty where not recorded);
lines starting with # are comments. Each system gets one bar per connection count.
"""
import csv
import sys
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"]


def read(path):
    rows = [line for line in Path(path).read_text().splitlines() if line and not line.startswith("#")]
    data = {}
    for row in csv.DictReader(rows):
        p99 = row["p99_ms"].strip()
        data.setdefault(row["system"], {})[int(row["connections"])] = (
            float(row["orders_per_s"]),
            float(p99) if p99 else None,
        )
    return data


def panel(data, connections, index, title, unit, x0, width, top, height):
    """One horizontal bar chart: a group of bars per system, one bar per connection count."""
    values = [v[index] for per in data.values() for v in per.values() if v[index] is not None]
    scale = (width - 240) / (max(values) * 1.1)
    group = height / len(data)
    bar = (group - 8) / len(connections)
    out = [f'<text x="{x0}" y="{top - 12}" font-weight="bold">{escape(title)}</text>']
    for g, (system, per) in enumerate(data.items()):
        y = top + g * group
        out.append(f'<text x="{x0}" y="{y + group / 2 + 4:.1f}">{escape(system)}</text>')
        for c, conns in enumerate(connections):
            value = per.get(conns, (None, None))[index]
            by = y + c * bar
            if value is None:
                out.append(f'<text x="{x0 + 150}" y="{by + bar - 3:.1f}" fill="#777">not recorded</text>')
                continue
            length = value * scale
            out.append(
                f'<rect x="{x0 + 150}" y="{by:.1f}" width="{length:.1f}" height="{bar - 2:.1f}" '
                f'fill="{COLOURS[c % len(COLOURS)]}"/>'
            )
            out.append(f'<text x="{x0 + 154 + length:.1f}" y="{by + bar - 3:.1f}">{value:,.0f} {unit}</text>')
    return out


def main():
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "sitting.csv"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else source.with_suffix(".svg")
    data = read(source)
    connections = sorted({c for per in data.values() for c in per})
    width, panel_width, top = 1000, 480, 60
    height = 34 * len(data) + 20
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + height + 50}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{top + height + 50}" fill="white"/>',
    ]
    svg += panel(data, connections, 0, "orders/s (higher is better)", "/s", 10, panel_width, top, height)
    svg += panel(data, connections, 1, "p99 latency (lower is better)", "ms", 510, panel_width, top, height)
    legend_y = top + height + 25
    for c, conns in enumerate(connections):
        x = 10 + c * 150
        svg.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{COLOURS[c % len(COLOURS)]}"/>')
        svg.append(f'<text x="{x + 18}" y="{legend_y}">{conns} connections</text>')
    svg.append("</svg>")
    target.write_text("\n".join(svg) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
