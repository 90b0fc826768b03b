"""Charts of a report, drawn with matplotlib and returned as SVG text.

Every chart is a function ``report -> Optional[Chart]`` that reads the
``report.json`` dictionary only and returns ``None`` when the report holds no
data for it (a renderer then writes one sentence instead of a picture).

Conventions
-----------
* One style for every chart (:data:`STYLE`): the Okabe–Ito colour-blind-safe
  palette (Okabe & Ito 2008, "Color Universal Design"), the perceptually
  uniform, colour-blind-safe ``cividis`` map for continuous scales, 9–10 pt
  fonts, labelled axes with units.
* Figures are :class:`matplotlib.figure.Figure` objects rendered by the SVG
  backend's canvas directly: pyplot and its global figure registry are never
  used, and the style is applied through :func:`matplotlib.rc_context`, which
  restores the caller's settings on exit.
* Byte-identical output for the same report: a fixed ``svg.hashsalt`` per
  chart (so element ids are stable and differ between charts embedded in one
  page), no ``Date`` in the metadata, text kept as ``<text>`` elements.
* Legible with many items: bar charts grow in height with the number of rows;
  per-product charts are drawn for the :data:`PRODUCT_CHART_LIMIT` riskiest
  products only (the renderers say which were left out).
"""

from __future__ import annotations

import functools
import io
import json
import math
import re
from dataclasses import dataclass
from typing import Iterable, Optional

import matplotlib
from matplotlib import cm, colors, lines, patches
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from riskmap import gcpause
from riskmap.report.ranking import ci_of, is_at_risk, mean_of, network_items, rank_products

#: Okabe–Ito palette.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"
LIGHT_GREY = "#EEEEEE"

#: continuous colour map for REI and backorder probability.
COLORMAP = "cividis"

#: per-product charts (fan charts) are drawn for this many riskiest products.
PRODUCT_CHART_LIMIT = 12
#: disruption windows drawn over a fan chart (the assumptions table lists all).
WINDOW_LIMIT = 12
#: rows in one bar chart before the rest are left out (the tables list all).
BAR_LIMIT = 60

#: matplotlib settings of every chart, applied inside :func:`matplotlib.rc_context`.
STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(
        color=[BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY_BLUE, YELLOW, BLACK]),
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "figure.dpi": 100,
}


@dataclass(frozen=True)
class Chart:
    """A rendered chart: a file-name stem, a text alternative and the SVG document."""

    name: str
    alt: str
    svg: str

    @property
    def inline_svg(self) -> str:
        """The ``<svg>`` element alone, for HTML, its element ids prefixed with the chart name.

        matplotlib numbers its groups ``figure_1``, ``axes_1``... in every
        document; in one HTML page those ids would repeat, so each is
        prefixed (and every ``#id`` reference with it).
        """
        start = self.svg.find("<svg")
        text = self.svg[start:] if start >= 0 else self.svg
        prefix = f"{self.name}-"
        text = _ID.sub(lambda m: f'{m.group(1)}="{prefix}{m.group(2)}"', text)
        return _REF.sub(lambda m: f"{m.group(1)}#{prefix}{m.group(2)}", text)


#: an element id, and a reference to one (``url(#x)``, ``href="#x"``).
_ID = re.compile(r'\b(id)="([^"]+)"')
_REF = re.compile(r'(url\(|href=")#([^)"]+)')


def render(fig: Figure, name: str, alt: str) -> Chart:
    """Serialise ``fig`` to deterministic SVG text."""
    buffer = io.StringIO()
    with matplotlib.rc_context({**STYLE, "svg.hashsalt": f"riskmap-{name}"}):
        canvas = FigureCanvasSVG(fig)
        dpi = fig.dpi
        _fix_layout(fig)
        # laying out prints to a throw-away renderer, which leaves the figure
        # at the SVG backend's 72 dpi; raster parts (colour bars) use the
        # figure's dpi, as savefig() would
        fig.dpi = dpi
        # savefig() would draw the figure once more without output before the
        # real draw; with the layout fixed that pass is not needed. (A "tight"
        # bounding box would add another: constrained layout already fits
        # labels inside the figure.)
        canvas.print_svg(buffer, metadata={"Date": None})
    return Chart(name=name, alt=alt, svg=stable_ids(buffer.getvalue()))


