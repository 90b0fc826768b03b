"""The risk-map chart: the network by tier, suppliers coloured by REI, products by P(backorder).

The picture's structure is the report network's graph
(:func:`riskmap.graph.supply_graph`): sources link suppliers to the parts and
products they deliver (dashed for alternates), bills of materials link
components to what is made of them, and tier-2 suppliers (no item is bought
from them; other suppliers depend on them) sit left of the suppliers that
depend on them, suppliers grouped by region. When the network has no parts
(a report written without its network) suppliers link straight to the
products the static map says they reach.

Past :data:`~riskmap.report.views.network.DETAIL_LIMIT` nodes the picture is
aggregated instead (:func:`aggregated_chart`): counts by tier and region and
the riskiest paths (:mod:`riskmap.report.views.network`). Both pictures are
written as SVG directly (:mod:`riskmap.report.charts.canvas`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from riskmap.graph import (DEPENDS_ON, SUPPLIER, SUPPLIES, USED_IN, SupplyGraph, node_id,
                           supply_graph)
from riskmap.model import PRODUCT
from riskmap.report.charts.canvas import Canvas, cividis, label
from riskmap.report.charts.svg import BLACK, GREY, LIGHT_GREY, VERMILLION, Chart
from riskmap.report.content import Report
from riskmap.report.views.network import groups, is_large, node_count, riskiest_paths
from riskmap.report.views.products import mean_of

#: the columns of the picture, left to right: node kind and title.
COLUMN_TITLES = {"tier2": "tier-2 suppliers", "supplier": "suppliers", "part": "parts",
                 "product": "products"}
#: the kinds in the alternative text.
KIND_WORDS = {"tier2": "tier-2 supplier", "supplier": "supplier", "part": "part",
              "product": "product"}


@dataclass(frozen=True)
class MapNode:
    """A node of the risk-map picture."""

    id: str
    kind: str  # "tier2", "supplier", "part", "product"
    region: Optional[str] = None

    @property
    def key(self) -> str:
        """Its graph node id (``supplier:x``): a part and a supplier may share an id."""
        return node_id(SUPPLIER if self.is_supplier else self.kind, self.id)

    @property
    def is_supplier(self) -> bool:
        return self.kind in ("tier2", "supplier")


def map_layout(report: Report) -> tuple[list[list[MapNode]], list[tuple[str, str, bool]]]:
    """Columns of nodes (left to right) and edges ``(from, to, alternate)`` of the risk map.

    Edges join graph node ids (:func:`riskmap.graph.node_id`); the module
    docstring says what they are. Empty columns are left out.
    """
    network = report.network
    structure = supply_graph(network)
    graph = structure.graph
    edges: set[tuple[str, str, bool]] = set()
    bought_from = set()
    for start, end, data in graph.edges(data=True):
        if data["kind"] == SUPPLIES:
            edges.add((start, end, data["alternate"]))
            bought_from.add(graph.nodes[start]["id"])
        elif data["kind"] in (USED_IN, DEPENDS_ON):
            edges.add((start, end, False))
    parts = sorted(i.id for i in network.parts)
    if not parts:
        for sid, figures in sorted(report.suppliers.items()):
            for pid in figures.exposure.products if figures.exposure is not None else ():
                edges.add((node_id(SUPPLIER, sid), node_id(PRODUCT, pid), False))
                bought_from.add(sid)
    suppliers = sorted(set(report.suppliers) | {s.id for s in network.suppliers})
    tier2 = [s for s in suppliers if s not in bought_from and _depended_on(structure, s)]
    tier1 = [s for s in suppliers if s not in tier2]

    def column(ids: list[str], kind: str) -> list[MapNode]:
        nodes = [MapNode(s, kind, _region(report, graph, s)) for s in ids]
        return sorted(nodes, key=lambda n: (n.region, n.id))

    products = sorted(set(report.products) | {i.id for i in network.products})
    columns = [column(tier2, "tier2"), column(tier1, "supplier"),
               [MapNode(p, "part") for p in parts], [MapNode(p, "product") for p in products]]
    return [c for c in columns if c], sorted(edges)


def _depended_on(structure: SupplyGraph, supplier: str) -> bool:
    """Whether another supplier depends on ``supplier``."""
    return bool(structure.dependents([supplier]) - {supplier})


def _region(report: Report, graph, supplier: str) -> str:
    """The supplier's region: the static map's, else the network's; ``""`` for none."""
    figures = report.suppliers.get(supplier)
    region = figures.exposure.region if figures is not None and figures.exposure else None
    region = region or graph.nodes.get(node_id(SUPPLIER, supplier), {}).get("region")
    return str(region) if region else ""


