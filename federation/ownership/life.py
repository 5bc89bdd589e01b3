"""What a citizen's records say about each other: links that confirm, conflicts that doubt.

- **Links.** A record already shown as the citizen's names their spouse or a co-holder; a
  candidate record naming the same person beside the citizen's name is linked to it (a
  marriage whose spouse is known, a forestry certificate held with that spouse). A 知青
  file is often kept twice, by the archive of the home city and by the archive of the
  county the youth was sent to: the same dispatch date and destination link the copies.
- **Conflicts.** One person's marriages are to one spouse, or follow one another: marriage
  registrations without id numbers whose spouses differ (from each other, or from the
  spouse an id-bearing marriage of the citizen names) are not all the citizen's, so none of
  them is shown by name alone. Likewise 知青 files sending the same name to two places.
  This is how two people who share a name and a birth date show in an answer that carries
  neither id number (docs/hub.md).
"""

from __future__ import annotations

from collections import defaultdict

from federation.merge.parties import PartyView, parties_of
from federation.merge.rules import BirthRange, birth_agreement, genders_agree
from federation.ownership.claims import SHOWN, Claim, stated_gender
from federation.ownership.reasons import Reason, decisive_against, weighed
from schemas.id_numbers import implied_birth_date
from schemas.partial_dates import PartialDate
from schemas.places import place_core

_ROLE_WORD = {"husband": "丈夫", "wife": "妻子", "holder": "共有人", "worker": "职工",
              "youth": "知青"}
_SPOUSE = {"husband": "wife", "wife": "husband"}


def add_conflicts(claims: list[Claim]) -> None:
    """Doubt id-less marriage and 知青 claims whose records cannot all be one person's."""
    _marriage_conflicts([c for c in claims if c.record_type == "marriage"])
    _conflicts([c for c in claims if c.record_type == "sent_down_youth"], _dispatch_key,
               "dispatch_conflict", "同名者的知青档案下乡时间或去向不同，不能都属于本人，须核实")
    _conflicts([c for c in claims if c.record_type == "employment"], _recruitment_key,
               "recruitment_conflict", "同名者被不同单位招收录用，不能都属于本人，须核实")


def add_links(claims: list[Claim]) -> None:
    """Link candidates to records already shown, until nothing more is shown."""
    while True:
        shown = [claim for claim in claims if claim.verdict == SHOWN]
        companions = [(claim, other) for claim in shown for other in _others(claim)]
        newly = 0
        for claim in claims:
            if claim.verdict == SHOWN or claim.blocked:
                continue
            for linker in (_companion_link, _same_file_link, _return_to_work_link,
                           _transfer_link):
                reason = linker(claim, shown, companions)
                if reason is not None:
                    claim.add(reason)
                    break
            newly += claim.verdict == SHOWN
        if not newly:
            return


def _others(claim: Claim) -> list[PartyView]:
    """The other parties of a claim's record (a spouse, co-holders)."""
    return [party for party in parties_of([claim.record]) if party.key != claim.party.key]


def _companion_link(claim: Claim, shown: list[Claim],
                    companions: list[tuple[Claim, PartyView]]) -> Reason | None:
    """The record names beside the citizen someone a shown record names beside them."""
    for other in _others(claim):
        for known_claim, known in companions:
            if known_claim.record is claim.record or not _same_companion(other, known):
                continue
            role = _ROLE_WORD.get(known.role, known.role)
            return weighed("link", f"共同当事人{other.name_raw}即本人已确认档案"
                                   f"{known.record_id}中的{role}")
    return None


def _same_file_link(claim: Claim, shown: list[Claim], _: object) -> Reason | None:
    """The same 知青 file kept by two archives: same dispatch date and destination."""
    if claim.record_type != "sent_down_youth" or not _dispatch(claim)[0]:
        return None
    for known in _of_type(shown, "sent_down_youth", claim):
        if _dispatch(known) == _dispatch(claim):
            return weighed("link", f"与本人已确认的知青档案{known.party.record_id}"
                                   "下乡日期、去向相同，为同一档案")
    return None


def _return_to_work_link(claim: Claim, shown: list[Claim], _: object) -> Reason | None:
    """A youth who came back to a job: the 知青 file's return date (to the day, for
    recruitment or replacement) is the recruitment's date, whose prior status is 知青."""
    kinds = {"sent_down_youth": "employment", "employment": "sent_down_youth"}
    other_type = kinds.get(claim.record_type)
    if other_type is None:
        return None
    for known in _of_type(shown, other_type, claim):
        youth, work = (claim, known) if claim.record_type == "sent_down_youth" else \
            (known, claim)
        if _came_back_to(youth, work):
            return weighed("link", f"与本人已确认的档案{known.party.record_id}相互印证："
                                   "返城日期即招工日期")
    return None


