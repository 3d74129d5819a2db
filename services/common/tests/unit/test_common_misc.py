"""Unit tests of the small cross-cutting helpers: proto conversions, settings readers, JSON logs, events, errors."""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import uuid

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from hearth.identity.v1 import identity_pb2
from hypothesis import given
from hypothesis import strategies as st

from hearth_common import errors
from hearth_common.events import Event
from hearth_common.logging import JsonFormatter, configure_logging, current_request_id, new_request_id, request_id_var
from hearth_common.proto_convert import enum_number, enum_value, from_timestamp, to_timestamp
from hearth_common.rpc_client import RemoteError, _remote_domain_error
from hearth_common.settings import SettingsError, env_bool, env_float, env_int, env_str

# --- proto_convert ------------------------------------------------------------------------------------------


def test_to_timestamp_none_is_none():
    assert to_timestamp(None) is None


def test_timestamp_round_trip_preserves_instant_with_non_utc_offset():
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    original = dt.datetime(2024, 3, 1, 9, 15, 30, 123456, tzinfo=ist)

    person = identity_pb2.Person(registered_at=to_timestamp(original))
    back = from_timestamp(person, "registered_at")

    assert back == original
    assert back.tzinfo == dt.timezone.utc
    assert back == dt.datetime(2024, 3, 1, 3, 45, 30, 123456, tzinfo=dt.timezone.utc)


def test_to_timestamp_stores_utc_seconds():
    value = dt.datetime(1970, 1, 1, 1, 0, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))

    ts = to_timestamp(value)

    assert isinstance(ts, Timestamp)
    assert (ts.seconds, ts.nanos) == (10, 0)


@given(st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30),
                    timezones=st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(hours=-7, minutes=-30))])))
def test_to_timestamp_agrees_with_protobufs_own_conversion(value):
    expected = Timestamp()
    expected.FromDatetime(value.astimezone(dt.timezone.utc))
    assert to_timestamp(value) == expected
    assert to_timestamp(value.isoformat()) == expected


def test_from_timestamp_unset_field_is_none():
    assert from_timestamp(identity_pb2.Person(), "registered_at") is None


def test_from_timestamp_set_to_epoch_is_not_mistaken_for_unset():
    person = identity_pb2.Person(registered_at=Timestamp(seconds=0))

    assert from_timestamp(person, "registered_at") == dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("stamp", [Timestamp(seconds=253_402_300_800), Timestamp(seconds=-62_135_596_801),
                                   Timestamp(seconds=0, nanos=1_000_000_000), Timestamp(seconds=0, nanos=-1)])
def test_a_time_no_datetime_holds_is_an_invalid_argument_naming_the_field(stamp):
    with pytest.raises(errors.InvalidArgument, match="registered_at is not a valid time"):
        from_timestamp(identity_pb2.Person(registered_at=stamp), "registered_at")


@pytest.mark.parametrize(
    "wrapper, number, prefix, expected",
    [
        (identity_pb2.PersonKind, identity_pb2.PERSON_KIND_MEMBER, "PERSON_KIND_", "member"),
        (identity_pb2.PersonKind, identity_pb2.PERSON_KIND_LISTENER, "PERSON_KIND_", "listener"),
        (identity_pb2.PersonKind, identity_pb2.PERSON_KIND_UNSPECIFIED, "PERSON_KIND_", ""),
        (identity_pb2.Cohort, identity_pb2.COHORT_TEEN, "COHORT_", "teen"),
        (identity_pb2.Cohort, identity_pb2.COHORT_ADULT, "COHORT_", "adult"),
        (identity_pb2.Role, identity_pb2.ROLE_CHAT_ROOM_MODERATOR, "ROLE_", "chat_room_moderator"),
        (identity_pb2.Role, identity_pb2.ROLE_SUPPORT_SESSION_LEADER, "ROLE_", "support_session_leader"),
        (identity_pb2.Role, identity_pb2.ROLE_ON_SPOT_HOST, "ROLE_", "on_spot_host"),
        (identity_pb2.Role, identity_pb2.ROLE_ADMIN, "ROLE_", "admin"),
        (identity_pb2.Role, identity_pb2.ROLE_UNSPECIFIED, "ROLE_", ""),
        (identity_pb2.Role, 99, "ROLE_", ""),
        (identity_pb2.PersonKind, -1, "PERSON_KIND_", ""),
    ],
)
def test_enum_value(wrapper, number, prefix, expected):
    assert enum_value(wrapper, number, prefix) == expected


