"""Claims: that one party of one record is the citizen, with the reasons for and against.

``first_claim`` weighs a party on its own: its id number (decisive either way), else its
name, birth date, gender and places against the verified identity, and against the other
people the nodes know by another id number who share the name. What other records in the
same answer say (a spouse already known, the same 知青 file, two marriages that cannot both
be one person's) is added by ``life.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from federation.merge.parties import PartyView, mask_id
from federation.merge.rules import (
    MIN_AGE_AT_EVENT,
    BirthRange,
    birth_agreement,
    genders_agree,
    latest_birth,
    old_enough,
)
from federation.ownership.context import CONFIRMED, REJECTED, Identity, NameContext
from federation.ownership.reasons import (
    SHOW_AT,
    UNKNOWN_FREQUENCY,
    Reason,
    competitors_reason,
    decisive_against,
    decisive_for,
    weighed,
)
from schemas.names import substitute_form
from schemas.partial_dates import PartialDate
from schemas.places import COUNTY, OTHER, PREFECTURE, place_agreement, same_county

SHOWN, OFFERED, REJECTED_BY_CLERK = "shown", "offered", "rejected"
#: a broken id number this close to the citizen's (differing characters of the first 17)
#: may be theirs mistyped: offered to a clerk, never shown
NEAR_MISS_DIGITS = 2
_BIRTH_KIND = {"day": "birth_day", "month": "birth_month", "year": "birth_year",
               "unknown": "birth_unknown"}
_PRECISION_WORD = {"day": "至日", "month": "至月", "year": "至年"}
#: the gender a marriage record's role says, whatever its gender column says
ROLE_GENDER = {"husband": "M", "wife": "F"}


@dataclass
class Claim:
    """That ``party`` of ``record`` is the citizen."""

    party: PartyView
    record: dict
    reasons: list[Reason] = field(default_factory=list)
    by_id: bool = False  # the id number says so
    homophone: bool = False  # the name only sounds like the citizen's
    decision: str | None = None  # a clerk's: confirmed | rejected

    @property
    def archive_code(self) -> str:
        return str((self.record.get("archive") or {}).get("code") or
                   self.party.record_id.split("/")[0])

    @property
    def record_type(self) -> str:
        return str(self.record.get("record_type") or "")

    @property
    def odds(self) -> float:
        """log10 of the odds that the party is the citizen (finite reasons only)."""
        return sum(reason.weight for reason in self.reasons if not reason.decisive)

    @property
    def blocked(self) -> bool:
        return any(reason.decisive and reason.weight < 0 for reason in self.reasons)

    @property
    def verdict(self) -> str:
        if self.decision == REJECTED:
            return REJECTED_BY_CLERK
        if self.by_id or self.decision == CONFIRMED:
            return SHOWN
        if self.blocked or self.odds < SHOW_AT:
            return OFFERED
        return SHOWN

    def add(self, reason: Reason) -> None:
        if all(known.kind != reason.kind for known in self.reasons):
            self.reasons.append(reason)

    def to_dict(self) -> dict:
        confidence = 1.0 if self.verdict == SHOWN and (self.by_id or self.decision) else \
            1 - 10 ** -max(self.odds, 0.0)
        return {"record_id": self.party.record_id, "role": self.party.role,
                "party": self.party.index, "verdict": self.verdict,
                "odds": None if self.by_id else round(self.odds, 2),
                "confidence": round(confidence, 4),
                "reasons": [reason.to_dict() for reason in self.reasons]}


def first_claim(party: PartyView, record: dict, me: Identity, context: NameContext
                ) -> Claim | None:
    """The claim that ``party`` is the citizen, weighed on its own; None when it cannot be
    (another id number, another name, a birth date or gender that disagrees, too young)."""
    claim = Claim(party, record)
    if party.id_number is not None and _by_id(claim, me):
        return _with_decision(claim, context)
    if party.id_number is not None and not _near_miss(claim, me):
        return None
    if not _name(claim, me):
        return None
    if not _facts(claim, me):
        return None
    _place(claim, me)
    _namesakes(claim, context)
    if not context.namesakes_complete:
        claim.add(decisive_against(
            "namesakes_unknown", "有档案馆未答复或未说明同名者，无法排除同名同出生日期的另一人"))
    return _with_decision(claim, context)


def add_competitors(claims: list[Claim], context: NameContext) -> None:
    """How many other people could have written each name-only claim: the parties of the
    same name in every archive, less those in this answer that may be the citizen's."""
    own_exact = sum(1 for claim in claims if not claim.homophone)
    own_homophone = sum(1 for claim in claims if claim.homophone)
    for claim in claims:
        if claim.by_id:
            continue
        if not context.frequency_known:
            others = UNKNOWN_FREQUENCY
        elif claim.homophone:
            others = context.sound_parties - context.name_parties - own_homophone
        else:
            others = context.name_parties - own_exact
        claim.add(competitors_reason(max(others, 0), context.frequency_known))


def stated_gender(party: PartyView) -> str | None:
    """The gender the record gives a party: written, or implied by its role (a husband)."""
    return party.gender or ROLE_GENDER.get(party.role)


