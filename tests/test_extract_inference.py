"""Facts a careful reader draws from more than one clause: introductions, makers,
headlines, acts of an organisation's chief, rivalry between makers (real spaCy pipeline)."""

from __future__ import annotations

from kg.extract import extract_documents
from kg.ingest import document_from_text


def test_inflected_trigger_verb_matches_its_base_form(read_facts) -> None:  # type: ignore[no-untyped-def]
    # The lemmatiser leaves "sunsetting" as "sunsette".
    facts = read_facts("Norwind Labs is sunsetting Glimmer, the photo app.")
    assert ("norwind-labs", "discontinued", "glimmer", "asserted") in facts


def test_name_inside_a_possessed_product_phrase(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Norwind Labs said on Tuesday it would discontinue its standalone Glimmer photo platform."
    )
    assert ("norwind-labs", "discontinued", "glimmer", "planned") in facts


def test_new_model_introduced_by_the_company_is_its_own(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Norwind Labs cut two apps. The company has finished training a new model, "
        "code-named Quill, which is expected to launch soon."
    )
    assert ("quill", "developer", "norwind-labs", "asserted") in facts
    assert ("norwind-labs", "launched", "quill", "planned") in facts


def test_new_model_in_a_sentence_without_a_company_is_the_articles_company(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Norwind Labs cut two apps this week. Norwind Labs also cut staff. "
        "The bigger news: a new model, code-named Quill, has finished training and is "
        "expected to arrive soon."
    )
    assert ("quill", "developer", "norwind-labs", "asserted") in facts
    assert ("norwind-labs", "launched", "quill", "planned") in facts


