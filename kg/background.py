"""Compute a value in a forked child process while the caller goes on with other work.

A build's last stages are independent of each other: serialising the exports
and the graph page need only the finished dataset, as do validation and the
store. ``Background`` lets the first pair run on a second core. The child
only computes: it writes no file, holds no lock (kg/store.py closes the store's
lock in forked children) and sends its result, or its exception, back through
a pipe before it exits; the caller decides what to write. Where forking is not
available or safe (anything but Linux), or with ``KG_WORKERS=1`` in the
environment, the value is computed in this process when it is asked for.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import Generic, NoReturn, TypeVar

from kg.errors import KGError

__all__ = ["Background", "can_fork", "fork_available"]

T = TypeVar("T")


def can_fork() -> bool:
    """Whether ``Background`` runs its work in a child process here."""
    return fork_available() and os.environ.get("KG_WORKERS", "").strip() != "1"


def fork_available() -> bool:
    """Whether this platform forks processes safely (Linux)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


class Background(Generic[T]):
    """``fn(*args)``, started now in a child process; ``result()`` waits for it.

    Use it as a context manager: leaving the block stops a child whose result
    was not collected (after an error in the caller's own work, say).
    """

    def __init__(self, fn: Callable[..., T], *args: object, fork: bool | None = None) -> None:
        self._fn, self._args = fn, args
        self._pid: int | None = None
        self._fd = -1
        self._forked = False
        if not (can_fork() if fork is None else fork):
            return
        read_fd, write_fd = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking a process that has threads (here,
            # BLAS and storage pools). The child runs only Python code of its own
            # and leaves by os._exit, so no lock those threads hold is ever needed.
            warnings.simplefilter("ignore", DeprecationWarning)
            # Both processes share the heap's pages until one writes to them. A full
            # garbage collection writes to every object's header, and so would copy
            # the whole heap (the language model's included): until the child is
            # done, the collector leaves the objects that exist now alone.
            gc.freeze()
            pid = os.fork()
        if pid == 0:
            gc.disable()  # the child is short-lived
            os.close(read_fd)
            _child(write_fd, fn, args)
        os.close(write_fd)
        self._pid, self._fd, self._forked = pid, read_fd, True

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs or waits to be collected, else None."""
        return self._pid

    @property
    def forked(self) -> bool:
        """Whether the work runs in a child process (False: it runs at ``result()``)."""
        return self._forked

    def result(self) -> T:
        """The value, or the exception the work raised, re-raised here."""
        if self._pid is None:
            return self._fn(*self._args)
        chunks = []
        try:
            while chunk := os.read(self._fd, 1 << 20):
                chunks.append(chunk)
        finally:
            status = self._reap()
        data = b"".join(chunks)
        if not data:
            raise KGError(f"a background worker of kg died ({_describe(status)})")
        ok, value = pickle.loads(data)
        if ok:
            return value  # type: ignore[no-any-return]
        raise value

    def stop(self) -> None:
        """Stop the child if it is still running, and forget it."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def _reap(self) -> int:
        assert self._pid is not None
        os.close(self._fd)
        _, status = os.waitpid(self._pid, 0)
        self._pid, self._fd = None, -1
        gc.unfreeze()
        return status

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def _child(fd: int, fn: Callable[..., object], args: tuple[object, ...]) -> NoReturn:
    """Run in the forked child: compute, send (ok, value) through ``fd``, exit at once."""
    code = 0
    try:
        try:
            outcome: tuple[bool, object] = (True, fn(*args))
        except BaseException as err:  # noqa: BLE001 - every failure goes back to the caller
            if not isinstance(err, KGError):  # a bug: keep where it happened
                err.add_note("".join(traceback.format_exception(err)).rstrip())
            outcome = (False, err)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.loads(data)  # what cannot be read back there is sent as a message
        except Exception:  # noqa: BLE001
            message = f"a background worker of kg failed: {outcome[1]}"
            data = pickle.dumps((False, KGError(message)))
        with open(fd, "wb", closefd=True) as out:
            out.write(data)
    except BaseException:  # noqa: BLE001 - the parent went away; nothing to report to
        code = 1
    finally:
        # No atexit handlers, no flushing of buffers copied from the parent, no
        # finalizers for the parent's objects (its store, its cache's database).
        os._exit(code)
