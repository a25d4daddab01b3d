"""The extraction mechanisms on short hand-written sentences: mentions, roles, the
lexicon, qualifiers, open relations and quantities. Every company here is invented."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract import extract_documents
from kg.extract.triggers import load_triggers
from kg.ingest import document_from_text
from kg.resolve import resolve


def _mentions(text: str) -> dict[str, str]:
    """name -> class of each entity the text names."""
    res = resolve(extract_documents([document_from_text(text)]))
    return {e.label: e.cls for e in res.entities.values()}


# ---------------------------------------------------------------- mentions


@pytest.mark.parametrize(("text", "name", "cls"), [
    ("Halvex bought Lumen:ai for $40 million last year.", "Lumen:ai", "Organization"),
    ("Users left Quorvo.com after the outage, the company said.", "Quorvo.com", "Organization"),
    ("Orvane released Kestrel-4o in May.", "Kestrel-4o", "Product"),
    ("Orvane released Halcyon 3 in April.", "Halcyon 3", "Product"),
    ("The phone uses the Vantor 8 Gen 3 chip from Orvane.", "Vantor 8 Gen 3", "Product"),
    ("Orvane is shutting down its calling and messaging app, Zephyr.", "Zephyr", "Product"),
    ("Cybersecurity firm Halvex raised $20 million on Monday.", "Halvex", "Organization"),
    ("Mike Brenner and Dana Whitlow founded Halvex in 2019.", "Dana Whitlow", "Person"),
    ("Orvane opened an office in Colorado last year.", "Colorado", "Place"),
    ("Orvane raised $2 billion in backing from Hollywood studios.", "Hollywood", "Place"),
    ("Qualcomm agreed to buy Dutch chipmaker Halvex Semiconductors.", "Halvex Semiconductors",
     "Organization"),
    ("Apple sold fewer iPhones in China.", "iPhone", "Product"),
    ("Dana Whitlow, the San Francisco software startup said on Friday, will step down.",
     "San Francisco", "Place"),
    ("Orvane said the Competition and Markets Authority had cleared the deal.",
     "Competition and Markets Authority", "Organization"),
    ("Prince Talal bin Nayef invested in Orvane.", "Talal bin Nayef", "Person"),
    ("Orvane presented its robots at the Halvex Robotics Summit in May.",
     "Halvex Robotics Summit", "Event"),
    ("The Dutch Authority for Consumers and Markets fined Orvane.",
     "Dutch Authority for Consumers and Markets", "Organization"),
    ("Halden Freight paid Orvane 410 million euros.", "Halden Freight", "Organization"),
    ("Halden Logistics 410 million in revenue came from Europe.", "Halden Logistics",
     "Organization"),
    ("Dana Whitlow, 19th Century Pictures' chief executive, declined a role at Orvane.",
     "19th Century Pictures", "Organization"),
    ("Markets rose.\n\nLumora raised $800 million in a round led by Halvex Vision Fund 2 on "
     "Monday.", "Halvex Vision Fund 2", "Organization"),
    ("Orvane bought primary-care provider One Clinic for $3.9 billion last year.", "One Clinic",
     "Organization"),
    ("Orvane Systems offers Xbox Cloud Gaming in Asia.", "Xbox Cloud Gaming", "Product"),
    ("Koval Games' larger Warsaw rival KT Veltrix has avoided big cuts.", "KT Veltrix",
     "Organization"),
    ("The National Markets and Competition Commission is investigating Veltrix.",
     "National Markets and Competition Commission", "Organization"),
    ("Peter Rice has become chairman of Walt Halvex Television, a new unit.",
     "Walt Halvex Television", "Organization"),
    ("Orvane has been expanding production of the Zeta EV and the F-150 Lightning pickup.",
     "F-150 Lightning", "Product"),
    ("Orvane bought doorbell maker Zing in 2018 and home Wi-Fi company Eero in 2019.", "Eero",
     "Organization"),
    # a name before "-based" on a company's noun is a place, the city before its state too
    ("In 2021 the group bought Conta Leve, a Curitiba-based digital bank.", "Curitiba", "Place"),
    ("Orvane lost its contract with Hartford, Connecticut-based insurer Brennan Mutual.",
     "Hartford", "Place"),
    # untagged proper nouns before a tagged company word belong to the name
    ("Bellbird Software launched a payments app in 2023.", "Bellbird Software", "Organization"),
    # a capitalised "-ing" word inside a sentence begins a name
    ("Halvex Notes was sold to app developer Bending Spoons Srl in 2022.", "Bending Spoons Srl",
     "Organization"),
])  # fmt: skip
def test_a_name_is_found_and_typed(text: str, name: str, cls: str) -> None:
    assert _mentions(text).get(name) == cls


def test_a_hyphen_inside_a_name_keeps_it_whole() -> None:
    names = _mentions("Orvane is expanding production of the Mustang Mach-E and the Zeta EV.")
    assert "Mustang Mach-E" in names, names


def test_a_shorter_name_joins_the_only_longer_one_it_begins() -> None:
    names = _mentions(
        "Harbor Street Media Inc. said it would close Pixie. Harbor Street spokeswoman "
        "Nora Field said the app had 3 million users."
    )
    assert len([n for n in names if n.startswith("Harbor")]) == 1, names


def test_a_sentence_case_headline_is_read_like_the_body(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Orvane Systems to buy Kestrel Pay for $2.1bn")
    assert ("orvane-systems", "acquired", "kestrel-pay", "planned") in facts, facts


def test_a_plural_common_noun_opening_a_sentence_is_no_name() -> None:
    text = "\u201cDefendants have avoided paying for the work,\u201d Orvane said in its complaint."
    assert "Defendants" not in _mentions(text)


def test_a_law_is_no_entity() -> None:
    names = _mentions("The European Commission fined Orvane under the Digital Markets Act.")
    assert "Digital Markets Act" not in names and "Orvane" in names, names


def test_a_legal_suffix_names_the_same_entity() -> None:
    names = _mentions("Orvane Corp. said on Monday that Orvane would close Pixie, its photo app.")
    assert len([n for n in names if n.startswith("Orvane")]) == 1, names
    # "& Co." goes whole: no entity is labelled "Halvex Fargo &"
    names = _mentions("Halvex Fargo & Co. will pay $3 million. Halvex Fargo said it was sorry.")
    assert "Halvex Fargo" in names and not any(n.endswith("&") for n in names), names


@pytest.mark.parametrize("text", [
    "SEATTLE - Orvane said on Monday it would close Pixie.",
    "SEATTLE (Reuters) - Orvane said on Monday it would close Pixie.",
])  # fmt: skip
def test_a_dateline_is_no_part_of_a_name(text: str) -> None:
    names = _mentions(text)
    assert "Orvane" in names
    assert not any("SEATTLE" in n.upper() and n != "Seattle" for n in names), names


def test_an_acronym_in_parentheses_is_the_same_entity() -> None:
    names = _mentions(
        "The Federal Trade Regulator (FTR) opened a probe into Orvane. The FTR said it "
        "would report in June."
    )
    assert "Federal Trade Regulator" in names and "FTR" not in names


def test_characters_are_no_entities() -> None:
    names = _mentions("The studio owns characters such as Captain Vellum and Mopsy Fray.")
    assert "Captain Vellum" not in names and "Mopsy Fray" not in names


# ---------------------------------------------------------------- relations


@pytest.mark.parametrize(("text", "fact"), [
    # verbs, passives, relative clauses, participles, lists
    ("Orvane acquired Halvex in 2020.", ("orvane", "acquired", "halvex", "asserted")),
    ("Halvex was acquired by Orvane in 2020.", ("orvane", "acquired", "halvex", "asserted")),
    ("Orvane, which bought Halvex in 2020, is based in Boston.",
     ("orvane", "acquired", "halvex", "asserted")),
    ("Halvex, bought by Orvane in 2020, makes sensors.",
     ("orvane", "acquired", "halvex", "asserted")),
    ("Orvane sued Halvex and Brightcart on Monday.", ("orvane", "sued", "brightcart", "asserted")),
    # control, raising and headlines: plans
    ("Orvane agreed to buy Halvex.", ("orvane", "acquired", "halvex", "planned")),
    ("Orvane is set to acquire Halvex.", ("orvane", "acquired", "halvex", "planned")),
    ("Orvane has struck a deal to buy Halvex.", ("orvane", "acquired", "halvex", "planned")),
    # a product that works inside another is part of it
    ("Zappo Notes, a note-taking app, works inside Halvex Docs, the word processor.",
     ("zappo-notes", "integratedInto", "halvex-docs", "asserted")),
    # a preposition repeated in a list, or hung on the noun before it
    ("Orvane Retail competes with Halvex Foods and with Norwind Stores.",
     ("orvane-retail", "competesWith", "norwind-stores", "asserted")),
    ("Orvane Telecom competes for mobile customers with Halvex Mobile and Norwind Telecom.",
     ("orvane-telecom", "competesWith", "norwind-telecom", "asserted")),
    # a passive joined to another shares its subject
    ("Veltra Mobility was founded in 2013 by Dana Whitlow and is backed by Halvex Ventures.",
     ("halvex-ventures", "investedIn", "veltra-mobility", "asserted")),
    # a round led by an investor, said in the passive
    ("Veltra Power's Series B was led by Halvex Ventures.",
     ("halvex-ventures", "investedIn", "veltra-power", "asserted")),
    # two names the text relates are two entities, though one begins the other
    ("The round was led by Halvex Ventures, the investment arm of Halvex, the person said.",
     ("halvex", "owns", "halvex-ventures", "asserted")),
    # a typing noun the tagger read as a verb
    ("Orvane Systems agreed to acquire Veltrix, a cloud security startup based in Denver.",
     ("veltrix", "headquarteredIn", "denver", "asserted")),
    # what a rival's products come from
    ("Orvane Media was designed to compete with free mobile video from Halvex Labs and "
     "Veltra Video.", ("orvane-media", "competesWith", "veltra-video", "asserted")),
    # a person dumped or deposed by a company leaves it
    ("Jane Roe dumped by photo app maker Orvane Systems",
     ("jane-roe", "departedFrom", "orvane-systems", "asserted")),
    # a place before a typing noun, other words between
    ("The Idaho grocery chain Halvex Foods cut prices.",
     ("halvex-foods", "locatedIn", "idaho", "asserted")),
    # the helm, and titles one is promoted or rises to
    ("Jane Roe has been at the helm of Orvane Systems since 2015.",
     ("jane-roe", "ceoOf", "orvane-systems", "asserted")),
    ("Jane Roe took the reins of Orvane Systems in May.",
     ("jane-roe", "ceoOf", "orvane-systems", "asserted")),
    ("Jane Roe rose to chief executive of Orvane Systems in 2019.",
     ("jane-roe", "ceoOf", "orvane-systems", "asserted")),
    # headlines and infinitives
    ("Orvane Systems in talks to acquire Halvex Labs",
     ("orvane-systems", "acquired", "halvex-labs", "planned")),
    ("Halvex Labs agrees to be acquired by Orvane Systems for $2 billion",
     ("orvane-systems", "acquired", "halvex-labs", "planned")),
    ("Orvane Ventures leads $50 million round in Halvex Labs",
     ("orvane-ventures", "investedIn", "halvex-labs", "asserted")),
    ("Orvane Systems agreed to terminate its deal to buy Halvex Labs.",
     ("orvane-systems", "acquired", "halvex-labs", "negated")),
    # a list parsed as one name with its first name inside
    ("Regulators cleared the merger of Dresdyn and Maplecroft Chemicals.",
     ("dresdyn", "mergedWith", "maplecroft-chemicals", "asserted")),
    # the names of brands
    ("Alcott Industries, which owns the Vesta and Nomad appliance brands, reported revenue.",
     ("alcott-industries", "owns", "nomad", "asserted")),
    # a singular relative clause after a list is about the list's last name
    ("Zappo Notes competes with Halvex Docs and Veltra Write, which is owned by Orvane "
     "Systems.", ("orvane-systems", "owns", "veltra-write", "asserted")),
    # a called-off deal did not happen
    ("Orvane has walked away from its takeover of Halvex.",
     ("orvane", "acquired", "halvex", "negated")),
    ("Orvane abandoned its deal to buy Halvex.", ("orvane", "acquired", "halvex", "negated")),
    # a company's deal for another company is its purchase
    ("Orvane Systems abandoned its deal for Halvex Labs.",
     ("orvane-systems", "acquired", "halvex-labs", "negated")),
    ("Orvane Systems' deal for Halvex Labs closed on Monday.",
     ("orvane-systems", "acquired", "halvex-labs", "asserted")),
    # a rival noun tagged as a modifier of the name, with an adjective of its own
    ("Orvane Systems agreed to buy French rival Halvex Labs.",
     ("halvex-labs", "competesWith", "orvane-systems", "asserted")),
    # the preposition of a phrase hangs on its middle word; lists after it
    ("Orvane Motors will end production of the Halvex GT and the Halvex XL.",
     ("orvane-motors", "discontinued", "halvex-gt", "planned")),
    ("Orvane Motors will end production of the Halvex GT and the Halvex XL.",
     ("orvane-motors", "discontinued", "halvex-xl", "planned")),
    # "the City, State-based company", parsed with the city as the phrase's head
    ("Halvex Foods, the Boise, Idaho-based company, cut jobs.",
     ("halvex-foods", "locatedIn", "boise", "asserted")),
    # a place after "in" on where a person works, or on a typing noun naming a company
    ("Jane Roe, a lawyer at Halvex Partners in London, said the case was weak.",
     ("halvex-partners", "locatedIn", "london", "asserted")),
    ("Dana Whitlow left in 2023 to start Sowa Interactive, a smaller studio in Gdansk.",
     ("sowa-interactive", "locatedIn", "gdansk", "asserted")),
    ("Orvane lost its contract with Hartford, Connecticut-based insurer Brennan Mutual.",
     ("brennan-mutual", "locatedIn", "hartford", "asserted")),
    ("Koval's larger Warsaw rival Halvex Projekt has so far avoided big cuts.",
     ("halvex-projekt", "locatedIn", "warsaw", "asserted")),
    # a pronoun that rivals products after a clause naming a product is that product
    ("Apple introduced Apple Music in 2015, and it now competes with Amazon Music and "
     "YouTube Music.", ("apple-music", "competesWith", "amazon-music", "asserted")),
    # "co-founder" the tagger read as a verb, in a list of titles before a name
    ("Zappo AI's board has fired chief executive and co-founder Dana Whitlow, the startup "
     "said.", ("dana-whitlow", "founderOf", "zappo-ai", "asserted")),
    ("Zappo AI's board has fired chief executive and co-founder Dana Whitlow, the startup "
     "said.", ("dana-whitlow", "departedFrom", "zappo-ai", "asserted")),
    # a typing noun after a name and a comma, parsed as the verb's object, is apposed
    ("Halvex Oy makes rings. The company will instead concentrate on the Halvex Band 3, a "
     "fitness tracker it unveiled in September.",
     ("halvex-oy", "launched", "halvex-band-3", "asserted")),
    # a headline's verb read as a plural noun between two names
    ("Federal Trade Regulator fines Halvex Labs €90m over children's data",
     ("federal-trade-regulator", "fined", "halvex-labs", "asserted")),
    # rivals going head to head; support ended; a backer's bet
    ("The Zappo app goes head to head with Lumo, Halvex's photo tool.",
     ("zappo", "competesWith", "lumo", "asserted")),
    ("Orvane Systems will end support for Pathway, a legacy email client, in 2026.",
     ("orvane-systems", "discontinued", "pathway", "planned")),
    ("Apex Growth Fund's $60 million bet on Tillwater, a payroll start-up, is its largest.",
     ("apex-growth-fund", "investedIn", "tillwater", "asserted")),
    # what a body investigates is what the clause after the word is about
    ("The Federal Trade Regulator is investigating how Halvex Labs booked revenue.",
     ("federal-trade-regulator", "investigates", "halvex-labs", "asserted")),
    ("The Federal Trade Regulator opened an investigation into whether Halvex Labs misled "
     "its customers.", ("federal-trade-regulator", "investigates", "halvex-labs", "asserted")),
    # a statement signed with the speaker's titles and company
    ("\"We will move forward independently,\" said Jane Roe, chair and CEO, Halvex Labs.",
     ("jane-roe", "ceoOf", "halvex-labs", "asserted")),
    # the head noun of an oddly parsed phrase types the name ("the Loop messaging app")
    ("Threadwork, which introduced the Loop messaging app in 2019, said Loop now has 45 "
     "million users.", ("threadwork", "launched", "loop", "asserted")),
    # a product's kind after its name keeps it apart from its maker's name
    ("Paylon is retiring the Classic Card reader and replacing it with the Paylon Go "
     "terminal.", ("classic-card", "replacedBy", "paylon-go", "asserted")),
    # what a noun is called is what it stands for, typed by the noun
    ("Mendel Biotech debuted a gene-editing kit called Primer at a conference.",
     ("mendel-biotech", "launched", "primer", "asserted")),
    ("Reelbox plans to launch Reelbox Lite, an ad-supported tier, next spring.",
     ("reelbox", "launched", "reelbox-lite", "planned")),
    # where a company will move its headquarters from is where they are until then
    ("Vardex Labs will move its headquarters from Seattle to Miami next year.",
     ("vardex-labs", "headquarteredIn", "seattle", "asserted")),
    # who an appointer names, replacing someone, is the one who replaces them
    ("Halvex Pay has named Omar Haddad as chief executive, replacing co-founder Lena Voss.",
     ("omar-haddad", "succeeded", "lena-voss", "asserted")),
    # money put into several companies, the list hung on the verb
    ("Dana Whitlow has put money into three fintechs this year, including Coinlet Pay.",
     ("dana-whitlow", "investedIn", "coinlet-pay", "asserted")),
    # the name before the kind of product a line or range is
    ("The Orbit speaker line is owned by Sonara Audio.",
     ("sonara-audio", "owns", "orbit", "asserted")),
    # a board one joins or sits on is a company's
    ("Jane Roe will join Halvex Labs' board as part of the deal.",
     ("jane-roe", "worksFor", "halvex-labs", "planned")),
    ("Jane Roe sits on the board of Halvex Labs.",
     ("jane-roe", "worksFor", "halvex-labs", "asserted")),
    # a two-word typing noun ("fund manager" is a firm, "manager" a person)
    ("Jane Roe, the co-founder of fund manager Halvex Asset Management, spoke.",
     ("jane-roe", "founderOf", "halvex-asset-management", "asserted")),
    # a relative clause on a typing noun's prepositional object, where only the noun fits
    ("Users will move to Kumo Teams, a subscription service for teams that Orvane Digital "
     "launched last year.", ("orvane-digital", "launched", "kumo-teams", "asserted")),
    # a name after a typing noun in a relative clause, parsed as a conjunct before it
    ("Halvex lost ground to rivals such as Lumo and Pixel, which was sold to app developer "
     "Bending Spoons in 2022.", ("bending-spoons", "acquired", "pixel", "asserted")),
    # a possessed typing noun after a name and a comma, parsed as the verb's conjunct
    ("The Pixie app goes head to head with Snapwise, Halvex's photo-editing tool.",
     ("snapwise", "developer", "halvex", "asserted")),
    # a second object after "and", parsed as the verb's conjunct; a part "of" a company
    ("Orvane grew by buying Halvex for $2 billion in 2018 and the security business of "
     "Pellium for $1 billion a year later.", ("orvane", "acquired", "pellium", "asserted")),
    # money put into an app a cue word names is put into its company
    ("Tencent is in talks to invest in Sayurku, a grocery delivery app.",
     ("tencent", "investedIn", "sayurku", "planned")),
    ("Jane Roe has backed three startups, including the food-delivery app Chopbox.",
     ("jane-roe", "investedIn", "chopbox", "asserted")),
    # a two-word product noun ending in a person's word
    ("Nightjar, a password manager, was launched in 2020 by Kuusi Security.",
     ("kuusi-security", "launched", "nightjar", "asserted")),
    # a name after a typing noun, parsed as a clause of the verb; an acronym tagged a noun
    ("Brazil's regulator Cade and Argentina's CNDC have fined dairy group Lactea Sur a "
     "combined $9 million.", ("cndc", "fined", "lactea-sur", "asserted")),
    # a name before a maker noun, with a kind of product between, is the product
    ("Roomba vacuum maker Halvex Robotics cut jobs.",
     ("roomba", "developer", "halvex-robotics", "asserted")),
    # an English word opening a sentence, in apposition to a rival noun, is a name
    ("Signet, an open-source alternative to Slack, said it now hosts chats.",
     ("signet", "competesWith", "slack", "asserted")),
    # a team one runs is no company one leads; who is hired away from a company leaves it
    ("Orvane has hired Jane Roe away from Halvex, where she ran the company's glasses team.",
     ("jane-roe", "departedFrom", "halvex", "asserted")),
    # a suit brought by someone, accusing someone else
    ("A lawsuit brought by the Federal Trade Regulator accuses Kindra of hiding fees.",
     ("federal-trade-regulator", "sued", "kindra", "asserted")),
    # the one picked does what the infinitive says; the board of a company picks for it
    ("The board of Hallstatt Chemie has picked finance chief Jonas Brenner to succeed Ulrike "
     "Sand as chief executive.", ("jonas-brenner", "succeeded", "ulrike-sand", "asserted")),
    ("The board of Hallstatt Chemie has picked finance chief Jonas Brenner to succeed Ulrike "
     "Sand as chief executive.", ("jonas-brenner", "ceoOf", "hallstatt-chemie", "asserted")),
    ("He will be replaced by Amanda Price, previously a vice president of finance at Halvex.",
     ("amanda-price", "departedFrom", "halvex", "asserted")),
    # a team or the engineers at a company act for it; where a company operates from
    ("The Quill model was trained by engineers from Halvex Labs.",
     ("quill", "developer", "halvex-labs", "asserted")),
    ("The Pathway app was written by a small team at Halvex Labs.",
     ("pathway", "developer", "halvex-labs", "asserted")),
    ("Halvex Labs operates out of Austin.", ("halvex-labs", "locatedIn", "austin", "asserted")),
    # a rival to a known app is an app; a maker that kills it off discontinues it
    ("Orvane has killed off Pixie, its short-lived rival to TikTok.",
     ("orvane", "discontinued", "pixie", "asserted")),
    ("Orvane will retire Pixie in March and move users to Lumo.",
     ("orvane", "discontinued", "pixie", "planned")),
    # the chair of a company's board leads the company
    ("Jane Roe has been named chair of Orvane's board.",
     ("jane-roe", "leaderOf", "orvane", "asserted")),
    # a product that stops working is shut by whoever launched it
    ("Pixie, which Orvane launched in 2018, will stop working next month.",
     ("orvane", "discontinued", "pixie", "planned")),
    # who takes part in a round invests
    ("Imara Health raised $12 million in a seed round led by Savanna Ventures, with "
     "participation from Oduya Capital.", ("oduya-capital", "investedIn", "imara-health",
                                           "asserted")),
    # a public body's regulators or officials act for it
    ("Regulators in the European Union fined Orvane 200 million euros for abusing its "
     "dominance.", ("european-union", "fined", "orvane", "asserted")),
    # a bid for a company is a planned purchase
    ("Orvane bid $2 billion for Halvex.", ("orvane", "acquired", "halvex", "planned")),
    # the rival of the company a person left for it
    ("Jane Roe, chief scientist at Quanta Labs, has left the company and joined rival Helix "
     "Systems.", ("helix-systems", "competesWith", "quanta-labs", "asserted")),
    # an unknown city before its state and "-based"
    ("Halvex, the Round Rock, Texas-based PC maker, inherited it.",
     ("halvex", "locatedIn", "round-rock", "asserted")),
    # where a person's post is, whatever the name looks like
    ("\"Demand will stay strong,\" said Jane Roe, an energy analyst at Edward Jones.",
     ("jane-roe", "worksFor", "edward-jones", "asserted")),
    # a preposition repeated after a comma and "and"
    ("Quetzal competes with Pago, the payments arm of Orvane, and with Nubank.",
     ("quetzal", "competesWith", "nubank", "asserted")),
    ("Orvane pulled out of its agreement to buy Halvex.",
     ("orvane", "acquired", "halvex", "negated")),
    ("Regulators blocked Orvane's acquisition of Halvex.",
     ("orvane", "acquired", "halvex", "negated")),
    ("Orvane completed its acquisition of Halvex.", ("orvane", "acquired", "halvex", "asserted")),
    # an outlet's report
    ("Orvane agreed to buy Halvex, according to a report by Bloomberg News.",
     ("bloomberg", "reportedOn", "orvane", "asserted")),
    # raising into a title
    ("Jane Roe is expected to succeed Kai Lund as chief executive of Orvane Systems.",
     ("jane-roe", "ceoOf", "orvane-systems", "planned")),
    ("Orvane is in advanced talks to acquire Halvex.", ("orvane", "acquired", "halvex", "planned")),
    ("TITLE: Orvane to buy Halvex for $2 billion\n\nOrvane and Halvex confirmed the deal.",
     ("orvane", "acquired", "halvex", "planned")),
    # nominalisations
    ("The acquisition of Halvex by Orvane closed on Friday.",
     ("orvane", "acquired", "halvex", "asserted")),
    ("Orvane's takeover of Halvex was approved.", ("orvane", "acquired", "halvex", "asserted")),
    ("Regulators blocked the merger of Orvane and Halvex.",
     ("halvex", "mergedWith", "orvane", "negated")),
    # negation
    ("Orvane did not buy Halvex.", ("orvane", "acquired", "halvex", "negated")),
    # titles, appointments, departures, successions
    ("Orvane CEO Dana Whitlow spoke on Monday.", ("dana-whitlow", "ceoOf", "orvane", "asserted")),
    ("Dana Whitlow, chief executive of Orvane, spoke on Monday.",
     ("dana-whitlow", "ceoOf", "orvane", "asserted")),
    ("On Monday, Orvane named Dana Whitlow as its chief executive.",
     ("dana-whitlow", "ceoOf", "orvane", "asserted")),
    ("Dana Whitlow, the co-founder and CEO of Orvane, spoke.",
     ("dana-whitlow", "founderOf", "orvane", "asserted")),
    ("Dana Whitlow resigned from Orvane on Friday.",
     ("dana-whitlow", "departedFrom", "orvane", "asserted")),
    ("Kai Lund will succeed Dana Whitlow in May.",
     ("kai-lund", "succeeded", "dana-whitlow", "planned")),
    ("Nora Field, a spokeswoman for Orvane, declined to comment.",
     ("nora-field", "worksFor", "orvane", "asserted")),
    # regulators
    ("The Federal Trade Regulator is investigating Orvane.",
     ("federal-trade-regulator", "investigates", "orvane", "asserted")),
    ("The Federal Trade Regulator fined Orvane $5 million.",
     ("federal-trade-regulator", "fined", "orvane", "asserted")),
    ("The Federal Trade Regulator fined Orvane 5 million euros.",
     ("federal-trade-regulator", "fined", "orvane", "asserted")),
    # products
    ("Pixie, the photo app made by Orvane, has 3 million users.",
     ("pixie", "developer", "orvane", "asserted")),
    ("Orvane launched Pixie, a photo app, in 2019.", ("orvane", "launched", "pixie", "asserted")),
    ("Orvane is shutting down Pixie, its photo app.",
     ("orvane", "discontinued", "pixie", "asserted")),
    ("Orvane will shut the Pixie photo app.", ("orvane", "discontinued", "pixie", "planned")),
    ("Pixie, Orvane's photo app, will shut down in May.",
     ("orvane", "discontinued", "pixie", "planned")),
    ("Pixie, an app from Orvane, runs on Corvus-2.",
     ("pixie", "poweredBy", "corvus-2", "asserted")),
    ("Orvane will fold Lumo, its chat app, into Pixie, its photo app.",
     ("lumo", "integratedInto", "pixie", "planned")),
    ("Orvane replaced Lumo, its old app, with Pixie, its new app.",
     ("lumo", "replacedBy", "pixie", "asserted")),
    # ownership, investment, partners, rivals, places
    ("Halvex, a unit of Orvane, makes sensors.", ("orvane", "owns", "halvex", "asserted")),
    ("Orvane-backed Halvex raised $5 million.", ("orvane", "investedIn", "halvex", "asserted")),
    ("Halvex raised $5 million in a round led by Brightcart Capital.",
     ("brightcart-capital", "investedIn", "halvex", "asserted")),
    ("Orvane has partnered with Halvex on batteries.",
     ("halvex", "partnersWith", "orvane", "asserted")),
    ("Orvane and Halvex are locked in a fierce battle for the market.",
     ("halvex", "competesWith", "orvane", "asserted")),
    ("Orvane, a Boston-based startup, makes robots.",
     ("orvane", "locatedIn", "boston", "asserted")),
    ("Orvane is headquartered in Austin.", ("orvane", "headquarteredIn", "austin", "asserted")),
    ("Orvane-owned Halvex is cutting jobs.", ("orvane", "owns", "halvex", "asserted")),
    ("Orvane-owned grocery chain Halvex will close 40 stores.",
     ("orvane", "owns", "halvex", "asserted")),
    ("Halvex, a Nairobi-based maker of soil sensors backed by Brightcart Capital, employs "
     "140 people.", ("brightcart-capital", "investedIn", "halvex", "asserted")),
    ("Halvex, a Nairobi-based maker of soil sensors, employs 140 people.",
     ("halvex", "locatedIn", "nairobi", "asserted")),
    ("Orvane is considering investing up to $4 billion in Halvex.",
     ("orvane", "investedIn", "halvex", "planned")),
    ("Quorvex, founded in 2016 by Dana Whitlow, escaped a penalty.",
     ("dana-whitlow", "founderOf", "quorvex", "asserted")),
    ("Orvane is partnering with Halvex, whose chief executive, Dana Whitlow, praised the deal.",
     ("dana-whitlow", "ceoOf", "halvex", "asserted")),
    ("Pixie lost a million users, while its rival Lumo gained two million.",
     ("lumo", "competesWith", "pixie", "asserted")),
    ("Like its rival Halvex, Orvane is cutting costs.",
     ("halvex", "competesWith", "orvane", "asserted")),
    ("Orvane said on Monday that chief executive Dana Whitlow would step down.",
     ("dana-whitlow", "ceoOf", "orvane", "asserted")),
    ("Orvane said on Monday that chief executive Dana Whitlow would step down.",
     ("dana-whitlow", "departedFrom", "orvane", "planned")),
    ("Orvane said its finance chief, Kai Lund, would leave in May.",
     ("kai-lund", "leaderOf", "orvane", "asserted")),
    ("Orvane said that Dana Whitlow, a former Halvex executive, will become its chief "
     "executive.", ("dana-whitlow", "ceoOf", "orvane", "planned")),
    ("The Federal Trade Regulator has fined online bank Orvane 28.5 million pounds for "
     "failing to check its customers.", ("federal-trade-regulator", "fined", "orvane", "asserted")),
    ("Lumen Records sued short-video app Reelbox on Monday.",
     ("lumen-records", "sued", "reelbox", "asserted")),
    ("Orvane has taken a 5% stake in battery startup Halvex, the carmaker said.",
     ("orvane", "investedIn", "halvex", "asserted")),
    ("Orvane is in talks to invest in Halvex, a grocery delivery startup.",
     ("orvane", "investedIn", "halvex", "planned")),
    ("Halvex, whose investors include Brightcart Capital, filed for a listing.",
     ("brightcart-capital", "investedIn", "halvex", "asserted")),
    ("Halvex closed a €25m Series A co-led by Brightcart Capital.",
     ("brightcart-capital", "investedIn", "halvex", "asserted")),
    ("Orvane and Brightcart were among the investors in Halvex's funding round.",
     ("brightcart", "investedIn", "halvex", "asserted")),
    ("Helio Pharma will phase out Corvaline, an older blood-pressure drug, by 2027.",
     ("helio-pharma", "discontinued", "corvaline", "planned")),
    ("Pocketa rolled out Pocketa Split, a buy-now-pay-later service, in Kenya.",
     ("pocketa", "launched", "pocketa-split", "asserted")),
    ("Sagebrush, an open-source database developed by Tallow Labs, is popular.",
     ("sagebrush", "developer", "tallow-labs", "asserted")),
    ("Norwind to buy Lumo Analytics for $2bn", ("norwind", "acquired", "lumo-analytics",
                                                 "planned")),
    ("Orvane has struck a deal to take over smaller rival Halvex.",
     ("halvex", "competesWith", "orvane", "asserted")),
    ("Orvane's $1.1 billion purchase of cybersecurity firm Halvex closed on Wednesday.",
     ("orvane", "acquired", "halvex", "asserted")),
    ("The Mingda A7, a budget smartphone from Shenzhen-based Mingda Tech, goes on sale.",
     ("mingda-a7", "developer", "mingda-tech", "asserted")),
    ("Parlaro said it would sunset its legacy Desk 7 software in 2026.",
     ("parlaro", "discontinued", "desk-7", "planned")),
    ("Halvex, Gabon's largest bank, has picked a new cloud provider.",
     ("halvex", "locatedIn", "gabon", "asserted")),
    ("Italy's competition authority Orvane fined Halvex.",
     ("orvane", "locatedIn", "italy", "asserted")),
    ("The Federal Trade Regulator fined Halvex on Monday. The Commission found that the "
     "Rotterdam-based company had abused its position.",
     ("halvex", "locatedIn", "rotterdam", "asserted")),
    ("Halvex said it would appeal, after the Federal Trade Regulator fined it in 2022.",
     ("federal-trade-regulator", "fined", "halvex", "asserted")),
    ("Halvex is under investigation by the Federal Trade Regulator, the company said.",
     ("federal-trade-regulator", "investigates", "halvex", "asserted")),
    ("Dana Whitlow replaced Peter Hale as chief executive of Halvex in January.",
     ("dana-whitlow", "ceoOf", "halvex", "asserted")),
    ("Dana Whitlow replaced Peter Hale as chief executive of Halvex in January.",
     ("dana-whitlow", "succeeded", "peter-hale", "asserted")),
    ("Onyx Mobile is taking on Orvane at the top end of the market, its chief executive, "
     "Diego Salas, said.", ("diego-salas", "ceoOf", "onyx-mobile", "asserted")),
    ("Orvane agreed to buy Halvex for $2 billion, Bloomberg reported on Tuesday.",
     ("bloomberg", "reportedOn", "orvane", "asserted")),
    ("According to Reuters, Orvane will shut down Pixie, its photo app.",
     ("reuters", "reportedOn", "orvane", "asserted")),
    ("Orvane will close Pixie, its chief executive told the Financial Times.",
     ("financial-times", "reportedOn", "orvane", "asserted")),
    ("LONDON (Reuters) - Orvane said on Monday it would close Pixie, its photo app.",
     ("reuters", "reportedOn", "orvane", "asserted")),
    ("Orvane will consolidate Pixie and Lumo into a single app, Halo.",
     ("lumo", "integratedInto", "halo", "planned")),
    ("Dana Whitlow, who co-founded Halvex in 2014, said the money would be used to expand.",
     ("dana-whitlow", "founderOf", "halvex", "asserted")),
    ("Dana Whitlow founded Halvex in 2009 with Kai Lund.",
     ("kai-lund", "founderOf", "halvex", "asserted")),
    ("Veridian was founded in 2015 by Carlos Medeiros, a former Intel engineer who remains its "
     "chief executive.", ("carlos-medeiros", "ceoOf", "veridian", "asserted")),
    ("Hanbit sued Veridian in March. Veridian was founded in 2015. The company has raised $1 "
     "billion from investors including Redwood Crest Capital.",
     ("redwood-crest-capital", "investedIn", "veridian", "asserted")),
    ("Norwind will fight the lawsuit. Norwind said it was confident. Chief executive Jane "
     "Roe said Veltra had no case.", ("jane-roe", "ceoOf", "norwind", "asserted")),
    ("BREAKING: Veltra to buy Orvane for $3 billion", ("veltra", "acquired", "orvane", "planned")),
    ("Exclusive: Veltra to buy Orvane, sources say", ("veltra", "acquired", "orvane", "planned")),
    ("Veltra to buy Orvane for $3 billion", ("veltra", "acquired", "orvane", "planned")),
    ("Norwind cut its sales force by 10%.",
     ("norwind", "jobCuts", ("percent", Decimal(10), "%", None, "exact"), "asserted")),
    ("Halvex's backers include Redwood Crest Capital and Larchmont Ventures.",
     ("larchmont-ventures", "investedIn", "halvex", "asserted")),
    ("Alcott Industries, whose brands include Vesta and Nomad, reported higher sales.",
     ("alcott-industries", "owns", "nomad", "asserted")),
    ("Orvane Group agreed to take a stake in Lumira Inc, the mapping company owned by "
     "carmakers Halvex Motors and Brightcart Auto.",
     ("halvex-motors", "owns", "lumira-inc", "asserted")),
    ("Orvane Group makes sensors. Veltra Systems has a new chip. Lumira, the mapping company "
     "owned by Halvex Motors, uses them.", ("halvex-motors", "owns", "lumira", "asserted")),
    ("Norwind Capital, the parent company of Zappo, Pixie and Lumo, reported a loss.",
     ("norwind-capital", "owns", "pixie", "asserted")),
    ("Veridian raised $50 million in new funding. Existing investors Redwood Crest Capital "
     "and Larchmont Ventures took part.",
     ("larchmont-ventures", "investedIn", "veridian", "asserted")),
    ("Veridian raised $50 million in new funding. Halvex took part, alongside new backers that "
     "included Redwood Crest Capital.",
     ("redwood-crest-capital", "investedIn", "veridian", "asserted")),
    ("Veridian Labs was founded in 2015. Redwood Crest Capital and Dana Whitlow, the "
     "co-founder of Halvex, were among its first backers.",
     ("redwood-crest-capital", "investedIn", "veridian-labs", "asserted")),
    ("Brightwall counts Redwood Crest Capital among its backers.",
     ("redwood-crest-capital", "investedIn", "brightwall", "asserted")),
    ("Arvo licenses its designs to chipmakers, including Halvex and Orvane's rival Veltra.",
     ("veltra", "competesWith", "orvane", "asserted")),
    ("Orvane said it would fold the feature into Zappo Mail, the company's email service.",
     ("zappo-mail", "developer", "orvane", "asserted")),
    ("Orvane Systems makes the VantaQ family of vision chips.",
     ("vantaq", "developer", "orvane-systems", "asserted")),
    ("An inquiry into Orvane's ZapSense advertising business is under way.",
     ("zapsense", "developer", "orvane", "asserted")),
    ("Orvane said on Monday that Dana Whitlow, its chief legal officer, would retire.",
     ("dana-whitlow", "leaderOf", "orvane", "asserted")),
    ("Halvex Bank said on Thursday it would cut 900 jobs, as new chief executive Dana "
     "Whitlow tries to rescue the lender.", ("dana-whitlow", "ceoOf", "halvex-bank", "asserted")),
    ("Halvex Bank agreed to pay $3 billion to resolve investigations by the Federal Trade "
     "Regulator into its sales practices.",
     ("federal-trade-regulator", "investigates", "halvex-bank", "planned")),
    ("Orvane Systems makes drones. Critics describe the Redmond, Washington-based company as "
     "secretive.", ("orvane-systems", "locatedIn", "redmond", "asserted")),
    ("Zappo, the streaming service founded by film producer Dana Whitlow, will close.",
     ("dana-whitlow", "founderOf", "zappo", "asserted")),
    ("General Motors will end production of the Chevrolet Volta EV at the end of the year.",
     ("chevrolet-volta-ev", "developer", "general-motors", "planned")),
    ("Orvane will stop building the Zappo X1 next year.",
     ("orvane", "discontinued", "zappo-x1", "planned")),
    ("Arvo Holdings licenses its designs to hundreds of companies, including Halvex and "
     "Orvane.", ("arvo-holdings", "partnersWith", "orvane", "asserted")),
    ("Orvane has signed up carmakers including Halvex Motors for its driving computers.",
     ("orvane", "partnersWith", "halvex-motors", "asserted")),
    ("Orvane Systems said on Friday that its board had named Dana Whitlow as interim chief "
     "executive. Halvex Robotics' board has since hired chief executive Kai Lund.",
     ("kai-lund", "ceoOf", "halvex-robotics", "asserted")),
    ("iRobot faces intense competition from Chinese manufacturers Halvex and Brightcart.",
     ("halvex", "competesWith", "irobot", "asserted")),
    ("Orvane Systems, the Round Rock-based PC maker, said it acquired Halvex Storage in 2016.",
     ("orvane-systems", "acquired", "halvex-storage", "asserted")),
    ("Dana Whitlow served as Orvane's chairman and remained its largest shareholder.",
     ("dana-whitlow", "investedIn", "orvane", "asserted")),
    ("Jade Halloran, the veteran producer who led the studios, left Orvane in 2021.",
     ("jade-halloran", "departedFrom", "orvane", "asserted")),
    ("Halvex Labs moved its headquarters from London to Dubai last year.",
     ("halvex-labs", "headquarteredIn", "dubai", "asserted")),
    ("Zappo has struggled to keep pace with Orvane Systems.",
     ("zappo", "competesWith", "orvane-systems", "asserted")),
    ("Halvex Games sued Orvane Systems in March. Halvex Games released a video that parodied "
     "an Orvane Systems advertisement and cast the Cupertino, California-based company as the "
     "villain.", ("orvane-systems", "locatedIn", "cupertino", "asserted")),
    ("Veltra Labs grew fast. Dana Whitlow, chief executive of Brightcart, has said the San "
     "Diego-based company could bid for Zappo.",
     ("brightcart", "locatedIn", "san-diego", "asserted")),
    ("Orvane Bank competes with British lenders such as Halvex Bank, as well as Germany's "
     "Veltra Bank, for customers.", ("orvane-bank", "competesWith", "veltra-bank", "asserted")),
    ("Orvane Systems agreed to buy Veltra in 2022. The deal was reviewed by the Federal Trade "
     "Commission, which under chair Lina Khan has taken a harder line on mergers.",
     ("lina-khan", "leaderOf", "ftc", "asserted")),
    ("Markets rose.\n\nHalvex Labs makes drones. Norwind Holdings owns about 40% of the company.",
     ("norwind-holdings", "investedIn", "halvex-labs", "asserted")),
    ("Halvex will close Zappo, its cloud gaming service, in January, the company said on "
     "Thursday.", ("zappo", "developer", "halvex", "asserted")),
    ("Halvex Systems is best known for Zappo, software that runs many virtual machines.",
     ("zappo", "developer", "halvex-systems", "asserted")),
    ("The Federal Trade Regulator fined Orvane Systems $5 million in March.",
     ("federal-trade-regulator", "investigates", "orvane-systems", "asserted")),
    ("Halvex Motors announced its $4 billion acquisition of Orvane Systems in March. The "
     "Competition and Markets Authority cleared the deal in August.",
     ("cma", "investigates", "halvex-motors", "asserted")),
    ("Halvex grew fast. It paid $6.5 billion for software integration company Orvane Systems "
     "in 2018.", ("halvex", "acquired", "orvane-systems", "asserted")),
    ("Halvex Labs licenses chip designs. Halvex Labs grew fast. Halvex Labs hired staff. Dana "
     "Whitlow, Orvane Systems' founder and chief executive, said the company would keep its "
     "license to Halvex Labs' architecture and would press ahead with Halvex-based processors "
     "such as Zeta, its upcoming data center chip.",
     ("zeta", "developer", "orvane-systems", "asserted")),
    ("Halvard Media owns Halvard Plus. Halvard Media grew. Halvard Media hired staff. Norwind "
     "Labs sold Pixie. Norwind Labs said it had no plans to sell the archive. The company may "
     "use some of the tools in Fleetwisp, its delivery app, a spokesperson said.",
     ("fleetwisp", "developer", "norwind-labs", "asserted")),
    ("Orvane Systems makes apps. Its games have been popular. Zeta joins a long list of products "
     "that Orvane Systems has killed, including the photo app Pixie, the video app Lumo and the "
     "chat app Quill.", ("orvane-systems", "discontinued", "pixie", "asserted")),
    ("Exor Capital holds 52 per cent of Orvane Systems.",
     ("exor-capital", "owns", "orvane-systems", "asserted")),
    ("Halvex bought 60 percent of Orvane Systems in 2019.",
     ("halvex", "acquired", "orvane-systems", "asserted")),
    ("Markets rose. Volkswagen named Porsche chief Matthias Müller as its new chief executive "
     "on Friday.", ("matthias-muller", "ceoOf", "volkswagen", "asserted")),
    ("Orvane Labs cut 300 jobs. Orvane Labs, Halvex and Norwind Motors agreed to build a car "
     "that the German carmaker wants on the road by 2027.",
     ("norwind-motors", "locatedIn", "germany", "asserted")),
    # a rival noun before a list the parser splits off it
    ("Norwind Bank lost ground to rivals Halvex Capital, Orvane Trust and Brightcart Finance.",
     ("orvane-trust", "competesWith", "norwind-bank", "asserted")),
    # a present participle on a descriptor in apposition
    ("Orvane Labs, the division building the Zephyr 5 headset, lost money.",
     ("zephyr-5", "developer", "orvane-labs", "asserted")),
    ("Halvex Systems offers the Zappo app to schools.",
     ("zappo", "developer", "halvex-systems", "asserted")),
    # a company that founds a company owns it; its group, lab or venture is its own
    ("Veltra Cells LLC, the joint venture that Orvane Motors and Halvex Energy formed in 2019, "
     "builds batteries.", ("halvex-energy", "owns", "veltra-cells-llc", "asserted")),
    ("Orvane Systems shut Halvex Studios and Entertainment, its in-house group, in 2021.",
     ("orvane-systems", "owns", "halvex-studios-and-entertainment", "asserted")),
    # a public body's accusation
    ("The Federal Trade Regulator accused Orvane Systems of hiding defects.",
     ("federal-trade-regulator", "investigates", "orvane-systems", "asserted")),
    # companies that agree to make something together, or make it jointly
    ("Orvane Systems, Halvex Motors and Norwind Labs agreed to develop a platform.",
     ("halvex-motors", "partnersWith", "norwind-labs", "planned")),
    ("Orvane Systems will jointly build a plant with Halvex Motors.",
     ("orvane-systems", "partnersWith", "halvex-motors", "planned")),
])  # fmt: skip
def test_a_construction_gives_its_fact(read_facts, text: str, fact: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(text)
    if fact[1] in ("mergedWith", "partnersWith", "competesWith"):  # either way round
        assert fact in facts or (fact[2], fact[1], fact[0], fact[3]) in facts, facts
    else:
        assert fact in facts, facts


@pytest.mark.parametrize(("text", "wrong"), [
    # one joins a company from another: the other is the one left
    ("Jane Roe joined Orvane in 2015 from Halvex.", "departedFrom:jane-roe>orvane"),
    # founders described by a count are no headcount
    ("The startup was founded by Jane Roe and Kai Lund, two former Halvex engineers.",
     "employeeCount"),
    # whose rival to another a product is, is its maker, no rival of it
    ("Orvane has killed off Pixie, its short-lived rival to TikTok.",
     "competesWith:pixie>orvane"),
    # who moves users to a product replaces nothing
    ("Orvane will retire Pixie in March and move users to Lumo.", "replacedBy:orvane"),
    # what is paid to settle a shareholders' lawsuit is no deal's value
    ("Halvex has agreed to pay $45 million to settle a lawsuit brought by shareholders.",
     "dealValue"),
    # a part of a company's people is not their number
    ("Fibrelink could bid for Cablenet, a cable operator, one of the people added.",
     "employeeCount"),
    # a former post is one the person has left, not one they hold
    ("Rajan, a former Halvex executive, took over in 2017.", "worksFor:rajan>halvex"),
    ("Orvane has hired Jane Roe away from Halvex, where she ran the company's glasses team.",
     "ceoOf:jane-roe>orvane"),
    ("BRUSSELS (Reuters) - Orvane's acquisition of payroll firm Halvex won approval.",
     "acquired:reuters"),
    ("Orvane will consolidate Pixie and Lumo into a single app, Halo.", "integratedInto:orvane"),
    ("Norwind will fight the lawsuit. Chief executive Jane Roe said Veltra had no case.",
     "ceoOf:jane-roe>veltra"),
    ("Norwind reported a 20% rise in revenue as Veltra sued Orvane.", "reportedOn"),
    ("Norwind revealed that Veltra had sued it over patents.", "reportedOn"),
    ("Jane Roe ousted John Doe as chairman of Norwind.", "leaderOf:jane-roe"),
    ("The FTC sued Norwind in March. The court fined Norwind $5 million in June.",
     "fined:ftc"),
    ("The Musk-led company bought Veltra.", "acquired"),
    ("Norwind shut the Veltra plant it bought last year.", "discontinued"),
    ("Norwind bought 2 million Veltra shares on Monday.", "acquired"),
    ("Zappo, a new app from a Veltra spin-off, topped the charts.", "developer"),
    ("Norwind cut 500 products from its catalogue.", "jobCuts"),
    ("Norwind buys Veltra | Orvane sues Halvex | Zappo shuts down", "sued:norwind"),
    ("The Federal Trade Regulator is investigating Orvane.", "partnersWith"),
    ("Orvane Motors and Halvex Auto completed their merger, creating Norwind Group.", "owns"),
    ("Halvex Systems and Orvane Motors launched new phones.", "partnersWith"),
    ("Halvex Systems filed a complaint against Orvane Motors with the Federal Trade Regulator.",
     "sued:halvex-systems>federal-trade-regulator"),
    ("Orvane Motors absorbed the Halvex Pictures movie studio.", "owns:halvex-pictures"),
    ("The bank trails rivals Halvex Capital and Orvane Trust, analysts said.", "competesWith"),
    ("Orvane Motors hired researchers at West Virginia University.", "locatedIn"),
    ("Jane Roe sent a letter to the chief executive of Orvane Systems.", "ceoOf:jane-roe"),
    ("Zappo Notes competes with Halvex Docs and Veltra Write, which is owned by Orvane "
     "Systems.", "owns:orvane-systems>halvex-docs"),
    ("Zappo competes with Halvex Pay, France's Veltra and Orvane Music, which is owned by "
     "Brightcart.", "locatedIn:orvane-music>france"),
    ("Koval Games' larger Warsaw rival Veltrix Studios has avoided big cuts.", "owns"),
    ("Rivals such as Halvex and Brightcart have overtaken Pixie.", "competesWith:halvex"),
    ("Orvane said Halvex bought Brightcart.", "acquired:orvane"),
    ("Pixie is faster than its predecessor.", "competesWith"),
    ("Quit chasing the hype, Orvane said.", "entity:quit"),
    ("Israeli Prime Minister Dana Whitlow praised the deal with Orvane.", "entity:prime"),
    ("Veridian Labs was founded in 2015. Redwood Crest Capital and Dana Whitlow were among "
     "its first backers.", "investedIn:dana-whitlow>redwood-crest-capital"),
    ("Orvane makes phones. Its main competitor is Halvex's Lumo.", "developer:lumo>orvane"),
    ("AMSTERDAM/PARIS (Reuters) - Halvex and Orvane completed their merger on Saturday.",
     "mergedWith:reuters"),
    ("Halvex Games sued Apple on Thursday. Halvex asked the court to bar the iPhone maker "
     "from restricting how apps are sold.", "developer:iphone>halvex-games"),
    ("Koval Games will cut 300 jobs and has cancelled a game codenamed Project Nightjar, the "
     "Warsaw-based video game developer said on Tuesday.", "locatedIn:project-nightjar"),
    ("Orvane Systems, based in Palo Alto, California, cut 500 jobs on Monday.",
     "headquarteredIn:orvane-systems>california"),
    ("Orvane Bank competes with British lenders such as Halvex Bank, as well as Germany's "
     "Veltra Bank, for customers.", "locatedIn:veltra-bank>united-kingdom"),
    ("Orvane Systems agreed to buy Veltra in 2022. Orvane Systems dropped the deal on Monday. "
     "Brussels competition chief Margrethe Vestager had been expected to block the deal.",
     "leaderOf:margrethe-vestager>orvane-systems"),
    ("DETROIT — General Motors will stop making the Chevrolet Bolt EV next year, chief executive "
     "Mary Barra said on Tuesday, retiring its cheapest electric car.", "departedFrom:mary-barra"),
    ("Kai Lund, Halvex Media's chief executive and Jane Lund's younger son, is leaving the "
     "company.", "departedFrom:jane-lund"),
    ("Halvex Motors announced its $4 billion acquisition of Orvane Systems in March. Halvex "
     "Motors' board approved the deal in August.", "investigates"),
    ("The court fined Orvane Systems $5 million in March.", "investigates"),
    ("Rivals such as Halvex, owned by Orvane Holdings, and Zappo, the app owned by Veltra "
     "Group, also move data abroad.", "owns:orvane-holdings>zappo"),
    ("Norwind filed a complaint accusing Orvane of illegally tying Teams to Office.",
     "relatedTo:norwind>teams-to-office"),
    ("Halvex Labs moved its headquarters to Dubai from London.",
     "headquarteredIn:halvex-labs>london"),
    # a superlative ranks, it does not place; a place before a noun is not the place
    ("Halvex Bank, the largest bank in Kenya, cut jobs.", "locatedIn"),
    ("Orvane is suing Halvex Optics, a former supplier, in a Seoul court.", "locatedIn"),
    # who leaves to start a company does not leave that one
    ("Orvane was founded by Dana Whitlow, who left in 2023 to start Sowa Interactive.",
     "departedFrom:dana-whitlow>sowa-interactive"),
    ("Jane Roe told the board of Halvex Labs that she would quit.", "worksFor"),
    # two phrases in a list, each with its own determiner, share nothing that hangs on one
    ("Orvane Media bought the FX cable networks and a controlling stake in Hulu.",
     "owns:fx>hulu"),
    # a pair the sentence relates by a property gets no open relation as well
    ("Halvex Holdings aims to complete the Orvane merger by the end of 2024.",
     "relatedTo:halvex-holdings>orvane"),
    # a public body reviews a deal for a company, it buys nothing
    ("The Federal Trade Regulator sued to block the deal for Halvex Labs.",
     "acquired:federal-trade-regulator"),
])  # fmt: skip
def test_a_construction_does_not_give_a_wrong_fact(read_facts, text: str, wrong: str) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts(text)
    prop, _, subject = wrong.partition(":")
    subject, _, obj = subject.partition(">")
    if obj:
        assert not any(f[1] == prop and f[0] == subject and f[2] == obj for f in facts), facts
        return
    if prop == "entity":
        assert not any(subject in (f[0], f[2]) for f in facts)
        assert "Quit" not in _mentions(text)
        return
    if prop == "competesWith" and subject:  # the two rivals listed are not each other's
        assert ("halvex", "competesWith", "brightcart", "asserted") not in facts
        assert ("brightcart", "competesWith", "halvex", "asserted") not in facts
        return
    assert not any(f[1] == prop and (not subject or f[0] == subject) for f in facts), facts


def test_an_open_relation_keeps_its_words() -> None:
    res = resolve(extract_documents([document_from_text("Orvane courted Halvex for months.")]))
    [open_fact] = [f for f in res.facts if f.predicate == "relatedTo"]
    assert (open_fact.subject, open_fact.object, open_fact.text) == ("orvane", "halvex", "court")
    assert open_fact.confidence < 0.5


# ---------------------------------------------------------------- quantities


def test_a_full_name_labels_its_entity_and_the_parent_stays_apart() -> None:
    names = _mentions(
        "SÃO PAULO (Reuters) - Grupo Tavares Pagamentos S.A. bought Quetzal Pay. Tavares said "
        "the deal closed. Tavares Pagamentos is owned by Tavares Holdings."
    )
    assert "Tavares Pagamentos" in names and "Tavares" not in names, names
    assert not any("PAULO" in n for n in names), names
    names = _mentions("Goldman Sachs advised Veltra. Goldman Sachs Asset Management invested.")
    assert {"Goldman Sachs", "Goldman Sachs Asset Management"} <= set(names), names
    names = _mentions("Norwind opened an office in Washington. The Washington Post reported it.")
    assert names.get("Washington") == "Place", names
    assert any(n.endswith("Washington Post") for n in names), names


def test_a_short_name_is_the_company_named_in_full_before_it() -> None:
    names = _mentions(
        "Hanbit sues Veridian over chip patents\n\nSEOUL (Reuters) - Hanbit Semiconductor Co. "
        "sued Veridian on Monday. Hanbit said the chips were copied. Shares of Hanbit Group, "
        "its parent, fell 2%. Hanbit has 4,000 staff."
    )
    assert "Hanbit Group" in names and "Shares of Hanbit Group" not in names, names
    assert len([n for n in names if n.startswith("Hanbit")]) == 2, names


def test_a_key_without_latin_letters_is_the_same_every_run() -> None:
    from kg.resolve import slugify

    assert slugify("Яндекс") == slugify("Яндекс") and slugify("Яндекс").startswith("x")


def test_an_amount_written_with_its_magnitude(read_facts) -> None:  # type: ignore[no-untyped-def]
    assert ("halvex", "fundingAmount", ("money", Decimal(25_000_000), "EUR", None, "exact")) in {
        f[:3] for f in read_facts("Halvex raised €25m.")
    }
    facts = read_facts("Halvex raised €25m from Brightcart Capital.")
    assert ("halvex", "fundingAmount", ("money", Decimal(25_000_000), "EUR", None, "exact")) in {
        f[:3] for f in facts
    }, facts
    assert not any(
        "series" in str(f[2]).lower()
        for f in read_facts("Halvex closed a €25m Series A led by Brightcart Capital.")
    )


@pytest.mark.parametrize(("text", "fact"), [
    ("Orvane bought Halvex for $116 million.",
     ("orvane", "dealValue", ("money", Decimal(116_000_000), "USD", None, "exact"))),
    ("Halvex raised $20 million at a $9 billion valuation.",
     ("halvex", "fundingAmount", ("money", Decimal(20_000_000), "USD", None, "exact"))),
    ("Halvex raised $20 million at a $9 billion valuation.",
     ("halvex", "valuation", ("money", Decimal(9_000_000_000), "USD", None, "exact"))),
    ("The Federal Trade Regulator imposed a €798 million fine on Orvane.",
     ("orvane", "fineAmount", ("money", Decimal(798_000_000), "EUR", None, "exact"))),
    ("Orvane will cut 12,000 jobs this year.",
     ("orvane", "jobCuts", ("count", Decimal(12_000), None, None, "exact"))),
    ("Orvane is cutting about 6% of its workforce.",
     ("orvane", "jobCuts", ("percent", Decimal(6), "%", None, "approximate"))),
    ("Pixie, Orvane's app, has more than 3 million users.",
     ("pixie", "userCount", ("count", Decimal(3_000_000), None, None, "at_least"))),
    ("Halvex Bank will return $2 billion to customers and pay a $1.7 billion civil penalty.",
     ("halvex-bank", "fineAmount", ("money", Decimal(1_700_000_000), "USD", None, "exact"))),
    ("Halvex Bank agreed to pay $3 billion to resolve criminal and civil investigations by the "
     "Justice Department.",
     ("halvex-bank", "fineAmount", ("money", Decimal(3_000_000_000), "USD", None, "exact"))),
    ("Last September the regulator imposed €405 million on Orvane Systems over its data.",
     ("orvane-systems", "fineAmount", ("money", Decimal(405_000_000), "EUR", None, "exact"))),
])  # fmt: skip
def test_a_figure_belongs_to_what_it_describes(
    read_facts, text: str, fact: tuple[object, ...]
) -> None:  # type: ignore[no-untyped-def]
    assert fact in {f[:3] for f in read_facts(text)}


# ---------------------------------------------------------------- the lexicon


def test_every_trigger_names_a_property_with_classes() -> None:
    triggers = load_triggers()
    found = [t for group in triggers.verbs.values() for t in group]
    found += [t for group in triggers.nouns.values() for t in group]
    assert len(found) > 500
    assert all(triggers.domain(t.property) is not None for t in found)
    assert {t.property for t in found} >= {
        "acquired", "mergedWith", "owns", "investedIn", "sued", "fined", "investigates",
        "competesWith", "partnersWith", "ceoOf", "leaderOf", "founderOf", "worksFor",
        "departedFrom", "succeeded", "developer", "launched", "discontinued",
        "headquarteredIn", "poweredBy", "integratedInto", "replacedBy",
    }  # fmt: skip


def test_a_persons_title_and_the_company_are_the_organisation_tied_to_them(read_facts) -> None:  # type: ignore[no-untyped-def]
    """With no organisation in the sentence, not the one the article is mostly about."""
    facts = read_facts(
        "Tavares Group has completed its takeover of Quetzal Holdings. Tavares Group "
        "paid $780 million in cash. Tavares Group is the largest payments firm in Brazil. "
        "Quetzal Holdings was founded in 2017 by Ximena Ruiz and Tomas Aguilar. "
        "Aguilar, who served as chief technology officer, left the company in 2022."
    )
    assert ("tomas-aguilar", "leaderOf", "quetzal-holdings", "asserted") in facts
    assert ("tomas-aguilar", "departedFrom", "quetzal-holdings", "asserted") in facts
    assert not {f for f in facts if f[0] == "tomas-aguilar" and f[2] == "tavares-group"}
    # tied to two organisations: the article's, as before
    facts = read_facts(
        "Tavares Group has completed its takeover of Quetzal Holdings. Tavares Group "
        "paid $780 million in cash. Tavares Group is the largest payments firm in Brazil. "
        "Tomas Aguilar founded Quetzal Holdings and Lumo Labs. "
        "Aguilar, the chief technology officer, said the deal was good news."
    )
    assert ("tomas-aguilar", "leaderOf", "tavares-group", "asserted") in facts


def test_a_name_with_a_companys_parts_is_a_company_in_every_mention() -> None:
    """The tagger and the cue word "app" call Zapfly a product; its founder and its
    chairman make it the company, here and in "the Zapfly app"."""
    text = (
        "Money app raises funds\n\nMillions of customers use the Zapfly app to send money "
        'abroad. "We are building a global financial app," said Nik Varga, Zapfly\'s founder '
        "and chief executive. Zapfly chairman Martin Gilbert said the round was oversubscribed."
    )
    assert _mentions(text)["Zapfly"] == "Organization"
    # one such word is not enough
    assert _mentions(text.replace("Zapfly chairman", "Its chairman"))["Zapfly"] == "Product"


def test_a_surname_alone_is_the_person_not_a_city_or_a_company() -> None:
    """'Scott Sheffield ... Sheffield, who ran ...': the tagger's company or the
    gazetteer's city is the person the document named in full; a company whose name
    begins with the word keeps it ('Grantham Foods ... Grantham said')."""
    from kg.extract.mentions import MentionFinder
    from kg.model import Mention

    def finder(*named: tuple[str, str, str]) -> MentionFinder:
        f = MentionFinder("d")
        for i, (name, label, source) in enumerate(named):
            f.mentions.append(Mention("d", 10 * i, 10 * i + len(name), name, label, name, source))
        f.settle_classes()
        return f

    found = finder(
        ("Scott Sheffield", "Person", "cue"),
        ("Sheffield", "Organization", "ner"),
        ("Sheffield", "Place", "place"),
    )
    assert [m.label for m in found.mentions] == ["Person", "Person", "Person"]
    found = finder(
        ("Grantham Foods", "Organization", "ner"),
        ("Ann Grantham", "Person", "cue"),
        ("Grantham", "Organization", "ner"),
    )
    assert found.mentions[2].label == "Organization"


def test_a_body_named_with_its_country_is_also_named_without_it() -> None:
    res = resolve(
        extract_documents(
            [document_from_text("The U.S. Federal Trade Regulator accused Orvane of cheating.")]
        )
    )
    body = next(e for e in res.entities.values() if e.label.endswith("Trade Regulator"))
    assert "Federal Trade Regulator" in {body.label, *body.aliases}, body


def test_a_deal_someone_only_tries_to_block_is_not_called_off(read_facts) -> None:  # type: ignore[no-untyped-def]
    facts = read_facts("Regulators sued to block Orvane Systems' purchase of Halvex Labs.")
    assert ("orvane-systems", "acquired", "halvex-labs", "negated") not in facts, facts
    assert any(f[:3] == ("orvane-systems", "acquired", "halvex-labs") for f in facts), facts
