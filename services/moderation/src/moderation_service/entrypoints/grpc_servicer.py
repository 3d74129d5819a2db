"""Entrypoint: translates ModerationService gRPC calls to use cases and their results to protobuf."""
from __future__ import annotations

from hearth.moderation.v1 import moderation_pb2 as pb
from hearth.moderation.v1 import moderation_pb2_grpc

from hearth_common.grpc_server import caller
from hearth_common.proto_convert import to_timestamp
from moderation_service.entrypoints.grpc_sanctions import SanctionsMethods
from moderation_service.service_layer.sanctions import SanctionsService
from moderation_service.service_layer.services import ModerationService


def report_pb(r: dict) -> pb.Report:
    return pb.Report(
        id=r["id"], room_slug=r["room_slug"], subject_id=r["subject_id"], message_id=r["message_id"] or "",
        reason=r["reason"], note=r["note"] or "", filed_at=to_timestamp(r["filed_at"]), outcome=r["outcome"],
    )


def case_pb(c: dict) -> pb.Case:
    return pb.Case(
        id=c["id"],
        subject=pb.Subject(**c["subject"]),
        status=c["status"],
        opened_at=to_timestamp(c["opened_at"]),
        priority=c["priority"],
        reporter_count=c["reporter_count"],
        reasons=c["reasons"],
        room_slugs=c["room_slugs"],
        reports=[pb.ReviewedReport(report=report_pb(r), reporter_id=r["reporter_id"],
                                   reporter_accuracy=r["reporter_accuracy"], message_body=r["message_body"] or "")
                 for r in c["reports"]],
        decision=c["decision"] or "",
        decided_by=c["decided_by"] or "",
        decided_at=to_timestamp(c["decided_at"]),
        note=c["note"] or "",
        removed_message_ids=c["removed_message_ids"],
    )


def person_calling() -> str:
    """The verified caller's person id."""
    return caller().person_id


class ModerationServicer(SanctionsMethods, moderation_pb2_grpc.ModerationServiceServicer):
    """Every method runs for a caller whose token the server verified (Authentication); none is public."""

    def __init__(self, service: ModerationService, sanctions: SanctionsService | None = None):
        self.service = service
        self.sanctions = sanctions or SanctionsService(service.uow_factory, service.clock)

    def ListReportReasons(self, request, context):
        return pb.ListReportReasonsResponse(reasons=[pb.ReportReason(**r) for r in self.service.reasons()])

    def ReportMessage(self, request, context):
        report = self.service.report_message(person_calling(), request.message_id, request.reason, request.note,
                                             request.idempotency_key)
        return pb.ReportMessageResponse(report=report_pb(report))

    def ReportPerson(self, request, context):
        report = self.service.report_person(person_calling(), request.room_slug, request.person_id, request.reason,
                                            request.note, request.idempotency_key)
        return pb.ReportPersonResponse(report=report_pb(report))

    def ListQueue(self, request, context):
        cases = self.service.queue(person_calling(), request.room_slug or None, request.limit)
        return pb.ListQueueResponse(cases=[case_pb(c) for c in cases])

    def GetCase(self, request, context):
        return pb.GetCaseResponse(case=case_pb(self.service.get_case(person_calling(), request.case_id)))

    def DecideCase(self, request, context):
        case = self.service.decide_case(person_calling(), request.case_id, request.decision, request.remove_messages,
                                        request.note, request.idempotency_key)
        return pb.DecideCaseResponse(case=case_pb(case))
