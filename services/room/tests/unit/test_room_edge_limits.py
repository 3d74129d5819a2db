"""Unit tests: room's limits at the gRPC edge are never tighter than its domain's rules, and the largest legal
request of every method fits the server's receive limit."""
import json

import pytest
from hearth.room.v1 import room_pb2 as pb

from hearth_common import access_policy as access
from room_service.domain import grants, messages, rooms, sessions
from room_service.entrypoints.grpc_server import LIMITS, SERVICE_NAME

METHODS = pb.DESCRIPTOR.services_by_name["RoomService"].methods


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
def test_the_largest_legal_request_of_every_method_is_within_the_limits_and_the_receive_limit(method):
    from google.protobuf import message_factory
    request = LIMITS.widest(message_factory.GetMessageClass(method.input_type))
    assert LIMITS.refusal(request) is None
    assert request.ByteSize() <= LIMITS.largest_bytes(method.input_type) <= LIMITS.receive_limit([SERVICE_NAME])


def spaced(text):
    return "  " + text + "\n"


@pytest.mark.parametrize("request_", [
    pb.PostMessageRequest(slug="s" * 64, body=spaced("b" * messages.MAX_BODY), reply_to="r" * 45),
    pb.EditMessageRequest(message_id="{" + "m" * 36 + "}", body=spaced("b" * messages.MAX_BODY)),
    pb.CreateRoomRequest(room=pb.RoomSpec(slug="s" * 64, name=spaced("n" * rooms.NAME_LENGTH[1]),
                                          description=spaced("d" * rooms.DESCRIPTION_MAX),
                                          topic="t" * rooms.TOPIC_LENGTH[1], audience_kind="listener",
                                          access_policy_json=spaced("{}"))),
    pb.ScheduleSessionRequest(slug="s" * 64, topic=spaced("t" * sessions.TOPIC_LENGTH[1])),
    pb.StartUnplannedSessionRequest(slug="s" * 64, topic=spaced("t" * sessions.TOPIC_LENGTH[1])),
    pb.GrantCohortAccessRequest(person_id="p" * 36, slug="s" * 64, reason=spaced("r" * grants.MAX_REASON)),
], ids=lambda r: type(r).__name__)
def test_what_the_domain_accepts_at_its_longest_passes_the_edge(request_):
    assert LIMITS.refusal(request_) is None


def test_the_largest_policy_the_domain_accepts_written_out_indented_is_within_the_json_limit():
    slug = "b" * 64

    def nested(depth):  # MAX_DEPTH levels of any_of, the rest of MAX_NODES as badges of the longest slug
        return {"badge": slug} if depth == access.MAX_DEPTH else {"any_of": [nested(depth + 1), {"badge": slug}]}

    policy = nested(1)
    leaves = [{"badge": slug}] * (access.MAX_NODES - access.MAX_DEPTH * 2 + 1)
    policy["any_of"][1] = {"all_of": leaves}
    access.parse_policy(policy)  # the domain accepts it
    text = json.dumps(policy, indent=4)
    assert len(text) <= access.POLICY_JSON_MAX
    assert LIMITS.refusal(pb.CreateRoomRequest(room=pb.RoomSpec(access_policy_json=text))) is None
