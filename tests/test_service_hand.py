"""Hand-traced updates and inquiries (docs/customers.md, "Updates and inquiries").

The network of tests/test_customers_hand.py's broken promises: p has 1 on
hand, base stock 1 reviewed every 4 days, lead time 1, but its supplier ships
only 0.5 units a day. Orders come at 1, 2, 3, ...; the order of 1 ships at
once. The orders of 2 and 3 are promised 5, revised at 6 (the next stock
movement) to 11 and filled at 11; the order of 4 is promised 11 and filled at
11; those of 5, 6 and 7 are promised 11 and still wait at the horizon 12;
those of 8 to 11 are promised 19.
"""

from __future__ import annotations

import numpy as np
import pytest

from riskmap.dists import Constant
from riskmap.model import (Demand, Inquiries, Item, Network, Policy, Scenario, Source, Supplier,
                           Updates)
from riskmap.sim import service
from riskmap.sim.engine import simulate

pytestmark = pytest.mark.hand


def run(updates, inquiries=None):
    net = Network("n", suppliers=(Supplier("s", "S", capacity=0.5),), items=(
        Item("p", "product", stock=1, policy=Policy("base_stock", level=1, review_period=4.0),
             sources=(Source("s", lead_time=Constant(1)),),
             demand=Demand(interval=Constant(1)), updates=updates, inquiries=inquiries),))
    return simulate(Scenario("hand", net, horizon=12), np.random.SeedSequence(0), orders=True)


def test_updates_every_three_days_and_on_revision():
    # order  waits     scheduled (ordered + 3k, before the end)  revision  sent
    #   2    2 - 11    5, 8                                       6         3
    #   3    3 - 11    6, 9                                       6         3
    #   4    4 - 11    7, 10                                      -         2
    #   5    5 - 12    8, 11                                      -         2
    #   6    6 - 12    9                                          -         1
    #   7    7 - 12    10                                         -         1
    #   8    8 - 12    11                                         -         1
    # Missed: the dates that passed are 5 (orders 2, 3: updates at 5 and 6 follow it
    # by the revision at 6) and 11 (orders 5, 6, 7, waiting to 12): order 5 hears at
    # 11, orders 6 and 7 hear nothing in [11, 12]: 2 missed.
    result = run(Updates(every=3.0))
    assert [(r.ordered_at, r.updates) for r in result.orders] == [
        (2, 3), (3, 3), (4, 2), (5, 2), (6, 1), (7, 1), (8, 1), (9, 0), (10, 0), (11, 0)]
    figures = result.service["p"]
    assert (figures.updates_sent, figures.updates_missed) == (13, 2)
    assert figures.inquiries is None


def test_without_scheduled_updates_only_revisions_are_sent():
    # Two revisions (orders 2 and 3 at 6), each a sent update covering its passed date;
    # the date 11 of orders 5, 6, 7 passes with no news: 3 missed.
    result = run(Updates(every=None, on_revision=True))
    assert (result.service["p"].updates_sent, result.service["p"].updates_missed) == (2, 3)


def test_inquiries_come_only_while_late_and_not_recently_updated(monkeypatch):
    # Late stretches: orders 2, 3 over [5, 6) (until the revision), orders 5, 6, 7 over
    # [11, 12). An update holds contacts off for 2 days: order 2 was updated at 5,
    # order 3 only at 6 (its stretch [5, 6) is open), order 5 at 11, order 6 last at 9
    # (over by 11: [11, 12) open), order 7 at 10 (covers to 12). So contacts are drawn
    # over [5, 6) and [11, 12), rate 0.5 a day.
    drawn = []
    monkeypatch.setattr(service.ServiceDesk, "_draw", lambda self, a, b: drawn.append((a, b)))
    run(Updates(every=3.0), Inquiries(rate=0.5, after_update=2.0))
    assert sorted(drawn) == [(5, 6), (11, 12)]


def test_inquiry_counts_and_their_peak():
    # Without updates every late stretch is open: [5, 6) twice, [11, 12) three times,
    # 5 days of lateness at 40 contacts a day: about 200 contacts, all in days 5 and 11.
    result = run(None, Inquiries(rate=40.0))
    figures = result.service["p"]
    assert figures.updates_sent is None
    days = [r.inquiries for r in result.orders]
    assert sum(days) == figures.inquiries
    assert [r.inquiries > 0 for r in result.orders] == [True, True, False, True, True, True,
                                                        False, False, False, False]
    assert 100 < figures.inquiries < 300
    assert figures.inquiries_per_day == pytest.approx(figures.inquiries / 12)
    assert figures.inquiries_peak_day >= figures.inquiries / 2
