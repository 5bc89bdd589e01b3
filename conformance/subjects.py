"""The person the checks search for: given by the user, or found in the node's own answers.

The checks of what a search answers with records (scores, record ids, fetching a record by
its id) prove nothing for a subject the node holds no record of, and a fixed guess such as
张伟 is on file in some archives and not in others. The standard lets no one list a node's
names (a node only answers searches), so when the user names nobody the checker asks the
node about the most common names in China, most common first, until an answer holds a
record, and takes a party of that record as the subject: a person of this catalogue, named
by the node itself. service-info's `counts` say first whether there is anything to find,
and the first search the node does not answer well ends the hunt (search.answer then says
why), so that a broken or slow node is not asked fifty times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from conformance.context import Context

#: searched for when the user names nobody and no one is found: any valid search body will
#: do for the checks that do not need records (token refusals, validation)
FALLBACK: dict[str, str] = {"name": "张伟"}
#: the fifty most common full names in China, most common first (the Ministry of Public
#: Security's 2019 count); a node matches homophones too, so each also finds e.g. 章伟
COMMON_NAMES: tuple[str, ...] = (
    "张伟", "王伟", "王芳", "李伟", "李娜", "张敏", "李静", "王静", "刘伟", "王秀英",
    "张丽", "李秀英", "王丽", "张静", "张秀英", "李强", "王敏", "李敏", "王磊", "刘洋",
    "王艳", "王勇", "李军", "张勇", "李杰", "张杰", "张磊", "王强", "李娟", "王军",
    "张艳", "张涛", "王涛", "李艳", "王超", "李明", "李勇", "王娟", "刘杰", "刘敏",
    "李霞", "李丽", "张军", "王杰", "张强", "王秀兰", "王刚", "王平", "刘芳", "张燕",
)
OPTIONS = "--subject-id and/or --subject-name"


@dataclass(frozen=True)
class Subject:
    """What the searches send, and how it was chosen, for the report and for the skips."""

    fields: dict[str, str]
    #: how the subject was chosen, in words
    origin: str
    #: the record the subject was found in (None: given by the user, or not found)
    source_record: str | None = None
    #: why no subject with records was found (None: given by the user, or found)
    missing: str | None = None

    def describe(self) -> str:
        return ", ".join(f"{key} {value}" for key, value in self.fields.items())

    def why_no_records(self) -> str:
        """The reason a check that needs a record of the subject could not run."""
        if self.missing:
            return self.missing
        if self.source_record is None:
            return (f"the search for {self.describe()} found no record to check; give "
                    f"{OPTIONS} of a person this node holds records of, or neither to let "
                    f"the checker find one")
        return (f"the search for {self.describe()} found no record, though the node named "
                f"this person in {self.source_record} (see search.answer)")


def given(fields: dict[str, str]) -> Subject:
    return Subject(dict(fields), "given")


def find_subject(ctx: Context, names: Sequence[str] = COMMON_NAMES) -> Subject:
    """A party of the first record the node answers for one of `names`, or why there is none."""
    from conformance.context import CheckFailed

    try:
        total = _total(ctx.service_info().get("counts"))
    except CheckFailed as exc:
        return _missing(f"service-info could not be read: {exc}")
    if total == 0:
        return _missing("service-info counts no record in this node")
    for name in names:
        try:
            response = ctx.post_json("/v1/search", ctx.search_body({"name": name}), ctx.token())
        except (CheckFailed, requests.RequestException) as exc:
            return _missing(f"the search for {name} failed: {exc}")
        if response.status_code != 200:
            return _missing(f"the search for {name} answered {response.status_code}")
        record = _first_record(response)
        if record is None:
            continue
        if not isinstance(record, dict) or not isinstance(record.get("record_id"), str):
            return _missing(f"the search for {name} answered a record without a record_id")
        return _from_record(name, record)
    tried = ", ".join(names) if len(names) <= 3 else f"{names[0]}, {names[1]}, ... {names[-1]}"
    held = f"its {total} record(s)" if total else "its records"
    return _missing(f"none of the {len(names)} common names tried, {tried}, is in {held}")


def _total(counts: Any) -> int | None:
    """The records service-info counts, or None when it gives no usable counts."""
    if not isinstance(counts, dict):
        return None
    numbers = [n for n in counts.values() if isinstance(n, int) and not isinstance(n, bool)]
    return sum(numbers) if numbers and len(numbers) == len(counts) else None


def _first_record(response: requests.Response) -> Any:
    try:
        records = response.json()["records"]
        return records[0] if records else None
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def _from_record(name: str, record: dict) -> Subject:
    """The party of `record` named `name` (else its first named party), with its id number
    when the record says it is valid: a search by id number is then checked too."""
    parties = [party for party in record.get("parties") or []
               if isinstance(party, dict) and isinstance(party.get("name"), str)
               and party["name"]]
    party = next((p for p in parties if name in (p.get("name"), p.get("name_raw"))),
                 parties[0] if parties else None)
    fields = {"name": party["name"] if party else name}
    if party and isinstance(party.get("id_number"), str) and party.get("id_number_valid") is True:
        fields["id_number"] = party["id_number"]
    record_id = record["record_id"]
    return Subject(fields, f"found by the checker: a party of {record_id}, answered to the "
                           f"search for {name}", source_record=record_id)


def _missing(why: str) -> Subject:
    return Subject(dict(FALLBACK), "a stand-in: no subject with records was found",
                   missing=(f"no subject with records was found: {why}; give {OPTIONS} of a "
                            f"person this node holds records of"))
