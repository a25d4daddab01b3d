"""Entity mentions in a parsed block: NER, the reference KB, cue words, coreference."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

from kg.kb import load_kb
from kg.lexicon import LEXICON
from kg.model import Mention

__all__ = ["MentionFinder", "NER_CLASSES", "normalise_name"]

#: spaCy NER labels -> ontology classes (others are not entities).
NER_CLASSES = {
    "ORG": "Organization",
    "PERSON": "Person",
    "PRODUCT": "Product",
    "GPE": "Place",
    "LOC": "Place",
    "EVENT": "Event",
    "WORK_OF_ART": "Product",
    "FAC": "Place",
}
_TYPE_WEIGHT = {"kb": 4.0, "place": 4.0, "cue": 2.0, "ner": 1.0, "propn": 0.5, "coref": 0.0}
_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "poss"}
_QUOTES = "\"'“”‘’«»"
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


_LEGAL = {"inc", "inc.", "corp", "corp.", "corporation", "co", "co.", "ltd", "ltd.", "llc",
          "plc", "ag", "sa", "s.a.", "nv", "n.v.", "se", "gmbh", "limited", "lp", "llp",
          "holdings", "group"}  # fmt: skip


#: Heads of the names of public bodies, which may hold an "and": "Department of Health and
#: Human Services", "Authority for Consumers and Markets".
_PUBLIC_BODIES = {"Authority", "Department", "Ministry", "Office", "Bureau", "Commission",
                  "Agency", "Council", "Institute", "Board", "Administration", "Committee",
                  "Federation", "Association", "Society", "Academy", "Centre", "Center",
                  "School", "University", "College", "Museum", "Foundation", "Secretary",
                  "Minister", "Directorate", "Inspectorate", "Service", "Tribunal",
                  "Court"}  # fmt: skip


_ROUND_NAME = re.compile(r"(?:pre-)?series [a-h]\d?\+?(?: round)?")
_SMALL_WORDS = {"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for",
                "by", "with", "from", "as", "into", "over", "vs", "after", "amid"}  # fmt: skip


def _leading_places(words: list[Any]) -> int:
    """How many of the first words are places or nationalities ("UK", "Dutch")."""
    n = 0
    while n < len(words) and (
        words[n].text in LEXICON.demonyms or words[n].text in LEXICON.place_names
    ):
        n += 1
    return n


def _title_case(sdoc: Any) -> bool:
    """True when a headline capitalises its words ("EU Fines Apple Over Music"), where
    capitals say nothing of names; "Acme to buy Lumo for $2bn" is written as a sentence."""
    words = [t for t in sdoc if t.is_alpha and t.lower_ not in _SMALL_WORDS]
    return len(words) >= 3 and all(t.text[:1].isupper() for t in words)


def is_public_body(m: Mention) -> bool:
    """Whether a mention names a regulator, court, ministry or other public body, by the
    head of its name or of its KB name ("FTC" is the Federal Trade Commission)."""
    names = [m.name]
    entry = load_kb().entities.get(m.kb_id) if m.kb_id else load_kb().lookup(m.name)
    if entry is not None:
        names.append(entry.label)
    return any(n.split()[-1] in _PUBLIC_HEADS for n in names if n.split())


_PUBLIC_HEADS = _PUBLIC_BODIES | {"Regulator", "Watchdog", "Parliament", "Government",
                                  "Police", "Prosecutor", "Prosecutors", "Senate", "Congress",
                                  "Union", "Ombudsman", "Comptroller"}  # fmt: skip


def strip_legal(name: str) -> str:
    """'Acme Corp.' -> 'Acme', 'Alphabet Inc.' -> 'Alphabet': the legal form is no part of
    the name."""
    words = name.replace(",", " ").split()
    while len(words) > 1 and words[-1].lower() in _LEGAL:
        words.pop()
    return " ".join(words)


def normalise_name(text: str) -> str:
    """The name a mention stands for: no possessive, quotes or leading article."""
    name = " ".join(text.split()).strip(_QUOTES + " ,.;:!?()[]")
    name = _POSSESSIVE.sub("", name).strip(_QUOTES + " ")
    if name.lower().startswith("the ") and len(name) > 4:
        rest = name[4:]
        if load_kb().lookup(name) is None:
            name = rest
    return name


@cache
def _matcher(vocab: Any) -> Any:
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(vocab, attr="ORTH")
    kb = load_kb()
    tokenizer = _tokenizer()
    for key, ent in kb.entities.items():
        names = {ent.label, *ent.aliases}
        names |= {n[4:] for n in names if n.startswith("The ")}
        matcher.add(key, [tokenizer(n) for n in sorted(names)])
    return matcher


@lru_cache(maxsize=4096)
def _tokenized(text: str) -> Any:
    """A name as the tokenizer splits it, for a phrase pattern (names recur across
    documents, so each is tokenized once)."""
    return _tokenizer()(text)


@cache
def _tokenizer() -> Any:
    from kg.extract.nlp import load_nlp

    return load_nlp().tokenizer


@dataclass
class MentionFinder:
    """Finds the mentions of one document, block after block, keeping coreference state."""

    doc_id: str
    text: str = ""  # the whole document, to tell common words from names
    mentions: list[Mention] = field(default_factory=list)
    #: token-start char offset -> mention, for argument lookup by the relation extractor
    by_token: dict[int, Mention] = field(default_factory=dict)
    #: acronym -> the mention it abbreviates ("CMA" -> the Competition and Markets Authority)
    acronyms: dict[str, Mention] = field(default_factory=dict)

    def add_acronyms(self, sdoc: Any, offset: int) -> None:
        """'the Competition and Markets Authority (CMA)': the acronym names the same
        entity, there and wherever the document uses it."""
        for i in range(1, len(sdoc) - 2):
            if sdoc[i].text != "(" or sdoc[i + 2].text != ")":
                continue
            short = sdoc[i + 1]
            before = self.by_token.get(offset + sdoc[i - 1].idx)
            if before is None or not re.fullmatch(r"[A-Z][A-Za-z&.]{1,7}", short.text):
                continue
            if short.text[0] != before.name[:1] or sum(c.isupper() for c in short.text) < 2:
                continue
            self.acronyms[short.text] = before
        if not self.acronyms:
            return
        for n, m in enumerate(self.mentions):
            full = self.acronyms.get(m.name)
            if full is not None and m.name != full.name:
                named = replace(m, name=full.name, label=full.label, kb_id=full.kb_id or m.kb_id)
                self._swap(m, named, n)

    def _swap(self, old: Mention, new: Mention, index: int) -> None:
        """Replace the mention at ``index`` (and under each of its tokens)."""
        self.mentions[index] = new
        for at in range(old.start, old.end):
            if self.by_token.get(at) is old:
                self.by_token[at] = new

    def settle_classes(self) -> None:
        """Give every weakly typed mention the class its name has most strongly in the
        document: "Skype, its messaging app" makes a later bare "Skype" a product too."""
        # "Grantham also said" after "Grantham Foods": a company's first word alone is
        # the company, whatever the tagger took it for (not a person's surname).
        orgs = {
            strip_legal(m.name)
            for m in self.mentions
            if m.label == "Organization" and " " in m.name
        }
        surnames = {
            m.name.split()[-1] for m in self.mentions if m.label == "Person" and " " in m.name
        }
        for i, m in enumerate(self.mentions):
            if m.source not in ("ner", "propn") or " " in m.name or m.label == "Organization":
                continue
            if m.name in surnames or m.name in LEXICON.given_names:
                continue
            if len({o for o in orgs if o.split()[0] == m.name}) == 1:
                self._swap(m, replace(m, label="Organization"), i)
        votes: dict[str, dict[str, float]] = {}
        strong = {m.name.casefold() for m in self.mentions if m.source in ("kb", "cue")}
        for m in self.mentions:
            name = m.name.casefold()
            # A cue word or the KB outweighs any number of guesses by the tagger.
            if m.source in ("kb", "cue") or (name not in strong and m.source != "coref"):
                by_class = votes.setdefault(name, {})
                by_class[m.label] = by_class.get(m.label, 0.0) + m.type_weight
        for i, m in enumerate(self.mentions):
            if m.source in ("kb", "cue") or m.name.casefold() not in votes:
                continue
            by_class = votes[m.name.casefold()]
            best = max(sorted(by_class), key=lambda c: by_class[c])
            if best != m.label:
                self._swap(m, replace(m, label=best), i)

    def add_repeats(self, blocks: list[tuple[Any, int]]) -> None:
        """A name the document uses elsewhere is a mention wherever it stands again,
        even where the tagger missed it ("Skype started in 2003"). ``blocks`` are the
        document's parsed blocks with their offsets."""
        from spacy.matcher import PhraseMatcher

        names: dict[str, Mention] = {}
        for m in self.mentions:
            if m.source != "coref" and m.label != "Deal" and m.text[:1].isupper():
                names.setdefault(m.text, m)
        if not names or not blocks:
            return
        matcher = PhraseMatcher(blocks[0][0].vocab, attr="ORTH")
        for text in sorted(names):
            matcher.add(text, [_tokenized(text)])
        for sdoc, offset in blocks:
            self._add_repeats(sdoc, offset, matcher, names)

    def _add_repeats(self, sdoc: Any, offset: int, matcher: Any, names: dict[str, Mention]) -> None:
        taken = {i for i in range(len(sdoc)) if offset + sdoc[i].idx in self.by_token}
        found = sorted(matcher(sdoc), key=lambda x: (x[1], -(x[2] - x[1])))
        for match_id, start, end in found:
            if any(i in taken for i in range(start, end)):
                continue
            if end < len(sdoc) and sdoc[end].pos_ == "PROPN" and sdoc[end].text[:1].isupper():
                continue  # "Apple" in "Apple Watch": part of a longer name
            if start > 0 and sdoc[start - 1].pos_ == "PROPN" and sdoc[start - 1].text[:1].isupper():
                continue
            like = names[str(sdoc.vocab.strings[match_id])]
            span = sdoc[start:end]
            m = replace(
                like,
                start=offset + span.start_char,
                end=offset + span.end_char,
                text=span.text,
                source="propn" if like.source != "kb" else "kb",
                type_weight=_TYPE_WEIGHT["propn"] if like.source != "kb" else like.type_weight,
            )
            self.mentions.append(m)
            taken.update(range(start, end))
            for tok in span:
                self.by_token[offset + tok.idx] = m

    def add_block(self, sdoc: Any, offset: int, *, headline: bool = False) -> None:
        """Add the mentions of a parsed block; in a headline only names already known."""
        # In a headline a name counts only when the body (or the KB) knows it, and it
        # keeps the class the body gave it (a title-case headline misleads the tagger).
        known_names = {m.name.lower(): m.label for m in self.mentions} if headline else {}
        for m in list(self.mentions) if headline else []:
            known_names.setdefault(strip_legal(m.name).lower(), m.label)  # "Acme" for "Acme Inc."
        found: list[tuple[int, int, str, str, str | None]] = []  # tok start, end, cls, source, kb
        kb = load_kb()
        for key, start, end in _matcher(sdoc.vocab)(sdoc):
            found.append(
                (start, end, kb.entities[self._key(key, sdoc)].cls, "kb", self._key(key, sdoc))
            )
        for ent in sdoc.ents:
            cls = NER_CLASSES.get(ent.label_)
            if cls is None:
                continue
            # "Acme replaced Lumo": a verb inside is the tagger's mistake, and ends a name.
            verbs = [t.i for t in ent if t.pos_ == "VERB" and t.i > ent.start]
            if verbs:
                found.append((ent.start, verbs[0], cls, "ner", None))
                if verbs[-1] + 1 < ent.end:
                    found.append((verbs[-1] + 1, ent.end, cls, "ner", None))
                continue
            # "Pictor and Snapwave" is two names, not one; so is "Acme's Pixie"; but
            # "Competition and Markets Authority" is one.
            start = ent.start
            words = [
                t
                for t in ent
                if t.dep_ != "case" and t.text not in ("'s", "’s") and t.pos_ != "DET"
            ]
            joins = [n for n, t in enumerate(words) if t.lower_ in ("and", "&")]
            # One name when it ends in an organisation word and what comes before the "and"
            # is a single word ("Securities and Exchange Commission"); two names otherwise
            # ("Ashgrove Capital and Tenmile Partners").
            whole = (
                (
                    cls == "Organization"
                    and bool(words)
                    and words[-1].text in LEXICON.org_suffixes
                    and len(joins) == 1
                    and joins[0] - _leading_places(words) == 1
                    # "Securities and Exchange Commission", not "Oakhurst and Lumen Partners"
                    and _english_word(words[joins[0] - 1])
                )
                or (  # "Authority for Consumers and Markets", "Department of Health and ..."
                    cls == "Organization"
                    and len(joins) == 1
                    and any(
                        w.lower_ in ("for", "of") and n > 0 and words[n - 1].text in _PUBLIC_BODIES
                        for n, w in enumerate(words[: joins[0]])
                    )
                )
            )
            for tok in ent:
                if whole and tok.lower_ in ("and", "&"):
                    continue
                if (tok.dep_ == "case" or tok.lower_ in ("and", "or")) and tok.i > start:
                    found.append((start, tok.i, cls, "ner", None))
                    start = tok.i + 1
            if start < ent.end:
                found.append((start, ent.end, cls, "ner", None))
        found.extend(self._cue_mentions(sdoc))
        found.extend(self._proper_nouns(sdoc))
        found.extend(_odd_names(sdoc))
        # "BOSTON - Acme said ...", "LONDON (Reuters) - ...": a dateline is no part of a name
        # and names no entity the story is about.
        lines = _datelines(sdoc)
        if lines:
            found = [
                (max(start, lines[start]), end, cls, source, key)
                if start in lines and lines[start] < end
                else (start, end, cls, source, key)
                for start, end, cls, source, key in found
                if not (start in lines and lines[start] >= end)
            ]
        found.extend(self._surnames(sdoc))
        # The longer span wins; among equal spans the stronger source. A shorter
        # span naming the same thing lends its stronger typing ("codenamed 'Spud'").
        # "Apple 2b" in "EU Fines Apple 2b": only names the body knows, if it names any
        if headline and _title_case(sdoc) and known_names:
            found = [
                f
                for f in found
                if f[4] is not None or self._known_in(sdoc[f[0] : f[1]], known_names)
            ]
        found.sort(key=lambda f: (-(f[1] - f[0]), -_TYPE_WEIGHT[f[3]], f[0]))
        taken: set[int] = set()
        chosen: list[tuple[Any, str, str, str | None, str]] = []
        for start, end, cls, source, key in found:
            if any(i in taken for i in range(start, end)):
                name = normalise_name(sdoc[start:end].text)
                for n, (span, _cls, src, _key, cname) in enumerate(chosen):
                    stronger = _TYPE_WEIGHT[source] > _TYPE_WEIGHT[src]
                    if cname == name and stronger and span.start <= start and end <= span.end:
                        chosen[n] = (span, cls, source, key, cname)
                continue
            span = sdoc[start:end]
            # Drop a leading determiner the NER model included ("the Sora app").
            while len(span) > 1 and (
                span[0].lower_ in ("the", "a", "an")
                or span[0].pos_ == "VERB"
                or _glued_magnitude(span[0])  # "€25m Series A"
                or (span[0].is_sent_start and span[0].lower_.endswith("ing"))
            ):
                span = span[1:]  # "Cutting Sora" is a verb and its object
            name = normalise_name(span.text)
            known = key is not None or kb.lookup(name) is not None
            if not self._acceptable(name, span, "" if known else self.text):
                continue
            if key is None:
                entry = kb.lookup(name)
                if entry is not None:
                    key, cls, source = entry.key, entry.cls, "kb"
                else:
                    cue = _cue_type(span, name)
                    if cue is not None:
                        cls, source = cue, "cue"
            if key is None and _is_place_name(name) and source != "cue":
                cls, source = "Place", "place"  # "UK", "Colorado": places whatever the tagger says
            elif key is None and cls == "Place" and source == "ner" and not _locative(span):
                cls = "Organization"  # an unknown name the tagger took for a place
            elif key is None and source in ("ner", "propn"):
                words = name.split()
                if cls == "Person" and any(c.isdigit() for c in name):
                    cls = "Product"  # "Kestrel-4o": a name with a digit is no person's
                elif cls == "Person" and len(words) > 1 and words[-1] in LEXICON.org_suffixes:
                    cls = "Organization"  # "Halden Freight": a company's last word
                elif len(words) > 1 and words[0].lower().rstrip(".") in LEXICON.honorifics:
                    cls, source = "Person", "cue"  # "Prince Alwaleed", "Dr. Jane Roe"
                elif (
                    len(words) in (2, 3)
                    and words[0] in LEXICON.given_names
                    and words[-1] not in LEXICON.org_suffixes
                    and all(w[:1].isupper() for w in words)
                ):
                    cls, source = "Person", "cue"  # "Mike Krieger", "Dana Whitlow"
                elif words[-1] in LEXICON.event_suffixes and len(words) > 1:
                    cls, source = "Event", "cue"  # "GPU Technology Conference"

            if headline and key is None and source != "cue" and name.lower() in known_names:
                cls, source = known_names[name.lower()], "propn"  # the body's class, weakly
            if cls == "Excluded":
                continue  # "characters such as X": no entity of the ontology
            taken.update(range(start, end))
            chosen.append((span, cls, source, key, name))
        chosen = _join_particles(sorted(chosen, key=lambda c: c[0].start))
        chosen = _share_coordinated_classes(chosen)
        chosen = [  # "Microsoft Teams", "Skype for Business", "Google Meet": products
            (span, "Product", source, key, name)
            if key is None
            and source in ("ner", "propn")
            and cls not in ("Person", "Product", "AIModel")
            and _named_after(name, kb, self.mentions, chosen)
            else (span, cls, source, key, name)
            for span, cls, source, key, name in chosen
        ]
        chosen.sort(key=lambda c: c[0].start)
        for span, cls, source, key, name in chosen:
            m = Mention(
                doc_id=self.doc_id,
                start=offset + span.start_char,
                end=offset + span.end_char,
                text=span.text,
                label=cls,
                name=name,
                source=source,
                kb_id=key,
                type_weight=_TYPE_WEIGHT[source],
            )
            self.mentions.append(m)
            for tok in span:
                self.by_token[offset + tok.idx] = m

    @staticmethod
    def _known_in(span: Any, names: dict[str, str]) -> bool:
        while len(span) > 1 and span[0].lower_ in ("the", "a", "an"):
            span = span[1:]
        name = normalise_name(span.text)
        return name.lower() in names or load_kb().lookup(name) is not None

    @staticmethod
    def _key(match_id: int, sdoc: Any) -> str:
        return str(sdoc.vocab.strings[match_id])

    @staticmethod
    def _acceptable(name: str, span: Any, text: str) -> bool:
        low = name.lower()
        if name[:1].isdigit():
            return False  # "3D", "2024 Games"
        if text and " " not in name:
            forms = {low, low + "s", low.removesuffix("s")}
            if any(_used_as_word(f, text) for f in forms):
                return False  # the text also uses the word in lower case: a common word
        if len(name) < 2 or low in LEXICON.furniture.not_entities:
            return False
        if _ROUND_NAME.fullmatch(low):
            return False  # "Series B": a funding round, no entity
        if all(
            LEXICON.cue_class(w) == "Person" or w in LEXICON.furniture.title_words
            for w in low.split()
        ):
            return False  # "Chief Technology Officer": a title made of cue words, no name
        if not any(c.isalpha() for c in name) or not any(c.isupper() for c in name):
            return False
        if all(t.pos_ in ("PRON", "DET", "NUM", "PUNCT") for t in span):
            return False
        first = span[0]
        if (
            len(span) == 1
            and first.is_sent_start
            and first.i + 1 < len(first.doc)
            and first.doc[first.i + 1].tag_ == "VBG"
            and _english_word(first)
        ):
            return False  # "Quit chasing the hype": an imperative
        if len(span) == 1 and span[0].pos_ in ("VERB", "ADJ", "ADV") and span[0].is_sent_start:
            return False  # a capitalised first word the NER model took for a name
        return low not in LEXICON.pronouns

    def _surnames(self, sdoc: Any) -> list[tuple[int, int, str, str, str | None]]:
        """'Musk' after 'Elon Musk': a person's last name alone, wherever it stands."""
        last: dict[str, str | None] = {
            m.name.split()[-1]: m.kb_id
            for m in self.mentions
            if m.label == "Person" and len(m.name.split()) > 1
        }
        for ent in sdoc.ents:  # people named in full earlier in this block
            if ent.label_ == "PERSON" and len(ent) > 1:
                last.setdefault(ent[-1].text, None)
        # The tagger may call a lone surname a company ("Whitcombe is the first outsider"):
        # the person named in full before outweighs it.
        return [
            (tok.i, tok.i + 1, "Person", "cue" if tok.ent_type_ else "ner", last[tok.text])
            for tok in sdoc
            if tok.pos_ == "PROPN"
            and tok.text in last
            and tok.ent_type_ in ("", "ORG", "GPE", "PRODUCT", "NORP", "PERSON")
            and not (
                tok.ent_iob_ == "B" and tok.i + 1 < len(sdoc) and sdoc[tok.i + 1].ent_iob_ == "I"
            )
        ]

    def _proper_nouns(self, sdoc: Any) -> list[tuple[int, int, str, str, str | None]]:
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
                and not (tok.is_sent_start and _english_word(tok))  # "Family-owned"
            )
            opening = (  # "Coinlet, founded in 2016 by ...": a name the parser took for a word
                tok.is_sent_start
                and tok.is_alpha
                and tok.i + 1 < len(sdoc)
                and sdoc[tok.i + 1].text == ","
                and tok.text not in LEXICON.demonyms
                and (
                    not _english_word(tok)
                    # "Sagebrush, an open-source database, ...": a word as a name
                    or any(
                        c.dep_ == "appos" and LEXICON.cue_class(c.lemma_) in _TYPED
                        for c in tok.children
                    )
                )
            )
            if opening and tok.ent_type_ not in NER_CLASSES and tok.ent_type_ not in _FIGURES:
                out.append((tok.i, tok.i + 1, "Organization", "propn", None))
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
                and any(c.dep_ in ("acl", "relcl") and c.pos_ == "VERB" for c in tok.children)
            )
            if tok.dep_ not in _ARGUMENT_DEPS and not (
                on_figure or hyphened or employer or headlinese
            ):
                continue
            if tok.ent_type_ in NER_CLASSES or tok.ent_type_ in _FIGURES:
                continue  # found by the tagger already, or a number
            if tok.text in LEXICON.demonyms:
                continue
            if hyphened and not _used_as_word(tok.lower_, self.text):
                out.append((tok.i, tok.i + 1, "Organization", "propn", None))
                continue
            if tok.pos_ == "NOUN":
                # A capitalised word the tagger calls a noun: a name it does not know
                # ("sued Reelbox"; "Orvane said" at the start of a sentence, where it is
                # no English word), unless the text also uses it in lower case.
                if _used_as_word(tok.lower_, self.text) or tok.is_upper:
                    continue
                if tok.is_sent_start and (
                    _english_word(tok) or tok.dep_ not in (*_SUBJECTS, "poss", "ROOT")
                ):
                    continue  # ROOT: the headline's "Norwind to buy Lumo"
            elif tok.pos_ != "PROPN":
                continue
            elif tok.is_sent_start and tok.dep_ not in ("nsubj", "nsubjpass", "poss", "ROOT"):
                continue  # a capitalised first word is a name only as the subject or owner
            if tok.is_sent_start and tok.i + 1 < len(sdoc) and _english_word(tok):
                continue  # "Shares fell", "Analysts said": a word, not a name
            start = tok.i
            while (
                start > 0
                and sdoc[start - 1].dep_ == "compound"
                and (
                    sdoc[start - 1].pos_ == "PROPN"
                    or (sdoc[start - 1].text[:1].isupper() and not _english_word(sdoc[start - 1]))
                )
            ):
                start -= 1  # "Riverbend Capital", with "Riverbend" tagged as a noun
            out.append((start, tok.i + 1, "Organization", "propn", None))
        return out

    def _cue_mentions(self, sdoc: Any) -> list[tuple[int, int, str, str, str | None]]:
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
                span = _name_after(sdoc, tok.i + 1)
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
                    or (c.pos_ == "NOUN" and c.text[:1].isupper() and not _english_word(c))
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
                out.append((start, end, cls, "cue", None))
        return out


