"""Many archives' Bloom filters asked at once: which may hold any of a subject's keys.

Asking 3,300 filters one by one costs a call into rbloom (and its hash callback) per
archive and key: ~6 ms a query. Filters of the same size and number of probes set the same
bit positions for a key, so they can be stored **bit-sliced**: per bit position, one row
holding that bit of every filter in the group. A key's probes then read `k` rows and AND
them: one bit per archive says whether its filter may hold the key, for all archives of
the group in a few vector operations. Nodes size their filters in steps
(`schemas.locator.new_filter`), so a national hub's filters fall into a few dozen groups.

The probe positions are rbloom's own (1.5.x, `lcg::generate_indexes`): the 128-bit hash
as the seed of a linear congruential generator, `k` draws of its bits 32..95, each modulo
the filter's length in bits, bit `p` being bit `p % 8` of byte `p // 8`. A group with
fewer than `SLICED_FROM` filters is asked through rbloom itself; tests/federation/
test_sliced_filters.py checks both ways against rbloom's `in` on random filters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rbloom import Bloom

MULTIPLIER = 47026247687942121848144207491837418733
MASK_128 = (1 << 128) - 1
MASK_64 = (1 << 64) - 1
K_BYTES = 8  # rbloom's saved form: k (u64, little-endian), then the bits
SLICED_FROM = 8  # filters of one shape before they are sliced (a row is a byte at least)


def probes(hashed: int, k: int) -> list[int]:
    """The first `k` draws rbloom makes from a key's hash (before the modulo)."""
    state = hashed & MASK_128
    drawn = []
    for _ in range(k):
        state = (state * MULTIPLIER + 1) & MASK_128
        drawn.append((state >> 32) & MASK_64)
    return drawn


@dataclass
class _Group:
    """The filters of one shape: `bits` long, `k` probes."""

    bits: int
    k: int
    owners: list[str | None] = field(default_factory=list)  # per column; None: free
    blooms: list[Bloom | None] = field(default_factory=list)  # per column, until sliced
    rows: np.ndarray | None = None  # (bits, columns // 8) once sliced

    def add(self, owner: str, bloom: Bloom, raw: bytes) -> None:
        column = self.owners.index(None) if None in self.owners else len(self.owners)
        if column == len(self.owners):
            self.owners.append(owner)
            self.blooms.append(None)
        self.owners[column] = owner
        if self.rows is not None:
            self._write(column, _bits_of(raw))
            return
        self.blooms[column] = bloom
        if len(self.owners) >= SLICED_FROM:  # sliced from now on: the rows hold the bits
            self.rows = np.zeros((self.bits, 0), np.uint8)
            for index, held in enumerate(self.blooms):
                if held is not None:
                    self._write(index, _bits_of(held.save_bytes()))
            self.blooms = [None] * len(self.owners)

    def remove(self, owner: str) -> None:
        for column, held in enumerate(self.owners):
            if held == owner:
                self.owners[column], self.blooms[column] = None, None
                if self.rows is not None:
                    self.rows[:, column >> 3] &= np.uint8(~(1 << (column & 7)) & 0xFF)

    def _write(self, column: int, bits: np.ndarray) -> None:
        assert self.rows is not None
        if column >> 3 >= self.rows.shape[1]:  # room for a quarter more filters
            width = self.rows.shape[1]
            grown = np.zeros((self.bits, width + max(1, width // 4)), np.uint8)
            grown[:, :width] = self.rows
            self.rows = grown
        byte, shift = column >> 3, column & 7
        self.rows[:, byte] = (self.rows[:, byte] & np.uint8(~(1 << shift) & 0xFF)) | (
            bits << np.uint8(shift))

    def holders(self, drawn: np.ndarray, hashed: list[int]) -> set[str]:
        """The owners whose filter may hold one of the keys (`drawn`: their probes)."""
        if self.rows is None:
            return {owner for owner, bloom in zip(self.owners, self.blooms, strict=True)
                    if bloom is not None and owner is not None
                    and any(key in bloom for key in hashed)}
        positions = (drawn[:, :self.k] % np.uint64(self.bits)).astype(np.intp)
        hits = np.bitwise_or.reduce(np.bitwise_and.reduce(self.rows[positions], axis=1),
                                    axis=0)
        columns = np.flatnonzero(np.unpackbits(hits, bitorder="little"))
        owners = self.owners
        return {owners[c] for c in columns.tolist() if c < len(owners) and owners[c]}


def _bits_of(raw: bytes) -> np.ndarray:
    """A filter's bits (rbloom's saved form), one byte each."""
    return np.unpackbits(np.frombuffer(raw, np.uint8, offset=K_BYTES), bitorder="little")


class SlicedFilters:
    """The filters of many owners (an archive, or a lower hub with one per archive below),
    grouped by shape. Not thread-safe: the caller holds a lock around it."""

    def __init__(self) -> None:
        self._groups: dict[tuple[int, int], _Group] = {}
        self._shapes: dict[str, list[tuple[int, int]]] = {}
        self._max_k = 0

    def put(self, owner: str, blooms: tuple[Bloom, ...]) -> None:
        """`owner`'s filters, replacing any it had."""
        self.remove(owner)
        shapes = []
        for bloom in blooms:
            raw = bloom.save_bytes()
            shape = (bloom.size_in_bits, int.from_bytes(raw[:K_BYTES], "little"))
            group = self._groups.get(shape)
            if group is None:
                group = self._groups[shape] = _Group(*shape)
            group.add(owner, bloom, raw)
            shapes.append(shape)
            self._max_k = max(self._max_k, shape[1])
        self._shapes[owner] = shapes

    def remove(self, owner: str) -> None:
        for shape in set(self._shapes.pop(owner, ())):
            self._groups[shape].remove(owner)

    def holders(self, hashed: list[int]) -> set[str]:
        """Every owner with a filter that may hold one of the keys `hashed`."""
        if not hashed or not self._groups:
            return set()
        drawn = np.array([probes(key, self._max_k) for key in hashed], np.uint64)
        found: set[str] = set()
        for group in self._groups.values():
            found |= group.holders(drawn, hashed)
        return found
