"""Domain: the permission matrix of warnings and sanctions, as data (who may do what where), and the one rule
that reads it. The service README's table is printed from MATRIX and a test checks it; the unit tests try every
action as every role, in and out of scope, from the same table.

Above the matrix, for everyone: nobody acts on themselves or on an admin; whoever is not an admin acts only on
people of their own cohort, or in a room they hold room's cross-cohort grant for (domain/cohorts.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from hearth_common.contracts.identity import ADMIN, CHAT_ROOM_MODERATOR, ON_SPOT_HOST, SUPPORT_SESSION_LEADER
from hearth_common.people import PersonFacts, is_admin
from moderation_service.domain.cohorts import may_act_across_cohort
from moderation_service.domain.errors import NotPermitted

# Actions.
WARN, MUTE, KICK, ROOM_BAN, GLOBAL_BAN = "warn", "mute", "kick", "room_ban", "global_ban"
REMOVE_MESSAGE, MUTE_EXCHANGE, LIFT, VOID_WARNING = "remove_message", "mute_exchange", "lift", "void_warning"
VIEW_RECORD, SET_LADDER = "view_record", "set_ladder"
ACTIONS = (WARN, MUTE, KICK, ROOM_BAN, GLOBAL_BAN, REMOVE_MESSAGE, MUTE_EXCHANGE, LIFT, VOID_WARNING, VIEW_RECORD,
           SET_LADDER)

# Scopes: where a role lets its holder do an action.
EVERYWHERE = "everywhere"          # every room, and in every room at once (admins)
COVERED = "rooms the role covers"  # a room their grant names; a grant for every room covers every room, at once too
SESSION = "their live session's room"  # the room where they lead a session now (never every room at once)
ANY_GRANT = "anyone (the role held anywhere)"  # no room in question
NOWHERE = "-"
SCOPES = (EVERYWHERE, COVERED, SESSION, ANY_GRANT, NOWHERE)

MEMBER = "member"  # no role
ROLES = (ADMIN, CHAT_ROOM_MODERATOR, SUPPORT_SESSION_LEADER, ON_SPOT_HOST, MEMBER)

_SESSION_ROLES = {SUPPORT_SESSION_LEADER: SESSION, ON_SPOT_HOST: SESSION}
_NOT_SESSION = {SUPPORT_SESSION_LEADER: NOWHERE, ON_SPOT_HOST: NOWHERE}


def _row(moderator: str, session: dict[str, str], admin: str = EVERYWHERE) -> dict[str, str]:
    return {ADMIN: admin, CHAT_ROOM_MODERATOR: moderator, **session, MEMBER: NOWHERE}


# action -> role -> scope. Session leaders and hosts calm their own session: warn, mute there, kick, remove a
# message, mute an exchange, and lift what they can impose; bans, voiding, records and the ladder are moderators'.
MATRIX: dict[str, dict[str, str]] = {
    WARN: _row(COVERED, _SESSION_ROLES),
    MUTE: _row(COVERED, _SESSION_ROLES),
    KICK: _row(COVERED, _SESSION_ROLES),
    ROOM_BAN: _row(COVERED, _NOT_SESSION),
    GLOBAL_BAN: _row(NOWHERE, _NOT_SESSION),
    REMOVE_MESSAGE: _row(COVERED, _SESSION_ROLES),
    MUTE_EXCHANGE: _row(COVERED, _SESSION_ROLES),
    LIFT: _row(COVERED, _SESSION_ROLES),
    VOID_WARNING: _row(COVERED, _NOT_SESSION),
    VIEW_RECORD: _row(ANY_GRANT, _NOT_SESSION),
    SET_LADDER: _row(NOWHERE, _NOT_SESSION),
}
assert set(MATRIX) == set(ACTIONS) and all(set(row) == set(ROLES) for row in MATRIX.values())
# What each action means, for the README.
DESCRIPTIONS = {
    WARN: "warn a person (in a room, or with no room: every room)",
    MUTE: "mute a person in a room, or in every room",
    KICK: "remove a person from a room",
    ROOM_BAN: "ban a person from a room",
    GLOBAL_BAN: "ban a person from every room",
    REMOVE_MESSAGE: "remove a message, with a reason",
    MUTE_EXCHANGE: "mute everyone in an exchange in a room for N minutes",
    LIFT: "lift a mute early, where it applies (a ban is lifted by whoever may impose it there)",
    VOID_WARNING: "void a warning (not one's own: another moderator or an admin)",
    VIEW_RECORD: "list a person's warnings and sanctions",
    SET_LADDER: "edit the strike ladder",
}


@dataclasses.dataclass(frozen=True)
class Where:
    """Where an action applies: a room, or every room at once (`room_slug` None)."""

    room_slug: str | None


def scope_allows(scope: str, role: str, actor: PersonFacts, where: Where, live_session_rooms: Iterable[str],
                 now: dt.datetime) -> bool:
    """Whether holding `role` with this matrix scope lets the actor act `where`."""
    if scope == EVERYWHERE:
        return actor.has_role(role, None, now)
    if scope == COVERED:  # a grant for the room, or for every room (which alone covers every room at once)
        return actor.has_role(role, where.room_slug, now)
    if scope == SESSION:
        return (where.room_slug is not None and where.room_slug in set(live_session_rooms)
                and _holds_anywhere(actor, role, now))
    if scope == ANY_GRANT:
        return _holds_anywhere(actor, role, now)
    return False


def _holds_anywhere(actor: PersonFacts, role: str, now: dt.datetime) -> bool:
    """Holds an unexpired grant of the role for some room or every room (RoleFact.counts, asked about the grant's
    own room, is the one expiry rule, as reports.moderates_somewhere uses it)."""
    return any(f.role == role and f.counts(f.room_id, now) for f in actor.roles)


def allowed(action: str, actor: PersonFacts | None, target: PersonFacts | None, where: Where,
            live_session_rooms: Iterable[str], now: dt.datetime, granted_rooms: Iterable[str] = ()) -> bool:
    """The matrix's answer, with the rules above it (self, admins, cohort: `granted_rooms`, the rooms of the
    actor's live cross-cohort grants, domain/cohorts.py)."""
    if actor is None:
        return False
    rooms = list(live_session_rooms)
    if target is not None:
        if target.person_id == actor.person_id or is_admin(target, now):
            return False
        if not may_act_across_cohort(actor, granted_rooms, where.room_slug, target.cohort, now):
            return False
    return any(scope_allows(MATRIX[action][role], role, actor, where, rooms, now) for role in ROLES if role != MEMBER)


