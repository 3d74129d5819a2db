"""Service layer: what room's use cases return (plain data for the entrypoints) and what its timeline stores."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from room_service.domain.circle import TurnQueue
from room_service.domain.grants import CohortGrant
from room_service.domain.hosting import HostingFigures
from room_service.domain.messages import Message
from room_service.domain.notices import Notice
from room_service.domain.rooms import Decision, Room
from room_service.domain.scripts import Script
from room_service.domain.sessions import Session
from room_service.service_layer.unit_of_work import Member


def _jsonable(view: dict[str, Any]) -> dict[str, Any]:
    """A view as the timeline stores it (JSON): times as ISO text."""
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in view.items()}


def room_view(room: Room) -> dict:
    return {
        "slug": room.slug,
        "name": room.name,
        "description": room.description,
        "topic": room.topic,
        "audience_cohort": room.audience_cohort,
        "audience_kind": room.audience_kind,
        "mode": room.mode,
        "active": room.status == "active",
        "capacity": room.capacity,
        "access_summary": room.summary(),
        "access_policy": room.access_policy,
        "opens_at": room.opens_at,
        "closes_at": room.closes_at,
        "slow_mode_seconds": room.slow_mode_seconds,
    }


def access_view(decision: Decision) -> dict:
    return {"allowed": decision.allowed, "missing": list(decision.missing)}


def member_view(member: Member) -> dict:
    return {
        "person_id": member.person_id,
        "username": member.username or "",
        "joined_at": member.joined_at,
        "last_seen_at": member.last_seen_at,
        "checked_in": member.checked_in,
    }


def message_view(m: Message, hearted: bool = False) -> dict:
    return {
        "message_id": m.message_id,
        "room_slug": m.room_slug,
        "seq": m.seq,
        "author_id": m.author_id,
        "author_username": m.author_username or "",
        "body": "" if m.deleted else m.body,
        "reply_to": m.reply_to,
        "mentions": [] if m.deleted else m.mentions,
        "hearts": m.hearts,
        "hearted_by_me": hearted,
        "posted_at": m.posted_at,
        "edited_at": m.edited_at,
        "deleted": m.deleted,
    }


def timeline_message(m: Message) -> dict:
    """A message as the timeline stores it (JSON): what every subscriber sees, without per-viewer fields."""
    view = message_view(m)
    view.pop("hearted_by_me")
    return _jsonable(view)


def session_view(s: Session) -> dict:
    return {
        "session_id": s.session_id,
        "room_slug": s.room_slug,
        "topic": s.topic,
        "leader_id": s.leader_id,
        "kind": s.kind,
        "status": s.status,
        "starts_at": s.starts_at,
        "duration_minutes": s.duration_minutes,
        "started_at": s.started_at,
        "ended_at": s.ended_at,
        "script_id": s.script_id,
    }


def timeline_session(s: Session) -> dict:
    """A session as the timeline stores it (JSON)."""
    return _jsonable(session_view(s))


def queue_view(queue: TurnQueue) -> dict:
    return {
        "speaker_id": queue.speaker_id or "",
        "speaker_since": queue.speaker_since,
        "hands": [{"person_id": pid, "raised_at": at} for pid, at in queue.hands],
    }


def grant_view(grant: CohortGrant) -> dict:
    return dataclasses.asdict(grant)


def notice_view(n: Notice) -> dict:
    """A private notice as its person sees it (in their list and on their live streams)."""
    return {
        "notice_id": n.notice_id,
        "person_id": n.person_id,
        "kind": n.kind,
        "text": n.text,
        "room_slug": n.room_slug,
        "resources": list(n.resources),
        "issued_at": n.issued_at,
        "received_at": n.received_at,
        "read_at": n.read_at,
    }


def live_notice(n: Notice) -> dict:
    """A notice as the live exchange carries it (JSON): times as ISO text."""
    return _jsonable(notice_view(n))


def script_view(s: Script) -> dict:
    return {
        "script_id": s.script_id,
        "session_type": s.session_type,
        "audience_cohort": s.audience_cohort,
        "title": s.title,
        "opening": s.opening,
        "prompts": list(s.prompts),
        "closing": s.closing,
        "updated_by": s.updated_by,
        "updated_at": s.updated_at,
    }


def hosting_view(f: HostingFigures) -> dict:
    return {
        "person_id": f.person_id,
        "month": f.month.label,
        "quota_minutes": f.quota_minutes,
        "minutes_hosted": f.minutes_hosted,
        "met": f.met,
        "teams": [{"team": t.team, "minutes_hosted": t.minutes_hosted, "quota_minutes": t.quota_minutes,
                   "met": t.met} for t in f.teams],
        "sessions": [{
            "session_id": c.session.session_id, "room_slug": c.session.room_slug, "team": c.session.team,
            "topic": c.session.topic, "started_at": c.session.started_at, "ended_at": c.session.ended_at,
            "minutes_in_month": c.seconds_in_month // 60, "others_attending": c.session.others_attending,
            "counted": c.counted, "note": c.note, "script_id": c.session.script_id,
        } for c in f.sessions],
    }
