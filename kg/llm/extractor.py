"""The model's facts for a build's documents: chunks, calls, the answer cache, grounding.

Each document's sentences (as the rule-based extractor cut them) are sent in
chunks of a few sentences, one call each, with at most ``concurrency`` calls in
flight. An answer is kept on disk beside the store, keyed by the document's
content hash, the model's name and the prompt's version, and by the chunk's
own text; a rebuild of unchanged documents makes no call.

A document takes the model's facts only when every one of its chunks was
answered; otherwise it keeps its rule-based facts, and one warning names the
document and the reason. With mode ``llm`` the model's mentions and facts
replace the rules' for the documents it answered; with ``rules+llm`` they are
added to the rules', and a fact the rules already drew from the same sentence
is not added again (the rules' fact keeps its evidence).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.llm.client import ChatClient, LLMError
from kg.llm.ground import Grounded, ground
from kg.llm.schema import (
    AnswerError,
    Ontology,
    answer_schema,
    chunk_message,
    load_ontology,
    parse_answer,
    prompt_version,
    system_prompt,
)
from kg.model import Extraction, Mention, Quantity, RelationMention, Sentence
from kg.remote import RemoteStore

__all__ = [
    "MODES",
    "LLMReport",
    "LLMSettings",
    "extract_with_llm",
    "llm_cache_path",
    "prune_answers",
]

#: --extractor: the rules alone (the default, no network), the model alone, or both
MODES = ("rules", "llm", "rules+llm")
#: a chunk holds at most this many sentences, and about this many characters
CHUNK_SENTENCES, CHUNK_CHARS = 8, 3_000


@dataclass(frozen=True)
class LLMSettings:
    """How to reach the model, and how much of it to use."""

    url: str
    model: str
    mode: str = "llm"  # "llm" | "rules+llm"
    max_calls: int | None = None  # calls one build may make; None: no bound
    timeout: float = 120.0  # seconds for one call
    concurrency: int = 4  # calls in flight at once
    api_key: str | None = None


@dataclass
class LLMReport:
    """What the model was asked and what was kept, for the build summary."""

    calls: int = 0  # calls made
    cached: int = 0  # chunks answered from the cache
    proposed: int = 0  # facts the model proposed
    kept: int = 0  # facts that passed the grounding check
    duplicates: int = 0  # kept facts the rules had already drawn (rules+llm)
    dropped: Counter[str] = field(default_factory=Counter)  # reason -> facts
    fallback: int = 0  # documents that kept their rule-based facts
    warnings: list[str] = field(default_factory=list)


def llm_cache_path(store: Path | RemoteStore) -> Path:
    """The folder of the model's cached answers for the store at ``store``."""
    if isinstance(store, RemoteStore):
        store = store.local_path  # a folder on this machine stands for the server
    return store.parent / f".{store.name}.llm"


def _chunks(sentences: Sequence[Sentence]) -> list[tuple[Sentence, ...]]:
    out: list[tuple[Sentence, ...]] = []
    current: list[Sentence] = []
    size = 0
    for s in sentences:
        if current and (len(current) >= CHUNK_SENTENCES or size + len(s.text) > CHUNK_CHARS):
            out.append(tuple(current))
            current, size = [], 0
        current.append(s)
        size += len(s.text)
    if current:
        out.append(tuple(current))
    return out


