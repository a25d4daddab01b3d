"""`kg query`: exact output in each format, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset

from kg.cli import main
from kg.store import write_store

QUERY = (
    "SELECT ?product ?label WHERE "
    "{ kgr:acme-robotics kg:discontinued ?product . ?product rdfs:label ?label }"
)

EXPECTED = {
    "table": (
        "product    label\n"
        "---------  -----\n"
        "kgr:pixie  Pixie\n"
    ),
    "csv": (
        "product,label\r\n"
        "https://w3id.org/kg-news/id/pixie,Pixie\r\n"
    ),
    "json": (
        '{"head":{"vars":["product","label"]},"results":{"bindings":[{'
        '"product":{"type":"uri","value":"https://w3id.org/kg-news/id/pixie"},'
        '"label":{"type":"literal","value":"Pixie"}}]}}\n'
    ),
}  # fmt: skip


def _store(ds: Dataset, tmp_path: Path) -> Path:
    path = tmp_path / "kg-store"
    write_store(ds, path)
    return path


@pytest.mark.parametrize("fmt", list(EXPECTED))
def test_each_format(small_dataset: Dataset, tmp_path: Path, fmt: str) -> None:
    store = _store(small_dataset, tmp_path)
    result = CliRunner().invoke(main, ["query", "--store", str(store), "--format", fmt, QUERY])
    assert result.exit_code == 0, result.output
    # (Result.stdout would turn the CSV's CRLF line ends into LF.)
    assert result.stdout_bytes.decode() == EXPECTED[fmt]
    assert result.stderr == ""


def test_table_is_the_default(small_dataset: Dataset, tmp_path: Path) -> None:
    store = _store(small_dataset, tmp_path)
    result = CliRunner().invoke(main, ["query", "--store", str(store), QUERY])
    assert result.stdout == EXPECTED["table"]


def test_store_from_the_environment(small_dataset: Dataset, tmp_path: Path) -> None:
    store = _store(small_dataset, tmp_path)
    result = CliRunner(env={"KG_STORE": str(store)}).invoke(main, ["query", QUERY])
    assert result.stdout == EXPECTED["table"]


@pytest.mark.parametrize("how", ["file", "stdin", "dash"])
def test_query_from_a_file_or_stdin(small_dataset: Dataset, tmp_path: Path, how: str) -> None:
    store = _store(small_dataset, tmp_path)
    args = ["query", "--store", str(store)]
    stdin = None
    if how == "file":
        (tmp_path / "products.rq").write_text(QUERY + "\n", encoding="utf-8")
        args.append(str(tmp_path / "products.rq"))
    else:
        stdin = QUERY + "\n"
        args += ["-"] if how == "dash" else []
    result = CliRunner().invoke(main, args, input=stdin)
    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED["table"]


def test_ask(small_dataset: Dataset, tmp_path: Path) -> None:
    store = _store(small_dataset, tmp_path)
    query = "ASK { kgr:acme-robotics kg:discontinued kgr:pixie }"
    result = CliRunner().invoke(main, ["query", "--store", str(store), query])
    assert (result.exit_code, result.stdout) == (0, "true\n")


def test_bad_query_shows_the_line_and_a_caret(small_dataset: Dataset, tmp_path: Path) -> None:
    store = _store(small_dataset, tmp_path)
    query = "SELECT ?s WHERE {\n  ?s kg:discontinued ?o\n  FILTER(?o = ) }"
    result = CliRunner().invoke(main, ["query", "--store", str(store), query])
    assert result.exit_code == 1
    assert result.stdout == ""
    first, *context = result.stderr.splitlines()
    assert first == 'kg: error: syntax error at line 3, column 15: unexpected ")"'
    assert context == ["    3 |   FILTER(?o = ) }", "      |               ^"]


@pytest.mark.parametrize(("fmt", "start"), [
    ("tsv", "?product\t?label\n<https://w3id.org/kg-news/id/pixie>\t\"Pixie\"\n"),
    ("xml", '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'),
])  # fmt: skip
def test_tsv_and_xml(small_dataset: Dataset, tmp_path: Path, fmt: str, start: str) -> None:
    store = _store(small_dataset, tmp_path)
    result = CliRunner().invoke(main, ["query", "--store", str(store), "--format", fmt, QUERY])
    assert result.exit_code == 0
    assert result.stdout.startswith(start)


def test_construct_as_jsonld_and_a_select_as_turtle_is_an_error(
    small_dataset: Dataset, tmp_path: Path
) -> None:
    store = _store(small_dataset, tmp_path)
    construct = "CONSTRUCT WHERE { kgr:pixie rdfs:label ?l }"
    args = ["query", "--store", str(store), "--format", "jsonld", construct]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert '"rdfs:label": "Pixie"' in result.stdout
    result = CliRunner().invoke(main, ["query", "--store", str(store), "--format", "turtle", QUERY])
    assert result.exit_code == 1
    assert result.stderr == (
        "kg: error: format 'turtle' is for CONSTRUCT and DESCRIBE queries only\n"
    )


def test_width(small_dataset: Dataset, tmp_path: Path) -> None:
    store = _store(small_dataset, tmp_path)
    result = CliRunner().invoke(main, ["query", "--store", str(store), "--width", "12", QUERY])
    assert result.stdout == "produ…  label\n------  -----\nkgr:p…  Pixie\n"


def test_missing_store(tmp_path: Path) -> None:
    store = tmp_path / "kg-store"
    result = CliRunner().invoke(main, ["query", "--store", str(store), QUERY])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"kg: error: no store at {store}: run `kg build` first\n"


def test_missing_query_file(small_dataset: Dataset, tmp_path: Path) -> None:
    store = _store(small_dataset, tmp_path)
    result = CliRunner().invoke(main, ["query", "--store", str(store), "nope.rq"])
    assert result.exit_code == 1
    assert result.stderr == "kg: error: nope.rq: no such query file\n"


def test_help() -> None:
    result = CliRunner().invoke(main, ["query", "--help"])
    assert result.exit_code == 0
    assert "SPARQL" in result.stdout
