"""End to end: the real Sora articles, built and asked through SPARQL on the store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset

from kg.sparql import run_query

pytestmark = pytest.mark.slow

_EVIDENCE = """
SELECT DISTINCT ?sentence ?start ?end ?path WHERE {{
  ?f a kg:Fact ; rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ;
     kg:sentence ?sentence ; kg:startOffset ?start ; kg:endOffset ?end ;
     prov:wasDerivedFrom ?doc .
  ?doc kg:sourcePath ?path .
}}
"""


def _evidence(store: Path, s: str, p: str, o: str) -> list[tuple[str, int, int, str]]:
    result = run_query(_EVIDENCE.format(s=s, p=p, o=o), store=store)
    return [(str(r[0]), int(r[1]), int(r[2]), str(r[3])) for r in result.rows]


def _assert_evidence(rows: list[tuple[str, int, int, str]]) -> None:
    """Each evidence sentence is the article's own text at the given offsets."""
    assert rows, "no evidence"
    for sentence, start, end, path in rows:
        text = Path(path).read_text(encoding="utf-8")
        assert text[start:end] == sentence
        assert len(sentence.split()) >= 4


def test_openai_discontinued_sora(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    rows = _evidence(store, "kgr:openai", "kg:discontinued", "kgr:sora")
    _assert_evidence(rows)
    assert len({r[3] for r in rows}) >= 3, "most articles say it"


def test_sam_altman_is_ceo_of_openai(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    rows = _evidence(store, "kgr:sam-altman", "kg:ceoOf", "kgr:openai")
    _assert_evidence(rows)
    assert any("CEO" in r[0] for r in rows)


def test_openai_and_disney_are_parties_to_a_deal(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    deals = run_query(
        "SELECT DISTINCT ?deal WHERE { ?deal a kg:Deal ; kg:party kgr:openai, kgr:disney }",
        store=store,
    ).rows
    assert len(deals) == 1
    deal = f"<{deals[0][0]}>"
    for party in ("kgr:openai", "kgr:disney"):
        _assert_evidence(_evidence(store, deal, "kg:party", party))
    values = run_query(
        f"SELECT DISTINCT ?amount WHERE {{ {deal} kg:dealValue ?q . ?q kg:amount ?amount }}",
        store=store,
    ).rows
    assert any(float(v[0]) == 1e9 for v in values)


@pytest.mark.parametrize("rival", ["kling", "veo", "seedance", "google"])
def test_rivals_compete_with_sora(sora_build, rival: str) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    rows = _evidence(store, f"kgr:{rival}", "kg:competesWith", "kgr:sora")
    rows += _evidence(store, "kgr:sora", "kg:competesWith", f"kgr:{rival}")
    _assert_evidence(rows)


def test_no_page_furniture_becomes_an_entity(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    labels = {
        str(r[0]).lower()
        for r in run_query("SELECT DISTINCT ?l WHERE { ?e a ?c ; rdfs:label ?l }", store=store).rows
    }
    for furniture in (
        "key insights",
        "sign up",
        "frequently asked questions",
        "summary",
        "disclosure",
        "source link",
        "media credit",
        "editor",
    ):
        assert furniture not in labels


def test_one_node_per_thing(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    rows = run_query(
        "SELECT DISTINCT ?e WHERE { ?e rdfs:label ?l FILTER(CONTAINS(LCASE(?l), 'sora') "
        "|| CONTAINS(LCASE(?l), 'altman') || CONTAINS(LCASE(?l), 'openai')) ?e a ?c "
        "VALUES ?c { kg:Organization kg:Person kg:Product kg:AIModel } }",
        store=store,
    ).rows
    assert sorted(str(r[0]).rsplit("/", 1)[1] for r in rows) == ["openai", "sam-altman", "sora"]


def test_summary_counts(sora_build) -> None:  # type: ignore[no-untyped-def]
    report, _, _ = sora_build
    assert report.documents == 5
    assert report.entities_by_class["Organization"] >= 4
    assert report.facts_by_relation["discontinued"] >= 3
    assert not report.problems
    assert not [v for v in report.violations if v.severity == "Violation"]


def test_every_export_parses_back(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, _, out = sora_build
    trig = Dataset()
    trig.parse(data=(out / "graph.trig").read_text(encoding="utf-8"), format="trig")
    assert len(list(trig.graphs())) >= 6  # five documents and the reference graph
    for name, fmt, ox_fmt in (
        ("graph.ttl", "turtle", pyoxigraph.RdfFormat.TURTLE),
        ("graph.trig", "trig", pyoxigraph.RdfFormat.TRIG),
        ("graph.jsonld", "json-ld", pyoxigraph.RdfFormat.JSON_LD),
    ):
        ds = Dataset()
        ds.parse(data=(out / name).read_text(encoding="utf-8"), format=fmt)
        assert len(ds) > 500 or sum(len(g) for g in ds.graphs()) > 500
        assert sum(1 for _ in pyoxigraph.parse(path=str(out / name), format=ox_fmt)) > 500
    assert (out / "graph.html").stat().st_size > 10_000
