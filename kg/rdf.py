"""Entities, facts and documents -> an rdflib Dataset, one named graph per document.

The layout (documented in ontology/kg.ttl and README):

* graph ``kgd:<hash>`` holds everything one document says: the document node,
  the entities it names (type, label, aliases, Wikidata link, mention count)
  and, for each statement, the plain triple plus a ``kg:Fact`` node with its
  evidence.
* graph ``kgd:reference`` holds identity facts taken from the reference KB
  (the maker of a product) for entities the documents name.

IRIs are derived from content (document hash, entity key, fact content), so
the same inputs give the same graph whatever their order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from kg import __version__
from kg.model import Document, Entity, Fact, Quantity
from kg.vocab import KG, KGD, KGF, KGR, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, WD, XSD, term

__all__ = [
    "REFERENCE_GRAPH",
    "document_iri",
    "entity_iri",
    "fact_iri",
    "to_dataset",
]

REFERENCE_GRAPH = KGD["reference"]

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
    for doc in documents:
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
        for key, count in mention_counts.get(doc.id, {}).items():
            e = entities[key]
            for t in _entity_triples(e):
                g.add(t)
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
            for t in _entity_triples(entities[key]):
                g.add(t)
        if isinstance(fact.object, Quantity):
            for t in _quantity_triples(URIRef(str(o)), fact.object):
                g.add(t)
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
        if fact.attributed_to:
            g.add((fnode, KG.reportedBy, Literal(fact.attributed_to)))
    return ds


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
