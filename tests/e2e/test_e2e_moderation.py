"""End-to-end: identity, room and moderation as real processes: three members report a message, one case opens,
a moderator agrees and removes it, and the message is gone from room's history (moderation's worker asks room
shortly after the decision commits, so the history is polled for a bounded time). moderation is started last, on a
platform already running: it backfills identity's and room's past events by itself."""
import subprocess

import grpc
import pytest
from e2e_helpers import BIN, Proc, free_port, wait_serving
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.moderation.v1 import moderation_pb2 as mpb
from hearth.moderation.v1 import moderation_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from test_e2e_live import OPEN_ROOM, People, known_to_room
from test_e2e_rooms import PASSWORD, T, room_stack  # noqa: F401  (fixture)

from hearth_common import testing


@pytest.fixture
def moderation_stack(room_stack, e2e_env, tmp_path):  # noqa: F811  (the fixture imported above)
    env, _, identity_target = e2e_env
    db_url = testing.create_database("hearth_moderation_e2e")
    target = f"127.0.0.1:{free_port()}"
    mod_env = {**env, "MODERATION_DATABASE_URL": db_url, "MODERATION_AMQP_URI": env["IDENTITY_AMQP_URI"],
               "MODERATION_IDENTITY_GRPC_TARGET": identity_target, "MODERATION_GRPC_ADDRESS": target,
               "MODERATION_WORKER_HEARTBEAT_FILE": str(tmp_path / "moderation.hb"),
               "MODERATION_PAGE_ESCALATION_SECONDS": "3"}  # short, for the pager's escalation (test_e2e_pager)
    subprocess.run([str(BIN / "moderation-migrate")], env=mod_env, check=True, capture_output=True, timeout=120)
    worker, grpc_proc = Proc("moderation-worker", mod_env, tmp_path), Proc("moderation-grpc", mod_env, tmp_path)
    testing.wait_consuming(env["IDENTITY_AMQP_URI"], "evt-room-message_posted--moderation.on_message_posted",
                           alive=lambda: None if worker.process.poll() is None else worker.log_path.read_text())
    wait_serving(target, grpc_proc)
    yield (*room_stack, target)
    for proc in (grpc_proc, worker):
        proc.terminate()
    testing.drop_database(db_url)


def eventually_ok(call, *codes):
    """The call's answer once the events it relies on have reached moderation (until then one of `codes`)."""
    return testing.eventually_answered(call, *codes, what="moderation's read models to catch up")


def test_three_reports_one_case_a_moderator_agrees_and_the_message_is_gone_from_history(moderation_stack):
    identity_target, room_target, _, moderation_target = moderation_stack
    people = People(identity_target)
    rooms = room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(room_target))
    moderation = moderation_pb2_grpc.ModerationServiceStub(grpc.insecure_channel(moderation_target))
    author, author_md = people.new("e2e_author")
    reporters = [people.new(f"e2e_reporter_{i}")[1] for i in range(3)]
    for md in [author_md, *reporters]:
        known_to_room(rooms, md)
        rooms.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=md, timeout=T)
    posted = rooms.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body="text me on 07700 900123"),
                               metadata=author_md, timeout=T).message

    for md in reporters:
        request = mpb.ReportMessageRequest(message_id=posted.message_id, reason="contact_details",
                                           idempotency_key=f"e2e-{md[0][1][-12:]}")
        report = eventually_ok(lambda md=md, request=request: moderation.ReportMessage(request, metadata=md, timeout=T),
                               grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION).report
        assert report.subject_id == author and report.outcome == "open"

    people.moderator("e2e_moderator")
    token = people.identity.Login(ipb.LoginRequest(username="e2e_moderator", password=PASSWORD),
                                  timeout=T).tokens.access_token
    moderator_md = [("authorization", f"Bearer {token}")]

    def one_case():
        cases = moderation.ListQueue(mpb.ListQueueRequest(room_slug=OPEN_ROOM), metadata=moderator_md, timeout=T).cases
        return cases if len(cases) == 1 else None

    [case] = eventually_ok(one_case, grpc.StatusCode.PERMISSION_DENIED)  # until the role reaches moderation
    # three people and automod (the default rule flags contact details in adult rooms)
    assert case.subject.person_id == author and case.reporter_count == 4 and case.reasons == ["contact_details"]
    assert [r.report.note for r in case.reports if r.reporter_id == "automod"] == [
        "automod: default-contact-adult (contact)"]

    decided = moderation.DecideCase(mpb.DecideCaseRequest(case_id=case.id, decision="agree", remove_messages=True,
                                                          note="no phone numbers here"),
                                    metadata=moderator_md, timeout=T).case
    assert decided.decision == "agree" and list(decided.removed_message_ids) == [posted.message_id]

    def removed_from_history():
        history = rooms.ListMessages(rpb.ListMessagesRequest(slug=OPEN_ROOM), metadata=reporters[0],
                                     timeout=T).messages
        [shown] = [m for m in history if m.message_id == posted.message_id]
        return history if shown.deleted else None

    history = testing.eventually(removed_from_history, timeout=30, what="room to remove the message")
    [shown] = [m for m in history if m.message_id == posted.message_id]
    assert shown.body == "" and "07700" not in str(history)
