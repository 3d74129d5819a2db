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
    __slots__ = ("id", "room_slug", "subject_id", "message_id", "reason", "note", "filed_at", "outcome", "course_slug", "discussion_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    FILED_AT_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    DISCUSSION_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    room_slug: str
    subject_id: str
    message_id: str
    reason: str
    note: str
    filed_at: _timestamp_pb2.Timestamp
    outcome: str
    course_slug: str
    discussion_id: str
    def __init__(self, id: _Optional[str] = ..., room_slug: _Optional[str] = ..., subject_id: _Optional[str] = ..., message_id: _Optional[str] = ..., reason: _Optional[str] = ..., note: _Optional[str] = ..., filed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., outcome: _Optional[str] = ..., course_slug: _Optional[str] = ..., discussion_id: _Optional[str] = ...) -> None: ...

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
    __slots__ = ("id", "subject", "status", "opened_at", "priority", "reporter_count", "reasons", "room_slugs", "reports", "decision", "decided_by", "decided_at", "note", "removed_message_ids", "hidden_message_ids", "course_slugs")
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
    COURSE_SLUGS_FIELD_NUMBER: _ClassVar[int]
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
    course_slugs: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., subject: _Optional[_Union[Subject, _Mapping]] = ..., status: _Optional[str] = ..., opened_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., priority: _Optional[float] = ..., reporter_count: _Optional[int] = ..., reasons: _Optional[_Iterable[str]] = ..., room_slugs: _Optional[_Iterable[str]] = ..., reports: _Optional[_Iterable[_Union[ReviewedReport, _Mapping]]] = ..., decision: _Optional[str] = ..., decided_by: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ..., removed_message_ids: _Optional[_Iterable[str]] = ..., hidden_message_ids: _Optional[_Iterable[str]] = ..., course_slugs: _Optional[_Iterable[str]] = ...) -> None: ...

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

