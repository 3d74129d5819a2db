import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReportReason(_message.Message):
    __slots__ = ("reason", "description", "severity")
    REASON_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    reason: str
    description: str
    severity: float
    def __init__(self, reason: _Optional[str] = ..., description: _Optional[str] = ..., severity: _Optional[float] = ...) -> None: ...

class Report(_message.Message):
    __slots__ = ("id", "room_slug", "subject_id", "message_id", "reason", "note", "filed_at", "outcome")
    ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    FILED_AT_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    id: str
    room_slug: str
    subject_id: str
    message_id: str
    reason: str
    note: str
    filed_at: _timestamp_pb2.Timestamp
    outcome: str
    def __init__(self, id: _Optional[str] = ..., room_slug: _Optional[str] = ..., subject_id: _Optional[str] = ..., message_id: _Optional[str] = ..., reason: _Optional[str] = ..., note: _Optional[str] = ..., filed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., outcome: _Optional[str] = ...) -> None: ...

class ReviewedReport(_message.Message):
    __slots__ = ("report", "reporter_id", "reporter_accuracy", "message_body")
    REPORT_FIELD_NUMBER: _ClassVar[int]
    REPORTER_ID_FIELD_NUMBER: _ClassVar[int]
    REPORTER_ACCURACY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_BODY_FIELD_NUMBER: _ClassVar[int]
    report: Report
    reporter_id: str
    reporter_accuracy: float
    message_body: str
    def __init__(self, report: _Optional[_Union[Report, _Mapping]] = ..., reporter_id: _Optional[str] = ..., reporter_accuracy: _Optional[float] = ..., message_body: _Optional[str] = ...) -> None: ...

class Subject(_message.Message):
    __slots__ = ("person_id", "username", "kind", "cohort", "upheld_cases")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    COHORT_FIELD_NUMBER: _ClassVar[int]
    UPHELD_CASES_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    username: str
    kind: str
    cohort: str
    upheld_cases: int
    def __init__(self, person_id: _Optional[str] = ..., username: _Optional[str] = ..., kind: _Optional[str] = ..., cohort: _Optional[str] = ..., upheld_cases: _Optional[int] = ...) -> None: ...

class Case(_message.Message):
    __slots__ = ("id", "subject", "status", "opened_at", "priority", "reporter_count", "reasons", "room_slugs", "reports", "decision", "decided_by", "decided_at", "note", "removed_message_ids", "hidden_message_ids")
    ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    REPORTER_COUNT_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUGS_FIELD_NUMBER: _ClassVar[int]
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REMOVED_MESSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_MESSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    subject: Subject
    status: str
    opened_at: _timestamp_pb2.Timestamp
    priority: float
    reporter_count: int
    reasons: _containers.RepeatedScalarFieldContainer[str]
    room_slugs: _containers.RepeatedScalarFieldContainer[str]
    reports: _containers.RepeatedCompositeFieldContainer[ReviewedReport]
    decision: str
    decided_by: str
    decided_at: _timestamp_pb2.Timestamp
    note: str
    removed_message_ids: _containers.RepeatedScalarFieldContainer[str]
    hidden_message_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., subject: _Optional[_Union[Subject, _Mapping]] = ..., status: _Optional[str] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., priority: _Optional[float] = ..., reporter_count: _Optional[int] = ..., reasons: _Optional[_Iterable[str]] = ..., room_slugs: _Optional[_Iterable[str]] = ..., reports: _Optional[_Iterable[_Union[ReviewedReport, _Mapping]]] = ..., decision: _Optional[str] = ..., decided_by: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ..., removed_message_ids: _Optional[_Iterable[str]] = ..., hidden_message_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ListReportReasonsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListReportReasonsResponse(_message.Message):
    __slots__ = ("reasons",)
    REASONS_FIELD_NUMBER: _ClassVar[int]
    reasons: _containers.RepeatedCompositeFieldContainer[ReportReason]
    def __init__(self, reasons: _Optional[_Iterable[_Union[ReportReason, _Mapping]]] = ...) -> None: ...