class AnswerCache:
    """Answers on disk: one JSON file per document, model and prompt version."""

    def __init__(self, folder: Path, model: str) -> None:
        self.folder = Path(folder)
        self.variant = hashlib.sha256(f"{model}\0{prompt_version()}".encode()).hexdigest()[:16]
        self.model = model

    def _path(self, doc_id: str) -> Path:
        return self.folder / f"{doc_id}.{self.variant}.json"

    def get(self, doc_id: str) -> dict[str, str]:
        try:
            raw = json.loads(self._path(doc_id).read_text(encoding="utf-8"))
            answers = raw["answers"]
            if raw["model"] == self.model and isinstance(answers, dict):
                return {str(k): str(v) for k, v in answers.items()}
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return {}

    def put(self, doc_id: str, answers: dict[str, str]) -> None:
        """Write the entry atomically; errors are ignored (it is a cache)."""
        path = self._path(doc_id)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        entry = {"model": self.model, "prompt": prompt_version(), "answers": answers}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(entry, ensure_ascii=False, sort_keys=True), "utf-8")
            tmp.replace(path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()


def prune_answers(folder: Path, doc_ids: Iterable[str]) -> None:
    """Remove the cached answers of documents other than ``doc_ids`` (any model's)."""
    keep = set(doc_ids)
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name.split(".", 1)[0] not in keep:
            with contextlib.suppress(OSError):
                path.unlink()


def _key(message: str) -> str:
    return hashlib.sha256(message.encode()).hexdigest()[:24]


def extract_with_llm(
    extractions: Sequence[Extraction],
    settings: LLMSettings,
    cache_folder: Path,
    progress: Callable[[int, str], AbstractContextManager[Any]] | None = None,
) -> tuple[list[Extraction], LLMReport]:
    """The extractions with the model's facts in them (see the module's docstring).

    ``progress(total, label)``, when given, makes the bar of the calls (a context
    manager whose ``update(n)`` advances it).
    """
    onto = load_ontology()
    system, schema = system_prompt(onto), answer_schema(onto)
    client = ChatClient(
        settings.url, settings.model, timeout=settings.timeout, api_key=settings.api_key
    )
    cache = AnswerCache(cache_folder, settings.model)
    report = LLMReport()
    plans: list[tuple[Extraction, list[tuple[tuple[Sentence, ...], str]], dict[str, str]]] = []
    budget = settings.max_calls
    wanted: list[tuple[int, str, str]] = []  # (plan, key, message) to ask
    skipped: dict[int, str] = {}
    for ex in extractions:
        chunks = [(c, chunk_message(c)) for c in _chunks(ex.sentences)]
        cached = cache.get(ex.document.id)
        missing = [(k, m) for _c, m in chunks if (k := _key(m)) not in cached]
        report.cached += len(chunks) - len(missing)
        if budget is not None and len(missing) > budget:
            skipped[len(plans)] = f"the --llm-max-calls bound of {settings.max_calls} is spent"
            missing = []
        elif budget is not None:
            budget -= len(missing)
        wanted += [(len(plans), k, m) for k, m in missing]
        plans.append((ex, chunks, cached))
    answers: dict[str, str] = {}
    failures: dict[int, str] = dict(skipped)
    if wanted:
        bar_cm = progress(len(wanted), "Asking the model") if progress else nullcontext(None)
        with bar_cm as bar:
            report.calls = _ask(
                client, system, schema, wanted, settings.concurrency, answers, failures,
                bar.update if bar is not None else None,
            )  # fmt: skip

    out: list[Extraction] = []
    for i, (ex, chunks, cached) in enumerate(plans):
        found = {**cached, **{k: answers[k] for _c, m in chunks if (k := _key(m)) in answers}}
        merged, reason = _apply(ex, chunks, found, onto, settings.mode, report)
        reason = failures.get(i) or reason
        if reason is None:
            if any(_key(m) not in cached for _c, m in chunks):
                cache.put(ex.document.id, {_key(m): found[_key(m)] for _c, m in chunks})
            out.append(merged)
        else:
            report.fallback += 1
            report.warnings.append(
                f"{ex.document.source}: the model's facts are left out ({reason});"
                " the document keeps its rule-based facts"
            )
            out.append(ex)
    return out, report


def _ask(
    client: ChatClient,
    system: str,
    schema: dict[str, object],
    wanted: list[tuple[int, str, str]],
    concurrency: int,
    answers: dict[str, str],
    failures: dict[int, str],
    progress: Callable[[int], None] | None,
) -> int:
    """Make the calls, at most ``concurrency`` at once, and return how many were made.
    A document whose call fails is marked failed and asked nothing more; an
    unreachable server is asked nothing more at all."""
    gone: list[str] = []
    made = [0]
    lock = threading.Lock()

    def call(plan: int, message: str) -> str | None:
        if gone or plan in failures:
            return None
        with lock:
            made[0] += 1
        try:
            return client.complete(system, message, schema)
        except LLMError as err:
            failures.setdefault(plan, err.reason)
            if err.unreachable:
                gone.append(err.reason)
            return None

    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="kg-llm") as pool:
        futures: list[tuple[int, str, Future[str | None]]] = [
            (plan, key, pool.submit(call, plan, message)) for plan, key, message in wanted
        ]
        for plan, key, fut in futures:
            got = fut.result()
            if got is not None:
                answers[key] = got
            elif gone:
                failures.setdefault(plan, gone[0])
            if progress is not None:
                progress(1)
    return made[0]


def _apply(
    ex: Extraction,
    chunks: list[tuple[tuple[Sentence, ...], str]],
    answers: dict[str, str],
    onto: Ontology,
    mode: str,
    report: LLMReport,
) -> tuple[Extraction, str | None]:
    """The document's extraction with the model's answers, or the reason it has none."""
    if any(_key(m) not in answers for _c, m in chunks):
        return ex, "a chunk was not answered"
    rules = ex.mentions if mode == "rules+llm" else ()
    grounded = Grounded(ex.document.id, rules)
    for chunk, message in chunks:
        try:
            entities, facts, bad = parse_answer(answers[_key(message)], onto)
        except AnswerError as err:
            return ex, str(err)
        ground(grounded, entities, facts, len(bad), chunk, onto)
    report.proposed += grounded.proposed
    report.dropped.update(grounded.dropped)
    report.kept += len(grounded.relations)
    new_mentions = tuple(m for m in grounded.mentions.values() if m.source == "llm")
    if mode != "rules+llm":
        return replace(ex, mentions=new_mentions, relations=tuple(grounded.relations)), None
    drawn = {_fact_key(r) for r in ex.relations}
    added = [r for r in grounded.relations if _fact_key(r) not in drawn]
    report.duplicates += len(grounded.relations) - len(added)
    return replace(
        ex, mentions=ex.mentions + new_mentions, relations=ex.relations + tuple(added)
    ), None


def _fact_key(r: RelationMention) -> tuple[object, ...]:
    """A fact's sentence, property and sides by name (either order: symmetric or not,
    two facts between the same two names in one sentence by one property are one)."""
    obj: object
    if isinstance(r.object, Mention):
        obj = r.object.name.lower()
    elif isinstance(r.object, Quantity):
        obj = (r.object.kind, r.object.amount)
    else:
        obj = r.object
    sides = tuple(sorted((r.subject.name.lower(), str(obj))))
    return (r.sentence.start, r.predicate, sides)
