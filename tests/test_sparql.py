"""kg.sparql: reading query text, running SPARQL on the store, rendering results."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from kg.errors import InputError, QueryError, StoreError
from kg.sparql import ResultLimitError, error_context, read_query_text, run_query
from kg.store import write_store
from kg.vocab import KGR

DISCONTINUED = "SELECT ?o WHERE { kgr:acme-robotics kg:discontinued ?o }"
ORGS = (
    "SELECT DISTINCT ?org ?label WHERE { ?org a kg:Organization ; rdfs:label ?label } ORDER BY ?org"
)


def _store(ds: Dataset, tmp_path: Path) -> Path:
    path = tmp_path / "kg-store"
    write_store(ds, path)
    return path


# ---------------------------------------------------------------- read_query_text


def test_query_text_given_as_argument() -> None:
    assert read_query_text(DISCONTINUED, stdin=io.StringIO("unused")) == DISCONTINUED


@pytest.mark.parametrize("arg", [None, "-"])
def test_query_text_from_stdin(arg: str | None) -> None:
    assert read_query_text(arg, stdin=io.StringIO(DISCONTINUED + "\n")) == DISCONTINUED + "\n"


@pytest.mark.parametrize("name", ["q.rq", "q.sparql", "query.txt"])
def test_query_text_from_a_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("# which products\n" + DISCONTINUED, encoding="utf-8")
    assert read_query_text(str(path), stdin=io.StringIO()) == "# which products\n" + DISCONTINUED


def test_query_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_bytes(b"SELECT * WHERE { ?s ?p '\xff' }")
    with pytest.raises(InputError) as info:
        read_query_text(str(path), stdin=io.StringIO())
    assert str(info.value) == f"{path}: not UTF-8 text (byte 24)"


def test_missing_query_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"q\.rq: no such query file"):
        read_query_text(str(tmp_path / "q.rq"), stdin=io.StringIO())


@pytest.mark.parametrize("text", ["", "  \n\t"])
def test_empty_query(text: str) -> None:
    with pytest.raises(QueryError, match="^empty query$"):
        read_query_text(text, stdin=io.StringIO())
    with pytest.raises(QueryError, match="^empty query$"):
        read_query_text(None, stdin=io.StringIO(text))


# ---------------------------------------------------------------- run_query


def test_select_with_predeclared_prefixes_over_the_union(
    small_dataset: Dataset, tmp_path: Path
) -> None:
    result = run_query(DISCONTINUED, store=_store(small_dataset, tmp_path))
    assert result.kind == "bindings"
    assert result.variables == ("o",)
    assert result.rows == [(str(KGR["pixie"]),)]


def test_graph_clause_still_tells_the_document(small_dataset: Dataset, tmp_path: Path) -> None:
    query = "SELECT ?g WHERE { GRAPH ?g { kgr:globex owl:sameAs wd:Q1 } }"
    result = run_query(query, store=_store(small_dataset, tmp_path))
    assert result.rows == [("https://w3id.org/kg-news/doc/bbbbbbbbbbbbbbbb",)]


def test_a_prefix_declared_in_the_query_wins(small_dataset: Dataset, tmp_path: Path) -> None:
    query = "PREFIX kg: <https://example.org/other#>\n" + DISCONTINUED
    assert run_query(query, store=_store(small_dataset, tmp_path)).rows == []


def test_rows_are_plain_python_values(small_dataset: Dataset, tmp_path: Path) -> None:
    query = """SELECT (COUNT(DISTINCT ?doc) AS ?docs) ?amount ?unbound WHERE {
        ?doc a kg:Document . ?q kg:amount ?amount FILTER(?amount > 1e8)
    } GROUP BY ?amount ?unbound"""
    result = run_query(query, store=_store(small_dataset, tmp_path))
    assert result.rows == [(2, Decimal("1000000000"), None)]


@pytest.mark.parametrize(("query", "answer"), [
    ("ASK { kgr:acme-robotics kg:discontinued kgr:pixie }", True),
    ("ASK { kgr:pixie kg:discontinued kgr:acme-robotics }", False),
])  # fmt: skip
def test_ask(small_dataset: Dataset, tmp_path: Path, query: str, answer: bool) -> None:
    result = run_query(query, store=_store(small_dataset, tmp_path))
    assert result.kind == "boolean"
    assert result.boolean is answer
    assert result.render("table") == f"{str(answer).lower()}\n"
    assert result.render("json") == f'{{"head":{{}},"boolean":{str(answer).lower()}}}\n'


def test_construct_renders_turtle(small_dataset: Dataset, tmp_path: Path) -> None:
    pattern = "?s kg:discontinued ?o . ?o rdfs:label ?l"
    query = f"CONSTRUCT {{ {pattern} }} WHERE {{ {pattern} }}"
    result = run_query(query, store=_store(small_dataset, tmp_path))
    assert result.kind == "graph"
    assert result.render("table") == (
        "@prefix kg: <https://w3id.org/kg-news/ontology#> .\n"
        "@prefix kgr: <https://w3id.org/kg-news/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "\n"
        "kgr:acme-robotics kg:discontinued kgr:pixie .\n"
        'kgr:pixie rdfs:label "Pixie" .\n'
    )
    assert result.render("csv") == (
        "subject,predicate,object\r\n"
        "https://w3id.org/kg-news/id/acme-robotics,https://w3id.org/kg-news/ontology#discontinued,"
        "https://w3id.org/kg-news/id/pixie\r\n"
        "https://w3id.org/kg-news/id/pixie,http://www.w3.org/2000/01/rdf-schema#label,Pixie\r\n"
    )
    jsonld = json.loads(result.render("json"))
    assert jsonld["@graph"] == [
        {"@id": "kgr:acme-robotics", "kg:discontinued": {"@id": "kgr:pixie"}},
        {"@id": "kgr:pixie", "rdfs:label": "Pixie"},
    ]


def test_describe(small_dataset: Dataset, tmp_path: Path) -> None:
    result = run_query("DESCRIBE kgr:pixie", store=_store(small_dataset, tmp_path))
    assert result.kind == "graph"
    assert str(KGR["pixie"]) in {subject for subject, _, _ in result.rows}


def test_exact_output_in_each_format(small_dataset: Dataset, tmp_path: Path) -> None:
    result = run_query(ORGS, store=_store(small_dataset, tmp_path))
    assert result.render("table") == (
        "org                label\n"
        "-----------------  ------------------\n"
        "kgr:acme-robotics  Acme Robotics\n"
        "kgr:globex         Globex <b>Corp</b>\n"
    )
    assert result.render("csv") == (
        "org,label\r\n"
        "https://w3id.org/kg-news/id/acme-robotics,Acme Robotics\r\n"
        "https://w3id.org/kg-news/id/globex,Globex <b>Corp</b>\r\n"
    )
    assert result.render("json") == (
        '{"head":{"vars":["org","label"]},"results":{"bindings":['
        '{"org":{"type":"uri","value":"https://w3id.org/kg-news/id/acme-robotics"},'
        '"label":{"type":"literal","value":"Acme Robotics"}},'
        '{"org":{"type":"uri","value":"https://w3id.org/kg-news/id/globex"},'
        '"label":{"type":"literal","value":"Globex <b>Corp</b>"}}]}}\n'
    )


TRICKY = """SELECT ?text ?number ?iri ?unbound ?plain ?date WHERE {
  VALUES (?text ?number ?iri ?unbound ?plain ?date) {
    ("a,b\\"c\\nd"@en 1.50 <https://example.org/x> UNDEF "plain" "2026-03-02"^^xsd:date)
  }
}"""


@pytest.mark.parametrize(("fmt", "oxformat"), [
    ("csv", ox.QueryResultsFormat.CSV),
    ("json", ox.QueryResultsFormat.JSON),
])  # fmt: skip
def test_csv_and_json_match_the_sparql_result_formats(
    small_dataset: Dataset, tmp_path: Path, fmt: str, oxformat: ox.QueryResultsFormat
) -> None:
    store = _store(small_dataset, tmp_path)
    solutions = ox.Store().query(TRICKY, prefixes={"xsd": "http://www.w3.org/2001/XMLSchema#"})
    assert isinstance(solutions, ox.QuerySolutions)
    expected = solutions.serialize(format=oxformat)
    assert expected is not None
    newline = "\n" if fmt == "json" else ""  # pyoxigraph's JSON has no final newline
    assert run_query(TRICKY, store=store).render(fmt) == expected.decode() + newline


def test_table_keeps_each_row_on_one_line(small_dataset: Dataset, tmp_path: Path) -> None:
    result = run_query(TRICKY, store=_store(small_dataset, tmp_path))
    assert result.render("table").splitlines()[2].split() == [
        'a,b"c\\nd',
        "1.5",
        "<https://example.org/x>",
        "plain",
        "2026-03-02",
    ]


FIVE_LINES = "SELECT ?x\nWHERE {\n  ?x a kg:Organization .\n  FILTER(?x = )\n}\n"


@pytest.mark.parametrize(("query", "message", "line", "column"), [
    ("SELECT ?o WHERE {\n  ?s ?p ?o .\n  FILTER(?o > ) }",
     'syntax error at line 3, column 15: unexpected ")"', 3, 15),
    (FIVE_LINES, 'syntax error at line 4, column 15: unexpected ")"', 4, 15),
    ("SELECT * WHERE { ?s nope:x ?o }", 'undeclared prefix "nope:" at line 1, column 21', 1, 21),
    ("SELECT * WHERE { ?s <a b> ?o }",
     'syntax error at line 1, column 21: unexpected "<a b>": IRI parsing failed', 1, 21),
    ("SELECT ?x WHERE {\n  ?x ?p ?o", "syntax error at line 2, column 11: unexpected end of query",
     2, 11),
    ('SELECT ?x WHERE { ?x ?p "abc }', "syntax error at line 1, column 25: unterminated string",
     1, 25),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o != 1 && ) }",
     'syntax error at line 1, column 45: unexpected ")"', 1, 45),
    ("SELECT ?x WHERE {\n  ?x <https://e.org/p> ?y ?z .\n}",
     'syntax error at line 2, column 27: unexpected "?z"', 2, 27),
    ("# comment\nSELEC ?x WHERE { ?x ?p ?o }",
     'syntax error at line 2, column 1: unexpected "SELEC"', 2, 1),
])  # fmt: skip
def test_malformed_query(
    small_dataset: Dataset, tmp_path: Path, query: str, message: str, line: int, column: int
) -> None:
    with pytest.raises(QueryError) as info:
        run_query(query, store=_store(small_dataset, tmp_path))
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)
    assert (info.value.line, info.value.column) == (line, column)


def test_unknown_output_format(small_dataset: Dataset, tmp_path: Path) -> None:
    result = run_query(DISCONTINUED, store=_store(small_dataset, tmp_path))
    with pytest.raises(QueryError) as info:
        result.render("yaml")
    assert str(info.value) == (
        "unknown output format 'yaml'; known formats: table, csv, tsv, json, xml, turtle, jsonld"
    )
    with pytest.raises(QueryError, match="^format 'turtle' is for CONSTRUCT and DESCRIBE"):
        result.render("turtle")


@pytest.mark.parametrize(("fmt", "oxformat"), [
    ("tsv", ox.QueryResultsFormat.TSV),
    ("xml", ox.QueryResultsFormat.XML),
])  # fmt: skip
def test_tsv_and_xml_match_the_sparql_result_formats(
    small_dataset: Dataset, tmp_path: Path, fmt: str, oxformat: ox.QueryResultsFormat
) -> None:
    store = _store(small_dataset, tmp_path)
    solutions = ox.Store().query(TRICKY, prefixes={"xsd": "http://www.w3.org/2001/XMLSchema#"})
    assert isinstance(solutions, ox.QuerySolutions)
    expected = (solutions.serialize(format=oxformat) or b"").decode()
    assert run_query(TRICKY, store=store).render(fmt) == expected.rstrip("\n") + "\n"


def test_construct_as_turtle_jsonld_and_rdfxml(small_dataset: Dataset, tmp_path: Path) -> None:
    pattern = "?s kg:discontinued ?o"
    result = run_query(
        f"CONSTRUCT {{ {pattern} }} WHERE {{ {pattern} }}", store=_store(small_dataset, tmp_path)
    )
    expected = {
        (
            str(KGR["acme-robotics"]),
            "https://w3id.org/kg-news/ontology#discontinued",
            str(KGR["pixie"]),
        )
    }
    for fmt, oxformat in [
        ("turtle", ox.RdfFormat.TURTLE),
        ("jsonld", ox.RdfFormat.JSON_LD),
        ("xml", ox.RdfFormat.RDF_XML),
    ]:
        parsed = ox.parse(result.render(fmt).encode(), format=oxformat)
        assert {(t.subject.value, t.predicate.value, t.object.value) for t in parsed} == expected
    assert result.render("turtle") == result.render("table")


def test_table_fits_the_width(small_dataset: Dataset, tmp_path: Path) -> None:
    result = run_query(ORGS, store=_store(small_dataset, tmp_path))
    assert result.render("table", width=30) == (
        "org             label\n"
        "--------------  --------------\n"
        "kgr:acme-robo…  Acme Robotics\n"
        "kgr:globex      Globex <b>Cor…\n"
    )
    assert all(len(line) <= 30 for line in result.render("table", width=30).splitlines())
    assert result.render("table", width=200) == result.render("table")


@pytest.mark.parametrize("query", [
    "SELECT ?o WHERE {\n  ?s ?p ?o .\n  FILTER(?o > ) }",
    FIVE_LINES,
    "SELECT ?o WHERE { ?s ?p ?o . FILTER(?o > ) }",
    "SELECT ?o\r\nWHERE { ?s ?p ?o .\r\n FILTER(?o > ) }",
    "SELECT ?o WHERE {\n\t?s ?p \"é\" .\n\tFILTER(?o > ) }",
])  # fmt: skip
def test_error_context_puts_the_caret_under_the_error(
    small_dataset: Dataset, tmp_path: Path, query: str
) -> None:
    with pytest.raises(QueryError) as info:
        run_query(query, store=_store(small_dataset, tmp_path))
    source, caret = error_context(query, info.value).splitlines()
    assert source.endswith(query.splitlines()[info.value.line - 1].expandtabs(1))  # type: ignore[operator]
    # the caret sits under the ")" that no expression may start with, on every line
    assert source[caret.index("^")] == ")"
    assert error_context(query, QueryError("no position")) == ""


@pytest.mark.parametrize("query", [
    "INSERT DATA { kgr:a kg:b kgr:c }",
    "PREFIX ex: <https://e.org/>\n# a comment\nDELETE WHERE { ?s ?p ?o }",
    "LOAD <https://e.org/data.ttl>",
    "WITH kgr:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "clear all",
])  # fmt: skip
def test_an_update_is_not_a_syntax_error(
    small_dataset: Dataset, tmp_path: Path, query: str
) -> None:
    with pytest.raises(QueryError) as info:
        run_query(query, store=_store(small_dataset, tmp_path))
    assert "kg query only reads the graph; kg build, kg add and kg remove write it" in str(
        info.value
    )
    assert str(info.value).startswith("this is a SPARQL update (")


def test_substitutions_and_row_limit(small_dataset: Dataset, tmp_path: Path) -> None:
    store = _store(small_dataset, tmp_path)
    query = "SELECT ?s ?o WHERE { ?s kg:discontinued ?o }"
    result = run_query(query, store=store, substitutions={"s": ox.NamedNode(str(KGR["globex"]))})
    assert result.rows == []
    with pytest.raises(ResultLimitError, match="more than 2 rows"):
        run_query("SELECT * WHERE { ?s ?p ?o }", store=store, max_rows=2)
    assert len(run_query("SELECT * WHERE { ?s ?p ?o } LIMIT 2", store=store, max_rows=2).rows) == 2


def test_from_restricts_the_default_graph(small_dataset: Dataset, tmp_path: Path) -> None:
    store = _store(small_dataset, tmp_path)
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s kg:party ?o }}"
    assert run_query(count.format(""), store=store).rows == [(2,)]
    assert run_query(count.format("FROM kgd:aaaaaaaaaaaaaaaa"), store=store).rows == [(0,)]
    assert run_query(count.format("FROM kgd:bbbbbbbbbbbbbbbb"), store=store).rows == [(2,)]


def test_a_rebuilt_store_is_reopened(small_dataset: Dataset, tmp_path: Path) -> None:
    store = _store(small_dataset, tmp_path)
    assert run_query(DISCONTINUED, store=store).rows
    write_store(Dataset(), store)
    assert run_query(DISCONTINUED, store=store).rows == []


def test_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at .*: run `kg build` first"):
        run_query(DISCONTINUED, store=tmp_path / "kg-store")
