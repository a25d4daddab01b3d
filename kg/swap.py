"""Put a new build in place of the old one as one change: the store and the files together.

Everything new is first written in full under temporary names (the store
folder, each export) and flushed. Then a *journal* beside the store lists each
pair (new, target) and is flushed too; only then are the targets renamed
aside and the new ones renamed into place. Deleting the journal is the commit:
before that, the old build is the one that counts, and any failure, or a kill
at any moment, is undone, at once by the writer or by the next kg process that
opens the store (``recover``), which renames the old targets back. After it,
only the renamed-aside old targets remain to delete.

So the store and the files are always read as the old build or the new one,
never as a mix, by every kg command; a program reading the files directly in
the instant of the renames may see some renamed and some not.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from kg.errors import KGError
from kg.faults import step

__all__ = ["SwapError", "backup_of", "check_target", "recover", "swap_in"]


class SwapError(KGError):
    """A target could not be replaced; every old target is back in place."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot replace {path}: {reason}")
        self.path, self.reason = path, reason


def backup_of(target: Path) -> Path:
    """Where ``target`` is renamed aside while the new one takes its place."""
    return target.parent / f".{target.name}.old"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_journal(journal: Path, entries: list[dict[str, object]]) -> None:
    tmp = journal.with_name(journal.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump({"entries": entries}, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, journal)
    _fsync_dir(journal.parent)


def check_target(target: Path, *, folder: bool) -> None:
    """``KGError`` if ``target`` cannot be replaced by a folder (``folder``) or a file:
    it is a link, or a folder where a file goes (or the other way round)."""
    if target.is_symlink():
        raise KGError(f"cannot write {target}: it is a link; move it away, then build")
    if target.exists() and target.is_dir() != folder:
        kind = "a folder" if target.is_dir() else "not a folder"
        raise KGError(f"cannot write {target}: it is {kind}; move it away, then build")


def swap_in(journal: Path, pairs: Sequence[tuple[Path, Path]]) -> None:
    """Rename each ``new`` to its ``target`` as one change (see the module's text).

    Raises ``KGError`` naming the path when a target cannot be replaced; the old
    targets are all back in place then.
    """
    for new, target in pairs:
        check_target(target, folder=new.is_dir())
    for _new, target in pairs:  # left by a swap whose clean-up was cut short: stale
        backup = backup_of(target)
        if backup.is_symlink() or backup.exists():
            _remove(backup)
    entries: list[dict[str, object]] = [  # absolute: the next process may run elsewhere
        {"new": os.path.abspath(new), "target": os.path.abspath(target), "existed": target.exists()}
        for new, target in pairs
    ]
    current = journal
    try:
        _write_journal(journal, entries)
        step("journal written")
        for entry in entries:
            new, target = Path(str(entry["new"])), Path(str(entry["target"]))
            current = target
            if entry["existed"]:
                target.rename(backup_of(target))
                step(f"old {target.name} set aside")
            new.rename(target)
            step(f"new {target.name} in place")
        for folder in {Path(str(e["target"])).parent for e in entries}:
            _fsync_dir(folder)
    except BaseException as err:
        with contextlib.suppress(OSError):
            _roll_back(journal, entries)
        if isinstance(err, OSError):
            raise SwapError(current, err.strerror or str(err)) from err
        raise
    journal.unlink()
    _fsync_dir(journal.parent)
    # Committed: from here a fault can only kill (a failure is no failure now).
    with contextlib.suppress(OSError):
        step("journal removed (committed)")
    for entry in entries:
        if entry["existed"]:
            with contextlib.suppress(OSError):
                _remove(backup_of(Path(str(entry["target"]))))
                step(f"old {Path(str(entry['target'])).name} deleted")


def _roll_back(journal: Path, entries: list[dict[str, object]]) -> None:
    for entry in reversed(entries):
        new, target = Path(str(entry["new"])), Path(str(entry["target"]))
        backup = backup_of(target)
        if entry["existed"] and backup.exists():
            if target.exists():
                _remove(target)  # the new one
            backup.rename(target)
        elif not entry["existed"] and target.exists() and not new.exists():
            _remove(target)  # the new one, where there was none before
        if new.exists():
            _remove(new)
    for folder in {Path(str(e["target"])).parent for e in entries}:
        _fsync_dir(folder)
    journal.unlink(missing_ok=True)
    journal.with_name(journal.name + ".tmp").unlink(missing_ok=True)
    _fsync_dir(journal.parent)


def recover(journal: Path) -> bool:
    """Undo a swap that a killed writer left unfinished; True if there was one.

    The caller holds the store's write lock. A journal that cannot be read is
    an error: nothing is touched then.
    """
    journal.with_name(journal.name + ".tmp").unlink(missing_ok=True)
    if not journal.exists():
        return False
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))["entries"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise KGError(f"cannot read {journal} to undo an unfinished build: {err}") from err
    _roll_back(journal, list(entries))
    return True
