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

HTTP is served by one asyncio loop, which reads every connection and checks
and negotiates each request. The queries themselves run in a small pool of
worker processes, each with the store open read-only and its thread sealed,
which write the answer's bytes; a process because a pyoxigraph query cannot
be interrupted: past the time limit the worker is killed and replaced, the
client gets a 503 with the reason, and the other workers go on serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import multiprocessing
import os
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.errors import KGError, QueryError, StoreError
from kg.remote import RemoteStore, store_location
from kg.seal import run_sealed, seal_current_thread
from kg.sparql import (
    ANY_GRAPH,
    Refused,
    ResultLimitError,
    _cached_store,
    check_query,
    execute,
    query_options,
    run_remote,
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

# ---------------------------------------------------------------- worker processes


@dataclass(frozen=True)
class Job:
    """One query for a worker: its text, output format and dataset."""

    query: str
    fmt: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def encode(self) -> bytes:
        return json.dumps([self.query, self.fmt, self.default_graphs, self.named_graphs]).encode()

    @classmethod
    def decode(cls, data: bytes) -> Job:
        query, fmt, default, named = json.loads(data)
        return cls(query, fmt, tuple(default), tuple(named))


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


_REPLY = struct.Struct("!HI")  # a worker's reply: status, microseconds, then the body


def run_job(
    oxstore: ox.Store, job: Job, max_rows: int, max_memory_mb: int | None
) -> tuple[int, bytes]:
    """(HTTP status, body) of ``job`` on ``oxstore``, on the calling (sealed) thread."""
    try:
        result = execute(
            oxstore,
            job.query,
            max_rows=max_rows,
            default_graph=[ox.NamedNode(g) for g in job.default_graphs],
            named_graphs=[ox.NamedNode(g) for g in job.named_graphs],
        )
        return 200, result.render(job.fmt).encode()
    except ResultLimitError as err:
        return 500, f"{err}; add LIMIT or narrow the query".encode()
    except MemoryError:
        return 503, _OUT_OF_MEMORY.format(max_memory_mb).encode()
    except QueryError as err:
        return 400, str(err).encode()
    except KGError as err:
        return 500, str(err).encode()


_ENGINE_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
    "csv": ox.QueryResultsFormat.CSV,
}


def _solutions_bytes(oxstore: ox.Store, job: Job) -> bytes | None:
    """The answer to a SELECT ``job`` already known to fit ``max_rows``, written by
    pyoxigraph itself: the same bytes ``run_job`` makes, row by row in Python, for
    these formats. None for anything else (ASK, graphs, an error): ``run_job`` then.
    """
    fmt = _ENGINE_FORMATS.get(job.fmt)
    if fmt is None:
        return None
    options = query_options(
        default_graph=[ox.NamedNode(g) for g in job.default_graphs],
        named_graphs=[ox.NamedNode(g) for g in job.named_graphs],
    )

    def write() -> bytes | None:
        results = oxstore.query(job.query, **options)
        if not isinstance(results, ox.QuerySolutions):
            return None
        body = results.serialize(format=fmt) or b""
        return body if body.endswith(b"\n") else body + b"\n"

    try:
        return run_sealed(job.query, write)
    except (KGError, OSError, RuntimeError, SyntaxError, ValueError, TypeError):
        return None


def run_remote_job(store: RemoteStore, job: Job, max_rows: int) -> tuple[int, bytes]:
    """(HTTP status, body) of ``job`` forwarded to the SPARQL server ``store``."""
    try:
        result = run_remote(
            job.query,
            store,
            max_rows=max_rows,
            default_graph=job.default_graphs,
            named_graphs=job.named_graphs,
        )
        return 200, result.render(job.fmt).encode()
    except ResultLimitError as err:
        return 500, f"{err}; add LIMIT or narrow the query".encode()
    except QueryError as err:
        return 400, str(err).encode()
    except KGError as err:
        return 502, str(err).encode()


