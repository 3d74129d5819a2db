"""gRPC: issue 14's scenario (g), generated from the proto descriptor so that an RPC added later is covered by
itself: every method of ModerationService refuses a missing, expired or forged token with UNAUTHENTICATED and
changes nothing, and every method above "member" in LEAST_ROLE refuses a plain member (and an admin-only one a
chat room moderator) with exactly PERMISSION_DENIED, changing nothing.

A real grpcio server (moderation's build_server, asyncio, on an ephemeral port) over the real PostgreSQL, with a
test signing key. One world per module (people, a message, a case, a warning, a mute, a page), so that each call is
made with a well-formed request naming things that exist: a request refused for its shape (INVALID_ARGUMENT) or
for naming nothing (NOT_FOUND) would hide a missing permission check.

A new RPC fails here until it has a row in LEAST_ROLE, and, if the generic request builder cannot make a
well-formed request for it, until VALUES gives its fields (keyed `Message.field`, or `field` for all messages). Both
tables live in hearth_common.least_roles (MODERATION_LEAST_ROLE, MODERATION_VALUES): tests/e2e/test_e2e_roles.py
makes the same refused calls against the real moderation-grpc process."""
from __future__ import annotations

import dataclasses
import uuid

import grpc
import jwt
import pytest
from hearth.moderation.v1 import moderation_pb2 as pb
from hearth.moderation.v1 import moderation_pb2_grpc
from moderation_world import ROOM, World
from test_moderation_grpc_api import KEY, PEM, token_for

from hearth_common import least_roles, testing
from hearth_common.clock import utcnow
from hearth_common.least_roles import ADMIN, MEMBER, MODERATOR
from hearth_common.least_roles import ModerationIds as Ids
from hearth_common.tokens import TokenVerifier
from moderation_service import settings as settings_module
from moderation_service.adapters.repository import uow_factory
from moderation_service.entrypoints.grpc_server import build_server
from moderation_service.service_layer.pager import PagerService
from moderation_service.service_layer.sanctions import SanctionsService
from moderation_service.service_layer.services import ModerationService

T = 5
SERVICE = pb.DESCRIPTOR.services_by_name["ModerationService"]
METHODS = SERVICE.methods
METHOD_NAMES = [m.name for m in METHODS]

LEAST_ROLE = least_roles.MODERATION_LEAST_ROLE  # the one table, shared with tests/e2e/test_e2e_roles.py
LEAST_CALLER = least_roles.MODERATION_LEAST_CALLER
ADMIN_ONLY_VARIANTS = least_roles.MODERATION_ADMIN_ONLY_VARIANTS


class RefusedWithAnotherStatus(AssertionError):
    """A caller without the right was refused, but not with PERMISSION_DENIED (what a known gap expects)."""


# Refusals that are real but carry another status than PERMISSION_DENIED: strict xfails that fail only on that
# exact mismatch, so a call that succeeds (a missing check) still fails the test.
KNOWN_GAPS: dict[str, str] = {}  # none left: GetCase, DecideCase and AcknowledgePage now authorise first

# A member naming ids that exist nowhere must learn nothing of what exists: refused as for real ids.
PROBE_GAPS: dict[str, str] = {}


# --- a server and a world for the module ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def engine(moderation_engine):
    testing.truncate_all(moderation_engine)
    yield moderation_engine
    testing.truncate_all(moderation_engine)


@pytest.fixture(scope="module")
def services(engine):
    factory = uow_factory(engine)
    return (ModerationService(factory), SanctionsService(factory), PagerService(factory, poll_interval=0.05))


@pytest.fixture(scope="module")
def stub(moderation_db_url, services):
    service, sanctions, pager = services
    settings = dataclasses.replace(settings_module.load(), database_url=moderation_db_url,
                                   grpc_address="127.0.0.1:0")
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    server = build_server(settings, service, verifier, pager_service=pager, sanctions_service=sanctions)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield moderation_pb2_grpc.ModerationServiceStub(channel)
    server.stop(grace=1)


