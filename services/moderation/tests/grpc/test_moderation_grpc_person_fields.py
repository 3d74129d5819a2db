"""gRPC: every moderation API that returns a person, called as every kind of caller, shows or refuses each field as
the table in moderation_service/service_layer/person_fields.py (and so the README) says (issue 17 §2). Each
field is about a person (the case's subject, a report's reporter, a shift's moderator); the callers are of each
kind relative to that person; "hidden" is a refusal or an answer without them."""
import datetime as dt

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hearth.moderation.v1 import moderation_pb2 as pb
from hearth.moderation.v1 import moderation_pb2_grpc
from moderation_world import World

from hearth_common.clock import utcnow
from hearth_common.person_visibility import (
    ADMIN,
    HIDDEN,
    MODERATOR,
    NOT_CARRIED,
    PEER,
    REFUSED,
    SELF,
    SHOWN,
    VIEWERS,
)
from hearth_common.tokens import TokenVerifier
from moderation_service.adapters.repository import uow_factory
from moderation_service.entrypoints.grpc_server import build_server
from moderation_service.service_layer.person_fields import TABLE
from moderation_service.service_layer.services import ModerationService

T = 5
KEY = Ed25519PrivateKey.generate()
PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo).decode()
TEEN_ROOM = "teen-chat"
ADULT_ROOM = "adult-chat"


def md(person_id):
    now = dt.datetime.now(dt.timezone.utc)
    claims = {"iss": "hearth-identity", "aud": "hearth", "sub": person_id, "iat": int(now.timestamp()),
              "exp": int((now + dt.timedelta(minutes=5)).timestamp()), "roles": []}
    return [("authorization", f"Bearer {jwt.encode(claims, KEY, algorithm='EdDSA', headers={'kid': 'test-key'})}")]


@pytest.fixture
def world(clean_engine):
    return World(ModerationService(uow_factory(clean_engine)), utcnow)


@pytest.fixture
def stub(moderation_settings, world):
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    server = build_server(moderation_settings, world.service, verifier)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield moderation_pb2_grpc.ModerationServiceStub(channel)
    server.stop(grace=1)


@pytest.fixture
def scene(world):
    """A teen (the subject) who posted in a teen room, with a teen and an adult peer, two moderators of that room
    (teens), a moderator of an adult room and an admin."""
    ids = {"subject": world.member("tia_teen", TEEN_ROOM, cohort="teen"),
           "teen peer": world.member("tom_teen", TEEN_ROOM, cohort="teen"),
           "adult peer": world.member("abe_adult"),
           "moderator": world.moderator("mod_mia", TEEN_ROOM, cohort="teen"),
           "fellow moderator": world.moderator("mod_max", TEEN_ROOM, cohort="teen"),
           "adult moderator": world.moderator("mod_abe", ADULT_ROOM, cohort="adult"),
           "admin": world.admin()}
    for staff in ("moderator", "fellow moderator", "admin"):
        world.join(ids[staff], TEEN_ROOM)
    message_id = world.post(ids["subject"], "you are all useless", room=TEEN_ROOM)
    return ids, message_id


def on_duty_paged_warned_and_appealed(stub, ids):
    """Everyone on duty (the teen moderators for the teen cohort), a summons about the subject, a warning of the
    subject and their appeal of it: what the rota, pager, record, appeals and audit APIs show."""
    for staff, cohort in (("moderator", "teen"), ("fellow moderator", "teen"), ("adult moderator", ""),
                          ("admin", "")):
        stub.GoOnDuty(pb.GoOnDutyRequest(cohort=cohort, idempotency_key="duty"), metadata=md(ids[staff]), timeout=T)
    summons = pb.SummonModeratorRequest(room_slug=TEEN_ROOM, reason="troll", person_id=ids["subject"],
                                        idempotency_key="summon")
    page_id = stub.SummonModerator(summons, metadata=md(ids["teen peer"]), timeout=T).heard.page_id
    warn = pb.IssueWarningRequest(person_id=ids["subject"], reason="unkind", room_slug=TEEN_ROOM,
                                  idempotency_key="warn")
    warning_id = stub.IssueWarning(warn, metadata=md(ids["moderator"]), timeout=T).warning.id
    appeal = pb.FileAppealRequest(subject_kind="warning", subject_id=warning_id, text="I was upset",
                                  idempotency_key="appeal")
    appeal_id = stub.FileAppeal(appeal, metadata=md(ids["subject"]), timeout=T).appeal.id
    return {"page": page_id, "warning": warning_id, "appeal": appeal_id}