def _worker_main(store: str, max_rows: int, conn: Connection, max_memory_mb: int | None) -> None:
    """A worker process: answer jobs from ``conn`` until it closes.

    The process exists to run queries, so its one thread is sealed and runs them
    in place. A job is JSON; a reply is the HTTP status, the microseconds the
    query took, and the body. Over a SPARQL server the worker forwards each job
    to that one server (kg/remote.py), so its thread stays open to it; what it
    forwards was checked first, and its own parse of the query runs on a sealed
    thread.
    """
    os.environ["RUST_BACKTRACE"] = "0"  # a query past the memory cap: one line, not pages
    location = store_location(store)
    if isinstance(location, RemoteStore):
        remote = location
        _cap_memory(max_memory_mb)
        conn.send_bytes(b"ready")
        _answer(conn, lambda job: run_remote_job(remote, job, max_rows))
        return
    try:
        _cached_store(Path(store))
        _cap_memory(max_memory_mb)
        seal_current_thread()
        conn.send_bytes(b"ready")
    except KGError as err:
        conn.send_bytes(str(err).encode())
        return
    # the store is looked up per job: it reopens if a build swapped it
    _answer(conn, lambda job: run_job(_cached_store(Path(store)), job, max_rows, max_memory_mb))


def _answer(conn: Connection, run: Callable[[Job], tuple[int, bytes]]) -> None:
    """Answer the jobs from ``conn`` with ``run`` until the pipe closes: each reply is
    the status, the microseconds the job took, and the body."""
    while True:
        try:
            job = Job.decode(conn.recv_bytes())
        except EOFError:
            return
        started = time.perf_counter()
        status, body = run(job)
        took = min(int((time.perf_counter() - started) * 1e6), 0xFFFFFFFF)
        conn.send_bytes(_REPLY.pack(status, took) + body)


_OUT_OF_MEMORY = "the query needed more than the worker's {} MB of memory and was stopped"
_HEADER = struct.Struct("!i")  # multiprocessing's frame header: the length, big-endian


class _WorkerGone(Exception):
    """The worker's pipe closed while a job was out."""


