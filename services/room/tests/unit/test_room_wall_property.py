"""The teen/adult wall as a stateful property (issue 17, section 1): hypothesis drives room's real service layer
(join, post with @mentions, history pages, the live stream's authorisation, cross-cohort grants, the sweeps,
identity's and moderation's events) over the in-memory unit of work and a fake clock, and checks the wall after
every step.

What is generated: people (member or listener, a birthday: teens of 13-17 and adults, many of them turning 18
while the run's clock moves on), rooms (cohort, kind, mode, badge-lock policy), staff roles (global or scoped to
a room, with or without an expiry) granted and revoked, badges awarded and revoked, an admin's cross-cohort
grants (time-boxed) and their revocation, moderation's bans and mutes and their lifting, and identity's events
delivered late, twice and in any order, interleaved with joins, posts, live subscriptions, history reads, the
worker's sweeps and the passing of time.

The model keeps identity's truth: each person's cohort from their birthday and the clock; when a birthday
passes, identity publishes `cohort_changed` (room does not compute cohorts; it learns them only from identity's
events). Every event goes into a queue that delivers any pending one, keeps some for a second delivery, and
drains in a shuffled order.

The invariant, after every step ("the wall"):

  Nobody is a member of a room of the other cohort unless they are staff (for that room, at the last sweep)
  holding a cross-cohort grant for that room that was neither expired nor revoked then; nobody is given a
  history page or a new live stream of such a room, posts in it, or has an open live stream of it still
  delivering, unless they are such staff now (strictly: no allowance until the sweep); and no @mention in a
  stored message resolves to a person of the other cohort than the room's, unless that person was such a staff
  member in the room when it was posted.

What "the other cohort" means while room's read model lags identity (decided here, on the side of teens'
safety; services/room/README.md says the same):

- Room can act only on what it has been told. So the standing state (memberships, open streams, stored
  mentions) is checked against the cohort room was told (its read model). A teen who turned 18 stays in the
  teen rooms until `cohort_changed` arrives, and not one step after it: room takes them out when it arrives,
  whatever order the other events come in.
- Once every event has been delivered, room's read model must equal identity's truth (every person's cohort),
  so the wall then holds against the true cohorts too.
- A grant's or a role's expiry sends no event: the worker's sweep (every presence_timeout/6, 10 s) takes the
  person out. Between the expiry and that sweep the membership row may remain (the standing check counts a
  grant or role as unexpired if it was at the last sweep), but everything that hands out or takes in the room's
  content asks again at once: a history page, a new live stream or a post is refused the moment the grant or
  role expires (this property found that history and new streams were not: grant, the holder joins, 5 minutes
  pass, Subscribe or a history page is allowed), @mentions stop resolving to them, and a stream already open
  ends itself at the end of access it was told when it opened (`authorise_stream`); a revocation or a narrowing
  identity event makes the person's open streams of the room ask the door again (modelled here by the hooks
  room-grpc's live hub and room-worker set: `_ask_the_door_again`).

Live streams are modelled, not run: the conversation's live fan-out is a stub here, and a stream is the record
`authorise_stream` (Subscribe's door) hands back, its told end of access and whether asking the door again
refused it; the invariant checks that record. That a real stream ends itself at that end, with no item to wake
it and delivering nothing after it, and ends on a revocation, is tested by driving `Presence.follow` with a fake
subscription in test_room_access_use_cases.py (`TestAnOpenStreamAcrossTheWall`) and over gRPC by
services/room/tests/grpc/test_room_live_reconnect_grpc.py
(`test_a_grant_revoked_while_a_replicas_consumer_was_cut_off_ends_its_stream_on_the_grant_left`).
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import itertools
import os
import uuid

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from hypothesis.statistics import collector
from room_unit_helpers import START

from hearth_common.errors import DomainError
from hearth_common.fakes import FakeClock
from room_service.domain.rooms import Room
from room_service.service_layer.conversation import Conversation
from room_service.service_layer.services import RoomService

# The hypothesis profile (registered in conftest.py): wall-short under make test, wall-check (10,000 cases) under
# make safeguarding-check.
PROFILE = os.environ.get("HEARTH_WALL_PROFILE", "wall-short")

STAFF_ROLES = ("chat_room_moderator", "support_session_leader", "on_spot_host")
BADGE = "group-ready"
YEAR_HOURS = 8766
TIME_STEPS = (dt.timedelta(seconds=20), dt.timedelta(minutes=5), dt.timedelta(hours=1), dt.timedelta(hours=7),
              dt.timedelta(days=1), dt.timedelta(days=4))
SWEEP_CADENCE = dt.timedelta(seconds=10)  # the worker's presence/expiry sweep (presence_timeout / 6)

# What the machines built in this process did, printed by make safeguarding-check. "machines" counts every
# machine hypothesis built, those it threw away unfinished (too much data drawn) and the shrinker's too; the
# generated cases that ran to the end come from hypothesis's own statistics (test_nobody_crosses_the_wall).
RUNS = {"machines": 0, "steps": 0, "events_delivered": 0, "joins": 0, "posts": 0, "mentions_resolved": 0,
        "history_pages": 0, "streams": 0, "grants": 0, "cohort_changes": 0}


@dataclasses.dataclass
class TruePerson:
    """Identity's truth about one person."""

    person_id: str
    username: str
    kind: str
    eighteenth: dt.datetime
    roles: dict[str, dict] = dataclasses.field(default_factory=dict)  # grant_id -> role, room_id, expires_at
    badge: bool = False
    told_adult_at: bool = False  # identity has published cohort_changed for their 18th birthday

    def cohort(self, now: dt.datetime) -> str:
        return "adult" if now >= self.eighteenth else "teen"


