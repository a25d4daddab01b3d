"""Namespaces for the terms of ontology/kg.ttl and the IRIs kg mints.

``KG`` is closed: a misspelt term (``KG.discontinue``) raises at import of the
module that uses it, and ``tests/test_ontology.py`` checks that it lists exactly
the terms declared in ``ontology/kg.ttl``.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

from kg.resources import data_dir

__all__ = [
    "BASE",
    "KG",
    "KGD",
    "KGF",
    "KGR",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "WD",
    "XSD",
    "ontology_dir",
    "term",
]

BASE = "https://w3id.org/kg-news/"


class KG(DefinedNamespace):
    """Terms of the kg ontology (ontology/kg.ttl)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    Entity: URIRef
    Organization: URIRef
    Person: URIRef
    Product: URIRef
    AIModel: URIRef
    Deal: URIRef
    Event: URIRef
    Place: URIRef
    Document: URIRef
    Fact: URIRef
    Quantity: URIRef
    Modality: URIRef
    DealStatus: URIRef
    Qualifier: URIRef
    Conflict: URIRef
    StateChange: URIRef
    LifecycleState: URIRef
    # individuals
    Asserted: URIRef
    Negated: URIRef
    Planned: URIRef
    Reported: URIRef
    Hedged: URIRef
    Announced: URIRef
    Active: URIRef
    Completed: URIRef
    Cancelled: URIRef
    Exact: URIRef
    Approximate: URIRef
    AtMost: URIRef
    AtLeast: URIRef
    Vague: URIRef
    Launched: URIRef
    Discontinued: URIRef
    # relations between entities
    developer: URIRef
    discontinued: URIRef
    launched: URIRef
    announced: URIRef
    party: URIRef
    dealStatus: URIRef
    competesWith: URIRef
    partnersWith: URIRef
    leaderOf: URIRef
    ceoOf: URIRef
    founderOf: URIRef
    investedIn: URIRef
    acquired: URIRef
    sued: URIRef
    fined: URIRef
    owns: URIRef
    locatedIn: URIRef
    headquarteredIn: URIRef
    mergedWith: URIRef
    investigates: URIRef
    worksFor: URIRef
    departedFrom: URIRef
    succeeded: URIRef
    poweredBy: URIRef
    integratedInto: URIRef
    replacedBy: URIRef
    reportedOn: URIRef
    relatedTo: URIRef
    # relations to quantities
    dealValue: URIRef
    userCount: URIRef
    cost: URIRef
    fundingAmount: URIRef
    valuation: URIRef
    fineAmount: URIRef
    jobCuts: URIRef
    revenue: URIRef
    employeeCount: URIRef
    # quantity attributes
    amount: URIRef
    upperAmount: URIRef
    unit: URIRef
    per: URIRef
    quantityKind: URIRef
    qualifier: URIRef
    surfaceText: URIRef
    # evidence
    sentence: URIRef
    startOffset: URIRef
    endOffset: URIRef
    modality: URIRef
    confidence: URIRef
    extractor: URIRef
    reportedBy: URIRef
    relationText: URIRef
    mentionedIn: URIRef
    mentionCount: URIRef
    contentHash: URIRef
    sourcePath: URIRef
    # conflicts
    conflictAbout: URIRef
    conflictProperty: URIRef
    conflictingFact: URIRef
    # provenance and support
    supportCount: URIRef
    # changes over time
    changedEntity: URIRef
    newState: URIRef
    changeFact: URIRef
    dateText: URIRef
    notBefore: URIRef
    notAfter: URIRef


SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
KGR = Namespace(BASE + "id/")  # entities
KGD = Namespace(BASE + "doc/")  # documents; also the names of their graphs
KGF = Namespace(BASE + "fact/")  # facts and quantities

#: Prefixes bound in every export and predeclared for queries.
PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "kgr": str(KGR),
    "kgd": str(KGD),
    "kgf": str(KGF),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "skos": str(SKOS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "wd": str(WD),
}


def term(name: str) -> URIRef:
    """The ``kg:`` term with this local name; ``AttributeError`` if the ontology lacks it."""
    value = getattr(KG, name)
    assert isinstance(value, URIRef)
    return value


def ontology_dir() -> Path:
    """The folder holding kg.ttl, shapes.ttl and the extraction data."""
    return data_dir("ontology")