@pytest.mark.parametrize(
    "wrapper, value, prefix, expected",
    [
        (identity_pb2.PersonKind, "member", "PERSON_KIND_", identity_pb2.PERSON_KIND_MEMBER),
        (identity_pb2.PersonKind, "listener", "PERSON_KIND_", identity_pb2.PERSON_KIND_LISTENER),
        (identity_pb2.Cohort, "teen", "COHORT_", identity_pb2.COHORT_TEEN),
        (identity_pb2.Role, "chat_room_moderator", "ROLE_", identity_pb2.ROLE_CHAT_ROOM_MODERATOR),
        (identity_pb2.Role, "On_Spot_Host", "ROLE_", identity_pb2.ROLE_ON_SPOT_HOST),
        (identity_pb2.Role, "admin", "ROLE_", identity_pb2.ROLE_ADMIN),
    ],
)
def test_enum_number(wrapper, value, prefix, expected):
    assert enum_number(wrapper, value, prefix) == expected


@pytest.mark.parametrize("number", [n for n in identity_pb2.Role.values() if n != identity_pb2.ROLE_UNSPECIFIED])
def test_role_enum_round_trips(number):
    assert enum_number(identity_pb2.Role, enum_value(identity_pb2.Role, number, "ROLE_"), "ROLE_") == number


def test_enum_number_unknown_value_raises_value_error():
    with pytest.raises(ValueError):
        enum_number(identity_pb2.Role, "supreme_leader", "ROLE_")


# --- settings -----------------------------------------------------------------------------------------------


def test_env_int_reads_value(monkeypatch):
    monkeypatch.setenv("HEARTH_TEST_PORT", "50051")

    assert env_int("HEARTH_TEST_PORT", 1) == 50051


