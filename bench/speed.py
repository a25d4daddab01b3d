"""Speed of `kg build` against the bare spaCy pipeline on the same texts, in one run.

    python bench/speed.py [PATH ...] [--repeat 3]

Prints documents/s and tokens/s for both and the ratio (target: kg build at
most 1.3x the bare pipeline). A build makes its files in a forked worker on
Linux (kg/background.py); the bench also times it in one process
(KG_WORKERS=1) and prints CPU time, the worker's included, so that neither
figure hides the other. The model is loaded once before timing; each figure is
the best of --repeat runs, interleaved, since these machines are shared.
"""

from __future__ import annotations

import argparse
import os
import resource
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
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    files, problems = discover(args.paths)
    if problems:
        raise SystemExit("; ".join(problems))
    texts = [read_document(p).text for p in files]
    nlp = load_nlp()
    tokens = sum(len(d) for d in nlp.pipe(texts))  # also warms the pipeline up

    def bare() -> tuple[float, float]:
        t, cpu = time.perf_counter(), _cpu()
        for _ in nlp.pipe(texts):
            pass
        return time.perf_counter() - t, _cpu() - cpu

    def kg_build(workers: str | None) -> tuple[float, float]:
        if workers is None:
            os.environ.pop("KG_WORKERS", None)
        else:
            os.environ["KG_WORKERS"] = workers
        with tempfile.TemporaryDirectory() as tmp:
            t, cpu = time.perf_counter(), _cpu()
            build(files, store=Path(tmp) / "store", out=Path(tmp) / "out")
            return time.perf_counter() - t, _cpu() - cpu

    # Interleaved, so that all see the same load on a shared machine; best of each.
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label in _LABELS}
    for _ in range(args.repeat):
        runs["bare spaCy pipeline"].append(bare())
        runs["kg build"].append(kg_build(None))
        runs["kg build, 1 process"].append(kg_build("1"))
    best = {label: min(r[0] for r in got) for label, got in runs.items()}
    cpu = {label: min(r[1] for r in got) for label, got in runs.items()}
    n = len(texts)
    print(f"{n} documents, {tokens} tokens (best of {args.repeat})")
    print(f"{'':22}{'seconds':>9}{'docs/s':>9}{'tokens/s':>10}{'CPU s':>8}")
    for label, secs in best.items():
        print(f"{label:22}{secs:9.2f}{n / secs:9.1f}{tokens / secs:10.0f}{cpu[label]:8.2f}")
    base = best["bare spaCy pipeline"]
    print(f"ratio kg build / bare spaCy: {best['kg build'] / base:.2f} (target <= 1.30)")
    print(
        f"  in one process (KG_WORKERS=1): {best['kg build, 1 process'] / base:.2f};"
        f" CPU time, worker included: {cpu['kg build'] / cpu['bare spaCy pipeline']:.2f}"
    )


_LABELS = ("bare spaCy pipeline", "kg build", "kg build, 1 process")


def _cpu() -> float:
    """CPU seconds of this process and of its collected children (a build's worker)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