# whom each field is about (the viewer columns are relative to them): the subject, but for these
SHOWN_PERSON = {"report.reporter_id": "teen peer", "shift.moderator_id": "moderator", "shift.username": "moderator",
                "shift.cohort": "moderator"}


def callers(viewer, person):
    """The scene's callers of each kind relative to `person` (the adult moderator is a peer of every teen)."""
    moderators = ["moderator", "fellow moderator"]
    peers = [p for p in ("subject", "teen peer", "adult peer") if p != person]
    return {PEER: [*peers, "adult moderator"], SELF: [person],
            MODERATOR: [m for m in moderators if m != person], ADMIN: ["admin"]}[viewer]


def subjects_from(stub, api, caller, ids, message_id):
    """The subject records an API answers the caller (dicts of the table's field names); raises RpcError if refused."""
    m = md(ids[caller])
    if api == "ListQueue":
        cases = stub.ListQueue(pb.ListQueueRequest(), metadata=m, timeout=T).cases
    elif api in ("GetCase", "DecideCase"):
        case_id = ids["case"]
        if api == "GetCase":
            cases = [stub.GetCase(pb.GetCaseRequest(case_id=case_id), metadata=m, timeout=T).case]
        else:  # dismissing changes nothing a later call of this test reads
            request = pb.DecideCaseRequest(case_id=case_id, decision="dismiss",
                                           idempotency_key=f"d-{caller.replace(' ', '_')}")
            cases = [stub.DecideCase(request, metadata=m, timeout=T).case]
    elif api == "ReportMessage":
        request = pb.ReportMessageRequest(message_id=message_id, reason="unkind",
                                          idempotency_key=f"r-{caller.replace(' ', '_')}")
        return [{"report.subject_id": stub.ReportMessage(request, metadata=m, timeout=T).report.subject_id}]
    elif api == "ReportPerson":
        request = pb.ReportPersonRequest(room_slug=TEEN_ROOM, person_id=ids["subject"], reason="unkind",
                                         idempotency_key=f"p-{caller.replace(' ', '_')}")
        return [{"report.subject_id": stub.ReportPerson(request, metadata=m, timeout=T).report.subject_id}]
    elif api == "ListOnDuty":
        return [{"shift.moderator_id": s.moderator_id, "shift.username": s.username, "shift.cohort": s.cohort}
                for s in stub.ListOnDuty(pb.ListOnDutyRequest(), metadata=m, timeout=T).shifts
                if s.moderator_id == ids["moderator"]]
    elif api in ("ListPages", "StreamPages"):
        pages = (stub.ListPages(pb.ListPagesRequest(), metadata=m, timeout=T).pages if api == "ListPages"
                 else streamed_pages(stub, m))
        return [{"page.subject_id": p.subject_id, "page.cohort": p.cohort} for p in pages if p.id == ids["page"]]
    elif api == "GetRecord":
        record = stub.GetRecord(pb.GetRecordRequest(person_id=ids["subject"]), metadata=m, timeout=T)
        return [{"record.person_id": record.person_id}]
    elif api == "ListAppeals":
        appeals = list(stub.ListAppeals(pb.ListAppealsRequest(), metadata=m, timeout=T).appeals)
        try:
            appeals += stub.ListAppeals(pb.ListAppealsRequest(to_decide=True), metadata=m, timeout=T).appeals
        except grpc.RpcError as refused:  # who may undo nothing anywhere sees only their own
            assert refused.code() == grpc.StatusCode.PERMISSION_DENIED
        return [{"appeal.person_id": a.person_id} for a in appeals if a.id == ids["appeal"]]
    elif api == "ListAuditLog":
        entries = stub.ListAuditLog(pb.ListAuditLogRequest(room_slug=TEEN_ROOM), metadata=m, timeout=T).entries
        return [{"audit.target_id": e.target_id} for e in entries
                if e.action == "warning_issued" and e.subject_ref == ids["warning"]]
    else:
        raise AssertionError(f"the table names {api}, which this test does not know how to call")
    return [{"subject.person_id": c.subject.person_id, "subject.username": c.subject.username,
             "subject.kind": c.subject.kind, "subject.cohort": c.subject.cohort,
             "report.reporter_id": c.reports[0].reporter_id if c.reports else None} for c in cases]


