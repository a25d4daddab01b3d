"""The bundled reference KB: identity facts about well-known entities.

Each entry gives a key, a name, aliases, a class, optionally a Wikidata id and
the key of its maker. It says nothing about what the entities did.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kg.errors import OntologyError
from kg.lexicon import load_toml
from kg.model import Entity
from kg.vocab import ontology_dir, term

__all__ = ["KB", "load_kb"]


@dataclass(frozen=True)
class KB:
    entities: dict[str, Entity]
    by_alias: dict[str, str]  # casefolded name or alias -> key

    def lookup(self, name: str) -> Entity | None:
        key = self.by_alias.get(name.casefold())
        return self.entities[key] if key else None


@cache
def load_kb() -> KB:
    """Load ontology/reference.toml (cached)."""
    data = load_toml("reference.toml")
    path = ontology_dir() / "reference.toml"
    entities: dict[str, Entity] = {}
    by_alias: dict[str, str] = {}
    rows = data.get("entity", [])
    if not isinstance(rows, list):
        raise OntologyError(f"{path}: expected [[entity]] tables")
    for row in rows:
        try:
            key, name, cls = row["key"], row["name"], row["type"]
        except KeyError as err:
            raise OntologyError(f"{path}: entity {row!r} lacks {err}") from None
        try:
            term(cls)
        except AttributeError:
            raise OntologyError(f"{path}: entity {key!r} has unknown type {cls!r}") from None
        aliases = tuple(row.get("aliases", ()))
        entities[key] = Entity(
            key=key,
            label=name,
            cls=cls,
            aliases=aliases,
            wikidata=row.get("wikidata"),
            maker=row.get("maker"),
        )
        for alias in (name, *aliases):
            by_alias.setdefault(alias.casefold(), key)
    for e in entities.values():
        if e.maker and e.maker not in entities:
            raise OntologyError(f"{path}: {e.key!r} names unknown maker {e.maker!r}")
    return KB(entities, by_alias)
