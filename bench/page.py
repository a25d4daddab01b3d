"""How the graph page scales: generation, file size, time to interactive, memory, latency.

    python bench/page.py [SIZES ...]       (default: 1000 5000; e.g. 20000 50000 on request)
    python bench/page.py --help

Synthetic news graphs (built with kg.rdf.to_dataset, as a build would) of the given
numbers of entities: stories of 5 to 12 entities, one document per story, a few
well-connected hubs shared across stories. Each page is written with
kg.export.html.write_html and opened in a fresh headless Chromium (driven over the
DevTools protocol, network cut, 1400x900). The columns:

- generation: seconds in ``write_html`` (the dataset is built beforehand);
- file: the page's size;
- interactive: the page's own ``data-ready-ms``, its first frame drawn, from
  navigation start;
- browser memory: the proportional set size (PSS) of every Chromium process, once
  the page is open and has been searched and clicked;
- per mouse move: main-thread time (DevTools ``TaskDuration``) per move over the
  graph, each move followed by a frame, less the same loop without moves;
- search: from typing an entity's name and Enter to the next frame drawn;
- click: from a click on the centre of a neighbour of the found entity to the next
  frame drawn (the click must select that neighbour).

Speed figures belong here, not in timed unit tests.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the DevTools driver shared with the page tests

from headless import Page, browser, chromium_path, node_centre  # noqa: E402
from rdflib import Dataset  # noqa: E402

from kg.export.html import write_html  # noqa: E402
from kg.model import Document, Entity, Evidence, Fact, Quantity  # noqa: E402
from kg.rdf import to_dataset  # noqa: E402

CLASSES = ["Organization", "Person", "Product", "AIModel", "Deal", "Place"]
RELATIONS = ["developer", "competesWith", "partnersWith", "ceoOf", "launched", "investedIn"]
WIDTH, HEIGHT = 1400, 900
MOVES = 40
#: The issue's targets, by size: interactive s, per move ms, search/click ms, memory MB,
#: generation s.
TARGETS = {5000: (1.0, 16, 100, None, None), 50000: (3.0, 16, 200, 800, 20)}


def _doc_id(i: int) -> str:
    """A document id as a build makes them: a hash, distinct in its first 16 digits."""
    return hashlib.sha256(f"story-{i}".encode()).hexdigest()


def synthetic(n: int, seed: int = 1) -> Dataset:
    """A graph of ``n`` entities in stories of 5 to 12, linked through shared hubs."""
    rng = random.Random(seed)
    entities = {
        f"e{i:05}": Entity(f"e{i:05}", f"Entity {i}", CLASSES[i % len(CLASSES)]) for i in range(n)
    }
    keys = list(entities)
    hubs = keys[: max(1, n // 50)]
    docs: list[Document] = []
    facts: list[Fact] = []
    counts: dict[str, dict[str, int]] = {}
    i = 0
    while i < n:
        story = keys[i : i + rng.randint(5, 12)]
        i += len(story)
        text = f"Story {len(docs)}: " + " ".join(f"Entity {k[1:]} acts." for k in story)
        number = len(docs)
        doc = Document(_doc_id(number), f"story-{number}.txt", text, "txt", f"Story {number}")
        docs.append(doc)
        members = story + [rng.choice(hubs)]
        for a in members[1:]:
            b = rng.choice(members[: members.index(a)] or members)
            if a != b:
                ev = Evidence(doc.id, f"{entities[a].label} and {entities[b].label} met.", 0, 10)
                facts.append(Fact(a, rng.choice(RELATIONS), b, True, ev, "bench"))
        money = Quantity("money", Decimal(rng.randint(1, 900)) * 10**6, "$N million", unit="USD")
        ev = Evidence(doc.id, "It cost money.", 0, 5)
        facts.append(Fact(story[0], "fundingAmount", money, False, ev, "bench"))
        counts[doc.id] = dict.fromkeys(members, 1)
    return to_dataset(docs, entities, facts, counts)


def _pss_mb(root_pid: int) -> float:
    """Proportional set size of a process and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next(
            int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")
        )
    return total / 1024


def _frame(page: Page) -> None:
    """Wait until the page has drawn its next frame and run what that frame queued."""
    expression = "new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))"
    page.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True}, timeout=60)


