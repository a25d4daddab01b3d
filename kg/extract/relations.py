"""Relations between the mentions of one sentence: triggers, their roles, the ontology.

One ``SentenceReader`` per sentence. For every word the lexicon of
ontology/triggers.toml knows (a verb with its particle or preposition, a noun, a
comparative), it reads the word's roles (kg/extract/roles.py), pairs the
mentions of the subject roles with those of the object roles, and keeps the
pairs whose classes the property allows. A verb that relates two entities with
no property in the lexicon gives an open relation (``relatedTo`` with the verb's
words). The constructions with no trigger word of their own are read in
kg/extract/constructions.py, deals and quantities in modules of their own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.extract import constructions, places, successors
from kg.extract.deals import called_off, read_deal
from kg.extract.frames import APPOINTING, GOVERNING, Tok, figure_objects, is_passive, unique
from kg.extract.names import SUBJECTS, is_public_body
from kg.extract.qualifiers import SAYING, modality, reporter_tokens
from kg.extract.quantities import attach_quantities, read_figures
from kg.extract.roles import RoleReader
from kg.extract.rules import Rules
from kg.extract.triggers import PREPOSITIONS, Trigger, Triggers
from kg.lexicon import LEXICON
from kg.model import Mention, Quantity, RelationMention, Sentence

__all__ = ["ANNOUNCER", "BY_MAKER", "SentenceReader"]

#: rule ids ending so: the subject is a product, and resolution puts its maker there
BY_MAKER = ".by-maker"
#: a product decision the organisation announcing it is taken to have made
ANNOUNCER = ".by-announcer"
#: verbs by which a company states its own decisions
_ANNOUNCING = frozenset({"say", "confirm", "announce", "tell", "add", "state", "disclose"})
_WEAK_SOURCES = {"ner", "propn"}
#: classes a weakly typed mention may turn out to have (the NER model mixes these up)
_MAYBE = {
    "Organization": ("Organization", "Product", "AIModel"),
    "Product": ("Product", "AIModel", "Organization"),
    "AIModel": ("AIModel", "Product"),
    "Person": ("Person", "Organization", "Product"),
    "Place": ("Place", "Organization", "Product"),
}
_PRODUCTS = ("Product", "AIModel")
#: verbs of leaving an employer, for the rival one joins after
_LEAVING = frozenset({"leave", "quit", "exit"})
#: adverbs before a title that put it in the past ("previously a vice president at X")
_FORMERLY = frozenset({"previously", "formerly", "once"})
#: Properties whose object, named as a product ("app Reelhouse"), stands for its company;
#: resolution decides its class from all it does.
_FORMER = frozenset(
    {
        "former",
        "ousted",
        "departing",
        "outgoing",
        "erstwhile",
        "onetime",
        "one-time",
        "sacked",
        "fired",
        "retired",
        "retiring",
    }
)
#: what can be a rival ("rivals such as A and B")
_RIVAL_CLASSES = ("Organization", "Product", "AIModel")
#: properties a deal states, which a called-off deal leaves undone
_DEAL_PROPERTIES = ("acquired", "mergedWith", "investedIn")
#: Properties that give a person a post at an organisation.
_POSTS = ("ceoOf", "leaderOf", "worksFor", "founderOf")
#: words that make a holding a majority one ("a controlling stake")
_MAJORITY = frozenset({"majority", "controlling", "control"})


def _majority(noun: Tok) -> bool:
    """Whether a holding noun ("stake", "holding") is more than half of what it is in:
    "a majority stake", "a controlling interest", "a 60% stake", "a 62 percent holding"."""
    if noun.lemma_.lower() not in ("stake", "holding", "interest", "shareholding"):
        return False
    for t in noun.doc[noun.left_edge.i : noun.i]:
        if t.lower_ in _MAJORITY:
            return True
        if t.lower_ in ("%", "percent", "per cent") and t.i > 0:
            number = t.doc[t.i - 1].text.replace(",", "")
            try:
                return float(number) > 50
            except ValueError:
                return False
        if t.text.endswith("%"):
            try:
                return float(t.text[:-1]) > 50
            except ValueError:
                return False
    return False


#: properties whose object, named as a product by a cue word, is its company
#: ("invested in Sayurku, a grocery delivery app")
INVESTED_AS_COMPANY = frozenset({"investedIn"})
#: ... and figures whose owner, named as a product, is its company
_RAISED_AS_COMPANY = frozenset({"fundingAmount", "valuation", "employeeCount", "jobCuts"})


@dataclass
class SentenceReader(RoleReader):
    """Reads the relations of one sentence."""

    sent: Any = None  # spaCy Span
    sentence: Sentence = field(default=None)  # type: ignore[assignment]
    rules: Rules = field(default=None)  # type: ignore[assignment]
    triggers: Triggers = field(default=None)  # type: ignore[assignment]
    last_deal: Callable[[], Mention | None] = lambda: None
    main_organization: Callable[[], Mention | None] = lambda: None
    affiliation: Callable[[Mention], Mention | None] = lambda person: None
    register_deal: Callable[[Mention], None] = lambda m: None
    out: list[RelationMention] = field(default_factory=list)
    #: where this sentence's relations begin in ``out``
    sentence_start: int = 0
    #: the named entities of the sentence (``Span.ents`` walks the whole block)
    ents: Sequence[Any] = ()
    #: the parsed block's text (``Doc.text`` is rebuilt from the tokens each time)
    block_text: str = ""
    attribution: str | None = None
    headline: bool = False
    #: where the document's dateline names its news agency: no party to any fact but
    #: its own reporting
    agency_at: set[int] = field(default_factory=set)
    _figures: list[tuple[Tok, Quantity]] | None = None
    _tokens: list[Tok] | None = None
    #: "X would step down": a departure naming no organisation, settled once the
    #: sentence's titles are read
    _departures: list[tuple[Mention, Tok, Trigger]] = field(default_factory=list)

    @property
    def tokens(self) -> list[Tok]:
        """The sentence's tokens, made once (each walk over a span makes them anew)."""
        if self._tokens is None:
            self._tokens = list(self.sent)
        return self._tokens

    # ------------------------------------------------------------ emitting

    def emit(
        self,
        subj: Mention,
        prop: str,
        obj: Mention | Quantity | str,
        trigger: Tok,
        rule: str,
        confidence: float = 0.7,
        *,
        at_least: str | None = None,
        text: str | None = None,
        fixed: str | None = None,
    ) -> None:
        """The one place a relation leaves the extractor (``fixed``: a modality of its
        own, whatever the sentence's words say)."""
        if prop != "reportedOn" and (
            subj.start in self.agency_at
            or (isinstance(obj, Mention) and obj.start in self.agency_at)
        ):
            return  # "LONDON (Reuters) - X bought Y": Reuters reports, it buys nothing
        by_maker = rule.endswith(BY_MAKER)  # the product stands on both sides until resolved
        if (
            isinstance(obj, Mention)
            and not by_maker
            and (obj.name == subj.name or obj.start == subj.start)
        ):
            return
        found = fixed or modality(trigger, self.attribution, headline=self.headline)
        if at_least == "planned" and found == "asserted":
            found = "planned"
        self.out.append(
            RelationMention(
                doc_id=self.sentence.doc_id,
                subject=subj,
                predicate=prop,
                object=obj,
                sentence=self.sentence,
                rule=rule,
                modality=found,
                confidence=confidence,
                attributed_to=self.attribution,
                text=text,
            )
        )

    def fits(self, prop: str, subj: Mention, obj: Mention | None) -> bool:
        """Whether the pair's classes fit the property, a weak typing given some leeway."""
        objects: tuple[str | None, ...] = (None,)
        if obj is not None:
            objects = _classes(obj)
            if prop in INVESTED_AS_COMPANY and obj.label in _PRODUCTS and obj.source == "cue":
                objects = (*objects, "Organization")  # "sued short-video app Reelhouse"
        subjects = _classes(subj)
        if prop in _RAISED_AS_COMPANY and subj.label in _PRODUCTS and subj.source == "cue":
            subjects = (*subjects, "Organization")  # "ride-hailing app Motomoto has raised"
        for s_cls in subjects:
            for o_cls in objects:
                if self.triggers.fits(prop, s_cls, o_cls):
                    return True
        return False

    # ------------------------------------------------------------ reading

    def read(self) -> None:
        len_before = self.sentence_start = len(self.out)
        constructions.introductions(self)
        fired: set[int] = set()
        inside: set[int] = set()  # tokens of a longer noun phrase ("chief" of "chief ... officer")
        tokens = self.tokens
        matches = {tok.i: _matching(tok, self.triggers) for tok in tokens}
        for i, found in matches.items():
            for trig in found:
                if trig.pos == "noun" and len(trig.phrase) > 1:
                    inside.update(range(i - len(trig.phrase) + 1, i))
        for tok in tokens:
            if tok.i in inside and tok.pos_ in ("NOUN", "PROPN"):
                fired.add(tok.i)
                continue
            if self._triggers_at(tok, matches[tok.i]):
                fired.add(tok.i)
            constructions.possessive(self, tok)
            constructions.made_from(self, tok)
            constructions.rival_pair(self, tok)
            constructions.joint_work(self, tok)
            constructions.investors(self, tok)
            constructions.share(self, tok)
            constructions.signature(self, tok)
            places.location(self, tok)
            places.located_in(self, tok)
            read_deal(self, tok)
        successors.users_sent_on(self)
        for tok in tokens:
            if tok.i not in fired and tok.pos_ == "VERB":
                constructions.open_relation(self, tok)
        self._settle_departures()
        attach_quantities(self)
        self._reporters(len_before)

    def _reporters(self, since: int) -> None:
        """'X bought Y, Bloomberg reported': the outlet reported on what the sentence's
        facts are about."""
        outlets = unique(
            [
                m
                for t, strict in reporter_tokens(self.sent)
                if (m := self.mention(t)) is not None
                and m.label == "Organization"
                and (not strict or LEXICON.is_outlet(m.name) or m.start in self.agency_at)
            ]
        )
        if not outlets:
            return
        facts = [
            r
            for r in self.out[since:]
            if r.predicate not in ("relatedTo", "reportedOn", "locatedIn", "headquarteredIn")
            and r.subject.label != "Deal"
        ]
        parties = {r.subject.name for r in facts} | {
            r.object.name for r in facts if isinstance(r.object, Mention)
        }
        outlets = [o for o in outlets if o.name not in parties]  # no party to what it reports
        about = unique([r.subject for r in facts])
        for outlet in outlets:
            for m in about:
                if m.name != outlet.name and m.label != "Place":
                    self.emit(
                        outlet,
                        "reportedOn",
                        m,
                        self.sent.root,
                        "reportedOn.attribution",
                        0.5,
                        fixed="asserted",
                    )

    def _settle_departures(self) -> None:
        """'Chief executive Jane Roe will step down', 'its CFO, Kai Lund, would leave':
        the person leaves the organisation the sentence gives them a title at."""
        for person, tok, trig in self._departures:
            if any(c.dep_ == "dobj" for c in tok.children):
                continue  # "..., retiring the low-priced hatchback": no one leaves
            # "who left to start Sowa": not what the clause after the verb founds or joins
            after = {
                self.offset + t.idx
                for c in tok.children
                if c.dep_ in ("xcomp", "advcl", "conj") and c.pos_ in ("VERB", "AUX")
                for t in c.subtree
            }
            held = [
                r.object
                for r in self.out
                if r.subject.name == person.name
                and r.predicate in _POSTS
                and isinstance(r.object, Mention)
                and r.object.start not in after
            ]
            for org in unique(held):
                if self.fits("departedFrom", person, org):
                    self.emit(person, "departedFrom", org, tok, trig.rule_id() + "+title", 0.6)

    def quantity_spans(self) -> list[tuple[Tok, Quantity]]:
        """The figures of the sentence, each with its root token (read once per sentence)."""
        if self._figures is None:
            self._figures = read_figures(self.sent, self.ents, self.block_text)
        return self._figures

    def _triggers_at(self, tok: Tok, matched: list[Trigger]) -> bool:
        """Emit the facts of every trigger at ``tok``; whether any trigger word is there."""
        nouns = [t for t in matched if t.pos == "noun"]
        if nouns:  # "chief technology officer" is a leader's title, not an officer's
            longest = max(len(t.phrase) for t in nouns)
            matched = [t for t in matched if t.pos != "noun" or len(t.phrase) == longest]
        if any(t.pos == "verb" and len(t.phrase) > 1 and t.phrase[-1] != "from" for t in matched):
            # "build Gemini into KOS", "runs on Ultium", "merge into": the phrase says what
            # the verb alone would not ("from" only names a side: "bought X from Y")
            matched = [t for t in matched if t.pos != "verb" or len(t.phrase) > 1]
        done: set[str] = set()  # a property once per word: its longest phrase
        for trig in matched:
            if trig.property in done:
                continue
            done.add(trig.property)
            self._apply(tok, trig)
        return bool(matched)

    def _apply(self, tok: Tok, trig: Trigger) -> None:
        prop = trig.property
        roles = trig.subject
        if "obj" in roles and "subj" in roles and tok.pos_ in ("VERB", "AUX"):
            # "X will fold into Y" and "Z will fold X into Y": with an object, the
            # subject is who does it, not what goes
            if self.role(tok, "obj"):
                roles = tuple(r for r in roles if r != "subj")
        if trig.stated and not (
            tok.dep_ == "relcl" or any(c.dep_ in (*SUBJECTS, "agent") for c in tok.children)
        ):
            return  # "A and B merged, creating C": C is their merger, no one's company
        subs = unique([m for r in roles for m in self.role(tok, r)])
        if trig.only is not None:
            subs = [m for m in subs if m.label in trig.only[0]]
        if prop == "succeeded" and trig.pos == "verb" and subs and _appointed_by(tok):
            # "X named Y as chief executive, replacing Z": Y replaces Z, not X
            subs = [m for m in self.objects(tok.head) if m.label == "Person"] or subs
        if prop in _DEAL_PROPERTIES and trig.pos == "noun":
            # "the FTC sued to block the deal for X": a public body reviews deals, it
            # makes none
            subs = [m for m in subs if not is_public_body(m)]
        if not subs and prop == "competesWith" and tok.lemma_.lower() in constructions.RIVAL_NOUNS:
            # "lost ground to rivals A, B and C", however the list is parsed
            for s, o in self._rivals_of(tok, constructions.names_in_row(self, tok)):
                if self.fits(prop, s, o):
                    self.emit(s, prop, o, tok, trig.rule_id() + "+listed", 0.4)
            return
        if not subs:
            agent = any(c.dep_ == "agent" for c in tok.children)  # "launched by Nordic
            # entrepreneurs": the sentence says who, and it is no one kg names
            if (
                trig.ergative
                and tok.pos_ == "VERB"
                and is_passive(tok)
                and not _taken_off(tok)
                and not agent
            ):
                # "Pixie is being retired": by its maker, whom the sentence need not name
                # (not "Pixie was pulled from app stores": by the stores' owners)
                speaker = self._announcer(tok)
                for o in self.role(tok, "obj"):
                    if o.label in _PRODUCTS:
                        self._by_maker(o, trig.property, tok, trig.rule_id(), trig, speaker)
            return
        objs = unique([m for r in trig.object for m in self.role(tok, r)])
        if prop == "competesWith" and trig.pos == "noun":
            named = [m for r in ("prep:to", "prep:of", "prep:for") for m in self.role(tok, r)]
            if named:  # "its rival to Pixie", "Halvex's answer to Lumo": whose it is
                owners = {m.start for m in self.role(tok, "poss")} - {m.start for m in named}
                objs = [m for m in objs if m.start not in owners]
        if trig.pos == "verb" and len(trig.phrase) > 1:
            # "end production of X and Y", "pull the plug on X", "join X's board": the
            # preposition or the possessor hangs on the phrase's noun, not on the verb
            prep = trig.phrase[-1] in PREPOSITIONS
            word = trig.phrase[-2] if prep else trig.phrase[-1]
            near = [*tok.children, *(g for k in tok.children for g in k.children)]
            middle = [
                c
                for c in near
                if c.lower_ == word
                and c.dep_ != "prt"
                and (c.pos_ in ("NOUN", "PROPN") or prep)
                and (len(trig.phrase) > 2 or not prep)
            ]
            kept = [r for r in trig.object if r.startswith("prep:") or r == "poss"]
            objs = unique([*objs, *(m for c in middle for r in kept for m in self.role(c, r))])
        if trig.only is not None:
            objs = [m for m in objs if m.label in trig.only[1]]
        if prop == "competesWith" and not objs and trig.pos == "verb":
            objs = self._made_by(tok)  # "compete with free video from A and B"
        if prop == "headquarteredIn" and "prep:from" in trig.object:
            # "will move its headquarters from Seattle": there until then; "moved its
            # headquarters from London": no longer there
            left = {m.start for m in self.role(tok, "prep:from")}
            if modality(tok, self.attribution, headline=self.headline) == "planned":
                for s in subs:
                    for o in (o for o in objs if o.start in left):
                        if self.fits(prop, s, o):
                            self.emit(
                                s, prop, o, tok, trig.rule_id() + "+from", 0.6, fixed="asserted"
                            )
            objs = [m for m in objs if m.start not in left]
        if prop == "investigates" and not objs:
            objs = self._subjects_of_clause(tok)  # "is investigating how X booked revenue"
        if (
            prop == "competesWith"
            and trig.pos == "verb"
            and any(o.label in _PRODUCTS for o in objs)
        ):
            subs = [self._product_meant(tok, m) for m in subs]
        if prop == "sued" and "prep:with" in trig.object:
            # "filed a complaint against X with the Commission": filed with a public body
            lodged = {m.start for m in self.role(tok, "prep:with") if is_public_body(m)}
            objs = [m for m in objs if m.start not in lodged]
        if not trig.symmetric:  # a mention in both lists belongs to neither side
            both = {m.start for m in subs} & {m.start for m in objs}
            # "Orvane said its Lumora unit ...": with a possessor on the noun, the name
            # compounded before it is what the noun is, not who has it
            compounded = (
                trig.pos == "noun"
                and any(c.dep_ == "poss" for c in tok.children)
                and all(m.end <= self.offset + tok.idx for m in subs if m.start in both)
                and any(m.start not in both for m in subs)
            )
            subs = [m for m in subs if m.start not in both]
            if not compounded:
                objs = [m for m in objs if m.start not in both]
        rule, confidence = trig.rule_id(), 0.7 if trig.pos == "verb" else 0.6
        if prop == "investedIn" and trig.pos == "noun" and _majority(tok):
            prop, rule = "owns", rule + "+majority"  # "a 60% stake in X", "a controlling stake"
        if prop in (*_POSTS, "departedFrom") and any(o.label == "Organization" for o in objs):
            # "X replaced Y as chief executive of Acme": Y left Acme, not X
            objs = [o for o in objs if o.label != "Person"]
        if prop == "departedFrom" and any(
            c.dep_ == "dobj" and LEXICON.cue_class(c.lemma_.lower()) in _PRODUCTS
            for c in tok.children
        ):
            return  # "retiring its cheapest electric car": a product goes, not a person
        if prop == "departedFrom" and trig.pos == "verb" and not objs and trig.subject == ("subj",):
            self._departures += [(s, tok, trig) for s in subs if s.label == "Person"]
            return
        if trig.ergative and tok.pos_ in ("VERB", "AUX") and not objs:
            # "Skype will shut down in May": its maker shuts it down.
            speaker = self._announcer(tok)
            for s in subs:
                # a name only the tagger typed may yet be a product (resolution decides:
                # the fact stands only for a product with a maker); a one-word name the
                # tagger alone took for a person may be one too, if a company announced it
                weak = s.label == "Organization" and s.source in ("ner", "propn")
                person = s.label == "Person" and s.source == "ner" and " " not in s.name
                if s.label in _PRODUCTS or weak:
                    self._by_maker(s, prop, tok, rule, trig, speaker)
                elif person:
                    self._by_maker(s, prop, tok, rule, trig, speaker, maker=False)
            return
        pairs = [(s, o) for s in subs for o in objs]
        if trig.symmetric and not objs and (trig.pos != "noun" or trig.pairs or self._joint(tok)):
            # "A and B merged", "the merger of A and B": the list pairs with itself
            pairs = [(a, b) for i, a in enumerate(subs) for b in subs[i + 1 :]]
        if (
            not pairs
            and trig.pos == "noun"
            and self._wants_employer(prop)
            and not self._named_by(tok)
        ):
            main = self._article_organization(tok)
            if main is not None:  # "CEO Jane Roe said ...": the article's organisation
                # unless the sentence names none and the document has tied the
                # person to one ("Aguilar, who served as chief technology officer")
                pairs, confidence = [(s, self._own_organization(s, main)) for s in subs], 0.5
        if (
            prop == "competesWith"
            and tok.lemma_.lower() in constructions.RIVAL_NOUNS
            and not any(self.fits(prop, s, o) for s, o in pairs)
        ):
            # no pair that can be rivals ("Jane Roe joined rival Helix": not Roe's rival)
            pairs, confidence = self._rivals_of(tok, subs), 0.4
        if (
            prop == "ceoOf"
            and tok.lower_ in ("chief", "boss", "head")
            and any(
                c.dep_ in ("compound", "amod") and c.text.islower() and c.i < tok.i
                for c in tok.children
            )
        ):
            prop, rule = "leaderOf", rule + "+area"  # "finance chief", "marketing boss"
        # "a former Halvex executive", "retiring CEO Alan Reyes" (on the name)
        marked = [*tok.children, *(tok.head.children if tok.dep_ == "compound" else ())]
        former = trig.pos == "noun" and any(
            (c.dep_ == "amod" and c.lower_ in _FORMER)
            or (c.dep_ == "advmod" and c.lower_ in _FORMERLY)
            for c in marked
            if c.i < tok.i
        )
        if former and prop in _POSTS and prop != "founderOf":
            # "a former Halvex executive": worked there, and left
            for s, o in pairs:
                if s.name != o.name and self.fits("departedFrom", s, o):
                    self.emit(s, "departedFrom", o, tok, rule + "+former", confidence)
            if prop == "worksFor":
                return  # and works there no more
        if prop == "headquarteredIn" and trig.pos == "noun" and _regional(tok):
            prop, rule = "locatedIn", rule + "+regional"  # "its European headquarters in X"
        if prop in ("leaderOf", "ceoOf") and trig.pos == "noun" and self._of_something(tok):
            prop, rule = "worksFor", rule + "+division"  # "president of collaborative apps"
        if trig.public:  # "the regulator approved the deal"; not "Acme approved it"
            pairs = [(s, o) for s, o in pairs if is_public_body(s) and not is_public_body(o)]
        # "walked away from its takeover of X", "scrapped its deal to buy X": not done
        undone = "negated" if prop in _DEAL_PROPERTIES and called_off(tok, self) else None
        for s, o in pairs:
            if s.name != o.name and self.fits(prop, s, o):
                self.emit(s, prop, o, tok, rule, confidence, at_least=trig.modality, fixed=undone)

    def _subjects_of_clause(self, tok: Tok) -> list[Mention]:
        """'investigating how X booked revenue', 'an investigation into whether X shared
        data': the organisations a clause after the word is about (its subjects)."""
        clauses = [c for c in tok.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")]
        clauses += [
            p
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ in ("into", "of", "over")
            for p in c.children
            if p.dep_ == "pcomp" and p.pos_ in ("VERB", "AUX")
        ]
        return [m for c in clauses for m in self.subjects(c) if m.label == "Organization"]

    def _product_meant(self, verb: Tok, subject: Mention) -> Mention:
        """'Apple launched Apple Music, and it competes with Spotify and Amazon Music':
        a pronoun that rivals products, after a clause that names a product as its
        object, is that product rather than the clause's company."""
        if subject.source != "coref" or subject.label != "Organization":
            return subject
        if verb.dep_ != "conj" or verb.head.pos_ not in ("VERB", "AUX"):
            return subject
        named = [
            m
            for c in verb.head.children
            if c.dep_ == "dobj"
            for m in self.expand(c)
            if m.label in _PRODUCTS and m.source != "coref"
        ]
        return named[0] if len(named) == 1 else subject

    def _made_by(self, verb: Tok) -> list[Mention]:
        """'compete with video from A and B', 'with services such as those of A': the
        names that a common noun after "with" or "against" comes from."""
        found: list[Mention] = []
        for prep in verb.children:
            if prep.dep_ != "prep" or prep.lower_ not in ("with", "against"):
                continue
            for noun in (p for p in prep.children if p.dep_ == "pobj" and p.pos_ == "NOUN"):
                if self.mention(noun) is not None:
                    continue
                # the "from" hung on the noun, or on the verb after it
                froms = [c for c in noun.children if c.dep_ == "prep"]
                froms += [c for c in verb.children if c.dep_ == "prep" and c.i > noun.i]
                for c in froms:
                    if c.lower_ in ("from", "by", "of"):
                        found += [m for m in self.pobjs(c) if m.label in _RIVAL_CLASSES]
        return unique(found)

    def _rivals_of(self, noun: Tok, rivals: list[Mention]) -> list[tuple[Mention, Mention]]:
        """'the app lost ground to rivals such as A and B', 'shares of rivals such as A
        have dropped': rivals named with no one as whose are the rivals of the subject
        of the clause above them, or else of the article's organisation (not the
        source a verb of saying names, nor a name in a clause of a rival's own)."""
        if any(c.dep_ in ("poss", "compound") for c in noun.children) or (
            noun.i > 0 and noun.nbor(-1).text in ("'s", "’s", "'", "’")
        ):
            return []  # "X's rival Y": whose rival is said
        anchor: Mention | None = None
        for verb in (a for a in noun.ancestors if a.pos_ in ("VERB", "AUX", "NOUN")):
            if verb.pos_ == "NOUN":
                # "X's attempt to merge with rival Y", "X's bid for rival Y": the
                # possessor of the noun the rival hangs under
                owner = next((c for c in verb.children if c.dep_ == "poss"), None)
                m = self.mention(owner) if owner is not None and owner.tag_ != "PRP$" else None
                if m is not None and m.label in _RIVAL_CLASSES:
                    anchor = m
                    break
                continue
            if verb.lemma_.lower() in SAYING:
                continue
            left = verb.head if verb.dep_ in ("conj", "advcl", "xcomp") else None
            if left is not None and left.lemma_.lower() in _LEAVING:
                # "has left the company and joined rival Y", "quit X to join rival Y":
                # the rival of the company left
                for c in left.children:
                    m = self.mention(c) if c.dep_ == "dobj" else None
                    if m is not None and m.label == "Organization":
                        anchor = m
                        break
                if anchor is not None:
                    break
            for c in verb.children:
                # a subject before the rivals, not a pronoun ("It raises the pressure on
                # rival X": "it" is as often the deal as the company)
                if c.dep_ not in ("nsubj", "nsubjpass") or c.i > noun.i or c.tag_ == "PRP":
                    continue
                if not any(t.i == noun.i for t in c.subtree):
                    m = self.mention(c)
                    if m is not None and m.label in _RIVAL_CLASSES:
                        anchor = m
                        break
            if anchor is not None:
                break
        phrase = {t.i for t in noun.subtree}
        if anchor is None and any(
            t.i not in phrase
            and (m := self.mention_at(self.offset + t.idx)) is not None
            and m.label == "Organization"
            for t in self.tokens
        ):
            return []  # "X's attempt to merge with rival Y": the rivals of a name nearby
        anchor = anchor or self.main_organization()
        if anchor is None or LEXICON.is_outlet(anchor.name):
            return []
        inside = {
            t.idx + self.offset
            for t in noun.subtree
            if any(a.dep_ in ("relcl", "acl") and a.i > noun.i for a in t.ancestors)
        }
        return [
            (m, anchor)
            for m in rivals
            if m.name != anchor.name
            and m.start not in inside
            and m.label in _RIVAL_CLASSES
            and m.source != "coref"
            and not LEXICON.is_outlet(m.name)  # "rival X, the newspaper Y reported"
        ]

    def _by_maker(
        self,
        product: Mention,
        prop: str,
        tok: Tok,
        rule: str,
        trig: Trigger,
        speaker: Mention | None,
        maker: bool = True,
    ) -> None:
        """'Pixie is being retired', 'Skype will shut down in May': the product's maker
        did it (resolution puts the maker in), and the company that said so, if one did
        ("Halvex said Zipline would shut down": Halvex, unless the document names
        another maker)."""
        if maker:
            self.emit(product, prop, product, tok, rule + BY_MAKER, 0.5, at_least=trig.modality)
        if speaker is not None and speaker.name != product.name:
            self.emit(speaker, prop, product, tok, rule + ANNOUNCER, 0.5, at_least=trig.modality)

    def _announcer(self, verb: Tok) -> Mention | None:
        """The organisation that says, confirms or announces the clause the verb heads
        ("Halvex said Zipline would shut down", "Halvex confirmed that the app is being
        discontinued"): what a company says of a product with no maker named is its own
        decision. Not a news outlet reporting it."""
        t = verb
        for _ in range(3):
            if t.dep_ not in ("ccomp", "conj") or t.head.i == t.i:
                return None
            t = t.head
            if t.lemma_.lower() in _ANNOUNCING:
                break
        else:
            return None
        for c in t.children:
            if c.dep_ == "nsubj":
                m = self.mention(c)
                if m is not None and m.label == "Organization" and not LEXICON.is_outlet(m.name):
                    return m
        return None

    def _of_something(self, title: Tok) -> bool:
        """'president of collaborative apps', 'head of AI': a title over part of an
        organisation (its "of" names no entity), which leads the part, not the whole."""
        for c in title.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                objs = [p for p in c.children if p.dep_ == "pobj"]
                if objs and objs[0].lemma_.lower() in GOVERNING:
                    return False  # "chair of Orvane's board": of the company
                if objs and not self.pobjs(c) and objs[0].pos_ in ("NOUN", "PROPN"):
                    return True
        return False

    def _joint(self, noun: Tok) -> bool:
        """'the merger of A and B', 'a partnership between A and B': a noun whose
        preposition names both sides."""
        return any(
            c.dep_ == "prep" and c.lower_ in ("of", "between", "among") for c in noun.children
        )

    def _wants_employer(self, prop: str) -> bool:
        found = self.triggers.domain(prop)
        return found is not None and found[0] == {"Person"} and "Organization" in found[1]

    def _own_organization(self, person: Mention, main: Mention) -> Mention:
        article = self.main_organization()
        if article is None or main.name != article.name:
            return main  # found in the sentence itself
        return self.affiliation(person) or main

    def _named_by(self, title: Tok) -> bool:
        """'EU competition chief Jane Roe': a title whose modifiers name someone (a
        place, a body the sentence does not take for an organisation) is theirs, not
        the article's organisation's."""
        stack = [
            c for c in title.children if c.dep_ in ("compound", "nmod", "amod") and c.i < title.i
        ]
        while stack:
            c = stack.pop()
            if self.mention_at(self.offset + c.idx) is not None:
                return True
            stack.extend(g for g in c.children if g.dep_ in ("compound", "nmod", "amod"))
        return False

    def _article_organization(self, title: Tok | None = None) -> Mention | None:
        """The organisation a title without one belongs to: the organisation that is
        the subject of a clause above the title ("Acme said chief executive Jane Roe
        would step down"; not Veltra in "CEO Jane Roe said Veltra had no case"), or,
        when the sentence names no organisation, the article's."""
        named = [
            m
            for t in self.tokens
            if (m := self.mention_at(self.offset + t.idx)) is not None and m.label == "Organization"
        ]
        if not named:
            return self.main_organization()
        if title is None:
            return None
        above: list[Mention] = []
        for verb in (a for a in title.ancestors if a.pos_ in ("VERB", "AUX")):
            for c in verb.children:
                if c.dep_ in ("nsubj", "nsubjpass") and not any(t.i == title.i for t in c.subtree):
                    m = self.mention(c)
                    if m is None and c.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
                        # "the Federal Trade Commission, which under chair Jane Roe has ..."
                        m = self.mention(verb.head)
                    if m is None and c.pos_ == "NOUN":  # "Acme's board has fired ...": Acme
                        owners = [p for p in c.children if p.dep_ == "poss"]
                        m = self.mention(owners[0]) if owners else None
                        m = m or next(iter(self._governed(c)), None)  # "the board of Acme"
                    if m is not None and m.label == "Organization":
                        above.append(m)
        found = unique(above)
        if len({m.name for m in found}) == 1:
            return found[0]  # "Acme said it would ..., as chief executive Jane Roe ...": Acme
        # "CEO Jane Roe said Veltra had no case": not Veltra; the article's, if it has one
        return self.main_organization() if not found else None


def _taken_off(verb: Tok) -> bool:
    """'pulled from app stores', 'removed from sale': taken off somewhere, by whoever runs it."""
    return any(c.dep_ == "prep" and c.lower_ in ("from", "off") for c in verb.children)


#: words that make headquarters one region's, not the company's own
_REGIONAL = frozenset({"regional", "international", "overseas", "local", "national"})


def _regional(noun: Tok) -> bool:
    """'its European headquarters', 'the regional head office': not the company's seat."""
    return any(
        c.dep_ in ("amod", "compound")
        and c.i < noun.i
        and (c.text in LEXICON.demonyms or c.lower_ in _REGIONAL)
        for c in noun.children
    )


def _full_name(name: str) -> bool:
    """Two or three words the tagger calls a person's, none of them a company word
    ("Nomvula Dlamini"; not "Onyx Mobile", "Ünlü Teknoloji")."""
    words = name.split()
    return (
        1 < len(words) < 4
        and not any(w in LEXICON.org_suffixes for w in words)
        and words[0] in LEXICON.given_names
    )


def _classes(m: Mention) -> tuple[str, ...]:
    if m.label == "Person" and _full_name(m.name):
        return ("Person",)  # "Nomvula Dlamini": a full name is no company
    if m.source in _WEAK_SOURCES:
        return _MAYBE.get(m.label, (m.label,))
    return (m.label,)


# ---------------------------------------------------------------- trigger lookup


def _matching(tok: Tok, triggers: Triggers) -> list[Trigger]:
    """The triggers whose words stand at ``tok``, longest phrase first."""
    pos = tok.pos_
    if pos in ("VERB", "AUX"):
        found = [
            t
            for form in sorted(verb_forms(tok))
            for t in triggers.verbs.get(form, ())
            if _verb_phrase_at(tok, t.phrase)
        ]
    elif pos in ("NOUN", "PROPN") or (
        # "its rival Streamly", with "rival" tagged as an adjective of the name
        pos == "ADJ" and tok.dep_ in ("amod", "compound") and tok.head.pos_ == "PROPN"
    ):
        keys = sorted({tok.lower_, tok.lemma_.lower()})
        found = [
            t for key in keys for t in triggers.nouns.get(key, ()) if noun_phrase_at(tok, t.phrase)
        ]
    else:
        found = []
    found += [t for t in triggers.adjectives.get(tok.lower_, ()) if _adjective_at(tok, t.phrase)]
    # The longest phrase first, then the lexicon's own order: the same every run.
    found.sort(key=lambda t: (-len(t.phrase), t.order))
    return list(dict.fromkeys(found))


#: verbs of appointing whose participle clause names a successor ("named Y as chief
#: executive, replacing Z"); not "make", "bring", "confirm", said of much else
_NAMING_VERBS = APPOINTING - {"make", "bring", "confirm"}


def _appointed_by(verb: Tok) -> bool:
    """Whether the verb is a participle hung on a verb of appointing ("named Y as chief
    executive, replacing Z"), whose subject is the appointer."""
    head = verb.head
    return (
        verb.tag_ == "VBG"
        and verb.dep_ in ("advcl", "xcomp", "conj")
        and head.pos_ in ("VERB", "AUX")
        and head.lemma_.lower() in _NAMING_VERBS
    )


def _verb_phrase_at(tok: Tok, phrase: tuple[str, ...]) -> bool:
    """'shut down', 'invest in', 'pull the plug on': the last word is a particle or
    preposition of the verb (or, after middle words, of one of them); the middle words
    are among the verb's dependents or theirs."""
    if len(phrase) == 1:
        return True
    *middle, last = phrase[1:]
    kids = list(tok.children)
    grandkids = [g for c in kids for g in c.children]
    words = {t.lower_ for t in (*kids, *grandkids)}
    if not all(w in words or w in ("the", "a", "an") for w in middle):
        return False
    places = (*kids, *grandkids) if middle else kids
    if last in PREPOSITIONS:
        deps = ("prep", "prt", "dative", "agent")
        if not middle:  # "invest $4 billion in X": the preposition on the amount
            places = (*kids, *(g for f in figure_objects(tok) for g in f.children))
        return any(c.lower_ == last and c.dep_ in deps for c in places)
    return any(c.lower_ == last for c in places)  # "shut down", "go offline", "eat lunch"


def noun_phrase_at(tok: Tok, phrase: tuple[str, ...]) -> bool:
    """'chief executive officer' ending at ``tok``; 'head of' as a noun and its preposition."""
    if len(phrase) == 1:
        return True
    if phrase[-1] in PREPOSITIONS:  # "head of": the noun, then its preposition
        return False
    start = tok.i - len(phrase) + 1
    if start < tok.sent.start:
        return False
    return [t.lower_ for t in tok.doc[start : tok.i]] == list(phrase[:-1])


def _adjective_at(tok: Tok, phrase: tuple[str, ...]) -> bool:
    if tok.lower_ != phrase[0]:
        return False
    return len(phrase) == 1 or any(
        c.dep_ == "prep" and c.lower_ == phrase[-1] for c in tok.children
    )


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


def verb_forms(tok: Tok) -> frozenset[str]:
    """The lemma, the word, and the word without its inflection ("sunsetting" -> "sunset",
    which the lemmatiser leaves as "sunsette")."""
    return _forms(tok.lower_, tok.lemma_.lower())
