"""Entrypoint: the room-worker process (nameko under eventlet)."""
from hearth_common import worker


def main() -> None:
    worker.run("room", "room_service.entrypoints.nameko_service:RoomWorker")


if __name__ == "__main__":
    main()
