"""Relation rules from ontology/rules.toml, checked against the ontology."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from kg.errors import OntologyError
from kg.lexicon import load_toml
from kg.vocab import ontology_dir, term

__all__ = ["DealRule", "QuantityRule", "RelationRule", "Rules", "TriggerIndex", "load_rules"]


def _phrases(items: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(p.lower().split()) for p in items)


@dataclass(frozen=True)
class RelationRule:
    property: str
    verbs: tuple[tuple[str, ...], ...]
    inverse_verbs: tuple[tuple[str, ...], ...]
    nouns: tuple[tuple[str, ...], ...]
    adjectives: tuple[tuple[str, ...], ...]
    titles: tuple[tuple[str, ...], ...]
    holder: str
    subject: frozenset[str]
    object: frozenset[str]


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
class TriggerIndex:
    """First (or, for titles, last) word of each trigger phrase -> indexes of its rules."""

    verbs: dict[str, tuple[int, ...]]
    nouns: dict[str, tuple[int, ...]]
    noun_lemmas: dict[str, tuple[int, ...]]  # one-word nouns, also matched by lemma
    titles: dict[str, tuple[int, ...]]
    adjectives: dict[str, tuple[int, ...]]


@dataclass(frozen=True)
class Rules:
    relations: tuple[RelationRule, ...]
    deal: DealRule
    quantities: tuple[QuantityRule, ...]

    @cached_property
    def triggers(self) -> TriggerIndex:
        """The relation rules' trigger words, so that a token looks up its rules."""
        tables: dict[str, dict[str, set[int]]] = {
            k: {} for k in ("verbs", "nouns", "noun_lemmas", "titles", "adjectives")
        }
        for i, rule in enumerate(self.relations):
            words = [
                *(("verbs", p[0]) for p in (*rule.verbs, *rule.inverse_verbs)),
                *(("nouns", p[0]) for p in rule.nouns),
                *(("noun_lemmas", p[0]) for p in rule.nouns if len(p) == 1),
                *(("titles", p[-1]) for p in rule.titles),
                *(("adjectives", p[0]) for p in rule.adjectives),
            ]
            for table, word in words:
                tables[table].setdefault(word, set()).add(i)
        return TriggerIndex(
            **{k: {w: tuple(sorted(v)) for w, v in t.items()} for k, t in tables.items()}
        )

    def domain(self, prop: str) -> tuple[frozenset[str], frozenset[str]] | None:
        for r in self.relations:
            if r.property == prop:
                return r.subject, r.object
        for q in self.quantities:
            if q.property == prop:
                return q.subject, frozenset()
        return None


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
        relations = tuple(
            RelationRule(
                property=_check_property(r["property"]),
                verbs=_phrases(r.get("verbs", [])),
                inverse_verbs=_phrases(r.get("inverse_verbs", [])),
                nouns=_phrases(r.get("nouns", [])),
                adjectives=_phrases(r.get("adjectives", [])),
                titles=_phrases(r.get("titles", [])),
                holder=r.get("holder", "subject"),
                subject=frozenset(r["subject"]),
                object=frozenset(r["object"]),
            )
            for r in _tables(data, "relation")
        )
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
    return Rules(relations, deal, quantities)
