"""kg.store: writing the on-disk Oxigraph store atomically, opening it, rdflib on top."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.compare import isomorphic

import kg.store
from kg.errors import StoreError
from kg.store import (
    load_dataset,
    lock_path,
    open_store,
    staged_store,
    to_oxigraph,
    write_store,
)
from kg.vocab import KG, KGD, KGR, RDF, RDFS, XSD

SUBJECT = KGR["acme-robotics"]


def _named_graphs(ds: Dataset) -> set[str]:
    return {str(g.identifier) for g in ds.graphs() if len(g)}


def _as_oxigraph_holds(ds: Dataset) -> Dataset:
    """``ds`` with literals in the canonical form Oxigraph stores ("0.70" -> "0.7").

    Goes through rdflib's own N-Quads writer and an in-memory Oxigraph, so it
    shares no code with kg.store.
    """
    memory = ox.Store()
    memory.load(ds.serialize(format="nquads"), format=ox.RdfFormat.N_QUADS)
    out = Dataset()
    out.parse(data=str(memory), format="nquads")
    return out


def _assert_same_graphs(expected: Dataset, actual: Dataset) -> None:
    assert _named_graphs(actual) == _named_graphs(expected)
    for graph in expected.graphs():
        assert isomorphic(graph, actual.graph(graph.identifier)), graph.identifier


def _other_dataset() -> Dataset:
    ds = Dataset()
    g = ds.graph(KGD["cccccccccccccccc"])
    g.add((SUBJECT, RDF.type, KG.Organization))
    g.add((SUBJECT, RDFS.label, Literal("Acme")))
    return ds


@pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")
def test_round_trip_keeps_every_named_graph(small_dataset: Dataset, tmp_path: Path) -> None:
    store = tmp_path / "kg-store"
    write_store(small_dataset, store)
    _assert_same_graphs(_as_oxigraph_holds(small_dataset), load_dataset(store))
    named = sum(1 for _ in small_dataset.quads((None, None, None, None)))
    assert len(open_store(store)) == named + _default_size(store)


def _default_size(store: Path) -> int:
    return sum(1 for _ in open_store(store).quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_the_default_graph_holds_each_statement_once_and_total_counts(tmp_path: Path) -> None:
    ds = Dataset()
    for doc, count in (("aaaaaaaaaaaaaaaa", 2), ("bbbbbbbbbbbbbbbb", 3)):
        g = ds.graph(KGD[doc])
        g.add((SUBJECT, RDF.type, KG.Organization))
        g.add((SUBJECT, KG.mentionCount, Literal(count, datatype=XSD.integer)))
        g.add((SUBJECT, KG.mentionedIn, KGD[doc]))
    store = tmp_path / "kg-store"
    write_store(ds, store)
    default = {
        (q.predicate.value, q.object.value)
        for q in open_store(store).quads_for_pattern(None, None, None, ox.DefaultGraph())
    }
    assert default == {
        (str(RDF.type), str(KG.Organization)),
        (str(KG.mentionCount), "5"),
        (str(KG.mentionedIn), str(KGD["aaaaaaaaaaaaaaaa"])),
        (str(KG.mentionedIn), str(KGD["bbbbbbbbbbbbbbbb"])),
    }
    assert _default_size(store) == 4


def test_round_trip_is_exact_for_canonical_literals(tmp_path: Path) -> None:
    ds = Dataset()
    g = ds.graph(KGD["dddddddddddddddd"])
    node = BNode()
    g.add((SUBJECT, RDFS.label, Literal("Acme Robotics")))
    g.add((SUBJECT, RDFS.label, Literal("Acmé Robotique ✓", lang="fr")))
    g.add((SUBJECT, KG.mentionCount, Literal(3, datatype=XSD.integer)))
    g.add((SUBJECT, KG.sentence, Literal('line one\nline "two"')))
    g.add((SUBJECT, KG.cost, node))
    g.add((node, KG.amount, Literal("2.5", datatype=XSD.decimal)))
    ds.graph(KGD["reference"]).add((SUBJECT, KG.developer, KGR["pixie"]))
    write_store(ds, tmp_path / "kg-store")
    _assert_same_graphs(ds, load_dataset(tmp_path / "kg-store"))


def test_decimals_are_stored_in_canonical_form(tmp_path: Path) -> None:
    ds = Dataset()
    ds.graph(KGD["reference"]).add((SUBJECT, KG.confidence, Literal("0.70", datatype=XSD.decimal)))
    write_store(ds, tmp_path / "kg-store")
    [quad] = open_store(tmp_path / "kg-store").quads_for_pattern(
        None, None, None, ox.NamedNode(str(KGD["reference"]))
    )
    assert quad.object == ox.Literal("0.7", datatype=ox.NamedNode(str(XSD.decimal)))


def test_write_twice_replaces_and_leaves_nothing_behind(
    small_dataset: Dataset, tmp_path: Path
) -> None:
    store = tmp_path / "kg-store"
    write_store(small_dataset, store)
    write_store(_other_dataset(), store)
    assert {g.value for g in open_store(store).named_graphs()} == {str(KGD["cccccccccccccccc"])}
    assert len(open_store(store)) == 2 + 2  # the graph, and the merged default graph
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kg-store.lock", "kg-store"]


def test_failure_while_building_keeps_the_old_store(
    small_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "kg-store"
    write_store(small_dataset, store)
    before = len(open_store(store))

    def half_then_fail(ds: Dataset) -> Iterator[ox.Quad]:
        for i, quad in enumerate(to_oxigraph(ds)):
            if i == 1:
                raise RuntimeError("disk on fire")
            yield quad

    monkeypatch.setattr(kg.store, "to_oxigraph", half_then_fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_store(_other_dataset(), store)
    assert len(open_store(store)) == before
    result = open_store(store).query(
        "ASK { kgr:acme-robotics kg:discontinued kgr:pixie }",
        prefixes={"kg": str(KG._NS), "kgr": str(KGR)},
        use_default_graph_as_union=True,
    )
    assert bool(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kg-store.lock", "kg-store"]


def test_io_error_while_building_is_a_store_error(
    small_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "kg-store"
    write_store(small_dataset, store)

    def no_space(ds: Dataset) -> Iterator[ox.Quad]:
        raise OSError(28, "No space left on device")
        yield  # pragma: no cover

    monkeypatch.setattr(kg.store, "to_oxigraph", no_space)
    with pytest.raises(StoreError, match=r"cannot write store .*kg-store: .*No space left"):
        write_store(_other_dataset(), store)
    assert len(open_store(store)) > 2


def test_failure_during_the_swap_restores_the_old_store(
    small_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "kg-store"
    write_store(small_dataset, store)
    before = len(open_store(store))
    real_rename = Path.rename

    def fail_second_rename(self: Path, target: Path) -> Path:
        if self.name.startswith(".kg-store.new-"):  # after kg-store -> .kg-store.old
            raise OSError(5, "Input/output error")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", fail_second_rename)
    with pytest.raises(StoreError, match="cannot replace store"):
        write_store(_other_dataset(), store)
    monkeypatch.undo()
    assert len(open_store(store)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kg-store.lock", "kg-store"]


def test_leftovers_of_a_killed_writer_are_removed(small_dataset: Dataset, tmp_path: Path) -> None:
    store = tmp_path / "kg-store"
    (tmp_path / ".kg-store.new-99999").mkdir()
    (tmp_path / ".kg-store.new-99999" / "000001.sst").write_bytes(b"half")
    write_store(small_dataset, store)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kg-store.lock", "kg-store"]


@pytest.mark.parametrize("then", ["open", "write"])
def test_writer_killed_between_renames_is_recovered(
    small_dataset: Dataset, tmp_path: Path, then: str
) -> None:
    store = tmp_path / "kg-store"
    write_store(small_dataset, store)
    before = len(open_store(store))
    store.rename(tmp_path / ".kg-store.old")  # as a writer killed after its first rename
    if then == "open":
        assert len(open_store(store)) == before
    else:
        write_store(_other_dataset(), store)
        assert len(open_store(store)) == 2 + 2  # and the merged default graph
    assert not (tmp_path / ".kg-store.old").exists()


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from rdflib import Dataset, Literal
    from kg.store import write_store
    from kg.vocab import KGD, KGR, RDFS
    ds = Dataset()
    for i in range(20000):
        ds.graph(KGD["cccccccccccccccc"]).add((KGR[f"e{i}"], RDFS.label, Literal(f"E {i}")))
    print("ready", flush=True)
    while True:
        write_store(ds, Path(sys.argv[1]))
    """
)


