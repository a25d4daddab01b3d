"""ontology/kg.ttl and ontology/shapes.ttl: they parse, are documented, and agree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kg.vocab import KG, OWL, RDF, RDFS, ontology_dir

KG_NS = str(KG._NS)
ONTOLOGY_IRI = URIRef(KG_NS.rstrip("#"))
DECLARING_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


def _parse(name: str) -> Graph:
    return Graph().parse(ontology_dir() / name, format="turtle")


ONTOLOGY = _parse("kg.ttl")
SHAPES = _parse("shapes.ttl")


def _declared_terms() -> list[URIRef]:
    return sorted({s for s in ONTOLOGY.subjects() if isinstance(s, URIRef) and s.startswith(KG_NS)})


def _classes_and_properties() -> list[URIRef]:
    return sorted(
        {
            s
            for t in DECLARING_TYPES
            for s in ONTOLOGY.subjects(RDF.type, t)
            if isinstance(s, URIRef)
        }
    )


def _superclasses(cls: Node) -> set[Node | None]:
    """The class and everything it is a subclass of, in kg.ttl."""
    return {cls, *ONTOLOGY.transitive_objects(cls, RDFS.subClassOf)}


def _shapes() -> list[Node]:
    shapes = set(SHAPES.subjects(RDF.type, SH.NodeShape))
    return sorted(shapes | set(SHAPES.subjects(RDF.type, SH.PropertyShape)), key=str)


def _classes_of(shape: Node) -> Iterator[Node]:
    """The classes a shape's sh:class, or sh:or of sh:class, allows."""
    yield from SHAPES.objects(shape, SH["class"])
    for alternatives in SHAPES.objects(shape, SH["or"]):
        for member in Collection(SHAPES, alternatives):
            yield from SHAPES.objects(member, SH["class"])


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_ontology_files_parse(name: str) -> None:
    assert len(_parse(name)) > 50


@pytest.mark.parametrize("graph", [ONTOLOGY, SHAPES], ids=["kg.ttl", "shapes.ttl"])
def test_no_imports(graph: Graph) -> None:
    # pyshacl and rdflib would fetch an imported IRI from the network.
    assert list(graph.triples((None, OWL.imports, None))) == []


def test_ontology_declares_classes_and_properties() -> None:
    assert len(_classes_and_properties()) > 40


@pytest.mark.parametrize("term", _declared_terms(), ids=lambda t: t.removeprefix(KG_NS))
def test_every_term_has_one_label_and_a_comment(term: URIRef) -> None:
    assert len(list(ONTOLOGY.objects(term, RDFS.label))) == 1
    comments = list(ONTOLOGY.objects(term, RDFS.comment))
    assert len(comments) >= 1 and all(str(c).strip() for c in comments)


def test_every_term_is_declared_as_a_class_property_or_individual() -> None:
    kg_classes = set(ONTOLOGY.subjects(RDF.type, OWL.Class))
    for term in _declared_terms():
        types = set(ONTOLOGY.objects(term, RDF.type))
        assert types & (set(DECLARING_TYPES) | kg_classes), term


def test_vocab_lists_exactly_the_declared_terms() -> None:
    declared = {t.removeprefix(KG_NS) for t in _declared_terms()} - {str(ONTOLOGY_IRI)}
    assert set(KG.__annotations__) == declared


def test_vocab_rejects_unknown_terms() -> None:
    with pytest.raises(AttributeError):
        KG.nonsense  # noqa: B018


@pytest.mark.parametrize("shape", _shapes(), ids=lambda s: str(s).rsplit("#", 1)[-1])
def test_every_shape_has_a_label_and_a_message(shape: Node) -> None:
    assert not isinstance(shape, BNode), "name every shape, so that its rule has an IRI"
    assert len(list(SHAPES.objects(shape, RDFS.label))) == 1
    messages = list(SHAPES.objects(shape, SH.message))
    assert len(messages) == 1 and str(messages[0]).endswith(".")


def test_shapes_name_only_declared_terms() -> None:
    declared = set(_declared_terms())
    used = {o for o in SHAPES.objects() if isinstance(o, URIRef) and o.startswith(KG_NS)}
    assert used - declared == set()


@pytest.mark.parametrize("cls", [KG.Modality, KG.DealStatus, KG.Qualifier])
def test_shape_enumerations_match_the_individuals(cls: URIRef) -> None:
    individuals = set(ONTOLOGY.subjects(RDF.type, cls))
    lists = [
        set(Collection(SHAPES, values))
        for values in SHAPES.objects(None, SH["in"])
        if set(Collection(SHAPES, values)) & individuals
    ]
    assert lists, f"no shape enumerates the {cls} individuals"
    assert all(values == individuals for values in lists)


def test_typing_rules_stay_within_domains_and_ranges() -> None:
    """A shape may narrow kg.ttl's domain or range, never contradict it."""
    checked = 0
    for shape in _shapes():
        classes = list(_classes_of(shape))
        if not classes:
            continue
        bounds: list[Node] = []
        path = SHAPES.value(shape, SH.path)
        if path is not None:
            bounds += ONTOLOGY.objects(path, RDFS.range)
        else:
            for prop in SHAPES.objects(shape, SH.targetSubjectsOf):
                bounds += ONTOLOGY.objects(prop, RDFS.domain)
            for prop in SHAPES.objects(shape, SH.targetObjectsOf):
                bounds += ONTOLOGY.objects(prop, RDFS.range)
        for cls in classes:
            for bound in bounds:
                assert bound in _superclasses(cls), f"{shape}: {cls} is not a {bound}"
                checked += 1
    assert checked > 10
