"""Service layer: the on-duty rota and the pager (issue 14 section 5), and the care resources crisis care lists
(section 4): moderators go on and off duty; members summon a moderator or refer someone who seems to be in
crisis; pages reach the on-duty moderators covering the room (crisis-trained ones first for a crisis), stage by
stage until one acknowledges; a moderator console follows its pages live (`follow`) and lists them."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources as package_data
from typing import Any

from hearth_common.clock import seconds_until, utcnow
from hearth_common.contracts.identity import ADULT, TEEN
from hearth_common.idempotency import IdempotentCall
from hearth_common.ids import new_id, parse_uuid
from hearth_common.people import PersonFacts, is_admin, is_staff
from hearth_common.text import optional_text
from moderation_service.domain import audit, events
from moderation_service.domain import crisis as care
from moderation_service.domain import pager as rules
from moderation_service.domain.crisis import CareResources
from moderation_service.domain.errors import (
    InvalidPagerRequest,
    MessageNotKnown,
    NotAModerator,
    NotInRoom,
    PageNotFound,
)
from moderation_service.domain.pager import OnDuty, Page, Shift
from moderation_service.domain.reports import moderates_somewhere
from moderation_service.service_layer import views
from moderation_service.service_layer.facts import facts_of
from moderation_service.service_layer.keyed import run_keyed
from moderation_service.service_layer.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

LIST_LIMIT_MAX = 100
STREAM_PAGE = 100  # pages read per poll of a console's stream at most
PRESENT_SAMPLE = 200  # members present a summons reads for the room's cohort at most
DEFAULT_POLL = 0.5  # seconds between a console stream's looks at the pages table


def default_resources() -> dict[str, list[str]]:
    """The care resources Hearth starts with, per cohort (moderation_service/seed/care_resources.json)."""
    text = package_data.files("moderation_service.seed").joinpath("care_resources.json").read_text("utf-8")
    return json.loads(text)


DEFAULT_RESOURCES = default_resources()


# --- what the crisis path and the pager share ---------------------------------------------------------------


def resources_for(uow: UnitOfWork, cohort: str | None) -> CareResources:
    """The care resources of a cohort: an admin's, or the defaults (a person whose cohort moderation does not
    know yet gets the adults' lines, which serve every age)."""
    cohort = cohort if cohort in DEFAULT_RESOURCES else ADULT
    return uow.care_resources.get(cohort) or CareResources(cohort, list(DEFAULT_RESOURCES[cohort]))


def on_duty(uow: UnitOfWork, now: dt.datetime) -> list[OnDuty]:
    return [OnDuty(s, facts_of(uow.people.get(s.moderator_id))) for s in uow.shifts.list_on(now)]


def room_cohort(uow: UnitOfWork, room_slug: str, subject_id: str | None, summoner_id: str,
                now: dt.datetime) -> str | None:
    """A summons' cohort: the room's. Moderation knows a room's cohort by its members (a room's members are of
    one cohort; only staff, some with a cross-cohort grant, cross it). The rule: the cohort of the person the
    summons is about, when there is one and they are not staff there; else that of the non-staff members
    present (PRESENT_SAMPLE at most, longest present first; should they ever differ, the teen cohort, so its
    moderators see a room teens are in); else the summoner's. Never the summoner's first: staff with a grant
    summoning in a teen room would bypass its teen moderators."""
    subject = facts_of(uow.people.get(subject_id)) if subject_id is not None else None
    if subject is not None and not is_staff(subject, room_slug, now):
        return subject.cohort
    present = {f.cohort for p in uow.members.present_people(room_slug, PRESENT_SAMPLE)
               if (f := facts_of(p)) is not None and f.cohort and not is_staff(f, room_slug, now)}
    if len(present) > 1:
        log.warning("a room's members present are of several cohorts", extra={"room_slug": room_slug})
        return TEEN if TEEN in present else min(present)
    if present:
        return present.pop()
    summoner = facts_of(uow.people.get(summoner_id))
    return summoner.cohort if summoner else None


def admin_ids(uow: UnitOfWork, now: dt.datetime) -> list[str]:
    return [p.person_id for p in uow.staff.admins(now) if (f := facts_of(p)) is not None and is_admin(f, now)]


