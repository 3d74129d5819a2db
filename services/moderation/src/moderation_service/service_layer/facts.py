"""Service layer: the people read model's facts about a person, as every use case reads them (one helper for
the whole service: the pager's `facts_of` is to be folded into it)."""
from __future__ import annotations

from hearth_common.people import KnownPerson, PersonFacts


def facts_of(person: KnownPerson | None) -> PersonFacts | None:
    """A known person's facts (kind, cohort, roles); None for nobody, or someone whose registration has not
    arrived yet."""
    return person.facts() if person is not None and person.known else None
