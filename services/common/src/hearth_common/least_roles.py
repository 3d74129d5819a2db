"""Test support for issue 14's scenario (g), "a role without the right is refused": the least role that may call each
RPC, and well-formed requests built from a proto descriptor. One table per service, read by that service's
in-process gRPC auth matrix (moderation's) and by the end-to-end tier over the real processes
(tests/e2e/test_e2e_roles.py), so that an RPC added later is covered by both once it has its row.

A table maps each RPC of the service to PUBLIC (no token needed), MEMBER (anyone signed in), MODERATOR (a chat
room moderator of some room), MENTOR (course: a learner's assigned mentor) or ADMIN. A request is "well formed"
when every field has a value the service accepts and that names things that exist (VALUES, keyed `Message.field`
first, then `field`; a callable takes the world's ids): a refusal for the request's shape (INVALID_ARGUMENT) or for
naming nothing (NOT_FOUND) would hide a missing permission check."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from google.protobuf.descriptor import FieldDescriptor

from hearth_common.clock import utcnow
from hearth_common.proto_convert import to_timestamp

PUBLIC, MEMBER, MODERATOR, MENTOR, ADMIN = "public", "member", "moderator", "mentor", "admin"
ABOVE_MEMBER = (MODERATOR, MENTOR, ADMIN)


# --- moderation ------------------------------------------------------------------------------------------------

# The least role that may call each RPC at all (from the service README's tables and the use cases):
# "member": anyone signed in; "moderator": a chat room moderator (of some room; for the matrix's actions a Support
# Session Leader or On-spot Host live in the room also acts there, but a plain member never does); "admin".
MODERATION_LEAST_ROLE = {
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
    "ImposeSanction": MODERATOR,  # a mute or room ban; a global ban is admin-only (MODERATION_ADMIN_ONLY_VARIANTS)
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
    "FileAppeal": MEMBER,  # one's own warning or sanction (MODERATION_LEAST_CALLER: the person warned)
    "ListAppeals": MEMBER,  # one's own; to_decide: the ones the caller may decide
    "DecideAppeal": MODERATOR,
    "ListAuditLog": MODERATOR,  # the rooms they moderate, or their own actions; admins: everything
    "GetModeratorFigures": MODERATOR,  # their own; admins: anyone's
}

# Who answers for a least role where a plain member or the other moderator would not do (an appeal is the
# appellant's own): an attribute of ModerationIds.
MODERATION_LEAST_CALLER = {"FileAppeal": "subject"}

# Calls of an RPC whose least role is moderator that only an admin may make: a room's moderator is refused.
MODERATION_ADMIN_ONLY_VARIANTS = {
    "ImposeSanction: a global ban": ("ImposeSanction", {"kind": "ban", "room_slug": "", "duration_minutes": 60}),
    "CreateAutomodRule: scope all": ("CreateAutomodRule", {"rule.scope": "all"}),
}


@dataclasses.dataclass
class ModerationIds:
    """The world a moderation request names: people, and things that exist in moderation."""
    room: str  # the room the moderators moderate and the message was posted in
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
    ladder: object = None  # a moderation.v1.Ladder, as GetLadder answers it


MODERATION_VALUES = {
    "room_slug": lambda ids: ids.room,
    "room_slugs": lambda ids: [ids.room],
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
    "scope": lambda ids: f"room:{ids.room}",
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


def moderation_request(method, ids: ModerationIds, overrides: dict | None = None):
    """A well-formed request of a ModerationService method (its descriptor) naming the world's things."""
    from hearth.moderation.v1 import moderation_pb2

    return well_formed(getattr(moderation_pb2, method.input_type.name), MODERATION_VALUES, ids, overrides)


# --- course ----------------------------------------------------------------------------------------------------