def _task_seconds(page: Page) -> float:
    metrics = page.send("Performance.getMetrics")["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))


def _graph_box(page: Page) -> dict[str, float]:
    box: dict[str, float] = page.evaluate(
        "(function () { var r = document.getElementById('graph').getBoundingClientRect();"
        " return {left: r.left, top: r.top, width: r.width, height: r.height}; })()"
    )
    return box


def _per_move_ms(page: Page) -> float:
    box = _graph_box(page)
    rng = random.Random(3)
    points = [
        (box["left"] + rng.random() * box["width"], box["top"] + rng.random() * box["height"])
        for _ in range(MOVES)
    ]

    def loop(move: bool) -> float:
        before = _task_seconds(page)
        for x, y in points:
            if move:
                page.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
            _frame(page)
        return _task_seconds(page) - before

    loop(True)  # warm up
    idle, moving = loop(False), loop(True)
    return max(moving - idle, 0.0) / MOVES * 1000


def _selected(page: Page, node: str, elapsed: float) -> str:
    """Milliseconds, marked when the page selected some other entity than ``node``."""
    wrong = page.evaluate("document.body.dataset.selected") != f"node:{node}"
    return f"{elapsed * 1000:.0f} ms" + (" (selected another)" if wrong else "")


def _search(page: Page, label: str, node: str) -> str:
    started = time.perf_counter()
    page.type_text("#search", label)
    _frame(page)
    return _selected(page, node, time.perf_counter() - started)


def _click(page: Page, node: str) -> str:
    x, y = node_centre(page, node)
    started = time.perf_counter()
    page.click(x, y)
    _frame(page)
    return _selected(page, node, time.perf_counter() - started)


def _neighbour(page: Page, node: str) -> str:
    """An entity linked to ``node`` (the first in the page's own order)."""
    found: str = page.evaluate(f"kgNetwork.getConnectedNodes({json.dumps(node)}).sort()[0]")
    return found


def measure(n: int, folder: Path) -> dict[str, Any]:
    """One row of the table for a synthetic graph of ``n`` entities."""
    ds = synthetic(n)
    started = time.perf_counter()
    path = write_html(ds, folder / f"graph-{n}.html")
    row: dict[str, Any] = {"entities": n, "generation": time.perf_counter() - started}
    row["file"] = path.stat().st_size / 1e6
    with browser(folder / f"profile-{n}", width=WIDTH, height=HEIGHT) as b:
        page = b.new_page()
        page.send("Performance.enable")
        page.send("Page.navigate", {"url": path.as_uri()})
        page.wait_for("document.body.dataset.ready === 'true'", timeout=300)
        row["interactive"] = float(page.evaluate("document.body.dataset.readyMs")) / 1000
        row["documents"] = page.evaluate(
            "(/(\\d[\\d,]*) documents/.exec(document.querySelector('header').textContent)"
            " || [])[1] || ''"
        )
        row["move"] = _per_move_ms(page)
        target = "e" + f"{n // 3:05}"
        iri = f"https://w3id.org/kg-news/id/{target}"
        row["search"] = _search(page, f"Entity {n // 3}", iri)
        row["click"] = _click(page, _neighbour(page, iri))
        row["memory"] = _pss_mb(b.process.pid)
        row["console"] = list(page.console)
    return row


def _targets(n: int) -> str:
    if n not in TARGETS:
        return ""
    ready, move, latency, memory, generation = TARGETS[n]
    parts = [f"interactive <= {ready} s", f"move <= {move} ms", f"search/click <= {latency} ms"]
    if memory:
        parts.append(f"memory <= {memory} MB")
    if generation:
        parts.append(f"generation <= {generation} s")
    return f"targets at {n:,}: " + ", ".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="bench/page.py",
        description="Generate synthetic graph pages and measure them in headless Chromium.",
    )
    parser.add_argument(
        "sizes",
        nargs="*",
        type=int,
        default=[1000, 5000],
        metavar="SIZE",
        help="numbers of entities (default: 1000 5000; the issue's table adds 20000 50000)",
    )
    args = parser.parse_args(argv)
    if chromium_path() is None:
        sys.exit("bench/page.py: chromium is not installed (Debian: apt-get install chromium)")
    columns = (
        "| Entities | Documents | Generation | File | Interactive | Browser memory"
        " | Per mouse move | Search | Click |"
    )
    print(columns)
    print("|---" * (columns.count("|") - 1) + "|")
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            r = measure(n, Path(tmp))
            print(
                f"| {n:,} | {r['documents']} | {r['generation']:.2f} s | {r['file']:.1f} MB"
                f" | {r['interactive']:.2f} s | {r['memory']:.0f} MB | {r['move']:.1f} ms"
                f" | {r['search']} | {r['click']} |",
                flush=True,
            )
            if r["console"]:
                notes.append(f"console at {n:,}: {r['console']}")
            if target := _targets(n):
                notes.append(target)
    for line in notes:
        print(line)


if __name__ == "__main__":
    main()
