"""Per-process caches under concurrent first requests: the peak card's Monte Carlo runs once however
many requests arrive together (they wait for it instead of each computing it)."""

from __future__ import annotations

import threading
from typing import Any

from carbonpeak.plan import load_plan
from carbonpeak.web.scenarios.explorer import ScenarioCache


def test_the_peak_card_is_computed_once_for_concurrent_callers() -> None:
    cache = ScenarioCache(load_plan("jinghai-2023"))
    start = threading.Barrier(8)
    cards: list[dict[str, Any]] = []

    def call() -> None:
        start.wait()
        cards.append(cache.peak_card())

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cards) == 8 and cards[0]["ok"] is True
    assert all(card is cards[0] for card in cards)  # one computation, one object
