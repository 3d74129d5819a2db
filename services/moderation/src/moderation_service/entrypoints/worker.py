"""Entrypoint: the moderation-worker process (nameko under eventlet)."""
from hearth_common import worker


def main() -> None:
    worker.run("moderation", "moderation_service.entrypoints.nameko_service:ModerationWorker")


if __name__ == "__main__":
    main()
