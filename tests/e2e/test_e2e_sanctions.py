"""End-to-end: identity, room and moderation as real processes, for issue 14's scenarios (b) and (f): three
warnings bring the ladder's 24-hour mute, room refuses the muted person's post naming the mute and its end, and
their appeal of the warning that brought it, overturned by another moderator, lets them post again; a global ban
takes a person out of every room and keeps them out, and once lifted they can join again."""
import datetime as dt

import grpc
from e2e_helpers import ADMIN
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.moderation.v1 import moderation_pb2 as mpb
from hearth.moderation.v1 import moderation_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from test_e2e_live import OPEN_ROOM, People, known_to_room
from test_e2e_moderation import eventually_ok, moderation_stack  # noqa: F401  (fixture)
from test_e2e_rooms import PASSWORD, T, room_stack  # noqa: F401  (fixture)

from hearth_common import testing

LOUNGE = "adult-community-lounge"


def signed_in(people: People, username: str, password: str = PASSWORD) -> list:
    token = people.identity.Login(ipb.LoginRequest(username=username, password=password), timeout=T).tokens
    return [("authorization", f"Bearer {token.access_token}")]


def clients(stack):
    identity_target, room_target, _, moderation_target = stack
    return (People(identity_target), room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(room_target)),
            moderation_pb2_grpc.ModerationServiceStub(grpc.insecure_channel(moderation_target)))


def refusal(call):
    """The call's gRPC error, or None when it succeeded."""
    try:
        call()
    except grpc.RpcError as exc:
        return exc
    return None


def test_b_three_warnings_mute_for_24_hours_room_refuses_posts_until_an_appeal_overturns_it(moderation_stack):  # noqa: F811
    people, rooms, moderation = clients(moderation_stack)
    sam, sam_md = people.new("e2e_warned_sam")
    known_to_room(rooms, sam_md)
    rooms.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=sam_md, timeout=T)
    people.moderator("e2e_ladder_mod")
    mod_md = signed_in(people, "e2e_ladder_mod")

    answers = []
    for n, reason in enumerate(("unkind", "talking_negatively", "abusive_language"), start=1):
        request = mpb.IssueWarningRequest(person_id=sam, reason=reason, room_slug=OPEN_ROOM,
                                          note="please read the room guidelines", idempotency_key=f"e2e-warn-{n}")
        answers.append(eventually_ok(lambda request=request: moderation.IssueWarning(request, metadata=mod_md,
                                                                                     timeout=T),
                                     grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND))
    assert [a.active_warnings for a in answers] == [1, 2, 3]
    assert not answers[1].HasField("sanction")
    mute = answers[2].sanction
    assert (mute.kind, mute.room_slug, mute.source) == ("mute", "", "ladder")
    ends = mute.expires_at.ToDatetime(tzinfo=dt.timezone.utc)
    assert ends - mute.imposed_at.ToDatetime(tzinfo=dt.timezone.utc) == dt.timedelta(hours=24)

    post = rpb.PostMessageRequest(slug=OPEN_ROOM, body="why was I warned?")

    def refused_as_muted():
        error = refusal(lambda: rooms.PostMessage(post, metadata=sam_md, timeout=T))
        return error if error is not None and error.code() == grpc.StatusCode.PERMISSION_DENIED else None

    error = testing.eventually(refused_as_muted, timeout=30, what="room to learn of the mute")
    assert "muted" in error.details() and ends.isoformat(timespec="minutes") in error.details()

    # The person appeals the warning that brought the mute; another moderator overturns it: the warning is
    # voided, the ladder recounted, the mute lifted, and posting works again.
    appeal = moderation.FileAppeal(mpb.FileAppealRequest(
        subject_kind="warning", subject_id=answers[2].warning.id, text="I was quoting the guidelines back to them.",
        idempotency_key="e2e-appeal-1"), metadata=sam_md, timeout=T).appeal
    assert (appeal.status, appeal.what, appeal.acted_by) == ("open", "warning", "")
    people.moderator("e2e_appeal_mod")
    reviewer_md = signed_in(people, "e2e_appeal_mod")
    as_the_one_who_acted = refusal(lambda: moderation.DecideAppeal(mpb.DecideAppealRequest(
        appeal_id=appeal.id, decision="overturned", reason="mine to undo"), metadata=mod_md, timeout=T))
    assert as_the_one_who_acted.code() == grpc.StatusCode.PERMISSION_DENIED
    decide = mpb.DecideAppealRequest(appeal_id=appeal.id, decision="overturned", reason="quoting is fine",
                                     idempotency_key="e2e-decide-1")
    decided = eventually_ok(lambda: moderation.DecideAppeal(decide, metadata=reviewer_md, timeout=T),
                            grpc.StatusCode.PERMISSION_DENIED).appeal
    assert (decided.status, decided.acted_by) == ("overturned", answers[2].warning.issued_by)
    posted = testing.eventually(lambda: None if refusal(lambda: rooms.PostMessage(
        post, metadata=sam_md, timeout=T)) else True, timeout=30, what="room to learn the mute was lifted")
    assert posted
    record = moderation.GetRecord(mpb.GetRecordRequest(person_id=sam), metadata=mod_md, timeout=T)
    assert record.active_warnings == 2 and [s.status for s in record.sanctions] == ["lifted"]
    [own] = moderation.ListAppeals(mpb.ListAppealsRequest(), metadata=sam_md, timeout=T).appeals
    assert own.status == "overturned"
    figures = moderation.GetModeratorFigures(mpb.GetModeratorFiguresRequest(moderator_id=answers[2].warning.issued_by),
                                             metadata=mod_md, timeout=T)
    assert figures.appeals_overturned == 1


