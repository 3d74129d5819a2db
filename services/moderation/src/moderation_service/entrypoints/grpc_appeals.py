"""Entrypoint: translates the section 6 gRPC calls (appeals, the audit log's queries) to AppealsService's and
AuditLogQueries' use cases and their results to protobuf; ModerationServicer takes these methods."""
from __future__ import annotations

import json

from hearth.moderation.v1 import moderation_pb2 as pb

from hearth_common.grpc_server import caller
from hearth_common.proto_convert import from_timestamp, to_timestamp
from moderation_service.service_layer.appeals import AppealsService
from moderation_service.service_layer.audit_log import AuditLogQueries


def appeal_pb(a: dict) -> pb.Appeal:
    return pb.Appeal(
        id=a["id"], person_id=a["person_id"], subject_kind=a["subject_kind"], subject_id=a["subject_id"],
        what=a["what"], room_slug=a["room_slug"] or "", acted_by=a["acted_by"] or "", text=a["text"],
        filed_at=to_timestamp(a["filed_at"]), status=a["status"], decided_by=a["decided_by"] or "",
        decided_at=to_timestamp(a["decided_at"]), decision_reason=a["decision_reason"] or "",
    )


def audit_entry_pb(e: dict) -> pb.AuditEntry:
    return pb.AuditEntry(
        id=e["id"], at=to_timestamp(e["at"]), action=e["action"], source=e["source"], actor_id=e["actor_id"] or "",
        target_id=e["target_id"] or "", room_slug=e["room_slug"] or "", subject_ref=e["subject_ref"] or "",
        reason=e["reason"] or "", details_json=json.dumps(e["details"], sort_keys=True, default=str),
        request_id=e["request_id"] or "",
    )


class AppealsMethods:
    """The section 6 methods of ModerationServicer (`self.appeals`, `self.audit_log`)."""

    appeals: AppealsService
    audit_log: AuditLogQueries

    def FileAppeal(self, request, context):
        appeal = self.appeals.file(caller().person_id, request.subject_kind, request.subject_id, request.text,
                                   request.idempotency_key)
        return pb.FileAppealResponse(appeal=appeal_pb(appeal))

    def ListAppeals(self, request, context):
        appeals = self.appeals.list(caller().person_id, request.to_decide, request.limit)
        return pb.ListAppealsResponse(appeals=[appeal_pb(a) for a in appeals])

    def DecideAppeal(self, request, context):
        appeal = self.appeals.decide(caller().person_id, request.appeal_id, request.decision, request.reason,
                                     request.idempotency_key)
        return pb.DecideAppealResponse(appeal=appeal_pb(appeal))

    def ListAuditLog(self, request, context):
        page = self.audit_log.list(caller().person_id, target_id=request.person_id or None,
                                   room_slug=request.room_slug or None, moderator_id=request.moderator_id or None,
                                   since=from_timestamp(request, "since"), until=from_timestamp(request, "until"),
                                   limit=request.limit, page_token=request.page_token or None)
        return pb.ListAuditLogResponse(entries=[audit_entry_pb(e) for e in page["entries"]],
                                       next_page_token=page["next_page_token"])

    def GetModeratorFigures(self, request, context):
        figures = self.audit_log.figures(caller().person_id, request.moderator_id, from_timestamp(request, "since"))
        return pb.GetModeratorFiguresResponse(
            moderator_id=figures["moderator_id"],
            actions=[pb.ActionCount(action=action, count=n) for action, n in figures["actions"].items()],
            total_actions=figures["total_actions"], appeals_overturned=figures["appeals_overturned"])