# From the proto's comments and the use cases (course_service/service_layer): admins author and remove; a learner
# acts on their own enrolment, posts, progress and completions; the assigned mentor reviews a practicum.
COURSE_LEAST_ROLE = {
    "CreateCourse": ADMIN,
    "UpdateCourse": ADMIN,
    "AddDiscussion": ADMIN,
    "UpdateDiscussion": ADMIN,
    "ReorderDiscussions": ADMIN,
    "ListCourses": MEMBER,
    "GetCourse": MEMBER,
    "Enrol": MEMBER,  # as the course's enrolment policy lets them
    "ListMyEnrolments": MEMBER,
    "Withdraw": MEMBER,
    "CreatePost": MEMBER,  # an enrolled learner, in their section
    "EditPost": MEMBER,  # their own
    "DeletePost": MEMBER,  # their own
    "ListPosts": MEMBER,
    "LikePost": MEMBER,
    "UnlikePost": MEMBER,
    "ListMentions": MEMBER,
    "RemovePost": ADMIN,  # any post (moderation removes through course's remove_post RPC)
    "GetQuiz": MEMBER,
    "SubmitQuizAttempt": MEMBER,
    "GetProgress": MEMBER,  # their own; another learner's: COURSE_OTHERS_VARIANTS
    "AssignMentor": ADMIN,
    "ListMentorQueue": MEMBER,  # the caller's own queue as a mentor (empty for others)
    "ReviewPracticum": MENTOR,
    "ListCompletions": MEMBER,  # their own; another person's: COURSE_OTHERS_VARIANTS
    "RevokeCompletion": ADMIN,
    "VerifyCertificate": MEMBER,
}

# Calls of a member's RPC naming another person: only an admin (or, for progress, the learner's mentor) makes them;
# a plain member is refused.
COURSE_OTHERS_VARIANTS = {
    "GetProgress: another learner's": ("GetProgress", {"person_id": "LEARNER"}),
    "ListCompletions: another person's": ("ListCompletions", {"person_id": "LEARNER"}),
}


@dataclasses.dataclass
class CourseIds:
    """The world a course request names."""
    course: str  # a published course with discussions, asking for mentor approval; the learner is enrolled
    draft_course: str  # a course an admin made, for AddDiscussion
    discussions: list  # the course's discussion ids, in order
    learner: str  # an enrolled learner, the author of the post
    mentor: str  # a person course knows, to be assigned as the learner's mentor
    post: str
    quiz: str
    completion: str = ""  # none in a world where nobody completed: a UUID (admins are checked first)
    certificate: str = ""


COURSE_VALUES = {
    "slug": lambda ids: ids.course,
    "CreateCourseRequest.slug": "roles-new-course",
    "title": "Holding space",
    "summary": "How to hold space for a group.",
    "badge_slug": "",
    "enrolment_policy_json": "",
    "status": "",
    "requirements_json": "",
    "course_slug": lambda ids: ids.course,
    "AddDiscussionRequest.course_slug": lambda ids: ids.draft_course,
    "AddDiscussionRequest.discussion_id": "roles-new-discussion",
    "discussion_id": lambda ids: ids.discussions[0],
    "discussion_ids": lambda ids: list(ids.discussions),
    "opening_post": "What does holding space mean to you?",
    "body": "I listened more than I spoke this week, and it helped.",
    "parent_id": "",
    "post_id": lambda ids: ids.post,
    "reason": "off topic",
    "page_size": 10,
    "cursor": "",
    "section": "",
    "quiz_id": lambda ids: ids.quiz,
    "answers": [0, 0, 0, 0, 0],
    "person_id": lambda ids: ids.learner,
    "GetProgressRequest.person_id": "",
    "ListCompletionsRequest.person_id": "",
    "mentor_id": lambda ids: ids.mentor,
    "decision": "approve",
    "feedback": "Well held.",
    "completion_id": lambda ids: ids.completion or str(uuid.uuid4()),
    "certificate_id": lambda ids: ids.certificate or str(uuid.uuid4()),
}


def course_request(method, ids: CourseIds, overrides: dict | None = None):
    """A well-formed request of a CourseService method naming the world's things ("LEARNER" in an override: the
    learner's id)."""
    from hearth.course.v1 import course_pb2

    overrides = {k: ids.learner if v == "LEARNER" else v for k, v in (overrides or {}).items()}
    return well_formed(getattr(course_pb2, method.input_type.name), COURSE_VALUES, ids, overrides)


# --- identity --------------------------------------------------------------------------------------------------

