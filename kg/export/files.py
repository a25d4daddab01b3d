"""Replace a group of output files so that readers see the old group or the new one.

Every file is written in full to a temporary name beside its target
(``.NAME.PID.tmp``) and flushed to disk; only then are the targets replaced, by
renames under a journal (kg/swap.py). A failure part way through leaves every
old file as it was and no temporary file behind; the temporary files of a
writer that was killed are removed by the next writer.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from kg.errors import KGError
from kg.faults import step
from kg.swap import check_target, recover, swap_in

__all__ = ["discard", "export_lock", "replace_files", "stage_files"]


FILES_JOURNAL = ".kg-files.swap"


def lock_path(out_dir: Path) -> Path:
    """The lock file a writer of the files in ``out_dir`` holds (beside the folder)."""
    out_dir = Path(out_dir).absolute()
    return out_dir.parent / f".{out_dir.name}.lock"


@contextmanager
def export_lock(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir``'s write lock for the duration, or fail at once with ``KGError``."""
    lock = lock_path(out_dir)
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise KGError(f"cannot create lock file {lock}: {err.strerror}") from err
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise KGError(f"{out_dir} is being written by another kg process") from None
        yield
    finally:
        os.close(fd)


def stage_files(out_dir: Path, contents: Mapping[str, bytes]) -> list[tuple[Path, Path]]:
    """Write ``contents`` (file name -> bytes) in full beside their targets in ``out_dir``.

    Returns (temporary file, target) pairs for ``kg.swap.swap_in``; nothing is
    replaced yet. A file that already exists passes its permissions on. On an
    error the temporary files are removed and ``KGError`` names the path.
    """
    out_dir = Path(out_dir)
    pending: list[tuple[Path, Path]] = []
    if (out_dir / FILES_JOURNAL).exists():
        recover(out_dir / FILES_JOURNAL)  # a killed replace_files: its old files come back
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for filename, data in contents.items():
            _remove_stale_temps(out_dir, filename)
            target = out_dir / filename
            check_target(target, folder=False)
            tmp = out_dir / f".{filename}.{os.getpid()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            pending.append((tmp, target))
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileNotFoundError):
                os.chmod(tmp, target.stat().st_mode & 0o7777)
            step(f"{filename} written aside")
    except BaseException as err:
        discard(pending)
        if isinstance(err, OSError):
            where = err.filename or out_dir
            raise KGError(f"cannot write {where}: {err.strerror or err}") from err
        raise
    return pending


def discard(pending: list[tuple[Path, Path]]) -> None:
    """Remove the temporary files of ``stage_files`` that were not swapped in."""
    for tmp, _ in pending:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def replace_files(out_dir: Path, contents: Mapping[str, bytes]) -> list[Path]:
    """Write ``contents`` into ``out_dir`` as one change; return the paths, in order.

    Readers see the old group of files or the new one (kg/swap.py), and a
    failure leaves the old ones. Raises ``KGError`` naming the path when a file
    cannot be written.
    """
    out_dir = Path(out_dir)
    with export_lock(out_dir):
        pending = stage_files(out_dir, contents)
        try:
            swap_in(out_dir / FILES_JOURNAL, pending)
        finally:
            discard(pending)
    return [target for _, target in pending]


def _remove_stale_temps(out_dir: Path, filename: str) -> None:
    """Delete temp files left by killed writers (their pid is in the name)."""
    for tmp in out_dir.glob(f".{glob.escape(filename)}.*.tmp"):
        pid = tmp.name[len(filename) + 2 : -4]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # alive, owned by someone else
