"""Relations between mentions, read off the dependency parse with the rules of ontology/rules.toml.

One ``SentenceReader`` per sentence turns trigger words into ``RelationMention``s:
verbs (active and passive, with particles and prepositions), nominalisations
("the shutdown of X"), comparisons ("better than X"), titles ("Acme CEO Jane
Roe", "Globex maker Acme"), apposition ("X, its photo app"), deals with their
parties, value and status, and quantities attached to what they describe.
Arguments that are common nouns are followed to the names they stand for:
lists ("rivals such as A and B"), possessors ("A's capabilities"),
appositions and pronouns or definite descriptions ("the company", "it").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.extract.deals import read_deal
from kg.extract.quantities import parse_quantity
from kg.extract.rules import RelationRule, Rules
from kg.lexicon import LEXICON
from kg.model import Mention, Quantity, RelationMention, Sentence

__all__ = ["BY_MAKER", "SentenceReader"]

Tok = Any  # a spaCy Token
_LIST_PREPS = {"like", "as", "including"}  # "such as", "like", "including"
_QUANTITY_LABELS = {"MONEY", "CARDINAL", "QUANTITY"}
_NAMING_WORDS = {
    "codenamed",
    "code-named",
    "code",
    "-",
    "named",
    "called",
    "dubbed",
    "known",
    "as",
    '"',
    "'",
    "“",
    "”",
    "‘",
    "’",
    ",",
}
_FUNDING_WORDS = {"round", "funding", "financing", "investor", "backer", "money", "raise"}
_NEW_WORDS = {"new", "newest", "latest", "next", "upcoming", "forthcoming", "next-generation"}
_ARRIVAL_VERBS = {"launch", "arrive", "debut", "ship", "release", "premiere"}
#: rule id of a launch whose subject is the product: resolution puts its maker there
BY_MAKER = "launched.by-maker"
_VAGUE_MONEY = re.compile(r"\bmulti[- ]?(?:million|billion|trillion)(?:[- ]dollar)?\b", re.I)


@dataclass
class SentenceReader:
    """Reads the relations of one sentence."""

    sent: Any  # spaCy Span
    offset: int  # char offset of the block in the document
    sentence: Sentence
    mention_at: Callable[[int], Mention | None]  # document char offset -> mention
    resolve: Callable[[Tok], Mention | None]  # pronoun / description -> antecedent
    rules: Rules
    last_deal: Callable[[], Mention | None]
    main_organization: Callable[[], Mention | None]
    register_deal: Callable[[Mention], None]
    out: list[RelationMention]
    #: the named entities of the sentence (``Span.ents`` would walk the whole parsed
    #: block each time it is read)
    ents: Sequence[Any]
    #: the parsed block's text (``Doc.text`` is rebuilt from the tokens each time)
    block_text: str
    attribution: str | None = None
    #: cue-noun token index -> the name it introduces ("a new model, code-named Spud")
    _introduced: dict[int, Mention] = field(default_factory=dict)
    _figures: list[tuple[Tok, Quantity]] | None = None

    # ------------------------------------------------------------ arguments

    def mention(self, tok: Tok) -> Mention | None:
        m = self.mention_at(self.offset + tok.idx)
        if m is None:
            m = self._introduced.get(tok.i)
        return m if m is not None else self.resolve(tok)

    def expand(self, tok: Tok, depth: int = 0) -> list[Mention]:
        """The entities an argument token stands for."""
        if depth > 3:
            return []
        found: list[Mention] = []
        m = self.mention(tok)
        if m is None and tok.tag_ in ("WP", "WDT") and tok.head.dep_ == "relcl":
            return self.expand(tok.head.head, depth + 1)  # "Musk, who is ..." -> Musk
        if m is None and tok.dep_ == "appos" and tok.pos_ == "NOUN":
            m = self.mention(tok.head)  # "xAI, the AI company created by ..." -> xAI
        if m is not None:
            found.append(m)
        else:
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in _LIST_PREPS:
                    for p in c.children:
                        if p.dep_ == "pobj":
                            found.extend(self.expand(p, depth + 1))
                elif c.dep_ == "appos":
                    found.extend(self.expand(c, depth + 1))
            if not found and tok.pos_ == "NOUN":
                # "its standalone Sora video platform": the name inside the noun phrase
                # stands for it before the possessor does.
                named = self._compound_name(tok)
                if named is not None:
                    found.append(named)
            if not found:
                # "Sora's capabilities", "the Disney characters", "players VO3.1, Kling".
                for c in tok.children:
                    if c.dep_ == "poss" or (c.dep_ in ("compound", "amod") and tok.pos_ == "NOUN"):
                        pm = self.mention(c)
                        if pm is not None and pm.label != "Deal":
                            found.extend(self.expand(c, depth + 1) if c.dep_ == "amod" else [pm])
        for c in tok.children:
            if c.dep_ in ("conj", "appos") and c.i > tok.i:
                # A list is one level however long it is ("A, B, C, D and E").
                found.extend(self.expand(c, depth if c.dep_ == "conj" else depth + 1))
        return _unique(found)

    def _compound_name(self, noun: Tok) -> Mention | None:
        """A product named by compounds before a product cue noun ("Sora video platform")."""
        if LEXICON.cue_class(noun.lemma_) not in ("Product", "AIModel"):
            return None
        poss = any(c.dep_ == "poss" for c in noun.children)
        stack = [c for c in noun.children if c.dep_ == "compound" and c.i < noun.i]
        while stack:
            c = stack.pop()
            m = self.mention_at(self.offset + c.idx)
            if m is not None and (m.label in ("Product", "AIModel") or poss):
                return m
            stack.extend(g for g in c.children if g.dep_ == "compound")
        return None

    def subjects(self, verb: Tok, depth: int = 0, raised: bool = False) -> list[Mention]:
        if depth > 3:
            return []
        passive = _is_passive(verb)
        found: list[Mention] = []
        for c in verb.children:
            if not passive and c.dep_ in ("nsubj", "csubj"):
                found.extend(self.expand(c) or self._owner_of(c))
            elif passive and c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        found.extend(self.expand(p))
        if passive and not found and raised:
            # "X is expected to launch Y": X is the subject of launch.
            found = [m for c in verb.children if c.dep_ == "nsubjpass" for m in self.expand(c)]
        if found or (passive and verb.dep_ != "conj"):
            return found
        head = verb.head
        if verb.dep_ in ("xcomp", "conj", "advcl", "ccomp") and head.i != verb.i:
            return self.subjects(head, depth + 1, raised=verb.dep_ == "xcomp")
        if verb.dep_ == "relcl":
            return self.expand(head) or self._owner_of(head)
        if verb.dep_ == "acl":
            owners = [c for c in head.children if c.dep_ == "poss"]
            if owners:
                return self.expand(owners[0])
            return self.subjects(head.head, depth + 1) if head.dep_ in ("nsubj", "dobj") else []
        if verb.dep_ == "pcomp":
            return self.subjects(head.head, depth + 1)
        return []

    def _owner_of(self, noun: Tok) -> list[Mention]:
        """'tools that surpass X' where the tools belong to the subject of 'developed'."""
        if noun.dep_ in ("dobj",) and noun.head.pos_ in ("VERB", "AUX"):
            return self.subjects(noun.head, 2)
        return []

    def objects(self, verb: Tok, prep: str | None = None) -> list[Mention]:
        found: list[Mention] = []
        passive = _is_passive(verb)
        if passive and verb.dep_ == "acl":
            found.extend(self.expand(verb.head))
        for c in verb.children:
            if passive and c.dep_ == "nsubjpass":
                found.extend(self.expand(c))
            elif not passive and c.dep_ in ("dobj", "attr") and prep is None:
                found.extend(self.expand(c))
            elif c.dep_ in ("prep", "dative") and prep is not None and c.lower_ == prep:
                found.extend(self._pobjs(c))
            elif c.dep_ == "dobj" and prep is not None:
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ == prep:
                        found.extend(self._pobjs(p))
        if (
            not found
            and prep is None
            and passive is False
            and not any(c.dep_ == "dobj" for c in verb.children)
        ):
            # "lagging behind X", "competing against X": a prepositional object.
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ in ("against", "behind", "with"):
                    found.extend(self._pobjs(c))
        return _unique(found)

    def _pobjs(self, prep: Tok) -> list[Mention]:
        return [m for p in prep.children if p.dep_ == "pobj" for m in self.expand(p)]

    # ------------------------------------------------------------ emitting

    def emit(
        self,
        subj: Mention,
        prop: str,
        obj: Mention | Quantity | str,
        trigger: Tok,
        rule: str,
        confidence: float = 0.7,
    ) -> None:
        if isinstance(obj, Mention) and (obj.name == subj.name or obj.start == subj.start):
            return
        modality = self.modality(trigger)
        self.out.append(
            RelationMention(
                doc_id=self.sentence.doc_id,
                subject=subj,
                predicate=prop,
                object=obj,
                sentence=self.sentence,
                rule=rule,
                modality=modality,
                confidence=confidence,
                attributed_to=self.attribution,
            )
        )

    def modality(self, trigger: Tok) -> str:
        words: set[str] = set()
        chain = [trigger]
        t = trigger
        while (
            t.dep_ in ("xcomp", "conj", "acl", "advcl", "pcomp", "pobj", "prep", "dobj")
            and t.head.i != t.i
        ):
            t = t.head
            chain.append(t)
            if len(chain) > 4:
                break
        negated = False
        for tok in chain:
            words.add(tok.lemma_.lower())
            for c in tok.children:
                if c.dep_ == "neg":
                    negated = True
                if c.dep_ in ("aux", "advmod", "neg", "auxpass"):
                    words.add(c.lower_)
                    words.add(c.lemma_.lower())
        mod = LEXICON.modality
        if negated:
            return "negated"
        if words & mod["hedged"]:
            return "hedged"
        if words & mod["planned"]:
            return "planned"
        if self.attribution is not None or words & mod["reported"]:
            return "reported"
        return "asserted"

    # ------------------------------------------------------------ rules

    def read(self) -> None:
        self._introductions()
        index = self.rules.triggers
        relations = self.rules.relations
        for tok in self.sent:
            pos = tok.pos_
            low = tok.lower_
            if pos in ("VERB", "AUX"):
                forms = _verb_forms(tok)
                for i in sorted({i for f in forms for i in index.verbs.get(f, ())}):
                    self._verb_rule(tok, relations[i])
            elif pos in ("NOUN", "PROPN"):
                lemma = tok.lemma_.lower()
                found = {*index.nouns.get(low, ()), *index.noun_lemmas.get(lemma, ())}
                for i in sorted(found):
                    self._noun_rule(tok, relations[i])
                for i in index.titles.get(low, ()):
                    self._title_rule(tok, relations[i])
            for i in index.adjectives.get(low, ()):
                self._adjective_rule(tok, relations[i])
            self._apposition_maker(tok)
            self._possessive_maker(tok)
            self._company_behind(tok)
            self._intransitive_launch(tok)
            self._investors(tok)
            self._location(tok)
            read_deal(self, tok)
        self._quantities()

    def _verb_rule(self, tok: Tok, rule: RelationRule) -> None:
        if tok.pos_ not in ("VERB", "AUX"):
            return
        forms = _verb_forms(tok)
        for phrases, inverse in ((rule.verbs, False), (rule.inverse_verbs, True)):
            for phrase in phrases:
                if phrase[0] not in forms:
                    continue
                prep = _match_verb(tok, phrase)
                if prep is None:
                    continue
                subj = self.subjects(tok)
                obj = self.objects(tok, prep or None)
                if inverse:  # "Acme built Pixie" and "Pixie was built by Acme" alike
                    subj, obj = obj, subj
                for s in subj:
                    for o in obj:
                        self.emit(s, rule.property, o, tok, f"{rule.property}.verb")
                return

    def _noun_rule(self, tok: Tok, rule: RelationRule) -> None:
        if tok.pos_ not in ("NOUN", "PROPN") or not rule.nouns:
            return
        if not any(
            len(p) == 1 and tok.lemma_.lower() in (p[0],) or tok.lower_ == p[0] for p in rule.nouns
        ):
            return
        if rule.property == "competesWith":
            self._rival_noun(tok, rule)
            return
        objs: list[Mention] = []
        subs: list[Mention] = []
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "against"):
                objs.extend(self._pobjs(c))
            elif c.dep_ == "poss":
                subs.extend(self.expand(c))
        if not objs and subs:
            objs, subs = subs, []
        if not subs and tok.dep_ in ("dobj",) and tok.head.pos_ in ("VERB", "AUX"):
            subs = self.subjects(tok.head)
        if objs and any(o.label == "Deal" for o in objs):
            return  # "the cancellation of the deal" is a deal status, read by _deals
        for s in subs:
            for o in objs:
                self.emit(s, rule.property, o, tok, f"{rule.property}.noun", 0.6)

    def _rival_noun(self, tok: Tok, rule: RelationRule) -> None:
        items = [
            m
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ in _LIST_PREPS
            for m in self._pobjs(c)
        ]
        others = [
            m
            for c in tok.children
            if (c.dep_ == "prep" and c.lower_ in ("of", "to", "for"))
            for m in self._pobjs(c)
        ]
        others += [m for c in tok.children if c.dep_ == "poss" for m in self.expand(c)]
        if tok.dep_ == "appos" or tok.dep_ == "attr":
            holder = (
                tok.head
                if tok.dep_ == "appos"
                else next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
            )
            if holder is not None:
                items += self.expand(holder)
        if tok.dep_ == "compound":
            hm = self.mention(tok.head)
            if hm is not None:
                items.append(hm)
        for s in _unique(items):
            for o in _unique(others):
                self.emit(s, rule.property, o, tok, "competesWith.noun", 0.6)

    def _adjective_rule(self, tok: Tok, rule: RelationRule) -> None:
        for phrase in rule.adjectives:
            if tok.lower_ != phrase[0]:
                continue
            prep = phrase[1] if len(phrase) > 1 else None
            objs = [
                m
                for c in tok.children
                if c.dep_ == "prep" and c.lower_ == prep
                for m in self._pobjs(c)
            ]
            if not objs:
                continue
            t = tok
            subs: list[Mention] = []
            for _ in range(4):
                if t.head.i == t.i:
                    break
                t = t.head
                subs = [
                    m
                    for c in t.children
                    if c.dep_ in ("nsubj", "nsubjpass")
                    for m in self.expand(c)
                ]
                if not subs and t.pos_ in ("NOUN", "PROPN"):
                    subs = self.expand(t)
                if subs:
                    break
            for s in subs:
                for o in objs:
                    self.emit(s, rule.property, o, tok, f"{rule.property}.comparison", 0.6)

    def _title_rule(self, tok: Tok, rule: RelationRule) -> None:
        if not rule.titles or tok.pos_ not in ("NOUN", "PROPN"):
            return
        low = tok.lower_
        matched = False
        for phrase in rule.titles:
            if phrase[-1] != low:
                continue
            lefts = [t.lower_ for t in tok.doc[max(tok.i - len(phrase) + 1, 0) : tok.i]]
            if list(phrase[:-1]) == lefts:
                matched = True
                break
        if not matched:
            return
        holders: list[Mention] = []
        head_title = tok
        while head_title.dep_ == "conj" and head_title.head.i != head_title.i:
            head_title = head_title.head  # "the co-founder and CEO of Acme": CEO shares it
        if head_title is not tok:
            holders = self._title_holders(head_title)
        holders += self._title_holders(tok)
        others: list[Mention] = []
        for t in dict.fromkeys((tok, head_title)):  # in order, once each
            for c in t.children:
                if c.dep_ in ("compound", "poss", "nmod") and c.i < t.i:
                    m = self.mention(c)
                    if m is not None:
                        others.append(m)
                elif c.dep_ == "prep" and c.lower_ in ("of", "at", "for"):
                    others.extend(self._pobjs(c))
                elif c.dep_ == "conj" and c.pos_ == "PROPN" and others:
                    # "the CEO of Google and its parent Alphabet", parsed with Alphabet
                    # joined to the title
                    m = self.mention(c)
                    if m is not None and m.label == "Organization":
                        others.append(m)
        if not others and tok.dep_ == "compound" and tok.head.i != tok.i:
            # "its parent company Alphabet": the possessor hangs on the name
            others = [
                m for c in tok.head.children if c.dep_ == "poss" for m in [self.mention(c)] if m
            ]
        if tok is head_title and not others:
            # "co-founder and CEO of Acme": "of Acme" hangs on the last title only.
            for c in tok.children:
                if c.dep_ == "conj" and c.pos_ == "NOUN":
                    for p in c.children:
                        if p.dep_ == "prep" and p.lower_ in ("of", "at", "for"):
                            others.extend(self._pobjs(p))
        self._emit_title(tok, rule, holders, others)

    def _title_holders(self, tok: Tok) -> list[Mention]:
        holders: list[Mention] = []
        if tok.dep_ in ("compound", "appos", "nmod") and tok.head.i != tok.i:
            holders = (
                self.expand(tok.head)
                if tok.dep_ != "appos"
                else [m for m in [self.mention(tok.head)] if m is not None]
            )
        holders += [m for c in tok.children if c.dep_ == "appos" for m in self.expand(c)]
        if tok.dep_ == "attr":
            holders += [m for c in tok.head.children if c.dep_ == "nsubj" for m in self.expand(c)]
        return holders

    def _emit_title(
        self, tok: Tok, rule: RelationRule, holders: list[Mention], others: list[Mention]
    ) -> None:
        confidence = 0.8
        if holders and not others and rule.holder == "subject" and "Organization" in rule.object:
            # "CEO Jane Roe said ...": the organisation the article is about, if the
            # sentence names none.
            in_sentence = [
                m
                for t in self.sent
                if (m := self.mention_at(self.offset + t.idx)) is not None
                and m.label == "Organization"
            ]
            main = self.main_organization()
            if not in_sentence and main is not None:
                others, confidence = [main], 0.5
        for h in _unique(holders):
            for o in _unique(others):
                s, ob = (h, o) if rule.holder == "subject" else (o, h)
                self.emit(s, rule.property, ob, tok, f"{rule.property}.title", confidence)

    def _introductions(self) -> None:
        """'a new AI model, code-named Spud': the cue noun stands for the name, and a new
        product is its maker's: the possessor, the organisation the clause is about, or
        the one the article is about when the sentence names no other."""
        for tok in self.sent:
            if tok.pos_ != "NOUN" or LEXICON.cue_class(tok.lemma_) not in ("Product", "AIModel"):
                continue
            named: Mention | None = None
            for nxt in tok.doc[tok.i + 1 : min(tok.i + 7, self.sent.end)]:
                m = self.mention_at(self.offset + nxt.idx)
                if m is not None:
                    named = m if m.label in ("Product", "AIModel") else None
                    break
                if not (nxt.is_punct or nxt.lower_ in _NAMING_WORDS):
                    break
            if named is None or not any(
                t.lower_ in _NAMING_WORDS for t in tok.doc[tok.i + 1 : tok.i + 4]
            ):
                continue
            self._introduced[tok.i] = named
            if not any(c.dep_ == "amod" and c.lower_ in _NEW_WORDS for c in tok.children):
                continue
            maker: Mention | None = None
            confidence = 0.5
            owners = [c for c in tok.children if c.dep_ == "poss"]
            if owners:
                maker = self.mention(owners[0])
            if maker is None:
                maker = self._clause_subject(tok)
            if maker is None and not any(
                (m := self.mention_at(self.offset + t.idx)) is not None
                and m.label == "Organization"
                for t in self.sent
            ):
                maker, confidence = self.main_organization(), 0.4
            if maker is not None and maker.label == "Organization":
                self.emit(named, "developer", maker, tok, "developer.introduction", confidence)

    def _intransitive_launch(self, tok: Tok) -> None:
        """'Spud is expected to launch soon': a product launched by its maker (resolved later)."""
        if tok.pos_ != "VERB" or not (_verb_forms(tok) & _ARRIVAL_VERBS):
            return
        if any(c.dep_ in ("dobj", "nsubjpass") for c in tok.children):
            return
        for subj in self.subjects(tok):
            if subj.label in ("Product", "AIModel"):
                self.out.append(
                    RelationMention(
                        doc_id=self.sentence.doc_id,
                        subject=subj,
                        predicate="launched",
                        object=subj,
                        sentence=self.sentence,
                        rule=BY_MAKER,
                        modality=self.modality(tok),
                        confidence=0.5,
                        attributed_to=self.attribution,
                    )
                )

    def _fundraiser(self) -> Mention | None:
        """The organisation raising money: the last one said to raise it, else the
        organisation the article is about."""
        for r in reversed(self.out):
            if r.predicate == "fundingAmount" and r.subject.label == "Organization":
                return r.subject
        return self.main_organization()

    def _investors(self, tok: Tok) -> None:
        """Investors in a funding round: "the round included A, B and C", "A led the
        round", "investors such as A and B", "A-backed Acme"."""
        investors: list[Mention] = []
        target: list[Mention] = []
        lemma = tok.lemma_.lower()
        if tok.pos_ == "VERB" and lemma in ("include", "lead", "join", "co-lead"):
            subject_words = {
                w.lemma_.lower()
                for c in tok.children
                if c.dep_ in ("nsubj", "nsubjpass")
                for w in c.subtree
            }
            object_words = {
                w.lemma_.lower() for c in tok.children if c.dep_ == "dobj" for w in c.subtree
            }
            if lemma == "include" and subject_words & _FUNDING_WORDS:
                investors = [m for c in tok.children if c.dep_ == "dobj" for m in self.expand(c)]
            elif lemma != "include" and object_words & {"round", "funding", "financing"}:
                investors = self.subjects(tok)
        elif tok.pos_ == "NOUN" and lemma in ("investor", "backer"):
            investors = [
                m
                for c in tok.children
                if c.dep_ == "prep" and c.lower_ in _LIST_PREPS
                for m in self._pobjs(c)
            ]
        elif tok.lower_ == "backed" and tok.i > 1 and tok.nbor(-1).text in "-–":
            named = self.mention(tok.doc[tok.i - 2])  # "Microsoft-backed Mistral AI"
            investors = [named] if named is not None else []
            target = [m for m in self.expand(tok.head) if m.label in ("Organization", "Place")]
            if not target:
                return
        if not investors:
            return
        if not target:
            raiser = self._fundraiser()
            target = [raiser] if raiser is not None else []
        for inv in investors:
            if inv.label not in ("Organization", "Person"):
                continue
            for t in target:
                self.emit(inv, "investedIn", t, tok, "investedIn.round", 0.6)

    def _apposition_maker(self, tok: Tok) -> None:
        """'X, its photo app' / 'X, Acme's video model': the possessor makes X."""
        if tok.dep_ != "appos" or LEXICON.cue_class(tok.lemma_) not in ("Product", "AIModel"):
            return
        named = self.mention(tok.head)
        if named is None:
            return
        for c in tok.children:
            if c.dep_ != "poss":
                continue
            if c.pos_ == "PRON":  # "X, its browser": the clause's organisation, or its antecedent
                maker = self._clause_subject(tok) or self.resolve(c)
            else:
                maker = self.mention(c)
            if maker is not None and maker.name != named.name:
                self.emit(named, "developer", maker, tok, "developer.apposition", 0.7)

    def _company_behind(self, tok: Tok) -> None:
        """'OpenAI, the company behind ChatGPT': the organisation makes what it is behind."""
        if tok.pos_ != "NOUN" or LEXICON.cue_class(tok.lemma_) != "Organization":
            return
        things = [
            m
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ == "behind"
            for m in self._pobjs(c)
        ]
        if not things:
            return
        if tok.dep_ == "appos":
            maker = self.mention(tok.head)
        elif tok.dep_ == "attr":
            maker = next(
                (m for c in tok.head.children if c.dep_ == "nsubj" for m in self.expand(c)), None
            )
        else:
            maker = self.mention(tok)
        if maker is None or maker.label != "Organization":
            return
        for thing in things:
            self.emit(thing, "developer", maker, tok, "developer.behind", 0.6)

    def _possessive_maker(self, tok: Tok) -> None:
        """'Acme's Pixie': an organisation's product."""
        if tok.dep_ != "poss":
            return
        owner = self.mention_at(self.offset + tok.idx)
        thing = self.mention_at(self.offset + tok.head.idx)
        if owner is None or thing is None or owner.name == thing.name:
            return
        if owner.label == "Organization" and thing.label in ("Product", "AIModel"):
            self.emit(thing, "developer", owner, tok, "developer.possessive", 0.6)

    def _location(self, tok: Tok) -> None:
        """'Swedish streaming service Spotify', 'the Delaware-based firm': where it is based."""
        place: Mention | None = None
        country = LEXICON.demonyms.get(tok.text)
        if country and tok.dep_ in ("amod", "compound", "nmod") and tok.pos_ in ("ADJ", "PROPN"):
            place = Mention(
                self.sentence.doc_id,
                self.offset + tok.idx,
                self.offset + tok.idx + len(tok.text),
                tok.text,
                "Place",
                country,
                source="cue",
                type_weight=2.0,
            )
        elif tok.lower_ == "based" and tok.dep_ == "amod":
            named = [
                m
                for c in tok.children
                if c.dep_ in ("npadvmod", "compound")
                and (m := self.mention(c)) is not None
                and m.label == "Place"
            ]
            place = named[0] if named else None
        if place is None:
            return
        # The organisation is the noun modified, or the name that noun stands before.
        head = tok.head
        for candidate in (head, head.head if head.dep_ in ("compound", "appos") else None):
            if candidate is None:
                continue
            orgs = [m for m in self.expand(candidate) if m.label == "Organization"]
            for org in orgs:  # "U.S. giants like A, B and C": each of them
                self.emit(org, "locatedIn", place, tok, "locatedIn.modifier", 0.6)
            if orgs:
                return

    def _clause_subject(self, tok: Tok) -> Mention | None:
        t = tok
        for _ in range(6):
            for c in t.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    ms = self.expand(c)
                    if ms and ms[0].label == "Organization":
                        return ms[0]
            if t.head.i == t.i:
                break
            t = t.head
        return None

    # ------------------------------------------------------------ quantities

    def quantity_spans(self) -> list[tuple[Tok, Quantity]]:
        """The figures of the sentence, each with its root token (read once per sentence)."""
        if self._figures is None:
            self._figures = list(self._read_figures())
        return self._figures

    def _read_figures(self) -> Iterator[tuple[Tok, Quantity]]:
        text = self.block_text
        seen: set[int] = set()
        for ent in self.ents:
            if ent.label_ not in _QUANTITY_LABELS:
                continue
            before = text[max(0, ent.start_char - 30) : ent.start_char]
            after = text[ent.end_char : ent.end_char + 30]
            q = parse_quantity(ent.text, ent.label_, before=before, after=after)
            if q is not None:
                seen.add(ent.root.i)
                yield ent.root, q
        for m in _VAGUE_MONEY.finditer(text[self.sent.start_char : self.sent.end_char]):
            span = self.sent.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is not None and span.root.i not in seen:
                q = parse_quantity(m.group(0), "MONEY")
                if q is not None:
                    yield span.root, q

    def _quantities(self) -> None:
        used = {id(r.object) for r in self.out}
        for root, q in self.quantity_spans():
            if id(q) in used:
                continue
            context = _context_words(root)
            candidates = [
                r for r in self.rules.quantities if q.kind in r.kinds and context & r.cues
            ]
            # The cue nearest the figure decides ("raises $645 million at a $6 billion
            # valuation": the first is funding, the second a valuation).
            candidates.sort(key=lambda r: self._cue_distance(root, r.cues))
            for rule in candidates[:1]:
                owners = self._object_owner(root, rule.cues) if rule.owner == "object" else []
                owners = owners or self._quantity_owner(root)
                confidence = 0.6
                if not owners:
                    # No syntactic owner: the nearest organisation named before it.
                    owners = self._nearest_before(root, rule.subject)
                    confidence = 0.4
                for owner in owners[:1]:
                    self.emit(
                        owner, rule.property, q, root, f"{rule.property}.quantity", confidence
                    )

    def _cue_distance(self, root: Tok, cues: frozenset[str]) -> int:
        return min(
            (abs(t.i - root.i) for t in self.sent if t.lower_ in cues or t.lemma_.lower() in cues),
            default=1000,
        )

    def _object_owner(self, root: Tok, cues: frozenset[str]) -> list[Mention]:
        """'fining Acme $2 billion', 'fines for Acme': what the cue word acts on."""
        t = root
        for _ in range(4):
            if t.lower_ in cues or t.lemma_.lower() in cues:
                for c in t.children:
                    if c.dep_ == "dobj" and c.i != root.i and root not in c.subtree:
                        found = self.expand(c)
                        if found:
                            return found
                    if c.dep_ == "prep" and c.lower_ in ("for", "against", "on"):
                        found = self._pobjs(c)
                        if found:
                            return found
            if t.head.i == t.i:
                break
            t = t.head
        return []

    def _nearest_before(self, root: Tok, classes: frozenset[str]) -> list[Mention]:
        for tok in reversed(list(self.sent.doc[self.sent.start : root.i])):
            m = self.mention_at(self.offset + tok.idx)
            if m is not None and m.label in classes and m.label == "Organization":
                return [m]
        return []

    def _quantity_owner(self, root: Tok) -> list[Mention]:
        t = root
        for _ in range(5):
            if t.head.i == t.i:
                break
            t = t.head
            for c in t.children:
                if c.dep_ in ("nsubj", "nsubjpass", "poss") and c.i != root.i:
                    ms = self.expand(c)
                    if ms:
                        return ms
            if t.pos_ in ("VERB", "AUX"):
                ms = self.subjects(t)
                if ms:
                    return ms
        return []


