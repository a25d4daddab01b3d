"""kg: turn news articles into an RDF knowledge graph you can query and explore."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
