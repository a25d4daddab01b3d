"""The model's proposals, checked against the document and the ontology.

A proposal is kept only when:

- the sentence it cites is one of the chunk's sentences (by its number);
- its subject, and its object unless that is a figure, occur in that sentence
  as written (or differing in case only, at word boundaries): kg finds the
  offsets itself, and offsets the model gives are never read;
- the classes are the ontology's, and fit the property's domain and range;
- a figure reads as an amount of a kind the property takes ("$2 billion" for
  a fine, not "last year").

A relation the ontology has no property for becomes the open relation
(``kg:relatedTo``) with the model's words as its text, at a low confidence.
Every proposal that fails is counted under its reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from kg.extract.names import normalise_name
from kg.extract.quantities import parse_quantity
from kg.extract.triggers import load_triggers
from kg.llm.schema import Ontology
from kg.model import OPEN_RELATION, Mention, Quantity, RelationMention, Sentence

__all__ = ["Grounded", "ground"]

#: confidence of a named fact, and of an open relation, the model proposed
CONFIDENCE, OPEN_CONFIDENCE = 0.6, 0.3
#: a name longer than this is not a name
_MAX_NAME = 120
_CURRENCY = re.compile(r"[$€£¥₹]|\b(?:dollars?|euros?|pounds?|yen|yuan|USD|EUR|GBP)\b", re.I)
_PERCENT = re.compile(r"%|\bper ?cent\b", re.I)

# Drop reasons, as the build summary names them.
NO_SENTENCE = "no such sentence"
NOT_IN_SENTENCE = "a name not in its sentence"
OUTSIDE = "outside the ontology"
NO_FIGURE = "not a figure of its kind"
SELF = "an entity related to itself"
MALFORMED = "malformed"


class Grounded:
    """What survived of one document's proposals, and what did not (reason -> count)."""

    def __init__(self, doc_id: str, rule_mentions: Sequence[Mention] = ()) -> None:
        self.doc_id = doc_id
        self.mentions: dict[tuple[int, int], Mention] = {}
        self.relations: list[RelationMention] = []
        self.proposed = 0
        self.dropped: Counter[str] = Counter()
        self._rules = {(m.start, m.end): m for m in rule_mentions}
        self._seen: set[tuple[object, ...]] = set()

    # -------------------------------------------------------------- the parts

    def _mention(self, name: str, cls: str, sentence: Sentence) -> Mention | None:
        span = _find(name.strip(), sentence.text)
        if span is None:
            return None
        start, end = sentence.start + span[0], sentence.start + span[1]
        found = self.mentions.get((start, end)) or self._rules.get((start, end))
        if found is None or found.label != cls and found.source == "llm":
            text = sentence.text[span[0] : span[1]]
            found = Mention(
                self.doc_id, start, end, text, cls, normalise_name(text) or text, source="llm"
            )
        self.mentions[(start, end)] = found
        return found

    def entity(self, raw: dict[str, Any], chunk: Sequence[Sentence], onto: Ontology) -> None:
        """An entity the model lists: kept as a mention when its sentence names it."""
        sentence = _sentence(raw["sentence"], chunk)
        if sentence is not None and raw["type"] in onto.classes:
            self._mention(raw["name"], raw["type"], sentence)

    def fact(self, raw: dict[str, Any], chunk: Sequence[Sentence], onto: Ontology) -> None:
        """A fact the model proposes: kept, or counted under the reason it fails."""
        self.proposed += 1
        reason = self._fact(raw, chunk, onto)
        if reason:
            self.dropped[reason] += 1

    def malformed(self, n: int) -> None:
        """``n`` items of the answer that were not of the schema's shape."""
        if n:
            self.proposed += n
            self.dropped[MALFORMED] += n

    def _fact(self, raw: dict[str, Any], chunk: Sequence[Sentence], onto: Ontology) -> str | None:
        sentence = _sentence(raw["sentence"], chunk)
        if sentence is None:
            return NO_SENTENCE
        subj_cls, obj_cls = raw["subject_type"], raw["object_type"]
        if subj_cls not in onto.classes:
            return OUTSIDE
        prop = onto.relation_named(raw["relation"])
        figure = obj_cls == "Figure"
        if figure != (prop in onto.figures):
            return OUTSIDE  # a figure as a relation's object, or a name as a figure
        if prop is None and not _open_fits(subj_cls, obj_cls):
            return OUTSIDE
        if prop in onto.relations and not load_triggers().fits(prop, subj_cls, obj_cls):
            return OUTSIDE
        if prop in onto.figures and subj_cls not in onto.figures[prop][0]:
            return OUTSIDE
        subject = self._mention(raw["subject"], subj_cls, sentence)
        if subject is None:
            return NOT_IN_SENTENCE
        obj: Mention | Quantity | None
        if figure:
            assert prop is not None
            obj = _figure(raw["object"], sentence.text, onto.figures[prop][1])
            if obj is None:
                return NO_FIGURE
        else:
            obj = self._mention(raw["object"], obj_cls, sentence)
            if obj is None:
                return NOT_IN_SENTENCE
            if (obj.start, obj.end) == (subject.start, subject.end) or obj.name == subject.name:
                return SELF
        text = None if prop else " ".join(re.sub(r"[_\s]+", " ", raw["relation"]).split())[:80]
        predicate = prop or OPEN_RELATION
        key = (sentence.start, predicate, subject.start, _side(obj), text)
        if key in self._seen:
            return None  # the model said it twice: one fact
        self._seen.add(key)
        self.relations.append(
            RelationMention(
                self.doc_id,
                subject,
                predicate,
                obj,
                sentence,
                rule=f"llm.{predicate}",
                modality=raw["modality"],
                confidence=CONFIDENCE if prop else OPEN_CONFIDENCE,
                text=text,
            )
        )
        return None


