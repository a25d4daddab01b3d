"""Entities and facts -> quads: one named graph per document, evidence on every fact."""

from __future__ import annotations

import random
from dataclasses import replace

from rdflib import Dataset, Literal, URIRef
from rdflib.compare import isomorphic

from kg.rdf import REFERENCE_GRAPH, add_reference_facts, document_iri, entity_iri, to_dataset
from kg.vocab import KG, PROV, RDF, XSD


def _graphs(ds: Dataset) -> dict[str, set[tuple[object, object, object]]]:
    out: dict[str, set[tuple[object, object, object]]] = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        out.setdefault(str(g), set()).add((s, p, o))
    return out


def test_one_named_graph_per_document(small_facts, small_dataset) -> None:  # type: ignore[no-untyped-def]
    docs = small_facts[0]
    names = set(_graphs(small_dataset))
    assert names == {str(document_iri(d.id)) for d in docs}
    for d in docs:
        g = small_dataset.graph(document_iri(d.id))
        assert (document_iri(d.id), RDF.type, KG.Document) in g
        assert (document_iri(d.id), KG.contentHash, Literal(d.id)) in g


def test_every_fact_has_its_evidence_in_its_documents_graph(small_facts, small_dataset) -> None:  # type: ignore[no-untyped-def]
    docs = {document_iri(d.id): d for d in small_facts[0]}
    facts = list(small_dataset.quads((None, RDF.type, KG.Fact, None)))
    assert len(facts) == len(small_facts[2])
    for fnode, _, _, graph in facts:
        g = small_dataset.graph(graph)
        doc = docs[URIRef(str(graph))]
        sentence = str(g.value(fnode, KG.sentence))
        start = g.value(fnode, KG.startOffset)
        end = g.value(fnode, KG.endOffset)
        assert start is not None and end is not None
        assert start.datatype == XSD.integer
        assert doc.text[int(start) : int(end)] == sentence
        assert g.value(fnode, PROV.wasDerivedFrom) == URIRef(str(graph))
        s, p, o = (g.value(fnode, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        assert (s, p, o) in g, "the plain triple sits beside its fact node"


def test_quantities_are_typed(small_dataset) -> None:  # type: ignore[no-untyped-def]
    amounts = {
        (str(o), o.datatype) for _, _, o, _ in small_dataset.quads((None, KG.amount, None, None))
    }
    assert amounts == {("1000000000.0", XSD.decimal), ("2000000.0", XSD.decimal)}
    units = {str(o) for _, _, o, _ in small_dataset.quads((None, KG.unit, None, None))}
    assert units == {"USD"}
    pers = {str(o) for _, _, o, _ in small_dataset.quads((None, KG.per, None, None))}
    assert pers == {"day"}


def test_same_input_in_any_order_gives_the_same_graph(small_facts) -> None:  # type: ignore[no-untyped-def]
    docs, entities, facts, counts = small_facts
    shuffled = facts[:]
    random.Random(7).shuffle(shuffled)
    a = to_dataset(docs, entities, facts, counts)
    b = to_dataset(list(reversed(docs)), entities, shuffled, counts)
    ga, gb = _graphs(a), _graphs(b)
    assert ga.keys() == gb.keys()
    for name in ga:
        assert isomorphic(a.graph(URIRef(name)), b.graph(URIRef(name)))
    assert ga == gb  # no blank nodes: the IRIs themselves are the same


def test_reference_maker_links_only_between_named_entities(small_facts, small_dataset) -> None:  # type: ignore[no-untyped-def]
    _, entities, _, _ = small_facts
    add_reference_facts(small_dataset, entities, {"pixie", "acme-robotics"})
    g = small_dataset.graph(REFERENCE_GRAPH)
    assert (entity_iri("pixie"), KG.developer, entity_iri("acme-robotics")) in g
    add_reference_facts(small_dataset, entities, {"pixie"})  # maker not named: nothing new
    assert len(list(g.triples((None, KG.developer, None)))) == 1


def test_a_negated_fact_has_no_plain_triple(small_facts) -> None:  # type: ignore[no-untyped-def]
    """'Acme did not buy Globex': a query for purchases must not find it; its fact node,
    flagged kg:Negated, keeps the statement and its evidence."""
    docs, entities, facts, counts = small_facts
    denial = replace(facts[0], predicate="acquired", object="globex", modality="negated")
    ds = to_dataset(docs, entities, [*facts, denial], counts)
    acme, globex = entity_iri("acme-robotics"), entity_iri("globex")
    assert not list(ds.quads((acme, KG.acquired, globex, None)))
    [(node, _, _, graph)] = ds.quads((None, RDF.predicate, KG.acquired, None))
    assert (node, KG.modality, KG.Negated) in ds.graph(graph)
    assert (node, RDF.object, globex) in ds.graph(graph)
    # what is not negated keeps its plain triple
    assert list(ds.quads((acme, KG.discontinued, entity_iri("pixie"), None)))
