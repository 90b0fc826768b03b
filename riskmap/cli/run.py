"""``riskmap run SCENARIO``: Monte Carlo simulation and reports.

Runs the scenario, then its counterfactual arms with the same seeds, engine
and workers: without each alternate lane, with no alternate, with each
candidate supplier, with the static map's extra stock, with each
``what_if:`` (``alternates``, ``candidates``, ``stock_what_ifs`` and
``what_ifs`` in report.json) and with each supplier the scenario can stop
never stopping (the risk matrix's simulated impact, ``risk_matrix`` in
report.json; see :mod:`riskmap.options` and docs/counterfactuals.md). One progress line counts all of them, after a
line per step before it (mapping, planning, each counterfactual arm). Writes
``report.json``, ``report.md``, ``report.html`` and ``report-figures/`` into
``--out DIR`` (default ``riskmap-out/<scenario name>``, the name made safe
for any file system, :func:`safe_name`) as one set
(:mod:`riskmap.report.publish`; the renderers are the modules ``riskmap.report.markdown`` and
``riskmap.report.html``, each with ``write(report: Report, directory: Path) -> Path``).
The folder is locked for the whole run (:mod:`riskmap.output.lock`): a second
run into it is refused. Progress goes to stderr, a summary table of the
products ranked by risk to stdout.

Exit codes: 0 done, 2 bad input (an output path that cannot be written
included: :mod:`riskmap.output.faults`), 3 a replication failed (the
message names the scenario and the replication), 130 interrupted, 143
terminated. Reports are written only once every replication has finished,
and put in place as a set, so a failed or interrupted run leaves the earlier
reports (or none), never a part of a set.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import re
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from riskmap.cli.common import add_simulation_options, whole_number
from riskmap.escape import terminal
from riskmap.options.plan import MATRIX_ARMS, STOCK_ARMS
from riskmap.report.text import fixed

if TYPE_CHECKING:  # the report layer is imported when a run has a report to show
    from riskmap.report.content import Report
    from riskmap.stats import Estimate

#: renderers written after report.json, in this order.
RENDERERS = ("riskmap.report.markdown", "riskmap.report.html")

EXIT_OK = 0
EXIT_SIMULATION_FAILED = 3


def add_parser(subparsers, name: str, help_text: str) -> argparse.ArgumentParser:
    """Add ``riskmap run`` and its options."""
    parser = subparsers.add_parser(
        name, help=help_text, description=help_text,
        epilog="Writes report.json (and report.md, report.html) into --out DIR.")
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario file (YAML)")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="directory for the reports (default: riskmap-out/<scenario name>)")
    add_simulation_options(parser, "the scenario")
    parser.add_argument("--no-counterfactuals", dest="counterfactuals", action="store_false",
                        help="skip the paired runs that value each alternate, candidate, "
                             "extra stock and what-if (report.json then lists none)")
    parser.add_argument("--stock-arms", type=whole_number, metavar="N", default=STOCK_ARMS,
                        help="simulate the static map's extra stock against at most the N "
                             f"riskiest suppliers the scenario can stop (default {STOCK_ARMS}; "
                             "the others are named in the report)")
    parser.add_argument("--matrix-arms", type=whole_number, metavar="N", default=MATRIX_ARMS,
                        help="simulate the stops of at most N of the suppliers the scenario "
                             "can stop, for the risk matrix's simulated impact (default "
                             f"{MATRIX_ARMS}; the others are named in the report)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run from the checkpoint in --out DIR "
                             "(the report is the same as an uninterrupted run's)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress or messages on stderr")
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the scenario, write the reports, print the summary.

    The output folder is held (:class:`~riskmap.report.publish.OutputFolder`:
    created, locked, an interrupted commit completed) for the whole run, the
    checkpoint and the reports included.
    """
    from riskmap.load import load_scenario
    from riskmap.report.publish import OutputFolder
    from riskmap.run.progress import Progress

    scenario = load_scenario(args.scenario, force=args.force)
    out_dir = Path(args.out) if args.out else default_out_dir(scenario.name)
    progress = Progress(quiet=args.quiet)
    try:
        with OutputFolder(out_dir, "riskmap run") as folder:
            if folder.repaired:
                progress.note(folder.repaired)
            return run_in(folder, scenario, args, progress)
    finally:
        progress.close()


