"""Named questions: the SPARQL files in ``queries/``, run by name with parameters.

Each ``queries/NAME.rq`` starts with ``#`` comment lines: the first ones say
what the question answers (its description), a line per parameter, and what
an empty answer means::

    # What an organisation discontinued, and how many documents say so.
    # @param org [Organization]  the organisation: an entity key, a CURIE, an IRI or its name
    # @empty No organisation in the graph discontinued anything.
    SELECT ... WHERE {
      VALUES ?org { UNDEF }
      ...

A parameter is required unless its name ends in ``?`` (``# @param entity?``).
``[Organization|Person]`` after its name restricts it to entities of those
classes; an entity of another class is an error that says what it is.
The query binds it with ``VALUES ?NAME { UNDEF }``: run as it is (``kg query
queries/NAME.rq``) it answers for every entity; ``ask`` replaces ``UNDEF`` with
the entity's IRI, so a value is never spliced into the query as text.

A parameter value names an entity, tried in this order: an IRI (``<...>`` or
``https://...``), a CURIE with a project prefix (``kgr:openai``), an entity key
(``openai``, the last segment of ``kgr:`` IRIs), then a label or alias
compared case-insensitively (``"Sam Altman"``). A name that matches no entity,
or several, is a ``QueryError`` listing what it found.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError, QueryError
from kg.resources import data_dir
from kg.sparql import QueryResult, run_query
from kg.store import Location
from kg.vocab import PREFIXES

__all__ = ["Parameter", "Question", "ask", "load_questions", "queries_dir", "resolve_entity"]

_PARAM = re.compile(r"#\s*@param\s+([A-Za-z_][\w-]*)(\??)\s*(?:\[([\w|]+)\])?\s*(.*)")
_EMPTY = re.compile(r"#\s*@empty\s+(.*)")
_KG = PREFIXES["kg"]
_KGR = PREFIXES["kgr"]


def queries_dir() -> Path:
    """The folder of the named questions shipped with kg (``queries/``)."""
    return data_dir("queries")


@dataclass(frozen=True)
class Parameter:
    """A value a question takes: ``--NAME``, bound to ``?NAME`` in its query."""

    name: str
    description: str
    required: bool
    classes: tuple[str, ...] = ()  # kg: class names the entity must have; () for any


@dataclass(frozen=True)
class Question:
    """One named question: its query text and what its header comment says."""

    name: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path
    empty: str = ""  # what an empty answer means, for a person

    def bind(self, values: Mapping[str, ox.NamedNode]) -> str:
        """The query text with each given parameter's ``UNDEF`` replaced by its IRI."""
        text = self.text
        for name, iri in values.items():
            match = _values_clause(name).search(text)
            if match is not None:
                text = text[: match.start(1)] + str(iri) + text[match.end(1) :]
        return text


def _values_clause(name: str) -> re.Pattern[str]:
    return re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{\s*(UNDEF)\s*\}", re.I)


def _parse(path: Path) -> Question:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read question: {err}", path=str(path)) from err
    description: list[str] = []
    parameters: list[Parameter] = []
    empty: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        match = _PARAM.fullmatch(stripped)
        if match:
            name, optional, classes, about = match[1], match[2], match[3], match[4].strip()
            if not _values_clause(name).search(text):
                raise InputError(
                    f"parameter {name} has no `VALUES ?{name} {{ UNDEF }}` in the query",
                    path=str(path),
                )
            parameters.append(
                Parameter(
                    name,
                    about,
                    required=not optional,
                    classes=tuple(classes.split("|")) if classes else (),
                )
            )
        elif (hint := _EMPTY.fullmatch(stripped)) is not None:
            empty.append(hint[1].strip())
        else:
            description.append(stripped.lstrip("#").strip())
    return Question(
        name=path.stem,
        description=" ".join(d for d in description if d),
        parameters=tuple(parameters),
        text=text,
        path=path,
        empty=" ".join(empty),
    )


def load_questions(folder: Path | None = None) -> dict[str, Question]:
    """The questions in ``folder`` (default: ``queries_dir()``) by name, sorted by name."""
    folder = queries_dir() if folder is None else Path(folder)
    return {p.stem: _parse(p) for p in sorted(folder.glob("*.rq"))}


