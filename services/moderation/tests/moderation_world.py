"""Test helpers shared by moderation's tiers: a world that feeds the read models through identity's, room's and
course's contracts, as the worker does, so a test sets up people, memberships, messages and posts as they arrive in
production."""
from __future__ import annotations

import dataclasses
import itertools
import uuid

from hearth_common.contracts import course as course_contract
from hearth_common.contracts import identity as identity_contract
from hearth_common.contracts import room as room_contract
from moderation_service.service_layer.services import ModerationService

ROOM = "anxiety-support"
OTHER_ROOM = "grief-support"
COURSE = "group-dynamics"
DISCUSSION = "gd-1-introduction"


@dataclasses.dataclass
class World:
    """Feeds moderation's read models through identity's and room's contracts, as the worker does."""

    service: ModerationService
    clock: object  # a callable giving now
    seqs: itertools.count = dataclasses.field(default_factory=lambda: itertools.count(1))
    room_seqs: dict = dataclasses.field(default_factory=dict)
    sessions: object = None  # the SanctionsService, which keeps the live sessions read model (section 2)

    def _deliver(self, payload) -> dict:
        envelope = {**payload.event().envelope(payload_source(payload)), "seq": next(self.seqs)}
        if payload_source(payload) == "identity":
            self.service.apply_identity_event(envelope)
        elif payload_source(payload) == "course":
            self.service.apply_course_event(envelope)
        else:
            self.service.apply_room_event(envelope)
        return envelope

    def _room_seq(self, room: str) -> int:
        self.room_seqs[room] = self.room_seqs.get(room, 0) + 1
        return self.room_seqs[room]

    def person(self, username: str, cohort: str = "adult", kind: str = "member") -> str:
        person_id = str(uuid.uuid4())
        self._deliver(identity_contract.PersonRegistered(person_id=person_id, username=username, kind=kind,
                                                         cohort=cohort, registered_at=self.clock()))
        return person_id

    def grant(self, person_id: str, role: str, room: str | None = None, expires_at=None) -> None:
        self._deliver(identity_contract.RoleGranted(grant_id=str(uuid.uuid4()), person_id=person_id, role=role,
                                                    room_id=room, expires_at=expires_at))

    def moderator(self, username: str, room: str | None = ROOM, cohort: str = "adult") -> str:
        person_id = self.person(username, cohort, "listener")
        self.grant(person_id, identity_contract.CHAT_ROOM_MODERATOR, room)
        return person_id

    def badge(self, person_id: str, slug: str) -> None:
        self._deliver(identity_contract.BadgeAwarded(person_id=person_id, badge_slug=slug))

    def admin(self, username: str = "admin_ada") -> str:
        person_id = self.person(username, "adult", "listener")
        self.grant(person_id, identity_contract.ADMIN)
        return person_id

    def join(self, person_id: str, room: str = ROOM) -> None:
        self._deliver(room_contract.MemberJoined(room_slug=room, person_id=person_id, seq=self._room_seq(room),
                                                 joined_at=self.clock()))

    def leave(self, person_id: str, room: str = ROOM) -> None:
        self._deliver(room_contract.MemberLeft(room_slug=room, person_id=person_id, reason="left",
                                               seq=self._room_seq(room), left_at=self.clock()))

    def member(self, username: str, room: str = ROOM, cohort: str = "adult") -> str:
        person_id = self.person(username, cohort)
        self.join(person_id, room)
        return person_id

    def post(self, author_id: str, body: str = "something hurtful", room: str = ROOM,
             original_body: str | None = None) -> str:
        message_id = str(uuid.uuid4())
        self.posted = self._deliver(room_contract.MessagePosted(
            room_slug=room, message_id=message_id, seq=self._room_seq(room), author_id=author_id, body=body,
            reply_to=None, mention_ids=(), posted_at=self.clock(), original_body=original_body))
        return message_id

    def edit(self, author_id: str, message_id: str, body: str, room: str = ROOM,
             original_body: str | None = None) -> dict:
        return self._deliver(room_contract.MessageEdited(
            room_slug=room, message_id=message_id, seq=self._room_seq(room), message_seq=1, author_id=author_id,
            body=body, edited_at=self.clock(), original_body=original_body))

    def redeliver(self, envelope: dict) -> bool:
        """The same event again (at-least-once delivery): applied at most once."""
        return self.service.apply_room_event(envelope)


    # --- course posts (course's events) -------------------------------------------------------------------------

    def course_post(self, author_id: str, body: str = "something hurtful", section: str = "adult",
                    course: str = COURSE, discussion: str = DISCUSSION) -> str:
        post_id = str(uuid.uuid4())
        self.posted = self._deliver(course_contract.CoursePostCreated(
            post_id=post_id, course_slug=course, discussion_id=discussion, section=section, author_id=author_id,
            body=body, created_at=self.clock()))
        return post_id

    def course_edit(self, author_id: str, post_id: str, body: str, section: str = "adult", course: str = COURSE,
                    discussion: str = DISCUSSION) -> dict:
        return self._deliver(course_contract.CoursePostEdited(
            post_id=post_id, course_slug=course, discussion_id=discussion, section=section, author_id=author_id,
            body=body, edited_at=self.clock()))

    def course_remove(self, author_id: str, post_id: str, removed_by: str | None = None, by_moderation=False,
                      section: str = "adult", course: str = COURSE, discussion: str = DISCUSSION) -> dict:
        return self._deliver(course_contract.CoursePostRemoved(
            post_id=post_id, course_slug=course, discussion_id=discussion, section=section, author_id=author_id,
            removed_by=removed_by or author_id, by_moderation=by_moderation, removed_at=self.clock()))

    # --- live sessions (section 2: leaders and hosts act in the room of their live session) -------------------

    def start_session(self, leader_id: str, room: str = ROOM) -> str:
        session_id = str(uuid.uuid4())
        payload = room_contract.SessionStarted(session_id=session_id, room_slug=room, topic="Evening check-in",
                                               kind="unplanned", leader_id=leader_id, seq=self._room_seq(room),
                                               started_at=self.clock())
        self.sessions.apply_session_event({**payload.event().envelope("room"), "seq": next(self.seqs)})
        return session_id

    def end_session(self, session_id: str, leader_id: str, room: str = ROOM) -> None:
        now = self.clock()
        payload = room_contract.SessionEnded(session_id=session_id, room_slug=room, topic="Evening check-in",
                                             kind="unplanned", leader_id=leader_id, attendee_ids=(), started_at=now,
                                             ended_at=now, duration_seconds=0, seq=self._room_seq(room),
                                             ended_by=leader_id, ended_automatically=False)
        self.sessions.apply_session_event({**payload.event().envelope("room"), "seq": next(self.seqs)})


def payload_source(payload) -> str:
    if type(payload).TYPE in identity_contract.EVENT_TYPES:
        return "identity"
    return "course" if type(payload).TYPE in course_contract.EVENT_TYPES else "room"


def cohort_access_granted(world: World, person_id: str, room: str, expires_at, granted_by: str,
                          grant_id: str | None = None) -> str:
    """room's cross-cohort grant for a staff member, delivered as room publishes it; returns the grant id."""
    grant_id = grant_id or str(uuid.uuid4())
    world._deliver(room_contract.CohortAccessGranted(grant_id=grant_id, person_id=person_id, room_slug=room,
                                                     reason="covering the teen rota tonight", granted_by=granted_by,
                                                     granted_at=world.clock(), expires_at=expires_at))
    return grant_id


def cohort_access_revoked(world: World, grant_id: str, person_id: str, room: str, revoked_by: str) -> None:
    world._deliver(room_contract.CohortAccessRevoked(grant_id=grant_id, person_id=person_id, room_slug=room,
                                                     revoked_by=revoked_by, revoked_at=world.clock()))
