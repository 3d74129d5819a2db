"""gRPC: every course API that returns a person (or their section), called as every kind of caller, shows or refuses
each field as the table in course_service/service_layer/person_fields.py (and so the README) says (issue 17 §2)."""
import grpc
import pytest
import test_course_grpc_api as api
from hearth.course.v1 import course_pb2 as pb
from test_course_grpc_api import FORTY_WORDS, GD_RIGHT, T, md, session_envelope

from course_service.service_layer.person_fields import TABLE
from hearth_common.person_visibility import (
    ADMIN,
    HIDDEN,
    MODERATOR,
    NOT_CARRIED,
    PEER,
    REFUSED,
    SELF,
    SHOWN,
    VIEWERS,
)

# The API tests' fixtures: a seeded service on a clean database, its world, and a real server's stub.
service, world, channel, stub = api.service, api.world, api.channel, api.stub

COURSE = "group-dynamics"


@pytest.fixture
def scene(stub, service, world):
    """A teen learner (the subject) who completed the course with a teen mentor, mentioning a teen peer and
    mentioned by them; a teen and an adult peer, both enrolled (each in their section); an admin. Each caller's
    mentor queue is read while the subject's practicum waits for review."""
    callers = {"subject": world.listener("tia_teen", cohort="teen"), "teen peer": world.listener("tom_teen", "teen"),
               "adult peer": world.listener("abe_adult"), "mentor": world.listener("mia_mentor", "teen"),
               "admin": world.admin()}
    tia, tom = callers["subject"], callers["teen peer"]
    for learner in (tia, tom, callers["adult peer"]):
        stub.Enrol(pb.EnrolRequest(course_slug=COURSE), metadata=md(learner), timeout=T)
    stub.AssignMentor(pb.AssignMentorRequest(course_slug=COURSE, person_id=tia.person_id,
                                             mentor_id=callers["mentor"].person_id), metadata=md(callers["admin"]),
                      timeout=T)
    discussions = stub.GetCourse(pb.GetCourseRequest(slug=COURSE), metadata=md(tia), timeout=T).discussions
    for n, discussion in enumerate(discussions):  # the first reply mentions the teen peer and an adult
        stub.CreatePost(pb.CreatePostRequest(course_slug=COURSE, discussion_id=discussion.id,
                                             body=("@tom_teen @abe_adult @mia_mentor " if n == 0 else "")
                                             + FORTY_WORDS), metadata=md(tia), timeout=T)
    for peer, name in ((tom, "@tia_teen"), (callers["adult peer"], "@tia_teen")):  # the adult's stays plain text
        stub.CreatePost(pb.CreatePostRequest(course_slug=COURSE, discussion_id=discussions[0].id,
                                             body=f"{name} welcome"), metadata=md(peer), timeout=T)
    stub.SubmitQuizAttempt(pb.SubmitQuizAttemptRequest(course_slug=COURSE, quiz_id="group-dynamics-check",
                                                       answers=GD_RIGHT), metadata=md(tia), timeout=T)
    service.progress.record_session(session_envelope(tia.person_id))
    queues = {name: stub.ListMentorQueue(pb.ListMentorQueueRequest(), metadata=md(caller), timeout=T).items
              for name, caller in callers.items()}
    reviews = {}  # every other caller tries first (refused, nothing changes), then the mentor approves
    for name in sorted(callers, key=lambda n: n == "mentor"):
        try:
            reviews[name] = stub.ReviewPracticum(pb.ReviewPracticumRequest(
                course_slug=COURSE, person_id=tia.person_id, decision="approve", feedback="Well held."),
                metadata=md(callers[name]), timeout=T)
        except grpc.RpcError as refused:
            reviews[name] = refused
    assert not isinstance(reviews["mentor"], grpc.RpcError)
    return {**callers, "queues": queues, "reviews": reviews, "discussion": discussions[0].id}


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
    if api == "ListPosts":  # an admin names the section; a learner reads their own
        posts = stub.ListPosts(pb.ListPostsRequest(course_slug=COURSE, discussion_id=callers["discussion"],
                                                   section="teen" if caller == "admin" else ""),
                               metadata=m, timeout=T).posts
        hers = [p for p in posts if p.author_id == tia.person_id]
        return {"post.author_id": hers[0].author_id if hers else None,
                "post.section": hers[0].section if hers else None,
                "post.mention_ids": tia.person_id if any(tia.person_id in p.mention_ids for p in posts) else None}
    if api == "ListMentions":
        hers = [p for p in stub.ListMentions(pb.ListMentionsRequest(), metadata=m, timeout=T).posts
                if p.author_id == tia.person_id]
        return {"mention.author_id": hers[0].author_id if hers else None,
                "mention.section": hers[0].section if hers else None}
    if api == "ListMentorQueue":
        items = [i for i in callers["queues"][caller] if i.mentorship.person_id == tia.person_id]
        return {"mentor_queue.person_id": items[0].mentorship.person_id if items else None,
                "mentor_queue.username": items[0].username if items else None}
    if api == "AssignMentor":
        mentorship = stub.AssignMentor(pb.AssignMentorRequest(course_slug=COURSE, person_id=tia.person_id,
                                                              mentor_id=callers["mentor"].person_id),
                                       metadata=m, timeout=T).mentorship
        return {"mentorship.person_id": mentorship.person_id, "mentorship.mentor_id": mentorship.mentor_id}
    if api == "ReviewPracticum":
        review = callers["reviews"][caller]
        if isinstance(review, grpc.RpcError):
            raise review
        return {"review.person_id": review.mentorship.person_id}
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


# A peer of the other section: the thread APIs never give them the learner (see the table's footnote).
OTHER_SECTION = {"adult peer"}
THREAD_APIS = {"ListPosts", "ListMentions"}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_api_shows_the_learner_as_the_table_says(stub, scene, viewer):
    tia = scene["subject"]
    wanted = {"progress.person_id": tia.person_id, "progress.section": "teen",
              "completion.username": "tia_teen", "completion.section": "teen", "certificate.username": "tia_teen",
              "post.author_id": tia.person_id, "post.section": "teen", "post.mention_ids": tia.person_id,
              "mention.author_id": tia.person_id, "mention.section": "teen",
              "mentor_queue.person_id": tia.person_id, "mentor_queue.username": "tia_teen",
              "mentorship.person_id": tia.person_id, "mentorship.mentor_id": scene["mentor"].person_id,
              "review.person_id": tia.person_id}
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
                if cell == SHOWN and not (caller in OTHER_SECTION and api_name in THREAD_APIS):
                    assert seen[field] == wanted[field], (api_name, caller, field)
                else:
                    assert cell in (SHOWN, HIDDEN) and seen[field] is None, (api_name, caller, field, seen[field])


def test_a_peer_of_the_other_section_naming_the_learners_section_is_refused_as_anyone_would_be(stub, scene):
    with pytest.raises(grpc.RpcError) as refused:
        stub.ListPosts(pb.ListPostsRequest(course_slug=COURSE, discussion_id=scene["discussion"], section="teen"),
                       metadata=md(scene["adult peer"]), timeout=T)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert refused.value.details() == "you read only the discussions of your own section"
