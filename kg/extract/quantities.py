"""Money, counts, percents, durations and rates: parsed from the words that state them,
and attached to what they describe.

A figure belongs to a property by the cue word nearest it ("raises $6 million at a
$60 million valuation": the first is funding, the second a valuation; the cues are
in ontology/rules.toml), and to the entity that the clause around it is about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from kg.lexicon import LEXICON
from kg.model import Mention, Quantity

if TYPE_CHECKING:
    from kg.extract.relations import SentenceReader
    from kg.extract.triggers import QuantityTrigger

__all__ = [
    "NUMBER_WORDS",
    "attach_quantities",
    "parse_quantity",
    "qualifier_before",
    "read_figures",
]

Tok = Any

_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "usd": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "gbp": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupee": "INR",
    "rupees": "INR",
    "reais": "BRL",
    "zloty": "PLN",
    "zlotys": "PLN",
    "zlotych": "PLN",
    "złoty": "PLN",
    "złotys": "PLN",
    "franc": "CHF",
    "francs": "CHF",
    "kronor": "SEK",
    "krona": "SEK",
    "kroner": "NOK",
    "krone": "NOK",
    "rand": "ZAR",
    "lira": "TRY",
    "liras": "TRY",
    "ringgit": "MYR",
    "baht": "THB",
    "dirham": "AED",
    "dirhams": "AED",
    "riyal": "SAR",
    "riyals": "SAR",
    "naira": "NGN",
    "rouble": "RUB",
    "roubles": "RUB",
    "ruble": "RUB",
    "rubles": "RUB",
    "peso": "MXN",
    "pesos": "MXN",
    "shilling": "KES",
    "shillings": "KES",
    "rupiah": "IDR",
    "shekel": "ILS",
    "shekels": "ILS",
    "won": "KRW",
}
#: a currency word made precise by the country before it ("Australian dollars")
_NATIONAL_CURRENCIES = {
    ("australian", "dollar"): "AUD",
    ("canadian", "dollar"): "CAD",
    ("hong kong", "dollar"): "HKD",
    ("singapore", "dollar"): "SGD",
    ("new zealand", "dollar"): "NZD",
    ("taiwan", "dollar"): "TWD",
    ("us", "dollar"): "USD",
    ("u.s.", "dollar"): "USD",
    ("danish", "krone"): "DKK",
    ("danish", "kroner"): "DKK",
    ("norwegian", "krone"): "NOK",
    ("swedish", "krona"): "SEK",
    ("swiss", "franc"): "CHF",
    ("mexican", "peso"): "MXN",
    ("argentine", "peso"): "ARS",
    ("philippine", "peso"): "PHP",
    ("kenyan", "shilling"): "KES",
    ("ugandan", "shilling"): "UGX",
    ("tanzanian", "shilling"): "TZS",
    ("indian", "rupee"): "INR",
    ("pakistani", "rupee"): "PKR",
    ("egyptian", "pound"): "EGP",
    ("south african", "rand"): "ZAR",
    ("brazilian", "real"): "BRL",
    ("brazilian", "reais"): "BRL",
    ("south korean", "won"): "KRW",
    ("korean", "won"): "KRW",
    ("chinese", "yuan"): "CNY",
    ("japanese", "yen"): "JPY",
    ("turkish", "lira"): "TRY",
    ("polish", "zloty"): "PLN",
    ("russian", "rouble"): "RUB",
    ("russian", "ruble"): "RUB",
    ("saudi", "riyal"): "SAR",
    ("nigerian", "naira"): "NGN",
    ("israeli", "shekel"): "ILS",
}
#: "A$184 million", "HK$2 billion": a dollar sign with its country's letters
_PREFIXED_DOLLARS = {"A": "AUD", "AU": "AUD", "C": "CAD", "CA": "CAD", "HK": "HKD",
                     "NZ": "NZD", "S": "SGD", "US": "USD", "R": "BRL", "NT": "TWD"}  # fmt: skip
_PREFIXED = re.compile(r"\b(A|AU|C|CA|HK|NZ|S|US|R|NT)\$")
_NATIONAL = re.compile(
    r"\s*("
    + "|".join(sorted({re.escape(a) for a, _ in _NATIONAL_CURRENCIES}, key=len, reverse=True))
    + r")\s+([a-zł]+?)(?:s|es)?\b",
    re.IGNORECASE,
)
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "k": 1_000,
    "million": 1_000_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "tn": 1_000_000_000_000,
}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
}
_DURATION_UNITS = {
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "hour",
    "hours",
    "minute",
    "minutes",
}
_RATE = re.compile(r"^\s*(?:a|an|per|each|every)\s+(day|week|month|year|hour)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PER_SHARE = re.compile(r"^\s*(?:in cash\s+)?(?:a|per|for each|each)\s+(?:\w+\s+)?share\b", re.I)
_VAGUE = re.compile(r"\bmulti[- ]?(million|billion|trillion)\b", re.IGNORECASE)


def qualifier_before(text: str) -> str:
    """The qualifier ("approximate", "at_most", ...) that the words just before a figure give."""
    low = " " + " ".join(text.lower().split()[-3:])
    for qual in ("at_most", "at_least", "approximate"):
        for phrase in LEXICON.qualifiers[qual]:
            if low.endswith(" " + phrase) or low.endswith(phrase) and not phrase.isalpha():
                return qual
    return "exact"


def _number(words: list[str]) -> Decimal | None:
    value: Decimal | None = None
    for w in words:
        w = w.lower().strip(",")
        if _NUMBER.fullmatch(w):
            try:
                value = Decimal(w.replace(",", ""))
            except InvalidOperation:
                return None
        elif m := re.fullmatch(r"(\d+(?:\.\d+)?)(k|m|mn|b|bn|tn)", w):
            value = Decimal(m.group(1)) * _SCALES[m.group(2)]
        elif w in _SCALES and w not in ("k", "m", "b"):
            value = (value if value is not None else Decimal(1)) * _SCALES[w]
        elif w in NUMBER_WORDS and value is None:
            value = Decimal(NUMBER_WORDS[w])
    return value


def _national(text: str) -> str | None:
    """The currency a country's name and a currency word give ("Kenyan shillings")."""
    low = text.lower()
    for (country, word), code in _NATIONAL_CURRENCIES.items():
        if re.search(rf"\b{re.escape(country)}\s+{word}(?:s|es)?\b", low):
            return code
    return None


