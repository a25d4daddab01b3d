"""kg: turn news articles into an RDF knowledge graph you can query and explore.

    >>> import kg
    >>> report = kg.build([Path("articles/")], store=Path("kg-store"), out=Path("exports"))
    >>> kg.query("SELECT ?s WHERE { ?s kg:discontinued ?o }", store=Path("kg-store")).rows

The public functions are imported lazily so that ``import kg`` stays cheap
(the spaCy pipeline loads on the first build).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "build", "open_store", "query"]

if TYPE_CHECKING:
    from kg.pipeline import build
    from kg.sparql import run_query as query
    from kg.store import open_store


def __getattr__(name: str) -> Any:
    if name == "build":
        from kg.pipeline import build

        return build
    if name == "query":
        from kg.sparql import run_query

        return run_query
    if name == "open_store":
        from kg.store import open_store

        return open_store
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
