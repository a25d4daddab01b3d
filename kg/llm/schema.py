"""What the model is asked, and the form its answer must take, both made from ``ontology/``.

The prompt lists the entity classes, each property with the classes of its two
sides, the figures kg records and the modalities, in the ontology's own words
(``rdfs:comment``). The JSON schema of the answer is made from the same table,
and the answer is checked against it here, whether or not the server could
hold the model to it: an answer that is not that JSON is refused whole, an item
that is not that shape is dropped.

``PROMPT_VERSION`` is a hash of the prompt and the schema: change the ontology
or the wording and every cached answer misses.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import RDFS, Graph, URIRef

from kg.errors import KGError
from kg.extract.rules import load_rules
from kg.extract.triggers import load_triggers
from kg.model import MODALITIES, OPEN_RELATION, Sentence
from kg.vocab import KG, ontology_dir

__all__ = [
    "AnswerError",
    "Ontology",
    "answer_schema",
    "chunk_message",
    "load_ontology",
    "parse_answer",
    "prompt_version",
    "system_prompt",
]

#: the classes the model may give an entity (a Deal is made by the rules from its parties)
CLASSES = ("Organization", "Person", "Product", "AIModel", "Event", "Place")
#: properties the model is not asked for: a deal's parts, and the open relation itself
_NOT_ASKED = frozenset({"party", "dealStatus", OPEN_RELATION})
#: bump when the wording below changes in a way the hash would not see
_FORMAT = 1


class AnswerError(KGError):
    """The model's answer is not the JSON object the schema describes."""


@dataclass(frozen=True)
class Ontology:
    """The part of the ontology the model is held to."""

    classes: dict[str, str]  # class -> its comment
    #: property -> (subject classes, object classes, comment)
    relations: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]]
    #: value property -> (subject classes, quantity kinds, comment)
    figures: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]]
    modalities: dict[str, str]  # modality -> its comment
    names: dict[str, str]  # a property's name or label, squashed -> the property

    def relation_named(self, name: str) -> str | None:
        """The property a relation name stands for ("ceoOf", "CEO of", "ceo_of"), or None."""
        return self.names.get(_squash(name))


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@cache
def _graph() -> Graph:
    return Graph().parse(ontology_dir() / "kg.ttl", format="turtle")


def _comment(graph: Graph, local: str) -> str:
    found = graph.value(URIRef(KG[local]), RDFS.comment)
    return " ".join(str(found).split()) if found is not None else ""


@cache
def load_ontology() -> Ontology:
    """The classes, properties and modalities of ``ontology/`` (loaded once)."""
    graph = _graph()
    triggers = load_triggers()
    kinds = {q.property: tuple(sorted(q.kinds)) for q in load_rules().quantities}
    relations: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {}
    figures: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {}
    for prop in sorted(triggers.classes):
        if prop in _NOT_ASKED:
            continue
        subjects, objects = triggers.classes[prop]
        subj = tuple(c for c in CLASSES if c in subjects)
        if not subj:
            continue
        if prop in kinds:
            figures[prop] = (subj, kinds[prop], _comment(graph, prop))
        elif objects and (obj := tuple(c for c in CLASSES if c in objects)):
            relations[prop] = (subj, obj, _comment(graph, prop))
    names: dict[str, str] = {}
    for prop in (*relations, *figures):
        names[_squash(prop)] = prop
        for label in graph.objects(URIRef(KG[prop]), RDFS.label):
            names.setdefault(_squash(str(label)), prop)
    return Ontology(
        classes={c: _comment(graph, c) for c in CLASSES},
        relations=relations,
        figures=figures,
        modalities={m: _comment(graph, m.capitalize()) for m in MODALITIES},
        names=names,
    )


# ---------------------------------------------------------------- the answer's form


def answer_schema(onto: Ontology) -> dict[str, Any]:
    """The JSON schema of an answer (strict: every key required, no others)."""
    classes = list(onto.classes)

    def item(props: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": list(props),
            "properties": props,
        }

    entity = item(
        {
            "name": {"type": "string", "description": "the name as the sentence writes it"},
            "type": {"type": "string", "enum": classes},
            "sentence": {"type": "integer", "description": "the number of the sentence"},
        }
    )
    fact = item(
        {
            "sentence": {"type": "integer", "description": "the number of the one sentence"},
            "subject": {"type": "string", "description": "as the sentence writes it"},
            "subject_type": {"type": "string", "enum": classes},
            "relation": {
                "type": "string",
                "description": "a relation or figure named above; else a short verb phrase",
            },
            "object": {"type": "string", "description": "a name, or a figure, as written"},
            "object_type": {"type": "string", "enum": [*classes, "Figure"]},
            "modality": {"type": "string", "enum": list(onto.modalities)},
        }
    )
    return item(
        {
            "entities": {"type": "array", "items": entity},
            "facts": {"type": "array", "items": fact},
        }
    )


