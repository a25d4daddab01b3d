"""The graph as a networkx network: importance, components, communities, paths, layout, files.

``to_networkx`` reads the union of a dataset's graphs into an ``nx.MultiDiGraph``:
one node per entity (keyed by its IRI) and one edge per (subject, relation, object)
between entities (keyed by the relation's local name; a symmetric relation is one
edge from the smaller IRI). Edges carry the evidence of every ``kg:Fact`` stating
them, and ``sources``: the number of distinct documents those facts come from.

Everything here is deterministic: nodes and edges are added in IRI order, the
community detection and the layout are seeded, and ties are broken by IRI.
GraphML, GEXF and Neo4j's CSV import format are written beside their target and
moved into place, so an existing file is only ever replaced by a complete one.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError, OntologyError
from kg.export.louvain import louvain
from kg.vocab import KG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, WD, ontology_dir

__all__ = [
    "FORMATS",
    "Ontology",
    "communities",
    "communities_simple",
    "components",
    "layout",
    "layout_simple",
    "ontology",
    "pagerank",
    "shortest_paths",
    "to_networkx",
    "simple_graph",
    "write_network",
]

#: Export formats by name, and the file (or folder, for csv) written by default.
FORMATS: dict[str, str] = {"graphml": "graph.graphml", "gexf": "graph.gexf", "csv": "neo4j"}
SEED = 7
_TENTATIVE = frozenset({KG.Negated, KG.Planned, KG.Hedged})
_NOT_RELATIONS = frozenset(
    {RDF.type, RDFS.label, SKOS.altLabel, OWL.sameAs, KG.mentionedIn, KG.mentionCount}
)
_SEPARATOR = " | "  # joins several sentences into one attribute value, in every format


@dataclass(frozen=True)
class Ontology:
    """What the pages and networks need from ontology/kg.ttl."""

    labels: dict[Node, str]
    entity_classes: tuple[URIRef, ...]  # in the order given by ``order``
    symmetric: frozenset[Node]


@cache
def ontology(order: tuple[URIRef, ...] = ()) -> Ontology:
    """Labels, entity classes (those in ``order`` first) and symmetric relations."""
    path = ontology_dir() / "kg.ttl"
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except (OSError, SyntaxError) as exc:
        raise OntologyError(f"{path}: {exc}") from exc
    labels: dict[Node, str] = {}
    for s, o in sorted(g.subject_objects(RDFS.label), reverse=True):
        labels[s] = str(o)  # reverse order: the smallest label wins
    classes = {c for c in g.subjects(RDFS.subClassOf, KG.Entity) if isinstance(c, URIRef)}
    ranked = sorted(classes, key=lambda c: (order.index(c) if c in order else len(order), c))
    return Ontology(labels, tuple(ranked), frozenset(g.subjects(RDF.type, OWL.SymmetricProperty)))


def local_name(term: Node) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or text


def _first(g: Graph, s: Node, p: URIRef) -> str | None:
    return min((str(o) for o in g.objects(s, p)), default=None)


def _one(g: Graph, s: Node, p: URIRef) -> Node | None:
    return min(g.objects(s, p), key=str, default=None)


def to_networkx(ds: Dataset) -> nx.MultiDiGraph:
    """Entities and the relations between them, with labels, types and evidence.

    Node attributes: ``label``, ``type`` (class local name), ``iri``, ``aliases``,
    ``wikidata``, ``mentions``, ``documents``. Edge attributes: ``relation`` (local
    name), ``label``, ``predicate``, ``symmetric``, ``facts``, ``sources``,
    ``tentative``, ``modality``, ``evidence`` and ``titles`` (sentences and source
    titles joined by `` | ``), plus ``_evidence``: the same as a list of dicts, left
    out of the files.
    """
    onto = ontology()
    g = Graph()
    mentions: dict[Node, int] = defaultdict(int)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
        if p == KG.mentionCount and isinstance(o, Literal):
            mentions[s] += int(o.toPython())
    cls: dict[URIRef, URIRef] = {}
    for c in reversed(onto.entity_classes):
        for s in g.subjects(RDF.type, c):
            if isinstance(s, URIRef):
                cls[s] = c

    def label(term: Node) -> str:
        return _first(g, term, RDFS.label) or onto.labels.get(term) or local_name(term)

    def title(doc: Node) -> str:
        return _first(g, doc, SCHEMA.headline) or _first(g, doc, KG.sourcePath) or local_name(doc)

    net = nx.MultiDiGraph()
    for node in sorted(cls):
        same = sorted(str(o).removeprefix(str(WD)) for o in g.objects(node, OWL.sameAs))
        aliases = sorted({str(a) for a in g.objects(node, SKOS.altLabel)} - {label(node)})
        net.add_node(
            str(node),
            label=label(node),
            type=local_name(cls[node]),
            iri=str(node),
            aliases=_SEPARATOR.join(aliases),
            wikidata=_SEPARATOR.join(same),
            mentions=mentions.get(node, 0),
            documents=sum(1 for _ in g.objects(node, KG.mentionedIn)),
        )

    def key(s: URIRef, p: URIRef, o: URIRef) -> tuple[URIRef, URIRef, URIRef]:
        return (min(s, o), p, max(s, o)) if p in onto.symmetric else (s, p, o)

    edges: dict[tuple[URIRef, URIRef, URIRef], list[dict[str, Any]]] = {}
    for s, p, o in g:
        if s in cls and o in cls and isinstance(p, URIRef) and p not in _NOT_RELATIONS:
            edges.setdefault(key(s, p, o), [])  # type: ignore[arg-type]
    for fact in g.subjects(RDF.type, KG.Fact):
        fs, fp, fo = (_one(g, fact, t) for t in (RDF.subject, RDF.predicate, RDF.object))
        if fs in cls and fo in cls and isinstance(fp, URIRef):
            doc = _one(g, fact, PROV.wasDerivedFrom)
            modality = _one(g, fact, KG.modality)
            start = _one(g, fact, KG.startOffset)
            edges.setdefault(key(fs, fp, fo), []).append(  # type: ignore[arg-type]
                {
                    "sentence": _first(g, fact, KG.sentence) or "",
                    "document": str(doc) if doc is not None else "",
                    "title": title(doc) if doc is not None else "",
                    "start": int(start) if isinstance(start, Literal) else 0,
                    "modality": label(modality) if modality is not None else "",
                    "tentative": modality in _TENTATIVE,
                }
            )
    for (s, p, o), facts in sorted(edges.items()):
        facts.sort(key=lambda f: (f["document"], f["start"], f["sentence"]))
        net.add_edge(
            str(s),
            str(o),
            key=local_name(p),
            relation=local_name(p),
            label=label(p),
            predicate=str(p),
            symmetric=p in onto.symmetric,
            facts=len(facts),
            sources=len({f["document"] for f in facts if f["document"]}),
            tentative=bool(facts) and all(f["tentative"] for f in facts),
            modality=",".join(sorted({f["modality"] for f in facts if f["modality"]})),
            evidence=_SEPARATOR.join(dict.fromkeys(f["sentence"] for f in facts)),
            titles=_SEPARATOR.join(dict.fromkeys(f["title"] for f in facts)),
            _evidence=facts,
        )
    return net


def simple_graph(g: nx.Graph) -> nx.Graph:
    """An undirected simple graph, each pair weighted by the relations linking it."""
    out = nx.Graph()
    out.add_nodes_from(sorted(g.nodes))
    for u, v in g.edges():
        if u != v:
            a, b = min(u, v), max(u, v)
            w = out.edges[a, b]["weight"] + 1 if out.has_edge(a, b) else 1
            out.add_edge(a, b, weight=w)
    return out


def pagerank(g: nx.Graph, *, alpha: float = 0.85, tol: float = 1e-10) -> dict[str, float]:
    """PageRank over the undirected view (who is linked to whom, whichever way).

    Power iteration with numpy (networkx's own needs SciPy); isolated nodes share
    the teleport mass. The scores sum to 1.
    """
    simple = simple_graph(g)
    nodes = list(simple.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    src, dst, w = [], [], []
    for u, v, weight in simple.edges(data="weight"):
        src += [index[u], index[v]]
        dst += [index[v], index[u]]
        w += [weight, weight]
    src_a, dst_a, w_a = np.array(src, dtype=int), np.array(dst, dtype=int), np.array(w, float)
    out_weight = np.bincount(src_a, weights=w_a, minlength=n)
    share = w_a / np.where(out_weight[src_a] > 0, out_weight[src_a], 1.0)
    dangling = out_weight == 0
    rank = np.full(n, 1.0 / n)
    for _ in range(200):
        spread = np.bincount(dst_a, weights=rank[src_a] * share, minlength=n)
        new = alpha * (spread + rank[dangling].sum() / n) + (1 - alpha) / n
        done = float(np.abs(new - rank).sum()) < tol * n
        rank = new
        if done:
            break
    return {node: float(rank[i]) for node, i in index.items()}


def _sorted_groups(groups: Iterable[Iterable[str]]) -> list[list[str]]:
    return sorted((sorted(c) for c in groups), key=lambda c: (-len(c), c[0]))


def components(g: nx.Graph) -> list[list[str]]:
    """Connected components (whatever the direction), largest first."""
    return _sorted_groups(nx.connected_components(simple_graph(g)))


def communities(g: nx.Graph, *, seed: int = SEED) -> list[list[str]]:
    """Louvain communities of the undirected weighted view (seeded), largest first.

    The same communities as ``networkx.community.louvain_communities`` with this seed
    (``kg.export.louvain``), found in a fraction of its time.
    """
    return communities_simple(simple_graph(g), seed=seed)


def communities_simple(simple: nx.Graph, *, seed: int = SEED) -> list[list[str]]:
    """``communities`` of a graph that ``simple_graph`` has already made simple."""
    if simple.number_of_nodes() == 0:
        return []
    return _sorted_groups(louvain(simple, seed=seed))


def shortest_paths(g: nx.MultiDiGraph, a: str, b: str, *, limit: int = 5) -> list[list[str]]:
    """Up to ``limit`` shortest chains of entities from ``a`` to ``b``, whatever the direction.

    Each chain lists the nodes from ``a`` to ``b``; no chain: an empty list.
    """
    simple = simple_graph(g)
    if a not in simple or b not in simple:
        raise InputError(f"no entity {a if a not in simple else b} in the graph")
    if a == b:
        return [[a]]
    try:
        paths = nx.all_shortest_paths(simple, a, b)
        found = [p for _, p in zip(range(limit * 20), paths, strict=False)]
    except nx.NetworkXNoPath:
        return []
    return sorted(found)[:limit]


# ---------------------------------------------------------------- layout


def _spring(
    simple: nx.Graph, nodes: list[str], rng: np.random.Generator, spacing: float
) -> np.ndarray:
    """Fruchterman-Reingold on one component; repulsion from a sample when it is large.

    Exact O(n^2) forces up to ``_EXACT`` nodes; beyond, each iteration repels every
    node from a seeded random sample of ``_EXACT`` nodes scaled up to the whole, which
    keeps 5,000 entities to a second or two without SciPy. The positions are centred
    on (0, 0) and scaled so that the mean edge is ``spacing`` long.
    """
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2))
    index = {node: i for i, node in enumerate(nodes)}
    # in a fixed order: the graph's own follows string hashes, which change between runs
    pairs = sorted(
        (i, index[v]) for i, u in enumerate(nodes) for v in simple.adj[u] if index[v] > i
    )
    edges = np.array(pairs, dtype=int).reshape(-1, 2)
    pos = rng.random((n, 2)) * math.sqrt(n)
    k = 1.0
    temperature = math.sqrt(n) / 10
    iterations = 80 if n <= _EXACT else 60
    # float32 halves the memory the n x m force matrices cross each iteration
    pos32 = pos.astype(np.float32)
    for step in range(iterations):
        if n <= _EXACT:
            others, scale = pos32, 1.0
        else:
            others, scale = pos32[rng.choice(n, _EXACT, replace=False)], n / _EXACT
        # sum_j f_ij (p_i - o_j) = p_i * sum_j f_ij - (f @ o)_i, all as matrix products
        sq_p, sq_o = (pos32**2).sum(axis=1), (others**2).sum(axis=1)
        force = pos32 @ others.T
        force *= -2
        force += sq_p[:, None]
        force += sq_o[None, :]
        np.maximum(force, np.float32(1e-2), out=force)
        np.divide(k * k * scale, force, out=force)  # now the force, from the squared distance
        disp = pos32 * force.sum(axis=1)[:, None] - force @ others
        if len(edges):
            d = pos32[edges[:, 0]] - pos32[edges[:, 1]]
            length = np.maximum(np.sqrt((d**2).sum(axis=1)), 1e-4)
            pull = d * (length / k)[:, None]
            for axis in (0, 1):
                disp[:, axis] -= np.bincount(edges[:, 0], pull[:, axis], minlength=n)
                disp[:, axis] += np.bincount(edges[:, 1], pull[:, axis], minlength=n)
        disp -= 0.01 * pos32 * scale  # a little gravity keeps stray nodes near
        size = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-9)
        pos32 += disp / size[:, None] * np.minimum(size, temperature)[:, None]
        temperature *= 1 - (step + 1) / (iterations + 1) * 0.1
    pos = pos32.astype(float)
    pos -= pos.mean(axis=0)
    d = pos[edges[:, 0]] - pos[edges[:, 1]]
    mean = float(np.sqrt((d**2).sum(axis=1)).mean())
    return pos * (spacing / max(mean, 1e-6))


_EXACT = 400


def layout(g: nx.Graph, *, seed: int = SEED, spacing: float = 120.0) -> dict[str, tuple[int, int]]:
    """Seeded positions in pixels: each component laid out, then packed in rows.

    Components are placed largest first, left to right, wrapping into rows about
    as wide as the whole is tall, so that a graph of many small stories reads as
    a grid of clusters rather than one hairball.
    """
    return layout_simple(simple_graph(g), seed=seed, spacing=spacing)


def layout_simple(simple: nx.Graph, *, seed: int, spacing: float) -> dict[str, tuple[int, int]]:
    """``layout`` of a graph that is already simple (the nodes of a component in ``adj``)."""
    rng = np.random.default_rng(seed)
    placed = [
        (comp, _spring(simple, comp, rng, spacing))
        for comp in _sorted_groups(nx.connected_components(simple))
    ]
    total_area = sum((np.ptp(p[:, 0]) + spacing) * (np.ptp(p[:, 1]) + spacing) for _, p in placed)
    row_width = max(math.sqrt(total_area) * 1.2, spacing)
    out: dict[str, tuple[int, int]] = {}
    x = y = row_height = 0.0
    for comp, pos in placed:
        width, height = np.ptp(pos[:, 0]) + spacing, np.ptp(pos[:, 1]) + spacing
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        origin = np.array([x, y]) - pos.min(axis=0) + spacing / 2
        for node, (px, py) in zip(comp, pos + origin, strict=True):
            out[node] = (round(float(px)), round(float(py)))
        x += width
        row_height = max(row_height, height)
    return out


# ---------------------------------------------------------------- files


def _scalar_copy(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph with only the attributes a file can hold (no ``_`` ones, no None)."""
    out = nx.MultiDiGraph()
    for node, data in g.nodes(data=True):
        out.add_node(node, **{k: v for k, v in data.items() if not k.startswith("_")})
    for u, v, key, data in g.edges(keys=True, data=True):
        out.add_edge(u, v, key=key, **{k: v for k, v in data.items() if not k.startswith("_")})
    return out


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _neo4j_type(relation: str) -> str:
    out = "".join("_" + c if c.isupper() else c for c in relation)
    return out.upper().lstrip("_")


def _csv_text(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(["true" if v is True else "false" if v is False else v for v in row])
    return buf.getvalue()


def _text_writer(text: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8", newline="")

    return write


def _write_csv(g: nx.MultiDiGraph, folder: Path) -> list[Path]:
    """nodes.csv and edges.csv with neo4j-admin import headers."""
    folder.mkdir(parents=True, exist_ok=True)
    node_rows: list[list[Any]] = [
        [
            "iri:ID",
            "label",
            "type",
            "aliases",
            "wikidata",
            "mentions:int",
            "documents:int",
            ":LABEL",
        ]
    ]
    for node, d in g.nodes(data=True):
        node_rows.append(
            [
                node,
                d["label"],
                d["type"],
                d["aliases"],
                d["wikidata"],
                d["mentions"],
                d["documents"],
                f"Entity;{d['type']}",
            ]
        )
    edge_rows: list[list[Any]] = [
        [
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "relation",
            "label",
            "symmetric:boolean",
            "facts:int",
            "sources:int",
            "tentative:boolean",
            "modality",
            "evidence",
            "titles",
        ]
    ]
    for u, v, d in g.edges(data=True):
        edge_rows.append(
            [
                u,
                v,
                _neo4j_type(d["relation"]),
                d["relation"],
                d["label"],
                d["symmetric"],
                d["facts"],
                d["sources"],
                d["tentative"],
                d["modality"],
                d["evidence"],
                d["titles"],
            ]
        )
    written = []
    for name, rows in (("nodes.csv", node_rows), ("edges.csv", edge_rows)):
        text = _csv_text(rows)
        target = folder / name
        _atomic(target, _text_writer(text))
        written.append(target)
    return written


def write_network(g: nx.MultiDiGraph, path: Path, *, fmt: str) -> list[Path]:
    """Write ``g`` as GraphML, GEXF, or Neo4j CSV (``path`` is then a folder).

    Returns the files written. Raises ``InputError`` for an unknown format and
    ``OSError`` if a file cannot be written.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    path = Path(path)
    plain = _scalar_copy(g)
    if fmt == "csv":
        return _write_csv(plain, path)
    if fmt == "graphml":
        _atomic(path, lambda p: nx.write_graphml(plain, p, encoding="utf-8"))
    else:
        _atomic(path, lambda p: nx.write_gexf(plain, p, encoding="utf-8"))
    return [path]
