"""Benchmark: the named questions on a synthetic graph, through kg and directly on pyoxigraph.

    python bench/query.py                   # about one million triples
    python bench/query.py --triples 100000  # quicker

For each named question (bound to one of the most named entities) it prints
the median latency of: pyoxigraph's ``Store.query`` on the same store with the
rows read out (the baseline), ``kg.sparql.run_query`` (the library call behind
``kg query``; target: within 1.5x of the baseline), ``kg.questions.ask``
(adds naming the entity), and one request to ``kg serve`` over HTTP. Then the
requests per second that 8 concurrent clients get from the endpoint.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox

from kg.questions import ask, load_questions
from kg.server import make_server
from kg.sparql import run_query
from kg.vocab import PREFIXES

HERE = Path(__file__).resolve().parent
# Keep bench/ off the import path, which the spawned query workers inherit (its script
# names must not shadow modules there), and load the generator by its file name.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("kg_bench_synthetic", HERE / "synthetic.py")
assert _spec and _spec.loader
synthetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetic)

PARAMS = {
    "discontinued": {"org": "organization-0"},
    "competitors": {"product": "product-0"},
    "deals": {"org": "organization-0"},
    "leaders": {"org": "organization-0"},
    "facts": {"entity": "product-1"},
    "single-source": {"entity": "organization-2"},
    "conflicts": {},
}


def median_ms(fn: Callable[[], object], *, runs: int, budget: float = 5.0) -> float:
    """Median wall time of ``fn`` in ms, over ``runs`` runs (fewer past ``budget`` seconds)."""
    fn()  # warm caches
    times: list[float] = []
    deadline = time.perf_counter() + budget
    while len(times) < runs and (len(times) < 3 or time.perf_counter() < deadline):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def direct(store: ox.Store, text: str) -> int:
    result = store.query(text, prefixes=dict(PREFIXES), use_default_graph_as_union=True)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return len([tuple(s[n] for n in names) for s in result])
    return len(list(result)) if not isinstance(result, ox.QueryBoolean) else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="graph size (default 1e6)")
    parser.add_argument("--runs", type=int, default=21, help="runs per median (default 21)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the load test")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        path = Path(tmp) / "store"
        start = time.perf_counter()
        quads = synthetic.write(path, args.triples)
        print(f"synthetic graph: {quads:,} quads, written in {time.perf_counter() - start:.1f} s")

        baseline = ox.Store.read_only(str(path))
        questions = load_questions()
        server = make_server(path, port=0, workers=4, timeout=60, max_rows=1_000_000)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        endpoint = server.url + "sparql"
        client = httpx.Client(timeout=120)

        header = f"{'question':<14} {'rows':>6} {'pyoxigraph':>11} {'run_query':>10} {'ratio':>6}"
        print(header + f" {'ask()':>8} {'endpoint':>9}   (median ms)")
        texts: list[str] = []
        for name, params in PARAMS.items():
            question = questions[name]
            bound = {k: ox.NamedNode(PREFIXES["kgr"] + v) for k, v in params.items()}
            text = question.bind(bound)
            texts.append(text)
            rows = direct(baseline, text)
            t_direct = median_ms(lambda t=text: direct(baseline, t), runs=args.runs)  # type: ignore[misc]
            t_lib = median_ms(lambda t=text: run_query(t, store=path), runs=args.runs)  # type: ignore[misc]
            t_ask = median_ms(lambda n=name, p=params: ask(n, p, store=path), runs=args.runs)  # type: ignore[misc]

            def http(text: str = text) -> None:
                r = client.get(endpoint, params={"query": text})
                r.raise_for_status()

            t_http = median_ms(http, runs=args.runs)
            print(
                f"{name:<14} {rows:>6} {t_direct:>11.2f} {t_lib:>10.2f} {t_lib / t_direct:>6.2f}"
                f" {t_ask:>8.2f} {t_http:>9.2f}"
            )

        done = 0
        stop = time.perf_counter() + args.seconds
        lock = threading.Lock()

        def load(i: int) -> None:
            nonlocal done
            with httpx.Client(timeout=120) as c:
                n = i
                while time.perf_counter() < stop:
                    c.get(endpoint, params={"query": texts[n % len(texts)]}).raise_for_status()
                    n += 1
                    with lock:
                        done += 1

        start = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(load, range(8)))
        elapsed = time.perf_counter() - start
        print(f"endpoint, 8 concurrent clients, mixed questions: {done / elapsed:.0f} requests/s")
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