_CHOICE = tuple[Any, str, str, "str | None", str]  # span, class, source, KB key, name


def _is_place_name(name: str) -> bool:
    """'U.S' (the name without its final full stop) is 'U.S.'."""
    return name in LEXICON.place_names or f"{name}." in LEXICON.place_names


_LOCATIVE = {"in", "at", "near", "from", "across", "throughout", "within", "outside", "around"}


def _locative(span: Any) -> bool:
    """Whether a name stands where places stand: after "in", "at", "from" ..., before
    "-based", or after a comma following another place ("Cambridge, Massachusetts")."""
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE:
        return True
    if (
        root.head.lower_ in ("based", "headquartered")
        or span.end < len(span.doc)
        and (span.doc[span.end].text in ("-based", "-headquartered"))
    ):
        return True
    nxt = span.doc[span.end + 1] if span.end + 1 < len(span.doc) else None
    if nxt is not None and nxt.lower_ in ("based", "headquartered"):
        return True
    return root.dep_ in ("appos", "npadvmod") and root.head.ent_type_ in ("GPE", "LOC")


_PARTICLES = {"bin", "bint", "ibn", "al", "el", "de", "da", "di", "del", "della", "van",
              "von", "der", "den", "la", "le", "du", "dos", "das", "ter", "ten"}  # fmt: skip