def _fix_layout(fig: Figure) -> None:
    """Run the figure's layout engine once, then freeze the positions it chose.

    A figure with a layout engine is laid out at every draw, and ``savefig``
    draws it twice (once without output, once for real). Laying it out here
    once and freezing the result lets :func:`render` draw it once. The SVG is
    byte-identical to ``savefig``'s (docs/performance.md, "Report charts").
    """
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
        # "none" keeps the positions just computed and stops re-layout
        fig.set_layout_engine("none")


#: ids matplotlib derives from a hash of their content: clip paths (``p``),
#: markers (``m``) and hatches (``h``), ten hexadecimal digits.
_HASHED_ID = re.compile(r"\b([pmh])([0-9a-f]{10})\b")


def stable_ids(svg: str) -> str:
    """Number matplotlib's hashed ids in order of first appearance.

    Those ids hash the full-precision geometry, whose last bits can vary
    with ``PYTHONHASHSEED`` (layout iterates over sets), although the
    coordinates written with six decimals do not; numbering them makes the
    file depend only on what it draws.
    """
    defined = {m.group(1) for m in re.finditer(r'\bid="([^"]+)"', svg)}
    numbers: dict[str, str] = {}

    def renumber(match: re.Match) -> str:
        token = match.group(0)
        if token not in defined:
            return token
        if token not in numbers:
            numbers[token] = f"{match.group(1)}{len(numbers) + 1:04d}"
        return numbers[token]

    return _HASHED_ID.sub(renumber, svg)


def new_figure(width: float, height: float) -> Figure:
    """A figure in the report style (the style is applied at creation and at rendering)."""
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(width, height), layout="constrained")


def _styled(draw):
    """Run a chart function with :data:`STYLE` active, so axes pick it up."""
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)
    wrapper.__name__ = draw.__name__
    wrapper.__doc__ = draw.__doc__
    wrapper.__wrapped__ = draw
    return wrapper


def _time_unit(report: dict) -> str:
    return str(report.get("scenario", {}).get("time_unit") or "time unit")


