"""Repairs of the small model's tags and parse around names, run after the lemmatiser.

The small English model misreads the news constructions kg reads most: a headline's
verb taken for a plural noun ("Fabrik scraps Strada e-bike"), a noun that types a name
taken for a verb or cut off from the name ("has sued startup X"), a name in
apposition taken for the verb's object or conjunct, a relative clause or a repeated
preposition hung on the wrong word. ``repair`` re-reads each of them in place; every
helper here names the reading it mends with an example.
"""

from __future__ import annotations

from typing import Any

from kg.extract.triggers import load_triggers
from kg.lexicon import LEXICON

__all__ = ["repair"]


def repair(doc: Any) -> Any:
    """Mend the parse of ``doc`` where it misreads the constructions above. Should the
    mended heads ever form a loop, the parser's reading is put back whole: a parse that
    is no tree would stop the document's build."""
    before = [(t.head.i, t.dep_, t.pos_, t.tag_, t.lemma_) for t in doc]
    _mend(doc)
    if not _is_tree(doc):
        for t, (head, dep, pos, tag, lemma) in zip(doc, before, strict=True):
            t.head, t.dep_, t.pos_, t.tag_, t.lemma_ = doc[head], dep, pos, tag, lemma
    return doc


def _is_tree(doc: Any) -> bool:
    """Whether every word's chain of heads reaches a root."""
    rooted: set[int] = set()
    for t in doc:
        path: set[int] = set()
        u = t
        while u.i not in rooted and u.head.i != u.i:
            if u.i in path:
                return False
            path.add(u.i)
            u = u.head
        rooted |= path | {u.i}
    return True


def _mend(doc: Any) -> None:
    for tok in doc:
        if (
            tok.dep_ == "ROOT"
            and tok.tag_ == "NNS"
            and any(c.dep_ == "nsubj" and c.i < tok.i for c in tok.children)
        ):
            tok.pos_, tok.tag_ = "VERB", "VBZ"
        elif (lemma := _verb_conjunct_as_noun(tok)) is not None:
            tok.pos_, tok.tag_, tok.lemma_ = "VERB", "VBZ", lemma
        elif _name_then_verb(tok):
            _make_verb(tok, doc[tok.i - 1])
        elif _headline_verb_as_subject(tok):
            _make_headline_verb(tok)
        elif _descriptor_read_as_verb(tok):
            _make_descriptor(tok)
        elif (verb := _descriptor_verb_on_name(tok)) is not None:
            _make_name_object(tok, verb)
        elif (name := _name_cut_from_descriptor(tok)) is not None:
            _attach_descriptor(tok, name)
        elif (
            tok.dep_ == "appos" and tok.pos_ == "VERB" and LEXICON.cue_class(tok.lower_) in _TYPING
        ):
            tok.pos_, tok.tag_ = "NOUN", "NN"  # "Brightwall, a security startup based in"
        elif _descriptor_cut_from_apposition(tok):
            _make_apposition(tok)
        elif _currency_read_as_verb(tok):
            _make_currency(tok)
        elif _participle_after_count(tok):
            _make_count_modifier(tok)
        elif (city := _city_before_based(tok)) is not None:
            _make_city_modifier(city, tok.head)
        elif (name := _name_after_title_verb(tok)) is not None:
            _make_titles(tok, name)
        elif (name := _name_after_loose_title(tok)) is not None:
            _attach_titles(tok, name)
        elif (name := _name_before_loose_descriptor(tok)) is not None:
            _make_descriptor_apposition(tok, name)
        elif (name := _apposed_name(tok)) is not None:
            tok.head, tok.dep_ = name, "appos"
        elif (noun := _descriptor_of_relative(tok)) is not None:
            tok.head = noun
        elif (prep := _preposition_repeated(tok)) is not None:
            tok.head = prep  # "competes with A, and with B": B's "with" is A's
        elif (obj := _object_repeated(tok)) is not None:
            tok.head = obj  # "buying A for $1 billion and B for $2 billion": A's
        if tok.pos_ == "PROPN" and tok.text.islower() and LEXICON.cue_class(tok.lower_):
            tok.pos_, tok.tag_ = "NOUN", "NN"  # "the Kestrel Pay app": a word, not a name
        if tok.lower_ == "rival" and tok.tag_ == "JJ" and tok.head.pos_ == "PROPN":
            tok.pos_, tok.tag_, tok.dep_ = "NOUN", "NN", "compound"  # "joined rival Helix"
        if _acronym_as_word(tok):
            tok.pos_, tok.tag_ = "PROPN", "NNP"  # "CNIL fines Pixora", "Argentina's CNDC"
        if tok.pos_ == "VERB" and tok.lower_.startswith(("co-", "re-")) and len(tok) > 5:
            tok.lemma_ = _prefixed_lemma(tok.lower_)  # "co-founded": "co-found"
        elif tok.pos_ == "VERB" and (lemma := _mended_lemma(tok)) is not None:
            tok.lemma_ = lemma  # "fined": "fine", not "fin"; "relaunched": not "relaunche"


