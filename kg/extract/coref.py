"""Pronouns and definite descriptions, resolved to the entity they refer to.

"it", "its", "they", "he" and "the company", "the app" stand for the nearest
earlier mention of a class they can refer to (ontology/lexicon.toml lists the
descriptions); a subject pronoun in reported speech is the speaker ("the
company said it would ..."), and "its" in a clause whose subject is an
organisation is that organisation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kg.extract.mentions import MentionFinder
from kg.extract.names import is_public_body, strip_legal
from kg.extract.roles import holders
from kg.kb import load_kb
from kg.lexicon import LEXICON
from kg.model import Document, Mention, RelationMention, Sentence

__all__ = ["DocState"]

_COMPATIBLE = {
    "Organization": ("Organization",),
    "Product": ("Product", "AIModel"),
    "AIModel": ("AIModel", "Product"),
    "Deal": ("Deal",),
    "Person": ("Person",),
}


#: nouns that describe a company by what it makes ("the iPhone maker")
_MAKER_NOUNS = frozenset({"maker", "developer", "creator", "owner", "manufacturer"})

#: what a pronoun refers to when it refers to something that is not a name
_NOBODY = Mention("", 0, 0, "", "", "")


def _enclosing(tok: Any, offset: int, by_token: dict[int, Mention]) -> frozenset[int]:
    """Starts of the mentions on the pronoun's chain of heads: what its clause describes."""
    found: set[int] = set()
    t = tok
    for _ in range(6):
        if t.head.i == t.i:
            break
        if t.dep_ == "relcl" and any(c.dep_ == "nsubj" and c.tag_ == "WP" for c in t.children):
            break  # "Kaine, who said he would retire": he is Kaine
        t = t.head
        m = by_token.get(offset + t.idx)
        if m is not None:
            found.add(m.start)
        if t.dep_ == "appos":
            head = by_token.get(offset + t.head.idx)
            if head is not None:
                found.add(head.start)
    return frozenset(found)


#: what a description of a public body says its name ends with ("the court": a Court)
#: A person's ties to an organisation that make it "the company" of their clauses.
_AFFILIATIONS = frozenset({"founderOf", "ceoOf", "leaderOf", "worksFor"})

_BODY_HEADS = {
    "court": {"Court", "Tribunal"}, "tribunal": {"Tribunal", "Court"},
    "government": {"Government", "Ministry", "Department"}, "ministry": {"Ministry"},
    "commission": {"Commission"}, "authority": {"Authority"}, "agency": {"Agency"},
    "department": {"Department"}, "prosecutor": {"Prosecutor", "Prosecutors", "Office"},
    "prosecutors": {"Prosecutor", "Prosecutors", "Office"},
}  # fmt: skip


def _located(noun: Any) -> bool:
    """'the Redmond, Washington-based company', 'the German carmaker': a description that
    places what it describes. It tells a company apart from the one the story is about,
    and so names the company the sentence has just spoken of."""
    for c in noun.children:
        if c.dep_ not in ("amod", "compound") or c.i > noun.i:
            continue
        if c.text in LEXICON.demonyms or any(t.lower_ == "based" for t in c.subtree):
            return True
    return False


def _own_subject(noun: Any, offset: int) -> set[int]:
    """Where the subject of the clause an object noun stands in begins ("X owns 40% of
    the company": X), through prepositions and the nouns they hang on; empty for a
    subject noun."""
    t = noun
    for _ in range(5):
        if t.dep_ in ("nsubj", "nsubjpass") or t.head.i == t.i:
            return set()
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return {offset + c.idx for c in t.children if c.dep_ in ("nsubj", "nsubjpass")}
    return set()


def _named_as(m: Mention, heads: set[str]) -> bool:
    names = [m.name]
    entry = load_kb().entities.get(m.kb_id) if m.kb_id else None
    if entry is not None:
        names.append(entry.label)
    return any(n.split()[-1] in heads for n in names if n.split())


_SPEECH = {"say", "tell", "add", "write", "state", "explain", "announce", "post", "note"}
#: verbs that make a description just before them the speaker ("..., the developer said")
_SAID_BY = frozenset(_SPEECH | {"report", "confirm"})


