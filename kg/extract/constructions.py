"""Constructions with no trigger word of their own, read for each token of a sentence:
a possessive between two names ("Acme's Pixie", read by the classes of the two), a new
product introduced by name ("a new model, code-named Spud"), the investors of a
funding round, and the open relation of a verb that relates two entities with words no
property means. Places are read in kg/extract/places.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.extract.frames import Tok, is_passive, unique
from kg.extract.names import is_public_body
from kg.extract.triggers import PREPOSITIONS
from kg.lexicon import LEXICON
from kg.model import Mention

if TYPE_CHECKING:
    from kg.extract.relations import SentenceReader

__all__ = ["RIVAL_NOUNS", "introductions", "investors", "is_round_noun", "joint_work",
           "made_from", "names_in_row", "open_relation", "possessive", "rival_pair",
           "share", "signature"]  # fmt: skip

_WEAK_SOURCES = {"ner", "propn"}
_PRODUCTS = ("Product", "AIModel")
_NAMING_WORDS = {
    "codenamed", "code-named", "code", "-", "named", "called", "dubbed", "known", "as",
    '"', "'", "“", "”", "‘", "’", ",",
}  # fmt: skip
_FUNDING_WORDS = {"round", "funding", "financing", "investor", "backer", "money", "raise"}
_NEW_WORDS = {"new", "newest", "latest", "next", "upcoming", "forthcoming", "next-generation"}


def open_relation(r: SentenceReader, verb: Tok) -> None:
    """A verb relating two entities with words no property means: ``relatedTo``."""
    lemma = verb.lemma_.lower()
    if lemma in r.triggers.ignored or not verb.is_alpha:
        return
    subs = [m for m in r.subjects(verb) if m.label not in ("Place", "Deal")]
    if not subs:
        return
    targets: list[tuple[str, list[Mention]]] = [(lemma, r.objects(verb))]
    particle = " ".join(c.lower_ for c in verb.children if c.dep_ == "prt")
    base = f"{lemma} {particle}".strip()
    targets[0] = (base, targets[0][1])
    for c in verb.children:
        if (
            c.dep_ == "prep"
            and c.lower_ in PREPOSITIONS
            and c.lower_
            not in (
                "in",
                "on",
                "at",
                "for",
                "by",
                "since",
                "during",
                "like",
                "unlike",
                "despite",
                "as",
                "than",
                "after",
                "before",
                "amid",
                "including",
            )
        ):
            targets.append((f"{base} {c.lower_}", r.pobjs(c)))
    # a pair the sentence already relates by a property needs no open relation as well
    # ("aims to complete the Catalent merger": the merger says it)
    related = {
        frozenset((x.subject.name, x.object.name))
        for x in r.out[r.sentence_start :]
        if x.predicate != "relatedTo" and isinstance(x.object, Mention)
    }
    for text, objs in targets:
        for s in subs:
            for o in objs:
                if o.label in ("Place", "Deal") or not r.fits("relatedTo", s, o):
                    continue
                if frozenset((s.name, o.name)) in related:
                    continue
                r.emit(
                    s,
                    "relatedTo",
                    o,
                    verb,
                    f"relatedTo.verb.{text.replace(' ', '-')}",
                    0.3,
                    text=text,
                )


#: nouns that, between two names, say the two compete ("Orvane's rival Veltra")
RIVAL_NOUNS = frozenset({"rival", "competitor", "archrival", "arch-rival", "challenger"})


def rival_pair(r: SentenceReader, tok: Tok) -> None:
    """'Orvane's rival Veltra', 'Halvex rival Brightcart': a rival noun between two names,
    read from the words themselves (the parser often makes the noun an adjective)."""
    if tok.lower_ not in RIVAL_NOUNS or tok.i + 1 >= len(tok.doc) or tok.i < 1:
        return
    after = r.mention_at(r.offset + tok.doc[tok.i + 1].idx)
    left = tok.doc[tok.i - 1]
    if left.text in ("'s", "’s", "'", "’") and tok.i >= 2:
        left = tok.doc[tok.i - 2]
    before = r.mention_at(r.offset + left.idx)
    if before is None or after is None or before.name == after.name:
        return
    if before.end != r.offset + left.idx + len(left.text):
        return  # the name must end just before the noun
    if {before.label, after.label} <= {"Organization", "Product", "AIModel"}:
        r.emit(after, "competesWith", before, tok, "competesWith.rival-pair", 0.6)


#: verbs of making something, which companies named together do as partners when they
#: agree or plan to, or do it jointly ("A, B and C agreed to develop a platform")
JOINT_WORK = frozenset(
    {
        "develop",
        "build",
        "create",
        "design",
        "make",
        "produce",
        "work",
        "launch",
        "test",
        "deploy",
        "research",
        "manufacture",
        "offer",
    }
)
_TOGETHER = frozenset({"jointly", "together"})
_INTENT = frozenset({"agree", "plan", "aim", "team", "join", "partner", "collaborate", "pledge"})


def joint_work(r: SentenceReader, tok: Tok) -> None:
    """'A and B agreed to develop X', 'A will jointly build X with B': companies
    named together as the ones who make something are partners."""
    if tok.pos_ != "VERB" or tok.lemma_.lower() not in JOINT_WORK:
        return
    together = any(c.lower_ in _TOGETHER for c in tok.children)
    intent = tok.dep_ == "xcomp" and tok.head.lemma_.lower() in _INTENT
    if not (together or intent):
        return
    subjects = [m for m in r.role(tok, "subj") if m.label == "Organization"]
    for t in (tok, *(c for c in tok.children if c.dep_ == "dobj")):  # "build a plant with B"
        subjects += [m for m in r.role(t, "prep:with") if m.label == "Organization"]
    subjects = [m for m in subjects if not is_public_body(m)]
    for i, a in enumerate(subjects):
        for b in subjects[i + 1 :]:
            if a.name != b.name:
                r.emit(a, "partnersWith", b, tok, "partnersWith.joint-work", 0.6)


def possessive(r: SentenceReader, tok: Tok) -> None:
    """'Acme's Pixie': between two names, the possessive's meaning comes from their classes."""
    if tok.dep_ != "poss":
        return
    if any(
        t.lemma_.lower() in LEXICON.relational or t.lower_ in RIVAL_NOUNS
        for t in tok.doc[tok.i + 1 : tok.head.i]
    ):
        return  # "Koval's larger Warsaw rival CD Projekt": another company than the owner's
    owner = r.mention_at(r.offset + tok.idx)
    thing = r.mention_at(r.offset + tok.head.idx)
    if thing is None and tok.head.pos_ == "NOUN":
        # "Orvane's ZapSense advertising business": the name the possessed noun is named by
        named = unique(
            [
                m
                for c in tok.doc[tok.i + 1 : tok.head.i]
                if c.dep_ == "compound" and c.head.i <= tok.head.i
                if (m := r.mention_at(r.offset + c.idx)) is not None and m.source != "coref"
            ]
        )
        thing = named[0] if len(named) == 1 else None
    pronoun = owner is None and tok.lower_ in ("its", "their")
    if pronoun:
        owner = r.mention(tok)  # "move customers to its Atlas One platform": the company's
    if owner is None or thing is None or owner.name == thing.name:
        return
    thing_class = thing.label
    if thing_class == "Organization" and thing.source in _WEAK_SOURCES:
        thing_class = "Product"  # "Microsoft's OneNote": a company's name is mostly a product
    if pronoun and (
        thing_class not in _PRODUCTS
        or owner.label != "Organization"
        or (thing.start != r.offset + tok.head.idx and not _names_product(tok.head))
    ):
        return  # "its unit X", "its Gulf customers": a pronoun's company makes its products
    prop = r.triggers.possessive.get((thing_class, owner.label))
    if prop == "developer":
        r.emit(thing, prop, owner, tok, f"{prop}.possessive", 0.6)
    elif prop is not None:
        r.emit(owner, prop, thing, tok, f"{prop}.possessive", 0.6)


def _names_product(noun: Tok) -> bool:
    """Whether the noun is one that names a product or model ("its Atlas One platform")."""
    return LEXICON.cue_class(noun.lower_) in _PRODUCTS


def made_from(r: SentenceReader, tok: Tok) -> None:
    """'the Zephyr 5 from Orvane', 'the Vela and Lyra from the Orvane brand': a product
    'from' a company, the preposition on the product's own name, is that company's."""
    if tok.dep_ != "prep" or tok.lower_ != "from" or tok.head.pos_ not in ("PROPN", "NOUN"):
        return
    # "from the Orvane brand": the name compounded on the company's noun, else the object
    named = [
        r.mention(c)
        for p in tok.children
        if p.dep_ == "pobj" and p.pos_ == "NOUN"
        for c in p.children
        if c.dep_ == "compound"
    ]
    makers = [m for m in named if m is not None and m.label == "Organization"]
    makers = makers or [m for m in r.pobjs(tok) if m.label == "Organization"]
    if len(makers) != 1:
        return
    head = tok.head
    things = [head]
    while head.dep_ == "conj" and head.head.pos_ in ("PROPN", "NOUN"):
        head = head.head  # "the Vela and Lyra from X": the whole list is from X
        things.append(head)
    things += [c for t in list(things) for c in t.children if c.dep_ == "conj" and c not in things]
    for t in things:
        own = any(c.dep_ == "prep" and c.lower_ == "from" for c in t.children)
        if t.i != tok.head.i and own:
            continue  # a conjunct "from" a company of its own
        m = r.mention(t)
        if m is not None and m.label in _PRODUCTS and m.source != "coref":
            r.emit(m, "developer", makers[0], tok, "developer.from", 0.5)


def introductions(r: SentenceReader) -> None:
    """'a new AI model, code-named Spud': the cue noun stands for the name, and a new
    product is its maker's: the possessor, the organisation the clause is about, or
    the one the article is about when the sentence names no other."""
    for tok in r.tokens:
        if tok.pos_ != "NOUN" or LEXICON.cue_class(tok.lemma_) not in _PRODUCTS:
            continue
        named: Mention | None = None
        for nxt in tok.doc[tok.i + 1 : min(tok.i + 7, r.sent.end)]:
            m = r.mention_at(r.offset + nxt.idx)
            if m is not None:
                named = m if m.label in _PRODUCTS else None
                break
            if not (nxt.is_punct or nxt.lower_ in _NAMING_WORDS):
                break
        if named is None or not any(
            t.lower_ in _NAMING_WORDS for t in tok.doc[tok.i + 1 : tok.i + 4]
        ):
            continue
        r._introduced[tok.i] = named
        if not any(c.dep_ == "amod" and c.lower_ in _NEW_WORDS for c in tok.children):
            continue
        maker: Mention | None = None
        confidence = 0.5
        owners = [c for c in tok.children if c.dep_ == "poss"]
        if owners:
            maker = r.mention(owners[0])
        if maker is None:
            maker = clause_subject(r, tok)
        if maker is None:
            maker, confidence = r._article_organization(tok), 0.4
        if maker is not None and maker.label == "Organization":
            r.emit(named, "developer", maker, tok, "developer.introduction", confidence)


def fundraiser(r: SentenceReader) -> Mention | None:
    """The organisation raising money: the last one said to raise it, else the
    organisation the article is about."""
    for rel in reversed(r.out):
        if rel.predicate == "fundingAmount" and rel.subject.label == "Organization":
            return rel.subject
    return r.main_organization()


#: nouns that name a funding round
_ROUND_WORDS = frozenset({"round", "funding", "financing", "series", "seed", "raise"})


def investors(r: SentenceReader, tok: Tok) -> None:
    """Investors in a funding round: "the round included A, B and C", "A led the
    round", "investors such as A and B", "A-backed Acme"."""
    investors: list[Mention] = []
    target: list[Mention] = []
    lemma = tok.lemma_.lower()
    if tok.lower_.startswith("co-le"):
        lemma = "co-lead"  # "co-led": the lemmatiser's "co-le"
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
            # "the round included A, B and C", "... participation from A and B";
            # "X, whose investors include A and B": X's
            target = _owning(r, tok, "nsubj", whole=False)
            investors = unique(
                [
                    m
                    for c in tok.children
                    if c.dep_ == "dobj"
                    for t in c.subtree
                    if (m := r.mention_at(r.offset + t.idx)) is not None
                ]
            )
        elif lemma != "include" and object_words & {"round", "funding", "financing"}:
            investors = r.subjects(tok)
            target = [  # "A leads $50 million round in X": X raised it
                m
                for c in tok.children
                if c.dep_ == "dobj"
                for p in c.children
                if p.dep_ == "prep" and p.lower_ in ("in", "for", "into")
                for m in r.pobjs(p)
                if m.label == "Organization"
            ]
        elif lemma != "include" and subject_words & _ROUND_WORDS and is_passive(tok):
            # "Mawimbi's Series B was led by A": A backed the round's owner
            investors = r.subjects(tok)
            target = _owning(r, tok, "nsubjpass", whole=True)
        elif is_round_participle(tok):  # "X raised $N in a round led by A"
            investors = r.subjects(tok)
            target = [  # "Lumo, the payments app, raised $N in a round led by A": the
                # company the app is named after (resolution settles its class)
                m
                for m in r.role(tok.head, "clause")
                if m.label == "Organization" or (m.label in _PRODUCTS and m.kb_id is None)
            ]
    elif (
        tok.pos_ == "NOUN"
        and lemma == "participation"
        and any(t.lemma_.lower() in _ROUND_WORDS for t in tok.sent)
    ):
        # "raised $12 million in a round led by A, with participation from B and C"
        investors = [
            m for c in tok.children if c.dep_ == "prep" and c.lower_ == "from" for m in r.pobjs(c)
        ]
        verb = tok.head.head if tok.dep_ == "pobj" else tok.head
        if verb.pos_ == "VERB" and verb.lemma_.lower() == "raise":
            target = [m for m in r.subjects(verb) if m.label == "Organization"]
    elif tok.pos_ == "NOUN" and lemma in ("investor", "backer", "shareholder"):
        investors = [
            m
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ in ("like", "as", "including")
            for m in r.pobjs(c)
        ]
        # "new backers that included A and B"
        for c in tok.children:
            if c.dep_ == "relcl" and c.lemma_.lower() in ("include", "comprise"):
                investors += [m for o in c.children if o.dep_ == "dobj" for m in r.expand(o)]
        if not investors and tok.tag_ == "NNS":
            investors = _listed_after(r, tok)  # "existing investors A, B and C took part"
    elif tok.lower_ == "backed" and tok.i > 1 and tok.nbor(-1).text in "-–":
        named = r.mention(tok.doc[tok.i - 2])  # "Microsoft-backed Mistral AI"
        investors = [named] if named is not None else []
        target = [
            m for m in r.expand(tok.head) if investors and r.fits("investedIn", investors[0], m)
        ]
        if not target:
            return
    if not investors:
        return
    if not target:
        raiser = fundraiser(r)
        target = [raiser] if raiser is not None else []
    for inv in investors:
        if inv.label not in ("Organization", "Person"):
            continue
        for t in target:
            r.emit(inv, "investedIn", t, tok, "investedIn.round", 0.6)


