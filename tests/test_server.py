"""kg.server: the SPARQL 1.1 Protocol endpoint, driven by SPARQLWrapper and raw HTTP."""

from __future__ import annotations

import csv
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, JSONLD, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.server import Refused, check_query, negotiate

pytestmark = pytest.mark.slow  # the server runs over the Sora build

SORA = "https://w3id.org/kg-news/id/sora"
DISCONTINUED = "SELECT DISTINCT ?o WHERE { kgr:openai kg:discontinued ?o }"
CONSTRUCT = "CONSTRUCT { kgr:openai kg:discontinued ?o } WHERE { kgr:openai kg:discontinued ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _endpoint(server) -> str:  # type: ignore[no-untyped-def]
    return server.url + "sparql"


def _wrapper(server, query: str, fmt: str) -> SPARQLWrapper:  # type: ignore[no-untyped-def]
    client = SPARQLWrapper(_endpoint(server))
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


# ---------------------------------------------------------------- SPARQLWrapper


def test_sparqlwrapper_json(sparql_server) -> None:  # type: ignore[no-untyped-def]
    data = _wrapper(sparql_server, DISCONTINUED, JSON).queryAndConvert()
    assert data["results"]["bindings"] == [{"o": {"type": "uri", "value": SORA}}]


def test_sparqlwrapper_xml_by_post(sparql_server) -> None:  # type: ignore[no-untyped-def]
    client = _wrapper(sparql_server, DISCONTINUED, XML)
    client.setMethod(POST)
    doc = client.queryAndConvert()
    uris = [n.firstChild.data for n in doc.getElementsByTagName("uri")]
    assert uris == [SORA]


@pytest.mark.parametrize(("fmt", "delimiter", "cell"), [(CSV, ",", SORA), (TSV, "\t", f"<{SORA}>")])
def test_sparqlwrapper_csv_and_tsv(sparql_server, fmt: str, delimiter: str, cell: str) -> None:  # type: ignore[no-untyped-def]
    text = _wrapper(sparql_server, DISCONTINUED, fmt).queryAndConvert().decode()
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert rows[1:] == [[cell]]


def test_sparqlwrapper_ask(sparql_server) -> None:  # type: ignore[no-untyped-def]
    query = "ASK { kgr:sam-altman kg:ceoOf kgr:openai }"
    assert _wrapper(sparql_server, query, JSON).queryAndConvert()["boolean"] is True


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, RDFXML])
def test_sparqlwrapper_construct(sparql_server, fmt: str) -> None:  # type: ignore[no-untyped-def]
    graph = _wrapper(sparql_server, CONSTRUCT, fmt).queryAndConvert()
    if isinstance(graph, bytes):  # SPARQLWrapper leaves Turtle unparsed
        graph = [
            (t.subject.value, t.predicate.value, t.object.value)
            for t in ox.parse(graph, format=ox.RdfFormat.TURTLE)
        ]
    triples = {(str(s), str(p), str(o)) for s, p, o in graph}
    assert triples == {
        (
            "https://w3id.org/kg-news/id/openai",
            "https://w3id.org/kg-news/ontology#discontinued",
            SORA,
        )
    }


def test_sparqlwrapper_update_is_refused(sparql_server) -> None:  # type: ignore[no-untyped-def]
    client = _wrapper(sparql_server, "INSERT DATA { kgr:a kgr:b kgr:c }", JSON)
    client.setMethod(POST)
    with pytest.raises(QueryBadFormed, match="read-only"):
        client.query()


# ---------------------------------------------------------------- raw HTTP