@pytest.fixture(scope="module")
def ids(services, stub):
    service, sanctions, pager = services
    world = World(service, utcnow)
    world.sessions = sanctions
    admin, moderator, other = world.admin(), world.moderator("mod_mia", ROOM), world.moderator("mod_max", ROOM)
    subject, reporter, member = world.member("sam"), world.member("riley"), world.member("pat")
    for on_duty in (moderator, other):
        pager.go_on_duty(on_duty, room_slugs=[ROOM], hours=1)
    message = world.post(subject, "nobody wants you here")
    service.report_message(reporter, message, "unkind")
    [case] = service.queue(admin)
    warning = sanctions.issue_warning(moderator, subject, "unkind", room_slug=ROOM)
    mute = sanctions.impose(moderator, subject, "mute", ROOM, 30, "flooding")
    page = pager.summon(reporter, ROOM, "troll")  # reaches the room's moderators on duty, never the member
    rule = service.automod.create_rule(admin, {"kind": "word", "pattern": "plums", "action": "flag",
                                               "explanation": "No plums here.", "scope": f"room:{ROOM}"})
    found = Ids(room=ROOM, admin=admin, moderator=moderator, other_moderator=other, subject=subject, reporter=reporter,
                member=member, message=message, case=case["id"], warning=warning["id"], sanction=mute["id"],
                page=page["page_id"], rule=rule["rule"]["id"])
    # another author's post: its report opens its own case (a course is no room's moderator's, and the room's
    # moderator must still act on the subject's case)
    found.post = world.course_post(reporter, "a post in the course")
    found.appealable_warning = sanctions.issue_warning(moderator, subject, "spam", room_slug=ROOM)["id"]
    found.appeal = stub.FileAppeal(pb.FileAppealRequest(subject_kind="sanction", subject_id=mute["id"],
                                                        text="I was not flooding"),
                                   metadata=bearer(subject), timeout=T).appeal.id
    found.ladder = stub.GetLadder(pb.GetLadderRequest(), metadata=bearer(admin), timeout=T).ladder
    return found


# --- requests, calls and the database's fingerprint ------------------------------------------------------------

