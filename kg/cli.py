"""The ``kg`` command line: one group, each command a thin wrapper over a library call.

Only this module prints or exits; a ``KGError`` from the library becomes a
one-line ``kg: error: ...`` message on stderr and exit status 1 (2 for usage).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg import __version__
from kg.errors import KGError

DEFAULT_STORE = Path("kg-store")
DEFAULT_OUT = Path("exports")


store_option = click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    envvar="KG_STORE",
    help="Folder of the embedded Oxigraph store (env KG_STORE).",
)


def _fail(err: KGError) -> None:
    click.echo(f"kg: error: {err}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Turn news articles into an RDF knowledge graph you can query and explore.

    Start with `kg build` (the bundled sample) or `kg build ARTICLES/`, then
    `kg query 'SELECT ...'` or open exports/graph.html in a browser.
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for graph.ttl, graph.trig, graph.jsonld and graph.html.",
)
@store_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; summary only.")
def build(paths: tuple[Path, ...], out: Path, store: Path, quiet: bool) -> None:
    """Read articles, extract entities and facts, store and export the graph.

    PATHS are .txt, .md or .html files, or folders searched for them. With no
    PATHS the bundled sample corpus is built. Files that cannot be read are
    reported one line each; the others still build, and the exit status is 1.
    """
    from kg.pipeline import build as run_build
    from kg.report import format_summary

    progress = None if quiet or not sys.stderr.isatty() else _progress_bar
    try:
        report = run_build(list(paths), store=store, out=out, progress=progress)
    except KGError as err:
        _fail(err)
        return
    for problem in report.problems:
        click.echo(f"kg: error: {problem}", err=True)
    click.echo(format_summary(report))
    if report.problems:
        sys.exit(1)


def _progress_bar(total: int, label: str):  # type: ignore[no-untyped-def]
    return click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)


@main.command()
@click.argument("query", required=False)
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output: an aligned table, CSV, or SPARQL 1.1 results JSON.",
)
def query(query: str | None, store: Path, fmt: str) -> None:
    """Run a SPARQL query against the store and print the results.

    QUERY is the query text, a path to a .rq file, or '-' (or nothing) to read
    it from stdin. The kg, kgr, schema, prov, rdf, rdfs, skos, owl, xsd and wd
    prefixes are predeclared.
    """
    from kg.query import read_query_text, run_query

    try:
        text = read_query_text(query, stdin=sys.stdin)
        result = run_query(text, store=store)
        click.echo(result.render(fmt), nl=False)
    except KGError as err:
        _fail(err)
