"""Queries that call SERVICE on a given endpoint, spelled in the many ways SPARQL allows.

A small generator over the grammar, seeded so that every run tries the same
queries: the keywords in any case, blanks and comments
ended by a line feed or a carriage return, the endpoint's IRI written whole,
relative to a BASE, as a prefixed name (glued to the keyword or not) or with
escapes inside it; SILENT or not; the call at the top,
inside OPTIONAL, UNION, MINUS, a subquery, FILTER EXISTS or GRAPH; under each of
the four query forms, with FROM NAMED naming the endpoint too.
"""

from __future__ import annotations

import random


def _keyword(rng: random.Random, word: str) -> str:
    return "".join(ch.upper() if rng.random() < 0.5 else ch.lower() for ch in word)


def _blank(rng: random.Random, *, needed: bool = True) -> str:
    choices = [" ", "\t", "\n", "\r", "\r\n", "  \t ", "#c\n", "#c\r", "# }\r", "#x\r\n "]
    if not needed:
        choices += ["", ""]
    return "".join(rng.choice(choices) for _ in range(rng.randint(1, 2)))


def _iri_text(rng: random.Random, iri: str) -> str:
    if rng.random() < 0.3:  # escape a letter of the IRI's path
        head, _, tail = iri.rpartition("/")
        if tail:
            return f"{head}/\\u{ord(tail[0]):04X}{tail[1:]}"
    return iri


def service_query(rng: random.Random, endpoint: str) -> str:
    """One query whose evaluation calls SERVICE on ``endpoint`` (``http://host:port/``)."""
    prologue = []
    target = endpoint + "sparql"
    style = rng.choice(["iri", "base", "prefix", "empty-prefix", "glued"])
    blank = _blank(rng)
    if style == "iri":
        name = f"<{_iri_text(rng, target)}>"
    elif style == "base":
        prologue.append(f"{_keyword(rng, 'BASE')}{_blank(rng)}<{endpoint}>")
        name = "<sparql>"
    elif style == "prefix":
        prologue.append(f"{_keyword(rng, 'PREFIX')} ep:{_blank(rng)}<{endpoint}>")
        name = "ep:sparql"
    elif style == "empty-prefix":
        prologue.append(f"{_keyword(rng, 'PREFIX')} :{_blank(rng, needed=False)}<{endpoint}>")
        name = ":sparql"
    else:
        prologue.append(f"PREFIX : <{endpoint}>")
        name, blank = ":sparql", ""
    silent = f"{_keyword(rng, 'SILENT')}{_blank(rng)}" if rng.random() < 0.3 else ""
    if silent and blank == "":
        blank = " "
    after = _blank(rng, needed=False)
    call = f"{_keyword(rng, 'SERVICE')}{blank}{silent}{name}{after}{{ ?a ?b ?c }}"
    place = rng.choice(["top", "optional", "union", "minus", "subquery", "exists", "after"])
    if place == "optional":
        body = f"?s ?p ?o . OPTIONAL {{ {call} }}"
    elif place == "union":
        body = f"{{ {call} }} UNION {{ ?s ?p ?o }}"
    elif place == "minus":
        body = f"?s ?p ?o MINUS {{ {call} }}"
    elif place == "subquery":
        body = f"{{ SELECT * WHERE {{ {call} }} }}"
    elif place == "exists":
        body = f"?s ?p ?o FILTER EXISTS {{ {call} }}"
    elif place == "after":
        body = f"?s ?p ?o . {call}"
    else:
        body = call
    dataset = ""
    if rng.random() < 0.2:
        dataset = f" FROM NAMED <{endpoint}g> "  # a graph name only: nothing is fetched
    form = rng.choice(["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"])
    if form == "SELECT":
        head = f"{_keyword(rng, 'SELECT')} *{dataset}{_keyword(rng, 'WHERE')}"
    elif form == "ASK":
        head = f"{_keyword(rng, 'ASK')}{dataset}"
    elif form == "CONSTRUCT":
        head = f"CONSTRUCT {{ ?s ?p ?o }}{dataset} WHERE"
    else:
        head = f"DESCRIBE ?s{dataset} WHERE"
    return "\n".join([*prologue, f"{head} {{{_blank(rng, needed=False)}{body} }}"])


def service_queries(endpoint: str, count: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    return [service_query(rng, endpoint) for _ in range(count)]
