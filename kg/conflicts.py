"""Claims across documents: which agree (support) and which disagree (conflicts).

A *claim* is what a fact says independently of where: its subject, property,
object (for a quantity, the figure: kind, amount, range, unit, rate) and
whether it is denied. ``support_counts`` counts the distinct documents that
state each claim.

Two figures for the same (subject, attribute) from different documents
conflict when their ranges, widened by what the text says about them
("around", "fewer than", "multi-billion"), do not overlap. They are not
compared at all when they measure different things:

* a rate is compared only with a rate per the same unit, money with money in
  the same currency, a count with a count;
* a duration counted from one event is not compared with one counted from
  another ("six months after its public release" and "15 months after its
  reveal");
* a figure the sentence places at a particular point of a change ("peaked at",
  "fell to") is not compared with one placed at another point or at none;
* denied and merely possible figures ("may be worth") are no claims to contradict.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import TYPE_CHECKING, Any

from kg.model import Fact, Quantity

if TYPE_CHECKING:
    from kg.store import Location

__all__ = [
    "Conflict",
    "Side",
    "Source",
    "StoredConflict",
    "claim_key",
    "conflict_id",
    "find_conflicts",
    "measured_from",
    "read_conflicts",
    "support_counts",
    "value_range",
]

_SLACK = Decimal("0.2")  # "around a million" covers 800,000 to 1,200,000

#: a claim: (subject, property, object or figure, denied?)
Claim = tuple[str, str, object, bool]


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two facts from different documents giving incompatible figures.

    ``a`` and ``b`` are one fact for each side (the first in document order);
    ``support_a`` and ``support_b`` count the documents stating each side.
    """

    subject: str
    predicate: str
    a: Fact
    b: Fact
    support_a: int = 1
    support_b: int = 1


def _figure(q: Quantity) -> tuple[object, ...]:
    upper = None if q.upper is None else q.upper.normalize()
    return (q.kind, q.amount.normalize(), upper, q.unit, q.per)


def claim_key(fact: Fact) -> Claim:
    """What ``fact`` claims, whatever document or sentence states it."""
    obj: object = _figure(fact.object) if isinstance(fact.object, Quantity) else fact.object
    return (fact.subject, fact.predicate, obj, fact.modality == "negated")


def support_counts(facts: Iterable[Fact]) -> dict[Claim, int]:
    """For each claim, how many distinct documents state it."""
    docs: dict[Claim, set[str]] = defaultdict(set)
    for f in facts:
        docs[claim_key(f)].add(f.evidence.doc_id)
    return {k: len(v) for k, v in docs.items()}


def conflict_id(c: Conflict) -> str:
    """A name for the conflict derived from its content: subject, property and both figures."""
    a, b = sorted(repr(claim_key(side)) for side in (c.a, c.b))
    raw = "|".join((c.subject, c.predicate, a, b))
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


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
        # "multi-billion", "several million": two or more of the unit, below the next scale.
        if q.amount > 0:
            unit = Decimal(10) ** q.amount.adjusted()
            lo = max(q.amount, 2 * unit)
        hi = q.upper if q.upper is not None else q.amount * 1000
    elif q.upper is not None:  # a range: "$2-3 million"
        hi = q.upper
    return lo, hi


# "after its public release", "since the reveal", "from launch": the event a duration counts from
_ANCHOR = re.compile(
    r"^\W*(?:after|since|from|following|before)\s+(?P<what>[^,;.()—–]+)", re.IGNORECASE
)
_ANCHOR_FILLER = frozenset(
    "its the their his her a an this that it to technology's company's app's product's "
    "model's initial first original".split()
)
# Words before a figure that place it at one point of a change.
_POINTS = {
    "peak": re.compile(r"\b(?:peak(?:ed)?|at its (?:height|peak)|high of|record)\b", re.I),
    "fall": re.compile(
        r"\b(?:fell|fallen|falls?|dropped|drops?|collapsed|declined|shr[au]nk|down)\s+(?:to|by)?\s*$",
        re.I,
    ),
    "rise": re.compile(
        r"\b(?:rose|risen|grew|grown|climbed|jumped|increased)\s+(?:to|by)?\s*$", re.I
    ),
    "before": re.compile(r"\b(?:previously|formerly|once|originally|initially)\b", re.I),
}


