"""Where kg's data folders are: the ontology, the named questions and the sample.

In the repository they are the top-level folders ``ontology/``, ``queries/`` and
``sample/``; an installed kg carries them as the packages ``kg.ontology``,
``kg.queries`` and ``kg.sample`` (pyproject.toml maps one onto the other).
Both layouts meet when ``python -m kg`` runs from a checkout: the source
``kg/`` comes first on ``sys.path`` and has no such subpackages, so the folder
beside it is used instead.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from kg.errors import KGError

__all__ = ["data_dir"]

_NAMES = ("ontology", "queries", "sample")


@cache
def data_dir(name: str) -> Path:
    """The folder of the data ``name`` (one of ontology, queries, sample)."""
    if name not in _NAMES:
        raise KGError(f"unknown data folder {name!r}; known: {', '.join(_NAMES)}")
    try:
        return Path(str(files(f"kg.{name}")))
    except ModuleNotFoundError:
        pass
    beside = Path(__file__).resolve().parent.parent / name
    if (beside / "__init__.py").is_file():
        return beside
    raise KGError(f"kg's {name} folder is missing: neither the package kg.{name} nor {beside}")