def _transfer_link(claim: Claim, shown: list[Claim], _: object) -> Reason | None:
    """A transfer (调动) names the employer a worker came from: the recruitment there."""
    if claim.record_type != "employment":
        return None
    for known in _of_type(shown, "employment", claim):
        if _transferred_from(claim, known) or _transferred_from(known, claim):
            return weighed("transfer_link", f"与本人已确认的档案{known.party.record_id}"
                                            "前后衔接：调出单位即原招收单位")
    return None


def _of_type(shown: list[Claim], record_type: str, claim: Claim) -> list[Claim]:
    return [known for known in shown
            if known.record_type == record_type and known.record is not claim.record]


def _came_back_to(youth: Claim, work: Claim) -> bool:
    details, job = youth.record.get("details") or {}, work.record.get("details") or {}
    returned = str(details.get("return_date") or "")
    return (len(returned) == 10 and returned == str(work.record.get("event_date") or "")
            and details.get("return_reason") in ("recruitment", "replacement")
            and any(word in _status(job) for word in ("知青", "知识青年")))


def _transferred_from(transfer: Claim, origin: Claim) -> bool:
    moved, came = transfer.record.get("details") or {}, origin.record.get("details") or {}
    employer = _plain(came.get("employer"))
    return (moved.get("recruitment_kind") == "transfer" and bool(employer)
            and _plain(moved.get("prior_status")) in (employer, employer + "职工"))


def _status(details: dict) -> str:
    return _plain(details.get("prior_status"))


def _plain(text: object) -> str:
    return "".join(str(text or "").split())


def _same_companion(a: PartyView, b: PartyView) -> bool:
    """Whether ``other`` (beside the candidate) is ``known`` (beside the citizen in a shown
    record): the same id number; or, where one has none, the same name, gender and birth
    date where both say them, with the known one identified by more than a bare name (an id
    number or a birth date to the month), else "the spouse" is anyone of that name. Two
    different id numbers (even broken ones) are two people."""
    other, known = a, b
    if other.id_body and known.id_body:
        return other.id_body == known.id_body
    if not other.name or other.name_key != known.name_key or not genders_agree(
            stated_gender(other), stated_gender(known)):
        return False
    known_birth = _birth(known)
    if not known.valid_id and (known_birth.best is None
                               or known_birth.best.precision == "year"):
        return False
    return birth_agreement(_birth(other), known_birth) is not None


def _birth(party: PartyView) -> BirthRange:
    """A party's birth date as written, or the one its valid id number implies."""
    if party.birth is None and party.valid_id:
        implied = implied_birth_date(party.valid_id)
        return BirthRange.of(PartialDate.from_iso(implied)) if implied else BirthRange()
    return BirthRange.of(party.birth)


def _dispatch(claim: Claim) -> tuple[str, str, str]:
    details = claim.record.get("details") or {}
    destination = details.get("destination") or {}
    return (str(details.get("dispatch_date") or ""),
            place_core(destination.get("county")) or "",
            place_core(destination.get("commune")) or "")


def _anchored(claim: Claim) -> bool:
    """The id number or a clerk says the record is the citizen's."""
    return claim.by_id or claim.decision == "confirmed"


def _spouse_key(claim: Claim) -> str | None:
    spouse_role = _SPOUSE.get(claim.party.role)
    for other in _others(claim):
        if other.role == spouse_role:
            return other.pinyin or other.valid_id
    return None


def _marriage_conflicts(claims: list[Claim]) -> None:
    by_spouse: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        key = _spouse_key(claim)
        if key:
            by_spouse[key].append(claim)
    known = {key for key, group in by_spouse.items() if any(_anchored(c) for c in group)}
    if len(by_spouse) < 2:
        return
    for key, group in by_spouse.items():
        if key in known:
            continue
        for claim in group:
            if not _anchored(claim):
                claim.add(decisive_against(
                    "marriage_conflict", "同名者的婚姻登记中配偶不同，不能都属于本人，须核实"))


def _dispatch_key(claim: Claim) -> tuple[str, ...] | None:
    """One dispatch to the countryside: its year and the county sent to."""
    date, county, _ = _dispatch(claim)
    return (date[:4], county) if county else None


def _recruitment_key(claim: Claim) -> tuple[str, ...] | None:
    """One recruitment (招工): the employer of a record that is not a later transfer."""
    details = claim.record.get("details") or {}
    if details.get("recruitment_kind") in (None, "", "transfer"):
        return None
    employer = "".join(str(details.get("employer") or "").split())
    return (employer,) if employer else None


def _conflicts(claims: list[Claim], key_of, kind: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Records of an event a person has once: id-less claims on more than one of them are
    not all the citizen's; those the id number or a clerk does not anchor are doubted."""
    groups: dict[tuple[str, ...], list[Claim]] = defaultdict(list)
    for claim in claims:
        key = key_of(claim)
        if key is not None:
            groups[key].append(claim)
    if len(groups) < 2:
        return
    known = {key for key, group in groups.items() if any(_anchored(c) for c in group)}
    for key, group in groups.items():
        if key in known:
            continue
        for claim in group:
            if not _anchored(claim):
                claim.add(decisive_against(kind, text))
