"""Speed of `kg build` against the bare spaCy pipeline on the same texts, in one run.

    python bench/speed.py [PATH ...] [--repeat 3]

Prints documents/s and tokens/s for both and the ratio (target: kg build at
most 1.3x the bare pipeline). The model is loaded once before timing; each
figure is the best of --repeat runs, since these machines are shared.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.extract.nlp import load_nlp  # noqa: E402
from kg.ingest import discover, read_document  # noqa: E402
from kg.pipeline import build  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    shared = ROOT.parent / "shared" / "corpus"
    ap.add_argument("paths", nargs="*", type=Path, default=[shared / "sora", shared / "dev"])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files, problems = discover(args.paths)
    if problems:
        raise SystemExit("; ".join(problems))
    texts = [read_document(p).text for p in files]
    nlp = load_nlp()
    tokens = sum(len(d) for d in nlp.pipe(texts))  # also warms the pipeline up

    def bare() -> float:
        t = time.perf_counter()
        for _ in nlp.pipe(texts):
            pass
        return time.perf_counter() - t

    def kg_build() -> float:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            build(files, store=Path(tmp) / "store", out=Path(tmp) / "out")
            return time.perf_counter() - t

    # Interleaved, so that both see the same load on a shared machine; best of each.
    runs = [(bare(), kg_build()) for _ in range(args.repeat)]
    bare_s = min(b for b, _ in runs)
    kg_s = min(k for _, k in runs)
    n = len(texts)
    print(f"{n} documents, {tokens} tokens (best of {args.repeat})")
    print(f"{'':22}{'seconds':>9}{'docs/s':>9}{'tokens/s':>10}")
    for label, secs in (("bare spaCy pipeline", bare_s), ("kg build", kg_s)):
        print(f"{label:22}{secs:9.2f}{n / secs:9.1f}{tokens / secs:10.0f}")
    print(f"ratio kg build / bare spaCy: {kg_s / bare_s:.2f} (target <= 1.30)")


if __name__ == "__main__":
    main()
