"""``riskmap map FILE``: the static risk map of a network or of a scenario's network.

Prints products with their single points of failure and concentration,
suppliers and regions ranked by risk exposure index (REI) with TTS, TTR, PI,
TTS - TTR and the extra stock that closes the gap, and single-sourced parts.
``--json`` prints the map as JSON alone on stdout; ``--graph FILE.graphml``
(or ``.gexf``) also writes the network graph.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Sequence

from riskmap.cli.common import add_force_option
from riskmap.errors import display_path
from riskmap.escape import terminal
from riskmap.report.text import INFINITY, compact



def add_parser(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=__doc__.split("\n\n")[1],
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", metavar="FILE", help="a network or scenario file")
    parser.add_argument("--json", action="store_true", help="print the risk map as JSON on stdout")
    parser.add_argument("--graph", metavar="FILE.graphml",
                        help="also write the network graph (GraphML, or GEXF for .gexf)")
    parser.add_argument("--top", type=int, default=0, metavar="N",
                        help="show only the first N rows of each table (default: all)")
    parser.add_argument("--solver", choices=("auto", "highspy", "scipy"), default="auto",
                        help="linear-program solver (default: highspy when installed)")
    add_force_option(parser)
    parser.add_argument("--exact", action="store_true", default=None,
                        help="solve over the whole network even when it is large "
                             "(default: only up to 5,000 program columns)")
    return parser


def run(args: argparse.Namespace) -> int:
    from riskmap.analysis.risk_map import risk_map
    from riskmap.load import load_file

    loaded = load_file(args.file, force=args.force)
    network = getattr(loaded, "network", loaded)  # a Scenario carries its Network
    if args.graph:
        path = write_graph_file(network, args.graph)
        print(terminal(f"riskmap map: graph written to {display_path(path)}"), file=sys.stderr)
    result = risk_map(network, solver=args.solver, exact=args.exact)
    if args.json:
        json.dump(result.to_dict(), sys.stdout, sort_keys=True, indent=2, allow_nan=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(result.to_dict(), top=args.top))
    return 0


def write_graph_file(network, target: str):
    """Write ``--graph`` whole or not at all (its folders created); a bad path is exit 2."""
    from riskmap.graph import build_graph, write_graph
    from riskmap.output.atomic import prepare_target, write_atomic
    from riskmap.output.faults import output_faults

    path = prepare_target(target, "--graph")
    graph = build_graph(network)
    with output_faults(path, "--graph"):
        # the temporary file keeps the suffix, which picks GraphML or GEXF
        return write_atomic(path, lambda temporary: write_graph(graph, temporary))


# -- the terminal table ------------------------------------------------------

def table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """Columns two spaces apart; ``align`` has ``l`` or ``r`` per column (default: first left).

    Cells are shown through :func:`riskmap.escape.terminal` (ids and names are user strings).
    """
    rows = [[terminal(c) for c in row] for row in rows]
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    align = align or "l" + "r" * (len(headers) - 1)

    def line(cells):
        parts = [str(c).ljust(w) if a == "l" else str(c).rjust(w)
                 for c, w, a in zip(cells, widths, align)]
        return "  " + "  ".join(parts).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _by_rei(entries: dict) -> list[tuple[str, dict]]:
    """Highest REI first; unknown REI last; ties by TTS - TTR, then id."""
    def key(item):
        ident, row = item
        rei = row["rei"]
        gap = row["tts_minus_ttr"]
        return (rei is None, -(rei or 0.0), gap if gap is not None else math.inf, ident)
    return sorted(entries.items(), key=key)


def _cut(rows: list, top: int) -> list:
    return rows[:top] if top > 0 else rows


def _exposure_rows(entries: dict, top: int, first: str) -> list[list[str]]:
    rows = []
    for ident, row in _cut(_by_rei(entries), top):
        extra = row["extra_stock"]
        rows.append([
            ident,
            (row.get("region") or "-") if first == "region" else str(len(row.get("suppliers", []))),
            compact(row["tts"], row["tts_unbounded"]),
            compact(row["ttr"]),
            compact(row["pi"]),
            compact(row["rei"]),
            compact(row["tts_minus_ttr"], row["tts_unbounded"] and row["ttr"] is not None),
            str(extra["total"]) if extra else "-",
        ])
    return rows


def _list(ids: Sequence[str], limit: int = 4) -> str:
    if not ids:
        return "-"
    shown = ", ".join(ids[:limit])
    return shown + (f" (+{len(ids) - limit})" if len(ids) > limit else "")


def render(data: dict, top: int = 0) -> str:
    """The terminal report of a risk map given as :meth:`RiskMap.to_dict` data."""
    unit = data["time_unit"]
    pi_unit = "margin" if data["pi_unit"] == "margin" else "units"
    out = [f"Risk map: {terminal(data['network'])}  (times in {unit}s; PI in {pi_unit} lost; "
           f"{INFINITY} = demand met for ever)",
           f"Baseline TTS (nothing down): {compact(data['baseline_tts'], True)}", ""]
    out.append("Products")
    product_rows = []
    for ident, row in sorted(data["products"].items()):
        conc = row["concentration"] or {}
        spof = row["single_points_of_failure"]
        product_rows.append([
            ident, str(len(row["suppliers"])), _list(spof["suppliers"]), _list(spof["regions"]),
            compact(conc.get("supplier_hhi")), compact(conc.get("region_hhi")), conc.get("basis", "-"),
        ])
    out += table(["product", "suppliers", "SPOF suppliers", "SPOF regions", "HHI sup.",
                  "HHI reg.", "basis"], _cut(product_rows, top), align="lrllrrl")
    out += ["", "Suppliers by REI"]
    out += table(["supplier", "region", "TTS", "TTR", "PI", "REI", "TTS-TTR", "extra stock"],
                 _exposure_rows(data["suppliers"], top, "region"), align="llrrrrrr")
    if data["regions"]:
        out += ["", "Regions by REI"]
        out += table(["region", "suppliers", "TTS", "TTR", "PI", "REI", "TTS-TTR", "extra stock"],
                     _exposure_rows(data["regions"], top, "suppliers"))
    single = data["single_sourced_parts"]
    out += ["", f"Single-sourced parts ({len(single)}): "
                f"{terminal(_list(single, top or len(single)))}"]
    return "\n".join(out) + "\n"