def _owning(r: SentenceReader, verb: Tok, dep: str, *, whole: bool) -> list[Mention]:
    """The organisations whose the verb's ``dep`` is ("X's investors", "X's Series B"):
    its possessors, or with ``whole`` any possessor inside it."""
    return [
        m
        for c in verb.children
        if c.dep_ == dep
        for p in (c.subtree if whole else c.children)
        if p.dep_ == "poss"
        for m in r.expand(p)
        if m.label == "Organization"
    ]


#: verbs whose subject holds the share of a company they take as object
_HOLDING = {"own", "hold", "control", "have", "keep", "retain"}
_TAKING = {"buy", "acquire", "purchase", "take"}


def share(r: SentenceReader, tok: Tok) -> None:
    """'X owns about 40% of Y', 'X bought 60 percent of Y': a minority share is an
    investment; a majority held is ownership, a majority taken a purchase."""
    if tok.lower_ not in ("%", "percent", "cent") or tok.dep_ != "dobj":
        return
    verb = tok.head
    lemma = verb.lemma_.lower()
    if lemma not in _HOLDING | _TAKING:
        return
    figures = [c for c in tok.children if c.dep_ == "nummod" and c.like_num]
    try:
        pct = float(figures[0].text.replace(",", "")) if figures else None
    except ValueError:
        pct = None
    if pct is None or not 0 < pct <= 100:
        return
    prop = "investedIn" if pct < 50 else "owns" if lemma in _HOLDING else "acquired"
    held = [m for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for m in r.pobjs(c)]
    for holder in r.subjects(verb):
        for company in held:
            if r.fits(prop, holder, company):
                r.emit(holder, prop, company, tok, f"{prop}.share", 0.6)