@pytest.mark.parametrize("raw", [None, ""])
def test_env_int_missing_or_empty_gives_default(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("HEARTH_TEST_PORT", raising=False)
    else:
        monkeypatch.setenv("HEARTH_TEST_PORT", raw)

    assert env_int("HEARTH_TEST_PORT", 7) == 7


@pytest.mark.parametrize("raw", ["fifty", "1.5", "0x10", "12abc"])
def test_env_int_bad_value_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("HEARTH_TEST_PORT", raw)

    with pytest.raises(SettingsError) as info:
        env_int("HEARTH_TEST_PORT", 1)

    assert "HEARTH_TEST_PORT" in str(info.value)
    assert repr(raw) in str(info.value)


def test_env_float_reads_and_refuses(monkeypatch):
    monkeypatch.setenv("HEARTH_TEST_GRACE", "2.5")
    assert env_float("HEARTH_TEST_GRACE", 0.0) == 2.5

    monkeypatch.setenv("HEARTH_TEST_GRACE", "soon")
    with pytest.raises(SettingsError, match="HEARTH_TEST_GRACE"):
        env_float("HEARTH_TEST_GRACE", 0.0)

    monkeypatch.delenv("HEARTH_TEST_GRACE")
    assert env_float("HEARTH_TEST_GRACE", 1.25) == 1.25


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "True", "yes", "on", " On "])
def test_env_bool_true_spellings(monkeypatch, raw):
    monkeypatch.setenv("HEARTH_TEST_FLAG", raw)

    assert env_bool("HEARTH_TEST_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "off", " Off\n"])
def test_env_bool_false_spellings(monkeypatch, raw):
    monkeypatch.setenv("HEARTH_TEST_FLAG", raw)

    assert env_bool("HEARTH_TEST_FLAG", True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_missing_or_empty_gives_default(monkeypatch, default):
    monkeypatch.delenv("HEARTH_TEST_FLAG", raising=False)
    assert env_bool("HEARTH_TEST_FLAG", default) is default

    monkeypatch.setenv("HEARTH_TEST_FLAG", "")
    assert env_bool("HEARTH_TEST_FLAG", default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_env_bool_bad_value_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("HEARTH_TEST_FLAG", raw)

    with pytest.raises(SettingsError) as info:
        env_bool("HEARTH_TEST_FLAG", False)

    assert "HEARTH_TEST_FLAG" in str(info.value)
    assert repr(raw) in str(info.value)


def test_env_str_required_and_default(monkeypatch):
    monkeypatch.delenv("HEARTH_TEST_URL", raising=False)
    with pytest.raises(SettingsError, match="HEARTH_TEST_URL"):
        env_str("HEARTH_TEST_URL")
    assert env_str("HEARTH_TEST_URL", "amqp://x") == "amqp://x"

    monkeypatch.setenv("HEARTH_TEST_URL", "")
    with pytest.raises(SettingsError, match="HEARTH_TEST_URL"):
        env_str("HEARTH_TEST_URL")

    monkeypatch.setenv("HEARTH_TEST_URL", "postgresql://db")
    assert env_str("HEARTH_TEST_URL", "unused") == "postgresql://db"


def test_settings_error_is_a_runtime_error():
    assert issubclass(SettingsError, RuntimeError)


# --- JSON logs ----------------------------------------------------------------------------------------------


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("room", "room-grpc"))
    logger = logging.getLogger(f"hearth.test.{uuid.uuid4().hex}")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield logger, stream, lines
    logger.handlers[:] = []


def test_json_log_line_fields(json_log):
    logger, _stream, lines = json_log

    logger.warning("room %s is full", "teen-lounge")

    [entry] = lines()
    assert entry["msg"] == "room teen-lounge is full"
    assert entry["level"] == "warning"
    assert entry["logger"] == logger.name
    assert entry["service"] == "room"
    assert entry["process"] == "room-grpc"
    assert entry["request_id"] is None
    parsed = dt.datetime.fromisoformat(entry["ts"])
    assert parsed.utcoffset() == dt.timedelta(0)
    assert abs((dt.datetime.now(dt.timezone.utc) - parsed).total_seconds()) < 3600


@given(st.floats(min_value=0, max_value=4e9, allow_nan=False))
def test_json_log_timestamp_is_the_records_time_in_utc_to_the_millisecond(created):
    record = logging.LogRecord("x", logging.INFO, "", 0, "m", (), None)
    record.created = created

    entry = json.loads(JsonFormatter("room", "room-grpc").format(record))

    assert entry["ts"] == dt.datetime.fromtimestamp(created, dt.timezone.utc).isoformat(timespec="milliseconds")


def test_json_log_carries_request_id_from_contextvar(json_log):
    logger, _stream, lines = json_log

    token = request_id_var.set("req-abc")
    try:
        logger.info("inside a call")
        assert current_request_id() == "req-abc"
    finally:
        request_id_var.reset(token)
    logger.info("outside a call")

    inside, outside = lines()
    assert inside["request_id"] == "req-abc"
    assert outside["request_id"] is None


def test_json_log_includes_extra_fields_and_stringifies_unserialisable_ones(json_log):
    logger, _stream, lines = json_log
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)

    logger.info("grpc call", extra={"grpc_method": "/x/Y", "duration_ms": 1.5, "room_ids": ["a", "b"], "when": when})

    [entry] = lines()
    assert entry["grpc_method"] == "/x/Y"
    assert entry["duration_ms"] == 1.5
    assert entry["room_ids"] == ["a", "b"]
    assert entry["when"] == str(when)
    # Standard LogRecord attributes are not dumped.
    for noise in ("args", "levelno", "pathname", "lineno", "thread", "msecs", "exc_text"):
        assert noise not in entry


def test_json_log_is_one_object_per_line_even_with_newlines_and_tracebacks(json_log):
    logger, stream, lines = json_log

    logger.info("first line\nsecond line")
    try:
        raise ValueError("kaboom")
    except ValueError:
        logger.exception("it failed")
    logger.info("after")

    raw_lines = stream.getvalue().splitlines()
    assert len(raw_lines) == 3
    first, failed, after = lines()
    assert first["msg"] == "first line\nsecond line"
    assert failed["level"] == "error"
    assert "ValueError: kaboom" in failed["exc"]
    assert "Traceback" in failed["exc"]
    assert after["msg"] == "after"
    assert "exc" not in after


def test_new_request_ids_are_unique_hex():
    ids = {new_request_id() for _ in range(100)}

    assert len(ids) == 100
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


# --- events -------------------------------------------------------------------------------------------------


def test_event_envelope_shape():
    at = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    event = Event(
        type="identity.badge_awarded",
        data={"person_id": "p1", "badge": "group_dynamics"},
        id="evt-1",
        occurred_at=at,
        request_id="req-9",
    )

    envelope = event.envelope("identity")

    assert envelope == {
        "event_id": "evt-1",
        "event_type": "identity.badge_awarded",
        "source": "identity",
        "occurred_at": "2024-05-06T07:08:09+00:00",
        "request_id": "req-9",
        "data": {"person_id": "p1", "badge": "group_dynamics"},
    }
    assert json.loads(json.dumps(envelope)) == envelope


def test_event_defaults_give_unique_ids_and_aware_utc_time():
    before = dt.datetime.now(dt.timezone.utc)
    first = Event(type="x.happened", data={})
    second = Event(type="x.happened", data={})
    after = dt.datetime.now(dt.timezone.utc)

    assert first.id != second.id
    uuid.UUID(first.id)
    assert first.request_id is None
    assert first.occurred_at.tzinfo is not None
    assert before <= first.occurred_at <= after
    assert dt.datetime.fromisoformat(first.envelope("room")["occurred_at"]) == first.occurred_at


def test_event_is_immutable():
    event = Event(type="x", data={})

    with pytest.raises(Exception):
        event.type = "y"  # type: ignore[misc]


# --- errors.category_of -------------------------------------------------------------------------------------


class BadgeMissing(errors.PermissionDenied):
    pass


class TeenBadgeMissing(BadgeMissing):
    pass


class Mixed(ValueError, errors.NotFound):
    pass


@pytest.mark.parametrize("cls", errors.CATEGORIES)
def test_category_of_a_category_is_itself(cls):
    assert errors.category_of(cls("m")) is cls


def test_category_of_subclasses_finds_the_category():
    assert errors.category_of(BadgeMissing("m")) is errors.PermissionDenied
    assert errors.category_of(TeenBadgeMissing("m")) is errors.PermissionDenied
    assert errors.category_of(Mixed("m")) is errors.NotFound


def test_category_of_plain_domain_error_is_failed_precondition():
    assert errors.category_of(errors.DomainError("m")) is errors.FailedPrecondition


def test_domain_error_keeps_its_message():
    error = errors.NotFound("no such room")

    assert error.message == "no such room"
    assert str(error) == "no such room"


def test_resource_exhausted_carries_retry_hint():
    assert errors.ResourceExhausted("slow").retry_after_seconds is None
    assert errors.ResourceExhausted("slow", retry_after_seconds=3).retry_after_seconds == 3


# --- rpc_client._remote_domain_error ------------------------------------------------------------------------


@pytest.mark.parametrize("cls", errors.CATEGORIES, ids=lambda c: c.__name__)
def test_remote_category_name_rebuilds_that_class(cls):
    error = _remote_domain_error({"exc_type": cls.__name__, "value": "you may not", "exc_path": "x.y"})

    assert type(error) is cls
    assert error.message == "you may not"


@pytest.mark.parametrize("exc_type", ["KeyError", "RoomIsFull", "DomainError", "notfound", ""])
def test_remote_non_category_becomes_remote_error(exc_type):
    error = _remote_domain_error({"exc_type": exc_type, "value": "boom"})

    assert type(error) is RemoteError
    assert error.exc_type == exc_type
    assert error.value == "boom"
    assert str(error) == f"{exc_type}: boom"


def test_remote_error_with_missing_fields():
    error = _remote_domain_error({})

    assert type(error) is RemoteError
    assert error.exc_type == "Exception"
    assert error.value == ""


def test_remote_error_value_is_stringified():
    error = _remote_domain_error({"exc_type": "NotFound", "value": 42})

    assert type(error) is errors.NotFound
    assert error.message == "42"


# --- logging ------------------------------------------------------------------------------------------------


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _expected_rpc_refusal():
    try:
        raise LookupError("no person with username 'nobody'")
    except LookupError:
        logging.getLogger("nameko.containers").warning(
            "(expected) error handling worker %s: %s", "<WorkerContext [identity.get_person]>", "no person",
            exc_info=True)


@pytest.mark.parametrize("level, shown", [("INFO", True), ("WARNING", False)])
def test_an_expected_rpc_refusal_is_one_info_line_not_a_warning_with_a_traceback(restore_logging, capsys, level, shown):
    configure_logging("identity", "worker", level)
    _expected_rpc_refusal()
    logging.getLogger("nameko.containers").warning("killing container")  # other warnings stay warnings
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    refusals = [(l["level"], "exc" in l) for l in lines if l["msg"].startswith("(expected)")]
    assert refusals == ([("info", False)] if shown else [])
    assert [l["level"] for l in lines if l["msg"] == "killing container"] == ["warning"]


# --- database errors that pass, and input the driver refuses ------------------------------------------------


class _DriverError(Exception):
    def __init__(self, pgcode):
        super().__init__("driver error")
        self.pgcode = pgcode


@pytest.mark.parametrize("pgcode, passes", [
    (None, True),       # the connection failed: no statement got a code
    ("08006", True),    # connection failure
    ("57P01", True),    # the server is shutting down
    ("40P01", True),    # deadlock: the database rolled one side back
    ("40001", True),    # serialization failure
    ("57014", False),   # statement timeout: the same statement would time out again
    ("53100", False),   # disk full
])
def test_database_errors_that_pass_by_themselves_are_told_apart_from_ones_that_recur(pgcode, passes):
    import sqlalchemy as sa

    from hearth_common.db import database_unavailable

    assert database_unavailable(sa.exc.OperationalError("SELECT 1", {}, _DriverError(pgcode))) is passes
    assert database_unavailable(sa.exc.InterfaceError("SELECT 1", {}, _DriverError(None))) is True
    assert database_unavailable(sa.exc.IntegrityError("INSERT", {}, _DriverError("23505"))) is False


def test_text_the_driver_refuses_for_a_nul_character_is_an_invalid_argument():
    refusal = errors.refused_by_driver(ValueError("A string literal cannot contain NUL (0x00) characters."))
    assert isinstance(refusal, errors.InvalidArgument) and "NUL" in refusal.message
    assert errors.refused_by_driver(ValueError("something else")) is None
    import sqlalchemy as sa
    in_json = sa.exc.DataError("INSERT", {}, _DriverError("22P05"))  # jsonb: unsupported Unicode escape \u0000
    assert isinstance(errors.refused_by_driver(in_json), errors.InvalidArgument)
    assert errors.refused_by_driver(sa.exc.DataError("INSERT", {}, _DriverError("22001"))) is None

