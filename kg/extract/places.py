"""Where an organisation is, from constructions with no trigger word of their own: a
nationality word or a place before its name ("Swedish streaming service Spotify", "the
Idaho grocery chain X"), a "-based" modifier, a possessive place ("Britain's Financial
Conduct Authority"), a place in apposition to another ("San Jose, California"), and a
place after "in" on the organisation a person works at or a descriptor names ("an
analyst at X in Seoul", "X, a smaller studio in Gdansk").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.frames import Tok
from kg.extract.names import is_public_body
from kg.lexicon import LEXICON
from kg.model import Mention

if TYPE_CHECKING:
    from kg.extract.relations import SentenceReader

__all__ = ["location"]


def location(r: SentenceReader, tok: Tok) -> None:
    """'Swedish streaming service Spotify', 'the Delaware-based firm', 'San Jose,
    California': where it is."""
    place: Mention | None = None
    also: list[Mention] = []
    country = LEXICON.demonyms.get(tok.text)
    if country is None and tok.dep_ in ("compound", "nmod") and tok.text in LEXICON.place_names:
        head = tok.head  # "the Idaho grocery chain Albertsons": a typing noun among the
        while head.dep_ == "compound" and head.head.i > head.i:  # words up to the head
            head = head.head
        words = tok.doc[tok.i + 1 : head.i + 1]
        if any(LEXICON.cue_class(w.lemma_) == "Organization" for w in words):
            country = tok.text  # "the Idaho grocery chain"
    if country and tok.dep_ in ("amod", "compound", "nmod") and tok.pos_ in ("ADJ", "PROPN"):
        place = Mention(
            r.sentence.doc_id,
            r.offset + tok.idx,
            r.offset + tok.idx + len(tok.text),
            tok.text,
            "Place",
            country,
            source="cue",
            type_weight=2.0,
        )
    elif tok.lower_ == "based" and tok.dep_ in ("amod", "acl"):
        named = [
            (c, m)
            for c in tok.children
            if c.dep_ in ("npadvmod", "compound")
            and (m := r.mention(c)) is not None
            and m.label == "Place"
        ]
        place = named[0][1] if named else None
        if named:  # "the Boise, Idaho-based company": in Boise too
            also = r.place_before(*named[0])
    elif tok.dep_ == "poss" and tok.head.pos_ in ("NOUN", "PROPN"):
        owner = r.mention(tok)  # "Britain's Financial Conduct Authority",
        if owner is not None and owner.label == "Place":  # "Gabon's largest bank"
            head_cls = LEXICON.cue_class(tok.head.lemma_)
            thing = r.mention(tok.head)
            after = tok.i + 2 < len(tok.doc) and tok.doc[tok.i + 1].text in ("'s", "’s")
            first = r.mention_at(r.offset + tok.doc[tok.i + 2].idx) if after else None
            if first is not None and thing is not None and first.name != thing.name:
                # "France's Deezer and YouTube Music", parsed with France's on the last
                # name: the name right after the possessive is the one placed
                if first.label != "Place" and r.fits("locatedIn", first, owner):
                    r.emit(first, "locatedIn", owner, tok, "locatedIn.modifier", 0.6)
                return
            if head_cls == "Organization" or (thing is not None and thing.label != "Place"):
                place = owner
    elif tok.dep_ in ("appos", "npadvmod", "conj") and tok.head.i < tok.i:
        inner, outer = r.mention_at(r.offset + tok.head.idx), r.mention(tok)
        if (
            inner is not None
            and outer is not None
            and inner.label == outer.label == "Place"
            and tok.i == tok.head.i + 2
            and tok.doc[tok.head.i + 1].text == ","
            and tok.dep_ != "conj"
        ):
            r.emit(inner, "locatedIn", outer, tok, "locatedIn.apposition", 0.6)
        return
    if place is None:
        return
    # The organisation is the noun modified, or the name that noun stands before.
    head = tok.head
    phrase = head  # "the Stockholm-based music streaming service": the phrase's head noun
    while phrase.dep_ in ("compound", "amod") and phrase.head.i > phrase.i:
        phrase = phrase.head
    candidates = [head, head.head if head.dep_ in ("compound", "appos") else None, phrase]
    seen: set[int] = set()
    for candidate in candidates:
        if candidate is None or candidate.i in seen:
            continue
        seen.add(candidate.i)
        own = r.mention(candidate)  # the name itself, not the names in apposition to it
        # not the possessor of what is placed: "its Swedish mobile business" is in Sweden,
        # the company need not be
        ms = [own] if own is not None else r.expand(candidate, possessor=False)
        at = r.offset + tok.idx
        orgs = [
            m
            for m in ms
            if r.fits("locatedIn", m, place)
            and not _placed(r, tok, m)
            and not m.start <= at < m.end  # "West Virginia University": part of its name
        ]
        for org in orgs:  # "U.S. giants like A, B and C": each of them
            for where in also or [place]:  # the city, not its state as well
                r.emit(org, "locatedIn", where, tok, "locatedIn.modifier", 0.6)
        if orgs:
            return


def _placed(r: SentenceReader, tok: Tok, m: Mention) -> bool:
    """'British lenders such as A, as well as Germany's B': B has a place of its own."""
    span = tok.doc.char_span(m.start - r.offset, m.end - r.offset)
    if span is None:
        return False
    return any(
        c.dep_ == "poss" and c.i != tok.i and (p := r.mention(c)) is not None and p.label == "Place"
        for c in span.root.children
    )


def located_in(r: SentenceReader, tok: Tok) -> None:
    """'an analyst at Hanyang Securities in Seoul', 'the General Court in Luxembourg',
    'Sowa Interactive, a smaller studio in Gdansk': a place after "in" on the name of
    where a person works, of a public body, or on a typing noun in apposition to a name,
    is where that organisation is (not "the largest bank in Africa": a superlative
    ranks, it does not place)."""
    if tok.lower_ != "in" or tok.dep_ != "prep":
        return
    places = [  # the place itself, not a place before a noun ("in a Seoul court")
        m
        for c in tok.children
        if c.dep_ == "pobj" and (m := r.mention(c)) is not None and m.label == "Place"
    ]
    head = tok.head
    if not places or any(c.tag_ == "JJS" or c.lower_ in ("most", "only") for c in head.children):
        return
    org = r.mention(head)
    if org is not None and org.source != "coref":
        if org.label != "Organization" or not (
            (head.dep_ == "pobj" and head.head.lower_ == "at") or is_public_body(org)
        ):
            return
    elif (
        head.pos_ == "NOUN"
        and head.dep_ == "appos"
        and LEXICON.cue_class(head.lemma_) == "Organization"
    ):
        org = r.mention(head.head)
        if org is None or org.label != "Organization":
            return
    else:
        return
    for place in places[:1]:  # "in Paris and London": its first office
        if place.name != org.name and r.fits("locatedIn", org, place):
            r.emit(org, "locatedIn", place, tok, "locatedIn.in", 0.5, fixed="asserted")