def parse_quantity(
    span_text: str, label: str, *, before: str = "", after: str = ""
) -> Quantity | None:
    """Turn an entity span (spaCy MONEY, CARDINAL, QUANTITY, DATE) into a ``Quantity``.

    ``before`` and ``after`` are the words around the span, read for a
    qualifier ("around", "fewer than") and a rate ("a day").
    """
    text = " ".join(span_text.split())
    if label == "PERCENT":
        match = re.search(r"\d+(?:\.\d+)?", text)
        if match is None:
            return None
        qualifier = qualifier_before(before + " " + text[: match.start()])
        return Quantity("percent", Decimal(match.group()), text, unit="%", qualifier=qualifier)
    # "$85m", "$85M", "€1.2bn": a scale glued to the figure, in either case
    words = re.findall(r"[$€£¥₹]|\d+(?:[.,]\d+)*(?:(?i:k|mn|m|bn|b|tn)\b)?|[A-Za-z]+", text)
    qualifier = "exact"
    lead = []
    while words and words[0].lower() in {
        "about",
        "around",
        "roughly",
        "approximately",
        "nearly",
        "almost",
        "some",
        "over",
        "under",
        "up",
        "to",
        "more",
        "less",
        "fewer",
        "than",
        "at",
        "least",
        "most",
    }:
        lead.append(words.pop(0))
    if lead:
        qualifier = qualifier_before(" ".join(lead))
    if qualifier == "exact":
        qualifier = qualifier_before(before)
    vague = _VAGUE.search(text)
    currency = _national(text)
    prefixed = _PREFIXED.search(text)
    if currency is None and prefixed:
        currency = _PREFIXED_DOLLARS[prefixed.group(1)]
    currency = currency or next(
        (_CURRENCY_SYMBOLS[w] for w in words if w in _CURRENCY_SYMBOLS), None
    )
    # "won" counts only after a figure's scale ("38 trillion won"), never as a verb
    currency = currency or next(
        (
            _CURRENCY_WORDS[w.lower()]
            for i, w in enumerate(words)
            if w.lower() in _CURRENCY_WORDS
            and (w.lower() != "won" or (i > 0 and words[i - 1].lower() in _SCALES))
        ),
        None,
    )
    if currency is None and label in ("CARDINAL", "MONEY", "QUANTITY"):
        national = _NATIONAL.match(after)
        m = re.match(r"\s*([a-zł]+)\b", after, re.IGNORECASE)
        if national and _national(national.group(0)):
            currency, after = _national(national.group(0)), after[national.end() :]
        elif (
            m
            and m.group(1).lower() in _CURRENCY_WORDS
            and (m.group(1).lower() != "won" or (words and words[-1].lower() in _SCALES))
        ):
            currency = _CURRENCY_WORDS[m.group(1).lower()]
            after = after[m.end() :]
    if currency and _PER_SHARE.match(after):
        return None  # "$61 a share": a price per share, not a sum the deal or firm has
    upper: Decimal | None = None
    if vague:
        scale = Decimal(_SCALES[vague.group(1).lower()])
        amount, upper, qualifier = scale, 1000 * scale - 1, "vague"  # an order of magnitude
    else:
        num = _number([w for w in words if w not in _CURRENCY_SYMBOLS])
        if num is None:
            return None
        amount = num
    rate = _RATE.match(after)
    if label == "DATE" or (currency is None and any(w.lower() in _DURATION_UNITS for w in words)):
        unit = next((w.lower().rstrip("s") for w in words if w.lower() in _DURATION_UNITS), None)
        if unit is None:
            return None
        return Quantity("duration", amount, text, unit=unit, qualifier=qualifier)
    if currency:
        kind = "rate" if rate else "money"
        return Quantity(
            kind,
            amount,
            text,
            unit=currency,
            per=rate.group(1).lower() if rate else None,
            qualifier=qualifier,
            upper=upper,
        )
    if label in ("CARDINAL", "QUANTITY") or (label == "MONEY" and not vague):
        # a MONEY span naming no currency is a number the tagger took for one ("more
        # than 20 million monthly users")
        if any(w.lower() in _FRACTIONS for w in words):
            return None  # "about a third of its staff": a share, not a count
        return Quantity("count", amount, text, qualifier=qualifier, upper=upper)
    return None


