"""Merge: the parties of records from many archives grouped into persons (docs/hub.md).

``group_persons(records, subject)`` -> ``list[Person]``, subject persons first;
``citizen_view(persons, records, subject)`` -> what a citizen may be shown.
"""

from federation.merge.persons import Person, group_persons
from federation.merge.views import CITIZEN_THRESHOLD, citizen_view

__all__ = ["CITIZEN_THRESHOLD", "Person", "citizen_view", "group_persons"]
