"""Service layer: the plain-data shapes use cases return (never ORM rows or protobuf)."""
from __future__ import annotations

import datetime as dt

from identity_service.domain import model


def person(p: model.Person) -> dict:
    return {
        "id": p.id,
        "username": p.username,
        "kind": p.kind.value,
        "cohort": p.cohort.value,
        "registered_at": p.registered_at,
    }


def grant(g: model.RoleGrant) -> dict:
    return {
        "id": g.id,
        "person_id": g.person_id,
        "role": g.role.value,
        "room_id": g.room_id,
        "expires_at": g.expires_at,
        "granted_by": g.granted_by,
        "granted_at": g.granted_at,
    }


def badge(b: model.Badge) -> dict:
    return {"slug": b.slug, "name": b.name, "description": b.description, "how_earned": b.how_earned}


def award(a: model.BadgeAward, b: model.Badge) -> dict:
    return {
        "id": a.id,
        "person_id": a.person_id,
        "badge": badge(b),
        "awarded_by": a.awarded_by,
        "reason": a.reason,
        "awarded_at": a.awarded_at,
    }


def public_key(k: model.SigningKey, access_ttl: dt.timedelta) -> dict:
    return {
        "kid": k.kid,
        "algorithm": "EdDSA",
        "public_key_pem": k.public_key_pem,
        "active": k.retired_at is None,
        "not_after": k.not_after(access_ttl),
    }