def _short(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


# --------------------------------------------------------------------------
# 1. Risk map


@dataclass(frozen=True)
class MapNode:
    """A node of the risk-map picture."""

    id: str
    kind: str  # "tier2", "supplier", "part", "product"
    region: Optional[str] = None


def map_layout(report: dict) -> tuple[list[list[MapNode]], list[tuple[str, str, bool]]]:
    """Columns of nodes (left to right) and edges ``(from, to, alternate)`` of the risk map.

    With the report's ``network`` block the picture has suppliers, parts and
    products linked by sources and bills of materials, tier-2 suppliers to the
    left of the suppliers that depend on them. Without it, suppliers link
    straight to the products they reach (``suppliers.<id>.products``).
    Node ids carry a kind prefix (``supplier:x``) so a part and a supplier may
    share an id.
    """
    suppliers = report.get("suppliers") or {}
    net_suppliers = network_items(report, "suppliers")
    parts = network_items(report, "parts")
    products = sorted(set(report.get("products") or {}) | set(network_items(report, "products")))
    edges: set[tuple[str, str, bool]] = set()
    direct = set()
    for kind, items in (("part", parts), ("product", network_items(report, "products"))):
        for item_id, entry in items.items():
            for source in entry.get("sources") or []:
                if isinstance(source, dict) and source.get("supplier"):
                    edges.add((f"supplier:{source['supplier']}", f"{kind}:{item_id}",
                               bool(source.get("alternate"))))
                    direct.add(str(source["supplier"]))
            for child in sorted(entry.get("bom") or {}):
                child_kind = "part" if child in parts else "product"
                edges.add((f"{child_kind}:{child}", f"{kind}:{item_id}", False))
    for sid, entry in net_suppliers.items():
        for upstream in entry.get("depends_on") or []:
            edges.add((f"supplier:{upstream}", f"supplier:{sid}", False))
    if not parts:
        for sid in sorted(suppliers):
            for pid in suppliers[sid].get("products") or []:
                edges.add((f"supplier:{sid}", f"product:{pid}", False))
                direct.add(sid)
    all_suppliers = sorted(set(suppliers) | set(net_suppliers))

    def region_of(sid: str) -> str:
        region = ((suppliers.get(sid) or {}).get("region")
                  or net_suppliers.get(sid, {}).get("region"))
        return str(region) if region else ""

    tier2 = [s for s in all_suppliers if s not in direct and any(
        e[0] == f"supplier:{s}" and e[1].startswith("supplier:") for e in edges)]
    tier1 = [s for s in all_suppliers if s not in tier2]
    by_region = lambda ids: sorted(ids, key=lambda s: (region_of(s), s))  # noqa: E731
    columns = [
        [MapNode(s, "tier2", region_of(s)) for s in by_region(tier2)],
        [MapNode(s, "supplier", region_of(s)) for s in by_region(tier1)],
        [MapNode(p, "part") for p in sorted(parts)],
        [MapNode(p, "product") for p in products],
    ]
    return [c for c in columns if c], sorted(edges)


def _node_key(node: MapNode) -> str:
    return f"{'supplier' if node.kind in ('tier2', 'supplier') else node.kind}:{node.id}"


@_styled
def risk_map_chart(report: dict) -> Optional[Chart]:
    """The network by tier: suppliers coloured by REI, products by backorder probability.

    Single points of failure get a thick vermillion ring; suppliers sit in
    shaded bands by region; dashed lines are alternate sources.
    """
    columns, edges = map_layout(report)
    if not columns:
        return None
    rows = max(len(c) for c in columns)
    fig = new_figure(8.0, max(3.2, 0.32 * rows + 2.0))
    ax = fig.add_subplot()
    ax.set_axis_off()
    positions = _map_positions(columns, rows)
    _draw_regions(ax, columns, positions, report)
    for start, end, alternate in edges:
        if start in positions and end in positions:
            (x0, y0), (x1, y1) = positions[start], positions[end]
            ax.plot([x0, x1], [y0, y1], color=GREY, linewidth=0.8, zorder=1,
                    linestyle="--" if alternate else "-")
    rei_scale = _node_colours(ax, fig, columns, positions, report)
    _column_titles(ax, columns, rows)
    ax.set_xlim(-0.6, len(columns) - 0.2)
    ax.set_ylim(-1.0, rows + 0.2)
    handles = [
        lines.Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                                markeredgecolor=VERMILLION, markeredgewidth=2.5, markersize=9,
                                label="single point of failure"),
        lines.Line2D([], [], color=GREY, linestyle="--", label="alternate source"),
    ]
    fig.legend(handles=handles, loc="outside upper left", frameon=False, ncol=2)
    kinds = {"tier2": "tier-2 supplier", "supplier": "supplier", "part": "part",
             "product": "product"}
    alt = ("Risk map: " + ", ".join(f"{len(c)} {kinds[c[0].kind]}{'' if len(c) == 1 else 's'}"
                                    for c in columns) + "; " + rei_scale)
    return render(fig, "risk-map", alt)


def _map_positions(columns: list[list[MapNode]], rows: int) -> dict[str, tuple[float, float]]:
    positions = {}
    for x, column in enumerate(columns):
        # spread each column over the full height so short columns sit centred
        step = rows / len(column)
        for k, node in enumerate(column):
            positions[_node_key(node)] = (float(x), rows - (k + 0.5) * step)
    return positions