def test_f_a_global_ban_takes_a_person_out_of_every_room_until_it_is_lifted(moderation_stack):  # noqa: F811
    people, rooms, moderation = clients(moderation_stack)
    banned, banned_md = people.new("e2e_banned_bo")
    _, witness_md = people.new("e2e_witness_wil")
    for md in (banned_md, witness_md):
        known_to_room(rooms, md)
        for slug in (OPEN_ROOM, LOUNGE):
            rooms.JoinRoom(rpb.JoinRoomRequest(slug=slug), metadata=md, timeout=T)
    admin_md = signed_in(people, *ADMIN)

    request = mpb.ImposeSanctionRequest(person_id=banned, kind="ban", reason="threats to other members",
                                        idempotency_key="e2e-ban-1")
    ban = eventually_ok(lambda: moderation.ImposeSanction(request, metadata=admin_md, timeout=T),
                        grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND).sanction
    assert (ban.kind, ban.room_slug, ban.HasField("expires_at")) == ("ban", "", False)

    def members(slug):
        return {m.person_id for m in rooms.ListMembers(rpb.ListMembersRequest(slug=slug), metadata=witness_md,
                                                       timeout=T).members}

    testing.eventually(lambda: all(banned not in members(slug) for slug in (OPEN_ROOM, LOUNGE)), timeout=30,
                       what="room to remove the banned person from every room")
    for slug in (OPEN_ROOM, LOUNGE):
        error = refusal(lambda slug=slug: rooms.JoinRoom(rpb.JoinRoomRequest(slug=slug), metadata=banned_md, timeout=T))
        assert error is not None and error.code() == grpc.StatusCode.PERMISSION_DENIED and "banned" in error.details()

    moderation.LiftSanction(mpb.LiftSanctionRequest(sanction_id=ban.id, reason="appeal upheld by the admins"),
                            metadata=admin_md, timeout=T)
    testing.eventually(lambda: refusal(lambda: rooms.JoinRoom(rpb.JoinRoomRequest(slug=LOUNGE), metadata=banned_md,
                                                              timeout=T)) is None,
                       timeout=30, what="room to learn the ban was lifted")
    assert banned in members(LOUNGE)
