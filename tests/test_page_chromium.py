"""The graph page of real builds in headless Chromium: readable, focused, clickable.

The pages are built from the shared corpus (13 articles: sora/ and dev/; 33 with
dev2/) and opened at 1280x800. Label boxes come from the page itself
(``kgLabelBoxes``: the boxes it drew its labels in, in viewport pixels); the canvas
is read back to check that something was drawn where the page says it was.
Screenshots are written under pytest's base temporary folder, in ``screenshots/``.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from headless import BrowserError, node_centre

from kg import build

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CORPORA = {"13 articles": ["sora", "dev"], "33 articles": ["sora", "dev", "dev2"]}
WIDTH, HEIGHT = 1280, 800

pytestmark = pytest.mark.slow


def _built_page(tmp_path_factory: pytest.TempPathFactory, corpus: str) -> Path:
    """The graph page of a real build of the shared articles ``corpus`` names."""
    folders = [SHARED / name for name in CORPORA[corpus]]
    if not all(f.is_dir() for f in folders):
        pytest.skip(f"{SHARED} is not there (the shared corpus sits beside the repository)")
    root = tmp_path_factory.mktemp("real")
    build(folders, store=root / "store", out=root / "exports", workers=1)
    return root / "exports" / "graph.html"


@pytest.fixture(scope="module", params=list(CORPORA))
def real_page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built_page(tmp_path_factory, request.param)


@pytest.fixture(scope="module")
def thirteen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built_page(tmp_path_factory, "13 articles")


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    headless = pytest.importorskip("headless")
    if headless.chromium_path() is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    with headless.browser(
        tmp_path_factory.mktemp("profile"), width=WIDTH, height=HEIGHT
    ) as browser:
        yield browser


@pytest.fixture
def tab(chromium: Any) -> Iterator[Any]:
    page = chromium.new_page()
    yield page
    # the tests' own canvas read-backs draw Chromium's advice on readback speed
    console = [m for m in page.console if "Multiple readback operations" not in m]
    assert console == [] and page.dialogs == []
    chromium.send(
        "Target.closeTarget",
        {"targetId": page.send("Target.getTargetInfo")["targetInfo"]["targetId"]},
    )


def _screenshot(tab: Any, tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    path = tab.screenshot(folder / f"{name.replace(' ', '-')}.png")
    print(f"screenshot: {path}")
    return path


def _block(text: str, name: str) -> Any:
    """A data block's JSON: as it stands, or gunzipped from base64 on a large page."""
    for kind in ("json", "gzip"):
        opening = f'<script type="application/{kind}" id="kg-{name}">'
        if opening in text:
            start = text.index(opening) + len(opening)
            body = text[start : text.index("</script>", start)]
            return json.loads(body if kind == "json" else gzip.decompress(base64.b64decode(body)))
    raise AssertionError(f"no kg-{name} block")


def _payload(page: Path) -> dict[str, Any]:
    """The page's data, with its details (a block of their own) under "details"."""
    text = page.read_text(encoding="utf-8")
    data: dict[str, Any] = _block(text, "data") | {"details": _block(text, "details")}
    return data


def _open(tab: Any, page: Path) -> None:
    tab.open(page.as_uri())
    tab.wait_for("document.body.dataset.stabilized === 'true'", timeout=60)
    _frame(tab)


def _frame(tab: Any) -> None:
    """Wait for the page to draw its next frame."""
    tab.send(
        "Runtime.evaluate",
        {
            "expression": "new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))",
            "awaitPromise": True,
        },
    )


def _boxes(tab: Any) -> list[dict[str, Any]]:
    boxes: list[dict[str, Any]] = tab.evaluate("kgLabelBoxes()")
    return boxes


def _overlaps(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["w"]
                and b["x"] < a["x"] + a["w"]
                and a["y"] < b["y"] + b["h"]
                and b["y"] < a["y"] + a["h"]
            ):
                found.append((a["text"], b["text"]))
    return found