def _draw_regions(ax, columns, positions, report) -> None:
    regions = network_items(report, "regions")
    for column in columns:
        if column[0].kind not in ("tier2", "supplier"):
            continue
        groups: dict[str, list[float]] = {}
        for node in column:
            groups.setdefault(node.region or "", []).append(positions[_node_key(node)][1])
        x = positions[_node_key(column[0])][0]
        for k, (region, ys) in enumerate(sorted(groups.items())):
            if not region:
                continue
            top, bottom = max(ys) + 0.45, min(ys) - 0.45
            ax.add_patch(patches.FancyBboxPatch(
                (x - 0.45, bottom), 0.9, top - bottom, boxstyle="round,pad=0.02",
                facecolor=LIGHT_GREY if k % 2 == 0 else "#E1ECF4", edgecolor="none", zorder=0))
            name = regions.get(region, {}).get("name") or region
            # short, small and top-left: the band is only as wide as its column
            ax.text(x - 0.43, top - 0.03, _short(str(name), 14), fontsize=6.5,
                    color="#555555", va="top", ha="left", zorder=0)


def _node_colours(ax, fig, columns, positions, report) -> str:
    suppliers = report.get("suppliers") or {}
    products = report.get("products") or {}
    cmap = matplotlib.colormaps[COLORMAP]
    rei_values = [mean_of(s.get("rei")) or 0.0 for s in suppliers.values()]
    rei_max = max(rei_values + [0.0]) or 1.0
    rei_norm = colors.Normalize(0, rei_max)
    prob_norm = colors.Normalize(0, 1)
    for column in columns:
        for node in column:
            x, y = positions[_node_key(node)]
            edge, width = BLACK, 0.6
            if node.kind in ("tier2", "supplier"):
                entry = suppliers.get(node.id, {})
                colour = cmap(rei_norm(mean_of(entry.get("rei")) or 0.0))
                if entry.get("single_point_of_failure_for"):
                    edge, width = VERMILLION, 2.5
            elif node.kind == "product":
                probability = mean_of((products.get(node.id) or {}).get("backorder_probability"))
                colour = cmap(prob_norm(probability or 0.0)) if probability is not None else "white"
            else:
                colour = "white"
            marker = "s" if node.kind in ("part", "product") else "o"
            ax.scatter([x], [y], s=90, marker=marker, c=[colour], edgecolors=edge,
                       linewidths=width, zorder=3)
            ax.text(x + 0.09, y, _short(node.id), fontsize=7.5, va="center", ha="left", zorder=4)
    scalar = cm.ScalarMappable(norm=rei_norm, cmap=cmap)
    bar = fig.colorbar(scalar, ax=ax, location="bottom", fraction=0.05, pad=0.02,
                       shrink=0.45, aspect=40)
    bar.set_label("supplier REI (margin at risk)", fontsize=8)
    product_bar = fig.colorbar(cm.ScalarMappable(norm=prob_norm, cmap=cmap), ax=ax,
                               location="bottom", fraction=0.05, pad=0.02, shrink=0.45,
                               aspect=40)
    product_bar.set_label("product P(backorder)", fontsize=8)
    return f"suppliers coloured by REI (0 to {rei_max:g}), products by backorder probability"


def _column_titles(ax, columns, rows) -> None:
    titles = {"tier2": "tier-2 suppliers", "supplier": "suppliers", "part": "parts",
              "product": "products"}
    for x, column in enumerate(columns):
        ax.text(x, rows + 0.1, titles[column[0].kind], ha="center", va="bottom",
                fontsize=9, fontweight="bold")


# --------------------------------------------------------------------------
# 2. Time to survive against time to recover


def survival_rows(block: dict) -> list[tuple[str, Optional[float], Optional[float], bool, bool]]:
    """``(id, tts, ttr, tts_unbounded, at_risk)`` with a known TTR, tightest margin first, then id."""
    rows = []
    for item_id in sorted(block):
        entry = block[item_id] or {}
        ttr = mean_of(entry.get("ttr"))
        if ttr is None:
            continue
        tts = mean_of(entry.get("tts"))
        unbounded = tts is None and bool(entry.get("tts_unbounded", True))
        rows.append((item_id, tts, ttr, unbounded, is_at_risk(entry)))
    return sorted(rows, key=lambda r: (math.inf if r[1] is None else r[1] - r[2], r[0]))


