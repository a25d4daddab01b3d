"""The graph in a SPARQL 1.1 server: ``--store http://HOST:PORT`` (or https).

kg talks to the server through two endpoints of the SPARQL 1.1 Protocol: the
query endpoint (``/query`` under the URL) and the update endpoint
(``/update``), the paths of ``oxigraph serve``. For servers that put them
elsewhere, ``KG_STORE_QUERY_URL`` and ``KG_STORE_UPDATE_URL`` name them.

What kg keeps on the server is what it keeps in the embedded store: one named
graph per document plus kg's own graphs, and the merged default graph. Beside
them, one graph of kg's bookkeeping, ``STORE_GRAPH``: a digest of each graph
kg wrote, and the write lock.

- **A build writes only what changed.** Each graph's digest (SHA-256 of its
  sorted N-Triples) is compared with the one the server holds; only graphs
  whose digest differs are replaced, graphs that are gone are dropped, and
  the merged default graph is made again from the named graphs.
- **A build is one update request.** Every change of a build goes to the
  server in a single SPARQL Update request, which the protocol asks servers
  to run atomically (Oxigraph does: a failed or cut-off request changes
  nothing). A build that fails before that request leaves the server's
  previous graphs as they were. The local exports are swapped in after the
  server has taken the update; a kill in between leaves the server's graph
  new and the files old, and the next build puts the files right.
- **One kg writer at a time.** A writer holds a lock triple in
  ``STORE_GRAPH``, taken by a conditional update and refreshed every
  ``HEARTBEAT_S`` seconds while it works. A second writer fails at once,
  naming the holder. A lock not refreshed for ``STALE_S`` seconds (its writer
  was killed) is taken over.
- **Queries stay in the store.** A server runs ``SERVICE`` itself, outside the
  sealed threads kg runs its own queries on (kg/seal.py), so a query sent to
  a server is refused if its text holds the word ``service`` in any spelling,
  before it is sent.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from kg import __version__
from kg.errors import KGError, QueryError, Refused, StoreError, shown
from kg.faults import step

__all__ = [
    "HEARTBEAT_S",
    "STALE_S",
    "STORE_GRAPH",
    "RemoteStore",
    "is_remote",
    "store_location",
]

_NS = "https://w3id.org/kg-news/store#"
#: The graph of kg's bookkeeping on a server: digests of the graphs kg wrote, the lock.
STORE_GRAPH = "https://w3id.org/kg-news/store"
_DIGEST = f"<{_NS}digest>"
_LOCK = f"<{_NS}lock>"
_HOLDER = f"<{_NS}holder>"
_HEARTBEAT = f"<{_NS}heartbeat>"
_META = f"<{STORE_GRAPH}>"
_KG = "https://w3id.org/kg-news/ontology#"
_DAY_TIME = "<http://www.w3.org/2001/XMLSchema#dayTimeDuration>"

#: Seconds between a writer's refreshes of its lock, and after which a lock is stale.
HEARTBEAT_S = 15.0
STALE_S = 120.0

_QUERY_TIMEOUT_S = 120.0

#: The dataset of a protocol request: "default-graph-uri" / "named-graph-uri" -> IRIs.
Dataset_ = dict[str, list[str]]
_UPDATE_TIMEOUT_S = 1800.0


def is_remote(store: object) -> bool:
    """Whether ``store`` names a SPARQL server rather than an embedded store folder."""
    return isinstance(store, RemoteStore)


def store_location(text: str) -> Path | RemoteStore:
    """What a ``--store`` value names: a server for http(s)://..., else a folder."""
    if re.match(r"(?i)https?://", text):
        return RemoteStore.parse(text)
    return Path(text)


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