def run_in(folder, scenario, args: argparse.Namespace, progress) -> int:
    """The run inside its held output ``folder``: plan, simulate, publish the report set."""
    from riskmap.analysis import risk_map
    from riskmap.errors import SimulationError
    from riskmap.options import Plan, plan_arms
    from riskmap.report.build import build_report
    from riskmap.report.publish import REPORT_SET
    from riskmap.run.checkpoint import CheckpointExecutor
    from riskmap.run.executors import make_executor

    progress.note(f"mapping {len(scenario.network.items):,} items...")
    static = risk_map(scenario.network)  # once per run: the report and the stock arms use it
    if args.counterfactuals:
        progress.note("planning counterfactuals...")
    plan = (plan_arms(scenario, scenario.alternates, static, args.stock_arms, args.matrix_arms)
            if args.counterfactuals else Plan())
    events = check_work(scenario, args, arms=1 + len(plan.arms))
    checkpoint = start_checkpoint(scenario, args, folder.path, progress.note)
    executor = CheckpointExecutor(
        make_executor(args.workers, args.scheduler, events,
                      warn=lambda message: progress.note(f"warning: {message}")),
        checkpoint)
    try:
        summary, options = simulate_all(scenario, args, executor, static, plan, progress)
    except SimulationError as exc:  # a replication failed, or a worker was lost
        progress.close()
        print(terminal(f"riskmap: error: {exc}"), file=sys.stderr)
        return EXIT_SIMULATION_FAILED
    finally:
        close = getattr(executor, "close", None)  # a cluster connection
        if close is not None:
            close()
    report = build_report(summary, static, options)
    progress.note("writing the reports...")
    # the checkpoint goes with the commit: a run stopped before it can still be resumed
    written = folder.publish(REPORT_SET, lambda staging: write_set(report, staging),
                             then=checkpoint.remove)
    sys.stdout.write(summary_table(report))
    for path in written:
        if path.suffix:  # the files; report-figures/ is named by report.md
            progress.note(f"wrote {path}")
    return EXIT_OK


def write_set(report: Report, directory: Path) -> list[Path]:
    """Write report.json and the renderings of ``report`` into ``directory`` (a staging folder)."""
    from riskmap.report.json import write_report

    return [write_report(report, directory), *write_renderings(report, directory)]


def start_checkpoint(scenario, args: argparse.Namespace, out_dir: Path, say=None):
    """The run's checkpoint in ``out_dir`` (riskmap.run.checkpoint), resumed with ``--resume``.

    ``say(message)`` tells the user about a checkpoint not used or damaged.
    """
    from riskmap.run.checkpoint import Checkpoint, run_manifest

    if say is None:
        def say(message: str) -> None:
            if not args.quiet:
                print(f"riskmap: {message}", file=sys.stderr)
    seed = scenario.seed if args.seed is None else args.seed
    replications = args.replications or scenario.replications
    checkpoint = Checkpoint(out_dir, run_manifest(scenario, seed, replications), warn=say)
    message = checkpoint.start(resume=args.resume)
    if message:
        say(message)
    return checkpoint


def check_work(scenario, args: argparse.Namespace, arms: int = 1) -> float:
    """Refuse an enormous run before it starts, unless ``--force`` (riskmap.run.workload).

    ``arms`` counts the scenario and its counterfactual runs. Returns the
    run's estimated events.
    """
    from riskmap.run.workload import check_budget

    return check_budget(scenario, args.replications or scenario.replications, arms,
                        force=args.force)


def simulate_all(scenario, args: argparse.Namespace, executor, static, plan, progress=None):
    """The main run, then the counterfactual arms of ``plan``; one progress line counts both.

    ``progress`` (a :class:`~riskmap.run.progress.Progress`) also gets a
    line as the simulation starts and as each counterfactual arm starts.
    Returns the :class:`~riskmap.run.montecarlo.RunSummary` and the
    :class:`~riskmap.options.tables.OptionTables` (``None`` with
    ``--no-counterfactuals``).
    """
    from riskmap.options import evaluate
    from riskmap.run.montecarlo import run_scenario
    from riskmap.run.progress import Progress

    n = args.replications or scenario.replications
    total = n * (1 + len(plan.arms))
    arms = len(plan.arms)
    if progress is None:
        progress = Progress(quiet=args.quiet)
    progress.label = (f"replications ({n} x {1 + arms} runs: the scenario and {arms} "
                      f"counterfactual{'s' if arms > 1 else ''})" if arms else "replications")
    progress.note(f"simulating {n:,} replication{'s' if n != 1 else ''} of the scenario"
                  f"{f' and of {arms} counterfactual run' + ('s' if arms > 1 else '') if arms else ''}"
                  f" on {executor.workers} worker{'s' if executor.workers != 1 else ''}...")
    progress.restart()
    try:
        summary = run_scenario(scenario, replications=args.replications, seed=args.seed,
                               executor=executor, progress=lambda done, _: progress(done, total))
        if not args.counterfactuals:
            return summary, None
        announce = arm_announcer(plan, n, progress.note)
        announce(0)
        tables = evaluate(summary, static, plan=plan, executor=executor,
                          progress=lambda done, _: (progress(n + done, total), announce(done)))
    finally:
        progress.close()  # ends the progress line before any later message
    return summary, tables


