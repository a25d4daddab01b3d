"""SPARQL queries against the store, and their results as a table, CSV or JSON.

Queries run in pyoxigraph directly on the on-disk store. The default graph is
the merged graph (kg/store.py): every statement of every document once, with
an entity's ``kg:mentionCount`` summed over the documents, so a question gets
one answer per fact however many articles state it. ``GRAPH ?g { ... }`` reads
the documents' own graphs and tells where a statement came from. The project
prefixes (``kg:``, ``kgr:``, ``schema:`` ...) are predeclared through
pyoxigraph's ``prefixes`` option, so the query text is not rewritten and error
positions are the user's own; a ``PREFIX`` line in the query overrides them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, TextIO, TypeVar
from urllib.parse import urljoin

import pyoxigraph as ox

from kg.errors import InputError, QueryError, Refused
from kg.export.rdf import canonical_quads, compact_iri, serialize_jsonld, serialize_turtle
from kg.remote import RemoteStore, prologue, refuse_service
from kg.seal import SealError, is_sealed_error, run_sealed
from kg.store import open_store
from kg.vocab import PREFIXES

__all__ = [
    "ANY_GRAPH",
    "FORMATS",
    "QueryResult",
    "Refused",
    "ResultLimitError",
    "check_query",
    "error_context",
    "execute",
    "query_tokens",
    "read_query_text",
    "run_query",
    "run_remote",
]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_QUERY_SUFFIXES = (".rq", ".sparql")
_XSD = PREFIXES["xsd"]
_INTEGER_TYPES = {
    _XSD + name
    for name in (
        "integer long int short byte nonNegativeInteger nonPositiveInteger negativeInteger "
        "positiveInteger unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
}


# ---------------------------------------------------------------- reading the query


def read_query_text(arg: str | None, *, stdin: TextIO) -> str:
    """The query text named by a command-line argument.

    ``None`` or ``"-"`` reads ``stdin``; the path of an existing file (or any
    argument ending in ``.rq`` or ``.sparql``) reads that file as UTF-8;
    anything else is the query itself. Raises ``InputError`` for an unreadable
    file and ``QueryError`` for an empty query.
    """
    if arg is None or arg == "-":
        try:
            text = stdin.read()
        except UnicodeDecodeError as err:
            raise InputError(f"not UTF-8 text (byte {err.start})", path="<stdin>") from err
    elif _is_file_argument(arg):
        text = _read_file(Path(arg))
    else:
        text = arg
    if not text.strip():
        raise QueryError("empty query")
    return text


def _is_file_argument(arg: str) -> bool:
    if "\n" in arg or "{" in arg:
        return False  # a query, even if a file of that name were to exist
    if arg.lower().endswith(_QUERY_SUFFIXES):
        return True
    try:
        return Path(arg).is_file()
    except (OSError, ValueError):  # name too long, NUL byte...
        return False


def _read_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise InputError("no such query file", path=str(path)) from err
    except IsADirectoryError as err:
        raise InputError("is a folder, not a query file", path=str(path)) from err
    except OSError as err:
        raise InputError(f"cannot read query file: {err.strerror}", path=str(path)) from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"not UTF-8 text (byte {err.start})", path=str(path)) from err


# ---------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                 |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<word>[A-Za-z_][\w.-]*(?::[\w.:%\\-]*)?|:[\w.:%\\-]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def query_tokens(text: str) -> list[tuple[str, str]]:
    """The query's tokens as (kind, text): spaces and comments dropped, strings kept whole.

    Kinds: string, iri, var, word (keywords and prefixed names), other.
    """
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("space", "comment"):
            out.append((kind, m.group()))
    return out


# ---------------------------------------------------------------- what a query may reach

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}

_SERVICE_REFUSED = "SERVICE is refused: kg queries read only the store, never another endpoint"

GraphNames = Iterable[str] | Callable[[], Iterable[str]] | None


class _AnyGraph(frozenset[str]):
    """``graphs`` for a caller that checks what ``FROM`` names itself, later."""

    def __contains__(self, item: object) -> bool:
        return True


#: Passed as ``check_query``'s ``graphs``: every ``FROM`` passes (it is checked elsewhere).
ANY_GRAPH = _AnyGraph()


def check_query(text: str, *, graphs: GraphNames = None, updates: bool = True) -> str:
    """The form of ``text`` (SELECT, ASK, CONSTRUCT, DESCRIBE), or ``Refused``.

    Refused: SPARQL Update (unless ``updates`` is False, for callers whose
    parser gives its own message), a ``SERVICE`` clause, and a ``FROM`` or
    ``FROM NAMED`` naming an IRI not in ``graphs`` (an iterable, or a function
    that returns one, called only when there is a ``FROM``).

    This reading gives the reasons a user can act on. It is not what keeps a
    query in the store: every query runs on a sealed thread (kg/seal.py), so a
    ``SERVICE`` this reading misses still reaches no one.
    """
    tokens = query_tokens(text)
    known: frozenset[str] | set[str] | None = None
    prefixes, base, form = dict(PREFIXES), "", ""
    for i, (kind, value) in enumerate(tokens):
        word = value.upper() if kind == "word" else ""
        if word == "PREFIX" and i + 2 < len(tokens):
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
        elif word == "BASE" and i + 1 < len(tokens):
            base = tokens[i + 1][1][1:-1]
        elif word in _UPDATES and not form:
            if updates:
                raise Refused(f"SPARQL Update ({word}) is refused: queries only read the store")
        elif word in _FORMS and not form:
            form = word
        elif word == "SERVICE" or (
            word.startswith("SERVICE:") and value.partition(":")[0] not in prefixes
        ):
            raise Refused(_SERVICE_REFUSED)
        elif word == "FROM":
            j = i + 1
            if j < len(tokens) and tokens[j][1].upper() == "NAMED":
                j += 1
            target = tokens[j] if j < len(tokens) else ("other", "")
            iri = _resolve(target, prefixes, base)
            if known is None:
                names = graphs() if callable(graphs) else graphs
                known = names if isinstance(names, _AnyGraph) else set(names or ())
            if iri is None or iri not in known:
                raise Refused(f"FROM {target[1]} is refused: it names no graph in this store")
    return form


def _resolve(token: tuple[str, str], prefixes: dict[str, str], base: str) -> str | None:
    kind, value = token
    if kind == "iri":
        return urljoin(base, value[1:-1]) if base else value[1:-1]
    if kind == "word" and ":" in value:
        prefix, _, local = value.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def store_graphs(oxstore: ox.Store) -> set[str]:
    """The IRIs of the store's named graphs."""
    return {g.value for g in oxstore.named_graphs() if isinstance(g, ox.NamedNode)}


