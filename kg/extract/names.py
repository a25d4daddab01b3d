"""What a name looks like: its normal form, its legal suffix, the words around it that
type it ("cybersecurity firm X", "X, its photo app"), names with digits or inner
punctuation, datelines, places, and the English words a capitalised word may merely be.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from kg.kb import load_kb
from kg.lexicon import LEXICON
from kg.model import Mention

__all__ = [
    "NER_CLASSES",
    "dateline_at",
    "is_public_body",
    "normalise_name",
    "strip_legal",
]

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
TYPE_WEIGHT = {"kb": 4.0, "place": 4.0, "cue": 2.0, "ner": 1.0, "propn": 0.5, "coref": 0.0}
ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "dative", "pobj", "conj", "appos", "poss"}
_QUOTES = "\"'“”‘’«»"
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


_LEGAL = {"inc", "inc.", "corp", "corp.", "corporation", "co", "co.", "ltd", "ltd.", "llc",
          "plc", "ag", "sa", "s.a.", "s.a", "nv", "n.v.", "n.v", "se", "gmbh", "limited", "lp",
          "llp", "asa", "ab", "oyj", "spa", "s.p.a.", "bv", "b.v.", "kk", "k.k.", "pty",
          "pte", "sas", "srl", "ltda", "holdings", "group"}  # fmt: skip
#: a word for "group" before a name: "Grupo Tavares Pagamentos" is Tavares Pagamentos
_GROUP_PREFIXES = {"grupo", "gruppo", "groupe", "gruppe"}
#: suffixes that may name a parent rather than the company itself ("Asahara Holdings")
GROUP_WORDS = {"holdings", "group"}


#: Heads of the names of public bodies, which may hold an "and": "Department of Health and
#: Human Services", "Authority for Consumers and Markets".
PUBLIC_BODIES = {"Authority", "Department", "Ministry", "Office", "Bureau", "Commission",
                  "Agency", "Council", "Institute", "Board", "Administration", "Committee",
                  "Federation", "Association", "Society", "Academy", "Centre", "Center",
                  "School", "University", "College", "Museum", "Foundation", "Secretary",
                  "Minister", "Directorate", "Inspectorate", "Service", "Tribunal",
                  "Court"}  # fmt: skip


ROUND_NAME = re.compile(r"(?:pre-)?series [a-h]\d?\+?(?: round)?")
_SMALL_WORDS = {"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for",
                "by", "with", "from", "as", "into", "over", "vs", "after", "amid"}  # fmt: skip


def leading_places(words: list[Any]) -> int:
    """How many of the first words are places or nationalities ("UK", "Dutch")."""
    n = 0
    while n < len(words) and (
        words[n].text in LEXICON.demonyms or words[n].text in LEXICON.place_names
    ):
        n += 1
    return n


def title_case(sdoc: Any) -> bool:
    """True when a headline capitalises its words ("EU Fines Apple Over Music"), where
    capitals say nothing of names; "Acme to buy Lumo for $2bn" is written as a sentence."""
    words = [t for t in sdoc if t.is_alpha and t.lower_ not in _SMALL_WORDS]
    return len(words) >= 3 and all(t.text[:1].isupper() for t in words)


def is_public_name(name: str) -> bool:
    """Whether a name is a public body's by its head ("Competition and Markets
    Authority", "Federal Trade Commission")."""
    words = name.split()
    return bool(words) and words[-1] in _PUBLIC_HEADS


def is_public_body(m: Mention) -> bool:
    """Whether a mention names a regulator, court, ministry or other public body, by the
    head of its name or of its KB name ("FTC" is the Federal Trade Commission)."""
    names = [m.name]
    entry = load_kb().entities.get(m.kb_id) if m.kb_id else load_kb().lookup(m.name)
    if entry is not None:
        names.append(entry.label)
    return any(is_public_name(n) for n in names)


_PUBLIC_HEADS = PUBLIC_BODIES | {"Regulator", "Watchdog", "Parliament", "Government",
                                  "Police", "Prosecutor", "Prosecutors", "Senate", "Congress",
                                  "Union", "Ombudsman", "Comptroller"}  # fmt: skip