def send_care_notice(uow: UnitOfWork, person_id: str, text: str, room_slug: str | None, cohort: str | None,
                     now: dt.datetime, source: str, page_id: str, actor_id: str | None = None,
                     details: dict | None = None, place: str | None = None) -> bool:
    """A care notice with the cohort's resources, unless the person was sent one within CARE_NOTICE_COOLDOWN (the
    audit log holds every one sent). `room_slug`: the room it is delivered in (None: no room, e.g. about a course
    post); `place`: what the audit log names (the room, or the course's place key). Returns whether it was sent."""
    uow.people.lock_new(person_id)  # the person's row, locked: concurrent care for one person serialises here
    uow.people.get(person_id, lock=True)
    last = uow.audit.latest(person_id, care.CARE_NOTICE_SENT)
    if last is not None and last.at > now - care.CARE_NOTICE_COOLDOWN:
        return False
    uow.add_events([events.notice_issued(person_id, "care", text, room_slug, now,
                                         tuple(resources_for(uow, cohort).lines))])
    uow.audit.append(audit.entry(care.CARE_NOTICE_SENT, now, source, actor_id=actor_id, target_id=person_id,
                                 room_slug=place or room_slug, subject_ref=page_id,
                                 details={"cohort": cohort, **(details or {})}))
    return True


def first_audience(stages: list[tuple[str, list[str]]]) -> tuple[str, list[str]]:
    """A new page's first audience (and a page's that reached nobody, routed again): the first of crisis-trained
    and covering moderators that reaches anyone; nobody on duty for the room means admins, at once; with no admin
    either, whoever else on duty may take it (the `on_duty` stage); else nobody (the page stays due)."""
    first = next(((name, audience) for name, audience in stages
                  if audience and name in (rules.CRISIS_TRAINED, rules.COVERING, rules.ADMINS)), None)
    return first or next(((name, audience) for name, audience in stages if audience), (rules.ADMINS, []))


def send_page(uow: UnitOfWork, page: Page, now: dt.datetime, source: str) -> Page:
    """Sends a new page to its first audience: for a crisis, the crisis-trained moderators on duty for the room
    (else any moderator on duty for it); otherwise the moderators on duty for it; nobody on duty for the room
    means admins, at once. Records it: page_sent, and the audit log."""
    page.reach(*first_audience(rules.audiences(page, on_duty(uow, now), admin_ids(uow, now), now)), now)
    if page.reached_nobody:  # the escalation timer routes it again every interval until someone has it
        log.error("a page reached nobody: no moderator on duty and no admin", extra={"page_id": page.id})
    uow.pages.add(page)
    uow.add_events([events.page_sent(page)])
    uow.audit.append(audit.entry("page_sent", now, source, actor_id=page.caller_id, target_id=page.subject_id,
                                 room_slug=page.room_slug, subject_ref=page.id, reason=page.reason,
                                 details={"kind": page.kind, "stage": page.stage,
                                          "recipient_ids": list(page.recipient_ids)}))
    return page


