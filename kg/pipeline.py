"""Wires the stages: ingest -> extract -> resolve -> rdf -> validate -> store -> exports.

The only module that imports several stages. ``build`` returns a
``BuildReport``; it prints nothing (the CLI does).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from kg.conflicts import Conflict, find_conflicts
from kg.errors import InputError, KGError
from kg.export.html import write_html
from kg.export.rdf import write_exports
from kg.extract import extract_documents
from kg.ingest import discover, read_document
from kg.kb import load_kb
from kg.model import Document
from kg.rdf import add_reference_facts, to_dataset
from kg.resolve import resolve
from kg.store import write_store
from kg.validate import Violation, validate

__all__ = ["BuildReport", "build", "sample_corpus"]

#: progress(total, label) -> a context manager whose ``update(n)`` advances the bar
ProgressFactory = Callable[[int, str], AbstractContextManager[Any]]


@dataclass(frozen=True)
class BuildReport:
    documents: int
    entities_by_class: dict[str, int]
    facts_by_relation: dict[str, int]
    conflicts: list[Conflict]
    violations: list[Violation]
    store: Path
    exports: list[Path]
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def entities(self) -> int:
        return sum(self.entities_by_class.values())

    @property
    def facts(self) -> int:
        return sum(self.facts_by_relation.values())


def sample_corpus() -> Path:
    """The folder of the bundled sample articles."""
    return Path(str(files("kg.sample")))


class _NullBar:
    def update(self, n: int) -> None:
        """Progress is not shown."""


def build(
    paths: Sequence[Path],
    *,
    store: Path,
    out: Path,
    progress: ProgressFactory | None = None,
) -> BuildReport:
    """Build the graph of the articles under ``paths`` into ``store`` and ``out``.

    Unreadable inputs are listed in ``BuildReport.problems`` and the rest is
    built. The store and the exports are replaced only once the new ones are
    complete. Raises ``InputError`` when no document at all can be read.
    """
    started = time.perf_counter()
    files_, problems = discover(list(paths) or [sample_corpus()])
    documents: list[Document] = []
    seen: set[str] = set()
    for path in files_:
        try:
            doc = read_document(path)
        except InputError as err:
            problems.append(str(err))
            continue
        if doc.id in seen:
            continue  # the same article twice is one document
        seen.add(doc.id)
        documents.append(doc)
    if not documents:
        detail = "; ".join(problems) if problems else "no input files"
        raise InputError(f"nothing to build ({detail})")

    bar_cm: AbstractContextManager[Any] = (
        progress(len(documents), "Extracting") if progress else nullcontext(_NullBar())
    )
    with bar_cm as bar:
        extractions = extract_documents(documents, progress=bar.update)
    resolution = resolve(extractions)
    ds = to_dataset(documents, resolution.entities, resolution.facts, resolution.mention_counts)
    known = {**load_kb().entities, **resolution.entities}
    present = {k for counts in resolution.mention_counts.values() for k in counts}
    add_reference_facts(ds, known, present)
    violations = validate(ds)
    try:
        write_store(ds, store)
        exports = write_exports(ds, out)
        exports.append(write_html(ds, out / "graph.html"))
    except OSError as err:
        raise KGError(f"cannot write output: {err}") from None

    by_class = Counter(e.cls for k, e in resolution.entities.items() if k in present)
    by_relation = Counter(f.predicate for f in resolution.facts)
    return BuildReport(
        documents=len(documents),
        entities_by_class=dict(sorted(by_class.items(), key=lambda kv: (-kv[1], kv[0]))),
        facts_by_relation=dict(sorted(by_relation.items(), key=lambda kv: (-kv[1], kv[0]))),
        conflicts=find_conflicts(resolution.facts),
        violations=violations,
        store=store,
        exports=exports,
        seconds=time.perf_counter() - started,
        problems=problems,
    )
