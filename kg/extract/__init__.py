"""Document -> mentions, relation mentions and quantities.

The stages, one module each:

- ``nlp``: the spaCy pipeline (one batch for all documents);
- ``mentions``: names (NER, proper nouns, descriptors, the reference KB, cue words);
- ``coref``: pronouns and definite descriptions;
- ``frames``: the roles of each word (who does what to whom);
- ``triggers``: the lexicon mapping words and roles to properties (ontology/triggers.toml);
- ``relations``: pairs of mentions in the roles of a trigger, checked against the
  ontology, and open relations;
- ``qualifiers``: negation, modality, attribution;
- ``quantities`` and ``deals``: figures and deals, with what they belong to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from kg.extract.coref import DocState
from kg.extract.mentions import MentionFinder
from kg.extract.nlp import parse
from kg.extract.qualifiers import attribution
from kg.extract.relations import SentenceReader
from kg.extract.rules import Rules, load_rules
from kg.extract.triggers import Triggers, load_triggers
from kg.model import Document, Extraction, Mention, RelationMention, Sentence

__all__ = ["extract_documents"]


#: A block (a paragraph, as ingest cuts them) longer than this is cut at sentence
#: ends, or else at a space, before it is parsed.
BLOCK_CHARS = 5_000
#: A document longer than this is read as sections of about this size, cut between
#: blocks, each read as an article of its own (names, "the company", "it"), so that
#: reading costs the same per character however long the document is.
SECTION_CHARS = 30_000

_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+")
_SPACE = re.compile(r"\s+")

Span = tuple[int, int]


def _prose(doc: Document, spans: Sequence[Span] | None = None) -> str:
    """The text that is read: the body and the headline, without header lines or URLs
    (a lower-case name in a SOURCE: address is not the name used as a common word)."""
    if spans is None:
        spans = [*doc.body, *([doc.headline] if doc.headline else [])]
    return "\n".join(doc.text[s:e] for s, e in spans)


def _cut_block(text: str, start: int, end: int, limit: int = BLOCK_CHARS) -> list[Span]:
    """``text[start:end]`` as spans of at most ``limit`` characters, cut after a
    sentence's end where there is one, else at a space, else anywhere."""
    out: list[Span] = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = 0
        for m in _SENTENCE_END.finditer(window, limit // 2):
            cut = m.end()
        if not cut:
            for m in _SPACE.finditer(window, limit // 2):
                cut = m.end()
        cut = cut or limit
        out.append((start, start + cut))
        start += cut
    out.append((start, end))
    return out


def _sections(doc: Document) -> list[tuple[list[Span], Span | None]]:
    """The document's body spans (cut to size) grouped into sections, each with the
    headline when it is the first."""
    head = doc.headline
    body = list(doc.body)
    if head and head[1] - head[0] > BLOCK_CHARS:
        body.insert(0, head)  # no headline runs to thousands of characters: read as text
        head = None
    spans = [piece for s, e in body for piece in _cut_block(doc.text, s, e)]
    sections: list[list[Span]] = [[]]
    size = 0
    for span in spans:
        if sections[-1] and size + span[1] - span[0] > SECTION_CHARS:
            sections.append([])
            size = 0
        sections[-1].append(span)
        size += span[1] - span[0]
    return [(spans, head if i == 0 else None) for i, spans in enumerate(sections)]


def _read_block(
    st: DocState,
    start: int,
    headline: bool,
    block: str,
    sdoc: Any,
    rules: Rules,
    triggers: Triggers,
) -> None:
    """Read the relations of each sentence of one parsed block."""
    ents = tuple(sdoc.ents)
    for sent in sdoc.sents:
        raw = block[sent.start_char : sent.end_char]  # sent.text, without Token objects
        text = raw.strip()
        if not text:
            continue
        s_start = start + sent.start_char + (len(raw) - len(raw.lstrip()))
        sentence = Sentence(st.doc.id, s_start, s_start + len(text), text)
        st.sentences.append(sentence)
        if text.endswith("?"):
            continue  # a question states nothing
        SentenceReader(
            offset=start,
            mention_at=st.finder.by_token.get,
            resolve=st.resolver(start),
            sent=sent,
            sentence=sentence,
            rules=rules,
            triggers=triggers,
            last_deal=lambda: st.deals[-1] if st.deals else None,
            main_organization=st.main_organization,
            affiliation=st.affiliation,
            register_deal=st.deals.append,
            out=st.relations,
            attribution=attribution(sent),
            ents=[e for e in ents if e.start >= sent.start and e.end <= sent.end],
            block_text=block,
            headline=headline,
            agency_at=st.finder.agency_at,
        ).read()


def _dateline_agency(st: DocState) -> None:
    """'LONDON (Reuters) - ...': the agency reported on the organisation the story is
    about."""
    agency = st.finder.agency()
    if agency is None:
        return
    sentence = next((s for s in st.sentences if s.start <= agency.start < s.end), None)
    if sentence is None:
        return
    # the organisation the story is about, else the first the dateline's sentence names
    main = st.main_organization() or next(
        (
            m
            for m in sorted(st.finder.mentions, key=lambda m: m.start)
            if agency.end <= m.start < sentence.end and m.label == "Organization"
        ),
        None,
    )
    if main is None or main.name == agency.name:
        return
    st.relations.append(
        RelationMention(
            doc_id=st.doc.id,
            subject=agency,
            predicate="reportedOn",
            object=main,
            sentence=sentence,
            rule="reportedOn.dateline",
            modality="asserted",
            confidence=0.5,
        )
    )


def extract_documents(
    documents: Sequence[Document], *, progress: Callable[[int], None] | None = None
) -> list[Extraction]:
    """Extract mentions and relation mentions from each document, in order."""
    rules = load_rules()
    triggers = load_triggers()
    states: list[DocState] = []
    blocks: list[tuple[DocState, int, int, bool]] = []
    last_section: set[int] = set()
    for d in documents:
        for spans, head in _sections(d):
            st = DocState(d, MentionFinder(d.id, _prose(d, [*spans, head] if head else spans)))
            states.append(st)
            # The headline comes after the body, so that names in it can be checked
            # against the names the body uses (a title-case headline capitalises
            # every word).
            blocks += [(st, start, end, False) for start, end in spans]
            if head:
                blocks.append((st, head[0], head[1], True))
        last_section.add(id(states[-1]))
    texts = [st.doc.text[s:e] for st, s, e, _h in blocks]
    # Each document's blocks are parsed and their names found first, then its
    # sentences are read: a class one block gives a name holds in every block.
    pending: list[tuple[DocState, int, bool, str, Any]] = []
    done_docs = 0

    def read_pending() -> None:
        nonlocal done_docs
        if not pending:
            return
        state = pending[0][0]
        state.finder.add_repeats([(sdoc, start) for _st, start, _h, _b, sdoc in pending])
        for _st, start, _headline, _block, sdoc in pending:
            state.finder.add_acronyms(sdoc, start)
        state.finder.settle_classes()
        state.finder.settle_companies([(sdoc, start) for _st, start, _h, _b, sdoc in pending])
        for _st, start, headline, block, sdoc in pending:
            _read_block(state, start, headline, block, sdoc, rules, triggers)
        _dateline_agency(state)
        pending.clear()
        if id(state) in last_section:
            if progress is not None:
                progress(1)
            done_docs += 1

    for (st, start, _end, headline), block, sdoc in zip(blocks, texts, parse(texts), strict=True):
        if pending and pending[0][0] is not st:
            read_pending()
        st.finder.add_block(sdoc, start, headline=headline)
        pending.append((st, start, headline, block, sdoc))
    read_pending()
    if progress is not None:
        progress(len(documents) - done_docs)
    merged: dict[str, tuple[Document, list[Sentence], list[Mention], list[RelationMention]]] = {}
    for st in states:
        _doc, sentences, mentions, relations = merged.setdefault(st.doc.id, (st.doc, [], [], []))
        sentences += st.sentences
        mentions += st.finder.mentions + st.deals
        relations += st.relations
    return [
        Extraction(doc, tuple(sentences), tuple(mentions), tuple(relations))
        for doc, sentences, mentions, relations in (merged[d.id] for d in documents)
    ]
