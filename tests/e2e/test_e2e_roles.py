"""End-to-end: issue 14's scenario (g), its "role without the right" half, over the real processes (identity, room
and moderation, each gRPC server with its worker: the fuzzer's platform). Every moderation RPC whose least role is
moderator or admin (hearth_common.least_roles, the table moderation's in-process auth matrix reads) is called by a
plain member, and every admin-only one (and each admin-only variant) by a moderator of the room, with a well-formed
request naming things that exist: each is refused PERMISSION_DENIED and moderation's database is as it was.

The world is made over gRPC as people would make it: a message posted in room and reported, a case, two warnings,
a mute, a page, an automod rule, an appeal. Moderation's database is only read, for the fingerprints."""
import grpc
import pytest
from e2e_helpers import ADMIN
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.moderation.v1 import moderation_pb2 as mpb
from hearth.moderation.v1 import moderation_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from test_e2e_fuzz import OPEN_ROOM, PASSWORD, T, bearer, platform  # noqa: F401  (fixture)

from hearth_common import least_roles, testing
from hearth_common.db import make_engine
from hearth_common.least_roles import ADMIN as ADMIN_ROLE
from hearth_common.least_roles import MEMBER, MODERATOR

MODERATION = mpb.DESCRIPTOR.services_by_name["ModerationService"]
DENIALS = list(least_roles.denials(MODERATION, least_roles.MODERATION_LEAST_ROLE,
                                   least_roles.MODERATION_ADMIN_ONLY_VARIANTS))


def answered(call, *codes):
    """The call's answer once the events it relies on have reached the service (until then one of `codes`)."""

    def attempt():
        try:
            return call()
        except grpc.RpcError as exc:
            if exc.code() not in codes:
                raise
            return None

    return testing.eventually(attempt, timeout=30, what="the service's read models to catch up")


@pytest.fixture(scope="module")
def world(platform):  # noqa: F811  (the fixture imported above)
    """The moderation world of the in-process matrix, made over the real processes: returns the ids, each caller's
    metadata by role, the moderation stub and an engine on moderation's database (read only)."""
    channels, auth, known, databases = platform
    identity = identity_pb2_grpc.IdentityServiceStub(channels["identity"])
    rooms = room_pb2_grpc.RoomServiceStub(channels["room"])
    moderation = moderation_pb2_grpc.ModerationServiceStub(channels["moderation"])
    admin_md = auth["admin"]
    admin_id = identity.Login(ipb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T).person.id

    def person(name):
        person_id = identity.Register(ipb.RegisterRequest(username=name, password=PASSWORD, date_of_birth="1990-01-01",
                                                          kind=ipb.PERSON_KIND_MEMBER), timeout=T).person.id
        return person_id, bearer(identity.Login(ipb.LoginRequest(username=name, password=PASSWORD), timeout=T))

    def room_moderator(name):
        person_id, md = person(name)
        identity.GrantRole(ipb.GrantRoleRequest(person_id=person_id, role=ipb.ROLE_CHAT_ROOM_MODERATOR,
                                                room_id=OPEN_ROOM), metadata=admin_md, timeout=T)
        return person_id, md

    (moderator, moderator_md), (other, other_md) = room_moderator("roles_mod_mia"), room_moderator("roles_mod_max")
    (subject, subject_md), (reporter, reporter_md) = person("roles_sam"), person("roles_riley")
    for md in (subject_md, reporter_md):
        testing.eventually(lambda md=md: "try again" not in " ".join(rooms.CheckAccess(
            rpb.CheckAccessRequest(slug=OPEN_ROOM), metadata=md, timeout=T).access.missing))
        rooms.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=md, timeout=T)
    message = rooms.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body="nobody wants you here"),
                                metadata=subject_md, timeout=T).message.message_id
    answered(lambda: moderation.ReportMessage(mpb.ReportMessageRequest(message_id=message, reason="unkind"),
                                              metadata=reporter_md, timeout=T),
             grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION)
    [case] = [c for c in moderation.ListQueue(mpb.ListQueueRequest(), metadata=admin_md, timeout=T).cases
              if c.subject.person_id == subject]
    for md in (moderator_md, other_md):  # once each role has reached moderation
        answered(lambda md=md: moderation.GoOnDuty(mpb.GoOnDutyRequest(room_slugs=[OPEN_ROOM], hours=1), metadata=md,
                                                   timeout=T), grpc.StatusCode.PERMISSION_DENIED)
    warning = moderation.IssueWarning(mpb.IssueWarningRequest(person_id=subject, reason="unkind", room_slug=OPEN_ROOM),
                                      metadata=moderator_md, timeout=T).warning.id
    mute = moderation.ImposeSanction(mpb.ImposeSanctionRequest(person_id=subject, kind="mute", room_slug=OPEN_ROOM,
                                                               duration_minutes=30, reason="flooding"),
                                     metadata=moderator_md, timeout=T).sanction.id
    page = moderation.SummonModerator(mpb.SummonModeratorRequest(room_slug=OPEN_ROOM, reason="troll"),
                                      metadata=reporter_md, timeout=T).heard.page_id
    rule = moderation.CreateAutomodRule(mpb.CreateAutomodRuleRequest(rule=mpb.AutomodRuleSpec(
        kind="word", pattern="plums", action="flag", explanation="No plums here.", scope=f"room:{OPEN_ROOM}")),
        metadata=admin_md, timeout=T).rule.id
    appealable = moderation.IssueWarning(mpb.IssueWarningRequest(person_id=subject, reason="spam",
                                                                 room_slug=OPEN_ROOM),
                                         metadata=moderator_md, timeout=T).warning.id
    appeal = moderation.FileAppeal(mpb.FileAppealRequest(subject_kind="sanction", subject_id=mute,
                                                         text="I was not flooding"),
                                   metadata=subject_md, timeout=T).appeal.id
    ladder = moderation.GetLadder(mpb.GetLadderRequest(), metadata=admin_md, timeout=T).ladder
    ids = least_roles.ModerationIds(
        room=OPEN_ROOM, admin=admin_id, moderator=moderator, other_moderator=other, subject=subject,
        reporter=reporter, member=known["id"][0], message=message, case=case.id, warning=warning, sanction=mute,
        page=page, rule=rule, appeal=appeal, appealable_warning=appealable, ladder=ladder)
    engine = make_engine(databases["moderation"])
    # the refused callers by role; and who answers for each least role (LEAST_CALLER "subject": the appellant)
    callers = {MEMBER: auth["member"], MODERATOR: moderator_md,
               "least": {MEMBER: auth["member"], MODERATOR: other_md, ADMIN_ROLE: admin_md, "subject": subject_md}}
    yield ids, callers, moderation, engine, databases["moderation"]
    engine.dispose()