def _verb_conjunct_as_noun(tok: Any) -> str | None:
    """'which is based in Austin and competes with Uber', parsed with "competes" as a
    plural noun conjoined to the verb: a word of the relation lexicon's verbs, in
    "-s", joined by "and" to a verb and followed by its preposition or object, is the
    verb's conjunct. Returns the verb's lemma."""
    if not (
        tok.tag_ == "NNS"
        and tok.dep_ == "conj"
        and tok.head.pos_ in ("VERB", "AUX")
        and tok.lower_.endswith("s")
        and any(c.dep_ == "cc" for c in tok.head.children if tok.head.i < c.i < tok.i)
        and any(c.dep_ in ("prep", "dobj", "prt") and c.i > tok.i for c in tok.children)
        and not any(c.dep_ in ("det", "amod", "compound", "poss") for c in tok.children)
    ):
        return None
    word = tok.lower_
    return next((w for w in (tok.lemma_, word[:-1], word[:-2]) if _verb_word(w)), None)


def _capitals(tok: Any) -> bool:
    return bool(tok.text.isalpha() and tok.text.isupper() and len(tok.text) > 1)


def _acronym_as_word(tok: Any) -> bool:
    """'CNIL fines Pixora', 'Argentina's CNDC': a word of three to six capitals tagged as
    a common word, in a line not written in capitals, and no common abbreviation the
    lexicon lists, is a name."""
    if tok.pos_ == "PROPN" or not _capitals(tok) or not 3 <= len(tok.text) <= 6:
        return False
    low = tok.lower_
    if LEXICON.cue_class(low) or low in LEXICON.furniture.not_entities:
        return False
    doc = tok.doc
    around = [doc[i] for i in (tok.i - 1, tok.i + 1) if 0 <= i < len(doc)]
    return not any(_capitals(t) or t.text == ":" for t in around)


def _name_then_verb(tok: Any) -> bool:
    """'Orvane Pay competes with Halvex', 'Acme Labs partners with Beta': a lower-case
    plural noun at the root, right after a name it has swallowed as a modifier and
    before a preposition, is the sentence's verb; so is a verb of the relation lexicon
    read that way before a name ("The LumaBook 14 laptop replaces last year's ...")."""
    if tok.dep_ != "ROOT" or tok.tag_ != "NNS" or not tok.is_lower or tok.i == 0:
        return False
    prev = tok.doc[tok.i - 1]
    if (
        tok.lemma_ == tok.lower_
        or prev.head.i != tok.i
        or prev.dep_ not in ("compound", "nmod", "nummod")
        or any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
    ):
        return False
    after = [c for c in tok.children if c.i > tok.i]
    if prev.pos_ in ("PROPN", "NUM") and any(c.dep_ == "prep" for c in after):
        return True
    # "The LumaBook 14 laptop replaces last year's LumaBook 13": a verb of the relation lexicon
    # with a name after it, the noun before it ending a name
    named = any(t.pos_ == "PROPN" for t in tok.doc[max(0, tok.i - 4) : tok.i])
    return (
        named
        and prev.pos_ in ("PROPN", "NUM", "NOUN")
        and _verb_word(tok.lemma_)
        and any(c.dep_ in _OBJECT_LIKE and c.pos_ == "PROPN" for c in after)
    )


