"""gRPC: issue 14's scenario (g) for identity, generated from the proto descriptor: every method but the public
ones (register, log in, refresh, log out, the keys, the badge catalogue) refuses a missing, expired or forged token
with UNAUTHENTICATED and changes nothing; a method made public shows here."""
import time

import test_identity_grpc_api as api
from hearth.identity.v1 import identity_pb2 as pb

from hearth_common import testing
from identity_service.entrypoints.grpc_servicer import PUBLIC_METHODS
from identity_service.service_layer.services import Actor

# The API module's fixtures: its server, channel and stub, used here as they are there.
server, channel, stub = api.server, api.channel, api.stub

METHODS = pb.DESCRIPTOR.services_by_name["IdentityService"].methods
# What a client calls before it has a token (services/identity/README.md): nothing else is public.
PUBLIC = {"Register", "Login", "Refresh", "Logout", "GetPublicKeys", "ListBadgeCatalogue"}


def test_only_the_documented_methods_are_public():
    assert set(PUBLIC_METHODS) == PUBLIC
    assert PUBLIC <= {m.name for m in METHODS}


def test_every_other_rpc_refuses_a_missing_expired_or_forged_token(stub, identity, identity_settings,
                                                                  clean_identity_db):
    admin = api.register(stub, "staff_admin")
    identity.grant_role(Actor(service="test-setup"), admin.id, "admin")

    def sign(claims: dict) -> str:  # with identity's own signing key
        with identity.uow_factory() as uow:
            return identity.signer.sign(claims, uow.signing_keys.active())

    # an admin's claims: even theirs, expired or forged, open nothing
    claims = {"iss": identity_settings.token_issuer, "aud": identity_settings.token_audience, "sub": admin.id,
              "username": admin.username, "roles": [{"role": "admin", "room_id": None}]}
    tokens = testing.refused_bearers(sign, claims)
    fresh = [("authorization", f"Bearer {sign({**claims, 'iat': int(time.time()), 'exp': int(time.time()) + 300})}")]
    # the control: the same claims, fresh and signed by identity's key, are answered
    assert stub.GetPerson(pb.GetPersonRequest(id=admin.id), metadata=fresh, timeout=api.T).person.id == admin.id
    before = testing.table_fingerprints(clean_identity_db)
    answered = {(m.name, what): testing.grpc_status(stub, m, getattr(pb, m.input_type.name)(), metadata,
                                                    timeout=api.T)[0].name
                for m in METHODS if m.name not in PUBLIC for what, metadata in tokens.items()}
    assert {call: code for call, code in answered.items() if code != "UNAUTHENTICATED"} == {}
    assert len(answered) == 3 * (len(METHODS) - len(PUBLIC))
    assert testing.table_fingerprints(clean_identity_db) == before
