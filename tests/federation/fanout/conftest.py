"""Fake nodes on loopback, a hub key, and FanOut instances that are closed after each test."""

import uuid
from collections.abc import Callable, Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation.fanout import FanOut
from tests.federation.fanout.fakes import FakeNode


@pytest.fixture
def fake() -> Iterator[Callable[..., FakeNode]]:
    started: list[FakeNode] = []

    def start(behaviour: str = "ok", **options: object) -> FakeNode:
        code = f"5{len(started) + 10:05d}"
        node = FakeNode(code, f"档案馆{code}", behaviour, **options)  # type: ignore[arg-type]
        started.append(node)
        return node

    yield start
    for node in started:
        node.stop()


@pytest.fixture(scope="session")
def hub_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def fanout(hub_key: Ed25519PrivateKey) -> Iterator[Callable[..., FanOut]]:
    made: list[FanOut] = []

    def make(nodes: list, hub_key: Ed25519PrivateKey = hub_key, **options: object) -> FanOut:
        options.setdefault("default_deadline_s", 0.4)
        options.setdefault("overall_deadline_s", 0.6)
        entries = [node if not isinstance(node, FakeNode) else node.entry() for node in nodes]
        instance = FanOut(entries, hub_key, **options)  # type: ignore[arg-type]
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.close()


def search_request(**extra: object) -> dict:
    return {"subject": {"name": "张国华"}, "purpose": "test: fan-out",
            "request_id": uuid.uuid4().hex, **extra}