def _context_words(root: Tok) -> set[str]:
    words: set[str] = set()
    t = root
    for _ in range(4):
        words.add(t.lower_)
        words.add(t.lemma_.lower())
        for c in t.children:
            words.add(c.lower_)
            words.add(c.lemma_.lower())
            for g in c.children:
                words.add(g.lower_)
        if t.head.i == t.i:
            break
        t = t.head
    for w in root.doc[max(root.i - 4, root.sent.start) : min(root.i + 5, root.sent.end)]:
        words.add(w.lower_)
        words.add(w.lemma_.lower())
    return words


def _is_passive(verb: Tok) -> bool:
    if (
        verb.dep_ == "acl"
        and verb.tag_ == "VBN"
        and not any(c.dep_ == "aux" for c in verb.children)
    ):
        return True  # "the company created by Musk", "an app made by Acme"
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _match_verb(tok: Tok, phrase: tuple[str, ...]) -> str | None:
    """Match a verb phrase at a verb; return its trailing preposition ('' if none)."""
    if phrase[0] not in _verb_forms(tok):
        return None
    rest = list(phrase[1:])
    if not rest:
        return ""
    kids = {c.lower_ for c in tok.children} | {g.lower_ for c in tok.children for g in c.children}
    if all(w in kids or w in ("the", "a") for w in rest[:-1]):
        last = rest[-1]
        if any(c.lower_ == last and c.dep_ in ("prt", "dobj") for c in tok.children):
            return ""  # "shut down X"; "eat X's lunch" takes the possessor of the object
        if last in kids:
            return last
    return None


@functools.lru_cache(maxsize=8192)
def _forms(low: str, lemma: str) -> frozenset[str]:
    forms = {lemma, low}
    for suffix in ("ing", "ed", "es", "s"):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            stem = low[: -len(suffix)]
            forms |= {stem, stem + "e"}
            if len(stem) > 2 and stem[-1] == stem[-2]:
                forms.add(stem[:-1])  # doubled final consonant
    return frozenset(forms)


def _verb_forms(tok: Tok) -> frozenset[str]:
    """The lemma, the word, and the word without its inflection ("sunsetting" -> "sunset",
    which the lemmatiser leaves as "sunsette")."""
    return _forms(tok.lower_, tok.lemma_.lower())


def _unique(items: list[Mention]) -> list[Mention]:
    seen: set[tuple[int, int]] = set()
    out = []
    for m in items:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            out.append(m)
    return out
