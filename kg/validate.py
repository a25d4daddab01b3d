"""Check a graph against the SHACL shapes of ontology/shapes.ttl.

Validation runs pyshacl over the union of every graph in the dataset, with
ontology/kg.ttl mixed in as the ontology and no inference: the shapes name the
classes kg writes, so RDFS reasoning would only cost time (on a graph of 20,000
triples it takes pyshacl from about half a second to about six) and find nothing
more. Nothing is fetched from the network: neither file has ``owl:imports`` and
imports are not followed.

Results come back as plain :class:`Violation` records, sorted so that the same
graph always gives the same list.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from kg.errors import OntologyError
from kg.rdf import union_graph
from kg.vocab import PREFIXES, RDF, ontology_dir

__all__ = ["SEVERITIES", "Violation", "validate"]

#: Severity names, most serious first (the local names of sh:Violation, sh:Warning, sh:Info).
SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node at fault, the property involved and what is wrong.

    ``focus`` is the node's IRI (``_:…`` for a blank node); ``path`` the
    property's IRI, or None when the rule is about the node itself.
    """

    focus: str
    path: str | None
    message: str
    severity: str  # "Violation" | "Warning" | "Info"


def validate(ds: Dataset, *, shapes: Path | None = None) -> list[Violation]:
    """Validate every graph of ``ds`` together against the shapes; return the results.

    ``shapes`` defaults to ontology/shapes.ttl. An empty list means the graph
    conforms; warnings (mistyped entities) come back too, after the violations.
    Raises :class:`~kg.errors.OntologyError` when a shapes or ontology file is
    missing or malformed.
    """
    shapes_graph = _load_turtle(shapes or ontology_dir() / "shapes.ttl")
    ont_graph = _load_turtle(ontology_dir() / "kg.ttl")
    data = union_graph(ds)
    _conforms, report, _text = shacl_validate(
        data,
        shacl_graph=shapes_graph,
        ont_graph=ont_graph,
        inference="none",
        advanced=False,
        do_owl_imports=False,
        inplace=True,  # ``data`` is our own copy
    )
    if not isinstance(report, Graph):
        raise OntologyError(f"SHACL validation failed to run: {report}")
    return sorted(set(_violations(report)), key=_sort_key)


@functools.lru_cache(maxsize=16)
def _load_turtle(path: Path) -> Graph:
    """Parse a Turtle file once per process.

    Callers must not modify the returned graph: it is shared.
    Raises :class:`~kg.errors.OntologyError` naming the file (and the line, for
    a syntax error) when it cannot be read or parsed.
    """
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except BadSyntax as exc:
        raise OntologyError(f"{path}:{exc.lines + 1}: malformed Turtle: {exc.args[-1]}") from exc
    except OSError as exc:
        raise OntologyError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except ValueError as exc:  # rdflib's other parse errors (bad IRIs, literals)
        raise OntologyError(f"{path}: malformed Turtle: {exc}") from exc
    return graph


def _violations(report: Graph) -> list[Violation]:
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        severity = report.value(result, SH.resultSeverity)
        value = report.value(result, SH.value)
        path = report.value(result, SH.resultPath)
        text = _message(report, result)
        if value is not None and value != focus:
            text = f"{text.rstrip('.')}; got {_show(value)}."
        found.append(
            Violation(
                focus=_node_id(focus),
                path=_path(path, report) if path is not None else None,
                message=text,
                severity=_local_name(severity) if severity is not None else "Violation",
            )
        )
    return found


def _message(report: Graph, result: Node) -> str:
    """The shape's message; English or untagged first, should a shape carry several."""
    messages = sorted(
        report.objects(result, SH.resultMessage),
        key=lambda m: (isinstance(m, Literal) and m.language not in (None, "en"), str(m)),
    )
    return str(messages[0]) if messages else "Does not conform to the shapes."


def _sort_key(v: Violation) -> tuple[int, str, str, str]:
    rank = SEVERITIES.index(v.severity) if v.severity in SEVERITIES else len(SEVERITIES)
    return rank, v.focus, v.path or "", v.message


def _local_name(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _node_id(node: Node | None) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


_PREFIXES = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def _compact(iri: str) -> str:
    for prefix, ns in _PREFIXES:
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def _show(node: Node) -> str:
    """A value as a user would recognise it: kgr:pixie, "1.5", or a blank node's id."""
    if isinstance(node, URIRef):
        return _compact(str(node))
    if isinstance(node, Literal):
        return f'"{node}"'
    return _node_id(node)


def _path(path: Node, report: Graph) -> str:
    """A SHACL property path in SPARQL syntax; a plain predicate is its IRI."""
    if isinstance(path, URIRef):
        return str(path)
    if (inverse := report.value(path, SH.inversePath)) is not None:
        return f"^{_path_term(inverse, report)}"
    if (alternatives := report.value(path, SH.alternativePath)) is not None:
        return "|".join(_path_term(p, report) for p in Collection(report, alternatives))
    for predicate, op in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        if (inner := report.value(path, predicate)) is not None:
            return f"{_path_term(inner, report)}{op}"
    if report.value(path, RDF.first) is not None:
        return "/".join(_path_term(p, report) for p in Collection(report, path))
    return _node_id(path)


def _path_term(path: Node, report: Graph) -> str:
    text = _path(path, report)
    return f"<{text}>" if isinstance(path, URIRef) else f"({text})"
