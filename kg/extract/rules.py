"""Deal and quantity rules from ontology/rules.toml, checked against the ontology.

(The relation lexicon is ontology/triggers.toml, read by kg/extract/triggers.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from kg.errors import OntologyError
from kg.lexicon import load_toml
from kg.vocab import ontology_dir, term

__all__ = ["DealRule", "QuantityRule", "Rules", "load_rules"]


def _phrases(items: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(p.lower().split()) for p in items)


@dataclass(frozen=True)
class DealRule:
    nouns: frozenset[str]
    party_preps: frozenset[str]
    party_verbs: frozenset[str]
    cancel_verbs: tuple[tuple[str, ...], ...]
    cancel_nouns: frozenset[str]
    active_adjectives: frozenset[str]


@dataclass(frozen=True)
class QuantityRule:
    property: str
    kinds: frozenset[str]
    cues: frozenset[str]
    subject: frozenset[str]
    #: "object": the figure belongs to what the cue verb acts on ("fined Acme $2 billion",
    #: "fines for Acme"), not to its subject
    owner: str = "subject"


@dataclass(frozen=True)
class Rules:
    deal: DealRule
    quantities: tuple[QuantityRule, ...]


def _tables(data: dict[str, object], name: str) -> list[dict[str, Any]]:
    rows = data[name]
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise TypeError(f"[[{name}]] must be a list of tables")
    return rows


def _check_property(name: str) -> str:
    try:
        term(name)
    except AttributeError:
        raise OntologyError(
            f"{ontology_dir() / 'rules.toml'}: {name!r} is not a property of ontology/kg.ttl"
        ) from None
    return name


@cache
def load_rules() -> Rules:
    """Load and check ontology/rules.toml (cached)."""
    data = load_toml("rules.toml")
    try:
        d = data["deal"]
        assert isinstance(d, dict)
        deal = DealRule(
            nouns=frozenset(d["nouns"]),
            party_preps=frozenset(d["party_preps"]),
            party_verbs=frozenset(d["party_verbs"]),
            cancel_verbs=_phrases(d["cancel_verbs"]),
            cancel_nouns=frozenset(d["cancel_nouns"]),
            active_adjectives=frozenset(d.get("active_adjectives", [])),
        )
        quantities = tuple(
            QuantityRule(
                property=_check_property(q["property"]),
                kinds=frozenset(q["kind"]),
                cues=frozenset(q["cues"]),
                subject=frozenset(q["subject"]),
                owner=str(q.get("owner", "subject")),
            )
            for q in _tables(data, "quantity")
        )
    except (KeyError, TypeError, AssertionError) as err:
        raise OntologyError(
            f"{ontology_dir() / 'rules.toml'}: missing or bad entry {err}"
        ) from None
    return Rules(deal, quantities)