def _headline_verb_as_subject(tok: Any) -> bool:
    """'Data Protection Commission fines Threadwork €90m': a verb of the relation lexicon
    read as a plural noun between two names, the subject of the second (the root)."""
    if tok.tag_ != "NNS" or not tok.is_lower or tok.i == 0 or tok.dep_ not in ("nsubj", "compound"):
        return False
    obj, prev = tok.head, tok.doc[tok.i - 1]
    return (
        _verb_word(tok.lemma_)
        and tok.lemma_ != tok.lower_
        and obj.dep_ == "ROOT"
        and obj.pos_ == "PROPN"
        and obj.i > tok.i
        and all(t.pos_ == "PROPN" for t in tok.doc[tok.i + 1 : obj.i + 1])
        and prev.pos_ == "PROPN"
        and prev.head.i == tok.i
    )


def _make_headline_verb(tok: Any) -> None:
    """Make the noun the root verb, the name before it its subject, the root its object."""
    obj = tok.head
    for child in list(obj.children):
        if child.i > obj.i:
            child.head = tok  # "€90m", "over children's data": the verb's
    tok.head, tok.dep_ = tok, "ROOT"
    obj.head, obj.dep_ = tok, "dobj"
    tok.doc[tok.i - 1].dep_ = "nsubj"
    tok.pos_, tok.tag_ = "VERB", "VBZ"


#: how the parser hangs the object of a verb it took for a noun
_OBJECT_LIKE = ("npadvmod", "dobj", "appos", "dep", "attr")


#: the classes whose cue nouns stand before a name as its descriptor
_TYPING = ("Organization", "Product", "AIModel", "Person")


def _verb_word(lemma: str) -> bool:
    """Whether the relation lexicon lists the word as a verb ("launch", "back")."""
    return lemma.lower() in load_triggers().verb_words


def _descriptor_read_as_verb(tok: Any) -> bool:
    """'has sued startup Halvex', 'has sued artificial intelligence startup Halvex': a
    noun that types names (a cue word of the lexicon), read as a verb hung on the verb
    just before it, with the name after it as its object."""
    if tok.tag_ not in ("VB", "VBN", "VBD", "VBP") or tok.dep_ not in (
        "xcomp",
        "ccomp",
        "dobj",
        "advcl",
    ):
        return False
    if LEXICON.cue_class(tok.lower_) not in _TYPING or tok.head.i >= tok.i:
        return False
    if any(c.dep_ in ("aux", "auxpass", "neg") for c in tok.children) or _verb_word(tok.lemma_):
        return False  # "expected to launch Quill", "will back Halvex": a verb after all
    if tok.head.pos_ not in ("VERB", "AUX"):
        return False
    between = tok.doc[tok.head.i + 1 : tok.i]
    if tok.left_edge.i != tok.head.i + 1 and not (
        # "bought Swedish payments firm Klarna", parsed with "payments" as the object:
        # only nouns and adjectives between the verb and it
        between
        and all(t.pos_ in ("ADJ", "NOUN") for t in between)
        and between[-1].pos_ == "NOUN"
        and between[-1].head.i == tok.head.i
    ):
        return False  # only its own modifiers between the verb and it
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return (
        nxt is not None
        and nxt.pos_ == "PROPN"
        and any(c.dep_ == "dobj" and c.pos_ == "PROPN" and c.i > tok.i for c in tok.children)
    )