def _ink(tab: Any, box: dict[str, Any]) -> int:
    """Dark pixels the canvas holds inside a box given in viewport pixels."""
    count: int = tab.evaluate(
        "(function (b) { var c = document.querySelector('#graph canvas');"
        " var r = c.getBoundingClientRect(), k = c.width / c.clientWidth;"
        " var d = c.getContext('2d').getImageData(Math.round((b.x - r.left) * k),"
        " Math.round((b.y - r.top) * k), Math.max(1, Math.round(b.w * k)),"
        " Math.max(1, Math.round(b.h * k))).data, n = 0;"
        " for (var i = 0; i < d.length; i += 4) {"
        " if (d[i + 3] > 0 && d[i] + d[i + 1] + d[i + 2] < 300) { n++; } }"
        f" return n; }})({json.dumps(box)})"
    )
    return count


def _pixel(tab: Any, x: float, y: float) -> list[int]:
    """The canvas colour (r, g, b, a) at viewport pixel (x, y)."""
    rgba: list[int] = tab.evaluate(
        "(function (x, y) { var c = document.querySelector('#graph canvas');"
        " var r = c.getBoundingClientRect(), k = c.width / c.clientWidth;"
        " return Array.from(c.getContext('2d').getImageData(Math.round((x - r.left) * k),"
        f" Math.round((y - r.top) * k), 1, 1).data); }})({x}, {y})"
    )
    return rgba


def _position(tab: Any, node: str) -> tuple[float, float]:
    """Where a node is, in the network's own coordinates."""
    p = tab.evaluate(f"kgNetwork.getPositions([{json.dumps(node)}])[{json.dumps(node)}]")
    return float(p["x"]), float(p["y"])


def _in_view(tab: Any, node: str) -> bool:
    x, y = node_centre(tab, node)
    r = tab.evaluate("document.getElementById('graph').getBoundingClientRect().toJSON()")
    return bool(r["left"] <= x <= r["right"] and r["top"] <= y <= r["bottom"])


def _neighbours(data: dict[str, Any], start: str, hops: int) -> set[str]:
    """Entities within ``hops`` relations of ``start``, from the page's own data."""
    links: dict[str, set[str]] = defaultdict(set)
    for e in data["edges"]:
        links[e["from"]].add(e["to"])
        links[e["to"]].add(e["from"])
    kept, frontier = {start}, {start}
    for _ in range(hops):
        frontier = {v for u in frontier for v in links[u]} - kept
        kept |= frontier
    return kept


def _pale(rgba: list[int]) -> bool:
    return min(rgba[:3]) > 170


def _coloured(tab: Any, x: float, y: float, radius: float) -> int:
    """How many of 9 points within ``radius`` of (x, y) are drawn in full colour."""
    points = [(x, y)] + [
        (x + radius * math.cos(a), y + radius * math.sin(a))
        for a in (i * math.pi / 4 for i in range(8))
    ]
    return sum(not _pale(_pixel(tab, px, py)) for px, py in points)


# ---------------------------------------------------------------- readable at a glance


def test_no_label_is_drawn_over_another(
    real_page: Path, tab: Any, tmp_path_factory: pytest.TempPathFactory, request: Any
) -> None:
    data = _payload(real_page)
    connected = [n for n in data["nodes"] if not n.get("isolated")]
    _open(tab, real_page)
    boxes = _boxes(tab)
    labelled = {b["id"] for b in boxes if b["kind"] == "node"}
    # most of the picture is named, the most important entities first
    assert len(labelled) >= len(connected) // 2
    top = max(connected, key=lambda n: n["size"])
    assert top["id"] in labelled
    assert _overlaps(boxes) == []
    assert all(_ink(tab, b) > 0 for b in boxes)  # the text is drawn where the box says
    assert not [b for b in boxes if b["kind"] == "edge"]  # relation names wait for a zoom
    _screenshot(tab, tmp_path_factory, f"overview {request.node.callspec.id}")

    # Zoomed in, the labels that gave way come back, still clear of each other.
    tab.evaluate("kgNetwork.moveTo({scale: 2})")
    _frame(tab)
    zoomed = _boxes(tab)
    assert _overlaps(zoomed) == []
    assert {b["id"] for b in zoomed if b["kind"] == "node"} - labelled
    assert [b for b in zoomed if b["kind"] == "edge"]  # past the zoom level
    _screenshot(tab, tmp_path_factory, f"zoomed {request.node.callspec.id}")


