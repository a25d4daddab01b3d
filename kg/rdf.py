"""Entities, facts and documents -> an rdflib Dataset, one named graph per document.

The layout (documented in ontology/kg.ttl and README):

* graph ``kgd:<hash>`` holds everything one document says: the document node,
  the entities it names (type, label, aliases, Wikidata link, mention count)
  and, for each statement, the plain triple plus a ``kg:Fact`` node with its
  evidence.
* graph ``kgd:reference`` holds identity facts taken from the reference KB
  (the maker of a product) for entities the documents name.
* each document's graph also holds its extraction as a ``prov:Activity``
  (every fact ``prov:wasGeneratedBy`` it) and, for facts that change the state
  of a thing (launched, discontinued, announced, a deal's status), a
  ``kg:StateChange`` with the dates the sentence gives.
* graph ``kgd:derived`` holds what depends on several documents (each fact's
  ``kg:supportCount``), and ``kgd:conflicts`` the ``kg:Conflict`` nodes; both
  are rewritten by every build (``add_derived``), so removing a document never
  leaves a stale figure in another document's graph.

IRIs are derived from content (document hash, entity key, fact content), so
the same inputs give the same graph whatever their order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg import __version__
from kg.cache import extractor_version
from kg.conflicts import Conflict, claim_key, conflict_id, support_counts
from kg.dates import find_date, parse_iso
from kg.model import Document, Entity, Fact, Quantity
from kg.vocab import KG, KGD, KGF, KGR, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, WD, XSD, term

__all__ = [
    "CONFLICTS_GRAPH",
    "DERIVED_GRAPH",
    "REFERENCE_GRAPH",
    "activity_iri",
    "add_derived",
    "conflict_iri",
    "document_iri",
    "entity_iri",
    "fact_iri",
    "to_dataset",
    "union_graph",
]

REFERENCE_GRAPH = KGD["reference"]
DERIVED_GRAPH = KGD["derived"]
CONFLICTS_GRAPH = KGD["conflicts"]

#: predicate -> the state the changed thing is in afterwards (None: the fact's object)
_STATE_CHANGES: dict[str, URIRef | None] = {
    "launched": KG.Launched,
    "discontinued": KG.Discontinued,
    "announced": KG.Announced,
    "dealStatus": None,
}

_MODALITY = {
    "asserted": KG.Asserted,
    "negated": KG.Negated,
    "planned": KG.Planned,
    "reported": KG.Reported,
    "hedged": KG.Hedged,
}
_QUALIFIER = {
    "exact": KG.Exact,
    "approximate": KG.Approximate,
    "at_most": KG.AtMost,
    "at_least": KG.AtLeast,
    "vague": KG.Vague,
}


def document_iri(doc_id: str) -> URIRef:
    """The IRI of a document, which also names its graph."""
    return KGD[doc_id[:16]]


def entity_iri(key: str) -> URIRef:
    return KGR[key]


def activity_iri(doc_id: str) -> URIRef:
    """The extraction activity that read the document and generated its facts."""
    return KGF[f"extraction-{doc_id[:16]}"]


def agent_iri() -> URIRef:
    """kg itself, as the software agent of every extraction (one per version and rule set)."""
    return KGF[f"kg-{extractor_version().replace('+', '-')}"]


def conflict_iri(conflict: Conflict) -> URIRef:
    return KGF[f"conflict-{conflict_id(conflict)}"]


def fact_iri(fact: Fact) -> URIRef:
    obj = fact.object if isinstance(fact.object, str) else repr(fact.object)
    raw = "|".join(
        (
            fact.evidence.doc_id,
            fact.subject,
            fact.predicate,
            obj,
            str(fact.evidence.start),
            fact.rule,
        )
    )
    return KGF[hashlib.sha256(raw.encode()).hexdigest()[:20]]


def new_dataset() -> Dataset:
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True, replace=True)
    return ds


def union_graph(ds: Dataset, *, store: str = "Memory") -> Graph:
    """Every triple of every graph of ``ds`` (default graph included), each once.

    A new graph on its own ``store`` ("Memory"; "SimpleMemory" is faster to fill
    and to search but is not context-aware, which pyshacl needs).
    """
    union = Graph(store=store)
    add = union.store.add
    for triple, _contexts in ds.store.triples((None, None, None), context=None):
        add(triple, union)
    return union


def _decimal_literal(value: Decimal, kind: str) -> Literal:
    """Counts as xsd:integer, other amounts as xsd:decimal in canonical form ("1000000000.0")."""
    if kind in ("count",) and value == value.to_integral_value():
        return Literal(int(value), datatype=XSD.integer)
    return Literal(_canonical_decimal(value), datatype=XSD.decimal)


def _canonical_decimal(value: Decimal) -> str:
    # The form Oxigraph keeps, so that the store and the exports agree.
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def _quantity_triples(node: URIRef, q: Quantity) -> Iterable[tuple[Node, Node, Node]]:
    yield node, RDF.type, KG.Quantity
    yield node, KG.quantityKind, Literal(q.kind)
    yield node, KG.amount, _decimal_literal(q.amount, q.kind)
    if q.upper is not None:
        yield node, KG.upperAmount, _decimal_literal(q.upper, q.kind)
    if q.unit:
        yield node, KG.unit, Literal(q.unit)
    if q.per:
        yield node, KG.per, Literal(q.per)
    yield node, KG.qualifier, _QUALIFIER[q.qualifier]
    yield node, KG.surfaceText, Literal(q.text)


def _entity_triples(e: Entity) -> Iterable[tuple[Node, Node, Node]]:
    node = entity_iri(e.key)
    yield node, RDF.type, term(e.cls)
    yield node, RDFS.label, Literal(e.label)
    for alias in e.aliases:
        if alias != e.label:
            yield node, SKOS.altLabel, Literal(alias)
    if e.wikidata:
        yield node, OWL.sameAs, WD[e.wikidata]


def _object_node(fact: Fact, fnode: URIRef) -> Node:
    if isinstance(fact.object, Quantity):
        return URIRef(str(fnode) + "-q")
    if fact.object_is_entity:
        return entity_iri(fact.object)
    return term(fact.object)


def to_dataset(
    documents: Iterable[Document],
    entities: Mapping[str, Entity],
    facts: Iterable[Fact],
    mention_counts: Mapping[str, Mapping[str, int]],
) -> Dataset:
    """Encode a build's output as quads, one named graph per document."""
    ds = new_dataset()
    published: dict[str, str | None] = {}
    described: set[tuple[str, str]] = set()  # (document, entity): its triples are in

    def describe(g: Graph, doc_id: str, key: str) -> None:
        if (doc_id, key) not in described:
            described.add((doc_id, key))
            for t in _entity_triples(entities[key]):
                g.add(t)

    for doc in documents:
        published[doc.id] = doc.date
        g = ds.graph(document_iri(doc.id))
        d = document_iri(doc.id)
        g.add((d, RDF.type, KG.Document))
        g.add((d, KG.contentHash, Literal(doc.id)))
        g.add((d, KG.sourcePath, Literal(doc.source)))
        if doc.title:
            g.add((d, SCHEMA.headline, Literal(doc.title)))
        if doc.url:
            g.add((d, SCHEMA.url, Literal(doc.url, datatype=XSD.anyURI)))
        if doc.publisher:
            g.add((d, SCHEMA.publisher, Literal(doc.publisher)))
        if doc.date:
            g.add((d, SCHEMA.datePublished, Literal(doc.date, datatype=XSD.date)))
        for t in _activity_triples(doc):
            g.add(t)
        for key, count in mention_counts.get(doc.id, {}).items():
            describe(g, doc.id, key)
            g.add((entity_iri(key), KG.mentionedIn, d))
            g.add((entity_iri(key), KG.mentionCount, Literal(count, datatype=XSD.integer)))

    for fact in facts:
        doc_node = document_iri(fact.evidence.doc_id)
        g = ds.graph(doc_node)
        fnode = fact_iri(fact)
        s = entity_iri(fact.subject)
        p = term(fact.predicate)
        o = _object_node(fact, fnode)
        named = [fact.subject]
        if fact.object_is_entity and isinstance(fact.object, str):
            named.append(fact.object)
        for key in named:
            describe(g, fact.evidence.doc_id, key)
        if isinstance(fact.object, Quantity):
            for t in _quantity_triples(URIRef(str(o)), fact.object):
                g.add(t)
        if fact.modality != "negated":
            # "Orvane did not buy Halvex": no plain triple says it did; the fact node
            # below keeps the statement, flagged kg:Negated
            g.add((s, p, o))
        g.add((fnode, RDF.type, KG.Fact))
        g.add((fnode, RDF.subject, s))
        g.add((fnode, RDF.predicate, p))
        g.add((fnode, RDF.object, o))
        g.add((fnode, KG.sentence, Literal(fact.evidence.sentence)))
        g.add((fnode, KG.startOffset, Literal(fact.evidence.start, datatype=XSD.integer)))
        g.add((fnode, KG.endOffset, Literal(fact.evidence.end, datatype=XSD.integer)))
        g.add((fnode, KG.modality, _MODALITY[fact.modality]))
        confidence = _canonical_decimal(Decimal(f"{fact.confidence:.2f}"))
        g.add((fnode, KG.confidence, Literal(confidence, datatype=XSD.decimal)))
        g.add((fnode, KG.extractor, Literal(f"{fact.rule}@{__version__}")))
        g.add((fnode, PROV.wasDerivedFrom, doc_node))
        g.add((fnode, PROV.wasGeneratedBy, activity_iri(fact.evidence.doc_id)))
        if fact.attributed_to:
            g.add((fnode, KG.reportedBy, Literal(fact.attributed_to)))
        if fact.text:
            g.add((fnode, KG.relationText, Literal(fact.text)))
        for t in _state_change_triples(fact, fnode, published.get(fact.evidence.doc_id)):
            g.add(t)
    return ds


