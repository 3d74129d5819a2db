"""gRPC: issue 14's scenario (g), generated from the proto descriptor so that an RPC added later is covered by
itself: every method of ModerationService refuses a missing, expired or forged token with UNAUTHENTICATED and
changes nothing, and every method above "member" in LEAST_ROLE refuses a plain member (and an admin-only one a
chat room moderator) with exactly PERMISSION_DENIED, changing nothing.

A real grpcio server (moderation's build_server, asyncio, on an ephemeral port) over the real PostgreSQL, with a
test signing key. One world per module (people, a message, a case, a warning, a mute, a page), so that each call is
made with a well-formed request naming things that exist: a request refused for its shape (INVALID_ARGUMENT) or
for naming nothing (NOT_FOUND) would hide a missing permission check.

A new RPC fails here until it has a row in LEAST_ROLE, and, if the generic request builder cannot make a
well-formed request for it, until VALUES gives its fields (keyed `Message.field`, or `field` for all messages)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import grpc
import jwt
import pytest
from google.protobuf.descriptor import FieldDescriptor
from hearth.moderation.v1 import moderation_pb2 as pb
from hearth.moderation.v1 import moderation_pb2_grpc
from moderation_world import ROOM, World
from test_moderation_grpc_api import KEY, PEM, token_for

from hearth_common import testing
from hearth_common.clock import utcnow
from hearth_common.proto_convert import to_timestamp
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

MEMBER, MODERATOR, ADMIN = "member", "moderator", "admin"

# The least role that may call each RPC at all (from the service README's tables and the use cases):
# "member": anyone signed in; "moderator": a chat room moderator (of some room; for the matrix's actions a Support
# Session Leader or On-spot Host live in the room also acts there, but a plain member never does); "admin".
LEAST_ROLE = {
    # section 1: reports and the review queue
    "ListReportReasons": MEMBER,
    "ReportMessage": MEMBER,
    "ReportPerson": MEMBER,
    "ReportCoursePost": MEMBER,  # a post in the reporter's own course section
    "ListQueue": MODERATOR,
    "GetCase": MODERATOR,
    "DecideCase": MODERATOR,
    # section 2: warnings, the ladder, sanctions (the permission matrix)
    "IssueWarning": MODERATOR,
    "VoidWarning": MODERATOR,
    "GetLadder": MEMBER,
    "SetLadder": ADMIN,
    "ImposeSanction": MODERATOR,  # a mute or room ban; a global ban is admin-only (ADMIN_ONLY_VARIANTS)
    "KickPerson": MODERATOR,
    "RemoveMessage": MODERATOR,
    "MuteExchange": MODERATOR,
    "LiftSanction": MODERATOR,
    "GetRecord": MODERATOR,
    # section 3: automod rules
    "ListAutomodRules": MODERATOR,
    "CreateAutomodRule": MODERATOR,  # a room:<slug> scope their role covers; any other scope is admin-only
    "UpdateAutomodRule": MODERATOR,
    "DeleteAutomodRule": MODERATOR,
    "TestAutomod": MODERATOR,
    # sections 4 and 5: the rota, summons, referrals, pages, care resources
    "GoOnDuty": MODERATOR,
    "GoOffDuty": MEMBER,
    "ListOnDuty": MODERATOR,
    "SummonModerator": MEMBER,
    "Refer": MEMBER,
    "ListPages": MODERATOR,
    "AcknowledgePage": MODERATOR,
    "StreamPages": MODERATOR,
    "GetCareResources": MODERATOR,
    "SetCareResources": ADMIN,
    # appeals and the audit log (section 6)
    "FileAppeal": MEMBER,  # one's own warning or sanction (LEAST_CALLER: the person warned)
    "ListAppeals": MEMBER,  # one's own; to_decide: the ones the caller may decide
    "DecideAppeal": MODERATOR,
    "ListAuditLog": MODERATOR,  # the rooms they moderate, or their own actions; admins: everything
    "GetModeratorFigures": MODERATOR,  # their own; admins: anyone's
}


class RefusedWithAnotherStatus(AssertionError):
    """A caller without the right was refused, but not with PERMISSION_DENIED (what a known gap expects)."""


# Refusals that are real but carry another status than PERMISSION_DENIED: strict xfails that fail only on that
# exact mismatch, so a call that succeeds (a missing check) still fails the test.
KNOWN_GAPS: dict[str, str] = {}  # none left: GetCase, DecideCase and AcknowledgePage now authorise first

# A member naming ids that exist nowhere must learn nothing of what exists: refused as for real ids.
PROBE_GAPS: dict[str, str] = {}

# Field values of a well-formed request: `Message.field` first, then `field`; a callable takes the world's ids.
# Who answers for a least role where a plain member or the other moderator would not do (an appeal is the
# appellant's own).
LEAST_CALLER = {"FileAppeal": "subject"}
VALUES = {
    "room_slug": ROOM,
    "room_slugs": [ROOM],
    "person_id": lambda ids: ids.subject,
    "person_ids": lambda ids: [ids.subject, ids.reporter],
    "message_id": lambda ids: ids.message,
    "post_id": lambda ids: ids.post,
    "case_id": lambda ids: ids.case,
    "warning_id": lambda ids: ids.warning,
    "sanction_id": lambda ids: ids.sanction,
    "page_id": lambda ids: ids.page,
    "rule_id": lambda ids: ids.rule,
    "ladder": lambda ids: ids.ladder,
    "reason": "unkind",  # a report reason; also a well-formed free-text reason
    "SummonModeratorRequest.reason": "troll",
    "note": "please read the guidelines",
    "decision": "dismiss",
    "remove_messages": False,
    "kind": "mute",
    "duration_minutes": 5,
    "hours": 1,
    "limit": 10,
    "open_only": False,
    "cohort": "adult",
    "lines": ["Samaritans: call 116 123, any time"],
    "text": "hello everyone",
    "scope": f"room:{ROOM}",
    "author_roles": [],
    "AutomodRuleSpec.kind": "word",
    "AutomodRuleSpec.pattern": "grapes",
    "AutomodRuleSpec.action": "flag",
    "AutomodRuleSpec.explanation": "No grapes here.",
    "AutomodRuleSpec.exempt_roles": [],
    "AutomodRuleSpec.report_reason": "unkind",
    "idempotency_key": "",
    "FileAppealRequest.subject_kind": "warning",
    "FileAppealRequest.subject_id": lambda ids: ids.appealable_warning,
    "FileAppealRequest.text": "I was quoting someone else, please look again",
    "appeal_id": lambda ids: ids.appeal,
    "DecideAppealRequest.decision": "upheld",
    "DecideAppealRequest.reason": "the warning stands",
    "moderator_id": lambda ids: ids.other_moderator,
    # a time window is well formed when it ends after it starts (an empty Timestamp for both would not be)
    "since": lambda ids: to_timestamp(utcnow() - dt.timedelta(days=1)),
    "until": lambda ids: to_timestamp(utcnow() + dt.timedelta(days=1)),
}

# Calls of an RPC whose least role is moderator that only an admin may make: a room's moderator is refused.
ADMIN_ONLY_VARIANTS = {
    "ImposeSanction: a global ban": ("ImposeSanction", {"kind": "ban", "room_slug": "", "duration_minutes": 60}),
    "CreateAutomodRule: scope all": ("CreateAutomodRule", {"rule.scope": "all"}),
}


@dataclasses.dataclass
class Ids:
    admin: str
    moderator: str  # a moderator of the room, the caller refused an admin's RPC; issued the warning and the mute
    other_moderator: str  # another moderator of the room (one may not void a warning one issued)
    subject: str  # the person moderated: the message's author, reported, warned, muted
    reporter: str
    member: str  # a plain member in the room, the caller refused
    message: str
    case: str
    warning: str
    sanction: str
    page: str
    rule: str
    post: str = ""  # the reporter's course post (adult section)
    appeal: str = ""
    appealable_warning: str = ""  # a second warning, left for FileAppeal (VoidWarning voids the first earlier)
    ladder: pb.Ladder = None


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
    found = Ids(admin=admin, moderator=moderator, other_moderator=other, subject=subject, reporter=reporter,
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


def value_for(message_name: str, field: FieldDescriptor, ids: Ids):
    for key in (f"{message_name}.{field.name}", field.name):
        if key in VALUES:
            value = VALUES[key]
            return value(ids) if callable(value) else value
    if field.type == FieldDescriptor.TYPE_STRING and field.name.endswith("_id"):
        return str(uuid.uuid4())
    if field.type == FieldDescriptor.TYPE_ENUM:
        return field.enum_type.values[-1].number
    return None


def well_formed(message_class, ids: Ids, overrides: dict | None = None):
    """A request with every field given a well-formed value (VALUES, else a UUID for an id, the last value of an
    enum); `overrides` ("field" or "sub.field") replace some."""
    request = message_class()
    for field in message_class.DESCRIPTOR.fields:
        if field.has_presence and field.containing_oneof is not None and field.message_type is None:
            continue  # a proto3 `optional` scalar (e.g. StreamPagesRequest.after_seq): absent means the default
        value = value_for(message_class.DESCRIPTOR.name, field, ids)
        if field.message_type is not None and not field.is_repeated:
            if value is None:
                value = well_formed(type(getattr(request, field.name)), ids)
            getattr(request, field.name).CopyFrom(value)
        elif value is not None:
            if field.is_repeated:
                getattr(request, field.name).extend(value)
            else:
                setattr(request, field.name, value)
    for path, value in (overrides or {}).items():
        *parents, name = path.split(".")
        target = request
        for parent in parents:
            target = getattr(target, parent)
        setattr(target, name, value)
    return request


def request_for(method, ids: Ids, overrides: dict | None = None):
    return well_formed(getattr(pb, method.input_type.name), ids, overrides)


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
    for method in METHODS:
        least = LEAST_ROLE.get(method.name)
        marks = [pytest.mark.xfail(strict=True, raises=RefusedWithAnotherStatus, reason=KNOWN_GAPS[method.name])
                 ] if method.name in KNOWN_GAPS else []
        if least is None:  # fails in the test, naming the RPC
            yield pytest.param(method, MEMBER, None, id=f"{method.name}-no-row")
            continue
        if least in (MODERATOR, ADMIN):
            yield pytest.param(method, MEMBER, None, id=f"{method.name}-as-member", marks=marks)
        if least == ADMIN:
            yield pytest.param(method, MODERATOR, None, id=f"{method.name}-as-moderator", marks=marks)
    for label, (name, overrides) in ADMIN_ONLY_VARIANTS.items():
        method = SERVICE.methods_by_name[name]
        yield pytest.param(method, MODERATOR, overrides, id=f"{label}-as-moderator")


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