def settled(engine, db_url):
    """Moderation's table fingerprints once its worker has nothing left in hand: every event published, and two
    reads alike."""

    def read():
        if testing.unpublished_events(db_url):
            return None
        first = testing.table_fingerprints(engine)
        return first if testing.table_fingerprints(engine) == first else None

    return testing.eventually(read, what="moderation's worker to settle")


@pytest.mark.parametrize("label, method, role, overrides", DENIALS, ids=[d[0] for d in DENIALS])
def test_a_role_without_the_right_is_refused_by_the_running_moderation_and_nothing_changes(world, label, method,
                                                                                            role, overrides):
    assert role is not None, f"{method.name} has no row in least_roles.MODERATION_LEAST_ROLE"
    ids, callers, moderation, engine, db_url = world
    request = least_roles.moderation_request(method, ids, overrides)
    before = settled(engine, db_url)
    code, details = testing.grpc_status(moderation, method, request, callers[role], timeout=T)
    assert code == grpc.StatusCode.PERMISSION_DENIED, (
        f"{method.name} as a {role} (least role {least_roles.MODERATION_LEAST_ROLE[method.name]}): {code.name} "
        f"({details})")
    assert settled(engine, db_url) == before, f"{method.name} refused a {role} but changed moderation's database"



# ReportCoursePost names a course post, and this platform runs no course: a member's RPC, refused to nobody above.
ANSWERED = [m for m in MODERATION.methods if m.name != "ReportCoursePost"]


@pytest.mark.parametrize("method", ANSWERED, ids=[m.name for m in ANSWERED])
def test_the_least_role_is_answered_the_same_well_formed_request(world, method):
    """The refusals above are for the role, not the request: each RPC's request, made by its least role (a plain
    member; the room's other moderator, who did not issue the warning; an admin; the appellant for FileAppeal), is
    answered by the running moderation. Runs after them, in the descriptor's order, as in the in-process matrix:
    these calls change the world (the case is decided, the page taken, the mute lifted)."""
    ids, callers, moderation, _, _ = world
    least = least_roles.MODERATION_LEAST_ROLE[method.name]
    caller = callers["least"][least_roles.MODERATION_LEAST_CALLER.get(method.name, least)]
    code, details = testing.grpc_status(moderation, method, least_roles.moderation_request(method, ids), caller,
                                        timeout=T)
    assert code == grpc.StatusCode.OK, f"{method.name} as its least role, a {least}: {code.name} ({details})"