@dataclass(frozen=True)
class RemoteStore:
    """A SPARQL 1.1 server holding kg's graph; ``url`` is what the user gave."""

    url: str
    query_url: str
    update_url: str

    @classmethod
    def parse(cls, text: str) -> RemoteStore:
        """The server at ``text`` (http(s)://HOST[:PORT][/PATH]), or ``StoreError``."""
        parts = urllib.parse.urlsplit(text)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise StoreError(f"{shown(text)} is no server address (expected http://HOST:PORT)")
        try:
            parts.port  # noqa: B018 (raises on a port that is not a number)
        except ValueError:
            raise StoreError(f"{shown(text)}: the port is not a number") from None
        if parts.query or parts.fragment:
            raise StoreError(f"{shown(text)}: a store address has no ?query or #fragment")
        base = text.rstrip("/")
        return cls(
            url=base,
            query_url=os.environ.get("KG_STORE_QUERY_URL") or f"{base}/query",
            update_url=os.environ.get("KG_STORE_UPDATE_URL") or f"{base}/update",
        )

    def __str__(self) -> str:
        return self.url

    # The store's name and parent, as for a folder, so that the caches kept
    # beside a store (kg/cache.py) have a place on this machine for a server too.
    @property
    def local_path(self) -> Path:
        """The folder on this machine standing for the server, beside which its caches live."""
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg" / "servers"
        parts = urllib.parse.urlsplit(self.url)
        name = f"{parts.scheme}-{parts.hostname}-{parts.port or ''}{parts.path}"
        return root / re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")

    # ------------------------------------------------------------ protocol

    def _post(self, url: str, body: bytes, content_type: str, accept: str, timeout: float) -> bytes:
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "Accept": accept,
                "User-Agent": f"kg/{__version__}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as err:
            detail = _one_line(err.read(4000).decode("utf-8", "replace")) or err.reason
            if 400 <= err.code < 500 and err.code not in (401, 403, 404, 405):
                raise QueryError(f"the SPARQL server at {url} refused it: {detail}") from None
            if err.code in (404, 405):
                detail += (
                    "; is this the server's address? (KG_STORE_QUERY_URL and"
                    " KG_STORE_UPDATE_URL name endpoints elsewhere)"
                )
            raise StoreError(f"the SPARQL server at {url} answered {err.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise StoreError(
                f"cannot reach the SPARQL server at {url}: {_one_line(str(reason))}"
            ) from None

    def _query(self, text: str, accept: str, dataset: Dataset_ | None = None) -> bytes:
        fields = [("query", text)]
        for key, iris in (dataset or {}).items():
            fields += [(key, iri) for iri in iris]
        body = urllib.parse.urlencode(fields).encode()
        return self._post(
            self.query_url, body, "application/x-www-form-urlencoded", accept, _QUERY_TIMEOUT_S
        )

    def select(
        self, text: str, dataset: Dataset_ | None = None
    ) -> ox.QuerySolutions | ox.QueryBoolean:
        """The solutions (or boolean) of a SELECT or ASK query (``dataset``: the
        protocol's default-graph-uri and named-graph-uri lists)."""
        data = self._query(text, "application/sparql-results+json", dataset)
        try:
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as err:
            raise StoreError(
                f"the SPARQL server at {self.query_url} sent results kg cannot read: {err}"
            ) from None

    def construct(self, text: str, dataset: Dataset_ | None = None) -> list[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query."""
        data = self._query(text, "application/n-triples", dataset)
        try:
            return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
        except (SyntaxError, ValueError) as err:
            raise StoreError(
                f"the SPARQL server at {self.query_url} sent triples kg cannot read: {err}"
            ) from None

    def ask(self, text: str) -> bool:
        result = self.select(text)
        return bool(result) if isinstance(result, ox.QueryBoolean) else False

    def update(self, text: str) -> None:
        """Send one SPARQL Update request."""
        self._post(
            self.update_url,
            text.encode("utf-8"),
            "application/sparql-update",
            "*/*",
            _UPDATE_TIMEOUT_S,
        )

    # ------------------------------------------------------------ reading

    def graph_names(self) -> set[str]:
        """The IRIs of the server's named graphs, kg's bookkeeping graph left out."""
        found = self.select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {_META}) }}"
        )
        return {
            row["g"].value
            for row in found  # type: ignore[union-attr]
            if isinstance(row["g"], ox.NamedNode)
        }

    def digests(self) -> dict[str, str]:
        """Graph IRI -> digest, for each graph the last build wrote."""
        found = self.select(f"SELECT ?g ?d WHERE {{ GRAPH {_META} {{ ?g {_DIGEST} ?d }} }}")
        return {row["g"].value: row["d"].value for row in found}  # type: ignore[union-attr]

    def holds_kg(self) -> bool:
        """Whether a kg build has written this server."""
        return self.ask(f"ASK {{ GRAPH {_META} {{ ?g {_DIGEST} ?d }} }}")

    def _foreign(self) -> bool:
        """Whether the server holds statements and no kg build wrote it."""
        if self.holds_kg():
            return False
        return self.ask(
            f"ASK {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {_META}) }} }}"
        )

    def snapshot(self) -> ox.Store:
        """The server's graph as an in-memory store, as ``kg.store.open_store`` gives it.

        Raises ``StoreError`` when no kg build wrote the server.
        """
        from kg.store import merge_default_graph

        if not self.holds_kg():
            raise StoreError(f"no kg graph at {self}: run `kg build --store {self}` first")
        solutions = self.select(
            f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {_META}) }}"
        )
        store = ox.Store()
        store.bulk_extend(
            ox.Quad(row["s"], row["p"], row["o"], row["g"])
            for row in solutions  # type: ignore[union-attr]
        )
        merge_default_graph(store)
        return store

    # ------------------------------------------------------------ the lock

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the server's write lock for the duration (re-entrant in this thread)."""
        key = f"{self.update_url}\0{threading.get_ident()}"
        if key in _HELD:
            yield
            return
        token = f"{socket.gethostname()} pid {os.getpid()} {uuid.uuid4().hex[:12]}"
        literal = json.dumps(token)  # a JSON string is a valid SPARQL string literal
        holders = self._take(literal)
        if holders != [token] and holders and all(_dead_here(h) for h in holders):
            # Left by a writer on this machine that was killed: free it now, not in STALE_S.
            for holder in holders:
                self.update(
                    f"DELETE WHERE {{ GRAPH {_META} {{ {_LOCK} {_HOLDER} {json.dumps(holder)} ;"
                    " ?p ?o } }"
                )
            holders = self._take(literal)
        if holders != [token]:
            holder = ", ".join(shown(h) for h in holders) or "unknown"
            raise StoreError(f"store {self} is being written by another kg process ({holder})")
        stop = threading.Event()
        beat = threading.Thread(
            target=self._heartbeat, args=(literal, stop), name="kg-store-lock", daemon=True
        )
        _HELD[key] = token
        beat.start()
        try:
            yield
        finally:
            stop.set()
            beat.join()
            _HELD.pop(key, None)
            with contextlib.suppress(KGError):
                self.update(
                    f"DELETE WHERE {{ GRAPH {_META} {{ {_LOCK} {_HOLDER} {literal} ; ?p ?o }} }}"
                )

    def _take(self, literal: str) -> list[str]:
        """Take the lock for ``literal`` if it is free or stale; who holds it then."""
        self.update(
            f"""DELETE {{ GRAPH {_META} {{ {_LOCK} ?p ?o }} }}
            WHERE {{ GRAPH {_META} {{ {_LOCK} {_HEARTBEAT} ?t ; ?p ?o }}
                     FILTER(?t < NOW() - "PT{int(STALE_S)}S"^^{_DAY_TIME}) }} ;
            INSERT {{ GRAPH {_META} {{ {_LOCK} {_HOLDER} {literal} ; {_HEARTBEAT} ?now }} }}
            WHERE {{ FILTER NOT EXISTS {{ GRAPH {_META} {{ {_LOCK} {_HOLDER} ?h }} }}
                     BIND(NOW() AS ?now) }}"""
        )
        return [
            row["h"].value
            for row in self.select(  # type: ignore[union-attr]
                f"SELECT ?h WHERE {{ GRAPH {_META} {{ {_LOCK} {_HOLDER} ?h }} }}"
            )
        ]

    def _heartbeat(self, literal: str, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_S):
            with contextlib.suppress(KGError):
                self.update(
                    f"""DELETE {{ GRAPH {_META} {{ {_LOCK} {_HEARTBEAT} ?t }} }}
                    INSERT {{ GRAPH {_META} {{ {_LOCK} {_HEARTBEAT} ?now }} }}
                    WHERE {{ GRAPH {_META} {{ {_LOCK} {_HOLDER} {literal} ; {_HEARTBEAT} ?t }}
                             BIND(NOW() AS ?now) }}"""
                )

    # ------------------------------------------------------------ writing

    @contextmanager
    def staged(self, ds: Dataset) -> Iterator[Callable[[Sequence[tuple[Path, Path]]], None]]:
        """The update that makes the server hold ``ds``; the yielded function sends it.

        The function takes the (new file, target) pairs of the exports, swapped in
        once the server has taken the update. Leaving the block without calling it
        changes nothing. The lock is held throughout.
        """
        with self.lock():
            if self._foreign():
                raise StoreError(
                    f"the SPARQL server at {self} holds graphs kg did not write;"
                    " choose another --store"
                )
            text = update_text(ds, self.digests())

            def commit(files: Sequence[tuple[Path, Path]] = ()) -> None:
                from kg.export.files import FILES_JOURNAL
                from kg.swap import swap_in

                self.update(text)
                step("server updated")
                if files:
                    swap_in(files[0][1].parent / FILES_JOURNAL, files)

            yield commit


_HELD: dict[str, str] = {}


def _dead_here(holder: str) -> bool:
    """Whether a lock holder ("HOST pid N TOKEN") is a process of this machine that is gone."""
    host, _, rest = holder.partition(" pid ")
    pid = rest.split(" ", 1)[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # there, and someone else's
    return False


def _drop_inherited_locks() -> None:
    _HELD.clear()  # a forked child holds none of its parent's locks


os.register_at_fork(after_in_child=_drop_inherited_locks)


def graph_lines(ds: Dataset) -> dict[str, list[str]]:
    """Graph IRI -> the graph's statements as sorted N-Triples lines (default graph left out)."""
    from kg.store import to_oxigraph

    # Through a store first: it writes each literal in its canonical form ("15.0"
    # as "15"), as the server will keep it, so that digests compare with what it holds.
    canonical = ox.Store()
    canonical.bulk_extend(to_oxigraph(ds))
    lines: dict[str, list[str]] = defaultdict(list)
    for quad in canonical:
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode):
            continue  # the default graph is the merged graph, made on the server
        lines[graph.value].append(f"{quad.subject} {quad.predicate} {quad.object} .")
    return {g: sorted(set(ls)) for g, ls in sorted(lines.items())}


def digest(lines: Sequence[str]) -> str:
    """The digest of a graph's sorted N-Triples lines."""
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


_MERGE = f"""CLEAR SILENT DEFAULT ;
INSERT {{ ?s ?p ?o }} WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {_META} && ?p != <{_KG}mentionCount>) }} ;
INSERT {{ ?e <{_KG}mentionCount> ?total }} WHERE {{
  SELECT ?e (SUM(?n) AS ?total) WHERE {{
    GRAPH ?g {{ ?e <{_KG}mentionCount> ?n }} FILTER(?g != {_META}) }}
  GROUP BY ?e }}"""


def update_text(ds: Dataset, old: dict[str, str]) -> str:
    """One SPARQL Update request taking a server from the graphs digested in ``old``
    to the named graphs of ``ds``: only changed graphs are written."""
    new_lines = graph_lines(ds)
    new = {g: digest(lines) for g, lines in new_lines.items()}
    changed = [g for g in new if old.get(g) != new[g]]
    gone = [g for g in old if g not in new]
    ops: list[str] = [f"DROP SILENT GRAPH <{g}>" for g in [*gone, *changed]]
    stale = [f"<{g}> {_DIGEST} {json.dumps(old[g])} ." for g in [*gone, *changed] if g in old]
    if stale:
        ops.append(f"DELETE DATA {{ GRAPH {_META} {{\n" + "\n".join(stale) + "\n}}")
    if changed:
        blocks = [f"GRAPH <{g}> {{\n" + "\n".join(new_lines[g]) + "\n}" for g in changed]
        blocks.append(
            f"GRAPH {_META} {{\n"
            + "\n".join(f"<{g}> {_DIGEST} {json.dumps(new[g])} ." for g in changed)
            + "\n}"
        )
        ops.append("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
    ops.append(_MERGE)
    return " ;\n".join(ops)


# ---------------------------------------------------------------- user queries

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def refuse_service(text: str) -> None:
    """``Refused`` when ``text`` holds the word ``service`` in any spelling SPARQL allows.

    A server evaluates ``SERVICE`` itself, out of reach of kg's sealed threads;
    this errs on the side of refusing (the word in a string is refused too).
    """

    def one(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group()

    if "service" in _ESCAPE.sub(one, text).lower():
        raise Refused(
            "SERVICE is refused: kg queries read only the store (on a SPARQL server,"
            " which would call other endpoints itself, the word itself is refused)"
        )


def prologue() -> str:
    """PREFIX lines for kg's prefixes, put before a query sent to a server (the
    query's own declarations, coming later, win)."""
    from kg.vocab import PREFIXES

    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
