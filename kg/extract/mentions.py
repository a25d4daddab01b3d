"""Entity mentions in a parsed block: NER, the reference KB, cue words, coreference."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from kg.extract.candidates import brand_models, cue_mentions, proper_nouns
from kg.extract.names import (
    NER_CLASSES,
    PUBLIC_BODIES,
    ROUND_NAME,
    TYPE_WEIGHT,
    agencies,
    cue_type,
    datelines,
    english_word,
    glued_magnitude,
    is_place_name,
    join_particles,
    kb_matcher,
    leading_places,
    locative,
    name_particle,
    named_after,
    normalise_name,
    odd_names,
    share_coordinated_classes,
    strip_legal,
    title_case,
    tokenized,
    used_as_word,
)
from kg.kb import load_kb
from kg.lexicon import LEXICON
from kg.model import Mention

__all__ = ["MentionFinder"]


#: lower-case words that stand between two names and are no part of either
_BETWEEN_NAMES = frozenset({"to", "with", "from", "against", "into", "over", "versus"})


def _ordinal_start(sdoc: Any, start: int) -> int:
    """Where a name begins whose first words the tagger left out: an ordinal and
    capitalised words ("21st Century Fox", "20th Century Studios")."""
    i = start
    while i > 0 and sdoc[i - 1].pos_ == "PROPN" and sdoc[i - 1].text[:1].isupper():
        i -= 1
    if i > 0 and re.fullmatch(r"\d+(st|nd|rd|th)", sdoc[i - 1].lower_):
        return i - 1
    return start


#: what a company has and a product has not ("Zappo's chief executive")
_COMPANY_PARTS = frozenset({
    "ceo", "chief", "executive", "founder", "co-founder", "cofounder", "chairman",
    "chairwoman", "president", "employee", "staff", "workforce", "shareholder", "investor",
    "board", "headquarters", "spokesperson", "spokesman", "spokeswoman", "valuation",
})  # fmt: skip
#: what a company does and a product does not ("Zappo said", "Zappo raised $5 million")
_COMPANY_ACTS = frozenset({"say", "raise", "hire", "employ", "announce", "lay", "tell"})


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
    #: where the mentions that are the subjects of their clauses start
    subjects: set[int] = field(default_factory=set)
    #: where a dateline names the news agency ("LONDON (Reuters) -")
    agency_at: set[int] = field(default_factory=set)

    def agency(self) -> Mention | None:
        """The news agency the story's dateline names, if any."""
        return next(
            (self.by_token[at] for at in sorted(self.agency_at) if at in self.by_token), None
        )

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
            if m.name in surnames and m.kb_id is None and " " not in m.name:
                firsts = {o.split()[0] for o in orgs}
                if m.source == "place" or (
                    m.source in ("ner", "propn") and m.label != "Person" and m.name not in firsts
                ):
                    # "Scott Sheffield ... Sheffield, who ran ...": the person, not the
                    # city, nor a company the tagger made of the surname
                    self._swap(m, replace(m, label="Person"), i)
                    continue
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

    def settle_companies(self, blocks: list[tuple[Any, int]]) -> None:
        """A name the tagger or a cue word took for a product, that the document gives a
        company's parts or acts at least twice ("Zappo's chief executive", "Zappo raised
        $5 million", "Zappo said"), is the company's in every mention (the KB's names
        keep their class)."""
        evidence: dict[str, int] = {}
        for sdoc, offset in blocks:
            for tok in sdoc:
                m = self.by_token.get(offset + tok.idx)
                if m is None or m.label != "Product" or m.kb_id is not None:
                    continue
                if offset + tok.idx + len(tok.text) != m.end:
                    continue  # the name's last word stands for it in the parse
                head = tok.head.lemma_.lower()
                if (
                    tok.dep_ in ("poss", "compound", "amod", "nmod") and head in _COMPANY_PARTS
                ) or (tok.dep_ == "nsubj" and head in _COMPANY_ACTS):
                    evidence[m.name] = evidence.get(m.name, 0) + 1
        companies = {name for name, n in evidence.items() if n >= 2}
        for i, m in enumerate(self.mentions):
            if m.name in companies and m.label == "Product" and m.kb_id is None:
                self._swap(m, replace(m, label="Organization"), i)

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
        for short, m in self._short_forms(names).items():
            names.setdefault(short, m)
        matcher = PhraseMatcher(blocks[0][0].vocab, attr="ORTH")
        for text in sorted(names):
            matcher.add(text, [tokenized(text)])
        for sdoc, offset in blocks:
            self._add_repeats(sdoc, offset, matcher, names)

    def _short_forms(self, names: dict[str, Mention]) -> dict[str, Mention]:
        """'Ferrite Semiconductor ... Ferrite, which competes with Nvidia': the first word
        of a company's name of several words, standing alone, is that company, when only
        one such name begins with it and the text never uses it as a word. Names from
        the reference KB keep to their own aliases (a KB company named "Acme Labs" is no "Acme")."""
        begun: dict[str, list[Mention]] = {}
        for text, m in names.items():
            words = text.split()
            if m.label != "Organization" or m.source == "kb" or len(words) < 2:
                continue
            first = words[0]
            if (
                len(first) < 3
                or not first.isalpha()
                or not first[:1].isupper()
                or first in names
                or first in LEXICON.given_names
                or first in LEXICON.demonyms
                or is_place_name(first)
                or load_kb().lookup(first) is not None
                or used_as_word(first.lower(), self.text)
            ):
                continue
            begun.setdefault(first, []).append(m)
        return {first: ms[0] for first, ms in begun.items() if len({m.name for m in ms}) == 1}

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
                type_weight=TYPE_WEIGHT["propn"] if like.source != "kb" else like.type_weight,
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
        for key, start, end in kb_matcher(sdoc.vocab)(sdoc):
            found.append(
                (start, end, kb.entities[self._key(key, sdoc)].cls, "kb", self._key(key, sdoc))
            )
        for ent in sdoc.ents:
            cls = NER_CLASSES.get(ent.label_)
            if cls is None:
                continue
            if len(ent) == 1 and strip_legal("X " + ent.text) == "X":
                # "Grupo Tavares Pagamentos S.A.", with only "S.A." tagged: the name before
                start = ent.start
                while (
                    start > 0
                    and sdoc[start - 1].dep_ == "compound"
                    and (sdoc[start - 1].text[:1].isupper())
                ):
                    start -= 1
                if start < ent.start:
                    found.append((start, ent.end, "Organization", "ner", None))
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
            start = _ordinal_start(sdoc, ent.start)  # "21st Century Fox", tagged "Fox"
            while cls == "Organization" and start > 0 and _acronym_part(sdoc[start - 1], ent, kb):
                start -= 1  # "CD Projekt", "SK Hynix", tagged without their letters
            if start == ent.start and ent[-1].text in LEXICON.org_suffixes:
                # "Bellbird Software", "Bellbird Pay", tagged without their first words:
                # the untagged proper nouns compounded onto a company's last word
                while (
                    start > 0
                    and sdoc[start - 1].tag_ in ("NNP", "NNPS")
                    and sdoc[start - 1].dep_ == "compound"
                    and ent.start <= sdoc[start - 1].head.i < ent.end
                    and not sdoc[start - 1].ent_type_
                    and sdoc[start - 1].text[:1].isupper()
                    and kb.lookup(sdoc[start - 1].text) is None
                ):
                    start -= 1
                if start < ent.start and cls == "Person":
                    cls = "Organization"  # a person's name ends in no company word
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
                    and joins[0] - leading_places(words) == 1
                    # "Securities and Exchange Commission", not "Oakhurst and Lumen Partners"
                    and english_word(words[joins[0] - 1])
                )
                or (  # "National Markets and Competition Commission": a public body's
                    # name, all its words capitalised English words
                    cls == "Organization"
                    and len(joins) == 1
                    and words[-1].text in PUBLIC_BODIES
                    and all(
                        english_word(w) and w.text[:1].isupper()
                        for n, w in enumerate(words)
                        if n != joins[0]
                    )
                )
                or (  # "Stadia Games and Entertainment", "Barnes and Noble": one common
                    # word after the "and", another before it, neither a known name
                    cls == "Organization"
                    and len(joins) == 1
                    and joins[0] == len(words) - 2
                    and joins[0] >= 1
                    and all(
                        english_word(w) and w.text[:1].isupper() and kb.lookup(w.text) is None
                        for w in (words[joins[0] - 1], words[-1])
                    )
                )
                or (  # "Authority for Consumers and Markets", "Department of Health and ..."
                    cls == "Organization"
                    and len(joins) == 1
                    and any(
                        w.lower_ in ("for", "of") and n > 0 and words[n - 1].text in PUBLIC_BODIES
                        for n, w in enumerate(words[: joins[0]])
                    )
                )
            )
            for tok in ent:
                if whole and tok.lower_ in ("and", "&"):
                    continue
                listed = (  # "Zappo, Pixie and Lumo"; not "Acme Co., Ltd"
                    tok.text == ","
                    and tok.i + 1 < ent.end
                    and sdoc[tok.i + 1].text[:1].isupper()
                    and strip_legal("X " + sdoc[tok.i + 1].text) != "X"
                )
                between = tok.text in _BETWEEN_NAMES  # "tying Teams to Office": two names
                if (
                    tok.dep_ == "case" or tok.lower_ in ("and", "or") or listed or between
                ) and tok.i > start:
                    found.append((start, tok.i, cls, "ner", None))
                    start = tok.i + 1
            if start < ent.end:
                found.append((start, ent.end, cls, "ner", None))
        found.extend(brand_models(sdoc, found))
        found.extend(cue_mentions(sdoc))
        found.extend(proper_nouns(sdoc, self.text))
        found.extend(odd_names(sdoc))
        found = _split_at_titles(sdoc, found)
        # "BOSTON - Acme said ...", "LONDON (Reuters) - ...": a dateline is no part of a name
        # and names no entity the story is about.
        lines = datelines(sdoc)
        if lines:
            found = [
                (max(start, lines[start]), end, cls, source, key)
                if start in lines and lines[start] < end
                else (start, end, cls, source, key)
                for start, end, cls, source, key in found
                if not (start in lines and lines[start] >= end)
            ]
        for start, end in agencies(sdoc):  # "(Reuters)": the agency that reports the story
            name = normalise_name(sdoc[start:end].text)
            entry = load_kb().lookup(name)
            found.append((start, end, "Organization", "kb" if entry else "cue",
                          entry.key if entry else None))  # fmt: skip
            self.agency_at.add(offset + sdoc[start].idx)
        found.extend(self._surnames(sdoc))
        # The longer span wins; among equal spans the stronger source. A shorter
        # span naming the same thing lends its stronger typing ("codenamed 'Spud'").
        # "Apple 2b" in "EU Fines Apple 2b": only names the body knows, if it names any
        if headline and title_case(sdoc) and known_names:
            found = [
                f
                for f in found
                if f[4] is not None or self._known_in(sdoc[f[0] : f[1]], known_names)
            ]
        found.sort(key=lambda f: (-(f[1] - f[0]), -TYPE_WEIGHT[f[3]], f[0]))
        taken: set[int] = set()
        chosen: list[tuple[Any, str, str, str | None, str]] = []
        for start, end, cls, source, key in found:
            if any(i in taken for i in range(start, end)):
                name = normalise_name(sdoc[start:end].text)
                for n, (span, _cls, src, _key, cname) in enumerate(chosen):
                    stronger = TYPE_WEIGHT[source] > TYPE_WEIGHT[src]
                    if cname == name and stronger and span.start <= start and end <= span.end:
                        chosen[n] = (span, cls, source, key, cname)
                continue
            span = sdoc[start:end]
            # Drop a leading determiner the NER model included ("the Sora app").
            while len(span) > 1 and (
                span[0].lower_ in ("the", "a", "an")
                or (span[0].pos_ == "VERB" and not _capitalised_participle(span[0]))
                or glued_magnitude(span[0])  # "€25m Series A"
                or (  # "chipmaker Halvex Semiconductors": the descriptor is no part of it
                    span[0].is_alpha
                    and span[0].is_lower
                    and not name_particle(span[0].text)
                    and (english_word(span[0]) or LEXICON.cue_class(span[0].lower_) is not None)
                )
                or (span[0].is_sent_start and span[0].lower_.endswith("ing"))
                or (span[0].is_sent_start and span[0].lower_ in LEXICON.furniture.premodifiers)
            ):
                span = span[1:]  # "Cutting Sora" is a verb and its object
            cue_at = [
                k
                for k, t in enumerate(span)
                if 0 < k < len(span) - 1
                and t.is_lower
                and t.is_alpha
                and LEXICON.cue_class(t.lower_) is not None
                and span[k + 1].text[:1].isupper()
            ]
            if cue_at:
                span = span[cue_at[-1] + 1 :]  # "Wi-Fi company Eero": the name is Eero
            before = sdoc[span.start - 1] if span.start > 0 else None
            if (
                before is not None
                and key is None
                and before.text in LEXICON.given_names
                and span[0].text not in LEXICON.given_names
                and span[0].text[:1].isupper()
                and before.i not in taken
                and before.whitespace_ != ""
            ):
                # "Ana Lucía Roe", tagged from its second name: a given name before
                # it is the start of the person's name
                span, cls = sdoc[span.start - 1 : span.end], "Person"
            if (
                len(span) > 2
                and span[1].lower_ == "of"
                and span[0].text.endswith("s")
                and span[0].text not in LEXICON.org_suffixes
                and english_word(span[0])
            ):
                span = span[2:]  # "Shares of Hanbit Group", not "University of Washington"
            name = normalise_name(span.text)
            known = key is not None or kb.lookup(name) is not None
            if not self._acceptable(name, span, "" if known else self.text):
                continue
            if key is None:
                entry = kb.lookup(name)
                if entry is not None:
                    key, cls, source = entry.key, entry.cls, "kb"
                else:
                    cue = cue_type(span, name)
                    if cue is not None:
                        cls, source = cue, "cue"
            if key is None and is_place_name(name) and source != "cue":
                cls, source = "Place", "place"  # "UK", "Colorado": places whatever the tagger says
            elif key is None and source in ("ner", "propn") and _based_in(span):
                cls, source = "Place", "cue"  # "a Curitiba-based digital bank": where it is
            elif key is None and cls == "Place" and source == "ner" and not locative(span):
                cls = "Organization"  # an unknown name the tagger took for a place
            elif key is None and source in ("ner", "propn"):
                words = name.split()
                numbered = len(words) > 2 and re.fullmatch(r"\d+|[IVX]+", words[-1]) is not None
                if cls in ("Product", "Person") and numbered and words[-2] in LEXICON.org_suffixes:
                    cls = "Organization"  # "Vision Fund 2", "Halvex Capital Partners III"
                elif cls == "Person" and any(c.isdigit() for c in name):
                    cls = "Product"  # "Kestrel-4o": a name with a digit is no person's
                elif cls == "Person" and len(words) > 1 and words[-1] in LEXICON.org_suffixes:
                    cls = "Organization"  # "Halden Freight": a company's last word
                elif cls == "Person" and len(words) > 1 and _brand_first(words, kb):
                    # "Xbox Cloud Gaming": a known company's or product's name first
                    cls = "Organization" if words[-1] in LEXICON.org_suffixes else "Product"
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

            name_words = name.split()
            if key is None and len(name_words) > 1 and name_words[-1] in LEXICON.law_suffixes:
                cls = "Excluded"  # "the Digital Markets Act": a law, no entity
            if headline and key is None and source != "cue" and name.lower() in known_names:
                cls, source = known_names[name.lower()], "propn"  # the body's class, weakly
            if cls == "Excluded":
                continue  # "characters such as X": no entity of the ontology
            taken.update(range(start, end))
            chosen.append((span, cls, source, key, name))
        chosen = join_particles(sorted(chosen, key=lambda c: c[0].start))
        chosen = share_coordinated_classes(chosen)
        chosen = [  # "Microsoft Teams", "Skype for Business", "Google Meet": products
            (span, "Product", source, key, name)
            if key is None
            and source in ("ner", "propn")
            and cls not in ("Person", "Product", "AIModel")
            and named_after(name, kb, self.mentions, chosen)
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
                type_weight=TYPE_WEIGHT[source],
            )
            self.mentions.append(m)
            for tok in span:
                self.by_token[offset + tok.idx] = m
            if span.root.dep_ in ("nsubj", "nsubjpass"):
                self.subjects.add(m.start)

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
        ordinal = re.match(r"\d+(st|nd|rd|th) [A-Z]", name)  # "21st Century Media"
        if name[:1].isdigit() and not ordinal and load_kb().lookup(name) is None:
            return False  # "3D", "2024 Games"
        if text and " " not in name:
            forms = {low, low + "s", low.removesuffix("s")}
            if any(used_as_word(f, text) for f in forms):
                return False  # the text also uses the word in lower case: a common word
        if len(name) < 2 or low in LEXICON.furniture.not_entities or "|" in name:
            return False  # "Veltra | Orvane": two items of a list, no one name
        if ROUND_NAME.fullmatch(low):
            return False  # "Series B": a funding round, no entity
        if all(w.rstrip("s") in _GENERIC_CAPITALS for w in name.split()):
            return False  # "AI GPU clusters", "EV SUVs": kinds of thing in capitals
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
            and english_word(first)
        ):
            return False  # "Quit chasing the hype": an imperative
        opening = first.is_sent_start or (
            first.i > 0 and first.doc[first.i - 1].is_sent_start and first.doc[first.i - 1].is_quote
        )
        if (
            len(span) == 1
            and opening
            and (span[0].pos_ in ("VERB", "ADJ", "ADV") or span[0].tag_ == "NNS")
            and english_word(span[0])
        ):
            # a capitalised first word the NER model took for a name ("Defendants have
            # avoided ...": a plural common noun, as the tagger reads it)
            return False
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


