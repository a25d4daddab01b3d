"""Makers, rivals and chiefs named by general constructions: a product "from" a company,
rivals named with no one as whose, who "ran" a company, a title after another person's
name, a unit named for a known company, and the reference KB's maker kept out where the
text says who owns a product (real spaCy pipeline; invented names, except the KB's own
entries)."""

from __future__ import annotations

from typing import Any


def test_a_product_from_a_company_is_its_make(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\nThe recalled models include the V40 and T30 from the Kestrel "
        "brand and the A3 from Orvane Motors."
    )
    assert ("v40", "developer", "kestrel", "asserted") in facts
    assert ("t30", "developer", "kestrel", "asserted") in facts
    assert ("a3", "developer", "orvane-motors", "asserted") in facts
    assert ("a3", "developer", "kestrel", "asserted") not in facts


def test_moving_from_one_product_to_another_makes_nothing(read_facts: Any) -> None:
    facts = read_facts("Orvane Motors moved its drivers from the Vela app to the Lyra app.")
    assert not any(p == "developer" and o != "orvane-motors" for _s, p, o, _m in facts)


def test_rivals_with_no_one_as_whose_are_the_articles_companys(read_facts: Any) -> None:
    facts = read_facts(
        "Orvane Pay raised $50 million on Tuesday. Orvane Pay said it would hire.\n\n"
        "Shares of listed rivals such as Kestrel Bank and Veltra Finance have dropped."
    )
    assert ("kestrel-bank", "competesWith", "orvane-pay", "asserted") in facts
    assert ("veltra-finance", "competesWith", "orvane-pay", "asserted") in facts


def test_rivals_are_the_clause_subjects(read_facts: Any) -> None:
    facts = read_facts(
        "Orvane Pay raised $50 million on Tuesday. Orvane Pay said it would hire.\n\n"
        "Kestrel Bank has lost customers to rivals such as Veltra Finance."
    )
    assert ("veltra-finance", "competesWith", "kestrel-bank", "asserted") in facts
    assert not any(
        p == "competesWith" and "orvane-pay" in (s, o) and "veltra-finance" in (s, o)
        for s, p, o, _m in facts
    )


def test_rivals_of_a_name_nearby_are_not_the_articles(read_facts: Any) -> None:
    facts = read_facts(
        "Orvane Pay raised $50 million on Tuesday. Orvane Pay said it would hire.\n\n"
        "Talos Group's attempt to merge with rival Kestrel Bank fell apart, the newspaper "
        "Harbor Ledger reported."
    )
    assert not any(
        p == "competesWith" and "kestrel-bank" in (s, o) and ("orvane-pay" in (s, o))
        for s, p, o, _m in facts
    )
    assert not any(p == "competesWith" and "harbor-ledger" in (s, o) for s, p, o, _m in facts)


def test_a_product_the_text_says_is_owned_gets_no_maker_from_the_kb(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\n"
        "Meta Platforms, the parent company of Facebook, Instagram and WhatsApp, said it would "
        "cut 11,000 jobs."
    )
    assert ("meta", "owns", "instagram", "asserted") in facts
    assert ("meta", "owns", "whatsapp", "asserted") in facts
    assert not any(p == "developer" for _s, p, _o, _m in facts)


def test_who_ran_a_company_was_its_chief_executive(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\nJane Roe ran Orvane Bank for a decade before she joined Kestrel Pay."
    )
    assert ("jane-roe", "ceoOf", "orvane-bank", "asserted") in facts
    assert ("jane-roe", "leaderOf", "orvane-bank", "asserted") not in facts


def test_a_title_after_another_persons_name_is_the_next_persons(read_facts: Any) -> None:
    facts = read_facts(
        "Orvane Pay will close. Orvane Pay said so on Tuesday.\n\n"
        "In an open letter to employees, investors and partners, Katzenberg and chief "
        "executive Meg Whitman said the venture had most likely failed."
    )
    assert ("meg-whitman", "ceoOf", "orvane-pay", "asserted") in facts
    assert ("katzenberg", "ceoOf", "orvane-pay", "asserted") not in facts


