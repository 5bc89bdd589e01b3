"""Reading a deployable's settings once: defaults, then `LIANCHA_*` variables, then the
mapping a test or the CLI passes; and turning them into checked values."""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from flask import Config

T = TypeVar("T")


class ConfigurationError(Exception):
    """A setting is missing or unusable; the message names the setting and the variable."""


def read_config(config: Config, defaults: Mapping[str, object],
                overrides: Mapping[str, object] | None) -> None:
    config.from_mapping(defaults)
    config.from_prefixed_env("LIANCHA")
    if overrides:
        config.from_mapping(overrides)


def required(config: Mapping[str, object], name: str) -> object:
    value = config.get(name)
    if value in (None, ""):
        raise ConfigurationError(f"{name} is not set (option --{name.lower().replace('_', '-')}"
                                 f" or variable LIANCHA_{name})")
    return value


def loaded(value: object, loader: Callable[[Path], T], name: str,
           ready: type | tuple[type, ...]) -> T:
    """`value` itself if it is already `ready` (tests pass objects), else read from a path."""
    if isinstance(value, ready):
        return value  # type: ignore[return-value]
    try:
        return loader(Path(str(value)))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"{name}: cannot read {value}: {exc}") from exc
