"""kg.export.rdf: Turtle, TriG, N-Quads and JSON-LD files, read back by two parsers."""

from __future__ import annotations

import json
import random
import warnings
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal
from rdflib.compare import isomorphic

from kg.errors import KGError
from kg.export.files import replace_files
from kg.export.rdf import EXPORT_FORMATS, write_exports
from kg.store import to_oxigraph
from kg.vocab import KG, KGD, KGR, PREFIXES, RDF, RDFS, XSD

RDFLIB_FORMAT = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "jsonld": "json-ld"}
OX_FORMAT = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def _rdflib_dataset(path: Path, fmt: str) -> Dataset:
    ds = Dataset()
    with warnings.catch_warnings():
        # rdflib 7.6's own Dataset.parse trips its Dataset.default_context deprecation.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        ds.parse(data=path.read_text(encoding="utf-8"), format=RDFLIB_FORMAT[fmt])
    return ds


def _canonical(quads: object) -> ox.Dataset:
    dataset = ox.Dataset(quads)  # type: ignore[arg-type]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def _union(ds: Dataset) -> Graph:
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _shuffled_copy(ds: Dataset, seed: int) -> Dataset:
    quads = list(ds.quads((None, None, None, None)))
    random.Random(seed).shuffle(quads)
    copy = Dataset()
    for s, p, o, g in quads:
        copy.graph(g).add((s, p, o))
    return copy


def _with_blank_nodes() -> Dataset:
    ds = Dataset()
    g = ds.graph(KGD["aaaaaaaaaaaaaaaa"])
    for amount in ("1", "2"):
        q = BNode()  # a fresh random id each call
        g.add((KGR["pixie"], KG.cost, q))
        g.add((q, RDF.type, KG.Quantity))
        g.add((q, KG.amount, Literal(amount, datatype=XSD.decimal)))
    g.add((KGR["pixie"], RDFS.label, Literal("Pixie", lang="en")))
    return ds


@pytest.mark.parametrize("fmt", ["trig", "nq", "jsonld"])
def test_dataset_formats_read_back_graph_by_graph(
    small_dataset: Dataset, tmp_path: Path, fmt: str
) -> None:
    [path] = write_exports(small_dataset, tmp_path, formats=[fmt])
    assert path == tmp_path / EXPORT_FORMATS[fmt][0]
    back = _rdflib_dataset(path, fmt)
    names = {str(g.identifier) for g in small_dataset.graphs() if len(g)}
    assert {str(g.identifier) for g in back.graphs() if len(g)} == names
    for graph in small_dataset.graphs():
        assert isomorphic(graph, back.graph(graph.identifier)), graph.identifier
    parsed = ox.parse(path=path, format=OX_FORMAT[fmt])
    assert _canonical(parsed) == _canonical(to_oxigraph(small_dataset))


def test_turtle_is_the_union_of_all_graphs(small_dataset: Dataset, tmp_path: Path) -> None:
    [path] = write_exports(small_dataset, tmp_path, formats=["ttl"])
    assert path == tmp_path / "graph.ttl"
    assert isomorphic(Graph().parse(path, format="turtle"), _union(small_dataset))
    parsed = ox.parse(path=path, format=OX_FORMAT["ttl"])
    expected = {ox.Quad(q.subject, q.predicate, q.object) for q in to_oxigraph(small_dataset)}
    assert _canonical(parsed) == _canonical(expected)


def test_default_formats(small_dataset: Dataset, tmp_path: Path) -> None:
    out = tmp_path / "exports" / "nested"
    paths = write_exports(small_dataset, out)
    assert paths == [out / "graph.ttl", out / "graph.trig", out / "graph.jsonld"]
    assert sorted(p.name for p in out.iterdir()) == ["graph.jsonld", "graph.trig", "graph.ttl"]