def strip_legal(name: str) -> str:
    """'Acme Corp.' -> 'Acme', 'Alphabet Inc.' -> 'Alphabet': the legal form is no part of
    the name."""
    words = name.replace(",", " ").split()
    while len(words) > 1 and words[-1].lower() in _LEGAL:
        words.pop()
        if len(words) > 1 and words[-1] in ("&", "and"):
            words.pop()  # "Wells Fargo & Co."
    if len(words) > 2 and words[0].lower() in _GROUP_PREFIXES:
        words.pop(0)
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
def kb_matcher(vocab: Any) -> Any:
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(vocab, attr="ORTH")
    kb = load_kb()
    tokenizer = _tokenizer()
    for key, ent in kb.entities.items():
        names = {ent.label, *ent.aliases}
        names |= {n[4:] for n in names if n.startswith("The ")}
        if ent.cls == "Product":  # "Halvex's Zetaphones": a product named in the plural
            names |= {n + "s" for n in names if " " not in n and n[-1:].isalpha() and n[-1] != "s"}
        matcher.add(key, [tokenizer(n) for n in sorted(names)])
    return matcher


@lru_cache(maxsize=4096)
def tokenized(text: str) -> Any:
    """A name as the tokenizer splits it, for a phrase pattern (names recur across
    documents, so each is tokenized once)."""
    return _tokenizer()(text)


@cache
def _tokenizer() -> Any:
    from kg.extract.nlp import load_nlp

    return load_nlp().tokenizer


_CHOICE = tuple[Any, str, str, "str | None", str]  # span, class, source, KB key, name


def is_place_name(name: str) -> bool:
    """'U.S' (the name without its final full stop) is 'U.S.'."""
    return name in LEXICON.place_names or f"{name}." in LEXICON.place_names


_LOCATIVE = {"in", "at", "near", "from", "across", "throughout", "within", "outside", "around"}


def locative(span: Any) -> bool:
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


def name_particle(word: str) -> bool:
    """'bin', 'von', 'de': a lower-case word inside a person's name."""
    return word.lower() in _PARTICLES


def join_particles(chosen: list[Any]) -> list[Any]:
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


def share_coordinated_classes(chosen: list[Any]) -> list[Any]:
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


def named_after(name: str, kb: Any, mentions: list[Mention], chosen: list[Any]) -> bool:
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


SUBJECTS = ("nsubj", "nsubjpass")
#: tagger labels of figures, which are never names
FIGURES = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}


@cache
def _english_words() -> frozenset[str]:
    """The English words the pipeline's lemmatiser knows (nouns, verbs, adjectives and
    adverbs): what a capitalised first word of a sentence is when it is no name."""
    from kg.extract.nlp import load_nlp

    lemmatizer = load_nlp().get_pipe("lemmatizer")
    index = lemmatizer.lookups.get_table("lemma_index")
    return frozenset(w for words in index.values() for w in words)


def english_word_text(word: str) -> bool:
    """Whether the word, in lower case or as a plural, is an English word."""
    words = _english_words()
    low = word.lower()
    singular = low[:-3] + "y" if low.endswith("ies") else low[:-1] if low.endswith("s") else ""
    return low in words or (bool(singular) and singular in words)


def english_word(tok: Any) -> bool:
    words = _english_words()
    low = tok.lower_
    if low in words or tok.lemma_.lower() in words:
        return True
    # a plural the tagger took for a name: "Securities", "Markets"
    singular = low[:-3] + "y" if low.endswith("ies") else low[:-1] if low.endswith("s") else ""
    return bool(singular) and singular in words


_ODD_NAME = re.compile(r"^(?=.*[A-Z])(?=.*[\d.:+\-])[A-Za-z][\w.:+\-]*[\w+]$")


#: a word with a capital inside it after a small letter, which English words never have:
#: "VantaQ", "ZapSense", "iCloud" (not "McDonald", a name of a person or a company)
_CAMEL_CASE = re.compile(r"^(?!Mc|Mac)[A-Za-z]*[a-z][A-Z][A-Za-z]*$")


def _in_capitals(text: str) -> bool:
    """'SÃO', 'PAULO', 'ST.', "O'HARE": a word of a dateline's place, in capitals."""
    return (
        len(text) > 1
        and text.isupper()
        and text[0].isalpha()
        and all(c.isalpha() or c in ".'’-" for c in text)
    )


def datelines(sdoc: Any) -> dict[int, int]:
    """Token index inside a dateline -> the index of the first token after it, for each
    sentence that opens with one ("SAN FRANCISCO, Calif. (Reuters) -", "HELSINKI -")."""
    return _datelines(sdoc)[0]


