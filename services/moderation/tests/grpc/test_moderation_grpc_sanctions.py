"""gRPC: warnings, the ladder and sanctions over a real grpcio server backed by the real PostgreSQL: the calls a
moderator console makes, the statuses of refusals (naming the field), request limits and idempotency keys."""
import grpc
import pytest
import test_moderation_grpc_api as api
from hearth.moderation.v1 import moderation_pb2 as pb
from moderation_world import ROOM

from hearth_common.contracts.identity import SUPPORT_SESSION_LEADER
from moderation_service.adapters.repository import uow_factory
from moderation_service.service_layer.sanctions import SanctionsService

T, md, refused = api.T, api.md, api.refused
# The API module's fixtures: its server, stub and world, used here as they are there.
channel, service, stub, world = api.channel, api.service, api.stub, api.world


@pytest.fixture
def sessions(world, clean_engine):
    world.sessions = SanctionsService(uow_factory(clean_engine))
    return world.sessions


def test_three_warnings_mute_for_24_hours_and_the_mute_is_lifted_early(stub, world):
    mod, sam = world.moderator("mod_mia"), world.member("sam")
    for n, reason in enumerate(("unkind", "spam", "abusive_language"), start=1):
        answer = stub.IssueWarning(pb.IssueWarningRequest(person_id=sam, reason=reason, room_slug=ROOM,
                                                          note="please read the guidelines",
                                                          idempotency_key=f"w-{n}"), metadata=md(mod), timeout=T)
        assert answer.active_warnings == n and answer.warning.tier in ("minor", "serious")
    assert answer.sanction.kind == "mute" and answer.sanction.source == "ladder" and answer.sanction.in_force
    assert answer.sanction.expires_at.ToSeconds() - answer.sanction.imposed_at.ToSeconds() == 24 * 3600
    assert "At 5 active warnings" in answer.next_step
    admin = world.admin()
    lifted = stub.LiftSanction(pb.LiftSanctionRequest(sanction_id=answer.sanction.id, reason="overturned"),
                               metadata=md(admin), timeout=T).sanction
    assert (lifted.status, lifted.in_force, lifted.lift_reason) == ("lifted", False, "overturned")
    record = stub.GetRecord(pb.GetRecordRequest(person_id=sam), metadata=md(mod), timeout=T)
    assert record.active_warnings == 3 and [s.status for s in record.sanctions] == ["lifted"]
    assert len(record.warnings) == 3


def test_the_ladder_is_read_by_anyone_and_set_by_admins_validated(stub, world):
    sam, admin = world.member("sam"), world.admin()
    ladder = stub.GetLadder(pb.GetLadderRequest(), metadata=md(sam), timeout=T).ladder
    assert ladder.version == 0 and (ladder.rungs[0].warnings, ladder.rungs[0].kind, ladder.rungs[0].minutes) == (
        3, "mute", 1440)
    denied = refused(stub.SetLadder, pb.SetLadderRequest(ladder=ladder), md(sam))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    ladder.rungs[1].warnings = 2
    bad = refused(stub.SetLadder, pb.SetLadderRequest(ladder=ladder), md(admin))
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT and "rungs[1].warnings" in bad.details()
    ladder.rungs[1].warnings = 4
    ladder.rungs[2].minutes = 0  # a ban until lifted
    stored = stub.SetLadder(pb.SetLadderRequest(ladder=ladder, idempotency_key="l-1"), metadata=md(admin),
                            timeout=T).ladder
    assert stored.version == 1 and stored.changed_by == admin and stored.rungs[2].minutes == 0