class PagerService:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], dt.datetime] = utcnow,
                 escalate_after: dt.timedelta = rules.DEFAULT_ESCALATION, poll_interval: float = DEFAULT_POLL):
        self.uow_factory = uow_factory
        self.clock = clock
        self.escalate_after = escalate_after
        self.poll_interval = poll_interval

    def _run(self, call: IdempotentCall, effect: Callable[[UnitOfWork, dt.datetime], dict]) -> dict:
        return run_keyed(self.uow_factory, self.clock, call, effect, (rules.ONE_OPEN_REFERRAL,))

    # --- the rota ------------------------------------------------------------------------------------------

    def go_on_duty(self, actor_id: str, cohort: object = None, room_slugs: object = (), hours: object = 0,
                   idempotency_key: object = None) -> dict:
        """A moderator (or admin) goes on duty for a cohort and/or rooms (none: whatever their role covers), for
        `hours` (default 8, at most 12); going on duty again replaces the shift."""
        hours = rules.shift_hours(hours)
        rooms_given = list(room_slugs or ())
        call = IdempotentCall(actor_id, "moderation.GoOnDuty", idempotency_key,
                              {"cohort": cohort or None, "room_slugs": rooms_given, "hours": hours})

        def effect(uow: UnitOfWork, now: dt.datetime) -> dict:
            person = uow.people.get(actor_id)
            facts = facts_of(person)
            scope_cohort, rooms = rules.shift_scope(facts, cohort, rooms_given, now)
            shift = Shift(actor_id, scope_cohort, rooms, now, now + dt.timedelta(hours=hours))
            uow.shifts.save(shift)
            uow.audit.append(audit.entry("went_on_duty", now, audit.MODERATOR, actor_id=actor_id,
                                         details={"cohort": scope_cohort, "room_slugs": rooms,
                                                  "ends_at": shift.ends_at.isoformat()}))
            return views.shift(shift, person, rules.CRISIS_BADGE in facts.badges)

        return self._run(call, effect)

    def go_off_duty(self, actor_id: str, idempotency_key: object = None) -> dict:
        """Ends the caller's shift (going off duty when off duty changes nothing). Pages already sent stay theirs
        to acknowledge; new pages no longer reach them."""
        call = IdempotentCall(actor_id, "moderation.GoOffDuty", idempotency_key, {})

        def effect(uow: UnitOfWork, now: dt.datetime) -> dict:
            was_on = (shift := uow.shifts.get(actor_id)) is not None and shift.on(now)
            if uow.shifts.delete(actor_id) and was_on:
                uow.audit.append(audit.entry("went_off_duty", now, audit.MODERATOR, actor_id=actor_id))
            return {"was_on_duty": was_on}

        return self._run(call, effect)

    def who_is_on_duty(self, actor_id: str, room_slug: object = None) -> list[dict]:
        """Who is on duty now (for moderators and admins), or who is on duty for `room_slug`: an admin sees every
        shift, a chat room moderator only those of their own cohort (OnDuty.listed_to)."""
        room = rules.room_of(room_slug) if room_slug else None
        now = self.clock()
        with self.uow_factory() as uow:
            viewer = facts_of(uow.people.get(actor_id))
            if not moderates_somewhere(viewer, now):
                raise NotAModerator("who is on duty is shown to moderators and admins")
            listed = []
            for d in on_duty(uow, now):
                if not moderates_somewhere(d.facts, now):
                    continue  # a shift whose holder's role lapsed or was revoked pages nobody: not on duty
                if not d.listed_to(viewer, now):
                    continue  # another cohort's: its holder's cohort is not this moderator's to learn
                if room is None or d.shift.covers(d.facts, room, None, now):
                    listed.append(views.shift(d.shift, uow.people.get(d.shift.moderator_id), d.crisis_trained))
            return listed

    # --- summons and referrals -----------------------------------------------------------------------------

    def summon(self, actor_id: str, room_slug: object, reason: object, person_id: object = None,
               message_id: object = None, note: object = None, idempotency_key: object = None) -> dict:
        """A member of the room summons a moderator ("Mod Emergency"), about a person or message there if given.
        Paced; the summoner is told help is coming (admins are paged at once when nobody is on duty)."""
        room = rules.room_of(room_slug)
        reason = rules.summon_reason_of(reason)
        person = parse_uuid(person_id, "person_id", InvalidPagerRequest) if person_id else None
        message = str(message_id) if message_id else None
        note = optional_text(note, "note", rules.NOTE_MAX, error=InvalidPagerRequest)
        call = IdempotentCall(actor_id, "moderation.SummonModerator", idempotency_key,
                              {"room_slug": room, "reason": reason, "person_id": person, "message_id": message,
                               "note": note})

        def effect(uow: UnitOfWork, now: dt.datetime) -> dict:
            self._require_present(uow, room, actor_id, now, "you can summon a moderator only to a room you are in")
            subject, excerpt = person, None
            if message is not None:
                known = uow.messages.get(message)
                if known is None or known.room_slug != room:
                    raise MessageNotKnown(f"no message {message!r} is known in room {room!r}")
                subject, excerpt = subject or known.author_id, known.body
            elif subject is not None:
                self._require_present(uow, room, subject, now, f"that person is not in room {room!r}")
            uow.paces.set_due(actor_id, rules.PACE_SUMMON, rules.next_due(
                rules.SUMMON_PACE, uow.paces.due(actor_id, rules.PACE_SUMMON), now))
            page = send_page(uow, Page(
                id=new_id(), kind=rules.SUMMONS, reason=reason, room_slug=room,
                cohort=room_cohort(uow, room, subject, actor_id, now), created_at=now, stage="", stage_at=now,
                recipient_ids=[], subject_id=subject, message_id=message, excerpt=excerpt, caller_id=actor_id,
                note=note), now, audit.MEMBER)
            uow.audit.append(audit.entry("moderator_summoned", now, audit.MEMBER, actor_id=actor_id,
                                         target_id=subject, room_slug=room, subject_ref=page.id, reason=reason,
                                         details={"note": note} if note else {}))
            text = care.help_coming_text(page.stage == rules.ADMINS, referral=False)
            uow.add_events([events.notice_issued(actor_id, "help_coming", text, room, now)])
            return views.page_called(page, text)

        return self._run(call, effect)

    def refer(self, actor_id: str, room_slug: object = None, person_id: object = None, message_id: object = None,
              note: object = None, idempotency_key: object = None) -> dict:
        """A member refers someone in their room who seems to be in crisis (by a message of theirs, or as a
        person): a crisis page, never a report (no case, nothing counted against anyone). The referred person
        gets a care notice; the referrer is thanked. Referring the same person again while the page is open
        returns it; paced otherwise."""
        message = str(message_id) if message_id else None
        if message is None and not (room_slug and person_id):
            raise InvalidPagerRequest("message_id, or room_slug and person_id, must name who is referred")
        room = rules.room_of(room_slug) if room_slug else None
        person = parse_uuid(person_id, "person_id", InvalidPagerRequest) if person_id else None
        note = optional_text(note, "note", rules.NOTE_MAX, error=InvalidPagerRequest)
        call = IdempotentCall(actor_id, "moderation.Refer", idempotency_key,
                              {"room_slug": room, "person_id": person, "message_id": message, "note": note})

        def effect(uow: UnitOfWork, now: dt.datetime) -> dict:
            where, subject, excerpt = room, person, None
            if message is not None:
                known = uow.messages.get(message)
                if known is None or (room is not None and known.room_slug != room):
                    raise MessageNotKnown(f"no message {message!r} is known to moderation")
                where, subject, excerpt = known.room_slug, known.author_id, known.body
            if subject == actor_id:
                raise InvalidPagerRequest("you cannot refer yourself: to ask for help, summon a moderator "
                                          "(reason suicidal)")
            self._require_present(uow, where, actor_id, now, "you can refer only someone in a room you are in")
            self._require_present(uow, where, subject, now, f"that person is not in room {where!r}")
            open_key = f"{actor_id}:{where}:{subject}"
            text = care.help_coming_text(False, referral=True)
            if (existing := uow.pages.open_referral(open_key)) is not None:
                return views.page_called(existing, text)
            uow.paces.set_due(actor_id, rules.PACE_REFER, rules.next_due(
                rules.REFER_PACE, uow.paces.due(actor_id, rules.PACE_REFER), now))
            referred = facts_of(uow.people.get(subject))
            cohort = referred.cohort if referred else None
            page = send_page(uow, Page(
                id=new_id(), kind=rules.REFERRAL, reason=rules.REFERRAL, room_slug=where, cohort=cohort,
                created_at=now, stage="", stage_at=now, recipient_ids=[], subject_id=subject, message_id=message,
                excerpt=excerpt, caller_id=actor_id, note=note, open_key=open_key), now, audit.MEMBER)
            uow.audit.append(audit.entry("referral_made", now, audit.MEMBER, actor_id=actor_id, target_id=subject,
                                         room_slug=where, subject_ref=page.id))
            send_care_notice(uow, subject, care.REFERRED_CARE_TEXT, where, cohort, now, audit.MEMBER, page.id,
                             actor_id=actor_id)
            uow.add_events([events.notice_issued(actor_id, "help_coming", text, where, now)])
            return views.page_called(page, text)

        return self._run(call, effect)

    @staticmethod
    def _require_present(uow: UnitOfWork, room: str, person_id: str, now: dt.datetime, refusal: str) -> None:
        membership = uow.members.get(room, person_id)
        if membership is None or not membership.present:
            raise NotInRoom(refusal)

    # --- pages ---------------------------------------------------------------------------------------------

    def list_pages(self, actor_id: str, open_only: bool = False, limit: int = 50) -> list[dict]:
        """The pages sent to the caller (an admin: every page), newest first."""
        limit = min(max(int(limit or 50), 1), LIST_LIMIT_MAX)
        now = self.clock()
        with self.uow_factory() as uow:
            facts = self._console_holder(uow, actor_id, now)
            whose = None if is_admin(facts, now) else actor_id
            return [views.page(p) for p in uow.pages.listed(whose, bool(open_only), limit)]

    def acknowledge(self, actor_id: str, page_id: object, idempotency_key: object = None) -> dict:
        """One moderator takes a page sent to them (an admin any page): it escalates no further. Acknowledging
        again returns it; PageTaken (FAILED_PRECONDITION) names whoever took it first."""
        page_id = parse_uuid(page_id, "page_id", InvalidPagerRequest)
        call = IdempotentCall(actor_id, "moderation.AcknowledgePage", idempotency_key, {"page_id": page_id})

        def effect(uow: UnitOfWork, now: dt.datetime) -> dict:
            facts = self._console_holder(uow, actor_id, now)  # a member is refused before any page is looked up
            page = uow.pages.get(page_id, lock=True)
            if page is None or not page.may_acknowledge(facts, now):
                raise PageNotFound(f"no page {page_id} was sent to you")
            if page.acknowledge(actor_id, now):
                uow.pages.save(page)
                uow.add_events([events.page_acknowledged(page)])
                uow.audit.append(audit.entry("page_acknowledged", now, audit.MODERATOR, actor_id=actor_id,
                                             target_id=page.subject_id, room_slug=page.room_slug,
                                             subject_ref=page.id, reason=page.reason,
                                             details={"kind": page.kind, "stage": page.stage,
                                                      "seconds": (now - page.created_at).total_seconds()}))
            return views.page(page)

        return self._run(call, effect)

    def escalate_until_next(self, limit: int = 50) -> float | None:
        """The worker's notified loop (woken by a new page): escalates the pages due (escalate_due), then says in
        how many seconds the next open page falls due (at once when the batch was cut at its limit; None: no
        open page short of its last stage)."""
        if self.escalate_due(limit) >= limit:
            return 0.0
        with self.uow_factory() as uow:
            stage_at = uow.pages.earliest_to_escalate()
            return seconds_until(stage_at + self.escalate_after if stage_at is not None else None, self.clock())

    def escalate_due(self, limit: int = 50) -> int:
        """Every open page whose stage began `escalate_after` ago reaches its next stage (the
        moderators on duty for the room, everyone on duty, then admins); one transaction each. Returns how many
        moved."""
        moved = 0
        while moved < limit:
            with self.uow_factory() as uow:
                now = self.clock()
                page = uow.pages.next_to_escalate(now - self.escalate_after)
                if page is None:
                    return moved
                stages = rules.audiences(page, on_duty(uow, now), admin_ids(uow, now), now)
                if page.reached_nobody:  # routed again from its first stage, as a new page
                    step = first_audience(stages)
                else:
                    step = rules.next_stage(page, stages)
                if step is None:  # every admin has it already (or there is none): it rests at the last stage
                    step = (rules.ADMINS, [])
                previous, reached = page.stage, len(page.recipient_ids)
                page.reach(*step, now)
                uow.pages.save(page)
                if len(page.recipient_ids) > reached:
                    uow.add_events([events.page_sent(page)])
                elif page.reached_nobody:  # due again after another escalation interval, until someone has it
                    log.error("a page still reaches nobody: no moderator on duty for it and no admin",
                              extra={"page_id": page.id})
                    uow.commit()
                    moved += 1
                    continue
                else:
                    log.warning("a page escalated to nobody new", extra={"page_id": page.id})
                uow.audit.append(audit.entry("page_escalated", now, audit.SYSTEM, target_id=page.subject_id,
                                             room_slug=page.room_slug, subject_ref=page.id, reason=page.reason,
                                             details={"from": previous, "to": page.stage,
                                                      "recipient_ids": list(page.recipient_ids)}))
                uow.commit()
            moved += 1
        return moved

    def _console_holder(self, uow: UnitOfWork, actor_id: str, now: dt.datetime) -> PersonFacts:
        facts = facts_of(uow.people.get(actor_id))
        if not moderates_somewhere(facts, now):
            raise NotAModerator("pages are for moderators and admins")
        return facts

    # --- the console's live stream -------------------------------------------------------------------------

    def open_console(self, actor_id: str) -> tuple[int, list[dict]]:
        """Authorises a console's stream; returns the pages' head seq (read first) and the open pages sent to
        the caller."""
        with self.uow_factory() as uow:
            head = uow.pages.head()
            self._console_holder(uow, actor_id, self.clock())
            return head, [views.page(p) for p in uow.pages.open_for(actor_id)]

    def changes_for(self, actor_id: str, after_seq: int) -> list[dict]:
        with self.uow_factory() as uow:
            return [views.page(p) for p in uow.pages.changed_for(actor_id, after_seq, STREAM_PAGE)]

    async def follow(self, actor_id: str, after_seq: int | None,
                     run_blocking: Callable[..., Awaitable]) -> AsyncIterator[dict[str, Any]]:
        """A console's stream: first `{"seq": cursor}` (where it starts), then each page sent to the caller as
        it is sent, escalates to them or is acknowledged (its latest state, with its seq), in seq order. Without
        `after_seq` it starts with the caller's open pages; with it (the last seq received) it resumes after
        it, so a reconnect to any replica misses nothing. The pages table is the truth: each stream looks at it
        every `poll_interval` (pages are few; a look is one indexed query)."""
        if after_seq is not None and after_seq < 0:
            raise InvalidPagerRequest("after_seq must not be negative; send the last seq received, or none")
        head, open_pages = await run_blocking(self.open_console, actor_id)
        if after_seq is not None and after_seq > head:
            raise InvalidPagerRequest(f"after_seq {after_seq} is past the last page change ({head}); resume from "
                                      "the last seq received, or subscribe without after_seq")
        cursor = head if after_seq is None else after_seq
        yield {"seq": cursor}
        if after_seq is None:
            for page in open_pages:
                yield {"seq": cursor, "page": page}
        while True:
            changed = await run_blocking(self.changes_for, actor_id, cursor)
            for page in changed:
                cursor = page["seq"]
                yield {"seq": cursor, "page": page}
            if len(changed) < STREAM_PAGE:
                await asyncio.sleep(self.poll_interval)

    # --- care resources ------------------------------------------------------------------------------------

    def care_resources(self, actor_id: str, cohort: object) -> dict:
        """The lines a care notice lists for a cohort (moderators and admins see them)."""
        cohort = care.cohort_of(cohort)
        now = self.clock()
        with self.uow_factory() as uow:
            self._console_holder(uow, actor_id, now)
            return views.care_resources(resources_for(uow, cohort))

    def set_care_resources(self, actor_id: str, cohort: object, lines: object, idempotency_key: object = None) -> dict:
        """An admin sets a cohort's care resources (the lines replace the old ones whole)."""
        cohort = care.cohort_of(cohort)
        lines = care.lines_of(lines)
        call = IdempotentCall(actor_id, "moderation.SetCareResources", idempotency_key,
                              {"cohort": cohort, "lines": lines})

        def effect(uow: UnitOfWork, now: dt.datetime) -> dict:
            facts = facts_of(uow.people.get(actor_id))
            if facts is None or not is_admin(facts, now):
                raise NotAModerator("only admins change the care resources")
            resources = CareResources(cohort, lines, actor_id, now)
            uow.care_resources.save(resources)
            uow.audit.append(audit.entry("care_resources_changed", now, audit.MODERATOR, actor_id=actor_id,
                                         details={"cohort": cohort, "lines": lines}))
            return views.care_resources(resources)

        return self._run(call, effect)