def agencies(sdoc: Any) -> list[tuple[int, int]]:
    """The token spans of the news agencies datelines name: "Reuters" in "LONDON
    (Reuters) -", "Bloomberg News" in "TOKYO (Bloomberg News) —"."""
    return _datelines(sdoc)[1]


def _datelines(sdoc: Any) -> tuple[dict[int, int], list[tuple[int, int]]]:
    out: dict[int, int] = {}
    found: list[tuple[int, int]] = []
    for sent in sdoc.sents:
        line = dateline_at(sdoc, sent.start, sent.end)
        if line is not None:
            end, agency = line
            out.update(dict.fromkeys(range(sent.start, end), end))
            if agency is not None:
                found.append(agency)
    return out, found


def dateline_at(
    sdoc: Any, start: int, stop: int | None = None
) -> tuple[int, tuple[int, int] | None] | None:
    """The dateline opening at token ``start`` ("SAN FRANCISCO, Calif. (Reuters) -",
    "HELSINKI -"): the index of the first token after it and the agency's span, if any."""
    end = len(sdoc) if stop is None else stop
    i = start
    while i < end and (
        _in_capitals(sdoc[i].text)
        or (sdoc[i].text == "/" and i > start and i + 1 < end and _in_capitals(sdoc[i + 1].text))
    ):
        i += 1  # "AMSTERDAM/PARIS": two places
    if i == start:
        return None
    if i < end and sdoc[i].text == ",":  # "AUSTIN, Texas"
        i += 1
        while i < end and sdoc[i].text[:1].isupper() and sdoc[i].text not in "-—–":
            i += 1
    agency: tuple[int, int] | None = None
    if i + 2 < end and sdoc[i].text == "(":
        close = next((j for j in range(i + 2, min(i + 6, end)) if sdoc[j].text == ")"), 0)
        if close and all(t.text[:1].isupper() or t.text == "&" for t in sdoc[i + 1 : close]):
            agency, i = (i + 1, close), close + 1  # "(Reuters)", "(Bloomberg News)"
    if i < end and sdoc[i].text in ("-", "—", "–", ":", "--"):
        return i + 1, agency
    return None


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


def glued_magnitude(tok: Any) -> bool:
    """'m' in '€25m': the magnitude of the number it is written against."""
    if tok.i == 0 or tok.lower_.rstrip(".") not in ("m", "mn", "bn", "b", "k", "tn"):
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
    return nxt is not None and nxt.lower_.rstrip(".") in _MAGNITUDES


