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