def _split_at_titles(
    sdoc: Any, found: list[tuple[int, int, str, str, str | None]]
) -> list[tuple[int, int, str, str, str | None]]:
    """'Sahyadri Infotech CEO Rajan': a title inside a name ends one name (the
    organisation) and begins another (the person)."""
    out: list[tuple[int, int, str, str, str | None]] = []
    for start, end, cls, source, key in found:
        inner = [
            i
            for i in range(start + 1, end - 1)
            if LEXICON.cue_class(sdoc[i].lower_) == "Person" and sdoc[i].lower_ in _TITLES
        ]
        if key is not None or not inner:
            out.append((start, end, cls, source, key))
            continue
        out.append((start, inner[0], "Organization", source, None))
        out.append((inner[-1] + 1, end, "Person", source, None))
    return out


#: titles that stand between a company and a person in a run of capitalised words
_TITLES = {"ceo", "cfo", "coo", "cto", "chairman", "chairwoman", "chair", "president",
           "founder", "co-founder", "boss", "chief", "director", "executive"}  # fmt: skip


def _brand_first(words: list[str], kb: Any) -> bool:
    """Whether a name's first word is a known company's or product's, and no given name."""
    if words[0] in LEXICON.given_names:
        return False
    entry = kb.lookup(words[0])
    return entry is not None and entry.cls in ("Organization", "Product", "AIModel")