def test_sanctions_and_their_refusals_carry_documented_statuses(stub, world, sessions):
    mod, sam, alex = world.moderator("mod_mia"), world.member("sam"), world.member("alex")
    mute = stub.ImposeSanction(pb.ImposeSanctionRequest(person_id=sam, kind="mute", room_slug=ROOM,
                                                        duration_minutes=30, reason="flooding"),
                               metadata=md(mod), timeout=T).sanction
    assert (mute.kind, mute.room_slug, mute.status) == ("mute", ROOM, "active")
    too_long = refused(stub.ImposeSanction, pb.ImposeSanctionRequest(
        person_id=sam, kind="mute", room_slug=ROOM, duration_minutes=40321, reason="flooding"), md(mod))
    assert too_long.code() == grpc.StatusCode.INVALID_ARGUMENT and "duration_minutes" in too_long.details()
    global_ban = refused(stub.ImposeSanction, pb.ImposeSanctionRequest(person_id=sam, kind="ban", reason="x"), md(mod))
    assert global_ban.code() == grpc.StatusCode.PERMISSION_DENIED
    self_mute = refused(stub.ImposeSanction, pb.ImposeSanctionRequest(
        person_id=mod, kind="mute", room_slug=ROOM, duration_minutes=5, reason="x"), md(mod))
    assert self_mute.code() == grpc.StatusCode.PERMISSION_DENIED and "themselves" in self_mute.details()
    exchange = stub.MuteExchange(pb.MuteExchangeRequest(room_slug=ROOM, person_ids=[sam, alex], duration_minutes=5,
                                                        reason="cool off"), metadata=md(mod), timeout=T).sanctions
    assert {s.person_id for s in exchange} == {sam, alex} and len({s.exchange_id for s in exchange}) == 1
    kick = stub.KickPerson(pb.KickPersonRequest(room_slug=ROOM, person_id=alex, reason="take a break"),
                           metadata=md(mod), timeout=T).sanction
    assert (kick.kind, kick.status) == ("kick", "done")
    message_id = world.post(sam, "add me on snap")
    removal = stub.RemoveMessage(pb.RemoveMessageRequest(message_id=message_id, reason="contact details"),
                                 metadata=md(mod), timeout=T).sanction
    assert (removal.kind, removal.message_id) == ("message_removal", message_id)
    unknown = refused(stub.LiftSanction, pb.LiftSanctionRequest(
        sanction_id="5f0c3d2a-7b1e-4c9a-8d6f-2e4a6c8e0b1d", reason="x"), md(mod))
    assert unknown.code() == grpc.StatusCode.NOT_FOUND
    ended = refused(stub.LiftSanction, pb.LiftSanctionRequest(sanction_id=kick.id, reason="x"), md(mod))
    assert ended.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_a_session_leader_acts_only_in_the_room_of_their_live_session(stub, world, sessions):
    leader, sam = world.person("leader_lee", kind="listener"), world.member("sam")
    world.grant(leader, SUPPORT_SESSION_LEADER)
    request = pb.IssueWarningRequest(person_id=sam, reason="unkind", room_slug=ROOM)
    assert refused(stub.IssueWarning, request, md(leader)).code() == grpc.StatusCode.PERMISSION_DENIED
    session = world.start_session(leader)
    assert stub.IssueWarning(request, metadata=md(leader), timeout=T).active_warnings == 1
    world.end_session(session, leader)
    assert refused(stub.IssueWarning, request, md(leader)).code() == grpc.StatusCode.PERMISSION_DENIED


def test_request_limits_name_the_field_before_any_work(stub, world):
    mod = world.moderator("mod_mia")
    long_reason = refused(stub.KickPerson, pb.KickPersonRequest(room_slug=ROOM, person_id=mod, reason="x" * 501),
                          md(mod))
    assert long_reason.code() == grpc.StatusCode.INVALID_ARGUMENT and "reason" in long_reason.details()
    crowd = refused(stub.MuteExchange, pb.MuteExchangeRequest(room_slug=ROOM, person_ids=[mod] * 11,
                                                              duration_minutes=5, reason="x"), md(mod))
    assert crowd.code() == grpc.StatusCode.INVALID_ARGUMENT and "person_ids" in crowd.details()
