"""An optional extractor that asks a language model, grounded in the text and held to
the ontology.

- ``schema``: the prompt and the answer's JSON schema, made from ``ontology/``,
  and the parser that checks an answer against it;
- ``client``: the chat-completions protocol (Ollama, vLLM, llama.cpp's server);
- ``ground``: each proposed fact checked against its sentence and the ontology;
- ``extractor``: chunks, bounded calls, the answer cache, and how the model's
  facts join the rules'.

The rule-based extractor stays the default; this one runs only when a build
is given ``--extractor llm`` or ``--extractor rules+llm``.
"""

from kg.llm.extractor import (
    MODES,
    LLMReport,
    LLMSettings,
    extract_with_llm,
    llm_cache_path,
    prune_answers,
)

__all__ = [
    "MODES",
    "LLMReport",
    "LLMSettings",
    "extract_with_llm",
    "llm_cache_path",
    "prune_answers",
]
