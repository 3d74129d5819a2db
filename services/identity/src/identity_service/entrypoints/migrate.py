"""Entrypoint: the identity-migrate one-shot: schema upgrade, catalogue seed, first admin, first signing key."""
from __future__ import annotations

import logging

from hearth_common.backfill import declare_worker_queues
from hearth_common.logging import configure_logging, new_request_id, request_id_var
from identity_service import settings as settings_module
from identity_service.bootstrap import build_service
from identity_service.domain.catalogue import STARTER_BADGES
from identity_service.migrations import runner

log = logging.getLogger(__name__)


def migrate(settings) -> None:
    runner.upgrade(settings.database_url)
    service = build_service(settings)
    added = service.seed_badges(STARTER_BADGES)
    service.ensure_signing_key()
    if settings.bootstrap_admin_username != "-":
        admin = service.bootstrap_admin(settings.bootstrap_admin_username, settings.bootstrap_admin_password, "1990-01-01")
        log.info("bootstrap admin ready", extra={"person_id": admin["id"], "username": admin["username"]})
    log.info("identity database migrated", extra={"badges_added": added})


def declare_event_queues(settings) -> None:
    """identity's event queues, made before any process of the platform starts, so no producer publishes to nothing."""
    queues = declare_worker_queues(settings.amqp_uri, "identity_service.entrypoints.nameko_service:IdentityWorker")
    log.info("event queues declared", extra={"queues": queues})


def main() -> None:
    settings = settings_module.load()
    configure_logging("identity", "migrate", settings.log_level)
    request_id_var.set(new_request_id())
    migrate(settings)
    declare_event_queues(settings)


if __name__ == "__main__":
    main()
