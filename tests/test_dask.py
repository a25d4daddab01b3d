"""Extraction on a real Dask cluster: a LocalCluster kg starts, or a running one named
by address; the same graph as a local build, the cache filled, clear errors."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.extract import cluster
from kg.ingest import document_from_text
from kg.pipeline import Executor, build

distributed = pytest.importorskip("distributed")

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
OUTPUTS = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.html")
pytestmark = pytest.mark.slow


def _corpus() -> list[Path]:
    paths = [SHARED / "sora", SHARED / "dev"]
    if not all(p.is_dir() for p in paths):
        pytest.skip("the shared corpus sits beside the repository")
    return paths


@pytest.fixture(scope="module")
def running_cluster():  # type: ignore[no-untyped-def]
    """A real two-worker cluster, started apart from kg, as a user's would be."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as c:
        yield c


def test_batches_keep_the_order_and_even_out_the_text() -> None:
    docs = [document_from_text(f"Markets rose.\n\nOrvane {i} " + "x" * 1000 * (i % 3 + 1))
            for i in range(20)]  # fmt: skip
    parts = cluster.batches(docs, 2)
    assert [d.id for p in parts for d in p] == [d.id for d in docs]
    assert 4 <= len(parts) <= 12
    assert cluster.batches([], 2) == []


def test_a_local_cluster_builds_the_bytes_a_local_build_builds(tmp_path: Path) -> None:
    paths = _corpus()
    local = build(paths, store=tmp_path / "s1", out=tmp_path / "o1", workers=1)
    dask = build(
        paths, store=tmp_path / "s2", out=tmp_path / "o2", workers=2, executor=Executor("dask")
    )
    assert dask.changes.extracted == local.changes.extracted == dask.documents > 10
    for name in OUTPUTS:
        assert (tmp_path / "o1" / name).read_bytes() == (tmp_path / "o2" / name).read_bytes(), name
    # the workers' extractions went into the cache: a local build reads nothing again
    again = build(paths, store=tmp_path / "s2", out=tmp_path / "o3", workers=1)
    assert again.changes.extracted == 0
    assert again.changes.cached == again.documents


def test_a_running_cluster_named_by_address_extracts(
    tmp_path: Path,
    running_cluster,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths = _corpus()
    address = running_cluster.scheduler_address
    result = CliRunner().invoke(
        main,
        ["build", *map(str, paths), "--store", str(tmp_path / "s"), "--out",
         str(tmp_path / "o"), "--executor", "dask", "--scheduler", address, "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Facts:" in result.output
    local = build(paths, store=tmp_path / "s1", out=tmp_path / "o1", workers=1)
    assert local.documents > 10
    for name in OUTPUTS:
        assert (tmp_path / "o1" / name).read_bytes() == (tmp_path / "o" / name).read_bytes(), name
    # the address from Dask's own environment variable, through `kg add`
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", address)
    extra = tmp_path / "new.txt"
    extra.write_text("Orvane said on Monday it had acquired Brightcart for $40 million.\n")
    result = CliRunner().invoke(
        main,
        ["add", str(extra), "--store", str(tmp_path / "s"), "--out", str(tmp_path / "o"),
         "--executor", "dask", "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "brightcart" in (tmp_path / "o" / "graph.ttl").read_text().lower()


def test_an_unreachable_scheduler_is_one_clear_error_and_keeps_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _corpus()
    build(paths[:1], store=tmp_path / "s", out=tmp_path / "o", workers=1)
    before = (tmp_path / "o" / "graph.trig").read_bytes()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free once closed: nothing listens there
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 2)
    result = CliRunner().invoke(
        main,
        ["build", *map(str, paths), "--store", str(tmp_path / "s"), "--out",
         str(tmp_path / "o"), "--executor", "dask", "--scheduler", f"tcp://127.0.0.1:{port}"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"kg: error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (tmp_path / "o" / "graph.trig").read_bytes() == before


def test_scheduler_usage_errors() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2
    assert "--scheduler needs --executor dask" in result.output
    result = runner.invoke(main, ["build", "--executor", "dask", "--scheduler", "localhost"])
    assert result.exit_code == 2
    assert "is no Dask scheduler address" in result.output