def risk_map_chart(report: Report) -> Optional[Chart]:
    """The network by tier: suppliers coloured by REI, products by backorder probability.

    Single points of failure get a thick vermillion ring; suppliers sit in
    shaded bands by region; dashed lines are alternate sources. Past
    :data:`~riskmap.report.views.network.DETAIL_LIMIT` nodes the picture is
    aggregated (:func:`aggregated_chart`). Drawn as SVG directly.
    """
    if is_large(report):
        return aggregated_chart(report)
    columns, edges = map_layout(report)
    if not columns:
        return None
    rows = max(len(c) for c in columns)
    height = TOP + ROW * rows + BOTTOM
    canvas = Canvas(WIDTH, height)
    positions = _positions(columns, rows)
    _draw_regions(canvas, columns, positions, report)
    for start, end, alternate in edges:
        if start in positions and end in positions:
            (x0, y0), (x1, y1) = positions[start], positions[end]
            canvas.line(x0, y0, x1, y1, stroke=GREY, width=0.8,
                        dash="4 2" if alternate else None)
    rei_max = _node_colours(canvas, columns, positions, report)
    for nodes in columns:
        x = positions[nodes[0].key][0]
        canvas.text(x, TOP - 8, COLUMN_TITLES[nodes[0].kind], size=9, anchor="middle",
                    bold=True)
    _legend(canvas)
    _colour_bars(canvas, height - 22, rei_max)
    scale = f"suppliers coloured by REI (0 to {rei_max:g}), products by backorder probability"
    alt = ("Risk map: " + ", ".join(f"{len(c)} {KIND_WORDS[c[0].kind]}{'' if len(c) == 1 else 's'}"
                                    for c in columns) + "; " + scale)
    return Chart("risk-map", alt, canvas.svg(alt))


#: the picture's width and margins, and the height of one node's row, in points.
WIDTH, TOP, BOTTOM, ROW = 576.0, 44.0, 44.0, 23.0


def _positions(columns: list[list[MapNode]], rows: int) -> dict[str, tuple[float, float]]:
    positions = {}
    width = (WIDTH - 20) / len(columns)
    for k, column in enumerate(columns):
        # spread each column over the full height so short columns sit centred
        step = rows / len(column)
        for j, node in enumerate(column):
            positions[node.key] = (20 + width * (k + 0.3), TOP + (j + 0.5) * step * ROW)
    return positions


def _draw_regions(canvas: Canvas, columns, positions, report: Report) -> None:
    names = {r.id: r.name for r in report.network.regions}
    for column in columns:
        if not column[0].is_supplier:
            continue
        groups: dict[str, list[float]] = {}
        for node in column:
            groups.setdefault(node.region or "", []).append(positions[node.key][1])
        x = positions[column[0].key][0]
        for k, (region, ys) in enumerate(sorted(groups.items())):
            if not region:
                continue
            top, bottom = min(ys) - 0.45 * ROW, max(ys) + 0.45 * ROW
            canvas.rect(x - 14, top, 118, bottom - top, rx=3,
                        fill=LIGHT_GREY if k % 2 == 0 else "#E1ECF4")
            name = names.get(region) or region
            # short, small and top-left: the band is only as wide as its column
            canvas.text(x - 12, top + 4, label(name, 14), size=6.5, fill="#555555", title=name)


def _node_colours(canvas: Canvas, columns, positions, report: Report) -> float:
    exposures = {sid: figures.exposure for sid, figures in report.suppliers.items()}
    rei_values = [(e.rei if e is not None else None) or 0.0 for e in exposures.values()]
    rei_max = max(rei_values + [0.0]) or 1.0
    for column in columns:
        for node in column:
            x, y = positions[node.key]
            edge, width = BLACK, 0.6
            if node.is_supplier:
                exposure = exposures.get(node.id)
                rei = exposure.rei if exposure is not None else None
                colour = cividis((rei or 0.0) / rei_max)
                if exposure is not None and exposure.single_point_of_failure_for:
                    edge, width = VERMILLION, 2.5
                canvas.circle(x, y, 5.5, fill=colour, stroke=edge, width=width)
            else:
                colour = "#ffffff"
                if node.kind == "product":
                    probability = mean_of(report.products.get(node.id, {})
                                          .get("backorder_probability"))
                    colour = cividis(probability) if probability is not None else "#ffffff"
                canvas.rect(x - 5, y - 5, 10, 10, fill=colour, stroke=edge, stroke_width=width)
            canvas.text(x + 9, y, label(node.id, 18), size=7.5, title=node.id)
    return rei_max


def _legend(canvas: Canvas) -> None:
    canvas.circle(26, 12, 5, fill="#ffffff", stroke=VERMILLION, width=2.5)
    canvas.text(36, 12, "single point of failure", size=8)
    canvas.line(150, 12, 166, 12, stroke=GREY, width=0.8, dash="4 2")
    canvas.text(170, 12, "alternate source", size=8)