@_styled
def survival_chart(report: dict) -> Optional[Chart]:
    """Paired bars per supplier (and region): TTS in blue, TTR in vermillion.

    Where TTS < TTR the supplier's label is marked ``at risk``; an unbounded
    TTS is drawn to the right edge with an arrow and ``∞``.
    """
    panels = [(title, survival_rows(report.get(key) or {}))
              for title, key in (("suppliers", "suppliers"), ("regions", "regions"))]
    panels = [(title, rows[:BAR_LIMIT]) for title, rows in panels if rows]
    if not panels:
        return None
    unit = _time_unit(report)
    heights = [0.32 * len(rows) + 0.9 for _, rows in panels]
    fig = new_figure(8.0, sum(heights) + 0.4)
    axes = fig.subplots(len(panels), 1, squeeze=False,
                        gridspec_kw={"height_ratios": heights})[:, 0]
    finite = [v for _, rows in panels for r in rows for v in (r[1], r[2]) if v is not None]
    limit = 1.15 * max(finite + [1.0])
    for ax, (title, rows) in zip(axes, panels):
        _survival_panel(ax, title, rows, limit)
    axes[-1].set_xlabel(f"time ({unit}s)")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper right", ncol=2,
               frameon=False)
    at_risk = [r[0] for _, rows in panels for r in rows if r[4]]
    alt = ("Time to survive against time to recover; at risk (TTS < TTR): "
           + (", ".join(at_risk) if at_risk else "none"))
    return render(fig, "tts-ttr", alt)


def _survival_panel(ax, title: str, rows, limit: float) -> None:
    ys = list(range(len(rows)))[::-1]
    height = 0.38
    for y, (item_id, tts, ttr, unbounded, _) in zip(ys, rows):
        tts_width = limit if tts is None else tts
        ax.barh(y + height / 2, tts_width, height=height, color=BLUE,
                hatch="//" if tts is None else None, edgecolor="white" if tts is None else None,
                label="time to survive (TTS)" if y == ys[0] else None)
        ax.barh(y - height / 2, ttr, height=height, color=VERMILLION,
                label="time to recover (TTR)" if y == ys[0] else None)
        if tts is None:
            ax.text(limit * 0.99, y + height / 2, "∞ →" if unbounded else "?", ha="right",
                    va="center", color="white", fontsize=8, fontweight="bold")
    labels = [f"{_short(r[0], 24)}  AT RISK" if r[4] else _short(r[0], 24) for r in rows]
    ax.set_yticks(ys, labels)
    for tick, row in zip(ax.get_yticklabels(), rows):
        if row[4]:
            tick.set_color(VERMILLION)
            tick.set_fontweight("bold")
    ax.set_xlim(0, limit)
    ax.set_title(title, loc="left")
    ax.grid(axis="y", visible=False)


# --------------------------------------------------------------------------
# 3. Fan charts per product


def disruption_windows(report: dict) -> list[tuple[str, float, float, float]]:
    """``(label, start, shortest end, longest end)`` of disruptions with a known start.

    A fixed ``at`` is needed (a random start has no window to draw); the
    duration is a number or a distribution whose ``min``/``max`` (or
    ``mean``) bound the end. Disruptions without a known duration are left
    out. Sorted by start, then label.
    """
    windows = []
    for disruption in report.get("scenario", {}).get("disruptions") or []:
        if not isinstance(disruption, dict):
            continue
        start = _number(disruption.get("at"))
        low, high = _bounds(disruption.get("duration"))
        if start is None or low is None:
            continue
        label = str(disruption.get("id") or disruption.get("kind") or "disruption")
        windows.append((label, start, start + low, start + high))
    return sorted(windows, key=lambda w: (w[1], w[0]))


