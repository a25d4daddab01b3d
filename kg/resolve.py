"""Mentions -> canonical entities, relation mentions -> facts.

One entity per real-world thing across all documents: names linked to the
reference KB take its key; other names are grouped by their normalised form,
a short name that is the last word of a longer person's name joins it
("Altman" -> "Sam Altman"), and "the Acme app" joins "Acme" when that names a
known thing. Types are decided by weighted votes over all mentions (KB over
cue words over NER). Keys, and so IRIs, depend only on the names, never on
document order.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

from kg.extract.names import GROUP_WORDS, is_public_name, strip_legal
from kg.extract.relations import ANNOUNCER, BY_MAKER, INVESTED_AS_COMPANY
from kg.extract.triggers import load_triggers
from kg.kb import load_kb
from kg.lexicon import LEXICON
from kg.model import Entity, Evidence, Extraction, Fact, Mention, Quantity, RelationMention

__all__ = ["Resolution", "resolve", "slugify"]

_CLASS_ORDER = ("Organization", "Person", "AIModel", "Product", "Deal", "Event", "Place")


def slugify(text: str) -> str:
    """A stable IRI-safe key for a name."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    return slug or "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]  # "Яндекс"


@dataclass(frozen=True)
class Resolution:
    entities: dict[str, Entity]
    facts: list[Fact]
    mention_counts: dict[str, dict[str, int]]  # doc id -> entity key -> count


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def _strip_cue(name: str) -> str | None:
    """'Sora app' -> 'Sora': a trailing product cue word after a name."""
    words = name.split()
    if len(words) > 1 and LEXICON.cue_class(words[-1]) in ("Product", "AIModel"):
        return " ".join(words[:-1])
    return None


def _full_label(label: str, names: Counter[str], cls: str) -> str:
    """'Krishnan' is short for 'Meera Krishnan' and 'Tavares' for 'Tavares Pagamentos':
    the full name, without its legal form, labels the entity; not 'Quillfern AI' for
    'Quillfern', where the other word only says what kind of organisation it is."""
    if " " in label:  # "Harbor Street" is short for "Harbor Street Media Inc."
        longer = [n for n in names if strip_legal(n).startswith(label + " ")]
        if longer and cls == "Organization":
            return strip_legal(sorted(longer, key=lambda n: (-names[n], len(n), n))[0])
        return label
    full = []
    for n in names:
        words = strip_legal(n).split()
        if len(words) < 2:
            continue
        if cls == "Person" and label in (words[0], words[-1]):
            full.append(n)
        elif cls == "Organization" and words[0] == label:
            if not any(w in LEXICON.org_suffixes or LEXICON.cue_class(w) for w in words[1:]):
                full.append(n)
    if not full:
        return label
    return strip_legal(sorted(full, key=lambda n: (-names[n], len(n), n))[0])


def _strip_place(name: str) -> str | None:
    """'U.S. Federal Trade Commission' -> 'Federal Trade Commission': a leading place or
    nationality word before a name of two words or more."""
    words = name.split()
    if len(words) > 2 and (words[0] in LEXICON.demonyms or words[0] in LEXICON.place_names):
        return " ".join(words[1:])
    return None