def _join_particles(chosen: list[Any]) -> list[Any]:
    """'Talal' + 'bin Nayef', 'Ursula' + 'von der Leyen': one person's name, which the
    tagger split at a lower-case particle."""
    out: list[Any] = []
    for item in chosen:
        span, cls = item[0], item[1]
        if out and cls == "Person" == out[-1][1] and span.start == out[-1][0].end:
            if span[0].lower_ in _PARTICLES:
                prev = out[-1]
                joined = span.doc[prev[0].start : span.end]
                out[-1] = (joined, "Person", prev[2], prev[3], normalise_name(joined.text))
                continue
        out.append(item)
    return out


def _share_coordinated_classes(chosen: list[Any]) -> list[Any]:
    """'Kevin Systrom and Mike Krieger': a weakly typed name in a list takes the class a
    cue word or the KB gives the name beside it."""
    by_root = {c[0].root.i: n for n, c in enumerate(chosen)}
    out = list(chosen)
    for n, (span, cls, source, key, name) in enumerate(chosen):
        if source not in ("ner", "propn"):
            continue
        root = span.root
        neighbours = [root.head] if root.dep_ == "conj" else []
        neighbours += [c for c in root.children if c.dep_ == "conj"]
        for tok in neighbours:
            other = by_root.get(tok.i)
            if other is not None and chosen[other][2] in ("kb", "cue") and chosen[other][1] != cls:
                if chosen[other][1] in ("Person", "Organization", "Place", "Product", "AIModel"):
                    out[n] = (span, chosen[other][1], source, key, name)
                    break
    return out


