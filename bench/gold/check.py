"""Check gold files for bench/quality.py: ids, relations, types, values and offsets.

    python bench/gold/check.py bench/gold/dev2/*.json [--shared ../shared/corpus] [--show]

Prints one line per problem and exits 1 if there is any; --show prints each fact
with the text of its evidence span, for reading the annotation back.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TYPES = {"Organization", "Person", "Product", "AIModel", "Deal", "Event", "Place"}
RELATIONS = {
    "developer",
    "discontinued",
    "launched",
    "announced",
    "party",
    "dealStatus",
    "acquired",
    "mergedWith",
    "owns",
    "investedIn",
    "sued",
    "fined",
    "investigates",
    "competesWith",
    "partnersWith",
    "leaderOf",
    "ceoOf",
    "founderOf",
    "worksFor",
    "departedFrom",
    "succeeded",
    "locatedIn",
    "poweredBy",
    "integratedInto",
    "replacedBy",
}
QUANTITIES = {
    "dealValue",
    "fundingAmount",
    "valuation",
    "fineAmount",
    "jobCuts",
    "userCount",
    "cost",
    "revenue",
    "employeeCount",
}
STATUSES = {"Announced", "Active", "Completed", "Cancelled"}
MODALITIES = {"asserted", "negated", "planned", "reported", "hedged"}
KINDS = {"money", "count", "percent", "duration", "rate"}
QUALIFIERS = {"exact", "approximate", "at_most", "at_least", "vague"}


def problems(path: Path, shared: Path, show: bool) -> list[str]:
    gold = json.loads(path.read_text(encoding="utf-8"))
    out: list[str] = []
    text = (shared / gold["document"]).read_text(encoding="utf-8")
    ids = [e["id"] for e in gold["entities"]]
    if len(ids) != len(set(ids)):
        out.append(f"{path}: duplicate entity ids")
    for e in gold["entities"]:
        if e.get("type") not in TYPES:
            out.append(f"{path}: entity {e['id']}: unknown type {e.get('type')!r}")
        if not e.get("name"):
            out.append(f"{path}: entity {e['id']}: no name")
    for i, f in enumerate(gold["facts"]):
        where = f"{path}: fact {i} ({f.get('subject')} {f.get('relation')})"
        rel = f.get("relation")
        if f.get("subject") not in ids:
            out.append(f"{where}: unknown subject")
        if rel in RELATIONS:
            obj = f.get("object")
            if rel == "dealStatus":
                if obj not in STATUSES:
                    out.append(f"{where}: status {obj!r} not one of {sorted(STATUSES)}")
            elif obj not in ids:
                out.append(f"{where}: unknown object {obj!r}")
        elif rel in QUANTITIES:
            v = f.get("value") or {}
            if v.get("kind") not in KINDS or not isinstance(v.get("amount"), int | float):
                out.append(f"{where}: value needs a kind and a numeric amount")
            if v.get("qualifier", "exact") not in QUALIFIERS:
                out.append(f"{where}: unknown qualifier {v.get('qualifier')!r}")
        else:
            out.append(f"{where}: unknown relation")
        if f.get("modality", "asserted") not in MODALITIES:
            out.append(f"{where}: unknown modality {f.get('modality')!r}")
        ev = f.get("evidence")
        if not (isinstance(ev, list) and len(ev) == 2 and 0 <= ev[0] < ev[1] <= len(text)):
            out.append(f"{where}: evidence {ev!r} is not a span of the text")
        elif show:
            what = f.get("object", f.get("value"))
            print(f"{f['subject']} {rel} {what}\n    {text[ev[0] : ev[1]]}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    found = [p for f in args.files for p in problems(f, args.shared, args.show)]
    print("\n".join(found) if found else f"{len(args.files)} file(s): no problems")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