# From the proto's comments: six public RPCs (PUBLIC: no token needed), "Authenticated" ones (MEMBER), "Admin only".
IDENTITY_LEAST_ROLE = {
    "Register": PUBLIC,
    "Login": PUBLIC,
    "Refresh": PUBLIC,
    "Logout": PUBLIC,
    "GetPublicKeys": PUBLIC,
    "RotateSigningKey": ADMIN,
    "GetPerson": MEMBER,
    "GrantRole": ADMIN,
    "RevokeRole": ADMIN,
    "ListRoles": MEMBER,
    "ListBadgeCatalogue": PUBLIC,
    "AwardBadge": ADMIN,
    "RevokeBadge": ADMIN,
    "ListPersonBadges": MEMBER,
}


@dataclasses.dataclass
class IdentityIds:
    """The world an identity request names."""
    person: str  # a member, granted, awarded and revoked
    room: str  # the room a grant is scoped to
    grant: str  # a grant that exists (another person's moderator role)
    badge: str  # a badge of the catalogue the person holds (RevokeBadge)
    new_badge: str  # one they do not hold yet (AwardBadge)


IDENTITY_VALUES = {
    "person_id": lambda ids: ids.person,
    "room_id": lambda ids: ids.room,
    "role": 1,  # ROLE_CHAT_ROOM_MODERATOR (the last value, ROLE_ADMIN, takes no room)
    "expires_at": lambda ids: to_timestamp(utcnow() + dt.timedelta(days=1)),
    "grant_id": lambda ids: ids.grant,
    "badge_slug": lambda ids: ids.badge,
    "AwardBadgeRequest.badge_slug": lambda ids: ids.new_badge,
    "reason": "checking the least roles",
    "idempotency_key": "",
}


def identity_request(method, ids: IdentityIds, overrides: dict | None = None):
    """A well-formed request of an IdentityService method naming the world's things."""
    from hearth.identity.v1 import identity_pb2

    return well_formed(getattr(identity_pb2, method.input_type.name), IDENTITY_VALUES, ids, overrides)


# --- shared ----------------------------------------------------------------------------------------------------

def denials(service_descriptor, least_role: dict[str, str], variants: dict | None = None,
            variants_refused: str = MODERATOR):
    """(label, method, caller's role, overrides) of every call a role without the right makes: an RPC above MEMBER
    as a plain member, an admin-only one also as a chat room moderator, and each variant (label -> (RPC, overrides))
    as `variants_refused`. An RPC without a row yields (label, method, None, None): the test fails naming it."""
    for method in service_descriptor.methods:
        least = least_role.get(method.name)
        if least is None:
            yield f"{method.name}-no-row", method, None, None
            continue
        if least in ABOVE_MEMBER:
            yield f"{method.name}-as-member", method, MEMBER, None
        if least == ADMIN:
            yield f"{method.name}-as-moderator", method, MODERATOR, None
    for label, (name, overrides) in (variants or {}).items():
        yield f"{label}-as-{variants_refused}", service_descriptor.methods_by_name[name], variants_refused, overrides


def value_for(message_name: str, field: FieldDescriptor, values: dict, ids):
    for key in (f"{message_name}.{field.name}", field.name):
        if key in values:
            value = values[key]
            return value(ids) if callable(value) else value
    if field.type == FieldDescriptor.TYPE_STRING and field.name.endswith("_id"):
        return str(uuid.uuid4())
    if field.type == FieldDescriptor.TYPE_ENUM:
        return field.enum_type.values[-1].number
    return None


def well_formed(message_class, values: dict, ids, overrides: dict | None = None):
    """A request with every field given a well-formed value (`values`, else a UUID for an id, the last value of an
    enum); `overrides` ("field" or "sub.field") replace some."""
    request = message_class()
    for field in message_class.DESCRIPTOR.fields:
        if field.has_presence and field.containing_oneof is not None and field.message_type is None:
            continue  # a proto3 `optional` scalar (e.g. StreamPagesRequest.after_seq): absent means the default
        value = value_for(message_class.DESCRIPTOR.name, field, values, ids)
        if field.message_type is not None and not field.is_repeated:
            if value is None:
                value = well_formed(type(getattr(request, field.name)), values, ids)
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
