"""How the graph page scales: generation time, file size and time to interactive.

    .venv/bin/python bench/page.py [SIZES...]      (default: 100 1000 5000)

Synthetic news graphs (built with kg.rdf.to_dataset, as a build would) of the given
numbers of entities: stories of a few entities around a hub, one document per story,
a few well-connected entities shared across stories. Each page is written with
kg.export.html.write_html and opened in headless Chromium (driven over the DevTools
protocol, network cut); time to interactive is the page's own ``data-ready-ms`` (its
first frame drawn, from navigation start) and the wall time until the harness sees it.
Ratios are against the empty graph measured in the same run.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the DevTools driver shared with the page tests

from headless import browser, chromium_path  # noqa: E402
from rdflib import Dataset  # noqa: E402

from kg.export.html import PHYSICS_LIMIT, write_html  # noqa: E402
from kg.model import Document, Entity, Evidence, Fact, Quantity  # noqa: E402
from kg.rdf import to_dataset  # noqa: E402

CLASSES = ["Organization", "Person", "Product", "AIModel", "Deal", "Place"]
RELATIONS = ["developer", "competesWith", "partnersWith", "ceoOf", "launched", "investedIn"]


def synthetic(n: int, seed: int = 1) -> Dataset:
    """A graph of ``n`` entities in stories of 5 to 12, linked through shared hubs."""
    rng = random.Random(seed)
    entities = {
        f"e{i:05}": Entity(f"e{i:05}", f"Entity {i}", CLASSES[i % len(CLASSES)]) for i in range(n)
    }
    keys = list(entities)
    hubs = keys[: max(1, n // 50)]
    docs, facts, counts = [], [], {}
    i = 0
    while i < n:
        story = keys[i : i + rng.randint(5, 12)]
        i += len(story)
        text = f"Story {len(docs)}: " + " ".join(f"Entity {k[1:]} acts." for k in story)
        doc = Document(
            f"{len(docs):064x}", f"story-{len(docs)}.txt", text, "txt", f"Story {len(docs)}"
        )
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


def measure(n: int, folder: Path, page: object) -> tuple[float, int, float, float]:
    ds = synthetic(n) if n else Dataset()
    started = time.perf_counter()
    path = write_html(ds, folder / f"graph-{n}.html")
    generation = time.perf_counter() - started
    started = time.perf_counter()
    page.open(path.as_uri())  # type: ignore[attr-defined]
    wall = time.perf_counter() - started
    ready_ms = float(page.evaluate("document.body.dataset.readyMs"))  # type: ignore[attr-defined]
    drawn = page.evaluate("kgNetwork.body.nodeIndices.length")  # type: ignore[attr-defined]
    assert drawn == (n if n else 0), (drawn, n)
    return generation, path.stat().st_size, ready_ms / 1000, wall


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [100, 1000, 5000]
    if chromium_path() is None:
        sys.exit("bench/page.py: chromium is not installed (Debian: apt-get install chromium)")
    print(f"Graph page: entities drawn in full; physics on up to {PHYSICS_LIMIT} entities.")
    header = f"{'entities':>8}  {'generate s':>10}  {'size MB':>8}  {'interactive s':>13}"
    print(header + f"  {'wall s':>7}  {'x empty (interactive)':>21}")
    with tempfile.TemporaryDirectory() as tmp, browser(Path(tmp) / "profile") as b:
        page = b.new_page()
        base = None
        for n in [0, *sizes]:
            gen, size, ready, wall = measure(n, Path(tmp), page)
            base = base or ready
            print(
                f"{n:>8}  {gen:>10.2f}  {size / 1e6:>8.2f}  {ready:>13.2f}  {wall:>7.2f}"
                f"  {ready / base:>21.1f}"
            )
        if page.console or page.requests[1:] != [
            r for r in page.requests[1:] if r.startswith("file:")
        ]:
            print("console:", page.console, "requests:", page.requests)


if __name__ == "__main__":
    main(sys.argv[1:])
