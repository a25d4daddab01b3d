"""The command line: help text, build with good and bad input, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

GOOD = "Norwind Labs is shutting down Glimmer, its photo-sharing app.\n"


def _commands() -> list[str]:
    return sorted(main.commands)  # type: ignore[attr-defined]


def test_every_command_has_help() -> None:
    runner = CliRunner()
    top = runner.invoke(main, ["--help"])
    assert top.exit_code == 0
    for name in _commands():
        assert name in top.output
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert f"Usage: main {name}" in result.output or f"Usage: kg {name}" in result.output
        assert len(result.output.splitlines()) > 4


def test_build_reports_bad_files_and_builds_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "empty.md").write_text("", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04")
    (corpus / "latin1.txt").write_bytes("Caf\xe9 news".encode("latin-1"))
    missing = tmp_path / "nope.txt"
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(corpus),
            str(missing),
            "--out",
            str(tmp_path / "out"),
            "--store",
            str(tmp_path / "store"),
        ],
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"kg: error: {missing}: no such file or folder",
        f"kg: error: {corpus / 'binary.txt'}: binary file, not text (a NUL byte at offset 0)",
        f"kg: error: {corpus / 'empty.md'}: empty document",
        f"kg: error: {corpus / 'latin1.txt'}: not UTF-8 text (byte 0xe9 at offset 3)",
    ]
    assert result.stdout.startswith("Documents:  1 (4 input problem(s) reported above)\n")
    for name in ("graph.ttl", "graph.trig", "graph.jsonld", "graph.html"):
        assert (tmp_path / "out" / name).stat().st_size > 0


def test_build_with_nothing_readable_keeps_the_old_exports(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("# a good export\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    result = CliRunner().invoke(
        main, ["build", str(bad), "--out", str(out), "--store", str(tmp_path / "store")]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"kg: error: nothing to build ({bad}: not UTF-16 text (byte 0xfa at offset 2))\n"
    )
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "# a good export\n"
    assert not (tmp_path / "store").exists()


@pytest.mark.slow
def test_build_without_paths_builds_the_bundled_sample(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Documents:  ")
    assert int(lines[0].split()[1]) >= 3
    assert any(line.startswith("Facts:") for line in lines)
    assert (tmp_path / "kg-store").is_dir()
    assert (tmp_path / "exports" / "graph.html").is_file()
    query = CliRunner().invoke(main, ["query", "ASK { ?f a kg:Fact }"])
    assert query.exit_code == 0
    assert query.stdout.strip() == "true"