def test_a_writer_killed_at_any_moment_leaves_a_usable_store(
    small_dataset: Dataset, tmp_path: Path
) -> None:
    store = tmp_path / "kg-store"
    write_store(small_dataset, store)
    before = len(open_store(store))
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(store)], stdout=subprocess.PIPE, env=env
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        time.sleep(0.4)  # somewhere in a write: building, swapping or cleaning up
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    # the old store, or the new one: its 20,000 quads and their merged default graph
    assert len(open_store(store)) in (before, 2 * 20000)
    write_store(small_dataset, store)
    assert len(open_store(store)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kg-store.lock", "kg-store"]


def test_second_writer_gets_a_store_error(small_dataset: Dataset, tmp_path: Path) -> None:
    store = tmp_path / "kg-store"
    write_store(small_dataset, store)
    fd = os.open(lock_path(store), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.ftruncate(fd, 0)
        os.write(fd, b"4242\n")
        with pytest.raises(StoreError) as info:
            write_store(_other_dataset(), store)
    finally:
        os.close(fd)
    assert str(info.value) == f"store {store} is being written by another kg process (pid 4242)"
    assert len(open_store(store)) > 2  # untouched
    write_store(_other_dataset(), store)  # and the lock is free again once released


def test_open_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        open_store(tmp_path / "kg-store")
    assert str(info.value) == f"no store at {tmp_path / 'kg-store'}: run `kg build` first"


@pytest.mark.parametrize("kind", ["empty folder", "file"])
def test_open_something_that_is_not_a_store(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "kg-store"
    if kind == "file":
        path.write_text("hello")
    else:
        path.mkdir()
    with pytest.raises(StoreError, match="is not a kg store"):
        open_store(path)


def test_write_refuses_to_replace_a_folder_that_is_not_a_store(
    small_dataset: Dataset, tmp_path: Path
) -> None:
    path = tmp_path / "Documents"
    path.mkdir()
    (path / "thesis.txt").write_text("precious")
    with pytest.raises(StoreError, match="exists and is not a kg store"):
        write_store(small_dataset, path)
    assert (path / "thesis.txt").read_text() == "precious"


def test_load_dataset_gives_the_rdflib_api(small_dataset: Dataset, tmp_path: Path) -> None:
    store = tmp_path / "kg-store"
    write_store(small_dataset, store)
    ds = load_dataset(store)
    assert _named_graphs(ds) == _named_graphs(small_dataset)
    assert sum(1 for _ in ds.quads((None, None, None, None))) == len(open_store(store)) - (
        _default_size(store)
    )
    # The SPARQL default graph is the union of the named graphs.
    rows = list(ds.query("SELECT ?o WHERE { kgr:acme-robotics kg:discontinued ?o }"))
    assert [row[0] for row in rows] == [KGR["pixie"]]  # type: ignore[index]
    assert ds.query("ASK { ?s rdfs:label 'Pixie' }").askAnswer
    assert (SUBJECT, RDFS.label, Literal("Acme Robotics")) in ds.graph(KGD["aaaaaaaaaaaaaaaa"])
    assert len(ds.graph(URIRef("https://example.org/no-such-graph"))) == 0


def test_load_dataset_is_read_only(small_dataset: Dataset, tmp_path: Path) -> None:
    write_store(small_dataset, tmp_path / "kg-store")
    ds = load_dataset(tmp_path / "kg-store")
    with pytest.raises(StoreError, match="read-only"):
        ds.graph(KGD["reference"]).add((SUBJECT, RDFS.label, Literal("x")))


def test_a_staged_store_is_swapped_in_only_when_committed(
    small_dataset: Dataset, tmp_path: Path
) -> None:
    store = tmp_path / "kg-store"
    write_store(small_dataset, store)
    before = len(open_store(store))
    with pytest.raises(RuntimeError, match="the page failed"):
        with staged_store(_other_dataset(), store):
            assert [p for p in tmp_path.iterdir() if ".new-" in p.name], "built beside it"
            raise RuntimeError("the page failed")
    assert len(open_store(store)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kg-store.lock", "kg-store"]
    with staged_store(_other_dataset(), store) as commit:
        assert len(open_store(store)) == before
        commit()
    assert len(open_store(store)) - _default_size(store) == len(list(to_oxigraph(_other_dataset())))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kg-store.lock", "kg-store"]