room_specs = st.fixed_dictionaries({
    "cohort": st.sampled_from(["teen", "adult"]),
    "kind": st.sampled_from(["both", "both", "member", "listener"]),
    "mode": st.sampled_from(["always_open", "always_open", "facilitated", "pop_up"]),
    "badge_locked": st.booleans(),
})
person_specs = st.fixed_dictionaries({
    "kind": st.sampled_from(["member", "listener"]),
    # hours from the start to their 18th birthday: many within the run's days, the rest anywhere in 13-23
    "eighteenth_in_hours": st.one_of(st.integers(-48, 24 * 8), st.integers(-5 * YEAR_HOURS, 5 * YEAR_HOURS - 24)),
    "registration_late": st.sampled_from([False, False, False, True]),  # else room has it before the first step
    "staff_from_the_start": st.sampled_from([None, None, *STAFF_ROLES]),  # a global role room knows already
})


class TheWall(RuleBasedStateMachine):
    """room's service layer against identity's truth; the wall checked after every step."""

    new_store = None  # conftest's empty_store: () -> (database, unit of work factory), set by the test

    def __init__(self):
        super().__init__()
        RUNS["machines"] += 1
        self.db, uow_factory = self.new_store()
        self.clock = FakeClock(START)
        self.rooms_service = RoomService(uow_factory, clock=self.clock)
        self.conv = Conversation(uow_factory, clock=self.clock, live=lambda items: None)
        # room-grpc's live hub (a revocation) and room-worker (identity's narrowing events) tell a person's open
        # streams of a room to ask the door again
        self.conv.access.changed = self.rooms_service.access_changed = self._ask_the_door_again
        self.people: list[TruePerson] = []
        self.room_slugs: list[str] = []
        self.identity_seq = itertools.count(1)
        self.moderation_seq = itertools.count(1)
        self.pending: list[dict] = []  # identity's published events not yet delivered to room
        self.grants: list[dict] = []  # cross-cohort grants room gave (grant_view)
        self.sanctions: list[tuple[str, str]] = []  # (sanction_id, person_id) imposed
        # live streams opened: person_id, slug, head, access_ends (when the stream ends itself: staff across the
        # wall), closed (the stream ended on asking the door again after a revocation)
        self.streams: list[dict] = []
        self.mentionable: dict[str, set[str]] = {}  # message_id -> who a mention of it may name
        self.last_sweep = START
        self.admin_id = str(uuid.UUID(int=1000))
        # The admin room knows already (as room's unit tests' `admin` fixture): adult, listener, admin everywhere.
        self._apply({"event_type": "person_registered", "person_id": self.admin_id, "username": "ada_admin",
                     "kind": "listener", "cohort": "adult"})
        self._apply({"event_type": "role_granted", "person_id": self.admin_id, "grant_id": str(uuid.uuid4()),
                     "role": "admin", "room_id": None, "expires_at": None})

    # --- the world -------------------------------------------------------------------------------------

    @initialize(rooms=st.lists(room_specs, min_size=2, max_size=5),
                people=st.lists(person_specs, min_size=2, max_size=6))
    def build_world(self, rooms, people):
        """Rooms of both cohorts; people whose registration identity has published (not yet delivered)."""
        rooms = [dict(spec) for spec in rooms]  # hypothesis prints and replays the drawn values: not changed here
        if {r["cohort"] for r in rooms} != {"teen", "adult"}:  # a room of each cohort, so the wall is tried
            rooms[0]["cohort"], rooms[1]["cohort"] = "teen", "adult"
        for i, spec in enumerate(rooms):
            slug = f"{spec['cohort']}-{spec['mode'].replace('_', '-')}-{spec['kind']}-{i}"
            self.db.tables["rooms"][slug] = Room(
                slug=slug, name=f"Room {i}", description="", topic="community", audience_cohort=spec["cohort"],
                audience_kind=spec["kind"], mode=spec["mode"], status="active", capacity=50,
                access_policy={"badge": BADGE} if spec["badge_locked"] else {"always": True},
                opens_at=START - dt.timedelta(hours=1) if spec["mode"] == "pop_up" else None,
                closes_at=START + dt.timedelta(days=3) if spec["mode"] == "pop_up" else None).validate()
            self.room_slugs.append(slug)
        for i, spec in enumerate(people):
            # Ids from the case's own numbers: picks among sorted memberships repeat, so a case replays the same.
            person = TruePerson(str(uuid.UUID(int=i + 1)), f"user_{i}", spec["kind"],
                                START + dt.timedelta(hours=spec["eighteenth_in_hours"]))
            person.told_adult_at = person.cohort(START) == "adult"
            self.people.append(person)
            self._publish("person_registered", person, username=person.username, kind=person.kind,
                          cohort=person.cohort(START))
            if not spec["registration_late"]:
                self.rooms_service.apply_identity_event(copy.deepcopy(self.pending.pop()))
            if spec["staff_from_the_start"]:
                grant_id = str(uuid.uuid4())
                person.roles[grant_id] = {"role": spec["staff_from_the_start"], "room_id": None, "expires_at": None}
                self._publish("role_granted", person, grant_id=grant_id, role=spec["staff_from_the_start"],
                              room_id=None, expires_at=None)
                self.rooms_service.apply_identity_event(copy.deepcopy(self.pending.pop()))

    def _publish(self, event_type: str, person: TruePerson, **data) -> None:
        self.pending.append({"event_id": str(uuid.uuid4()), "event_type": event_type, "source": "identity",
                             "seq": next(self.identity_seq), "data": {"person_id": person.person_id, **data}})

    def _apply(self, data: dict) -> None:
        event_type = data.pop("event_type")
        self.rooms_service.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": event_type,
                                                 "source": "identity", "seq": next(self.identity_seq), "data": data})

    def person(self, i: int) -> TruePerson:
        return self.people[i % len(self.people)]

    def slug(self, i: int) -> str:
        return self.room_slugs[i % len(self.room_slugs)]

    def _step(self) -> None:
        RUNS["steps"] += 1

    # --- identity: roles, badges, the 18th birthday; and delivery to room ---------------------------

    @rule(who=st.integers(0, 9), role=st.sampled_from(STAFF_ROLES), room=st.none() | st.integers(0, 9),
          hours=st.none() | st.sampled_from([1, 6, 30]), room_hears_at_once=st.booleans())
    def identity_grants_role(self, who, role, room, hours, room_hears_at_once):
        room_id = None if room is None else self.slug(room)
        expires_at = None if hours is None else self.clock() + dt.timedelta(hours=hours)
        self._grant_role(self.person(who), role, room_id, expires_at, room_hears_at_once)
        self._step()

    def _grant_role(self, person: TruePerson, role: str, room_id: str | None, expires_at: dt.datetime | None,
                    room_hears_at_once: bool) -> None:
        grant_id = str(uuid.uuid4())
        person.roles[grant_id] = {"role": role, "room_id": room_id, "expires_at": expires_at}
        self._publish("role_granted", person, grant_id=grant_id, role=role, room_id=room_id,
                      expires_at=expires_at.isoformat() if expires_at else None)
        if room_hears_at_once:
            self.rooms_service.apply_identity_event(copy.deepcopy(self.pending.pop()))

    @rule(who=st.integers(0, 9), room=st.integers(0, 9), role=st.sampled_from(STAFF_ROLES),
          role_minutes=st.sampled_from([5, 30]), scoped=st.booleans(),
          then=st.sampled_from(["history", "stream", "post", "mentioned", "nothing"]))
    def short_staff_role_inside_the_other_cohort(self, who, room, role, role_minutes, scoped, then):
        """The chain to a role's end inside a room of the other cohort on a grant still in force: identity gives a
        short staff role (room hears it at once), an admin a day's grant, the holder joins, the role ends (no
        sweep yet); then, at once or in later steps, the holder asks for the room's content or a member names
        them."""
        person = self.person(who)
        told = self.told(person.person_id)
        other = [slug for slug in self.room_slugs
                 if told is not None and self.db.tables["rooms"][slug].audience_cohort != told.cohort]
        slug = other[room % len(other)] if other else self.slug(room)
        self._grant_role(person, role, slug if scoped else None, self.clock() + dt.timedelta(minutes=role_minutes),
                         room_hears_at_once=True)
        try:
            grant = self.conv.grant_cohort_access(self.admin_id, person.person_id, slug,
                                                  "covering the evening shift here",
                                                  self.clock() + dt.timedelta(days=1))
        except DomainError:
            pass
        else:
            self.grants.append(grant)
            RUNS["grants"] += 1
            self._join(person.person_id, slug)
        self._advance(dt.timedelta(minutes=role_minutes, seconds=1))
        if then == "history":
            self._read_history(person.person_id, slug, 0)
        elif then == "stream":
            self._subscribe(person.person_id, slug)
        elif then == "post":
            self._post(person.person_id, slug, [])
        elif then == "mentioned":
            others = sorted(p for room, p in self.db.tables["members"] if room == slug and p != person.person_id)
            if others:
                self._post(others[0], slug, [person.person_id])
        self._step()

    @precondition(lambda self: any(p.roles for p in self.people))
    @rule(pick=st.integers(0, 99), room_hears_at_once=st.booleans())
    def identity_revokes_role(self, pick, room_hears_at_once):
        held = [(p, g) for p in self.people for g in p.roles]
        person, grant_id = held[pick % len(held)]
        role = person.roles.pop(grant_id)
        self._publish("role_revoked", person, grant_id=grant_id, role=role["role"], room_id=role["room_id"],
                      expires_at=role["expires_at"].isoformat() if role["expires_at"] else None)
        if room_hears_at_once:
            self.rooms_service.apply_identity_event(copy.deepcopy(self.pending.pop()))
        self._step()

    @rule(who=st.integers(0, 9), award=st.booleans())
    def identity_changes_badge(self, who, award):
        person = self.person(who)
        person.badge = award
        self._publish("badge_awarded" if award else "badge_revoked", person, badge_slug=BADGE,
                      award_id=str(uuid.uuid4()))
        self._step()

    @precondition(lambda self: self.pending)
    @rule(pick=st.integers(0, 99), keep_for_redelivery=st.booleans())
    def deliver_one_event(self, pick, keep_for_redelivery):
        """Any pending event, not only the oldest; one kept in the queue comes again later (at least once)."""
        index = pick % len(self.pending)
        envelope = self.pending[index] if keep_for_redelivery else self.pending.pop(index)
        self.rooms_service.apply_identity_event(copy.deepcopy(envelope))
        RUNS["events_delivered"] += 1
        self._step()

    @precondition(lambda self: self.pending)
    @rule(order=st.randoms(use_true_random=False))
    def deliver_all_events_shuffled(self, order):
        queue = self.pending[:]
        order.shuffle(queue)
        self.pending.clear()
        for envelope in queue:
            self.rooms_service.apply_identity_event(copy.deepcopy(envelope))
            RUNS["events_delivered"] += 1
        self._step()

    @rule(step=st.sampled_from(TIME_STEPS))
    def time_passes(self, step):
        """The clock moves on; identity publishes cohort_changed for everyone whose 18th birthday passed."""
        self._advance(step)
        self._step()

    def _advance(self, step: dt.timedelta) -> None:
        self.clock.advance(step)
        for person in self.people:
            if not person.told_adult_at and person.cohort(self.clock()) == "adult":
                person.told_adult_at = True
                self._publish("cohort_changed", person, previous_cohort="teen", cohort="adult")
                RUNS["cohort_changes"] += 1

    @rule()
    def worker_sweeps(self):
        """The worker's timer: vanished clients out, then those whose grant or role expired."""
        self.conv.sweep_presence()
        self.conv.evict_lapsed()
        self.last_sweep = self.clock()
        self._step()

    # --- moderation ----------------------------------------------------------------------------

    @rule(who=st.integers(0, 9), kind=st.sampled_from(["ban", "mute"]), room=st.none() | st.integers(0, 9),
          twice=st.booleans())
    def moderation_imposes_sanction(self, who, kind, room, twice):
        person, sanction_id = self.person(who), str(uuid.uuid4())
        envelope = {"event_id": str(uuid.uuid4()), "event_type": "sanction_imposed", "source": "moderation",
                    "seq": next(self.moderation_seq),
                    "data": {"sanction_id": sanction_id, "person_id": person.person_id, "kind": kind,
                             "room_slug": None if room is None else self.slug(room),
                             "expires_at": (self.clock() + dt.timedelta(hours=2)).isoformat(), "reason": "test"}}
        for _ in range(2 if twice else 1):
            self.conv.apply_sanction_event(copy.deepcopy(envelope))
        self.sanctions.append((sanction_id, person.person_id))
        self._step()

    @precondition(lambda self: self.sanctions)
    @rule(pick=st.integers(0, 99))
    def moderation_lifts_sanction(self, pick):
        sanction_id, person_id = self.sanctions[pick % len(self.sanctions)]
        self.conv.apply_sanction_event({"event_id": str(uuid.uuid4()), "event_type": "sanction_lifted",
                                        "source": "moderation", "seq": next(self.moderation_seq),
                                        "data": {"sanction_id": sanction_id, "person_id": person_id}})
        self._step()

    # --- an admin's cross-cohort grants --------------------------------------------------------

    @rule(who=st.integers(0, 9), room=st.integers(0, 9), minutes=st.sampled_from([3, 60, 300, 1440]),
          holder_joins=st.booleans())
    def admin_grants_cohort_access(self, who, room, minutes, holder_joins):
        """To anyone for any room; most go to those identity made staff, for a room of the other cohort."""
        staff = [p for p in self.people if p.roles]
        person = staff[who % len(staff)] if staff and who < 7 else self.person(who)
        told = self.told(person.person_id)
        other = [slug for slug in self.room_slugs
                 if told is not None and self.db.tables["rooms"][slug].audience_cohort != told.cohort]
        slug = other[room % len(other)] if other and room < 7 else self.slug(room)
        try:
            grant = self.conv.grant_cohort_access(self.admin_id, person.person_id, slug,
                                                  "covering the evening shift here",
                                                  self.clock() + dt.timedelta(minutes=minutes))
        except DomainError:
            pass
        else:
            self.grants.append(grant)
            RUNS["grants"] += 1
            if holder_joins:  # what the grant is for
                self._join(person.person_id, slug)
        self._step()

    @precondition(lambda self: self.grants)
    @rule(pick=st.integers(0, 99))
    def grant_holder_joins_its_room(self, pick):
        grant = self.grants[pick % len(self.grants)]
        self._join(grant["person_id"], grant["room_slug"])

    @precondition(lambda self: self.grants)
    @rule(pick=st.integers(0, 99))
    def admin_revokes_cohort_access(self, pick):
        self.conv.revoke_cohort_access(self.admin_id, self.grants[pick % len(self.grants)]["grant_id"])
        self._step()

    def _ask_the_door_again(self, person_id: str, slug: str) -> None:
        """What Presence.follow does on an access change: the door again; refused, the stream ends."""
        for stream in self.streams:
            if (stream["person_id"], stream["slug"]) == (person_id, slug) and not stream["closed"]:
                try:
                    stream["access_ends"] = self.conv.authorise_stream(person_id, slug)[1]
                except DomainError:
                    stream["closed"] = True

    # --- people in rooms ---------------------------------------------------------------------------

    @rule(who=st.integers(0, 9), room=st.integers(0, 9))
    def join(self, who, room):
        self._join(self.person(who).person_id, self.slug(room))

    @rule(who=st.integers(0, 9), room=st.integers(0, 9))
    def join_a_room_of_their_cohort(self, who, room):
        """Most joins are of the cohort room knows the person in (the generic join tries across the wall)."""
        person = self.person(who)
        told = self.told(person.person_id)
        own = [slug for slug in self.room_slugs
               if told is not None and self.db.tables["rooms"][slug].audience_cohort == told.cohort]
        self._join(person.person_id, own[room % len(own)] if own else self.slug(room))

    def _join(self, person_id: str, slug: str) -> None:
        try:
            self.conv.join(person_id, slug)
            RUNS["joins"] += 1
        except DomainError:
            pass
        self._step()

    def member(self, pick: int) -> tuple[str, str]:
        """(slug, person_id) of one membership."""
        members = sorted(self.db.tables["members"])
        return members[pick % len(members)]

    @precondition(lambda self: self.db.tables["members"])
    @rule(pick=st.integers(0, 99), mentioned=st.lists(st.integers(0, 9), max_size=3))
    def member_posts(self, pick, mentioned):
        slug, person_id = self.member(pick)
        self._post(person_id, slug, [self.person(m).person_id for m in mentioned])

    @precondition(lambda self: self.db.tables["members"])
    @rule(pick=st.integers(0, 99), mentioned=st.lists(st.integers(0, 99), min_size=1, max_size=3))
    def member_posts_naming_members(self, pick, mentioned):
        """@mentions of the room's own members (among them staff whose grant or role ended before the sweep)."""
        slug, person_id = self.member(pick)
        here = sorted(p for room, p in self.db.tables["members"] if room == slug)
        self._post(person_id, slug, [here[m % len(here)] for m in mentioned])

    # Hypothesis picks a rule uniformly among those enabled: listed under more names, posting (the only way
    # @mentions are tried) is picked more often.
    member_posts_2 = member_posts
    member_posts_naming_members_2 = member_posts_naming_members

    @precondition(lambda self: self.db.tables["members"])
    @rule(pick=st.integers(0, 99))
    def member_subscribes(self, pick):
        slug, person_id = self.member(pick)
        self._subscribe(person_id, slug)

    @rule(who=st.integers(0, 9), room=st.integers(0, 9), mentioned=st.lists(st.integers(0, 9), max_size=3))
    def post(self, who, room, mentioned):
        self._post(self.person(who).person_id, self.slug(room), [self.person(m).person_id for m in mentioned])

    def _post(self, person_id: str, slug: str, mentioned: list[str]) -> None:
        """A post by `person_id` naming the people `mentioned` (ids) with @username."""
        names = {p.person_id: p.username for p in self.people}  # identity's names, known to room or not yet
        body = "thinking of you " + " ".join(f"@{names.get(m) or self.told(m).username}" for m in mentioned)
        allowed = {p.person_id for p in self.people if self.may_be_named_in(p.person_id, slug)}
        try:
            message = self.conv.post(person_id, slug, body)
        except DomainError:
            pass
        else:
            RUNS["posts"] += 1
            assert self.may_receive(person_id, slug), \
                f"{self.told(person_id).username} posted in {slug} across the wall"
            self.mentionable[message["message_id"]] = allowed
            named = {m["person_id"] for m in message["mentions"]}
            RUNS["mentions_resolved"] += len(named)
            assert named <= allowed, f"a mention crossed the wall in {slug}: {sorted(named - allowed)}"
        self._step()

    @rule(who=st.integers(0, 9), room=st.integers(0, 9), before_seq=st.sampled_from([0, 2, 5]))
    def read_history(self, who, room, before_seq):
        self._read_history(self.person(who).person_id, self.slug(room), before_seq)

    @precondition(lambda self: self.db.tables["members"])
    @rule(pick=st.integers(0, 99), before_seq=st.sampled_from([0, 2, 5]))
    def member_reads_history(self, pick, before_seq):
        slug, person_id = self.member(pick)
        self._read_history(person_id, slug, before_seq)

    def _read_history(self, person_id: str, slug: str, before_seq: int) -> None:
        try:
            self.conv.history(person_id, slug, before_seq=before_seq, limit=3)
        except DomainError:
            pass
        else:
            RUNS["history_pages"] += 1
            assert self.may_receive(person_id, slug), \
                f"{self.told(person_id).username} was given a history page of {slug} across the wall"
        self._step()

    @rule(who=st.integers(0, 9), room=st.integers(0, 9))
    def subscribe_live(self, who, room):
        self._subscribe(self.person(who).person_id, self.slug(room))

    def _subscribe(self, person_id: str, slug: str) -> None:
        """Subscribe's authorisation (Presence.open_stream); the stream then lives until its member_left."""
        try:
            head, access_ends = self.conv.authorise_stream(person_id, slug)
        except DomainError:
            pass
        else:
            RUNS["streams"] += 1
            assert self.may_receive(person_id, slug), \
                f"{self.told(person_id).username} was given a live stream of {slug} across the wall"
            self.streams.append({"person_id": person_id, "slug": slug, "head": head, "access_ends": access_ends,
                                 "closed": False})
        self._step()

    # --- the wall --------------------------------------------------------------------------------------

    def told(self, person_id: str):
        return self.db.tables["people"].get(person_id)

    def staff_with_grant(self, person_id: str, slug: str, at: dt.datetime) -> bool:
        """Staff for the room at `at`, holding a grant for it that was given, unrevoked, and unexpired then."""
        person, room = self.told(person_id), self.db.tables["rooms"][slug]
        return (person is not None and room.is_facilitator(person.facts(), at) and any(
            g.person_id == person_id and g.room_slug == slug and g.revoked_at is None and g.granted_at <= self.clock()
            and g.expires_at > at for g in self.db.tables["cohort_grants"].values()))

    def across_wall(self, person_id: str, slug: str) -> bool:
        person = self.told(person_id)
        return person is None or person.cohort != self.db.tables["rooms"][slug].audience_cohort

    def may_receive(self, person_id: str, slug: str) -> bool:
        """A history page or a new stream: the room's cohort, or staff with a grant now."""
        return not self.across_wall(person_id, slug) or self.staff_with_grant(person_id, slug, self.clock())

    def may_stay(self, person_id: str, slug: str) -> bool:
        """Being in the room: as may_receive, an expiry counted from the last sweep (expiry sends no event)."""
        return not self.across_wall(person_id, slug) or self.staff_with_grant(person_id, slug, self.last_sweep)

    def may_be_named_in(self, person_id: str, slug: str) -> bool:
        """An @mention: a member of the room, and across the wall only staff with a grant now (a mention stops
        resolving the moment a grant or role ends, not at the sweep)."""
        return (slug, person_id) in self.db.tables["members"] and self.may_receive(person_id, slug)

    @invariant()
    def the_wall_holds(self):
        # Nobody is in a room of the other cohort (as room was told) but staff with a live grant for it.
        for (slug, person_id) in self.db.tables["members"]:
            assert self.may_stay(person_id, slug), \
                f"{self.told(person_id).username} ({self.told(person_id).cohort}) is in {slug} across the wall"
        # An open live stream lasts until its person's member_left (they are still a member: checked above), the
        # end of access it was told (staff across the wall: it ends itself then, no item delivered after it), or
        # a refusal when it asked the door again after a revocation. While it lasts its person may receive the
        # room now: no allowance until the sweep.
        timeline = self.db.tables["timeline"]
        for stream in self.streams:
            person_id, slug, head = stream["person_id"], stream["slug"], stream["head"]
            ended = stream["closed"] or any(
                room == slug and seq > head and item["kind"] == "member_left"
                and item["data"].get("person_id") == person_id for (room, seq), item in timeline.items())
            assert ended or (slug, person_id) in self.db.tables["members"], \
                f"a live stream of {slug} is open for someone no longer in it"
            if not ended and (stream["access_ends"] is None or self.clock() < stream["access_ends"]):
                assert self.may_receive(person_id, slug), \
                    f"a live stream of {slug} still delivers to {self.told(person_id).username} across the wall"
        # No stored @mention names someone across the wall.
        for message in self.db.tables["messages"].values():
            named = {m["person_id"] for m in message.mentions}
            assert named <= self.mentionable.get(message.message_id, set()), \
                f"a stored mention in {message.room_slug} crossed the wall"
        # Once identity's events are all delivered, room's read model is identity's truth.
        if not self.pending:
            for person in self.people:
                told = self.told(person.person_id)
                assert told is not None and told.cohort == person.cohort(self.clock()), \
                    f"{person.username}: room has {told and told.cohort}, identity {person.cohort(self.clock())}"