def _descriptor_verb_on_name(tok: Any) -> Any:
    """'bought Swedish payments firm Quoda', parsed with "payments" as the verb's object
    and "firm" as a verb modifying the name: the verb the name is the object of, else
    None."""
    if not tok.tag_.startswith("VB") or tok.dep_ != "amod" or tok.i < 2:
        return None
    if LEXICON.cue_class(tok.lower_) not in _TYPING or _verb_word(tok.lemma_):
        return None
    name, before = tok.head, tok.doc[tok.i - 1]
    if name.pos_ != "PROPN" or name.i <= tok.i or before.pos_ != "NOUN":
        return None
    verb = before.head
    if verb.pos_ != "VERB" or verb.i > before.i or before.dep_ != "dobj":
        return None
    return verb


def _make_name_object(tok: Any, verb: Any) -> None:
    """Make the name the verb's object, the noun and the words before it its modifiers."""
    name, before = tok.head, tok.doc[tok.i - 1]
    name.head, name.dep_ = verb, "dobj"
    before.head, before.dep_ = tok, "compound"
    tok.dep_, tok.pos_, tok.tag_ = "compound", "NOUN", "NN"


def _name_cut_from_descriptor(tok: Any) -> Any:
    """The name right after a typing noun (a cue word of the lexicon) that the parser
    hung on an earlier word instead of on the noun ("backed startup Halvex", "a stake in
    game studio Orvane Interactive"), or read as a second subject of the verb ("Roomba
    vacuum maker iRobot cut jobs"); None if there is none."""
    if tok.pos_ != "NOUN" or tok.dep_ not in ("pobj", "dobj", "nsubj") or tok.i + 1 >= len(tok.doc):
        return None
    if LEXICON.cue_class(tok.lower_) not in _TYPING or any(c.i > tok.i for c in tok.children):
        return None
    first = tok.doc[tok.i + 1]
    if not _name_word(first):
        return None
    end = first.i
    while end + 1 < len(tok.doc) and _name_word(tok.doc[end + 1]):
        end += 1
    if tok.doc[end].pos_ != "PROPN":
        return None
    chain = tok.doc[first.i : end + 1]
    roots = [t for t in chain if not (first.i <= t.head.i <= end)]
    if len(roots) != 1:
        return None
    root = roots[0]
    if tok.dep_ == "nsubj":
        return root if root.dep_ == "nsubj" and root.head.i == tok.head.i else None
    if root.dep_ not in ("dobj", "npadvmod", "appos", "conj", "ccomp") or root.head.i >= tok.i:
        return None
    if root.dep_ == "conj" and not any(
        c.dep_ == "relcl" and c.i < tok.i for c in root.head.children
    ):
        return None  # "Notion and Evernote, which was sold to app developer Bending Spoons"
    return root


def _name_word(tok: Any) -> bool:
    """A word of a name: a proper noun, or a capitalised "-ing" word ("Bending Spoons")."""
    return bool(tok.pos_ == "PROPN" or (tok.tag_ == "VBG" and tok.is_title))


def _descriptor_cut_from_apposition(tok: Any) -> bool:
    """'Veltrix, a cloud security startup based in Denver', parsed with "security" as
    the apposition and "startup" a verb hung on it: a typing noun right after the noun
    in apposition, read as a participle."""
    noun = tok.head
    return (
        tok.dep_ == "acl"
        and tok.pos_ == "VERB"
        and LEXICON.cue_class(tok.lower_) in _TYPING
        and noun.dep_ == "appos"
        and noun.pos_ == "NOUN"
        and noun.i == tok.i - 1
        and not any(c.dep_ in ("aux", "auxpass", "neg", "dobj") for c in tok.children)
    )