class _Clusters:
    """Assigns every mention a cluster id (a KB key or a normalised name)."""

    def __init__(
        self,
        mentions: Iterable[Mention],
        headlines: dict[str, tuple[int, int]] | None = None,
        related: set[frozenset[str]] | None = None,
    ) -> None:
        kb = load_kb()
        self.kb = kb
        mentions = list(mentions)
        names = {m.name for m in mentions if m.label != "Deal"}
        organisations = {m.name for m in mentions if m.label == "Organization"}
        self.alias: dict[str, str] = {}
        labels: dict[str, Counter[str]] = defaultdict(Counter)
        for m in mentions:
            labels[m.name][m.label] += 1
        companies = {n for n, c in labels.items() if c.most_common(1)[0][0] == "Organization"}
        for name in sorted(names):
            key = self._kb_key(name)
            self.alias[name] = key if key else "~" + _norm(name)
        for name in sorted(names):
            plain = strip_legal(name)
            parent = name.split()[-1].lower() in GROUP_WORDS and any(
                o != name and o.startswith(plain + " ") and strip_legal(o) != plain for o in names
            )  # "Asahara Holdings" beside "Asahara Digital": the parent, not the company
            if plain != name and not parent and (plain in names or self._kb_key(plain)):
                self.alias[name] = self._kb_key(plain) or self.alias.get(plain, "~" + _norm(plain))
                continue  # "Acme Corp" is Acme
            local = _strip_place(name)
            if local and (local in names or self._kb_key(local)):
                self.alias[name] = self._kb_key(local) or self.alias[local]
                continue  # "U.S. Federal Trade Commission" is the Federal Trade Commission
            # "Sora app" is Sora; "Orvane Television", a company's name, is a unit
            stripped = _strip_cue(name) if name not in companies else None
            if stripped and stripped in names:
                self.alias[name] = self.alias[stripped]
            elif stripped and self._kb_key(stripped):
                self.alias[name] = self._kb_key(stripped) or self.alias[name]
        # Surnames and first names: 'Altman' or 'Sam' joins the only longer
        # person name ending or starting with it; 'Harbor' the only longer organisation
        # name it begins. A product named after its maker ('Pocketa Split') takes no one.
        # ('Teams' is 'Microsoft Teams' all the same).
        # Where each name is first used, headlines aside (a headline shortens names)
        heads = headlines or {}
        first: dict[str, tuple[str, int]] = {}
        for m in mentions:
            span = heads.get(m.doc_id)
            pos = (m.doc_id, m.start + (10**9 if span and span[0] <= m.start < span[1] else 0))
            if m.name not in first or pos < first[m.name]:
                first[m.name] = pos
        things = {m.name for m in mentions if m.label in ("Product", "AIModel", "Event")}
        things -= {m.name for m in mentions if m.label in ("Person", "Organization")}
        named = Counter(m.name for m in mentions)
        # "Unilever Ventures, the investment arm of Unilever": names the text relates to
        # each other are two
        related = related or set()
        partners: dict[str, set[str]] = defaultdict(set)
        for pair in related:
            a, b = tuple(pair)
            partners[a].add(b)
            partners[b].add(a)
        all_longer = [n for n in names if len(n.split()) >= 2]
        for name in sorted(names):
            if len(name.split()) != 1 or self.alias[name][0] != "~":
                continue
            apart = partners.get(name)
            longer_names = [n for n in all_longer if n not in apart] if apart else all_longer
            major = labels[name].most_common(1)[0][0] if labels[name] else ""
            if major == "Place":
                continue  # "Washington" is no part of "The Washington Post"
            as_org = major == "Organization"
            longer: set[str] = set()
            if not as_org:  # 'Tavares said it would ...' is the company, not Luiz Tavares
                longer = {self.alias[p] for p in longer_names if p.split()[-1] == name}
            if not longer:
                starting: Counter[str] = Counter()
                for p in longer_names:
                    if strip_legal(p).split()[0] == name and p not in things:
                        starting[self.alias[p]] += named[p]  # "Grupo Tavares Pagamentos S.A."
                ranked = starting.most_common()
                earlier = {
                    self.alias[p]
                    for p in longer_names
                    if strip_legal(p).split()[0] == name
                    and p not in things
                    and first[p][0] == first[name][0]
                    and first[p][1] < first[name][1]
                }
                if len(ranked) > 1 and len(earlier) == 1:
                    # 'Hanbit' is the 'Hanbit Semiconductor' named in full before it
                    ranked = [(earlier.pop(), 1)]
                elif len(ranked) > 1 and ranked[0][1] >= 2 * ranked[1][1]:
                    # 'Halvard' is 'Halvard Media', named far more often than 'Halvard Plus'
                    ranked = ranked[:1]
                longer = {a for a, _ in ranked}
            if not longer and as_org:
                longer = {self.alias[p] for p in longer_names if p.split()[-1] == name}
            if len(longer) == 1:
                self.alias[name] = longer.pop()
        # 'Harbor Street' joins the only longer organisation name it begins:
        # 'Harbor Street Media'.
        # Only when the longer name comes first: "Goldman Sachs" named before "Goldman Sachs
        # Asset Management" is the parent, not short for its unit.

        def before(a: str, b: str) -> bool:
            return first[a][0] != first[b][0] or first[a][1] < first[b][1]

        for name in sorted(organisations):
            if len(name.split()) < 2 or self.alias[name][0] != "~":
                continue
            longer = {
                self.alias[o]
                for o in organisations
                if o.startswith(name + " ")
                and before(o, name)
                and frozenset((o, name)) not in related
            } - {self.alias[name]}
            if len(longer) == 1:
                self.alias[name] = longer.pop()

    def _kb_key(self, name: str) -> str | None:
        entry = self.kb.lookup(name)
        return entry.key if entry else None

    def of(self, m: Mention) -> str:
        if m.kb_id:
            return m.kb_id
        return self.alias.get(m.name, "~" + _norm(m.name))


#: relations that only hold between two different entities
_TWO_SIDES = frozenset({"owns", "acquired", "investedIn", "competesWith", "partnersWith",
                        "sued", "mergedWith", "investigates", "fined"})  # fmt: skip


