"""The evidence that a party of a record is the citizen, and how much each piece weighs.

Every piece is a likelihood ratio: how much likelier the record is to say this if the party
is the citizen than if it is someone else who writes the same name. Weights are log10 of
that ratio (+3 is a thousand to one for, -1.5 about thirty to one against); a decisive
piece weighs +inf or -inf. The odds a party is the citizen are the sum of its weights minus
log10 of how many other people could have written that record (``competitors``). docs/hub.md
("What a citizen sees") prints this table and why each value is what it is.

Each reason carries a sentence in Chinese: the clerk who confirms or rejects a candidate
record reads them in the workbench, for and against.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

#: a citizen is shown an id-less record when the odds it is theirs are at least this (log10):
#: a thousand to one, beyond reasonable doubt
SHOW_AT = 3.0

#: log10 likelihood ratios of what a record says, against the verified identity
WEIGHTS: dict[str, float] = {
    # the birth date the id number implies, as far as the record writes it: how unlikely a
    # namesake born in the same generation is to share it (day: 1 in ~3,000, conservative
    # for era names such as 国庆 given around one date; month: 1 in ~200; year: 1 in ~16)
    "birth_day": 3.5,
    "birth_month": 2.3,
    "birth_year": 1.2,
    "birth_unknown": 0.0,
    # names are mostly gendered: a stated gender that agrees says little
    "gender": 0.2,
    # the native place names the county where the id number was issued (under any name the
    # county has had), or only its prefecture; another place is a reason to doubt (籍贯 is
    # the father's home as often as one's own, so it is not decisive)
    "place_county": 0.5,
    "place_prefecture": 0.2,
    "place_other": -1.0,
    # no native place written: the record is held by the archive of the id's county
    "held_at_home": 0.3,
    # the name written differs from the citizen's but sounds the same: a clerk's slip is
    # possible, about 1 in 30 records
    "homophone": -1.5,
    # another record already the citizen's names the same spouse or co-holder, or is the
    # same 知青 file kept by another archive
    "link": 3.0,
    # a transfer names the employer the worker came from, and a recruitment there is the
    # citizen's (or the other way round): one employer of a few dozen in a county
    "transfer_link": 1.5,
}

#: unseen namesakes assumed for every name, however rare it looks in the catalogues
UNSEEN_NAMESAKES = 1.0
#: other people with the name assumed when no node reported how common it is
UNKNOWN_FREQUENCY = 10.0

FOR, AGAINST = "for", "against"
#: reasons of no weight that still speak for the claim (the name agrees; a name nobody
#: else in the catalogues writes); any other weightless reason is a gap in the evidence
_WEIGHTLESS_FOR = frozenset({"name", "competitors"})


@dataclass(frozen=True)
class Reason:
    """One piece of evidence: its kind, its weight (log10 likelihood ratio), in Chinese."""

    kind: str
    weight: float
    text: str

    @property
    def side(self) -> str:
        if abs(self.weight) < 0.005:
            return FOR if self.kind in _WEIGHTLESS_FOR else AGAINST
        return FOR if self.weight > 0 else AGAINST

    @property
    def decisive(self) -> bool:
        return math.isinf(self.weight)

    def to_dict(self) -> dict:
        data = {**asdict(self), "side": self.side}
        data["weight"] = ("+inf" if self.weight > 0 else "-inf") if self.decisive else \
            round(self.weight, 2)
        return data


def weighed(kind: str, text: str) -> Reason:
    return Reason(kind, WEIGHTS[kind], text)


def competitors_reason(others: float, frequency_known: bool) -> Reason:
    """How many other people could have written the record: the prior against the citizen."""
    count = others + UNSEEN_NAMESAKES
    if not frequency_known:
        text = "各档案馆未提供姓名频度，按常见姓名估计"
    elif others < 1:
        text = "各档案馆中此姓名罕见，除本人外未见同名记录"
    else:
        text = f"各档案馆中另有约{round(others)}条同名记录"
    return Reason("competitors", -math.log10(count), text)


def decisive_for(kind: str, text: str) -> Reason:
    return Reason(kind, math.inf, text)


def decisive_against(kind: str, text: str) -> Reason:
    return Reason(kind, -math.inf, text)
