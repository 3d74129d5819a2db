"""Entrypoint: translates ModerationService gRPC calls to use cases and their results to protobuf."""
from __future__ import annotations

import asyncio
import concurrent.futures
import functools

from hearth.moderation.v1 import moderation_pb2 as pb
from hearth.moderation.v1 import moderation_pb2_grpc

from hearth_common.grpc_server import caller
from hearth_common.proto_convert import to_timestamp
from moderation_service.entrypoints.grpc_appeals import AppealsMethods
from moderation_service.entrypoints.grpc_sanctions import SanctionsMethods
from moderation_service.service_layer.appeals import AppealsService
from moderation_service.service_layer.audit_log import AuditLogQueries
from moderation_service.service_layer.pager import PagerService
from moderation_service.service_layer.sanctions import SanctionsService
from moderation_service.service_layer.services import ModerationService


def report_pb(r: dict) -> pb.Report:
    return pb.Report(
        id=r["id"], room_slug=r["room_slug"], subject_id=r["subject_id"], message_id=r["message_id"] or "",
        reason=r["reason"], note=r["note"] or "", filed_at=to_timestamp(r["filed_at"]), outcome=r["outcome"],
        course_slug=r["course_slug"] or "", discussion_id=r["discussion_id"] or "",
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
        course_slugs=c["course_slugs"],
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


def shift_pb(s: dict) -> pb.Shift:
    return pb.Shift(moderator_id=s["moderator_id"], username=s["username"], cohort=s["cohort"] or "",
                    room_slugs=s["room_slugs"], crisis_trained=s["crisis_trained"],
                    started_at=to_timestamp(s["started_at"]), ends_at=to_timestamp(s["ends_at"]))


def page_pb(p: dict) -> pb.Page:
    return pb.Page(
        id=p["id"], seq=p["seq"], kind=p["kind"], reason=p["reason"], room_slug=p["room_slug"],
        course_slug=p["course_slug"] or "",
        cohort=p["cohort"] or "", subject_id=p["subject_id"] or "", message_id=p["message_id"] or "",
        excerpt=p["excerpt"] or "", caller_id=p["caller_id"] or "", note=p["note"] or "",
        created_at=to_timestamp(p["created_at"]), stage=p["stage"], stage_at=to_timestamp(p["stage_at"]),
        recipient_ids=p["recipient_ids"], acknowledged_by=p["acknowledged_by"] or "",
        acknowledged_at=to_timestamp(p["acknowledged_at"]),
    )


def heard_pb(h: dict) -> pb.CallHeard:
    return pb.CallHeard(page_id=h["page_id"], room_slug=h["room_slug"], created_at=to_timestamp(h["created_at"]),
                        admins_paged=h["admins_paged"], message=h["message"])


def resources_pb(r: dict) -> pb.CareResources:
    return pb.CareResources(cohort=r["cohort"], lines=r["lines"], updated_by=r["updated_by"] or "",
                            updated_at=to_timestamp(r["updated_at"]))


def person_calling() -> str:
    """The verified caller's person id."""
    return caller().person_id


class ModerationServicer(SanctionsMethods, AppealsMethods, moderation_pb2_grpc.ModerationServiceServicer):
    """Every method runs for a caller whose token the server verified (Authentication); none is public."""

    # The console streams' database looks run on this many threads of their own (so at most this many of the
    # engine's connections, which grpc_server sizes for them), never on the unary calls' pool.
    STREAM_THREADS = 2

    def __init__(self, service: ModerationService, pager: PagerService | None = None,
                 sanctions: SanctionsService | None = None, appeals: AppealsService | None = None,
                 audit_log: AuditLogQueries | None = None):
        self.service = service
        self.pager = pager
        self.sanctions = sanctions or SanctionsService(service.uow_factory, service.clock)
        self.appeals = appeals or AppealsService(service.uow_factory, service.clock, self.sanctions)
        self.audit_log = audit_log or AuditLogQueries(service.uow_factory, service.clock)
        self.stream_threads = concurrent.futures.ThreadPoolExecutor(self.STREAM_THREADS, "page-streams")

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

    def ReportCoursePost(self, request, context):
        report = self.service.report_course_post(person_calling(), request.post_id, request.reason, request.note,
                                                 request.idempotency_key)
        return pb.ReportCoursePostResponse(report=report_pb(report))

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
        changed = self.service.automod.update_rule(person_calling(), request.rule_id, automod_spec(request.rule),
                                                   request.idempotency_key)
        return pb.UpdateAutomodRuleResponse(rule=automod_rule_pb(changed["rule"]), version=changed["version"])

    def DeleteAutomodRule(self, request, context):
        return pb.DeleteAutomodRuleResponse(
            version=self.service.automod.delete_rule(person_calling(), request.rule_id,
                                                    request.idempotency_key)["version"])

    def TestAutomod(self, request, context):
        tested = self.service.automod.test_text(person_calling(), request.text, request.room_slug, request.cohort,
                                                request.author_roles)
        return pb.TestAutomodResponse(
            version=tested["version"], blocked=tested["blocked"], explanations=tested["explanations"],
            hits=[pb.AutomodHit(**h) for h in tested["hits"]], censored_text=tested["censored_text"],
            crisis_tier=tested["crisis"], timed_out=tested["timed_out"])


    # --- sections 4 and 5: the rota, summons, referrals, pages, care resources -------------------------------

    def GoOnDuty(self, request, context):
        shift = self.pager.go_on_duty(person_calling(), request.cohort, list(request.room_slugs), request.hours,
                                      request.idempotency_key)
        return pb.GoOnDutyResponse(shift=shift_pb(shift))

    def GoOffDuty(self, request, context):
        return pb.GoOffDutyResponse(**self.pager.go_off_duty(person_calling(), request.idempotency_key))

    def ListOnDuty(self, request, context):
        shifts = self.pager.who_is_on_duty(person_calling(), request.room_slug or None)
        return pb.ListOnDutyResponse(shifts=[shift_pb(s) for s in shifts])

    def SummonModerator(self, request, context):
        heard = self.pager.summon(person_calling(), request.room_slug, request.reason, request.person_id or None,
                                  request.message_id or None, request.note, request.idempotency_key)
        return pb.SummonModeratorResponse(heard=heard_pb(heard))

    def Refer(self, request, context):
        heard = self.pager.refer(person_calling(), request.room_slug or None, request.person_id or None,
                                 request.message_id or None, request.note, request.idempotency_key)
        return pb.ReferResponse(heard=heard_pb(heard))

    def ListPages(self, request, context):
        pages = self.pager.list_pages(person_calling(), request.open_only, request.limit)
        return pb.ListPagesResponse(pages=[page_pb(p) for p in pages])

    def AcknowledgePage(self, request, context):
        page = self.pager.acknowledge(person_calling(), request.page_id, request.idempotency_key)
        return pb.AcknowledgePageResponse(page=page_pb(page))

    async def StreamPages(self, request, context):
        """A coroutine stream (the server runs on asyncio): no thread is held while it waits."""
        after = request.after_seq if request.HasField("after_seq") else None
        run_blocking = functools.partial(asyncio.get_running_loop().run_in_executor, self.stream_threads)
        async for update in self.pager.follow(person_calling(), after, run_blocking):
            page = update.get("page")
            yield pb.PageUpdate(seq=update["seq"], page=page_pb(page) if page else None)

    def GetCareResources(self, request, context):
        resources = self.pager.care_resources(person_calling(), request.cohort)
        return pb.GetCareResourcesResponse(resources=resources_pb(resources))

    def SetCareResources(self, request, context):
        resources = self.pager.set_care_resources(person_calling(), request.cohort, list(request.lines),
                                                  request.idempotency_key)
        return pb.SetCareResourcesResponse(resources=resources_pb(resources))