def generated_cases(statistics: list[dict]) -> int:
    """Cases hypothesis generated (or replayed) that ran to the end and passed, from its statistics: not the
    shrinker's, nor those thrown away unfinished."""
    return sum(1 for run in statistics for phase in ("explicit-phase", "reuse-phase", "generate-phase")
               for case in run.get(phase, {}).get("test-cases", ()) if case["status"] == "valid")


def test_nobody_crosses_the_wall(empty_store, capsys):
    """The short profile under make test; HEARTH_WALL_PROFILE=wall-check (make safeguarding-check) runs at least
    10,000 generated cases, and fails if fewer ran."""
    TheWall.new_store = staticmethod(empty_store)
    before, statistics = dict(RUNS), []
    with collector.with_value(statistics.append):
        run_state_machine_as_test(TheWall, settings=settings(settings.get_profile(PROFILE)))
    ran = {key: RUNS[key] - before[key] for key in RUNS}
    cases = generated_cases(statistics)
    with capsys.disabled():
        print(f"\nthe wall ({PROFILE}): {cases} generated cases, {ran['steps']} steps; "
              + ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in ran.items() if key != "steps"))
    if PROFILE == "wall-check":
        assert cases >= 10_000, f"make safeguarding-check ran only {cases} generated cases, not 10,000"


pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