class _Frames(asyncio.Protocol):
    """The front's end of a worker's pipe: writes jobs, reads length-framed replies."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[bytes] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) < 4:
            return
        (size,) = _HEADER.unpack_from(self.buffer)
        if len(self.buffer) < 4 + size:
            return
        frame = bytes(self.buffer[4 : 4 + size])
        del self.buffer[: 4 + size]
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(frame)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(_WorkerGone())

    def ask(self, payload: bytes) -> asyncio.Future[bytes]:
        loop = asyncio.get_running_loop()
        self.waiter = loop.create_future()
        if self.closed or self.transport is None:
            self.waiter.set_exception(_WorkerGone())
        else:
            self.transport.write(_HEADER.pack(len(payload)) + payload)
        return self.waiter


def _first_word(conn: Connection, process: BaseProcess, seconds: float) -> str:
    """What a starting process says first ("ready", or why not), or why it said nothing."""
    try:
        return conn.recv_bytes().decode() if conn.poll(seconds) else f"no reply in {seconds:g} s"
    except EOFError:
        return f"exited with status {process.exitcode} while starting"


class _Worker:
    """A worker process, and (once attached to the event loop) its pipe."""

    def __init__(
        self,
        ctx: SpawnContext,
        store: Path | RemoteStore,
        max_rows: int,
        max_memory_mb: int | None,
        *,
        yielding: bool = False,
    ) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main, args=(str(store), max_rows, child, max_memory_mb), daemon=True
        )
        self.frames: _Frames | None = None
        self._stopping = threading.Lock()
        self._stopped = False
        self.yielding = False
        self.process.start()
        child.close()
        if yielding:
            self.demote()  # a worker started in place of one a slow query took

    def demote(self) -> None:
        """Lower the process's scheduling priority (for good: an unprivileged process
        cannot raise it again), so that a long query leaves the processor to the
        short ones and to the fronts."""
        if self.yielding or not hasattr(os, "setpriority") or self.process.pid is None:
            return
        self.yielding = True
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.process.pid, _YIELDING)

    def wait_ready(self) -> None:
        message = _first_word(self.conn, self.process, 60)
        if message != "ready":
            self.stop()
            raise StoreError(f"query worker failed: {message}")

    async def attach(self) -> None:
        """Read and write the pipe from the running event loop."""
        sock = socket.socket(fileno=os.dup(self.conn.fileno()))
        self.conn.close()  # the socket holds its own descriptor of the pipe
        _, self.frames = await asyncio.get_running_loop().connect_accepted_socket(_Frames, sock)

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

    def detach(self) -> None:
        """Close the pipe's end in the event loop (on the loop's thread)."""
        if self.frames is not None and self.frames.transport is not None:
            self.frames.transport.abort()
        self.frames = None


class WorkerPool:
    """Worker processes, each with the store open, that run one query at a time.

    A process, not a thread, because a pyoxigraph query cannot be interrupted:
    one past its time limit is killed with its process, which is replaced.
    """

    def __init__(
        self,
        store: Path | RemoteStore,
        *,
        size: int,
        max_rows: int,
        max_memory_mb: int | None = None,
    ) -> None:
        # spawn, not fork: a forked child would inherit pyoxigraph's handle and locks.
        self._ctx = multiprocessing.get_context("spawn")
        self._store, self.max_rows = store, max_rows
        self.max_memory_mb = max_memory_mb
        self._ready: list[_Worker] = []
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._closed = False
        self._lock = threading.Lock()
        try:
            for worker in [self._start() for _ in range(size)]:
                worker.wait_ready()
                self._ready.append(worker)
        except BaseException:
            self.close()
            raise

    def _start(self, *, yielding: bool = False) -> _Worker:
        worker = _Worker(
            self._ctx, self._store, self.max_rows, self.max_memory_mb, yielding=yielding
        )
        with self._lock:
            self._all.add(worker)
        return worker

    async def open(self) -> None:
        """Attach the workers to the running event loop (``run`` needs it)."""
        self._idle = asyncio.Queue()
        for worker in self._ready:
            await worker.attach()
            self._idle.put_nowait(worker)
        self._ready = []

    def _fresh(self, yielding: bool = False) -> _Worker | None:
        """A started and ready worker to replace a lost one (blocking: run in a thread)."""
        if self._closed:
            return None
        try:
            fresh = self._start(yielding=yielding)
            fresh.wait_ready()
        except (KGError, OSError):
            return None  # the pool runs one worker short rather than failing every request
        return fresh

    async def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        loop = asyncio.get_running_loop()
        worker.detach()
        await loop.run_in_executor(None, worker.stop)
        # the slow query that took the last one is likely to come again: its
        # replacement starts (and opens the store) yielding to the others
        fresh = await loop.run_in_executor(None, self._fresh, worker.yielding)
        if fresh is None:
            return
        if self._closed:  # closed while it started: it is no one's to stop but ours
            fresh.stop()
            return
        await fresh.attach()
        assert self._idle is not None
        self._idle.put_nowait(fresh)

    async def run(
        self, job: Job, timeout: float, *, wait: float = 30.0
    ) -> tuple[int, bytes, float]:
        """(HTTP status, body, seconds the worker spent) for ``job``: at most ``wait`` s
        queued, ``timeout`` s running (the seconds are inf for a reply no worker sent)."""
        inf = float("inf")
        assert self._idle is not None, "WorkerPool.open() first"
        try:
            worker = self._idle.get_nowait()
        except asyncio.QueueEmpty:
            try:
                worker = await asyncio.wait_for(self._idle.get(), wait)
            except TimeoutError:
                return 503, f"server busy: no query worker free within {wait:g} s".encode(), inf
        assert worker.frames is not None
        reply = worker.frames.ask(job.encode())
        loop = asyncio.get_running_loop()
        timer = loop.call_later(timeout, _expire, reply)
        slow = loop.call_later(SLOW_S, worker.demote)
        try:
            frame = await reply
        except TimeoutError:
            # pyoxigraph cannot interrupt a query: stop the process, start another.
            _keep(loop.create_task(self._replace(worker)))
            stopped = f"the query ran past the time limit of {timeout:g} s and was stopped"
            return 503, stopped.encode(), inf
        except _WorkerGone:
            await loop.run_in_executor(None, worker.process.join, 2)
            died = worker.process.exitcode
            _keep(loop.create_task(self._replace(worker)))
            if self.max_memory_mb and died == -signal.SIGABRT:
                # the engine aborts when an allocation fails: that is the memory cap
                return 503, _OUT_OF_MEMORY.format(self.max_memory_mb).encode(), inf
            return 500, b"the query worker stopped unexpectedly", inf
        finally:
            timer.cancel()
            slow.cancel()
        self._idle.put_nowait(worker)
        status, took = _REPLY.unpack_from(frame)
        return status, frame[_REPLY.size :], took / 1e6

    def detach(self) -> None:
        """Close the pipes' ends in the event loop, which is about to stop."""
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            worker.detach()

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


