"""Cross-cutting (pure): who may see which fields of a person (issue 17 §2), as one rule every service's views use.

Peers see a person's id, username and kind, never their cohort or an age; a person sees their own; staff see what
their duty needs: a moderator the cohort of people in (or reported in) the rooms they moderate, an admin everyone's.
A date of birth is never shown to anyone (identity keeps it to derive the cohort). A hidden field is absent (None
in plain data, unset / an UNSPECIFIED enum value in protobuf), never a default that reads as "adult".

Each service keeps the table of its own APIs as data (a `PersonFieldsTable`): its README shows the table
(`render_markdown`), a test compares the two, and the service's gRPC tests call every API in it as every kind of
caller, so the table, the README and the behaviour cannot drift apart.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

# The kinds of caller, relative to the person shown (the columns of every table).
PEER = "peer"
SELF = "self"
MODERATOR = "moderator"  # a moderator of a room the person is in or was reported in (each service defines it)
ADMIN = "admin"
VIEWERS = (PEER, SELF, MODERATOR, ADMIN)

# The fields that tell, or let one work out, whether someone is a teen.
AGE_FIELDS = ("cohort", "age", "date_of_birth")
# Who sees them: never a peer; the date of birth nobody.
_SEES = {
    "cohort": frozenset({SELF, MODERATOR, ADMIN}),
    "age": frozenset({SELF, MODERATOR, ADMIN}),
    "date_of_birth": frozenset(),
}


def relation(viewer_id: str | None, subject_id: str, *, viewer_is_admin: bool = False,
             viewer_moderates_subject: bool = False) -> str:
    """The caller's relation to the person shown. The order matters only for ties (an admin looking at themselves
    is `self`, which sees the same). Nothing here may depend on the subject's own cohort: a rule that did would
    reveal the cohort by what it hides."""
    if viewer_id is not None and viewer_id == subject_id:
        return SELF
    if viewer_is_admin:
        return ADMIN
    if viewer_moderates_subject:
        return MODERATOR
    return PEER


def may_see(viewer: str, field: str) -> bool:
    """Whether a caller of this relation sees the field (every field that is not about age is seen by all)."""
    if viewer not in VIEWERS:
        raise ValueError(f"unknown viewer {viewer!r}")
    return viewer in _SEES[field] if field in _SEES else True


def redact(person: Mapping[str, Any], viewer: str) -> dict[str, Any]:
    """A copy of a person's plain data with every field the viewer may not see set to None."""
    return {key: (value if may_see(viewer, key) else None) for key, value in person.items()}


# --- the per-service table --------------------------------------------------------------------------------------

SHOWN, HIDDEN, NOT_CARRIED = "shown", "hidden", "not carried"
REFUSED = "refused"  # the API answers this caller nothing about the person (PERMISSION_DENIED)


@dataclasses.dataclass(frozen=True)
class FieldRow:
    """One field of a person as a service's APIs return it: where it appears and what each viewer gets."""

    field: str
    apis: tuple[str, ...]
    seen: Mapping[str, str]  # viewer -> SHOWN / HIDDEN / NOT_CARRIED

    def __post_init__(self):
        if set(self.seen) != set(VIEWERS):
            raise ValueError(f"{self.field}: give every viewer {VIEWERS}")
        bad = {v for v in self.seen.values() if v not in (SHOWN, HIDDEN, NOT_CARRIED, REFUSED)}
        if bad:
            raise ValueError(f"{self.field}: unknown cells {bad}")
        if self.field in _SEES:
            for viewer, cell in self.seen.items():
                if cell == SHOWN and viewer not in _SEES[self.field]:
                    raise ValueError(f"{self.field}: the shared rule never shows it to a {viewer}")


def row(field: str, apis: tuple[str, ...] | str, *, hidden_from: tuple[str, ...] = (),
        refused_to: tuple[str, ...] = (), not_carried: bool = False) -> FieldRow:
    """A row: shown to every viewer but those in `hidden_from` (the field absent) or `refused_to` (the API
    answers them nothing); `not_carried` when no API returns the field at all (kept in the table so the absence
    is tested, not assumed)."""
    apis = (apis,) if isinstance(apis, str) else tuple(apis)
    if not_carried:
        return FieldRow(field, apis, {v: NOT_CARRIED for v in VIEWERS})
    return FieldRow(field, apis, {v: (REFUSED if v in refused_to else HIDDEN if v in hidden_from else SHOWN)
                                  for v in VIEWERS})


def by_rule(field: str, apis: tuple[str, ...] | str) -> FieldRow:
    """A row that follows the shared rule exactly."""
    return row(field, apis, hidden_from=tuple(v for v in VIEWERS if not may_see(v, field)))


@dataclasses.dataclass(frozen=True)
class PersonFieldsTable:
    """Who sees which field of a person in one service, with the service's footnote (how it tells a moderator)."""

    service: str
    rows: tuple[FieldRow, ...]
    footnote: str

    def cell(self, field: str, viewer: str) -> str:
        return next(r for r in self.rows if r.field == field).seen[viewer]


_HEADINGS = {PEER: "peer", SELF: "self", MODERATOR: "moderator of a room the person is in", ADMIN: "admin"}


def render_markdown(table: PersonFieldsTable) -> str:
    """The table as its README shows it (the README check compares this text, so edit the data, not the README)."""
    lines = [
        "| field | APIs | " + " | ".join(_HEADINGS[v] for v in VIEWERS) + " |",
        "|---|---|" + "---|" * len(VIEWERS),
    ]
    for r in table.rows:
        apis = ", ".join(f"`{a}`" for a in r.apis) or "none"
        lines.append(f"| `{r.field}` | {apis} | " + " | ".join(r.seen[v] for v in VIEWERS) + " |")
    lines.append("")
    lines.append(f"Footnote ({table.service}): {table.footnote}")
    return "\n".join(lines) + "\n"