def resolve_entity(value: str, *, store: Location) -> ox.NamedNode:
    """The IRI of the entity ``value`` names (see the module docstring for the order tried)."""
    value = value.strip()
    if not value:
        raise QueryError("empty entity name")
    iri = _as_iri(value)
    if iri is not None:
        return iri
    key = ox.NamedNode(_KGR + value) if re.fullmatch(r"[\w.-]+", value) else None
    # str() of a pyoxigraph term is its SPARQL syntax, escaped: safe to put in a query.
    if key is not None and run_query(f"ASK {{ {key} rdfs:label ?l }}", store=store).boolean:
        return key
    needle = ox.Literal(value.lower())
    found = run_query(
        "SELECT DISTINCT ?e WHERE { { ?e rdfs:label ?l } UNION { ?e skos:altLabel ?l } "
        f"FILTER(LCASE(STR(?l)) = {needle}) }} ORDER BY ?e LIMIT 11",
        store=store,
    )
    matches = [row[0] for row in found.terms if isinstance(row[0], ox.NamedNode)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise QueryError(f"no entity is named {value!r} (tried it as a key, an IRI and a label)")
    names = ", ".join(_short(m) for m in matches[:10])
    raise QueryError(f"{value!r} names several entities: {names}; give one of these keys")


def _as_iri(value: str) -> ox.NamedNode | None:
    try:
        if value.startswith("<") and value.endswith(">"):
            return ox.NamedNode(value[1:-1])
        if "://" in value:
            return ox.NamedNode(value)
        prefix, sep, local = value.partition(":")
        if sep and prefix in PREFIXES:
            return ox.NamedNode(PREFIXES[prefix] + local)
    except ValueError as err:
        raise QueryError(f"not a valid IRI: {value!r} ({err})") from err
    return None


def _short(iri: ox.NamedNode) -> str:
    return iri.value[len(_KGR) :] if iri.value.startswith(_KGR) else f"<{iri.value}>"


def ask(
    name: str,
    params: Mapping[str, str] | None = None,
    *,
    store: Location,
    folder: Path | None = None,
) -> QueryResult:
    """Answer the named question ``name`` with ``params`` (parameter name -> entity name).

    Raises ``QueryError`` for an unknown question, an unknown or missing
    parameter (listing the known ones), or a value that names no entity.
    """
    questions = load_questions(folder)
    question = questions.get(name)
    if question is None:
        known = ", ".join(questions) or "none"
        raise QueryError(f"unknown question {name!r}; known questions: {known}")
    params = dict(params or {})
    declared = {p.name: p for p in question.parameters}
    expected = ", ".join(f"--{p}" for p in declared) or "none"
    for given in params:
        if given not in declared:
            raise QueryError(
                f"question {name!r} has no parameter --{given}; its parameters: {expected}"
            )
    for p in question.parameters:
        if p.required and p.name not in params:
            raise QueryError(f"question {name!r} needs --{p.name} ({p.description})")
    bound = {k: resolve_entity(v, store=store) for k, v in params.items()}
    for p in question.parameters:
        if p.name in bound and p.classes:
            _check_class(p, params[p.name], bound[p.name], store=store)
    result = run_query(question.bind(bound), store=store)
    if not result.terms and question.empty:
        result = replace(result, note=question.empty)
    return result


def _check_class(p: Parameter, value: str, iri: ox.NamedNode, *, store: Location) -> None:
    """``QueryError`` saying what the entity is when it has none of ``p``'s classes."""
    found = run_query(
        f"SELECT DISTINCT ?c ?l WHERE {{ {iri} a ?c OPTIONAL {{ {iri} rdfs:label ?l }} }}",
        store=store,
    )
    classes = {str(row[0]).removeprefix(_KG) for row in found.rows}
    if classes & set(p.classes):
        return
    label = next((str(row[1]) for row in found.rows if row[1] is not None), value)
    what = " and ".join(sorted(classes)) or "of no class"
    wanted = " or ".join(c.lower() for c in p.classes)
    raise QueryError(
        f"{label} ({_curie(iri)}) is {_article(what)}{what}, not {_article(wanted)}{wanted}:"
        f" --{p.name} takes {_article(wanted)}{wanted}"
    )


def _curie(iri: ox.NamedNode) -> str:
    return "kgr:" + iri.value[len(_KGR) :] if iri.value.startswith(_KGR) else f"<{iri.value}>"


def _article(word: str) -> str:
    if word.startswith("of "):
        return ""
    return "an " if word[:1].lower() in "aeiou" else "a "