def streamed_pages(stub, metadata):
    """The pages a console's stream starts with (the caller's open pages), read until it has nothing more."""
    call = stub.StreamPages(pb.StreamPagesRequest(), metadata=metadata, timeout=2)
    pages = []
    try:
        for update in call:
            if update.HasField("page"):
                pages.append(update.page)
    except grpc.RpcError as ended:
        if ended.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
            raise
    return pages


EXPECTED = {"subject.username": "tia_teen", "subject.kind": "member", "subject.cohort": "teen",
            "shift.username": "mod_mia", "shift.cohort": "teen", "page.cohort": "teen"}


def expected(field, ids):
    """What a caller who is shown the field sees: the value above, or the id of the person it is about."""
    return EXPECTED.get(field) or ids[SHOWN_PERSON.get(field, "subject")]


def test_no_message_carries_an_age_or_a_date_of_birth():
    for r in TABLE.rows:
        if set(r.seen.values()) == {NOT_CARRIED}:
            for message in (pb.Subject, pb.Report, pb.ReviewedReport, pb.Case, pb.GetRecordResponse, pb.Shift,
                        pb.Page, pb.Appeal, pb.AuditEntry):
                assert not [f for f in message.DESCRIPTOR.fields_by_name if r.field in f.split("_") or r.field == f]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_api_shows_the_person_as_the_table_says(stub, scene, viewer):
    ids, message_id = scene
    ids = {**ids, **on_duty_paged_warned_and_appealed(stub, ids)}
    # the teen peer's report opens the case the case APIs are asked about
    subjects_from(stub, "ReportMessage", "teen peer", ids, message_id)
    ids = {**ids, "case": stub.ListQueue(pb.ListQueueRequest(), metadata=md(ids["admin"]), timeout=T).cases[0].id}
    rows = [r for r in TABLE.rows if set(r.seen.values()) != {NOT_CARRIED}]
    for api in sorted({a for r in rows for a in r.apis}, key=lambda a: (a.startswith("Report"), a == "DecideCase", a)):
        cells = {r.field: r.seen[viewer] for r in rows if api in r.apis}
        persons = {SHOWN_PERSON.get(field, "subject") for field in cells}
        for caller in dict.fromkeys(c for p in sorted(persons) for c in callers(viewer, p)):
            if api.startswith("Report") and caller in ("adult peer", "adult moderator"):
                continue  # not in the room: refused as anyone who was not there (the wall, not this table)
            if api == "ListAppeals" and viewer == MODERATOR and caller == "moderator":
                continue  # who gave the warning never decides its appeal: the fellow moderator is asked
            if api == "DecideCase" and caller == "fellow moderator":
                continue  # the case is decided once (by the other moderator)
            try:
                seen = subjects_from(stub, api, caller, ids, message_id)
            except grpc.RpcError as refused:
                assert set(cells.values()) <= {REFUSED, HIDDEN}, (api, caller, refused.details())
                assert refused.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.FAILED_PRECONDITION,
                                          grpc.StatusCode.NOT_FOUND), (api, caller)
                assert not {"teen", "adult"} & set(refused.details().split()), (api, caller, refused.details())
                continue
            for field, cell in cells.items():
                if cell == SHOWN:
                    assert seen and all(s[field] == expected(field, ids) for s in seen), (api, caller, field, seen)
                else:  # refused or hidden: answered nothing about the person (a list without them)
                    assert caller == "adult moderator" or cell == HIDDEN, (api, caller, field, "not refused")
                    assert not any(s[field] for s in seen), (api, caller, field, seen)


