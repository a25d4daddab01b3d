"""The roles of a trigger word, read off the dependency parse (see
ontology/triggers.toml): a verb's subject, object and dative; a noun's possessor,
compounds and prepositional objects, the name it describes ("holder"), the subject of
the verb it is the object of ("light", "recipient"), the one who appoints to a title;
dotted roles follow one role into another ("prep:as.prep:of").
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.extract.frames import (
    _SUBJECT_DEPS,
    _VERBS,
    APPOINTING,
    OBJECT_CONTROL,
    Arguments,
    Tok,
    unique,
)
from kg.lexicon import LEXICON
from kg.model import Mention

__all__ = ["RoleReader", "holders"]

#: verbs whose object noun is received: "X won a contract", "X got an investment from Y"
_RECEIVING = {
    "receive", "get", "win", "secure", "land", "obtain", "attract", "face", "draw", "take",
    "accept", "gain", "raise", "close", "score", "clinch",
}  # fmt: skip
#: nouns for what the one who takes or gets them holds ("took a 5% stake in X")
_HELD = {"stake", "holding", "interest", "position", "share", "shareholding"}
#: verbs whose subject, a suit or a complaint, is brought against their object
_ACCUSING = {"accuse", "charge", "target", "name", "allege", "seek"}
#: noun dependents that put a noun in front of a name ("CEO Jane Roe", "rival Kling")
_MODIFIER_DEPS = {"compound", "amod", "nmod"}


@dataclass
class RoleReader(Arguments):
    """Arguments, with the roles the lexicon maps them by."""

    def role(self, tok: Tok, name: str) -> list[Mention]:
        """The mentions in role ``name`` of the trigger word ``tok`` (see triggers.toml)."""
        first, _, rest = name.partition(".")
        if rest:
            return unique([m for t in self.role_tokens(tok, first) for m in self.role(t, rest)])
        found = self._role(tok, first)
        if not found and tok.pos_ in ("NOUN", "PROPN") and first not in ("self", "holder"):
            # "the co-founder and CEO of Acme": coordinated nouns share what hangs on one
            # (not "the FX networks and a controlling stake": two phrases, each with a
            # determiner of its own)
            for other in _coordinated(tok):
                if _determined(tok) and _determined(other):
                    continue
                found = self._role(other, first)
                if found:
                    break
        return found

    def _role(self, tok: Tok, first: str) -> list[Mention]:
        if first.startswith("prep:"):
            found = self.prep_objects(tok, first[5:])
            verb = _governing_verb(tok) if tok.pos_ in ("NOUN", "PROPN") else None
            if not found and verb is not None and tok.dep_ == "dobj":
                # "imposed a fine on X", "filed a lawsuit against X", "made a bid for X"
                found = self.prep_objects(verb, first[5:])
            if first == "prep:of" and found and tok.pos_ == "NOUN":
                # "the CEO of Google and its parent Alphabet", parsed with Alphabet
                # joined to the title rather than to Google
                found += [
                    m
                    for c in tok.children
                    if c.dep_ == "conj" and c.pos_ == "PROPN" and (m := self.mention(c))
                ]
            if not found and tok.pos_ in ("NOUN", "PROPN"):
                head = _described(tok)
                if head is not None:  # "Y's parent company X of ..." rarely; "rival to X"
                    found = self.prep_objects(head, first[5:])
            return found
        if first == "clause":
            return self._clause_subjects(tok)
        if tok.pos_ in ("VERB", "AUX"):
            if first == "subj":
                return self.subjects(tok)
            if first == "obj":
                return self.objects(tok)
            if first == "dative":
                return [m for c in tok.children if c.dep_ == "dative" for m in self.expand(c)]
            return []
        if tok.pos_ == "ADJ" and first == "subj":
            return self._adjective_subjects(tok)
        return self._noun_role(tok, first)

    def role_tokens(self, tok: Tok, name: str) -> list[Tok]:
        """The argument tokens of a role that a dotted role follows (a preposition's
        objects, the possessor, the holder)."""
        if name.startswith("prep:"):
            word = name[5:]
            return [
                p
                for c in tok.children
                if c.dep_ == "prep" and c.lower_ == word
                for p in c.children
                if p.dep_ == "pobj"
            ]
        if name == "poss":
            return [c for c in tok.children if c.dep_ == "poss"]
        if name == "holder":
            return holders(tok)
        return []

    def _noun_role(self, tok: Tok, name: str) -> list[Mention]:
        head = _described(tok)
        if name == "self":
            m = self.mention(tok)
            if m is not None and not (tok.pos_ == "NOUN" and m.source == "coref"):
                return [m]
            return self.expand(tok, possessor=False)
        if name == "holder":
            return unique([m for h in holders(tok) for m in self.expand(h, possessor=False)])
        if name == "poss":
            owners = [c for c in tok.children if c.dep_ == "poss"]
            if not owners and head is not None:
                owners = [c for c in head.children if c.dep_ == "poss"]
            if not owners and tok.dep_ == "appos" and tok.head.pos_ == "NOUN":
                # "its cloud gaming service", parsed as "its cloud" with the service in
                # apposition: one phrase, with no comma inside
                owners = [
                    c
                    for c in tok.head.children
                    if c.dep_ == "poss"
                    and c.i < tok.head.i
                    and not any(t.is_punct for t in tok.doc[c.i : tok.i])
                ]
            return unique([m for c in owners for m in self.expand(c)])
        if name in ("compound", "amod"):
            deps = ("compound", "nmod") if name == "compound" else ("amod",)
            mods = [c for c in tok.children if c.dep_ in deps and c.i < tok.i]
            if head is not None:  # "Acme CEO Jane Roe" parsed flat: Acme hangs on Roe
                mods += [c for c in head.children if c.dep_ in deps and c.i < tok.i]
            if tok.dep_ == "oprd":  # "named [Jane Roe chief executive]": the holder
                held = {h.i for h in holders(tok)}
                mods = [c for c in mods if c.i not in held]
            return unique([m for c in mods if (m := self.mention(c)) is not None])
        if name == "under":
            if tok.dep_ == "pobj" and tok.head.lower_ == "under":
                return self._clause_subjects(tok)  # "X is under investigation by Y"
            return []
        if name == "agent":
            # "a lawsuit brought by X", "a complaint filed by X": the participle's agent
            return unique(
                [
                    m
                    for c in tok.children
                    if c.dep_ == "acl" and c.tag_ == "VBN"
                    for a in c.children
                    if a.dep_ == "agent"
                    for p in a.children
                    if p.dep_ == "pobj"
                    for m in self.expand(p)
                ]
            )
        if name == "accused":
            # "the lawsuit accuses X of ...", "the complaint names X": whom it is against
            if tok.dep_ == "nsubj" and tok.head.lemma_.lower() in _ACCUSING:
                return self.objects(tok.head)
            return []
        if name == "appointer":
            verb = _appointing_verb(tok)
            return self.subjects(verb) if verb is not None else []
        if name in ("light", "recipient"):
            verb = _governing_verb(tok)
            if verb is None and head is not None:
                verb = _governing_verb(head)  # "X sued rival Y": the name is the object
            if verb is None:
                return []
            receives = (
                verb.lemma_.lower() in _RECEIVING
                and tok.lemma_.lower() not in _HELD
                and not any(c.dep_ == "prt" for c in verb.children)  # "take over" gives nothing
            )
            if (name == "recipient") != receives:
                return []
            return self.subjects(verb)
        return []

    def _clause_subjects(self, tok: Tok) -> list[Mention]:
        """The subject of the clause a word stands in ("X raised $6 million at a $60
        million valuation": X, for the valuation)."""
        t = tok
        for _ in range(6):
            if t.pos_ in ("VERB", "AUX") and t is not tok:
                break
            if t.head.i == t.i:
                break
            t = t.head
        if t.pos_ not in ("VERB", "AUX"):
            return []
        found = self.subjects(t)
        if not found:  # "X and Y are locked in a battle": the passive's subject
            found = [m for c in t.children if c.dep_ == "nsubjpass" for m in self.expand(c)]
        return found

    def _adjective_subjects(self, adj: Tok) -> list[Mention]:
        """'X is better than Y', 'X, cheaper than Y': what the comparison is about."""
        head = adj.head
        if adj.dep_ == "amod" and head.pos_ in ("NOUN", "PROPN"):
            return self.expand(head, possessor=False)  # "a cheaper rival than Y": the rival
        for verb in (head, head.head):  # "X is seen as better than Y"
            if verb.pos_ not in ("AUX", "VERB"):
                break
            subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
            if subjects:
                return unique([m for c in subjects for m in self.expand(c)])
        return []


def _coordinated(noun: Tok) -> list[Tok]:
    """The other nouns of a coordination the noun is in ("co-founder and CEO")."""
    group = [c for c in noun.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")]
    if noun.dep_ == "conj" and noun.head.pos_ in ("NOUN", "PROPN"):
        group.append(noun.head)
    return group


def _described(noun: Tok) -> Tok | None:
    """The name a noun stands in front of: "CEO" in "CEO Jane Roe", "rival" in "rival Kling"."""
    if noun.dep_ in _MODIFIER_DEPS and noun.head.i != noun.i and noun.head.i > noun.i:
        if noun.head.pos_ in ("PROPN", "NOUN"):
            return noun.head
    return None


def holders(noun: Tok) -> list[Tok]:
    """What a noun describes: "Y, the CEO", "CEO Y", "Y is the CEO", "Y served as CEO",
    "named Y CEO"; a noun in a list shares its head's ("co-founder and CEO")."""
    out: list[Tok] = []
    t = noun
    while (
        t.dep_ == "conj"
        and t.head.i != t.i
        and t.head.pos_ in ("NOUN", "PROPN")
        and t.head.ent_type_ != "PERSON"  # "Jane Roe and chief executive Li Wei": not Roe's
    ):
        t = t.head
    head = _described(t)
    if head is not None:
        out.append(head)
    elif t.dep_ == "appos" and not any(c.lower_ == "whose" for c in t.children):
        out.append(t.head)  # "Y, the CEO"; not "Acme, whose CEO ..."
    out += [c for c in t.children if c.dep_ == "appos"]
    verb = t.head
    if t.dep_ == "attr" and verb.pos_ in ("AUX", "VERB"):
        sharer = verb  # the verb whose subject this one shares
        while (
            sharer.dep_ == "conj"
            and sharer.head.pos_ in ("AUX", "VERB")
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in sharer.children)
        ):
            sharer = sharer.head  # "X served as chairman and remained its largest shareholder"
        out += [c for c in sharer.children if c.dep_ in ("nsubj", "nsubjpass")]
    elif t.dep_ == "nsubj" and verb.lemma_ == "be":  # "whose parent company is Y"
        out += [c for c in verb.children if c.dep_ == "attr"]
    elif t.dep_ == "nsubj" and verb.lemma_ in _LISTING:  # "its backers include A and B"
        out += [c for c in verb.children if c.dep_ == "dobj"]
    elif t.dep_ == "oprd":  # "named Y CEO"
        named = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        # the parser sometimes folds the person into the title: "named [Jane Roe chief
        # executive]", with the name a modifier of the title
        out += named or [
            c for c in t.children if c.dep_ in ("nmod", "compound") and c.pos_ == "PROPN"
        ]
    elif t.dep_ == "pobj" and verb.lower_ == "as" and verb.head.pos_ in ("VERB", "AUX"):
        clause = verb.head  # "served as CEO", "named Y as CEO", "Y was named as CEO"
        # (the parser sometimes makes the named person an "oprd")
        objs = [c for c in clause.children if c.dep_ in ("dobj", "nsubjpass", "oprd")]
        if clause.lemma_.lower() in _SUCCEEDING:
            # "X replaced Y as CEO", "Y was replaced as CEO by X": X holds the title now
            objs = [p for c in clause.children if c.dep_ == "agent" for p in c.children]
            objs = [p for p in objs if p.dep_ == "pobj"]
        if not objs:
            sharer = clause  # "X is expected to succeed Y as CEO": X, raised
            while (
                sharer.dep_ in ("xcomp", "conj")
                and sharer.head.pos_ in ("VERB", "AUX")
                and not any(c.dep_ in (*_SUBJECT_DEPS, "nsubjpass") for c in sharer.children)
            ):
                if sharer.dep_ == "xcomp" and sharer.head.lemma_.lower() in OBJECT_CONTROL:
                    # "Acme picked X to succeed Y as CEO": the one picked
                    chosen = [c for c in sharer.head.children if c.dep_ == "dobj"]
                    if chosen:
                        objs = chosen
                        break
                sharer = sharer.head
        if not objs:
            deps = _SUBJECT_DEPS if sharer is clause else (*_SUBJECT_DEPS, "nsubjpass")
            objs = [c for c in sharer.children if c.dep_ in deps]
        out += objs
    elif (
        t.dep_ == "pobj"
        and verb.lower_ == "to"
        and verb.head.pos_ in ("VERB", "AUX")
        and verb.head.lemma_.lower() in _PROMOTING
        and LEXICON.cue_class(t.lemma_) == "Person"  # a title, not "moved it to a platform"
    ):
        clause = verb.head  # "was promoted to chief operating officer", "rose to CEO"
        out += [c for c in clause.children if c.dep_ in ("dobj", "nsubjpass")] or [
            c for c in clause.children if c.dep_ in _SUBJECT_DEPS
        ]
    elif t.dep_ == "pobj" and verb.lower_ == "as" and verb.head.pos_ in ("PROPN", "NOUN"):
        out.append(verb.head)  # "names Leo Tran as chief executive"
    elif t.dep_ == "pobj" and verb.lower_ == "among" and verb.head.pos_ in ("AUX", "VERB"):
        # "A and B were among the investors": each of them; "X counts A among its
        # backers": the object
        objects = [c for c in verb.head.children if c.dep_ == "dobj"]
        if verb.head.lemma_ == "be" or not objects:
            objects = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        out += objects
    if not out and noun.i + 1 < len(noun.doc):
        # "Jane Roe and chief executive Li Wei said", parsed with the name apart from the
        # title: the person named right after it
        after = noun.doc[noun.i + 1]
        if after.pos_ == "PROPN" and after.ent_type_ == "PERSON":
            while after.dep_ == "compound" and after.head.i > after.i:
                after = after.head
            out.append(after)
    return out


#: verbs that list what their subject noun names ("its investors include A and B")
_LISTING = {"include", "comprise"}
#: verbs that give a title after "to" ("was promoted to CEO", "rose to chief executive")
_PROMOTING = {"promote", "elevate", "rise", "appoint", "name", "advance", "ascend"}
#: verbs whose subject takes a title from their object ("X replaced Y as CEO")
_SUCCEEDING = {"replace", "succeed", "follow", "supplant"}


def _appointing_verb(title: Tok) -> Tok | None:
    """'Acme named Jane Roe (as) CEO', 'Acme taps Roe as chief': the verb that gives the
    title, whose subject is the organisation."""
    t = title
    while t.dep_ == "conj" and t.head.i != t.i:
        t = t.head
    head = t.head
    if t.dep_ == "oprd" and head.lemma_.lower() in APPOINTING:
        return head
    if t.dep_ == "pobj" and head.lower_ == "as":
        verb = head.head if head.head.pos_ in _VERBS else head.head.head
        if verb.pos_ in _VERBS and verb.lemma_.lower() in APPOINTING:
            return verb
        if (
            verb.pos_ in _VERBS
            and verb.lemma_.lower() in _TAKING_OVER
            and verb.dep_ == "xcomp"
            and verb.head.lemma_.lower() in APPOINTING
        ):
            return verb.head  # "Acme picked Jane Roe to succeed Kai Lund as CEO": Acme's
    return None


#: verbs by which one takes another's post, "as" the title
_TAKING_OVER = _SUCCEEDING | {"lead", "run", "become", "serve"}


def _governing_verb(noun: Tok) -> Tok | None:
    """The verb a noun is the object of: "filed a lawsuit", "struck a deal"."""
    t = noun
    while t.dep_ == "conj" and t.head.i != t.i:
        t = t.head
    if t.dep_ in ("dobj", "nsubjpass") and t.head.pos_ in ("VERB", "AUX"):
        return t.head
    return None


def _determined(noun: Tok) -> bool:
    return any(c.dep_ == "det" and c.i < noun.i for c in noun.children)
