"""A synthetic news graph in kg's layout, of a chosen size, for benchmarks.

Documents are named graphs holding the document node, the entities they name
and their facts (plain triple + ``kg:Fact`` node with evidence), as
``kg/rdf.py`` writes them. Which entities a document names follows a Zipf
law, so a few organisations and products appear everywhere and most rarely.
A few deals carry two disagreeing values, recorded in ``kgd:conflicts``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.store import merge_default_graph
from kg.vocab import PREFIXES

KG, KGR, KGD, KGF = (PREFIXES[p] for p in ("kg", "kgr", "kgd", "kgf"))
RDF, RDFS, XSD, PROV = (PREFIXES[p] for p in ("rdf", "rdfs", "xsd", "prov"))
CLASSES = [("Organization", 0.3), ("Product", 0.3), ("AIModel", 0.2), ("Person", 0.2)]
TRIPLES_PER_DOCUMENT = 120  # measured on the output of this generator, roughly


def N(iri: str) -> ox.NamedNode:  # noqa: N802 (a constructor-like helper)
    return ox.NamedNode(iri)


def _lit(value: object, datatype: str | None = None) -> ox.Literal:
    return ox.Literal(str(value), datatype=N(XSD + datatype) if datatype else None)


def entity_key(cls: str, i: int) -> str:
    return f"{cls.lower()}-{i}"


def generate(triples: int, *, seed: int = 7) -> Iterator[ox.Quad]:
    """Quads of a graph of about ``triples`` triples."""
    rng = random.Random(seed)
    documents = max(1, triples // TRIPLES_PER_DOCUMENT)
    per_class = {c: max(10, int(documents * share / 2)) for c, share in CLASSES}
    weights = {c: [1 / (r + 1) ** 1.1 for r in range(n)] for c, n in per_class.items()}

    def pick(cls: str) -> str:
        return entity_key(cls, rng.choices(range(per_class[cls]), weights[cls])[0])

    rules = [
        ("discontinued", "Organization", "Product"),
        ("competesWith", "Product", "Product"),
        ("competesWith", "AIModel", "Product"),
        ("ceoOf", "Person", "Organization"),
        ("founderOf", "Person", "Organization"),
        ("developer", "Product", "Organization"),
        ("launched", "Organization", "AIModel"),
    ]
    modalities = ["Asserted"] * 8 + ["Reported", "Planned", "Negated"]
    conflicts = N(KGD + "conflicts")
    previous: ox.NamedNode | None = None
    for d in range(documents):
        doc = N(f"{KGD}{d:016x}")

        def q(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal, g=doc) -> ox.Quad:  # type: ignore[no-untyped-def]
            return ox.Quad(s, N(p), o, g)

        yield q(doc, RDF + "type", N(KG + "Document"))
        yield q(doc, KG + "contentHash", _lit(f"{d:064x}"))
        yield q(doc, KG + "sourcePath", _lit(f"articles/{d}.txt"))
        yield q(doc, PREFIXES["schema"] + "headline", _lit(f"Story number {d}"))
        named: set[tuple[str, str]] = set()
        facts: list[tuple[str, str, ox.NamedNode | None, str]] = []
        for _ in range(6):
            prop, scls, ocls = rng.choice(rules)
            s, o = pick(scls), pick(ocls)
            if s != o:
                named |= {(s, scls), (o, ocls)}
                facts.append((s, prop, N(KGR + o), rng.choice(modalities)))
        a, b = sorted((pick("Organization"), pick("Organization")))
        if d % 8 == 0 and a != b:  # a deal between two organisations, with a value and a status
            deal = f"deal-{a}-{b}"
            named |= {(a, "Organization"), (b, "Organization"), (deal, "Deal")}
            facts += [
                (deal, "party", N(KGR + a), "Asserted"),
                (deal, "party", N(KGR + b), "Asserted"),
            ]
            facts.append(
                (deal, "dealStatus", N(KG + rng.choice(["Active", "Cancelled"])), "Asserted")
            )
            facts.append((deal, "dealValue", None, "Asserted"))
        for key, cls in sorted(named):
            e = N(KGR + key)
            yield q(e, RDF + "type", N(KG + cls))
            yield q(e, RDFS + "label", _lit(key.replace("-", " ").title()))
            yield q(e, KG + "mentionedIn", doc)
            yield q(e, KG + "mentionCount", _lit(rng.randint(1, 5), "integer"))
        value_facts = []
        for n, (s, prop, obj, modality) in enumerate(facts):
            f = N(f"{KGF}{d:012x}{n:04x}")
            if obj is None:
                obj = N(f.value + "-q")
                yield q(obj, RDF + "type", N(KG + "Quantity"))
                yield q(obj, KG + "amount", _lit(f"{rng.choice([1, 2, 5]) * 10**9}.0", "decimal"))
                yield q(obj, KG + "unit", _lit("USD"))
                yield q(obj, KG + "qualifier", N(KG + "Exact"))
                value_facts.append((s, f))
            yield q(N(KGR + s), KG + prop, obj)
            yield q(f, RDF + "type", N(KG + "Fact"))
            yield q(f, RDF + "subject", N(KGR + s))
            yield q(f, RDF + "predicate", N(KG + prop))
            yield q(f, RDF + "object", obj)
            yield q(f, KG + "sentence", _lit(f"Sentence {n} of story {d} about {s}."))
            yield q(f, KG + "startOffset", _lit(n * 100, "integer"))
            yield q(f, KG + "endOffset", _lit(n * 100 + 60, "integer"))
            yield q(f, KG + "modality", N(KG + modality))
            yield q(f, KG + "confidence", _lit("0.7", "decimal"))
            yield q(f, KG + "extractor", _lit(f"{prop}.synthetic@0"))
            yield q(f, PROV + "wasDerivedFrom", doc)
        if value_facts and previous is not None and d % 5 == 0:
            # now and then, a value that an earlier document's figure disputes
            about, fact = value_facts[0]
            c = N(f"{KGD}conflict-{d}")
            for cp, co in [
                (RDF + "type", N(KG + "Conflict")),
                (KG + "conflictAbout", N(KGR + about)),
                (KG + "conflictProperty", N(KG + "dealValue")),
                (KG + "conflictingFact", fact),
                (KG + "conflictingFact", previous),
            ]:
                yield ox.Quad(c, N(cp), co, conflicts)
        if value_facts:
            previous = value_facts[0][1]


def write(path: Path, triples: int) -> int:
    """Write a synthetic store at ``path`` (which must not exist); return its quad count."""
    store = ox.Store(str(path))
    store.bulk_extend(generate(triples))
    merge_default_graph(store)  # as a build leaves it: the merged graph is the default one
    store.flush()
    count = len(store)
    del store
    return count
