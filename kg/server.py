"""A read-only SPARQL 1.1 Protocol endpoint over the store, plus the HTML graph.

``GET /`` is the graph page, ``GET /sparql`` with no query a page with a query
box, and ``/sparql`` the endpoint (GET ``?query=``, POST url-encoded or
``application/sparql-query``). Results are content-negotiated (``Accept`` or a
``format`` parameter, as SPARQLWrapper sends): SPARQL results JSON, XML, CSV,
TSV; Turtle, JSON-LD or RDF/XML for CONSTRUCT and DESCRIBE.

The endpoint is sealed. ``check_query`` refuses SPARQL Update, ``SERVICE``,
and ``FROM``/``FROM NAMED`` (or ``default-graph-uri``/``named-graph-uri``)
naming anything but a graph of the store, so no request makes the process
open a URL or a file; the store itself is opened read-only.

Queries run in a small pool of worker processes , because a
pyoxigraph query cannot be interrupted: past the time limit the worker is
killed and replaced, the client gets a 503 with the reason, and the other
workers go on serving.
"""

from __future__ import annotations

import contextlib
import html
import multiprocessing
import os
import queue
import signal
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.errors import KGError, QueryError, StoreError
from kg.sparql import (
    Refused,
    ResultLimitError,
    _cached_store,
    check_query,
    execute,
    store_graphs,
)
from kg.vocab import PREFIXES

__all__ = ["Refused", "SparqlServer", "check_query", "make_server", "negotiate"]

MAX_BODY = 1 << 20  # bytes of query a request may send

# ---------------------------------------------------------------- content negotiation

#: format name -> media type, for solutions (SELECT, ASK) and for graphs (CONSTRUCT, DESCRIBE).
SOLUTION_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "xml": "application/rdf+xml",
}
_ALIASES = {
    "application/json": ("json", "jsonld"),
    "application/xml": ("xml", "xml"),
    "text/xml": ("xml", "xml"),
    "application/x-turtle": (None, "turtle"),
    "application/turtle": (None, "turtle"),
    "text/n3": (None, "turtle"),
    "n3": (None, "turtle"),
    "rdf": (None, "xml"),
    "rdf+xml": (None, "xml"),
    "json-ld": (None, "jsonld"),
    "application/x-json+ld": (None, "jsonld"),
}


def _name_for(token: str, graph: bool) -> str | None:
    token = token.strip().lower()
    table = GRAPH_TYPES if graph else SOLUTION_TYPES
    if token in table:
        return token
    for name, media in table.items():
        if token == media:
            return name
    alias = _ALIASES.get(token)
    return alias[1 if graph else 0] if alias else None


def negotiate(form: str, accept: str | None, formats: Iterable[str] = ()) -> str | None:
    """The output format for a query of ``form``; None when nothing acceptable is offered.

    A recognised ``format``/``output`` parameter wins over the ``Accept`` header
    (whose q-values are honoured); no preference gives JSON or Turtle.
    """
    graph = form in ("CONSTRUCT", "DESCRIBE")
    default = "turtle" if graph else "json"
    for value in formats:
        name = _name_for(value, graph)
        if name:
            return name
    if not accept:
        return default
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            key, _, val = p.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(val)
                except ValueError:
                    q = 0.0
        ranked.append((-q, index, media.lower()))
    for neg_q, _, media in sorted(ranked):
        if neg_q >= 0:
            break
        if media in ("*/*", "application/*", "text/*"):
            table = GRAPH_TYPES if graph else SOLUTION_TYPES
            if media == "*/*" or table[default].startswith(media[:-1]):
                return default
            return next((n for n, m in table.items() if m.startswith(media[:-1])), None)
        name = _name_for(media, graph)
        if name:
            return name
    return None


# ---------------------------------------------------------------- worker processes