def _colour_bars(canvas: Canvas, y: float, rei_max: float) -> None:
    """Two colour scales under the picture: supplier REI and product P(backorder)."""
    for x, title, high in ((40, "supplier REI (margin at risk)", f"{rei_max:g}"),
                           (320, "product P(backorder)", "1")):
        steps = 24
        for k in range(steps):
            canvas.rect(x + k * 9, y, 9.2, 8, fill=cividis(k / (steps - 1)))
        canvas.text(x, y + 14, "0", size=7, anchor="middle")
        canvas.text(x + 9 * steps, y + 14, high, size=7, anchor="middle")
        canvas.text(x + 4.5 * steps, y - 7, title, size=8, anchor="middle")


def aggregated_chart(report: Report) -> Optional[Chart]:
    """The network by tier and region, counted, and its riskiest paths.

    One column per tier (the deepest left, the products right), one box per
    group of :func:`riskmap.report.views.network.groups`: the items of the
    tier, or its suppliers of one region, with how many are at risk (TTS <
    TTR) and single points of failure. Under it, the
    :data:`~riskmap.report.views.network.PATH_LIMIT` riskiest paths.
    """
    found = groups(report)
    if not found:
        return None
    tiers = sorted({g.tier for g in found}, reverse=True)
    by_tier = {t: [g for g in found if g.tier == t] for t in tiers}
    boxes = max(len(v) for v in by_tier.values())
    column = max(72.0, (WIDTH - 20) / len(tiers))
    width = 20 + column * len(tiers)
    paths = riskiest_paths(report)
    box, top = 46.0, 54.0
    picture = top + boxes * (box + 6)
    height = picture + 30 + PATH_ROW * len(paths) + 16
    canvas = Canvas(width, height)
    for k, tier in enumerate(tiers):
        x = 10 + column * k
        canvas.text(x + column / 2, top - 16, _tier_title(tier), size=8.5, anchor="middle",
                    bold=True)
        if k:
            canvas.line(x - 4, top - 6, x + 4, top - 6, stroke=GREY, width=1.2)
        for j, group in enumerate(by_tier[tier]):
            _group_box(canvas, x + 3, top + j * (box + 6), column - 6, box, group)
    canvas.text(10, 12, f"{node_count(report)} nodes in {len(tiers)} tiers, by distance from "
                "the products; supplier boxes by region, counts of at risk (TTS < TTR) and "
                "single points of failure", size=8)
    y = picture + 14
    canvas.text(10, y, "Riskiest paths (highest PI, then shortest TTS − TTR):", size=9,
                bold=True)
    for k, path in enumerate(paths, start=1):
        y += PATH_ROW
        colour = VERMILLION if path.at_risk else BLACK
        figures = f"PI {path.pi_text} · TTS − TTR {path.margin_text}"
        canvas.text(10, y, f"{k}. {label(path.text, int((width - 200) / 4.6))}", size=8,
                    fill=colour, title=path.text)
        canvas.text(width - 10, y, figures, size=8, anchor="end", fill=colour)
    alt = (f"Risk map aggregated: {node_count(report)} nodes in {len(tiers)} tiers; "
           f"{sum(g.at_risk for g in found)} suppliers at risk; riskiest path: "
           + (paths[0].text if paths else "none"))
    return Chart("risk-map", alt, canvas.svg(alt))


PATH_ROW = 15.0


def _tier_title(tier: int) -> str:
    return "products" if tier == 0 else f"tier {tier}"


def _group_box(canvas: Canvas, x: float, y: float, w: float, h: float, group) -> None:
    supplier = group.kind == "supplier"
    canvas.rect(x, y, w, h, rx=3, fill="#E1ECF4" if supplier else LIGHT_GREY,
                stroke=VERMILLION if group.at_risk else GREY,
                stroke_width=1.6 if group.at_risk else 0.6)
    noun = ("supplier" if supplier else "product" if group.tier == 0 else "item")
    noun += "" if group.count == 1 else "s"
    chars = max(6, int(w / 4.4))
    canvas.text(x + 4, y + 9, label(f"{group.count} {noun}", chars), size=7.5, bold=True)
    if supplier:
        canvas.text(x + 4, y + 19, label(group.region, chars), size=7, fill="#555555",
                    title=group.region)
        canvas.text(x + 4, y + 29, label(f"{group.at_risk} at risk", chars), size=7,
                    fill=VERMILLION if group.at_risk else "#555555")
        canvas.text(x + 4, y + 39, label(f"{group.single_points} single pt.", chars), size=7,
                    fill="#555555")