def _around(fact: Fact) -> tuple[str, str]:
    """The words of the evidence sentence before and after the figure."""
    q = fact.object
    assert isinstance(q, Quantity)
    sentence = fact.evidence.sentence
    at = sentence.find(q.text)
    if at < 0:
        return sentence, ""
    return sentence[:at], sentence[at + len(q.text) :]


def measured_from(fact: Fact) -> str | None:
    """For a duration, the event it is counted from ("public release"); None if not given."""
    if not isinstance(fact.object, Quantity) or fact.object.kind != "duration":
        return None
    m = _ANCHOR.match(_around(fact)[1])
    if not m:
        return None
    words = [w.lower() for w in re.findall(r"[\w'’]+", m.group("what"))[:4]]
    content = [w.replace("’", "'") for w in words if w.replace("’", "'") not in _ANCHOR_FILLER]
    return " ".join(content) or None


def _point(fact: Fact) -> str | None:
    before = _around(fact)[0][-40:]
    return next((name for name, rx in _POINTS.items() if rx.search(before)), None)


def _comparable(fa: Fact, fb: Fact) -> bool:
    a, b = fa.object, fb.object
    assert isinstance(a, Quantity) and isinstance(b, Quantity)
    if (a.kind, a.unit, a.per) != (b.kind, b.unit, b.per):
        return False
    if a.kind == "duration" and measured_from(fa) != measured_from(fb):
        return False
    return _point(fa) == _point(fb)


def find_conflicts(
    facts: Iterable[Fact], *, support: Mapping[Claim, int] | None = None
) -> list[Conflict]:
    """Pairs of incompatible figures for one (subject, attribute) from different documents.

    One conflict per pair of distinct figures, however many documents state
    each; its sides are the first fact (in document order) stating each figure.
    """
    facts = list(facts)
    counts = support if support is not None else support_counts(facts)
    groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for f in facts:
        if isinstance(f.object, Quantity) and f.modality not in ("negated", "hedged"):
            groups[(f.subject, f.predicate)].append(f)
    out: list[Conflict] = []
    for (subject, predicate), group in sorted(groups.items()):
        group.sort(key=lambda f: (f.evidence.doc_id, f.evidence.start))
        seen: set[tuple[Claim, Claim]] = set()
        for a, b in combinations(group, 2):
            if a.evidence.doc_id == b.evidence.doc_id or not _comparable(a, b):
                continue
            qa, qb = a.object, b.object
            assert isinstance(qa, Quantity) and isinstance(qb, Quantity)
            (alo, ahi), (blo, bhi) = value_range(qa), value_range(qb)
            if ahi < blo or bhi < alo:
                ka, kb = claim_key(a), claim_key(b)
                pair = (ka, kb) if repr(ka) <= repr(kb) else (kb, ka)
                if pair not in seen:
                    seen.add(pair)
                    out.append(Conflict(subject, predicate, a, b, counts[ka], counts[kb]))
    return out


# ---------------------------------------------------------------- conflicts in a built store


@dataclass(frozen=True, slots=True)
class Source:
    """One document stating one side of a conflict."""

    document: str  # the document's IRI
    path: str
    title: str | None
    sentence: str


@dataclass(frozen=True, slots=True)
class Side:
    """One figure of a conflict and every document that states it."""

    value: str  # the figure as the article words it ("multi-billion dollar")
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class StoredConflict:
    """A ``kg:Conflict`` read back from a store, with each side's sources."""

    iri: str
    subject: str  # the entity's IRI
    label: str
    predicate: str  # the property's IRI
    sides: tuple[Side, ...]

    @property
    def predicate_name(self) -> str:
        """The property's local name ("dealValue")."""
        return self.predicate.rsplit("#", 1)[-1]


