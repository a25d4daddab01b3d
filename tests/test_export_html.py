"""kg.export.html: a self-contained page that fetches nothing and shows document text as text."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from headless import node_centre
from rdflib import Dataset, Literal, URIRef

from kg.export.html import render_html, write_html
from kg.rdf import add_reference_facts, to_dataset
from kg.vocab import KG, KGR, RDF

HOSTILE_TITLE = 'Deal <img src=x onerror="alert(1)">'
HOSTILE_LABEL = "Globex <b>Corp</b>"
HOSTILE_SENTENCE = "</script><script>alert(2)</script> <!-- & \"quoted\" 'too' \u2028"
DEAL = str(KGR["deal-acme-robotics-globex"])
JSON_BLOCK = re.compile(
    r'<script type="application/(json|gzip)" id="kg-(data|details)">(.*?)</script>', re.S
)


class _Tags(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script" and "type" not in dict(attrs)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _tags(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser


def _decoded(kind: str, text: str) -> Any:
    """A data block's JSON: as it stands, or gunzipped from base64."""
    return json.loads(text if kind == "json" else gzip.decompress(base64.b64decode(text)))


def _payload(text: str) -> dict[str, Any]:
    """The page's data, with its details (a block of their own) under "details"."""
    blocks = {m.group(2): _decoded(m.group(1), m.group(3)) for m in JSON_BLOCK.finditer(text)}
    data: dict[str, Any] = blocks["data"] | {"details": blocks["details"]}
    return data


def _facts_with(ds: Dataset, predicate: URIRef) -> list[tuple[URIRef, URIRef]]:
    """(fact, graph) for the facts stating ``predicate``."""
    return [
        (f, g)  # type: ignore[misc]
        for f, _, _, g in ds.quads((None, RDF.predicate, predicate, None))
    ]


@pytest.fixture
def hostile_dataset(small_dataset: Dataset) -> Dataset:
    """The small dataset, with a sentence written to break out of a <script> element."""
    fact, graph = _facts_with(small_dataset, KG.ceoOf)[0]
    small_dataset.graph(graph).set((fact, KG.sentence, Literal(HOSTILE_SENTENCE)))
    return small_dataset


@pytest.fixture
def page(hostile_dataset: Dataset, tmp_path: Path) -> Path:
    return write_html(hostile_dataset, tmp_path / "graph.html", title="<i>kg</i> & co")


def test_writes_the_page_and_returns_its_path(small_dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    assert write_html(small_dataset, path) == path
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<title>kg — news knowledge graph</title>" in text
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]
    assert text == render_html(small_dataset)  # what a build's worker sends back


def test_page_loads_nothing_from_elsewhere(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for tag, attrs in _tags(text).tags:
        for name in ("src", "href", "action", "data", "poster", "srcset", "formaction"):
            value = (attrs.get(name) or "").strip().lower()
            assert not re.match(r"(https?:)?//", value), (tag, name, value)
        if tag == "script":
            assert "src" not in attrs
        if tag == "link":
            assert attrs.get("href", "").startswith("data:")  # type: ignore[union-attr]
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?https?:", text)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//|@import|@font-face", text, re.I)
    csp = next(a["content"] for t, a in _tags(text).tags if a.get("http-equiv"))
    assert csp is not None and csp.startswith("default-src 'none'; script-src 'sha256-")


def test_only_our_scripts_may_run(page: Path) -> None:
    """The policy lists exactly the hashes of the page's executable scripts."""
    parsed = _tags(page.read_text(encoding="utf-8"))
    csp = next(a["content"] for t, a in parsed.tags if a.get("http-equiv")) or ""
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in parsed.scripts
    }
    assert len(parsed.scripts) == 2
    assert set(script_src.split()[1:]) == hashes


