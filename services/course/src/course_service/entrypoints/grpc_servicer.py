"""Entrypoint: translates CourseService gRPC calls to use cases and their results to protobuf."""
from __future__ import annotations

import json

from hearth.course.v1 import course_pb2 as pb
from hearth.course.v1 import course_pb2_grpc

from course_service.domain.completions import Completion, Mentorship
from course_service.domain.courses import Discussion
from course_service.domain.enrolments import Enrolment
from course_service.domain.requirements import LedSession
from course_service.service_layer.services import Caller, CourseService
from course_service.service_layer.views import CourseListing, CourseView, PostView, ProgressView, QuizView
from hearth_common.contracts.identity import ADMIN
from hearth_common.errors import InvalidArgument
from hearth_common.grpc_server import caller
from hearth_common.proto_convert import to_timestamp


def person_calling() -> Caller:
    """The caller as the use cases know them: the admin role is read from the verified token."""
    principal = caller()
    return Caller(principal.person_id, admin=principal.has_role(ADMIN))


def json_field(text: str, field: str, empty):
    """A JSON text field's value (`empty` when the text is empty), or INVALID_ARGUMENT naming the field."""
    if not text.strip():
        return empty
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InvalidArgument(f"{field} must be JSON: {exc}") from None


def course_pb(view: CourseView) -> pb.Course:
    c = view.course
    return pb.Course(
        slug=c.slug, title=c.title, summary=c.summary, badge_slug=c.badge_slug or "",
        enrolment_policy_json=json.dumps(c.policy) if c.policy is not None else "",
        enrolment_policy_summary=view.policy_summary, status=c.status, requirements_json=json.dumps(view.requirements),
        discussion_count=view.discussion_count, created_at=to_timestamp(c.created_at),
        updated_at=to_timestamp(c.updated_at),
    )


def listing_pb(listing: CourseListing) -> pb.CourseListing:
    return pb.CourseListing(course=course_pb(listing.course), may_enrol=listing.may_enrol, missing=listing.missing,
                            enrolled=listing.enrolled)


def discussion_pb(d: Discussion) -> pb.Discussion:
    return pb.Discussion(id=d.id, position=d.position, title=d.title, opening_post=d.opening_post,
                         created_at=to_timestamp(d.created_at), updated_at=to_timestamp(d.updated_at))


def enrolment_pb(e: Enrolment) -> pb.Enrolment:
    return pb.Enrolment(course_slug=e.course_slug, person_id=e.person_id, section=e.section, status=e.status,
                        enrolled_at=to_timestamp(e.enrolled_at), withdrawn_at=to_timestamp(e.withdrawn_at))


def post_pb(view: PostView) -> pb.Post:
    p = view.post
    return pb.Post(
        id=p.id, course_slug=p.course_slug, discussion_id=p.discussion_id, section=p.section, seq=p.seq,
        author_id=p.author_id, parent_id=p.parent_id or "", body=view.body, state=view.state,
        mention_ids=view.mention_ids, likes=p.likes, liked=view.liked, words=p.words,
        created_at=to_timestamp(p.created_at), edited_at=to_timestamp(p.edited_at),
    )


def quiz_pb(view: QuizView) -> pb.Quiz:
    return pb.Quiz(course_slug=view.course_slug, quiz_id=view.quiz_id, title=view.title, pass_mark=view.pass_mark,
                   max_attempts=view.max_attempts, attempts_used=view.attempts_used,
                   attempts_left=view.attempts_left, passed=view.passed, best_score=view.best_score,
                   questions=[pb.QuizQuestion(id=q.id, text=q.text, options=q.options) for q in view.questions])


def completion_pb(c: Completion) -> pb.Completion:
    return pb.Completion(id=c.id, course_slug=c.course_slug, person_id=c.person_id, username=c.username,
                         course_title=c.course_title, badge_slug=c.badge_slug or "", certificate_id=c.certificate_id,
                         completed_at=to_timestamp(c.completed_at), revoked=c.revoked,
                         revoked_at=to_timestamp(c.revoked_at), revoke_reason=c.revoke_reason, section=c.section)


def mentorship_pb(m: Mentorship) -> pb.Mentorship:
    return pb.Mentorship(course_slug=m.course_slug, person_id=m.person_id, mentor_id=m.mentor_id, review=m.review,
                         waiting_since=to_timestamp(m.waiting_since), reviewed_at=to_timestamp(m.reviewed_at),
                         feedback=m.feedback, reminded_at=to_timestamp(m.reminded_at))


