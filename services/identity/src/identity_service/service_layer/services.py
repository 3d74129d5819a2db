"""Service layer: identity's use cases; every state change commits with its events, or not at all."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable

from hearth_common import person_visibility
from hearth_common.clock import utcnow
from hearth_common.idempotency import IdempotentCall, parse_key, purge_expired
from hearth_common.ids import new_id, parse_uuid
from hearth_common.people import Actor
from hearth_common.text import required_text, shown
from hearth_common.vocabulary import ROOM_SLUG
from identity_service.domain import errors, events, model
from identity_service.service_layer import views
from identity_service.service_layer.ports import PasswordHasher, RoomCatalogue, TokenSigner
from identity_service.service_layer.unit_of_work import UniqueViolation, UnitOfWork

REASON_MAX = 500


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class TokenPolicy:
    issuer: str
    audience: str
    access_ttl: dt.timedelta
    refresh_ttl: dt.timedelta

    def __post_init__(self):
        if not dt.timedelta(seconds=30) <= self.access_ttl <= model.ACCESS_TOKEN_MAX_TTL:
            raise ValueError("access tokens must live between 30 seconds and 15 minutes")




def _parse_enum(enum_cls, value, field: str):
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise errors.InvalidArgument(f"{field} must be one of: {allowed}") from None


class IdentityService:
    """Identity's use cases. Entrypoints build one and translate to and from it."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        hasher: PasswordHasher,
        signer: TokenSigner,
        policy: TokenPolicy,
        clock: Callable[[], dt.datetime] = utcnow,
        *,
        rooms: RoomCatalogue,
    ):
        self.uow_factory = uow_factory
        self.hasher = hasher
        self.signer = signer
        self.policy = policy
        self.clock = clock
        self.rooms = rooms
        # Verifying against a real hash for unknown usernames keeps login time from revealing who exists.
        self._dummy_hash = hasher.hash(secrets.token_urlsafe(16))

    # --- people -------------------------------------------------------------------------------

    def register(self, username: str, password: str, date_of_birth: str, kind: str,
                 idempotency_key: str | None = None) -> dict:
        """A retry with the same key (and the same username, date of birth and kind) gets the first answer."""
        model.validate_username(username)
        model.validate_password(password)
        dob = model.parse_date_of_birth(date_of_birth)
        kind_value = _parse_enum(model.Kind, kind, "kind")
        # No caller yet (Register is public): the key's scope is the anonymous one. The password is left out of
        # the fingerprint: only a fast hash of it would be kept.
        call = IdempotentCall(None, "identity.Register", idempotency_key,
                              {"username": model.canonical_username(username), "date_of_birth": dob,
                               "kind": kind_value})
        return call.run(lambda: self._register(call, username, password, dob, kind_value), self.uow_factory)

    def _register(self, call: IdempotentCall, username: str, password: str, dob: dt.date,
                  kind_value: model.Kind) -> dict:
        now = self.clock()
        if call.key is not None:  # a retry is answered before the password is hashed (slow by design)
            with self.uow_factory() as uow:
                if (stored := call.stored(uow.idempotency)) is not None:
                    return stored
        cohort = model.cohort_for(dob, now.date())
        person = model.Person(
            id=new_id(),
            username=username,
            username_canonical=model.canonical_username(username),
            password_hash=self.hasher.hash(password),
            date_of_birth=dob,
            kind=kind_value,
            cohort=cohort,
            registered_at=now,
        )
        taken = errors.UsernameTaken(f"the username {username!r} is taken; choose another")
        with self.uow_factory() as uow:
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            if uow.people.get_by_username(person.username_canonical) is not None:
                raise taken
            uow.people.add(person)
            uow.add_events([events.person_registered(person)])
            try:
                result = call.remember(uow.idempotency, views.person(person), now)
                uow.commit()
            except UniqueViolation:
                raise taken from None
            return result

    def get_person(self, person_id: str | None = None, username: str | None = None) -> dict:
        if bool(person_id) == bool(username):
            raise errors.InvalidArgument("give exactly one of id or username")
        with self.uow_factory() as uow:
            if person_id:
                person = uow.people.get(parse_uuid(person_id, "id"))
            else:
                person = uow.people.get_by_username(model.canonical_username(username))
            if person is None:
                which = "id" if person_id else "username"
                raise errors.PersonNotFound(f"no person with {which} {shown(person_id or username)}")
            return views.person(person)

    def look_up_person(self, viewer: Actor, person_id: str | None = None, username: str | None = None) -> dict:
        """A person as the viewer may see them (issue 17 §2): their cohort only to themselves and to admins. Identity
        does not know who is in which room, so a chat room moderator sees here what a peer sees (room's and
        moderation's views show them the cohort of people in the rooms they moderate). The same answer, and the
        same errors, whatever the person's cohort."""
        found = self.get_person(person_id=person_id, username=username)
        if viewer.service:
            return found
        with self.uow_factory() as uow:
            is_admin = bool(viewer.person_id) and any(
                g.role is model.Role.ADMIN and g.active(self.clock()) for g in uow.grants.for_person(viewer.person_id)
            )
        return person_visibility.redact(found, person_visibility.relation(viewer.person_id, found["id"],
                                                                          viewer_is_admin=is_admin))

    def promote_adults(self, batch_size: int = 500) -> int:
        """Moves every teen who has turned 18 into the adult cohort, announcing each change."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        today = self.clock().date()
        cutoff = model.latest_adult_birth_date(today)
        promoted = 0
        while True:
            with self.uow_factory() as uow:
                due = uow.people.teens_born_on_or_before(cutoff, batch_size)
                for person in due:
                    previous = person.cohort
                    person.cohort = model.Cohort.ADULT
                    uow.add_events([events.cohort_changed(person, previous)])
                uow.commit()
            promoted += len(due)
            if len(due) < batch_size:
                return promoted

    # --- credentials and tokens ---------------------------------------------------------------

    def login(self, username: str, password: str) -> dict:
        bad = errors.BadCredentials("wrong username or password")
        if not username or not password:
            raise bad
        with self.uow_factory() as uow:
            person = uow.people.get_by_username(model.canonical_username(username))
            if person is None:
                self.hasher.verify(self._dummy_hash, password)
                raise bad
            if not self.hasher.verify(person.password_hash, password):
                raise bad
            tokens = self._issue(uow, person, family_id=new_id())
            uow.commit()
            return {"tokens": tokens, "person": views.person(person)}

    def refresh(self, refresh_token: str) -> dict:
        now = self.clock()
        with self.uow_factory() as uow:
            stored = self._stored_in_turn(uow, refresh_token)
            if stored is None:
                raise errors.InvalidRefreshToken("unknown refresh token; log in again")
            if stored.revoked_at is not None:
                raise errors.InvalidRefreshToken("this session was logged out; log in again")
            if stored.used_at is not None:
                # A used token coming back means it was copied: end the whole session.
                self._revoke_family(uow, stored.family_id, now)
                uow.commit()
                raise errors.InvalidRefreshToken(
                    "this refresh token was already used; the session is ended, log in again"
                )
            if stored.expires_at <= now:
                raise errors.InvalidRefreshToken("the refresh token has expired; log in again")
            person = uow.people.get(stored.person_id)
            if person is None:
                raise errors.InvalidRefreshToken("the person behind this token no longer exists")
            stored.used_at = now
            tokens = self._issue(uow, person, family_id=stored.family_id)
            uow.commit()
            return tokens

    def logout(self, refresh_token: str) -> None:
        with self.uow_factory() as uow:
            stored = self._stored_in_turn(uow, refresh_token)
            if stored is None:
                raise errors.InvalidRefreshToken("unknown refresh token")
            self._revoke_family(uow, stored.family_id, self.clock())
            uow.commit()

    @staticmethod
    def _stored_in_turn(uow: UnitOfWork, refresh_token: str) -> model.RefreshToken | None:
        """The stored refresh token, locked, once its family's other refreshes and logouts are done: a copied
        token coming back then ends every token rotated from it, however close the race with a refresh."""
        token_hash = hash_refresh_token(refresh_token or "")
        family_id = uow.refresh_tokens.family_of(token_hash)
        if family_id is None:
            return None
        uow.refresh_tokens.lock_family(family_id)
        return uow.refresh_tokens.by_hash(token_hash)

    @staticmethod
    def _revoke_family(uow: UnitOfWork, family_id: str, now: dt.datetime) -> None:
        for token in uow.refresh_tokens.family(family_id):
            if token.revoked_at is None:
                token.revoked_at = now

    def _issue(self, uow: UnitOfWork, person: model.Person, family_id: str) -> dict:
        now = self.clock()
        key = uow.signing_keys.active()
        if key is None:
            raise errors.FailedPrecondition("identity has no signing key yet; try again shortly")
        roles = [
            {"role": g.role.value, "room_id": g.room_id} for g in uow.grants.for_person(person.id) if g.active(now)
        ]
        access_expires = now + self.policy.access_ttl
        claims = {
            "iss": self.policy.issuer,
            "aud": self.policy.audience,
            "sub": person.id,
            "username": person.username,
            "kind": person.kind.value,
            "cohort": person.cohort.value,
            "roles": roles,
            "iat": int(now.timestamp()),
            "exp": int(access_expires.timestamp()),
            "jti": new_id(),
        }
        raw_refresh = secrets.token_urlsafe(32)
        refresh = model.RefreshToken(
            id=new_id(),
            family_id=family_id,
            person_id=person.id,
            token_hash=hash_refresh_token(raw_refresh),
            issued_at=now,
            expires_at=now + self.policy.refresh_ttl,
        )
        uow.refresh_tokens.add(refresh)
        return {
            "access_token": self.signer.sign(claims, key),
            "access_token_expires_at": dt.datetime.fromtimestamp(claims["exp"], dt.timezone.utc),
            "refresh_token": raw_refresh,
            "refresh_token_expires_at": refresh.expires_at,
        }

    # --- signing keys -------------------------------------------------------------------------

    def ensure_signing_key(self) -> dict:
        """Creates the first signing key if there is none (safe when several replicas start at once)."""
        for _ in range(3):
            with self.uow_factory() as uow:
                key = uow.signing_keys.active()
                if key is not None:
                    return views.public_key(key, self.policy.access_ttl)
                key = self.signer.new_key(new_id(), self.clock())
                uow.signing_keys.add(key)
                try:
                    uow.commit()
                    return views.public_key(key, self.policy.access_ttl)
                except UniqueViolation:
                    continue
        raise errors.FailedPrecondition("could not settle on a signing key; try again")

    def rotate_signing_key(self, actor: Actor, idempotency_key: str | None = None) -> dict:
        """A retry with the same key gets the key the first call made, and rotates nothing again."""
        call = IdempotentCall(actor.label, "identity.RotateSigningKey", idempotency_key, {})
        return call.run(lambda: self._rotate_signing_key(call, actor), self.uow_factory)

    def _rotate_signing_key(self, call: IdempotentCall, actor: Actor) -> dict:
        now = self.clock()
        with self.uow_factory() as uow:
            self._require_admin(uow, actor, now)
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            current = uow.signing_keys.active()
            if current is not None:
                current.retired_at = now
            key = self.signer.new_key(new_id(), now)
            uow.signing_keys.add(key)
            try:
                result = call.remember(uow.idempotency, views.public_key(key, self.policy.access_ttl), now)
                uow.commit()
            except UniqueViolation:
                raise errors.FailedPrecondition("another rotation happened at the same moment; try again") from None
            return result

    def public_keys(self) -> list[dict]:
        now = self.clock()
        with self.uow_factory() as uow:
            return [
                views.public_key(k, self.policy.access_ttl)
                for k in uow.signing_keys.list()
                if k.published(now, self.policy.access_ttl)
            ]

    # --- roles --------------------------------------------------------------------------------

    @staticmethod
    def _require_admin(uow: UnitOfWork, actor: Actor, now: dt.datetime) -> None:
        if actor.service:
            return
        if not actor.person_id or not any(
            g.role is model.Role.ADMIN and g.active(now) for g in uow.grants.for_person(actor.person_id)
        ):
            raise errors.NotAdmin("only an admin may do this")

    @staticmethod
    def _existing_person(uow: UnitOfWork, person_id: str) -> model.Person:
        person = uow.people.get(parse_uuid(person_id, "person_id"))
        if person is None:
            raise errors.PersonNotFound(f"no person with id {shown(person_id)}")
        return person

    def grant_role(
        self, actor: Actor, person_id: str, role: str, room_id: str | None = None,
        expires_at: dt.datetime | None = None, idempotency_key: str | None = None,
    ) -> dict:
        """A retry with the same key (and the same person, role, room and expiry) gets the first grant."""
        role_value = _parse_enum(model.Role, role, "role")
        if room_id is not None and not isinstance(room_id, str):
            raise errors.InvalidArgument("room_id must be text: a room's slug")
        room_id = (room_id or "").strip() or None
        if room_id is not None and not ROOM_SLUG.fullmatch(room_id):
            raise errors.InvalidArgument(f"room_id must be a room's slug ({ROOM_SLUG.rule}, as ListRooms shows it, "
                                         f"e.g. teen-anxiety-support); {ROOM_SLUG.problem(room_id)}")
        if role_value is model.Role.ADMIN and room_id is not None:
            raise errors.InvalidArgument("the admin role cannot be limited to a room")
        call = IdempotentCall(actor.label, "identity.GrantRole", idempotency_key,
                              {"person_id": person_id, "role": role_value, "room_id": room_id,
                               "expires_at": expires_at})
        return call.run(lambda: self._grant_role(call, actor, person_id, role_value, room_id, expires_at),
                        self.uow_factory)

    def _grant_role(self, call: IdempotentCall, actor: Actor, person_id: str, role_value: model.Role,
                    room_id: str | None, expires_at: dt.datetime | None) -> dict:
        now = self.clock()
        with self.uow_factory() as uow:
            self._require_admin(uow, actor, now)
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored  # even once expires_at has passed: this is the grant that was made
            if expires_at is not None and expires_at <= now:
                raise errors.InvalidArgument("expires_at must be in the future")
            self._existing_person(uow, person_id)
        # Asked each time, not from a read model: a room made a moment ago must be grantable at once, and room
        # (which owns the catalogue) answers for it; a typo would otherwise grant nothing, silently. Asked with no
        # transaction open: room may be slow to answer.
        if room_id is not None and not self.rooms.room_exists(room_id):
            raise errors.RoomNotFound(f"no room with slug {shown(room_id)}; ListRooms (room service) shows the slugs")
        with self.uow_factory() as uow:
            self._require_admin(uow, actor, now)
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            person = self._existing_person(uow, person_id)
            grant = model.RoleGrant(
                id=new_id(),
                person_id=person.id,
                role=role_value,
                room_id=room_id,
                expires_at=expires_at,
                granted_by=actor.label,
                granted_at=now,
            )
            uow.grants.add(grant)
            uow.add_events([events.role_granted(grant)])
            result = call.remember(uow.idempotency, views.grant(grant), now)
            uow.commit()
            return result

    def revoke_role(self, actor: Actor, grant_id: str, reason: str) -> None:
        now = self.clock()
        reason = required_text(reason, "reason", REASON_MAX)
        with self.uow_factory() as uow:
            self._require_admin(uow, actor, now)
            grant = uow.grants.get(parse_uuid(grant_id, "grant_id"), lock=True)
            if grant is None or grant.revoked_at is not None:
                raise errors.GrantNotFound(f"no current role grant with id {shown(grant_id)}")
            grant.revoked_at, grant.revoked_by, grant.revoke_reason = now, actor.label, reason
            uow.add_events([events.role_revoked(grant)])
            uow.commit()

    def list_roles(self, person_id: str, viewer: Actor | None = None) -> list[dict]:
        """A person's current grants. A viewer who is neither the person nor an admin sees only the grants for
        every room: a grant limited to one room names it (e.g. "teen-anxiety-support"), which would tell a peer
        whether a session leader or host is a teen (issue 17 §2). No viewer (a service): every grant."""
        now = self.clock()
        with self.uow_factory() as uow:
            person = self._existing_person(uow, person_id)
            grants = [g for g in uow.grants.for_person(person.id) if g.active(now)]
            if viewer is not None and not viewer.service and viewer.person_id != person.id:
                sees_all = bool(viewer.person_id) and any(
                    g.role is model.Role.ADMIN and g.active(now) for g in uow.grants.for_person(viewer.person_id))
                if not sees_all:
                    grants = [g for g in grants if g.room_id is None]
            return [views.grant(g) for g in grants]

    def bootstrap_admin(self, username: str, password: str, date_of_birth: str) -> dict:
        """Creates the first admin if missing (for the migrate step); idempotent."""
        with self.uow_factory() as uow:
            existing = uow.people.get_by_username(model.canonical_username(username))
            person = views.person(existing) if existing else None
        person = person or self.register(username, password, date_of_birth, model.Kind.LISTENER)
        if not any(g["role"] == model.Role.ADMIN.value for g in self.list_roles(person["id"])):
            self.grant_role(Actor(service="identity-bootstrap"), person["id"], model.Role.ADMIN.value)
        return person

    def purge_idempotency_records(self) -> int:
        """Deletes the idempotency records past their retention (the worker's timer); returns how many."""
        return purge_expired(self.uow_factory, self.clock())

    # --- badges -------------------------------------------------------------------------------

    def seed_badges(self, badges) -> int:
        """Adds missing catalogue badges and refreshes the wording of existing ones; returns how many were added."""
        added = 0
        with self.uow_factory() as uow:
            for badge in badges:
                existing = uow.badges.get(badge.slug)
                if existing is None:
                    uow.badges.add(model.Badge(badge.slug, badge.name, badge.description, badge.how_earned))
                    added += 1
                else:
                    existing.name, existing.description, existing.how_earned = (
                        badge.name,
                        badge.description,
                        badge.how_earned,
                    )
            uow.commit()
        return added

    def badge_catalogue(self) -> list[dict]:
        with self.uow_factory() as uow:
            return [views.badge(b) for b in sorted(uow.badges.list(), key=lambda b: b.slug)]

    def person_badges(self, person_id: str) -> list[dict]:
        with self.uow_factory() as uow:
            person = self._existing_person(uow, person_id)
            return [
                views.award(a, uow.badges.get(a.badge_slug))
                for a in sorted(uow.awards.held_by(person.id), key=lambda a: a.awarded_at)
            ]

    def award_badge(
        self, actor: Actor, person_id: str, badge_slug: str, reason: str, idempotency_key: str | None
    ) -> dict:
        reason = required_text(reason, "reason", REASON_MAX)
        key = parse_key(idempotency_key)  # the one rule for keys; kept on the award, so honoured as long as it is
        if actor.service and key is None:
            raise errors.InvalidArgument("idempotency_key is required when a service awards a badge")
        try:
            return self._award(actor, person_id, badge_slug, reason, key)
        except UniqueViolation:
            # A concurrent twin committed first: answer as a retry of it would be answered.
            return self._award(actor, person_id, badge_slug, reason, key)

    def _award(self, actor: Actor, person_id: str, slug: str, reason: str, key: str | None) -> dict:
        now = self.clock()
        with self.uow_factory() as uow:
            self._require_admin(uow, actor, now)
            person = self._existing_person(uow, person_id)
            badge = uow.badges.get(slug)
            if badge is None:
                raise errors.BadgeNotFound(f"no badge with slug {shown(slug)}; see ListBadgeCatalogue")
            if key is not None:
                earlier = uow.awards.by_award_key(key)
                if earlier is not None:
                    if (earlier.person_id, earlier.badge_slug) != (person.id, slug):
                        raise errors.IdempotencyKeyReused(
                            f"idempotency_key {shown(key)} was used for a different award; use a new key"
                        )
                    return views.award(earlier, badge)
            held = uow.awards.held(person.id, slug)
            if held is not None:
                if key is not None and held.award_key == key:  # a twin with this key committed meanwhile
                    return views.award(held, badge)
                raise errors.BadgeAlreadyHeld(f"{person.username} already holds {badge.name}")
            award = model.BadgeAward(
                id=new_id(),
                person_id=person.id,
                badge_slug=slug,
                awarded_by=actor.label,
                reason=reason,
                awarded_at=now,
                award_key=key,
            )
            uow.awards.add(award)
            uow.add_events([events.badge_awarded(award)])
            uow.commit()
            return views.award(award, badge)

    def revoke_badge(
        self, actor: Actor, person_id: str, badge_slug: str, reason: str, idempotency_key: str | None,
        *, award_key: str | None = None,
    ) -> None:
        """With `award_key`, only the award made with that key is taken back (a course's badge on a revoked
        completion): an award of the same badge made another way (by an admin, by a rule) is left alone, and the
        answer is BadgeNotHeld."""
        reason = required_text(reason, "reason", REASON_MAX)
        key = parse_key(idempotency_key)  # the one rule for keys; kept on the award, so honoured as long as it is
        if actor.service and key is None:
            raise errors.InvalidArgument("idempotency_key is required when a service revokes a badge")
        try:
            self._revoke(actor, person_id, badge_slug, reason, key, award_key)
        except UniqueViolation:
            self._revoke(actor, person_id, badge_slug, reason, key, award_key)

    def _revoke(self, actor: Actor, person_id: str, slug: str, reason: str, key: str | None,
                award_key: str | None) -> None:
        now = self.clock()
        with self.uow_factory() as uow:
            self._require_admin(uow, actor, now)
            person = self._existing_person(uow, person_id)
            if key is not None:
                earlier = uow.awards.by_revoke_key(key)
                if earlier is not None:
                    if (earlier.person_id, earlier.badge_slug) != (person.id, slug):
                        raise errors.IdempotencyKeyReused(
                            f"idempotency_key {shown(key)} was used for a different revocation; use a new key"
                        )
                    return
            if award_key is None:
                award = uow.awards.held(person.id, slug, lock=True)
            else:
                award = uow.awards.by_award_key(award_key, lock=True)
                if award is not None and (award.person_id, award.badge_slug, award.revoked_at) != (person.id, slug,
                                                                                                   None):
                    award = None
            if award is None:
                twin = uow.awards.by_revoke_key(key) if key is not None else None
                if twin is not None and (twin.person_id, twin.badge_slug) == (person.id, slug):
                    return  # a twin with this key revoked it meanwhile
                raise errors.BadgeNotHeld(f"{person.username} does not hold the badge {shown(slug)}")
            award.revoked_at, award.revoked_by, award.revoke_reason, award.revoke_key = now, actor.label, reason, key
            uow.add_events([events.badge_revoked(award)])
            uow.commit()
