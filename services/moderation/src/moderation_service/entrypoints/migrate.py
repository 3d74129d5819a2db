"""Entrypoint: the moderation-migrate one-shot: schema upgrade, then the worker's event queues."""
from __future__ import annotations

import logging

from hearth_common.migrations import migrate_step
from moderation_service import settings as settings_module
from moderation_service.bootstrap import build_automod
from moderation_service.migrations import runner

log = logging.getLogger(__name__)


def migrate(settings) -> None:
    runner.upgrade_as_owner(settings)
    log.info("moderation database migrated")
    # The automod rule set's first version (the defaults) and its automod_rules_changed, once: here, before
    # moderation-grpc or the worker start, so no change can come first (the change path makes it too if not).
    version = build_automod(settings).publish_first_version()
    log.info("automod rule set published", extra={"version": version})


def main() -> None:
    migrate_step("moderation", settings_module.load, migrate,
                 "moderation_service.entrypoints.nameko_service:ModerationWorker")


if __name__ == "__main__":
    main()
