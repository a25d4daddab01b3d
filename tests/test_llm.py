"""The LLM extractor against a real HTTP server that speaks the chat-completions protocol.

The server (tests/chat_server.py) replays answers written for the sentences
below, including invented facts, wrong offsets, unknown relations, classes the
ontology does not allow, and each way a server can fail. The client is kg's own,
over real HTTP on this machine.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chat_server import ChatServer, Script, completion, serving
from click.testing import CliRunner

from kg.cli import main
from kg.extract.triggers import load_triggers
from kg.ingest import read_document
from kg.llm import LLMSettings
from kg.llm.schema import (
    CLASSES,
    AnswerError,
    answer_schema,
    load_ontology,
    parse_answer,
    system_prompt,
)
from kg.pipeline import BuildReport, build
from kg.store import load_dataset

ARTICLE = (
    "Markets rose.\n\n"
    "Norwind Labs agreed to buy Pellar Systems for $40 million on Monday. "
    "Dana Okafor is the chief executive of Norwind Labs. "
    "Norwind Labs also teamed up with Quillon on its routers.\n"
)
SECOND = "Markets fell.\n\nTarsel Group launched Brightleaf, its budgeting app, in March.\n"


def _fact(subject: str, st: str, relation: str, obj: str, ot: str, **more: Any) -> dict[str, Any]:
    """A fact of the answer's form (the server adds the sentence's number unless given)."""
    return {"subject": subject, "subject_type": st, "relation": relation, "object": obj,
            "object_type": ot, "modality": "asserted", **more}  # fmt: skip


def _script(**options: Any) -> Script:
    org = "Organization"
    return Script(
        facts={
            "agreed to buy": [
                _fact("Norwind Labs", org, "acquired", "Pellar Systems", org, modality="planned"),
                _fact("Norwind Labs", org, "dealValue", "$40 million", "Figure"),
                # invented: the sentence does not name Zeta Corp
                _fact("Norwind Labs", org, "acquired", "Zeta Corp", org),
                # outside the ontology: an organisation is nobody's CEO
                _fact("Pellar Systems", org, "ceoOf", "Norwind Labs", org),
                # not a figure of its kind: a fine is money, "Monday" is none
                _fact("Norwind Labs", org, "fineAmount", "Monday", "Figure"),
            ],
            "chief executive": [
                # the model's offsets are wrong and are not read
                _fact("Dana Okafor", "Person", "CEO of", "Norwind Labs", org, start=999, end=1010),
                # a sentence the chunk does not have
                _fact("Dana Okafor", "Person", "founderOf", "Norwind Labs", org, sentence=99),
            ],
            "teamed up": [_fact("Norwind Labs", org, "teamed up with", "Quillon", org)],
            "launched": [_fact("Tarsel Group", org, "launched", "Brightleaf", "Product")],
        },
        entities={"teamed up": [{"name": "Quillon", "type": org}]},
        **options,
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text(SECOND, encoding="utf-8")
    return folder


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[ChatServer]:
    script = getattr(request, "param", None) or _script()
    yield from serving(script)


def _build(corpus: Path, tmp: Path, server_url: str, **options: Any) -> BuildReport:
    store = options.pop("store", tmp / "store")
    settings = LLMSettings(url=server_url, model=options.pop("model", "test-model"), **options)
    return build([corpus], store=store, out=tmp / "out", llm=settings)


def _facts(store: Path) -> set[tuple[str, str, str, str]]:
    ds = load_dataset(store)
    rows = ds.query(
        "SELECT ?s ?p ?o ?x WHERE { ?f a kg:Fact ; rdf:subject ?s ; rdf:predicate ?p ;"
        " rdf:object ?o ; kg:extractor ?x }"
    )
    out = set()
    for row in rows:
        s, p, o, x = (str(v) for v in row)  # type: ignore[union-attr]
        out.add((s.rsplit("/", 1)[-1], p.rsplit("#", 1)[-1], _local(o), x.split("@")[0]))
    return out


def _local(iri: str) -> str:
    return "a figure" if iri.endswith("-q") else iri.rsplit("/", 1)[-1]


@pytest.fixture
def rules_only(corpus: Path, tmp_path: Path) -> set[tuple[str, str, str, str]]:
    build([corpus], store=tmp_path / "rules-store", out=tmp_path / "rules-out")
    return _facts(tmp_path / "rules-store")


# ---------------------------------------------------------------- prompt and schema


def test_prompt_and_schema_are_made_from_the_ontology() -> None:
    onto = load_ontology()
    prompt = system_prompt(onto)
    classes = load_triggers().classes
    asked = [p for p, (s, _o) in classes.items() if set(s) & set(CLASSES)]
    for prop in asked:
        if prop in ("relatedTo",):
            continue
        assert re.search(rf"^- {prop} \(", prompt, re.M), prop
    # each line carries the ontology's own domain and range
    subj, obj = classes["acquired"]
    line = next(x for x in prompt.splitlines() if x.startswith("- acquired ("))
    assert all(c in line for c in subj if c in CLASSES) and all(c in line for c in obj)
    assert "- ceoOf (Person -> Organization)" in prompt
    schema = answer_schema(onto)
    fact = schema["properties"]["facts"]["items"]
    assert fact["properties"]["subject_type"]["enum"] == list(CLASSES)
    assert fact["properties"]["modality"]["enum"] == list(onto.modalities)
    assert set(fact["required"]) == set(fact["properties"]) and not fact["additionalProperties"]
    assert json.dumps(schema, sort_keys=True) in prompt


def test_the_parser_checks_the_answer_against_the_schema() -> None:
    onto = load_ontology()
    good = _fact("A", "Organization", "acquired", "B", "Organization", sentence=1)
    no_type = {k: v for k, v in good.items() if k != "subject_type"}
    bad_class = {**good, "object_type": "Spaceship"}
    text = json.dumps({"facts": [good, no_type, bad_class, "loose"]})
    entities, facts, bad = parse_answer(f"```json\n{text}\n```", onto)
    assert (entities, facts) == ([], [good]) and len(bad) == 3
    no_modality = {k: v for k, v in good.items() if k != "modality"}
    assert parse_answer(json.dumps({"facts": [no_modality]}), onto)[1][0]["modality"] == "asserted"
    for reply in ("Sure! Here are the facts.", '{"entities": []}', "[1, 2]"):
        with pytest.raises(AnswerError):
            parse_answer(reply, onto)


# ---------------------------------------------------------------- a build


def test_a_build_keeps_only_grounded_facts_and_is_shacl_clean(
    corpus: Path, tmp_path: Path, server: ChatServer
) -> None:
    report = _build(corpus, tmp_path, server.url)
    assert not report.warnings
    assert [v for v in report.violations if v.severity == "Violation"] == []
    llm = report.llm
    assert llm is not None
    assert (llm.proposed, llm.kept) == (9, 5)
    assert llm.dropped == {
        "a name not in its sentence": 1,
        "outside the ontology": 1,
        "not a figure of its kind": 1,
        "no such sentence": 1,
    }
    found = _facts(tmp_path / "store")
    assert found == {
        ("norwind-labs", "acquired", "pellar-systems", "llm.acquired"),
        ("norwind-labs", "dealValue", "a figure", "llm.dealValue"),
        ("dana-okafor", "ceoOf", "norwind-labs", "llm.ceoOf"),
        ("norwind-labs", "relatedTo", "quillon", "llm.relatedTo"),
        ("tarsel-group", "launched", "brightleaf", "llm.launched"),
        # who launched a product makes it, whoever proposed the launch
        ("brightleaf", "developer", "tarsel-group", "llm.launched+developer"),
    }
    # every fact's evidence is a sentence of its document, at offsets kg computed,
    # naming both of its sides
    ds = load_dataset(tmp_path / "store")
    rows = list(
        ds.query(
            "SELECT ?sent ?start ?end ?path ?sl ?ol ?text WHERE {"
            " ?f a kg:Fact ; kg:sentence ?sent ; kg:startOffset ?start ; kg:endOffset ?end ;"
            " rdf:subject/rdfs:label ?sl ; prov:wasDerivedFrom/kg:sourcePath ?path ."
            " OPTIONAL { ?f rdf:object/rdfs:label ?ol } OPTIONAL { ?f kg:relationText ?text } }"
        )
    )
    assert len(rows) == 6  # the five kept and the maker the launch implies
    for sent, start, end, path, sl, ol, text in rows:  # type: ignore[misc]
        doc = read_document(Path(str(path)))
        assert doc.text[int(start) : int(end)] == str(sent)
        assert str(sl) in str(sent) and (ol is None or str(ol) in str(sent))
        if text is not None:
            assert str(text) == "teamed up with"
    # the request carried the ontology's schema as structured output
    assert server.requests[0]["response_format"]["json_schema"]["schema"] == answer_schema(
        load_ontology()
    )


def test_a_second_build_makes_no_call(corpus: Path, tmp_path: Path, server: ChatServer) -> None:
    first = _build(corpus, tmp_path, server.url)
    calls = len(server.requests)
    assert first.llm is not None and first.llm.calls == calls == 2
    again = _build(corpus, tmp_path, server.url)
    assert len(server.requests) == calls
    assert again.llm is not None and (again.llm.calls, again.llm.cached) == (0, 2)
    assert again.facts == first.facts
    # another model is another cache entry
    _build(corpus, tmp_path, server.url, model="other-model")
    assert len(server.requests) == calls + 2


def test_rules_and_llm_is_the_union(
    corpus: Path, tmp_path: Path, server: ChatServer, rules_only: set[tuple[str, ...]]
) -> None:
    report = _build(corpus, tmp_path, server.url, mode="rules+llm")
    found = _facts(tmp_path / "store")
    assert rules_only <= found  # every rule-based fact, with its own extractor and evidence
    added = found - rules_only
    assert added and all(x.startswith("llm.") for *_rest, x in added)
    assert report.llm is not None and report.llm.duplicates >= 1
    # a fact the rules drew from the same sentence is not drawn again by the model
    pairs = {(s, p, o) for s, p, o, _x in rules_only}
    assert not {(s, p, o) for s, p, o, _x in added} & pairs


def test_a_server_without_structured_output_is_asked_again_without_it(
    corpus: Path, tmp_path: Path
) -> None:
    for server in serving(_script(no_schema=True, fence=True)):
        report = _build(corpus, tmp_path, server.url)
        assert report.llm is not None and report.llm.kept == 5 and not report.warnings
        plain = [r for r in server.requests if "response_format" not in r]
        assert len(plain) == 2  # each chunk answered once, without the schema
        assert "response_format" in server.requests[0] and len(server.requests) <= 4


def test_the_calls_are_bounded_in_flight_and_in_number(corpus: Path, tmp_path: Path) -> None:
    # a long article: several chunks, asked at once up to the bound
    long = "Markets rose.\n\n" + " ".join(
        f"Norwind Labs agreed to buy Pellar Systems {i} for $40 million." for i in range(40)
    )
    (corpus / "a.txt").write_text(long + "\n", encoding="utf-8")
    for server in serving(_script(delay=0.2)):
        report = _build(corpus, tmp_path, server.url, concurrency=2)
        assert report.llm is not None and report.llm.calls == len(server.requests) >= 5
        assert server.most_in_flight == 2
    for server in serving(_script()):
        report = _build(corpus, tmp_path / "bounded", server.url, max_calls=1)
        assert len(server.requests) == 1  # b.txt's one chunk; a.txt needs more than is left
        assert report.llm is not None and report.llm.fallback == 1
        assert report.warnings == [
            f"{corpus / 'a.txt'}: the model's facts are left out (the --llm-max-calls bound"
            " of 1 is spent); the document keeps its rule-based facts"
        ]


# ---------------------------------------------------------------- bad answers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _reply(status: int, body: Any) -> Script:
    return _script(override=lambda _request: (status, body))


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        (_reply(500, {"error": {"message": "model crashed"}}), "HTTP 500: model crashed"),
        (_reply(200, completion("Here you go: the facts.")), "the answer is not JSON"),
        (_reply(200, b"<html>proxy error</html>"), "the reply is not the protocol's JSON"),
        (_reply(200, completion(None, refusal="I can't help with that.")), "the model refused"),
        (_script(delay=3.0), "no answer within 0.5 s"),
    ],
    ids=["http-error", "malformed-json", "not-the-protocol", "refusal", "timeout"],
)
def test_a_failed_answer_warns_and_keeps_the_rules_facts(
    script: Script, reason: str, corpus: Path, tmp_path: Path, rules_only: set[tuple[str, ...]]
) -> None:
    for server in serving(script):
        report = _build(corpus, tmp_path, server.url, timeout=0.5)
        assert len(report.warnings) == 2  # one line for each document
        for warning, name in zip(report.warnings, ("a.txt", "b.txt"), strict=True):
            assert warning.startswith(f"{corpus / name}: the model's facts are left out (")
            assert reason in warning and "\n" not in warning
        assert report.llm is not None and report.llm.fallback == 2
        assert _facts(tmp_path / "store") == rules_only
        assert not [v for v in report.violations if v.severity == "Violation"]
        # nothing failed is cached: the next build asks again
        asked = len(server.requests)
        _build(corpus, tmp_path, server.url, timeout=0.5)
        assert len(server.requests) > asked


def test_an_unreachable_server_is_not_asked_again(
    corpus: Path, tmp_path: Path, rules_only: set[tuple[str, ...]]
) -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1"
    report = _build(corpus, tmp_path, url, concurrency=1)
    assert report.llm is not None and report.llm.calls == 1  # the second document is not tried
    assert len(report.warnings) == 2 and all("cannot reach" in w for w in report.warnings)
    assert _facts(tmp_path / "store") == rules_only
    for n in range(10):
        (corpus / f"more-{n}.txt").write_text(SECOND.replace("March", f"{n} May"), "utf-8")
    report = _build(corpus, tmp_path, url, concurrency=3)
    assert report.llm is not None and report.llm.calls <= 3 and len(report.warnings) == 12


# ---------------------------------------------------------------- the command line


def test_the_command_line_builds_with_a_model(
    corpus: Path, tmp_path: Path, server: ChatServer
) -> None:
    args = ["build", str(corpus), "--out", str(tmp_path / "out"), "--store", str(tmp_path / "s")]
    result = CliRunner().invoke(
        main, [*args, "--extractor", "llm", "--llm-url", server.url, "--llm-model", "m"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert (
        "Model:      2 call(s), 0 answer(s) from the cache; 9 fact(s) proposed, 5 kept,"
        " 4 dropped (1 a name not in its sentence, 1 no such sentence,"
        " 1 not a figure of its kind, 1 outside the ontology)"
    ) in result.stdout
    # the environment names the model as well; a failure is a warning, not an error
    env = {"KG_EXTRACTOR": "llm", "KG_LLM_URL": f"http://127.0.0.1:{_free_port()}/v1",
           "KG_LLM_MODEL": "another"}  # fmt: skip
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("kg: warning: ") == 2 and "cannot reach" in result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--extractor", "llm"], "--extractor llm needs --llm-url and --llm-model"),
        (["--extractor", "rules+llm", "--llm-url", "http://h/v1"], "needs --llm-url and"),
        (["--extractor", "llm", "--llm-url", "file:///etc/passwd", "--llm-model", "m"],
         "Invalid value for --llm-url"),
    ],
)  # fmt: skip
def test_the_command_line_refuses_an_incomplete_model(
    extra: list[str], message: str, corpus: Path, tmp_path: Path
) -> None:
    args = ["build", str(corpus), "--out", str(tmp_path / "out"), "--store", str(tmp_path / "s")]
    result = CliRunner().invoke(main, [*args, *extra])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "s").exists()
