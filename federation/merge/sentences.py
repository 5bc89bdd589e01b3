"""Plain-language English sentences explaining each join decision of a person.

Id numbers are personal data: a sentence shows only their last 4 characters.
"""

from __future__ import annotations

from federation.merge.grouping import CHECK_CHAR, ID, Ambiguity, Join
from federation.merge.parties import PartyView, mask_id
from federation.merge.rules import NAME, UNKNOWN
from schemas.id_numbers import implied_birth_date


def join_sentence(join: Join) -> str:
    """One sentence for one join decision."""
    party, target = join.party, join.target
    if join.kind == ID:
        old = party.id_was_15 or target.id_was_15
        form = " (one of them written in the old 15-digit form)" if old else ""
        return (f"{party.label} joined by the same id number {mask_id(party.id_number)}{form} "
                f"as {target.label}.")
    if join.kind == CHECK_CHAR:
        return (f"{party.label} joined by id number {mask_id(party.id_number)}, whose first 17 "
                f"characters equal those of {mask_id(target.id_number)} of {target.label} "
                f"(a mistyped check character).")
    return _name_sentence(join)


def _name_sentence(join: Join) -> str:
    party, target = join.party, join.target
    text = f"{party.label} joined {target.label}"
    if join.via_id:
        text += f" (id number {mask_id(join.via_id)})"
    if join.kind == NAME:
        text += f" by name {party.name}{_written(party)}"
        if target.name_raw != party.name_raw and target.name_raw != target.name:
            text += f" (written {target.name_raw} in {target.record_id})"
    else:
        text += (f" by homophone name {party.name}{_written(party)} ~ {target.name} "
                 f"(pinyin {party.pinyin})")
    text += _birth_clause(join)
    if join.gender:
        text += f", gender {join.gender}"
    if join.native_agrees:
        text += ", native place agreeing"
    lower = " (a homophone: lower confidence)" if join.kind != NAME else ""
    return text + f"; confidence {join.confidence:.2f}{lower}."


def _birth_clause(join: Join) -> str:
    if join.birth_level in (None, UNKNOWN):
        return ", birth date unknown on one side (weaker)"
    mine = join.party.birth.iso() if join.party.birth else None
    if join.via_id:
        implied = implied_birth_date(join.via_id)
        word = "matching" if mine == implied else "compatible with"
        return f" and birth date {mine} ({word} {implied}, implied by the id number)"
    theirs = join.target.birth.iso() if join.target.birth else None
    if mine == theirs:
        return f" and birth date {mine} matching"
    return f" and birth date {mine} compatible with {theirs}"


def _written(party: PartyView) -> str:
    return f" (written {party.name_raw})" if party.name_raw != party.name else ""


def ambiguity_sentence(ambiguity: Ambiguity) -> str:
    numbers = " and ".join(mask_id(n) for n in ambiguity.id_numbers)
    return (f"{ambiguity.party.label} ({ambiguity.party.name}) fits the persons with id numbers "
            f"{numbers} equally well; it is left apart rather than guessed.")


def single_sentence(party: PartyView) -> str:
    return (f"{party.label} stands alone: no other party shares its id number or a "
            f"compatible name.")
