"""Entrypoint: the course-grpc process (grpcio, no eventlet)."""
from __future__ import annotations

from hearth.course.v1 import course_pb2, course_pb2_grpc

from course_service import settings as settings_module
from course_service.bootstrap import build_service
from course_service.domain import courses, posts
from course_service.domain.enrolments import SECTIONS
from course_service.entrypoints.grpc_servicer import CourseServicer
from course_service.service_layer.threads import CURSOR_MAX
from hearth_common.access_policy import POLICY_JSON_MAX
from hearth_common.clients.identity_keys import identity_key_fetcher
from hearth_common.db import DatabaseReadiness, make_server_engine
from hearth_common.grpc_server import Authentication, GrpcServer
from hearth_common.logging import configure_logging
from hearth_common.request_limits import Limit, RequestLimits, free_text
from hearth_common.tokens import TokenVerifier

SERVICE_NAME = course_pb2.DESCRIPTOR.services_by_name["CourseService"].full_name

# The edge's limits of course's own fields, from the domain's rules (common's defaults cover slugs and ids); a
# request over one is refused before any work (hearth_common.request_limits).
LIMITS = RequestLimits(text={
    "title": free_text(courses.TITLE_MAX),
    "summary": free_text(courses.SUMMARY_MAX),
    "opening_post": free_text(courses.OPENING_POST_MAX),
    "status": Limit(max(len(status) for status in courses.STATUSES)),
    "enrolment_policy_json": Limit(POLICY_JSON_MAX),
    "requirements_json": Limit(POLICY_JSON_MAX),
    "body": free_text(posts.BODY_MAX),
    "reason": free_text(posts.REASON_MAX),
    "section": Limit(max(len(section) for section in SECTIONS)),
    "cursor": Limit(CURSOR_MAX),
}, items={
    "discussion_ids": Limit(courses.DISCUSSIONS_MAX),
})


def build_server(settings, service=None, verifier: TokenVerifier | None = None) -> GrpcServer:
    service = service or build_service(settings, make_server_engine(settings, settings.grpc_workers,
                                                                     autocommit=True))
    verifier = verifier or TokenVerifier(identity_key_fetcher(settings.identity_grpc_target),
                                         issuer=settings.token_issuer, audience=settings.token_audience)
    return GrpcServer(
        [(course_pb2_grpc.add_CourseServiceServicer_to_server, CourseServicer(service))],
        [SERVICE_NAME],
        address=settings.grpc_address,
        max_workers=settings.grpc_workers,
        asyncio=True,  # as moderation's: the threads' streams (later) are coroutines; unary calls use the pool
        authentication=Authentication(verifier),  # no method of course's is public
        limits=LIMITS,
    )


def main() -> None:
    settings = settings_module.load()
    configure_logging("course", "grpc", settings.log_level)
    # Autocommit: each call's transaction begins with its first statement (no BEGIN round trip of its own).
    engine = make_server_engine(settings, settings.grpc_workers, autocommit=True)
    server = build_server(settings, build_service(settings, engine))
    server.serve(settings, readiness=DatabaseReadiness.from_settings(engine, settings))


if __name__ == "__main__":
    main()
