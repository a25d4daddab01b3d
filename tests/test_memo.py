"""A build with nothing to do: same inputs, same store, same files (kg/memo.py)."""

from __future__ import annotations

import os
from pathlib import Path

from kg.memo import load_memo, memo_path
from kg.pipeline import OUTPUT_NAMES, build
from kg.report import format_summary


def _left(where: Path) -> list[tuple[str, int, int]]:
    """The store folder's and each export's inode and modification time."""
    paths = [where / "store", *(where / "exports" / n for n in OUTPUT_NAMES)]
    return [(p.name, os.stat(p).st_ino, os.stat(p).st_mtime_ns) for p in paths]


def _summary(report: object) -> list[str]:
    lines = format_summary(report).splitlines()  # type: ignore[arg-type]
    return [line for line in lines if not line.startswith(("Time", "Changes"))]


def test_a_build_with_nothing_changed_writes_nothing_and_reports_the_same(
    tmp_path: Path,
) -> None:
    common = {"store": tmp_path / "store", "out": tmp_path / "exports"}
    first = build([], **common)  # type: ignore[arg-type]
    before = _left(tmp_path)
    again = build([], **common)  # type: ignore[arg-type]
    assert _left(tmp_path) == before  # no new store swapped in, no file rewritten
    assert _summary(again) == _summary(first)
    assert again.conflicts == first.conflicts and again.violations == first.violations
    assert again.changes.extracted == 0 and again.changes.unchanged == again.documents


def test_any_difference_makes_a_full_build(tmp_path: Path) -> None:
    common = {"store": tmp_path / "store", "out": tmp_path / "exports"}
    build([], **common)  # type: ignore[arg-type]
    page = tmp_path / "exports" / "graph.html"
    good = page.read_bytes()
    page.write_text("edited by hand")
    build([], **common)  # type: ignore[arg-type]
    assert page.read_bytes() == good  # the files are made again
    (tmp_path / "exports" / "graph.ttl").unlink()
    build([], **common)  # type: ignore[arg-type]
    assert (tmp_path / "exports" / "graph.ttl").is_file()
    before = _left(tmp_path)
    build([], **common, rebuild=True)  # type: ignore[arg-type]
    assert _left(tmp_path) != before  # --rebuild never takes the shortcut
    other = build([], store=tmp_path / "store", out=tmp_path / "elsewhere")
    assert [p.parent for p in other.exports] == [tmp_path / "elsewhere"] * len(OUTPUT_NAMES)
    assert (tmp_path / "elsewhere" / "graph.trig").read_bytes() == (
        tmp_path / "exports" / "graph.trig"
    ).read_bytes()


def test_a_memo_that_cannot_be_read_is_no_memo(tmp_path: Path) -> None:
    common = {"store": tmp_path / "store", "out": tmp_path / "exports"}
    build([], **common)  # type: ignore[arg-type]
    assert load_memo(tmp_path / "store") is not None
    memo_path(tmp_path / "store").write_text("{not json")
    assert load_memo(tmp_path / "store") is None
    before = _left(tmp_path)
    build([], **common)  # type: ignore[arg-type]
    assert _left(tmp_path) != before  # built in full, and the memo written again
    assert load_memo(tmp_path / "store") is not None