@pytest.mark.parametrize(("accept", "media", "check"), [
    ("application/sparql-results+json", "application/sparql-results+json", SORA),
    ("application/sparql-results+xml", "application/sparql-results+xml", f"<uri>{SORA}</uri>"),
    ("text/csv", "text/csv", f"o\r\n{SORA}\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values", f"?o\n<{SORA}>"),
    ("text/html;q=0.9, text/csv;q=0.5, */*;q=0.1", "text/csv", SORA),
    (None, "application/sparql-results+json", SORA),
])  # fmt: skip
def test_content_negotiation_for_solutions(sparql_server, accept, media, check) -> None:  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept else {}
    r = httpx.get(_endpoint(sparql_server), params={"query": DISCONTINUED}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == media + "; charset=utf-8"
    assert check in r.text


@pytest.mark.parametrize(("accept", "media", "fmt"), [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("*/*", "text/turtle", ox.RdfFormat.TURTLE),
])  # fmt: skip
def test_content_negotiation_for_graphs(sparql_server, accept, media, fmt) -> None:  # type: ignore[no-untyped-def]
    r = httpx.post(
        _endpoint(sparql_server),
        content=CONSTRUCT.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == media + "; charset=utf-8"
    objects = {t.object.value for t in ox.parse(r.content, format=fmt)}
    assert objects == {SORA}


def test_url_encoded_post(sparql_server) -> None:  # type: ignore[no-untyped-def]
    r = httpx.post(_endpoint(sparql_server), data={"query": DISCONTINUED})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == [{"o": {"type": "uri", "value": SORA}}]


def test_not_acceptable(sparql_server) -> None:  # type: ignore[no-untyped-def]
    r = httpx.get(
        _endpoint(sparql_server), params={"query": DISCONTINUED}, headers={"Accept": "image/png"}
    )
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text


def test_dataset_of_a_document_graph(sparql_server, sora_build) -> None:  # type: ignore[no-untyped-def]
    graph = httpx.get(
        _endpoint(sparql_server),
        params={"query": "SELECT ?g WHERE { GRAPH ?g { kgr:sam-altman kg:ceoOf kgr:openai } }"},
    ).json()["results"]["bindings"][0]["g"]["value"]
    query = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ kgr:sam-altman kg:ceoOf ?o }}"
    r = httpx.get(_endpoint(sparql_server), params={"query": query})
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "1"


@pytest.mark.parametrize(("query", "reason"), [
    ("INSERT DATA { kgr:a kgr:b kgr:c }", "SPARQL Update (INSERT) is refused"),
    ("LOAD <http://example.org/x.ttl>", "SPARQL Update (LOAD) is refused"),
    ("CLEAR ALL", "SPARQL Update (CLEAR) is refused"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
    ("SELECT * WHERE { ?s ?p ?o  SERVICE SILENT ?x { ?s ?p ?o } }", "SERVICE is refused"),
    ("SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "FROM <http://example.org"),
    ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd>"),
    ("SELECT * FROM kgd:nope WHERE { ?s ?p ?o }", "FROM kgd:nope is refused"),
])  # fmt: skip
def test_refusals(sparql_server, query: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    for response in (
        httpx.get(_endpoint(sparql_server), params={"query": query}),
        httpx.post(_endpoint(sparql_server), data={"query": query}),
    ):
        assert response.status_code == 400
        assert response.text.startswith(reason)


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"data": {"update": "CLEAR ALL"}}, "SPARQL Update is refused"),
    ({"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
     "SPARQL Update is refused"),
    ({"data": {"query": DISCONTINUED, "default-graph-uri": "http://example.org/g"}},
     "graph <http://example.org/g> is refused"),
])  # fmt: skip
def test_protocol_refusals(sparql_server, kwargs, reason: str) -> None:  # type: ignore[no-untyped-def]
    r = httpx.post(_endpoint(sparql_server), **kwargs)
    assert r.status_code == 400
    assert r.text.startswith(reason)


def test_malformed_query(sparql_server) -> None:  # type: ignore[no-untyped-def]
    r = httpx.get(_endpoint(sparql_server), params={"query": "SELECT ?s WHERE {\n ?s ?p }"})
    assert r.status_code == 400
    assert r.text.startswith('syntax error at line 2, column 8: unexpected "}"')