def _name_before_loose_descriptor(tok: Any) -> Any:
    """'pulling the plug on Zipline, its payments app.', parsed with "app" hung on the
    verb apart from the name: a typing noun whose phrase ("its payments app", "a
    budgeting app") follows a comma right after a name, and ends the clause or the
    sentence, not in apposition to it. The name's last word, else None."""
    if tok.pos_ != "NOUN" or tok.dep_ in ("compound", "conj", "pobj", "dobj", "attr"):
        return None
    if LEXICON.cue_class(tok.lower_) not in _TYPING:
        return None
    i = tok.i - 1
    while (
        i > 0
        and tok.doc[i].pos_ in ("NOUN", "ADJ", "PROPN", "DET", "PRON", "NUM")
        and (tok.doc[i].pos_ != "PROPN" or tok.doc[i].head.i == tok.i)
    ):
        if tok.doc[i].pos_ in ("DET", "PRON"):
            i -= 1
            break  # "its", "a": the phrase's first word
        i -= 1
    if i < 1 or tok.doc[i].text != ",":
        return None
    name = tok.doc[i - 1]
    if tok.dep_ == "appos" and not i < tok.head.i < tok.i:
        return None  # in apposition to something else than its own phrase's words
    after = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if name.pos_ != "PROPN" or (after is not None and after.text not in (".", ",", ";")):
        return None
    if any(c.dep_ in ("aux", "auxpass", "neg", "dobj") for c in tok.children):
        return None
    if _above(tok, name) or any(_above(t, name) for t in tok.doc[name.i + 2 : tok.i]):
        return None  # the name hangs on the phrase already: no loop
    return name


def _make_descriptor_apposition(tok: Any, name: Any) -> None:
    """Hang the typing noun on the name as its apposition, and the words of its phrase
    on the noun."""
    first = name.i + 2  # the word after the comma
    for t in tok.doc[first : tok.i]:
        if t.head.i == tok.i or not (first <= t.head.i <= tok.i):
            t.head = tok
            if t.dep_ in ("nsubj", "dobj", "npadvmod", "dep"):
                t.dep_ = "compound"
    tok.head, tok.dep_ = name, "appos"


def _currency_read_as_verb(tok: Any) -> bool:
    """'revenue of 38 trillion won', parsed with "won" as a verb: the currency after a
    figure's scale word."""
    if tok.lower_ != "won" or tok.pos_ not in ("VERB", "AUX") or tok.i == 0:
        return False
    before = tok.doc[tok.i - 1]
    return before.lower_ in ("million", "billion", "trillion") and tok.head.i != tok.i


def _make_currency(tok: Any) -> None:
    """Hang the currency on its figure, and what hung on it on the verb above it."""
    verb, figure = tok.head, tok.doc[tok.i - 1]
    for child in list(tok.children):
        if child.dep_ in ("nsubj", "nsubjpass"):
            child.dep_ = "dobj"  # "reported [revenue of 38 trillion] won": the object
        child.head = verb
    tok.head, tok.dep_ = figure, "nmod"
    tok.pos_, tok.tag_ = "NOUN", "NN"


def _participle_after_count(tok: Any) -> bool:
    """'had 500,000 paying subscribers', parsed with the figure as the subject of
    "paying" and the subscribers as its object: a participle between a figure and a
    plural noun describes the noun."""
    if tok.tag_ != "VBG" or tok.dep_ not in ("xcomp", "acl", "advcl", "ccomp"):
        return False
    if tok.i == 0 or tok.i + 1 >= len(tok.doc):
        return False
    figure, noun = tok.doc[tok.i - 1], tok.doc[tok.i + 1]
    return (
        figure.tag_ == "CD"
        and figure.head.i == tok.i
        and figure.dep_ in ("nsubj", "dobj")
        and noun.tag_ == "NNS"
        and noun.head.i == tok.i
        and noun.dep_ == "dobj"
    )


def _make_count_modifier(tok: Any) -> None:
    """Make the noun the verb's object, the figure and the participle its modifiers."""
    figure, noun, verb = tok.doc[tok.i - 1], tok.doc[tok.i + 1], tok.head
    for child in list(tok.children):
        if child.i > noun.i:
            child.head = verb  # "by the autumn": the verb's
    noun.head, noun.dep_ = verb, "dobj"
    figure.head, figure.dep_ = noun, "nummod"
    tok.head, tok.dep_ = noun, "amod"
    tok.pos_, tok.tag_ = "ADJ", "JJ"


