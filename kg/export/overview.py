"""Large graph pages open on communities: summary nodes, each laid out as one disc.

Above ``OVERVIEW_LIMIT`` entities the page first shows the Louvain communities that
``kg stats`` reports (``kg.export.networks.communities``), one summary node each,
named after its most important members; a click on one draws its members. So that
a community's members land where its summary node was, the layout is made in two
steps: each community is laid out on its own (``kg.export.networks.layout_simple``) and
fits in a disc; the graph of communities is laid out, the discs are pushed apart
until none overlaps another, then drawn in towards the middle. The cost grows with
the sum of the squared community sizes (each capped by the layout's sampling), not
with the square of the whole graph. From ``BESIDE_FROM`` related entities the page
begins the layout in a second process and makes its other parts meanwhile
(``start_community_layout``).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from kg.export.networks import SEED, communities_simple, layout_simple, simple_graph

__all__ = ["OVERVIEW_LIMIT", "Community", "community_layout", "start_community_layout"]

#: From this many entities with a relation the page opens on communities.
OVERVIEW_LIMIT = 500
_SPACING = 120.0  # pixels: the layout's mean edge length
_PUSHES = 60
_ROUNDS = 12
#: From this many related entities the layout is made in a second process while the
#: page's other parts are made (on a machine with a second core): it is the larger
#: part of a large page's making, and a second interpreter costs about a second.
BESIDE_FROM = 5000


@dataclass(frozen=True)
class Community:
    """A community of the page: its members (most important first) and its disc."""

    members: list[str]
    x: int
    y: int
    radius: int


def _disc(simple: nx.Graph, members: list[str]) -> tuple[np.ndarray, float]:
    """The members laid out around (0, 0), and the radius of the disc holding them."""
    positions = layout_simple(simple.subgraph(members), seed=SEED, spacing=_SPACING)
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
    x, y = centres[:, 0].copy(), centres[:, 1].copy()
    for _ in range(_PUSHES):
        dx, dy = x[:, None] - x[None, :], y[:, None] - y[None, :]
        dist = np.sqrt(dx * dx + dy * dy)
        np.fill_diagonal(dist, np.inf)
        overlap = np.where(dist < gap, (gap - dist) / 2, 0.0)
        if not overlap.any():
            break
        # coincident centres are pulled apart along a fixed direction
        apart = dist > 1e-6
        share = overlap / np.where(apart, dist, 1.0)
        x = x + np.where(apart, dx * share, overlap).sum(axis=1) * 0.5
        y = y + np.where(apart, dy * share, 0.0).sum(axis=1) * 0.5
    return np.stack([x, y], axis=1)


def community_layout(
    relations: nx.MultiGraph, rank: dict[str, float]
) -> tuple[list[Community], dict[str, tuple[int, int]]]:
    """Communities (largest first) and the position in pixels of every related entity.

    ``relations`` has every entity and one edge per relation, as ``kg stats`` reads the
    graph, so that the communities are the ones it reports; entities with no relation
    are left out (they are no community's). ``rank`` orders each community's members.
    """
    simple = simple_graph(relations)  # what ``communities`` reads, built once
    linked = {n for n in relations if relations.degree(n)}  # a relation to itself counts
    found = [c for c in communities_simple(simple) if any(n in linked for n in c)]
    simple.remove_nodes_from([n for n in relations if n not in linked])
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
    spots = layout_simple(between, seed=SEED, spacing=_SPACING)
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


Layout = tuple[list[Community], dict[str, tuple[int, int]]]
_Job = tuple[list[str], list[tuple[str, str]], dict[str, float]]


def _layout_of(job: _Job) -> Layout:
    """``community_layout`` of the graph with these nodes and edges, in this order."""
    nodes, pairs, rank = job
    relations = nx.MultiGraph()
    relations.add_nodes_from(nodes)
    relations.add_edges_from(pairs)
    return community_layout(relations, rank)


def _serve() -> None:
    """The second process: a pickled job on stdin, its layout pickled on stdout."""
    job = pickle.load(sys.stdin.buffer)
    pickle.dump(_layout_of(job), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


def start_community_layout(
    relations: nx.MultiGraph, rank: dict[str, float]
) -> Callable[[], Layout]:
    """``community_layout``, begun now; the returned function waits for it.

    A large graph is laid out by a second Python process, so that the caller can go
    on meanwhile. The process runs this module alone (not the caller's script) and
    gets the graph and hands back the layout as pickles over its pipes. The result is
    the same as in this process, which is where it is made when the graph is small,
    when the machine has one core, or when the second process fails.
    """
    linked = sum(1 for n in relations if relations.degree(n))
    if linked < BESIDE_FROM or (os.cpu_count() or 1) < 2:
        done = community_layout(relations, rank)
        return lambda: done
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", "from kg.export.overview import _serve; _serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
    except OSError:
        done = community_layout(relations, rank)
        return lambda: done
    job: _Job = (list(relations.nodes), list(relations.edges()), rank)
    data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)

    def send() -> None:
        assert child.stdin is not None
        with contextlib.suppress(OSError), child.stdin:  # a child that died is seen below
            child.stdin.write(data)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()

    def result() -> Layout:
        assert child.stdout is not None
        try:
            out = child.stdout.read()
        finally:
            child.stdout.close()
            sender.join()
            code = child.wait()
        if code == 0:
            with contextlib.suppress(pickle.UnpicklingError, EOFError, ValueError):
                laid: Layout = pickle.loads(out)
                return laid
        return community_layout(relations, rank)  # the second process failed: made here

    return result
