"""Bar charts drawn on the server as SVG (no script, no CDN): one horizontal bar a value.

Every label is escaped; sizes are computed here, so the chart is the same in every browser
and prints as it shows. Used by the statistics page (routes_review.py).
"""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_H, GAP, LABEL_W, BAR_W, VALUE_W = 22, 6, 260, 360, 150
# What fits in LABEL_W at 13 px, capitals and marks included (36 cut the first letter of
# "Tòa án nhân dân huyện Trảng Bom tỉnh…"); longer labels are cut, whole in the tooltip.
LABEL_CHARS = 34


def _fit(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(title: str, bars: list[tuple[str, float]], fmt: str = "{:,.0f}") -> Markup:
    """An accessible SVG bar chart of (label, value) pairs, largest value the full width."""
    top = max((v for _, v in bars), default=0) or 1
    height = max(1, len(bars)) * (BAR_H + GAP) + GAP
    width = LABEL_W + BAR_W + VALUE_W
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(bars):
        y = GAP + i * (BAR_H + GAP)
        w = round(BAR_W * value / top, 1)
        shown = fmt.format(value).replace(",", ".")
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + BAR_H * 0.7:.0f}" text-anchor="end" '
            f'class="label">{escape(_fit(label))}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" class="bar">'
            f"<title>{escape(label)}: {escape(shown)}</title></rect>"
            f'<text x="{LABEL_W + w + 6}" y="{y + BAR_H * 0.7:.0f}" class="value">'
            f"{escape(shown)}</text>"
        )
    if not bars:
        parts.append(f'<text x="{LABEL_W}" y="{BAR_H}" class="value">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
