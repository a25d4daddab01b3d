"""The errors kg raises on purpose.

    KGError                 anything kg reports as a one-line message
     ├── InputError         a document or argument that cannot be read or used
     ├── ExtractionError    the NLP pipeline cannot be loaded or fails on a text
     ├── OntologyError      ontology/ files are missing, malformed or inconsistent
     ├── QueryError         a SPARQL query that does not parse or cannot run
 │    └── Refused       one kg will not run: an update, SERVICE, a FROM outside the store
     └── StoreError         the graph store cannot be opened, locked or written

Only the command line turns these into a message and an exit code; library
callers catch ``KGError`` (or a branch of it) themselves.
"""

from __future__ import annotations

__all__ = [
    "ExtractionError",
    "InputError",
    "KGError",
    "OntologyError",
    "QueryError",
    "Refused",
    "StoreError",
    "shown",
]


def shown(name: object) -> str:
    """A file name as a message shows it: on one line, with control characters escaped
    (a newline in a name must not split a one-line report in two)."""
    text = str(name)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


class KGError(Exception):
    """Base class: the message is meant to be shown to a user as one line."""


class InputError(KGError):
    """A document or argument cannot be read or used.

    ``path`` names the offending file when there is one.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(f"{shown(path)}: {message}" if path else message)
        self.path = path


class ExtractionError(KGError):
    """The NLP pipeline cannot be loaded or fails on a text."""


class OntologyError(KGError):
    """Files under ontology/ are missing, malformed or name unknown terms."""


class QueryError(KGError):
    """A SPARQL query does not parse or cannot run.

    ``line`` and ``column`` are 1-based where the parser reports them.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class Refused(QueryError):
    """A query kg will not run: it would write, or read beyond the store."""


class StoreError(KGError):
    """The graph store cannot be opened, locked or written."""
