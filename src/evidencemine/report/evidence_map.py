"""The evidence map: outcome domains (columns) × programmes (rows). A marker sits where a
programme has outcomes in a domain; its colour is the programme's evidence rating and the
number in it (and its size) the number of distinct studies supporting those outcomes."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from evidencemine.export.tables import get_path

# Colour-blind-safe blues, dark enough for white text on the two darkest (contrast >= 4.5).
RATING_COLOURS = (
    ("4", "#08306b", "#ffffff"),
    ("3", "#2166ac", "#ffffff"),
    ("2", "#92c5de", "#000000"),
    ("NL2", "#e0e0e0", "#000000"),
    ("none", "#ffffff", "#000000"),
)
NO_DOMAIN = "Outcome domain not stated"


def rating_band(record: dict[str, Any]) -> str:
    evidence = get_path(record, "programme.ratings.evidence") or {}
    if evidence.get("not_level_2"):
        return "NL2"
    level = evidence.get("level")
    if level is None:
        return "none"
    return str(min(max(int(level), 2), 4))


def _cells(records: list[dict[str, Any]]) -> tuple[list[str], dict[tuple[str, str], int]]:
    """Domains in first-seen order, and (programme id, domain) -> distinct supporting studies."""
    domains: list[str] = []
    studies: dict[tuple[str, str], set[int]] = {}
    for record in records:
        for outcome in get_path(record, "programme.child_outcomes") or []:
            domain = outcome.get("domain") or NO_DOMAIN
            if domain not in domains:
                domains.append(domain)
            studies.setdefault((record["id"], domain), set()).update(outcome.get("studies") or [])
    return domains, {key: len(value) for key, value in studies.items()}


def map_summary(records: list[dict[str, Any]]) -> str:
    """A text equivalent of the map (its alt text)."""
    domains, cells = _cells(records)
    if not cells:
        return "Evidence map: no programme lists outcomes by domain."
    names = {r["id"]: r["programme"]["name"] for r in records}
    parts = [
        f"{names[pid]}: {domain} ({n} {'study' if n == 1 else 'studies'})"
        for (pid, domain), n in cells.items()
    ]
    return (
        f"Evidence map of {len({pid for pid, _ in cells})} programmes across "
        f"{len(domains)} outcome domains. " + "; ".join(parts) + "."
    )


def evidence_map_svg(records: list[dict[str, Any]], href: Callable[[str], str]) -> str:
    domains, cells = _cells(records)
    rows = sorted(
        (r for r in records if any((r["id"], d) in cells for d in domains)),
        key=lambda r: r["programme"]["name"].lower(),
    )
    label_w, col_w, row_h, legend_h = 300, 120, 34, 70
    header_lines = [textwrap.wrap(d, 18)[:4] for d in domains]
    header_h = 20 + 16 * max((len(lines) for lines in header_lines), default=1)
    width = max(label_w + col_w * max(len(domains), 1) + 20, 760)  # the legend's width
    height = header_h + row_h * max(len(rows), 1) + legend_h
    colours = {band: (fill, ink) for band, fill, ink in RATING_COLOURS}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="map-title map-desc" font-family="system-ui, sans-serif" font-size="13">',
        '<title id="map-title">Evidence map: outcome domains by programme</title>',
        f'<desc id="map-desc">{escape(map_summary(records))}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for i, lines in enumerate(header_lines):
        x = label_w + col_w * i + col_w / 2
        out.append(f'<text x="{x}" y="16" text-anchor="middle" font-weight="600" fill="#1a1a1a">')
        out += [
            f'<tspan x="{x}" dy="{0 if k == 0 else 16}">{escape(line)}</tspan>'
            for k, line in enumerate(lines)
        ]
        out.append("</text>")
    for j, record in enumerate(rows):
        y = header_h + row_h * j
        if j % 2 == 0:
            out.append(f'<rect x="0" y="{y}" width="{width}" height="{row_h}" fill="#f3f6f9"/>')
        name = record["programme"]["name"]
        short = name if len(name) <= 38 else name[:36] + "…"
        rating = get_path(record, "programme.ratings.evidence.label") or "no rating"
        out.append(
            f"<a xlink:href={quoteattr(href(record['id']))} href={quoteattr(href(record['id']))}>"
            f'<text x="8" y="{y + row_h / 2 + 5}" fill="#0b4f8a" text-decoration="underline">'
            f"{escape(short)}<title>{escape(name)} (evidence rating {escape(rating)})</title>"
            "</text></a>"
        )
        fill, ink = colours[rating_band(record)]
        for i, domain in enumerate(domains):
            n = cells.get((record["id"], domain))
            if n is None:
                continue
            cx, cy = label_w + col_w * i + col_w / 2, y + row_h / 2
            r = min(10 + 2 * n, 15)
            out.append(
                f"<g><title>{escape(name)}: {escape(domain)}, rating {escape(rating)}, "
                f"{n} {'study' if n == 1 else 'studies'}</title>"
                f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{fill}" stroke="#1a1a1a"/>'
                f'<text x="{cx}" y="{cy + 4.5}" text-anchor="middle" fill="{ink}" '
                f'font-weight="700">{n}</text></g>'
            )
    y = header_h + row_h * max(len(rows), 1) + 24
    out.append(f'<text x="8" y="{y}" fill="#1a1a1a" font-weight="600">Evidence rating:</text>')
    x = 140
    legend = {"none": "no rating", "2": "2 or 2+", "3": "3 or 3+", "4": "4 or 4+"}
    for band, fill, _ink in RATING_COLOURS:
        label = legend.get(band, band)
        out.append(f'<circle cx="{x}" cy="{y - 4}" r="9" fill="{fill}" stroke="#1a1a1a"/>')
        out.append(f'<text x="{x + 14}" y="{y}" fill="#1a1a1a">{escape(label)}</text>')
        x += 24 + 8 * len(label) + 16
    out.append(
        f'<text x="8" y="{y + 26}" fill="#1a1a1a">The number in a marker is the number of '
        "studies supporting the programme's outcomes in that domain.</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
