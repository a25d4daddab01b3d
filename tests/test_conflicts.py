"""Figures that disagree across documents: what is a conflict, the graph, `kg conflicts`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.conflicts import (
    claim_key,
    conflict_id,
    find_conflicts,
    measured_from,
    read_conflicts,
    support_counts,
)
from kg.model import Evidence, Fact, Quantity
from kg.sparql import run_query
from kg.vocab import KGD

BILLION = Decimal(10) ** 9


def _fact(doc: str, sentence: str, q: Quantity, predicate: str = "dealValue", **kw: str) -> Fact:
    return Fact(
        "deal-a-b", predicate, q, False, Evidence(doc * 64, sentence, 0, len(sentence)), "r", **kw
    )


def _money(
    text: str, amount: Decimal, qualifier: str = "exact", upper: Decimal | None = None
) -> Quantity:
    return Quantity("money", amount, text, unit="USD", qualifier=qualifier, upper=upper)


ONE_BILLION = _money("$1 billion", BILLION)
MULTI_BILLION = _money("multi-billion dollar", BILLION, "vague", 1000 * BILLION - 1)


def test_one_billion_against_multi_billion_is_a_conflict() -> None:
    facts = [
        _fact("a", "A $1 billion deal was signed.", ONE_BILLION),
        _fact("b", "The $1 billion deal ends.", ONE_BILLION),
        _fact("c", "A multi-billion dollar deal was cancelled.", MULTI_BILLION),
    ]
    (c,) = find_conflicts(facts)
    assert (c.subject, c.predicate) == ("deal-a-b", "dealValue")
    assert {c.a.object.text, c.b.object.text} == {"$1 billion", "multi-billion dollar"}  # type: ignore[union-attr]
    assert sorted((c.support_a, c.support_b)) == [1, 2]
    assert support_counts(facts)[claim_key(facts[0])] == 2


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            _money("about $1 billion", BILLION, "approximate"),
            _money("$1.1 billion", Decimal("1.1") * BILLION),
        ),
        (_money("more than $1 billion", BILLION, "at_least"), _money("$3 billion", 3 * BILLION)),
        (_money("up to $2 billion", 2 * BILLION, "at_most"), ONE_BILLION),
        (MULTI_BILLION, _money("$4 billion", 4 * BILLION)),
        (ONE_BILLION, _money("$1bn", BILLION)),
    ],
    ids=["approximate", "at-least", "at-most", "vague", "same-figure"],
)
def test_figures_that_agree_within_their_approximation_are_no_conflict(
    a: Quantity, b: Quantity
) -> None:
    assert (
        find_conflicts([_fact("a", f"It was {a.text}.", a), _fact("b", f"It was {b.text}.", b)])
        == []
    )


def test_disagreeing_figures_in_one_document_or_of_different_kinds_are_no_conflict() -> None:
    rate = Quantity("rate", BILLION * 5, "$5 billion a year", unit="USD", per="year")
    euros = Quantity("money", BILLION * 5, "€5 billion", unit="EUR")
    facts = [
        _fact("a", "A $1 billion deal.", ONE_BILLION),
        _fact("a", "A $5 billion deal.", _money("$5 billion", 5 * BILLION)),
        _fact("b", "Worth $5 billion a year.", rate),
        _fact("c", "Worth €5 billion.", euros),
        _fact("d", "Maybe $9 billion.", _money("$9 billion", 9 * BILLION), modality="hedged"),
    ]
    assert find_conflicts(facts) == []


def test_durations_counted_from_different_events_are_no_conflict() -> None:
    six = Quantity("duration", Decimal(6), "six months", unit="month")
    fifteen = Quantity("duration", Decimal(15), "15 months", unit="month")
    release = _fact("a", "It closed six months after its public release.", six, "age")
    reveal = _fact(
        "b", "It closed 15 months after the technology's initial reveal.", fifteen, "age"
    )
    also_release = _fact("c", "It closed 15 months after the public release.", fifteen, "age")
    assert measured_from(release) == "public release"
    assert measured_from(reveal) == "reveal"
    assert find_conflicts([release, reveal]) == []
    (c,) = find_conflicts([release, also_release])  # the same event: these do disagree
    assert {c.a.evidence.doc_id[0], c.b.evidence.doc_id[0]} == {"a", "c"}


def test_figures_from_different_points_of_a_change_are_no_conflict() -> None:
    peak = Quantity("count", Decimal(10**6), "around a million", qualifier="approximate")
    low = Quantity("count", Decimal(500_000), "fewer than 500,000", qualifier="at_most")
    facts = [
        _fact("a", "Its user count peaked at around a million.", peak, "userCount"),
        _fact("b", "Its users then fell to fewer than 500,000.", low, "userCount"),
    ]
    assert find_conflicts(facts) == []
    same_point = _fact("b", "Its user count peaked at fewer than 500,000.", low, "userCount")
    assert len(find_conflicts([facts[0], same_point])) == 1


def test_conflict_ids_depend_on_content_not_order() -> None:
    a = _fact("a", "A $1 billion deal.", ONE_BILLION)
    b = _fact("c", "A multi-billion dollar deal.", MULTI_BILLION)
    (one,) = find_conflicts([a, b])
    (two,) = find_conflicts([b, a])
    assert conflict_id(one) == conflict_id(two)


@pytest.mark.slow
def test_sora_disney_deal_value_conflict_is_in_the_graph(sora_build) -> None:  # type: ignore[no-untyped-def]
    report, store, _ = sora_build
    assert [(c.subject, c.predicate) for c in report.conflicts] == [
        ("deal-disney-openai", "dealValue")
    ]
    rows = run_query(
        """SELECT ?c ?fact ?doc ?sentence ?text WHERE {
          GRAPH kgd:conflicts { ?c a kg:Conflict ; kg:conflictAbout kgr:deal-disney-openai ;
                                   kg:conflictProperty kg:dealValue ; kg:conflictingFact ?fact }
          ?fact a kg:Fact ; prov:wasDerivedFrom ?doc ; kg:sentence ?sentence ; rdf:object ?q .
          ?q kg:surfaceText ?text .
        }""",
        store=store,
    ).rows
    assert len({r[0] for r in rows}) == 1
    assert str(rows[0][0]).startswith("https://w3id.org/kg-news/fact/conflict-")
    assert {str(r[4]) for r in rows} == {"$1 billion", "multi-billion dollar"}
    assert len({r[2] for r in rows}) == 2
    assert all(str(r[2]).startswith(str(KGD)) and str(r[4]) in str(r[3]) for r in rows)


@pytest.mark.slow
def test_kg_conflicts_lists_the_disney_deal_with_both_sources(sora_build) -> None:  # type: ignore[no-untyped-def]
    _, store, _ = sora_build
    (conflict,) = read_conflicts(store)
    assert conflict.predicate_name == "dealValue"
    values = {
        side.value: [s.path.rsplit("/", 1)[-1][:3] for s in side.sources] for side in conflict.sides
    }
    assert values == {"$1 billion": ["000", "001"], "multi-billion dollar": ["002"]}

    result = CliRunner().invoke(main, ["conflicts", "--store", str(store)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(
        "Disney – OpenAI deal (https://w3id.org/kg-news/id/deal-disney-openai) dealValue:\n"
    )
    assert "  '$1 billion', stated by 2 documents:\n" in out
    assert "  'multi-billion dollar', stated by 1 document:\n" in out
    for name in ("000_", "001_", "002_"):
        assert f"sora/{name}" in out
    for side in conflict.sides:
        assert f"      {side.sources[0].sentence}\n" in out
    assert out.endswith("\n1 conflict\n")


def test_kg_conflicts_without_a_store_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["conflicts", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.stderr == f"kg: error: no store at {tmp_path / 'none'}: run `kg build` first\n"