def _named_after(name: str, kb: Any, mentions: list[Mention], chosen: list[Any]) -> bool:
    """'Microsoft Teams', 'Google Podcasts': a name made of a known organisation's or
    product's name and more words, none of which names an organisation."""
    words = name.split()
    if len(words) < 2 or any(w in LEXICON.org_suffixes for w in words[1:]):
        return False
    first = words[0]
    entry = kb.lookup(first)
    if entry is not None:
        return entry.cls in ("Organization", "Product", "AIModel") and kb.lookup(name) is None
    known = [(m.name, m.source, m.label) for m in mentions]
    known += [(c[4], c[2], c[1]) for c in chosen]  # this block's names so far
    return any(n == first and src in ("kb", "cue") and cls != "Person" for n, src, cls in known)


_SUBJECTS = ("nsubj", "nsubjpass")
#: tagger labels of figures, which are never names
_FIGURES = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}


@cache
def _english_words() -> frozenset[str]:
    """The English words the pipeline's lemmatiser knows (nouns, verbs, adjectives and
    adverbs): what a capitalised first word of a sentence is when it is no name."""
    from kg.extract.nlp import load_nlp

    lemmatizer = load_nlp().get_pipe("lemmatizer")
    index = lemmatizer.lookups.get_table("lemma_index")
    return frozenset(w for words in index.values() for w in words)