def _city_before_based(tok: Any) -> Any:
    """'the Boise, Idaho-based company', parsed with the city as the phrase's head and
    the company joined to it: the city, else None."""
    if tok.lower_ not in ("based", "headquartered") or tok.dep_ != "amod":
        return None
    noun, city = tok.head, tok.head.head
    if noun.dep_ not in ("conj", "appos") or noun.pos_ != "NOUN" or city.pos_ != "PROPN":
        return None
    if not city.i + 2 < tok.i or city.doc[city.i + 1].text != ",":
        return None
    if not any(c.dep_ == "det" and c.i < city.i for c in city.children):
        return None  # "the": the phrase starts before the city
    return city


def _make_city_modifier(city: Any, noun: Any) -> None:
    """Make the noun the phrase's head where the city was, the city its modifier."""
    noun.head, noun.dep_ = (noun if city.head.i == city.i else city.head), city.dep_
    for child in list(city.children):
        if child.dep_ == "det" or child.i > noun.i:
            child.head = noun  # "the"; what follows the phrase
    city.head, city.dep_ = noun, "nmod"


def _apposed_name(tok: Any) -> Any:
    """'concentrate on the Band 3, a fitness tracker it unveiled', parsed with the
    tracker as the verb's object: a typing noun with "a" or "an", right after a name and
    a comma, is in apposition to the name (the name's head word, else None). So is one
    with a possessor, read as the verb's conjunct ("goes head to head with Snapwise,
    Meta's photo-editing tool")."""
    if tok.pos_ != "NOUN" or tok.dep_ not in ("dobj", "npadvmod", "conj"):
        return None
    if tok.head.pos_ != "VERB" or LEXICON.cue_class(tok.lemma_) not in _TYPING:
        return None
    start = tok.left_edge
    if start.text == "," and start.head.i == tok.i:
        start = tok.doc[start.i + 1]  # the comma parsed as the noun's own
    possessed = any(c.dep_ == "poss" and c.left_edge.i == start.i for c in tok.children)
    if start.lower_ not in ("a", "an") and not possessed:
        return None
    if tok.dep_ == "conj" and not possessed:
        return None
    if start.i < 2 or tok.doc[start.i - 1].text != ",":
        return None
    name = tok.doc[start.i - 2]
    while name.dep_ in ("nummod", "compound", "flat") and name.head.pos_ == "PROPN":
        name = name.head  # "Band 3": the name's head word
    if name.pos_ != "PROPN":
        return None
    if tok.dep_ == "conj":
        if not any(a.i == tok.head.i for a in name.ancestors):
            return None  # the name is inside the clause the noun was joined to
    elif name.head.i != tok.head.i and name.head.head.i != tok.head.i:
        return None  # the name hangs on the same verb, directly or through a preposition
    return name


def _preposition_repeated(tok: Any) -> Any:
    """The earlier preposition of the same word on the same verb that a preposition
    read as the verb's conjunct repeats ("competes with A, and with B"), else None."""
    if tok.pos_ != "ADP" or tok.dep_ != "conj" or tok.head.pos_ not in ("VERB", "AUX"):
        return None
    for c in tok.head.children:
        if c.dep_ == "prep" and c.lower_ == tok.lower_ and c.i < tok.i:
            return c
    return None


def _object_repeated(tok: Any) -> Any:
    """The verb's object before a noun phrase read as the verb's conjunct, after "and"
    ("buying CA for $18.9 billion and the security business of Symantec for $10.7
    billion"): the phrase is a second object (that object, else None)."""
    if tok.dep_ != "conj" or tok.pos_ not in ("NOUN", "PROPN") or tok.head.pos_ != "VERB":
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in tok.children):
        return None  # a clause of its own
    verb = tok.head
    objects = [  # the verb's object, or that of a verb under it ("grew by buying A")
        c
        for v in verb.subtree
        if v.i < tok.i and v.pos_ == "VERB" and (v.i == verb.i or v.dep_ in ("pcomp", "advcl"))
        for c in v.children
        if c.dep_ == "dobj" and c.i < tok.i and c.pos_ in ("NOUN", "PROPN")
    ]
    if not objects:
        return None
    obj = objects[-1]
    joined = any(c.dep_ == "cc" and obj.i < c.i < tok.i for c in verb.children)
    return obj if joined else None


