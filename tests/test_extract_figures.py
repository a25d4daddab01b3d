"""Figures the tagger misreads or misses: a sum it leaves untagged, a count it takes for
money, a fraction read as a count, and a fee for ending a deal (real spaCy pipeline;
invented names)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _figures(facts: set[tuple[str, str, object, str]]) -> set[tuple[str, str, object]]:
    return {(s, p, o[:2]) for s, p, o, _m in facts if isinstance(o, tuple)}  # type: ignore[misc]


def test_a_fine_the_tagger_leaves_untagged_is_read(read_facts: Any) -> None:
    facts = read_facts("Markets rose.\n\nRegulators fined Orvane Pay a record €1.2 billion.")
    assert ("orvane-pay", "fineAmount", ("money", Decimal("1200000000.0"))) in _figures(facts)


def test_a_count_tagged_as_money_is_a_count(read_facts: Any) -> None:
    facts = read_facts("Markets rose.\n\nOrvane Labs now has more than 20 million monthly users.")
    assert ("orvane-labs", "userCount", ("count", Decimal("20000000"))) in _figures(facts)


def test_a_fraction_of_the_staff_is_no_headcount(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\nOrvane Labs laid off 350 workers, about a third of its staff."
    )
    figures = _figures(facts)
    assert ("orvane-labs", "jobCuts", ("count", Decimal("350"))) in figures
    assert not any(p == "employeeCount" for _s, p, _o in figures)


def test_a_termination_fee_is_no_price_or_deal_value(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\nOrvane Retail agreed to buy Kestrel Foods for $2 billion. If the deal "
        "fails, Orvane Retail must pay an immediate $600 million termination fee."
    )
    figures = _figures(facts)
    assert ("orvane-retail", "dealValue", ("money", Decimal("2000000000"))) in figures
    assert not any(o[1] == Decimal("600000000") for _s, _p, o in figures)  # type: ignore[index]


def test_currencies_beyond_the_dollar_euro_and_pound_are_read() -> None:
    from kg.extract.quantities import parse_quantity

    cases = [
        ("412 million zlotys", "QUANTITY", "", "PLN", Decimal("412000000")),
        ("8.7 billion reais", "MONEY", "", "BRL", Decimal("8700000000")),
        ("18,500", "CARDINAL", " Kenyan shillings ($143)", "KES", Decimal("18500")),
        ("A$184 million", "MONEY", "", "AUD", Decimal("184000000")),
        ("2.5 billion Swiss francs", "MONEY", "", "CHF", Decimal("2500000000")),
        ("38 trillion", "MONEY", " won last year", "KRW", Decimal("38000000000000")),
    ]
    for text, label, after, unit, amount in cases:
        q = parse_quantity(text, label, after=after)
        assert q is not None and (q.kind, q.unit, q.amount) == ("money", unit, amount), text
    won = parse_quantity("500", "CARDINAL", after=" won the award")
    assert won is not None and won.kind == "count"  # "won" the verb names no currency


def test_a_price_per_share_is_no_deal_value(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\nOrvane Retail agreed to buy Kestrel Foods for $61 a share, or about "
        "$1.7 billion."
    )
    values = {o[1] for _s, p, o in _figures(facts) if p == "dealValue"}
    assert values == {Decimal("1700000000.0")}, values


def test_a_deal_valued_at_a_sum_is_worth_it(read_facts: Any) -> None:
    figures = _figures(
        read_facts("Markets rose.\n\nOrvane Retail agreed to a deal valued at $2 billion.")
    )
    assert ("orvane-retail", "dealValue", ("money", Decimal("2000000000"))) in figures
    assert not any(p == "valuation" for _s, p, _o in figures)


def test_sales_are_revenue_though_a_sale_is_a_deal(read_facts: Any) -> None:
    figures = _figures(
        read_facts("Markets rose.\n\nOrvane Retail said its sales rose to $4 billion.")
    )
    assert ("orvane-retail", "revenue", ("money", Decimal("4000000000"))) in figures


def test_a_share_of_the_staff_said_as_a_fraction_is_a_percentage(read_facts: Any) -> None:
    figures = _figures(
        read_facts("Markets rose.\n\nOrvane Labs laid off about half of its 7,500 employees.")
    )
    assert ("orvane-labs", "jobCuts", ("percent", Decimal("50"))) in figures
    figures = _figures(
        read_facts("Markets rose.\n\nOrvane Labs will eliminate two-thirds of its staff.")
    )
    assert ("orvane-labs", "jobCuts", ("percent", Decimal("66.7"))) in figures


def test_a_sum_converted_in_brackets_is_the_same_sum(read_facts: Any) -> None:
    figures = _figures(
        read_facts(
            "Markets rose.\n\nOrvane Games said its revenue fell last year to 412 million "
            "zlotys ($103 million)."
        )
    )
    assert ("orvane-games", "revenue", ("money", Decimal("412000000"))) in figures
    assert ("orvane-games", "revenue", ("money", Decimal("103000000"))) in figures


def test_won_after_a_scale_is_the_korean_currency(read_facts: Any) -> None:
    figures = _figures(
        read_facts("Markets rose.\n\nHalvex Chips reported revenue of 38 trillion won last year.")
    )
    assert ("halvex-chips", "revenue", ("money", Decimal("38000000000000"))) in figures


def test_a_sum_on_the_noun_a_product_is_called_by_is_its_price(read_facts: Any) -> None:
    for text in (
        "Markets rose.\n\nOrvane unveiled the Zephyr 14, a $1,099 laptop, on Tuesday.",
        "Markets rose.\n\nOrvane unveiled the Zephyr 14 laptop, with a starting price of $1,099.",
    ):
        figures = _figures(read_facts(text))
        assert ("zephyr-14", "cost", ("money", Decimal("1099"))) in figures, text
        assert not any(p == "dealValue" for _s, p, _o in figures), text


def test_a_participle_between_a_count_and_its_noun_is_read_with_the_noun(
    read_facts: Any,
) -> None:
    # "500,000 paying subscribers": the parser makes the figure the subject of "paying"
    facts = read_facts("Markets rose.\n\nOrvane Labs had about 500,000 paying subscribers by May.")
    assert ("orvane-labs", "userCount", ("count", Decimal("500000"))) in _figures(facts)


def test_the_people_who_use_a_product_are_its_users(read_facts: Any) -> None:
    facts = read_facts("Markets rose.\n\nThe Zappo app is used by roughly 3 million people.")
    figures = _figures(facts)
    assert ("zappo", "userCount", ("count", Decimal("3000000"))) in figures
    assert not any(p == "employeeCount" for _s, p, _o in figures)


def test_a_product_fined_in_its_own_name_has_the_fine(read_facts: Any) -> None:
    facts = read_facts("Markets rose.\n\nWhatsApp was fined €225 million by the regulator in 2021.")
    assert ("whatsapp", "fineAmount", ("money", Decimal("225000000"))) in _figures(facts)


def test_a_price_is_a_products_not_the_company_selling_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Quoda began selling the ring in 2022 for $299.")
    assert not {f for f in facts if f[1] == "cost"}
    product = read_facts("The Quoda Loop ring costs $299.")
    assert {f[0] for f in product if f[1] == "cost"} == {"quoda-loop"}


def test_people_cited_are_no_workforce(read_facts) -> None:  # type: ignore[no-untyped-def]
    cited = read_facts(
        "Quoda is in talks to merge with Pellam, the newspaper Halvex Times reported, citing "
        "three people with knowledge of the matter."
    )
    assert not {f for f in cited if f[1] == "employeeCount"}
    staff = read_facts("Quoda employs 12,000 people.")
    assert {(f[0], f[2][1]) for f in staff if f[1] == "employeeCount"} == {
        ("quoda", Decimal("12000"))
    }


def test_the_company_is_not_the_outlet_that_reported_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Amazon said it would cut jobs. The Wall Street Journal had reported earlier in the "
        "day that the company planned to cut more than 17,000 roles. The Seattle-based "
        "company employs about 1.5 million people worldwide."
    )
    owners = {f[0] for f in facts if f[1] in ("employeeCount", "jobCuts")}
    assert owners == {"amazon"}


def test_a_figure_named_by_its_own_relative_clause(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "CHICAGO - Quoda, the meal-kit company that competes with Pellam, has raised $50 "
        "million at a valuation of $800 million, less than half the $1.9 billion it was "
        "valued at in 2021."
    )
    figures = {(f[0], f[1], f[2][1]) for f in facts if f[1] in ("valuation", "fundingAmount")}
    assert figures == {
        ("quoda", "fundingAmount", Decimal("50000000")),
        ("quoda", "valuation", Decimal("800000000")),
        ("quoda", "valuation", Decimal("1900000000")),
    }
