"""gRPC: every moderation API that returns a person, called as every kind of caller, shows or refuses each field as
the table in moderation_service/service_layer/person_fields.py (and so the README) says (issue 17 §2)."""
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
from hearth_common.person_visibility import ADMIN, MODERATOR, NOT_CARRIED, PEER, REFUSED, SELF, SHOWN, VIEWERS
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
    """A teen (the subject) who posted in a teen room, with a teen and an adult peer, a moderator of that room and
    an admin."""
    ids = {"subject": world.member("tia_teen", TEEN_ROOM, cohort="teen"),
           "teen peer": world.member("tom_teen", TEEN_ROOM, cohort="teen"),
           "adult peer": world.member("abe_adult"),
           "moderator": world.moderator("mod_mia", TEEN_ROOM, cohort="teen"),
           "admin": world.admin()}
    world.join(ids["moderator"], TEEN_ROOM)
    world.join(ids["admin"], TEEN_ROOM)
    message_id = world.post(ids["subject"], "you are all useless", room=TEEN_ROOM)
    return ids, message_id


def callers(viewer):
    return {PEER: ["teen peer", "adult peer"], SELF: ["subject"], MODERATOR: ["moderator"], ADMIN: ["admin"]}[viewer]


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
    else:
        raise AssertionError(f"the table names {api}, which this test does not know how to call")
    return [{"subject.person_id": c.subject.person_id, "subject.username": c.subject.username,
             "subject.kind": c.subject.kind, "subject.cohort": c.subject.cohort} for c in cases]


EXPECTED = {"subject.person_id": None, "subject.username": "tia_teen", "subject.kind": "member",
            "subject.cohort": "teen", "report.subject_id": None}


def test_no_message_carries_an_age_or_a_date_of_birth():
    for r in TABLE.rows:
        if set(r.seen.values()) == {NOT_CARRIED}:
            for message in (pb.Subject, pb.Report, pb.ReviewedReport, pb.Case, pb.GetRecordResponse):
                assert not [f for f in message.DESCRIPTOR.fields_by_name if r.field in f.split("_") or r.field == f]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_api_shows_the_subject_as_the_table_says(stub, scene, viewer):
    ids, message_id = scene
    # the teen peer's report opens the case the case APIs are asked about
    subjects_from(stub, "ReportMessage", "teen peer", ids, message_id)
    ids = {**ids, "case": stub.ListQueue(pb.ListQueueRequest(), metadata=md(ids["admin"]), timeout=T).cases[0].id}
    rows = [r for r in TABLE.rows if set(r.seen.values()) != {NOT_CARRIED}]
    for api in sorted({a for r in rows for a in r.apis}, key=lambda a: (a.startswith("Report"), a == "DecideCase", a)):
        cells = {r.field: r.seen[viewer] for r in rows if api in r.apis}
        for caller in callers(viewer):
            if api.startswith("Report") and caller == "adult peer":
                continue  # not in the room: refused as anyone who was not there (the wall, not this table)
            if set(cells.values()) == {REFUSED}:
                with pytest.raises(grpc.RpcError) as refused:
                    subjects_from(stub, api, caller, ids, message_id)
                assert refused.value.code() in (grpc.StatusCode.PERMISSION_DENIED,
                                                grpc.StatusCode.FAILED_PRECONDITION), (api, caller)
                assert "teen" not in refused.value.details(), (api, caller)
                continue
            seen = subjects_from(stub, api, caller, ids, message_id)
            assert seen, (api, caller)
            for field, cell in cells.items():
                wanted = EXPECTED[field] or ids["subject"]
                assert cell == SHOWN and all(s[field] == wanted for s in seen), (api, caller, field)
