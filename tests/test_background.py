"""Work in a forked child: values and errors come back, a stopped child is gone, and a
child never holds the store's lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.background import Background, can_fork
from kg.errors import InputError, KGError, StoreError
from kg.store import store_lock

pytestmark = pytest.mark.skipif(not can_fork(), reason="forking workers are Linux-only")


def _fail_with(err: BaseException) -> None:
    raise err


def _kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_value_is_computed_in_another_process() -> None:
    with Background(os.getpid) as work:
        assert work.forked
        assert work.result() != os.getpid()


def test_with_one_worker_the_value_is_computed_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_WORKERS", "1")
    with Background(os.getpid) as work:
        assert not work.forked
        assert work.result() == os.getpid()


def test_a_value_larger_than_a_pipe_comes_back_whole() -> None:
    big = os.urandom(3 << 20)
    with Background(bytes, big) as work:
        assert work.result() == big


def test_a_kg_error_comes_back_as_it_was() -> None:
    with Background(_fail_with, InputError("not UTF-8", path="a.txt")) as work:
        with pytest.raises(InputError) as info:
            work.result()
    assert str(info.value) == "a.txt: not UTF-8"
    assert info.value.path == "a.txt"


def test_another_error_comes_back_with_the_child_traceback() -> None:
    with Background(_fail_with, ValueError("bad value")) as work:
        with pytest.raises(ValueError, match="bad value") as info:
            work.result()
    assert any("_fail_with" in note for note in getattr(info.value, "__notes__", []))


def test_an_error_that_cannot_be_sent_becomes_a_message() -> None:
    class Local(Exception):  # defined in a function: pickle cannot name it
        pass

    with Background(_fail_with, Local("half-written")) as work:
        with pytest.raises(KGError, match="background worker of kg failed: half-written"):
            work.result()


def test_a_child_that_dies_is_reported() -> None:
    with Background(_kill_self) as work:
        with pytest.raises(KGError, match="background worker of kg died"):
            work.result()


def test_leaving_the_block_stops_a_running_child() -> None:
    with Background(time.sleep, 60) as work:
        pid = work.pid
        assert pid is not None and not _gone(pid)
    assert work.pid is None
    assert _gone(pid)


def test_a_child_does_not_keep_the_store_locked(tmp_path: Path) -> None:
    store = tmp_path / "kg-store"
    with store_lock(store):
        work = Background(time.sleep, 60)
    try:
        # Free once the parent let go and the child has started (it lets go of its
        # copy first thing), long before the child's minute is over.
        deadline = time.monotonic() + 10
        while True:
            try:
                with store_lock(store):
                    break
            except StoreError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        assert work.pid is not None and not _gone(work.pid)
    finally:
        work.stop()


def test_the_lock_still_excludes_others_while_a_child_runs(tmp_path: Path) -> None:
    store = tmp_path / "kg-store"
    code = (
        "import sys; from pathlib import Path; from kg.store import store_lock\n"
        "with store_lock(Path(sys.argv[1])): pass\n"
    )
    with store_lock(store), Background(time.sleep, 60):
        other = subprocess.run(
            [sys.executable, "-c", code, str(store)], capture_output=True, text=True
        )
    assert other.returncode != 0
    assert StoreError.__name__ in other.stderr and "being written" in other.stderr