def _english_word(tok: Any) -> bool:
    words = _english_words()
    low = tok.lower_
    if low in words or tok.lemma_.lower() in words:
        return True
    # a plural the tagger took for a name: "Securities", "Markets"
    singular = low[:-3] + "y" if low.endswith("ies") else low[:-1] if low.endswith("s") else ""
    return bool(singular) and singular in words


_ODD_NAME = re.compile(r"^(?=.*[A-Z])(?=.*[\d.:+\-])[A-Za-z][\w.:+\-]*[\w+]$")


def _datelines(sdoc: Any) -> dict[int, int]:
    """Token index inside a dateline -> the index of the first token after it, for each
    sentence that opens with one ("SAN FRANCISCO, Calif. (Reuters) -", "HELSINKI -")."""
    out: dict[int, int] = {}
    for sent in sdoc.sents:
        i, start = sent.start, sent.start
        while i < sent.end and re.fullmatch(r"[A-Z][A-Z.'’-]+", sdoc[i].text):
            i += 1
        if i == start:
            continue
        if i < sent.end and sdoc[i].text == ",":  # "AUSTIN, Texas"
            i += 1
            while i < sent.end and sdoc[i].text[:1].isupper() and sdoc[i].text not in "-—–":
                i += 1
        if i + 2 < sent.end and sdoc[i].text == "(" and sdoc[i + 2].text == ")":
            i += 3  # "(Reuters)"
        if i < sent.end and sdoc[i].text in ("-", "—", "–", ":", "--"):
            end = i + 1
            out.update(dict.fromkeys(range(start, end), end))
    return out


