"""The graph as one self-contained HTML page: pyvis data, our own template, no network.

pyvis builds the node and edge lists; ``templates/graph.html.j2`` (autoescaped) is the
page, with vis-network's script and stylesheet inlined from pyvis's installed copy. A
Content-Security-Policy lets only those inline scripts run (by hash) and fetches
nothing. Document text travels as JSON in two ``<script type="application/json">``
blocks (the graph, then the panel's details, which the page reads once it has drawn
the graph) with ``<``, ``>`` and ``&`` escaped, and the page shows it with
``textContent``.

Entities are nodes. Each (subject, property, object) between two entities is one
relation carrying every fact that states it (a symmetric property: one per pair), and
all the relations between two entities are one edge. Facts whose object is a quantity
or an individual (``kg:Cancelled``) are listed on their subject's node instead. The
page draws its own labels (placed by importance so that none overlaps another), and
focuses on an entity's neighbourhood when it is found or clicked. A large graph opens
on its communities (kg/export/overview.py).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup
from pyvis.network import Network
from rdflib import Dataset, Literal, URIRef
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from kg import __version__
from kg.errors import KGError
from kg.export.files import replace_files
from kg.export.networks import layout, local_name, ontology, pagerank
from kg.export.overview import OVERVIEW_LIMIT, Community, start_community_layout
from kg.model import OPEN_RELATION
from kg.rdf import REFERENCE_GRAPH
from kg.vocab import KG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, WD

__all__ = ["load_assets", "render_html", "write_html"]

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
_FALLBACK_STYLE = ("#8c8c8c", "dot", "\u25cf")
_KG_TERMS = str(KG)
_TENTATIVE = frozenset({KG.Negated, KG.Planned, KG.Hedged})
#: Entity bookkeeping, shown in the node panel rather than as relations or facts.
_NOT_RELATIONS = frozenset(
    {RDF.type, RDFS.label, SKOS.altLabel, OWL.sameAs, KG.mentionedIn, KG.mentionCount}
)
_TOOLTIP_SENTENCES = 3
#: Above this many entities the precomputed layout is final: vis-network's physics
#: would take seconds to settle, so it starts off (the page has a toggle).
PHYSICS_LIMIT = 300
#: A data block longer than this is gzipped (base64): the page loads in a tenth of the time.
PACK_CHARS = 500_000
_CONFLICT_COLOUR = "#d93025"
_ISOLATED_GAP = 90  # pixels between the entities with no relation, drawn in rows
_SUMMARY_NAMES = 2  # a community's summary node is named after this many members
#: open relations (kg:relatedTo) are drawn apart: thin, grey, dashed, labelled by their words
_OPEN_COLOUR = "#9aa0a6"
_TITLE = "kg \u2014 news knowledge graph"

_OPTIONS: dict[str, Any] = {  # vis-network options; a fixed seed gives the same layout
    "layout": {"randomSeed": 7},
    "interaction": {"hover": True, "tooltipDelay": 150},
    "physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 600}},
    "nodes": {"borderWidth": 1},
    "edges": {
        "color": {"color": "#9aa0a6", "highlight": "#3c4043", "hover": "#5f6368"},
        "smooth": False,  # one straight edge per pair: its label sits at its middle
    },
}
#: Only our two inline scripts (by hash) may run; nothing may be fetched.
_CSP = (
    "default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


@dataclass
class _Edge:
    subject: URIRef
    predicate: URIRef
    object: URIRef
    facts: list[dict[str, Any]] = field(default_factory=list)
    graphs: set[str] = field(default_factory=set)


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


class _Term:
    """The terms the page reads for every entity and fact, looked up once: reading an
    attribute of an rdflib ``DefinedNamespace`` costs a function call each time."""

    type = RDF.type
    mentionCount = KG.mentionCount
    Conflict = KG.Conflict
    conflictAbout = KG.conflictAbout
    conflictProperty = KG.conflictProperty
    label = RDFS.label
    sourcePath = KG.sourcePath
    headline = SCHEMA.headline
    url = SCHEMA.url
    modality = KG.modality
    wasDerivedFrom = PROV.wasDerivedFrom
    startOffset = KG.startOffset
    sentence = KG.sentence
    confidence = KG.confidence
    reportedBy = KG.reportedBy
    relationText = KG.relationText
    Quantity = KG.Quantity
    amount = KG.amount
    upperAmount = KG.upperAmount
    unit = KG.unit
    per = KG.per
    qualifier = KG.qualifier
    surfaceText = KG.surfaceText
    Fact = KG.Fact
    subject = RDF.subject
    predicate = RDF.predicate
    object = RDF.object
    sameAs = OWL.sameAs
    altLabel = SKOS.altLabel
    mentionedIn = KG.mentionedIn
    statement = (subject, predicate, object)


class _Triples:
    """Every triple of every graph of a dataset, each once, indexed by subject and
    property in plain dictionaries: the page reads each entity's and each fact's few
    values, and a lookup here costs what a dictionary's does.

    rdflib's in-memory store (what builds and ``kg export`` read into) already keeps
    such indexes over all its graphs; they are used as they are when present, and
    built from the store's triples otherwise (``tests/test_export_html.py`` checks
    that both give the same page)."""

    def __init__(self, ds: Dataset, *, own: bool = True) -> None:
        spo = getattr(ds.store, "_Memory__spo", None) if own else None
        pos = getattr(ds.store, "_Memory__pos", None) if own else None
        if isinstance(spo, dict) and isinstance(pos, dict):
            self.spo: dict[Node, dict[Node, Iterable[Node]]] = spo
            self.typed: dict[Node, Iterable[Node]] = pos.get(_Term.type, {})
            return
        built: dict[Node, Any] = defaultdict(lambda: defaultdict(list))
        typed: dict[Node, list[Node]] = defaultdict(list)
        for (s, p, o), _contexts in ds.store.triples((None, None, None), context=None):
            built[s][p].append(o)
            if p == _Term.type:
                typed[o].append(s)
        self.spo, self.typed = dict(built), dict(typed)

    def objects(self, s: Node, p: Node) -> Iterable[Node]:
        found = self.spo.get(s)
        return found.get(p, ()) if found is not None else ()

    def subjects(self, p: Node, o: Node) -> Iterable[Node]:
        assert p == _Term.type, "only types are indexed by object"
        return self.typed.get(o, ())

    def properties(self, s: Node) -> Iterator[tuple[Node, Node]]:
        """Each (property, object) of the subject."""
        for p, objects in self.spo.get(s, {}).items():
            for o in objects:
                yield p, o

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        s, p, o = triple
        return o in self.objects(s, p)

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        for s, by_p in self.spo.items():
            for p, objects in by_p.items():
                for o in objects:
                    yield s, p, o


def _one(g: _Triples, s: Node, p: URIRef) -> Node | None:
    """The smallest object of (s, p): the same choice whatever order the store returns."""
    found = g.objects(s, p)
    if isinstance(found, dict | list) and len(found) == 1:
        only: Node = next(iter(found))
        return only
    return min(found, key=str, default=None)


def _first(g: _Triples, s: Node, p: URIRef) -> str | None:
    """The smallest object of (s, p) as text."""
    found = g.objects(s, p)
    if isinstance(found, dict | list) and len(found) == 1:  # most often: one value
        return str(next(iter(found)))
    return min((str(o) for o in found), default=None)


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
        self.onto = ontology(tuple(_STYLE))
        self.g = _Triples(ds)
        self.mentions: dict[Node, int] = defaultdict(int)
        for s, _, o, _ in ds.quads((None, _Term.mentionCount, None, None)):
            if isinstance(o, Literal):
                self.mentions[s] += int(o.toPython())  # per graph: the union would merge them
        self.cls: dict[URIRef, URIRef] = {}
        for c in reversed(self.onto.entity_classes):  # the first class in legend order wins
            for s in self.g.subjects(_Term.type, c):
                if isinstance(s, URIRef):
                    self.cls[s] = c
        self.documents: dict[str, dict[str, str]] = {}
        self.labels: dict[Node, str] = {}  # each term's, once read
        # entity -> the properties whose stated values disagree (graph kgd:conflicts)
        self.conflicts: dict[Node, set[Node]] = defaultdict(set)
        for conflict in self.g.subjects(_Term.type, _Term.Conflict):
            for about in self.g.objects(conflict, _Term.conflictAbout):
                self.conflicts[about].update(self.g.objects(conflict, _Term.conflictProperty))

    def label(self, term: Node) -> str:
        if (known := self.labels.get(term)) is None:
            own = _first(self.g, term, _Term.label) or self.onto.labels.get(term)
            known = self.labels[term] = own or local_name(term)
        return known

    def document(self, term: Node) -> str:
        """The key of a document (or graph) in the page's table of documents."""
        if (key := str(term)) not in self.documents:
            path = _first(self.g, term, _Term.sourcePath) or ""
            title = _first(self.g, term, _Term.headline) or path or local_name(term)
            if term == REFERENCE_GRAPH:
                title = "reference knowledge base"
            url = _first(self.g, term, _Term.url) or ""
            self.documents[key] = {"title": title, "path": path, "url": url}
        return key

    def evidence(self, fact: Node) -> dict[str, Any]:
        modality = _one(self.g, fact, _Term.modality)
        doc = _one(self.g, fact, _Term.wasDerivedFrom)
        start = _one(self.g, fact, _Term.startOffset)
        return {
            "sentence": _first(self.g, fact, _Term.sentence) or "",
            "document": self.document(doc) if doc is not None else "",
            "start": int(start) if isinstance(start, Literal) else 0,
            "modality": self.label(modality) if modality is not None else "",
            "tentative": modality in _TENTATIVE,
            "confidence": _number(_first(self.g, fact, _Term.confidence), ".2f"),
            "reportedBy": _first(self.g, fact, _Term.reportedBy) or "",
            "text": _first(self.g, fact, _Term.relationText) or "",
        }

    def value(self, term: Node) -> tuple[str, str]:
        """What a fact's non-entity object says, and a normalised reading of it."""
        if (term, _Term.type, _Term.Quantity) not in self.g:
            return self.label(term), ""
        amount = _number(_first(self.g, term, _Term.amount))
        upper = _first(self.g, term, _Term.upperAmount)
        unit, per = _first(self.g, term, _Term.unit), _first(self.g, term, _Term.per)
        qualifier = _one(self.g, term, _Term.qualifier)
        reading = amount + (f"\u2013{_number(upper)}" if upper else "")
        reading += (f" {unit}" if unit else "") + (f" per {per}" if per else "")
        if qualifier is not None:
            reading += f" ({self.label(qualifier)})"
        return _first(self.g, term, _Term.surfaceText) or reading, reading

    def facts(self) -> Iterator[tuple[URIRef, URIRef, Node, dict[str, Any]]]:
        for fact in self.g.subjects(_Term.type, _Term.Fact):
            s, p, o = (_one(self.g, fact, t) for t in _Term.statement)
            if isinstance(s, URIRef) and isinstance(p, URIRef) and o is not None:
                yield s, p, o, self.evidence(fact)


