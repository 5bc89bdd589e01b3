"""Whose records: what a citizen is shown, and what is offered to a clerk to confirm.

``weigh(records, subject, context)`` weighs every party of an answer's records against the
citizen's verified identity (docs/hub.md, "What a citizen sees"): a party is **shown** when
its id number is the citizen's, a clerk confirmed it, or the odds that it is the citizen
reach a thousand to one with nothing decisive against it; it is **offered** (counted in the
answer's ``to_confirm``, without contents) when it may be the citizen's; anything else is
someone else's. ``citizen_answer`` builds the answer's ``persons``, ``records`` and
``to_confirm`` from that.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from federation.merge.parties import PartyView, parties_of
from federation.ownership.claims import OFFERED, SHOWN, Claim, add_competitors, first_claim
from federation.ownership.context import Decision, Identity, NameContext
from federation.ownership.life import add_conflicts, add_links
from schemas.id_numbers import implied_birth_date, implied_gender

__all__ = ["Claim", "Decision", "Identity", "NameContext", "Ownership", "citizen_answer",
           "weigh"]


@dataclass
class Ownership:
    """Every claim an answer's records make on the citizen."""

    identity: Identity
    claims: list[Claim] = field(default_factory=list)

    @property
    def shown(self) -> list[Claim]:
        return [claim for claim in self.claims if claim.verdict == SHOWN]

    @property
    def offered(self) -> list[Claim]:
        shown_records = {claim.party.record_id for claim in self.shown}
        return [claim for claim in self.claims if claim.verdict == OFFERED
                and claim.party.record_id not in shown_records]

    def to_confirm(self, names: dict[str, str]) -> list[dict]:
        """``[{archive: {code, name}, count}]``: where records that may be the citizen's
        are, and how many (records, not parties), in the order of the archives given."""
        counts: dict[str, set[str]] = {}
        for claim in self.offered:
            counts.setdefault(claim.archive_code, set()).add(claim.party.record_id)
        order = list(names)
        return [{"archive": {"code": code, "name": names.get(code, code)},
                 "count": len(records)}
                for code, records in sorted(counts.items(), key=lambda item: (
                    order.index(item[0]) if item[0] in order else len(order), item[0]))]


def weigh(records: list[dict], subject: dict, context: NameContext) -> Ownership:
    """Weigh every party of ``records`` for the citizen ``subject`` (id number and name)."""
    me = Identity.of(subject)
    by_id = {str(record.get("record_id")): record for record in records}
    parties = parties_of(records)
    context = replace(context, namesakes=context.namesakes + _namesakes_in(parties, me))
    claims = [claim for party in parties
              if (claim := first_claim(party, by_id[party.record_id], me, context))]
    add_competitors(claims, context)
    add_conflicts(claims)
    add_links(claims)
    return Ownership(me, claims)


def _namesakes_in(parties: list[PartyView], me: Identity) -> list[dict]:
    """Parties of the answer itself with another id number (valid or not: a nearly equal
    broken one may be the citizen's mistyped, or someone else's) whose name sounds like the
    citizen's: other people, as a node would describe them."""
    seen: dict[str, dict] = {}
    for party in parties:
        number = party.id_number
        if number and party.id_body != me.body and party.pinyin == me.pinyin:
            seen.setdefault(number, {"birth_date": implied_birth_date(number),
                                     "gender": implied_gender(number) or "U",
                                     "region_code": number[:6], "name_match": "name_pinyin",
                                     "parties": 1})
    return list(seen.values())


def citizen_answer(ownership: Ownership, records: list[dict], names: dict[str, str]
                   ) -> tuple[list[dict], list[dict], list[dict]]:
    """``(persons, records, to_confirm)`` for a citizen: one person (the citizen) holding
    the shown parties, the shown records, and where the offered ones are."""
    shown = sorted(ownership.shown, key=lambda c: (c.party.record_id, c.party.index))
    shown_ids = {claim.party.record_id for claim in shown}
    persons = [_the_citizen(ownership.identity, shown)] if shown else []
    return (persons, [r for r in records if r.get("record_id") in shown_ids],
            ownership.to_confirm(names))


def _the_citizen(me: Identity, shown: list[Claim]) -> dict:
    names = sorted({claim.party.name for claim in shown if claim.party.name})
    return {
        "person_id": "P-self",
        "records": [{"record_id": c.party.record_id, "role": c.party.role,
                     "party": c.party.index, "confidence": c.to_dict()["confidence"]}
                    for c in shown],
        "names": names,
        "id_number": me.id_number,
        "birth_date": implied_birth_date(me.id_number),
        "gender": me.gender or "U",
        "confidence": 1.0,
        "explanation": [f"{c.party.record_id}: " + "；".join(
            r.text for r in c.reasons if r.weight > 0 or r.kind == "name") for c in shown],
        "is_subject": True,
        "subject_confidence": 1.0,
    }
