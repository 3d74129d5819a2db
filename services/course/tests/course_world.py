"""Test helpers shared by course's tiers: a world that feeds the read model of people through identity's contract,
as the worker does, so a test sets up people as they arrive in production."""
from __future__ import annotations

import dataclasses
import itertools
import uuid

from course_service.service_layer.services import Caller, CourseService
from hearth_common.blocks import ASKED_MAX
from hearth_common.contracts import identity as identity_contract
from hearth_common.rpc_client import RpcUnavailable


class FakeBlocks:
    """Room's lists of who blocks whom, as course asks them (service_layer.ports.PersonalBlocks): `block(owner,
    target)` as room's SetPersonalFilter would; every question recorded in `asked`; `unavailable` makes each
    question fail as room out of reach does (rpc_client.RpcUnavailable, a ConnectionError)."""

    def __init__(self):
        self.blocked: set[tuple[str, str]] = set()  # (owner, target)
        self.asked: list[tuple[str, list[str]]] = []
        self.unavailable = False

    def block(self, owner: Caller, target: Caller) -> None:
        self.blocked.add((owner.person_id, target.person_id))

    def blockers_of(self, author_id: str, person_ids: list[str]) -> set[str]:
        self.asked.append((author_id, list(person_ids)))
        if self.unavailable:
            raise RpcUnavailable("no room worker is running to answer blockers_of; try again shortly")
        assert len(person_ids) <= ASKED_MAX, "room refuses a longer question"
        return {owner for owner in person_ids if (owner, author_id) in self.blocked}


@dataclasses.dataclass
class World:
    service: CourseService
    clock: object  # a callable giving now
    seqs: itertools.count = dataclasses.field(default_factory=lambda: itertools.count(1))

    def deliver(self, payload) -> dict:
        envelope = {**payload.event().envelope("identity"), "seq": next(self.seqs)}
        self.service.apply_identity_event(envelope)
        return envelope

    def person(self, username: str, cohort: str = "adult", kind: str = "member") -> Caller:
        person_id = str(uuid.uuid4())
        self.deliver(identity_contract.PersonRegistered(person_id=person_id, username=username, kind=kind,
                                                        cohort=cohort, registered_at=self.clock()))
        return Caller(person_id)

    def listener(self, username: str, cohort: str = "adult") -> Caller:
        return self.person(username, cohort, "listener")

    def admin(self, username: str = "admin_ada") -> Caller:
        person = self.listener(username)
        self.deliver(identity_contract.RoleGranted(grant_id=str(uuid.uuid4()), person_id=person.person_id,
                                                   role=identity_contract.ADMIN, room_id=None, expires_at=None))
        return Caller(person.person_id, admin=True)

    def grant(self, caller: Caller, role: str, room_id: str | None = None, expires_at=None) -> str:
        """Grants a role as identity announces it; returns the grant's id (for revoke)."""
        grant_id = str(uuid.uuid4())
        self.deliver(identity_contract.RoleGranted(grant_id=grant_id, person_id=caller.person_id, role=role,
                                                   room_id=room_id, expires_at=expires_at))
        return grant_id

    def revoke(self, caller: Caller, grant_id: str, role: str, room_id: str | None = None) -> None:
        self.deliver(identity_contract.RoleRevoked(grant_id=grant_id, person_id=caller.person_id, role=role,
                                                   room_id=room_id))

    def turn_18(self, caller: Caller) -> None:
        self.deliver(identity_contract.CohortChanged(person_id=caller.person_id, cohort="adult"))

    def badge(self, caller: Caller, slug: str) -> None:
        self.deliver(identity_contract.BadgeAwarded(person_id=caller.person_id, badge_slug=slug))


QUESTION_POST = "Groups help when people feel heard.\n\nWhat helped you feel heard in a group?"