def test_result_size_limit(sparql_server) -> None:  # type: ignore[no-untyped-def]
    r = httpx.get(_endpoint(sparql_server), params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 500
    assert "more than 200 rows" in r.text


def test_slow_query_hits_the_time_limit_and_others_are_served(sparql_server) -> None:  # type: ignore[no-untyped-def]
    slow: list[httpx.Response] = []
    thread = threading.Thread(
        target=lambda: slow.append(
            httpx.get(_endpoint(sparql_server), params={"query": SLOW}, timeout=60)
        )
    )
    thread.start()
    answered_during = 0
    while thread.is_alive():
        r = httpx.get(_endpoint(sparql_server), params={"query": DISCONTINUED}, timeout=60)
        assert r.status_code == 200
        answered_during += thread.is_alive()
    assert answered_during >= 1  # the slow query did not block the others
    assert slow[0].status_code == 503
    assert "time limit of 1.5 s" in slow[0].text
    r = httpx.get(_endpoint(sparql_server), params={"query": DISCONTINUED})
    assert r.status_code == 200


def test_fifty_concurrent_clients(sparql_server) -> None:  # type: ignore[no-untyped-def]
    def one(i: int) -> tuple[int, object]:
        query = f"SELECT ?o (STR({i}) AS ?i) WHERE {{ kgr:openai kg:discontinued ?o }} LIMIT 1"
        with httpx.Client(timeout=60) as client:
            r = client.get(_endpoint(sparql_server), params={"query": query})
        return r.status_code, r.json()["results"]["bindings"]

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(one, range(50)))
    for i, (status, bindings) in enumerate(answers):
        assert status == 200
        assert bindings == [
            {"o": {"type": "uri", "value": SORA}, "i": {"type": "literal", "value": str(i)}}
        ]


def test_graph_page_and_query_page(sparql_server, sora_build) -> None:  # type: ignore[no-untyped-def]
    r = httpx.get(sparql_server.url)
    assert r.status_code == 200
    assert r.content == (sora_build[2] / "graph.html").read_bytes()
    page = httpx.get(_endpoint(sparql_server))
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<textarea name="query"' in page.text
    assert "<script" not in page.text and "http" not in page.text.replace("http://www.w3", "")
    assert httpx.get(sparql_server.url + "nope").status_code == 404


def test_binds_localhost_by_default(sparql_server) -> None:  # type: ignore[no-untyped-def]
    assert sparql_server.server_address[0] == "127.0.0.1"


# ---------------------------------------------------------------- the checks themselves


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/>\n",
    "SELECT ?service WHERE { ?service ?from ?o . ?o kg:from ?x }",
    "PREFIX from: <http://example.org/> SELECT * WHERE { ?s from:service ?o }",
    "SELECT * WHERE { ?s ?p '''INSERT\nLOAD''' }",
])  # fmt: skip
def test_check_ignores_strings_comments_and_names(query: str) -> None:
    assert check_query(query, graphs=set()) == "SELECT"


def test_check_resolves_from_against_prefixes_and_base() -> None:
    graphs = {"http://example.org/g/1"}
    assert check_query(
        "BASE <http://example.org/g/> SELECT * FROM <1> WHERE {?s ?p ?o}", graphs=graphs
    )
    query = "PREFIX g: <http://example.org/g/> DESCRIBE ?s FROM NAMED g:1 WHERE {?s ?p ?o}"
    assert check_query(query, graphs=graphs) == "DESCRIBE"
    with pytest.raises(Refused):
        check_query("SELECT * FROM <http://example.org/g/2> WHERE {?s ?p ?o}", graphs=graphs)


@pytest.mark.parametrize(("form", "accept", "formats", "expected"), [
    ("SELECT", "application/json", [], "json"),
    ("CONSTRUCT", "application/json", [], "jsonld"),
    ("SELECT", "text/turtle", [], None),
    ("SELECT", None, ["tsv", "text/tab-separated-values"], "tsv"),
    ("CONSTRUCT", "*/*", ["rdf+xml"], "xml"),
    ("ASK", "text/csv;q=0.2, application/sparql-results+xml", [], "xml"),
])  # fmt: skip
def test_negotiate(form: str, accept: str | None, formats: list[str], expected: str | None) -> None:
    assert negotiate(form, accept, formats) == expected
