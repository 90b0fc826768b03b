"""Planning an evaluation: which arms to run, and which are the same run under another name.

An *arm* is one counterfactual run: a changed copy of the scenario
(:mod:`riskmap.options.variants`) under a key that the row builders
(:mod:`riskmap.options.evaluation`) look up:

==========================  ==================================================
key                         the changed copy
==========================  ==================================================
``none``                    every alternate lane switched off
``without:PART@SUPPLIER``   that alternate lane switched off
``alone:PART@SUPPLIER``     every alternate lane switched off but that one
``registered``              every candidate's new supplier and alternate
                            lanes present, switched off
``candidate:ID``            as ``registered``, that candidate switched on
``stock:SUPPLIER``          the static map's extra stock against the supplier
``what_if:ID``              one ``what_if:`` variation applied
``spared:SUPPLIER``         the supplier never stops (the risk matrix's
                            simulated impact of its stops)
``without_rule:PRODUCT/ID`` the product's compensation rule ID removed
==========================  ==================================================

``baseline`` is the main run itself. Arms that are the same run as the
baseline or as an earlier arm become aliases of it and are not run again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from riskmap.analysis.matrix import likelihood, spend, supplier_causes
from riskmap.analysis.risk_map import Exposure, RiskMap
from riskmap.model import Scenario
from riskmap.options.exposure import never_activated, suppliers_that_can_stop
from riskmap.options.variants import (Lane, alternate_sources, switched_off, with_candidate,
                                      spared, with_candidates_off, with_extra_stock,
                                      with_what_if, without_rule)

#: the key of the main run (the scenario as written).
BASELINE = "baseline"
#: the key of the arm with every alternate lane switched off.
NONE = "none"
#: the key of the candidates' reference arm (:func:`~riskmap.options.variants.with_candidates_off`).
REGISTERED = "registered"
#: extra-stock arms run at most by default (``riskmap run --stock-arms``).
STOCK_ARMS = 5
#: ``spared:`` arms (one per supplier the scenario can stop) run at most by default
#: (``riskmap run --matrix-arms``).
MATRIX_ARMS = 8


def arm_key(kind: str, subject: Union[str, Lane]) -> str:
    """The key of the arm of ``kind`` for one lane, candidate, supplier or what-if.

    Parameters
    ----------
    kind : str
        ``without``, ``alone``, ``candidate``, ``stock``, ``what_if`` or ``spared``.
    subject : str or Lane
        An id, or an ``(item id, supplier id)`` lane (written ``PART@SUPPLIER``).

    Examples
    --------
    >>> arm_key("without", ("valve", "valve-mx")), arm_key("what_if", "buffer")
    ('without:valve@valve-mx', 'what_if:buffer')
    """
    name = subject if isinstance(subject, str) else f"{subject[0]}@{subject[1]}"
    return f"{kind}:{name}"


@dataclass(frozen=True)
class Arm:
    """One counterfactual run: a key naming it and the changed scenario it runs."""

    key: str
    scenario: Scenario


@dataclass
class Plan:
    """The arms of one evaluation, in the order they run.

    An arm with the same *signature* as the baseline or an earlier arm is
    not run again: its key becomes an alias. Alternate arms are signed by
    the set of lanes they switch off (the baseline switches off none), so
    with one alternate lane "without it" and "no alternate at all" are one
    run and "it alone" is the baseline; other arms are signed by their key.
    Signatures, not scenario equality, keep planning cheap on large networks.

    Attributes
    ----------
    baseline : Scenario or None
        The scenario as written.
    arms : list of Arm
        The runs to make, in order.
    aliases : dict
        ``{key: key of the run it is}`` for the arms not run.
    stock : list of Exposure
        The suppliers extra stock is simulated against, riskiest first.
    stock_cap : int or None
        The most extra-stock arms the plan was allowed (None: no stock arm asked for).
    stock_left_out : tuple of str
        Suppliers that qualified for an extra-stock arm beyond the cap, riskiest first.
    spared : tuple of str
        The suppliers of the ``spared:`` arms, most likely to stop first.
    spared_cap : int or None
        The most ``spared:`` arms the plan was allowed (None: none asked for).
    spared_left_out : tuple of str
        Suppliers that can stop beyond that cap, most likely to stop first.
    """

    baseline: Optional[Scenario] = None
    arms: list[Arm] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    stock: list[Exposure] = field(default_factory=list)
    stock_cap: Optional[int] = None
    stock_left_out: tuple[str, ...] = ()
    spared: tuple[str, ...] = ()
    spared_cap: Optional[int] = None
    spared_left_out: tuple[str, ...] = ()
    _signed: dict = field(default_factory=lambda: {("off", frozenset()): BASELINE})

    def add(self, key: str, scenario: Scenario, signature=None) -> str:
        """Plan arm ``key`` running ``scenario``, unless a run of the same ``signature`` is planned.

        ``signature`` defaults to the key itself; returns ``key``.
        """
        if key in self.aliases or key in self._signed.values():
            return key
        signature = ("key", key) if signature is None else signature
        same = self._signed.get(signature)
        if same is not None:
            self.aliases[key] = same
            return key
        self._signed[signature] = key
        self.arms.append(Arm(key, scenario))
        return key

    def alias(self, key: str, same: str) -> str:
        """Record that arm ``key`` is, replication by replication, the run ``same``."""
        self.aliases[key] = same
        return key


def stock_options(risk_map: Optional[RiskMap]) -> list[Exposure]:
    """The static map's suppliers whose TTS is below their TTR and whose gap extra stock closes.

    In the map's order (by id); empty without a map. The map holds the
    extra stock in whole units, zeros dropped
    (:class:`~riskmap.analysis.risk_map.ExtraStock`), so a supplier qualifies
    when it names at least one item.
    """
    if risk_map is None:
        return []
    return [s for s in risk_map.suppliers if s.extra_stock is not None and s.extra_stock.items]


def stock_choice(scenario: Scenario, risk_map: Optional[RiskMap],
                 limit: int = STOCK_ARMS) -> tuple[list[Exposure], tuple[str, ...]]:
    """The suppliers to simulate extra stock against, and those left out by ``limit``.

    Only suppliers the scenario can stop
    (:func:`~riskmap.options.exposure.suppliers_that_can_stop`): extra stock
    against a supplier that is never down changes nothing. They are ranked
    riskiest first by the static map (highest REI, then the widest gap of TTS
    below TTR, then id) and the first ``limit`` are kept.
    """
    stoppable = suppliers_that_can_stop(scenario)
    eligible = [s for s in stock_options(risk_map) if s.id in stoppable]
    ranked = sorted(eligible, key=lambda s: (-(s.rei or 0.0), s.tts_minus_ttr
                                             if s.tts_minus_ttr is not None else 0.0, s.id))
    limit = max(0, limit)
    return ranked[:limit], tuple(s.id for s in ranked[limit:])


def spared_choice(scenario: Scenario, risk_map: Optional[RiskMap],
                  limit: int = MATRIX_ARMS) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The suppliers whose stops are simulated for the risk matrix, and those left out by ``limit``.

    Every supplier some disruption of the scenario can stop (the matrix's
    causes, :func:`riskmap.analysis.matrix.supplier_causes`, with a chance
    above 0), ranked by the static score (likelihood x PI), then the
    likelihood, then the spend, highest first, then id; the first ``limit``
    are kept. None without a static map (the matrix has no impact then).
    """
    if risk_map is None:
        return (), ()
    pi = {s.id: s.pi or 0.0 for s in risk_map.suppliers}
    spent, _ = spend(scenario)
    chance = {sid: likelihood(causes) for sid, causes in supplier_causes(scenario).items()
              if causes}
    ranked = sorted((sid for sid, p in chance.items() if p > 0),
                    key=lambda sid: (-chance[sid] * pi.get(sid, 0.0), -chance[sid],
                                     -spent.get(sid, 0.0), sid))
    limit = max(0, limit)
    return tuple(ranked[:limit]), tuple(ranked[limit:])