def _number(value) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _bounds(value) -> tuple[Optional[float], Optional[float]]:
    number = _number(value)
    if number is not None:
        return number, number
    if not isinstance(value, dict):
        return None, None
    low, high = _number(value.get("min")), _number(value.get("max"))
    if low is not None and high is not None:
        return low, high
    mean = _number(value.get("mean"))
    return (mean, mean) if mean is not None else (None, None)


def charted_products(report: dict) -> list[str]:
    """Products that get fan charts: the riskiest :data:`PRODUCT_CHART_LIMIT` with series."""
    series = (report.get("series") or {}).get("products") or {}
    return [pid for pid in rank_products(report) if pid in series][:PRODUCT_CHART_LIMIT]


@_styled
def fan_chart(report: dict, product_id: str, name: Optional[str] = None) -> Optional[Chart]:
    """On-hand stock and backlog of one product over time: median, 25–75 % and 5–95 % bands.

    ``name`` is the chart's file-name stem (default ``fan-<product id made file-safe>``).
    """
    series = report.get("series") or {}
    bands = (series.get("products") or {}).get(product_id)
    times = series.get("times") or []
    if not bands or not times:
        return None
    unit = _time_unit(report)
    names = [n for n in ("on_hand", "backlog") if n in bands]
    windows = disruption_windows(report)[:WINDOW_LIMIT]
    # one timeline row per disruption above the panels: labels never overlap
    timeline = 0.22 * len(windows) + 0.15 if windows else 0.0
    heights = ([timeline] if windows else []) + [1.7] * len(names)
    fig = new_figure(8.0, sum(heights) + 0.6)
    axes = fig.subplots(len(heights), 1, sharex=True, squeeze=False,
                        gridspec_kw={"height_ratios": heights})[:, 0]
    if windows:
        _timeline(axes[0], windows)
        axes = axes[1:]
    for ax, series_name in zip(axes, names):
        _fan_panel(ax, times, bands[series_name], series_name)
        _shade_windows(ax, windows)
    axes[-1].set_xlabel(f"time ({unit}s)")
    axes[-1].set_xlim(times[0], times[-1])
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper right", ncol=3,
               frameon=False)
    kept = series.get("replications")
    alt = (f"Fan chart of {product_id}: on-hand stock and backlog over time, median and "
           f"percentile bands over {kept} replications")
    return render(fig, name or f"fan-{_file_safe(product_id)}", alt)


def _fan_panel(ax, times, band: dict, name: str) -> None:
    def get(key):
        values = band.get(key)
        return values if values and len(values) == len(times) else None

    colour = BLUE if name == "on_hand" else VERMILLION
    if get("p5") and get("p95"):
        ax.fill_between(times, get("p5"), get("p95"), color=colour, alpha=0.18, linewidth=0,
                        label="5–95 %")
    if get("p25") and get("p75"):
        ax.fill_between(times, get("p25"), get("p75"), color=colour, alpha=0.38, linewidth=0,
                        label="25–75 %")
    if get("p50"):
        ax.plot(times, get("p50"), color=colour, linewidth=1.4, label="median")
    ax.set_ylabel("on hand (units)" if name == "on_hand" else "backlog (units)")
    ax.set_ylim(bottom=0)


def _shade_windows(ax, windows) -> None:
    for _, start, short_end, long_end in windows:
        ax.axvspan(start, short_end, color=GREY, alpha=0.25, linewidth=0, zorder=0)
        if long_end > short_end:
            ax.axvspan(short_end, long_end, color=GREY, alpha=0.12, linewidth=0, zorder=0)


def _timeline(ax, windows) -> None:
    """A row per disruption: dark to its shortest end, light to its longest end."""
    ys = list(range(len(windows)))[::-1]
    for y, (_, start, short_end, long_end) in zip(ys, windows):
        ax.barh(y, short_end - start, left=start, height=0.6, color=GREY, alpha=0.8)
        if long_end > short_end:
            ax.barh(y, long_end - short_end, left=short_end, height=0.6, color=GREY, alpha=0.35)
    ax.set_yticks(ys, [_short(w[0], 22) for w in windows], fontsize=7)
    ax.set_ylim(-0.6, len(windows) - 0.4)
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", bottom=False)


