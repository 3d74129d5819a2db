"""Unit tests: moderation's settings are read when a process starts, from MODERATION_* variables."""
import datetime as dt

from moderation_service import settings


def test_defaults_are_a_local_machines(monkeypatch):
    for name in ("MODERATION_GRPC_ADDRESS", "MODERATION_MESSAGE_RETENTION_DAYS", "MODERATION_DATABASE_URL",
                 "MODERATION_MIGRATE_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    loaded = settings.load()
    assert loaded.grpc_address == "0.0.0.0:50053"
    assert loaded.database_url.endswith("/hearth_moderation")
    assert loaded.migration_database_url == loaded.database_url  # one role owns and uses it (make run)
    assert loaded.message_retention == dt.timedelta(days=30)


def test_the_environment_overrides_them(monkeypatch):
    monkeypatch.setenv("MODERATION_GRPC_ADDRESS", "127.0.0.1:6000")
    monkeypatch.setenv("MODERATION_MESSAGE_RETENTION_DAYS", "7")
    monkeypatch.setenv("MODERATION_ROOM_RPC_TIMEOUT_SECONDS", "2.5")
    loaded = settings.load()
    assert (loaded.grpc_address, loaded.message_retention, loaded.room_rpc_timeout_seconds) == (
        "127.0.0.1:6000", dt.timedelta(days=7), 2.5)


def test_the_migrate_step_runs_as_the_owner_and_grants_the_runtime_role(monkeypatch):
    monkeypatch.setenv("MODERATION_DATABASE_URL", "postgresql+psycopg2://moderation:pw@postgres:5432/moderation")
    monkeypatch.setenv("MODERATION_MIGRATE_DATABASE_URL",
                       "postgresql+psycopg2://moderation_owner:opw@postgres:5432/moderation")
    loaded = settings.load()
    assert loaded.migration_database_url == "postgresql+psycopg2://moderation_owner:opw@postgres:5432/moderation"
    assert loaded.runtime_role == "moderation"