def _expire(reply: asyncio.Future[bytes]) -> None:
    if not reply.done():
        reply.set_exception(TimeoutError())


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

MAX_HEAD = 64 * 1024  # bytes of request line and headers
_REMEMBERED = 4096  # query texts whose check, or speed, is remembered
FAST_S = 0.02  # a job a worker ran this fast is run by the front next time
SLOW_S = 0.1  # a worker whose job runs longer yields the processor to the front's work
_YIELDING = 19  # the nice value of such a worker, which keeps it from then on


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool


class SparqlServer:
    """The endpoint: an asyncio HTTP/1.1 front that hands queries to a worker pool.

    ``serve_forever`` runs it (in the calling thread) until ``shutdown`` is
    called from another thread; ``server_close`` then releases the socket and
    the workers.
    """

    def __init__(
        self,
        sock: socket.socket,
        *,
        store: Path | RemoteStore,
        pool: WorkerPool,
        timeout: float,
        html_page: Path | None,
        idle_timeout: float = 30.0,
        page: bytes | None = None,
    ) -> None:
        self.socket = sock
        self.server_address = sock.getsockname()
        self.store = store
        self.pool = pool
        self.query_timeout = timeout
        self.idle_timeout = idle_timeout
        self.html_page = html_page
        self._graph_html: bytes | None = page
        self._html_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._done = threading.Event()
        self._serving = False  # serve_forever has been entered
        self._quit = False  # shutdown was asked for, perhaps before the loop ran
        self._connections: set[_Connection] = set()
        self._graphs: tuple[ox.Store | None, frozenset[str] | set[str]] | None = None
        self._graphs_checked = 0.0
        self._checked: dict[str, str] = {}
        self._fast: set[Job] = set()
        self._targets: dict[str, tuple[str, dict[str, list[str]]]] = {}
        self.fronts: _Fronts | None = None  # the other front processes, if this one started them
        self.parent: int | None = None  # a front started by another stops when it is gone

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"

    # -------------------------------------------------------- running

    def serve_forever(self) -> None:
        """Serve until ``shutdown``."""
        self._done.clear()
        self._serving = True
        try:
            with asyncio.Runner(loop_factory=_loop_factory()) as runner:
                runner.run(self._serve())
        finally:
            self._done.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        seal_current_thread()  # the front runs the queries it knows to be fast
        self._loop.set_exception_handler(_quiet)
        self._stop = asyncio.Event()
        if self._quit:
            return  # shut down before it started: the pool may be closed already
        await self.pool.open()
        listener = await self._loop.create_server(
            lambda: _Connection(self), sock=self.socket, backlog=1024
        )
        if threading.current_thread() is threading.main_thread():
            self._loop.add_signal_handler(signal.SIGTERM, self._stop.set)
        watch = self._loop.create_task(self._watch())
        try:
            await self._stop.wait()
        finally:
            watch.cancel()
            listener.close()
            for conn in list(self._connections):
                conn.close()
            self.pool.detach()

    async def _watch(self) -> None:
        """Once a second: replace a front process that died; stop a front whose
        starter is gone."""
        assert self._loop is not None and self._stop is not None
        while True:
            await asyncio.sleep(1.0)
            if self.parent is not None and os.getppid() != self.parent:
                self._stop.set()
            if self.fronts is not None:
                await self._loop.run_in_executor(None, self.fronts.replace_dead)

    def shutdown(self) -> None:
        """Stop ``serve_forever`` (from another thread) and wait until it has returned."""
        self._quit = True  # seen by a loop that has not reached its start yet
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(stop.set)
            self._done.wait()
        elif self._serving:
            self._done.wait()

    def server_close(self) -> None:
        if self.fronts is not None:
            self.fronts.close()
        with contextlib.suppress(OSError):
            self.socket.close()
        self.pool.close()

    # -------------------------------------------------------- answers

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

    def _store_graphs(self) -> tuple[ox.Store | None, frozenset[str] | set[str]]:
        """The store and its graph names; whether a build swapped the store is
        looked at once a second, not on every request. Over a SPARQL server: no
        store, and every graph name passes here (the worker checks them)."""
        if isinstance(self.store, RemoteStore):
            return None, ANY_GRAPH
        now = time.monotonic()
        if self._graphs is None or now >= self._graphs_checked + 1.0:
            oxstore = _cached_store(self.store)  # a new handle when a build swapped the store
            if self._graphs is None or self._graphs[0] is not oxstore:
                self._graphs = (oxstore, store_graphs(oxstore))
                self._checked.clear()
                self._fast.clear()
            self._graphs_checked = now
        return self._graphs

    def _check(self, query: str, graphs: frozenset[str] | set[str]) -> str:
        """``check_query``, remembered per query text until the store changes."""
        form = self._checked.get(query)
        if form is None:
            form = check_query(query, graphs=graphs)  # a refusal is not remembered
            if len(self._checked) >= _REMEMBERED:
                self._checked.clear()
            self._checked[query] = form
        return form

    def prepare(
        self, query: str, params: dict[str, list[str]], accept: str | None
    ) -> Reply | tuple[Job, str]:
        """A protocol request checked and negotiated: the reply, or the job for a
        worker and the reply's media type.

        A job whose very text, format and dataset a worker already answered on
        this store in under ``FAST_S`` is run here, on the loop's sealed thread:
        on a read-only store it does the same work again, so it cannot run long,
        and it saves the trip to a worker and back.
        """
        if "update" in params:
            return _text(400, "SPARQL Update is refused: this endpoint is read-only")
        try:
            oxstore, graphs = self._store_graphs()
            form = self._check(query, graphs)
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
        graph = form in ("CONSTRUCT", "DESCRIBE")
        if fmt is None:
            table = GRAPH_TYPES if graph else SOLUTION_TYPES
            offered = ", ".join(table.values())
            return _text(406, f"cannot answer in any type the client accepts; offered: {offered}")
        media = f"{(GRAPH_TYPES if graph else SOLUTION_TYPES)[fmt]}; charset=utf-8"
        job = Job(query, fmt, tuple(default), tuple(named))
        if job in self._fast and oxstore is not None:
            fast = _solutions_bytes(oxstore, job)
            if fast is not None:
                return Reply(200, media, fast)
            status, body = run_job(oxstore, job, self.pool.max_rows, None)
            return self._reply(status, body, media)
        return job, media

    async def run(self, job: Job, media: str) -> Reply:
        """The reply to ``job``, from a worker."""
        status, body, took = await self.pool.run(job, self.query_timeout)
        if status == 200 and took < FAST_S:
            if len(self._fast) >= _REMEMBERED:
                self._fast.clear()
            self._fast.add(job)
        return self._reply(status, body, media)

    @staticmethod
    def _reply(status: int, body: bytes, media: str) -> Reply:
        return Reply(200, media, body) if status == 200 else _text(status, body.decode())

    def _target(self, target: str) -> tuple[str, dict[str, list[str]]]:
        """The path and parameters of a request target, remembered (clients repeat
        their queries, and a long one takes a while to unquote); not to be changed."""
        found = self._targets.get(target)
        if found is None:
            url = urlsplit(target)
            found = (url.path, parse_qs(url.query))
            if len(self._targets) >= _REMEMBERED:
                self._targets.clear()
            self._targets[target] = found
        return found

    def route(self, request: Request) -> Reply | tuple[Job, str] | None:
        """The reply to ``request`` when it can be made at once; the job and media
        type when a worker must run it; None for the graph page."""
        path, params = self._target(request.target)
        accept = request.headers.get("accept")
        if request.method in ("GET", "HEAD"):
            if path == "/":
                return None
            if path == "/sparql":
                queries = params.get("query", [])
                if not queries:
                    return self.query_page()
                if len(queries) > 1:
                    return _text(400, "give one query parameter, not several")
                return self.prepare(queries[0], params, accept)
            return _text(404, f"no page at {path}; the endpoint is /sparql")
        if request.method != "POST":
            return _text(501, f"method {request.method} is not served; use GET or POST")
        if path != "/sparql":
            return _text(404, f"no endpoint at {path}; POST to /sparql")
        params = {key: list(values) for key, values in params.items()}  # added to below
        body = request.body.decode("utf-8", "replace")
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body).items():
                params.setdefault(key, []).extend(values)
            queries = params.get("query", [])
            if "update" not in params and len(queries) != 1:
                return _text(400, "give exactly one query parameter")
            return self.prepare(queries[0] if queries else "", params, accept)
        if media == "application/sparql-query":
            return self.prepare(body, params, accept)
        if media == "application/sparql-update":
            return _text(400, "SPARQL Update is refused: this endpoint is read-only")
        return _text(415, "send application/x-www-form-urlencoded or application/sparql-query")

    async def page(self) -> Reply:
        """The graph page, made in a thread the first time."""
        loop = asyncio.get_running_loop()
        try:
            page = await loop.run_in_executor(None, self.graph_html)
        except (KGError, OSError) as err:
            return _text(500, f"cannot make the graph page: {err}")
        return Reply(200, "text/html; charset=utf-8", page)

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


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (about twice as fast at HTTP), else
    the standard library's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _quiet(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """A client that hangs up or stalls is no error of the server's: say nothing.
    Anything else is one line on stderr, not a traceback."""
    err = context.get("exception")
    if isinstance(err, (ConnectionError, TimeoutError)):
        return
    print(f"kg: error serving a request: {err or context.get('message')!r}", file=sys.stderr)


_REASONS = {s.value: s.phrase for s in HTTPStatus}


def _head(status: int, content_type: str, length: int, *, close: bool) -> bytes:
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, '')}",
        "Server: kg-sparql",
        f"Content-Type: {content_type}",
        f"Content-Length: {length}",
        "X-Content-Type-Options: nosniff",
        "Cache-Control: no-store",
    ]
    if content_type.startswith("text/html"):
        lines.append("Referrer-Policy: no-referrer")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Connection(asyncio.Protocol):
    """One client connection: HTTP/1.1 requests read in turn, answered in order.

    A request must arrive in full within the idle timeout of the moment the
    server started waiting for it (so a client that trickles bytes is closed as
    surely as one that sends none), and a body must be as long as its
    Content-Length says. Replies the front can make at once are written at once;
    one that needs a worker holds the connection's later requests until it is
    written.
    """

    def __init__(self, server: SparqlServer) -> None:
        self.server = server
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.busy = False
        self.timer: asyncio.TimerHandle | None = None
        self.deadline = 0.0

    # -------------------------------------------------------- the transport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.server._connections.add(self)
        self._wait()

    def connection_lost(self, exc: Exception | None) -> None:
        self.server._connections.discard(self)
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.busy:
            self._next()
        elif len(self.buffer) > MAX_HEAD + MAX_BODY and self.transport is not None:
            self.transport.pause_reading()  # pipelined faster than it is answered

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def _wait(self) -> None:
        """Start the clock on the next request (one timer per connection, moved on
        lazily, rather than one per request)."""
        self.deadline = self.loop.time() + self.server.idle_timeout
        if self.timer is None:
            self.timer = self.loop.call_at(self.deadline, self._idle)

    def _idle(self) -> None:
        self.timer = None
        if self.transport is None or self.busy:
            return  # busy: the clock starts again when the reply is written
        if self.loop.time() < self.deadline:
            self.timer = self.loop.call_at(self.deadline, self._idle)
            return
        self.transport.abort()

    # -------------------------------------------------------- requests

    def _fail(self, status: int, message: str) -> None:
        self._write(_text(status, message), head_only=False, close=True)

    def _take(self) -> Request | None:
        """The next request in the buffer, once it has arrived in full."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > MAX_HEAD:
                self._fail(431, f"the request line and headers must be at most {MAX_HEAD} bytes")
            return None
        try:
            request_line, *lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            method, target, version = request_line.split(" ")
            if not version.startswith("HTTP/1."):
                raise ValueError(version)
            headers: dict[str, str] = {}
            for line in lines:
                name, sep, value = line.partition(":")
                if not sep or not name or name != name.strip():
                    raise ValueError(line)
                headers[name.lower()] = value.strip()
        except ValueError:
            self._fail(400, "malformed HTTP request")
            return None
        if "transfer-encoding" in headers:
            self._fail(411, "send the request body with a Content-Length")
            return None
        try:
            length = int(headers.get("content-length") or "0")
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._fail(413, f"a request body must be at most {MAX_BODY} bytes")
            return None
        if len(self.buffer) < end + 4 + length:
            return None  # the body is still on its way (the clock runs on)
        body = bytes(self.buffer[end + 4 : end + 4 + length])
        del self.buffer[: end + 4 + length]
        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection and (
            version == "HTTP/1.1" or "keep-alive" in connection
        )
        return Request(method, target, headers, body, keep_alive)

    def _next(self) -> None:
        """Answer the requests that have arrived in full, in order, until one needs
        a worker (or the graph page)."""
        while self.transport is not None and not self.busy:
            request = self._take()
            if request is None:
                return
            try:
                outcome = self.server.route(request)
            except Exception as err:  # noqa: BLE001 (one line on stderr, a 500 to the client)
                outcome = _internal(err)
            if isinstance(outcome, Reply):
                self._done(request, outcome)
                continue
            self.busy = True
            _keep(self.loop.create_task(self._later(request, outcome)))

    async def _later(self, request: Request, outcome: tuple[Job, str] | None) -> None:
        try:
            reply = await (self.server.page() if outcome is None else self.server.run(*outcome))
        except Exception as err:  # noqa: BLE001
            reply = _internal(err)
        self.busy = False
        self._done(request, reply)
        if self.transport is not None:
            self.transport.resume_reading()
            self._next()

    def _done(self, request: Request, reply: Reply) -> None:
        self._write(reply, head_only=request.method == "HEAD", close=not request.keep_alive)
        if self.transport is not None:
            self._wait()

    def _write(self, reply: Reply, *, head_only: bool, close: bool) -> None:
        if self.transport is None:
            return
        head = _head(reply.status, reply.content_type, len(reply.body), close=close)
        self.transport.write(head if head_only else head + reply.body)
        if close:
            self.transport.close()
            self.transport = None


