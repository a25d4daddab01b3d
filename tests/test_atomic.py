"""A build that fails or is killed at any step leaves the old build or the new one, never a mix.

``KG_FAULT=N`` (kg/faults.py) makes the Nth step of a write raise, and
``KG_FAULT=N:kill`` makes the process SIGKILL itself there. The tests walk N
over every step between the first write and the last, and after each compare
the store's statements and the four exports with the old build and the new.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kg import faults
from kg.errors import KGError
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample"
OLD = [SAMPLE / "norwind-glintwell-shutdown.txt", SAMPLE / "shutterwick-lawsuit.txt"]
ADDED = SAMPLE / "norwind-halvard-deal.md"
EXPORTS = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.html")

State = tuple[tuple[str, ...], tuple[bytes, ...]]


def _state(where: Path) -> State:
    """The store's statements and the exports' bytes, as any kg command reads them."""
    store = open_store(where / "kg-store")  # undoes an unfinished build first
    quads = tuple(sorted(str(q) for q in store))
    del store
    files = tuple((where / "exports" / name).read_bytes() for name in EXPORTS)
    return quads, files


def _kg(
    where: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:  # noqa: E501
    return subprocess.run(
        [sys.executable, "-m", "kg", *args, "--store", "kg-store", "--out", "exports"],
        cwd=where, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, State, State, int]:
    """A folder holding the old build, the old and new states, and the new build's step count."""
    base = tmp_path_factory.mktemp("atomic")
    old = base / "old"
    (old / "articles").mkdir(parents=True)
    for path in OLD:
        shutil.copy(path, old / "articles")
    done = _kg(old, "build", "articles")
    assert done.returncode == 0, done.stderr
    new = base / "new"
    shutil.copytree(old, new)
    shutil.copy(ADDED, new / "articles")
    trace = base / "trace"
    done = _kg(new, "build", "articles", env={"KG_FAULT_TRACE": str(trace)})
    assert done.returncode == 0, done.stderr
    steps = len(trace.read_text().splitlines())
    old_state, new_state = _state(old), _state(new)
    assert old_state != new_state
    return old, old_state, new_state, steps


def _fresh(old: Path, into: Path) -> Path:
    shutil.copytree(old, into)
    shutil.copy(ADDED, into / "articles")
    return into


def test_the_walk_covers_the_store_the_files_the_journal_and_the_clean_up(builds) -> None:  # type: ignore[no-untyped-def]
    *_, steps = builds
    assert steps >= 20  # 4 for the store, 4 files, the journal, 10 renames, the commit, ...