def resolve(extractions: Sequence[Extraction]) -> Resolution:
    """Resolve the mentions and relation mentions of a build into entities and facts."""
    all_mentions = [m for ex in extractions for m in ex.mentions]
    all_mentions += [
        side
        for ex in extractions
        for r in ex.relations
        for side in (r.subject, r.object)
        if isinstance(side, Mention)
    ]
    all_mentions = list({(m.doc_id, m.start, m.end): m for m in all_mentions}.values())
    headlines = {ex.document.id: ex.document.headline for ex in extractions if ex.document.headline}
    related = {
        frozenset((r.subject.name, r.object.name))
        for ex in extractions
        for r in ex.relations
        if isinstance(r.object, Mention)
        and r.predicate in _TWO_SIDES
        and not r.rule.startswith("owns.verb.")  # "sold Orvane's tools": not Orvane
        and r.subject.source != "coref"
        and r.object.source != "coref"
        and r.subject.name != r.object.name
    }
    clusters = _Clusters(all_mentions, headlines, related)
    deal_keys = _deal_keys(extractions, clusters)

    votes: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    for m in all_mentions:
        if m.label == "Deal":
            continue
        cid = clusters.of(m)
        votes[cid][m.label] += m.type_weight
        if m.source != "coref":
            surface[cid][m.name] += 1

    _role_votes(extractions, clusters, votes)

    entities: dict[str, Entity] = {}
    key_of: dict[str, str] = {}
    kb = load_kb()
    for cid in sorted(votes):
        if cid in kb.entities:
            entities[cid] = kb.entities[cid]
            key_of[cid] = cid
            continue
        names = surface.get(cid)
        if not names:
            continue
        # the name used most; on a tie, without its legal form ("Acme" before "Acme Inc.")
        label = sorted(names, key=lambda n: (-names[n], strip_legal(n) != n, -len(n), n))[0]
        cls = sorted(votes[cid], key=lambda c: (-votes[cid][c], _CLASS_ORDER.index(c)))[0]
        if cls in ("Person", "Organization"):
            label = _full_label(label, names, cls)
        key = slugify(label)
        if key in entities:
            key = f"{key}-{cls.lower()}"
        key_of[cid] = key
        aliases = {n for n in names if n != label}
        if cls == "Organization":
            # "U.S. Environmental Protection Agency" is also the Environmental Protection
            # Agency, which is what other texts call it
            aliases |= {local for n in names if (local := _strip_place(n)) and local != label}
        entities[key] = Entity(key, label, cls, tuple(sorted(aliases)))
    for dkey, label in sorted(set(deal_keys.values())):
        entities[dkey] = Entity(dkey, label, "Deal")
    # Entities named only through the KB maker links stay out unless mentioned.

    deal_starts: dict[str, list[int]] = defaultdict(list)
    for doc_id, start in sorted(deal_keys):
        deal_starts[doc_id].append(start)

    def key_for(m: Mention) -> str | None:
        if m.label == "Deal":
            found = deal_keys.get((m.doc_id, m.start))
            if found is None:
                # "the regulator cleared the deal": a deal named without its parties is
                # the last one the document named them for
                starts = deal_starts.get(m.doc_id, [])
                i = bisect_right(starts, m.start) - 1
                found = deal_keys.get((m.doc_id, starts[i])) if i >= 0 else None
            return found[0] if found else None
        return key_of.get(clusters.of(m))

    rules = load_triggers()
    facts: dict[tuple[object, ...], Fact] = {}
    counts: dict[str, dict[str, int]] = {}
    for ex in extractions:
        c: Counter[str] = Counter()
        spans = {(m.start, m.end) for m in ex.mentions}
        extra = {  # names a relation found that the mention finder did not ("Swedish")
            (side.start, side.end): side
            for r in ex.relations
            for side in (r.subject, r.object)
            if isinstance(side, Mention) and side.source != "coref" and side.label != "Deal"
        }
        for m in [*ex.mentions, *(v for k, v in sorted(extra.items()) if k not in spans)]:
            k = key_for(m)
            if k is not None:
                c[k] += 1
        by_maker: list[tuple[str, RelationMention]] = []
        of_maker: list[tuple[str, str, RelationMention]] = []
        for r in ex.relations:
            s = key_for(r.subject)
            if s is None:
                continue
            if r.rule.endswith(BY_MAKER):
                by_maker.append((s, r))
                continue
            obj: str | Quantity
            if isinstance(r.object, Mention):
                o = key_for(r.object)
                if o is None or o == s:
                    continue
                obj, is_entity = o, True
            else:
                obj, is_entity = r.object, False
            predicate, rule_id = r.predicate, r.rule
            if (
                is_entity
                and isinstance(obj, str)
                and (r.predicate, entities[s].cls, entities[obj].cls) in _REREAD
            ):
                # "xAI, the company created by Elon Musk": a person who creates an
                # organisation founds it.
                predicate = _REREAD[(r.predicate, entities[s].cls, entities[obj].cls)]
                s, obj, rule_id = obj, s, f"{r.rule}+{predicate}"
            as_company = (  # "invested in Sayurku, a grocery delivery app": the app's company
                predicate in INVESTED_AS_COMPANY
                and isinstance(r.object, Mention)
                and r.object.source == "cue"
                and isinstance(obj, str)
                and entities[obj].cls in _PRODUCT
            )
            if not as_company and not _fits(
                rules.domain(predicate),
                entities[s].cls,
                entities[obj].cls if is_entity and isinstance(obj, str) else None,
            ):
                if (
                    predicate in _POSTS
                    and isinstance(obj, str)
                    and entities[s].cls == "Person"
                    and entities[obj].cls in _PRODUCT
                ):
                    of_maker.append((s, obj, r))  # "the general manager of Stadia"
                continue
            for mentioned in (s, obj if is_entity and isinstance(obj, str) else s):
                c.setdefault(mentioned, 1)  # named only through a pronoun or description
            ev = Evidence(ex.document.id, r.sentence.text, r.sentence.start, r.sentence.end)
            fact_id: tuple[object, ...] = (ev.doc_id, s, predicate, repr(obj), ev.start)
            if fact_id in facts and facts[fact_id].confidence >= r.confidence:
                continue  # one fact a sentence, read by its surest rule
            facts[fact_id] = Fact(
                s,
                predicate,
                obj,
                is_entity,
                ev,
                rule_id,
                r.modality,
                r.confidence,
                r.attributed_to,
                r.text,
            )
        mine = {k: f for k, f in facts.items() if f.evidence.doc_id == ex.document.id}
        for product, rel in by_maker:  # "Pixie is expected to launch": its maker launches it
            maker = _maker(product, mine.values(), entities)
            if maker is None or entities[product].cls not in _PRODUCT:
                continue
            ev = Evidence(ex.document.id, rel.sentence.text, rel.sentence.start, rel.sentence.end)
            launch = Fact(
                maker,
                rel.predicate,
                product,
                True,
                ev,
                rel.rule,
                rel.modality,
                rel.confidence,
                rel.attributed_to,
            )
            mine.setdefault(_fact_key(launch), launch)
            facts.setdefault(_fact_key(launch), launch)
        # "Halvex said Zipline would shut down": Halvex's decision, unless the document
        # names another maker
        made = [g for g in mine.values() if not g.rule.endswith(ANNOUNCER)]
        for said, f in list(mine.items()):
            if f.rule.endswith(ANNOUNCER) and isinstance(f.object, str):
                maker = _maker(f.object, made, entities)
                if (maker is not None and maker != f.subject) or entities[
                    f.object
                ].cls not in _PRODUCT:
                    del mine[said]
                    facts.pop(said, None)
        for person, product, rel in of_maker:  # "the general manager of Stadia": its maker's
            maker = _maker(product, mine.values(), entities)
            if maker is None or entities[product].cls not in _PRODUCT or maker == person:
                continue
            if not _fits(rules.domain("worksFor"), entities[person].cls, entities[maker].cls):
                continue
            ev = Evidence(ex.document.id, rel.sentence.text, rel.sentence.start, rel.sentence.end)
            works = Fact(
                person,
                "worksFor",
                maker,
                True,
                ev,
                rel.rule + "+maker",
                rel.modality,
                0.5,
                rel.attributed_to,
            )
            mine.setdefault(_fact_key(works), works)
            facts.setdefault(_fact_key(works), works)
        for fkey, stated in list(mine.items()):
            if stated.predicate == "investigates" and entities[str(stated.object)].cls == "Deal":
                del facts[fkey], mine[fkey]
                for buyer in _reviewed(stated, list(mine.values()), entities):
                    lifted = replace(stated, object=buyer, rule=f"{stated.rule}+deal")
                    mine.setdefault(_fact_key(lifted), lifted)
                    facts.setdefault(_fact_key(lifted), lifted)
        for fkey, stated in mine.items():
            lifted = _lift(stated, list(mine.values()), entities)
            if lifted is not stated:
                if stated.predicate != "competesWith":  # rivalry holds at both levels
                    del facts[fkey]
                known = facts.get(_fact_key(lifted))
                if known is None or known.confidence < lifted.confidence:
                    facts[_fact_key(lifted)] = lifted  # the surer reading of the sentence
        mine_now = [f for f in facts.values() if f.evidence.doc_id == ex.document.id]
        for fkey in _wider_places(mine_now) + _led_as_chief(mine_now):
            facts.pop(fkey, None)
        for fact in _derived(
            ex,
            [f for f in facts.values() if f.evidence.doc_id == ex.document.id],
            key_for,
            set(c),
            entities,
        ):
            facts.setdefault(_fact_key(fact), fact)
        counts[ex.document.id] = dict(sorted(c.items()))
    ordered = sorted(
        facts.values(),
        key=lambda f: (f.evidence.doc_id, f.evidence.start, f.subject, f.predicate, repr(f.object)),
    )
    return Resolution(entities, ordered, counts)


