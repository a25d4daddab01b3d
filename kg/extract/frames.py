"""Who does what to whom: the arguments of a word, read off the dependency parse.

``Arguments`` turns argument tokens into the mentions they stand for (lists,
appositions, "such as", possessors, relative pronouns, coreference) and reads a
verb's logical subject and object, with passives undone and subjects inherited
through control, coordination, relative clauses and participles. The roles built
on these (kg/extract/roles.py) serve every trigger: what differs between "Y bought
X", "Y's acquisition of X" and "Y, the CEO of X" is which roles the lexicon maps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kg.extract.names import CALLING
from kg.lexicon import LEXICON
from kg.model import Mention

__all__ = ["Arguments", "Tok", "unique"]

Tok = Any  # a spaCy Token

_LIST_PREPS = {"like", "as", "including", "include"}  # "such as", "like", "including"
#: nouns for a set of things, whose "including X" lists the things ("a list of products")
_COLLECTIONS = {"list", "range", "series", "string", "lineup", "line-up", "portfolio",
                "roster", "collection", "slate", "stable", "family", "suite"}  # fmt: skip
_SUBJECT_DEPS = ("nsubj", "csubj")
_CURRENCY_NOUNS = {"euro", "dollar", "pound", "yen", "yuan", "franc", "krona", "krone",
                   "rupee", "real", "peso", "won", "rand", "lira", "ruble", "rouble"}  # fmt: skip
#: things a company has that are not the company: "the Veltra plant", "Veltra shares"
_HOLDINGS = {"plant", "factory", "store", "shop", "office", "headquarters", "site",
             "warehouse", "mine", "campus", "facility", "branch", "mall", "share", "stock",
             "bond", "debt", "loan", "building", "tower", "station", "port", "depot",
             "outlet", "lab", "center", "centre", "hub", "fleet", "workforce", "employee",
             "worker", "executive", "board", "investor", "shareholder", "customer", "team",
             "staff"}  # fmt: skip
#: verbs whose object does what the infinitive after it says ("tapped X to lead Y")
#: verbs that give a post to their object ("Acme named Jane Roe (as) chief executive")
APPOINTING = {
    "name", "appoint", "hire", "tap", "pick", "choose", "select", "promote", "elect",
    "install", "make", "nominate", "recruit", "poach", "bring", "confirm",
}  # fmt: skip
OBJECT_CONTROL = (APPOINTING - {"promote", "install", "make", "poach", "bring", "confirm"}) | {
    "ask", "urge", "persuade", "force", "invite", "order", "pressure", "press", "require",
    "encourage", "enlist", "convince", "allow", "authorize", "authorise",
}  # fmt: skip
#: a company's people, who act for it ("written by a team at X")
_TEAMS = {"team", "group"}
#: a public body's people, who act for it ("regulators in the European Union")
_OFFICIALS = {"regulator", "official", "authority", "prosecutor", "watchdog", "investigator"}
_STAFF = {"engineer", "researcher", "developer", "scientist", "programmer"}  # in the plural
#: a part of a company named with "of" after it, as with a possessor ("the X business of Y")
_PARTS_OF = {"business", "unit", "division", "operations", "arm", "assets"}
_VERBS = ("VERB", "AUX")


def unique(items: list[Mention]) -> list[Mention]:
    """The mentions in order, each span once."""
    seen: set[tuple[int, int]] = set()
    out = []
    for m in items:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            out.append(m)
    return out


def is_passive(verb: Tok) -> bool:
    """'X was bought by Y', 'X, bought by Y' (a participle with no auxiliary)."""
    if verb.dep_ in ("acl", "amod") and verb.tag_ == "VBN":
        return not any(c.dep_ == "aux" for c in verb.children)
    if verb.tag_ == "VBN" and any(c.dep_ == "agent" for c in verb.children):
        return True  # "X started in 2003, launched by Y"
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


#: a company's governing bodies, which act in its name
GOVERNING = {"board", "directors", "management", "leadership", "supervisory board"}


@dataclass
class Arguments:
    """The mentions that fill the roles of words in one sentence."""

    offset: int  # char offset of the parsed block in the document
    mention_at: Callable[[int], Mention | None]  # document char offset -> mention
    resolve: Callable[[Tok], Mention | None]  # pronoun / description -> antecedent
    #: cue-noun token index -> the name it introduces ("a new model, code-named Spud")
    _introduced: dict[int, Mention] = field(default_factory=dict)

    # ------------------------------------------------------------ tokens -> mentions

    def mention(self, tok: Tok) -> Mention | None:
        """The mention at a token: a name, an introduced name, or what a pronoun means."""
        m = self.mention_at(self.offset + tok.idx)
        if m is None:
            m = self._introduced.get(tok.i)
        return m if m is not None else self.resolve(tok)

    def place_before(self, tok: Tok, place: Mention) -> list[Mention]:
        """'Boise, Idaho': the city named just before its state or country."""
        first = tok
        while first.i > 0 and self.mention_at(self.offset + first.nbor(-1).idx) is place:
            first = first.nbor(-1)
        if first.i < 2 or first.nbor(-1).text != ",":
            return []
        before = first.doc[first.i - 2]
        city = self.mention_at(self.offset + before.idx)
        if city is None or city.label != "Place" or city.name == place.name:
            return []
        return [city]

    def expand(self, tok: Tok, depth: int = 0, possessor: bool = True) -> list[Mention]:
        """The entities an argument token stands for.

        "Sora's capabilities" stands for Sora when ``possessor`` is set; a noun's
        own roles are read without it ("Sora's rivals" are not Sora).
        """
        if depth > 3:
            return []
        found: list[Mention] = []
        if tok.dep_ == "attr" and tok.pos_ == "NOUN" and tok.head.lemma_ == "be":
            # "X is the second app that ...": the noun is X
            own = self.mention(tok)
            said = [c for c in tok.head.children if c.dep_ == "nsubj"]
            if said and (own is None or own.source == "coref"):
                return self.expand(said[0], depth + 1, possessor)
        employer = self._employer_of_people(tok, depth)
        if employer:
            return employer
        if tok.pos_ == "NOUN" and tok.lower_ in LEXICON.partitives:
            for c in tok.children:  # "the web version of X" is X
                if c.dep_ == "prep" and c.lower_ == "of":
                    inner = self.pobjs(c, depth + 1)
                    if inner:
                        return inner
        m = self.mention(tok)
        if m is None and tok.tag_ in ("WP", "WDT") and tok.head.dep_ == "relcl":
            antecedent = _last_of_list(tok.head)
            if antecedent is not None:  # "A and B, which is owned by C": B
                return self.expand(antecedent, depth + 1)
            own = self.mention(tok.head.head)
            if own is not None and _singular(tok.head) and tok.head.head.pos_ == "PROPN":
                return [own]  # "France's Deezer and YouTube Music, which is owned by ..."
            return self.expand(tok.head.head, depth + 1)  # "Musk, who is ..." -> Musk
        if m is None and tok.lower_ == "whose":
            t = tok.head  # "Acme, whose chief executive, Jane Roe, said": Acme
            for _ in range(4):
                if t.dep_ == "relcl":
                    return self.expand(t.head, depth + 1)
                if t.dep_ == "appos":
                    owner = self.mention(t.head)
                    return [owner] if owner is not None else []
                if t.head.i == t.i:
                    break
                t = t.head
        whose = any(c.lower_ == "whose" for c in tok.children)
        if m is None and tok.dep_ == "appos" and tok.pos_ == "NOUN" and not whose:
            m = self.mention(tok.head)  # "xAI, the AI company created by ..." -> xAI
        if m is None and tok.pos_ == "NOUN" and tok.left_edge.i > 1:
            comma = tok.doc[tok.left_edge.i - 1]
            before = tok.doc[comma.i - 1]
            if comma.text == "," and before.head.i == tok.head.i and before.dep_ == tok.dep_:
                # "Fernhill, a maker of sensors, employs ...", parsed with two subjects
                m = self.mention(before)
        if m is not None:
            found.append(m)
            if m.label == "Place":
                found.extend(self.place_before(tok, m))  # "Boise, Idaho-based"
        else:
            holders = [tok]
            if tok.dep_ == "pobj" and tok.tag_ == "NNS" and tok.head.head.pos_ in ("VERB", "AUX"):
                # "put money into three fintechs this year, including Coinlet", with the
                # list hung on the verb: the plural's members
                verb = tok.head.head
                found.extend(
                    m
                    for c in verb.children
                    if c.dep_ == "prep" and c.lower_ == "including" and c.i > tok.i
                    for m in self.pobjs(c, depth + 1)
                )
            if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ == "NOUN":
                if tok.head.head.lemma_.lower() in _COLLECTIONS:
                    # "a long list of products ..., including X and Y": the list's members
                    holders.append(tok.head.head)
            for c in (c for h in holders for c in h.children):
                if c.dep_ == "acl" and c.lemma_.lower() in CALLING and tok.pos_ == "NOUN":
                    # "a kit called Primer", "a new app dubbed Zappo": what it is called
                    found.extend(
                        m
                        for g in c.children
                        if g.dep_ in ("oprd", "dobj") and (m := self.mention(g)) is not None
                    )
                elif c.dep_ == "prep" and c.lower_ in _LIST_PREPS:
                    found.extend(self.pobjs(c, depth + 1))
                elif c.dep_ == "appos":
                    found.extend(self.expand(c, depth + 1))
                elif c.dep_ == "acl" and c.lemma_.lower() == "range":
                    # "brands ranging from A and B to C": each of them
                    for p in c.subtree:
                        if p.dep_ == "prep" and p.lower_ in ("from", "to"):
                            found.extend(self.pobjs(p, depth + 1))
            common = tok.pos_ == "NOUN" or (tok.pos_ == "PROPN" and tok.text.islower())
            if not found and common and tok.lemma_.lower() in _NAMING_NOUNS:
                # "the Vesta and Nomad appliance brands": the names are the brands
                for c in tok.children:
                    if c.dep_ in ("nmod", "compound") and c.i < tok.i:
                        first = self.mention(c)
                        inner = [g for g in c.children if g.dep_ in ("compound", "nmod")]
                        if first is None and inner and c.pos_ == "NOUN":
                            # "the Orbit speaker line": the name before the kind of product
                            first, c = self.mention(inner[-1]), inner[-1]
                        if first is not None and first.label != "Place":
                            found += [first] + self.expand(c, depth + 1)
                found = unique(found)
            if not found and common:
                named = self._compound_name(tok)  # "its standalone Sora video platform"
                if named is not None:
                    found.append(named)
            if (
                not found
                and possessor
                and tok.lemma_.lower() not in LEXICON.relational
                and tok.lemma_.lower() not in _HOLDINGS
            ):
                # "Sora's capabilities", "the Disney characters", "players VO3.1, Kling";
                # not "its predecessor", "Acme's rival": another thing than the possessor.
                for c in tok.children:
                    if c.dep_ == "poss" or (c.dep_ in ("compound", "amod") and common):
                        pm = self.mention(c)
                        if pm is not None and pm.label != "Deal":
                            found.extend(self.expand(c, depth + 1) if c.dep_ == "amod" else [pm])
                    elif c.dep_ == "prep" and c.lower_ == "of" and tok.lemma_.lower() in _PARTS_OF:
                        # "the enterprise security business of Symantec": Symantec's business
                        found.extend(m for m in self.pobjs(c, depth + 1) if m.label != "Place")
        for c in tok.children:
            if (
                m is not None
                and c.dep_ == "nmod"
                and c.i < tok.i
                and any(g.dep_ == "cc" for g in c.children)
                and (first := self.mention(c)) is not None
                and first.name != m.name
            ):
                # "of Dresdyn and Maplecroft Chemicals", parsed as one name with the first
                # name and the "and" inside it: the first name is a name of the list
                found.append(first)
            if c.dep_ in ("conj", "appos") and c.i > tok.i:
                # A list is one level however long it is ("A, B, C, D and E").
                found.extend(self.expand(c, depth if c.dep_ == "conj" else depth + 1, possessor))
            elif (
                c.dep_ == "cc" and c.i > max(tok.i, 1) and _phrase_at(c.doc[c.i - 2], "as well as")
            ):
                # "A and B, as well as C": the last "as" is parsed as a preposition
                found.extend(
                    m for p in c.children if p.dep_ == "pobj" for m in self.expand(p, depth)
                )
        return unique(found)

    def _employer_of_people(self, tok: Tok, depth: int) -> list[Mention]:
        """The organisation whose people a noun names, who act for it: "a small team at
        Tallis Systems", "engineers from X", "regulators in the European Union"."""
        if tok.pos_ != "NOUN" or self.mention(tok) is not None:
            return []
        lemma, plural = tok.lemma_.lower(), tok.tag_ == "NNS"
        if plural and lemma in _OFFICIALS:
            preps: tuple[str, ...] = ("in", "at", "from")
        elif lemma in _TEAMS or (plural and lemma in _STAFF):
            preps = ("at", "from")
        else:
            return []
        if any(c.dep_ == "prep" and c.lower_ in _LIST_PREPS for c in tok.children):
            return []  # "researchers at X, including Y": the people named
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                inner = [m for m in self.pobjs(c, depth + 1) if m.label == "Organization"]
                if inner:
                    return inner
        return []

    def _compound_name(self, noun: Tok) -> Mention | None:
        """A product named by compounds before a product cue noun ("Sora video platform"),
        or a business by compounds before "unit" or "division" ("its Pixie unit")."""
        if LEXICON.cue_class(noun.lemma_) not in ("Product", "AIModel"):
            if noun.lemma_.lower() not in ("unit", "division", "subsidiary", "arm"):
                return None
        poss = any(c.dep_ == "poss" for c in noun.children)
        deps = ("compound", "nmod", "npadvmod")  # "the Loop messaging app", oddly parsed
        stack = [
            c
            for c in noun.children
            if c.i < noun.i and (c.dep_ in deps or (c.dep_ == "amod" and c.tag_ == "VBG"))
        ]
        while stack:
            c = stack.pop()
            m = self.mention_at(self.offset + c.idx)
            if m is not None and (m.label in ("Product", "AIModel") or poss or m.source != "kb"):
                return m  # "the Aurora smart ring", "its Velto Loop ring"
            stack.extend(g for g in c.children if g.dep_ in deps)
        return None

    def pobjs(self, prep: Tok, depth: int = 0) -> list[Mention]:
        """The objects of a preposition ("in X and Y")."""
        out = [m for p in prep.children if p.dep_ == "pobj" for m in self.expand(p, depth)]
        for c in prep.children:  # "with A and with B"
            if c.dep_ == "conj" and c.lower_ == prep.lower_ and c.pos_ == "ADP":
                out.extend(self.pobjs(c, depth))
        for c in prep.children:  # "such as": the "as" hangs on "such"
            if c.dep_ == "prep" and c.lower_ in _LIST_PREPS:
                out.extend(self.pobjs(c, depth + 1))
        if not out and not any(c.dep_ in ("pobj", "pcomp") for c in prep.children):
            # "purchase of cybersecurity firm Valvur closed", parsed with the name as the
            # verb's subject: the preposition's object is the noun phrase that follows
            doc = prep.doc
            for t in doc[prep.i + 1 : min(prep.i + 6, len(doc))]:
                m = self.mention(t)
                if m is not None:
                    out.append(m)
                    break
                if t.pos_ not in ("DET", "ADJ", "NOUN", "NUM") or t.dep_ not in (
                    "det",
                    "amod",
                    "compound",
                    "nummod",
                    "nmod",
                ):
                    break
        return out

    # ------------------------------------------------------------ verbs

    def subjects(self, verb: Tok, depth: int = 0, raised: bool = False) -> list[Mention]:
        """The logical subject: nsubj, a passive's agent, or one inherited from the clause
        above ("Y agreed to buy X", "Y, which bought X", "a deal to buy X" that Y struck)."""
        if depth > 3:
            return []
        passive = is_passive(verb)
        found: list[Mention] = []
        if passive and verb.i > 1 and verb.nbor(-1).text in ("-", "–"):
            maker = self.mention(verb.nbor(-2))  # "Amazon-owned Gleam", "Orvane-made Pixie"
            if maker is not None:
                return [maker]
        for c in verb.children:
            if not passive and c.dep_ in _SUBJECT_DEPS:
                found.extend(self.expand(c) or self._owner_of(c) or self._governed(c))
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
        if (
            verb.dep_ in ("advcl", "acl", "relcl", "xcomp")
            and (head.pos_ in ("NOUN", "PROPN") or head.dep_ == "ROOT")
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
            and (named := self.mention(head)) is not None
        ):
            return [named]  # headlinese: "Acme to buy Globex for $2 billion"
        if verb.dep_ == "conj" and head.pos_ in _VERBS and is_passive(head):
            # "X is based in Y and makes Z": the passive's subject does the second verb
            return [m for c in head.children if c.dep_ == "nsubjpass" for m in self.expand(c)]
        if verb.dep_ == "xcomp" and head.lemma_.lower() in OBJECT_CONTROL:
            # "picked Jane Roe to succeed Kai Lund": the object does what it is picked for
            objects = [c for c in head.children if c.dep_ == "dobj" and c.i < verb.i]
            chosen = [m for c in objects for m in self.expand(c)]
            if chosen:
                return chosen
        if verb.dep_ in ("xcomp", "conj", "advcl", "ccomp") and head.i != verb.i:
            if verb.dep_ == "ccomp" and head.lemma_ in ("say", "tell", "report", "add", "note"):
                return []  # "X said Y bought Z": the speaker is not the buyer
            return self.subjects(head, depth + 1, raised=verb.dep_ == "xcomp")
        if verb.dep_ == "relcl":
            owners = [c for c in head.children if c.dep_ == "poss"]
            if owners and head.pos_ == "NOUN" and not self.mention(head):
                return self.expand(owners[0])  # "its push to take on X": its owner's
            if any(
                c.dep_ in ("dobj", "nsubjpass") and c.tag_ in ("WDT", "WP") for c in verb.children
            ):
                return []  # "X, which Y bought": X is the object
            infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
            if not (infinitive and head.pos_ == "NOUN" and self.mention(head) is None):
                return self.expand(head) or self._owner_of(head)
        if verb.dep_ == "acl" and verb.tag_ == "VBG":
            # "X, the division building Y": the noun a present participle modifies
            described = self.expand(head)
            if not described and head.dep_ == "appos" and head.pos_ == "NOUN":
                described = self.expand(head.head)
            if described:
                return described
        if verb.dep_ in ("acl", "relcl"):  # "is in talks to invest in X", either parse
            owners = [c for c in head.children if c.dep_ == "poss"]
            if owners:
                return self.expand(owners[0])
            governing = head.head
            if head.dep_ in ("nsubj", "dobj", "attr", "appos") and governing.pos_ in _VERBS:
                return self.subjects(governing, depth + 1)
            if head.dep_ == "pobj" and governing.head.pos_ in _VERBS:
                return self.subjects(governing.head, depth + 1)  # "is in talks to buy X"
            if (
                head.dep_ == "pobj"
                and governing.head.dep_ == "ROOT"
                and governing.head.pos_ == "PROPN"
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
            ):
                return self.expand(governing.head)  # headlinese: "Acme in talks to buy X"
            return []
        if verb.dep_ == "pcomp":
            return self.subjects(head.head, depth + 1)
        return []

    def _governed(self, noun: Tok) -> list[Mention]:
        """'Orvane's board fired its chief', 'the board of Acme named ...': a company's
        governing body acts for the company."""
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in GOVERNING:
            return []
        owners = [c for c in noun.children if c.dep_ == "poss"]
        owners += [
            p
            for c in noun.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for p in c.children
            if p.dep_ == "pobj"
        ]
        return [m for o in owners for m in self.expand(o) if m.label == "Organization"]

    def _owner_of(self, noun: Tok) -> list[Mention]:
        """'tools that surpass X' where the tools belong to the subject of 'developed'."""
        if noun.dep_ == "dobj" and noun.head.pos_ in ("VERB", "AUX"):
            return self.subjects(noun.head, 2)
        return []

    def objects(self, verb: Tok) -> list[Mention]:
        """The logical object: dobj, a passive's subject, the noun a passive participle
        modifies, or the antecedent of "which" in "X, which Y bought"."""
        found: list[Mention] = []
        passive = is_passive(verb)
        if passive and verb.dep_ in ("acl", "amod"):
            own = self.mention(verb.head)
            if own is not None and any(
                c.dep_ == "conj" and c.i > verb.i for c in verb.head.children
            ):
                # "Google, owned by Alphabet, and TikTok": the participle is Google's alone
                found.append(own)
            else:
                found.extend(self.expand(verb.head))
            head = verb.head  # "Dunmore-owned grocery chain FreshWay"; "a maker of
            # sensors backed by X", with the participle hung on the nearer noun
            if not found and head.dep_ == "compound" and head.head.i > head.i:
                found.extend(self.expand(head.head))
            elif not found and head.dep_ == "pobj" and head.head.lower_ == "of":
                found.extend(self.expand(head.head.head))
        if passive and verb.dep_ == "acomp" and verb.head.lemma_ == "be":
            # "X is majority-owned by Y", parsed with the participle a complement of "is"
            found.extend(m for c in verb.head.children if c.dep_ == "nsubj" for m in self.expand(c))
        for c in verb.children:
            if passive and c.dep_ == "nsubjpass":
                found.extend(self.expand(c))
            elif not passive and c.dep_ == "dobj":
                found.extend(self.expand(c))
                money = c.ent_type_ == "MONEY" or c.lemma_.lower() in _CURRENCY_NOUNS
                if not found and money and any(g.like_num for g in c.children):
                    for g in c.subtree:  # "fined Lockit 3 million euros"
                        if (
                            g.dep_ in ("nmod", "compound")
                            and g.i < c.i
                            and g.pos_ == "PROPN"
                            and g.head.pos_ != "PROPN"
                        ):
                            found.extend(self.expand(g))
        if not found and verb.dep_ == "relcl" and not passive:
            relative = [c for c in verb.children if c.tag_ in ("WDT", "WP")]
            if any(c.dep_ == "dobj" for c in relative) or (
                not relative
                and not any(c.dep_ == "dobj" for c in verb.children)
                and any(c.dep_ in _SUBJECT_DEPS for c in verb.children)
            ):
                # "X, which Y bought"; "a tracker it unveiled": the noun is the object
                found.extend(self.expand(verb.head))
        if not found and verb.dep_ == "xcomp" and verb.head.dep_ == "relcl":
            # "X, which Y agreed to buy"
            if any(c.dep_ == "dobj" and c.tag_ in ("WDT", "WP") for c in verb.children):
                found.extend(self.expand(verb.head.head))
        if not found and passive and verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX"):
            # "Halvex agreed to be acquired by Orvane": the subject of "agreed"
            found.extend(m for c in verb.head.children if c.dep_ == "nsubj" for m in self.expand(c))
        if (
            not found
            and passive
            and verb.dep_ in ("conj", "advcl")
            and verb.head.pos_ in ("VERB", "AUX")
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
        ):
            # "X was founded by A and is backed by B": the first clause's subject; "Acquired
            # by A in 2019, X now ...", "X, which is based in Lisbon and majority-owned by
            # A": the subject of the clause the participle hangs on
            head = verb.head
            wanted: tuple[str, ...] = ("nsubjpass",) if is_passive(head) else ("nsubj",)
            if verb.dep_ == "advcl":
                wanted = ("nsubj", "nsubjpass")
            for c in head.children:
                if c.dep_ not in wanted:
                    continue
                if c.tag_ in ("WDT", "WP") and head.dep_ == "relcl":
                    found.extend(self.expand(head.head))  # "which": the name it stands for
                else:
                    found.extend(self.expand(c))
        if not found and not passive and not any(c.dep_ == "dobj" for c in verb.children):
            for c in verb.children:  # "began selling X", "stopped making X"
                if c.dep_ == "xcomp" and c.tag_ == "VBG":
                    found.extend(self.objects(c))
        return unique(found)

    def prep_objects(self, tok: Tok, word: str) -> list[Mention]:
        """Objects of the preposition ``word`` on the token (the agent of a passive is
        its subject, not its "by")."""
        out: list[Mention] = []
        for c in tok.children:
            if c.dep_ in ("prep", "dative", "agent") and c.lower_ == word:
                if c.dep_ == "agent" and tok.pos_ in ("VERB", "AUX"):
                    continue
                out.extend(self.pobjs(c))
            elif c.dep_ == "prep" and " " in word and _phrase_at(c, word):
                out.extend(self.pobjs(c.doc[c.i + len(word.split()) - 1]))
        if not out and tok.pos_ in ("VERB", "AUX"):
            for figure in figure_objects(tok):  # "invest $4 billion in X", parsed with
                out.extend(self.prep_objects(figure, word))  # "in X" on the figure
        if not out and tok.pos_ in ("VERB", "AUX") and word == "with":
            # "competes for customers with X", parsed with "with X" on the customers
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "for":
                    for p in c.children:
                        if p.dep_ == "pobj" and self.mention(p) is None:
                            out.extend(
                                m for w in p.children if w.dep_ == "prep" and w.lower_ == word
                                for m in self.pobjs(w)
                            )  # fmt: skip
        return out