def _internal(err: Exception) -> Reply:
    print(f"kg: error serving a request: {err!r}", file=sys.stderr)
    return _text(500, "internal error")


_RUNNING: set[asyncio.Task[None]] = set()


def _keep(task: asyncio.Task[None]) -> None:
    """Hold ``task`` until it is done: the event loop holds its tasks weakly."""
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)


@dataclass(frozen=True)
class _Options:
    """What every front needs to make its own server (picklable, for a spawned front)."""

    store: Path | RemoteStore
    timeout: float
    max_rows: int
    workers: int
    html_page: Path | None
    max_memory_mb: int | None
    idle_timeout: float
    page: bytes | None = None  # the graph page, made before serving (over a SPARQL server)


def _front(sock: socket.socket, options: _Options) -> SparqlServer:
    pool = WorkerPool(
        options.store,
        size=max(1, options.workers),
        max_rows=options.max_rows,
        max_memory_mb=options.max_memory_mb,
    )
    return SparqlServer(
        sock, store=options.store, pool=pool, timeout=options.timeout,
        html_page=options.html_page, idle_timeout=options.idle_timeout, page=options.page,
    )  # fmt: skip


def _front_main(sock: socket.socket, options: _Options, conn: Connection) -> None:
    """Another front process: it accepts on the same listening socket, with workers of
    its own, until SIGTERM or until the process that started it is gone."""
    parent = os.getppid()
    try:
        server = _front(sock, options)
    except KGError as err:
        conn.send_bytes(str(err).encode())
        return
    conn.send_bytes(b"ready")
    conn.close()
    server.parent = parent
    try:
        server.serve_forever()
    finally:
        server.server_close()


