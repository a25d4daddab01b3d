"""Provenance: the extraction activity, support counts, dated state changes, and the
queries/provenance-*.rq examples run against the built Sora articles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kg import __version__
from kg.dates import find_date
from kg.pipeline import build
from kg.questions import queries_dir
from kg.rdf import DERIVED_GRAPH
from kg.sparql import run_query

MONDAY = date(2026, 3, 30)


@pytest.mark.parametrize(
    ("sentence", "published", "future", "text", "earliest", "latest"),
    [
        (
            "It was announced in September 2024.",
            None,
            False,
            "September 2024",
            "2024-09-01",
            "2024-09-30",
        ),
        ("It launched in 2019 to acclaim.", None, False, "in 2019", "2019-01-01", "2019-12-31"),
        (
            "It shut down on March 24, 2026.",
            None,
            False,
            "March 24, 2026",
            "2026-03-24",
            "2026-03-24",
        ),
        ("It shut down on 3 March 2026.", None, False, "3 March 2026", "2026-03-03", "2026-03-03"),
        (
            "Its decision last week surprised many.",
            MONDAY,
            False,
            "last week",
            "2026-03-23",
            "2026-03-29",
        ),
        ("Its decision last week surprised many.", None, False, "last week", None, None),
        (
            "This past Tuesday, it closed.",
            MONDAY,
            False,
            "This past Tuesday",
            "2026-03-24",
            "2026-03-24",
        ),
        (
            "It was cancelled on Wednesday.",
            MONDAY,
            False,
            "on Wednesday",
            "2026-03-25",
            "2026-03-25",
        ),
        (
            "The firm said yesterday it was done.",
            MONDAY,
            False,
            "yesterday",
            "2026-03-29",
            "2026-03-29",
        ),
        ("It closed two months ago.", MONDAY, False, "two months ago", "2026-01-01", "2026-01-31"),
        ("The app will close on June 30.", MONDAY, True, "June 30", "2026-06-30", "2026-06-30"),
        ("It was signed in November.", MONDAY, False, "in November", "2025-11-01", "2025-11-30"),
        ("It will be retired in May.", MONDAY, True, "in May", "2026-05-01", "2026-05-31"),
    ],
)
def test_dates_are_resolved_against_the_article_date(
    sentence: str,
    published: date | None,
    future: bool,
    text: str,
    earliest: str | None,
    latest: str | None,
) -> None:
    found = find_date(sentence, published, future=future)
    assert found is not None
    assert (found.text, sentence[found.start : found.end]) == (text, text)
    assert (
        found.earliest and found.earliest.isoformat(),
        found.latest and found.latest.isoformat(),
    ) == (
        earliest,
        latest,
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "The company may launch it.",
        "It lasted six months after its release.",
        "Sales hit 2,019 units.",
    ],
)
def test_sentences_without_a_date(sentence: str) -> None:
    assert find_date(sentence, MONDAY) is None


def _rows(query: str, store: Path) -> list[tuple[str, ...]]:
    return [
        tuple("" if v is None else str(v) for v in row)
        for row in run_query(query, store=store).rows
    ]


@pytest.mark.slow
def test_every_fact_was_generated_by_an_extraction_of_its_document(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    missing = _rows(
        """SELECT ?f WHERE { ?f a kg:Fact ; prov:wasDerivedFrom ?d .
           FILTER NOT EXISTS { ?f prov:wasGeneratedBy ?a . ?a a prov:Activity ; prov:used ?d ;
                  prov:wasAssociatedWith ?agent . ?agent a prov:SoftwareAgent } }""",
        store,
    )
    assert missing == []
    versions = _rows(
        "SELECT DISTINCT ?v WHERE { ?a a prov:SoftwareAgent ; schema:softwareVersion ?v }", store
    )
    assert len(versions) == 1 and versions[0][0].startswith(f"{__version__}+rules.")


@pytest.mark.slow
def test_support_counts_are_derived_data_and_count_documents(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    in_documents = _rows(
        "SELECT ?f WHERE { GRAPH ?g { ?f kg:supportCount ?n }"
        f" FILTER(?g != <{DERIVED_GRAPH}>) }}",
        store,
    )
    assert in_documents == []
    (row,) = _rows(
        """SELECT (MAX(?n) AS ?support) (COUNT(DISTINCT ?d) AS ?docs) WHERE {
             ?f rdf:subject kgr:openai ; rdf:predicate kg:discontinued ; rdf:object kgr:sora ;
                prov:wasDerivedFrom ?d .
             GRAPH kgd:derived { ?f kg:supportCount ?n } }""",
        store,
    )
    assert int(row[0]) == int(row[1]) >= 3


def _query(name: str) -> str:
    text = (queries_dir() / f"provenance-{name}.rq").read_text(encoding="utf-8")
    assert text.startswith("# ") and "\n" in text, "each example says first what it answers"
    return text


@pytest.mark.slow
def test_query_which_documents_support_a_fact(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    query = _query("sources").replace("VALUES ?entity { UNDEF }", "VALUES ?entity { kgr:sora }")
    rows = _rows(query, store)
    discontinued = [r for r in rows if r[0].endswith("/openai") and r[1].endswith("#discontinued")]
    assert len({r[3] for r in discontinued}) >= 3  # distinct paths
    for _s, _p, _v, path, _title, _pub, _date, sentence, _doc in discontinued:
        assert sentence in Path(path).read_text(encoding="utf-8")


@pytest.mark.slow
def test_query_facts_supported_by_at_least_two_sources(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    rows = _rows(_query("corroborated"), store)
    assert rows and all(int(r[3]) >= 2 and len(r[4].split(" | ")) == int(r[3]) for r in rows)
    assert any(r[0].endswith("/openai") and r[1].endswith("#discontinued") for r in rows)
    # The Disney deal's value is stated as "$1 billion" by two articles.
    assert any(
        r[1].endswith("#dealValue")
        and r[2].startswith("1000000000")
        and r[2].endswith(" USD")
        and r[3] == "2"
        for r in rows
    )


@pytest.mark.slow
def test_query_everything_one_article_claims(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    (path,) = {
        r[0] for r in _rows("SELECT ?p WHERE { ?d kg:sourcePath ?p }", store) if "/002_" in r[0]
    }
    query = _query("document").replace("VALUES ?path { UNDEF }", f'VALUES ?path {{ "{path}" }}')
    rows = _rows(query, store)
    text = Path(path).read_text(encoding="utf-8")
    assert len(rows) >= 3 and {r[0] for r in rows} == {path}
    for _p, _s, _prop, _v, sentence, start, end, _m, _c, extractor in rows:
        assert text[int(start) : int(end)] == sentence
        assert extractor.endswith(f"@{__version__}")
    assert any(r[2].endswith("#dealStatus") for r in rows)


@pytest.mark.slow
def test_state_changes_are_dated_from_the_article_date(tmp_path: Path, sora_corpus: Path) -> None:
    """One Sora article with a header giving its date: "last week" becomes a date range."""
    article = next(p for p in sorted(sora_corpus.iterdir()) if p.name.startswith("004_"))
    dated = tmp_path / "dated.txt"
    header = "TITLE: A dated copy\nDATE: 2026-03-30\nPUBLISHER: Example Wire\nURL: https://example.com/a\n\n"
    dated.write_text(header + article.read_text(encoding="utf-8"), encoding="utf-8")
    store = tmp_path / "store"
    build([dated], store=store, out=tmp_path / "out")

    (doc,) = _rows(
        "SELECT ?t ?d ?p ?u WHERE { ?x a kg:Document ; schema:headline ?t ;"
        " schema:datePublished ?d ; schema:publisher ?p ; schema:url ?u }",
        store,
    )
    assert doc == ("A dated copy", "2026-03-30", "Example Wire", "https://example.com/a")
    changes = _rows(_query("changes"), store)
    shutdown = [r for r in changes if r[0].endswith("/sora") and r[2].endswith("#Discontinued")]
    assert shutdown and shutdown[0][3:6] == ("2026-03-23", "2026-03-29", "last week")

    as_of = _query("as-of")
    after = _rows(
        as_of.replace("VALUES ?asOf { UNDEF }", 'VALUES ?asOf { "2026-04-01"^^xsd:date }'), store
    )
    assert any(r[0].endswith("/sora") and r[2].endswith("#Discontinued") for r in after)
    before = _rows(
        as_of.replace("VALUES ?asOf { UNDEF }", 'VALUES ?asOf { "2026-03-01"^^xsd:date }'), store
    )
    assert not any(r[0].endswith("/sora") and r[2].endswith("#Discontinued") for r in before)