#: (property, subject class, object class) -> the property such a statement means
_REREAD = {("developer", "Organization", "Person"): "founderOf"}


def _fact_key(f: Fact) -> tuple[object, ...]:
    return (f.evidence.doc_id, f.subject, f.predicate, repr(f.object), f.evidence.start)


_PRODUCT = ("Product", "AIModel")
#: properties that give a person a post at an organisation
_POSTS = ("ceoOf", "leaderOf", "worksFor")
_ON_BEHALF = {"launched", "discontinued", "announced"}
_HEADS = {"ceoOf", "leaderOf", "founderOf"}


def _lift(fact: Fact, doc_facts: list[Fact], entities: dict[str, Entity]) -> Fact:
    """A fact restated at the level the ontology means it.

    * a chief's product decision is the organisation's ("CEO Jane Roe killed Pixie",
      with Jane Roe the head of one organisation in the document), and so is a chief's
      purchase, when the sentence itself names the person the head;
    * an organisation that competes with a product competes with its maker too
      ("rivals such as Acme have surpassed Pixie" -> Acme competes with Pixie's maker);
    * the value of a purchase is the deal's, when the document names the deal.
    """
    if fact.predicate == "dealValue" and entities[fact.subject].cls != "Deal":
        # "Adobe agreed to buy Figma for $20 billion", with the deal named: its value
        deals = {
            f.subject for f in doc_facts if f.predicate == "party" and f.object == fact.subject
        }
        if len(deals) == 1:
            return replace(fact, subject=next(iter(deals)), rule=f"{fact.rule}+deal")
        return fact
    if not fact.object_is_entity or not isinstance(fact.object, str):
        return fact
    s_cls, o_cls = entities[fact.subject].cls, entities[fact.object].cls
    on_behalf = fact.predicate in _ON_BEHALF and o_cls in _PRODUCT
    # "Jane Roe, Orvane's founder and chief executive, bought Kestrel": Orvane did, when
    # the same sentence names her its head
    bought = fact.predicate == "acquired" and o_cls == "Organization"
    if s_cls == "Person" and (on_behalf or bought):
        led = {
            f.object
            for f in doc_facts
            if f.predicate in _HEADS
            and f.subject == fact.subject
            and f.object != fact.object
            and (on_behalf or f.evidence.start == fact.evidence.start)
        }
        if len(led) == 1:
            org = str(next(iter(led)))
            return replace(fact, subject=org, rule=f"{fact.rule}+on-behalf")
    if fact.predicate == "competesWith" and {s_cls, o_cls} & {"Organization"}:
        org_side, thing = (
            (fact.subject, fact.object) if s_cls == "Organization" else (fact.object, fact.subject)
        )
        maker = (
            _maker(thing, doc_facts, entities, other_than=org_side)
            if entities[thing].cls in _PRODUCT
            else None
        )
        if maker is not None:
            return replace(fact, subject=org_side, object=maker, rule=f"{fact.rule}+maker")
    return fact


