"""Service layer: reading the append-only audit log (by person, room, moderator and time) and each moderator's
figures (actions taken, appeals overturned). Writing it is every other use case's job, in its own transaction."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable

from hearth_common.clock import utcnow
from hearth_common.ids import parse_uuid
from hearth_common.vocabulary import ROOM_SLUG
from moderation_service.domain import audit
from moderation_service.domain.audit import AuditEntry, AuditQuery
from moderation_service.domain.errors import InvalidReport
from moderation_service.service_layer.facts import facts_of
from moderation_service.service_layer.unit_of_work import UnitOfWork


class AuditLogQueries:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], dt.datetime] = utcnow):
        self.uow_factory = uow_factory
        self.clock = clock

    def list(self, reader_id: str, *, target_id: object = None, room_slug: object = None,
             moderator_id: object = None, since: dt.datetime | None = None, until: dt.datetime | None = None,
             limit: int = 50, page_token: object = None) -> dict:
        """Entries newest first, filtered by any of the person acted on, the room, the moderator (actor) and a
        time window; `next_page_token` continues where this page ended ("" at the end)."""
        if room_slug is not None and (refusal := ROOM_SLUG.refusal(room_slug, "room_slug")) is not None:
            raise InvalidReport(refusal)
        if since is not None and until is not None and until <= since:
            raise InvalidReport("until must be after since")
        query = AuditQuery(
            target_id=parse_uuid(target_id, "person_id", InvalidReport) if target_id else None,
            room_slug=room_slug or None,
            actor_id=parse_uuid(moderator_id, "moderator_id", InvalidReport) if moderator_id else None,
            since=since, until=until, limit=min(max(int(limit or 50), 1), audit.LIMIT_MAX),
            before=_cursor(page_token))
        now = self.clock()
        with self.uow_factory() as uow:
            audit.ensure_may_read(facts_of(uow.people.get(reader_id)), reader_id, query, now)
            entries = uow.audit.list(query)
        more = len(entries) == query.limit
        return {"entries": [entry_view(e) for e in entries],
                "next_page_token": _token(entries[-1]) if more else ""}

    def figures(self, reader_id: str, moderator_id: object, since: dt.datetime | None = None) -> dict:
        """A moderator's actions by kind and how many of them appeals overturned (since a time, if given)."""
        moderator_id = parse_uuid(moderator_id, "moderator_id", InvalidReport)
        now = self.clock()
        with self.uow_factory() as uow:
            audit.ensure_may_see_figures(facts_of(uow.people.get(reader_id)), reader_id, moderator_id, now)
            actions = uow.audit.count_by_action(moderator_id, since)
            overturned = uow.audit.count_overturned(moderator_id, since)
        return {"moderator_id": moderator_id, "actions": dict(sorted(actions.items())),
                "total_actions": sum(actions.values()), "appeals_overturned": overturned}


def entry_view(e: AuditEntry) -> dict:
    return {"id": e.id, "at": e.at, "action": e.action, "source": e.source, "actor_id": e.actor_id,
            "target_id": e.target_id, "room_slug": e.room_slug, "subject_ref": e.subject_ref, "reason": e.reason,
            "details": dict(e.details), "request_id": e.request_id}


def _token(last: AuditEntry) -> str:
    return base64.urlsafe_b64encode(f"{last.at.isoformat()}|{last.id}".encode()).decode()


def _cursor(token: object) -> tuple[dt.datetime, str] | None:
    if not token:
        return None
    try:
        at, entry_id = base64.urlsafe_b64decode(str(token).encode()).decode().split("|", 1)
        moment = dt.datetime.fromisoformat(at)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidReport("page_token is not one this service gave out; start again without it") from None
    if moment.tzinfo is None:
        raise InvalidReport("page_token is not one this service gave out; start again without it")
    return moment, entry_id
