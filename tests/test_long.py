"""Documents of any length: cut into blocks and sections, read at a cost per character
that does not grow with the document."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.extract import BLOCK_CHARS, SECTION_CHARS, _cut_block, _sections, extract_documents
from kg.extract.nlp import load_nlp
from kg.ingest import document_from_text

ROOT = Path(__file__).resolve().parent.parent
_SENTENCE = "Acme Corp said on Monday that it would shut down Pixie, its photo app. "


def test_a_long_block_is_cut_after_sentence_ends() -> None:
    text = _SENTENCE * 400
    spans = _cut_block(text, 0, len(text))
    assert len(spans) > 1
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))  # no gap
    assert all(e - s <= BLOCK_CHARS for s, e in spans)
    assert all(text[s:e].rstrip().endswith(".") for s, e in spans)


def test_a_block_without_sentence_ends_is_cut_at_spaces() -> None:
    text = "word " * 3000
    spans = _cut_block(text, 0, len(text))
    assert all(text[s:e].endswith(" ") for s, e in spans[:-1])
    blob = "x" * 12_000  # nowhere to cut: cut anyway
    assert [e - s for s, e in _cut_block(blob, 0, len(blob))] == [5000, 5000, 2000]


def test_a_long_document_is_read_in_sections_with_the_headline_in_the_first() -> None:
    doc = document_from_text("Acme to shut Pixie\n\n" + "\n\n".join([_SENTENCE * 10] * 100))
    sections = _sections(doc)
    assert len(sections) > 1
    assert all(sum(e - s for s, e in spans) <= SECTION_CHARS for spans, _ in sections)
    assert [head is not None for _, head in sections] == [True] + [False] * (len(sections) - 1)
    assert [span for spans, _ in sections for span in spans] == list(doc.body)


def test_a_line_longer_than_the_parser_takes_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """spaCy refuses a text over its max_length: before blocks were cut, so did kg."""
    nlp = load_nlp()
    monkeypatch.setattr(nlp, "max_length", 20_000)
    tail = "Later, Globex Inc agreed to acquire Initech for $2 billion. "
    text = "Acme news\n\n" + _SENTENCE * 400 + tail  # one line of ~30,000 characters
    doc = document_from_text(text)
    [ex] = extract_documents([doc])
    assert len(ex.sentences) > 400
    facts = {(r.subject.name, r.predicate, getattr(r.object, "name", None)) for r in ex.relations}
    assert ("Globex Inc", "acquired", "Initech") in facts
    for r in ex.relations:  # evidence offsets still point into the document's text
        assert doc.text[r.sentence.start : r.sentence.end] == r.sentence.text


@pytest.mark.slow
def test_kg_build_reads_a_one_mebibyte_line(tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    filler = "Prices moved little during a quiet day of trading in the region. "
    line = _SENTENCE + filler * ((1 << 20) // len(filler) + 1) + _SENTENCE
    path.write_text("Acme news\n\n" + line, "utf-8")
    assert path.stat().st_size > 1 << 20
    done = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(path), "--store", str(tmp_path / "s"),
         "--out", str(tmp_path / "out"), "--quiet"],
        capture_output=True, text=True, timeout=900, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == ""
    assert "Documents:  1" in done.stdout
    assert "discontinued" in done.stdout


def test_a_headline_of_thousands_of_characters_is_read_as_text() -> None:
    head = "# " + "Acme Corp said on Monday it would shut down Pixie, its photo app " * 120
    doc = document_from_text(head.rstrip() + "\n\nBody.\n", fmt="md")
    [ex] = extract_documents([doc])
    assert len(ex.sentences) >= 2 and any(r.predicate == "discontinued" for r in ex.relations)