class _Fronts:
    """The other front processes, started and watched by the first."""

    def __init__(self, sock: socket.socket, options: _Options, count: int) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._sock, self._options = sock, options
        self.processes: list[BaseProcess] = []
        self._closed = False
        self._pending = [self._spawn() for _ in range(count)]

    def _spawn(self) -> tuple[BaseProcess, Connection]:
        conn, child = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(
            target=_front_main, args=(self._sock, self._options, child), daemon=False
        )
        process.start()
        child.close()
        return process, conn

    def wait_ready(self) -> None:
        """Wait for the fronts started so far; StoreError if one fails."""
        pending, self._pending = self._pending, []
        for process, conn in pending:
            try:
                message = _first_word(conn, process, 90)
            finally:
                conn.close()
            self.processes.append(process)
            if message != "ready":
                self.close()
                raise StoreError(f"front process failed: {message}")

    def replace_dead(self) -> None:
        """Start a front for each that has died (blocking: run in a thread)."""
        for process in [p for p in self.processes if not p.is_alive()]:
            if self._closed:
                return
            process.join()
            self.processes.remove(process)
            self._pending.append(self._spawn())
            with contextlib.suppress(StoreError):
                self.wait_ready()

    def close(self) -> None:
        """SIGTERM each front (which stops its workers), then kill what is left."""
        self._closed = True
        for process, conn in self._pending:
            conn.close()
            self.processes.append(process)
        self._pending = []
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()
        self.processes = []


