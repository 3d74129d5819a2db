"""gRPC: moderation's API over a real grpcio server on an ephemeral port, backed by the real PostgreSQL: who may
call, the statuses of refusals, and what a reporter and a moderator see."""
import datetime as dt

import grpc
import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from hearth.moderation.v1 import moderation_pb2 as pb
from hearth.moderation.v1 import moderation_pb2_grpc
from moderation_world import ROOM, World

from hearth_common.clock import utcnow
from hearth_common.tokens import TokenVerifier
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.domain.reports import REPORT_PACE
from moderation_service.entrypoints.grpc_server import SERVICE_NAME, build_server
from moderation_service.service_layer.services import ModerationService

T = 5
KEY = Ed25519PrivateKey.generate()
PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def token_for(person_id, key=KEY, expired=False):
    now = dt.datetime.now(dt.timezone.utc) - (dt.timedelta(hours=1) if expired else dt.timedelta())
    claims = {"iss": "hearth-identity", "aud": "hearth", "sub": person_id, "iat": int(now.timestamp()),
              "exp": int((now + dt.timedelta(minutes=5)).timestamp()), "roles": []}
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": "test-key"})


def md(person_id):
    return [("authorization", f"Bearer {token_for(person_id)}")]


@pytest.fixture
def service(clean_engine):
    """Moderation with no room at all: a decision never waits on room (its calls are the worker's)."""
    return ModerationService(uow_factory(clean_engine))


@pytest.fixture
def world(service):
    return World(service, utcnow)


@pytest.fixture
def channel(moderation_settings, service):
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    server = build_server(moderation_settings, service, verifier)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        yield ch
    server.stop(grace=1)


@pytest.fixture
def stub(channel):
    return moderation_pb2_grpc.ModerationServiceStub(channel)


def refused(call, request, metadata=None):
    with pytest.raises(grpc.RpcError) as info:
        call(request, metadata=metadata, timeout=T)
    return info.value


def test_every_call_needs_a_valid_token(stub, world):
    member = world.member("sam")
    assert refused(stub.ListReportReasons, pb.ListReportReasonsRequest()).code() == grpc.StatusCode.UNAUTHENTICATED
    forged = token_for(member, key=Ed25519PrivateKey.generate())
    for token in (forged, token_for(member, expired=True)):
        error = refused(stub.ListQueue, pb.ListQueueRequest(), [("authorization", f"Bearer {token}")])
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_member_reports_a_message_and_a_moderator_decides_the_case(stub, world, clean_engine):
    author, reporter = world.member("sam"), world.member("riley")
    message_id = world.post(author, "nobody wants you here")
    reasons = stub.ListReportReasons(pb.ListReportReasonsRequest(), metadata=md(reporter), timeout=T).reasons
    assert [r.reason for r in reasons][:2] == ["unkind", "talking_negatively"] and len(reasons) == 9

    report = stub.ReportMessage(pb.ReportMessageRequest(message_id=message_id, reason="unkind",
                                                        idempotency_key="r-1"), metadata=md(reporter),
                                timeout=T).report
    assert report.subject_id == author and report.outcome == "open"
    assert "reporter" not in str(report)

    member_asks = refused(stub.ListQueue, pb.ListQueueRequest(), md(reporter))
    assert member_asks.code() == grpc.StatusCode.PERMISSION_DENIED
    moderator = world.moderator("mod", ROOM)
    [case] = stub.ListQueue(pb.ListQueueRequest(), metadata=md(moderator), timeout=T).cases
    # the reporter and automod (the default abusive-language rule flags it): two reports of the one message
    assert case.subject.username == "sam" and case.reporter_count == 2
    [mine] = [r for r in case.reports if r.reporter_id == reporter]
    assert mine.message_body == "nobody wants you here"
    assert [r.report.note for r in case.reports if r.reporter_id == "automod"] == ["automod: default-abusive (abusive)"]
    assert "birth" not in str(case)

    decided = stub.DecideCase(pb.DecideCaseRequest(case_id=case.id, decision="agree", remove_messages=True),
                              metadata=md(moderator), timeout=T).case
    assert decided.decision == "agree" and list(decided.removed_message_ids) == [message_id]
    with clean_engine.connect() as conn:  # the removal is recorded for the worker to make
        assert conn.execute(sa.select(orm.room_actions.c.args["message_id"].as_string())).scalars().all() == [
            message_id]
    again = refused(stub.DecideCase, pb.DecideCaseRequest(case_id=case.id, decision="dismiss"), md(moderator))
    assert again.code() == grpc.StatusCode.FAILED_PRECONDITION and "decided already" in again.details()
    got = stub.GetCase(pb.GetCaseRequest(case_id=case.id), metadata=md(moderator), timeout=T).case
    assert got.status == "decided" and {r.report.outcome for r in got.reports} == {"upheld"}


