"""Names the NER model misses: proper nouns standing as arguments, names typed by a
cue word ("codenamed Spud", "the Atlas browser", "CEO Jane Roe"), and names the parser
took for words where the sentence shows them to be names.
"""

from __future__ import annotations

from typing import Any

from kg.extract.names import (
    ARGUMENT_DEPS,
    FIGURES,
    NER_CLASSES,
    RIVAL_NOUNS,
    SUBJECTS,
    TYPED,
    english_word,
    name_after,
    used_as_word,
)
from kg.lexicon import LEXICON

__all__ = ["brand_models", "cue_mentions", "proper_nouns"]

#: participles whose hyphened agent is a company: "Amazon-owned", "SoftBank-backed"
_COMPANY_PARTICIPLES = {"owned", "backed", "funded", "financed", "controlled", "operated",
                        "made", "built", "designed", "developed", "powered", "supported",
                        "acquired", "licensed", "branded", "sponsored"}  # fmt: skip


def proper_nouns(sdoc: Any, text: str) -> list[tuple[int, int, str, str, str | None]]:
    """Proper nouns the NER model missed, where they stand as arguments ("such as Pictor")."""
    out: list[tuple[int, int, str, str, str | None]] = []
    for tok in sdoc:
        if not tok.text[:1].isupper():
            continue
        # "fined Lockit 3 million euros": the parser hangs the object on the figure.
        on_figure = (
            tok.dep_ in ("nmod", "compound")
            and tok.pos_ == "PROPN"
            and (tok.head.like_num or any(c.like_num for c in tok.head.children))
            and tok.head.i > tok.i
            and tok.i + 1 < len(sdoc)
            and sdoc[tok.i + 1].pos_ in ("NUM", "SYM")  # the figure follows the name
        )
        hyphened = (  # "Dunmore-owned grocery chain": the agent of the participle
            tok.i + 2 < len(sdoc)
            and tok.pos_ in ("PROPN", "NOUN")
            and sdoc[tok.i + 1].text in ("-", "–")
            and sdoc[tok.i + 2].tag_ == "VBN"
            and sdoc[tok.i + 2].lower_ in _COMPANY_PARTICIPLES  # not "Musk-led": a person's
            and not (tok.is_sent_start and english_word(tok))  # "Family-owned"
        )
        opening = (  # "Coinlet, founded in 2016 by ...": a name the parser took for a word
            tok.is_sent_start
            and tok.is_alpha
            and tok.i + 1 < len(sdoc)
            and sdoc[tok.i + 1].text == ","
            and tok.text not in LEXICON.demonyms
            and (
                not english_word(tok)
                # "Sagebrush, an open-source database, ...": a word as a name
                or any(
                    c.dep_ == "appos"
                    and (LEXICON.cue_class(c.lemma_) in TYPED or c.lemma_.lower() in RIVAL_NOUNS)
                    for c in tok.children
                )  # "Signet, an open-source alternative to Slack"
            )
        )
        if opening and tok.ent_type_ not in NER_CLASSES and tok.ent_type_ not in FIGURES:
            out.append((tok.i, tok.i + 1, "Organization", "propn", None))
            continue
        if tok.pos_ == "PROPN" and _city_before_state_based(sdoc, tok.i):
            start = tok.i  # "the Round Rock, Texas-based PC maker": a city
            while (
                start > 0 and sdoc[start - 1].pos_ == "PROPN" and sdoc[start - 1].dep_ == "compound"
            ):
                start -= 1
            out.append((start, tok.i + 1, "Place", "place", None))
            continue
        # "a former Halvex executive", "Orvane shareholders": a name before a person noun
        employer = (
            tok.dep_ == "compound"
            and tok.pos_ == "PROPN"
            and tok.head.pos_ == "NOUN"
            and tok.head.i == tok.i + 1
            and LEXICON.cue_class(tok.head.lemma_) == "Person"
            and not tok.is_sent_start
        )
        headlinese = (  # "Norwind to buy Lumo Analytics", parsed with no verb above
            tok.dep_ == "ROOT"
            and tok.is_sent_start
            and any(
                c.dep_ in ("acl", "relcl", "advcl")
                and c.pos_ == "VERB"
                and any(g.lower_ == "to" and g.dep_ == "aux" for g in c.children)
                for c in tok.children
            )
        )
        if tok.dep_ not in ARGUMENT_DEPS and not (on_figure or hyphened or employer or headlinese):
            continue
        if tok.ent_type_ in NER_CLASSES or tok.ent_type_ in FIGURES:
            continue  # found by the tagger already, or a number
        if tok.text in LEXICON.demonyms:
            continue
        if hyphened and not used_as_word(tok.lower_, text):
            out.append((tok.i, tok.i + 1, "Organization", "propn", None))
            continue
        if headlinese and tok.pos_ == "VERB" and not english_word(tok):
            out.append((tok.i, tok.i + 1, "Organization", "propn", None))
            continue  # "Veltra to buy Orvane", with "Veltra" tagged as a verb
        if tok.pos_ == "NOUN":
            # A capitalised word the tagger calls a noun: a name it does not know
            # ("sued Reelbox"; "Orvane said" at the start of a sentence, where it is
            # no English word), unless the text also uses it in lower case.
            if used_as_word(tok.lower_, text) or tok.is_upper:
                continue
            if tok.is_sent_start and (
                english_word(tok) or tok.dep_ not in (*SUBJECTS, "poss", "ROOT")
            ):
                continue  # ROOT: the headline's "Norwind to buy Lumo"
        elif tok.pos_ != "PROPN":
            continue
        elif tok.is_sent_start and tok.dep_ not in ("nsubj", "nsubjpass", "poss", "ROOT"):
            continue  # a capitalised first word is a name only as the subject or owner
        if tok.is_sent_start and tok.i + 1 < len(sdoc) and english_word(tok):
            continue  # "Shares fell", "Analysts said": a word, not a name
        start = tok.i
        while (
            start > 0
            and sdoc[start - 1].dep_ == "compound"
            and (
                sdoc[start - 1].pos_ == "PROPN"
                or (sdoc[start - 1].text[:1].isupper() and not english_word(sdoc[start - 1]))
            )
        ):
            start -= 1  # "Riverbend Capital", with "Riverbend" tagged as a noun
        while (
            start > 1
            and sdoc[start - 1].text in ("-", "–")
            and not sdoc[start - 1].whitespace_
            and not sdoc[start - 2].whitespace_
            and sdoc[start - 2].pos_ == "PROPN"
            and sdoc[start - 2].text[:1].isupper()
        ):
            start -= 2  # "Mustang Mach-E": a hyphen inside the name
            while (
                start > 0 and sdoc[start - 1].dep_ == "compound" and sdoc[start - 1].pos_ == "PROPN"
            ):
                start -= 1
        before = sdoc[start - 1] if start > 0 else None
        if (
            before is not None
            and before.text in _NUMBER_WORDS
            and before.head.i == tok.i
            and not before.is_sent_start
        ):
            start -= 1  # "One Medical": a capitalised number word mid-sentence names with it
        out.append((start, tok.i + 1, "Organization", "propn", None))
    return out


