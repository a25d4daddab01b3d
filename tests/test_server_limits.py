"""kg serve against clients that stall, hang up, or ask for more memory than it has."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from kg.server import SparqlServer, make_server

pytestmark = pytest.mark.slow  # a server over the Sora build


@pytest.fixture(scope="module")
def server(sora_build) -> Iterator[SparqlServer]:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    srv = make_server(store, port=0, timeout=20, workers=2, max_memory_mb=1024, idle_timeout=1)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _address(server: SparqlServer) -> tuple[str, int]:
    host, port = server.server_address[:2]
    return str(host), int(port)


def _ask(server: SparqlServer) -> int:
    return httpx.post(server.url + "sparql", data={"query": "ASK { ?s ?p ?o }"}).status_code


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionError:
        return True


def test_idle_sockets_are_closed_and_do_not_hold_the_server(server: SparqlServer) -> None:
    idle = [socket.create_connection(_address(server)) for _ in range(100)]
    try:
        assert _ask(server) == 200  # served while a hundred sockets say nothing
        assert all(_closed_by_server(s, within=5) for s in idle)
    finally:
        for s in idle:
            s.close()


def test_a_body_shorter_than_its_content_length_is_dropped(server: SparqlServer) -> None:
    sock = socket.create_connection(_address(server))
    try:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK {"
        )
        started = time.monotonic()
        assert _closed_by_server(sock, within=5)
        assert time.monotonic() - started < 4
    finally:
        sock.close()
    assert _ask(server) == 200


def test_clients_that_reset_print_nothing(server: SparqlServer, capfd) -> None:  # type: ignore[no-untyped-def]
    for _ in range(50):
        sock = socket.create_connection(_address(server))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(b"GET /sparql?query=ASK%7B%3Fs%3Fp%3Fo%7D HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.close()  # a reset, before the answer is read
    time.sleep(0.5)
    assert _ask(server) == 200
    assert "Traceback" not in capfd.readouterr().err


def test_a_query_past_the_memory_cap_gets_503_and_the_next_is_served(server: SparqlServer) -> None:
    binds = ['BIND("' + "a" * 1000 + '" AS ?a0)']
    for i in range(1, 9):  # each step is 8 times longer: 16 GB at the end
        binds.append(f"BIND(CONCAT({','.join([f'?a{i - 1}'] * 8)}) AS ?a{i})")
    query = "SELECT (STRLEN(?a8) AS ?n) WHERE { " + " ".join(binds) + " }"
    assert len(query) < 1500
    reply = httpx.post(server.url + "sparql", data={"query": query}, timeout=60)
    assert reply.status_code == 503
    assert "more than the worker's 1024 MB of memory" in reply.text
    assert _ask(server) == 200