def _file_safe(text: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in text)
    return safe.strip(".-") or "item"


# --------------------------------------------------------------------------
# 4. Customer waits


def wait_statistics(report: dict) -> list[str]:
    """Product statistics measured in time units whose name mentions waiting, sorted."""
    unit = f"{_time_unit(report)}s"
    names = set()
    for key, meta in (report.get("statistics") or {}).items():
        subject, _, name = key.partition(".")
        if subject == "product" and "wait" in name and (meta or {}).get("unit") == unit:
            names.add(name)
    if not names:  # older reports without the statistics block
        for stats in (report.get("products") or {}).values():
            names.update(n for n, s in stats.items()
                         if "wait" in n and isinstance(s, dict) and s.get("unit") == unit)
    return sorted(names)


#: What the waits chart shows per product: the mean over replications of the median, 90th
#: and 95th percentile wait of the customers who waited (statistic, marker, colour, legend).
WAIT_MARKERS = (
    ("wait_p50", "o", BLUE, "median wait"),
    ("wait_p90", "s", ORANGE, "90th percentile wait"),
    ("wait_p95", "^", VERMILLION, "95th percentile wait"),
)
#: Shown instead by a report without those percentiles. Never beside them: it is averaged
#: over every replication, the percentiles only over those where someone waited.
LONGEST_WAIT_MARKER = ("longest_wait", "x", BLACK, "longest wait")


@_styled
def waits_chart(report: dict) -> Optional[Chart]:
    """Per product, how long customers who waited waited: one row per product, riskiest first.

    Each marker is a mean over the replications where someone waited of the within-run
    median, 90th and 95th percentile wait, on one axis so the products compare at a
    glance; a grey segment joins the median to the 95th percentile.
    """
    products = report.get("products") or {}
    names = set(wait_statistics(report))
    markers = [m for m in WAIT_MARKERS if m[0] in names]
    if not markers and LONGEST_WAIT_MARKER[0] in names:
        markers = [LONGEST_WAIT_MARKER]
    ranked = [pid for pid in rank_products(report)
              if any(mean_of(products[pid].get(m[0])) for m in markers)][:BAR_LIMIT]
    if not markers or not ranked:
        return None
    unit = _time_unit(report)
    fig = new_figure(8.0, 0.26 * len(ranked) + 1.4)
    ax = fig.subplots()
    ys = list(range(len(ranked)))[::-1]
    for name, marker, colour, label in markers:
        points = [(y, mean_of(products[pid].get(name))) for y, pid in zip(ys, ranked)]
        points = [(y, v) for y, v in points if v is not None]
        if points:
            ax.scatter([v for _, v in points], [y for y, _ in points], marker=marker,
                       color=colour, s=28, label=label, zorder=3)
    _median_to_p95(ax, ys, [{"p50": mean_of(products[pid].get("wait_p50")),
                             "p95": mean_of(products[pid].get("wait_p95"))} for pid in ranked])
    ax.set_yticks(ys, [_short(pid, 24) for pid in ranked])
    ax.set_xlabel(f"wait of the customers who waited ({unit}s), mean over replications")
    ax.set_xlim(left=0)
    ax.grid(axis="y", visible=False)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside upper right", ncol=2,
               frameon=False)
    return render(fig, "waits", "Customer waits per product: "
                  + ", ".join(label for _, _, _, label in markers))