def ground(
    grounded: Grounded,
    entities: list[dict[str, Any]],
    facts: list[dict[str, Any]],
    malformed: int,
    chunk: Sequence[Sentence],
    onto: Ontology,
) -> None:
    """Check one chunk's answer (already parsed) into ``grounded``."""
    for raw in entities:
        grounded.entity(raw, chunk, onto)
    for raw in facts:
        grounded.fact(raw, chunk, onto)
    grounded.malformed(malformed)


def _side(obj: Mention | Quantity) -> object:
    return obj.start if isinstance(obj, Mention) else (obj.kind, obj.amount, obj.unit)


def _sentence(number: int, chunk: Sequence[Sentence]) -> Sentence | None:
    return chunk[number - 1] if 1 <= number <= len(chunk) else None


def _open_fits(subj: str, obj: str) -> bool:
    found = load_triggers().domain(OPEN_RELATION)
    return found is None or (subj in found[0] and obj in found[1])


def _find(name: str, text: str) -> tuple[int, int] | None:
    """Where ``name`` occurs in ``text`` as a whole word sequence: as written, else in
    another case; None when it does not (or is no name at all)."""
    if not name or len(name) > _MAX_NAME or not any(c.isalnum() for c in name):
        return None
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?!\w)"
    for flags in (0, re.I):
        m = re.search(pattern, text, flags)
        if m:
            return m.start(), m.end()
    return None


def _figure(written: str, sentence: str, kinds: tuple[str, ...]) -> Quantity | None:
    """The figure the model wrote, when the sentence writes it too and it is one of
    ``kinds``."""
    span = _find(written.strip(), sentence)
    if span is None:
        return None
    text = sentence[span[0] : span[1]]
    label = (
        "PERCENT" if _PERCENT.search(text) else "MONEY" if _CURRENCY.search(text) else "CARDINAL"
    )
    before, after = sentence[: span[0]], sentence[span[1] :]
    try:
        q = parse_quantity(text, label, before=before[-40:], after=after[:40])
    except (ValueError, ArithmeticError):
        return None
    return q if q is not None and q.kind in kinds else None