@pytest.mark.parametrize("fmt", ["ttl", "trig"])
def test_project_prefixes_head_turtle_and_trig(
    small_dataset: Dataset, tmp_path: Path, fmt: str
) -> None:
    [path] = write_exports(small_dataset, tmp_path, formats=[fmt])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[: len(PREFIXES)] == [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    assert "kgr:acme-robotics a kg:Organization ;" in [line.strip() for line in lines]
    assert "kg:discontinued kgr:pixie ;" in [line.strip() for line in lines]


def test_jsonld_has_an_inline_context_of_the_project_prefixes(
    small_dataset: Dataset, tmp_path: Path
) -> None:
    [path] = write_exports(small_dataset, tmp_path, formats=["jsonld"])
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["@context"] == PREFIXES
    graphs = {g["@id"]: g["@graph"] for g in doc["@graph"]}
    assert set(graphs) == {"kgd:aaaaaaaaaaaaaaaa", "kgd:bbbbbbbbbbbbbbbb"}
    acme = next(n for n in graphs["kgd:aaaaaaaaaaaaaaaa"] if n["@id"] == "kgr:acme-robotics")
    assert acme["@type"] == "kg:Organization"
    assert acme["kg:discontinued"] == {"@id": "kgr:pixie"}
    assert acme["skos:altLabel"] == "Acme"


@pytest.mark.parametrize("build", ["small", "blank nodes"])
def test_same_dataset_same_bytes(small_dataset: Dataset, tmp_path: Path, build: str) -> None:
    formats = list(EXPORT_FORMATS)
    first = small_dataset if build == "small" else _with_blank_nodes()
    second = _shuffled_copy(small_dataset, 1) if build == "small" else _with_blank_nodes()
    write_exports(first, tmp_path / "a", formats=formats)
    write_exports(second, tmp_path / "b", formats=formats)
    for filename, _ in EXPORT_FORMATS.values():
        assert (tmp_path / "a" / filename).read_bytes() == (tmp_path / "b" / filename).read_bytes()


def test_blank_nodes_read_back(tmp_path: Path) -> None:
    ds = _with_blank_nodes()
    for fmt in ("trig", "jsonld"):
        [path] = write_exports(ds, tmp_path, formats=[fmt])
        back = _rdflib_dataset(path, fmt)
        assert isomorphic(back.graph(KGD["aaaaaaaaaaaaaaaa"]), ds.graph(KGD["aaaaaaaaaaaaaaaa"]))


def test_unknown_format_lists_the_known_ones(small_dataset: Dataset, tmp_path: Path) -> None:
    with pytest.raises(KGError) as info:
        write_exports(small_dataset, tmp_path, formats=["ttl", "rdfxml"])
    assert str(info.value) == "unknown export format 'rdfxml'; known formats: jsonld, nq, trig, ttl"
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_old_files_and_no_temp_files(
    small_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_exports(small_dataset, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def half_then_fail(quads: list[ox.Quad], out: BinaryIO) -> None:
        out.write(b'{"@context": ')
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(EXPORT_FORMATS, "jsonld", ("graph.jsonld", half_then_fail))
    smaller = Dataset()
    smaller.graph(KGD["reference"]).add((KGR["pixie"], RDFS.label, Literal("Pixie")))
    with pytest.raises(KGError, match="No space left on device"):
        write_exports(smaller, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_temp_files_of_dead_writers_are_removed(small_dataset: Dataset, tmp_path: Path) -> None:
    stale = tmp_path / ".graph.ttl.999999999.tmp"
    stale.write_bytes(b"@prefix half")
    write_exports(small_dataset, tmp_path, formats=["ttl"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


def test_a_replaced_file_keeps_its_permissions(small_dataset: Dataset, tmp_path: Path) -> None:
    [path] = write_exports(small_dataset, tmp_path, formats=["ttl"])
    path.chmod(0o600)
    write_exports(small_dataset, tmp_path, formats=["ttl"])
    assert path.stat().st_mode & 0o777 == 0o600


def test_file_names_are_not_patterns(tmp_path: Path) -> None:
    # A stale temp file of a dead writer is removed; a file whose name only matches
    # when the target's name is read as a glob pattern is not.
    keep = tmp_path / ".graph1.html.999999999.tmp"
    keep.write_bytes(b"someone else's")
    stale = tmp_path / ".graph[1].html.999999999.tmp"
    stale.write_bytes(b"half")
    assert replace_files(tmp_path, {"graph[1].html": b"<p>"}) == [tmp_path / "graph[1].html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".graph1.html.999999999.tmp",
        "graph[1].html",
    ]


def test_json_ld_puts_one_node_on_a_line(small_dataset: Dataset, tmp_path: Path) -> None:
    [path] = write_exports(small_dataset, tmp_path, formats=["jsonld"])
    lines = path.read_text(encoding="utf-8").splitlines()
    nodes = [json.loads(line.strip().rstrip(",")) for line in lines if line.startswith("      {")]
    assert nodes and all("@id" in node for node in nodes)
    assert json.loads(path.read_text(encoding="utf-8"))["@context"] == PREFIXES
