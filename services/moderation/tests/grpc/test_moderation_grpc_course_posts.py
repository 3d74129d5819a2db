"""gRPC: course posts over moderation's API (a real grpcio server, the real PostgreSQL): ReportCoursePost's answers
and refusals, and what a moderator sees of a reported post (its course and discussion) and decides (course's
removal recorded for the worker)."""
import grpc
import pytest
import sqlalchemy as sa
from hearth.moderation.v1 import moderation_pb2 as pb
from hearth.moderation.v1 import moderation_pb2_grpc
from moderation_world import COURSE, DISCUSSION, World
from test_moderation_grpc_api import PEM, md

from hearth_common.clock import utcnow
from hearth_common.tokens import TokenVerifier
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.entrypoints.grpc_server import build_server
from moderation_service.service_layer.services import ModerationService

T = 5


@pytest.fixture
def world(clean_engine):
    return World(ModerationService(uow_factory(clean_engine)), utcnow)


@pytest.fixture
def stub(moderation_settings, world):
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    server = build_server(moderation_settings, world.service, verifier)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield moderation_pb2_grpc.ModerationServiceStub(channel)
    server.stop(grace=1)


def refused(call, request, metadata):
    with pytest.raises(grpc.RpcError) as info:
        call(request, metadata=metadata, timeout=T)
    return info.value


def test_a_learner_reports_a_post_and_a_moderator_of_every_room_removes_it_through_course(
        stub, world, clean_engine):
    author, reporter = world.person("sam"), world.person("riley")
    post_id = world.course_post(author, "nobody cares what you think")

    report = stub.ReportCoursePost(pb.ReportCoursePostRequest(post_id=post_id, reason="unkind", idempotency_key="k"),
                                   metadata=md(reporter), timeout=T).report
    assert (report.message_id, report.course_slug, report.discussion_id, report.room_slug) == (
        post_id, COURSE, DISCUSSION, "")
    again = stub.ReportCoursePost(pb.ReportCoursePostRequest(post_id=post_id, reason="unkind", idempotency_key="k"),
                                  metadata=md(reporter), timeout=T).report
    assert again == report

    moderator = world.moderator("mod_every", None)
    [case] = stub.ListQueue(pb.ListQueueRequest(), metadata=md(moderator), timeout=T).cases
    assert list(case.course_slugs) == [COURSE] and list(case.room_slugs) == []
    assert case.reports[0].message_body == "nobody cares what you think"
    decided = stub.DecideCase(pb.DecideCaseRequest(case_id=case.id, decision="agree", remove_messages=True),
                              metadata=md(moderator), timeout=T).case
    assert list(decided.removed_message_ids) == [post_id]
    with clean_engine.connect() as conn:  # course's removal, recorded for the worker's runner
        assert conn.execute(sa.select(orm.room_actions.c.kind, orm.room_actions.c.args["post_id"].as_string())
                            ).all() == [("remove_post", post_id)]


def test_report_course_post_refusals_carry_the_documented_statuses(stub, world):
    adult, teen = world.person("sam"), world.person("tia", cohort="teen")
    post_id, room_message = world.course_post(adult), world.post(world.member("pat"))

    other_section = refused(stub.ReportCoursePost, pb.ReportCoursePostRequest(post_id=post_id, reason="spam"),
                            md(teen))
    assert other_section.code() == grpc.StatusCode.FAILED_PRECONDITION and "section" in other_section.details()
    own = refused(stub.ReportCoursePost, pb.ReportCoursePostRequest(post_id=post_id, reason="spam"), md(adult))
    assert own.code() == grpc.StatusCode.FAILED_PRECONDITION and "yourself" in own.details()
    for unknown in ("f00d", room_message):
        missing = refused(stub.ReportCoursePost, pb.ReportCoursePostRequest(post_id=unknown, reason="spam"),
                          md(teen))
        assert missing.code() == grpc.StatusCode.NOT_FOUND
    no_id = refused(stub.ReportCoursePost, pb.ReportCoursePostRequest(reason="spam"), md(teen))
    assert no_id.code() == grpc.StatusCode.INVALID_ARGUMENT and "post_id" in no_id.details()
    room_moderator = world.moderator("mod_room", "anxiety-support")
    stub.ReportCoursePost(pb.ReportCoursePostRequest(post_id=post_id, reason="spam"), metadata=md(world.person("r")),
                          timeout=T)
    assert list(stub.ListQueue(pb.ListQueueRequest(), metadata=md(room_moderator), timeout=T).cases) == [], \
        "a room's moderator does not moderate a course"
