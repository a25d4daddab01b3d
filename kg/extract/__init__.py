"""Document -> mentions, relation mentions and quantities.

``extract_documents`` parses the body of each document with spaCy (one batch
for all documents) and runs the extractors sentence by sentence:
``mentions`` (NER, reference KB, cue words), coreference of pronouns and
definite descriptions, then ``relations`` and ``deals`` (rules from
ontology/rules.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.extract.mentions import MentionFinder
from kg.extract.nlp import parse
from kg.extract.relations import SentenceReader
from kg.extract.rules import load_rules
from kg.lexicon import LEXICON
from kg.model import Document, Extraction, Mention, RelationMention, Sentence

__all__ = ["extract_documents"]

_COMPATIBLE = {
    "Organization": ("Organization",),
    "Product": ("Product", "AIModel"),
    "AIModel": ("AIModel", "Product"),
    "Deal": ("Deal",),
    "Person": ("Person",),
}


@dataclass
class _DocState:
    doc: Document
    finder: MentionFinder
    deals: list[Mention] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    relations: list[RelationMention] = field(default_factory=list)

    def main_organization(self) -> Mention | None:
        """The organisation named most often so far (at least twice), if one leads."""
        counts: dict[str, list[Mention]] = {}
        for m in self.finder.mentions:
            if m.label == "Organization":
                counts.setdefault(m.kb_id or m.name, []).append(m)
        ranked = sorted(counts.values(), key=len, reverse=True)
        if not ranked or len(ranked[0]) < 2:
            return None
        if len(ranked) > 1 and len(ranked[1]) == len(ranked[0]):
            return None
        return ranked[0][-1]

    def antecedent(self, classes: Sequence[str], before: int) -> Mention | None:
        pool = self.finder.mentions + self.deals
        best: Mention | None = None
        for m in pool:
            if m.start < before and m.label in classes and (best is None or m.start > best.start):
                best = m
        return best

    @staticmethod
    def _speaker(
        tok: Any,
        resolve: Callable[[Any], Mention | None],
        mention_at: Callable[[int], Mention | None],
        offset: int,
    ) -> Mention | None:
        """'the company said it would...': a subject pronoun in reported speech is the speaker."""
        clause = tok.head
        if tok.dep_ != "nsubj" or clause.dep_ != "ccomp" or tok.lower_ not in ("it", "they"):
            return None
        for c in clause.head.children:
            if c.dep_ == "nsubj" and c.i != tok.i:
                found = mention_at(offset + c.idx) or (
                    resolve(c) if c.pos_ in ("PRON", "NOUN") else None
                )
                return found if found is not None and found.label == "Organization" else None
        return None

    def _clause_owner(self, tok: Any, offset: int) -> Mention | None:
        """'Acme has sacked its CEO': a possessive 'its' in a clause whose subject is an
        organisation refers to that subject."""
        if tok.lower_ not in ("its", "their") or tok.dep_ != "poss":
            return None
        t = tok.head
        for _ in range(4):
            if t.pos_ in ("VERB", "AUX"):
                for c in t.children:
                    if c.dep_ == "nsubj" and c.i < tok.i:
                        m = self.finder.by_token.get(offset + c.idx)
                        return m if m is not None and m.label == "Organization" else None
                return None
            if t.head.i == t.i:
                return None
            t = t.head
        return None

    def resolver(self, offset: int) -> Callable[[Any], Mention | None]:
        def resolve(tok: Any) -> Mention | None:
            low = tok.lower_
            at = offset + tok.idx
            if tok.pos_ == "PRON" and low in LEXICON.pronouns:
                if low in ("he", "his", "him", "she", "her"):
                    classes: Sequence[str] = ("Person",)
                elif low in ("its", "their", "they", "them"):
                    classes = ("Organization",)
                else:
                    classes = ("Organization", "Product", "AIModel")
                target = (
                    self._speaker(tok, resolve, self.finder.by_token.get, offset)
                    or self._clause_owner(tok, offset)
                    or self.antecedent(classes, at)
                )
            elif tok.pos_ == "NOUN" and any(c.lower_ in ("the", "this") for c in tok.children):
                words = [
                    c.lower_ for c in tok.children if c.dep_ in ("amod", "compound") and c.i < tok.i
                ]
                phrases = {f"the {low}", f"the {' '.join([*words, low])}"}
                cls = next((c for c, descs in LEXICON.coref.items() if phrases & descs), None)
                if cls is None:
                    return None
                target = self.antecedent(_COMPATIBLE.get(cls, (cls,)), at)
            else:
                return None
            if target is None:
                return None
            return Mention(
                doc_id=target.doc_id,
                start=at,
                end=at + len(tok.text),
                text=tok.text,
                label=target.label,
                name=target.name,
                source="coref",
                kb_id=target.kb_id,
                type_weight=0.0,
            )

        return resolve


def _attribution(sent: Any) -> str | None:
    """'according to the Wall Street Journal' -> 'the Wall Street Journal'."""
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            to = tok.nbor()
            objs = [c for c in to.children if c.dep_ == "pobj"]
            if objs:
                span = tok.doc[objs[0].left_edge.i : objs[0].right_edge.i + 1]
                return str(span.text)
        if tok.lower_ == "per" and tok.dep_ == "prep":
            objs = [c for c in tok.children if c.dep_ == "pobj" and c.ent_type_ == "ORG"]
            if objs:
                return str(tok.doc[objs[0].left_edge.i : objs[0].right_edge.i + 1].text)
    return None


def extract_documents(
    documents: Sequence[Document], *, progress: Callable[[int], None] | None = None
) -> list[Extraction]:
    """Extract mentions and relation mentions from each document, in order."""
    rules = load_rules()
    states = [_DocState(d, MentionFinder(d.id, d.text)) for d in documents]
    # The headline comes after the body, so that names in it can be checked against
    # the names the body uses (a title-case headline capitalises every word).
    blocks = [
        (st, start, end, headline)
        for st in states
        for (start, end), headline in (
            *((span, False) for span in st.doc.body),
            *([(st.doc.headline, True)] if st.doc.headline else []),
        )
    ]
    texts = [st.doc.text[s:e] for st, s, e, _h in blocks]
    done_docs = 0
    last_state: _DocState | None = None
    for (st, start, _end, headline), block, sdoc in zip(blocks, texts, parse(texts), strict=True):
        if last_state is not None and st is not last_state and progress is not None:
            progress(1)
            done_docs += 1
        last_state = st
        st.finder.add_block(sdoc, start, headline=headline)
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
            reader = SentenceReader(
                sent=sent,
                offset=start,
                sentence=sentence,
                mention_at=st.finder.by_token.get,
                resolve=st.resolver(start),
                rules=rules,
                last_deal=lambda st=st: st.deals[-1] if st.deals else None,  # type: ignore[misc]
                main_organization=st.main_organization,
                register_deal=st.deals.append,
                out=st.relations,
                attribution=_attribution(sent),
                ents=[e for e in ents if e.start >= sent.start and e.end <= sent.end],
                block_text=block,
            )
            reader.read()
    if progress is not None:
        progress(len(documents) - done_docs)
    return [
        Extraction(
            st.doc, tuple(st.sentences), tuple(st.finder.mentions + st.deals), tuple(st.relations)
        )
        for st in states
    ]
