"""Entrypoint: the identity-worker process (nameko under eventlet)."""
from hearth_common import worker


def main() -> None:
    worker.run("identity", "identity_service.entrypoints.nameko_service:IdentityWorker")


if __name__ == "__main__":
    main()
