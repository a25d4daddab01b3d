"""Large graph pages open on communities: summary nodes, each laid out as one disc.

Above ``OVERVIEW_LIMIT`` entities the page first shows the Louvain communities that
``kg stats`` reports (``kg.export.networks.communities``), one summary node each,
named after its most important members; a click on one draws its members. So that
a community's members land where its summary node was, the layout is made in two
steps: each community is laid out on its own (``kg.export.networks.layout``) and
fits in a disc; the graph of communities is laid out, the discs are pushed apart
until none overlaps another, then drawn in towards the middle. The cost grows with
the sum of the squared community sizes (each capped by the layout's sampling), not
with the square of the whole graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from kg.export.networks import communities, layout

__all__ = ["OVERVIEW_LIMIT", "Community", "community_layout"]

#: From this many entities with a relation the page opens on communities.
OVERVIEW_LIMIT = 500
_SPACING = 120.0  # pixels: the layout's mean edge length
_PUSHES = 60
_ROUNDS = 12


@dataclass(frozen=True)
class Community:
    """A community of the page: its members (most important first) and its disc."""

    members: list[str]
    x: int
    y: int
    radius: int


def _disc(simple: nx.Graph, members: list[str]) -> tuple[np.ndarray, float]:
    """The members laid out around (0, 0), and the radius of the disc holding them."""
    positions = layout(simple.subgraph(members))
    pos = np.array([positions[m] for m in members], dtype=float).reshape(-1, 2)
    pos -= pos.mean(axis=0)
    radius = float(np.sqrt((pos**2).sum(axis=1)).max(initial=0.0)) + _SPACING / 2
    return pos, radius


def _separate(centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Push the discs apart, a little at a time, until no two overlap."""
    k = len(centres)
    if k < 2:
        return centres
    gap = radii[:, None] + radii[None, :] + _SPACING
    np.fill_diagonal(gap, 0.0)
    for _ in range(_PUSHES):
        d = centres[:, None, :] - centres[None, :, :]
        dist = np.sqrt((d**2).sum(axis=2))
        np.fill_diagonal(dist, np.inf)
        overlap = np.where(dist < gap, (gap - dist) / 2, 0.0)
        if not overlap.any():
            break
        # coincident centres are pulled apart along a fixed direction
        unit = np.where(dist[..., None] > 1e-6, d / np.maximum(dist, 1e-6)[..., None], [1.0, 0.0])
        centres = centres + (unit * overlap[..., None]).sum(axis=1) * 0.5
    return centres


def community_layout(
    relations: nx.MultiGraph, rank: dict[str, float]
) -> tuple[list[Community], dict[str, tuple[int, int]]]:
    """Communities (largest first) and the position in pixels of every related entity.

    ``relations`` has every entity and one edge per relation, as ``kg stats`` reads the
    graph, so that the communities are the ones it reports; entities with no relation
    are left out (they are no community's). ``rank`` orders each community's members.
    """
    simple = nx.Graph(relations)
    simple.remove_nodes_from([n for n in relations if relations.degree(n) == 0])
    found = [c for c in communities(relations) if any(n in simple for n in c)]
    groups = [sorted(c, key=lambda n: (-rank[n], n)) for c in found]
    if not groups:
        return [], {}
    index = {n: i for i, c in enumerate(groups) for n in c}
    discs = [_disc(simple, c) for c in groups]
    radii = np.array([r for _, r in discs])

    between = nx.Graph()
    between.add_nodes_from(f"c{i:05}" for i in range(len(groups)))
    for u, v in simple.edges():
        if index[u] != index[v]:
            between.add_edge(f"c{index[u]:05}", f"c{index[v]:05}")
    spots = layout(between)
    centres = np.array([spots[f"c{i:05}"] for i in range(len(groups))], dtype=float)
    # the layout's edges are _SPACING long: stretch them to a typical pair of discs
    centres *= (2 * float(np.median(radii)) + _SPACING) / _SPACING
    centres = _separate(centres, radii)
    for _ in range(_ROUNDS):  # draw them in together, a round picture rather than a band
        centres = _separate(centres - centres.mean(axis=0), radii) * 0.9
    centres = _separate(centres, radii)

    out: dict[str, tuple[int, int]] = {}
    placed = []
    for members, (pos, radius), centre in zip(groups, discs, centres, strict=True):
        for node, (px, py) in zip(members, pos + centre, strict=True):
            out[node] = (round(float(px)), round(float(py)))
        x, y = (round(float(c)) for c in centre)
        placed.append(Community(members, x, y, round(radius)))
    return placed, out