# ---------------------------------------------------------------- running it

Substitutions = Mapping[str, Term]


class ResultLimitError(QueryError):
    """A query returned more rows than the caller allowed."""


def run_query(
    text: str,
    *,
    store: Path | RemoteStore,
    substitutions: Substitutions | None = None,
    max_rows: int | None = None,
) -> QueryResult:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) on the store at ``store``.

    On a SPARQL server (``RemoteStore``) the query runs in the server; see
    ``_run_remote`` for what is checked here first.

    ``substitutions`` binds variables of the query to terms before it runs
    (``{"org": NamedNode(...)}``), so a parameterised query needs no text
    splicing. Past ``max_rows`` solutions or triples, ``ResultLimitError``.
    Raises ``StoreError`` when the store cannot be opened and ``QueryError``
    when the query does not parse (with its line and column) or fails.
    """
    if not text.strip():
        raise QueryError("empty query")
    if isinstance(store, RemoteStore):
        if substitutions:
            raise QueryError("substitutions are not supported on a SPARQL server store")
        return run_remote(text, store, max_rows=max_rows)
    oxstore = _cached_store(Path(store))
    check_query(text, graphs=lambda: store_graphs(oxstore), updates=False)
    return execute(oxstore, text, substitutions=substitutions, max_rows=max_rows)


def run_remote(
    text: str,
    store: RemoteStore,
    *,
    max_rows: int | None = None,
    default_graph: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> QueryResult:
    """``text`` run in the SPARQL server ``store`` (``default_graph`` and
    ``named_graphs``: the protocol's dataset, as for ``execute``).

    A ``FROM`` (or a dataset graph) must name one of the server's graphs, and
    the word ``service`` is refused in any spelling (the server would call
    other endpoints itself). The query is then run here on an empty store, on
    a sealed thread, so that a syntax error is reported as for the embedded
    store, with its line and column.
    """
    known: set[str] | None = None

    def graphs() -> set[str]:
        nonlocal known
        if known is None:
            known = store.graph_names()
        return known

    form = check_query(text, graphs=graphs, updates=False)
    for iri in [*default_graph, *named_graphs]:
        if iri not in graphs():
            raise Refused(f"graph <{iri}> is refused: it names no graph in this store")
    refuse_service(text)
    execute(_PROBE, text)
    sent = prologue() + text
    dataset = {"default-graph-uri": list(default_graph), "named-graph-uri": list(named_graphs)}
    if form in ("CONSTRUCT", "DESCRIBE"):
        triples = sorted(
            set(_limit(store.construct(sent, dataset), max_rows)),
            key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
        )
        return QueryResult(
            "graph",
            variables=("subject", "predicate", "object"),
            terms=[(t.subject, t.predicate, t.object) for t in triples],
        )
    results = store.select(sent, dataset)
    if isinstance(results, ox.QueryBoolean):
        return QueryResult("boolean", boolean=bool(results))
    names = tuple(v.value for v in results.variables)
    rows = [tuple(solution[name] for name in names) for solution in _limit(results, max_rows)]
    return QueryResult("bindings", variables=names, terms=rows)


_OPEN: dict[Path, tuple[tuple[int, int], ox.Store]] = {}
_OPEN_MAX = 8
_OPEN_LOCK = threading.Lock()


def _cached_store(path: Path) -> ox.Store:
    """The store at ``path``, opened once per process.

    A build swaps a new store folder in by renaming, so the folder's inode and
    change time say whether the cached handle still reads the current store.
    """
    key = path.absolute()
    try:
        st = key.stat()
        stamp = (st.st_ino, st.st_ctime_ns)
    except OSError:
        return open_store(path)  # raises the usual "no store at ..." error
    with _OPEN_LOCK:
        cached = _OPEN.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        oxstore = open_store(path)
        _OPEN.pop(key, None)
        while len(_OPEN) >= _OPEN_MAX:
            del _OPEN[next(iter(_OPEN))]  # the oldest: it closes when unreferenced
        _OPEN[key] = (stamp, oxstore)
        return oxstore


def query_options(
    *,
    default_graph: Sequence[ox.NamedNode] | None = None,
    named_graphs: Sequence[ox.NamedNode] | None = None,
) -> dict[str, Any]:
    """The keyword arguments of ``Store.query`` for kg's prefixes and a dataset."""
    options: dict[str, Any] = {"prefixes": dict(PREFIXES)}
    if default_graph:
        options["default_graph"] = list(default_graph)
    if named_graphs:
        options["named_graphs"] = list(named_graphs)
    return options


def execute(
    oxstore: ox.Store,
    text: str,
    *,
    substitutions: Substitutions | None = None,
    max_rows: int | None = None,
    default_graph: Sequence[ox.NamedNode] | None = None,
    named_graphs: Sequence[ox.NamedNode] | None = None,
) -> QueryResult:
    """Run ``text`` on an open pyoxigraph store; see ``run_query``.

    ``default_graph``/``named_graphs`` restrict the dataset (the SPARQL
    protocol's ``default-graph-uri`` and ``named-graph-uri``); by default the
    default graph is the store's merged graph.
    """
    options = query_options(default_graph=default_graph, named_graphs=named_graphs)
    if substitutions:
        options["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
    return run_sealed(text, lambda: _evaluate(oxstore, text, options, max_rows))


def _evaluate(
    oxstore: ox.Store, text: str, options: dict[str, Any], max_rows: int | None
) -> QueryResult:
    try:
        results = oxstore.query(text, **options)
        if isinstance(results, ox.QueryBoolean):
            return QueryResult("boolean", boolean=bool(results))
        if isinstance(results, ox.QuerySolutions):
            names = tuple(v.value for v in results.variables)
            rows = [
                tuple(solution[name] for name in names) for solution in _limit(results, max_rows)
            ]
            return QueryResult("bindings", variables=names, terms=rows)
        # A graph is a set: drop repeats, and sort so that output is stable.
        triples = sorted(
            set(_limit(results, max_rows)),
            key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
        )
        return QueryResult(
            "graph",
            variables=("subject", "predicate", "object"),
            terms=[(t.subject, t.predicate, t.object) for t in triples],
        )
    except SyntaxError as err:
        raise _syntax_error(str(err), text) from None
    except (OSError, RuntimeError) as err:
        if is_sealed_error(err):
            raise
        raise QueryError(f"query failed: {' '.join(str(err).split())}") from err
    except (ValueError, TypeError) as err:
        raise QueryError(f"query failed: {' '.join(str(err).split())}") from err


_T = TypeVar("_T")


def _limit(items: Iterable[_T], max_rows: int | None) -> Iterator[_T]:
    """The items, or ``ResultLimitError`` once there are more than ``max_rows``."""
    if max_rows is None:
        yield from items
        return
    for count, item in enumerate(items, 1):
        if count > max_rows:
            raise ResultLimitError(f"the result has more than {max_rows} rows (the limit)")
        yield item


def error_context(text: str, err: QueryError) -> str:
    """The query line an error points at, with a caret under the column; "" if unknown.

    For a person at a terminal, after the one-line message::

          3 |   FILTER(?o > ) }
            |                  ^
    """
    if err.line is None or err.column is None:
        return ""
    lines = text.splitlines()
    if not 1 <= err.line <= len(lines):
        return ""
    source = lines[err.line - 1].expandtabs(1)
    column = min(max(err.column, 1), len(source) + 1)
    gutter = f"{err.line:>5} | "
    return f"{gutter}{source}\n{' ' * (len(gutter) - 2)}| {' ' * (column - 1)}^\n"


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)

#: SPARQL Update's first keywords, for telling a user that ``kg query`` only reads
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"}
_UPDATE_WORDS |= {"WITH"}

# Where pyoxigraph's parser says it failed is the farthest character it looked at,
# and it looks up to a keyword's length past the real error (to the end of a short
# query). The true position is found instead as the end of the longest run of
# tokens that some valid query starts with: a prefix followed by this padding is
# "viable" when the parser reads through the spaces and fails only on the last
# character, which no query may contain. The padding also means that a probe never
# parses as a query, so nothing is ever evaluated.
_BLANK = ("space", "comment")
_PAD = "\n" + " " * 64 + "\x01"
_PROBE = ox.Store()  # in memory and empty: only its parser is used


def _parse_only(text: str) -> None:
    _PROBE.query(text, prefixes=dict(PREFIXES))  # its results are dropped on this thread


def _parser_reach(text: str) -> tuple[int, str]:
    """How far the parser got into ``text`` (a character offset), and what it expected."""
    try:
        run_sealed(text, lambda: _parse_only(text))
    except SealError:
        return len(text), ""
    except SyntaxError as err:
        match = _POSITION.match(str(err))
        if match:
            return _offset(text, int(match[1]), int(match[2])), match[3]
        return len(text), str(err)
    return len(text), ""  # not reached: the padding never parses


def _offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    if line > len(starts):
        return len(text)
    return min(starts[line - 1] + column - 1, len(text))


def _position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _viable(prefix: str) -> tuple[bool, str]:
    """Whether some valid query starts with ``prefix``, and what may come next."""
    reach, detail = _parser_reach(prefix + _PAD)
    return reach > len(prefix) + len(_PAD) // 2, detail


# The tokens at which an error may be reported: _TOKEN's, but an IRI with a character
# IRIs may not hold (a space) is one token, so that the error points at its start.
_ERROR_TOKEN = re.compile(
    r"<[^<>?$\n]*>|&&|\|\||!=|<=|>=|\^\^|" + _TOKEN.pattern, re.VERBOSE | re.DOTALL
)


def _error_token(text: str, reported: int) -> tuple[int, str, str]:
    """The offset and text of the first token that no valid query could have there, and
    what the parser expected in its place; the token is "" at the end of the query.

    ``reported`` is where the parser said it failed: no earlier than the true error.
    """
    cuts = [m.start() for m in _ERROR_TOKEN.finditer(text) if m.lastgroup not in _BLANK]
    cuts.append(len(text))
    # Skip most of a long query at once: a cut well before the reported position is
    # viable in every query the parser rejects for a local reason.
    first = 0
    for i, cut in enumerate(cuts):
        if cut > reported - 64:
            break
        first = i
    if first and not _viable(text[: cuts[first]])[0]:
        first = 0
    detail = ""
    for i in range(first, len(cuts)):
        ok, next_detail = _viable(text[: cuts[i]])
        if not ok:
            bad = cuts[i - 1] if i else 0
            token = _ERROR_TOKEN.match(text, bad)
            return bad, token.group() if token else "", detail
        detail = next_detail
    return len(text.rstrip()), "", detail


def _first_keyword(text: str) -> str:
    """The query's first keyword after its PREFIX and BASE declarations."""
    tokens = query_tokens(text)
    i = 0
    while i < len(tokens) and tokens[i][1].upper() in ("PREFIX", "BASE"):
        i += 3 if tokens[i][1].upper() == "PREFIX" else 2
    return tokens[i][1].upper() if i < len(tokens) and tokens[i][0] == "word" else ""


def _syntax_error(message: str, text: str) -> QueryError:
    """A query that does not parse, as one readable line with the true position."""
    keyword = _first_keyword(text)
    if keyword in _UPDATE_WORDS:
        return QueryError(
            f"this is a SPARQL update ({keyword}): kg query only reads the graph; "
            "kg build, kg add and kg remove write it"
        )
    match = _POSITION.match(message)
    if not match:
        return QueryError("syntax error: " + " ".join(message.split()))
    reported = _offset(text, int(match[1]), int(match[2]))
    offset, token, detail = _error_token(text, reported)
    line, column = _position(text, offset)
    expected, notes = _split_expected(" ".join(detail.split()))
    if reported <= offset + len(token) + 16:  # the parser's own notes apply here
        notes += [n for n in _split_expected(" ".join(match[3].split()))[1] if n not in notes]
    if "Prefix not found" in notes:
        name = re.match(r"([A-Za-z][\w.-]*)?:", token)
        if name:
            return QueryError(
                f'undeclared prefix "{name[1] or ""}:" at line {line}, column {column}',
                line=line,
                column=column,
            )
    if token in ('"', "'"):
        found = "unterminated string"
    elif token:
        found = f'unexpected "{_shorten(token)}"'
    else:
        found = "unexpected end of query"
    notes = [n for n in notes if "Prefix not found" not in n]
    if notes:
        reason = f"{found}: " + "; ".join(notes)
    elif expected and len(expected) <= 8 and token not in ('"', "'"):
        reason = f"{found}, expected " + ("one of " if len(expected) > 1 else "")
        reason += ", ".join(expected)
    else:
        reason = found
    return QueryError(
        f"syntax error at line {line}, column {column}: {reason}", line=line, column=column
    )


def _shorten(token: str, limit: int = 30) -> str:
    token = " ".join(token.split())
    return token if len(token) <= limit else token[: limit - 1] + "…"


def _split_expected(detail: str) -> tuple[list[str], list[str]]:
    """Tokens the parser expected, and any plain-language notes among them.

    Character classes (``['0'..='9']``) are dropped: they say little to a user.
    """
    if detail.startswith("expected one of "):
        body = detail[len("expected one of ") :]
    elif detail.startswith("expected "):
        body = detail[len("expected ") :]
    else:
        return [], [detail]
    items: list[str] = []
    depth, quote, current = 0, "", ""
    for ch in body:
        if quote:
            current += ch
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote, current = ch, current + ch
        elif ch == "[":
            depth, current = depth + 1, current + ch
        elif ch == "]":
            depth, current = depth - 1, current + ch
        elif ch == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += ch
    items.append(current.strip())
    tokens = [i for i in items if i and not i.startswith("[")]
    notes = [i for i in tokens if " " in i and not i.startswith(('"', "'"))]
    return [i for i in tokens if i not in notes], notes


# ---------------------------------------------------------------- results


def _plain(term: Term | None) -> Any:
    """A term as a plain Python value: IRIs and strings as str, numbers as numbers."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return (_plain(term.subject), _plain(term.predicate), _plain(term.object))
    datatype = term.datatype.value
    try:
        if datatype in _INTEGER_TYPES:
            return int(term.value)
        if datatype == _XSD + "decimal":
            return Decimal(term.value)
        if datatype in (_XSD + "double", _XSD + "float"):
            return float(term.value)
        if datatype == _XSD + "boolean":
            return term.value in ("true", "1")
    except (ValueError, InvalidOperation):
        pass  # an ill-typed literal keeps its text
    return term.value


def _compact(term: Term | None) -> str:
    """A term as a short table cell."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value) or f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        parts = (_compact(term.subject), _compact(term.predicate), _compact(term.object))
        return "<< " + " ".join(parts) + " >>"
    return (
        term.value.replace("\\", "\\\\")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


def _csv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    value: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != _XSD + "string":
        value["datatype"] = term.datatype.value
    return value


@dataclass(frozen=True)
class QueryResult:
    """What a query returned: solutions (SELECT), a boolean (ASK) or triples.

    ``kind`` is ``"bindings"``, ``"boolean"`` or ``"graph"``. For a graph,
    ``variables`` are subject, predicate and object and each row is a triple.
    ``rows`` holds plain Python values (see ``_plain``); ``terms`` the RDF terms.
    ``note`` says, for a person, why an answer is empty when that is known.
    """

    kind: Literal["bindings", "boolean", "graph"]
    variables: tuple[str, ...] = ()
    terms: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    note: str = ""

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """The rows as plain values: IRIs as str, numbers as int/Decimal/float, unbound as None."""
        return [tuple(_plain(t) for t in row) for row in self.terms]

    def render(self, fmt: str, *, width: int | None = None) -> str:
        """The result as text in ``fmt`` (one of ``FORMATS``), ending with a newline.

        ``table``: aligned columns with prefixed IRIs, at most ``width``
        characters wide when given (the widest cells are cut with "…");
        ``true``/``false`` for ASK; sorted Turtle for CONSTRUCT/DESCRIBE.
        ``csv``, ``tsv``, ``json``, ``xml``: the SPARQL 1.1 results formats
        (CONSTRUCT as subject, predicate, object rows in CSV/TSV, as JSON-LD
        in ``json`` and RDF/XML in ``xml``). ``turtle``, ``jsonld``: a
        CONSTRUCT or DESCRIBE result as sorted Turtle or JSON-LD.
        """
        try:
            renderer = FORMATS[fmt]
        except KeyError:
            known = ", ".join(FORMATS)
            raise QueryError(f"unknown output format {fmt!r}; known formats: {known}") from None
        if fmt in _GRAPH_ONLY and self.kind != "graph":
            raise QueryError(f"format {fmt!r} is for CONSTRUCT and DESCRIBE queries only")
        if fmt == "table":
            return self._table(width)
        return renderer(self)

    # -------------------------------------------------------- renderers

    def _triples(self) -> list[ox.Triple]:
        return [ox.Triple(*row) for row in self.terms]  # type: ignore[arg-type]

    def _table(self, width: int | None = None) -> str:
        if self.kind == "boolean":
            return "true\n" if self.boolean else "false\n"
        if self.kind == "graph":
            return self._turtle()
        cells = [[_compact(t) for t in row] for row in self.terms]
        widths = [len(v) for v in self.variables]
        for row in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
        if width:
            widths = _fit(widths, width)
        lines = [list(self.variables), ["-" * w for w in widths], *cells]
        return "".join(
            "  ".join(_cut(c, w).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            + "\n"
            for line in lines
        )

    def _csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if self.kind == "boolean":
            writer.writerow(["true" if self.boolean else "false"])
        else:
            writer.writerow(self.variables)
            writer.writerows([_csv_cell(t) for t in row] for row in self.terms)
        return out.getvalue()

    def _results_json(self) -> str:
        doc: dict[str, Any]
        if self.kind == "boolean":
            doc = {"head": {}, "boolean": bool(self.boolean)}
        else:
            bindings = [
                {
                    v: _json_term(t)
                    for v, t in zip(self.variables, row, strict=True)
                    if t is not None
                }
                for row in self.terms
            ]
            doc = {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"

    def _json(self) -> str:
        return self._jsonld() if self.kind == "graph" else self._results_json()

    def _via_pyoxigraph(self, fmt: ox.QueryResultsFormat) -> str:
        # pyoxigraph's writers follow the W3C formats to the letter; feed them our JSON.
        parsed = ox.parse_query_results(
            self._results_json().encode(), format=ox.QueryResultsFormat.JSON
        )
        return (parsed.serialize(format=fmt) or b"").decode()

    def _tsv(self) -> str:
        if self.kind == "boolean":
            return "true\n" if self.boolean else "false\n"
        text = self._via_pyoxigraph(ox.QueryResultsFormat.TSV)
        return text if text.endswith("\n") else text + "\n"

    def _xml(self) -> str:
        if self.kind == "graph":
            return (ox.serialize(self._triples(), format=ox.RdfFormat.RDF_XML) or b"").decode()
        return self._via_pyoxigraph(ox.QueryResultsFormat.XML) + "\n"

    def _turtle(self) -> str:
        return serialize_turtle(self._triples(), only_used_prefixes=True).decode()

    def _jsonld(self) -> str:
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in self._triples()]
        return serialize_jsonld(canonical_quads(quads)).decode()


def _fit(widths: list[int], total: int) -> list[int]:
    """Column widths that fit in ``total`` characters, narrowing only the widest columns."""
    gaps = 2 * (len(widths) - 1)
    if sum(widths) + gaps <= total:
        return widths
    low, high = _MIN_COLUMN, max(widths)
    while low < high:  # the largest cap that fits
        cap = (low + high + 1) // 2
        if sum(min(w, cap) for w in widths) + gaps <= total:
            low = cap
        else:
            high = cap - 1
    return [min(w, low) for w in widths]


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: width - 1] + "…"


_MIN_COLUMN = 6
_GRAPH_ONLY = ("turtle", "jsonld")

#: Output formats by name.
FORMATS: dict[str, Callable[[QueryResult], str]] = {
    "table": QueryResult._table,
    "csv": QueryResult._csv,
    "tsv": QueryResult._tsv,
    "json": QueryResult._json,
    "xml": QueryResult._xml,
    "turtle": QueryResult._turtle,
    "jsonld": QueryResult._jsonld,
}