def test_a_named_product_does_not_launch_without_a_known_maker(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Quill is expected to launch soon, analysts said.")
    assert not any(p == "launched" for _s, p, _o, _m in facts)


def test_apposition_with_a_pronoun_possessor_reaches_back(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Norwind Labs tried many things. Quillpad, its browser, came and went fast.")
    assert ("quillpad", "developer", "norwind-labs", "asserted") in facts


def test_reference_maker_links_a_product_the_article_names_apart(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "OpenAI has tried many side projects over the years. Whisper and Jukebox served "
        "narrow use cases."
    )
    assert ("whisper", "developer", "openai", "asserted") in facts
    assert ("jukebox", "developer", "openai", "asserted") in facts


def test_a_chiefs_product_decision_is_the_companys(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Ada Brenner is the CEO of Norwind Labs. Ada Brenner made the call: kill Glimmer, "
        "the photo app, and refocus."
    )
    assert ("norwind-labs", "discontinued", "glimmer", "asserted") in facts
    assert not any(s == "ada-brenner" and p == "discontinued" for s, p, _o, _m in facts)


def test_an_organisation_rivalling_a_product_rivals_its_maker(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Norwind Labs makes Glimmer, a photo app. Rivals such as Pictor Corp have overtaken "
        "Glimmer."
    )
    assert ("pictor-corp", "competesWith", "glimmer", "asserted") in facts
    assert ("pictor-corp", "competesWith", "norwind-labs", "asserted") in facts


def test_headline_is_read_with_the_body(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "TITLE: Norwind Labs shuts down Glimmer photo app\n\n"
        "The photo app Glimmer had few users. Norwind Labs said little."
    )
    assert ("norwind-labs", "discontinued", "glimmer", "asserted") in facts


def test_title_case_headline_adds_no_names_of_its_own() -> None:
    doc = document_from_text(
        "Norwind Labs Just Killed Glimmer\n\nNorwind Labs has closed Glimmer, its photo app."
    )
    assert doc.headline is not None
    assert doc.text[doc.headline[0] : doc.headline[1]] == "Norwind Labs Just Killed Glimmer"
    (ex,) = extract_documents([doc])
    names = {m.name for m in ex.mentions}
    assert names == {"Norwind Labs", "Glimmer"}, names


def test_question_headline_is_not_read() -> None:
    doc = document_from_text("Is Norwind Labs About To Kill Glimmer?\n\nNorwind Labs makes apps.")
    assert doc.headline is None


def test_investors_listed_in_a_round(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Norwind Labs raised $40 million in a Series B round. The people and groups that put "
        "money into this funding round included Pictor Ventures, Halden Capital, Corvid "
        "Partners, Ada Brenner and Mireval Holding."
    )
    for investor in ("pictor-ventures", "halden-capital", "corvid-partners", "mireval-holding"):
        assert (investor, "investedIn", "norwind-labs", "asserted") in facts


def test_lead_investor_and_backed_compound(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Norwind Labs raised $40 million. Halden Capital led the round. "
        "Pictor-backed Quillworks also raised money last year."
    )
    assert ("halden-capital", "investedIn", "norwind-labs", "asserted") in facts
    assert ("pictor", "investedIn", "quillworks", "asserted") in facts


def test_last_name_alone_is_the_person(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Ada Brenner runs Norwind Labs. Brenner, who is also the owner of Halden Mills and "
        "Corvid Farms, said little."
    )
    assert ("ada-brenner", "owns", "halden-mills", "asserted") in facts
    assert ("ada-brenner", "owns", "corvid-farms", "asserted") in facts


def test_person_who_creates_an_organisation_founds_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Norwind Labs, the startup created by Ada Brenner, raised money.")
    assert ("ada-brenner", "founderOf", "norwind-labs", "asserted") in facts


def test_coordinated_titles_share_their_organisation(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Ada Brenner, the co-founder and CEO of Norwind Labs, spoke on Monday.")
    assert ("ada-brenner", "ceoOf", "norwind-labs", "asserted") in facts
    assert ("ada-brenner", "founderOf", "norwind-labs", "asserted") in facts


def test_nearest_cue_decides_what_a_figure_is(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Norwind Labs raises $40 million at a $600 million valuation.")
    money = {(s, p, o[1]) for s, p, o, _m in facts if isinstance(o, tuple)}
    assert ("norwind-labs", "fundingAmount", 40_000_000) in money
    assert ("norwind-labs", "valuation", 600_000_000) in money


def test_fine_belongs_to_the_fined(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "The European Union leveled its first penalty against Norwind Labs on Monday, fining "
        "the US tech giant nearly $2 billion for breaking the rules."
    )
    money = {(s, p) for s, p, o, _m in facts if isinstance(o, tuple)}
    assert ("norwind-labs", "fineAmount") in money
    assert ("norwind-labs", "locatedIn", "united-states", "asserted") in facts


def test_nationality_before_a_list_locates_each(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Startups want to take on American giants like Pictor Corp and Halden Inc.")
    assert ("pictor-corp", "locatedIn", "united-states", "asserted") in facts
    assert ("halden-inc", "locatedIn", "united-states", "asserted") in facts


def test_its_refers_to_the_clause_subject(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Norwind Labs, the company behind photo app Glimmer, has sacked its CEO Ada Brenner."
    )
    assert ("ada-brenner", "ceoOf", "norwind-labs", "asserted") in facts
    assert ("glimmer", "developer", "norwind-labs", "asserted") in facts


def test_parent_company(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Ada Brenner, the CEO of Norwind Labs and its parent company Halden Group, spoke."
    )
    assert ("halden-group", "owns", "norwind-labs", "asserted") in facts
    assert ("ada-brenner", "ceoOf", "norwind-labs", "asserted") in facts


def _product_guess_with(props: list[str]) -> str:
    """The class resolved for a name the tagger calls a product at each of its four
    mentions, and a cue word once ("the Zapfly app"), when relations of ``props`` (each
    wanting an organisation) name it."""
    from decimal import Decimal

    from kg.model import Extraction, Mention, Quantity, RelationMention, Sentence
    from kg.resolve import resolve

    text = "Zapfly hired Dana Whitlow. Zapfly grew. Zapfly cut jobs. Zapfly raised money. "
    text += "The Zapfly app."
    doc = document_from_text(text)
    sentence = Sentence(doc.id, 0, len(text), text)
    names = [Mention(doc.id, i, i + 6, "Zapfly", "Product", "Zapfly") for i in (0, 27, 40, 57)]
    names.append(Mention(doc.id, 82, 88, "Zapfly", "Product", "Zapfly", "cue", None, 2.0))
    person = Mention(doc.id, 13, 25, "Dana Whitlow", "Person", "Dana Whitlow", "cue", None, 2.0)
    figure = Quantity("money", Decimal(5), "$5")
    relations = []
    for prop, name in zip(props, names, strict=False):
        if prop in ("ceoOf", "leaderOf"):
            relations.append(RelationMention(doc.id, person, prop, name, sentence, prop))
        else:
            relations.append(RelationMention(doc.id, name, prop, figure, sentence, prop))
    ex = Extraction(doc, (sentence,), (*names, person), tuple(relations))
    return resolve([ex]).entities["zapfly"].cls


def test_several_properties_only_a_company_has_settle_its_class() -> None:
    """A name with a chief executive, a chairman and a funding round is a company's,
    however often the tagger took it for a product; one such property does not
    outvote four guesses."""
    assert _product_guess_with(["ceoOf", "leaderOf", "fundingAmount"]) == "Organization"
    assert _product_guess_with(["ceoOf"]) == "Product"


def test_a_title_over_a_product_is_a_post_at_its_maker(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Orvane Systems launched Pixie, its photo app, in 2019. Jane Roe, the general "
        "manager of Pixie, said the app had 3 million users."
    )
    assert ("jane-roe", "worksFor", "orvane-systems", "asserted") in facts
    assert not any(f[0] == "jane-roe" and f[2] == "pixie" for f in facts)


def test_who_succeeds_a_titled_holder_takes_the_title(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Halvex Financial taps Nina Bose to replace retiring CEO Alan Reyes")
    assert ("nina-bose", "ceoOf", "halvex-financial", "planned") in facts
    assert ("alan-reyes", "departedFrom", "halvex-financial", "asserted") in facts


def test_a_post_run_in_the_past_is_not_passed_on(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Kai Lund, who ran Parker Drilling before it merged with Mesa Oil, will be succeeded "
        "by Jane Roe."
    )
    assert not any(f[0] == "jane-roe" and f[1] == "ceoOf" for f in facts), facts


def test_the_one_succeeded_held_the_title_taken(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Margit Holm took over from Piet Vos as the Federal Trade Regulator's chief."
    )
    assert ("piet-vos", "ceoOf", "federal-trade-regulator", "asserted") in facts


def test_a_company_that_launches_a_product_makes_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Tallowby on Thursday released Quillmark, an assistant that drafts letters.")
    assert ("quillmark", "developer", "tallowby", "asserted") in facts
    planned = read_facts("Tallowby plans to launch the Quillmark Pump, a solar pump, next year.")
    assert ("quillmark-pump", "developer", "tallowby", "asserted") in planned


def test_a_launch_names_no_maker_where_the_text_names_another(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Quillmark was developed by Brindle Labs. Tallowby launched Quillmark in Spain."
    )
    assert ("quillmark", "developer", "tallowby", "asserted") not in facts
    assert ("quillmark", "developer", "brindle-labs", "asserted") in facts


def test_its_named_product_is_the_clause_subjects(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Tallowby will discontinue the Quill Notes service in January and move customers to "
        "its Quill One platform."
    )
    assert ("quill-one", "developer", "tallowby", "asserted") in facts
    near = read_facts(
        "Tallowby moved its headquarters to Dubai to be closer to its Gulf customers."
    )
    assert not any(f[1] == "developer" for f in near)


def test_a_bare_title_in_a_quote_is_the_articles_company(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Tallowby Power sells solar kits. Tallowby has 300 staff. "
        '"Most of our customers have never had a grid connection," co-founder and chief '
        "executive Wanjiru Odhiambo said in an interview."
    )
    assert ("wanjiru-odhiambo", "ceoOf", "tallowby-power", "asserted") in facts
    assert ("wanjiru-odhiambo", "founderOf", "tallowby-power", "asserted") in facts


def test_a_short_name_counts_for_the_articles_company(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Tallowby Motors said on Monday it planned to launch the Ridgeline, a pickup truck. "
        "The truck will use cells from Brindle Energy under a supply deal. "
        "Deliveries could slip, chief executive Rana Moreau told reporters. "
        "Tallowby has taken 40,000 reservations."
    )
    assert ("rana-moreau", "ceoOf", "tallowby-motors", "asserted") in facts


def test_a_description_set_off_by_commas_is_the_name_before_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Sweden's Brindle, the lender, raised money last July. Shares of publicly listed "
        "rivals such as Quoda, Pellam and Tallowby, the company led by Twitter co-founder "
        "Rana Moreau, have also dropped sharply from their peaks."
    )
    assert ("rana-moreau", "leaderOf", "tallowby", "asserted") in facts
    assert ("rana-moreau", "leaderOf", "brindle", "asserted") not in facts


def test_a_verb_conjoined_in_a_relative_clause_keeps_its_subject(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Tallowby, which is headquartered in Lisbon and competes with Quoda and Pellam, "
        "said it had broken no laws."
    )
    assert ("tallowby", "competesWith", "quoda", "asserted") in facts
    assert ("tallowby", "competesWith", "pellam", "asserted") in facts


def test_it_in_an_adverbial_clause_is_the_main_clauses_subject(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "LOS ANGELES - Quoda, the video streaming service owned by Halvex Media, launched a "
        "cheaper plan on Wednesday as it tries to catch up with Pellam and Brindle."
    )
    rivals = {(f[0], f[2]) for f in facts if f[1] == "competesWith"}
    assert ("quoda", "pellam") in rivals or ("pellam", "quoda") in rivals
    assert not any("halvex-media" in pair for pair in rivals)


def test_a_company_announcing_a_products_end_ends_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "Halvex said Zipline would shut down in March.",
        "Halvex confirmed that the Zipline app is being discontinued.",
    ):
        assert ("halvex", "discontinued", "zipline") in {f[:3] for f in read_facts(text)}
    other = read_facts("The Zipline app, made by Orvane, will shut down, Halvex said.")
    assert {f[0] for f in other if f[1] == "discontinued"} == {"orvane"}
    reported = read_facts("Reuters said the Zipline app would shut down in March.")
    assert not {f for f in reported if f[1] == "discontinued" and f[0] == "reuters"}


def test_a_short_form_of_a_companys_name_is_the_company(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Ferrite Semiconductor is in talks to raise money. Ferrite, which competes with "
        "Nvidia, says its F2 chip is cheaper to run."
    )
    assert ("ferrite-semiconductor", "competesWith", "nvidia") in {f[:3] for f in facts} | {
        (f[2], f[1], f[0]) for f in facts
    }
    # what a company says of "its" product is its own, not the rival's it just named
    assert ("f2", "developer", "ferrite-semiconductor") in {f[:3] for f in facts}
    assert ("f2", "developer", "nvidia") not in {f[:3] for f in facts}
