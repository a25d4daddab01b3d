"""Units and makers named by general constructions: a verb the tagger took for a noun
after a name, "its X unit", a company named after its owner, "the studio behind X"
(real spaCy pipeline; invented names)."""

from __future__ import annotations

from kg.extract.nlp import load_nlp


def test_a_verb_read_as_a_plural_noun_after_a_name_is_the_verb() -> None:
    doc = load_nlp()("Quetzal Pay competes with Nubank.")
    verb = doc[2]
    assert (verb.text, verb.pos_, verb.tag_) == ("competes", "VERB", "VBZ")
    assert [(t.text, t.dep_) for t in verb.children if t.dep_ == "nsubj"] == [("Pay", "nsubj")]


def test_a_plural_noun_after_a_name_stays_a_noun_without_a_preposition() -> None:
    doc = load_nlp()("Orvane Capital partners said little.")
    assert doc[2].pos_ == "NOUN"


def test_rivalry_after_a_name_the_tagger_swallowed(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Quetzal Pay competes with Nubank in Mexico.")
    assert ("quetzal-pay", "competesWith", "nubank", "asserted") in facts


def test_partnership_after_a_name_the_tagger_swallowed(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Sakay Technologies partners with Lintas Mobility.")
    assert ("sakay-technologies", "partnersWith", "lintas-mobility", "asserted") in facts


def test_its_named_unit_is_owned_by_the_possessor(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Orvane Group said its Lumora unit would hire 200 engineers.")
    assert ("orvane-group", "owns", "lumora", "asserted") in facts


def test_a_name_after_the_noun_is_no_unit_of_the_possessor(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Jane Roe remained its largest shareholder, and private equity firm Tallis Peak "
        "also held a large stake in Orvane."
    )
    assert not any(s == "jane-roe" and o == "tallis-peak" for s, _p, o, _m in facts)


def test_a_company_named_after_another_is_its_unit(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Amazon reported higher sales. Jane Roe, chief executive of Amazon Orbital Services, "
        "said demand was strong."
    )
    # a short name alone is merged into the long one; the reference KB knows Amazon
    assert ("amazon", "owns", "amazon-orbital-services", "asserted") in facts


def test_a_legal_form_or_group_word_names_the_same_company(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Amazon reported higher sales. Jane Roe, chief executive of Amazon Holdings Inc, "
        "said demand was strong."
    )
    assert not any(p == "owns" for _s, p, _o, _m in facts)


def test_a_studio_behind_a_title_made_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Moonfell Games, the studio behind the hit title Ashen Crown, cut jobs.")
    assert ("ashen-crown", "developer", "moonfell-games", "asserted") in facts


def test_a_describing_word_opening_a_sentence_is_no_part_of_the_name(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Longtime Ferrum Steel chairman Klaus Richter retired on Friday.")
    assert ("klaus-richter", "leaderOf", "ferrum-steel", "asserted") in facts
    assert not any("longtime" in s or "longtime" in str(o) for s, _p, o, _m in facts)


def test_a_given_name_before_a_tagged_name_starts_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Tidemark is being sued by its former chief executive, Ana Lucía Pardo.")
    assert ("ana-lucia-pardo", "sued", "tidemark", "asserted") in facts


def test_a_sentence_opening_pronoun_goes_on_with_the_subject_before(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Markets rose.\n\nOrvane sells its software on rented servers from Halvex Cloud and "
        "other providers. It competes with Veltra and Brightcart in databases."
    )
    assert ("orvane", "competesWith", "veltra", "asserted") in facts
    assert not any(s == "halvex-cloud" and p == "competesWith" for s, p, _o, _m in facts)


def test_an_empty_it_before_hands_the_pronoun_to_the_nearest_name(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Markets rose.\n\nVeltra's rivals are Orvane and Halvex. It is not the first time "
        "Orvane has gone to court. In 2019 it sued Brightcart over patents."
    )
    assert ("orvane", "sued", "brightcart", "asserted") in facts


def test_a_descriptor_the_tagger_read_as_a_verb_is_the_names(read_facts) -> None:  # type: ignore[no-untyped-def]
    doc = load_nlp()("Lumen Images has sued artificial intelligence startup Pictora.")
    assert (doc[6].text, doc[6].pos_, doc[6].dep_) == ("startup", "NOUN", "compound")
    assert (doc[7].dep_, doc[7].head.text) == ("dobj", "sued")
    facts = read_facts("Lumen Images has sued startup Pictora in federal court in Seattle.")
    assert ("lumen-images", "sued", "pictora", "asserted") in facts


def test_a_companys_board_acts_for_the_company(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Zephyr's board has fired Nikhil Rao after six years.")
    assert ("nikhil-rao", "departedFrom", "zephyr", "asserted") in facts


def test_a_name_the_parser_cut_from_its_typing_noun_is_its_object(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Orvane backed startup Zelo.")
    assert ("orvane", "investedIn", "zelo", "asserted") in facts
    text = "Hanbit Games agreed to buy a 60% stake in game studio Song Lam Interactive."
    facts = read_facts(text)
    assert ("hanbit-games", "owns", "song-lam-interactive", "planned") in facts


def test_a_majority_stake_is_ownership_and_a_small_one_an_investment(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Raghav Group, which holds a 62% stake in Sundar Cement, said it had no plans. "
        "Orvane took a 10% stake in Halvex. Veltra bought a controlling stake in Brightcart."
    )
    assert ("raghav-group", "owns", "sundar-cement", "asserted") in facts
    assert ("orvane", "investedIn", "halvex", "asserted") in facts
    assert not any(s == "orvane" and p == "owns" for s, p, _o, _m in facts)
    assert ("veltra", "owns", "brightcart", "asserted") in facts


def test_a_person_folded_into_the_title_they_were_named_to_holds_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Halvex named Jane Roe chief executive.")
    assert ("jane-roe", "ceoOf", "halvex", "asserted") in facts
    facts = read_facts("The board of Halvex named Jane Roe chief executive.")
    assert ("jane-roe", "ceoOf", "halvex", "asserted") in facts


def test_a_lexicon_verb_read_as_a_plural_noun_before_a_name_is_the_verb(read_facts) -> None:  # type: ignore[no-untyped-def]
    doc = load_nlp()("The LumaBook 14 laptop replaces last year's LumaBook 13.")
    verb = next(t for t in doc if t.text == "replaces")
    assert (verb.pos_, verb.dep_) == ("VERB", "ROOT")
    facts = read_facts(
        "Markets rose.\n\nThe LumaBook 14 laptop replaces last year's LumaBook 13, which used "
        "an older chip."
    )
    assert ("lumabook-13", "replacedBy", "lumabook-14", "asserted") in facts


def test_a_repair_that_would_leave_a_loop_leaves_the_parsers_tree(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kg.extract import repairs
    from kg.extract.nlp import parse

    doc = next(parse(["Chief executive Dana Roe said sales rose."]))
    parsed = [(t.head.i, t.dep_) for t in doc]

    def looping(d):  # type: ignore[no-untyped-def]
        d[1].head, d[3].head, d[3].dep_ = d[3], d[1], "dep"  # title <-> name

    monkeypatch.setattr(repairs, "_mend", looping)
    repairs.repair(doc)
    assert [(t.head.i, t.dep_) for t in doc] == parsed
    assert doc[:].root.text == "said"
