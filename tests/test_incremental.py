"""Incremental builds on the real Sora articles: identity by content, add, remove, rebuild,
a build killed half-way, and two builders at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg.pipeline
from kg.background import can_fork
from kg.cli import main
from kg.errors import InputError, OntologyError, StoreError
from kg.pipeline import add, build, remove
from kg.rdf import CONFLICTS_GRAPH, DERIVED_GRAPH, document_iri
from kg.store import lock_path, stored_documents

pytestmark = pytest.mark.slow

STORE, OUT, ARTICLES = Path("store"), Path("exports"), Path("articles")
EXPORTS = ("graph.ttl", "graph.trig", "graph.jsonld", "graph.html")
DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dev"


def _quads(store: Path) -> dict[str, set[str]]:
    """Every quad of the store as N-Quads text, by graph name."""
    s = ox.Store.read_only(str(store))
    out: dict[str, set[str]] = {}
    for q in s.quads_for_pattern(None, None, None, None):
        out.setdefault(str(q.graph_name), set()).add(
            str(ox.Triple(q.subject, q.predicate, q.object))
        )
    del s
    return out


def _exports(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in EXPORTS}


def _article(name_start: str) -> Path:
    return next(p for p in sorted(ARTICLES.iterdir()) if p.name.startswith(name_start))


def _append_to_first_paragraph(path: Path, sentence: str) -> None:
    """Add a sentence to the article's prose (its first long line), not to its page furniture."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if len(line) > 150 and "OpenAI" in line)
    lines[at] += " " + sentence
    path.write_text("\n".join(lines), encoding="utf-8")


def test_same_inputs_give_the_same_graph_and_bytes_cached_or_not(sora_workspace: Path) -> None:
    before_quads, before_files = _quads(STORE), _exports(OUT)
    again = build([ARTICLES], store=STORE, out=OUT)
    assert (again.changes.extracted, again.changes.cached, again.changes.unchanged) == (0, 5, 5)
    assert _quads(STORE) == before_quads
    assert _exports(OUT) == before_files
    fresh = build([ARTICLES], store=STORE, out=OUT, rebuild=True)
    assert (fresh.changes.extracted, fresh.changes.cached) == (5, 0)
    assert _quads(STORE) == before_quads  # a cached extraction is the extraction
    assert _exports(OUT) == before_files