def _descriptor_of_relative(tok: Any) -> Any:
    """'Kumo Workspace, a service for teams that Asahara launched', parsed with the
    relative clause on "teams": a relative clause whose gap is the object of a verb of the
    relation lexicon, hung on the object of a preposition that is no typing noun, belongs
    to the typing noun in apposition before the preposition (that noun, else None)."""
    if tok.dep_ != "relcl" or not _verb_word(tok.lemma_):
        return None
    if not any(c.dep_ == "dobj" and c.tag_ in ("WDT", "WP") for c in tok.children):
        return None
    pobj = tok.head
    if pobj.dep_ != "pobj" or pobj.pos_ != "NOUN" or LEXICON.cue_class(pobj.lemma_):
        return None
    noun = pobj.head.head
    if noun.dep_ != "appos" or noun.pos_ != "NOUN":
        return None
    return noun if LEXICON.cue_class(noun.lemma_) in _TYPING else None


_CO_TITLES = frozenset({"co-founder", "cofounder", "co-founders", "co-chair", "co-head"})


def _name_after_title_verb(tok: Any) -> Any:
    """'fired chief executive and co-founder Nikhil Rao', parsed with "co-founder" as a
    verb: the last word of the name right after it, else None."""
    if tok.lower_ not in _CO_TITLES or tok.pos_ not in ("VERB", "AUX"):
        return None
    i = tok.i + 1
    while i < len(tok.doc) and tok.doc[i].pos_ == "PROPN":
        i += 1
    return tok.doc[i - 1] if i > tok.i + 1 else None


def _name_after_loose_title(tok: Any) -> Any:
    """'"...," co-founder and chief executive Wanjiru Kamau said', parsed with the titles
    hung on the verb apart from the name right after them: the name's last word, else
    None."""
    if tok.pos_ != "NOUN" or LEXICON.cue_class(tok.lower_) != "Person":
        return None
    i = tok.i + 1
    while i < len(tok.doc) and tok.doc[i].pos_ == "PROPN" and tok.doc[i].text[:1].isupper():
        i += 1
    if i == tok.i + 1:
        return None
    name = tok.doc[i - 1]
    if tok.head.i == name.i or tok.i < tok.head.i < name.i or name.dep_ == "compound":
        return None  # the title already hangs on the name
    if tok.head.i > name.i or tok.dep_ in ("compound", "amod", "poss", "pobj", "dobj"):
        return None  # "the executive ... ", "of executive X": a phrase of its own
    return name


def _attach_titles(tok: Any, name: Any) -> None:
    """Hang the titles before the name (back through "and" and commas) on it."""
    i = tok.i
    while i >= 0 and (tok.doc[i].lower_ in ("and", ",") or _title_word(tok.doc[i])):
        t = tok.doc[i]
        if (
            t.pos_ == "NOUN"
            and _title_word(t)
            and not (t.i < t.head.i < tok.i)
            and not _above(t, name)
        ):
            t.head, t.dep_ = name, "compound"
        i -= 1


def _above(tok: Any, other: Any) -> bool:
    """Whether ``tok`` is ``other`` or one of the words ``other`` hangs on."""
    t = other
    for _ in range(len(other.doc)):
        if t.i == tok.i:
            return True
        if t.head.i == t.i:
            return False
        t = t.head
    return True  # a loop already: touch nothing


def _title_word(tok: Any) -> bool:
    low = tok.lower_
    return LEXICON.cue_class(low) == "Person" or low in LEXICON.furniture.title_words