def default_fronts() -> int:
    """Front processes ``kg serve`` starts by default: one per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def make_server(
    store: Path | RemoteStore,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = 10.0,
    max_rows: int = 100_000,
    workers: int = 4,
    html_page: Path | None = None,
    max_memory_mb: int | None = 2048,
    idle_timeout: float = 30.0,
    fronts: int = 1,
) -> SparqlServer:
    """A ready endpoint over the store at ``store`` (call ``serve_forever`` on it).

    ``timeout`` is each query's time limit in seconds, ``max_rows`` the most
    solutions or triples one answer may hold, ``workers`` how many queries a
    front runs at once, ``max_memory_mb`` the address space each worker may use (a query
    past it gets a 503; None: no cap), ``idle_timeout`` how long a connection
    may sit idle or take to send its request. ``fronts`` is how many processes
    serve HTTP on the one socket: this one, plus ``fronts - 1`` that it starts
    and stops, each with ``workers`` workers of its own. Port
    0 picks a free port (see ``server.url``). Raises ``StoreError`` when the
    store cannot be opened.
    """
    page: bytes | None = None
    if isinstance(store, RemoteStore):
        # The front's threads are sealed once it serves, so the page (made from a
        # copy of the server's graph) is made now; --html-page spares that.
        if html_page is None:
            from kg.export.html import render_html
            from kg.store import load_dataset

            page = render_html(load_dataset(store)).encode()
        elif not store.holds_kg():
            raise StoreError(f"no kg graph at {store}: run `kg build --store {store}` first")
    else:
        store = Path(store)
        _cached_store(store)  # fail early, in this process, with the usual message
    try:
        sock = socket.create_server((host, port), backlog=1024)
    except OSError as err:
        raise KGError(f"cannot listen on {host}:{port}: {err.strerror}") from err
    fronts = max(1, fronts)
    options = _Options(
        store, timeout, max_rows, max(1, workers), html_page, max_memory_mb, idle_timeout, page
    )
    others: _Fronts | None = None
    try:
        if fronts > 1:
            others = _Fronts(sock, options, fronts - 1)
        server = _front(sock, options)
        if others is not None:
            others.wait_ready()
    except BaseException:
        if others is not None:
            others.close()
        sock.close()
        raise
    server.fronts = others
    return server


def serve(server: SparqlServer) -> None:
    """Serve until interrupted (Ctrl-C), then close the workers."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("kg: stopped", file=sys.stderr)
    finally:
        server.server_close()