def plan_arms(scenario: Scenario, mode: str, risk_map: Optional[RiskMap] = None,
              stock_arms: int = STOCK_ARMS, matrix_arms: int = MATRIX_ARMS) -> Plan:
    """Every arm an evaluation runs.

    The arms of an alternate that can never take over
    (:func:`~riskmap.options.exposure.never_activated`) are not run: without
    it the run is the baseline, alone it is ``none``.

    Parameters
    ----------
    scenario : Scenario
        The scenario as written.
    mode : str
        The run's alternates mode: the alternate arms are planned only for
        ``auto``.
    risk_map : RiskMap, optional
        The static map of the network, for the stock arms (none without it).
    stock_arms : int
        The most extra-stock arms to run (:func:`stock_choice`).
    matrix_arms : int
        The most ``spared:`` arms to run (:func:`spared_choice`).

    Returns
    -------
    Plan
    """
    plan = Plan(baseline=scenario)
    lanes = alternate_sources(scenario) if mode == "auto" else []
    stoppable = suppliers_that_can_stop(scenario)
    if lanes and all(never_activated(scenario, item_id, stoppable) for item_id, _ in lanes):
        plan.alias(NONE, BASELINE)  # no alternate ever takes an order
    elif lanes:
        plan.add(NONE, switched_off(scenario, lanes), ("off", frozenset(lanes)))
    for lane in lanes:
        if never_activated(scenario, lane[0], stoppable):
            plan.alias(arm_key("without", lane), BASELINE)
            plan.alias(arm_key("alone", lane), NONE)
            continue
        plan.add(arm_key("without", lane), switched_off(scenario, [lane]),
                 ("off", frozenset([lane])))
        others = [x for x in lanes if x != lane]
        plan.add(arm_key("alone", lane), switched_off(scenario, others),
                 ("off", frozenset(others)))
    if scenario.candidates:
        registered = with_candidates_off(scenario, scenario.candidates)
        if registered == scenario:  # no new supplier, no candidate alternate lane
            plan.alias(REGISTERED, BASELINE)
        else:
            plan.add(REGISTERED, registered)
        for candidate in scenario.candidates:
            plan.add(arm_key("candidate", candidate.id),
                     with_candidate(scenario, candidate, scenario.candidates))
    if risk_map is not None:
        plan.stock, plan.stock_left_out = stock_choice(scenario, risk_map, stock_arms)
        plan.stock_cap = stock_arms
    for supplier in plan.stock:
        plan.add(arm_key("stock", supplier.id),
                 with_extra_stock(scenario, dict(supplier.extra_stock.items)))
    for what_if in scenario.what_if:
        plan.add(arm_key("what_if", what_if.id), with_what_if(scenario, what_if))
    if risk_map is not None:
        plan.spared, plan.spared_left_out = spared_choice(scenario, risk_map, matrix_arms)
        plan.spared_cap = matrix_arms
    for supplier_id in plan.spared:
        plan.add(arm_key("spared", supplier_id), spared(scenario, supplier_id))
    for product, rule in compensation_rules(scenario):
        plan.add(rule_key(product, rule), without_rule(scenario, product, rule))
    return plan


def compensation_rules(scenario: Scenario) -> list[tuple[str, str]]:
    """``(product, rule)`` of every compensation rule of the scenario, products by id."""
    return [(item.id, rule.id) for item in sorted(scenario.network.products, key=lambda i: i.id)
            for rule in item.compensation]


def rule_key(product: str, rule: str) -> str:
    """The key of the arm without one compensation rule: ``without_rule:PRODUCT/RULE``."""
    return arm_key("without_rule", f"{product}/{rule}")