_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
}  # fmt: skip


_VERSION = re.compile(r"\d{1,4}(?:\.\d{1,2})?[a-z]?|[A-Z]{1,3}\d{1,4}[A-Za-z]{0,2}")
_EDITIONS = {"Gen", "Pro", "Max", "Ultra", "Plus", "Mini", "Lite", "Air", "Turbo", "Mark",
             "Edition", "XL", "SE", "Nano", "Flash", "Sonnet", "Opus", "Haiku"}  # fmt: skip


_MAGNITUDES = {"million", "billion", "trillion", "thousand", "hundred", "percent", "per", "%",
               "mn", "bn", "m", "b", "k"}  # fmt: skip


def _glued_magnitude(tok: Any) -> bool:
    """'m' in '€25m': the magnitude of the number it is written against."""
    if tok.i == 0 or tok.lower_ not in ("m", "mn", "bn", "b", "k", "tn"):
        return False
    prev = tok.doc[tok.i - 1]
    return prev.like_num and not prev.whitespace_


def _is_figure(sdoc: Any, i: int) -> bool:
    """True when the number at i is an amount rather than a version: 'Veltra 410 million',
    'Acme 12%', 'shares 3 percent'."""
    tok = sdoc[i]
    if tok.ent_type_ in ("MONEY", "PERCENT", "QUANTITY"):
        return True
    if re.fullmatch(r"\d+(?:\.\d+)?(?:bn|mn|b|m|k)", tok.text):
        return True  # "EU fines Apple 2b"
    nxt = sdoc[i + 1] if i + 1 < len(sdoc) else None
    return nxt is not None and nxt.lower_ in _MAGNITUDES


