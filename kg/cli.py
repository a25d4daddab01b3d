"""The ``kg`` command line: one group, each command a thin wrapper over a library call.

Only this module prints or exits; a ``KGError`` from the library becomes a
one-line ``kg: error: ...`` message on stderr and exit status 1 (2 for usage).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg import __version__
from kg.errors import KGError

if TYPE_CHECKING:
    from kg.store import Location

DEFAULT_STORE = Path("kg-store")
DEFAULT_OUT = Path("exports")


class _StoreType(click.ParamType):  # type: ignore[type-arg]
    """A store folder, or the URL of a SPARQL server (http:// or https://)."""

    name = "FOLDER|URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        from kg.remote import store_location

        try:
            return store_location(value)
        except KGError as err:
            self.fail(str(err), param, ctx)


store_option = click.option(
    "--store",
    type=_StoreType(),
    default=str(DEFAULT_STORE),
    show_default=True,
    envvar="KG_STORE",
    help="Folder of the embedded Oxigraph store, or http://HOST:PORT of a SPARQL 1.1 "
    "server such as `oxigraph serve` (env KG_STORE).",
)


def _fail(err: KGError) -> None:
    click.echo(f"kg: error: {err}", err=True)
    sys.exit(1)


def reading_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--max-document-mb, --follow-symlinks, --workers, --executor and --scheduler, for
    the commands that read articles."""
    fn = click.option(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786, for "
        "--executor dask (env DASK_SCHEDULER_ADDRESS).  [default: a local cluster kg "
        "starts and stops]",
    )(fn)
    fn = click.option(
        "--executor",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        envvar="KG_EXECUTOR",
        help="Where articles are extracted: this machine's cores, or a Dask cluster "
        "(pip install 'kg[dask]'; env KG_EXECUTOR).",
    )(fn)
    fn = click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=None,
        envvar="KG_WORKERS",
        help="Processes that extract articles at once (env KG_WORKERS; 1: all in this "
        "process).  [default: the machine's cores]",
    )(fn)
    fn = click.option(
        "--follow-symlinks",
        is_flag=True,
        help="Read files that links inside a folder lead to outside it (skipped otherwise).",
    )(fn)
    return click.option(
        "--max-document-mb",
        type=click.FloatRange(min=0, min_open=True),
        default=10.0,
        show_default=True,
        help="Refuse a file larger than this many megabytes (one line each; the rest builds).",
    )(fn)


def extractor_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--extractor and the --llm-* options, for the commands that build the graph."""
    options = [
        click.option(
            "--extractor",
            type=click.Choice(["rules", "llm", "rules+llm"]),
            default="rules",
            show_default=True,
            envvar="KG_EXTRACTOR",
            help="Who finds the facts: kg's rules (no network), a language model behind "
            "--llm-url, or both (env KG_EXTRACTOR).",
        ),
        click.option(
            "--llm-url",
            envvar="KG_LLM_URL",
            help="Base URL of an OpenAI-compatible chat-completions server, e.g. "
            "http://127.0.0.1:11434/v1 for Ollama (env KG_LLM_URL; a key, if it needs "
            "one, in KG_LLM_API_KEY).",
        ),
        click.option("--llm-model", envvar="KG_LLM_MODEL", help="Model name (env KG_LLM_MODEL)."),
        click.option(
            "--llm-max-calls",
            type=click.IntRange(min=0),
            default=None,
            envvar="KG_LLM_MAX_CALLS",
            help="Most calls to the model in one build; documents past it keep their "
            "rule-based facts (env KG_LLM_MAX_CALLS).  [default: no bound]",
        ),
        click.option(
            "--llm-timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=120.0,
            show_default=True,
            envvar="KG_LLM_TIMEOUT",
            help="Seconds to wait for one answer (env KG_LLM_TIMEOUT).",
        ),
        click.option(
            "--llm-concurrency",
            type=click.IntRange(min=1),
            default=4,
            show_default=True,
            envvar="KG_LLM_CONCURRENCY",
            help="Calls in flight at once (env KG_LLM_CONCURRENCY).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _llm_settings(options: dict[str, Any]) -> Any:
    """The LLMSettings the --extractor and --llm-* options ask for (None: the rules only);
    a usage error when a model is asked for without its server and name."""
    import os

    mode = options.pop("extractor")
    url, model = options.pop("llm_url"), options.pop("llm_model")
    max_calls, timeout = options.pop("llm_max_calls"), options.pop("llm_timeout")
    concurrency = options.pop("llm_concurrency")
    if mode == "rules":
        return None
    from kg.llm import LLMSettings
    from kg.llm.client import endpoint

    if not url or not model:
        raise click.UsageError(f"--extractor {mode} needs --llm-url and --llm-model")
    try:
        endpoint(url)
    except KGError as err:
        raise click.BadParameter(str(err).split(" must ", 1)[-1], param_hint="--llm-url") from None
    return LLMSettings(
        url=url, model=model, mode=mode, max_calls=max_calls, timeout=timeout,
        concurrency=concurrency, api_key=os.environ.get("KG_LLM_API_KEY") or None,
    )  # fmt: skip


def _executor(kind: str, scheduler: str | None) -> Any:
    """The Executor --executor and --scheduler ask for; a usage error for a scheduler
    without --executor dask, or an address Dask cannot read."""
    from kg.extract.cluster import scheduler_address
    from kg.pipeline import Executor

    if kind != "dask":
        if scheduler:
            raise click.UsageError("--scheduler needs --executor dask")
        return Executor()
    address = scheduler_address(scheduler)
    if address is not None and not re.fullmatch(r"(tcp|tls|inproc|ucx|ws|wss)://\S+", address):
        raise click.BadParameter(
            f"{address!r} is no Dask scheduler address (expected tcp://HOST:PORT)",
            param_hint="--scheduler",
        )
    return Executor("dask", address)


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
@click.option(
    "--rebuild",
    is_flag=True,
    help="Extract every article again instead of reusing the cached extractions.",
)
@reading_options
@extractor_options
def build(
    paths: tuple[Path, ...],
    out: Path,
    store: Location,
    quiet: bool,
    rebuild: bool,
    max_document_mb: float,
    follow_symlinks: bool,
    workers: int | None,
    executor: str,
    scheduler: str | None,
    **extractor: Any,
) -> None:
    """Read articles, extract entities and facts, store and export the graph.

    PATHS are .txt, .md or .html files, or folders searched for them. With no
    PATHS the bundled sample corpus is built. Files that cannot be read are
    reported one line each; the others still build, and the exit status is 1.
    The store then holds exactly these articles; articles it already read are
    not extracted again (see --rebuild).

    With --extractor llm (or rules+llm) a language model served over the
    chat-completions protocol finds the facts (or adds to the rules'); each one
    is checked against its sentence and the ontology, and its answers are cached.

    With --executor dask the articles are extracted on a Dask cluster: the one at
    --scheduler, or a local one kg starts and stops.
    """
    from kg.pipeline import build as run_build

    llm = _llm_settings(extractor)
    _report(
        run_build, paths, quiet, store=store, out=out, rebuild=rebuild,
        max_document_mb=max_document_mb, follow_symlinks=follow_symlinks, workers=workers,
        llm=llm, executor=_executor(executor, scheduler),
    )  # fmt: skip


def _progress_bar(total: int, label: str):  # type: ignore[no-untyped-def]
    return click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)


@main.command()
@click.argument("query", required=False)
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "jsonld"]),
    default="table",
    show_default=True,
    help="Output: an aligned table; SPARQL results CSV, TSV, JSON or XML; "
    "Turtle or JSON-LD (CONSTRUCT/DESCRIBE only).",
)
@click.option(
    "--width",
    type=click.IntRange(min=0),
    default=None,
    help="Table width in characters (default: the terminal's, when printing to one; 0: no limit).",
)
def query(query: str | None, store: Location, fmt: str, width: int | None) -> None:
    """Run a SPARQL query against the store and print the results.

    QUERY is the query text, a path to a .rq file, or '-' (or nothing) to read
    it from stdin. The kg, kgr, kgd, kgf, schema, prov, rdf, rdfs, skos, owl,
    xsd and wd prefixes are predeclared. A syntax error is shown with the line
    of the query it is on and a caret under the column.
    """
    from kg.sparql import read_query_text, run_query

    text = ""
    try:
        text = read_query_text(query, stdin=sys.stdin)
        result = run_query(text, store=store)
        click.echo(result.render(fmt, width=_table_width(width)), nl=False)
    except KGError as err:
        _fail_query(err, text)


