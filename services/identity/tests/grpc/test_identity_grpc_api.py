"""gRPC: identity's API over a real grpcio server on an ephemeral port, backed by the real PostgreSQL."""
import concurrent.futures
import datetime as dt

import grpc
import jwt
import pytest
import sqlalchemy as sa
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc

from hearth_common.clients.identity_keys import identity_key_fetcher
from hearth_common.rpc_client import RpcClient
from hearth_common.service_rpc import RoomRpc
from hearth_common.tokens import TokenVerifier
from identity_service.bootstrap import build_service
from identity_service.entrypoints.grpc_server import SERVICE_NAME, build_server
from identity_service.seed import STARTER_BADGES
from identity_service.service_layer.services import Actor

T = 5  # every call has a deadline
PASSWORD = "a long enough password"


@pytest.fixture
def server(identity_settings, identity):
    srv = build_server(identity_settings, identity).start()
    yield srv
    srv.stop(grace=1)


@pytest.fixture
def channel(server):
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        yield ch


@pytest.fixture
def stub(channel):
    return identity_pb2_grpc.IdentityServiceStub(channel)


def register(stub, username, dob="1990-04-02", kind=pb.PERSON_KIND_MEMBER):
    request = pb.RegisterRequest(username=username, password=PASSWORD, date_of_birth=dob, kind=kind)
    return stub.Register(request, timeout=T).person


def login(stub, username):
    return stub.Login(pb.LoginRequest(username=username, password=PASSWORD), timeout=T)


def auth(tokens):
    return [("authorization", f"Bearer {tokens.access_token}")]


@pytest.fixture
def admin(stub, identity):
    person = register(stub, "staff_admin", kind=pb.PERSON_KIND_LISTENER)
    identity.grant_role(Actor(service="test-setup"), person.id, "admin")
    return auth(login(stub, "staff_admin").tokens)


