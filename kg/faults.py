"""Numbered steps of a write, where tests make a build fail or die on purpose.

Every step between a build's first write and its last calls ``step(name)``.
With ``KG_FAULT=N`` in the environment the Nth step raises ``OSError``
(``KG_FAULT=N:kill``: the process kills itself there with SIGKILL, as a
power cut or ``kill -9`` would). ``KG_FAULT_TRACE=FILE`` appends each step's
number and name to FILE, which is how a test learns how many steps there are.
Without these variables a step does nothing.
"""

from __future__ import annotations

import errno
import os
import signal

__all__ = ["step"]

_count = 0


def step(name: str) -> None:
    """Mark one step of a write; fail or die here when ``KG_FAULT`` says so."""
    spec = os.environ.get("KG_FAULT")
    trace = os.environ.get("KG_FAULT_TRACE")
    if not spec and not trace:
        return
    global _count
    _count += 1
    if trace:
        with open(trace, "a", encoding="utf-8") as out:
            out.write(f"{_count} {name}\n")
    if not spec:
        return
    at, _, mode = spec.partition(":")
    if not at.strip().isdigit() or int(at) != _count:
        return
    if mode.strip() == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    raise OSError(errno.EIO, f"fault injected at step {_count} ({name})")


def reset() -> None:
    """Start counting steps from 1 again (for tests that build twice in one process)."""
    global _count
    _count = 0
