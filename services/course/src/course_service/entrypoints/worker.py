"""Entrypoint: the course-worker process (nameko under eventlet)."""
from hearth_common import worker


def main() -> None:
    worker.run("course", "course_service.entrypoints.nameko_service:CourseWorker")


if __name__ == "__main__":
    main()
