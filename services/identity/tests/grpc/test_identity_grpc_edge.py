"""gRPC: hostile input to identity's real (sync grpcio) server, PostgreSQL behind it, is refused at the edge,
cheaply: garbage bytes and oversized fields are INVALID_ARGUMENT, before authentication, with one warning line."""
import logging

import grpc
import pytest
from hearth.identity.v1 import identity_pb2 as pb
from test_identity_grpc_api import T, admin, channel, login, register, server, stub  # noqa: F401  (fixtures)

from hearth_common.testing import eventually

GARBAGE = [b"\xff\xff\xff\xff", b"\x0a\x05ab", b"\x0a\x02\xff\xfe"]  # corrupt wire format; bad UTF-8 in a string


def raw(channel, method):  # noqa: F811  (the fixture imported above)
    """A caller sending whatever bytes it likes, read back with identity's response deserializers."""
    return channel.unary_unary(f"/hearth.identity.v1.IdentityService/{method}", request_serializer=None,
                               response_deserializer=pb.RegisterResponse.FromString)


def refused(call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as info:
        call(*args, timeout=T, **kwargs)
    return info.value.code(), info.value.details()


def edge_lines(caplog):
    """What the call left in the log at warning or above, and the server's lines about calls."""
    eventually(lambda: [r for r in caplog.records if r.name == "hearth_common.grpc_server"], timeout=5)
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    return loud, [r for r in caplog.records if r.name == "hearth_common.grpc_server"]


@pytest.mark.parametrize("method, type_name", [("Register", "RegisterRequest"), ("AwardBadge", "AwardBadgeRequest")])
@pytest.mark.parametrize("garbage", GARBAGE)
def test_garbage_bytes_are_invalid_argument_with_one_warning_and_no_traceback(channel, caplog, garbage, method,  # noqa: F811
                                                                               type_name):
    caplog.set_level(logging.INFO)
    code, details = refused(raw(channel, method), garbage)  # a public method, and one needing a token
    assert (code, details) == (grpc.StatusCode.INVALID_ARGUMENT,
                               f"the request is not a valid hearth.identity.v1.{type_name}")
    loud, calls = edge_lines(caplog)
    assert [r.getMessage() for r in loud] == ["grpc call refused"] and loud == calls
    assert loud[0].exc_info is None and loud[0].grpc_code == "INVALID_ARGUMENT"


def test_a_17000_character_slug_is_refused_naming_the_field_before_the_token_is_looked_at(stub, admin, caplog):  # noqa: F811
    caplog.set_level(logging.INFO)
    person = register(stub, "slug_target")
    request = pb.AwardBadgeRequest(person_id=person.id, badge_slug="b" * 17_000, reason="earned it")
    for metadata in (admin, [("authorization", "Bearer not-a-token")], None):
        caplog.clear()
        code, details = refused(stub.AwardBadge, request, metadata=metadata)
        assert (code, details) == (grpc.StatusCode.INVALID_ARGUMENT, "badge_slug is 17000 characters; at most 64")
        loud, calls = edge_lines(caplog)
        assert len(loud) == 1 and loud == calls and loud[0].refusal == details


@pytest.mark.parametrize("request_, refusal", [
    (pb.RegisterRequest(username="u" * 33, password="a long enough password", date_of_birth="1990-01-01"),
     "username is 33 characters; at most 32"),
    (pb.LoginRequest(username="someone", password="p" * 129), "password is 129 characters; at most 128"),
    (pb.RefreshRequest(refresh_token="r" * 5000), "refresh_token is 5000 characters; at most 4096"),
    (pb.GetPersonRequest(id="1" * 65), "id is 65 characters; at most 64"),
])
def test_each_field_has_its_limit_from_the_domain(stub, request_, refusal):  # noqa: F811
    call = getattr(stub, type(request_).__name__.removesuffix("Request"))
    assert refused(call, request_) == (grpc.StatusCode.INVALID_ARGUMENT, refusal)


def test_values_within_the_limits_reach_the_domain_which_never_echoes_them_whole(stub, admin):  # noqa: F811
    person = register(stub, "echo_target")
    slug = "no-such-badge-" + "x" * 50  # a legal slug's length, no such badge
    code, details = refused(stub.AwardBadge, pb.AwardBadgeRequest(person_id=person.id, badge_slug=slug,
                                                                  reason="earned"), metadata=admin)
    assert code == grpc.StatusCode.NOT_FOUND and slug in details
    code, details = refused(stub.Register, pb.RegisterRequest(username="someone_new", password="a long password",
                                                              date_of_birth="1990-01-0x"))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "1990-01-0x" in details
    code, details = refused(stub.GetPerson, pb.GetPersonRequest(username="n" * 32))
    assert code == grpc.StatusCode.UNAUTHENTICATED  # the edge passed it; GetPerson needs a token


def test_an_invalid_token_is_one_rate_limited_info_line_not_a_warning(stub, caplog):  # noqa: F811
    caplog.set_level(logging.INFO)
    code, _ = refused(stub.ListRoles, pb.ListRolesRequest(person_id="x"),
                      metadata=[("authorization", "Bearer forged")])
    assert code == grpc.StatusCode.UNAUTHENTICATED
    _, calls = edge_lines(caplog)
    assert [(r.getMessage(), r.levelno, r.grpc_code) for r in calls] == [("grpc call", logging.INFO,
                                                                           "UNAUTHENTICATED")]
