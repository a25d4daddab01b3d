"""Wires the stages: ingest -> extract -> resolve -> rdf -> validate -> store -> exports.

The only module that imports several stages. ``build``, ``add`` and
``remove`` return a ``BuildReport``; they print nothing (the CLI does).

Every build holds the store's lock from start to finish, extracts only the
documents the cache beside the store does not hold (kg/cache.py), resolves all
documents together (cheap, and it keeps entity IRIs and classes consistent
across documents), and rewrites the store and exports from the result. The
store is its own manifest: each document's graph records its content hash and
source path, so ``add`` and ``remove`` start from what the store holds.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rdflib import Dataset

from kg.background import Background
from kg.cache import ExtractionCache, cache_path
from kg.conflicts import Conflict, find_conflicts, support_counts
from kg.errors import InputError, StoreError
from kg.export.files import discard, export_lock, stage_files
from kg.export.html import load_assets, render_html
from kg.export.rdf import DEFAULT_FORMATS, EXPORT_FORMATS, render_exports
from kg.extract.parallel import extract_in_parallel
from kg.faults import step
from kg.ingest import MAX_DOCUMENT_MB, discover, read_document
from kg.kb import load_kb
from kg.llm import LLMReport, LLMSettings, extract_with_llm, llm_cache_path, prune_answers
from kg.memo import Memo, build_key, load_memo, outputs_state, save_memo, store_state
from kg.model import Document, Extraction
from kg.rdf import add_derived, add_reference_facts, to_dataset
from kg.resolve import resolve
from kg.resources import data_dir
from kg.store import Location, staged_store, store_lock, stored_documents
from kg.swap import check_target
from kg.validate import Violation, validate

__all__ = ["BuildReport", "Changes", "Executor", "add", "build", "remove", "sample_corpus"]

#: progress(total, label) -> a context manager whose ``update(n)`` advances the bar
ProgressFactory = Callable[[int, str], AbstractContextManager[Any]]


@dataclass(frozen=True)
class Executor:
    """Where extraction runs: "local" (this machine's cores) or "dask" (a Dask cluster:
    the one at ``scheduler``, or DASK_SCHEDULER_ADDRESS, else a local one kg starts)."""

    kind: str = "local"
    scheduler: str | None = None


@dataclass(frozen=True)
class Changes:
    """How a build changed the store's documents (source paths), and what it re-read."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    extracted: int = 0  # documents run through spaCy
    cached: int = 0  # documents whose extraction came from the cache


@dataclass(frozen=True)
class BuildReport:
    documents: int
    entities_by_class: dict[str, int]
    facts_by_relation: dict[str, int]
    conflicts: list[Conflict]
    violations: list[Violation]
    store: Location
    exports: list[Path]
    seconds: float
    problems: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    #: what the language model was asked and what was kept (``--extractor llm``)
    llm: LLMReport | None = None

    @property
    def warnings(self) -> list[str]:
        """One line per document whose model facts were left out."""
        return list(self.llm.warnings) if self.llm else []

    @property
    def entities(self) -> int:
        return sum(self.entities_by_class.values())

    @property
    def facts(self) -> int:
        return sum(self.facts_by_relation.values())


def sample_corpus() -> Path:
    """The folder of the bundled sample articles."""
    return data_dir("sample")


class _NullBar:
    def update(self, n: int) -> None:
        """Progress is not shown."""