def _reviewed(fact: Fact, doc_facts: list[Fact], entities: dict[str, Entity]) -> list[str]:
    """Whom a body that reviewed a deal investigated: the deal's buyer, else its
    parties; no one when the reviewer is no public body ("Acme's board approved the
    deal")."""
    if not is_public_name(entities[fact.subject].label):
        return []
    parties = {
        str(f.object) for f in doc_facts if f.predicate == "party" and f.subject == fact.object
    }
    buyers = {
        f.subject
        for f in doc_facts
        if f.predicate == "acquired" and f.subject in parties and str(f.object) in parties
    }
    return sorted(buyers or {p for p in parties if not is_public_name(entities[p].label)})


def _successors_titles(doc_facts: list[Fact]) -> list[Fact]:
    """'X taps Y to replace retiring CEO Z': who succeeds the holder of a title, in the
    sentence that gives the title, takes it (with the succession's modality); and 'Y
    took over from Z as chief': the one succeeded held the title taken. Only titles the
    sentence gives by their noun ("CEO Z"), not a post run in the past ("Z, who ran W
    before ...")."""
    titles: dict[tuple[str, int], list[Fact]] = defaultdict(list)
    for f in doc_facts:
        if f.predicate in ("ceoOf", "leaderOf") and f.object_is_entity and ".noun." in f.rule:
            titles[(f.subject, f.evidence.start)].append(f)
    had = {(f.subject, f.predicate, f.object) for f in doc_facts}
    out: list[Fact] = []
    for f in doc_facts:
        if f.predicate != "succeeded" or not isinstance(f.object, str):
            continue
        passed = [  # (who gets the title, whose title it is, rule, modality)
            (f.object, f.subject, "+predecessor", "asserted"),
            (f.subject, f.object, "+title", f.modality),
        ]
        for holder, owner, suffix, modality in passed:
            # "who will become chair": a title to come passes to no one
            held = [
                t
                for t in titles.get((owner, f.evidence.start), [])
                if suffix != "+title" or t.modality == "asserted"
            ]
            if not held or (holder, held[-1].predicate, held[-1].object) in had:
                continue
            title = held[-1]  # the last the sentence gives
            had.add((holder, title.predicate, title.object))
            out.append(
                replace(
                    title,
                    subject=holder,
                    evidence=f.evidence,
                    rule=f.rule + suffix,
                    modality=modality,
                    confidence=0.5,
                    attributed_to=f.attributed_to,
                )
            )
    return out