def _city_before_state_based(sdoc: Any, i: int) -> bool:
    """Whether the word at i ends a city's name before its state or country and
    "-based" ("Round Rock, Texas-based"), which only a place's name stands in."""
    after = sdoc[i + 1 : i + 5]
    return (
        len(after) == 4
        and after[0].text == ","
        and after[1].pos_ == "PROPN"
        and after[2].text in ("-", "–")
        and after[3].lower_ in ("based", "headquartered")
    )


_NUMBER_WORDS = {"One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"}


def brand_models(
    sdoc: Any, found: list[tuple[int, int, str, str, str | None]]
) -> list[tuple[int, int, str, str, str | None]]:
    """'Orvane Zeta EV', 'Halvex Model Y': a company's name that
    modifies the capitalised words after it in one noun phrase names a product with
    them, however the tagger split the run."""
    out: list[tuple[int, int, str, str, str | None]] = []
    for start, end, cls, _source, _key in found:
        last = sdoc[end - 1]
        if cls != "Organization" or last.dep_ != "compound" or last.head.i != end:
            continue
        head = last.head
        while head.dep_ == "compound" and head.head.i == head.i + 1 and _model_word(head.head):
            head = head.head
        words = list(sdoc[end : head.i + 1])
        if words and all(_model_word(t) for t in words):
            out.append((start, head.i + 1, "Product", "propn", None))
    return out


def _model_word(tok: Any) -> bool:
    """A word of a model's name: capitalised or a number, and no title, company word,
    place or given name ("Bolt", "EV", "3"; not "CEO", "Labs", "Texas", "Tim")."""
    text = tok.text
    if not (text[:1].isupper() or text[:1].isdigit()) or tok.pos_ in ("PUNCT", "VERB"):
        return False
    if text in LEXICON.org_suffixes or text in LEXICON.given_names:
        return False
    if text in LEXICON.place_names or text in LEXICON.demonyms:
        return False
    return LEXICON.cue_class(tok.lemma_.lower()) not in ("Person", "Organization")


def cue_mentions(sdoc: Any) -> list[tuple[int, int, str, str, str | None]]:
    """Names typed by a cue word: "codenamed Spud", "the Atlas browser", "CEO Jane Roe"."""
    out: list[tuple[int, int, str, str, str | None]] = []
    for tok in sdoc:
        low = tok.lower_
        cls = LEXICON.cue_class(low)
        if low == "backed" and tok.i > 1 and sdoc[tok.i - 1].text in "-–":
            backer = sdoc[tok.i - 2]  # "Pictor-backed Quillworks": Pictor invests
            if backer.text[:1].isupper() and backer.pos_ in ("PROPN", "NOUN"):
                out.append((backer.i, backer.i + 1, "Organization", "cue", None))
            continue
        if low == "named" and tok.i > 1 and sdoc[tok.i - 2].lower_ == "code":
            low, cls = "code-named", "AIModel"  # the tokenizer splits "code-named"
        if cls is None:
            continue
        if low in ("codenamed", "code-named", "codename", "dubbed", "called", "named"):
            span = name_after(sdoc, tok.i + 1)
            if span is not None:
                out.append((span[0], span[1], "AIModel", "cue", None))
            continue
        # "the Atlas browser": proper-noun compounds of a cue noun.
        comps = [
            c
            for c in tok.children
            if c.dep_ == "compound"
            and (
                c.pos_ == "PROPN"
                or (c.pos_ == "NOUN" and c.text[:1].isupper() and not english_word(c))
            )
            and c.text not in LEXICON.demonyms
            and c.text not in LEXICON.place_names
        ]  # "the US tech giant", "the Idaho grocery chain" name no organisation
        if comps and cls == "Person" and tok.dep_ == "compound":
            cls = "Organization"  # "Acme CEO Jane Roe": the title's company
        if (
            comps
            and tok.pos_ in ("NOUN", "PROPN")
            and cls in ("Product", "AIModel", "Organization")
        ):
            start = min(c.left_edge.i for c in comps)
            end = max(c.i for c in comps) + 1
            if sdoc[start:end].text in LEXICON.place_names:
                continue  # "the San Francisco startup": a place, however many words
            out.append((start, end, cls, "cue", None))
    return out
