"""Service layer: a person's own mute and block list: set, undo, list; and what their streams hide."""
from __future__ import annotations

from collections.abc import Callable

from hearth_common.errors import DomainError
from hearth_common.text import shown
from room_service.domain import errors
from room_service.domain import filters as flt
from room_service.domain.filters import PersonalFilter
from room_service.domain.people import KnownPerson
from room_service.service_layer.access import known_person
from room_service.service_layer.timeline import Transactions
from room_service.service_layer.unit_of_work import UnitOfWork

# Told to the owner's open streams after a change: (owner, the people they now hide).
FiltersChanged = Callable[[str, frozenset[str]], None]


def filter_view(f: PersonalFilter, username: str | None) -> dict:
    return {"person_id": f.target_id, "username": username or "", "kind": f.kind, "created_at": f.created_at}


class PersonalFilters:
    """Each person's mute and block list. `changed` (set by room-grpc to its live hub) tells that person's open
    streams, on any replica, what they now hide."""

    def __init__(self, transactions: Transactions, changed: FiltersChanged | None = None):
        self.tx = transactions
        self.changed = changed

    def set(self, person_id: str, kind: str, on: bool, *, target_id: str = "", username: str = "") -> dict:
        """Mutes or blocks (`on`), or unmutes or unblocks, one person named by id or username. Idempotent.
        Returns the person's filter as it is now (kind "" when none is left)."""
        flt.check_kind(kind)
        if bool(target_id) == bool(username):
            raise errors.InvalidFilter("name the person by person_id or by username (one of them)")
        now = self.tx.clock()
        with self.tx.begin() as uow:
            # Every call is paced, a refused one too (committed below): a failed lookup must not be a free probe.
            due_at = flt.FILTER_PACE.next_due(uow.paces.due(person_id, "personal_filter"), now, errors.PostingTooFast)
            uow.paces.set_due(person_id, "personal_filter", due_at)
            try:
                target = self._target(uow, person_id, target_id, username)
                current = uow.personal_filters.get(person_id, target.person_id)
                kind_now = flt.changed(current, kind, on)
            except DomainError:
                uow.commit()
                raise
            if kind_now is None:
                moved = uow.personal_filters.remove(person_id, target.person_id)
                result = {"person_id": target.person_id, "username": target.username or "", "kind": "",
                          "created_at": None}
            else:
                moved = current is None or current.kind != kind_now
                if current is None and uow.personal_filters.count(person_id) >= flt.MAX_FILTERS:
                    raise errors.TooManyFilters(f"your mute and block list is full ({flt.MAX_FILTERS} people); "
                                                "remove someone first")
                stored = PersonalFilter(person_id, target.person_id, kind_now,
                                        current.created_at if current is not None else now)
                if moved:
                    uow.personal_filters.put(stored)
                result = filter_view(stored, target.username)
            hidden = frozenset(f.target_id for f in uow.personal_filters.list(person_id)) if moved else None
            uow.commit()
        if hidden is not None and self.changed is not None:
            self.changed(person_id, hidden)
        return result

    def list(self, person_id: str) -> list[dict]:
        """The person's own list, oldest first."""
        with self.tx.begin(single_statements=True) as uow:
            found = uow.personal_filters.list(person_id)
            people = {f.target_id: uow.people.get(f.target_id) for f in found}
            return [filter_view(f, people[f.target_id].username if people[f.target_id] else None) for f in found]

    def blockers_of(self, author_id: object, person_ids: object) -> list[str]:
        """Those of `person_ids` who block `author_id` (a block, not a mute), sorted: another service's question
        before it lets the author's post, reply or like reach them (course's threads, over `room.blockers_of`).
        What it tells is only what the refusal tells the author anyway: nothing of anyone's list is published."""
        author, asked = flt.check_blockers_question(author_id, person_ids)
        asked = [person_id for person_id in asked if person_id != author]
        if not asked:
            return []
        with self.tx.begin(single_statements=True) as uow:
            return sorted(uow.personal_filters.blockers(author, asked))

    def hidden_of(self, person_ids: list[str]) -> dict[str, frozenset[str]]:
        """The people each of these hides (muted or blocked), for their live streams: one query for them all,
        and an empty set for each who hides nobody (so a stream still hiding someone they unmuted is set right)."""
        with self.tx.begin(single_statements=True) as uow:
            hidden = uow.personal_filters.hidden_by(list(person_ids))
        return {p: frozenset(hidden.get(p, ())) for p in person_ids}

    @staticmethod
    def _target(uow: UnitOfWork, person_id: str, target_id: str, username: str) -> KnownPerson:
        if target_id:
            flt.check_target(person_id, target_id)
            target = uow.people.get(target_id)
        else:
            target = uow.people.by_usernames([username.strip().lower()]).get(username.strip().lower())
        # Anyone room knows may be named, whatever their cohort, with the same answers for a teen as for an adult:
        # refusing the other cohort would tell an adult that a username (which identity's GetPerson confirms
        # exists) is a teen's. The list is its owner's alone, and across the wall it hides nothing (no shared room).
        known_person(uow, person_id)  # the owner: NotKnownYet until their registration has arrived
        if target is None or not target.known:
            raise errors.PersonNotFound(f"no person {shown(target_id or username)}")
        flt.check_target(person_id, target.person_id)
        return target
