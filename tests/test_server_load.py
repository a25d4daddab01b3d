"""kg serve under load: slow queries beside small ones, crowds of clients and
connections that trickle, several front processes, and the front's fast path.

A real server over the Sora build, driven over real sockets by httpx and by
hand-written half-requests."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from kg.server import Job, SparqlServer, make_server
from tests.servers import serving

pytestmark = pytest.mark.slow  # a server over the Sora build

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SMALL = "SELECT DISTINCT ?o WHERE { kgr:openai kg:discontinued ?o }"


@pytest.fixture(scope="module")
def server(sora_build) -> Iterator[SparqlServer]:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    srv = make_server(store, port=0, timeout=2, workers=4, idle_timeout=2)
    yield from serving(srv)


def _small(url: str) -> httpx.Response:
    return httpx.get(url + "sparql", params={"query": SMALL}, timeout=30)


def test_small_queries_are_answered_while_slow_ones_run_to_their_limit(
    server: SparqlServer,
) -> None:
    with ThreadPoolExecutor(3) as pool:
        slow = [
            pool.submit(httpx.get, server.url + "sparql", params={"query": SLOW}, timeout=60)
            for _ in range(3)
        ]
        time.sleep(0.3)  # the three are running
        small = []
        while not any(f.done() for f in slow):  # answered meanwhile, not after them
            small.append(_small(server.url))
        slow_replies = [f.result() for f in slow]
    assert len(small) >= 3
    assert {r.status_code for r in small} == {200}
    assert all("sora" in r.text for r in small)
    for reply in slow_replies:
        assert reply.status_code == 503
        assert "time limit of 2 s" in reply.text
    assert _small(server.url).status_code == 200  # the killed workers were replaced
    deadline = time.monotonic() + 30
    while len(server.pool._all) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(server.pool._all) == 4


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX scheduling priorities")
def test_a_long_query_yields_the_processor_and_so_do_the_workers_that_replace_it(
    server: SparqlServer,
) -> None:
    def nice(worker) -> int:  # type: ignore[no-untyped-def]
        return os.getpriority(os.PRIO_PROCESS, worker.process.pid)

    deadline = time.monotonic() + 30
    while len(server.pool._all) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)  # an earlier test's replacements have started
    before = {w.process.pid for w in server.pool._all}
    reply = httpx.get(server.url + "sparql", params={"query": SLOW}, timeout=60)
    assert reply.status_code == 503

    def fresh_workers() -> list:  # type: ignore[type-arg]
        return [w for w in list(server.pool._all) if w.process.pid not in before]

    deadline = time.monotonic() + 30
    while not fresh_workers() and time.monotonic() < deadline:
        time.sleep(0.1)
    fresh = fresh_workers()
    assert len(fresh) == 1  # the one the slow query took was replaced ...
    assert nice(fresh[0]) >= 19  # ... by one that yields, as the killed one did
    assert fresh[0].yielding
    assert _small(server.url).status_code == 200


def _trickle(address: tuple[str, int], count: int) -> list[socket.socket]:
    socks = []
    for _ in range(count):
        sock = socket.create_connection(address)
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\n")
        socks.append(sock)
    return socks


def test_a_crowd_and_slowloris_connections_leave_the_server_answering(
    server: SparqlServer,
) -> None:
    host, port = server.server_address[:2]
    half_open = _trickle((str(host), int(port)), 200)
    stop = time.monotonic() + 4
    served: list[int] = []

    def crowd(_: int) -> None:
        with httpx.Client(timeout=30) as client:
            while time.monotonic() < stop:
                try:
                    reply = client.get(server.url + "sparql", params={"query": SMALL})
                except (httpx.ReadError, httpx.RemoteProtocolError):
                    # a kept-alive connection this starved thread left idle past the
                    # server's 2 s idle timeout was closed as it was reused: a new one
                    # must be served
                    reply = client.get(server.url + "sparql", params={"query": SMALL})
                served.append(reply.status_code)

    try:
        with ThreadPoolExecutor(50) as pool:
            crowding = [pool.submit(crowd, i) for i in range(50)]
            closed = 0
            while time.monotonic() < stop:
                assert _small(server.url).status_code == 200  # during
                for sock in half_open:  # one more header byte each: the request never ends
                    try:
                        sock.send(b"X")
                    except OSError:
                        closed += 1
                time.sleep(0.5)
            for f in crowding:
                f.result()
        # Trickling did not keep them open past the idle timeout (2 s): the server closes
        # them while they trickle (given a while more on a machine the crowd has slowed)
        more = time.monotonic() + 10
        while not closed and time.monotonic() < more:
            for sock in half_open:
                try:
                    sock.send(b"X")
                except OSError:
                    closed += 1
            time.sleep(0.5)
        assert closed > 0
        for sock in half_open:
            sock.settimeout(3)
            try:
                assert sock.recv(1) == b""
            except ConnectionError:
                pass
    finally:
        for sock in half_open:
            sock.close()
    assert served and set(served) == {200}
    assert _small(server.url).status_code == 200  # after


def test_a_known_fast_query_is_answered_by_the_front_with_the_same_bytes(
    server: SparqlServer,
) -> None:
    query = "SELECT ?p ?o WHERE { kgr:sora ?p ?o } ORDER BY ?p ?o"
    job = Job(query, "json")
    server._fast.discard(job)
    first = httpx.post(server.url + "sparql", data={"query": query})
    assert job in server._fast  # a worker ran it in under FAST_S
    second = httpx.post(server.url + "sparql", data={"query": query})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["content-type"] == second.headers["content-type"]


def test_a_slow_query_is_never_run_by_the_front(server: SparqlServer) -> None:
    reply = httpx.get(server.url + "sparql", params={"query": SLOW}, timeout=60)
    assert reply.status_code == 503
    assert Job(SLOW, "json") not in server._fast


def _children() -> set[int]:
    """This process's children, less multiprocessing's resource tracker."""
    try:
        with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children") as f:
            pids = {int(p) for p in f.read().split()}
    except OSError:
        pytest.skip("no /proc children list here")
    found = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"resource_tracker" not in f.read():
                    found.add(pid)
        except OSError:
            pass  # gone meanwhile
    return found


def test_several_fronts_share_the_port_and_go_when_the_server_closes(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    before = _children()
    srv = make_server(store, port=0, timeout=5, workers=2, fronts=2)
    assert srv.fronts is not None
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        other = srv.fronts.processes[0]
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda _: _small(srv.url), range(40)))
        assert {r.status_code for r in replies} == {200}
        os.kill(other.pid, signal.SIGKILL)  # a front that dies is replaced
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            alive = [p for p in srv.fronts.processes if p.is_alive()]
            if alive and alive[0] is not other:
                break
            time.sleep(0.2)
        assert alive and alive[0] is not other
        assert _small(srv.url).status_code == 200
    finally:
        srv.shutdown()
        srv.server_close()
    deadline = time.monotonic() + 10
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _children() - before  # no front and no worker is left behind
