"""No query kg runs reaches the network: a canary listener counts every connection.

The queries come from tests/spellings.py, a generator over SPARQL's grammar.
Plain pyoxigraph, given the same queries, does connect to the canary: that is
what makes the zero below mean something.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, URIRef

from kg.errors import KGError, QueryError, Refused
from kg.seal import SealError, is_sealed_platform, run_sealed
from kg.sparql import execute, run_query
from kg.store import load_dataset, open_store, write_store
from tests.spellings import service_queries

pytestmark = pytest.mark.skipif(
    not is_sealed_platform(), reason="this kernel cannot seal threads (seccomp)"
)


class Canary:
    """A TCP listener that counts the connections made to it and closes each at once."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.endpoint = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.count = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.count += 1
            conn.close()

    def settled(self) -> int:
        time.sleep(0.05)  # a connection on its way is counted too
        return self.count

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    c = Canary()
    yield c
    c.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of one document graph holding one statement."""
    ds = Dataset()
    graph = ds.graph(URIRef("https://w3id.org/kg-news/doc/a"))
    graph.add((URIRef("http://e/s"), URIRef("http://e/p"), URIRef("http://e/o")))
    path = tmp_path_factory.mktemp("sealed") / "store"
    write_store(ds, path)
    return path


def _plain_pyoxigraph(query: str) -> None:
    st = ox.Store()
    st.add(
        ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/o"))
    )
    try:
        result = st.query(query)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (OSError, RuntimeError):
        pass


QUERIES = 240


def test_the_generated_queries_do_reach_the_canary_in_plain_pyoxigraph(canary: Canary) -> None:
    reached = 0
    for query in service_queries(canary.endpoint, QUERIES):
        before = canary.count
        _plain_pyoxigraph(query)
        reached += canary.settled() > before
    assert reached >= 0.8 * QUERIES  # the rest have no solution to call SERVICE for


def test_the_two_reported_spellings_reach_plain_pyoxigraph(canary: Canary) -> None:
    for query in _reported(canary.endpoint):
        before = canary.count
        _plain_pyoxigraph(query)
        assert canary.settled() == before + 1


def _reported(endpoint: str) -> list[str]:
    return [
        f"PREFIX : <{endpoint}> SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o #\rSERVICE <{endpoint}x> {{ ?s ?p ?o }} }}",
    ]


def test_run_query_reaches_no_one(canary: Canary, store: Path) -> None:
    for query in [*_reported(canary.endpoint), *service_queries(canary.endpoint, QUERIES)]:
        try:
            run_query(query, store=store)
        except Refused:
            pass  # SealError is a Refused too
    assert canary.settled() == 0


def test_the_seal_holds_with_no_reading_of_the_text(canary: Canary, store: Path) -> None:
    """``execute`` runs what it is given, unread: only the seal stands in the way."""
    oxstore = open_store(store)
    for query in [*_reported(canary.endpoint), *service_queries(canary.endpoint, 60, seed=2)]:
        try:
            execute(oxstore, query)
        except SealError as err:
            assert "SERVICE is refused" in str(err)
    with pytest.raises(SealError, match="SERVICE is refused"):
        execute(oxstore, _reported(canary.endpoint)[0])
    assert canary.settled() == 0


def test_rdflib_queries_on_the_store_reach_no_one(canary: Canary, store: Path) -> None:
    ds = load_dataset(store)
    for query in service_queries(canary.endpoint, 40, seed=5):
        try:
            list(ds.query(query))
        except QueryError:
            pass
    assert canary.settled() == 0


def test_sealing_binds_only_the_query_threads() -> None:
    assert run_sealed("", lambda: _can_open_socket()) is False
    assert _can_open_socket() is True


def _can_open_socket() -> bool:
    try:
        socket.socket().close()
    except OSError:
        return False
    return True


@pytest.mark.slow
def test_kg_query_and_kg_ask_reach_no_one(canary: Canary, store: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared.rq"
    queries = _reported(canary.endpoint) + service_queries(canary.endpoint, 3, seed=9)
    for i, query in enumerate(queries):
        shared.write_text(query)
        done = subprocess.run(
            [sys.executable, "-m", "kg", "query", str(shared), "--store", str(store)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode != 0, (i, done.stdout)
        assert "SERVICE is refused" in done.stderr
    assert canary.settled() == 0


@pytest.mark.slow
def test_the_endpoint_reaches_no_one(canary: Canary, store: Path) -> None:
    from kg.server import make_server

    server = make_server(store, port=0, timeout=5, max_rows=100, workers=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        queries = _reported(canary.endpoint) + service_queries(canary.endpoint, 60, seed=3)
        with httpx.Client(timeout=30) as client:
            for query in queries:
                reply = client.post(server.url + "sparql", data={"query": query})
                assert reply.status_code == 400, (query, reply.text)
                assert "is refused" in reply.text
    finally:
        server.shutdown()
        server.server_close()
    assert canary.settled() == 0


def test_without_seccomp_the_word_is_refused(store: Path) -> None:
    code = (
        "import sys; from pathlib import Path\n"
        "from kg.seal import is_sealed_platform\n"
        "from kg.sparql import execute, run_query\n"
        "assert not is_sealed_platform()\n"
        "try:\n"
        "    run_query(sys.argv[1], store=Path(sys.argv[2]))\n"
        "except Exception as err:\n"
        "    print(type(err).__name__, err)\n"
    )
    query = 'SELECT * WHERE { ?s ?p "\\u0053ervice" }'  # harmless, yet refused unsealed
    env = {**os.environ, "KG_SEAL": "text"}
    done = subprocess.run(
        [sys.executable, "-c", code, query, str(store)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SealError SERVICE is refused")


def test_rdflibs_own_engine_is_refused_on_the_store(canary: Canary, store: Path) -> None:
    ds = load_dataset(store)
    query = f"SELECT * WHERE {{ SERVICE <{canary.endpoint}sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryError, match="rdflib's own engine is refused"):
        ds.query(query, use_store_provided=False)
    with pytest.raises(KGError, match="read-only"):
        ds.update(f"LOAD <{canary.endpoint}data.ttl>")
    assert canary.settled() == 0


def test_a_service_named_by_host_name_is_refused_too(store: Path) -> None:
    oxstore = open_store(store)
    with pytest.raises(SealError, match="SERVICE is refused"):
        execute(oxstore, "SELECT * WHERE { SERVICE <http://sparql.example.org/q> { ?s ?p ?o } }")


def test_many_threads_with_syntax_errors_at_once_all_finish(store: Path) -> None:
    """Finding an error's position queries the parser again: on the same sealed thread."""
    from concurrent.futures import ThreadPoolExecutor

    def bad(_: int) -> str:
        try:
            run_query("SELECT ?s WHERE { ?s ?p ?o . FILTER(?o > ) }", store=store)
        except QueryError as err:
            return str(err)
        return ""

    with ThreadPoolExecutor(max_workers=32) as pool:
        messages = list(pool.map(bad, range(48), timeout=60))
    assert all(m.startswith("syntax error at line 1") for m in messages), messages[:2]


def test_the_front_runs_the_queries_it_knows_to_be_fast_sealed(canary: Canary, store: Path) -> None:
    from kg.server import Job, make_server

    server = make_server(store, port=0, timeout=5, max_rows=100, workers=1)
    queries = service_queries(canary.endpoint, 30, seed=5)
    # Past the up-front check, and taken for fast ones a worker already answered,
    # these run on the front's own thread: only the seal stands in their way.
    server._check = lambda query, graphs: "SELECT"  # type: ignore[method-assign]
    server._fast.update(Job(q, "json") for q in queries)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with httpx.Client(timeout=30) as client:
            for query in queries:
                reply = client.post(server.url + "sparql", data={"query": query})
                assert reply.status_code in (200, 400), (query, reply.text)
                if reply.status_code == 400:
                    assert "is refused" in reply.text or "query failed" in reply.text
    finally:
        server.shutdown()
        server.server_close()
    assert canary.settled() == 0
