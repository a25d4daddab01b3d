"""The relation lexicon of ontology/triggers.toml, loaded once and checked.

Every property must be one of ontology/kg.ttl; every role one of ``ROLES`` (or a
dotted path of them); a mistake names the file and the entry. A token looks its
triggers up by part of speech and lemma (``Triggers.for_verb``, ``for_noun``,
``for_adjective``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from kg.errors import OntologyError
from kg.lexicon import LEXICON, load_toml
from kg.vocab import ontology_dir, term

__all__ = ["ROLES", "QuantityTrigger", "Trigger", "Triggers", "load_triggers"]

VERB_ROLES = {"subj", "obj", "dative", "clause"}
NOUN_ROLES = {
    "self", "holder", "poss", "compound", "light", "recipient", "amod", "appointer", "under",
    "agent", "accused",
}  # fmt: skip
ROLES = VERB_ROLES | NOUN_ROLES
_PREP_ROLE = re.compile(r"prep:[a-z][a-z ]*")
#: words that end a verb phrase as a preposition ("invest in"), not as a particle
PREPOSITIONS = frozenset(
    "about above across after against along among around as at before behind below beneath "
    "beside between beyond by for from in inside into like near of off on onto out over past "
    "per since than through to toward towards under until upon via with within without".split()
)
#: prepositions that mostly stand as a verb's particle, before its object
_PARTICLES = frozenset({"out", "off", "over"})
_FILE = "triggers.toml"


@dataclass(frozen=True)
class Trigger:
    """One way of stating a property: its words and which roles fill its two sides."""

    property: str
    phrase: tuple[str, ...]  # the words, lower case ("shut", "down")
    pos: str  # "verb", "noun" or "adjective"
    subject: tuple[str, ...]
    object: tuple[str, ...]
    symmetric: bool = False
    modality: str | None = None
    ergative: bool = False
    pairs: bool = False  # a noun whose list of subjects are the two sides ("their merger")
    public: bool = False  # only a public body states it, of someone who is none
    #: the classes its subject and object may have, narrower than the property's
    only: tuple[frozenset[str], frozenset[str]] | None = None
    #: a verb whose subject the clause itself names (not "merged, creating X")
    stated: bool = False
    order: int = 0  # where the lexicon lists it: breaks ties, the same every run

    def rule_id(self) -> str:
        """The rule id a fact of this trigger carries ("acquired.verb.buy")."""
        return f"{self.property}.{self.pos}.{'-'.join(self.phrase)}"


@dataclass(frozen=True)
class QuantityTrigger:
    """A word a figure of one property hangs on, and the roles that hold its owner."""

    property: str
    phrase: tuple[str, ...]
    pos: str  # "verb" or "noun"
    kinds: frozenset[str]  # money, count, percent, rate, duration
    owner: tuple[str, ...]
    order: int = 0
    #: for a verb, the only objects it counts when it has one besides the figure
    #: ("cut 300 jobs", "cut its workforce by 10%"; not "cut prices by 15%"); empty: any
    objects: frozenset[str] = frozenset()

    def rule_id(self) -> str:
        return f"{self.property}.quantity.{'-'.join(self.phrase)}"


@dataclass(frozen=True)
class Triggers:
    """The lexicon, indexed by the first word of verb and adjective phrases and the
    last word of noun phrases (a noun phrase ends in its head)."""

    verbs: dict[str, tuple[Trigger, ...]]
    nouns: dict[str, tuple[Trigger, ...]]
    adjectives: dict[str, tuple[Trigger, ...]]
    classes: dict[str, tuple[frozenset[str], frozenset[str]]]
    possessive: dict[tuple[str, str], str]
    ignored: frozenset[str]
    verb_words: frozenset[str] = field(default_factory=frozenset)  # every verb lemma listed
    #: quantity triggers: first word of a verb phrase / last word of a noun phrase -> them
    quantity_verbs: dict[str, tuple[QuantityTrigger, ...]] = field(default_factory=dict)
    quantity_nouns: dict[str, tuple[QuantityTrigger, ...]] = field(default_factory=dict)

    def domain(self, prop: str) -> tuple[frozenset[str], frozenset[str]] | None:
        """The classes a property's subject and object may have."""
        return self.classes.get(prop)

    def fits(self, prop: str, subject: str, obj: str | None) -> bool:
        """Whether classes ``subject`` and ``obj`` (None: a value) fit ``prop``."""
        found = self.classes.get(prop)
        if found is None:
            return True
        subj, objs = found
        return subject in subj and (obj is None or not objs or obj in objs)


