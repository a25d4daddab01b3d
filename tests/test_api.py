"""The public API of ``kg``: every name works, and keeps working when used again."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kg

ROOT = Path(__file__).resolve().parent.parent

# Each public name used twice in one fresh process, the way the README shows it.
TWICE = """
from pathlib import Path
import kg

for _ in range(2):
    report = kg.build([Path("articles")], store=Path("kg-store"), out=Path("exports"))
    assert report.documents == 1, report
    rows = kg.query("SELECT ?o WHERE { ?s kg:discontinued ?o }", store=Path("kg-store")).rows
    assert rows == [("https://w3id.org/kg-news/id/tallyho",)], rows
    store = kg.open_store(Path("kg-store"))
    assert len(store) > 0
    del store
    assert kg.__version__ == "{version}"
print("ok")
"""


def test_no_public_name_is_also_a_submodule() -> None:
    # A submodule of the same name replaces the function on kg once it is imported.
    for name in kg.__all__:
        assert importlib.util.find_spec(f"kg.{name}") is None, name


@pytest.mark.slow
def test_every_public_name_works_twice_in_one_process(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "story.txt").write_text(
        "Brightwater Games said on Monday that it is shutting down Tallyho, its quiz app.\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", TWICE.replace("{version}", kg.__version__)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr[-2000:]
    assert set(kg.__all__) == {"__version__", "build", "open_store", "query"}


@pytest.mark.slow
def test_the_same_files_in_two_folders_give_the_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for name, seed in (("one", "1"), ("two", "2")):
        checkout = tmp_path / name / "checkout"
        shutil.copytree(ROOT / "sample", checkout / "articles")
        # Each in a process of its own, with its own string hashing: no output may
        # depend on the order of a set.
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed}
        for args in (["build"], ["build", "articles", "--store", "kg-store-2", "--out", "exports"]):
            if args == ["build"]:
                args = ["build", "--out", "sample-exports"]  # the bundled sample
            done = subprocess.run(
                [sys.executable, "-m", "kg", *args], cwd=checkout, env=env,
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(
            {
                f"{out}/{p.name}": p.read_bytes()
                for out in ("sample-exports", "exports")
                for p in sorted((checkout / out).iterdir())
            }
        )
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 8
    for name, data in outputs[0].items():
        assert str(tmp_path).encode() not in data, name
    ttl = outputs[0]["sample-exports/graph.ttl"].decode()
    assert 'kg:sourcePath "sample/norwind-glintwell-shutdown.txt"' in ttl
    assert (
        'kg:sourcePath "articles/norwind-glintwell-shutdown.txt"'
        in outputs[0]["exports/graph.ttl"].decode()
    )