class ReportMessageRequest(_message.Message):
    __slots__ = ("message_id", "reason", "note", "idempotency_key")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    reason: str
    note: str
    idempotency_key: str
    def __init__(self, message_id: _Optional[str] = ..., reason: _Optional[str] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ReportMessageResponse(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: Report
    def __init__(self, report: _Optional[_Union[Report, _Mapping]] = ...) -> None: ...

class ReportPersonRequest(_message.Message):
    __slots__ = ("room_slug", "person_id", "reason", "note", "idempotency_key")
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    room_slug: str
    person_id: str
    reason: str
    note: str
    idempotency_key: str
    def __init__(self, room_slug: _Optional[str] = ..., person_id: _Optional[str] = ..., reason: _Optional[str] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ReportPersonResponse(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: Report
    def __init__(self, report: _Optional[_Union[Report, _Mapping]] = ...) -> None: ...

class ListQueueRequest(_message.Message):
    __slots__ = ("room_slug", "limit")
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    room_slug: str
    limit: int
    def __init__(self, room_slug: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListQueueResponse(_message.Message):
    __slots__ = ("cases",)
    CASES_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[Case]
    def __init__(self, cases: _Optional[_Iterable[_Union[Case, _Mapping]]] = ...) -> None: ...

class GetCaseRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class GetCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: Case
    def __init__(self, case: _Optional[_Union[Case, _Mapping]] = ...) -> None: ...

class DecideCaseRequest(_message.Message):
    __slots__ = ("case_id", "decision", "remove_messages", "note", "idempotency_key")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REMOVE_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    decision: str
    remove_messages: bool
    note: str
    idempotency_key: str
    def __init__(self, case_id: _Optional[str] = ..., decision: _Optional[str] = ..., remove_messages: _Optional[bool] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class DecideCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: Case
    def __init__(self, case: _Optional[_Union[Case, _Mapping]] = ...) -> None: ...

class AutomodRuleSpec(_message.Message):
    __slots__ = ("kind", "pattern", "action", "explanation", "scope", "exempt_roles", "report_reason")
    KIND_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    EXEMPT_ROLES_FIELD_NUMBER: _ClassVar[int]
    REPORT_REASON_FIELD_NUMBER: _ClassVar[int]
    kind: str
    pattern: str
    action: str
    explanation: str
    scope: str
    exempt_roles: _containers.RepeatedScalarFieldContainer[str]
    report_reason: str
    def __init__(self, kind: _Optional[str] = ..., pattern: _Optional[str] = ..., action: _Optional[str] = ..., explanation: _Optional[str] = ..., scope: _Optional[str] = ..., exempt_roles: _Optional[_Iterable[str]] = ..., report_reason: _Optional[str] = ...) -> None: ...

class AutomodRule(_message.Message):
    __slots__ = ("id", "spec", "manageable")
    ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    MANAGEABLE_FIELD_NUMBER: _ClassVar[int]
    id: str
    spec: AutomodRuleSpec
    manageable: bool
    def __init__(self, id: _Optional[str] = ..., spec: _Optional[_Union[AutomodRuleSpec, _Mapping]] = ..., manageable: _Optional[bool] = ...) -> None: ...

class ListAutomodRulesRequest(_message.Message):
    __slots__ = ("scope",)
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    scope: str
    def __init__(self, scope: _Optional[str] = ...) -> None: ...

class ListAutomodRulesResponse(_message.Message):
    __slots__ = ("version", "rules")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    version: int
    rules: _containers.RepeatedCompositeFieldContainer[AutomodRule]
    def __init__(self, version: _Optional[int] = ..., rules: _Optional[_Iterable[_Union[AutomodRule, _Mapping]]] = ...) -> None: ...

class CreateAutomodRuleRequest(_message.Message):
    __slots__ = ("rule", "idempotency_key")
    RULE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    rule: AutomodRuleSpec
    idempotency_key: str
    def __init__(self, rule: _Optional[_Union[AutomodRuleSpec, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateAutomodRuleResponse(_message.Message):
    __slots__ = ("rule", "version")
    RULE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    rule: AutomodRule
    version: int
    def __init__(self, rule: _Optional[_Union[AutomodRule, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class UpdateAutomodRuleRequest(_message.Message):
    __slots__ = ("rule_id", "rule")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    rule: AutomodRuleSpec
    def __init__(self, rule_id: _Optional[str] = ..., rule: _Optional[_Union[AutomodRuleSpec, _Mapping]] = ...) -> None: ...

class UpdateAutomodRuleResponse(_message.Message):
    __slots__ = ("rule", "version")
    RULE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    rule: AutomodRule
    version: int
    def __init__(self, rule: _Optional[_Union[AutomodRule, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class DeleteAutomodRuleRequest(_message.Message):
    __slots__ = ("rule_id",)
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    def __init__(self, rule_id: _Optional[str] = ...) -> None: ...

class DeleteAutomodRuleResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: int
    def __init__(self, version: _Optional[int] = ...) -> None: ...

class TestAutomodRequest(_message.Message):
    __slots__ = ("text", "room_slug", "cohort", "author_roles")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    COHORT_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ROLES_FIELD_NUMBER: _ClassVar[int]
    text: str
    room_slug: str
    cohort: str
    author_roles: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, text: _Optional[str] = ..., room_slug: _Optional[str] = ..., cohort: _Optional[str] = ..., author_roles: _Optional[_Iterable[str]] = ...) -> None: ...

class AutomodHit(_message.Message):
    __slots__ = ("rule_id", "action", "source", "explanation", "reason", "start", "end")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    action: str
    source: str
    explanation: str
    reason: str
    start: int
    end: int
    def __init__(self, rule_id: _Optional[str] = ..., action: _Optional[str] = ..., source: _Optional[str] = ..., explanation: _Optional[str] = ..., reason: _Optional[str] = ..., start: _Optional[int] = ..., end: _Optional[int] = ...) -> None: ...

class TestAutomodResponse(_message.Message):
    __slots__ = ("version", "blocked", "explanations", "hits", "censored_text", "crisis_tier", "timed_out")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    BLOCKED_FIELD_NUMBER: _ClassVar[int]
    EXPLANATIONS_FIELD_NUMBER: _ClassVar[int]
    HITS_FIELD_NUMBER: _ClassVar[int]
    CENSORED_TEXT_FIELD_NUMBER: _ClassVar[int]
    CRISIS_TIER_FIELD_NUMBER: _ClassVar[int]
    TIMED_OUT_FIELD_NUMBER: _ClassVar[int]
    version: int
    blocked: bool
    explanations: _containers.RepeatedScalarFieldContainer[str]
    hits: _containers.RepeatedCompositeFieldContainer[AutomodHit]
    censored_text: str
    crisis_tier: str
    timed_out: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, version: _Optional[int] = ..., blocked: _Optional[bool] = ..., explanations: _Optional[_Iterable[str]] = ..., hits: _Optional[_Iterable[_Union[AutomodHit, _Mapping]]] = ..., censored_text: _Optional[str] = ..., crisis_tier: _Optional[str] = ..., timed_out: _Optional[_Iterable[str]] = ...) -> None: ...

class Shift(_message.Message):
    __slots__ = ("moderator_id", "username", "cohort", "room_slugs", "crisis_trained", "started_at", "ends_at")
    MODERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    COHORT_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUGS_FIELD_NUMBER: _ClassVar[int]
    CRISIS_TRAINED_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDS_AT_FIELD_NUMBER: _ClassVar[int]
    moderator_id: str
    username: str
    cohort: str
    room_slugs: _containers.RepeatedScalarFieldContainer[str]
    crisis_trained: bool
    started_at: _timestamp_pb2.Timestamp
    ends_at: _timestamp_pb2.Timestamp
    def __init__(self, moderator_id: _Optional[str] = ..., username: _Optional[str] = ..., cohort: _Optional[str] = ..., room_slugs: _Optional[_Iterable[str]] = ..., crisis_trained: _Optional[bool] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ends_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GoOnDutyRequest(_message.Message):
    __slots__ = ("cohort", "room_slugs", "hours", "idempotency_key")
    COHORT_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUGS_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    cohort: str
    room_slugs: _containers.RepeatedScalarFieldContainer[str]
    hours: int
    idempotency_key: str
    def __init__(self, cohort: _Optional[str] = ..., room_slugs: _Optional[_Iterable[str]] = ..., hours: _Optional[int] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class GoOnDutyResponse(_message.Message):
    __slots__ = ("shift",)
    SHIFT_FIELD_NUMBER: _ClassVar[int]
    shift: Shift
    def __init__(self, shift: _Optional[_Union[Shift, _Mapping]] = ...) -> None: ...

class GoOffDutyRequest(_message.Message):
    __slots__ = ("idempotency_key",)
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    idempotency_key: str
    def __init__(self, idempotency_key: _Optional[str] = ...) -> None: ...

class GoOffDutyResponse(_message.Message):
    __slots__ = ("was_on_duty",)
    WAS_ON_DUTY_FIELD_NUMBER: _ClassVar[int]
    was_on_duty: bool
    def __init__(self, was_on_duty: _Optional[bool] = ...) -> None: ...

class ListOnDutyRequest(_message.Message):
    __slots__ = ("room_slug",)
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    room_slug: str
    def __init__(self, room_slug: _Optional[str] = ...) -> None: ...

class ListOnDutyResponse(_message.Message):
    __slots__ = ("shifts",)
    SHIFTS_FIELD_NUMBER: _ClassVar[int]
    shifts: _containers.RepeatedCompositeFieldContainer[Shift]
    def __init__(self, shifts: _Optional[_Iterable[_Union[Shift, _Mapping]]] = ...) -> None: ...

class SummonModeratorRequest(_message.Message):
    __slots__ = ("room_slug", "reason", "person_id", "message_id", "note", "idempotency_key")
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    room_slug: str
    reason: str
    person_id: str
    message_id: str
    note: str
    idempotency_key: str
    def __init__(self, room_slug: _Optional[str] = ..., reason: _Optional[str] = ..., person_id: _Optional[str] = ..., message_id: _Optional[str] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CallHeard(_message.Message):
    __slots__ = ("page_id", "room_slug", "created_at", "admins_paged", "message")
    PAGE_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ADMINS_PAGED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    page_id: str
    room_slug: str
    created_at: _timestamp_pb2.Timestamp
    admins_paged: bool
    message: str
    def __init__(self, page_id: _Optional[str] = ..., room_slug: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., admins_paged: _Optional[bool] = ..., message: _Optional[str] = ...) -> None: ...

class SummonModeratorResponse(_message.Message):
    __slots__ = ("heard",)
    HEARD_FIELD_NUMBER: _ClassVar[int]
    heard: CallHeard
    def __init__(self, heard: _Optional[_Union[CallHeard, _Mapping]] = ...) -> None: ...

class ReferRequest(_message.Message):
    __slots__ = ("room_slug", "person_id", "message_id", "note", "idempotency_key")
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    room_slug: str
    person_id: str
    message_id: str
    note: str
    idempotency_key: str
    def __init__(self, room_slug: _Optional[str] = ..., person_id: _Optional[str] = ..., message_id: _Optional[str] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ReferResponse(_message.Message):
    __slots__ = ("heard",)
    HEARD_FIELD_NUMBER: _ClassVar[int]
    heard: CallHeard
    def __init__(self, heard: _Optional[_Union[CallHeard, _Mapping]] = ...) -> None: ...

class Page(_message.Message):
    __slots__ = ("id", "seq", "kind", "reason", "room_slug", "cohort", "subject_id", "message_id", "excerpt", "caller_id", "note", "created_at", "stage", "stage_at", "recipient_ids", "acknowledged_by", "acknowledged_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    COHORT_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    EXCERPT_FIELD_NUMBER: _ClassVar[int]
    CALLER_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    STAGE_AT_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_IDS_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_BY_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    seq: int
    kind: str
    reason: str
    room_slug: str
    cohort: str
    subject_id: str
    message_id: str
    excerpt: str
    caller_id: str
    note: str
    created_at: _timestamp_pb2.Timestamp
    stage: str
    stage_at: _timestamp_pb2.Timestamp
    recipient_ids: _containers.RepeatedScalarFieldContainer[str]
    acknowledged_by: str
    acknowledged_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., seq: _Optional[int] = ..., kind: _Optional[str] = ..., reason: _Optional[str] = ..., room_slug: _Optional[str] = ..., cohort: _Optional[str] = ..., subject_id: _Optional[str] = ..., message_id: _Optional[str] = ..., excerpt: _Optional[str] = ..., caller_id: _Optional[str] = ..., note: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stage: _Optional[str] = ..., stage_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recipient_ids: _Optional[_Iterable[str]] = ..., acknowledged_by: _Optional[str] = ..., acknowledged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListPagesRequest(_message.Message):
    __slots__ = ("open_only", "limit")
    OPEN_ONLY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    open_only: bool
    limit: int
    def __init__(self, open_only: _Optional[bool] = ..., limit: _Optional[int] = ...) -> None: ...

class ListPagesResponse(_message.Message):
    __slots__ = ("pages",)
    PAGES_FIELD_NUMBER: _ClassVar[int]
    pages: _containers.RepeatedCompositeFieldContainer[Page]
    def __init__(self, pages: _Optional[_Iterable[_Union[Page, _Mapping]]] = ...) -> None: ...

class AcknowledgePageRequest(_message.Message):
    __slots__ = ("page_id", "idempotency_key")
    PAGE_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    page_id: str
    idempotency_key: str
    def __init__(self, page_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class AcknowledgePageResponse(_message.Message):
    __slots__ = ("page",)
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: Page
    def __init__(self, page: _Optional[_Union[Page, _Mapping]] = ...) -> None: ...

class StreamPagesRequest(_message.Message):
    __slots__ = ("after_seq",)
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    after_seq: int
    def __init__(self, after_seq: _Optional[int] = ...) -> None: ...

class PageUpdate(_message.Message):
    __slots__ = ("seq", "page")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    seq: int
    page: Page
    def __init__(self, seq: _Optional[int] = ..., page: _Optional[_Union[Page, _Mapping]] = ...) -> None: ...

class CareResources(_message.Message):
    __slots__ = ("cohort", "lines", "updated_by", "updated_at")
    COHORT_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    cohort: str
    lines: _containers.RepeatedScalarFieldContainer[str]
    updated_by: str
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, cohort: _Optional[str] = ..., lines: _Optional[_Iterable[str]] = ..., updated_by: _Optional[str] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetCareResourcesRequest(_message.Message):
    __slots__ = ("cohort",)
    COHORT_FIELD_NUMBER: _ClassVar[int]
    cohort: str
    def __init__(self, cohort: _Optional[str] = ...) -> None: ...

class GetCareResourcesResponse(_message.Message):
    __slots__ = ("resources",)
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    resources: CareResources
    def __init__(self, resources: _Optional[_Union[CareResources, _Mapping]] = ...) -> None: ...

class SetCareResourcesRequest(_message.Message):
    __slots__ = ("cohort", "lines", "idempotency_key")
    COHORT_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    cohort: str
    lines: _containers.RepeatedScalarFieldContainer[str]
    idempotency_key: str
    def __init__(self, cohort: _Optional[str] = ..., lines: _Optional[_Iterable[str]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class SetCareResourcesResponse(_message.Message):
    __slots__ = ("resources",)
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    resources: CareResources
    def __init__(self, resources: _Optional[_Union[CareResources, _Mapping]] = ...) -> None: ...
