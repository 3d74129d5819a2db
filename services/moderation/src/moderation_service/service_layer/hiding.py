"""Service layer: what any removal by a moderator (or by room otherwise) does to a hide pending review: makes it
final, so that only what the hide itself removed is ever restored (services.py's decisions, sanctions.py's
RemoveMessage and the read model of room's message_deleted share it)."""
from __future__ import annotations

import datetime as dt

from moderation_service.domain import reports as rules
from moderation_service.service_layer.unit_of_work import UnitOfWork


def settle_hide(uow: UnitOfWork, message_id: str, now: dt.datetime) -> bool:
    """A message a moderator removed (a case agreed with removal, RemoveMessage), or that room removed otherwise:
    its hide pending review, if one is still open, becomes final (kept removed), so no later decision restores
    what the hide did not remove. Returns whether an open hide was settled (the message was hidden pending review
    only: a moderator's removal of it is a removal, not one made already)."""
    hide = uow.hidden_messages.get(message_id, lock=True)
    if hide is None or hide.status != rules.HIDDEN:
        return False
    hide.status, hide.decided_at = rules.KEPT_REMOVED, now
    uow.hidden_messages.save(hide)
    return True
