"""Extraction on worker processes: the same graph as one process, errors come back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.background import can_fork
from kg.extract import parallel
from kg.ingest import read_document
from kg.pipeline import build

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"

OUTPUTS = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.html")


def _corpus() -> list[Path]:
    paths = [SHARED / "sora", SHARED / "dev", SHARED / "dev2"]
    if not all(p.is_dir() for p in paths):
        pytest.skip("the shared corpus sits beside the repository")
    return paths


class _Counted(parallel.Background):  # type: ignore[type-arg]
    """The real worker, counted."""

    forks = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _Counted.forks += self.forked


@pytest.mark.skipif(not can_fork(), reason="workers are forked processes (Linux)")
def test_two_workers_build_the_bytes_one_process_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _corpus()
    monkeypatch.setattr(parallel, "Background", _Counted)
    one = build(paths, store=tmp_path / "s1", out=tmp_path / "o1", workers=1)
    assert _Counted.forks == 0
    two = build(paths, store=tmp_path / "s2", out=tmp_path / "o2", workers=2)
    assert _Counted.forks == 1  # one worker beside this process
    assert one.changes.extracted == two.changes.extracted == two.documents > 20
    for name in OUTPUTS:
        assert (tmp_path / "o1" / name).read_bytes() == (tmp_path / "o2" / name).read_bytes(), name


@pytest.mark.skipif(not can_fork(), reason="workers are forked processes (Linux)")
def test_a_worker_that_fails_fails_the_build_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _corpus()
    parent = os.getpid()
    real = parallel.extract_documents

    def failing_in_the_worker(docs, progress=None):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            raise RuntimeError("worker broke")
        return real(docs, progress=progress)

    monkeypatch.setattr(parallel, "extract_documents", failing_in_the_worker)
    with pytest.raises(RuntimeError, match="worker broke"):
        build(paths, store=tmp_path / "store", out=tmp_path / "out", workers=2)
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_the_work_is_dealt_by_size_and_small_work_stays_here() -> None:
    docs = [read_document(p) for p in sorted((_corpus()[2]).glob("*.txt"))]
    shares = parallel._deal(docs, 2)
    assert sorted(d.id for s in shares for d in s) == sorted(d.id for d in docs)
    sizes = [sum(len(d.text) for d in s) for s in shares]
    assert max(sizes) - min(sizes) <= max(len(d.text) for d in docs)
    small = docs[:2]  # far less text than two workers need: extracted in this process
    found = parallel.extract_in_parallel(small, workers=2)
    assert [ex.document.id for ex in found] == [d.id for d in small]


def test_the_number_of_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_WORKERS", "3")
    assert parallel.worker_count() == 3
    assert parallel.worker_count(1) == 1
    monkeypatch.delenv("KG_WORKERS")
    assert parallel.worker_count() >= 1