def test_edge_labels_show_on_hover_and_selection(thirteen: Path, tab: Any) -> None:
    data = _payload(thirteen)
    _open(tab, thirteen)
    assert not [b for b in _boxes(tab) if b["kind"] == "edge"]
    # the longest drawn edge whose middle only it covers (no entity, no other edge there:
    # where the settled layout puts things varies a little from run to run)
    ends = tab.evaluate(
        "kgNetwork.body.edgeIndices.map(function (id) { var e = kgNetwork.body.edges[id];"
        " var a = kgNetwork.canvasToDOM({x: e.from.x, y: e.from.y}),"
        " b = kgNetwork.canvasToDOM({x: e.to.x, y: e.to.y}),"
        " m = {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2};"
        " var clear = kgNetwork.getNodeAt(m) === undefined && kgNetwork.getEdgeAt(m) === id;"
        " return [id, a.x, a.y, b.x, b.y, clear]; })"
    )
    left, top = tab.evaluate(
        "[document.getElementById('graph').getBoundingClientRect().left,"
        " document.getElementById('graph').getBoundingClientRect().top]"
    )
    # a hovered relation's name is drawn where no entity's shape is: of the longest
    # edges, the first with room for it shows it
    longest = sorted((e for e in ends if e[5]), key=lambda e: -math.hypot(e[3] - e[1], e[4] - e[2]))
    for eid, ax, ay, bx, by, _clear in longest[:5]:
        x, y = left + (ax + bx) / 2, top + (ay + by) / 2
        tab.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        try:
            tab.wait_for(
                f"kgLabelBoxes().some(b => b.kind === 'edge' && b.id === {json.dumps(eid)})",
                timeout=3,
            )
            break
        except BrowserError:
            continue
    else:
        raise AssertionError("no hovered relation showed its name")
    (label,) = [b["text"] for b in _boxes(tab) if b["kind"] == "edge"]
    assert label == next(e["label"] for e in data["edges"] if e["id"] == eid)
    tab.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 2, "y": HEIGHT - 2})
    tab.wait_for("!kgLabelBoxes().some(b => b.kind === 'edge')")
    # a click on it selects it: the label stays, the panel lists its facts
    tab.click(x, y)
    tab.wait_for(f"document.body.dataset.selected === 'edge:{eid}'")
    _frame(tab)
    assert eid in {b["id"] for b in _boxes(tab) if b["kind"] == "edge"}


def test_isolated_entities_are_set_aside(real_page: Path, tab: Any) -> None:
    data = _payload(real_page)
    linked = {e["from"] for e in data["edges"]} | {e["to"] for e in data["edges"]}
    isolated = {n["id"] for n in data["nodes"] if n.get("isolated")}
    assert isolated == {n["id"] for n in data["nodes"]} - linked
    assert isolated  # the real builds have some
    _open(tab, real_page)
    assert tab.evaluate("kgNetwork.body.nodeIndices.length") == len(linked)
    summary = tab.evaluate("document.querySelector('#isolated summary').textContent")
    assert summary == f"{len(isolated)} entities with no relation"
    items = tab.evaluate("Array.from(document.querySelectorAll('#isolated-list li')).length")
    assert items == len(isolated)
    # the view fits the connected part: all of it in view, and filling it one way
    assert [n for n in linked if not _in_view(tab, n)] == []
    spread = tab.evaluate(
        "(function () { var xs = [], ys = []; kgNetwork.body.nodeIndices.forEach(function (id) {"
        " var n = kgNetwork.body.nodes[id], p = kgNetwork.canvasToDOM({x: n.x, y: n.y});"
        " xs.push(p.x); ys.push(p.y); }); var r = document.getElementById('graph');"
        " return Math.max((Math.max.apply(null, xs) - Math.min.apply(null, xs)) / r.clientWidth,"
        " (Math.max.apply(null, ys) - Math.min.apply(null, ys)) / r.clientHeight); })()"
    )
    assert spread > 0.6
    # the list opens each one; the toggle draws them
    tab.evaluate("document.querySelector('#isolated summary').click()")
    tab.evaluate("document.querySelector('#isolated-list button').click()")
    first = tab.evaluate("document.querySelector('#isolated-list button').textContent")
    assert tab.evaluate("document.querySelector('#details h2').textContent") == first
    tab.evaluate("document.getElementById('show-isolated').click()")
    assert tab.evaluate("document.getElementById('show-isolated').checked") is True
    assert tab.evaluate("kgNetwork.body.nodeIndices.length") == len(data["nodes"])
    tab.evaluate("document.getElementById('show-isolated').click()")
    assert tab.evaluate("kgNetwork.body.nodeIndices.length") == len(linked)


