"""Entrypoint: the identity-migrate one-shot: schema upgrade, catalogue seed, first admin, first signing key."""
from __future__ import annotations

import logging

from hearth_common.backfill import declare_worker_queues
from hearth_common.logging import configure_logging, new_request_id, request_id_var
from identity_service import settings as settings_module
from identity_service.bootstrap import build_service
from identity_service.migrations import runner
from identity_service.seed import STARTER_BADGES

log = logging.getLogger(__name__)


def migrate(settings) -> None:
    runner.upgrade(settings.database_url)
    service = build_service(settings)
    added = service.seed_badges(STARTER_BADGES)
    service.ensure_signing_key()
    if settings.bootstrap_admin_username != "-":
        admin = service.bootstrap_admin(
            settings.bootstrap_admin_username, settings.bootstrap_admin_password, "1990-01-01"
        )
        log.info("bootstrap admin ready", extra={"person_id": admin["id"], "username": admin["username"]})
    log.info("identity database migrated", extra={"badges_added": added})


def main() -> None:
    settings = settings_module.load()
    configure_logging("identity", "migrate", settings.log_level)
    request_id_var.set(new_request_id())
    migrate(settings)
    # Last, once the database is done: identity's event queues, so they exist before any producer's worker starts.
    declare_worker_queues(settings.amqp_uri, "identity_service.entrypoints.nameko_service:IdentityWorker")


if __name__ == "__main__":
    main()