@dataclass(frozen=True)
class Job:
    """One query for a worker: its text, output format and dataset."""

    query: str
    fmt: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def _cap_memory(max_memory_mb: int | None) -> None:
    """Cap this process's address space: a query past it fails here, not the machine."""
    if not max_memory_mb:
        return
    import resource

    cap = max_memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _worker_main(store: str, max_rows: int, conn: Connection, max_memory_mb: int | None) -> None:
    """A worker process: answer jobs from ``conn`` until it closes."""
    os.environ["RUST_BACKTRACE"] = "0"  # a query past the memory cap: one line, not pages
    try:
        _cached_store(Path(store))
        _cap_memory(max_memory_mb)
        conn.send("ready")
    except KGError as err:
        conn.send(str(err))
        return
    while True:
        try:
            job: Job = conn.recv()
        except EOFError:
            return
        try:
            result = execute(
                _cached_store(Path(store)),  # reopens if a build swapped the store
                job.query,
                max_rows=max_rows,
                default_graph=[ox.NamedNode(g) for g in job.default_graphs],
                named_graphs=[ox.NamedNode(g) for g in job.named_graphs],
            )
            reply = (200, result.render(job.fmt).encode())
        except ResultLimitError as err:
            reply = (500, f"{err}; add LIMIT or narrow the query".encode())
        except MemoryError:
            reply = (503, _OUT_OF_MEMORY.format(max_memory_mb).encode())
        except QueryError as err:
            reply = (400, str(err).encode())
        except KGError as err:
            reply = (500, str(err).encode())
        conn.send(reply)


_OUT_OF_MEMORY = "the query needed more than the worker's {} MB of memory and was stopped"


class _Worker:
    def __init__(
        self, ctx: SpawnContext, store: Path, max_rows: int, max_memory_mb: int | None
    ) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main, args=(str(store), max_rows, child, max_memory_mb), daemon=True
        )
        self._stopping = threading.Lock()
        self._stopped = False
        self.process.start()
        child.close()

    def wait_ready(self) -> None:
        try:
            message = self.conn.recv() if self.conn.poll(60) else "did not start in 60 s"
        except EOFError:
            message = f"exited with status {self.process.exitcode} while starting"
        if message != "ready":
            self.stop()
            raise StoreError(f"query worker failed: {message}")

    def stop(self) -> None:
        """Kill the process and close the pipe; safe to call from two threads at once
        (the pool's close and a replacement after a crash)."""
        with self._stopping:
            if self._stopped:
                return
            self._stopped = True
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            with contextlib.suppress(OSError):
                self.conn.close()


class WorkerPool:
    """Worker processes, each with the store open, that run one query at a time."""

    def __init__(
        self, store: Path, *, size: int, max_rows: int, max_memory_mb: int | None = None
    ) -> None:
        # spawn, not fork: the parent runs HTTP threads, and a forked child would
        # inherit their locks and pyoxigraph's handle.
        self._ctx = multiprocessing.get_context("spawn")
        self._store, self._max_rows = store, max_rows
        self.max_memory_mb = max_memory_mb
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._closed = False
        self._lock = threading.Lock()
        try:
            for worker in [self._start() for _ in range(size)]:
                worker.wait_ready()
                self._idle.put(worker)
        except BaseException:
            self.close()
            raise

    def _start(self) -> _Worker:
        worker = _Worker(self._ctx, self._store, self._max_rows, self.max_memory_mb)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()
        if self._closed:
            return
        try:
            fresh = self._start()
            fresh.wait_ready()
        except (KGError, OSError):
            return  # the pool runs one worker short rather than failing every request
        if self._closed:  # closed while it started: it is no one's to stop but ours
            fresh.stop()
            return
        self._idle.put(fresh)

    def run(self, job: Job, timeout: float, *, wait: float = 30.0) -> tuple[int, bytes]:
        """(HTTP status, body) for ``job``: at most ``wait`` s queued, ``timeout`` s running."""
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            return 503, f"server busy: no query worker free within {wait:g} s".encode()
        try:
            worker.conn.send(job)
            if worker.conn.poll(timeout):
                reply: tuple[int, bytes] = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError):
            worker.process.join(2)
            died = worker.process.exitcode
            threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
            if self.max_memory_mb and died == -signal.SIGABRT:
                # the engine aborts when an allocation fails: that is the memory cap
                return 503, _OUT_OF_MEMORY.format(self.max_memory_mb).encode()
            return 500, b"the query worker stopped unexpectedly"
        # pyoxigraph cannot interrupt a query: stop the process, start another.
        threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
        return 503, f"the query ran past the time limit of {timeout:g} s and was stopped".encode()

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