def test_the_outputs_are_the_same_made_in_one_process_or_two(
    sora_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_WORKERS", "1")
    build([ARTICLES], store=STORE, out=OUT)
    one_quads, one_files = _quads(STORE), _exports(OUT)
    monkeypatch.delenv("KG_WORKERS")
    assert can_fork()
    build([ARTICLES], store=STORE, out=OUT)
    assert _quads(STORE) == one_quads
    assert _exports(OUT) == one_files


def test_a_failure_in_the_files_worker_changes_nothing(
    sora_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, files = _quads(STORE), _exports(OUT)
    edited = _article("004")
    _append_to_first_paragraph(edited, "Zentrix Labs CEO Mara Quill said the office opens in May.")

    def no_page(ds: object) -> dict[str, bytes]:
        raise OntologyError("kg.ttl: cannot read: gone")

    monkeypatch.setattr(kg.pipeline, "_render_outputs", no_page)
    with pytest.raises(OntologyError, match="kg.ttl: cannot read"):
        build([ARTICLES], store=STORE, out=OUT)
    assert _quads(STORE) == before
    assert _exports(OUT) == files
    assert not [p for p in sora_workspace.iterdir() if ".new-" in p.name or p.suffix == ".tmp"]


def test_an_edited_article_replaces_only_its_own_graph(sora_workspace: Path) -> None:
    before = _quads(STORE)
    stored = stored_documents(STORE)
    edited = _article("004")
    old_id = next(h for h, src in stored.items() if src == str(edited))
    _append_to_first_paragraph(edited, "Zentrix Labs CEO Mara Quill said the office opens in May.")

    report = add([edited], store=STORE, out=OUT)

    assert report.changes.replaced == (str(edited),)
    assert (report.changes.extracted, report.changes.unchanged, report.documents) == (1, 4, 5)
    after = _quads(STORE)
    (old_graph,) = (g for g in before if g == f"<{document_iri(old_id)}>")
    assert old_graph not in after
    new_id = next(h for h, src in stored_documents(STORE).items() if src == str(edited))
    assert new_id != old_id and f"<{document_iri(new_id)}>" in after
    merged = str(ox.DefaultGraph())  # the merged graph follows every change
    derived = {f"<{DERIVED_GRAPH}>", f"<{CONFLICTS_GRAPH}>", old_graph, merged}
    for graph in set(before) - derived:
        assert after[graph] == before[graph], f"{graph} changed"
    assert any("/zentrix-labs>" in t for t in after[f"<{document_iri(new_id)}>"])

    # The same store built from scratch from the same files is the same store.
    fresh = build([ARTICLES], store=Path("fresh"), out=Path("fresh-out"), rebuild=True)
    assert fresh.changes.extracted == 5
    assert _quads(Path("fresh")) == after
    assert _exports(Path("fresh-out")) == _exports(OUT)


def test_build_of_a_folder_re_extracts_only_what_changed(sora_workspace: Path) -> None:
    edited = _article("000")
    _append_to_first_paragraph(edited, "More is to follow.")
    report = build([ARTICLES], store=STORE, out=OUT)
    assert report.changes.replaced == (str(edited),)
    assert (report.changes.extracted, report.changes.cached) == (1, 4)


def test_a_removed_article_takes_its_facts_and_leaves_shared_entities(
    sora_workspace: Path,
) -> None:
    gone = _article("004")
    doc = next(h for h, src in stored_documents(STORE).items() if src == str(gone))
    doc_iri = str(document_iri(doc))
    store = ox.Store.read_only(str(STORE))
    named_only_there = {
        str(r["e"].value)
        for r in store.query(  # type: ignore[union-attr]
            "SELECT ?e WHERE { ?e <https://w3id.org/kg-news/ontology#mentionedIn> ?d . }"
            " GROUP BY ?e HAVING (COUNT(DISTINCT ?d) = 1 && SAMPLE(?d) = <" + doc_iri + ">)",
            use_default_graph_as_union=True,
        )
    }
    del store
    assert named_only_there, "the article names something no other article names"

    report = remove([gone], store=STORE, out=OUT)

    assert report.changes.removed == (str(gone),) and report.documents == 4
    assert report.changes.extracted == 0
    quads = _quads(STORE)
    assert f"<{doc_iri}>" not in quads
    everything = "\n".join(t for triples in quads.values() for t in triples)
    assert doc_iri not in everything, "no fact or figure still points at the removed article"
    for entity in named_only_there:
        assert f"<{entity}>" not in everything
    assert "<https://w3id.org/kg-news/id/sora>" in everything
    assert "<https://w3id.org/kg-news/id/openai>" in everything
    # Support counts are recomputed: none may count the removed article.
    store = ox.Store.read_only(str(STORE))
    rows = store.query(  # type: ignore[union-attr]
        """PREFIX kg: <https://w3id.org/kg-news/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?n (COUNT(DISTINCT ?d) AS ?docs) WHERE {
          GRAPH kgd:derived { ?f kg:supportCount ?n }
          ?f rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
          ?g rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?d .
          FILTER(isIRI(?o) && STRSTARTS(STR(?o), "https://w3id.org/kg-news/id/"))
        } GROUP BY ?f ?n""".replace("kgd:derived", f"<{DERIVED_GRAPH}>"),
        use_default_graph_as_union=True,
    )
    counted = [(int(r["n"].value), int(r["docs"].value)) for r in rows]
    del store
    assert counted and all(n == docs for n, docs in counted)


def test_removing_what_is_not_there_changes_nothing(sora_workspace: Path) -> None:
    before, files = _quads(STORE), _exports(OUT)
    with pytest.raises(InputError, match="nowhere.txt: not in the store"):
        remove([_article("000"), Path("nowhere.txt")], store=STORE, out=OUT)
    assert _quads(STORE) == before and _exports(OUT) == files


def test_cli_add_and_remove(sora_workspace: Path) -> None:
    runner = CliRunner()
    one = str(_article("001"))
    result = runner.invoke(main, ["remove", one, "--store", "store", "--out", "exports"])
    assert result.exit_code == 0, result.output
    assert "0 added, 0 replaced, 1 removed, 4 unchanged; 0 extracted, 4 from the cache" in (
        result.stdout
    )
    result = runner.invoke(main, ["add", one, "--store", "store", "--out", "exports", "-q"])
    assert result.exit_code == 0, result.output
    assert "1 added, 0 replaced, 0 removed, 4 unchanged; 0 extracted, 5 from the cache" in (
        result.stdout
    ), "the removed article's extraction is still cached"
    result = runner.invoke(main, ["remove", "nowhere.txt", "--store", "store"])
    assert result.exit_code == 1
    assert result.stderr == "kg: error: nowhere.txt: not in the store store\n"


def _start_builder(ws: Path) -> subprocess.Popen[bytes]:
    """A `kg build --rebuild` of the Sora and dev articles in a child process, once it
    holds the store's lock (so that it is past its start and busy extracting)."""
    if not DEV.is_dir():
        pytest.skip(f"{DEV} is not there")
    child = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", "articles", str(DEV), "--rebuild", "-q"]
        + ["--store", "store", "--out", "exports"],
        cwd=ws,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lock = lock_path(ws / "store")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if lock.exists() and lock.read_text().strip() == str(child.pid):
            return child
        if child.poll() is not None:
            break
        time.sleep(0.02)
    child.kill()
    raise AssertionError(f"the builder never took the lock: {child.communicate()}")


def test_a_build_killed_half_way_leaves_store_and_exports_as_they_were(
    sora_workspace: Path,
) -> None:
    before, files = _quads(STORE), _exports(OUT)
    child = _start_builder(sora_workspace)
    time.sleep(1.0)  # loading spaCy and extracting thirteen articles takes several seconds
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL, "the build ended before it could be killed"
    assert _quads(STORE) == before
    assert _exports(OUT) == files
    # The next build finds nothing in its way and nothing left behind.
    report = build([ARTICLES], store=STORE, out=OUT)
    assert report.changes.extracted == 0
    assert not [p for p in sora_workspace.iterdir() if ".new-" in p.name]
    assert _quads(STORE) == before


def test_a_second_builder_fails_at_once_with_a_clear_message(sora_workspace: Path) -> None:
    child = _start_builder(sora_workspace)
    try:
        started = time.monotonic()
        with pytest.raises(
            StoreError, match=rf"being written by another kg process \(pid {child.pid}\)"
        ):
            build([ARTICLES], store=STORE, out=OUT)
        result = CliRunner().invoke(main, ["remove", "articles", "--store", "store"])
        assert result.exit_code == 1
        assert f"is being written by another kg process (pid {child.pid})" in result.stderr
        assert time.monotonic() - started < 5, "it failed at once, before extracting anything"
    finally:
        out, err = child.communicate(timeout=180)
    assert child.returncode == 0, err
    assert b"Documents:  13" in out
    assert len(stored_documents(STORE)) == 13