class ReportCoursePostRequest(_message.Message):
    __slots__ = ("post_id", "reason", "note", "idempotency_key")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    post_id: str
    reason: str
    note: str
    idempotency_key: str
    def __init__(self, post_id: _Optional[str] = ..., reason: _Optional[str] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ReportCoursePostResponse(_message.Message):
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

class Warning(_message.Message):
    __slots__ = ("id", "person_id", "reason", "tier", "note", "room_slug", "issued_by", "issued_at", "expires_at", "counts", "voided_at", "voided_by", "void_reason", "sanction_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    ISSUED_BY_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    VOIDED_AT_FIELD_NUMBER: _ClassVar[int]
    VOIDED_BY_FIELD_NUMBER: _ClassVar[int]
    VOID_REASON_FIELD_NUMBER: _ClassVar[int]
    SANCTION_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    person_id: str
    reason: str
    tier: str
    note: str
    room_slug: str
    issued_by: str
    issued_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    counts: bool
    voided_at: _timestamp_pb2.Timestamp
    voided_by: str
    void_reason: str
    sanction_id: str
    def __init__(self, id: _Optional[str] = ..., person_id: _Optional[str] = ..., reason: _Optional[str] = ..., tier: _Optional[str] = ..., note: _Optional[str] = ..., room_slug: _Optional[str] = ..., issued_by: _Optional[str] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., counts: _Optional[bool] = ..., voided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., voided_by: _Optional[str] = ..., void_reason: _Optional[str] = ..., sanction_id: _Optional[str] = ...) -> None: ...

class Sanction(_message.Message):
    __slots__ = ("id", "person_id", "kind", "room_slug", "reason", "note", "imposed_by", "imposed_at", "expires_at", "source", "status", "in_force", "warning_id", "message_id", "exchange_id", "ended_at", "lifted_by", "lift_reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IMPOSED_BY_FIELD_NUMBER: _ClassVar[int]
    IMPOSED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    WARNING_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_ID_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    LIFTED_BY_FIELD_NUMBER: _ClassVar[int]
    LIFT_REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    person_id: str
    kind: str
    room_slug: str
    reason: str
    note: str
    imposed_by: str
    imposed_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    source: str
    status: str
    in_force: bool
    warning_id: str
    message_id: str
    exchange_id: str
    ended_at: _timestamp_pb2.Timestamp
    lifted_by: str
    lift_reason: str
    def __init__(self, id: _Optional[str] = ..., person_id: _Optional[str] = ..., kind: _Optional[str] = ..., room_slug: _Optional[str] = ..., reason: _Optional[str] = ..., note: _Optional[str] = ..., imposed_by: _Optional[str] = ..., imposed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., source: _Optional[str] = ..., status: _Optional[str] = ..., in_force: _Optional[bool] = ..., warning_id: _Optional[str] = ..., message_id: _Optional[str] = ..., exchange_id: _Optional[str] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., lifted_by: _Optional[str] = ..., lift_reason: _Optional[str] = ...) -> None: ...

class SeverityTier(_message.Message):
    __slots__ = ("name", "days")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    name: str
    days: int
    def __init__(self, name: _Optional[str] = ..., days: _Optional[int] = ...) -> None: ...

class ReasonTier(_message.Message):
    __slots__ = ("reason", "tier")
    REASON_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    reason: str
    tier: str
    def __init__(self, reason: _Optional[str] = ..., tier: _Optional[str] = ...) -> None: ...

class LadderRung(_message.Message):
    __slots__ = ("warnings", "kind", "minutes")
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    warnings: int
    kind: str
    minutes: int
    def __init__(self, warnings: _Optional[int] = ..., kind: _Optional[str] = ..., minutes: _Optional[int] = ...) -> None: ...

class Ladder(_message.Message):
    __slots__ = ("tiers", "reason_tiers", "rungs", "version", "changed_by", "changed_at")
    TIERS_FIELD_NUMBER: _ClassVar[int]
    REASON_TIERS_FIELD_NUMBER: _ClassVar[int]
    RUNGS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    tiers: _containers.RepeatedCompositeFieldContainer[SeverityTier]
    reason_tiers: _containers.RepeatedCompositeFieldContainer[ReasonTier]
    rungs: _containers.RepeatedCompositeFieldContainer[LadderRung]
    version: int
    changed_by: str
    changed_at: _timestamp_pb2.Timestamp
    def __init__(self, tiers: _Optional[_Iterable[_Union[SeverityTier, _Mapping]]] = ..., reason_tiers: _Optional[_Iterable[_Union[ReasonTier, _Mapping]]] = ..., rungs: _Optional[_Iterable[_Union[LadderRung, _Mapping]]] = ..., version: _Optional[int] = ..., changed_by: _Optional[str] = ..., changed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class IssueWarningRequest(_message.Message):
    __slots__ = ("person_id", "reason", "note", "room_slug", "idempotency_key")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    reason: str
    note: str
    room_slug: str
    idempotency_key: str
    def __init__(self, person_id: _Optional[str] = ..., reason: _Optional[str] = ..., note: _Optional[str] = ..., room_slug: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class IssueWarningResponse(_message.Message):
    __slots__ = ("warning", "active_warnings", "sanction", "next_step")
    WARNING_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_WARNINGS_FIELD_NUMBER: _ClassVar[int]
    SANCTION_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_FIELD_NUMBER: _ClassVar[int]
    warning: Warning
    active_warnings: int
    sanction: Sanction
    next_step: str
    def __init__(self, warning: _Optional[_Union[Warning, _Mapping]] = ..., active_warnings: _Optional[int] = ..., sanction: _Optional[_Union[Sanction, _Mapping]] = ..., next_step: _Optional[str] = ...) -> None: ...

class VoidWarningRequest(_message.Message):
    __slots__ = ("warning_id", "reason", "idempotency_key")
    WARNING_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    warning_id: str
    reason: str
    idempotency_key: str
    def __init__(self, warning_id: _Optional[str] = ..., reason: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class VoidWarningResponse(_message.Message):
    __slots__ = ("warning", "active_warnings")
    WARNING_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_WARNINGS_FIELD_NUMBER: _ClassVar[int]
    warning: Warning
    active_warnings: int
    def __init__(self, warning: _Optional[_Union[Warning, _Mapping]] = ..., active_warnings: _Optional[int] = ...) -> None: ...

class GetLadderRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetLadderResponse(_message.Message):
    __slots__ = ("ladder",)
    LADDER_FIELD_NUMBER: _ClassVar[int]
    ladder: Ladder
    def __init__(self, ladder: _Optional[_Union[Ladder, _Mapping]] = ...) -> None: ...

class SetLadderRequest(_message.Message):
    __slots__ = ("ladder", "idempotency_key")
    LADDER_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    ladder: Ladder
    idempotency_key: str
    def __init__(self, ladder: _Optional[_Union[Ladder, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class SetLadderResponse(_message.Message):
    __slots__ = ("ladder",)
    LADDER_FIELD_NUMBER: _ClassVar[int]
    ladder: Ladder
    def __init__(self, ladder: _Optional[_Union[Ladder, _Mapping]] = ...) -> None: ...

class ImposeSanctionRequest(_message.Message):
    __slots__ = ("person_id", "kind", "room_slug", "duration_minutes", "reason", "note", "idempotency_key")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    kind: str
    room_slug: str
    duration_minutes: int
    reason: str
    note: str
    idempotency_key: str
    def __init__(self, person_id: _Optional[str] = ..., kind: _Optional[str] = ..., room_slug: _Optional[str] = ..., duration_minutes: _Optional[int] = ..., reason: _Optional[str] = ..., note: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class ImposeSanctionResponse(_message.Message):
    __slots__ = ("sanction",)
    SANCTION_FIELD_NUMBER: _ClassVar[int]
    sanction: Sanction
    def __init__(self, sanction: _Optional[_Union[Sanction, _Mapping]] = ...) -> None: ...

class KickPersonRequest(_message.Message):
    __slots__ = ("room_slug", "person_id", "reason", "idempotency_key")
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    room_slug: str
    person_id: str
    reason: str
    idempotency_key: str
    def __init__(self, room_slug: _Optional[str] = ..., person_id: _Optional[str] = ..., reason: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class KickPersonResponse(_message.Message):
    __slots__ = ("sanction",)
    SANCTION_FIELD_NUMBER: _ClassVar[int]
    sanction: Sanction
    def __init__(self, sanction: _Optional[_Union[Sanction, _Mapping]] = ...) -> None: ...

class RemoveMessageRequest(_message.Message):
    __slots__ = ("message_id", "reason", "idempotency_key")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    reason: str
    idempotency_key: str
    def __init__(self, message_id: _Optional[str] = ..., reason: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class RemoveMessageResponse(_message.Message):
    __slots__ = ("sanction",)
    SANCTION_FIELD_NUMBER: _ClassVar[int]
    sanction: Sanction
    def __init__(self, sanction: _Optional[_Union[Sanction, _Mapping]] = ...) -> None: ...

class MuteExchangeRequest(_message.Message):
    __slots__ = ("room_slug", "person_ids", "duration_minutes", "reason", "idempotency_key")
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_IDS_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    room_slug: str
    person_ids: _containers.RepeatedScalarFieldContainer[str]
    duration_minutes: int
    reason: str
    idempotency_key: str
    def __init__(self, room_slug: _Optional[str] = ..., person_ids: _Optional[_Iterable[str]] = ..., duration_minutes: _Optional[int] = ..., reason: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class MuteExchangeResponse(_message.Message):
    __slots__ = ("sanctions",)
    SANCTIONS_FIELD_NUMBER: _ClassVar[int]
    sanctions: _containers.RepeatedCompositeFieldContainer[Sanction]
    def __init__(self, sanctions: _Optional[_Iterable[_Union[Sanction, _Mapping]]] = ...) -> None: ...

class LiftSanctionRequest(_message.Message):
    __slots__ = ("sanction_id", "reason", "idempotency_key")
    SANCTION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    sanction_id: str
    reason: str
    idempotency_key: str
    def __init__(self, sanction_id: _Optional[str] = ..., reason: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class LiftSanctionResponse(_message.Message):
    __slots__ = ("sanction",)
    SANCTION_FIELD_NUMBER: _ClassVar[int]
    sanction: Sanction
    def __init__(self, sanction: _Optional[_Union[Sanction, _Mapping]] = ...) -> None: ...

class GetRecordRequest(_message.Message):
    __slots__ = ("person_id",)
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    def __init__(self, person_id: _Optional[str] = ...) -> None: ...

class GetRecordResponse(_message.Message):
    __slots__ = ("person_id", "active_warnings", "next_step", "warnings", "sanctions")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_WARNINGS_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    SANCTIONS_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    active_warnings: int
    next_step: str
    warnings: _containers.RepeatedCompositeFieldContainer[Warning]
    sanctions: _containers.RepeatedCompositeFieldContainer[Sanction]
    def __init__(self, person_id: _Optional[str] = ..., active_warnings: _Optional[int] = ..., next_step: _Optional[str] = ..., warnings: _Optional[_Iterable[_Union[Warning, _Mapping]]] = ..., sanctions: _Optional[_Iterable[_Union[Sanction, _Mapping]]] = ...) -> None: ...

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
    __slots__ = ("rule_id", "rule", "idempotency_key")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    rule: AutomodRuleSpec
    idempotency_key: str
    def __init__(self, rule_id: _Optional[str] = ..., rule: _Optional[_Union[AutomodRuleSpec, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class UpdateAutomodRuleResponse(_message.Message):
    __slots__ = ("rule", "version")
    RULE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    rule: AutomodRule
    version: int
    def __init__(self, rule: _Optional[_Union[AutomodRule, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class DeleteAutomodRuleRequest(_message.Message):
    __slots__ = ("rule_id", "idempotency_key")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    idempotency_key: str
    def __init__(self, rule_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

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
    __slots__ = ("id", "seq", "kind", "reason", "room_slug", "cohort", "subject_id", "message_id", "excerpt", "caller_id", "note", "created_at", "stage", "stage_at", "recipient_ids", "acknowledged_by", "acknowledged_at", "course_slug")
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
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
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
    course_slug: str
    def __init__(self, id: _Optional[str] = ..., seq: _Optional[int] = ..., kind: _Optional[str] = ..., reason: _Optional[str] = ..., room_slug: _Optional[str] = ..., cohort: _Optional[str] = ..., subject_id: _Optional[str] = ..., message_id: _Optional[str] = ..., excerpt: _Optional[str] = ..., caller_id: _Optional[str] = ..., note: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stage: _Optional[str] = ..., stage_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recipient_ids: _Optional[_Iterable[str]] = ..., acknowledged_by: _Optional[str] = ..., acknowledged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., course_slug: _Optional[str] = ...) -> None: ...

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

class Appeal(_message.Message):
    __slots__ = ("id", "person_id", "subject_kind", "subject_id", "what", "room_slug", "acted_by", "text", "filed_at", "status", "decided_by", "decided_at", "decision_reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    WHAT_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    ACTED_BY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    FILED_AT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    DECISION_REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    person_id: str
    subject_kind: str
    subject_id: str
    what: str
    room_slug: str
    acted_by: str
    text: str
    filed_at: _timestamp_pb2.Timestamp
    status: str
    decided_by: str
    decided_at: _timestamp_pb2.Timestamp
    decision_reason: str
    def __init__(self, id: _Optional[str] = ..., person_id: _Optional[str] = ..., subject_kind: _Optional[str] = ..., subject_id: _Optional[str] = ..., what: _Optional[str] = ..., room_slug: _Optional[str] = ..., acted_by: _Optional[str] = ..., text: _Optional[str] = ..., filed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[str] = ..., decided_by: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decision_reason: _Optional[str] = ...) -> None: ...

class FileAppealRequest(_message.Message):
    __slots__ = ("subject_kind", "subject_id", "text", "idempotency_key")
    SUBJECT_KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    subject_kind: str
    subject_id: str
    text: str
    idempotency_key: str
    def __init__(self, subject_kind: _Optional[str] = ..., subject_id: _Optional[str] = ..., text: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class FileAppealResponse(_message.Message):
    __slots__ = ("appeal",)
    APPEAL_FIELD_NUMBER: _ClassVar[int]
    appeal: Appeal
    def __init__(self, appeal: _Optional[_Union[Appeal, _Mapping]] = ...) -> None: ...

class ListAppealsRequest(_message.Message):
    __slots__ = ("to_decide", "limit")
    TO_DECIDE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    to_decide: bool
    limit: int
    def __init__(self, to_decide: _Optional[bool] = ..., limit: _Optional[int] = ...) -> None: ...

class ListAppealsResponse(_message.Message):
    __slots__ = ("appeals",)
    APPEALS_FIELD_NUMBER: _ClassVar[int]
    appeals: _containers.RepeatedCompositeFieldContainer[Appeal]
    def __init__(self, appeals: _Optional[_Iterable[_Union[Appeal, _Mapping]]] = ...) -> None: ...

class DecideAppealRequest(_message.Message):
    __slots__ = ("appeal_id", "decision", "reason", "idempotency_key")
    APPEAL_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    appeal_id: str
    decision: str
    reason: str
    idempotency_key: str
    def __init__(self, appeal_id: _Optional[str] = ..., decision: _Optional[str] = ..., reason: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class DecideAppealResponse(_message.Message):
    __slots__ = ("appeal",)
    APPEAL_FIELD_NUMBER: _ClassVar[int]
    appeal: Appeal
    def __init__(self, appeal: _Optional[_Union[Appeal, _Mapping]] = ...) -> None: ...

class AuditEntry(_message.Message):
    __slots__ = ("id", "at", "action", "source", "actor_id", "target_id", "room_slug", "subject_ref", "reason", "details_json", "request_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_REF_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAILS_JSON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    at: _timestamp_pb2.Timestamp
    action: str
    source: str
    actor_id: str
    target_id: str
    room_slug: str
    subject_ref: str
    reason: str
    details_json: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., action: _Optional[str] = ..., source: _Optional[str] = ..., actor_id: _Optional[str] = ..., target_id: _Optional[str] = ..., room_slug: _Optional[str] = ..., subject_ref: _Optional[str] = ..., reason: _Optional[str] = ..., details_json: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListAuditLogRequest(_message.Message):
    __slots__ = ("person_id", "room_slug", "moderator_id", "since", "until", "limit", "page_token")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    MODERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    room_slug: str
    moderator_id: str
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    limit: int
    page_token: str
    def __init__(self, person_id: _Optional[str] = ..., room_slug: _Optional[str] = ..., moderator_id: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., limit: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAuditLogResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[AuditEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[AuditEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetModeratorFiguresRequest(_message.Message):
    __slots__ = ("moderator_id", "since")
    MODERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    moderator_id: str
    since: _timestamp_pb2.Timestamp
    def __init__(self, moderator_id: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ActionCount(_message.Message):
    __slots__ = ("action", "count")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    action: str
    count: int
    def __init__(self, action: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class GetModeratorFiguresResponse(_message.Message):
    __slots__ = ("moderator_id", "actions", "total_actions", "appeals_overturned")
    MODERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ACTIONS_FIELD_NUMBER: _ClassVar[int]
    APPEALS_OVERTURNED_FIELD_NUMBER: _ClassVar[int]
    moderator_id: str
    actions: _containers.RepeatedCompositeFieldContainer[ActionCount]
    total_actions: int
    appeals_overturned: int
    def __init__(self, moderator_id: _Optional[str] = ..., actions: _Optional[_Iterable[_Union[ActionCount, _Mapping]]] = ..., total_actions: _Optional[int] = ..., appeals_overturned: _Optional[int] = ...) -> None: ...
