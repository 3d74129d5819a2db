"""gRPC: the rota, summons, pages and the console's stream over a real grpcio server (asyncio) on PostgreSQL: a
page reaches an open stream live, one acknowledgement, who may call what, and the edge's validation."""
import queue
import threading

import grpc
import pytest
from hearth.moderation.v1 import moderation_pb2 as pb
from hearth.moderation.v1 import moderation_pb2_grpc
from moderation_world import ROOM, World
from test_moderation_grpc_api import PEM, md, refused

from hearth_common.clock import utcnow
from hearth_common.tokens import TokenVerifier
from moderation_service.adapters.repository import uow_factory
from moderation_service.domain.pager import CRISIS_BADGE
from moderation_service.entrypoints.grpc_server import build_server
from moderation_service.service_layer.pager import PagerService
from moderation_service.service_layer.services import ModerationService

T = 5


@pytest.fixture
def service(clean_engine):
    return ModerationService(uow_factory(clean_engine))


@pytest.fixture
def world(service):
    return World(service, utcnow)


@pytest.fixture
def stub(moderation_settings, service, clean_engine):
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    pager = PagerService(uow_factory(clean_engine), poll_interval=0.05)
    server = build_server(moderation_settings, service, verifier, pager_service=pager)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield moderation_pb2_grpc.ModerationServiceStub(channel)
    server.stop(grace=1)


def follow(stub, person_id, after_seq=None):
    """Opens a console stream on a thread; its updates arrive on the returned queue."""
    updates: queue.Queue = queue.Queue()
    request = pb.StreamPagesRequest() if after_seq is None else pb.StreamPagesRequest(after_seq=after_seq)
    call = stub.StreamPages(request, metadata=md(person_id), timeout=30)

    def pump():
        try:
            for update in call:
                updates.put(update)
        except grpc.RpcError as error:
            updates.put(error)

    threading.Thread(target=pump, daemon=True).start()
    return call, updates


def test_a_summons_reaches_the_open_console_live_and_one_moderator_acknowledges(stub, world):
    first, second = world.moderator("mo", ROOM), world.moderator("mo2", ROOM)
    for moderator in (first, second):
        stub.GoOnDuty(pb.GoOnDutyRequest(room_slugs=[ROOM], idempotency_key="duty"), metadata=md(moderator),
                      timeout=T)
    call, updates = follow(stub, first)
    start = updates.get(timeout=T)
    assert not start.HasField("page")
    summoner = world.member("sam")

    heard = stub.SummonModerator(pb.SummonModeratorRequest(room_slug=ROOM, reason="troll", note="baiting"),
                                 metadata=md(summoner), timeout=T).heard
    assert heard.admins_paged is False and heard.message

    live = updates.get(timeout=T)
    assert live.page.id == heard.page_id and live.page.reason == "troll" and live.seq > start.seq
    page = stub.AcknowledgePage(pb.AcknowledgePageRequest(page_id=heard.page_id), metadata=md(first),
                                timeout=T).page
    assert page.acknowledged_by == first
    taken = refused(stub.AcknowledgePage, pb.AcknowledgePageRequest(page_id=heard.page_id), md(second))
    assert taken.code() == grpc.StatusCode.FAILED_PRECONDITION and first in taken.details()
    assert updates.get(timeout=T).page.acknowledged_by == first
    call.cancel()
    [listed] = stub.ListPages(pb.ListPagesRequest(), metadata=md(second), timeout=T).pages
    assert listed.acknowledged_by == first


def test_a_crisis_message_pages_the_crisis_trained_console(stub, world):
    trained = world.moderator("mo_crisis", ROOM)
    world.badge(trained, CRISIS_BADGE)
    shift = stub.GoOnDuty(pb.GoOnDutyRequest(), metadata=md(trained), timeout=T).shift
    assert shift.crisis_trained
    call, updates = follow(stub, trained)
    updates.get(timeout=T)
    author = world.member("sam")
    message_id = world.post(author, "I'm going to kill myself tonight")
    update = updates.get(timeout=T)
    call.cancel()
    assert update.page.kind == "crisis" and update.page.message_id == message_id
    assert update.page.stage == "crisis_trained"