# ---------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode())


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL</title>
<style>body{{font:15px system-ui,sans-serif;margin:2em;max-width:60em}}
textarea{{width:100%;height:16em;font:14px monospace}}</style></head>
<body><h1>kg SPARQL endpoint</h1>
<p>Store: <code>{store}</code>. Read-only; predeclared prefixes: {prefixes}.
The graph page is at <a href="/">/</a>.</p>
<form method="get" action="/sparql">
<textarea name="query" spellcheck="false">{query}</textarea>
<p><label>Format <select name="format">{options}</select></label>
<button type="submit">Run</button></p></form></body></html>
"""
_EXAMPLE = "SELECT ?org ?product WHERE {\n  ?org kg:discontinued ?product\n} LIMIT 20\n"


class SparqlServer(ThreadingHTTPServer):
    """The endpoint: a threading HTTP server handing queries to a worker pool."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        store: Path,
        pool: WorkerPool,
        timeout: float,
        html_page: Path | None,
        idle_timeout: float = 30.0,
    ) -> None:
        super().__init__(address, _Handler)
        self.store = store
        self.pool = pool
        self.query_timeout = timeout
        self.idle_timeout = idle_timeout
        self.html_page = html_page
        self._graph_html: bytes | None = None
        self._html_lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"

    def graph_html(self) -> bytes:
        """The graph page: the --html file, or one made from the store on first use."""
        with self._html_lock:
            if self._graph_html is None:
                if self.html_page is not None:
                    self._graph_html = self.html_page.read_bytes()
                else:
                    from kg.export.html import render_html
                    from kg.store import load_dataset

                    self._graph_html = render_html(load_dataset(self.store)).encode()
            return self._graph_html

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up or stalls is no error of the server's: say nothing.
        Anything else is one line on stderr, not a traceback."""
        err = sys.exc_info()[1]
        if isinstance(err, (ConnectionError, TimeoutError)):
            return
        print(f"kg: error serving {client_address}: {err!r}", file=sys.stderr)

    def answer(self, query: str, params: dict[str, list[str]], accept: str | None) -> Reply:
        """Check, negotiate and run one protocol request."""
        if "update" in params:
            return _text(400, "SPARQL Update is refused: this endpoint is read-only")
        try:
            graphs = store_graphs(_cached_store(self.store))
            form = check_query(query, graphs=graphs)
            default = params.get("default-graph-uri", [])
            named = params.get("named-graph-uri", [])
            for iri in default + named:
                if iri not in graphs:
                    raise Refused(f"graph <{iri}> is refused: it names no graph in this store")
        except KGError as err:
            return _text(400, str(err))
        fmt = negotiate(
            form or "SELECT", accept, params.get("format", []) + params.get("output", [])
        )
        if fmt is None:
            table = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_TYPES
            offered = ", ".join(table.values())
            return _text(406, f"cannot answer in any type the client accepts; offered: {offered}")
        job = Job(query, fmt, tuple(default), tuple(named))
        status, body = self.pool.run(job, self.query_timeout)
        if status != 200:
            return _text(status, body.decode())
        graph = form in ("CONSTRUCT", "DESCRIBE")
        media = (GRAPH_TYPES if graph else SOLUTION_TYPES)[fmt]
        return Reply(200, f"{media}; charset=utf-8", body)

    def query_page(self, query: str = _EXAMPLE) -> Reply:
        choices = [*SOLUTION_TYPES.items(), *(i for i in GRAPH_TYPES.items() if i[0] != "xml")]
        options = "".join(f'<option value="{n}">{html.escape(m)}</option>' for n, m in choices)
        page = _PAGE.format(
            store=html.escape(str(self.store)),
            prefixes=html.escape(", ".join(PREFIXES)),
            query=html.escape(query),
            options=options,
        )
        return Reply(200, "text/html; charset=utf-8", page.encode())


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "kg-sparql"

    def setup(self) -> None:
        super().setup()
        # Seconds a connection may sit idle, or a request take to arrive in full.
        self.connection.settimeout(self.server.idle_timeout)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib's name)
        pass  # quiet by default; the CLI prints the address once

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if reply.content_type.startswith("text/html"):
            self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def do_GET(self) -> None:  # noqa: N802 (stdlib's name)
        url = urlsplit(self.path)
        params = parse_qs(url.query)
        if url.path == "/":
            try:
                self._send(Reply(200, "text/html; charset=utf-8", self.server.graph_html()))
            except (KGError, OSError) as err:
                self._send(_text(500, f"cannot make the graph page: {err}"))
        elif url.path == "/sparql":
            queries = params.get("query", [])
            if not queries:
                self._send(self.server.query_page())
            elif len(queries) > 1:
                self._send(_text(400, "give one query parameter, not several"))
            else:
                self._send(self.server.answer(queries[0], params, self.headers.get("Accept")))
        else:
            self._send(_text(404, f"no page at {url.path}; the endpoint is /sparql"))

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802 (stdlib's name)
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._send(_text(404, f"no endpoint at {url.path}; POST to /sparql"))
            return
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            self._send(_text(413, f"a request body must be at most {MAX_BODY} bytes"))
            return
        try:
            raw = self.rfile.read(length)
        except (TimeoutError, ConnectionError):
            self.close_connection = True  # a body shorter than its Content-Length
            return
        if len(raw) < length:
            self.close_connection = True  # the client closed before sending it all
            return
        body = raw.decode("utf-8", "replace")
        params = parse_qs(url.query)
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            form = parse_qs(body)
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
            queries = params.get("query", [])
            if "update" not in params and len(queries) != 1:
                self._send(_text(400, "give exactly one query parameter"))
                return
            query = queries[0] if queries else ""
        elif media == "application/sparql-query":
            query = body
        elif media == "application/sparql-update":
            self._send(_text(400, "SPARQL Update is refused: this endpoint is read-only"))
            return
        else:
            self._send(
                _text(415, "send application/x-www-form-urlencoded or application/sparql-query")
            )
            return
        self._send(self.server.answer(query, params, self.headers.get("Accept")))


def make_server(
    store: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = 10.0,
    max_rows: int = 100_000,
    workers: int = 4,
    html_page: Path | None = None,
    max_memory_mb: int | None = 2048,
    idle_timeout: float = 30.0,
) -> SparqlServer:
    """A ready endpoint over the store at ``store`` (call ``serve_forever`` on it).

    ``timeout`` is each query's time limit in seconds, ``max_rows`` the most
    solutions or triples one answer may hold, ``workers`` how many queries run
    at once, ``max_memory_mb`` the address space each worker may use (a query
    past it gets a 503; None: no cap), ``idle_timeout`` how long a connection
    may sit idle or take to send its request. Port 0 picks a free port (see
    ``server.url``). Raises ``StoreError`` when the store cannot be opened.
    """
    store = Path(store)
    _cached_store(store)  # fail early, in this process, with the usual message
    pool = WorkerPool(store, size=max(1, workers), max_rows=max_rows, max_memory_mb=max_memory_mb)
    try:
        return SparqlServer(
            (host, port), store=store, pool=pool, timeout=timeout, html_page=html_page,
            idle_timeout=idle_timeout,
        )  # fmt: skip
    except OSError as err:
        pool.close()
        raise KGError(f"cannot listen on {host}:{port}: {err.strerror}") from err


def serve(server: SparqlServer) -> None:
    """Serve until interrupted (Ctrl-C), then close the workers."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("kg: stopped", file=sys.stderr)
    finally:
        server.server_close()
