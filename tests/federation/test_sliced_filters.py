"""The bit-sliced filters say exactly what rbloom's own `in` says, filter by filter."""

import base64
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from federation.fanout.sliced import SLICED_FROM, SlicedFilters, probes
from schemas.locator import decode_filter, encode_filter, new_filter

KEY = st.integers(min_value=-(2**127), max_value=2**127 - 1)


def _filter(keys: list[int], expected: int):  # type: ignore[no-untyped-def]
    bloom = new_filter(expected)
    bloom.update(keys)
    return decode_filter(encode_filter(bloom))  # as a hub holds it: loaded from bytes


def _rbloom_holders(filters: dict[str, tuple], asked: list[int]) -> set[str]:
    return {owner for owner, blooms in filters.items()
            if any(key in bloom for bloom in blooms for key in asked)}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(KEY, max_size=30), min_size=1, max_size=2 * SLICED_FROM + 3),
       st.lists(KEY, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_the_sliced_answer_is_rbloom_s_answer(held: list[list[int]], asked: list[int],
                                              rng: random.Random) -> None:
    index, filters = SlicedFilters(), {}
    for number, keys in enumerate(held):
        # some keys asked are held, so that both answers occur; sizes in a few shapes
        keys = keys + rng.sample(asked, rng.randint(0, 1))
        blooms = (_filter(keys, rng.choice([10, 40, 40, 300])),)
        filters[f"a{number}"] = blooms
        index.put(f"a{number}", blooms)
    assert index.holders(asked) == _rbloom_holders(filters, asked)


def test_replacing_and_removing_owners_frees_their_columns() -> None:
    rng = random.Random(7)
    index, filters = SlicedFilters(), {}
    keys = [rng.getrandbits(127) for _ in range(200)]
    for number in range(3 * SLICED_FROM):
        blooms = (_filter(keys[number::7], 500),)
        filters[f"a{number}"] = blooms
        index.put(f"a{number}", blooms)
    # a lower hub: several filters for one owner
    hub = (_filter(keys[:3], 500), _filter(keys[50:60], 500), _filter([], 20))
    filters["hub"] = hub
    index.put("hub", hub)
    for number in range(0, 3 * SLICED_FROM, 3):
        filters.pop(f"a{number}")
        index.remove(f"a{number}")
    filters["a1"] = (_filter([keys[199]], 500),)
    index.put("a1", filters["a1"])
    for asked in ([keys[0]], [keys[199]], keys[50:52], [rng.getrandbits(127)], keys):
        assert index.holders(asked) == _rbloom_holders(filters, asked)
    assert "a0" not in index.holders(keys) and "a1" in index.holders([keys[199]])
    assert all(group.rows is not None for group in index._groups.values()
               if len(group.owners) >= SLICED_FROM)  # the sliced path was the one asked


def test_the_probes_are_rbloom_s() -> None:
    """A filter with only the bits `probes` names for a key holds that key and (at this
    size) not another: the draws are rbloom's own, not only self-consistent."""
    bloom = new_filter(1000)
    k = int.from_bytes(bloom.save_bytes()[:8], "little")
    key = 123456789 << 64
    raw = bytearray(bloom.save_bytes())
    for value in probes(key, k):
        position = value % bloom.size_in_bits
        raw[8 + position // 8] |= 1 << (position % 8)
    made = decode_filter(base64.b64encode(bytes(raw)).decode())
    assert key in made
    assert key + 1 not in made
