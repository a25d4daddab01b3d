"""SPARQL queries against the store, and their results as a table, CSV or JSON.

Queries run in pyoxigraph directly on the on-disk store. The default graph is
the union of the named graphs (one per document), so ``?s ?p ?o`` sees every
statement and ``GRAPH ?g { ... }`` still tells where it came from. The union
is of quads: a triple that three documents state matches three times, so use
``SELECT DISTINCT`` to count things rather than mentions. The project prefixes
(``kg:``, ``kgr:``, ``schema:`` ...) are predeclared through pyoxigraph's
``prefixes`` option, so the query text is not rewritten and error positions
are the user's own; a ``PREFIX`` line in the query overrides them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, TextIO

import pyoxigraph as ox

from kg.errors import InputError, QueryError
from kg.export.rdf import canonical_quads, compact_iri, serialize_jsonld, serialize_turtle
from kg.store import open_store
from kg.vocab import PREFIXES

__all__ = ["FORMATS", "QueryResult", "read_query_text", "run_query"]

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


# ---------------------------------------------------------------- running it


def run_query(text: str, *, store: Path) -> QueryResult:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) on the store at ``store``.

    Raises ``StoreError`` when the store cannot be opened and ``QueryError``
    when the query does not parse (with its line and column) or fails.
    """
    if not text.strip():
        raise QueryError("empty query")
    oxstore = open_store(store)
    try:
        results = oxstore.query(text, prefixes=dict(PREFIXES), use_default_graph_as_union=True)
        if isinstance(results, ox.QueryBoolean):
            return QueryResult("boolean", boolean=bool(results))
        if isinstance(results, ox.QuerySolutions):
            names = tuple(v.value for v in results.variables)
            rows = [tuple(solution[name] for name in names) for solution in results]
            return QueryResult("bindings", variables=names, terms=rows)
        # A graph is a set: drop repeats, and sort so that output is stable.
        triples = sorted(
            set(results), key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
        )
        return QueryResult(
            "graph",
            variables=("subject", "predicate", "object"),
            terms=[(t.subject, t.predicate, t.object) for t in triples],
        )
    except SyntaxError as err:
        raise _syntax_error(str(err), text) from None
    except (OSError, RuntimeError, ValueError) as err:
        raise QueryError(f"query failed: {err}") from err


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


def _syntax_error(message: str, text: str) -> QueryError:
    """pyoxigraph's "error at L:C: expected one of ..." as one readable line."""
    match = _POSITION.match(message)
    if not match:
        return QueryError("syntax error: " + " ".join(message.split()))
    line, column, detail = int(match[1]), int(match[2]), match[3]
    expected, notes = _split_expected(" ".join(detail.split()))
    if "Prefix not found" in notes:
        before = text.splitlines()[line - 1][: column - 1] if line <= len(text.splitlines()) else ""
        name = re.search(r"([A-Za-z][\w.-]*)?:[\w.%-]*$", before.rstrip())
        if name:
            start = len(before.rstrip()) - len(name[0]) + 1
            return QueryError(
                f'undeclared prefix "{name[1] or ""}:" at line {line}, column {start}',
                line=line,
                column=start,
            )
    if notes:
        reason = "; ".join(notes)
    elif expected:
        reason = "expected " + ("one of " if len(expected) > 1 else "") + ", ".join(expected)
    else:
        reason = "unexpected input"
    return QueryError(
        f"syntax error at line {line}, column {column}: {reason}", line=line, column=column
    )


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
    """

    kind: Literal["bindings", "boolean", "graph"]
    variables: tuple[str, ...] = ()
    terms: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """The rows as plain values: IRIs as str, numbers as int/Decimal/float, unbound as None."""
        return [tuple(_plain(t) for t in row) for row in self.terms]

    def render(self, fmt: str) -> str:
        """The result as text in ``fmt`` (one of ``FORMATS``), ending with a newline.

        ``table``: aligned columns with prefixed IRIs; ``true``/``false`` for ASK;
        sorted Turtle for CONSTRUCT/DESCRIBE. ``csv``: SPARQL 1.1 CSV results
        (CONSTRUCT as subject,predicate,object rows). ``json``: SPARQL 1.1
        Query Results JSON (CONSTRUCT as JSON-LD).
        """
        try:
            renderer = FORMATS[fmt]
        except KeyError:
            known = ", ".join(FORMATS)
            raise QueryError(f"unknown output format {fmt!r}; known formats: {known}") from None
        return renderer(self)

    # -------------------------------------------------------- renderers

    def _triples(self) -> list[ox.Triple]:
        return [ox.Triple(*row) for row in self.terms]  # type: ignore[arg-type]

    def _table(self) -> str:
        if self.kind == "boolean":
            return "true\n" if self.boolean else "false\n"
        if self.kind == "graph":
            return serialize_turtle(self._triples(), only_used_prefixes=True).decode()
        cells = [[_compact(t) for t in row] for row in self.terms]
        widths = [len(v) for v in self.variables]
        for row in cells:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
        lines = [
            list(self.variables),
            ["-" * w for w in widths],
            *cells,
        ]
        return "".join(
            "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n"
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

    def _json(self) -> str:
        if self.kind == "graph":
            quads = [ox.Quad(t.subject, t.predicate, t.object) for t in self._triples()]
            return serialize_jsonld(canonical_quads(quads)).decode()
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


#: Output formats by name.
FORMATS: dict[str, Callable[[QueryResult], str]] = {
    "table": QueryResult._table,
    "csv": QueryResult._csv,
    "json": QueryResult._json,
}
