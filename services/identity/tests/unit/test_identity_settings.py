"""Unit tests of identity's settings: the README's variable names, read when load() is called, not at import."""
from __future__ import annotations

import datetime as dt

from identity_service import settings as settings_module

README_VARIABLES = {
    "IDENTITY_DATABASE_URL": ("database_url", "postgresql+psycopg2://u@db:5432/x", "postgresql+psycopg2://u@db:5432/x"),
    "IDENTITY_AMQP_URI": ("amqp_uri", "amqp://u:p@mq:5672/", "amqp://u:p@mq:5672/"),
    "IDENTITY_GRPC_ADDRESS": ("grpc_address", "127.0.0.1:6000", "127.0.0.1:6000"),
    "IDENTITY_GRPC_WORKERS": ("grpc_workers", "3", 3),
    "IDENTITY_GRPC_GRACE_SECONDS": ("grpc_grace_seconds", "2.5", 2.5),
    "IDENTITY_GRPC_DRAIN_SECONDS": ("grpc_drain_seconds", "0.25", 0.25),
    "IDENTITY_RELAY_INTERVAL_SECONDS": ("relay_interval_seconds", "0.5", 0.5),
    "IDENTITY_WORKER_HEARTBEAT_FILE": ("worker_heartbeat_file", "/run/beat", "/run/beat"),
    "IDENTITY_ACCESS_TOKEN_TTL_SECONDS": ("access_token_ttl", "60", dt.timedelta(seconds=60)),
    "HEARTH_TOKEN_ISSUER": ("token_issuer", "iss", "iss"),
    "HEARTH_TOKEN_AUDIENCE": ("token_audience", "aud", "aud"),
    "LOG_LEVEL": ("log_level", "DEBUG", "DEBUG"),
}


def test_load_reads_the_variables_the_readme_names_when_called(monkeypatch):
    for name, (_, raw, _) in README_VARIABLES.items():
        monkeypatch.setenv(name, raw)
    settings = settings_module.load()
    assert {name: getattr(settings, field) for name, (field, _, _) in README_VARIABLES.items()} == {
        name: expected for name, (_, _, expected) in README_VARIABLES.items()
    }


def test_the_defaults_are_a_local_development_machine(monkeypatch):
    for name in README_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    settings = settings_module.load()
    assert (settings.database_url, settings.grpc_address, settings.grpc_workers) == (
        "postgresql+psycopg2://postgres@127.0.0.1:5432/hearth_identity", "0.0.0.0:50051", 16
    )
    assert settings.worker_heartbeat_file == "/tmp/identity-worker.heartbeat"