def build(
    paths: Sequence[Path],
    *,
    store: Location,
    out: Path,
    progress: ProgressFactory | None = None,
    rebuild: bool = False,
    max_document_mb: float = MAX_DOCUMENT_MB,
    follow_symlinks: bool = False,
    workers: int | None = None,
    llm: LLMSettings | None = None,
    executor: Executor | None = None,
) -> BuildReport:
    """Build the graph of the articles under ``paths`` into ``store`` and ``out``.

    The store then holds exactly those articles. An article whose content the
    previous build already read is not extracted again (its extraction comes
    from the cache beside the store) unless ``rebuild`` is set. Unreadable
    inputs are listed in ``BuildReport.problems`` and the rest is built. The
    store and the exports are replaced only once the new ones are complete.
    Raises ``InputError`` when no document at all can be read, ``StoreError``
    when another process is writing the store. With ``llm``, a language model adds
    facts or replaces the rules' (kg/llm/); a document it fails on keeps the rules'.
    With ``executor`` of kind "dask", extraction runs on a Dask cluster
    (kg/extract/cluster.py); otherwise on this machine's cores.
    """
    started = time.perf_counter()
    with store_lock(store):
        documents, problems = (
            _read(list(paths), max_document_mb, follow_symlinks) if paths else _read_sample()
        )
        if not documents:
            detail = "; ".join(problems) if problems else "no input files"
            raise InputError(f"nothing to build ({detail})")
        return _build(
            documents, problems, store, out, progress, rebuild, started, workers, llm, executor
        )


def add(
    paths: Sequence[Path],
    *,
    store: Location,
    out: Path,
    progress: ProgressFactory | None = None,
    rebuild: bool = False,
    max_document_mb: float = MAX_DOCUMENT_MB,
    follow_symlinks: bool = False,
    workers: int | None = None,
    llm: LLMSettings | None = None,
    executor: Executor | None = None,
) -> BuildReport:
    """Add the articles under ``paths`` to the store, or update them if they changed.

    An article already in the store from the same path but with new content
    replaces its old version (and only its graph changes); the store's other
    articles stay as they are and are not extracted again.
    """
    started = time.perf_counter()
    with store_lock(store):
        new, problems = _read(list(paths), max_document_mb, follow_symlinks)
        if not new:
            detail = "; ".join(problems) if problems else "no input files"
            raise InputError(f"nothing to add ({detail})")
        before = stored_documents(store)
        cache = ExtractionCache(cache_path(store))
        replaced = {_resolved(d.source) for d in new}
        kept = {h: src for h, src in before.items() if _resolved(src) not in replaced}
        documents = _stored(kept, cache) + new
        return _build(
            documents, problems, store, out, progress, rebuild, started, workers, llm, executor
        )


def remove(
    paths: Sequence[Path],
    *,
    store: Location,
    out: Path,
    progress: ProgressFactory | None = None,
    llm: LLMSettings | None = None,
) -> BuildReport:
    """Remove the articles read from ``paths`` (files, or folders holding them) from the store.

    A removed article takes its facts with it; entities other articles still
    name stay. Raises ``InputError`` naming a path that is not in the store
    (nothing is removed then) or when nothing would be left.
    """
    started = time.perf_counter()
    with store_lock(store):
        before = stored_documents(store)
        if not before:
            raise StoreError(f"no store at {store}: run `kg build` first")
        gone: set[str] = set()
        for path in paths:
            matched = {h for h, src in before.items() if _names(path, src)}
            if not matched:
                raise InputError(f"not in the store {store}", path=str(path))
            gone |= matched
        kept = {h: src for h, src in before.items() if h not in gone}
        if not kept:
            raise InputError(
                "removing these would leave the store empty; delete the store folder instead"
            )
        documents = _stored(kept, ExtractionCache(cache_path(store)))
        return _build(documents, [], store, out, progress, False, started, llm=llm)


def _read(
    paths: list[Path], max_document_mb: float = MAX_DOCUMENT_MB, follow_symlinks: bool = False
) -> tuple[list[Document], list[str]]:
    files_, problems = discover(paths, follow_symlinks=follow_symlinks)
    documents: list[Document] = []
    seen: set[str] = set()
    for path in files_:
        try:
            doc = read_document(path, max_mb=max_document_mb)
        except InputError as err:
            problems.append(str(err))
            continue
        if doc.id in seen:
            continue  # the same article twice is one document
        seen.add(doc.id)
        documents.append(doc)
    return documents, problems


# The bundled sample's documents are recorded under this name, not under the folder
# they were installed in, so that the sample's graph is the same on every machine.
_SAMPLE_NAME = "sample"


def _read_sample() -> tuple[list[Document], list[str]]:
    folder = sample_corpus()
    documents, problems = _read([folder])
    return [
        replace(d, source=f"{_SAMPLE_NAME}/{Path(d.source).relative_to(folder).as_posix()}")
        for d in documents
    ], problems