def _make_titles(tok: Any, name: Any) -> None:
    """Read the titles before the name (back to the verb or noun they hang on) as its
    modifiers, the name where the first title was."""
    tok.pos_, tok.tag_ = "NOUN", "NN"
    if tok.i < tok.head.i <= name.i:
        return  # "co-founder Theo Aldana said": only the tag was wrong
    titles, i = [tok], tok.i - 1
    while i >= 0 and (tok.doc[i].lower_ in ("and", ",") or _title_word(tok.doc[i])):
        if tok.doc[i].pos_ == "NOUN" and _title_word(tok.doc[i]):
            titles.append(tok.doc[i])
        i -= 1
    first = titles[-1]
    if first.i == tok.i or first.head.i == first.i:
        name.head, name.dep_ = name, "ROOT"
    else:
        name.head, name.dep_ = first.head, first.dep_
    for title in titles:
        title.head, title.dep_ = name, "compound"
    for t in tok.doc[first.i : name.i]:
        if t.head.i == t.i and t.i != name.i:
            t.head = name  # no second root inside the phrase


def _make_apposition(tok: Any) -> None:
    """Make the typing noun the apposition, the noun before it its modifier."""
    noun = tok.head
    tok.head, tok.dep_ = noun.head, "appos"
    for child in list(noun.children):
        if child.i < noun.i:
            child.head = tok  # "a", "cloud": the typing noun's
    noun.head, noun.dep_ = tok, "compound"
    tok.pos_, tok.tag_ = "NOUN", "NN"


def _attach_descriptor(tok: Any, name: Any) -> None:
    """Hang the typing noun on the name after it, the name where the noun was."""
    name.head, name.dep_ = tok.head, tok.dep_
    tok.head, tok.dep_ = name, "compound"


def _make_descriptor(tok: Any) -> None:
    """Re-read the noun as a modifier of the name after it, the name as the object."""
    verb = tok.head
    name = next(c for c in tok.children if c.dep_ == "dobj" and c.pos_ == "PROPN" and c.i > tok.i)
    name.head, name.dep_ = verb, "dobj"
    for child in list(tok.children):
        if child.i > name.i:
            child.head = verb  # "in federal court": the verb's
        elif child.i < tok.i and child.dep_ in ("nsubj", "dobj"):
            child.dep_ = "compound"  # "artificial intelligence startup"
    for t in tok.doc[verb.i + 1 : tok.i]:
        if t.head.i == verb.i:
            t.head, t.dep_ = tok, "compound"  # "Swedish payments firm": the noun's words
    tok.head, tok.dep_ = name, "compound"
    tok.pos_, tok.tag_ = "NOUN", "NN"


def _make_verb(tok: Any, name: Any) -> None:
    """Re-read the root as a verb whose subject is the name before it."""
    for child in list(tok.children):
        if child.i < name.i:
            child.head = name
    name.dep_ = "nsubj"
    tok.pos_, tok.tag_ = "VERB", "VBZ"
    for child in tok.children:
        if child.i > tok.i and child.dep_ in _OBJECT_LIKE and child.pos_ in ("PROPN", "NOUN"):
            child.dep_ = "dobj"


def _mended_lemma(tok: Any) -> str | None:
    """The lexicon's verb a regular form stands for where the lemmatiser cut or kept one
    "e" too many ("fined" -> "fin", "coded" -> "cod", "relaunched" -> "relaunche")."""
    lemma = tok.lemma_.lower()
    if _verb_word(lemma):
        return None
    word = tok.lower_
    for base in (lemma + "e", lemma[:-1] if lemma.endswith("e") else ""):
        if not base or not _verb_word(base):
            continue
        stem = base[:-1] if base.endswith("e") else base
        if word in (base, base + "s", base + "d", base + "es", base + "ed", stem + "ing"):
            return base
    return None


def _prefixed_lemma(word: str) -> str:
    """The lemma of a verb with a hyphened prefix, which the lemmatiser mangles."""
    prefix, base = word[:3], word[3:]
    irregular = {"led": "lead", "leads": "lead", "leading": "lead", "wrote": "write",
                 "written": "write", "ran": "run", "built": "build", "made": "make"}  # fmt: skip
    if base in irregular:
        return prefix + irregular[base]
    for end in ("ing", "ed", "s"):
        if base.endswith(end) and len(base) > len(end) + 2:
            return prefix + base[: -len(end)]
    return word