def _odd_names(sdoc: Any) -> list[tuple[int, int, str, str, str | None]]:
    """Names with inner digits or punctuation the tagger leaves out: 'Grok-1.5V',
    'GPT-4o', 'Name.AI', 'Name:ai', and versioned names: 'Llama 3', 'Gemini 1.5'
    (typed by the words around them, else a product)."""
    out: list[tuple[int, int, str, str, str | None]] = []
    for tok in sdoc[:-1]:
        nxt = sdoc[tok.i + 1]
        if (
            tok.pos_ == "PROPN"
            and tok.text[:1].isupper()
            and tok.lower_ not in _MONTHS
            and _VERSION.fullmatch(nxt.text)
            and not _is_figure(sdoc, nxt.i)
            and tok.ent_type_ not in ("PERSON", "GPE", "LOC", "MONEY", "PERCENT")
        ):
            start = tok.i  # "Velto Band 3": the whole name before the number
            while (
                start > 0 and sdoc[start - 1].pos_ == "PROPN" and sdoc[start - 1].text[:1].isupper()
            ):
                start -= 1
            end = tok.i + 2  # "Snapdragon 8 Gen 3", "Galaxy S24 Ultra"
            while end < len(sdoc) and (
                (_VERSION.fullmatch(sdoc[end].text) and not _is_figure(sdoc, end))
                or sdoc[end].text in _EDITIONS
            ):
                end += 1
            out.append((start, end, "Product", "propn", None))
    for tok in sdoc:
        if tok.ent_type_ not in ("", "CARDINAL", "PRODUCT", "ORG", "DATE"):
            continue
        if tok.is_sent_start or tok.like_url or tok.like_email:
            continue
        if _ODD_NAME.match(tok.text) and not tok.like_num and any(c.isalpha() for c in tok.text):
            if re.search(r"[a-z]", tok.text) or re.search(r"\d", tok.text):
                out.append((tok.i, tok.i + 1, "Product", "propn", None))
    return out