#: words that make a number a fraction of something ("a third", "two-fifths")
_FRACTIONS = frozenset({"half", "halves", "third", "thirds", "quarter", "quarters", "fifth",
                        "fifths", "sixth", "tenth", "tenths"})  # fmt: skip


# ---------------------------------------------------------------- attaching figures

_QUANTITY_LABELS = {"MONEY", "CARDINAL", "QUANTITY", "PERCENT"}
_VAGUE_MONEY = re.compile(r"\bmulti[- ]?(?:million|billion|trillion)(?:[- ]dollar)?\b", re.I)


def read_figures(sent: Any, ents: Sequence[Any], text: str) -> list[tuple[Tok, Quantity]]:
    """The figures of a sentence, each with its root token."""
    out: list[tuple[Tok, Quantity]] = []
    seen: set[int] = set()
    for ent in ents:
        if ent.label_ not in _QUANTITY_LABELS:
            continue
        start, end = ent.start_char, ent.end_char
        doc = ent.doc
        if ent.start > 0 and doc[ent.start - 1].text in _CURRENCY_SYMBOLS:
            if not doc[ent.start - 1].whitespace_:
                start = doc[ent.start - 1].idx  # "€" before "25m" the tagger left out
        if ent.end < len(doc) and not doc[ent.end - 1].whitespace_:
            nxt = doc[ent.end]
            if nxt.lower_.rstrip(".") in ("m", "mn", "bn", "b", "k", "tn"):  # "€25m."
                end = nxt.idx + len(nxt.text)  # "25" + "m": 25 million
        before = text[max(0, start - 30) : start]
        after = text[end : end + 30]
        q = parse_quantity(text[start:end], ent.label_, before=before, after=after)
        if q is not None:
            seen.add(ent.root.i)
            out.append((ent.root, q))
    taken = [(e.start_char, e.end_char) for e in ents if e.label_ in _QUANTITY_LABELS]
    for m in _SHARE_TEXT.finditer(text[sent.start_char : sent.end_char]):
        # "about half of its 7,500 employees", "a quarter of its workforce": a share
        begin = sent.start_char + m.start(1)
        span = sent.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if span is None or span.root.i in seen:
            continue
        words = m.group(1).lower().replace("-", " ").split()
        share = _SHARES.get(words[-1])
        if share is None:
            continue
        times = NUMBER_WORDS.get(words[0], 1) if len(words) > 1 else 1
        before = text[max(0, begin - 30) : begin]
        pct = (Decimal(share) * times).quantize(Decimal("0.1"))
        if pct == pct.to_integral_value():
            pct = pct.to_integral_value()  # 50, not 50.0
        q = Quantity("percent", pct, m.group(1), unit="%", qualifier=qualifier_before(before))
        seen.add(span.root.i)
        out.append((span.root, q))
    for pattern in (_VAGUE_MONEY, _MONEY_TEXT):
        for m in pattern.finditer(text[sent.start_char : sent.end_char]):
            begin, end = sent.start_char + m.start(), sent.start_char + m.end()
            if any(a < end and begin < b for a, b in taken):
                continue  # the tagger's own span
            span = sent.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is not None and span.root.i not in seen:
                q = parse_quantity(m.group(0), "MONEY")
                if q is not None:
                    seen.add(span.root.i)
                    taken.append((begin, end))
                    out.append((span.root, q))
    return out