def code_of(call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as info:
        call(*args, timeout=T, **kwargs)
    return info.value.code(), info.value.details()


def test_register_gives_cohort_from_date_of_birth(stub):
    teen = register(stub, "Teen_Tom", dob=(dt.date.today() - dt.timedelta(days=365 * 15)).isoformat())
    adult = register(stub, "Adult_Ann", kind=pb.PERSON_KIND_LISTENER)
    assert (teen.cohort, teen.kind) == (pb.COHORT_TEEN, pb.PERSON_KIND_MEMBER)
    assert (adult.cohort, adult.kind) == (pb.COHORT_ADULT, pb.PERSON_KIND_LISTENER)


@pytest.mark.parametrize(
    "request_fields, code, words",
    [
        ({"username": "x"}, grpc.StatusCode.INVALID_ARGUMENT, "username must be"),
        ({"password": "short"}, grpc.StatusCode.INVALID_ARGUMENT, "password must be"),
        ({"date_of_birth": "12/01/1990"}, grpc.StatusCode.INVALID_ARGUMENT, "YYYY-MM-DD"),
        ({"date_of_birth": (dt.date.today() - dt.timedelta(days=365 * 10)).isoformat()},
         grpc.StatusCode.INVALID_ARGUMENT, "aged 13 and over"),
        ({"kind": pb.PERSON_KIND_UNSPECIFIED}, grpc.StatusCode.INVALID_ARGUMENT, "kind must be one of"),
    ],
)
def test_register_refuses_bad_input_with_an_actionable_message(stub, request_fields, code, words):
    fields = {"username": "valid_name", "password": PASSWORD, "date_of_birth": "1990-04-02",
              "kind": pb.PERSON_KIND_MEMBER}
    fields.update(request_fields)
    got_code, details = code_of(stub.Register, pb.RegisterRequest(**fields))
    assert got_code == code and words in details


def test_duplicate_username_is_already_exists(stub):
    register(stub, "Samuel")
    code, details = code_of(stub.Register, pb.RegisterRequest(username="SAMUEL", password=PASSWORD,
                                                              date_of_birth="1990-04-02", kind=pb.PERSON_KIND_MEMBER))
    assert code == grpc.StatusCode.ALREADY_EXISTS and "taken" in details


def test_login_issues_a_short_lived_eddsa_token_with_a_key_id(stub):
    person = register(stub, "Robin")
    response = login(stub, "robin")
    header = jwt.get_unverified_header(response.tokens.access_token)
    claims = jwt.decode(response.tokens.access_token, options={"verify_signature": False})
    assert header["alg"] == "EdDSA" and header["kid"]
    assert claims["sub"] == person.id and claims["cohort"] == "adult"
    assert 0 < claims["exp"] - claims["iat"] <= 15 * 60
    assert response.person.id == person.id
    code, _ = code_of(stub.Login, pb.LoginRequest(username="robin", password="wrong password!"))
    assert code == grpc.StatusCode.UNAUTHENTICATED


def test_a_copied_refresh_token_ends_the_session_even_racing_the_copiers_refresh(stub, identity):
    """The copier refreshes (its transaction still open) while the owner presents the older, used token:
    the owner's call must wait and end the token the copier is being given too."""
    import threading

    register(stub, "owner_raced")
    first = login(stub, "owner_raced").tokens
    copied = stub.Refresh(pb.RefreshRequest(refresh_token=first.refresh_token), timeout=T).tokens  # first is used
    in_refresh, release = threading.Event(), threading.Event()
    issue = identity._issue

    def slow_issue(*args, **kwargs):  # the copier's refresh: its new token issued, not yet committed
        tokens = issue(*args, **kwargs)
        in_refresh.set()
        assert release.wait(10)
        return tokens

    identity._issue = slow_issue
    got = {}
    copier = threading.Thread(target=lambda: got.update(copier=identity.refresh(copied.refresh_token)))
    copier.start()
    assert in_refresh.wait(10)
    identity._issue = issue
    owner = threading.Thread(target=lambda: got.update(owner=code_of(stub.Refresh, pb.RefreshRequest(
        refresh_token=first.refresh_token))))
    owner.start()
    owner.join(1.0)
    release.set()
    copier.join(10)
    owner.join(10)
    assert got["owner"][0] == grpc.StatusCode.UNAUTHENTICATED and "already used" in got["owner"][1]
    code, details = code_of(stub.Refresh, pb.RefreshRequest(refresh_token=got["copier"]["refresh_token"]))
    assert code == grpc.StatusCode.UNAUTHENTICATED and "logged out" in details


def test_refresh_rotates_and_logout_revokes(stub):
    register(stub, "Rotator")
    first = login(stub, "Rotator").tokens
    second = stub.Refresh(pb.RefreshRequest(refresh_token=first.refresh_token), timeout=T).tokens
    assert second.refresh_token != first.refresh_token
    code, details = code_of(stub.Refresh, pb.RefreshRequest(refresh_token=first.refresh_token))
    assert code == grpc.StatusCode.UNAUTHENTICATED and "already used" in details
    # Reuse of an old token ended the whole session, so the newest token is refused too.
    code, _ = code_of(stub.Refresh, pb.RefreshRequest(refresh_token=second.refresh_token))
    assert code == grpc.StatusCode.UNAUTHENTICATED
    third = login(stub, "Rotator").tokens
    stub.Logout(pb.LogoutRequest(refresh_token=third.refresh_token), timeout=T)
    code, details = code_of(stub.Refresh, pb.RefreshRequest(refresh_token=third.refresh_token))
    assert code == grpc.StatusCode.UNAUTHENTICATED and "logged out" in details


def test_people_lookup_needs_a_token_and_finds_by_id_or_username(stub):
    person = register(stub, "Finder")
    md = auth(login(stub, "Finder").tokens)
    assert stub.GetPerson(pb.GetPersonRequest(username="FINDER"), metadata=md, timeout=T).person.id == person.id
    assert stub.GetPerson(pb.GetPersonRequest(id=person.id), metadata=md, timeout=T).person.username == "Finder"
    assert code_of(stub.GetPerson, pb.GetPersonRequest(id=person.id))[0] == grpc.StatusCode.UNAUTHENTICATED
    nobody, bad_id = pb.GetPersonRequest(username="nobody_here"), pb.GetPersonRequest(id="not-a-uuid")
    assert code_of(stub.GetPerson, nobody, metadata=md)[0] == grpc.StatusCode.NOT_FOUND
    assert code_of(stub.GetPerson, bad_id, metadata=md)[0] == grpc.StatusCode.INVALID_ARGUMENT
    assert code_of(stub.GetPerson, pb.GetPersonRequest(), metadata=md)[0] == grpc.StatusCode.INVALID_ARGUMENT


def test_only_admins_grant_roles_and_grants_can_be_scoped_and_expire(stub, admin):
    person = register(stub, "Leader")
    own = auth(login(stub, "Leader").tokens)
    request = pb.GrantRoleRequest(person_id=person.id, role=pb.ROLE_SUPPORT_SESSION_LEADER, room_id="sharing-circle")
    assert code_of(stub.GrantRole, request, metadata=own)[0] == grpc.StatusCode.PERMISSION_DENIED
    grant = stub.GrantRole(request, metadata=admin, timeout=T).grant
    assert (grant.role, grant.room_id) == (pb.ROLE_SUPPORT_SESSION_LEADER, "sharing-circle")
    expires = Timestamp()
    expires.FromDatetime(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2))
    stub.GrantRole(pb.GrantRoleRequest(person_id=person.id, role=pb.ROLE_ON_SPOT_HOST, expires_at=expires),
                   metadata=admin, timeout=T)
    roles = stub.ListRoles(pb.ListRolesRequest(person_id=person.id), metadata=own, timeout=T).grants
    assert sorted(g.role for g in roles) == [pb.ROLE_SUPPORT_SESSION_LEADER, pb.ROLE_ON_SPOT_HOST]
    claims = jwt.decode(login(stub, "Leader").tokens.access_token, options={"verify_signature": False})
    assert {"role": "support_session_leader", "room_id": "sharing-circle"} in claims["roles"]
    stub.RevokeRole(pb.RevokeRoleRequest(grant_id=grant.id, reason="stepped down"), metadata=admin, timeout=T)
    grants = stub.ListRoles(pb.ListRolesRequest(person_id=person.id), metadata=own, timeout=T).grants
    assert [g.role for g in grants] == [pb.ROLE_ON_SPOT_HOST]
    past = Timestamp()
    past.FromDatetime(dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
    bad = [
        pb.GrantRoleRequest(person_id=person.id, role=pb.ROLE_ADMIN, room_id="teen-lounge"),
        pb.GrantRoleRequest(person_id=person.id, role=pb.ROLE_UNSPECIFIED),
        pb.GrantRoleRequest(person_id=person.id, role=pb.ROLE_ON_SPOT_HOST, expires_at=past),
    ]
    for request in bad:
        assert code_of(stub.GrantRole, request, metadata=admin)[0] == grpc.StatusCode.INVALID_ARGUMENT
    again = pb.RevokeRoleRequest(grant_id=grant.id, reason="again")
    assert code_of(stub.RevokeRole, again, metadata=admin)[0] == grpc.StatusCode.NOT_FOUND


def test_a_grant_for_a_room_that_does_not_exist_is_refused_and_one_room_cannot_confirm_waits(stub, admin,
                                                                                           room_catalogue):
    person = register(stub, "Typo")
    typo = pb.GrantRoleRequest(person_id=person.id, role=pb.ROLE_CHAT_ROOM_MODERATOR, room_id="sharing-circel")
    code, details = code_of(stub.GrantRole, typo, metadata=admin)
    assert code == grpc.StatusCode.NOT_FOUND and "'sharing-circel'" in details
    room_catalogue.down = True
    request = pb.GrantRoleRequest(person_id=person.id, role=pb.ROLE_CHAT_ROOM_MODERATOR, room_id="sharing-circle")
    assert code_of(stub.GrantRole, request, metadata=admin)[0] == grpc.StatusCode.UNAVAILABLE
    assert list(stub.ListRoles(pb.ListRolesRequest(person_id=person.id), metadata=admin, timeout=T).grants) == []


def test_room_is_asked_over_rpc_and_no_room_worker_means_unavailable(identity_settings, clean_identity_db,
                                                                     amqp_uri):
    service = build_service(identity_settings, clean_identity_db, rooms=RoomRpc(RpcClient(amqp_uri, timeout=2)))
    service.seed_badges(STARTER_BADGES)
    service.ensure_signing_key()
    srv = build_server(identity_settings, service).start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{srv.port}") as channel:
            stub = identity_pb2_grpc.IdentityServiceStub(channel)
            person = register(stub, "Waiting")
            service.grant_role(Actor(service="test-setup"), person.id, "admin")
            md = auth(login(stub, "Waiting").tokens)
            request = pb.GrantRoleRequest(person_id=person.id, role=pb.ROLE_ON_SPOT_HOST, room_id="sharing-circle")
            code, details = code_of(stub.GrantRole, request, metadata=md)
    finally:
        srv.stop(grace=1)
    assert code == grpc.StatusCode.UNAVAILABLE  # the vhost has no room worker to ask


def test_badges_award_revoke_and_list(stub, admin):
    catalogue = stub.ListBadgeCatalogue(pb.ListBadgeCatalogueRequest(), timeout=T).badges
    assert {"chief-chat", "first-post", "compassion-hero"} <= {b.slug for b in catalogue}
    person = register(stub, "Earner")
    own = auth(login(stub, "Earner").tokens)
    award = pb.AwardBadgeRequest(person_id=person.id, badge_slug="compassion-hero", reason="50 hearts",
                                 idempotency_key="award-1")
    assert code_of(stub.AwardBadge, award, metadata=own)[0] == grpc.StatusCode.PERMISSION_DENIED
    first = stub.AwardBadge(award, metadata=admin, timeout=T).award
    again = stub.AwardBadge(award, metadata=admin, timeout=T).award
    assert first.id == again.id and first.badge.name == "Compassion Hero"
    dup = pb.AwardBadgeRequest(person_id=person.id, badge_slug="compassion-hero", reason="again")
    assert code_of(stub.AwardBadge, dup, metadata=admin)[0] == grpc.StatusCode.ALREADY_EXISTS
    unknown = pb.AwardBadgeRequest(person_id=person.id, badge_slug="no-such-badge", reason="x")
    code, details = code_of(stub.AwardBadge, unknown, metadata=admin)
    assert code == grpc.StatusCode.NOT_FOUND and "ListBadgeCatalogue" in details
    no_reason = pb.AwardBadgeRequest(person_id=person.id, badge_slug="first-post")
    assert code_of(stub.AwardBadge, no_reason, metadata=admin)[0] == grpc.StatusCode.INVALID_ARGUMENT
    listed = stub.ListPersonBadges(pb.ListPersonBadgesRequest(person_id=person.id), metadata=own, timeout=T).awards
    assert [a.badge.slug for a in listed] == ["compassion-hero"]
    stub.RevokeBadge(pb.RevokeBadgeRequest(person_id=person.id, badge_slug="compassion-hero", reason="error"),
                     metadata=admin, timeout=T)
    assert list(stub.ListPersonBadges(pb.ListPersonBadgesRequest(person_id=person.id), metadata=own,
                                      timeout=T).awards) == []
    again_revoke = pb.RevokeBadgeRequest(person_id=person.id, badge_slug="compassion-hero", reason="error")
    assert code_of(stub.RevokeBadge, again_revoke, metadata=admin)[0] == grpc.StatusCode.NOT_FOUND


def test_key_rotation_keeps_old_tokens_valid_for_services_that_verify_locally(stub, admin, server):
    register(stub, "Verified")
    old_token = login(stub, "Verified").tokens.access_token
    other_service = TokenVerifier(identity_key_fetcher(f"127.0.0.1:{server.port}"), issuer="hearth-identity",
                                  audience="hearth", min_refresh_interval=0)
    assert other_service.verify(old_token).username == "Verified"
    new_key = stub.RotateSigningKey(pb.RotateSigningKeyRequest(), metadata=admin, timeout=T).key
    new_token = login(stub, "Verified").tokens.access_token
    assert jwt.get_unverified_header(new_token)["kid"] == new_key.kid != jwt.get_unverified_header(old_token)["kid"]
    keys = stub.GetPublicKeys(pb.GetPublicKeysRequest(), timeout=T).keys
    assert len(keys) == 2 and [k.active for k in keys].count(True) == 1
    # The other service has never seen the new key: it refetches and accepts both tokens.
    assert other_service.verify(new_token).username == "Verified"
    assert other_service.verify(old_token).username == "Verified"
    md = [("authorization", f"Bearer {old_token}")]
    person = stub.GetPerson(pb.GetPersonRequest(username="Verified"), metadata=md, timeout=T).person
    assert person.username == "Verified"


def test_health_reflection_and_request_id(channel, stub):
    health = health_pb2_grpc.HealthStub(channel)
    status = health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=T).status
    assert status == health_pb2.HealthCheckResponse.SERVING
    reflect = reflection_pb2_grpc.ServerReflectionStub(channel)
    replies = reflect.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=T)
    names = {s.name for r in replies for s in r.list_services_response.service}
    assert SERVICE_NAME in names and "grpc.health.v1.Health" in names
    _, call = stub.ListBadgeCatalogue.with_call(
        pb.ListBadgeCatalogueRequest(), metadata=[("x-request-id", "trace-abc-123")], timeout=T
    )
    assert ("x-request-id", "trace-abc-123") in call.trailing_metadata()  # a unary answer carries it in its trailers


