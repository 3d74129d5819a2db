"""Unit tests of the small shared helpers: the clock, ids, required and optional text, seed files, base settings."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import uuid
from typing import NamedTuple

import pytest

from hearth_common import errors
from hearth_common.clock import utcnow
from hearth_common.ids import new_id, parse_uuid
from hearth_common.seed import SeedError, read_document, read_records
from hearth_common.settings import ServiceSettings, SettingsError
from hearth_common.text import optional_text, required_text

# --- clock and ids -------------------------------------------------------------------------------------------


def test_utcnow_is_aware_and_in_utc():
    before = dt.datetime.now(dt.timezone.utc)
    now = utcnow()
    assert now.utcoffset() == dt.timedelta(0) and before <= now <= dt.datetime.now(dt.timezone.utc)


def test_new_ids_are_canonical_random_uuids():
    ids = {new_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(str(uuid.UUID(value)) == value and uuid.UUID(value).version == 4 for value in ids)


@pytest.mark.parametrize(
    "value",
    ["6F9619FF-8B86-D011-B42D-00C04FC964FF", "{6f9619ff-8b86-d011-b42d-00c04fc964ff}",
     "urn:uuid:6f9619ff-8b86-d011-b42d-00c04fc964ff", uuid.UUID("6f9619ff-8b86-d011-b42d-00c04fc964ff")],
)
def test_parse_uuid_gives_the_canonical_form(value):
    assert parse_uuid(value, "id") == "6f9619ff-8b86-d011-b42d-00c04fc964ff"


@pytest.mark.parametrize("garbage", ["not-a-uuid", "", None, 42, ["6f9619ff-8b86-d011-b42d-00c04fc964ff"]])
def test_parse_uuid_refuses_garbage_naming_the_field(garbage):
    with pytest.raises(errors.InvalidArgument, match=r"^grant_id must be a UUID, got "):
        parse_uuid(garbage, "grant_id")


def test_parse_uuid_shows_a_long_value_cut_short():
    with pytest.raises(errors.InvalidArgument) as refused:
        parse_uuid("x" * 10_000, "message_id")
    assert len(refused.value.message) < 150 and refused.value.message.endswith("…'")


def test_parse_uuid_refuses_an_id_longer_than_any_uuid_form_before_parsing_it():
    hyphens = "-" * 100 + "6f9619ff8b86d011b42d00c04fc964ff"  # uuid.UUID would take it
    with pytest.raises(errors.InvalidArgument, match="must be a UUID"):
        parse_uuid(hyphens, "id")
    assert parse_uuid("urn:uuid:6f9619ff-8b86-d011-b42d-00c04fc964ff", "id") == "6f9619ff-8b86-d011-b42d-00c04fc964ff"


# --- text -------------------------------------------------------------------------------------------------------


class InvalidThing(errors.InvalidArgument):
    pass


def test_required_text_is_trimmed():
    assert required_text("  because \n", "reason", 20) == "because"


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "reason is required"),
        ("", "reason is required"),
        ("  \t", "reason is required"),
        (42, "reason must be text"),
        (["why"], "reason must be text"),
        ("x" * 21, "reason must be at most 20 characters"),
        ("a\x00b", "reason must not contain NUL (0x00) characters"),
    ],
)
def test_required_text_says_what_is_wrong(value, message):
    with pytest.raises(InvalidThing) as refused:
        required_text(value, "reason", 20, error=InvalidThing)
    assert refused.value.message == message


def test_required_text_counts_the_limit_after_trimming():
    assert required_text(" " + "x" * 20 + " ", "reason", 20) == "x" * 20


@pytest.mark.parametrize("value", [None, "", "ab", "  ab  ", "x" * 121, 42])
def test_a_ranged_text_is_refused_with_its_range(value):
    with pytest.raises(errors.InvalidArgument, match=r"^topic must be 3 to 120 characters$"):
        required_text(value, "topic", 120, min_length=3)


def test_a_ranged_text_still_refuses_nul():
    with pytest.raises(errors.InvalidArgument, match="NUL"):
        required_text("abc\x00", "topic", 120, min_length=3)
    assert required_text("  abc  ", "topic", 120, min_length=3) == "abc"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_optional_text_missing_or_blank_is_none(value):
    assert optional_text(value, "idempotency_key", 10) is None


def test_optional_text_is_trimmed_and_refused_like_required_text():
    assert optional_text(" key-1 ", "idempotency_key", 10) == "key-1"
    refusals = [(7, "must be text"), ("x" * 11, "must be at most 10 characters"), ("\x00", "must not contain NUL")]
    for value, message in refusals:
        with pytest.raises(InvalidThing, match=f"^idempotency_key {message}"):
            optional_text(value, "idempotency_key", 10, error=InvalidThing)


# --- seed files ---------------------------------------------------------------------------------------------


class Spec(NamedTuple):
    slug: str
    name: str


def _check(spec: Spec) -> None:
    if not spec.name:
        raise InvalidThing("name is required")


def test_records_become_specs_in_order():
    records = [{"slug": "a", "name": "A"}, {"name": "B", "slug": "b"}]
    assert read_records(records, Spec, _check, "thing") == (Spec("a", "A"), Spec("b", "B"))


@pytest.mark.parametrize(
    "records, message",
    [
        ({"slug": "a"}, "the things must be a list"),
        (["a"], "thing 0 (not an object): expected exactly the fields slug, name"),
        ([{"slug": "a"}], "thing 0 (a): expected exactly the fields slug, name"),
        ([{"slug": "a", "name": "A", "colour": "red"}], "thing 0 (a): expected exactly the fields slug, name"),
        ([{"slug": "a", "name": "A"}, {"slug": "b", "name": ""}], "thing 1 (b): name is required"),
        ([{"slug": "a", "name": "A"}, {"slug": "a", "name": "B"}], "thing 1 (a): the slug is used twice"),
    ],
)
def test_a_malformed_record_is_refused_naming_it(records, message):
    with pytest.raises(SeedError) as refused:
        read_records(records, Spec, _check, "thing")
    assert str(refused.value) == message


def test_a_document_is_read_from_its_package(tmp_path, monkeypatch):
    package = tmp_path / "fake_seed_package"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "things.json").write_text(json.dumps({"things": [{"slug": "a", "name": "A"}]}))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert read_document("fake_seed_package", "things.json", frozenset({"things"})) == {
            "things": [{"slug": "a", "name": "A"}]
        }
        with pytest.raises(SeedError, match="things.json must be an object with exactly the keys other, things"):
            read_document("fake_seed_package", "things.json", frozenset({"things", "other"}))
    finally:
        sys.modules.pop("fake_seed_package", None)


# --- base settings ----------------------------------------------------------------------------------------------

SHARED_VARIABLES = (
    "CHAT_DATABASE_URL", "CHAT_AMQP_URI", "CHAT_GRPC_ADDRESS", "CHAT_GRPC_WORKERS", "CHAT_GRPC_GRACE_SECONDS",
    "CHAT_GRPC_DRAIN_SECONDS",
    "HEARTH_TOKEN_ISSUER", "HEARTH_TOKEN_AUDIENCE", "LOG_LEVEL", "CHAT_RELAY_INTERVAL_SECONDS",
    "CHAT_WORKER_HEARTBEAT_FILE", "HEARTH_RPC_LOCAL_CALLER", "CHAT_DATABASE_CONNECT_TIMEOUT_SECONDS",
    "CHAT_DATABASE_POOL_TIMEOUT_SECONDS", "CHAT_DATABASE_RETRY_INTERVAL_SECONDS",
    "CHAT_DATABASE_HEALTH_INTERVAL_SECONDS", "CHAT_MIGRATE_DATABASE_URL",
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ChatSettings(ServiceSettings):
    greeting: str


@pytest.fixture
def clean_environment(monkeypatch):
    for name in SHARED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_shared_settings_default_to_a_local_machine(clean_environment):
    settings = ChatSettings(**ServiceSettings.shared("chat", grpc_port=50070, grpc_workers=3), greeting="hi")
    assert dataclasses.asdict(settings) == {
        "database_url": "postgresql+psycopg2://postgres@127.0.0.1:5432/hearth_chat",
        "amqp_uri": "amqp://guest:guest@127.0.0.1:5672/",
        "grpc_address": "0.0.0.0:50070",
        "grpc_workers": 3,
        "grpc_grace_seconds": 10.0,
        "grpc_drain_seconds": 0.5,
        "token_issuer": "hearth-identity",
        "token_audience": "hearth",
        "log_level": "INFO",
        "relay_interval_seconds": 30.0,
        "worker_heartbeat_file": "/tmp/chat-worker.heartbeat",
        "rpc_local_caller": False,
        "database_connect_timeout_seconds": 2.0,
        "database_pool_timeout_seconds": 1.0,
        "database_retry_interval_seconds": 0.5,
        "database_health_interval_seconds": 10.0,
        "migrate_database_url": "",
        "greeting": "hi",
    }
    # One role owns and uses the database: the migrate step connects as the runtime role, which it grants nothing.
    assert settings.migration_database_url == settings.database_url and settings.runtime_role == "postgres"


def test_shared_settings_are_read_from_the_service_variables_when_asked(clean_environment):
    values = ["db", "amqp", "127.0.0.1:1", "7", "2.5", "1.5", "iss", "aud", "DEBUG", "0.5", "/run/beat", "true", "3",
              "1.5", "0.25", "20", "owner-db"]
    for name, value in zip(SHARED_VARIABLES, values):
        clean_environment.setenv(name, value)
    shared = ServiceSettings.shared("chat", grpc_port=50070, grpc_workers=3)
    assert list(shared.values()) == ["db", "amqp", "127.0.0.1:1", 7, 2.5, 1.5, "iss", "aud", "DEBUG", 0.5,
                                     "/run/beat", True, 3.0, 1.5, 0.25, 20.0, "owner-db"]


def test_the_migrate_step_connects_as_the_owner_and_the_processes_as_the_runtime_role(clean_environment):
    clean_environment.setenv("CHAT_DATABASE_URL", "postgresql+psycopg2://chat:s3cret@db:5432/chat")
    clean_environment.setenv("CHAT_MIGRATE_DATABASE_URL", "postgresql+psycopg2://chat_owner:0wner@db:5432/chat")
    settings = ChatSettings(**ServiceSettings.shared("chat", grpc_port=50070, grpc_workers=3), greeting="hi")
    assert settings.migration_database_url == "postgresql+psycopg2://chat_owner:0wner@db:5432/chat"
    assert settings.runtime_role == "chat"
    # A test's settings pointed at its own database migrate it, unless they name an owner's URL too.
    moved = dataclasses.replace(settings, database_url="postgresql+psycopg2://postgres@127.0.0.1/t",
                                migrate_database_url="")
    assert moved.migration_database_url == moved.database_url and moved.runtime_role == "postgres"
    assert dataclasses.replace(moved, database_url="postgresql:///t").runtime_role == ""


def test_a_malformed_shared_setting_names_its_variable(clean_environment):
    clean_environment.setenv("CHAT_GRPC_WORKERS", "many")
    with pytest.raises(SettingsError, match="CHAT_GRPC_WORKERS"):
        ServiceSettings.shared("chat", grpc_port=50070, grpc_workers=3)


def test_settings_are_frozen_and_keyword_only(clean_environment):
    settings = ChatSettings(**ServiceSettings.shared("chat", grpc_port=50070, grpc_workers=3), greeting="hi")
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.grpc_workers = 8
    with pytest.raises(TypeError):
        ChatSettings("db", "amqp")
