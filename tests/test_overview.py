"""kg.export.overview: communities laid out as discs, here or in a second process."""

from __future__ import annotations

import random
import sys

import networkx as nx
import pytest

from kg.export import overview
from kg.export.networks import communities, pagerank
from kg.export.overview import community_layout, start_community_layout


def _stories(n_stories: int, seed: int = 3) -> nx.MultiGraph:
    """Stories of 5 to 9 entities, each a ring with a chord, a few linked to the next."""
    rng = random.Random(seed)
    g = nx.MultiGraph()
    for s in range(n_stories):
        size = rng.randint(5, 9)
        members = [f"s{s:03}e{i}" for i in range(size)]
        g.add_nodes_from(members)
        g.add_edges_from(zip(members, members[1:] + members[:1], strict=True))
        g.add_edge(members[0], members[size // 2])
        if s and rng.random() < 0.3:
            g.add_edge(members[1], f"s{s - 1:03}e0")
    g.add_node("alone")  # no relation: in no community, given no position
    g.add_edge("self", "self")  # a relation to itself: placed, in a community of its own
    return g


def _overlaps(placed: list[overview.Community]) -> int:
    return sum(
        (a.x - b.x) ** 2 + (a.y - b.y) ** 2 < (a.radius + b.radius) ** 2
        for i, a in enumerate(placed)
        for b in placed[i + 1 :]
    )


def test_the_communities_are_the_ones_kg_stats_reports_as_discs_apart() -> None:
    g = _stories(40)
    placed, positions = community_layout(g, pagerank(g))
    reported = [c for c in communities(g) if c != ["alone"]]
    assert sorted(sorted(c.members) for c in placed) == sorted(reported)
    assert set(positions) == set(g) - {"alone"}
    assert _overlaps(placed) == 0
    for c in placed:  # every member inside its own disc
        assert all(
            (positions[m][0] - c.x) ** 2 + (positions[m][1] - c.y) ** 2 <= (c.radius + 1) ** 2
            for m in c.members
        )
    assert (placed, positions) == community_layout(g, pagerank(g))  # seeded


def test_a_large_graph_is_laid_out_in_a_second_process_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    g = _stories(90)
    rank = pagerank(g)
    here = community_layout(g, rank)
    monkeypatch.setattr(overview, "BESIDE_FROM", 100)  # a real second process, sooner
    started: list[list[str]] = []
    popen = overview.subprocess.Popen

    def spy(args: list[str], **kwargs: object) -> object:
        started.append(list(args))
        return popen(args, **kwargs)  # type: ignore[call-overload]

    made_here: list[int] = []
    monkeypatch.setattr(overview.subprocess, "Popen", spy)
    monkeypatch.setattr(
        overview, "community_layout", lambda *a: made_here.append(1) or community_layout(*a)
    )
    assert start_community_layout(g, rank)() == here
    assert started and started[0][0] == sys.executable
    assert not made_here  # the second process made it, not a fallback here


def test_a_second_process_that_fails_leaves_the_same_layout_made_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    g = _stories(60)
    rank = pagerank(g)
    monkeypatch.setattr(overview, "BESIDE_FROM", 100)
    monkeypatch.setattr(overview.sys, "executable", "/bin/false")  # starts, exits 1
    assert start_community_layout(g, rank)() == community_layout(g, rank)
    monkeypatch.setattr(overview.sys, "executable", "/nonexistent/python")  # cannot start
    assert start_community_layout(g, rank)() == community_layout(g, rank)
