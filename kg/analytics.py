"""Network analytics over a stored graph, as data for the command line.

``graph_stats`` counts entities by class, facts by relation and documents, and
ranks entities by PageRank; ``find_paths`` gives the shortest chains of facts
linking two entities, each step with its evidence. ``format_stats`` and
``format_paths`` render them as plain text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib import Dataset

from kg.errors import InputError
from kg.export.networks import communities, components, local_name, pagerank, shortest_paths
from kg.export.networks import to_networkx as _to_networkx
from kg.model import OPEN_RELATION
from kg.vocab import KG, KGR, PREFIXES, RDF

__all__ = [
    "GraphStats",
    "Hop",
    "Step",
    "find_paths",
    "format_paths",
    "format_stats",
    "format_unmapped",
    "graph_stats",
    "resolve_entity",
    "unmapped_triggers",
]


@dataclass(frozen=True)
class GraphStats:
    documents: int
    entities_by_class: dict[str, int]
    facts_by_relation: dict[str, int]
    central: list[tuple[str, str, float]]  # (label, class, PageRank), highest first
    components: list[int]  # sizes, largest first
    communities: list[list[str]]  # labels, most important first; largest community first


@dataclass(frozen=True)
class Step:
    """One link of a path: ``subject relation object`` and what states it."""

    subject: str
    relation: str
    object: str
    evidence: list[dict[str, Any]]  # sentence, title, modality; empty for reference facts


@dataclass(frozen=True)
class Hop:
    """One hop of a path, from entity ``start`` to entity ``end``: every fact linking them."""

    start: str
    end: str
    links: list[Step]


_SHOWN = 3  # evidence sentences printed per step


def _ranked(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def graph_stats(ds: Dataset, *, top: int = 10, g: nx.MultiDiGraph | None = None) -> GraphStats:
    """Counts, the ``top`` most central entities, components and communities of ``ds``."""
    g = _to_networkx(ds) if g is None else g
    # quads, not triples: a plain Dataset's triples are its default graph only
    typed = {(s, o) for s, _, o, _ in ds.quads((None, RDF.type, None, None))}
    predicate = {s: o for s, _, o, _ in ds.quads((None, RDF.predicate, None, None))}
    facts = Counter(local_name(p) for f, p in predicate.items() if (f, KG.Fact) in typed)
    documents = sum(1 for _, o in typed if o == KG.Document)
    rank = pagerank(g)
    order = sorted(rank, key=lambda n: (-rank[n], n))
    label = {n: str(d["label"]) for n, d in g.nodes(data=True)}
    central = [(label[n], str(g.nodes[n]["type"]), rank[n]) for n in order[:top]]
    position = {n: i for i, n in enumerate(order)}
    groups = [
        [label[n] for n in sorted(c, key=position.__getitem__)]
        for c in communities(g)
        if len(c) > 1
    ]
    return GraphStats(
        documents=documents,
        entities_by_class=_ranked(Counter(str(d["type"]) for _, d in g.nodes(data=True))),
        facts_by_relation=_ranked(facts),
        central=central,
        components=[len(c) for c in components(g)],
        communities=groups,
    )


def unmapped_triggers(ds: Dataset, *, top: int = 20) -> list[tuple[str, int, str]]:
    """The words of the open relations (kg:relatedTo), most frequent first: the lexicon's
    to-do list. Each is (words, how many facts, an example sentence)."""
    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    for fact, _, text, _ in ds.quads((None, KG.relationText, None, None)):
        words = str(text)
        counts[words] += 1
        sentences = sorted(str(o) for _, _, o, _ in ds.quads((fact, KG.sentence, None, None)))
        if sentences and (words not in example or sentences[0] < example[words]):
            example[words] = sentences[0]
    return [(w, n, example.get(w, "")) for w, n in _ranked(counts).items()][:top]


def format_unmapped(rows: list[tuple[str, int, str]]) -> str:
    """``kg stats --unmapped`` output."""
    if not rows:
        return "No open relations: every relation found has a property of the ontology.\n"
    width = max(len(w) for w, _, _ in rows)
    lines = ["Words of open relations (kg:relatedTo), most frequent first:"]
    for words, n, sentence in rows:
        lines.append(f"  {n:>4}  {words:<{width}}  e.g. \u201c{sentence}\u201d")
    return "\n".join(lines) + "\n"


def resolve_entity(g: nx.MultiDiGraph, text: str) -> str:
    """The node for an entity key, a ``kgr:`` CURIE, a full IRI or a label (any case).

    Raises ``InputError`` when nothing matches, or when a label names several entities.
    """
    text = text.strip()
    candidates = [text, str(KGR) + text]  # not KGR[text]: rdflib warns on spaces
    if text.startswith("kgr:"):
        candidates.append(PREFIXES["kgr"] + text[4:])
    for iri in candidates:
        if iri in g:
            return iri
    lowered = text.casefold()
    matches = sorted(
        n
        for n, d in g.nodes(data=True)
        if str(d["label"]).casefold() == lowered
        or lowered in (a.casefold() for a in str(d["aliases"]).split(" | ") if a)
    )
    if len(matches) == 1:
        return str(matches[0])
    if matches:
        raise InputError(f"entity {text!r} is ambiguous: {', '.join(matches)}")
    raise InputError(f"no entity {text!r} in the graph (give a key, kgr: CURIE, IRI or label)")


def find_paths(
    ds: Dataset, a: str, b: str, *, limit: int = 5, g: nx.MultiDiGraph | None = None
) -> list[list[Hop]]:
    """The shortest chains of facts linking entities ``a`` and ``b`` (see ``resolve_entity``).

    Each chain is a list of hops from ``a`` to ``b``; relations are followed either
    way, and a hop lists every fact linking its two entities. No link: ``[]``.
    Raises ``InputError`` when ``a`` and ``b`` name the same entity.
    """
    g = _to_networkx(ds) if g is None else g
    start, end = resolve_entity(g, a), resolve_entity(g, b)
    if start == end:
        raise InputError(
            f"{a!r} and {b!r} are the same entity ({g.nodes[start]['label']}): "
            "a path needs two different ones"
        )
    return [
        [_hop(g, u, v) for u, v in zip(nodes, nodes[1:], strict=False)]
        for nodes in shortest_paths(g, start, end, limit=limit)
    ]


def _hop(g: nx.MultiDiGraph, u: str, v: str) -> Hop:
    """Every fact between ``u`` and ``v``, in either direction."""
    links = [(u, v, d) for d in g.get_edge_data(u, v, default={}).values()]
    links += [(v, u, d) for d in g.get_edge_data(v, u, default={}).values()]
    steps = [
        Step(
            subject=str(g.nodes[s]["label"]),
            relation=str(d["label"]),
            object=str(g.nodes[o]["label"]),
            evidence=list({(e["sentence"], e["title"]): e for e in d["_evidence"]}.values()),
        )
        for s, o, d in sorted(links, key=lambda x: (x[2]["relation"], x[0], x[1]))
    ]
    return Hop(start=str(g.nodes[u]["label"]), end=str(g.nodes[v]["label"]), links=steps)


def format_stats(stats: GraphStats) -> str:
    """``kg stats`` output."""

    def counts(c: dict[str, int]) -> str:
        return ", ".join(f"{k} {v}" for k, v in c.items()) or "-"

    comps = stats.components
    by_class, by_relation = stats.entities_by_class, stats.facts_by_relation
    named = {k: v for k, v in by_relation.items() if k != OPEN_RELATION}
    lines = [
        f"Documents:    {stats.documents}",
        f"Entities:     {sum(by_class.values())} ({counts(by_class)})",
        f"Facts:        {sum(named.values())} ({counts(named)})",
        f"Open:         {by_relation.get(OPEN_RELATION, 0)} (kg:relatedTo; `kg stats --unmapped`)",
        f"Components:   {len(comps)}"
        + (f" (largest {comps[0]}, {sum(1 for c in comps if c == 1)} isolated)" if comps else ""),
        f"Communities:  {len(stats.communities)} with more than one entity",
    ]
    for i, group in enumerate(stats.communities[:10], 1):
        more = f" and {len(group) - 5} more" if len(group) > 5 else ""
        lines.append(f"  {i}. {', '.join(group[:5])}{more}")
    lines.append("Most central (PageRank):")
    for i, (label, cls, score) in enumerate(stats.central, 1):
        lines.append(f"  {i:>2}. {label} ({cls}) {score:.3f}")
    return "\n".join(lines) + "\n"


def format_paths(paths: list[list[Hop]], a: str, b: str) -> str:
    """``kg path`` output: each chain hop by hop; under a hop, each fact with its evidence."""
    if not paths:
        return f"No chain of facts links {a} and {b}.\n"
    lines: list[str] = []
    for i, chain in enumerate(paths, 1):
        hops = "hop" if len(chain) == 1 else "hops"
        route = " \u2192 ".join([chain[0].start] + [h.end for h in chain])
        lines.append(f"Path {i}: {route} ({len(chain)} {hops})")
        for n, hop in enumerate(chain, 1):
            facts = f"{len(hop.links)} facts" if len(hop.links) > 1 else "1 fact"
            lines.append(f"  {n}. {hop.start} \u2192 {hop.end} ({facts})")
            for step in hop.links:
                lines.append(f"     {step.subject} \u2014 {step.relation} \u2192 {step.object}")
                for ev in step.evidence[:_SHOWN]:
                    lines.append(f"         \u201c{ev['sentence']}\u201d ({ev['title']})")
                if len(step.evidence) > _SHOWN:
                    lines.append(f"         \u2026 and {len(step.evidence) - _SHOWN} more")
                if not step.evidence:
                    lines.append("         (reference knowledge base)")
    return "\n".join(lines) + "\n"