def test_parallel_facts_are_one_edge_with_all_of_them_in_the_panel(
    real_page: Path, tab: Any
) -> None:
    data = _payload(real_page)
    pairs = [frozenset((e["from"], e["to"])) for e in data["edges"]]
    assert len(pairs) == len(set(pairs))
    relations = data["details"]["edges"]
    assert sorted(m for e in data["edges"] for m in e["members"]) == sorted(relations)
    many = max(data["edges"], key=lambda e: (e["count"], e["id"]))
    assert many["count"] >= 2 and many["label"] == f"{many['count']} relations"
    facts = [f["sentence"] for m in many["members"] for f in relations[m]["facts"]]
    _open(tab, real_page)
    tab.evaluate(f"location.hash = '#edge=' + {json.dumps(many['id'])}")
    tab.wait_for(f"document.body.dataset.selected === 'edge:{many['id']}'")
    quoted = tab.evaluate(
        "Array.from(document.querySelectorAll('#details blockquote')).map(q => q.textContent)"
    )
    assert sorted(quoted) == sorted(facts)
    headings = tab.evaluate("document.querySelectorAll('#details h3').length")
    assert headings == many["count"]
    assert tab.evaluate("kgNetwork.getSelectedEdges()") == [many["id"]]


def test_the_header_is_one_line_at_1280(real_page: Path, tab: Any) -> None:
    _open(tab, real_page)
    rows = tab.evaluate(
        "Array.from(document.querySelector('header').children).filter(e => e.offsetWidth)"
        ".map(e => { var r = e.getBoundingClientRect(); return [r.top, r.bottom, r.right]; })"
    )
    middles = [(top + bottom) / 2 for top, bottom, _ in rows]
    assert max(middles) - min(middles) < 4
    assert tab.evaluate("document.querySelector('header').getBoundingClientRect().height") < 50
    assert max(right for *_, right in rows) <= WIDTH
    clipped = (
        "Array.from(document.querySelectorAll('header *'))"
        ".filter(e => e.clientWidth && e.scrollWidth > e.clientWidth + 1).length"
    )
    assert tab.evaluate(clipped) == 0


# ---------------------------------------------------------------- focus on a neighbourhood


