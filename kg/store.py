"""The graph on disk: an embedded Oxigraph store, replaced atomically on each build.

Layout beside a store folder ``kg-store``::

    kg-store/                 the store (RocksDB files, opened by pyoxigraph)
    .kg-store.lock            flock'ed by the one process writing; holds its pid
    .kg-store.new-<pid>       the next store while it is being built
    .kg-store.old             the previous store during the swap

A write builds the complete new store in ``.kg-store.new-<pid>``, closes it,
then swaps it in with two renames. Readers therefore see the old store or the
new one, never a half-written one; a writer killed at any point leaves either
the old store in place or the old store under the ``.old`` name, and the next
writer (or reader) puts it back and removes the leftovers.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result
from rdflib.term import Node

from kg.errors import KGError, QueryError, StoreError
from kg.faults import step
from kg.remote import RemoteStore
from kg.swap import SwapError, backup_of, recover, swap_in
from kg.vocab import PREFIXES

#: Where a graph is kept: an embedded store's folder, or a SPARQL server (kg/remote.py).
Location = Path | RemoteStore

__all__ = [
    "Location",
    "load_dataset",
    "lock_path",
    "merge_default_graph",
    "open_store",
    "staged_store",
    "store_lock",
    "stored_documents",
    "to_oxigraph",
    "write_store",
]

_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")

# RocksDB writes this file first when it creates a database; a folder without
# it is not a store (and must not be replaced by one).
_MARKER = "CURRENT"


def lock_path(path: Path) -> Path:
    """The lock file a writer of the store at ``path`` holds."""
    return path.parent / f".{path.name}.lock"


def _backup_path(path: Path) -> Path:
    return backup_of(path)


def _new_path(path: Path) -> Path:
    return path.parent / f".{path.name}.new-{os.getpid()}"


# ---------------------------------------------------------------- rdflib -> oxigraph


def _ox_literal(literal: Literal) -> ox.Literal:
    if literal.language:
        return ox.Literal(literal, language=literal.language)
    if literal.datatype is None:
        return ox.Literal(literal)
    return ox.Literal(literal, datatype=ox.NamedNode(literal.datatype))


def _ox_term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    # rdflib terms are str subclasses that pyoxigraph takes as they are (no
    # str() copies, no caching keyed on rdflib's slow Python-level __hash__).
    if isinstance(node, URIRef):
        return ox.NamedNode(node)
    if isinstance(node, Literal):
        return _ox_literal(node)
    if isinstance(node, BNode):
        return ox.BlankNode(node)
    raise StoreError(f"cannot store the RDF term {node!r}")


def _ox_graph_name(node: Node | None) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    if node is None or node == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    term = _ox_term(node)
    if isinstance(term, ox.Literal):
        raise StoreError(f"cannot store a graph named {node!r}")
    return term


def to_oxigraph(ds: Dataset) -> Iterator[ox.Quad]:
    """The quads of an rdflib Dataset as pyoxigraph quads (default graph included)."""
    graphs: dict[Node | None, ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        subject, predicate, obj = _ox_term(s), _ox_term(p), _ox_term(o)
        graph = graphs.get(g)
        if graph is None:
            graph = graphs[g] = _ox_graph_name(g)
        try:
            quad = ox.Quad(subject, predicate, obj, graph)  # type: ignore[arg-type]
        except TypeError as err:  # a literal subject, a non-IRI predicate
            raise StoreError(f"not a valid RDF statement: {s!r} {p!r} {o!r}") from err
        yield quad


# ---------------------------------------------------------------- locking and recovery


# Locks this process holds (lock file -> descriptor), so that a build holding its
# store's lock from start to finish can call write_store (which takes the same lock)
# without locking itself out.
_HELD: dict[str, int] = {}


def _drop_inherited_locks() -> None:
    # A forked child shares the parent's lock (a flock belongs to the open file, not
    # the process): closing the child's copies leaves the parent holding it, and the
    # lock is free as soon as the parent lets go, even if a child outlives it.
    for fd in _HELD.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_drop_inherited_locks)


@contextmanager
def store_lock(path: Location) -> Iterator[None]:
    """Hold the write lock of the store at ``path`` for the duration (re-entrant).

    A build takes it before reading anything, so that two builders never
    interleave: the second fails at once with a ``StoreError`` naming the
    process that holds it, before doing any work.
    """
    if isinstance(path, RemoteStore):
        with path.lock():
            yield
        return
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create folder {path.parent}: {err.strerror}") from err
    with _write_lock(path):
        yield


@contextmanager
def _write_lock(path: Path) -> Iterator[None]:
    """Hold the store's lock file exclusively for the duration, or fail at once."""
    lock = lock_path(path)
    # Re-entrant for the thread that holds it; another thread of this process takes
    # the flock on a descriptor of its own, and so waits its turn like any process.
    held = f"{lock.resolve()}\0{threading.get_ident()}"
    if held in _HELD:
        yield
        return
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise StoreError(f"cannot create lock file {lock}: {err.strerror}") from err
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise StoreError(f"cannot lock {lock}: {err.strerror}") from err
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise StoreError(
                f"store {path} is being written by another kg process (pid {holder})"
            ) from None
        # The pid is only for the message above; the flock is what excludes.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _HELD[held] = fd
        try:
            yield
        finally:
            _HELD.pop(held, None)
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def journal_path(path: Path) -> Path:
    """The journal of a build being put in place of the store at ``path`` (kg/swap.py)."""
    return path.parent / f".{path.name}.swap"


