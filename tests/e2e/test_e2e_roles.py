"""End-to-end: issue 14's scenario (g), its "role without the right" half, over the real processes (identity, room
and moderation, each gRPC server with its worker: the fuzzer's platform; course's processes started on it). Every
moderation RPC whose least role is moderator or admin (hearth_common.least_roles, the table moderation's in-process
auth matrix reads) is called by a plain member, and every admin-only one (and each admin-only variant) by a
moderator of the room, with a well-formed request naming things that exist: each is refused PERMISSION_DENIED and
moderation's database is as it was. The same for course's table: its admin-only RPCs as a member and as a chat room
moderator, the mentor's review and a member's calls naming another person as a plain member; and identity's
admin-only RPCs as a member and as a moderator. After the refusals, each table's least role is answered the same
requests (the proof that the refusals are for the role, not for the request).

The world is made over gRPC as people would make it: a message posted in room and reported, a case, two warnings,
a mute, a page, an automod rule, an appeal. Moderation's database is only read, for the fingerprints."""
import json
import subprocess

import grpc
import pytest
import sqlalchemy as sa
from e2e_helpers import ADMIN, BIN, Proc, free_port, wait_serving
from hearth.course.v1 import course_pb2 as cpb
from hearth.course.v1 import course_pb2_grpc
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
    return testing.eventually_answered(call, *codes, what="the service's read models to catch up")


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



# Member's RPCs, refused to nobody above, left out: ReportCoursePost names a course post (course starts later); Refer
# names the subject, whom KickPerson's removal (the worker's call to room, moments after) may have taken out of the
# room by then.
ANSWERED = [m for m in MODERATION.methods if m.name not in ("ReportCoursePost", "Refer")]


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


# --- course's admin-only RPCs (and a member's naming another person) over course's real processes -----------------

COURSE = cpb.DESCRIPTOR.services_by_name["CourseService"]
COURSE_DENIALS = list(least_roles.denials(COURSE, least_roles.COURSE_LEAST_ROLE, least_roles.COURSE_OTHERS_VARIANTS,
                                          variants_refused=MEMBER))
GROUP_DYNAMICS = "group-dynamics"  # seeded: published, for listeners, asks for a practicum and mentor approval


@pytest.fixture(scope="module")
def course_world(platform, world, e2e_env, tmp_path_factory):  # noqa: F811  (the fixture imported above)
    """course-migrate (with its seed), course-worker and course-grpc started on the platform; a listener enrolled in
    the seeded course with a post of theirs, and a draft course an admin made. Returns the ids, the refused callers
    by role, the course stub, an engine on course's database (read only) and its URL."""
    channels, auth, _, _ = platform
    ids, callers, _, _, _ = world
    env, _, identity_target = e2e_env
    log_dir = tmp_path_factory.mktemp("course-roles-logs")
    db_url = testing.create_database("hearth_course_roles")
    target = f"127.0.0.1:{free_port()}"
    course_env = {**env, "COURSE_DATABASE_URL": db_url, "COURSE_AMQP_URI": env["IDENTITY_AMQP_URI"],
                  "COURSE_IDENTITY_GRPC_TARGET": identity_target, "COURSE_GRPC_ADDRESS": target,
                  "COURSE_WORKER_HEARTBEAT_FILE": str(log_dir / "course.hb")}
    subprocess.run([str(BIN / "course-migrate")], env=course_env, check=True, capture_output=True, timeout=120)
    procs = [Proc("course-worker", course_env, log_dir), Proc("course-grpc", course_env, log_dir)]
    channel = grpc.insecure_channel(target)
    engine = make_engine(db_url)
    try:
        wait_serving(target, procs[1])
        course = course_pb2_grpc.CourseServiceStub(channel)
        identity = identity_pb2_grpc.IdentityServiceStub(channels["identity"])
        admin_md = auth["admin"]
        learner = identity.Register(ipb.RegisterRequest(username="roles_lena", password=PASSWORD,
                                                        date_of_birth="1990-01-01", kind=ipb.PERSON_KIND_LISTENER),
                                    timeout=T).person.id
        learner_md = bearer(identity.Login(ipb.LoginRequest(username="roles_lena", password=PASSWORD), timeout=T))
        answered(lambda: course.Enrol(cpb.EnrolRequest(course_slug=GROUP_DYNAMICS), metadata=learner_md, timeout=T),
                 grpc.StatusCode.FAILED_PRECONDITION)  # until course knows the learner
        got = answered(lambda: course.GetCourse(cpb.GetCourseRequest(slug=GROUP_DYNAMICS), metadata=admin_md,
                                                timeout=T), grpc.StatusCode.PERMISSION_DENIED)  # the admin's role
        discussions = [d.id for d in got.discussions]
        quiz = next(r["id"] for r in json.loads(got.listing.course.requirements_json) if r["kind"] == "quiz")
        post = course.CreatePost(cpb.CreatePostRequest(course_slug=GROUP_DYNAMICS, discussion_id=discussions[0],
                                                       body="I noticed how quiet people settle in."),
                                 metadata=learner_md, timeout=T).post.id
        draft = course.CreateCourse(cpb.CreateCourseRequest(slug="roles-draft", title="A draft"), metadata=admin_md,
                                    timeout=T).course.slug
        testing.eventually(lambda: known_here(engine, ids.other_moderator), what="course to know the mentor")
        course_ids = least_roles.CourseIds(course=GROUP_DYNAMICS, draft_course=draft, discussions=discussions,
                                           learner=learner, mentor=ids.other_moderator, post=post, quiz=quiz)
        yield course_ids, callers, course, engine, db_url, admin_md
    finally:
        channel.close()
        engine.dispose()
        testing.stop_processes([proc.process for proc in procs])
        testing.drop_database(db_url)