def test_a_company_named_for_a_known_one_and_a_product_word_is_a_unit(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\nJane Roe has become chairman of Walt Disney Television, a new unit."
    )
    assert ("jane-roe", "leaderOf", "walt-disney-television", "asserted") in facts
    assert not any(o == "disney" and p == "leaderOf" for _s, p, o, _m in facts)


def test_a_located_description_is_the_one_company_just_named(read_facts: Any) -> None:
    facts = read_facts(
        "Kestrel Robotics will close. Kestrel Robotics faces competition.\n\n"
        "For Orvane Retail, the collapse is a setback. The Oslo-based company, led by chief "
        "executive Jane Roe, bought Lumen Doors in 2018."
    )
    assert ("orvane-retail", "acquired", "lumen-doors", "asserted") in facts
    assert ("kestrel-robotics", "acquired", "lumen-doors", "asserted") not in facts


def test_a_chief_executive_is_not_also_said_to_lead_or_work_there(read_facts: Any) -> None:
    facts = read_facts("Markets rose.\n\nOrvane Retail, led by chief executive Jane Roe, grew.")
    assert ("jane-roe", "ceoOf", "orvane-retail", "asserted") in facts
    assert not any(s == "jane-roe" and p in ("leaderOf", "worksFor") for s, p, _o, _m in facts)


def test_a_regions_headquarters_are_no_seat(read_facts: Any) -> None:
    facts = read_facts("Markets rose.\n\nOrvane Labs runs its European headquarters in Dublin.")
    assert ("orvane-labs", "locatedIn", "dublin", "asserted") in facts
    assert ("orvane-labs", "headquarteredIn", "dublin", "asserted") not in facts


def test_a_located_description_is_not_the_outlet_just_named(read_facts: Any) -> None:
    facts = read_facts(
        "Kestrel Robotics will close. Kestrel Robotics faces competition.\n\n"
        "The cuts were first reported by The Harbor Ledger. The Oslo-based company employs "
        "about 1,200 people."
    )
    assert not any(s == "harbor-ledger" and p == "locatedIn" for s, p, _o, _m in facts)


def test_a_purchase_by_a_head_named_so_in_the_sentence_is_the_companys(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\nJane Roe, Orvane Group's founder and chief executive, bought Kestrel "
        "Robotics in 2016 for about $32 billion."
    )
    assert ("orvane-group", "acquired", "kestrel-robotics", "asserted") in facts
    assert ("jane-roe", "acquired", "kestrel-robotics", "asserted") not in facts


def test_majority_owned_by_after_is_names_the_owner(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\nAkanu Telecom is majority-owned by Obiora Holdings, an investment group."
    )
    assert ("obiora-holdings", "owns", "akanu-telecom", "asserted") in facts


def test_a_shareholder_invests_and_a_majority_shareholder_owns(read_facts: Any) -> None:
    facts = read_facts(
        "Markets rose.\n\nTallis Capital is Kestrel Pay's largest shareholder, with a stake of "
        "about 31%. Orvane Group is the majority shareholder of Veltra Bank."
    )
    assert ("tallis-capital", "investedIn", "kestrel-pay", "asserted") in facts
    assert ("tallis-capital", "owns", "kestrel-pay", "asserted") not in facts
    assert ("orvane-group", "owns", "veltra-bank", "asserted") in facts


def test_a_product_pulled_from_stores_is_not_ended_by_its_maker(read_facts: Any) -> None:
    facts = read_facts(
        "Kestrel Games sues Orvane after Zeta Quest is pulled from app stores\n\n"
        "Kestrel Games, the maker of the hugely popular game Zeta Quest, sued Orvane on Friday."
    )
    assert ("zeta-quest", "developer", "kestrel-games", "asserted") in facts
    assert not any(p == "discontinued" for _s, p, _o, _m in facts)
