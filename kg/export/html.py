"""The graph as one self-contained HTML page: pyvis data, our own template, no network.

pyvis builds the node and edge lists; ``templates/graph.html.j2`` (autoescaped) is the
page, with vis-network's script and stylesheet inlined from pyvis's installed copy. A
Content-Security-Policy lets only those inline scripts run (by hash) and fetches
nothing. Document text travels as JSON in a ``<script type="application/json">``
block with ``<``, ``>`` and ``&`` escaped, and the page shows it with ``textContent``.

Entities are nodes; each (subject, property, object) between two entities is one edge
carrying every fact that states it (a symmetric property: one arrowless edge per
pair). Facts whose object is a quantity or an individual (``kg:Cancelled``) are listed
on their subject's node instead.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from pyvis.network import Network
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg import __version__
from kg.errors import KGError, OntologyError
from kg.rdf import REFERENCE_GRAPH
from kg.vocab import KG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, WD, ontology_dir

__all__ = ["write_html"]

_TEMPLATE = "graph.html.j2"
_VIS_DIR = ("lib", "vis-9.1.2")

#: Colour, vis-network shape and legend glyph per class; classes the ontology adds
#: later get the fallback until they are given their own.
_STYLE: dict[URIRef, tuple[str, str, str]] = {
    KG.Organization: ("#4e79a7", "dot", "\u25cf"),
    KG.Person: ("#f28e2b", "diamond", "\u25c6"),
    KG.Product: ("#59a14f", "square", "\u25a0"),
    KG.AIModel: ("#b07aa1", "triangle", "\u25b2"),
    KG.Deal: ("#e15759", "star", "\u2605"),
    KG.Event: ("#9c755f", "triangleDown", "\u25bc"),
    KG.Place: ("#76b7b2", "hexagon", "\u2b22"),
}
_FALLBACK_STYLE = ("#8c8c8c", "ellipse", "\u2b2c")
_TENTATIVE = frozenset({KG.Negated, KG.Planned, KG.Hedged})
#: Entity bookkeeping, shown in the node panel rather than as relations or facts.
_NOT_RELATIONS = frozenset(
    {RDF.type, RDFS.label, SKOS.altLabel, OWL.sameAs, KG.mentionedIn, KG.mentionCount}
)
_TOOLTIP_SENTENCES = 3

_OPTIONS: dict[str, Any] = {  # vis-network options; a fixed seed gives the same layout
    "layout": {"randomSeed": 7},
    "interaction": {"hover": True, "tooltipDelay": 150},
    "physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 600}},
    "nodes": {"borderWidth": 1, "font": {"size": 14, "face": "sans-serif"}},
    "edges": {
        "color": {"color": "#9aa0a6", "highlight": "#3c4043", "hover": "#5f6368"},
        "font": {"size": 11, "align": "horizontal", "face": "sans-serif", "strokeWidth": 3},
        "smooth": {"type": "continuous"},
    },
}
#: Only our two inline scripts (by hash) may run; nothing may be fetched.
_CSP = (
    "default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True)
class _Ontology:
    labels: dict[Node, str]
    entity_classes: tuple[URIRef, ...]  # legend order
    symmetric: frozenset[Node]


@dataclass
class _Edge:
    subject: URIRef
    predicate: URIRef
    object: URIRef
    facts: list[dict[str, Any]] = field(default_factory=list)
    graphs: set[str] = field(default_factory=set)


@cache
def _ontology() -> _Ontology:
    path = ontology_dir() / "kg.ttl"
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except (OSError, SyntaxError) as exc:
        raise OntologyError(f"{path}: {exc}") from exc
    labels: dict[Node, str] = {}
    for s, o in sorted(g.subject_objects(RDFS.label), reverse=True):
        labels[s] = str(o)  # reverse order: the smallest label wins
    order = list(_STYLE)
    classes = {c for c in g.subjects(RDFS.subClassOf, KG.Entity) if isinstance(c, URIRef)}
    ranked = sorted(classes, key=lambda c: (order.index(c) if c in order else len(order), c))
    return _Ontology(labels, tuple(ranked), frozenset(g.subjects(RDF.type, OWL.SymmetricProperty)))


@cache
def _vis_asset(name: str) -> Markup:
    """A file of the vis-network copy pyvis ships, checked to be safe to inline."""
    path = files("pyvis").joinpath(*_VIS_DIR, name)
    text = path.read_text(encoding="utf-8")
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise KGError(f"{path} cannot be inlined safely: it contains an HTML end tag or comment")
    return Markup(text)


def _template() -> jinja2.Template:
    source = files("kg.export").joinpath("templates", _TEMPLATE).read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(source)


def _local_name(term: Node) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or text


def _one(g: Graph, s: Node, p: URIRef) -> Node | None:
    """The smallest object of (s, p): the same choice whatever order the store returns."""
    return min(g.objects(s, p), key=str, default=None)


def _first(g: Graph, s: Node, p: URIRef) -> str | None:
    return min((str(o) for o in g.objects(s, p)), default=None)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _number(value: str | None, places: str = ",") -> str:
    """A decimal as people read it, whatever lexical form the store keeps it in."""
    try:
        d = Decimal(value or "")
    except InvalidOperation:
        return value or ""
    if places != ",":
        return format(d, places)
    return format(int(d) if d == d.to_integral_value() else d.normalize(), places)


class _Reader:
    """Everything the page shows, read from the union of a dataset's graphs."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.onto = _ontology()
        self.g = Graph()
        self.mentions: dict[Node, int] = defaultdict(int)
        for s, p, o, _ in ds.quads((None, None, None, None)):
            self.g.add((s, p, o))
            if p == KG.mentionCount and isinstance(o, Literal):
                self.mentions[s] += int(o.toPython())  # per graph: the union would merge them
        self.cls: dict[URIRef, URIRef] = {}
        for c in reversed(self.onto.entity_classes):  # the first class in legend order wins
            for s in self.g.subjects(RDF.type, c):
                if isinstance(s, URIRef):
                    self.cls[s] = c
        self.documents: dict[str, dict[str, str]] = {}

    def label(self, term: Node) -> str:
        own = _first(self.g, term, RDFS.label) or self.onto.labels.get(term)
        return own or _local_name(term)

    def document(self, term: Node) -> str:
        """The key of a document (or graph) in the page's table of documents."""
        if (key := str(term)) not in self.documents:
            path = _first(self.g, term, KG.sourcePath) or ""
            title = _first(self.g, term, SCHEMA.headline) or path or _local_name(term)
            if term == REFERENCE_GRAPH:
                title = "reference knowledge base"
            url = _first(self.g, term, SCHEMA.url) or ""
            self.documents[key] = {"title": title, "path": path, "url": url}
        return key

    def evidence(self, fact: Node) -> dict[str, Any]:
        modality = _one(self.g, fact, KG.modality)
        doc = _one(self.g, fact, PROV.wasDerivedFrom)
        start = _one(self.g, fact, KG.startOffset)
        return {
            "sentence": _first(self.g, fact, KG.sentence) or "",
            "document": self.document(doc) if doc is not None else "",
            "start": int(start) if isinstance(start, Literal) else 0,
            "modality": self.label(modality) if modality is not None else "",
            "tentative": modality in _TENTATIVE,
            "confidence": _number(_first(self.g, fact, KG.confidence), ".2f"),
            "reportedBy": _first(self.g, fact, KG.reportedBy) or "",
        }

    def value(self, term: Node) -> tuple[str, str]:
        """What a fact's non-entity object says, and a normalised reading of it."""
        if (term, RDF.type, KG.Quantity) not in self.g:
            return self.label(term), ""
        amount = _number(_first(self.g, term, KG.amount))
        upper = _first(self.g, term, KG.upperAmount)
        unit, per = _first(self.g, term, KG.unit), _first(self.g, term, KG.per)
        qualifier = _one(self.g, term, KG.qualifier)
        reading = amount + (f"\u2013{_number(upper)}" if upper else "")
        reading += (f" {unit}" if unit else "") + (f" per {per}" if per else "")
        if qualifier is not None:
            reading += f" ({self.label(qualifier)})"
        return _first(self.g, term, KG.surfaceText) or reading, reading

    def facts(self) -> Iterator[tuple[URIRef, URIRef, Node, dict[str, Any]]]:
        for fact in self.g.subjects(RDF.type, KG.Fact):
            s, p, o = (_one(self.g, fact, t) for t in (RDF.subject, RDF.predicate, RDF.object))
            if isinstance(s, URIRef) and isinstance(p, URIRef) and o is not None:
                yield s, p, o, self.evidence(fact)