def known_here(engine, person_id: str) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(sa.text("SELECT count(*) FROM people WHERE person_id = :p AND username IS NOT NULL"),
                                 {"p": person_id}).scalar_one())


@pytest.mark.parametrize("label, method, role, overrides", COURSE_DENIALS, ids=[d[0] for d in COURSE_DENIALS])
def test_a_role_without_the_right_is_refused_by_the_running_course_and_nothing_changes(course_world, label, method,
                                                                                        role, overrides):
    if role is None:
        pytest.fail(f"{method.name} has no row in least_roles.COURSE_LEAST_ROLE")
    ids, callers, course, engine, db_url, _ = course_world
    request = least_roles.course_request(method, ids, overrides)
    before = settled(engine, db_url)
    code, details = testing.grpc_status(course, method, request, callers[role], timeout=T)
    assert code == grpc.StatusCode.PERMISSION_DENIED, (
        f"{method.name} as a {role} (least role {least_roles.COURSE_LEAST_ROLE[method.name]}): {code.name} "
        f"({details})")
    assert settled(engine, db_url) == before, f"{method.name} refused a {role} but changed course's database"


# Nobody completed the course in this world (a completion to revoke), and the learner's practicum waits for no
# review (ReviewPracticum needs the practicum met): their refusals above rest on the admin and mentor checks alone.
ADMIN_ANSWERED = [m for m in COURSE.methods if least_roles.COURSE_LEAST_ROLE.get(m.name) == ADMIN_ROLE
                  and m.name != "RevokeCompletion"]


@pytest.mark.parametrize("method", ADMIN_ANSWERED, ids=[m.name for m in ADMIN_ANSWERED])
def test_an_admin_is_answered_the_same_course_requests(course_world, method):
    """The course refusals above are for the role: the same requests, made by an admin, are answered (after them, in
    the descriptor's order: they change the course)."""
    ids, _, course, _, _, admin_md = course_world
    code, details = testing.grpc_status(course, method, least_roles.course_request(method, ids), admin_md, timeout=T)
    assert code == grpc.StatusCode.OK, f"{method.name} as an admin: {code.name} ({details})"


# --- identity's admin-only RPCs over identity's real processes ----------------------------------------------------

IDENTITY = ipb.DESCRIPTOR.services_by_name["IdentityService"]
IDENTITY_DENIALS = list(least_roles.denials(IDENTITY, least_roles.IDENTITY_LEAST_ROLE))
IDENTITY_ADMIN_ONLY = [m for m in IDENTITY.methods if least_roles.IDENTITY_LEAST_ROLE.get(m.name) == ADMIN_ROLE]


@pytest.fixture(scope="module")
def identity_world(platform, world, e2e_env):  # noqa: F811  (the fixture imported above)
    """A grant that exists (the room's other moderator's) and a badge the subject holds; returns the ids, the refused
    callers by role, the identity stub, an engine on identity's database (read only), its URL and the admin's
    metadata."""
    channels, auth, _, _ = platform
    ids, callers, _, _, _ = world
    _, db_url, _ = e2e_env
    identity = identity_pb2_grpc.IdentityServiceStub(channels["identity"])
    [grant] = identity.ListRoles(ipb.ListRolesRequest(person_id=ids.other_moderator), metadata=auth["admin"],
                                 timeout=T).grants
    identity.AwardBadge(ipb.AwardBadgeRequest(person_id=ids.subject, badge_slug="chief-chat", reason="kind words",
                                              idempotency_key="roles-chief-chat"), metadata=auth["admin"], timeout=T)
    engine = make_engine(db_url)
    yield (least_roles.IdentityIds(person=ids.subject, room=OPEN_ROOM, grant=grant.id, badge="chief-chat",
                                   new_badge="compassion-hero"), callers,
           identity, engine, db_url, auth["admin"])
    engine.dispose()


@pytest.mark.parametrize("label, method, role, overrides", IDENTITY_DENIALS, ids=[d[0] for d in IDENTITY_DENIALS])
def test_a_role_without_the_right_is_refused_by_the_running_identity_and_nothing_changes(identity_world, label,
                                                                                          method, role, overrides):
    if role is None:
        pytest.fail(f"{method.name} has no row in least_roles.IDENTITY_LEAST_ROLE")
    ids, callers, identity, engine, db_url, _ = identity_world
    request = least_roles.identity_request(method, ids, overrides)
    before = settled(engine, db_url)
    code, details = testing.grpc_status(identity, method, request, callers[role], timeout=T)
    assert code == grpc.StatusCode.PERMISSION_DENIED, f"{method.name} as a {role}: {code.name} ({details})"
    assert settled(engine, db_url) == before, f"{method.name} refused a {role} but changed identity's database"


@pytest.mark.parametrize("method", IDENTITY_ADMIN_ONLY, ids=[m.name for m in IDENTITY_ADMIN_ONLY])
def test_an_admin_is_answered_the_same_identity_requests(identity_world, method):
    """The identity refusals above are for the role: an admin's same requests are answered (after them)."""
    ids, _, identity, _, _, admin_md = identity_world
    code, details = testing.grpc_status(identity, method, least_roles.identity_request(method, ids), admin_md,
                                        timeout=T)
    assert code == grpc.StatusCode.OK, f"{method.name} as an admin: {code.name} ({details})"
