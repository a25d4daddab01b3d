"""kg.export.networks: the graph as networkx, its analytics, and GraphML/GEXF/CSV files."""

from __future__ import annotations

import csv
import os
import random
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Dataset, Literal

from kg.errors import InputError
from kg.export.louvain import louvain
from kg.export.networks import (
    communities,
    components,
    layout,
    pagerank,
    shortest_paths,
    to_networkx,
    write_network,
)
from kg.rdf import document_iri, to_dataset
from kg.vocab import KG, KGF, KGR, PROV, RDF

ACME, PIXIE, JANE = str(KGR["acme-robotics"]), str(KGR["pixie"]), str(KGR["jane-roe"])
GLOBEX, BLINKR = str(KGR["globex"]), str(KGR["blinkr"])


def _restate(ds: Dataset, doc: str, name: str) -> None:
    """Another kg:Fact saying Jane Roe is CEO of Acme, from document ``doc``."""
    g = ds.graph(document_iri(doc))
    fact = KGF[name]
    for p, o in [
        (RDF.type, KG.Fact),
        (RDF.subject, KGR["jane-roe"]),
        (RDF.predicate, KG.ceoOf),
        (RDF.object, KGR["acme-robotics"]),
        (KG.sentence, Literal(f"Jane Roe runs Acme ({name}).")),
        (PROV.wasDerivedFrom, document_iri(doc)),
    ]:
        g.add((fact, p, o))


def test_entities_and_relations(small_dataset: Dataset) -> None:
    g = to_networkx(small_dataset)
    assert g.number_of_nodes() == 6 and g.number_of_edges() == 5
    assert g.nodes[JANE] | {} == {
        "label": "Jane Roe",
        "type": "Person",
        "iri": JANE,
        "aliases": "",
        "wikidata": "",
        "mentions": 1,
        "documents": 1,
    }
    assert g.nodes[GLOBEX]["wikidata"] == "Q1"
    ceo = g.edges[JANE, ACME, "ceoOf"]
    assert (ceo["label"], ceo["facts"], ceo["sources"], ceo["tentative"]) == ("CEO of", 1, 1, False)
    assert ceo["evidence"] == "Acme CEO Jane Roe told staff the app cost $2 million a day."
    assert ceo["titles"] == "Acme ends Pixie"
    # a symmetric relation is one edge, from the smaller IRI
    assert list(g.get_edge_data(BLINKR, PIXIE)) == ["competesWith"]
    assert g.get_edge_data(PIXIE, BLINKR) is None


def test_sources_count_distinct_documents(small_dataset: Dataset) -> None:
    _restate(small_dataset, "a" * 64, "same-document")
    _restate(small_dataset, "b" * 64, "other-document")
    ceo = to_networkx(small_dataset).edges[JANE, ACME, "ceoOf"]
    assert (ceo["facts"], ceo["sources"]) == (3, 2)
    assert [e["title"] for e in ceo["_evidence"]].count("Acme ends Pixie") == 2


def test_pagerank_components_communities(small_dataset: Dataset) -> None:
    g = to_networkx(small_dataset)
    rank = pagerank(g)
    assert sum(rank.values()) == pytest.approx(1.0)
    assert max(rank, key=rank.__getitem__) == ACME  # linked to most
    assert components(g) == [sorted(g.nodes)]
    found = communities(g)
    assert sorted(n for c in found for n in c) == sorted(g.nodes)
    assert found == communities(g) and len(found) > 1  # seeded: the same every time
    g.add_node("x", label="x")
    assert components(g)[-1] == ["x"]


