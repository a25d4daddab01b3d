"""Plain data passed between the pipeline stages.

Stages exchange these small frozen dataclasses; only ``kg.rdf`` and the
stages after it touch rdflib terms, so every stage can be tested with
hand-built input.

Offsets are character offsets into ``Document.text`` (end exclusive).
Ontology terms are named by their local name in the ``kg:`` namespace
(``"Organization"``, ``"discontinued"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "OPEN_RELATION",
    "Document",
    "Entity",
    "Evidence",
    "Extraction",
    "Fact",
    "Mention",
    "Quantity",
    "RelationMention",
    "Sentence",
]

#: The property of an open relation: words that relate two entities as no property does.
OPEN_RELATION = "relatedTo"

#: How firmly a text states a fact.
MODALITIES = ("asserted", "negated", "planned", "reported", "hedged")


@dataclass(frozen=True, slots=True)
class Document:
    """One article: its text and what the file says about itself."""

    id: str  # content hash (hex), the document's identity
    source: str  # path or URL it was read from
    text: str
    format: str  # "txt" | "md" | "html"
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    date: str | None = None  # ISO 8601 date when the article gives one
    #: (start, end) spans of article prose; headings and page furniture are left out.
    body: tuple[tuple[int, int], ...] = ()
    #: (start, end) of a headline that makes a statement; read after the body, and a name
    #: in it counts only when the body or the reference KB knows it.
    headline: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A span that names (or refers to) an entity."""

    doc_id: str
    start: int
    end: int
    text: str
    label: str  # ontology class local name: Organization, Person, Product, ...
    name: str  # normalised name used for resolution ("OpenAI" for "OpenAI's")
    source: str = "ner"  # ner | kb | cue | coref | frame
    kb_id: str | None = None  # key in the reference KB when linked
    #: class evidence: how confident the typing is (kb > cue > ner)
    type_weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount of money, a count, a duration or a rate, as the text gives it."""

    kind: str  # money | count | duration | rate
    amount: Decimal
    text: str
    unit: str | None = None  # "USD", "users", "months", ...
    per: str | None = None  # "day" for "a million dollars a day"
    qualifier: str = "exact"  # exact | approximate | at_most | at_least | vague
    upper: Decimal | None = None  # for ranges and "multi-billion"


@dataclass(frozen=True, slots=True)
class RelationMention:
    """One statement of a relation in one sentence, before resolution."""

    doc_id: str
    subject: Mention
    predicate: str  # ontology property local name
    object: Mention | Quantity | str  # str: an ontology individual (e.g. "Cancelled")
    sentence: Sentence
    rule: str  # id of the extraction rule that fired
    modality: str = "asserted"
    confidence: float = 0.7
    attributed_to: str | None = None  # "the Wall Street Journal" for "according to ..."
    text: str | None = None  # an open relation's words ("team up with")


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything the extractors found in one document."""

    document: Document
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    relations: tuple[RelationMention, ...]


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world thing, shared by every document that names it."""

    key: str  # stable slug; the IRI is derived from it
    label: str
    cls: str
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None
    maker: str | None = None  # key of the entity that makes it (from the reference KB)


@dataclass(frozen=True, slots=True)
class Evidence:
    doc_id: str
    sentence: str
    start: int  # sentence offsets in the document text
    end: int


@dataclass(frozen=True, slots=True)
class Fact:
    """A resolved statement: entity keys, one piece of evidence."""

    subject: str  # entity key
    predicate: str
    object: str | Quantity  # entity key, ontology individual, or a quantity
    object_is_entity: bool
    evidence: Evidence
    rule: str
    modality: str = "asserted"
    confidence: float = 0.7
    attributed_to: str | None = None
    text: str | None = None  # an open relation's words (kg:relationText)