def _listed_after(r: SentenceReader, tok: Tok) -> list[Mention]:
    """The names a plural noun introduces when they follow it at once ("investors A, B
    and C"), however the parser has hung them."""
    if tok.i + 1 >= len(tok.doc):
        return []
    first = r.mention_at(r.offset + tok.doc[tok.i + 1].idx)
    if first is None or first.source == "coref":
        return []
    t = tok.doc[tok.i + 1]
    while t.head.i != t.i and r.mention_at(r.offset + t.head.idx) is first:
        t = t.head
    return r.expand(t)


def names_in_row(r: SentenceReader, tok: Tok) -> list[Mention]:
    """The names listed right after ``tok``, read from the words alone ("rivals A, B and
    C"), for where the parse splits the list (``_listed_after`` follows the parse)."""
    found: list[Mention] = []
    doc, i = tok.doc, tok.i + 1
    while i < len(doc):
        m = r.mention_at(r.offset + doc[i].idx)
        if m is None or m.source == "coref":
            break
        found.append(m)
        while i < len(doc) and r.offset + doc[i].idx < m.end:
            i += 1
        seps = 0
        while i < len(doc) and doc[i].lower_ in (",", "and", "or") and seps < 2:
            i, seps = i + 1, seps + 1
        if not seps:
            break
    return unique(found)


