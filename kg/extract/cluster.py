"""Extraction on a Dask cluster (``kg build --executor dask``).

The documents to extract go out as batches, several per worker, each batch one
task; a worker process loads the spaCy pipeline once (``load_nlp`` is cached per
process) and extracts its batches with the same code as a local build. The
extractions come back to this process, which writes them to the extraction cache
as a local build would, so that a later build, local or not, reuses them.

With no scheduler address (``--scheduler`` or ``DASK_SCHEDULER_ADDRESS``) kg starts
a ``distributed.LocalCluster`` of one single-threaded worker process per core and
stops it after extraction. With one, it connects to that cluster, whose workers
must run the same kg, spaCy and model (each batch's answer says which; a mismatch
is an error, since the graph would then depend on where a document was read).

Dask is an optional dependency: ``pip install 'kg[dask]'``.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any

from kg.errors import ExtractionError
from kg.model import Document, Extraction

__all__ = ["SCHEDULER_ENV", "batches", "extract_on_dask", "scheduler_address"]

#: the environment variable Dask itself reads for a scheduler's address
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
#: tasks per worker: enough to even out batches of unequal cost, few enough that
#: each carries a good share of text
TASKS_PER_WORKER = 4
#: the most text one batch carries
MAX_BATCH_CHARS = 400_000
#: seconds to wait for a named scheduler to answer
CONNECT_TIMEOUT_S = 10


def batches(documents: Sequence[Document], workers: int) -> list[list[Document]]:
    """The documents in order, cut into batches of about equal text: about
    ``TASKS_PER_WORKER`` per worker, none (of more than one document) over
    ``MAX_BATCH_CHARS``."""
    total = sum(len(d.text) for d in documents)
    wanted = max(1, workers * TASKS_PER_WORKER)
    size = max(1, min(MAX_BATCH_CHARS, -(-total // wanted)))  # a batch closes past it
    out: list[list[Document]] = []
    current: list[Document] = []
    chars = 0
    for d in documents:
        if current and chars + len(d.text) > MAX_BATCH_CHARS:
            out.append(current)
            current, chars = [], 0
        current.append(d)
        chars += len(d.text)
        if chars >= size:
            out.append(current)
            current, chars = [], 0
    if current:
        out.append(current)
    return out


def scheduler_address(given: str | None) -> str | None:
    """The scheduler to connect to: ``given``, else ``DASK_SCHEDULER_ADDRESS``; None for
    a local cluster."""
    return given or os.environ.get(SCHEDULER_ENV, "").strip() or None


def _extract_batch(documents: list[Document]) -> tuple[str, list[Extraction]]:
    """One task, run on a worker: the batch's extractions, and the version that made them."""
    from kg.cache import cache_version
    from kg.extract import extract_documents

    return cache_version(), extract_documents(documents)


def extract_on_dask(
    documents: Sequence[Document],
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Extraction]:
    """``extract_documents(documents)`` on a Dask cluster: the one at ``scheduler`` (or
    ``DASK_SCHEDULER_ADDRESS``), else a local cluster of ``workers`` processes (default:
    the machine's cores). The extractions come back in the order of ``documents``."""
    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise ExtractionError(
            "--executor dask needs Dask's distributed scheduler: pip install 'kg[dask]'"
        ) from None
    from kg.cache import cache_version
    from kg.extract.parallel import worker_count

    if not documents:
        return []
    address = scheduler_address(scheduler)
    mine = cache_version()
    with ExitStack() as stack:
        client: Any
        if address is None:
            n = min(worker_count(workers), len(documents))
            cluster = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            )
            client = stack.enter_context(distributed.Client(cluster))
        else:
            try:
                client = stack.enter_context(distributed.Client(address, timeout=CONNECT_TIMEOUT_S))
            except (OSError, TimeoutError, ValueError) as err:
                raise ExtractionError(
                    f"cannot reach the Dask scheduler at {address}: {_reason(err)}"
                ) from None
            n = max(1, len(client.scheduler_info().get("workers", {})))
        parts = batches(documents, n)
        futures = client.map(_extract_batch, parts, pure=False)
        found: list[Extraction] = []
        try:
            for future in distributed.as_completed(futures):
                version, extractions = future.result()
                if version != mine:
                    raise ExtractionError(
                        f"the Dask workers at {address} run another kg, spaCy or model than "
                        "this one (install the same versions there)"
                    )
                found += extractions
                if progress is not None:
                    progress(len(extractions))
        except ExtractionError:
            client.cancel(futures)
            raise
        except Exception as err:  # a task that failed on a worker, or a lost worker
            client.cancel(futures)
            raise ExtractionError(f"extraction on Dask failed: {_reason(err)}") from None
    where = {d.id: i for i, d in enumerate(documents)}
    return sorted(found, key=lambda ex: where[ex.document.id])


def _reason(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