def _activity_triples(doc: Document) -> Iterable[tuple[Node, Node, Node]]:
    # No timestamps: the same inputs must give the same graph, byte for byte. No
    # rdfs:label either: in kg's graphs, labelled nodes are the things articles name.
    act, agent = activity_iri(doc.id), agent_iri()
    yield act, RDF.type, PROV.Activity
    yield act, PROV.used, document_iri(doc.id)
    yield act, PROV.wasAssociatedWith, agent
    yield agent, RDF.type, PROV.SoftwareAgent
    yield agent, RDFS.label, Literal(f"kg {__version__}")
    yield agent, SCHEMA.softwareVersion, Literal(extractor_version())


def _state_change_triples(
    fact: Fact, fnode: URIRef, published: str | None
) -> Iterable[tuple[Node, Node, Node]]:
    """A fact that changes the state of a thing, as a kg:StateChange event with its dates."""
    if fact.predicate not in _STATE_CHANGES or fact.modality in ("negated", "hedged"):
        return
    state = _STATE_CHANGES[fact.predicate]
    if state is None:  # a deal's status: the deal changes, into the status named
        if not isinstance(fact.object, str) or fact.object_is_entity:
            return
        thing, state = fact.subject, term(fact.object)
    else:
        if not (fact.object_is_entity and isinstance(fact.object, str)):
            return
        thing = fact.object
    event = URIRef(str(fnode) + "-change")
    yield event, RDF.type, KG.StateChange
    yield event, KG.changedEntity, entity_iri(thing)
    yield event, KG.newState, state
    yield event, KG.changeFact, fnode
    found = find_date(
        fact.evidence.sentence, parse_iso(published), future=fact.modality == "planned"
    )
    if found is None:
        return
    yield event, KG.dateText, Literal(found.text)
    if found.earliest is not None and found.latest is not None:
        yield event, KG.notBefore, Literal(found.earliest.isoformat(), datatype=XSD.date)
        yield event, KG.notAfter, Literal(found.latest.isoformat(), datatype=XSD.date)