#: a share of a company's people said as a fraction ("half of its staff")
_SHARES = {"half": "50", "third": "33.333", "thirds": "33.333", "quarter": "25",
           "quarters": "25", "fifth": "20", "fifths": "20", "tenth": "10",
           "tenths": "10"}  # fmt: skip
_SHARE_TEXT = re.compile(
    r"\b((?:a|one|two|three|four)[- ](?:third|thirds|quarter|quarters|fifth|fifths|tenth|"
    r"tenths)|half)\s+of\s+(?:its|their|the|his|her)\s+(?:[\w,.]+\s+){0,3}?"
    r"(?:staff|workforce|employees|workers|jobs|headcount|people|positions|roles)\b",
    re.IGNORECASE,
)


#: a sum of money the tagger may miss: "€1.2 billion", "$25m", "1.84 billion euros"
_MONEY_TEXT = re.compile(
    r"[$€£¥₹]\s?\d+(?:[.,]\d+)*(?:\s?(?:million|billion|trillion)\b|(?:m|bn|mn|k|tn)\b)?"
    r"|\b\d+(?:[.,]\d+)*\s(?:million|billion|trillion)\s(?:dollars|euros|pounds|yen|yuan|"
    r"reais|zlotys|francs|kronor|kroner|rand|lira|rupees|roubles|rubles|pesos|won|shillings)\b",
    re.IGNORECASE,
)