@pytest.mark.parametrize("seed", range(12))
def test_louvain_finds_what_networkx_finds(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(2, 250)
    g = nx.gnm_random_graph(n, rng.randint(0, 3 * n), seed=seed)
    for u, v in g.edges:
        g.edges[u, v]["weight"] = rng.randint(1, 3)
    g.add_edge(0, 0, weight=2)  # a loop, as the levels above the first have
    g = nx.relabel_nodes(g, {k: f"n{k:04}" for k in g})
    theirs = nx.community.louvain_communities(g, weight="weight", seed=seed)
    mine = louvain(g, seed=seed)
    assert sorted(map(sorted, mine)) == sorted(map(sorted, theirs))


def test_louvain_on_graphs_with_no_edges_and_on_a_known_graph() -> None:
    assert louvain(nx.empty_graph(3), seed=1) == [{0}, {1}, {2}]
    karate = nx.karate_club_graph()  # weighted
    theirs = nx.community.louvain_communities(karate, weight="weight", seed=7)
    assert sorted(map(sorted, louvain(karate, seed=7))) == sorted(map(sorted, theirs))
    assert len(theirs) > 2


def test_pagerank_empty_and_isolated() -> None:
    assert pagerank(nx.MultiDiGraph()) == {}
    g = nx.Graph()
    g.add_nodes_from("ab")
    assert pagerank(g) == {"a": pytest.approx(0.5), "b": pytest.approx(0.5)}


def test_shortest_paths(small_dataset: Dataset) -> None:
    g = to_networkx(small_dataset)
    deal = str(KGR["deal-acme-robotics-globex"])
    assert shortest_paths(g, JANE, GLOBEX) == [[JANE, ACME, deal, GLOBEX]]
    assert shortest_paths(g, JANE, JANE) == [[JANE]]
    g.add_node("lonely", label="lonely")
    assert shortest_paths(g, JANE, "lonely") == []
    with pytest.raises(InputError, match="no entity nowhere"):
        shortest_paths(g, JANE, "nowhere")


def test_layout_is_seeded_and_spreads_nodes() -> None:
    g = nx.barabasi_albert_graph(600, 1, seed=3)  # past the exact-force limit
    g.add_nodes_from(range(600, 640))  # isolated entities
    g = nx.relabel_nodes(g, {i: f"n{i:04}" for i in g})
    pos = layout(g)
    assert set(pos) == set(g) and pos == layout(g)
    assert len(set(pos.values())) > 0.95 * len(pos)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    assert max(xs) - min(xs) > 1000 and max(ys) - min(ys) > 1000


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_graphml_and_gexf_carry_types_labels_evidence(
    small_dataset: Dataset, tmp_path: Path
) -> None:
    g = to_networkx(small_dataset)
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        (path,) = write_network(g, tmp_path / f"g.{fmt}", fmt=fmt)
        back = reader(path)
        assert back.number_of_nodes() == 6 and back.number_of_edges() == 5
        assert back.nodes[JANE]["label"] == "Jane Roe"
        assert back.nodes[JANE]["type"] == "Person"
        (ceo,) = [d for u, v, d in back.edges(data=True) if d["relation"] == "ceoOf"]
        assert ceo["evidence"].startswith("Acme CEO Jane Roe told staff")
        assert int(ceo["sources"]) == 1
    assert sorted(os.listdir(tmp_path)) == ["g.gexf", "g.graphml"]


def test_csv_for_neo4j(small_dataset: Dataset, tmp_path: Path) -> None:
    written = write_network(to_networkx(small_dataset), tmp_path / "neo4j", fmt="csv")
    assert [p.name for p in written] == ["nodes.csv", "edges.csv"]
    nodes, edges = _read_csv(written[0]), _read_csv(written[1])
    assert list(nodes[0])[:3] == ["iri:ID", "label", "type"] and list(nodes[0])[-1] == ":LABEL"
    assert list(edges[0])[:3] == [":START_ID", ":END_ID", ":TYPE"]
    jane = next(n for n in nodes if n["iri:ID"] == JANE)
    assert (jane[":LABEL"], jane["mentions:int"]) == ("Entity;Person", "1")
    globex = next(n for n in nodes if n["iri:ID"] == GLOBEX)
    assert globex["label"] == "Globex <b>Corp</b>"  # as stated; quoting is the reader's job
    ceo = next(e for e in edges if e[":TYPE"] == "CEO_OF")
    assert (ceo[":START_ID"], ceo[":END_ID"], ceo["sources:int"]) == (JANE, ACME, "1")
    assert {e[":TYPE"] for e in edges} == {"CEO_OF", "COMPETES_WITH", "DISCONTINUED", "PARTY"}


@pytest.mark.parametrize(("fmt", "name"), [("graphml", "g.graphml"), ("csv", "neo4j")])
def test_same_graph_same_files(small_facts: Any, tmp_path: Path, fmt: str, name: str) -> None:
    docs, entities, facts, counts = small_facts
    one = to_networkx(to_dataset(docs, entities, facts, counts))
    two = to_networkx(to_dataset(docs[::-1], entities, facts[::-1], counts))
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    a = write_network(one, tmp_path / "1" / name, fmt=fmt)
    b = write_network(two, tmp_path / "2" / name, fmt=fmt)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_unknown_format_and_failed_write(
    small_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = to_networkx(small_dataset)
    with pytest.raises(InputError, match="unknown export format 'dot' \\(known: graphml, gexf"):
        write_network(g, tmp_path / "g.dot", fmt="dot")
    path = tmp_path / "g.graphml"
    path.write_text("old", encoding="utf-8")

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(nx, "write_graphml", boom)
    with pytest.raises(RuntimeError, match="simulated"):
        write_network(g, path, fmt="graphml")
    assert path.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["g.graphml"]