def system_prompt(onto: Ontology) -> str:
    """The instructions: what to find, in the ontology's terms, and how to answer."""
    lines = [
        "You read numbered sentences from a news article and list the entities they name",
        "and the facts they state about them, as one JSON object and nothing else.",
        "",
        "Entity types:",
        *(f"- {c}: {comment}" for c, comment in onto.classes.items()),
        "",
        "Relations, as subject type -> object type:",
        *(
            f"- {p} ({' | '.join(s)} -> {' | '.join(o)}): {comment}"
            for p, (s, o, comment) in onto.relations.items()
        ),
        "",
        'Figures (object_type "Figure"; the object is the figure as the sentence writes it):',
        *(
            f"- {p} ({' | '.join(s)}; {', '.join(k)}): {comment}"
            for p, (s, k, comment) in onto.figures.items()
        ),
        "",
        "Modality, how firmly the sentence states the fact:",
        *(f"- {m}: {comment}" for m, comment in onto.modalities.items()),
        "",
        "Rules:",
        "- Only what the sentences themselves state; nothing from elsewhere.",
        "- Each fact cites the number of the one sentence that states it, and its subject",
        "  and object are written exactly as that sentence writes them.",
        "- Use the relation names above. When none fits, give the sentence's own verb",
        '  phrase as the relation (for example "teamed up with").',
        '- List under "entities" every entity the sentences name, with the number of a',
        "  sentence that names it, even when no fact is known about it.",
        "",
        "The answer is a JSON object of this JSON schema:",
        json.dumps(answer_schema(onto), sort_keys=True),
    ]
    return "\n".join(lines)


def chunk_message(sentences: Sequence[Sentence]) -> str:
    """The user message of one call: the chunk's sentences, numbered from 1."""
    body = "\n".join(f"[{i}] {' '.join(s.text.split())}" for i, s in enumerate(sentences, 1))
    return f"Sentences:\n{body}"


@cache
def prompt_version() -> str:
    """A hash of the instructions and the schema, for the cache key."""
    onto = load_ontology()
    raw = f"{_FORMAT}\0{system_prompt(onto)}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


# ---------------------------------------------------------------- the validating parser

_FENCE = re.compile(r"^\s*```[A-Za-z]*\s*\n(.*?)\n\s*```\s*$", re.S)


def parse_answer(content: str, onto: Ontology) -> tuple[list[dict[str, Any]], ...]:
    """The answer's (entities, facts, malformed items), checked against the schema.

    A reply wrapped in a Markdown code fence is unwrapped. Raises ``AnswerError``
    when the reply is not a JSON object with a ``facts`` list.
    """
    fenced = _FENCE.match(content)
    text = fenced.group(1) if fenced else content
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise AnswerError(f"the answer is not JSON ({err.msg} at character {err.pos})") from None
    if not isinstance(data, dict) or not isinstance(data.get("facts"), list):
        raise AnswerError('the answer is not a JSON object with a "facts" list')
    entities = data.get("entities", [])
    if not isinstance(entities, list):
        raise AnswerError('the answer\'s "entities" is not a list')
    schema = answer_schema(onto)["properties"]
    good: dict[str, list[dict[str, Any]]] = {"entities": [], "facts": []}
    bad: list[dict[str, Any]] = []
    for key, items in (("entities", entities), ("facts", data["facts"])):
        for raw in items:
            if key == "facts" and isinstance(raw, dict) and "modality" not in raw:
                raw = {**raw, "modality": "asserted"}  # the one key with a plain default
            if _valid(raw, schema[key]["items"]):
                good[key].append(raw)
            else:
                bad.append(raw if isinstance(raw, dict) else {"item": raw})
    return good["entities"], good["facts"], bad


def _valid(value: Any, schema: dict[str, Any]) -> bool:
    """Whether ``value`` has the schema's required keys, each of its type and enum
    (keys the schema does not name are ignored)."""
    if not isinstance(value, dict):
        return False
    for key in schema["required"]:
        want = schema["properties"][key]
        got = value.get(key)
        if want["type"] == "integer":
            if isinstance(got, bool) or not isinstance(got, int):
                return False
        elif not isinstance(got, str) or not got.strip():
            return False
        if "enum" in want and got not in want["enum"]:
            return False
    return True