def attach_quantities(r: SentenceReader) -> None:
    """Emit a fact for each figure a trigger word claims, on the entity it belongs to."""
    used = {id(x.object) for x in r.out}
    for root, q in r.quantity_spans():
        if id(q) in used:
            continue
        found = _trigger_for(r, root, q)
        if found is None:
            product = _priced(r, root, q)  # "the Zephyr 14, a $1,099 laptop"
            if product is not None:
                r.emit(product, "cost", q, root, "cost.quantity.product-noun", 0.5)
            continue
        tok, trig = found
        if trig.property == "dealValue" and tok.lemma_.lower() in ("price", "pricing"):
            product = _priced_by_clause(r, tok)  # "unveiled X, with a starting price of $N"
            if product is not None:
                r.emit(product, "cost", q, tok, "cost.quantity.price", 0.5)
                continue
        if trig.property == "valuation" and tok.dep_ in ("acl", "amod") and tok.pos_ == "VERB":
            # "a deal valued at $2 billion", "a bid valued at ...": what the deal is worth
            deal = _quantity_trigger(r, tok.head, q.kind)
            if deal is not None and deal.property == "dealValue":
                tok, trig = tok.head, deal
        owners: list[Mention] = []
        roles = trig.owner
        if trig.property == "fineAmount" and _paid(tok):
            roles = ("subj", "light", "clause")  # "X agreed to pay a $5 million penalty": X
        for role in roles:
            owners = [
                m
                for m in r.role(tok, role)
                if m.label != "Place"
                # a price is a product's: a company named where one is priced sold it
                # ("Velto began selling the ring for $299")
                and (trig.property != "cost" or m.label in ("Product", "AIModel"))
                and (
                    r.fits(trig.property, m, None)
                    or (m.label == "Deal" and trig.property == "valuation")
                )
            ]
            if owners:
                break
        confidence = 0.6
        if not owners and trig.property in _ABOUT_THE_ARTICLE:
            main = r.main_organization()  # "the round was led by X": the article's raiser
            owners, confidence = ([main] if main is not None else []), 0.4
        for owner in owners[:1]:
            prop = "dealValue" if owner.label == "Deal" else trig.property  # "a deal valued at"
            r.emit(owner, prop, q, tok, trig.rule_id(), confidence)
            for other in _converted(r, q):  # "412 million zlotys ($103 million)": the same
                if id(other) not in used:
                    used.add(id(other))
                    r.emit(owner, prop, other, tok, trig.rule_id() + "+converted", confidence)


def _converted(r: SentenceReader, q: Quantity) -> list[Quantity]:
    """The sum in brackets right after ``q``, in another currency: the same sum."""
    if q.kind != "money":
        return []
    text = r.sent.text
    out = []
    for _root, other in r.quantity_spans():
        if other is q or other.kind != "money" or other.unit == q.unit:
            continue
        pattern = (
            re.escape(q.text)
            + r"\s*\(\s*(?:about |roughly |around |some )?"
            + re.escape(other.text)
        )
        if re.search(pattern, text):
            out.append(other)
    return out


def _priced(r: SentenceReader, root: Tok, q: Quantity) -> Mention | None:
    """'The Zephyr 14 is a $1,099 laptop', 'the Zephyr 14, a $1,099 laptop': a sum on a
    product noun that stands for a named product is its price."""
    if q.kind not in ("money", "rate"):
        return None
    noun = root
    while noun.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod") and noun.head.i != noun.i:
        noun = noun.head
        if noun.pos_ == "NOUN":
            break
    if noun.pos_ != "NOUN" or LEXICON.cue_class(noun.lemma_) not in ("Product", "AIModel"):
        return None
    if noun.dep_ == "appos":
        named = r.mention(noun.head)
    elif noun.dep_ == "attr" and noun.head.lemma_ == "be":
        subjects = [c for c in noun.head.children if c.dep_ == "nsubj"]
        named = r.mention(subjects[0]) if subjects else None
    else:
        return None
    return named if named is not None and named.label in ("Product", "AIModel") else None


def _priced_by_clause(r: SentenceReader, price: Tok) -> Mention | None:
    """'Acme unveiled the Zephyr 14, with a starting price of $1,099': the product the
    clause the price hangs on names, when no deal is named there."""
    t = price
    while t.dep_ in ("pobj", "prep") and t.head.i != t.i:
        t = t.head
    if t.pos_ not in ("VERB", "AUX", "NOUN", "PROPN"):
        return None
    if t.pos_ in ("NOUN", "PROPN"):
        named = r.mention(t)
        return named if named is not None and named.label in ("Product", "AIModel") else None
    products = [m for m in r.objects(t) if m.label in ("Product", "AIModel")]
    return products[0] if len(products) == 1 else None


def _deal_value(trig: QuantityTrigger, owner: Mention) -> bool:
    """'the deal, valued at $2 billion': a deal's valuation is its value."""
    return owner.label == "Deal" and trig.property == "valuation"


