"""The graph in a SPARQL server: builds, reads and the lock against a real `oxigraph serve`."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import QueryError, Refused, StoreError
from kg.pipeline import add, build, remove, sample_corpus
from kg.remote import STORE_GRAPH, RemoteStore, store_location, update_text
from kg.sparql import run_query
from kg.store import load_dataset, open_store, staged_store, stored_documents

pytestmark = pytest.mark.slow

XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


def _sample_copy(tmp_path: Path) -> Path:
    """The bundled sample's articles, copied to ``tmp_path/articles``."""
    articles = tmp_path / "articles"
    shutil.copytree(sample_corpus(), articles, ignore=shutil.ignore_patterns("*.py", "__*"))
    return articles


def _oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        pytest.fail("the `oxigraph` command is missing: pip install -e '.[test]' installs it")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RemoteStore]:
    """A fresh in-memory `oxigraph serve` on a free port; kg's caches under tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    port = _free_port()
    log = tmp_path / "oxigraph.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [_oxigraph(), "serve", "--bind", f"127.0.0.1:{port}"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"oxigraph serve did not start: {log.read_text()!r}")
            time.sleep(0.05)
    try:
        yield RemoteStore.parse(url)
    finally:
        proc.terminate()
        proc.wait(10)


def _quads(store: ox.Store) -> set[ox.Quad]:
    return set(store)


def test_a_store_address_is_a_server_and_anything_else_a_folder() -> None:
    remote = store_location("http://127.0.0.1:7878/")
    assert isinstance(remote, RemoteStore)
    assert remote.query_url == "http://127.0.0.1:7878/query"
    assert remote.update_url == "http://127.0.0.1:7878/update"
    assert store_location("kg-store") == Path("kg-store")
    with pytest.raises(StoreError, match="port is not a number"):
        store_location("http://127.0.0.1:port")


def test_a_build_on_a_server_holds_what_the_embedded_store_holds(
    server: RemoteStore, tmp_path: Path
) -> None:
    build([], store=server, out=tmp_path / "remote")
    build([], store=tmp_path / "store", out=tmp_path / "local")
    assert _quads(open_store(server)) == _quads(open_store(tmp_path / "store"))
    for name in ("graph.trig", "graph.ttl", "graph.jsonld", "graph.html"):
        assert (tmp_path / "remote" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    # The server's own default graph is the merged graph, as the embedded store's is.
    merged = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert run_query(merged, store=server).rows == run_query(merged, store=tmp_path / "store").rows
    assert stored_documents(server) == stored_documents(tmp_path / "store")


def test_a_build_writes_only_the_graphs_that_changed(server: RemoteStore, tmp_path: Path) -> None:
    build([], store=server, out=tmp_path / "out")
    ds = load_dataset(server)
    digests = server.digests()
    assert set(digests) == server.graph_names()
    unchanged = update_text(ds, digests)
    assert "INSERT DATA" not in unchanged and "DROP" not in unchanged
    one = sorted(digests)[0]
    edited = update_text(ds, {**digests, one: "0" * 64, "https://example.org/gone": "1" * 64})
    assert edited.count("DROP SILENT GRAPH") == 2
    inserted = edited.split("INSERT DATA", 1)[1]
    assert f"GRAPH <{one}> {{" in inserted and inserted.count("GRAPH <") == 2  # + the digests


def test_add_and_remove_on_a_server_match_the_embedded_store(
    server: RemoteStore, tmp_path: Path
) -> None:
    articles = _sample_copy(tmp_path)
    first = sorted(articles.iterdir())[0]
    local = tmp_path / "store"
    for store in (server, local):
        build([articles], store=store, out=tmp_path / "out")
    with first.open("a", encoding="utf-8") as fh:
        fh.write("\nOrvane Motors said on Monday it had bought Kestrel Labs.\n")
    reports = [add([first], store=s, out=tmp_path / "out") for s in (server, local)]
    assert reports[0].changes.replaced == reports[1].changes.replaced == (str(first),)
    assert _quads(open_store(server)) == _quads(open_store(local))
    second = sorted(articles.iterdir())[1]
    for store in (server, local):
        remove([second], store=store, out=tmp_path / "out")
    assert _quads(open_store(server)) == _quads(open_store(local))
    assert str(second) not in stored_documents(server).values()


def test_a_failed_build_leaves_the_servers_previous_graphs(
    server: RemoteStore, tmp_path: Path
) -> None:
    build([], store=server, out=tmp_path / "out")
    before = _quads(open_store(server))
    with pytest.raises(RuntimeError), staged_store(load_dataset(server), server):
        raise RuntimeError("the build failed before its update was sent")
    assert _quads(open_store(server)) == before
    # An update cut off on the way (a writer killed mid-request) changes nothing either.
    text = update_text(load_dataset(server), {})
    with pytest.raises(QueryError):
        server.update(text[: len(text) // 2])
    assert _quads(open_store(server)) == before


def test_one_writer_at_a_time_and_a_stale_lock_is_taken_over(
    server: RemoteStore, tmp_path: Path
) -> None:
    held, release, failures = threading.Event(), threading.Event(), []

    def writer() -> None:
        with server.lock():
            held.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    held.wait(10)
    try:
        with pytest.raises(StoreError, match="being written by another kg process"):
            build([], store=server, out=tmp_path / "out")
    except BaseException as err:
        failures.append(err)
    finally:
        release.set()
        thread.join()
    assert not failures
    assert not server.holds_kg()  # the refused build wrote nothing
    # A lock whose writer stopped refreshing it long ago is taken over.
    server.update(
        f"""INSERT DATA {{ GRAPH <{STORE_GRAPH}> {{
          <{STORE_GRAPH}#lock> <{STORE_GRAPH}#holder> "a killed writer" ;
             <{STORE_GRAPH}#heartbeat> "2020-01-01T00:00:00Z"^^<{XSD_DATETIME}> }} }}"""
    )
    build([], store=server, out=tmp_path / "out")
    assert server.holds_kg()
    holders = "SELECT ?h WHERE { GRAPH ?g { ?l <https://w3id.org/kg-news/store#holder> ?h } }"
    assert list(server.select(holders)) == []  # type: ignore[arg-type]


def test_a_server_holding_other_data_is_never_written(server: RemoteStore, tmp_path: Path) -> None:
    server.update('INSERT DATA { GRAPH <https://example.org/theirs> { <urn:a> <urn:b> "c" } }')
    with pytest.raises(StoreError, match="holds graphs kg did not write"):
        build([], store=server, out=tmp_path / "out")
    assert server.graph_names() == {"https://example.org/theirs"}
    with pytest.raises(StoreError, match="no kg graph at"):
        open_store(server)


def test_queries_run_in_the_server_and_stay_in_the_store(
    server: RemoteStore, tmp_path: Path
) -> None:
    build([], store=server, out=tmp_path / "out")
    ask = "ASK { ?o a kg:Organization }"
    assert run_query(ask, store=server).boolean is True
    construct = run_query(
        "CONSTRUCT { ?o a kg:Organization } WHERE { ?o a kg:Organization }", store=server
    )
    assert construct.kind == "graph" and construct.terms
    with pytest.raises(Refused, match="SERVICE is refused"):
        run_query(
            "SELECT * WHERE { SERVICE <http://127.0.0.1:8890/sparql> { ?s ?p ?o } }", store=server
        )
    with pytest.raises(Refused, match="SERVICE is refused"):
        run_query('SELECT * WHERE { ?s ?p "\\u0053ervice" }', store=server)
    with pytest.raises(Refused, match="names no graph in this store"):
        run_query("SELECT * FROM <https://example.org/g> WHERE { ?s ?p ?o }", store=server)
    with pytest.raises(QueryError, match="line 1, column"):
        run_query("SELECT * WHERE { ?s ?p }", store=server)
    gone = RemoteStore.parse(f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(StoreError, match="cannot reach the SPARQL server"):
        run_query(ask, store=gone)


def test_every_read_command_works_against_the_server(server: RemoteStore, tmp_path: Path) -> None:
    runner = CliRunner()
    local = str(tmp_path / "store")
    for store in (str(server), local):
        result = runner.invoke(
            main, ["build", "-q", "--store", store, "--out", str(tmp_path / "o")]
        )
        assert result.exit_code == 0, result.output
    commands = [
        ["query", "SELECT ?o ?l WHERE { ?o a kg:Organization ; rdfs:label ?l } ORDER BY ?l"],
        ["stats"],
        ["conflicts"],
        ["ask", "--list"],
        ["path", "Glintwell", "Fleetwisp"],
        ["ask", "competitors", "--product", "Glintwell"],
    ]
    for args in commands:
        remote = runner.invoke(main, [*args, "--store", str(server)])
        embedded = runner.invoke(main, [*args, "--store", local])
        assert remote.exit_code == embedded.exit_code == 0, (args, remote.output)
        assert remote.output == embedded.output, args
    for name, store in (("remote", str(server)), ("local", local)):
        out = str(tmp_path / f"{name}.graphml")
        result = runner.invoke(
            main, ["export", "--format", "graphml", "--store", store, "--out", out]
        )
        assert result.exit_code == 0, result.output
    assert (tmp_path / "remote.graphml").read_bytes() == (tmp_path / "local.graphml").read_bytes()


def test_kg_serve_over_a_server_forwards_checked_queries(
    server: RemoteStore, tmp_path: Path
) -> None:
    import httpx

    from kg.server import make_server
    from tests.servers import serving

    build([], store=server, out=tmp_path / "out")
    endpoint = make_server(server, port=0, workers=1, fronts=1)
    for served in serving(endpoint):
        url = f"{served.url}sparql"
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        reply = httpx.post(url, data={"query": count}, headers={"Accept": "text/csv"})
        assert reply.status_code == 200
        assert reply.text.split()[1] == str(run_query(count, store=server).rows[0][0])
        named = next(iter(server.graph_names()))
        one = httpx.get(
            url,
            params={"query": "ASK { ?s ?p ?o }", "named-graph-uri": named},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert one.status_code == 200 and one.json()["boolean"] is False  # no default graph
        for query, params in (
            (f"SELECT * WHERE {{ SERVICE <{server.query_url}> {{ ?s ?p ?o }} }}", {}),
            ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": "https://example.org/g"}),
            ('SELECT * WHERE { ?s ?p "service" }', {}),
        ):
            refused = httpx.get(url, params={"query": query, **params})
            assert refused.status_code == 400 and "refused" in refused.text, query
        page = httpx.get(served.url)
        assert page.status_code == 200 and b"Glintwell" in page.content


def _everything(server: RemoteStore) -> list[str]:
    """Every statement on the server, kg's bookkeeping included, the lock left out."""
    rows = server.select(
        "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } "
        f"FILTER(?s != <{STORE_GRAPH}#lock>) }}"
    )
    return sorted(
        f"{r['s']} {r['p']} {r['o']} {r['g'] if r['g'] is not None else ''}"
        for r in rows  # type: ignore[union-attr]
    )


def _restore(server: RemoteStore, statements: list[str]) -> None:
    by_graph: dict[str, list[str]] = {}
    for line in statements:
        s, p, rest = line.split(" ", 2)
        o, _, g = rest.rpartition(" ")
        by_graph.setdefault(g, []).append(f"{s} {p} {o} .")
    blocks = [
        "\n".join(ls) if not g else f"GRAPH {g} {{\n" + "\n".join(ls) + "\n}"
        for g, ls in by_graph.items()
    ]
    server.update("DROP ALL ; INSERT DATA {\n" + "\n".join(blocks) + "\n}")


def test_a_kill_at_any_step_leaves_the_server_old_or_new_and_the_next_build_mends_it(
    server: RemoteStore, tmp_path: Path
) -> None:
    import os
    import signal

    from kg.export.files import FILES_JOURNAL
    from kg.swap import recover

    articles = _sample_copy(tmp_path)
    extra = sorted(articles.iterdir())[0]
    kept = tmp_path / extra.name
    extra.rename(kept)

    def kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kg", *args, "--store", str(server), "--out", "exports"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
            env={**os.environ, **(env or {})},
        )  # fmt: skip

    def files() -> tuple[bytes, ...]:
        return tuple((tmp_path / "exports" / n).read_bytes() for n in ("graph.trig", "graph.html"))

    assert kg("build", "articles").returncode == 0
    old, old_files = _everything(server), files()
    shutil.copytree(tmp_path / "exports", tmp_path / "old-exports")
    shutil.copy(kept, articles)
    trace = tmp_path / "trace"
    assert kg("build", "articles", env={"KG_FAULT_TRACE": str(trace)}).returncode == 0
    new, new_files = _everything(server), files()
    assert old != new
    names = [line.split(" ", 1)[1] for line in trace.read_text().splitlines()]
    updated = names.index("server updated") + 1
    for n in sorted({1, updated - 1, updated, updated + 1, updated + 4, len(names)}):
        _restore(server, old)
        shutil.rmtree(tmp_path / "exports")
        shutil.copytree(tmp_path / "old-exports", tmp_path / "exports")
        killed = kg("build", "articles", env={"KG_FAULT": f"{n}:kill"})
        assert killed.returncode == -signal.SIGKILL, (n, killed.stderr)
        assert _everything(server) == (old if n < updated else new), n
        journal = tmp_path / "exports" / FILES_JOURNAL
        if journal.exists():
            recover(journal)  # what the next kg writing these files does first
        left = files()
        for i, name in enumerate(("graph.trig", "graph.html")):
            assert left[i] in (old_files[i], new_files[i]), (n, name)  # each whole, old or new
        again = kg("build", "articles")  # the killed writer's lock does not hold it up
        assert again.returncode == 0, (n, again.stderr)
        assert (_everything(server), files()) == (new, new_files), n
