"""Entrypoint: the identity-migrate one-shot: schema upgrade, catalogue seed, first admin, first signing key."""
from __future__ import annotations

import logging

from hearth_common.migrations import migrate_step
from identity_service import settings as settings_module
from identity_service.bootstrap import build_service
from identity_service.migrations import runner
from identity_service.seed import STARTER_BADGES

log = logging.getLogger(__name__)


def migrate(settings) -> None:
    runner.upgrade_as_owner(settings)
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
    worker = "identity_service.entrypoints.nameko_service:IdentityWorker"
    migrate_step("identity", settings_module.load, migrate, worker)


if __name__ == "__main__":
    main()
