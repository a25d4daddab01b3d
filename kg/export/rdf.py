"""The graph as standard RDF files: Turtle, TriG, N-Quads and JSON-LD.

Every file is deterministic: quads are sorted (blank nodes, if any, are first
relabelled with RDFC-1.0) and the prefix header is written by us in the order
of ``kg.vocab.PREFIXES``, so the same dataset gives the same bytes however its
triples were added. Files are written to a temporary name in the output folder
and renamed over the old ones only once every requested file is complete.
"""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import Dataset

from kg.errors import KGError
from kg.export.files import replace_files
from kg.store import to_oxigraph
from kg.vocab import PREFIXES

__all__ = [
    "DEFAULT_FORMATS",
    "EXPORT_FORMATS",
    "canonical_quads",
    "compact_iri",
    "render_exports",
    "serialize_jsonld",
    "serialize_turtle",
    "write_exports",
]

_RDF_TYPE = PREFIXES["rdf"] + "type"
_XSD_STRING = PREFIXES["xsd"] + "string"
# A local name every Turtle, TriG and JSON-LD reader accepts after "prefix:".
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def compact_iri(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str | None:
    """``prefix:local`` for ``iri`` using the longest matching namespace, or None."""
    if prefixes is PREFIXES:
        return _compact_project_iri(iri)
    return _compact(iri, prefixes)


@functools.lru_cache(maxsize=1 << 16)
def _compact_project_iri(iri: str) -> str | None:
    return _compact(iri, PREFIXES)


def _compact(iri: str, prefixes: Mapping[str, str]) -> str | None:
    best: tuple[int, str] | None = None
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and (best is None or len(ns) > best[0]):
            local = iri[len(ns) :]
            if local == "" or _LOCAL.fullmatch(local):
                best = (len(ns), f"{prefix}:{local}")
    return best[1] if best else None


# ---------------------------------------------------------------- ordering


_RDF_TYPE_NODE = ox.NamedNode(_RDF_TYPE)


def _triple_key(t: ox.Triple | ox.Quad) -> str:
    # Subject, predicate, object in N-Triples form; rdf:type sorts first so that
    # Turtle reads "x a kg:Class ; ...". One string compares faster than a tuple.
    p = t.predicate
    return f"{t.subject}\x00{'' if p == _RDF_TYPE_NODE else p}\x00{t.object}"


def _quad_key(q: ox.Quad) -> str:
    g = q.graph_name
    return f"{'' if isinstance(g, ox.DefaultGraph) else g}\x00{_triple_key(q)}"


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads, duplicates dropped, blank nodes relabelled canonically, sorted.

    Sorted by graph (default graph first), then subject, predicate and object,
    each compared in its N-Triples form.
    """
    unique = set(quads)
    if any(
        isinstance(term, ox.BlankNode)
        for q in unique
        for term in (q.subject, q.object, q.graph_name)
    ):
        dataset = ox.Dataset(unique)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        unique = set(dataset)
    return sorted(unique, key=_quad_key)


# ---------------------------------------------------------------- serialisers


def _prefix_header(prefixes: Mapping[str, str]) -> bytes:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items()).encode()


def _with_own_header(body: bytes, prefixes: Mapping[str, str]) -> bytes:
    # pyoxigraph writes its @prefix lines in hash order; replace them with ours.
    lines = body.splitlines(keepends=True)
    start = 0
    while start < len(lines) and lines[start].startswith(b"@prefix "):
        start += 1
    rest = b"".join(lines[start:])
    header = _prefix_header(prefixes)
    return header + b"\n" + rest if header and rest else header + rest


def _used_prefixes(
    terms: Iterable[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple],
) -> dict[str, str]:
    iris: set[str] = set()
    for term in terms:
        if isinstance(term, ox.NamedNode):
            iris.add(term.value)
        elif isinstance(term, ox.Literal) and not term.language:
            if term.datatype.value != _XSD_STRING:
                iris.add(term.datatype.value)
    return {p: ns for p, ns in PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}


def serialize_turtle(triples: Iterable[ox.Triple], *, only_used_prefixes: bool = False) -> bytes:
    """Sorted Turtle with the project prefixes (all of them, or only those used)."""
    ordered = sorted(set(triples), key=_triple_key)
    prefixes: Mapping[str, str] = PREFIXES
    if only_used_prefixes:
        prefixes = _used_prefixes(
            t for tr in ordered for t in (tr.subject, tr.predicate, tr.object)
        )
    body = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes))
    return _with_own_header(body or b"", prefixes)


def _write_turtle(quads: list[ox.Quad], out: BinaryIO) -> None:
    out.write(serialize_turtle(q.triple for q in quads))


def _write_trig(quads: list[ox.Quad], out: BinaryIO) -> None:
    body = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=dict(PREFIXES))
    out.write(_with_own_header(body or b"", PREFIXES))


def _write_nquads(quads: list[ox.Quad], out: BinaryIO) -> None:
    ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)


def _jsonld_id(term: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value) or term.value
    raise KGError(f"cannot write {term!r} as a JSON-LD node")


def _jsonld_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Any:
    if isinstance(term, ox.Literal):
        if term.language:
            value = {"@value": term.value, "@language": term.language}
            if term.direction is not None:
                value["@direction"] = term.direction.value
            return value
        if term.datatype.value == _XSD_STRING:
            return term.value  # a bare JSON string is an xsd:string literal
        return {"@value": term.value, "@type": _jsonld_id(term.datatype)}
    if isinstance(term, ox.Triple):
        raise KGError("JSON-LD 1.1 cannot express quoted triples (RDF-star)")
    return {"@id": _jsonld_id(term)}


def _jsonld_nodes(quads: Iterable[ox.Quad]) -> list[dict[str, Any]]:
    nodes: dict[str, dict[str, list[Any]]] = {}
    for q in quads:  # sorted by subject, rdf:type first, then predicate and object
        node_id = _jsonld_id(q.subject)  # type: ignore[arg-type]
        node = nodes.setdefault(node_id, {})
        if q.predicate.value == _RDF_TYPE and not isinstance(q.object, ox.Literal):
            node.setdefault("@type", []).append(_jsonld_id(q.object))  # type: ignore[arg-type]
        else:
            node.setdefault(_jsonld_id(q.predicate), []).append(_jsonld_value(q.object))
    return [
        {"@id": node_id}
        | {key: values[0] if len(values) == 1 else values for key, values in node.items()}
        for node_id, node in nodes.items()
    ]


def serialize_jsonld(quads: Sequence[ox.Quad]) -> bytes:
    """JSON-LD 1.1 with an inline ``@context`` of the project prefixes.

    Named graphs become ``{"@id": graph, "@graph": [...]}`` objects. ``quads``
    should come from ``canonical_quads`` for stable output.
    """
    default = [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
    top = {node["@id"]: node for node in _jsonld_nodes(default)}
    graphs: dict[str, list[ox.Quad]] = {}
    for q in quads:
        if not isinstance(q.graph_name, ox.DefaultGraph):
            graphs.setdefault(_jsonld_id(q.graph_name), []).append(q)
    for graph_id, members in graphs.items():
        top.setdefault(graph_id, {"@id": graph_id})["@graph"] = _jsonld_nodes(members)
    # One node per line: as easy to read and diff as an indented document, and the
    # standard library's fast encoder only writes unindented JSON.
    context = ",\n".join(f"    {_json(p)}: {_json(ns)}" for p, ns in PREFIXES.items())
    items = []
    for node in top.values():
        nested = node.get("@graph")
        if nested is None:
            items.append(f"    {_json(node)}")
            continue
        head = _json({k: v for k, v in node.items() if k != "@graph"})[:-1]
        inner = ",\n".join(f"      {_json(m)}" for m in nested)
        items.append(
            f'    {head}, "@graph": [\n{inner}\n    ]}}' if inner else f'    {head}, "@graph": []}}'
        )
    graph = "[\n" + ",\n".join(items) + "\n  ]" if items else "[]"
    return f'{{\n  "@context": {{\n{context}\n  }},\n  "@graph": {graph}\n}}\n'.encode()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _write_jsonld(quads: list[ox.Quad], out: BinaryIO) -> None:
    out.write(serialize_jsonld(quads))


Writer = Callable[[list[ox.Quad], BinaryIO], None]

#: The formats ``kg build`` writes.
DEFAULT_FORMATS = ("ttl", "trig", "jsonld")

#: Export formats by name: the file each writes in the output folder, and its writer.
EXPORT_FORMATS: dict[str, tuple[str, Writer]] = {
    "ttl": ("graph.ttl", _write_turtle),
    "trig": ("graph.trig", _write_trig),
    "nq": ("graph.nq", _write_nquads),
    "jsonld": ("graph.jsonld", _write_jsonld),
}


# ---------------------------------------------------------------- files


def render_exports(ds: Dataset, *, formats: Sequence[str] = DEFAULT_FORMATS) -> dict[str, bytes]:
    """Each of ``formats`` serialised: file name -> content, in the order asked for.

    Raises ``KGError`` for a format that is not in ``EXPORT_FORMATS``.
    """
    names = list(dict.fromkeys(formats))
    for name in names:
        if name not in EXPORT_FORMATS:
            known = ", ".join(sorted(EXPORT_FORMATS))
            raise KGError(f"unknown export format {name!r}; known formats: {known}")
    quads = canonical_quads(to_oxigraph(ds))
    rendered: dict[str, bytes] = {}
    for name in names:
        filename, writer = EXPORT_FORMATS[name]
        buffer = io.BytesIO()
        writer(quads, buffer)
        rendered[filename] = buffer.getvalue()
    return rendered


def write_exports(
    ds: Dataset, out_dir: Path, *, formats: Sequence[str] = DEFAULT_FORMATS
) -> list[Path]:
    """Write ``ds`` to ``out_dir`` in each of ``formats``; return the paths written.

    ``graph.ttl`` is the union of all graphs, ``graph.trig`` and ``graph.nq``
    keep one named graph per document, ``graph.jsonld`` does both with an
    inline context. All files are complete before any old file is replaced;
    on failure the old files stay and no temporary file is left behind.
    """
    try:
        rendered = render_exports(ds, formats=formats)
    except OSError as err:
        raise KGError(f"cannot write {out_dir}: {err.strerror or err}") from err
    return replace_files(Path(out_dir), rendered)
