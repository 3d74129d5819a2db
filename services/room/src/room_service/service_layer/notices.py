"""Service layer: private notices: moderation's `notice_issued` and course's `mentor_review_overdue` stored for
their person alone and handed to their live streams, their list, and marking one read. Nobody lists or reads
another person's notices."""
from __future__ import annotations

from collections.abc import Callable

from hearth_common.paging import page_before
from room_service.domain import errors
from room_service.domain import notices as domain
from room_service.service_layer.timeline import Transactions
from room_service.service_layer.views import live_notice, notice_view

# Receives the notices just stored (as live_notice views), for that person's live streams on every room-grpc
# replica (room-worker: adapters.live.NoticePublisher). Best effort: the replicas' sweep reads what it missed.
NoticeDelivery = Callable[[list[dict]], None]


class Notices:
    def __init__(self, transactions: Transactions, deliver: NoticeDelivery | None = None):
        self.tx = transactions
        self.deliver = deliver

    def receive(self, envelope: dict) -> bool:
        """Stores one of moderation's notices for its person, once per event and once per notice id, and hands a
        new one to the live delivery after commit. Returns whether the event was new."""
        return self._store(envelope, domain.from_event(envelope, self.tx.clock()))  # validated before any write

    def receive_reminder(self, envelope: dict) -> bool:
        """Stores course's reminder to a mentor as their notice, once per event and once per reminder, and hands a
        new one to the live delivery after commit. Returns whether the event was new."""
        return self._store(envelope, domain.from_reminder(envelope, self.tx.clock()))

    def _store(self, envelope: dict, notice: domain.Notice) -> bool:
        with self.tx.begin() as uow:
            if not uow.claim_event(envelope):
                return False
            stored = uow.notices.add(notice)
            self.tx.commit(uow)
        if stored and self.deliver is not None:
            self.deliver([live_notice(notice)])
        return True

    def list(self, person_id: str, before: int = 0, limit: int = 50) -> dict:
        """The caller's own notices, newest first; `next_before` is the cursor for older ones (0: no more)."""
        if not 1 <= limit <= domain.MAX_PAGE:
            raise errors.InvalidPage(f"limit must be between 1 and {domain.MAX_PAGE}")
        if before < 0:
            raise errors.InvalidPage("before must not be negative")
        with self.tx.begin(single_statements=True) as uow:
            newest_first = uow.notices.page(person_id, before or None, limit + 1)
        page = page_before(newest_first, limit, lambda n: n.position)
        return {"notices": [notice_view(n) for n in reversed(page.items)], "next_before": page.before}

    def mark_read(self, person_id: str, notice_id: str) -> dict:
        """Marks one of the caller's own notices read (idempotent); NOT_FOUND for any other id."""
        now = self.tx.clock()
        with self.tx.begin() as uow:
            notice = uow.notices.get(notice_id, person_id, lock=True)
            if notice is None:
                raise errors.NoticeNotFound("you have no notice with that id")
            if notice.mark_read(now):
                uow.notices.save(notice)
                self.tx.commit(uow)
            return notice_view(notice)

    def received_since(self, person_ids: list[str], since) -> list[dict]:
        """The notices of these people received since `since` (room-grpc's sweep for lost notifications)."""
        with self.tx.begin(single_statements=True) as uow:
            return [live_notice(n) for n in uow.notices.received_since(person_ids, since)]

    def purge(self) -> int:
        """Deletes the notices received longer than NOTICE_RETENTION ago."""
        with self.tx.begin() as uow:
            purged = uow.notices.purge(self.tx.clock() - domain.NOTICE_RETENTION)
            self.tx.commit(uow)
            return purged