def _maker(
    product: str, doc_facts: Iterable[Fact], entities: dict[str, Entity], other_than: str = ""
) -> str | None:
    """The one maker (besides ``other_than``) the document gives ``product``, else the
    reference KB's; None if there is none or more than one."""
    facts = list(doc_facts)
    stated = {str(f.object) for f in facts if f.predicate == "developer" and f.subject == product}
    if not stated:  # "Pixie, which Orvane launched in 2018": who launched it makes it
        stated = {
            f.subject
            for f in facts
            if f.predicate == "launched"
            and str(f.object) == product
            and f.modality == "asserted"
            and entities[f.subject].cls == "Organization"
        }
    if not stated and entities[product].maker in entities:
        stated = {str(entities[product].maker)}
    stated.discard(other_than)
    return next(iter(stated)) if len(stated) == 1 else None


_ROLE_WEIGHT = 1.5  # above the NER model's guess, below cue words and the KB
_ROLE_CAP = 4.5  # what all the roles of one name together may add to a class
_DECISIVE = 3  # properties wanting one class that settle a name's class
_ROLE_PREFERENCE = ("Organization", "Person", "Product", "AIModel", "Event", "Place", "Deal")


def _role_votes(
    extractions: Sequence[Extraction],
    clusters: _Clusters,
    votes: dict[str, defaultdict[str, float]],
) -> None:
    """A name used where a relation wants another class votes for that class.

    "X was shut down by Y" makes X a product and Y an organisation unless
    stronger evidence (a cue word, the KB) says otherwise.
    """
    rules = load_triggers()
    extra: dict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(float))
    # the different properties that want one class only, and another than the guess
    only: dict[str, defaultdict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for ex in extractions:
        for r in ex.relations:
            domain = rules.domain(r.predicate)
            if domain is None or r.rule.endswith(BY_MAKER):
                continue  # a product standing in for its maker votes for nothing
            if isinstance(r.object, Mention) and r.object.label != "Deal":
                tops = tuple(
                    max(votes[clusters.of(m)].items(), key=lambda kv: kv[1], default=(None, 0.0))[0]
                    for m in (r.subject, r.object)
                )
                if (r.predicate, *tops) in _REREAD:
                    continue  # read as another property; no vote against the names' classes
            for side, allowed in ((r.subject, domain[0]), (r.object, domain[1])):
                if not isinstance(side, Mention) or side.label == "Deal" or not allowed:
                    continue
                cid = clusters.of(side)
                top = max(votes[cid].items(), key=lambda kv: kv[1], default=(None, 0.0))[0]
                if top not in allowed:
                    first = next(c for c in _ROLE_PREFERENCE if c in allowed)
                    extra[cid][first] += _ROLE_WEIGHT
                    if len(allowed) == 1:
                        only[cid][first].add(r.predicate)
    for cid, counter in extra.items():
        for cls, weight in counter.items():
            # The roles a name plays break ties between guesses; they do not outvote
            # a cue word or the reference KB however many relations there are ...
            votes[cid][cls] += min(weight, _ROLE_CAP)
    for cid, wanted in only.items():
        for cls, props in wanted.items():
            if len(props) >= _DECISIVE:
                # ... unless several properties that only that class can have say so:
                # a name with a chief executive, a funding round and a valuation is a
                # company's, whatever the tagger guessed at each mention ("the Revolut
                # app" is the company's app). The reference KB still decides its own.
                votes[cid][cls] += sum(votes[cid].values())


_WHERE = ("locatedIn", "headquarteredIn")


def _wider_places(doc_facts: list[Fact]) -> list[tuple[object, ...]]:
    """The keys of the location facts that a narrower one of the same document implies.

    "Menlo Park, California-based Meta" says that Meta is in Menlo Park and that Menlo
    Park is in California; that Meta is in California follows, and is dropped.
    """
    inside = {
        (f.subject, f.object)
        for f in doc_facts
        if f.predicate == "locatedIn" and f.object_is_entity
    }
    where: dict[object, set[object]] = defaultdict(set)
    for f in doc_facts:
        if f.predicate in _WHERE and f.object_is_entity:
            where[f.subject].add(f.object)
    return [
        _fact_key(f)
        for f in doc_facts
        if f.predicate in _WHERE
        and f.object_is_entity
        and any((narrow, f.object) in inside for narrow in where[f.subject] - {f.object})
    ]


def _led_as_chief(doc_facts: list[Fact]) -> list[tuple[object, ...]]:
    """The keys of the leaderOf facts a ceoOf fact of the same document and pair implies
    ("Acme, led by chief executive Jane Roe": she is its chief executive, and so leads
    it), and of the worksFor facts a post there says more than."""
    chiefs = {(f.subject, f.object) for f in doc_facts if f.predicate == "ceoOf"}
    posts = {(f.subject, f.object) for f in doc_facts if f.predicate in _HEADS}
    return [
        _fact_key(f)
        for f in doc_facts
        if (f.predicate == "leaderOf" and (f.subject, f.object) in chiefs)
        or (f.predicate == "worksFor" and (f.subject, f.object) in posts)
    ]


def _derived(
    ex: Extraction,
    doc_facts: list[Fact],
    key_for: Callable[[Mention], str | None],
    present: set[str],
    entities: dict[str, Entity],
) -> list[Fact]:
    """Facts that follow from others in the same document.

    * the parties of a deal partner with each other (evidence: the deal's sentence);
    * a body that fined a company (not a court) investigated it (evidence: the fine's);
    * a product named in one sentence with the maker the reference KB gives it is
      made by that maker (evidence: that sentence);
    * a company named after another one of the document is its unit (``_named_units``).
    """
    out: list[Fact] = []
    parties: dict[str, list[Fact]] = defaultdict(list)
    for f in doc_facts:
        if f.predicate == "party" and isinstance(f.object, str):
            parties[f.subject].append(f)
    # A purchase or a merger is a deal, but its sides are not partners.
    bought = {
        frozenset((f.subject, str(f.object)))
        for f in doc_facts
        if f.predicate in ("acquired", "mergedWith", "sued") and f.object_is_entity
    }
    for group in parties.values():
        firsts = {str(f.object): f for f in reversed(group)}  # one fact per party
        for a, b in combinations(sorted(firsts.values(), key=lambda f: str(f.object)), 2):
            assert isinstance(a.object, str) and isinstance(b.object, str)
            if frozenset((a.object, b.object)) in bought:
                continue
            out.append(
                Fact(
                    a.object,
                    "partnersWith",
                    b.object,
                    True,
                    a.evidence,
                    "partnersWith.deal",
                    a.modality,
                    0.6,
                    a.attributed_to,
                )
            )
    probed = {(f.subject, f.object) for f in doc_facts if f.predicate == "investigates"}
    for f in doc_facts:
        # a body that fined a company looked into it first (not a court, which judges
        # what others bring)
        if f.predicate != "fined" or (f.subject, f.object) in probed:
            continue
        words = entities[f.subject].label.split()
        if words and words[-1] in ("Court", "Tribunal", "Judge", "Jury"):
            continue
        probed.add((f.subject, f.object))
        out.append(
            replace(f, predicate="investigates", rule=f"{f.rule}+investigates", confidence=0.5)
        )
    out += _named_units(ex, doc_facts, key_for, present, entities)
    out += _successors_titles(doc_facts)
    out += _launchers_make(doc_facts, entities)
    stated = {(f.subject, f.object) for f in doc_facts if f.predicate == "developer"}
    # what the text says a company owns or bought, it does not also make by the KB
    stated |= {(str(f.object), f.subject) for f in doc_facts if f.predicate in ("owns", "acquired")}
    wanted = {
        (k, e.maker)
        for k in present
        if (e := entities.get(k)) is not None and e.maker in present and (k, e.maker) not in stated
    }
    if wanted:
        # The sentences naming each entity, in order (found by bisection: a long
        # document has many sentences and many mentions).
        starts = sorted(ex.sentences, key=lambda s: s.start)
        begins = [s.start for s in starts]
        naming: dict[str, list[int]] = defaultdict(list)
        for m in ex.mentions:
            k = key_for(m)
            i = bisect_right(begins, m.start) - 1
            if k is not None and i >= 0 and m.start < starts[i].end:
                naming[k].append(i)
        # Evidence: the first sentence naming both; failing that, the product's first
        # sentence (the document names the maker elsewhere).
        for product, maker in sorted(wanted):
            mine = sorted(set(naming.get(product, ())))
            if not mine:
                continue
            theirs = set(naming.get(maker, ()))
            i = next((i for i in mine if i in theirs), mine[0])
            sent = starts[i]
            ev = Evidence(ex.document.id, sent.text, sent.start, sent.end)
            out.append(
                Fact(product, "developer", maker, True, ev, "developer.reference", "asserted", 0.5)
            )
    return out


_MADE = frozenset({"Product", "AIModel"})


def _launchers_make(doc_facts: list[Fact], entities: dict[str, Entity]) -> list[Fact]:
    """A company that launched (or plans to launch) a product is its maker ("Mawimbi
    plans to launch a pump, the Mawimbi Pump": Mawimbi makes it), unless the document
    or the reference KB names another maker, or the document has the product bought or
    owned (a purchase or a holding says nothing of who made it). One launcher only: two
    companies launching one product are partners or resellers, not both its maker."""
    makers: dict[str, set[str]] = defaultdict(set)
    for f in doc_facts:
        if f.predicate == "developer" and f.object_is_entity:
            makers[f.subject].add(str(f.object))
    bought = {str(f.object) for f in doc_facts if f.predicate in ("acquired", "owns")}
    launches: dict[str, list[Fact]] = defaultdict(list)
    for f in doc_facts:
        if (
            f.predicate == "launched"
            and f.object_is_entity
            and f.modality in ("asserted", "planned", "reported")
            and (who := entities.get(f.subject)) is not None
            and who.cls == "Organization"
            and (what := entities.get(str(f.object))) is not None
            and what.cls in _MADE
        ):
            launches[str(f.object)].append(f)
    out: list[Fact] = []
    for product, facts in sorted(launches.items()):
        by = {f.subject for f in facts}
        kb_maker = entities[product].maker
        if len(by) != 1 or makers.get(product) or product in bought:
            continue
        if kb_maker and kb_maker not in by:
            continue
        f = facts[0]
        out.append(
            Fact(
                product, "developer", f.subject, True, f.evidence, f"{f.rule}+developer",
                "asserted", 0.5, f.attributed_to,
            )
        )  # fmt: skip
    return out


#: words that, after a company's name, name the same company ("Meta Platforms", "Dell
#: Technologies", "SoftBank Group"), not a unit of it
_SAME_COMPANY = GROUP_WORDS | {
    "holding", "technologies", "technology", "platforms", "international", "industries",
    "enterprises", "global", "worldwide", "company", "companies", "corporation", "inc",
    "incorporated", "limited", "plc", "co", "corp", "ltd", "llc", "ag", "sa", "se", "nv",
}  # fmt: skip


#: properties whose object, and whose subject, is a company (a unit has a chief, staff,
#: a seat)
_ORG_OBJECT = frozenset({"ceoOf", "leaderOf", "worksFor", "departedFrom"})
_ORG_SUBJECT = frozenset({"locatedIn", "headquarteredIn", "employeeCount"})


def _named_units(
    ex: Extraction,
    doc_facts: list[Fact],
    key_for: Callable[[Mention], str | None],
    present: set[str],
    entities: dict[str, Entity],
) -> list[Fact]:
    """A company named after another one of the document, with more words than a legal
    form or "Group": 'Orvane Cloud Services' and 'Orvane', 'Orvane Group of America'
    and 'Orvane' name a unit and its owner (evidence: the unit's first sentence)."""
    orgs = {k: strip_legal(entities[k].label) for k in present if entities[k].cls == "Organization"}
    owned = {str(f.object) for f in doc_facts if f.predicate in ("owns", "acquired")}
    # a unit is a company by what the document says of it (it has a chief, staff, a
    # seat), not only by its class, which a product named after its maker may get
    companies = {str(f.object) for f in doc_facts if f.predicate in _ORG_OBJECT} | {
        f.subject for f in doc_facts if f.predicate in _ORG_SUBJECT
    }
    pairs: list[tuple[str, str]] = []
    for unit, name in orgs.items():
        if unit in owned or is_public_name(name):
            continue
        for owner, prefix in orgs.items():
            if owner == unit or not name.startswith(prefix + " ") or is_public_name(prefix):
                continue
            rest = name[len(prefix) + 1 :].split()
            while rest and rest[0].lower().strip(".,") in _SAME_COMPANY:
                rest.pop(0)
            if rest[:1] == ["of"] or (rest and rest[0][:1].isupper() and unit in companies):
                pairs.append((owner, unit))
    if not pairs:
        return []
    first: dict[str, Evidence] = {}
    for m in sorted(ex.mentions, key=lambda m: m.start):
        k = key_for(m)
        if k in orgs and k not in first:
            sent = next((s for s in ex.sentences if s.start <= m.start < s.end), None)
            if sent is not None:
                first[k] = Evidence(ex.document.id, sent.text, sent.start, sent.end)
    return [
        Fact(owner, "owns", unit, True, first[unit], "owns.named-unit", "asserted", 0.5)
        for owner, unit in sorted(pairs)
        if unit in first
    ]


def _fits(
    domain: tuple[frozenset[str], frozenset[str]] | None, s_cls: str, o_cls: str | None
) -> bool:
    if domain is None:
        return True
    subj, obj = domain
    if s_cls not in subj and subj:
        return False
    return o_cls is None or not obj or o_cls in obj


def _deal_keys(
    extractions: Sequence[Extraction], clusters: _Clusters
) -> dict[tuple[str, int], tuple[str, str]]:
    """(doc id, deal mention start) -> (deal key, label), from the deal's parties."""
    parties: dict[tuple[str, int], set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    kb = load_kb()
    for ex in extractions:
        for r in ex.relations:
            if r.predicate == "party" and isinstance(r.object, Mention):
                pid = clusters.of(r.object)
                parties[(r.subject.doc_id, r.subject.start)].add(pid)
                names[pid] = kb.entities[pid].label if pid in kb.entities else r.object.name
    groups = {frozenset(p) for p in parties.values()}
    out: dict[tuple[str, int], tuple[str, str]] = {}
    for where, p in parties.items():
        # A deal naming one party joins the only larger deal that includes it.
        supersets = [g for g in groups if p < g]
        group = supersets[0] if len(supersets) == 1 else frozenset(p)
        labels = sorted(names[x] for x in group)
        key = "deal-" + "-".join(slugify(x) for x in labels)
        out[where] = (key, " – ".join(labels) + " deal")
    return out
