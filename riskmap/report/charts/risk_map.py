"""The risk-map chart: the network by tier, suppliers coloured by REI, products by P(backorder).

The picture's structure is the report network's graph
(:func:`riskmap.graph.supply_graph`): sources link suppliers to the parts and
products they deliver (dashed for alternates), bills of materials link
components to what is made of them, and tier-2 suppliers (no item is bought
from them; other suppliers depend on them) sit left of the suppliers that
depend on them, suppliers grouped by region. When the network has no parts
(a report written without its network) suppliers link straight to the
products the static map says they reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import matplotlib
from matplotlib import cm, colors, lines, patches

from riskmap.graph import (DEPENDS_ON, REGION, SUPPLIER, SUPPLIES, USED_IN, SupplyGraph,
                           node_id, supply_graph)
from riskmap.model import PRODUCT
from riskmap.report.charts.svg import (BLACK, COLORMAP, GREY, LIGHT_GREY, VERMILLION, Chart,
                                       new_figure, render, short, styled)
from riskmap.report.content import Report
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


@styled
def risk_map_chart(report: Report) -> Optional[Chart]:
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
    positions = _positions(columns, rows)
    _draw_regions(ax, columns, positions, report)
    for start, end, alternate in edges:
        if start in positions and end in positions:
            (x0, y0), (x1, y1) = positions[start], positions[end]
            ax.plot([x0, x1], [y0, y1], color=GREY, linewidth=0.8, zorder=1,
                    linestyle="--" if alternate else "-")
    rei_scale = _node_colours(ax, fig, columns, positions, report)
    for x, nodes in enumerate(columns):
        ax.text(x, rows + 0.1, COLUMN_TITLES[nodes[0].kind], ha="center", va="bottom",
                fontsize=9, fontweight="bold")
    ax.set_xlim(-0.6, len(columns) - 0.2)
    ax.set_ylim(-1.0, rows + 0.2)
    handles = [
        lines.Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                     markeredgecolor=VERMILLION, markeredgewidth=2.5, markersize=9,
                     label="single point of failure"),
        lines.Line2D([], [], color=GREY, linestyle="--", label="alternate source"),
    ]
    fig.legend(handles=handles, loc="outside upper left", frameon=False, ncol=2)
    alt = ("Risk map: " + ", ".join(f"{len(c)} {KIND_WORDS[c[0].kind]}{'' if len(c) == 1 else 's'}"
                                    for c in columns) + "; " + rei_scale)
    return render(fig, "risk-map", alt)


def _positions(columns: list[list[MapNode]], rows: int) -> dict[str, tuple[float, float]]:
    positions = {}
    for x, column in enumerate(columns):
        # spread each column over the full height so short columns sit centred
        step = rows / len(column)
        for k, node in enumerate(column):
            positions[node.key] = (float(x), rows - (k + 0.5) * step)
    return positions


def _draw_regions(ax, columns, positions, report: Report) -> None:
    graph = supply_graph(report.network).graph
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
            top, bottom = max(ys) + 0.45, min(ys) - 0.45
            ax.add_patch(patches.FancyBboxPatch(
                (x - 0.45, bottom), 0.9, top - bottom, boxstyle="round,pad=0.02",
                facecolor=LIGHT_GREY if k % 2 == 0 else "#E1ECF4", edgecolor="none", zorder=0))
            name = graph.nodes.get(node_id(REGION, region), {}).get("name") or region
            # short, small and top-left: the band is only as wide as its column
            ax.text(x - 0.43, top - 0.03, short(str(name), 14), fontsize=6.5,
                    color="#555555", va="top", ha="left", zorder=0)


def _node_colours(ax, fig, columns, positions, report: Report) -> str:
    exposures = {sid: figures.exposure for sid, figures in report.suppliers.items()}
    cmap = matplotlib.colormaps[COLORMAP]
    rei_values = [(e.rei if e is not None else None) or 0.0 for e in exposures.values()]
    rei_max = max(rei_values + [0.0]) or 1.0
    rei_norm = colors.Normalize(0, rei_max)
    prob_norm = colors.Normalize(0, 1)
    for column in columns:
        for node in column:
            x, y = positions[node.key]
            edge, width = BLACK, 0.6
            if node.is_supplier:
                exposure = exposures.get(node.id)
                rei = exposure.rei if exposure is not None else None
                colour = cmap(rei_norm(rei or 0.0))
                if exposure is not None and exposure.single_point_of_failure_for:
                    edge, width = VERMILLION, 2.5
            elif node.kind == "product":
                probability = mean_of(report.products.get(node.id, {})
                                      .get("backorder_probability"))
                colour = cmap(prob_norm(probability or 0.0)) if probability is not None else "white"
            else:
                colour = "white"
            marker = "s" if node.kind in ("part", "product") else "o"
            ax.scatter([x], [y], s=90, marker=marker, c=[colour], edgecolors=edge,
                       linewidths=width, zorder=3)
            ax.text(x + 0.09, y, short(node.id), fontsize=7.5, va="center", ha="left", zorder=4)
    scalar = cm.ScalarMappable(norm=rei_norm, cmap=cmap)
    bar = fig.colorbar(scalar, ax=ax, location="bottom", fraction=0.05, pad=0.02,
                       shrink=0.45, aspect=40)
    bar.set_label("supplier REI (margin at risk)", fontsize=8)
    product_bar = fig.colorbar(cm.ScalarMappable(norm=prob_norm, cmap=cmap), ax=ax,
                               location="bottom", fraction=0.05, pad=0.02, shrink=0.45,
                               aspect=40)
    product_bar.set_label("product P(backorder)", fontsize=8)
    return f"suppliers coloured by REI (0 to {rei_max:g}), products by backorder probability"