def bearer(person_id: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {token_for(person_id)}")]


def request_for(method, ids: Ids, overrides: dict | None = None):
    return least_roles.moderation_request(method, ids, overrides)


def call(stub, method, request, metadata=None):
    return testing.grpc_status(stub, method, request, metadata, timeout=T)


def sign(claims: dict) -> str:
    """A token signed by the key the test server trusts."""
    return jwt.encode(claims, KEY, algorithm="EdDSA", headers={"kid": "test-key"})


# --- the tests -------------------------------------------------------------------------------------------------

def test_the_role_table_covers_exactly_the_services_methods():
    missing = sorted(set(METHOD_NAMES) - set(LEAST_ROLE))
    stale = sorted(set(LEAST_ROLE) - set(METHOD_NAMES))
    assert not missing, f"RPCs without a row in LEAST_ROLE (add the least role that may call each): {missing}"
    assert not stale, f"LEAST_ROLE rows for RPCs the service no longer has: {stale}"
    assert set(LEAST_ROLE.values()) <= {MEMBER, MODERATOR, ADMIN}
    assert set(KNOWN_GAPS) <= set(METHOD_NAMES)


@pytest.mark.parametrize("method", METHODS, ids=METHOD_NAMES)
def test_every_rpc_refuses_a_missing_expired_or_forged_token(stub, ids, engine, method):
    request = request_for(method, ids)
    before = testing.table_fingerprints(engine)
    # an admin's claims: even theirs, expired or forged, opens nothing
    tokens = testing.refused_bearers(sign, {"iss": "hearth-identity", "aud": "hearth", "sub": ids.admin,
                                            "roles": []})
    answered = {what: call(stub, method, request, metadata)[0] for what, metadata in tokens.items()}
    assert answered == dict.fromkeys(tokens, grpc.StatusCode.UNAUTHENTICATED), method.name
    assert testing.table_fingerprints(engine) == before, f"{method.name} changed the database, unauthenticated"


def denial_cases():
    for label, method, role, overrides in least_roles.denials(SERVICE, LEAST_ROLE, ADMIN_ONLY_VARIANTS):
        marks = [pytest.mark.xfail(strict=True, raises=RefusedWithAnotherStatus, reason=KNOWN_GAPS[method.name])
                 ] if method.name in KNOWN_GAPS and overrides is None else []
        yield pytest.param(method, role or MEMBER, overrides, id=label, marks=marks)


@pytest.mark.parametrize("method, role, overrides", list(denial_cases()))
def test_a_role_without_the_right_is_permission_denied_and_nothing_changes(stub, ids, engine, method, role,
                                                                           overrides):
    if method.name not in LEAST_ROLE:
        pytest.fail(f"{method.name} has no row in LEAST_ROLE: add the least role that may call it")
    caller = ids.member if role == MEMBER else ids.moderator
    request = request_for(method, ids, overrides)
    before = testing.table_fingerprints(engine)
    code, details = call(stub, method, request, bearer(caller))
    changed = testing.table_fingerprints(engine) != before
    if code != grpc.StatusCode.PERMISSION_DENIED and code not in (grpc.StatusCode.OK, grpc.StatusCode.UNIMPLEMENTED) \
            and method.name in KNOWN_GAPS:
        raise RefusedWithAnotherStatus(f"{method.name} as a {role}: {code.name} ({details})")
    assert code == grpc.StatusCode.PERMISSION_DENIED, (
        f"{method.name} as a {role} (least role {LEAST_ROLE[method.name]}): expected PERMISSION_DENIED, got "
        f"{code.name} ({details}); OK means the RPC lacks the check, INVALID_ARGUMENT or NOT_FOUND that the "
        f"request needs a well-formed value in VALUES (or that the check comes after the lookup)")
    assert not changed, f"{method.name} refused a {role} but changed the database"


def probe_cases():
    for method in METHODS:
        if LEAST_ROLE.get(method.name, MEMBER) != MEMBER and any(
                f.name.endswith(("_id", "_ids")) for f in getattr(pb, method.input_type.name).DESCRIPTOR.fields):
            marks = [pytest.mark.xfail(strict=True, raises=RefusedWithAnotherStatus, reason=PROBE_GAPS[method.name])
                     ] if method.name in PROBE_GAPS else []
            yield pytest.param(method, id=method.name, marks=marks)


@pytest.mark.parametrize("method", list(probe_cases()))
def test_a_member_naming_unknown_ids_learns_nothing_of_what_exists(stub, ids, engine, method):
    """Ids that exist nowhere (a case, warning, sanction, page, rule, message, person): the member is refused
    PERMISSION_DENIED as for real ones, never NOT_FOUND (which would tell them what exists)."""
    unknown = dataclasses.replace(ids, **{name: str(uuid.uuid4()) for name in (
        "subject", "reporter", "message", "case", "warning", "sanction", "page", "rule")})
    code, details = call(stub, method, request_for(method, unknown), bearer(ids.member))
    if code not in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.OK) and method.name in PROBE_GAPS:
        raise RefusedWithAnotherStatus(f"{method.name}: {code.name} ({details})")
    assert code == grpc.StatusCode.PERMISSION_DENIED, f"{method.name} as a member: {code.name} ({details})"


@pytest.mark.parametrize("method", METHODS, ids=METHOD_NAMES)
def test_the_least_role_is_answered_the_same_well_formed_request(stub, ids, method):
    """The table is not stricter than the service, and the requests above are well-formed: each RPC's request,
    made by its least role (a plain member; a moderator of the room who did not issue the warning; an admin),
    is answered. Runs last in this module, in the descriptor's order: its calls change the world the refusals
    above use (the case is decided, the page taken, the mute lifted)."""
    least = LEAST_ROLE.get(method.name)
    assert least is not None, f"{method.name} has no row in LEAST_ROLE: add the least role that may call it"
    caller = getattr(ids, LEAST_CALLER[method.name]) if method.name in LEAST_CALLER else {
        MEMBER: ids.member, MODERATOR: ids.other_moderator, ADMIN: ids.admin}[least]
    code, details = call(stub, method, request_for(method, ids), bearer(caller))
    assert code == grpc.StatusCode.OK, f"{method.name} as its least role, a {least}: {code.name} ({details})"
