"""gRPC: appeals and the audit log's queries over a real grpcio server backed by the real PostgreSQL: each call's
authentication, who may make it, and the statuses of its refusals."""
import json

import grpc
import pytest
import test_moderation_grpc_api as api
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from google.protobuf.timestamp_pb2 import Timestamp
from hearth.moderation.v1 import moderation_pb2 as pb
from moderation_world import OTHER_ROOM, ROOM

T, md, refused = api.T, api.md, api.refused
# The API module's fixtures: its server, stub and world, used here as they are there.
channel, service, stub, world = api.channel, api.service, api.stub, api.world
MISSING = "0b7d4a8e-1c2f-4e3a-9b5d-6f7a8b9c0d1e"


@pytest.fixture
def cast(world):
    return {"mod": world.moderator("mod_mia"), "other_mod": world.moderator("mod_oli"), "admin": world.admin(),
            "sam": world.member("sam"), "alex": world.member("alex"), "far_mod": world.moderator("mod_eli", OTHER_ROOM)}


def warn(stub, mod, person, reason="unkind"):
    return stub.IssueWarning(pb.IssueWarningRequest(person_id=person, reason=reason, room_slug=ROOM),
                             metadata=md(mod), timeout=T)


def test_every_appeal_and_audit_call_needs_a_valid_token(stub, cast):
    forged = api.token_for(cast["admin"], key=Ed25519PrivateKey.generate())
    calls = [(stub.FileAppeal, pb.FileAppealRequest(subject_kind="warning", subject_id=MISSING, text="x")),
             (stub.ListAppeals, pb.ListAppealsRequest()),
             (stub.DecideAppeal, pb.DecideAppealRequest(appeal_id=MISSING, decision="upheld", reason="x")),
             (stub.ListAuditLog, pb.ListAuditLogRequest()),
             (stub.GetModeratorFigures, pb.GetModeratorFiguresRequest(moderator_id=cast["mod"]))]
    for call, request in calls:
        for metadata in (None, [("authorization", f"Bearer {forged}")],
                         [("authorization", f"Bearer {api.token_for(cast['admin'], expired=True)}")]):
            assert refused(call, request, metadata).code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_person_appeals_the_warning_that_muted_them_and_another_moderator_overturns_it(stub, cast):
    answers = [warn(stub, cast["mod"], cast["sam"], reason) for reason in ("unkind", "spam", "other")]
    mute = answers[-1].sanction
    filed = stub.FileAppeal(pb.FileAppealRequest(subject_kind="warning", subject_id=answers[-1].warning.id,
                                                 text="I was quoting someone.", idempotency_key="f-1"),
                            metadata=md(cast["sam"]), timeout=T).appeal
    assert (filed.status, filed.what, filed.acted_by) == ("open", "warning", "")
    again = stub.FileAppeal(pb.FileAppealRequest(subject_kind="warning", subject_id=answers[-1].warning.id,
                                                 text="I was quoting someone.", idempotency_key="f-1"),
                            metadata=md(cast["sam"]), timeout=T).appeal
    assert again.id == filed.id  # a retry
    second = refused(stub.FileAppeal, pb.FileAppealRequest(subject_kind="warning", subject_id=answers[-1].warning.id,
                                                           text="once more"), md(cast["sam"]))
    assert second.code() == grpc.StatusCode.FAILED_PRECONDITION and "appealed already" in second.details()

    [listed] = stub.ListAppeals(pb.ListAppealsRequest(to_decide=True), metadata=md(cast["other_mod"]),
                                timeout=T).appeals
    assert (listed.id, listed.acted_by) == (filed.id, cast["mod"])
    assert not stub.ListAppeals(pb.ListAppealsRequest(to_decide=True), metadata=md(cast["mod"]), timeout=T).appeals
    member = refused(stub.ListAppeals, pb.ListAppealsRequest(to_decide=True), md(cast["alex"]))
    assert member.code() == grpc.StatusCode.PERMISSION_DENIED

    decide = pb.DecideAppealRequest(appeal_id=filed.id, decision="overturned", reason="in context it was fine",
                                    idempotency_key="d-1")
    for wrong in (cast["mod"], cast["far_mod"], cast["alex"], cast["sam"]):
        assert refused(stub.DecideAppeal, decide, md(wrong)).code() == grpc.StatusCode.PERMISSION_DENIED
    decided = stub.DecideAppeal(decide, metadata=md(cast["other_mod"]), timeout=T).appeal
    assert (decided.status, decided.decided_by, decided.decision_reason) == (
        "overturned", cast["other_mod"], "in context it was fine")
    assert stub.DecideAppeal(decide, metadata=md(cast["other_mod"]), timeout=T).appeal == decided  # a retry
    late = refused(stub.DecideAppeal, pb.DecideAppealRequest(appeal_id=filed.id, decision="upheld", reason="no"),
                   md(cast["admin"]))
    assert late.code() == grpc.StatusCode.FAILED_PRECONDITION and "decided already" in late.details()
    record = stub.GetRecord(pb.GetRecordRequest(person_id=cast["sam"]), metadata=md(cast["admin"]), timeout=T)
    assert record.active_warnings == 2 and [s.status for s in record.sanctions] == ["lifted"]
    assert record.sanctions[0].id == mute.id
    [own] = stub.ListAppeals(pb.ListAppealsRequest(), metadata=md(cast["sam"]), timeout=T).appeals
    assert (own.status, own.acted_by, own.decided_by) == ("overturned", "", "")

    figures = stub.GetModeratorFigures(pb.GetModeratorFiguresRequest(moderator_id=cast["mod"]),
                                       metadata=md(cast["mod"]), timeout=T)
    assert figures.appeals_overturned == 1 and {a.action: a.count for a in figures.actions}["warning_issued"] == 3
    assert figures.total_actions == 4  # three warnings and the ladder's mute


