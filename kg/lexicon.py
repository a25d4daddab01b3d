"""The word lists of ontology/lexicon.toml, loaded once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, cached_property

from kg.errors import OntologyError
from kg.vocab import ontology_dir

__all__ = ["LEXICON", "Lexicon", "load_toml"]


def load_toml(name: str) -> dict[str, object]:
    """Parse a TOML file from ontology/, naming it in any error."""
    path = ontology_dir() / name
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise OntologyError(f"{path}: missing") from None
    except tomllib.TOMLDecodeError as err:
        raise OntologyError(f"{path}: {err}") from None


@dataclass(frozen=True)
class Furniture:
    lines: frozenset[str]
    prefixes: tuple[str, ...]
    contains: tuple[str, ...]
    trailer: frozenset[str]
    title_words: frozenset[str]
    not_entities: frozenset[str]
    #: words that open a sentence before a name and are no part of it ("Longtime")
    premodifiers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lexicon:
    furniture: Furniture
    cues: dict[str, frozenset[str]]  # class -> cue words
    coref: dict[str, frozenset[str]]  # class -> definite descriptions
    #: nouns that stand for what follows their "of" ("a free version of X")
    partitives: frozenset[str]
    #: nouns that name something other than their possessor ("its predecessor")
    relational: frozenset[str]
    pronouns: frozenset[str]
    modality: dict[str, frozenset[str]]
    qualifiers: dict[str, tuple[str, ...]]
    org_suffixes: frozenset[str]
    demonyms: dict[str, str]
    place_names: frozenset[str]  # countries, regions and cities
    honorifics: frozenset[str]  # "prince", "dr": a name after one is a person's
    given_names: frozenset[str]  # "Dana", "Kenji": a name starting with one is a person's
    event_suffixes: frozenset[str]  # "Conference", "Summit": a name ending in one is an event
    law_suffixes: frozenset[str]  # "Act", "Directive": a name ending in one is a law, no entity
    outlet_words: frozenset[str] = frozenset()  # "Times", "Journal": an outlet's last word
    outlet_names: frozenset[str] = frozenset()  # "Reuters", "TechCrunch"

    def is_outlet(self, name: str) -> bool:
        """Whether a name is a news outlet's or agency's ("The Harbor Ledger", "Reuters")."""
        words = name.split()
        return bool(words) and (name in self.outlet_names or words[-1] in self.outlet_words)

    def cue_class(self, word: str) -> str | None:
        return self._cue_classes.get(word.lower())

    @cached_property
    def _cue_classes(self) -> dict[str, str]:
        """cue word -> its class; a word listed under several takes the first of _CUE_ORDER."""
        found: dict[str, str] = {}
        for cls in reversed(_CUE_ORDER):
            found.update(dict.fromkeys(self.cues.get(cls, ()), cls))
        return found


_CUE_ORDER = ("Excluded", "Person", "AIModel", "Product", "Deal", "Event", "Organization")


_NOT_DESCRIPTIONS = ("pronouns", "partitives", "relational")
_NOT_CUES = ("org_suffixes", "honorifics", "event_suffixes", "law_suffixes")


@cache
def _load() -> Lexicon:
    data = load_toml("lexicon.toml")
    try:
        f = data["furniture"]
        cues = data["cues"]
        coref = data["coref"]
        modality = data["modality"]
        quals = data["qualifiers"]
        assert isinstance(f, dict) and isinstance(cues, dict) and isinstance(coref, dict)
        assert isinstance(modality, dict) and isinstance(quals, dict)
        return Lexicon(
            furniture=Furniture(
                frozenset(s.lower() for s in f["lines"]),
                tuple(s.lower() for s in f["prefixes"]),
                tuple(s.lower() for s in f["contains"]),
                frozenset(s.lower() for s in f["trailer"]),
                frozenset(s.lower() for s in f["title_words"]),
                frozenset(s.lower() for s in f["not_entities"]),
                frozenset(s.lower() for s in f.get("premodifiers", [])),
            ),
            cues={k: frozenset(v) for k, v in cues.items() if k not in _NOT_CUES},
            honorifics=frozenset(w.lower() for w in cues.get("honorifics", [])),
            given_names=frozenset(dict(data.get("people", {})).get("given", [])),  # type: ignore[call-overload]
            event_suffixes=frozenset(cues.get("event_suffixes", [])),
            law_suffixes=frozenset(cues.get("law_suffixes", [])),
            outlet_words=frozenset(dict(data.get("outlets", {})).get("words", [])),  # type: ignore[call-overload]
            outlet_names=frozenset(dict(data.get("outlets", {})).get("names", [])),  # type: ignore[call-overload]
            org_suffixes=frozenset(cues["org_suffixes"]),
            demonyms=dict(data.get("places", {}).get("demonyms", {})),  # type: ignore[attr-defined]
            place_names=frozenset(
                name
                for names in data.get("places", {}).get("names", {}).values()  # type: ignore[attr-defined]
                for name in names
            ),
            coref={
                k: frozenset(v)
                for k, v in coref.items()
                if k not in ("pronouns", "partitives", "relational")
            },
            pronouns=frozenset(coref["pronouns"]),
            partitives=frozenset(coref.get("partitives", [])),
            relational=frozenset(coref.get("relational", [])) | frozenset(cues.get("Person", [])),
            modality={k: frozenset(v) for k, v in modality.items()},
            qualifiers={k: tuple(sorted(v, key=len, reverse=True)) for k, v in quals.items()},
        )
    except (KeyError, AssertionError, TypeError) as err:
        raise OntologyError(
            f"{ontology_dir() / 'lexicon.toml'}: missing or bad entry {err}"
        ) from None


class _Lazy:
    """The lexicon, loaded on first use; each attribute is then read as a plain one."""

    def __getattr__(self, name: str) -> object:
        value = getattr(_load(), name)
        setattr(self, name, value)
        return value


LEXICON: Lexicon = _Lazy()  # type: ignore[assignment]