def _table_width(width: int | None) -> int | None:
    if width is not None:
        return width or None
    if not sys.stdout.isatty():
        return None  # piped to a file or a program: keep every character
    import shutil

    return shutil.get_terminal_size().columns


def _fail_query(err: KGError, text: str) -> None:
    from kg.errors import QueryError
    from kg.sparql import error_context

    if isinstance(err, QueryError) and text:
        click.echo(f"kg: error: {err}", err=True)
        click.echo(error_context(text, err), err=True, nl=False)
        sys.exit(1)
    _fail(err)


out_option = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for graph.ttl, graph.trig, graph.jsonld and graph.html.",
)


def _report(
    run: Callable[..., Any], paths: tuple[Path, ...], quiet: bool, **options: object
) -> None:
    """Run a pipeline function and print its summary; KGError -> one line and exit 1."""
    from kg.report import format_summary

    progress = None if quiet or not sys.stderr.isatty() else _progress_bar
    try:
        report = run(list(paths), progress=progress, **options)
    except KGError as err:
        _fail(err)
        return
    for problem in report.problems:
        click.echo(f"kg: error: {problem}", err=True)
    for warning in report.warnings:
        click.echo(f"kg: warning: {warning}", err=True)
    click.echo(format_summary(report))
    if report.problems:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option
