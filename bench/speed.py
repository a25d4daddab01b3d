"""Speed of `kg build` against the bare spaCy pipeline on the same texts, in one run.

    python bench/speed.py [PATH ...] [--repeat 3]

Prints documents/s and tokens/s for both and the ratio (target: kg build at
most 1.3x the bare pipeline). A build extracts on the machine's cores and makes
its files in a forked worker on Linux (kg/extract/parallel.py,
kg/background.py); the bench also times it in one process (KG_WORKERS=1) and
with two workers (KG_WORKERS=2), prints the docs/s of both (target: 2 workers at
least 1.6x one on a 2-core machine) and CPU time, the workers' included, so that
no figure hides another. The model is loaded once before timing; each figure is
the best of --repeat runs, interleaved, since these machines are shared.

    python bench/speed.py --sweep [--sizes 0.1 1 10]

The size sweep builds one document of each size (in MB), made of the corpus's
paragraphs in turn, each in a fresh process, and prints seconds per MB, the
ratio to the smallest size's (target: 10 MB at most 1.5x per MB what 0.1 MB
costs) and the process's peak memory.
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
    ap.add_argument(
        "paths", nargs="*", type=Path, default=[shared / "sora", shared / "dev", shared / "dev2"]
    )
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sweep", action="store_true", help="time one document of each --sizes")
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.1, 1.0, 10.0])
    args = ap.parse_args()
    if args.sweep:
        sweep(args.paths, args.sizes)
        return
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
        runs["kg build, 2 workers"].append(kg_build("2"))
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
    one, two = best["kg build, 1 process"], best["kg build, 2 workers"]
    print(
        f"docs/s with 1 worker {n / one:.1f}, with 2 workers {n / two:.1f}:"
        f" {one / two:.2f}x (target >= 1.60 on 2 cores; {os.cpu_count()} here)"
    )


_LABELS = ("bare spaCy pipeline", "kg build", "kg build, 1 process", "kg build, 2 workers")

_ONE_BUILD = """
import resource, sys, tempfile, time
from pathlib import Path
from kg.extract.nlp import load_nlp
from kg.pipeline import build
load_nlp()
with tempfile.TemporaryDirectory() as tmp:
    t = time.perf_counter()
    build([Path(sys.argv[1])], store=Path(tmp) / "store", out=Path(tmp) / "out",
          max_document_mb=1000)
    seconds = time.perf_counter() - t
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def sweep(paths: list[Path], sizes: list[float]) -> None:
    """One document per size, each built in a process of its own."""
    import subprocess

    files, problems = discover(paths)
    if problems:
        raise SystemExit("; ".join(problems))
    paragraphs = [
        block.strip()
        for p in files
        for block in read_document(p).text.split("\n\n")
        if len(block.split()) >= 20
    ]
    print(f"one document per size, made of {len(paragraphs)} paragraphs in turn")
    print(f"{'MB':>7}{'seconds':>10}{'s/MB':>8}{'ratio':>8}{'peak MB':>9}")
    first = None
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            doc = Path(tmp) / f"sweep-{size:g}.txt"
            doc.write_text(_document(paragraphs, size), encoding="utf-8")
            mb = doc.stat().st_size / 1e6
            done = subprocess.run(
                [sys.executable, "-c", _ONE_BUILD, str(doc)],
                capture_output=True, text=True, check=True, cwd=ROOT,
            )  # fmt: skip
            seconds, peak_kb = done.stdout.split()[-2:]
            per_mb = float(seconds) / mb
            first = first or per_mb
            print(
                f"{mb:7.2f}{float(seconds):10.1f}{per_mb:8.1f}{per_mb / first:8.2f}"
                f"{int(peak_kb) / 1024:9.0f}"
            )
    print("target: 10 MB at most 1.50x the seconds per MB of 0.1 MB")


def _document(paragraphs: list[str], mb: float) -> str:
    out, size, i = ["Sweep"], 0, 0
    while size < mb * 1e6:
        para = paragraphs[i % len(paragraphs)]
        out.append(para)
        size += len(para.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(out) + "\n"


def _cpu() -> float:
    """CPU seconds of this process and of its collected children (a build's worker)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
