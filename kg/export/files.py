"""Replace a group of output files so that readers see the old group or the new one.

Every file is written in full to a temporary name beside its target
(``.NAME.PID.tmp``) and flushed to disk; only then are the targets replaced, by
renames. A failure part way through leaves every old file as it was and no
temporary file behind; the temporary files of a writer that was killed are
removed by the next writer.
"""

from __future__ import annotations

import contextlib
import glob
import os
from collections.abc import Mapping
from pathlib import Path

from kg.errors import KGError

__all__ = ["replace_files"]


def replace_files(out_dir: Path, contents: Mapping[str, bytes]) -> list[Path]:
    """Write ``contents`` (file name -> bytes) into ``out_dir``; return the paths, in order.

    A file that already exists keeps its permissions. Raises ``KGError``
    naming the path when a file cannot be written.
    """
    out_dir = Path(out_dir)
    pending: list[tuple[Path, Path]] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for filename, data in contents.items():
            _remove_stale_temps(out_dir, filename)
            target = out_dir / filename
            tmp = out_dir / f".{filename}.{os.getpid()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            pending.append((tmp, target))
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileNotFoundError):
                os.chmod(tmp, target.stat().st_mode & 0o7777)
        for tmp, target in pending:
            os.replace(tmp, target)
    except BaseException as err:
        for tmp, _ in pending:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            where = err.filename or out_dir
            raise KGError(f"cannot write {where}: {err.strerror or err}") from err
        raise
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
