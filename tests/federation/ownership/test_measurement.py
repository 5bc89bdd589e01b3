"""What citizens are shown, measured against the generator's ground truth (issue 12).

Over every record of every person of a generated federation with namesakes
(`citizens_world.py`):
- citizen-shown precision: shown records in which the person is a party (must be 1.000);
- citizen-shown recall: their records that are shown (target at least 0.90);
- shown-or-offered recall: their records shown or counted in `to_confirm` (at least 0.99).
The figures are printed (run with -s); bench/citizens.py measures other worlds.
"""

import pytest

from tests.federation.ownership.citizens_world import measure

PEOPLE, SEED, NAMESAKES = 1500, 11, 0.03
RECALL_TARGET, OFFERED_TARGET = 0.90, 0.99


def test_citizens_see_only_their_own_records_and_are_told_where_the_rest_are(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    figures = measure(tmp_path_factory.mktemp("ownership-data"), PEOPLE, SEED, NAMESAKES)
    print("\n" + figures.report())
    assert not figures.strangers, figures.strangers[:5]
    assert figures.namesake_pairs > 10  # the world has namesakes to be told apart
    assert figures.recall >= RECALL_TARGET
    assert figures.offered_recall >= OFFERED_TARGET
