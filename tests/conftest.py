"""Shared fixtures: small hand-built inputs for each stage, and paths to the corpora."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset

from kg.model import Document, Entity, Evidence, Fact, Quantity
from kg.rdf import to_dataset

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"

_TEXT_A = (
    "Acme Robotics is shutting down Pixie, its photo app. "
    "Acme CEO Jane Roe told staff the app cost $2 million a day. "
    "Rivals such as Blinkr have surpassed Pixie."
)
_TEXT_B = (
    'Acme and Globex signed a $1 billion licensing deal. <script>alert("x")</script> '
    "The deal was later cancelled."
)


@pytest.fixture
def small_facts() -> tuple[
    list[Document], dict[str, Entity], list[Fact], dict[str, dict[str, int]]
]:
    """Two documents, six entities and a handful of facts, built by hand."""
    doc_a = Document(
        id="a" * 64, source="a.txt", text=_TEXT_A, format="txt", title="Acme ends Pixie"
    )
    doc_b = Document(
        id="b" * 64,
        source="b.html",
        text=_TEXT_B,
        format="html",
        title='Deal <img src=x onerror="alert(1)">',
        url="https://news.example/acme-globex",
        publisher="Example News",
        date="2026-03-02",
    )
    entities = {
        "acme-robotics": Entity("acme-robotics", "Acme Robotics", "Organization", ("Acme",)),
        "pixie": Entity("pixie", "Pixie", "Product", maker="acme-robotics"),
        "jane-roe": Entity("jane-roe", "Jane Roe", "Person"),
        "blinkr": Entity("blinkr", "Blinkr", "AIModel"),
        "globex": Entity("globex", "Globex <b>Corp</b>", "Organization", wikidata="Q1"),
        "deal-acme-robotics-globex": Entity(
            "deal-acme-robotics-globex", "Acme Robotics–Globex deal", "Deal"
        ),
    }

    def ev(doc: Document, needle: str) -> Evidence:
        start = doc.text.index(needle)
        return Evidence(doc.id, needle, start, start + len(needle))

    s1 = "Acme Robotics is shutting down Pixie, its photo app."
    s2 = "Acme CEO Jane Roe told staff the app cost $2 million a day."
    s3 = "Rivals such as Blinkr have surpassed Pixie."
    s4 = "Acme and Globex signed a $1 billion licensing deal."
    s5 = "The deal was later cancelled."
    deal = "deal-acme-robotics-globex"
    facts = [
        Fact("acme-robotics", "discontinued", "pixie", True, ev(doc_a, s1), "discontinued.verb"),
        Fact("jane-roe", "ceoOf", "acme-robotics", True, ev(doc_a, s2), "ceoOf.title"),
        Fact(
            "pixie",
            "cost",
            Quantity("rate", Decimal("2000000"), "$2 million a day", unit="USD", per="day"),
            False,
            ev(doc_a, s2),
            "cost.quantity",
        ),
        Fact("blinkr", "competesWith", "pixie", True, ev(doc_a, s3), "competesWith.rival"),
        Fact(deal, "party", "acme-robotics", True, ev(doc_b, s4), "party.deal"),
        Fact(deal, "party", "globex", True, ev(doc_b, s4), "party.deal"),
        Fact(
            deal,
            "dealValue",
            Quantity("money", Decimal("1000000000"), "$1 billion", unit="USD"),
            False,
            ev(doc_b, s4),
            "dealValue.quantity",
        ),
        Fact(deal, "dealStatus", "Cancelled", False, ev(doc_b, s5), "dealStatus.cancel"),
    ]
    counts = {
        doc_a.id: {"acme-robotics": 2, "pixie": 3, "jane-roe": 1, "blinkr": 1},
        doc_b.id: {"acme-robotics": 1, "globex": 1, deal: 2},
    }
    return [doc_a, doc_b], entities, facts, counts


@pytest.fixture
def small_dataset(small_facts) -> Dataset:  # type: ignore[no-untyped-def]
    """The small facts encoded as quads, one named graph per document."""
    return to_dataset(*small_facts)


@pytest.fixture
def sora_corpus() -> Path:
    path = SHARED / "sora"
    if not path.is_dir():
        pytest.skip(f"{path} is not there (the shared corpus sits beside the repository)")
    return path


@pytest.fixture(scope="session")
def sora_build(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The Sora articles built once, with the real spaCy pipeline and store."""
    from kg.pipeline import build

    corpus = SHARED / "sora"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is not there (the shared corpus sits beside the repository)")
    root = tmp_path_factory.mktemp("sora")
    report = build([corpus], store=root / "store", out=root / "exports")
    return report, root / "store", root / "exports"


@pytest.fixture(scope="session")
def read_facts():  # type: ignore[no-untyped-def]
    """text -> the resolved facts as (subject, property, object, modality) tuples."""
    from kg.extract import extract_documents
    from kg.ingest import document_from_text
    from kg.model import Quantity
    from kg.resolve import resolve

    def run(text: str) -> set[tuple[str, str, object, str]]:
        res = resolve(extract_documents([document_from_text(text)]))
        out: set[tuple[str, str, object, str]] = set()
        for f in res.facts:
            obj: object = f.object
            if isinstance(obj, Quantity):
                obj = (obj.kind, obj.amount, obj.unit, obj.per, obj.qualifier)
            out.add((f.subject, f.predicate, obj, f.modality))
        return out

    return run


@pytest.fixture(scope="session")
def sparql_server(sora_build):  # type: ignore[no-untyped-def]
    """`kg serve` over the Sora store on a free port: 3 workers, 1.5 s and 200 rows per query."""
    from kg.server import make_server
    from tests.servers import serving

    _, store, exports = sora_build
    server = make_server(
        store, port=0, timeout=1.5, max_rows=200, workers=3, html_page=exports / "graph.html"
    )
    yield from serving(server)


@pytest.fixture(scope="session")
def sora_cached(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with copies of the Sora articles (``articles/``), built once into
    ``store/`` (with its extraction cache) and ``exports/``, from relative paths."""
    import os
    import shutil

    from kg.pipeline import build

    corpus = SHARED / "sora"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is not there (the shared corpus sits beside the repository)")
    root = tmp_path_factory.mktemp("sora-cached")
    shutil.copytree(corpus, root / "articles")
    for path in (root / "articles").iterdir():
        path.chmod(0o644)  # the shared corpus is read-only; the copies are edited
    (root / "articles").chmod(0o755)
    here = Path.cwd()
    os.chdir(root)
    try:
        build([Path("articles")], store=Path("store"), out=Path("exports"))
    finally:
        os.chdir(here)
    return root


@pytest.fixture
def sora_workspace(sora_cached: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of ``sora_cached`` (articles, store, cache, exports), as the cwd."""
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(sora_cached, ws, ignore=shutil.ignore_patterns(".*.lock"))
    monkeypatch.chdir(ws)
    return ws