def _median_to_p95(ax, ys: list[int], stats: list[dict]) -> None:
    """A grey segment per row from the median to the 95th percentile.

    One line collection rather than a line per row: the picture is the same,
    and matplotlib lays out and draws one artist instead of up to
    :data:`BAR_LIMIT` per panel.
    """
    rows = [(y, _number(s.get("p50")), _number(s.get("p95"))) for y, s in zip(ys, stats)]
    rows = [(y, low, high) for y, low, high in rows if low is not None and high is not None]
    if rows:
        ax.hlines([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                  color=GREY, linewidth=1, zorder=2,
                  capstyle="projecting")  # the ends a plotted line has


# --------------------------------------------------------------------------
# 5. Alternates and stocks that help


def alternate_label(entry: dict) -> str:
    """``supplier → part`` of one entry of ``alternates``."""
    return f"{entry.get('supplier', '?')} → {entry.get('part', '?')}"


@_styled
def alternates_chart(report: dict) -> Optional[Chart]:
    """Backorder units avoided per alternate source, with 95 % confidence intervals, best first."""
    entries = [e for e in report.get("alternates") or [] if isinstance(e, dict)][:BAR_LIMIT]
    entries = [e for e in entries if mean_of(e.get("backorder_units_avoided")) is not None]
    if not entries:
        return None
    fig = new_figure(8.0, 0.32 * len(entries) + 1.0)
    ax = fig.add_subplot()
    ys = list(range(len(entries)))[::-1]
    means = [mean_of(e["backorder_units_avoided"]) for e in entries]
    errors = _error_bars(entries, means)
    ax.barh(ys, means, color=GREEN, height=0.6, xerr=errors, ecolor=BLACK, capsize=3)
    ax.axvline(0, color=BLACK, linewidth=0.8)
    ax.set_yticks(ys, [_short(alternate_label(e), 36) for e in entries])
    ax.set_xlabel("backorder units avoided (units), mean and 95 % CI")
    ax.grid(axis="y", visible=False)
    return render(fig, "alternates", "Backorder units avoided by each alternate source")


def _error_bars(entries: Iterable[dict], means: list[float]):
    lows, highs = [], []
    for entry, mean in zip(entries, means):
        low, high = ci_of(entry.get("backorder_units_avoided"))
        lows.append(max(0.0, mean - low) if low is not None else 0.0)
        highs.append(max(0.0, high - mean) if high is not None else 0.0)
    if not any(lows) and not any(highs):
        return None
    return [lows, highs]


# --------------------------------------------------------------------------
# All charts of a report


@dataclass(frozen=True)
class Charts:
    """Every chart of a report; ``None`` where the report holds no data for it."""

    risk_map: Optional[Chart]
    survival: Optional[Chart]
    fans: dict[str, Chart]
    waits: Optional[Chart]
    alternates: Optional[Chart]

    def all(self) -> list[Chart]:
        """The charts that exist, in report order."""
        found = [self.risk_map, self.survival, *self.fans.values(), self.waits, self.alternates]
        return [c for c in found if c is not None]


def draw_all(report: dict) -> Charts:
    """Draw every chart of ``report`` (fan charts for :func:`charted_products` only).

    ``riskmap run`` renders the Markdown and the HTML report of one run one
    after the other; the charts of the last two reports drawn are kept
    (keyed by the report's canonical JSON text), so they are drawn once.
    The result depends on the report's content only.
    """
    return _draw_canonical(json.dumps(report, sort_keys=True, default=str))


@functools.lru_cache(maxsize=2)
def _draw_canonical(text: str) -> Charts:
    # matplotlib creates tens of thousands of small objects per figure: drawing a
    # 100-product report's 14 charts took 3 to 10 % less CPU with the cyclic
    # collector paused (docs/performance.md, "Report charts"); the figures'
    # reference cycles are freed by the next collection after this
    with gcpause.paused():
        return _draw(json.loads(text))


def _draw(report: dict) -> Charts:
    fans = {}
    for k, pid in enumerate(charted_products(report), start=1):
        # the rank keeps names unique when two ids map to the same file-safe text
        chart = fan_chart(report, pid, name=f"fan-{k:02d}-{_file_safe(pid)}")
        if chart is not None:
            fans[pid] = chart
    return Charts(risk_map=risk_map_chart(report), survival=survival_chart(report), fans=fans,
                  waits=waits_chart(report), alternates=alternates_chart(report))