#: capitals that modify a name without being part of it ("AI startup", "EV maker")
_MODIFIER_CAPITALS = frozenset({"AI", "EV", "IT", "VR", "AR", "ML", "HR", "IPO", "API", "ESG"})
#: capitals that name a kind of thing, never one thing of the world on their own
_GENERIC_CAPITALS = _MODIFIER_CAPITALS | frozenset({
    "GPU", "CPU", "NPU", "TPU", "LLM", "PC", "TV", "SUV", "NFT", "SaaS", "SDK", "UI", "OS",
    "5G", "4G", "LTE", "USB", "RAM", "SSD", "LED", "OLED", "LCD", "GPS", "IoT", "CEO",
    "CFO", "CTO", "COO", "VP", "AGI", "GenAI",
})  # fmt: skip


def _acronym_part(tok: Any, ent: Any, kb: Any) -> bool:
    """Whether ``tok``, just before a tagged organisation's name and compounded to it, is
    a run of two to four capitals that belongs to the name."""
    return (
        tok.dep_ == "compound"
        and ent.start <= tok.head.i < ent.end
        and re.fullmatch(r"[A-Z]{2,4}", tok.text) is not None
        and tok.text not in _MODIFIER_CAPITALS
        and kb.lookup(tok.text) is None
        and tok.text not in LEXICON.place_names
        and tok.text not in LEXICON.demonyms
        and LEXICON.cue_class(tok.lower_) is None
    )


