"""gRPC: every course API that returns a person's section, called as every kind of caller, shows or refuses each
field as the table in course_service/service_layer/person_fields.py (and so the README) says (issue 17 §2)."""
import grpc
import pytest
import test_course_grpc_api as api
from hearth.course.v1 import course_pb2 as pb
from test_course_grpc_api import FORTY_WORDS, GD_RIGHT, T, md, session_envelope

from course_service.service_layer.person_fields import TABLE
from hearth_common.person_visibility import ADMIN, MODERATOR, NOT_CARRIED, PEER, REFUSED, SELF, SHOWN, VIEWERS

# The API tests' fixtures: a seeded service on a clean database, its world, and a real server's stub.
service, world, channel, stub = api.service, api.world, api.channel, api.stub

COURSE = "group-dynamics"


@pytest.fixture
def scene(stub, service, world):
    """A teen learner (the subject) who completed the course with a teen mentor; a teen and an adult peer; an
    admin."""
    callers = {"subject": world.listener("tia_teen", cohort="teen"), "teen peer": world.listener("tom_teen", "teen"),
               "adult peer": world.listener("abe_adult"), "mentor": world.listener("mia_mentor", "teen"),
               "admin": world.admin()}
    tia = callers["subject"]
    stub.Enrol(pb.EnrolRequest(course_slug=COURSE), metadata=md(tia), timeout=T)
    stub.AssignMentor(pb.AssignMentorRequest(course_slug=COURSE, person_id=tia.person_id,
                                             mentor_id=callers["mentor"].person_id), metadata=md(callers["admin"]),
                      timeout=T)
    for discussion in stub.GetCourse(pb.GetCourseRequest(slug=COURSE), metadata=md(tia), timeout=T).discussions:
        stub.CreatePost(pb.CreatePostRequest(course_slug=COURSE, discussion_id=discussion.id, body=FORTY_WORDS),
                        metadata=md(tia), timeout=T)
    stub.SubmitQuizAttempt(pb.SubmitQuizAttemptRequest(course_slug=COURSE, quiz_id="group-dynamics-check",
                                                       answers=GD_RIGHT), metadata=md(tia), timeout=T)
    service.progress.record_session(session_envelope(tia.person_id))
    stub.ReviewPracticum(pb.ReviewPracticumRequest(course_slug=COURSE, person_id=tia.person_id, decision="approve",
                                                   feedback="Well held."), metadata=md(callers["mentor"]), timeout=T)
    return callers


def callers_of(viewer):
    return {PEER: ["teen peer", "adult peer"], SELF: ["subject"], MODERATOR: ["mentor"], ADMIN: ["admin"]}[viewer]


def fields_from(stub, api, caller, callers):
    """The table's fields as an API answers this caller about the subject; raises RpcError if refused."""
    tia, m = callers["subject"], md(callers[caller])
    if api == "GetProgress":
        progress = stub.GetProgress(pb.GetProgressRequest(course_slug=COURSE, person_id=tia.person_id), metadata=m,
                                    timeout=T)
        return {"progress.person_id": progress.person_id, "progress.section": progress.section,
                "certificate": progress.completion.certificate_id}
    if api == "ListCompletions":
        [completion] = stub.ListCompletions(pb.ListCompletionsRequest(person_id=tia.person_id), metadata=m,
                                            timeout=T).completions
        return {"completion.username": completion.username, "completion.section": completion.section}
    if api == "VerifyCertificate":
        certificate = fields_from(stub, "GetProgress", "subject", callers)["certificate"]
        verified = stub.VerifyCertificate(pb.VerifyCertificateRequest(certificate_id=certificate), metadata=m,
                                          timeout=T)
        return {"certificate.username": verified.username}
    raise AssertionError(f"the table names {api}, which this test does not know how to call")


def test_no_certificate_carries_a_section_an_age_or_a_date_of_birth():
    for r in TABLE.rows:
        if set(r.seen.values()) == {NOT_CARRIED}:
            name = r.field.split(".")[-1]
            assert name not in pb.VerifyCertificateResponse.DESCRIPTOR.fields_by_name
            for message in (pb.Post, pb.MentorQueueItem, pb.Mentorship):
                assert name == "section" or name not in message.DESCRIPTOR.fields_by_name


@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_api_shows_the_learner_as_the_table_says(stub, scene, viewer):
    wanted = {"progress.person_id": scene["subject"].person_id, "progress.section": "teen",
              "completion.username": "tia_teen", "completion.section": "teen", "certificate.username": "tia_teen"}
    rows = [r for r in TABLE.rows if set(r.seen.values()) != {NOT_CARRIED}]
    for api_name in sorted({a for r in rows for a in r.apis}):
        cells = {r.field: r.seen[viewer] for r in rows if api_name in r.apis}
        for caller in callers_of(viewer):
            if set(cells.values()) == {REFUSED}:
                with pytest.raises(grpc.RpcError) as refused:
                    fields_from(stub, api_name, caller, scene)
                assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED, (api_name, caller)
                assert "teen" not in refused.value.details()
                continue
            seen = fields_from(stub, api_name, caller, scene)
            for field, cell in cells.items():
                assert cell == SHOWN and seen[field] == wanted[field], (api_name, caller, field)
