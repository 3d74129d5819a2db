"""Entrypoint: translates the section 2 gRPC calls (warnings, the ladder, sanctions) to SanctionsService's use cases
and their results to protobuf; ModerationServicer takes these methods."""
from __future__ import annotations

from hearth.moderation.v1 import moderation_pb2 as pb

from hearth_common.grpc_server import caller
from hearth_common.proto_convert import to_timestamp
from moderation_service.domain.errors import InvalidLadder
from moderation_service.service_layer.sanctions import SanctionsService


def warning_pb(w: dict) -> pb.Warning:
    return pb.Warning(
        id=w["id"], person_id=w["person_id"], reason=w["reason"], tier=w["tier"], note=w["note"] or "",
        room_slug=w["room_slug"] or "", issued_by=w["issued_by"], issued_at=to_timestamp(w["issued_at"]),
        expires_at=to_timestamp(w["expires_at"]), counts=w["counts"], voided_at=to_timestamp(w["voided_at"]),
        voided_by=w["voided_by"] or "", void_reason=w["void_reason"] or "", sanction_id=w["sanction_id"] or "",
    )


def sanction_pb(s: dict) -> pb.Sanction:
    return pb.Sanction(
        id=s["id"], person_id=s["person_id"], kind=s["kind"], room_slug=s["room_slug"] or "", reason=s["reason"],
        note=s["note"] or "", imposed_by=s["imposed_by"], imposed_at=to_timestamp(s["imposed_at"]),
        expires_at=to_timestamp(s["expires_at"]), source=s["source"], status=s["status"], in_force=s["in_force"],
        warning_id=s["warning_id"] or "", message_id=s["message_id"] or "", exchange_id=s["exchange_id"] or "",
        ended_at=to_timestamp(s["ended_at"]), lifted_by=s["lifted_by"] or "", lift_reason=s["lift_reason"] or "",
    )


def ladder_pb(lad: dict) -> pb.Ladder:
    return pb.Ladder(
        tiers=[pb.SeverityTier(name=name, days=days) for name, days in lad["tiers"].items()],
        reason_tiers=[pb.ReasonTier(reason=reason, tier=tier) for reason, tier in lad["reason_tiers"].items()],
        rungs=[pb.LadderRung(warnings=r["warnings"], kind=r["kind"], minutes=r["minutes"] or 0)
               for r in lad["rungs"]],
        version=lad["version"], changed_by=lad["changed_by"] or "", changed_at=to_timestamp(lad["changed_at"]),
    )


def ladder_data(message: pb.Ladder) -> dict:
    """The ladder as the use case takes it (a rung's 0 minutes: until lifted); a name given twice is refused."""
    tiers = {t.name: t.days for t in message.tiers}
    reason_tiers = {r.reason: r.tier for r in message.reason_tiers}
    if len(tiers) != len(message.tiers) or len(reason_tiers) != len(message.reason_tiers):
        raise InvalidLadder("tiers and reason_tiers must name each tier and reason once")
    return {"tiers": tiers, "reason_tiers": reason_tiers,
            "rungs": [{"warnings": r.warnings, "kind": r.kind, "minutes": r.minutes or None} for r in message.rungs]}


class SanctionsMethods:
    """The section 2 methods of ModerationServicer (`self.sanctions` is the SanctionsService)."""

    sanctions: SanctionsService

    def IssueWarning(self, request, context):
        w = self.sanctions.issue_warning(caller().person_id, request.person_id, request.reason, request.note,
                                         request.room_slug, request.idempotency_key)
        return pb.IssueWarningResponse(warning=warning_pb(w), active_warnings=w["active_warnings"],
                                       sanction=sanction_pb(w["sanction"]) if w["sanction"] else None,
                                       next_step=w["next_step"])

    def VoidWarning(self, request, context):
        w = self.sanctions.void_warning(caller().person_id, request.warning_id, request.reason,
                                        request.idempotency_key)
        return pb.VoidWarningResponse(warning=warning_pb(w), active_warnings=w["active_warnings"])

    def GetLadder(self, request, context):
        return pb.GetLadderResponse(ladder=ladder_pb(self.sanctions.ladder()))

    def SetLadder(self, request, context):
        ladder = self.sanctions.set_ladder(caller().person_id, ladder_data(request.ladder), request.idempotency_key)
        return pb.SetLadderResponse(ladder=ladder_pb(ladder))

    def ImposeSanction(self, request, context):
        s = self.sanctions.impose(caller().person_id, request.person_id, request.kind, request.room_slug,
                                  request.duration_minutes or None, request.reason, request.note,
                                  request.idempotency_key)
        return pb.ImposeSanctionResponse(sanction=sanction_pb(s))

    def KickPerson(self, request, context):
        s = self.sanctions.kick(caller().person_id, request.room_slug, request.person_id, request.reason,
                                request.idempotency_key)
        return pb.KickPersonResponse(sanction=sanction_pb(s))

    def RemoveMessage(self, request, context):
        s = self.sanctions.remove_message(caller().person_id, request.message_id, request.reason,
                                          request.idempotency_key)
        return pb.RemoveMessageResponse(sanction=sanction_pb(s))

    def MuteExchange(self, request, context):
        muted = self.sanctions.mute_exchange(caller().person_id, request.room_slug, list(request.person_ids),
                                             request.duration_minutes, request.reason, request.idempotency_key)
        return pb.MuteExchangeResponse(sanctions=[sanction_pb(s) for s in muted])

    def LiftSanction(self, request, context):
        s = self.sanctions.lift(caller().person_id, request.sanction_id, request.reason, request.idempotency_key)
        return pb.LiftSanctionResponse(sanction=sanction_pb(s))

    def GetRecord(self, request, context):
        r = self.sanctions.record(caller().person_id, request.person_id)
        return pb.GetRecordResponse(person_id=r["person_id"], active_warnings=r["active_warnings"],
                                    next_step=r["next_step"], warnings=[warning_pb(w) for w in r["warnings"]],
                                    sanctions=[sanction_pb(s) for s in r["sanctions"]])