def _based_in(span: Any) -> bool:
    """'a Curitiba-based digital bank', 'Hartford, Connecticut-based insurer X': a name
    before "-based" on an organisation's noun is a place (not "Arm-based chips": a
    product's noun)."""
    doc, i = span.doc, span.end
    if i + 2 < len(doc) and doc[i].text == "," and doc[i + 1].text in LEXICON.place_names:
        i += 2  # "Hartford, Connecticut-based insurer X": the city before its state
    if i + 1 < len(doc) and doc[i].text in ("-", "\u2011") and doc[i + 1].lower_ == "based":
        based = doc[i + 1]
    elif i < len(doc) and doc[i].lower_ == "-based":
        based = doc[i]
    else:
        return False
    noun, chain = based.head, [based.head]
    while noun.dep_ == "compound" and noun.head.i > noun.i:
        noun = noun.head
        chain.append(noun)  # "Connecticut-based insurer Brennan Mutual": up to the name
    return any(n.pos_ == "NOUN" and LEXICON.cue_class(n.lemma_) == "Organization" for n in chain)


def _capitalised_participle(tok: Any) -> bool:
    """'Bending Spoons': a capitalised "-ing" word inside a sentence, before another
    capitalised word, begins the name (not "Cutting Sora" at a sentence's start)."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return (
        tok.tag_ == "VBG"
        and tok.text[:1].isupper()
        and not tok.is_sent_start
        and nxt is not None
        and nxt.text[:1].isupper()
        and not tok.doc[tok.i - 1].is_punct
    )
