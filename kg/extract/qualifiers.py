"""How firmly a sentence states a fact: negated, hedged, planned, reported or asserted.

Read apart from the relation itself: the trigger word, the chain of words that
govern it (control verbs, coordination, the noun a participle modifies) and
their auxiliaries and adverbs, looked up in the word lists of
ontology/lexicon.toml. Negation wins over everything ("did not buy"); then
hedging ("may buy"), plans ("agreed to buy", "will buy", "X to buy Y" in a
headline), then attribution ("reportedly", "according to ...").
"""

from __future__ import annotations

from typing import Any

from kg.lexicon import LEXICON

__all__ = ["SAYING", "attribution", "modality"]

Tok = Any

#: dependencies followed upwards from a trigger to the words that qualify it
_UP = (
    "xcomp",
    "conj",
    "acl",
    "advcl",
    "pcomp",
    "pobj",
    "prep",
    "dobj",
    "relcl",
    "ccomp",
    "attr",
    "oprd",
)
#: verbs whose complement is a plan, not a fact ("agreed to buy", "is set to acquire")
_PLANNING = {
    "agree", "plan", "intend", "aim", "seek", "propose", "offer", "want", "hope", "try",
    "attempt", "move", "bid", "prepare", "look", "consider", "weigh", "explore", "mull",
    "threaten", "promise", "pledge", "vow", "expect", "set", "schedule", "poise", "eye",
    "negotiate", "discuss",
}  # fmt: skip


#: nouns whose complement is a plan ("struck a deal to buy", "in talks to acquire")
_PLANNING_NOUNS = {
    "deal", "agreement", "talk", "talks", "plan", "bid", "offer", "proposal", "move",
    "effort", "attempt", "intention", "intent", "pact", "negotiation", "option", "push",
    "drive", "quest", "ambition", "hope", "goal", "aim",
}  # fmt: skip


def modality(trigger: Tok, attributed: str | None = None, *, headline: bool = False) -> str:
    """The modality of a fact stated at ``trigger``."""
    words: set[str] = set()
    chain = [trigger]
    t = trigger
    while t.dep_ in _UP and t.head.i != t.i and len(chain) < 5:
        if t.dep_ == "ccomp" and t.head.lemma_.lower() in ("say", "report", "tell", "add"):
            break  # "X said it would buy Y": the speech verb qualifies nothing
        if (
            t.dep_ == "advcl"
            and t.tag_ in ("VBD", "VBZ", "VBP")
            and any(c.dep_ == "nsubj" for c in t.children)
            and any(c.dep_ == "mark" and c.lower_ != "if" for c in t.children)
        ):
            break  # "X will appeal, after Y fined it": a finite clause of its own
        if t.dep_ in ("acl", "relcl") and not any(
            c.dep_ == "aux" and c.lower_ == "to" for c in t.children
        ):
            break  # "agreed to buy X, a firm owned by Y": the clause describes X as it is
        t = t.head
        chain.append(t)
    negated = False
    planned = False
    for i, tok in enumerate(chain):
        words.add(tok.lemma_.lower())
        if (
            i > 0
            and tok.pos_ == "VERB"
            and tok.lemma_.lower() in _PLANNING
            and chain[i - 1].dep_ in ("xcomp", "ccomp", "conj", "advcl", "prep", "pcomp")
        ):
            planned = True  # "agreed to buy X"; not "moved its headquarters to X"
        if i > 0 and tok.pos_ == "NOUN" and tok.lemma_.lower() in _PLANNING_NOUNS:
            planned = True  # "a deal to buy X", "in talks to acquire X", "plans to close X"
        for c in tok.children:
            if c.dep_ == "neg":
                negated = True
            if c.dep_ in ("aux", "advmod", "neg", "auxpass"):
                words.add(c.lower_)
                words.add(c.lemma_.lower())
        if i == 0 and tok.pos_ == "VERB" and _bare_infinitive(tok) and headline:
            planned = True  # headlinese: "Acme to buy Globex for $2 billion"
    mod = LEXICON.modality
    if negated or "never" in words:
        return "negated"
    if words & mod["hedged"]:
        return "hedged"
    if planned or words & mod["planned"]:
        return "planned"
    if attributed is not None or words & mod["reported"]:
        return "reported"
    return "asserted"


#: verbs of saying: their subject is a source, not a party
SAYING = frozenset({"say", "report", "tell", "add", "claim"})


def _bare_infinitive(verb: Tok) -> bool:
    """'X to buy Y' with nothing finite above (a kicker such as "BREAKING:" or
    "Exclusive:" aside): a headline's future."""
    has_to = any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    if not has_to:
        return False
    finite = ("VBD", "VBZ", "VBP", "MD")
    for a in verb.ancestors:
        if a.pos_ in ("VERB", "AUX") and a.lemma_.lower() in SAYING:
            return True  # "Exclusive: Veltra to buy Orvane, sources say"
        if a.tag_ in finite or any(c.tag_ == "MD" for c in a.children):
            return False
    return True


def attribution(sent: Any) -> str | None:
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


def reporter_tokens(sent: Any) -> list[tuple[Any, bool]]:
    """The heads of the names a sentence attributes its statement to, each with whether
    the name must be an outlet's to count: "according to X", "per X" (anyone); "X
    reported (that)", "..., X reported", "told X", "in an interview with X", "a report
    by X", "X's report" (an outlet:
    a company that reports results or tells a rival something is none)."""
    out: list[tuple[Any, bool]] = []
    for tok in sent:
        low = tok.lower_
        if low == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            out += [(c, False) for c in tok.nbor().children if c.dep_ == "pobj"]
        elif low == "per" and tok.dep_ == "prep":
            out += [(c, False) for c in tok.children if c.dep_ == "pobj"]
        elif tok.pos_ == "VERB" and tok.lemma_.lower() == "report":
            if not any(c.dep_ == "dobj" for c in tok.children):  # not "reported a loss"
                out += [(c, True) for c in tok.children if c.dep_ == "nsubj"]
        elif tok.pos_ == "VERB" and tok.lemma_.lower() == "tell":
            out += [(c, True) for c in tok.children if c.dep_ in ("dative", "dobj")]
        elif low in ("report", "reports", "story", "article") and tok.pos_ == "NOUN":
            # "according to a report by X", "a report from X said": its outlet
            for prep in (
                c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("by", "from", "in")
            ):
                out += [(c, True) for c in prep.children if c.dep_ == "pobj"]
            out += [(c, True) for c in tok.children if c.dep_ == "poss"]  # "X's report"
        elif low == "interview" and tok.pos_ == "NOUN":
            for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "with"):
                out += [(c, True) for c in prep.children if c.dep_ == "pobj"]
    return out
