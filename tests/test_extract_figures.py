"""Figures the tagger misreads or misses: a sum it leaves untagged, a count it takes for
money, a fraction read as a count, and a fee for ending a deal (real spaCy pipeline;
invented names)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _figures(facts: set[tuple[str, str, object, str]]) -> set[tuple[str, str, object]]:
    return {(s, p, o[:2]) for s, p, o, _m in facts if isinstance(o, tuple)}  # type: ignore[misc]


def test_a_fine_the_tagger_leaves_untagged_is_read(read_facts: Any) -> None:
    facts = read_facts("Markets rose.\n\nRegulators fined Orvane Pay a record €1.2 billion.")
    assert ("orvane-pay", "fineAmount", ("money", Decimal("1200000000.0"))) in _figures(facts)


def test_a_count_tagged_as_money_is_a_count(read_facts: Any) -> None:
    facts = read_facts("Markets rose.\n\nOrvane Labs now has more than 20 million monthly users.")
    assert ("orvane-labs", "userCount", ("count", Decimal("20000000"))) in _figures(facts)


def test_a_fraction_of_the_staff_is_no_headcount(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\nOrvane Labs laid off 350 workers, about a third of its staff."
    )
    figures = _figures(facts)
    assert ("orvane-labs", "jobCuts", ("count", Decimal("350"))) in figures
    assert not any(p == "employeeCount" for _s, p, _o in figures)


def test_a_termination_fee_is_no_price_or_deal_value(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\nOrvane Retail agreed to buy Kestrel Foods for $2 billion. If the deal "
        "fails, Orvane Retail must pay an immediate $600 million termination fee."
    )
    figures = _figures(facts)
    assert ("orvane-retail", "dealValue", ("money", Decimal("2000000000"))) in figures
    assert not any(o[1] == Decimal("600000000") for _s, _p, o in figures)  # type: ignore[index]