def _cue_type(span: Any, name: str) -> str | None:
    """The class that the words around a name give it, if any.

    "Glimmer, its photo app" and "the Glimmer app" make a product; "Acme CEO"
    makes Acme an organisation; "CEO Ada Roe" and "Ada Roe, the founder" a
    person; "Norwind Labs" an organisation by its last word.
    """
    if name in LEXICON.demonyms or _is_place_name(name):
        return None  # "the US tech giant": a place, whatever noun it stands before
    root = span.root
    # "Blurbforge and Verbalux, two larger startups": the apposition types every conjunct.
    group = [root, *(c for c in root.children if c.dep_ == "conj")]
    if root.dep_ == "conj":
        group += [root.head, *(c for c in root.head.children if c.dep_ == "conj")]
    for child in (c for member in group for c in member.children):
        if child.dep_ == "appos" and not any(g.lower_ == "whose" for g in child.children):
            cls = LEXICON.cue_class(child.lemma_)  # not "Acme, whose chief executive"
            if cls in ("Product", "AIModel", "Organization", "Person"):
                return cls
    if root.dep_ == "nsubj" and root.head.lemma_ == "be":
        for attr in root.head.children:
            if attr.dep_ == "attr":
                cls = LEXICON.cue_class(attr.lemma_)
                if cls in ("Product", "AIModel", "Organization", "Person"):
                    return cls  # "Glimmer is a photo app"
    if root.dep_ == "appos":
        cls = LEXICON.cue_class(root.head.lemma_)
        if cls in ("Product", "AIModel", "Organization", "Person"):
            return cls
    if root.dep_ in ("compound", "nmod") and root.head.pos_ == "NOUN":
        cls = LEXICON.cue_class(root.head.lemma_)
        if cls in ("Product", "AIModel"):
            return cls
        if cls in ("Person", "Organization"):
            return "Organization"  # "Acme CEO", "Acme shareholders"
    before = span.doc[span.start - 1] if span.start > 0 else None
    if (
        before is not None
        and before.dep_ in ("compound", "nmod", "amod")
        and (before.head.i >= span.start)
    ):
        cls = LEXICON.cue_class(before.lower_) or LEXICON.cue_class(before.lemma_)
        if cls in _TYPED:
            return cls  # "CEO Ada Roe", "cybersecurity firm Acme", "messaging app Skype"
    listed = _listed_under(root)
    if listed is not None:
        cls = LEXICON.cue_class(listed.lemma_)
        if cls in _TYPED:
            return cls  # "apps like WhatsApp", "characters such as X"
    if name.split()[-1] in LEXICON.org_suffixes and len(name.split()) > 1:
        return "Organization"
    return None


_TYPED = ("Product", "AIModel", "Organization", "Person", "Excluded")


def _listed_under(root: Any) -> Any | None:
    """The noun a name is listed under: 'apps like X', 'rivals such as X, Y and Z'."""
    t = root
    while t.dep_ == "conj" and t.head.i != t.i:
        t = t.head
    if t.dep_ != "pobj" or t.head.lower_ not in ("like", "as", "including"):
        return None
    prep = t.head
    noun = prep.head
    if prep.lower_ == "as" and noun.lower_ == "such":
        noun = noun.head
    return noun if noun.pos_ == "NOUN" else None


def _name_after(sdoc: Any, i: int) -> tuple[int, int] | None:
    """A quoted or capitalised name starting at token i."""
    n = len(sdoc)
    while i < n and sdoc[i].text in _QUOTES:
        i += 1
    j = i
    while (
        j < n and (sdoc[j].text[:1].isupper() or sdoc[j].like_num) and sdoc[j].text not in _QUOTES
    ):
        j += 1
    return (i, j) if j > i else None


def _used_as_word(form: str, text: str) -> bool:
    """Whether ``form`` stands in ``text`` as a word of its own (not after a full stop)."""
    if _WORD.fullmatch(form):
        return form in _words(text)
    return re.search(rf"(?<![\w.]){re.escape(form)}(?!\w)", text) is not None


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=4)
def _words(text: str) -> frozenset[str]:
    """The runs of word characters in ``text`` that no word character or full stop precedes."""
    return frozenset(re.findall(r"(?<![\w.])\w+", text))