def test_who_may_call_what(stub, world):
    member, moderator, admin = world.member("sam"), world.moderator("mo", ROOM), world.admin()
    assert refused(stub.GoOnDuty, pb.GoOnDutyRequest(), md(member)).code() == grpc.StatusCode.PERMISSION_DENIED
    assert refused(stub.ListPages, pb.ListPagesRequest(), md(member)).code() == grpc.StatusCode.PERMISSION_DENIED
    assert refused(stub.ListOnDuty, pb.ListOnDutyRequest(), md(member)).code() == grpc.StatusCode.PERMISSION_DENIED
    call, updates = follow(stub, member)
    assert updates.get(timeout=T).code() == grpc.StatusCode.PERMISSION_DENIED
    outsider = refused(stub.SummonModerator, pb.SummonModeratorRequest(room_slug="grief-support", reason="troll"),
                       md(member))
    assert outsider.code() == grpc.StatusCode.FAILED_PRECONDITION
    lines = pb.SetCareResourcesRequest(cohort="teen", lines=["Childline: 0800 1111"])
    assert refused(stub.SetCareResources, lines, md(moderator)).code() == grpc.StatusCode.PERMISSION_DENIED
    assert stub.SetCareResources(lines, metadata=md(admin), timeout=T).resources.updated_by == admin
    got = stub.GetCareResources(pb.GetCareResourcesRequest(cohort="teen"), metadata=md(moderator), timeout=T)
    assert list(got.resources.lines) == ["Childline: 0800 1111"]


def test_refusals_name_the_field(stub, world):
    member, moderator = world.member("sam"), world.moderator("mo", ROOM)
    bad_reason = refused(stub.SummonModerator, pb.SummonModeratorRequest(room_slug=ROOM, reason="bored"), md(member))
    assert bad_reason.code() == grpc.StatusCode.INVALID_ARGUMENT and "reason" in bad_reason.details()
    bad_cohort = refused(stub.GoOnDuty, pb.GoOnDutyRequest(cohort="x"), md(moderator))
    assert bad_cohort.code() == grpc.StatusCode.INVALID_ARGUMENT and "cohort" in bad_cohort.details()
    too_long = refused(stub.Refer, pb.ReferRequest(room_slug=ROOM, person_id=member, note="x" * 5000), md(moderator))
    assert too_long.code() == grpc.StatusCode.INVALID_ARGUMENT and "note" in too_long.details()
    bad_page = refused(stub.AcknowledgePage, pb.AcknowledgePageRequest(page_id="nope"), md(moderator))
    assert bad_page.code() == grpc.StatusCode.INVALID_ARGUMENT and "page_id" in bad_page.details()
    call, updates = follow(stub, moderator, after_seq=10_000)
    error = updates.get(timeout=T)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "after_seq" in error.details()


def test_a_console_on_one_replica_sees_pages_sent_and_taken_through_another_and_resumes(moderation_settings, service,
                                                                                        clean_engine, world):
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    servers = [build_server(moderation_settings, service, verifier,
                            pager_service=PagerService(uow_factory(clean_engine), poll_interval=0.05))
               for _ in range(2)]
    for server in servers:
        server.start()
    try:
        channels = [grpc.insecure_channel(f"127.0.0.1:{server.port}") for server in servers]
        a, b = (moderation_pb2_grpc.ModerationServiceStub(channel) for channel in channels)
        moderator, summoner = world.moderator("mo", ROOM), world.member("sam")
        b.GoOnDuty(pb.GoOnDutyRequest(), metadata=md(moderator), timeout=T)
        call, updates = follow(a, moderator)
        updates.get(timeout=T)
        heard = b.SummonModerator(pb.SummonModeratorRequest(room_slug=ROOM, reason="spammer"), metadata=md(summoner),
                                  timeout=T).heard
        sent = updates.get(timeout=T)
        assert sent.page.id == heard.page_id
        call.cancel()  # the console drops; the page is taken meanwhile on the other replica
        b.AcknowledgePage(pb.AcknowledgePageRequest(page_id=heard.page_id), metadata=md(moderator), timeout=T)
        resumed, updates = follow(b, moderator, after_seq=sent.seq)
        assert updates.get(timeout=T).seq == sent.seq
        assert updates.get(timeout=T).page.acknowledged_by == moderator
        resumed.cancel()
        for channel in channels:
            channel.close()
    finally:
        for server in servers:
            server.stop(grace=1)
