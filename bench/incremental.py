"""Incremental builds: one changed article out of many, against a full build, in one run.

    .venv/bin/python bench/incremental.py [--copies 3]

Builds a corpus of the shared Sora and dev articles and the bundled sample
(each repeated ``--copies`` times under a distinct header, so that every copy
is a document of its own), then times, on the same store:

* a full build that extracts every article (``rebuild=True``, the baseline),
* a build after one article was edited (one extraction, the rest cached),
* a build with nothing changed.

and prints each time with its ratio to the full build.

    .venv/bin/python bench/incremental.py --memory 1000 5000

builds, for each size, a corpus of that many documents once, in a fresh process
of its own, and prints the time and the peak memory (resident set) of that
process and of the worker processes it started.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.pipeline import build, sample_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"


def _corpus(folder: Path, copies: int) -> list[Path]:
    sources = sorted(SHARED.glob("*/*.txt")) + sorted(
        p for p in sample_corpus().iterdir() if p.suffix in (".txt", ".md", ".html")
    )
    written: list[Path] = []
    for k in range(copies):
        for src in sources:
            dest = folder / f"{k:02d}-{src.name}"
            text = src.read_text(encoding="utf-8")
            if src.suffix == ".txt" and not text.startswith(("SOURCE:", "TITLE:")):
                text = f"TITLE: copy {k} of {src.stem}\n\n{text}"
            elif src.suffix == ".txt":
                text = f"PUBLISHER: copy {k}\n{text}"
            else:
                text = (
                    text + f"\n<!-- copy {k} -->\n"
                    if src.suffix == ".html"
                    else text + f"\n\nCopy {k}.\n"
                )
            dest.write_text(text, encoding="utf-8")
            written.append(dest)
    return written


def _timed(label: str, baseline: float | None, **kwargs: object) -> float:
    started = time.perf_counter()
    report = build(**kwargs)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    ratio = f"{seconds / baseline:6.1%} of the full build" if baseline else "baseline"
    c = report.changes
    print(
        f"{label:<34} {seconds:7.2f} s   {ratio:<26}"
        f" ({report.documents} documents, {c.extracted} extracted, {c.cached} cached)"
    )
    return seconds


def _sized(size: int) -> None:
    """Build a corpus of ``size`` documents in this process; print a JSON line with the
    time and the peak memory of this process and its children."""
    work = Path(tempfile.mkdtemp(prefix="kg-bench-memory-"))
    try:
        articles = work / "articles"
        articles.mkdir()
        per_copy = len(_corpus(articles, 1))
        for extra in _corpus(articles, -(-size // per_copy))[size:]:
            extra.unlink()
        started = time.perf_counter()
        report = build(paths=[articles], store=work / "store", out=work / "exports")
        seconds = time.perf_counter() - started
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(json.dumps({"documents": report.documents, "seconds": seconds,
                          "peak_mb": own / 1024, "workers_peak_mb": workers / 1024}))  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _memory(sizes: list[int]) -> None:
    for size in sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--sized", str(size)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            print(f"{size} documents: the build failed: {done.stderr.strip()[-300:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{row['documents']:>6} documents: full build {row['seconds']:7.1f} s,"
            f" peak memory {row['peak_mb']:7.0f} MB (workers' peak {row['workers_peak_mb']:.0f} MB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=3, help="times each article is repeated")
    parser.add_argument(
        "--memory", type=int, nargs="+", metavar="N", help="peak memory of a build of N documents"
    )
    parser.add_argument("--sized", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sized:
        _sized(args.sized)
        return
    if args.memory:
        _memory(args.memory)
        return
    work = Path(tempfile.mkdtemp(prefix="kg-bench-incremental-"))
    try:
        articles = work / "articles"
        articles.mkdir()
        files = _corpus(articles, args.copies)
        common = {"paths": [articles], "store": work / "store", "out": work / "exports"}
        build(**common)  # type: ignore[arg-type]  # warm up: spaCy loaded, caches filled
        full = _timed("full build (every article extracted)", None, rebuild=True, **common)
        edited = files[len(files) // 2]
        edited.write_text(
            edited.read_text(encoding="utf-8") + "\n\nAn editor added this line.\n",
            encoding="utf-8",
        )
        _timed("one article edited", full, **common)
        _timed("nothing changed", full, **common)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