def test_a_kill_at_any_step_leaves_the_old_build_or_the_new(builds, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    old, old_state, new_state, steps = builds

    def killed_at(n: int) -> tuple[int, Path, int]:
        where = _fresh(old, tmp_path / f"kill-{n}")
        return n, where, _kg(where, "build", "articles", env={"KG_FAULT": f"{n}:kill"}).returncode

    seen = []
    with ThreadPoolExecutor(max_workers=4) as pool:  # each build is its own process
        for n, where, code in pool.map(killed_at, range(1, steps + 1)):
            assert code == -signal.SIGKILL, n
            state = _state(where)
            assert state in (old_state, new_state), f"a mix after a kill at step {n}"
            seen.append("old" if state == old_state else "new")
            shutil.rmtree(where)
    assert "old" in seen and "new" in seen  # the commit point is inside the walk


@pytest.mark.slow
def test_kg_build_killed_mid_swap_is_undone_then_completed(builds, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old, old_state, new_state, steps = builds
    for n in (10, 15, steps - 6):  # store set aside; files half swapped; just after the commit
        where = _fresh(old, tmp_path / f"cli-{n}")
        done = _kg(where, "build", "articles", env={"KG_FAULT": f"{n}:kill"})
        assert done.returncode == -signal.SIGKILL, (n, done.stderr)
        assert _state(where) == (old_state if n < steps - 6 else new_state), n
        again = _kg(where, "build", "articles")
        assert again.returncode == 0, (n, again.stderr)
        assert _state(where) == new_state, n
        hidden = [p.name for p in (where / "exports").iterdir() if p.name.startswith(".")]
        assert hidden == [], (n, hidden)
        around = sorted(p.name for p in where.iterdir())
        expected = [".exports.lock", ".kg-store.cache", ".kg-store.lock", "articles", "exports"]
        assert around == [*expected, "kg-store"], n


def test_a_failure_at_any_step_leaves_the_old_build_or_the_new(  # type: ignore[no-untyped-def]
    builds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.pipeline import build

    old, old_state, new_state, steps = builds
    for n in range(1, steps + 1):
        where = _fresh(old, tmp_path / f"fail-{n}")
        monkeypatch.chdir(where)
        monkeypatch.setenv("KG_FAULT", str(n))
        faults.reset()
        try:
            build([Path("articles")], store=Path("kg-store"), out=Path("exports"))
            failed = False
        except (KGError, OSError) as err:
            failed = True
            assert "fault injected" in str(err), (n, err)
        monkeypatch.delenv("KG_FAULT")
        state = _state(where)
        assert state in (old_state, new_state), f"a mix after a failure at step {n}"
        if failed and state == new_state:
            assert n > steps - 7, n  # only the clean-up after the commit may fail late
        shutil.rmtree(where)


def test_an_export_that_cannot_be_replaced_changes_nothing(builds, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old, old_state, _, _ = builds
    where = _fresh(old, tmp_path / "blocked")
    (where / "exports" / "graph.html").unlink()
    (where / "exports" / "graph.html").mkdir()
    before_store = open_store(where / "kg-store")
    quads = tuple(sorted(str(q) for q in before_store))
    del before_store
    files = [(where / "exports" / n).read_bytes() for n in EXPORTS[:3]]
    done = _kg(where, "build", "articles")
    assert done.returncode != 0
    message = done.stderr.strip().splitlines()
    assert len(message) == 1 and "graph.html: it is a folder" in message[0], done.stderr
    store = open_store(where / "kg-store")
    assert tuple(sorted(str(q) for q in store)) == quads == old_state[0]
    del store
    assert [(where / "exports" / n).read_bytes() for n in EXPORTS[:3]] == files
    assert sorted(p.name for p in (where / "exports").iterdir()) == sorted(EXPORTS)


def test_stale_copies_set_aside_by_an_older_build_never_come_back(  # type: ignore[no-untyped-def]
    builds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kill after a commit leaves the old copies (.NAME.old); a later failed build
    must restore what it set aside, not those."""
    from kg.pipeline import build

    old, old_state, _, _ = builds
    where = _fresh(old, tmp_path / "stale")
    for name in EXPORTS:
        (where / "exports" / f".{name}.old").write_bytes(b"two builds ago")
    monkeypatch.chdir(where)
    monkeypatch.setenv("KG_FAULT", "13")  # after the store and graph.ttl are swapped
    faults.reset()
    with pytest.raises(KGError, match="fault injected"):
        build([Path("articles")], store=Path("kg-store"), out=Path("exports"))
    monkeypatch.delenv("KG_FAULT")
    assert _state(where) == old_state
    assert sorted(p.name for p in (where / "exports").iterdir()) == sorted(EXPORTS)


def test_a_reader_in_another_thread_waits_for_a_live_swap(builds, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import threading

    from kg.store import journal_path, store_lock

    old, old_state, _, _ = builds
    where = _fresh(old, tmp_path / "live")
    store = where / "kg-store"
    journal = journal_path(store)
    opened: list[int] = []
    with store_lock(store):
        journal.write_text('{"entries": []}')  # as a writer between its renames
        reader = threading.Thread(target=lambda: opened.append(len(open_store(store))))
        reader.start()
        reader.join(0.5)
        assert reader.is_alive() and journal.exists()  # it neither reads nor undoes
        journal.unlink()  # the writer commits
    reader.join(15)
    assert opened and _state(where) == old_state
