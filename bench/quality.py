"""Extraction quality against the gold standard in bench/gold/.

    python bench/quality.py [--set sora tune check] [--shared ../shared/corpus] [--errors 30]
                            [--show-check]

Builds each set with the real pipeline into a temporary store, reads the graph
back through SPARQL, and prints precision, recall and F1 per set for
entities, entity types, relations ("linked": the two entities are related at
all, whatever the relation; "open": the open relations, kg:relatedTo, as links
between two annotated entities, their recall counting only links no property
gives) and quantities, then the false positives and
misses, worst relation first. Relations the guideline does not annotate
(kg:reportedOn) are left out. The sets: ``sora`` (the seed articles), and the
``tune`` and ``check`` halves of dev/ + dev2/ fixed in bench/gold/split.toml.
Rules are written from sora and tune only, so the check set's errors are not
printed unless ``--show-check`` asks for them.

A fact is right only with the right relation, direction and entity nodes;
symmetric relations match in either direction, and a gold relation is matched
by a narrower one of kg's (leaderOf by ceoOf).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import tomllib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.pipeline import build  # noqa: E402
from kg.sparql import run_query  # noqa: E402

SYMMETRIC = {"competesWith", "partnersWith", "mergedWith"}
NARROWER = {"leaderOf": {"ceoOf", "leaderOf"}, "locatedIn": {"headquarteredIn", "locatedIn"}}
QUANTITY_RELATIONS = {
    "dealValue",
    "userCount",
    "cost",
    "fundingAmount",
    "valuation",
    "fineAmount",
    "jobCuts",
    "revenue",
    "employeeCount",
}
KG = "https://w3id.org/kg-news/ontology#"
#: relations the gold guideline (bench/gold/README.md) does not annotate
UNANNOTATED = {"reportedOn"}


def norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"^the\s+", "", text.strip())
    return re.sub(r"[^a-z0-9]+", "", text)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0


@dataclass
class Result:
    scores: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    fps: list[tuple[str, str, str]] = field(default_factory=list)  # (relation, doc, what)
    fns: list[tuple[str, str, str]] = field(default_factory=list)


def _rows(query: str, store: Path) -> list[tuple[object, ...]]:
    return [tuple(r) for r in run_query(query, store=store).rows]


def system_view(store: Path) -> dict[str, dict[str, object]]:
    """Per source path: entities (iri -> names, class) and facts."""
    docs = {
        str(d): str(p)
        for d, p in _rows("SELECT ?d ?p WHERE { ?d a kg:Document ; kg:sourcePath ?p }", store)
    }
    view: dict[str, dict[str, object]] = {
        p: {"entities": defaultdict(lambda: {"names": set(), "cls": None}), "facts": []}
        for p in docs.values()
    }
    for d, e, label, cls in _rows(
        """SELECT DISTINCT ?d ?e ?l ?c WHERE { GRAPH ?d { ?e kg:mentionedIn ?d ; a ?c ;
           rdfs:label ?l } }""",
        store,
    ):
        ent = view[docs[str(d)]]["entities"][str(e)]  # type: ignore[index]
        ent["names"].add(str(label))
        ent["cls"] = str(cls).removeprefix(KG)
    for d, e, alias in _rows(
        "SELECT DISTINCT ?d ?e ?a WHERE { GRAPH ?d { ?e kg:mentionedIn ?d ; skos:altLabel ?a } }",
        store,
    ):
        view[docs[str(d)]]["entities"][str(e)]["names"].add(str(alias))  # type: ignore[index]
    for d, s, p, o, amount, unit, kind, per in _rows(
        """SELECT DISTINCT ?d ?s ?p ?o ?amount ?unit ?kind ?per WHERE {
             ?f a kg:Fact ; prov:wasDerivedFrom ?d ; rdf:subject ?s ; rdf:predicate ?p ;
                rdf:object ?o .
             OPTIONAL { ?o kg:amount ?amount ; kg:quantityKind ?kind .
                        OPTIONAL { ?o kg:unit ?unit } OPTIONAL { ?o kg:per ?per } } }""",
        store,
    ):
        view[docs[str(d)]]["facts"].append(  # type: ignore[union-attr]
            (str(s), str(p).removeprefix(KG), str(o), amount, unit, kind, per)
        )
    return view


def _match_entities(
    gold: list[dict[str, object]],
    system: dict[str, dict[str, object]],
    facts: list[tuple[object, ...]],
    gold_facts: list[dict[str, object]],
) -> dict[str, str]:
    """system IRI -> gold id."""
    names: dict[str, str] = {}
    for g in gold:
        for n in [g["name"], *g.get("aliases", [])]:  # type: ignore[list-item]
            names.setdefault(norm(str(n)), str(g["id"]))
    mapping: dict[str, str] = {}
    for iri, ent in system.items():
        if ent["cls"] == "Deal":
            continue
        for n in sorted(ent["names"]):  # type: ignore[arg-type]
            gid = names.get(norm(n))
            if gid is not None:
                mapping[iri] = gid
                break
    # Deals: by their parties.
    gold_parties: dict[str, set[str]] = defaultdict(set)
    for f in gold_facts:
        if f["relation"] == "party":
            gold_parties[str(f["subject"])].add(str(f["object"]))
    sys_parties: dict[str, set[str]] = defaultdict(set)
    for s, p, o, *_ in facts:
        if p == "party" and o in mapping:
            sys_parties[str(s)].add(mapping[str(o)])
    for deal, parties in sys_parties.items():
        best = max(gold_parties.items(), key=lambda kv: len(kv[1] & parties), default=None)
        if best is not None and best[1] & parties:
            mapping[deal] = best[0]
    return mapping


def _same_amount(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(abs(a), abs(b), 1)


def score_document(
    gold: dict[str, object], sysdoc: dict[str, object], name: str, result: Result
) -> None:
    gents: list[dict[str, object]] = gold["entities"]  # type: ignore[assignment]
    gfacts: list[dict[str, object]] = gold["facts"]  # type: ignore[assignment]
    sents: dict[str, dict[str, object]] = sysdoc["entities"]  # type: ignore[assignment]
    sfacts: list[tuple[object, ...]] = sysdoc["facts"]  # type: ignore[assignment]
    mapping = _match_entities(gents, sents, sfacts, gfacts)
    gtypes = {str(g["id"]): str(g["type"]) for g in gents}

    ent, typ = Score(), Score()
    matched = set(mapping.values())
    ent.tp = len(matched)
    ent.fn = len(set(gtypes) - matched)
    ent.fp = sum(1 for iri in sents if iri not in mapping)
    typ.tp = sum(1 for iri, gid in mapping.items() if sents[iri]["cls"] == gtypes[gid])
    typ.fp = len(sents) - typ.tp
    typ.fn = len(gtypes) - typ.tp
    for iri, e in sents.items():
        if iri not in mapping:
            result.fps.append(("entity", name, f"{sorted(e['names'])[0]} ({e['cls']})"))  # type: ignore[arg-type]
        elif e["cls"] != gtypes[mapping[iri]]:
            result.fps.append(
                (
                    "entity type",
                    name,
                    f"{sorted(e['names'])[0]}: {e['cls']}, gold {gtypes[mapping[iri]]}",
                )
            )  # type: ignore[arg-type]
    for gid in sorted(set(gtypes) - matched):
        result.fns.append(("entity", name, f"{gid} ({gtypes[gid]})"))

    def key(s: str, p: str, o: str) -> tuple[str, str, str]:
        return (p, *sorted((s, o))) if p in SYMMETRIC else (p, s, o)  # type: ignore[return-value]

    gold_rel = {
        key(str(f["subject"]), str(f["relation"]), str(f["object"]))
        for f in gfacts
        if "object" in f
    }
    gold_q = [f for f in gfacts if "value" in f]
    open_pairs: set[frozenset[str]] = set()
    sys_rel: set[tuple[str, str, str]] = set()
    sys_q: list[tuple[str, str, float, object, object]] = []
    rel, qty = Score(), Score()
    open_rel = Score()
    for s, p, o, amount, unit, kind, _per in sfacts:
        s_id = mapping.get(str(s), f"?{str(s).rsplit('/', 1)[-1]}")
        if amount is not None:
            sys_q.append((s_id, str(p), float(amount), unit, kind))  # type: ignore[arg-type]
            continue
        o_id = mapping.get(
            str(o),
            str(o).removeprefix(KG) if str(o).startswith(KG) else f"?{str(o).rsplit('/', 1)[-1]}",
        )
        if p == "relatedTo":  # open relations: scored as links only
            open_pairs.add(frozenset((s_id, o_id)))
            continue
        if p in UNANNOTATED:
            continue
        sys_rel.add(key(s_id, str(p), o_id))
    # Linked: the two entities are related at all, in either direction, by any relation.
    link = Score()
    gold_pairs = {frozenset((k[1], k[2])) for k in gold_rel if k[0] != "dealStatus"}
    sys_pairs = {
        frozenset((k[1], k[2]))
        for k in sys_rel
        if k[0] != "dealStatus" and not k[1].startswith("?") and not k[2].startswith("?")
    }
    link.tp = len(gold_pairs & sys_pairs)
    link.fp = len(sys_pairs - gold_pairs)
    link.fn = len(gold_pairs - sys_pairs)
    known = {p for p in open_pairs if not any(x.startswith("?") for x in p)}
    open_rel.tp = len(known & gold_pairs)
    open_rel.fp = len(known - gold_pairs)
    open_rel.fn = len(gold_pairs - sys_pairs - known)
    for p in sorted(known - gold_pairs, key=sorted):
        result.fps.append(("open", name, " ~ ".join(sorted(p))))
    for k in sys_rel:
        alts = [k] + [(wide, *k[1:]) for wide, narrow in NARROWER.items() if k[0] in narrow]
        if any(a in gold_rel for a in alts):
            rel.tp += 1
        else:
            rel.fp += 1
            result.fps.append((k[0], name, f"{k[1]} -> {k[2]}"))
    covered = {
        (wide, *k[1:]) for k in sys_rel for wide, narrow in NARROWER.items() if k[0] in narrow
    } | sys_rel
    for k in sorted(gold_rel - covered):
        rel.fn += 1
        result.fns.append((k[0], name, f"{k[1]} -> {k[2]}"))
    used: set[int] = set()
    for s_id, p, amount, unit, _kind in dict.fromkeys(sys_q):  # one per distinct value
        hit = next(
            (
                i
                for i, f in enumerate(gold_q)
                if i not in used
                and f["subject"] == s_id
                and f["relation"] == p
                and _same_amount(float(f["value"]["amount"]), amount)  # type: ignore[index]
                and (f["value"].get("unit") in (None, unit) or unit is None)
            ),
            None,
        )  # type: ignore[union-attr]
        if hit is None:
            qty.fp += 1
            result.fps.append((p, name, f"{s_id} = {amount:g} {unit or ''}".strip()))
        else:
            used.add(hit)
            qty.tp += 1
    for i, f in enumerate(gold_q):
        if i not in used:
            qty.fn += 1
            v = f["value"]
            result.fns.append(
                (
                    str(f["relation"]),
                    name,
                    f"{f['subject']} = {v['amount']:g} {v.get('unit') or ''}".strip(),
                )
            )  # type: ignore[index]
    for label, sc in (
        ("entities", ent),
        ("entity types", typ),
        ("relations", rel),
        ("linked", link),
        ("open", open_rel),
        ("quantities", qty),
    ):
        result.scores[label].add(sc)


def set_files(name: str, gold_dir: Path) -> list[str]:
    """The articles of a set, as paths under the shared corpus ("dev2/01_x.txt")."""
    if name == "sora":
        return [f"sora/{g.stem}.txt" for g in sorted((gold_dir / "sora").glob("*.json"))]
    split = tomllib.loads((gold_dir / "split.toml").read_text(encoding="utf-8"))
    if name not in split:
        raise SystemExit(f"unknown set {name!r}; known: sora, {', '.join(split)}")
    return list(split[name])


def evaluate(name: str, shared: Path, gold_dir: Path) -> Result:
    result = Result()
    files = set_files(name, gold_dir)
    gold_files = [gold_dir / (f.removesuffix(".txt") + ".json") for f in files]
    missing = [str(g) for g in gold_files if not g.is_file()]
    if missing:
        raise SystemExit(f"no gold file {missing[0]}")
    paths = [shared / f for f in files]
    with tempfile.TemporaryDirectory() as tmp:
        build(paths, store=Path(tmp) / "store", out=Path(tmp) / "exports")
        view = system_view(Path(tmp) / "store")
    for g, path, f in zip(gold_files, paths, files, strict=True):
        gold = json.loads(g.read_text(encoding="utf-8"))
        score_document(gold, view[str(path)], f.removesuffix(".txt"), result)
    return result


def _table(rows: Iterable[tuple[str, dict[str, Score]]]) -> str:
    out = [f"{'':14}{'':14}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}"]
    for corpus, scores in rows:
        for label in ("entities", "entity types", "relations", "linked", "open", "quantities"):
            s = scores[label]
            out.append(
                f"{corpus:14}{label:14}{s.p:7.2f}{s.r:7.2f}{s.f1:7.2f}{s.tp:6}{s.fp:6}{s.fn:6}"
            )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", nargs="+", default=["sora", "tune", "check"], dest="sets")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--gold", type=Path, default=ROOT / "bench" / "gold")
    ap.add_argument("--errors", type=int, default=25, help="errors listed per kind")
    ap.add_argument("--show-check", action="store_true", help="also list the check set's errors")
    args = ap.parse_args()
    results = {c: evaluate(c, args.shared.resolve(), args.gold) for c in args.sets}
    print(_table([(c, r.scores) for c, r in results.items()]))
    shown = [c for c in results if c != "check" or args.show_check]
    if "check" in results and not args.show_check:
        print("\n(the check set's errors are not listed: rules are not written from them)")
    for title, attr in (("False positives", "fps"), ("Misses", "fns")):
        items = [i for c in shown for i in getattr(results[c], attr)]
        by_kind = Counter(i[0] for i in items)
        print(
            f"\n{title} ({len(items)}), worst first: "
            + ", ".join(f"{k} {n}" for k, n in by_kind.most_common())
        )
        for kind, _ in by_kind.most_common():
            for _k, doc, what in [i for i in items if i[0] == kind][: args.errors]:
                print(f"  {kind:13} {doc:28} {what}")


if __name__ == "__main__":
    main()