def by_person_id(stub, person_id, other):
    """Each RPC naming a person by id, called as an adult moderator may call it: in their own (adult) room."""
    return {
        "GetRecord": (stub.GetRecord, pb.GetRecordRequest(person_id=person_id)),
        "IssueWarning": (stub.IssueWarning, pb.IssueWarningRequest(person_id=person_id, reason="unkind",
                                                                   room_slug=ADULT_ROOM)),
        "ImposeSanction mute": (stub.ImposeSanction, pb.ImposeSanctionRequest(
            person_id=person_id, kind="mute", room_slug=ADULT_ROOM, duration_minutes=10, reason="cool off")),
        "ImposeSanction ban": (stub.ImposeSanction, pb.ImposeSanctionRequest(
            person_id=person_id, kind="ban", room_slug=ADULT_ROOM, duration_minutes=60, reason="abuse")),
        "KickPerson": (stub.KickPerson, pb.KickPersonRequest(room_slug=ADULT_ROOM, person_id=person_id,
                                                             reason="take a break")),
        "MuteExchange": (stub.MuteExchange, pb.MuteExchangeRequest(
            room_slug=ADULT_ROOM, person_ids=[person_id, other], duration_minutes=5, reason="cool off")),
    }


@pytest.mark.parametrize("api", ["GetRecord", "IssueWarning", "ImposeSanction mute", "ImposeSanction ban",
                                 "KickPerson", "MuteExchange"])
def test_a_teen_is_answered_to_an_adult_moderator_as_an_unknown_person(stub, scene, api):
    """A person id from GetPerson must not let an adult moderator tell a teen by a refusal (issue 17 §2): every
    RPC naming a person by id answers the teen's id exactly as an id nobody knows, the id aside."""
    ids, _ = scene
    unknown = "00000000-0000-4000-8000-000000000017"

    def answer(person_id):
        method, request = by_person_id(stub, person_id, ids["adult peer"])[api]
        with pytest.raises(grpc.RpcError) as refused:
            method(request, metadata=md(ids["adult moderator"]), timeout=T)
        return refused.value.code(), refused.value.details().replace(person_id, "<id>")

    assert answer(ids["subject"]) == answer(unknown)
    assert answer(unknown)[0] == grpc.StatusCode.NOT_FOUND


def by_item_id(stub, item_id):
    """Each RPC naming a warning, sanction, message or appeal by its own id."""
    return {
        "VoidWarning": (stub.VoidWarning, pb.VoidWarningRequest(warning_id=item_id, reason="overturned")),
        "LiftSanction": (stub.LiftSanction, pb.LiftSanctionRequest(sanction_id=item_id, reason="calmer now")),
        "RemoveMessage": (stub.RemoveMessage, pb.RemoveMessageRequest(message_id=item_id, reason="unkind")),
        "DecideAppeal": (stub.DecideAppeal, pb.DecideAppealRequest(appeal_id=item_id, decision="overturned",
                                                                   reason="fair point")),
    }


@pytest.mark.parametrize("api", ["VoidWarning", "LiftSanction", "RemoveMessage", "DecideAppeal"])
def test_a_teens_item_is_answered_to_an_adult_moderator_as_an_unknown_id(stub, scene, api):
    """Holding the id of a teen's warning, sanction, message or appeal must not let an adult moderator tell a teen
    by a refusal (issue 17 §2; silent on items: the teen's side): each answers it exactly as an id that does not
    exist, the id aside. The items are real: the teen moderator may act on them."""
    ids, message_id = scene
    made = on_duty_paged_warned_and_appealed(stub, ids)
    mute = pb.ImposeSanctionRequest(person_id=ids["subject"], kind="mute", room_slug=TEEN_ROOM, duration_minutes=10,
                                    reason="cool off", idempotency_key="mute")
    items = {"VoidWarning": made["warning"], "DecideAppeal": made["appeal"], "RemoveMessage": message_id,
             "LiftSanction": stub.ImposeSanction(mute, metadata=md(ids["moderator"]), timeout=T).sanction.id}
    unknown = "00000000-0000-4000-8000-000000000071" if api != "RemoveMessage" else "m-unknown-17"

    def answer(item_id, caller="adult moderator"):
        method, request = by_item_id(stub, item_id)[api]
        with pytest.raises(grpc.RpcError) as refused:
            method(request, metadata=md(ids[caller]), timeout=T)
        return refused.value.code(), refused.value.details().replace(item_id, "<id>")

    assert answer(items[api]) == answer(unknown)
    assert answer(unknown)[0] == grpc.StatusCode.NOT_FOUND
    method, request = by_item_id(stub, items[api])[api]
    method(request, metadata=md(ids["fellow moderator"]), timeout=T)  # a moderator of the teen's cohort may