def _source_file(source: str) -> Path:
    """The file a stored document was read from."""
    path = Path(source)
    if not path.exists() and path.parts[:1] == (_SAMPLE_NAME,):
        return sample_corpus().joinpath(*path.parts[1:])
    return path


def _resolved(source: str) -> str:
    return str(Path(source).resolve())


def _names(path: Path, source: str) -> bool:
    """Whether ``path`` (a file, or a folder) names the stored document read from ``source``."""
    if str(path) == source:
        return True
    target, src = path.resolve(), Path(source).resolve()
    return src == target or (path.is_dir() and src.is_relative_to(target))


def _stored(stored: dict[str, str], cache: ExtractionCache) -> list[Document]:
    """The documents the store holds (content hash -> source), from the cache or their files."""
    documents: list[Document] = []
    for doc_id, source in stored.items():
        doc = cache.get_document(doc_id)
        if doc is None:
            try:
                doc = read_document(_source_file(source))
            except InputError as err:
                raise InputError(
                    f"{err}; it is in the store but no longer in the cache, so it cannot be kept"
                    " (`kg remove` it, or `kg build` the articles you want)"
                ) from None
            if doc.id != doc_id:
                raise InputError(
                    "changed since the store was built and the old version is no longer in"
                    " the cache; `kg add` it to take the new version",
                    path=source,
                )
        documents.append(replace(doc, source=source))
    return documents


def _extract(
    documents: list[Document],
    cache: ExtractionCache,
    progress: ProgressFactory | None,
    rebuild: bool,
    workers: int | None = None,
    executor: Executor | None = None,
) -> tuple[list[Extraction], int]:
    """Each document's extraction, from the cache where possible; and how many were extracted."""
    found = {d.id: None if rebuild else cache.get(d) for d in documents}
    missing = [d for d in documents if found[d.id] is None]
    if missing:
        bar_cm: AbstractContextManager[Any] = (
            progress(len(missing), "Extracting") if progress else nullcontext(_NullBar())
        )
        with bar_cm as bar:
            if executor is not None and executor.kind == "dask":
                from kg.extract.cluster import extract_on_dask

                fresh = extract_on_dask(missing, executor.scheduler, workers, bar.update)
            else:
                fresh = extract_in_parallel(missing, workers, bar.update)
        for ex in fresh:
            cache.put(ex)
            found[ex.document.id] = ex
    return [got for d in documents if (got := found[d.id]) is not None], len(missing)


#: The output folder's files, as ``_render_outputs`` makes them.
OUTPUT_NAMES = (*(EXPORT_FORMATS[f][0] for f in DEFAULT_FORMATS), "graph.html")


def _render_outputs(ds: Dataset) -> dict[str, bytes]:
    """The output folder's files: the RDF exports, then the graph page."""
    return render_exports(ds) | {"graph.html": render_html(ds).encode()}


def _changes(before: dict[str, str], after: list[Document], extracted: int) -> Changes:
    old_sources = {_resolved(s) for s in before.values()}
    new_sources = {_resolved(d.source) for d in after}
    now = {d.id for d in after}
    fresh = [d for d in after if d.id not in before]
    return Changes(
        added=tuple(sorted(d.source for d in fresh if _resolved(d.source) not in old_sources)),
        replaced=tuple(sorted(d.source for d in fresh if _resolved(d.source) in old_sources)),
        removed=tuple(
            sorted(s for h, s in before.items() if h not in now and _resolved(s) not in new_sources)
        ),
        unchanged=len(after) - len(fresh),
        extracted=extracted,
        cached=len(after) - extracted,
    )