def _where(entry: str) -> str:
    return f"{ontology_dir() / _FILE}: {entry}"


def _check_property(name: str, entry: str) -> str:
    try:
        term(name)
    except AttributeError:
        raise OntologyError(
            _where(f"{entry}: {name!r} is not a property of ontology/kg.ttl")
        ) from None
    return name


def _check_roles(roles: Iterable[str], entry: str) -> tuple[str, ...]:
    out = tuple(roles)
    for role in out:
        for part in role.split("."):
            if part not in ROLES and not _PREP_ROLE.fullmatch(part):
                raise OntologyError(_where(f"{entry}: unknown role {role!r}"))
    return out


def _narrowed(
    row: dict[str, Any], prop: str, entry: str
) -> tuple[frozenset[str], frozenset[str]] | None:
    """A trigger's ``only = [[subject classes], [object classes]]``, checked."""
    if "only" not in row:
        return None
    sides = row["only"]
    if not (
        isinstance(sides, list) and len(sides) == 2 and all(isinstance(c, list) for c in sides)
    ):  # noqa: E501
        shape = "[[subject classes], [object classes]]"
        raise OntologyError(_where(f"{entry}: 'only' must be {shape}"))
    known = set(LEXICON.cues) | {"Organization", "Person", "Product", "AIModel", "Place", "Event"}
    for cls in (c for side in sides for c in side):
        if cls not in known:
            raise OntologyError(_where(f"{entry}: unknown class {cls!r} in 'only'"))
    return frozenset(map(str, sides[0])), frozenset(map(str, sides[1]))


def _triggers(row: dict[str, Any], n: int) -> Iterable[Trigger]:
    prop = _check_property(str(row["property"]), f"[[trigger]] {n}")
    entry = f"[[trigger]] {n} ({prop})"
    symmetric = bool(row.get("symmetric", False))
    modality = str(row["modality"]) if "modality" in row else None
    ergative = bool(row.get("ergative", False))
    pairs = bool(row.get("pairs", False))
    public = bool(row.get("public", False))
    only = _narrowed(row, prop, entry)
    stated = bool(row.get("stated", False))
    for phrase in row.get("verbs", []):
        words = tuple(phrase.lower().split())
        default_obj: tuple[str, ...] = ("obj",)
        if len(words) > 1 and words[-1] in PREPOSITIONS:
            default_obj = (f"prep:{words[-1]}",)
            if words[-1] in _PARTICLES:  # "phase out X", "take over X", "kill off X"
                default_obj = ("obj", *default_obj)
        yield Trigger(
            prop,
            words,
            "verb",
            _check_roles(row.get("subject", ["subj"]), entry),
            _check_roles(row.get("object", default_obj), entry),
            symmetric=symmetric,
            modality=modality,
            ergative=ergative,
            pairs=pairs,
            public=public,
            only=only,
            stated=stated,
        )
    nouns = list(row.get("nouns", []))
    if "cue_nouns" in row:
        cls = str(row["cue_nouns"])
        if cls not in LEXICON.cues:
            raise OntologyError(_where(f"{entry}: no cue words of class {cls!r} in lexicon.toml"))
        nouns += sorted(LEXICON.cues[cls])
    for phrase in nouns:
        yield Trigger(
            prop,
            tuple(phrase.lower().split()),
            "noun",
            _check_roles(row.get("subject", ["poss", "prep:by", "light"]), entry),
            _check_roles(row.get("object", ["prep:of", "compound"]), entry),
            symmetric=symmetric,
            modality=modality,
            ergative=ergative,
            pairs=pairs,
            public=public,
            only=only,
            stated=stated,
        )
    for phrase in row.get("adjectives", []):
        words = tuple(phrase.lower().split())
        default_obj = (f"prep:{words[-1]}",) if len(words) > 1 else ("obj",)
        yield Trigger(
            prop,
            words,
            "adjective",
            _check_roles(row.get("subject", ["subj"]), entry),
            _check_roles(row.get("object", default_obj), entry),
            symmetric=symmetric,
            modality=modality,
            ergative=ergative,
            pairs=pairs,
            public=public,
            only=only,
            stated=stated,
        )


