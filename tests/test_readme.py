"""The README's examples, run as they stand, print what the README says they print.

- each ```console block: every ``$ command`` line runs in a folder where the bundled
  sample was built, and its output (stdout, then stderr) is the lines under it;
- each ```python block followed by a ```text block: the code prints that text (the
  SPARQLWrapper example talks to a real ``kg serve`` endpoint on a free port);
- the build summary: ``python -m kg build`` prints it, but for the time taken.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```\n", re.M | re.S)

pytestmark = pytest.mark.slow


def _blocks() -> list[tuple[str, str, int]]:
    """(language, body, end offset) of every fenced block."""
    return [(m[1], m[2], m.end()) for m in _BLOCK.finditer(README)]


def _console_examples() -> list[tuple[str, list[str]]]:
    examples = []
    for lang, body, _ in _blocks():
        if lang != "console":
            continue
        for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
            command, *output = chunk.rstrip("\n").split("\n")
            examples.append((command, output))
    return examples


def _python_examples() -> list[tuple[str, str]]:
    blocks = _blocks()
    pairs = []
    for (lang, body, end), (next_lang, next_body, _) in zip(blocks, blocks[1:], strict=False):
        between = README[end : README.index("```" + next_lang + "\n" + next_body, end)]
        if lang == "python" and next_lang == "text" and not between.strip():
            pairs.append((body, next_body))
    return pairs


def _kg(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "1000"}
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A folder where ``kg build`` built the bundled sample, and what it printed."""
    folder = tmp_path_factory.mktemp("readme")
    done = _kg(["build"], folder)
    assert done.returncode == 0, done.stderr
    return folder, done.stdout


def test_the_readme_has_examples_to_check() -> None:
    assert len(_console_examples()) >= 4
    assert len(_python_examples()) >= 2


@pytest.mark.parametrize(("command", "output"), _console_examples())
def test_console_example(built: tuple[Path, str], command: str, output: list[str]) -> None:
    argv = shlex.split(command)
    assert argv[0] == "kg"
    done = _kg(argv[1:], built[0])
    assert (done.stdout + done.stderr).splitlines() == output


def test_the_build_summary(built: tuple[Path, str]) -> None:
    [summary] = [body for lang, body, _ in _blocks() if lang == "text" and "Documents:" in body]
    mask = re.compile(r"^Time: .*$", re.M)
    assert mask.sub("Time:", built[1]).rstrip() == mask.sub("Time:", summary).rstrip()


@contextlib.contextmanager
def _endpoint(store: Path) -> Iterator[str]:
    from kg.server import make_server

    server = make_server(store, port=0, timeout=10, max_rows=1000, workers=1)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("index", range(len(_python_examples())))
def test_python_example(
    built: tuple[Path, str], index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, expected = _python_examples()[index]
    monkeypatch.chdir(built[0])
    printed = io.StringIO()
    with _endpoint(built[0] / "kg-store") as url, contextlib.redirect_stdout(printed):
        exec(compile(code.replace("http://127.0.0.1:8000", url), "README.md", "exec"), {})
    assert printed.getvalue() == expected