def _sort_evidence(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Document by document, in the order of the text (ties by all they say)."""
    ordered = sorted(items, key=lambda e: (e["document"], e["start"]))
    out: list[dict[str, Any]] = []
    i = 0
    while i < len(ordered):  # only sentences at the same place need the full comparison
        j = i + 1
        at = (ordered[i]["document"], ordered[i]["start"])
        while j < len(ordered) and (ordered[j]["document"], ordered[j]["start"]) == at:
            j += 1
        group = ordered[i:j]
        out += (
            group if len(group) == 1 else sorted(group, key=lambda e: json.dumps(e, sort_keys=True))
        )
        i = j
    return out


def _collect(r: _Reader) -> tuple[dict[tuple[URIRef, URIRef, URIRef], _Edge], dict[Any, Any]]:
    """Edges between entities, and the other facts of each entity keyed by (s, p, o)."""
    edges: dict[tuple[URIRef, URIRef, URIRef], _Edge] = {}
    attributes: dict[URIRef, dict[tuple[URIRef, Node], list[dict[str, Any]]]] = defaultdict(dict)

    def edge_key(s: URIRef, p: URIRef, o: URIRef) -> tuple[URIRef, URIRef, URIRef]:
        return (min(s, o), p, max(s, o)) if p in r.onto.symmetric else (s, p, o)

    in_memory = isinstance(r.ds.store, Memory)
    for s, p, o in ((e, p, o) for e in r.cls for p, o in r.g.properties(e)):
        if p in _NOT_RELATIONS or not isinstance(p, URIRef):
            continue
        if isinstance(o, URIRef) and o in r.cls:
            key = edge_key(s, p, o)
            edges.setdefault(key, _Edge(*key))
            graphs = (
                r.ds.store.contexts((s, p, o))  # the in-memory store's own index
                if in_memory
                else (gid for *_, gid in r.ds.quads((s, p, o, None)))
            )
            for gid in graphs:
                graph = getattr(gid, "identifier", gid)
                if graph is not None:
                    edges[key].graphs.add(r.document(graph))
        elif not isinstance(o, Literal) and str(p).startswith(_KG_TERMS):
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


def _sources(items: Iterable[dict[str, Any]]) -> int:
    """How many distinct documents state it (not how many sentences)."""
    return len({ev["document"] for ev in items if ev["document"]})


def _tooltip(head: str, facts: Iterable[dict[str, Any]], r: _Reader) -> str:
    items = list(facts)
    n = _sources(items)
    lines = [head + (f" ({n} source{'s' if n != 1 else ''})" if n else "")]
    for ev in items[:_TOOLTIP_SENTENCES]:
        doc = r.documents.get(ev["document"], {}).get("title", "")
        mark = f" [{ev['modality']}]" if ev["tentative"] else ""
        lines.append(f"\u201c{ev['sentence']}\u201d \u2014 {doc}{mark}")
    if len(items) > _TOOLTIP_SENTENCES:
        lines.append(f"\u2026 and {len(items) - _TOOLTIP_SENTENCES} more (click for all)")
    return "\n".join(lines)


def _relation_edges(
    r: _Reader, edges: list[_Edge], relations: dict[URIRef, list[dict[str, str]]]
) -> dict[str, dict[str, Any]]:
    """Each relation's panel details, keyed ``e0``, ``e1``...; fills ``relations``."""
    details: dict[str, dict[str, Any]] = {}
    for i, e in enumerate(edges):
        eid, symmetric = f"e{i}", e.predicate in r.onto.symmetric
        s_label, p_label, o_label = r.label(e.subject), r.label(e.predicate), r.label(e.object)
        joint = " \u2014 " if symmetric else " \u2192 "
        facts = _sort_evidence(e.facts)
        if local_name(e.predicate) == OPEN_RELATION:
            words = " / ".join(sorted({ev["text"] for ev in facts if ev["text"]})) or p_label
            p_label = f"{p_label}: {words}"
        short = f"~ {words}" if local_name(e.predicate) == OPEN_RELATION else p_label
        text = f"{s_label} \u2014 {p_label}{joint}{o_label}"
        for end in dict.fromkeys((e.subject, e.object)):
            relations[end].append({"edge": eid, "text": text})
        conflict = any(e.predicate in r.conflicts.get(end, ()) for end in (e.subject, e.object))
        details[eid] = {
            "subject": str(e.subject),
            "property": p_label,
            "label": short,
            "relation": local_name(e.predicate),
            "object": str(e.object),
            "symmetric": symmetric,
            "facts": facts,
            "sources": _sources(facts),
            "conflict": conflict,
            "graphs": [] if facts else sorted(e.graphs),
        }
    return details


def _pair_edges(
    r: _Reader, edges: list[_Edge], details: dict[str, dict[str, Any]]
) -> tuple[list[tuple[str, str, dict[str, Any]]], dict[str, str]]:
    """One vis-network edge per pair of entities, carrying every relation between them.

    Returns the edges (from, to, options) and the pair edge of each relation.
    """
    by_pair: dict[frozenset[URIRef], list[int]] = {}
    for i, e in enumerate(edges):
        by_pair.setdefault(frozenset((e.subject, e.object)), []).append(i)
    vis: list[tuple[str, str, dict[str, Any]]] = []
    pair_of: dict[str, str] = {}
    for members in by_pair.values():
        first = edges[members[0]]
        eids = [f"e{i}" for i in members]
        rels = [details[eid] for eid in eids]
        for eid in eids:
            pair_of[eid] = eids[0]
        facts = [ev for d in rels for ev in d["facts"]]
        directed = [d for d in rels if not d["symmetric"]]
        forward = any(d["subject"] == str(first.subject) for d in directed)
        backward = any(d["subject"] != str(first.subject) for d in directed)
        if first.subject == first.object:
            forward, backward = bool(directed), False
        label = rels[0]["label"] if len(rels) == 1 else f"{len(rels)} relations"
        s_label, o_label = r.label(first.subject), r.label(first.object)
        if len(rels) == 1:
            head = f"{s_label} {rels[0]['property']} {o_label}"
        else:
            head = f"{s_label} \u2014 {o_label}: " + "; ".join(d["property"] for d in rels)
        options: dict[str, Any] = {
            "id": eids[0],
            "label": label,
            "count": len(rels),
            "title": _tooltip(head, facts, r),
            "dashes": bool(facts) and all(ev["tentative"] for ev in facts),
            "width": round(1 + 0.75 * min(_sources(facts), 6), 1),
            "arrows": {"to": {"enabled": forward}},
            "relation": rels[0]["relation"],
            "relations": sorted({d["relation"] for d in rels}),
            "members": eids,
        }
        if backward:
            options["arrows"]["from"] = {"enabled": True}
        if all(d["relation"] == OPEN_RELATION for d in rels):
            options.update(dashes=True, width=1)
            options["color"] = {"color": _OPEN_COLOUR, "highlight": _OPEN_COLOUR}
        if any(d["conflict"] for d in rels):
            options["color"] = {"color": _CONFLICT_COLOUR, "highlight": _CONFLICT_COLOUR}
        vis.append((str(first.subject), str(first.object), options))
    return vis, pair_of


def _node(r: _Reader, node: URIRef, attributes: dict[tuple[URIRef, Node], Any]) -> dict[str, Any]:
    """One entity's panel details."""
    label = r.label(node)
    facts, conflicts = [], r.conflicts.get(node, set())
    # The same figure stated in several documents is one fact with several sources.
    docs: dict[tuple[URIRef, str], list[dict[str, Any]]] = defaultdict(list)
    values = {(p, o): r.value(o) for p, o in attributes}
    for (p, o), evs in attributes.items():
        docs[(p, values[(p, o)][1] or values[(p, o)][0])] += evs
    for (p, o), evs in sorted(attributes.items()):
        value, reading = values[(p, o)]
        item: dict[str, Any] = {"property": r.label(p), "value": value, "reading": reading}
        item["sources"] = _sources(docs[(p, reading or value)])
        item["conflict"] = p in conflicts
        facts.append(item | {"evidence": _sort_evidence(evs)})
    same = (str(o) for o in r.g.objects(node, _Term.sameAs))
    return {
        "label": label,
        "class": r.label(r.cls[node]),
        "colour": _STYLE.get(r.cls[node], _FALLBACK_STYLE)[0],
        "iri": str(node),
        "aliases": sorted({str(a) for a in r.g.objects(node, _Term.altLabel)} - {label}),
        "wikidata": sorted(o.removeprefix(str(WD)) for o in same if o.startswith(str(WD))),
        "mentions": r.mentions.get(node, 0),
        "documents": sorted(r.document(d) for d in r.g.objects(node, _Term.mentionedIn)),
        "facts": facts,
        "conflicts": sorted(r.label(p) for p in conflicts),
    }


def _set_aside(
    positions: dict[str, tuple[int, int]], isolated: list[str]
) -> dict[str, tuple[int, int]]:
    """The entities with no relation in rows below the rest."""
    bottom = max((y for _, y in positions.values()), default=0) + 2 * _ISOLATED_GAP
    columns = max(1, math.ceil(math.sqrt(len(isolated))))
    for i, node in enumerate(isolated):
        positions[node] = ((i % columns) * _ISOLATED_GAP, bottom + (i // columns) * _ISOLATED_GAP)
    return positions


def _summaries(groups: list[Community], labels: dict[str, str]) -> list[dict[str, Any]]:
    """One summary node per community, named after its most important members."""
    out = []
    for i, c in enumerate(groups):
        names = [labels[m] for m in c.members[:_SUMMARY_NAMES]]
        more = len(c.members) - len(names)
        out.append(
            {
                "id": f"c{i}",
                "label": " \u00b7 ".join(names) + (f" +{more}" if more else ""),
                "members": len(c.members),
                "top": c.members[:_SUMMARY_NAMES],
                "x": c.x,
                "y": c.y,
                "size": round(c.radius * 0.95, 1),
            }
        )
    return out


def _build(
    ds: Dataset,
) -> tuple[dict[str, Any], tuple[str, Markup], list[dict[str, Any]], dict[str, int]]:
    """The page's JSON payload, the block of the panel's details, the legend and the counts."""
    r = _Reader(ds)
    edges_by_key, attributes = _collect(r)
    edges = [edges_by_key[k] for k in sorted(edges_by_key)]
    # Importance and positions come from networkx, so a large page needs no physics.
    # One edge per relation, as `kg stats` reads the graph: the same ranks and communities.
    every = nx.MultiGraph()
    every.add_nodes_from(str(n) for n in sorted(r.cls))
    every.add_edges_from((str(e.subject), str(e.object)) for e in edges)
    isolated = [n for n in every if every.degree(n) == 0]
    rank = pagerank(every)
    overview = len(every) - len(isolated) >= OVERVIEW_LIMIT
    # a large graph's layout is begun now, and made beside the rest (see overview.py)
    pending = start_community_layout(every, rank) if overview else None
    relations: dict[URIRef, list[dict[str, str]]] = defaultdict(list)
    edge_details = _relation_edges(r, edges, relations)
    vis_edges, pair_of = _pair_edges(r, edges, edge_details)
    for eid, pair in pair_of.items():
        edge_details[eid]["pair"] = pair

    top = max(rank.values(), default=1.0)
    physics = len(r.cls) <= PHYSICS_LIMIT
    options = _options(physics)

    # pyvis holds the vis-network data; the page around it is ours (see the module doc).
    # Its add_node checks each id against a list (quadratic); the ids are unique here,
    # so the node dicts go straight into its model and its id list is a set.
    net = Network(directed=True)
    node_details: dict[str, dict[str, Any]] = {}
    alone = set(isolated)
    for node in sorted(r.cls):
        d = _node(r, node, attributes.get(node, {}))
        d["relations"] = sorted(relations[node], key=lambda x: (x["text"], x["edge"]))
        d["importance"] = round(rank[str(node)] / top, 3)
        node_details[str(node)] = d
        lines = [f"{d['label']} ({d['class']})"]
        lines += [f"{f['property']}: {f['value']}" for f in d["facts"]]
        vis_node: dict[str, Any] = {"id": str(node), "color": d["colour"]}
        # what the page needs before it reads the details: search and label order
        vis_node["importance"] = d["importance"]
        if d["aliases"]:
            vis_node["aliases"] = d["aliases"]
        if d["conflicts"]:
            vis_node["name"] = d["label"]
        if d["conflicts"]:
            lines.append("\u26a0 conflicting " + ", ".join(d["conflicts"]))
            red = {"background": d["colour"], "border": _CONFLICT_COLOUR}
            vis_node["color"] = red | {"highlight": red, "hover": red}
            vis_node.update(borderWidth=4, shapeProperties={"borderDashes": [6, 3]})
        vis_node.update(
            label=d["label"] + (" \u26a0" if d["conflicts"] else ""),
            shape=_STYLE.get(r.cls[node], _FALLBACK_STYLE)[1],
            title="\n".join(lines),
            size=round(10 + 30 * math.sqrt(d["importance"]), 1),
            cls=local_name(r.cls[node]),
        )
        if str(node) in alone:
            vis_node["isolated"] = True
        net.nodes.append(vis_node)
    # the panel's details do not depend on the layout: their block is made meanwhile
    details = _block({"nodes": node_details, "edges": edge_details})
    groups: list[Community] = []
    if pending is not None:
        groups, positions = pending()
    else:
        positions = layout(every.subgraph(n for n in every if every.degree(n)))
    positions = _set_aside(positions, isolated)
    community = {m: i for i, c in enumerate(groups) for m in c.members}
    for vis_node in net.nodes:
        vis_node["x"], vis_node["y"] = positions[vis_node["id"]]
        if vis_node["id"] in community:
            vis_node["community"] = community[vis_node["id"]]
    net.node_ids = {n["id"] for n in net.nodes}  # pyvis checks each edge's ends against this
    for source, target, edge_options in vis_edges:
        net.add_edge(source, target, **edge_options)
    net.options = options  # a plain dict: pyvis passes it through as JSON
    nodes, vis, *_ = net.get_network_data()

    payload = {
        "nodes": nodes,
        "edges": vis,
        "options": options,
        "physics": physics,
        "overview": overview,
        "communities": _summaries(groups, {k: v["label"] for k, v in node_details.items()}),
        "relations": sorted({(e["property"], e["relation"]) for e in edge_details.values()}),
        "documents": dict(sorted(r.documents.items())),
    }
    per_class, legend = Counter(r.cls.values()), []
    for c in r.onto.entity_classes:
        colour, _, glyph = _STYLE.get(c, _FALLBACK_STYLE)
        legend.append(
            {
                "label": r.label(c),
                "colour": colour,
                "glyph": glyph,
                "n": per_class[c],
                "cls": local_name(c),
            }
        )
    n_docs = sum(1 for _ in r.g.subjects(RDF.type, KG.Document))
    counts = {"entities": len(node_details), "relations": len(edges), "documents": n_docs}
    counts["conflicts"] = sum(1 for d in node_details.values() if d["conflicts"])
    counts["physics"] = int(physics)
    counts["isolated"] = len(isolated)
    counts["communities"] = len(groups)
    return payload, details, legend, counts


def _options(physics: bool) -> dict[str, Any]:
    """vis-network options: a large graph keeps the precomputed layout and straight edges."""
    options: dict[str, Any] = json.loads(json.dumps(_OPTIONS))  # a deep copy
    options["layout"]["improvedLayout"] = False  # positions are given
    if not physics:
        options["physics"]["enabled"] = False
        options["interaction"]["hideEdgesOnDrag"] = True
    return options


def _block(payload: dict[str, Any]) -> tuple[str, Markup]:
    """A data block's type and text: JSON, or for a large page gzipped JSON in base64.

    Either way nothing in it can close its <script> element or open a comment. Keys
    keep the order the page's code gives them, and maps keyed by data are made in
    sorted order, so the bytes are the same every time. The text is ASCII (other
    characters escaped), so the browser holds it in one byte a character, not two.
    """
    text = json.dumps(payload, separators=(",", ":"))
    if len(text) > PACK_CHARS:  # mtime=0: the same bytes every time
        packed = gzip.compress(text.encode(), compresslevel=6, mtime=0)
        return "application/gzip", Markup(base64.b64encode(packed).decode("ascii"))
    return "application/json", _json_for_script(text)


def _json_for_script(text: str) -> Markup:
    """JSON that cannot close its <script> element or open a comment inside it."""
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return Markup(text)  # ASCII (see _block): no line or paragraph separator is left


def render_html(ds: Dataset, *, title: str = _TITLE) -> str:
    """The page ``write_html`` writes, as text."""
    payload, details, legend, counts = _build(ds)
    page = _page()
    return page.template.render(
        title=title,
        csp=page.csp,
        version=__version__,
        legend=legend,
        counts=counts,
        data=_block(payload),
        details=details,
        vis_js=page.vis_js,
        vis_css=page.vis_css,
    )


def load_assets() -> None:
    """Load what every page needs (template, vis-network, the ontology's labels), once.

    Rendering loads them when it first needs them; a build loads them beforehand,
    so that the page's worker process starts with them (kg/pipeline.py).
    """
    _page()
    ontology(tuple(_STYLE))


@dataclass(frozen=True)
class _Page:
    template: jinja2.Template
    vis_js: Markup
    vis_css: Markup
    csp: Markup


@cache
def _page() -> _Page:
    template = _template()
    app_js = "".join(template.blocks["app_js"](template.new_context({})))
    vis_js, vis_css = _vis_asset("vis-network.min.js"), _vis_asset("vis-network.css")
    csp = _CSP.format(scripts=f"{_sha256(vis_js)} {_sha256(app_js)}")
    return _Page(template, vis_js, vis_css, Markup(csp))  # the CSP: our own text, no markup


def write_html(ds: Dataset, path: Path, *, title: str = _TITLE) -> Path:
    """Write the graph in ``ds`` as one self-contained, offline HTML page at ``path``.

    Entities are nodes coloured and shaped by class; relations between entities are
    edges whose tooltip and side panel give every evidence sentence and its source
    document. Quantities and statuses (a deal's value, its cancellation) are listed on
    their entity's node. Relations stated only as negated, planned or hedged are dashed.

    The same dataset gives the same bytes. The page is written beside ``path`` and
    moved into place, so an existing page is only ever replaced by a complete one.
    Returns ``path``. Raises ``OntologyError`` if ontology/kg.ttl cannot be read and
    ``KGError`` naming the file if it cannot be written.
    """
    path = Path(path)
    [written] = replace_files(path.parent, {path.name: render_html(ds, title=title).encode()})
    return written
