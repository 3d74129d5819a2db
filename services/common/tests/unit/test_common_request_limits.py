"""Unit tests of the edge's request limits (a message type made here: nested, repeated, maps, bytes, oneofs), of
the rate limiter of the log lines callers can cause, and of both servers (threaded and asyncio) screening it."""
from __future__ import annotations

import logging

import grpc
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, struct_pb2

from hearth_common.grpc_edge import Edge, RequestRefused, Unparsable, access_log, tolerant
from hearth_common.grpc_server import GrpcServer
from hearth_common.log_rate import LogRateLimiter, Rate
from hearth_common.request_limits import (
    FREE_TEXT_MAX,
    RECEIVE_FLOOR_BYTES,
    Limit,
    RequestLimits,
    free_text,
)

F = descriptor_pb2.FieldDescriptorProto


def _message_types():
    """hearth.test.v1.Probe: every shape of field a request can have."""
    file = descriptor_pb2.FileDescriptorProto(name="hearth/test/v1/limits_probe.proto", package="hearth.test.v1",
                                              syntax="proto3")
    inner = file.message_type.add(name="Inner")
    inner.field.add(name="name", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    inner.field.add(name="person_ids", number=2, type=F.TYPE_STRING, label=F.LABEL_REPEATED)
    probe = file.message_type.add(name="Probe")
    entry = probe.nested_type.add(name="LabelsEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    entry.field.add(name="value", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    probe.oneof_decl.add(name="lookup")
    fields = [
        ("slug", F.TYPE_STRING, F.LABEL_OPTIONAL, None),
        ("body", F.TYPE_STRING, F.LABEL_OPTIONAL, None),
        ("blob", F.TYPE_BYTES, F.LABEL_OPTIONAL, None),
        ("tags", F.TYPE_STRING, F.LABEL_REPEATED, None),
        ("seqs", F.TYPE_INT64, F.LABEL_REPEATED, None),
        ("inner", F.TYPE_MESSAGE, F.LABEL_OPTIONAL, ".hearth.test.v1.Inner"),
        ("inners", F.TYPE_MESSAGE, F.LABEL_REPEATED, ".hearth.test.v1.Inner"),
        ("labels", F.TYPE_MESSAGE, F.LABEL_REPEATED, ".hearth.test.v1.Probe.LabelsEntry"),
        ("count", F.TYPE_INT32, F.LABEL_OPTIONAL, None),
    ]
    for number, (name, type_, label, type_name) in enumerate(fields, start=1):
        probe.field.add(name=name, number=number, type=type_, label=label, type_name=type_name)
    probe.field.add(name="by_id", number=20, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, oneof_index=0)
    probe.field.add(name="by_username", number=21, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, oneof_index=0)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("hearth.test.v1.Probe"))


Probe = _message_types()
LIMITS = RequestLimits(text={"body": free_text(50), "*.Inner.name": Limit(10)}, items={"tags": Limit(3)})


def test_a_request_within_every_limit_passes_and_is_left_as_it_was():
    request = Probe(slug="s" * 64, body="b" * 50, tags=["a", "b", "c"], count=2**31 - 1)
    assert LIMITS.refusal(request) is None
    assert not request.HasField("inner")  # a submessage never set is not created by looking


@pytest.mark.parametrize("request_, refusal", [
    (Probe(slug="s" * 17_000), "slug is 17000 characters; at most 64"),
    (Probe(body="b" * 51), "body is 51 characters; at most 50"),
    (Probe(blob=b"x" * 70_000), "blob is 70000 bytes; at most 65536"),
    (Probe(tags=["t"] * 4), "tags has 4 items; at most 3"),
    (Probe(tags=["t", "t" * 5000]), f"tags[1] is 5000 characters; at most {FREE_TEXT_MAX}"),
    (Probe(seqs=list(range(101))), "seqs has 101 items; at most 100"),
    (Probe(inner={"name": "n" * 11}), "inner.name is 11 characters; at most 10"),
    (Probe(inner={"person_ids": ["p" * 65]}), "inner.person_ids[0] is 65 characters; at most 64"),
    (Probe(inners=[{}, {"name": "n" * 11}]), "inners[1].name is 11 characters; at most 10"),
    (Probe(inners=[{}] * 101), "inners has 101 items; at most 100"),
    (Probe(labels={"k" * 5000: "v"}), f"labels key is 5000 characters; at most {FREE_TEXT_MAX}"),
    (Probe(labels={"k": "v" * 5000}), f"labels[0] is 5000 characters; at most {FREE_TEXT_MAX}"),
    (Probe(by_username="u" * 33), "by_username is 33 characters; at most 32"),
    (Probe(by_id="1" * 65), "by_id is 65 characters; at most 64"),
])
def test_a_field_over_its_limit_is_named_with_its_limit_and_never_echoed(request_, refusal):
    assert LIMITS.refusal(request_) == refusal


def test_text_the_domain_trims_counts_without_the_space_around_it_and_identifiers_count_whole():
    assert LIMITS.refusal(Probe(body=" " * 100 + "b" * 50 + "\n" * 100)) is None
    assert LIMITS.refusal(Probe(body=" " * 100 + "b" * 51)) == "body is 51 characters; at most 50"
    assert LIMITS.refusal(Probe(slug=" " * 60 + "s" * 10)) == "slug is 70 characters; at most 64"


def test_a_services_overrides_come_before_the_defaults_and_full_name_patterns_name_one_message():
    limits = RequestLimits(text={"slug": Limit(5), "*.Probe.by_*": Limit(3)})
    assert limits.refusal(Probe(slug="s" * 6)) == "slug is 6 characters; at most 5"
    assert limits.refusal(Probe(by_id="1234")) == "by_id is 4 characters; at most 3"
    assert RequestLimits().refusal(Probe(by_id="1234")) is None


def test_the_largest_legal_request_bounds_every_request_within_the_limits():
    widest = "\U0001F600"  # four bytes of UTF-8
    largest = Probe(slug=widest * 64, body=widest * 50, blob=b"x" * 65_536, tags=[widest * FREE_TEXT_MAX] * 3,
                    seqs=[-1] * 100, inner={"name": widest * 10, "person_ids": [widest * 64] * 100},
                    inners=[{"name": widest * 10, "person_ids": [widest * 64] * 100}] * 100,
                    labels={f"{i:0{FREE_TEXT_MAX}d}".replace("0", widest): widest * FREE_TEXT_MAX for i in range(100)},
                    count=-1, by_id=widest * 64)
    assert LIMITS.refusal(largest) is None
    assert largest.ByteSize() <= LIMITS.largest_bytes(Probe.DESCRIPTOR)


def test_the_receive_limit_covers_the_largest_request_of_the_named_services_and_never_goes_below_the_floor():
    assert RequestLimits().receive_limit(["hearth.no.v1.SuchService"]) == RECEIVE_FLOOR_BYTES


def test_a_message_that_nests_itself_has_no_largest_size():
    with pytest.raises(ValueError, match="nests itself"):
        RequestLimits().largest_bytes(struct_pb2.Struct.DESCRIPTOR)
    nested = struct_pb2.Struct()
    nested.fields["a"].struct_value.fields["b"].string_value = "v" * 5000
    assert RequestLimits().refusal(nested) == f"fields[0].struct_value.fields[0].string_value is 5000 characters; " \
                                              f"at most {FREE_TEXT_MAX}"


# --- the edge's screen ----------------------------------------------------------------------------------


def test_the_tolerant_deserializer_hands_over_what_does_not_parse_instead_of_raising():
    deserialize = tolerant(Probe.FromString)
    assert deserialize(Probe(slug="ok").SerializeToString()).slug == "ok"
    unparsable = deserialize(b"\xff\xff\xff\xff")
    assert isinstance(unparsable, Unparsable) and unparsable.type_name == "hearth.test.v1.Probe"
    assert tolerant(None) is None


def test_the_edge_refuses_unparsable_and_oversized_requests_as_invalid_argument_of_their_kind():
    edge = Edge("/hearth.test.v1.ProbeService/Call", LIMITS, access_log(), public=True)
    with pytest.raises(RequestRefused) as unparsable:
        edge.screen(Unparsable("hearth.test.v1.Probe", 4))
    assert (unparsable.value.kind, unparsable.value.message) == ("unparsable",
                                                                 "the request is not a valid hearth.test.v1.Probe")
    with pytest.raises(RequestRefused) as oversize:
        edge.screen(Probe(slug="s" * 65))
    assert oversize.value.kind == "oversize"
    edge.screen(b"raw bytes of a generic handler")  # nothing to check
    assert list(edge.screened(iter([Probe(), Probe()]))) == [Probe(), Probe()]
    with pytest.raises(RequestRefused):
        list(edge.screened(iter([Probe(), Probe(slug="s" * 65)])))


# --- the log rate limiter ---------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def limited(caplog):
    caplog.set_level(logging.INFO, logger="test.limited")
    clock = Clock()
    limiter = LogRateLimiter(logging.getLogger("test.limited"), {"loud": Rate(burst=3, per_second=2)},
                             default=Rate(burst=1, per_second=1), clock=clock)
    return limiter, clock, caplog


def lines(caplog):
    return [(r.getMessage(), getattr(r, "log_kind", None), getattr(r, "suppressed", None)) for r in caplog.records]


def test_a_kind_logs_its_burst_then_counts_what_it_holds_back(limited):
    limiter, clock, caplog = limited
    assert [limiter.log("loud", logging.WARNING, "refused") for _ in range(10)] == [True] * 3 + [False] * 7
    assert lines(caplog) == [("refused", None, None)] * 3


def test_when_the_kind_may_log_again_one_line_says_how_many_were_held_back(limited):
    limiter, clock, caplog = limited
    for _ in range(10):
        limiter.log("loud", logging.WARNING, "refused")
    caplog.clear()
    clock.now += 0.5  # one line's worth at 2 a second
    assert limiter.log("loud", logging.WARNING, "refused")
    assert lines(caplog) == [("log lines suppressed", "loud", 7), ("refused", None, None)]
    assert caplog.records[0].over_seconds == 0.5


def test_the_rate_refills_to_the_burst_at_most(limited):
    limiter, clock, caplog = limited
    for _ in range(3):
        limiter.log("loud", logging.WARNING, "refused")
    clock.now += 3600
    caplog.clear()
    assert [limiter.log("loud", logging.WARNING, "refused") for _ in range(5)] == [True] * 3 + [False] * 2


def test_kinds_are_limited_apart_and_another_kinds_line_or_a_flush_reports_the_count(limited):
    limiter, clock, caplog = limited
    for _ in range(4):
        limiter.log("quiet", logging.INFO, "public call")  # its own bucket: a burst of 1
    assert limiter.log("loud", logging.WARNING, "refused")  # unaffected
    caplog.clear()
    clock.now += 1
    limiter.flush()
    assert lines(caplog) == [("log lines suppressed", "quiet", 3)]
    caplog.clear()
    limiter.flush()  # said once
    assert lines(caplog) == []


def test_a_level_the_logger_does_not_write_is_neither_logged_nor_counted(limited):
    limiter, clock, caplog = limited
    assert not limiter.log("loud", logging.DEBUG, "refused")
    assert [limiter.log("loud", logging.WARNING, "refused") for _ in range(3)] == [True] * 3


# --- both servers, sync and asyncio, with a typed method -----------------------------------------------------


@pytest.fixture(scope="module", params=[False, True], ids=["threaded", "asyncio"])
def typed_channel(request):
    def echo(message, context):
        if message.slug == "boom":
            raise RuntimeError("a bug")
        return message

    handler = grpc.method_handlers_generic_handler("hearth.test.v1.ProbeService", {
        "Echo": grpc.unary_unary_rpc_method_handler(echo, Probe.FromString, Probe.SerializeToString),
    })
    server = GrpcServer([(lambda servicer, srv: srv.add_generic_rpc_handlers((handler,)), None)],
                        ["hearth.test.v1.ProbeService"], address="127.0.0.1:0", asyncio=request.param,
                        limits=LIMITS).start()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield channel
    server.stop(0)


def _echo(channel, payload: bytes):
    try:
        return grpc.StatusCode.OK, channel.unary_unary("/hearth.test.v1.ProbeService/Echo")(payload, timeout=5)
    except grpc.RpcError as exc:
        return exc.code(), exc.details()


def test_both_servers_answer_garbage_and_oversize_as_invalid_argument(typed_channel):
    assert _echo(typed_channel, b"\xff\xff\xff\xff") == (grpc.StatusCode.INVALID_ARGUMENT,
                                                       "the request is not a valid hearth.test.v1.Probe")
    assert _echo(typed_channel, Probe(body="b" * 51).SerializeToString()) == (
        grpc.StatusCode.INVALID_ARGUMENT, "body is 51 characters; at most 50")
    assert _echo(typed_channel, Probe(slug="ok").SerializeToString())[0] == grpc.StatusCode.OK


def test_a_bug_any_caller_reaches_cannot_flood_the_log_with_tracebacks(typed_channel, caplog):
    caplog.set_level(logging.INFO)
    boom = Probe(slug="boom").SerializeToString()
    assert {_echo(typed_channel, boom)[0] for _ in range(100)} == {grpc.StatusCode.INTERNAL}
    errors = [r for r in caplog.records if r.getMessage().startswith("unhandled error")]
    assert errors and errors[0].exc_info is not None
    assert len(errors) < 100  # a burst of 20, then 5 a second