# --- safe retries: the idempotency key -------------------------------------------------------------------


def count_rows(engine, table, **where):
    clause = " AND ".join(f"{column} = :{column}" for column in where) or "true"
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {clause}"), where).scalar_one()


def test_register_retried_with_its_key_after_a_lost_answer_registers_once(stub, clean_identity_db):
    """The client sent Register, timed out (the answer lost), and sends it again with the same key: it gets the
    same person, not ALREADY_EXISTS, and one person exists; another request with the key is refused."""
    request = pb.RegisterRequest(username="Retry_Rita", password=PASSWORD, date_of_birth="1990-04-02",
                                 kind=pb.PERSON_KIND_MEMBER, idempotency_key="9d7e0c1a-retry-rita")
    first = stub.Register(request, timeout=T).person
    again = stub.Register(request, timeout=T).person
    assert again == first
    assert count_rows(clean_identity_db, "people", username_canonical="retry_rita") == 1
    other = pb.RegisterRequest()
    other.CopyFrom(request)
    other.username = "Other_Olga"
    code, details = code_of(stub.Register, other)
    assert code == grpc.StatusCode.FAILED_PRECONDITION and "use a new key" in details
    code, details = code_of(stub.Register, pb.RegisterRequest(
        username="Spacey", password=PASSWORD, date_of_birth="1990-04-02", kind=pb.PERSON_KIND_MEMBER,
        idempotency_key="has a space"))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "idempotency_key" in details


def test_grant_role_concurrent_twins_with_one_key_grant_once(stub, admin, clean_identity_db):
    person = register(stub, "Twin_Target")
    request = pb.GrantRoleRequest(person_id=person.id, role=pb.ROLE_ON_SPOT_HOST, idempotency_key="grant-twin-1")
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        grants = list(pool.map(lambda _: stub.GrantRole(request, metadata=admin, timeout=T).grant, range(4)))
    assert len({g.id for g in grants}) == 1
    assert stub.GrantRole(request, metadata=admin, timeout=T).grant == grants[0]  # a retry after success
    assert count_rows(clean_identity_db, "role_grants", person_id=person.id) == 1
    assert count_rows(clean_identity_db, "outbox", event_type="role_granted") == 2  # the admin's own, and this
