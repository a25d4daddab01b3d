"""Extraction on short hand-written sentences, one construction each (real spaCy pipeline)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract import extract_documents
from kg.extract.names import used_as_word
from kg.extract.quantities import parse_quantity
from kg.ingest import document_from_text
from kg.resolve import resolve


@pytest.mark.parametrize(
    "text",
    [
        "Norwind Labs is shutting down Glimmer, its photo-sharing app.",
        "Glimmer was shut down by Norwind Labs last week.",
        "Norwind Labs' decision to discontinue Glimmer surprised users.",
        "Norwind Labs has announced the discontinuation of Glimmer, its photo app.",
    ],
    ids=["active", "passive", "nominal-decision", "nominalisation"],
)
def test_discontinued(read_facts, text: str) -> None:  # type: ignore[no-untyped-def]
    assert ("norwind-labs", "discontinued", "glimmer", "asserted") in read_facts(text)


def test_apposition_with_possessive_names_the_maker(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Norwind Labs is shutting down Glimmer, its photo-sharing app.")
    assert ("glimmer", "developer", "norwind-labs", "asserted") in facts


@pytest.mark.parametrize(
    "text",
    [
        "Norwind Labs CEO Ada Brenner told staff about the change.",
        "Ada Brenner, the CEO of Norwind Labs, told staff about the change.",
        "Norwind Labs' chief executive Ada Brenner told staff about the change.",
    ],
    ids=["compound-title", "apposition-of", "possessive-title"],
)
def test_ceo_titles(read_facts, text: str) -> None:  # type: ignore[no-untyped-def]
    assert ("ada-brenner", "ceoOf", "norwind-labs", "asserted") in read_facts(text)


def test_rivals_in_a_list_compete(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Rivals such as Pictor and Snapwave have overtaken Glimmer.")
    assert {
        ("pictor", "competesWith", "glimmer", "asserted"),
        ("snapwave", "competesWith", "glimmer", "asserted"),
    } <= facts


def test_comparison_with_a_list_subject(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Norwind Labs makes Glimmer. Chinese players like Pictor and Snapwave are seen as better "
        "than Glimmer."
    )
    assert ("pictor", "competesWith", "glimmer", "asserted") in facts
    assert ("snapwave", "competesWith", "glimmer", "asserted") in facts


def test_deal_parties_value_and_cancellation(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Norwind Labs signed a $300 million licensing deal with Halcyon Media. "
        "The deal was later cancelled."
    )
    deal = "deal-halcyon-media-norwind-labs"
    assert (deal, "party", "norwind-labs", "asserted") in facts
    assert (deal, "party", "halcyon-media", "asserted") in facts
    assert (
        deal,
        "dealValue",
        ("money", Decimal(300_000_000), "USD", None, "exact"),
        "asserted",
    ) in facts
    assert (deal, "dealStatus", "Cancelled", "asserted") in facts


def test_one_sided_deal_joins_the_deal_with_both_parties(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Norwind Labs signed a partnership with Halcyon Media. "
        "The move ended a $1 billion Halcyon Media deal."
    )
    deals = {f[0] for f in facts if f[1] == "party"}
    assert deals == {"deal-halcyon-media-norwind-labs"}


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("Norwind Labs will not launch Quill this year.", "negated"),
        ("Norwind Labs is expected to launch Quill next month.", "planned"),
        ("Norwind Labs may launch Quill next month.", "hedged"),
        ("Norwind Labs reportedly launched Quill.", "reported"),
        ("According to the Daily Ledger, Norwind Labs launched Quill.", "reported"),
        ("Norwind Labs launched Quill, its note-taking app.", "asserted"),
    ],
)
def test_modality(read_facts, text: str, modality: str) -> None:  # type: ignore[no-untyped-def]
    assert ("norwind-labs", "launched", "quill", modality) in read_facts(text)


def test_attribution_records_the_source() -> None:
    ex = extract_documents(
        [document_from_text("According to the Daily Ledger, Norwind Labs launched Quill.")]
    )
    assert {r.attributed_to for r in ex[0].relations} == {"the Daily Ledger"}


def test_pronoun_and_definite_description_resolve(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Norwind Labs makes Glimmer, a photo app. Last week the company said it would shut "
        "down the app."
    )
    assert ("norwind-labs", "discontinued", "glimmer", "planned") in facts


def test_quantities_attach_to_what_they_describe(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Glimmer is a photo app made by Norwind Labs. Glimmer's user count peaked at around "
        "2 million and fell to fewer than 400,000. The app was burning through roughly "
        "$50,000 a day."
    )
    assert (
        "glimmer",
        "userCount",
        ("count", Decimal(2_000_000), None, None, "approximate"),
        "asserted",
    ) in facts
    assert (
        "glimmer",
        "userCount",
        ("count", Decimal(400_000), None, None, "at_most"),
        "asserted",
    ) in facts
    assert (
        "glimmer",
        "cost",
        ("rate", Decimal(50_000), "USD", "day", "approximate"),
        "asserted",
    ) in facts


@pytest.mark.parametrize(
    ("text", "label", "before", "after", "expected"),
    [
        ("$1 billion", "MONEY", "", "", ("money", "1000000000", "USD", None, "exact")),
        ("multi-billion dollar", "MONEY", "", "", ("money", "1000000000", "USD", None, "vague")),
        ("€1.8 billion", "MONEY", "", "", ("money", "1800000000", "EUR", None, "exact")),
        (
            "500,000",
            "CARDINAL",
            "fell to fewer than ",
            "",
            ("count", "500000", None, None, "at_most"),
        ),
        (
            "a million",
            "CARDINAL",
            "roughly ",
            " dollars a day",
            ("rate", "1000000", "USD", "day", "approximate"),
        ),
        ("more than 15,000", "CARDINAL", "", " jobs", ("count", "15000", None, None, "at_least")),
        ("15 months", "DATE", "", "", ("duration", "15", "month", None, "exact")),
    ],
)
def test_parse_quantity(text: str, label: str, before: str, after: str, expected: tuple) -> None:  # type: ignore[type-arg]
    q = parse_quantity(text, label, before=before, after=after)
    assert q is not None
    assert (
        q.kind,
        q.amount,
        q.unit,
        q.per,
        q.qualifier,
    ) == (expected[0], Decimal(expected[1]), expected[2], expected[3], expected[4])


def test_page_furniture_never_becomes_an_entity() -> None:
    text = (
        "Acme Ends Pixie\nNorwind Labs is shutting down Glimmer, its photo app.\nKey Insights\n"
        "Frequently Asked Questions\nSign Up\nShare This Article\nMedia Credit: Jane Doe\n"
    )
    res = resolve(extract_documents([document_from_text(text)]))
    labels = {e.label for e in res.entities.values()}
    assert labels == {"Norwind Labs", "Glimmer"}


def test_same_thing_named_differently_is_one_entity() -> None:
    text = (
        "Norwind Labs CEO Ada Brenner spoke on Monday. Brenner said Norwind Labs' Glimmer app "
        "would close. Norwind Labs's staff were told that the Glimmer app had too few users."
    )
    res = resolve(extract_documents([document_from_text(text)]))
    assert sorted(res.entities) == ["ada-brenner", "glimmer", "norwind-labs"]


def test_keys_do_not_depend_on_document_order() -> None:
    a = document_from_text("Norwind Labs is shutting down Glimmer, its photo app.", source="a")
    b = document_from_text("Glimmer was shut down by Norwind Labs. Brenner runs it.", source="b")
    one = resolve(extract_documents([a, b]))
    two = resolve(extract_documents([b, a]))
    assert one.entities == two.entities
    assert sorted(map(repr, one.facts)) == sorted(map(repr, two.facts))


@pytest.mark.parametrize(
    ("form", "text", "used"),
    [
        ("atlas", "The atlas sold out.", True),
        ("atlas", "Atlas sold out.", False),  # capitalised: the name itself
        ("atlas", "See atlases.", False),  # part of a longer word
        ("atlas", "Visit x.atlas today.", False),  # after a full stop, as in a domain
        ("atlas", "an (atlas) of maps", True),
        ("gpt-4", "the gpt-4 weights", True),  # not a plain word: read by pattern
        ("gpt-4", "the gpt-4o weights", False),
    ],
)
def test_a_lower_case_use_of_a_name_is_found_as_a_word(form: str, text: str, used: bool) -> None:
    assert used_as_word(form, text) is used


def test_an_unknown_name_as_the_indirect_object(read_facts) -> None:  # type: ignore[no-untyped-def]
    # "fined Quoda $5 million": the name is the verb's dative, the figure its object
    facts = read_facts("The Federal Trade Commission fined Quoda $5 million.")
    assert ("ftc", "fined", "quoda", "asserted") in facts  # the KB's key
    amounts = {f[2][1] for f in facts if f[1] == "fineAmount" and f[0] == "quoda"}
    assert amounts == {Decimal("5000000")}


@pytest.mark.parametrize(
    ("word", "lemma"),
    [("fined", "fine"), ("fining", "fine"), ("relaunched", "relaunch"), ("premiered", "premiere")],
)
def test_the_lexicons_verbs_keep_their_lemma(word: str, lemma: str) -> None:
    from kg.extract.nlp import parse

    doc = next(parse([f"The company {word} the firm."]))
    assert doc[2].lemma_ == lemma


def test_a_company_that_runs_a_service_makes_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Nvidia runs GeForce Now, a cloud gaming service.")
    assert ("geforce-now", "developer", "nvidia", "asserted") in facts
    person = read_facts("Dana Roe, who runs Halvex, said sales rose.")
    assert ("dana-roe", "ceoOf", "halvex", "asserted") in person


def test_part_of_a_group_is_owned_by_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "Brightcart is part of Halvex Group.",
        "Brightcart, part of Halvex Group, cut jobs.",
    ):
        assert ("halvex-group", "owns", "brightcart", "asserted") in read_facts(text)
    for text in (
        "Orvane cut 200 jobs as part of Halvex's restructuring.",
        "The deal is part of Halvex's push into Europe.",
    ):
        assert not {f for f in read_facts(text) if f[1] in ("owns", "integratedInto")}


@pytest.mark.parametrize(
    ("text", "amount"),
    [("$85M", "85000000"), ("$85m", "85000000"), ("$3B", "3000000000"), ("$3bn", "3000000000"),
     ("$500K", "500000"), ("€1.2bn", "1200000000")],
)  # fmt: skip
def test_a_scale_glued_to_a_figure_in_either_case(text: str, amount: str) -> None:
    q = parse_quantity(text, "MONEY")
    assert q is not None and q.amount == Decimal(amount)


def test_a_place_on_a_possessed_business_does_not_place_its_owner(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Halvex Telecom may shrink because of falling revenue in its Swedish business."
    )
    assert not {f for f in facts if f[1] == "locatedIn"}
    named = read_facts("Halvex bought Swedish payments firm Quoda.")
    assert ("quoda", "locatedIn", "sweden", "asserted") in named


def test_a_descriptor_read_as_a_verb_after_its_own_modifiers(read_facts) -> None:  # type: ignore[no-untyped-def]
    # "bought Swedish payments firm X", parsed with "payments" as the object, "firm" a verb
    facts = read_facts("Halvex bought Swedish payments firm Quoda.")
    assert ("halvex", "acquired", "quoda", "asserted") in facts


@pytest.mark.parametrize(
    "text",
    [
        "Halvex plans to shut down the note-taking app Jotter in June and move its users to "
        "the Notely app.",
        "Jotter's users will be able to export their notes to the Notely app.",
    ],
    ids=["shut-down-and-move", "users-of"],
)
def test_where_a_products_users_are_sent_replaces_it(read_facts, text: str) -> None:  # type: ignore[no-untyped-def]
    found = {f[3] for f in read_facts(text) if f[:3] == ("jotter", "replacedBy", "notely")}
    assert found and found <= {"asserted", "planned"}


def test_staff_moved_to_a_company_replace_nothing(read_facts) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "Halvex will shut down the Zipline app and move its staff to Orvane.",
        "Halvex will move its headquarters to Lisbon.",
    ):
        assert not {f for f in read_facts(text) if f[1] == "replacedBy"}


def test_a_verb_phrase_says_what_its_verb_alone_would_not(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Kessler Motors will build the Quoda assistant into its Pellam app.")
    assert not {f for f in facts if f[:3] == ("quoda", "developer", "kessler-motors")}
    assert ("quoda", "integratedInto", "pellam") in {f[:3] for f in facts}
    bought = read_facts("Halvex bought Zipline from Orvane.")
    assert {("halvex", "acquired", "zipline"), ("orvane", "owns", "zipline")} <= {
        f[:3] for f in bought
    }


def test_a_lower_case_class_noun_tagged_as_a_name_is_a_noun(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Tap2 is built into the Kestrel Pay app.")
    assert ("tap2", "integratedInto", "kestrel-pay", "asserted") in facts


@pytest.mark.parametrize(
    "text",
    [
        "Halvex is pulling the plug on Zipline, its payments app.",
        "Halvex will end support for Zipline, its payments app, next year.",
    ],
)
def test_a_descriptor_after_a_comma_left_apart_from_its_name(read_facts, text: str) -> None:  # type: ignore[no-untyped-def]
    assert ("halvex", "discontinued", "zipline") in {f[:3] for f in read_facts(text)}


def test_what_belongs_to_a_company_is_owned_by_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    assert ("halvex", "owns", "zipline", "asserted") in read_facts(
        "The Zipline brand belongs to Halvex."
    )


def test_a_one_word_name_the_tagger_took_for_a_person_may_be_a_product(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Halvex will sunset Zipline, the payments app it acquired in 2020.")
    assert ("halvex", "discontinued", "zipline") in {f[:3] for f in facts}


def test_capitals_that_name_a_kind_of_thing_are_no_entity() -> None:
    from kg.extract import extract_documents
    from kg.ingest import document_from_text

    text = "It will need clusters four times the size of similar AI GPU clusters in use today."
    ex = extract_documents([document_from_text(text)])[0]
    assert not [m for m in ex.mentions if m.name == "AI GPU"]


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Acquired by Halvex in 2019, Zipline now has 3 million users.",
         ("halvex", "acquired", "zipline")),
        ("Backed by Halvex, Zipline raised $50 million.", ("halvex", "investedIn", "zipline")),
        ("Brisa, which is headquartered in Munich and majority-owned by South Korean "
         "conglomerate Daeyang Group, declined to comment.", ("daeyang-group", "owns", "brisa")),
    ],
    ids=["fronted", "fronted-backed", "in-a-relative-clause"],
)  # fmt: skip
def test_a_participle_on_a_clause_is_said_of_its_subject(
    read_facts, text: str, fact: tuple
) -> None:  # type: ignore[no-untyped-def,type-arg]
    assert fact in {f[:3] for f in read_facts(text)}


def test_a_passive_whose_agent_is_no_entity_names_no_maker(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(
        "Halvex makes Zipline. Zipline started in 2003, launched by Nordic entrepreneurs."
    )
    assert not {f for f in facts if f[1] == "launched"}


def test_who_sold_what_was_bought_owned_it(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Teva completed its purchase of Actavis Generics from Allergan in 2016.")
    assert ("allergan", "owns", "actavis-generics") in {f[:3] for f in facts}
