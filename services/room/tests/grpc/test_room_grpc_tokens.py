"""gRPC: issue 14's scenario (g) for room, generated from the proto descriptor: every method (none is public;
Subscribe, the live stream, too) refuses a missing, expired or forged token with UNAUTHENTICATED and changes
nothing."""
import jwt
import test_room_grpc_api as api
from hearth.room.v1 import room_pb2 as pb

from hearth_common import testing

stub = api.stub  # the API module's server and stub (a test signing key), used here as they are there

METHODS = pb.DESCRIPTOR.services_by_name["RoomService"].methods


def sign(claims: dict) -> str:
    """A token signed by the key the test server trusts."""
    return jwt.encode(claims, api.KEY, algorithm="EdDSA", headers={"kid": "test-key"})


def test_every_rpc_refuses_a_missing_expired_or_forged_token(stub, rooms, room_engine):
    person = api.known_person(rooms)
    # the control: a fresh token of the test key is answered
    fresh = [("authorization", f"Bearer {api.token_for(person)}")]
    assert stub.ListRooms(pb.ListRoomsRequest(), metadata=fresh, timeout=api.T).rooms
    tokens = testing.refused_bearers(sign, {"iss": "hearth-identity", "aud": "hearth", "sub": person, "roles": []})
    before = testing.table_fingerprints(room_engine)
    answered = {(m.name, what): testing.grpc_status(stub, m, getattr(pb, m.input_type.name)(), metadata,
                                                    timeout=api.T)[0].name
                for m in METHODS for what, metadata in tokens.items()}
    assert {call: code for call, code in answered.items() if code != "UNAUTHENTICATED"} == {}
    assert len(answered) == 3 * len(METHODS)
    assert testing.table_fingerprints(room_engine) == before