def test_document_text_is_escaped(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    blocks = list(JSON_BLOCK.finditer(text))
    assert [b.group(1, 2) for b in blocks] == [("json", "data"), ("json", "details")]
    assert not set("<>&") & set("".join(b.group(3) for b in blocks))
    outside = text[: blocks[0].start()] + text[blocks[1].end() :]
    assert text[blocks[0].end() : blocks[1].start()].strip() == ""
    for hostile in (HOSTILE_TITLE, HOSTILE_LABEL, "<img src=x", "alert(2)"):
        assert hostile not in outside
    assert "<title>&lt;i&gt;kg&lt;/i&gt; &amp; co</title>" in text
    tags = _tags(text).tags
    assert not {t for t, _ in tags} & {"img", "b", "i", "iframe"}
    assert not [name for _, attrs in tags for name in attrs if name.startswith("on")]
    assert [t for t, _ in tags].count("script") == 4  # data, details, vis-network, ours

    data = _payload(text)
    assert data["details"]["nodes"][str(KGR["globex"])]["label"] == HOSTILE_LABEL
    assert HOSTILE_TITLE in [d["title"] for d in data["documents"].values()]
    (ceo,) = [e for e in data["details"]["edges"].values() if e["property"] == "CEO of"]
    assert ceo["facts"][0]["sentence"] == HOSTILE_SENTENCE


def test_nodes_and_edges(small_dataset: Dataset, tmp_path: Path) -> None:
    data = _payload(write_html(small_dataset, tmp_path / "g.html").read_text(encoding="utf-8"))
    nodes, edges = data["nodes"], data["edges"]
    assert len(nodes) == 6
    assert sorted(n["label"] for n in nodes) == [
        "Acme Robotics",
        "Acme Robotics–Globex deal",
        "Blinkr",
        HOSTILE_LABEL,
        "Jane Roe",
        "Pixie",
    ]
    assert len({(n["shape"], n["color"]) for n in nodes}) == 5  # two organisations
    assert sorted(e["label"] for e in edges) == [
        "CEO of",
        "competes with",
        "discontinued",
        "party",
        "party",
    ]
    ids = {n["id"] for n in nodes}
    assert all(e["from"] in ids and e["to"] in ids for e in edges)
    assert not any(e["dashes"] for e in edges)
    (rival,) = [e for e in edges if e["label"] == "competes with"]
    assert rival["arrows"] == {"to": {"enabled": False}}  # symmetric

    (ceo,) = [e for e in data["details"]["edges"].values() if e["property"] == "CEO of"]
    (fact,) = ceo["facts"]
    assert fact["sentence"] == "Acme CEO Jane Roe told staff the app cost $2 million a day."
    assert data["documents"][fact["document"]]["title"] == "Acme ends Pixie"
    assert (fact["modality"], fact["confidence"]) == ("asserted", "0.70")
    (ceo_edge,) = [e for e in edges if e["label"] == "CEO of"]
    assert "Acme CEO Jane Roe told staff" in ceo_edge["title"]
    assert "Acme ends Pixie" in ceo_edge["title"]


def test_quantities_and_statuses_sit_on_their_node(small_dataset: Dataset, tmp_path: Path) -> None:
    data = _payload(write_html(small_dataset, tmp_path / "g.html").read_text(encoding="utf-8"))
    deal = data["details"]["nodes"][DEAL]
    facts = {f["property"]: f for f in deal["facts"]}
    assert facts["deal value"]["value"] == "$1 billion"
    assert facts["deal value"]["reading"] == "1,000,000,000 USD (exact)"
    assert facts["deal status"]["value"] == "cancelled"
    assert facts["deal status"]["evidence"][0]["sentence"] == "The deal was later cancelled."
    pixie = data["details"]["nodes"][str(KGR["pixie"])]
    assert [(f["property"], f["value"]) for f in pixie["facts"]] == [("cost", "$2 million a day")]
    (deal_node,) = [n for n in data["nodes"] if n["id"] == DEAL]
    assert "deal value: $1 billion" in deal_node["title"]
    assert "deal status: cancelled" in deal_node["title"]


@pytest.mark.parametrize("modality", [KG.Negated, KG.Planned, KG.Hedged])
def test_tentative_edges_are_dashed(
    small_dataset: Dataset, tmp_path: Path, modality: URIRef
) -> None:
    fact, graph = _facts_with(small_dataset, KG.discontinued)[0]
    small_dataset.graph(graph).set((fact, KG.modality, modality))
    data = _payload(write_html(small_dataset, tmp_path / "g.html").read_text(encoding="utf-8"))
    dashed = {e["label"]: e["dashes"] for e in data["edges"]}
    assert dashed["discontinued"] is True
    assert dashed["CEO of"] is False


def test_reference_facts_are_edges_without_sentences(
    small_facts: Any, small_dataset: Dataset, tmp_path: Path
) -> None:
    add_reference_facts(small_dataset, small_facts[1], {"pixie", "acme-robotics"})
    data = _payload(write_html(small_dataset, tmp_path / "g.html").read_text(encoding="utf-8"))
    (dev,) = [e for e in data["details"]["edges"].values() if e["property"] == "developer"]
    assert dev["facts"] == []
    assert [data["documents"][g]["title"] for g in dev["graphs"]] == ["reference knowledge base"]


def test_empty_dataset(tmp_path: Path) -> None:
    data = _payload(write_html(Dataset(), tmp_path / "g.html").read_text(encoding="utf-8"))
    assert (data["nodes"], data["edges"]) == ([], [])


def test_same_dataset_same_bytes(small_facts: Any, tmp_path: Path) -> None:
    docs, entities, facts, counts = small_facts
    first = write_html(to_dataset(docs, entities, facts, counts), tmp_path / "1.html")
    again = write_html(to_dataset(docs, entities, facts, counts), tmp_path / "2.html")
    shuffled = to_dataset(docs[::-1], dict(reversed(entities.items())), facts[::-1], counts)
    third = write_html(shuffled, tmp_path / "3.html")
    assert first.read_bytes() == again.read_bytes() == third.read_bytes()


def test_any_rdflib_store_gives_the_same_page(small_dataset: Dataset, tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    oxigraph = Dataset(store="Oxigraph")
    for quad in small_dataset.quads((None, None, None, None)):
        oxigraph.add(quad)  # type: ignore[arg-type]
    memory = write_html(small_dataset, tmp_path / "memory.html")
    assert write_html(oxigraph, tmp_path / "oxigraph.html").read_bytes() == memory.read_bytes()


def _fail(*args: object, **kwargs: object) -> None:
    raise RuntimeError("simulated failure")


def test_a_large_page_carries_its_data_gzipped(
    hostile_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = write_html(hostile_dataset, tmp_path / "plain.html").read_text(encoding="utf-8")
    monkeypatch.setattr("kg.export.html.PACK_CHARS", 0)
    packed = write_html(hostile_dataset, tmp_path / "packed.html").read_text(encoding="utf-8")
    kinds = [m.group(1) for m in JSON_BLOCK.finditer(packed)]
    assert kinds == ["gzip", "gzip"]
    assert _payload(packed) == _payload(plain)
    assert len(packed) < len(plain)
    for hostile in (HOSTILE_TITLE, HOSTILE_LABEL, HOSTILE_SENTENCE, "alert(2)"):
        assert hostile not in packed
    assert packed == write_html(hostile_dataset, tmp_path / "again.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("target", "name"),
    [(json, "dumps"), (os, "fsync"), (os, "replace")],
    ids=["while rendering", "while writing", "while moving into place"],
)
def test_a_failed_write_leaves_the_old_page(
    small_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: Any, name: str
) -> None:
    path = tmp_path / "graph.html"
    path.write_text("good page", encoding="utf-8")
    monkeypatch.setattr(target, name, _fail)
    with pytest.raises(RuntimeError, match="simulated failure"):
        write_html(small_dataset, path)
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "good page"
    assert os.listdir(tmp_path) == ["graph.html"]


# ---------------------------------------------------------------- in a real browser


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("chromium")
    if exe is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    command = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=15000",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=20, check=True)


def _console(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What the page wrote to the console: script errors, blocked requests or scripts."""
    return [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


@pytest.mark.slow
def test_page_runs_in_chromium_and_shows_text_as_text(page: Path, tmp_path: Path) -> None:
    url = page.as_uri() + "#node=" + quote(DEAL, safe="")
    result = _chromium(tmp_path / "profile", "--dump-dom", url)
    dom = result.stdout
    body = next(a for t, a in _tags(dom).tags if t == "body")
    assert body.get("data-ready") == "true"
    assert (body.get("data-nodes"), body.get("data-edges")) == ("6", "5")
    assert body.get("data-stabilized") == "true"  # physics was switched off
    assert _console(result) == []

    tags = _tags(dom).tags
    assert "canvas" in {t for t, _ in tags}
    assert not {t for t, _ in tags} & {"img", "b", "i", "iframe"}
    assert not [name for _, attrs in tags for name in attrs if name.startswith("on")]
    # The panel shows the deal, the hostile title and label as plain text.
    assert "<h2>Acme Robotics–Globex deal</h2>" in dom
    assert 'Deal &lt;img src=x onerror="alert(1)"&gt;' in dom
    assert "Globex &lt;b&gt;Corp&lt;/b&gt;" in dom
    assert "$1 billion" in dom and "cancelled" in dom


@pytest.mark.slow
def test_page_draws_in_chromium(page: Path, tmp_path: Path) -> None:
    png = tmp_path / "shot.png"
    url = page.as_uri() + "#edge=e0"
    args = ["--window-size=1200,800", "--hide-scrollbars", f"--screenshot={png}", url]
    result = _chromium(tmp_path / "profile", *args)
    assert _console(result) == []
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 800)
    pixels = bytearray()
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        if data[offset + 4 : offset + 8] == b"IDAT":
            pixels += data[offset + 8 : offset + 8 + length]
        offset += length + 12
    assert len(set(zlib.decompress(bytes(pixels)))) > 64  # not a blank page


# ---------------------------------------------------------------- sources, conflicts, size


def _conflict(ds: Dataset) -> None:
    """A hand-built conflict on the deal's value, as the pipeline records them."""
    (fact, graph), *_ = _facts_with(ds, KG.dealValue)
    g = ds.graph(URIRef("https://w3id.org/kg-news/doc/conflicts"))
    c = URIRef("https://w3id.org/kg-news/fact/conflict-test")
    g.add((c, RDF.type, KG.Conflict))
    g.add((c, KG.conflictAbout, URIRef(DEAL)))
    g.add((c, KG.conflictProperty, KG.dealValue))
    g.add((c, KG.conflictingFact, fact))


def test_sources_are_distinct_documents(small_dataset: Dataset, tmp_path: Path) -> None:
    fact, graph = _facts_with(small_dataset, KG.ceoOf)[0]
    for i, doc in enumerate(("a" * 64, "b" * 64, "b" * 64)):
        again = URIRef(f"{fact}-again{i}")
        g = small_dataset.graph(URIRef(f"https://w3id.org/kg-news/doc/{doc[:16]}"))
        for p, o in small_dataset.graph(graph).predicate_objects(fact):
            g.add((again, p, o))
        g.set((again, KG.startOffset, Literal(1000 + i)))
        g.set((again, URIRef(str(KG.sentence)), Literal(f"Restated {i}.")))
        g.set((again, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), g.identifier))
    data = _payload(write_html(small_dataset, tmp_path / "g.html").read_text(encoding="utf-8"))
    (ceo,) = [e for e in data["details"]["edges"].values() if e["property"] == "CEO of"]
    assert (len(ceo["facts"]), ceo["sources"]) == (4, 2)
    (edge,) = [e for e in data["edges"] if e["label"] == "CEO of"]
    assert "(2 sources)" in edge["title"]
    pixie = data["details"]["nodes"][str(KGR["pixie"])]
    assert [f["sources"] for f in pixie["facts"]] == [1]


def test_conflicts_are_marked(small_dataset: Dataset, tmp_path: Path) -> None:
    _conflict(small_dataset)
    text = write_html(small_dataset, tmp_path / "g.html").read_text(encoding="utf-8")
    data = _payload(text)
    deal = data["details"]["nodes"][DEAL]
    assert deal["conflicts"] == ["deal value"]
    assert {f["property"]: f["conflict"] for f in deal["facts"]} == {
        "deal value": True,
        "deal status": False,
    }
    (node,) = [n for n in data["nodes"] if n["id"] == DEAL]
    assert node["label"].endswith("\u26a0") and node["color"]["border"] == "#d93025"
    assert "1 with conflicting figures" in text


def test_importance_sizes_and_precomputed_positions(small_dataset: Dataset, tmp_path: Path) -> None:
    data = _payload(write_html(small_dataset, tmp_path / "g.html").read_text(encoding="utf-8"))
    size = {n["id"]: n["size"] for n in data["nodes"]}
    assert max(size, key=size.__getitem__) == str(KGR["acme-robotics"])
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])
    assert data["physics"] is True and data["options"]["layout"]["improvedLayout"] is False


def _many_entities(n: int) -> Dataset:
    """``n`` organisations in pairs of partners: past the physics limit."""
    from kg.model import Document, Entity, Evidence, Fact

    doc = Document(id="c" * 64, source="c.txt", text="x", format="txt", title="many")
    entities = {f"org-{i:04}": Entity(f"org-{i:04}", f"Org {i}", "Organization") for i in range(n)}
    facts = [
        Fact(
            f"org-{i:04}", "partnersWith", f"org-{i + 1:04}", True, Evidence(doc.id, "x", 0, 1), "r"
        )
        for i in range(0, n, 2)
    ]
    return to_dataset([doc], entities, facts, {doc.id: dict.fromkeys(entities, 1)})


def test_large_graphs_keep_the_precomputed_layout(tmp_path: Path) -> None:
    from kg.export.html import PHYSICS_LIMIT

    text = write_html(_many_entities(PHYSICS_LIMIT + 2), tmp_path / "g.html").read_text("utf-8")
    data = _payload(text)
    assert len(data["nodes"]) == PHYSICS_LIMIT + 2 and len(data["edges"]) == PHYSICS_LIMIT // 2 + 1
    assert data["physics"] is False and data["options"]["physics"]["enabled"] is False
    assert "kept as it is (physics off)" in text


# ---------------------------------------------------------------- driven over DevTools


ATTRIBUTE_BREAKER = '"><img src=x onerror="alert(6)"> \'><svg onload=alert(7)>'
CEO_SENTENCE = "Acme CEO Jane Roe told staff the app cost $2 million a day."


@pytest.fixture(params=["json", "gzip"])
def hostile_page(
    hostile_dataset: Dataset,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """Script in a sentence, markup in a title and a label, a javascript: link, a conflict.

    Written as a small page is (JSON) and as a large one is (gzipped, in base64).
    """
    from kg.vocab import RDFS, SCHEMA

    if request.param == "gzip":
        monkeypatch.setattr("kg.export.html.PACK_CHARS", 0)

    for _, _, _, graph in hostile_dataset.quads(
        (URIRef(str(KGR["jane-roe"])), RDFS.label, None, None)
    ):
        hostile_dataset.graph(graph).set((KGR["jane-roe"], RDFS.label, Literal(ATTRIBUTE_BREAKER)))
    for doc, _, _, graph in list(hostile_dataset.quads((None, SCHEMA.url, None, None))):
        hostile_dataset.graph(graph).set((doc, SCHEMA.url, Literal("javascript:alert(5)")))
    _conflict(hostile_dataset)
    return write_html(hostile_dataset, tmp_path / "graph.html")


@pytest.fixture
def tab(tmp_path: Path) -> Any:
    headless = pytest.importorskip("headless")
    if headless.chromium_path() is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    with headless.browser(tmp_path / "profile") as b:
        yield b.new_page()


def _outside_view(tab: Any, ids: list[str]) -> list[str]:
    """Those of ``ids`` whose centre is not inside the graph's canvas."""
    found: list[str] = tab.evaluate(
        "(function (ids) { var r = document.getElementById('graph').getBoundingClientRect();"
        " return ids.filter(function (id) {"
        " var p = kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id]);"
        " return !(p.x >= 0 && p.y >= 0 && p.x <= r.width && p.y <= r.height); }); })"
        f"({json.dumps(ids)})"
    )
    return found


@pytest.mark.slow
def test_in_chromium_offline_safe_and_explorable(
    hostile_page: Path, tab: Any, tmp_path: Path
) -> None:
    data = _payload(hostile_page.read_text(encoding="utf-8"))
    tab.open(hostile_page.as_uri())
    tab.wait_for("document.body.dataset.stabilized === 'true'")
    # Everything drawn, nothing fetched, no script of the documents ran.
    drawn = tab.evaluate("[kgNetwork.body.nodeIndices.length, kgNetwork.body.edgeIndices.length]")
    assert drawn == [len(data["nodes"]), len(data["edges"])] == [6, 5]
    assert tab.requests == [hostile_page.as_uri()]
    assert tab.console == [] and tab.dialogs == []
    counts = "[document.images.length, document.querySelectorAll('svg,iframe,object').length]"
    assert tab.evaluate(counts) == [0, 0]

    # Search focuses the entity: selected, its neighbourhood in view, shown in the panel.
    tab.type_text("#search", "GLOBEX")
    globex = str(KGR["globex"])
    assert tab.evaluate("document.body.dataset.selected") == f"node:{globex}"
    assert tab.evaluate("document.body.dataset.focus").startswith(globex + "|")
    assert tab.evaluate("document.querySelector('#details h2').textContent") == HOSTILE_LABEL
    assert tab.evaluate("document.getElementById('focus-name').textContent") == HOSTILE_LABEL
    assert _outside_view(tab, [globex, DEAL]) == []
    tab.type_text("#search", "zzz")
    assert (
        tab.evaluate("document.getElementById('search-status').textContent") == "no entity matches"
    )

    # A real click on Jane Roe opens her facts with the evidence and its source.
    tab.evaluate("kgNetwork.fit()")
    tab.click(*node_centre(tab, str(KGR["jane-roe"])))
    assert tab.evaluate("document.body.dataset.selected") == f"node:{KGR['jane-roe']}"
    panel = tab.evaluate("document.getElementById('details').textContent")
    assert ATTRIBUTE_BREAKER in panel and "CEO of" in panel
    tab.evaluate("document.querySelector('#details .link').click()")  # her relation
    panel = tab.evaluate("document.getElementById('details').textContent")
    assert HOSTILE_SENTENCE in panel and "Acme ends Pixie" in panel and "1 source" in panel

    # The deal shows its conflict; the hostile document's javascript: link is not a link.
    tab.evaluate(f"location.hash = '#node=' + encodeURIComponent({json.dumps(DEAL)})")
    tab.wait_for("document.querySelector('#details .conflict') !== null")
    links = tab.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.href)")
    assert links == []

    # Ids that name properties of every object name nothing here.
    for fragment in ("#edge=__proto__", "#node=toString", "#node=hasOwnProperty", "#node=valueOf"):
        tab.evaluate(f"location.hash = {json.dumps(fragment)}")
        tab.evaluate("new Promise(r => setTimeout(r, 50))")
    assert tab.console == []

    # Filters hide classes and relations; the toggle turns physics back on.
    tab.evaluate("document.querySelector('.class-filter[value=Organization]').click()")
    assert tab.evaluate("document.body.dataset.visibleNodes") == "4"
    assert tab.evaluate("document.body.dataset.visibleEdges") == "1"  # competes with
    tab.evaluate("document.querySelector('.relation-filter[value=competesWith]').click()")
    assert tab.evaluate("document.body.dataset.visibleEdges") == "0"
    tab.evaluate("document.getElementById('physics').click()")
    assert tab.evaluate("kgNetwork.physics.physicsEnabled") is True

    shot = tab.screenshot(tmp_path / "graph.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert tab.console == [] and tab.dialogs == [] and tab.requests == [hostile_page.as_uri()]


def test_the_page_reads_the_stores_own_index(sora_build, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kg.export.html as page_module
    from kg.export.html import _Triples
    from kg.store import load_dataset

    _report, store, _exports = sora_build
    ds = Dataset()  # in memory, as a build's is
    ds.addN((s, p, o, g) for s, p, o, g in load_dataset(store).quads() if g is not None)
    own, built = _Triples(ds), _Triples(ds, own=False)
    assert own.spo is ds.store._Memory__spo  # type: ignore[attr-defined], "the in-memory store's index is used"
    assert built.spo is not own.spo
    assert sorted(own) == sorted(built) and len(list(own)) > 100
    for cls in (KG.Fact, KG.Organization, KG.Document):
        assert sorted(own.subjects(RDF.type, cls)) == sorted(built.subjects(RDF.type, cls))
    page = render_html(ds)
    monkeypatch.setattr(page_module, "_Triples", lambda d: _Triples(d, own=False))
    assert render_html(ds) == page