@store_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; summary only.")
@reading_options
@extractor_options
def add(
    paths: tuple[Path, ...],
    out: Path,
    store: Location,
    quiet: bool,
    max_document_mb: float,
    follow_symlinks: bool,
    workers: int | None,
    executor: str,
    scheduler: str | None,
    **extractor: Any,
) -> None:
    """Add articles to the store, or update the ones that changed.

    PATHS are .txt, .md or .html files, or folders searched for them. An
    article already in the store from the same path is replaced by its new
    version; the store's other articles stay and are not extracted again.
    Give it the --extractor the store was built with (or set KG_EXTRACTOR).
    """
    from kg.pipeline import add as run_add

    llm = _llm_settings(extractor)
    _report(
        run_add, paths, quiet, store=store, out=out,
        max_document_mb=max_document_mb, follow_symlinks=follow_symlinks, workers=workers,
        llm=llm, executor=_executor(executor, scheduler),
    )  # fmt: skip


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option
@store_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; summary only.")
@extractor_options
def remove(
    paths: tuple[Path, ...], out: Path, store: Location, quiet: bool, **extractor: Any
) -> None:
    """Remove articles from the store, with every fact they state.

    PATHS are the paths the articles were built from (files, or folders
    holding them). Entities that other articles still name stay. A path that
    is not in the store is an error and nothing is removed. Give it the
    --extractor the store was built with (or set KG_EXTRACTOR); the model's
    cached answers are reused, so no call is made.
    """
    from kg.pipeline import remove as run_remove

    llm = _llm_settings(extractor)
    _report(run_remove, paths, quiet, store=store, out=out, llm=llm)


@main.command()
@store_option
def conflicts(store: Location) -> None:
    """List the figures the store's articles disagree on, each side with its sources.

    A conflict is two figures for one attribute of one thing (a deal's value,
    a user count) from different articles that cannot both be right, given
    how exactly each is stated.
    """
    from kg.conflicts import read_conflicts
    from kg.report import format_conflicts

    try:
        click.echo(format_conflicts(read_conflicts(store)), nl=False)
    except KGError as err:
        _fail(err)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("name", required=False)
@store_option
@click.option("--list", "list_", is_flag=True, help="List the named questions and exit.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml"]),
    default="table",
    show_default=True,
    help="Output: an aligned table, or SPARQL results CSV, TSV, JSON or XML.",
)
@click.option(
    "--width",
    type=click.IntRange(min=0),
    default=None,
    help="Table width in characters (default: the terminal's, when printing to one; 0: no limit).",
)
@click.pass_context
def ask(
    ctx: click.Context, name: str | None, store: Location, list_: bool, fmt: str, width: int | None
) -> None:
    """Answer a named question from queries/, e.g. `kg ask discontinued --org openai`.

    Each question takes its own --PARAM VALUE options (see --list). A VALUE
    names an entity: its key (openai), a CURIE (kgr:openai), an IRI, or its
    name or alias compared case-insensitively ("Sam Altman").
    """
    from kg.questions import ask as answer
    from kg.questions import load_questions

    try:
        if list_ or name is None:
            questions = load_questions()
            if not list_:
                known = ", ".join(questions)
                raise KGError(f"name a question (or use --list); known questions: {known}")
            for q in questions.values():
                params = " ".join(
                    f"--{p.name} X" if p.required else f"[--{p.name} X]" for p in q.parameters
                )
                click.echo(f"{q.name} {params}".rstrip())
                click.echo(f"    {q.description}")
            return
        result = answer(name, _question_params(ctx.args), store=store)
        click.echo(result.render(fmt, width=_table_width(width)), nl=False)
        if result.note:
            click.echo(result.note, err=True)
    except KGError as err:
        _fail(err)