def test_another_persons_warning_is_not_found_as_a_missing_one_is(stub, cast):
    theirs = warn(stub, cast["mod"], cast["alex"]).warning.id
    other = refused(stub.FileAppeal, pb.FileAppealRequest(subject_kind="warning", subject_id=theirs, text="x"),
                    md(cast["sam"]))
    none = refused(stub.FileAppeal, pb.FileAppealRequest(subject_kind="warning", subject_id=MISSING, text="x"),
                   md(cast["sam"]))
    assert other.code() == none.code() == grpc.StatusCode.NOT_FOUND
    assert other.details().replace(theirs, "<id>") == none.details().replace(MISSING, "<id>")
    bad = refused(stub.FileAppeal, pb.FileAppealRequest(subject_kind="kick", subject_id=MISSING, text="x"),
                  md(cast["sam"]))
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT and "subject_kind" in bad.details()
    too_long = refused(stub.FileAppeal, pb.FileAppealRequest(subject_kind="warning", subject_id=theirs,
                                                             text="x" * 2001), md(cast["alex"]))
    assert too_long.code() == grpc.StatusCode.INVALID_ARGUMENT and "text" in too_long.details()
    no_appeal = refused(stub.DecideAppeal, pb.DecideAppealRequest(appeal_id=MISSING, decision="upheld", reason="x"),
                        md(cast["other_mod"]))
    assert no_appeal.code() == grpc.StatusCode.NOT_FOUND
    bad_decision = refused(stub.DecideAppeal, pb.DecideAppealRequest(appeal_id=MISSING, decision="agree",
                                                                     reason="x"), md(cast["other_mod"]))
    assert bad_decision.code() == grpc.StatusCode.INVALID_ARGUMENT and "decision" in bad_decision.details()


def test_the_audit_log_is_read_by_admins_and_by_moderators_for_their_rooms_page_by_page(stub, cast):
    for reason in ("unkind", "spam"):
        warn(stub, cast["mod"], cast["sam"], reason)
    first = stub.ListAuditLog(pb.ListAuditLogRequest(person_id=cast["sam"], limit=1), metadata=md(cast["admin"]),
                              timeout=T)
    assert len(first.entries) == 1 and first.next_page_token
    rest = stub.ListAuditLog(pb.ListAuditLogRequest(person_id=cast["sam"], limit=1, page_token=first.next_page_token),
                             metadata=md(cast["admin"]), timeout=T)
    assert rest.entries[0].id != first.entries[0].id
    entry = first.entries[0]
    assert (entry.action, entry.source, entry.actor_id, entry.room_slug) == ("warning_issued", "moderator",
                                                                             cast["mod"], ROOM)
    assert json.loads(entry.details_json)["reason"] in ("unkind", "spam")
    in_room = stub.ListAuditLog(pb.ListAuditLogRequest(room_slug=ROOM), metadata=md(cast["other_mod"]), timeout=T)
    assert len(in_room.entries) == 2
    since = Timestamp()
    since.FromSeconds(entry.at.seconds + 3600)
    assert not stub.ListAuditLog(pb.ListAuditLogRequest(room_slug=ROOM, since=since), metadata=md(cast["mod"]),
                                 timeout=T).entries
    for who, request in ((cast["far_mod"], pb.ListAuditLogRequest(room_slug=ROOM)),
                         (cast["sam"], pb.ListAuditLogRequest(moderator_id=cast["sam"])),
                         (cast["other_mod"], pb.ListAuditLogRequest(moderator_id=cast["mod"]))):
        assert refused(stub.ListAuditLog, request, md(who)).code() == grpc.StatusCode.PERMISSION_DENIED
    bad_token = refused(stub.ListAuditLog, pb.ListAuditLogRequest(page_token="nonsense"), md(cast["admin"]))
    assert bad_token.code() == grpc.StatusCode.INVALID_ARGUMENT and "page_token" in bad_token.details()
    others = refused(stub.GetModeratorFigures, pb.GetModeratorFiguresRequest(moderator_id=cast["mod"]),
                     md(cast["other_mod"]))
    assert others.code() == grpc.StatusCode.PERMISSION_DENIED
    by_admin = stub.GetModeratorFigures(pb.GetModeratorFiguresRequest(moderator_id=cast["mod"]),
                                        metadata=md(cast["admin"]), timeout=T)
    assert (by_admin.total_actions, by_admin.appeals_overturned) == (2, 0)
