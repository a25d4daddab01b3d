"""Deals: a deal noun, its parties, its value and whether it was called off."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.model import Mention

if TYPE_CHECKING:
    from kg.extract.relations import SentenceReader

__all__ = ["called_off", "read_deal"]

_PARTY_CLASSES = ("Organization", "Person")


def read_deal(r: SentenceReader, tok: Any) -> None:
    """Emit party, dealValue and dealStatus facts for a deal noun at ``tok``."""
    rule = r.rules.deal
    if tok.pos_ not in ("NOUN", "PROPN") or tok.lemma_.lower() not in rule.nouns:
        return
    parties: list[Mention] = []
    for c in tok.children:
        if c.dep_ in ("compound", "amod", "poss", "nmod"):
            m = r.mention(c)
            if m is not None and m.label in _PARTY_CLASSES:
                parties.append(m)
        elif c.dep_ == "prep" and c.lower_ in rule.party_preps:
            parties.extend(r.pobjs(c))
        elif c.dep_ == "relcl":
            parties.extend(r.subjects(c))
            parties.extend(
                m
                for p in c.children
                if p.dep_ == "prep" and p.lower_ in rule.party_preps
                for m in r.pobjs(p)
            )
    verb = _governing_verb(tok)
    if verb is not None and verb.lemma_.lower() in rule.party_verbs:
        parties.extend(r.subjects(verb))
        parties.extend(
            m
            for p in verb.children
            if p.dep_ == "prep" and p.lower_ in rule.party_preps
            for m in r.pobjs(p)
        )
    parties = [p for p in _dedupe(parties) if p.label in _PARTY_CLASSES]

    deal: Mention | None
    valued = any(
        q.kind == "money" and (root.head.i == tok.i or root.i in {t.i for t in tok.subtree})
        for root, q in r.quantity_spans()
    )
    if len(parties) >= 2 or (parties and valued):
        deal = Mention(
            doc_id=r.sentence.doc_id,
            start=r.offset + tok.idx,
            end=r.offset + tok.idx + len(tok.text),
            text=tok.text,
            label="Deal",
            name=tok.lemma_.lower(),
            source="frame",
        )
        r.register_deal(deal)
    elif any(
        c.lower_ in ("the", "this", "that") for c in tok.children if c.dep_ in ("det", "poss")
    ):
        deal = r.last_deal()
    else:
        deal = None
    if deal is None:
        return
    for p in parties:
        r.emit(deal, "party", p, tok, "party.deal", 0.7)
    # Value: a money amount inside the deal phrase, or committed to it.
    for root, q in r.quantity_spans():
        if q.kind != "money":
            continue
        inside = root.head.i == tok.i or root.i in {t.i for t in tok.subtree if t.i < tok.i}
        committed = verb is not None and root.head.i == verb.i and root.dep_ == "dobj"
        if inside or committed:
            r.emit(deal, "dealValue", q, tok, "dealValue.quantity", 0.7)
            break
    if _cancelled(tok, r):
        r.emit(deal, "dealStatus", "Cancelled", tok, "dealStatus.cancelled", 0.7)
    elif _in_force(tok, rule.active_adjectives):
        r.emit(deal, "dealStatus", "Active", tok, "dealStatus.active", 0.6)


def _in_force(tok: Any, adjectives: frozenset[str]) -> bool:
    """'an existing partnership', 'existing partnerships, including a deal with X'."""
    t = tok
    for _ in range(3):
        if any(c.dep_ == "amod" and c.lower_ in adjectives for c in t.children):
            return True
        if t.dep_ not in ("pobj", "prep", "appos", "conj") or t.head.i == t.i:
            return False
        t = t.head
    return False


def _governing_verb(tok: Any) -> Any | None:
    t = tok
    for _ in range(3):
        if t.dep_ in ("dobj", "nsubjpass", "pobj", "nsubj") and t.head.i != t.i:
            t = t.head
            if t.pos_ in ("VERB", "AUX"):
                return t
            if t.dep_ != "prep":
                return None
        else:
            return None
    return None


#: verbs whose infinitive is only tried ("sued to block the deal"), not done
_ATTEMPTS = frozenset({"sue", "seek", "try", "attempt", "move", "aim", "push", "threaten",
                       "vow", "want", "hope", "fight", "lobby", "campaign", "file"})  # fmt: skip


def called_off(tok: Any, r: SentenceReader) -> bool:
    """Whether the deal word at ``tok``, or the deal noun a verb there hangs on ("its
    deal to buy X"), was called off: what it states did not happen."""
    if tok.pos_ in ("NOUN", "PROPN"):
        return _cancelled(tok, r)
    head = tok.head
    nouns = r.rules.deal.nouns
    if tok.dep_ in ("acl", "relcl"):
        return head.lemma_.lower() in nouns and _cancelled(head, r)
    if tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        # "abandoned its deal to buy X", parsed with the infinitive on the verb
        return any(
            c.dep_ == "dobj" and c.lemma_.lower() in nouns and _cancelled(c, r)
            for c in head.children
        )
    return False


def _cancelled(tok: Any, r: SentenceReader) -> bool:
    rule = r.rules.deal
    t = tok
    for _ in range(3):
        head = t.head
        if head.i == t.i:
            return False
        low = head.lemma_.lower()
        if (
            head.pos_ in ("NOUN",)
            and low in rule.cancel_nouns
            and t.dep_ == "pobj"
            or (
                t.dep_ == "pobj"
                and head.dep_ == "prep"
                and head.head.lemma_.lower() in rule.cancel_nouns
            )
        ):
            return True
        if head.pos_ in ("VERB", "AUX") and t.dep_ in ("nsubj", "nsubjpass", "dobj"):
            if (
                any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children)
                and head.head.lemma_.lower() in _ATTEMPTS
            ):
                return False  # "sued to block the deal", "moved to end it": an attempt
            for phrase in rule.cancel_verbs:
                if low == phrase[0] and (
                    len(phrase) == 1 or any(c.lower_ == phrase[1] for c in head.children)
                ):
                    return True
            return False
        if head.pos_ in ("VERB", "AUX", "ADV", "ADP") and t.dep_ == "prep":
            # "walked away from its takeover", "pulled out of the deal"
            verb, words = head, {c.lower_ for c in head.children}
            if head.pos_ in ("ADV", "ADP") and head.head.pos_ in ("VERB", "AUX"):  # "away from"
                verb = head.head
                words |= {head.lower_} | {c.lower_ for c in verb.children}
            if any(
                verb.lemma_.lower() == phrase[0]
                and phrase[-1] == t.lower_
                and all(w in words for w in phrase[1:-1])
                for phrase in rule.cancel_verbs
                if len(phrase) > 1
            ):
                return True
            if head.pos_ in ("VERB", "AUX"):
                return False
        t = head
    return False


def _dedupe(items: list[Mention]) -> list[Mention]:
    seen: set[str] = set()
    out = []
    for m in items:
        if m.name not in seen:
            seen.add(m.name)
            out.append(m)
    return out