def _recover(path: Path) -> None:
    """Undo what a killed writer left behind. The caller holds the write lock."""
    try:
        recover(journal_path(path))
    except KGError as err:
        raise StoreError(str(err)) from err
    backup = _backup_path(path)
    if backup.exists():
        if path.exists():
            shutil.rmtree(backup)  # killed after the swap, before removing the old store
        else:
            backup.rename(path)  # killed between the two renames: keep the old store
    for stale in path.parent.glob(glob.escape(f".{path.name}.new-") + "*"):
        shutil.rmtree(stale, ignore_errors=True)


def _is_store_or_empty(path: Path) -> bool:
    if not path.exists():
        return True
    if not path.is_dir():
        return False
    return (path / _MARKER).is_file() or not any(path.iterdir())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- public API


def write_store(ds: Dataset, path: Path) -> None:
    """Make the store at ``path`` hold exactly the quads of ``ds``.

    The new store is built beside ``path`` and swapped in by renames, so a
    failure or a kill leaves the previous store intact. Raises ``StoreError``
    when another process is writing the same store, when ``path`` is something
    other than a store (it is never replaced then), or on an I/O error.
    """
    with staged_store(ds, path) as commit:
        commit(())


Commit = Callable[[Sequence[tuple[Path, Path]]], None]


@contextmanager
def staged_store(ds: Dataset, path: Location) -> Iterator[Commit]:
    """Build the store of ``ds`` beside ``path``; calling the yielded function swaps it in.

    The function takes (new file, target) pairs, such as the exports staged by
    ``kg.export.files.stage_files``, that are put in place with the store as
    one change (kg/swap.py): a failure or a kill leaves the old store and the
    old files, never a mix. Leaving the block without that call (an error in
    the caller's other work) discards the new store and leaves the old one as
    it was. The store's lock is held throughout; errors are those of
    ``write_store``. On a SPARQL server, see ``RemoteStore.staged``.
    """
    if isinstance(path, RemoteStore):
        with path.staged(ds) as send:
            yield send
        return
    path = Path(path)
    with store_lock(path):
        try:
            _recover(path)
        except OSError as err:
            raise StoreError(f"cannot clean up after an earlier write of {path}: {err}") from err
        if not _is_store_or_empty(path):
            raise StoreError(f"{path} exists and is not a kg store; choose another --store")
        new = _new_path(path)
        try:
            _build(ds, new)
        except BaseException as err:
            shutil.rmtree(new, ignore_errors=True)
            if isinstance(err, OSError):
                raise StoreError(f"cannot write store {path}: {err}") from err
            raise

        def commit(files: Sequence[tuple[Path, Path]] = ()) -> None:
            _swap(new, path, files)

        try:
            yield commit
        finally:
            shutil.rmtree(new, ignore_errors=True)  # gone already once swapped in


