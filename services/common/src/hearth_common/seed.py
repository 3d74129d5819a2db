"""Common (pure): reading a service's seed data (JSON in its seed package), each record checked by its domain."""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any, TypeVar

from hearth_common.errors import DomainError

Spec = TypeVar("Spec", bound=tuple)  # a NamedTuple class


class SeedError(ValueError):
    """The seed data is malformed; the message names the record and what is wrong with it."""


def read_document(package: str, filename: str, keys: frozenset[str]) -> Mapping[str, Any]:
    """The JSON object in a data file of the package, which must have exactly these top-level keys."""
    data = json.loads(resources.files(package).joinpath(filename).read_text("utf-8"))
    if not isinstance(data, Mapping) or set(data) != keys:
        raise SeedError(f"{filename} must be an object with exactly the keys {', '.join(sorted(keys))}")
    return data


def read_records(records: Any, spec_type: type[Spec], check: Callable[[Spec], object], what: str) -> tuple[Spec, ...]:
    """Each record (an object with exactly spec_type's fields) as a spec_type, its slug used once, accepted by
    `check`: the domain's own validation, whose refusal (a DomainError) becomes a SeedError naming the record."""
    if not isinstance(records, list):
        raise SeedError(f"the {what}s must be a list")
    specs: list[Spec] = []
    slugs: set[str] = set()
    for index, fields in enumerate(records):
        where = f"{what} {index} ({fields.get('slug', 'no slug') if isinstance(fields, Mapping) else 'not an object'})"
        if not isinstance(fields, Mapping) or set(fields) != set(spec_type._fields):
            raise SeedError(f"{where}: expected exactly the fields {', '.join(spec_type._fields)}")
        spec = spec_type(**fields)
        try:
            check(spec)
        except DomainError as refusal:
            raise SeedError(f"{where}: {refusal}") from None
        if spec.slug in slugs:
            raise SeedError(f"{where}: the slug is used twice")
        slugs.add(spec.slug)
        specs.append(spec)
    return tuple(specs)