_NS = (
    "PREFIX kg: <https://w3id.org/kg-news/ontology#> "
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "PREFIX prov: <http://www.w3.org/ns/prov#> "
    "PREFIX schema: <https://schema.org/> "
)
_CONFLICT_SIDES = (
    _NS
    + """
SELECT ?c ?about ?label ?prop ?fact WHERE {
  GRAPH <https://w3id.org/kg-news/doc/conflicts> {
    ?c a kg:Conflict ; kg:conflictAbout ?about ; kg:conflictProperty ?prop ;
       kg:conflictingFact ?fact .
  }
  OPTIONAL { ?about rdfs:label ?label }
}"""
)
_FIGURES = (
    _NS
    + """
SELECT ?fact ?s ?p ?kind ?amount ?upper ?unit ?per ?text ?sentence ?doc ?path ?title ?start
WHERE {
  ?fact a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?q ;
        kg:sentence ?sentence ; kg:startOffset ?start ; prov:wasDerivedFrom ?doc .
  ?q kg:quantityKind ?kind ; kg:amount ?amount ; kg:surfaceText ?text .
  OPTIONAL { ?q kg:upperAmount ?upper } OPTIONAL { ?q kg:unit ?unit } OPTIONAL { ?q kg:per ?per }
  ?doc kg:sourcePath ?path . OPTIONAL { ?doc schema:headline ?title }
}"""
)


def read_conflicts(store: Location) -> list[StoredConflict]:
    """The conflicts recorded in the store at ``store``, each side with every document stating it.

    Raises ``StoreError`` when there is no store there.
    """
    from kg.store import open_store

    ox_store = open_store(store)
    try:
        conflicts: dict[str, dict[str, Any]] = {}
        for row in ox_store.query(_CONFLICT_SIDES, use_default_graph_as_union=True):  # type: ignore[union-attr]
            c = conflicts.setdefault(
                row["c"].value,
                {
                    "about": row["about"].value,
                    "label": row["label"].value if row["label"] is not None else None,
                    "prop": row["prop"].value,
                    "facts": set(),
                },
            )
            c["facts"].add(row["fact"].value)
        figures: dict[str, dict[str, Any]] = {}
        for row in ox_store.query(_FIGURES, use_default_graph_as_union=True):  # type: ignore[union-attr]
            figures[row["fact"].value] = {
                k: (row[k].value if row[k] is not None else None)
                for k in ("s", "p", "kind", "amount", "upper", "unit", "per", "text")
                + ("sentence", "doc", "path", "title", "start")
            }
    finally:
        del ox_store

    def figure(f: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(f[k] for k in ("s", "p", "kind", "amount", "upper", "unit", "per"))

    by_figure: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for f in figures.values():
        by_figure[figure(f)].append(f)
    out: list[StoredConflict] = []
    for iri, c in sorted(conflicts.items()):
        sides: list[Side] = []
        for fact in sorted(c["facts"]):
            if fact not in figures:
                continue
            stating = sorted(
                by_figure[figure(figures[fact])], key=lambda f: (f["path"], int(f["start"]))
            )
            seen: set[str] = set()
            sources: list[Source] = []
            for f in stating:
                if f["doc"] not in seen:  # one line per document: its first sentence
                    seen.add(f["doc"])
                    sources.append(Source(f["doc"], f["path"], f["title"], f["sentence"]))
            sides.append(Side(figures[fact]["text"], tuple(sources)))
        sides.sort(key=lambda s: (s.sources[0].path if s.sources else "", s.value))
        label = c["label"] or c["about"].rsplit("/", 1)[-1]
        out.append(StoredConflict(iri, c["about"], label, c["prop"], tuple(sides)))
    return out
