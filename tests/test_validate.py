"""kg.validate: the graph kg writes passes the shapes; damaged graphs are reported."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from kg.errors import OntologyError
from kg.validate import Violation, validate
from kg.vocab import KG, KGR, OWL, PROV, RDF, RDFS, XSD, ontology_dir

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _fact(ds: Dataset, predicate: URIRef) -> tuple[URIRef, Graph]:
    """The first fact node stating ``predicate``, and the graph holding it."""
    for fact, _, _, graph_id in sorted(ds.quads((None, RDF.predicate, predicate, None))):
        assert isinstance(fact, URIRef) and isinstance(graph_id, URIRef)
        return fact, ds.graph(graph_id)
    raise AssertionError(f"no fact states {predicate}")


def _replace(ds: Dataset, node: URIRef, prop: URIRef, value: Literal | URIRef | None) -> URIRef:
    """Set (or, with None, remove) ``prop`` of ``node`` in every graph; return ``node``."""
    graph_ids = {g for _, _, _, g in ds.quads((node, None, None, None))}
    for graph_id in graph_ids:
        assert isinstance(graph_id, URIRef)
        g = ds.graph(graph_id)
        g.remove((node, prop, None))
        if value is not None:
            g.add((node, prop, value))
    return node


def _quantity(ds: Dataset) -> URIRef:
    node = min((s for s, _, _, _ in ds.quads((None, RDF.type, KG.Quantity, None))), key=str)
    assert isinstance(node, URIRef)
    return node


def _document(ds: Dataset) -> URIRef:
    node = min((s for s, _, _, _ in ds.quads((None, RDF.type, KG.Document, None))), key=str)
    assert isinstance(node, URIRef)
    return node


def _no_sentence(ds: Dataset) -> URIRef:
    return _replace(ds, _fact(ds, KG.ceoOf)[0], KG.sentence, None)


def _empty_sentence(ds: Dataset) -> URIRef:
    return _replace(ds, _fact(ds, KG.ceoOf)[0], KG.sentence, Literal(""))


def _confidence_too_high(ds: Dataset) -> URIRef:
    value = Literal("1.5", datatype=XSD.decimal)
    return _replace(ds, _fact(ds, KG.ceoOf)[0], KG.confidence, value)


def _negative_offset(ds: Dataset) -> URIRef:
    return _replace(ds, _fact(ds, KG.ceoOf)[0], KG.startOffset, Literal(-1))


def _offsets_reversed(ds: Dataset) -> URIRef:
    return _replace(ds, _fact(ds, KG.ceoOf)[0], KG.startOffset, Literal(10_000))


def _unknown_modality(ds: Dataset) -> URIRef:
    return _replace(ds, _fact(ds, KG.ceoOf)[0], KG.modality, KG.Cancelled)


def _no_extractor(ds: Dataset) -> URIRef:
    return _replace(ds, _fact(ds, KG.ceoOf)[0], KG.extractor, None)


def _no_fact_subject(ds: Dataset) -> URIRef:
    return _replace(ds, _fact(ds, KG.ceoOf)[0], RDF.subject, None)


def _document_missing(ds: Dataset) -> URIRef:
    fact = _fact(ds, KG.ceoOf)[0]
    return _replace(ds, fact, PROV.wasDerivedFrom, URIRef("https://w3id.org/kg-news/doc/gone"))


def _quantity_without_amount(ds: Dataset) -> URIRef:
    return _replace(ds, _quantity(ds), KG.amount, None)


def _quantity_of_unknown_kind(ds: Dataset) -> URIRef:
    return _replace(ds, _quantity(ds), KG.quantityKind, Literal("weight"))


def _bad_hash(ds: Dataset) -> URIRef:
    return _replace(ds, _document(ds), KG.contentHash, Literal("not-a-hash"))


def _no_label(ds: Dataset) -> URIRef:
    return _replace(ds, KGR["jane-roe"], RDFS.label, None)


def _not_wikidata(ds: Dataset) -> URIRef:
    return _replace(ds, KGR["globex"], OWL.sameAs, URIRef("https://example.org/globex"))


def _party_is_a_product(ds: Dataset) -> URIRef:
    deal = KGR["deal-acme-robotics-globex"]
    _fact(ds, KG.party)[1].add((deal, KG.party, KGR["pixie"]))
    return deal


def _ceo_of_a_product(ds: Dataset) -> URIRef:
    _fact(ds, KG.ceoOf)[1].add((KGR["jane-roe"], KG.ceoOf, KGR["pixie"]))
    return KGR["jane-roe"]


def _discontinued_by_a_person(ds: Dataset) -> URIRef:
    _fact(ds, KG.ceoOf)[1].add((KGR["jane-roe"], KG.discontinued, KGR["globex"]))
    return KGR["jane-roe"]


# (how to break the graph, severity, path, words the message must contain)
BROKEN: list[tuple[Callable[[Dataset], URIRef], str, URIRef, str]] = [
    (_no_sentence, "Violation", KG.sentence, "exactly one evidence sentence"),
    (_empty_sentence, "Violation", KG.sentence, 'non-empty string; got "".'),
    (_confidence_too_high, "Violation", KG.confidence, 'between 0 and 1; got "1.5".'),
    (
        _negative_offset,
        "Violation",
        KG.startOffset,
        'at least 0 and less than its end offset; got "-1"',
    ),
    (_offsets_reversed, "Violation", KG.startOffset, "less than its end offset"),
    (_unknown_modality, "Violation", KG.modality, "asserted, negated, planned, reported or hedged"),
    (_no_extractor, "Violation", KG.extractor, "exactly one extractor"),
    (_no_fact_subject, "Violation", RDF.subject, "exactly one subject"),
    (_document_missing, "Violation", PROV.wasDerivedFrom, "exactly one document"),
    (_quantity_without_amount, "Violation", KG.amount, "exactly one amount"),
    (
        _quantity_of_unknown_kind,
        "Violation",
        KG.quantityKind,
        'money, count, percent, duration or rate; got "weight"',
    ),
    (
        _bad_hash,
        "Violation",
        KG.contentHash,
        '64 lowercase hexadecimal characters (SHA-256); got "not-a-hash"',
    ),
    (_no_label, "Violation", RDFS.label, "An entity needs a label"),
    (_not_wikidata, "Violation", OWL.sameAs, "Wikidata item only"),
    (_party_is_a_product, "Warning", KG.party, "organization or a person; got kgr:pixie."),
    (_ceo_of_a_product, "Warning", KG.ceoOf, "not typed as one; got kgr:pixie."),
]


def test_small_dataset_has_no_violations(small_dataset: Dataset) -> None:
    results = validate(small_dataset)
    assert all(isinstance(r, Violation) for r in results)
    assert [r for r in results if r.severity == "Violation"] == []


@pytest.mark.parametrize(
    ("breaks", "severity", "path", "words"), BROKEN, ids=[b[0].__name__.strip("_") for b in BROKEN]
)
def test_broken_graph_is_reported(
    small_dataset: Dataset,
    breaks: Callable[[Dataset], URIRef],
    severity: str,
    path: URIRef,
    words: str,
) -> None:
    focus = breaks(small_dataset)
    [result] = validate(small_dataset)
    assert (result.focus, result.path, result.severity) == (str(focus), str(path), severity)
    assert words in result.message
    assert result.message[0].isupper() and result.message.endswith(".")


def test_mistyped_subject_is_a_warning_about_the_node(small_dataset: Dataset) -> None:
    focus = _discontinued_by_a_person(small_dataset)
    results = validate(small_dataset)
    assert [(r.focus, r.path, r.severity) for r in results] == [
        (str(focus), None, "Warning"),
        (str(focus), str(KG.discontinued), "Warning"),
    ]
    assert results[0].message.startswith("Only an organization (kg:Organization) discontinues")
    assert results[1].message.endswith("a product, an AI model or an event; got kgr:globex.")


def test_results_are_sorted_violations_first(small_dataset: Dataset) -> None:
    _party_is_a_product(small_dataset)
    _bad_hash(small_dataset)
    _confidence_too_high(small_dataset)
    results = validate(small_dataset)
    assert [r.severity for r in results] == ["Violation", "Violation", "Warning"]
    assert results == validate(small_dataset)
    assert results[:2] == sorted(results[:2], key=lambda r: (r.focus, r.path or ""))


def test_validate_reads_the_union_of_the_graphs(small_dataset: Dataset) -> None:
    # Type the deal's party in another document's graph than the one stating kg:party:
    # only the union of the graphs shows that the party is an organization.
    party_graph = _fact(small_dataset, KG.party)[1]
    other_graph = _fact(small_dataset, KG.ceoOf)[1]
    assert party_graph != other_graph
    party_graph.remove((KGR["globex"], RDF.type, KG.Organization))
    other_graph.add((KGR["globex"], RDF.type, KG.Organization))
    assert validate(small_dataset) == []


def test_validate_leaves_the_dataset_alone(small_dataset: Dataset) -> None:
    before = set(small_dataset.quads((None, None, None, None)))
    validate(small_dataset)
    assert set(small_dataset.quads((None, None, None, None))) == before


def test_validate_does_not_use_the_network(
    small_dataset: Dataset, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError(f"validation tried to connect to {args[1:]}")

    # A copy of the shapes under a new name is parsed afresh, not taken from the cache.
    shapes = tmp_path / "shapes.ttl"
    shapes.write_bytes((ontology_dir() / "shapes.ttl").read_bytes())
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert validate(small_dataset, shapes=shapes) == validate(small_dataset)


def test_malformed_shapes_name_file_and_line(small_dataset: Dataset, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ex: <https://example.org/> .\n"
        "ex:S a sh:NodeShape ;\n"
        "    sh:targetClass ex:C\n"
        "    sh:nodeKind sh:IRI .\n",
        encoding="utf-8",
    )
    with pytest.raises(OntologyError, match=rf"^{shapes}:5: malformed Turtle"):
        validate(small_dataset, shapes=shapes)


def test_missing_shapes_file(small_dataset: Dataset, tmp_path: Path) -> None:
    with pytest.raises(OntologyError, match=r"nothing\.ttl: cannot read"):
        validate(small_dataset, shapes=tmp_path / "nothing.ttl")


def test_other_shapes_can_be_given(small_dataset: Dataset, tmp_path: Path) -> None:
    shapes = tmp_path / "strict.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix kg: <https://w3id.org/kg-news/ontology#> .\n"
        "@prefix ex: <https://example.org/> .\n"
        "ex:HeadlineShape a sh:PropertyShape ;\n"
        "    sh:targetClass kg:Document ;\n"
        "    sh:path <https://schema.org/publisher> ;\n"
        "    sh:minCount 1 ;\n"
        "    sh:severity sh:Info ;\n"
        '    sh:message "Name the publisher." .\n',
        encoding="utf-8",
    )
    [result] = validate(small_dataset, shapes=shapes)
    assert result == Violation(
        focus="https://w3id.org/kg-news/doc/aaaaaaaaaaaaaaaa",
        path="https://schema.org/publisher",
        message="Name the publisher.",
        severity="Info",
    )


@pytest.mark.slow
@pytest.mark.parametrize("corpus", ["sora", "dev", "dev2", "."])
def test_every_shared_corpus_builds_without_violations(corpus: str, tmp_path: Path) -> None:
    from kg.pipeline import build

    folder = SHARED / corpus
    if not folder.is_dir():
        pytest.skip(f"{folder} is not there (the shared corpus sits beside the repository)")
    report = build([folder], store=tmp_path / "store", out=tmp_path / "out")
    assert report.documents >= 5
    violations = [v for v in report.violations if v.severity == "Violation"]
    assert violations == [], [f"{v.focus}: {v.message}" for v in violations[:5]]