def add_derived(ds: Dataset, facts: Iterable[Fact], conflicts: Iterable[Conflict]) -> None:
    """Add what depends on several documents: support counts and conflicts.

    ``kgd:derived`` gets each fact's ``kg:supportCount`` (how many documents
    state the same claim); ``kgd:conflicts`` gets one ``kg:Conflict`` per pair
    of disagreeing figures, pointing at one fact of each side.
    """
    facts = list(facts)
    counts = support_counts(facts)
    derived = ds.graph(DERIVED_GRAPH)
    for fact in facts:
        n = counts[claim_key(fact)]
        derived.add((fact_iri(fact), KG.supportCount, Literal(n, datatype=XSD.integer)))
    g = ds.graph(CONFLICTS_GRAPH)
    for c in conflicts:
        node = conflict_iri(c)
        g.add((node, RDF.type, KG.Conflict))
        g.add((node, KG.conflictAbout, entity_iri(c.subject)))
        g.add((node, KG.conflictProperty, term(c.predicate)))
        for side in (c.a, c.b):
            g.add((node, KG.conflictingFact, fact_iri(side)))


def add_reference_facts(ds: Dataset, entities: Mapping[str, Entity], present: set[str]) -> None:
    """Add the reference KB's maker links between entities the documents name."""
    g = ds.graph(REFERENCE_GRAPH)
    for key in sorted(present):
        e = entities[key]
        if e.maker and e.maker in present:
            g.add((entity_iri(key), KG.developer, entity_iri(e.maker)))
            for t in _entity_triples(e):
                g.add(t)
            for t in _entity_triples(entities[e.maker]):
                g.add(t)
