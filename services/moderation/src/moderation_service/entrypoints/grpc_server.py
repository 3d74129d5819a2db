"""Entrypoint: the moderation-grpc process (grpcio, no eventlet)."""
from __future__ import annotations

from hearth.moderation.v1 import moderation_pb2, moderation_pb2_grpc

from hearth_common.clients.identity_keys import identity_key_fetcher
from hearth_common.db import DatabaseReadiness, make_server_engine
from hearth_common.grpc_server import Authentication, GrpcServer
from hearth_common.logging import configure_logging
from hearth_common.request_limits import Limit, RequestLimits, free_text
from hearth_common.tokens import TokenVerifier
from moderation_service import settings as settings_module
from moderation_service.bootstrap import build_pager, build_service
from moderation_service.domain import appeals, crisis, ladder, pager, reports, sanctions
from moderation_service.entrypoints.grpc_servicer import ModerationServicer
from moderation_service.service_layer.sanctions import SanctionsService

SERVICE_NAME = moderation_pb2.DESCRIPTOR.services_by_name["ModerationService"].full_name

# The edge's limits of moderation's own fields, from the domain's rules (common's defaults cover slugs, ids and
# tokens); a request over one is refused before any work (hearth_common.request_limits).
# Section 2 (warnings, the ladder, sanctions): its free-text reasons first (a report's `reason` is a taxonomy name).
SANCTION_REASONS = {f"*.{request}.reason": free_text(sanctions.REASON_MAX) for request in (
    "VoidWarningRequest", "ImposeSanctionRequest", "KickPersonRequest", "RemoveMessageRequest",
    "MuteExchangeRequest", "LiftSanctionRequest")}
SANCTION_TEXT = {
    "*.ImposeSanctionRequest.kind": Limit(max(len(kind) for kind in (ladder.MUTE, ladder.BAN))),
    "tier": Limit(ladder.TIER_NAME_MAX),
    "*.SeverityTier.name": Limit(ladder.TIER_NAME_MAX),
}
SANCTION_ITEMS = {
    "person_ids": Limit(sanctions.EXCHANGE_PEOPLE_MAX),
    "tiers": Limit(ladder.TIERS_MAX),
    "rungs": Limit(ladder.RUNGS_MAX),
    "reason_tiers": Limit(len(reports.SEVERITY)),
}
# Section 6 (appeals): the appeal's text, the decision and its reason.
APPEAL_TEXT = {
    "*.FileAppealRequest.text": free_text(appeals.TEXT_MAX),
    "*.FileAppealRequest.subject_kind": Limit(max(len(kind) for kind in appeals.SUBJECT_KINDS)),
    "*.DecideAppealRequest.decision": Limit(max(len(decision) for decision in appeals.DECISIONS)),
    "*.DecideAppealRequest.reason": free_text(appeals.REASON_MAX),
}
LIMITS = RequestLimits(text={
    **SANCTION_REASONS,
    **APPEAL_TEXT,
    **SANCTION_TEXT,
    "note": free_text(reports.NOTE_MAX),
    "reason": Limit(max(len(reason) for reason in reports.SEVERITY)),
    "decision": Limit(max(len(decision) for decision in reports.OUTCOME)),
    "cohort": Limit(max(len(cohort) for cohort in crisis.COHORTS)),
    "lines": free_text(crisis.RESOURCE_MAX),
}, items={
    **SANCTION_ITEMS,
    "room_slugs": Limit(pager.ROOMS_MAX),
    "lines": Limit(crisis.RESOURCES_MAX),
})


def make_grpc_engine(settings):
    """moderation-grpc's engine: a connection per worker thread, failing fast while the database is unreachable."""
    # one connection per call thread, plus the console streams' threads (ModerationServicer.STREAM_THREADS)
    return make_server_engine(settings, settings.grpc_workers + ModerationServicer.STREAM_THREADS)


def build_server(settings, service=None, verifier: TokenVerifier | None = None, pager_service=None,
                 sanctions_service: SanctionsService | None = None) -> GrpcServer:
    engine = None if service is not None and pager_service is not None else make_grpc_engine(settings)
    service = service or build_service(settings, engine)
    pager_service = pager_service or build_pager(settings, engine)
    verifier = verifier or TokenVerifier(identity_key_fetcher(settings.identity_grpc_target),
                                         issuer=settings.token_issuer, audience=settings.token_audience)
    return GrpcServer(
        [(moderation_pb2_grpc.add_ModerationServiceServicer_to_server,
          ModerationServicer(service, pager_service, sanctions_service))],
        [SERVICE_NAME],
        address=settings.grpc_address,
        max_workers=settings.grpc_workers,
        asyncio=True,  # StreamPages streams are coroutines; the other calls run in the thread pool
        authentication=Authentication(verifier),  # no method of moderation's is public
        limits=LIMITS,
    )


def main() -> None:
    settings = settings_module.load()
    configure_logging("moderation", "grpc", settings.log_level)
    engine = make_grpc_engine(settings)
    server = build_server(settings, build_service(settings, engine), pager_service=build_pager(settings, engine))
    server.serve(settings, readiness=DatabaseReadiness.from_settings(engine, settings))


if __name__ == "__main__":
    main()
