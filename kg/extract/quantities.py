"""Money, counts, durations and rates, parsed from the words that state them."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kg.lexicon import LEXICON
from kg.model import Quantity

__all__ = ["NUMBER_WORDS", "parse_quantity", "qualifier_before"]

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
    "rupees": "INR",
}
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


def parse_quantity(
    span_text: str, label: str, *, before: str = "", after: str = ""
) -> Quantity | None:
    """Turn an entity span (spaCy MONEY, CARDINAL, QUANTITY, DATE) into a ``Quantity``.

    ``before`` and ``after`` are the words around the span, read for a
    qualifier ("around", "fewer than") and a rate ("a day").
    """
    text = " ".join(span_text.split())
    words = re.findall(r"[$€£¥₹]|\d+(?:[.,]\d+)*(?:k|m|mn|b|bn|tn)?|[A-Za-z]+", text)
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
    currency = next((_CURRENCY_SYMBOLS[w] for w in words if w in _CURRENCY_SYMBOLS), None)
    currency = currency or next(
        (_CURRENCY_WORDS[w.lower()] for w in words if w.lower() in _CURRENCY_WORDS), None
    )
    if currency is None:
        m = re.match(r"\s*(dollars?|euros?|pounds?)\b", after, re.IGNORECASE)
        if m and label in ("CARDINAL", "MONEY"):
            currency = _CURRENCY_WORDS[m.group(1).lower()]
            after = after[m.end() :]
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
    if label in ("CARDINAL", "QUANTITY"):
        return Quantity("count", amount, text, qualifier=qualifier, upper=upper)
    return None