#: nouns that the names before them are names of ("the Jeep and Ram brands")
_NAMING_NOUNS = frozenset(
    {
        "brand",
        "label",
        "banner",
        "imprint",
        "marque",
        "nameplate",
        "line",
        "lineup",
        "range",
        "series",
    }
)


def _last_of_list(clause: Tok) -> Tok | None:
    """The last name of the list a singular relative clause follows ("A and B, which is
    owned by C": B), when the parser hung the clause on the list's first name."""
    head = clause.head
    last = [c for c in head.children if c.dep_ == "conj" and c.i < clause.i]
    if not last or head.pos_ != "PROPN":
        return None
    return last[-1] if _singular(clause) and last[-1].pos_ == "PROPN" else None


def _singular(clause: Tok) -> bool:
    """Whether a relative clause's verb agrees with one thing ("which is", "which has")."""
    verbs = [clause, *(c for c in clause.children if c.dep_ in ("aux", "auxpass"))]
    return any(v.tag_ == "VBZ" or v.lower_ in ("was", "has") for v in verbs)


def figure_objects(verb: Tok) -> list[Tok]:
    """The verb's objects that are amounts ("$4 billion", "a 10% stake" is not one)."""
    return [
        c
        for c in verb.children
        if c.dep_ == "dobj"
        and (
            c.like_num or c.ent_type_ in ("MONEY", "CARDINAL") or c.lower_ in ("million", "billion")
        )
    ]


def _phrase_at(tok: Tok, words: str) -> bool:
    parts = words.split()
    doc = tok.doc
    return (
        tok.i + len(parts) <= len(doc)
        and [t.lower_ for t in doc[tok.i : tok.i + len(parts)]] == parts
    )