def arm_announcer(plan, n: int, say):
    """``announce(done)``: says once which arm starts when ``done`` arm replications are counted.

    Arms run one after another, ``n`` replications each, so arm ``k`` starts
    when ``k * n`` are done.
    """
    count = len(plan.arms)
    said = set()

    def announce(done: int) -> None:
        k = done // n if n else 0
        if k < count and k not in said and done == k * n:
            said.add(k)
            say(f"counterfactual {k + 1}/{count}: {plan.arms[k].key}...")

    return announce


def write_renderings(report: Report, out_dir: Path) -> list[Path]:
    """Write report.md / report.html of ``report`` with the installed :data:`RENDERERS`."""
    paths = []
    for module_name in RENDERERS:
        paths.append(importlib.import_module(module_name).write(report, out_dir))
    return paths


#: longest :func:`safe_name` kept whole; a longer one is cut and given a digest.
SAFE_NAME_LENGTH = 80
#: hexadecimal digits of the digest that tells two cut names apart.
SAFE_NAME_DIGEST = 8


def safe_name(name: str) -> str:
    """``name`` as a portable directory name: ASCII lower case, digits, ``.``, ``_``, ``-``.

    Accents are dropped, every other run of characters becomes one ``-``,
    and leading or trailing dots and dashes are removed (no ``..``, no hidden
    directory). A name longer than :data:`SAFE_NAME_LENGTH` characters is cut
    there and ends with ``-`` and the first :data:`SAFE_NAME_DIGEST` hex digits
    of the SHA-256 of the full ``name``, so it fits any file system (255 bytes
    a name) and two long names that start alike still get two folders.

    >>> safe_name("Taiwan earthquake: spring/summer Zürich")
    'taiwan-earthquake-spring-summer-zurich'
    >>> safe_name("..")
    'scenario'
    >>> long = safe_name("A very long scenario name " * 10)
    >>> len(long), long[:26], long[-9:]
    (88, 'a-very-long-scenario-name-', '-c629e9fe')
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", ascii_name.lower()).strip(".-")
    if len(cleaned) > SAFE_NAME_LENGTH:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:SAFE_NAME_DIGEST]
        cleaned = f"{cleaned[:SAFE_NAME_LENGTH].rstrip('.-')}-{digest}"
    return cleaned or "scenario"


def default_out_dir(scenario_name: str) -> Path:
    """``riskmap-out/<safe scenario name>``, relative to the working directory."""
    return Path("riskmap-out") / safe_name(scenario_name)


# --------------------------------------------------------------------------
# Terminal summary


#: columns of the summary: (heading, statistic, decimals).
COLUMNS = (
    ("P(backorder)", "backorder_probability", 3),
    ("fill rate", "fill_rate", 3),
    ("backorder units", "backorder_units", 1),
    ("longest wait", "longest_wait", 1),
    ("lost units", "lost_units", 1),
)


def summary_table(report: Report) -> str:
    """The terminal summary: a row per product, riskiest first, ``mean [95 % CI]`` in each cell.

    The scenario name and product ids are shown through :func:`riskmap.escape.terminal`.
    """
    from riskmap.report.views.products import rank_products

    info = report.scenario
    lines = [
        f"{terminal(info.name)}: {info.replications} replications, seed {info.seed}, "
        f"horizon {info.horizon:g} {report.time_unit}s",
        "",
    ]
    header = ["product"] + [heading for heading, _, _ in COLUMNS]
    rows = [header]
    for pid in rank_products(report):
        stats = report.products[pid]
        rows.append([terminal(pid)] + [_cell(stats.get(name), digits) for _, name, digits in COLUMNS])
    widths = [max(len(row[k]) for row in rows) for k in range(len(header))]
    for i, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    if len(rows) == 1:
        lines.append("(no products)")
    lines += _alert_lines(report)
    lines.append(f"mean [95% CI]; times in {report.time_unit}s")
    return "\n".join(lines) + "\n"


#: the alert columns of the terminal summary: heading, figure, decimals.
ALERT_COLUMNS = (("warned of", "warned_share", 3), ("lead time", "warning_lead_time", 1),
                 ("false alarms / year", "false_alarms_per_year", 2))


def _alert_lines(report: Report) -> list[str]:
    """A row per alert rule (docs/alerts.md), after the products; none without alerts."""
    if not report.alerts:
        return []
    rows = [["alert"] + [heading for heading, _, _ in ALERT_COLUMNS] + ["suggested below"]]
    for alert in report.alerts:
        suggested = "-" if alert.suggested_below is None else f"{alert.suggested_below:g}"
        rows.append([terminal(alert.id)]
                    + [_cell(alert.figures.get(name), digits) for _, name, digits in ALERT_COLUMNS]
                    + [suggested])
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    lines = [""]
    for i, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _cell(estimate: Optional[Estimate], digits: int) -> str:
    if estimate is None or estimate.mean is None:
        return "-"
    low, high = estimate.ci95
    text = fixed(estimate.mean, digits)
    if low is None or high is None:
        return text
    return f"{text} [{fixed(low, digits)}, {fixed(high, digits)}]"
