"""Queries run on threads that cannot open a network connection.

SPARQL's ``SERVICE`` makes the engine send the query to another endpoint, and
pyoxigraph has no option to turn that off. kg does not try to spot ``SERVICE``
in the text: the text is read by one parser only, the engine's. Every query
instead runs on a *sealed* thread, one on which the kernel refuses to create a
socket (a seccomp filter, which binds the thread that installs it and every
thread it starts, and can never be lifted). Whatever the engine parsed, it can
reach no one: a ``SERVICE`` call fails with ``SealError``, or yields nothing
when it is ``SILENT``. The rest of the process is untouched.

Where the kernel has no seccomp (not Linux, or an architecture kg has no table
for), the sealed threads run unsealed and every query whose text holds the word
``service`` in any spelling SPARQL allows (any case, ``\\u`` escapes) is refused
before it runs. That is cruder, and errs on the side of refusing. ``KG_SEAL=text``
in the environment asks for that mode on Linux too.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import queue
import re
import struct
import sys
import sysconfig
import threading
from collections.abc import Callable
from typing import TypeVar

from kg.errors import Refused

__all__ = [
    "SealError",
    "is_sealed_error",
    "is_sealed_platform",
    "run_sealed",
    "seal_current_thread",
]

_T = TypeVar("_T")

#: The errno a sealed thread's socket() gets; nothing else in a query returns it.
SEALED_ERRNO = errno.ENETUNREACH
_SEALED_MESSAGE = "Network is unreachable"


class SealError(Refused):
    """A query tried to reach another endpoint (SERVICE), which kg never does."""


# ---------------------------------------------------------------- the filter

# (audit arch, socket, io_uring_setup) per machine.
_SYSCALLS = {
    "x86_64": (0xC000003E, 41, 425),
    "amd64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
    "arm64": (0xC00000B7, 198, 425),
}
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_ABS_W, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_X32_BIT = 0x40000000


def _program(arch: int, socket_nr: int, uring_nr: int) -> bytes:
    def op(code: int, jt: int, jf: int, k: int) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)

    deny = _RET_ERRNO | SEALED_ERRNO
    return b"".join(
        [
            op(_LD_ABS_W, 0, 0, 4),  # seccomp_data.arch
            op(_JEQ_K, 1, 0, arch),
            op(_RET_K, 0, 0, _RET_ERRNO | errno.EPERM),  # a foreign ABI: nothing at all
            op(_LD_ABS_W, 0, 0, 0),  # seccomp_data.nr
            op(_JGE_K, 3, 0, _X32_BIT),  # x32 calls: denied
            op(_JEQ_K, 2, 0, socket_nr),
            op(_JEQ_K, 1, 0, uring_nr),
            op(_RET_K, 0, 0, _RET_ALLOW),
            op(_RET_K, 0, 0, deny),
        ]
    )


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def _seal_this_thread() -> bool:
    """Install the filter on the calling thread; False where the kernel cannot."""
    if sys.platform != "linux" or os.environ.get("KG_SEAL") == "text":
        return False
    table = _SYSCALLS.get(platform.machine().lower())
    # platform.machine() is the kernel's: a 32-bit or x32 Python on a 64-bit kernel
    # makes other system calls than the table's, and must not be filtered by it.
    multiarch = str(sysconfig.get_config_var("MULTIARCH") or "")
    if table is None or sys.maxsize <= 2**32 or multiarch.endswith("x32"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    code = _program(*table)
    buffer = ctypes.create_string_buffer(code, len(code))
    fprog = _Fprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_char_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0)


# ---------------------------------------------------------------- the threads

_Task = tuple[Callable[[], object], "queue.Queue[tuple[bool, object]]"]
_TASKS: queue.Queue[_Task] = queue.Queue()
_STARTED = 0
_IDLE = 0
_LOCK = threading.Lock()
_STATE = threading.local()
_MAX_THREADS = 16


def _after_fork_in_child() -> None:
    # Threads do not survive a fork: the child starts a pool of its own.
    global _TASKS, _STARTED, _IDLE, _LOCK
    _TASKS, _STARTED, _IDLE, _LOCK = queue.Queue(), 0, 0, threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _thread_main() -> None:
    global _IDLE
    _STATE.sealed = _seal_this_thread()
    _STATE.pooled = True
    while True:
        fn, reply = _TASKS.get()
        try:
            reply.put((True, fn()))
        except BaseException as err:  # handed to the caller, who re-raises it
            reply.put((False, _detached(err)))
        finally:
            del fn, reply  # the task's closure holds a store open
            with _LOCK:
                _IDLE += 1


def _detached(err: BaseException) -> BaseException:
    """``err`` without its tracebacks, whose frames must die on this thread.

    pyoxigraph's result iterators may only be dropped on the thread that made
    them, and a traceback keeps the frames that hold them alive.
    """
    seen: set[int] = set()
    link: BaseException | None = err
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        link.__traceback__ = None
        link = link.__cause__ or link.__context__
    return err


def _submit(fn: Callable[[], object]) -> queue.Queue[tuple[bool, object]]:
    global _STARTED, _IDLE
    reply: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=1)
    with _LOCK:
        if _IDLE == 0 and _STARTED < _MAX_THREADS:
            _STARTED += 1
            _IDLE += 1
            threading.Thread(target=_thread_main, name=f"kg-sealed-{_STARTED}", daemon=True).start()
        _IDLE -= 1  # this task's thread: taken now, given back when the task is done
    _TASKS.put((fn, reply))
    return reply


def seal_current_thread() -> bool:
    """Seal the calling thread, and every thread it starts from now on, and run the
    queries made on it in place rather than on the pool: for a process that exists
    to run queries (``kg serve``'s workers). False where the kernel cannot seal, in
    which case the text check of ``run_sealed`` applies on this thread."""
    _STATE.sealed = _seal_this_thread()
    _STATE.pooled = True
    return bool(_STATE.sealed)


def is_sealed_platform() -> bool:
    """Whether queries here run on threads the kernel keeps off the network."""
    return bool(run_sealed("", lambda: getattr(_STATE, "sealed", False)))


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group()

    return _ESCAPE.sub(one, text)


def run_sealed(text: str, fn: Callable[[], _T]) -> _T:
    """``fn()`` (which runs the query ``text``) on a sealed thread; its result or its error.

    A network call inside becomes ``SealError``.
    """

    def task() -> _T:
        if not getattr(_STATE, "sealed", False) and "service" in _unescape(text).lower():
            raise SealError(
                "SERVICE is refused: kg queries read only the store "
                "(and this platform cannot seal the query engine, so the word itself is refused)"
            )
        try:
            return fn()
        except (OSError, RuntimeError) as err:
            if is_sealed_error(err):
                raise _refusal() from None
            raise

    if getattr(_STATE, "pooled", False):
        return task()  # already on a sealed thread (a query made while reading one)
    ok, value = _submit(task).get()
    if not ok:
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[return-value]


def is_sealed_error(err: BaseException) -> bool:
    """Whether ``err`` is what a sealed thread's socket() call ends in (a host name's
    lookup, which needs a socket too, fails before any connection is tried)."""
    if isinstance(err, OSError) and err.errno == SEALED_ERRNO:
        return True
    text = str(err)
    if getattr(_STATE, "sealed", False) and "failed to lookup address information" in text:
        return True
    return _SEALED_MESSAGE in text or f"os error {SEALED_ERRNO})" in text


def _refusal() -> SealError:
    return SealError("SERVICE is refused: kg queries read only the store, never another endpoint")