# The store's default graph is the merged graph: every statement of the named graphs
# once, so that a question asked without GRAPH gets one answer per fact rather than
# one per document stating it. A count per document merges into the total.
_KG = "https://w3id.org/kg-news/ontology#"
_MERGE = (
    f"""INSERT {{ ?s ?p ?o }} WHERE {{
      GRAPH ?g {{ ?s ?p ?o }} FILTER(?p != <{_KG}mentionCount>) }}""",
    f"""INSERT {{ ?e <{_KG}mentionCount> ?total }} WHERE {{
      SELECT ?e (SUM(?n) AS ?total) WHERE {{ GRAPH ?g {{ ?e <{_KG}mentionCount> ?n }} }}
      GROUP BY ?e }}""",
)


def merge_default_graph(store: ox.Store) -> None:
    """Fill the store's default graph with the merged graph of its named graphs."""
    store.clear_graph(ox.DefaultGraph())
    for update in _MERGE:
        store.update(update)


def _build(ds: Dataset, new: Path) -> None:
    if new.exists():
        shutil.rmtree(new)
    store = ox.Store(str(new))
    try:
        step("new store opened")
        store.bulk_extend(to_oxigraph(ds))
        step("new store filled")
        merge_default_graph(store)
        step("merged graph made")
        store.flush()
        step("new store flushed")
    finally:
        # pyoxigraph has no close(): dropping the last reference closes RocksDB.
        del store


def _swap(new: Path, path: Path, files: Sequence[tuple[Path, Path]] = ()) -> None:
    try:
        swap_in(journal_path(path), [(new, path), *files])
    except SwapError as err:
        if err.path in (new, path, _backup_path(path)):
            raise StoreError(f"cannot replace store {path}: {err.reason}") from err
        raise StoreError(str(err)) from err
    except KGError as err:
        raise StoreError(str(err)) from err


def open_store(path: Location) -> ox.Store:
    """Open the store at ``path`` read-only.

    Raises ``StoreError`` naming the path when there is no store there or it
    cannot be opened. For a SPARQL server, an in-memory copy of its graph.
    """
    if isinstance(path, RemoteStore):
        return path.snapshot()
    path = Path(path)
    deadline = time.monotonic() + 10
    while journal_path(path).exists() or (not path.exists() and _backup_path(path).exists()):
        # A writer is swapping a build in, or was killed doing so: put the previous
        # build back if the lock is free, else wait for the writer to finish.
        try:
            with _write_lock(path):
                _recover(path)
        except (StoreError, OSError):
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
    if not path.exists():
        raise StoreError(f"no store at {path}: run `kg build` first")
    if not path.is_dir() or not (path / _MARKER).is_file():
        raise StoreError(f"{path} is not a kg store: run `kg build` first")
    try:
        return ox.Store.read_only(str(path))
    except OSError as err:
        raise StoreError(f"cannot open store {path}: {err}") from err


def _plain(node: Any) -> Any:
    # oxrdflib returns simple literals typed xsd:string; rdflib compares
    # Literal("x") and Literal("x", datatype=XSD.string) as different terms.
    if isinstance(node, Literal) and node.datatype == _XSD_STRING:
        return Literal(str(node))
    return node