def _question_params(args: list[str]) -> dict[str, str]:
    """``--org openai --entity=sora`` as {"org": "openai", "entity": "sora"}."""
    params: dict[str, str] = {}
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if not arg.startswith("--") or len(arg) < 3:
            raise KGError(f"unexpected argument {arg!r}; give parameters as --NAME VALUE")
        key, eq, value = arg[2:].partition("=")
        if not eq:
            if not rest:
                raise KGError(f"--{key} needs a value")
            value = rest.pop(0)
        params[key] = value
    return params


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
    help="Port to listen on (0: any free port).",
)  # fmt: skip
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
    help="Time limit of one query, in seconds.",
)  # fmt: skip
@click.option(
    "--max-rows", type=click.IntRange(min=1), default=100_000, show_default=True,
    help="Most solutions or triples one answer may hold.",
)  # fmt: skip
@click.option(
    "--workers", type=click.IntRange(min=1), default=4, show_default=True,
    help="Worker processes per front, i.e. how many queries each front runs at once.",
)  # fmt: skip
@click.option(
    "--fronts", type=click.IntRange(min=1), default=None,
    help="Processes that serve HTTP on the one port [default: one per core, at most 4].",
)  # fmt: skip
@click.option(
    "--html", "html_page", type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None, help="Graph page to serve at / (default: made from the store on first visit).",
)  # fmt: skip
@click.option(
    "--max-memory-mb", type=click.IntRange(min=0), default=2048, show_default=True,
    help="Memory each worker may use; a query past it gets a 503 (0: no limit).",
)  # fmt: skip
@click.option(
    "--idle-timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
    help="Seconds a connection may sit idle or take to send its request.",
)  # fmt: skip
def serve(
    store: Location,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    html_page: Path | None,
    max_memory_mb: int,
    idle_timeout: float,
    fronts: int | None,
) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (/sparql) and the graph page (/).

    Updates, SERVICE and FROM naming anything but the store's graphs are
    refused; a query past --timeout or --max-rows gets an error, not a hang.
    """
    from kg.server import default_fronts, make_server
    from kg.server import serve as run_server

    try:
        server = make_server(
            store, host=host, port=port, timeout=timeout, max_rows=max_rows,
            workers=workers, html_page=html_page, max_memory_mb=max_memory_mb or None,
            idle_timeout=idle_timeout, fronts=fronts or default_fronts(),
        )  # fmt: skip
    except KGError as err:
        _fail(err)
        return
    click.echo(f"kg: serving {store} at {server.url} (SPARQL endpoint: {server.url}sparql)")
    sys.stdout.flush()
    run_server(server)


@main.command()
@store_option
@click.option("--top", type=click.IntRange(1), default=10, show_default=True,
              help="How many central entities (or unmapped words) to list.")  # fmt: skip
@click.option(
    "--unmapped",
    is_flag=True,
    help="List the words of open relations (kg:relatedTo), most frequent first.",
)
def stats(store: Location, top: int, unmapped: bool) -> None:
    """Summarise the graph: entities by class, facts by relation, documents,
    the most central entities (PageRank), connected components and communities.

    With --unmapped, list instead the words that relate entities in the articles
    but that no property of the ontology means: the lexicon's to-do list.
    """
    from kg.analytics import format_stats, format_unmapped, graph_stats, unmapped_triggers
    from kg.store import load_dataset

    try:
        if unmapped:
            click.echo(format_unmapped(unmapped_triggers(load_dataset(store), top=top)), nl=False)
        else:
            click.echo(format_stats(graph_stats(load_dataset(store), top=top)), nl=False)
    except KGError as err:
        _fail(err)


@main.command()
@click.argument("source")
@click.argument("target")
@store_option
@click.option("--limit", type=click.IntRange(1), default=3, show_default=True,
              help="At most this many shortest paths.")  # fmt: skip
def path(source: str, target: str, store: Location, limit: int) -> None:
    """Print the shortest chains of facts linking SOURCE and TARGET, with evidence.

    Each entity is an entity key (openai), a kgr: CURIE, a full IRI or a label
    (any case). Relations are followed in either direction.
    """
    from kg.analytics import find_paths, format_paths
    from kg.store import load_dataset

    try:
        paths = find_paths(load_dataset(store), source, target, limit=limit)
    except KGError as err:
        _fail(err)
        return
    click.echo(format_paths(paths, source, target), nl=False)


@main.command(name="export")
@store_option
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv"]), required=True,
              help="graphml (Cytoscape, Gephi), gexf (Gephi) or csv (Neo4j import).")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="File to write (a folder for csv). Default: exports/graph.graphml, "
              "exports/graph.gexf or exports/neo4j/.")  # fmt: skip
def export_network(store: Location, fmt: str, out: Path | None) -> None:
    """Export entities and relations as a network file, with each entity's type and
    label and each relation's evidence sentences and number of sources as attributes.
    """
    from kg.export.networks import FORMATS, to_networkx, write_network
    from kg.store import load_dataset

    target = out if out is not None else DEFAULT_OUT / FORMATS[fmt]
    try:
        graph = to_networkx(load_dataset(store))
        if out is None:
            DEFAULT_OUT.mkdir(exist_ok=True)
        written = write_network(graph, target, fmt=fmt)
    except KGError as err:
        _fail(err)
        return
    except OSError as err:
        _fail(KGError(f"cannot write {target}: {err.strerror or err}"))
        return
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    for p in written:
        click.echo(f"{p}")
    click.echo(f"{n} entities, {m} relations", err=True)