def _unchanged(
    key: str,
    store: Location,
    out: Path,
    documents: list[Document],
    problems: list[str],
    started: float,
) -> BuildReport | None:
    """The report of the last build, when it had these inputs and its store and files
    are still as it left them (kg/memo.py); None when there is anything to do."""
    memo = load_memo(store)
    if memo is None or memo.key != key:
        return None
    if memo.outputs != outputs_state(out / name for name in OUTPUT_NAMES):
        return None
    if memo.store != store_state(store):
        return None
    summary = memo.summary
    return BuildReport(
        documents=len(documents),
        entities_by_class=summary["entities_by_class"],
        facts_by_relation=summary["facts_by_relation"],
        conflicts=summary["conflicts"],
        violations=summary["violations"],
        store=store,
        exports=[Path(p) for p in summary["exports"]],
        seconds=time.perf_counter() - started,
        problems=problems,
        changes=Changes(unchanged=len(documents), cached=len(documents)),
    )


def _build(
    documents: list[Document],
    problems: list[str],
    store: Location,
    out: Path,
    progress: ProgressFactory | None,
    rebuild: bool,
    started: float,
    workers: int | None = None,
    llm: LLMSettings | None = None,
    executor: Executor | None = None,
) -> BuildReport:
    """Extract (or reuse), resolve, encode, validate, store, export. The caller holds the lock."""
    for name in OUTPUT_NAMES:  # before any work: a folder in a file's place is refused
        check_target(out / name, folder=False)
    unique = {d.id: d for d in documents}  # a document named twice is one document
    # Resolution sees the documents in content-hash order, so that a store reached by
    # adds and removes is the same as one built from scratch from the same articles.
    documents = [unique[k] for k in sorted(unique)]
    key = build_key(documents, out)
    if not rebuild and llm is None:
        unchanged = _unchanged(key, store, out, documents, problems, started)
        if unchanged is not None:
            return unchanged
    before = stored_documents(store)
    cache = ExtractionCache(cache_path(store))
    extractions, extracted = _extract(documents, cache, progress, rebuild, workers, executor)
    llm_report = None
    if llm is not None:
        extractions, llm_report = extract_with_llm(
            extractions, llm, llm_cache_path(store), progress
        )
    resolution = resolve(extractions)
    ds = to_dataset(documents, resolution.entities, resolution.facts, resolution.mention_counts)
    known = {**load_kb().entities, **resolution.entities}
    present = {k for counts in resolution.mention_counts.values() for k in counts}
    add_reference_facts(ds, known, present)
    support = support_counts(resolution.facts)
    conflicts = find_conflicts(resolution.facts, support=support)
    add_derived(ds, resolution.facts, conflicts)
    # The files are serialised on a second core (kg/background.py) while this process
    # validates and builds the new store. Nothing is replaced until all of it is
    # ready: then the store, then the files. The page's assets are loaded here, once
    # per process, so that every build's worker starts with them.
    load_assets()
    with Background(_render_outputs, ds) as outputs:
        violations = validate(ds)
        with staged_store(ds, store) as commit, export_lock(out):
            staged = stage_files(out, outputs.result())
            try:
                commit(staged)  # the store and the files, as one change
            finally:
                discard(staged)
        exports = [target for _, target in staged]
    cache.keep_only(documents, also=before)
    prune_answers(llm_cache_path(store), [*(d.id for d in documents), *before])
    step("cache pruned")

    by_class = Counter(e.cls for k, e in resolution.entities.items() if k in present)
    by_relation = Counter(f.predicate for f in resolution.facts)
    entities_by_class = dict(sorted(by_class.items(), key=lambda kv: (-kv[1], kv[0])))
    facts_by_relation = dict(sorted(by_relation.items(), key=lambda kv: (-kv[1], kv[0])))
    if llm is None:
        summary = {
            "entities_by_class": entities_by_class,
            "facts_by_relation": facts_by_relation,
            "conflicts": conflicts,
            "violations": violations,
            "exports": [str(p) for p in exports],
        }
        left = outputs_state(out / name for name in OUTPUT_NAMES)
        save_memo(store, Memo(key, store_state(store), left, summary))
    return BuildReport(
        documents=len(documents),
        entities_by_class=entities_by_class,
        facts_by_relation=facts_by_relation,
        conflicts=conflicts,
        violations=violations,
        store=store,
        exports=exports,
        seconds=time.perf_counter() - started,
        problems=problems,
        changes=_changes(before, documents, extracted),
        llm=llm_report,
    )