def clause_subject(r: SentenceReader, tok: Tok) -> Mention | None:
    t = tok
    for _ in range(6):
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                ms = r.expand(c)
                if ms and ms[0].label == "Organization":
                    return ms[0]
        if t.head.i == t.i:
            break
        t = t.head
    return None


def is_round_participle(tok: Tok) -> bool:
    """'a $6 billion round led by A', 'a Series B co-led by A': the participle of a
    funding noun."""
    return tok.dep_ == "acl" and is_round_noun(tok.head)


def is_round_noun(tok: Tok) -> bool:
    """'round', 'funding', 'financing', or a lettered round: 'Series B'."""
    if tok.lemma_.lower() in ("round", "funding", "financing", "raise", "tranche"):
        return True
    return bool(_SERIES.fullmatch(tok.text)) and any(
        c.lower_ == "series" for c in tok.children if c.dep_ == "compound"
    )


_SERIES = re.compile(r"[A-H]\d?\+?")


#: properties a title gives its holder at an organisation
_TITLE_PROPERTIES = ("ceoOf", "leaderOf", "worksFor", "founderOf")


def signature(r: SentenceReader, tok: Tok) -> None:
    """'..., said Jane Roe, chair and CEO, Acme.': a person, their titles and their
    organisation in a row, set off by commas at the end of the sentence, as a statement
    is signed (read from the words: the parser makes the titles a list with the name)."""
    person = r.mention_at(r.offset + tok.idx)
    doc = tok.doc
    if person is None or person.label != "Person" or person.source == "coref":
        return
    if r.offset + tok.idx + len(tok.text) != person.end:
        return  # the name's last word
    i = tok.i + 1
    if i >= len(doc) or doc[i].text != ",":
        return
    words: list[str] = []
    i += 1
    while i < len(doc) and doc[i].text != "," and len(words) < 8:
        words.append(doc[i].lower_)
        i += 1
    if not words or i + 1 >= len(doc):
        return
    org = r.mention_at(r.offset + doc[i + 1].idx)
    if org is None or org.label != "Organization" or org.source == "coref":
        return
    after = next((t for t in doc[i + 1 :] if r.offset + t.idx >= org.end), None)
    if after is not None and not (after.is_punct and after.text != "-"):
        return  # the organisation ends the sentence or the clause
    parts: list[tuple[str, ...]] = [()]
    for w in words:
        if w in ("and", "&"):
            parts.append(())
        else:
            parts[-1] = (*parts[-1], w)
    found = [
        t
        for part in parts
        if part
        for t in r.triggers.nouns.get(part[-1], ())
        if t.phrase == part and t.property in _TITLE_PROPERTIES
    ]
    if len(found) < len([p for p in parts if p]):
        return  # every part a title
    for prop in dict.fromkeys(t.property for t in found):
        if r.fits(prop, person, org):
            r.emit(person, prop, org, doc[tok.i + 2], f"{prop}.signature", 0.6)
