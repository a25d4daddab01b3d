"""Extraction on the machine's cores.

The documents to extract are dealt out, by size, to forked worker processes
(kg/background.py); this process extracts one share itself and shows the
progress. The language model is loaded once, before the workers are forked, so
that they share its pages instead of each loading a copy. A document's extraction
depends on that document alone, so the result is the same however the documents
are dealt: it comes back in the order the documents were given.

Where forking is not available (anything but Linux), with ``KG_WORKERS=1``, or
when the work is too small to pay for a worker, everything is extracted here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from kg.background import Background, can_fork, fork_available
from kg.extract import extract_documents
from kg.model import Document, Extraction

__all__ = ["extract_in_parallel", "worker_count"]

#: characters of text below which a share does not pay for a worker of its own (on 2
#: cores, two shares of 20,000 characters took longer than one process; two of 39,000
#: took 0.57 of its time: bench/speed.py)
MIN_SHARE_CHARS = 30_000


def worker_count(requested: int | None = None) -> int:
    """The processes to extract with: ``requested``, else ``KG_WORKERS``, else the
    cores this process may run on."""
    if requested is not None:
        return max(1, requested)
    env = os.environ.get("KG_WORKERS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def extract_in_parallel(
    documents: Sequence[Document],
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Extraction]:
    """``extract_documents(documents)``, on up to ``workers`` processes."""
    size = sum(len(d.text) for d in documents)
    n = min(worker_count(workers), len(documents), max(1, size // MIN_SHARE_CHARS))
    # a number asked for outright holds whatever KG_WORKERS says
    if n <= 1 or not (fork_available() if workers is not None else can_fork()):
        return extract_documents(documents, progress=progress)
    from kg.extract.nlp import load_nlp

    load_nlp()  # before forking: the workers share the loaded model
    shares = _deal(documents, n)
    children: list[Background[list[Extraction]]] = []
    try:
        for share in shares[1:]:
            children.append(Background(extract_documents, share, fork=True))
        found = extract_documents(shares[0], progress=progress)
        for child, share in zip(children, shares[1:], strict=True):
            found += child.result()
            if progress is not None:
                progress(len(share))
    finally:
        for child in children:
            child.stop()  # a worker left running after an error here
    where = {d.id: i for i, d in enumerate(documents)}
    return sorted(found, key=lambda ex: where[ex.document.id])


def _deal(documents: Sequence[Document], n: int) -> list[list[Document]]:
    """``n`` shares of about the same size: the largest document first, each to the
    share with the least text so far (a document named twice goes to one share)."""
    shares: list[list[Document]] = [[] for _ in range(n)]
    sizes = [0] * n
    by_id: dict[str, list[Document]] = {}
    for d in documents:
        by_id.setdefault(d.id, []).append(d)
    for group in sorted(by_id.values(), key=lambda g: (-sum(len(d.text) for d in g), g[0].id)):
        i = min(range(n), key=lambda k: (sizes[k], k))
        shares[i] += group
        sizes[i] += sum(len(d.text) for d in group)
    return [s for s in shares if s]