def odd_names(sdoc: Any) -> list[tuple[int, int, str, str, str | None]]:
    """Names with inner digits or punctuation the tagger leaves out: 'Grok-1.5V',
    'GPT-4o', 'Name.AI', 'Name:ai', and versioned names: 'Llama 3', 'Gemini 1.5'
    (typed by the words around them, else a product)."""
    out: list[tuple[int, int, str, str, str | None]] = []
    for tok in sdoc[:-1]:
        nxt = sdoc[tok.i + 1]
        if (
            tok.pos_ == "PROPN"
            and tok.text[:1].isupper()
            and tok.lower_.rstrip(".") not in _MONTHS
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
        if tok.like_url or tok.like_email:
            continue
        if tok.is_sent_start and not (tok.text[:1].islower() and _CAMEL_CASE.match(tok.text)):
            continue  # "eVolta said": a small first letter is a name's, even first
        if _ODD_NAME.match(tok.text) and not tok.like_num and any(c.isalpha() for c in tok.text):
            if re.search(r"[a-z]", tok.text) or re.search(r"\d", tok.text):
                end = tok.i + 1  # "the F-150 Lightning pickup": the capitalised words after it
                while (
                    end < len(sdoc)
                    and sdoc[end].pos_ == "PROPN"
                    and sdoc[end].text[:1].isupper()
                    and sdoc[end].dep_ == "compound"
                    and sdoc[end].head.i == tok.head.i
                ):
                    end += 1
                out.append((tok.i, end, "Product", "propn", None))
        elif _CAMEL_CASE.match(tok.text) and tok.ent_type_ in ("", "PRODUCT"):
            out.append((tok.i, tok.i + 1, "Product", "propn", None))  # "the VantaQ family"
    return out


def _workplace(root: Any) -> bool:
    """Whether the name is where a person's post is: "an analyst at Edward Jones"."""
    return bool(
        root.dep_ == "pobj"
        and root.head.lower_ == "at"
        and root.head.head.pos_ == "NOUN"
        and LEXICON.cue_class(root.head.head.lemma_) == "Person"
    )


def cue_type(span: Any, name: str) -> str | None:
    """The class that the words around a name give it, if any; a person's full name
    stays a person's whatever noun types it ("film producer Dana Whitlow",
    "investor Kai Lund")."""
    cls = _cue_type(span, name)
    words = name.split()
    if (
        cls == "Organization"
        and 1 < len(words) < 4
        and words[0] in LEXICON.given_names
        and all(w[:1].isupper() and w.isalpha() for w in words)
        and words[-1] not in LEXICON.org_suffixes
        and load_kb().lookup(name) is None
        and not _workplace(span.root)
    ):
        return "Person"
    return cls


def _cue_type(span: Any, name: str) -> str | None:
    """The class that the words around a name give it, if any.

    "Glimmer, its photo app" and "the Glimmer app" make a product; "Acme CEO"
    makes Acme an organisation; "CEO Ada Roe" and "Ada Roe, the founder" a
    person; "Norwind Labs" an organisation by its last word.
    """
    if name in LEXICON.demonyms or is_place_name(name):
        return None  # "the US tech giant": a place, whatever noun it stands before
    root = span.root
    # "Blurbforge and Verbalux, two larger startups": the apposition types every conjunct.
    group = [root, *(c for c in root.children if c.dep_ == "conj")]
    if root.dep_ == "conj":
        group += [root.head, *(c for c in root.head.children if c.dep_ == "conj")]
    for child in (c for member in group for c in member.children):
        if child.dep_ == "appos" and not any(g.lower_ == "whose" for g in child.children):
            # "a legacy email client": two words first (not "Acme, whose chief executive")
            if child.lemma_.lower() in RIVAL_NOUNS:
                cls = _rivals_class(child)
                if cls is not None:
                    return cls  # "Signet, an open-source alternative to Slack"
            cls = _two_word_cue(child) or LEXICON.cue_class(child.lemma_)
            if cls in ("Product", "AIModel", "Organization", "Person"):
                return cls
    if root.dep_ == "nsubj" and root.head.lemma_ == "be":
        for attr in root.head.children:
            if attr.dep_ == "attr":
                cls = LEXICON.cue_class(attr.lemma_)
                if cls in ("Product", "AIModel", "Organization", "Person"):
                    return cls  # "Glimmer is a photo app"
    if (
        root.dep_ == "pobj"
        and root.head.lower_ == "of"
        and root.head.head.lemma_.lower() in _GOVERNED_BY
    ):
        return "Organization"  # "the board of Hallstatt Chemie", "shareholders of X"
    if _workplace(root):
        return "Organization"  # "an energy analyst at Edward Jones": where one works
    if root.dep_ == "appos":
        cls = LEXICON.cue_class(root.head.lemma_)
        if cls in ("Product", "AIModel", "Organization", "Person"):
            return cls
    if (
        root.dep_ in ("oprd", "dobj")
        and root.head.lemma_.lower() in CALLING
        and root.head.dep_ == "acl"
        and root.head.head.pos_ == "NOUN"
    ):
        cls = LEXICON.cue_class(root.head.head.lemma_)
        if cls in TYPED:
            return cls  # "a gene-editing kit called Primer"
    head = root.head
    while (
        head.dep_ in ("compound", "amod")
        and head.head.i > head.i
        and head.head.pos_ == "NOUN"
        and root.dep_ in ("compound", "nmod", "npadvmod")
    ):
        head = head.head  # "the Loop messaging app": the phrase's head noun
    if root.dep_ in ("compound", "nmod", "npadvmod") and head.pos_ == "NOUN":
        cls = LEXICON.cue_class(head.lemma_)
        if cls in ("Product", "AIModel"):
            return cls
    if root.dep_ in ("compound", "nmod") and root.head.pos_ == "NOUN":
        cls = LEXICON.cue_class(root.head.lemma_)
        if cls in ("Product", "AIModel"):
            return cls
        if root.head.lemma_.lower() in _MAKERS and root.head.i > span.end:
            # "Roomba vacuum maker iRobot": what the maker makes, of the kind between
            kinds = [LEXICON.cue_class(t.lemma_) for t in span.doc[span.end : root.head.i]]
            if kinds and kinds[-1] in ("Product", "AIModel"):
                return kinds[-1]
        if cls in ("Person", "Organization"):
            return "Organization"  # "Acme CEO", "Acme shareholders"
    before = span.doc[span.start - 1] if span.start > 0 else None
    if (
        before is not None
        and before.dep_ in ("compound", "nmod", "amod")
        and (before.head.i >= span.start)
    ):
        # "fund manager Aberdeen Asset Management": a two-word cue first
        cls = _two_word_cue(before) or LEXICON.cue_class(before.lower_)
        cls = cls or LEXICON.cue_class(before.lemma_)
        if cls in TYPED:
            return cls  # "CEO Ada Roe", "cybersecurity firm Acme", "messaging app Skype"
    if (
        before is not None
        and before.lower_ in _TITLES
        and 1 < len(words := name.split()) < 4
        and all(w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha() for w in words)
        and words[-1] not in LEXICON.org_suffixes
        and not any(w.lower() in LEXICON.furniture.title_words for w in words)
    ):
        return "Person"  # '"...," co-founder and chief executive Wanjiru Kamau said'
    listed = _listed_under(root)
    if listed is not None:
        cls = LEXICON.cue_class(listed.lemma_)
        if cls in TYPED:
            return cls  # "apps like WhatsApp", "characters such as X"
    if name.split()[-1] in LEXICON.org_suffixes and len(name.split()) > 1:
        return "Organization"
    return None


TYPED = ("Product", "AIModel", "Organization", "Person", "Excluded")
#: job titles that, right before a full name, make it a person's however it is parsed
_TITLES = frozenset({
    "executive", "officer", "founder", "co-founder", "cofounder", "ceo", "cfo", "coo", "cto",
    "chairman", "chairwoman", "chair", "chairperson", "president", "spokesperson",
    "spokesman", "spokeswoman", "analyst", "director", "manager", "engineer", "minister",
    "commissioner", "secretary", "senator", "governor", "mayor", "economist", "professor",
    "researcher", "scientist", "lawyer", "attorney", "vp", "boss",
})  # fmt: skip
#: who governs or owns an organisation, named with "of" and the organisation after it
_GOVERNED_BY = frozenset({"board", "directors", "shareholders", "stockholders", "shareholder"})
RIVAL_NOUNS = frozenset({"alternative", "rival", "competitor", "challenger"})
_NER_CLASSES = {"ORG": "Organization", "PRODUCT": "Product", "PERSON": "Person"}


def _rivals_class(noun: Any) -> str | None:
    """The class of what a rival noun is a rival of or to ("an alternative to Slack"): a
    rival is of the same kind, as the tagger or a cue word before the name types it."""
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ in ("to", "of", "for"):
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.pos_ == "PROPN":
                    known = load_kb().lookup(obj.text)  # "a rival to TikTok": an app
                    if known is not None:
                        return str(known.cls)
                    return _NER_CLASSES.get(obj.ent_type_, "Organization")
    return None


_MAKERS = frozenset({"maker", "developer", "creator", "manufacturer", "designer", "producer"})


def _two_word_cue(tok: Any) -> str | None:
    """The class of the typing noun the word ends with the word before it ("fund
    manager", "email client"), if the lexicon lists the two words."""
    if tok.i == 0:
        return None
    return LEXICON.cue_class(f"{tok.doc[tok.i - 1].lower_} {tok.lower_}")


#: participles that name what the noun before them describes ("a kit called Primer")
CALLING = frozenset({"call", "name", "dub", "brand", "christen", "title"})


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


def name_after(sdoc: Any, i: int) -> tuple[int, int] | None:
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


def used_as_word(form: str, text: str) -> bool:
    """Whether ``form`` stands in ``text`` as a word of its own (not after a full stop)."""
    if _WORD.fullmatch(form):
        return form in _words(text)
    return re.search(rf"(?<![\w.]){re.escape(form)}(?!\w)", text) is not None


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=4)
def _words(text: str) -> frozenset[str]:
    """The runs of word characters in ``text`` that no word character or full stop precedes."""
    return frozenset(re.findall(r"(?<![\w.])\w+", text))
