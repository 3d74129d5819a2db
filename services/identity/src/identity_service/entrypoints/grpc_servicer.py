"""Entrypoint: translates IdentityService gRPC calls to use cases and their results to protobuf."""
from __future__ import annotations

from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc

from hearth_common.grpc_server import caller
from hearth_common.proto_convert import enum_number, enum_value, from_timestamp, to_timestamp
from identity_service.service_layer.services import Actor, IdentityService

KIND, COHORT, ROLE = "PERSON_KIND_", "COHORT_", "ROLE_"

# What a client calls without an access token: getting one, giving one up, and what anyone may read.
PUBLIC_METHODS = ("Register", "Login", "Refresh", "Logout", "GetPublicKeys", "ListBadgeCatalogue")


def person_pb(p: dict) -> pb.Person:
    return pb.Person(
        id=p["id"],
        username=p["username"],
        kind=enum_number(pb.PersonKind, p["kind"], KIND),
        # Hidden (None) is COHORT_UNSPECIFIED, never a default that reads as adult.
        cohort=enum_number(pb.Cohort, p["cohort"], COHORT) if p["cohort"] is not None else pb.COHORT_UNSPECIFIED,
        registered_at=to_timestamp(p["registered_at"]),
    )


def tokens_pb(t: dict) -> pb.TokenPair:
    return pb.TokenPair(
        access_token=t["access_token"],
        access_token_expires_at=to_timestamp(t["access_token_expires_at"]),
        refresh_token=t["refresh_token"],
        refresh_token_expires_at=to_timestamp(t["refresh_token_expires_at"]),
    )


def key_pb(k: dict) -> pb.PublicKey:
    return pb.PublicKey(
        kid=k["kid"],
        algorithm=k["algorithm"],
        public_key_pem=k["public_key_pem"],
        active=k["active"],
        not_after=to_timestamp(k["not_after"]),
    )


def grant_pb(g: dict) -> pb.RoleGrant:
    return pb.RoleGrant(
        id=g["id"],
        person_id=g["person_id"],
        role=enum_number(pb.Role, g["role"], ROLE),
        room_id=g["room_id"] or "",
        expires_at=to_timestamp(g["expires_at"]),
        granted_by=g["granted_by"],
        granted_at=to_timestamp(g["granted_at"]),
    )


def badge_pb(b: dict) -> pb.Badge:
    return pb.Badge(**b)


def award_pb(a: dict) -> pb.BadgeAward:
    return pb.BadgeAward(
        id=a["id"],
        person_id=a["person_id"],
        badge=badge_pb(a["badge"]),
        awarded_by=a["awarded_by"],
        reason=a["reason"],
        awarded_at=to_timestamp(a["awarded_at"]),
    )


def person_calling() -> Actor:
    """The verified caller, as the use cases name who asks."""
    return Actor(person_id=caller().person_id)


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    """Every method not in PUBLIC_METHODS runs for a caller whose token the server verified (Authentication)."""

    def __init__(self, service: IdentityService):
        self.service = service

    def Register(self, request, context):
        person = self.service.register(
            request.username, request.password, request.date_of_birth, enum_value(pb.PersonKind, request.kind, KIND),
            request.idempotency_key,
        )
        return pb.RegisterResponse(person=person_pb(person))

    def Login(self, request, context):
        result = self.service.login(request.username, request.password)
        return pb.LoginResponse(tokens=tokens_pb(result["tokens"]), person=person_pb(result["person"]))

    def Refresh(self, request, context):
        return pb.RefreshResponse(tokens=tokens_pb(self.service.refresh(request.refresh_token)))

    def Logout(self, request, context):
        self.service.logout(request.refresh_token)
        return pb.LogoutResponse()

    def GetPublicKeys(self, request, context):
        return pb.GetPublicKeysResponse(
            keys=[key_pb(k) for k in self.service.public_keys()],
            issuer=self.service.policy.issuer,
            audience=self.service.policy.audience,
        )

    def RotateSigningKey(self, request, context):
        key = self.service.rotate_signing_key(person_calling(), request.idempotency_key)
        return pb.RotateSigningKeyResponse(key=key_pb(key))

    def GetPerson(self, request, context):
        lookup = request.WhichOneof("lookup")
        person = self.service.look_up_person(
            person_calling(),
            person_id=request.id if lookup == "id" else None,
            username=request.username if lookup == "username" else None,
        )
        return pb.GetPersonResponse(person=person_pb(person))

    def GrantRole(self, request, context):
        grant = self.service.grant_role(
            person_calling(),
            request.person_id,
            enum_value(pb.Role, request.role, ROLE),
            request.room_id or None,
            from_timestamp(request, "expires_at"),
            request.idempotency_key,
        )
        return pb.GrantRoleResponse(grant=grant_pb(grant))

    def RevokeRole(self, request, context):
        self.service.revoke_role(person_calling(), request.grant_id, request.reason)
        return pb.RevokeRoleResponse()

    def ListRoles(self, request, context):
        grants = self.service.list_roles(request.person_id, person_calling())
        return pb.ListRolesResponse(grants=[grant_pb(g) for g in grants])

    def ListBadgeCatalogue(self, request, context):
        return pb.ListBadgeCatalogueResponse(badges=[badge_pb(b) for b in self.service.badge_catalogue()])

    def AwardBadge(self, request, context):
        award = self.service.award_badge(
            person_calling(), request.person_id, request.badge_slug, request.reason, request.idempotency_key
        )
        return pb.AwardBadgeResponse(award=award_pb(award))

    def RevokeBadge(self, request, context):
        self.service.revoke_badge(
            person_calling(), request.person_id, request.badge_slug, request.reason, request.idempotency_key
        )
        return pb.RevokeBadgeResponse()

    def ListPersonBadges(self, request, context):
        return pb.ListPersonBadgesResponse(awards=[award_pb(a) for a in self.service.person_badges(request.person_id)])
