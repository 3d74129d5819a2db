"""Entrypoint: translates ModerationService gRPC calls to use cases and their results to protobuf."""
from __future__ import annotations

from hearth.moderation.v1 import moderation_pb2 as pb
from hearth.moderation.v1 import moderation_pb2_grpc

from hearth_common.grpc_server import caller
from hearth_common.proto_convert import to_timestamp
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
        hidden_message_ids=c["hidden_message_ids"],
    )


def automod_spec(spec: pb.AutomodRuleSpec) -> dict:
    return {"kind": spec.kind, "pattern": spec.pattern, "action": spec.action, "explanation": spec.explanation,
            "scope": spec.scope, "exempt_roles": list(spec.exempt_roles), "report_reason": spec.report_reason}


def automod_rule_pb(r: dict) -> pb.AutomodRule:
    return pb.AutomodRule(id=r["id"], manageable=r["manageable"], spec=pb.AutomodRuleSpec(
        kind=r["kind"], pattern=r["pattern"], action=r["action"], explanation=r["explanation"], scope=r["scope"],
        exempt_roles=r["exempt_roles"], report_reason=r["report_reason"] or ""))


def person_calling() -> str:
    """The verified caller's person id."""
    return caller().person_id


class ModerationServicer(moderation_pb2_grpc.ModerationServiceServicer):
    """Every method runs for a caller whose token the server verified (Authentication); none is public."""

    def __init__(self, service: ModerationService):
        self.service = service

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

    # --- Automod rules (section 3)

    def ListAutomodRules(self, request, context):
        listed = self.service.automod.list_rules(person_calling(), request.scope)
        return pb.ListAutomodRulesResponse(version=listed["version"],
                                           rules=[automod_rule_pb(r) for r in listed["rules"]])

    def CreateAutomodRule(self, request, context):
        made = self.service.automod.create_rule(person_calling(), automod_spec(request.rule), request.idempotency_key)
        return pb.CreateAutomodRuleResponse(rule=automod_rule_pb(made["rule"]), version=made["version"])

    def UpdateAutomodRule(self, request, context):
        changed = self.service.automod.update_rule(person_calling(), request.rule_id, automod_spec(request.rule))
        return pb.UpdateAutomodRuleResponse(rule=automod_rule_pb(changed["rule"]), version=changed["version"])

    def DeleteAutomodRule(self, request, context):
        return pb.DeleteAutomodRuleResponse(
            version=self.service.automod.delete_rule(person_calling(), request.rule_id)["version"])

    def TestAutomod(self, request, context):
        tested = self.service.automod.test_text(person_calling(), request.text, request.room_slug, request.cohort,
                                                request.author_roles)
        return pb.TestAutomodResponse(
            version=tested["version"], blocked=tested["blocked"], explanations=tested["explanations"],
            hits=[pb.AutomodHit(**h) for h in tested["hits"]], censored_text=tested["censored_text"],
            crisis_tier=tested["crisis"], timed_out=tested["timed_out"])