#: properties whose figure, with no owner in the sentence, is the article's organisation's
_ABOUT_THE_ARTICLE = {"fundingAmount", "valuation", "jobCuts"}
#: how a figure hangs on the word it belongs to
_UP = ("nummod", "compound", "amod", "quantmod", "dobj", "npadvmod", "attr", "appos", "nsubj",
       "nsubjpass", "conj", "oprd", "advmod", "pobj", "prep", "acl", "relcl", "dep",
       "advcl")  # fmt: skip


def _candidates(root: Tok) -> list[tuple[int, Tok]]:
    """Words on the figure's path in the parse, with how far each is: its heads (through
    prepositions) and the objects of its own prepositions ("$6 billion in funding")."""
    out: list[tuple[int, Tok]] = []
    for c in root.children:
        if c.dep_ == "prep":
            out += [(1, p) for p in c.children if p.dep_ == "pobj"]
        elif c.dep_ == "relcl" and c.pos_ == "VERB" and all(g.dep_ != "dobj" for g in c.children):
            out.append((0, c))  # "the $1.9 billion it was valued at": the clause's verb
    t, hops = root, 0
    while hops < 4 and t.dep_ in _UP and t.head.i != t.i:
        t = t.head
        if t.dep_ == "prep" or t.pos_ == "ADP":
            continue  # a preposition is no step
        hops += 1
        out.append((hops, t))
        if t.pos_ in ("VERB", "AUX") and hops == 1:
            # "X's user count peaked at a million": what the verb says the figure of
            verb = t
            while verb.dep_ == "conj" and not _subject_of(verb) and verb.head.i != verb.i:
                verb = verb.head  # "peaked at N and fell to M": fell shares the subject
            out += [(2, c) for c in _subject_of(verb) if c is not root]
    return sorted(out, key=lambda x: (x[0], abs(x[1].i - root.i)))


def _subject_of(verb: Tok) -> list[Tok]:
    return [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]


#: figures of a whole, which a part "of" it is not
_WHOLE_COUNTS = frozenset({"employeeCount", "userCount"})


def _trigger_for(r: SentenceReader, root: Tok, q: Quantity) -> tuple[Tok, QuantityTrigger] | None:
    """The nearest trigger on the figure's path that takes a figure of its kind."""
    for _hops, tok in _candidates(root):
        if tok.pos_ == "NOUN" and any(c.lower_ in _ENDING_FEES for c in tok.children):
            return None  # "a $600 million termination fee": no price, cost or deal value
        trig = _quantity_trigger(r, tok, q.kind)
        if trig is None:
            continue
        if (
            trig.property in _WHOLE_COUNTS
            and tok.head.lower_ == "of"
            and tok.head.head.i == root.i
            and root.like_num
        ):
            continue  # "one of the people", "200 of its engineers": a part, not the whole
        if trig.property == "employeeCount" and trig.pos == "noun" and tok.dep_ == "appos":
            continue  # "Jane Roe and Kai Lund, two former Halvex engineers": who they are
        if trig.pos == "verb" and trig.objects and _counts_other(tok, root, trig):
            continue  # "cut prices by 15%": no job cuts
        # "pay a $5 million fine", "pay a $600 million termination fee": the noun says it
        if trig.pos == "noun" and trig.property not in ("fineAmount", "cost"):
            verb = tok.head
            if tok.dep_ == "pobj" and verb.dep_ == "agent":
                verb = verb.head  # "is used by 3 billion people": the passive's verb says
            if tok.dep_ in ("dobj", "pobj") and verb.pos_ == "VERB":
                above = _quantity_trigger(r, verb, q.kind)
                if above is not None and above.property != trig.property:
                    return verb, above  # "cut 1,000 employees": job cuts
        if trig.pos == "verb" and trig.property == "dealValue" and _settles(tok, _SUITS):
            return None  # a settlement: no deal's value
        if trig.pos == "verb" and trig.property == "dealValue" and _settles_charges(tok):
            fines = [t for t in r.triggers.quantity_nouns.get("penalty", ()) if q.kind in t.kinds]
            if fines:
                return tok, fines[0]  # "agreed to pay $3 billion to settle the charges"
        if trig.property == "employeeCount" and tok.lower_ == "people" and not _staff(tok):
            continue  # "citing three people familiar with the matter": no one's staff
        return tok, trig
    return None