def _with_decision(claim: Claim, context: NameContext) -> Claim:
    decision = context.decisions.get((claim.party.record_id, claim.party.index))
    if decision is None:
        return claim
    claim.decision = decision.decision
    when = decision.decided_at.date().isoformat()
    if decision.decision == CONFIRMED:
        claim.add(decisive_for("clerk_confirmed", f"档案馆工作人员已于{when}核实确认属于本人"))
    else:
        claim.add(decisive_against("clerk_rejected", f"档案馆工作人员已于{when}核实，不属于本人"))
    return claim


def _by_id(claim: Claim, me: Identity) -> bool:
    party = claim.party
    if party.valid_id == me.id_number:
        text = "身份证号与本人相同" + ("（旧15位号码）" if party.id_was_15 else "")
    elif party.id_body == me.body:
        text = "身份证号前17位与本人相同（校验码笔误）"
    else:
        return False
    claim.by_id = True
    claim.add(decisive_for("id_number", text))
    return True


def _near_miss(claim: Claim, me: Identity) -> bool:
    """A broken id number a digit or two from the citizen's: perhaps theirs, mistyped."""
    party = claim.party
    if party.id_valid or party.id_body is None:
        return False
    differing = sum(a != b for a, b in zip(party.id_body, me.body, strict=True))
    if differing > NEAR_MISS_DIGITS:
        return False
    claim.add(decisive_against(
        "id_near_miss", f"身份证号{mask_id(party.id_number)}无效，与本人号码相差{differing}位，"
                        "可能是笔误，须核实"))
    return True


def _name(claim: Claim, me: Identity) -> bool:
    party = claim.party
    if party.name and party.name_key == substitute_form(me.name):
        written = "" if party.name_raw == me.name else f"（档案写作{party.name_raw}）"
        claim.reasons.append(Reason("name", 0.0, f"姓名与本人相同{written}"))
        return True
    if party.name and party.pinyin == me.pinyin:
        claim.homophone = True
        claim.add(weighed("homophone", f"姓名写作{party.name_raw}，与本人姓名同音不同字"))
        return True
    return False


def _facts(claim: Claim, me: Identity) -> bool:
    """Birth date and gender: a disagreement ends the claim. Too young at the event ends it
    too, unless the record states a birth date that agrees (then a date may be mistyped:
    a clerk looks, nobody is shown it)."""
    party = claim.party
    birth = BirthRange.of(party.birth)
    level = birth_agreement(birth, me.birth)
    if level is None or not genders_agree(stated_gender(party), me.gender):
        return False
    if not old_enough(me.birth, latest_birth(party.event)):
        if not birth.known:
            return False
        claim.add(decisive_against("too_young", f"事件日期{party.event.iso()}时本人尚未满"  # type: ignore[union-attr]
                                                f"{MIN_AGE_AT_EVENT}岁，日期或有误"))
    if level == "unknown":
        claim.add(weighed("birth_unknown", "档案未记出生日期"))
    else:
        claim.add(weighed(_BIRTH_KIND[level], f"出生日期{party.birth.iso()}与身份证号所示"  # type: ignore[union-attr]
                          f"一致（{_PRECISION_WORD[level]}）"))
    if party.gender is not None and me.gender is not None:
        claim.add(weighed("gender", "性别与身份证号所示一致"))
    return True


def _place(claim: Claim, me: Identity) -> None:
    native = _native_place(claim)
    agreement = place_agreement(me.region, native)
    if agreement == COUNTY:
        claim.add(weighed("place_county", f"籍贯{native}与身份证签发地一致"))
    elif agreement == PREFECTURE:
        claim.add(weighed("place_prefecture", f"籍贯{native}与身份证签发地同属一市"))
    elif agreement == OTHER:
        claim.add(weighed("place_other", f"籍贯{native}与身份证签发地不同"))
    elif not native and same_county(claim.archive_code, me.region):
        claim.add(weighed("held_at_home", "档案由身份证签发地的档案馆保存"))


def _native_place(claim: Claim) -> object:
    parties = claim.record.get("parties") or []
    index = claim.party.index
    return parties[index].get("native_place") if index < len(parties) else None


def _namesakes(claim: Claim, context: NameContext) -> None:
    """Another person (another id number) with the name whom the record fits as well: the
    birth date and gender their id number implies agree, and they were old enough. Where
    the native place is written does not matter: 籍贯 is the family's home as often as the
    place one's card was issued, so a namesake from elsewhere may still have written it
    (against them it weighs about ten to one, far from the thousand a citizen needs)."""
    party = claim.party
    birth = BirthRange.of(party.birth)
    born_by = latest_birth(party.event)
    for other in context.namesakes:
        theirs = BirthRange.of(PartialDate.from_iso(other["birth_date"])) \
            if other.get("birth_date") else BirthRange()
        if birth.meet(theirs) is None or not genders_agree(stated_gender(party),
                                                            other.get("gender")):
            continue
        if not old_enough(theirs, born_by):
            continue
        claim.add(decisive_against(
            "namesake", f"另有一人（身份证号不同，{_described(other)}）姓名相同或同音，"
                        "与此档案同样相符"))
        return


def _described(other: dict) -> str:
    birth = other.get("birth_date") or "出生日期不详"
    return f"出生于{birth}" if other.get("birth_date") else birth