@dataclass
class DocState:
    doc: Document
    finder: MentionFinder
    deals: list[Mention] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    relations: list[RelationMention] = field(default_factory=list)
    #: the pronouns whose antecedent is being looked up through the sentence before
    _following: set[int] = field(default_factory=set)

    def main_organization(self) -> Mention | None:
        """The organisation the article is about: the one it names most often (at least
        twice), or, when none leads, the first it names if that one is named again or
        is the only organisation."""
        counts: dict[str, list[Mention]] = {}
        agency = self.finder.agency()  # the dateline's agency reports; the story is not about it
        for m in sorted(self.finder.mentions, key=lambda m: m.start):
            if m.label == "Organization" and (agency is None or m.name != agency.name):
                counts.setdefault(m.kb_id or strip_legal(m.name), []).append(m)
        # "Aurora Motors ... Aurora": a short form counts for the one longer name it begins
        begun: dict[str, list[str]] = {}
        for k in counts:
            if " " in k:
                begun.setdefault(k.split(" ", 1)[0], []).append(k)
        for short in [k for k in counts if " " not in k]:
            longer = begun.get(short, [])
            if len(longer) == 1:
                counts[longer[0]] = sorted(
                    counts[longer[0]] + counts.pop(short), key=lambda m: m.start
                )
        ranked = sorted(counts.values(), key=len, reverse=True)
        if not ranked:
            return None
        if len(ranked) == 1 or (len(ranked[0]) >= 2 and len(ranked[1]) < len(ranked[0])):
            return ranked[0][-1]
        first = min(counts.values(), key=lambda ms: ms[0].start)
        return first[-1] if len(first) >= 2 and len(first) == len(ranked[0]) else None

    def antecedent(
        self, classes: Sequence[str], before: int, skip: frozenset[int] = frozenset()
    ) -> Mention | None:
        """The nearest earlier mention of one of the classes (not one starting in ``skip``)."""
        pool = self.finder.mentions + self.deals
        best: Mention | None = None
        for m in pool:
            if m.start >= before or m.label not in classes or m.start in skip:
                continue
            if m.start in self.finder.agency_at:
                continue  # the dateline's agency is nobody the story speaks of
            if re.match(r"[-–][a-z]", self.doc.text[m.end : m.end + 2]):
                continue  # "Arm-based processors ... its": a modifier is not what "its" means
            if best is None or m.start > best.start:
                best = m
        return best

    def salient(
        self,
        classes: Sequence[str],
        before: int,
        window: int = 600,
        keep: Callable[[Mention], bool] = lambda m: True,
    ) -> Mention | None:
        """'the startup', 'the company': among the mentions of the classes in the last few
        sentences, the one the document names most (the nearest on a tie)."""
        pool = [
            m
            for m in self.finder.mentions
            if m.label in classes
            and m.start < before
            and keep(m)
            and m.start not in self.finder.agency_at
        ]
        recent = [m for m in pool if m.start >= before - window] or pool[-1:]
        if not recent:
            return None
        counts: dict[str, int] = {}
        for m in self.finder.mentions:
            if m.source != "coref":
                counts[m.name] = counts.get(m.name, 0) + 1
        # The name used most, a subject of the nearest clauses counting for more ("Veridian
        # was founded by ... The company has raised ..."); the nearest on a tie.
        return max(
            recent,
            key=lambda m: (counts.get(m.name, 0) + 3 * (m.start in self.finder.subjects), m.start),
        )

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
                return (
                    found
                    if found is not None and found.label in ("Organization", "Person")
                    else None
                )
        return None

    def affiliation(self, person: Mention) -> Mention | None:
        """The one organisation the document has so far tied ``person`` to (founded,
        leads, works for), matched by full name or surname; None if none or several."""
        if person.label != "Person":
            return None
        last = person.name.split()[-1]
        orgs: dict[str, Mention] = {}
        for r in self.relations:
            obj = r.object
            if (
                r.predicate in _AFFILIATIONS
                and isinstance(obj, Mention)
                and obj.label == "Organization"
                and (r.subject.name == person.name or r.subject.name.split()[-1] == last)
            ):
                orgs.setdefault(strip_legal(obj.name), obj)
        return next(iter(orgs.values())) if len(orgs) == 1 else None

    def _subject_before(
        self,
        tok: Any,
        offset: int,
        classes: Sequence[str],
        resolve: Callable[[Any], Mention | None],
    ) -> Mention | None:
        """'Orvane sells software through Halvex Cloud. It competes with ...': a
        pronoun that is the first name-like word of its sentence and its subject goes
        on with the subject of the sentence before, not with the last name there."""
        sent = tok.sent
        if sent.start == 0 or any(
            self.finder.by_token.get(offset + t.idx) is not None or t.pos_ == "PRON"
            for t in tok.doc[sent.start : tok.i]
        ):
            return None
        prev = tok.doc[sent.start - 1].sent
        for c in prev.root.children:
            if c.dep_ not in ("nsubj", "nsubjpass"):
                continue
            m = self.finder.by_token.get(offset + c.idx)
            if m is None and c.pos_ == "PRON" and c.lower_ in ("it", "they"):
                if prev.root.pos_ != "VERB" or len(self._following) >= 3:
                    # "It is not the first time ...": no one; a chain of such sentences
                    # is followed a few steps back
                    return None
                self._following.add(c.i)
                try:
                    m = resolve(c)
                finally:
                    self._following.discard(c.i)
            if m is not None and m.label in classes and m.label == "Organization":
                return m
            return None
        return None

    def _previous_subject(self, tok: Any, offset: int) -> Mention | None:
        """'Acme said it had no plans. The company may ...': a description opening a
        sentence as its subject is the organisation the sentence before was about."""
        if tok.dep_ not in ("nsubj", "nsubjpass"):
            return None
        if tok.head.dep_ != "ROOT" and not (
            tok.head.dep_ == "ccomp" and tok.head.head.dep_ == "ROOT"
        ):
            return None  # "The company may ..., a spokesperson said" is the same
        if tok.sent.start == 0 or tok.left_edge.i != tok.sent.start:
            return None
        prev = tok.doc[tok.sent.start - 1].sent
        for c in prev.root.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                m = self.finder.by_token.get(offset + c.idx)
                if m is None or m.label != "Organization" or is_public_body(m):
                    return None
                if self._reporter(m):
                    return None  # "The Journal had reported ... The company employs ..."
                # one the story keeps coming back to, not a name it mentions in passing
                # ("Existing investors A and B took part. The company ...")
                named = sum(1 for o in self.finder.mentions if o.name == m.name)
                return m if named >= 2 else None
        return None

    def _main_subject(self, tok: Any, offset: int, classes: Sequence[str]) -> Mention | None:
        """'Flickbox, owned by Crestline Media, launched a plan as it tries to catch up
        with Netflix': the subject pronoun of an adverbial clause is the name that is the
        subject of the clause it hangs on, not the last name before it."""
        verb = tok.head
        if tok.lower_ != "it" or verb.dep_ != "advcl" or verb.head.pos_ not in ("VERB", "AUX"):
            return None  # "they" is as often the company behind a product named so
        main = verb.head
        for c in main.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i:
                m = self.finder.by_token.get(offset + c.idx)
                if m is not None and m.source != "coref" and m.label in classes:
                    return m
        return None

    def _host_subject(self, tok: Any, offset: int) -> Mention | None:
        """'X has raised ... less than the $1.9 billion it was valued at': "it" as the
        subject of a relative clause on a figure is the organisation that is the subject
        of the verb the figure hangs on."""
        if tok.lower_ != "it" or tok.dep_ not in ("nsubj", "nsubjpass"):
            return None
        clause = tok.head
        if clause.dep_ != "relcl" or not (clause.head.like_num or clause.head.ent_type_ == "MONEY"):
            return None
        return self._passive_owner(clause, tok, offset)

    def _reporter(self, m: Mention) -> bool:
        """Whether the name is a news outlet the story cites, which 'the company' is not
        (unless the story is about that outlet)."""
        if not LEXICON.is_outlet(m.name):
            return False
        main = self.main_organization()
        return main is None or main.name != m.name

    def _speakers_own(self, tok: Any, offset: int) -> Mention | None:
        """'Jane Roe, Acme's founder, said the company would ...': the company a speaker's
        apposition names, for "the company" subject of what the speaker said."""
        if tok.dep_ != "nsubj" or tok.head.dep_ != "ccomp":
            return None
        verb = tok.head.head
        if verb.lemma_.lower() not in _SAID_BY:
            return None
        for speaker in (c for c in verb.children if c.dep_ == "nsubj"):
            for title in (c for c in speaker.children if c.dep_ == "appos"):
                for c in title.children:
                    owner = c if c.dep_ == "poss" else None
                    if c.dep_ == "prep" and c.lower_ == "of":
                        owner = next((p for p in c.children if p.dep_ == "pobj"), None)
                    m = self.finder.by_token.get(offset + owner.idx) if owner is not None else None
                    if m is not None and m.label == "Organization":
                        return m
        return None

    def _affiliation(self, tok: Any, offset: int) -> Mention | None:
        """'Aguilar, who served as CTO, left the company'; 'Ruiz, its chief executive,
        will ...': with no organisation named earlier in the sentence, "its" or "the
        company" by a person (the subject of its verb, or the person a title it
        qualifies is in apposition to) is the organisation tied to that person."""
        if any(
            (m := self.finder.by_token.get(offset + t.idx)) is not None
            and m.label == "Organization"
            for t in tok.sent
            if t.i < tok.i
        ):
            return None
        anchor = None
        if tok.dep_ == "poss" and tok.head.dep_ == "appos":
            anchor = tok.head.head
        elif tok.dep_ in ("dobj", "pobj"):
            verb = tok.head if tok.dep_ == "dobj" else tok.head.head
            anchor = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        person = self.finder.by_token.get(offset + anchor.idx) if anchor is not None else None
        return self.affiliation(person) if person is not None else None

    def _as_organization(self, m: Mention) -> Mention | None:
        """'Parlaro said it would ...': a one-word name the tagger took for a person,
        referred to as "it", is an organisation (from here on, in every mention)."""
        if m.label == "Organization":
            return m
        if m.label != "Person" or m.source not in ("ner", "propn") or " " in m.name:
            return None
        if m.name in LEXICON.given_names or any(
            p.label == "Person" and " " in p.name and p.name.split()[-1] == m.name
            for p in self.finder.mentions
        ):
            return None  # "Musk said it would ...": a person named in full elsewhere
        promoted: Mention | None = None
        for i, other in enumerate(self.finder.mentions):
            if other.name == m.name and other.label == "Person" and other.source != "cue":
                new = replace(other, label="Organization")
                self.finder._swap(other, new, i)
                if other.start == m.start:
                    promoted = new
        return promoted

    def _clause_owner(
        self, tok: Any, offset: int, resolve: Callable[[Any], Mention | None] | None = None
    ) -> Mention | None:
        """'Acme has sacked its CEO': a possessive 'its' in a clause whose subject is an
        organisation refers to that subject."""
        if tok.lower_ not in ("its", "their") or tok.dep_ != "poss":
            return None
        t, came = tok.head, tok
        outer = False  # past the pronoun's own clause: "X lost users, while its rival Y ..."
        hops = 0  # words climbed, not counting prepositions and appositions
        for _ in range(10):
            if hops >= 4 and not outer:
                return None  # the pronoun's own clause is near it
            if t.pos_ != "ADP" and t.dep_ != "appos":
                hops += 1
            if t.pos_ in ("VERB", "AUX") and came.dep_ == "prep" and came.left_edge.is_sent_start:
                # "Like its rival Dunmore, Alcott is cutting costs": the subject that follows
                later = [c for c in t.children if c.dep_ == "nsubj" and c.i > tok.i]
                m = self.finder.by_token.get(offset + later[0].idx) if later else None
                if m is not None and m.label == "Organization":
                    return m
            if t.pos_ in ("VERB", "AUX"):
                while t.dep_ == "conj" and not any(c.dep_ == "nsubj" for c in t.children):
                    t = t.head  # "X began selling it but never matched its rival"
                subject = next((c for c in t.children if c.dep_ == "nsubj" and c.i < tok.i), None)
                if subject is None and t.dep_ == "acl" and t.head.pos_ == "PROPN":
                    subject = t.head  # "Acme named ... its": a sentence parsed as a noun
                said = self.finder.by_token.get(offset + subject.idx) if subject else None
                if said is not None and said.label == "Person" and t.dep_ == "ccomp":
                    # "Acme said Jane Roe will become its chief executive": the speaker's
                    t, came = t.head, t
                    continue
                if (
                    tok.lower_ == "its"
                    and t.dep_ == "relcl"
                    and subject is not None
                    and subject.lower_ == "who"
                ):
                    # "X was founded by Y, a former Intel engineer who remains its chief
                    # executive": past the person, the clause the person is named in
                    outer_owner = self._passive_owner(t, tok, offset)
                    if outer_owner is not None:
                        return outer_owner
                described = self._holders_of(tok.head, offset) if not outer else frozenset()
                if subject is not None and subject.i < tok.i:  # its clause's subject owns it
                    c = subject
                    m = self.finder.by_token.get(offset + c.idx)
                    if m is not None and m.start in described:
                        return None  # "A and B were among its backers": not A's
                    if m is None and tok.lower_ == "their" and c.tag_ == "NNS":
                        return _NOBODY  # "the companies ... their products": not a name
                    if m is None and resolve is not None and c.pos_ == "NOUN":
                        m = resolve(c)  # "the company may use ... its app"
                    fits = (
                        ("Organization", "Product", "AIModel")
                        if outer or tok.lower_ == "its"
                        else ("Organization",)
                    )
                    return m if m is not None and m.label in fits else None
                if t.lemma_.lower() in _SPEECH and tok.lower_ == "its":
                    # "X is taking on Y, its chief executive, Z, said": what was said
                    for said in (c for c in t.children if c.dep_ == "ccomp"):
                        for c in said.children:
                            if c.dep_ == "nsubj" and c.i < tok.i:
                                m = self.finder.by_token.get(offset + c.idx)
                                if m is not None and m.label == "Organization":
                                    return m
                if t.dep_ == "xcomp" and tok.lower_ == "its":
                    t, came = t.head, t  # "X agreed to pay ... into its practices": X's
                    continue
                if (
                    t.dep_ == "ccomp"
                    and tok.lower_ == "its"
                    and t.head.lemma_.lower() in _SPEECH
                    and subject is None
                ):
                    # "Ferrite, which competes with Nvidia, says its F2 chip is ...": what
                    # a company says of "its" product is its own
                    t, came = t.head, t
                    continue
                if t.dep_ not in ("advcl", "conj") or tok.lower_ != "its":
                    return None
                outer = True
            if t.head.i == t.i:
                return None
            t, came = t.head, t
        return None

    def _passive_owner(self, clause: Any, tok: Any, offset: int) -> Mention | None:
        """The organisation that is the subject of the first verb above ``clause``."""
        t = clause.head
        for _ in range(6):
            if t.pos_ in ("VERB", "AUX"):
                for c in t.children:
                    if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i:
                        m = self.finder.by_token.get(offset + c.idx)
                        return m if m is not None and m.label == "Organization" else None
                return None
            if t.head.i == t.i:
                return None
            t = t.head
        return None

    def _quoted_speaker(self, tok: Any, offset: int) -> Mention | None:
        """'X said: "we will close it"': "we" is the speaker's side, the speaker's
        organisation when the speaker is a person who leads one in the text so far."""
        t = tok
        for _ in range(8):
            if t.head.i == t.i:
                return None
            t = t.head
            if t.pos_ == "VERB" and t.lemma_.lower() in _SPEECH:
                for c in t.children:
                    if c.dep_ == "nsubj" and c.i != tok.i:
                        return self.finder.by_token.get(offset + c.idx)
                return None
        return None

    def _holders_of(self, noun: Any, offset: int) -> frozenset[int]:
        """Starts of the mentions a noun describes ("A and B were among the backers")."""
        found: set[int] = set()
        for h in holders(noun):
            for t in h.subtree:  # "A, the co-founder of B, was among its backers": nor B
                m = self.finder.by_token.get(offset + t.idx)
                if m is not None and m.source != "coref":
                    found.add(m.start)
        return frozenset(found)

    def _maker_of_named(self, tok: Any, offset: int) -> Mention | None:
        """'the iPhone maker': the maker the reference KB gives the product named in the
        description, when the document names that maker."""
        if tok.lower_ not in _MAKER_NOUNS:
            return None
        kb = load_kb()
        for c in tok.children:
            if c.dep_ != "compound" or c.i > tok.i:
                continue
            product = self.finder.by_token.get(offset + c.idx)
            entry = kb.entities.get(product.kb_id) if product and product.kb_id else None
            if entry is None or not entry.maker:
                continue
            named = [m for m in self.finder.mentions if m.kb_id == entry.maker]
            return named[-1] if named else None
        return None

    def _apposed(self, tok: Any, offset: int) -> Mention | None:
        """The name a definite description stands beside: "X, the company that ...", "the
        company, X, ..."; also when the parser has not made the pair an apposition."""
        if tok.dep_ in ("poss", "compound") or not any(
            c.lower_ in ("the", "this") for c in tok.children
        ):
            return None  # "X, the company's email service": the service is X, not the company
        after = tok.right_edge.i + 1
        if after < len(tok.doc) and tok.doc[after].lemma_.lower() in _SAID_BY:
            return None  # "..., the video game developer said": the speaker, not X
        at = self.finder.by_token.get
        first = tok.left_edge
        # a subject description stands beside the name before it only when commas set it
        # off ("Block, the company led by Jack Dorsey, has ..."; not "After buying Acme,
        # the company raised ...")
        set_off = tok.right_edge.text == "," or (
            after < len(tok.doc) and tok.doc[after].text == ","
        )
        if first.i >= 2 and (tok.dep_ not in ("nsubj", "nsubjpass") or set_off):
            comma, before = tok.doc[first.i - 1], tok.doc[first.i - 2]
            if comma.text == "," and comma.sent.start <= before.i:
                m = at(offset + before.idx)
                if m is not None and m.end == offset + before.idx + len(before.text):
                    return m if m.source != "coref" else None  # the name just before wins
        named: list[Mention | None] = []
        if tok.dep_ == "appos":
            named.append(at(offset + tok.head.idx))
        named += [at(offset + c.idx) for c in tok.children if c.dep_ == "appos" and c.i > tok.i]
        return next((m for m in named if m is not None and m.source != "coref"), None)

    def _only_one_before(self, tok: Any, offset: int) -> Mention | None:
        """'For Acme, the collapse is a setback. The Oslo-based company ...': the one
        organisation the sentence before names (in the same block), if it names one."""
        first = tok.sent.start
        if first == 0:
            return None
        before = tok.doc[first - 1].sent
        begin, end = offset + before.start_char, offset + before.end_char
        named = {
            m.name: m
            for m in self.finder.mentions
            if begin <= m.start < end
            and m.label == "Organization"
            and m.start not in self.finder.agency_at
            and not is_public_body(m)
            and not LEXICON.is_outlet(m.name)  # "..., The Harbor Ledger reported."
        }
        return next(iter(named.values())) if len(named) == 1 else None

    def _named_before(self, tok: Any, offset: int) -> Mention | None:
        """The nearest organisation named earlier in the sentence of ``tok`` (not a
        public body, not the dateline's agency)."""
        subjects = {  # "SoftBank said it would list the Cambridge-based company": not SoftBank
            offset + c.idx
            for verb in tok.ancestors
            for c in verb.children
            if c.dep_ in ("nsubj", "nsubjpass")
        }
        begin, end = offset + tok.sent.start_char, offset + tok.left_edge.idx
        named = [
            m
            for m in self.finder.mentions
            if begin <= m.start < end
            and m.label == "Organization"
            and m.start not in self.finder.agency_at
            and not is_public_body(m)
        ]
        for m in sorted(named, key=lambda m: m.start, reverse=True):
            if not any(m.start <= at < m.end for at in subjects):
                return m
        return None

    def resolver(self, offset: int) -> Callable[[Any], Mention | None]:
        def resolve(tok: Any) -> Mention | None:
            low = tok.lower_
            at = offset + tok.idx
            if tok.pos_ == "PRON" and low in ("we", "us", "our"):
                target = self._quoted_speaker(tok, offset)
            elif tok.pos_ == "PRON" and low in LEXICON.pronouns:
                if low in ("he", "his", "him", "she", "her"):
                    classes: Sequence[str] = ("Person",)
                elif low in ("its", "their", "they", "them"):
                    classes = ("Organization",)
                else:
                    classes = ("Organization", "Product", "AIModel")
                owner = self._clause_owner(tok, offset, resolve)
                if owner is _NOBODY:
                    return None
                # Not the noun the pronoun's own clause hangs on ("a tool it released").
                skip = _enclosing(tok, offset, self.finder.by_token)
                if tok.dep_ == "poss" and tok.head.pos_ == "NOUN":
                    # "A and B were among its backers", "B, its chief executive": what the
                    # noun describes is not what owns it
                    skip = skip | self._holders_of(tok.head, offset)
                if tok.dep_ in ("dobj", "dative") and low in ("it", "them"):
                    # "X fined it": an object pronoun is not its own verb's subject
                    skip = skip | {
                        sm.start
                        for c in tok.head.children
                        if c.dep_ in ("nsubj", "nsubjpass")
                        for t in c.subtree
                        if (sm := self.finder.by_token.get(offset + t.idx)) is not None
                    }
                agent = tok.dep_ == "nsubj" and tok.head.pos_ == "VERB" and low in ("it", "they")
                speaker = self._speaker(tok, resolve, self.finder.by_token.get, offset)
                if speaker is not None and speaker.label == "Person":
                    speaker = self._as_organization(speaker) if low == "it" else None
                target = (
                    speaker
                    or owner
                    or self._host_subject(tok, offset)
                    or (self._main_subject(tok, offset, classes) if agent else None)
                    or (self._subject_before(tok, offset, classes, resolve) if agent else None)
                    or (self.antecedent(("Organization",), at, skip) if agent else None)
                    or (self._affiliation(tok, offset) if low in ("its", "their") else None)
                    or self.antecedent(classes, at, skip)
                )
            elif tok.pos_ == "NOUN" and any(c.lower_ in ("the", "this") for c in tok.children):
                words = [
                    c.lower_ for c in tok.children if c.dep_ in ("amod", "compound") and c.i < tok.i
                ]
                phrases = {f"the {low}", f"the {' '.join([*words, low])}"}
                cls = next((c for c, descs in LEXICON.coref.items() if phrases & descs), None)
                if cls is None:
                    return None
                if cls in ("Product", "AIModel") and any(
                    c.dep_ == "compound" and c.i < tok.i and offset + c.idx in self.finder.by_token
                    for c in tok.children
                ):
                    return None  # "the Notely app": the name it is called by, not "the app"
                # a company, its product and its model are told apart less well than a
                # person from any of them
                kinds = ("Person",) if cls == "Person" else ("Organization", "Product", "AIModel")
                named = self._apposed(tok, offset) or self._maker_of_named(tok, offset)
                if named is not None and named.label not in kinds:
                    return None  # "in Lumira, the mapping company": a place is no company
                if named is not None:
                    target = named  # "Lumira, the mapping company owned by ...": Lumira
                elif cls in ("Organization", "Regulator"):
                    # "the company" is no regulator; "the regulator" is one, and "the
                    # court" a court
                    public = cls == "Regulator"
                    heads = _BODY_HEADS.get(low)
                    target = None if public else self._speakers_own(tok, offset)
                    target = target or (None if public else self._affiliation(tok, offset))
                    speaks = (tok.dep_ == "nsubj" and tok.head.lemma_.lower() in _SAID_BY) or (
                        tok.i + 1 < len(tok.doc) and tok.nbor().lemma_.lower() in _SAID_BY
                    )
                    if target is None and not public and not speaks and _located(tok):
                        # not the speaker of a reporting clause ("..., the Oslo-based
                        # group said"): that is the story's company
                        target = self._named_before(tok, offset) or self._only_one_before(
                            tok, offset
                        )
                    if target is None and not public and heads is None:
                        target = self._previous_subject(tok, offset)
                    # "X owns 40% of the company": not X, the subject of its own clause
                    own = _own_subject(tok, offset)
                    target = target or self.salient(
                        ("Organization",),
                        offset + tok.left_edge.idx,  # not a name inside the description
                        # itself ("the Musk-led company")
                        keep=lambda m: (
                            is_public_body(m) == public
                            and not self._reporter(m)
                            and (heads is None or _named_as(m, heads))
                            and not any(m.start <= at < m.end for at in own)
                        ),
                    )
                else:
                    target = self.antecedent(
                        _COMPATIBLE.get(cls, (cls,)), offset + tok.left_edge.idx
                    )
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
