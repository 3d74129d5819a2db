"""Entrypoint: the identity-worker process (nameko under eventlet)."""
from __future__ import annotations


def main() -> None:
    import eventlet

    eventlet.monkey_patch()

    from hearth_common.logging import configure_logging
    from nameko.cli.run import run

    from identity_service.entrypoints.nameko_service import IdentityWorker, settings

    configure_logging("identity", "worker", settings.log_level)
    run([IdentityWorker], {"AMQP_URI": settings.amqp_uri, "max_workers": 10})


if __name__ == "__main__":
    main()