def _sort_evidence(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Document by document, in the order of the text."""
    return sorted(items, key=lambda e: (e["document"], e["start"], json.dumps(e, sort_keys=True)))


def _collect(r: _Reader) -> tuple[dict[tuple[URIRef, URIRef, URIRef], _Edge], dict[Any, Any]]:
    """Edges between entities, and the other facts of each entity keyed by (s, p, o)."""
    edges: dict[tuple[URIRef, URIRef, URIRef], _Edge] = {}
    attributes: dict[URIRef, dict[tuple[URIRef, Node], list[dict[str, Any]]]] = defaultdict(dict)

    def edge_key(s: URIRef, p: URIRef, o: URIRef) -> tuple[URIRef, URIRef, URIRef]:
        return (min(s, o), p, max(s, o)) if p in r.onto.symmetric else (s, p, o)

    for s, p, o in r.g:
        if s not in r.cls or p in _NOT_RELATIONS or not isinstance(p, URIRef):
            continue
        assert isinstance(s, URIRef)  # r.cls holds IRIs only
        if isinstance(o, URIRef) and o in r.cls:
            key = edge_key(s, p, o)
            edges.setdefault(key, _Edge(*key))
            for *_, gid in r.ds.quads((s, p, o, None)):
                graph = getattr(gid, "identifier", gid)
                if graph is not None:
                    edges[key].graphs.add(r.document(graph))
        elif not isinstance(o, Literal) and str(p).startswith(str(KG)):
            attributes[s].setdefault((p, o), [])
    for s, p, o, ev in r.facts():
        if s not in r.cls:
            continue
        if isinstance(o, URIRef) and o in r.cls:
            key = edge_key(s, p, o)
            edges.setdefault(key, _Edge(*key)).facts.append(ev)
        else:
            attributes[s].setdefault((p, o), []).append(ev)
    return edges, attributes


def _tooltip(head: str, facts: Iterable[dict[str, Any]], r: _Reader) -> str:
    items = list(facts)
    lines = [head]
    for ev in items[:_TOOLTIP_SENTENCES]:
        doc = r.documents.get(ev["document"], {}).get("title", "")
        mark = f" [{ev['modality']}]" if ev["tentative"] else ""
        lines.append(f"\u201c{ev['sentence']}\u201d \u2014 {doc}{mark}")
    if len(items) > _TOOLTIP_SENTENCES:
        lines.append(f"\u2026 and {len(items) - _TOOLTIP_SENTENCES} more (click for all)")
    return "\n".join(lines)


def _edges(
    r: _Reader, edges: list[_Edge], relations: dict[URIRef, list[dict[str, str]]]
) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, dict[str, Any]]]]:
    """Each edge's panel details and its vis-network options; fills ``relations``."""
    details: dict[str, dict[str, Any]] = {}
    vis: list[tuple[str, str, dict[str, Any]]] = []
    pairs = Counter(frozenset((e.subject, e.object)) for e in edges)
    seen: Counter[frozenset[URIRef]] = Counter()
    for i, e in enumerate(edges):
        eid, symmetric = f"e{i}", e.predicate in r.onto.symmetric
        s_label, p_label, o_label = r.label(e.subject), r.label(e.predicate), r.label(e.object)
        joint = " \u2014 " if symmetric else " \u2192 "
        text = f"{s_label} \u2014 {p_label}{joint}{o_label}"
        for end in dict.fromkeys((e.subject, e.object)):
            relations[end].append({"edge": eid, "text": text})
        facts = _sort_evidence(e.facts)
        details[eid] = {
            "subject": str(e.subject),
            "property": p_label,
            "object": str(e.object),
            "symmetric": symmetric,
            "facts": facts,
            "graphs": [] if facts else sorted(e.graphs),
        }
        options = {
            "id": eid,
            "label": p_label,
            "title": _tooltip(f"{s_label} {p_label} {o_label}", facts, r),
            "dashes": bool(facts) and all(ev["tentative"] for ev in facts),
            "width": round(1 + 0.5 * min(len(facts), 6), 1),
            "arrows": {"to": {"enabled": not symmetric}},
        }
        pair = frozenset((e.subject, e.object))
        if pairs[pair] > 1:  # curve parallel edges apart, each by a different amount
            seen[pair] += 1
            options["smooth"] = {"type": "curvedCW", "roundness": round(0.25 * seen[pair], 2)}
        vis.append((str(e.subject), str(e.object), options))
    return details, vis


def _node(r: _Reader, node: URIRef, attributes: dict[tuple[URIRef, Node], Any]) -> dict[str, Any]:
    """One entity's panel details."""
    label = r.label(node)
    facts = []
    for (p, o), evs in sorted(attributes.items()):
        value, reading = r.value(o)
        item = {"property": r.label(p), "value": value, "reading": reading}
        facts.append(item | {"evidence": _sort_evidence(evs)})
    same = (str(o) for o in r.g.objects(node, OWL.sameAs))
    return {
        "label": label,
        "class": r.label(r.cls[node]),
        "colour": _STYLE.get(r.cls[node], _FALLBACK_STYLE)[0],
        "iri": str(node),
        "aliases": sorted({str(a) for a in r.g.objects(node, SKOS.altLabel)} - {label}),
        "wikidata": sorted(o.removeprefix(str(WD)) for o in same if o.startswith(str(WD))),
        "mentions": r.mentions.get(node, 0),
        "documents": sorted(r.document(d) for d in r.g.objects(node, KG.mentionedIn)),
        "facts": facts,
    }


def _build(ds: Dataset) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, int]]:
    """The page's JSON payload, its legend and its counts."""
    r = _Reader(ds)
    edges_by_key, attributes = _collect(r)
    edges = [edges_by_key[k] for k in sorted(edges_by_key)]
    relations: dict[URIRef, list[dict[str, str]]] = defaultdict(list)
    edge_details, vis_edges = _edges(r, edges, relations)

    # pyvis holds the vis-network data; the page around it is ours (see the module doc).
    net = Network(directed=True)
    node_details: dict[str, dict[str, Any]] = {}
    for node in sorted(r.cls):
        d = _node(r, node, attributes.get(node, {}))
        d["relations"] = sorted(relations[node], key=lambda x: (x["text"], x["edge"]))
        node_details[str(node)] = d
        lines = [f"{d['label']} ({d['class']})"]
        lines += [f"{f['property']}: {f['value']}" for f in d["facts"]]
        net.add_node(
            str(node),
            label=d["label"],
            shape=_STYLE.get(r.cls[node], _FALLBACK_STYLE)[1],
            color=d["colour"],
            title="\n".join(lines),
            size=round(12 + 6 * math.log2(1 + len(d["relations"])), 1),
        )
    for source, target, options in vis_edges:
        net.add_edge(source, target, **options)
    net.options = _OPTIONS  # a plain dict: pyvis passes it through as JSON
    nodes, vis, *_ = net.get_network_data()

    payload = {
        "nodes": nodes,
        "edges": vis,
        "options": _OPTIONS,
        "details": {"nodes": node_details, "edges": edge_details},
        "documents": dict(sorted(r.documents.items())),
    }
    per_class, legend = Counter(r.cls.values()), []
    for c in r.onto.entity_classes:
        colour, _, glyph = _STYLE.get(c, _FALLBACK_STYLE)
        legend.append({"label": r.label(c), "colour": colour, "glyph": glyph, "n": per_class[c]})
    n_docs = sum(1 for _ in r.g.subjects(RDF.type, KG.Document))
    counts = {"entities": len(node_details), "relations": len(edges), "documents": n_docs}
    return payload, legend, counts


