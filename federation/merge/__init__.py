"""Merge: the parties of records from many archives grouped into persons (docs/hub.md).

``group_persons(records, subject)`` -> ``list[Person]``, subject persons first: what a
clerk sees. What a citizen is shown is decided by `federation.ownership`.
"""

from federation.merge.persons import Person, group_persons

__all__ = ["Person", "group_persons"]
