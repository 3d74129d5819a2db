"""End-to-end: identity, course and moderation as real processes (issue 15 section 2's last bullet): a learner's
course post reaches moderation by course's events, another learner of the section reports it, a moderator of every
room agrees and removes it, and moderation's worker has course remove it (the post shows as removed in its thread).
moderation is started last, on a platform already running: it backfills identity's and course's past events."""
import subprocess

import grpc
import pytest
from e2e_helpers import BIN, Proc, free_port, wait_serving
from hearth.course.v1 import course_pb2_grpc
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.moderation.v1 import moderation_pb2 as mpb
from hearth.moderation.v1 import moderation_pb2_grpc
from test_e2e_course_threads import COURSE, enrolled, post, thread
from test_e2e_live import People
from test_e2e_moderation import eventually_ok
from test_e2e_rooms import PASSWORD, T

from hearth_common import testing


@pytest.fixture
def course_moderation_stack(course_stack, e2e_env, tmp_path):
    env, _, identity_target = e2e_env
    db_url = testing.create_database("hearth_moderation_course_e2e")
    target = f"127.0.0.1:{free_port()}"
    mod_env = {**env, "MODERATION_DATABASE_URL": db_url, "MODERATION_AMQP_URI": env["IDENTITY_AMQP_URI"],
               "MODERATION_IDENTITY_GRPC_TARGET": identity_target, "MODERATION_GRPC_ADDRESS": target,
               "MODERATION_WORKER_HEARTBEAT_FILE": str(tmp_path / "moderation.hb")}
    subprocess.run([str(BIN / "moderation-migrate")], env=mod_env, check=True, capture_output=True, timeout=120)
    worker, grpc_proc = Proc("moderation-worker", mod_env, tmp_path), Proc("moderation-grpc", mod_env, tmp_path)
    queue = "evt-course-course_post_created--moderation.on_course_post_created"
    testing.wait_consuming(env["IDENTITY_AMQP_URI"], queue,
                           alive=lambda: None if worker.process.poll() is None else worker.log_path.read_text())
    wait_serving(target, grpc_proc)
    yield (*course_stack, target)
    for proc in (grpc_proc, worker):
        proc.terminate()
    testing.drop_database(db_url)


def test_a_reported_course_post_is_removed_through_course_on_a_moderators_decision(course_moderation_stack):
    identity_target, course_target, moderation_target = course_moderation_stack
    people = People(identity_target)
    courses = course_pb2_grpc.CourseServiceStub(grpc.insecure_channel(course_target))
    moderation = moderation_pb2_grpc.ModerationServiceStub(grpc.insecure_channel(moderation_target))
    author, author_md = enrolled(people, courses, "e2e_cm_author")
    _, reporter_md = enrolled(people, courses, "e2e_cm_reporter")
    posted = post(courses, author_md, "Nobody here cares what you think, honestly.")

    request = mpb.ReportCoursePostRequest(post_id=posted.id, reason="unkind", idempotency_key="e2e-course-report")
    report = eventually_ok(lambda: moderation.ReportCoursePost(request, metadata=reporter_md, timeout=T),
                           grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION).report
    assert (report.subject_id, report.course_slug, report.room_slug) == (author, COURSE, "")

    people.moderator("e2e_cm_moderator")
    token = people.identity.Login(ipb.LoginRequest(username="e2e_cm_moderator", password=PASSWORD),
                                  timeout=T).tokens.access_token
    moderator_md = [("authorization", f"Bearer {token}")]

    def one_case():
        cases = moderation.ListQueue(mpb.ListQueueRequest(), metadata=moderator_md, timeout=T).cases
        return cases if len(cases) == 1 else None

    [case] = eventually_ok(one_case, grpc.StatusCode.PERMISSION_DENIED)  # until the role reaches moderation
    assert case.subject.person_id == author and list(case.course_slugs) == [COURSE]
    decided = moderation.DecideCase(mpb.DecideCaseRequest(case_id=case.id, decision="agree", remove_messages=True),
                                    metadata=moderator_md, timeout=T).case
    assert list(decided.removed_message_ids) == [posted.id]

    def removed():
        [shown] = [p for p in thread(courses, reporter_md).posts if p.id == posted.id]
        return shown if shown.state == "removed" else None

    shown = testing.eventually(removed, timeout=30, what="course to remove the post")
    assert shown.body == ""