def _json_for_script(payload: dict[str, Any]) -> Markup:
    """JSON that cannot close its <script> element or open a comment inside it."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _render(ds: Dataset, title: str) -> str:
    payload, legend, counts = _build(ds)
    template = _template()
    app_js = "".join(template.blocks["app_js"](template.new_context({})))
    vis_js, vis_css = _vis_asset("vis-network.min.js"), _vis_asset("vis-network.css")
    csp = _CSP.format(scripts=f"{_sha256(vis_js)} {_sha256(app_js)}")
    return template.render(
        title=title,
        csp=Markup(csp),  # our own text, no quotes or markup
        version=__version__,
        legend=legend,
        counts=counts,
        data=_json_for_script(payload),
        vis_js=vis_js,
        vis_css=vis_css,
    )


def _write_atomically(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_html(ds: Dataset, path: Path, *, title: str = "kg — news knowledge graph") -> Path:
    """Write the graph in ``ds`` as one self-contained, offline HTML page at ``path``.

    Entities are nodes coloured and shaped by class; relations between entities are
    edges whose tooltip and side panel give every evidence sentence and its source
    document. Quantities and statuses (a deal's value, its cancellation) are listed on
    their entity's node. Relations stated only as negated, planned or hedged are dashed.

    The same dataset gives the same bytes. The page is written beside ``path`` and
    moved into place, so an existing page is only ever replaced by a complete one.
    Returns ``path``. Raises ``OntologyError`` if ontology/kg.ttl cannot be read and
    ``OSError`` if the file cannot be written (for instance, no such folder).
    """
    path = Path(path)
    _write_atomically(path, _render(ds, title))
    return path
