"""What the hub knows besides the records when it weighs them for a citizen: the verified
identity, how common the name is, who else shares it, and what clerks already decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from federation.merge.rules import BirthRange
from schemas.id_numbers import implied_birth_date, implied_gender, parse_id_number
from schemas.names import normalize_name, pinyin_key, substitute_form
from schemas.partial_dates import PartialDate

CONFIRMED, REJECTED = "confirmed", "rejected"


@dataclass(frozen=True)
class Identity:
    """The citizen as their verified id number and name say: the birth date and gender the
    number implies, and the region code of the office that issued it."""

    id_number: str
    body: str
    name: str
    pinyin: str  # of the substitute form, as a party's (federation.merge.parties)
    birth: BirthRange
    gender: str | None
    region: str

    @classmethod
    def of(cls, subject: dict) -> Identity:
        parsed = parse_id_number(subject.get("id_number"))
        if parsed is None or not parsed.valid:
            raise ValueError("a citizen's identity carries a valid id number")
        number = parsed.normalized
        implied = implied_birth_date(number)
        name = normalize_name(subject.get("name"))
        pinyin = pinyin_key(substitute_form(name)) if name else ""
        return cls(number, number[:17], name, pinyin,
                   BirthRange.of(PartialDate.from_iso(implied) if implied else None),
                   implied_gender(number), number[:6])


@dataclass(frozen=True)
class Decision:
    """A clerk's confirmation or rejection that a party of a record is this citizen."""

    record_id: str
    party: int
    decision: str  # confirmed | rejected
    archive_code: str
    decided_at: datetime
    request_no: str | None = None


@dataclass
class NameContext:
    """What the nodes said of the citizen's name (standard 1.1), summed over the archives,
    and the clerks' decisions about this citizen's records."""

    name_parties: int = 0  # parties with the citizen's normalized name, every archive
    sound_parties: int = 0  # parties whose name sounds like it (homophones included)
    frequency_known: bool = False  # at least one archive said how common the name is
    namesakes: list[dict] = field(default_factory=list)  # other id numbers sharing the name
    namesakes_complete: bool = False  # every archive in scope answered and listed them all
    decisions: dict[tuple[str, int], Decision] = field(default_factory=dict)

    @classmethod
    def of(cls, outcomes: Iterable, decisions: Iterable[Decision] = ()) -> NameContext:
        """From the fan-out's outcomes (``NodeOutcome``: status and ``name_context``)."""
        context = cls(decisions={(d.record_id, d.party): d for d in decisions})
        complete = True
        for outcome in outcomes:
            said = outcome.name_context if outcome.status == "ok" else {}
            frequency = said.get("name_frequency")
            if frequency is not None:
                context.frequency_known = True
                context.name_parties += int(frequency.get("name", 0))
                context.sound_parties += int(frequency.get("sound", 0))
            namesakes = said.get("namesakes")
            if namesakes is None or namesakes["total"] > len(namesakes["persons"]):
                complete = False
            else:
                context.namesakes.extend(namesakes["persons"])
        context.namesakes_complete = complete
        return context
