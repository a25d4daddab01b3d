"""kg.questions and `kg ask`: every named question on the Sora articles, and the errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Literal, URIRef

from kg.cli import main
from kg.errors import QueryError
from kg.questions import ask, load_questions, resolve_entity
from kg.store import write_store
from kg.vocab import KG, KGD, KGR, RDF

REQUIRED = {
    "discontinued",
    "competitors",
    "deals",
    "leaders",
    "facts",
    "single-source",
    "conflicts",
}


def _iri(key: str) -> str:
    return str(KGR[key])


def _store(ds: Dataset, tmp_path: Path) -> Path:
    path = tmp_path / "kg-store"
    write_store(ds, path)
    return path


def test_every_question_has_a_description_and_declared_parameters() -> None:
    questions = load_questions()
    assert REQUIRED <= set(questions)
    for question in questions.values():
        assert len(question.description) > 20, question.name
        assert "UNDEF" in question.text or not question.parameters


# ---------------------------------------------------------------- the Sora articles


@pytest.mark.slow
def test_reporters(sora_build) -> None:  # type: ignore[no-untyped-def]
    rows = ask("reporters", {}, store=sora_build[1]).rows
    assert (_iri("wall-street-journal"), _iri("sora")) in {(r[0], r[2]) for r in rows}
    only = ask("reporters", {"entity": "sora"}, store=sora_build[1]).rows
    assert only and {r[2] for r in only} == {_iri("sora")}


@pytest.mark.slow
def test_discontinued(sora_build) -> None:  # type: ignore[no-untyped-def]
    rows = ask("discontinued", {"org": "openai"}, store=sora_build[1]).rows
    assert [(r[0], r[2], r[3]) for r in rows] == [(_iri("openai"), _iri("sora"), "Sora")]
    assert rows[0][5] >= 2  # several articles report it


@pytest.mark.slow
def test_competitors_in_both_directions(sora_build) -> None:  # type: ignore[no-untyped-def]
    rows = ask("competitors", {"product": "Sora"}, store=sora_build[1]).rows
    competitors = {r[2] for r in rows}
    assert {_iri(k) for k in ("kling", "veo", "seedance", "google")} <= competitors
    assert _iri("sora") not in competitors


@pytest.mark.slow
def test_deals(sora_build) -> None:  # type: ignore[no-untyped-def]
    rows = ask("deals", {"org": "kgr:openai"}, store=sora_build[1]).rows
    deals = {(r[1], r[4], r[5]) for r in rows if "Cancelled (" in r[8]}
    assert (_iri("deal-disney-openai"), Decimal("1000000000"), "USD") in deals
    assert all("Disney" in r[3] and "OpenAI" in r[3] for r in rows)
    # each status names the files that state it
    for status in {r[8] for r in rows}:
        for said in status.split("; "):
            state, files = said.split(" (")
            assert state in {"Announced", "Active", "Completed", "Cancelled"}
            assert all(f.endswith(".txt") for f in files.rstrip(")").split(", "))


@pytest.mark.slow
def test_an_entity_of_the_wrong_class_says_what_it_is(sora_build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError) as info:
        ask("leaders", {"org": "Sora"}, store=sora_build[1])
    assert str(info.value) == (
        "Sora (kgr:sora) is a Product, not an organization: --org takes an organization"
    )


@pytest.mark.slow
def test_an_empty_answer_says_why(sora_build) -> None:  # type: ignore[no-untyped-def]
    result = ask("discontinued", {"org": "Disney"}, store=sora_build[1])
    assert result.rows == []
    assert result.note == "The articles state nothing this organisation discontinued."


def test_an_empty_answer_about_dates_says_where_dates_come_from(
    small_dataset: Dataset, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    write_store(small_dataset, store)  # its documents carry no date
    undated = ask("provenance-as-of", {}, store=store)
    assert undated.rows == []
    assert undated.note.startswith("No product, model or deal has a dated state change")
    assert "a DATE: line at the top of a text file" in undated.note
    result = CliRunner().invoke(main, ["ask", "provenance-as-of", "--store", str(store)])
    assert result.exit_code == 0
    assert result.stderr == undated.note + "\n"
    assert result.stdout.splitlines()[0].split() == ["thing", "label", "state", "since", "path"]


@pytest.mark.slow
def test_leaders(sora_build) -> None:  # type: ignore[no-untyped-def]
    rows = ask("leaders", {"org": _iri("openai")}, store=sora_build[1]).rows
    assert (_iri("sam-altman"), "Sam Altman", "ceoOf") in {(r[1], r[2], r[3]) for r in rows}


@pytest.mark.slow
def test_facts_about_an_entity_with_their_sources(sora_build) -> None:  # type: ignore[no-untyped-def]
    result = ask("facts", {"entity": "sora"}, store=sora_build[1])
    facts = {(r[1], r[2], r[3]): r[4] for r in result.rows}
    assert facts[(_iri("openai"), str(KG.discontinued), _iri("sora"))] >= 2
    assert (_iri("kling"), str(KG.competesWith), _iri("sora")) in facts
    assert all(r[0] == _iri("sora") and r[4] == len(r[5].split()) for r in result.rows)


@pytest.mark.slow
def test_single_source_facts(sora_build) -> None:  # type: ignore[no-untyped-def]
    store = sora_build[1]
    everything = ask("facts", {"entity": "sora"}, store=store).rows
    single = ask("single-source", {"entity": "sora"}, store=store).rows
    assert single
    assert {(r[0], r[1], r[2]) for r in single} == {
        (r[1], r[2], r[3]) for r in everything if r[4] == 1
    }
    assert all(r[3].startswith("https://w3id.org/kg-news/doc/") and r[4] for r in single)
    assert len(ask("single-source", store=store).rows) >= len(single)


@pytest.mark.slow
def test_conflicts_on_the_sora_articles(sora_build) -> None:  # type: ignore[no-untyped-def]
    from kg.sparql import run_query

    store = sora_build[1]
    rows = ask("conflicts", store=store).rows
    if run_query("ASK { ?c a kg:Conflict }", store=store).boolean:
        assert _iri("deal-disney-openai") in {r[1] for r in rows}
    else:  # the build does not store conflicts (yet): then there is nothing to list
        assert rows == []


# ---------------------------------------------------------------- conflicts, hand-built


def test_conflicts(small_dataset: Dataset, tmp_path: Path) -> None:
    deal = KGR["deal-acme-robotics-globex"]
    facts = [
        f
        for f in small_dataset.graph(KGD["bbbbbbbbbbbbbbbb"]).subjects(RDF.predicate, KG.dealValue)
    ]
    assert len(facts) == 1
    other = URIRef(str(facts[0]) + "-other")
    quantity = URIRef(str(other) + "-q")
    doc_a = small_dataset.graph(KGD["aaaaaaaaaaaaaaaa"])
    for triple in [
        (other, RDF.type, KG.Fact), (other, RDF.subject, deal),
        (other, RDF.predicate, KG.dealValue),
        (other, RDF.object, quantity), (other, KG.sentence, Literal("A $3 billion deal.")),
        (other, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), KGD["aaaaaaaaaaaaaaaa"]),
        (quantity, KG.amount, Literal(Decimal("3000000000"))), (quantity, KG.unit, Literal("USD")),
    ]:  # fmt: skip
        doc_a.add(triple)
    conflicts = small_dataset.graph(KGD["conflicts"])
    c = BNode()
    conflicts.add((c, RDF.type, KG.Conflict))
    conflicts.add((c, KG.conflictAbout, deal))
    conflicts.add((c, KG.conflictProperty, KG.dealValue))
    conflicts.add((c, KG.conflictingFact, facts[0]))
    conflicts.add((c, KG.conflictingFact, other))
    store = _store(small_dataset, tmp_path)
    rows = ask("conflicts", {"entity": "deal-acme-robotics-globex"}, store=store).rows
    assert sorted((r[1], r[2], r[3], r[5]) for r in rows) == [
        (str(deal), str(KG.dealValue), "1000000000 USD", str(KGD["bbbbbbbbbbbbbbbb"])),
        (str(deal), str(KG.dealValue), "3000000000 USD", str(KGD["aaaaaaaaaaaaaaaa"])),
    ]
    assert ask("conflicts", {"entity": "pixie"}, store=store).rows == []


# ---------------------------------------------------------------- naming entities


@pytest.mark.parametrize("name", [
    "acme-robotics", "kgr:acme-robotics", "https://w3id.org/kg-news/id/acme-robotics",
    "<https://w3id.org/kg-news/id/acme-robotics>", "ACME robotics", "acme",
])  # fmt: skip
def test_resolve_entity(small_dataset: Dataset, tmp_path: Path, name: str) -> None:
    store = _store(small_dataset, tmp_path)
    assert resolve_entity(name, store=store).value == _iri("acme-robotics")


@pytest.mark.parametrize(("name", "params", "message"), [
    ("nope", {}, "unknown question 'nope'; known questions: competitors, conflicts, deals, "),
    ("deals", {}, "question 'deals' needs --org (the organisation"),
    ("deals", {"company": "acme"},
     "question 'deals' has no parameter --company; its parameters: --org"),
    ("deals", {"org": "Initech"},
     "no entity is named 'Initech' (tried it as a key, an IRI and a label)"),
    ("deals", {"org": "kgr:a b"}, "not a valid IRI: 'kgr:a b'"),
])  # fmt: skip
def test_errors(small_dataset: Dataset, tmp_path: Path, name, params, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError) as info:
        ask(name, params, store=_store(small_dataset, tmp_path))
    assert str(info.value).startswith(message)


def test_a_name_shared_by_two_entities(small_dataset: Dataset, tmp_path: Path) -> None:
    small_dataset.graph(KGD["aaaaaaaaaaaaaaaa"]).add(
        (KGR["globex"], URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("Acme"))
    )
    with pytest.raises(QueryError, match="'acme' names several entities: acme-robotics, globex;"):
        resolve_entity("acme", store=_store(small_dataset, tmp_path))


# ---------------------------------------------------------------- kg ask


def test_ask_command(small_dataset: Dataset, tmp_path: Path) -> None:
    store = _store(small_dataset, tmp_path)
    args = ["ask", "discontinued", "--store", str(store), "--org", "Acme Robotics"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "org                orgLabel       product    productLabel  how       sources\n"
        "-----------------  -------------  ---------  ------------  --------  -------\n"
        "kgr:acme-robotics  Acme Robotics  kgr:pixie  Pixie         Asserted  1\n"
    )
    csv_result = CliRunner().invoke(
        main, ["ask", "leaders", "--org=acme-robotics", "--format", "csv", "--store", str(store)]
    )
    assert csv_result.stdout_bytes.decode().splitlines()[1] == (
        f"{_iri('acme-robotics')},{_iri('jane-roe')},Jane Roe,ceoOf,1"
    )


def test_ask_list() -> None:
    result = CliRunner().invoke(main, ["ask", "--list"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "discontinued --org X" in lines
    assert "conflicts [--entity X]" in lines
    for name in REQUIRED:
        assert any(line.split()[0] == name for line in lines if not line.startswith(" "))


@pytest.mark.parametrize(("args", "error"), [
    (["ask", "deals"], "kg: error: question 'deals' needs --org"),
    (["ask", "deals", "--org"], "kg: error: --org needs a value"),
    (["ask"], "kg: error: name a question (or use --list); known questions: "),
])  # fmt: skip
def test_ask_errors(small_dataset: Dataset, tmp_path: Path, args, error: str) -> None:  # type: ignore[no-untyped-def]
    store = _store(small_dataset, tmp_path)
    result = CliRunner().invoke(main, [*args, "--store", str(store)])
    assert result.exit_code == 1
    assert result.stderr.startswith(error)
    assert result.stderr.count("\n") == 1


def test_help() -> None:
    for command in ("ask", "serve"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert "--store" in result.stdout