@cache
def load_triggers() -> Triggers:
    """Load and check ontology/triggers.toml (cached)."""
    data = load_toml(_FILE)
    try:
        classes = {
            _check_property(name, f"[property.{name}]"): (
                frozenset(spec["subject"]),
                frozenset(spec["object"]),
            )
            for name, spec in dict(data["property"]).items()  # type: ignore[call-overload]
        }
        rows = data["trigger"]
        assert isinstance(rows, list)
        found = [
            replace(t, order=i)
            for i, t in enumerate(t for n, row in enumerate(rows, 1) for t in _triggers(row, n))
        ]
        possessive: dict[tuple[str, str], str] = {}
        for pair, prop in dict(data.get("possessive", {})).items():  # type: ignore[call-overload]
            thing, _, owner = str(pair).partition("<")
            possessive[(thing, owner)] = _check_property(str(prop), f"[possessive] {pair}")
        ignored = frozenset(dict(data.get("open", {})).get("ignore", []))  # type: ignore[call-overload]
    except (KeyError, TypeError, AssertionError) as err:
        raise OntologyError(_where(f"missing or bad entry {err}")) from None
    quantity_rows = data.get("quantity", [])
    assert isinstance(quantity_rows, list)
    quantities = [
        replace(q, order=i)
        for i, q in enumerate(
            q for n, row in enumerate(quantity_rows, 1) for q in _quantity(row, n)
        )
    ]
    everything: list[Trigger | QuantityTrigger] = [*found, *quantities]
    for t in everything:
        if t.property not in classes:
            raise OntologyError(_where(f"no [property.{t.property}] for trigger {t.rule_id()}"))
    index: dict[str, dict[str, list[Trigger]]] = {"verb": {}, "noun": {}, "adjective": {}}
    for t in found:
        key = t.phrase[-1] if t.pos == "noun" else t.phrase[0]
        index[t.pos].setdefault(key, []).append(t)
    # Longer phrases first: "take over from" before "take over".
    sort = {k: tuple(sorted(v, key=lambda t: -len(t.phrase))) for k, v in index["verb"].items()}
    return Triggers(
        verbs=sort,
        nouns={k: tuple(sorted(v, key=lambda t: -len(t.phrase))) for k, v in index["noun"].items()},
        adjectives={k: tuple(v) for k, v in index["adjective"].items()},
        classes=classes,
        possessive=possessive,
        ignored=ignored,
        verb_words=frozenset(sort),
        quantity_verbs=_index([q for q in quantities if q.pos == "verb"], first=True),
        quantity_nouns=_index([q for q in quantities if q.pos == "noun"], first=False),
    )


def _index(items: list[QuantityTrigger], *, first: bool) -> dict[str, tuple[QuantityTrigger, ...]]:
    out: dict[str, list[QuantityTrigger]] = {}
    for q in items:
        out.setdefault(q.phrase[0] if first else q.phrase[-1], []).append(q)
    return {k: tuple(sorted(v, key=lambda q: -len(q.phrase))) for k, v in out.items()}


def _quantity(row: dict[str, Any], n: int) -> Iterable[QuantityTrigger]:
    prop = _check_property(str(row["property"]), f"[[quantity]] {n}")
    entry = f"[[quantity]] {n} ({prop})"
    kinds = frozenset(row["kinds"])
    owner = _check_roles(row["owner"], entry)
    objects = frozenset(str(w).lower() for w in row.get("objects", []))
    for pos, key in (("verb", "verbs"), ("noun", "nouns")):
        for phrase in row.get(key, []):
            yield QuantityTrigger(
                prop, tuple(phrase.lower().split()), pos, kinds, owner, objects=objects
            )