def session_pb(s: LedSession) -> pb.LedSession:
    return pb.LedSession(session_id=s.session_id, room_slug=s.room_slug, kind=s.kind,
                         duration_seconds=s.duration_seconds, attendee_count=s.attendee_count,
                         script_id=s.script_id or "", ended_at=to_timestamp(s.ended_at))


def progress_pb(view: ProgressView) -> pb.GetProgressResponse:
    return pb.GetProgressResponse(
        course_slug=view.course_slug, person_id=view.person_id, section=view.section, complete=view.complete,
        next_step=view.next_step,
        completion=completion_pb(view.completion) if view.completion is not None else None,
        requirements=[pb.RequirementProgress(kind=r.kind, met=r.met, detail=r.detail, next_step=r.next_step,
                                             overdue=r.overdue) for r in view.requirements])


class CourseServicer(course_pb2_grpc.CourseServiceServicer):
    def __init__(self, service: CourseService):
        self.service = service

    def CreateCourse(self, request, context):
        view = self.service.create_course(
            person_calling(), slug=request.slug, title=request.title, summary=request.summary,
            badge_slug=request.badge_slug,
            policy=json_field(request.enrolment_policy_json, "enrolment_policy_json", None),
            status=request.status, requirements=json_field(request.requirements_json, "requirements_json", []))
        return pb.CreateCourseResponse(course=course_pb(view))

    def UpdateCourse(self, request, context):
        changes: dict[str, object] = {
            name: getattr(request, name) for name in ("title", "summary", "badge_slug", "status")
            if request.HasField(name)}
        if request.HasField("enrolment_policy_json"):
            changes["policy"] = json_field(request.enrolment_policy_json, "enrolment_policy_json", None)
        if request.HasField("requirements_json"):
            changes["requirements"] = json_field(request.requirements_json, "requirements_json", [])
        return pb.UpdateCourseResponse(course=course_pb(self.service.update_course(person_calling(), request.slug,
                                                                                   changes)))

    def AddDiscussion(self, request, context):
        discussion = self.service.add_discussion(person_calling(), request.course_slug,
                                                 discussion_id=request.discussion_id, title=request.title,
                                                 opening_post=request.opening_post)
        return pb.AddDiscussionResponse(discussion=discussion_pb(discussion))

    def UpdateDiscussion(self, request, context):
        changes = {name: getattr(request, name) for name in ("title", "opening_post") if request.HasField(name)}
        discussion = self.service.update_discussion(person_calling(), request.course_slug, request.discussion_id,
                                                    changes)
        return pb.UpdateDiscussionResponse(discussion=discussion_pb(discussion))

    def ReorderDiscussions(self, request, context):
        discussions = self.service.reorder_discussions(person_calling(), request.course_slug,
                                                       list(request.discussion_ids))
        return pb.ReorderDiscussionsResponse(discussions=[discussion_pb(d) for d in discussions])

    def ListCourses(self, request, context):
        return pb.ListCoursesResponse(courses=[listing_pb(item) for item in self.service.list_courses(
            person_calling())])

    def GetCourse(self, request, context):
        detail = self.service.get_course(person_calling(), request.slug)
        return pb.GetCourseResponse(
            listing=listing_pb(detail.listing), discussions=[discussion_pb(d) for d in detail.discussions],
            enrolment=enrolment_pb(detail.enrolment) if detail.enrolment is not None else None)

    def Enrol(self, request, context):
        return pb.EnrolResponse(enrolment=enrolment_pb(self.service.enrol(person_calling(), request.course_slug)))

    def ListMyEnrolments(self, request, context):
        return pb.ListMyEnrolmentsResponse(enrolments=[enrolment_pb(e) for e in self.service.list_my_enrolments(
            person_calling())])

    def Withdraw(self, request, context):
        return pb.WithdrawResponse(enrolment=enrolment_pb(self.service.withdraw(person_calling(),
                                                                                request.course_slug)))

    # --- threads ---------------------------------------------------------------------------------------------

    def CreatePost(self, request, context):
        view = self.service.threads.create_post(person_calling(), request.course_slug, request.discussion_id,
                                                request.body, parent_id=request.parent_id)
        return pb.CreatePostResponse(post=post_pb(view))

    def EditPost(self, request, context):
        return pb.EditPostResponse(post=post_pb(self.service.threads.edit_post(person_calling(), request.post_id,
                                                                               request.body)))

    def DeletePost(self, request, context):
        return pb.DeletePostResponse(post=post_pb(self.service.threads.delete_post(person_calling(),
                                                                                   request.post_id)))

    def ListPosts(self, request, context):
        page = self.service.threads.list_posts(person_calling(), request.course_slug, request.discussion_id,
                                               page_size=request.page_size, cursor=request.cursor,
                                               section=request.section)
        return pb.ListPostsResponse(posts=[post_pb(v) for v in page.posts], next_cursor=page.cursor,
                                    has_more=page.more, section=page.section)

    def LikePost(self, request, context):
        return pb.LikePostResponse(post=post_pb(self.service.threads.like_post(person_calling(), request.post_id)))

    def UnlikePost(self, request, context):
        return pb.UnlikePostResponse(post=post_pb(self.service.threads.unlike_post(person_calling(),
                                                                                   request.post_id)))

    def ListMentions(self, request, context):
        page = self.service.threads.list_mentions(person_calling(), page_size=request.page_size,
                                                  cursor=request.cursor)
        return pb.ListMentionsResponse(posts=[post_pb(v) for v in page.posts], next_cursor=page.cursor)

    def RemovePost(self, request, context):
        view = self.service.threads.remove_post_as_admin(person_calling(), request.post_id, request.reason)
        return pb.RemovePostResponse(post=post_pb(view))

    # --- requirements, progress and completion ---------------------------------------------------------------

    def GetQuiz(self, request, context):
        return pb.GetQuizResponse(quiz=quiz_pb(self.service.progress.get_quiz(person_calling(), request.course_slug,
                                                                               request.quiz_id)))

    def SubmitQuizAttempt(self, request, context):
        result = self.service.progress.submit_quiz_attempt(person_calling(), request.course_slug, request.quiz_id,
                                                           list(request.answers))
        return pb.SubmitQuizAttemptResponse(score=result.score, out_of=result.out_of, pass_mark=result.pass_mark,
                                            passed=result.passed, attempts_left=result.attempts_left)

    def GetProgress(self, request, context):
        return progress_pb(self.service.progress.get_progress(person_calling(), request.course_slug,
                                                              request.person_id))

    def AssignMentor(self, request, context):
        mentorship = self.service.progress.assign_mentor(person_calling(), request.course_slug, request.person_id,
                                                         request.mentor_id)
        return pb.AssignMentorResponse(mentorship=mentorship_pb(mentorship))

    def ListMentorQueue(self, request, context):
        items = self.service.progress.list_mentor_queue(person_calling())
        return pb.ListMentorQueueResponse(items=[pb.MentorQueueItem(
            mentorship=mentorship_pb(i.mentorship), course_title=i.course_title, username=i.username,
            sessions=[session_pb(s) for s in i.sessions], overdue=i.overdue) for i in items])

    def ReviewPracticum(self, request, context):
        mentorship = self.service.progress.review_practicum(person_calling(), request.course_slug,
                                                            request.person_id, request.decision, request.feedback)
        return pb.ReviewPracticumResponse(mentorship=mentorship_pb(mentorship))

    def ListCompletions(self, request, context):
        found = self.service.progress.list_completions(person_calling(), request.course_slug, request.person_id)
        return pb.ListCompletionsResponse(completions=[completion_pb(c) for c in found])

    def RevokeCompletion(self, request, context):
        completion = self.service.progress.revoke_completion(person_calling(), request.completion_id,
                                                             request.reason)
        return pb.RevokeCompletionResponse(completion=completion_pb(completion))

    def VerifyCertificate(self, request, context):
        person_calling()  # any caller with a valid token
        c = self.service.progress.verify_certificate(request.certificate_id)
        return pb.VerifyCertificateResponse(
            valid=c.valid, revoked=c.revoked, document=c.document, signature=c.signature, key_id=c.key_id,
            public_key_pem=c.public_key_pem, certificate_id=c.certificate_id, username=c.username,
            course_title=c.course_title, completed_on=c.completed_on, revoked_at=to_timestamp(c.revoked_at),
            key_retired=c.key_retired, detail=c.detail)