#: verbs whose count of people is a workforce ("employs 12,000 people")
_STAFFING = frozenset({"employ", "have", "hire", "count", "number", "total", "add", "keep",
                       "lay", "cut", "eliminate", "shed", "fire", "dismiss", "reach"})  # fmt: skip


def _staff(people: Tok) -> bool:
    """Whether 'people' counts a workforce: possessed ("its 12,000 people"), or counted
    by a verb of employing or cutting staff, not by one of telling or citing."""
    if any(c.dep_ == "poss" for c in people.children):
        return True
    verb = people.head
    if people.dep_ == "pobj" and verb.head.pos_ == "VERB":
        verb = verb.head  # "a workforce of 9,000 people", "with 300 people"
    return verb.lemma_.lower() in _STAFFING


def _paid(tok: Tok) -> bool:
    """Whether the word is 'pay', or a noun paid ("pay a $5 million penalty")."""
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head if tok.dep_ == "dobj" else None
    return verb is not None and verb.lemma_.lower() == "pay"


#: what a regulator brings, which a payment made to settle it is a penalty for
_CHARGES = {"charge", "allegation", "accusation", "investigation", "probe", "inquiry",
            "violation", "claim", "case"}  # fmt: skip


def _settles_charges(verb: Tok) -> bool:
    """'pay $3 billion to settle charges', '... to resolve investigations by X'."""
    return _settles(verb, _CHARGES)


def _settles(verb: Tok, what: set[str]) -> bool:
    for c in verb.children:
        if c.dep_ in ("xcomp", "advcl") and c.lemma_.lower() in ("settle", "resolve"):
            if any(o.dep_ == "dobj" and o.lemma_.lower() in what for o in c.children):
                return True
    return False


#: what private parties bring, which a payment made to settle it is neither a fine nor
#: a price ("pay $45 million to settle a lawsuit brought by shareholders")
_SUITS = {"lawsuit", "suit", "litigation", "dispute", "complaint"}


def _counts_other(verb: Tok, root: Tok, trig: QuantityTrigger) -> bool:
    """Whether the verb's object, other than the figure, is something the trigger does
    not count."""
    inside = {t.i for t in root.subtree}
    for c in verb.children:
        if c.dep_ != "dobj" or c.pos_ not in ("NOUN", "PRON") or c.i in inside:
            continue
        if c.lemma_.lower() in trig.objects or c.lower_ in ("%", "percent"):
            continue
        if root.i in {t.i for t in c.subtree}:
            # "cut 500 products": the figure counts the object, which is no job
            if c.i != root.i and not any(
                t.lemma_.lower() in trig.objects for t in c.subtree if t.i > root.i
            ):
                return True
            continue
        return True  # "cut prices by 15%"
    return False


#: what makes a fee the price of ending a deal
_ENDING_FEES = frozenset({"termination", "breakup", "break-up", "break", "walkaway"})


def _quantity_trigger(r: SentenceReader, tok: Tok, kind: str) -> QuantityTrigger | None:
    from kg.extract.relations import noun_phrase_at, verb_forms

    triggers = r.triggers
    if tok.pos_ in ("VERB", "AUX"):
        found = [t for f in sorted(verb_forms(tok)) for t in triggers.quantity_verbs.get(f, ())]
    elif tok.pos_ in ("NOUN", "PROPN", "ADJ"):
        found = [
            t
            for key in sorted({tok.lower_, tok.lemma_.lower()})
            for t in triggers.quantity_nouns.get(key, ())
            if len(t.phrase) == 1 or noun_phrase_at(tok, t.phrase)
        ]
    else:
        return None
    # the longest phrase; then the word as written over its lemma ("sales" is revenue,
    # though its lemma "sale" is a deal); then the lexicon's order
    found.sort(key=lambda t: (-len(t.phrase), t.phrase[-1] != tok.lower_, t.order))
    return next((t for t in found if kind in t.kinds), None)
