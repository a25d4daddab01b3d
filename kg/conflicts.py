"""Quantities about the same thing that disagree across documents.

v1 compares the figures stated for one (subject, attribute) in different
documents: two figures conflict when their ranges, widened by what the
text says about them ("around", "fewer than", "multi-billion"), do not
overlap. Rates are compared only with rates per the same unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from kg.model import Fact, Quantity

__all__ = ["Conflict", "find_conflicts", "value_range"]

_SLACK = Decimal("0.2")  # "around a million" covers 800,000 to 1,200,000


@dataclass(frozen=True, slots=True)
class Conflict:
    subject: str
    predicate: str
    a: Fact
    b: Fact


def value_range(q: Quantity) -> tuple[Decimal, Decimal]:
    """The interval of values a stated figure allows."""
    lo = hi = q.amount
    if q.qualifier == "approximate":
        lo, hi = q.amount * (1 - _SLACK), q.amount * (1 + _SLACK)
    elif q.qualifier == "at_most":
        lo = Decimal(0)
    elif q.qualifier == "at_least":
        hi = Decimal("Infinity")
    elif q.qualifier == "vague":
        hi = q.upper if q.upper is not None else q.amount * 1000
    return lo, hi


def _comparable(a: Quantity, b: Quantity) -> bool:
    return a.kind == b.kind and a.unit == b.unit and a.per == b.per


def find_conflicts(facts: Iterable[Fact]) -> list[Conflict]:
    """Pairs of facts from different documents giving incompatible figures."""
    groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for f in facts:
        if isinstance(f.object, Quantity):
            groups[(f.subject, f.predicate)].append(f)
    out: list[Conflict] = []
    for (subject, predicate), group in sorted(groups.items()):
        seen: set[tuple[str, str]] = set()
        for a, b in combinations(group, 2):
            qa, qb = a.object, b.object
            assert isinstance(qa, Quantity) and isinstance(qb, Quantity)
            if a.evidence.doc_id == b.evidence.doc_id or not _comparable(qa, qb):
                continue
            (alo, ahi), (blo, bhi) = value_range(qa), value_range(qb)
            if ahi < blo or bhi < alo:
                pair = tuple(sorted((qa.text, qb.text)))
                if pair not in seen:
                    seen.add(pair)  # type: ignore[arg-type]
                    out.append(Conflict(subject, predicate, a, b))
    return out