class _ReadOnlyOxigraph(OxigraphStore):
    """oxrdflib's store over a read-only pyoxigraph store.

    ``Dataset.graph(name)`` registers the graph with the store before returning
    it; on a read-only store that is a no-op (a graph that is not there is just
    empty). Writes fail with a ``StoreError`` rather than pyoxigraph's
    ``RuntimeError``.
    """

    def __init__(self, path: Location, store: ox.Store) -> None:
        super().__init__(store=store)
        self._path = path

    def _read_only(self) -> StoreError:
        return StoreError(f"store {self._path} is open read-only; `kg build` rewrites it")

    def triples(self, triple_pattern: Any, context: Graph | None = None) -> Iterator[Any]:
        if context is not None and context.identifier == DATASET_DEFAULT_GRAPH_ID:
            return  # the merged graph repeats what the named graphs hold
        for (s, p, o), contexts in super().triples(triple_pattern, context):
            graphs = list(contexts)
            if context is None and all(
                g is not None and g.identifier == DATASET_DEFAULT_GRAPH_ID for g in graphs
            ):
                continue  # the merged graph repeats what the named graphs hold
            yield (s, p, _plain(o)), iter(graphs)

    def __len__(self, context: Graph | None = None) -> int:
        if context is not None and context.identifier == DATASET_DEFAULT_GRAPH_ID:
            return 0
        return super().__len__(context)

    def query(self, *args: Any, **kwargs: Any) -> Result:
        """The query, run on a sealed thread (kg/seal.py) like every kg query.

        A query the store cannot run is an error, never handed to rdflib's own
        engine, which would fetch ``SERVICE`` and ``FROM`` IRIs itself.
        """
        from kg.seal import run_sealed

        if len(args) > 3 and args[3] == "__UNION__":
            # SPARQL's default graph is the store's merged graph, as for kg query.
            args = (*args[:3], DATASET_DEFAULT_GRAPH_ID, *args[4:])
        text = args[0] if args and isinstance(args[0], str) else ""
        try:
            return run_sealed(text, lambda: self._query(*args, **kwargs))
        except NotImplementedError as err:
            raise QueryError(f"query cannot run on the kg store: {err}") from None

    def _query(self, *args: Any, **kwargs: Any) -> Result:
        result = super().query(*args, **kwargs)
        if result.type == "SELECT":
            result.bindings = [
                {var: _plain(value) for var, value in row.items()} for row in result.bindings
            ]
        elif result.type == "CONSTRUCT" and result.graph is not None:
            graph = Graph()
            for s, p, o in result.graph:
                graph.add((s, p, _plain(o)))
            result.graph = graph
        return result

    def add_graph(self, graph: Graph) -> None:
        pass

    def remove_graph(self, graph: Graph) -> None:
        raise self._read_only()

    def add(self, triple: Any, context: Graph, quoted: bool = False) -> None:
        raise self._read_only()

    def addN(self, quads: Iterable[Any]) -> None:  # noqa: N802 (rdflib's name)
        raise self._read_only()

    def remove(self, triple: Any, context: Graph | None = None) -> None:
        raise self._read_only()

    def update(self, *args: Any, **kwargs: Any) -> None:
        raise self._read_only()


_OWN_ENGINE_REFUSED = "a query on the kg store runs in the store; rdflib's own engine is refused"


class _SealedDataset(Dataset):
    """A ``Dataset`` whose queries run only in the store (on a sealed thread).

    rdflib's own engine, which ``use_store_provided=False`` or a ``processor``
    would pick, fetches ``SERVICE``, ``FROM`` and ``LOAD`` IRIs itself: it is refused.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        processor = args[0] if args else kwargs.get("processor", "sparql")
        if kwargs.get("use_store_provided") is False or processor != "sparql" or len(args) > 1:
            raise QueryError(_OWN_ENGINE_REFUSED)
        kwargs.pop("processor", None)
        return super().query(query_object, **kwargs)

    def update(self, *args: Any, **kwargs: Any) -> None:
        raise StoreError("the kg store is open read-only; `kg build` rewrites it")


def load_dataset(path: Location) -> Dataset:
    """An rdflib ``Dataset`` backed by the store at ``path`` (read-only, via oxrdflib).

    It holds the named graphs a build wrote (one per document, and kg's own); the
    store's merged default graph, which repeats them, is left out.
    """
    ds = _SealedDataset(store=_ReadOnlyOxigraph(path, open_store(path)), default_union=True)
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True, replace=True)
    return ds


_STORED_DOCUMENTS = """
SELECT ?hash ?path WHERE {
  GRAPH ?g { ?d a <https://w3id.org/kg-news/ontology#Document> ;
                <https://w3id.org/kg-news/ontology#contentHash> ?hash ;
                <https://w3id.org/kg-news/ontology#sourcePath> ?path . }
}
"""


def stored_documents(path: Location) -> dict[str, str]:
    """The documents the store at ``path`` was built from: content hash -> source path.

    The store is its own manifest: each document's graph records its hash and
    path, and is replaced with it, so the two can never disagree. Empty when
    there is no store at ``path`` yet.
    """
    if isinstance(path, RemoteStore):
        return dict(
            sorted(
                (str(row["hash"].value), str(row["path"].value))
                for row in path.select(_STORED_DOCUMENTS)  # type: ignore[union-attr]
            )
        )
    path = Path(path)
    if not path.exists() and not _backup_path(path).exists() and not journal_path(path).exists():
        return {}
    store = open_store(path)
    try:
        found: dict[str, str] = {}
        for row in store.query(_STORED_DOCUMENTS):  # type: ignore[union-attr]
            found[str(row["hash"].value)] = str(row["path"].value)
        return dict(sorted(found.items()))
    finally:
        del store