def test_refusals_carry_the_statuses_the_api_documents(stub, world):
    author, reporter = world.member("sam"), world.member("riley")
    message_id = world.post(author)

    own = refused(stub.ReportMessage, pb.ReportMessageRequest(message_id=message_id, reason="spam"), md(author))
    assert own.code() == grpc.StatusCode.FAILED_PRECONDITION and "yourself" in own.details()
    unknown = refused(stub.ReportMessage, pb.ReportMessageRequest(message_id="f00d", reason="spam"), md(reporter))
    assert unknown.code() == grpc.StatusCode.NOT_FOUND
    bad = refused(stub.ReportMessage, pb.ReportMessageRequest(message_id=message_id, reason="rude"), md(reporter))
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT and "reason must be one of" in bad.details()
    long_note = refused(stub.ReportMessage, pb.ReportMessageRequest(message_id=message_id, reason="other",
                                                                    note="x" * 5000), md(reporter))
    assert long_note.code() == grpc.StatusCode.INVALID_ARGUMENT and "note" in long_note.details()
    not_here = refused(stub.ReportPerson, pb.ReportPersonRequest(room_slug="grief-support", person_id=author,
                                                                 reason="spam"), md(reporter))
    assert not_here.code() == grpc.StatusCode.FAILED_PRECONDITION
    no_case = refused(stub.GetCase, pb.GetCaseRequest(case_id="5f0c3d2a-7b1e-4c9a-8d6f-2e4a6c8e0b1d"),
                      md(world.admin()))
    assert no_case.code() == grpc.StatusCode.NOT_FOUND


def test_a_moderator_who_reported_in_a_case_is_refused_its_decision(stub, world):
    moderator = world.moderator("mod", ROOM)
    world.join(moderator)
    message_id = world.post(world.member("sam"))
    for person in (moderator, world.member("riley")):
        stub.ReportMessage(pb.ReportMessageRequest(message_id=message_id, reason="unkind"), metadata=md(person),
                           timeout=T)
    admin = world.admin()
    [case] = stub.ListQueue(pb.ListQueueRequest(), metadata=md(admin), timeout=T).cases
    error = refused(stub.DecideCase, pb.DecideCaseRequest(case_id=case.id, decision="agree"), md(moderator))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and "you reported" in error.details()
    assert list(stub.ListQueue(pb.ListQueueRequest(), metadata=md(moderator), timeout=T).cases) == []


def test_reporting_too_fast_is_resource_exhausted_with_retry_after(stub, world):
    reporter = world.member("riley")
    messages = [world.post(world.member(f"author{i}")) for i in range(REPORT_PACE.burst + 1)]
    for message_id in messages[:-1]:
        stub.ReportMessage(pb.ReportMessageRequest(message_id=message_id, reason="spam"), metadata=md(reporter),
                           timeout=T)
    error = refused(stub.ReportMessage, pb.ReportMessageRequest(message_id=messages[-1], reason="spam"), md(reporter))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    retry_after = dict(error.trailing_metadata())["retry-after"]
    assert 0 < float(retry_after) <= REPORT_PACE.interval.total_seconds()


def test_health_and_reflection(channel):
    status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME),
                                                       timeout=T).status
    assert status == health_pb2.HealthCheckResponse.SERVING
    reflect = reflection_pb2_grpc.ServerReflectionStub(channel)
    replies = reflect.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=T)
    assert SERVICE_NAME in {s.name for r in replies for s in r.list_services_response.service}
