"""`kg stats`, `kg path` and `kg export` over a real Oxigraph store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Dataset

from kg.cli import main
from kg.rdf import to_dataset
from kg.store import write_store
from kg.vocab import KGR


@pytest.fixture
def store(small_dataset: Dataset, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    write_store(small_dataset, path)
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_stats(store: Path) -> None:
    code, out, err = _run("stats", "--store", str(store), "--top", "3")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:5] == [
        "Documents:    2",
        "Entities:     6 (Organization 2, AIModel 1, Deal 1, Person 1, Product 1)",
        "Facts:        8 (party 2, ceoOf 1, competesWith 1, cost 1, dealStatus 1, dealValue 1, "
        "discontinued 1)",
        "Open:         0 (kg:relatedTo; `kg stats --unmapped`)",
        "Components:   1 (largest 6, 0 isolated)",
    ]
    assert lines[5].startswith("Communities:  ")
    central = lines[lines.index("Most central (PageRank):") + 1 :]
    assert len(central) == 3
    assert central[0].startswith("   1. Acme Robotics (Organization) 0.")


@pytest.mark.parametrize(
    "jane", ["jane-roe", "kgr:jane-roe", str(KGR["jane-roe"]), "JANE ROE", "  jane roe "]
)
def test_path_accepts_keys_curies_iris_and_labels(store: Path, jane: str) -> None:
    code, out, err = _run("path", jane, "globex", "--store", str(store))
    assert (code, err) == (0, "")
    assert out == (
        "Path 1: Jane Roe \u2192 Acme Robotics \u2192 Acme Robotics\u2013Globex deal"
        " \u2192 Globex <b>Corp</b> (3 hops)\n"
        "  1. Jane Roe \u2192 Acme Robotics (1 fact)\n"
        "     Jane Roe \u2014 CEO of \u2192 Acme Robotics\n"
        "         \u201cAcme CEO Jane Roe told staff the app cost $2 million a day.\u201d"
        " (Acme ends Pixie)\n"
        "  2. Acme Robotics \u2192 Acme Robotics\u2013Globex deal (1 fact)\n"
        "     Acme Robotics\u2013Globex deal \u2014 party \u2192 Acme Robotics\n"
        "         \u201cAcme and Globex signed a $1 billion licensing deal.\u201d"
        ' (Deal <img src=x onerror="alert(1)">)\n'
        "  3. Acme Robotics\u2013Globex deal \u2192 Globex <b>Corp</b> (1 fact)\n"
        "     Acme Robotics\u2013Globex deal \u2014 party \u2192 Globex <b>Corp</b>\n"
        "         \u201cAcme and Globex signed a $1 billion licensing deal.\u201d"
        ' (Deal <img src=x onerror="alert(1)">)\n'
    )


def test_unmapped_lists_the_words_of_open_relations(small_facts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    documents, entities, facts, counts = small_facts
    teamed = replace(facts[0], predicate="relatedTo", object="blinkr", text="team up with")
    store = tmp_path / "store"
    write_store(to_dataset(documents, entities, [*facts, teamed], counts), store)
    code, out, err = _run("stats", "--unmapped", "--store", str(store))
    assert (code, err) == (0, "")
    assert out == (
        "Words of open relations (kg:relatedTo), most frequent first:\n"
        "     1  team up with  e.g. "
        "\u201cAcme Robotics is shutting down Pixie, its photo app.\u201d\n"
    )
    code, out, _ = _run("stats", "--store", str(store))
    assert "Open:         1 (kg:relatedTo; `kg stats --unmapped`)" in out.splitlines()
    code, out, _ = _run(
        "stats", "--unmapped", "--store", str(_store_without_open(small_facts, tmp_path))
    )
    assert out == "No open relations: every relation found has a property of the ontology.\n"


def _store_without_open(small_facts, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    store = tmp_path / "plain"
    write_store(to_dataset(*small_facts), store)
    return store


def test_parallel_facts_are_one_hop(small_facts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    documents, entities, facts, counts = small_facts
    made = replace(facts[0], predicate="developer", subject="pixie", object="acme-robotics")
    store = tmp_path / "store"
    write_store(to_dataset(documents, entities, [*facts, made], counts), store)
    code, out, err = _run("path", "acme-robotics", "pixie", "--store", str(store))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:2] == ["Path 1: Acme Robotics \u2192 Pixie (1 hop)",
                         "  1. Acme Robotics \u2192 Pixie (2 facts)"]  # fmt: skip
    assert [line.strip() for line in lines if line.startswith("     ") and "\u2014" in line] == [
        "Pixie \u2014 developer \u2192 Acme Robotics",
        "Acme Robotics \u2014 discontinued \u2192 Pixie",
    ]
    assert not any(line.startswith("  2.") for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["path", "nobody", "pixie"], "kg: error: no entity 'nobody' in the graph"),
        (
            ["path", "acme-robotics", "Acme Robotics"],
            "kg: error: 'acme-robotics' and 'Acme Robotics' are the same entity (Acme Robotics)",
        ),
        (["path", "pixie", "kgr:nope"], "kg: error: no entity 'kgr:nope' in the graph"),
        (["stats"], "kg: error: no store at"),
    ],
)
def test_bad_input_is_one_line(store: Path, args: list[str], message: str) -> None:
    where = store if args[0] == "path" else store.parent / "missing"
    code, out, err = _run(*args, "--store", str(where))
    assert code == 1 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
def test_export(store: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"net.{fmt}"
    code, stdout, err = _run("export", "--format", fmt, "--out", str(out), "--store", str(store))
    assert code == 0
    assert err == "6 entities, 5 relations\n"
    if fmt == "csv":
        assert stdout.splitlines() == [str(out / "nodes.csv"), str(out / "edges.csv")]
        assert (out / "edges.csv").read_text(encoding="utf-8").count("\n") == 6
    else:
        assert stdout == f"{out}\n"
        back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
        assert (back.number_of_nodes(), back.number_of_edges()) == (6, 5)


def test_export_to_a_missing_folder_is_one_line(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "g.graphml"
    code, _, err = _run("export", "--format", "graphml", "--out", str(out), "--store", str(store))
    assert code == 1
    assert err.startswith(f"kg: error: cannot write {out}:") and err.count("\n") == 1
