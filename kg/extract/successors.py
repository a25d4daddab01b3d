"""What replaces a product, read from where its users are sent.

A story about a product that is shut down says where its users go rather than that
one product replaces the other: "Halvex will shut down Jotter and move its users to
Notely", "customers still using Sentry Classic will be migrated to Sentry Cloud",
"Driftnote's users will be able to export their notes to Inkwell". The product the
users leave is replaced by the one they are sent to (``replacedBy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.frames import Tok, unique
from kg.model import Mention

if TYPE_CHECKING:
    from kg.extract.relations import SentenceReader

__all__ = ["users_sent_on"]

#: verbs that send users, or what they keep, from one product to another
_SENDING = frozenset({
    "move", "migrate", "transition", "shift", "switch", "direct", "redirect", "steer",
    "transfer", "port", "export", "import", "carry", "bring", "point", "send", "upgrade",
})  # fmt: skip
#: who or what is sent: a product's users and what they keep in it
_USERS = frozenset({
    "user", "customer", "subscriber", "member", "client", "listener", "player", "account",
    "reader", "viewer", "fan", "shopper", "owner", "note", "file", "data", "playlist",
    "library", "subscription", "podcast", "photo", "content", "purchase",
})  # fmt: skip
_PRODUCTS = ("Product", "AIModel")
#: how a name typed by the tagger alone was found: it may be a product after all
_WEAK = ("ner", "propn")


def users_sent_on(r: SentenceReader) -> None:
    """Emit ``X replacedBy Y`` for each verb of the sentence that sends the users of X
    (named with them, or the product the sentence shuts down) to Y."""
    for verb in r.tokens:
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in _SENDING:
            continue
        targets = [
            m
            for p in verb.children
            if p.dep_ == "prep" and p.lower_ in ("to", "into", "onto")
            for o in p.children
            if o.dep_ == "pobj"
            for m in r.expand(o, possessor=False)  # "its Atlas One platform": not "its"
            if m.label in _PRODUCTS or (m.label == "Organization" and m.source in _WEAK)
        ]
        if not targets:
            continue
        sent = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass") and _users(c)]
        sent += [s for s in _subjects_above(verb) if _users(s)]
        if not sent:
            continue
        olds = unique([m for noun in sent for m in _whose(r, noun)])
        if not olds:  # "shut down Jotter and move its users to Notely"
            olds = unique(
                [
                    x.object
                    for x in r.out[r.sentence_start :]
                    if x.predicate == "discontinued"
                    and isinstance(x.object, Mention)
                    and _product(r, x.object)
                ]
            )
        for old in olds:
            # where the users of a product go is another product, whatever the tagger
            # took its name for ("move customers to Desk Cloud")
            for new in (
                targets if old.label in _PRODUCTS else [t for t in targets if _product(r, t)]
            ):
                if old.name != new.name:
                    r.emit(old, "replacedBy", new, verb, "replacedBy.users-sent", 0.6)


def _product(r: SentenceReader, m: Mention) -> bool:
    """A product or model, or a name weakly typed that may be one."""
    return m.label in _PRODUCTS or r.fits("replacedBy", m, m)


def _users(noun: Tok) -> bool:
    return noun.pos_ == "NOUN" and noun.lemma_.lower() in _USERS


def _subjects_above(verb: Tok) -> list[Tok]:
    """The subjects of the verb and of the words it hangs on, up to its clause ("X's users
    will be able to export ...": the users)."""
    out: list[Tok] = []
    t = verb
    for _ in range(3):
        out += [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
        if out or t.dep_ not in ("xcomp", "acomp", "advcl") or t.head.i == t.i:
            break
        t = t.head
    return out


def _whose(r: SentenceReader, noun: Tok) -> list[Mention]:
    """The products a users noun names as theirs: "Driftnote's users", "Jotter users",
    "users of Jotter", "customers still using Sentry Classic"."""
    found: list[Mention] = []
    for c in noun.children:
        if c.dep_ in ("poss", "compound"):
            m = r.mention(c)
            if m is not None and _product(r, m):
                found.append(m)
        elif c.dep_ == "prep" and c.lower_ == "of":
            found += [m for m in r.pobjs(c) if _product(r, m)]
        elif c.dep_ in ("acl", "relcl") and c.lemma_.lower() in ("use", "have", "subscribe"):
            for o in c.children:
                if o.dep_ == "dobj":
                    found += [m for m in r.expand(o) if _product(r, m)]
                elif o.dep_ == "prep":
                    found += [m for m in r.pobjs(o) if _product(r, m)]
    return found