def test_search_focuses_the_neighbourhood(
    thirteen: Path, tab: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = _payload(thirteen)
    openai = "https://w3id.org/kg-news/id/openai"
    _open(tab, thirteen)
    tab.type_text("#search", "openai")
    _frame(tab)
    focus = tab.evaluate("kgFocus()")
    assert (focus["id"], focus["hops"]) == (openai, 1)
    kept = _neighbours(data, openai, 1)
    assert set(focus["kept"]) == kept
    assert [n for n in kept if not _in_view(tab, n)] == []
    assert tab.evaluate("document.getElementById('focusbar').hidden") is False
    _screenshot(tab, tmp_path_factory, "search OpenAI")

    # the rest is dimmed; the neighbourhood keeps its colours
    for node in data["nodes"]:
        if node.get("isolated") or not _in_view(tab, node["id"]):
            continue
        x, y = node_centre(tab, node["id"])
        on_top = tab.evaluate(f"kgNodeAt({x}, {y})")
        seen = node["size"] * tab.evaluate("kgNetwork.getScale()") / 2
        if on_top in kept:
            assert _coloured(tab, x, y, seen) >= 5, node["label"]
        elif on_top == node["id"]:
            assert _coloured(tab, x, y, seen) <= 4, node["label"]
    # labels: the entity's own first, none over another
    boxes = _boxes(tab)
    assert boxes and _overlaps(boxes) == []
    assert {b["id"] for b in boxes if b["kind"] == "node"} <= kept
    assert openai in {b["id"] for b in boxes}
    # drawn on top, with a ring around it
    x, y = node_centre(tab, openai)
    assert tab.evaluate(f"kgNodeAt({x}, {y})") == openai
    radius = tab.evaluate(
        f"kgNetwork.body.nodes[{json.dumps(openai)}].options.size * kgNetwork.getScale() + 7"
    )
    ring = [
        _pixel(tab, x + radius * math.cos(a), y + radius * math.sin(a))
        for a in (i * math.pi / 8 for i in range(16))
    ]
    blue = [p for p in ring if p[2] > 180 and p[0] < 90 and 90 < p[1] < 150]
    assert len(blue) >= 10, ring

    # expand: two hops; back: one hop again, then the whole graph
    tab.evaluate("document.getElementById('focus-expand').click()")
    _frame(tab)
    focus = tab.evaluate("kgFocus()")
    assert focus["hops"] == 2 and set(focus["kept"]) == _neighbours(data, openai, 2)
    assert len(focus["kept"]) > len(kept)
    tab.evaluate("document.getElementById('focus-back').click()")
    focus = tab.evaluate("kgFocus()")
    assert focus["hops"] == 1 and set(focus["kept"]) == kept
    tab.evaluate("document.getElementById('focus-back').click()")
    assert tab.evaluate("kgFocus()") is None
    assert tab.evaluate("document.getElementById('focusbar').hidden") is True
    assert tab.evaluate("document.getElementById('focus-back').disabled") is True


def test_a_small_neighbourhood_keeps_two_hops(thirteen: Path, tab: Any) -> None:
    data = _payload(thirteen)
    counts = {n["id"]: len(_neighbours(data, n["id"], 1)) for n in data["nodes"]}
    leaf = min(
        (n for n in counts if counts[n] == 2 and len(_neighbours(data, n, 2)) > 2),
        key=lambda n: data["details"]["nodes"][n]["label"],
    )
    _open(tab, thirteen)
    tab.type_text("#search", data["details"]["nodes"][leaf]["label"])
    focus = tab.evaluate("kgFocus()")
    assert (focus["id"], focus["hops"]) == (leaf, 2)
    assert set(focus["kept"]) == _neighbours(data, leaf, 2)


def test_a_click_selects_the_entity_drawn_on_top(thirteen: Path, tab: Any) -> None:
    data = _payload(thirteen)
    openai = "https://w3id.org/kg-news/id/openai"
    kept = _neighbours(data, openai, 1)
    _open(tab, thirteen)
    tab.type_text("#search", "OpenAI")
    _frame(tab)
    sizes = {n["id"]: n["size"] for n in data["nodes"]}
    in_view = [n for n in kept - {openai} if _in_view(tab, n)]
    neighbour = max(in_view, key=lambda n: (sizes[n], n))
    dimmed = max(
        (n["id"] for n in data["nodes"] if n["id"] not in kept and not n.get("isolated")),
        key=lambda n: (sizes[n], n),
    )

    def place(node: str, x: float, y: float) -> None:
        tab.evaluate(f"kgNetwork.moveNode({json.dumps(node)}, {x}, {y})")
        _frame(tab)

    # A dimmed entity under the neighbour: the neighbour is drawn over it, and chosen.
    nx, ny = _position(tab, neighbour)
    place(dimmed, nx + 2, ny + 2)
    x, y = node_centre(tab, neighbour)
    seen = sizes[neighbour] * tab.evaluate("kgNetwork.getScale()") / 2
    assert _coloured(tab, x, y, seen) >= 7  # what is seen there is the neighbour
    tab.click(x, y)
    assert tab.evaluate("document.body.dataset.selected") == f"node:{neighbour}"

    # Back on OpenAI, the neighbour moved half under it: its centre shows OpenAI.
    tab.evaluate("document.getElementById('focus-back').click()")
    ox, oy = _position(tab, openai)
    place(neighbour, ox + sizes[openai] / 2, oy)
    x, y = node_centre(tab, neighbour)
    tab.click(x, y)
    assert tab.evaluate("document.body.dataset.selected") == f"node:{openai}"


# ---------------------------------------------------------------- a large graph: communities


def _stories(n: int) -> Any:
    """``n`` entities in stories of 5 to 12 around shared hubs, one document per story."""
    import hashlib
    import random

    from kg.model import Document, Entity, Evidence, Fact
    from kg.rdf import to_dataset

    rng = random.Random(5)
    classes = ["Organization", "Person", "Product", "AIModel", "Place"]
    relations = ["developer", "competesWith", "partnersWith", "investedIn", "launched"]
    keys = [f"s{i:05}" for i in range(n)]
    entities = {k: Entity(k, f"Item {i}", classes[i % len(classes)]) for i, k in enumerate(keys)}
    hubs = keys[: max(1, n // 50)]
    docs, facts, counts, i = [], [], {}, 0
    while i < n:
        story = keys[i : i + rng.randint(5, 12)]
        i += len(story)
        doc_id = hashlib.sha256(f"story {len(docs)}".encode()).hexdigest()
        doc = Document(doc_id, f"story-{len(docs)}.txt", "x", "txt", f"Story {len(docs)}")
        docs.append(doc)
        members = [*story, rng.choice(hubs)]
        for j, a in enumerate(members[1:], 1):
            b = members[rng.randrange(j)]
            if a != b:
                ev = Evidence(doc.id, f"{entities[a].label} met {entities[b].label}.", 0, 4)
                facts.append(Fact(a, rng.choice(relations), b, True, ev, "test"))
        counts[doc.id] = dict.fromkeys(members, 1)
    return to_dataset(docs, entities, facts, counts)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    from kg.export.html import write_html

    ds = _stories(5000)
    return ds, write_html(ds, tmp_path_factory.mktemp("large") / "graph.html")


def test_a_large_graph_opens_on_its_communities(
    large: tuple[Any, Path], tab: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from kg.analytics import graph_stats

    ds, page = large
    data = _payload(page)
    assert data["overview"] is True
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    members: dict[int, set[str]] = defaultdict(set)
    for n in data["nodes"]:
        members[n["community"]].add(labels[n["id"]])
    # the communities kg stats reports, in its order, named after their first members
    reported = [c for c in graph_stats(ds).communities]
    assert [members[i] for i in range(len(reported))] == [set(c) for c in reported]
    for c, names in zip(data["communities"], reported, strict=True):
        assert c["label"].startswith(" \u00b7 ".join(names[:2]))

    _open(tab, page)
    drawn = tab.evaluate("kgNetwork.body.nodeIndices.slice().sort()")
    assert drawn == sorted(c["id"] for c in data["communities"])
    boxes = _boxes(tab)
    assert len(boxes) >= 10 and _overlaps(boxes) == []
    assert {b["text"] for b in boxes} <= {c["label"] for c in data["communities"]}
    assert data["communities"][0]["label"] in {b["text"] for b in boxes}  # the largest
    assert all(_ink(tab, b) > 0 for b in boxes)
    _screenshot(tab, tmp_path_factory, "5000 entities overview")


def test_the_warm_up_after_opening_leaves_the_overview_as_it_was(
    large: tuple[Any, Path], tab: Any
) -> None:
    data = _payload(large[1])
    _open(tab, large[1])
    tab.wait_for("document.body.dataset.warmed === 'true'")
    view = tab.evaluate("window.kgReadyView")  # the view of the first frame, before it
    drawn = tab.evaluate("kgNetwork.body.nodeIndices.slice().sort()")
    assert drawn == sorted(c["id"] for c in data["communities"])
    assert tab.evaluate("document.body.dataset.focus") in (None, "")  # nothing focused
    assert tab.evaluate("location.hash") == ""
    now = json.loads(
        tab.evaluate("JSON.stringify([kgNetwork.getScale(), kgNetwork.getViewPosition()])")
    )
    then = json.loads(view)
    assert now[0] == pytest.approx(then[0])
    assert (now[1]["x"], now[1]["y"]) == pytest.approx((then[1]["x"], then[1]["y"]), abs=0.01)
    assert {b["text"] for b in _boxes(tab)} <= {c["label"] for c in data["communities"]}
    visible = tab.evaluate("document.body.dataset.visibleNodes")
    assert visible == str(len(data["communities"]))


def test_a_click_on_a_community_draws_its_entities(
    large: tuple[Any, Path], tab: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = _payload(large[1])
    first = data["communities"][0]
    inside = sorted(n["id"] for n in data["nodes"] if n["community"] == 0)
    _open(tab, large[1])
    x, y = node_centre(tab, first["id"])
    assert tab.evaluate(f"kgNodeAt({x}, {y})") == first["id"]
    tab.click(x, y)
    _frame(tab)
    drawn = set(tab.evaluate("kgNetwork.body.nodeIndices"))
    assert set(inside) <= drawn and first["id"] not in drawn
    assert len(drawn) == len(inside) + len(data["communities"]) - 1
    assert tab.evaluate("document.querySelector('#details h2').textContent") == first["label"]
    # relations to the other communities go to their summary nodes
    ends = tab.evaluate(
        "kgNetwork.body.edgeIndices.map(id => [kgNetwork.body.edges[id].fromId,"
        " kgNetwork.body.edges[id].toId])"
    )
    assert all(a in drawn and b in drawn for a, b in ends)
    assert any(a.startswith("c") or b.startswith("c") for a, b in ends)
    boxes = _boxes(tab)
    assert _overlaps(boxes) == []
    assert len({b["id"] for b in boxes} & set(inside)) >= len(inside) // 3
    assert [n for n in inside if not _in_view(tab, n)] == []
    _screenshot(tab, tmp_path_factory, "5000 entities community opened")
    # back: the overview again
    tab.evaluate("document.getElementById('focus-back').click()")
    drawn = tab.evaluate("kgNetwork.body.nodeIndices.slice().sort()")
    assert drawn == sorted(c["id"] for c in data["communities"])


def test_search_in_the_overview_draws_and_focuses_the_neighbourhood(
    large: tuple[Any, Path], tab: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = _payload(large[1])
    target = next(n for n in data["nodes"] if n["label"] == "Item 2500")
    _open(tab, large[1])
    tab.type_text("#search", "Item 2500")
    _frame(tab)
    focus = tab.evaluate("kgFocus()")
    assert focus["id"] == target["id"]
    assert set(focus["kept"]) == _neighbours(data, target["id"], focus["hops"])
    assert [n for n in focus["kept"] if not _in_view(tab, n)] == []
    boxes = _boxes(tab)
    assert _overlaps(boxes) == [] and target["id"] in {b["id"] for b in boxes}
    _screenshot(tab, tmp_path_factory, "5000 entities search")
    # a click on a neighbour focuses it in turn
    other = max(
        (n for n in focus["kept"] if n != target["id"] and _in_view(tab, n)),
        key=lambda n: (len(_neighbours(data, n, 1)), n),
    )
    x, y = node_centre(tab, other)
    if tab.evaluate(f"kgNodeAt({x}, {y})") == other:
        tab.click(x, y)
        assert tab.evaluate("kgFocus()")["id"] == other