def ensure_allowed(action: str, actor: PersonFacts | None, target: PersonFacts | None, where: Where,
                   live_session_rooms: Iterable[str], now: dt.datetime, granted_rooms: Iterable[str] = ()) -> None:
    """NotPermitted, saying why, unless the matrix lets the actor do this here."""
    granted_rooms = frozenset(granted_rooms)
    if actor is not None and target is not None:
        if target.person_id == actor.person_id:
            raise NotPermitted("nobody may do this to themselves")
        if is_admin(target, now):
            raise NotPermitted("nobody acts on an admin here; raise it with the other admins")
    if not allowed(action, actor, target, where, live_session_rooms, now, granted_rooms):
        place = f"in {where.room_slug}" if where.room_slug else "in every room"
        raise NotPermitted(f"you may not {DESCRIPTIONS[action]} {place} (see the permission matrix)"
                           if target is None or actor is None or is_admin(actor, now)
                           or may_act_across_cohort(actor, granted_rooms, where.room_slug, target.cohort, now) else
                           "moderators act only on people of their own cohort (or in a room of the other cohort "
                           "they hold a cross-cohort grant for)")


def matrix_table() -> str:
    """The matrix as the README's markdown table."""
    head = "| action | " + " | ".join(ROLES) + " |"
    lines = [head, "|" + "---|" * (len(ROLES) + 1)]
    for action in ACTIONS:
        lines.append(f"| `{action}`: {DESCRIPTIONS[action]} | " + " | ".join(MATRIX[action][r] for r in ROLES) + " |")
    return "\n".join(lines)
