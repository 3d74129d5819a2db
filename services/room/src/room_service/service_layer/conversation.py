"""Service layer: being in rooms as the entrypoints call it: one object over the use cases of presence,
messages, access and moderation, which share its units of work, clock and live fan-out."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from room_service.service_layer.access import Access
from room_service.service_layer.automod import AutomodRules
from room_service.service_layer.filters import PersonalFilters
from room_service.service_layer.messages import Messages
from room_service.service_layer.moderation import Moderation
from room_service.service_layer.notices import Notices
from room_service.service_layer.presence import PRESENCE_TIMEOUT, Presence
from room_service.service_layer.timeline import LiveFanOut, Transactions, utcnow
from room_service.service_layer.unit_of_work import UnitOfWork


class Conversation:
    """Join, leave, presence, messages and history, grants and moderation. `live` receives committed timeline
    items for fan-out (it may be set after construction, once the process has a live hub)."""

    def __init__(
        self,
        uow_factory: Callable[..., UnitOfWork],
        clock: Callable[[], dt.datetime] = utcnow,
        live: LiveFanOut | None = None,
        presence_timeout: dt.timedelta = PRESENCE_TIMEOUT,
    ):
        self.transactions = Transactions(uow_factory, clock, live)
        self.presence = Presence(self.transactions, presence_timeout)
        self.automod = AutomodRules(self.transactions)
        self.messages = Messages(self.transactions, self.automod)
        self.access = Access(self.transactions)
        self.moderation = Moderation(self.transactions)
        self.notices = Notices(self.transactions)  # its live delivery set by room-worker (NoticePublisher)
        self.filters = PersonalFilters(self.transactions)  # its live delivery set by room-grpc (LiveHub)
        # The use cases, by the names the entrypoints call them.
        self.join, self.leave, self.members = self.presence.join, self.presence.leave, self.presence.members
        self.touch, self.touch_many = self.presence.touch, self.presence.touch_many
        self.sweep_presence = self.presence.sweep_presence
        self.follow, self.heads = self.presence.follow, self.presence.heads
        self.open_stream, self.timeline_after = self.presence.open_stream, self.presence.timeline_after
        self.authorise_stream = self.presence.authorise_stream
        self.post, self.edit, self.heart = self.messages.post, self.messages.edit, self.messages.heart
        self.history = self.messages.history
        self.remove_person, self.set_slow_mode = self.moderation.remove_person, self.moderation.set_slow_mode
        self.apply_sanction_event = self.moderation.apply_sanction_event
        self.restore_message = self.moderation.restore_message
        self.receive_notice, self.list_notices = self.notices.receive, self.notices.list
        self.receive_reminder = self.notices.receive_reminder
        self.mark_notice_read, self.notices_received_since = self.notices.mark_read, self.notices.received_since
        self.apply_automod_event = self.automod.apply_event
        self.grant_cohort_access = self.access.grant_cohort_access
        self.revoke_cohort_access = self.access.revoke_cohort_access
        self.list_cohort_grants = self.access.list_cohort_grants
        self.evict_lapsed = self.access.evict_lapsed
        self.set_personal_filter, self.list_personal_filters = self.filters.set, self.filters.list
        self.blockers_of = self.filters.blockers_of

    @property
    def uow_factory(self) -> Callable[..., UnitOfWork]:
        return self.transactions.uow_factory

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        return self.transactions.clock

    @property
    def live(self) -> LiveFanOut | None:
        return self.transactions.live

    @live.setter
    def live(self, live: LiveFanOut | None) -> None:
        self.transactions.live = live

    def delete(self, person_id: str, message_id: str, *, moderator: bool = False, reason: str = "") -> dict:
        """Deletes a message: its author, or (`moderator`) a moderator of its room (idempotent then)."""
        if moderator:
            return self.moderation.remove_message(person_id, message_id, reason)
        return self.messages.delete(person_id, message_id)
